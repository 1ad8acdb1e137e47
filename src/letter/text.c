/* SPDX-License-Identifier: GPL-3.0-or-later */
/* text.c: the letter's words before layout: cleaning and checking untrusted
 * strings, the Indonesian date, the NIP's printed form, the kop's lines,
 * where a signer's jabatan may break, and the body's paragraphs, list
 * items and "Label : value" tables. */
#include "config.h"

#include "letter/letter-private.h"

#include <string.h>

G_DEFINE_QUARK(dispo - letter - error - quark, dispo_letter_error)

/* Characters that are invisible yet change how the text around them reads:
 * bidi embeddings, overrides and isolates (U+202E turns "gpj.exe" around),
 * marks, zero-width spaces and joiners used to hide words, the BOM. ZWJ and
 * ZWNJ stay: scripts need them. */
static bool
invisible(gunichar c)
{
	return c == 0x061C || c == 0x200B || c == 0x200E || c == 0x200F ||
	       (c >= 0x202A && c <= 0x202E) || (c >= 0x2060 && c <= 0x2069) || c == 0xFEFF ||
	       (c >= 0xFFF9 && c <= 0xFFFB);
}

char *
letter_text_clean(const char *s, size_t max, bool multiline)
{
	g_autofree char *valid = NULL;
	GString *out;
	size_t n = 0;

	if (!s)
		return g_strdup("");
	valid = g_utf8_make_valid(s, -1);
	out = g_string_sized_new(MIN(strlen(valid), 4096));
	/* Stop one past max: that is enough to know it must be cut, and a
	 * megabyte name costs no more than a short one. */
	for (const char *p = valid; *p && n <= max; p = g_utf8_next_char(p)) {
		gunichar c = g_utf8_get_char(p);
		if (c == '\n' || c == 0x2028 || c == 0x2029)
			c = multiline ? '\n' : ' ';
		else if (c == '\t')
			c = ' ';
		else if (c == '\r' || g_unichar_iscntrl(c) || invisible(c))
			continue;
		g_string_append_unichar(out, c);
		n++;
	}
	if (n > max) {
		const char *cut = g_utf8_offset_to_pointer(out->str, (glong)(max ? max - 1 : 0));
		g_string_truncate(out, (gsize)(cut - out->str));
		if (max)
			g_string_append(out, "…");
	}
	if (!multiline)
		g_strstrip(out->str);
	return g_string_free(out, FALSE);
}

char *
letter_date_text(dispo_time t, GTimeZone *tz)
{
	g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc(t);
	g_autoptr(GDateTime) local = NULL;

	if (!utc)
		return NULL;
	local = tz ? g_date_time_to_timezone(utc, tz) : g_date_time_ref(utc);
	if (!local)
		return NULL;
	return g_strdup_printf("%d %s %d", g_date_time_get_day_of_month(local),
	                       dispo_month_name(g_date_time_get_month(local), "id"),
	                       g_date_time_get_year(local));
}

char *
letter_nip_format(const char *nip)
{
	char d[19];
	size_t n = 0;

	if (!nip)
		return NULL;
	for (const char *p = nip; *p; p++) {
		if (*p == ' ')
			continue;
		if (!g_ascii_isdigit(*p) || n == 18)
			return NULL;
		d[n++] = *p;
	}
	if (n != 18)
		return NULL;
	return g_strdup_printf("%.8s %.6s %.1s %.3s", d, d + 8, d + 14, d + 15);
}

void
letter_piece_free(gpointer piece)
{
	letter_piece *p = piece;

	if (!p)
		return;
	g_free(p->a);
	g_free(p->b);
	g_free(p);
}

#define LABEL_MAX_CHARS 40
#define LABEL_MAX_WORDS 6

/* "Nama : Budi" → label and value. The space before the colon is what tells
 * a table row from a sentence with a colon ("pukul 09:15", "https://"). */
static bool
row_split(const char *line, char **label, char **value)
{
	const char *colon = strchr(line, ':');
	g_autofree char *l = NULL;
	unsigned words = 1;

	if (!colon || colon == line || colon[-1] != ' ' || (colon[1] && colon[1] != ' '))
		return false;
	l = g_strstrip(g_strndup(line, (gsize)(colon - line)));
	if (!*l || g_utf8_strlen(l, -1) > LABEL_MAX_CHARS)
		return false;
	for (const char *p = l; *p; p++)
		if (*p == ' ' && p[1] != ' ' && ++words > LABEL_MAX_WORDS)
			return false;
	*value = letter_text_clean(colon + 1, LETTER_FIELD_MAX, false);
	*label = g_steal_pointer(&l);
	return true;
}

/* "1. text", "a) text", "- text", "• text" → marker and text. */
static const char *
item_split(const char *line, char **marker)
{
	const char *p = line;
	unsigned digits = 0;

	while (g_ascii_isdigit(*p) && digits < 4)
		p++, digits++;
	if (digits > 0 && digits < 4 && (*p == '.' || *p == ')'))
		p++;
	else if (digits == 0 && *p >= 'a' && *p <= 'z' && (p[1] == '.' || p[1] == ')'))
		p += 2;
	else if (digits == 0 && (*p == '-' || *p == '*'))
		p++;
	else if (digits == 0 && g_str_has_prefix(p, "•"))
		p += strlen("•");
	else
		return NULL;
	if (*p != ' ')
		return NULL;
	*marker = g_strndup(line, (gsize)(p - line));
	while (*p == ' ')
		p++;
	return p;
}

typedef struct {
	bool blank;
	bool row;
	char *label, *value;
} line_class;

static letter_piece *
piece_add(GPtrArray *out, letter_piece_kind kind, bool *gap)
{
	letter_piece *p = g_new0(letter_piece, 1);

	p->kind = kind;
	p->gap = *gap && out->len > 0;
	*gap = false;
	g_ptr_array_add(out, p);
	return p;
}

GPtrArray *
letter_body_parse(const char *body)
{
	GPtrArray *out = g_ptr_array_new_with_free_func(letter_piece_free);
	g_auto(GStrv) lines = g_strsplit(body ? body : "", "\n", -1);
	guint n = g_strv_length(lines);
	g_autofree line_class *cl = g_new0(line_class, n + 1);
	GString *acc = NULL;
	char **acc_to = NULL;
	bool gap = false, in_table = false;
	unsigned table = 0;

	for (guint i = 0; i < n; i++) {
		g_strchomp(lines[i]);
		cl[i].blank = lines[i][strspn(lines[i], " ")] == '\0';
		if (!cl[i].blank)
			cl[i].row = row_split(lines[i], &cl[i].label, &cl[i].value);
	}
	/* "Telepon :" with nothing after it is a row only inside a table;
	 * alone it is a sentence such as "dengan data sebagai berikut :". */
	for (guint i = 0; i < n; i++) {
		bool before = i > 0 && cl[i - 1].row && *cl[i - 1].value;
		bool after = cl[i + 1].row && *cl[i + 1].value; /* cl[n] is zero */
		if (cl[i].row && !*cl[i].value && !before && !after) {
			cl[i].row = false;
			g_clear_pointer(&cl[i].label, g_free);
			g_clear_pointer(&cl[i].value, g_free);
		}
	}
	for (guint i = 0; i < n; i++) {
		const char *line = lines[i] + strspn(lines[i], " ");
		const char *text = NULL;
		char *marker = NULL;

		if (cl[i].blank || cl[i].row || (text = item_split(line, &marker)) != NULL) {
			if (acc)
				*acc_to = g_string_free(g_steal_pointer(&acc), FALSE);
		}
		if (cl[i].blank) {
			gap = true;
			in_table = false;
		} else if (cl[i].row) {
			letter_piece *p = piece_add(out, LETTER_PIECE_ROW, &gap);
			if (!in_table)
				table++;
			in_table = true;
			p->a = g_steal_pointer(&cl[i].label);
			p->b = g_steal_pointer(&cl[i].value);
			p->table = table;
		} else if (marker) {
			letter_piece *p = piece_add(out, LETTER_PIECE_ITEM, &gap);
			in_table = false;
			p->a = marker;
			acc = g_string_new(text);
			acc_to = &p->b;
		} else if (acc) {
			g_string_append_c(acc, ' ');
			g_string_append(acc, line);
		} else {
			letter_piece *p = piece_add(out, LETTER_PIECE_PARA, &gap);
			in_table = false;
			acc = g_string_new(line);
			acc_to = &p->a;
		}
	}
	if (acc)
		*acc_to = g_string_free(g_steal_pointer(&acc), FALSE);
	for (guint i = 0; i < n; i++) {
		g_free(cl[i].label);
		g_free(cl[i].value);
	}
	return out;
}

/* ---- the letter's fields ------------------------------------------------- */

void
letter_fields_clear(letter_fields *f)
{
	g_free(f->government);
	g_free(f->office);
	g_strfreev(f->kop);
	g_strfreev(f->recipient);
	g_free(f->city);
	g_free(f->date);
	g_free(f->number);
	g_free(f->nature);
	g_free(f->attachment);
	g_free(f->subject);
	g_free(f->body);
	g_free(f->position);
	g_free(f->name);
	g_free(f->rank);
	g_free(f->nip);
}

static char **
lines_clean(const char *const *in, guint max)
{
	GPtrArray *out = g_ptr_array_new();

	for (guint i = 0; in && in[i] && out->len < max; i++)
		g_ptr_array_add(out, letter_text_clean(in[i], LETTER_FIELD_MAX, false));
	g_ptr_array_add(out, NULL);
	return (char **)g_ptr_array_free(out, FALSE);
}

/* NULL for a part that is absent or blank after cleaning. */
static char *
part_clean(const char *s)
{
	char *c = s ? letter_text_clean(s, LETTER_FIELD_MAX, false) : NULL;

	if (c && !*c)
		g_clear_pointer(&c, g_free);
	return c;
}

/* "Telepon x", "Pos-el y", "Laman z" joined by ", "; NULL when all are empty. */
static char *
labelled_join(const char *const *label, const char *const *value, size_t n, const char *first)
{
	GString *s = g_string_new(first);

	for (size_t i = 0; i < n; i++) {
		g_autofree char *v = part_clean(value[i]);
		if (v)
			g_string_append_printf(s, "%s%s %s", s->len ? ", " : "", label[i], v);
	}
	if (!s->len) {
		g_string_free(s, TRUE);
		return NULL;
	}
	return g_string_free(s, FALSE);
}

char **
letter_kop_lines(const dispo_letter_head *h)
{
	/* The words of Permendagri 1/2023's kop: Pos-el and Laman, not the
	 * English e-mail and website. The telephone follows the address and
	 * the two addresses share the next line, so that neither line has to
	 * be set much smaller than the other. */
	static const char *const phone_label[] = {"Telepon"};
	static const char *const net_label[] = {"Pos-el", "Laman"};
	const char *const net[] = {h->email, h->website};
	GPtrArray *out = g_ptr_array_new_with_free_func(g_free);
	g_auto(GStrv) extra = lines_clean(h->lines, LETTERHEAD_LINES_MAX);
	g_autofree char *address = part_clean(h->address);
	char *v;

	if ((v = labelled_join(phone_label, &h->phone, 1, address)))
		g_ptr_array_add(out, v);
	for (guint i = 0; extra[i]; i++)
		if (*extra[i])
			g_ptr_array_add(out, g_strdup(extra[i]));
	if ((v = labelled_join(net_label, net, G_N_ELEMENTS(net), NULL)))
		g_ptr_array_add(out, v);
	/* The headings take two of the kop's lines. */
	if (out->len > LETTERHEAD_LINES_MAX - 2)
		g_ptr_array_set_size(out, LETTERHEAD_LINES_MAX - 2);
	g_ptr_array_set_free_func(out, NULL);
	g_ptr_array_add(out, NULL);
	return (char **)g_ptr_array_free(out, FALSE);
}

/* ---- the signer's jabatan on lines ---------------------------------------- */

/* Words after which a line must not end: they join what follows. */
static bool
word_joins(const char *w)
{
	static const char *const joining[] = {
	    "dan", "serta", "atau", "dan/atau", "di", "pada", "untuk", "&",
	    "Kepala", "Wakil", "Plt.", "Plh.", "Pj.", "a.n.", "u.b.",
	};

	for (size_t i = 0; i < G_N_ELEMENTS(joining); i++)
		if (g_ascii_strcasecmp(w, joining[i]) == 0)
			return true;
	return false;
}

/* Words a line may well begin with: the region closes a unit's name. */
static bool
word_opens_region(const char *w)
{
	static const char *const region[] = {"Kabupaten", "Kota", "Provinsi"};

	for (size_t i = 0; i < G_N_ELEMENTS(region); i++)
		if (g_ascii_strcasecmp(w, region[i]) == 0)
			return true;
	return false;
}

static char *
words_join(char **words, guint from, guint to)
{
	GString *s = g_string_new(NULL);

	for (guint i = from; i < to; i++)
		g_string_append_printf(s, "%s%s", i > from ? " " : "", words[i]);
	return g_string_free(s, FALSE);
}

char **
letter_position_lines(const char *position, double max, letter_measure_fn measure, void *data)
{
	g_auto(GStrv) split = g_strsplit(position ? position : "", " ", -1);
	g_autoptr(GPtrArray) words = g_ptr_array_new();
	g_autofree double *cost = NULL;
	g_autofree guint *from = NULL;
	GPtrArray *out = g_ptr_array_new();
	/* Costs in units of max²: one more line outweighs any slack and any
	 * preference below, so the block is never taller than it must be. */
	const double unit = max > 0 ? max * max : 1, line_cost = 100 * unit;
	guint n;

	for (guint i = 0; split[i]; i++)
		if (*split[i])
			g_ptr_array_add(words, split[i]);
	n = words->len;
	cost = g_new(double, n + 1);
	from = g_new0(guint, n + 1);
	/* cost[j]: the best way to set words 0..j-1, its last line from[j]..j-1.
	 * Every line's slack counts, the last one's too: the lines are centred,
	 * and a long line over a short one looks lopsided. */
	cost[0] = 0;
	for (guint j = 1; j <= n; j++) {
		cost[j] = G_MAXDOUBLE;
		for (guint i = j; i-- > 0;) {
			g_autofree char *line = words_join((char **)words->pdata, i, j);
			double w = measure(line, data), c;

			if (w > max && j - i > 1)
				break; /* wider still with more words */
			c = cost[i] + line_cost + (w < max ? (max - w) * (max - w) : 0);
			if (j < n) {
				const char *last = words->pdata[j - 1];
				const char *next = words->pdata[j];
				if (word_joins(last))
					c += 3 * unit;
				else if (g_str_has_suffix(last, ",") || word_opens_region(next))
					c -= 0.5 * unit;
				/* "Komunikasi / dan Informatika" splits a name too,
				 * if less badly than "Komunikasi dan / Informatika". */
				else if (word_joins(next))
					c += unit;
			}
			if (c < cost[j]) {
				cost[j] = c;
				from[j] = i;
			}
		}
	}
	{
		g_autoptr(GPtrArray) rev = g_ptr_array_new();
		for (guint j = n; j > 0; j = from[j])
			g_ptr_array_add(rev, words_join((char **)words->pdata, from[j], j));
		for (guint i = rev->len; i-- > 0;)
			g_ptr_array_add(out, rev->pdata[i]);
	}
	g_ptr_array_add(out, NULL);
	return (char **)g_ptr_array_free(out, FALSE);
}

static bool
invalid(GError **error, const char *what)
{
	g_set_error(error, DISPO_LETTER_ERROR, DISPO_LETTER_ERROR_INVALID, "the letter has no %s",
	            what);
	return false;
}

bool
letter_fields_init(letter_fields *f, const dispo_letter *l, GError **error)
{
	if (strlen(l->body ? l->body : "") > LETTER_BODY_MAX) {
		g_set_error(error, DISPO_LETTER_ERROR, DISPO_LETTER_ERROR_TOO_LONG,
		            "the letter's body is %zu bytes; at most %d fit a letter",
		            strlen(l->body), LETTER_BODY_MAX);
		return false;
	}
	f->government = letter_text_clean(l->head.government, LETTER_FIELD_MAX, false);
	f->office = letter_text_clean(l->head.office, LETTER_FIELD_MAX, false);
	f->kop = letter_kop_lines(&l->head);
	f->recipient = lines_clean(l->recipient, RECIPIENT_LINES_MAX);
	f->city = letter_text_clean(l->city, LETTER_FIELD_MAX, false);
	f->number = letter_text_clean(l->number, LETTER_FIELD_MAX, false);
	f->nature = part_clean(l->nature);
	f->attachment =
	    letter_text_clean(l->attachment ? l->attachment : "-", LETTER_FIELD_MAX, false);
	f->subject = letter_text_clean(l->subject, LETTER_FIELD_MAX, false);
	f->body = letter_text_clean(l->body, LETTER_BODY_MAX, true);
	f->position = letter_text_clean(l->signer_position, LETTER_FIELD_MAX, false);
	f->name = letter_text_clean(l->signer_name, LETTER_FIELD_MAX, false);
	f->rank = part_clean(l->signer_rank);
	f->date = letter_date_text(l->date, l->tz);

	if (!*f->government && !*f->office)
		return invalid(error, "letterhead (kop surat): neither government nor office");
	if (!*f->city)
		return invalid(error, "city for the date line");
	if (!f->date)
		return invalid(error, "date that a calendar can show");
	if (!*f->number)
		return invalid(error, "number (Nomor)");
	if (!*f->subject)
		return invalid(error, "subject (Hal)");
	if (!f->recipient[0] || !*f->recipient[0])
		return invalid(error, "recipient (Yth.)");
	if (!f->body[strspn(f->body, " \n")])
		return invalid(error, "body");
	if (!*f->position)
		return invalid(error, "signer's position");
	if (!*f->name)
		return invalid(error, "signer's name");
	if (l->signer_nip) {
		f->nip = letter_nip_format(l->signer_nip);
		if (!f->nip) {
			g_autofree char *shown = letter_text_clean(l->signer_nip, 40, false);
			g_set_error(error, DISPO_LETTER_ERROR, DISPO_LETTER_ERROR_INVALID,
			            "the signer's NIP '%s' is not 18 digits", shown);
			return false;
		}
	}
	return true;
}
