/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-report.c: the SLA report's arithmetic: percentiles, and visits of
 * steps rebuilt from requests' workflow events on the shipped rules, with
 * their working time, SLA deadlines, ends and who is open now. */
#include "config.h"

#include "workflow/workflow.h"

#include "testutil.h"

static dispo_rules *rules;
static dispo_calendar *cal;
static GTimeZone *jakarta;

static int
setup(void **state)
{
	g_autofree char *roles = test_srcdir("rules/roles.rules");
	g_autofree char *sop067 = test_srcdir("rules/sop-067-pendaftaran.rules");
	g_autofree char *revoke = test_srcdir("rules/sop-pencabutan.rules");
	char *files[] = {roles, sop067, revoke, NULL};
	g_autoptr(GError) e = NULL;

	rules = rules_load_files(files, NULL, NULL, &e);
	if (!rules)
		fail_msg("shipped rules do not load: %s", e->message);
	jakarta = test_jakarta();
	cal = workflow_calendar_new(jakarta);
	return 0;
}

static int
teardown(void **state)
{
	rules_unref(rules);
	workflow_calendar_free(cal);
	g_time_zone_unref(jakarta);
	return 0;
}

static void
test_percentile(void **state)
{
	static const struct {
		int64_t values[10];
		size_t n;
		unsigned percent;
		int64_t want; /* -1: no answer */
	} cases[] = {
	    {{0}, 0, 50, -1},
	    {{7}, 1, 50, 7},
	    {{7}, 1, 90, 7},
	    /* between two ranks: 7.5 and 9.5 round up */
	    {{5, 10}, 2, 50, 8},
	    {{5, 10}, 2, 90, 10},
	    {{5, 10}, 2, 10, 6},
	    /* PERCENTILE.INC({1,2,3,4}, 0.9) = 3.7 */
	    {{1, 2, 3, 4}, 4, 50, 3},
	    {{1, 2, 3, 4}, 4, 90, 4},
	    {{100, 200, 300, 400}, 4, 90, 370},
	    {{10, 20, 30, 40, 50, 60, 70, 80, 90, 100}, 10, 50, 55},
	    {{10, 20, 30, 40, 50, 60, 70, 80, 90, 100}, 10, 90, 91},
	    {{300, 300, 600, 1200}, 4, 50, 450},
	    {{300, 300, 600, 1200}, 4, 90, 1020},
	    {{1, 1, 1, 1000000}, 4, 50, 1},
	    /* odd counts: the middle value itself */
	    {{60, 120, 3600}, 3, 50, 120},
	    {{60, 120, 3600}, 3, 90, 2904},
	    {{60, 120, 3600}, 3, 0, 60},
	    {{60, 120, 3600}, 3, 100, 3600},
	    {{60, 120, 3600}, 3, 101, -1},
	};

	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		int64_t got = -1;
		bool ok = workflow_percentile(cases[i].values, cases[i].n, cases[i].percent, &got);
		if (ok != (cases[i].want >= 0) || (ok && got != cases[i].want))
			fail_msg("case %u: p%u of %zu values: got %s%" G_GINT64_FORMAT
			         ", want %" G_GINT64_FORMAT,
			         i + 1, cases[i].percent, cases[i].n, ok ? "" : "nothing ", got,
			         cases[i].want);
	}
}

/* What the store streams: 'r' a request (workflow, received), 'e' one of
 * its workflow events, 'o' a request at a step now (workflow, step,
 * entered). */
typedef struct feed {
	char what;
	const char *at;
	const char *kind; /* 'r', 'o': the workflow */
	const char *step, *previous;
} feed;

static const feed period_feed[] = {
    /* Received before the period; its first visit ends in it, late. */
    {'r', "2026-11-20T15:00:00+07:00", "pendaftaran", NULL, NULL},
    {'e', "2026-11-20T15:00:00+07:00", "accepted", "disposisi_kadin", NULL},
    {'e', "2026-11-23T07:35:00+07:00", "approve", "disposisi_kabid", "disposisi_kadin"},
    {'e', "2026-11-23T07:40:00+07:00", "forward", "verifikasi_kasi", "disposisi_kabid"},
    /* exactly at the deadline is in time */
    {'e', "2026-11-23T07:55:00+07:00", "approve", "kirim_bsre", "verifikasi_kasi"},
    {'e', "2026-11-23T08:00:00+07:00", "forward", "proses_bsre", "kirim_bsre"},
    {'e', "2026-11-23T09:00:00+07:00", "note", "proses_bsre", "proses_bsre"},
    {'e', "2026-11-24T09:00:00+07:00", "bsre", "terbit", "proses_bsre"},
    /* Refusals and reminders do not end a visit. */
    {'r', "2026-11-23T09:00:00+07:00", "pendaftaran", NULL, NULL},
    {'e', "2026-11-23T09:00:00+07:00", "accepted", "disposisi_kadin", NULL},
    {'e', "2026-11-23T09:03:00+07:00", "refused", "disposisi_kadin", "disposisi_kadin"},
    {'e', "2026-11-23T09:05:00+07:00", "timer:sla", "disposisi_kadin", "disposisi_kadin"},
    {'e', "2026-11-23T09:06:00+07:00", "reject", "ditolak", "disposisi_kadin"},
    /* An administrator's move to the same step starts a new visit. */
    {'r', "2026-11-24T10:00:00+07:00", "pendaftaran", NULL, NULL},
    {'e', "2026-11-24T10:00:00+07:00", "accepted", "disposisi_kadin", NULL},
    {'e', "2026-11-24T10:02:00+07:00", "admin:move", "disposisi_kadin", "disposisi_kadin"},
    {'e', "2026-11-24T10:30:00+07:00", "approve", "disposisi_kabid", "disposisi_kadin"},
    {'r', "2026-11-26T15:58:00+07:00", "pendaftaran", NULL, NULL},
    {'e', "2026-11-26T15:58:00+07:00", "accepted", "disposisi_kadin", NULL},
    /* A visit that ends after the period does not count; its request was
     * received in it. */
    {'r', "2026-11-27T10:00:00+07:00", "pendaftaran", NULL, NULL},
    {'e', "2026-11-27T10:00:00+07:00", "accepted", "disposisi_kadin", NULL},
    {'e', "2026-11-28T09:00:00+07:00", "approve", "disposisi_kabid", "disposisi_kadin"},
    /* A step the rules no longer have: reported, without an SLA. */
    {'r', "2026-11-01T08:00:00+07:00", "pendaftaran", NULL, NULL},
    {'e', "2026-11-01T08:00:00+07:00", "accepted", "lama", NULL},
    {'e', "2026-11-23T09:00:00+07:00", "approve", "disposisi_kabid", "lama"},
    /* Revocation: events that begin mid-way (where it was is unknown), and
     * the built-in cancelled end. */
    {'r', "2026-11-25T08:00:00+07:00", "pencabutan", NULL, NULL},
    {'e', "2026-11-25T09:00:00+07:00", "approve", "kirim_pencabutan", "verifikasi_kasi"},
    {'e', "2026-11-25T10:00:00+07:00", "forward", "permintaan_bsre", "kirim_pencabutan"},
    {'e', "2026-11-25T11:00:00+07:00", "admin:cancel", "dibatalkan", "permintaan_bsre"},
    /* Where requests are now (Monday 30th at noon). */
    {'o', "2026-11-26T15:58:00+07:00", "pendaftaran", "disposisi_kadin", NULL},
    {'o', "2026-11-30T11:55:00+07:00", "pendaftaran", "disposisi_kadin", NULL},
    {'o', "2026-11-24T10:30:00+07:00", "pendaftaran", "disposisi_kabid", NULL},
    {'o', "2026-11-28T09:00:00+07:00", "pendaftaran", "disposisi_kabid", NULL},
};

typedef struct want_row {
	dispo_report_kind kind;
	const char *workflow, *step;
	unsigned count;
	int64_t median, p90; /* -1: untimed */
	unsigned within, open, overdue, received;
} want_row;

#define STEP  DISPO_REPORT_STEP
#define END   DISPO_REPORT_END
#define TOTAL DISPO_REPORT_TOTAL
#define DAY   30600 /* 07:30-16:00 */

static const want_row period_rows[] = {
    /* 120 (moved again), 360, 1680 (late), 3900 (Friday 15:00 to Monday
     * 07:35, late) */
    {STEP, "pendaftaran", "disposisi_kadin", 4, 1020, 3234, 2, 2, 1, 0},
    {STEP, "pendaftaran", "perbaikan", 0, -1, -1, 0, 0, 0, 0},
    {STEP, "pendaftaran", "disposisi_kabid", 1, 300, 300, 1, 2, 2, 0},
    {STEP, "pendaftaran", "verifikasi_kasi", 1, 900, 900, 1, 0, 0, 0},
    {STEP, "pendaftaran", "kirim_bsre", 1, 300, 300, 1, 0, 0, 0},
    /* Monday 08:00 to Tuesday 09:00: the 1d deadline was Tuesday 08:00 */
    {STEP, "pendaftaran", "proses_bsre", 1, DAY - 1800 + 5400, DAY - 1800 + 5400, 0, 0, 0, 0},
    {STEP, "pendaftaran", "lama", 1, 15 * DAY + 5400, 15 * DAY + 5400, 0, 0, 0, 0},
    {END, "pendaftaran", "terbit", 1, 3600 + DAY + 5400, 3600 + DAY + 5400, 0, 0, 0, 0},
    {END, "pendaftaran", "ditolak", 1, 360, 360, 0, 0, 0, 0},
    {TOTAL, "pendaftaran", NULL, 2, 19980, 35676, 0, 4, 3, 4},
    {STEP, "pencabutan", "verifikasi_kasi", 0, -1, -1, 0, 0, 0, 0},
    {STEP, "pencabutan", "perbaikan", 0, -1, -1, 0, 0, 0, 0},
    {STEP, "pencabutan", "kirim_pencabutan", 1, 3600, 3600, 0, 0, 0, 0},
    {STEP, "pencabutan", "permintaan_bsre", 1, 3600, 3600, 1, 0, 0, 0},
    {END, "pencabutan", "dicabut", 0, -1, -1, 0, 0, 0, 0},
    {END, "pencabutan", "ditolak", 0, -1, -1, 0, 0, 0, 0},
    {END, "pencabutan", "dibatalkan", 1, 10800, 10800, 0, 0, 0, 0},
    {TOTAL, "pencabutan", NULL, 1, 10800, 10800, 0, 0, 0, 1},
};

static void
run_feed(dispo_report *r, const feed *f, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (f[i].what == 'r')
			workflow_report_request(r, f[i].kind, test_iso(f[i].at));
		else if (f[i].what == 'e')
			workflow_report_event(r, test_iso(f[i].at), f[i].kind, f[i].step, f[i].previous);
		else
			workflow_report_open(r, f[i].kind, f[i].step, test_iso(f[i].at));
	}
}

static void
check_rows(const GPtrArray *rows, const want_row *want, size_t n)
{
	for (guint i = 0; i < MIN(rows->len, n); i++) {
		const dispo_report_row *got = rows->pdata[i];
		const want_row *w = &want[i];
		if (got->kind != w->kind || strcmp(got->workflow, w->workflow) != 0 ||
		    g_strcmp0(got->step, w->step) != 0)
			fail_msg("row %u: %d %s %s, want %d %s %s", i + 1, got->kind, got->workflow,
			         got->step, w->kind, w->workflow, w->step);
		if (got->count != w->count || got->timed != (w->median >= 0) ||
		    (got->timed && (got->median != w->median || got->p90 != w->p90)) ||
		    got->within != w->within || got->open != w->open ||
		    got->overdue != w->overdue || got->received != w->received)
			fail_msg("row %u (%s %s): count %u median %" G_GINT64_FORMAT
			         " p90 %" G_GINT64_FORMAT " within %u open %u overdue %u "
			         "received %u",
			         i + 1, w->workflow, w->step ? w->step : "total", got->count,
			         got->timed ? got->median : -1, got->timed ? got->p90 : -1,
			         got->within, got->open, got->overdue, got->received);
	}
	assert_int_equal(rows->len, n);
}

static void
test_report(void **state)
{
	dispo_time from = test_iso("2026-11-23T00:00:00+07:00");
	dispo_time to = test_iso("2026-11-28T00:00:00+07:00");
	dispo_time now = test_iso("2026-11-30T12:00:00+07:00");
	g_autoptr(dispo_report) r = workflow_report_new(rules, cal, from, to, now, NULL);
	const GPtrArray *rows;

	run_feed(r, period_feed, G_N_ELEMENTS(period_feed));
	rows = workflow_report_rows(r);
	check_rows(rows, period_rows, G_N_ELEMENTS(period_rows));
	/* The SLAs are the rules'. */
	assert_int_equal(((dispo_report_row *)rows->pdata[0])->sla_ms, 600000);
	assert_int_equal(((dispo_report_row *)rows->pdata[5])->sla_ms, 86400000);
	assert_int_equal(((dispo_report_row *)rows->pdata[6])->sla_ms, 0);
	/* Asked again, the same rows. */
	assert_ptr_equal(workflow_report_rows(r), rows);
}

static void
test_report_one_workflow(void **state)
{
	dispo_time from = test_iso("2026-11-23T00:00:00+07:00");
	dispo_time to = test_iso("2026-11-28T00:00:00+07:00");
	dispo_time now = test_iso("2026-11-30T12:00:00+07:00");
	g_autoptr(dispo_report) r = workflow_report_new(rules, cal, from, to, now, "pencabutan");
	g_autoptr(dispo_report) empty = workflow_report_new(rules, NULL, from, to, now, NULL);
	const GPtrArray *rows;
	size_t first = 10; /* pencabutan's rows in period_rows */

	run_feed(r, period_feed, G_N_ELEMENTS(period_feed));
	check_rows(workflow_report_rows(r), period_rows + first, G_N_ELEMENTS(period_rows) - first);
	/* A quiet period still lists every step, end and total. */
	rows = workflow_report_rows(empty);
	assert_int_equal(rows->len, 6 + 2 + 1 + 4 + 2 + 1);
	for (guint i = 0; i < rows->len; i++) {
		const dispo_report_row *row = rows->pdata[i];
		assert_int_equal(row->count, 0);
		assert_false(row->timed);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_percentile),
	    cmocka_unit_test(test_report),
	    cmocka_unit_test(test_report_one_workflow),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
