/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dispo-requests.c: `dispo requests list|show ID`: what is stored, as a
 * table for people or JSON for scripts. */
#include "config.h"

#include "cli/cli.h"

#include <json-glib/json-glib.h>
#include <stdio.h>
#include <string.h>

typedef enum { FORMAT_TABLE, FORMAT_JSON } format;

static bool
parse_format(dispo_cli *cli, const char *s, format *out)
{
	if (!s || strcmp(s, "table") == 0)
		*out = FORMAT_TABLE;
	else if (strcmp(s, "json") == 0)
		*out = FORMAT_JSON;
	else {
		cli_error(cli, "--format must be table or json, not '%s'", s);
		return false;
	}
	return true;
}

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

/* ---- tables -------------------------------------------------------------- */

static int
list(dispo_cli *cli, dispo_store *store, format fmt)
{
	g_autoptr(GError) e = NULL;
	g_autoptr(GPtrArray) reqs = store_requests_list(store, &e);
	g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func((GDestroyNotify)g_strfreev);

	if (!reqs) {
		cli_error(cli, "%s", e->message);
		return cli_exit_code(e);
	}
	if (fmt == FORMAT_JSON) {
		g_autoptr(JsonBuilder) b = json_builder_new();
		json_builder_begin_array(b);
		for (guint i = 0; i < reqs->len; i++)
			request_json(b, reqs->pdata[i], cli->config->tz);
		json_builder_end_array(b);
		cli_json_print(b);
		return EX_OK;
	}
	if (reqs->len == 0) {
		printf("No requests yet. Applications arrive with 'dispo deliver' or "
		       "'dispo import'.\n");
		return EX_OK;
	}
	g_ptr_array_add(
	    rows, g_strsplit("REQUEST|WORKFLOW|STATE|APPLICANT|RECEIVED|FILES|SUBJECT", "|", -1));
	for (guint i = 0; i < reqs->len; i++) {
		const dispo_request_row *r = reqs->pdata[i];
		char **cells = g_new0(char *, 8);
		cells[0] = g_strdup(r->number);
		cells[1] = g_strdup(r->workflow);
		cells[2] = g_strdup(r->state);
		cells[3] = g_strdup(r->applicant);
		cells[4] = dispo_time_format_short(r->created_at, cli->config->tz);
		cells[5] = g_strdup_printf("%u", r->attachment_count);
		cells[6] = dispo_utf8_truncate(r->subject ? r->subject : "", 50);
		g_ptr_array_add(rows, cells);
	}
	cli_table_print(rows, 7);
	return EX_OK;
}

/* Applications refused at intake: they opened no request, so they are
 * listed apart, each with its message and its reason codes. */
static int
list_refused(dispo_cli *cli, dispo_store *store, format fmt)
{
	g_autoptr(GError) e = NULL;
	g_autoptr(GPtrArray) refs = store_refusals_list(store, &e);
	g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func((GDestroyNotify)g_strfreev);
	g_autoptr(JsonBuilder) b = json_builder_new();

	if (!refs) {
		cli_error(cli, "%s", e->message);
		return cli_exit_code(e);
	}
	if (fmt == FORMAT_TABLE && refs->len == 0) {
		printf("No refused applications.\n");
		return EX_OK;
	}
	g_ptr_array_add(rows, g_strsplit("DECIDED|SENDER|REASONS|SUBJECT", "|", -1));
	json_builder_begin_array(b);
	for (guint i = 0; i < refs->len; i++) {
		const dispo_refusal_row *r = refs->pdata[i];
		g_autoptr(JsonParser) parser = json_parser_new();
		JsonArray *reasons = NULL;
		GString *codes = g_string_new(NULL);
		char **cells;

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

		cells = g_new0(char *, 5);
		cells[0] = dispo_time_format_short(r->decided_at, cli->config->tz);
		cells[1] = g_strdup(r->sender ? r->sender : "-");
		cells[2] = g_string_free(codes, false);
		cells[3] = dispo_utf8_truncate(r->subject ? r->subject : "", 50);
		g_ptr_array_add(rows, cells);
	}
	json_builder_end_array(b);
	if (fmt == FORMAT_JSON)
		cli_json_print(b);
	else
		cli_table_print(rows, 4);
	return EX_OK;
}

static int show(dispo_cli *cli, dispo_store *store, const char *number, format fmt);

int
cli_request_print(dispo_cli *cli, dispo_store *store, const char *number)
{
	return show(cli, store, number, FORMAT_TABLE);
}

static int
show(dispo_cli *cli, dispo_store *store, const char *number, format fmt)
{
	g_autoptr(GError) e = NULL;
	g_autoptr(dispo_request_row) r = store_request_get(store, number, &e);
	g_autofree char *created = NULL;

	if (!r) {
		cli_error(cli, "%s", e->message);
		return cli_exit_code(e);
	}
	if (fmt == FORMAT_JSON) {
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

int
cli_requests(dispo_cli *cli, int argc, char **argv)
{
	g_autofree char *format_s = NULL;
	gboolean refused = false;
	GOptionEntry entries[] = {
	    {"format", 'f', 0, G_OPTION_ARG_STRING, &format_s, "table (default) or json", "FORMAT"},
	    {"refused", 0, 0, G_OPTION_ARG_NONE, &refused,
	     "list the applications refused at intake, with their reason codes", NULL},
	    G_OPTION_ENTRY_NULL};
	g_autoptr(dispo_store) store = NULL;
	format fmt;
	int rc;
	const char *sub;

	if (!cli_parse(cli, entries, "[list | show REQUEST]",
	               "Lists the requests, or shows one with its attachments and audit events.",
	               &argc, &argv))
		return EX_USAGE;
	if (!parse_format(cli, format_s, &fmt))
		return EX_USAGE;
	sub = argc > 1 ? argv[1] : "list";
	if (!(strcmp(sub, "list") == 0 && argc <= 2) && !(strcmp(sub, "show") == 0 && argc == 3)) {
		cli_error(cli, "use 'requests list' or 'requests show REQUEST'");
		return EX_USAGE;
	}
	if ((rc = cli_start(cli, &store)) != EX_OK)
		return rc;
	if (strcmp(sub, "list") == 0)
		return refused ? list_refused(cli, store, fmt) : list(cli, store, fmt);
	return show(cli, store, argv[2], fmt);
}
