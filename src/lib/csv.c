/* SPDX-License-Identifier: GPL-3.0-or-later */
/* csv.c: an RFC 4180 reader for files administrators export from a
 * spreadsheet (the employee register): strict, with errors that say where. */
#include "config.h"

#include "lib/lib.h"

#include <stdarg.h>
#include <string.h>

/* clang-format off */
G_DEFINE_QUARK(dispo-csv-error-quark, dispo_csv_error)
/* clang-format on */

typedef struct {
	const char *start; /* after the BOM */
	const char *p;
	const char *end;
	const char *origin;
	unsigned line;          /* physical line of p, from 1 */
	const char *line_start; /* first byte of that line */
} reader;

/* Columns count characters, not bytes: that is what an editor shows. The
 * text before `at` is valid UTF-8 (checked before parsing starts). */
static unsigned
column_of(const char *line_start, const char *at)
{
	return (unsigned)g_utf8_strlen(line_start, at - line_start) + 1;
}

static GPtrArray *fail_at(reader *r, GError **error, int code, unsigned line,
                          const char *line_start, const char *at, const char *fmt, ...)
    G_GNUC_PRINTF(7, 8);

static GPtrArray *
fail_at(reader *r, GError **error, int code, unsigned line, const char *line_start, const char *at,
        const char *fmt, ...)
{
	va_list ap;
	g_autofree char *msg = NULL;

	va_start(ap, fmt);
	msg = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	if (r->origin)
		g_set_error(error, DISPO_CSV_ERROR, code, "%s:%u:%u: %s", r->origin, line,
		            column_of(line_start, at), msg);
	else
		g_set_error(error, DISPO_CSV_ERROR, code, "line %u, column %u: %s", line,
		            column_of(line_start, at), msg);
	return NULL;
}

void
dispo_csv_row_free(dispo_csv_row *row)
{
	if (!row)
		return;
	g_strfreev(row->fields);
	g_free(row);
}

/* Finds the first byte that is not UTF-8 text (or is NUL) and says where;
 * line and column count what comes before it. */
static bool
check_encoding(reader *r, GError **error)
{
	const char *bad = NULL;
	const char *line_start = r->start;
	unsigned line = 1;

	if (g_utf8_validate_len(r->start, r->end - r->start, &bad))
		return true;
	for (const char *q = r->start; q < bad; q++)
		if (*q == '\n')
			line++, line_start = q + 1;
	if (*bad == '\0')
		fail_at(r, error, DISPO_CSV_ERROR_ENCODING, line, line_start, bad,
		        "a NUL byte: this is not a text file");
	else
		fail_at(r, error, DISPO_CSV_ERROR_ENCODING, line, line_start, bad,
		        "byte 0x%02x is not UTF-8 (save the file as \"CSV UTF-8\")",
		        (unsigned char)*bad);
	return false;
}

static bool
at_line_end(const reader *r)
{
	return r->p < r->end &&
	       (*r->p == '\n' || (*r->p == '\r' && r->p + 1 < r->end && r->p[1] == '\n'));
}

static void
skip_line_end(reader *r)
{
	r->p += *r->p == '\r' ? 2 : 1;
	r->line++;
	r->line_start = r->p;
}

/* Reads one field at r->p into field; leaves r->p on the ',', the line end
 * or the end of the data. */
static bool
read_field(reader *r, GString *field, GError **error)
{
	const char *open = r->p;
	unsigned open_line = r->line;
	const char *open_line_start = r->line_start;

	g_string_truncate(field, 0);
	if (r->p < r->end && *r->p == '"') {
		r->p++;
		for (;;) {
			if (r->p >= r->end) {
				fail_at(r, error, DISPO_CSV_ERROR_SYNTAX, open_line,
				        open_line_start, open,
				        "the quoted field that starts here is never closed");
				return false;
			}
			if (*r->p == '"') {
				if (r->p + 1 < r->end && r->p[1] == '"') {
					g_string_append_c(field, '"');
					r->p += 2;
					continue;
				}
				r->p++;
				break;
			}
			if (*r->p == '\n') {
				r->line++;
				r->line_start = r->p + 1;
			}
			g_string_append_c(field, *r->p++);
			if (field->len > DISPO_CSV_FIELD_MAX) {
				fail_at(r, error, DISPO_CSV_ERROR_LIMIT, open_line, open_line_start,
				        open, "the field that starts here is longer than %u KiB",
				        DISPO_CSV_FIELD_MAX / 1024);
				return false;
			}
		}
		if (r->p < r->end && *r->p != ',' && !at_line_end(r)) {
			fail_at(r, error, DISPO_CSV_ERROR_SYNTAX, r->line, r->line_start, r->p,
			        "text after the closing quote (a quote inside a quoted field "
			        "is written twice: \"\")");
			return false;
		}
		return true;
	}
	while (r->p < r->end && *r->p != ',' && *r->p != '\n') {
		if (*r->p == '"') {
			fail_at(r, error, DISPO_CSV_ERROR_SYNTAX, r->line, r->line_start, r->p,
			        "a quote inside a field that does not start with one (put "
			        "the field in quotes and write the quote twice: \"\")");
			return false;
		}
		if (*r->p == '\r') {
			if (at_line_end(r))
				break;
			fail_at(r, error, DISPO_CSV_ERROR_SYNTAX, r->line, r->line_start, r->p,
			        "a carriage return that does not end a line");
			return false;
		}
		g_string_append_c(field, *r->p++);
		if (field->len > DISPO_CSV_FIELD_MAX) {
			fail_at(r, error, DISPO_CSV_ERROR_LIMIT, r->line, r->line_start, open,
			        "the field that starts here is longer than %u KiB",
			        DISPO_CSV_FIELD_MAX / 1024);
			return false;
		}
	}
	return true;
}

/* Reads the row at r->p (not at the end, not on an empty line). */
static dispo_csv_row *
read_row(reader *r, GError **error)
{
	g_autoptr(GPtrArray) fields = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GString) field = g_string_new(NULL);
	dispo_csv_row *row;

	row = g_new0(dispo_csv_row, 1);
	row->line = r->line;
	for (;;) {
		if (fields->len >= DISPO_CSV_FIELDS_MAX) {
			fail_at(r, error, DISPO_CSV_ERROR_LIMIT, r->line, r->line_start, r->p,
			        "more than %u fields in one row", DISPO_CSV_FIELDS_MAX);
			goto fail;
		}
		if (!read_field(r, field, error))
			goto fail;
		g_ptr_array_add(fields, g_strndup(field->str, field->len));
		if (r->p < r->end && *r->p == ',') {
			r->p++;
			continue;
		}
		if (r->p < r->end)
			skip_line_end(r);
		break;
	}
	row->n_fields = fields->len;
	g_ptr_array_add(fields, NULL);
	row->fields = (char **)g_ptr_array_steal(fields, NULL);
	return row;
fail:
	dispo_csv_row_free(row);
	return NULL;
}

GPtrArray *
dispo_csv_parse(const char *data, size_t len, const char *origin, GError **error)
{
	g_autoptr(GPtrArray) rows =
	    g_ptr_array_new_with_free_func((GDestroyNotify)dispo_csv_row_free);
	reader r = {.start = data, .p = data, .end = data + len, .origin = origin, .line = 1};

	/* Excel's "CSV UTF-8" starts with a byte order mark. */
	if (len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0)
		r.start = r.p = data + 3;
	r.line_start = r.p;
	if (!check_encoding(&r, error))
		return NULL;
	while (r.p < r.end) {
		dispo_csv_row *row;
		/* Blank lines (a spreadsheet's trailing ones, a hand-edited gap)
		 * hold no row. */
		if (at_line_end(&r)) {
			skip_line_end(&r);
			continue;
		}
		row = read_row(&r, error);
		if (!row)
			return NULL;
		g_ptr_array_add(rows, row);
		if (rows->len > 1) {
			const dispo_csv_row *header = rows->pdata[0];
			if (row->n_fields != header->n_fields) {
				g_set_error(error, DISPO_CSV_ERROR, DISPO_CSV_ERROR_SHAPE,
				            "%s%s%u: %u field%s, but the header has %u",
				            origin ? origin : "line ", origin ? ":" : "", row->line,
				            row->n_fields, row->n_fields == 1 ? "" : "s",
				            header->n_fields);
				return NULL;
			}
		}
	}
	if (rows->len == 0) {
		g_set_error(error, DISPO_CSV_ERROR, DISPO_CSV_ERROR_SHAPE,
		            "%s%sno header row: the file is empty", origin ? origin : "",
		            origin ? ": " : "");
		return NULL;
	}
	return g_steal_pointer(&rows);
}
