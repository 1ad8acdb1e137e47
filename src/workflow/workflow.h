/* SPDX-License-Identifier: GPL-3.0-or-later */
/* workflow.h: the pure workflow engine, (request, event, rules) → (new state,
 * actions), and the office calendar that turns SLAs into working-time
 * deadlines. No I/O and no clock: time comes in with the event. */
#ifndef DISPO_WORKFLOW_H
#define DISPO_WORKFLOW_H

#include "lib/lib.h"
#include "rules/rules.h"

#define DISPO_WORKFLOW_ERROR (dispo_workflow_error_quark())
GQuark dispo_workflow_error_quark(void);
typedef enum {
	DISPO_WORKFLOW_ERROR_INVALID, /* a calendar setting that does not parse */
} dispo_workflow_error_code;

/* ---- the office calendar ------------------------------------------------- */

/* Working time: working days (bit 0 = Monday … bit 6 = Sunday) from
 * start_min to end_min (minutes after local midnight), except holidays, in
 * the office's time zone. An SLA that is a whole number of days counts
 * working days: "1d" is due at the same clock time on the next working day
 * (a start outside working time first moves to the next opening), and a
 * whole number of weeks counts the calendar's working days per week ("1w" =
 * 5 working days). Anything else ("10m", "2h", "90m") counts working time:
 * "10m" started at 15:55 is due at 07:35 on the next working day. */
typedef struct dispo_calendar {
	GTimeZone *tz;         /* owned; NULL = UTC */
	unsigned working_days; /* bit 0 = Monday */
	int start_min, end_min;
	char **holidays; /* NULL-terminated yyyy-mm-dd, or NULL */
} dispo_calendar;

#define DISPO_CALENDAR_WEEKDAYS 0x1fu /* Monday to Friday */

/* Monday to Friday, 07:30-16:00, no holidays, in tz (a new reference is
 * taken; NULL = UTC). */
dispo_calendar *workflow_calendar_new(GTimeZone *tz);
void workflow_calendar_free(dispo_calendar *cal);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(dispo_calendar, workflow_calendar_free)
/* Replaces the holidays with the dates of a holidays file's text: one date
 * (yyyy-mm-dd) at the start of a line, anything after it (the holiday's
 * name) ignored, # comments and blank lines skipped. Errors name the line:
 * "origin:line: …". */
bool workflow_calendar_set_holidays(dispo_calendar *cal, const char *text, const char *origin,
                                    GError **error);
/* "07:30-16:00" into minutes after midnight (start before end). */
bool workflow_calendar_set_hours(dispo_calendar *cal, const char *text, GError **error);
/* [calendar] working_days: "mon-fri", "mon,wed,fri", "sen-jum" (English or
 * Indonesian names, lists and ranges). Errors are DISPO_CONFIG_ERROR and
 * name the setting. */
bool workflow_calendar_set_days(dispo_calendar *cal, const char *text, GError **error);
bool workflow_calendar_is_working_day(const dispo_calendar *cal, int year, int month, int day);

/* When an SLA of sla_ms started at `from` is due, per the calendar above.
 * cal NULL, or a calendar without working time, counts wall-clock time;
 * sla_ms <= 0 returns from. Rounds up to whole seconds. */
dispo_time workflow_due(const dispo_calendar *cal, dispo_time from, int64_t sla_ms);
/* Seconds of working time in [from, to) per the calendar: the parts of
 * working days' hours the interval covers (0 when to <= from). cal NULL, or
 * a calendar without working time, counts wall-clock time, as workflow_due
 * does; so do spans longer than five years. For a deadline counted in
 * working time (not whole days), workflow_working_seconds(cal, from,
 * workflow_due(cal, from, sla)) is the SLA. */
int64_t workflow_working_seconds(const dispo_calendar *cal, dispo_time from, dispo_time to);

/* ---- the SLA report (report.c) ------------------------------------------- */

/* The percent-th percentile (0-100) of n values sorted ascending, linear
 * between the closest ranks (R-7: what spreadsheets' MEDIAN and
 * PERCENTILE.INC give), rounded to the nearest whole value; false when n is
 * 0 or percent over 100. */
bool workflow_percentile(const int64_t *sorted, size_t n, unsigned percent, int64_t *out);

typedef enum {
	DISPO_REPORT_STEP,  /* a step: its visits that ended in the period, who is there now */
	DISPO_REPORT_END,   /* an end: the requests that reached it in the period */
	DISPO_REPORT_TOTAL, /* a workflow: received and finished in the period, open now */
} dispo_report_kind;

typedef struct dispo_report_row {
	dispo_report_kind kind;
	const char *workflow;
	const char *step; /* the step or end; NULL for TOTAL */
	int64_t sla_ms;   /* STEP: the rules' SLA (0: none, or a step the rules lack) */
	/* STEP: visits that ended in the period; END: requests that entered it
	 * then; TOTAL: requests that entered any end then (finished). */
	unsigned count;
	/* Working seconds, when count > 0 (timed): STEP of its visits; END and
	 * TOTAL from when the request was received to its end. */
	bool timed;
	int64_t median, p90;
	unsigned within;        /* STEP: visits that ended by their SLA deadline */
	unsigned open, overdue; /* STEP: requests at it now, and past their deadline; TOTAL: sums */
	unsigned received;      /* TOTAL: requests received in the period */
} dispo_report_row;

/* A visit of a step is one request's stay in it: from the event that moved
 * the request into the step (or into it again, by an administrator's move)
 * to the next event that moved it elsewhere. A visit counts in the period
 * [from, to) when it ended then; its time is its working time
 * (workflow_working_seconds), and it was within the SLA when it ended by the
 * step's deadline (workflow_due from its start: the time the reminders
 * count to). Open requests are at the step at `now`; those past that
 * deadline are overdue. The SLAs are the rules' of today. */
typedef struct dispo_report dispo_report;

/* A report of every workflow of rules (workflow NULL), or of one. cal may
 * be NULL (wall-clock time); rules and cal must outlive the report. */
dispo_report *workflow_report_new(const dispo_rules *rules, const dispo_calendar *cal,
                                  dispo_time from, dispo_time to, dispo_time now,
                                  const char *workflow);
void workflow_report_free(dispo_report *r);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(dispo_report, workflow_report_free)
/* Feeding: each request in turn, received when it was, then its workflow
 * events oldest first: when, the event's kind (approve, admin:move…), the
 * step it left the request in and the one before (the audit detail's step
 * and previous). Events after `to` may be left out. */
void workflow_report_request(dispo_report *r, const char *workflow, dispo_time received);
void workflow_report_event(dispo_report *r, dispo_time at, const char *kind, const char *step,
                           const char *previous);
/* A request at step now, since `entered`. */
void workflow_report_open(dispo_report *r, const char *workflow, const char *step,
                          dispo_time entered);
/* The rows (dispo_report_row *, the report's): per workflow (the rules'
 * order, then others met), its steps (the rules' order, then steps the
 * rules no longer have), its ends (the rules', and the built-in cancelled
 * end when reached), then its TOTAL. */
const GPtrArray *workflow_report_rows(dispo_report *r);

/* ---- one request's time at each step (times.c) ---------------------------- */

/* Whether a workflow event entered a step: the step it left the request in
 * differs from the one before, or is the same one again by an
 * administrator's move (its SLA restarts). Refusals, notes and reminders
 * leave the visit running. kind is the event's (approve, admin:move…). */
bool workflow_event_enters(const char *kind, const char *step, const char *previous);
/* Whether step is an end of wf (wf NULL: a workflow the rules no longer
 * have), the built-in cancelled end included. */
bool workflow_is_end(const dispo_rules_workflow *wf, const char *step);

/* The working time one request spent at each step, from its workflow
 * events oldest first (as the SLA report rebuilds visits): a step visited
 * twice (after KEMBALIKAN) sums its visits; time in an end is not counted. */
typedef struct dispo_step_times dispo_step_times;

/* cal NULL counts wall-clock time; it must outlive the result. */
dispo_step_times *workflow_step_times_new(const dispo_calendar *cal);
void workflow_step_times_free(dispo_step_times *t);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(dispo_step_times, workflow_step_times_free)
/* Starts over for a request of wf (NULL: unknown to the rules) received at
 * `received`. */
void workflow_step_times_begin(dispo_step_times *t, const dispo_rules_workflow *wf,
                               dispo_time received);
void workflow_step_times_event(dispo_step_times *t, dispo_time at, const char *kind,
                               const char *step, const char *previous);
/* Working seconds at step, the visit still open counted up to now; -1 when
 * the request was never there. */
int64_t workflow_step_times_get(const dispo_step_times *t, const char *step, dispo_time now);
/* When the request entered an end, 0 while it is open. */
dispo_time workflow_step_times_closed(const dispo_step_times *t);
/* Working seconds from received to the end, or to now while open. */
int64_t workflow_step_times_total(const dispo_step_times *t, dispo_time now);

/* ---- the engine ---------------------------------------------------------- */

typedef enum {
	DISPO_WF_ACCEPTED, /* the application passed intake: enter the first step */
	DISPO_WF_COMMAND,  /* a reply with a command from an official */
	DISPO_WF_TIMER,    /* a timer the engine started has fired */
	DISPO_WF_BSRE,     /* a notification from BSrE (the caller checked its sender) */
	DISPO_WF_ADMIN,    /* an administrator's action */
	/* The applicant's reply to a correction email made the application
	 * complete again (the caller judged its documents and form): the
	 * applicant's step is left by its on SELESAI line. */
	DISPO_WF_CORRECTED,
} dispo_wf_event_kind;

/* What the store knows about the request, passed in. */
typedef struct dispo_wf_request {
	const char *number;      /* SE-2026-000123 */
	const char *workflow;    /* the rules workflow's name */
	const char *step;        /* current step or end; NULL before acceptance */
	dispo_time step_entered; /* when the current step was entered */
	unsigned reminders;      /* SLA expiries already handled in this step */
	bool has_letter;         /* a recommendation letter was made for it */
} dispo_wf_request;

typedef struct dispo_wf_event {
	dispo_wf_event_kind kind;
	dispo_time at;     /* the message's arrival time, or when the timer fired */
	const char *actor; /* address, "dispo", "bsre" or "admin:<user>" */
	/* COMMAND: the role the caller verified the actor holds, or deputises
	 * for, for the current step at `at`; NULL when none. */
	const char *actor_role;
	const char *deputy; /* NULL, "plt" or "plh": acting as a deputy */
	/* The step the event is about: the step the replied-to email (its
	 * token) or the timer belongs to; NULL = the current step. A reply or a
	 * timer for a step the request has left is answered, not obeyed. */
	const char *step;
	/* TIMER: the step_entered of the visit the timer was started in;
	 * COMMAND: of the visit the replied-to email (its token) was sent in;
	 * 0 = unchecked. Tells an earlier visit to the same step (after
	 * KEMBALIKAN) from the current one. */
	dispo_time step_entered;
	dispo_command command; /* COMMAND */
	const char *argument;  /* COMMAND: the reason or note text; ADMIN: the reason */
	const char *timer;     /* TIMER: "sla" */
	/* BSRE: the certificate's serial, when the notice has one. SELESAI:
	 * the reply parser's, or else the argument's first word when it looks
	 * like one (letters, digits, ':' and '-', with a digit). */
	const char *serial;
	/* BSRE: the certificate's validity as the notice gives it (yyyy-mm-dd),
	 * NULL when unsaid; for the applicant's email, the engine ignores it. */
	const char *valid_from, *valid_until;
	/* ADMIN: "cancel" (close it in the cancelled end) or "move:<step>"
	 * (enter that step or end: send its email again, restart its SLA). */
	const char *admin_action;
} dispo_wf_event;

/* The end a cancelled request is in when its workflow has no end of that
 * name (one that has is used, with its notify template). */
#define DISPO_WF_CANCELLED "dibatalkan"

typedef enum {
	DISPO_ACT_SEND,               /* an email from a template */
	DISPO_ACT_TIMER_START,        /* start (or restart) timer, due at `due` */
	DISPO_ACT_TIMER_STOP,         /* stop timer */
	DISPO_ACT_RECORD_CERTIFICATE, /* the applicant enters the certificate register */
	DISPO_ACT_RECORD_REVOCATION,  /* the applicant's certificate is revoked */
	DISPO_ACT_MAKE_LETTER,        /* generate the recommendation letter */
	DISPO_ACT_EXPLAIN,            /* an email saying why the event was not obeyed */
	DISPO_ACT_NOTE,               /* a note in the request's history */
} dispo_wf_action_kind;

typedef struct dispo_wf_action {
	dispo_wf_action_kind kind;
	/* SEND/EXPLAIN: the template: a step's send, an end's notify,
	 * "pengingat" (reminder), "eskalasi" (escalation), "penjelasan"
	 * (explanation) or "bantuan" (help for an unclear reply). */
	char *template;
	/* Recipients, any combination: the holders of a role (and their
	 * deputies), the applicant, the event's actor, the administrators. */
	char *to_role;
	bool to_applicant, to_actor, to_admin;
	char *step; /* the step (or end) the action is about */
	bool attach_documents, attach_letter;
	char *timer;    /* TIMER_START/STOP: "sla" */
	dispo_time due; /* TIMER_START */
	int64_t sla_ms; /* TIMER_START: the period, to recompute under another calendar */
	/* EXPLAIN: a stable code (see workflow_explain_codes below); NOTE: why
	 * the note was made ("note" for CATATAN, "timer_stale", …); SEND to the
	 * applicant: "reminder" (an applicant's step's email again, the SLA
	 * passed once) or "expired" (the end entered because it passed twice),
	 * else NULL. */
	char *reason;
	/* EXPLAIN: what helps the reader: the allowed commands (canonical names,
	 * space-separated: "approve reject"), the step's role, the current
	 * step; NOTE: the text. */
	char *detail;
	/* SEND: the decider's words for the template: the reason of TOLAK and
	 * KEMBALIKAN (and of a cancellation) always; the text after other
	 * commands only when they enter a step (the disposition's instruction
	 * to the next official), never to the applicant. */
	char *note;
	char *serial; /* RECORD_*: the certificate's serial, NULL when not known */
} dispo_wf_action;

typedef struct dispo_wf_result {
	char *step;     /* the step or end after the event (the same when nothing moved) */
	char *previous; /* the step before the event */
	bool moved;     /* entered a step (or end): store step and step_entered = ev->at */
	bool closed;    /* the step is an end */
	bool refused;   /* the event was answered, not obeyed: a reply token stays valid */
	/* The audit event: accepted, approve, forward, continue, reject, return,
	 * note, done, timer:sla, bsre, corrected, admin:cancel, admin:move,
	 * refused. A yes-word that took the step's forward path without an 'on'
	 * line of its own is recorded as the word it was (continue, say). */
	char *event;
	/* refused: the EXPLAIN code; timer:sla: reminder, escalation,
	 * escalated (nothing more to do), expired (an applicant's step closed),
	 * timer_stale. */
	char *reason;
	char *deputy;            /* "plt"/"plh" when a deputy acted */
	unsigned reminders;      /* store this: 0 after a move, +1 after an SLA expiry */
	dispo_time step_entered; /* store this: ev->at after a move, else unchanged */
	GPtrArray *actions;      /* dispo_wf_action *, in the order to carry them out */
} dispo_wf_result;

/* Explanation codes (EXPLAIN reason): not_your_step, unclear,
 * command_not_allowed_here, reason_required, text_required, request_closed,
 * step_passed, not_started, already_accepted, unknown_workflow, unknown_step,
 * bsre_unexpected, correction_unexpected, unknown_timer,
 * unknown_admin_action. */

/* The SLA policy: when the timer fires in its step, the first time the
 * role gets a reminder (pengingat, documents attached, answerable like the
 * step's email) and the timer restarts for another SLA period; the second
 * time the administrators and the role of the workflow's first step (when
 * it is another role: the head who dispatched the request) get an
 * escalation (eskalasi) and no timer restarts; any later expiry only adds
 * a NOTE. A timer for a step the request has left adds a NOTE
 * (timer_stale).
 *
 * A step held by the applicant (a correction) is the applicant's to
 * answer, so its clock works for the applicant: entering it sends its
 * email to the applicant (with the reason of the KEMBALIKAN that sent it
 * there, no documents) and starts its SLA; the first expiry sends that
 * email again as a reminder ("reminder") and gives one more period; the
 * second takes the step's on TOLAK line ("expired": the applicant is told
 * the time ran out) or, without one, tells the administrators. Officials
 * cannot decide there (not_your_step); DISPO_WF_CORRECTED takes its on
 * SELESAI line.
 *
 * A command takes the step's 'on' line for it; an affirmative word
 * (SETUJU, TERUSKAN, LANJUT) without one takes the step's one forward path
 * (rules_transition_resolve).
 *
 * Decides what an event does to a request. Never NULL for non-NULL
 * arguments; never a silent no-op: anything not obeyed yields an EXPLAIN
 * (or, for a stale timer, a NOTE). cal (NULL = wall-clock time) dates the
 * SLA timers. Same inputs, same result. */
dispo_wf_result *workflow_apply(const dispo_rules *rules, const dispo_calendar *cal,
                                const dispo_wf_request *req, const dispo_wf_event *ev);
void workflow_result_free(dispo_wf_result *r);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(dispo_wf_result, workflow_result_free)

/* "send", "timer_start", … */
const char *workflow_action_kind_name(dispo_wf_action_kind kind);
/* The result as stable text, a line for the state and one per action
 * (times in tz, NULL = UTC): for `dispo rules test`, logs and tests. */
char *workflow_result_format(const dispo_wf_result *r, GTimeZone *tz);

#endif
