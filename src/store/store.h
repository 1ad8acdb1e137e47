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
	GPtrArray *attachments; /* dispo_attachment_info *, store_request_get only */
	GPtrArray *events;      /* dispo_event_row *, store_request_get only */
} dispo_request_row;

void store_request_row_free(dispo_request_row *row);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(dispo_request_row, store_request_row_free)

/* All requests, oldest first. */
GPtrArray *store_requests_list(dispo_store *store, GError **error);
/* One request by number (SE-2026-000001), with attachments and events. */
dispo_request_row *store_request_get(dispo_store *store, const char *number, GError **error);
/* Recomputes every request's event hash chain; false with the first broken
 * link named in *error. */
bool store_audit_verify(dispo_store *store, int64_t *checked, GError **error);

#endif
