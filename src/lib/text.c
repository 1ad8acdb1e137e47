/* SPDX-License-Identifier: GPL-3.0-or-later */
/* text.c: the text people read, built one way for the emails and the
 * letter alike: lines wrapped for format=flowed, names without their
 * titles, salutations. */
#include "config.h"

#include "lib/lib.h"

#include <string.h>

/* ---- wrapping (RFC 3676) ------------------------------------------------ */

static size_t
char_width(gunichar c)
{
	return g_unichar_iszerowidth(c) ? 0 : g_unichar_iswide(c) ? 2 : 1;
}

static size_t
span_width(const char *s, const char *end)
{
	size_t w = 0;

	for (const char *p = s; p < end; p = g_utf8_next_char(p))
		w += char_width(g_utf8_get_char(p));
	return w;
}

/* Where a broken line goes on: under the value of "  Nama   : value", under
 * the text of "  - item" or "  1. item", else at the line's own indentation. */
static size_t
continuation_indent(const char *line, size_t len)
{
	size_t lead = 0, i;
	const char *colon;

	while (lead < len && line[lead] == ' ')
		lead++;
	if (lead + 2 <= len && (line[lead] == '-' || line[lead] == '*') && line[lead + 1] == ' ')
		return lead + 2;
	/* "  1. step" */
	for (i = lead; i < len && i < lead + 3 && g_ascii_isdigit(line[i]); i++)
		;
	if (i > lead && i + 2 <= len && (line[i] == '.' || line[i] == ')') && line[i + 1] == ' ')
		return i + 2;
	/* "  Nama   : value" and "  Waktu baku: value": a short label */
	colon = lead ? memchr(line + lead, ':', MIN(len - lead, 24)) : NULL;
	if (colon && (size_t)(colon - line) + 2 <= len && colon[1] == ' ') {
		for (i = colon - line + 1; i < len && line[i] == ' '; i++)
			;
		return i;
	}
	return lead;
}

/* A line goes out space-stuffed when a flowed reader would take it for
 * something else: quoted (">"), already stuffed (" "), or "From " that a
 * transport would mangle into ">From ". */
static void
line_emit(GString *out, const char *s, size_t len, bool soft)
{
	if (len && (s[0] == ' ' || s[0] == '>' || (len >= 5 && strncmp(s, "From ", 5) == 0)))
		g_string_append_c(out, ' ');
	g_string_append_len(out, s, len);
	if (soft)
		g_string_append_c(out, ' ');
	g_string_append_c(out, '\n');
}

static void
flow_line(GString *out, const char *line, size_t len, size_t width)
{
	g_autoptr(GString) seg = g_string_new(NULL);
	const char *p = line, *end;
	size_t lead = 0, indent = 0;
	bool first = true;

	while (len && line[len - 1] == ' ')
		len--;
	end = line + len;
	/* The signature separator keeps its space: readers find it by "-- ". */
	if (len == 2 && strncmp(line, "--", 2) == 0) {
		g_string_append(out, "-- \n");
		return;
	}
	while (lead < len && line[lead] == ' ')
		lead++;
	/* An item or a value broken under its own start is laid out by hand:
	 * its breaks are hard, since a flowed reader joining them would keep
	 * the continuation's indentation as spaces inside the text. A
	 * paragraph at the margin breaks softly and reflows on a phone. */
	indent = continuation_indent(line, len);
	if (indent > width / 2)
		indent = lead;
	for (;;) {
		size_t pre = first ? 0 : indent;
		/* An indented line is space-stuffed: one column less. */
		size_t limit = (first ? lead : indent) ? width - 1 : width;
		const char *start = first ? line + lead : p, *brk = NULL, *next;
		size_t w = pre + span_width(p, start);

		g_string_truncate(seg, 0);
		for (size_t i = 0; i < pre; i++)
			g_string_append_c(seg, ' ');
		if (pre + span_width(p, end) <= limit)
			break;
		for (const char *q = start; q < end; q = g_utf8_next_char(q)) {
			/* A break goes at the first space of a run. */
			if (*q == ' ' && q > start && q[-1] != ' ') {
				if (w <= limit) {
					brk = q;
				} else {
					if (!brk)
						brk = q;
					break;
				}
			}
			w += char_width(g_utf8_get_char(q));
		}
		if (!brk)
			break; /* one word longer than the line stays whole */
		for (next = brk; next < end && *next == ' '; next++)
			;
		g_string_append_len(seg, p, brk - p);
		line_emit(out, seg->str, seg->len, indent == 0);
		first = false;
		p = next;
	}
	g_string_append_len(seg, p, end - p);
	line_emit(out, seg->str, seg->len, false);
}

char *
dispo_text_flow(const char *text, size_t width)
{
	GString *out = g_string_sized_new(text ? strlen(text) + 64 : 1);

	if (width < 20)
		width = 20;
	for (const char *p = text ? text : ""; *p;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		if (len && p[len - 1] == '\r')
			len--;
		flow_line(out, p, len, width);
		p = nl ? nl + 1 : p + len;
		if (!nl)
			break;
	}
	return g_string_free(out, false);
}

/* ---- dates --------------------------------------------------------------- */

const char *
dispo_month_name(int month, const char *lang)
{
	static const char *const id[] = {"Januari",   "Februari", "Maret",    "April",
	                                 "Mei",       "Juni",     "Juli",     "Agustus",
	                                 "September", "Oktober",  "November", "Desember"};
	static const char *const en[] = {"January",   "February", "March",    "April",
	                                 "May",       "June",     "July",     "August",
	                                 "September", "October",  "November", "December"};

	if (month < 1 || month > 12)
		return "?";
	if (g_strcmp0(lang, "en") == 0)
		return en[month - 1];
	return id[month - 1];
}

/* ---- names -------------------------------------------------------------- */

/* Titles written before a name in Indonesian offices: academic, medical,
 * religious (the pilgrimage), military and police ranks are not here (they
 * come after "Kolonel", and belong to the name as its bearer writes it). */
static const char *const prefix_titles[] = {
    "prof", "dr", "drs", "dra", "ir", "drg", "drh", "h", "hj", "kh", "ns", "apt", "ners",
};

static bool
is_prefix_title(const char *word)
{
	g_autofree char *w = g_ascii_strdown(word, -1);
	size_t n = strlen(w);

	/* Written with its dot ("Drs.", "H."), or "Dr" alone. */
	if (n && w[n - 1] == '.')
		w[--n] = '\0';
	else if (n != 2 || strcmp(w, "dr") != 0)
		return false;
	for (size_t i = 0; i < G_N_ELEMENTS(prefix_titles); i++)
		if (strcmp(w, prefix_titles[i]) == 0)
			return true;
	return false;
}

char *
dispo_name_bare(const char *name)
{
	g_autofree char *clean = dispo_utf8_clean(name ? name : "", -1);
	char *comma = strchr(clean, ',');
	g_auto(GStrv) words = NULL;
	GString *out = g_string_new(NULL);
	bool leading = true;

	/* Degrees follow a comma: "Agus Prasetyo, S.Kom., M.M.". */
	if (comma)
		*comma = '\0';
	words = g_strsplit_set(clean, " \t\n", -1);
	for (size_t i = 0; words[i]; i++) {
		if (!*words[i])
			continue;
		if (leading && words[i + 1] && is_prefix_title(words[i]))
			continue;
		leading = false;
		if (out->len)
			g_string_append_c(out, ' ');
		g_string_append(out, words[i]);
	}
	return g_string_free(out, false);
}

char *
dispo_salutation(const char *name, dispo_gender gender, const char *lang)
{
	g_autofree char *bare = dispo_name_bare(name);
	bool en = g_strcmp0(lang, "en") == 0;
	const char *title;

	if (en) {
		if (!*bare || gender == DISPO_GENDER_UNKNOWN)
			return *bare ? g_strdup(bare) : g_strdup("Sir or Madam");
		title = gender == DISPO_GENDER_FEMALE ? "Ms" : "Mr";
	} else {
		title = dispo_honorific(gender);
		if (!*bare)
			return g_strdup("Bapak/Ibu");
	}
	return g_strdup_printf("%s %s", title, bare);
}

const char *
dispo_honorific(dispo_gender gender)
{
	return gender == DISPO_GENDER_FEMALE ? "Ibu"
	       : gender == DISPO_GENDER_MALE ? "Bapak"
	                                     : "Bapak/Ibu";
}

dispo_gender
dispo_gender_of_nip(const char *nip)
{
	/* The 15th digit: 1 for men, 2 for women (BKN's numbering). */
	if (!nip || strlen(nip) != 18)
		return DISPO_GENDER_UNKNOWN;
	for (size_t i = 0; i < 18; i++)
		if (!g_ascii_isdigit(nip[i]))
			return DISPO_GENDER_UNKNOWN;
	return nip[14] == '1' ? DISPO_GENDER_MALE
	       : nip[14] == '2' ? DISPO_GENDER_FEMALE
	                        : DISPO_GENDER_UNKNOWN;
}
