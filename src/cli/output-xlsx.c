/* SPDX-License-Identifier: GPL-3.0-or-later */
/* output-xlsx.c: a list as an xlsx workbook for people, the only file that
 * includes libxlsxwriter: codes as text cells, times and days as date
 * cells, working time as durations, a frozen header row. */
#include "config.h"

#include "cli/cli.h"

#include <string.h>
#include <xlsxwriter.h>

/* A spreadsheet's row limit, header included. */
#define MAX_ROWS 1048576u
/* A cell holds at most this many characters. */
#define MAX_CHARS 32767
/* Column widths in characters: readable, never a screen wide. */
#define MIN_WIDTH 6
#define MAX_WIDTH 60

typedef struct formats {
	lxw_format *head, *code, *time, *date, *minutes;
} formats;

static void
formats_add(lxw_workbook *wb, formats *f)
{
	f->head = workbook_add_format(wb);
	format_set_bold(f->head);
	/* "@" keeps the cell text when someone types into it again. */
	f->code = workbook_add_format(wb);
	format_set_num_format(f->code, "@");
	f->time = workbook_add_format(wb);
	format_set_num_format(f->time, "yyyy-mm-dd hh:mm");
	f->date = workbook_add_format(wb);
	format_set_num_format(f->date, "yyyy-mm-dd");
	/* Hours past 24 stay hours: a working day is not 24 hours. */
	f->minutes = workbook_add_format(wb);
	format_set_num_format(f->minutes, "[h]:mm");
}

/* Valid UTF-8 without control characters, within a cell's limit. */
static char *
cell_text(const char *s)
{
	g_autofree char *clean = dispo_utf8_clean(s, -1);

	if (g_utf8_strlen(clean, -1) <= MAX_CHARS)
		return g_steal_pointer(&clean);
	return g_utf8_substring(clean, 0, MAX_CHARS);
}

/* The office's wall-clock time: a spreadsheet's dates have no zone. */
static bool
local_time(dispo_time t, GTimeZone *tz, lxw_datetime *out)
{
	g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc(t);
	g_autoptr(GDateTime) local = utc ? g_date_time_to_timezone(utc, tz) : NULL;

	if (!local)
		return false;
	*out = (lxw_datetime){g_date_time_get_year(local),         g_date_time_get_month(local),
	                      g_date_time_get_day_of_month(local), g_date_time_get_hour(local),
	                      g_date_time_get_minute(local),       g_date_time_get_second(local)};
	return true;
}

static bool
day(const char *s, lxw_datetime *out)
{
	unsigned y, m, d;
	int n = 0;

	if (!s || sscanf(s, "%4u-%2u-%2u%n", &y, &m, &d, &n) != 3 || n != 10 || s[n] || y < 1900 ||
	    !g_date_valid_dmy((GDateDay)d, (GDateMonth)m, (GDateYear)y))
		return false;
	*out = (lxw_datetime){(int)y, (int)m, (int)d, 0, 0, 0};
	return true;
}

/* Writes one cell; returns its width in characters. */
static size_t
cell_write(lxw_worksheet *ws, lxw_row_t row, lxw_col_t col, const cli_column *c, const cli_cell *v,
           GTimeZone *tz, const formats *f, lxw_error *err)
{
	lxw_datetime dt;

	if (!v->set)
		return 0;
	switch (c->kind) {
	case CLI_CELL_TIME:
		if (!local_time(v->value, tz, &dt))
			break;
		*err = worksheet_write_datetime(ws, row, col, &dt, f->time);
		return 16;
	case CLI_CELL_DATE:
		/* A day written otherwise stays as the text it is. */
		if (!day(v->text, &dt))
			break;
		*err = worksheet_write_datetime(ws, row, col, &dt, f->date);
		return 10;
	case CLI_CELL_INT:
		*err = worksheet_write_number(ws, row, col, (double)v->value, NULL);
		return 8;
	case CLI_CELL_MINUTES:
		*err =
		    worksheet_write_number(ws, row, col, (double)v->value / (24 * 60), f->minutes);
		return 8;
	default: break;
	}
	{
		g_autofree char *s = v->text
		                         ? cell_text(v->text)
		                         : g_strdup_printf("%" G_GINT64_FORMAT, (gint64)v->value);
		*err = worksheet_write_string(ws, row, col, s,
		                              c->kind == CLI_CELL_CODE ? f->code : NULL);
		return dispo_utf8_width(s);
	}
}

bool
cli_list_xlsx_write(const cli_list *l, GTimeZone *tz, dispo_time created, const char *path,
                    GError **error)
{
	g_autoptr(GArray) cols = g_array_new(false, false, sizeof(guint));
	g_autofree size_t *width = NULL;
	lxw_workbook *wb;
	lxw_worksheet *ws;
	lxw_error err = LXW_NO_ERROR, closed;
	formats f;

	if (l->rows->len >= MAX_ROWS) {
		g_set_error(error, DISPO_IO_ERROR, DISPO_IO_ERROR_TOO_LARGE,
		            "%u rows are more than a spreadsheet holds; use --format csv",
		            l->rows->len);
		return false;
	}
	for (guint c = 0; c < l->columns->len; c++)
		if (!(g_array_index(l->columns, cli_column, c).flags & CLI_COLUMN_DATA))
			g_array_append_val(cols, c);
	if (!(wb = workbook_new(path))) {
		g_set_error(error, DISPO_IO_ERROR, DISPO_IO_ERROR_PERMANENT,
		            "cannot create a workbook at %s", path);
		return false;
	}
	/* The same data at the same --now makes the same bytes: the file's
	 * own creation time is the command's time, not the clock's second. */
	{
		lxw_doc_properties props = {.created = (time_t)created};
		workbook_set_properties(wb, &props);
	}
	formats_add(wb, &f);
	ws = workbook_add_worksheet(wb, l->name);
	width = g_new0(size_t, cols->len);
	for (guint i = 0; i < cols->len && ws && !err; i++) {
		const cli_column *c =
		    &g_array_index(l->columns, cli_column, g_array_index(cols, guint, i));
		err = worksheet_write_string(ws, 0, (lxw_col_t)i, c->title, f.head);
		width[i] = dispo_utf8_width(c->title) + 3; /* room for the filter's button */
	}
	for (guint r = 0; r < l->rows->len && ws && !err; r++) {
		const cli_cell *cells = l->rows->pdata[r];
		for (guint i = 0; i < cols->len && !err; i++) {
			guint c = g_array_index(cols, guint, i);
			size_t w = cell_write(ws, (lxw_row_t)(r + 1), (lxw_col_t)i,
			                      &g_array_index(l->columns, cli_column, c), &cells[c],
			                      tz, &f, &err);
			width[i] = MAX(width[i], w + 1);
		}
	}
	if (ws && !err && cols->len) {
		for (guint i = 0; i < cols->len; i++)
			worksheet_set_column(ws, (lxw_col_t)i, (lxw_col_t)i,
			                     (double)CLAMP(width[i], MIN_WIDTH, MAX_WIDTH), NULL);
		/* The header stays in view and sorts and filters the rows. */
		worksheet_freeze_panes(ws, 1, 0);
		err = worksheet_autofilter(ws, 0, 0, (lxw_row_t)l->rows->len,
		                           (lxw_col_t)(cols->len - 1));
	}
	/* Closing writes the file and frees the workbook, also after an error. */
	closed = workbook_close(wb);
	if (!ws || err || closed) {
		g_set_error(error, DISPO_IO_ERROR, DISPO_IO_ERROR_PERMANENT, "%s: %s", path,
		            ws ? lxw_strerror(err ? err : closed) : "cannot add a worksheet");
		return false;
	}
	return true;
}
