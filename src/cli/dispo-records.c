/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dispo-records.c: `dispo records applications|letters|certificates`: the
 * SOP's records (the applications, the recommendation letters, the
 * employees with certificates) as a table, JSON or CSV for a spreadsheet;
 * `dispo certificates list` is the last of them. */
#include "config.h"

#include "cli/cli.h"

#include <stdio.h>
#include <string.h>

typedef enum { OUT_TABLE, OUT_JSON, OUT_CSV } out_format;

/* Prints rows (the first is the header) in the format; JSON objects take
 * the header's names in lower case. */
static void
emit(GPtrArray *rows, guint ncols, out_format fmt)
{
	if (fmt == OUT_CSV) {
		cli_csv_print(rows, ncols);
	} else if (fmt == OUT_TABLE) {
		cli_table_print(rows, ncols);
	} else {
		g_autoptr(JsonBuilder) b = json_builder_new();
		char **head = rows->pdata[0];
		json_builder_begin_array(b);
		for (guint r = 1; r < rows->len; r++) {
			char **cells = rows->pdata[r];
			json_builder_begin_object(b);
			for (guint c = 0; c < ncols; c++) {
				g_autofree char *key = g_ascii_strdown(head[c], -1);
				cli_json_string(b, key, cells[c] && *cells[c] ? cells[c] : NULL);
			}
			json_builder_end_object(b);
		}
		json_builder_end_array(b);
		cli_json_print(b);
	}
}

static char *
when(dispo_cli *cli, dispo_time t)
{
	return t ? dispo_time_format_iso8601(t, cli->config->tz) : g_strdup("");
}

static int
certificates(dispo_cli *cli, dispo_store *store, out_format fmt)
{
	g_autoptr(GError) e = NULL;
	g_autoptr(GPtrArray) list = store_certificates_list(store, &e);
	g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func((GDestroyNotify)g_strfreev);

	if (!list) {
		cli_error(cli, "%s", e->message);
		return cli_exit_code(e);
	}
	g_ptr_array_add(rows, g_strsplit("NAME|NIP|EMAIL|SERIAL|STATE|ISSUED_AT|REQUEST|"
	                                 "REVOKED_AT|REVOKE_REQUEST|VALID_FROM|VALID_UNTIL",
	                                 "|", -1));
	for (guint i = 0; i < list->len; i++) {
		const dispo_certificate_row *c = list->pdata[i];
		char **cells = g_new0(char *, 12);
		cells[0] = g_strdup(c->name ? c->name : "");
		cells[1] = g_strdup(c->nip ? c->nip : "");
		cells[2] = g_strdup(c->email);
		cells[3] = g_strdup(c->serial ? c->serial : "");
		cells[4] = g_strdup(c->state);
		cells[5] = when(cli, c->issued_at);
		cells[6] = g_strdup(c->request ? c->request : "");
		cells[7] = when(cli, c->revoked_at);
		cells[8] = g_strdup(c->revoke_request ? c->revoke_request : "");
		cells[9] = g_strdup(c->valid_from ? c->valid_from : "");
		cells[10] = g_strdup(c->valid_until ? c->valid_until : "");
		g_ptr_array_add(rows, cells);
	}
	emit(rows, 11, fmt);
	return EX_OK;
}

static int
letters(dispo_cli *cli, dispo_store *store, out_format fmt)
{
	g_autoptr(GError) e = NULL;
	g_autoptr(GPtrArray) list = store_request_files(store, 0, "letter", &e);
	g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func((GDestroyNotify)g_strfreev);

	if (!list) {
		cli_error(cli, "%s", e->message);
		return cli_exit_code(e);
	}
	g_ptr_array_add(rows, g_strsplit("NUMBER|REQUEST|DATE|FILE|SHA256|PATH", "|", -1));
	for (guint i = 0; i < list->len; i++) {
		const dispo_file_row *f = list->pdata[i];
		char **cells = g_new0(char *, 7);
		cells[0] = g_strdup(f->number ? f->number : "");
		cells[1] = g_strdup(f->request);
		cells[2] = when(cli, f->created_at);
		cells[3] = g_strdup(f->name);
		cells[4] = g_strdup(f->sha256);
		cells[5] = store_blob_path(store, f->sha256);
		g_ptr_array_add(rows, cells);
	}
	emit(rows, 6, fmt);
	return EX_OK;
}

static int
applications(dispo_cli *cli, dispo_store *store, out_format fmt)
{
	g_autoptr(GError) e = NULL;
	g_autoptr(GPtrArray) list = store_requests_list(store, &e);
	g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func((GDestroyNotify)g_strfreev);

	if (!list) {
		cli_error(cli, "%s", e->message);
		return cli_exit_code(e);
	}
	g_ptr_array_add(rows,
	                g_strsplit("REQUEST|WORKFLOW|STATE|APPLICANT|RECEIVED|SUBJECT", "|", -1));
	for (guint i = 0; i < list->len; i++) {
		const dispo_request_row *r = list->pdata[i];
		char **cells = g_new0(char *, 7);
		cells[0] = g_strdup(r->number);
		cells[1] = g_strdup(r->workflow);
		cells[2] = g_strdup(r->state);
		cells[3] = g_strdup(r->applicant);
		cells[4] = when(cli, r->created_at);
		cells[5] = g_strdup(r->subject ? r->subject : "");
		g_ptr_array_add(rows, cells);
	}
	emit(rows, 6, fmt);
	return EX_OK;
}

static int
records(dispo_cli *cli, int argc, char **argv, const char *fixed)
{
	g_autofree char *format_s = NULL;
	GOptionEntry entries[] = {{"format", 'f', 0, G_OPTION_ARG_STRING, &format_s,
	                           "table (default), json or csv", "FORMAT"},
	                          G_OPTION_ENTRY_NULL};
	g_autoptr(dispo_store) store = NULL;
	out_format fmt = OUT_TABLE;
	const char *what;
	int rc;

	/* certificates is a command of its own for the administrator, so its
	 * help describes the register, not the records command it shares. */
	if (!cli_parse(cli, entries, fixed ? "[list]" : "applications | letters | certificates",
	               fixed
	                   ? "The register of issued certificates: each employee who holds or held "
	                     "one,\nwith its serial, state (issued or revoked), validity and the "
	                     "requests\nthat issued and revoked it; the revocation workflow "
	                     "checks senders\nagainst it. For a spreadsheet, --format csv."
	                   : "The SOP's records: the applications, the recommendation letters, and "
	                     "the\nemployees with certificates (issued and revoked), for a "
	                     "spreadsheet with\n--format csv.",
	               &argc, &argv))
		return EX_USAGE;
	if (format_s && strcmp(format_s, "json") == 0)
		fmt = OUT_JSON;
	else if (format_s && strcmp(format_s, "csv") == 0)
		fmt = OUT_CSV;
	else if (format_s && strcmp(format_s, "table") != 0) {
		cli_error(cli, "--format must be table, json or csv, not '%s'", format_s);
		return EX_USAGE;
	}
	what = fixed ? fixed : argc > 1 ? argv[1] : NULL;
	if ((fixed && argc > 1 && strcmp(argv[1], "list") != 0) || (!fixed && argc != 2) || !what ||
	    (strcmp(what, "applications") != 0 && strcmp(what, "letters") != 0 &&
	     strcmp(what, "certificates") != 0)) {
		if (fixed)
			cli_error(cli, "use '%s' or '%s list'", fixed, fixed);
		else
			cli_error(cli, "use 'records applications', 'records letters' or "
			               "'records certificates'");
		return EX_USAGE;
	}
	if ((rc = cli_start(cli, &store)) != EX_OK)
		return rc;
	if (strcmp(what, "applications") == 0)
		return applications(cli, store, fmt);
	if (strcmp(what, "letters") == 0)
		return letters(cli, store, fmt);
	return certificates(cli, store, fmt);
}

int
cli_records(dispo_cli *cli, int argc, char **argv)
{
	return records(cli, argc, argv, NULL);
}

int
cli_certificates(dispo_cli *cli, int argc, char **argv)
{
	return records(cli, argc, argv, "certificates");
}
