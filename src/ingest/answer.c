/* SPDX-License-Identifier: GPL-3.0-or-later */
/* answer.c: the emails intake sends back (acknowledgement, refusal,
 * confirmation): rendered from templates, composed by the mime module,
 * stored by hash and queued as outbox rows in the intake's transaction. */
#include "config.h"

#include "ingest/ingest-private.h"
#include "template/template.h"

#include <gio/gio.h>
#include <string.h>

static const char *const months_id[] = {"Januari",   "Februari", "Maret",    "April",
                                        "Mei",       "Juni",     "Juli",     "Agustus",
                                        "September", "Oktober",  "November", "Desember"};
static const char *const months_en[] = {"January",   "February", "March",    "April",
                                        "May",       "June",     "July",     "August",
                                        "September", "October",  "November", "December"};

char *
intake_date_text(dispo_time t, GTimeZone *tz, const char *lang)
{
	g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc(t);
	g_autoptr(GDateTime) d = g_date_time_to_timezone(utc, tz);
	g_autofree char *zone = g_date_time_format(d, "%Z");
	bool en = g_strcmp0(lang, "en") == 0;
	int m = g_date_time_get_month(d) - 1;
	const char *abbr = zone;

	/* Indonesia's zones by their own names, not "+07". */
	if (g_date_time_get_utc_offset(d) == 7 * G_TIME_SPAN_HOUR)
		abbr = "WIB";
	else if (g_date_time_get_utc_offset(d) == 8 * G_TIME_SPAN_HOUR)
		abbr = "WITA";
	else if (g_date_time_get_utc_offset(d) == 9 * G_TIME_SPAN_HOUR)
		abbr = "WIT";
	return g_strdup_printf(en ? "%d %s %d, %02d:%02d %s" : "%d %s %d pukul %02d.%02d %s",
	                       g_date_time_get_day_of_month(d), (en ? months_en : months_id)[m],
	                       g_date_time_get_year(d), g_date_time_get_hour(d),
	                       g_date_time_get_minute(d), abbr);
}

static GKeyFile *
reason_texts(dispo_ingest *ing)
{
	if (!ing->reason_texts) {
		const dispo_config *c = ing->config;
		const char *langs[] = {c->language, "id"};
		ing->reason_texts = g_key_file_new();
		for (size_t i = 0; i < G_N_ELEMENTS(langs); i++) {
			g_autofree char *loc =
			    g_strdup_printf("%s/%s/reasons.ini", c->templates_dir, langs[i]);
			g_autoptr(GFile) f =
			    strstr(loc, "://") ? g_file_new_for_uri(loc) : g_file_new_for_path(loc);
			g_autofree char *text = NULL;
			gsize len;
			if (g_file_load_contents(f, NULL, &text, &len, NULL, NULL) &&
			    g_key_file_load_from_data(ing->reason_texts, text, len, G_KEY_FILE_NONE,
			                              NULL))
				break;
		}
	}
	return ing->reason_texts;
}

char *
intake_reason_text(dispo_ingest *ing, const dispo_reason *r)
{
	GKeyFile *kf = reason_texts(ing);
	g_autofree char *key = g_strdup(r->code);
	g_autofree char *text = NULL;

	/* missing_ktp → missing, field_missing_unit_kerja → … → field_missing:
	 * one sentence serves a family of codes unless a specific one exists. */
	for (;;) {
		char *us;
		text = g_key_file_get_string(kf, "reasons", key, NULL);
		if (text || !(us = strrchr(key, '_')))
			break;
		*us = '\0';
	}
	if (!text)
		return g_strdup(r->detail ? r->detail : r->code);
	{
		g_autoptr(JsonBuilder) b = json_builder_new();
		g_autoptr(JsonNode) data = NULL;
		char *out;
		json_builder_begin_object(b);
		json_builder_set_member_name(b, "subject");
		json_builder_add_string_value(b, r->subject ? r->subject : "");
		json_builder_set_member_name(b, "detail");
		json_builder_add_string_value(b, r->detail ? r->detail : "");
		json_builder_end_object(b);
		data = json_builder_get_root(b);
		out = template_render(text, data, NULL, DISPO_TEMPLATE_ESCAPE_NONE, NULL);
		return out ? out : g_strdup(text);
	}
}

static const char *
mailbox_domain(const char *mailbox)
{
	const char *at = strrchr(mailbox, '@');
	return at ? at + 1 : "localhost";
}

char *
intake_reply_address(const dispo_rules_workflow *wf, const char *token)
{
	size_t local = strcspn(wf->mailbox, "@");

	return g_strdup_printf("%.*s+%s%s", (int)local, wf->mailbox, token, wf->mailbox + local);
}

bool
intake_answer_allowed(dispo_ingest *ing, const dispo_rules_workflow *wf, const char *address,
                      dispo_time at, bool limited, bool *allowed, GError **error)
{
	int64_t n = 0;

	*allowed = false;
	if (!address || !*address)
		return true;
	/* Never to ourselves (a loop), never to a plus-address of ours. */
	if (wf && g_ascii_strcasecmp(mailbox_domain(address), mailbox_domain(wf->mailbox)) == 0) {
		size_t local = strcspn(wf->mailbox, "@");
		if (g_ascii_strncasecmp(address, wf->mailbox, local) == 0 &&
		    (address[local] == '@' || address[local] == '+'))
			return true;
	}
	if (!limited) {
		*allowed = true;
		return true;
	}
	/* Per hour against a burst, per day against a loop slower than an
	 * hour per round trip (each answer answered by a blind responder). */
	if (!store_outbox_count_to(ing->store, address, at - 3600, &n, error))
		return false;
	if (n >= (int64_t)ing->config->answers_per_hour)
		return true;
	if (!store_outbox_count_to(ing->store, address, at - 86400, &n, error))
		return false;
	*allowed = n < (int64_t)ing->config->answers_per_day;
	return true;
}

/* Takes the display name out of anything that could end it. */
static char *
display_name(const char *title)
{
	g_autofree char *clean = dispo_utf8_clean(title ? title : "dispo", -1);
	return g_strdelimit(g_strdup(clean), "\"\\<>\n\t", ' ');
}

/* The addresses of a Cc value ("a@x, Name <b@x>") added to list once each,
 * To excluded. What cannot be sent fails the email at the outbox's gate,
 * loudly, rather than being dropped here. */
static void
cc_add(GPtrArray *list, const char *value, const char *to)
{
	g_auto(GStrv) items = g_strsplit(value, ",", -1);

	for (size_t i = 0; items[i]; i++) {
		char *a = items[i];
		char *lt = strrchr(a, '<');
		char *gt = lt ? strchr(lt, '>') : NULL;
		bool seen;
		if (lt && gt) {
			*gt = '\0';
			a = lt + 1;
		}
		a = g_strstrip(a);
		seen = !*a || g_ascii_strcasecmp(a, to) == 0;
		for (guint k = 0; !seen && k < list->len; k++)
			seen = g_ascii_strcasecmp(a, list->pdata[k]) == 0;
		if (!seen)
			g_ptr_array_add(list, g_ascii_strdown(a, -1));
	}
}

bool
intake_answer(dispo_ingest *ing, const dispo_rules_workflow *wf, const dispo_answer *a,
              int64_t *outbox_id, char **message_id, GError **error)
{
	const dispo_config *c = ing->config;
	g_autoptr(dispo_email_text) email = NULL;
	g_autofree char *token = dispo_random_token(15);
	g_autofree char *mid = g_strdup_printf("%s@%s", token, mailbox_domain(wf->mailbox));
	g_autofree char *name = display_name(wf->title);
	g_autofree char *from = g_strdup_printf("\"%s\" <%s>", name, wf->mailbox);
	g_autofree char *subject = NULL;
	g_autoptr(dispo_compose) comp = NULL;
	g_autoptr(GBytes) bytes = NULL;
	g_autoptr(dispo_spool) spool = NULL;
	g_autoptr(GPtrArray) cc = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GString) cc_header = g_string_new(a->cc);
	g_autofree char *cc_addr = NULL;
	gsize len;
	const char *data;

	email = template_email_render(c->templates_dir, c->language, a->template, a->data, error);
	if (!email)
		return false;
	/* The request's tag leads the subject so that any reply finds it. */
	if (a->request) {
		g_autofree char *tag = g_strdup_printf("[%s]", a->request);
		subject = strstr(email->subject, tag)
		              ? g_strdup(email->subject)
		              : g_strdup_printf("%s %s", tag, email->subject);
	} else
		subject = g_strdup(email->subject);

	comp = mime_compose_new(from, a->to, subject, email->body);
	mime_compose_set_message_id(comp, mid);
	mime_compose_set_date(comp, a->at, c->tz);
	mime_compose_set_header(comp, "Reply-To", a->reply_to ? a->reply_to : wf->mailbox);
	/* RFC 3834: an answer to a message is auto-replied, a workflow email
	 * auto-generated; nobody should answer either automatically (Exchange
	 * reads the second header). */
	mime_compose_set_header(comp, "Auto-Submitted",
	                        a->generated ? "auto-generated" : "auto-replied");
	mime_compose_set_header(comp, "X-Auto-Response-Suppress", "All");
	if (a->request)
		mime_compose_set_header(comp, "X-Dispo-Request", a->request);
	if (a->step)
		mime_compose_set_header(comp, "X-Dispo-Step", a->step);
	if (a->answers && a->answers->message_id) {
		GString *refs = g_string_new(NULL);
		g_autofree char *irt = g_strdup_printf("<%s>", a->answers->message_id);
		for (guint i = 0; i < a->answers->references->len; i++)
			g_string_append_printf(refs, "<%s> ",
			                       (char *)a->answers->references->pdata[i]);
		g_string_append(refs, irt);
		mime_compose_set_header(comp, "In-Reply-To", irt);
		mime_compose_set_header(comp, "References", refs->str);
		g_string_free(refs, true);
	}
	if (a->cc)
		cc_add(cc, a->cc, a->to);
	for (guint i = 0; i + 1 < email->headers->len; i += 2) {
		const char *field = email->headers->pdata[i];
		const char *value = email->headers->pdata[i + 1];
		/* A template's Cc joins ours in one field, and its addresses
		 * are named to the server too: a Cc: only in the header would
		 * say the email went where it never did. */
		if (g_ascii_strcasecmp(field, "Cc") == 0) {
			cc_add(cc, value, a->to);
			g_string_append_printf(cc_header, "%s%s", cc_header->len ? ", " : "",
			                       value);
			continue;
		}
		mime_compose_set_header(comp, field, value);
	}
	if (cc_header->len)
		mime_compose_set_header(comp, "Cc", cc_header->str);
	if (cc->len) {
		g_ptr_array_add(cc, NULL);
		cc_addr = g_strjoinv(",", (char **)cc->pdata);
	}
	for (guint i = 0; a->files && i < a->files->len; i++) {
		const dispo_answer_file *f = &g_array_index(a->files, dispo_answer_file, i);
		g_autofree char *fdata = NULL;
		gsize flen;
		g_autoptr(GError) fe = NULL;
		if (!g_file_get_contents(f->path, &fdata, &flen, &fe)) {
			g_set_error(error, DISPO_IO_ERROR, DISPO_IO_ERROR_TEMPORARY,
			            "cannot attach %s: %s", f->name, fe->message);
			return false;
		}
		mime_compose_attach(comp, f->name, f->content_type, fdata, flen);
	}
	bytes = mime_compose_render(comp);
	data = g_bytes_get_data(bytes, &len);

	spool = store_spool_new(ing->store, error);
	if (!spool || !store_spool_write(spool, data, len, error) ||
	    !store_spool_finish(spool, error) ||
	    !store_spool_commit(ing->store, spool, ing->opt.batch <= 1, error))
		return false;
	ing->answered = true;
	{
		dispo_outbox_new row = {
		    .request_id = a->request_id,
		    .step = a->step,
		    .template = a->template,
		    .kind = a->kind,
		    .message_id = mid,
		    .to_addr = a->to,
		    .cc_addr = cc_addr,
		    .reply_to = a->reply_to ? a->reply_to : wf->mailbox,
		    .blob_sha256 = store_spool_sha256(spool),
		    .answers_message = a->answers_message,
		    .created_at = a->at,
		};
		if (!store_outbox_insert(ing->store, &row, outbox_id, error))
			return false;
	}
	if (a->message_id)
		*a->message_id = g_strdup(mid);
	if (message_id)
		*message_id = g_steal_pointer(&mid);
	return true;
}
