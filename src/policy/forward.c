/* SPDX-License-Identifier: GPL-3.0-or-later */
/* forward.c: a message forwarded inline, read from the text of the email
 * that forwards it: the header block a mail client writes above the
 * original (Gmail, Outlook, Thunderbird, Apple Mail, Yahoo, in English and
 * Indonesian) and the original's text below it. */
#include "config.h"

#include "policy/policy.h"

#include <string.h>

/* From, Sent, To, Cc, Subject and a wrapped value or two. */
#define BLOCK_LINES 12
#define LABEL_MAX   24

/* Between dashes: "---------- Forwarded message ---------", "---------- Pesan
 * terusan ---------" (Gmail), "-----Original Message-----", "-----Pesan
 * Asli-----" (Outlook), "-------- Forwarded Message --------" (Thunderbird),
 * "----- Forwarded Message -----" (Yahoo). */
static const char *const markers[] = {
    "forwarded message", "original message",      "pesan terusan",    "pesan asli",
    "pesan orisinal",    "pesan yang diteruskan", "pesan diteruskan", NULL,
};
/* Before a colon: "Begin forwarded message:" (Apple Mail), "Awal pesan
 * yang diteruskan:" (its Indonesian). */
static const char *const intros[] = {
    "begin forwarded message", "awal pesan yang diteruskan",
    "pesan yang diteruskan",   "forwarded message",
    "pesan terusan",           NULL,
};

typedef enum { LABEL_NONE, LABEL_FROM, LABEL_DATE, LABEL_SUBJECT, LABEL_OTHER } label_kind;

static const struct {
	const char *word;
	label_kind kind;
} labels[] = {
    {"from", LABEL_FROM},        {"dari", LABEL_FROM},         {"pengirim", LABEL_FROM},
    {"date", LABEL_DATE},        {"sent", LABEL_DATE},         {"tanggal", LABEL_DATE},
    {"dikirim", LABEL_DATE},     {"terkirim", LABEL_DATE},     {"waktu", LABEL_DATE},
    {"subject", LABEL_SUBJECT},  {"subjek", LABEL_SUBJECT},    {"perihal", LABEL_SUBJECT},
    {"judul", LABEL_SUBJECT},    {"to", LABEL_OTHER},          {"kepada", LABEL_OTHER},
    {"untuk", LABEL_OTHER},      {"cc", LABEL_OTHER},          {"tembusan", LABEL_OTHER},
    {"bcc", LABEL_OTHER},        {"reply-to", LABEL_OTHER},    {"balas ke", LABEL_OTHER},
    {"importance", LABEL_OTHER}, {"attachments", LABEL_OTHER},
};

void
policy_inline_forward_free(dispo_inline_forward *f)
{
	if (!f)
		return;
	g_free(f->from);
	g_free(f->address);
	g_free(f->subject);
	g_free(f->date);
	g_free(f->text);
	g_free(f);
}

static const char *
skip_space(const char *s)
{
	while (*s == ' ' || *s == '\t' || *s == '\r')
		s++;
	return s;
}

static bool
line_blank(const char *s)
{
	return !*skip_space(s);
}

static bool
line_quoted(const char *s)
{
	return *skip_space(s) == '>';
}

/* ASCII letters lower-cased, runs of anything else one space, trimmed. */
static char *
words_fold(const char *s, size_t len)
{
	GString *out = g_string_new(NULL);
	bool gap = false;

	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (g_ascii_isalnum(c) || c == '-' || (unsigned char)c >= 0x80) {
			if (gap && out->len)
				g_string_append_c(out, ' ');
			gap = false;
			g_string_append_c(out, g_ascii_tolower(c));
		} else {
			gap = true;
		}
	}
	return g_string_free(out, FALSE);
}

static bool
in_list(const char *word, const char *const *list)
{
	for (; *list; list++)
		if (strcmp(word, *list) == 0)
			return true;
	return false;
}

/* "---------- Forwarded message ---------", "Begin forwarded message:". */
static bool
line_marker(const char *line)
{
	const char *p = skip_space(line);
	const char *e = p + strlen(p);
	size_t dashes = 0;
	bool colon = false;
	g_autofree char *f = NULL;

	for (; *p && strchr("-_=* ", *p); p++)
		dashes += *p != ' ';
	for (; e > p && strchr("-_=* \t\r", e[-1]); e--)
		dashes += !strchr(" \t\r", e[-1]);
	if (e > p && e[-1] == ':') {
		colon = true;
		e--;
	}
	if (e - p > 60)
		return false;
	f = words_fold(p, (size_t)(e - p));
	if (dashes >= 2 && in_list(f, markers))
		return true;
	return colon && dashes == 0 && in_list(f, intros);
}

/* Outlook's rule above its header block. */
static bool
line_rule(const char *line)
{
	const char *p = skip_space(line);
	size_t n = strspn(p, "_");

	return n >= 10 && !*skip_space(p + n);
}

/* "From: X", "*Dari:* X", "Subject: \tX": a known label before the first
 * colon, emphasis from converted HTML around it; *value is what follows. */
static label_kind
line_label(const char *line, const char **value)
{
	const char *p = skip_space(line);
	const char *colon, *e;
	g_autofree char *f = NULL;
	size_t emphasis = 0;

	for (; *p == '*' || *p == '_'; p++)
		emphasis++;
	colon = memchr(p, ':', strnlen(p, LABEL_MAX + 1));
	if (!colon)
		return LABEL_NONE;
	for (e = colon; e > p && strchr("*_ \t", e[-1]); e--)
		;
	f = words_fold(p, (size_t)(e - p));
	/* "Reply-To" folds with its dash kept; "Balas ke" with its space. */
	for (size_t i = 0; i < G_N_ELEMENTS(labels); i++) {
		if (strcmp(f, labels[i].word) != 0)
			continue;
		/* "*From:* *Budi*": the emphasis closing the label goes. */
		for (p = colon + 1; emphasis && (*p == '*' || *p == '_'); emphasis--)
			p++;
		while (*p == ' ' || *p == '\t')
			p++;
		*value = p;
		return labels[i].kind;
	}
	return LABEL_NONE;
}

static char *
value_clean(const char *v)
{
	g_autofree char *c = dispo_utf8_clean(v, -1);

	g_strdelimit(c, "\t\r\n", ' ');
	return g_strdup(g_strstrip(c));
}

/* Reads the header block at lines[i]: its From, Date and Subject into f,
 * the number of labelled lines into *count; *end is the line after it. */
static void
block_read(char **lines, size_t i, dispo_inline_forward *f, unsigned *count, size_t *end)
{
	label_kind last = LABEL_NONE;
	size_t j;

	*count = 0;
	for (j = i; lines[j] && j < i + BLOCK_LINES && !line_blank(lines[j]); j++) {
		const char *value = NULL;
		label_kind k = line_label(lines[j], &value);
		char **slot = NULL;

		if (k == LABEL_NONE) {
			/* A value the client wrapped: "From: Human Resources" then
			 * "<hr@…>" on its own line. */
			const char *p = skip_space(lines[j]);
			if (last != LABEL_FROM || !f->from ||
			    (*p != '<' && *p != '[' && !g_str_has_prefix(p, "mailto:")))
				break;
			{
				g_autofree char *more = value_clean(p);
				char *joined = g_strconcat(f->from, " ", more, NULL);
				g_free(f->from);
				f->from = joined;
			}
			last = LABEL_NONE;
			continue;
		}
		(*count)++;
		last = k;
		if (k == LABEL_FROM)
			slot = &f->from;
		else if (k == LABEL_DATE)
			slot = &f->date;
		else if (k == LABEL_SUBJECT)
			slot = &f->subject;
		if (slot && !*slot)
			*slot = value_clean(value);
		else if (k == LABEL_FROM)
			last = LABEL_NONE; /* a second From: is not continued */
	}
	*end = j;
}

/* The one address in an inline From value: inside angle brackets
 * ("Budi <budi@x>", which is what a display name cannot fake), else
 * Outlook's "[mailto:budi@x]", else the only word with an '@'. NULL when
 * there is none or there are several different ones. */
static char *
from_address(const char *from)
{
	g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func(g_free);
	const char *p;

	for (p = strchr(from, '<'); p; p = strchr(p + 1, '<')) {
		const char *close = strchr(p + 1, '>');
		const char *a = p + 1;
		if (!close)
			break;
		if (g_ascii_strncasecmp(a, "mailto:", 7) == 0)
			a += 7;
		if (memchr(a, '@', (size_t)(close - a)))
			g_ptr_array_add(found, g_strndup(a, (size_t)(close - a)));
	}
	for (p = found->len ? NULL : strstr(from, "mailto:"); p; p = strstr(p + 1, "mailto:")) {
		const char *a = p + 7;
		size_t n = strcspn(a, " \t]>;,\"'");
		if (memchr(a, '@', n))
			g_ptr_array_add(found, g_strndup(a, n));
	}
	if (!found->len) {
		g_auto(GStrv) words = g_strsplit_set(from, " \t", -1);
		for (size_t i = 0; words[i]; i++) {
			char *w = g_strstrip(words[i]);
			size_t n = strlen(w);
			while (n && strchr("\"'()[]<>,;:", w[n - 1]))
				w[--n] = '\0';
			while (*w && strchr("\"'()[]<>,;:", *w))
				w++;
			if (strchr(w, '@'))
				g_ptr_array_add(found, g_strdup(w));
		}
	}
	for (guint i = 0; i < found->len; i++) {
		const char *a = found->pdata[i];
		const char *at = strchr(a, '@');
		/* One '@' with something on both sides, nothing a header could
		 * not carry; policy_address_check judges the rest. */
		if (!at || at == a || !at[1] || strchr(at + 1, '@') || strpbrk(a, " \t<>"))
			return NULL;
		if (i > 0 && g_ascii_strcasecmp(a, found->pdata[0]) != 0)
			return NULL;
	}
	return found->len ? g_strdup(found->pdata[0]) : NULL;
}

static char *
text_from(char **lines, size_t i)
{
	g_autoptr(GString) out = g_string_new(NULL);

	while (lines[i] && line_blank(lines[i]))
		i++;
	for (; lines[i]; i++) {
		g_string_append(out, lines[i]);
		if (lines[i + 1] || *lines[i])
			g_string_append_c(out, '\n');
	}
	return g_string_free(g_steal_pointer(&out), FALSE);
}

static dispo_inline_forward *
forward_at(char **lines, size_t i)
{
	dispo_inline_forward *f = g_new0(dispo_inline_forward, 1);
	unsigned count;
	size_t end;

	block_read(lines, i, f, &count, &end);
	if (f->from)
		f->address = from_address(f->from);
	f->text = text_from(lines, end);
	return f;
}

dispo_inline_forward *
policy_inline_forward_find(const char *body, bool forwarded)
{
	g_auto(GStrv) lines = NULL;
	g_autofree char *clean = NULL;

	if (!body)
		return NULL;
	/* Valid UTF-8 without controls (CR gone), so values can go anywhere. */
	clean = dispo_utf8_clean(body, -1);
	lines = g_strsplit(clean, "\n", -1);
	for (size_t i = 0; lines[i]; i++) {
		dispo_inline_forward probe = {0};
		unsigned count;
		size_t end, j;

		if (line_quoted(lines[i]))
			continue;
		if (line_marker(lines[i])) {
			/* Apple Mail leaves a blank line under its marker. */
			for (j = i + 1; lines[j] && j <= i + 2 && line_blank(lines[j]); j++)
				;
			return forward_at(lines, lines[j] ? j : i + 1);
		}
		/* Without a marker, the same block stands above an original a
		 * reply quotes (Outlook): only the subject tells a forward. */
		if (!forwarded)
			continue;
		j = line_rule(lines[i]) && lines[i + 1] ? i + 1 : i;
		block_read(lines, j, &probe, &count, &end);
		if (probe.from && count >= 3) {
			g_free(probe.from);
			g_free(probe.date);
			g_free(probe.subject);
			return forward_at(lines, j);
		}
		g_free(probe.from);
		g_free(probe.date);
		g_free(probe.subject);
	}
	return NULL;
}
