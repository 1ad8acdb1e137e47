/* SPDX-License-Identifier: GPL-3.0-or-later */
/* output.c: how the subcommands print: aligned tables for people, JSON and
 * RFC 4180 CSV for scripts, the same way everywhere. */
#include "config.h"

#include "cli/cli.h"

#include <errno.h>
#include <stdio.h>
#include <unistd.h>
#include <string.h>

void
cli_json_string(JsonBuilder *b, const char *name, const char *value)
{
	json_builder_set_member_name(b, name);
	if (value)
		json_builder_add_string_value(b, value);
	else
		json_builder_add_null_value(b);
}

char *
cli_json_text(JsonBuilder *b)
{
	g_autoptr(JsonGenerator) gen = json_generator_new();
	g_autoptr(JsonNode) root = json_builder_get_root(b);
	g_autofree char *text = NULL;

	json_generator_set_pretty(gen, TRUE);
	json_generator_set_root(gen, root);
	text = json_generator_to_data(gen, NULL);
	return g_strconcat(text, "\n", NULL);
}

void
cli_json_print(JsonBuilder *b)
{
	g_autofree char *text = cli_json_text(b);
	fputs(text, stdout);
}

void
cli_table_append(GString *out, const GPtrArray *rows, guint ncols)
{
	g_autofree size_t *width = g_new0(size_t, ncols);

	for (guint r = 0; r < rows->len; r++) {
		char **cells = rows->pdata[r];
		for (guint c = 0; c < ncols; c++)
			width[c] = MAX(width[c], dispo_utf8_width(cells[c]));
	}
	for (guint r = 0; r < rows->len; r++) {
		char **cells = rows->pdata[r];
		for (guint c = 0; c < ncols; c++) {
			g_string_append(out, cells[c]);
			if (c + 1 < ncols)
				for (size_t pad = dispo_utf8_width(cells[c]); pad < width[c] + 2;
				     pad++)
					g_string_append_c(out, ' ');
		}
		g_string_append_c(out, '\n');
	}
}

void
cli_table_print(const GPtrArray *rows, guint ncols)
{
	g_autoptr(GString) out = g_string_new(NULL);

	cli_table_append(out, rows, ncols);
	fputs(out->str, stdout);
}

/* RFC 4180: a field is quoted when it holds a comma, quote or line end. */
static void
csv_field(GString *out, const char *s)
{
	if (!strpbrk(s, ",\"\r\n")) {
		g_string_append(out, s);
		return;
	}
	g_string_append_c(out, '"');
	for (; *s; s++) {
		if (*s == '"')
			g_string_append_c(out, '"');
		g_string_append_c(out, *s);
	}
	g_string_append_c(out, '"');
}

void
cli_csv_row_append(GString *out, char *const *cells, guint ncols)
{
	for (guint c = 0; c < ncols; c++) {
		if (c)
			g_string_append_c(out, ',');
		csv_field(out, cells[c] ? cells[c] : "");
	}
	g_string_append(out, "\r\n");
}

void
cli_csv_print(const GPtrArray *rows, guint ncols)
{
	g_autoptr(GString) out = g_string_new(NULL);

	for (guint r = 0; r < rows->len; r++)
		cli_csv_row_append(out, rows->pdata[r], ncols);
	fwrite(out->str, 1, out->len, stdout);
}
