/* SPDX-License-Identifier: GPL-3.0-or-later */
/* store-private.h: what the files of src/store share (and its own tests). */
#ifndef DISPO_STORE_PRIVATE_H
#define DISPO_STORE_PRIVATE_H

#include "store/store.h"

#include <sqlite3.h>

struct dispo_store {
	sqlite3 *db;
	char *db_path;
	char *mail_dir;
	GHashTable *stmts; /* SQL text -> prepared sqlite3_stmt, reused */
	bool in_tx;
};

/* The migration that brings the schema from version i-1 to i is
 * store_migrations[i]; store_migrations[0] is unused. */
extern const char *const store_migrations[];
extern const int store_migrations_count;

/* A cached statement, reset and unbound, or NULL with *error. */
sqlite3_stmt *store_stmt(dispo_store *store, const char *sql, GError **error);
/* Fills *error from the connection's last error; returns false. */
bool store_fail(dispo_store *store, GError **error, const char *what);
bool store_exec(dispo_store *store, const char *sql, GError **error);
/* Opens the database and migrates it only up to `version` (tests of
 * migrations start from an old schema this way). */
dispo_store *store_open_version(const char *db_path, const char *mail_dir, int busy_timeout_ms,
                                int version, GError **error);

/* The report's query (report.c), for its test of the query plan. */
extern const char store_report_events_sql[];
/* Asked for every reply and every email (tests/store/test-report.c checks
 * their plans): the answers to an address since a time, and an employee by
 * address in any case. */
extern const char store_outbox_count_to_sql[];
extern const char store_employee_by_email_sql[];

char *store_column_dup(sqlite3_stmt *st, int col);
/* Binds s, or NULL when s is NULL. */
void store_bind_text(sqlite3_stmt *st, int i, const char *s);

#endif
