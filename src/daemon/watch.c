/* SPDX-License-Identifier: GPL-3.0-or-later */
/* watch.c: the daemon's IMAP connection: connect, take in what is new,
 * then IDLE (re-issued before the server's 30 minutes) or poll a server
 * without it; reconnect with backoff and jitter, one log line per outage. */
#include "config.h"

#include "daemon/daemon-private.h"

#include <glib-unix.h>
#include <string.h>

/* Messages one pass takes before the main loop runs again. */
#define PASS_MAX 100

struct daemon_watch {
	dispo_daemon *d;
	dispo_imap *conn;
	dispo_imap_sync *sync;
	guint fd_source;
	guint renew_source; /* IDLE renewal, or the next poll */
	guint retry_source; /* a deferred message's next try, or a reconnect */
	guint again_source; /* another pass: the last one took messages */
	unsigned taken;     /* messages the pass in progress took */
	bool idling;
	unsigned failures;  /* connection attempts failed in this outage */
	int64_t down_since; /* monotonic µs; 0 while connected */
	char *account;      /* for log lines */
};

static void watch_connect(daemon_watch *w);
static void watch_listen(daemon_watch *w);
static gboolean on_retry(gpointer user);

static void
sources_clear(daemon_watch *w)
{
	guint *ids[] = {&w->fd_source, &w->renew_source, &w->retry_source, &w->again_source};

	for (size_t i = 0; i < G_N_ELEMENTS(ids); i++)
		if (*ids[i]) {
			g_source_remove(*ids[i]);
			*ids[i] = 0;
		}
}

static void
sync_log(void *user, uint32_t uid, dispo_imap_sync_event what, const char *text, int64_t ms)
{
	daemon_watch *w = user;

	switch (what) {
	case DISPO_IMAP_SYNC_TAKEN: {
		g_autofree char *line = g_strdup_printf("uid %u: %s", uid, text);
		dispo_log(LOG_INFO, "message uid %u: %s (%" G_GINT64_FORMAT " ms)", uid, text, ms);
		daemon_status_set(w->d, "last_message", line);
		w->taken++;
		break;
	}
	case DISPO_IMAP_SYNC_DEFERRED:
		dispo_log(LOG_WARNING, "message uid %u not taken yet, will try again: %s", uid,
		           text);
		break;
	case DISPO_IMAP_SYNC_QUARANTINED:
		dispo_log(LOG_ERR, "message uid %u quarantined%s%s: %s", uid,
		           w->d->set->config->imap_quarantine ? " to " : " (flagged in place)",
		           w->d->set->config->imap_quarantine ? w->d->set->config->imap_quarantine
		                                              : "",
		           text);
		break;
	}
}

static bool
sync_stop(void *user)
{
	daemon_watch *w = user;

	daemon_heartbeat(w->d, true);
	/* A long catch-up yields to the main loop now and then: the emails
	 * of what it took go out meanwhile, a SIGHUP is read. */
	return daemon_stop_requested != 0 || w->taken >= PASS_MAX;
}

static int64_t
reconnect_delay_ms(unsigned failures)
{
	/* 1 s, 2 s, 4 s … at most 5 minutes, plus up to a quarter more. */
	int64_t ms = 1000LL << MIN(failures, 9u);

	ms = MIN(ms, 300000);
	return ms + g_random_int_range(0, (gint32)(ms / 4 + 1));
}

static gboolean
on_reconnect(gpointer user)
{
	daemon_watch *w = user;

	w->retry_source = 0;
	watch_connect(w);
	return G_SOURCE_REMOVE;
}

/* The connection failed or broke: one line when the outage starts, the
 * tries in between at debug level only. */
static void
watch_down(daemon_watch *w, const GError *e)
{
	int64_t delay;

	sources_clear(w);
	if (w->conn) {
		ingest_imap_free(w->conn);
		w->conn = NULL;
	}
	w->idling = false;
	if (!w->down_since) {
		w->down_since = g_get_monotonic_time();
		dispo_log(LOG_ERR, "IMAP %s: %s; trying again until it answers", w->account,
		           e->message);
		daemon_status_set(w->d, "imap", "disconnected");
	} else {
		dispo_log(LOG_DEBUG, "IMAP %s: try %u: %s", w->account, w->failures + 1,
		           e->message);
	}
	daemon_status_set(w->d, "imap_error", e->message);
	w->failures++;
	delay = reconnect_delay_ms(w->failures);
	w->retry_source = g_timeout_add((guint)delay, on_reconnect, w);
}

/* Takes in what is new; false when the connection went down. */
static bool
watch_pass(daemon_watch *w)
{
	g_autoptr(GError) e = NULL;
	int64_t retry_us = 0;

	if (!ingest_imap_sync_pass(w->sync, w->conn, w->d->ing, &retry_us, &e)) {
		if (e->domain == DISPO_IMAP_ERROR) {
			watch_down(w, e);
			return false;
		}
		/* The store could not record: the messages stay on the server. */
		dispo_log(LOG_ERR, "IMAP %s: %s", w->account, e->message);
		retry_us = 10 * G_USEC_PER_SEC;
	}
	daemon_work_soon(w->d);
	if (w->retry_source)
		g_source_remove(w->retry_source);
	w->retry_source = 0;
	if (retry_us)
		w->retry_source = g_timeout_add((guint)MAX(1, retry_us / 1000), on_retry, w);
	return true;
}

/* Leaves IDLE (when in it) so that commands can be sent. */
static bool
watch_wake(daemon_watch *w)
{
	g_autoptr(GError) e = NULL;

	if (w->fd_source) {
		g_source_remove(w->fd_source);
		w->fd_source = 0;
	}
	if (w->renew_source) {
		g_source_remove(w->renew_source);
		w->renew_source = 0;
	}
	if (!w->idling)
		return true;
	w->idling = false;
	if (!ingest_imap_idle_done(w->conn, &e)) {
		watch_down(w, e);
		return false;
	}
	return true;
}

static gboolean on_again(gpointer user);

/* A pass, then another (when it took messages) or IDLE. */
static void
watch_take(daemon_watch *w)
{
	w->taken = 0;
	if (!watch_pass(w))
		return;
	if (w->taken > 0 && !daemon_stop_requested)
		w->again_source = g_idle_add(on_again, w);
	else
		watch_listen(w);
}

/* Out of IDLE, take in, back into IDLE. A pass that took messages is
 * followed by another before IDLE: what arrived during it was announced
 * in its commands' untagged replies, which IDLE does not repeat. */
static void
watch_cycle(daemon_watch *w)
{
	if (!watch_wake(w))
		return;
	if (daemon_stop_requested)
		return;
	watch_take(w);
}

static gboolean
on_again(gpointer user)
{
	daemon_watch *w = user;

	w->again_source = 0;
	if (w->conn)
		watch_cycle(w);
	return G_SOURCE_REMOVE;
}

static gboolean
on_retry(gpointer user)
{
	daemon_watch *w = user;

	w->retry_source = 0;
	if (w->conn)
		watch_cycle(w);
	return G_SOURCE_REMOVE;
}

static gboolean
on_renew(gpointer user)
{
	daemon_watch *w = user;
	g_autoptr(GError) e = NULL;

	w->renew_source = 0;
	if (!w->idling) {
		/* Polling: a NOOP lets the server report what arrived. */
		if (!ingest_imap_noop(w->conn, &e)) {
			if (!g_error_matches(e, DISPO_IMAP_ERROR, DISPO_IMAP_ERROR_PROTOCOL)) {
				watch_down(w, e);
				return G_SOURCE_REMOVE;
			}
		}
	}
	watch_cycle(w);
	return G_SOURCE_REMOVE;
}

static gboolean
on_readable(gint fd, GIOCondition cond, gpointer user)
{
	daemon_watch *w = user;
	g_autoptr(GError) e = NULL;
	bool changed = false;

	(void)fd;
	(void)cond;
	if (!ingest_imap_idle_read(w->conn, &changed, &e)) {
		w->fd_source = 0;
		watch_down(w, e);
		return G_SOURCE_REMOVE;
	}
	if (!changed)
		return G_SOURCE_CONTINUE;
	/* With DISPO_DEBUG: when the server's news arrived (bench-serve.sh
	 * tells the server's share of the latency from dispo's by it). */
	dispo_log(LOG_DEBUG, "IMAP %s: the server reports a change", w->account);
	w->fd_source = 0;
	watch_cycle(w);
	return G_SOURCE_REMOVE;
}

/* IDLE until the server reports something or the renewal is due; without
 * IDLE, the next poll. */
static void
watch_listen(daemon_watch *w)
{
	const dispo_config *c = w->d->set->config;
	g_autoptr(GError) e = NULL;
	bool changed = false;

	if (!ingest_imap_has_idle(w->conn)) {
		w->renew_source = g_timeout_add((guint)c->imap_poll_ms, on_renew, w);
		return;
	}
	if (!ingest_imap_idle_start(w->conn, &e)) {
		watch_down(w, e);
		return;
	}
	w->idling = true;
	/* What arrived with IDLE's continuation is in libetpan's buffer, not
	 * on the socket: a poll would never see it. */
	if (!ingest_imap_idle_read(w->conn, &changed, &e)) {
		watch_down(w, e);
		return;
	}
	if (changed) {
		watch_cycle(w);
		return;
	}
	w->fd_source =
	    g_unix_fd_add(ingest_imap_fd(w->conn), G_IO_IN | G_IO_HUP | G_IO_ERR, on_readable, w);
	w->renew_source = g_timeout_add((guint)c->imap_idle_renew_ms, on_renew, w);
}

static void
watch_connect(daemon_watch *w)
{
	const dispo_config *c = w->d->set->config;
	dispo_imap_options o = {
	    .url = c->imap_url,
	    .starttls = c->imap_starttls,
	    .verify = c->imap_verify,
	    .ca_file = c->imap_ca_file,
	    .user = c->imap_user,
	    .credentials_file = c->imap_credentials_file,
	    .timeout_ms = c->imap_timeout_ms,
	};
	g_autoptr(GError) e = NULL;

	if (!(w->conn = ingest_imap_connect(&o, &e)) ||
	    !ingest_imap_sync_select(w->sync, w->conn, &e)) {
		watch_down(w, e);
		return;
	}
	g_free(w->account);
	w->account = g_strdup(ingest_imap_sync_source(w->sync));
	daemon_status_set(w->d, "imap_account", w->account);
	daemon_status_set(w->d, "imap", "connected");
	if (w->down_since) {
		int64_t s = (g_get_monotonic_time() - w->down_since) / G_USEC_PER_SEC;
		dispo_log(LOG_NOTICE,
		           "IMAP %s: connected again after %" G_GINT64_FORMAT " s (%u tries)",
		           w->account, s, w->failures);
	} else {
		dispo_log(LOG_NOTICE, "IMAP %s: connected (%s)", w->account,
		           ingest_imap_has_idle(w->conn) ? "IDLE" : "no IDLE: polling");
	}
	w->down_since = 0;
	w->failures = 0;
	watch_take(w);
}

daemon_watch *
daemon_watch_new(dispo_daemon *d)
{
	const dispo_config *c = d->set->config;
	daemon_watch *w = g_new0(daemon_watch, 1);
	dispo_imap_sync_options so = {
	    .mailbox = c->imap_mailbox,
	    .processed = c->imap_processed,
	    .quarantine = c->imap_quarantine,
	    .max_tries = c->imap_max_tries,
	    .log = sync_log,
	    .stop = sync_stop,
	    .log_user = w,
	};

	w->d = d;
	w->account = g_strdup(c->imap_url);
	w->sync = ingest_imap_sync_new(&so);
	watch_connect(w);
	return w;
}

void
daemon_watch_free(daemon_watch *w)
{
	if (!w)
		return;
	sources_clear(w);
	if (w->conn) {
		g_autoptr(GError) e = NULL;
		if (w->idling)
			ingest_imap_idle_done(w->conn, &e);
		ingest_imap_logout(w->conn);
	}
	ingest_imap_sync_free(w->sync);
	g_free(w->account);
	g_free(w);
}
