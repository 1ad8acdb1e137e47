/* SPDX-License-Identifier: GPL-3.0-or-later */
/* correction.c: a request returned to its applicant (KEMBALIKAN at the
 * first step) waits at a step the applicant holds; the applicant's reply
 * is judged like an application, together with what the request already
 * has, and either sends the request on with the corrected documents and
 * form or is answered once with what is still wrong. The application's
 * own record is never changed: an "application_corrected" event says what
 * the request is now. */
#include "config.h"

#include "ingest/ingest-private.h"

#include <string.h>

#define PURPOSE "correction"

/* ---- which request ------------------------------------------------------- */

static const dispo_rules_step *
current_step(const dispo_ingest *ing, const dispo_progress *prog,
             const dispo_rules_workflow **workflow)
{
	const dispo_rules_workflow *wf = rules_workflow_get(ing->opt.rules, prog->workflow);

	*workflow = wf;
	return wf && prog->step ? rules_step_get(wf, prog->step) : NULL;
}

static bool
same_address(const char *a, const char *b)
{
	return a && b && g_ascii_strcasecmp(a, b) == 0;
}

static bool
record(dispo_ingest *ing, const pending_item *p, int64_t request_id, const char *kind,
       const char *why, JsonNode *reasons, int64_t message_id, GError **error)
{
	const dispo_verdict *v = p->verdict;
	g_autoptr(JsonBuilder) b = json_builder_new();
	g_autofree char *detail = NULL;
	const char *actor = v->address ? v->address : v->answer_to;
	dispo_event_new ev = {p->arrived, actor ? actor : "unknown",    kind, NULL,
	                      message_id, rules_version(ing->opt.rules)};

	json_builder_begin_object(b);
	intake_json_string(b, "why", why);
	intake_json_string(b, "message_sha256", p->sha256);
	if (reasons) {
		json_builder_set_member_name(b, "reasons");
		json_builder_add_value(b, reasons);
	}
	json_builder_end_object(b);
	detail = intake_json_text(b);
	ev.detail = detail;
	return store_event_append(ing->store, request_id, &ev, error);
}

/* ---- judging ------------------------------------------------------------- */

/* The requirement names with a document that meets them, in docs. */
static GHashTable *
covered(JsonArray *docs)
{
	GHashTable *out = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);

	for (guint i = 0; docs && i < json_array_get_length(docs); i++) {
		JsonObject *d = json_array_get_object_element(docs, i);
		const char *req =
		    d ? json_object_get_string_member_with_default(d, "requirement", NULL) : NULL;
		if (req && json_object_get_boolean_member_with_default(d, "ok", false))
			g_hash_table_add(out, g_strdup(req));
	}
	return out;
}

static JsonArray *
member_array(JsonObject *o, const char *name)
{
	JsonNode *n = o ? json_object_get_member(o, name) : NULL;

	return n && JSON_NODE_HOLDS_ARRAY(n) ? json_node_get_array(n) : NULL;
}

static const char *
member_string(JsonObject *o, const char *name)
{
	JsonNode *n = o ? json_object_get_member(o, name) : NULL;

	return n && JSON_NODE_HOLDS_VALUE(n) && json_node_get_value_type(n) == G_TYPE_STRING
	           ? json_node_get_string(n)
	           : NULL;
}

typedef struct {
	GPtrArray *reasons; /* dispo_reason *: what is still wrong */
	char *detail;       /* application_corrected's detail when nothing is */
} judgement;

/* The request's form and documents with the correction's laid over them:
 * a requirement the correction meets takes the correction's files, a field
 * it gives takes its value; the rest stays as the applicant sent it. What
 * the correction lacks counts only where the request lacks it too. */
static void
judge(const pending_item *p, dispo_verdict *v, const dispo_rules_workflow *wf, JsonObject *earlier,
      judgement *out)
{
	g_autoptr(JsonParser) parser = json_parser_new();
	JsonArray *new_docs = NULL, *old_docs = member_array(earlier, "documents");
	JsonObject *old_form = NULL;
	g_autoptr(GHashTable) by_new = NULL;
	g_autoptr(GHashTable) by_old = covered(old_docs);
	g_autoptr(GHashTable) form = g_hash_table_new(g_str_hash, g_str_equal);
	g_autoptr(JsonBuilder) b = json_builder_new();
	bool all_met = true, gave = false;

	if (v->documents && json_parser_load_from_data(parser, v->documents, -1, NULL) &&
	    JSON_NODE_HOLDS_ARRAY(json_parser_get_root(parser)))
		new_docs = json_node_get_array(json_parser_get_root(parser));
	by_new = covered(new_docs);
	if (earlier && json_object_has_member(earlier, "form") &&
	    JSON_NODE_HOLDS_OBJECT(json_object_get_member(earlier, "form")))
		old_form = json_object_get_object_member(earlier, "form");
	for (char **f = wf->fields; f && *f; f++) {
		const char *now = v->form ? g_hash_table_lookup(v->form, *f) : NULL;
		const char *was = member_string(old_form, *f);
		if (now && *now)
			gave = true;
		if ((now && *now) || (was && *was))
			g_hash_table_insert(form, *f, (gpointer)(now && *now ? now : was));
	}
	for (guint i = 0; i < wf->requirements->len; i++) {
		const char *name = ((dispo_rules_requirement *)wf->requirements->pdata[i])->name;
		all_met &=
		    g_hash_table_contains(by_new, name) || g_hash_table_contains(by_old, name);
	}
	gave |= g_hash_table_size(by_new) > 0;

	out->reasons = policy_reasons_new();
	for (guint i = 0; i < v->reasons->len; i++) {
		const dispo_reason *r = v->reasons->pdata[i];
		bool keep = true;
		if (g_str_has_prefix(r->code, "missing_"))
			keep = !g_hash_table_contains(by_new, r->code + 8) &&
			       !g_hash_table_contains(by_old, r->code + 8);
		else if (g_str_has_prefix(r->code, "field_missing_"))
			keep = !r->subject || !g_hash_table_contains(form, r->subject);
		else if (strcmp(r->code, "file_unmatched") == 0)
			/* An extra file is no problem; the only one sent is. */
			keep = !all_met || !gave;
		if (keep)
			policy_reason_add(out->reasons, r->code, r->subject, "%s",
			                  r->detail ? r->detail : r->code);
	}
	if (!gave && out->reasons->len == 0)
		policy_reason_add(out->reasons, "correction_empty", NULL,
		                  "the reply carries no document that meets a requirement and no "
		                  "field of the form");
	if (out->reasons->len)
		return;

	json_builder_begin_object(b);
	intake_json_string(b, "message_sha256", p->sha256);
	intake_json_string(b, "subject", member_string(earlier, "subject"));
	intake_json_string(b, "nip", v->nip ? v->nip : member_string(earlier, "nip"));
	intake_json_string(b, "nik", v->nik ? v->nik : member_string(earlier, "nik"));
	intake_json_string(b, "target", member_string(earlier, "target"));
	json_builder_set_member_name(b, "form");
	json_builder_begin_object(b);
	for (char **f = wf->fields; f && *f; f++)
		if (g_hash_table_contains(form, *f))
			intake_json_string(b, *f, g_hash_table_lookup(form, *f));
	json_builder_end_object(b);
	/* What was replaced goes; the rest stays in the order it came. */
	json_builder_set_member_name(b, "documents");
	json_builder_begin_array(b);
	for (guint i = 0; old_docs && i < json_array_get_length(old_docs); i++) {
		JsonNode *n = json_array_get_element(old_docs, i);
		const char *req = JSON_NODE_HOLDS_OBJECT(n)
		                      ? member_string(json_node_get_object(n), "requirement")
		                      : NULL;
		if (!req || !g_hash_table_contains(by_new, req))
			json_builder_add_value(b, json_node_copy(n));
	}
	for (guint i = 0; new_docs && i < json_array_get_length(new_docs); i++) {
		JsonNode *n = json_array_get_element(new_docs, i);
		const char *req = JSON_NODE_HOLDS_OBJECT(n)
		                      ? member_string(json_node_get_object(n), "requirement")
		                      : NULL;
		if (req && g_hash_table_contains(by_new, req))
			json_builder_add_value(b, json_node_copy(n));
	}
	json_builder_end_array(b);
	json_builder_end_object(b);
	out->detail = intake_json_text(b);
}

/* The verdict as the request's workflow judges it: the one made at parse
 * time when its subject chose the same workflow, else a new one from the
 * stored message (a reply whose subject lost the request's tag). */
static dispo_verdict *
verdict_for(dispo_ingest *ing, pending_item *p, const dispo_rules_workflow *wf, GError **error)
{
	g_autofree char *path = NULL;
	g_autoptr(dispo_mail) mail = NULL;
	dispo_verdict *v;

	if (p->verdict->workflow == wf)
		return NULL;
	path = store_blob_path(ing->store, p->sha256);
	mail = mime_mail_parse_file(path, &ing->config->limits, ing->attachment_dir, error);
	if (!mail)
		return NULL;
	v = g_new0(dispo_verdict, 1);
	v->workflow = wf;
	v->reasons = policy_reasons_new();
	v->address = g_strdup(p->verdict->address);
	v->answer_to = g_strdup(p->verdict->answer_to);
	intake_judge_application(v, mail, p->arrived);
	return v;
}

/* ---- answering ----------------------------------------------------------- */

/* The reason of the KEMBALIKAN that sent the request to step, and the step
 * it came from; from the request's events. */
static void
return_of(const dispo_request_row *row, const char *step, char **reason, char **from)
{
	*reason = *from = NULL;
	for (guint i = row && row->events ? row->events->len : 0; i-- > 0;) {
		const dispo_event_row *e = row->events->pdata[i];
		g_autoptr(JsonParser) parser = NULL;
		JsonObject *o;
		if (strcmp(e->kind, "return") != 0)
			continue;
		parser = json_parser_new();
		if (!(o = intake_event_object(e, parser)))
			continue;
		if (g_strcmp0(member_string(o, "step"), step) != 0)
			continue;
		if (member_string(o, "argument")) {
			*reason = g_strstrip(dispo_utf8_clean(member_string(o, "argument"), -1));
			if (!**reason)
				g_clear_pointer(reason, g_free);
		}
		*from = g_strdup(member_string(o, "previous"));
		return;
	}
}

void
correction_email_data(JsonBuilder *b, const dispo_ingest *ing, const dispo_rules_workflow *wf,
                      const dispo_rules_step *step, const dispo_request_row *row, const char *note,
                      const char *returned_from)
{
	const dispo_rules_step *from = returned_from ? rules_step_get(wf, returned_from) : NULL;
	const dispo_rules_transition *on = rules_transition_get(step, DISPO_CMD_DONE);
	const dispo_rules_step *resume = on ? rules_step_get(wf, on->target) : NULL;
	const dispo_rules_role *role = NULL;
	g_autofree char *reason = NULL;
	g_autofree char *came_from = NULL;

	/* A reminder: the request came here earlier, with its reason. */
	if (!note || !from || !from->role) {
		return_of(row, step->name, &reason, &came_from);
		if (!from || !from->role)
			from = came_from ? rules_step_get(wf, came_from) : NULL;
	}
	if (from && from->role)
		role = rules_role_get(ing->opt.rules, from->role);
	intake_json_string(b, "note", note ? note : reason);
	intake_json_string(b, "returned_by", role ? role->title : NULL);
	intake_json_string(b, "resume_step", resume ? resume->title : NULL);
	intake_requirements_json(b, wf);
}

static bool
answer_incomplete(dispo_ingest *ing, pending_item *p, const dispo_rules_workflow *wf,
                  const dispo_progress *prog, const dispo_request_row *row,
                  const GPtrArray *reasons, int64_t message_id, dispo_ingest_stats *delta,
                  GError **error)
{
	const char *lang = ing->config->language;
	dispo_time now = ing->opt.now_override ? ing->opt.now_override : ing->opt.now;
	const dispo_rules_step *step = rules_step_get(wf, prog->step);
	g_autofree char *token = dispo_random_token(15);
	g_autofree char *reply_to = intake_reply_address(wf, token);
	g_autofree char *received = intake_date_text(p->arrived, ing->config->tz, lang);
	g_autoptr(JsonBuilder) b = json_builder_new();
	g_autoptr(JsonNode) data = NULL;
	int64_t outbox_id = 0;
	bool allowed;

	/* Old mail (an archive imported) is recorded, not answered; an answer
	 * nobody asked for is rate-limited like a refusal. */
	if (!p->verdict->answer_to || now - p->arrived >= 86400)
		return true;
	if (!intake_answer_allowed(ing, wf, p->verdict->answer_to, now, true, &allowed, error))
		return false;
	if (!allowed)
		return true;
	json_builder_begin_object(b);
	intake_json_string(b, "request", prog->number);
	intake_json_string(b, "workflow", wf->title);
	intake_json_string(b, "mailbox", wf->mailbox);
	intake_json_string(b, "received_at", received);
	json_builder_set_member_name(b, "applicant");
	json_builder_add_value(b, intake_applicant_json(row));
	json_builder_set_member_name(b, "reasons");
	json_builder_add_value(b, intake_reasons_node(ing, reasons, true));
	if (prog->due_at) {
		g_autofree char *due = intake_date_text(prog->due_at, ing->config->tz, lang);
		intake_json_string(b, "due_at", due);
	}
	if (step)
		correction_email_data(b, ing, wf, step, row, NULL, NULL);
	json_builder_end_object(b);
	data = json_builder_get_root(b);
	{
		dispo_answer a = {
		    .template = "perbaikan_belum_lengkap",
		    .kind = "refusal",
		    .to = p->verdict->answer_to,
		    .reply_to = reply_to,
		    .request_id = prog->id,
		    .request = prog->number,
		    .step = prog->step,
		    .data = data,
		    .answers = p->mail,
		    .answers_message = message_id,
		    .at = now,
		};
		if (!intake_answer(ing, wf, &a, &outbox_id, NULL, error))
			return false;
	}
	delta->answers++;
	{
		/* Its answer is a correction too. */
		dispo_token_row t = {
		    .token = token,
		    .purpose = PURPOSE,
		    .request_id = prog->id,
		    .step = prog->step,
		    .address = prog->applicant,
		    .outbox_id = outbox_id,
		    .created_at = p->arrived,
		};
		return store_token_insert(ing->store, &t, error);
	}
}

/* ---- the entry points ---------------------------------------------------- */

bool
correction_commit(dispo_ingest *ing, pending_item *p, int64_t message_id, bool *handled,
                  dispo_ingest_stats *delta, GError **error)
{
	g_autoptr(dispo_token_row) t = NULL;
	g_autoptr(dispo_progress) prog = NULL;
	g_autoptr(dispo_request_row) row = NULL;
	g_autoptr(GError) e = NULL;
	g_autoptr(dispo_employee) emp = NULL;
	g_autoptr(JsonParser) parser = json_parser_new();
	dispo_verdict *own = NULL, *v;
	const dispo_rules_workflow *wf = NULL;
	const dispo_rules_step *step;
	judgement j = {0};
	int64_t request_id = 0;
	bool ok = false;

	*handled = false;
	if (!(t = intake_token_find(ing, p, PURPOSE, &e)) && e) {
		g_propagate_error(error, g_steal_pointer(&e));
		return false;
	}
	if (t)
		request_id = t->request_id;
	else if (!intake_request_by_tag(ing, p->mail->subject, &request_id, error))
		return false;
	if (!request_id || !(prog = store_progress_get(ing->store, request_id, error)))
		return request_id == 0;
	step = current_step(ing, prog, &wf);
	/* By the tag alone: only the applicant, only while it is theirs. */
	if (!t && !(step && step->applicant && same_address(p->verdict->address, prog->applicant)))
		return true;
	*handled = true;
	if (!intake_sender_clean(p->verdict) || !same_address(p->verdict->address, prog->applicant))
		return record(ing, p, request_id, "correction_refused",
		              "not from the applicant, or the sender fails the sender or "
		              "authentication checks",
		              NULL, message_id, error);
	if (!step || !step->applicant || (t && (t->used_at || g_strcmp0(t->step, prog->step) != 0)))
		return record(ing, p, request_id, "correction_again",
		              "the request is no longer waiting for the applicant's correction",
		              NULL, message_id, error);

	if (!(row = store_request_get(ing->store, prog->number, error)))
		return false;
	if (!(own = verdict_for(ing, p, wf, &e)) && e) {
		g_propagate_error(error, g_steal_pointer(&e));
		return false;
	}
	v = own ? own : p->verdict;
	{
		JsonObject *earlier = intake_received_detail(row, parser);
		g_free(v->target);
		v->target = g_strdup(member_string(earlier, "target"));
		if (!store_employee_find_by_email(ing->store, v->address, &emp, error))
			goto out;
		intake_register_compare(v, emp);
		judge(p, v, wf, earlier, &j);
	}
	if (j.reasons->len) {
		if (record(ing, p, request_id, "correction_incomplete",
		           "the correction leaves the application incomplete",
		           intake_reasons_node(ing, j.reasons, false), message_id, error) &&
		    answer_incomplete(ing, p, wf, prog, row, j.reasons, message_id, delta, error))
			ok = true;
		goto out;
	}
	{
		dispo_event_new ev = {p->arrived, v->address, "application_corrected",
		                      j.detail,   message_id, rules_version(ing->opt.rules)};
		dispo_wf_event wev = {.kind = DISPO_WF_CORRECTED,
		                      .at = p->arrived,
		                      .actor = v->address,
		                      .step = prog->step};
		if (!store_event_append(ing->store, request_id, &ev, error) ||
		    (t && !store_token_use(ing->store, t->token, p->arrived, message_id, error)) ||
		    !intake_workflow_event(ing, request_id, &wev, message_id, p->mail, NULL, error))
			goto out;
	}
	ok = true;
out:
	intake_verdict_free(own);
	if (j.reasons)
		g_ptr_array_unref(j.reasons);
	g_free(j.detail);
	return ok;
}

bool
correction_documents(const dispo_ingest *ing, const dispo_request_row *row, GArray *files,
                     GPtrArray *paths)
{
	static const struct {
		const char *type, *content_type;
	} types[] = {{"pdf", "application/pdf"}, {"jpeg", "image/jpeg"}, {"png", "image/png"}};
	g_autoptr(JsonParser) parser = json_parser_new();
	const dispo_event_row *latest = NULL;
	JsonObject *o;
	JsonArray *docs;

	for (guint i = row && row->events ? row->events->len : 0; i-- > 0 && !latest;) {
		const dispo_event_row *e = row->events->pdata[i];
		if (strcmp(e->kind, "received") == 0 ||
		    strcmp(e->kind, "application_corrected") == 0)
			latest = e;
	}
	if (!latest || strcmp(latest->kind, "application_corrected") != 0 ||
	    !(o = intake_event_object(latest, parser)))
		return false;
	docs = member_array(o, "documents");
	for (guint i = 0; docs && i < json_array_get_length(docs); i++) {
		JsonObject *d = json_array_get_object_element(docs, i);
		const char *sha = member_string(d, "sha256");
		const char *type = member_string(d, "type");
		char sub[3];
		dispo_answer_file f = {NULL, "application/octet-stream", NULL, false};
		if (!sha || !dispo_sha256_hex_valid(sha))
			continue;
		sub[0] = sha[0], sub[1] = sha[1], sub[2] = 0;
		for (guint k = 0; k < G_N_ELEMENTS(types); k++)
			if (g_strcmp0(type, types[k].type) == 0)
				f.content_type = types[k].content_type;
		f.path = g_build_filename(ing->attachment_dir, sub, sha, NULL);
		g_ptr_array_add(paths, (char *)f.path);
		/* The applicant's name for the file, made safe to save. */
		f.name = policy_filename_sanitize(
		    member_string(d, "file") ? member_string(d, "file") : "berkas");
		g_ptr_array_add(paths, (char *)f.name);
		g_array_append_val(files, f);
	}
	return true;
}
