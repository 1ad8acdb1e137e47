/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dispo.c: the dispo binary: global options and the table of subcommands. */
#include "config.h"

#include "cli/cli.h"
#include "ingest/ingest.h"

#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>

typedef struct {
	const char *name;
	int (*run)(dispo_cli *cli, int argc, char **argv);
	const char *summary;
} command;

#include <gio/gio.h>

GResource *dispo_get_resource(void);

static const command commands[] = {
    {"demo", cli_demo, "run the SOP on sample mail under ./var (no server needed)"},
    {"deliver", cli_deliver, "store one message read from standard input (for an MTA)"},
    {"import", cli_import, "store messages from Maildirs, mbox files and .eml files"},
    {"employees", cli_employees, "import the employee register (employees import register.csv)"},
    {"rules", cli_rules, "check the rules files, draw them, or dry-run emails against them"},
    {"timers", cli_timers, "fire the SLA timers that are due (reminders, escalations)"},
    {"admin", cli_admin, "cancel a request, or move it to a step (admin cancel|move)"},
    {"outbox", cli_outbox, "the emails dispo decided to send (outbox list|flush|retry ID)"},
    {"records", cli_records,
     "the SOP's records for a spreadsheet (applications, letters, certificates)"},
    {"certificates", cli_certificates, "the register of issued certificates (certificates list)"},
    {"requests", cli_requests, "where requests are, who holds them, how late (requests show ID)"},
    {"report", cli_report, "SLA compliance per step, in working time, against the SOP's standard"},
    {"audit", cli_audit, "check the audit trail's hash chains (audit verify)"},
    {"serve", cli_serve, "the daemon: IMAP IDLE intake, the outbox sender, the SLA timers"},
    {"status", cli_status, "health for a monitor: the daemon, IMAP, outbox, overdue steps"},
};

GOptionGroup *
cli_global_group(dispo_cli *cli)
{
	GOptionEntry entries[] = {
	    {"config", 'c', 0, G_OPTION_ARG_FILENAME, &cli->config_path,
	     "configuration file (default: $DISPO_CONFIG, else the embedded default)", "FILE"},
	    {"now", 0, 0, G_OPTION_ARG_STRING, &cli->now_text,
	     "judge every message at this time (ISO 8601), for replays and tests", "TIME"},
	    G_OPTION_ENTRY_NULL};
	GOptionGroup *g = g_option_group_new(
	    "global", "Options of every command:", "Show the options of every command", NULL, NULL);
	g_option_group_add_entries(g, entries);
	return g;
}

bool
cli_parse(dispo_cli *cli, GOptionEntry *entries, const char *params, const char *summary, int *argc,
          char ***argv)
{
	g_autofree char *title =
	    g_strdup_printf("%s%s%s", cli->command, params ? " " : "", params ? params : "");
	g_autoptr(GOptionContext) ctx = g_option_context_new(title);
	g_autoptr(GError) e = NULL;

	g_option_context_set_summary(ctx, summary);
	if (entries)
		g_option_context_add_main_entries(ctx, entries, NULL);
	g_option_context_add_group(ctx, cli_global_group(cli));
	if (!g_option_context_parse(ctx, argc, argv, &e)) {
		cli_error(cli, "%s (see dispo %s --help)", e->message, cli->command);
		return false;
	}
	return true;
}

void
cli_error(const dispo_cli *cli, const char *fmt, ...)
{
	va_list ap;
	g_autofree char *msg = NULL;

	va_start(ap, fmt);
	msg = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	(void)cli; /* the command named itself in dispo_log_init */
	dispo_log(LOG_ERR, "%s", msg);
}

int
cli_exit_code(const GError *error)
{
	if (ingest_error_is_temporary(error))
		return EX_TEMPFAIL;
	if (error && error->domain == DISPO_CONFIG_ERROR)
		return EX_CONFIG;
	if (error && error->domain == DISPO_INGEST_ERROR &&
	    error->code == DISPO_INGEST_ERROR_NO_INPUT)
		return EX_NOINPUT;
	if (error && error->domain == DISPO_IO_ERROR)
		return EX_IOERR;
	if (error && error->domain == DISPO_STORE_ERROR)
		return error->code == DISPO_STORE_ERROR_NOT_FOUND ? EX_DATAERR : EX_SOFTWARE;
	return EX_SOFTWARE;
}

bool
cli_load(dispo_cli *cli)
{
	g_autoptr(GError) e = NULL;

	/* Loaded once: a command that calls a helper which loads again keeps
	 * what it set up (the demo points data_dir at its own directory). */
	if (cli->config)
		return true;
	cli->config = dispo_config_load(cli->config_path, &e);
	if (!cli->config) {
		cli_error(cli, "%s", e->message);
		return false;
	}
	if (cli->now_text) {
		if (!dispo_time_parse_iso8601(cli->now_text, &cli->now, &e)) {
			cli_error(cli, "--now: %s", e->message);
			return false;
		}
		cli->now_given = true;
	} else {
		cli->now = g_get_real_time() / G_USEC_PER_SEC;
	}
	return true;
}

dispo_store *
cli_store_open(dispo_cli *cli, GError **error)
{
	g_autofree char *db = g_build_filename(cli->config->data_dir, "dispo.db", NULL);
	g_autofree char *mail = g_build_filename(cli->config->data_dir, "mail", NULL);

	if (!cli_become_data_owner(cli, error) || !dispo_mkdir_p(cli->config->data_dir, error))
		return NULL;
	return store_open(db, mail, cli->config->busy_timeout_ms, error);
}

dispo_rules *
cli_rules_load(dispo_cli *cli, GError **error)
{
	g_autoptr(GPtrArray) diags = rules_diagnostics_new();
	dispo_rules *rules =
	    rules_load_dir(cli->config->rules_dir, cli->config->templates_dir, diags, error);

	/* Each problem on its own line, as `dispo rules check` shows them. */
	for (guint i = 0; !rules && i < diags->len; i++) {
		g_autofree char *line = rules_diagnostic_format(diags->pdata[i]);
		fprintf(stderr, "%s\n", line);
	}
	return rules;
}

/* The failure hook's state: rules and an ingest made only when an email
 * fails for good, which is rare. */
typedef struct flush_ctx {
	dispo_cli *cli;
	dispo_store *store;
	dispo_rules *rules;
	dispo_ingest *ing;
} flush_ctx;

static bool
flush_failed(dispo_store *store, const dispo_outbox_row *row, const char *why, void *user,
             GError **error)
{
	flush_ctx *f = user;

	(void)store;
	if (!f->ing) {
		dispo_ingest_options opt = {
		    .source = "outbox",
		    .now = f->cli->now,
		    .now_override = f->cli->now_given ? f->cli->now : 0,
		    .batch = 1,
		};
		if (!f->rules && !(f->rules = cli_rules_load(f->cli, error)))
			return false;
		opt.rules = f->rules;
		f->ing = ingest_new(f->cli->config, f->store, &opt);
	}
	return ingest_delivery_failed(f->ing, row, why, f->cli->now, error);
}

bool
cli_outbox_flush(dispo_cli *cli, dispo_store *store, dispo_outbox_stats *stats, GError **error)
{
	g_autoptr(dispo_outbox) outbox = outbox_open(cli->config, error);
	flush_ctx f = {cli, store, NULL, NULL};
	bool ok;

	if (!outbox)
		return false;
	outbox->failed = flush_failed;
	outbox->failed_user = &f;
	ok = outbox_flush(outbox, store, cli->now, stats, error);
	/* An email went out but the store could not record it (locked past
	 * busy_timeout): once this command exits, only the row's lease would
	 * stop a second copy. Try to record it a few times first. */
	for (int i = 0; !ok && outbox_unrecorded(outbox) && i < 3; i++) {
		g_clear_error(error);
		g_usleep(G_USEC_PER_SEC);
		ok = outbox_flush(outbox, store, cli->now, stats, error);
	}
	ingest_free(f.ing);
	if (f.rules)
		rules_unref(f.rules);
	return ok;
}

int
cli_start(dispo_cli *cli, dispo_store **store)
{
	g_autoptr(GError) e = NULL;

	if (!cli_load(cli))
		return EX_CONFIG;
	*store = cli_store_open(cli, &e);
	if (!*store) {
		cli_error(cli, "%s", e->message);
		return cli_exit_code(e);
	}
	return EX_OK;
}

static void
usage(FILE *out)
{
	int width = 0;

	fprintf(out, "Usage: dispo [--config FILE] [--now TIME] COMMAND [OPTIONS]\n\n"
	             "dispo runs an office's procedures (SOPs) by email.\n\nCommands:\n");
	/* As wide as the longest name: "certificates" outgrew a fixed column. */
	for (size_t i = 0; i < G_N_ELEMENTS(commands); i++)
		width = MAX(width, (int)strlen(commands[i].name));
	for (size_t i = 0; i < G_N_ELEMENTS(commands); i++)
		fprintf(out, "  %-*s %s\n", width, commands[i].name, commands[i].summary);
	fprintf(out, "\n'dispo COMMAND --help' shows a command's options; man dispo tells more.\n");
}

/* A usage error is EX_USAGE, except when a mail server runs deliver: then
 * it is EX_TEMPFAIL, so that a typo in master.cf never bounces mail. */
static int
usage_code(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "deliver") == 0)
			return EX_TEMPFAIL;
	return EX_USAGE;
}

/* Takes the global options that come before the command name. */
static int
take_globals(dispo_cli *cli, int argc, char **argv)
{
	int i = 1;

	while (i < argc && argv[i][0] == '-') {
		const char *a = argv[i];
		char **slot = NULL;
		const char *value = NULL;
		if (strcmp(a, "--config") == 0 || strcmp(a, "-c") == 0)
			slot = &cli->config_path;
		else if (strcmp(a, "--now") == 0)
			slot = &cli->now_text;
		else if (g_str_has_prefix(a, "--config="))
			slot = &cli->config_path, value = a + 9;
		else if (g_str_has_prefix(a, "--now="))
			slot = &cli->now_text, value = a + 6;
		else
			break;
		if (!value) {
			if (i + 1 >= argc)
				return -1;
			value = argv[++i];
		}
		g_free(*slot);
		*slot = g_strdup(value);
		i++;
	}
	return i;
}

/* Fontconfig (under Pango, for the letter) keeps what it loads for the
 * life of the process, by design; under LeakSanitizer (--enable-sanitizers)
 * that is not a leak of ours. Read by LeakSanitizer only. */
const char *__lsan_default_suppressions(void);
const char *
__lsan_default_suppressions(void)
{
	return "leak:libfontconfig.so\n";
}

static int
finish(dispo_cli *cli, int rc)
{
	dispo_config_free(cli->config);
	g_free(cli->config_path);
	g_free(cli->now_text);
	return rc;
}

int
main(int argc, char **argv)
{
	dispo_cli cli = {0};
	int first;

	setlocale(LC_ALL, "");
	/* The built-in rules and templates (resource:///dispo/…) register
	 * themselves; naming them keeps the linker from dropping them. */
	(void)dispo_get_resource();
	cli.program = argv[0];
	g_set_prgname("dispo");
	dispo_log_init("dispo");
	first = take_globals(&cli, argc, argv);
	if (first < 0 || first >= argc) {
		if (first < 0)
			fprintf(stderr, "dispo: %s needs a value\n", argv[argc - 1]);
		else
			usage(stderr);
		return finish(&cli, usage_code(argc, argv));
	}
	if (strcmp(argv[first], "--help") == 0 || strcmp(argv[first], "-h") == 0 ||
	    strcmp(argv[first], "help") == 0) {
		usage(stdout);
		return finish(&cli, EX_OK);
	}
	if (strcmp(argv[first], "--version") == 0 || strcmp(argv[first], "version") == 0) {
		printf("dispo %s (schema %d)\n", PACKAGE_VERSION, store_schema_latest());
		return finish(&cli, EX_OK);
	}
	for (size_t i = 0; i < G_N_ELEMENTS(commands); i++) {
		if (strcmp(argv[first], commands[i].name) != 0)
			continue;
		g_autofree char *ident = g_strdup_printf("dispo %s", commands[i].name);
		cli.command = commands[i].name;
		dispo_log_init(ident);
		return finish(&cli, commands[i].run(&cli, argc - first, argv + first));
	}
	fprintf(stderr, "dispo: unknown command or option '%s'\n\n", argv[first]);
	usage(stderr);
	return finish(&cli, usage_code(argc, argv));
}

bool
cli_date_parse(const char *s, GDate *out)
{
	unsigned y, m, d;
	int n = 0;

	if (strlen(s) != 10 || sscanf(s, "%4u-%2u-%2u%n", &y, &m, &d, &n) != 3 || n != 10 ||
	    s[4] != '-' || s[7] != '-' || y < 1970 || y > 9998 ||
	    !g_date_valid_dmy((GDateDay)d, (GDateMonth)m, (GDateYear)y))
		return false;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && !g_ascii_isdigit(s[i]))
			return false;
	g_date_clear(out, 1);
	g_date_set_dmy(out, (GDateDay)d, (GDateMonth)m, (GDateYear)y);
	return true;
}

dispo_time
cli_date_start(const GDate *d, GTimeZone *tz)
{
	g_autoptr(GDateTime) dt =
	    g_date_time_new(tz, (gint)g_date_get_year(d), (gint)g_date_get_month(d),
	                    (gint)g_date_get_day(d), 0, 0, 0);
	return dt ? g_date_time_to_unix(dt) : 0;
}
