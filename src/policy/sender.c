/* SPDX-License-Identifier: GPL-3.0-or-later */
/* sender.c: whether the From of an application names one well-formed address
 * in a .go.id agency domain, without lookalikes, spoofing display names or a
 * Sender in another domain. */
#include "config.h"

#include "policy/policy.h"

#include <idn2.h>
#include <string.h>

#define ADDRESS_MAX 254 /* RFC 5321 forward-path, without the angle brackets */
#define LOCAL_MAX   64
#define DOMAIN_MAX  253
#define LABEL_MAX   63

/* RFC 5322 atext, ASCII only: government mail systems issue ASCII mailboxes,
 * so a non-ASCII local part can only be a lookalike of one. */
static bool
is_atext(unsigned char c)
{
	return g_ascii_isalnum(c) || (c && strchr("!#$%&'*+-/=?^_`{|}~", c));
}

static bool
is_dot_atom(const char *s)
{
	if (!*s || *s == '.' || s[strlen(s) - 1] == '.' || strstr(s, ".."))
		return false;
	for (; *s; s++)
		if (*s != '.' && !is_atext((unsigned char)*s))
			return false;
	return true;
}

static bool
has_space_or_control(const char *s)
{
	for (const char *p = s; *p; p = g_utf8_next_char(p)) {
		gunichar c = g_utf8_get_char(p);
		if (g_unichar_isspace(c) || g_unichar_iscntrl(c) || c == 0xFFFD ||
		    g_unichar_type(c) == G_UNICODE_FORMAT)
			return true;
	}
	return false;
}

/* The local part of address, unquoted, and where its '@' is. A quoted local
 * part is accepted only when it says what an unquoted one could
 * ("budi"@x is budi@x); one holding '@' is the classic lookalike. */
static char *
local_part_read(const char *address, const char **at, const char **why)
{
	GString *s = g_string_new(NULL);
	const char *p = address;

	*why = NULL;
	if (*p == '"') {
		bool closed = false;
		for (p++; *p; p++) {
			if (*p == '\\' && p[1]) {
				g_string_append_c(s, *++p);
				continue;
			}
			if (*p == '"') {
				closed = true;
				p++;
				break;
			}
			g_string_append_c(s, *p);
		}
		if (!closed || *p != '@')
			*why = "its quoted part is not closed before the @";
		else if (strchr(s->str, '@'))
			*why = "its quoted part holds another @, as if it were a second address";
		else if (!is_dot_atom(s->str))
			*why = "its quoted part holds characters a mailbox name cannot have";
	} else {
		const char *a = strchr(p, '@');
		if (!a) {
			*why = "it has no @";
		} else {
			g_string_append_len(s, p, a - p);
			p = a;
			if (s->len == 0)
				*why = "it has nothing before the @";
			else if (!is_dot_atom(s->str))
				*why = "the part before the @ holds characters a mailbox name "
				       "cannot have, or misplaced dots";
		}
	}
	if (!*why && s->len > LOCAL_MAX)
		*why = "the part before the @ is longer than 64 characters";
	*at = p;
	return g_string_free(s, false);
}

/* The scripts a label is written in, ignoring digits, hyphens and marks
 * (COMMON and INHERITED): more than one is how lookalikes are built. */
static bool
label_mixed_script(const char *label, size_t len)
{
	GUnicodeScript first = G_UNICODE_SCRIPT_INVALID_CODE;

	if (!g_utf8_validate(label, len, NULL))
		return false;
	for (const char *p = label; p < label + len; p = g_utf8_next_char(p)) {
		GUnicodeScript sc = g_unichar_get_script(g_utf8_get_char(p));
		if (sc == G_UNICODE_SCRIPT_COMMON || sc == G_UNICODE_SCRIPT_INHERITED ||
		    sc == G_UNICODE_SCRIPT_UNKNOWN)
			continue;
		if (first == G_UNICODE_SCRIPT_INVALID_CODE)
			first = sc;
		else if (sc != first)
			return true;
	}
	return false;
}

static bool
domain_mixed_script(const char *domain)
{
	const char *p = domain;

	while (*p) {
		const char *dot = strchr(p, '.');
		size_t len = dot ? (size_t)(dot - p) : strlen(p);
		if (label_mixed_script(p, len))
			return true;
		if (!dot)
			break;
		p = dot + 1;
	}
	return false;
}

/* Lower case, the root's trailing dot dropped (GMime drops it too, so both
 * spellings reach the register the same way), IDNA2008 with TR46 mapping. */
static int
domain_to_ascii(const char *domain, char **out)
{
	g_autofree char *lower = NULL;
	size_t n;
	char *ascii = NULL;
	int rc;

	*out = NULL;
	if (!g_utf8_validate(domain, -1, NULL))
		return IDN2_ENCODING_ERROR;
	lower = g_utf8_strdown(domain, -1);
	n = strlen(lower);
	if (n > 1 && lower[n - 1] == '.' && lower[n - 2] != '.')
		lower[n - 1] = '\0';
	rc = idn2_to_ascii_8z(lower, &ascii, IDN2_NFC_INPUT | IDN2_NONTRANSITIONAL);
	if (rc != IDN2_OK) {
		*out = NULL;
		return rc;
	}
	*out = g_ascii_strdown(ascii, -1);
	idn2_free(ascii);
	return IDN2_OK;
}

/* Letters, digits and inner hyphens only, non-empty labels of at most 63
 * (libidn2 passes ASCII labels through unchecked). */
static const char *
ascii_domain_problem(const char *d)
{
	const char *p = d;

	if (!*d)
		return "it has no domain after the @";
	if (strlen(d) > DOMAIN_MAX)
		return "its domain is longer than 253 characters";
	while (true) {
		const char *dot = strchr(p, '.');
		size_t len = dot ? (size_t)(dot - p) : strlen(p);
		if (len == 0)
			return "its domain has an empty part (two dots in a row, or a dot at "
			       "an end)";
		if (len > LABEL_MAX)
			return "a part of its domain is longer than 63 characters";
		if (p[0] == '-' || p[len - 1] == '-')
			return "a part of its domain starts or ends with a hyphen";
		for (size_t i = 0; i < len; i++)
			if (!g_ascii_isalnum(p[i]) && p[i] != '-')
				return "its domain holds characters a domain name cannot have";
		if (!dot)
			return NULL;
		p = dot + 1;
	}
}

/* An xn-- label, whether written so or produced by the conversion. */
static const char *
punycode_label(const char *d)
{
	for (const char *p = d; p; p = strchr(p, '.') ? strchr(p, '.') + 1 : NULL)
		if (g_ascii_strncasecmp(p, "xn--", 4) == 0)
			return p;
	return NULL;
}

static bool
domain_under(const char *domain, const char *parent)
{
	size_t n = strlen(domain), m = strlen(parent);

	if (m == 0 || n < m || strcmp(domain + n - m, parent) != 0)
		return false;
	return n == m || domain[n - m - 1] == '.';
}

/* The agency list in comparable form: trimmed, lower-case ASCII, without
 * a root dot; entries that are empty are no entries. */
static GPtrArray *
agencies_normalize(char *const *agency_domains)
{
	GPtrArray *out = g_ptr_array_new_with_free_func(g_free);

	for (size_t i = 0; agency_domains && agency_domains[i]; i++) {
		g_autofree char *t = g_strstrip(g_strdup(agency_domains[i]));
		char *ascii = NULL;
		if (!*t)
			continue;
		if (domain_to_ascii(t, &ascii) != IDN2_OK)
			ascii = g_ascii_strdown(t, -1);
		g_ptr_array_add(out, ascii);
	}
	return out;
}

static bool
domain_check(const char *address, const char *domain, char *const *agency_domains, char **ascii_out,
             GPtrArray *reasons)
{
	g_autofree char *ascii = NULL;
	g_autoptr(GPtrArray) agencies = NULL;
	const char *why, *xn;
	int rc;

	*ascii_out = NULL;
	if (*domain == '[') {
		policy_reason_add(reasons, "sender_not_go_id", address,
		                  "The address names a server by its IP address, not a .go.id "
		                  "domain.");
		return false;
	}
	if (!g_utf8_validate(domain, -1, NULL) || has_space_or_control(domain)) {
		policy_reason_add(reasons, "sender_syntax", address,
		                  "The domain of the address holds spaces or control characters.");
		return false;
	}
	if (domain_mixed_script(domain)) {
		policy_reason_add(reasons, "sender_mixed_script", address,
		                  "The domain mixes letters of different alphabets (such as a "
		                  "Cyrillic letter among Latin ones), as lookalike domains do.");
		return false;
	}
	rc = domain_to_ascii(domain, &ascii);
	if (rc == IDN2_TOO_BIG_LABEL || rc == IDN2_TOO_BIG_DOMAIN || rc == IDN2_HYPHEN_STARTEND ||
	    (rc == IDN2_2HYPHEN && g_str_is_ascii(domain))) {
		policy_reason_add(reasons, "sender_syntax", address,
		                  "The domain of the address is not a valid domain name (%s).",
		                  idn2_strerror(rc));
		return false;
	}
	if (rc != IDN2_OK) {
		policy_reason_add(reasons, "sender_idna", address,
		                  "The domain of the address is not a valid international domain "
		                  "name (%s).",
		                  idn2_strerror(rc));
		return false;
	}
	if ((why = ascii_domain_problem(ascii)) != NULL) {
		policy_reason_add(reasons, "sender_syntax", address,
		                  "The address is malformed: %s.", why);
		return false;
	}
	if ((xn = punycode_label(ascii)) != NULL) {
		/* Written as xn-- by hand: look at what it stands for. */
		char *u = NULL;
		bool mixed = false;
		if (idn2_to_unicode_8z8z(ascii, &u, 0) == IDN2_OK)
			mixed = domain_mixed_script(u);
		idn2_free(u);
		if (mixed)
			policy_reason_add(reasons, "sender_mixed_script", address,
			                  "The domain mixes letters of different alphabets, as "
			                  "lookalike domains do.");
		else
			policy_reason_add(
			    reasons, "sender_idna", address,
			    "The domain uses letters outside the plain Latin alphabet "
			    "(it is %s in DNS); government domains are plain ASCII.",
			    ascii);
		return false;
	}
	if (strcmp(ascii, "go.id") == 0) {
		policy_reason_add(reasons, "sender_not_go_id", address,
		                  "go.id itself is not an agency's domain; an agency's address "
		                  "ends in <agency>.go.id.");
		return false;
	}
	if (!g_str_has_suffix(ascii, ".go.id")) {
		policy_reason_add(reasons, "sender_not_go_id", address,
		                  "The domain %s is not a government (.go.id) domain.", ascii);
		return false;
	}
	agencies = agencies_normalize(agency_domains);
	if (agencies->len) {
		bool found = false;
		/* A subdomain counts: agencies delegate them to their units
		 * (dinkes.kuduskab.go.id belongs to kuduskab.go.id). */
		for (guint i = 0; i < agencies->len && !found; i++)
			found = domain_under(ascii, agencies->pdata[i]);
		if (!found) {
			g_autofree char *list = NULL;
			g_ptr_array_add(agencies, NULL);
			list = g_strjoinv(", ", (char **)agencies->pdata);
			policy_reason_add(reasons, "sender_domain_not_agency", address,
			                  "The domain %s is not one of the agencies this office "
			                  "serves (%s).",
			                  ascii, list);
			return false;
		}
	}
	*ascii_out = g_steal_pointer(&ascii);
	return true;
}

bool
policy_address_check(const char *address, char *const *agency_domains, char **ascii,
                     GPtrArray *reasons)
{
	g_autofree char *local = NULL;
	g_autofree char *domain = NULL;
	const char *at = NULL, *why = NULL;
	size_t n;

	if (ascii)
		*ascii = NULL;
	if (!address || !*address) {
		policy_reason_add(reasons, "sender_syntax", NULL, "The address is empty.");
		return false;
	}
	n = strlen(address);
	if (n > ADDRESS_MAX) {
		policy_reason_add(reasons, "sender_syntax", address,
		                  "The address is longer than 254 characters.");
		return false;
	}
	if (!g_utf8_validate(address, n, NULL) || has_space_or_control(address)) {
		policy_reason_add(reasons, "sender_syntax", address,
		                  "The address holds spaces, control characters or bytes that "
		                  "are not text.");
		return false;
	}
	local = local_part_read(address, &at, &why);
	if (why) {
		policy_reason_add(reasons, "sender_syntax", address,
		                  "The address is malformed: %s.", why);
		return false;
	}
	if (!domain_check(address, at + 1, agency_domains, &domain, reasons))
		return false;
	if (strlen(local) + 1 + strlen(domain) > ADDRESS_MAX) {
		policy_reason_add(reasons, "sender_syntax", address,
		                  "The address is longer than 254 characters.");
		return false;
	}
	if (ascii)
		*ascii = g_strconcat(local, "@", domain, NULL);
	return true;
}

/* ---- the From and Sender fields ------------------------------------------ */

static const char *
nz(const char *s)
{
	return s ? s : "";
}

/* An address in comparable form: its domain through the same conversion,
 * everything lower case; as written (lower case) when it cannot be
 * converted. */
static char *
address_comparable(const char *address)
{
	const char *at = address ? strrchr(address, '@') : NULL;
	g_autofree char *domain = NULL;
	g_autofree char *local = NULL;

	if (!at)
		return g_utf8_strdown(address ? address : "", -1);
	if (domain_to_ascii(at + 1, &domain) != IDN2_OK)
		domain = g_utf8_strdown(at + 1, -1);
	local = g_utf8_strdown(address, at - address);
	return g_strconcat(local, "@", domain, NULL);
}

static char *
address_domain(const char *address)
{
	g_autofree char *c = address_comparable(address);
	const char *at = strrchr(c, '@');

	return at ? g_strdup(at + 1) : NULL;
}

static bool
is_domain_char(unsigned char c)
{
	return g_ascii_isalnum(c) || c == '-' || c == '.' || c >= 0x80;
}

/* The first address written in a display name that is not real, or NULL.
 * NFKC first, so that a full-width ＠ or letters count as what they show. */
static char *
display_name_other_address(const char *name, const char *real)
{
	g_autofree char *n = name ? g_utf8_normalize(name, -1, G_NORMALIZE_NFKC) : NULL;
	g_autofree char *want = address_comparable(real);

	for (const char *at = n ? strchr(n, '@') : NULL; at; at = strchr(at + 1, '@')) {
		const char *b = at, *e = at + 1;
		g_autofree char *claimed = NULL;
		g_autofree char *have = NULL;
		while (b > n && (is_atext((unsigned char)b[-1]) || b[-1] == '.'))
			b--;
		while (*e && is_domain_char((unsigned char)*e))
			e++;
		while (e > at + 1 && e[-1] == '.')
			e--;
		if (b == at || e == at + 1 || !memchr(at + 1, '.', e - at - 1))
			continue;
		claimed = g_strndup(b, e - b);
		if (!g_utf8_validate(claimed, -1, NULL))
			continue;
		have = address_comparable(claimed);
		if (strcmp(have, want) != 0)
			return g_steal_pointer(&claimed);
	}
	return NULL;
}

/* '@' signs of a raw address field outside quoted strings and comments:
 * GMime repairs budi@kuduskab.go.id@gmail.com into the first address,
 * while another reader (the MTA's DMARC check) may take the last. */
static unsigned
field_count_at(const char *v)
{
	unsigned n = 0, depth = 0;
	bool quoted = false;

	for (const char *p = v; p && *p; p++) {
		if (*p == '\\' && (quoted || depth) && p[1])
			p++;
		else if (depth && *p == '(')
			depth++;
		else if (depth && *p == ')')
			depth--;
		else if (depth)
			continue;
		else if (*p == '"')
			quoted = !quoted;
		else if (!quoted && *p == '(')
			depth = 1;
		else if (!quoted && *p == '@')
			n++;
	}
	return n;
}

bool
policy_sender_check(const dispo_mail *mail, const dispo_config *config, char **address,
                    GPtrArray *reasons)
{
	g_autofree const char **fields = mime_mail_headers(mail, "From");
	const dispo_mailbox *mb;
	g_autofree char *ascii = NULL;
	g_autofree char *other = NULL;
	g_autofree char *from_domain = NULL;
	bool ok = true;

	if (address)
		*address = NULL;
	if (fields[0] && fields[1]) {
		policy_reason_add(reasons, "sender_several", fields[1],
		                  "The message has more than one From field.");
		return false;
	}
	if (mail->from->len == 0) {
		policy_reason_add(reasons, "sender_none", fields[0],
		                  "The From field holds no address.");
		return false;
	}
	if (mail->from->len > 1) {
		g_autofree char *list = NULL;
		GString *s = g_string_new(NULL);
		for (guint i = 0; i < mail->from->len; i++)
			g_string_append_printf(
			    s, "%s%s", i ? ", " : "",
			    nz(((dispo_mailbox *)mail->from->pdata[i])->address));
		list = g_string_free(s, false);
		policy_reason_add(reasons, "sender_several", list,
		                  "The From field holds %u addresses; an application comes "
		                  "from one person.",
		                  mail->from->len);
		return false;
	}
	mb = mail->from->pdata[0];

	if ((other = display_name_other_address(mb->name, mb->address)) != NULL) {
		policy_reason_add(reasons, "sender_display_spoof", other,
		                  "The sender's name shows the address %s, but the message comes "
		                  "from %s.",
		                  other, nz(mb->address));
		ok = false;
	} else if (field_count_at(fields[0]) > 1) {
		policy_reason_add(reasons, "sender_syntax", fields[0],
		                  "The From field is malformed: it holds more @ signs than one "
		                  "address has.");
		ok = false;
	}

	from_domain = address_domain(mb->address);
	for (guint i = 0; i < mail->sender->len; i++) {
		const dispo_mailbox *s = mail->sender->pdata[i];
		g_autofree char *d = address_domain(s->address);
		if (!d || !from_domain || strcmp(d, from_domain) != 0) {
			policy_reason_add(
			    reasons, "sender_mismatch", s->address,
			    "The Sender field (%s) is in another domain than the From "
			    "field (%s).",
			    nz(s->address), nz(mb->address));
			ok = false;
			break;
		}
	}

	if (!policy_address_check(mb->address, config ? config->agency_domains : NULL, &ascii,
	                          reasons))
		ok = false;
	if (address)
		*address = ascii ? g_steal_pointer(&ascii) : g_strdup(mb->address);
	return ok;
}
