/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-documents.c: attachments typed by their bytes, matched to the SOP 067
 * requirements by name, checked (empty, too large, truncated, encrypted);
 * file names made safe; the project's sample emails, documents and name.
 * Fixture files are generated into a scratch directory. */
#include "config.h"

#include "policy/policy.h"

#include "testutil.h"

#include <sys/stat.h>

/* ---- fixtures ------------------------------------------------------------- */

typedef enum {
	F_PDF,
	F_PDF_NO_EOF,
	F_PDF_ENCRYPTED,
	F_PDF_ENCRYPT_AT_CHUNK, /* /Encrypt across the 64 KiB read boundary */
	F_PDF_JUNK,             /* bytes before %PDF- */
	F_PDF_6MB,
	F_EXE,
	F_ZIP,
	F_HTML,
	F_JPEG,
	F_JPEG_TRUNCATED,
	F_JPEG_TRAILER, /* Motion Photo: a video after EOI */
	F_PNG,
	F_PNG_TRUNCATED,
	F_EMPTY,
	F_COUNT,
} fixture;

static char *fixture_path[F_COUNT];
static char *scratch;

static const char pdf_body[] = "%PDF-1.4\n"
                               "%\xE2\xE3\xCF\xD3\n"
                               "1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
                               "2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n"
                               "3 0 obj\n<< /Title (Encryption guide /Encryption) >>\nendobj\n"
                               "xref\n0 4\n0000000000 65535 f \n"
                               "trailer\n<< /Size 4 /Root 1 0 R /Info 3 0 R >>\n"
                               "startxref\n9\n";

static const unsigned char jpeg_bytes[] = {
    0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 'J',  'F',  'I',  'F',  0x00, 0x01, 0x01,
    0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0xFF, 0xDB, 0x00, 0x04, 0x00, 0x00, /* DQT */
    0xFF, 0xDA, 0x00, 0x08, 0x01, 0x01, 0x00, 0x00, 0x3F, 0x00,                   /* SOS */
    0x12, 0xFF, 0x00, 0x34, 0xFF, 0xD0, 0x56, 0xD9, 0x78, 0x9A, 0xFF, 0xD9};

static const unsigned char png_bytes[] = {
    0x89, 'P',  'N',  'G',  '\r', '\n', 0x1A, '\n', 0x00, 0x00, 0x00, 0x0D, 'I',  'H',
    'D',  'R',  0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x02, 0x00, 0x00,
    0x00, 0x90, 0x77, 0x53, 0xDE, 0x00, 0x00, 0x00, 0x0A, 'I',  'D',  'A',  'T',  0x78,
    0x9C, 0x63, 0xF8, 0x0F, 0x00, 0x01, 0x01, 0x01, 0x00, 0x1B, 0xB6, 0xEE, 0x56, 0x00,
    0x00, 0x00, 0x00, 'I',  'E',  'N',  'D',  0xAE, 0x42, 0x60, 0x82};

/* MZ stub pointing at a PE header with a PE32 optional header. */
static GBytes *
exe_bytes(void)
{
	guint8 *b = g_malloc0(512);
	static const guint8 coff[] = {'P', 'E', 0,    0,    0x4C, 0x01, 0x01, 0x00, 0,
	                              0,   0,   0,    0,    0,    0,    0,    0,    0,
	                              0,   0,   0xE0, 0x00, 0x02, 0x01, 0x0B, 0x01};
	b[0] = 'M';
	b[1] = 'Z';
	b[0x3C] = 0x80;
	memcpy(b + 0x80, coff, sizeof coff);
	b[0x80 + 24 + 68] = 2; /* Subsystem: Windows GUI */
	return g_bytes_new_take(b, 512);
}

static GBytes *
zip_bytes(void)
{
	static const guint8 z[] = {
	    'P', 'K', 3, 4, 0x0A, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x86, 0xA6, 0x10, 0x36, 5, 0, 0, 0, 5,
	    0, 0, 0, 5, 0, 0, 0, 'a', '.', 't', 'x', 't', 'h', 'e', 'l', 'l', 'o',
	    /* central directory */
	    'P', 'K', 1, 2, 0x14, 0, 0x0A, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x86, 0xA6, 0x10, 0x36, 5, 0,
	    0, 0, 5, 0, 0, 0, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 'a', '.', 't',
	    'x', 't',
	    /* end of central directory */
	    'P', 'K', 5, 6, 0, 0, 0, 0, 1, 0, 1, 0, 51, 0, 0, 0, 40, 0, 0, 0, 0, 0};
	return g_bytes_new_static(z, sizeof z);
}

static GBytes *
fixture_bytes(fixture f)
{
	GString *s = g_string_new(NULL);

	switch (f) {
	case F_PDF:
		g_string_append(s, pdf_body);
		g_string_append(s, "%%EOF\n");
		break;
	case F_PDF_NO_EOF: g_string_append(s, pdf_body); break;
	case F_PDF_ENCRYPTED:
		g_string_append(s, pdf_body);
		g_string_append(s, "trailer\n<< /Size 4 /Root 1 0 R /Encrypt 5 0 R >>\n%%EOF\n");
		break;
	case F_PDF_ENCRYPT_AT_CHUNK:
		g_string_append(s, "%PDF-1.7\n");
		while (s->len < 65536 - 4)
			g_string_append_c(s, s->len % 64 == 63 ? '\n' : ' ');
		g_string_truncate(s, 65536 - 4);
		g_string_append(s, "/Encrypt 9 0 R\n");
		while (s->len < 200000)
			g_string_append(s, "% padding so the tail is far from the key\n");
		g_string_append(s, "%%EOF\n");
		break;
	case F_PDF_JUNK:
		g_string_append(s, "\r\n<br>Warning: headers already sent\r\n");
		g_string_append(s, pdf_body);
		g_string_append(s, "%%EOF\n");
		break;
	case F_PDF_6MB:
		g_string_append(s, pdf_body);
		while (s->len < 6u << 20)
			g_string_append(s, "% scanned at 600 dpi, uncompressed, as offices do\n");
		g_string_append(s, "%%EOF\n");
		break;
	case F_EXE: g_string_free(s, true); return exe_bytes();
	case F_ZIP: g_string_free(s, true); return zip_bytes();
	case F_HTML:
		g_string_append(s, "<!DOCTYPE html>\n<html><head><title>Surat</title></head>"
		                   "<body><p>Surat permohonan</p></body></html>\n");
		break;
	case F_JPEG: g_string_append_len(s, (const char *)jpeg_bytes, sizeof jpeg_bytes); break;
	case F_JPEG_TRUNCATED:
		g_string_append_len(s, (const char *)jpeg_bytes, sizeof jpeg_bytes - 5);
		break;
	case F_JPEG_TRAILER:
		g_string_append_len(s, (const char *)jpeg_bytes, sizeof jpeg_bytes);
		g_string_append_len(s,
		                    "\0\0\0\x18"
		                    "ftypmp42\xFF\xD8\xFF\x00",
		                    16);
		break;
	case F_PNG: g_string_append_len(s, (const char *)png_bytes, sizeof png_bytes); break;
	case F_PNG_TRUNCATED:
		g_string_append_len(s, (const char *)png_bytes, sizeof png_bytes - 12);
		break;
	case F_EMPTY:
	case F_COUNT: break;
	}
	return g_string_free_to_bytes(s);
}

static int
fixtures_setup(void **state)
{
	scratch = test_tmpdir("documents");
	for (int f = 0; f < F_COUNT; f++) {
		g_autoptr(GBytes) b = fixture_bytes((fixture)f);
		char name[32];
		gsize len;
		const void *data = g_bytes_get_data(b, &len);
		g_snprintf(name, sizeof name, "fixture-%02d", f);
		fixture_path[f] = g_build_filename(scratch, name, NULL);
		if (!g_file_set_contents(fixture_path[f], data ? data : "", (gssize)len, NULL))
			fail_msg("cannot write %s", fixture_path[f]);
	}
	return 0;
}

static int
fixtures_teardown(void **state)
{
	for (int f = 0; f < F_COUNT; f++)
		g_clear_pointer(&fixture_path[f], g_free);
	test_rm_rf(scratch);
	g_clear_pointer(&scratch, g_free);
	return 0;
}

/* ---- SOP 067's requirements ----------------------------------------------- */

static const char *const only_pdf[] = {"pdf", NULL};
static const char *const scan_types[] = {"pdf", "jpeg", "png", NULL};
static const char *const kw_permohonan[] = {"permohonan", NULL};
static const char *const kw_ktp[] = {"ktp", NULL};
static const char *const kw_rekomendasi[] = {"rekomendasi", NULL};
static const dispo_requirement sop067[] = {
    {"permohonan", "Surat permohonan", only_pdf, 10u << 20, kw_permohonan},
    {"ktp", "Scan KTP", scan_types, 5u << 20, kw_ktp},
    {"rekomendasi", "Surat rekomendasi", only_pdf, 10u << 20, kw_rekomendasi},
};

/* ---- policy_file_type ------------------------------------------------------ */

static void
test_file_type(void **state)
{
	static const struct {
		fixture f;
		const char *type;
		const char *description; /* substring */
	} cases[] = {
	    {F_PDF, "pdf", "a PDF document"},           {F_PDF_ENCRYPTED, "pdf", "a PDF document"},
	    {F_PDF_JUNK, NULL, "a damaged PDF"},        {F_JPEG, "jpeg", "a JPEG image"},
	    {F_JPEG_TRUNCATED, "jpeg", "a JPEG image"}, {F_PNG, "png", "a PNG image"},
	    {F_EXE, NULL, "a Windows program (PE32"},   {F_ZIP, NULL, "a ZIP archive"},
	    {F_HTML, NULL, "a web page (HTML)"},        {F_EMPTY, NULL, "an empty file"},
	};
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autofree char *desc = NULL;
		const char *type = policy_file_type(fixture_path[cases[i].f], &desc);
		if (g_strcmp0(type, cases[i].type) != 0 || !desc ||
		    !strstr(desc, cases[i].description))
			fail_msg("fixture %d: type %s (%s), want %s (%s)", cases[i].f,
			         type ? type : "NULL", desc ? desc : "NULL",
			         cases[i].type ? cases[i].type : "NULL", cases[i].description);
	}
	{
		g_autofree char *desc = NULL;
		g_autofree char *missing = g_build_filename(scratch, "no-such-file", NULL);
		assert_null(policy_file_type(missing, &desc));
		assert_string_equal(desc, "a file that cannot be read");
		assert_null(policy_file_type(scratch, NULL)); /* a directory */
	}
}

/* ---- policy_filename_sanitize ------------------------------------------------ */

static void
test_filename_sanitize(void **state)
{
	static const struct {
		const char *in;
		const char *want;
	} cases[] = {
	    {"Surat_Permohonan.PDF", "Surat_Permohonan.PDF"},
	    {"../../etc/passwd", "passwd"},
	    {"..", "lampiran"},
	    {".", "lampiran"},
	    {"...", "lampiran"},
	    {"", "lampiran"},
	    {NULL, "lampiran"},
	    {"a/b\\c", "c"},
	    {"C:\\Users\\Budi\\Documents\\scan KTP.jpg", "scan KTP.jpg"},
	    {"dir/", "lampiran"},
	    {".bashrc", "bashrc"},
	    {"ktp.pdf\0.exe", "ktp.pdf"}, /* a C string ends at NUL */
	    {"surat\r\nBcc: x@y.pdf", "suratBcc_ x@y.pdf"},
	    {"tab\there.pdf", "tabhere.pdf"},
	    {"permohonan\u202Efdp.exe", "permohonanfdp.exe"},
	    {"a\u2066b\u2069c\u200Fd\u200Be\uFEFF.pdf", "abcde.pdf"},
	    {"name.  ", "name"},
	    {"what?*<>|\".pdf", "what______.pdf"},
	    {"\xFF\xFEktp.pdf", "__ktp.pdf"},
	    {"Rékomendasi.pdf", "Rékomendasi.pdf"},
	    {"\xC3", "_"},
	};
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autofree char *got = policy_filename_sanitize(cases[i].in);
		if (strcmp(got, cases[i].want) != 0)
			fail_msg("sanitize case %zu: '%s', want '%s'", i, got, cases[i].want);
	}

	/* 300 bytes: cut to 100 at a character boundary, extension kept. */
	{
		g_autoptr(GString) s = g_string_new(NULL);
		g_autofree char *got = NULL;
		while (s->len < 296)
			g_string_append(s, "é"); /* two bytes each */
		g_string_prepend_c(s, 'x');      /* so a cut at 96 would split a character */
		g_string_append(s, ".pdf");
		got = policy_filename_sanitize(s->str);
		assert_true(strlen(got) <= 100);
		assert_true(strlen(got) >= 98);
		assert_true(g_str_has_suffix(got, "é.pdf"));
		assert_true(g_utf8_validate(got, -1, NULL));
	}
	{
		g_autofree char *long_ext = g_strnfill(300, 'a');
		g_autofree char *got = NULL;
		long_ext[150] = '.';
		got = policy_filename_sanitize(long_ext);
		assert_int_equal(strlen(got), 100); /* 149-byte "extension": not kept */
	}
}

/* ---- policy_documents_check -------------------------------------------------- */

typedef struct {
	const char *name;
	fixture f;
	const char *disposition; /* NULL: "attachment" */
	unsigned depth;
} att;

static dispo_attachment *
attachment_new(const att *a)
{
	dispo_attachment *x = g_new0(dispo_attachment, 1);
	struct stat st;

	x->filename = g_strdup(a->name);
	/* As a client declares it, from the extension: never trusted for the
	 * type, only to recognise signature pictures. */
	x->content_type = g_strdup(g_str_has_suffix(a->name, ".png")   ? "image/png"
	                           : g_str_has_suffix(a->name, ".jpg") ? "image/jpeg"
	                                                               : "application/pdf");
	x->disposition = g_strdup(a->disposition ? a->disposition : "attachment");
	x->depth = a->depth;
	x->path = g_strdup(fixture_path[a->f]);
	if (stat(x->path, &st) == 0)
		x->size = (uint64_t)st.st_size;
	return x;
}

static void
attachment_free(dispo_attachment *a)
{
	g_free(a->filename);
	g_free(a->content_type);
	g_free(a->disposition);
	g_free(a->path);
	g_free(a);
}

#define MAX_ATT 5
#define A(name, f)                                                                                 \
	{                                                                                          \
		name, f, NULL, 0                                                                   \
	}
#define INLINE(name, f)                                                                            \
	{                                                                                          \
		name, f, "inline", 0                                                               \
	}
#define FORWARDED(name, f)                                                                         \
	{                                                                                          \
		name, f, NULL, 1                                                                   \
	}

static void
test_documents(void **state)
{
	static const struct {
		const char *what;
		att files[MAX_ATT];
		const char *codes;
		const char *subject; /* of the first reason, when not NULL */
	} cases[] = {
	    {"full set",
	     {A("Surat_Permohonan.PDF", F_PDF), A("scan-KTP.jpg", F_JPEG),
	      A("REKOMENDASI atasan.pdf", F_PDF)},
	     "",
	     NULL},
	    {"accents and a PNG",
	     {A("permohonan.pdf", F_PDF), A("ktp.png", F_PNG), A("Rékomendasi.pdf", F_PDF)},
	     "",
	     NULL},
	    {"exe named .pdf",
	     {A("permohonan.pdf", F_EXE), A("ktp.pdf", F_PDF), A("rekomendasi.pdf", F_PDF)},
	     "file_wrong_type",
	     "permohonan.pdf"},
	    {"zip named .pdf",
	     {A("permohonan.pdf", F_PDF), A("ktp.pdf", F_PDF), A("rekomendasi.pdf", F_ZIP)},
	     "file_wrong_type",
	     "rekomendasi.pdf"},
	    {"html named .pdf",
	     {A("permohonan.pdf", F_HTML), A("ktp.pdf", F_PDF), A("rekomendasi.pdf", F_PDF)},
	     "file_wrong_type",
	     NULL},
	    {"zero bytes",
	     {A("permohonan.pdf", F_PDF), A("ktp.pdf", F_EMPTY), A("rekomendasi.pdf", F_PDF)},
	     "file_empty",
	     "ktp.pdf"},
	    {"missing permohonan",
	     {A("ktp.jpg", F_JPEG), A("rekomendasi.pdf", F_PDF)},
	     "missing_permohonan",
	     "Surat permohonan"},
	    {"missing ktp",
	     {A("permohonan.pdf", F_PDF), A("rekomendasi.pdf", F_PDF)},
	     "missing_ktp",
	     NULL},
	    {"missing rekomendasi",
	     {A("permohonan.pdf", F_PDF), A("ktp.jpg", F_JPEG)},
	     "missing_rekomendasi",
	     NULL},
	    {"nothing attached",
	     {A(NULL, F_EMPTY)},
	     "missing_permohonan,missing_ktp,missing_rekomendasi",
	     NULL},
	    {"one uninformative PDF could be the missing letter",
	     {A("permohonan.pdf", F_PDF), A("ktp.jpg", F_JPEG), A("document.pdf", F_PDF)},
	     "file_unmatched",
	     "document.pdf"},
	    {"an uninformative photo cannot be a PDF-only letter",
	     {A("permohonan.pdf", F_PDF), A("ktp.jpg", F_JPEG), A("IMG_2031.jpg", F_JPEG)},
	     "file_wrong_type,missing_rekomendasi",
	     "IMG_2031.jpg"},
	    {"two uninformative names",
	     {A("scan001.pdf", F_PDF), A("scan002.pdf", F_PDF), A("KTP.jpg", F_JPEG)},
	     "file_unmatched,file_unmatched",
	     "scan001.pdf"},
	    {"every name uninformative",
	     {A("scan001.pdf", F_PDF), A("IMG_2031.jpg", F_JPEG), A("document.pdf", F_PDF)},
	     "file_unmatched,file_unmatched,file_unmatched",
	     NULL},
	    {"KTP too large",
	     {A("permohonan.pdf", F_PDF), A("ktp.pdf", F_PDF_6MB), A("rekomendasi.pdf", F_PDF)},
	     "file_too_large",
	     "ktp.pdf"},
	    {"encrypted PDF",
	     {A("permohonan.pdf", F_PDF_ENCRYPTED), A("ktp.pdf", F_PDF),
	      A("rekomendasi.pdf", F_PDF)},
	     "pdf_encrypted",
	     NULL},
	    {"encryption key across a read boundary",
	     {A("permohonan.pdf", F_PDF), A("ktp.pdf", F_PDF),
	      A("rekomendasi.pdf", F_PDF_ENCRYPT_AT_CHUNK)},
	     "pdf_encrypted",
	     "rekomendasi.pdf"},
	    {"PDF without %%EOF",
	     {A("permohonan.pdf", F_PDF_NO_EOF), A("ktp.pdf", F_PDF), A("rekomendasi.pdf", F_PDF)},
	     "pdf_damaged",
	     NULL},
	    {"junk before %PDF-",
	     {A("permohonan.pdf", F_PDF_JUNK), A("ktp.pdf", F_PDF), A("rekomendasi.pdf", F_PDF)},
	     "pdf_damaged",
	     NULL},
	    {"truncated JPEG",
	     {A("permohonan.pdf", F_PDF), A("ktp.jpg", F_JPEG_TRUNCATED),
	      A("rekomendasi.pdf", F_PDF)},
	     "file_damaged",
	     "ktp.jpg"},
	    {"truncated PNG",
	     {A("permohonan.pdf", F_PDF), A("ktp.png", F_PNG_TRUNCATED),
	      A("rekomendasi.pdf", F_PDF)},
	     "file_damaged",
	     NULL},
	    {"Motion Photo: data after the JPEG's end",
	     {A("permohonan.pdf", F_PDF), A("ktp.jpg", F_JPEG_TRAILER),
	      A("rekomendasi.pdf", F_PDF)},
	     "",
	     NULL},
	    {"a photo of a PDF-only letter",
	     {A("permohonan.pdf", F_PDF), A("ktp.jpg", F_JPEG), A("rekomendasi.jpg", F_JPEG)},
	     "file_wrong_type",
	     "rekomendasi.jpg"},
	    {"one name fits two documents",
	     {A("permohonan dan rekomendasi.pdf", F_PDF), A("ktp.jpg", F_JPEG)},
	     "file_unmatched",
	     "permohonan dan rekomendasi.pdf"},
	    {"an ambiguous name resolved by the other files",
	     {A("permohonan.pdf", F_PDF), A("rekomendasi atas permohonan.pdf", F_PDF),
	      A("ktp.jpg", F_JPEG)},
	     "",
	     NULL},
	    {"inside a forwarded message",
	     {A("permohonan.pdf", F_PDF), A("ktp.jpg", F_JPEG),
	      FORWARDED("rekomendasi.pdf", F_PDF)},
	     "missing_rekomendasi",
	     NULL},
	    {"signature image ignored",
	     {INLINE("image001.png", F_PNG), A("permohonan.pdf", F_PDF), A("ktp.jpg", F_JPEG),
	      A("rekomendasi.pdf", F_PDF)},
	     "",
	     NULL},
	    {"signature image is not asked about",
	     {INLINE("image001.png", F_PNG), A("permohonan.pdf", F_PDF),
	      A("rekomendasi.pdf", F_PDF)},
	     "missing_ktp",
	     NULL},
	    {"a small inline image named KTP counts",
	     {INLINE("ktp.png", F_PNG), A("permohonan.pdf", F_PDF), A("rekomendasi.pdf", F_PDF)},
	     "",
	     NULL},
	    {"traversal names are matched as sanitized",
	     {A("../../permohonan.pdf", F_PDF), A("..\\..\\ktp.pdf", F_PDF),
	      A("/etc/rekomendasi.pdf", F_PDF)},
	     "",
	     NULL},
	    {"extras ignored when everything is there",
	     {A("permohonan.pdf", F_PDF), A("ktp.jpg", F_JPEG), A("rekomendasi.pdf", F_PDF),
	      A("SK pengangkatan.docx", F_ZIP), A("setup.exe", F_EXE)},
	     "",
	     NULL},
	    {"KTP front and back",
	     {A("permohonan.pdf", F_PDF), A("ktp depan.jpg", F_JPEG), A("ktp belakang.jpg", F_JPEG),
	      A("rekomendasi.pdf", F_PDF)},
	     "",
	     NULL},
	    {"one of two KTP scans cut short",
	     {A("permohonan.pdf", F_PDF), A("ktp depan.jpg", F_JPEG),
	      A("ktp belakang.jpg", F_JPEG_TRUNCATED), A("rekomendasi.pdf", F_PDF)},
	     "file_damaged",
	     "ktp belakang.jpg"},
	    {"everything wrong at once",
	     {A("permohonan.pdf", F_EXE), A("ktp.pdf", F_EMPTY)},
	     "file_wrong_type,file_empty,missing_rekomendasi",
	     NULL},
	    {"an empty uninformative file",
	     {A("permohonan.pdf", F_PDF), A("ktp.jpg", F_JPEG), A("scan.pdf", F_EMPTY)},
	     "file_empty,missing_rekomendasi",
	     "scan.pdf"},
	    {"right-to-left override in a name",
	     {A("permohonan\u202Efdp.exe", F_EXE), A("ktp.jpg", F_JPEG),
	      A("rekomendasi.pdf", F_PDF)},
	     "file_wrong_type",
	     "permohonanfdp.exe"},
	    {"an uninformative program",
	     {A("permohonan.pdf", F_PDF), A("ktp.jpg", F_JPEG), A("setup.pdf", F_EXE)},
	     "file_wrong_type,missing_rekomendasi",
	     "setup.pdf"},
	    {"an uninformative encrypted PDF is asked about and refused",
	     {A("permohonan.pdf", F_PDF), A("ktp.jpg", F_JPEG), A("scan.pdf", F_PDF_ENCRYPTED)},
	     "file_unmatched,pdf_encrypted",
	     "scan.pdf"},
	    {"a second copy of a document",
	     {A("permohonan.pdf", F_PDF), A("permohonan lagi.pdf", F_PDF), A("ktp.jpg", F_JPEG)},
	     "missing_rekomendasi",
	     NULL},
	};
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		dispo_mail mail = {0};
		g_autoptr(GPtrArray) reasons = policy_reasons_new();
		g_autoptr(GPtrArray) docs = NULL;
		g_autofree char *codes = NULL;
		unsigned n = 0;

		mail.attachments = g_ptr_array_new_with_free_func((GDestroyNotify)attachment_free);
		for (; n < MAX_ATT && cases[i].files[n].name; n++)
			g_ptr_array_add(mail.attachments, attachment_new(&cases[i].files[n]));
		docs = policy_documents_check(&mail, sop067, G_N_ELEMENTS(sop067), reasons);
		codes = policy_reasons_codes(reasons);
		if (strcmp(codes, cases[i].codes) != 0)
			fail_msg("%s: reasons '%s', want '%s'", cases[i].what, codes,
			         cases[i].codes);
		if (cases[i].subject &&
		    g_strcmp0(((dispo_reason *)reasons->pdata[0])->subject, cases[i].subject) != 0)
			fail_msg("%s: subject '%s', want '%s'", cases[i].what,
			         ((dispo_reason *)reasons->pdata[0])->subject, cases[i].subject);
		for (guint r = 0; r < reasons->len; r++)
			assert_non_null(((dispo_reason *)reasons->pdata[r])->detail);
		/* With no reason, every document is matched and ok. */
		for (guint d = 0; !*cases[i].codes && d < docs->len; d++) {
			const dispo_document *doc = docs->pdata[d];
			if (doc->requirement && !doc->ok)
				fail_msg("%s: document %u not ok", cases[i].what, d);
		}
		g_ptr_array_unref(mail.attachments);
	}
}

/* A forwarded application's documents are the forwarded message's (depth
 * 1): the forwarder's own files do not count for it, and its files do not
 * count for the forwarder's own. */
static void
test_documents_depth(void **state)
{
	const att files[] = {A("permohonan.pdf", F_PDF), FORWARDED("ktp.jpg", F_JPEG),
	                     FORWARDED("rekomendasi.pdf", F_PDF), INLINE("image001.png", F_PNG)};
	static const struct {
		unsigned depth;
		const char *codes;
	} cases[] = {
	    {0, "missing_ktp,missing_rekomendasi"},
	    {1, "missing_permohonan"},
	    {2, "missing_permohonan,missing_ktp,missing_rekomendasi"},
	};
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		dispo_mail mail = {0};
		g_autoptr(GPtrArray) reasons = policy_reasons_new();
		g_autoptr(GPtrArray) docs = NULL;
		g_autofree char *codes = NULL;

		mail.attachments = g_ptr_array_new_with_free_func((GDestroyNotify)attachment_free);
		for (size_t n = 0; n < G_N_ELEMENTS(files); n++)
			g_ptr_array_add(mail.attachments, attachment_new(&files[n]));
		docs = policy_documents_check_depth(&mail, cases[i].depth, sop067,
		                                    G_N_ELEMENTS(sop067), reasons);
		codes = policy_reasons_codes(reasons);
		if (strcmp(codes, cases[i].codes) != 0)
			fail_msg("depth %u: reasons '%s', want '%s'", cases[i].depth, codes,
			         cases[i].codes);
		/* Only the forwarder's own application hears where its files are. */
		if (cases[i].depth == 0)
			assert_non_null(strstr(((dispo_reason *)reasons->pdata[0])->detail,
			                       "inside a forwarded message"));
		else
			assert_null(
			    strstr(((dispo_reason *)reasons->pdata[0])->detail, "forwarded"));
		g_ptr_array_unref(mail.attachments);
	}
}

/* What the documents array says: matched requirement, detected type, ok. */
static void
test_documents_result(void **state)
{
	const att files[] = {INLINE("image001.png", F_PNG), A("Surat Permohonan.pdf", F_PDF),
	                     A("scan KTP.pdf", F_EXE), A("lampiran.pdf", F_PDF)};
	dispo_mail mail = {0};
	g_autoptr(GPtrArray) reasons = policy_reasons_new();
	g_autoptr(GPtrArray) docs = NULL;
	g_autofree char *codes = NULL;
	const dispo_document *d;

	mail.attachments = g_ptr_array_new_with_free_func((GDestroyNotify)attachment_free);
	for (size_t i = 0; i < G_N_ELEMENTS(files); i++)
		g_ptr_array_add(mail.attachments, attachment_new(&files[i]));
	docs = policy_documents_check(&mail, sop067, G_N_ELEMENTS(sop067), reasons);
	codes = policy_reasons_codes(reasons);
	assert_string_equal(codes, "file_wrong_type,file_unmatched");
	assert_non_null(strstr(((dispo_reason *)reasons->pdata[0])->detail, "Windows program"));
	assert_non_null(strstr(((dispo_reason *)reasons->pdata[1])->detail, "Surat rekomendasi"));
	assert_int_equal(docs->len, 3); /* the signature image is not a document */
	d = docs->pdata[0];
	assert_ptr_equal(d->requirement, &sop067[0]);
	assert_string_equal(d->type, "pdf");
	assert_true(d->ok);
	d = docs->pdata[1];
	assert_ptr_equal(d->requirement, &sop067[1]);
	assert_null(d->type);
	assert_false(d->ok);
	d = docs->pdata[2];
	assert_null(d->requirement);
	assert_string_equal(d->type, "pdf");
	assert_false(d->ok);
	g_ptr_array_unref(mail.attachments);

	/* No mail, no requirements: nothing to say. */
	g_ptr_array_set_size(reasons, 0);
	g_clear_pointer(&docs, g_ptr_array_unref);
	docs = policy_documents_check(NULL, NULL, 0, reasons);
	assert_int_equal(docs->len, 0);
	assert_int_equal(reasons->len, 0);
}

static const dispo_limits limits = {.message_size = 64ULL << 20,
                                    .header_size = 64 << 10,
                                    .header_fields = 1000,
                                    .parts = 200,
                                    .depth = 16,
                                    .text_size = 1 << 20};

static void
add_part(GString *m, const char *disposition_params, const void *data, size_t len)
{
	g_autofree char *b64 = g_base64_encode(data, len);
	g_string_append_printf(m,
	                       "--b\r\nContent-Type: application/pdf\r\n"
	                       "Content-Transfer-Encoding: base64\r\n"
	                       "Content-Disposition: attachment;%s\r\n\r\n%s\r\n",
	                       disposition_params, b64);
}

/* Names in RFC 2231 encoding arrive decoded from the parser, and the bytes
 * it saves are what is typed, whatever the Content-Type says. */
static void
test_documents_rfc2231(void **state)
{
	g_autofree char *dir = test_tmpdir("documents-mail");
	g_autoptr(GString) m = g_string_new("From: Budi <budi@kuduskab.go.id>\r\n"
	                                    "To: sertifikat@kuduskab.go.id\r\n"
	                                    "Subject: Permohonan\r\nMIME-Version: 1.0\r\n"
	                                    "Content-Type: multipart/mixed; boundary=b\r\n\r\n"
	                                    "--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
	                                    "Nama: Budi\r\n");
	g_autofree char *pdf = g_strconcat(pdf_body, "%%EOF\n", NULL);
	g_autoptr(GBytes) exe = exe_bytes();
	g_autoptr(dispo_mail) mail = NULL;
	g_autoptr(GPtrArray) reasons = policy_reasons_new();
	g_autoptr(GPtrArray) docs = NULL;
	g_autofree char *codes = NULL;
	GError *e = NULL;

	add_part(m, " filename*=UTF-8''Surat%20P%C3%A9rmohonan%20Budi.pdf", pdf, strlen(pdf));
	add_part(m, "\r\n filename*0*=UTF-8''scan%20%E2%80%AEKTP;\r\n filename*1=\".pdf\"",
	         jpeg_bytes, sizeof jpeg_bytes);
	add_part(m, " filename*=iso-8859-1''R%E9komendasi.pdf", g_bytes_get_data(exe, NULL),
	         g_bytes_get_size(exe));
	g_string_append(m, "--b--\r\n");

	mail = mime_mail_parse_data(m->str, m->len, &limits, dir, &e);
	assert_non_null(mail);
	assert_null(e);
	assert_int_equal(mail->attachments->len, 3);
	assert_string_equal(((dispo_attachment *)mail->attachments->pdata[0])->filename,
	                    "Surat Pérmohonan Budi.pdf");
	docs = policy_documents_check(mail, sop067, G_N_ELEMENTS(sop067), reasons);
	codes = policy_reasons_codes(reasons);
	assert_string_equal(codes, "file_wrong_type");
	assert_string_equal(((dispo_reason *)reasons->pdata[0])->subject, "Rékomendasi.pdf");
	assert_string_equal(((dispo_document *)docs->pdata[1])->type, "jpeg");
	assert_true(((dispo_document *)docs->pdata[1])->ok);
	test_rm_rf(dir);
}

/* ---- policy_form_parse -------------------------------------------------------- */

static const char *const labels[] = {"Nama",       "NIP",         "NIK", "Jabatan",
                                     "Unit Kerja", "Email dinas", NULL};

/* The project's own sample emails (tests/mime/data), parsed for real: the
 * documents and the Nama field as an applicant's mail client sent them. */
static void
test_sample_emails(void **state)
{
	static const struct {
		const char *file;
		const char *codes;
		const char *nama;
	} cases[] = {
	    {"01-thunderbird-flowed.eml", "", "Ahmad Fauzi, S.T."},
	    {"02-outlook-desktop-cp1252.eml", "", "Siti Rahayu, S.Kom."},
	    {"04-gmail-android.eml", "file_unmatched", "Dwi Ariyanto, S.IP."}, /* IMG_….jpg */
	    {"05-iphone-rfc2231-split-subject.eml", "", "Budi Santoso, S.Kom."},
	    {"06-zimbra-rfc2231-continuations.eml", "", "Sri Wahyuningsih, S.K.M."},
	    {"07-yahoo-android-html-only.eml", "", "Nur Hidayah, S.Kep., Ners"},
	    {"10-hostile-filenames.eml", "file_unmatched", "Eko Prasetyo"}, /* passwd.pdf */
	    {"11-forward-as-attachment.eml", "missing_permohonan,missing_ktp,missing_rekomendasi",
	     NULL},
	    {"12-forward-inline-gmail.eml", "", NULL}, /* fields only below the forward line */
	    {"19-outlook365-nested-related.eml", "", "Ratna Dewi Anggraeni, S.Ak."},
	    {"20-attachments-without-names.eml", "file_unmatched,file_unmatched",
	     "Wahyu Hidayat, A.Md."},
	    {"22-truncated-base64.eml", "file_damaged,missing_rekomendasi", "Kurniawati, S.Pd."},
	    {"23-samsung-base64-bodies.eml", "file_unmatched", "Slamet Riyanto"},
	};
	g_autofree char *dir = test_tmpdir("documents-samples");

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autofree char *rel =
		    g_build_filename("tests", "mime", "data", cases[i].file, NULL);
		g_autofree char *path = test_srcdir(rel);
		g_autoptr(dispo_mail) mail = mime_mail_parse_file(path, &limits, dir, NULL);
		g_autoptr(GPtrArray) reasons = policy_reasons_new();
		g_autoptr(GPtrArray) docs = NULL;
		g_autoptr(GHashTable) fields = NULL;
		g_autofree char *codes = NULL;

		if (!mail)
			fail_msg("cannot parse %s", path);
		docs = policy_documents_check(mail, sop067, G_N_ELEMENTS(sop067), reasons);
		codes = policy_reasons_codes(reasons);
		if (strcmp(codes, cases[i].codes) != 0)
			fail_msg("%s: reasons '%s', want '%s'", cases[i].file, codes,
			         cases[i].codes);
		fields = policy_form_parse(mail->body, labels);
		if (g_strcmp0(g_hash_table_lookup(fields, "Nama"), cases[i].nama) != 0)
			fail_msg("%s: Nama '%s', want '%s'", cases[i].file,
			         (char *)g_hash_table_lookup(fields, "Nama"), cases[i].nama);
	}
	/* Read as the forwarded application it is, 11 lacks nothing: the
	 * documents inside the forwarded message, the form in its own text. */
	{
		g_autofree char *path = test_srcdir("tests/mime/data/11-forward-as-attachment.eml");
		g_autoptr(dispo_mail) mail = mime_mail_parse_file(path, &limits, dir, NULL);
		g_autoptr(GPtrArray) reasons = policy_reasons_new();
		g_autoptr(GPtrArray) docs =
		    policy_documents_check_depth(mail, 1, sop067, G_N_ELEMENTS(sop067), reasons);
		g_autoptr(GHashTable) fields = NULL;
		g_autofree char *codes = policy_reasons_codes(reasons);

		assert_string_equal(codes, "");
		assert_int_equal(docs->len, 3);
		assert_int_equal(mail->forwards->len, 1);
		fields =
		    policy_form_parse(((dispo_forward *)mail->forwards->pdata[0])->body, labels);
		assert_string_equal(g_hash_table_lookup(fields, "Nama"),
		                    "Muhammad Arif Rahman, S.Sos.");
		assert_string_equal(g_hash_table_lookup(fields, "NIP"), "19890127 201402 1 002");
	}
	test_rm_rf(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_file_type),         cmocka_unit_test(test_filename_sanitize),
	    cmocka_unit_test(test_documents),         cmocka_unit_test(test_documents_result),
	    cmocka_unit_test(test_documents_rfc2231), cmocka_unit_test(test_sample_emails),
	    cmocka_unit_test(test_documents_depth),
	};
	return cmocka_run_group_tests(tests, fixtures_setup, fixtures_teardown);
}
