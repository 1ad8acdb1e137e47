/* SPDX-License-Identifier: GPL-3.0-or-later */
/* progress.c: where a request is in its workflow (step, visit, SLA timer),
 * the files dispo made for it, and the register of issued certificates. */
#include "config.h"

#include "store/store-private.h"

void
store_progress_free(dispo_progress *p)
{
	if (!p)
		return;
	g_free(p->number);
	g_free(p->workflow);
	g_free(p->state);
	g_free(p->step);
	g_free(p->applicant);
	g_free(p->due_step);
	g_free(p);
}

dispo_progress *
store_progress_get(dispo_store *store, int64_t request_id, GError **error)
{
	sqlite3_stmt *st = store_stmt(
	    store,
	    "SELECT r.number, r.workflow, r.state, r.step, r.applicant, r.message_id,"
	    " coalesce(r.step_entered, 0), r.reminders, coalesce(r.due_at, 0), r.due_step,"
	    " coalesce(r.due_entered, 0),"
	    " EXISTS (SELECT 1 FROM request_files f WHERE f.request_id = r.id AND f.kind = "
	    "'letter')"
	    " FROM requests r WHERE r.id = ?",
	    error);
	dispo_progress *p;

	if (!st)
		return NULL;
	sqlite3_bind_int64(st, 1, request_id);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_reset(st);
		g_set_error(error, DISPO_STORE_ERROR, DISPO_STORE_ERROR_NOT_FOUND,
		            "no request with id %" G_GINT64_FORMAT, (gint64)request_id);
		return NULL;
	}
	p = g_new0(dispo_progress, 1);
	p->id = request_id;
	p->number = store_column_dup(st, 0);
	p->workflow = store_column_dup(st, 1);
	p->state = store_column_dup(st, 2);
	p->step = store_column_dup(st, 3);
	p->applicant = store_column_dup(st, 4);
	p->message_id = sqlite3_column_int64(st, 5);
	p->step_entered = sqlite3_column_int64(st, 6);
	p->reminders = (unsigned)sqlite3_column_int(st, 7);
	p->due_at = sqlite3_column_int64(st, 8);
	p->due_step = store_column_dup(st, 9);
	p->due_entered = sqlite3_column_int64(st, 10);
	p->has_letter = sqlite3_column_int(st, 11) != 0;
	sqlite3_reset(st);
	return p;
}

bool
store_progress_set(dispo_store *store, const dispo_progress *p, dispo_time at, GError **error)
{
	sqlite3_stmt *st =
	    store_stmt(store,
	               "UPDATE requests SET state = ?, step = ?, step_entered = ?, reminders = ?,"
	               " due_at = ?, due_step = ?, due_entered = ?, updated_at = ? WHERE id = ?",
	               error);
	int rc;

	if (!st)
		return false;
	store_bind_text(st, 1, p->state);
	store_bind_text(st, 2, p->step);
	if (p->step_entered)
		sqlite3_bind_int64(st, 3, p->step_entered);
	sqlite3_bind_int(st, 4, (int)p->reminders);
	if (p->due_at) {
		sqlite3_bind_int64(st, 5, p->due_at);
		store_bind_text(st, 6, p->due_step);
		sqlite3_bind_int64(st, 7, p->due_entered);
	}
	sqlite3_bind_int64(st, 8, at);
	sqlite3_bind_int64(st, 9, p->id);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return store_fail(store, error, "cannot record where a request is");
	return true;
}

GArray *
store_progress_due(dispo_store *store, dispo_time now, GError **error)
{
	g_autoptr(GArray) ids = g_array_new(false, false, sizeof(int64_t));
	sqlite3_stmt *st = store_stmt(
	    store,
	    "SELECT id FROM requests WHERE due_at IS NOT NULL AND due_at <= ? ORDER BY due_at",
	    error);
	int rc;

	if (!st)
		return NULL;
	sqlite3_bind_int64(st, 1, now);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(st, 0);
		g_array_append_val(ids, id);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		store_fail(store, error, "cannot read the timers");
		return NULL;
	}
	return g_steal_pointer(&ids);
}

bool
store_request_file_add(dispo_store *store, int64_t request_id, const char *kind, const char *name,
                       const char *content_type, const char *sha256, uint64_t size,
                       const char *number, dispo_time at, GError **error)
{
	sqlite3_stmt *st =
	    store_stmt(store,
	               "INSERT INTO request_files (request_id, kind, name, content_type,"
	               " sha256, size, number, created_at)"
	               " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
	               error);
	int rc;

	if (!st)
		return false;
	sqlite3_bind_int64(st, 1, request_id);
	store_bind_text(st, 2, kind);
	store_bind_text(st, 3, name);
	store_bind_text(st, 4, content_type);
	store_bind_text(st, 5, sha256);
	sqlite3_bind_int64(st, 6, (sqlite3_int64)size);
	store_bind_text(st, 7, number);
	sqlite3_bind_int64(st, 8, at);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return store_fail(store, error, "cannot record a request's file");
	return true;
}

void
store_file_row_free(dispo_file_row *f)
{
	if (!f)
		return;
	g_free(f->request);
	g_free(f->kind);
	g_free(f->name);
	g_free(f->content_type);
	g_free(f->sha256);
	g_free(f->number);
	g_free(f);
}

GPtrArray *
store_request_files(dispo_store *store, int64_t request_id, const char *kind, GError **error)
{
	g_autoptr(GPtrArray) rows =
	    g_ptr_array_new_with_free_func((GDestroyNotify)store_file_row_free);
	sqlite3_stmt *st = store_stmt(
	    store,
	    "SELECT r.number, f.kind, f.name, f.content_type, f.sha256, f.size, f.number,"
	    " f.created_at FROM request_files f JOIN requests r ON r.id = f.request_id"
	    " WHERE (?1 = 0 OR f.request_id = ?1) AND (?2 IS NULL OR f.kind = ?2) ORDER BY f.id",
	    error);
	int rc;

	if (!st)
		return NULL;
	sqlite3_bind_int64(st, 1, request_id);
	store_bind_text(st, 2, kind);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		dispo_file_row *f = g_new0(dispo_file_row, 1);
		f->request = store_column_dup(st, 0);
		f->kind = store_column_dup(st, 1);
		f->name = store_column_dup(st, 2);
		f->content_type = store_column_dup(st, 3);
		f->sha256 = store_column_dup(st, 4);
		f->size = (uint64_t)sqlite3_column_int64(st, 5);
		f->number = store_column_dup(st, 6);
		f->created_at = sqlite3_column_int64(st, 7);
		g_ptr_array_add(rows, f);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		store_fail(store, error, "cannot list a request's files");
		return NULL;
	}
	return g_steal_pointer(&rows);
}

bool
store_certificate_issue(dispo_store *store, int64_t request_id, const char *email, const char *nip,
                        const char *name, const char *serial, dispo_time at, GError **error)
{
	sqlite3_stmt *st = store_stmt(
	    store,
	    "INSERT INTO certificates (employee_id, email, nip, name, serial, request_id, state,"
	    " issued_at) VALUES ((SELECT id FROM employees WHERE lower(email) = lower(?1)"
	    " ORDER BY status = 'aktif' DESC LIMIT 1), lower(?1), ?2, ?3, ?4, ?5, 'issued', ?6)",
	    error);
	int rc;

	if (!st)
		return false;
	store_bind_text(st, 1, email);
	store_bind_text(st, 2, nip);
	store_bind_text(st, 3, name);
	store_bind_text(st, 4, serial);
	sqlite3_bind_int64(st, 5, request_id);
	sqlite3_bind_int64(st, 6, at);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return store_fail(store, error, "cannot record an issued certificate");
	return true;
}

bool
store_certificate_set_validity(dispo_store *store, int64_t request_id, const char *valid_from,
                               const char *valid_until, GError **error)
{
	sqlite3_stmt *st = store_stmt(store,
	                              "UPDATE certificates SET valid_from = ?, valid_until = ?"
	                              " WHERE request_id = ? AND state = 'issued'",
	                              error);
	int rc;

	if (!st)
		return false;
	store_bind_text(st, 1, valid_from);
	store_bind_text(st, 2, valid_until);
	sqlite3_bind_int64(st, 3, request_id);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return store_fail(store, error, "cannot record a certificate's validity");
	return true;
}

bool
store_certificate_revoke(dispo_store *store, const char *email, int64_t request_id, dispo_time at,
                         unsigned *revoked, GError **error)
{
	sqlite3_stmt *st = store_stmt(store,
	                              "UPDATE certificates SET state = 'revoked', revoked_at = ?,"
	                              " revoke_request_id = ? WHERE email = lower(?) AND state = "
	                              "'issued'",
	                              error);
	int rc;

	if (!st)
		return false;
	sqlite3_bind_int64(st, 1, at);
	sqlite3_bind_int64(st, 2, request_id);
	store_bind_text(st, 3, email);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return store_fail(store, error, "cannot revoke a certificate");
	if (revoked)
		*revoked = (unsigned)sqlite3_changes(store->db);
	return true;
}

void
store_certificate_row_free(dispo_certificate_row *c)
{
	if (!c)
		return;
	g_free(c->email);
	g_free(c->nip);
	g_free(c->name);
	g_free(c->serial);
	g_free(c->state);
	g_free(c->request);
	g_free(c->revoke_request);
	g_free(c->valid_from);
	g_free(c->valid_until);
	g_free(c);
}

#define CERTIFICATE_COLUMNS                                                                        \
	"SELECT c.email, c.nip, c.name, c.serial, c.state, c.issued_at,"                           \
	" coalesce(c.revoked_at, 0), r.number, v.number, c.valid_from, c.valid_until"              \
	" FROM certificates c"                                                                     \
	" LEFT JOIN requests r ON r.id = c.request_id"                                             \
	" LEFT JOIN requests v ON v.id = c.revoke_request_id"

static dispo_certificate_row *
certificate_row_read(sqlite3_stmt *st)
{
	dispo_certificate_row *c = g_new0(dispo_certificate_row, 1);

	c->email = store_column_dup(st, 0);
	c->nip = store_column_dup(st, 1);
	c->name = store_column_dup(st, 2);
	c->serial = store_column_dup(st, 3);
	c->state = store_column_dup(st, 4);
	c->issued_at = sqlite3_column_int64(st, 5);
	c->revoked_at = sqlite3_column_int64(st, 6);
	c->request = store_column_dup(st, 7);
	c->revoke_request = store_column_dup(st, 8);
	c->valid_from = store_column_dup(st, 9);
	c->valid_until = store_column_dup(st, 10);
	return c;
}

GPtrArray *
store_certificates_list(dispo_store *store, GError **error)
{
	g_autoptr(GPtrArray) rows =
	    g_ptr_array_new_with_free_func((GDestroyNotify)store_certificate_row_free);
	sqlite3_stmt *st = store_stmt(store, CERTIFICATE_COLUMNS " ORDER BY c.id", error);
	int rc;

	if (!st)
		return NULL;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		g_ptr_array_add(rows, certificate_row_read(st));
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		store_fail(store, error, "cannot list certificates");
		return NULL;
	}
	return g_steal_pointer(&rows);
}

dispo_certificate_row *
store_certificate_issued_to(dispo_store *store, const char *email, GError **error)
{
	sqlite3_stmt *st =
	    store_stmt(store,
	               CERTIFICATE_COLUMNS " WHERE c.email = lower(?) AND"
	                                   " c.state = 'issued' ORDER BY c.id DESC LIMIT 1",
	               error);
	dispo_certificate_row *c = NULL;
	int rc;

	if (!st)
		return NULL;
	store_bind_text(st, 1, email);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		c = certificate_row_read(st);
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		store_fail(store, error, "cannot read the certificate register");
		return NULL;
	}
	if (!c)
		g_set_error(error, DISPO_STORE_ERROR, DISPO_STORE_ERROR_NOT_FOUND,
		            "%s holds no issued certificate", email);
	return c;
}
