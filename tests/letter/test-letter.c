/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-letter.c: the recommendation letter, read back from the PDF with
 * poppler's pdftotext, pdfinfo, pdffonts and pdfimages (its words before
 * layout are test-text.c's, its looks test-pixels.c's). */
#include "config.h"

#include "letter/letter-private.h"

#include "testutil.h"

#include <sys/stat.h>

static const dispo_letter_head kop = {
    .government = "PEMERINTAH KABUPATEN KUDUS",
    .office = "DINAS KOMUNIKASI DAN INFORMATIKA",
    .address = "Jl. Simpang Tujuh No. 1, Kudus 59313",
    .phone = "(0291) 435316",
    .email = "diskominfo@kuduskab.go.id",
    .website = "diskominfo.kuduskab.go.id",
};
static const char *const recipient[] = {
    "Yth. Kepala Balai Besar Sertifikasi Elektronik (BSrE)",
    "di",
    "Jakarta",
    NULL,
};

#define BODY_HEAD                                                                                  \
	"Menindaklanjuti surat permohonan penerbitan sertifikat elektronik dari pegawai\n"         \
	"Pemerintah Kabupaten Kudus, dengan ini kami merekomendasikan pegawai dengan data\n"       \
	"sebagai berikut :\n"                                                                      \
	"\n"                                                                                       \
	"Nama : Budi Santoso, S.Kom.\n"                                                            \
	"NIP : 19850612 201001 1 003\n"                                                            \
	"NIK : 3319011206850003\n"                                                                 \
	"Pangkat/Golongan : Penata (III/c)\n"                                                      \
	"Jabatan : Pranata Komputer Ahli Muda\n"                                                   \
	"Unit Kerja : Dinas Komunikasi dan Informatika\n"                                          \
	"Email Dinas : budi.santoso@kuduskab.go.id\n"                                              \
	"\n"                                                                                       \
	"untuk diterbitkan Sertifikat Elektronik guna penandatanganan dokumen elektronik.\n"       \
	"Bersama ini kami lampirkan:\n"                                                            \
	"1. scan KTP pemohon;\n"                                                                   \
	"2. surat permohonan pemohon.\n"
#define BODY_TAIL                                                                                  \
	"\n"                                                                                       \
	"Demikian surat rekomendasi ini kami sampaikan, atas perhatian dan kerja samanya kami "    \
	"ucapkan terima kasih."

#define SIGNER "Drs. Agus Wahyudi, M.Si."

/* Tuesday 24 November 2026, 09:15 in Kudus (UTC+7). */
#define DATE_UTC "2026-11-24T02:15:00Z"

static dispo_letter
sample(GTimeZone *tz, const char *body)
{
	return (dispo_letter){
	    .head = kop,
	    .city = "Kudus",
	    .date = test_iso(DATE_UTC),
	    .tz = tz,
	    .number = "800/123/28.01/2026",
	    .nature = "Biasa",
	    .attachment = "1 (satu) berkas",
	    .subject = "Rekomendasi Penerbitan Sertifikat Elektronik",
	    .recipient = recipient,
	    .body = body,
	    .signer_position = "Kepala Dinas Komunikasi dan Informatika Kabupaten Kudus",
	    .signer_name = SIGNER,
	    .signer_rank = "Pembina Utama Muda (IV/c)",
	    .signer_nip = "196903141994031006",
	};
}

/* ---- poppler ------------------------------------------------------------ */

static bool
have_poppler(void)
{
	static const char *const tools[] = {"pdftotext", "pdfinfo", "pdffonts", "pdfimages"};

	for (size_t i = 0; i < G_N_ELEMENTS(tools); i++) {
		g_autofree char *p = g_find_program_in_path(tools[i]);
		if (!p) {
			print_message("skip: %s not found (Debian: apt install poppler-utils)\n",
			              tools[i]);
			return false;
		}
	}
	return true;
}

#define REQUIRE_POPPLER()                                                                          \
	do {                                                                                       \
		if (!have_poppler())                                                               \
			skip();                                                                    \
	} while (0)

static char *
run(const char *const *argv)
{
	char *out = NULL, *err = NULL;
	int status = 0;
	GError *e = NULL;

	if (!g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err,
	                  &status, &e))
		fail_msg("%s: %s", argv[0], e->message);
	if (!g_spawn_check_wait_status(status, NULL))
		fail_msg("%s %s failed: %s", argv[0], argv[1], err);
	g_free(err);
	return out;
}

/* The text of pages first..last (0: all), laid out as on the page. */
static char *
pdf_text(const char *path, int first, int last)
{
	g_autofree char *f = g_strdup_printf("%d", first ? first : 1);
	g_autofree char *l = g_strdup_printf("%d", last ? last : 9999);
	const char *argv[] = {"pdftotext", "-layout", "-enc", "UTF-8", "-f", f,
	                      "-l",        l,         path,   "-",     NULL};
	return run(argv);
}

static char *
pdf_info(const char *path)
{
	const char *argv[] = {"pdfinfo", path, NULL};
	return run(argv);
}

static int
pdf_pages(const char *path)
{
	g_autofree char *info = pdf_info(path);
	const char *p = strstr(info, "Pages:");

	assert_non_null(p);
	return atoi(p + strlen("Pages:"));
}

/* Justified text spreads words apart: compare with single spaces. */
static char *
squash(const char *text)
{
	GString *s = g_string_new(NULL);

	for (const char *p = text; *p; p++) {
		bool space = g_ascii_isspace(*p);
		if (!space || (s->len && s->str[s->len - 1] != ' '))
			g_string_append_c(s, space ? ' ' : *p);
	}
	return g_string_free(s, FALSE);
}

static void
assert_contains(const char *text, const char *want)
{
	g_autofree char *flat = squash(text);

	if (!strstr(text, want) && !strstr(flat, want))
		fail_msg("'%s' not found in:\n%s", want, text);
}

static double
attr(const char *tag, const char *name)
{
	g_autofree char *key = g_strdup_printf("%s=\"", name);
	const char *p = strstr(tag, key);

	assert_non_null(p);
	return g_ascii_strtod(p + strlen(key), NULL);
}

/* Every word lies inside the margins (3 cm left, 2 cm elsewhere; a point of
 * slack for glyph overhang). Returns how many words there were. */
static unsigned
assert_in_margins(const char *path)
{
	const char *argv[] = {"pdftotext", "-bbox", path, "-", NULL};
	g_autofree char *html = run(argv);
	const double cm = 72.0 / 2.54, slack = 1.0;
	unsigned words = 0;

	for (const char *p = html; (p = strstr(p, "<word ")) != NULL; p++) {
		double x0 = attr(p, "xMin"), y0 = attr(p, "yMin");
		double x1 = attr(p, "xMax"), y1 = attr(p, "yMax");
		if (x0 < 3 * cm - slack || x1 > 595.276 - 2 * cm + slack || y0 < 2 * cm - slack ||
		    y1 > 841.89 - 2 * cm + slack)
			fail_msg("word outside the margins: %.60s", p);
		words++;
	}
	return words;
}

/* The column at which the first ':' of the line holding key stands. */
static long
colon_column(const char *text, const char *key)
{
	const char *p = strstr(text, key), *line, *colon;

	if (!p)
		fail_msg("'%s' not in:\n%s", key, text);
	for (line = p; line > text && line[-1] != '\n'; line--)
		;
	colon = strchr(line, ':');
	assert_non_null(colon);
	return g_utf8_pointer_to_offset(line, colon);
}

/* ---- the PDF ------------------------------------------------------------ */

static void
test_render_full(void **state)
{
	REQUIRE_POPPLER();
	g_autoptr(GTimeZone) tz = test_jakarta();
	dispo_letter l = sample(tz, BODY_HEAD BODY_TAIL);
	g_autofree char *dir = test_tmpdir("letter");
	g_autofree char *path = g_build_filename(dir, "rekomendasi.pdf", NULL);
	g_autofree char *text = NULL, *info = NULL, *fonts = NULL;
	GError *e = NULL;
	struct stat st;
	GDir *d;
	static const char *const in_order[] = {
	    "PEMERINTAH KABUPATEN KUDUS",
	    "DINAS KOMUNIKASI DAN INFORMATIKA",
	    "Jl. Simpang Tujuh No. 1, Kudus 59313, Telepon (0291) 435316",
	    "Pos-el diskominfo@kuduskab.go.id, Laman diskominfo.kuduskab.go.id",
	    "Nomor",
	    "800/123/28.01/2026",
	    "Kudus, 24 November 2026", /* on Nomor's line */
	    "Sifat",
	    "Biasa",
	    "Lampiran",
	    "1 (satu) berkas",
	    "Hal",
	    "Rekomendasi Penerbitan Sertifikat Elektronik",
	    "Yth. Kepala Balai Besar Sertifikasi Elektronik (BSrE)",
	    "Jakarta",
	    "Menindaklanjuti surat permohonan",
	    "Budi Santoso, S.Kom.",
	    "19850612 201001 1 003",
	    "3319011206850003",
	    "budi.santoso@kuduskab.go.id",
	    "1. scan KTP pemohon;",
	    "ucapkan terima kasih.",
	    "Kepala Dinas Komunikasi dan Informatika",
	    "Kabupaten Kudus",
	    SIGNER,
	    "Pembina Utama Muda (IV/c)",
	    "NIP. 19690314 199403 1 006",
	};
	const char *at;

	if (!letter_render_file(&l, path, &e))
		fail_msg("%s", e->message);
	text = pdf_text(path, 0, 0);
	at = text;
	for (size_t i = 0; i < G_N_ELEMENTS(in_order); i++) {
		const char *p = strstr(at, in_order[i]);
		if (!p)
			fail_msg("'%s' missing or out of order in:\n%s", in_order[i], text);
		at = p;
	}
	/* The data table's colons line up, and so do the Nomor block's. */
	assert_int_equal(colon_column(text, "Budi Santoso"), colon_column(text, "Unit Kerja"));
	assert_int_equal(colon_column(text, "3319011206850003"), colon_column(text, "Email Dinas"));
	assert_int_equal(colon_column(text, "Nomor"), colon_column(text, "Hal "));
	assert_int_equal(colon_column(text, "Sifat"), colon_column(text, "Lampiran"));
	{
		/* The date shares Nomor's line, and the jabatan breaks before the
		 * region, not inside the office's name. */
		g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
		bool dated = false, broken = false;
		for (guint i = 0; lines[i]; i++) {
			dated |= strstr(lines[i], "Nomor") && strstr(lines[i], "Kudus, 24 November");
			broken |= g_str_has_suffix(g_strchomp(lines[i]),
			                           "Kepala Dinas Komunikasi dan Informatika") &&
			          lines[i + 1] && strstr(lines[i + 1], "Kabupaten Kudus") &&
			          !strstr(lines[i + 1], "Informatika");
		}
		if (!dated || !broken)
			fail_msg("date on Nomor's line: %d, jabatan broken before the region: %d:\n%s",
			         dated, broken, text);
	}
	/* "sebagai berikut :" is a sentence, not a table row */
	assert_contains(text, "dengan data sebagai berikut :");

	info = pdf_info(path);
	assert_contains(info, "Page size: 595.276 x 841.89 pts (A4)");
	assert_int_equal(pdf_pages(path), 1);
	assert_contains(info, "Title: Rekomendasi Penerbitan Sertifikat Elektronik");
	{
		/* Created at the letter's date, in the office's zone. */
		size_t len = 0;
		g_autofree char *raw = test_read(path, &len);
		assert_non_null(memmem(raw, len, "20261124091500+07'00", 20));
	}
	{
		const char *argv[] = {"pdffonts", path, NULL};
		fonts = run(argv);
		/* Embedded, regular for the text and bold for the kop and the name. */
		assert_non_null(strstr(fonts, "DejaVuSerif "));
		assert_non_null(strstr(fonts, "DejaVuSerif-Bold "));
	}
	assert_true(assert_in_margins(path) > 100);

	/* Written atomically: the file, private to the office, nothing beside it. */
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0640);
	d = g_dir_open(dir, 0, NULL);
	assert_string_equal(g_dir_read_name(d), "rekomendasi.pdf");
	assert_null(g_dir_read_name(d));
	g_dir_close(d);
	test_rm_rf(dir);
}

static void
test_render_deterministic(void **state)
{
	g_autoptr(GTimeZone) tz = test_jakarta();
	dispo_letter l = sample(tz, BODY_HEAD BODY_TAIL);
	g_autoptr(GBytes) a = letter_render(&l, NULL);
	g_autoptr(GBytes) b = letter_render(&l, NULL);
	g_autoptr(GBytes) c = NULL;

	assert_non_null(a);
	assert_non_null(b);
	assert_memory_equal(g_bytes_get_data(a, NULL), "%PDF-", 5);
	assert_true(g_bytes_equal(a, b));
	l.number = "800/124/28.01/2026";
	c = letter_render(&l, NULL);
	assert_false(g_bytes_equal(a, c));
}

static char *
long_body(unsigned paragraphs)
{
	GString *s = g_string_new(BODY_HEAD);

	for (unsigned i = 0; i < paragraphs; i++)
		g_string_append_printf(s,
		                       "\nParagraf tambahan nomor %u, yang menjelaskan ketentuan "
		                       "penggunaan sertifikat elektronik bagi aparatur sipil "
		                       "negara di lingkungan Pemerintah Kabupaten Kudus.\n",
		                       i + 1);
	g_string_append(s, BODY_TAIL);
	return g_string_free(s, FALSE);
}

static void
test_render_long(void **state)
{
	REQUIRE_POPPLER();
	g_autoptr(GTimeZone) tz = test_jakarta();
	g_autofree char *body = long_body(14);
	dispo_letter l = sample(tz, body);
	g_autofree char *dir = test_tmpdir("letter");
	g_autofree char *path = g_build_filename(dir, "long.pdf", NULL);
	g_autofree char *p1 = NULL, *p2 = NULL;
	GError *e = NULL;

	if (!letter_render_file(&l, path, &e))
		fail_msg("%s", e->message);
	assert_int_equal(pdf_pages(path), 2);
	p1 = pdf_text(path, 1, 1);
	p2 = pdf_text(path, 2, 2);
	assert_contains(p1, "PEMERINTAH KABUPATEN KUDUS");
	assert_contains(p2, "-2-"); /* "- 2 -": pdftotext closes the gaps */
	assert_null(strstr(p2, "PEMERINTAH KABUPATEN KUDUS"));
	assert_contains(p2, "ucapkan terima kasih.");
	assert_contains(p2, SIGNER);
	assert_contains(p2, "NIP. 19690314 199403 1 006");
	assert_in_margins(path);
	test_rm_rf(dir);
}

/* Whatever the body's length, the signature block stays whole and shares its
 * page with the end of the last paragraph. */
static void
test_render_keep_with_signature(void **state)
{
	REQUIRE_POPPLER();
	g_autoptr(GTimeZone) tz = test_jakarta();
	g_autofree char *dir = test_tmpdir("letter");
	unsigned two_pages = 0;

	for (unsigned n = 4; n <= 24; n++) {
		g_autofree char *body = long_body(n);
		dispo_letter l = sample(tz, body);
		g_autofree char *path = g_strdup_printf("%s/keep-%u.pdf", dir, n);
		g_autofree char *last = NULL;
		GError *e = NULL;
		int pages;

		if (!letter_render_file(&l, path, &e))
			fail_msg("%u: %s", n, e->message);
		pages = pdf_pages(path);
		two_pages += pages == 2;
		last = pdf_text(path, pages, pages);
		if (!strstr(last, "terima kasih.") || !strstr(last, "Kepala Dinas Komunikasi") ||
		    !strstr(last, SIGNER) || !strstr(last, "NIP. 19690314"))
			fail_msg("%u paragraphs: the last page lacks part of the end:\n%s", n,
			         last);
		assert_in_margins(path);
	}
	/* the range crosses the page break */
	assert_true(two_pages > 0 && two_pages < 21);
	test_rm_rf(dir);
}

static void
test_render_logo(void **state)
{
	REQUIRE_POPPLER();
	g_autoptr(GTimeZone) tz = test_jakarta();
	dispo_letter l = sample(tz, BODY_HEAD BODY_TAIL);
	g_autofree char *logo = test_srcdir("tests/letter/data/logo.png");
	g_autofree char *dir = test_tmpdir("letter");
	g_autofree char *path = g_build_filename(dir, "logo.pdf", NULL);
	g_autofree char *images = NULL, *text = NULL;
	g_auto(GStrv) lines = NULL;
	const char *argv[] = {"pdfimages", "-list", path, NULL};
	GError *e = NULL;
	bool found = false;

	l.head.logo_path = logo;
	if (!letter_render_file(&l, path, &e))
		fail_msg("%s", e->message);
	images = run(argv);
	lines = g_strsplit(images, "\n", -1);
	for (guint i = 0; lines[i]; i++) {
		g_auto(GStrv) f = g_strsplit_set(g_strstrip(lines[i]), " ", -1);
		GPtrArray *cols = g_ptr_array_new();
		for (guint j = 0; f[j]; j++)
			if (*f[j])
				g_ptr_array_add(cols, f[j]);
		/* page num type width height … */
		if (cols->len > 4 && strcmp(cols->pdata[0], "1") == 0 &&
		    strcmp(cols->pdata[2], "image") == 0 && strcmp(cols->pdata[3], "48") == 0 &&
		    strcmp(cols->pdata[4], "60") == 0)
			found = true;
		g_ptr_array_free(cols, TRUE);
	}
	if (!found)
		fail_msg("no 48x60 logo on page 1:\n%s", images);
	text = pdf_text(path, 0, 0);
	assert_contains(text, "DINAS KOMUNIKASI DAN INFORMATIKA");
	assert_int_equal(pdf_pages(path), 1);
	assert_in_margins(path);
	test_rm_rf(dir);
}

static void
test_render_logo_errors(void **state)
{
	g_autoptr(GTimeZone) tz = test_jakarta();
	g_autofree char *dir = test_tmpdir("letter");
	g_autofree char *good = test_srcdir("tests/letter/data/logo.png");
	g_autofree char *png = NULL;
	size_t png_len = 0;
	static const unsigned char huge[] = {
	    0x89, 'P',  'N',  'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R', 0,
	    1,    0x86, 0xa0, 0,   1,    0x86, 0xa0, 8,    6, 0, 0, 0,  0,   0,   0,   0,   0,
	}; /* 100000 x 100000 */
	static const struct {
		const char *name;
		int content; /* 0 none, 1 text, 2 huge header, 3 truncated PNG */
		const char *says;
	} cases[] = {
	    {"missing.png", 0, "cannot open"},
	    {"text.png", 1, "is not a PNG image"},
	    {"huge.png", 2, "100000x100000 pixels"},
	    {"cut.png", 3, "cannot be decoded"},
	};

	png = test_read(good, &png_len);
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autofree char *path = g_build_filename(dir, cases[i].name, NULL);
		dispo_letter l = sample(tz, BODY_HEAD BODY_TAIL);
		g_autoptr(GBytes) pdf = NULL;
		GError *e = NULL;

		if (cases[i].content == 1)
			g_file_set_contents(path, "just text, no image\n", -1, NULL);
		else if (cases[i].content == 2)
			g_file_set_contents(path, (const char *)huge, sizeof huge, NULL);
		else if (cases[i].content == 3)
			g_file_set_contents(path, png, (gssize)(png_len / 2), NULL);
		l.head.logo_path = path;
		pdf = letter_render(&l, &e);
		assert_null(pdf);
		if (!g_error_matches(e, DISPO_LETTER_ERROR, DISPO_LETTER_ERROR_LOGO) ||
		    !strstr(e->message, path) || !strstr(e->message, cases[i].says))
			fail_msg("%s: %s", cases[i].name, e ? e->message : "no error");
		g_clear_error(&e);
	}
	test_rm_rf(dir);
}

/* Strings from applicants' e-mails: markup, bidi overrides, controls and
 * absurd lengths render as plain, bounded text. */
static void
test_render_hostile(void **state)
{
	REQUIRE_POPPLER();
	g_autoptr(GTimeZone) tz = test_jakarta();
	g_autofree char *dir = test_tmpdir("letter");
	g_autofree char *path = g_build_filename(dir, "hostile.pdf", NULL);
	g_autofree char *word = g_strnfill(10000, 'W');
	g_autoptr(GString) spaced = g_string_new(NULL);
	g_autofree char *body = NULL, *text = NULL, *flat = NULL;
	dispo_letter l = sample(tz, NULL);
	gint64 started = g_get_monotonic_time();
	GError *e = NULL;

	for (unsigned i = 0; i < 1000; i++)
		g_string_append(spaced, "Budiman ");
	body = g_strdup_printf("Data pemohon sebagai berikut :\n\n"
	                       "Nama : <b>Budi</b> &amp; \xe2\x80\xae"
	                       "gpj.exe\x01\x1b[31m\n"
	                       "Nama Panjang : %s\n"
	                       "Kata Panjang : %s\n"
	                       "\n%s\n\nParagraf tanpa spasi: %s",
	                       spaced->str, word, spaced->str, word);
	l.body = body;
	l.head.government = "PEMERINTAH <i>KABUPATEN</i> KUDUS";
	l.head.office = word;
	l.number = "800/<script>alert(1)</script>/2026\t\x7f";
	l.subject = word;
	l.city = spaced->str;
	l.signer_name = word;
	l.signer_rank = "<span foreground=\"red\">Pembina</span>\xe2\x80\x8f";

	if (!letter_render_file(&l, path, &e))
		fail_msg("%s", e->message);
	assert_true(g_get_monotonic_time() - started < 20 * G_USEC_PER_SEC);
	text = pdf_text(path, 0, 0);
	flat = squash(text);
	assert_contains(text, "<b>Budi</b> &amp; gpj.exe[31m");
	assert_contains(text, "800/<script>alert(1)</script>/2026");
	assert_contains(text, "<span foreground=\"red\">Pembina</"); /* wraps before "span>" */
	assert_contains(text, "<i>KABUPATEN</i>");
	assert_contains(text, "…"); /* long fields are cut */
	assert_null(strstr(text, "\xe2\x80\xae"));
	assert_null(strstr(text, "\xe2\x80\x8f"));
	for (const char *p = text; *p; p++)
		if ((unsigned char)*p < 0x20 && *p != '\n' && *p != '\f')
			fail_msg("control 0x%02x read back", *p);
	assert_true(pdf_pages(path) <= LETTER_PAGES_MAX);
	assert_in_margins(path);
	test_rm_rf(dir);
}

static void
test_render_invalid(void **state)
{
	g_autoptr(GTimeZone) tz = test_jakarta();
	g_autofree char *huge = g_strnfill(LETTER_BODY_MAX + 1, 'a');
	g_autoptr(GString) items = g_string_new(NULL);
	enum {
		NUMBER,
		SUBJECT,
		LETTERHEAD,
		LETTERHEAD_CTRL,
		RECIPIENT,
		BODY_BLANK,
		NAME_CTRL,
		NIP_SHORT,
		NIP_LETTER,
		CITY,
		BODY_HUGE,
		PAGES,
		POSITION
	};
	static const struct {
		int mutation;
		int code;
		const char *says;
	} cases[] = {
	    {NUMBER, DISPO_LETTER_ERROR_INVALID, "number"},
	    {SUBJECT, DISPO_LETTER_ERROR_INVALID, "subject"},
	    {LETTERHEAD, DISPO_LETTER_ERROR_INVALID, "letterhead"},
	    {LETTERHEAD_CTRL, DISPO_LETTER_ERROR_INVALID, "letterhead"},
	    {RECIPIENT, DISPO_LETTER_ERROR_INVALID, "recipient"},
	    {BODY_BLANK, DISPO_LETTER_ERROR_INVALID, "body"},
	    {NAME_CTRL, DISPO_LETTER_ERROR_INVALID, "signer's name"},
	    {POSITION, DISPO_LETTER_ERROR_INVALID, "signer's position"},
	    {NIP_SHORT, DISPO_LETTER_ERROR_INVALID, "NIP '1969' is not 18 digits"},
	    {NIP_LETTER, DISPO_LETTER_ERROR_INVALID, "not 18 digits"},
	    {CITY, DISPO_LETTER_ERROR_INVALID, "city"},
	    {BODY_HUGE, DISPO_LETTER_ERROR_TOO_LONG, "bytes"},
	    {PAGES, DISPO_LETTER_ERROR_TOO_LONG, "more than 20 pages"},
	};

	for (unsigned i = 0; i < 3000; i++)
		g_string_append(items, "- a\n");
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		dispo_letter l = sample(tz, BODY_HEAD BODY_TAIL);
		g_autoptr(GBytes) pdf = NULL;
		GError *e = NULL;

		switch (cases[i].mutation) {
		case NUMBER: l.number = NULL; break;
		case SUBJECT: l.subject = " "; break;
		case LETTERHEAD: l.head.government = l.head.office = NULL; break;
		case LETTERHEAD_CTRL:
			l.head.government = "\x01\x02";
			l.head.office = " ";
			break;
		case RECIPIENT: l.recipient = NULL; break;
		case BODY_BLANK: l.body = "\n \n\t\n"; break;
		case NAME_CTRL: l.signer_name = "\x1b\x7f\xe2\x80\xae"; break;
		case POSITION: l.signer_position = NULL; break;
		case NIP_SHORT: l.signer_nip = "1969"; break;
		case NIP_LETTER: l.signer_nip = "19690314199403100X"; break;
		case CITY: l.city = ""; break;
		case BODY_HUGE: l.body = huge; break;
		case PAGES: l.body = items->str; break;
		}
		pdf = letter_render(&l, &e);
		assert_null(pdf);
		if (!g_error_matches(e, DISPO_LETTER_ERROR, cases[i].code) ||
		    !strstr(e->message, cases[i].says))
			fail_msg("case %zu: %s", i, e ? e->message : "no error");
		g_clear_error(&e);
	}
}

/* The optional parts may be absent. */
static void
test_render_minimal(void **state)
{
	REQUIRE_POPPLER();
	dispo_letter l = sample(NULL, "Satu paragraf saja.");
	g_autofree char *dir = test_tmpdir("letter");
	g_autofree char *path = g_build_filename(dir, "min.pdf", NULL);
	g_autofree char *text = NULL;
	GError *e = NULL;

	l.attachment = NULL;
	l.nature = NULL;
	l.head = (dispo_letter_head){.office = "DINAS KOMUNIKASI DAN INFORMATIKA"};
	l.signer_rank = "";
	l.signer_nip = NULL;
	if (!letter_render_file(&l, path, &e))
		fail_msg("%s", e->message);
	text = pdf_text(path, 0, 0);
	assert_contains(text, "Kudus, 24 November 2026"); /* UTC 02:15 is the same day */
	assert_non_null(strstr(text, "Lampiran"));
	assert_contains(text, "Satu paragraf saja.");
	assert_null(strstr(text, "NIP."));
	assert_null(strstr(text, "Pembina"));
	assert_null(strstr(text, "Sifat"));
	assert_null(strstr(text, "Telepon"));
	assert_null(strstr(text, "Pos-el"));
	assert_contains(text, "DINAS KOMUNIKASI DAN INFORMATIKA");
	assert_int_equal(pdf_pages(path), 1);
	test_rm_rf(dir);
}

/* Fontconfig keeps what it loads for the life of the process, by design;
 * under LeakSanitizer that is not a leak of ours. */
const char *__lsan_default_suppressions(void);
const char *
__lsan_default_suppressions(void)
{
	return "leak:libfontconfig.so\n";
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_render_full),
	    cmocka_unit_test(test_render_deterministic),
	    cmocka_unit_test(test_render_long),
	    cmocka_unit_test(test_render_keep_with_signature),
	    cmocka_unit_test(test_render_logo),
	    cmocka_unit_test(test_render_logo_errors),
	    cmocka_unit_test(test_render_hostile),
	    cmocka_unit_test(test_render_invalid),
	    cmocka_unit_test(test_render_minimal),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
