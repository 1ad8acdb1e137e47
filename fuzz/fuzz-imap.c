/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz-imap.c: any bytes as an untagged line a server sends during IDLE
 * (a change or not, never a crash or a read past the line), as a folder
 * name from the configuration (modified UTF-7: printable ASCII only, '&'
 * always starts a shift) and as a text dispo logs (one line, no control
 * character but its final newline). */
#include "config.h"

#include "ingest/ingest.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* An exact-size copy, so that a read past the line is caught. */
	char *line = malloc(size ? size : 1);
	char *text, *valid, *folder, *logged;

	if (!line)
		return 0;
	memcpy(line, data, size);
	if (ingest_imap_idle_line_changed(line, size) &&
	    (size < 4 || line[0] != '*' || line[1] != ' ' || !g_ascii_isdigit(line[2])))
		abort();
	free(line);

	text = g_strndup((const char *)data, size);
	valid = g_utf8_make_valid(text, -1);
	folder = ingest_imap_folder_encode(valid);
	for (const char *p = folder; *p; p++)
		if (*p < 0x20 || *p > 0x7e)
			abort();
	logged = dispo_log_format(LOG_WARNING, "dispo serve", text, false);
	for (const char *p = logged; *p; p++)
		if (((unsigned char)*p < 0x20 || *p == 0x7f) && !(*p == '\n' && p[1] == '\0'))
			abort();
	g_free(logged);
	g_free(folder);
	g_free(valid);
	g_free(text);
	return 0;
}
