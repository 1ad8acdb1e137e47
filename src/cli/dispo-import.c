/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dispo-import.c: `dispo import PATH…`, batch intake of stored mail with a
 * progress bar on a terminal and a one-line summary at the end. */
#include "config.h"

#include "cli/cli.h"
#include "ingest/ingest.h"

#include <stdio.h>
#include <unistd.h>

typedef struct {
	uint64_t total; /* bytes under the paths */
	gint64 started; /* monotonic µs */
	gint64 drawn;   /* when the bar was last drawn */
	bool tty;
} progress;

static void
draw(const dispo_ingest_stats *st, void *user)
{
	progress *p = user;
	gint64 now = g_get_monotonic_time();
	double frac;
	int filled;
	char bar[31];

	if (!p->tty || (now - p->drawn < 100000 && st->bytes < p->total))
		return;
	p->drawn = now;
	frac = p->total ? (double)st->bytes / (double)p->total : 0;
	if (frac > 1)
		frac = 1;
	filled = (int)(frac * 30);
	for (int i = 0; i < 30; i++)
		bar[i] = i < filled ? '#' : '.';
	bar[30] = 0;
	fprintf(stderr, "\r[%s] %3d%%  %u messages", bar, (int)(frac * 100), st->messages);
	fflush(stderr);
}

int
cli_import(dispo_cli *cli, int argc, char **argv)
{
	gboolean quiet = FALSE, no_send = FALSE;
	int batch = 0;
	GOptionEntry entries[] = {
	    {"quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, "no progress bar and no summary", NULL},
	    {"batch", 0, 0, G_OPTION_ARG_INT, &batch,
	     "messages per transaction (default: [store] import_batch)", "N"},
	    {"no-send", 0, 0, G_OPTION_ARG_NONE, &no_send,
	     "leave the emails it decides in the outbox, for dispo serve or outbox flush", NULL},
	    G_OPTION_ENTRY_NULL};
	g_autoptr(GError) e = NULL;
	g_autoptr(dispo_store) store = NULL;
	g_autoptr(dispo_ingest) ing = NULL;
	g_autoptr(dispo_rules) rules = NULL;
	dispo_ingest_options opt = {0};
	progress p = {0};
	const dispo_ingest_stats *st;
	double secs;
	int rc = EX_OK;

	if (!cli_parse(cli, entries, "PATH…",
	               "Stores every message found in the paths: Maildirs (new/ and cur/, and\n"
	               "Maildir++ folders), mbox files, single message files, and directories of\n"
	               "them. The same message imported twice is stored once.",
	               &argc, &argv))
		return EX_USAGE;
	if (argc < 2) {
		cli_error(cli, "name at least one Maildir, mbox or message file");
		return EX_USAGE;
	}
	if (batch < 0) {
		cli_error(cli, "--batch must be a positive number");
		return EX_USAGE;
	}
	if ((rc = cli_start(cli, &store)) != EX_OK)
		return rc;
	if (!(rules = cli_rules_load(cli, &e))) {
		cli_error(cli, "%s", e->message);
		return EX_CONFIG;
	}
	p.tty = !quiet && isatty(STDERR_FILENO);
	p.total = p.tty ? ingest_paths_size(argv + 1) : 0;
	p.started = g_get_monotonic_time();
	opt.rules = rules;
	opt.source = "import";
	opt.now = cli->now;
	opt.now_override = cli->now_given ? cli->now : 0;
	opt.use_received = true;
	opt.batch = batch ? (unsigned)batch : cli->config->import_batch;
	opt.progress = draw;
	opt.progress_user = &p;
	ing = ingest_new(cli->config, store, &opt);

	/* Every path must be there before anything is stored. */
	for (int i = 1; i < argc; i++) {
		if (!g_file_test(argv[i], G_FILE_TEST_EXISTS)) {
			cli_error(cli, "%s: no such file or directory; nothing was imported",
			          argv[i]);
			return EX_NOINPUT;
		}
	}
	for (int i = 1; i < argc; i++) {
		if (!ingest_path(ing, argv[i], &e))
			break;
	}
	/* What was read before a failure is kept, if the store lets us. */
	if (!e)
		ingest_flush(ing, &e);
	else
		ingest_flush(ing, NULL);
	st = ingest_stats(ing);
	if (p.tty) {
		p.drawn = 0;
		draw(st, &p);
		fputc('\n', stderr);
	}
	if (e) {
		cli_error(cli, "%s", e->message);
		rc = cli_exit_code(e);
		fprintf(stderr, "dispo import: what was committed is kept; run the same import "
		                "again to finish (stored messages are skipped)\n");
	} else if (st->failed) {
		rc = EX_IOERR;
	}
	if (!e && !no_send && !cli_outbox_flush(cli, store, NULL, &e)) {
		cli_error(cli, "the outbox could not be delivered: %s", e->message);
		g_clear_error(&e);
	}
	if (quiet)
		return rc;
	secs = (double)(g_get_monotonic_time() - p.started) / G_USEC_PER_SEC;
	printf("%u files, %u messages: %u stored, %u duplicate, %u unparseable, %u over limit",
	       st->files, st->messages, st->stored, st->duplicate, st->unparseable, st->over_limit);
	if (st->failed)
		printf(", %u unreadable", st->failed);
	printf("; %u requests opened (%u awaiting confirmation), %u refused, %u answers",
	       st->requests, st->awaiting, st->refused, st->answers);
	printf(" (%.1f s, %.0f messages/s, %.1f MB/s)\n", secs,
	       secs > 0 ? st->messages / secs : 0.0,
	       secs > 0 ? (double)st->bytes / (1024.0 * 1024.0) / secs : 0.0);
	return rc;
}
