/* SPDX-License-Identifier: GPL-3.0-or-later */
/* inspect.c: what `dispo rules test` needs to dry-run mail: a copy of the
 * database, and what a run added (messages, events) after a mark. */
#include "config.h"

#include "store/store-private.h"

bool
store_copy_to(dispo_store *store, const char *path, GError **error)
{
	sqlite3_stmt *st = store_stmt(store, "VACUUM INTO ?", error);
	int rc;

	if (!st)
		return false;
	store_bind_text(st, 1, path);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return store_fail(store, error, "cannot copy the database");
	return true;
}

bool
store_marks(dispo_store *store, dispo_store_marks *m, GError **error)
{
	sqlite3_stmt *st = store_stmt(store,
	                              "SELECT (SELECT coalesce(max(id), 0) FROM messages),"
	                              " (SELECT coalesce(max(id), 0) FROM events),"
	                              " (SELECT coalesce(max(id), 0) FROM outbox)",
	                              error);

	if (!st)
		return false;
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_reset(st);
		return store_fail(store, error, "cannot read the store's marks");
	}
	m->message = sqlite3_column_int64(st, 0);
	m->event = sqlite3_column_int64(st, 1);
	m->outbox = sqlite3_column_int64(st, 2);
	sqlite3_reset(st);
	return true;
}

void
store_log_row_free(dispo_log_row *r)
{
	if (!r)
		return;
	g_free(r->request);
	g_free(r->kind);
	g_free(r->actor);
	g_free(r->detail);
	g_free(r->sha256);
	g_free(r);
}

/* Messages (request NULL, kind the classification) and events after the
 * marks, in order. */
GPtrArray *
store_log_after(dispo_store *store, const dispo_store_marks *m, GError **error)
{
	g_autoptr(GPtrArray) rows =
	    g_ptr_array_new_with_free_func((GDestroyNotify)store_log_row_free);
	sqlite3_stmt *st = store_stmt(
	    store,
	    "SELECT 'message', id, NULL, kind, from_addr, NULL, id, sha256 FROM messages WHERE id "
	    "> ?1"
	    " UNION ALL SELECT 'event', e.id, r.number, e.kind, e.actor, e.detail,"
	    " coalesce(e.message_id, 0), NULL FROM events e JOIN requests r ON r.id = e.request_id"
	    " WHERE e.id > ?2 ORDER BY 1 DESC, 2",
	    error);
	int rc;

	if (!st)
		return NULL;
	sqlite3_bind_int64(st, 1, m->message);
	sqlite3_bind_int64(st, 2, m->event);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		dispo_log_row *r = g_new0(dispo_log_row, 1);
		r->is_event = g_strcmp0((const char *)sqlite3_column_text(st, 0), "event") == 0;
		r->id = sqlite3_column_int64(st, 1);
		r->request = store_column_dup(st, 2);
		r->kind = store_column_dup(st, 3);
		r->actor = store_column_dup(st, 4);
		r->detail = store_column_dup(st, 5);
		r->message_id = sqlite3_column_int64(st, 6);
		r->sha256 = store_column_dup(st, 7);
		g_ptr_array_add(rows, r);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		store_fail(store, error, "cannot read what the run added");
		return NULL;
	}
	return g_steal_pointer(&rows);
}
