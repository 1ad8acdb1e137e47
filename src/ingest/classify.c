/* SPDX-License-Identifier: GPL-3.0-or-later */
/* classify.c: what a message is: an application opens a request, a reply
 * may move one; bounces, reports, auto-replies and list mail (told apart by
 * src/reply) never do either. */
#include "config.h"

#include "ingest/ingest-private.h"
#include "reply/reply.h"

#include <string.h>

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

/* Reply and forward prefixes of the clients officials and applicants use:
 * English, Indonesian (Balas, Bls, Teruskan, Trs), Outlook in other
 * languages. */
static const char *const reply[] = {"re", "aw", "sv", "vs", "antw", "bls", "balas", NULL};
static const char *const forward[] = {"fwd", "fw", "tr", "wg", "trs", "teruskan", NULL};

bool
ingest_subject_forwarded(const char *subject)
{
	g_autofree char *prefix = subject_prefix(subject);

	return prefix_in(prefix, forward);
}

const char *
ingest_classify(const dispo_mail *mail, dispo_bounce **bounce)
{
	g_autofree char *prefix = NULL;

	if (mail->status == DISPO_MAIL_UNPARSEABLE || mail->from->len == 0)
		return "other";
	switch (reply_auto_kind(mail, bounce)) {
	case DISPO_AUTO_BOUNCE: return "bounce";
	case DISPO_AUTO_REPORT: return "report";
	case DISPO_AUTO_REPLY: return "auto_reply";
	case DISPO_AUTO_LIST: return "list";
	case DISPO_AUTO_NONE: break;
	}
	prefix = subject_prefix(mail->subject);
	/* A forwarded application is an application, even when the client kept
	 * the thread's References. */
	if (prefix_in(prefix, forward) || mail->forwarded > 0)
		return "application";
	if (mail->in_reply_to || mail->references->len > 0 || prefix_in(prefix, reply))
		return "reply";
	return "application";
}
