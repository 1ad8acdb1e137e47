/* SPDX-License-Identifier: GPL-3.0-or-later */
/* daemon.h: `dispo serve`, one GMainLoop that takes mail in from the IMAP
 * mailbox, sends the outbox as soon as rows commit and retries them when
 * due, fires the SLA timers at their due time, reloads its configuration,
 * rules and templates on SIGHUP (all or nothing) and finishes the message
 * in hand on SIGTERM. */
#ifndef DISPO_DAEMON_H
#define DISPO_DAEMON_H

#include "lib/lib.h"

typedef struct dispo_daemon_options {
	const char *config_path; /* NULL: $DISPO_CONFIG, else the embedded default */
} dispo_daemon_options;

/* Runs until SIGTERM or SIGINT: true on a clean stop. False (with error)
 * when it cannot start: the configuration, rules or store are unusable. */
bool daemon_run(const dispo_daemon_options *options, GError **error);

#endif
