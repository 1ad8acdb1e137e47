/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dispo-requests.c: `dispo requests list|show ID`: what is stored, where
 * each request is, who holds its step and how late it is; a table or a
 * workbook for people, CSV or JSON for scripts. */
#include "config.h"

#include "cli/cli.h"

#include <json-glib/json-glib.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>

/* ---- JSON ---------------------------------------------------------------- */

static void
member_time(JsonBuilder *b, const char *name, dispo_time t, GTimeZone *tz)
{
	g_autofree char *s = dispo_time_format_iso8601(t, tz);
	cli_json_string(b, name, s);
}

static void
request_json(JsonBuilder *b, const dispo_request_row *r, GTimeZone *tz)
{
	json_builder_begin_object(b);
	cli_json_string(b, "id", r->number);
	cli_json_string(b, "workflow", r->workflow);
	cli_json_string(b, "state", r->state);
	cli_json_string(b, "applicant", r->applicant);
	member_time(b, "created_at", r->created_at, tz);
	member_time(b, "updated_at", r->updated_at, tz);
	cli_json_string(b, "message_sha256", r->message_sha256);
	cli_json_string(b, "subject", r->subject);
	json_builder_set_member_name(b, "attachment_count");
	json_builder_add_int_value(b, r->attachment_count);
	if (r->attachments) {
		json_builder_set_member_name(b, "attachments");
		json_builder_begin_array(b);
		for (guint i = 0; i < r->attachments->len; i++) {
			const dispo_attachment_info *a = r->attachments->pdata[i];
			json_builder_begin_object(b);
			cli_json_string(b, "filename", a->filename);
			cli_json_string(b, "content_type", a->content_type);
			json_builder_set_member_name(b, "size");
			json_builder_add_int_value(b, (gint64)a->size);
			cli_json_string(b, "sha256", a->sha256);
			cli_json_string(b, "part", a->part_id);
			json_builder_set_member_name(b, "forwarded");
			json_builder_add_boolean_value(b, a->depth > 0);
			json_builder_end_object(b);
		}
		json_builder_end_array(b);
	}
	if (r->events) {
		json_builder_set_member_name(b, "events");
		json_builder_begin_array(b);
		for (guint i = 0; i < r->events->len; i++) {
			const dispo_event_row *e = r->events->pdata[i];
			g_autoptr(JsonNode) detail = json_from_string(e->detail, NULL);
			json_builder_begin_object(b);
			json_builder_set_member_name(b, "seq");
			json_builder_add_int_value(b, e->seq);
			member_time(b, "at", e->at, tz);
			cli_json_string(b, "actor", e->actor);
			cli_json_string(b, "kind", e->kind);
			json_builder_set_member_name(b, "detail");
			if (detail)
				json_builder_add_value(b, g_steal_pointer(&detail));
			else
				json_builder_add_null_value(b);
			cli_json_string(b, "rules_version", e->rules_version);
			cli_json_string(b, "hash", e->hash);
			json_builder_end_object(b);
		}
		json_builder_end_array(b);
	}
	json_builder_end_object(b);
}

/* ---- lists --------------------------------------------------------------- */

enum {
	RQ_ID,
	RQ_WORKFLOW,
	RQ_STATE,
	RQ_STEP,
	RQ_APPLICANT,
	RQ_CREATED,
	RQ_UPDATED,
	RQ_HOLDER,
	RQ_DUE,
	RQ_LATE,
	RQ_SHA256,
	RQ_SUBJECT,
	RQ_FILES,
};
static const cli_column request_columns[] = {
    [RQ_ID] = {"id", "REQUEST", CLI_CELL_TEXT, 0, 0},
    [RQ_WORKFLOW] = {"workflow", "WORKFLOW", CLI_CELL_TEXT, CLI_COLUMN_WIDE, 0},
    [RQ_STATE] = {"state", "STATE", CLI_CELL_TEXT, 0, 0},
    [RQ_STEP] = {"step", "STEP", CLI_CELL_TEXT, CLI_COLUMN_WIDE, 0},
    [RQ_APPLICANT] = {"applicant", "APPLICANT", CLI_CELL_TEXT, 0, 0},
    [RQ_CREATED] = {"created_at", "RECEIVED", CLI_CELL_TIME, 0, 0},
    [RQ_UPDATED] = {"updated_at", "UPDATED", CLI_CELL_TIME, CLI_COLUMN_WIDE, 0},
    [RQ_HOLDER] = {"holder", "HOLDER", CLI_CELL_TEXT, 0, 0},
    [RQ_DUE] = {"due_at", "DUE", CLI_CELL_TIME, CLI_COLUMN_WIDE, 0},
    [RQ_LATE] = {"late_minutes", "LATE", CLI_CELL_MINUTES, 0, 0},
    [RQ_SHA256] = {"message_sha256", "MESSAGE", CLI_CELL_TEXT, CLI_COLUMN_DATA, 0},
    [RQ_SUBJECT] = {"subject", "SUBJECT", CLI_CELL_TEXT, 0, 40},
    [RQ_FILES] = {"attachment_count", "FILES", CLI_CELL_INT, CLI_COLUMN_WIDE, 0},
};

/* What `requests list` selects; every filter given must hold. */
typedef struct filter {
	const char *state; /* a state, or "open" / "closed" */
	const char *step;
	const char *holder;
	bool overdue;
	dispo_time since; /* received at or after; 0: any */
	bool any;         /* a filter is given */
	bool needs_rules; /* one of them can only be judged by the rules */
} filter;

static bool
name_known(const dispo_rules *rules, const char *name, bool ends, bool steps)
{
	const GPtrArray *wfs = rules_workflows(rules);

	if (ends && strcmp(name, DISPO_WF_CANCELLED) == 0)
		return true;
	for (guint i = 0; i < wfs->len; i++) {
		const dispo_rules_step *s = rules_step_get(wfs->pdata[i], name);
		if (s && (s->is_end ? ends : steps))
			return true;
	}
	return false;
}

/* A typo in --state or --step would list nothing and look like good news. */
static bool
filter_check(dispo_cli *cli, const filter *f, const dispo_rules *rules)
{
	if (!rules)
		return !f->needs_rules;
	if (f->state && strcmp(f->state, "open") != 0 && strcmp(f->state, "closed") != 0 &&
	    strcmp(f->state, "received") != 0 && strcmp(f->state, "awaiting_confirmation") != 0 &&
	    !name_known(rules, f->state, true, true)) {
		cli_error(cli,
		          "--state: no workflow has a step or end '%s' (use open, closed, "
		          "awaiting_confirmation, or a step or end of 'dispo rules graph')",
		          f->state);
		return false;
	}
	if (f->step && !name_known(rules, f->step, false, true)) {
		cli_error(cli, "--step: no workflow has a step '%s'%s", f->step,
		          name_known(rules, f->step, true, false) ? " (it is an end: use --state)"
		                                                  : " (see 'dispo rules graph')");
		return false;
	}
	return true;
}

static bool
filter_match(const filter *f, const dispo_request_row *r, const cli_request_at *at)
{
	if (f->since && r->created_at < f->since)
		return false;
	if (f->state && strcmp(f->state, "open") == 0 ? at->closed
	    : f->state && strcmp(f->state, "closed") == 0
	        ? !at->closed
	        : f->state && strcmp(f->state, r->state) != 0)
		return false;
	if (f->step && (at->closed || g_strcmp0(f->step, r->step) != 0))
		return false;
	if (f->holder && !cli_where_held_by(at, f->holder))
		return false;
	return !f->overdue || at->late_minutes > 0;
}

/* The workflow, step pairs where address may act now (see
 * cli_where_find): the store looks only there. A correction step is the
 * applicant's, so it is always asked (filter_match then checks whose). */
static GPtrArray *
steps_held_by(cli_where *where, const char *address, GError **error)
{
	const GPtrArray *wfs = rules_workflows(cli_where_rules(where));
	GPtrArray *pairs = g_ptr_array_new();

	for (guint i = 0; i < wfs->len; i++) {
		const dispo_rules_workflow *wf = wfs->pdata[i];
		for (guint k = 0; wf->steps && k < wf->steps->len; k++) {
			const dispo_rules_step *s = wf->steps->pdata[k];
			bool held = s->applicant;
			if (s->is_end || (!s->applicant && !s->role))
				continue;
			if (!held) {
				cli_request_at at = {0};
				if (!cli_where_role(where, s->role, &at, error)) {
					g_ptr_array_unref(pairs);
					return NULL;
				}
				held = cli_where_held_by(&at, address);
			}
			if (held) {
				g_ptr_array_add(pairs, wf->name);
				g_ptr_array_add(pairs, s->name);
			}
		}
	}
	g_ptr_array_add(pairs, NULL);
	return pairs;
}

/* The pairs of every workflow that has a step named step. */
static GPtrArray *
steps_named(const dispo_rules *rules, const char *step)
{
	const GPtrArray *wfs = rules_workflows(rules);
	GPtrArray *pairs = g_ptr_array_new();

	for (guint i = 0; i < wfs->len; i++) {
		const dispo_rules_workflow *wf = wfs->pdata[i];
		if (rules_step_get(wf, step)) {
			g_ptr_array_add(pairs, wf->name);
			g_ptr_array_add(pairs, (gpointer)step);
		}
	}
	g_ptr_array_add(pairs, NULL);
	return pairs;
}

typedef struct list_ctx {
	cli_where *where;
	const filter *f;
	cli_list *l;
} list_ctx;

static bool
list_one(dispo_request_row *r, void *user, GError **error)
{
	list_ctx *c = user;
	cli_list *l = c->l;
	cli_request_at at = {.late_minutes = -1};

	if (c->where && !cli_where_find(c->where, r, &at, error))
		return false;
	if (!filter_match(c->f, r, &at))
		return true;
	cli_list_row(l);
	cli_list_text(l, RQ_ID, r->number);
	cli_list_text(l, RQ_WORKFLOW, r->workflow);
	cli_list_text(l, RQ_STATE, r->state);
	cli_list_text(l, RQ_STEP, r->step);
	cli_list_text(l, RQ_APPLICANT, r->applicant);
	cli_list_time(l, RQ_CREATED, r->created_at);
	cli_list_time(l, RQ_UPDATED, r->updated_at);
	cli_list_text(l, RQ_HOLDER, at.holders);
	cli_list_time(l, RQ_DUE, at.due);
	cli_list_minutes(l, RQ_LATE, at.late_minutes);
	if (at.late_minutes == 0)
		cli_list_shown(l, RQ_LATE, "-");
	cli_list_text(l, RQ_SHA256, r->message_sha256);
	cli_list_text(l, RQ_SUBJECT, r->subject);
	cli_list_int(l, RQ_FILES, r->attachment_count);
	return true;
}

static int
list(dispo_cli *cli, dispo_store *store, cli_format fmt, const char *output, const filter *f)
{
	g_autoptr(GError) e = NULL;
	g_autoptr(cli_where) where = NULL;
	g_autoptr(cli_list) l = cli_list_new("requests");
	g_autoptr(GPtrArray) pairs = NULL;
	dispo_request_filter narrow = {.since = f->since};
	list_ctx c;

	/* Without rules the list still shows what is stored; only holders,
	 * lateness and the filters that need them are unknown. */
	if (!(where = cli_where_new(cli, store, &e))) {
		if (f->needs_rules) {
			cli_error(cli, "%s; fix it, then dispo rules check", e->message);
			return EX_CONFIG;
		}
		dispo_log(LOG_WARNING, "%s: holders and lateness are not shown", e->message);
		g_clear_error(&e);
	}
	if (!filter_check(cli, f, where ? cli_where_rules(where) : NULL))
		return EX_USAGE;
	/* What the indexes can narrow first; filter_match judges each row. */
	if (f->state && strcmp(f->state, "open") != 0 && strcmp(f->state, "closed") != 0)
		narrow.state = f->state;
	if (f->holder && where && !(pairs = steps_held_by(where, f->holder, &e))) {
		cli_error(cli, "%s", e->message);
		return cli_exit_code(e);
	}
	if (f->step && where && !pairs)
		pairs = steps_named(cli_where_rules(where), f->step);
	narrow.steps = pairs ? (const char *const *)pairs->pdata : NULL;
	cli_list_columns(l, request_columns, G_N_ELEMENTS(request_columns));
	l->empty = f->any ? "No request matches."
	                  : "No requests yet. Applications arrive with 'dispo deliver' or "
	                    "'dispo import'.";
	if (!cli_list_stream(cli, l, fmt, output))
		return EX_CANTCREAT;
	c = (list_ctx){where, f, l};
	if (!store_requests_each(store, &narrow, list_one, &c, &e)) {
		cli_error(cli, "%s", e->message);
		return cli_exit_code(e);
	}
	return cli_list_print(cli, l, fmt, output, NULL);
}

enum { RF_DECIDED, RF_SENDER, RF_WORKFLOW, RF_REASONS, RF_SUBJECT, RF_FILE, RF_SHA256 };
static const cli_column refusal_columns[] = {
    [RF_DECIDED] = {"decided_at", "DECIDED", CLI_CELL_TIME, 0, 0},
    [RF_SENDER] = {"sender", "SENDER", CLI_CELL_TEXT, 0, 0},
    [RF_WORKFLOW] = {"workflow", "WORKFLOW", CLI_CELL_TEXT, CLI_COLUMN_WIDE, 0},
    [RF_REASONS] = {"reasons", "REASONS", CLI_CELL_TEXT, 0, 0},
    [RF_SUBJECT] = {"subject", "SUBJECT", CLI_CELL_TEXT, 0, 50},
    [RF_FILE] = {"file", "FILE", CLI_CELL_TEXT, CLI_COLUMN_WIDE, 0},
    [RF_SHA256] = {"message_sha256", "MESSAGE", CLI_CELL_TEXT, CLI_COLUMN_DATA, 0},
};

/* Applications refused at intake: they opened no request, so they are
 * listed apart, each with its message and its reason codes (in JSON with
 * each reason's detail too). */
static int
list_refused(dispo_cli *cli, dispo_store *store, cli_format fmt, const char *output)
{
	g_autoptr(GError) e = NULL;
	g_autoptr(GPtrArray) refs = store_refusals_list(store, &e);
	g_autoptr(cli_list) l = cli_list_new("refused");
	g_autoptr(JsonBuilder) b = json_builder_new();

	if (!refs) {
		cli_error(cli, "%s", e->message);
		return cli_exit_code(e);
	}
	cli_list_columns(l, refusal_columns, G_N_ELEMENTS(refusal_columns));
	l->empty = "No refused applications.";
	json_builder_begin_array(b);
	for (guint i = 0; i < refs->len; i++) {
		const dispo_refusal_row *r = refs->pdata[i];
		g_autoptr(JsonParser) parser = json_parser_new();
		JsonArray *reasons = NULL;
		g_autoptr(GString) codes = g_string_new(NULL);

		if (json_parser_load_from_data(parser, r->reasons_json, -1, NULL) &&
		    JSON_NODE_HOLDS_ARRAY(json_parser_get_root(parser)))
			reasons = json_node_get_array(json_parser_get_root(parser));
		json_builder_begin_object(b);
		cli_json_string(b, "file", r->source);
		cli_json_string(b, "message_sha256", r->message_sha256);
		cli_json_string(b, "sender", r->sender);
		cli_json_string(b, "workflow", r->workflow);
		cli_json_string(b, "subject", r->subject);
		member_time(b, "decided_at", r->decided_at, cli->config->tz);
		json_builder_set_member_name(b, "reasons");
		json_builder_begin_array(b);
		for (guint k = 0; reasons && k < json_array_get_length(reasons); k++) {
			JsonObject *o = json_array_get_object_element(reasons, k);
			const char *code =
			    o ? json_object_get_string_member_with_default(o, "code", "") : "";
			json_builder_add_string_value(b, code);
			g_string_append_printf(codes, "%s%s", k ? "," : "", code);
		}
		json_builder_end_array(b);
		json_builder_set_member_name(b, "details");
		json_builder_add_value(b, reasons ? json_node_copy(json_parser_get_root(parser))
		                                  : json_node_new(JSON_NODE_NULL));
		json_builder_end_object(b);

		cli_list_row(l);
		cli_list_time(l, RF_DECIDED, r->decided_at);
		cli_list_text(l, RF_SENDER, r->sender);
		if (!r->sender)
			cli_list_shown(l, RF_SENDER, "-");
		cli_list_text(l, RF_WORKFLOW, r->workflow);
		cli_list_text(l, RF_REASONS, codes->str);
		cli_list_text(l, RF_SUBJECT, r->subject);
		cli_list_text(l, RF_FILE, r->source);
		cli_list_text(l, RF_SHA256, r->message_sha256);
	}
	json_builder_end_array(b);
	return cli_list_print(cli, l, fmt, output, b);
}

static int show(dispo_cli *cli, dispo_store *store, const char *number, cli_format fmt);

int
cli_request_print(dispo_cli *cli, dispo_store *store, const char *number)
{
	return show(cli, store, number, CLI_FORMAT_TABLE);
}

static int
show(dispo_cli *cli, dispo_store *store, const char *number, cli_format fmt)
{
	g_autoptr(GError) e = NULL;
	g_autoptr(dispo_request_row) r = store_request_get(store, number, &e);
	g_autofree char *created = NULL;

	if (!r) {
		cli_error(cli, "%s", e->message);
		return cli_exit_code(e);
	}
	if (fmt == CLI_FORMAT_JSON) {
		g_autoptr(JsonBuilder) b = json_builder_new();
		request_json(b, r, cli->config->tz);
		cli_json_print(b);
		return EX_OK;
	}
	created = dispo_time_format_iso8601(r->created_at, cli->config->tz);
	printf("Request    %s\nWorkflow   %s\nState      %s\nApplicant  %s\nReceived   %s\n"
	       "Subject    %s\nMessage    %s\n",
	       r->number, r->workflow, r->state, r->applicant, created,
	       r->subject ? r->subject : "", r->message_sha256);
	printf("\nAttachments (%u):\n", r->attachments->len);
	{
		g_autoptr(GPtrArray) rows =
		    g_ptr_array_new_with_free_func((GDestroyNotify)g_strfreev);
		g_ptr_array_add(rows, g_strsplit("  #|NAME|TYPE|SIZE|SHA-256", "|", -1));
		for (guint i = 0; i < r->attachments->len; i++) {
			const dispo_attachment_info *a = r->attachments->pdata[i];
			char **cells = g_new0(char *, 6);
			cells[0] = g_strdup_printf("  %u", a->seq);
			cells[1] = g_strdup_printf("%s%s", a->filename ? a->filename : "(no name)",
			                           a->depth ? " (forwarded)" : "");
			cells[2] = g_strdup(a->content_type);
			cells[3] = dispo_size_format(a->size);
			cells[4] = g_strndup(a->sha256, 16);
			g_ptr_array_add(rows, cells);
		}
		cli_table_print(rows, 5);
	}
	printf("\nEvents:\n");
	for (guint i = 0; i < r->events->len; i++) {
		const dispo_event_row *ev = r->events->pdata[i];
		g_autofree char *at = dispo_time_format_short(ev->at, cli->config->tz);
		printf("  %u  %s  %-10s %s\n", ev->seq, at, ev->kind, ev->actor);
	}
	return EX_OK;
}

/* --since: a day (from its midnight in the office's time zone) or an
 * instant. */
static bool
since_parse(dispo_cli *cli, const char *s, dispo_time *out)
{
	GDate d;

	if (cli_date_parse(s, &d)) {
		*out = cli_date_start(&d, cli->config->tz);
		return true;
	}
	if (dispo_time_parse_iso8601(s, out, NULL))
		return true;
	cli_error(cli,
	          "--since '%s' is not a date: write yyyy-mm-dd (2026-11-01) or an ISO 8601 time",
	          s);
	return false;
}

int
cli_requests(dispo_cli *cli, int argc, char **argv)
{
	g_autofree char *format_s = NULL, *output = NULL, *state = NULL, *step = NULL;
	g_autofree char *holder = NULL, *since_s = NULL;
	gboolean refused = false, overdue = false;
	GOptionEntry entries[] = {
	    CLI_LIST_OPTIONS(format_s, output),
	    {"refused", 0, 0, G_OPTION_ARG_NONE, &refused,
	     "list the applications refused at intake, with their reason codes", NULL},
	    {"state", 0, 0, G_OPTION_ARG_STRING, &state,
	     "only requests in this state: open, closed, awaiting_confirmation, or a step or end",
	     "STATE"},
	    {"step", 0, 0, G_OPTION_ARG_STRING, &step, "only requests at this step now", "STEP"},
	    {"holder", 0, 0, G_OPTION_ARG_STRING, &holder,
	     "only requests whose step this address may act at now (holder or deputy)", "EMAIL"},
	    {"overdue", 0, 0, G_OPTION_ARG_NONE, &overdue,
	     "only requests past their step's deadline (in working time)", NULL},
	    {"since", 0, 0, G_OPTION_ARG_STRING, &since_s,
	     "only requests received on or after this day (yyyy-mm-dd) or time", "DATE"},
	    G_OPTION_ENTRY_NULL};
	g_autoptr(dispo_store) store = NULL;
	filter f = {0};
	cli_format fmt;
	int rc;
	const char *sub;

	if (!cli_parse(cli, entries, "[list | show REQUEST]",
	               "Lists the requests (where each is, who holds its step, how late it is in\n"
	               "working time), or shows one with its attachments and audit events.",
	               &argc, &argv))
		return EX_USAGE;
	if (!cli_format_parse(cli, format_s, output, &fmt))
		return EX_USAGE;
	sub = argc > 1 ? argv[1] : "list";
	if (!(strcmp(sub, "list") == 0 && argc <= 2) && !(strcmp(sub, "show") == 0 && argc == 3)) {
		cli_error(cli, "use 'requests list' or 'requests show REQUEST'");
		return EX_USAGE;
	}
	f = (filter){.state = state, .step = step, .holder = holder, .overdue = overdue};
	f.any = state || step || holder || overdue || since_s;
	f.needs_rules = step || holder || overdue || g_strcmp0(state, "open") == 0 ||
	                g_strcmp0(state, "closed") == 0;
	if (strcmp(sub, "show") == 0 &&
	    (f.any || refused || output || (fmt != CLI_FORMAT_TABLE && fmt != CLI_FORMAT_JSON))) {
		cli_error(cli, "'requests show' takes only --format table or json");
		return EX_USAGE;
	}
	if (refused && f.any) {
		cli_error(cli, "--refused lists applications that opened no request: the filters "
		               "select requests");
		return EX_USAGE;
	}
	if (!cli_load(cli))
		return EX_CONFIG;
	if (since_s && !since_parse(cli, since_s, &f.since))
		return EX_USAGE;
	if ((rc = cli_start(cli, &store)) != EX_OK)
		return rc;
	if (strcmp(sub, "list") == 0)
		return refused ? list_refused(cli, store, fmt, output)
		               : list(cli, store, fmt, output, &f);
	return show(cli, store, argv[2], fmt);
}
