/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-module.c: dispo_module_symbol finds a module beside the program,
 * gives its symbols, refuses one of another version and names what it
 * looked for when there is none, once and then again from memory. */
#include "config.h"

#include "lib/lib.h"
#include "testutil.h"

static void
test_good(void **state)
{
	g_autofree char *why = NULL;
	int (*answer)(void) = (int (*)(void))dispo_module_symbol("good", "dispo_test_answer", &why);

	assert_non_null(answer);
	assert_null(why);
	assert_int_equal(answer(), 42);
	assert_null(dispo_module_symbol("good", "no_such_symbol", &why));
	assert_non_null(strstr(why, "dispo-good.so has no no_such_symbol"));
}

static void
test_other_version(void **state)
{
	g_autofree char *why = NULL;

	assert_null(dispo_module_symbol("old", "dispo_test_answer", &why));
	assert_non_null(strstr(why, "dispo-old.so is dispo 0.0.0's module, this is dispo " PACKAGE_VERSION
	                            ": restart dispo after an upgrade"));
}

static void
test_missing(void **state)
{
	g_autofree char *why = NULL, *again = NULL;

	assert_null(dispo_module_symbol("missing", "x", &why));
	assert_non_null(strstr(why, "dispo's module dispo-missing.so is not installed (looked in "));
	assert_non_null(strstr(why, "tests/lib/dispo-missing.so"));
	assert_non_null(strstr(why, "install dispo again (make install)"));
	assert_null(dispo_module_symbol("missing", "x", &again));
	assert_string_equal(again, why);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_good),
	    cmocka_unit_test(test_other_version),
	    cmocka_unit_test(test_missing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
