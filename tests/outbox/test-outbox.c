/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-outbox.c: the sender loop (claiming, retry with backoff and jitter,
 * giving up, the failure hook, a resend after a crash), the address gate
 * against SMTP and header injection, the credentials file, and the Maildir
 * backend. Faults come from a backend that fails on command; the real SMTP
 * server is in tests/integration. */
#include "config.h"

#include "outbox/outbox.h"
#include "testutil.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <utime.h>

/* ---- the address gate --------------------------------------------------- */

static void
test_address(void **state)
{
	static const struct {
		const char *address;
		bool ok;
	} cases[] = {
	    {"budi.santoso@kuduskab.go.id", true},
	    {"sertifikat+Ab3_x-9@kuduskab.go.id", true},
	    {"o'neil@dinkes.kuduskab.go.id", true},
	    {"admin@localhost.localdomain", true},
	    {"a@b.c", true},
	    /* SMTP command injection through RCPT TO / MAIL FROM */
	    {"x@kuduskab.go.id>\r\nRCPT TO:<evil@example.com", false},
	    {"x@kuduskab.go.id\r\nDATA", false},
	    {"x@kuduskab.go.id\nRCPT TO:<evil@example.com>", false},
	    {"x@kuduskab.go.id\rQUIT", false},
	    {"<x@kuduskab.go.id>", false},
	    {"x@kuduskab.go.id> SIZE=1", false},
	    {"x@kuduskab.go.id NOTIFY=NEVER", false},
	    /* header injection through To: */
	    {"x@kuduskab.go.id\r\nBcc: evil@example.com", false},
	    {"x@kuduskab.go.id, evil@example.com", false},
	    {"x@kuduskab.go.id;evil@example.com", false},
	    {"\"x@y\"@kuduskab.go.id", false},
	    {"Budi <x@kuduskab.go.id>", false},
	    {"x@kuduskab.go.id (comment)", false},
	    {"x\t@kuduskab.go.id", false},
	    {"x\x7f@kuduskab.go.id", false},
	    {"x@[127.0.0.1]", false},
	    /* shape */
	    {"", false},
	    {"x", false},
	    {"@kuduskab.go.id", false},
	    {"x@", false},
	    {"x@@kuduskab.go.id", false},
	    {"x@y@kuduskab.go.id", false},
	    {".x@kuduskab.go.id", false},
	    {"x.@kuduskab.go.id", false},
	    {"x..y@kuduskab.go.id", false},
	    {"x@kuduskab..go.id", false},
	    {"x@-kuduskab.go.id", true}, /* a server's problem, not an injection */
	    {"x@localhost", false},
	    {"x@kuduskab_go.id", false},
	    {"bud\xc3\xad@kuduskab.go.id", false},
	    {"budi@kud\xc3\xbas.go.id", false},
	};
	g_autofree char *local64 = g_strnfill(64, 'a');
	g_autofree char *local65 = g_strnfill(65, 'a');
	g_autofree char *label = g_strnfill(60, 'd');
	g_autofree char *ok_long = g_strdup_printf("%s@%s.%s.%s.%s.go.id", local64, label, label,
	                                           label, label); /* 64 + 1 + 250 */
	g_autofree char *too_local = g_strdup_printf("%s@kuduskab.go.id", local65);
	g_autofree char *too_domain =
	    g_strdup_printf("a@%s.%s.%s.%s.%s", label, label, label, label, "kuduskab.go.id");

	(void)state;
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autoptr(GError) e = NULL;
		bool ok = outbox_address_check(cases[i].address, &e);
		if (ok != cases[i].ok)
			fail_msg("%s: %s (%s)", g_strescape(cases[i].address, NULL),
			         ok ? "accepted" : "refused", e ? e->message : "");
		if (!ok) {
			assert_true(
			    g_error_matches(e, DISPO_OUTBOX_ERROR, DISPO_OUTBOX_ERROR_PERMANENT));
			/* the message shows the address escaped: no raw CR or LF in logs */
			assert_null(strpbrk(e->message, "\r\n"));
		}
	}
	assert_true(outbox_address_check(ok_long, NULL));
	assert_false(outbox_address_check(too_local, NULL));
	assert_false(outbox_address_check(too_domain, NULL));
	assert_false(outbox_address_check(NULL, NULL));
}

/* ---- backoff ------------------------------------------------------------ */

static void
test_retry_at(void **state)
{
	dispo_time base = 1000000;
	bool spread = false;

	(void)state;
	for (unsigned attempts = 1; attempts <= 30; attempts++) {
		dispo_time delay = 60;
		dispo_time first = 0;
		for (unsigned i = 1; i < attempts && delay < 6 * 3600; i++)
			delay *= 2;
		delay = MIN(delay, 6 * 3600);
		for (int k = 0; k < 50; k++) {
			dispo_time t = outbox_retry_at(base, attempts) - base;
			if (t < delay || t > delay + delay / 4)
				fail_msg("attempt %u: %" G_GINT64_FORMAT
				         " s outside [%" G_GINT64_FORMAT ", %" G_GINT64_FORMAT "]",
				         attempts, (gint64)t, (gint64)delay,
				         (gint64)(delay + delay / 4));
			if (k == 0)
				first = t;
			else if (t != first)
				spread = true;
		}
	}
	/* jitter: not every retry of a batch lands on the same second */
	assert_true(spread);
	assert_int_equal(outbox_retry_at(base, 1) / 60, (base + 60) / 60);
}

/* ---- the loop, with a backend that fails on command ------------------------ */

typedef struct fake {
	char *dir;
	dispo_store *store;
	dispo_outbox *outbox;
	/* what the backend does next, per call: 'o' ok, 't' temporary, 'p'
	 * permanent, 'u' the server unavailable */
	const char *script;
	unsigned calls;
	GPtrArray *seen; /* Message-IDs handed over, in order */
	unsigned failed_calls;
	bool fail_hook; /* the failure hook itself fails (its transaction rolls back) */
	char *failed_why;
	/* 'l': the server accepts, and meanwhile another writer takes the
	 * store's write lock (this second connection) */
	dispo_store *locker;
} fake;

static bool
fake_deliver(dispo_outbox *outbox, const dispo_outbox_row *row, GBytes *message, GError **error)
{
	fake *f = outbox->priv;
	char what = f->script && f->script[f->calls] ? f->script[f->calls] : 'o';
	gsize len;
	const char *data = g_bytes_get_data(message, &len);

	f->calls++;
	g_ptr_array_add(f->seen, g_strdup(row->message_id));
	/* the bytes handed over are the stored rendering */
	assert_non_null(g_strstr_len(data, (gssize)len, row->message_id));
	if (what == 't') {
		g_set_error(error, DISPO_OUTBOX_ERROR, DISPO_OUTBOX_ERROR_TEMPORARY,
		            "451 4.3.0 try later");
		return false;
	}
	if (what == 'u') {
		g_set_error(error, DISPO_OUTBOX_ERROR, DISPO_OUTBOX_ERROR_UNAVAILABLE,
		            "the server did not answer in time");
		return false;
	}
	if (what == 'l')
		assert_true(store_begin(f->locker, NULL));
	if (what == 'p') {
		g_set_error(error, DISPO_OUTBOX_ERROR, DISPO_OUTBOX_ERROR_PERMANENT,
		            "550 5.1.1 no such user");
		return false;
	}
	return true;
}

static const dispo_outbox_backend fake_backend = {"fake", fake_deliver, NULL};

static bool
fake_failed(dispo_store *store, const dispo_outbox_row *row, const char *why, void *user,
            GError **error)
{
	fake *f = user;

	(void)store;
	(void)row;
	f->failed_calls++;
	g_free(f->failed_why);
	f->failed_why = g_strdup(why);
	if (f->fail_hook) {
		g_set_error(error, DISPO_OUTBOX_ERROR, DISPO_OUTBOX_ERROR_TEMPORARY, "hook failed");
		return false;
	}
	return true;
}

static int
fake_setup(void **state)
{
	fake *f = g_new0(fake, 1);
	g_autofree char *db = NULL;
	g_autofree char *mail = NULL;
	g_autoptr(GError) e = NULL;

	f->dir = test_tmpdir("outbox");
	db = g_build_filename(f->dir, "dispo.db", NULL);
	mail = g_build_filename(f->dir, "mail", NULL);
	f->store = store_open(db, mail, 1000, &e);
	assert_non_null(f->store);
	f->outbox = g_new0(dispo_outbox, 1);
	f->outbox->backend = &fake_backend;
	f->outbox->priv = f;
	f->outbox->max_age = 2 * 86400;
	f->outbox->failed = fake_failed;
	f->outbox->failed_user = f;
	f->seen = g_ptr_array_new_with_free_func(g_free);
	*state = f;
	return 0;
}

static int
fake_teardown(void **state)
{
	fake *f = *state;

	outbox_free(f->outbox);
	store_close(f->locker);
	store_close(f->store);
	test_rm_rf(f->dir);
	g_free(f->dir);
	g_free(f->failed_why);
	g_ptr_array_unref(f->seen);
	g_free(f);
	return 0;
}

/* Adds an email to to_addr (and cc_addr, when not NULL), created at t,
 * with its bytes stored. */
static int64_t
add_row_cc(fake *f, const char *to_addr, const char *cc_addr, dispo_time t)
{
	static unsigned n;
	g_autofree char *mid = g_strdup_printf("m%u.%d@kuduskab.go.id", ++n, (int)getpid());
	g_autofree char *text = g_strdup_printf("Message-ID: <%s>\r\nTo: %s\r\n\r\nhi\r\n", mid,
	                                        "someone@kuduskab.go.id");
	g_autoptr(dispo_spool) spool = store_spool_new(f->store, NULL);
	int64_t id = 0;
	dispo_outbox_new row = {.template = "t",
	                        .kind = "workflow",
	                        .message_id = mid,
	                        .to_addr = to_addr,
	                        .cc_addr = cc_addr,
	                        .created_at = t};

	assert_non_null(spool);
	assert_true(store_spool_write(spool, text, strlen(text), NULL));
	assert_true(store_spool_finish(spool, NULL));
	assert_true(store_spool_commit(f->store, spool, false, NULL));
	row.blob_sha256 = store_spool_sha256(spool);
	assert_true(store_outbox_insert(f->store, &row, &id, NULL));
	return id;
}

static int64_t
add_row(fake *f, const char *to_addr, dispo_time t)
{
	return add_row_cc(f, to_addr, NULL, t);
}

static dispo_outbox_row *
get_row(fake *f, int64_t id)
{
	g_autoptr(GPtrArray) rows = store_outbox_list(f->store, NULL, NULL);

	for (guint i = 0; i < rows->len; i++)
		if (((dispo_outbox_row *)rows->pdata[i])->id == id)
			return g_ptr_array_steal_index(rows, i);
	fail_msg("no outbox row %d", (int)id);
	return NULL;
}

static void
flush(fake *f, dispo_time now, unsigned sent, unsigned deferred, unsigned failed)
{
	dispo_outbox_stats st = {0};
	g_autoptr(GError) e = NULL;

	if (!outbox_flush(f->outbox, f->store, now, &st, &e))
		fail_msg("flush: %s", e->message);
	assert_int_equal(st.sent, sent);
	assert_int_equal(st.deferred, deferred);
	assert_int_equal(st.failed, failed);
}

static void
test_flush_retry_then_sent(void **state)
{
	fake *f = *state;
	dispo_time t = 1800000000;
	int64_t id = add_row(f, "budi@kuduskab.go.id", t);
	g_autoptr(dispo_outbox_row) r1 = NULL;
	g_autoptr(dispo_outbox_row) r2 = NULL;
	g_autoptr(dispo_outbox_row) r3 = NULL;

	f->script = "tto";
	flush(f, t, 0, 1, 0);
	r1 = get_row(f, id);
	assert_string_equal(r1->state, "pending");
	assert_int_equal(r1->attempts, 1);
	assert_string_equal(r1->last_error, "451 4.3.0 try later");
	assert_in_range(r1->next_attempt_at, t + 60, t + 75);
	/* not due yet: nothing is handed over */
	flush(f, t + 59, 0, 0, 0);
	assert_int_equal(f->calls, 1);
	flush(f, r1->next_attempt_at, 0, 1, 0);
	r2 = get_row(f, id);
	assert_int_equal(r2->attempts, 2);
	assert_in_range(r2->next_attempt_at, r1->next_attempt_at + 120, r1->next_attempt_at + 150);
	flush(f, r2->next_attempt_at, 1, 0, 0);
	r3 = get_row(f, id);
	assert_string_equal(r3->state, "sent");
	assert_int_equal(r3->sent_at, r2->next_attempt_at);
	/* a sent email is never handed over again */
	flush(f, r2->next_attempt_at + 86400, 0, 0, 0);
	assert_int_equal(f->calls, 3);
	assert_int_equal(f->failed_calls, 0);
}

static void
test_flush_permanent(void **state)
{
	fake *f = *state;
	dispo_time t = 1800000000;
	int64_t bad = add_row(f, "nobody@kuduskab.go.id", t);
	int64_t good = add_row(f, "budi@kuduskab.go.id", t);
	g_autoptr(dispo_outbox_row) r = NULL;
	g_autoptr(dispo_outbox_row) g = NULL;

	f->script = "po";
	flush(f, t, 1, 0, 1);
	r = get_row(f, bad);
	g = get_row(f, good);
	assert_string_equal(r->state, "failed");
	assert_string_equal(g->state, "sent");
	assert_int_equal(f->failed_calls, 1);
	assert_string_equal(f->failed_why, "550 5.1.1 no such user");
	flush(f, t + 7 * 86400, 0, 0, 0);
	assert_int_equal(f->calls, 2);
}

static void
test_flush_injection_never_handed_over(void **state)
{
	fake *f = *state;
	dispo_time t = 1800000000;
	int64_t id = add_row(f, "x@kuduskab.go.id>\r\nRCPT TO:<evil@example.com", t);
	g_autoptr(dispo_outbox_row) r = NULL;

	flush(f, t, 0, 0, 1);
	assert_int_equal(f->calls, 0);
	r = get_row(f, id);
	assert_string_equal(r->state, "failed");
	assert_non_null(strstr(r->last_error, "refusing to send"));
	assert_int_equal(f->failed_calls, 1);
}

/* A Cc is kept with the row, handed to the sender with its To, and held to
 * the same gate: one bad address and nothing goes. */
static void
test_flush_cc(void **state)
{
	fake *f = *state;
	dispo_time t = 1800000000;
	int64_t ok = add_row_cc(f, "Budi.Santoso@kuduskab.go.id",
	                        "TU.Dinkes@kuduskab.go.id, budi.santoso@kuduskab.go.id,,", t);
	int64_t bad =
	    add_row_cc(f, "budi@kuduskab.go.id", "tu@kuduskab.go.id>\r\nRCPT TO:<evil@x.com>", t);
	g_autoptr(dispo_outbox_row) r = get_row(f, ok);
	g_autoptr(dispo_outbox_row) b = NULL;
	g_auto(GStrv) rcpts = outbox_row_recipients(r);

	assert_string_equal(r->cc_addr, "tu.dinkes@kuduskab.go.id, budi.santoso@kuduskab.go.id,,");
	assert_int_equal(g_strv_length(rcpts), 2);
	assert_string_equal(rcpts[0], "budi.santoso@kuduskab.go.id");
	assert_string_equal(rcpts[1], "tu.dinkes@kuduskab.go.id");
	flush(f, t, 1, 0, 1);
	assert_int_equal(f->calls, 1);
	b = get_row(f, bad);
	assert_string_equal(b->state, "failed");
	assert_non_null(strstr(b->last_error, "refusing to send"));
	/* No Cc: the To alone. */
	{
		dispo_outbox_row plain = {.to_addr = (char *)"budi@kuduskab.go.id"};
		g_auto(GStrv) one = outbox_row_recipients(&plain);
		g_autoptr(dispo_outbox_row) x = get_row(f, add_row(f, "x@kuduskab.go.id", t));
		assert_int_equal(g_strv_length(one), 1);
		assert_null(x->cc_addr);
	}
}

static void
test_flush_gives_up_after_max_age(void **state)
{
	fake *f = *state;
	dispo_time t = 1800000000;
	int64_t id = add_row(f, "budi@kuduskab.go.id", t);
	g_autoptr(dispo_outbox_row) r = NULL;

	f->script = "tttttttttttttttttttttttttttttttttttttttttttttttttt";
	/* retry whenever due, for three days: attempts stop at two days */
	for (dispo_time now = t; now < t + 3 * 86400; now += 600)
		assert_true(outbox_flush(f->outbox, f->store, now, NULL, NULL));
	r = get_row(f, id);
	assert_string_equal(r->state, "failed");
	assert_non_null(strstr(r->last_error, "gave up after"));
	assert_non_null(strstr(r->last_error, "451 4.3.0"));
	assert_int_equal(f->failed_calls, 1);
	/* 1, 2, 4 … 256 min, then every 6 h: about 18 attempts in two days, not 288 */
	assert_in_range(f->calls, 12, 20);
	assert_int_equal(r->attempts, f->calls);
}

static void
test_flush_crash_resends_same_message_id(void **state)
{
	fake *f = *state;
	dispo_time t = 1800000000;
	int64_t id = add_row(f, "budi@kuduskab.go.id", t);
	g_autoptr(GPtrArray) claimed = NULL;
	g_autoptr(dispo_outbox_row) r = NULL;
	g_autoptr(dispo_outbox_row) before = get_row(f, id);

	/* A sender claimed the row and died before recording the result (the
	 * server may have said 250). */
	assert_true(store_begin(f->store, NULL));
	claimed = store_outbox_claim(f->store, t, DISPO_OUTBOX_LEASE, 10, NULL);
	assert_true(store_commit(f->store, NULL));
	assert_int_equal(claimed->len, 1);
	/* Another run while the lease holds leaves it alone (no double send by
	 * two senders at once). */
	flush(f, t + 60, 0, 0, 0);
	assert_int_equal(f->calls, 0);
	/* After the lease it is sent again, with the same Message-ID. */
	flush(f, t + DISPO_OUTBOX_LEASE, 1, 0, 0);
	assert_int_equal(f->calls, 1);
	assert_string_equal(f->seen->pdata[0], before->message_id);
	r = get_row(f, id);
	assert_string_equal(r->state, "sent");
}

/* A server that is away (no answer within the timeout) is asked once per
 * run: the other due emails are deferred with its reason, each on its own
 * schedule, without waiting for the same timeout again; an address the
 * gate refuses still fails for good. */
static void
test_flush_unavailable_server_asked_once(void **state)
{
	fake *f = *state;
	dispo_time t = 1800000000;
	int64_t a = add_row(f, "budi@kuduskab.go.id", t);
	int64_t b = add_row(f, "rina@kuduskab.go.id", t);
	int64_t bad = add_row(f, "x@kuduskab.go.id\r\nDATA", t);
	int64_t c = add_row(f, "agus@kuduskab.go.id", t);
	int64_t ids[] = {a, b, c};

	f->script = "uooo";
	flush(f, t, 0, 3, 1);
	assert_int_equal(f->calls, 1);
	for (size_t i = 0; i < G_N_ELEMENTS(ids); i++) {
		g_autoptr(dispo_outbox_row) r = get_row(f, ids[i]);
		assert_string_equal(r->state, "pending");
		assert_int_equal(r->attempts, 1);
		assert_in_range(r->next_attempt_at, t + 60, t + 75);
		assert_true(g_str_has_prefix(r->last_error, "the server did not answer in time"));
		assert_true(i == 0 || strstr(r->last_error, "not tried") != NULL);
	}
	{
		g_autoptr(dispo_outbox_row) r = get_row(f, bad);
		assert_string_equal(r->state, "failed");
	}
	/* back: all three go on their next try, each once */
	flush(f, t + 75, 3, 0, 0);
	assert_int_equal(f->calls, 4);
}

/* The server said 250, but the store is locked past busy_timeout when the
 * row is to be marked sent: the sender remembers it, records it when the
 * store is free again, and never hands it over a second time (a reload's
 * new sender takes over what the old one remembers). Left claimed, the row
 * would have gone again after its lease. */
static void
test_flush_busy_store_records_later(void **state)
{
	fake *f = *state;
	dispo_time t = 1800000000;
	g_autofree char *db = g_build_filename(f->dir, "dispo.db", NULL);
	g_autofree char *mail = g_build_filename(f->dir, "mail", NULL);
	g_autoptr(GError) e = NULL;
	g_autoptr(dispo_outbox_row) during = NULL;
	g_autoptr(dispo_outbox_row) after = NULL;
	g_autoptr(dispo_outbox_row) second = NULL;
	dispo_outbox *reloaded = g_new0(dispo_outbox, 1);
	int64_t id, other;

	/* a short busy_timeout, so that the test does not wait a second */
	store_close(f->store);
	f->store = store_open(db, mail, 50, NULL);
	f->locker = store_open(db, mail, 50, NULL);
	assert_non_null(f->store);
	assert_non_null(f->locker);
	id = add_row(f, "budi@kuduskab.go.id", t);
	other = add_row(f, "rina@kuduskab.go.id", t);

	f->script = "lo";
	assert_false(outbox_flush(f->outbox, f->store, t, NULL, &e));
	assert_non_null(strstr(e->message, "was sent, but cannot be recorded yet"));
	assert_int_equal(outbox_unrecorded(f->outbox), 1);
	assert_int_equal(f->calls, 1);
	g_clear_error(&e);
	/* still locked: nothing else is sent, nothing sent again */
	assert_false(outbox_flush(f->outbox, f->store, t + 1, NULL, &e));
	g_clear_error(&e);
	assert_int_equal(f->calls, 1);
	store_rollback(f->locker);
	during = get_row(f, id);
	assert_string_equal(during->state, "sending");

	/* SIGHUP: a new sender replaces this one and inherits what it owes */
	reloaded->backend = f->outbox->backend;
	reloaded->priv = f;
	outbox_hand_over(f->outbox, reloaded);
	assert_int_equal(outbox_unrecorded(f->outbox), 0);
	outbox_free(f->outbox);
	f->outbox = reloaded;
	flush(f, t + 2, 2, 0, 0);
	after = get_row(f, id);
	assert_string_equal(after->state, "sent");
	assert_int_equal(after->sent_at, t);
	assert_int_equal(outbox_unrecorded(f->outbox), 0);
	/* the other row went once, the first was never handed over again, not
	 * even after its lease */
	flush(f, t + 2 * DISPO_OUTBOX_LEASE, 0, 0, 0);
	assert_int_equal(f->calls, 2);
	second = get_row(f, other);
	assert_string_equal(f->seen->pdata[1], second->message_id);
}

static void
test_flush_hook_failure_does_not_stall(void **state)
{
	fake *f = *state;
	dispo_time t = 1800000000;
	int64_t bad = add_row(f, "nobody@kuduskab.go.id", t);
	int64_t good = add_row(f, "budi@kuduskab.go.id", t);
	g_autoptr(dispo_outbox_row) r = NULL;
	g_autoptr(dispo_outbox_row) g = NULL;

	f->script = "po";
	f->fail_hook = true;
	/* the notice cannot be made (its template is gone, say): the failure is
	 * still recorded and the next email still goes */
	flush(f, t, 1, 0, 1);
	r = get_row(f, bad);
	g = get_row(f, good);
	assert_string_equal(r->state, "failed");
	assert_string_equal(g->state, "sent");
	assert_int_equal(f->failed_calls, 1);
}

static void
test_flush_missing_bytes(void **state)
{
	fake *f = *state;
	dispo_time t = 1800000000;
	int64_t id = add_row(f, "budi@kuduskab.go.id", t);
	g_autoptr(dispo_outbox_row) r = get_row(f, id);
	g_autofree char *path = store_blob_path(f->store, r->blob_sha256);
	g_autoptr(dispo_outbox_row) after = NULL;

	assert_int_equal(g_unlink(path), 0);
	flush(f, t, 0, 0, 1);
	assert_int_equal(f->calls, 0);
	after = get_row(f, id);
	assert_string_equal(after->state, "failed");
	assert_non_null(strstr(after->last_error, "bytes are missing"));
}

/* ---- Maildir backend ----------------------------------------------------- */

static void
test_maildir(void **state)
{
	fake *f = *state;
	dispo_time t = 1800000000;
	g_autofree char *dir = g_build_filename(f->dir, "out", NULL);
	g_autoptr(dispo_outbox) md = outbox_maildir_new(dir, NULL);
	int64_t id = add_row(f, "budi@kuduskab.go.id", t);
	g_autofree char *name = g_strdup_printf("%06d.eml", (int)id);
	g_autofree char *path = g_build_filename(dir, "new", name, NULL);
	g_autofree char *data = NULL;
	g_autoptr(dispo_outbox_row) r = get_row(f, id);
	dispo_outbox_stats st = {0};

	assert_non_null(md);
	assert_true(outbox_flush(md, f->store, t, &st, NULL));
	assert_int_equal(st.sent, 1);
	assert_true(g_file_get_contents(path, &data, NULL, NULL));
	assert_non_null(strstr(data, r->message_id));
	{
		/* complete in new/, nothing left in tmp/ */
		g_autofree char *tmp = g_build_filename(dir, "tmp", NULL);
		g_autoptr(GDir) d = g_dir_open(tmp, 0, NULL);
		assert_non_null(d);
		assert_null(g_dir_read_name(d));
	}
}

/* What a writer killed mid-write leaves in tmp/ goes when the outbox is
 * next opened, once it is an hour old; a write in progress stays. */
static void
test_maildir_sweep(void **state)
{
	fake *f = *state;
	g_autofree char *dir = g_build_filename(f->dir, "sweep", NULL);
	g_autofree char *old = g_build_filename(dir, "tmp", "000007.eml.tmp.4242", NULL);
	g_autofree char *fresh = g_build_filename(dir, "tmp", "000008.eml.tmp.4243", NULL);
	struct utimbuf two_hours_ago = {.actime = time(NULL) - 7200, .modtime = time(NULL) - 7200};
	dispo_outbox *md = outbox_maildir_new(dir, NULL);

	assert_non_null(md);
	outbox_free(md);
	assert_true(g_file_set_contents(old, "From: half", -1, NULL));
	assert_true(g_file_set_contents(fresh, "From: being written", -1, NULL));
	assert_int_equal(utime(old, &two_hours_ago), 0);
	md = outbox_maildir_new(dir, NULL);
	assert_non_null(md);
	assert_false(g_file_test(old, G_FILE_TEST_EXISTS));
	assert_true(g_file_test(fresh, G_FILE_TEST_EXISTS));
	outbox_free(md);
}

/* ---- credentials ---------------------------------------------------------- */

static char *
write_file(const char *dir, const char *name, const char *text, mode_t mode)
{
	char *path = g_build_filename(dir, name, NULL);

	assert_true(g_file_set_contents(path, text, -1, NULL));
	assert_int_equal(chmod(path, mode), 0);
	return path;
}

static void
test_credentials(void **state)
{
	fake *f = *state;
	g_autofree char *good = write_file(f->dir, "good",
	                                   "# dispo's SMTP login\n"
	                                   "username = dispo@kuduskab.go.id\n"
	                                   "password =  s3cret = with spaces \n",
	                                   0600);
	g_autofree char *ro = write_file(f->dir, "ro", "username=u\npassword=p\n", 0400);
	g_autofree char *open = write_file(f->dir, "open", "username=u\npassword=p\n", 0644);
	g_autofree char *group = write_file(f->dir, "group", "username=u\npassword=p\n", 0640);
	g_autofree char *nopass = write_file(f->dir, "nopass", "username = u\n", 0600);
	g_autofree char *link = g_build_filename(f->dir, "link", NULL);
	g_autofree char *missing = g_build_filename(f->dir, "missing", NULL);
	char *user = NULL, *pass = NULL;
	g_autoptr(GError) e = NULL;

	(void)state;
	assert_true(outbox_credentials_read(good, &user, &pass, NULL));
	assert_string_equal(user, "dispo@kuduskab.go.id");
	assert_string_equal(pass, "s3cret = with spaces");
	g_free(user);
	g_free(pass);
	assert_true(outbox_credentials_read(ro, &user, &pass, NULL));
	g_free(user);
	g_free(pass);
	assert_false(outbox_credentials_read(open, &user, &pass, &e));
	assert_non_null(strstr(e->message, "chmod 600"));
	g_clear_error(&e);
	assert_false(outbox_credentials_read(group, &user, &pass, NULL));
	assert_false(outbox_credentials_read(nopass, &user, &pass, &e));
	assert_null(user);
	assert_null(pass);
	assert_non_null(strstr(e->message, "password"));
	assert_int_equal(symlink(good, link), 0);
	assert_false(outbox_credentials_read(link, &user, &pass, NULL));
	assert_false(outbox_credentials_read(missing, &user, &pass, NULL));
}

static void
test_smtp_new_refuses(void **state)
{
	fake *f = *state;
	g_autofree char *cred = write_file(f->dir, "cred", "username=u\npassword=p\n", 0600);
	g_autoptr(GError) e = NULL;
	dispo_smtp_options plain = {.url = "smtp://127.0.0.1:1",
	                            .starttls = false,
	                            .verify = true,
	                            .credentials_file = cred,
	                            .auth = "ANY",
	                            .timeout_ms = 1000};
	dispo_smtp_options bad_url = {.url = "http://127.0.0.1:1", .starttls = true};
	dispo_smtp_options bad_from = {
	    .url = "smtp://127.0.0.1:1", .starttls = true, .envelope_from = "a@b.go.id\r\nX: y"};

	assert_null(outbox_smtp_new(&plain, &e));
	assert_non_null(strstr(e->message, "unencrypted"));
	g_clear_error(&e);
	assert_null(outbox_smtp_new(&bad_url, &e));
	g_clear_error(&e);
	assert_null(outbox_smtp_new(&bad_from, &e));
}

/* Nothing listens on the port: a temporary failure, retried later. */
static void
test_smtp_refused(void **state)
{
	fake *f = *state;
	dispo_time t = 1800000000;
	int64_t id = add_row(f, "budi@kuduskab.go.id", t);
	dispo_smtp_options o = {.url = "smtp://127.0.0.1:9",
	                        .starttls = true,
	                        .verify = true,
	                        .auth = "ANY",
	                        .envelope_from = "sertifikat@kuduskab.go.id",
	                        .timeout_ms = 2000};
	g_autoptr(dispo_outbox) smtp = outbox_smtp_new(&o, NULL);
	dispo_outbox_stats st = {0};
	g_autoptr(dispo_outbox_row) r = NULL;

	assert_non_null(smtp);
	assert_true(outbox_flush(smtp, f->store, t, &st, NULL));
	assert_int_equal(st.deferred, 1);
	r = get_row(f, id);
	assert_string_equal(r->state, "pending");
	assert_non_null(strstr(r->last_error, "cannot connect"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_address),
	    cmocka_unit_test(test_retry_at),
	    cmocka_unit_test_setup_teardown(test_flush_retry_then_sent, fake_setup, fake_teardown),
	    cmocka_unit_test_setup_teardown(test_flush_permanent, fake_setup, fake_teardown),
	    cmocka_unit_test_setup_teardown(test_flush_injection_never_handed_over, fake_setup,
	                                    fake_teardown),
	    cmocka_unit_test_setup_teardown(test_flush_cc, fake_setup, fake_teardown),
	    cmocka_unit_test_setup_teardown(test_flush_gives_up_after_max_age, fake_setup,
	                                    fake_teardown),
	    cmocka_unit_test_setup_teardown(test_flush_crash_resends_same_message_id, fake_setup,
	                                    fake_teardown),
	    cmocka_unit_test_setup_teardown(test_flush_unavailable_server_asked_once, fake_setup,
	                                    fake_teardown),
	    cmocka_unit_test_setup_teardown(test_flush_busy_store_records_later, fake_setup,
	                                    fake_teardown),
	    cmocka_unit_test_setup_teardown(test_flush_hook_failure_does_not_stall, fake_setup,
	                                    fake_teardown),
	    cmocka_unit_test_setup_teardown(test_flush_missing_bytes, fake_setup, fake_teardown),
	    cmocka_unit_test_setup_teardown(test_maildir_sweep, fake_setup, fake_teardown),
	    cmocka_unit_test_setup_teardown(test_maildir, fake_setup, fake_teardown),
	    cmocka_unit_test_setup_teardown(test_credentials, fake_setup, fake_teardown),
	    cmocka_unit_test_setup_teardown(test_smtp_new_refuses, fake_setup, fake_teardown),
	    cmocka_unit_test_setup_teardown(test_smtp_refused, fake_setup, fake_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
