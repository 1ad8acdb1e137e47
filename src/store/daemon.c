/* SPDX-License-Identifier: GPL-3.0-or-later */
/* daemon.c: what `dispo serve` keeps in the store: each IMAP mailbox's
 * checkpoint (written in the transaction of the message it passes), the
 * messages it quarantined and why, and its health for `dispo status`. */
#include "config.h"

#include "store/store-private.h"

bool
store_imap_checkpoint_get(dispo_store *store, const char *source, dispo_imap_checkpoint *cp,
                          GError **error)
{
	sqlite3_stmt *st = store_stmt(
	    store, "SELECT uidvalidity, last_uid FROM imap_state WHERE source = ?", error);
	int rc;

	memset(cp, 0, sizeof *cp);
	if (!st)
		return false;
	sqlite3_bind_text(st, 1, source, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		cp->found = true;
		cp->uidvalidity = (uint32_t)sqlite3_column_int64(st, 0);
		cp->last_uid = (uint32_t)sqlite3_column_int64(st, 1);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_fail(store, error, "cannot read the IMAP checkpoint");
	return true;
}

bool
store_imap_checkpoint_set(dispo_store *store, const char *source, uint32_t uidvalidity,
                          uint32_t last_uid, dispo_time at, GError **error)
{
	sqlite3_stmt *st = store_stmt(
	    store,
	    "INSERT INTO imap_state (source, uidvalidity, last_uid, updated_at) VALUES (?, ?, ?, ?)"
	    " ON CONFLICT (source) DO UPDATE SET uidvalidity = excluded.uidvalidity,"
	    " last_uid = excluded.last_uid, updated_at = excluded.updated_at",
	    error);

	if (!st)
		return false;
	sqlite3_bind_text(st, 1, source, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, uidvalidity);
	sqlite3_bind_int64(st, 3, last_uid);
	sqlite3_bind_int64(st, 4, at);
	if (sqlite3_step(st) != SQLITE_DONE) {
		sqlite3_reset(st);
		return store_fail(store, error, "cannot write the IMAP checkpoint");
	}
	sqlite3_reset(st);
	return true;
}

bool
store_imap_quarantine_add(dispo_store *store, const char *source, uint32_t uidvalidity,
                          uint32_t uid, unsigned tries, const char *reason, dispo_time at,
                          GError **error)
{
	sqlite3_stmt *st =
	    store_stmt(store,
	               "INSERT INTO imap_quarantine (source, uidvalidity, uid, tries,"
	               " reason, at) VALUES (?, ?, ?, ?, ?, ?)",
	               error);

	if (!st)
		return false;
	sqlite3_bind_text(st, 1, source, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, uidvalidity);
	sqlite3_bind_int64(st, 3, uid);
	sqlite3_bind_int(st, 4, (int)tries);
	store_bind_text(st, 5, reason);
	sqlite3_bind_int64(st, 6, at);
	if (sqlite3_step(st) != SQLITE_DONE) {
		sqlite3_reset(st);
		return store_fail(store, error, "cannot record a quarantined message");
	}
	sqlite3_reset(st);
	return true;
}

bool
store_daemon_set(dispo_store *store, const char *key, const char *value, dispo_time at,
                 GError **error)
{
	sqlite3_stmt *st =
	    store_stmt(store,
	               "INSERT INTO daemon_status (key, value, at) VALUES (?, ?, ?)"
	               " ON CONFLICT (key) DO UPDATE SET value = excluded.value, at = excluded.at",
	               error);

	if (!st)
		return false;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	store_bind_text(st, 2, value);
	sqlite3_bind_int64(st, 3, at);
	if (sqlite3_step(st) != SQLITE_DONE) {
		sqlite3_reset(st);
		return store_fail(store, error, "cannot write the daemon's status");
	}
	sqlite3_reset(st);
	return true;
}

bool
store_daemon_get(dispo_store *store, const char *key, char **value, dispo_time *at, GError **error)
{
	sqlite3_stmt *st =
	    store_stmt(store, "SELECT value, at FROM daemon_status WHERE key = ?", error);
	int rc;

	*value = NULL;
	if (at)
		*at = 0;
	if (!st)
		return false;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		const char *v = (const char *)sqlite3_column_text(st, 0);
		*value = g_strdup(v ? v : "");
		if (at)
			*at = sqlite3_column_int64(st, 1);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_fail(store, error, "cannot read the daemon's status");
	return true;
}

/* The smallest value of one column (0 when no row): what the daemon's
 * timer waits for. */
static bool
first_time(dispo_store *store, const char *sql, dispo_time *at, GError **error)
{
	sqlite3_stmt *st = store_stmt(store, sql, error);
	int rc;

	*at = 0;
	if (!st)
		return false;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
		*at = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_fail(store, error, "cannot read when the next work is due");
	return true;
}

bool
store_next_due(dispo_store *store, dispo_time *outbox_at, dispo_time *timer_at, GError **error)
{
	/* Both are index range scans (outbox_pending, requests_due). A row due
	 * at 0 (never tried) counts as due at 1, so that 0 still means none. */
	return first_time(store,
	                  "SELECT max(1, min(coalesce(next_attempt_at, 0))) FROM outbox"
	                  " WHERE state IN ('pending', 'sending')",
	                  outbox_at, error) &&
	       first_time(store, "SELECT min(due_at) FROM requests WHERE due_at IS NOT NULL",
	                  timer_at, error);
}

/* ---- health, for `dispo status` ------------------------------------------ */

/* One row of counts: each column an integer (NULL reads as 0). */
static bool
count_row(dispo_store *store, const char *sql, dispo_time since, int64_t *out, int n,
          GError **error)
{
	sqlite3_stmt *st = store_stmt(store, sql, error);
	int rc;

	memset(out, 0, sizeof *out * (size_t)n);
	if (!st)
		return false;
	if (sqlite3_bind_parameter_count(st) > 0)
		sqlite3_bind_int64(st, 1, since);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		for (int i = 0; i < n; i++)
			out[i] = sqlite3_column_int64(st, i);
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_fail(store, error, "cannot read the health counts");
	return true;
}

bool
store_health(dispo_store *store, dispo_time since, dispo_health *h, GError **error)
{
	int64_t o[5], q[2];

	memset(h, 0, sizeof *h);
	if (!count_row(store,
	               "SELECT count(*) FILTER (WHERE state IN ('pending', 'sending')),"
	               " count(*) FILTER (WHERE state IN ('pending', 'sending') AND attempts > 0),"
	               " min(coalesce(next_attempt_at, created_at))"
	               "   FILTER (WHERE state IN ('pending', 'sending')),"
	               " count(*) FILTER (WHERE state = 'failed'),"
	               " count(*) FILTER (WHERE state = 'failed' AND created_at >= ?1)"
	               " FROM outbox",
	               since, o, 5, error) ||
	    !count_row(store,
	               "SELECT count(*), count(*) FILTER (WHERE at >= ?1) FROM imap_quarantine",
	               since, q, 2, error))
		return false;
	h->outbox_pending = (unsigned)o[0];
	h->outbox_retrying = (unsigned)o[1];
	h->outbox_oldest_due = o[2];
	h->outbox_failed = (unsigned)o[3];
	h->outbox_failed_recent = (unsigned)o[4];
	h->quarantined = (unsigned)q[0];
	h->quarantined_recent = (unsigned)q[1];
	return true;
}
