/* SPDX-License-Identifier: GPL-3.0-or-later */
/* calendar.c: the office calendar (working days, hours, holidays, time
 * zone), SLA deadlines counted in working time, and the working time
 * between two instants. */
#include "config.h"

#include "workflow/workflow.h"

#include <stdio.h>
#include <string.h>

G_DEFINE_QUARK(dispo - workflow - error - quark, dispo_workflow_error)

#define DAY_MS  INT64_C(86400000)
#define WEEK_MS (7 * DAY_MS)
/* How far ahead to look for working time: a calendar whose holidays cover
 * years is broken, and wall-clock time is the honest answer then. */
#define SEARCH_DAYS (366 * 5)
/* Longer SLAs than this are not office deadlines; counted as wall-clock
 * time so that hostile rules cannot make the search run for long. */
#define MAX_SLA_MS (366 * DAY_MS)

dispo_calendar *
workflow_calendar_new(GTimeZone *tz)
{
	dispo_calendar *cal = g_new0(dispo_calendar, 1);

	cal->tz = tz ? g_time_zone_ref(tz) : g_time_zone_new_utc();
	cal->working_days = DISPO_CALENDAR_WEEKDAYS;
	cal->start_min = 7 * 60 + 30;
	cal->end_min = 16 * 60;
	return cal;
}

void
workflow_calendar_free(dispo_calendar *cal)
{
	if (!cal)
		return;
	if (cal->tz)
		g_time_zone_unref(cal->tz);
	g_strfreev(cal->holidays);
	g_free(cal);
}

static bool
date_parse(const char *s, size_t len, GDate *out)
{
	unsigned y, m, d;

	if (len != 10 || s[4] != '-' || s[7] != '-')
		return false;
	for (size_t i = 0; i < len; i++)
		if (i != 4 && i != 7 && !g_ascii_isdigit(s[i]))
			return false;
	y = (unsigned)atoi(s);
	m = (unsigned)atoi(s + 5);
	d = (unsigned)atoi(s + 8);
	if (y < 1900 || y > 9999 || !g_date_valid_dmy((GDateDay)d, (GDateMonth)m, (GDateYear)y))
		return false;
	g_date_clear(out, 1);
	g_date_set_dmy(out, (GDateDay)d, (GDateMonth)m, (GDateYear)y);
	return true;
}

bool
workflow_calendar_set_holidays(dispo_calendar *cal, const char *text, const char *origin,
                               GError **error)
{
	g_autoptr(GPtrArray) dates = g_ptr_array_new_with_free_func(g_free);
	g_auto(GStrv) lines = NULL;

	g_return_val_if_fail(cal != NULL, false);
	lines = g_strsplit(text ? text : "", "\n", -1);
	for (guint i = 0; lines[i]; i++) {
		const char *s = lines[i];
		size_t n;
		GDate d;

		while (*s == ' ' || *s == '\t')
			s++;
		if (*s == '\0' || *s == '#' || *s == '\r')
			continue;
		n = strcspn(s, " \t\r#");
		if (!date_parse(s, n, &d)) {
			g_autofree char *word = g_utf8_make_valid(s, (gssize)MIN(n, 40));
			g_set_error(
			    error, DISPO_WORKFLOW_ERROR, DISPO_WORKFLOW_ERROR_INVALID,
			    "%s:%u: '%s' is not a date: write it as yyyy-mm-dd (2026-12-25)",
			    origin ? origin : "holidays", i + 1, word);
			return false;
		}
		g_ptr_array_add(dates, g_strndup(s, n));
	}
	g_ptr_array_add(dates, NULL);
	g_strfreev(cal->holidays);
	cal->holidays = (char **)g_ptr_array_steal(dates, NULL);
	return true;
}

static bool
clock_parse(const char *s, int *min)
{
	int h, m, n = 0;

	if (sscanf(s, " %2d:%2d %n", &h, &m, &n) != 2 || s[n] != '\0')
		return false;
	if (h < 0 || m < 0 || m > 59 || h > 24 || (h == 24 && m != 0))
		return false;
	*min = h * 60 + m;
	return true;
}

/* English or Indonesian day names, known by their first three letters
 * (mon, monday, sen, senin), in lists and ranges; a range may wrap past
 * Sunday (sat-mon). */
bool
workflow_calendar_set_days(dispo_calendar *cal, const char *text, GError **error)
{
	static const char *const en[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
	static const char *const id[] = {"sen", "sel", "rab", "kam", "jum", "sab", "min"};
	g_auto(GStrv) items = NULL;
	unsigned days = 0;

	g_return_val_if_fail(cal != NULL, false);
	items = g_strsplit(text ? text : "", ",", -1);
	for (size_t i = 0; items[i]; i++) {
		g_auto(GStrv) range = g_strsplit(g_strstrip(items[i]), "-", 2);
		int ends[2] = {-1, -1};
		/* An empty item (mon,,fri) is a mistake, not a day. */
		for (int k = 0; k < 2 && (k == 0 || range[k]); k++) {
			g_autofree char *w =
			    g_ascii_strdown(range[k] ? g_strstrip(range[k]) : "", -1);
			for (int d = 0; d < 7; d++)
				if (g_str_has_prefix(w, en[d]) || g_str_has_prefix(w, id[d]))
					ends[k] = d;
			if (ends[k] < 0) {
				g_set_error(
				    error, DISPO_CONFIG_ERROR, DISPO_CONFIG_ERROR_INVALID,
				    "[calendar] working_days: '%s' is not a day (mon … sun, "
				    "sen … min)",
				    w);
				return false;
			}
		}
		if (ends[1] < 0)
			ends[1] = ends[0];
		for (int d = ends[0];; d = (d + 1) % 7) {
			days |= 1u << d;
			if (d == ends[1])
				break;
		}
	}
	if (days == 0) {
		g_set_error(error, DISPO_CONFIG_ERROR, DISPO_CONFIG_ERROR_INVALID,
		            "[calendar] working_days names no day");
		return false;
	}
	cal->working_days = days;
	return true;
}

bool
workflow_calendar_set_hours(dispo_calendar *cal, const char *text, GError **error)
{
	g_auto(GStrv) parts = NULL;
	int start, end;

	g_return_val_if_fail(cal != NULL, false);
	parts = g_strsplit(text ? text : "", "-", 3);
	if (g_strv_length(parts) != 2 || !clock_parse(parts[0], &start) ||
	    !clock_parse(parts[1], &end) || start >= end) {
		g_autofree char *shown = g_utf8_make_valid(text ? text : "", 40);
		g_set_error(error, DISPO_WORKFLOW_ERROR, DISPO_WORKFLOW_ERROR_INVALID,
		            "working hours '%s': write them as opening-closing, e.g. 07:30-16:00",
		            shown);
		return false;
	}
	cal->start_min = start;
	cal->end_min = end;
	return true;
}

static bool
date_is_working(const dispo_calendar *cal, const GDate *d)
{
	char key[16];
	unsigned wd = (unsigned)g_date_get_weekday(d); /* 1 = Monday */

	if (!(cal->working_days & (1u << (wd - 1))))
		return false;
	if (!cal->holidays)
		return true;
	snprintf(key, sizeof key, "%04u-%02u-%02u", (unsigned)g_date_get_year(d),
	         (unsigned)g_date_get_month(d), (unsigned)g_date_get_day(d));
	return !g_strv_contains((const char *const *)cal->holidays, key);
}

bool
workflow_calendar_is_working_day(const dispo_calendar *cal, int year, int month, int day)
{
	GDate d;

	if (!cal || year < 1 || year > 9999 || month < 1 || month > 12 || day < 1 ||
	    !g_date_valid_dmy((GDateDay)day, (GDateMonth)month, (GDateYear)year))
		return false;
	g_date_clear(&d, 1);
	g_date_set_dmy(&d, (GDateDay)day, (GDateMonth)month, (GDateYear)year);
	return date_is_working(cal, &d);
}

static bool
has_working_time(const dispo_calendar *cal)
{
	return cal && (cal->working_days & 0x7fu) && cal->start_min >= 0 &&
	       cal->start_min < cal->end_min && cal->end_min <= 24 * 60;
}

/* Local times are counted here as GDateTime counts them (g_date_time_new,
 * g_date_time_to_timezone: the same GTimeZone calls), without making a
 * GDateTime for each: a year's report computes millions of them. */
#define JULIAN_1970 719163 /* g_date_get_julian of 1970-01-01 */

/* The instant of minute min (after midnight, seconds sec) of local date d;
 * a local time that does not exist (a gap at a clock change) as
 * g_date_time_new resolves it. */
static dispo_time
local_instant(GTimeZone *tz, const GDate *d, int min, int sec)
{
	gint64 t = ((gint64)g_date_get_julian(d) - JULIAN_1970) * 86400 + min * 60 + sec;
	int interval = g_time_zone_adjust_time(tz, G_TIME_TYPE_STANDARD, &t);

	return t - (interval >= 0 ? g_time_zone_get_offset(tz, interval) : 0);
}

static void
local_date(GTimeZone *tz, dispo_time t, GDate *d, int *min, int *sec)
{
	int interval = g_time_zone_find_interval(tz, G_TIME_TYPE_UNIVERSAL, t);
	gint64 local = t + (interval >= 0 ? g_time_zone_get_offset(tz, interval) : 0);
	gint64 days = local / 86400, rest = local % 86400;

	if (rest < 0) {
		days--;
		rest += 86400;
	}
	g_date_clear(d, 1);
	g_date_set_julian(d, (guint32)(days + JULIAN_1970));
	if (min)
		*min = (int)(rest / 60);
	if (sec)
		*sec = (int)(rest % 60);
}

/* The first instant at or after t in working time, and its date; false when
 * none lies within SEARCH_DAYS. */
static bool
next_working(const dispo_calendar *cal, GTimeZone *tz, dispo_time t, dispo_time *out, GDate *day)
{
	local_date(tz, t, day, NULL, NULL);
	for (int i = 0; i < SEARCH_DAYS; i++, g_date_add_days(day, 1)) {
		dispo_time open, close;

		if (!date_is_working(cal, day))
			continue;
		open = local_instant(tz, day, cal->start_min, 0);
		close = local_instant(tz, day, cal->end_min, 0);
		if (t < open) {
			*out = open;
			return true;
		}
		if (t < close) {
			*out = t;
			return true;
		}
	}
	return false;
}

static dispo_time
wall_clock(dispo_time from, int64_t secs)
{
	if (from > 0 && secs > INT64_MAX - from)
		return INT64_MAX;
	return from + secs;
}

dispo_time
workflow_due(const dispo_calendar *cal, dispo_time from, int64_t sla_ms)
{
	g_autoptr(GTimeZone) tz = NULL;
	int64_t secs, total;
	dispo_time t;
	GDate day;

	if (sla_ms <= 0)
		return from;
	secs = total = sla_ms / 1000 + (sla_ms % 1000 != 0);
	/* GDate ends in year 65535 and GDateTime in 9999: beyond those (or
	 * before 1970) a deadline is nonsense anyway. */
	if (!has_working_time(cal) || sla_ms > MAX_SLA_MS || from < 0 ||
	    from > INT64_C(253402300799) - MAX_SLA_MS / 1000 * 2)
		return wall_clock(from, secs);
	tz = cal->tz ? g_time_zone_ref(cal->tz) : g_time_zone_new_utc();
	if (!next_working(cal, tz, from, &t, &day))
		return wall_clock(from, secs);

	if (sla_ms % DAY_MS == 0) {
		int64_t days = sla_ms / DAY_MS;
		int min, sec;

		if (sla_ms % WEEK_MS == 0) {
			int64_t per_week = 0;
			for (unsigned b = 0; b < 7; b++)
				per_week += (cal->working_days >> b) & 1u;
			days = sla_ms / WEEK_MS * per_week;
		}
		/* The same clock time, `days` working days later. */
		local_date(tz, t, &day, &min, &sec);
		for (int64_t n = 0, guard = 0; n < days; guard++) {
			if (guard > SEARCH_DAYS * 2)
				return wall_clock(from, secs);
			g_date_add_days(&day, 1);
			if (date_is_working(cal, &day))
				n++;
		}
		return local_instant(tz, &day, min, sec);
	}

	for (int guard = 0; guard < SEARCH_DAYS * 2; guard++) {
		dispo_time close = local_instant(tz, &day, cal->end_min, 0);

		if (secs <= close - t)
			return t + secs;
		secs -= close - t;
		if (!next_working(cal, tz, close, &t, &day))
			break;
	}
	return wall_clock(from, total);
}

int64_t
workflow_working_seconds(const dispo_calendar *cal, dispo_time from, dispo_time to)
{
	g_autoptr(GTimeZone) tz = NULL;
	int64_t total = 0;
	GDate day;

	if (to <= from)
		return 0;
	/* As workflow_due: without working time, for spans no office
	 * measures, and outside GDateTime's years, wall-clock time. */
	if (!has_working_time(cal) || from < 0 || to > INT64_C(253402300799) ||
	    to - from > (int64_t)SEARCH_DAYS * 86400)
		return to - from;
	tz = cal->tz ? g_time_zone_ref(cal->tz) : g_time_zone_new_utc();
	local_date(tz, from, &day, NULL, NULL);
	for (int guard = 0; guard <= SEARCH_DAYS + 1; guard++, g_date_add_days(&day, 1)) {
		dispo_time open = local_instant(tz, &day, cal->start_min, 0);
		dispo_time close;

		if (open >= to)
			break;
		if (!date_is_working(cal, &day))
			continue;
		close = local_instant(tz, &day, cal->end_min, 0);
		if (MIN(close, to) > MAX(open, from))
			total += MIN(close, to) - MAX(open, from);
	}
	return total;
}
