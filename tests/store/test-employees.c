/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-employees.c: the employee register: import by NIP, the difference a
 * re-import makes, lookup by address, and who may act for a role when. */
#include "config.h"

#include "store/store.h"

#include "testutil.h"

/* 2026-11-24 10:00 in Jakarta (03:00 UTC). */
#define NOV24 ((dispo_time)1795489200)
#define DAY   ((dispo_time)86400)

static dispo_employee *
person(const char *nip, const char *name, const char *email, const char *status)
{
	dispo_employee *e = store_employee_new();
	e->nip = g_strdup(nip);
	e->name = g_strdup(name);
	e->email = g_strdup(email);
	e->unit = g_strdup("Dinas Komunikasi dan Informatika");
	e->position = g_strdup("Staf");
	e->status = g_strdup(status);
	return e;
}

static void
grant(dispo_employee *e, const char *role, const char *deputy, const char *from, const char *until)
{
	g_ptr_array_add(e->roles, store_role_grant_new(role, deputy, from, until));
}

/* The office as the tests know it: a head, a Kabid with a Plt. for the
 * end of the year, a Kasi who is on leave, a retired man. */
static GPtrArray *
office(void)
{
	GPtrArray *list = g_ptr_array_new_with_free_func((GDestroyNotify)store_employee_free);
	dispo_employee *e;

	e = person("196903141994031006", "Hendro", "kadis@kuduskab.go.id", "aktif");
	e->nik = g_strdup("3319021403690002");
	grant(e, "kepala_dinas", NULL, NULL, NULL);
	g_ptr_array_add(list, e);
	e = person("197508242000032003", "Sri", "sri.wahyuningsih@kuduskab.go.id", "aktif");
	grant(e, "kabid_informatika", NULL, NULL, NULL);
	g_ptr_array_add(list, e);
	e = person("198011172006041002", "Agus", "Agus.Prasetyo@KudusKab.go.id", "aktif");
	grant(e, "kasi_ti", NULL, NULL, NULL);
	grant(e, "kabid_informatika", "plt", "2026-12-14", "2026-12-31");
	g_ptr_array_add(list, e);
	e = person("199002052015032001", "Dewi", "dewi@kuduskab.go.id", "cuti");
	grant(e, "verifikator", NULL, NULL, NULL);
	g_ptr_array_add(list, e);
	e = person("196206151985031005", "Suparman", "suparman@kuduskab.go.id", "pensiun");
	g_ptr_array_add(list, e);
	return list;
}

static dispo_store *
open_store(void)
{
	GError *e = NULL;
	dispo_store *store = store_open(":memory:", NULL, 1000, &e);
	if (!store)
		fail_msg("%s", e->message);
	return store;
}

static void
import(dispo_store *store, const GPtrArray *list, dispo_time now, dispo_register_summary *sum)
{
	GError *e = NULL;

	assert_true(store_begin(store, &e));
	if (!store_employees_import(store, list, now, sum, &e))
		fail_msg("%s", e->message);
	assert_true(store_commit(store, &e));
}

static dispo_employee *
find(GPtrArray *list, const char *nip)
{
	for (guint i = 0; i < list->len; i++)
		if (strcmp(((dispo_employee *)list->pdata[i])->nip, nip) == 0)
			return list->pdata[i];
	fail_msg("no %s", nip);
	return NULL;
}

static void
test_import_and_reimport(void **state)
{
	g_autoptr(dispo_store) store = open_store();
	g_autoptr(GPtrArray) list = office();
	g_autoptr(GPtrArray) stored = NULL;
	g_autoptr(GPtrArray) changes = NULL;
	dispo_register_summary sum;
	const dispo_employee *agus;
	GError *e = NULL;

	import(store, list, NOV24, &sum);
	assert_int_equal(sum.added, 5);
	assert_int_equal(sum.updated + sum.deactivated + sum.unchanged, 0);
	assert_int_equal(sum.roles, 5);

	stored = store_employees_list(store, &e);
	assert_non_null(stored);
	assert_int_equal(stored->len, 5);
	agus = find(stored, "198011172006041002");
	assert_int_equal(agus->roles->len, 2);
	assert_int_equal(agus->updated_at, NOV24);
	assert_null(find(stored, "197508242000032003")->nik);
	assert_string_equal(find(stored, "196903141994031006")->nik, "3319021403690002");

	/* The same register again: nothing to do, nothing touched. */
	changes = store_employees_diff(store, list, &e);
	assert_non_null(changes);
	assert_int_equal(changes->len, 0);
	import(store, list, NOV24 + DAY, &sum);
	assert_int_equal(sum.unchanged, 5);
	assert_int_equal(sum.added + sum.updated + sum.deactivated, 0);
	g_ptr_array_unref(stored);
	stored = store_employees_list(store, &e);
	assert_int_equal(find(stored, "198011172006041002")->updated_at, NOV24);
}

static void
test_diff_then_import(void **state)
{
	g_autoptr(dispo_store) store = open_store();
	g_autoptr(GPtrArray) list = office();
	g_autoptr(GPtrArray) changes = NULL;
	g_autoptr(GPtrArray) stored = NULL;
	dispo_register_summary sum;
	dispo_employee *sri, *budi;
	GError *e = NULL;

	import(store, list, NOV24, NULL);
	/* Sri moves address; Agus no longer deputises; Budi joins; Suparman
	 * (pensiun) leaves the file. */
	sri = find(list, "197508242000032003");
	g_free(sri->email);
	sri->email = g_strdup("sri@kuduskab.go.id");
	g_ptr_array_remove_index(find(list, "198011172006041002")->roles, 1);
	budi = person("198503122010011004", "Budi", "budi.santoso@kuduskab.go.id", "aktif");
	g_ptr_array_add(list, budi);
	g_ptr_array_remove(list, find(list, "196206151985031005"));

	changes = store_employees_diff(store, list, &e);
	assert_non_null(changes);
	assert_int_equal(changes->len, 4);
	for (guint i = 0; i < changes->len; i++) {
		const dispo_employee_change *c = changes->pdata[i];
		const dispo_field_change *f = c->fields->len ? c->fields->pdata[0] : NULL;
		if (strcmp(c->nip, "197508242000032003") == 0) {
			assert_int_equal(c->kind, DISPO_EMPLOYEE_CHANGED);
			assert_int_equal(c->fields->len, 1);
			assert_string_equal(f->field, "email");
			assert_string_equal(f->before, "sri.wahyuningsih@kuduskab.go.id");
			assert_string_equal(f->after, "sri@kuduskab.go.id");
		} else if (strcmp(c->nip, "198011172006041002") == 0) {
			assert_int_equal(c->kind, DISPO_EMPLOYEE_CHANGED);
			assert_string_equal(f->field, "roles");
			assert_string_equal(
			    f->before, "kabid_informatika (plt 2026-12-14..2026-12-31), kasi_ti");
			assert_string_equal(f->after, "kasi_ti");
		} else if (strcmp(c->nip, "198503122010011004") == 0) {
			assert_int_equal(c->kind, DISPO_EMPLOYEE_ADDED);
		} else {
			assert_string_equal(c->nip, "196206151985031005");
			assert_int_equal(c->kind, DISPO_EMPLOYEE_REMOVED);
			assert_string_equal(f->field, "status");
			assert_string_equal(f->before, "pensiun");
			assert_string_equal(f->after, "tidak_terdaftar");
		}
	}
	/* The diff changed nothing. */
	stored = store_employees_list(store, &e);
	assert_string_equal(find(stored, "197508242000032003")->email,
	                    "sri.wahyuningsih@kuduskab.go.id");
	g_ptr_array_unref(stored);

	import(store, list, NOV24 + DAY, &sum);
	assert_int_equal(sum.added, 1);
	assert_int_equal(sum.updated, 2);
	assert_int_equal(sum.deactivated, 1);
	assert_int_equal(sum.unchanged, 2);
	stored = store_employees_list(store, &e);
	assert_int_equal(stored->len, 6); /* never deleted */
	assert_string_equal(find(stored, "196206151985031005")->status, "tidak_terdaftar");
	assert_int_equal(find(stored, "196206151985031005")->updated_at, NOV24 + DAY);
	assert_int_equal(find(stored, "198011172006041002")->roles->len, 1);
	assert_int_equal(find(stored, "196903141994031006")->updated_at, NOV24);

	/* An unlisted employee stays so on the next import: no change. */
	g_ptr_array_unref(changes);
	changes = store_employees_diff(store, list, &e);
	assert_int_equal(changes->len, 0);
}

/* The pangkat is optional: stored when given, NULL when not, read back by
 * the role-holder query the letter's signer comes from, and a change of it
 * is a change of the employee. */
static void
test_rank(void **state)
{
	g_autoptr(dispo_store) store = open_store();
	g_autoptr(GPtrArray) list = office();
	g_autoptr(GPtrArray) stored = NULL;
	g_autoptr(GPtrArray) holders = NULL;
	g_autoptr(GPtrArray) changes = NULL;
	const dispo_employee_change *c;
	const dispo_field_change *f;
	dispo_register_summary sum;
	GError *e = NULL;

	find(list, "196903141994031006")->rank = g_strdup("Pembina Utama Muda (IV/c)");
	find(list, "197508242000032003")->rank = g_strdup(""); /* an empty cell */
	import(store, list, NOV24, NULL);
	stored = store_employees_list(store, &e);
	assert_non_null(stored);
	assert_string_equal(find(stored, "196903141994031006")->rank, "Pembina Utama Muda (IV/c)");
	assert_null(find(stored, "197508242000032003")->rank);
	assert_null(find(stored, "198011172006041002")->rank);
	holders = store_role_holders(store, "kepala_dinas", NOV24, NULL, &e);
	assert_non_null(holders);
	assert_int_equal(holders->len, 1);
	assert_string_equal(((dispo_employee *)holders->pdata[0])->rank,
	                    "Pembina Utama Muda (IV/c)");
	/* the deputy query's own columns stay in place after it */
	g_ptr_array_unref(holders);
	holders = store_role_holders(store, "kabid_informatika", NOV24 + 20 * DAY, NULL, &e);
	assert_int_equal(holders->len, 2);
	assert_string_equal(((dispo_role_grant *)((dispo_employee *)holders->pdata[1])
	                         ->roles->pdata[0])
	                        ->deputy,
	                    "plt");

	g_clear_pointer(&find(list, "196903141994031006")->rank, g_free);
	changes = store_employees_diff(store, list, &e);
	assert_non_null(changes);
	assert_int_equal(changes->len, 1);
	c = changes->pdata[0];
	assert_int_equal(c->kind, DISPO_EMPLOYEE_CHANGED);
	assert_int_equal(c->fields->len, 1);
	f = c->fields->pdata[0];
	assert_string_equal(f->field, "rank");
	assert_string_equal(f->before, "Pembina Utama Muda (IV/c)");
	assert_string_equal(f->after, "");
	import(store, list, NOV24 + DAY, &sum);
	assert_int_equal(sum.updated, 1);
	g_ptr_array_unref(stored);
	stored = store_employees_list(store, &e);
	assert_null(find(stored, "196903141994031006")->rank);
}

static void
test_unlisted_lose_roles(void **state)
{
	g_autoptr(dispo_store) store = open_store();
	g_autoptr(GPtrArray) list = office();
	g_autoptr(GPtrArray) holders = NULL;
	GError *e = NULL;

	import(store, list, NOV24, NULL);
	g_ptr_array_remove(list, find(list, "196903141994031006"));
	import(store, list, NOV24, NULL);
	holders = store_role_holders(store, "kepala_dinas", NOV24, NULL, &e);
	assert_non_null(holders);
	assert_int_equal(holders->len, 0);
	/* Coming back restores them. */
	g_ptr_array_unref(list);
	list = office();
	import(store, list, NOV24, NULL);
	g_ptr_array_unref(holders);
	holders = store_role_holders(store, "kepala_dinas", NOV24, NULL, &e);
	assert_int_equal(holders->len, 1);
}

static void
test_import_needs_transaction(void **state)
{
	g_autoptr(dispo_store) store = open_store();
	g_autoptr(GPtrArray) list = office();
	g_autoptr(GPtrArray) stored = NULL;
	GError *e = NULL;

	assert_false(store_employees_import(store, list, NOV24, NULL, &e));
	assert_non_null(strstr(e->message, "transaction"));
	g_clear_error(&e);

	/* A NIP twice is refused, and the rollback leaves nothing behind. */
	g_ptr_array_add(list, person("196903141994031006", "Twin", "twin@kuduskab.go.id", "aktif"));
	assert_true(store_begin(store, &e));
	assert_false(store_employees_import(store, list, NOV24, NULL, &e));
	assert_non_null(strstr(e->message, "196903141994031006 is listed twice"));
	g_clear_error(&e);
	store_rollback(store);
	stored = store_employees_list(store, &e);
	assert_int_equal(stored->len, 0);
}

static void
test_find_by_email(void **state)
{
	g_autoptr(dispo_store) store = open_store();
	g_autoptr(GPtrArray) list = office();
	dispo_employee *found = NULL;
	GError *e = NULL;

	import(store, list, NOV24, NULL);
	assert_true(
	    store_employee_find_by_email(store, "agus.prasetyo@kuduskab.go.id", &found, &e));
	assert_non_null(found);
	assert_string_equal(found->nip, "198011172006041002");
	assert_string_equal(found->email, "Agus.Prasetyo@KudusKab.go.id");
	assert_string_equal(found->name, "Agus");
	assert_string_equal(found->unit, "Dinas Komunikasi dan Informatika");
	assert_string_equal(found->position, "Staf");
	assert_string_equal(found->status, "aktif");
	assert_int_equal(found->updated_at, NOV24);
	assert_int_equal(found->roles->len, 2);
	store_employee_free(found);

	assert_true(store_employee_find_by_email(store, "KADIS@kuduskab.go.id", &found, &e));
	assert_string_equal(found->nik, "3319021403690002");
	store_employee_free(found);

	assert_true(store_employee_find_by_email(store, "nobody@kuduskab.go.id", &found, &e));
	assert_null(found);
	/* No pattern matching: '%' and '_' are just characters. */
	assert_true(store_employee_find_by_email(store, "%@kuduskab.go.id", &found, &e));
	assert_null(found);
}

static void
test_role_holders_at(void **state)
{
	static const struct {
		const char *role;
		dispo_time at;
		const char *want; /* emails, holders first, "+plt" after a deputy */
	} cases[] = {
	    {"kepala_dinas", NOV24, "kadis@kuduskab.go.id"},
	    {"kabid_informatika", NOV24, "sri.wahyuningsih@kuduskab.go.id"},
	    /* 14 December 00:30 in Jakarta is still the 13th in UTC: the
	     * office's date counts. */
	    {"kabid_informatika", 1797183000,
	     "sri.wahyuningsih@kuduskab.go.id Agus.Prasetyo@KudusKab.go.id+plt"},
	    {"kabid_informatika", 1797183000 - 3600, "sri.wahyuningsih@kuduskab.go.id"},
	    /* 31 December is inside, 1 January is not */
	    {"kabid_informatika", NOV24 + 37 * DAY,
	     "sri.wahyuningsih@kuduskab.go.id Agus.Prasetyo@KudusKab.go.id+plt"},
	    {"kabid_informatika", NOV24 + 38 * DAY, "sri.wahyuningsih@kuduskab.go.id"},
	    {"kasi_ti", NOV24, "Agus.Prasetyo@KudusKab.go.id"},
	    /* Dewi is on leave (cuti): not active, so nobody verifies */
	    {"verifikator", NOV24, ""},
	    {"no_such_role", NOV24, ""},
	};
	g_autoptr(dispo_store) store = open_store();
	g_autoptr(GPtrArray) list = office();
	g_autoptr(GTimeZone) jakarta = g_time_zone_new_identifier("Asia/Jakarta");
	GError *e = NULL;

	assert_non_null(jakarta);
	import(store, list, NOV24, NULL);
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autoptr(GPtrArray) holders =
		    store_role_holders(store, cases[i].role, cases[i].at, jakarta, &e);
		g_autoptr(GString) got = g_string_new(NULL);
		assert_non_null(holders);
		for (guint h = 0; h < holders->len; h++) {
			const dispo_employee *x = holders->pdata[h];
			const dispo_role_grant *g = x->roles->pdata[0];
			assert_int_equal(x->roles->len, 1);
			assert_string_equal(g->role, cases[i].role);
			g_string_append_printf(got, "%s%s%s%s", h ? " " : "", x->email,
			                       g->deputy ? "+" : "", g->deputy ? g->deputy : "");
		}
		if (strcmp(got->str, cases[i].want) != 0)
			fail_msg("case %zu (%s): '%s', want '%s'", i, cases[i].role, got->str,
			         cases[i].want);
	}
}

static void
test_may_act(void **state)
{
	static const struct {
		const char *role;
		const char *address;
		dispo_time at;
		bool allowed;
		const char *deputy;
	} cases[] = {
	    {"kepala_dinas", "kadis@kuduskab.go.id", NOV24, true, NULL},
	    {"kepala_dinas", "KADIS@KUDUSKAB.GO.ID", NOV24, true, NULL},
	    {"kepala_dinas", "sri.wahyuningsih@kuduskab.go.id", NOV24, false, NULL},
	    {"kabid_informatika", "agus.prasetyo@kuduskab.go.id", NOV24, false, NULL},
	    {"kabid_informatika", "agus.prasetyo@kuduskab.go.id", NOV24 + 25 * DAY, true, "plt"},
	    {"kasi_ti", "agus.prasetyo@kuduskab.go.id", NOV24 + 25 * DAY, true, NULL},
	    {"verifikator", "dewi@kuduskab.go.id", NOV24, false, NULL},
	    {"kepala_dinas", "suparman@kuduskab.go.id", NOV24, false, NULL},
	    {"kepala_dinas", "", NOV24, false, NULL},
	};
	g_autoptr(dispo_store) store = open_store();
	g_autoptr(GPtrArray) list = office();
	GError *e = NULL;

	import(store, list, NOV24, NULL);
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		bool allowed = !cases[i].allowed;
		char *deputy = NULL;
		assert_true(store_role_may_act(store, cases[i].role, cases[i].address, cases[i].at,
		                               NULL, &allowed, &deputy, &e));
		if (allowed != cases[i].allowed)
			fail_msg("case %zu: %s for %s: allowed=%d", i, cases[i].address,
			         cases[i].role, allowed);
		if (cases[i].deputy)
			assert_string_equal(deputy, cases[i].deputy);
		else
			assert_null(deputy);
		g_free(deputy);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_import_and_reimport),
	    cmocka_unit_test(test_diff_then_import),
	    cmocka_unit_test(test_rank),
	    cmocka_unit_test(test_unlisted_lose_roles),
	    cmocka_unit_test(test_import_needs_transaction),
	    cmocka_unit_test(test_find_by_email),
	    cmocka_unit_test(test_role_holders_at),
	    cmocka_unit_test(test_may_act),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
