/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dispo-records.c: `dispo records applications|letters|certificates`: the
 * SOP's records (the applications with where they are and the working time
 * of each step, the recommendation letters, the employees with
 * certificates) as a table, a workbook, CSV or JSON; `dispo certificates
 * list` is the last of them. */
#include "config.h"

#include "cli/cli.h"

#include <stdio.h>
#include <string.h>

enum {
	CE_NAME,
	CE_NIP,
	CE_EMAIL,
	CE_SERIAL,
	CE_STATE,
	CE_ISSUED,
	CE_REQUEST,
	CE_REVOKED,
	CE_REVOKE_REQUEST,
	CE_VALID_FROM,
	CE_VALID_UNTIL,
};
static const cli_column certificate_columns[] = {
    [CE_NAME] = {"name", "NAME", CLI_CELL_TEXT, 0, 0},
    [CE_NIP] = {"nip", "NIP", CLI_CELL_CODE, 0, 0},
    [CE_EMAIL] = {"email", "EMAIL", CLI_CELL_TEXT, 0, 0},
    /* Serials can be all digits, and must not become numbers. */
    [CE_SERIAL] = {"serial", "SERIAL", CLI_CELL_CODE, 0, 0},
    [CE_STATE] = {"state", "STATE", CLI_CELL_TEXT, 0, 0},
    [CE_ISSUED] = {"issued_at", "ISSUED_AT", CLI_CELL_TIME, 0, 0},
    [CE_REQUEST] = {"request", "REQUEST", CLI_CELL_TEXT, 0, 0},
    [CE_REVOKED] = {"revoked_at", "REVOKED_AT", CLI_CELL_TIME, 0, 0},
    [CE_REVOKE_REQUEST] = {"revoke_request", "REVOKE_REQUEST", CLI_CELL_TEXT, 0, 0},
    [CE_VALID_FROM] = {"valid_from", "VALID_FROM", CLI_CELL_DATE, 0, 0},
    [CE_VALID_UNTIL] = {"valid_until", "VALID_UNTIL", CLI_CELL_DATE, 0, 0},
};

static int
certificates(dispo_cli *cli, dispo_store *store, cli_list *l)
{
	g_autoptr(GError) e = NULL;
	g_autoptr(GPtrArray) list = store_certificates_list(store, &e);

	if (!list) {
		cli_error(cli, "%s", e->message);
		return cli_exit_code(e);
	}
	cli_list_columns(l, certificate_columns, G_N_ELEMENTS(certificate_columns));
	for (guint i = 0; i < list->len; i++) {
		const dispo_certificate_row *c = list->pdata[i];
		cli_list_row(l);
		cli_list_text(l, CE_NAME, c->name);
		cli_list_text(l, CE_NIP, c->nip);
		cli_list_text(l, CE_EMAIL, c->email);
		cli_list_text(l, CE_SERIAL, c->serial);
		cli_list_text(l, CE_STATE, c->state);
		cli_list_time(l, CE_ISSUED, c->issued_at);
		cli_list_text(l, CE_REQUEST, c->request);
		cli_list_time(l, CE_REVOKED, c->revoked_at);
		cli_list_text(l, CE_REVOKE_REQUEST, c->revoke_request);
		cli_list_text(l, CE_VALID_FROM, c->valid_from);
		cli_list_text(l, CE_VALID_UNTIL, c->valid_until);
	}
	return EX_OK;
}

enum { LE_NUMBER, LE_REQUEST, LE_DATE, LE_FILE, LE_SHA256, LE_PATH };
static const cli_column letter_columns[] = {
    [LE_NUMBER] = {"number", "NUMBER", CLI_CELL_TEXT, 0, 0},
    [LE_REQUEST] = {"request", "REQUEST", CLI_CELL_TEXT, 0, 0},
    [LE_DATE] = {"date", "DATE", CLI_CELL_TIME, 0, 0},
    [LE_FILE] = {"file", "FILE", CLI_CELL_TEXT, 0, 0},
    [LE_SHA256] = {"sha256", "SHA256", CLI_CELL_TEXT, 0, 0},
    [LE_PATH] = {"path", "PATH", CLI_CELL_TEXT, 0, 0},
};

static int
letters(dispo_cli *cli, dispo_store *store, cli_list *l)
{
	g_autoptr(GError) e = NULL;
	g_autoptr(GPtrArray) list = store_request_files(store, 0, "letter", &e);

	if (!list) {
		cli_error(cli, "%s", e->message);
		return cli_exit_code(e);
	}
	cli_list_columns(l, letter_columns, G_N_ELEMENTS(letter_columns));
	for (guint i = 0; i < list->len; i++) {
		const dispo_file_row *f = list->pdata[i];
		g_autofree char *path = store_blob_path(store, f->sha256);
		cli_list_row(l);
		cli_list_text(l, LE_NUMBER, f->number);
		cli_list_text(l, LE_REQUEST, f->request);
		cli_list_time(l, LE_DATE, f->created_at);
		cli_list_text(l, LE_FILE, f->name);
		cli_list_text(l, LE_SHA256, f->sha256);
		cli_list_text(l, LE_PATH, path);
	}
	return EX_OK;
}

/* ---- applications -------------------------------------------------------- */

/* The first six columns are those the export had before, in their order,
 * for the scripts that read them by position. */
enum {
	AP_REQUEST,
	AP_WORKFLOW,
	AP_STATE,
	AP_APPLICANT,
	AP_RECEIVED,
	AP_SUBJECT,
	AP_NAME,
	AP_NIP,
	AP_UNIT,
	AP_STEP,
	AP_HOLDER,
	AP_DECIDED,
	AP_TOTAL,
	AP_STEPS, /* then one column per step of the rules */
};
static const cli_column application_columns[] = {
    [AP_REQUEST] = {"request", "REQUEST", CLI_CELL_TEXT, 0, 0},
    [AP_WORKFLOW] = {"workflow", "WORKFLOW", CLI_CELL_TEXT, CLI_COLUMN_WIDE, 0},
    [AP_STATE] = {"state", "STATE", CLI_CELL_TEXT, 0, 0},
    [AP_APPLICANT] = {"applicant", "APPLICANT", CLI_CELL_TEXT, CLI_COLUMN_WIDE, 0},
    [AP_RECEIVED] = {"received", "RECEIVED", CLI_CELL_TIME, 0, 0},
    [AP_SUBJECT] = {"subject", "SUBJECT", CLI_CELL_TEXT, CLI_COLUMN_WIDE, 0},
    [AP_NAME] = {"name", "NAME", CLI_CELL_TEXT, 0, 24},
    [AP_NIP] = {"nip", "NIP", CLI_CELL_CODE, 0, 0},
    [AP_UNIT] = {"unit", "UNIT", CLI_CELL_TEXT, CLI_COLUMN_WIDE, 0},
    [AP_STEP] = {"step", "STEP", CLI_CELL_TEXT, CLI_COLUMN_WIDE, 0},
    [AP_HOLDER] = {"holder", "HOLDER", CLI_CELL_TEXT, 0, 0},
    [AP_DECIDED] = {"decided", "DECIDED", CLI_CELL_TIME, 0, 0},
    [AP_TOTAL] = {"total_minutes", "TOTAL", CLI_CELL_MINUTES, CLI_COLUMN_WIDE, 0},
};

/* Adds a column of working time for each step of the rules' workflows,
 * each name once, in the rules' order; returns the names. A name two
 * workflows share with different titles is titled by its name. */
static GPtrArray *
step_columns(const dispo_rules *rules, cli_list *l)
{
	const GPtrArray *wfs = rules_workflows(rules);
	g_autoptr(GHashTable) titles = g_hash_table_new(g_str_hash, g_str_equal);
	GPtrArray *names = g_ptr_array_new();

	for (guint i = 0; i < wfs->len; i++) {
		const dispo_rules_workflow *wf = wfs->pdata[i];
		for (guint k = 0; wf->steps && k < wf->steps->len; k++) {
			const dispo_rules_step *s = wf->steps->pdata[k];
			const char *title = s->title ? s->title : s->name;
			if (s->is_end)
				continue;
			if (!g_hash_table_contains(titles, s->name)) {
				g_ptr_array_add(names, s->name);
				g_hash_table_insert(titles, s->name, (gpointer)title);
			} else if (g_strcmp0(g_hash_table_lookup(titles, s->name), title) != 0) {
				g_hash_table_insert(titles, s->name, s->name);
			}
		}
	}
	for (guint k = 0; k < names->len; k++) {
		g_autofree char *key = g_strdup_printf("%s_minutes", (const char *)names->pdata[k]);
		cli_list_column(l, key, g_hash_table_lookup(titles, names->pdata[k]),
		                CLI_CELL_MINUTES, CLI_COLUMN_WIDE, 0);
	}
	return names;
}

static int64_t
minutes(int64_t secs)
{
	return secs < 0 ? -1 : (secs + 30) / 60;
}

/* One walk over the store, request by request: each request's working
 * time per step is made from its events, its row written (streamed in
 * CSV), and both forgotten before the next. */
typedef struct apps_ctx {
	dispo_cli *cli;
	cli_where *where;
	cli_list *l;
	GPtrArray *steps;
	dispo_step_times *times; /* of request */
	int64_t request;
} apps_ctx;

static bool
apps_event(const dispo_report_event *ev, void *user, GError **error)
{
	apps_ctx *a = user;

	(void)error;
	if (ev->request_id != a->request) {
		g_clear_pointer(&a->times, workflow_step_times_free);
		a->request = ev->request_id;
		a->times = workflow_step_times_new(cli_where_calendar(a->where));
		workflow_step_times_begin(
		    a->times, rules_workflow_get(cli_where_rules(a->where), ev->workflow),
		    ev->received);
	}
	if (ev->workflow_event)
		workflow_step_times_event(a->times, ev->at, ev->kind, ev->step, ev->previous);
	return true;
}

static bool
apps_request(dispo_request_row *r, void *user, GError **error)
{
	apps_ctx *a = user;
	const dispo_step_times *times = a->request == r->id ? a->times : NULL;
	dispo_time now = a->cli->now;
	cli_list *l = a->l;
	cli_request_at at;

	if (!cli_where_find(a->where, r, &at, error))
		return false;
	cli_list_row(l);
	cli_list_text(l, AP_REQUEST, r->number);
	cli_list_text(l, AP_WORKFLOW, r->workflow);
	cli_list_text(l, AP_NAME, r->name);
	cli_list_text(l, AP_NIP, r->nip);
	cli_list_text(l, AP_UNIT, r->unit);
	cli_list_text(l, AP_APPLICANT, r->applicant);
	cli_list_text(l, AP_STATE, r->state);
	cli_list_text(l, AP_STEP, r->step);
	cli_list_text(l, AP_HOLDER, at.holders);
	cli_list_time(l, AP_RECEIVED, r->created_at);
	cli_list_text(l, AP_SUBJECT, r->subject);
	if (!times)
		return true;
	cli_list_time(l, AP_DECIDED, workflow_step_times_closed(times));
	cli_list_minutes(l, AP_TOTAL, minutes(workflow_step_times_total(times, now)));
	for (guint k = 0; k < a->steps->len; k++)
		cli_list_minutes(l, AP_STEPS + k,
		                 minutes(workflow_step_times_get(times, a->steps->pdata[k], now)));
	return true;
}

static int
applications(dispo_cli *cli, dispo_store *store, cli_list *l, cli_format fmt, const char *output)
{
	g_autoptr(GError) e = NULL;
	g_autoptr(cli_where) where = NULL;
	g_autoptr(GPtrArray) steps = NULL;
	apps_ctx a = {0};
	bool ok;

	if (!(where = cli_where_new(cli, store, &e))) {
		cli_error(cli, "%s; fix it, then dispo rules check", e->message);
		return EX_CONFIG;
	}
	cli_list_columns(l, application_columns, G_N_ELEMENTS(application_columns));
	steps = step_columns(cli_where_rules(where), l);
	if (!cli_list_stream(cli, l, fmt, output))
		return EX_CANTCREAT;
	a = (apps_ctx){cli, where, l, steps, NULL, -1};
	ok = store_requests_each_with_events(store, apps_event, apps_request, &a, &e);
	g_clear_pointer(&a.times, workflow_step_times_free);
	if (!ok) {
		cli_error(cli, "%s", e->message);
		return cli_exit_code(e);
	}
	return EX_OK;
}

static int
records(dispo_cli *cli, int argc, char **argv, const char *fixed)
{
	g_autofree char *format_s = NULL, *output = NULL;
	GOptionEntry entries[] = {CLI_LIST_OPTIONS(format_s, output), G_OPTION_ENTRY_NULL};
	g_autoptr(dispo_store) store = NULL;
	g_autoptr(cli_list) l = NULL;
	cli_format fmt;
	const char *what;
	int rc;

	/* certificates is a command of its own for the administrator, so its
	 * help describes the register, not the records command it shares. */
	if (!cli_parse(
	        cli, entries, fixed ? "[list]" : "applications | letters | certificates",
	        fixed ? "The register of issued certificates: each employee who holds or held "
	                "one,\nwith its serial, state (issued or revoked), validity and the "
	                "requests\nthat issued and revoked it; the revocation workflow "
	                "checks senders\nagainst it. For a spreadsheet, --format xlsx; for "
	                "scripts, --format csv."
	              : "The SOP's records: the applications (the applicant, where each is, who\n"
	                "holds it, and the working time of each step), the recommendation "
	                "letters,\nand the employees with certificates (issued and revoked); "
	                "for a\nspreadsheet with --format xlsx, for scripts with --format csv.",
	        &argc, &argv))
		return EX_USAGE;
	if (!cli_format_parse(cli, format_s, output, &fmt))
		return EX_USAGE;
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
	l = cli_list_new(what);
	if (strcmp(what, "applications") == 0)
		rc = applications(cli, store, l, fmt, output);
	else if (strcmp(what, "letters") == 0)
		rc = letters(cli, store, l);
	else
		rc = certificates(cli, store, l);
	return rc != EX_OK ? rc : cli_list_print(cli, l, fmt, output, NULL);
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
