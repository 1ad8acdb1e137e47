/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dispo-outbox.c: `dispo outbox list|flush|retry ID`: the emails dispo
 * decided to send, for operators. */
#include "config.h"

#include "cli/cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int
list(dispo_cli *cli, dispo_store *store, bool json, const char *state)
{
	g_autoptr(GError) e = NULL;
	g_autoptr(GPtrArray) rows = store_outbox_list(store, state, &e);
	g_autoptr(JsonBuilder) b = json_builder_new();
	g_autoptr(GPtrArray) table = g_ptr_array_new_with_free_func((GDestroyNotify)g_strfreev);

	if (!rows) {
		cli_error(cli, "%s", e->message);
		return cli_exit_code(e);
	}
	g_ptr_array_add(table,
	                g_strsplit("ID|REQUEST|KIND|TO|STATE|TRIES|CREATED|LAST ERROR", "|", -1));
	json_builder_begin_array(b);
	for (guint i = 0; i < rows->len; i++) {
		const dispo_outbox_row *o = rows->pdata[i];
		g_autofree char *created =
		    dispo_time_format_iso8601(o->created_at, cli->config->tz);
		char **cells = g_new0(char *, 9);
		json_builder_begin_object(b);
		json_builder_set_member_name(b, "id");
		json_builder_add_int_value(b, o->id);
		cli_json_string(b, "request", o->request);
		cli_json_string(b, "step", o->step);
		cli_json_string(b, "template", o->template_name);
		cli_json_string(b, "kind", o->kind);
		cli_json_string(b, "to", o->to_addr);
		cli_json_string(b, "cc", o->cc_addr);
		cli_json_string(b, "message_id", o->message_id);
		cli_json_string(b, "reply_to", o->reply_to);
		cli_json_string(b, "state", o->state);
		json_builder_set_member_name(b, "attempts");
		json_builder_add_int_value(b, o->attempts);
		cli_json_string(b, "last_error", o->last_error);
		cli_json_string(b, "created_at", created);
		json_builder_end_object(b);
		cells[0] = g_strdup_printf("%" G_GINT64_FORMAT, (gint64)o->id);
		cells[1] = g_strdup(o->request ? o->request : "-");
		cells[2] = g_strdup(o->kind);
		cells[3] = o->cc_addr ? g_strdup_printf("%s (cc %s)", o->to_addr, o->cc_addr)
		                      : g_strdup(o->to_addr);
		cells[4] = g_strdup(o->state);
		cells[5] = g_strdup_printf("%u", o->attempts);
		cells[6] = dispo_time_format_short(o->created_at, cli->config->tz);
		cells[7] = g_strdup(o->last_error ? o->last_error : "");
		g_ptr_array_add(table, cells);
	}
	json_builder_end_array(b);
	if (json)
		cli_json_print(b);
	else if (rows->len == 0)
		printf("The outbox is empty.\n");
	else
		cli_table_print(table, 8);
	return EX_OK;
}

/* A row another dispo is sending right now (claimed, its lease running) is
 * not made due again: that would send it twice. */
static bool
sending_elsewhere(dispo_cli *cli, dispo_store *store, gint64 id, GError **error)
{
	g_autoptr(GPtrArray) rows = store_outbox_list(store, "sending", error);
	dispo_time clock = MAX(cli->now, g_get_real_time() / G_USEC_PER_SEC);

	if (!rows)
		return false;
	for (guint i = 0; i < rows->len; i++) {
		const dispo_outbox_row *o = rows->pdata[i];
		g_autofree char *until = NULL;
		if (o->id != id || o->next_attempt_at <= clock)
			continue;
		until = dispo_time_format_short(o->next_attempt_at, cli->config->tz);
		g_set_error(error, DISPO_OUTBOX_ERROR, DISPO_OUTBOX_ERROR_TEMPORARY,
		            "email %" G_GINT64_FORMAT " is being sent by another dispo right now; "
		            "retry it after %s if it is still not sent",
		            id, until);
		return false;
	}
	return true;
}

int
cli_outbox(dispo_cli *cli, int argc, char **argv)
{
	g_autofree char *format_s = NULL;
	g_autofree char *state = NULL;
	GOptionEntry entries[] = {
	    {"format", 'f', 0, G_OPTION_ARG_STRING, &format_s, "table (default) or json", "FORMAT"},
	    {"state", 0, 0, G_OPTION_ARG_STRING, &state,
	     "only rows in this state (pending, sent, failed)", "STATE"},
	    G_OPTION_ENTRY_NULL};
	g_autoptr(dispo_store) store = NULL;
	g_autoptr(GError) e = NULL;
	dispo_outbox_stats stats = {0};
	const char *sub;
	int rc;

	if (!cli_parse(cli, entries, "[list | flush | retry ID]",
	               "Lists the emails dispo decided to send, delivers the due ones (flush),\n"
	               "or makes a failed one due again (retry).",
	               &argc, &argv))
		return EX_USAGE;
	if (format_s && strcmp(format_s, "json") != 0 && strcmp(format_s, "table") != 0) {
		cli_error(cli, "--format must be table or json, not '%s'", format_s);
		return EX_USAGE;
	}
	sub = argc > 1 ? argv[1] : "list";
	if (!((strcmp(sub, "list") == 0 || strcmp(sub, "flush") == 0) && argc <= 2) &&
	    !(strcmp(sub, "retry") == 0 && argc == 3)) {
		cli_error(cli, "use 'outbox list', 'outbox flush' or 'outbox retry ID'");
		return EX_USAGE;
	}
	if ((rc = cli_start(cli, &store)) != EX_OK)
		return rc;
	if (strcmp(sub, "list") == 0)
		return list(cli, store, format_s && strcmp(format_s, "json") == 0, state);
	if (strcmp(sub, "retry") == 0) {
		char *end;
		gint64 id = g_ascii_strtoll(argv[2], &end, 10);
		if (*end || id <= 0) {
			cli_error(cli, "'%s' is not an outbox id (see 'dispo outbox list')",
			          argv[2]);
			return EX_USAGE;
		}
		if (!sending_elsewhere(cli, store, id, &e)) {
			cli_error(cli, "%s", e->message);
			return EX_TEMPFAIL;
		}
		if (!store_begin(store, &e) ||
		    !store_outbox_mark_failed(store, id, "retried by the operator", false, 0, &e) ||
		    !store_commit(store, &e)) {
			store_rollback(store);
			cli_error(cli, "%s", e->message);
			return cli_exit_code(e);
		}
	}
	if (!cli_outbox_flush(cli, store, &stats, &e)) {
		cli_error(cli, "%s", e->message);
		return cli_exit_code(e);
	}
	printf("outbox: %u sent, %u deferred (retried later), %u failed\n", stats.sent,
	       stats.deferred, stats.failed);
	/* Something the operator must look at: an email that will not go. */
	return stats.failed ? EX_UNAVAILABLE : EX_OK;
}
