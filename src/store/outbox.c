/* SPDX-License-Identifier: GPL-3.0-or-later */
/* outbox.c: the rows of emails dispo decided to send, and their delivery
 * state. The rendered bytes live in the raw-message directory by hash. */
#include "config.h"

#include "store/store-private.h"

void
store_outbox_row_free(dispo_outbox_row *row)
{
	if (!row)
		return;
	g_free(row->request);
	g_free(row->step);
	g_free(row->template_name);
	g_free(row->kind);
	g_free(row->message_id);
	g_free(row->to_addr);
	g_free(row->cc_addr);
	g_free(row->reply_to);
	g_free(row->blob_sha256);
	g_free(row->state);
	g_free(row->last_error);
	g_free(row);
}

bool
store_outbox_insert(dispo_store *store, const dispo_outbox_new *r, int64_t *id, GError **error)
{
	sqlite3_stmt *st = store_stmt(
	    store,
	    "INSERT INTO outbox (request_id, step, template, kind, message_id, to_addr, reply_to,"
	    " blob_sha256, answers_message, created_at, next_attempt_at, cc_addr)"
	    " VALUES (?, ?, ?, ?, ?, lower(?), ?, ?, ?, ?, ?, lower(?))",
	    error);

	if (!st)
		return false;
	if (r->request_id)
		sqlite3_bind_int64(st, 1, r->request_id);
	store_bind_text(st, 2, r->step);
	store_bind_text(st, 3, r->template);
	store_bind_text(st, 4, r->kind ? r->kind : "workflow");
	store_bind_text(st, 5, r->message_id);
	store_bind_text(st, 6, r->to_addr);
	store_bind_text(st, 7, r->reply_to);
	store_bind_text(st, 8, r->blob_sha256);
	if (r->answers_message)
		sqlite3_bind_int64(st, 9, r->answers_message);
	sqlite3_bind_int64(st, 10, r->created_at);
	sqlite3_bind_int64(st, 11, r->created_at);
	store_bind_text(st, 12, r->cc_addr && *r->cc_addr ? r->cc_addr : NULL);
	if (sqlite3_step(st) != SQLITE_DONE) {
		sqlite3_reset(st);
		return store_fail(store, error, "cannot add to the outbox");
	}
	sqlite3_reset(st);
	if (id)
		*id = sqlite3_last_insert_rowid(store->db);
	return true;
}

#define OUTBOX_COLUMNS                                                                             \
	"o.id, r.number, o.step, o.template, o.kind, o.message_id, o.to_addr, o.reply_to,"         \
	" o.blob_sha256, o.state, o.attempts, o.next_attempt_at, o.last_error, o.created_at,"      \
	" o.sent_at, o.cc_addr FROM outbox o LEFT JOIN requests r ON r.id = o.request_id"

static dispo_outbox_row *
outbox_row_read(sqlite3_stmt *st)
{
	dispo_outbox_row *row = g_new0(dispo_outbox_row, 1);

	row->id = sqlite3_column_int64(st, 0);
	row->request = store_column_dup(st, 1);
	row->step = store_column_dup(st, 2);
	row->template_name = store_column_dup(st, 3);
	row->kind = store_column_dup(st, 4);
	row->message_id = store_column_dup(st, 5);
	row->to_addr = store_column_dup(st, 6);
	row->reply_to = store_column_dup(st, 7);
	row->blob_sha256 = store_column_dup(st, 8);
	row->state = store_column_dup(st, 9);
	row->attempts = (unsigned)sqlite3_column_int(st, 10);
	row->next_attempt_at = sqlite3_column_int64(st, 11);
	row->last_error = store_column_dup(st, 12);
	row->created_at = sqlite3_column_int64(st, 13);
	row->sent_at = sqlite3_column_int64(st, 14);
	row->cc_addr = store_column_dup(st, 15);
	return row;
}

static GPtrArray *
outbox_rows(dispo_store *store, sqlite3_stmt *st, GError **error)
{
	g_autoptr(GPtrArray) rows =
	    g_ptr_array_new_with_free_func((GDestroyNotify)store_outbox_row_free);
	int rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		g_ptr_array_add(rows, outbox_row_read(st));
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		store_fail(store, error, "cannot read the outbox");
		return NULL;
	}
	return g_steal_pointer(&rows);
}

GPtrArray *
store_outbox_list(dispo_store *store, const char *state, GError **error)
{
	sqlite3_stmt *st = store_stmt(
	    store, "SELECT " OUTBOX_COLUMNS " WHERE ?1 IS NULL OR o.state = ?1 ORDER BY o.id",
	    error);

	if (!st)
		return NULL;
	store_bind_text(st, 1, state);
	return outbox_rows(store, st, error);
}

GPtrArray *
store_outbox_claim(dispo_store *store, dispo_time now, dispo_time lease, unsigned limit,
                   GError **error)
{
	sqlite3_stmt *st =
	    store_stmt(store,
	               "SELECT " OUTBOX_COLUMNS " WHERE o.state IN ('pending', 'sending')"
	               " AND coalesce(o.next_attempt_at, 0) <= ? ORDER BY o.id LIMIT ?",
	               error);
	g_autoptr(GPtrArray) rows = NULL;

	if (!st)
		return NULL;
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_int(st, 2, (int)limit);
	rows = outbox_rows(store, st, error);
	if (!rows)
		return NULL;
	st = store_stmt(
	    store, "UPDATE outbox SET state = 'sending', next_attempt_at = ? WHERE id = ?", error);
	if (!st)
		return NULL;
	for (guint i = 0; i < rows->len; i++) {
		const dispo_outbox_row *row = rows->pdata[i];
		sqlite3_bind_int64(st, 1, now + lease);
		sqlite3_bind_int64(st, 2, row->id);
		if (sqlite3_step(st) != SQLITE_DONE) {
			sqlite3_reset(st);
			store_fail(store, error, "cannot claim an outbox row");
			return NULL;
		}
		sqlite3_reset(st);
	}
	return g_steal_pointer(&rows);
}

static dispo_outbox_row *
outbox_row_one(dispo_store *store, sqlite3_stmt *st, const char *what, GError **error)
{
	g_autoptr(GPtrArray) rows = outbox_rows(store, st, error);

	if (!rows)
		return NULL;
	if (rows->len == 0) {
		g_set_error(error, DISPO_STORE_ERROR, DISPO_STORE_ERROR_NOT_FOUND,
		            "no outbox row %s", what);
		return NULL;
	}
	return g_ptr_array_steal_index(rows, 0);
}

dispo_outbox_row *
store_outbox_find(dispo_store *store, const char *message_id, GError **error)
{
	sqlite3_stmt *st =
	    store_stmt(store, "SELECT " OUTBOX_COLUMNS " WHERE o.message_id = ?", error);

	if (!st)
		return NULL;
	store_bind_text(st, 1, message_id);
	return outbox_row_one(store, st, "with that Message-ID", error);
}

dispo_outbox_row *
store_outbox_first_of_kind(dispo_store *store, int64_t request_id, const char *kind,
                           const char *address, GError **error)
{
	sqlite3_stmt *st = store_stmt(store,
	                              "SELECT " OUTBOX_COLUMNS " WHERE o.request_id = ? AND o.kind = ?"
	                              " AND o.to_addr = lower(?) ORDER BY o.id LIMIT 1",
	                              error);

	if (!st)
		return NULL;
	sqlite3_bind_int64(st, 1, request_id);
	store_bind_text(st, 2, kind);
	store_bind_text(st, 3, address);
	return outbox_row_one(store, st, "of that kind for the request", error);
}

dispo_outbox_row *
store_outbox_last_sent_to(dispo_store *store, const char *address, GError **error)
{
	sqlite3_stmt *st =
	    store_stmt(store,
	               "SELECT " OUTBOX_COLUMNS " WHERE o.to_addr = lower(?)"
	               " AND o.state = 'sent' ORDER BY o.sent_at DESC, o.id DESC LIMIT 1",
	               error);

	if (!st)
		return NULL;
	store_bind_text(st, 1, address);
	return outbox_row_one(store, st, "sent to that address", error);
}

bool
store_outbox_mark_bounced(dispo_store *store, int64_t id, const char *why, GError **error)
{
	sqlite3_stmt *st = store_stmt(
	    store, "UPDATE outbox SET state = 'failed', last_error = ? WHERE id = ?", error);

	if (!st)
		return false;
	store_bind_text(st, 1, why);
	sqlite3_bind_int64(st, 2, id);
	if (sqlite3_step(st) != SQLITE_DONE) {
		sqlite3_reset(st);
		return store_fail(store, error, "cannot record a bounce");
	}
	sqlite3_reset(st);
	if (sqlite3_changes(store->db) == 0) {
		g_set_error(error, DISPO_STORE_ERROR, DISPO_STORE_ERROR_NOT_FOUND,
		            "no outbox row %" G_GINT64_FORMAT, (gint64)id);
		return false;
	}
	return true;
}

bool
store_outbox_mark_sent(dispo_store *store, int64_t id, dispo_time at, GError **error)
{
	sqlite3_stmt *st = store_stmt(store,
	                              "UPDATE outbox SET state = 'sent', sent_at = ?,"
	                              " attempts = attempts + 1, last_error = NULL WHERE id = ?",
	                              error);

	if (!st)
		return false;
	sqlite3_bind_int64(st, 1, at);
	sqlite3_bind_int64(st, 2, id);
	if (sqlite3_step(st) != SQLITE_DONE) {
		sqlite3_reset(st);
		return store_fail(store, error, "cannot mark an email sent");
	}
	sqlite3_reset(st);
	return true;
}

bool
store_outbox_mark_failed(dispo_store *store, int64_t id, const char *why, bool permanent,
                         dispo_time next, GError **error)
{
	sqlite3_stmt *st = store_stmt(store,
	                              "UPDATE outbox SET state = ?, last_error = ?,"
	                              " attempts = attempts + 1, next_attempt_at = ?"
	                              " WHERE id = ? AND state <> 'sent'",
	                              error);

	if (!st)
		return false;
	store_bind_text(st, 1, permanent ? "failed" : "pending");
	store_bind_text(st, 2, why);
	sqlite3_bind_int64(st, 3, next);
	sqlite3_bind_int64(st, 4, id);
	if (sqlite3_step(st) != SQLITE_DONE) {
		sqlite3_reset(st);
		return store_fail(store, error, "cannot record a failed email");
	}
	sqlite3_reset(st);
	/* A sent email is never made due again: that would send it twice. */
	if (sqlite3_changes(store->db) == 0) {
		g_set_error(error, DISPO_STORE_ERROR, DISPO_STORE_ERROR_NOT_FOUND,
		            "no unsent outbox row %" G_GINT64_FORMAT " (see dispo outbox list)",
		            (gint64)id);
		return false;
	}
	return true;
}

/* outbox_to_kind_created (schema v14): three ranges of the index, only
 * the answers counted, never the address's other emails. */
const char store_outbox_count_to_sql[] =
    "SELECT count(*) FROM outbox WHERE to_addr = lower(?) AND created_at >= ?"
    " AND kind IN ('refusal', 'help', 'explanation')";

bool
store_outbox_count_to(dispo_store *store, const char *address, dispo_time since, int64_t *count,
                      GError **error)
{
	sqlite3_stmt *st = store_stmt(store, store_outbox_count_to_sql, error);

	if (!st)
		return false;
	store_bind_text(st, 1, address);
	sqlite3_bind_int64(st, 2, since);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_reset(st);
		return store_fail(store, error, "cannot count the outbox");
	}
	*count = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return true;
}
