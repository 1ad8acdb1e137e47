/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz-mustache.c: a template and a JSON document (split at the first NUL
 * byte, or else at the first newline) rendered in every escape mode, with
 * the template also as a partial of itself, and the output parsed as an
 * email: rendered or refused with a message, never a crash. */
#include "config.h"

#include "template/template.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* json-glib parses recursively; keep its nesting well inside any stack. */
static bool
json_depth_ok(const char *s, size_t len)
{
	int depth = 0;
	bool in_string = false;

	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (in_string) {
			if (c == '\\')
				i++;
			else if (c == '"')
				in_string = false;
		} else if (c == '"') {
			in_string = true;
		} else if (c == '[' || c == '{') {
			if (++depth > 200)
				return false;
		} else if (c == ']' || c == '}') {
			depth--;
		}
	}
	return true;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const dispo_template_escape modes[] = {
	    DISPO_TEMPLATE_ESCAPE_HTML,
	    DISPO_TEMPLATE_ESCAPE_NONE,
	    DISPO_TEMPLATE_ESCAPE_EMAIL,
	};
	const char *bytes = (const char *)data;
	const char *cut = memchr(bytes, '\0', size);
	g_autofree char *tmpl = NULL;
	g_autofree char *doc = NULL;
	g_autoptr(JsonParser) parser = json_parser_new();
	g_autoptr(GHashTable) partials = g_hash_table_new(g_str_hash, g_str_equal);
	JsonNode *root = NULL;
	size_t tlen;

	if (!cut)
		cut = memchr(bytes, '\n', size);
	tlen = cut ? (size_t)(cut - bytes) : size;
	tmpl = g_strndup(bytes, tlen);
	doc = cut ? g_strndup(cut + 1, size - tlen - 1) : g_strdup("{}");
	if (json_depth_ok(doc, strlen(doc)) && json_parser_load_from_data(parser, doc, -1, NULL))
		root = json_parser_get_root(parser);

	g_hash_table_insert(partials, "self", tmpl);
	g_hash_table_insert(partials, "doc", doc);
	for (size_t i = 0; i < G_N_ELEMENTS(modes); i++) {
		GError *e = NULL;
		g_autofree char *out = template_render(tmpl, root, partials, modes[i], &e);
		dispo_email_text *email;

		if (!out) {
			if (!e || e->domain != DISPO_TEMPLATE_ERROR)
				__builtin_trap();
			g_clear_error(&e);
			continue;
		}
		if (e || !g_utf8_validate(out, -1, NULL))
			__builtin_trap();
		email = template_email_parse(out, &e);
		if (!email && !e)
			__builtin_trap();
		if (email && (!email->subject || !email->body || strchr(email->subject, '\n') ||
		              !g_str_has_suffix(email->body, "\n")))
			__builtin_trap();
		for (guint k = 0; email && k < email->headers->len; k++)
			if (strpbrk(email->headers->pdata[k], "\r\n"))
				__builtin_trap();
		template_email_free(email);
		g_clear_error(&e);
	}
	return 0;
}
