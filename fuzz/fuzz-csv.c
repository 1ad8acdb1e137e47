/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz-csv.c: any bytes as a CSV file: rows that keep the reader's promises
 * (same field count as the header, NUL-terminated fields within the limit)
 * or an error, never a crash. */
#include "config.h"

#include "lib/lib.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	GError *e = NULL;
	GPtrArray *rows = dispo_csv_parse((const char *)data, size, "fuzz.csv", &e);

	if (!rows) {
		if (!e)
			__builtin_trap();
		g_clear_error(&e);
		return 0;
	}
	for (guint i = 0; i < rows->len; i++) {
		const dispo_csv_row *r = rows->pdata[i];
		const dispo_csv_row *header = rows->pdata[0];
		if (r->n_fields != header->n_fields || r->fields[r->n_fields] != NULL ||
		    r->line == 0)
			__builtin_trap();
		for (unsigned f = 0; f < r->n_fields; f++)
			if (strlen(r->fields[f]) > DISPO_CSV_FIELD_MAX ||
			    !g_utf8_validate(r->fields[f], -1, NULL))
				__builtin_trap();
	}
	g_ptr_array_unref(rows);
	return 0;
}
