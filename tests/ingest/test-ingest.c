/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-ingest.c: mbox splitting, classification, and the pipeline from
 * files to stored messages and requests (exactly once, arrival times,
 * Maildir layout). */
#include "config.h"

#include "ingest/ingest.h"

#include "testutil.h"

#include <fcntl.h>
#include <unistd.h>

/* ---- mbox ------------------------------------------------------------------ */

static bool
collect(const char *data, size_t len, void *user, GError **error)
{
	g_ptr_array_add(user, g_strndup(data, len));
	return true;
}

static GPtrArray *
split(const char *mbox)
{
	GPtrArray *out = g_ptr_array_new_with_free_func(g_free);
	assert_true(ingest_mbox_split(mbox, strlen(mbox), collect, out, NULL));
	return out;
}

static void
test_mbox_split(void **state)
{
	static const struct {
		const char *mbox;
		unsigned count;
		const char *first; /* the first message, exactly */
	} cases[] = {
	    /* Not an mbox: one message, untouched. */
	    {"From: a@b\n\nhi\n", 1, "From: a@b\n\nhi\n"},
	    {"From a@b Mon Nov 23 09:00:00 2026\nFrom: a@b\n\none\n\n"
	     "From c@d Mon Nov 23 09:01:00 2026\nFrom: c@d\n\ntwo\n",
	     2, "From: a@b\n\none\n"},
	    /* CRLF mbox. */
	    {"From a@b x\r\nFrom: a@b\r\n\r\none\r\n\r\nFrom c@d x\r\nFrom: c@d\r\n\r\ntwo\r\n", 2,
	     "From: a@b\r\n\r\none\r\n"},
	    /* Netscape writes "From - date" and no empty line before it. */
	    {"From - Mon\nFrom: a@b\n\none\n--b--\nFrom - Tue\nSubject: x\n\ntwo\n", 2,
	     "From: a@b\n\none\n--b--\n"},
	    /* An unquoted From in a body starts nothing. */
	    {"From - \nFrom: a@b\n\nFrom Russia with love\nYear: 1963\n\nFrom here on\n", 1,
	     "From: a@b\n\nFrom Russia with love\nYear: 1963\n\nFrom here on\n"},
	    /* Content-Length that lands on the next From_ line wins, even over a
	     * From_ line inside the body. */
	    {"From a@b x\nContent-Length: 29\n\nbody\n\nFrom c@d x\nSubject: no\n\n"
	     "From e@f x\nFrom: e@f\n\nthree\n",
	     2, "Content-Length: 29\n\nbody\n\nFrom c@d x\nSubject: no\n"},
	    /* A sender's own Content-Length pointing into the middle of a line
	     * cannot smuggle in a second message. */
	    {"From a@b x\nFrom: a@b\nContent-Length: 7\n\nhello xxFrom evil@x y\n"
	     "From: kadis@kuduskab.go.id\nSubject: SETUJU\n\nforged\n",
	     1,
	     "From: a@b\nContent-Length: 7\n\nhello xxFrom evil@x y\n"
	     "From: kadis@kuduskab.go.id\nSubject: SETUJU\n\nforged\n"},
	    /* Nor at a line start that is no From_ line. */
	    {"From a@b x\nFrom: a@b\nContent-Length: 6\n\nhello\nFrom Russia\nwith love\n", 1,
	     "From: a@b\nContent-Length: 6\n\nhello\nFrom Russia\nwith love\n"},
	    /* A From_ line with nothing after it is no message. */
	    {"From a@b x\n", 0, NULL},
	    {"From a@b x\nFrom: a@b\n\none\n\nFrom c@d x\n", 1, "From: a@b\n\none\n\nFrom c@d x\n"},
	    /* A wrong Content-Length is ignored. */
	    {"From a@b x\nContent-Length: 5000\nFrom: a@b\n\none\n\nFrom c@d x\nFrom: c@d\n\ntwo\n",
	     2, "Content-Length: 5000\nFrom: a@b\n\none\n"},
	    {"From MAILER-DAEMON Mon\nFrom: a@b\n\n", 1, "From: a@b\n\n"},
	};
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		GPtrArray *got = split(cases[i].mbox);
		if (got->len != cases[i].count)
			fail_msg("case %zu: %u messages, want %u", i, got->len, cases[i].count);
		if (cases[i].count)
			assert_string_equal(got->pdata[0], cases[i].first);
		g_ptr_array_unref(got);
	}
}

/* MimeKit's mbox files come with a summary of each message; the split must
 * give the same messages in the same order. */
static void
test_mbox_mimekit(void **state)
{
	char *dir = test_shared("mime/mimekit/UnitTests/TestData/mbox");
	const char *names[] = {"content-length", "issue1189"};

	if (!dir)
		skip();
	for (size_t n = 0; n < G_N_ELEMENTS(names); n++) {
		char *mbox_path = g_strdup_printf("%s/%s.mbox.txt", dir, names[n]);
		char *sum_path = g_strdup_printf("%s/%s-summary.txt", dir, names[n]);
		char *mbox = test_read(mbox_path, NULL);
		char *summary = test_read(sum_path, NULL);
		char **lines = g_strsplit(summary, "\n", -1);
		GPtrArray *msgs = split(mbox);
		GPtrArray *subjects = g_ptr_array_new();

		for (size_t i = 0; lines[i]; i++) {
			g_strchomp(lines[i]);
			if (g_str_has_prefix(lines[i], "Subject: "))
				g_ptr_array_add(subjects, lines[i] + 9);
		}
		if (msgs->len != subjects->len)
			fail_msg("%s: %u messages, the summary has %u", names[n], msgs->len,
			         subjects->len);
		for (guint i = 0; i < msgs->len; i++) {
			dispo_limits limits = {.message_size = 64 << 20,
			                       .header_size = 1 << 20,
			                       .header_fields = 1000,
			                       .parts = 1000,
			                       .depth = 100,
			                       .text_size = 1 << 20};
			dispo_mail *m = mime_mail_parse_data(msgs->pdata[i], strlen(msgs->pdata[i]),
			                                     &limits, NULL, NULL);
			assert_non_null(m);
			if (g_strcmp0(m->subject, subjects->pdata[i]) != 0)
				fail_msg("%s message %u: subject '%s', summary says '%s'", names[n],
				         i + 1, m->subject, (char *)subjects->pdata[i]);
			mime_mail_free(m);
		}
		g_ptr_array_unref(subjects);
		g_ptr_array_unref(msgs);
		g_strfreev(lines);
		g_free(summary);
		g_free(mbox);
		g_free(sum_path);
		g_free(mbox_path);
	}
	g_free(dir);
}

/* ---- classification -------------------------------------------------------- */

static void
test_classify(void **state)
{
	static const struct {
		const char *headers;
		const char *kind;
	} cases[] = {
	    {"From: budi@kuduskab.go.id\nSubject: Permohonan sertifikat\n", "application"},
	    {"From: budi@kuduskab.go.id\nSubject: Fwd: Permohonan\nReferences: <a@b>\n",
	     "application"},
	    {"From: budi@kuduskab.go.id\nSubject: Trs: Permohonan\nIn-Reply-To: <a@b>\n",
	     "application"},
	    {"From: kadis@kuduskab.go.id\nSubject: Re: [SE-2026-000001] Disposisi\n"
	     "In-Reply-To: <x@dispo>\n",
	     "reply"},
	    {"From: kadis@kuduskab.go.id\nSubject: Bls: [SE-2026-000001] Disposisi\n", "reply"},
	    {"From: kadis@kuduskab.go.id\nSubject: RE: Disposisi\n", "reply"},
	    {"From: kadis@kuduskab.go.id\nSubject: AW: Disposisi\n", "reply"},
	    {"From: kadis@kuduskab.go.id\nSubject: [SE-2026-000001] Balas: Disposisi\n", "reply"},
	    {"From: kadis@kuduskab.go.id\nSubject: Disposisi\nReferences: <x@dispo>\n", "reply"},
	    {"From: kadis@kuduskab.go.id\nSubject: Saya cuti\nAuto-Submitted: auto-replied\n",
	     "auto_reply"},
	    {"From: kadis@kuduskab.go.id\nSubject: x\nAuto-Submitted: no\n", "application"},
	    {"From: kadis@kuduskab.go.id\nSubject: x\nX-Autoreply: yes\n", "auto_reply"},
	    {"From: kadis@kuduskab.go.id\nSubject: x\nPrecedence: bulk\n", "list"},
	    {"From: kadis@kuduskab.go.id\nSubject: x\nPrecedence: first-class\n", "application"},
	    {"From: list@kuduskab.go.id\nSubject: x\nList-Id: <pegawai.kuduskab.go.id>\n", "list"},
	    {"From: MAILER-DAEMON@mx.kuduskab.go.id\nSubject: Undelivered Mail\n", "bounce"},
	    {"From: postmaster@gmail.com\nSubject: Delivery Status Notification\n", "bounce"},
	    {"From: x@y\nSubject: report\nContent-Type: multipart/report; "
	     "report-type=delivery-status; boundary=b\n\n--b\n\n--b--\n",
	     "bounce"},
	    {"From: x@y\nSubject: Read: x\nContent-Type: multipart/report; "
	     "report-type=disposition-notification; boundary=b\n\n--b\n\n--b--\n",
	     "report"},
	    {"Subject: nobody sent this\n", "other"},
	    {"garbage without a colon\n", "other"},
	};
	dispo_limits limits = {.message_size = 1 << 20,
	                       .header_size = 1 << 16,
	                       .header_fields = 1000,
	                       .parts = 100,
	                       .depth = 20,
	                       .text_size = 1 << 20};

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		char *msg = g_strconcat(cases[i].headers,
		                        strstr(cases[i].headers, "\n\n") ? "" : "\nbody\n", NULL);
		dispo_mail *m = mime_mail_parse_data(msg, strlen(msg), &limits, NULL, NULL);
		const char *kind = ingest_classify(m, NULL);
		if (strcmp(kind, cases[i].kind) != 0)
			fail_msg("case %zu (%s): %s, want %s", i, cases[i].headers, kind,
			         cases[i].kind);
		mime_mail_free(m);
		g_free(msg);
	}
}

/* ---- the pipeline ------------------------------------------------------------ */

typedef struct {
	char *dir;
	dispo_config *config;
	dispo_store *store;
} fixture;

static int
setup(void **state)
{
	fixture *f = g_new0(fixture, 1);
	char *text, *db, *mail;
	GError *e = NULL;

	f->dir = test_tmpdir("ingest");
	text = g_strdup_printf("[general]\ndata_dir = %s/data\n[policy]\nrequire_authentication = "
	                       "false\n[limits]\nmessage_size = 64KB\n",
	                       f->dir);
	f->config = dispo_config_load_data(text, "test", f->dir, &e);
	if (!f->config)
		fail_msg("%s", e->message);
	db = g_build_filename(f->config->data_dir, "dispo.db", NULL);
	mail = g_build_filename(f->config->data_dir, "mail", NULL);
	g_mkdir_with_parents(f->config->data_dir, 0700);
	f->store = store_open(db, mail, 5000, &e);
	assert_non_null(f->store);
	g_free(text);
	g_free(db);
	g_free(mail);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	fixture *f = *state;
	store_close(f->store);
	dispo_config_free(f->config);
	test_rm_rf(f->dir);
	g_free(f->dir);
	g_free(f);
	return 0;
}

static dispo_ingest *
new_ingest(fixture *f, bool use_received, dispo_time now_override, unsigned batch)
{
	dispo_ingest_options opt = {0};
	opt.source = "test";
	opt.now = 1795486500; /* 2026-11-24 09:15 in Kudus */
	opt.now_override = now_override;
	opt.use_received = use_received;
	opt.batch = batch;
	return ingest_new(f->config, f->store, &opt);
}

static const char application[] =
    "Received: from mail.kuduskab.go.id by mx.kuduskab.go.id; Mon, 23 Nov 2026 08:00:00 +0700\n"
    "Received: from phone by mail.kuduskab.go.id; Mon, 23 Nov 2026 07:59:00 +0700\n"
    "From: Budi Santoso <Budi.Santoso@kuduskab.go.id>\n"
    "To: sertifikat@kuduskab.go.id\n"
    "Subject: Permohonan sertifikat\n"
    "Date: Sun, 22 Nov 2026 23:00:00 +0700\n"
    "Content-Type: multipart/mixed; boundary=b\n\n"
    "--b\nContent-Type: text/plain\n\nNama: Budi\n"
    "--b\nContent-Type: application/pdf; name=\"Surat Permohonan.pdf\"\n"
    "Content-Transfer-Encoding: base64\n\nJVBERi0xLjQKJSVFT0YK\n"
    "--b--\n";

static void
test_application_opens_request(void **state)
{
	fixture *f = *state;
	dispo_ingest *ing = new_ingest(f, true, 0, 10);
	GError *e = NULL;
	dispo_request_row *r;
	char *att_path;

	assert_true(ingest_bytes(ing, application, strlen(application), 0, &e));
	assert_true(ingest_flush(ing, &e));
	assert_int_equal(ingest_stats(ing)->stored, 1);
	assert_int_equal(ingest_stats(ing)->requests, 1);
	assert_string_equal(ingest_opened(ing)->pdata[0], "SE-2026-000001");
	r = store_request_get(f->store, "SE-2026-000001", &e);
	assert_non_null(r);
	assert_string_equal(r->state, "received");
	assert_string_equal(r->workflow, "pendaftaran");
	assert_string_equal(r->applicant, "budi.santoso@kuduskab.go.id");
	/* Stored mail is judged at its newest Received: time. */
	assert_int_equal(r->created_at, 1795395600);
	assert_int_equal(r->attachments->len, 1);
	{
		dispo_attachment_info *a = r->attachments->pdata[0];
		char want[65];
		assert_string_equal(a->filename, "Surat Permohonan.pdf");
		assert_int_equal(a->size, 15);
		dispo_sha256_hex("%PDF-1.4\n%%EOF\n", 15, want);
		assert_string_equal(a->sha256, want);
		att_path = g_build_filename(f->config->data_dir, "attachments",
		                            (char[3]){want[0], want[1], 0}, want, NULL);
		assert_true(g_file_test(att_path, G_FILE_TEST_IS_REGULAR));
		g_free(att_path);
	}
	{
		char sha[65];
		char *raw;
		size_t len;
		char *path;
		dispo_sha256_hex(application, strlen(application), sha);
		assert_string_equal(r->message_sha256, sha);
		path = store_blob_path(f->store, sha);
		raw = test_read(path, &len);
		assert_int_equal(len, strlen(application));
		assert_memory_equal(raw, application, len);
		g_free(raw);
		g_free(path);
	}
	assert_int_equal(r->events->len, 1);
	assert_string_equal(((dispo_event_row *)r->events->pdata[0])->kind, "received");
	store_request_row_free(r);
	ingest_free(ing);

	/* The same bytes again: nothing new, in a later run or the same batch. */
	ing = new_ingest(f, true, 0, 10);
	assert_true(ingest_bytes(ing, application, strlen(application), 0, &e));
	assert_true(ingest_bytes(ing, application, strlen(application), 0, &e));
	assert_true(ingest_flush(ing, &e));
	assert_int_equal(ingest_stats(ing)->duplicate, 2);
	assert_int_equal(ingest_stats(ing)->stored, 0);
	assert_int_equal(ingest_stats(ing)->requests, 0);
	ingest_free(ing);
}

static void
test_arrival_time(void **state)
{
	fixture *f = *state;
	static const struct {
		bool use_received;
		dispo_time override;
		const char *headers;
		dispo_time want;
	} cases[] = {
	    /* import: the newest Received is the topmost one; a sender's own
	     * Received further down cannot move the time forward. */
	    {true, 0,
	     "Received: x; Mon, 23 Nov 2026 07:59:00 +0700\n"
	     "Received: forged; Mon, 23 Nov 2026 23:00:00 +0700\n",
	     1795395540},
	    /* An unreadable topmost date gives way to the next one. */
	    {true, 0,
	     "Received: x; yesterday-ish\n"
	     "Received: y; Mon, 23 Nov 2026 08:00:00 +0700\n",
	     1795395600},
	    /* import without Received: the Date. */
	    {true, 0, "Date: Sun, 22 Nov 2026 23:00:00 +0700\n", 1795363200},
	    /* import with neither: the file's time. */
	    {true, 0, "X-Nothing: here\n", 1700000000},
	    /* deliver: now, whatever the headers say. */
	    {false, 0, "Received: x; Mon, 23 Nov 2026 07:59:00 +0700\n", 1795486500},
	    /* --now beats everything. */
	    {true, 1800000000, "Received: x; Mon, 23 Nov 2026 07:59:00 +0700\n", 1800000000},
	};
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		dispo_ingest *ing = new_ingest(f, cases[i].use_received, cases[i].override, 1);
		char *msg =
		    g_strdup_printf("%sFrom: case%zu@kuduskab.go.id\nSubject: case %zu\n\nx\n",
		                    cases[i].headers, i, i);
		GPtrArray *list;
		dispo_request_row *r;
		assert_true(ingest_bytes(ing, msg, strlen(msg), 1700000000, NULL));
		assert_true(ingest_flush(ing, NULL));
		list = store_requests_list(f->store, NULL);
		r = list->pdata[list->len - 1];
		if (r->created_at != cases[i].want)
			fail_msg("case %zu: arrived %" G_GINT64_FORMAT ", want %" G_GINT64_FORMAT,
			         i, (gint64)r->created_at, (gint64)cases[i].want);
		g_ptr_array_unref(list);
		ingest_free(ing);
		g_free(msg);
	}
}

static void
test_kinds_stored_without_request(void **state)
{
	fixture *f = *state;
	dispo_ingest *ing = new_ingest(f, false, 0, 100);
	const char *msgs[] = {
	    "From: kadis@kuduskab.go.id\nSubject: Re: [SE-2026-000001]\nIn-Reply-To: "
	    "<a@b>\n\nSETUJU\n",
	    "From: MAILER-DAEMON@mx\nSubject: Undelivered\n\nsorry\n",
	    "From: kadis@kuduskab.go.id\nAuto-Submitted: auto-replied\nSubject: cuti\n\ncuti\n",
	    "\x89PNG\r\n\x1a\n binary junk, no header at all",
	    "",
	};
	GError *e = NULL;
	int64_t n;

	for (size_t i = 0; i < G_N_ELEMENTS(msgs); i++)
		assert_true(ingest_bytes(ing, msgs[i], strlen(msgs[i]), 0, &e));
	/* Over the 64 KB limit of this configuration: kept and marked. */
	{
		GString *big = g_string_new("From: budi@kuduskab.go.id\nSubject: besar\n\n");
		while (big->len < 70 * 1024)
			g_string_append(
			    big, "0123456789abcdef0123456789abcdef0123456789abcdef0123456789\n");
		assert_true(ingest_bytes(ing, big->str, big->len, 0, &e));
		g_string_free(big, TRUE);
	}
	assert_true(ingest_flush(ing, &e));
	assert_int_equal(ingest_stats(ing)->messages, 6);
	assert_int_equal(ingest_stats(ing)->stored, 3);
	assert_int_equal(ingest_stats(ing)->unparseable, 2);
	assert_int_equal(ingest_stats(ing)->over_limit, 1);
	assert_int_equal(ingest_stats(ing)->requests, 0);
	assert_true(store_message_count(f->store, NULL, &n, NULL));
	assert_int_equal(n, 6);
	ingest_free(ing);
}

static void
write_file(const char *dir, const char *name, const char *text)
{
	char *path = g_build_filename(dir, name, NULL);
	char *parent = g_path_get_dirname(path);
	g_mkdir_with_parents(parent, 0700);
	g_file_set_contents(path, text, -1, NULL);
	g_free(parent);
	g_free(path);
}

static void
test_import_maildir(void **state)
{
	fixture *f = *state;
	char *md = g_build_filename(f->dir, "Maildir", NULL);
	dispo_ingest *ing = new_ingest(f, true, 0, 2);
	GError *e = NULL;
	char *paths[] = {md, NULL};

	write_file(md, "new/1.host", "From: a@kuduskab.go.id\nSubject: one\n\nx\n");
	write_file(md, "cur/2.host:2,S", "From: b@kuduskab.go.id\nSubject: two\n\nx\n");
	write_file(md, "tmp/3.host", "From: c@kuduskab.go.id\nSubject: half-written\n\nx\n");
	write_file(md, ".Arsip/cur/4.host:2,", "From: d@kuduskab.go.id\nSubject: four\n\nx\n");
	write_file(md, ".Arsip/maildirfolder", "");
	write_file(md, ".Arsip/new/.hidden", "not mail");
	write_file(md, "dovecot-uidlist", "3 V1 N2\n");
	write_file(md, "subscriptions", "Arsip\n");
	{
		char *tmp = g_build_filename(md, ".Arsip", "tmp", NULL);
		g_mkdir_with_parents(tmp, 0700);
		g_free(tmp);
	}

	assert_true(ingest_paths_size(paths) > 0);
	assert_true(ingest_path(ing, md, &e));
	assert_true(ingest_flush(ing, &e));
	assert_int_equal(ingest_stats(ing)->files, 3);
	assert_int_equal(ingest_stats(ing)->stored, 3);
	assert_int_equal(ingest_stats(ing)->requests, 3);
	ingest_free(ing);

	/* A read error is "cannot read", not a store failure. */
	ing = new_ingest(f, true, 0, 2);
	{
		int fd = open(md, O_RDONLY | O_DIRECTORY);
		assert_false(ingest_fd(ing, fd, &e));
		assert_true(g_error_matches(e, DISPO_INGEST_ERROR, DISPO_INGEST_ERROR_NO_INPUT));
		g_clear_error(&e);
		close(fd);
	}
	ingest_free(ing);

	ing = new_ingest(f, true, 0, 2);
	assert_false(ingest_path(ing, "/nonexistent/Maildir", &e));
	assert_true(g_error_matches(e, DISPO_INGEST_ERROR, DISPO_INGEST_ERROR_NO_INPUT));
	g_clear_error(&e);
	ingest_free(ing);
	g_free(md);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_mbox_split),
	    cmocka_unit_test(test_mbox_mimekit),
	    cmocka_unit_test(test_classify),
	    cmocka_unit_test_setup_teardown(test_application_opens_request, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_arrival_time, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_kinds_stored_without_request, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_import_maildir, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
