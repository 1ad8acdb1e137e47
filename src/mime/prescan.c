/* SPDX-License-Identifier: GPL-3.0-or-later */
/* prescan.c: judges a message's size, header blocks and MIME structure from
 * its raw bytes, chunk by chunk, before GMime builds a tree, so that a
 * hostile message (a flood of headers or of tiny parts, thousands of nested
 * levels) is refused without being expanded in memory. It errs on the safe
 * side: when a multipart's boundary cannot be read here, every line that
 * starts with "--" counts as a part. */
#include "config.h"

#include "mime/mime-private.h"

#include <string.h>

/* Enough of a line to recognise a boundary or a header name. */
#define KEEP_LINE 1024
/* Enough of a Content-Type field to find its boundary. */
#define KEEP_FIELD (16 * 1024)

struct mime_prescanner {
	dispo_limits limits;
	GString *line;     /* the current line, first KEEP_LINE bytes */
	uint64_t line_len; /* its full length */
	GString *field;    /* a Content-Type field being unfolded */
	bool in_field;
	bool field_cut;        /* longer than KEEP_FIELD */
	bool in_header;        /* inside a header block */
	bool next_is_header;   /* the block after this header block is a message's */
	bool block_is_message; /* this block's Content-Type is message/... */
	unsigned fields;       /* fields in this header block */
	uint64_t field_len;    /* unfolded length of the current field */
	GPtrArray *boundaries;
	bool unknown_boundary; /* a multipart whose boundary we could not read */
	unsigned containers;
	uint64_t parts;      /* delimiter lines of known boundaries */
	uint64_t dash_lines; /* every line starting with "--" */
	uint64_t size;
	char *verdict;
};

mime_prescanner *
mime_prescan_new(const dispo_limits *limits)
{
	mime_prescanner *p = g_new0(mime_prescanner, 1);

	p->limits = *limits;
	p->line = g_string_sized_new(256);
	p->field = g_string_sized_new(256);
	p->boundaries = g_ptr_array_new_with_free_func(g_free);
	p->in_header = true;
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
	g_free(p->verdict);
	g_free(p);
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

static void
header_line(mime_prescanner *p, const char *line, size_t n)
{
	bool continuation = n > 0 && (line[0] == ' ' || line[0] == '\t');

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
		if (++p->fields > p->limits.header_fields) {
			p->verdict = g_strdup_printf("a header block has more than %u fields",
			                             p->limits.header_fields);
			return;
		}
		if (field_is(line, n, "content-type")) {
			g_string_truncate(p->field, 0);
			g_string_append_len(p->field, line, n);
			p->in_field = true;
			p->field_cut = p->line_len > n;
		}
	}
	if (p->field_len > p->limits.header_size) {
		g_autofree char *max = dispo_size_format(p->limits.header_size);
		p->verdict = g_strdup_printf("a header field is longer than the limit of %s", max);
	}
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
		 * forwarded message, whose header block follows. */
		if (p->in_field)
			content_type_done(p);
		p->in_header = p->block_is_message;
		p->block_is_message = false;
		p->fields = 0;
		return;
	}
	if (n >= 2 && line[0] == '-' && line[1] == '-') {
		p->dash_lines++;
		if (is_delimiter(p, line, n) || p->unknown_boundary) {
			/* A part's header block follows its delimiter. */
			p->in_header = true;
			p->fields = 0;
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
		if (p->line->len < KEEP_LINE)
			g_string_append_len(p->line, data, MIN(n, KEEP_LINE - p->line->len));
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
	return g_steal_pointer(&p->verdict);
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
