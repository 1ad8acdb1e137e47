/* SPDX-License-Identifier: GPL-3.0-or-later */
/* received.c: a Received: trace field (RFC 5321 section 4.4) read far enough
 * to tell which host wrote it and whether that host saw an authenticated
 * submission (RFC 3848, Postfix smtpd_sasl_authenticated_header). */
#include "config.h"

#include "policy/policy.h"

#include <string.h>

/* Real fields are a few hundred bytes; a hostile one stays cheap. */
#define RECEIVED_MAX_LEN    (16 << 10)
#define RECEIVED_MAX_TOKENS 256

typedef enum {
	TOK_WORD,    /* atom or dot-atom: from, mx.kuduskab.go.id, ESMTPSA */
	TOK_COMMENT, /* (…), the text inside, outer parentheses removed */
	TOK_OTHER,   /* <angle-addr>, "quoted", [literal]: values, never keywords */
} tok_kind;

typedef struct {
	tok_kind kind;
	char *text;
} token;

static void
token_clear(token *t)
{
	g_free(t->text);
}

/* Reads one delimited run starting at *p (open is *p), honouring quoted
 * pairs, quoted strings inside angle brackets and nested comments; false
 * when it does not close. */
static bool
read_delimited(const char **p, const char *end, char open, char close)
{
	const char *s = *p + 1;
	size_t depth = 1;
	bool quoted = false;

	while (s < end) {
		char ch = *s++;
		if (ch == '\\' && s < end) {
			s++;
			continue;
		}
		if (quoted) {
			quoted = ch != '"';
			continue;
		}
		if (ch == '"' && open != '"' && open != '(') {
			quoted = true;
		} else if (ch == close && (open != close || depth == 1)) {
			if (--depth == 0) {
				*p = s;
				return true;
			}
		} else if (ch == open && open == '(') {
			depth++;
		}
	}
	return false;
}

/* The name-val list before the ';' that starts the date, as tokens. NULL
 * when the field does not read (an unclosed comment or quote, too long). */
static GArray *
tokenize(const char *value)
{
	g_autoptr(GArray) toks = g_array_new(false, true, sizeof(token));
	const char *p = value, *end;

	g_array_set_clear_func(toks, (GDestroyNotify)token_clear);
	end = value + strlen(value);
	while (p < end) {
		token t = {TOK_WORD, NULL};
		const char *b = p;

		if (g_ascii_isspace(*p)) {
			p++;
			continue;
		}
		if (*p == ';')
			break;
		if (toks->len >= RECEIVED_MAX_TOKENS)
			return NULL;
		switch (*p) {
		case '(':
			if (!read_delimited(&p, end, '(', ')'))
				return NULL;
			t.kind = TOK_COMMENT;
			t.text = g_strstrip(g_strndup(b + 1, p - b - 2));
			break;
		case '<':
		case '"':
		case '[':
			if (!read_delimited(&p, end, *p, *p == '<' ? '>' : *p == '[' ? ']' : '"'))
				return NULL;
			t.kind = TOK_OTHER;
			t.text = g_strndup(b, p - b);
			break;
		case ')':
		case '>':
		case ']':
			return NULL;
		default:
			while (p < end && !g_ascii_isspace(*p) && !strchr("();<>\"[]", *p))
				p++;
			t.text = g_strndup(b, p - b);
			break;
		}
		g_array_append_val(toks, t);
	}
	return g_steal_pointer(&toks);
}

static bool
is_keyword(const token *t, const char *kw)
{
	return t->kind == TOK_WORD && g_ascii_strcasecmp(t->text, kw) == 0;
}

/* RFC 3848: ESMTPA, ESMTPSA, LMTPA, LMTPSA, UTF8SMTPA, UTF8SMTPSA… all say
 * the client authenticated; ESMTP and ESMTPS do not. */
static bool
protocol_authenticated(const char *with)
{
	size_t n = with ? strlen(with) : 0;

	return n > 4 && g_ascii_toupper(with[n - 1]) == 'A' &&
	       (g_ascii_strncasecmp(with, "ESMTP", 5) == 0 ||
	        g_ascii_strncasecmp(with, "LMTP", 4) == 0 ||
	        g_ascii_strncasecmp(with, "UTF8SMTP", 8) == 0 ||
	        g_ascii_strncasecmp(with, "UTF8LMTP", 8) == 0);
}

void
policy_received_free(dispo_received *r)
{
	if (!r)
		return;
	g_free(r->from);
	g_free(r->by);
	g_free(r->with);
	g_free(r->auth_sender);
	g_free(r);
}

static char *
host_text(const token *t)
{
	char *h = g_ascii_strdown(t->text, -1);
	size_t n = strlen(h);

	if (n > 1 && h[n - 1] == '.')
		h[n - 1] = '\0';
	return h;
}

dispo_received *
policy_received_parse(const char *value)
{
	g_autoptr(GArray) toks = NULL;
	dispo_received *r;
	guint i = 0, by_at;

	if (!value || strlen(value) > RECEIVED_MAX_LEN || !(toks = tokenize(value)))
		return NULL;
	r = g_new0(dispo_received, 1);
#define TOK(k) (&g_array_index(toks, token, (k)))
	/* The clauses come in the order RFC 5321 gives them; a keyword is only
	 * a keyword where its clause may start, so a host called "by" in a
	 * from clause (or a word in a comment) is never taken for one. */
	while (i < toks->len && TOK(i)->kind == TOK_COMMENT)
		i++;
	if (i + 1 < toks->len && is_keyword(TOK(i), "from") && TOK(i + 1)->kind != TOK_COMMENT) {
		r->from = host_text(TOK(i + 1));
		i += 2;
	}
	while (i < toks->len && TOK(i)->kind == TOK_COMMENT)
		i++;
	by_at = i;
	if (i + 1 < toks->len && is_keyword(TOK(i), "by") && TOK(i + 1)->kind != TOK_COMMENT) {
		r->by = host_text(TOK(i + 1));
		i += 2;
	}
	for (; r->by && i < toks->len; i++) {
		if (is_keyword(TOK(i), "with") && i + 1 < toks->len &&
		    TOK(i + 1)->kind == TOK_WORD) {
			r->with = g_strdup(TOK(i + 1)->text);
			break;
		}
		/* with comes before id and for; past them it is not there */
		if (is_keyword(TOK(i), "id") || is_keyword(TOK(i), "for"))
			break;
	}
	/* Postfix writes "(Authenticated sender: user)" as the last comment of
	 * the from clause, right before "by"; the client's HELO name (which
	 * Postfix neutralizes anyway) and its host name come earlier, so
	 * nothing the client says can sit in that place. */
	if (r->by && by_at > 0 && TOK(by_at - 1)->kind == TOK_COMMENT &&
	    protocol_authenticated(r->with)) {
		const char *c = TOK(by_at - 1)->text;
		static const char prefix[] = "Authenticated sender:";
		if (g_ascii_strncasecmp(c, prefix, strlen(prefix)) == 0) {
			g_autofree char *user = g_strstrip(g_strdup(c + strlen(prefix)));
			if (*user && !strpbrk(user, " \t()<>\"\\"))
				r->auth_sender = g_steal_pointer(&user);
		}
	}
#undef TOK
	return r;
}
