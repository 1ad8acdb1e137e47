/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ingest-private.h: what the files of the pipeline share: the pending batch,
 * the intake decisions (intake.c) and the answers they send (answer.c). */
#ifndef DISPO_INGEST_PRIVATE_H
#define DISPO_INGEST_PRIVATE_H

#include "ingest/ingest.h"
#include "policy/policy.h"
#include "rules/rules.h"
#include "workflow/workflow.h"

#include <json-glib/json-glib.h>

/* What a BSrE notice says (bsre.c), read from its whole body. */
typedef struct dispo_bsre_notice {
	char *name;
	char *nik;   /* digits only */
	char *email; /* lower case */
	char *serial;
	char *valid_from, *valid_until; /* yyyy-mm-dd */
	dispo_rules_record kind;        /* CERTIFICATE: issued; REVOCATION; NONE: unsaid */
} dispo_bsre_notice;

/* What the sender policy and the document and form checks say about an
 * application, judged when it is parsed (the body is dropped after that);
 * the register and the rate limit are consulted at commit. */
/* An application someone forwarded (forward.c): who, how, and what. */
typedef struct dispo_forwarding {
	char *by;         /* the forwarder: its From address, checked or not */
	const char *how;  /* "attached" (message/rfc822) or "inline" */
	char *subject;    /* the forwarded message's, NULL when none */
	char *message_id; /* the forwarded message's (attached only), NULL */
	char *date;       /* its date: ISO 8601 (attached), as written (inline), NULL */
	char *cc;         /* at commit: the copy of every answer, NULL for none */
} dispo_forwarding;

typedef struct dispo_verdict {
	const dispo_rules_workflow *workflow;
	GPtrArray *reasons; /* dispo_reason * */
	char *address;      /* the sender (domain in lower-case ASCII), or NULL */
	char *answer_to;    /* where an answer may go, NULL: nowhere (RFC 3834) */
	GHashTable *form;   /* label -> value */
	char *nip;          /* normalized, when the form's NIP is valid */
	char *nik;
	char *documents;  /* JSON array: which file met which requirement */
	unsigned matched; /* attachments that meet some requirement by name */
	char *target;     /* revocation by a superior: the certificate holder's address */
	char *token;      /* a plus-address token the message was sent to, or NULL */
	/* A forwarded application: address is then its applicant (NULL until
	 * established) and answer_to becomes theirs at commit. NULL: the
	 * sender's own. */
	dispo_forwarding *forwarded;
	/* replies (replies.c): the new text and the command found in it */
	char *visible;
	int reply_status; /* dispo_reply_status */
	char *command;    /* canonical name: approve, reject… or NULL */
	char *argument;
	dispo_bsre_notice *notice; /* from a configured BSrE sender, else NULL */
	char *status_query;        /* STATUS/CEK: the words after it ("" when none), else NULL */
} dispo_verdict;

typedef struct {
	char sha256[DISPO_SHA256_HEX_LEN + 1];
	uint64_t size;
	dispo_mail *mail;
	const char *kind;
	dispo_time arrived;
	char *source;
	dispo_verdict *verdict; /* applications and replies, NULL otherwise */
	dispo_bounce *bounce;   /* bounces: what came back, NULL otherwise */
	char *excerpt;          /* auto-replies: the start of the text, for the record */
} pending_item;

struct dispo_ingest {
	const dispo_config *config;
	dispo_store *store;
	dispo_ingest_options opt;
	char *attachment_dir;
	char *mail_dir;
	GPtrArray *pending;       /* pending_item * */
	GHashTable *pending_shas; /* sha256 -> NULL, to spot a duplicate inside a batch */
	dispo_ingest_stats stats;
	GPtrArray *opened;
	char *source;             /* options.source, or options.source:PATH of the current file */
	GKeyFile *reason_texts;   /* templates/<lang>/reasons.ini, loaded on first use */
	dispo_calendar *calendar; /* the office's working time, for SLA deadlines */
	bool answered;            /* an answer was spooled in this batch */
	/* The IMAP checkpoint the next flush commits (ingest_checkpoint_set). */
	char *cp_source;
	uint32_t cp_uidvalidity, cp_uid;
	/* What the last flush did, for a log line (ingest_outcome). */
	GString *outcome;
};

/* Adds a few words to what this flush did (ingest_outcome). */
void ingest_outcome_add(dispo_ingest *ing, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

/* One message read from fd; file_time is the arrival fallback. */
bool ingest_fd_at(dispo_ingest *ing, int fd, dispo_time file_time, GError **error);
void ingest_count_file(dispo_ingest *ing, bool failed);
/* Takes back a file counted as read that then failed. */
void ingest_uncount_file(dispo_ingest *ing);
/* Names the file the next messages come from (recorded as import:PATH). */
void ingest_set_source(dispo_ingest *ing, const char *path);

/* ---- intake.c ------------------------------------------------------------- */

/* Judges a parsed message that may be an application or a confirmation
 * reply; the mail still has its body. */
dispo_verdict *intake_judge(dispo_ingest *ing, const dispo_mail *mail, const char *kind,
                            dispo_time arrived);
void intake_verdict_free(dispo_verdict *v);
/* Inside the batch's transaction, after the message row is stored: refuse,
 * hold for confirmation or open the request, and queue the answer. A
 * stored number of an opened request is added to opened. */
bool intake_commit(dispo_ingest *ing, pending_item *p, int64_t message_id, GPtrArray *opened,
                   dispo_ingest_stats *delta, GError **error);

/* The documents (at depth: 0 the message's own, 1 a forwarded message's)
 * and the form in body, judged into v. */
void intake_documents_judge(dispo_verdict *v, const dispo_mail *mail, unsigned depth);
void intake_form_judge(dispo_verdict *v, const char *body, dispo_time arrived);

/* The reasons as a JSON array of {code, subject, text} (the sentence in
 * the configured language) when texts, else of {code, subject, detail}. */
JsonNode *intake_reasons_node(dispo_ingest *ing, const GPtrArray *reasons, bool texts);
/* A JSON member that is a string, or null when value is NULL; the
 * builder's value as text. */
void intake_json_string(JsonBuilder *b, const char *name, const char *value);
char *intake_json_text(JsonBuilder *b);
/* The sender passed every sender and authentication check (a reply's
 * documents and form do not matter). */
bool intake_sender_clean(const dispo_verdict *v);
/* The document and form checks of v->workflow on mail (its body still
 * there): v->documents, v->matched, v->form, v->nip, v->nik and their
 * reasons. */
void intake_judge_application(dispo_verdict *v, const dispo_mail *mail, dispo_time arrived);
/* The register's NIP and NIK for the sender against the form's
 * (nip_mismatch, nik_mismatch); emp NULL: nothing to compare. */
void intake_register_compare(dispo_verdict *v, const dispo_employee *emp);
/* "requirements" [{title, types, max_mb}] and "fields" [label] members
 * for templates that tell an applicant what to send. */
void intake_requirements_json(JsonBuilder *b, const dispo_rules_workflow *wf);

/* ---- correction.c: the applicant corrects a returned request ----------- */

/* A message from the applicant of a request held at an applicant's step
 * (KEMBALIKAN sent it there): matched by a correction token in its
 * recipient or in the email it answers, else by the request's tag. It
 * must pass the sender checks. Its documents and form are judged together
 * with what the request has: complete, an "application_corrected" event
 * records the request's documents and form as they now are and the
 * request goes on (DISPO_WF_CORRECTED); else the applicant gets one answer saying what is
 * still wrong, and the request stays. *handled is false when the message
 * is no such correction. */
bool correction_commit(dispo_ingest *ing, pending_item *p, int64_t message_id, bool *handled,
                       dispo_ingest_stats *delta, GError **error);
/* After a correction, the request's documents (dispo_answer_file, their
 * paths and names owned by paths) as the officials' emails attach them;
 * false when the request was never corrected (its application's
 * attachments are its documents then). */
bool correction_documents(const dispo_ingest *ing, const dispo_request_row *row, GArray *files,
                          GPtrArray *paths);
/* What an email of an applicant's step adds to its template's data: what
 * to correct ("note", from the KEMBALIKAN that sent the request there when
 * note is NULL), who returned it ("returned_by"), where it goes on
 * ("resume_step"), and what the workflow asks for ("requirements",
 * "fields"). */
void correction_email_data(JsonBuilder *b, const dispo_ingest *ing, const dispo_rules_workflow *wf,
                           const dispo_rules_step *step, const dispo_request_row *row,
                           const char *note, const char *returned_from);

/* ---- forward.c: applications someone else forwarded --------------------- */

/* An application that forwards someone's (as an attachment, or inline
 * under a client's "Forwarded message" block) and has no form or documents
 * of the sender's own: sets v->forwarded and judges the applicant, the
 * documents and the form from the forwarded message. False when it is the
 * sender's own application (nothing is changed). */
bool forward_judge(dispo_ingest *ing, dispo_verdict *v, const dispo_mail *mail, dispo_time arrived);
/* At commit, for a forward (nothing otherwise): the register must list the
 * applicant active and must not list the forwarder as gone. Established,
 * every answer goes to the applicant with the forwarder in Cc; else
 * v->address is cleared and the forwarder alone is answered. */
bool forward_commit(dispo_ingest *ing, pending_item *p, GError **error);
void forward_free(dispo_forwarding *f);
/* "forwarded": {by, how, subject, message_id, date, cc}, when f is not
 * NULL: for the received event and the answers' templates. */
void forward_detail_add(JsonBuilder *b, const dispo_forwarding *f);

/* ---- classify.c ----------------------------------------------------------- */

/* The subject begins with a forward prefix (Fwd:, FW:, TR:, Trs:, Teruskan:…). */
bool ingest_subject_forwarded(const char *subject);

/* ---- replies.c: officials' replies and BSrE notices -------------------- */

/* Reads the command of a reply (the mail still has its body). */
void intake_reply_judge(dispo_ingest *ing, dispo_verdict *v, const dispo_mail *mail);
/* A reply to one of the workflow's emails (by its token, its In-Reply-To or
 * References, or the request tag in its subject): authorized, it becomes a
 * command event; else it is answered with the reason. *handled is false
 * when the message is about no request. */
bool intake_reply_commit(dispo_ingest *ing, pending_item *p, int64_t message_id, bool *handled,
                         GError **error);

/* ---- match.c: which request and token a message is about --------------- */

/* A token in a plus-address of a workflow's mailbox among the message's
 * recipients (To, Cc, Delivered-To, X-Original-To), or NULL. */
char *intake_token_in_recipients(const dispo_rules *rules, const dispo_mail *mail);
/* The token of purpose ("reply", "confirm", "correction") the message
 * answers: the one in its recipient address, else the one of an email of
 * ours it replies to. NULL (no error) when there is none. */
dispo_token_row *intake_token_find(dispo_ingest *ing, const pending_item *p, const char *purpose,
                                   GError **error);
/* The request a "[TAG-2026-000123]" in subject names: its id, 0 when none. */
bool intake_request_by_tag(dispo_ingest *ing, const char *subject, int64_t *id, GError **error);
/* Whether subject carries a request tag of the rules ("[SE-2026-000123]"). */
bool intake_subject_names_request(const dispo_rules *rules, const char *subject);

/* ---- bsre.c: BSrE's notices -------------------------------------------- */

/* Whether the mail's single From is a configured BSrE sender. */
bool intake_bsre_sender(const dispo_ingest *ing, const dispo_mail *mail);
/* What the notice says (the mail still has its body). Never NULL. */
dispo_bsre_notice *intake_bsre_read(const dispo_mail *mail);
void intake_bsre_notice_free(dispo_bsre_notice *n);
/* The request waiting at BSrE that the notice describes leaves the stage
 * (the certificate recorded with its serial and validity); a notice that
 * fits none or several, gives no serial, or fails the sender checks is
 * mailed to the administrator instead. */
bool intake_bsre_commit(dispo_ingest *ing, pending_item *p, int64_t message_id, GError **error);

/* ---- status.c: STATUS / CEK -------------------------------------------- */

/* The words after STATUS or CEK when the mail's first meaningful line asks
 * for a request's status (and nothing else), else NULL. */
char *intake_status_query(const dispo_mail *mail);
/* Answers a status question from the applicant, a role holder or the
 * administrator with where the request is; anyone else gets nothing. */
bool intake_status_commit(dispo_ingest *ing, pending_item *p, int64_t message_id, GError **error);
/* Whether address may learn where a request of applicant is: it is the
 * applicant, holds (or deputises for) a role of the rules at `at`, or is
 * the administrator. */
bool intake_address_may_see(dispo_ingest *ing, const char *address, const char *applicant,
                            dispo_time at, bool *ok, GError **error);
/* A reply naming, by its subject's tag only, a request that does not
 * exist: an official or the administrator is told so (*handled when the
 * subject names such a number). */
bool intake_status_unknown(dispo_ingest *ing, pending_item *p, int64_t message_id, bool *handled,
                           GError **error);

/* ---- delivery.c: what comes back about dispo's emails ------------------- */

/* A bounce: the outbox rows it names (by the returned Message-ID; when it
 * returns none, the failed recipient's last email of the last five days)
 * become failed and go through
 * ingest_delivery_failed; a bounced acknowledgement, confirmation or
 * refusal (matched by Message-ID) marks the applicant's address not active.
 * A delay notice is only noted on the request. */
bool intake_bounce_commit(dispo_ingest *ing, pending_item *p, int64_t message_id, GError **error);
/* An auto-reply (an official's vacation notice, say) to one of our emails,
 * from the address that email went to: noted on the request's step; it
 * never moves the request. */
bool intake_auto_reply_commit(dispo_ingest *ing, pending_item *p, int64_t message_id,
                              GError **error);

/* ---- run.c: carrying out what the workflow engine decides ---------------- */

/* Applies ev to the request and carries out the actions (emails as outbox
 * rows with reply tokens, timers, the certificate register, audit event),
 * inside the caller's transaction. message_id is the message that caused
 * it (0: none); answers threads the emails to it. *result (when not NULL)
 * receives the engine's result. */
bool intake_workflow_event(dispo_ingest *ing, int64_t request_id, const dispo_wf_event *ev,
                           int64_t message_id, const dispo_mail *answers, dispo_wf_result **result,
                           GError **error);
/* The recommendation letter (letter.c): rendered from the template and the
 * applicant's data, stored by hash and listed with the request. */
bool intake_letter_make(dispo_ingest *ing, const dispo_progress *p, const dispo_request_row *row,
                        dispo_time at, GError **error);
/* The office calendar of [calendar] (working days, hours, holidays file),
 * made on first use; NULL with an error naming the setting. */
dispo_calendar *intake_calendar(dispo_ingest *ing, GError **error);
/* The detail of the request's latest "received" or "application_corrected"
 * event (the form, the documents, as the applicant last gave them), parsed
 * into parser; NULL when the request has none. */
JsonObject *intake_received_detail(const dispo_request_row *r, JsonParser *parser);
/* An event's detail as a JSON object, parsed into parser; NULL when it has
 * none or it is not an object. */
JsonObject *intake_event_object(const dispo_event_row *e, JsonParser *parser);
/* The applicant's data kept with the request (the form, the address) as a
 * JSON object node for templates. */
JsonNode *intake_applicant_json(const dispo_request_row *r);

/* ---- answer.c ------------------------------------------------------------- */

/* A file attached to an answer. */
typedef struct dispo_answer_file {
	const char *name;
	const char *content_type;
	const char *path;
	bool generated; /* made by dispo (the recommendation letter), not the applicant's */
} dispo_answer_file;

typedef struct dispo_answer {
	const char *template; /* templates/<lang>/<template>.mustache */
	const char *kind;     /* acknowledgement, refusal, confirmation… */
	const char *to;
	const char *cc;       /* one more recipient (a forwarder), or NULL; a
	                       * template's own Cc: addresses are added to it */
	const char *reply_to; /* NULL: the workflow's mailbox */
	int64_t request_id;
	const char *request; /* its number, for the subject tag and headers */
	const char *step;
	JsonNode *data;            /* the template's data */
	const dispo_mail *answers; /* threading: In-Reply-To and References */
	int64_t answers_message;
	dispo_time at;
	const GArray *files; /* dispo_answer_file, or NULL */
	bool generated;      /* a workflow email (auto-generated), not an answer (auto-replied) */
	/* To the applicant, answering nothing of theirs: In-Reply-To and
	 * References name their acknowledgement instead of `answers`. */
	bool thread_acknowledgement;
	char **message_id;   /* when not NULL: receives the Message-ID */
} dispo_answer;

/* Renders, composes and stores an answer and adds its outbox row; with
 * *message_id (when not NULL) its Message-ID. False only on a store or
 * template failure. */
bool intake_answer(dispo_ingest *ing, const dispo_rules_workflow *wf, const dispo_answer *a,
                   int64_t *outbox_id, char **message_id, GError **error);
/* The workflow mailbox's plus-address carrying token (sertifikat+TOKEN@…),
 * where replies that use the token come back. */
char *intake_reply_address(const dispo_rules_workflow *wf, const char *token);
/* Whether an answer to address may go at `at`: never to ourselves; when
 * limited (refusals, help, explanations), not more than answers_per_hour of
 * them in the hour before nor answers_per_day in the day before. */
bool intake_answer_allowed(dispo_ingest *ing, const dispo_rules_workflow *wf, const char *address,
                           dispo_time at, bool limited, bool *allowed, GError **error);
/* Why a reply was not carried out, as a sentence in the configured
 * language (reasons.ini [explanations]): the step and the role named in
 * words, the role with its holders at `at`; word is the command as the
 * official wrote it. discreet: only that they may not act on it. */
char *intake_explanation(dispo_ingest *ing, const dispo_rules_workflow *wf, const char *code,
                         const char *detail, const char *word, dispo_time at, bool discreet);
/* The sentence for a reason code in the configured language. */
char *intake_reason_text(dispo_ingest *ing, const dispo_reason *r);
/* "24 November 2026 pukul 10.15 WIB" / "24 November 2026, 10:15 WIB". */
char *intake_date_text(dispo_time t, GTimeZone *tz, const char *lang);
/* "2028-12-07" → "7 Desember 2028" / "7 December 2028"; NULL when it is no date. */
char *intake_day_text(const char *ymd, const char *lang);

#endif
