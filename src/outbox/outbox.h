/* SPDX-License-Identifier: GPL-3.0-or-later */
/* outbox.h: delivers the outbox rows the workflow committed. One interface,
 * several backends: a Maildir (the embedded default, for `dispo demo`) and,
 * later, SMTP through libcurl. */
#ifndef DISPO_OUTBOX_H
#define DISPO_OUTBOX_H

#include "lib/lib.h"
#include "store/store.h"

#define DISPO_OUTBOX_ERROR (dispo_outbox_error_quark())
GQuark dispo_outbox_error_quark(void);
typedef enum {
	DISPO_OUTBOX_ERROR_TEMPORARY, /* try again later */
	DISPO_OUTBOX_ERROR_PERMANENT, /* this message will never go: tell someone */
} dispo_outbox_error_code;

typedef struct dispo_outbox dispo_outbox;

/* A backend: hands one rendered message (CRLF RFC 5322 bytes) for one
 * recipient to its destination. */
typedef struct dispo_outbox_backend {
	const char *name;
	bool (*deliver)(dispo_outbox *outbox, const dispo_outbox_row *row, GBytes *message,
	                GError **error);
	void (*free)(dispo_outbox *outbox);
} dispo_outbox_backend;

struct dispo_outbox {
	const dispo_outbox_backend *backend;
	void *priv;
};

/* Delivers into the Maildir at dir (created with new/ cur/ tmp/ as needed):
 * each message a file named after its outbox row, ending in .eml so that a
 * person can open it. */
dispo_outbox *outbox_maildir_new(const char *dir, GError **error);
void outbox_free(dispo_outbox *outbox);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(dispo_outbox, outbox_free)

typedef struct dispo_outbox_stats {
	unsigned sent, deferred, failed;
} dispo_outbox_stats;

/* Delivers every row due at now; each sent row is marked in its own
 * transaction after the backend accepted it. A failed row is retried later
 * (temporary) or marked failed (permanent); the run goes on. */
bool outbox_flush(dispo_outbox *outbox, dispo_store *store, dispo_time now,
                  dispo_outbox_stats *stats, GError **error);

#endif
