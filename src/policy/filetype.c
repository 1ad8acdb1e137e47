/* SPDX-License-Identifier: GPL-3.0-or-later */
/* filetype.c: what the bytes of a file really are (PDF, JPEG, PNG, or what
 * libmagic says), and whether they are whole: not truncated, not damaged,
 * not an encrypted PDF. */
#include "config.h"

#include "policy/policy-private.h"

#include <errno.h>
#include <fcntl.h>
#include <magic.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Readers (Acrobat) look for %%EOF in the last 1024 bytes; so do we. */
#define PDF_TAIL 1024
/* Acrobat also accepts %PDF- anywhere in the first 1024 bytes. We do not:
 * bytes before the header are how polyglots (a program that is also a PDF)
 * are built, and officials open these files. Such a file is refused as a
 * damaged PDF, which tells the applicant what to do: save it again. */
#define PDF_HEAD_JUNK 1024
#define HEAD_SIZE     65536

/* ---- reading a file in pieces ------------------------------------------ */

typedef struct {
	int fd;
	uint64_t size;
	uint64_t pos; /* file offset of buf[0] */
	unsigned char buf[HEAD_SIZE];
	size_t len, at;
} reader;

static bool
reader_fill(reader *r)
{
	ssize_t n;

	r->pos += r->len;
	r->len = r->at = 0;
	do
		n = pread(r->fd, r->buf, sizeof r->buf, (off_t)r->pos);
	while (n < 0 && errno == EINTR);
	if (n <= 0)
		return false;
	r->len = (size_t)n;
	return true;
}

/* The next byte, or -1 at the end. */
static int
reader_byte(reader *r)
{
	if (r->at >= r->len && !reader_fill(r))
		return -1;
	return r->buf[r->at++];
}

/* Past the next 0xFF byte: 0xFF, or -1 at the end. memchr over the
 * buffer, for the entropy-coded megabytes of a scan. */
static int
reader_next_ff(reader *r)
{
	for (;;) {
		if (r->at < r->len) {
			const unsigned char *p = memchr(r->buf + r->at, 0xFF, r->len - r->at);
			if (p) {
				r->at = (size_t)(p - r->buf) + 1;
				return 0xFF;
			}
			r->at = r->len;
		}
		if (!reader_fill(r))
			return -1;
	}
}

static bool
reader_skip(reader *r, uint64_t n)
{
	uint64_t here = r->pos + r->at;

	if (n > r->size || here + n > r->size)
		return false;
	if (r->at + n <= r->len) {
		r->at += (size_t)n;
		return true;
	}
	r->pos = here + n;
	r->len = r->at = 0;
	return true;
}

static size_t
read_at(int fd, uint64_t off, void *buf, size_t len)
{
	size_t got = 0;

	while (got < len) {
		ssize_t n = pread(fd, (char *)buf + got, len - got, (off_t)(off + got));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	return got;
}

static const unsigned char *
find(const unsigned char *hay, size_t len, const char *needle)
{
	size_t n = strlen(needle);

	for (size_t i = 0; n <= len && i <= len - n; i++)
		if (hay[i] == (unsigned char)needle[0] && memcmp(hay + i, needle, n) == 0)
			return hay + i;
	return NULL;
}

/* ---- what the bytes are -------------------------------------------------- */

/* libmagic handles are not thread-safe: one pair per process, opened on first
 * use and only touched under this lock. Only descriptions for people come
 * from them; whether a file is a PDF, JPEG or PNG is decided from its first
 * bytes below, so no decision depends on the magic database's version. */
G_LOCK_DEFINE_STATIC(magic);
static magic_t magic_text, magic_mime;
static bool magic_tried;

static magic_t
magic_handle(int flags)
{
	magic_t m = magic_open(flags | MAGIC_NO_CHECK_COMPRESS);

	if (m && magic_load(m, NULL) != 0) {
		magic_close(m);
		m = NULL;
	}
	return m;
}

static const struct {
	const char *mime;
	const char *words;
} friendly[] = {
    {"application/x-dosexec", "a Windows program"},
    {"application/vnd.microsoft.portable-executable", "a Windows program"},
    {"application/x-msdownload", "a Windows program"},
    {"application/x-ms-ne-executable", "a Windows program"},
    {"application/x-executable", "a program"},
    {"application/x-pie-executable", "a program"},
    {"application/x-sharedlib", "a program"},
    {"text/x-shellscript", "a script"},
    {"application/zip", "a ZIP archive"},
    {"application/x-rar", "a compressed archive"},
    {"application/vnd.rar", "a compressed archive"},
    {"application/x-7z-compressed", "a compressed archive"},
    {"application/gzip", "a compressed archive"},
    {"application/msword", "a Word document"},
    {"application/vnd.openxmlformats-officedocument.wordprocessingml.document", "a Word document"},
    {"application/vnd.oasis.opendocument.text", "a word-processor document"},
    {"application/vnd.ms-excel", "a spreadsheet"},
    {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "a spreadsheet"},
    {"application/vnd.ms-powerpoint", "a presentation"},
    {"application/vnd.openxmlformats-officedocument.presentationml.presentation", "a presentation"},
    {"application/vnd.ms-tnef", "an Outlook winmail.dat wrapper"},
    {"text/html", "a web page (HTML)"},
    {"text/plain", "a text file"},
    {"image/gif", "a GIF image"},
    {"image/heic", "a HEIC photo"},
    {"image/heif", "a HEIC photo"},
    {"image/webp", "a WebP image"},
    {"image/tiff", "a TIFF image"},
    {"image/bmp", "a BMP image"},
};

/* "a Windows program (PE32 executable (GUI) Intel 80386)": our words for
 * the kinds applicants send by mistake, libmagic's (first clause) for the
 * rest. */
static char *
magic_describe(const void *head, size_t len)
{
	g_autofree char *text = NULL;
	const char *mime = NULL;
	const char *words = NULL;

	G_LOCK(magic);
	if (!magic_tried) {
		magic_tried = true;
		magic_text = magic_handle(MAGIC_NONE);
		magic_mime = magic_handle(MAGIC_MIME_TYPE);
	}
	if (magic_text) {
		const char *t = magic_buffer(magic_text, head, len);
		if (t)
			text = g_strndup(t, strcspn(t, ","));
	}
	if (magic_mime)
		mime = magic_buffer(magic_mime, head, len);
	for (size_t i = 0; mime && i < G_N_ELEMENTS(friendly); i++)
		if (strcmp(mime, friendly[i].mime) == 0)
			words = friendly[i].words;
	G_UNLOCK(magic);

	if (text) {
		g_autofree char *clean = dispo_utf8_clean(g_strstrip(text), -1);
		g_autofree char *shortened = dispo_utf8_truncate(clean, 80);
		if (g_strcmp0(shortened, "data") == 0 || !*shortened)
			return g_strdup(words ? words : "a file of an unknown kind");
		return words ? g_strdup_printf("%s (%s)", words, shortened) : g_strdup(shortened);
	}
	return g_strdup(words ? words : "a file of an unknown kind");
}

void
policy_facts_clear(policy_file_facts *f)
{
	g_free(f->description);
	g_free(f->why);
}

static void
facts_problem(policy_file_facts *f, const char *code, const char *why)
{
	f->problem = code;
	f->why = g_strdup(why);
}

/* /Encrypt as a whole name (not /EncryptMetadata) anywhere: an encryption
 * dictionary is named from the trailer or from an xref stream's dictionary,
 * and neither is ever compressed. Read in chunks; the file may be 10 MB+. */
static bool
pdf_has_encrypt(reader *r)
{
	static const char key[] = "/Encrypt";
	const size_t klen = sizeof key - 1;
	uint64_t off = 0;
	size_t n;

	/* Chunks overlap by klen bytes, so that a key cut by a chunk's end, or
	 * whose following byte is in the next chunk, is seen whole next time. */
	while ((n = read_at(r->fd, off, r->buf, sizeof r->buf)) > klen) {
		for (const unsigned char *p = r->buf, *end = r->buf + n;
		     (p = find(p, (size_t)(end - p), key)) != NULL; p++)
			if (p + klen < end && !g_ascii_isalnum(p[klen]))
				return true;
		if (n < sizeof r->buf)
			break;
		off += n - klen;
	}
	return false;
}

static void
pdf_check(reader *r, policy_file_facts *f)
{
	unsigned char tail[PDF_TAIL];
	uint64_t off = f->size > PDF_TAIL ? f->size - PDF_TAIL : 0;
	size_t n = read_at(r->fd, off, tail, sizeof tail);

	if (!find(tail, n, "%%EOF"))
		facts_problem(
		    f, "pdf_damaged",
		    "it does not end in %%EOF: it was cut short while being sent or saved");
	else if (pdf_has_encrypt(r))
		facts_problem(f, "pdf_encrypted", "it is encrypted or password-protected");
}

/* Walks the markers of the first image up to its EOI. Bytes after it are
 * allowed: Motion Photos carry a video there, MPF files more images, some
 * phones their own trailers. A scan cut short never reaches EOI. */
static void
jpeg_check(reader *r, policy_file_facts *f)
{
	bool in_scan = false, seen_scan = false;
	int c;

	r->pos = 0;
	r->len = r->at = 0;
	if (!reader_skip(r, 2)) /* SOI */
		goto damaged;
	for (;;) {
		/* entropy-coded data, or stray bytes libjpeg skips too */
		if (reader_next_ff(r) < 0)
			goto damaged;
		do
			c = reader_byte(r);
		while (c == 0xFF);
		if (c < 0)
			goto damaged;
		if (in_scan && (c == 0x00 || (c >= 0xD0 && c <= 0xD7)))
			continue; /* stuffed byte, restart marker */
		if (c == 0xD9) {
			if (seen_scan)
				return;
			goto damaged;
		}
		if (c == 0x01 || (c >= 0xD0 && c <= 0xD8))
			continue;
		{
			int hi = reader_byte(r), lo = reader_byte(r);
			if (hi < 0 || lo < 0 || ((hi << 8) | lo) < 2)
				goto damaged;
			if (!reader_skip(r, (uint64_t)((hi << 8) | lo) - 2))
				goto damaged;
		}
		in_scan = c == 0xDA;
		seen_scan = seen_scan || in_scan;
	}
damaged:
	facts_problem(f, "file_damaged", "the picture is cut short (it has no end marker)");
}

/* PNG: IHDR first, then chunks whose lengths fit the file, up to IEND
 * (anything after IEND is ignored, as every viewer does). */
static void
png_check(reader *r, policy_file_facts *f)
{
	uint64_t pos = 8;
	bool first = true;

	for (;;) {
		unsigned char h[8];
		uint32_t len;
		if (pos + 8 > f->size || read_at(r->fd, pos, h, 8) != 8)
			break;
		len = (uint32_t)h[0] << 24 | (uint32_t)h[1] << 16 | (uint32_t)h[2] << 8 | h[3];
		if (len > 0x7FFFFFFFu)
			break;
		if (first && (memcmp(h + 4, "IHDR", 4) != 0 || len != 13))
			break;
		first = false;
		pos += 12 + (uint64_t)len;
		if (pos > f->size)
			break;
		if (memcmp(h + 4, "IEND", 4) == 0)
			return;
	}
	facts_problem(f, "file_damaged", "the picture is cut short or damaged (no IEND chunk)");
}

static const struct {
	const char *type;
	const char *magic;
	size_t len;
	const char *words;
} known[] = {
    {"pdf", "%PDF-", 5, "a PDF document"},
    {"jpeg", "\xFF\xD8\xFF", 3, "a JPEG image"},
    {"png", "\x89PNG\r\n\x1A\n", 8, "a PNG image"},
};

bool
policy_file_inspect(const char *path, bool deep, policy_file_facts *f)
{
	g_autofree reader *r = g_new0(reader, 1);
	struct stat st;
	size_t n;

	memset(f, 0, sizeof *f);
	r->fd = path ? open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY) : -1;
	if (r->fd < 0 || fstat(r->fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		if (r->fd >= 0)
			close(r->fd);
		f->description = g_strdup("a file that cannot be read");
		return false;
	}
	f->size = r->size = (uint64_t)st.st_size;
	if (f->size == 0) {
		close(r->fd);
		f->description = g_strdup("an empty file");
		return true;
	}
	n = read_at(r->fd, 0, r->buf, sizeof r->buf);
	for (size_t i = 0; i < G_N_ELEMENTS(known); i++) {
		if (n >= known[i].len && memcmp(r->buf, known[i].magic, known[i].len) == 0) {
			f->type = known[i].type;
			f->description = g_strdup(known[i].words);
		}
	}
	if (!f->type) {
		const unsigned char *late = find(r->buf, MIN(n, PDF_HEAD_JUNK + 5), "%PDF-");
		f->description = magic_describe(r->buf, n);
		if (late) {
			g_free(f->description);
			f->description = g_strdup("a damaged PDF (other bytes before its header)");
			facts_problem(f, "pdf_damaged",
			              "it does not start with %PDF-: something was put before it");
		}
	} else if (deep && strcmp(f->type, "pdf") == 0) {
		pdf_check(r, f);
	} else if (deep && strcmp(f->type, "jpeg") == 0) {
		jpeg_check(r, f);
	} else if (deep && strcmp(f->type, "png") == 0) {
		png_check(r, f);
	}
	close(r->fd);
	return true;
}

const char *
policy_file_type(const char *path, char **description)
{
	policy_file_facts f;

	policy_file_inspect(path, false, &f);
	if (description)
		*description = g_steal_pointer(&f.description);
	policy_facts_clear(&f);
	return f.type;
}
