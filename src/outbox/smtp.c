/* SPDX-License-Identifier: GPL-3.0-or-later */
/* smtp.c: the outbox backend that hands each email to a real mail server
 * over SMTP with libcurl: TLS always (STARTTLS or from the start) unless the
 * configuration says otherwise, certificates verified, one connection kept
 * for a batch, and the server's answer sorted into retry or give up. */
#include "config.h"

#ifdef DISPO_SMTP_MODULE
/* Built into dispo-smtp.so, which dispo loads when it opens an SMTP outbox
 * (smtp-load.c): the entry points are named apart from the loader's, so
 * that neither binds to the other. */
#define outbox_smtp_new         outbox_smtp_module_new
#define outbox_credentials_read outbox_smtp_module_credentials_read
#endif

#include "outbox/outbox.h"

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifdef DISPO_SMTP_MODULE
DISPO_MODULE_VERSION;
#endif

/* What the conversation had reached when it failed: a 5xx to the
 * recipient or to the message is about this email; one to the greeting,
 * AUTH or MAIL FROM is about our set-up and is worth retrying once an
 * administrator fixed it. */
typedef enum {
	PHASE_SESSION,
	PHASE_RCPT,
	PHASE_DATA,
} smtp_phase;

typedef struct smtp_priv {
	CURL *curl;
	char *url;
	char *envelope_from;
	char *username;
	char *password;
	char *ca_file;
	char *login_options;
	bool implicit, starttls, verify;
	long timeout_ms;
	char errbuf[CURL_ERROR_SIZE];
	char reply[256]; /* the server's last line, printable */
	smtp_phase phase;
	bool quitting; /* after QUIT, the server's goodbye is not the answer */
	/* the message being uploaded */
	const char *data;
	size_t len, off;
} smtp_priv;

static size_t
smtp_read(char *buf, size_t size, size_t nmemb, void *user)
{
	smtp_priv *p = user;
	size_t n = MIN(size * nmemb, p->len - p->off);

	memcpy(buf, p->data + p->off, n);
	p->off += n;
	return n;
}

/* Keeps the server's last reply line (for the error a person reads) and
 * follows the commands we send. A hostile server's text is cut short and
 * stripped of control characters before it can reach a log or an email. */
static int
smtp_debug(CURL *curl, curl_infotype type, char *text, size_t len, void *user)
{
	smtp_priv *p = user;
	size_t n = 0;

	(void)curl;
	if (type == CURLINFO_HEADER_OUT) {
		if (len >= 4 && g_ascii_strncasecmp(text, "RCPT", 4) == 0)
			p->phase = PHASE_RCPT;
		else if (len >= 4 && g_ascii_strncasecmp(text, "DATA", 4) == 0)
			p->phase = PHASE_DATA;
		else if (len >= 4 && g_ascii_strncasecmp(text, "QUIT", 4) == 0)
			p->quitting = true;
		else if (len >= 4 && (g_ascii_strncasecmp(text, "MAIL", 4) == 0 ||
		                      g_ascii_strncasecmp(text, "AUTH", 4) == 0 ||
		                      g_ascii_strncasecmp(text, "EHLO", 4) == 0))
			p->phase = PHASE_SESSION;
		return 0;
	}
	if (type != CURLINFO_HEADER_IN || p->quitting)
		return 0;
	for (size_t i = 0; i < len && n + 1 < sizeof p->reply; i++) {
		unsigned char c = (unsigned char)text[i];
		if (c == '\r' || c == '\n')
			break;
		p->reply[n++] = c < 0x20 || c == 0x7f ? '?' : (char)c;
	}
	p->reply[n] = '\0';
	return 0;
}

/* The address in the message's From header: the envelope sender when the
 * configuration names none, so that bounces return to the office mailbox
 * that sent the email. */
static char *
from_address(const char *data, size_t len)
{
	const char *end = g_strstr_len(data, (gssize)len, "\r\n\r\n");
	const char *p = data;

	if (!end)
		return NULL;
	end += 2;
	while (p < end) {
		const char *eol = g_strstr_len(p, end - p, "\r\n");
		if (!eol)
			break;
		if (eol - p >= 5 && g_ascii_strncasecmp(p, "From:", 5) == 0) {
			/* the field with its folded continuation lines */
			GString *v = g_string_new_len(p + 5, eol - p - 5);
			const char *lt, *gt;
			while (eol + 2 < end && (eol[2] == ' ' || eol[2] == '\t')) {
				const char *next = g_strstr_len(eol + 2, end - eol - 2, "\r\n");
				if (!next)
					break;
				g_string_append_len(v, eol + 2, next - eol - 2);
				eol = next;
			}
			lt = strrchr(v->str, '<');
			gt = lt ? strchr(lt, '>') : NULL;
			if (lt && gt) {
				char *a = g_strndup(lt + 1, gt - lt - 1);
				g_string_free(v, true);
				return a;
			}
			return g_strstrip(g_string_free(v, false));
		}
		p = eol + 2;
	}
	return NULL;
}

static bool
smtp_fail(GError **error, dispo_outbox_error_code code, const char *what, const char *detail)
{
	g_set_error(error, DISPO_OUTBOX_ERROR, code, "%s%s%s", what, *detail ? ": " : "", detail);
	return false;
}

/* A fresh handle (and so a fresh connection) with every option set. */
static bool
smtp_handle_new(smtp_priv *p)
{
	if (!(p->curl = curl_easy_init()))
		return false;
	curl_easy_setopt(p->curl, CURLOPT_URL, p->url);
	curl_easy_setopt(p->curl, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	curl_easy_setopt(p->curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(p->curl, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(p->curl, CURLOPT_READFUNCTION, smtp_read);
	curl_easy_setopt(p->curl, CURLOPT_READDATA, p);
	curl_easy_setopt(p->curl, CURLOPT_ERRORBUFFER, p->errbuf);
	curl_easy_setopt(p->curl, CURLOPT_VERBOSE, 1L);
	curl_easy_setopt(p->curl, CURLOPT_DEBUGFUNCTION, smtp_debug);
	curl_easy_setopt(p->curl, CURLOPT_DEBUGDATA, p);
	curl_easy_setopt(p->curl, CURLOPT_USE_SSL,
	                 p->implicit || p->starttls ? (long)CURLUSESSL_ALL : (long)CURLUSESSL_NONE);
	curl_easy_setopt(p->curl, CURLOPT_SSL_VERIFYPEER, p->verify ? 1L : 0L);
	curl_easy_setopt(p->curl, CURLOPT_SSL_VERIFYHOST, p->verify ? 2L : 0L);
	if (p->ca_file)
		curl_easy_setopt(p->curl, CURLOPT_CAINFO, p->ca_file);
	if (p->username) {
		curl_easy_setopt(p->curl, CURLOPT_USERNAME, p->username);
		curl_easy_setopt(p->curl, CURLOPT_PASSWORD, p->password);
	}
	if (p->login_options)
		curl_easy_setopt(p->curl, CURLOPT_LOGIN_OPTIONS, p->login_options);
	/* A server that goes quiet (after DATA, say) is given up on after
	 * timeout; a slow but moving upload of a large scan is not. */
	curl_easy_setopt(p->curl, CURLOPT_CONNECTTIMEOUT_MS, p->timeout_ms);
	curl_easy_setopt(p->curl, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(p->curl, CURLOPT_LOW_SPEED_TIME, MAX(p->timeout_ms / 1000, 1L));
	/* The wait for a reply (after the final dot, say) is not a transfer:
	 * libcurl bounds it by this instead. */
	curl_easy_setopt(p->curl, CURLOPT_SERVER_RESPONSE_TIMEOUT, MAX(p->timeout_ms / 1000, 1L));
	return true;
}

static bool
smtp_deliver(dispo_outbox *outbox, const dispo_outbox_row *row, GBytes *message, GError **error)
{
	smtp_priv *p = outbox->priv;
	g_autofree char *from = NULL;
	g_autofree char *mail_from = NULL;
	g_auto(GStrv) to = outbox_row_recipients(row);
	struct curl_slist *rcpts = NULL;
	long code = 0;
	CURLcode rc;

	if (!p->curl && !smtp_handle_new(p))
		return smtp_fail(error, DISPO_OUTBOX_ERROR_TEMPORARY, "cannot start libcurl", "");
	p->data = g_bytes_get_data(message, &p->len);
	p->off = 0;
	from = g_strdup(p->envelope_from);
	if (!from)
		from = from_address(p->data, p->len);
	if (!from)
		return smtp_fail(error, DISPO_OUTBOX_ERROR_PERMANENT,
		                 "the email has no From address for the envelope", "");
	if (!outbox_address_check(from, error))
		return false;
	mail_from = g_strdup_printf("<%s>", from);
	/* Every recipient or none (no CURLOPT_MAIL_RCPT_ALLOWFAILS): libcurl
	 * would not say which one the server refused, and an email marked
	 * sent must have reached its To. */
	for (size_t i = 0; to[i]; i++) {
		g_autofree char *rcpt = g_strdup_printf("<%s>", to[i]);
		rcpts = curl_slist_append(rcpts, rcpt);
	}
	p->errbuf[0] = p->reply[0] = '\0';
	p->phase = PHASE_SESSION;
	p->quitting = false;
	curl_easy_setopt(p->curl, CURLOPT_MAIL_FROM, mail_from);
	curl_easy_setopt(p->curl, CURLOPT_MAIL_RCPT, rcpts);
	curl_easy_setopt(p->curl, CURLOPT_INFILESIZE_LARGE, (curl_off_t)p->len);
	/* And a cap on the whole: the timeout plus the message at 10 KB/s,
	 * within the row's lease (after it another sender may take the row). */
	curl_easy_setopt(
	    p->curl, CURLOPT_TIMEOUT_MS,
	    MIN(p->timeout_ms + (long)(p->len / 10), (DISPO_OUTBOX_LEASE - 60) * 1000L));
	rc = curl_easy_perform(p->curl);
	curl_easy_setopt(p->curl, CURLOPT_MAIL_RCPT, NULL);
	curl_slist_free_all(rcpts);
	if (rc == CURLE_OK)
		return true;
	curl_easy_getinfo(p->curl, CURLINFO_RESPONSE_CODE, &code);
	/* After a failure the connection may still owe an answer (a server
	 * that went quiet after the data): the next email gets a new one. */
	curl_easy_cleanup(p->curl);
	p->curl = NULL;
	{
		/* The server's words when they are its refusal; else libcurl's. */
		bool refusal = p->reply[0] == '4' || p->reply[0] == '5';
		const char *lib = *p->errbuf ? p->errbuf : curl_easy_strerror(rc);
		g_autofree char *detail =
		    refusal ? g_strdup_printf("%s (%s)", p->reply, lib) : g_strdup(lib);
		/* What fails every email alike is UNAVAILABLE: the other emails
		 * of this run wait without trying. 5.7.x to RCPT is one: it is
		 * about us (relaying refused: a lost login), not the recipient.
		 * So are no connection, no answer, our login refused, and 421
		 * (the server is closing). */
		if (code >= 500 && code < 600 && p->phase == PHASE_RCPT &&
		    g_str_has_prefix(p->reply + MIN(strlen(p->reply), 4), "5.7."))
			return smtp_fail(
			    error, DISPO_OUTBOX_ERROR_UNAVAILABLE,
			    "the server will not take email from dispo (check the SMTP "
			    "login in [smtp] credentials_file)",
			    detail);
		if (code >= 500 && code < 600 && p->phase != PHASE_SESSION)
			return smtp_fail(error, DISPO_OUTBOX_ERROR_PERMANENT,
			                 p->phase == PHASE_RCPT ? "the server refused the recipient"
			                                        : "the server refused the email",
			                 detail);
		if (rc == CURLE_OPERATION_TIMEDOUT)
			return smtp_fail(error, DISPO_OUTBOX_ERROR_UNAVAILABLE,
			                 "the server did not answer in time", detail);
		if (rc == CURLE_COULDNT_CONNECT || rc == CURLE_COULDNT_RESOLVE_HOST)
			return smtp_fail(error, DISPO_OUTBOX_ERROR_UNAVAILABLE,
			                 "cannot connect to the mail server", detail);
		if (rc == CURLE_PEER_FAILED_VERIFICATION || rc == CURLE_SSL_CACERT_BADFILE ||
		    rc == CURLE_SSL_CONNECT_ERROR || rc == CURLE_USE_SSL_FAILED)
			return smtp_fail(error, DISPO_OUTBOX_ERROR_UNAVAILABLE,
			                 "no trusted TLS connection to the mail server", detail);
		if (rc == CURLE_LOGIN_DENIED)
			return smtp_fail(error, DISPO_OUTBOX_ERROR_UNAVAILABLE,
			                 "the mail server refused dispo's login", detail);
		if (refusal && (g_str_has_prefix(p->reply, "421") || p->phase == PHASE_SESSION))
			return smtp_fail(error, DISPO_OUTBOX_ERROR_UNAVAILABLE, "sending failed",
			                 detail);
		return smtp_fail(error, DISPO_OUTBOX_ERROR_TEMPORARY, "sending failed", detail);
	}
}

static void
smtp_free(dispo_outbox *outbox)
{
	smtp_priv *p = outbox->priv;

	if (!p)
		return;
	if (p->curl)
		curl_easy_cleanup(p->curl);
	g_free(p->url);
	g_free(p->envelope_from);
	dispo_secret_free(p->username);
	dispo_secret_free(p->password);
	g_free(p->ca_file);
	g_free(p->login_options);
	g_free(p);
}

static const dispo_outbox_backend smtp_backend = {"smtp", smtp_deliver, smtp_free};

bool
outbox_credentials_read(const char *path, char **username, char **password, GError **error)
{
	g_autoptr(GError) e = NULL;

	if (dispo_credentials_read(path, "SMTP", true, username, password, &e))
		return true;
	g_set_error_literal(error, DISPO_OUTBOX_ERROR, DISPO_OUTBOX_ERROR_PERMANENT, e->message);
	return false;
}

dispo_outbox *
outbox_smtp_new(const dispo_smtp_options *o, GError **error)
{
	g_autoptr(dispo_outbox) outbox = g_new0(dispo_outbox, 1);
	smtp_priv *p = g_new0(smtp_priv, 1);
	bool implicit = g_str_has_prefix(o->url, "smtps://");

	outbox->backend = &smtp_backend;
	outbox->priv = p;
	if (!implicit && !g_str_has_prefix(o->url, "smtp://")) {
		g_set_error(error, DISPO_OUTBOX_ERROR, DISPO_OUTBOX_ERROR_PERMANENT,
		            "the SMTP url must begin with smtp:// or smtps://: %s", o->url);
		return NULL;
	}
	if (o->envelope_from && !outbox_address_check(o->envelope_from, error))
		return NULL;
	if (o->credentials_file &&
	    !outbox_credentials_read(o->credentials_file, &p->username, &p->password, error))
		return NULL;
	if (p->username && !implicit && !o->starttls) {
		g_set_error(error, DISPO_OUTBOX_ERROR, DISPO_OUTBOX_ERROR_PERMANENT,
		            "refusing to send the SMTP password unencrypted: use smtps:// or "
		            "starttls = true");
		return NULL;
	}
	p->url = g_strdup(o->url);
	p->envelope_from = g_strdup(o->envelope_from);
	p->ca_file = g_strdup(o->ca_file);
	p->implicit = implicit;
	p->starttls = o->starttls;
	p->verify = o->verify;
	p->timeout_ms = (long)MAX(o->timeout_ms, 1000);
	if (o->auth && g_ascii_strcasecmp(o->auth, "ANY") != 0)
		p->login_options = g_strdup_printf("AUTH=%s", o->auth);
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK || !smtp_handle_new(p)) {
		g_set_error(error, DISPO_OUTBOX_ERROR, DISPO_OUTBOX_ERROR_TEMPORARY,
		            "cannot start libcurl");
		return NULL;
	}
	return g_steal_pointer(&outbox);
}
