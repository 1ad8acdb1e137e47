/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz-config.c: any bytes as dispo.conf: loaded or refused with a message,
 * never a crash (sizes, durations, lists, time zones, tags). */
#include "config.h"

#include "lib/lib.h"

#include <stdint.h>
#include <stdio.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
quiet(const char *msg)
{
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = g_strndup((const char *)data, size);
	GError *e = NULL;
	dispo_config *c;

	/* Unknown keys are reported with g_printerr; keep the fuzzer's output
	 * (on stderr) readable. */
	g_set_printerr_handler(quiet);
	c = dispo_config_load_data(text, "fuzz", "/tmp", &e);
	if (!c && !e)
		__builtin_trap();
	dispo_config_free(c);
	g_clear_error(&e);
	g_free(text);
	return 0;
}
