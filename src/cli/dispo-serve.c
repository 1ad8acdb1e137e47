/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dispo-serve.c: `dispo serve`, the daemon (src/daemon/): only its options
 * are read here. */
#include "config.h"

#include "cli/cli.h"
#include "daemon/daemon.h"
#include "rules/rules.h"

int
cli_serve(dispo_cli *cli, int argc, char **argv)
{
	g_autoptr(GError) e = NULL;
	dispo_daemon_options o = {0};

	if (!cli_parse(cli, NULL, NULL,
	               "Runs until stopped: takes mail in from the [imap] mailbox (IDLE), sends\n"
	               "the outbox as soon as emails are decided, and fires the SLA timers when\n"
	               "due. SIGHUP reloads the configuration, rules and templates (all or\n"
	               "nothing); SIGTERM finishes the message in hand and exits 0.",
	               &argc, &argv))
		return EX_USAGE;
	if (argc > 1) {
		cli_error(cli, "takes no arguments");
		return EX_USAGE;
	}
	if (cli->now_text) {
		cli_error(cli, "--now makes no sense for a daemon: it keeps the real clock");
		return EX_USAGE;
	}
	/* Root starting it by hand works on the data directory's owner's
	 * behalf, as every command does. */
	if (!cli_load(cli) || !cli_become_data_owner(cli, &e)) {
		if (e)
			cli_error(cli, "%s", e->message);
		return EX_CONFIG;
	}
	o.config_path = cli->config_path;
	if (!daemon_run(&o, &e)) {
		cli_error(cli, "%s", e->message);
		/* What the administrator must fix before it can start. */
		if (e->domain == DISPO_CONFIG_ERROR || e->domain == DISPO_RULES_ERROR ||
		    e->domain == DISPO_OUTBOX_ERROR ||
		    (e->domain == DISPO_IO_ERROR && e->code == DISPO_IO_ERROR_PERMANENT))
			return EX_CONFIG;
		return cli_exit_code(e);
	}
	return EX_OK;
}
