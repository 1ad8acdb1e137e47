/* SPDX-License-Identifier: GPL-3.0-or-later */
/* output.c: how the subcommands print: aligned tables for people, JSON for
 * scripts, the same way everywhere. */
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

void
cli_json_print(JsonBuilder *b)
{
	g_autoptr(JsonGenerator) gen = json_generator_new();
	g_autoptr(JsonNode) root = json_builder_get_root(b);
	g_autofree char *text = NULL;

	json_generator_set_pretty(gen, TRUE);
	json_generator_set_root(gen, root);
	text = json_generator_to_data(gen, NULL);
	printf("%s\n", text);
}

void
cli_table_print(const GPtrArray *rows, guint ncols)
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
			fputs(cells[c], stdout);
			if (c + 1 < ncols)
				for (size_t pad = dispo_utf8_width(cells[c]); pad < width[c] + 2;
				     pad++)
					fputc(' ', stdout);
		}
		fputc('\n', stdout);
	}
}

/* RFC 4180: a field is quoted when it holds a comma, quote or line end. */
static void
csv_field(const char *s)
{
	if (!strpbrk(s, ",\"\r\n")) {
		fputs(s, stdout);
		return;
	}
	fputc('"', stdout);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', stdout);
		fputc(*s, stdout);
	}
	fputc('"', stdout);
}

void
cli_csv_print(const GPtrArray *rows, guint ncols)
{
	for (guint r = 0; r < rows->len; r++) {
		char **cells = rows->pdata[r];
		for (guint c = 0; c < ncols; c++) {
			if (c)
				fputc(',', stdout);
			csv_field(cells[c] ? cells[c] : "");
		}
		fputs("\r\n", stdout);
	}
}
