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

#endif
