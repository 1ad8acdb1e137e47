/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-report.c: the store's answers to `dispo report`: which events of
 * which requests a period streams, the requests at a step, and the query
 * plan the report's speed on a large store relies on. */
#include "config.h"

#include "store/store-private.h"

#include "testutil.h"

static dispo_store *
open_memory(void)
{
	GError *e = NULL;
	dispo_store *s = store_open(":memory:", NULL, 1000, &e);
	if (!s)
		fail_msg("open: %s", e->message);
	return s;
}

/* A request of workflow received at `at` (seq 1: not a workflow event). */
static int64_t
request_add(dispo_store *s, int n, const char *workflow, dispo_time at)
{
	dispo_message_row row = {0};
	dispo_event_new ev = {at, "budi@kuduskab.go.id", "received", "{}", 0, NULL};
	g_autofree char *buf = g_strdup_printf("message-%d", n);
	g_autofree char *number = NULL;
	GError *e = NULL;
	bool inserted;
	int64_t id = 0;

	dispo_sha256_hex(buf, strlen(buf), row.sha256);
	row.size = 100;
	row.source = "test";
	row.status = "parsed";
	row.kind = "application";
	row.arrived_at = row.stored_at = at;
	if (!store_message_insert(s, &row, &inserted, &e))
		fail_msg("insert: %s", e->message);
	ev.message_id = row.id;
	if (!store_request_open(s, workflow, "SE", 2026, "received", "budi@kuduskab.go.id", row.id,
	                        &ev, &number, &e) ||
	    !store_request_id(s, number, &id, &e))
		fail_msg("open request: %s", e->message);
	return id;
}

static void
event_add(dispo_store *s, int64_t request, dispo_time at, const char *kind, const char *detail)
{
	dispo_event_new ev = {at, "dispo", kind, detail, 0, "rules"};
	GError *e = NULL;

	if (!store_event_append(s, request, &ev, &e))
		fail_msg("append: %s", e->message);
}

static bool
collect(const dispo_report_event *ev, void *user, GError **error)
{
	g_string_append_printf(
	    user,
	    "%" G_GINT64_FORMAT " %s %" G_GINT64_FORMAT " %u %" G_GINT64_FORMAT " %s %s %s%s\n",
	    (gint64)ev->request_id, ev->workflow, (gint64)ev->received, ev->seq, (gint64)ev->at,
	    ev->kind, ev->step ? ev->step : "-", ev->previous ? ev->previous : "-",
	    ev->workflow_event ? "" : " (first)");
	return true;
}

static bool
stop(const dispo_report_event *ev, void *user, GError **error)
{
	g_set_error(error, DISPO_STORE_ERROR, DISPO_STORE_ERROR_FAILED, "stopped at %u", ev->seq);
	return false;
}

static void
test_report_events(void **state)
{
	dispo_store *s = open_memory();
	g_autoptr(GString) got = g_string_new(NULL);
	g_autoptr(GArray) at = NULL;
	GError *e = NULL;
	int64_t a, b, c;

	assert_true(store_begin(s, NULL));
	/* a: began before the period, moved in it and after it */
	a = request_add(s, 1, "pendaftaran", 100);
	event_add(s, a, 110, "accepted", "{\"step\":\"kadin\",\"previous\":null,\"actions\":[]}");
	event_add(s, a, 150, "explanation", "{\"step\":\"kadin\"}");
	event_add(s, a, 210, "approve", "{\"step\":\"kabid\",\"previous\":\"kadin\"}");
	event_add(s, a, 400, "forward", "{\"step\":\"kasi\",\"previous\":\"kabid\"}");
	/* b: nothing in the period */
	b = request_add(s, 2, "pendaftaran", 120);
	event_add(s, b, 130, "accepted", "{\"step\":\"kadin\",\"previous\":null}");
	/* c: received in the period, another workflow, no workflow event */
	c = request_add(s, 3, "pencabutan", 250);
	event_add(s, c, 260, "confirmation", "{\"to\":\"x\"}");
	assert_true(store_commit(s, NULL));

	assert_true(store_report_events(s, 200, 300, NULL, collect, got, &e));
	assert_string_equal(got->str, "1 pendaftaran 100 1 100 received - - (first)\n"
	                              "1 pendaftaran 100 2 110 accepted kadin -\n"
	                              "1 pendaftaran 100 4 210 approve kabid kadin\n"
	                              "3 pencabutan 250 1 250 received - - (first)\n");
	g_string_truncate(got, 0);
	assert_true(store_report_events(s, 200, 300, "pencabutan", collect, got, &e));
	assert_string_equal(got->str, "3 pencabutan 250 1 250 received - - (first)\n");
	g_string_truncate(got, 0);
	assert_true(store_report_events(s, 500, 600, NULL, collect, got, &e));
	assert_string_equal(got->str, "");
	assert_false(store_report_events(s, 0, 1000, NULL, stop, NULL, &e));
	assert_string_equal(e->message, "stopped at 1");
	g_clear_error(&e);
	(void)b;

	assert_true(
	    store_exec(s,
	               "UPDATE requests SET step = 'kadin', step_entered = 130 WHERE id = 2;"
	               "UPDATE requests SET step = 'kasi', step_entered = 400 WHERE id = 1",
	               NULL));
	at = store_report_at_step(s, "pendaftaran", "kadin", &e);
	assert_non_null(at);
	assert_int_equal(at->len, 1);
	assert_int_equal(g_array_index(at, dispo_time, 0), 130);
	g_array_unref(g_steal_pointer(&at));
	at = store_report_at_step(s, "pencabutan", "kadin", &e);
	assert_int_equal(at->len, 0);
	store_close(s);
}

/* EXPLAIN QUERY PLAN of query, its lines joined. */
static char *
plan_of(dispo_store *s, const char *query)
{
	g_autofree char *sql = g_strdup_printf("EXPLAIN QUERY PLAN %s", query);
	sqlite3_stmt *st = NULL;
	GString *plan = g_string_new(NULL);

	assert_int_equal(sqlite3_prepare_v2(s->db, sql, -1, &st, NULL), SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW)
		g_string_append_printf(plan, "%s\n", (const char *)sqlite3_column_text(st, 3));
	sqlite3_finalize(st);
	return g_string_free(plan, false);
}

/* On a store of a million requests a month's report must read a month's
 * events: the period's range of events_at, then each request's moves in
 * order from their key, never a scan of events or a sort. */
static void
test_report_plan(void **state)
{
	dispo_store *s = open_memory();
	g_autofree char *plan = plan_of(s, store_report_events_sql);

	if (!strstr(plan, "SEARCH events USING COVERING INDEX events_at (at>? AND at<?)") ||
	    !strstr(plan, "SEARCH m USING PRIMARY KEY (request_id=?)") ||
	    !strstr(plan, "SEARCH r USING INTEGER PRIMARY KEY (rowid=?)") || strstr(plan, "SCAN") ||
	    strstr(plan, "TEMP B-TREE"))
		fail_msg("the report's query plan changed:\n%s", plan);
	store_close(s);
}

/* What every reply and every email asks must not read more as the store
 * grows: the answers to an address (the loop limit) from the index alone,
 * an employee by address without a scan of the register. */
static void
test_intake_plans(void **state)
{
	dispo_store *s = open_memory();
	g_autofree char *count = plan_of(s, store_outbox_count_to_sql);
	g_autofree char *employee = plan_of(s, store_employee_by_email_sql);

	if (!strstr(count, "USING COVERING INDEX outbox_to_kind_created (to_addr=? AND kind=? AND "
	                   "created_at>?)"))
		fail_msg("the answers' count reads the outbox:\n%s", count);
	if (!strstr(employee, "SEARCH employees USING INDEX employees_email_lower") ||
	    strstr(employee, "SCAN"))
		fail_msg("an employee by address scans the register:\n%s", employee);
	store_close(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_report_events),
	    cmocka_unit_test(test_report_plan),
	    cmocka_unit_test(test_intake_plans),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
