/* SPDX-License-Identifier: GPL-3.0-or-later */
/* report.c: what `dispo report` asks the store: the workflow events of the
 * requests that did something in a period, streamed request by request,
 * and when the requests now at a step entered it. */
#include "config.h"

#include "store/store-private.h"

/* The query plan this relies on (EXPLAIN QUERY PLAN, checked by
 * tests/store/test-report.c):
 *   the subquery is a range of events_at (at, request_id), schema v14: only
 *   the period's index entries are read, and their request ids kept in a
 *   temporary b-tree;
 *   for each id, moves' primary key (request_id, seq) gives the first event
 *   and the workflow events of that request in order, step and previous
 *   step in columns, so nothing is sorted, no JSON is parsed and one row at
 *   a time is held; requests is joined by its rowid.
 * So the cost is the period's events plus the moves of the requests they
 * belong to, whatever the size of the store. */
const char store_report_events_sql[] =
    "SELECT m.request_id, r.workflow, r.created_at, m.seq, m.at, m.kind, m.step, m.previous,"
    " m.workflow_event"
    " FROM moves m JOIN requests r ON r.id = m.request_id"
    " WHERE m.request_id IN (SELECT request_id FROM events WHERE at >= ?1 AND at < ?2)"
    " AND m.at < ?2 AND (?3 IS NULL OR r.workflow = ?3)"
    " ORDER BY m.request_id, m.seq";

bool
store_report_events(dispo_store *store, dispo_time from, dispo_time to, const char *workflow,
                    dispo_report_event_fn fn, void *user, GError **error)
{
	sqlite3_stmt *st = store_stmt(store, store_report_events_sql, error);
	int rc;

	if (!st)
		return false;
	sqlite3_bind_int64(st, 1, from);
	sqlite3_bind_int64(st, 2, to);
	store_bind_text(st, 3, workflow);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		dispo_report_event ev = {
		    .request_id = sqlite3_column_int64(st, 0),
		    .workflow = (const char *)sqlite3_column_text(st, 1),
		    .received = sqlite3_column_int64(st, 2),
		    .seq = (unsigned)sqlite3_column_int(st, 3),
		    .at = sqlite3_column_int64(st, 4),
		    .kind = (const char *)sqlite3_column_text(st, 5),
		    .step = (const char *)sqlite3_column_text(st, 6),
		    .previous = (const char *)sqlite3_column_text(st, 7),
		    .workflow_event = sqlite3_column_int(st, 8) != 0,
		};
		if (!fn(&ev, user, error)) {
			sqlite3_reset(st);
			return false;
		}
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE || store_fail(store, error, "cannot read the events for a report");
}

/* requests_step (workflow, step), schema v7: one range of the index per
 * step; the cost is the requests at the step, not the store's. */
GArray *
store_report_at_step(dispo_store *store, const char *workflow, const char *step, GError **error)
{
	g_autoptr(GArray) times = g_array_new(false, false, sizeof(dispo_time));
	sqlite3_stmt *st = store_stmt(store,
	                              "SELECT coalesce(step_entered, updated_at) FROM requests"
	                              " WHERE workflow = ? AND step = ?",
	                              error);
	int rc;

	if (!st)
		return NULL;
	store_bind_text(st, 1, workflow);
	store_bind_text(st, 2, step);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		dispo_time t = sqlite3_column_int64(st, 0);
		g_array_append_val(times, t);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		store_fail(store, error, "cannot read the requests at a step");
		return NULL;
	}
	return g_steal_pointer(&times);
}
