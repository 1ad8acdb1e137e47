/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ingest.h: the intake pipeline: bytes from a source (stdin, a Maildir, an
 * mbox, a file) are stored raw, parsed once, classified and committed, and
 * an application opens a request. */
#ifndef DISPO_INGEST_H
#define DISPO_INGEST_H

#include "lib/lib.h"
#include "mime/mime.h"
#include "reply/reply.h"
#include "rules/rules.h"
#include "store/store.h"
#include "workflow/workflow.h"

#define DISPO_INGEST_ERROR (dispo_ingest_error_quark())
GQuark dispo_ingest_error_quark(void);
typedef enum {
	DISPO_INGEST_ERROR_TEMPORARY,
	DISPO_INGEST_ERROR_NO_INPUT, /* input that does not exist or cannot be read */
} dispo_ingest_error_code;

/* True for an error of any module that a retry may cure (EX_TEMPFAIL). */
bool ingest_error_is_temporary(const GError *error);

typedef struct dispo_ingest_stats {
	unsigned files;       /* files read (a Maildir message, an mbox, an .eml) */
	unsigned messages;    /* messages seen */
	unsigned stored;      /* new and parsed */
	unsigned duplicate;   /* these exact bytes were stored before */
	unsigned unparseable; /* new, kept, marked unparseable */
	unsigned over_limit;  /* new, kept, marked over a limit */
	unsigned failed;      /* files that could not be read (named on stderr) */
	unsigned requests;    /* requests opened (awaiting confirmation included) */
	unsigned refused;     /* applications refused, with their reasons */
	unsigned awaiting;    /* of the requests, held until the address is confirmed */
	unsigned answers;     /* answers queued in the outbox */
	uint64_t bytes;       /* bytes of messages seen */
} dispo_ingest_stats;

typedef void (*dispo_ingest_progress)(const dispo_ingest_stats *stats, void *user);

typedef struct dispo_ingest_options {
	const char *source;      /* recorded with each message: deliver, import */
	dispo_time now;          /* the clock, read once by the caller */
	dispo_time now_override; /* --now: every message arrives then; 0 if not given */
	bool use_received;       /* judge arrival by the newest Received: (import) */
	unsigned batch;          /* messages per transaction; 1 for deliver */
	dispo_ingest_progress progress;
	void *progress_user;
	/* The rules applications are judged by; NULL: every application is
	 * stored as received without checks (tests of the store path). */
	const dispo_rules *rules;
} dispo_ingest_options;

typedef struct dispo_ingest dispo_ingest;

dispo_ingest *ingest_new(const dispo_config *config, dispo_store *store,
                         const dispo_ingest_options *options);
/* Frees. Messages not yet flushed are dropped from the database's view;
 * their raw bytes stay on disk and the next run stores them. */
void ingest_free(dispo_ingest *ing);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(dispo_ingest, ingest_free)

/* One message read from fd to its end (dispo deliver: stdin). */
bool ingest_fd(dispo_ingest *ing, int fd, GError **error);
/* One message in memory. */
bool ingest_bytes(dispo_ingest *ing, const void *data, size_t len, dispo_time file_time,
                  GError **error);
/* A Maildir (new/ and cur/, and its Maildir++ folders), an mbox file, a
 * single message file, or a directory of them. Files that cannot be read
 * are counted as failed and named on stderr, and the walk goes on; a store
 * failure stops it (flush what is pending before giving up). */
bool ingest_path(dispo_ingest *ing, const char *path, GError **error);
/* Commits the pending batch in one transaction. */
bool ingest_flush(dispo_ingest *ing, GError **error);
/* What the last flush did in a few words, for a log line: the kind of each
 * message and, for each request it touched, its number, the workflow event
 * and the step it moved to ("reply SE-2026-000001 setuju → disposisi_kabid").
 * Valid until the next flush. */
const char *ingest_outcome(const dispo_ingest *ing);
/* The clock the next messages are judged by (a daemon reads it for each). */
void ingest_set_now(dispo_ingest *ing, dispo_time now);

const dispo_ingest_stats *ingest_stats(const dispo_ingest *ing);
/* Numbers of the requests opened so far (char *). */
GPtrArray *ingest_opened(const dispo_ingest *ing);

/* Fires every SLA timer due at now (reminders, escalations), in one
 * transaction per request; *fired counts them. */
bool ingest_timers_run(dispo_ingest *ing, dispo_time now, unsigned *fired, GError **error);
/* The office calendar of config's [calendar] (time zone, working days and
 * hours, the holidays file, read now): what SLA deadlines are counted in. */
dispo_calendar *ingest_calendar_load(const dispo_config *config, GError **error);
/* An administrator's action on a request: "cancel" or "move:<step>",
 * with a reason, by actor ("admin:<user>"). *refused (when not NULL) is
 * the engine's reason when it did not obey (request_closed, unknown_step…),
 * else NULL. */
bool ingest_admin_action(dispo_ingest *ing, const char *number, const char *action,
                         const char *reason, const char *actor, char **refused, GError **error);

/* One of dispo's emails will never arrive (refused for good, retries ran
 * out, or it bounced): an email_failed event on its request and, unless it
 * was itself such a notice, an email to [general] admin_address saying
 * which, why and how to send it again. Inside the caller's transaction. */
bool ingest_delivery_failed(dispo_ingest *ing, const dispo_outbox_row *row, const char *why,
                            dispo_time at, GError **error);

/* What an official wrote in a reply: the visible text (quotes and
 * signatures removed) and the command found in it (canonical name, or
 * NULL) with its argument. Returns the reply status's name: command,
 * empty, unclear, conflict. */
const char *ingest_reply_read(const dispo_mail *mail, char **visible, char **command,
                              char **argument);

/* What a message is: application, reply, bounce, report (a delivery or
 * read receipt, feedback), auto_reply, list or other. A bounce's parse goes
 * to *bounce when bounce is not NULL (free with reply_bounce_free). */
const char *ingest_classify(const dispo_mail *mail, dispo_bounce **bounce);

/* Total bytes under the given paths, for a progress bar. */
uint64_t ingest_paths_size(char **paths);

/* mbox: calls fn for each message (without its From_ line). Messages are
 * split at "From " lines that follow an empty line, or by Content-Length
 * when that header lands exactly on the next From_ line. */
typedef bool (*dispo_mbox_fn)(const char *data, size_t len, void *user, GError **error);
bool ingest_mbox_split(const char *data, size_t len, dispo_mbox_fn fn, void *user, GError **error);

/* ---- messages written in pieces (an IMAP FETCH in chunks) ---- */

typedef struct dispo_ingest_message dispo_ingest_message;

/* A message whose bytes come in pieces: never held whole in memory. End
 * stores and queues it as ingest_bytes does (file_time 0: now); abort
 * drops what was written. Either frees msg. */
dispo_ingest_message *ingest_message_begin(dispo_ingest *ing, GError **error);
bool ingest_message_write(dispo_ingest_message *msg, const void *data, size_t len,
                          GError **error);
bool ingest_message_end(dispo_ingest *ing, dispo_ingest_message *msg, dispo_time file_time,
                        GError **error);
void ingest_message_abort(dispo_ingest_message *msg);

/* The IMAP checkpoint the next ingest_flush commits with its messages (in
 * the same transaction; alone when nothing is pending): every UID of
 * source up to last_uid has been taken in. A NULL source clears it. */
void ingest_checkpoint_set(dispo_ingest *ing, const char *source, uint32_t uidvalidity,
                           uint32_t last_uid);

/* ---- IMAP (imap.c, the only user of libetpan) ---- */

typedef struct dispo_imap dispo_imap;

typedef struct dispo_imap_options {
	const char *url;       /* imaps://host[:port] or imap://host[:port] */
	bool starttls;         /* imap://: refuse to log in without STARTTLS */
	bool verify;           /* check the certificate chain and the host name */
	const char *ca_file;   /* PEM trust anchors; NULL: the system's store */
	const char *user;      /* NULL: the credentials file's username */
	const char *credentials_file;
	int64_t timeout_ms;    /* connecting, and any silence while waiting for a reply */
} dispo_imap_options;

#define DISPO_IMAP_ERROR (dispo_imap_error_quark())
GQuark dispo_imap_error_quark(void);
typedef enum {
	DISPO_IMAP_ERROR_CONNECT,  /* no connection, or it broke (reconnect later) */
	DISPO_IMAP_ERROR_TLS,      /* no STARTTLS, or the certificate did not verify */
	DISPO_IMAP_ERROR_LOGIN,    /* the server refused the login */
	DISPO_IMAP_ERROR_PROTOCOL, /* a command failed (NO/BAD), the connection lives */
	DISPO_IMAP_ERROR_CONFIG,   /* the url or the credentials file is wrong */
} dispo_imap_error_code;

/* Connects, upgrades to TLS (verified before anything is sent), logs in
 * (never in clear text), and reads the server's capabilities. */
dispo_imap *ingest_imap_connect(const dispo_imap_options *o, GError **error);
void ingest_imap_free(dispo_imap *imap);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(dispo_imap, ingest_imap_free)
/* "user@host" for logs and as the checkpoint's source prefix. */
const char *ingest_imap_account(const dispo_imap *imap);
bool ingest_imap_has_idle(const dispo_imap *imap);
bool ingest_imap_has_move(const dispo_imap *imap);

/* SELECT (read-write). */
bool ingest_imap_select(dispo_imap *imap, const char *mailbox, uint32_t *uidvalidity,
                        uint32_t *uidnext, GError **error);
/* The UIDs of the selected mailbox's messages with UID > after, ascending
 * (uint32_t), \Deleted ones excluded. */
GArray *ingest_imap_uids(dispo_imap *imap, uint32_t after, GError **error);
/* RFC822.SIZE of one message; false with a PROTOCOL error when the UID is
 * gone. */
bool ingest_imap_size(dispo_imap *imap, uint32_t uid, uint64_t *size, GError **error);
/* BODY.PEEK[] in pieces of at most chunk bytes, each handed to fn; \Seen
 * is not set. */
typedef bool (*dispo_imap_chunk_fn)(const void *data, size_t len, void *user, GError **error);
bool ingest_imap_fetch(dispo_imap *imap, uint32_t uid, size_t chunk, dispo_imap_chunk_fn fn,
                       void *user, GError **error);
/* Done with one message: MOVE to folder (RFC 6851; UID COPY, \Deleted and
 * UID EXPUNGE where the server has no MOVE), or when folder is NULL set
 * \Seen. A folder that does not exist is created first. */
bool ingest_imap_finish(dispo_imap *imap, uint32_t uid, const char *folder, GError **error);
/* Sets \Flagged (a quarantined message left in place when no quarantine
 * folder is configured). */
bool ingest_imap_flag(dispo_imap *imap, uint32_t uid, GError **error);

/* IDLE (RFC 2177): start sends IDLE and waits for the continuation; the
 * socket (fd) then becomes readable when the server reports something.
 * idle_read takes what has arrived (what libetpan buffered first, so
 * nothing waits for the socket that is already read) without blocking, and
 * sets *changed when it announced new mail (EXISTS) or a removal
 * (EXPUNGE); idle_done sends DONE and reads the tagged reply. A server
 * without IDLE is polled: the caller calls ingest_imap_noop instead. */
bool ingest_imap_idle_start(dispo_imap *imap, GError **error);
int ingest_imap_fd(const dispo_imap *imap);
bool ingest_imap_idle_read(dispo_imap *imap, bool *changed, GError **error);
bool ingest_imap_idle_done(dispo_imap *imap, GError **error);
bool ingest_imap_noop(dispo_imap *imap, GError **error);
/* LOGOUT, best effort; then free. */
void ingest_imap_logout(dispo_imap *imap);
/* A folder name as IMAP sends it: modified UTF-7 (RFC 3501 5.1.3). */
char *ingest_imap_folder_encode(const char *utf8);
/* Whether one untagged line read in IDLE says the mailbox changed
 * (EXISTS, EXPUNGE, RECENT, FETCH). */
bool ingest_imap_idle_line_changed(const char *line, size_t len);

/* ---- an IMAP mailbox into the pipeline (imap-sync.c) ---- */

typedef enum {
	DISPO_IMAP_SYNC_TAKEN,       /* committed (text: ingest_outcome) and moved */
	DISPO_IMAP_SYNC_DEFERRED,    /* failed, tried again later (text: why) */
	DISPO_IMAP_SYNC_QUARANTINED, /* given up on, recorded, moved aside (text: why) */
} dispo_imap_sync_event;

typedef void (*dispo_imap_sync_fn)(void *user, uint32_t uid, dispo_imap_sync_event what,
                                   const char *text, int64_t ms);

typedef struct dispo_imap_sync_options {
	const char *mailbox;    /* NULL: INBOX */
	const char *processed;  /* NULL: taken messages are marked \Seen and stay */
	const char *quarantine; /* NULL: given-up messages are flagged and stay */
	unsigned max_tries;     /* failures before a message is given up on */
	size_t chunk;           /* bytes per FETCH; 0: 1 MB */
	unsigned retry_base_ms; /* a failing message waits base × 2^tries; 0: 1 s */
	dispo_imap_sync_fn log;
	bool (*stop)(void *user); /* asked before each message: stop the pass */
	void *log_user;           /* for both */
} dispo_imap_sync_options;

typedef struct dispo_imap_sync dispo_imap_sync;

dispo_imap_sync *ingest_imap_sync_new(const dispo_imap_sync_options *options);
void ingest_imap_sync_free(dispo_imap_sync *sync);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(dispo_imap_sync, ingest_imap_sync_free)
/* After each (re)connection: SELECT the mailbox. */
bool ingest_imap_sync_select(dispo_imap_sync *sync, dispo_imap *imap, GError **error);
/* "user@host/INBOX" once selected. */
const char *ingest_imap_sync_source(const dispo_imap_sync *sync);
/* Takes in every message above the checkpoint, oldest first, one
 * transaction each (the checkpoint in it while no earlier message is still
 * failing), then moves it to the processed folder (or marks it \Seen). On
 * a new UIDVALIDITY the whole mailbox is taken again, the store
 * recognising what it has by content. A message that fails is retried with
 * backoff and after max_tries quarantined; a failing store (disk full,
 * locked) stops the pass and counts toward no message. *retry_in_us: when
 * a pass should run again for what was deferred, 0 when nothing was. False
 * when the connection failed (reconnect) or the store could not record. */
bool ingest_imap_sync_pass(dispo_imap_sync *sync, dispo_imap *imap, dispo_ingest *ing,
                           int64_t *retry_in_us, GError **error);

#endif
