/* SPDX-License-Identifier: GPL-3.0-or-later */
/* quotes.c: the new text of a reply: quoted lines, reply headers of the mail
 * clients officials use (Gmail, Outlook, Apple Mail, Thunderbird, Zimbra,
 * Yahoo; Indonesian and English, some other languages), forwarded blocks and
 * signatures removed. */
#include "config.h"

#include "reply/reply.h"

#include <string.h>

/* A reply header spans at most this many lines, and this many bytes: a
 * bound on the work per line whatever the input. */
#define HEADER_LINES 3
#define HEADER_MAX   600
/* A header block (From:/Sent:/…) is looked for over this many lines. */
#define BLOCK_LINES 12
/* A closing ("Salam,") is followed by at most this many lines of name and
 * position, each at most this long. */
#define CLOSING_LINES 7
#define CLOSING_WIDTH 80
/* A client's wrapped quote line is at least this long. */
#define WRAP_WIDTH 60

typedef enum {
	LINE_KEEP,
	LINE_QUOTED, /* quoted, or a wrapped piece of a quoted line */
	LINE_HEADER, /* a reply header above quoted lines */
} line_kind;

typedef struct {
	char *buf;    /* the normalised body; lines point into it */
	char **lines; /* n lines, each without its \n */
	size_t n;
	line_kind *kind;
} reply_text;

static const char *
skip_ws(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

static bool
line_blank(const char *s)
{
	return *skip_ws(s) == '\0';
}

/* ">:" alone ends a reply header whose address a client wrapped
 * ("… skrev X <x@y\n>:"); it quotes nothing. */
static bool
line_quoted(const char *s)
{
	const char *p = skip_ws(s);
	return *p == '>' && strcmp(p, ">:") != 0;
}

/* s, lower-cased for comparison, when it is short enough to be what we
 * look for; NULL otherwise. */
static char *
fold_short(const char *s, size_t len, size_t max)
{
	if (len > max)
		return NULL;
	return g_utf8_casefold(s, (gssize)len);
}

static bool
in_list(const char *folded, const char *const *list)
{
	for (; *list; list++)
		if (strcmp(folded, *list) == 0)
			return true;
	return false;
}

static bool
has_prefix_in(const char *folded, const char *const *list)
{
	for (; *list; list++)
		if (g_str_has_prefix(folded, *list))
			return true;
	return false;
}

/* CR LF and lone CR become LF; invisible spaces that HTML conversion and
 * phone keyboards leave (no-break, zero-width, BOM) become a space or go;
 * trailing blanks go, so that "-- " and "--" are the same line. */
static reply_text
text_split(const char *body)
{
	g_autofree char *valid = g_utf8_make_valid(body ? body : "", -1);
	GString *s = g_string_sized_new(strlen(valid) + 1);
	reply_text t = {0};

	for (const char *p = valid; *p;) {
		const unsigned char *u = (const unsigned char *)p;
		if (*p == '\r') {
			g_string_append_c(s, '\n');
			p += p[1] == '\n' ? 2 : 1;
		} else if (u[0] == 0xC2 && u[1] == 0xA0) { /* U+00A0 */
			g_string_append_c(s, ' ');
			p += 2;
		} else if (u[0] == 0xE2 && u[1] == 0x80 && u[2] == 0xAF) { /* U+202F */
			g_string_append_c(s, ' ');
			p += 3;
		} else if ((u[0] == 0xE2 && u[1] == 0x80 && u[2] == 0x8B) || /* U+200B */
		           (u[0] == 0xE2 && u[1] == 0x81 && u[2] == 0xA0) || /* U+2060 */
		           (u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF)) { /* U+FEFF */
			p += 3;
		} else {
			g_string_append_c(s, *p);
			p++;
		}
	}
	/* Split in place: g_strsplit() grows its array one line at a time,
	 * which sanitizer builds turn quadratic on a million empty lines. */
	t.n = 1;
	for (const char *p = s->str; *p; p++)
		t.n += *p == '\n';
	t.lines = g_new(char *, t.n + 1);
	t.buf = g_string_free(s, FALSE);
	t.lines[0] = t.buf;
	for (size_t i = 0, j = 1; t.buf[i]; i++) {
		if (t.buf[i] == '\n') {
			t.buf[i] = '\0';
			t.lines[j++] = t.buf + i + 1;
		}
	}
	t.lines[t.n] = NULL;
	for (size_t i = 0; i < t.n; i++) {
		char *l = t.lines[i];
		size_t len = strlen(l);
		while (len > 0 && (l[len - 1] == ' ' || l[len - 1] == '\t'))
			l[--len] = '\0';
	}
	t.kind = g_new0(line_kind, t.n + 1);
	return t;
}

static void
text_clear(reply_text *t)
{
	g_free(t->lines);
	g_free(t->buf);
	g_free(t->kind);
}

/* "--" (the "-- " delimiter once trailing blanks went) and a rule of
 * underscores (Outlook's line above the original, mailing-list footers). */
static bool
line_signature_start(const char *s)
{
	const char *p = skip_ws(s);

	if (strcmp(p, "--") == 0)
		return true;
	if (p[0] == '_' && p[1] == '_') {
		while (*p == '_')
			p++;
		return *p == '\0';
	}
	return false;
}

/* A line of rule characters only ("----", "====", "* * *"): what clients
 * put above an original or a header block. */
static bool
line_rule(const char *s)
{
	size_t marks = 0;

	for (const char *p = s; *p; p++) {
		if (strchr("-_=*~#", *p))
			marks++;
		else if (*p != ' ' && *p != '\t')
			return false;
	}
	return marks >= 2;
}

static const char *const mobile_prefixes[] = {
    "sent from ",
    "sent with ",
    "sent via ",
    "sent using ",
    "get outlook for ",
    "dikirim dari ",
    "dikirim melalui ",
    "dikirim menggunakan ",
    "dikirim lewat ",
    "terkirim dari ",
    "kirim dari ",
    "dapatkan outlook untuk ",
    "gesendet von ",
    "von meinem ",
    "envoyé de ",
    "envoyé depuis ",
    "envoyé à partir de ",
    "inviato da ",
    "enviado desde ",
    "enviado do ",
    "enviado de ",
    "verzonden vanaf ",
    "verzonden met ",
    "verstuurd vanaf ",
    "skickat från ",
    "sendt fra ",
    "wysłane z ",
    "отправлено с ",
    NULL,
};

/* "Sent from my iPhone", "Dikirim dari Yahoo Mail di Android", "Get Outlook
 * for iOS<https://aka.ms/…>": a short line that is only that; "Sent from my
 * desk, which is easier" is a sentence and stays. */
static bool
line_mobile_signature(const char *s)
{
	const char *p = skip_ws(s);
	size_t len = strlen(p);
	const char *lt = memchr(p, '<', len);
	g_autofree char *f = NULL;
	size_t words = 0;

	if (lt) /* the link the client appends */
		len = (size_t)(lt - p);
	f = fold_short(p, len, 120);
	if (!f || !has_prefix_in(f, mobile_prefixes))
		return false;
	if (strpbrk(f, ",;:?!()"))
		return false;
	for (char *q = f; *q;) {
		while (*q == ' ')
			q++;
		if (!*q)
			break;
		words++;
		while (*q && *q != ' ')
			q++;
	}
	return words <= 8;
}

static const char *const original_markers[] = {
    "original message",
    "pesan asli",
    "pesan orisinal",
    "forwarded message",
    "pesan yang diteruskan",
    "pesan terusan",
    "pesan diteruskan",
    "ursprüngliche nachricht",
    "weitergeleitete nachricht",
    "message d'origine",
    "message d’origine",
    "message transféré",
    "messaggio originale",
    "messaggio inoltrato",
    "oorspronkelijk bericht",
    "doorgestuurd bericht",
    "mensagem original",
    "mensagem encaminhada",
    "mensaje original",
    "mensaje reenviado",
    "oprindelig besked",
    "oprindelig meddelelse",
    "videresendt besked",
    "opprinnelig melding",
    "videresendt melding",
    "ursprungligt meddelande",
    "vidarebefordrat meddelande",
    "alkuperäinen viesti",
    "välitetty viesti",
    "wiadomość oryginalna",
    "oryginalna wiadomość",
    "przekazana wiadomość",
    "исходное сообщение",
    "пересылаемое сообщение",
    NULL,
};

/* Said in a sentence ending with a colon rather than between dashes. */
static const char *const forward_intros[] = {
    "begin forwarded message",
    "awal pesan yang diteruskan",
    "pesan yang diteruskan",
    "pesan terusan",
    "forwarded message",
    "original message",
    "pesan asli",
    NULL,
};

/* "-----Original Message-----", "----- Pesan Asli -----", "---------- Forwarded
 * message ---------", "Begin forwarded message:". */
static bool
line_original_marker(const char *s)
{
	const char *p = skip_ws(s);
	const char *e = p + strlen(p);
	size_t dashes = 0;
	bool colon = false;
	g_autofree char *f = NULL;

	while (*p && strchr("-_=*~ ", *p)) {
		dashes += *p != ' ';
		p++;
	}
	while (e > p && strchr("-_=*~ ", e[-1])) {
		dashes += e[-1] != ' ';
		e--;
	}
	if (e > p && e[-1] == ':') {
		colon = true;
		e--;
	}
	f = fold_short(p, (size_t)(e - p), 60);
	if (!f)
		return false;
	if (dashes >= 2 && in_list(f, original_markers))
		return true;
	return colon && in_list(f, forward_intros);
}

/* Labels of the header block a client puts above an unquoted original. */
static const char *const sender_labels[] = {
    "from", "dari", "pengirim", "von",       "de",        "da",         "van", "fra",
    "från", "od",   "от",       "lähettäjä", "remitente", "expéditeur", NULL,
};
static const char *const other_labels[] = {
    "sent",    "date",       "to",         "cc",        "bcc",
    "subject", "reply-to",   "dikirim",    "terkirim",  "tanggal",
    "waktu",   "kepada",     "ke",         "untuk",     "tembusan",
    "perihal", "subjek",     "judul",      "balas ke",  "gesendet",
    "an",      "betreff",    "datum",      "envoyé",    "envoyé le",
    "à",       "a",          "objet",      "copie à",   "message du",
    "inviato", "oggetto",    "verzonden",  "aan",       "onderwerp",
    "enviado", "enviada",    "enviado el", "para",      "assunto",
    "asunto",  "sendt",      "til",        "emne",      "dato",
    "skickat", "till",       "ämne",       "wysłano",   "wysłane",
    "do",      "temat",      "data",       "lähetetty", "vastaanottaja",
    "aihe",    "отправлено", "кому",       "тема",      "дата",
    "kopie",   "kopio",      NULL,
};

typedef enum { LABEL_NONE, LABEL_SENDER, LABEL_OTHER } label_kind;

/* "From: X", "*Dari:* X", "Envoyé le :jeudi": the text before the first
 * colon, without emphasis, is a header label. */
static label_kind
line_label(const char *s)
{
	const char *p = skip_ws(s);
	const char *colon;
	const char *e;
	g_autofree char *f = NULL;

	while (*p == '*' || *p == '_')
		p++;
	colon = memchr(p, ':', strnlen(p, 40));
	if (!colon)
		return LABEL_NONE;
	e = colon;
	while (e > p && strchr("*_ \t", e[-1]))
		e--;
	f = fold_short(p, (size_t)(e - p), 40);
	if (!f || !*f)
		return LABEL_NONE;
	if (in_list(f, sender_labels))
		return LABEL_SENDER;
	return in_list(f, other_labels) ? LABEL_OTHER : LABEL_NONE;
}

/* A header block starts at line i: a sender label and at least two other
 * labels on consecutive lines, or one other with an address among them.
 * "Dari: Budi" alone in what an official wrote is not one. A value that a
 * client wrapped ("From: Human Resources\n<hr@…>") may take one line. */
static bool
block_at(const reply_text *t, size_t i)
{
	size_t labels = 0;
	bool sender = false;
	bool address = false;
	size_t loose = 0;

	if (line_label(t->lines[i]) == LABEL_NONE)
		return false;
	for (size_t j = i; j < t->n && j < i + BLOCK_LINES; j++) {
		const char *l = t->lines[j];
		label_kind k = line_label(l);
		if (line_blank(l) || t->kind[j] != LINE_KEEP)
			break;
		if (k == LABEL_NONE) {
			const char *p = skip_ws(l);
			if (loose || (*p != '<' && *p != '[' && !g_str_has_prefix(p, "mailto:")))
				break;
			loose++;
		} else {
			labels++;
			sender = sender || k == LABEL_SENDER;
			loose = 0;
		}
		address = address || strchr(l, '@');
	}
	return sender && (labels >= 3 || (labels == 2 && address));
}

static const char *const header_verbs[] = {
    "wrote",    "writes",     "menulis", "schrieb",  "a écrit",    "ha scritto",  "escribió",
    "escreveu", "skrev",      "napisał", "napisała", "napisał(a)", "kirjoitti",   "написал",
    "написала", "написал(а)", "schreef", "scrisse",  "écrit",      "geschrieben", NULL,
};
/* Words that begin a reply header in the languages above ("On …", "Pada …"),
 * for headers that lost their colon ("On … wrote", "---- On … wrote ----"). */
static const char *const header_openers[] = {
    "on ", "pada ", "le ",  "am ",     "il ",   "in data ", "op ",
    "em ", "el ",   "den ", "w dniu ", "dnia ", NULL,
};

static bool
ends_with_word(const char *f, size_t len, const char *word)
{
	size_t wl = strlen(word);
	const char *start;

	if (wl > len || memcmp(f + len - wl, word, wl) != 0)
		return false;
	start = f + len - wl;
	if (start == f)
		return false; /* the verb alone is no header */
	/* "<x@y>wrote:" glued by some clients */
	return start[-1] == ' ' || start[-1] == '>' || start[-1] == ')' || start[-1] == '"';
}

/* A time ("10.00", "16:32") in the first len bytes of s, or with year, a
 * four-digit year: what every client's reply header carries, and what
 * "Hubungi Budi <budi1@x.id>:" in an official's text does not. */
static bool
has_time(const char *s, size_t len, bool year)
{
	for (size_t i = 0; i < len;) {
		size_t run = 0;
		while (i + run < len && g_ascii_isdigit(s[i + run]))
			run++;
		if (run == 0) {
			i++;
			continue;
		}
		if (year && run == 4)
			return true;
		if (run <= 2 && i + run + 2 < len && (s[i + run] == ':' || s[i + run] == '.') &&
		    g_ascii_isdigit(s[i + run + 1]) && g_ascii_isdigit(s[i + run + 2]))
			return true;
		i += run;
	}
	return false;
}

/* text is one reply header: "On Mon, 23 Nov 2026 at 10:00, X <x@y> wrote:",
 * "Pada tanggal Sen, 23 Nov 2026 pukul 10.00 X <x@y> menulis:", "Le … a
 * écrit :", or a date and an address ending in ">:" ("2017-11-24 16:32
 * GMT+01:00 X <x@y>:"). A date or an address must be in it. */
static bool
header_text(const char *text)
{
	const char *p = skip_ws(text);
	const char *e = p + strlen(p);
	bool colon = false;
	g_autofree char *f = NULL;
	size_t len;

	while (*p == '-' || *p == ' ')
		p++;
	while (e > p && (e[-1] == '-' || e[-1] == ' '))
		e--;
	if (e > p && e[-1] == ':') {
		colon = true;
		e--;
		while (e > p && e[-1] == ' ')
			e--;
	}
	if (e - p < 8 || !strpbrk(p, "0123456789@"))
		return false;
	f = fold_short(p, (size_t)(e - p), HEADER_MAX);
	if (!f)
		return false;
	len = strlen(f);
	if (colon && f[len - 1] == '>' && strchr(f, '@'))
		return has_time(f, strrchr(f, '<') ? (size_t)(strrchr(f, '<') - f) : len, false);
	for (size_t i = 0; header_verbs[i]; i++)
		if (ends_with_word(f, len, header_verbs[i]))
			return (colon || has_prefix_in(f, header_openers)) &&
			       (strchr(f, '@') || has_time(f, len, true));
	return false;
}

/* The line may begin a reply header of its own: a date or an opener. A
 * line above it is then text, not the header's first line. */
static bool
header_starts(const char *s)
{
	const char *p = skip_ws(s);
	g_autofree char *f = NULL;

	if (g_ascii_isdigit(*p))
		return true;
	f = fold_short(p, strnlen(p, 16), 16);
	return f && has_prefix_in(f, header_openers);
}

/* The number of lines (1 to max) of a reply header that starts at line i,
 * or 0. A header that a client wrapped is joined back; a line of text
 * above a header is not taken into it. */
static size_t
header_span(const reply_text *t, size_t i, size_t max)
{
	GString *joined = g_string_new(NULL);
	size_t found = 0;

	for (size_t k = 1; k <= max && i + k <= t->n; k++) {
		const char *l = t->lines[i + k - 1];
		if (line_blank(l) || t->kind[i + k - 1] != LINE_KEEP)
			break;
		if (strlen(l) > HEADER_MAX || joined->len + strlen(l) > HEADER_MAX)
			break;
		if (k == 2) {
			/* A header's first line holds its date or address and
			 * does not end a sentence. */
			const char *first = t->lines[i];
			size_t fl = strlen(first);
			if (!strpbrk(first, "0123456789@<") || strchr(".!?", first[fl - 1]))
				break;
		}
		if (k > 1)
			g_string_append_c(joined, ' ');
		g_string_append(joined, skip_ws(l));
		if (header_text(joined->str)) {
			if (k == 1 || !header_starts(t->lines[i + 1]) ||
			    header_span(t, i + 1, k - 1) == 0)
				found = k;
			break;
		}
	}
	g_string_free(joined, TRUE);
	return found;
}

/* Unprefixed lines wedged between two quoted lines, the first one long and
 * the wedged text not starting a sentence, are the client's wrapping of a
 * quoted line ("> … pharetra d\nignissim odio?\n>"), not an inline answer. */
static void
text_mark_quotes(reply_text *t)
{
	for (size_t i = 0; i < t->n; i++)
		if (line_quoted(t->lines[i]))
			t->kind[i] = LINE_QUOTED;
	for (size_t i = 1; i < t->n; i++) {
		size_t end = i;
		const char *first;
		if (t->kind[i] != LINE_KEEP || t->kind[i - 1] != LINE_QUOTED ||
		    strlen(t->lines[i - 1]) < WRAP_WIDTH)
			continue;
		while (end < t->n && t->kind[end] == LINE_KEEP && !line_blank(t->lines[end]))
			end++;
		first = t->lines[i];
		if (end > i && end < t->n && t->kind[end] == LINE_QUOTED &&
		    !g_unichar_isupper(g_utf8_get_char(first)))
			for (size_t j = i; j < end; j++)
				t->kind[j] = LINE_QUOTED;
		i = end;
	}
}

/* Where the new text ends: the first line from which everything is old
 * text or signature. Reply headers above quoted lines are marked and
 * skipped, so that text below a quote (bottom-posting) stays. */
static size_t
text_find_cut(reply_text *t)
{
	size_t cut = t->n;

	for (size_t i = 0; i < t->n; i++) {
		const char *l = t->lines[i];
		size_t k;
		if (t->kind[i] != LINE_KEEP || line_blank(l))
			continue;
		if (line_signature_start(l) || line_mobile_signature(l) ||
		    line_original_marker(l) || block_at(t, i)) {
			cut = i;
			break;
		}
		k = header_span(t, i, HEADER_LINES);
		if (k > 0) {
			size_t j = i + k;
			while (j < t->n && line_blank(t->lines[j]))
				j++;
			if (j < t->n && t->kind[j] == LINE_QUOTED) {
				for (size_t m = i; m < i + k; m++)
					t->kind[m] = LINE_HEADER;
				i += k - 1;
				continue;
			}
			cut = i;
			break;
		}
	}
	/* The rule or blank lines a client puts above what was cut. */
	while (cut > 0 && cut < t->n &&
	       (line_blank(t->lines[cut - 1]) || line_rule(t->lines[cut - 1])))
		cut--;
	return cut;
}

static const char *const closings[] = {
    "salam",
    "salam hormat",
    "hormat saya",
    "hormat kami",
    "terima kasih",
    "terimakasih",
    "trims",
    "tabik",
    "wassalam",
    "wassalamualaikum",
    "wassalamu'alaikum",
    "wassalamualaikum wr wb",
    "wassalamualaikum wr. wb",
    "wassalamu'alaikum wr. wb",
    "wassalamualaikum warahmatullahi wabarakatuh",
    "wassalamu'alaikum warahmatullahi wabarakatuh",
    "regards",
    "best regards",
    "kind regards",
    "warm regards",
    "warmest regards",
    "best wishes",
    "thanks and regards",
    "thanks & regards",
    "sincerely",
    "yours sincerely",
    "sincerely yours",
    "yours truly",
    "respectfully",
    "cheers",
    "thanks",
    "thank you",
    "many thanks",
    "mit freundlichen grüßen",
    "cordialement",
    "cordiali saluti",
    "met vriendelijke groet",
    "atenciosamente",
    "saludos",
    NULL,
};

/* "Salam,", "Hormat saya", "Best regards," on a line of its own. */
static bool
line_closing(const char *s)
{
	const char *p = skip_ws(s);
	const char *e = p + strlen(p);
	g_autofree char *f = NULL;

	/* trailing punctuation and emoji ("Cheers 🎉") */
	while (e > p) {
		const char *prev = g_utf8_find_prev_char(p, e);
		gunichar c = prev ? g_utf8_get_char(prev) : 0;
		if (!prev || g_unichar_isalnum(c))
			break;
		e = prev;
	}
	f = fold_short(p, (size_t)(e - p), 60);
	return f && in_list(f, closings);
}

/* A closing with text above it and one to seven short lines (name,
 * position, unit) below it, to the cut, starts the signature. */
static size_t
text_find_closing(const reply_text *t, size_t cut)
{
	bool text_above = false;

	for (size_t i = 0; i < cut; i++) {
		size_t below = 0;
		bool short_lines = true;
		if (t->kind[i] != LINE_KEEP || line_blank(t->lines[i]))
			continue;
		if (!text_above || !line_closing(t->lines[i])) {
			text_above = true;
			continue;
		}
		for (size_t j = i + 1; j < cut && short_lines; j++) {
			if (t->kind[j] != LINE_KEEP || line_blank(t->lines[j]))
				continue;
			below++;
			short_lines =
			    below <= CLOSING_LINES && strlen(t->lines[j]) <= CLOSING_WIDTH;
		}
		if (short_lines && below >= 1)
			return i;
	}
	return cut;
}

char *
reply_visible_text(const char *body)
{
	reply_text t = text_split(body);
	GString *out = g_string_new(NULL);
	size_t cut;
	size_t blanks = 0;
	bool removed = false;

	text_mark_quotes(&t);
	cut = text_find_cut(&t);
	cut = text_find_closing(&t, cut);
	/* Blank lines are written when text follows them; where lines were
	 * removed in between, one blank line stands for the gap. */
	for (size_t i = 0; i < cut; i++) {
		const char *l = t.lines[i];
		if (t.kind[i] != LINE_KEEP) {
			removed = true;
			continue;
		}
		if (line_blank(l)) {
			blanks++;
			continue;
		}
		if (out->len > 0) {
			size_t n = removed ? MIN(blanks, 1) : blanks;
			g_string_append_c(out, '\n');
			for (size_t b = 0; b < n; b++)
				g_string_append_c(out, '\n');
		}
		g_string_append(out, l);
		blanks = 0;
		removed = false;
	}
	text_clear(&t);
	g_strstrip(out->str);
	out->len = strlen(out->str);
	return g_string_free(out, FALSE);
}
