/* SPDX-License-Identifier: GPL-3.0-or-later */
/* messages.c: rows for stored messages and their attachments. */
#include "config.h"

#include "store/store-private.h"

static void
bind_time(sqlite3_stmt *st, int i, dispo_time t)
{
	if (t)
		sqlite3_bind_int64(st, i, t);
	else
		sqlite3_bind_null(st, i);
}

bool
store_message_find(dispo_store *store, const char *sha256, int64_t *id, GError **error)
{
	sqlite3_stmt *st = store_stmt(store, "SELECT id FROM messages WHERE sha256 = ?", error);
	int rc;

	if (!st)
		return false;
	sqlite3_bind_text(st, 1, sha256, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	*id = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_fail(store, error, "cannot look up a message");
	return true;
}

bool
store_message_insert(dispo_store *store, dispo_message_row *row, bool *inserted, GError **error)
{
	sqlite3_stmt *st = store_stmt(
	    store,
	    "INSERT INTO messages (sha256, size, source, status, problem, kind, message_id,"
	    " in_reply_to, from_addr, from_count, subject, date, arrived_at, stored_at)"
	    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
	    " ON CONFLICT (sha256) DO NOTHING",
	    error);

	if (!st)
		return false;
	sqlite3_bind_text(st, 1, row->sha256, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)row->size);
	store_bind_text(st, 3, row->source);
	store_bind_text(st, 4, row->status);
	store_bind_text(st, 5, row->problem);
	store_bind_text(st, 6, row->kind);
	store_bind_text(st, 7, row->message_id);
	store_bind_text(st, 8, row->in_reply_to);
	store_bind_text(st, 9, row->from_addr);
	sqlite3_bind_int(st, 10, (int)row->from_count);
	store_bind_text(st, 11, row->subject);
	bind_time(st, 12, row->date);
	sqlite3_bind_int64(st, 13, row->arrived_at);
	sqlite3_bind_int64(st, 14, row->stored_at);
	if (sqlite3_step(st) != SQLITE_DONE) {
		store_fail(store, error, "cannot store a message");
		sqlite3_reset(st);
		return false;
	}
	sqlite3_reset(st);
	*inserted = sqlite3_changes(store->db) > 0;
	if (*inserted) {
		row->id = sqlite3_last_insert_rowid(store->db);
		return true;
	}
	return store_message_find(store, row->sha256, &row->id, error);
}

bool
store_attachment_insert(dispo_store *store, int64_t message_id, const dispo_attachment_row *row,
                        GError **error)
{
	sqlite3_stmt *st = store_stmt(
	    store,
	    "INSERT INTO attachments (message_id, seq, part_id, filename, content_type, size,"
	    " sha256, depth) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
	    error);

	if (!st)
		return false;
	sqlite3_bind_int64(st, 1, message_id);
	sqlite3_bind_int(st, 2, (int)row->seq);
	store_bind_text(st, 3, row->part_id);
	store_bind_text(st, 4, row->filename);
	store_bind_text(st, 5, row->content_type);
	sqlite3_bind_int64(st, 6, (sqlite3_int64)row->size);
	store_bind_text(st, 7, row->sha256);
	sqlite3_bind_int(st, 8, (int)row->depth);
	if (sqlite3_step(st) != SQLITE_DONE) {
		store_fail(store, error, "cannot store an attachment");
		sqlite3_reset(st);
		return false;
	}
	sqlite3_reset(st);
	return true;
}

bool
store_message_count(dispo_store *store, const char *status, int64_t *count, GError **error)
{
	sqlite3_stmt *st = store_stmt(
	    store, "SELECT count(*) FROM messages WHERE ?1 IS NULL OR status = ?1", error);
	int rc;

	if (!st)
		return false;
	store_bind_text(st, 1, status);
	rc = sqlite3_step(st);
	*count = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	if (rc != SQLITE_ROW)
		return store_fail(store, error, "cannot count messages");
	return true;
}
