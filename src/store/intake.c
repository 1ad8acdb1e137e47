/* SPDX-License-Identifier: GPL-3.0-or-later */
/* intake.c: what intake decides besides requests: refusals with their
 * reasons, single-use tokens, and addresses proven live by a round trip. */
#include "config.h"

#include "store/store-private.h"

static bool
step_done(dispo_store *store, sqlite3_stmt *st, const char *what, GError **error)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return store_fail(store, error, what);
	return true;
}

bool
store_refusal_insert(dispo_store *store, int64_t message_id, const char *sender,
                     const char *workflow, const char *reasons_json, dispo_time at, GError **error)
{
	sqlite3_stmt *st =
	    store_stmt(store,
	               "INSERT OR REPLACE INTO refusals (message_id, sender, workflow,"
	               " reasons, decided_at) VALUES (?, ?, ?, ?, ?)",
	               error);

	if (!st)
		return false;
	sqlite3_bind_int64(st, 1, message_id);
	store_bind_text(st, 2, sender);
	store_bind_text(st, 3, workflow);
	store_bind_text(st, 4, reasons_json);
	sqlite3_bind_int64(st, 5, at);
	return step_done(store, st, "cannot record a refusal", error);
}

void
store_refusal_row_free(dispo_refusal_row *row)
{
	if (!row)
		return;
	g_free(row->message_sha256);
	g_free(row->source);
	g_free(row->sender);
	g_free(row->workflow);
	g_free(row->subject);
	g_free(row->reasons_json);
	g_free(row);
}

GPtrArray *
store_refusals_list(dispo_store *store, GError **error)
{
	g_autoptr(GPtrArray) rows =
	    g_ptr_array_new_with_free_func((GDestroyNotify)store_refusal_row_free);
	sqlite3_stmt *st = store_stmt(
	    store,
	    "SELECT m.sha256, m.source, f.sender, f.workflow, m.subject, f.reasons, f.decided_at"
	    " FROM refusals f JOIN messages m ON m.id = f.message_id ORDER BY f.decided_at, m.id",
	    error);
	int rc;

	if (!st)
		return NULL;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		dispo_refusal_row *r = g_new0(dispo_refusal_row, 1);
		r->message_sha256 = store_column_dup(st, 0);
		r->source = store_column_dup(st, 1);
		r->sender = store_column_dup(st, 2);
		r->workflow = store_column_dup(st, 3);
		r->subject = store_column_dup(st, 4);
		r->reasons_json = store_column_dup(st, 5);
		r->decided_at = sqlite3_column_int64(st, 6);
		g_ptr_array_add(rows, r);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		store_fail(store, error, "cannot list refusals");
		return NULL;
	}
	return g_steal_pointer(&rows);
}

void
store_token_row_free(dispo_token_row *row)
{
	if (!row)
		return;
	g_free(row->token);
	g_free(row->purpose);
	g_free(row->step);
	g_free(row->role);
	g_free(row->address);
	g_free(row);
}

bool
store_token_insert(dispo_store *store, const dispo_token_row *r, GError **error)
{
	sqlite3_stmt *st = store_stmt(store,
	                              "INSERT INTO tokens (token, purpose, request_id, step, role,"
	                              " address, outbox_id, created_at, expires_at, step_entered)"
	                              " VALUES (?, ?, ?, ?, ?, lower(?), ?, ?, ?, ?)",
	                              error);

	if (!st)
		return false;
	store_bind_text(st, 1, r->token);
	store_bind_text(st, 2, r->purpose);
	if (r->request_id)
		sqlite3_bind_int64(st, 3, r->request_id);
	store_bind_text(st, 4, r->step);
	store_bind_text(st, 5, r->role);
	store_bind_text(st, 6, r->address);
	if (r->outbox_id)
		sqlite3_bind_int64(st, 7, r->outbox_id);
	sqlite3_bind_int64(st, 8, r->created_at);
	if (r->expires_at)
		sqlite3_bind_int64(st, 9, r->expires_at);
	if (r->step_entered)
		sqlite3_bind_int64(st, 10, r->step_entered);
	return step_done(store, st, "cannot record a token", error);
}

static dispo_token_row *
token_select(dispo_store *store, const char *where, const char *key, GError **error)
{
	g_autofree char *sql = g_strconcat(
	    "SELECT t.token, t.purpose, t.request_id, t.step, t.role, t.address, t.outbox_id,"
	    " t.created_at, t.expires_at, t.used_at, coalesce(t.step_entered, 0) FROM tokens t ",
	    where, NULL);
	sqlite3_stmt *st = store_stmt(store, sql, error);
	dispo_token_row *r;
	int rc;

	if (!st)
		return NULL;
	store_bind_text(st, 1, key);
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		sqlite3_reset(st);
		if (rc != SQLITE_DONE)
			store_fail(store, error, "cannot read a token");
		else
			g_set_error(error, DISPO_STORE_ERROR, DISPO_STORE_ERROR_NOT_FOUND,
			            "no such token");
		return NULL;
	}
	r = g_new0(dispo_token_row, 1);
	r->token = store_column_dup(st, 0);
	r->purpose = store_column_dup(st, 1);
	r->request_id = sqlite3_column_int64(st, 2);
	r->step = store_column_dup(st, 3);
	r->role = store_column_dup(st, 4);
	r->address = store_column_dup(st, 5);
	r->outbox_id = sqlite3_column_int64(st, 6);
	r->created_at = sqlite3_column_int64(st, 7);
	r->expires_at = sqlite3_column_int64(st, 8);
	r->used_at = sqlite3_column_int64(st, 9);
	r->step_entered = sqlite3_column_int64(st, 10);
	sqlite3_reset(st);
	return r;
}

dispo_token_row *
store_token_get(dispo_store *store, const char *token, GError **error)
{
	return token_select(store, "WHERE t.token = lower(?)", token, error);
}

dispo_token_row *
store_token_by_message_id(dispo_store *store, const char *message_id, GError **error)
{
	return token_select(store,
	                    "JOIN outbox o ON o.id = t.outbox_id WHERE o.message_id = ?"
	                    " ORDER BY t.created_at DESC LIMIT 1",
	                    message_id, error);
}

bool
store_token_use(dispo_store *store, const char *token, dispo_time at, int64_t message_id,
                GError **error)
{
	sqlite3_stmt *st = store_stmt(store,
	                              "UPDATE tokens SET used_at = ?, used_by = ?"
	                              " WHERE token = lower(?) AND used_at IS NULL",
	                              error);

	if (!st)
		return false;
	sqlite3_bind_int64(st, 1, at);
	if (message_id)
		sqlite3_bind_int64(st, 2, message_id);
	store_bind_text(st, 3, token);
	if (!step_done(store, st, "cannot use a token", error))
		return false;
	if (sqlite3_changes(store->db) == 0) {
		g_set_error(error, DISPO_STORE_ERROR, DISPO_STORE_ERROR_NOT_FOUND,
		            "the token is unknown or used already");
		return false;
	}
	return true;
}

bool
store_address_confirm(dispo_store *store, const char *address, dispo_time at, int64_t message_id,
                      GError **error)
{
	sqlite3_stmt *st = store_stmt(store,
	                              "INSERT INTO confirmed_addresses (address, confirmed_at, "
	                              "message_id) VALUES (lower(?1), ?2, ?3)"
	                              " ON CONFLICT (address) DO UPDATE SET confirmed_at = ?2,"
	                              " message_id = ?3",
	                              error);

	if (!st)
		return false;
	store_bind_text(st, 1, address);
	sqlite3_bind_int64(st, 2, at);
	if (message_id)
		sqlite3_bind_int64(st, 3, message_id);
	return step_done(store, st, "cannot record a confirmed address", error);
}

/* The one time column of the row for address in a table of addresses (0:
 * no row). */
static bool
address_time(dispo_store *store, const char *sql, const char *address, dispo_time *at,
             const char *what, GError **error)
{
	sqlite3_stmt *st = store_stmt(store, sql, error);
	int rc;

	if (!st)
		return false;
	store_bind_text(st, 1, address);
	rc = sqlite3_step(st);
	*at = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_fail(store, error, what);
	return true;
}

bool
store_address_confirmed_at(dispo_store *store, const char *address, dispo_time *at, GError **error)
{
	return address_time(store,
	                    "SELECT confirmed_at FROM confirmed_addresses WHERE address = lower(?)",
	                    address, at, "cannot read confirmed addresses", error);
}

bool
store_address_bounced(dispo_store *store, const char *address, dispo_time at, int64_t outbox_id,
                      int64_t message_id, const char *status, GError **error)
{
	sqlite3_stmt *st =
	    store_stmt(store,
	               "INSERT INTO bounced_addresses (address, bounced_at, outbox_id,"
	               " message_id, status) VALUES (lower(?1), ?2, ?3, ?4, ?5)"
	               " ON CONFLICT (address) DO UPDATE SET bounced_at = ?2,"
	               " outbox_id = ?3, message_id = ?4, status = ?5",
	               error);

	if (!st)
		return false;
	store_bind_text(st, 1, address);
	sqlite3_bind_int64(st, 2, at);
	if (outbox_id)
		sqlite3_bind_int64(st, 3, outbox_id);
	if (message_id)
		sqlite3_bind_int64(st, 4, message_id);
	store_bind_text(st, 5, status);
	return step_done(store, st, "cannot record a bounced address", error);
}

bool
store_address_bounced_at(dispo_store *store, const char *address, dispo_time *at, GError **error)
{
	return address_time(store,
	                    "SELECT bounced_at FROM bounced_addresses WHERE address = lower(?)",
	                    address, at, "cannot read bounced addresses", error);
}

bool
store_certificate_holder(dispo_store *store, const char *address, bool *holder, GError **error)
{
	sqlite3_stmt *st = store_stmt(store,
	                              "SELECT 1 FROM certificates WHERE email = lower(?)"
	                              " AND state = 'issued' LIMIT 1",
	                              error);
	int rc;

	if (!st)
		return false;
	store_bind_text(st, 1, address);
	rc = sqlite3_step(st);
	*holder = rc == SQLITE_ROW;
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_fail(store, error, "cannot read the certificate register");
	return true;
}

bool
store_certificate_holder_by_nip(dispo_store *store, const char *nip, char **email, GError **error)
{
	sqlite3_stmt *st = store_stmt(store,
	                              "SELECT email FROM certificates WHERE nip = ?"
	                              " AND state = 'issued' ORDER BY id DESC LIMIT 1",
	                              error);
	int rc;

	*email = NULL;
	if (!st)
		return false;
	store_bind_text(st, 1, nip);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*email = store_column_dup(st, 0);
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_fail(store, error, "cannot read the certificate register");
	return true;
}
