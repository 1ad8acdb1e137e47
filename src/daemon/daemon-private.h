/* SPDX-License-Identifier: GPL-3.0-or-later */
/* daemon-private.h: what the daemon's files share: the loaded set
 * (configuration, rules, templates, calendar, sender), the loop's state and
 * the IMAP watcher. */
#ifndef DISPO_DAEMON_PRIVATE_H
#define DISPO_DAEMON_PRIVATE_H

#include "daemon/daemon.h"
#include "ingest/ingest.h"
#include "outbox/outbox.h"
#include "rules/rules.h"
#include "store/store.h"

#include <signal.h>
#include <syslog.h>

/* Everything SIGHUP replaces at once (set.c). */
typedef struct daemon_set {
	dispo_config *config; /* templates_dir points at the set's own copy */
	dispo_rules *rules;
	dispo_outbox *outbox;
	char *templates_copy; /* data_dir/run/templates.N, removed with the set */
} daemon_set;

/* Loads and checks a whole set; every problem is logged (rules as
 * file:line:col) and the first one returned. generation names the copy of
 * the templates. */
daemon_set *daemon_set_load(const char *config_path, unsigned generation, GError **error);
void daemon_set_free(daemon_set *set);
/* Whether two sets watch the same IMAP mailbox the same way. */
bool daemon_set_imap_same(const daemon_set *a, const daemon_set *b);

typedef struct daemon_watch daemon_watch;

typedef struct dispo_daemon {
	const char *config_path;
	daemon_set *set;
	unsigned generation;
	dispo_store *store;
	dispo_ingest *ing; /* judges by set's config and rules */
	GMainLoop *loop;
	guint work_source;
	guint heartbeat_source;
	guint signal_source;
	int signal_pipe[2];
	daemon_watch *watch; /* NULL when [imap] has no url */
	bool stopping;
	int64_t heartbeat_us; /* monotonic time of the last heartbeat */
} dispo_daemon;

/* Set by the signal handler; read between messages. */
extern volatile sig_atomic_t daemon_stop_requested;

/* The daemon's health row key = value (store_daemon_set), logged when it
 * cannot be written. */
void daemon_status_set(dispo_daemon *d, const char *key, const char *value);
/* Writes the heartbeat `dispo status` reads; with if_due only when the
 * last is 30 s old (between the messages of a long catch-up, while the
 * main loop's own timer cannot run). */
void daemon_heartbeat(dispo_daemon *d, bool if_due);
/* The outbox and timers should run now (a message just committed). */
void daemon_work_soon(dispo_daemon *d);

/* watch.c: the IMAP connection, IDLE or polling, reconnects. */
daemon_watch *daemon_watch_new(dispo_daemon *d);
void daemon_watch_free(daemon_watch *w);

#endif
