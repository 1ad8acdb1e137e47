/* SPDX-License-Identifier: GPL-3.0-or-later */
/* log.c: one way to say things to an administrator. Under systemd (the
 * journal is stderr: $JOURNAL_STREAM names it) each line carries the
 * syslog level as a "<N>" prefix, which journald turns into the entry's
 * priority; anywhere else (a terminal, an MTA's pipe, cron) a line reads
 * "dispo serve: warning: ...", as Postfix's do. GLib's and GMime's own
 * warnings come through here too, so no "(process:123): GLib-WARNING **"
 * lands in a mail server's log. Control characters in a message (a
 * hostile Subject, a server's error text) are escaped: one event, one
 * line. */
#include "config.h"

#include "lib/lib.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

static char *log_ident;
static int log_fd = STDERR_FILENO;
static bool log_journal;
static bool log_debug;
static bool log_writer_set;

bool
dispo_log_journal_stream(const char *env, int fd)
{
	struct stat st;
	unsigned long long dev, ino;
	int used = 0;

	if (!env || sscanf(env, "%llu:%llu%n", &dev, &ino, &used) != 2 || env[used] != '\0')
		return false;
	if (fstat(fd, &st) != 0)
		return false;
	return (unsigned long long)st.st_dev == dev && (unsigned long long)st.st_ino == ino;
}

static const char *
level_word(int level)
{
	switch (level) {
	case LOG_EMERG:
	case LOG_ALERT:
	case LOG_CRIT:
		return "fatal: ";
	/* An error reads as a Unix command's does: "dispo import: cannot …". */
	case LOG_WARNING:
		return "warning: ";
	case LOG_DEBUG:
		return "debug: ";
	default:
		return "";
	}
}

char *
dispo_log_format(int level, const char *ident, const char *msg, bool journal)
{
	g_autofree char *valid = g_utf8_make_valid(msg ? msg : "", -1);
	GString *out = g_string_sized_new(strlen(valid) + 32);

	if (level < LOG_EMERG || level > LOG_DEBUG)
		level = LOG_ERR;
	/* The journal keeps the level as the entry's priority and the unit's
	 * name as its identifier: neither is repeated in the text. */
	if (journal) {
		g_string_append_printf(out, "<%d>", level);
	} else {
		if (ident && *ident)
			g_string_append_printf(out, "%s: ", ident);
		g_string_append(out, level_word(level));
	}
	for (const unsigned char *p = (const unsigned char *)valid; *p; p++) {
		if (*p == '\n')
			g_string_append(out, "\\n");
		else if (*p == '\r')
			g_string_append(out, "\\r");
		else if (*p == '\t')
			g_string_append_c(out, ' ');
		else if (*p < 0x20 || *p == 0x7f)
			g_string_append_printf(out, "\\x%02x", *p);
		else
			g_string_append_c(out, (char)*p);
	}
	g_string_append_c(out, '\n');
	return g_string_free(out, FALSE);
}

/* One write(2) per line, so that lines of processes sharing the stream
 * (deliver run by Postfix for several messages at once) never mix. */
static void
log_write(const char *line)
{
	size_t len = strlen(line), done = 0;

	while (done < len) {
		ssize_t n = write(log_fd, line + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		done += (size_t)n;
	}
}

void
dispo_logv(int level, const char *fmt, va_list ap)
{
	g_autofree char *msg = NULL;
	g_autofree char *line = NULL;

	if (level == LOG_DEBUG && !log_debug)
		return;
	msg = g_strdup_vprintf(fmt, ap);
	line = dispo_log_format(level, log_ident ? log_ident : "dispo", msg, log_journal);
	log_write(line);
}

void
dispo_log(int level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	dispo_logv(level, fmt, ap);
	va_end(ap);
}

bool
dispo_log_debugging(void)
{
	return log_debug;
}

static int
glib_level(GLogLevelFlags flags)
{
	if (flags & G_LOG_LEVEL_ERROR)
		return LOG_CRIT;
	if (flags & G_LOG_LEVEL_CRITICAL)
		return LOG_ERR;
	if (flags & G_LOG_LEVEL_WARNING)
		return LOG_WARNING;
	if (flags & G_LOG_LEVEL_MESSAGE)
		return LOG_NOTICE;
	if (flags & G_LOG_LEVEL_INFO)
		return LOG_INFO;
	return LOG_DEBUG;
}

/* GLib's structured log writer: every g_warning, g_message or g_critical,
 * dispo's or a library's, becomes one of dispo's lines. A library's domain
 * (GLib, GMime) is named; dispo's own messages have none. */
static GLogWriterOutput
glib_writer(GLogLevelFlags flags, const GLogField *fields, gsize n_fields, gpointer user)
{
	const char *msg = NULL, *domain = NULL;

	(void)user;
	for (gsize i = 0; i < n_fields; i++) {
		if (strcmp(fields[i].key, "MESSAGE") == 0 && fields[i].length < 0)
			msg = fields[i].value;
		else if (strcmp(fields[i].key, "GLIB_DOMAIN") == 0 && fields[i].length < 0)
			domain = fields[i].value;
	}
	if (domain && *domain)
		dispo_log(glib_level(flags), "%s: %s", domain, msg ? msg : "(no message)");
	else
		dispo_log(glib_level(flags), "%s", msg ? msg : "(no message)");
	return G_LOG_WRITER_HANDLED;
}

void
dispo_log_init(const char *ident)
{
	const char *dbg = getenv("DISPO_DEBUG");

	g_free(log_ident);
	log_ident = g_strdup(ident);
	log_fd = STDERR_FILENO;
	log_journal = dispo_log_journal_stream(getenv("JOURNAL_STREAM"), log_fd);
	log_debug = dbg && *dbg && strcmp(dbg, "0") != 0;
	/* GLib takes a writer once per process. */
	if (!log_writer_set) {
		g_log_set_writer_func(glib_writer, NULL, NULL);
		log_writer_set = true;
	}
}

void
dispo_log_set_fd(int fd, bool journal)
{
	log_fd = fd;
	log_journal = journal;
}
