/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz-html.c: any bytes through HTML-to-text and then the form reader, as
 * an HTML-only application takes; the text is always tidy UTF-8 and every
 * field value a clean one. */
#include "config.h"

#include "mime/mime.h"
#include "policy/policy.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* What tidy() promises: no trailing blank on a line, no two blank lines in
 * a row, a final newline after any text. */
static void
check_text(const char *text)
{
	size_t len = strlen(text);

	if (!g_utf8_validate(text, -1, NULL) || strchr(text, '\r') || strstr(text, "\n\n\n") ||
	    (len && (text[0] == '\n' || text[len - 1] != '\n')))
		__builtin_trap();
	for (const char *p = strchr(text, '\n'); p; p = strchr(p + 1, '\n'))
		if (p > text && (p[-1] == ' ' || p[-1] == '\t'))
			__builtin_trap();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = mime_html_to_text((const char *)data, size);
	GHashTable *fields;
	GHashTableIter it;
	gpointer k, v;

	if (!text)
		__builtin_trap();
	check_text(text);
	fields = policy_form_parse(text, NULL);
	g_hash_table_iter_init(&it, fields);
	while (g_hash_table_iter_next(&it, &k, &v)) {
		const char *s = v;
		if (!*s || !g_utf8_validate(s, -1, NULL) || strchr(s, '\t') || strstr(s, "  ") ||
		    strstr(s, "\u00A0"))
			__builtin_trap();
	}
	g_hash_table_unref(fields);
	g_free(text);
	return 0;
}
