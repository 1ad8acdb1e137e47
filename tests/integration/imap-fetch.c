/* SPDX-License-Identifier: GPL-3.0-or-later */
/* imap-fetch: the integration tests' IMAP client (libetpan), which counts a
 * mailbox's messages and writes each one to DIR/<uid>.eml.
 *
 * libetpan itself never verifies the server's certificate: it completes the
 * TLS handshake with whatever the server presents. With --cafile this tool
 * takes the peer certificate libetpan exposes (DER, the leaf only: libetpan
 * does not hand out the chain, so the CA must sign the leaf directly) and
 * checks it with GnuTLS, which libetpan is built on, against the CA file and
 * --host, before the password is sent.
 *
 * Exit status: 0 done, 1 connection, login or protocol failure, 2 usage,
 * 3 the certificate did not verify. */

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <libetpan/libetpan.h>

enum { EXIT_FAIL = 1, EXIT_USAGE = 2, EXIT_CERT = 3 };

#define FETCH_ERROR g_quark_from_static_string("imap-fetch")

typedef struct {
	char *host;
	int port;
	gboolean ssl;
	gboolean starttls;
	char *cafile;
	char *user;
	char *password;
	char *mailbox;
	gboolean count;
	char *out;
} fetch_options;

/* Checks the server's leaf certificate against the CA file and the host
 * name or IP address the client asked for. */
static bool
fetch_cert_verify(mailstream *stream, const char *cafile, const char *host, GError **error)
{
	unsigned char *der = NULL;
	ssize_t len = mailstream_ssl_get_certificate(stream, &der);
	if (len <= 0 || der == NULL) {
		g_set_error(error, FETCH_ERROR, 1, "the server sent no certificate");
		return false;
	}

	gnutls_x509_trust_list_t trust = NULL;
	gnutls_x509_crt_t crt = NULL;
	bool ok = false;
	int rc = gnutls_x509_trust_list_init(&trust, 0);
	if (rc >= 0)
		rc = gnutls_x509_trust_list_add_trust_file(trust, cafile, NULL, GNUTLS_X509_FMT_PEM,
		                                           0, 0);
	if (rc <= 0) {
		g_set_error(error, FETCH_ERROR, 1, "%s: no CA certificate read (%s)", cafile,
		            rc < 0 ? gnutls_strerror(rc) : "empty");
		goto out;
	}
	gnutls_datum_t datum = {der, (unsigned)len};
	rc = gnutls_x509_crt_init(&crt);
	if (rc >= 0)
		rc = gnutls_x509_crt_import(crt, &datum, GNUTLS_X509_FMT_DER);
	if (rc < 0) {
		g_set_error(error, FETCH_ERROR, 1, "bad server certificate: %s",
		            gnutls_strerror(rc));
		goto out;
	}
	unsigned status = 0;
	rc = gnutls_x509_trust_list_verify_crt(trust, &crt, 1, 0, &status, NULL);
	if (rc < 0 || status != 0) {
		gnutls_datum_t msg = {NULL, 0};
		if (rc >= 0)
			gnutls_certificate_verification_status_print(status, GNUTLS_CRT_X509, &msg,
			                                             0);
		g_set_error(error, FETCH_ERROR, 1, "server certificate not trusted by %s: %s",
		            cafile,
		            rc < 0     ? gnutls_strerror(rc)
		            : msg.data ? (char *)msg.data
		                       : "?");
		gnutls_free(msg.data);
		goto out;
	}
	/* check_hostname2 matches an IP address against the IP SANs. */
	if (!gnutls_x509_crt_check_hostname2(crt, host, 0)) {
		g_set_error(error, FETCH_ERROR, 1, "server certificate does not name %s", host);
		goto out;
	}
	ok = true;
out:
	if (crt != NULL)
		gnutls_x509_crt_deinit(crt);
	if (trust != NULL)
		gnutls_x509_trust_list_deinit(trust, 1);
	free(der);
	return ok;
}

static const char *
fetch_imap_reply(mailimap *imap)
{
	return imap->imap_response != NULL ? imap->imap_response : "(no reply text)";
}

static int
fetch_connect(mailimap *imap, const fetch_options *o)
{
	int rc;
	if (o->ssl)
		rc = mailimap_ssl_connect(imap, o->host, (uint16_t)o->port);
	else
		rc = mailimap_socket_connect(imap, o->host, (uint16_t)o->port);
	if (rc != MAILIMAP_NO_ERROR_AUTHENTICATED && rc != MAILIMAP_NO_ERROR_NON_AUTHENTICATED) {
		fprintf(stderr, "imap-fetch: cannot connect to %s:%d%s (libetpan error %d)\n",
		        o->host, o->port, o->ssl ? " with TLS" : "", rc);
		return EXIT_FAIL;
	}
	if (o->starttls) {
		rc = mailimap_socket_starttls(imap);
		if (rc != MAILIMAP_NO_ERROR) {
			fprintf(stderr, "imap-fetch: STARTTLS failed (libetpan error %d): %s\n", rc,
			        fetch_imap_reply(imap));
			return EXIT_FAIL;
		}
	}
	if (o->cafile != NULL) {
		g_autoptr(GError) err = NULL;
		if (!fetch_cert_verify(imap->imap_stream, o->cafile, o->host, &err)) {
			fprintf(stderr, "imap-fetch: %s\n", err->message);
			return EXIT_CERT;
		}
	}
	return 0;
}

/* Writes every message of the selected mailbox to DIR/<uid>.eml. */
static int
fetch_messages(mailimap *imap, const char *dir)
{
	if (g_mkdir_with_parents(dir, 0755) != 0) {
		fprintf(stderr, "imap-fetch: %s: %s\n", dir, g_strerror(errno));
		return EXIT_FAIL;
	}
	struct mailimap_set *set = mailimap_set_new_interval(1, 0);
	struct mailimap_fetch_type *type = mailimap_fetch_type_new_fetch_att_list_empty();
	mailimap_fetch_type_new_fetch_att_list_add(type, mailimap_fetch_att_new_uid());
	mailimap_fetch_type_new_fetch_att_list_add(
	    type, mailimap_fetch_att_new_body_peek_section(mailimap_section_new(NULL)));
	clist *result = NULL;
	int rc = mailimap_fetch(imap, set, type, &result);
	mailimap_fetch_type_free(type);
	mailimap_set_free(set);
	if (rc != MAILIMAP_NO_ERROR) {
		fprintf(stderr, "imap-fetch: FETCH failed (libetpan error %d): %s\n", rc,
		        fetch_imap_reply(imap));
		return EXIT_FAIL;
	}
	int status = 0;
	for (clistiter *m = clist_begin(result); m != NULL; m = clist_next(m)) {
		struct mailimap_msg_att *att = clist_content(m);
		uint32_t uid = 0;
		const char *body = NULL;
		size_t len = 0;
		for (clistiter *i = clist_begin(att->att_list); i != NULL; i = clist_next(i)) {
			struct mailimap_msg_att_item *item = clist_content(i);
			if (item->att_type != MAILIMAP_MSG_ATT_ITEM_STATIC)
				continue;
			struct mailimap_msg_att_static *st = item->att_data.att_static;
			if (st->att_type == MAILIMAP_MSG_ATT_UID)
				uid = st->att_data.att_uid;
			else if (st->att_type == MAILIMAP_MSG_ATT_BODY_SECTION) {
				body = st->att_data.att_body_section->sec_body_part;
				len = st->att_data.att_body_section->sec_length;
			}
		}
		if (uid == 0 || body == NULL) {
			fprintf(stderr, "imap-fetch: message %u came without UID or body\n",
			        att->att_number);
			status = EXIT_FAIL;
			continue;
		}
		g_autofree char *path = g_strdup_printf("%s/%u.eml", dir, uid);
		g_autoptr(GError) err = NULL;
		if (!g_file_set_contents(path, body, (gssize)len, &err)) {
			fprintf(stderr, "imap-fetch: %s\n", err->message);
			status = EXIT_FAIL;
		}
	}
	mailimap_fetch_list_free(result);
	return status;
}

static int
fetch_run(const fetch_options *o)
{
	mailimap *imap = mailimap_new(0, NULL);
	if (imap == NULL)
		return EXIT_FAIL;
	int status = fetch_connect(imap, o);
	if (status != 0)
		goto out;
	int rc = mailimap_login(imap, o->user, o->password);
	if (rc != MAILIMAP_NO_ERROR) {
		fprintf(stderr, "imap-fetch: LOGIN %s failed: %s\n", o->user,
		        fetch_imap_reply(imap));
		status = EXIT_FAIL;
		goto out;
	}
	rc = mailimap_select(imap, o->mailbox);
	if (rc != MAILIMAP_NO_ERROR || imap->imap_selection_info == NULL) {
		fprintf(stderr, "imap-fetch: SELECT %s failed: %s\n", o->mailbox,
		        fetch_imap_reply(imap));
		status = EXIT_FAIL;
		goto out;
	}
	uint32_t exists = imap->imap_selection_info->sel_exists;
	if (o->count)
		printf("%u\n", exists);
	if (o->out != NULL && exists > 0)
		status = fetch_messages(imap, o->out);
	mailimap_logout(imap);
out:
	mailimap_free(imap);
	return status;
}

int
main(int argc, char **argv)
{
	fetch_options o = {.host = NULL, .port = 0};
	GOptionEntry entries[] = {
	    {"host", 0, 0, G_OPTION_ARG_STRING, &o.host, "server (default 127.0.0.1)", "HOST"},
	    {"port", 0, 0, G_OPTION_ARG_INT, &o.port, "server port", "N"},
	    {"ssl", 0, 0, G_OPTION_ARG_NONE, &o.ssl, "implicit TLS (imaps)", NULL},
	    {"starttls", 0, 0, G_OPTION_ARG_NONE, &o.starttls, "STARTTLS before login", NULL},
	    {"cafile", 0, 0, G_OPTION_ARG_FILENAME, &o.cafile,
	     "verify the server certificate against this CA (PEM) and --host", "FILE"},
	    {"user", 0, 0, G_OPTION_ARG_STRING, &o.user, "login name", "USER"},
	    {"password", 0, 0, G_OPTION_ARG_STRING, &o.password, "password", "PASSWORD"},
	    {"mailbox", 0, 0, G_OPTION_ARG_STRING, &o.mailbox, "mailbox (default INBOX)", "NAME"},
	    {"count", 0, 0, G_OPTION_ARG_NONE, &o.count, "print the number of messages", NULL},
	    {"out", 0, 0, G_OPTION_ARG_FILENAME, &o.out, "write each message to DIR/<uid>.eml",
	     "DIR"},
	    {NULL, 0, 0, 0, NULL, NULL, NULL}};
	g_autoptr(GOptionContext) ctx = g_option_context_new("- read a mailbox over IMAP");
	g_option_context_add_main_entries(ctx, entries, NULL);
	g_autoptr(GError) err = NULL;
	if (!g_option_context_parse(ctx, &argc, &argv, &err)) {
		fprintf(stderr, "imap-fetch: %s\n", err->message);
		return EXIT_USAGE;
	}
	if (o.host == NULL)
		o.host = g_strdup("127.0.0.1");
	if (o.mailbox == NULL)
		o.mailbox = g_strdup("INBOX");
	const char *problem = NULL;
	if (o.port <= 0 || o.port > 65535)
		problem = "--port N (1-65535) is required";
	else if (o.user == NULL || o.password == NULL)
		problem = "--user and --password are required";
	else if (o.ssl && o.starttls)
		problem = "--ssl and --starttls exclude each other";
	else if (o.cafile != NULL && !o.ssl && !o.starttls)
		problem = "--cafile needs --ssl or --starttls";
	else if (!o.count && o.out == NULL)
		problem = "nothing to do: give --count and/or --out DIR";
	if (problem != NULL) {
		fprintf(stderr, "imap-fetch: %s\n", problem);
		return EXIT_USAGE;
	}
	int status = fetch_run(&o);
	g_free(o.host);
	g_free(o.cafile);
	g_free(o.user);
	g_free(o.password);
	g_free(o.mailbox);
	g_free(o.out);
	return status;
}
