/* SPDX-License-Identifier: GPL-3.0-or-later */
/* store.h: everything dispo keeps: the SQLite database (messages, requests,
 * audit events, outbox…) and the content-addressed directory of raw messages.
 * The only module that calls sqlite3_*. */
#ifndef DISPO_STORE_H
#define DISPO_STORE_H

#include "lib/lib.h"

#define DISPO_STORE_ERROR (dispo_store_error_quark())
GQuark dispo_store_error_quark(void);
typedef enum {
	DISPO_STORE_ERROR_TEMPORARY, /* busy, locked, disk full, I/O: try again later */
	DISPO_STORE_ERROR_CORRUPT,   /* not a dispo database, or damaged */
	DISPO_STORE_ERROR_SCHEMA,    /* written by a newer dispo */
	DISPO_STORE_ERROR_NOT_FOUND,
	DISPO_STORE_ERROR_FAILED, /* anything else: a bug or a constraint */
} dispo_store_error_code;

typedef struct dispo_store dispo_store;

/* Opens (creating and migrating as needed) the database at db_path, which
 * may be ":memory:", and the raw-message directory mail_dir (NULL: no raw
 * messages can be kept). */
dispo_store *store_open(const char *db_path, const char *mail_dir, int busy_timeout_ms,
                        GError **error);
void store_close(dispo_store *store);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(dispo_store, store_close)

int store_schema_version(dispo_store *store);
int store_schema_latest(void);

/* One write transaction (BEGIN IMMEDIATE, so writers queue at the start and
 * never deadlock on an upgrade). Commit is synchronous=FULL. */
bool store_begin(dispo_store *store, GError **error);
bool store_commit(dispo_store *store, GError **error);
void store_rollback(dispo_store *store);

/* ---- raw messages: write temp, fsync, rename, fsync dir ------------------ */

typedef struct dispo_spool dispo_spool;
/* A temporary file under mail_dir/tmp that hashes what is written to it. */
dispo_spool *store_spool_new(dispo_store *store, GError **error);
bool store_spool_write(dispo_spool *spool, const void *data, size_t len, GError **error);
/* After this the SHA-256 and size are known (nothing is synced yet: a
 * duplicate is dropped without costing a sync). */
bool store_spool_finish(dispo_spool *spool, GError **error);
const char *store_spool_sha256(const dispo_spool *spool);
uint64_t store_spool_size(const dispo_spool *spool);
/* Moves the bytes to their content address (mail/ab/abcd…); a file of that
 * name is kept when its bytes are right and replaced when a crash left it
 * incomplete (dispo_file_publish). With sync the file and its directory are synced
 * now; without, the caller must call store_sync() before any row naming
 * the file commits. */
bool store_spool_commit(dispo_store *store, dispo_spool *spool, bool sync, GError **error);
/* Makes every spool committed without sync durable (one syncfs). */
bool store_sync(dispo_store *store, GError **error);
/* Frees; removes the temporary file unless committed. */
void store_spool_free(dispo_spool *spool);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(dispo_spool, store_spool_free)
char *store_blob_path(dispo_store *store, const char *sha256);

/* ---- messages and attachments --------------------------------------------- */

typedef struct dispo_message_row {
	int64_t id;
	char sha256[DISPO_SHA256_HEX_LEN + 1];
	uint64_t size;
	const char *source; /* deliver, import:PATH, imap:… */
	const char *status; /* parsed, over_limit, unparseable */
	const char *problem;
	const char *kind; /* application, reply, bounce, auto_reply, other */
	const char *message_id;
	const char *in_reply_to;
	const char *from_addr;
	unsigned from_count;
	const char *subject;
	dispo_time date;
	dispo_time arrived_at;
	dispo_time stored_at;
} dispo_message_row;

typedef struct dispo_attachment_row {
	unsigned seq;
	const char *part_id;
	const char *filename;
	const char *content_type;
	uint64_t size;
	const char *sha256;
	unsigned depth;
} dispo_attachment_row;

/* Returns the id of the message with these bytes, 0 when not stored. */
bool store_message_find(dispo_store *store, const char *sha256, int64_t *id, GError **error);
/* Inserts the message unless one with its SHA-256 exists: then *inserted is
 * false and row->id is the existing one. */
bool store_message_insert(dispo_store *store, dispo_message_row *row, bool *inserted,
                          GError **error);
bool store_attachment_insert(dispo_store *store, int64_t message_id,
                             const dispo_attachment_row *row, GError **error);
/* Counts of stored messages by status, for summaries and tests. */
bool store_message_count(dispo_store *store, const char *status, int64_t *count, GError **error);

/* ---- requests and their audit events ------------------------------------ */

typedef struct dispo_event_new {
	dispo_time at;
	const char *actor;  /* an address, "dispo", or "admin:<user>" */
	const char *kind;   /* received, … */
	const char *detail; /* JSON object text */
	int64_t message_id; /* 0 when no message caused it */
	const char *rules_version;
} dispo_event_new;

/* Opens a request numbered TAG-YEAR-NNNNNN (the next free number of that tag
 * and year), in state `state`, and appends its first event. */
bool store_request_open(dispo_store *store, const char *workflow, const char *tag, int year,
                        const char *state, const char *applicant, int64_t message_id,
                        const dispo_event_new *first, char **number, GError **error);
bool store_event_append(dispo_store *store, int64_t request_id, const dispo_event_new *event,
                        GError **error);
/* The request that an earlier copy of a message opened: a message with the
 * same Message-ID from the same address (the bytes differ when it came by
 * another route). *request_id is 0 when there is none. */
bool store_request_find_by_message_id(dispo_store *store, const char *message_id,
                                      const char *from_addr, int64_t *request_id, GError **error);

typedef struct dispo_event_row {
	unsigned seq;
	dispo_time at;
	char *actor;
	char *kind;
	char *detail;
	char *rules_version;
	char *hash;
} dispo_event_row;

typedef struct dispo_attachment_info {
	unsigned seq;
	char *part_id;
	char *filename;
	char *content_type;
	uint64_t size;
	char *sha256;
	unsigned depth;
} dispo_attachment_info;

typedef struct dispo_request_row {
	int64_t id;
	char *number;
	char *workflow;
	char *state;
	char *applicant;
	dispo_time created_at;
	dispo_time updated_at;
	char *message_sha256;
	char *subject;
	unsigned attachment_count;
	char *step;              /* the step or end it is in; NULL before its workflow started */
	dispo_time step_entered; /* when it entered step (0 when step is NULL) */
	/* The application form's Nama, NIP (as intake read it) and Unit Kerja;
	 * NULL when it had none. */
	char *name, *nip, *unit;
	GPtrArray *attachments; /* dispo_attachment_info *, store_request_get only */
	GPtrArray *events;      /* dispo_event_row *, store_request_get only */
} dispo_request_row;

void store_request_row_free(dispo_request_row *row);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(dispo_request_row, store_request_row_free)

/* All requests, oldest first. */
GPtrArray *store_requests_list(dispo_store *store, GError **error);
/* What may narrow a walk over the requests (store_requests_each); every
 * field given must hold. */
typedef struct dispo_request_filter {
	const char *state;        /* this state exactly; NULL: any */
	const char *const *steps; /* workflow, step, workflow, step…, NULL-ended; NULL: any */
	dispo_time since;         /* received at or after; 0: any */
} dispo_request_filter;
/* Called with each request of a walk; the row is the walk's (freed after). */
typedef bool (*dispo_request_fn)(dispo_request_row *r, void *user, GError **error);
/* The requests that pass f (NULL: all), oldest first, one at a time. */
bool store_requests_each(dispo_store *store, const dispo_request_filter *f, dispo_request_fn fn,
                         void *user, GError **error);
/* One request by number (SE-2026-000001), with attachments and events. */
dispo_request_row *store_request_get(dispo_store *store, const char *number, GError **error);
/* The Message-ID (without brackets) of the message that opened the
 * request; *message_id NULL when it had none. */
bool store_request_message_id(dispo_store *store, int64_t request_id, char **message_id,
                              GError **error);
/* The id of the request numbered number (0 when none). */
bool store_request_id(dispo_store *store, const char *number, int64_t *request_id, GError **error);
/* Moves a request to another state (and step, NULL for none). */
bool store_request_set_state(dispo_store *store, int64_t request_id, const char *state,
                             const char *step, dispo_time at, GError **error);
/* Ids of the requests of workflow at step (oldest first). */
GArray *store_requests_at_step(dispo_store *store, const char *workflow, const char *step,
                               GError **error);
/* Ids of the requests address applied for, any case (oldest first). */
GArray *store_requests_by_applicant(dispo_store *store, const char *address, GError **error);
/* The request's number and applicant by id (either may be NULL). */
bool store_request_lookup(dispo_store *store, int64_t request_id, char **number, char **applicant,
                          char **state, GError **error);

/* ---- outbox (outbox.c): every email dispo decides to send ----------------- */

typedef struct dispo_outbox_new {
	int64_t request_id;     /* 0: none (the answer to a refused application) */
	const char *step;       /* NULL when not a step's email */
	const char *template;   /* the template it was rendered from */
	const char *kind;       /* acknowledgement, refusal, confirmation, workflow, help… */
	const char *message_id; /* fixed at creation, without angle brackets */
	const char *to_addr;
	const char *cc_addr;     /* ','-separated addresses, NULL: none */
	const char *reply_to;    /* NULL: none */
	const char *blob_sha256; /* the rendered message, in the raw-message directory */
	int64_t answers_message; /* the stored message it answers, 0 */
	dispo_time created_at;
} dispo_outbox_new;

typedef struct dispo_outbox_row {
	int64_t id;
	char *request; /* number, NULL when none */
	char *step;
	char *template_name;
	char *kind;
	char *message_id;
	char *to_addr;
	char *cc_addr; /* ','-separated, lower case; NULL when none */
	char *reply_to;
	char *blob_sha256;
	char *state; /* pending, sending, sent, failed */
	unsigned attempts;
	dispo_time next_attempt_at;
	char *last_error;
	dispo_time created_at;
	dispo_time sent_at;
} dispo_outbox_row;

void store_outbox_row_free(dispo_outbox_row *row);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(dispo_outbox_row, store_outbox_row_free)

bool store_outbox_insert(dispo_store *store, const dispo_outbox_new *row, int64_t *id,
                         GError **error);
/* Rows in a state (NULL: all), oldest first. */
GPtrArray *store_outbox_list(dispo_store *store, const char *state, GError **error);
/* Claims up to limit due rows for a sender: pending rows due at now, and
 * rows another sender claimed whose lease ran out (it died). They become
 * sending until now + lease. Each returned row's state is the one it had
 * before (sending: an earlier attempt may have reached the server). Call
 * inside a transaction. */
GPtrArray *store_outbox_claim(dispo_store *store, dispo_time now, dispo_time lease, unsigned limit,
                              GError **error);
/* The row whose Message-ID is message_id; NULL with NOT_FOUND when none. */
dispo_outbox_row *store_outbox_find(dispo_store *store, const char *message_id, GError **error);
/* The request's first row of kind to address (ASCII case-insensitive):
 * the acknowledgement an applicant's later emails thread under. NULL with
 * NOT_FOUND when none. */
dispo_outbox_row *store_outbox_first_of_kind(dispo_store *store, int64_t request_id,
                                             const char *kind, const char *address,
                                             GError **error);
/* The newest sent row to address; NULL with NOT_FOUND when none. */
dispo_outbox_row *store_outbox_last_sent_to(dispo_store *store, const char *address,
                                            GError **error);
/* A sent email came back (a bounce): the row becomes failed with why.
 * NOT_FOUND when there is no such row. */
bool store_outbox_mark_bounced(dispo_store *store, int64_t id, const char *why, GError **error);
bool store_outbox_mark_sent(dispo_store *store, int64_t id, dispo_time at, GError **error);
/* A failed attempt: permanent → state failed; else pending again at next.
 * NOT_FOUND when there is no such row or it was sent already. */
bool store_outbox_mark_failed(dispo_store *store, int64_t id, const char *why, bool permanent,
                              dispo_time next, GError **error);
/* How many answers nobody asked dispo for (refusals, help, explanations)
 * went to address (case-insensitive) since `since`: the answers that a
 * mail loop would multiply. */
bool store_outbox_count_to(dispo_store *store, const char *address, dispo_time since,
                           int64_t *count, GError **error);

/* ---- refusals, tokens, confirmed addresses (intake.c) -------------------- */

/* A refused application: reasons_json is a JSON array of {code, subject,
 * detail}. */
bool store_refusal_insert(dispo_store *store, int64_t message_id, const char *sender,
                          const char *workflow, const char *reasons_json, dispo_time at,
                          GError **error);

typedef struct dispo_refusal_row {
	char *message_sha256;
	char *source;
	char *sender;
	char *workflow;
	char *subject;
	char *reasons_json;
	dispo_time decided_at;
} dispo_refusal_row;

void store_refusal_row_free(dispo_refusal_row *row);
GPtrArray *store_refusals_list(dispo_store *store, GError **error);

typedef struct dispo_token_row {
	char *token;
	char *purpose; /* confirm, reply */
	int64_t request_id;
	char *step;
	char *role;
	char *address;
	int64_t outbox_id;
	dispo_time created_at;
	dispo_time expires_at; /* 0: never */
	dispo_time used_at;    /* 0: unused */
	/* when the request entered step for the visit the token was made in
	 * (0: not recorded): a token of an earlier visit decides nothing */
	dispo_time step_entered;
} dispo_token_row;

void store_token_row_free(dispo_token_row *row);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(dispo_token_row, store_token_row_free)

bool store_token_insert(dispo_store *store, const dispo_token_row *row, GError **error);
/* NULL with DISPO_STORE_ERROR_NOT_FOUND when there is no such token. */
dispo_token_row *store_token_get(dispo_store *store, const char *token, GError **error);
/* The token of the outbox row whose Message-ID is message_id, if any. */
dispo_token_row *store_token_by_message_id(dispo_store *store, const char *message_id,
                                           GError **error);
/* Uses the token up; false (NOT_FOUND) when it was used already. */
bool store_token_use(dispo_store *store, const char *token, dispo_time at, int64_t message_id,
                     GError **error);

bool store_address_confirm(dispo_store *store, const char *address, dispo_time at,
                           int64_t message_id, GError **error);
/* Whether the address holds an issued (not revoked) certificate. */
bool store_certificate_holder(dispo_store *store, const char *address, bool *holder,
                              GError **error);
/* The address of the issued certificate's holder with this NIP (*email
 * NULL when none). */
bool store_certificate_holder_by_nip(dispo_store *store, const char *nip, char **email,
                                     GError **error);
/* When the address last proved live (0: never). */
bool store_address_confirmed_at(dispo_store *store, const char *address, dispo_time *at,
                                GError **error);
/* Mail to address bounced at `at` (the bounce message_id, about outbox row
 * outbox_id, with the DSN status or NULL): it is not active until it
 * confirms again. */
bool store_address_bounced(dispo_store *store, const char *address, dispo_time at,
                           int64_t outbox_id, int64_t message_id, const char *status,
                           GError **error);
/* When mail to the address last bounced (0: never). */
bool store_address_bounced_at(dispo_store *store, const char *address, dispo_time *at,
                              GError **error);

/* Recomputes every request's event hash chain; false with the first broken
 * link named in *error. */
bool store_audit_verify(dispo_store *store, int64_t *checked, GError **error);

/* One broken link of a hash chain. */
typedef struct dispo_audit_break {
	char *request;    /* its number; NULL when the event's request row is gone */
	int64_t event_id; /* events.id */
	unsigned seq;
	char *what; /* what differs, a sentence for the administrator */
} dispo_audit_break;

typedef struct dispo_audit_result {
	int64_t events, requests; /* how many were checked */
	unsigned broken;          /* broken links found, all of them */
	unsigned broken_requests; /* requests with at least one */
	GPtrArray *breaks;        /* dispo_audit_break *: the first DISPO_AUDIT_BREAKS_KEPT */
} dispo_audit_result;

#define DISPO_AUDIT_BREAKS_KEPT 1000

/* Walks the hash chain of the request numbered number, or of every request
 * (NULL), streaming: each event's seq must follow the one before, its
 * prev_hash must be the hash stored in the event before (the genesis hash
 * for the first), and its hash must be the hash of its own fields with
 * that prev_hash. Checking each link against what is stored, not against
 * what was recomputed, names the one event that changed rather than every
 * event after it. Broken links are results, not errors: false only when
 * the store cannot be read, or NOT_FOUND for an unknown number (then
 * result holds nothing to clear). */
bool store_audit_check(dispo_store *store, const char *number, dispo_audit_result *result,
                       GError **error);
void store_audit_result_clear(dispo_audit_result *result);

/* ---- workflow progress, request files, certificates (progress.c) ------- */

/* Where a request is in its workflow. */
typedef struct dispo_progress {
	int64_t id;
	char *number;
	char *workflow;
	char *state; /* received, awaiting_confirmation, or the step/end it is in */
	char *step;  /* NULL before the workflow started */
	char *applicant;
	int64_t message_id;      /* the application */
	dispo_time step_entered; /* the current visit to step */
	unsigned reminders;      /* SLA expiries handled in this visit */
	dispo_time due_at;       /* the SLA timer, 0 when none */
	char *due_step;          /* … for this step */
	dispo_time due_entered;  /* … and this visit */
	bool has_letter;
} dispo_progress;

void store_progress_free(dispo_progress *p);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(dispo_progress, store_progress_free)
dispo_progress *store_progress_get(dispo_store *store, int64_t request_id, GError **error);
/* Writes state, step, step_entered, reminders and the timer. */
bool store_progress_set(dispo_store *store, const dispo_progress *p, dispo_time at, GError **error);
/* Ids of the requests whose timer is due at now (int64_t). */
GArray *store_progress_due(dispo_store *store, dispo_time now, GError **error);

typedef struct dispo_file_row {
	char *request; /* number */
	char *kind;    /* letter */
	char *name;
	char *content_type;
	char *sha256; /* in the raw-message directory (store_blob_path) */
	uint64_t size;
	char *number; /* the letter's number */
	dispo_time created_at;
} dispo_file_row;

void store_file_row_free(dispo_file_row *f);
bool store_request_file_add(dispo_store *store, int64_t request_id, const char *kind,
                            const char *name, const char *content_type, const char *sha256,
                            uint64_t size, const char *number, dispo_time at, GError **error);
/* Files of a request (request_id 0: of every request), of a kind (NULL: any). */
GPtrArray *store_request_files(dispo_store *store, int64_t request_id, const char *kind,
                               GError **error);

typedef struct dispo_certificate_row {
	char *email;
	char *nip;
	char *name;
	char *serial;
	char *state; /* issued, revoked */
	dispo_time issued_at;
	dispo_time revoked_at;
	char *request;        /* the registration's number */
	char *revoke_request; /* the revocation's number */
	char *valid_from;     /* yyyy-mm-dd as BSrE's notice says, NULL when unknown */
	char *valid_until;
} dispo_certificate_row;

void store_certificate_row_free(dispo_certificate_row *c);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(dispo_certificate_row, store_certificate_row_free)
bool store_certificate_issue(dispo_store *store, int64_t request_id, const char *email,
                             const char *nip, const char *name, const char *serial, dispo_time at,
                             GError **error);
/* How long the certificate issued for request_id is valid (yyyy-mm-dd
 * each, NULL when unknown). */
bool store_certificate_set_validity(dispo_store *store, int64_t request_id, const char *valid_from,
                                    const char *valid_until, GError **error);
/* Revokes the address's issued certificates; *revoked says how many. */
bool store_certificate_revoke(dispo_store *store, const char *email, int64_t request_id,
                              dispo_time at, unsigned *revoked, GError **error);
GPtrArray *store_certificates_list(dispo_store *store, GError **error);
/* The newest certificate issued to email and not revoked; NULL with
 * DISPO_STORE_ERROR_NOT_FOUND when there is none. */
dispo_certificate_row *store_certificate_issued_to(dispo_store *store, const char *email,
                                                   GError **error);

/* ---- the SLA report (report.c) ------------------------------------------- */

/* One event as the report reads it. The strings live until the callback
 * returns. */
typedef struct dispo_report_event {
	int64_t request_id;
	const char *workflow;
	dispo_time received; /* the request's created_at */
	unsigned seq;
	dispo_time at;
	const char *kind;
	const char *step;     /* a workflow event's detail: where it left the request */
	const char *previous; /* … and where it was before (NULL at the start) */
	bool workflow_event;  /* false: the request's first event, sent for received */
} dispo_report_event;

typedef bool (*dispo_report_event_fn)(const dispo_report_event *ev, void *user, GError **error);
/* Every request, oldest first, each after its report events (as
 * store_report_events gives them: the first, then the engine's). */
bool store_requests_each_with_events(dispo_store *store, dispo_report_event_fn on_event,
                                     dispo_request_fn on_request, void *user, GError **error);

/* For every request (of workflow, NULL: any) with an event in [from, to):
 * its first event, then its workflow events (the engine's: their detail has
 * step and previous) before `to`, request by request, each oldest first.
 * Streamed; a false fn stops it. */
bool store_report_events(dispo_store *store, dispo_time from, dispo_time to, const char *workflow,
                         dispo_report_event_fn fn, void *user, GError **error);
/* When each request now at step of workflow entered it (dispo_time). */
GArray *store_report_at_step(dispo_store *store, const char *workflow, const char *step,
                             GError **error);

/* ---- inspection (inspect.c): dry runs ------------------------------------- */

/* A consistent copy of the database at path (VACUUM INTO). */
bool store_copy_to(dispo_store *store, const char *path, GError **error);

typedef struct dispo_store_marks {
	int64_t message, event, outbox; /* the highest ids so far */
} dispo_store_marks;
bool store_marks(dispo_store *store, dispo_store_marks *marks, GError **error);

typedef struct dispo_log_row {
	bool is_event; /* else a stored message */
	int64_t id;
	char *request;      /* events: the request's number */
	char *kind;         /* message: its classification; event: its kind */
	char *actor;        /* message: its sender */
	char *detail;       /* events: JSON */
	int64_t message_id; /* the message (for events: that caused it, 0 none) */
	char *sha256;       /* messages */
} dispo_log_row;
void store_log_row_free(dispo_log_row *row);
/* The messages, then the events, added after marks. */
GPtrArray *store_log_after(dispo_store *store, const dispo_store_marks *marks, GError **error);

/* ---- employee register (employees.c) ---- */

/* The status of an employee a re-import no longer lists: kept (certificates
 * and events name them), never active, holding no role. */
#define DISPO_EMPLOYEE_UNLISTED "tidak_terdaftar"
#define DISPO_EMPLOYEE_ACTIVE   "aktif"

/* One role an employee holds, or acts in as a deputy. */
typedef struct dispo_role_grant {
	char *role;
	char *deputy;      /* NULL for the holder, "plt" or "plh" for a deputy */
	char *valid_from;  /* yyyy-mm-dd, or NULL: since ever */
	char *valid_until; /* yyyy-mm-dd inclusive, or NULL: open */
} dispo_role_grant;

dispo_role_grant *store_role_grant_new(const char *role, const char *deputy, const char *valid_from,
                                       const char *valid_until);
void store_role_grant_free(dispo_role_grant *grant);
/* "kabid_informatika (plt 2026-12-14..2026-12-31)", for people. */
char *store_role_grant_format(const dispo_role_grant *grant);

typedef struct dispo_employee {
	char *nip; /* 18 digits, the key */
	char *nik; /* 16 digits, or NULL */
	char *name;
	char *email;
	char *unit;
	char *position;
	char *rank;   /* pangkat/golongan, "Pembina Utama Muda (IV/c)", or NULL */
	char *status; /* aktif, pensiun, cuti, …, tidak_terdaftar */
	dispo_time updated_at;
	GPtrArray *roles; /* dispo_role_grant *, never NULL */
} dispo_employee;

/* An employee with no fields set and an empty roles array. */
dispo_employee *store_employee_new(void);
void store_employee_free(dispo_employee *employee);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(dispo_employee, store_employee_free)

/* Every employee with their roles, by NIP. */
GPtrArray *store_employees_list(dispo_store *store, GError **error);

typedef enum {
	DISPO_EMPLOYEE_ADDED,
	DISPO_EMPLOYEE_CHANGED,
	DISPO_EMPLOYEE_REMOVED, /* becomes tidak_terdaftar and loses its roles */
} dispo_employee_change_kind;

typedef struct dispo_field_change {
	char *field;  /* nik, name, email, unit, position, rank, status, roles */
	char *before; /* "" when empty */
	char *after;
} dispo_field_change;

typedef struct dispo_employee_change {
	dispo_employee_change_kind kind;
	char *nip;
	char *name;
	GPtrArray *fields; /* dispo_field_change *, for CHANGED (REMOVED: status and roles) */
} dispo_employee_change;
void store_employee_change_free(dispo_employee_change *change);

/* What importing `employees` (dispo_employee *, each NIP once, status and
 * roles filled) would change, by NIP; employees that stay the same are not
 * listed. Changes nothing. */
GPtrArray *store_employees_diff(dispo_store *store, const GPtrArray *employees, GError **error);

typedef struct dispo_register_summary {
	unsigned added, updated, deactivated, unchanged;
	unsigned roles; /* role lines now held by the imported employees */
} dispo_register_summary;

/* Makes the register what `employees` says, inside the caller's
 * transaction (store_begin; an error leaves it for the caller to roll
 * back): inserts new NIPs, updates changed ones (updated_at = now), replaces
 * the role lines of every imported employee with theirs, and turns
 * employees the list lacks into tidak_terdaftar without roles (never
 * deleted: certificates and events refer to them). */
bool store_employees_import(dispo_store *store, const GPtrArray *employees, dispo_time now,
                            dispo_register_summary *summary, GError **error);

/* The employee with this address (ASCII case-insensitive), preferring an
 * active one; *employee is NULL when there is none. Roles are filled. */
bool store_employee_find_by_email(dispo_store *store, const char *email, dispo_employee **employee,
                                  GError **error);

/* When an import last listed the employee with this NIP (0: never). */
bool store_employee_listed_at(dispo_store *store, const char *nip, dispo_time *at, GError **error);

/* Who may act for role at time `at` (its date in tz, NULL = UTC): active
 * employees holding it or deputising (plt/plh) with valid_from <= date <=
 * valid_until (an empty bound is open). Holders first, then deputies.
 * Each is a dispo_employee whose roles array holds just that grant. */
GPtrArray *store_role_holders(dispo_store *store, const char *role, dispo_time at, GTimeZone *tz,
                              GError **error);
/* Whether address may act for role at `at` (holder or deputy, as above).
 * When deputy is not NULL, *deputy is "plt" or "plh" when the address may
 * act as a deputy only, else NULL (the holder wins when it is both). */
bool store_role_may_act(dispo_store *store, const char *role, const char *address, dispo_time at,
                        GTimeZone *tz, bool *allowed, char **deputy, GError **error);

/* ---- dispo serve (daemon.c) ---- */

typedef struct dispo_imap_checkpoint {
	bool found;
	uint32_t uidvalidity;
	uint32_t last_uid; /* every UID up to this one is committed */
} dispo_imap_checkpoint;

/* source: the account and mailbox, "user@host/INBOX". */
bool store_imap_checkpoint_get(dispo_store *store, const char *source, dispo_imap_checkpoint *cp,
                               GError **error);
/* Inside the transaction of the message at last_uid. */
bool store_imap_checkpoint_set(dispo_store *store, const char *source, uint32_t uidvalidity,
                               uint32_t last_uid, dispo_time at, GError **error);
bool store_imap_quarantine_add(dispo_store *store, const char *source, uint32_t uidvalidity,
                               uint32_t uid, unsigned tries, const char *reason, dispo_time at,
                               GError **error);
/* The daemon's health, one value per key (imap, imap_since, imap_error,
 * last_message, heartbeat, pid…), each with when it was written. A
 * missing key reads as *value NULL. */
bool store_daemon_set(dispo_store *store, const char *key, const char *value, dispo_time at,
                      GError **error);
bool store_daemon_get(dispo_store *store, const char *key, char **value, dispo_time *at,
                      GError **error);
/* When the next outbox row is due (pending or claimed; 0: none) and the
 * next SLA timer (0: none). */
bool store_next_due(dispo_store *store, dispo_time *outbox_at, dispo_time *timer_at,
                    GError **error);

/* What `dispo status` counts: emails waiting (pending or being sent; those
 * tried before; when the oldest was due, 0: none), emails failed for good
 * (all, and created since `since`), messages quarantined (all, since). */
typedef struct dispo_health {
	unsigned outbox_pending, outbox_retrying;
	dispo_time outbox_oldest_due;
	unsigned outbox_failed, outbox_failed_recent;
	unsigned quarantined, quarantined_recent;
} dispo_health;
bool store_health(dispo_store *store, dispo_time since, dispo_health *h, GError **error);

#endif
