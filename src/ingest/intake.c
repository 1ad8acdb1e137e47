/* SPDX-License-Identifier: GPL-3.0-or-later */
/* intake.c: what happens to an application: every check of the sender,
 * the documents and the form at once; then, with the register, refuse it
 * (with all the reasons), hold it until the address proves live, or open
 * the request — and answer the applicant once. */
#include "config.h"

#include "ingest/ingest-private.h"

#include <string.h>

void
intake_verdict_free(dispo_verdict *v)
{
	if (!v)
		return;
	g_ptr_array_unref(v->reasons);
	g_free(v->address);
	g_free(v->answer_to);
	if (v->form)
		g_hash_table_unref(v->form);
	g_free(v->nip);
	g_free(v->nik);
	g_free(v->documents);
	g_free(v->token);
	g_free(v->target);
	g_free(v->visible);
	g_free(v->command);
	g_free(v->argument);
	intake_bsre_notice_free(v->notice);
	g_free(v->status_query);
	forward_free(v->forwarded);
	g_free(v);
}

char *
intake_json_text(JsonBuilder *b)
{
	g_autoptr(JsonNode) root = json_builder_get_root(b);
	g_autoptr(JsonGenerator) gen = json_generator_new();

	json_generator_set_root(gen, root);
	return json_generator_to_data(gen, NULL);
}

void
intake_json_string(JsonBuilder *b, const char *name, const char *value)
{
	json_builder_set_member_name(b, name);
	if (value)
		json_builder_add_string_value(b, value);
	else
		json_builder_add_null_value(b);
}

/* An address fit to be handed to a mail server: one '@', no controls,
 * spaces or angle brackets (a hostile From cannot smuggle a header or an
 * SMTP command through an answer). */
static bool
address_sendable(const char *a)
{
	const char *at = a ? strchr(a, '@') : NULL;

	if (!at || at == a || !at[1] || strchr(at + 1, '@') || strlen(a) > 254)
		return false;
	for (const unsigned char *p = (const unsigned char *)a; *p; p++)
		if (*p <= ' ' || *p == 0x7f || *p == '<' || *p == '>' || *p == '"' || *p == ',')
			return false;
	return true;
}

static char *
field_code(const char *label)
{
	g_autofree char *lower = g_utf8_strdown(label, -1);

	for (char *p = lower; *p; p++)
		if (!g_ascii_isalnum(*p))
			*p = '_';
	return g_strconcat("field_missing_", lower, NULL);
}

void
intake_form_judge(dispo_verdict *v, const char *body, dispo_time arrived)
{
	const dispo_rules_workflow *wf = v->workflow;
	const char *value;

	if (!wf->fields || !wf->fields[0])
		return;
	v->form = policy_form_parse(body ? body : "", (const char *const *)wf->fields);
	for (char **f = wf->fields; *f; f++) {
		value = g_hash_table_lookup(v->form, *f);
		if (!value || !*value) {
			g_autofree char *code = field_code(*f);
			policy_reason_add(v->reasons, code, *f, "the form has no %s", *f);
		}
	}
	if ((value = g_hash_table_lookup(v->form, "NIP")) && *value) {
		g_autofree char *why = NULL;
		if (!policy_nip_check(value, arrived, &v->nip, &why))
			policy_reason_add(v->reasons, "nip_invalid", value, "%s", why);
	}
	if ((value = g_hash_table_lookup(v->form, "NIK")) && *value) {
		g_autofree char *why = NULL;
		if (!policy_nik_check(value, &v->nik, &why))
			policy_reason_add(v->reasons, "nik_invalid", value, "%s", why);
	}
	if (v->address && (value = g_hash_table_lookup(v->form, "Email dinas")) && *value &&
	    g_ascii_strcasecmp(value, v->address) != 0)
		policy_reason_add(v->reasons, "email_mismatch", value,
		                  "the form names %s but the email came from %s", value,
		                  v->address);
}

void
intake_documents_judge(dispo_verdict *v, const dispo_mail *mail, unsigned depth)
{
	const GPtrArray *reqs = v->workflow->requirements;
	g_autofree dispo_requirement *r = g_new0(dispo_requirement, reqs->len + 1);
	g_autoptr(GPtrArray) docs = NULL;
	g_autoptr(JsonBuilder) b = json_builder_new();

	for (guint i = 0; i < reqs->len; i++) {
		const dispo_rules_requirement *q = reqs->pdata[i];
		r[i] = (dispo_requirement){q->name, q->title, (const char *const *)q->types,
		                           q->max_size, (const char *const *)q->keywords};
	}
	docs = policy_documents_check_depth(mail, depth, r, reqs->len, v->reasons);
	json_builder_begin_array(b);
	for (guint i = 0; docs && i < docs->len; i++) {
		const dispo_document *d = docs->pdata[i];
		if (d->requirement)
			v->matched++;
		json_builder_begin_object(b);
		intake_json_string(b, "requirement", d->requirement ? d->requirement->name : NULL);
		intake_json_string(b, "file", d->attachment->filename);
		intake_json_string(b, "type", d->type);
		intake_json_string(b, "sha256", d->attachment->sha256);
		json_builder_set_member_name(b, "ok");
		json_builder_add_boolean_value(b, d->ok);
		json_builder_end_object(b);
	}
	json_builder_end_array(b);
	v->documents = intake_json_text(b);
}

dispo_verdict *
intake_judge(dispo_ingest *ing, const dispo_mail *mail, const char *kind, dispo_time arrived)
{
	const dispo_rules *rules = ing->opt.rules;
	dispo_verdict *v = g_new0(dispo_verdict, 1);
	const char *at;

	v->reasons = policy_reasons_new();
	v->token = intake_token_in_recipients(rules, mail);
	if (intake_bsre_sender(ing, mail))
		v->notice = intake_bsre_read(mail);
	else
		v->status_query = intake_status_query(mail);
	if (strcmp(kind, "reply") == 0)
		intake_reply_judge(ing, v, mail);
	v->workflow = rules_workflow_for(rules, NULL, mail->subject);

	/* RFC 3834: nothing goes to a null sender; else the single From. */
	if (mail->from->len == 1)
		v->answer_to =
		    g_ascii_strdown(((dispo_mailbox *)mail->from->pdata[0])->address, -1);
	else if (mail->return_path && *mail->return_path)
		v->answer_to = g_ascii_strdown(mail->return_path, -1);
	if ((mail->return_path && !*mail->return_path) || !address_sendable(v->answer_to))
		g_clear_pointer(&v->answer_to, g_free);

	policy_sender_check(mail, ing->config, &v->address, v->reasons);
	if (v->address && (at = strrchr(v->address, '@')) != NULL)
		policy_auth_check(mail, v->address, ing->config, v->reasons);
	if (mail->status == DISPO_MAIL_OVER_LIMIT)
		policy_reason_add(v->reasons, "message_over_limit", NULL, "%s",
		                  mail->problem ? mail->problem : "over a limit");
	if (!v->workflow) {
		policy_reason_add(v->reasons, "no_workflow", mail->subject,
		                  "no workflow of the rules takes this application");
		return v;
	}
	if (strcmp(kind, "application") == 0 && forward_judge(ing, v, mail, arrived))
		return v;
	intake_judge_application(v, mail, arrived);
	return v;
}

void
intake_judge_application(dispo_verdict *v, const dispo_mail *mail, dispo_time arrived)
{
	intake_documents_judge(v, mail, 0);
	intake_form_judge(v, mail->body, arrived);
}

/* ---- at commit ------------------------------------------------------------ */

static JsonNode *
answer_data(dispo_ingest *ing, const pending_item *p, const char *number, dispo_time until)
{
	const dispo_verdict *v = p->verdict;
	const dispo_rules_workflow *wf = v->workflow;
	const char *lang = ing->config->language;
	g_autoptr(JsonBuilder) b = json_builder_new();
	g_autofree char *received = intake_date_text(p->arrived, ing->config->tz, lang);
	/* A forward's form is the applicant's, its From the forwarder's: the
	 * answer greets whichever of them it goes to. */
	bool to_forwarder = v->forwarded && !v->address;
	const char *name = v->form && !to_forwarder ? g_hash_table_lookup(v->form, "Nama") : NULL;

	if (!name && p->mail->from->len == 1 && (!v->forwarded || to_forwarder))
		name = ((dispo_mailbox *)p->mail->from->pdata[0])->name;
	json_builder_begin_object(b);
	intake_json_string(b, "request", number);
	intake_json_string(b, "workflow", wf ? wf->title : NULL);
	intake_json_string(b, "mailbox", wf ? wf->mailbox : NULL);
	intake_json_string(b, "subject", p->mail->subject ? p->mail->subject : "");
	intake_json_string(b, "received_at", received);
	if (until) {
		g_autofree char *u = intake_date_text(until, ing->config->tz, lang);
		intake_json_string(b, "confirm_until", u);
	}
	json_builder_set_member_name(b, "applicant");
	json_builder_begin_object(b);
	intake_json_string(b, "name", name && *name ? name : NULL);
	intake_json_string(b, "email", v->address ? v->address : v->answer_to);
	intake_json_string(b, "nip", v->nip);
	json_builder_end_object(b);
	forward_detail_add(b, v->forwarded);
	json_builder_set_member_name(b, "reasons");
	json_builder_add_value(b, intake_reasons_node(ing, v->reasons, true));
	intake_requirements_json(b, wf);
	json_builder_end_object(b);
	return json_builder_get_root(b);
}

void
intake_requirements_json(JsonBuilder *b, const dispo_rules_workflow *wf)
{
	json_builder_set_member_name(b, "requirements");
	json_builder_begin_array(b);
	for (guint i = 0; wf && i < wf->requirements->len; i++) {
		const dispo_rules_requirement *q = wf->requirements->pdata[i];
		g_autofree char *types = g_strjoinv("/", q->types);
		g_autofree char *up = g_ascii_strup(types, -1);
		json_builder_begin_object(b);
		intake_json_string(b, "title", q->title);
		intake_json_string(b, "types", up);
		json_builder_set_member_name(b, "max_mb");
		json_builder_add_int_value(b, (gint64)(q->max_size >> 20));
		json_builder_end_object(b);
	}
	json_builder_end_array(b);
	json_builder_set_member_name(b, "fields");
	json_builder_begin_array(b);
	for (char **f = wf ? wf->fields : NULL; f && *f; f++)
		json_builder_add_string_value(b, *f);
	json_builder_end_array(b);
}

JsonNode *
intake_reasons_node(dispo_ingest *ing, const GPtrArray *reasons, bool texts)
{
	g_autoptr(JsonBuilder) b = json_builder_new();

	json_builder_begin_array(b);
	for (guint i = 0; i < reasons->len; i++) {
		const dispo_reason *r = reasons->pdata[i];
		json_builder_begin_object(b);
		intake_json_string(b, "code", r->code);
		intake_json_string(b, "subject", r->subject);
		if (texts) {
			g_autofree char *text = intake_reason_text(ing, r);
			intake_json_string(b, "text", text);
		} else {
			intake_json_string(b, "detail", r->detail);
		}
		json_builder_end_object(b);
	}
	json_builder_end_array(b);
	return json_builder_get_root(b);
}

/* The clock answers are counted and dated by: --now, else the time the
 * command started (never a Received: header the sender wrote). */
static dispo_time
answer_clock(const dispo_ingest *ing)
{
	return ing->opt.now_override ? ing->opt.now_override : ing->opt.now;
}

/* Sends template to the applicant unless RFC 3834 or, for a limited kind
 * (refusals), the rate limit says no; *outbox_id is 0 then. */
static bool
answer(dispo_ingest *ing, pending_item *p, const char *template, const char *kind, bool limited,
       int64_t request_id, const char *number, const char *reply_to, dispo_time until,
       int64_t message_id, int64_t *outbox_id, dispo_ingest_stats *delta, GError **error)
{
	const dispo_verdict *v = p->verdict;
	dispo_time now = answer_clock(ing);
	const char *cc = v->forwarded ? v->forwarded->cc : NULL;
	bool allowed, cc_allowed = false;
	g_autoptr(JsonNode) data = NULL;

	*outbox_id = 0;
	if (!template || !v->answer_to)
		return true;
	/* Mail that arrived a day or more ago (an archive being imported) is
	 * judged and recorded, not answered: nobody waits for that answer. */
	if (now - p->arrived >= 86400)
		return true;
	if (!intake_answer_allowed(ing, v->workflow, v->answer_to, now, limited, &allowed, error))
		return false;
	if (!allowed)
		return true;
	/* The copy to a forwarder: never to ourselves, never limited. */
	if (cc && !intake_answer_allowed(ing, v->workflow, cc, now, false, &cc_allowed, error))
		return false;
	data = answer_data(ing, p, number, until);
	{
		dispo_answer a = {
		    .template = template,
		    .kind = kind,
		    .to = v->answer_to,
		    .cc = cc_allowed ? cc : NULL,
		    .reply_to = reply_to,
		    .request_id = request_id,
		    .request = number,
		    .data = data,
		    .answers = p->mail,
		    .answers_message = message_id,
		    .at = now,
		};
		if (!intake_answer(ing, v->workflow, &a, outbox_id, NULL, error))
			return false;
	}
	delta->answers++;
	return true;
}

static char *
received_detail(const pending_item *p)
{
	const dispo_verdict *v = p->verdict;
	g_autoptr(JsonBuilder) b = json_builder_new();
	g_autoptr(JsonParser) parser = json_parser_new();

	json_builder_begin_object(b);
	intake_json_string(b, "message_sha256", p->sha256);
	intake_json_string(b, "subject", p->mail->subject ? p->mail->subject : "");
	intake_json_string(b, "nip", v->nip);
	intake_json_string(b, "nik", v->nik);
	intake_json_string(b, "target", v->target);
	forward_detail_add(b, v->forwarded);
	if (v->form) {
		GHashTableIter it;
		gpointer k, val;
		json_builder_set_member_name(b, "form");
		json_builder_begin_object(b);
		g_hash_table_iter_init(&it, v->form);
		while (g_hash_table_iter_next(&it, &k, &val))
			intake_json_string(b, k, val);
		json_builder_end_object(b);
	}
	if (v->documents && json_parser_load_from_data(parser, v->documents, -1, NULL)) {
		json_builder_set_member_name(b, "documents");
		json_builder_add_value(b, json_node_copy(json_parser_get_root(parser)));
	}
	json_builder_end_object(b);
	return intake_json_text(b);
}

/* The address is active: the register says aktif and is not stale, or it
 * answered a confirmation lately. Adds sender_not_active when the register
 * says otherwise (pensiun, cuti…). */
static bool
sender_active(dispo_ingest *ing, pending_item *p, const dispo_employee *emp, bool *active,
              GError **error)
{
	dispo_verdict *v = p->verdict;
	int64_t max_age = ing->config->register_max_age_ms / 1000;
	dispo_time confirmed = 0, bounced = 0;

	*active = false;
	if (!store_address_bounced_at(ing->store, v->address, &bounced, error) ||
	    !store_address_confirmed_at(ing->store, v->address, &confirmed, error))
		return false;
	if (emp && strcmp(emp->status, DISPO_EMPLOYEE_ACTIVE) != 0 &&
	    strcmp(emp->status, DISPO_EMPLOYEE_UNLISTED) != 0) {
		policy_reason_add(v->reasons, "sender_not_active", emp->status,
		                  "the employee register lists %s as %s", v->address, emp->status);
		return true;
	}
	/* Our mail to it bounced since it last proved live: whatever the
	 * register says, it must answer a confirmation again. */
	if (bounced && bounced >= confirmed)
		return true;
	if (emp && strcmp(emp->status, DISPO_EMPLOYEE_ACTIVE) == 0) {
		dispo_time listed = 0;
		if (max_age && !store_employee_listed_at(ing->store, emp->nip, &listed, error))
			return false;
		if (!max_age || listed + max_age >= p->arrived) {
			*active = true;
			return true;
		}
	}
	*active = confirmed && (!max_age || confirmed + max_age >= p->arrived);
	return true;
}

static bool
open_request(dispo_ingest *ing, pending_item *p, int64_t message_id, const char *state,
             const char *applicant, char **number, int64_t *request_id, GError **error)
{
	const dispo_rules_workflow *wf = p->verdict->workflow;
	g_autofree char *detail = received_detail(p);
	dispo_event_new ev = {p->arrived, applicant,  "received",
	                      detail,     message_id, rules_version(ing->opt.rules)};
	int64_t earlier = 0;

	*request_id = 0;
	/* The same application by another route: noted, opens nothing. */
	if (p->mail->message_id && !store_request_find_by_message_id(
	                               ing->store, p->mail->message_id, applicant, &earlier, error))
		return false;
	if (earlier) {
		ev.kind = "received_again";
		return store_event_append(ing->store, earlier, &ev, error);
	}
	if (!store_request_open(ing->store, wf->name, wf->tag,
	                        dispo_time_year(p->arrived, ing->config->tz), state, applicant,
	                        message_id, &ev, number, error))
		return false;
	return store_request_id(ing->store, *number, request_id, error);
}

/* The application is accepted: its workflow's first step begins. */
static bool
start_workflow(dispo_ingest *ing, pending_item *p, int64_t request_id, int64_t message_id,
               GError **error)
{
	dispo_wf_event ev = {.kind = DISPO_WF_ACCEPTED, .at = p->arrived, .actor = "dispo"};

	return intake_workflow_event(ing, request_id, &ev, message_id, p->mail, NULL, error);
}

/* Sends a confirmation with a fresh single-use token in its Reply-To. */
static bool
ask_confirmation(dispo_ingest *ing, pending_item *p, int64_t request_id, const char *number,
                 const char *address, int64_t message_id, dispo_ingest_stats *delta, GError **error)
{
	const dispo_rules_workflow *wf = p->verdict->workflow;
	g_autofree char *token = dispo_random_token(15);
	g_autofree char *reply_to = intake_reply_address(wf, token);
	dispo_time until = p->arrived + ing->config->confirmation_window_ms / 1000;
	int64_t outbox_id = 0;

	if (!answer(ing, p, "konfirmasi_alamat", "confirmation", false, request_id, number,
	            reply_to, until, message_id, &outbox_id, delta, error))
		return false;
	{
		dispo_token_row t = {
		    .token = token,
		    .purpose = "confirm",
		    .request_id = request_id,
		    .address = (char *)address,
		    .outbox_id = outbox_id,
		    .created_at = p->arrived,
		    .expires_at = until,
		};
		return store_token_insert(ing->store, &t, error);
	}
}

static bool
append_event(dispo_ingest *ing, pending_item *p, int64_t request_id, const char *actor,
             const char *kind, int64_t message_id, GError **error)
{
	g_autoptr(JsonBuilder) b = json_builder_new();
	g_autofree char *detail = NULL;
	dispo_event_new ev = {p->arrived, actor,      kind,
	                      NULL,       message_id, rules_version(ing->opt.rules)};

	json_builder_begin_object(b);
	intake_json_string(b, "message_sha256", p->sha256);
	json_builder_end_object(b);
	detail = intake_json_text(b);
	ev.detail = detail;
	return store_event_append(ing->store, request_id, &ev, error);
}

/* The sender passed every sender and authentication check (a reply's
 * documents and form do not matter). */
bool
intake_sender_clean(const dispo_verdict *v)
{
	if (!v->address)
		return false;
	for (guint i = 0; i < v->reasons->len; i++) {
		const char *code = ((dispo_reason *)v->reasons->pdata[i])->code;
		if (g_str_has_prefix(code, "sender_") || g_str_has_prefix(code, "auth_"))
			return false;
	}
	return true;
}

/* The form the application carried (its "received" event keeps it), so
 * that the acknowledgement after a confirmation greets the applicant by
 * name: the confirming reply itself says only "YA". */
static void
verdict_take_form(dispo_ingest *ing, dispo_verdict *v, const char *number)
{
	g_autoptr(dispo_request_row) r = store_request_get(ing->store, number, NULL);
	g_autoptr(JsonParser) parser = json_parser_new();
	JsonObject *o = intake_received_detail(r, parser);
	JsonObject *form;
	GList *members;

	if (!o || !json_object_has_member(o, "form") ||
	    !JSON_NODE_HOLDS_OBJECT(json_object_get_member(o, "form")))
		return;
	form = json_object_get_object_member(o, "form");
	if (!v->form)
		v->form = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	members = json_object_get_members(form);
	for (GList *l = members; l; l = l->next) {
		JsonNode *n = json_object_get_member(form, l->data);
		if (JSON_NODE_HOLDS_VALUE(n) && json_node_get_value_type(n) == G_TYPE_STRING)
			g_hash_table_replace(v->form, g_strdup(l->data),
			                     g_strdup(json_node_get_string(n)));
	}
	g_list_free(members);
}

/* A reply to a confirmation email: by the token in its recipient, else by
 * its In-Reply-To/References. *handled is false when it is no such reply. */
static bool
confirmation_reply(dispo_ingest *ing, pending_item *p, int64_t message_id, bool *handled,
                   dispo_ingest_stats *delta, GError **error)
{
	dispo_verdict *v = p->verdict;
	g_autoptr(dispo_token_row) t = NULL;
	g_autoptr(GError) e = NULL;
	g_autofree char *number = NULL;
	g_autofree char *state = NULL;
	const char *from = v->address ? v->address : v->answer_to;

	*handled = false;
	t = intake_token_find(ing, p, "confirm", &e);
	if (e) {
		g_propagate_error(error, g_steal_pointer(&e));
		return false;
	}
	if (!t || !t->request_id)
		return true;
	*handled = true;
	if (!store_request_lookup(ing->store, t->request_id, &number, NULL, &state, error))
		return false;
	/* Only the address asked, passing the sender policy, confirms it. */
	if (!intake_sender_clean(v) || g_ascii_strcasecmp(v->address, t->address) != 0)
		return append_event(ing, p, t->request_id, from ? from : "unknown",
		                    "confirmation_refused", message_id, error);
	if (t->used_at || strcmp(state, "awaiting_confirmation") != 0)
		return append_event(ing, p, t->request_id, from, "confirmation_again", message_id,
		                    error);
	if (t->expires_at && p->arrived > t->expires_at) {
		/* Late: the application is kept; a fresh confirmation goes out. */
		if (!append_event(ing, p, t->request_id, from, "confirmation_late", message_id,
		                  error))
			return false;
		return ask_confirmation(ing, p, t->request_id, number, t->address, message_id,
		                        delta, error);
	}
	if (!store_token_use(ing->store, t->token, p->arrived, message_id, error) ||
	    !store_address_confirm(ing->store, t->address, p->arrived, message_id, error) ||
	    !store_request_set_state(ing->store, t->request_id, "received", NULL, p->arrived,
	                             error) ||
	    !append_event(ing, p, t->request_id, from, "address_confirmed", message_id, error))
		return false;
	verdict_take_form(ing, v, number);
	{
		int64_t outbox_id;
		/* The acknowledgement names the request; the workflow is the
		 * request's, which the reply's subject may not say. */
		if (!answer(ing, p, v->workflow ? v->workflow->acknowledge : NULL,
		            "acknowledgement", false, t->request_id, number, NULL, 0, message_id,
		            &outbox_id, delta, error))
			return false;
		return start_workflow(ing, p, t->request_id, message_id, error);
	}
}

/* The sender is the superior of the certificate holder the form's NIP
 * names: active in the register, in the holder's unit, and its head (a
 * position beginning "Kepala", also as Plt./Plh.). Sets v->target to the
 * holder's address. */
static bool
superior_asks(dispo_ingest *ing, dispo_verdict *v, const dispo_employee *sender, GError **error)
{
	g_autofree char *holder_email = NULL;
	g_autoptr(dispo_employee) holder = NULL;
	const char *pos;

	if (!v->nip || !sender || strcmp(sender->status, DISPO_EMPLOYEE_ACTIVE) != 0)
		return true;
	if (!store_certificate_holder_by_nip(ing->store, v->nip, &holder_email, error))
		return false;
	if (!holder_email ||
	    !store_employee_find_by_email(ing->store, holder_email, &holder, error))
		return holder_email == NULL;
	if (!holder || !holder->unit || !sender->unit ||
	    g_utf8_collate(holder->unit, sender->unit) != 0)
		return true;
	pos = sender->position ? sender->position : "";
	if (g_ascii_strncasecmp(pos, "Plt. ", 5) == 0 || g_ascii_strncasecmp(pos, "Plh. ", 5) == 0)
		pos += 5;
	if (g_ascii_strncasecmp(pos, "Kepala", 6) == 0)
		v->target = g_steal_pointer(&holder_email);
	return true;
}

void
intake_register_compare(dispo_verdict *v, const dispo_employee *emp)
{
	if (emp && v->nip && !v->target && strcmp(emp->nip, v->nip) != 0)
		policy_reason_add(v->reasons, "nip_mismatch", v->nip,
		                  "the register lists NIP %s for %s", emp->nip, v->address);
	if (emp && emp->nik && v->nik && !v->target && strcmp(emp->nik, v->nik) != 0)
		policy_reason_add(v->reasons, "nik_mismatch", v->nik,
		                  "the register lists another NIK for %s", v->address);
}

bool
intake_commit(dispo_ingest *ing, pending_item *p, int64_t message_id, GPtrArray *opened,
              dispo_ingest_stats *delta, GError **error)
{
	dispo_verdict *v = p->verdict;
	const dispo_rules_workflow *wf = v->workflow;
	g_autoptr(dispo_employee) emp = NULL;
	g_autofree char *number = NULL;
	int64_t request_id = 0, outbox_id = 0;
	bool needs_confirmation = false;
	bool corrected;

	/* BSrE's notices and status questions are neither applications nor
	 * decisions, whatever their subject says. */
	if (v->notice)
		return intake_bsre_commit(ing, p, message_id, error);
	if (v->status_query)
		return intake_status_commit(ing, p, message_id, error);
	/* The applicant answering a request returned for a correction. */
	if (!correction_commit(ing, p, message_id, &corrected, delta, error))
		return false;
	if (corrected)
		return true;
	if (strcmp(p->kind, "reply") == 0) {
		bool handled;
		if (!confirmation_reply(ing, p, message_id, &handled, delta, error))
			return false;
		if (!handled && !intake_reply_commit(ing, p, message_id, &handled, error))
			return false;
		if (!handled && !intake_status_unknown(ing, p, message_id, &handled, error))
			return false;
		/* Officials' replies are the workflow's. A "reply" that names no
		 * request and carries a file meeting a requirement is an applicant
		 * answering our refusal with the documents: an application. (An
		 * official's SETUJU with a signature logo is not.) */
		if (handled || v->matched == 0 ||
		    intake_subject_names_request(ing->opt.rules, p->mail->subject))
			return true;
	}

	/* A forward's applicant is judged by the register alone (forward.c). */
	if (!forward_commit(ing, p, error))
		return false;
	if (wf && v->address) {
		if (!store_employee_find_by_email(ing->store, v->address, &emp, error))
			return false;
		if (wf->sender_active && !v->forwarded) {
			bool active;
			if (!sender_active(ing, p, emp, &active, error))
				return false;
			needs_confirmation = !active;
		}
		/* Revocation: the holder asks, or their superior (the head of the
		 * holder's unit in the register) asks naming the holder's NIP. */
		if (wf->sender_certificate_holder) {
			bool holder;
			if (!store_certificate_holder(ing->store, v->address, &holder, error))
				return false;
			if (!holder && !superior_asks(ing, v, emp, error))
				return false;
			if (!holder && !v->target)
				policy_reason_add(
				    v->reasons, "not_certificate_holder", v->address,
				    "%s holds no issued certificate, and is not the head "
				    "of the unit of the holder the form names",
				    v->address);
		}
		intake_register_compare(v, emp);
	}

	if (needs_confirmation && !v->answer_to)
		policy_reason_add(v->reasons, "no_reply_address", v->address,
		                  "the address must be confirmed, but the message asks for no "
		                  "answer (null sender)");
	if (v->reasons->len > 0) {
		g_autoptr(JsonGenerator) gen = json_generator_new();
		g_autoptr(JsonNode) node = intake_reasons_node(ing, v->reasons, false);
		g_autofree char *json = NULL;
		json_generator_set_root(gen, node);
		json = json_generator_to_data(gen, NULL);
		if (!store_refusal_insert(ing->store, message_id,
		                          v->address ? v->address : v->answer_to,
		                          wf ? wf->name : NULL, json, p->arrived, error))
			return false;
		delta->refused++;
		/* Without a workflow there is no mailbox to answer from; a message
		 * that failed authentication may carry a forged From, and an
		 * answer would be backscatter to whoever that names. */
		if (!wf || policy_reasons_has(v->reasons, "auth_fail") ||
		    policy_reasons_has(v->reasons, "auth_missing"))
			return true;
		return answer(ing, p, wf->refuse, "refusal", true, 0, NULL, NULL, 0, message_id,
		              &outbox_id, delta, error);
	}

	if (!open_request(ing, p, message_id,
	                  needs_confirmation ? "awaiting_confirmation" : "received", v->address,
	                  &number, &request_id, error))
		return false;
	if (!number)
		return true; /* received again: answered the first time */
	g_ptr_array_add(opened, g_strdup(number));
	delta->requests++;
	if (needs_confirmation) {
		delta->awaiting++;
		/* (A null sender was refused above: a held request must be able
		 * to reach its applicant.) */
		return ask_confirmation(ing, p, request_id, number, v->address, message_id, delta,
		                        error);
	}
	if (!answer(ing, p, wf->acknowledge, "acknowledgement", false, request_id, number, NULL, 0,
	            message_id, &outbox_id, delta, error))
		return false;
	return start_workflow(ing, p, request_id, message_id, error);
}
