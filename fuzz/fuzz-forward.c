/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz-forward.c: any bytes as a body that may forward a message inline,
 * never a crash, and what is read from it is valid text: an address has one
 * '@' and nothing a header could not carry. */
#include "config.h"

#include "policy/policy.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	g_autofree char *text = g_strndup((const char *)data, size);

	for (int forwarded = 0; forwarded < 2; forwarded++) {
		g_autoptr(dispo_inline_forward) f = policy_inline_forward_find(text, forwarded);
		const char *at;
		if (!f)
			continue;
		if (!f->text || !g_utf8_validate(f->text, -1, NULL) ||
		    (f->from && !g_utf8_validate(f->from, -1, NULL)) || (f->address && !f->from))
			__builtin_trap();
		if (f->address && (!(at = strchr(f->address, '@')) || strchr(at + 1, '@') ||
		                   strpbrk(f->address, " \t\r\n<>")))
			__builtin_trap();
	}
	return 0;
}
