/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz-bounce.c: any bytes parsed as a message and judged as machine-made
 * mail: no crash, and the bounce that comes back keeps its promises. */
#include "config.h"

#include "mime/mime.h"
#include "reply/reply.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check(const dispo_bounce *b)
{
	if (!b->recipients || !b->message_ids)
		__builtin_trap();
	for (guint i = 0; i < b->recipients->len; i++) {
		const dispo_bounce_recipient *r = b->recipients->pdata[i];
		g_autofree char *lower = NULL;
		if (!r->address || !*r->address || !g_utf8_validate(r->address, -1, NULL))
			__builtin_trap();
		/* lower case, no brackets */
		lower = g_utf8_strdown(r->address, -1);
		if (strcmp(lower, r->address) != 0 || strpbrk(r->address, "<> \n"))
			__builtin_trap();
		if (r->diagnostic &&
		    (strchr(r->diagnostic, '\n') || !g_utf8_validate(r->diagnostic, -1, NULL)))
			__builtin_trap();
		if (r->status && (r->status[0] < '2' || r->status[0] > '5' || r->status[1] != '.'))
			__builtin_trap();
		if (r->status && r->permanent != (r->status[0] == '5'))
			__builtin_trap();
	}
	for (guint i = 0; i < b->message_ids->len; i++)
		if (strpbrk(b->message_ids->pdata[i], "<> \n"))
			__builtin_trap();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	dispo_limits limits = {.message_size = 1 << 20,
	                       .header_size = 4096,
	                       .header_fields = 100,
	                       .parts = 50,
	                       .depth = 8,
	                       .text_size = 64 << 10};
	dispo_mail *m = mime_mail_parse_data(data, size, &limits, NULL, NULL);
	dispo_bounce *b = NULL;
	dispo_auto_kind kind;

	if (!m)
		__builtin_trap();
	if ((m->delivery_status && strlen(m->delivery_status) > limits.text_size) ||
	    (m->enclosed_headers && strlen(m->enclosed_headers) > limits.text_size))
		__builtin_trap();
	kind = reply_auto_kind(m, &b);
	if ((kind == DISPO_AUTO_BOUNCE) != (b != NULL) || kind > DISPO_AUTO_LIST)
		__builtin_trap();
	if (b) {
		check(b);
		reply_bounce_free(b);
	}
	b = reply_bounce_read(m);
	check(b);
	reply_bounce_free(b);
	mime_mail_free(m);
	return 0;
}
