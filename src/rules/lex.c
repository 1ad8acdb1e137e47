/* SPDX-License-Identifier: GPL-3.0-or-later */
/* lex.c: one line of a rules file into words and quoted texts, with their
 * columns; lines that are not clean UTF-8 text are reported, not guessed at. */
#include "config.h"

#include "rules/rules-private.h"

#include <string.h>

static bool
is_space(const char *s, size_t i, size_t len, size_t *width)
{
	*width = 1;
	if (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\v' || s[i] == '\f')
		return true;
	/* A no-break space, as word processors paste it. */
	if (i + 1 < len && (guchar)s[i] == 0xc2 && (guchar)s[i + 1] == 0xa0) {
		*width = 2;
		return true;
	}
	return false;
}

static size_t
char_len(const char *s)
{
	return (size_t)(g_utf8_next_char(s) - s);
}

/* Splits one line (valid UTF-8, no NUL) into tokens; false after reporting. */
static bool
lex(rules_loader *ld, const char *file, unsigned line, const char *s, size_t len, GArray *out)
{
	size_t i = 0, w;
	unsigned col = 1;

	while (i < len) {
		rules_token tok = {0};
		if (is_space(s, i, len, &w)) {
			i += w;
			col++;
			continue;
		}
		if (s[i] == '#')
			break;
		tok.col = col;
		if (s[i] == '"') {
			GString *buf = g_string_new(NULL);
			bool closed = false;
			i++, col++;
			while (i < len) {
				if (s[i] == '\\' && i + 1 < len &&
				    (s[i + 1] == '"' || s[i + 1] == '\\')) {
					g_string_append_c(buf, s[i + 1]);
					i += 2, col += 2;
					continue;
				}
				if (s[i] == '"') {
					closed = true;
					i++, col++;
					break;
				}
				w = char_len(s + i);
				g_string_append_len(buf, s + i, (gssize)w);
				i += w, col++;
			}
			if (!closed) {
				rules_diag(
				    ld, file, line, tok.col,
				    "unterminated quoted text: add the closing \" on the same "
				    "line");
				g_string_free(buf, TRUE);
				return false;
			}
			tok.text = g_string_free(buf, FALSE);
			tok.quoted = true;
		} else if (s[i] == '-' && i + 1 < len && s[i + 1] == '>') {
			tok.text = g_strdup("->");
			i += 2, col += 2;
		} else {
			size_t start = i;
			while (i < len && !is_space(s, i, len, &w) && s[i] != '#' && s[i] != '"' &&
			       !(s[i] == '-' && i + 1 < len && s[i + 1] == '>')) {
				i += char_len(s + i);
				col++;
			}
			tok.text = g_strndup(s + start, i - start);
			if (strcmp(tok.text, "\u2192") == 0) { /* → */
				g_free(tok.text);
				tok.text = g_strdup("->");
			}
		}
		tok.end = col;
		g_array_append_val(out, tok);
	}
	return true;
}

/* Reports a line that is not clean UTF-8 text; false when it is not. */
static bool
line_clean(rules_loader *ld, const char *file, unsigned line, const char *s, size_t len)
{
	const char *end = NULL;
	unsigned col = 1;

	if (!g_utf8_validate_len(s, len, &end)) {
		for (const char *q = s; q < end; q = g_utf8_next_char(q))
			col++;
		if (end < s + len && *end == '\0')
			rules_diag(ld, file, line, col,
			           "this line contains a NUL byte: is this a text file?");
		else
			rules_diag(ld, file, line, col,
			           "this line is not valid UTF-8: save the file as UTF-8");
		return false;
	}
	for (const char *q = s; q < s + len; q = g_utf8_next_char(q), col++) {
		if (((guchar)*q < 0x20 && *q != '\t' && *q != '\r' && *q != '\v' && *q != '\f') ||
		    *q == 0x7f) {
			rules_diag(ld, file, line, col,
			           "this line contains a control character (0x%02x)", (guchar)*q);
			return false;
		}
	}
	return true;
}

bool
rules_lex(rules_loader *ld, const char *file, unsigned line, const char *s, size_t len, GArray *out)
{
	return line_clean(ld, file, line, s, len) && lex(ld, file, line, s, len, out);
}

void
rules_tokens_clear(GArray *tokens)
{
	for (guint i = 0; i < tokens->len; i++)
		g_free(g_array_index(tokens, rules_token, i).text);
	g_array_set_size(tokens, 0);
}
