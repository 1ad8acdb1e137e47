/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-calendar.c: working-time deadlines in the office calendar (days,
 * hours, holidays, time zones) and its settings. */
#include "config.h"

#include "workflow/workflow.h"

#include "testutil.h"

static dispo_calendar *cal;
static GTimeZone *jakarta;

static int
setup(void **state)
{
	jakarta = g_time_zone_new_identifier("Asia/Jakarta");
	if (!jakarta) /* no tzdata: the same offset, which has no DST either */
		jakarta = g_time_zone_new_identifier("+07:00");
	cal = workflow_calendar_new(jakarta);
	return 0;
}

static int
teardown(void **state)
{
	workflow_calendar_free(cal);
	g_time_zone_unref(jakarta);
	return 0;
}

static dispo_time
iso(const char *s)
{
	dispo_time t = 0;
	g_autoptr(GError) e = NULL;

	if (!dispo_time_parse_iso8601(s, &t, &e))
		fail_msg("%s: %s", s, e->message);
	return t;
}

static void
test_due(void **state)
{
	static const struct {
		const char *from, *sla, *want;
		char cal; /* o: the office, h: with holidays, -: none */
	} due_cases[] = {
	    {"2026-11-24T09:00:00+07:00", "10m", "2026-11-24T09:10:00+07:00", 'o'},
	    /* crossing 16:00: five minutes today, five tomorrow morning */
	    {"2026-11-24T15:55:00+07:00", "10m", "2026-11-25T07:35:00+07:00", 'o'},
	    {"2026-11-24T15:50:00+07:00", "10m", "2026-11-24T16:00:00+07:00", 'o'},
	    {"2026-11-24T16:00:00+07:00", "10m", "2026-11-25T07:40:00+07:00", 'o'},
	    {"2026-11-24T15:52:00+07:00", "15m", "2026-11-25T07:37:00+07:00", 'o'},
	    {"2026-11-24T15:00:00+07:00", "2h", "2026-11-25T08:30:00+07:00", 'o'},
	    {"2026-11-24T15:59:45+07:00", "30s", "2026-11-25T07:30:15+07:00", 'o'},
	    {"2026-11-24T09:00:00+07:00", "500ms", "2026-11-24T09:00:01+07:00", 'o'},
	    /* Friday afternoon to Monday morning */
	    {"2026-11-27T15:55:00+07:00", "10m", "2026-11-30T07:35:00+07:00", 'o'},
	    /* before opening time, on Sunday, on Saturday */
	    {"2026-11-24T06:00:00+07:00", "10m", "2026-11-24T07:40:00+07:00", 'o'},
	    {"2026-11-29T10:00:00+07:00", "10m", "2026-11-30T07:40:00+07:00", 'o'},
	    {"2026-11-28T23:59:59+07:00", "15m", "2026-11-30T07:45:00+07:00", 'o'},
	    /* the time comes in UTC; the office counts in WIB */
	    {"2026-11-24T08:55:00Z", "10m", "2026-11-25T07:35:00+07:00", 'o'},
	    {"2026-11-24T02:00:00Z", "10m", "2026-11-24T09:10:00+07:00", 'o'},
	    /* whole days: the same clock time on the next working day */
	    {"2026-11-24T10:00:00+07:00", "1d", "2026-11-25T10:00:00+07:00", 'o'},
	    {"2026-11-24T10:00:00+07:00", "24h", "2026-11-25T10:00:00+07:00", 'o'},
	    {"2026-11-27T10:00:00+07:00", "1d", "2026-11-30T10:00:00+07:00", 'o'},
	    {"2026-11-24T10:00:00+07:00", "2d", "2026-11-26T10:00:00+07:00", 'o'},
	    {"2026-11-28T10:00:00+07:00", "1d", "2026-12-01T07:30:00+07:00", 'o'},
	    {"2026-11-24T16:30:00+07:00", "1d", "2026-11-26T07:30:00+07:00", 'o'},
	    {"2026-11-23T10:00:00+07:00", "1w", "2026-11-30T10:00:00+07:00", 'o'},
	    /* holidays: 24 and 25 December 2026 (Thursday, Friday) */
	    {"2026-12-23T15:55:00+07:00", "10m", "2026-12-28T07:35:00+07:00", 'h'},
	    {"2026-12-23T10:00:00+07:00", "1d", "2026-12-28T10:00:00+07:00", 'h'},
	    {"2026-12-24T09:00:00+07:00", "10m", "2026-12-28T07:40:00+07:00", 'h'},
	    {"2026-12-23T15:55:00+07:00", "10m", "2026-12-24T07:35:00+07:00", 'o'},
	    /* no SLA; no calendar: wall-clock time */
	    {"2026-11-24T15:55:00+07:00", "0s", "2026-11-24T15:55:00+07:00", 'o'},
	    {"2026-11-24T15:55:00+07:00", "10m", "2026-11-24T16:05:00+07:00", '-'},
	    {"2026-11-28T10:00:00+07:00", "1d", "2026-11-29T10:00:00+07:00", '-'},
	};
	g_autoptr(dispo_calendar) hol = workflow_calendar_new(jakarta);
	g_autoptr(GError) e = NULL;

	assert_true(workflow_calendar_set_holidays(hol,
	                                           "# libur nasional 2026\n"
	                                           "2026-12-24 Cuti bersama Natal\n"
	                                           "\n"
	                                           "  2026-12-25\tHari Raya Natal\r\n",
	                                           "libur.txt", &e));
	for (guint i = 0; i < G_N_ELEMENTS(due_cases); i++) {
		int64_t ms = 0;
		const dispo_calendar *c = due_cases[i].cal == '-'   ? NULL
		                          : due_cases[i].cal == 'h' ? hol
		                                                    : cal;
		g_autofree char *got = NULL;

		if (!dispo_duration_parse(due_cases[i].sla, &ms, NULL))
			fail_msg("case %u: %s", i + 1, due_cases[i].sla);
		got =
		    dispo_time_format_iso8601(workflow_due(c, iso(due_cases[i].from), ms), jakarta);
		if (strcmp(got, due_cases[i].want) != 0)
			fail_msg("case %u: %s + %s: got %s, want %s", i + 1, due_cases[i].from,
			         due_cases[i].sla, got, due_cases[i].want);
	}
}

/* Calendars that leave no working time count wall-clock time rather than
 * search forever; hostile SLAs neither hang nor overflow. */
static void
test_due_degenerate(void **state)
{
	g_autoptr(dispo_calendar) none = workflow_calendar_new(jakarta);
	g_autoptr(dispo_calendar) sunday = workflow_calendar_new(NULL);
	dispo_time t = iso("2026-11-24T09:00:00+07:00");

	none->working_days = 0;
	assert_int_equal(workflow_due(none, t, 600000), t + 600);
	none->working_days = DISPO_CALENDAR_WEEKDAYS;
	none->start_min = 16 * 60;
	none->end_min = 8 * 60;
	assert_int_equal(workflow_due(none, t, 600000), t + 600);
	assert_int_equal(workflow_due(cal, t, -5), t);
	assert_int_equal(workflow_due(cal, INT64_MAX - 10, 3600000), INT64_MAX);
	assert_int_equal(workflow_due(cal, t, INT64_MAX), INT64_MAX / 1000 + 1 + t);
	assert_int_equal(workflow_due(cal, -100, 600000), -100 + 600);
	/* Sundays only, in UTC: Tuesday 02:00 UTC waits until Sunday 07:30. */
	sunday->working_days = 1u << 6;
	assert_int_equal(workflow_due(sunday, t, 60000), iso("2026-11-29T07:31:00Z"));
	/* Every day a holiday for years: wall-clock again. */
	{
		GPtrArray *days = g_ptr_array_new();
		GDate d;
		g_date_clear(&d, 1);
		g_date_set_dmy(&d, 1, 1, 2026);
		for (int i = 0; i < 366 * 6; i++, g_date_add_days(&d, 1))
			g_ptr_array_add(days, g_strdup_printf("%04u-%02u-%02u",
			                                      (unsigned)g_date_get_year(&d),
			                                      (unsigned)g_date_get_month(&d),
			                                      (unsigned)g_date_get_day(&d)));
		g_ptr_array_add(days, NULL);
		sunday->working_days = DISPO_CALENDAR_WEEKDAYS;
		sunday->holidays = (char **)g_ptr_array_free(days, FALSE);
		assert_int_equal(workflow_due(sunday, t, 600000), t + 600);
		assert_int_equal(workflow_due(sunday, t, 86400000), t + 86400);
	}
}

static void
test_calendar_settings(void **state)
{
	static const struct {
		const char *hours;
		int start, end; /* -1: refused */
	} hours[] = {
	    {"07:30-16:00", 450, 960},
	    {" 7:30 - 16:00 ", 450, 960},
	    {"00:00-24:00", 0, 1440},
	    {"08:00-07:00", -1, -1},
	    {"16:00", -1, -1},
	    {"7.30-16.00", -1, -1},
	    {"07:60-16:00", -1, -1},
	    {"07:30-24:01", -1, -1},
	    {"", -1, -1},
	    {"07:30-16:00-17:00", -1, -1},
	};
	static const struct {
		const char *text, *error; /* NULL: accepted */
	} holidays[] = {
	    {"2026-08-17 Hari Kemerdekaan\n", NULL},
	    {"", NULL},
	    {"# none\n\n", NULL},
	    {"2026-02-30\n", "libur.txt:1: '2026-02-30' is not a date: write it as yyyy-mm-dd "
	                     "(2026-12-25)"},
	    {"2026-08-17\n17-08-2026\n", "libur.txt:2: '17-08-2026' is not a date: write it as "
	                                 "yyyy-mm-dd (2026-12-25)"},
	    {"2026-8-17\n", "libur.txt:1: '2026-8-17' is not a date: write it as yyyy-mm-dd "
	                    "(2026-12-25)"},
	};
	g_autoptr(dispo_calendar) c = workflow_calendar_new(jakarta);

	for (guint i = 0; i < G_N_ELEMENTS(hours); i++) {
		g_autoptr(GError) e = NULL;
		bool ok = workflow_calendar_set_hours(c, hours[i].hours, &e);
		if (hours[i].start < 0) {
			assert_false(ok);
			assert_true(
			    g_error_matches(e, DISPO_WORKFLOW_ERROR, DISPO_WORKFLOW_ERROR_INVALID));
			continue;
		}
		if (!ok)
			fail_msg("%s: %s", hours[i].hours, e->message);
		assert_int_equal(c->start_min, hours[i].start);
		assert_int_equal(c->end_min, hours[i].end);
	}
	for (guint i = 0; i < G_N_ELEMENTS(holidays); i++) {
		g_autoptr(GError) e = NULL;
		bool ok = workflow_calendar_set_holidays(c, holidays[i].text, "libur.txt", &e);
		if (!holidays[i].error) {
			assert_true(ok);
			continue;
		}
		assert_false(ok);
		assert_string_equal(e->message, holidays[i].error);
	}
	/* A refused file leaves the holidays as they were. */
	assert_true(workflow_calendar_set_holidays(c, "2026-08-17\n", NULL, NULL));
	assert_false(workflow_calendar_set_holidays(c, "bad\n", NULL, NULL));
	assert_false(workflow_calendar_is_working_day(c, 2026, 8, 17));
	assert_true(workflow_calendar_is_working_day(c, 2026, 8, 18));
	assert_false(workflow_calendar_is_working_day(c, 2026, 8, 16)); /* Sunday */
	assert_false(workflow_calendar_is_working_day(c, 2026, 2, 30));
	assert_false(workflow_calendar_is_working_day(c, 0, 1, 1));
	assert_false(workflow_calendar_is_working_day(NULL, 2026, 8, 18));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_due),
	    cmocka_unit_test(test_due_degenerate),
	    cmocka_unit_test(test_calendar_settings),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
