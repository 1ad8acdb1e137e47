/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dispo-admin.c: `dispo timers` fires the SLA timers that are due (the
 * daemon does it by itself; cron can call this meanwhile), and `dispo
 * admin cancel|move` is the administrator's hand on a request. */
#include "config.h"

#include "cli/cli.h"
#include "ingest/ingest.h"

#include <stdio.h>
#include <string.h>

static dispo_ingest *
start(dispo_cli *cli, dispo_store **store, dispo_rules **rules, int *rc)
{
	g_autoptr(GError) e = NULL;
	dispo_ingest_options opt = {0};

	if ((*rc = cli_start(cli, store)) != EX_OK)
		return NULL;
	if (!(*rules = cli_rules_load(cli, &e))) {
		cli_error(cli, "%s", e->message);
		*rc = EX_CONFIG;
		return NULL;
	}
	opt.source = "admin";
	opt.now = cli->now;
	opt.now_override = cli->now_given ? cli->now : 0;
	opt.batch = 1;
	opt.rules = *rules;
	return ingest_new(cli->config, *store, &opt);
}

int
cli_timers(dispo_cli *cli, int argc, char **argv)
{
	g_autoptr(dispo_store) store = NULL;
	g_autoptr(dispo_rules) rules = NULL;
	g_autoptr(dispo_ingest) ing = NULL;
	g_autoptr(GError) e = NULL;
	unsigned fired = 0;
	int rc;

	if (!cli_parse(cli, NULL, NULL,
	               "Fires the SLA timers that are due now (or at --now): reminders to the\n"
	               "official, then an escalation; and delivers the emails.",
	               &argc, &argv))
		return EX_USAGE;
	if (argc > 1) {
		cli_error(cli, "takes no arguments");
		return EX_USAGE;
	}
	if (!(ing = start(cli, &store, &rules, &rc)))
		return rc;
	if (!ingest_timers_run(ing, cli->now, &fired, &e) ||
	    !cli_outbox_flush(cli, store, NULL, &e)) {
		cli_error(cli, "%s", e->message);
		return cli_exit_code(e);
	}
	printf("%u timer%s fired\n", fired, fired == 1 ? "" : "s");
	return EX_OK;
}

int
cli_admin(dispo_cli *cli, int argc, char **argv)
{
	g_autofree char *reason = NULL;
	GOptionEntry entries[] = {{"reason", 'r', 0, G_OPTION_ARG_STRING, &reason,
	                           "why (told to the applicant on cancel; kept in the audit)",
	                           "TEXT"},
	                          G_OPTION_ENTRY_NULL};
	g_autoptr(dispo_store) store = NULL;
	g_autoptr(dispo_rules) rules = NULL;
	g_autoptr(dispo_ingest) ing = NULL;
	g_autoptr(GError) e = NULL;
	g_autofree char *action = NULL;
	g_autofree char *actor = NULL;
	g_autofree char *refused = NULL;
	int rc;

	if (!cli_parse(
	        cli, entries, "cancel REQUEST | move REQUEST STEP",
	        "Cancels a request (the applicant is told), or moves it to a step (its email\n"
	        "goes out again and its SLA restarts). Recorded in the audit trail.",
	        &argc, &argv))
		return EX_USAGE;
	if (argc == 3 && strcmp(argv[1], "cancel") == 0) {
		action = g_strdup("cancel");
	} else if (argc == 4 && strcmp(argv[1], "move") == 0) {
		action = g_strdup_printf("move:%s", argv[3]);
	} else {
		cli_error(cli, "use 'admin cancel REQUEST' or 'admin move REQUEST STEP'");
		return EX_USAGE;
	}
	if (!(ing = start(cli, &store, &rules, &rc)))
		return rc;
	actor = g_strdup_printf("admin:%s", g_get_user_name());
	if (!ingest_admin_action(ing, argv[2], action, reason, actor, &refused, &e) ||
	    !cli_outbox_flush(cli, store, NULL, &e)) {
		cli_error(cli, "%s", e->message);
		return cli_exit_code(e);
	}
	if (refused) {
		cli_error(cli, "%s: not done (%s); nothing changed", argv[2], refused);
		return EX_DATAERR;
	}
	{
		g_autoptr(dispo_request_row) r = store_request_get(store, argv[2], &e);
		printf("%s: %s\n", argv[2], r ? r->state : "?");
	}
	return EX_OK;
}
