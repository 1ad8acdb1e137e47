/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dispo-status.c: `dispo status`: the health of an installation for a
 * person or a monitor: whether `dispo serve` runs (its heartbeat), the
 * IMAP connection and since when, the last message taken, the outbox,
 * quarantined messages, overdue steps and the last reload. The exit code
 * is a monitoring plugin's (Nagios, Icinga, Zabbix's agent, a cron line
 * that mails on non-zero): 0 healthy, 1 a warning, 2 critical. */
#include "config.h"

#include "cli/cli.h"
#include "ingest/ingest.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

/* The daemon writes its heartbeat every 30 s: three missed is down. */
#define HEARTBEAT_STALE_S 90
/* IMAP down this long is critical; shorter is a server's restart. */
#define IMAP_DOWN_CRITICAL_S (10 * 60)
/* An email due this long ago and still not handed over is critical. */
#define OUTBOX_LATE_CRITICAL_S 3600
/* Failed emails and quarantined messages this recent are a warning. */
#define RECENT_S (7 * 86400)

typedef enum { HEALTH_OK, HEALTH_WARNING, HEALTH_CRITICAL } health_level;

/* One key of the daemon's status row. */
typedef struct status_value {
	char *value; /* NULL: never written */
	dispo_time at;
} status_value;

typedef struct status {
	dispo_time now;
	GTimeZone *tz;
	health_level level;
	GPtrArray *problems; /* "critical: ..." and "warning: ..." sentences */
	status_value pid, heartbeat, stopped, imap, imap_error, imap_account, last_message,
	    reload;
	bool daemon_running;
	bool imap_configured;
	dispo_health h;
	unsigned overdue;
	GPtrArray *overdue_steps; /* "workflow/step N" */
	bool overdue_known;       /* the rules loaded */
} status;

static void
problem(status *s, health_level level, const char *fmt, ...) G_GNUC_PRINTF(3, 4);
static void
problem(status *s, health_level level, const char *fmt, ...)
{
	va_list ap;
	g_autofree char *text = NULL;

	va_start(ap, fmt);
	text = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	if (level > s->level)
		s->level = level;
	g_ptr_array_add(s->problems, g_strdup_printf(
	                                 "%s: %s", level == HEALTH_CRITICAL ? "critical" : "warning",
	                                 text));
}

/* 45 s, 12 min, 3 h 5 min, 2 days: how long ago, for people. */
static char *
ago_text(dispo_time secs)
{
	if (secs < 0)
		secs = 0;
	if (secs < 120)
		return g_strdup_printf("%" G_GINT64_FORMAT " s", (gint64)secs);
	if (secs < 7200)
		return g_strdup_printf("%" G_GINT64_FORMAT " min", (gint64)(secs / 60));
	if (secs < 2 * 86400)
		return g_strdup_printf("%" G_GINT64_FORMAT " h %" G_GINT64_FORMAT " min",
		                       (gint64)(secs / 3600), (gint64)(secs % 3600 / 60));
	return g_strdup_printf("%" G_GINT64_FORMAT " days", (gint64)(secs / 86400));
}

static bool
read_key(dispo_store *store, const char *key, status_value *v, GError **error)
{
	if (!store_daemon_get(store, key, &v->value, &v->at, error))
		return false;
	/* Written empty (the heartbeat, a cleared "stopped"): only its time. */
	if (v->value && !*v->value)
		g_clear_pointer(&v->value, g_free);
	return true;
}

static bool
pid_alive(const char *text)
{
	gint64 pid;
	char *end = NULL;

	if (!text)
		return false;
	pid = g_ascii_strtoll(text, &end, 10);
	if (!end || *end || pid <= 1 || pid > G_MAXINT32)
		return false;
	/* EPERM: alive, under a user this one may not signal. */
	return kill((pid_t)pid, 0) == 0 || errno == EPERM;
}

static void
judge_daemon(status *s)
{
	g_autofree char *ago = NULL;

	if (!s->pid.value) {
		problem(s, HEALTH_CRITICAL,
		        "dispo serve has never run on this data directory "
		        "(systemctl enable --now dispo)");
		return;
	}
	if (s->stopped.value) {
		ago = ago_text(s->now - s->stopped.at);
		problem(s, HEALTH_CRITICAL, "dispo serve stopped %s ago (%s)", ago, s->stopped.value);
		return;
	}
	ago = ago_text(s->now - s->heartbeat.at);
	if (s->now - s->heartbeat.at > HEARTBEAT_STALE_S || !pid_alive(s->pid.value)) {
		problem(s, HEALTH_CRITICAL,
		        "dispo serve is not running: its last heartbeat was %s ago (pid %s); "
		        "journalctl -u dispo tells why",
		        ago, s->pid.value);
		return;
	}
	s->daemon_running = true;
}

static void
judge_imap(status *s)
{
	g_autofree char *ago = NULL;

	if (!s->imap_configured || !s->daemon_running)
		return;
	if (g_strcmp0(s->imap.value, "connected") == 0 && s->imap.at >= s->pid.at)
		return;
	/* Down since it said so, or since the daemon started when it has not
	 * connected yet. */
	{
		dispo_time since = g_strcmp0(s->imap.value, "disconnected") == 0 &&
		                           s->imap.at >= s->pid.at
		                       ? s->imap.at
		                       : s->pid.at;
		ago = ago_text(s->now - since);
		problem(s, s->now - since > IMAP_DOWN_CRITICAL_S ? HEALTH_CRITICAL : HEALTH_WARNING,
		        "IMAP not connected for %s%s%s", ago, s->imap_error.value ? ": " : "",
		        s->imap_error.value ? s->imap_error.value : "");
	}
}

static void
judge_rest(status *s)
{
	const dispo_health *h = &s->h;

	if (h->outbox_pending && h->outbox_oldest_due &&
	    s->now - h->outbox_oldest_due > OUTBOX_LATE_CRITICAL_S) {
		g_autofree char *ago = ago_text(s->now - h->outbox_oldest_due);
		problem(s, HEALTH_CRITICAL,
		        "an email was due %s ago and is not sent yet (dispo outbox list pending)", ago);
	}
	if (h->outbox_failed_recent)
		problem(s, HEALTH_WARNING,
		        "%u email%s failed for good in the last 7 days (dispo outbox list failed)",
		        h->outbox_failed_recent, h->outbox_failed_recent == 1 ? "" : "s");
	if (h->quarantined_recent)
		problem(s, HEALTH_WARNING,
		        "%u message%s quarantined in the last 7 days (the IMAP quarantine folder)",
		        h->quarantined_recent, h->quarantined_recent == 1 ? "" : "s");
	if (s->reload.value && g_str_has_prefix(s->reload.value, "refused") &&
	    s->reload.at >= s->pid.at)
		problem(s, HEALTH_WARNING, "the last reload was refused, the old set runs: %s",
		        s->reload.value);
}

/* The overdue steps, by the rules and calendar the daemon judges with. */
static void
count_overdue(dispo_cli *cli, dispo_store *store, status *s)
{
	g_autoptr(GError) e = NULL;
	g_autoptr(dispo_rules) rules = NULL;
	g_autoptr(dispo_calendar) cal = NULL;
	g_autoptr(dispo_report) rep = NULL;
	const GPtrArray *rows;

	if (!(rules = cli_rules_load(cli, &e)) || !(cal = ingest_calendar_load(cli->config, &e))) {
		problem(s, HEALTH_WARNING, "overdue steps unknown: %s", e->message);
		return;
	}
	rep = workflow_report_new(rules, cal, s->now, s->now, s->now, NULL);
	if (!cli_report_feed_open(rep, store, rules, NULL, &e)) {
		problem(s, HEALTH_WARNING, "overdue steps unknown: %s", e->message);
		return;
	}
	rows = workflow_report_rows(rep);
	for (guint i = 0; i < rows->len; i++) {
		const dispo_report_row *r = rows->pdata[i];
		if (r->kind != DISPO_REPORT_STEP || !r->overdue)
			continue;
		s->overdue += r->overdue;
		g_ptr_array_add(s->overdue_steps,
		                g_strdup_printf("%s/%s %u", r->workflow, r->step, r->overdue));
	}
	s->overdue_known = true;
}

/* ---- output -------------------------------------------------------------- */

static const char *
level_name(health_level l)
{
	return l == HEALTH_CRITICAL ? "critical" : l == HEALTH_WARNING ? "warning" : "ok";
}

static void
print_text(const status *s)
{
	g_autofree char *beat = NULL;

	printf("dispo status: %s\n", s->level == HEALTH_CRITICAL  ? "CRITICAL"
	                             : s->level == HEALTH_WARNING ? "WARNING"
	                                                          : "OK");
	for (guint i = 0; i < s->problems->len; i++)
		printf("  %s\n", (const char *)s->problems->pdata[i]);
	printf("\n");
	if (s->daemon_running) {
		g_autofree char *started = dispo_time_format_short(s->pid.at, s->tz);
		beat = ago_text(s->now - s->heartbeat.at);
		printf("daemon        running, pid %s, since %s (heartbeat %s ago)\n", s->pid.value,
		       started, beat);
	} else {
		printf("daemon        not running\n");
	}
	if (!s->imap_configured) {
		printf("imap          not configured (mail comes by dispo deliver)\n");
	} else if (s->daemon_running && g_strcmp0(s->imap.value, "connected") == 0) {
		g_autofree char *since = dispo_time_format_short(s->imap.at, s->tz);
		printf("imap          connected since %s (%s)\n", since,
		       s->imap_account.value ? s->imap_account.value : "?");
	} else {
		printf("imap          not connected%s%s\n", s->imap_error.value ? ": " : "",
		       s->imap_error.value ? s->imap_error.value : "");
	}
	if (s->last_message.value) {
		g_autofree char *at = dispo_time_format_short(s->last_message.at, s->tz);
		printf("last message  %s: %s\n", at, s->last_message.value);
	} else {
		printf("last message  none yet\n");
	}
	printf("outbox        %u waiting (%u retrying)", s->h.outbox_pending, s->h.outbox_retrying);
	if (s->h.outbox_pending && s->h.outbox_oldest_due) {
		g_autofree char *ago = ago_text(s->now - s->h.outbox_oldest_due);
		printf(", oldest due %s%s", s->now >= s->h.outbox_oldest_due ? "" : "in ",
		       s->now >= s->h.outbox_oldest_due ? ago : "the future");
		if (s->now >= s->h.outbox_oldest_due)
			printf(" ago");
	}
	printf(", %u failed (%u in the last 7 days)\n", s->h.outbox_failed,
	       s->h.outbox_failed_recent);
	printf("quarantined   %u (%u in the last 7 days)\n", s->h.quarantined,
	       s->h.quarantined_recent);
	if (s->overdue_known) {
		printf("overdue       %u", s->overdue);
		for (guint i = 0; i < s->overdue_steps->len; i++)
			printf("%s%s", i ? ", " : ": ", (const char *)s->overdue_steps->pdata[i]);
		printf("\n");
	}
	if (s->reload.value && s->reload.at >= s->pid.at) {
		g_autofree char *at = dispo_time_format_short(s->reload.at, s->tz);
		printf("last reload   %s: %s\n", at, s->reload.value);
	}
}

static void
json_time(JsonBuilder *b, const char *name, dispo_time t, GTimeZone *tz)
{
	json_builder_set_member_name(b, name);
	if (t) {
		g_autofree char *text = dispo_time_format_iso8601(t, tz);
		json_builder_add_string_value(b, text);
	} else {
		json_builder_add_null_value(b);
	}
}

static void
json_int(JsonBuilder *b, const char *name, int64_t value)
{
	json_builder_set_member_name(b, name);
	json_builder_add_int_value(b, value);
}

static void
print_json(const status *s)
{
	g_autoptr(JsonBuilder) b = json_builder_new();
	bool connected = s->daemon_running && g_strcmp0(s->imap.value, "connected") == 0;

	json_builder_begin_object(b);
	cli_json_string(b, "status", level_name(s->level));
	json_builder_set_member_name(b, "problems");
	json_builder_begin_array(b);
	for (guint i = 0; i < s->problems->len; i++)
		json_builder_add_string_value(b, s->problems->pdata[i]);
	json_builder_end_array(b);
	json_time(b, "checked_at", s->now, s->tz);

	json_builder_set_member_name(b, "daemon");
	json_builder_begin_object(b);
	json_builder_set_member_name(b, "running");
	json_builder_add_boolean_value(b, s->daemon_running);
	json_builder_set_member_name(b, "pid");
	if (s->pid.value)
		json_builder_add_int_value(b, g_ascii_strtoll(s->pid.value, NULL, 10));
	else
		json_builder_add_null_value(b);
	json_time(b, "started_at", s->pid.at, s->tz);
	json_time(b, "heartbeat_at", s->heartbeat.at, s->tz);
	cli_json_string(b, "stopped", s->stopped.value);
	json_builder_end_object(b);

	json_builder_set_member_name(b, "imap");
	json_builder_begin_object(b);
	json_builder_set_member_name(b, "configured");
	json_builder_add_boolean_value(b, s->imap_configured);
	json_builder_set_member_name(b, "connected");
	json_builder_add_boolean_value(b, s->imap_configured && connected);
	json_time(b, "since", s->imap_configured ? s->imap.at : 0, s->tz);
	cli_json_string(b, "account", s->imap_account.value);
	cli_json_string(b, "last_error", s->imap_error.value);
	json_builder_end_object(b);

	json_builder_set_member_name(b, "last_message");
	json_builder_begin_object(b);
	json_time(b, "at", s->last_message.at, s->tz);
	cli_json_string(b, "text", s->last_message.value);
	json_builder_end_object(b);

	json_builder_set_member_name(b, "outbox");
	json_builder_begin_object(b);
	json_int(b, "pending", s->h.outbox_pending);
	json_int(b, "retrying", s->h.outbox_retrying);
	json_time(b, "oldest_due", s->h.outbox_pending ? s->h.outbox_oldest_due : 0, s->tz);
	json_int(b, "failed", s->h.outbox_failed);
	json_int(b, "failed_last_7_days", s->h.outbox_failed_recent);
	json_builder_end_object(b);

	json_builder_set_member_name(b, "quarantined");
	json_builder_begin_object(b);
	json_int(b, "total", s->h.quarantined);
	json_int(b, "last_7_days", s->h.quarantined_recent);
	json_builder_end_object(b);

	json_builder_set_member_name(b, "overdue");
	if (s->overdue_known) {
		json_builder_begin_object(b);
		json_int(b, "total", s->overdue);
		json_builder_set_member_name(b, "steps");
		json_builder_begin_array(b);
		for (guint i = 0; i < s->overdue_steps->len; i++)
			json_builder_add_string_value(b, s->overdue_steps->pdata[i]);
		json_builder_end_array(b);
		json_builder_end_object(b);
	} else {
		json_builder_add_null_value(b);
	}

	json_builder_set_member_name(b, "reload");
	json_builder_begin_object(b);
	cli_json_string(b, "result", s->reload.value);
	json_time(b, "at", s->reload.at, s->tz);
	json_builder_end_object(b);
	json_builder_end_object(b);
	cli_json_print(b);
}

static void
status_clear(status *s)
{
	status_value *v[] = {&s->pid,          &s->heartbeat,    &s->stopped,
	                     &s->imap,         &s->imap_error,   &s->imap_account,
	                     &s->last_message, &s->reload};

	for (size_t i = 0; i < G_N_ELEMENTS(v); i++)
		g_free(v[i]->value);
	g_ptr_array_unref(s->problems);
	g_ptr_array_unref(s->overdue_steps);
}

int
cli_status(dispo_cli *cli, int argc, char **argv)
{
	g_autofree char *format_s = NULL;
	GOptionEntry entries[] = {{"format", 0, 0, G_OPTION_ARG_STRING, &format_s,
	                           "text (the default) or json", "FORMAT"},
	                          G_OPTION_ENTRY_NULL};
	g_autoptr(dispo_store) store = NULL;
	g_autoptr(GError) e = NULL;
	g_autofree char *db = NULL;
	status s = {0};
	bool json = false;
	int rc;

	if (!cli_parse(cli, entries, NULL,
	               "The health of this installation: dispo serve's heartbeat, the IMAP\n"
	               "connection, the last message, the outbox, quarantined messages,\n"
	               "overdue steps. Exit 0 healthy, 1 a warning, 2 critical.",
	               &argc, &argv))
		return EX_USAGE;
	if (argc > 1) {
		cli_error(cli, "takes no arguments");
		return EX_USAGE;
	}
	if (!format_s || strcmp(format_s, "text") == 0)
		json = false;
	else if (strcmp(format_s, "json") == 0)
		json = true;
	else {
		cli_error(cli, "--format must be text or json, not '%s'", format_s);
		return EX_USAGE;
	}
	if (!cli_load(cli))
		return EX_CONFIG;
	/* A status never makes a data directory: a missing one is an answer. */
	db = g_build_filename(cli->config->data_dir, "dispo.db", NULL);
	if (!g_file_test(db, G_FILE_TEST_EXISTS)) {
		cli_error(cli, "no store at %s: dispo has not run with this configuration", db);
		return 2;
	}
	if ((rc = cli_start(cli, &store)) != EX_OK)
		return rc;
	s.now = cli->now;
	s.tz = cli->config->tz;
	s.problems = g_ptr_array_new_with_free_func(g_free);
	s.overdue_steps = g_ptr_array_new_with_free_func(g_free);
	s.imap_configured = cli->config->imap_url != NULL;
	if (!read_key(store, "pid", &s.pid, &e) || !read_key(store, "heartbeat", &s.heartbeat, &e) ||
	    !read_key(store, "stopped", &s.stopped, &e) || !read_key(store, "imap", &s.imap, &e) ||
	    !read_key(store, "imap_error", &s.imap_error, &e) ||
	    !read_key(store, "imap_account", &s.imap_account, &e) ||
	    !read_key(store, "last_message", &s.last_message, &e) ||
	    !read_key(store, "reload", &s.reload, &e) ||
	    !store_health(store, s.now - RECENT_S, &s.h, &e)) {
		cli_error(cli, "%s", e->message);
		status_clear(&s);
		return cli_exit_code(e);
	}
	judge_daemon(&s);
	judge_imap(&s);
	judge_rest(&s);
	count_overdue(cli, store, &s);
	if (json)
		print_json(&s);
	else
		print_text(&s);
	rc = (int)s.level;
	status_clear(&s);
	return rc;
}
