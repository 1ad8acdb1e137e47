/* SPDX-License-Identifier: GPL-3.0-or-later */
/* address.c: the one gate every address passes before it reaches a mail
 * server: what cannot be written plainly in an SMTP command is refused;
 * and the list of an email's recipients that pass it. */
#include "config.h"

#include "outbox/outbox.h"

#include <string.h>

/* RFC 5322 atext, without the characters that mean something to a shell, a
 * header or a mail server's address rewriting and that no office address
 * uses: the local part's dots are checked apart. */
static bool
atext(char c)
{
	return g_ascii_isalnum(c) || (c != '\0' && strchr("!#$%&'*+-/=?^_`{|}~", c));
}

static bool
refuse(GError **error, const char *address, const char *why)
{
	g_autofree char *shown = g_strescape(address, NULL);

	if (strlen(shown) > 80)
		strcpy(shown + 77, "...");
	g_set_error(error, DISPO_OUTBOX_ERROR, DISPO_OUTBOX_ERROR_PERMANENT,
	            "refusing to send to \"%s\": %s", shown, why);
	return false;
}

/* dot-atom: atoms of allowed characters joined by single dots. */
static bool
dot_atom(const char *s, size_t len, bool domain)
{
	if (len == 0 || s[0] == '.' || s[len - 1] == '.')
		return false;
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '.') {
			if (s[i + 1] == '.')
				return false;
			continue;
		}
		if (domain ? !(g_ascii_isalnum(s[i]) || s[i] == '-') : !atext(s[i]))
			return false;
	}
	return true;
}

bool
outbox_address_check(const char *address, GError **error)
{
	const char *at;
	size_t len, local;

	if (!address || !*address)
		return refuse(error, "", "no address");
	len = strlen(address);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)address[i];
		if (c < 0x20 || c == 0x7f)
			return refuse(error, address,
			              "it holds a control character (CR, LF, tab…)");
		if (c >= 0x80)
			return refuse(error, address, "it is not plain ASCII");
		if (c == '<' || c == '>')
			return refuse(error, address, "it holds < or >");
		if (c == ' ' || c == '"' || c == '\\' || c == ',' || c == ';' || c == ':' ||
		    c == '(' || c == ')' || c == '[' || c == ']')
			return refuse(error, address,
			              "it holds a space, quote, bracket or separator");
	}
	at = strchr(address, '@');
	if (!at || strchr(at + 1, '@'))
		return refuse(error, address, "it must hold exactly one @");
	local = (size_t)(at - address);
	if (local > 64)
		return refuse(error, address, "the part before @ is longer than 64 characters");
	if (len - local - 1 > 253)
		return refuse(error, address, "the domain is longer than 253 characters");
	if (!dot_atom(address, local, false))
		return refuse(error, address, "the part before @ is not a plain name");
	if (!dot_atom(at + 1, len - local - 1, true) || !strchr(at + 1, '.'))
		return refuse(error, address, "the domain is not a plain host name");
	return true;
}

char **
outbox_row_recipients(const dispo_outbox_row *row)
{
	g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func(g_free);
	g_auto(GStrv) cc = g_strsplit(row->cc_addr ? row->cc_addr : "", ",", -1);

	g_ptr_array_add(out, g_strdup(row->to_addr ? row->to_addr : ""));
	/* Commas never pass outbox_address_check: a separator, not a part. */
	for (size_t i = 0; cc[i]; i++) {
		const char *a = g_strstrip(cc[i]);
		bool seen = !*a;
		for (guint k = 0; !seen && k < out->len; k++)
			seen = g_ascii_strcasecmp(a, out->pdata[k]) == 0;
		if (!seen)
			g_ptr_array_add(out, g_strdup(a));
	}
	g_ptr_array_add(out, NULL);
	return (char **)g_ptr_array_free(g_steal_pointer(&out), FALSE);
}
