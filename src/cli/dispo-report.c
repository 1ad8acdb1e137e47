/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dispo-report.c: `dispo report`: per workflow and step, the working time
 * the visits that ended in a period took against the SOP's standard, and
 * who is open and overdue now; a table for the administrator, CSV for a
 * spreadsheet, JSON for scripts. */
#include "config.h"

#include "cli/cli.h"
#include "ingest/ingest.h"
#include "workflow/workflow.h"

#include <stdio.h>
#include <string.h>

typedef enum { OUT_TABLE, OUT_CSV, OUT_JSON } out_format;

/* The default period: the last 30 days, today included. */
#define DEFAULT_DAYS 30

static char *
date_text(const GDate *d)
{
	return g_strdup_printf("%04u-%02u-%02u", (unsigned)g_date_get_year(d),
	                       (unsigned)g_date_get_month(d), (unsigned)g_date_get_day(d));
}

/* Working time for people: 45s, 4m, 4m30s, 1h05m, 26h40m. Hours, not days:
 * a working day is not 24 hours. */
static char *
duration_text(int64_t secs)
{
	if (secs < 60)
		return g_strdup_printf("%" G_GINT64_FORMAT "s", (gint64)secs);
	if (secs < 3600)
		return secs % 60 ? g_strdup_printf("%" G_GINT64_FORMAT "m%02" G_GINT64_FORMAT "s",
		                                   (gint64)(secs / 60), (gint64)(secs % 60))
		                 : g_strdup_printf("%" G_GINT64_FORMAT "m", (gint64)(secs / 60));
	return g_strdup_printf("%" G_GINT64_FORMAT "h%02" G_GINT64_FORMAT "m",
	                       (gint64)(secs / 3600), (gint64)(secs % 3600 / 60));
}

static unsigned
percent(unsigned part, unsigned whole)
{
	return whole ? (part * 200u + whole) / (2u * whole) : 0;
}

/* ---- reading ------------------------------------------------------------- */

typedef struct feed_ctx {
	dispo_report *rep;
	int64_t request;
} feed_ctx;

static bool
feed_event(const dispo_report_event *ev, void *user, GError **error)
{
	feed_ctx *f = user;

	(void)error;
	if (ev->request_id != f->request) {
		f->request = ev->request_id;
		workflow_report_request(f->rep, ev->workflow, ev->received);
	}
	if (ev->workflow_event)
		workflow_report_event(f->rep, ev->at, ev->kind, ev->step, ev->previous);
	return true;
}

/* Who is at each step of the rules' workflows now (dispo status counts the
 * overdue by it too). */
bool
cli_report_feed_open(dispo_report *rep, dispo_store *store, const dispo_rules *rules, const char *only,
          GError **error)
{
	const GPtrArray *wfs = rules_workflows(rules);

	for (guint i = 0; i < wfs->len; i++) {
		const dispo_rules_workflow *wf = wfs->pdata[i];
		if (only && strcmp(wf->name, only) != 0)
			continue;
		for (guint k = 0; wf->steps && k < wf->steps->len; k++) {
			const dispo_rules_step *s = wf->steps->pdata[k];
			g_autoptr(GArray) entered = NULL;
			if (s->is_end)
				continue;
			if (!(entered = store_report_at_step(store, wf->name, s->name, error)))
				return false;
			for (guint n = 0; n < entered->len; n++)
				workflow_report_open(rep, wf->name, s->name,
				                     g_array_index(entered, dispo_time, n));
		}
	}
	return true;
}

/* ---- output -------------------------------------------------------------- */

static void
print_table(dispo_cli *cli, const GPtrArray *rows, const char *from, const char *to)
{
	const dispo_config *c = cli->config;
	g_autoptr(GPtrArray) table = g_ptr_array_new_with_free_func((GDestroyNotify)g_strfreev);
	g_autofree char *now = dispo_time_format_short(cli->now, c->tz);

	printf("SLA report %s to %s (%s)\n", from, to, c->tz_name ? c->tz_name : "UTC");
	printf("Working time %s %s%s%s\n", c->working_days, c->working_hours,
	       c->holidays ? ", holidays in " : "", c->holidays ? c->holidays : "");
	printf("Visits of a step that ended in the period; open and overdue at %s\n\n", now);
	g_ptr_array_add(
	    table, g_strsplit("WORKFLOW|STEP|SLA|VISITS|MEDIAN|P90|IN SLA|OPEN|OVERDUE", "|", -1));
	for (guint i = 0; i < rows->len; i++) {
		const dispo_report_row *r = rows->pdata[i];
		char **cells;
		if (r->kind != DISPO_REPORT_STEP)
			continue;
		cells = g_new0(char *, 10);
		cells[0] = g_strdup(r->workflow);
		cells[1] = g_strdup(r->step);
		cells[2] = r->sla_ms ? rules_duration_format(r->sla_ms) : g_strdup("-");
		cells[3] = g_strdup_printf("%u", r->count);
		cells[4] = r->timed ? duration_text(r->median) : g_strdup("-");
		cells[5] = r->timed ? duration_text(r->p90) : g_strdup("-");
		cells[6] = r->sla_ms && r->count
		               ? g_strdup_printf("%u/%u %u%%", r->within, r->count,
		                                 percent(r->within, r->count))
		               : g_strdup("-");
		cells[7] = g_strdup_printf("%u", r->open);
		cells[8] = r->sla_ms ? g_strdup_printf("%u", r->overdue) : g_strdup("-");
		g_ptr_array_add(table, cells);
	}
	cli_table_print(table, 9);
	printf("\n");
	/* A sentence per workflow: its ends are in the sentence, not the table. */
	for (guint i = 0; i < rows->len; i++) {
		const dispo_report_row *r = rows->pdata[i];
		g_autoptr(GString) ends = g_string_new(NULL);
		if (r->kind != DISPO_REPORT_TOTAL)
			continue;
		for (guint k = 0; k < rows->len; k++) {
			const dispo_report_row *e = rows->pdata[k];
			if (e->kind == DISPO_REPORT_END && e->count &&
			    strcmp(e->workflow, r->workflow) == 0)
				g_string_append_printf(ends, "%s%s %u", ends->len ? ", " : "",
				                       e->step, e->count);
		}
		printf("%s: %u received, ", r->workflow, r->received);
		if (r->count) {
			g_autofree char *median = duration_text(r->median);
			g_autofree char *p90 = duration_text(r->p90);
			printf("%u finished (%s), end to end median %s, p90 %s", r->count,
			       ends->str, median, p90);
		} else {
			printf("none finished");
		}
		printf("; %u open, %u overdue.\n", r->open, r->overdue);
	}
}

/* The columns of CSV and the members of JSON, the same names. */
enum {
	COL_KIND,
	COL_WORKFLOW,
	COL_STEP,
	COL_FROM,
	COL_TO,
	COL_SLA,
	COL_VISITS,
	COL_MEDIAN,
	COL_P90,
	COL_WITHIN,
	COL_WITHIN_PCT,
	COL_OPEN,
	COL_OVERDUE,
	COL_RECEIVED,
	COL_FINISHED,
	COLS
};
static const char *const col_names[COLS + 1] = {
    "kind",
    "workflow",
    "step",
    "from",
    "to",
    "sla_seconds",
    "visits",
    "median_seconds",
    "p90_seconds",
    "within_sla",
    "within_sla_percent",
    "open",
    "overdue",
    "received",
    "finished",
    NULL,
};

static char *
num(int64_t v)
{
	return g_strdup_printf("%" G_GINT64_FORMAT, (gint64)v);
}

/* One row's cells, NULL where a column does not apply (null, empty). */
static void
row_cells(const dispo_report_row *r, const char *from, const char *to, char **cells)
{
	static const char *const kinds[] = {"step", "end", "total"};

	cells[COL_KIND] = g_strdup(kinds[r->kind]);
	cells[COL_WORKFLOW] = g_strdup(r->workflow);
	cells[COL_STEP] = g_strdup(r->step);
	cells[COL_FROM] = g_strdup(from);
	cells[COL_TO] = g_strdup(to);
	if (r->timed) {
		cells[COL_MEDIAN] = num(r->median);
		cells[COL_P90] = num(r->p90);
	}
	if (r->kind == DISPO_REPORT_STEP) {
		cells[COL_VISITS] = num(r->count);
		cells[COL_OPEN] = num(r->open);
		if (r->sla_ms) {
			cells[COL_SLA] = num(r->sla_ms / 1000);
			cells[COL_WITHIN] = num(r->within);
			cells[COL_OVERDUE] = num(r->overdue);
			if (r->count)
				cells[COL_WITHIN_PCT] = num(percent(r->within, r->count));
		}
	} else {
		cells[COL_FINISHED] = num(r->count);
	}
	if (r->kind == DISPO_REPORT_TOTAL) {
		cells[COL_RECEIVED] = num(r->received);
		cells[COL_OPEN] = num(r->open);
		cells[COL_OVERDUE] = num(r->overdue);
	}
}

static void
print_data(const GPtrArray *rows, const char *from, const char *to, out_format fmt)
{
	g_autoptr(GPtrArray) table = g_ptr_array_new_with_free_func((GDestroyNotify)g_strfreev);
	g_autoptr(JsonBuilder) b = json_builder_new();

	g_ptr_array_add(table, g_strdupv((char **)col_names));
	json_builder_begin_array(b);
	for (guint i = 0; i < rows->len; i++) {
		char *cells[COLS] = {0};
		char **line = g_new0(char *, COLS + 1);
		row_cells(rows->pdata[i], from, to, cells);
		json_builder_begin_object(b);
		for (int c = 0; c < COLS; c++) {
			json_builder_set_member_name(b, col_names[c]);
			if (!cells[c])
				json_builder_add_null_value(b);
			else if (c <= COL_TO)
				json_builder_add_string_value(b, cells[c]);
			else
				json_builder_add_int_value(b, g_ascii_strtoll(cells[c], NULL, 10));
			line[c] = cells[c] ? cells[c] : g_strdup("");
		}
		json_builder_end_object(b);
		g_ptr_array_add(table, line);
	}
	json_builder_end_array(b);
	if (fmt == OUT_JSON)
		cli_json_print(b);
	else
		cli_csv_print(table, COLS);
}

/* ---- the command --------------------------------------------------------- */

/* The period as local dates (from, to inclusive): the last 30 days to
 * today by default; one bound given, the other 30 days from it. */
static bool
period_parse(dispo_cli *cli, const char *from_s, const char *to_s, GDate *from, GDate *to)
{
	if (from_s && !cli_date_parse(from_s, from)) {
		cli_error(cli, "--from '%s' is not a date: write it as yyyy-mm-dd (2026-11-01)",
		          from_s);
		return false;
	}
	if (to_s && !cli_date_parse(to_s, to)) {
		cli_error(cli, "--to '%s' is not a date: write it as yyyy-mm-dd (2026-11-30)",
		          to_s);
		return false;
	}
	if (!to_s && from_s) {
		*to = *from;
		g_date_add_days(to, DEFAULT_DAYS - 1);
	} else if (!to_s) {
		g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc(cli->now);
		g_autoptr(GDateTime) local = g_date_time_to_timezone(utc, cli->config->tz);
		g_date_clear(to, 1);
		g_date_set_dmy(to, (GDateDay)g_date_time_get_day_of_month(local),
		               (GDateMonth)g_date_time_get_month(local),
		               (GDateYear)g_date_time_get_year(local));
	}
	if (!from_s) {
		*from = *to;
		g_date_subtract_days(from, DEFAULT_DAYS - 1);
	}
	if (g_date_compare(from, to) > 0) {
		g_autofree char *f = date_text(from);
		g_autofree char *t = date_text(to);
		cli_error(cli, "the period begins (%s) after it ends (%s): swap --from and --to", f,
		          t);
		return false;
	}
	return true;
}

static bool
workflow_known(dispo_cli *cli, const dispo_rules *rules, const char *name)
{
	const GPtrArray *wfs = rules_workflows(rules);
	g_autoptr(GString) names = g_string_new(NULL);

	if (rules_workflow_get(rules, name))
		return true;
	for (guint i = 0; i < wfs->len; i++)
		g_string_append_printf(names, "%s%s", i ? ", " : "",
		                       ((const dispo_rules_workflow *)wfs->pdata[i])->name);
	cli_error(cli, "--workflow: the rules have no workflow '%s' (they have %s)", name,
	          names->str);
	return false;
}

int
cli_report(dispo_cli *cli, int argc, char **argv)
{
	g_autofree char *from_s = NULL, *to_s = NULL, *workflow = NULL, *format_s = NULL;
	GOptionEntry entries[] = {
	    {"from", 0, 0, G_OPTION_ARG_STRING, &from_s,
	     "first day of the period (default: 29 days before --to)", "yyyy-mm-dd"},
	    {"to", 0, 0, G_OPTION_ARG_STRING, &to_s,
	     "last day of the period, included (default: today, or 29 days after --from)",
	     "yyyy-mm-dd"},
	    {"workflow", 'w', 0, G_OPTION_ARG_STRING, &workflow, "only this workflow", "NAME"},
	    {"format", 'f', 0, G_OPTION_ARG_STRING, &format_s, "text (default), csv or json",
	     "FORMAT"},
	    G_OPTION_ENTRY_NULL};
	g_autoptr(dispo_store) store = NULL;
	g_autoptr(dispo_rules) rules = NULL;
	g_autoptr(dispo_calendar) cal = NULL;
	g_autoptr(dispo_report) rep = NULL;
	g_autoptr(GError) e = NULL;
	g_autofree char *from_text = NULL, *to_text = NULL;
	out_format fmt = OUT_TABLE;
	feed_ctx feed = {0};
	GDate from, to, end;
	int rc;

	if (!cli_parse(cli, entries, NULL,
	               "Per workflow and step: how many visits of the step ended in the period,\n"
	               "the median and 90th percentile of their working time, the share within\n"
	               "the step's SLA, and how many requests are at the step now and overdue;\n"
	               "per workflow, the requests received and finished. Dates are days in\n"
	               "[calendar] timezone; the period is the last 30 days by default.",
	               &argc, &argv))
		return EX_USAGE;
	if (argc > 1) {
		cli_error(cli, "takes no arguments (the period is --from and --to)");
		return EX_USAGE;
	}
	if (!format_s || strcmp(format_s, "text") == 0 || strcmp(format_s, "table") == 0)
		fmt = OUT_TABLE;
	else if (strcmp(format_s, "csv") == 0)
		fmt = OUT_CSV;
	else if (strcmp(format_s, "json") == 0)
		fmt = OUT_JSON;
	else {
		cli_error(cli, "--format must be text, csv or json, not '%s'", format_s);
		return EX_USAGE;
	}
	if (!cli_load(cli))
		return EX_CONFIG;
	if (!period_parse(cli, from_s, to_s, &from, &to))
		return EX_USAGE;
	if (!(rules = cli_rules_load(cli, &e))) {
		cli_error(cli, "%s; fix the rules, then dispo rules check", e->message);
		return EX_CONFIG;
	}
	if (workflow && !workflow_known(cli, rules, workflow))
		return EX_USAGE;
	if (!(cal = ingest_calendar_load(cli->config, &e))) {
		cli_error(cli, "%s; fix [calendar] in %s", e->message,
		          cli->config->path ? cli->config->path : "the configuration");
		return EX_CONFIG;
	}
	if ((rc = cli_start(cli, &store)) != EX_OK)
		return rc;
	end = to;
	g_date_add_days(&end, 1);
	rep = feed.rep = workflow_report_new(rules, cal, cli_date_start(&from, cli->config->tz),
	                                     cli_date_start(&end, cli->config->tz), cli->now, workflow);
	feed.request = -1;
	if (!store_report_events(store, cli_date_start(&from, cli->config->tz),
	                         cli_date_start(&end, cli->config->tz), workflow, feed_event, &feed,
	                         &e) ||
	    !cli_report_feed_open(rep, store, rules, workflow, &e)) {
		cli_error(cli, "%s", e->message);
		return cli_exit_code(e);
	}
	from_text = date_text(&from);
	to_text = date_text(&to);
	if (fmt == OUT_TABLE)
		print_table(cli, workflow_report_rows(rep), from_text, to_text);
	else
		print_data(workflow_report_rows(rep), from_text, to_text, fmt);
	return EX_OK;
}
