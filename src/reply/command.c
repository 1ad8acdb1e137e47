/* SPDX-License-Identifier: GPL-3.0-or-later */
/* command.c: which command word an official's reply carries, and what they
 * wrote after it, with the greetings and politeness of Indonesian office
 * mail around it; anything doubtful is unclear rather than guessed. */
#include "config.h"

#include "reply/reply.h"

#include <string.h>

/* Words of a line looked at for greetings and commands: a bound on the
 * work per line, far beyond any greeting. */
#define LINE_WORDS 64
/* A line that greets and says nothing else is at most this long. */
#define GREETING_WORDS 8

typedef struct {
	const char *start;
	size_t len;
	bool clause; /* the first word of the line or after , . ; : ! ? */
} cmd_word;

typedef struct {
	cmd_word w[LINE_WORDS];
	size_t n;
} cmd_line;

typedef struct {
	const char *const *words;
	const char *const *canon;
} cmd_vocab;

static bool
char_word(gunichar c)
{
	return g_unichar_isalnum(c);
}

/* Splits one line (to its \n) into words: runs of letters and digits, an
 * apostrophe between letters included ("assalamu'alaikum"). */
static void
line_words(const char *p, cmd_line *out)
{
	bool clause = true;

	out->n = 0;
	while (*p && *p != '\n' && out->n < LINE_WORDS) {
		gunichar c = g_utf8_get_char(p);
		if (!char_word(c)) {
			if (strchr(",.;:!?", *p))
				clause = true;
			p = g_utf8_next_char(p);
			continue;
		}
		cmd_word *w = &out->w[out->n++];
		w->start = p;
		w->clause = clause;
		clause = false;
		while (*p && *p != '\n') {
			const char *next = g_utf8_next_char(p);
			c = g_utf8_get_char(p);
			if (char_word(c)) {
				p = next;
				continue;
			}
			if ((c == '\'' || c == 0x2019) && *next &&
			    char_word(g_utf8_get_char(next))) {
				p = next;
				continue;
			}
			break;
		}
		w->len = (size_t)(p - w->start);
	}
}

static bool
word_is(const cmd_word *w, const char *s)
{
	return strlen(s) == w->len && g_ascii_strncasecmp(w->start, s, w->len) == 0;
}

/* The index in the vocabulary of the command word w, or -1. */
static int
word_command(const cmd_vocab *v, const cmd_word *w)
{
	for (int i = 0; v->words[i]; i++)
		if (word_is(w, v->words[i]))
			return i;
	return -1;
}

/* Phrases that open a line before the command, as lower-case words. */
static const char *const greetings[][4] = {
    {"yth"},
    {"kepada", "yth"},
    {"kpd", "yth"},
    {"kepada", "yang", "terhormat"},
    {"yang", "terhormat"},
    {"dengan", "hormat"},
    {"selamat", "pagi"},
    {"selamat", "siang"},
    {"selamat", "sore"},
    {"selamat", "malam"},
    {"met", "pagi"},
    {"assalamualaikum"},
    {"assalamu'alaikum"},
    {"assalamu’alaikum"},
    {"assalamu", "alaikum"},
    {"asalamualaikum"},
    {"salam", "sejahtera"},
    {"salam"},
    {"om", "swastiastu"},
    {"shalom"},
    {"halo"},
    {"hallo"},
    {"hai"},
    {"hi"},
    {"hello"},
    {"dear"},
    {"good", "morning"},
    {"good", "afternoon"},
    {"good", "evening"},
    {"pagi"},
    {"siang"},
    {"sore"},
    {"malam"},
};

/* Acknowledgements: alone they decide nothing ("ok", "baik pak", "siap"),
 * but "Ok, setuju" is an approval. */
static const char *const acks[][4] = {
    {"ok"}, {"oke"}, {"okay"}, {"okey"}, {"oce"},   {"baik"},          {"siap"},
    {"ya"}, {"iya"}, {"yes"},  {"sip"},  {"noted"}, {"mohon", "maaf"}, {"maaf"},
};

/* Whom a greeting addresses, and what follows "Assalamualaikum". */
static const char *const addressees[] = {
    "pak",         "bu",         "bapak",    "ibu",  "bpk",   "sdr", "sdri", "saudara",
    "saudari",     "mas",        "mbak",     "kak",  "admin", "tim", "team", "all",
    "semua",       "rekan",      "rekan2",   "sir",  "madam", "wr",  "wb",   "warahmatullahi",
    "wabarakatuh", "wabarakatu", "everyone", "guys",
};

/* The number of words of a phrase from table at word i, or 0. */
static size_t
phrase_at(const cmd_line *l, size_t i, const char *const (*table)[4], size_t rows)
{
	for (size_t r = 0; r < rows; r++) {
		size_t k = 0;
		while (k < 4 && table[r][k] && i + k < l->n && word_is(&l->w[i + k], table[r][k]))
			k++;
		if (k > 0 && (k == 4 || !table[r][k]))
			return k;
	}
	return 0;
}

static bool
word_addressee(const cmd_word *w)
{
	for (size_t i = 0; i < G_N_ELEMENTS(addressees); i++)
		if (word_is(w, addressees[i]))
			return true;
	return false;
}

typedef enum {
	LINE_NOTHING,  /* meaningful text without a command */
	LINE_GREETING, /* a greeting and whom it addresses, nothing else */
	LINE_FOUND,    /* a command at *at */
	LINE_QUESTION, /* a command asked back ("Setuju?") */
} line_result;

/* Decoration that may close around a command word ("**SETUJU**",
 * "[SETUJU]", "'SETUJU'"). */
static const char *
skip_closing(const char *p)
{
	while (*p && *p != '\n') {
		gunichar c = g_utf8_get_char(p);
		if (!strchr("*])}_~`\"'>", *p) && c != 0x201D && c != 0x2019 && c != 0xBB)
			break;
		p = g_utf8_next_char(p);
	}
	return p;
}

static const char *
skip_blanks(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

static bool
asked_back(const cmd_word *w)
{
	return *skip_blanks(skip_closing(w->start + w->len)) == '?';
}

/* Skips greetings, acknowledgements and addressees from word i. */
static size_t
skip_politeness(const cmd_line *l, size_t i, bool *greeted, bool *acked)
{
	for (;;) {
		size_t k;
		if (i >= l->n)
			return i;
		if ((k = phrase_at(l, i, greetings, G_N_ELEMENTS(greetings))) > 0) {
			*greeted = true;
			i += k;
		} else if ((k = phrase_at(l, i, acks, G_N_ELEMENTS(acks))) > 0) {
			*acked = true;
			i += k;
		} else if ((*greeted || *acked) && word_addressee(&l->w[i])) {
			i++;
		} else {
			return i;
		}
	}
}

/* What the line says: the command as its first word, or after greetings and
 * acknowledgements at the start of a clause of the same line. */
static line_result
line_command(const cmd_vocab *v, const cmd_line *l, size_t *at)
{
	bool greeted = false;
	bool acked = false;
	size_t i;

	if (l->n == 0)
		return LINE_NOTHING; /* 👍, "…", "?" */
	i = skip_politeness(l, 0, &greeted, &acked);
	if (i < l->n && word_command(v, &l->w[i]) >= 0) {
		*at = i;
		return asked_back(&l->w[i]) ? LINE_QUESTION : LINE_FOUND;
	}
	if (!greeted && !acked)
		return LINE_NOTHING;
	/* "Yth. Bapak Kepala Dinas, setuju": after the addressee, a clause
	 * may start with the command. */
	for (size_t j = i + 1; j < l->n; j++) {
		bool g2 = false, a2 = false;
		size_t k;
		if (!l->w[j].clause)
			continue;
		k = skip_politeness(l, j, &g2, &a2);
		if (k < l->n && word_command(v, &l->w[k]) >= 0) {
			*at = k;
			return asked_back(&l->w[k]) ? LINE_QUESTION : LINE_FOUND;
		}
		acked = acked || a2;
	}
	/* A command word anywhere else ("Selamat pagi, tidak setuju") makes
	 * the line say something that is not a command. */
	for (size_t j = 0; j < l->n; j++)
		if (word_command(v, &l->w[j]) >= 0)
			return LINE_NOTHING;
	if (greeted && !acked && l->n <= GREETING_WORDS)
		return LINE_GREETING;
	return LINE_NOTHING;
}

static const char *
line_end(const char *p)
{
	const char *e = strchr(p, '\n');
	return e ? e : p + strlen(p);
}

/* U+FFFD stands for what could not be read: a NUL byte or a broken
 * character of the message (mime_part_text). It says nothing, so it never
 * makes a line meaningful nor is it an argument ("TOLAK\0" gives no reason),
 * but it does separate words: "SETUJU\0TOLAK" is two commands. */
#define UNREADABLE 0xFFFD

static bool
line_blank(const char *p, const char *e)
{
	while (p < e) {
		if (g_ascii_isspace(*p))
			p++;
		else if (g_utf8_get_char(p) == UNREADABLE)
			p = g_utf8_next_char(p);
		else
			return false;
	}
	return true;
}

/* The mirror of the decoration before the command, to drop the same
 * decoration at the end of its line ("[TOLAK NIK salah]"). */
static char
closing_of(char c)
{
	switch (c) {
	case '[': return ']';
	case '(': return ')';
	case '{': return '}';
	case '*':
	case '_':
	case '~':
	case '`':
	case '"':
	case '\'': return c;
	default: return 0;
	}
}

/* The text after the command word: the rest of its line without the
 * separators that set it off, then the following lines. */
static char *
argument_text(const char *line_start, const cmd_word *w)
{
	const char *p = skip_closing(w->start + w->len);
	const char *e = line_end(p);
	GString *s = g_string_new(NULL);
	const char *dec = skip_blanks(line_start);
	char close = dec < w->start ? closing_of(*dec) : 0;

	while (p < e) {
		gunichar c = g_utf8_get_char(p);
		if (!strchr(" \t:-,.;!=", *p) && c != 0x2013 && c != 0x2014 && c != UNREADABLE)
			break;
		p = g_utf8_next_char(p);
	}
	g_string_append_len(s, p, e - p);
	g_strchomp(s->str);
	s->len = strlen(s->str);
	while (close && s->len > 0 && s->str[s->len - 1] == close)
		g_string_truncate(s, s->len - 1);
	if (*e)
		g_string_append(s, e);
	g_strstrip(s->str);
	s->len = strlen(s->str);
	if (line_blank(s->str, s->str + s->len))
		g_string_truncate(s, 0);
	return g_string_free(s, FALSE);
}

static void
set_out(char **out, char *value)
{
	if (out)
		*out = value;
	else
		g_free(value);
}

static char *
canon_name(const cmd_vocab *v, int i)
{
	if (v->canon && v->canon[i])
		return g_strdup(v->canon[i]);
	return g_ascii_strdown(v->words[i], -1);
}

static bool
same_command(const cmd_vocab *v, int a, int b)
{
	g_autofree char *ca = canon_name(v, a);
	g_autofree char *cb = canon_name(v, b);
	return strcmp(ca, cb) == 0;
}

dispo_reply_status
reply_command_find(const char *visible, const char *const *words, const char *const *canon,
                   char **command, char **argument)
{
	const cmd_vocab v = {words, canon};
	cmd_line *l = g_new(cmd_line, 1);
	dispo_reply_status status = DISPO_REPLY_UNCLEAR;
	const char *p = visible ? visible : "";
	const char *found_line = NULL;
	size_t at = 0;
	int which = -1;

	set_out(command, NULL);
	set_out(argument, NULL);
	if (line_blank(p, p + strlen(p))) {
		g_free(l);
		return DISPO_REPLY_EMPTY;
	}
	if (!words) { /* no vocabulary: no word can be a command */
		g_free(l);
		return DISPO_REPLY_UNCLEAR;
	}
	/* The first meaningful line, past lines that only greet. */
	for (; *p; p = *line_end(p) ? line_end(p) + 1 : line_end(p)) {
		line_result r;
		if (line_blank(p, line_end(p)))
			continue;
		line_words(p, l);
		r = line_command(&v, l, &at);
		if (r == LINE_GREETING)
			continue;
		if (r == LINE_FOUND) {
			found_line = p;
			which = word_command(&v, &l->w[at]);
		}
		break;
	}
	if (!found_line) {
		g_free(l);
		return DISPO_REPLY_UNCLEAR;
	}
	status = DISPO_REPLY_COMMAND;
	{
		g_autofree char *arg = argument_text(found_line, &l->w[at]);
		/* The argument's first word and every later line's first word
		 * must not be another command. */
		for (const char *q = arg; *q && status == DISPO_REPLY_COMMAND;
		     q = *line_end(q) ? line_end(q) + 1 : line_end(q)) {
			int other;
			line_words(q, l);
			if (l->n == 0)
				continue;
			other = word_command(&v, &l->w[0]);
			if (other >= 0 && !same_command(&v, which, other))
				status = DISPO_REPLY_CONFLICT;
		}
		if (status == DISPO_REPLY_COMMAND) {
			set_out(command, canon_name(&v, which));
			set_out(argument, g_steal_pointer(&arg));
		}
	}
	g_free(l);
	return status;
}

const char *
reply_status_name(dispo_reply_status status)
{
	switch (status) {
	case DISPO_REPLY_COMMAND: return "command";
	case DISPO_REPLY_EMPTY: return "empty";
	case DISPO_REPLY_UNCLEAR: return "unclear";
	case DISPO_REPLY_CONFLICT: return "conflict";
	}
	return "unknown";
}
