/* SPDX-License-Identifier: GPL-3.0-or-later */
/* auto.c: whether a message was made by a machine (a bounce, a report, an
 * auto-reply, list mail) and must therefore never advance a request nor be
 * answered, judged from its headers, its report parts and its subject, never
 * from one word in a person's text. */
#include "config.h"

#include "reply/reply.h"

#include <string.h>

const char *
reply_auto_kind_name(dispo_auto_kind kind)
{
	switch (kind) {
	case DISPO_AUTO_NONE: return "none";
	case DISPO_AUTO_BOUNCE: return "bounce";
	case DISPO_AUTO_REPORT: return "report";
	case DISPO_AUTO_REPLY: return "auto_reply";
	case DISPO_AUTO_LIST: return "list";
	}
	return "unknown";
}

static const char *
header(const dispo_mail *mail, const char *name)
{
	for (guint i = 0; mail->headers && i < mail->headers->len; i++) {
		const dispo_header *h = mail->headers->pdata[i];
		if (h->name && g_ascii_strcasecmp(h->name, name) == 0)
			return h->value;
	}
	return NULL;
}

/* The header's first word, lower case ("auto-replied" of "Auto-Replied;
 * owner-email=…"), or NULL when absent. */
static char *
header_word(const dispo_mail *mail, const char *name)
{
	const char *v = header(mail, name);
	size_t n;

	if (!v)
		return NULL;
	v += strspn(v, " \t");
	n = strcspn(v, " \t;(");
	return g_ascii_strdown(v, (gssize)n);
}

static bool
word_in(const char *word, const char *const *list)
{
	for (; word && *list; list++)
		if (strcmp(word, *list) == 0)
			return true;
	return false;
}

static bool
contains_any(const char *lower, const char *const *list)
{
	for (; lower && *list; list++)
		if (strstr(lower, *list))
			return true;
	return false;
}

/* ---- who sent it --------------------------------------------------------- */

static bool
local_part_is(const char *address, const char *name)
{
	const char *at = address ? strchr(address, '@') : NULL;
	size_t n = at ? (size_t)(at - address) : (address ? strlen(address) : 0);

	return address && n == strlen(name) && g_ascii_strncasecmp(address, name, n) == 0;
}

/* The sender is the mail system itself, by its address (what the current
 * intake treats as a bounce on its own). */
static bool
from_daemon(const dispo_mail *mail)
{
	for (guint i = 0; mail->from && i < mail->from->len; i++) {
		const dispo_mailbox *m = mail->from->pdata[i];
		if (local_part_is(m->address, "mailer-daemon") ||
		    local_part_is(m->address, "mailer_daemon") ||
		    local_part_is(m->address, "postmaster") ||
		    local_part_is(m->address, "post_master"))
			return true;
	}
	return false;
}

/* Anything that says a machine, not a person, wrote the message. */
static bool
from_machine(const dispo_mail *mail)
{
	static const char *const locals[] = {"mailer-daemon",
	                                     "mailer_daemon",
	                                     "mailerdaemon",
	                                     "postmaster",
	                                     "post_master",
	                                     "mail.delivery.system",
	                                     "mail-daemon",
	                                     "maildelivery",
	                                     "no-reply",
	                                     "noreply",
	                                     "do-not-reply",
	                                     "donotreply",
	                                     NULL};
	static const char *const names[] = {
	    "mail delivery",      "mailer-daemon",     "mailer daemon",
	    "postmaster",         "mail deliver",      "ndr administrator",
	    "mail administrator", "sistem pengiriman", NULL};
	g_autofree char *as = header_word(mail, "Auto-Submitted");
	g_autofree char *from =
	    g_ascii_strdown(header(mail, "From") ? header(mail, "From") : "", -1);

	if (mail->return_path && !*mail->return_path)
		return true;
	/* "MAILER-DAEMON <>" and "<MAILER-DAEMON>" hold no usable mailbox. */
	if (strstr(from, "mailer-daemon") || strstr(from, "postmaster"))
		return true;
	if (as && strcmp(as, "no") != 0)
		return true;
	for (guint i = 0; mail->from && i < mail->from->len; i++) {
		const dispo_mailbox *m = mail->from->pdata[i];
		g_autofree char *name = m->name ? g_utf8_strdown(m->name, -1) : NULL;
		for (size_t k = 0; locals[k]; k++)
			if (local_part_is(m->address, locals[k]))
				return true;
		/* Exchange Online signs its NDRs MicrosoftExchange<hex>@tenant. */
		if (m->address && g_ascii_strncasecmp(m->address, "microsoftexchange", 17) == 0)
			return true;
		if (contains_any(name, names))
			return true;
	}
	return false;
}

/* ---- subjects ------------------------------------------------------------- */

/* The subject lower case without leading [tags] and "*"; NULL when it
 * starts with a reply or forward prefix: a person wrote it. */
static char *
subject_own(const dispo_mail *mail)
{
	static const char *const prefixes[] = {"re",  "aw", "sv", "vs", "antw", "bls",      "balas",
	                                       "fwd", "fw", "tr", "wg", "trs",  "teruskan", NULL};
	const char *p = mail->subject ? mail->subject : "";
	g_autofree char *lower = NULL;
	const char *colon;

	for (;;) {
		p += strspn(p, " \t*");
		if (*p != '[')
			break;
		const char *close = strchr(p, ']');
		if (!close)
			break;
		p = close + 1;
	}
	lower = g_utf8_strdown(p, -1);
	colon = strchr(lower, ':');
	if (colon && colon - lower <= 9) {
		g_autofree char *prefix = g_strndup(lower, (gsize)(colon - lower));
		g_strstrip(prefix);
		if (word_in(prefix, prefixes))
			return NULL;
	}
	return g_steal_pointer(&lower);
}

static bool
bounce_subject(const char *own)
{
	static const char *const words[] = {
	    "undeliver", "undelivered", "returned mail", "returned to sender", "mail delivery",
	    "delivery status notification", "delivery failure", "delivery failed",
	    "delivery has failed", "delivery notification", "delivery status", "failure notice",
	    "could not be delivered", "couldn't be delivered", "not delivered", "non-delivery",
	    "nondeliver", "delivery error", "error sending your mail", "mail system error",
	    "message you sent blocked", "delivery report", "delivery problem",
	    /* Indonesian, as Gmail, Outlook and Indonesian hosts word them */
	    "tidak dapat dikirim", "tidak terkirim", "gagal mengirim", "gagal terkirim",
	    "gagal dikirim", "pengiriman gagal", "kegagalan pengiriman", "surat dikembalikan",
	    "pesan dikembalikan", "status pengiriman", "tidak dapat diantar",
	    /* Russian and Japanese hosts in the shared corpus */
	    "не доставлено", "メールエラー", NULL};

	return contains_any(own, words);
}

static bool
vacation_subject(const char *own)
{
	/* At the start only: "Re: Out of office" is a person answering one. */
	static const char *const starts[] = {"out of office",
	                                     "out of the office",
	                                     "automatic reply",
	                                     "auto reply",
	                                     "auto-reply",
	                                     "autoreply",
	                                     "auto response",
	                                     "auto-response",
	                                     "autoresponse",
	                                     "away from",
	                                     "on vacation",
	                                     "vacation reply",
	                                     "vacation:",
	                                     "i am away",
	                                     "i'm away",
	                                     "balasan otomatis",
	                                     "balas otomatis",
	                                     "jawaban otomatis",
	                                     "di luar kantor",
	                                     "sedang cuti",
	                                     "sedang di luar kantor",
	                                     "sedang tidak di kantor",
	                                     "cuti:",
	                                     NULL};

	for (size_t i = 0; own && starts[i]; i++)
		if (g_str_has_prefix(own, starts[i]))
			return true;
	return false;
}

/* ---- headers --------------------------------------------------------------- */

static bool
auto_reply_headers(const dispo_mail *mail)
{
	static const char *const auto_prec[] = {"auto_reply", "auto-reply", NULL};
	g_autofree char *as = header_word(mail, "Auto-Submitted");
	g_autofree char *prec = header_word(mail, "Precedence");

	/* Auto-Submitted: no is a person's mail saying so; X-Auto-Response-
	 * Suppress only asks others not to answer and is on plenty of it. */
	if (as && strcmp(as, "no") != 0)
		return true;
	if (header(mail, "X-Autoreply") || header(mail, "X-Autorespond") ||
	    header(mail, "X-AutoReply-From") || header(mail, "X-Mail-Autoreply") ||
	    word_in(prec, auto_prec))
		return true;
	/* Outlook's out-of-office: made by an inbox rule and sent with an empty
	 * Return-Path. A rule that forwards keeps the forwarder as sender. */
	return mail->return_path && !*mail->return_path &&
	       (header(mail, "X-MS-Exchange-Inbox-Rules-Loop") ||
	        header(mail, "X-MS-Exchange-Generated-Message-Source"));
}

/* Mail from list software (fml, ezmlm, Mailman), whose refusals are
 * bounces too. */
static bool
from_list_software(const dispo_mail *mail)
{
	return header(mail, "List-Id") || header(mail, "List-Subscribe") ||
	       header(mail, "Mailing-List") || header(mail, "X-MLServer");
}

static bool
list_headers(const dispo_mail *mail)
{
	static const char *const bulk[] = {"bulk", "junk", "list", NULL};
	g_autofree char *prec = header_word(mail, "Precedence");

	return header(mail, "List-Id") || header(mail, "List-Post") || word_in(prec, bulk);
}

/* ---- the verdict ------------------------------------------------------------ */

static bool
all_delivered(const dispo_bounce *b)
{
	static const char *const ok[] = {"delivered", "relayed", "expanded", NULL};
	static const char *const bad[] = {"failed", "delayed", NULL};

	if (b->recipients->len == 0)
		return false;
	for (guint i = 0; i < b->recipients->len; i++) {
		const dispo_bounce_recipient *r = b->recipients->pdata[i];
		/* "deliverable" and other inventions count by their 2.x.x status. */
		bool success = word_in(r->action, ok) ||
		               (!word_in(r->action, bad) && r->status && r->status[0] == '2');
		if (!success)
			return false;
	}
	return true;
}

static dispo_auto_kind
bounce_found(dispo_bounce **out, dispo_bounce *b, const char *format)
{
	if (format)
		b->format = format;
	if (out)
		*out = b;
	else
		reply_bounce_free(b);
	return DISPO_AUTO_BOUNCE;
}

dispo_auto_kind
reply_auto_kind(const dispo_mail *mail, dispo_bounce **bounce)
{
	g_autoptr(dispo_bounce) b = NULL;
	g_autofree char *own = NULL;
	bool machine;

	if (bounce)
		*bounce = NULL;
	if (!mail)
		return DISPO_AUTO_NONE;
	if (g_strcmp0(mail->report_type, "disposition-notification") == 0 ||
	    g_strcmp0(mail->report_type, "feedback-report") == 0)
		return DISPO_AUTO_REPORT;

	b = reply_bounce_read(mail);
	if (g_strcmp0(b->format, "rfc3464") == 0) {
		if (all_delivered(b))
			return DISPO_AUTO_REPORT;
		return bounce_found(bounce, g_steal_pointer(&b), NULL);
	}
	machine = from_machine(mail);
	own = subject_own(mail);
	if ((machine || from_list_software(mail)) && b->format)
		return bounce_found(bounce, g_steal_pointer(&b), NULL);
	if (machine && bounce_subject(own))
		return bounce_found(bounce, g_steal_pointer(&b), "subject");

	if (auto_reply_headers(mail))
		return DISPO_AUTO_REPLY;
	if (list_headers(mail))
		return DISPO_AUTO_LIST;
	if (vacation_subject(own))
		return DISPO_AUTO_REPLY;
	if (from_daemon(mail))
		return bounce_found(bounce, g_steal_pointer(&b), "sender");
	return DISPO_AUTO_NONE;
}
