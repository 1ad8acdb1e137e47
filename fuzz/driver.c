/* SPDX-License-Identifier: GPL-3.0-or-later */
/* driver.c: runs a libFuzzer target over files and directories without
 * libFuzzer, so that make check replays every corpus with any compiler. */
#include "config.h"

#include <glib.h>
#include <stdint.h>
#include <stdio.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static unsigned
run(const char *path)
{
	unsigned n = 0;

	if (g_file_test(path, G_FILE_TEST_IS_DIR)) {
		GDir *d = g_dir_open(path, 0, NULL);
		const char *name;
		while (d && (name = g_dir_read_name(d)) != NULL) {
			char *child = g_build_filename(path, name, NULL);
			n += run(child);
			g_free(child);
		}
		if (d)
			g_dir_close(d);
	} else {
		char *data = NULL;
		gsize len = 0;
		if (g_file_get_contents(path, &data, &len, NULL)) {
			LLVMFuzzerTestOneInput((const uint8_t *)data, len);
			n = 1;
		}
		g_free(data);
	}
	return n;
}

int
main(int argc, char **argv)
{
	unsigned n = 0;

	for (int i = 1; i < argc; i++)
		n += run(argv[i]);
	printf("%s: %u inputs replayed\n", argv[0], n);
	return n > 0 ? 0 : 1;
}
