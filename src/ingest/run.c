/* SPDX-License-Identifier: GPL-3.0-or-later */
/* run.c: carries out what the pure workflow engine decided, inside the
 * intake transaction: emails become outbox rows (each official's with its
 * own single-use reply token), timers and the step are written to the
 * request, certificates to their register, and the audit event records it
 * all with the rules version. */
#include "config.h"

#include "ingest/ingest-private.h"

#include <string.h>

/* The text of node, which it takes (the generator keeps a copy). */
static char *
node_text(JsonNode *node)
{
	g_autoptr(JsonGenerator) gen = json_generator_new();
	g_autoptr(JsonNode) owned = node;

	json_generator_set_root(gen, owned);
	return json_generator_to_data(gen, NULL);
}

JsonObject *
intake_event_object(const dispo_event_row *e, JsonParser *parser)
{
	if (!e || !e->detail || !json_parser_load_from_data(parser, e->detail, -1, NULL) ||
	    !JSON_NODE_HOLDS_OBJECT(json_parser_get_root(parser)))
		return NULL;
	return json_node_get_object(json_parser_get_root(parser));
}

JsonObject *
intake_received_detail(const dispo_request_row *r, JsonParser *parser)
{
	/* The latest: a correction replaces what the application said. */
	for (guint i = r && r->events ? r->events->len : 0; i-- > 0;) {
		const dispo_event_row *ev = r->events->pdata[i];
		if (strcmp(ev->kind, "received") == 0 ||
		    strcmp(ev->kind, "application_corrected") == 0)
			return intake_event_object(ev, parser);
	}
	return NULL;
}

static const char *
form_value(JsonObject *detail, const char *label)
{
	JsonObject *form;

	if (!detail || !json_object_has_member(detail, "form"))
		return NULL;
	form = json_object_get_object_member(detail, "form");
	if (!form || !json_object_has_member(form, label))
		return NULL;
	return json_object_get_string_member_with_default(form, label, NULL);
}

JsonNode *
intake_applicant_json(const dispo_request_row *r)
{
	g_autoptr(JsonParser) parser = json_parser_new();
	JsonObject *d = intake_received_detail(r, parser);
	g_autoptr(JsonBuilder) b = json_builder_new();

	json_builder_begin_object(b);
	intake_json_string(b, "name", form_value(d, "Nama"));
	intake_json_string(b, "email", r ? r->applicant : NULL);
	intake_json_string(b, "nip", form_value(d, "NIP"));
	intake_json_string(b, "nik", form_value(d, "NIK"));
	intake_json_string(b, "jabatan", form_value(d, "Jabatan"));
	intake_json_string(b, "unit", form_value(d, "Unit Kerja"));
	json_builder_end_object(b);
	return json_builder_get_root(b);
}

typedef struct {
	dispo_ingest *ing;
	const dispo_rules_workflow *wf;
	dispo_progress *p;
	const dispo_wf_event *ev;
	const dispo_wf_result *res;
	int64_t message_id;
	const dispo_mail *answers;
	dispo_request_row *row; /* attachments and events of the request */
	GArray *documents;      /* dispo_answer_file of the application */
	GPtrArray *paths;       /* owned strings behind documents (paths, names) */
	bool discreet;          /* the recipient may not learn where the request is */
} run_ctx;

/* The officials' automatic replies (vacation notices) to this visit of
 * step, for reminders and escalations: "away": [{from, text}]. */
static void
away_notes(JsonBuilder *b, const run_ctx *c, const char *step)
{
	json_builder_set_member_name(b, "away");
	json_builder_begin_array(b);
	for (guint i = 0; step && c->row && c->row->events && i < c->row->events->len; i++) {
		const dispo_event_row *e = c->row->events->pdata[i];
		g_autoptr(JsonParser) parser = NULL;
		JsonObject *o;
		if (strcmp(e->kind, "auto_reply") != 0 || e->at < c->p->step_entered)
			continue;
		parser = json_parser_new();
		if (!(o = intake_event_object(e, parser)))
			continue;
		if (g_strcmp0(json_object_get_string_member_with_default(o, "step", ""), step) != 0)
			continue;
		json_builder_begin_object(b);
		intake_json_string(b, "from", e->actor);
		intake_json_string(b, "text",
		                   json_object_get_string_member_with_default(o, "text", NULL));
		json_builder_end_object(b);
	}
	json_builder_end_array(b);
}

/* The template's data for one email of the workflow. */
static JsonNode *
email_data(run_ctx *c, const dispo_wf_action *a, const char *recipient_name, const char *recipient)
{
	const char *lang = c->ing->config->language;
	const dispo_rules_step *step = a->step ? rules_step_get(c->wf, a->step) : NULL;
	const dispo_rules_role *role =
	    step && step->role ? rules_role_get(c->ing->opt.rules, step->role) : NULL;
	g_autoptr(JsonBuilder) b = json_builder_new();
	g_autofree char *received =
	    intake_date_text(c->row ? c->row->created_at : c->ev->at, c->ing->config->tz, lang);

	json_builder_begin_object(b);
	intake_json_string(b, "request", c->p->number);
	intake_json_string(b, "workflow", c->wf->title);
	intake_json_string(b, "mailbox", c->wf->mailbox);
	intake_json_string(b, "received_at", received);
	intake_json_string(b, "subject", c->row ? c->row->subject : NULL);
	json_builder_set_member_name(b, "step");
	json_builder_begin_object(b);
	intake_json_string(b, "name", a->step);
	intake_json_string(b, "title", step ? step->title : a->step);
	json_builder_end_object(b);
	json_builder_set_member_name(b, "role");
	json_builder_begin_object(b);
	intake_json_string(b, "key", role ? role->key : NULL);
	intake_json_string(b, "title", role ? role->title : NULL);
	json_builder_end_object(b);
	json_builder_set_member_name(b, "recipient");
	json_builder_begin_object(b);
	intake_json_string(b, "name", recipient_name);
	intake_json_string(b, "email", recipient);
	json_builder_end_object(b);
	json_builder_set_member_name(b, "applicant");
	json_builder_add_value(b, intake_applicant_json(c->row));
	if (step && step->applicant && !step->is_end)
		correction_email_data(b, c->ing, c->wf, step, c->row, a->note, c->res->previous);
	else
		intake_json_string(b, "note", a->note);
	intake_json_string(b, "reason", a->reason);
	intake_json_string(b, "detail", c->discreet ? NULL : a->detail);
	if (a->kind == DISPO_ACT_EXPLAIN) {
		g_autofree char *why = intake_explanation(
		    c->ing, c->wf, a->reason, a->detail,
		    c->ev->kind == DISPO_WF_COMMAND ? rules_command_word(c->ev->command, lang) : NULL,
		    c->ev->at, c->discreet);
		intake_json_string(b, "explanation", why);
	}
	intake_json_string(b, "serial", c->ev->serial);
	{
		g_autofree char *from = intake_day_text(c->ev->valid_from, lang);
		g_autofree char *until = intake_day_text(c->ev->valid_until, lang);
		intake_json_string(b, "valid_from", from);
		intake_json_string(b, "valid_until", until);
	}
	intake_json_string(b, "actor", c->ev->actor);
	/* How the request ended, for the applicant's decision: issued and
	 * revoked are what the register records; any other end refuses. */
	if (!step || step->is_end) {
		bool issued = false, revoked = false;
		const char *serial = c->ev->serial;
		for (guint i = 0; i < c->res->actions->len; i++) {
			const dispo_wf_action *x = c->res->actions->pdata[i];
			issued |= x->kind == DISPO_ACT_RECORD_CERTIFICATE;
			revoked |= x->kind == DISPO_ACT_RECORD_REVOCATION;
			/* SELESAI <serial>: the engine read it from the reply. */
			if (x->kind == DISPO_ACT_RECORD_CERTIFICATE && x->serial && !serial)
				serial = x->serial;
		}
		intake_json_string(b, "certificate_serial", serial);
		json_builder_set_member_name(b, "issued");
		json_builder_add_boolean_value(b, issued);
		json_builder_set_member_name(b, "revoked");
		json_builder_add_boolean_value(b, revoked);
		json_builder_set_member_name(b, "refused");
		json_builder_add_boolean_value(b, !issued && !revoked);
	}
	json_builder_set_member_name(b, "reminder");
	json_builder_add_boolean_value(b, g_strcmp0(a->reason, "reminder") == 0);
	json_builder_set_member_name(b, "expired");
	json_builder_add_boolean_value(b, g_strcmp0(a->reason, "expired") == 0);
	/* The step is entered again after the applicant's correction. */
	json_builder_set_member_name(b, "corrected");
	json_builder_add_boolean_value(b, c->ev->kind == DISPO_WF_CORRECTED);
	if (c->p->due_at) {
		g_autofree char *due = intake_date_text(c->p->due_at, c->ing->config->tz, lang);
		intake_json_string(b, "due_at", due);
	}
	json_builder_set_member_name(b, "documents");
	json_builder_begin_array(b);
	for (guint i = 0; c->documents && i < c->documents->len; i++) {
		json_builder_begin_object(b);
		intake_json_string(b, "name",
		                   g_array_index(c->documents, dispo_answer_file, i).name);
		json_builder_end_object(b);
	}
	json_builder_end_array(b);
	/* The words this step understands, in the reader's language: each 'on'
	 * line's, with the yes-words its forward path also takes ("also").
	 * None where the applicant holds the request: officials wait. */
	json_builder_set_member_name(b, "commands");
	json_builder_begin_array(b);
	for (guint i = 0; step && !step->applicant && i < step->transitions->len; i++) {
		const dispo_rules_transition *t = step->transitions->pdata[i];
		dispo_command words[8];
		guint n = rules_transition_commands(step, t, words, G_N_ELEMENTS(words));
		g_autoptr(GString) also = g_string_new(NULL);
		for (guint w = 1; w < n && w < G_N_ELEMENTS(words); w++)
			g_string_append_printf(also, "%s%s", w > 1 ? ", " : "",
			                       rules_command_word(words[w], lang));
		json_builder_begin_object(b);
		intake_json_string(b, "word", rules_command_word(t->command, lang));
		intake_json_string(b, "also", also->len ? also->str : NULL);
		intake_json_string(b, "name", rules_command_name(t->command));
		json_builder_set_member_name(b, "needs_reason");
		json_builder_add_boolean_value(b, t->command == DISPO_CMD_REJECT ||
		                                      t->command == DISPO_CMD_RETURN);
		json_builder_end_object(b);
	}
	json_builder_end_array(b);
	intake_json_string(b, "note_word", rules_command_word(DISPO_CMD_NOTE, lang));
	away_notes(b, c, a->step);
	{
		const dispo_rules_step *now = rules_step_get(c->wf, c->res->step);
		if (!c->discreet)
			intake_json_string(b, "current_step", now ? now->title : c->res->step);
	}
	json_builder_end_object(b);
	return json_builder_get_root(b);
}

static bool note(run_ctx *c, const char *kind, const char *text, GError **error);

/* One email to one address; an official's carries a reply token bound to
 * the request, the step and the role. A limited one (help or an
 * explanation to whoever wrote) obeys the answer rate limit: a responder
 * that answers everything must not keep a conversation going. */
static bool
send_one(run_ctx *c, const dispo_wf_action *a, const char *to, const char *name, const char *role,
         bool limited, GError **error)
{
	g_autoptr(JsonNode) data = email_data(c, a, name, to);
	const dispo_rules_step *step = a->step ? rules_step_get(c->wf, a->step) : NULL;
	/* An official answers with a word; the applicant, at their own step,
	 * with the correction. */
	bool to_applicant = a->kind == DISPO_ACT_SEND && a->to_applicant &&
	                    g_ascii_strcasecmp(to, c->p->applicant) == 0;
	const char *purpose = role                                      ? "reply"
	                      : step && step->applicant && to_applicant ? "correction"
	                                                                : NULL;
	g_autofree char *token = purpose ? dispo_random_token(15) : NULL;
	g_autofree char *reply_to = NULL;
	g_autoptr(GArray) files = g_array_new(false, false, sizeof(dispo_answer_file));
	g_autoptr(GPtrArray) letters = NULL;
	g_autoptr(GPtrArray) letter_paths = g_ptr_array_new_with_free_func(g_free);
	int64_t outbox_id = 0;

	if (limited) {
		bool allowed;
		if (!intake_answer_allowed(c->ing, c->wf, to, c->ev->at, true, &allowed, error))
			return false;
		if (!allowed)
			return note(c, "answer_held", to, error);
	}
	if (token)
		reply_to = intake_reply_address(c->wf, token);
	if (a->attach_documents && c->documents)
		g_array_append_vals(files, c->documents->data, c->documents->len);
	if (a->attach_letter) {
		letters = store_request_files(c->ing->store, c->p->id, "letter", error);
		if (!letters)
			return false;
		for (guint i = 0; i < letters->len; i++) {
			const dispo_file_row *f = letters->pdata[i];
			char *path = store_blob_path(c->ing->store, f->sha256);
			dispo_answer_file af = {f->name, f->content_type, path, true};
			g_ptr_array_add(letter_paths, path);
			g_array_append_val(files, af);
		}
	}
	{
		dispo_answer ans = {
		    .template = a->template,
		    .kind = a->kind == DISPO_ACT_EXPLAIN ? "explanation"
		            : limited                    ? "help"
		                                         : "workflow",
		    .to = to,
		    .reply_to = reply_to,
		    .request_id = c->p->id,
		    .request = c->p->number,
		    .step = a->step,
		    .data = data,
		    .answers = c->answers,
		    .answers_message = c->message_id,
		    .at = c->ev->at,
		    .files = files,
		    .generated = true,
		    /* Limited emails answer what the applicant wrote. */
		    .thread_acknowledgement =
		        !limited && g_ascii_strcasecmp(to, c->p->applicant) == 0,
		};
		if (!intake_answer(c->ing, c->wf, &ans, &outbox_id, NULL, error))
			return false;
	}
	if (token) {
		dispo_token_row t = {
		    .token = token,
		    .purpose = (char *)purpose,
		    .request_id = c->p->id,
		    .step = a->step,
		    .step_entered = g_strcmp0(a->step, c->p->step) == 0 ? c->p->step_entered : 0,
		    .role = (char *)role,
		    .address = (char *)to,
		    .outbox_id = outbox_id,
		    .created_at = c->ev->at,
		};
		if (!store_token_insert(c->ing->store, &t, error))
			return false;
	}
	return true;
}

static bool
note(run_ctx *c, const char *kind, const char *text, GError **error)
{
	g_autoptr(JsonBuilder) b = json_builder_new();
	g_autofree char *detail = NULL;
	dispo_event_new ev = {c->ev->at, "dispo",       kind,
	                      NULL,      c->message_id, rules_version(c->ing->opt.rules)};

	json_builder_begin_object(b);
	intake_json_string(b, "text", text);
	json_builder_end_object(b);
	detail = node_text(json_builder_get_root(b));
	ev.detail = detail;
	return store_event_append(c->ing->store, c->p->id, &ev, error);
}

static bool
do_send(run_ctx *c, const dispo_wf_action *a, GError **error)
{
	if (a->to_role) {
		g_autoptr(GPtrArray) holders = store_role_holders(
		    c->ing->store, a->to_role, c->ev->at, c->ing->config->tz, error);
		if (!holders)
			return false;
		/* Nobody to ask is the administrator's to fix, and must show. */
		if (holders->len == 0 && !note(c, "no_role_holder", a->to_role, error))
			return false;
		for (guint i = 0; i < holders->len; i++) {
			const dispo_employee *e = holders->pdata[i];
			if (!send_one(c, a, e->email, e->name, a->to_role, false, error))
				return false;
		}
	}
	if (a->to_applicant && !send_one(c, a, c->p->applicant, NULL, NULL, false, error))
		return false;
	/* Help and explanations carry a token for the step the request is at,
	 * bound to its role, when the writer may act for it now: the official
	 * naturally answers them ("ok" → help → "SETUJU"), and that answer
	 * must work (it is checked again when the token is used). Someone who
	 * is neither the applicant, an official nor the administrator is told
	 * the reply was not carried out, but not where the request is. */
	if (a->to_actor && c->ev->actor && strchr(c->ev->actor, '@')) {
		const dispo_rules_step *s = a->step ? rules_step_get(c->wf, a->step) : NULL;
		const char *role =
		    s && !s->is_end && g_strcmp0(a->step, c->res->step) == 0 ? s->role : NULL;
		bool may_act = false, may_see = false, ok;
		if ((role && !store_role_may_act(c->ing->store, role, c->ev->actor, c->ev->at,
		                                 c->ing->config->tz, &may_act, NULL, error)) ||
		    !intake_address_may_see(c->ing, c->ev->actor, c->p->applicant, c->ev->at,
		                            &may_see, error))
			return false;
		c->discreet = !may_see;
		ok = send_one(c, a, c->ev->actor, NULL, may_act ? role : NULL, true, error);
		c->discreet = false;
		if (!ok)
			return false;
	}
	/* Without an administrator's address the notice stays in the record. */
	if (a->to_admin &&
	    (c->ing->config->admin_address
	         ? !send_one(c, a, c->ing->config->admin_address, NULL, NULL, false, error)
	         : !note(c, "admin_notice", a->template, error)))
		return false;
	return true;
}

static bool
do_record(run_ctx *c, const dispo_wf_action *a, GError **error)
{
	g_autoptr(JsonParser) parser = json_parser_new();
	JsonObject *d = intake_received_detail(c->row, parser);

	if (a->kind == DISPO_ACT_RECORD_CERTIFICATE) {
		g_autofree char *nip = NULL;
		const char *form_nip = form_value(d, "NIP");
		if (form_nip && !policy_nip_check(form_nip, 0, &nip, NULL))
			nip = g_strdup(form_nip);
		return store_certificate_issue(c->ing->store, c->p->id, c->p->applicant, nip,
		                               form_value(d, "Nama"), a->serial, c->ev->at, error);
	}
	{
		/* A superior asked for the holder the form named. */
		const char *target =
		    d && json_object_has_member(d, "target")
		        ? json_object_get_string_member_with_default(d, "target", NULL)
		        : NULL;
		const char *who = target ? target : c->p->applicant;
		unsigned n = 0;
		if (!store_certificate_revoke(c->ing->store, who, c->p->id, c->ev->at, &n, error))
			return false;
		return n > 0 || note(c, "nothing_to_revoke", who, error);
	}
}

/* The depth of the application's own files: 1 when it was forwarded as an
 * attachment (the forwarder's own files are not the applicant's), else 0. */
static unsigned
documents_depth(const dispo_request_row *row)
{
	g_autoptr(JsonParser) parser = json_parser_new();
	JsonObject *d = intake_received_detail(row, parser);
	JsonObject *fwd = d && json_object_has_member(d, "forwarded") &&
	                          JSON_NODE_HOLDS_OBJECT(json_object_get_member(d, "forwarded"))
	                      ? json_object_get_object_member(d, "forwarded")
	                      : NULL;

	return fwd && g_strcmp0(json_object_get_string_member_with_default(fwd, "how", NULL),
	                        "attached") == 0
	           ? 1
	           : 0;
}

/* The application's documents, to attach to officials' emails. */
static void
load_documents(run_ctx *c)
{
	unsigned depth = documents_depth(c->row);

	c->documents = g_array_new(false, false, sizeof(dispo_answer_file));
	c->paths = g_ptr_array_new_with_free_func(g_free);
	if (correction_documents(c->ing, c->row, c->documents, c->paths))
		return;
	for (guint i = 0; c->row && c->row->attachments && i < c->row->attachments->len; i++) {
		const dispo_attachment_info *a = c->row->attachments->pdata[i];
		char sub[3] = {a->sha256[0], a->sha256[1], 0};
		char *path;
		dispo_answer_file f = {0};
		if (a->depth != depth || a->size == 0)
			continue;
		path = g_build_filename(c->ing->attachment_dir, sub, a->sha256, NULL);
		g_ptr_array_add(c->paths, path);
		/* The applicant's name for the file, made safe to save: officials'
		 * clients write it to disk. */
		f.name = policy_filename_sanitize(a->filename);
		g_ptr_array_add(c->paths, (char *)f.name);
		f.content_type = a->content_type;
		f.path = path;
		g_array_append_val(c->documents, f);
	}
}

static char *
event_detail(const run_ctx *c)
{
	g_autoptr(JsonBuilder) b = json_builder_new();

	json_builder_begin_object(b);
	intake_json_string(b, "step", c->res->step);
	intake_json_string(b, "previous", c->res->previous);
	intake_json_string(b, "reason", c->res->reason);
	intake_json_string(b, "deputy", c->res->deputy);
	intake_json_string(b, "argument", c->ev->argument);
	intake_json_string(b, "serial", c->ev->serial);
	json_builder_set_member_name(b, "actions");
	json_builder_begin_array(b);
	for (guint i = 0; i < c->res->actions->len; i++) {
		const dispo_wf_action *a = c->res->actions->pdata[i];
		json_builder_begin_object(b);
		intake_json_string(b, "kind", workflow_action_kind_name(a->kind));
		intake_json_string(b, "template", a->template);
		intake_json_string(b, "to_role", a->to_role);
		intake_json_string(b, "reason", a->reason);
		json_builder_end_object(b);
	}
	json_builder_end_array(b);
	json_builder_end_object(b);
	return node_text(json_builder_get_root(b));
}

bool
intake_workflow_event(dispo_ingest *ing, int64_t request_id, const dispo_wf_event *ev,
                      int64_t message_id, const dispo_mail *answers, dispo_wf_result **result,
                      GError **error)
{
	g_autoptr(dispo_progress) p = store_progress_get(ing->store, request_id, error);
	g_autoptr(dispo_wf_result) res = NULL;
	g_autoptr(dispo_request_row) row = NULL;
	g_autofree char *detail = NULL;
	dispo_wf_request req;
	run_ctx c = {0};
	bool ok = false;

	if (!p || !intake_calendar(ing, error))
		return false;
	req = (dispo_wf_request){p->number,       p->workflow,  p->step,
	                         p->step_entered, p->reminders, p->has_letter};
	res = workflow_apply(ing->opt.rules, ing->calendar, &req, ev);
	row = store_request_get(ing->store, p->number, error);
	if (!row)
		return false;
	c = (run_ctx){.ing = ing,
	              .wf = rules_workflow_get(ing->opt.rules, p->workflow),
	              .p = p,
	              .ev = ev,
	              .res = res,
	              .message_id = message_id,
	              .answers = answers,
	              .row = row};
	if (!c.wf) {
		g_set_error(error, DISPO_RULES_ERROR, DISPO_RULES_ERROR_NOT_FOUND,
		            "request %s belongs to workflow %s, which the rules no longer have",
		            p->number, p->workflow);
		return false;
	}
	load_documents(&c);

	/* Where the request is now, before the emails that name it. */
	if (res->moved) {
		g_free(p->step);
		p->step = g_strdup(res->step);
		g_free(p->state);
		p->state = g_strdup(res->step);
		p->step_entered = res->step_entered;
	}
	p->reminders = res->reminders;
	/* A timer that fired is spent unless the engine starts it again. */
	if (ev->kind == DISPO_WF_TIMER)
		p->due_at = 0;
	for (guint i = 0; i < res->actions->len; i++) {
		const dispo_wf_action *a = res->actions->pdata[i];
		if (a->kind == DISPO_ACT_TIMER_START) {
			p->due_at = a->due;
			g_free(p->due_step);
			p->due_step = g_strdup(a->step ? a->step : res->step);
			p->due_entered = res->step_entered;
		} else if (a->kind == DISPO_ACT_TIMER_STOP) {
			p->due_at = 0;
		}
	}
	if (res->closed)
		p->due_at = 0;
	if (!store_progress_set(ing->store, p, ev->at, error))
		goto out;
	detail = event_detail(&c);
	{
		dispo_event_new e = {ev->at,     ev->actor ? ev->actor : "dispo",
		                     res->event, detail,
		                     message_id, rules_version(ing->opt.rules)};
		if (!store_event_append(ing->store, request_id, &e, error))
			goto out;
	}
	for (guint i = 0; i < res->actions->len; i++) {
		const dispo_wf_action *a = res->actions->pdata[i];
		switch (a->kind) {
		case DISPO_ACT_SEND:
		case DISPO_ACT_EXPLAIN:
			if (!do_send(&c, a, error))
				goto out;
			break;
		case DISPO_ACT_RECORD_CERTIFICATE:
		case DISPO_ACT_RECORD_REVOCATION:
			if (!do_record(&c, a, error))
				goto out;
			break;
		case DISPO_ACT_MAKE_LETTER:
			if (!intake_letter_make(ing, p, c.row, ev->at, error))
				goto out;
			break;
		case DISPO_ACT_NOTE:
			if (!note(&c, a->reason ? a->reason : "note", a->detail, error))
				goto out;
			break;
		case DISPO_ACT_TIMER_START:
		case DISPO_ACT_TIMER_STOP: break; /* written with the progress above */
		}
	}
	ok = true;
	if (res->moved)
		ingest_outcome_add(ing, "%s %s → %s", p->number, res->event, res->step);
	else
		ingest_outcome_add(ing, "%s %s", p->number, res->event);
out:
	if (c.documents)
		g_array_unref(c.documents);
	if (c.paths)
		g_ptr_array_unref(c.paths);
	if (ok && result)
		*result = g_steal_pointer(&res);
	return ok;
}

static bool
one_event(dispo_ingest *ing, int64_t request_id, const dispo_wf_event *ev, dispo_wf_result **result,
          GError **error)
{
	if (!store_begin(ing->store, error))
		return false;
	if (!intake_workflow_event(ing, request_id, ev, 0, NULL, result, error)) {
		store_rollback(ing->store);
		ing->answered = false;
		return false;
	}
	/* Letters and emails were spooled: durable before the commit. */
	if (ing->answered && ing->opt.batch > 1 && !store_sync(ing->store, error)) {
		store_rollback(ing->store);
		ing->answered = false;
		return false;
	}
	ing->answered = false;
	return store_commit(ing->store, error);
}

bool
ingest_timers_run(dispo_ingest *ing, dispo_time now, unsigned *fired, GError **error)
{
	g_autoptr(GArray) due = store_progress_due(ing->store, now, error);

	if (fired)
		*fired = 0;
	if (!due)
		return false;
	for (guint i = 0; i < due->len; i++) {
		int64_t id = g_array_index(due, int64_t, i);
		g_autoptr(dispo_progress) p = store_progress_get(ing->store, id, error);
		dispo_wf_event ev = {.kind = DISPO_WF_TIMER, .actor = "dispo", .timer = "sla"};
		if (!p)
			return false;
		/* A timer fires at its due time, so that a late run (the
		 * machine was off) dates the reminder when it was due. */
		ev.at = p->due_at;
		ev.step = p->due_step;
		ev.step_entered = p->due_entered;
		if (!one_event(ing, id, &ev, NULL, error))
			return false;
		if (fired)
			(*fired)++;
	}
	return true;
}

bool
ingest_admin_action(dispo_ingest *ing, const char *number, const char *action, const char *reason,
                    const char *actor, char **refused, GError **error)
{
	g_autoptr(dispo_wf_result) res = NULL;
	int64_t id = 0;
	dispo_wf_event ev = {.kind = DISPO_WF_ADMIN,
	                     .at = ing->opt.now_override ? ing->opt.now_override : ing->opt.now,
	                     .actor = actor,
	                     .admin_action = action,
	                     .argument = reason};

	if (!store_request_id(ing->store, number, &id, error))
		return false;
	if (!id) {
		g_set_error(error, DISPO_STORE_ERROR, DISPO_STORE_ERROR_NOT_FOUND,
		            "no request %s (see dispo requests list)", number);
		return false;
	}
	if (!one_event(ing, id, &ev, &res, error))
		return false;
	if (refused)
		*refused = res->refused ? g_strdup(res->reason ? res->reason : "refused") : NULL;
	return true;
}

dispo_calendar *
ingest_calendar_load(const dispo_config *c, GError **error)
{
	g_autoptr(dispo_calendar) cal = workflow_calendar_new(c->tz);

	if (!workflow_calendar_set_days(cal, c->working_days, error) ||
	    !workflow_calendar_set_hours(cal, c->working_hours, error))
		return NULL;
	if (c->holidays) {
		g_autofree char *text = NULL;
		if (!g_file_get_contents(c->holidays, &text, NULL, error) ||
		    !workflow_calendar_set_holidays(cal, text, c->holidays, error))
			return NULL;
	}
	return g_steal_pointer(&cal);
}

dispo_calendar *
intake_calendar(dispo_ingest *ing, GError **error)
{
	if (!ing->calendar)
		ing->calendar = ingest_calendar_load(ing->config, error);
	return ing->calendar;
}
