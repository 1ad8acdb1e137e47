/* SPDX-License-Identifier: GPL-3.0-or-later */
/* reasons.c: the list of problems a check finds, each with a stable code. */
#include "config.h"

#include "policy/policy.h"

#include <stdarg.h>

static void
reason_free(dispo_reason *r)
{
	g_free(r->code);
	g_free(r->subject);
	g_free(r->detail);
	g_free(r);
}

GPtrArray *
policy_reasons_new(void)
{
	return g_ptr_array_new_with_free_func((GDestroyNotify)reason_free);
}

void
policy_reason_add(GPtrArray *reasons, const char *code, const char *subject, const char *detail_fmt,
                  ...)
{
	dispo_reason *r;
	va_list ap;

	if (!reasons)
		return;
	r = g_new0(dispo_reason, 1);
	r->code = g_strdup(code);
	/* Subjects come from hostile mail: keep them printable and short. */
	if (subject) {
		g_autofree char *clean = dispo_utf8_clean(subject, -1);
		r->subject = dispo_utf8_truncate(clean, 200);
	}
	if (detail_fmt) {
		va_start(ap, detail_fmt);
		r->detail = g_strdup_vprintf(detail_fmt, ap);
		va_end(ap);
	}
	g_ptr_array_add(reasons, r);
}

bool
policy_reasons_has(const GPtrArray *reasons, const char *code)
{
	for (guint i = 0; reasons && i < reasons->len; i++)
		if (g_strcmp0(((dispo_reason *)reasons->pdata[i])->code, code) == 0)
			return true;
	return false;
}

char *
policy_reasons_codes(const GPtrArray *reasons)
{
	GString *s = g_string_new(NULL);

	for (guint i = 0; reasons && i < reasons->len; i++) {
		if (i)
			g_string_append_c(s, ',');
		g_string_append(s, ((dispo_reason *)reasons->pdata[i])->code);
	}
	return g_string_free(s, false);
}
