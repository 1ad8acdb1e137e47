/* SPDX-License-Identifier: GPL-3.0-or-later */
/* smtp-load.c: outbox_smtp_new as dispo has it: the SMTP backend (smtp.c,
 * with libcurl and the two dozen libraries it brings: Kerberos, LDAP,
 * SSH, RTMP, nghttp2...) lives in dispo-smtp.so (lib/module.c finds it),
 * loaded when an outbox of smtp_url is opened: by dispo serve and outbox
 * flush on an office that sends by SMTP, not by an MTA's pipe. */
#include "config.h"

#include "outbox/outbox.h"

typedef dispo_outbox *(*smtp_new_fn)(const dispo_smtp_options *o, GError **error);

dispo_outbox *
outbox_smtp_new(const dispo_smtp_options *o, GError **error)
{
	g_autofree char *why = NULL;
	smtp_new_fn smtp_new = (smtp_new_fn)dispo_module_symbol("smtp", "outbox_smtp_module_new", &why);

	if (!smtp_new) {
		g_set_error(error, DISPO_OUTBOX_ERROR, DISPO_OUTBOX_ERROR_PERMANENT,
		            "cannot send by SMTP: %s", why);
		return NULL;
	}
	return smtp_new(o, error);
}
