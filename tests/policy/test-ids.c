/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-ids.c: NIP and NIK, real-shaped numbers valid and invalid: every
 * refusal must say what is wrong, in the part of the number that is. */
#include "config.h"

#include "policy/policy.h"

#include "testutil.h"

#define TODAY "2026-11-24T10:00:00+07:00"

typedef struct {
	const char *in;
	const char *want; /* the normalized digits, or NULL when refused */
	const char *why;  /* part of the sentence when refused */
	bool no_today;    /* check without a current date */
} id_case;

static void
run_cases(const id_case *cases, size_t n, bool nip)
{
	dispo_time today = 0;
	GError *e = NULL;

	assert_true(dispo_time_parse_iso8601(TODAY, &today, &e));
	for (size_t i = 0; i < n; i++) {
		char *norm = NULL;
		char *why = NULL;
		bool ok =
		    nip ? policy_nip_check(cases[i].in, cases[i].no_today ? 0 : today, &norm, &why)
		        : policy_nik_check(cases[i].in, &norm, &why);
		const char *in = cases[i].in ? cases[i].in : "(null)";

		if (cases[i].want) {
			if (!ok)
				fail_msg("%s '%s' refused: %s", nip ? "NIP" : "NIK", in, why);
			assert_null(why);
			if (strcmp(norm, cases[i].want) != 0)
				fail_msg("'%s' normalized to '%s', want '%s'", in, norm,
				         cases[i].want);
		} else {
			if (ok)
				fail_msg("%s '%s' accepted, want: %s", nip ? "NIP" : "NIK", in,
				         cases[i].why);
			assert_null(norm);
			assert_non_null(why);
			if (!strstr(why, cases[i].why))
				fail_msg("'%s': why '%s' lacks '%s'", in, why, cases[i].why);
		}
		g_free(norm);
		g_free(why);
	}
}

static void
test_nip(void **state)
{
	static const id_case cases[] = {
	    /* valid */
	    {"196903141994031006", "196903141994031006", NULL, false},
	    {"19650130 199203 1 005", "196501301992031005", NULL, false},
	    {"198503122010011004", "198503122010011004", NULL, false},
	    {"197508242000032003", "197508242000032003", NULL, false},
	    {"198011172006041002", "198011172006041002", NULL, false},
	    {"199002052015032001", "199002052015032001", NULL, false},
	    {"196206151985031005", "196206151985031005", NULL, false},
	    {"198707262011012002", "198707262011012002", NULL, false},
	    {"199204102019031007", "199204102019031007", NULL, false},
	    {"198912302014022001", "198912302014022001", NULL, false},
	    {"198512312010121009", "198512312010121009", NULL, false},
	    /* 29 February of leap years, 2000 included (divisible by 400) */
	    {"199202292011032001", "199202292011032001", NULL, false},
	    {"200002292022011001", "200002292022011001", NULL, false},
	    /* appointed in the month of the 18th birthday */
	    {"199005202008051001", "199005202008051001", NULL, false},
	    /* appointed this month */
	    {"200001012026111001", "200001012026111001", NULL, false},
	    /* without a current date, no appointment is in the future */
	    {"200001012030012001", "200001012030012001", NULL, true},
	    {" 196903141994031006 ", "196903141994031006", NULL, false},
	    {"1969 0314 1994 03 1 006", "196903141994031006", NULL, false},
	    /* birth date */
	    {"19650230 199203 1 005", NULL, "birth date 1965-02-30 (digits 1-8) is not a real date",
	     false},
	    {"196513011992031005", NULL, "birth date 1965-13-01", false},
	    {"196500301992031005", NULL, "birth date 1965-00-30", false},
	    {"196501001992031005", NULL, "birth date 1965-01-00", false},
	    {"196504311992031005", NULL, "birth date 1965-04-31", false},
	    {"190002292000011001", NULL, "birth date 1900-02-29", false},
	    {"199302292015031001", NULL, "birth date 1993-02-29", false},
	    {"189001011920011001", NULL, "birth year 1890", false},
	    /* appointment */
	    {"196501301992131005", NULL, "appointment month 1992-13 (digits 9-14) is not a real",
	     false},
	    {"196501301992001005", NULL, "appointment month 1992-00", false},
	    {"196501301982121005", NULL,
	     "appointment 1982-12 (digits 9-14) is before the 18th "
	     "birthday (1983-01-30)",
	     false},
	    {"199005202008041001", NULL, "before the 18th birthday (2008-05-20)", false},
	    {"199202292009011001", NULL, "before the 18th birthday (2010-02-28)", false},
	    {"200001012026121001", NULL, "appointment 2026-12 (digits 9-14) is in the future",
	     false},
	    {"200001012030012001", NULL, "appointment 2030-01 (digits 9-14) is in the future",
	     false},
	    /* gender and serial */
	    {"196903141994033006", NULL, "gender digit 3 (digit 15) must be 1 (man) or 2", false},
	    {"196903141994030006", NULL, "gender digit 0", false},
	    {"196903141994039006", NULL, "gender digit 9", false},
	    {"196903141994031000", NULL, "serial number 000", false},
	    /* length and characters */
	    {"19690314199403100", NULL, "NIP has 17 digits; it needs 18", false},
	    {"1969031419940310061", NULL, "NIP has 19 digits; it needs 18", false},
	    {"196903141994", NULL, "NIP has 12 digits", false},
	    {"19650130.199203.1.005", NULL, "only digits and spaces, not '.'", false},
	    {"19650130-199203-1-005", NULL, "not '-'", false},
	    {"1969031419940310O6", NULL, "not 'O'", false},
	    {"NIP 196903141994031006", NULL, "not 'N'", false},
	    {"19650130\t199203 1 005", NULL, "not U+0009", false},
	    {"19650130\xc2\xa0"
	     "199203 1 005",
	     NULL, "not U+00A0", false},
	    {"１９６９03141994031006", NULL, "not '１' (U+FF11)", false},
	    {"1969031419940310\xff", NULL, "not byte 0xff", false},
	    {"", NULL, "NIP is empty", false},
	    {"   ", NULL, "NIP is empty", false},
	    {NULL, NULL, "NIP is missing", false},
	};
	run_cases(cases, G_N_ELEMENTS(cases), true);
}

static void
test_nik(void **state)
{
	static const id_case cases[] = {
	    /* valid */
	    {"3319021403690002", "3319021403690002", NULL, false},
	    {"3319011203850001", "3319011203850001", NULL, false},
	    {"3319056408750003", "3319056408750003", NULL, false}, /* a woman: 24 + 40 */
	    {"3319031711800004", "3319031711800004", NULL, false},
	    {"3319074502900002", "3319074502900002", NULL, false},
	    {"3319086607870001", "3319086607870001", NULL, false},
	    {"3319031004920003", "3319031004920003", NULL, false},
	    {"3319047012890002", "3319047012890002", NULL, false},
	    {"1101010101900001", "1101010101900001", NULL, false}, /* Aceh */
	    {"9471010101900001", "9471010101900001", NULL, false}, /* Papua */
	    {"3319012902000001", "3319012902000001", NULL, false}, /* 29 Feb 2000 */
	    {"3319016902920001", "3319016902920001", NULL, false}, /* 29 Feb 1992, a woman */
	    {"3319017101900001", "3319017101900001", NULL, false}, /* 31 Jan, a woman */
	    {"3319014101900001", "3319014101900001", NULL, false}, /* 1 Jan, a woman */
	    {"3319013112999999", "3319013112999999", NULL, false},
	    {"3319 0214 0369 0002", "3319021403690002", NULL, false},
	    {"331902 140369 0002", "3319021403690002", NULL, false},
	    {" 3319021403690002", "3319021403690002", NULL, false},
	    /* region */
	    {"0019021403690002", NULL, "province code 00 (digits 1-2) does not exist", false},
	    {"1019021403690002", NULL, "province code 10", false},
	    {"9519021403690002", NULL, "province code 95", false},
	    {"9919021403690002", NULL, "province code 99", false},
	    {"3300021403690002", NULL, "regency code 00 (digits 3-4)", false},
	    /* birth date */
	    {"3319020003690002", NULL, "birth day 00 (digits 7-8) is neither a day", false},
	    {"3319023203690002", NULL, "birth day 32", false},
	    {"3319024003690002", NULL, "birth day 40", false},
	    {"3319027203690002", NULL,
	     "birth day 72 (digits 7-8) is neither a day (01-31) nor a "
	     "woman's day plus 40 (41-71)",
	     false},
	    {"3319029903690002", NULL, "birth day 99", false},
	    {"3319021400690002", NULL, "birth month 00", false},
	    {"3319021413690002", NULL, "birth month 13 (digits 9-10)", false},
	    {"3319023002690002", NULL, "birth date 30-02-69 (digits 7-12) is not a real date",
	     false},
	    {"3319027002690002", NULL, "birth date 30-02-69 (digits 7-12, day less 40)", false},
	    {"3319012902990001", NULL, "birth date 29-02-99", false},
	    {"3319016902010001", NULL, "birth date 29-02-01", false},
	    {"3319013104900001", NULL, "birth date 31-04-90", false},
	    {"3319017106900001", NULL, "birth date 31-06-90", false},
	    {"3319013109900001", NULL, "birth date 31-09-90", false},
	    {"3319017111900001", NULL, "birth date 31-11-90", false},
	    /* serial */
	    {"3319021403690000", NULL, "serial number 0000 (digits 13-16)", false},
	    /* length and characters */
	    {"331902140369000", NULL, "NIK has 15 digits; it needs 16", false},
	    {"33190214036900021", NULL, "NIK has 17 digits", false},
	    {"196903141994031006", NULL, "NIK has 18 digits", false},
	    {"33190214O3690002", NULL, "not 'O'", false},
	    {"3319.0214.0369.0002", NULL, "not '.'", false},
	    {"3319-02-140369-0002", NULL, "not '-'", false},
	    {"", NULL, "NIK is empty", false},
	    {NULL, NULL, "NIK is missing", false},
	};
	run_cases(cases, G_N_ELEMENTS(cases), false);
}

/* The digits go out only on success, and both outputs are optional. */
static void
test_outputs_optional(void **state)
{
	assert_true(policy_nip_check("196903141994031006", 0, NULL, NULL));
	assert_false(policy_nip_check("196903141994031000", 0, NULL, NULL));
	assert_true(policy_nik_check("3319021403690002", NULL, NULL));
	assert_false(policy_nik_check("3319021403690000", NULL, NULL));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_nip),
	    cmocka_unit_test(test_nik),
	    cmocka_unit_test(test_outputs_optional),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
