/* SPDX-License-Identifier: GPL-3.0-or-later */
/* prescan.c: judges a message's size, header blocks and MIME structure from
 * its raw bytes, chunk by chunk, before GMime builds a tree, so that a
 * hostile message (a flood of headers, of addresses or of tiny parts,
 * thousands of nested levels) is refused without being expanded in memory.
 * It errs on the safe side: when a multipart's boundary cannot be read here,
 * every line that starts with "--" counts as a part. It can also make the
 * copy of the message that GMime is to read (copy_piece): long fields cut,
 * the NUL bytes GMime would take for the end of a string replaced. */
#include "config.h"

#include "mime/mime-private.h"

#include <string.h>

/* Enough of a line to recognise a boundary or a header name. */
#define KEEP_LINE 1024
/* Enough of a Content-Type field to find its boundary. */
#define KEEP_FIELD (16 * 1024)

/* A mailbox's worth of an address field, counted from the raw bytes: each
 * comma-separated piece that is not blank counts once, or once per '@' or
 * '<' in it ("a@b c@d", "<a><b>": GMime reads several mailboxes there). */
typedef struct {
	uint64_t counted; /* pieces already closed */
	unsigned at, angle;
	bool any;
} address_count;

struct mime_prescanner {
	dispo_limits limits;
	GString *line;     /* the current line, first KEEP_LINE bytes */
	uint64_t line_len; /* its full length */
	GString *field;    /* a Content-Type field being unfolded */
	bool in_field;
	bool field_cut;          /* longer than KEEP_FIELD */
	bool in_header;          /* inside a header block */
	bool in_prologue;        /* before a multipart's first delimiter */
	bool block_is_message;   /* this block's Content-Type is message/... */
	bool block_is_multipart; /* this block's Content-Type is multipart/... */
	unsigned fields;         /* fields in all header blocks so far */
	uint64_t field_len;      /* unfolded length of the current field */
	bool field_named;        /* its name has been read */
	char field_name[64];     /* the start of it */
	bool field_whole;        /* the current field is one dispo parses */
	bool field_address;      /* the current field is an address list */
	uint64_t field_raw;      /* its raw bytes so far, line ends included */
	bool field_dropping;     /* rewriting: the rest of it is left out */
	address_count address;   /* the current field's mailboxes */
	uint64_t addresses;      /* mailboxes of the address fields so far */
	uint64_t header_bytes;   /* bytes of all header blocks so far */
	GPtrArray *boundaries;
	bool unknown_boundary; /* a multipart whose boundary we could not read */
	unsigned containers;
	uint64_t parts;      /* delimiter lines of known boundaries */
	uint64_t dash_lines; /* every line starting with "--" */
	uint64_t size;
	bool text_nul;       /* a NUL in a header block or a prologue */
	unsigned fields_cut; /* fields other than whole_fields over header_size */
	char *first_cut;     /* the name of the first */
	GByteArray *out;     /* rewriting: the bytes as GMime is to read them */
	char *verdict;
};

mime_prescanner *
mime_prescan_new(const dispo_limits *limits)
{
	mime_prescanner *p = g_new0(mime_prescanner, 1);

	p->limits = *limits;
	/* 0 is what a caller that predates these limits leaves in them. */
	if (!p->limits.header_total)
		p->limits.header_total = UINT64_MAX;
	if (!p->limits.addresses)
		p->limits.addresses = UINT_MAX;
	p->line = g_string_sized_new(256);
	p->field = g_string_sized_new(256);
	p->boundaries = g_ptr_array_new_with_free_func(g_free);
	p->in_header = true;
	return p;
}

mime_prescanner *
mime_prescan_new_rewriting(const dispo_limits *limits, uint64_t size_hint)
{
	mime_prescanner *p = mime_prescan_new(limits);

	p->out = g_byte_array_sized_new((guint)MIN(size_hint + 64, G_MAXUINT));
	return p;
}

void
mime_prescan_free(mime_prescanner *p)
{
	if (!p)
		return;
	g_string_free(p->line, TRUE);
	g_string_free(p->field, TRUE);
	g_ptr_array_unref(p->boundaries);
	if (p->out)
		g_byte_array_unref(p->out);
	g_free(p->first_cut);
	g_free(p->verdict);
	g_free(p);
}

/* ---- which fields dispo reads whole ------------------------------------- */

/* Fields whose meaning needs all of them: the address lists (GMime parses
 * them as it reads them, the sender policy wants every From mailbox), the
 * subject with its [SE-…] tag, the thread's message ids and the MIME
 * structure. A cut From could hide a second mailbox, a cut Content-Type its
 * boundary: such a field over header_size puts the message over the limit.
 * Any other field (Received, DKIM-Signature, X-…) dispo reads at most the
 * start of; over header_size it is cut where dispo keeps it, and the raw
 * message keeps it whole. */
static const char *const whole_fields[] = {
    "from",
    "sender",
    "reply-to",
    "to",
    "cc",
    "bcc", /* the address lists end here */
    "subject",
    "message-id",
    "in-reply-to",
    "references",
    "content-type",
    "content-transfer-encoding",
    "content-disposition",
};
#define ADDRESS_FIELDS 6

/* The index in whole_fields of the field line starts, or -1: any case,
 * blanks before the ':' as GMime allows. */
static int
whole_field_index(const char *line, size_t n)
{
	size_t len = 0;

	while (len < n && line[len] != ':' && line[len] != ' ' && line[len] != '\t')
		len++;
	for (size_t i = 0; i < G_N_ELEMENTS(whole_fields); i++)
		if (strlen(whole_fields[i]) == len &&
		    g_ascii_strncasecmp(line, whole_fields[i], len) == 0)
			return (int)i;
	return -1;
}

bool
mime_field_read_whole(const char *name)
{
	return name && whole_field_index(name, strlen(name)) >= 0;
}

/* Whether the line is the field called name: any case, spaces before ':'. */
static bool
field_is(const char *line, size_t n, const char *name)
{
	size_t nl = strlen(name), i;

	if (n < nl || g_ascii_strncasecmp(line, name, nl) != 0)
		return false;
	for (i = nl; i < n && (line[i] == ' ' || line[i] == '\t'); i++)
		;
	return i < n && line[i] == ':';
}

/* The boundary parameter of a Content-Type value, or NULL when there is
 * none in a form this scanner reads (RFC 2231 boundary*= is not). */
static char *
field_boundary(const char *field)
{
	g_autofree char *lower = g_ascii_strdown(field, -1);
	const char *p = lower;

	while ((p = strstr(p, "boundary")) != NULL) {
		const char *v = p + strlen("boundary");
		size_t off;
		p = v;
		while (*v == ' ' || *v == '\t')
			v++;
		if (*v != '=')
			continue;
		v++;
		while (*v == ' ' || *v == '\t')
			v++;
		off = (size_t)(v - lower);
		v = field + off; /* boundaries are case-sensitive */
		if (*v == '"') {
			const char *end = strchr(v + 1, '"');
			return end ? g_strndup(v + 1, (size_t)(end - v - 1)) : NULL;
		}
		return g_strndup(v, strcspn(v, " \t;\r\n"));
	}
	return NULL;
}

static void
content_type_done(mime_prescanner *p)
{
	const char *v = strchr(p->field->str, ':') + 1;
	char *b;

	p->in_field = false;
	while (*v == ' ' || *v == '\t')
		v++;
	if (g_ascii_strncasecmp(v, "message/", 8) == 0)
		p->block_is_message = true;
	if (g_ascii_strncasecmp(v, "multipart/", 10) != 0 &&
	    g_ascii_strncasecmp(v, "message/", 8) != 0)
		return;
	if (++p->containers > p->limits.parts) {
		p->verdict =
		    g_strdup_printf("more than %u nested MIME containers", p->limits.parts);
		return;
	}
	if (g_ascii_strncasecmp(v, "multipart/", 10) != 0)
		return;
	p->block_is_multipart = true;
	b = field_boundary(p->field->str);
	if (b && *b && !p->field_cut) {
		g_ptr_array_add(p->boundaries, b);
	} else {
		g_free(b);
		p->unknown_boundary = true;
	}
}

static bool
is_delimiter(mime_prescanner *p, const char *line, size_t n)
{
	for (guint i = 0; i < p->boundaries->len; i++) {
		const char *b = p->boundaries->pdata[i];
		size_t bl = strlen(b);
		if (n >= bl + 2 && memcmp(line + 2, b, bl) == 0) {
			if (!(n >= bl + 4 && line[bl + 2] == '-' && line[bl + 3] == '-'))
				p->parts++;
			return true;
		}
	}
	return false;
}

/* The end of a field: its mailboxes count when it is an address list. */
static void
field_done(mime_prescanner *p)
{
	address_count *a = &p->address;

	if (a->any)
		a->counted += MAX(1, MAX(a->at, a->angle));
	if (p->field_address && !p->verdict && (p->addresses += a->counted) > p->limits.addresses)
		p->verdict = g_strdup_printf("the address fields name more than %u addresses",
		                             p->limits.addresses);
	memset(a, 0, sizeof *a);
	p->field_named = false;
	p->field_address = false;
	p->field_whole = false;
	p->field_raw = 0;
	p->field_dropping = false;
}

static void
header_line(mime_prescanner *p, const char *line, size_t n)
{
	bool continuation = n > 0 && (line[0] == ' ' || line[0] == '\t');

	if (p->verdict)
		return;
	if (continuation) {
		p->field_len += p->line_len;
		if (p->in_field) {
			if (p->field->len + n > KEEP_FIELD)
				p->field_cut = true;
			else
				g_string_append_len(p->field, line, n);
		}
	} else {
		if (p->in_field)
			content_type_done(p);
		if (p->verdict)
			return;
		p->field_len = p->line_len;
		/* Counted over the whole message: GMime keeps an object for each
		 * field of every part and forwarded message alike. */
		if (++p->fields > p->limits.header_fields) {
			p->verdict =
			    g_strdup_printf("more than %u header fields", p->limits.header_fields);
			return;
		}
		if (field_is(line, n, "content-type")) {
			g_string_truncate(p->field, 0);
			g_string_append_len(p->field, line, n);
			p->in_field = true;
			p->field_cut = p->line_len > n;
		}
	}
	if (p->field_whole && p->field_len > p->limits.header_size) {
		g_autofree char *max = dispo_size_format(p->limits.header_size);
		p->verdict = g_strdup_printf("a header field is longer than the limit of %s", max);
	}
}

/* Which field the current one is, once its name is in p->line: before its
 * line ends, so that a field of one endless line can be cut as it comes. */
static void
field_name_read(mime_prescanner *p, bool line_ended)
{
	int whole;

	if (p->field_named ||
	    (!line_ended && p->line->len < KEEP_LINE && !memchr(p->line->str, ':', p->line->len)))
		return;
	whole = whole_field_index(p->line->str, p->line->len);
	g_strlcpy(p->field_name, p->line->str,
	          MIN(sizeof p->field_name, strcspn(p->line->str, ": \t") + 1));
	p->field_named = true;
	p->field_whole = whole >= 0;
	p->field_address = whole >= 0 && whole < ADDRESS_FIELDS;
}

/* Bytes of a header line, as they come (p->line already has them): the
 * total, the field's length, the address marks, the NULs. A field's first
 * bytes belong to it before its name is known, so the previous field ends
 * at the first byte of a line that is not a continuation. */
static void
header_piece(mime_prescanner *p, const char *data, size_t n, bool line_start, bool line_ended)
{
	address_count *a = &p->address;

	if (line_start && n > 0 && data[0] != ' ' && data[0] != '\t')
		field_done(p);
	if (p->verdict)
		return;
	field_name_read(p, line_ended);
	if (!p->field_whole && p->field_raw <= p->limits.header_size &&
	    p->field_raw + n > p->limits.header_size && p->field_named) {
		if (!p->fields_cut++)
			p->first_cut = g_strdup(p->field_name);
	}
	p->field_raw += n;
	if ((p->header_bytes += n) > p->limits.header_total) {
		g_autofree char *max = dispo_size_format(p->limits.header_total);
		p->verdict = g_strdup_printf(
		    "the header fields are larger than the limit of %s together", max);
		return;
	}
	if (memchr(data, '\0', n))
		p->text_nul = true;
	for (size_t i = 0; i < n; i++) {
		switch (data[i]) {
		case ',':
			if (a->any)
				a->counted += MAX(1, MAX(a->at, a->angle));
			a->at = a->angle = 0;
			a->any = false;
			break;
		case '@':
			a->at++;
			a->any = true;
			break;
		case '<':
			a->angle++;
			a->any = true;
			break;
		case ' ':
		case '\t':
		case '\r':
		case '\n': break;
		default: a->any = true; break;
		}
	}
}

/* Copies a piece to the bytes GMime is to read.
 *
 * A field other than whole_fields longer than header_size keeps its first
 * header_size bytes: GMime decodes every field it reads into words, at some
 * 60 bytes of memory per byte of a field of one-letter words, so that one
 * 10 MB field would cost half a gigabyte; cut, no field costs more than
 * header_size does, and nothing dispo reads is lost (it reads the start of
 * such fields at most). The raw message is stored whole.
 *
 * GMime keeps header values and prologues as C strings, so a NUL there would
 * end them early: "Subject: Se\0tuju [SE-2026-000001]" would lose its tag,
 * "From: a@b\0, c@d" hide its second mailbox. In a header it becomes U+FFFD,
 * as Dovecot stores it and as dispo shows every other control character; in
 * a prologue (body text, never parsed for addresses) the one byte SUB, which
 * the text's cleaning turns into U+FFFD too, so that the copy grows by at
 * most twice header_total. Part bodies are GMime's windows onto these bytes
 * and keep their NULs: the text decoder replaces them (mime_part_text). */
typedef enum { COPY_RAW, COPY_HEADER, COPY_PROLOGUE } copy_mode;

/* The piece with its NULs replaced (see copy_piece). */
static void
copy_piece_text(mime_prescanner *p, const char *data, size_t n, bool header)
{
	const char *end = data + n;

	while (data < end) {
		const char *z = memchr(data, '\0', (size_t)(end - data));
		size_t k = z ? (size_t)(z - data) : (size_t)(end - data);
		g_byte_array_append(p->out, (const guint8 *)data, (guint)k);
		if (!z)
			break;
		if (header)
			g_byte_array_append(p->out, (const guint8 *)"\xef\xbf\xbd", 3);
		else
			g_byte_array_append(p->out, (const guint8 *)"\x1a", 1);
		data = z + 1;
	}
}

static void
copy_piece(mime_prescanner *p, const char *data, size_t n, copy_mode mode)
{
	if (mode == COPY_RAW) {
		g_byte_array_append(p->out, (const guint8 *)data, (guint)n);
		return;
	}
	if (mode == COPY_HEADER && p->field_dropping)
		return;
	if (mode == COPY_HEADER && !p->field_whole && p->field_raw > p->limits.header_size) {
		/* p->field_raw counts this piece already. */
		uint64_t before = p->field_raw - n;
		size_t keep =
		    before < p->limits.header_size ? (size_t)(p->limits.header_size - before) : 0;
		p->field_dropping = true;
		copy_piece_text(p, data, keep, true);
		if (p->out->len && p->out->data[p->out->len - 1] != '\n')
			g_byte_array_append(p->out, (const guint8 *)"\n", 1);
		return;
	}
	copy_piece_text(p, data, n, mode == COPY_HEADER);
}

static void
line_done(mime_prescanner *p)
{
	const char *line = p->line->str;
	size_t n = p->line->len;

	if (n > 0 && line[n - 1] == '\r' && p->line_len == n)
		n--;
	if (p->in_header) {
		if (n > 0) {
			header_line(p, line, n);
			return;
		}
		/* The empty line ends the block; a message/… part's body is the
		 * forwarded message, whose header block follows; a multipart's
		 * body starts with its prologue. */
		if (p->in_field)
			content_type_done(p);
		field_done(p);
		p->in_header = p->block_is_message;
		p->in_prologue = !p->block_is_message && p->block_is_multipart;
		p->block_is_message = false;
		p->block_is_multipart = false;
		return;
	}
	if (n >= 2 && line[0] == '-' && line[1] == '-') {
		p->dash_lines++;
		if (is_delimiter(p, line, n) || p->unknown_boundary) {
			/* A part's header block follows its delimiter. */
			p->in_header = true;
			p->in_prologue = false;
		}
	}
	if ((p->unknown_boundary ? p->dash_lines : p->parts) + 1 > p->limits.parts)
		p->verdict = g_strdup_printf("more than %u MIME parts", p->limits.parts);
}

void
mime_prescan_feed(mime_prescanner *p, const char *data, size_t len)
{
	const char *end = data + len;

	p->size += len;
	if (!p->verdict && p->size > p->limits.message_size) {
		g_autofree char *max = dispo_size_format(p->limits.message_size);
		p->verdict = g_strdup_printf("message is larger than the limit of %s", max);
	}
	while (data < end && !p->verdict) {
		const char *nl = memchr(data, '\n', (size_t)(end - data));
		size_t n = nl ? (size_t)(nl - data) : (size_t)(end - data);
		copy_mode mode = p->in_header     ? COPY_HEADER
		                 : p->in_prologue ? COPY_PROLOGUE
		                                  : COPY_RAW;
		bool line_start = p->line_len == 0;
		if (p->line->len < KEEP_LINE)
			g_string_append_len(p->line, data, MIN(n, KEEP_LINE - p->line->len));
		if (mode == COPY_HEADER) {
			header_piece(p, data, nl ? n + 1 : n, line_start, nl != NULL);
			if (p->verdict)
				break;
		} else if (mode == COPY_PROLOGUE && memchr(data, '\0', n)) {
			p->text_nul = true;
		}
		if (p->out)
			copy_piece(p, data, nl ? n + 1 : n, mode);
		p->line_len += n;
		data += n;
		if (!nl)
			break;
		data++;
		line_done(p);
		g_string_truncate(p->line, 0);
		p->line_len = 0;
	}
}

bool
mime_prescan_decided(const mime_prescanner *p)
{
	return p->verdict != NULL;
}

char *
mime_prescan_finish(mime_prescanner *p)
{
	if (!p->verdict && p->line_len > 0)
		line_done(p);
	if (!p->verdict && p->in_field)
		content_type_done(p);
	if (!p->verdict && p->in_header)
		field_done(p);
	return g_steal_pointer(&p->verdict);
}

bool
mime_prescan_needs_copy(const mime_prescanner *p)
{
	return p->text_nul || p->fields_cut > 0;
}

char *
mime_prescan_cut_note(const mime_prescanner *p)
{
	g_autofree char *name = NULL;
	g_autofree char *max = NULL;

	if (!p->fields_cut)
		return NULL;
	name = mime_clean_name(p->first_cut);
	max = dispo_size_format(p->limits.header_size);
	return p->fields_cut == 1 ? g_strdup_printf("header %s cut to %s", name, max)
	                          : g_strdup_printf("%u header fields cut to %s (%s, …)",
	                                            p->fields_cut, max, name);
}

GByteArray *
mime_prescan_steal_output(mime_prescanner *p)
{
	return g_steal_pointer(&p->out);
}

char *
mime_prescan(const char *data, size_t len, const dispo_limits *limits)
{
	mime_prescanner *p = mime_prescan_new(limits);
	char *verdict;

	mime_prescan_feed(p, data, len);
	verdict = mime_prescan_finish(p);
	mime_prescan_free(p);
	return verdict;
}
