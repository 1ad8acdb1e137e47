/* SPDX-License-Identifier: GPL-3.0-or-later */
/* module-test.c: the modules test-module loads (tests/lib/dispo-good.so,
 * built with this version, and tests/lib/dispo-old.so, which says it is
 * another one). */
#include "config.h"

#include "lib/lib.h"

int dispo_test_answer(void);

#ifdef MODULE_OLD
extern const char dispo_module_version[];
const char dispo_module_version[] = "0.0.0";
#else
DISPO_MODULE_VERSION;
#endif

int
dispo_test_answer(void)
{
	return 42;
}
