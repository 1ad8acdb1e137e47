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
#include <stdio.h>
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
 * the builder's value pretty-printed (with a final newline); rows of cells
 * (char **) in columns padded to their widest cell, the last column
 * unpadded. */
void cli_json_string(JsonBuilder *b, const char *name, const char *value);
char *cli_json_text(JsonBuilder *b);
void cli_json_print(JsonBuilder *b);
void cli_table_append(GString *out, const GPtrArray *rows, guint ncols);
void cli_table_print(const GPtrArray *rows, guint ncols);
/* The same rows as RFC 4180 CSV (CRLF line ends, a field quoted when it
 * holds a comma, quote or line end), for scripts. */
void cli_csv_row_append(GString *out, char *const *cells, guint ncols);
void cli_csv_print(const GPtrArray *rows, guint ncols);

/* ---- lists (list.c): every `… list` prints through one of these --------- */

/* --format of a list: a table for the terminal; CSV (RFC 4180, UTF-8, a
 * header row) and JSON for scripts; an xlsx workbook for people. */
typedef enum { CLI_FORMAT_TABLE, CLI_FORMAT_JSON, CLI_FORMAT_CSV, CLI_FORMAT_XLSX } cli_format;

/* What a column holds decides how each format writes it. */
typedef enum {
	CLI_CELL_TEXT,
	/* Digits that are no number (NIP, NIK, serials): text in every format,
	 * so that a spreadsheet never shows an 18-digit NIP as 1.98707E+17. */
	CLI_CELL_CODE,
	/* An instant: ISO 8601 with the office's offset in CSV and JSON, the
	 * office's local time as a date cell in xlsx. */
	CLI_CELL_TIME,
	CLI_CELL_DATE, /* a day, yyyy-mm-dd: a date cell in xlsx */
	CLI_CELL_INT,  /* a count: a number in JSON and xlsx */
	/* Working time in whole minutes: a number in CSV and JSON, "2 jam 10
	 * menit" in the table, a duration cell ([h]:mm) in xlsx. */
	CLI_CELL_MINUTES,
} cli_cell_kind;

enum {
	CLI_COLUMN_WIDE = 1, /* not in the terminal's table (too wide there) */
	CLI_COLUMN_DATA = 2, /* for scripts only: CSV and JSON */
};

typedef struct cli_column {
	const char *key;   /* CSV header and JSON member: late_minutes */
	const char *title; /* the table's and the workbook's header: LATE */
	cli_cell_kind kind;
	unsigned flags;
	unsigned cut; /* the table cuts longer text to this width (0: never) */
} cli_column;

typedef struct cli_cell {
	bool set;
	char *text;    /* TEXT, CODE, DATE */
	int64_t value; /* TIME (Unix seconds), INT, MINUTES */
	char *shown;   /* the table's text when it is not the value's, or NULL */
} cli_cell;

typedef struct cli_list {
	const char *name;  /* the workbook's sheet: requests */
	GArray *columns;   /* cli_column */
	GPtrArray *rows;   /* cli_cell[columns->len] each */
	const char *empty; /* the table's sentence for no rows, or NULL */
	GStringChunk *strings;
	/* Streamed (cli_list_stream): each row is written when the next one
	 * begins, and only the one being filled is kept. */
	FILE *stream;
	char *stream_tmp, *stream_path; /* -o FILE: written as FILE.tmp.PID, then renamed */
	GTimeZone *stream_tz;
	bool stream_failed;
} cli_list;

/* A list named name (static text), with no columns yet. */
cli_list *cli_list_new(const char *name);
void cli_list_free(cli_list *l);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(cli_list, cli_list_free)
/* Columns, all before the first row; key and title are copied. */
void cli_list_column(cli_list *l, const char *key, const char *title, cli_cell_kind kind,
                     unsigned flags, unsigned cut);
void cli_list_columns(cli_list *l, const cli_column *cols, guint n);
/* A new row; the setters fill its cells. An empty or NULL text, a time 0
 * and negative minutes leave the cell empty (JSON null). */
void cli_list_row(cli_list *l);
void cli_list_text(cli_list *l, guint col, const char *text);
void cli_list_time(cli_list *l, guint col, dispo_time t);
void cli_list_int(cli_list *l, guint col, int64_t value);
void cli_list_minutes(cli_list *l, guint col, int64_t minutes);
/* What the table shows in the cell instead ("-"), set or not. */
void cli_list_shown(cli_list *l, guint col, const char *shown);

/* --format and -o (--output) of every list. */
#define CLI_LIST_OPTIONS(format_s, output_s)                                                      \
	{"format", 'f', 0, G_OPTION_ARG_STRING, &(format_s), "table (default), csv, json or xlsx",   \
	 "FORMAT"},                                                                                 \
	{"output", 'o', 0, G_OPTION_ARG_FILENAME, &(output_s),                                      \
	 "write to FILE (replaced whole) instead of standard output", "FILE"}
/* Reads --format; refuses xlsx for a terminal without -o. Prints what is
 * wrong and returns false (EX_USAGE). */
bool cli_format_parse(dispo_cli *cli, const char *text, const char *output, cli_format *fmt);
/* For a list of any length: in CSV, rows go out as they are made (call
 * after the columns, before the first row; cli_list_print then finishes
 * the file). Other formats need every row first and are kept as before.
 * False, with the error printed (EX_CANTCREAT), when output cannot be made. */
bool cli_list_stream(dispo_cli *cli, cli_list *l, cli_format fmt, const char *output);
/* Prints the list in fmt to output (NULL: standard output): an exit code.
 * json, when not NULL, is the command's own JSON (nested members a list
 * cannot hold), printed instead of the list's. */
int cli_list_print(dispo_cli *cli, cli_list *l, cli_format fmt, const char *output,
                   JsonBuilder *json);
/* Working minutes for people, in the configured language: "45 menit",
 * "2 jam 10 menit" ("2 hours 10 minutes"). Hours, not days: a working day
 * is not 24 hours. */
char *cli_minutes_text(int64_t minutes, const char *lang);
/* The workbook (output-xlsx.c, the only user of libxlsxwriter): one sheet,
 * a bold frozen header row with a filter, widths from the contents. */
bool cli_list_xlsx_write(const cli_list *l, GTimeZone *tz, dispo_time created, const char *path,
                         GError **error);
/* ---- where requests are (where.c) --------------------------------------- */

/* What `requests list` and `records applications` say of where a request
 * is: the rules, the calendar, and the role holders read once each. */
typedef struct cli_where cli_where;
/* NULL when the rules or the calendar do not load (*error says why; the
 * rules' problems are printed as cli_rules_load does). */
cli_where *cli_where_new(dispo_cli *cli, dispo_store *store, GError **error);
void cli_where_free(cli_where *w);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(cli_where, cli_where_free)
const dispo_rules *cli_where_rules(const cli_where *w);
const dispo_calendar *cli_where_calendar(const cli_where *w);

typedef struct cli_request_at {
	const dispo_rules_workflow *wf; /* NULL: a workflow the rules no longer have */
	/* The step it is at (not an end); NULL before its workflow started,
	 * in an end, or at a step the rules no longer have. */
	const dispo_rules_step *step;
	bool closed; /* in an end */
	/* Who may act at the step now: the role's holders, then its deputies
	 * valid today ("a@x, b@y (plt)"), or the applicant for a correction;
	 * NULL when nobody. Owned by the cli_where (or the row). */
	const char *holders;
	const char *const *emails;
	guint n_emails;
	dispo_time due; /* the step's SLA deadline for this visit, 0: none */
	/* Working minutes past due at cli->now (at least 1 once past it), 0
	 * in time, -1 without a deadline. */
	int64_t late_minutes;
} cli_request_at;
/* Where r is now; at stays valid while w and r live. */
bool cli_where_find(cli_where *w, const dispo_request_row *r, cli_request_at *at, GError **error);
/* Whether address (any case) is one of at's holders. */
bool cli_where_held_by(const cli_request_at *at, const char *address);
/* Who holds role now, into at's holders and emails (as cli_where_find
 * gives them for a step of that role). */
bool cli_where_role(cli_where *w, const char *role, cli_request_at *at, GError **error);

/* A day written yyyy-mm-dd, a real date; false for anything else. */
bool cli_date_parse(const char *s, GDate *out);
/* Midnight at the start of d in tz. */
dispo_time cli_date_start(const GDate *d, GTimeZone *tz);

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
/* The n-th sample applicant as a line of the employee register (CSV, the
 * columns of rules/register-contoh.csv), for the benchmarks. */
char *cli_sample_register_row(unsigned n);
/* The n-th sample applicant's request to revoke their certificate. */
GBytes *cli_sample_revocation(unsigned n, dispo_time date, GTimeZone *tz);
/* A one-page PDF whose page shows lines of text. */
GBytes *cli_sample_pdf(const char *const *lines);

#endif
