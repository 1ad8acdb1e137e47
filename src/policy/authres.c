/* SPDX-License-Identifier: GPL-3.0-or-later */
/* authres.c: Authentication-Results fields (RFC 8601) read, and whether the
 * trusted receiving host vouched for the sender: DMARC pass, an aligned DKIM
 * pass or an authenticated submission, in what that host itself wrote. */
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

/* Whether the result is DMARC failing this From domain. */
static bool
dmarc_fails(const dispo_authres_result *r, const char *from)
{
	g_autofree char *hf = NULL;

	if (g_strcmp0(r->method, "dmarc") != 0 || g_strcmp0(r->result, "fail") != 0)
		return false;
	hf = domain_normalize(policy_authres_property(r, "header.from"));
	return !hf || !from || strcmp(hf, from) == 0;
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
		return from && hf && strcmp(hf, from) == 0;
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

/* Whether host appears in text as a whole name (not inside a longer one). */
static bool
mentions_host(const char *text, const char *host)
{
	g_autofree char *lower = g_ascii_strdown(text, -1);
	size_t n = strlen(host);

	for (const char *p = lower; n && (p = strstr(p, host)) != NULL; p++) {
		bool before = p == lower || !(g_ascii_isalnum(p[-1]) || strchr(".-", p[-1]));
		bool after = !(g_ascii_isalnum(p[n]) || p[n] == '-' ||
		               (p[n] == '.' && g_ascii_isalnum(p[n + 1])));
		if (before && after)
			return true;
	}
	return false;
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

/* Whether user (a SASL login name) is address, compared without case. */
static bool
same_address(const char *user, const char *address)
{
	return user && address && *user && g_ascii_strcasecmp(user, address) == 0;
}

/* What the trusted host wrote, found from the top of the header: its
 * Authentication-Results fields above its boundary Received: field, and
 * that field. */
typedef struct {
	GPtrArray *fields;        /* const char *: trusted Authentication-Results values */
	dispo_received *received; /* the boundary Received:, NULL when unreadable */
	bool found;               /* a Received: by the trusted host was found */
	unsigned below;           /* fields with the trusted id below it, ignored */
} trusted_block;

static bool
is_loopback(const char *ip)
{
	return ip && (g_str_has_prefix(ip, "127.") || strcmp(ip, "::1") == 0 ||
	              g_ascii_strcasecmp(ip, "ipv6:::1") == 0);
}

/* A hop inside the trusted host itself: delivered by LMTP (never open to
 * the Internet), or from a client on loopback as the MTA saw it (a
 * content filter re-injecting, a local webmail). The message below such a
 * hop was written by the host's own software, so its earlier hop's record
 * is trusted too; the hop from the Internet is never one of these. */
static bool
hop_internal(const dispo_received *r)
{
	return r->with &&
	       (g_ascii_strncasecmp(r->with, "LMTP", 4) == 0 || is_loopback(r->from_address));
}

/* Whether r was written by the trusted host (or its loopback filter, which
 * names itself localhost) on the way in. */
static bool
by_trusted(const dispo_received *r, const char *id, bool inside)
{
	return r && r->by &&
	       (strcmp(r->by, id) == 0 ||
	        (inside &&
	         (strcmp(r->by, "localhost") == 0 || strcmp(r->by, "localhost.localdomain") == 0)));
}

/* RFC 8601 section 5: the trusted host's fields sit above its own
 * Received:. The boundary is its topmost one; when that hop is internal
 * (its own LMTP, a filter re-injecting on loopback), the host's next
 * Received: down is the boundary instead, and so on, so that the fields the
 * milters wrote on the way in still count. Any Received: that reads badly
 * or names the trusted host other than as an internal hop's client stops
 * the search: nothing below it is believed. */
static void
trusted_block_find(const dispo_mail *mail, const char *id, trusted_block *t)
{
	g_autoptr(GPtrArray) pending = g_ptr_array_new();
	bool inside = false; /* below an internal hop of the trusted host */
	guint i;

	t->fields = g_ptr_array_new();
	for (i = 0; i < mail->headers->len; i++) {
		const dispo_header *h = mail->headers->pdata[i];
		g_autoptr(dispo_received) r = NULL;
		if (g_ascii_strcasecmp(h->name, "Authentication-Results") == 0) {
			g_ptr_array_add(inside ? pending : t->fields, h->value);
			continue;
		}
		if (g_ascii_strcasecmp(h->name, "Received") != 0)
			continue;
		r = policy_received_parse(h->value);
		if (by_trusted(r, id, inside)) {
			/* the fields between two of its own hops are its own */
			for (guint k = 0; k < pending->len; k++)
				g_ptr_array_add(t->fields, pending->pdata[k]);
			g_ptr_array_set_size(pending, 0);
			policy_received_free(t->received);
			t->received = g_steal_pointer(&r);
			t->found = true;
			inside = hop_internal(t->received);
			if (!inside)
				break;
			continue;
		}
		if (inside)
			break; /* the chain of its own hops ends above a stranger's */
		/* Named by a hop we cannot read, or as anything but the
		 * client of a hop we can: stop rather than trust what follows. */
		if (mentions_host(h->value, id) && !(r && r->from && strcmp(r->from, id) == 0)) {
			t->found = true;
			break;
		}
	}
	for (i++; t->found && i < mail->headers->len; i++) {
		const dispo_header *h = mail->headers->pdata[i];
		if (g_ascii_strcasecmp(h->name, "Authentication-Results") == 0 &&
		    starts_with_id(h->value, id))
			t->below++;
	}
}

bool
policy_auth_check(const dispo_mail *mail, const char *address, const dispo_config *config,
                  GPtrArray *reasons)
{
	g_autofree char *from = NULL;
	g_autofree char *id = NULL;
	g_autoptr(GString) seen = NULL;
	const char *at = address ? strrchr(address, '@') : NULL;
	const char *subject = at ? at + 1 : address;
	trusted_block t = {0};
	unsigned trusted = 0;
	bool ok = false, dmarc_fail = false, submitted = false;

	if (!config || !config->require_authentication)
		return true;
	if (!config->trusted_authserv_id || !*config->trusted_authserv_id) {
		policy_reason_add(reasons, "auth_missing", subject,
		                  "Authentication is required but no trusted_authserv_id is "
		                  "configured, so no Authentication-Results can be trusted.");
		return false;
	}
	id = g_ascii_strdown(config->trusted_authserv_id, -1);
	from = domain_normalize(subject);
	seen = g_string_new(NULL);
	trusted_block_find(mail, id, &t);
	if (!t.found) {
		g_ptr_array_unref(t.fields);
		/* A field with our id but no Received: of ours above which it
		 * could sit was written before our host saw the message. */
		policy_reason_add(
		    reasons, "auth_missing", subject,
		    "The message carries no Received: field written by %s, so no "
		    "Authentication-Results in it can be from %s; the sender may have "
		    "written them.",
		    id, id);
		return false;
	}
	if (t.received && t.received->auth_sender) {
		trusted++;
		if (same_address(t.received->auth_sender, address))
			submitted = true;
		else
			g_string_append_printf(seen, "submitted by authenticated user %s",
			                       t.received->auth_sender);
	}
	/* A pass in any of the trusted host's fields counts (a milter each,
	 * a second hop), but only the first result of each method in a field:
	 * a milter copying an odd From domain into its own field
	 * ("header.from=[x;dmarc=pass …]") cannot add a verdict. A DMARC fail
	 * for this From domain is the host's last word: no DKIM pass of a
	 * subdomain's server outweighs the domain owner's policy. */
	for (guint i = 0; i < t.fields->len; i++) {
		const char *value = t.fields->pdata[i];
		g_autoptr(dispo_authres) ar = policy_authres_parse(value);
		g_autoptr(GHashTable) methods = g_hash_table_new(g_str_hash, g_str_equal);
		if (!ar) {
			if (starts_with_id(value, id)) {
				trusted++;
				g_string_append_printf(seen, "%sunreadable field",
				                       seen->len ? ", " : "");
			}
			continue;
		}
		/* Anyone can write this field; only our own host's count. */
		if (strcmp(ar->authserv_id, id) != 0)
			continue;
		trusted++;
		for (guint j = 0; j < ar->results->len; j++) {
			const dispo_authres_result *r = ar->results->pdata[j];
			if (!g_hash_table_add(methods, r->method))
				continue;
			if (g_strcmp0(r->method, "auth") == 0)
				submitted |=
				    g_strcmp0(r->result, "pass") == 0 &&
				    same_address(policy_authres_property(r, "smtp.auth"), address);
			else if (dmarc_fails(r, from))
				dmarc_fail = true;
			else
				ok |= result_passes(r, from);
		}
		results_describe(seen, ar);
	}
	if (dmarc_fail && ok) {
		ok = false;
		g_string_append(seen, "; DMARC fail overrides");
	}
	ok |= submitted;
	g_ptr_array_unref(t.fields);
	policy_received_free(t.received);
	if (ok)
		return true;
	if (!trusted) {
		policy_reason_add(
		    reasons, "auth_missing", subject,
		    "The message carries no Authentication-Results from %s above "
		    "the Received: field %s wrote%s, so its sender cannot be verified.",
		    id, id,
		    t.below ? " (fields naming it further down came with the message "
		              "and are ignored)"
		            : "");
		return false;
	}
	policy_reason_add(reasons, "auth_fail", subject,
	                  "%s did not verify the sender: no DMARC pass, no DKIM pass aligned "
	                  "with %s and no authenticated submission as %s (%s)%s.",
	                  id, from ? from : "the From domain", address ? address : "the sender",
	                  seen->len ? seen->str : "none",
	                  t.below ? "; fields naming it below its Received: field were ignored"
	                          : "");
	return false;
}
