/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-limits.c: the limits of src/mime: each one named when broken, the raw
 * prescan against hostile structures and header floods, headers as long as
 * Postfix delivers them and longer, and what hostile headers cost. */
#include "config.h"

#include "mime/mime.h"

#include "testutil.h"

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

static const dispo_limits default_limits = DISPO_LIMITS_DEFAULT;

/* Sixty-four short header fields, a part's worth of a field flood. */
#define F4  "X-F: y\nX-F: y\nX-F: y\nX-F: y\n"
#define F16 F4 F4 F4 F4
#define F64 F16 F16 F16 F16

/* The same message against small limits: kept, marked, the reason named,
 * and the envelope still read so that the sender can be answered. */
static void
test_limits(void **state)
{
	static const char nested[] = "From: Budi <budi@kuduskab.go.id>\nSubject: bersarang\n"
	                             "Content-Type: multipart/mixed; boundary=a\n\n"
	                             "--a\nContent-Type: multipart/mixed; boundary=b\n\n"
	                             "--b\nContent-Type: multipart/mixed; boundary=c\n\n"
	                             "--c\nContent-Type: text/plain\n\nhalo\n--c--\n--b--\n--a--\n";
	static const struct {
		dispo_limits limits;
		const char *problem;
	} cases[] = {
	    {{.message_size = 100,
	      .header_size = 64 << 10,
	      .header_fields = 1000,
	      .parts = 200,
	      .depth = 16,
	      .text_size = 1 << 20},
	     "message is larger than the limit of 100 B"},
	    {{.message_size = 1 << 20,
	      .header_size = 10,
	      .header_fields = 1000,
	      .parts = 200,
	      .depth = 16,
	      .text_size = 1 << 20},
	     "a header field is longer than the limit of 10 B"},
	    {{.message_size = 1 << 20,
	      .header_size = 64 << 10,
	      .header_fields = 1000,
	      .parts = 2,
	      .depth = 16,
	      .text_size = 1 << 20},
	     "more than 2 MIME parts"},
	    {{.message_size = 1 << 20,
	      .header_size = 64 << 10,
	      .header_fields = 1000,
	      .parts = 200,
	      .depth = 2,
	      .text_size = 1 << 20},
	     "MIME nesting deeper than 2 levels"},
	    {{.message_size = 1 << 20,
	      .header_size = 64 << 10,
	      .header_fields = 1000,
	      .parts = 200,
	      .depth = 16,
	      .text_size = 1 << 20},
	     NULL},
	};
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		dispo_mail *m =
		    mime_mail_parse_data(nested, strlen(nested), &cases[i].limits, NULL, NULL);
		assert_non_null(m);
		if (!cases[i].problem) {
			assert_int_equal(m->status, DISPO_MAIL_PARSED);
			assert_int_equal(m->depth, 4);
			assert_string_equal(m->body, "halo");
		} else {
			assert_int_equal(m->status, DISPO_MAIL_OVER_LIMIT);
			if (!strstr(m->problem, cases[i].problem))
				fail_msg("case %zu: problem '%s', want '%s'", i, m->problem,
				         cases[i].problem);
			assert_int_equal(m->from->len, 1);
			assert_string_equal(((dispo_mailbox *)m->from->pdata[0])->address,
			                    "budi@kuduskab.go.id");
			assert_string_equal(m->subject, "bersarang");
		}
		mime_mail_free(m);
	}
}

static void
test_prescan(void **state)
{
	dispo_limits l = default_limits;
	GString *s = g_string_new("Content-Type: multipart/mixed;\n boundary=\"XyZ\"\n\n");
	char *v;

	l.parts = 5;
	/* Folded boundary parameter, 4 parts: fine; the 5th opening line is not. */
	for (int i = 0; i < 4; i++)
		g_string_append(s, "--XyZ\nContent-Type: text/plain\n\nx\n");
	v = mime_prescan(s->str, s->len, &l);
	assert_null(v);
	/* A line that only looks like the boundary in another case is not one,
	 * nor are dashes in a body when every boundary is known. */
	g_string_append(s, "--xyz\n----\n-- \n--\n--XyZ--\n");
	v = mime_prescan(s->str, s->len, &l);
	assert_null(v);
	g_string_append(s, "--XyZ\n\n--XyZ\n\n");
	v = mime_prescan(s->str, s->len, &l);
	assert_non_null(v);
	assert_string_equal(v, "more than 5 MIME parts");
	g_free(v);
	g_string_free(s, TRUE);
}

/* Every way of hiding a multipart from a naive scanner still meets the
 * part limit, and header floods meet the header limits. */
static void
test_prescan_hostile(void **state)
{
	static const struct {
		const char *head;   /* the top-level header block, up to its fields */
		const char *repeat; /* repeated `times` times after it */
		unsigned times;
		const char *verdict; /* NULL: fine */
	} cases[] = {
	    /* Space before the colon: GMime takes it, so must we. */
	    {"Content-Type : multipart/mixed; boundary=b\n\n", "--b\n\n", 300,
	     "more than 200 MIME parts"},
	    {"CONTENT-TYPE:\tmultipart/mixed; BOUNDARY=b\n\n", "--b\n\n", 300,
	     "more than 200 MIME parts"},
	    /* RFC 2231 continuations: unreadable here, so every "--" line counts. */
	    {"Content-Type: multipart/mixed; boundary*0=a; boundary*1=b\n\n", "--ab\n\n", 300,
	     "more than 200 MIME parts"},
	    {"Content-Type: multipart/mixed; boundary*=''ab\n\n", "--ab\n\n", 300,
	     "more than 200 MIME parts"},
	    /* The boundary pushed past what the scanner keeps of the field. */
	    {NULL, "--b\n\n", 300, "more than 200 MIME parts"},
	    /* Nested containers by the thousand. */
	    {"Content-Type: message/rfc822\n\n", "Content-Type: message/rfc822\n\n", 300,
	     "more than 200 nested MIME containers"},
	    /* A flood of header fields at the top, in a part, or spread over
	     * the parts (GMime keeps every one of them). */
	    {"Subject: x\n", "X-Flood: y\n", 20000, "more than 10000 header fields"},
	    {"Content-Type: multipart/mixed; boundary=b\n\n--b\n", "X-Flood: y\n", 20000,
	     "more than 10000 header fields"},
	    {"Content-Type: multipart/mixed; boundary=b\n\n", "--b\n" F64 F64 "\nx\n", 90,
	     "more than 10000 header fields"},
	    /* One endless folded address field. */
	    {"To: a@b,\n", " c@d,\n", 60000, "a header field is longer than the limit of 256 KB"},
	    /* One endless line of a field dispo does not parse: only the total
	     * stops it, after 10 MB, whatever the message's size. */
	    {"X-Big: ", "0123456789abcdef", 700000,
	     "the header fields are larger than the limit of 10.0 MB together"},
	    /* Addresses by the ten thousand, in short fields or in angle
	     * brackets (GMime builds an object for each). */
	    {"Subject: x\n", "Cc: a@b, c@d, e@f, g@h\n", 6000,
	     "the address fields name more than 20000 addresses"},
	    {"To: ", "<a>", 30000, "the address fields name more than 20000 addresses"},
	    /* What Postfix delivers: a To of 100 KB (2200 addresses), folded with
	     * CR LF; a field it does not parse of 1 MB; fields by the
	     * thousand, and a body of 10,000 lines. */
	    {"To: ", "Pegawai Dinas <pegawai.dinas@kuduskab.go.id>,\r\n ", 2200, NULL},
	    {"X-Big: ", "0123456789abcdef", 65536, NULL},
	    {"Subject: x\n", "X-Ok: y\n", 9000, NULL},
	    {"Subject: x\n\n", "Content-Type: text/plain\n", 10000, NULL},
	};
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		GString *s = g_string_new(NULL);
		char *v;
		if (cases[i].head) {
			g_string_append(s, cases[i].head);
		} else {
			g_string_append(s, "Content-Type: multipart/mixed;");
			for (int k = 0; k < 2000; k++)
				g_string_append(s, " x-pad=\"0123456789\";");
			g_string_append(s, " boundary=b\n\n");
		}
		for (unsigned k = 0; k < cases[i].times; k++)
			g_string_append(s, cases[i].repeat);
		v = mime_prescan(s->str, s->len, &default_limits);
		if (g_strcmp0(v, cases[i].verdict) != 0)
			fail_msg("case %zu: verdict '%s', want '%s'", i, v ? v : "(none)",
			         cases[i].verdict ? cases[i].verdict : "(none)");
		/* And the whole parse says the same, without building the tree. */
		{
			dispo_mail *m =
			    mime_mail_parse_data(s->str, s->len, &default_limits, NULL, NULL);
			assert_int_equal(m->status, cases[i].verdict ? DISPO_MAIL_OVER_LIMIT
			                                             : DISPO_MAIL_PARSED);
			mime_mail_free(m);
		}
		g_free(v);
		g_string_free(s, TRUE);
	}
}

/* A message whose header holds `times` copies of `field` (each "Name:
 * value" without its line end, folded as written), then a short body. */
static GString *
message_with(const char *field, unsigned times)
{
	GString *s = g_string_new("From: Kepala Dinas <kadis@kuduskab.go.id>\r\n"
	                          "Subject: RE: [SE-2026-000001] Mohon disposisi\r\n"
	                          "In-Reply-To: <dispo-1@kuduskab.go.id>\r\n");

	for (unsigned i = 0; i < times; i++) {
		g_string_append(s, field);
		g_string_append(s, "\r\n");
	}
	g_string_append(s, "Content-Type: text/plain; charset=utf-8\r\n\r\nSETUJU\r\n");
	return s;
}

/* "Name: " then n bytes of value, folded every 76 bytes as clients do. */
static char *
long_field(const char *name, size_t n)
{
	GString *s = g_string_new(name);

	g_string_append(s, ": ");
	for (size_t i = 0; i < n; i++) {
		if (i && i % 76 == 0)
			g_string_append(s, "\r\n ");
		g_string_append_c(s, (char)('a' + i % 26));
	}
	return g_string_free(s, FALSE);
}

/* Headers as long as Postfix delivers them (header_size_limit = 102400) and
 * longer: read when dispo does not parse them, or needs them and they fit;
 * References keep the thread's first and newest ids. */
static void
test_long_headers(void **state)
{
	static const struct {
		const char *name;
		size_t bytes;
		unsigned times;
		dispo_mail_status status;
		size_t kept; /* bytes of the (first) field's value kept, 0: as long as it is */
	} cases[] = {
	    {"X-MS-Exchange-Organization-Thread", 100 << 10, 1, DISPO_MAIL_PARSED, 0},
	    {"Thread-Index", 100 << 10, 1, DISPO_MAIL_PARSED, 0},
	    /* Longer than any field dispo parses may be: cut where kept. */
	    {"X-Big", 1 << 20, 1, DISPO_MAIL_PARSED, 256 << 10},
	    /* Ninety of Postfix's largest: 9 MB of header, still read. */
	    {"X-Pad", 100 << 10, 90, DISPO_MAIL_PARSED, 0},
	    /* A subject dispo needs whole, longer than header_size. */
	    {"Subject", 300 << 10, 1, DISPO_MAIL_OVER_LIMIT, 0},
	    /* Past 10 MB of header in all. */
	    {"X-Pad", 100 << 10, 110, DISPO_MAIL_OVER_LIMIT, 0},
	};
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autofree char *field = long_field(cases[i].name, cases[i].bytes);
		GString *msg = message_with(field, cases[i].times);
		dispo_mail *m =
		    mime_mail_parse_data(msg->str, msg->len, &default_limits, NULL, NULL);
		const char *v;
		if (m->status != cases[i].status)
			fail_msg("case %zu: status %s (%s)", i, mime_mail_status_name(m->status),
			         m->problem ? m->problem : "");
		/* The sender can be answered either way. */
		assert_int_equal(m->from->len, 1);
		assert_string_equal(((dispo_mailbox *)m->from->pdata[0])->address,
		                    "kadis@kuduskab.go.id");
		v = mime_mail_header(m, cases[i].name);
		if (m->status == DISPO_MAIL_PARSED) {
			/* Unfolded: the line ends go, the folding spaces stay. */
			size_t want = cases[i].bytes + (cases[i].bytes - 1) / 76;
			assert_non_null(v);
			if (cases[i].kept) {
				assert_true(strlen(v) <= cases[i].kept &&
				            strlen(v) > cases[i].kept * 9 / 10);
				assert_string_equal(m->warnings->pdata[0],
				                    "header X-Big cut to 256 KB");
			} else {
				assert_int_equal(strlen(v), want);
			}
			assert_string_equal(m->body, "SETUJU\n");
		}
		mime_mail_free(m);
		g_string_free(msg, TRUE);
	}

	/* A long Outlook thread: 2400 ids, about 100 KB, dispo's own last. */
	{
		GString *refs = g_string_new("References:");
		GString *msg;
		dispo_mail *m;
		for (int i = 0; i < 2400; i++) {
			g_string_append_printf(
			    refs, " <%04d.AM6PR10MB%04d@EUR03.prod.outlook.com>\r\n", i, i);
			/* what other clients left in the thread */
			if (i == 1000)
				g_string_append(
				    refs,
				    " <OF8A3C21F0.7D5E-ON4725>,\r\n <CAF1@mail.gmail.com>,\r\n");
		}
		g_string_append(refs, " <dispo-1@kuduskab.go.id>");
		assert_true(refs->len > 100 << 10);
		msg = message_with(refs->str, 1);
		m = mime_mail_parse_data(msg->str, msg->len, &default_limits, NULL, NULL);
		assert_int_equal(m->status, DISPO_MAIL_PARSED);
		assert_int_equal(m->references->len, 100);
		assert_string_equal(m->references->pdata[0],
		                    "0000.AM6PR10MB0000@EUR03.prod.outlook.com");
		assert_string_equal(m->references->pdata[1],
		                    "2302.AM6PR10MB2302@EUR03.prod.outlook.com");
		assert_string_equal(m->references->pdata[99], "dispo-1@kuduskab.go.id");
		/* Nearest first: In-Reply-To, then References from the newest. */
		assert_string_equal(mime_mail_thread_id(m, 0), "dispo-1@kuduskab.go.id");
		assert_string_equal(mime_mail_thread_id(m, 1), "dispo-1@kuduskab.go.id");
		assert_string_equal(mime_mail_thread_id(m, 2),
		                    "2399.AM6PR10MB2399@EUR03.prod.outlook.com");
		assert_string_equal(mime_mail_thread_id(m, 100),
		                    "0000.AM6PR10MB0000@EUR03.prod.outlook.com");
		assert_null(mime_mail_thread_id(m, 101));
		mime_mail_free(m);
		g_string_free(msg, TRUE);
		g_string_free(refs, TRUE);
	}
}

/* Writes a message like message_with()'s to path, a line at a time, so
 * that the test itself holds none of it: `times` fields called name of
 * `bytes` bytes each, folded at 76 (for Cc: real addresses, one a line, as
 * a circular's Cc has them; X-Words: one line of one-letter words). */
static void
write_message(const char *path, const char *name, size_t bytes, unsigned times)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs("From: Kepala Dinas <kadis@kuduskab.go.id>\r\nSubject: RE: [SE-2026-000001]\r\n", f);
	for (unsigned t = 0; t < times; t++) {
		size_t n = 0;
		fprintf(f, "%s:", name);
		while (n < bytes) {
			const char *unit = strcmp(name, "Cc") == 0 ? " pegawai@kuduskab.go.id,\r\n"
			                   : strcmp(name, "X-Words") == 0
			                       ? " a"
			                       : " abcdefghijklmnopqrstuvwxyzabcdefghij"
			                         "klmnopqrstuvwxyzabcdefghijklmnopqrstu\r\n";
			fputs(unit, f);
			n += strlen(unit);
		}
		fputs(" akhir@kuduskab.go.id\r\n", f);
	}
	fputs("Content-Type: text/plain\r\n\r\nSETUJU\r\n", f);
	assert_int_equal(fclose(f), 0);
}

/* Hostile headers cost little: 16 MB of header, or 12 MB of 100 KB
 * fields, or a flood of addresses, are refused after a read of the bytes
 * that holds little of them; the largest accepted header (9 MB) is held a
 * few times; a field of a million one-letter words, which GMime would
 * decode at 60 bytes a byte, is cut first. Read from a file, as deliver
 * does, and measured in a child process, as the attachment test does.
 * Under AddressSanitizer, whose quarantine keeps what is freed, only the
 * verdicts are checked. */
static void
test_hostile_headers_bounded(void **state)
{
#if defined(__SANITIZE_ADDRESS__)
	const bool measured = false;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
	const bool measured = false;
#else
	const bool measured = true;
#endif
#else
	const bool measured = true;
#endif
	static const struct {
		const char *name;
		size_t bytes;
		unsigned times;
		dispo_mail_status status;
		long max_kb;
	} cases[] = {
	    {"X-Big", 16 << 20, 1, DISPO_MAIL_OVER_LIMIT, 8 << 10},
	    {"X-Pad", 100 << 10, 120, DISPO_MAIL_OVER_LIMIT, 8 << 10},
	    {"Cc", 100 << 10, 8, DISPO_MAIL_OVER_LIMIT, 8 << 10},
	    {"X-Pad", 100 << 10, 90, DISPO_MAIL_PARSED, 48 << 10},
	    {"Cc", 100 << 10, 4, DISPO_MAIL_PARSED, 48 << 10},
	    {"X-Words", 9 << 20, 1, DISPO_MAIL_PARSED, 48 << 10},
	};
	g_autofree char *dir = test_tmpdir("headers");
	g_autofree char *path = g_build_filename(dir, "m.eml", NULL);

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		int pipefd[2], status;
		long out[3];
		pid_t pid;
		write_message(path, cases[i].name, cases[i].bytes, cases[i].times);
		assert_int_equal(pipe(pipefd), 0);
		pid = fork();
		if (pid == 0) {
			struct rusage before, after;
			dispo_mail *m;
			long res[3];
			getrusage(RUSAGE_SELF, &before);
			m = mime_mail_parse_file(path, &default_limits, NULL, NULL);
			getrusage(RUSAGE_SELF, &after);
			res[0] = after.ru_maxrss - before.ru_maxrss;
			res[1] = m->status;
			res[2] = (long)m->cc->len;
			if (write(pipefd[1], res, sizeof res) != sizeof res)
				_exit(1);
			_exit(0);
		}
		close(pipefd[1]);
		assert_int_equal(read(pipefd[0], out, sizeof out), sizeof out);
		close(pipefd[0]);
		waitpid(pid, &status, 0);
		print_message(
		    "%u x %s of %zu bytes: %s, %ld Cc mailboxes, the parser grew by %ld KB\n",
		    cases[i].times, cases[i].name, cases[i].bytes,
		    mime_mail_status_name((dispo_mail_status)out[1]), out[2], out[0]);
		assert_int_equal(out[1], cases[i].status);
		assert_true(!measured || out[0] < cases[i].max_kb);
	}
	test_rm_rf(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_limits),
	    cmocka_unit_test(test_prescan),
	    cmocka_unit_test(test_prescan_hostile),
	    cmocka_unit_test(test_long_headers),
	    cmocka_unit_test(test_hostile_headers_bounded),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
