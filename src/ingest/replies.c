/* SPDX-License-Identifier: GPL-3.0-or-later */
/* replies.c: officials decide by replying. A reply is matched to its
 * request by the single-use token in the address it was sent to, then by
 * In-Reply-To/References, then by the [SE-2026-000123] tag; it must come
 * from the holder of the step's role (or their deputy on that day) and
 * pass the sender checks. Only a decision that is carried out uses the
 * token up: an unclear or refused reply leaves it valid. */
#include "config.h"

#include "ingest/ingest-private.h"
#include "reply/reply.h"

#include <string.h>

/* The vocabulary: every command word in both languages, each with its
 * canonical name, as the rules know them. */
static void
vocabulary(const char **words, const char **canon, size_t max)
{
	static const dispo_command cmds[] = {DISPO_CMD_APPROVE, DISPO_CMD_FORWARD, DISPO_CMD_REJECT,
	                                     DISPO_CMD_RETURN,  DISPO_CMD_NOTE,    DISPO_CMD_DONE,
	                                     DISPO_CMD_CONTINUE};
	static const char *const langs[] = {"id", "en"};
	size_t n = 0;

	for (size_t c = 0; c < G_N_ELEMENTS(cmds); c++)
		for (size_t l = 0; l < G_N_ELEMENTS(langs) && n + 1 < max; l++) {
			words[n] = rules_command_word(cmds[c], langs[l]);
			canon[n] = rules_command_name(cmds[c]);
			n++;
		}
	words[n] = canon[n] = NULL;
}

void
intake_reply_judge(dispo_ingest *ing, dispo_verdict *v, const dispo_mail *mail)
{
	const char *words[32], *canon[32];

	vocabulary(words, canon, G_N_ELEMENTS(words));
	v->visible = reply_visible_text(mail->body ? mail->body : "");
	v->reply_status = reply_command_find(v->visible, words, canon, &v->command, &v->argument);
}

const char *
ingest_reply_read(const dispo_mail *mail, char **visible, char **command, char **argument)
{
	const char *words[32], *canon[32];
	dispo_reply_status st;

	vocabulary(words, canon, G_N_ELEMENTS(words));
	*visible = reply_visible_text(mail->body ? mail->body : "");
	st = reply_command_find(*visible, words, canon, command, argument);
	return reply_status_name(st);
}

/* The explanation email (template penjelasan) to the reply's sender,
 * outside the engine: for replies the engine never sees. Like the
 * engine's, it carries a fresh token for the step the request is at, so
 * that answering it works for whoever may decide there. */
static bool
explain(dispo_ingest *ing, const pending_item *p, const dispo_rules_workflow *wf,
        const dispo_progress *prog, const char *reason, const char *detail, int64_t message_id,
        GError **error)
{
	const dispo_rules_step *now = prog->step ? rules_step_get(wf, prog->step) : NULL;
	g_autoptr(JsonBuilder) b = json_builder_new();
	g_autoptr(JsonNode) data = NULL;
	g_autofree char *token = NULL;
	g_autofree char *reply_to = NULL;
	int64_t outbox_id = 0;
	bool allowed, may_see;

	if (!intake_answer_allowed(ing, wf, p->verdict->answer_to, p->arrived, true, &allowed,
	                           error))
		return false;
	if (!allowed)
		return true;
	if (now && !now->is_end && now->role) {
		bool may_act = false;
		if (!store_role_may_act(ing->store, now->role, p->verdict->answer_to, p->arrived,
		                        ing->config->tz, &may_act, NULL, error))
			return false;
		if (may_act) {
			token = dispo_random_token(15);
			reply_to = intake_reply_address(wf, token);
		}
	}
	if (!intake_address_may_see(ing, p->verdict->answer_to, prog->applicant, p->arrived,
	                            &may_see, error))
		return false;

	json_builder_begin_object(b);
	intake_json_string(b, "request", prog->number);
	intake_json_string(b, "workflow", wf->title);
	intake_json_string(b, "mailbox", wf->mailbox);
	intake_json_string(b, "reason", reason);
	{
		g_autofree char *why =
		    intake_explanation(ing, wf, reason, detail, NULL, p->arrived, !may_see);
		intake_json_string(b, "explanation", why);
	}
	if (may_see) {
		intake_json_string(b, "detail", detail);
		intake_json_string(b, "current_step", now ? now->title : prog->step);
	}
	json_builder_end_object(b);
	data = json_builder_get_root(b);
	{
		dispo_answer a = {
		    .template = "penjelasan",
		    .kind = "explanation",
		    .to = p->verdict->answer_to,
		    .reply_to = reply_to,
		    .request_id = prog->id,
		    .request = prog->number,
		    .step = prog->step,
		    .data = data,
		    .answers = p->mail,
		    .answers_message = message_id,
		    .at = p->arrived,
		    .generated = true,
		};
		if (!intake_answer(ing, wf, &a, &outbox_id, NULL, error))
			return false;
	}
	if (token) {
		dispo_token_row t = {
		    .token = token,
		    .purpose = "reply",
		    .request_id = prog->id,
		    .step = prog->step,
		    .step_entered = prog->step_entered,
		    .role = now->role,
		    .address = p->verdict->answer_to,
		    .outbox_id = outbox_id,
		    .created_at = p->arrived,
		};
		return store_token_insert(ing->store, &t, error);
	}
	return true;
}

static bool
record(dispo_ingest *ing, int64_t request_id, const pending_item *p, const char *actor,
       const char *kind, const char *why, int64_t message_id, GError **error)
{
	g_autoptr(JsonBuilder) b = json_builder_new();
	g_autoptr(JsonGenerator) gen = json_generator_new();
	g_autoptr(JsonNode) root = NULL;
	g_autofree char *detail = NULL;
	dispo_event_new ev = {p->arrived, actor ? actor : "unknown",    kind, NULL,
	                      message_id, rules_version(ing->opt.rules)};

	json_builder_begin_object(b);
	json_builder_set_member_name(b, "why");
	json_builder_add_string_value(b, why);
	json_builder_set_member_name(b, "message_sha256");
	json_builder_add_string_value(b, p->sha256);
	json_builder_end_object(b);
	root = json_builder_get_root(b);
	json_generator_set_root(gen, root);
	detail = json_generator_to_data(gen, NULL);
	ev.detail = detail;
	return store_event_append(ing->store, request_id, &ev, error);
}

bool
intake_reply_commit(dispo_ingest *ing, pending_item *p, int64_t message_id, bool *handled,
                    GError **error)
{
	dispo_verdict *v = p->verdict;
	g_autoptr(dispo_token_row) t = NULL;
	g_autoptr(dispo_progress) prog = NULL;
	g_autoptr(GError) e = NULL;
	g_autoptr(dispo_wf_result) res = NULL;
	g_autofree char *deputy = NULL;
	const dispo_rules_workflow *wf;
	const dispo_rules_step *step;
	const char *step_name;
	int64_t request_id = 0;
	bool allowed = false;
	dispo_wf_event ev = {.kind = DISPO_WF_COMMAND, .at = p->arrived};

	*handled = false;
	t = intake_token_find(ing, p, "reply", &e);
	if (e) {
		g_propagate_error(error, g_steal_pointer(&e));
		return false;
	}
	if (t)
		request_id = t->request_id;
	else if (!intake_request_by_tag(ing, p->mail->subject, &request_id, error))
		return false;
	if (!request_id)
		return true;
	*handled = true;
	if (!(prog = store_progress_get(ing->store, request_id, error)))
		return false;
	wf = rules_workflow_get(ing->opt.rules, prog->workflow);
	step_name = t && t->step ? t->step : prog->step;
	step = wf && step_name ? rules_step_get(wf, step_name) : NULL;

	/* A reply that fails the sender checks may be forged: it is kept on
	 * the request's record. It is answered only when it claims to come from
	 * someone in the register (who should learn of it); a stranger's
	 * address is not written to (no backscatter). */
	if (!intake_sender_clean(v)) {
		g_autoptr(dispo_employee) who = NULL;
		if (!record(ing, request_id, p, v->answer_to, "reply_refused",
		            "the sender fails the sender or authentication checks", message_id,
		            error))
			return false;
		if (!wf || !v->answer_to)
			return true;
		if (!store_employee_find_by_email(ing->store, v->answer_to, &who, error))
			return false;
		return !who || explain(ing, p, wf, prog, "unauthenticated",
		                       "dispo could not verify that the reply came from you",
		                       message_id, error);
	}
	/* By its tag alone, a request is named by someone who never had one of
	 * its emails: only those who may see it are answered, so that the tag
	 * is no oracle for which numbers exist and where they are. */
	if (!t) {
		bool may_see;
		if (!intake_address_may_see(ing, v->address, prog->applicant, p->arrived, &may_see,
		                            error))
			return false;
		if (!may_see)
			return record(
			    ing, request_id, p, v->address, "reply_refused",
			    "it names the request by its tag only, from someone who is not "
			    "its applicant, an official or the administrator",
			    message_id, error);
	}
	/* The official believes he decided: say that this email was decided
	 * on already, and where the request is now (with a token for that
	 * step, in case the answer was meant for it). */
	if (t && t->used_at)
		return record(ing, request_id, p, v->address, "reply_again",
		              "the email it answers was decided on already", message_id, error) &&
		       (!wf || explain(ing, p, wf, prog, "already_decided",
		                       "the email you answered was decided on already", message_id,
		                       error));
	if (step && step->role &&
	    !store_role_may_act(ing->store, step->role, v->address, p->arrived, ing->config->tz,
	                        &allowed, &deputy, error))
		return false;

	ev.actor = v->address;
	ev.actor_role = allowed ? step->role : NULL;
	ev.deputy = deputy;
	ev.step = step_name;
	ev.step_entered = t ? t->step_entered : 0;
	ev.command = v->reply_status == DISPO_REPLY_COMMAND && v->command
	                 ? rules_command_parse(v->command)
	                 : DISPO_CMD_NONE;
	ev.argument = v->argument;
	if (!intake_workflow_event(ing, request_id, &ev, message_id, p->mail, &res, error))
		return false;
	/* Only a decision carried out uses the token: after "ok" → help, the
	 * official answers the same email again. */
	if (t && !res->refused && res->moved &&
	    !store_token_use(ing->store, t->token, p->arrived, message_id, error))
		return false;
	return true;
}
