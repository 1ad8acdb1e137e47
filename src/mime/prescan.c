/* SPDX-License-Identifier: GPL-3.0-or-later */
/* prescan.c: judges a message's MIME structure from its raw bytes, chunk by
 * chunk, before GMime builds a tree, so that a hostile message (millions of
 * tiny parts, thousands of nested levels) is refused without being expanded. */
#include "config.h"

#include "mime/mime-private.h"

#include <string.h>

/* Enough of a line to hold a Content-Type field's start or a boundary line;
 * the rest of a longer line cannot change the verdict. */
#define KEEP 4096

struct mime_prescanner {
	dispo_limits limits;
	GString *line;     /* the current line, first KEEP bytes */
	GString *field;    /* a Content-Type field being unfolded */
	bool in_field;
	GPtrArray *boundaries;
	unsigned containers;
	uint64_t parts;
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
	p->parts = 1;
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

/* The boundary parameter of a Content-Type value, or NULL. */
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
field_done(mime_prescanner *p)
{
	const char *v = p->field->str + strlen("content-type:");
	char *b;

	p->in_field = false;
	while (*v == ' ' || *v == '\t')
		v++;
	if (g_ascii_strncasecmp(v, "multipart/", 10) != 0 && g_ascii_strncasecmp(v, "message/", 8) != 0)
		return;
	if (++p->containers > p->limits.parts) {
		p->verdict = g_strdup_printf("more than %u nested MIME containers", p->limits.parts);
		return;
	}
	b = field_boundary(p->field->str);
	if (b && *b)
		g_ptr_array_add(p->boundaries, b);
	else
		g_free(b);
}

static void
line_done(mime_prescanner *p)
{
	const char *line = p->line->str;
	size_t n = p->line->len;

	if (n > 0 && line[n - 1] == '\r')
		n--;
	if (p->in_field) {
		if (n > 0 && (line[0] == ' ' || line[0] == '\t')) {
			if (p->field->len < KEEP)
				g_string_append_len(p->field, line, MIN(n, KEEP - p->field->len));
			return;
		}
		field_done(p);
		if (p->verdict)
			return;
	}
	if (n >= 2 && line[0] == '-' && line[1] == '-') {
		for (guint i = 0; i < p->boundaries->len; i++) {
			const char *b = p->boundaries->pdata[i];
			size_t bl = strlen(b);
			if (n >= bl + 2 && memcmp(line + 2, b, bl) == 0) {
				if (!(n >= bl + 4 && line[bl + 2] == '-' && line[bl + 3] == '-'))
					p->parts++;
				break;
			}
		}
		if (p->parts > p->limits.parts)
			p->verdict = g_strdup_printf("more than %u MIME parts", p->limits.parts);
		return;
	}
	if (n >= 13 && g_ascii_strncasecmp(line, "content-type:", 13) == 0) {
		g_string_truncate(p->field, 0);
		g_string_append_len(p->field, line, n);
		p->in_field = true;
	}
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
		if (p->line->len < KEEP)
			g_string_append_len(p->line, data, MIN(n, KEEP - p->line->len));
		data += n;
		if (!nl)
			break;
		data++;
		line_done(p);
		g_string_truncate(p->line, 0);
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
	if (!p->verdict && p->line->len > 0)
		line_done(p);
	if (!p->verdict && p->in_field)
		field_done(p);
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
