/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dispo-audit.c: `dispo audit verify [--request NUMBER]`: walks the audit
 * events' hash chains and says whether the record was changed behind
 * dispo's back, and where. */
#include "config.h"

#include "cli/cli.h"

#include <stdio.h>
#include <string.h>

static const char *
plural(int64_t n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

int
cli_audit(dispo_cli *cli, int argc, char **argv)
{
	g_autofree char *number = NULL;
	GOptionEntry entries[] = {{"request", 'r', 0, G_OPTION_ARG_STRING, &number,
	                           "only this request's chain", "NUMBER"},
	                          G_OPTION_ENTRY_NULL};
	g_autoptr(dispo_store) store = NULL;
	g_autoptr(GError) e = NULL;
	dispo_audit_result res;
	int rc;

	if (!cli_parse(cli, entries, "verify",
	               "Recomputes the hash chain of every request's audit events (or one\n"
	               "request's) and names each broken link: the request, the event and what\n"
	               "differs. Exits 0 when every chain is intact, 65 when one is broken.",
	               &argc, &argv))
		return EX_USAGE;
	if (argc != 2 || strcmp(argv[1], "verify") != 0) {
		cli_error(cli, "use 'audit verify' or 'audit verify --request NUMBER'");
		return EX_USAGE;
	}
	if ((rc = cli_start(cli, &store)) != EX_OK)
		return rc;
	if (!store_audit_check(store, number, &res, &e)) {
		cli_error(cli, "%s", e->message);
		/* Not 65: that says a chain is broken, and cron may be watching. */
		if (g_error_matches(e, DISPO_STORE_ERROR, DISPO_STORE_ERROR_NOT_FOUND))
			return EX_NOINPUT;
		return cli_exit_code(e);
	}
	for (guint i = 0; i < res.breaks->len; i++) {
		const dispo_audit_break *b = res.breaks->pdata[i];
		const char *who = b->request ? b->request : "a deleted request's";
		/* a copy for reports of an event that is gone has no event id */
		if (b->event_id)
			printf("%s event %" G_GINT64_FORMAT " (seq %u): %s\n", who,
			       (gint64)b->event_id, b->seq, b->what);
		else
			printf("%s seq %u: %s\n", who, b->seq, b->what);
	}
	if (res.broken > res.breaks->len)
		printf("… and %u more broken links\n", res.broken - res.breaks->len);
	printf("Checked %" G_GINT64_FORMAT " %s of %" G_GINT64_FORMAT " %s: ", (gint64)res.events,
	       plural(res.events, "event", "events"), (gint64)res.requests,
	       plural(res.requests, "request", "requests"));
	if (!res.broken) {
		printf("%s.\n", res.requests == 1 ? "its hash chain is intact"
		                                  : "every hash chain is intact");
		store_audit_result_clear(&res);
		return EX_OK;
	}
	printf("%u broken %s in %u %s.\n"
	       "The audit trail was changed outside dispo. Keep this database as evidence,\n"
	       "compare it with a backup of dispo.db, and read the events around each link\n"
	       "with 'dispo requests show REQUEST'.\n",
	       res.broken, plural(res.broken, "link", "links"), res.broken_requests,
	       plural(res.broken_requests, "request", "requests"));
	store_audit_result_clear(&res);
	return EX_DATAERR;
}
