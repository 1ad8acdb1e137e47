/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mail.c: the dispo_mail value: allocation, header lookup and the stable
 * text dump the golden tests compare. */
#include "config.h"

#include "mime/mime-private.h"

#include <string.h>

const char *
mime_mail_status_name(dispo_mail_status status)
{
	switch (status) {
	case DISPO_MAIL_PARSED: return "parsed";
	case DISPO_MAIL_OVER_LIMIT: return "over_limit";
	case DISPO_MAIL_UNPARSEABLE: return "unparseable";
	}
	return "unknown";
}

void
mime_mailbox_free(dispo_mailbox *m)
{
	if (!m)
		return;
	g_free(m->name);
	g_free(m->address);
	g_free(m);
}

static void
header_free(dispo_header *h)
{
	if (!h)
		return;
	g_free(h->name);
	g_free(h->value);
	g_free(h);
}

void
mime_attachment_free(dispo_attachment *a)
{
	if (!a)
		return;
	g_free(a->filename);
	g_free(a->content_type);
	g_free(a->disposition);
	g_free(a->part_id);
	g_free(a->path);
	g_free(a);
}

void
mime_forward_free(dispo_forward *f)
{
	if (!f)
		return;
	g_free(f->part_id);
	if (f->from)
		g_ptr_array_unref(f->from);
	g_free(f->subject);
	g_free(f->message_id);
	g_free(f->body);
	g_free(f);
}

static GPtrArray *
mailbox_array(void)
{
	return g_ptr_array_new_with_free_func((GDestroyNotify)mime_mailbox_free);
}

dispo_mail *
mime_mail_new(void)
{
	dispo_mail *m = g_new0(dispo_mail, 1);

	m->status = DISPO_MAIL_PARSED;
	m->warnings = g_ptr_array_new_with_free_func(g_free);
	m->headers = g_ptr_array_new_with_free_func((GDestroyNotify)header_free);
	m->from = mailbox_array();
	m->to = mailbox_array();
	m->cc = mailbox_array();
	m->reply_to = mailbox_array();
	m->sender = mailbox_array();
	m->references = g_ptr_array_new_with_free_func(g_free);
	m->attachments = g_ptr_array_new_with_free_func((GDestroyNotify)mime_attachment_free);
	m->forwards = g_ptr_array_new_with_free_func((GDestroyNotify)mime_forward_free);
	return m;
}

void
mime_mail_free(dispo_mail *m)
{
	if (!m)
		return;
	g_free(m->problem);
	g_ptr_array_unref(m->warnings);
	g_ptr_array_unref(m->headers);
	g_ptr_array_unref(m->from);
	g_ptr_array_unref(m->to);
	g_ptr_array_unref(m->cc);
	g_ptr_array_unref(m->reply_to);
	g_ptr_array_unref(m->sender);
	g_free(m->return_path);
	g_free(m->subject);
	g_free(m->message_id);
	g_free(m->in_reply_to);
	g_ptr_array_unref(m->references);
	g_free(m->content_type);
	g_free(m->report_type);
	g_free(m->delivery_status);
	g_free(m->enclosed_headers);
	g_free(m->body);
	g_ptr_array_unref(m->attachments);
	g_ptr_array_unref(m->forwards);
	g_free(m);
}

const char *
mime_mail_header(const dispo_mail *mail, const char *name)
{
	for (guint i = 0; i < mail->headers->len; i++) {
		const dispo_header *h = mail->headers->pdata[i];
		if (g_ascii_strcasecmp(h->name, name) == 0)
			return h->value;
	}
	return NULL;
}

const char *
mime_mail_thread_id(const dispo_mail *mail, guint i)
{
	guint refs = mail->references->len;

	if (mail->in_reply_to) {
		if (i == 0)
			return mail->in_reply_to;
		i--;
	}
	return i < refs ? mail->references->pdata[refs - 1 - i] : NULL;
}

const char **
mime_mail_headers(const dispo_mail *mail, const char *name)
{
	GPtrArray *out = g_ptr_array_new();

	for (guint i = 0; i < mail->headers->len; i++) {
		const dispo_header *h = mail->headers->pdata[i];
		if (g_ascii_strcasecmp(h->name, name) == 0)
			g_ptr_array_add(out, h->value);
	}
	g_ptr_array_add(out, NULL);
	return (const char **)g_ptr_array_free(out, FALSE);
}

char *
mime_mailbox_format(const dispo_mailbox *m)
{
	if (m->name)
		return g_strdup_printf("\"%s\" <%s>", m->name, m->address ? m->address : "");
	return g_strdup_printf("<%s>", m->address ? m->address : "");
}

static void
dump_mailboxes(GString *out, const char *label, const GPtrArray *list)
{
	g_string_append_printf(out, "%s:", label);
	for (guint i = 0; i < list->len; i++) {
		g_autofree char *s = mime_mailbox_format(list->pdata[i]);
		g_string_append_printf(out, "%s %s", i ? "," : "", s);
	}
	g_string_append_c(out, '\n');
}

static void
dump_time(GString *out, const char *label, dispo_time t, GTimeZone *tz)
{
	if (t) {
		g_autofree char *s = dispo_time_format_iso8601(t, tz);
		g_string_append_printf(out, "%s: %s\n", label, s);
	} else {
		g_string_append_printf(out, "%s: -\n", label);
	}
}

#define OR_DASH(s) ((s) ? (s) : "-")

char *
mime_mail_dump(const dispo_mail *m, GTimeZone *tz)
{
	GString *out = g_string_new(NULL);

	g_string_append_printf(out, "status: %s\n", mime_mail_status_name(m->status));
	g_string_append_printf(out, "problem: %s\n", OR_DASH(m->problem));
	for (guint i = 0; i < m->warnings->len; i++)
		g_string_append_printf(out, "warning: %s\n", (const char *)m->warnings->pdata[i]);
	dump_mailboxes(out, "from", m->from);
	dump_mailboxes(out, "sender", m->sender);
	dump_mailboxes(out, "to", m->to);
	dump_mailboxes(out, "cc", m->cc);
	dump_mailboxes(out, "reply-to", m->reply_to);
	g_string_append_printf(out, "return-path: %s\n", OR_DASH(m->return_path));
	g_string_append_printf(out, "subject: %s\n", OR_DASH(m->subject));
	g_string_append_printf(out, "message-id: %s\n", OR_DASH(m->message_id));
	g_string_append_printf(out, "in-reply-to: %s\n", OR_DASH(m->in_reply_to));
	g_string_append(out, "references:");
	for (guint i = 0; i < m->references->len; i++)
		g_string_append_printf(out, " %s", (const char *)m->references->pdata[i]);
	g_string_append_c(out, '\n');
	dump_time(out, "date", m->date, tz);
	dump_time(out, "received", m->received, tz);
	g_string_append_printf(out, "content-type: %s\n", OR_DASH(m->content_type));
	if (m->report_type)
		g_string_append_printf(out, "report-type: %s\n", m->report_type);
	g_string_append_printf(out, "auto-submitted: %s\n",
	                       OR_DASH(mime_mail_header(m, "Auto-Submitted")));
	g_string_append_printf(out, "authentication-results: %s\n",
	                       OR_DASH(mime_mail_header(m, "Authentication-Results")));
	g_string_append_printf(out, "parts: %u depth: %u forwarded: %u\n", m->parts, m->depth,
	                       m->forwarded);
	for (guint i = 0; i < m->attachments->len; i++) {
		const dispo_attachment *a = m->attachments->pdata[i];
		g_string_append_printf(out,
		                       "attachment %u: part=%s depth=%u type=%s disposition=%s "
		                       "size=%" G_GUINT64_FORMAT " sha256=%s\n  name: %s\n",
		                       i + 1, a->part_id, a->depth, a->content_type,
		                       OR_DASH(a->disposition), (guint64)a->size, a->sha256,
		                       a->filename ? a->filename : "(none)");
	}
	for (guint i = 0; i < m->forwards->len; i++) {
		const dispo_forward *f = m->forwards->pdata[i];
		g_string_append_printf(out, "forward %u: part=%s message-id=%s\n", i + 1,
		                       f->part_id, OR_DASH(f->message_id));
		dump_mailboxes(out, "  from", f->from);
		g_string_append_printf(out, "  subject: %s\n", OR_DASH(f->subject));
		dump_time(out, "  date", f->date, tz);
		g_string_append_printf(out, "  body: %s, %zu bytes\n",
		                       !f->body            ? "-"
		                       : f->body_from_html ? "from html"
		                                           : "text",
		                       f->body ? strlen(f->body) : 0);
	}
	if (m->body) {
		g_auto(GStrv) lines = g_strsplit(m->body, "\n", -1);
		g_string_append_printf(out, "body (%s, %zu bytes):\n",
		                       m->body_from_html ? "from html" : "text", strlen(m->body));
		for (size_t i = 0; lines[i]; i++) {
			if (!lines[i + 1] && !*lines[i])
				break;
			g_string_append_printf(out, "| %s\n", lines[i]);
		}
	} else {
		g_string_append(out, "body: -\n");
	}
	return g_string_free(out, FALSE);
}
