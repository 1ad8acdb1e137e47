/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-times.c: one request's working time at each step, rebuilt from its
 * workflow events on the shipped rules: visits summed after KEMBALIKAN,
 * refusals that end nothing, the open visit counted to now, an end's time
 * counted nowhere. */
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
	char *files[] = {roles, sop067, NULL};
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
test_enters(void **state)
{
	const dispo_rules_workflow *wf = rules_workflow_get(rules, "pendaftaran");

	assert_true(workflow_event_enters("approve", "disposisi_kabid", "disposisi_kadin"));
	assert_true(workflow_event_enters("accepted", "disposisi_kadin", NULL));
	assert_false(workflow_event_enters("refused", "disposisi_kabid", "disposisi_kabid"));
	assert_true(workflow_event_enters("admin:move", "disposisi_kabid", "disposisi_kabid"));
	assert_false(workflow_event_enters("note", NULL, "disposisi_kabid"));
	assert_true(workflow_is_end(wf, "ditolak"));
	assert_false(workflow_is_end(wf, "disposisi_kadin"));
	assert_true(workflow_is_end(NULL, DISPO_WF_CANCELLED));
	assert_false(workflow_is_end(NULL, "disposisi_kadin"));
}

/* Steps in minutes: one row of events, then what each step holds. */
static void
test_times(void **state)
{
	const dispo_rules_workflow *wf = rules_workflow_get(rules, "pendaftaran");
	g_autoptr(dispo_step_times) t = workflow_step_times_new(cal);
	dispo_time tuesday = test_iso("2026-11-24T12:00:00+07:00");

	/* Monday 23 November 2026, 09:00. */
	workflow_step_times_begin(t, wf, test_iso("2026-11-23T09:00:00+07:00"));
	workflow_step_times_event(t, test_iso("2026-11-23T09:00:00+07:00"), "accepted", "disposisi_kadin",
	                          NULL);
	workflow_step_times_event(t, test_iso("2026-11-23T09:04:00+07:00"), "approve", "disposisi_kabid",
	                          "disposisi_kadin");
	/* An answer that is not obeyed ends no visit. */
	workflow_step_times_event(t, test_iso("2026-11-23T09:06:00+07:00"), "refused", "disposisi_kabid",
	                          "disposisi_kabid");
	workflow_step_times_event(t, test_iso("2026-11-23T09:10:00+07:00"), "return", "disposisi_kadin",
	                          "disposisi_kabid");
	workflow_step_times_event(t, test_iso("2026-11-23T09:15:00+07:00"), "approve", "disposisi_kabid",
	                          "disposisi_kadin");
	/* Open: the visit since 09:15 counts to now. */
	assert_int_equal(workflow_step_times_get(t, "disposisi_kadin", test_iso("2026-11-23T09:30:00+07:00")),
	                 9 * 60);
	assert_int_equal(workflow_step_times_get(t, "disposisi_kabid", test_iso("2026-11-23T09:30:00+07:00")),
	                 (6 + 15) * 60);
	assert_int_equal(workflow_step_times_get(t, "verifikasi_kasi", tuesday), -1);
	assert_int_equal(workflow_step_times_closed(t), 0);
	assert_int_equal(workflow_step_times_total(t, test_iso("2026-11-23T09:30:00+07:00")), 30 * 60);
	/* Rejected Tuesday 07:40: 09:15-16:00 and 07:30-07:40 in working time. */
	workflow_step_times_event(t, test_iso("2026-11-24T07:40:00+07:00"), "reject", "ditolak",
	                          "disposisi_kabid");
	assert_int_equal(workflow_step_times_get(t, "disposisi_kabid", tuesday), (6 + 405 + 10) * 60);
	assert_int_equal(workflow_step_times_get(t, "ditolak", tuesday), -1);
	assert_int_equal(workflow_step_times_closed(t), test_iso("2026-11-24T07:40:00+07:00"));
	assert_int_equal(workflow_step_times_total(t, tuesday), (7 * 60 + 10) * 60);

	/* The next request starts from nothing; a move to the same step
	 * starts a new visit, and the two are summed. */
	workflow_step_times_begin(t, wf, test_iso("2026-11-23T09:00:00+07:00"));
	assert_int_equal(workflow_step_times_get(t, "disposisi_kadin", tuesday), -1);
	workflow_step_times_event(t, test_iso("2026-11-23T09:00:00+07:00"), "accepted", "disposisi_kadin",
	                          NULL);
	workflow_step_times_event(t, test_iso("2026-11-23T09:20:00+07:00"), "admin:move",
	                          "disposisi_kadin", "disposisi_kadin");
	assert_int_equal(workflow_step_times_get(t, "disposisi_kadin", test_iso("2026-11-23T09:30:00+07:00")),
	                 30 * 60);
	/* Events that disagree on where it was say nothing of that visit. */
	workflow_step_times_event(t, test_iso("2026-11-23T09:40:00+07:00"), "approve", "verifikasi_kasi",
	                          "disposisi_kabid");
	assert_int_equal(workflow_step_times_get(t, "disposisi_kadin", tuesday), 20 * 60);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_enters),
	    cmocka_unit_test(test_times),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
