/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz-mime.c: any bytes through the raw prescan, GMime and our walk, with
 * small limits so that the limit paths are reached too. */
#include "config.h"

#include "mime/mime.h"

#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	dispo_limits limits = {.message_size = 1 << 20,
	                       .header_size = 4096,
	                       .header_fields = 100,
	                       .parts = 50,
	                       .depth = 8,
	                       .text_size = 64 << 10,
	                       .header_total = 64 << 10,
	                       .addresses = 200};
	dispo_mail *m = mime_mail_parse_data(data, size, &limits, NULL, NULL);
	char *dump;

	if (!m)
		__builtin_trap(); /* without an attachment dir nothing can fail */
	if (m->status != DISPO_MAIL_PARSED && !m->problem)
		__builtin_trap();
	if (m->body && !g_utf8_validate(m->body, -1, NULL))
		__builtin_trap();
	dump = mime_mail_dump(m, NULL);
	if (!g_utf8_validate(dump, -1, NULL))
		__builtin_trap();
	g_free(dump);
	mime_mail_free(m);
	return 0;
}
