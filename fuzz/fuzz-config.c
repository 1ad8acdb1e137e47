/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz-config.c: any bytes as dispo.conf: loaded or refused with a message,
 * never a crash (sizes, durations, lists, time zones, tags). */
#include "config.h"

#include "lib/lib.h"

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
quiet(const char *msg)
{
}

static int null_fd = -1;

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = g_strndup((const char *)data, size);
	GError *e = NULL;
	dispo_config *c;

	/* Unknown keys are warnings (dispo_log, some g_printerr); keep the
	 * fuzzer's output (on stderr) readable: a long run wrote 2 GB of them. */
	g_set_printerr_handler(quiet);
	if (null_fd < 0 && (null_fd = open("/dev/null", O_WRONLY | O_CLOEXEC)) >= 0)
		dispo_log_set_fd(null_fd, false);
	c = dispo_config_load_data(text, "fuzz", "/tmp", &e);
	if (!c && !e)
		__builtin_trap();
	dispo_config_free(c);
	g_clear_error(&e);
	g_free(text);
	return 0;
}
