/* SPDX-License-Identifier: GPL-3.0-or-later */
/* db.c: opening the SQLite database (WAL, foreign keys, busy timeout, full
 * sync), forward migrations, transactions and the statement cache. */
#include "config.h"

#include "store/store-private.h"

#include <string.h>

/* clang-format off */
G_DEFINE_QUARK(dispo-store-error-quark, dispo_store_error)
/* clang-format on */

/* PRAGMA application_id: "dspo", so that another program's database is
 * recognised instead of being migrated. */
#define DISPO_APPLICATION_ID 0x6473706f

bool
store_fail(dispo_store *store, GError **error, const char *what)
{
	int rc = sqlite3_extended_errcode(store->db);
	int code;

	switch (rc & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
	case SQLITE_FULL:
	case SQLITE_IOERR:
	case SQLITE_NOMEM:
	case SQLITE_CANTOPEN:
	case SQLITE_PROTOCOL:
	case SQLITE_READONLY: code = DISPO_STORE_ERROR_TEMPORARY; break;
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB: code = DISPO_STORE_ERROR_CORRUPT; break;
	default: code = DISPO_STORE_ERROR_FAILED;
	}
	g_set_error(error, DISPO_STORE_ERROR, code, "%s: %s: %s", store->db_path, what,
	            sqlite3_errmsg(store->db));
	return false;
}

bool
store_exec(dispo_store *store, const char *sql, GError **error)
{
	if (sqlite3_exec(store->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return store_fail(store, error, "cannot run SQL");
	return true;
}

sqlite3_stmt *
store_stmt(dispo_store *store, const char *sql, GError **error)
{
	sqlite3_stmt *st = g_hash_table_lookup(store->stmts, sql);

	if (st) {
		sqlite3_reset(st);
		sqlite3_clear_bindings(st);
		return st;
	}
	if (sqlite3_prepare_v3(store->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) !=
	    SQLITE_OK) {
		store_fail(store, error, "cannot prepare a statement");
		return NULL;
	}
	g_hash_table_insert(store->stmts, g_strdup(sql), st);
	return st;
}

char *
store_column_dup(sqlite3_stmt *st, int col)
{
	const unsigned char *t = sqlite3_column_text(st, col);
	return t ? g_strdup((const char *)t) : NULL;
}

void
store_bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s)
		sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, i);
}

static bool
pragma_int(dispo_store *store, const char *sql, int *out, GError **error)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(store->db, sql, -1, &st, NULL) != SQLITE_OK)
		return store_fail(store, error, sql);
	rc = sqlite3_step(st);
	*out = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_fail(store, error, sql);
	return true;
}

int
store_schema_latest(void)
{
	return store_migrations_count - 1;
}

int
store_schema_version(dispo_store *store)
{
	int v = -1;
	pragma_int(store, "PRAGMA user_version", &v, NULL);
	return v;
}

/* Reads what the file says about itself and refuses a foreign or newer one. */
static bool
check_schema(dispo_store *store, int *version, GError **error)
{
	int app_id, tables;

	if (!pragma_int(store, "PRAGMA user_version", version, error) ||
	    !pragma_int(store, "PRAGMA application_id", &app_id, error) ||
	    !pragma_int(store, "SELECT count(*) FROM sqlite_schema", &tables, error))
		return false;
	if (app_id != DISPO_APPLICATION_ID && (app_id != 0 || tables > 0)) {
		g_set_error(error, DISPO_STORE_ERROR, DISPO_STORE_ERROR_CORRUPT,
		            "%s is not a dispo database; move it away or point [general] "
		            "data_dir elsewhere",
		            store->db_path);
		return false;
	}
	if (*version > store_schema_latest()) {
		g_set_error(error, DISPO_STORE_ERROR, DISPO_STORE_ERROR_SCHEMA,
		            "%s has schema version %d, but this dispo knows only up to %d: "
		            "run the newer dispo that wrote it",
		            store->db_path, *version, store_schema_latest());
		return false;
	}
	return true;
}

static bool
migrate(dispo_store *store, int target, GError **error)
{
	int version;
	g_autofree char *set = NULL;

	/* Usually there is nothing to do, and a reader (requests list) must not
	 * wait for the write lock to find that out. */
	if (!check_schema(store, &version, error))
		return false;
	if (version >= target)
		return true;
	/* Under the write lock, so that two processes never both migrate. */
	if (!store_exec(store, "BEGIN IMMEDIATE", error))
		return false;
	if (!check_schema(store, &version, error))
		goto fail;
	for (int v = version + 1; v <= target; v++) {
		if (!store_exec(store, store_migrations[v], error)) {
			g_prefix_error(error, "migration to schema version %d: ", v);
			goto fail;
		}
	}
	if (version < target) {
		set = g_strdup_printf("PRAGMA user_version = %d; PRAGMA application_id = %d",
		                      target, DISPO_APPLICATION_ID);
		if (!store_exec(store, set, error))
			goto fail;
	}
	return store_exec(store, "COMMIT", error);
fail:
	sqlite3_exec(store->db, "ROLLBACK", NULL, NULL, NULL);
	return false;
}

static void
finalize_stmt(gpointer st)
{
	sqlite3_finalize(st);
}

dispo_store *
store_open_version(const char *db_path, const char *mail_dir, int busy_timeout_ms, int version,
                   GError **error)
{
	dispo_store *store = g_new0(dispo_store, 1);
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_EXRESCODE;

	store->db_path = g_strdup(db_path);
	store->mail_dir = g_strdup(mail_dir);
	/* Keyed by a copy of the SQL: a caller may build it on the fly. */
	store->stmts = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, finalize_stmt);
	if (sqlite3_open_v2(db_path, &store->db, flags, NULL) != SQLITE_OK) {
		store_fail(store, error, "cannot open the database");
		goto fail;
	}
	sqlite3_busy_timeout(store->db, busy_timeout_ms);
	/* WAL lets readers (requests list) run beside the intake writer; FULL
	 * makes each intake commit durable before the MTA is told "stored". */
	if (!store_exec(store, "PRAGMA journal_mode = WAL", error) ||
	    !store_exec(store, "PRAGMA synchronous = FULL", error) ||
	    !store_exec(store, "PRAGMA foreign_keys = ON", error) ||
	    !migrate(store, version, error))
		goto fail;
	return store;
fail:
	store_close(store);
	return NULL;
}

dispo_store *
store_open(const char *db_path, const char *mail_dir, int busy_timeout_ms, GError **error)
{
	return store_open_version(db_path, mail_dir, busy_timeout_ms, store_schema_latest(), error);
}

void
store_close(dispo_store *store)
{
	if (!store)
		return;
	if (store->in_tx)
		store_rollback(store);
	g_hash_table_destroy(store->stmts);
	sqlite3_close_v2(store->db);
	g_free(store->db_path);
	g_free(store->mail_dir);
	g_free(store);
}

static bool
misuse(GError **error, const char *what)
{
	g_set_error(error, DISPO_STORE_ERROR, DISPO_STORE_ERROR_FAILED, "%s (a bug in dispo)",
	            what);
	return false;
}

bool
store_begin(dispo_store *store, GError **error)
{
	if (store->in_tx)
		return misuse(error, "a transaction is already open");
	if (!store_exec(store, "BEGIN IMMEDIATE", error))
		return false;
	store->in_tx = true;
	return true;
}

bool
store_commit(dispo_store *store, GError **error)
{
	if (!store->in_tx)
		return misuse(error, "no transaction to commit");
	if (!store_exec(store, "COMMIT", error)) {
		store_rollback(store);
		return false;
	}
	store->in_tx = false;
	return true;
}

void
store_rollback(dispo_store *store)
{
	if (!store->in_tx)
		return;
	sqlite3_exec(store->db, "ROLLBACK", NULL, NULL, NULL);
	store->in_tx = false;
}
