/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz-flow.c: any text (a template filled in with hostile values) through
 * dispo_text_flow at any width from 20 to 99 (the first byte): the result
 * is UTF-8; a line wider than the width is one word after its indentation;
 * a soft break (a line ending in a space, the separator "-- " aside) has a
 * line after it; and the words, read back as a flowed reader reads them,
 * are the input's words in order. */
#include "config.h"

#include "lib/lib.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static size_t
columns(const char *s, size_t len)
{
	size_t w = 0;

	for (const char *p = s; p < s + len; p = g_utf8_next_char(p)) {
		gunichar c = g_utf8_get_char(p);
		w += g_unichar_iszerowidth(c) ? 0 : g_unichar_iswide(c) ? 2 : 1;
	}
	return w;
}

/* The words of text, split at spaces and line ends only, as the wrapper
 * does (a tab inside a line is part of a word to it). */
static GPtrArray *
words(const char *text)
{
	GPtrArray *out = g_ptr_array_new_with_free_func(g_free);
	g_auto(GStrv) parts = g_strsplit_set(text, " \n", -1);

	for (size_t i = 0; parts[i]; i++)
		if (*parts[i])
			g_ptr_array_add(out, g_strdup(parts[i]));
	return out;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t width;
	g_autoptr(GString) in = g_string_new(NULL);
	g_autofree char *text = NULL, *out = NULL;
	g_auto(GStrv) lines = NULL;
	g_autoptr(GString) back = g_string_new(NULL);
	g_autoptr(GPtrArray) want = NULL, got = NULL;

	if (size < 1)
		return 0;
	width = 20 + data[0] % 80;
	/* The wrapper takes NUL-terminated UTF-8 with "\n" line ends: what the
	 * template renderer gives it. */
	for (size_t i = 1; i < size; i++)
		if (data[i] != '\0' && data[i] != '\r')
			g_string_append_c(in, (char)data[i]);
	text = g_utf8_make_valid(in->str, in->len);
	out = dispo_text_flow(text, width);
	if (!g_utf8_validate(out, -1, NULL))
		__builtin_trap();
	lines = g_strsplit(out, "\n", -1);
	for (size_t i = 0; lines[i]; i++) {
		const char *l = lines[i];
		size_t len = strlen(l);
		bool soft = len && l[len - 1] == ' ' && strcmp(l, "-- ") != 0;
		size_t content = soft ? len - 1 : len;
		const char *word = l;

		while (*word == ' ')
			word++;
		if (columns(l, content) > width && memchr(word, ' ', content - (word - l)))
			__builtin_trap(); /* too wide, yet it had a place to break */
		if (soft && (!lines[i + 1] || !*lines[i + 1]))
			__builtin_trap(); /* a soft break with nothing after it */
		/* Read back: stuffing removed, soft breaks joined. */
		g_string_append(back, l[0] == ' ' ? l + 1 : l);
		if (!soft)
			g_string_append_c(back, '\n');
	}
	want = words(text);
	got = words(back->str);
	if (want->len != got->len)
		__builtin_trap();
	for (guint i = 0; i < want->len; i++)
		if (strcmp(want->pdata[i], got->pdata[i]) != 0)
			__builtin_trap();
	return 0;
}
