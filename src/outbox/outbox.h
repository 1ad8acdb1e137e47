/* SPDX-License-Identifier: GPL-3.0-or-later */
/* outbox.h: delivers the outbox rows the workflow committed. One interface,
 * two backends: a Maildir (the embedded default, for `dispo demo`) and SMTP
 * through libcurl. The only module that sees CURL. */
#ifndef DISPO_OUTBOX_H
#define DISPO_OUTBOX_H

#include "lib/lib.h"
#include "store/store.h"

#define DISPO_OUTBOX_ERROR (dispo_outbox_error_quark())
GQuark dispo_outbox_error_quark(void);
typedef enum {
	DISPO_OUTBOX_ERROR_TEMPORARY, /* try again later */
	DISPO_OUTBOX_ERROR_PERMANENT, /* this message will never go: tell someone */
	/* try again later, and the same for every email now: the server is
	 * away (no connection, no answer in time, 421, our login refused) */
	DISPO_OUTBOX_ERROR_UNAVAILABLE,
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

/* Called inside the transaction that marks a row failed for good, so that
 * whatever it records (an audit event, a notice to the administrator) commits
 * with the failure. When it fails, its work is rolled back and the row is
 * marked failed anyway (with a warning): a broken notice never holds up the
 * outbox. */
typedef bool (*dispo_outbox_failed_fn)(dispo_store *store, const dispo_outbox_row *row,
                                       const char *why, void *user, GError **error);

struct dispo_outbox {
	const dispo_outbox_backend *backend;
	void *priv;
	dispo_time max_age; /* temporary failures become permanent after this; 0 never */
	dispo_outbox_failed_fn failed;
	void *failed_user;
	GArray *unrecorded; /* outbox_sent: accepted by the server, not yet marked sent */
};

/* An email the server accepted while the store could not record it (the
 * write lock held past busy_timeout, a full disk): its row stays claimed,
 * and is marked sent by the next outbox_flush, before anything else. */
typedef struct dispo_outbox_sent {
	int64_t id;
	dispo_time at;
} dispo_outbox_sent;

/* An address dispo may hand to a mail server or a header: local@domain in
 * printable ASCII, no spaces, quotes, brackets or control characters, one @,
 * a dot-atom domain, at most 64 + 1 + 253 characters. Anything else is
 * refused (DISPO_OUTBOX_ERROR_PERMANENT), so that no address, wherever it
 * came from, can carry a second SMTP command or header. */
bool outbox_address_check(const char *address, GError **error);
/* Whom row goes to: its To, then each of its Cc addresses once, none of
 * them To again (NULL-terminated; free with g_strfreev). A server that
 * refuses any of them refuses the email: the sender names them all. */
char **outbox_row_recipients(const dispo_outbox_row *row);

/* Sends through the SMTP server at url (smtp://host:port with STARTTLS, or
 * smtps://host:port). The connection is kept for the next message. */
typedef struct dispo_smtp_options {
	const char *url;
	bool starttls;                /* smtp://: STARTTLS required (false: plain text) */
	bool verify;                  /* certificate and host name */
	const char *ca_file;          /* NULL: the system store */
	const char *credentials_file; /* NULL: no AUTH */
	const char *auth;             /* "ANY", "PLAIN", "LOGIN" */
	const char *envelope_from;    /* NULL: the message's From address */
	int64_t timeout_ms;           /* connect, and the longest silence from the server */
} dispo_smtp_options;

dispo_outbox *outbox_smtp_new(const dispo_smtp_options *options, GError **error);

/* Reads "username = …" and "password = …" lines from path, which must be a
 * regular file owned by the user dispo runs as and readable by nobody else
 * (0600 or 0400): a password another user can read is refused, not used. */
bool outbox_credentials_read(const char *path, char **username, char **password, GError **error);

/* Delivers into the Maildir at dir (created with new/ cur/ tmp/ as needed):
 * each message a file named after its outbox row, ending in .eml so that a
 * person can open it. */
dispo_outbox *outbox_maildir_new(const char *dir, GError **error);
void outbox_free(dispo_outbox *outbox);
/* The sender the configuration names: SMTP when [smtp] url is set, else
 * the Maildir under data_dir/outbox. */
dispo_outbox *outbox_open(const dispo_config *config, GError **error);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(dispo_outbox, outbox_free)

typedef struct dispo_outbox_stats {
	unsigned sent, deferred, failed;
} dispo_outbox_stats;

/* Delivers every row due at now. Each row is claimed first (state sending,
 * in its own transaction, leased from the real clock), then marked sent in its own transaction
 * after the backend accepted it (SMTP: the server's 250 to the end of data). A row still claimed
 * after a crash becomes due again once its lease ends and is sent with the same bytes, so the same
 * Message-ID. A failed row is retried later with exponential backoff and jitter (temporary) until
 * max_age, or marked failed (permanent); the run goes on. Once the server is unavailable, the rest
 * of the run's emails are not handed to it (each would wait for the same timeout) but recorded as
 * deferred with its reason, on the same schedule. When the store cannot record that a row
 * was sent, the run stops with that error and the row is remembered (outbox_unrecorded): the next
 * run records it first, so that a busy store never makes an email go twice. */
bool outbox_flush(dispo_outbox *outbox, dispo_store *store, dispo_time now,
                  dispo_outbox_stats *stats, GError **error);
/* How many emails were sent but are not yet recorded as sent. */
guint outbox_unrecorded(const dispo_outbox *outbox);
/* Moves what from has not recorded yet to to (a reload replacing the
 * sender must not forget what the old one sent). */
void outbox_hand_over(dispo_outbox *from, dispo_outbox *to);

/* When attempt number `attempts` (1 for the first failure) at now is to be
 * followed by the next: 1, 2, 4 … minutes, at most six hours apart, plus up
 * to a quarter more at random so that many deferred emails do not all
 * return at once. */
dispo_time outbox_retry_at(dispo_time now, unsigned attempts);

/* How long a claimed row is left alone before it counts as abandoned by a
 * sender that died; a backend gives up on one email well before. */
#define DISPO_OUTBOX_LEASE (15 * 60)

#endif
