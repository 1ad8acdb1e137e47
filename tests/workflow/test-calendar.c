/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-calendar.c: working-time deadlines in the office calendar (days,
 * hours, holidays, time zones), the working time between two instants, and
 * the calendar's settings. */
#include "config.h"

#include "workflow/workflow.h"

#include "testutil.h"

static dispo_calendar *cal;
static GTimeZone *jakarta;

static int
setup(void **state)
{
	jakarta = test_jakarta();
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
		    dispo_time_format_iso8601(workflow_due(c, test_iso(due_cases[i].from), ms), jakarta);
		if (strcmp(got, due_cases[i].want) != 0)
			fail_msg("case %u: %s + %s: got %s, want %s", i + 1, due_cases[i].from,
			         due_cases[i].sla, got, due_cases[i].want);
		/* A deadline in working time is that much working time away
		 * (whole days count clock times instead). */
		if (ms > 0 && ms % 86400000 != 0) {
			dispo_time from = test_iso(due_cases[i].from);
			int64_t w = workflow_working_seconds(c, from, workflow_due(c, from, ms));
			if (w != ms / 1000 + (ms % 1000 != 0))
				fail_msg("case %u: %" G_GINT64_FORMAT " s of working time to the "
				         "deadline, want %s",
				         i + 1, w, due_cases[i].sla);
		}
	}
}

/* The working time an interval covers: what `dispo report` measures. */
static void
test_working_seconds(void **state)
{
	static const struct {
		const char *from, *to;
		int64_t want;
		char cal; /* o: the office, h: with holidays, s: Saturdays too, 08:00-12:00, -: none
		           */
	} cases[] = {
	    {"2026-11-24T09:00:00+07:00", "2026-11-24T09:00:00+07:00", 0, 'o'},
	    {"2026-11-24T09:10:00+07:00", "2026-11-24T09:00:00+07:00", 0, 'o'},
	    {"2026-11-24T09:00:00+07:00", "2026-11-24T09:10:00+07:00", 600, 'o'},
	    {"2026-11-24T09:00:00+07:00", "2026-11-24T09:00:59+07:00", 59, 'o'},
	    /* overnight: five minutes before closing, five after opening */
	    {"2026-11-24T15:55:00+07:00", "2026-11-25T07:35:00+07:00", 600, 'o'},
	    {"2026-11-24T15:59:45+07:00", "2026-11-25T07:30:15+07:00", 30, 'o'},
	    /* before opening, after closing, and both */
	    {"2026-11-24T06:00:00+07:00", "2026-11-24T07:40:00+07:00", 600, 'o'},
	    {"2026-11-24T15:50:00+07:00", "2026-11-24T20:00:00+07:00", 600, 'o'},
	    {"2026-11-24T16:30:00+07:00", "2026-11-25T07:30:00+07:00", 0, 'o'},
	    {"2026-11-24T00:00:00+07:00", "2026-11-25T00:00:00+07:00", 30600, 'o'},
	    /* a weekend counts nothing */
	    {"2026-11-27T15:55:00+07:00", "2026-11-30T07:35:00+07:00", 600, 'o'},
	    {"2026-11-28T10:00:00+07:00", "2026-11-29T12:00:00+07:00", 0, 'o'},
	    {"2026-11-27T10:00:00+07:00", "2026-11-30T10:00:00+07:00", 30600, 'o'},
	    /* a day (8.5 working hours), a week, a month */
	    {"2026-11-24T10:00:00+07:00", "2026-11-25T10:00:00+07:00", 30600, 'o'},
	    {"2026-11-23T07:30:00+07:00", "2026-11-30T07:30:00+07:00", 5 * 30600, 'o'},
	    {"2026-11-01T00:00:00+07:00", "2026-12-01T00:00:00+07:00", 21 * 30600, 'o'},
	    /* holidays: 24 and 25 December 2026 (Thursday, Friday) */
	    {"2026-12-23T15:55:00+07:00", "2026-12-28T07:35:00+07:00", 600, 'h'},
	    {"2026-12-23T15:55:00+07:00", "2026-12-28T07:35:00+07:00", 2 * 30600 + 600, 'o'},
	    {"2026-12-24T08:00:00+07:00", "2026-12-25T15:00:00+07:00", 0, 'h'},
	    /* the time comes in UTC; the office counts in WIB */
	    {"2026-11-24T08:55:00Z", "2026-11-25T00:35:00Z", 600, 'o'},
	    {"2026-11-24T02:00:00Z", "2026-11-24T09:00:00Z", 7 * 3600, 'o'},
	    /* another calendar: Monday to Saturday, mornings only */
	    {"2026-11-27T11:55:00+07:00", "2026-11-30T08:05:00+07:00", 4 * 3600 + 600, 's'},
	    {"2026-11-28T07:00:00+07:00", "2026-11-28T13:00:00+07:00", 4 * 3600, 's'},
	    /* no calendar: wall-clock time */
	    {"2026-11-24T15:55:00+07:00", "2026-11-24T16:05:00+07:00", 600, '-'},
	    {"2026-11-27T10:00:00+07:00", "2026-11-30T10:00:00+07:00", 3 * 86400, '-'},
	};
	g_autoptr(dispo_calendar) hol = workflow_calendar_new(jakarta);
	g_autoptr(dispo_calendar) sat = workflow_calendar_new(jakarta);
	g_autoptr(dispo_calendar) none = workflow_calendar_new(jakarta);
	dispo_time t = test_iso("2026-11-24T09:00:00+07:00");

	assert_true(workflow_calendar_set_holidays(hol, "2026-12-24\n2026-12-25\n", NULL, NULL));
	assert_true(workflow_calendar_set_days(sat, "sen-sab", NULL));
	assert_true(workflow_calendar_set_hours(sat, "08:00-12:00", NULL));
	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		const dispo_calendar *c = cases[i].cal == '-'   ? NULL
		                          : cases[i].cal == 'h' ? hol
		                          : cases[i].cal == 's' ? sat
		                                                : cal;
		int64_t got = workflow_working_seconds(c, test_iso(cases[i].from), test_iso(cases[i].to));
		if (got != cases[i].want)
			fail_msg("case %u: %s to %s: got %" G_GINT64_FORMAT
			         ", want %" G_GINT64_FORMAT,
			         i + 1, cases[i].from, cases[i].to, got, cases[i].want);
	}
	/* No working time, negative times, spans of decades: wall-clock time,
	 * as workflow_due counts then. */
	none->working_days = 0;
	assert_int_equal(workflow_working_seconds(none, t, t + 86400), 86400);
	assert_int_equal(workflow_working_seconds(cal, -100, 500), 600);
	assert_int_equal(workflow_working_seconds(cal, t, t + INT64_C(20) * 366 * 86400),
	                 INT64_C(20) * 366 * 86400);
	assert_int_equal(workflow_working_seconds(cal, t, INT64_MAX), INT64_MAX - t);
}

/* Calendars that leave no working time count wall-clock time rather than
 * search forever; hostile SLAs neither hang nor overflow. */
static void
test_due_degenerate(void **state)
{
	g_autoptr(dispo_calendar) none = workflow_calendar_new(jakarta);
	g_autoptr(dispo_calendar) sunday = workflow_calendar_new(NULL);
	dispo_time t = test_iso("2026-11-24T09:00:00+07:00");

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
	assert_int_equal(workflow_due(sunday, t, 60000), test_iso("2026-11-29T07:31:00Z"));
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
	static const struct {
		const char *text;
		unsigned days; /* 0: refused */
	} days[] = {
	    {"mon-fri", 0x1f}, {"sen-jum", 0x1f}, {"Mon, Wed ,fri", 0x15}, {"sen-sab", 0x3f},
	    {"sat-mon", 0x61}, {"minggu", 0x40},  {"monday-friday", 0x1f}, {"mon-sun", 0x7f},
	    {"sen-bulan", 0},  {"", 0},           {"mon,,fri", 0},         {"-fri", 0},
	    {"xyz", 0},
	};
	g_autoptr(dispo_calendar) c = workflow_calendar_new(jakarta);

	for (guint i = 0; i < G_N_ELEMENTS(days); i++) {
		g_autoptr(GError) e = NULL;
		bool ok;
		c->working_days = DISPO_CALENDAR_WEEKDAYS;
		ok = workflow_calendar_set_days(c, days[i].text, &e);
		if (!days[i].days) {
			if (ok)
				fail_msg("'%s' accepted", days[i].text);
			assert_true(
			    g_error_matches(e, DISPO_CONFIG_ERROR, DISPO_CONFIG_ERROR_INVALID));
			assert_non_null(strstr(e->message, "working_days"));
			assert_int_equal(c->working_days, DISPO_CALENDAR_WEEKDAYS);
			continue;
		}
		if (!ok)
			fail_msg("%s: %s", days[i].text, e->message);
		if (c->working_days != days[i].days)
			fail_msg("%s: 0x%x, want 0x%x", days[i].text, c->working_days,
			         days[i].days);
	}
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

/* ---- against GDateTime ----------------------------------------------------
 * calendar.c counts local times with GTimeZone directly; these are the
 * GDateTime forms it replaced, and the two must agree everywhere,
 * across clock changes too (Berlin and New York jump an hour, Lord Howe
 * half an hour; a working day here starts at 02:30, inside the gap). */

static dispo_time
ref_instant(GTimeZone *tz, const GDate *d, int min)
{
	g_autoptr(GDateTime) dt = g_date_time_new(tz, (gint)g_date_get_year(d),
	                                          (gint)g_date_get_month(d),
	                                          (gint)g_date_get_day(d), min / 60, min % 60, 0);
	return g_date_time_to_unix(dt);
}

static int64_t
ref_working_seconds(const dispo_calendar *c, GTimeZone *tz, dispo_time from, dispo_time to)
{
	g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc(from);
	g_autoptr(GDateTime) local = g_date_time_to_timezone(utc, tz);
	int64_t total = 0;
	GDate day;

	g_date_clear(&day, 1);
	g_date_set_dmy(&day, (GDateDay)g_date_time_get_day_of_month(local),
	               (GDateMonth)g_date_time_get_month(local),
	               (GDateYear)g_date_time_get_year(local));
	for (;; g_date_add_days(&day, 1)) {
		dispo_time open = ref_instant(tz, &day, c->start_min), close;
		unsigned wd = (unsigned)g_date_get_weekday(&day);
		if (open >= to)
			break;
		if (!(c->working_days & (1u << (wd - 1))))
			continue;
		close = ref_instant(tz, &day, c->end_min);
		if (MIN(close, to) > MAX(open, from))
			total += MIN(close, to) - MAX(open, from);
	}
	return total;
}

static void
test_against_gdatetime(void **state)
{
	static const char *const zones[] = {"UTC", "Asia/Jakarta", "Europe/Berlin",
	                                    "America/New_York", "Australia/Lord_Howe"};
	static const char *const hours[] = {"07:30-16:00", "02:30-03:15", "00:00-23:59"};
	GRand *rand = g_rand_new_with_seed(67);
	unsigned zones_run = 0;

	for (size_t z = 0; z < G_N_ELEMENTS(zones); z++) {
		g_autoptr(GTimeZone) tz = g_time_zone_new_identifier(zones[z]);
		if (!tz) {
			print_message("test-calendar: zone %s not installed (tzdata), skipped\n", zones[z]);
			continue;
		}
		zones_run++;
		for (size_t h = 0; h < G_N_ELEMENTS(hours); h++) {
			dispo_calendar *c = workflow_calendar_new(tz);
			assert_true(workflow_calendar_set_hours(c, hours[h], NULL));
			/* clocks change on Sundays */
			assert_true(workflow_calendar_set_days(c, h == 1 ? "mon-sun" : "mon-fri", NULL));
			for (int i = 0; i < 400; i++) {
				/* 2000..2030, spans up to three weeks */
				dispo_time from = 946684800 + g_rand_int_range(rand, 0, 946684800);
				dispo_time to = from + g_rand_int_range(rand, 0, 21 * 86400);
				int64_t sla_ms = (int64_t)g_rand_int_range(rand, 1, 40 * 3600) * 1000;
				dispo_time due;
				assert_int_equal(workflow_working_seconds(c, from, to),
				                 ref_working_seconds(c, tz, from, to));
				/* a deadline is the first instant with that much working
				 * time behind it */
				due = workflow_due(c, from, sla_ms);
				assert_int_equal(ref_working_seconds(c, tz, from, due), sla_ms / 1000);
				assert_true(ref_working_seconds(c, tz, from, due - 1) < sla_ms / 1000);
			}
			workflow_calendar_free(c);
		}
	}
	assert_true(zones_run > 0);
	g_rand_free(rand);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_due),
	    cmocka_unit_test(test_due_degenerate),
	    cmocka_unit_test(test_working_seconds),
	    cmocka_unit_test(test_calendar_settings),
	    cmocka_unit_test(test_against_gdatetime),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
