/* SPDX-License-Identifier: GPL-3.0-or-later */
/* imap.c: the IMAP client dispo serve reads the office's mailbox with, the
 * only file that includes libetpan. libetpan does the protocol; the
 * server's certificate chain and name are verified here with GnuTLS before
 * a password is sent, because libetpan accepts any certificate. */
#include "config.h"

#include "ingest/ingest.h"

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <libetpan/libetpan.h>
#include <string.h>

/* clang-format off */
G_DEFINE_QUARK(dispo-imap-error-quark, dispo_imap_error)
/* clang-format on */

struct dispo_imap {
	mailimap *session;
	char *host;
	char *account; /* user@host */
	char *selected;
	bool idle, move, uidplus;
	bool idling;
};

/* ---- errors ---------------------------------------------------------------- */

static bool fail(GError **error, int code, const char *fmt, ...) G_GNUC_PRINTF(3, 4);
static bool
fail(GError **error, int code, const char *fmt, ...)
{
	va_list ap;
	g_autofree char *msg = NULL;

	va_start(ap, fmt);
	msg = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	g_set_error_literal(error, DISPO_IMAP_ERROR, code, msg);
	return false;
}

/* The server's own words for a NO or BAD, cleaned: hostile text must not
 * carry control characters into a log line. */
static char *
server_text(const dispo_imap *imap)
{
	const char *r = imap->session ? imap->session->imap_response : NULL;
	GString *s = g_string_new(NULL);

	for (const char *p = r ? r : ""; *p && s->len < 200; p++)
		g_string_append_c(s, (unsigned char)*p < 0x20 || *p == 0x7f ? ' ' : *p);
	return g_string_free(s, FALSE);
}

/* A libetpan result as an error: a broken stream or an unreadable reply
 * means the connection is lost (reconnect); a NO or BAD leaves it usable. */
static bool
check(dispo_imap *imap, int rc, const char *what, GError **error)
{
	g_autofree char *said = NULL;

	if (rc == MAILIMAP_NO_ERROR || rc == MAILIMAP_NO_ERROR_AUTHENTICATED ||
	    rc == MAILIMAP_NO_ERROR_NON_AUTHENTICATED)
		return true;
	said = server_text(imap);
	switch (rc) {
	case MAILIMAP_ERROR_STREAM:
	case MAILIMAP_ERROR_PARSE:
	case MAILIMAP_ERROR_CONNECTION_REFUSED:
	case MAILIMAP_ERROR_MEMORY:
	case MAILIMAP_ERROR_FATAL:
	case MAILIMAP_ERROR_BAD_STATE:
	case MAILIMAP_ERROR_DONT_ACCEPT_CONNECTION:
		return fail(error, DISPO_IMAP_ERROR_CONNECT,
		            "%s: the connection to %s was lost or "
		            "timed out (libetpan error %d)",
		            what, imap->host, rc);
	case MAILIMAP_ERROR_LOGIN:
	case MAILIMAP_ERROR_SASL:
		return fail(error, DISPO_IMAP_ERROR_LOGIN, "%s refused the login%s%s", imap->host,
		            *said ? ": " : "", said);
	default:
		return fail(error, DISPO_IMAP_ERROR_PROTOCOL, "%s failed%s%s", what,
		            *said ? ": " : "", said);
	}
}

/* ---- the URL --------------------------------------------------------------- */

/* imaps://HOST[:PORT] or imap://HOST[:PORT], nothing else: no user, path
 * or query, which dispo.conf has keys for. */
static bool
url_parse(const char *url, char **host, uint16_t *port, bool *implicit, GError **error)
{
	g_autoptr(GUri) u = g_uri_parse(url, G_URI_FLAGS_NONE, NULL);
	const char *scheme = u ? g_uri_get_scheme(u) : NULL;
	const char *path = u ? g_uri_get_path(u) : NULL;

	if (!u || !scheme || (strcmp(scheme, "imaps") != 0 && strcmp(scheme, "imap") != 0) ||
	    !g_uri_get_host(u) || !*g_uri_get_host(u) || g_uri_get_userinfo(u) ||
	    g_uri_get_query(u) || (path && *path && strcmp(path, "/") != 0))
		return fail(error, DISPO_IMAP_ERROR_CONFIG,
		            "[imap] url %s: must be imaps://HOST[:PORT] or imap://HOST[:PORT]",
		            url);
	*implicit = strcmp(scheme, "imaps") == 0;
	*port = g_uri_get_port(u) > 0 ? (uint16_t)g_uri_get_port(u) : *implicit ? 993 : 143;
	*host = g_strdup(g_uri_get_host(u));
	return true;
}

/* ---- the certificate ---------------------------------------------------------- */

/* The chain the server sent, leaf first, against ca_file (or the system's
 * store), and the leaf against the host name or address dispo asked for. */
static bool
cert_verify(dispo_imap *imap, const char *ca_file, GError **error)
{
	carray *chain = mailstream_get_certificate_chain(imap->session->imap_stream);
	gnutls_x509_trust_list_t trust = NULL;
	gnutls_x509_crt_t *crts = NULL;
	unsigned n = chain ? carray_count(chain) : 0, status = 0;
	bool ok = false;
	int rc;

	if (n == 0) {
		fail(error, DISPO_IMAP_ERROR_TLS, "%s sent no certificate", imap->host);
		goto out;
	}
	crts = g_new0(gnutls_x509_crt_t, n);
	for (unsigned i = 0; i < n; i++) {
		MMAPString *der = carray_get(chain, i);
		gnutls_datum_t d = {(unsigned char *)der->str, (unsigned)der->len};
		if (gnutls_x509_crt_init(&crts[i]) < 0 ||
		    gnutls_x509_crt_import(crts[i], &d, GNUTLS_X509_FMT_DER) < 0) {
			fail(error, DISPO_IMAP_ERROR_TLS, "%s sent a certificate dispo cannot read",
			     imap->host);
			goto out;
		}
	}
	rc = gnutls_x509_trust_list_init(&trust, 0);
	if (rc >= 0)
		rc = ca_file ? gnutls_x509_trust_list_add_trust_file(trust, ca_file, NULL,
		                                                     GNUTLS_X509_FMT_PEM, 0, 0)
		             : gnutls_x509_trust_list_add_system_trust(trust, 0, 0);
	if (rc <= 0) {
		fail(error, DISPO_IMAP_ERROR_CONFIG, "no trusted certificates read from %s%s%s",
		     ca_file ? ca_file : "the system's store", rc < 0 ? ": " : "",
		     rc < 0 ? gnutls_strerror(rc) : "");
		goto out;
	}
	/* A certificate named in ca_file is trusted as it is, self-signed or
	 * not (GNUTLS_VERIFY_ALLOW_BROKEN is not given: weak signatures stay
	 * refused). */
	rc = gnutls_x509_trust_list_verify_crt(trust, crts, n, 0, &status, NULL);
	if (rc < 0 || status != 0) {
		gnutls_datum_t why = {NULL, 0};
		if (rc >= 0)
			gnutls_certificate_verification_status_print(status, GNUTLS_CRT_X509, &why,
			                                             0);
		fail(error, DISPO_IMAP_ERROR_TLS,
		     "the certificate of %s is not trusted (%s): name its CA, or the certificate "
		     "itself, in [imap] ca_file",
		     imap->host,
		     rc < 0     ? gnutls_strerror(rc)
		     : why.data ? (const char *)why.data
		                : "not trusted");
		gnutls_free(why.data);
		goto out;
	}
	if (!gnutls_x509_crt_check_hostname2(crts[0], imap->host, 0)) {
		fail(error, DISPO_IMAP_ERROR_TLS,
		     "the certificate of %s is for another name: use the name it carries in [imap] "
		     "url",
		     imap->host);
		goto out;
	}
	ok = true;
out:
	for (unsigned i = 0; crts && i < n; i++)
		if (crts[i])
			gnutls_x509_crt_deinit(crts[i]);
	g_free(crts);
	if (trust)
		gnutls_x509_trust_list_deinit(trust, 1);
	if (chain) {
		for (unsigned i = 0; i < n; i++)
			mmap_string_free(carray_get(chain, i));
		carray_free(chain);
	}
	return ok;
}

/* ---- folder names: modified UTF-7 (RFC 3501 5.1.3) ------------------------- */

char *
ingest_imap_folder_encode(const char *utf8)
{
	static const char b64[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,";
	GString *out = g_string_new(NULL);
	const char *p = utf8;

	while (*p) {
		gunichar c = g_utf8_get_char(p);
		if (c >= 0x20 && c <= 0x7e) {
			g_string_append(out, c == '&' ? "&-" : (char[]){(char)c, 0});
			p = g_utf8_next_char(p);
			continue;
		}
		/* A run of other characters: UTF-16BE in base64 with ',' for '/'. */
		{
			GString *run = g_string_new(NULL);
			guint32 bits = 0;
			int nbits = 0;
			while (*p && !((c = g_utf8_get_char(p)) >= 0x20 && c <= 0x7e)) {
				gunichar2 *u16 = g_ucs4_to_utf16(&c, 1, NULL, NULL, NULL);
				for (gunichar2 *u = u16; u && *u; u++) {
					g_string_append_c(run, (char)(*u >> 8));
					g_string_append_c(run, (char)(*u & 0xff));
				}
				g_free(u16);
				p = g_utf8_next_char(p);
			}
			g_string_append_c(out, '&');
			for (gsize i = 0; i < run->len; i++) {
				bits = (bits << 8) | (unsigned char)run->str[i];
				nbits += 8;
				while (nbits >= 6) {
					nbits -= 6;
					g_string_append_c(out, b64[(bits >> nbits) & 0x3f]);
				}
			}
			if (nbits)
				g_string_append_c(out, b64[(bits << (6 - nbits)) & 0x3f]);
			g_string_append_c(out, '-');
			g_string_free(run, TRUE);
		}
	}
	return g_string_free(out, FALSE);
}

/* ---- connecting ---------------------------------------------------------------- */

static void
capabilities_read(dispo_imap *imap)
{
	imap->idle = mailimap_has_idle(imap->session) != 0;
	imap->move = mailimap_has_extension(imap->session, "MOVE") != 0;
	imap->uidplus = mailimap_has_uidplus(imap->session) != 0;
}

dispo_imap *
ingest_imap_connect(const dispo_imap_options *o, GError **error)
{
	g_autoptr(dispo_imap) imap = g_new0(dispo_imap, 1);
	char *user = NULL, *password = NULL;
	g_autoptr(GError) e = NULL;
	uint16_t port = 0;
	bool implicit = false;
	time_t timeout = (time_t)MAX(1, o->timeout_ms / 1000);
	int rc;
	bool ok;

	if (!url_parse(o->url, &imap->host, &port, &implicit, error))
		return NULL;
	if (!dispo_credentials_read(o->credentials_file, "IMAP", o->user == NULL, &user, &password,
	                            &e)) {
		fail(error, DISPO_IMAP_ERROR_CONFIG, "%s", e->message);
		return NULL;
	}
	if (o->user) {
		dispo_secret_free(user);
		user = g_strdup(o->user);
	}
	imap->account = g_strdup_printf("%s@%s", user, imap->host);
	imap->session = mailimap_new(0, NULL);
	mailimap_set_timeout(imap->session, timeout);
	/* libetpan's reads wait this long for the server; the default is
	 * five minutes. */
	mailstream_network_delay.tv_sec = timeout;
	mailstream_network_delay.tv_usec = 0;
	rc = implicit ? mailimap_ssl_connect(imap->session, imap->host, port)
	              : mailimap_socket_connect(imap->session, imap->host, port);
	if (rc != MAILIMAP_NO_ERROR_NON_AUTHENTICATED && rc != MAILIMAP_NO_ERROR_AUTHENTICATED &&
	    rc != MAILIMAP_NO_ERROR) {
		fail(error, DISPO_IMAP_ERROR_CONNECT,
		     "cannot connect to %s port %u%s (libetpan error %d)", imap->host, port,
		     implicit ? " with TLS" : "", rc);
		goto fail;
	}
	if (!implicit) {
		/* The greeting's capabilities may be stale; ask. */
		struct mailimap_capability_data *cap = NULL;
		if (!check(imap, mailimap_capability(imap->session, &cap), "CAPABILITY", error))
			goto fail;
		mailimap_capability_data_free(cap);
		if (mailimap_has_extension(imap->session, "STARTTLS")) {
			if (!check(imap, mailimap_socket_starttls(imap->session), "STARTTLS",
			           error))
				goto fail;
			implicit = true; /* the stream is TLS now */
		} else if (o->starttls) {
			fail(error, DISPO_IMAP_ERROR_TLS,
			     "%s offers no STARTTLS: dispo does not log in unencrypted (use "
			     "imaps:// "
			     "or, for a server on this host only, [imap] starttls = false)",
			     imap->host);
			goto fail;
		}
	}
	if (implicit && o->verify && !cert_verify(imap, o->ca_file, error))
		goto fail;
	rc = mailimap_login(imap->session, user, password);
	if (!check(imap, rc, "LOGIN", error)) {
		if (rc != MAILIMAP_ERROR_STREAM && rc != MAILIMAP_ERROR_PARSE)
			g_prefix_error(error, "as %s: ", user);
		goto fail;
	}
	{
		struct mailimap_capability_data *cap = NULL;
		if (!check(imap, mailimap_capability(imap->session, &cap), "CAPABILITY", error))
			goto fail;
		mailimap_capability_data_free(cap);
	}
	capabilities_read(imap);
	ok = true;
	goto out;
fail:
	ok = false;
out:
	dispo_secret_free(user);
	dispo_secret_free(password);
	return ok ? g_steal_pointer(&imap) : NULL;
}

void
ingest_imap_free(dispo_imap *imap)
{
	if (!imap)
		return;
	if (imap->session)
		mailimap_free(imap->session);
	g_free(imap->host);
	g_free(imap->account);
	g_free(imap->selected);
	g_free(imap);
}

void
ingest_imap_logout(dispo_imap *imap)
{
	if (!imap)
		return;
	if (imap->session && !imap->idling)
		mailimap_logout(imap->session);
	ingest_imap_free(imap);
}

const char *
ingest_imap_account(const dispo_imap *imap)
{
	return imap->account;
}

bool
ingest_imap_has_idle(const dispo_imap *imap)
{
	return imap->idle;
}

bool
ingest_imap_has_move(const dispo_imap *imap)
{
	return imap->move;
}

/* ---- the mailbox ---------------------------------------------------------------- */

bool
ingest_imap_select(dispo_imap *imap, const char *mailbox, uint32_t *uidvalidity, uint32_t *uidnext,
                   GError **error)
{
	g_autofree char *name = ingest_imap_folder_encode(mailbox);
	struct mailimap_selection_info *sel;

	if (!check(imap, mailimap_select(imap->session, name), "SELECT", error)) {
		g_prefix_error(error, "%s: ", mailbox);
		return false;
	}
	sel = imap->session->imap_selection_info;
	if (!sel || sel->sel_uidvalidity == 0)
		return fail(error, DISPO_IMAP_ERROR_PROTOCOL,
		            "%s: the server gave no UIDVALIDITY: dispo cannot keep its place",
		            mailbox);
	*uidvalidity = sel->sel_uidvalidity;
	*uidnext = sel->sel_uidnext;
	g_free(imap->selected);
	imap->selected = g_strdup(mailbox);
	return true;
}

static int
uint_compare(gconstpointer a, gconstpointer b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

GArray *
ingest_imap_uids(dispo_imap *imap, uint32_t after, GError **error)
{
	struct mailimap_search_key *key = mailimap_search_key_new_multiple_empty();
	struct mailimap_search_key *undeleted =
	    mailimap_search_key_new(MAILIMAP_SEARCH_KEY_UNDELETED, NULL, NULL, NULL, NULL, NULL,
	                            NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL,
	                            NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL);
	clist *result = NULL;
	GArray *uids;
	int rc;

	mailimap_search_key_multiple_add(
	    key, mailimap_search_key_new_uid(mailimap_set_new_interval(after + 1, 0)));
	mailimap_search_key_multiple_add(key, undeleted);
	rc = mailimap_uid_search(imap->session, NULL, key, &result);
	mailimap_search_key_free(key);
	if (!check(imap, rc, "UID SEARCH", error))
		return NULL;
	uids = g_array_new(false, false, sizeof(uint32_t));
	for (clistiter *i = clist_begin(result); i; i = clist_next(i)) {
		uint32_t *uid = clist_content(i);
		/* "n:*" matches the highest UID even when it is below n. */
		if (uid && *uid > after)
			g_array_append_val(uids, *uid);
	}
	mailimap_search_result_free(result);
	g_array_sort(uids, uint_compare);
	return uids;
}

/* One UID FETCH of one attribute; the static item is handed to fn. */
typedef bool (*fetch_item_fn)(const struct mailimap_msg_att_static *att, void *user,
                              GError **error);

static bool
fetch_one(dispo_imap *imap, uint32_t uid, struct mailimap_fetch_att *att, int want,
          fetch_item_fn fn, void *user, GError **error)
{
	struct mailimap_set *set = mailimap_set_new_single(uid);
	struct mailimap_fetch_type *type = mailimap_fetch_type_new_fetch_att_list_empty();
	clist *result = NULL;
	bool found = false, ok = true;
	int rc;

	mailimap_fetch_type_new_fetch_att_list_add(type, mailimap_fetch_att_new_uid());
	mailimap_fetch_type_new_fetch_att_list_add(type, att);
	rc = mailimap_uid_fetch(imap->session, set, type, &result);
	mailimap_fetch_type_free(type);
	mailimap_set_free(set);
	if (!check(imap, rc, "UID FETCH", error))
		return false;
	for (clistiter *i = clist_begin(result); i && ok && !found; i = clist_next(i)) {
		struct mailimap_msg_att *ma = clist_content(i);
		const struct mailimap_msg_att_static *hit = NULL;
		uint32_t got = 0;
		for (clistiter *j = clist_begin(ma->att_list); j; j = clist_next(j)) {
			struct mailimap_msg_att_item *it = clist_content(j);
			if (it->att_type != MAILIMAP_MSG_ATT_ITEM_STATIC)
				continue;
			if (it->att_data.att_static->att_type == MAILIMAP_MSG_ATT_UID)
				got = it->att_data.att_static->att_data.att_uid;
			else if (it->att_data.att_static->att_type == want)
				hit = it->att_data.att_static;
		}
		/* Servers send unsolicited FETCH responses (flag changes) too. */
		if (got == uid && hit) {
			found = true;
			ok = fn(hit, user, error);
		}
	}
	mailimap_fetch_list_free(result);
	if (ok && !found)
		return fail(error, DISPO_IMAP_ERROR_PROTOCOL, "UID %u is no longer in %s", uid,
		            imap->selected ? imap->selected : "the mailbox");
	return ok;
}

static bool
size_item(const struct mailimap_msg_att_static *att, void *user, GError **error)
{
	(void)error;
	*(uint64_t *)user = att->att_data.att_rfc822_size;
	return true;
}

bool
ingest_imap_size(dispo_imap *imap, uint32_t uid, uint64_t *size, GError **error)
{
	return fetch_one(imap, uid, mailimap_fetch_att_new_rfc822_size(),
	                 MAILIMAP_MSG_ATT_RFC822_SIZE, size_item, size, error);
}

typedef struct piece {
	dispo_imap_chunk_fn fn;
	void *user;
	size_t got;
} piece;

static bool
piece_item(const struct mailimap_msg_att_static *att, void *user, GError **error)
{
	piece *p = user;
	const struct mailimap_msg_att_body_section *s = att->att_data.att_body_section;

	p->got = s && s->sec_body_part ? s->sec_length : 0;
	return p->got == 0 || p->fn(s->sec_body_part, s->sec_length, p->user, error);
}

bool
ingest_imap_fetch(dispo_imap *imap, uint32_t uid, size_t chunk, dispo_imap_chunk_fn fn, void *user,
                  GError **error)
{
	piece p = {fn, user, 0};
	uint64_t offset = 0;

	chunk = MAX(chunk, 1024);
	/* BODY.PEEK[]<offset.chunk> until a short piece: never the whole
	 * message in memory, and \Seen is left alone. */
	do {
		struct mailimap_section *section = mailimap_section_new(NULL);
		struct mailimap_fetch_att *att = mailimap_fetch_att_new_body_peek_section_partial(
		    section, (uint32_t)offset, (uint32_t)chunk);
		if (offset > UINT32_MAX - chunk)
			return fail(error, DISPO_IMAP_ERROR_PROTOCOL, "UID %u is larger than 4 GB",
			            uid);
		if (!fetch_one(imap, uid, att, MAILIMAP_MSG_ATT_BODY_SECTION, piece_item, &p,
		               error))
			return false;
		offset += p.got;
	} while (p.got == chunk);
	return true;
}

/* UID STORE +FLAGS.SILENT (flag). */
static bool
store_flag(dispo_imap *imap, uint32_t uid, struct mailimap_flag *flag, GError **error)
{
	struct mailimap_flag_list *flags = mailimap_flag_list_new_empty();
	struct mailimap_store_att_flags *att;
	struct mailimap_set *set = mailimap_set_new_single(uid);
	int rc;

	mailimap_flag_list_add(flags, flag);
	att = mailimap_store_att_flags_new_add_flags_silent(flags);
	rc = mailimap_uid_store(imap->session, set, att);
	mailimap_store_att_flags_free(att);
	mailimap_set_free(set);
	return check(imap, rc, "UID STORE", error);
}

/* CREATE, where "already exists" (a NO) is what we wanted anyway. */
static bool
folder_create(dispo_imap *imap, const char *name, GError **error)
{
	int rc = mailimap_create(imap->session, name);

	if (rc == MAILIMAP_ERROR_CREATE)
		return true;
	return check(imap, rc, "CREATE", error);
}

static int
copy_or_move(dispo_imap *imap, uint32_t uid, const char *name)
{
	struct mailimap_set *set = mailimap_set_new_single(uid);
	int rc = imap->move ? mailimap_uid_move(imap->session, set, name)
	                    : mailimap_uid_copy(imap->session, set, name);

	mailimap_set_free(set);
	return rc;
}

bool
ingest_imap_finish(dispo_imap *imap, uint32_t uid, const char *folder, GError **error)
{
	g_autofree char *name = NULL;
	int rc;

	if (!folder)
		return store_flag(imap, uid, mailimap_flag_new_seen(), error);
	name = ingest_imap_folder_encode(folder);
	rc = copy_or_move(imap, uid, name);
	/* The folder does not exist yet (NO [TRYCREATE]): create it, once. */
	if (rc == MAILIMAP_ERROR_UID_MOVE || rc == MAILIMAP_ERROR_UID_COPY) {
		if (!folder_create(imap, name, error))
			return false;
		rc = copy_or_move(imap, uid, name);
	}
	if (!check(imap, rc, imap->move ? "UID MOVE" : "UID COPY", error))
		return false;
	if (imap->move)
		return true;
	/* Without MOVE: the copy is there; the original is marked seen and
	 * deleted, and expunged by UID so that no one else's \Deleted
	 * message goes with it. Without UIDPLUS there is no such EXPUNGE: the
	 * original stays, seen and deleted (a plain EXPUNGE would remove what
	 * another client marked). */
	if (!store_flag(imap, uid, mailimap_flag_new_seen(), error) ||
	    !store_flag(imap, uid, mailimap_flag_new_deleted(), error))
		return false;
	if (imap->uidplus) {
		struct mailimap_set *set = mailimap_set_new_single(uid);
		rc = mailimap_uid_expunge(imap->session, set);
		mailimap_set_free(set);
		return check(imap, rc, "UID EXPUNGE", error);
	}
	return true;
}

bool
ingest_imap_flag(dispo_imap *imap, uint32_t uid, GError **error)
{
	return store_flag(imap, uid, mailimap_flag_new_flagged(), error);
}

/* ---- IDLE ------------------------------------------------------------------------ */

bool
ingest_imap_idle_start(dispo_imap *imap, GError **error)
{
	if (!check(imap, mailimap_idle(imap->session), "IDLE", error))
		return false;
	imap->idling = true;
	return true;
}

int
ingest_imap_fd(const dispo_imap *imap)
{
	return mailimap_idle_get_fd(imap->session);
}

/* Whether the line (an untagged response in IDLE) says the mailbox
 * changed: "* 3 EXISTS", "* 2 EXPUNGE", "* 1 RECENT", "* 4 FETCH (…)". */
bool
ingest_imap_idle_line_changed(const char *line, size_t len)
{
	size_t i = 0;

	if (len < 2 || line[0] != '*' || line[1] != ' ')
		return false;
	i = 2;
	if (i >= len || !g_ascii_isdigit(line[i]))
		return false;
	while (i < len && g_ascii_isdigit(line[i]))
		i++;
	if (i >= len || line[i] != ' ')
		return false;
	i++;
	for (const char *const *w =
	         (const char *const[]){"EXISTS", "EXPUNGE", "RECENT", "FETCH", NULL};
	     *w; w++) {
		size_t n = strlen(*w);
		if (len - i >= n && g_ascii_strncasecmp(line + i, *w, n) == 0 &&
		    (len - i == n || line[i + n] == ' ' || line[i + n] == '\r' ||
		     line[i + n] == '\n'))
			return true;
	}
	return false;
}

/* Whether a read would not block: libetpan's buffer first (what it read
 * with IDLE's continuation never wakes a poll of the socket), then the
 * socket itself. */
static bool
readable(dispo_imap *imap)
{
	GPollFD p = {ingest_imap_fd(imap), G_IO_IN | G_IO_HUP | G_IO_ERR, 0};

	if (imap->session->imap_stream->read_buffer_len > 0)
		return true;
	return p.fd >= 0 && g_poll(&p, 1, 0) > 0;
}

bool
ingest_imap_idle_read(dispo_imap *imap, bool *changed, GError **error)
{
	*changed = false;
	/* At most a few hundred lines per wake-up: a server that floods
	 * cannot keep dispo here. */
	for (unsigned n = 0; n < 256 && readable(imap); n++) {
		char *line = mailimap_read_line(imap->session);
		if (!line)
			return fail(error, DISPO_IMAP_ERROR_CONNECT,
			            "the connection to %s closed during IDLE", imap->host);
		if (ingest_imap_idle_line_changed(line, strlen(line)))
			*changed = true;
		/* "* BYE": the server is going away; the next command fails
		 * and the caller reconnects. */
		if (g_str_has_prefix(line, "* BYE"))
			return fail(error, DISPO_IMAP_ERROR_CONNECT,
			            "%s ended the connection (BYE)", imap->host);
	}
	return true;
}

bool
ingest_imap_idle_done(dispo_imap *imap, GError **error)
{
	imap->idling = false;
	return check(imap, mailimap_idle_done(imap->session), "IDLE DONE", error);
}

bool
ingest_imap_noop(dispo_imap *imap, GError **error)
{
	return check(imap, mailimap_noop(imap->session), "NOOP", error);
}
