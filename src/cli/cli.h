/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cli.h: what the subcommands of the dispo binary share: global options,
 * the configuration, the clock, and the store under data_dir. */
#ifndef DISPO_CLI_H
#define DISPO_CLI_H

#include "lib/lib.h"
#include "outbox/outbox.h"
#include "rules/rules.h"
#include "store/store.h"
#include "workflow/workflow.h"

#include <json-glib/json-glib.h>
#include <sysexits.h>

typedef struct dispo_cli {
	const char *program; /* argv[0], to show commands a person can paste */
	const char *command;
	char *config_path; /* --config */
	char *now_text;    /* --now */
	dispo_config *config;
	dispo_time now; /* --now, or the clock read once at start */
	bool now_given;
} dispo_cli;

/* The --config and --now entries every subcommand accepts. */
GOptionGroup *cli_global_group(dispo_cli *cli);
/* Parses a subcommand's options (with the global ones); on a usage error
 * prints it and returns false. */
bool cli_parse(dispo_cli *cli, GOptionEntry *entries, const char *params, const char *summary,
               int *argc, char ***argv);
/* Loads the configuration and the time; prints what is wrong and returns
 * false (exit with EX_CONFIG). */
bool cli_load(dispo_cli *cli);
/* cli_load and cli_store_open, printing what went wrong: EX_OK, or the exit
 * code to return. */
int cli_start(dispo_cli *cli, dispo_store **store);
/* Opens data_dir/dispo.db (creating data_dir), raw mail under data_dir/mail;
 * run as root, first becomes data_dir's owner (cli_become_data_owner). */
dispo_store *cli_store_open(dispo_cli *cli, GError **error);
/* Run as root against a data_dir (or, while it does not exist, the nearest
 * directory above it) that belongs to another user, becomes that user for
 * good (owner.c); otherwise does nothing. */
bool cli_become_data_owner(dispo_cli *cli, GError **error);
/* The rules of config's rules_dir, checked against its templates; each
 * problem printed on stderr as file:line:col: message. */
dispo_rules *cli_rules_load(dispo_cli *cli, GError **error);
/* Delivers the due outbox rows through the configured sender (SMTP when
 * [smtp] url is set, else the Maildir under data_dir/outbox); an email that
 * fails for good is recorded and the administrator told
 * (ingest_delivery_failed). stats may be NULL. */
bool cli_outbox_flush(dispo_cli *cli, dispo_store *store, dispo_outbox_stats *stats,
                      GError **error);
/* Output (output.c): a member that is a string, or null when value is NULL;
 * the builder's value pretty-printed; rows of cells (char **) in columns
 * padded to their widest cell, the last column unpadded. */
void cli_json_string(JsonBuilder *b, const char *name, const char *value);
void cli_json_print(JsonBuilder *b);
void cli_table_print(const GPtrArray *rows, guint ncols);
/* The same rows as RFC 4180 CSV (CRLF line ends), for spreadsheets. */
void cli_csv_print(const GPtrArray *rows, guint ncols);
/* `rules test FILE.eml…` (dispo-rules-test.c). */
int cli_rules_test(dispo_cli *cli, int argc, char **argv, bool json);
/* Prints "dispo COMMAND: message" on stderr. */
void cli_error(const dispo_cli *cli, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
/* The exit code for an error: EX_TEMPFAIL when a retry may help. */
int cli_exit_code(const GError *error);

int cli_deliver(dispo_cli *cli, int argc, char **argv);
int cli_import(dispo_cli *cli, int argc, char **argv);
int cli_requests(dispo_cli *cli, int argc, char **argv);
int cli_demo(dispo_cli *cli, int argc, char **argv);
int cli_employees(dispo_cli *cli, int argc, char **argv);
int cli_rules(dispo_cli *cli, int argc, char **argv);
int cli_outbox(dispo_cli *cli, int argc, char **argv);
int cli_timers(dispo_cli *cli, int argc, char **argv);
int cli_admin(dispo_cli *cli, int argc, char **argv);
int cli_records(dispo_cli *cli, int argc, char **argv);
int cli_certificates(dispo_cli *cli, int argc, char **argv);
int cli_report(dispo_cli *cli, int argc, char **argv);
int cli_audit(dispo_cli *cli, int argc, char **argv);
int cli_serve(dispo_cli *cli, int argc, char **argv);
int cli_status(dispo_cli *cli, int argc, char **argv);
/* Counts who is at each step of the rules' workflows now into rep (only:
 * one workflow, or NULL): `report`'s open and overdue, `status`'s overdue. */
bool cli_report_feed_open(dispo_report *rep, dispo_store *store, const dispo_rules *rules,
                          const char *only, GError **error);
/* `employees import [--dry-run] FILE` (the demo loads the sample register). */
int cli_employees_import_file(dispo_cli *cli, const char *path, bool dry_run);
/* `requests show` as a table (the demo prints it too). */
int cli_request_print(dispo_cli *cli, dispo_store *store, const char *number);

/* A realistic application email (sample.c), the n-th of a generated set:
 * used by the demo and the benchmarks. With scan_bytes, the KTP is a JPEG
 * scan of that size instead of a small PDF. */
GBytes *cli_sample_application(unsigned n, dispo_time date, GTimeZone *tz, size_t scan_bytes);
/* The n-th sample applicant's request to revoke their certificate. */
GBytes *cli_sample_revocation(unsigned n, dispo_time date, GTimeZone *tz);
/* A one-page PDF whose page shows lines of text. */
GBytes *cli_sample_pdf(const char *const *lines);

#endif
