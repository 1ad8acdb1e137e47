/* SPDX-License-Identifier: GPL-3.0-or-later */
/* envelope.c: a message's top-level header fields into the dispo_mail
 * envelope: every field (a long one dispo does not parse cut), the
 * addresses, subject, message ids and thread, dates and media type; and the
 * same few fields of a message forwarded inside it. */
#include "config.h"

#include "mime/mime-private.h"

#include <string.h>

/* Message ids of References kept: the first and the newest. */
#define MAX_REFERENCES 100

static char *
clean_line(const char *s)
{
	char *c = dispo_utf8_clean(s, -1);

	if (c) {
		g_strdelimit(c, "\n\t", ' ');
		g_strstrip(c);
	}
	return c;
}

static void
add_mailboxes(GPtrArray *out, InternetAddressList *list, unsigned depth)
{
	if (!list || depth > 4)
		return;
	for (int i = 0; i < internet_address_list_length(list); i++) {
		InternetAddress *ia = internet_address_list_get_address(list, i);
		if (INTERNET_ADDRESS_IS_GROUP(ia)) {
			add_mailboxes(
			    out, internet_address_group_get_members(INTERNET_ADDRESS_GROUP(ia)),
			    depth + 1);
		} else if (INTERNET_ADDRESS_IS_MAILBOX(ia)) {
			dispo_mailbox *m = g_new0(dispo_mailbox, 1);
			const char *name = internet_address_get_name(ia);
			m->name = name && *name ? clean_line(name) : NULL;
			m->address = clean_line(
			    internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(ia)));
			g_ptr_array_add(out, m);
		}
	}
}

static void
parse_addresses(GMimeParserOptions *options, GPtrArray *out, const char *value)
{
	g_autoptr(InternetAddressList) list = NULL;

	if (!value)
		return;
	list = internet_address_list_parse(options, value);
	add_mailboxes(out, list, 0);
}

static char *
strip_angles(const char *v)
{
	g_autofree char *s = clean_line(v);
	size_t n;

	if (!s)
		return NULL;
	n = strlen(s);
	if (n >= 2 && s[0] == '<' && s[n - 1] == '>')
		return g_strndup(s + 1, n - 2);
	return g_steal_pointer(&s);
}

/* The message ids of a References field: the first and the newest. A long
 * thread's References names hundreds of messages, oldest first, and the one
 * a reply answers is the last; the first is the thread's start, which RFC
 * 5322 3.6.4 says to keep when trimming. The rest is dropped so that
 * matching looks at a bounded number and an answer's References stays
 * short. GMime's reader is not used: it stops at the first id it does not
 * take (one without '@', a comma between two, a space in one), which a
 * long thread passed through many clients has, and so loses the newest.
 * An id is what stands between '<' and '>'; without any, words with '@'. */
static void
references_read(GPtrArray *out, const char *v)
{
	char *newest[MAX_REFERENCES - 1] = {NULL};
	size_t seen = 0;
	bool angles = v && strchr(v, '<');

	for (const char *p = v; p && *p;) {
		const char *start, *end;
		char *id;
		if (angles) {
			if (!(start = strchr(p, '<')))
				break;
			start++;
			end = start + strcspn(start, "<>");
			p = *end == '>' ? end + 1 : end;
		} else {
			start = p + strspn(p, " \t,");
			end = start + strcspn(start, " \t,");
			p = end;
			if (!memchr(start, '@', (size_t)(end - start)))
				continue;
		}
		{
			g_autofree char *raw = g_strndup(start, (size_t)(end - start));
			id = clean_line(raw);
		}
		if (!*id) {
			g_free(id);
			continue;
		}
		if (seen++ == 0) {
			g_ptr_array_add(out, id);
			continue;
		}
		/* A ring of the newest: slot (seen - 2) mod its size. */
		g_free(newest[(seen - 2) % G_N_ELEMENTS(newest)]);
		newest[(seen - 2) % G_N_ELEMENTS(newest)] = id;
	}
	for (size_t k = seen > G_N_ELEMENTS(newest) + 1 ? seen - 1 - G_N_ELEMENTS(newest) : 0;
	     seen > 1 && k < seen - 1; k++)
		g_ptr_array_add(out, newest[k % G_N_ELEMENTS(newest)]);
}

static dispo_time
header_date(const char *value)
{
	g_autoptr(GDateTime) dt = NULL;

	if (!value)
		return 0;
	dt = g_mime_utils_header_decode_date(value);
	return dt ? g_date_time_to_unix(dt) : 0;
}

bool
mime_envelope_read(dispo_mail *mail, GMimeMessage *msg, GMimeParserOptions *options,
                   const dispo_limits *limits)
{
	GMimeHeaderList *list = g_mime_object_get_header_list(GMIME_OBJECT(msg));
	int count = list ? g_mime_header_list_get_count(list) : 0;
	GMimeObject *top;
	bool ok = true;

	for (int i = 0; i < count; i++) {
		GMimeHeader *h = g_mime_header_list_get_header_at(list, i);
		const char *name = g_mime_header_get_name(h);
		const char *raw = g_mime_header_get_raw_value(h);
		g_autofree char *cut = NULL;
		g_autofree char *unfolded = NULL;
		bool whole;
		dispo_header *dh;

		if (!name)
			continue;
		whole = mime_field_read_whole(name);
		/* Longer fields were cut before GMime read them (copy_piece in
		 * prescan.c); a message over a limit has its header block read
		 * as it is. */
		if (raw && !whole && strlen(raw) > limits->header_size)
			cut = g_strndup(raw, limits->header_size);
		unfolded = raw ? g_mime_utils_header_unfold(cut ? cut : raw) : g_strdup("");
		if (whole && strlen(unfolded) > limits->header_size && ok) {
			/* The prescan counts raw bytes and so stops these first; a
			 * caller that did not run it still gets the limit. */
			ok = false;
			if (mail->status == DISPO_MAIL_PARSED) {
				mail->status = DISPO_MAIL_OVER_LIMIT;
				mail->problem = g_strdup_printf(
				    "header %s is %zu bytes, over the limit of %" G_GUINT64_FORMAT,
				    name, strlen(unfolded), (guint64)limits->header_size);
			}
		}
		dh = g_new0(dispo_header, 1);
		dh->name = clean_line(name);
		dh->value = clean_line(unfolded);
		g_ptr_array_add(mail->headers, dh);

		if (g_ascii_strcasecmp(name, "Received") == 0) {
			const char *semi = strrchr(unfolded, ';');
			/* The newest is the topmost readable one, written by the
			 * receiving server; a later-looking one further down was
			 * written by the sender, who may set any clock. */
			if (!mail->received)
				mail->received = header_date(semi ? semi + 1 : NULL);
		}
	}

	parse_addresses(options, mail->from, mime_mail_header(mail, "From"));
	parse_addresses(options, mail->to, mime_mail_header(mail, "To"));
	parse_addresses(options, mail->cc, mime_mail_header(mail, "Cc"));
	parse_addresses(options, mail->reply_to, mime_mail_header(mail, "Reply-To"));
	parse_addresses(options, mail->sender, mime_mail_header(mail, "Sender"));

	if (mime_mail_header(mail, "Return-Path")) {
		g_autoptr(GPtrArray) rp =
		    g_ptr_array_new_with_free_func((GDestroyNotify)mime_mailbox_free);
		parse_addresses(options, rp, mime_mail_header(mail, "Return-Path"));
		mail->return_path =
		    g_strdup(rp->len ? ((dispo_mailbox *)rp->pdata[0])->address : "");
	}
	if (g_mime_message_get_subject(msg))
		mail->subject = clean_line(g_mime_message_get_subject(msg));
	if (g_mime_message_get_message_id(msg))
		mail->message_id = clean_line(g_mime_message_get_message_id(msg));
	if (mime_mail_header(mail, "In-Reply-To")) {
		g_autoptr(GMimeReferences) refs =
		    g_mime_references_parse(options, mime_mail_header(mail, "In-Reply-To"));
		if (refs && g_mime_references_length(refs) > 0)
			mail->in_reply_to = clean_line(g_mime_references_get_message_id(refs, 0));
		else
			mail->in_reply_to = strip_angles(mime_mail_header(mail, "In-Reply-To"));
	}
	references_read(mail->references, mime_mail_header(mail, "References"));
	mail->date = header_date(mime_mail_header(mail, "Date"));

	top = g_mime_message_get_mime_part(msg);
	if (top) {
		GMimeContentType *ct = g_mime_object_get_content_type(top);
		if (ct) {
			g_autofree char *mt = g_mime_content_type_get_mime_type(ct);
			const char *rt = g_mime_content_type_get_parameter(ct, "report-type");
			mail->content_type = g_ascii_strdown(mt, -1);
			if (rt)
				mail->report_type = g_ascii_strdown(rt, -1);
		}
	}
	return ok;
}

/* The first field called name, unfolded, at most max bytes (the walk's
 * limits were checked on every MIME header already; this is only a cap). */
static char *
first_header(GMimeObject *obj, const char *name, uint64_t max)
{
	GMimeHeaderList *list = g_mime_object_get_header_list(obj);
	int count = list ? g_mime_header_list_get_count(list) : 0;

	for (int i = 0; i < count; i++) {
		GMimeHeader *h = g_mime_header_list_get_header_at(list, i);
		const char *raw = g_mime_header_get_raw_value(h);
		if (!raw || g_ascii_strcasecmp(g_mime_header_get_name(h), name) != 0)
			continue;
		if (strlen(raw) > max)
			return NULL;
		return g_mime_utils_header_unfold(raw);
	}
	return NULL;
}

dispo_forward *
mime_forward_read(GMimeMessage *inner, GMimeParserOptions *options, const char *part_id,
                  uint64_t header_size)
{
	dispo_forward *f = g_new0(dispo_forward, 1);
	GMimeObject *obj = GMIME_OBJECT(inner);
	g_autofree char *from = first_header(obj, "From", header_size);
	g_autofree char *date = first_header(obj, "Date", header_size);

	f->part_id = g_strdup(*part_id ? part_id : "1");
	f->from = g_ptr_array_new_with_free_func((GDestroyNotify)mime_mailbox_free);
	if (from) {
		g_autofree char *clean = clean_line(from);
		parse_addresses(options, f->from, clean);
	}
	if (g_mime_message_get_subject(inner))
		f->subject = clean_line(g_mime_message_get_subject(inner));
	if (g_mime_message_get_message_id(inner))
		f->message_id = clean_line(g_mime_message_get_message_id(inner));
	f->date = header_date(date);
	return f;
}
