/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz-form.c: any bytes as a body's form fields, as an attachment's name and
 * as an attachment's bytes (typed, walked as PDF/JPEG/PNG), never a crash,
 * and a sanitized name is always safe as a path component. */
#include "config.h"

#include "policy/policy.h"

#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_name(const char *in)
{
	g_autofree char *name = policy_filename_sanitize(in);

	if (!*name || strlen(name) > 100 || !g_utf8_validate(name, -1, NULL) || name[0] == '.' ||
	    strchr(name, '/') || strchr(name, '\\') || strcmp(name, "..") == 0)
		__builtin_trap();
	for (const char *p = name; *p; p = g_utf8_next_char(p)) {
		gunichar c = g_utf8_get_char(p);
		if (g_unichar_iscntrl(c) || c == 0x202E || c == 0x2066)
			__builtin_trap();
	}
}

/* The bytes as the only attachment of a mail that needs one PDF/JPEG/PNG. */
static void
check_file(const uint8_t *data, size_t size, const char *filename)
{
	static const char *const types[] = {"pdf", "jpeg", "png", NULL};
	static const char *const keywords[] = {"ktp", NULL};
	const dispo_requirement req = {"ktp", "Scan KTP", types, 1 << 20, keywords};
	int fd = memfd_create("fuzz-form", MFD_CLOEXEC);
	char path[64];
	dispo_attachment a = {0};
	dispo_mail mail = {0};
	g_autoptr(GPtrArray) reasons = policy_reasons_new();
	g_autoptr(GPtrArray) docs = NULL;
	g_autofree char *desc = NULL;

	if (fd < 0)
		return;
	if (write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return;
	}
	g_snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	a.filename = (char *)filename;
	a.content_type = (char *)"application/pdf";
	a.disposition = (char *)"attachment";
	a.size = size;
	a.path = path;
	mail.attachments = g_ptr_array_new();
	g_ptr_array_add(mail.attachments, &a);
	policy_file_type(path, &desc);
	if (!desc)
		__builtin_trap();
	docs = policy_documents_check(&mail, &req, 1, reasons);
	if (reasons->len == 0 && (docs->len != 1 || !((dispo_document *)docs->pdata[0])->ok))
		__builtin_trap();
	g_ptr_array_unref(mail.attachments);
	close(fd);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	g_autofree char *text = g_strndup((const char *)data, size);
	g_autofree char *first_line = g_strndup(text, strcspn(text, "\n"));
	GHashTable *fields = policy_form_parse(text, NULL);
	GHashTableIter it;
	gpointer k, v;

	g_hash_table_iter_init(&it, fields);
	while (g_hash_table_iter_next(&it, &k, &v))
		if (!g_utf8_validate(v, -1, NULL) || !*(const char *)v)
			__builtin_trap();
	g_hash_table_unref(fields);
	check_name(first_line);
	check_file(data, size, first_line);
	return 0;
}
