/* SPDX-License-Identifier: GPL-3.0-or-later */
/* answer.c: the emails intake sends back (acknowledgement, refusal,
 * confirmation): rendered from templates, composed by the mime module,
 * stored by hash and queued as outbox rows in the intake's transaction. */
#include "config.h"

#include "ingest/ingest-private.h"
#include "template/template.h"

#include <gio/gio.h>
#include <stdio.h>
#include <string.h>

char *
intake_date_text(dispo_time t, GTimeZone *tz, const char *lang)
{
	g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc(t);
	g_autoptr(GDateTime) d = g_date_time_to_timezone(utc, tz);
	g_autofree char *zone = g_date_time_format(d, "%Z");
	bool en = g_strcmp0(lang, "en") == 0;
	const char *abbr = zone;

	/* Indonesia's zones by their own names, not "+07". */
	if (g_date_time_get_utc_offset(d) == 7 * G_TIME_SPAN_HOUR)
		abbr = "WIB";
	else if (g_date_time_get_utc_offset(d) == 8 * G_TIME_SPAN_HOUR)
		abbr = "WITA";
	else if (g_date_time_get_utc_offset(d) == 9 * G_TIME_SPAN_HOUR)
		abbr = "WIT";
	return g_strdup_printf(en ? "%d %s %d, %02d:%02d %s" : "%d %s %d pukul %02d.%02d %s",
	                       g_date_time_get_day_of_month(d),
	                       dispo_month_name(g_date_time_get_month(d), lang),
	                       g_date_time_get_year(d), g_date_time_get_hour(d),
	                       g_date_time_get_minute(d), abbr);
}

char *
intake_day_text(const char *ymd, const char *lang)
{
	int y, m, d;
	char end;

	if (!ymd || sscanf(ymd, "%4d-%2d-%2d%c", &y, &m, &d, &end) != 3 || m < 1 || m > 12 ||
	    !g_date_valid_dmy(d, m, y))
		return NULL;
	return g_strdup_printf("%d %s %d", d, dispo_month_name(m, lang), y);
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

/* "Kepala Seksi TI dan Persandian (Agus Prasetyo, S.Kom.)": a role by its
 * title and whoever holds it at `at`. */
static char *
role_in_words(dispo_ingest *ing, const char *key, dispo_time at)
{
	const dispo_rules_role *role = rules_role_get(ing->opt.rules, key);
	g_autoptr(GPtrArray) holders =
	    store_role_holders(ing->store, key, at, ing->config->tz, NULL);
	GString *out = g_string_new(role && role->title ? role->title : key);
	bool en = g_strcmp0(ing->config->language, "en") == 0;

	for (guint i = 0; holders && i < holders->len; i++) {
		const dispo_employee *e = holders->pdata[i];
		g_string_append(out, i == 0 ? " (" : en ? " or " : " atau ");
		g_string_append(out, e->name);
		if (i + 1 == holders->len)
			g_string_append_c(out, ')');
	}
	return g_string_free(out, false);
}

char *
intake_explanation(dispo_ingest *ing, const dispo_rules_workflow *wf, const char *code,
                   const char *detail, const char *word, dispo_time at, bool discreet)
{
	GKeyFile *kf = reason_texts(ing);
	const dispo_rules_step *step = wf && detail ? rules_step_get(wf, detail) : NULL;
	g_autofree char *key = NULL;
	g_autofree char *text = NULL;
	g_autofree char *role = NULL;
	g_autoptr(JsonBuilder) b = json_builder_new();
	g_autoptr(JsonNode) data = NULL;
	char *out;

	/* Someone who may not learn where a request is learns only that. */
	if (discreet)
		key = g_strdup("not_permitted");
	else if (g_strcmp0(code, "not_your_step") == 0 && g_strcmp0(detail, "applicant") == 0)
		key = g_strdup("not_your_step_applicant");
	else
		key = g_strdup(code ? code : "unknown");
	text = g_key_file_get_string(kf, "explanations", key, NULL);
	if (!text)
		text = g_key_file_get_string(kf, "explanations", "unknown", NULL);
	if (!text)
		return g_strdup(g_strcmp0(ing->config->language, "en") == 0
		                    ? "dispo could not carry out your reply."
		                    : "balasan Anda tidak dapat kami jalankan.");
	if (detail && !step && rules_role_get(ing->opt.rules, detail))
		role = role_in_words(ing, detail, at);
	json_builder_begin_object(b);
	intake_json_string(b, "step", step ? step->title : NULL);
	intake_json_string(b, "role", role);
	intake_json_string(b, "word", word);
	/* Nothing else of the detail: it is the engine's (step and role
	 * keys, command names), never for people. */
	json_builder_end_object(b);
	data = json_builder_get_root(b);
	out = template_render(text, data, NULL, DISPO_TEMPLATE_ESCAPE_NONE, NULL);
	return out ? out : g_steal_pointer(&text);
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

/* ---- what every email's template may use ------------------------------ */

static void
object_set_string(JsonObject *o, const char *name, const char *value)
{
	if (value)
		json_object_set_string_member(o, name, value);
	else
		json_object_set_null_member(o, name);
}

/* "office": who signs. The administrator is named only when there is
 * one: people are never told to write to the robot's own mailbox. */
static JsonObject *
office_object(const dispo_config *c, const dispo_rules_workflow *wf)
{
	JsonObject *o = json_object_new();

	object_set_string(o, "name", c->office_name);
	object_set_string(o, "service", c->service_name);
	object_set_string(o, "mailbox", wf->mailbox);
	object_set_string(o, "admin", c->admin_address);
	object_set_string(o, "phone", c->letter_phone);
	object_set_string(o, "website", c->letter_website);
	return o;
}

static const char *
object_string(JsonObject *o, const char *member)
{
	JsonNode *n = o && json_object_has_member(o, member) ? json_object_get_member(o, member)
	                                                     : NULL;
	return n && JSON_NODE_HOLDS_VALUE(n) && json_node_get_value_type(n) == G_TYPE_STRING
	           ? json_node_get_string(n)
	           : NULL;
}

static JsonObject *
object_object(JsonObject *o, const char *member)
{
	JsonNode *n = o && json_object_has_member(o, member) ? json_object_get_member(o, member)
	                                                     : NULL;
	return n && JSON_NODE_HOLDS_OBJECT(n) ? json_node_get_object(n) : NULL;
}

/* "greeting": the recipient as a letter addresses them, by the register
 * (name and the NIP's gender), else by what the application says of its
 * applicant, else "Bapak/Ibu"; the gender found, for "honorific". */
static char *
greeting(dispo_ingest *ing, JsonObject *data, const char *to, dispo_gender *gender)
{
	g_autoptr(dispo_employee) emp = NULL;
	JsonObject *applicant = object_object(data, "applicant");
	const char *lang = ing->config->language;

	*gender = DISPO_GENDER_UNKNOWN;
	if (to && store_employee_find_by_email(ing->store, to, &emp, NULL) && emp) {
		*gender = dispo_gender_of_nip(emp->nip);
		return dispo_salutation(emp->name, *gender, lang);
	}
	if (applicant && to && g_ascii_strcasecmp(to, object_string(applicant, "email") ?: "") == 0) {
		g_autofree char *nip = NULL;
		const char *form_nip = object_string(applicant, "nip");
		if (form_nip)
			policy_nip_check(form_nip, 0, &nip, NULL);
		*gender = dispo_gender_of_nip(nip);
		return dispo_salutation(object_string(applicant, "name"), *gender, lang);
	}
	return dispo_salutation(NULL, DISPO_GENDER_UNKNOWN, lang);
}

/* "attachments": what the email carries, so that its text lists exactly
 * that (the generated letter included). */
static JsonArray *
attachments_array(const GArray *files)
{
	JsonArray *list = json_array_new();

	for (guint i = 0; files && i < files->len; i++) {
		const dispo_answer_file *f = &g_array_index(files, dispo_answer_file, i);
		JsonObject *o = json_object_new();
		g_autoptr(GFile) file = g_file_new_for_path(f->path);
		g_autoptr(GFileInfo) info = g_file_query_info(
		    file, G_FILE_ATTRIBUTE_STANDARD_SIZE, G_FILE_QUERY_INFO_NONE, NULL, NULL);
		object_set_string(o, "name", f->name);
		if (info) {
			g_autofree char *size = dispo_size_format(g_file_info_get_size(info));
			object_set_string(o, "size", size);
		}
		json_object_set_boolean_member(o, "generated", f->generated);
		json_array_add_object_element(list, o);
	}
	return list;
}

static void
data_complete(dispo_ingest *ing, const dispo_rules_workflow *wf, const dispo_answer *a,
              JsonObject *data)
{
	dispo_gender gender;
	g_autofree char *hello = greeting(ing, data, a->to, &gender);

	json_object_set_object_member(data, "office", office_object(ing->config, wf));
	json_object_set_string_member(data, "greeting", hello);
	/* How the text says "you" to them in Indonesian: Bapak, Ibu, Bapak/Ibu. */
	json_object_set_string_member(data, "honorific", dispo_honorific(gender));
	json_object_set_array_member(data, "attachments", attachments_array(a->files));
	json_object_set_boolean_member(data, "has_attachments", a->files && a->files->len > 0);
	json_object_set_string_member(data, "reply_address", a->reply_to ? a->reply_to : wf->mailbox);
}

/* RFC 6068: a mailto: URL's subject and body, percent-encoded as UTF-8. */
static char *
mailto_url(const char *to, const char *subject, const char *body)
{
	g_autofree char *s = g_uri_escape_string(subject, NULL, false);
	g_autofree char *b = g_uri_escape_string(body, NULL, false);

	return g_strdup_printf("mailto:%s?subject=%s&body=%s", to, s, b);
}

/* Each command of an official's email gets "mailto": a link whose email,
 * sent as it is, answers with that word (TOLAK and KEMBALIKAN only start
 * the line: the reason is the official's to write, and without one the
 * reply is answered, never obeyed). */
static void
commands_mailto(JsonObject *data, const char *reply_address, const char *subject)
{
	JsonNode *n = json_object_has_member(data, "commands")
	                  ? json_object_get_member(data, "commands")
	                  : NULL;
	JsonArray *cmds = n && JSON_NODE_HOLDS_ARRAY(n) ? json_node_get_array(n) : NULL;
	g_autofree char *re = g_strdup_printf("Re: %s", subject);

	for (guint i = 0; cmds && i < json_array_get_length(cmds); i++) {
		JsonObject *cmd = json_array_get_object_element(cmds, i);
		const char *word = cmd ? object_string(cmd, "word") : NULL;
		g_autofree char *body = NULL;
		g_autofree char *url = NULL;
		if (!word)
			continue;
		body = g_strdup_printf("%s%s", word,
		                       json_object_get_boolean_member_with_default(cmd, "needs_reason",
		                                                                   false)
		                           ? " "
		                           : "");
		url = mailto_url(reply_address, re, body);
		json_object_set_string_member(cmd, "mailto", url);
	}
}

/* An email to the applicant that answers no message of theirs (the
 * decision, a request to correct) goes in the thread of the
 * acknowledgement they received, not under an official's reply they
 * never saw. */
static bool
thread_under_acknowledgement(dispo_ingest *ing, const dispo_answer *a, char **in_reply_to,
                             char **references, GError **error)
{
	g_autoptr(dispo_outbox_row) ack = NULL;
	g_autofree char *first = NULL;
	GError *e = NULL;

	*in_reply_to = *references = NULL;
	ack = store_outbox_first_of_kind(ing->store, a->request_id, "acknowledgement", a->to, &e);
	if (!ack) {
		if (!g_error_matches(e, DISPO_STORE_ERROR, DISPO_STORE_ERROR_NOT_FOUND)) {
			g_propagate_error(error, e);
			return false;
		}
		g_clear_error(&e);
		return true;
	}
	if (!store_request_message_id(ing->store, a->request_id, &first, error))
		return false;
	*in_reply_to = g_strdup_printf("<%s>", ack->message_id);
	*references = first ? g_strdup_printf("<%s> <%s>", first, ack->message_id)
	                    : g_strdup(*in_reply_to);
	return true;
}

bool
intake_answer(dispo_ingest *ing, const dispo_rules_workflow *wf, const dispo_answer *a,
              int64_t *outbox_id, char **message_id, GError **error)
{
	const dispo_config *c = ing->config;
	g_autoptr(dispo_email_text) email = NULL;
	g_autofree char *token = dispo_random_token(15);
	g_autofree char *mid = g_strdup_printf("%s@%s", token, mailbox_domain(wf->mailbox));
	g_autofree char *name = display_name(c->sender_name);
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

	g_autofree char *body = NULL;
	g_autofree char *html = NULL;
	g_autofree char *irt = NULL;
	g_autofree char *refs = NULL;
	JsonObject *tdata = a->data && JSON_NODE_HOLDS_OBJECT(a->data) ? json_node_get_object(a->data)
	                                                              : NULL;

	if (tdata)
		data_complete(ing, wf, a, tdata);
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

	/* Wrapped after the values went in, so that a long name or unit
	 * cannot push a line past what a phone shows. */
	body = dispo_text_flow(email->body, 72);
	comp = mime_compose_new(from, a->to, subject, body);
	mime_compose_set_flowed(comp);
	if (tdata) {
		commands_mailto(tdata, a->reply_to ? a->reply_to : wf->mailbox, subject);
		html = template_html_render(c->templates_dir, c->language, a->template, a->data,
		                            error);
		if (!html && error && *error)
			return false;
		if (html)
			mime_compose_set_html(comp, html);
	}
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
	if (a->thread_acknowledgement && a->request_id &&
	    !thread_under_acknowledgement(ing, a, &irt, &refs, error))
		return false;
	if (!irt && a->answers && a->answers->message_id) {
		GString *r = g_string_new(NULL);
		irt = g_strdup_printf("<%s>", a->answers->message_id);
		for (guint i = 0; i < a->answers->references->len; i++)
			g_string_append_printf(r, "<%s> ", (char *)a->answers->references->pdata[i]);
		g_string_append(r, irt);
		refs = g_string_free(r, false);
	}
	if (irt) {
		mime_compose_set_header(comp, "In-Reply-To", irt);
		mime_compose_set_header(comp, "References", refs);
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
