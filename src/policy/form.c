/* SPDX-License-Identifier: GPL-3.0-or-later */
/* form.c: the "Label: value" fields an applicant types into the body (Nama,
 * NIP, NIK, Jabatan, Unit Kerja, Email dinas), however the mail client
 * dressed them up, and nothing from the quoted mail below them. */
#include "config.h"

#include "policy/policy.h"

#include <string.h>

#define LABEL_MAX 48  /* bytes before the colon; longer is a sentence */
#define VALUE_MAX 256 /* bytes kept of a value */

static const char *const default_labels[] = {"Nama",       "NIP",         "NIK", "Jabatan",
                                             "Unit Kerja", "Email dinas", NULL};

/* Other names people give a field, folded. "Surel" is the Indonesian word
 * for e-mail; a bare "Email" is not taken as "Email dinas", because
 * applicants often give a personal address there. */
static const struct {
	const char *variant;
	const char *canonical;
} aliases[] = {
    {"sureldinas", "emaildinas"},
    {"alamatemaildinas", "emaildinas"},
    {"alamatsureldinas", "emaildinas"},
    {"namalengkap", "nama"},
};

/* ASCII letters and digits, lower case; everything else (spaces, tabs,
 * dots, '*' and '_' bold markers, '-', non-ASCII) dropped: "N.I.P." and
 * "**NIP**" and "E-mail  Dinas" become "nip" and "emaildinas". Text in
 * parentheses is a remark: "Nama (sesuai KTP)" is "nama". */
static char *
label_fold(const char *s, size_t len)
{
	GString *out = g_string_new(NULL);
	unsigned paren = 0;

	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (c == '(')
			paren++;
		else if (c == ')' && paren)
			paren--;
		else if (!paren && g_ascii_isalnum(c))
			g_string_append_c(out, g_ascii_tolower(c));
	}
	for (size_t i = 0; i < G_N_ELEMENTS(aliases); i++)
		if (strcmp(out->str, aliases[i].variant) == 0)
			g_string_assign(out, aliases[i].canonical);
	return g_string_free(out, false);
}

static bool
is_space_at(const char *p)
{
	return *p == ' ' || *p == '\t' || *p == '\r';
}

static const char *
skip_space(const char *p)
{
	while (is_space_at(p))
		p++;
	return p;
}

/* Other spaces are a plain space: U+00A0 from an HTML body's &nbsp; (or
 * Outlook's text alternative of one), U+202F, U+2007, U+3000 from an IME;
 * zero-width ones (U+200B, U+2060, U+FEFF) are nothing. Then "NIP&nbsp;1985"
 * needs no colon and a NIP keeps only digits and spaces. */
static char *
spaces_plain(const char *s)
{
	GString *out = g_string_sized_new(strlen(s));

	for (const char *p = s; *p; p = g_utf8_next_char(p)) {
		gunichar c = g_utf8_get_char(p);
		if (c == 0x200B || c == 0x2060 || c == 0xFEFF)
			continue;
		if (c >= 0x80 && g_unichar_type(c) == G_UNICODE_SPACE_SEPARATOR)
			g_string_append_c(out, ' ');
		else
			g_string_append_len(out, p, g_utf8_next_char(p) - p);
	}
	return g_string_free(out, false);
}

/* "- ", "* ", "• ", "1. ", "2) " before a label, and a number in a cell of
 * its own ("1<TAB>Nama<TAB>: …", a table's first column). */
static const char *
skip_bullets(const char *p)
{
	static const char *const bullets[] = {"- ",     "* ",     "+ ",     "\u2022", "\u00B7",
	                                      "\u2013", "\u25AA", "\u27A2", "\u2023"};
	bool again = true;

	while (again) {
		again = false;
		p = skip_space(p);
		for (size_t i = 0; i < G_N_ELEMENTS(bullets); i++)
			if (g_str_has_prefix(p, bullets[i])) {
				p += strlen(bullets[i]);
				again = true;
			}
		if (g_ascii_isdigit(*p)) {
			const char *q = p;
			while (g_ascii_isdigit(*q) && q - p < 3)
				q++;
			if (((*q == '.' || *q == ')') && !g_ascii_isdigit(q[1])) || *q == '\t') {
				p = q + 1;
				again = true;
			}
		}
	}
	return p;
}

/* Bidi controls would let a value display as something it is not. */
static char *
without_bidi(const char *s)
{
	GString *out = g_string_new(NULL);

	for (const char *p = s; *p; p = g_utf8_next_char(p)) {
		gunichar c = g_utf8_get_char(p);
		if ((c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069) || c == 0x200E ||
		    c == 0x200F || c == 0x061C)
			continue;
		g_string_append_len(out, p, g_utf8_next_char(p) - p);
	}
	return g_string_free(out, false);
}

/* Runs of blanks inside a value are one space: a tab there is the boundary
 * of a table's cells, and a double space never belongs in a name. */
static void
blanks_squeeze(char *v)
{
	char *w = v;

	for (const char *r = v; *r; r++) {
		if (is_space_at(r)) {
			if (w > v && w[-1] == ' ')
				continue;
			*w++ = ' ';
		} else {
			*w++ = *r;
		}
	}
	*w = '\0';
}

/* The value after the label: trimmed, bold markers and Outlook's
 * " <mailto:…>" after an address removed, cut at VALUE_MAX bytes. */
static char *
value_clean(const char *p)
{
	g_autofree char *v = NULL;
	char *cut;
	size_t len;

	for (;;) {
		p = skip_space(p);
		if (*p == '*' || *p == '_' || *p == ':')
			p++;
		else if (g_str_has_prefix(p, "\uFF1A"))
			p += strlen("\uFF1A");
		else
			break;
	}
	v = without_bidi(p);
	if ((cut = strstr(v, "<mailto:")) != NULL || (cut = strstr(v, "[mailto:")) != NULL)
		*cut = '\0';
	blanks_squeeze(v);
	len = strlen(v);
	while (len && (v[len - 1] == ' ' || v[len - 1] == '*' || v[len - 1] == '_'))
		v[--len] = '\0';
	if (len > VALUE_MAX) {
		const char *end = g_utf8_find_prev_char(v, v + VALUE_MAX + 1);
		v[end ? end - v : 0] = '\0';
	}
	return g_steal_pointer(&v);
}

/* Where the applicant's own text ends: a quote, a signature, or the header
 * block or attribution line a client puts above the mail it quotes. */
static bool
line_ends_form(char **lines, size_t i)
{
	static const char *const from[] = {"from:", "dari:", NULL};
	/* A date line, which an applicant's own "Dari: … / Perihal: …" letter
	 * head lacks. */
	static const char *const header[] = {
	    "sent:", "date:", "dikirim:", "tanggal:", "terkirim:", "waktu:", NULL};
	const char *l = lines[i];
	const char *t = skip_space(l);
	g_autofree char *trimmed = g_strstrip(g_strdup(t));
	size_t n = strlen(trimmed);

	if (*l == '>' || *t == '>')
		return true;
	if (strcmp(trimmed, "--") == 0 || strcmp(trimmed, "-- ") == 0)
		return true;
	/* -----Original Message----- , -----Pesan Asli-----, ---------- Forwarded
	 * message ---------: dashes around words. */
	if (n >= 8 && g_str_has_prefix(trimmed, "---") && g_str_has_suffix(trimmed, "---")) {
		for (const char *p = trimmed; *p; p++)
			if (g_ascii_isalpha(*p))
				return true;
	}
	/* Outlook's rule above the header block. */
	if (n >= 10 && strspn(trimmed, "_") == n)
		return true;
	/* "On Mon, 3 Mar 2025, Budi <b@x> wrote:", "Pada … menulis:" */
	if (g_str_has_suffix(trimmed, "wrote:") || g_str_has_suffix(trimmed, "menulis:"))
		return true;
	for (const char *const *f = from; *f; f++) {
		if (g_ascii_strncasecmp(t, *f, strlen(*f)) != 0)
			continue;
		for (size_t k = i + 1; lines[k] && k <= i + 4; k++) {
			const char *h = skip_space(lines[k]);
			for (const char *const *w = header; *w; w++)
				if (g_ascii_strncasecmp(h, *w, strlen(*w)) == 0)
					return true;
		}
	}
	return false;
}

/* The canonical label a folded key names, or NULL. */
static const char *
label_find(const char *key, const char *const *labels)
{
	for (const char *const *l = labels; *l; l++) {
		g_autofree char *k = label_fold(*l, strlen(*l));
		if (*k && strcmp(k, key) == 0)
			return *l;
	}
	return NULL;
}

/* The first non-blank value of a label counts. */
static void
field_add(GHashTable *fields, const char *label, const char *value)
{
	char *v;

	if (g_hash_table_contains(fields, label))
		return;
	v = value_clean(value);
	if (!*v) {
		g_free(v); /* "NIP:" left blank: a later line may fill it */
		return;
	}
	g_hash_table_insert(fields, g_strdup(label), v);
}

static void
line_parse(const char *line, const char *const *labels, GHashTable *fields)
{
	const char *p = skip_bullets(line);
	const char *colon = strchr(p, ':');
	const char *fw = strstr(p, "\uFF1A"); /* full-width colon (IME input) */
	const char *tab = strchr(p, '\t');
	const char *label, *value;
	g_autofree char *key = NULL;

	if (fw && (!colon || fw < colon))
		colon = fw;
	/* "Nama<TAB>Hartono": a table row of an HTML body (see html.c), or
	 * cells copied from a spreadsheet. The tab ends the label when what is
	 * before it is one; "Nama<TAB>:<TAB>Hartono" reads the same. */
	if (tab && (!colon || tab < colon) && tab - p <= LABEL_MAX) {
		g_autofree char *k = label_fold(p, (size_t)(tab - p));
		if ((label = label_find(k, labels)) != NULL) {
			field_add(fields, label, tab);
			return;
		}
	}
	if (colon == fw && fw)
		value = fw + strlen("\uFF1A");
	else
		value = colon ? colon + 1 : NULL;
	if (!colon) {
		/* "NIP. 19850312 201001 1 004", "NIK 3319…": a label of letters,
		 * spaces and dots followed by a number needs no colon. */
		const char *q = p;
		while (g_ascii_isalpha(*q) || *q == ' ' || *q == '\t' || *q == '.' || *q == '*' ||
		       *q == '_')
			q++;
		if (!g_ascii_isdigit(*q))
			return;
		colon = value = q;
	}
	if (colon - p > LABEL_MAX)
		return;
	key = label_fold(p, (size_t)(colon - p));
	label = label_find(key, labels);
	if (label)
		field_add(fields, label, value);
}

GHashTable *
policy_form_parse(const char *body, const char *const *labels)
{
	GHashTable *fields = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	g_autofree char *clean = NULL;
	g_autofree char *plain = NULL;
	g_auto(GStrv) lines = NULL;

	if (!body)
		return fields;
	if (!labels)
		labels = default_labels;
	/* Valid UTF-8 without controls, so values can go anywhere. */
	clean = dispo_utf8_clean(body, -1);
	plain = spaces_plain(clean);
	lines = g_strsplit(plain, "\n", -1);
	for (size_t i = 0; lines[i]; i++) {
		if (line_ends_form(lines, i))
			break;
		line_parse(lines[i], labels, fields);
	}
	return fields;
}
