/* SPDX-License-Identifier: GPL-3.0-or-later */
/* list.c: the one printer of every list command: typed columns and rows,
 * written as a table, CSV, JSON or an xlsx workbook, to standard output or
 * to a file. */
#include "config.h"

#include "cli/cli.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

cli_list *
cli_list_new(const char *name)
{
	cli_list *l = g_new0(cli_list, 1);

	l->name = name;
	l->columns = g_array_new(false, true, sizeof(cli_column));
	l->rows = g_ptr_array_new();
	l->strings = g_string_chunk_new(256);
	return l;
}

static void
row_free(cli_list *l, cli_cell *cells)
{
	for (guint c = 0; c < l->columns->len; c++) {
		g_free(cells[c].text);
		g_free(cells[c].shown);
	}
	g_free(cells);
}

void
cli_list_free(cli_list *l)
{
	if (!l)
		return;
	for (guint r = 0; r < l->rows->len; r++)
		row_free(l, l->rows->pdata[r]);
	g_ptr_array_unref(l->rows);
	g_array_unref(l->columns);
	g_string_chunk_free(l->strings);
	if (l->stream && l->stream != stdout)
		fclose(l->stream);
	if (l->stream_tmp)
		unlink(l->stream_tmp); /* not finished: a reader never sees half an export */
	g_free(l->stream_tmp);
	g_free(l->stream_path);
	g_free(l);
}

void
cli_list_column(cli_list *l, const char *key, const char *title, cli_cell_kind kind, unsigned flags,
                unsigned cut)
{
	cli_column c = {g_string_chunk_insert_const(l->strings, key),
	                g_string_chunk_insert_const(l->strings, title), kind, flags, cut};

	g_return_if_fail(l->rows->len == 0);
	g_array_append_val(l->columns, c);
}

void
cli_list_columns(cli_list *l, const cli_column *cols, guint n)
{
	for (guint i = 0; i < n; i++)
		cli_list_column(l, cols[i].key, cols[i].title, cols[i].kind, cols[i].flags,
		                cols[i].cut);
}

static void row_free(cli_list *l, cli_cell *cells);
static void csv_row_append(GString *out, const cli_list *l, const cli_cell *cells, GTimeZone *tz);

/* A streamed list writes its row out and forgets it. */
static void
stream_flush(cli_list *l)
{
	g_autoptr(GString) out = g_string_new(NULL);

	for (guint r = 0; r < l->rows->len; r++) {
		csv_row_append(out, l, l->rows->pdata[r], l->stream_tz);
		row_free(l, l->rows->pdata[r]);
	}
	g_ptr_array_set_size(l->rows, 0);
	if (out->len && fwrite(out->str, 1, out->len, l->stream) != out->len)
		l->stream_failed = true;
}

void
cli_list_row(cli_list *l)
{
	if (l->stream)
		stream_flush(l);
	g_ptr_array_add(l->rows, g_new0(cli_cell, l->columns->len));
}

static cli_cell *
cell(cli_list *l, guint col)
{
	g_return_val_if_fail(l->rows->len > 0 && col < l->columns->len, NULL);
	return (cli_cell *)l->rows->pdata[l->rows->len - 1] + col;
}

void
cli_list_text(cli_list *l, guint col, const char *text)
{
	cli_cell *c = cell(l, col);

	if (!c || !text || !*text)
		return;
	g_free(c->text);
	c->text = g_strdup(text);
	c->set = true;
}

void
cli_list_time(cli_list *l, guint col, dispo_time t)
{
	cli_cell *c = cell(l, col);

	if (c && t) {
		c->value = t;
		c->set = true;
	}
}

void
cli_list_int(cli_list *l, guint col, int64_t value)
{
	cli_cell *c = cell(l, col);

	if (c) {
		c->value = value;
		c->set = true;
	}
}

void
cli_list_minutes(cli_list *l, guint col, int64_t minutes)
{
	if (minutes >= 0)
		cli_list_int(l, col, minutes);
}

void
cli_list_shown(cli_list *l, guint col, const char *shown)
{
	cli_cell *c = cell(l, col);

	if (c) {
		g_free(c->shown);
		c->shown = g_strdup(shown);
	}
}

char *
cli_minutes_text(int64_t minutes, const char *lang)
{
	bool en = g_strcmp0(lang, "en") == 0;
	int64_t h = minutes / 60, m = minutes % 60;
	GString *s = g_string_new(NULL);

	if (h)
		g_string_append_printf(
		    s, en ? "%" G_GINT64_FORMAT " hour%s" : "%" G_GINT64_FORMAT " jam", (gint64)h,
		    h == 1 ? "" : "s");
	if (m || !h)
		g_string_append_printf(
		    s, en ? "%s%" G_GINT64_FORMAT " minute%s" : "%s%" G_GINT64_FORMAT " menit",
		    h ? " " : "", (gint64)m, m == 1 ? "" : "s");
	return g_string_free(s, false);
}

/* ---- the formats ---------------------------------------------------------- */

/* The value as scripts read it (CSV): times in ISO 8601, numbers in digits. */
static char *
cell_data(const cli_column *col, const cli_cell *c, GTimeZone *tz)
{
	if (!c->set)
		return g_strdup("");
	switch (col->kind) {
	case CLI_CELL_TIME: return dispo_time_format_iso8601(c->value, tz);
	case CLI_CELL_INT:
	case CLI_CELL_MINUTES: return g_strdup_printf("%" G_GINT64_FORMAT, (gint64)c->value);
	default: return g_strdup(c->text);
	}
}

/* The value as people read it on a terminal. */
static char *
cell_shown(const cli_column *col, const cli_cell *c, GTimeZone *tz, const char *lang)
{
	if (c->shown)
		return g_strdup(c->shown);
	if (!c->set)
		return g_strdup("");
	switch (col->kind) {
	case CLI_CELL_TIME: return dispo_time_format_short(c->value, tz);
	case CLI_CELL_MINUTES: return cli_minutes_text(c->value, lang);
	case CLI_CELL_INT: return cell_data(col, c, tz);
	default: return col->cut ? dispo_utf8_truncate(c->text, col->cut) : g_strdup(c->text);
	}
}

static const cli_column *
column(const cli_list *l, guint i)
{
	return &g_array_index(l->columns, cli_column, i);
}

static void
table_append(GString *out, const cli_list *l, dispo_cli *cli)
{
	g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func((GDestroyNotify)g_strfreev);
	g_autoptr(GArray) shown = g_array_new(false, false, sizeof(guint));
	char **head;

	for (guint c = 0; c < l->columns->len; c++)
		if (!(column(l, c)->flags & (CLI_COLUMN_WIDE | CLI_COLUMN_DATA)))
			g_array_append_val(shown, c);
	head = g_new0(char *, shown->len + 1);
	for (guint i = 0; i < shown->len; i++)
		head[i] = g_strdup(column(l, g_array_index(shown, guint, i))->title);
	g_ptr_array_add(rows, head);
	for (guint r = 0; r < l->rows->len; r++) {
		const cli_cell *cells = l->rows->pdata[r];
		char **line = g_new0(char *, shown->len + 1);
		for (guint i = 0; i < shown->len; i++) {
			guint c = g_array_index(shown, guint, i);
			line[i] = cell_shown(column(l, c), &cells[c], cli->config->tz,
			                     cli->config->language);
		}
		g_ptr_array_add(rows, line);
	}
	cli_table_append(out, rows, shown->len);
}

static void
csv_head_append(GString *out, const cli_list *l)
{
	guint n = l->columns->len;
	g_autofree char **line = g_new0(char *, n + 1);

	for (guint c = 0; c < n; c++)
		line[c] = (char *)column(l, c)->key;
	cli_csv_row_append(out, line, n);
}

static void
csv_row_append(GString *out, const cli_list *l, const cli_cell *cells, GTimeZone *tz)
{
	guint n = l->columns->len;
	g_auto(GStrv) data = g_new0(char *, n + 1);

	for (guint c = 0; c < n; c++)
		data[c] = cell_data(column(l, c), &cells[c], tz);
	cli_csv_row_append(out, data, n);
}

static void
csv_append(GString *out, const cli_list *l, GTimeZone *tz)
{
	csv_head_append(out, l);
	for (guint r = 0; r < l->rows->len; r++)
		csv_row_append(out, l, l->rows->pdata[r], tz);
}

static char *
json_text(const cli_list *l, GTimeZone *tz)
{
	g_autoptr(JsonBuilder) b = json_builder_new();

	json_builder_begin_array(b);
	for (guint r = 0; r < l->rows->len; r++) {
		const cli_cell *cells = l->rows->pdata[r];
		json_builder_begin_object(b);
		for (guint c = 0; c < l->columns->len; c++) {
			const cli_column *col = column(l, c);
			json_builder_set_member_name(b, col->key);
			if (!cells[c].set) {
				json_builder_add_null_value(b);
			} else if (col->kind == CLI_CELL_INT || col->kind == CLI_CELL_MINUTES) {
				json_builder_add_int_value(b, cells[c].value);
			} else {
				g_autofree char *s = cell_data(col, &cells[c], tz);
				json_builder_add_string_value(b, s);
			}
		}
		json_builder_end_object(b);
	}
	json_builder_end_array(b);
	return cli_json_text(b);
}

/* The workbook's bytes: libxlsxwriter writes only to a named file. */
static GBytes *
xlsx_bytes(const cli_list *l, GTimeZone *tz, dispo_time created, GError **error)
{
	g_autofree char *path = NULL;
	char *data = NULL;
	size_t len = 0;
	int fd = g_file_open_tmp("dispo-XXXXXX.xlsx", &path, error);
	bool ok;

	if (fd < 0)
		return NULL;
	close(fd);
	ok = cli_list_xlsx_write(l, tz, created, path, error) &&
	     dispo_file_read(path, G_MAXSIZE, &data, &len, error);
	unlink(path);
	return ok ? g_bytes_new_take(data, len) : NULL;
}

bool
cli_format_parse(dispo_cli *cli, const char *text, const char *output, cli_format *fmt)
{
	static const char *const names[] = {"table", "json", "csv", "xlsx"};

	*fmt = CLI_FORMAT_TABLE;
	if (text) {
		guint i = 0;
		while (i < G_N_ELEMENTS(names) && strcmp(text, names[i]) != 0)
			i++;
		if (i == G_N_ELEMENTS(names)) {
			cli_error(cli, "--format must be table, csv, json or xlsx, not '%s'", text);
			return false;
		}
		*fmt = (cli_format)i;
	}
	/* A workbook is bytes a terminal cannot show: it goes to a file, or
	 * down a pipe or redirection that the administrator set up. */
	if (*fmt == CLI_FORMAT_XLSX && !output && isatty(STDOUT_FILENO)) {
		cli_error(cli,
		          "--format xlsx writes a file: add -o FILE.xlsx (or redirect standard "
		          "output to one)");
		return false;
	}
	return true;
}

bool
cli_list_stream(dispo_cli *cli, cli_list *l, cli_format fmt, const char *output)
{
	g_autoptr(GString) head = g_string_new(NULL);
	int fd;

	if (fmt != CLI_FORMAT_CSV)
		return true;
	g_return_val_if_fail(l->rows->len == 0 && !l->stream, false);
	if (output) {
		l->stream_path = g_strdup(output);
		l->stream_tmp = g_strdup_printf("%s.tmp.%d", output, (int)getpid());
		fd = open(l->stream_tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
		if (fd < 0 || !(l->stream = fdopen(fd, "w"))) {
			cli_error(cli, "cannot create %s: %s", l->stream_tmp, g_strerror(errno));
			if (fd >= 0)
				close(fd);
			g_clear_pointer(&l->stream_tmp, g_free);
			return false;
		}
	} else {
		l->stream = stdout;
	}
	l->stream_tz = cli->config->tz;
	csv_head_append(head, l);
	if (fwrite(head->str, 1, head->len, l->stream) != head->len)
		l->stream_failed = true;
	return true;
}

/* The end of a streamed list: the last row, then the file made whole. */
static int
stream_finish(dispo_cli *cli, cli_list *l)
{
	g_autoptr(GError) e = NULL;
	g_autofree char *dir = NULL;
	FILE *f = l->stream;

	stream_flush(l);
	l->stream = NULL;
	if (f == stdout) {
		if (l->stream_failed || fflush(stdout) != 0) {
			cli_error(cli, "cannot write to standard output");
			return EX_IOERR;
		}
		return EX_OK;
	}
	if (fflush(f) != 0 || fsync(fileno(f)) != 0)
		l->stream_failed = true;
	if (fclose(f) != 0 || l->stream_failed) {
		cli_error(cli, "cannot write %s: %s", l->stream_tmp, g_strerror(errno));
		return EX_CANTCREAT;
	}
	if (rename(l->stream_tmp, l->stream_path) != 0) {
		cli_error(cli, "cannot rename to %s: %s", l->stream_path, g_strerror(errno));
		return EX_CANTCREAT;
	}
	g_clear_pointer(&l->stream_tmp, g_free);
	dir = g_path_get_dirname(l->stream_path);
	if (!dispo_fsync_dir(dir, &e)) {
		cli_error(cli, "%s", e->message);
		return EX_CANTCREAT;
	}
	return EX_OK;
}

int
cli_list_print(dispo_cli *cli, cli_list *l, cli_format fmt, const char *output, JsonBuilder *json)
{
	GTimeZone *tz = cli->config->tz;
	g_autoptr(GError) e = NULL;
	g_autoptr(GBytes) bytes = NULL;
	gsize len;
	const char *data;

	if (l->stream)
		return stream_finish(cli, l);
	if (fmt == CLI_FORMAT_XLSX) {
		if (!(bytes = xlsx_bytes(l, tz, cli->now, &e))) {
			cli_error(cli, "cannot write the workbook: %s", e->message);
			return EX_CANTCREAT;
		}
	} else if (fmt == CLI_FORMAT_JSON) {
		char *text = json ? cli_json_text(json) : json_text(l, tz);
		bytes = g_bytes_new_take(text, strlen(text));
	} else {
		GString *out = g_string_new(NULL);
		if (fmt == CLI_FORMAT_CSV)
			csv_append(out, l, tz);
		else if (l->rows->len == 0 && l->empty)
			g_string_append_printf(out, "%s\n", l->empty);
		else
			table_append(out, l, cli);
		bytes = g_string_free_to_bytes(out);
	}
	data = g_bytes_get_data(bytes, &len);
	if (output) {
		/* Replaced whole: a reader never sees half an export. */
		if (!dispo_file_write_atomic(output, data, len, 0666, &e)) {
			cli_error(cli, "%s", e->message);
			return EX_CANTCREAT;
		}
		return EX_OK;
	}
	if (fwrite(data, 1, len, stdout) != len || fflush(stdout) != 0) {
		cli_error(cli, "cannot write to standard output");
		return EX_IOERR;
	}
	return EX_OK;
}
