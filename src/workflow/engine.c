/* SPDX-License-Identifier: GPL-3.0-or-later */
/* engine.c: the pure workflow engine: one event applied to one request
 * under the rules gives the new state and the actions to carry out. */
#include "config.h"

#include "workflow/workflow.h"

#include <string.h>

/* Templates the engine names itself (the rest come from the rules). */
#define T_REMINDER   "pengingat"
#define T_ESCALATION "eskalasi"
#define T_EXPLAIN    "penjelasan"
#define T_HELP       "bantuan"
#define TIMER_SLA    "sla"

typedef struct ctx {
	const dispo_rules *rules;
	const dispo_calendar *cal;
	const dispo_wf_request *req;
	const dispo_wf_event *ev;
	const dispo_rules_workflow *wf;
	const dispo_rules_step *step; /* the current step or end, NULL when unknown */
	dispo_wf_result *r;
} ctx;

/* ---- actions ------------------------------------------------------------- */

static void
action_free(dispo_wf_action *a)
{
	if (!a)
		return;
	g_free(a->template);
	g_free(a->to_role);
	g_free(a->step);
	g_free(a->timer);
	g_free(a->reason);
	g_free(a->detail);
	g_free(a->note);
	g_free(a->serial);
	g_free(a);
}

static dispo_wf_action *
action_add(ctx *c, dispo_wf_action_kind kind, const char *step)
{
	dispo_wf_action *a = g_new0(dispo_wf_action, 1);

	a->kind = kind;
	a->step = g_strdup(step);
	g_ptr_array_add(c->r->actions, a);
	return a;
}

static dispo_wf_action *
send_add(ctx *c, const char *template, const char *step)
{
	dispo_wf_action *a = action_add(c, DISPO_ACT_SEND, step);

	a->template = g_strdup(template);
	return a;
}

/* Text from a reply: NULL when absent or blank; valid UTF-8 without
 * control characters otherwise (it ends up in emails and the audit). */
static char *
text_clean(const char *s)
{
	char *out;

	if (!s)
		return NULL;
	out = g_strstrip(dispo_utf8_clean(s, -1));
	if (*out == '\0') {
		g_free(out);
		return NULL;
	}
	return out;
}

/* Answers instead of obeying: one EXPLAIN, the result marked refused. */
static void
explain(ctx *c, const char *code, const char *detail, bool to_actor, bool to_admin)
{
	dispo_wf_action *a = action_add(c, DISPO_ACT_EXPLAIN, c->req->step);

	a->template = g_strdup(strcmp(code, "unclear") == 0 ? T_HELP : T_EXPLAIN);
	a->reason = g_strdup(code);
	a->detail = g_strdup(detail);
	a->to_actor = to_actor;
	a->to_admin = to_admin;
	c->r->refused = true;
	g_free(c->r->event);
	c->r->event = g_strdup("refused");
	g_free(c->r->reason);
	c->r->reason = g_strdup(code);
}

static void
note_add(ctx *c, const char *reason, const char *text)
{
	dispo_wf_action *a = action_add(c, DISPO_ACT_NOTE, c->req->step);

	a->reason = g_strdup(reason);
	a->detail = g_strdup(text);
}

/* ---- moving -------------------------------------------------------------- */

static bool
step_has_sla(const dispo_rules_step *s)
{
	return s && !s->is_end && s->sla_ms > 0;
}

static void
timer_start(ctx *c, const dispo_rules_step *s)
{
	dispo_wf_action *a = action_add(c, DISPO_ACT_TIMER_START, s->name);

	a->timer = g_strdup(TIMER_SLA);
	a->sla_ms = s->sla_ms;
	a->due = workflow_due(c->cal, c->ev->at, s->sla_ms);
}

/* Leaving the current step stops its SLA clock. */
static void
leave(ctx *c)
{
	if (step_has_sla(c->step)) {
		dispo_wf_action *a = action_add(c, DISPO_ACT_TIMER_STOP, c->step->name);
		a->timer = g_strdup(TIMER_SLA);
	}
}

/* Entering a step sends its email to its role (the documents, and the
 * letter once there is one, attached) and starts its SLA; entering an end
 * tells the applicant and closes the request. */
static void
enter(ctx *c, const dispo_rules_step *s, const char *note)
{
	dispo_wf_result *r = c->r;
	dispo_wf_action *a;

	g_free(r->step);
	r->step = g_strdup(s->name);
	r->moved = true;
	r->closed = s->is_end;
	r->reminders = 0;
	r->step_entered = c->ev->at;
	if (s->is_end || s->applicant) {
		/* The applicant's: the decision, or what to correct and by when. */
		a = send_add(c, s->send, s->name);
		a->to_applicant = true;
		a->note = g_strdup(note);
		if (step_has_sla(s))
			timer_start(c, s);
		return;
	}
	if (s->letter)
		action_add(c, DISPO_ACT_MAKE_LETTER, s->name);
	a = send_add(c, s->send, s->name);
	a->to_role = g_strdup(s->role);
	a->attach_documents = true;
	a->attach_letter = s->letter || c->req->has_letter;
	a->note = g_strdup(note);
	if (step_has_sla(s))
		timer_start(c, s);
}

/* A certificate serial in a SELESAI reply's argument: its first word when
 * it looks like one (letters, digits, ':' and '-', with a digit). */
static char *
serial_from_argument(const char *arg)
{
	g_autofree char *clean = text_clean(arg);
	size_t n;
	bool digit = false;

	if (!clean)
		return NULL;
	n = strcspn(clean, " \t\n,;");
	while (n > 0 && (clean[n - 1] == '.' || clean[n - 1] == ':'))
		n--;
	if (n < 4 || n > 128)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		if (g_ascii_isdigit(clean[i]))
			digit = true;
		else if (!g_ascii_isalpha(clean[i]) && clean[i] != ':' && clean[i] != '-')
			return NULL;
	}
	return digit ? g_strndup(clean, n) : NULL;
}

/* Follows transition t from the current step. */
static void
take(ctx *c, const dispo_rules_transition *t, const char *note, const char *serial)
{
	const dispo_rules_step *target = rules_step_get(c->wf, t->target);

	if (!target) { /* the rules check forbids it; never trust it blindly */
		explain(c, "unknown_step", t->target, false, true);
		return;
	}
	leave(c);
	if (t->record != DISPO_RECORD_NONE) {
		dispo_wf_action *a =
		    action_add(c,
		               t->record == DISPO_RECORD_CERTIFICATE ? DISPO_ACT_RECORD_CERTIFICATE
		                                                     : DISPO_ACT_RECORD_REVOCATION,
		               c->step->name);
		a->serial = g_strdup(serial);
	}
	enter(c, target, note);
}

/* "approve forward continue reject note": what the role may answer at this
 * step, the yes-words its forward path takes included. */
static char *
allowed_commands(const dispo_rules_step *s)
{
	GString *out = g_string_new(NULL);

	for (guint i = 0; s->transitions && i < s->transitions->len; i++) {
		const dispo_rules_transition *t = s->transitions->pdata[i];
		dispo_command words[8];
		guint n = rules_transition_commands(s, t, words, G_N_ELEMENTS(words));
		for (guint w = 0; w < n && w < G_N_ELEMENTS(words); w++)
			g_string_append_printf(out, "%s ", rules_command_name(words[w]));
	}
	g_string_append(out, rules_command_name(DISPO_CMD_NOTE));
	return g_string_free(out, FALSE);
}

/* ---- events -------------------------------------------------------------- */

static void
on_accepted(ctx *c)
{
	const dispo_rules_step *first;

	if (c->req->step) {
		explain(c, "already_accepted", c->req->step, false, true);
		return;
	}
	first = c->wf->steps && c->wf->steps->len ? c->wf->steps->pdata[0] : NULL;
	if (!first || first->is_end) {
		explain(c, "unknown_step", NULL, false, true);
		return;
	}
	c->r->event = g_strdup("accepted");
	enter(c, first, NULL);
}

/* Whether the event is about a step the request has left (a reply to an
 * old email, a timer of an earlier visit). */
static bool
event_stale(const ctx *c)
{
	const dispo_wf_event *ev = c->ev;

	if (ev->step && g_strcmp0(ev->step, c->req->step) != 0)
		return true;
	return (ev->kind == DISPO_WF_TIMER || ev->kind == DISPO_WF_COMMAND) &&
	       ev->step_entered != 0 && ev->step_entered != c->req->step_entered;
}

static void
on_command(ctx *c)
{
	const dispo_wf_event *ev = c->ev;
	const dispo_rules_step *s = c->step;
	const dispo_rules_transition *t;
	const dispo_rules_step *target;
	g_autofree char *text = NULL;
	g_autofree char *serial = NULL;

	if (!c->req->step) {
		explain(c, "not_started", NULL, true, false);
		return;
	}
	if (!s) {
		explain(c, "unknown_step", c->req->step, true, true);
		return;
	}
	if (s->is_end) {
		explain(c, "request_closed", s->name, true, false);
		return;
	}
	if (event_stale(c)) {
		explain(c, "step_passed", s->name, true, false);
		return;
	}
	if (!ev->actor_role || !s->role || strcmp(ev->actor_role, s->role) != 0) {
		/* At an applicant's step nobody in the office decides. */
		explain(c, "not_your_step", s->applicant ? "applicant" : s->role, true, false);
		return;
	}
	if (ev->command == DISPO_CMD_NONE || strcmp(rules_command_name(ev->command), "none") == 0) {
		g_autofree char *allowed = allowed_commands(s);
		explain(c, "unclear", allowed, true, false);
		return;
	}
	text = text_clean(ev->argument);
	if (ev->command == DISPO_CMD_NOTE) {
		if (!text) {
			explain(c, "text_required", "note", true, false);
			return;
		}
		g_free(c->r->event);
		c->r->event = g_strdup("note");
		note_add(c, "note", text);
		return;
	}
	t = rules_transition_resolve(s, ev->command);
	if (!t) {
		g_autofree char *allowed = allowed_commands(s);
		explain(c, "command_not_allowed_here", allowed, true, false);
		return;
	}
	if ((ev->command == DISPO_CMD_REJECT || ev->command == DISPO_CMD_RETURN) && !text) {
		explain(c, "reason_required", rules_command_name(ev->command), true, false);
		return;
	}
	if (t->record != DISPO_RECORD_NONE)
		serial = ev->serial ? text_clean(ev->serial) : serial_from_argument(ev->argument);
	g_free(c->r->event);
	c->r->event = g_strdup(rules_command_name(ev->command));
	/* A reason always travels (the applicant or the role reads why); other
	 * words only downward, as the disposition's instruction, because
	 * what an official adds to SELESAI is not written for the applicant. */
	target = rules_step_get(c->wf, t->target);
	if (ev->command != DISPO_CMD_REJECT && ev->command != DISPO_CMD_RETURN &&
	    (!target || target->is_end))
		g_clear_pointer(&text, g_free);
	take(c, t, text, serial);
}

/* The applicant's SLA: the first expiry sends the step's email again as a
 * reminder, with one more period; the second closes the request by the
 * step's on TOLAK line (an office does not wait for ever, and the
 * applicant may apply again), or, without one, tells the administrators;
 * later expiries only leave a note. */
static void
applicant_timer(ctx *c)
{
	const dispo_rules_step *s = c->step;
	const dispo_rules_transition *t = rules_transition_get(s, DISPO_CMD_REJECT);
	dispo_wf_result *r = c->r;
	dispo_wf_action *a;

	if (c->req->reminders == 0) {
		r->reason = g_strdup("reminder");
		r->reminders = 1;
		a = send_add(c, s->send, s->name);
		a->to_applicant = true;
		a->reason = g_strdup("reminder");
		timer_start(c, s);
		return;
	}
	if (c->req->reminders == 1 && t) {
		guint first = r->actions->len;
		r->reason = g_strdup("expired");
		take(c, t, NULL, NULL);
		for (guint i = first; i < r->actions->len; i++) {
			a = r->actions->pdata[i];
			if (a->kind == DISPO_ACT_SEND && a->to_applicant)
				a->reason = g_strdup("expired");
		}
		return;
	}
	if (c->req->reminders == 1) {
		r->reason = g_strdup("escalation");
		r->reminders = 2;
		a = send_add(c, T_ESCALATION, s->name);
		a->to_admin = true;
		return;
	}
	r->reason = g_strdup("escalated");
	note_add(c, "escalated", "SLA expired again after the escalation; no more emails");
}

/* The SLA policy: the first expiry reminds the role and gives it one more
 * period; the second escalates to the administrators and to the role of
 * the workflow's first step (the head who dispatched it) when that is
 * someone else; later expiries only leave a note, because reports show
 * what is late and repeated mail would teach people to ignore it. */
static void
on_timer(ctx *c)
{
	const dispo_wf_event *ev = c->ev;
	const dispo_rules_step *s = c->step;
	const dispo_rules_step *first;
	dispo_wf_result *r = c->r;
	dispo_wf_action *a;

	if (g_strcmp0(ev->timer, TIMER_SLA) != 0) {
		explain(c, "unknown_timer", ev->timer, false, true);
		return;
	}
	g_free(r->event);
	r->event = g_strdup("timer:sla");
	if (!c->req->step || !step_has_sla(s) || event_stale(c)) {
		const char *of = ev->step ? ev->step : c->req->step;
		g_autofree char *text = NULL;

		if (g_strcmp0(of, c->req->step) != 0 || !c->req->step)
			text =
			    g_strdup_printf("SLA timer of step %s ignored: the request is at %s",
			                    of ? of : "?", c->req->step ? c->req->step : "no step");
		else if (!step_has_sla(s))
			text = g_strdup_printf("SLA timer ignored: step %s has no SLA", of);
		else
			text =
			    g_strdup_printf("SLA timer of an earlier visit to step %s ignored", of);
		r->reason = g_strdup("timer_stale");
		note_add(c, "timer_stale", text);
		return;
	}
	if (s->applicant) {
		applicant_timer(c);
		return;
	}
	if (c->req->reminders == 0) {
		r->reason = g_strdup("reminder");
		r->reminders = 1;
		a = send_add(c, T_REMINDER, s->name);
		a->to_role = g_strdup(s->role);
		a->attach_documents = true;
		a->attach_letter = s->letter || c->req->has_letter;
		timer_start(c, s);
		return;
	}
	if (c->req->reminders == 1) {
		r->reason = g_strdup("escalation");
		r->reminders = 2;
		a = send_add(c, T_ESCALATION, s->name);
		a->to_admin = true;
		first = c->wf->steps->len ? c->wf->steps->pdata[0] : NULL;
		if (first && first->role && g_strcmp0(first->role, s->role) != 0) {
			a = send_add(c, T_ESCALATION, s->name);
			a->to_role = g_strdup(first->role);
		}
		return;
	}
	r->reason = g_strdup("escalated");
	note_add(c, "escalated", "SLA expired again after the escalation; no more emails");
}

static void
on_bsre(ctx *c)
{
	const dispo_rules_step *s = c->step;
	const dispo_rules_transition *t;
	g_autofree char *serial = text_clean(c->ev->serial);

	if (!s || s->is_end || g_strcmp0(s->wait, "bsre") != 0 ||
	    !(t = rules_transition_get(s, DISPO_CMD_DONE))) {
		explain(c, "bsre_unexpected", c->req->step, false, true);
		return;
	}
	g_free(c->r->event);
	c->r->event = g_strdup("bsre");
	take(c, t, NULL, serial);
}

/* The applicant's reply made the application complete again: the
 * applicant's step goes on by its on SELESAI line. */
static void
on_corrected(ctx *c)
{
	const dispo_rules_step *s = c->step;
	const dispo_rules_transition *t;

	if (!s || s->is_end || !s->applicant || event_stale(c) ||
	    !(t = rules_transition_get(s, DISPO_CMD_DONE))) {
		explain(c, "correction_unexpected", c->req->step, false, true);
		return;
	}
	g_free(c->r->event);
	c->r->event = g_strdup("corrected");
	take(c, t, NULL, NULL);
}

static void
cancel(ctx *c, const char *note)
{
	const dispo_rules_step *end = rules_step_get(c->wf, DISPO_WF_CANCELLED);
	const char *notify = NULL;
	dispo_wf_action *a;

	leave(c);
	if (end && end->is_end) {
		enter(c, end, note);
		return;
	}
	/* No such end in the rules: a built-in one, announced with the
	 * workflow's first end's template (every workflow has an end). */
	for (guint i = 0; i < c->wf->steps->len && !notify; i++) {
		const dispo_rules_step *s = c->wf->steps->pdata[i];
		if (s->is_end)
			notify = s->send;
	}
	g_free(c->r->step);
	c->r->step = g_strdup(DISPO_WF_CANCELLED);
	c->r->moved = c->r->closed = true;
	c->r->reminders = 0;
	c->r->step_entered = c->ev->at;
	if (notify) {
		a = send_add(c, notify, DISPO_WF_CANCELLED);
		a->to_applicant = true;
		a->note = g_strdup(note);
	}
}

static void
on_admin(ctx *c)
{
	const char *action = c->ev->admin_action ? c->ev->admin_action : "";
	g_autofree char *text = text_clean(c->ev->argument);

	if (strcmp(action, "cancel") == 0) {
		if (!c->req->step) {
			explain(c, "not_started", NULL, true, false);
			return;
		}
		if (c->step && c->step->is_end) {
			explain(c, "request_closed", c->step->name, true, false);
			return;
		}
		if (g_strcmp0(c->req->step, DISPO_WF_CANCELLED) == 0) {
			explain(c, "request_closed", DISPO_WF_CANCELLED, true, false);
			return;
		}
		c->r->event = g_strdup("admin:cancel");
		cancel(c, text);
		return;
	}
	if (g_str_has_prefix(action, "move:")) {
		const dispo_rules_step *target = rules_step_get(c->wf, action + 5);
		if (!target) {
			explain(c, "unknown_step", action + 5, true, false);
			return;
		}
		c->r->event = g_strdup("admin:move");
		leave(c);
		enter(c, target, text);
		return;
	}
	explain(c, "unknown_admin_action", action, true, false);
}

/* ---- the entry point ----------------------------------------------------- */

dispo_wf_result *
workflow_apply(const dispo_rules *rules, const dispo_calendar *cal, const dispo_wf_request *req,
               const dispo_wf_event *ev)
{
	dispo_wf_result *r;
	ctx c = {.rules = rules, .cal = cal, .req = req, .ev = ev};

	g_return_val_if_fail(rules != NULL && req != NULL && ev != NULL, NULL);
	r = g_new0(dispo_wf_result, 1);
	r->actions = g_ptr_array_new_with_free_func((GDestroyNotify)action_free);
	r->step = g_strdup(req->step);
	r->previous = g_strdup(req->step);
	r->reminders = req->reminders;
	r->step_entered = req->step_entered;
	if (ev->deputy && (strcmp(ev->deputy, "plt") == 0 || strcmp(ev->deputy, "plh") == 0))
		r->deputy = g_strdup(ev->deputy);
	c.r = r;

	c.wf = req->workflow ? rules_workflow_get(rules, req->workflow) : NULL;
	if (!c.wf || !c.wf->steps) {
		explain(&c, "unknown_workflow", req->workflow, ev->kind == DISPO_WF_COMMAND, true);
		return r;
	}
	c.step = req->step ? rules_step_get(c.wf, req->step) : NULL;
	if (c.step && c.step->is_end)
		r->closed = true;
	else if (req->step && strcmp(req->step, DISPO_WF_CANCELLED) == 0)
		r->closed = true;

	switch (ev->kind) {
	case DISPO_WF_ACCEPTED: on_accepted(&c); break;
	case DISPO_WF_COMMAND:
		if (r->closed && !c.step) /* cancelled */
			explain(&c, "request_closed", req->step, true, false);
		else
			on_command(&c);
		break;
	case DISPO_WF_TIMER: on_timer(&c); break;
	case DISPO_WF_BSRE: on_bsre(&c); break;
	case DISPO_WF_ADMIN: on_admin(&c); break;
	case DISPO_WF_CORRECTED: on_corrected(&c); break;
	default: explain(&c, "unknown_event", NULL, false, true); break;
	}
	if (!r->event)
		r->event = g_strdup("refused");
	return r;
}

void
workflow_result_free(dispo_wf_result *r)
{
	if (!r)
		return;
	g_free(r->step);
	g_free(r->previous);
	g_free(r->event);
	g_free(r->reason);
	g_free(r->deputy);
	if (r->actions)
		g_ptr_array_unref(r->actions);
	g_free(r);
}

/* ---- text form ----------------------------------------------------------- */

const char *
workflow_action_kind_name(dispo_wf_action_kind kind)
{
	switch (kind) {
	case DISPO_ACT_SEND: return "send";
	case DISPO_ACT_TIMER_START: return "timer_start";
	case DISPO_ACT_TIMER_STOP: return "timer_stop";
	case DISPO_ACT_RECORD_CERTIFICATE: return "record_certificate";
	case DISPO_ACT_RECORD_REVOCATION: return "record_revocation";
	case DISPO_ACT_MAKE_LETTER: return "make_letter";
	case DISPO_ACT_EXPLAIN: return "explain";
	case DISPO_ACT_NOTE: return "note";
	}
	return "unknown";
}

/* Every byte from 0x80 up: g_strescape leaves them alone, so UTF-8 text
 * stays readable. */
static const char utf8_bytes[] = "\x80\x81\x82\x83\x84\x85\x86\x87\x88\x89\x8a\x8b\x8c\x8d\x8e\x8f"
                                 "\x90\x91\x92\x93\x94\x95\x96\x97\x98\x99\x9a\x9b\x9c\x9d\x9e\x9f"
                                 "\xa0\xa1\xa2\xa3\xa4\xa5\xa6\xa7\xa8\xa9\xaa\xab\xac\xad\xae\xaf"
                                 "\xb0\xb1\xb2\xb3\xb4\xb5\xb6\xb7\xb8\xb9\xba\xbb\xbc\xbd\xbe\xbf"
                                 "\xc0\xc1\xc2\xc3\xc4\xc5\xc6\xc7\xc8\xc9\xca\xcb\xcc\xcd\xce\xcf"
                                 "\xd0\xd1\xd2\xd3\xd4\xd5\xd6\xd7\xd8\xd9\xda\xdb\xdc\xdd\xde\xdf"
                                 "\xe0\xe1\xe2\xe3\xe4\xe5\xe6\xe7\xe8\xe9\xea\xeb\xec\xed\xee\xef"
                                 "\xf0\xf1\xf2\xf3\xf4\xf5\xf6\xf7\xf8\xf9\xfa\xfb\xfc\xfd\xfe\xff";

static void
quoted(GString *out, const char *key, const char *value)
{
	g_autofree char *esc = NULL;

	if (!value)
		return;
	esc = g_strescape(value, utf8_bytes);
	g_string_append_printf(out, " %s=\"%s\"", key, esc);
}

static void
word(GString *out, const char *key, const char *value)
{
	if (value)
		g_string_append_printf(out, " %s=%s", key, value);
}

static void
action_format(GString *out, const dispo_wf_action *a, GTimeZone *tz)
{
	g_string_append(out, workflow_action_kind_name(a->kind));
	word(out, "template", a->template);
	if (a->to_role || a->to_applicant || a->to_actor || a->to_admin) {
		g_string_append(out, " to=");
		if (a->to_role)
			g_string_append_printf(out, "role:%s,", a->to_role);
		if (a->to_applicant)
			g_string_append(out, "applicant,");
		if (a->to_actor)
			g_string_append(out, "actor,");
		if (a->to_admin)
			g_string_append(out, "admin,");
		g_string_truncate(out, out->len - 1);
	}
	word(out, "step", a->step);
	if (a->attach_documents)
		g_string_append(out, " documents");
	if (a->attach_letter)
		g_string_append(out, " letter");
	word(out, "timer", a->timer);
	if (a->kind == DISPO_ACT_TIMER_START) {
		g_autofree char *due = dispo_time_format_iso8601(a->due, tz);
		g_string_append_printf(out, " due=%s", due);
	}
	word(out, "reason", a->reason);
	quoted(out, "detail", a->detail);
	quoted(out, "note", a->note);
	word(out, "serial", a->serial);
	g_string_append_c(out, '\n');
}

char *
workflow_result_format(const dispo_wf_result *r, GTimeZone *tz)
{
	g_autoptr(GTimeZone) utc = g_time_zone_new_utc();
	GString *out = g_string_new(NULL);
	g_autofree char *entered = NULL;

	if (!r)
		return g_string_free(out, FALSE);
	if (!tz)
		tz = utc;
	entered = dispo_time_format_iso8601(r->step_entered, tz);
	g_string_append_printf(out, "event=%s", r->event ? r->event : "?");
	word(out, "reason", r->reason);
	word(out, "step", r->step ? r->step : "-");
	if (g_strcmp0(r->step, r->previous) != 0 || r->moved)
		word(out, "from", r->previous ? r->previous : "-");
	if (r->moved)
		g_string_append(out, " moved");
	if (r->closed)
		g_string_append(out, " closed");
	if (r->refused)
		g_string_append(out, " refused");
	word(out, "deputy", r->deputy);
	g_string_append_printf(out, " reminders=%u entered=%s\n", r->reminders, entered);
	for (guint i = 0; i < r->actions->len; i++)
		action_format(out, r->actions->pdata[i], tz);
	return g_string_free(out, FALSE);
}
