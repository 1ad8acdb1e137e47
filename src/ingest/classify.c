/* SPDX-License-Identifier: GPL-3.0-or-later */
/* classify.c: a first judgement of what a message is, from its headers: an
 * application opens a request; bounces, auto-replies and replies never do. */
#include "config.h"

#include "ingest/ingest.h"

#include <string.h>

static bool
header_is(const dispo_mail *mail, const char *name, const char *const *values)
{
	const char *v = mime_mail_header(mail, name);

	if (!v)
		return false;
	for (; *values; values++)
		if (g_ascii_strncasecmp(v, *values, strlen(*values)) == 0)
			return true;
	return false;
}

static bool
local_part_is(const char *address, const char *name)
{
	const char *at = address ? strchr(address, '@') : NULL;
	size_t n = strlen(name);

	return at && (size_t)(at - address) == n && g_ascii_strncasecmp(address, name, n) == 0;
}

static bool
is_bounce(const dispo_mail *mail)
{
	if (g_strcmp0(mail->content_type, "multipart/report") == 0 &&
	    g_strcmp0(mail->report_type, "delivery-status") == 0)
		return true;
	for (guint i = 0; i < mail->from->len; i++) {
		const dispo_mailbox *m = mail->from->pdata[i];
		if (local_part_is(m->address, "mailer-daemon") ||
		    local_part_is(m->address, "postmaster"))
			return true;
	}
	return false;
}

static bool
is_auto_reply(const dispo_mail *mail)
{
	static const char *const no[] = {"no", NULL};
	static const char *const bulk[] = {"bulk", "junk", "list", "auto_reply", NULL};
	const char *as = mime_mail_header(mail, "Auto-Submitted");

	if (as && !header_is(mail, "Auto-Submitted", no))
		return true;
	if (mime_mail_header(mail, "X-Autoreply") || mime_mail_header(mail, "X-Autorespond") ||
	    mime_mail_header(mail, "List-Id") || header_is(mail, "Precedence", bulk))
		return true;
	return g_strcmp0(mail->report_type, "disposition-notification") == 0;
}

/* The subject's first word after any [TAG] blocks, lower case. */
static char *
subject_prefix(const char *subject)
{
	const char *p = subject ? subject : "";
	const char *colon;

	for (;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p != '[')
			break;
		p = strchr(p, ']');
		if (!p)
			return g_strdup("");
		p++;
	}
	colon = strchr(p, ':');
	if (!colon || colon - p > 8)
		return g_strdup("");
	return g_ascii_strdown(p, colon - p);
}

static bool
prefix_in(const char *prefix, const char *const *list)
{
	for (; *list; list++)
		if (strcmp(prefix, *list) == 0)
			return true;
	return false;
}

const char *
ingest_classify(const dispo_mail *mail)
{
	/* Reply and forward prefixes of the clients officials and applicants
	 * use: English, Indonesian (Balas, Bls, Teruskan, Trs), Outlook in other
	 * languages. */
	static const char *const reply[] = {"re", "aw", "sv", "vs", "antw", "bls", "balas", NULL};
	static const char *const forward[] = {"fwd", "fw", "tr", "wg", "trs", "teruskan", NULL};
	g_autofree char *prefix = NULL;

	if (mail->status == DISPO_MAIL_UNPARSEABLE || mail->from->len == 0)
		return "other";
	if (is_bounce(mail))
		return "bounce";
	if (is_auto_reply(mail))
		return "auto_reply";
	prefix = subject_prefix(mail->subject);
	/* A forwarded application is an application, even when the client kept
	 * the thread's References. */
	if (prefix_in(prefix, forward) || mail->forwarded > 0)
		return "application";
	if (mail->in_reply_to || mail->references->len > 0 || prefix_in(prefix, reply))
		return "reply";
	return "application";
}
