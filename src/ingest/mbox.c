/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mbox.c: splits an mbox file into messages (RFC 4155: a From_ line starts
 * a message; Content-Length is honoured when it lands exactly on the next
 * From_ line, as Solaris and old Netscape wrote it). */
#include "config.h"

#include "ingest/ingest.h"

#include <string.h>

static bool
starts_with(const char *p, const char *end, const char *s)
{
	size_t n = strlen(s);
	return (size_t)(end - p) >= n && memcmp(p, s, n) == 0;
}

/* Where the header block that starts at p ends (just after its empty line);
 * looked for within 256 KB, so that a file with no empty line costs linear
 * time, not quadratic. */
static const char *
header_end(const char *p, const char *end)
{
	if ((size_t)(end - p) > 256 * 1024)
		end = p + 256 * 1024;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			return end;
		if (nl == p || (nl == p + 1 && *p == '\r'))
			return nl + 1;
		p = nl + 1;
	}
	return end;
}

static bool
content_length(const char *p, const char *end, uint64_t *out)
{
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		if ((size_t)(le - p) > 15 && g_ascii_strncasecmp(p, "Content-Length:", 15) == 0) {
			const char *v = p + 15;
			char *stop;
			guint64 n;
			while (v < le && (*v == ' ' || *v == '\t'))
				v++;
			if (v == le || !g_ascii_isdigit(*v))
				return false;
			n = g_ascii_strtoull(v, &stop, 10);
			*out = n;
			return true;
		}
		if (!nl)
			break;
		p = nl + 1;
	}
	return false;
}

/* With Content-Length, where the message ends and the next one starts, if
 * the length lands exactly on a real From_ line (at a line start, passing
 * is_from_line): a sender's own Content-Length cannot cut a message in two. */
static bool is_from_line(const char *p, const char *end);

static bool
by_length(const char *start, const char *end, const char **msg_end, const char **next)
{
	const char *hend = header_end(start, end);
	const char *c;
	uint64_t n;

	if (!content_length(start, hend, &n) || n > (uint64_t)(end - hend))
		return false;
	c = hend + n;
	if (c == end) {
		*msg_end = *next = end;
		return true;
	}
	if (c > start && c[-1] == '\n' && is_from_line(c, end)) {
		*msg_end = *next = c;
		return true;
	}
	if (starts_with(c, end, "\n") && is_from_line(c + 1, end)) {
		*msg_end = c;
		*next = c + 1;
		return true;
	}
	if (starts_with(c, end, "\r\n") && is_from_line(c + 2, end)) {
		*msg_end = c;
		*next = c + 2;
		return true;
	}
	return false;
}

/* Whether p starts a From_ line: "From ", an envelope sender that is "-"
 * (Netscape), MAILER-DAEMON or holds an "@", then a header on the next line.
 * An unquoted "From Russia with love" in a body fails both tests. */
static bool
is_from_line(const char *p, const char *end)
{
	const char *sp, *nl, *q;

	if (!starts_with(p, end, "From "))
		return false;
	p += 5;
	nl = memchr(p, '\n', (size_t)(end - p));
	if (!nl)
		return false;
	for (sp = p; sp < nl && *sp != ' ' && *sp != '\r'; sp++)
		;
	if (!((sp - p == 1 && *p == '-') || memchr(p, '@', (size_t)(sp - p)) ||
	      (sp - p == 13 && memcmp(p, "MAILER-DAEMON", 13) == 0)))
		return false;
	for (q = nl + 1; q < end && *q != ':'; q++)
		if ((unsigned char)*q < 33 || (unsigned char)*q > 126)
			return false;
	return q < end && q > nl + 1;
}

/* Without: the next From_ line. The newline before it (and an empty line,
 * the usual separator) belongs to the mbox, not to the message. */
static void
by_separator(const char *start, const char *end, const char **msg_end, const char **next)
{
	const char *p = start;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			break;
		if (is_from_line(nl + 1, end)) {
			*next = nl + 1;
			/* Drop the empty separator line, if there is one. */
			if (nl > start && nl[-1] == '\n')
				*msg_end = nl;
			else if (nl - 1 > start && nl[-1] == '\r' && nl[-2] == '\n')
				*msg_end = nl - 1;
			else
				*msg_end = nl + 1;
			return;
		}
		p = nl + 1;
	}
	*msg_end = *next = end;
}

bool
ingest_mbox_split(const char *data, size_t len, dispo_mbox_fn fn, void *user, GError **error)
{
	const char *end = data + len;
	const char *p = data;

	if (!starts_with(p, end, "From "))
		return fn(data, len, user, error);
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *start = nl ? nl + 1 : end;
		const char *msg_end, *next;

		if (!by_length(start, end, &msg_end, &next))
			by_separator(start, end, &msg_end, &next);
		/* A From_ line with nothing after it is not a message. */
		if (msg_end > start && !fn(start, (size_t)(msg_end - start), user, error))
			return false;
		p = next;
	}
	return true;
}
