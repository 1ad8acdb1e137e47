/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz-reply.c: placeholder, being written. */
#include <stddef.h>
#include <stdint.h>
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return 0;
}
