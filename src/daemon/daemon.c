/* SPDX-License-Identifier: GPL-3.0-or-later */
/* daemon.c: the main loop of `dispo serve`: signals, reload, and the
 * scheduling of the outbox sender, the SLA timers and the heartbeat. */
#include "config.h"

#include "daemon/daemon-private.h"

#include <errno.h>
#include <fcntl.h>
#include <glib-unix.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* The store is asked what is due at least this often, so that rows and
 * timers committed by `dispo deliver` beside the daemon are seen. */
#define RESCAN_MS    30000
#define HEARTBEAT_MS 30000

volatile sig_atomic_t daemon_stop_requested;
static volatile sig_atomic_t reload_requested;
static int signal_write_fd = -1;

static dispo_time
now_s(void)
{
	return g_get_real_time() / G_USEC_PER_SEC;
}

void
daemon_status_set(dispo_daemon *d, const char *key, const char *value)
{
	g_autoptr(GError) e = NULL;

	if (!store_daemon_set(d->store, key, value, now_s(), &e))
		dispo_log(LOG_WARNING, "cannot record the status (%s): %s", key, e->message);
}

/* ---- the outbox and the timers -------------------------------------------- */

static bool
delivery_failed(dispo_store *store, const dispo_outbox_row *row, const char *why, void *user,
                GError **error)
{
	dispo_daemon *d = user;

	(void)store;
	dispo_log(LOG_WARNING, "email %s to %s failed for good: %s", row->message_id, row->to_addr,
	           why);
	return ingest_delivery_failed(d->ing, row, why, now_s(), error);
}

static void work_schedule(dispo_daemon *d);

static gboolean
work_run(gpointer user)
{
	dispo_daemon *d = user;
	g_autoptr(GError) e = NULL;
	dispo_outbox_stats st = {0};
	unsigned fired = 0;
	dispo_time now = now_s();

	d->work_source = 0;
	ingest_set_now(d->ing, now);
	if (!ingest_timers_run(d->ing, now, &fired, &e)) {
		dispo_log(LOG_ERR, "SLA timers: %s", e->message);
		g_clear_error(&e);
	} else if (fired) {
		dispo_log(LOG_INFO, "%u SLA timer%s fired", fired, fired == 1 ? "" : "s");
	}
	d->set->outbox->failed = delivery_failed;
	d->set->outbox->failed_user = d;
	if (!outbox_flush(d->set->outbox, d->store, now_s(), &st, &e)) {
		dispo_log(LOG_ERR, "outbox: %s", e->message);
		g_clear_error(&e);
	}
	if (st.sent || st.deferred || st.failed)
		dispo_log(LOG_INFO, "outbox: %u sent, %u deferred, %u failed", st.sent,
		           st.deferred, st.failed);
	work_schedule(d);
	return G_SOURCE_REMOVE;
}

/* Sleeps until the next outbox row or timer is due, or the next rescan. */
static void
work_schedule(dispo_daemon *d)
{
	g_autoptr(GError) e = NULL;
	dispo_time outbox_at = 0, timer_at = 0, now = now_s();
	int64_t wait_ms = RESCAN_MS;

	if (d->stopping)
		return;
	if (!store_next_due(d->store, &outbox_at, &timer_at, &e))
		dispo_log(LOG_ERR, "%s", e->message);
	if (outbox_at)
		wait_ms = MIN(wait_ms, MAX(0, (outbox_at - now) * 1000));
	if (timer_at)
		wait_ms = MIN(wait_ms, MAX(0, (timer_at - now) * 1000));
	/* An email sent but not yet recorded: record it as soon as the store
	 * lets us, before anything is claimed again. */
	if (outbox_unrecorded(d->set->outbox))
		wait_ms = MIN(wait_ms, 1000);
	if (d->work_source)
		g_source_remove(d->work_source);
	d->work_source = g_timeout_add((guint)wait_ms, work_run, d);
}

void
daemon_work_soon(dispo_daemon *d)
{
	if (d->stopping)
		return;
	if (d->work_source)
		g_source_remove(d->work_source);
	d->work_source = g_idle_add(work_run, d);
}

void
daemon_heartbeat(dispo_daemon *d, bool if_due)
{
	int64_t now = g_get_monotonic_time();

	if (if_due && now - d->heartbeat_us < HEARTBEAT_MS * 1000LL)
		return;
	d->heartbeat_us = now;
	daemon_status_set(d, "heartbeat", NULL);
}

static gboolean
heartbeat(gpointer user)
{
	daemon_heartbeat(user, false);
	return G_SOURCE_CONTINUE;
}

/* ---- signals ------------------------------------------------------------- */

/* The handler only sets flags and wakes the loop: the message in hand is
 * finished first, and a long catch-up stops between two messages. */
static void
on_signal(int sig)
{
	int saved = errno;
	char c = (char)sig;

	if (sig == SIGHUP)
		reload_requested = 1;
	else
		daemon_stop_requested = 1;
	if (signal_write_fd >= 0 && write(signal_write_fd, &c, 1) < 0) {
		/* the pipe is full: a wake-up is pending anyway */
	}
	errno = saved;
}

static void
reload(dispo_daemon *d)
{
	g_autoptr(GError) e = NULL;
	daemon_set *set;
	dispo_ingest_options opt = {.source = "serve", .batch = 1, .now = now_s()};
	bool imap_same;

	dispo_log(LOG_NOTICE, "SIGHUP: reloading the configuration, rules and templates");
	set = daemon_set_load(d->config_path, d->generation + 1, &e);
	if (!set) {
		g_autofree char *why = g_strdup_printf("refused: %s", e->message);
		dispo_log(LOG_ERR, "reload refused, the running set stays: %s", e->message);
		daemon_status_set(d, "reload", why);
		return;
	}
	if (strcmp(set->config->data_dir, d->set->config->data_dir) != 0) {
		dispo_log(LOG_ERR,
		           "reload refused, the running set stays: data_dir changed (%s to %s); "
		           "restart dispo to use another data directory",
		           d->set->config->data_dir, set->config->data_dir);
		daemon_status_set(d, "reload", "refused: data_dir changed");
		daemon_set_free(set);
		return;
	}
	imap_same = daemon_set_imap_same(d->set, set);
	if (!imap_same) {
		daemon_watch_free(d->watch);
		d->watch = NULL;
	}
	ingest_free(d->ing);
	outbox_hand_over(d->set->outbox, set->outbox);
	daemon_set_free(d->set);
	d->set = set;
	d->generation++;
	opt.rules = set->rules;
	d->ing = ingest_new(set->config, d->store, &opt);
	if (!imap_same && set->config->imap_url)
		d->watch = daemon_watch_new(d);
	else if (!set->config->imap_url)
		daemon_status_set(d, "imap", "off");
	daemon_status_set(d, "reload", "ok");
	dispo_log(LOG_NOTICE, "reloaded: rules version %s%s", rules_version(set->rules),
	           imap_same ? "" : ", IMAP settings changed: reconnecting");
	daemon_work_soon(d);
}

static gboolean
on_signal_pipe(gint fd, GIOCondition cond, gpointer user)
{
	dispo_daemon *d = user;
	char buf[64];

	(void)cond;
	while (read(fd, buf, sizeof buf) > 0) {
	}
	if (daemon_stop_requested) {
		dispo_log(LOG_NOTICE, "stopping");
		d->stopping = true;
		g_main_loop_quit(d->loop);
		return G_SOURCE_CONTINUE;
	}
	if (reload_requested) {
		reload_requested = 0;
		reload(d);
	}
	return G_SOURCE_CONTINUE;
}

static bool
signals_install(dispo_daemon *d, GError **error)
{
	struct sigaction sa = {0};

	if (!g_unix_open_pipe(d->signal_pipe, FD_CLOEXEC, error) ||
	    !g_unix_set_fd_nonblocking(d->signal_pipe[0], TRUE, error) ||
	    !g_unix_set_fd_nonblocking(d->signal_pipe[1], TRUE, error))
		return false;
	signal_write_fd = d->signal_pipe[1];
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	/* A server that closes the connection must be an error, not a kill. */
	signal(SIGPIPE, SIG_IGN);
	d->signal_source = g_unix_fd_add(d->signal_pipe[0], G_IO_IN, on_signal_pipe, d);
	return true;
}

static void
signals_remove(dispo_daemon *d)
{
	struct sigaction sa = {0};

	sa.sa_handler = SIG_DFL;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal_write_fd = -1;
	if (d->signal_source)
		g_source_remove(d->signal_source);
	for (int i = 0; i < 2; i++)
		if (d->signal_pipe[i] > 0)
			close(d->signal_pipe[i]);
}

/* ---- start and stop ------------------------------------------------------ */

bool
daemon_run(const dispo_daemon_options *o, GError **error)
{
	dispo_daemon dd = {.config_path = o->config_path}, *d = &dd;
	dispo_ingest_options opt = {.source = "serve", .batch = 1};
	g_autofree char *db = NULL;
	g_autofree char *mail = NULL;
	g_autofree char *pid = NULL;
	bool ok = false;

	/* First, so that a SIGTERM while starting is a clean stop too. */
	if (!signals_install(d, error))
		goto out;
	if (!(d->set = daemon_set_load(o->config_path, 0, error)))
		goto out;
	db = g_build_filename(d->set->config->data_dir, "dispo.db", NULL);
	mail = g_build_filename(d->set->config->data_dir, "mail", NULL);
	if (!dispo_mkdir_p(d->set->config->data_dir, error) ||
	    !(d->store = store_open(db, mail, d->set->config->busy_timeout_ms, error)))
		goto out;
	opt.now = now_s();
	opt.rules = d->set->rules;
	d->ing = ingest_new(d->set->config, d->store, &opt);
	d->loop = g_main_loop_new(NULL, FALSE);

	pid = g_strdup_printf("%d", (int)getpid());
	daemon_status_set(d, "pid", pid);
	daemon_heartbeat(d, false);
	daemon_status_set(d, "stopped", NULL);
	dispo_log(LOG_NOTICE, "started (pid %s, data in %s, rules version %s)", pid,
	           d->set->config->data_dir, rules_version(d->set->rules));
	d->heartbeat_source = g_timeout_add(HEARTBEAT_MS, heartbeat, d);
	if (d->set->config->imap_url)
		d->watch = daemon_watch_new(d);
	else {
		daemon_status_set(d, "imap", "off");
		dispo_log(LOG_NOTICE,
		           "no [imap] url: mail comes by dispo deliver or dispo import");
	}
	/* Overdue timers and due rows from before a restart go first, once. */
	daemon_work_soon(d);
	if (!daemon_stop_requested)
		g_main_loop_run(d->loop);

	d->stopping = true;
	daemon_watch_free(d->watch);
	d->watch = NULL;
	daemon_status_set(d, "stopped", "SIGTERM");
	dispo_log(LOG_NOTICE, "stopped");
	ok = true;
out:
	if (d->work_source)
		g_source_remove(d->work_source);
	if (d->heartbeat_source)
		g_source_remove(d->heartbeat_source);
	signals_remove(d);
	ingest_free(d->ing);
	store_close(d->store);
	daemon_set_free(d->set);
	if (d->loop)
		g_main_loop_unref(d->loop);
	return ok;
}
