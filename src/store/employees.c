/* SPDX-License-Identifier: GPL-3.0-or-later */
/* employees.c: the employee register and its role holders (deputies
 * included): import by NIP, the difference an import would make, and the
 * questions the workflow asks (who is this address, who holds this role). */
#include "config.h"

#include "store/store-private.h"

#include <string.h>

dispo_role_grant *
store_role_grant_new(const char *role, const char *deputy, const char *valid_from,
                     const char *valid_until)
{
	dispo_role_grant *g = g_new0(dispo_role_grant, 1);

	g->role = g_strdup(role);
	g->deputy = deputy && *deputy ? g_strdup(deputy) : NULL;
	g->valid_from = valid_from && *valid_from ? g_strdup(valid_from) : NULL;
	g->valid_until = valid_until && *valid_until ? g_strdup(valid_until) : NULL;
	return g;
}

void
store_role_grant_free(dispo_role_grant *g)
{
	if (!g)
		return;
	g_free(g->role);
	g_free(g->deputy);
	g_free(g->valid_from);
	g_free(g->valid_until);
	g_free(g);
}

char *
store_role_grant_format(const dispo_role_grant *g)
{
	GString *s = g_string_new(g->role);

	if (g->deputy || g->valid_from || g->valid_until) {
		g_string_append(s, " (");
		if (g->deputy)
			g_string_append(s, g->deputy);
		if (g->valid_from || g->valid_until)
			g_string_append_printf(s, "%s%s..%s", g->deputy ? " " : "",
			                       g->valid_from ? g->valid_from : "",
			                       g->valid_until ? g->valid_until : "");
		g_string_append_c(s, ')');
	}
	return g_string_free(s, false);
}

dispo_employee *
store_employee_new(void)
{
	dispo_employee *e = g_new0(dispo_employee, 1);
	e->roles = g_ptr_array_new_with_free_func((GDestroyNotify)store_role_grant_free);
	return e;
}

void
store_employee_free(dispo_employee *e)
{
	if (!e)
		return;
	g_free(e->nip);
	g_free(e->nik);
	g_free(e->name);
	g_free(e->email);
	g_free(e->unit);
	g_free(e->position);
	g_free(e->rank);
	g_free(e->status);
	if (e->roles)
		g_ptr_array_unref(e->roles);
	g_free(e);
}

static void
field_change_free(dispo_field_change *f)
{
	if (!f)
		return;
	g_free(f->field);
	g_free(f->before);
	g_free(f->after);
	g_free(f);
}

void
store_employee_change_free(dispo_employee_change *c)
{
	if (!c)
		return;
	g_free(c->nip);
	g_free(c->name);
	g_ptr_array_unref(c->fields);
	g_free(c);
}

/* ---- reading ------------------------------------------------------------- */

#define EMPLOYEE_COLUMNS "id, nip, nik, name, email, unit, position, status, updated_at, rank"

static dispo_employee *
employee_from_row(sqlite3_stmt *st, int64_t *id)
{
	dispo_employee *e = store_employee_new();

	*id = sqlite3_column_int64(st, 0);
	e->nip = store_column_dup(st, 1);
	e->nik = store_column_dup(st, 2);
	e->name = store_column_dup(st, 3);
	e->email = store_column_dup(st, 4);
	e->unit = store_column_dup(st, 5);
	e->position = store_column_dup(st, 6);
	e->status = store_column_dup(st, 7);
	e->updated_at = sqlite3_column_int64(st, 8);
	e->rank = store_column_dup(st, 9);
	return e;
}

static int
grant_compare(gconstpointer a, gconstpointer b)
{
	g_autofree char *x = store_role_grant_format(*(dispo_role_grant *const *)a);
	g_autofree char *y = store_role_grant_format(*(dispo_role_grant *const *)b);
	return strcmp(x, y);
}

static bool
roles_load(dispo_store *store, int64_t id, GPtrArray *roles, GError **error)
{
	sqlite3_stmt *st =
	    store_stmt(store,
	               "SELECT role, deputy, valid_from, valid_until FROM role_holders"
	               " WHERE employee_id = ?",
	               error);
	int rc;

	if (!st)
		return false;
	sqlite3_bind_int64(st, 1, id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		g_ptr_array_add(roles,
		                store_role_grant_new((const char *)sqlite3_column_text(st, 0),
		                                     (const char *)sqlite3_column_text(st, 1),
		                                     (const char *)sqlite3_column_text(st, 2),
		                                     (const char *)sqlite3_column_text(st, 3)));
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return store_fail(store, error, "cannot read role holders");
	g_ptr_array_sort(roles, grant_compare);
	return true;
}

/* Employees (with their ids in *ids when not NULL) matching sql, which
 * selects EMPLOYEE_COLUMNS and takes text parameter 1 (may be unused). */
static GPtrArray *
employees_query(dispo_store *store, const char *sql, const char *param, GArray *ids, GError **error)
{
	g_autoptr(GPtrArray) out =
	    g_ptr_array_new_with_free_func((GDestroyNotify)store_employee_free);
	g_autoptr(GArray) own_ids = g_array_new(false, false, sizeof(int64_t));
	sqlite3_stmt *st = store_stmt(store, sql, error);
	int rc;

	if (!st)
		return NULL;
	if (param)
		store_bind_text(st, 1, param);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t id;
		g_ptr_array_add(out, employee_from_row(st, &id));
		g_array_append_val(own_ids, id);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		store_fail(store, error, "cannot read the employee register");
		return NULL;
	}
	/* After the loop: roles_load resets statements of its own. */
	for (guint i = 0; i < out->len; i++) {
		dispo_employee *e = out->pdata[i];
		if (!roles_load(store, g_array_index(own_ids, int64_t, i), e->roles, error))
			return NULL;
	}
	if (ids)
		g_array_append_vals(ids, own_ids->data, own_ids->len);
	return g_steal_pointer(&out);
}

GPtrArray *
store_employees_list(dispo_store *store, GError **error)
{
	return employees_query(store, "SELECT " EMPLOYEE_COLUMNS " FROM employees ORDER BY nip",
	                       NULL, NULL, error);
}

/* employees_email_lower (schema v14): the address's rows from the index,
 * not a scan of the register. */
const char store_employee_by_email_sql[] =
    "SELECT " EMPLOYEE_COLUMNS " FROM employees WHERE lower(email) = lower(?1)"
    " ORDER BY status = 'aktif' DESC, id LIMIT 1";

bool
store_employee_find_by_email(dispo_store *store, const char *email, dispo_employee **employee,
                             GError **error)
{
	g_autoptr(GPtrArray) found = NULL;

	*employee = NULL;
	found = employees_query(store, store_employee_by_email_sql, email, NULL, error);
	if (!found)
		return false;
	if (found->len > 0)
		*employee = g_ptr_array_steal_index(found, 0);
	return true;
}

/* ---- the difference an import makes -------------------------------------- */

static const char *
or_empty(const char *s)
{
	return s ? s : "";
}

static char *
roles_text(const GPtrArray *roles)
{
	/* A copy would free the grants with it (it keeps the free function). */
	g_autoptr(GPtrArray) sorted = g_ptr_array_sized_new(roles->len);
	GString *s = g_string_new(NULL);

	for (guint i = 0; i < roles->len; i++)
		g_ptr_array_add(sorted, roles->pdata[i]);
	g_ptr_array_sort(sorted, grant_compare);
	for (guint i = 0; i < sorted->len; i++) {
		g_autofree char *one = store_role_grant_format(sorted->pdata[i]);
		g_string_append_printf(s, "%s%s", i ? ", " : "", one);
	}
	return g_string_free(s, false);
}

static void
compare_field(GPtrArray *fields, const char *field, const char *before, const char *after)
{
	dispo_field_change *f;

	if (strcmp(or_empty(before), or_empty(after)) == 0)
		return;
	f = g_new0(dispo_field_change, 1);
	f->field = g_strdup(field);
	f->before = g_strdup(or_empty(before));
	f->after = g_strdup(or_empty(after));
	g_ptr_array_add(fields, f);
}

static dispo_employee_change *
change_new(dispo_employee_change_kind kind, const dispo_employee *e)
{
	dispo_employee_change *c = g_new0(dispo_employee_change, 1);

	c->kind = kind;
	c->nip = g_strdup(e->nip);
	c->name = g_strdup(e->name);
	c->fields = g_ptr_array_new_with_free_func((GDestroyNotify)field_change_free);
	return c;
}

/* The changes, and the stored employees by NIP (for import). */
static GPtrArray *
diff(dispo_store *store, const GPtrArray *employees, GHashTable **stored_by_nip, GArray **ids,
     GError **error)
{
	g_autoptr(GArray) stored_ids = g_array_new(false, false, sizeof(int64_t));
	g_autoptr(GPtrArray) stored =
	    employees_query(store, "SELECT " EMPLOYEE_COLUMNS " FROM employees ORDER BY nip", NULL,
	                    stored_ids, error);
	g_autoptr(GHashTable) by_nip = g_hash_table_new(g_str_hash, g_str_equal);
	g_autoptr(GHashTable) listed = g_hash_table_new(g_str_hash, g_str_equal);
	g_autoptr(GPtrArray) changes =
	    g_ptr_array_new_with_free_func((GDestroyNotify)store_employee_change_free);

	if (!stored)
		return NULL;
	for (guint i = 0; i < stored->len; i++) {
		dispo_employee *s = stored->pdata[i];
		g_hash_table_insert(by_nip, s->nip, GUINT_TO_POINTER(i + 1));
	}
	for (guint i = 0; i < employees->len; i++) {
		const dispo_employee *e = employees->pdata[i];
		guint at;
		const dispo_employee *s;
		dispo_employee_change *c;
		g_autofree char *roles_before = NULL;
		g_autofree char *roles_after = NULL;

		if (!e->nip || !e->name || !e->email || !e->status) {
			g_set_error(error, DISPO_STORE_ERROR, DISPO_STORE_ERROR_FAILED,
			            "employee %u lacks a NIP, name, address or status (a bug)", i);
			return NULL;
		}
		if (!g_hash_table_add(listed, e->nip)) {
			g_set_error(error, DISPO_STORE_ERROR, DISPO_STORE_ERROR_FAILED,
			            "NIP %s is listed twice", e->nip);
			return NULL;
		}
		at = GPOINTER_TO_UINT(g_hash_table_lookup(by_nip, e->nip));
		if (!at) {
			g_ptr_array_add(changes, change_new(DISPO_EMPLOYEE_ADDED, e));
			continue;
		}
		s = stored->pdata[at - 1];
		c = change_new(DISPO_EMPLOYEE_CHANGED, e);
		compare_field(c->fields, "nik", s->nik, e->nik);
		compare_field(c->fields, "name", s->name, e->name);
		compare_field(c->fields, "email", s->email, e->email);
		compare_field(c->fields, "unit", s->unit, e->unit);
		compare_field(c->fields, "position", s->position, e->position);
		compare_field(c->fields, "rank", s->rank, e->rank);
		compare_field(c->fields, "status", s->status, e->status);
		roles_before = roles_text(s->roles);
		roles_after = roles_text(e->roles);
		compare_field(c->fields, "roles", roles_before, roles_after);
		if (c->fields->len)
			g_ptr_array_add(changes, c);
		else
			store_employee_change_free(c);
	}
	for (guint i = 0; i < stored->len; i++) {
		const dispo_employee *s = stored->pdata[i];
		dispo_employee_change *c;
		g_autofree char *roles_before = NULL;

		if (g_hash_table_contains(listed, s->nip))
			continue;
		c = change_new(DISPO_EMPLOYEE_REMOVED, s);
		compare_field(c->fields, "status", s->status, DISPO_EMPLOYEE_UNLISTED);
		roles_before = roles_text(s->roles);
		compare_field(c->fields, "roles", roles_before, "");
		if (c->fields->len)
			g_ptr_array_add(changes, c);
		else
			store_employee_change_free(c);
	}
	if (stored_by_nip) {
		/* NIP -> index into *ids; keys are copies, the stored employees
		 * die with this function. */
		*stored_by_nip = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
		for (guint i = 0; i < stored->len; i++) {
			const dispo_employee *s = stored->pdata[i];
			g_hash_table_insert(*stored_by_nip, g_strdup(s->nip), GUINT_TO_POINTER(i));
		}
		*ids = g_steal_pointer(&stored_ids);
	}
	return g_steal_pointer(&changes);
}

GPtrArray *
store_employees_diff(dispo_store *store, const GPtrArray *employees, GError **error)
{
	return diff(store, employees, NULL, NULL, error);
}

/* ---- import -------------------------------------------------------------- */

static bool
roles_replace(dispo_store *store, int64_t id, const GPtrArray *roles, GError **error)
{
	sqlite3_stmt *st =
	    store_stmt(store, "DELETE FROM role_holders WHERE employee_id = ?", error);
	int rc;

	if (!st)
		return false;
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return store_fail(store, error, "cannot remove role holders");
	for (guint i = 0; roles && i < roles->len; i++) {
		const dispo_role_grant *g = roles->pdata[i];
		st = store_stmt(store,
		                "INSERT INTO role_holders (role, employee_id, deputy, valid_from,"
		                " valid_until) VALUES (?, ?, ?, ?, ?)",
		                error);
		if (!st)
			return false;
		store_bind_text(st, 1, g->role);
		sqlite3_bind_int64(st, 2, id);
		store_bind_text(st, 3, g->deputy);
		store_bind_text(st, 4, g->valid_from);
		store_bind_text(st, 5, g->valid_until);
		rc = sqlite3_step(st);
		sqlite3_reset(st);
		if (rc != SQLITE_DONE)
			return store_fail(store, error, "cannot record a role holder");
	}
	return true;
}

static bool
employee_write(dispo_store *store, const dispo_employee *e, int64_t *id, dispo_time now,
               GError **error)
{
	sqlite3_stmt *st;
	int rc;

	if (*id)
		st = store_stmt(store,
		                "UPDATE employees SET nik = ?1, name = ?2, email = ?3, unit = ?4,"
		                " position = ?5, status = ?6, updated_at = ?7, rank = ?10 WHERE id = ?8",
		                error);
	else
		st = store_stmt(store,
		                "INSERT INTO employees (nik, name, email, unit, position, status,"
		                " updated_at, nip, rank) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?9, ?10)",
		                error);
	if (!st)
		return false;
	store_bind_text(st, 1, e->nik && *e->nik ? e->nik : NULL);
	store_bind_text(st, 2, e->name);
	store_bind_text(st, 3, e->email);
	store_bind_text(st, 4, e->unit);
	store_bind_text(st, 5, e->position);
	store_bind_text(st, 6, e->status);
	sqlite3_bind_int64(st, 7, now);
	store_bind_text(st, 10, e->rank && *e->rank ? e->rank : NULL);
	if (*id)
		sqlite3_bind_int64(st, 8, *id);
	else
		store_bind_text(st, 9, e->nip);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return store_fail(store, error, "cannot write an employee");
	if (!*id)
		*id = sqlite3_last_insert_rowid(store->db);
	return true;
}

static bool
employee_unlist(dispo_store *store, int64_t id, dispo_time now, GError **error)
{
	sqlite3_stmt *st = store_stmt(
	    store, "UPDATE employees SET status = ?, updated_at = ? WHERE id = ?", error);
	int rc;

	if (!st)
		return false;
	store_bind_text(st, 1, DISPO_EMPLOYEE_UNLISTED);
	sqlite3_bind_int64(st, 2, now);
	sqlite3_bind_int64(st, 3, id);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return store_fail(store, error, "cannot mark an employee as no longer listed");
	return roles_replace(store, id, NULL, error);
}

bool
store_employees_import(dispo_store *store, const GPtrArray *employees, dispo_time now,
                       dispo_register_summary *summary, GError **error)
{
	g_autoptr(GHashTable) stored_at = NULL;
	g_autoptr(GArray) ids = NULL;
	g_autoptr(GPtrArray) changes = NULL;
	g_autoptr(GHashTable) input_by_nip = g_hash_table_new(g_str_hash, g_str_equal);
	dispo_register_summary sum = {0};

	/* Half a register must never be visible: the caller commits it whole
	 * or not at all. */
	if (!store->in_tx) {
		g_set_error(error, DISPO_STORE_ERROR, DISPO_STORE_ERROR_FAILED,
		            "the register is imported inside a transaction (a bug in dispo)");
		return false;
	}
	changes = diff(store, employees, &stored_at, &ids, error);
	if (!changes)
		return false;
	for (guint i = 0; i < employees->len; i++) {
		const dispo_employee *e = employees->pdata[i];
		g_hash_table_insert(input_by_nip, e->nip, (gpointer)e);
		sum.roles += e->roles->len;
	}
	for (guint i = 0; i < changes->len; i++) {
		const dispo_employee_change *c = changes->pdata[i];
		gpointer slot;
		int64_t id = 0;

		if (g_hash_table_lookup_extended(stored_at, c->nip, NULL, &slot))
			id = g_array_index(ids, int64_t, GPOINTER_TO_UINT(slot));
		if (c->kind == DISPO_EMPLOYEE_REMOVED) {
			if (!employee_unlist(store, id, now, error))
				return false;
			sum.deactivated++;
			continue;
		}
		const dispo_employee *e = g_hash_table_lookup(input_by_nip, c->nip);
		if (!employee_write(store, e, &id, now, error) ||
		    !roles_replace(store, id, e->roles, error))
			return false;
		if (c->kind == DISPO_EMPLOYEE_ADDED)
			sum.added++;
		else
			sum.updated++;
	}
	sum.unchanged = employees->len - sum.added - sum.updated;
	for (guint i = 0; i < employees->len; i++) {
		sqlite3_stmt *st =
		    store_stmt(store, "UPDATE employees SET listed_at = ? WHERE nip = ?", error);
		int rc;
		if (!st)
			return false;
		sqlite3_bind_int64(st, 1, now);
		store_bind_text(st, 2, ((const dispo_employee *)employees->pdata[i])->nip);
		rc = sqlite3_step(st);
		sqlite3_reset(st);
		if (rc != SQLITE_DONE)
			return store_fail(store, error,
			                  "cannot record when the register listed an "
			                  "employee");
	}
	if (summary)
		*summary = sum;
	return true;
}

/* ---- roles at a time ----------------------------------------------------- */

static char *
date_of(dispo_time at, GTimeZone *tz)
{
	g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc(at);
	g_autoptr(GDateTime) local = NULL;

	if (!utc)
		return NULL;
	local = tz ? g_date_time_to_timezone(utc, tz) : g_date_time_ref(utc);
	return local ? g_date_time_format(local, "%Y-%m-%d") : NULL;
}

GPtrArray *
store_role_holders(dispo_store *store, const char *role, dispo_time at, GTimeZone *tz,
                   GError **error)
{
	g_autofree char *date = date_of(at, tz);
	g_autoptr(GPtrArray) out =
	    g_ptr_array_new_with_free_func((GDestroyNotify)store_employee_free);
	sqlite3_stmt *st;
	int rc;

	if (!date) {
		g_set_error(error, DISPO_STORE_ERROR, DISPO_STORE_ERROR_FAILED,
		            "time %" G_GINT64_FORMAT " has no date", (gint64)at);
		return NULL;
	}
	st = store_stmt(store,
	                "SELECT e.id, e.nip, e.nik, e.name, e.email, e.unit, e.position, e.status,"
	                " e.updated_at, e.rank, r.deputy, r.valid_from, r.valid_until"
	                " FROM role_holders r JOIN employees e ON e.id = r.employee_id"
	                " WHERE r.role = ?1 AND e.status = 'aktif'"
	                " AND (r.valid_from IS NULL OR r.valid_from <= ?2)"
	                " AND (r.valid_until IS NULL OR r.valid_until >= ?2)"
	                " ORDER BY r.deputy IS NOT NULL, r.deputy = 'plh', e.name, e.nip",
	                error);
	if (!st)
		return NULL;
	store_bind_text(st, 1, role);
	store_bind_text(st, 2, date);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t id;
		dispo_employee *e = employee_from_row(st, &id);
		g_ptr_array_add(e->roles,
		                store_role_grant_new(role, (const char *)sqlite3_column_text(st, 10),
		                                     (const char *)sqlite3_column_text(st, 11),
		                                     (const char *)sqlite3_column_text(st, 12)));
		g_ptr_array_add(out, e);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		store_fail(store, error, "cannot read role holders");
		return NULL;
	}
	return g_steal_pointer(&out);
}

bool
store_role_may_act(dispo_store *store, const char *role, const char *address, dispo_time at,
                   GTimeZone *tz, bool *allowed, char **deputy, GError **error)
{
	g_autoptr(GPtrArray) holders = store_role_holders(store, role, at, tz, error);

	*allowed = false;
	if (deputy)
		*deputy = NULL;
	if (!holders)
		return false;
	/* Holders come first, so the first match says in which capacity. */
	for (guint i = 0; address && i < holders->len; i++) {
		const dispo_employee *e = holders->pdata[i];
		const dispo_role_grant *g = e->roles->pdata[0];
		if (g_ascii_strcasecmp(e->email, address) != 0)
			continue;
		*allowed = true;
		if (deputy)
			*deputy = g_strdup(g->deputy);
		break;
	}
	return true;
}

bool
store_employee_listed_at(dispo_store *store, const char *nip, dispo_time *at, GError **error)
{
	sqlite3_stmt *st = store_stmt(
	    store, "SELECT coalesce(listed_at, updated_at) FROM employees WHERE nip = ?", error);
	int rc;

	if (!st)
		return false;
	store_bind_text(st, 1, nip);
	rc = sqlite3_step(st);
	*at = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_fail(store, error, "cannot read the register");
	return true;
}
