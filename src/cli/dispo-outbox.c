/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dispo-outbox.c: `dispo outbox list|flush|retry ID`: the emails dispo
 * decided to send, for operators (a table, CSV, JSON or a workbook). */
#include "config.h"

#include "cli/cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
	OB_ID,
	OB_REQUEST,
	OB_STEP,
	OB_TEMPLATE,
	OB_KIND,
	OB_TO,
	OB_CC,
	OB_MESSAGE_ID,
	OB_REPLY_TO,
	OB_STATE,
	OB_ATTEMPTS,
	OB_CREATED,
	OB_SENT,
	OB_LAST_ERROR,
};
static const cli_column outbox_columns[] = {
    [OB_ID] = {"id", "ID", CLI_CELL_INT, 0, 0},
    [OB_REQUEST] = {"request", "REQUEST", CLI_CELL_TEXT, 0, 0},
    [OB_STEP] = {"step", "STEP", CLI_CELL_TEXT, CLI_COLUMN_WIDE, 0},
    [OB_TEMPLATE] = {"template", "TEMPLATE", CLI_CELL_TEXT, CLI_COLUMN_WIDE, 0},
    [OB_KIND] = {"kind", "KIND", CLI_CELL_TEXT, 0, 0},
    [OB_TO] = {"to", "TO", CLI_CELL_TEXT, 0, 0},
    [OB_CC] = {"cc", "CC", CLI_CELL_TEXT, CLI_COLUMN_WIDE, 0},
    [OB_MESSAGE_ID] = {"message_id", "MESSAGE-ID", CLI_CELL_TEXT, CLI_COLUMN_DATA, 0},
    [OB_REPLY_TO] = {"reply_to", "REPLY-TO", CLI_CELL_TEXT, CLI_COLUMN_DATA, 0},
    [OB_STATE] = {"state", "STATE", CLI_CELL_TEXT, 0, 0},
    [OB_ATTEMPTS] = {"attempts", "TRIES", CLI_CELL_INT, 0, 0},
    [OB_CREATED] = {"created_at", "CREATED", CLI_CELL_TIME, 0, 0},
    [OB_SENT] = {"sent_at", "SENT", CLI_CELL_TIME, CLI_COLUMN_WIDE, 0},
    [OB_LAST_ERROR] = {"last_error", "LAST ERROR", CLI_CELL_TEXT, 0, 0},
};

static int
list(dispo_cli *cli, dispo_store *store, cli_format fmt, const char *output, const char *state)
{
	g_autoptr(GError) e = NULL;
	g_autoptr(GPtrArray) rows = store_outbox_list(store, state, &e);
	g_autoptr(cli_list) l = cli_list_new("outbox");

	if (!rows) {
		cli_error(cli, "%s", e->message);
		return cli_exit_code(e);
	}
	cli_list_columns(l, outbox_columns, G_N_ELEMENTS(outbox_columns));
	l->empty = "The outbox is empty.";
	for (guint i = 0; i < rows->len; i++) {
		const dispo_outbox_row *o = rows->pdata[i];
		cli_list_row(l);
		cli_list_int(l, OB_ID, o->id);
		cli_list_text(l, OB_REQUEST, o->request);
		if (!o->request)
			cli_list_shown(l, OB_REQUEST, "-");
		cli_list_text(l, OB_STEP, o->step);
		cli_list_text(l, OB_TEMPLATE, o->template_name);
		cli_list_text(l, OB_KIND, o->kind);
		cli_list_text(l, OB_TO, o->to_addr);
		/* The terminal has no room for a CC column that is nearly always
		 * empty: a copy is named beside the recipient. */
		if (o->cc_addr) {
			g_autofree char *to = g_strdup_printf("%s (cc %s)", o->to_addr, o->cc_addr);
			cli_list_shown(l, OB_TO, to);
		}
		cli_list_text(l, OB_CC, o->cc_addr);
		cli_list_text(l, OB_MESSAGE_ID, o->message_id);
		cli_list_text(l, OB_REPLY_TO, o->reply_to);
		cli_list_text(l, OB_STATE, o->state);
		cli_list_int(l, OB_ATTEMPTS, o->attempts);
		cli_list_time(l, OB_CREATED, o->created_at);
		cli_list_time(l, OB_SENT, o->sent_at);
		cli_list_text(l, OB_LAST_ERROR, o->last_error);
	}
	return cli_list_print(cli, l, fmt, output, NULL);
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
	g_autofree char *format_s = NULL, *output = NULL;
	g_autofree char *state = NULL;
	GOptionEntry entries[] = {
	    CLI_LIST_OPTIONS(format_s, output),
	    {"state", 0, 0, G_OPTION_ARG_STRING, &state,
	     "only rows in this state (pending, sent, failed)", "STATE"},
	    G_OPTION_ENTRY_NULL};
	g_autoptr(dispo_store) store = NULL;
	g_autoptr(GError) e = NULL;
	dispo_outbox_stats stats = {0};
	const char *sub;
	cli_format fmt;
	int rc;

	if (!cli_parse(cli, entries, "[list | flush | retry ID]",
	               "Lists the emails dispo decided to send, delivers the due ones (flush),\n"
	               "or makes a failed one due again (retry).",
	               &argc, &argv))
		return EX_USAGE;
	if (!cli_format_parse(cli, format_s, output, &fmt))
		return EX_USAGE;
	sub = argc > 1 ? argv[1] : "list";
	if (!((strcmp(sub, "list") == 0 || strcmp(sub, "flush") == 0) && argc <= 2) &&
	    !(strcmp(sub, "retry") == 0 && argc == 3)) {
		cli_error(cli, "use 'outbox list', 'outbox flush' or 'outbox retry ID'");
		return EX_USAGE;
	}
	if ((rc = cli_start(cli, &store)) != EX_OK)
		return rc;
	if (strcmp(sub, "list") == 0)
		return list(cli, store, fmt, output, state);
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
