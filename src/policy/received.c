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
		case ']': return NULL;
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
	g_free(r->from_address);
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

/* A host as an MTA writes it: a dot-atom of letters, digits, '-' and '_'
 * (a name; Windows machines send underscores), or, where the client is
 * named, one whole address literal. Anything else — a HELO of "[]by[]x"
 * splits into several tokens, Postfix writes '?' for the characters it
 * neutralizes — makes the field unreadable rather than misread. */
static bool
host_valid(const token *t, bool literal_ok)
{
	const char *s = t->text;
	size_t n = strlen(s);

	if (t->kind == TOK_OTHER)
		return literal_ok && n > 2 && s[0] == '[' && s[n - 1] == ']' &&
		       (strspn(s + 1, "0123456789abcdefABCDEF.:") == n - 2 ||
		        (g_ascii_strncasecmp(s + 1, "IPv6:", 5) == 0 &&
		         strspn(s + 6, "0123456789abcdefABCDEF.:") == n - 7));
	if (t->kind != TOK_WORD || !*s || *s == '.' || *s == '-')
		return false;
	for (; *s; s++)
		if (!g_ascii_isalnum(*s) && !strchr("-_.", *s))
			return false;
	return true;
}

/* The client's address the receiving MTA saw, from the first comment after
 * the from host ("(localhost [127.0.0.1])", "([10.1.1.5])", Exchange's
 * "(10.1.1.5)"): the MTA writes it, never the client. NULL when none. */
static char *
client_address(const char *comment)
{
	const char *open = strrchr(comment, '[');
	const char *close = open ? strchr(open, ']') : NULL;
	size_t n;

	if (open && close)
		return g_ascii_strdown(open + 1, close - open - 1);
	n = strlen(comment);
	if (n && strspn(comment, "0123456789.:abcdefABCDEF") == n && strchr(comment, '.'))
		return g_ascii_strdown(comment, -1);
	return NULL;
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
	if (i < toks->len && is_keyword(TOK(i), "from")) {
		/* One host, then the MTA's comment or "by": nothing the client
		 * named itself may stand between them. */
		if (i + 2 >= toks->len || !host_valid(TOK(i + 1), true) ||
		    (TOK(i + 2)->kind != TOK_COMMENT && !is_keyword(TOK(i + 2), "by")))
			goto unreadable;
		r->from = host_text(TOK(i + 1));
		i += 2;
		if (TOK(i)->kind == TOK_COMMENT)
			r->from_address = client_address(TOK(i)->text);
	}
	while (i < toks->len && TOK(i)->kind == TOK_COMMENT)
		i++;
	by_at = i;
	if (i < toks->len && is_keyword(TOK(i), "by")) {
		if (i + 1 >= toks->len || !host_valid(TOK(i + 1), false))
			goto unreadable;
		r->by = host_text(TOK(i + 1));
		i += 2;
	} else if (r->from) {
		goto unreadable; /* a from clause must be followed by by */
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
unreadable:
	policy_received_free(r);
	return NULL;
}
