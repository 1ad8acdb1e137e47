/* SPDX-License-Identifier: GPL-3.0-or-later */
/* authres.c: Authentication-Results fields (RFC 8601) read, and whether the
 * trusted receiving host saw DMARC pass or an aligned DKIM pass. */
#include "config.h"

#include "policy/policy.h"

#include <idn2.h>
#include <string.h>

/* Real fields are well under 2 KB with a handful of results; these bounds
 * only keep hostile ones cheap. */
#define AUTHRES_MAX_LEN        (64 << 10)
#define AUTHRES_MAX_RESULTS    64
#define AUTHRES_MAX_PROPERTIES 32

typedef struct {
	const char *p;
	const char *end;
	bool bad;
} cursor;

static bool
at_end(const cursor *c)
{
	return c->bad || c->p >= c->end;
}

static bool
peek(const cursor *c, char ch)
{
	return !at_end(c) && *c->p == ch;
}

/* Whitespace and comments, nested, with quoted pairs; quotes inside a
 * comment are ordinary text (RFC 5322 ctext). An unclosed comment makes
 * the field unreadable. */
static void
skip_cfws(cursor *c)
{
	while (!at_end(c)) {
		if (g_ascii_isspace(*c->p)) {
			c->p++;
			continue;
		}
		if (*c->p != '(')
			return;
		size_t depth = 0;
		while (c->p < c->end) {
			char ch = *c->p++;
			if (ch == '\\' && c->p < c->end)
				c->p++;
			else if (ch == '(')
				depth++;
			else if (ch == ')' && --depth == 0)
				break;
		}
		if (depth) {
			c->bad = true;
			return;
		}
	}
}

static char *
read_quoted(cursor *c)
{
	GString *s = g_string_new(NULL);

	c->p++; /* the opening quote */
	while (c->p < c->end) {
		char ch = *c->p++;
		if (ch == '\\' && c->p < c->end)
			g_string_append_c(s, *c->p++);
		else if (ch == '"')
			return g_string_free(s, false);
		else
			g_string_append_c(s, ch);
	}
	c->bad = true;
	g_string_free(s, true);
	return NULL;
}

static bool
is_keyword_char(char ch)
{
	return g_ascii_isalnum(ch) || ch == '-' || ch == '_';
}

/* RFC 8601 Keyword (method, result, ptype, property), lower case; NULL
 * when there is none here. */
static char *
read_keyword(cursor *c)
{
	const char *b = c->p;

	while (!at_end(c) && is_keyword_char(*c->p))
		c->p++;
	if (c->p == b) {
		c->bad = true;
		return NULL;
	}
	return g_ascii_strdown(b, c->p - b);
}

static bool
is_value_stop(char ch)
{
	return g_ascii_isspace(ch) || g_ascii_iscntrl(ch) || strchr("();\"\\", ch);
}

static char *
read_run(cursor *c, const char *extra_stops)
{
	const char *b = c->p;

	while (!at_end(c) && !is_value_stop(*c->p) && !strchr(extra_stops, *c->p))
		c->p++;
	return g_strndup(b, c->p - b);
}

/* A property value: a token, a quoted string, or an address whose local
 * part may be quoted ("a b"@example.go.id). Unquoted values keep '@', '/',
 * '=' and '+' because real headers carry header.i=@d and base64 in
 * header.b without quoting them. */
static char *
read_pvalue(cursor *c)
{
	if (peek(c, '"')) {
		g_autofree char *q = read_quoted(c);
		if (!q)
			return NULL;
		if (peek(c, '@')) {
			g_autofree char *rest = read_run(c, "");
			return g_strconcat(q, rest, NULL);
		}
		return g_steal_pointer(&q);
	}
	return read_run(c, "");
}

static void
result_free(dispo_authres_result *r)
{
	if (!r)
		return;
	g_free(r->method);
	g_free(r->result);
	g_ptr_array_unref(r->properties);
	g_free(r);
}

void
policy_authres_free(dispo_authres *ar)
{
	if (!ar)
		return;
	g_free(ar->authserv_id);
	g_ptr_array_unref(ar->results);
	g_free(ar);
}

/* methodspec [reasonspec] [propspec…], the ';' already consumed. NULL and
 * c->bad when unreadable. */
static dispo_authres_result *
read_resinfo(cursor *c)
{
	dispo_authres_result *r = g_new0(dispo_authres_result, 1);

	r->properties = g_ptr_array_new_with_free_func(g_free);
	r->method = read_keyword(c);
	skip_cfws(c);
	if (peek(c, '/')) { /* method-version: kept out of the name */
		c->p++;
		skip_cfws(c);
		if (at_end(c) || !g_ascii_isdigit(*c->p))
			c->bad = true;
		while (!at_end(c) && g_ascii_isdigit(*c->p))
			c->p++;
		skip_cfws(c);
	}
	if (!peek(c, '=')) {
		c->bad = true;
	} else {
		c->p++;
		skip_cfws(c);
		r->result = read_keyword(c);
	}
	skip_cfws(c);
	while (!at_end(c) && !peek(c, ';')) {
		g_autofree char *key = read_keyword(c);
		g_autofree char *value = NULL;
		skip_cfws(c);
		/* reason=, and Microsoft's action= and reason=100, have no ptype. */
		if (peek(c, '.')) {
			g_autofree char *ptype = g_steal_pointer(&key);
			g_autofree char *property = NULL;
			c->p++;
			skip_cfws(c);
			property = read_keyword(c);
			key = g_strconcat(ptype, ".", property, NULL);
			skip_cfws(c);
		}
		if (!peek(c, '=')) {
			c->bad = true;
			break;
		}
		c->p++;
		skip_cfws(c);
		value = read_pvalue(c);
		if (c->bad || r->properties->len >= AUTHRES_MAX_PROPERTIES) {
			c->bad = true;
			break;
		}
		g_ptr_array_add(r->properties, g_strconcat(key, "=", value, NULL));
		skip_cfws(c);
	}
	if (c->bad) {
		result_free(r);
		return NULL;
	}
	return r;
}

/* The authserv-id and its optional version; false when unreadable. Sets
 * *bare when the field starts with a result instead. */
static bool
read_authserv_id(cursor *c, dispo_authres *ar, bool *bare)
{
	const char *start = c->p;
	g_autofree char *id = peek(c, '"') ? read_quoted(c) : read_run(c, "=/");

	*bare = false;
	skip_cfws(c);
	if (c->bad || !id)
		return false;
	if (peek(c, '=') || peek(c, '/')) {
		/* Exchange Online writes no authserv-id ("spf=pass …;
		 * dkim=pass …"): readable, but it can never be trusted. */
		ar->authserv_id = g_strdup("");
		c->p = start;
		*bare = true;
		return true;
	}
	if (!*id)
		return false;
	ar->authserv_id = g_ascii_strdown(id, -1);
	if (!at_end(c) && g_ascii_isdigit(*c->p)) { /* authres-version */
		while (!at_end(c) && g_ascii_isdigit(*c->p))
			c->p++;
		skip_cfws(c);
	}
	return peek(c, ';');
}

/* A bare "none" (no method ran) at c, consumed. */
static bool
read_none(cursor *c)
{
	const char *save = c->p;
	g_autofree char *kw = read_keyword(c);

	skip_cfws(c);
	if (!c->bad && kw && strcmp(kw, "none") == 0 && (at_end(c) || peek(c, ';')))
		return true;
	c->p = save;
	c->bad = false;
	return false;
}

dispo_authres *
policy_authres_parse(const char *value)
{
	g_autoptr(dispo_authres) ar = NULL;
	cursor c;
	size_t len;
	bool none = false, bare = false;

	if (!value)
		return NULL;
	len = strlen(value);
	if (len > AUTHRES_MAX_LEN || !g_utf8_validate(value, len, NULL))
		return NULL;
	c = (cursor){.p = value, .end = value + len};
	ar = g_new0(dispo_authres, 1);
	ar->results = g_ptr_array_new_with_free_func((GDestroyNotify)result_free);

	skip_cfws(&c);
	if (at_end(&c) || !read_authserv_id(&c, ar, &bare))
		return NULL;
	while (!at_end(&c)) {
		dispo_authres_result *r;
		if (!bare) {
			if (!peek(&c, ';'))
				return NULL;
			c.p++;
			skip_cfws(&c);
			/* Empty resinfos (";;", a trailing ';') are harmless noise. */
			if (at_end(&c) || peek(&c, ';'))
				continue;
		}
		bare = false;
		if (read_none(&c)) {
			none = true;
			continue;
		}
		r = read_resinfo(&c);
		if (!r || ar->results->len >= AUTHRES_MAX_RESULTS) {
			result_free(r);
			return NULL;
		}
		g_ptr_array_add(ar->results, r);
	}
	if (c.bad)
		return NULL;
	/* "none" says no method ran: it cannot stand beside results. */
	if (none && ar->results->len)
		return NULL;
	return g_steal_pointer(&ar);
}

const char *
policy_authres_property(const dispo_authres_result *r, const char *name)
{
	size_t n = name ? strlen(name) : 0;

	for (guint i = 0; r && n && i < r->properties->len; i++) {
		const char *p = r->properties->pdata[i];
		if (g_ascii_strncasecmp(p, name, n) == 0 && p[n] == '=')
			return p + n + 1;
	}
	return NULL;
}

/* ---- the check ----------------------------------------------------------- */

/* Lower-case ASCII without the root dot; NULL when it cannot be one. */
static char *
domain_normalize(const char *d)
{
	char *ascii = NULL;
	char *out;
	size_t n;

	if (!d || !*d || !g_utf8_validate(d, -1, NULL))
		return NULL;
	if (!g_str_is_ascii(d)) {
		g_autofree char *lower = g_utf8_strdown(d, -1);
		if (idn2_to_ascii_8z(lower, &ascii, IDN2_NFC_INPUT | IDN2_NONTRANSITIONAL) !=
		    IDN2_OK)
			return NULL;
		out = g_ascii_strdown(ascii, -1);
		idn2_free(ascii);
	} else {
		out = g_ascii_strdown(d, -1);
	}
	n = strlen(out);
	if (n && out[n - 1] == '.')
		out[n - 1] = '\0';
	return out;
}

static bool
domain_under(const char *domain, const char *parent)
{
	size_t n = strlen(domain), m = strlen(parent);

	return n > m && domain[n - m - 1] == '.' && strcmp(domain + n - m, parent) == 0;
}

/* The organisational domain of a name under go.id: the agency's own
 * <agency>.go.id, or NULL for go.id itself. */
static const char *
go_id_organisation(const char *d)
{
	const char *p;

	if (!domain_under(d, "go.id"))
		return NULL;
	p = d + strlen(d) - strlen(".go.id");
	while (p > d && p[-1] != '.')
		p--;
	return p;
}

/* DMARC relaxed alignment without a public-suffix list: under go.id, the
 * same agency domain (so x.go.id and y.go.id never align, nor anything
 * with go.id itself); elsewhere equal, or parent and child where the parent
 * has at least two labels. */
static bool
domains_aligned(const char *a, const char *b)
{
	const char *oa, *ob;

	if (!*a || !*b)
		return false;
	oa = go_id_organisation(a);
	ob = go_id_organisation(b);
	if (oa || ob)
		return oa && ob && strcmp(oa, ob) == 0;
	if (strcmp(a, b) == 0)
		return true;
	if (domain_under(a, b))
		return strchr(b, '.') != NULL;
	if (domain_under(b, a))
		return strchr(a, '.') != NULL;
	return false;
}

/* Whether the result vouches for from_domain. */
static bool
result_passes(const dispo_authres_result *r, const char *from)
{
	if (g_strcmp0(r->result, "pass") != 0)
		return false;
	if (g_strcmp0(r->method, "dmarc") == 0) {
		/* The MTA judged the domain it read in From; if that is not the
		 * one we read, the field is not about this sender. */
		g_autofree char *hf = domain_normalize(policy_authres_property(r, "header.from"));
		return !from || !policy_authres_property(r, "header.from") ||
		       (hf && strcmp(hf, from) == 0);
	}
	if (g_strcmp0(r->method, "dkim") == 0 && from) {
		const char *d = policy_authres_property(r, "header.d");
		const char *i = policy_authres_property(r, "header.i");
		g_autofree char *dn = NULL;
		if (!d && i && strrchr(i, '@'))
			d = strrchr(i, '@') + 1;
		dn = domain_normalize(d);
		return dn && domains_aligned(dn, from);
	}
	return false;
}

/* Whether an unreadable field starts with the trusted id, so that it is
 * reported as a failure of the trusted host rather than as missing. */
static bool
starts_with_id(const char *value, const char *id)
{
	size_t n = strlen(id);

	while (g_ascii_isspace(*value))
		value++;
	return g_ascii_strncasecmp(value, id, n) == 0 &&
	       (!value[n] || g_ascii_isspace(value[n]) || strchr(";(", value[n]));
}

static void
results_describe(GString *s, const dispo_authres *ar)
{
	for (guint i = 0; i < ar->results->len; i++) {
		const dispo_authres_result *r = ar->results->pdata[i];
		const char *d = policy_authres_property(r, "header.d");
		g_string_append_printf(s, "%s%s=%s", s->len ? ", " : "", r->method, r->result);
		if (d)
			g_string_append_printf(s, " (header.d=%s)", d);
	}
}

bool
policy_auth_check(const dispo_mail *mail, const char *from_domain, const dispo_config *config,
                  GPtrArray *reasons)
{
	g_autofree const char **fields = NULL;
	g_autofree char *from = NULL;
	g_autoptr(GString) seen = NULL;
	const char *id;
	unsigned trusted = 0;

	if (!config || !config->require_authentication)
		return true;
	id = config->trusted_authserv_id;
	if (!id || !*id) {
		policy_reason_add(reasons, "auth_missing", from_domain,
		                  "Authentication is required but no trusted_authserv_id is "
		                  "configured, so no Authentication-Results can be trusted.");
		return false;
	}
	from = domain_normalize(from_domain);
	seen = g_string_new(NULL);
	fields = mime_mail_headers(mail, "Authentication-Results");
	/* Any pass among several fields of the trusted host counts: each is a
	 * separate verdict of that host (a second hop, a milter each). */
	for (size_t i = 0; fields[i]; i++) {
		g_autoptr(dispo_authres) ar = policy_authres_parse(fields[i]);
		if (!ar) {
			if (starts_with_id(fields[i], id)) {
				trusted++;
				g_string_append_printf(seen, "%sunreadable field",
				                       seen->len ? ", " : "");
			}
			continue;
		}
		/* Anyone can write this field; only our own host's count. */
		if (g_ascii_strcasecmp(ar->authserv_id, id) != 0)
			continue;
		trusted++;
		for (guint j = 0; j < ar->results->len; j++)
			if (result_passes(ar->results->pdata[j], from))
				return true;
		results_describe(seen, ar);
	}
	if (!trusted) {
		policy_reason_add(reasons, "auth_missing", from_domain,
		                  "The message carries no Authentication-Results from %s, so "
		                  "its sender cannot be verified.",
		                  id);
		return false;
	}
	policy_reason_add(reasons, "auth_fail", from_domain,
	                  "%s did not verify the sender: no DMARC pass and no DKIM pass "
	                  "aligned with %s (%s).",
	                  id, from ? from : "the From domain", seen->len ? seen->str : "none");
	return false;
}
