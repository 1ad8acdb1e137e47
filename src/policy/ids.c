/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ids.c: the civil servant's number (NIP) and the resident's number (NIK),
 * checked for what they encode (dates, gender, region), not only counted. */
#include "config.h"

#include "policy/policy.h"

#include <stdarg.h>
#include <string.h>
#include <time.h>

static bool refuse(char **why, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

static bool
refuse(char **why, const char *fmt, ...)
{
	va_list ap;

	if (why) {
		va_start(ap, fmt);
		*why = g_strdup_vprintf(fmt, ap);
		va_end(ap);
	}
	return false;
}

/* The character at s for a message: itself when it is visible ASCII, with
 * its code point when it is other visible text (a full-width digit looks
 * like a digit), the code point alone for spaces and controls (a
 * no-break space looks like a space), the byte when it is not UTF-8. */
static char *
describe_char(const char *s, const char *end)
{
	gunichar c = g_utf8_get_char_validated(s, end - s);

	if (c == (gunichar)-1 || c == (gunichar)-2)
		return g_strdup_printf("byte 0x%02x", (unsigned char)*s);
	if (c < 0x80 && g_ascii_isgraph((char)c))
		return g_strdup_printf("'%c'", (char)c);
	if (g_unichar_isgraph(c))
		return g_strdup_printf("'%.*s' (U+%04X)", (int)(g_utf8_next_char(s) - s), s, c);
	return g_strdup_printf("U+%04X", c);
}

/* Collects the digits of input, allowing spaces between them (numbers are
 * printed in groups on letters: "19650130 199203 1 005"). */
static bool
digits_only(const char *input, const char *what, size_t want, char **digits, char **why)
{
	g_autoptr(GString) d = g_string_new(NULL);
	const char *end;

	if (!input)
		return refuse(why, "%s is missing", what);
	end = input + strlen(input);
	for (const char *p = input; p < end; p++) {
		if (g_ascii_isdigit(*p)) {
			g_string_append_c(d, *p);
		} else if (*p != ' ') {
			g_autofree char *c = describe_char(p, end);
			return refuse(why, "%s may hold only digits and spaces, not %s", what, c);
		}
	}
	if (d->len == 0)
		return refuse(why, "%s is empty", what);
	if (d->len != want)
		return refuse(why, "%s has %zu digits; it needs %zu", what, d->len, want);
	*digits = g_string_free(g_steal_pointer(&d), false);
	return true;
}

static int
number_at(const char *s, size_t n)
{
	int v = 0;
	for (size_t i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

static bool
leap_year(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int
days_in_month(int y, int m)
{
	static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	return m == 2 && leap_year(y) ? 29 : days[m - 1];
}

/* The month count (year * 12 + month - 1) of `today` in the most advanced
 * time zone (UTC+14): no office's current month is ever called future. */
static int
months_of(dispo_time today)
{
	time_t t = (time_t)(today + 14 * 3600);
	struct tm tm;

	gmtime_r(&t, &tm);
	return (tm.tm_year + 1900) * 12 + tm.tm_mon;
}

bool
policy_nip_check(const char *input, dispo_time today, char **normalized, char **why)
{
	g_autofree char *d = NULL;
	int by, bm, bd, ay, am, gender, serial;

	if (!digits_only(input, "NIP", 18, &d, why))
		return false;
	by = number_at(d, 4);
	bm = number_at(d + 4, 2);
	bd = number_at(d + 6, 2);
	ay = number_at(d + 8, 4);
	am = number_at(d + 12, 2);
	gender = d[14] - '0';
	serial = number_at(d + 15, 3);

	if (bm < 1 || bm > 12 || bd < 1 || bd > days_in_month(by, bm))
		return refuse(why, "birth date %04d-%02d-%02d (digits 1-8) is not a real date", by,
		              bm, bd);
	/* A year the register cannot hold a living civil servant of. */
	if (by < 1900)
		return refuse(why, "birth year %04d (digits 1-4) is not plausible", by);
	if (am < 1 || am > 12)
		return refuse(why, "appointment month %04d-%02d (digits 9-14) is not a real month",
		              ay, am);
	/* Appointed in the month of the 18th birthday at the earliest. */
	if (ay * 12 + am < (by + 18) * 12 + bm)
		return refuse(why,
		              "appointment %04d-%02d (digits 9-14) is before the 18th birthday "
		              "(%04d-%02d-%02d)",
		              ay, am, by + 18, bm, bm == 2 && bd == 29 ? 28 : bd);
	if (today != 0 && ay * 12 + am - 1 > months_of(today))
		return refuse(why, "appointment %04d-%02d (digits 9-14) is in the future", ay, am);
	if (gender != 1 && gender != 2)
		return refuse(why, "gender digit %d (digit 15) must be 1 (man) or 2 (woman)",
		              gender);
	if (serial == 0)
		return refuse(why, "serial number 000 (digits 16-18) is never given");
	if (normalized)
		*normalized = g_steal_pointer(&d);
	return true;
}

bool
policy_nik_check(const char *input, char **normalized, char **why)
{
	g_autofree char *d = NULL;
	int province, regency, day, month, yy, serial;
	bool woman;

	if (!digits_only(input, "NIK", 16, &d, why))
		return false;
	province = number_at(d, 2);
	regency = number_at(d + 2, 2);
	day = number_at(d + 6, 2);
	month = number_at(d + 8, 2);
	yy = number_at(d + 10, 2);
	serial = number_at(d + 12, 4);

	/* Aceh is 11, the Papua provinces end at 9x. */
	if (province < 11 || province > 94)
		return refuse(why, "province code %02d (digits 1-2) does not exist (11 to 94)",
		              province);
	if (regency == 0)
		return refuse(why, "regency code 00 (digits 3-4) does not exist");
	woman = day > 40;
	if (woman)
		day -= 40;
	if (day < 1 || day > 31)
		return refuse(why,
		              "birth day %02d (digits 7-8) is neither a day (01-31) nor a "
		              "woman's day plus 40 (41-71)",
		              woman ? day + 40 : day);
	if (month < 1 || month > 12)
		return refuse(why, "birth month %02d (digits 9-10) is not a month", month);
	/* Only the last two digits of the year are known: 29 February is real
	 * when some year ending in them is a leap year (2000 is, so 00 counts). */
	if (day > (month == 2 ? (yy % 4 == 0 ? 29 : 28) : days_in_month(2001, month)))
		return refuse(why, "birth date %02d-%02d-%02d (digits 7-12%s) is not a real date",
		              day, month, yy, woman ? ", day less 40" : "");
	if (serial == 0)
		return refuse(why, "serial number 0000 (digits 13-16) is never given");
	if (normalized)
		*normalized = g_steal_pointer(&d);
	return true;
}
