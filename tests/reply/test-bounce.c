/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-bounce.c: bounce, report, auto-reply and list detection against the
 * shared sisimai corpus (every bounce found, nothing else called one, and
 * the recipients' statuses where sisimai knows them) and against our own
 * fixtures: Indonesian bounces, dispo's own bounced mail, out-of-office
 * replies, and people's mail that only looks like a bounce. */
#include "config.h"

#include "mime/mime.h"
#include "reply/reply.h"

#include "testutil.h"

static const dispo_limits limits = {.message_size = 64ULL << 20,
                                    .header_size = 64 << 10,
                                    .header_fields = 1000,
                                    .parts = 200,
                                    .depth = 16,
                                    .text_size = 1 << 20};

static dispo_mail *
parse(const char *path)
{
	GError *e = NULL;
	dispo_mail *m = mime_mail_parse_file(path, &limits, NULL, &e);

	if (!m)
		fail_msg("%s: %s", path, e->message);
	return m;
}

static bool
verbose(void)
{
	return g_getenv("DISPO_BOUNCE_VERBOSE") != NULL;
}

static char *
statuses(const dispo_bounce *b)
{
	GString *s = g_string_new(NULL);

	for (guint i = 0; b && i < b->recipients->len; i++) {
		const dispo_bounce_recipient *r = b->recipients->pdata[i];
		g_string_append_printf(s, "%s%s", i ? "," : "", r->status ? r->status : "-");
	}
	return g_string_free(s, FALSE);
}

static char *
addresses(const dispo_bounce *b)
{
	GString *s = g_string_new(NULL);

	for (guint i = 0; b && i < b->recipients->len; i++) {
		const dispo_bounce_recipient *r = b->recipients->pdata[i];
		g_string_append_printf(s, "%s%s", i ? "," : "", r->address);
	}
	return g_string_free(s, FALSE);
}

/* ---- the shared corpus ------------------------------------------------------ */

/* sisimai invents x.0.9NN statuses for reasons that have no enhanced code
 * (5.0.910 "filtered", 5.0.911 "userunknown"…); no MTA wrote them, so for
 * those only the class is compared: permanent for 5, and our status, when
 * the text gave one, of the same class. */
static bool
sisimai_pseudo(const char *status)
{
	return strlen(status) == 7 && status[1] == '.' && status[2] == '0' && status[3] == '.' &&
	       status[4] == '9';
}

/* Bounce rows whose recipients or statuses differ from sisimai's, and why.
 * The test fails when one of these starts matching (remove it then) or
 * another row stops matching: no row is skipped silently. */
static const struct {
	const char *file;
	const char *why;
} exceptions[] = {
    /* file                                  sisimai        ours, and why */
    {"maildir/bsd/lhost-amazonses-01.eml", /* 5.7.1 */ "5.1.0: the DSN's Status field, which we "
                                                       "keep; sisimai takes the 5.7.1 quoted in "
                                                       "Diagnostic-Code"},
    {"maildir/bsd/lhost-amazonses-03.eml", /* 5.2.2 */ "5.1.0: as amazonses-01"},
    {"maildir/bsd/lhost-exim-06.eml", /* 4.0.947 */
     "permanent: Exim says \"This is a permanent error\" (retry timeout exceeded, it gave "
     "up); sisimai files expiry under 4"},
    {"maildir/bsd/lhost-v5sendmail-01.eml", /* 4.0.947 */
     "permanent: the message came back after days of \"Deferred\"; sendmail gave up"},
    {"maildir/bsd/lhost-x5-01.eml", /* 5.1.1 */
     "a bounce wrapped in a bounce: the outer text names no one and we take the inner "
     "bounce's To: (the original sender), not the failed kijitora@neko.example.org"},
    {"maildir/bsd/rhost-cox-01.eml", /* 2 × 5.1.0 */
     "1 recipient: the DSN lists the same address twice, we keep it once"},
    {NULL, NULL},
};

static const char *
exception_for(const char *file)
{
	for (size_t i = 0; exceptions[i].file; i++)
		if (strcmp(exceptions[i].file, file) == 0)
			return exceptions[i].why;
	return NULL;
}

/* Whether b's recipients agree with sisimai's count and statuses (in
 * order, the pseudo-statuses by class). */
static bool
matches_sisimai(const dispo_bounce *b, const char *n_recipients, const char *dsn_status)
{
	g_auto(GStrv) want = g_strsplit(dsn_status, ",", -1);
	guint n = (guint)g_ascii_strtoull(n_recipients, NULL, 10);

	if (b->recipients->len != n || g_strv_length(want) != n)
		return false;
	for (guint i = 0; i < n; i++) {
		const dispo_bounce_recipient *r = b->recipients->pdata[i];
		if (!r->address || !strchr(r->address, '@'))
			return false;
		if (r->permanent != (want[i][0] == '5'))
			return false;
		if (sisimai_pseudo(want[i]) ? r->status && r->status[0] != want[i][0]
		                            : g_strcmp0(r->status, want[i]) != 0)
			return false;
	}
	return true;
}

static dispo_auto_kind
expected_kind(const char *class)
{
	if (strcmp(class, "bounce") == 0)
		return DISPO_AUTO_BOUNCE;
	if (strcmp(class, "feedback-report") == 0 || strcmp(class, "dsn-success") == 0)
		return DISPO_AUTO_REPORT;
	if (strcmp(class, "auto-reply") == 0)
		return DISPO_AUTO_REPLY;
	/* rb-issue-368: a postmaster's plain-text notice with Auto-Submitted:
	 * auto-replied and no DSN; its subject ("email bounce notification")
	 * and wording are no MTA's we know, so it is an auto-reply, which
	 * neither advances a request nor is answered. */
	if (strcmp(class, "ambiguous-not-bounce") == 0)
		return DISPO_AUTO_REPLY;
	return DISPO_AUTO_NONE; /* not-bounce */
}

static void
test_shared_corpus(void **state)
{
	g_autofree char *dir = test_shared("bounces");
	g_autofree char *tsv = NULL;
	g_autofree char *text = NULL;
	g_auto(GStrv) lines = NULL;
	unsigned rows = 0, bounces = 0, with_status = 0, matched = 0, listed = 0;
	unsigned wrong_kind = 0, unexpected = 0;

	(void)state;
	if (!dir)
		skip();
	tsv = g_build_filename(dir, "CLASSIFICATION.tsv", NULL);
	text = test_read(tsv, NULL);
	lines = g_strsplit(text, "\n", -1);
	for (size_t i = 0; lines[i]; i++) {
		g_auto(GStrv) col = NULL;
		g_autofree char *path = NULL;
		g_autoptr(dispo_mail) mail = NULL;
		g_autoptr(dispo_bounce) b = NULL;
		dispo_auto_kind want, got;

		if (!*lines[i] || lines[i][0] == '#')
			continue;
		col = g_strsplit(lines[i], "\t", -1);
		assert_int_equal(g_strv_length(col), 8);
		path = g_build_filename(dir, "sisimai-set-of-emails", col[0], NULL);
		mail = parse(path);
		want = expected_kind(col[1]);
		got = reply_auto_kind(mail, &b);
		rows++;
		assert_true((got == DISPO_AUTO_BOUNCE) == (b != NULL));
		if (got != want) {
			print_message("%s: %s, want %s\n", col[0], reply_auto_kind_name(got),
			              reply_auto_kind_name(want));
			wrong_kind++;
			continue;
		}
		if (got != DISPO_AUTO_BOUNCE)
			continue;
		bounces++;
		if (strcmp(col[4], "-") == 0)
			continue; /* sisimai has no expectation for this one */
		with_status++;
		{
			bool ok = matches_sisimai(b, col[3], col[4]);
			const char *why = exception_for(col[0]);
			g_autofree char *got_s = statuses(b);
			g_autofree char *got_a = addresses(b);
			if (ok)
				matched++;
			if (why)
				listed++;
			if (ok == (why != NULL) || verbose())
				print_message("%s %s: %u [%s] (%s), sisimai %s [%s]%s%s\n",
				              ok ? "match" : "differ", col[0], b->recipients->len,
				              got_s, got_a, col[3], col[4], why ? " listed: " : "",
				              why ? why : "");
			if (ok == (why != NULL))
				unexpected++;
		}
	}
	print_message("bounce corpus: %u rows, %u bounces, %u with sisimai statuses, %u match, "
	              "%u listed exceptions\n",
	              rows, bounces, with_status, matched, listed);
	assert_int_equal(rows, 148);
	assert_int_equal(wrong_kind, 0);
	assert_int_equal(unexpected, 0);
}

/* ---- our own fixtures ---------------------------------------------------------- */

static const struct {
	const char *file;
	dispo_auto_kind kind;
	const char *format;     /* bounces only */
	const char *recipients; /* address status action permanent, ";"-separated */
	const char *message_id; /* of the returned original */
} fixtures[] = {
    {"01-gmail-id-tidak-terkirim.eml", DISPO_AUTO_BOUNCE, "gmail",
     "budi.santosa@gmail.com 5.1.1 failed 1", "dispo.SE-2026-000123.ack.1@kuduskab.go.id"},
    {"02-outlook-id-tidak-dapat-dikirim.eml", DISPO_AUTO_BOUNCE, "exchange",
     "siti.rahmawati@kemenkeu.go.id 5.1.10 failed 1",
     "dispo.SE-2026-000124.disposisi_kadin.1@kuduskab.go.id"},
    /* The Original-Recipient is the address dispo wrote, before aliasing. */
    {"03-postfix37-dispo-rfc822-headers.eml", DISPO_AUTO_BOUNCE, "rfc3464",
     "kasi-ti-persandian@kuduskab.go.id 5.1.1 failed 1",
     "dispo.SE-2026-000125.verifikasi_kasi.1@kuduskab.go.id"},
    {"04-postfix-delay-dsn.eml", DISPO_AUTO_BOUNCE, "rfc3464",
     "kabid.informatika@jatengprov.go.id 4.4.1 delayed 0",
     "dispo.SE-2026-000126.disposisi_kabid.1@kuduskab.go.id"},
    /* No Auto-Submitted: an empty Return-Path and the inbox-rule header. */
    {"05-outlook-ooo-id.eml", DISPO_AUTO_REPLY, NULL, NULL, NULL},
    /* Only X-Auto-Response-Suppress, which proves nothing: the subject. */
    {"06-outlook-ooo-en.eml", DISPO_AUTO_REPLY, NULL, NULL, NULL},
    /* "SETUJU" in its text changes nothing. */
    {"07-dovecot-sieve-vacation.eml", DISPO_AUTO_REPLY, NULL, NULL, NULL},
    {"08-read-receipt.eml", DISPO_AUTO_REPORT, NULL, NULL, NULL},
    {"09-list-pengumuman.eml", DISPO_AUTO_LIST, NULL, NULL, NULL},
    {"10-control-setuju-quoting-bounce.eml", DISPO_AUTO_NONE, NULL, NULL, NULL},
    /* A person answering a bounce, from a person's address: a person's
     * mail, which the workflow judges like any other (and answers with
     * help, as it says no command). */
    {"11-control-person-re-undeliverable.eml", DISPO_AUTO_NONE, NULL, NULL, NULL},
    /* A bounce a person forwards is the person's message. */
    {"12-control-forwarded-bounce-attached.eml", DISPO_AUTO_NONE, NULL, NULL, NULL},
    {"13-control-forwarded-bounce-inline.eml", DISPO_AUTO_NONE, NULL, NULL, NULL},
    {"14-id-host-masih-mencoba.eml", DISPO_AUTO_BOUNCE, "text",
     "rina.kartika@desa-jati.id 4.7.0 delayed 0", "dispo.SE-2026-000133.ack.1@kuduskab.go.id"},
    {"15-postfix-old-text.eml", DISPO_AUTO_BOUNCE, "postfix-old",
     "kades@desa-jati.id 5.2.2 failed 1;sekdes@desa-jati.id - failed 1",
     "dispo.SE-2026-000134.ack.1@kuduskab.go.id"},
};

static char *
describe(const dispo_bounce *b)
{
	GString *s = g_string_new(NULL);

	for (guint i = 0; i < b->recipients->len; i++) {
		const dispo_bounce_recipient *r = b->recipients->pdata[i];
		g_string_append_printf(s, "%s%s %s %s %d", i ? ";" : "", r->address,
		                       r->status ? r->status : "-", r->action ? r->action : "-",
		                       r->permanent);
	}
	return g_string_free(s, FALSE);
}

static void
test_fixtures(void **state)
{
	g_autofree char *dir = test_srcdir("tests/reply/data/bounces");

	(void)state;
	for (size_t i = 0; i < G_N_ELEMENTS(fixtures); i++) {
		g_autofree char *path = g_build_filename(dir, fixtures[i].file, NULL);
		g_autoptr(dispo_mail) mail = parse(path);
		g_autoptr(dispo_bounce) b = NULL;
		dispo_auto_kind kind = reply_auto_kind(mail, &b);

		if (kind != fixtures[i].kind)
			fail_msg("%s: %s, want %s", fixtures[i].file, reply_auto_kind_name(kind),
			         reply_auto_kind_name(fixtures[i].kind));
		/* Without somewhere to put it, the bounce is not kept. */
		assert_int_equal(reply_auto_kind(mail, NULL), kind);
		if (kind != DISPO_AUTO_BOUNCE) {
			assert_null(b);
			continue;
		}
		assert_non_null(b);
		{
			g_autofree char *got = describe(b);
			if (strcmp(got, fixtures[i].recipients) != 0)
				fail_msg("%s: recipients %s, want %s", fixtures[i].file, got,
				         fixtures[i].recipients);
		}
		assert_string_equal(b->format, fixtures[i].format);
		assert_int_equal(b->message_ids->len, 1);
		assert_string_equal(b->message_ids->pdata[0], fixtures[i].message_id);
		for (guint k = 0; k < b->recipients->len; k++) {
			const dispo_bounce_recipient *r = b->recipients->pdata[k];
			/* one line, as promised */
			assert_true(!r->diagnostic || !strchr(r->diagnostic, '\n'));
		}
	}
}

/* Every kind has its name, and the current intake's own rules (any
 * Auto-Submitted but "no", X-Autoreply, Precedence, List-Id, a mailer-daemon
 * sender) never give NONE: this is a superset of them. */
static void
test_headers_alone(void **state)
{
	static const struct {
		const char *headers;
		dispo_auto_kind kind;
	} cases[] = {
	    {"", DISPO_AUTO_NONE},
	    {"Auto-Submitted: no\n", DISPO_AUTO_NONE},
	    {"X-Auto-Response-Suppress: All\n", DISPO_AUTO_NONE},
	    {"X-MS-Exchange-Inbox-Rules-Loop: a@kuduskab.go.id\n", DISPO_AUTO_NONE},
	    {"Auto-Submitted: auto-replied\n", DISPO_AUTO_REPLY},
	    {"Auto-Submitted: Auto-Generated\n", DISPO_AUTO_REPLY},
	    {"X-Autoreply: yes\n", DISPO_AUTO_REPLY},
	    {"X-Autorespond: vacation\n", DISPO_AUTO_REPLY},
	    {"Precedence: auto_reply\n", DISPO_AUTO_REPLY},
	    {"Precedence: bulk\n", DISPO_AUTO_LIST},
	    {"Precedence: junk\n", DISPO_AUTO_LIST},
	    {"Precedence: list\n", DISPO_AUTO_LIST},
	    {"List-Id: <x.lists.example>\n", DISPO_AUTO_LIST},
	    {"Subject: Out of Office: rapat\n", DISPO_AUTO_REPLY},
	    {"Subject: Di luar kantor\n", DISPO_AUTO_REPLY},
	    {"Subject: Sedang cuti sampai Senin\n", DISPO_AUTO_REPLY},
	    {"Subject: Re: Out of Office\n", DISPO_AUTO_NONE},
	    {"Subject: Undeliverable: x\n", DISPO_AUTO_NONE}, /* from a person */
	    {"Return-Path: <>\nSubject: Undeliverable: x\n", DISPO_AUTO_BOUNCE},
	    {"Return-Path: <>\nSubject: Re: Undeliverable: x\n", DISPO_AUTO_NONE},
	    {"Return-Path: <>\nSubject: Surat dikembalikan\n", DISPO_AUTO_BOUNCE},
	    {"Return-Path: <>\nSubject: Gagal mengirim pesan\n", DISPO_AUTO_BOUNCE},
	    {"Return-Path: <>\nSubject: Pengiriman gagal\n", DISPO_AUTO_BOUNCE},
	    {"Content-Type: multipart/report; report-type=disposition-notification; "
	     "boundary=x\n",
	     DISPO_AUTO_REPORT},
	};

	(void)state;
	for (int k = DISPO_AUTO_NONE; k <= DISPO_AUTO_LIST; k++)
		assert_string_not_equal(reply_auto_kind_name(k), "unknown");
	assert_int_equal(reply_auto_kind(NULL, NULL), DISPO_AUTO_NONE);
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autofree char *text = g_strdup_printf(
		    "From: Budi <budi@kuduskab.go.id>\nTo: sertifikat@kuduskab.go.id\n%s\nhai\n",
		    cases[i].headers);
		g_autoptr(dispo_mail) mail =
		    mime_mail_parse_data(text, strlen(text), &limits, NULL, NULL);
		dispo_auto_kind kind = reply_auto_kind(mail, NULL);
		if (kind != cases[i].kind)
			fail_msg("case %zu (%s): %s, want %s", i, cases[i].headers,
			         reply_auto_kind_name(kind), reply_auto_kind_name(cases[i].kind));
	}
	{
		static const char daemon[] =
		    "From: MAILER-DAEMON@mx.example.net\nSubject: hai\n\nx\n";
		g_autoptr(dispo_mail) mail =
		    mime_mail_parse_data(daemon, strlen(daemon), &limits, NULL, NULL);
		g_autoptr(dispo_bounce) b = NULL;
		assert_int_equal(reply_auto_kind(mail, &b), DISPO_AUTO_BOUNCE);
		assert_string_equal(b->format, "sender");
		assert_int_equal(b->recipients->len, 0);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_shared_corpus),
	    cmocka_unit_test(test_fixtures),
	    cmocka_unit_test(test_headers_alone),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
