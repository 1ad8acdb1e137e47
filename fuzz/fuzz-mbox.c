/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz-mbox.c: any bytes through the mbox splitter: messages are in order,
 * inside the input, and never overlap. */
#include "config.h"

#include "ingest/ingest.h"

#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct {
	const char *start, *end, *last;
} bounds;

static bool
check(const char *msg, size_t len, void *user, GError **error)
{
	bounds *b = user;

	if (msg < b->last || msg + len > b->end)
		__builtin_trap();
	b->last = msg + len;
	return true;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	bounds b = {(const char *)data, (const char *)data + size, (const char *)data};

	ingest_mbox_split((const char *)data, size, check, &b, NULL);
	return 0;
}
