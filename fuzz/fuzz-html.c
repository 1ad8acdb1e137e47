/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz-html.c: any bytes through HTML-to-text; the result is always text. */
#include "config.h"

#include "mime/mime.h"

#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = mime_html_to_text((const char *)data, size);

	if (!text)
		__builtin_trap();
	g_free(text);
	return 0;
}
