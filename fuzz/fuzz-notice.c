/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz-notice.c: any bytes as the body of a BSrE notice (its holder, serial
 * and validity read) and of a status question (STATUS/CEK found or not),
 * never a crash; what is read is always well formed. */
#include "config.h"

#include "ingest/ingest-private.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool
is_date(const char *s)
{
	return !s || (strlen(s) == 10 && s[4] == '-' && s[7] == '-');
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	g_autofree char *text = g_strndup((const char *)data, size);
	dispo_mail mail = {0};
	dispo_bsre_notice *n;
	char *q;

	/* The mime module gives valid UTF-8 bodies; so does this. */
	mail.body = dispo_utf8_clean(text, -1);
	mail.subject = (char *)"Sertifikat Elektronik Telah Terbit";
	mail.from = g_ptr_array_new();
	mail.attachments = g_ptr_array_new();
	mail.headers = g_ptr_array_new();
	mail.references = g_ptr_array_new();
	n = intake_bsre_read(&mail);
	if (!is_date(n->valid_from) || !is_date(n->valid_until) ||
	    (n->nik && strspn(n->nik, "0123456789") != strlen(n->nik)) ||
	    (n->serial && (strlen(n->serial) < 4 || strlen(n->serial) > 128)))
		__builtin_trap();
	intake_bsre_notice_free(n);
	q = intake_status_query(&mail);
	if (q && strchr(q, '\n'))
		__builtin_trap();
	g_free(q);
	g_free(mail.body);
	g_ptr_array_unref(mail.from);
	g_ptr_array_unref(mail.attachments);
	g_ptr_array_unref(mail.headers);
	g_ptr_array_unref(mail.references);
	return 0;
}
