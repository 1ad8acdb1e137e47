/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dispo-deliver.c: `dispo deliver`, one message on stdin from an MTA. Exit
 * codes are the MTA's language: 0 stored (a refusal by policy is an answer,
 * not a delivery failure), 75 EX_TEMPFAIL for anything that may pass on a
 * retry. Nothing else, so that no message ever bounces because of dispo. */
#include "config.h"

#include "cli/cli.h"
#include "ingest/ingest.h"

#include <stdio.h>
#include <unistd.h>

int
cli_deliver(dispo_cli *cli, int argc, char **argv)
{
	g_autoptr(GError) e = NULL;
	g_autoptr(dispo_store) store = NULL;
	g_autoptr(dispo_ingest) ing = NULL;
	g_autoptr(dispo_rules) rules = NULL;
	dispo_ingest_options opt = {0};
	const dispo_ingest_stats *st;

	if (!cli_parse(cli, NULL, NULL,
	               "Reads one message from standard input and stores it. Exits 0 when it is\n"
	               "stored (or was stored before), 75 (EX_TEMPFAIL) when it could not be, so\n"
	               "that the mail server keeps it and tries again.",
	               &argc, &argv))
		return EX_TEMPFAIL;
	if (argc > 1) {
		cli_error(cli, "takes no arguments, the message comes on standard input");
		return EX_TEMPFAIL;
	}
	/* A broken configuration is the administrator's to fix; the mail waits. */
	if (!cli_load(cli))
		return EX_TEMPFAIL;
	/* Broken rules are the administrator's to fix; the mail waits too. */
	rules = cli_rules_load(cli, &e);
	if (!rules)
		goto fail;
	store = cli_store_open(cli, &e);
	if (!store)
		goto fail;
	opt.rules = rules;
	opt.source = "deliver";
	opt.now = cli->now;
	opt.now_override = cli->now_given ? cli->now : 0;
	opt.use_received = false;
	opt.batch = 1;
	ing = ingest_new(cli->config, store, &opt);
	if (!ingest_fd(ing, STDIN_FILENO, &e) || !ingest_flush(ing, &e))
		goto fail;
	st = ingest_stats(ing);
	if (st->duplicate)
		printf("dispo: already stored, nothing to do\n");
	else if (st->awaiting)
		printf(
		    "dispo: stored, request %s opened, awaiting the confirmation of its address\n",
		    (char *)ingest_opened(ing)->pdata[0]);
	else if (ingest_opened(ing)->len)
		printf("dispo: stored, request %s opened\n", (char *)ingest_opened(ing)->pdata[0]);
	else if (st->refused)
		printf("dispo: stored, application refused (dispo requests list --refused)\n");
	else
		printf("dispo: stored\n");
	/* The message is safe; a failed send is retried by the next run (or
	 * the daemon) and is no reason for the mail server to try again. */
	if (!cli_outbox_flush(cli, store, NULL, &e))
		cli_error(cli, "stored, but the outbox could not be delivered: %s", e->message);
	return EX_OK;
fail:
	cli_error(cli, "%s (the mail server will try again)", e->message);
	return EX_TEMPFAIL;
}
