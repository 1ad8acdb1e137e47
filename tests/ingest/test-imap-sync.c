/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-imap-sync.c: the checkpoint, the move after the commit, retries and
 * quarantine, UIDVALIDITY changes and a failing store, with faults
 * injected by an in-memory mailbox that stands in for imap.c (the real
 * server path is tests/integration/test-serve.sh against Dovecot). */
#include "config.h"

#include "ingest/ingest.h"

#include "testutil.h"

/* ---- the fake server: the functions of imap.c that imap-sync.c calls ----- */

/* clang-format off */
G_DEFINE_QUARK(dispo-imap-error-quark, dispo_imap_error)
/* clang-format on */

typedef struct fake_msg {
	uint32_t uid;
	GBytes *bytes;
	char *folder; /* NULL: in the watched mailbox */
	bool seen, flagged;
	bool short_read;  /* FETCH sends one byte less than SIZE says */
	bool vanish;      /* gone between SEARCH and FETCH */
	bool finish_drop; /* the connection breaks on MOVE */
} fake_msg;

struct dispo_imap {
	uint32_t uidvalidity;
	GPtrArray *msgs; /* fake_msg * */
	unsigned fetches;
	unsigned chunks;
};

static struct dispo_imap server;

static void
fake_msg_free(fake_msg *m)
{
	g_bytes_unref(m->bytes);
	g_free(m->folder);
	g_free(m);
}

static fake_msg *
fake_add(const char *text)
{
	fake_msg *m = g_new0(fake_msg, 1);
	uint32_t last =
	    server.msgs->len ? ((fake_msg *)server.msgs->pdata[server.msgs->len - 1])->uid : 0;

	m->uid = last + 1;
	m->bytes = g_bytes_new(text, strlen(text));
	g_ptr_array_add(server.msgs, m);
	return m;
}

static fake_msg *
fake_find(uint32_t uid)
{
	for (guint i = 0; i < server.msgs->len; i++)
		if (((fake_msg *)server.msgs->pdata[i])->uid == uid)
			return server.msgs->pdata[i];
	return NULL;
}

static unsigned
fake_count(const char *folder)
{
	unsigned n = 0;
	for (guint i = 0; i < server.msgs->len; i++)
		n += g_strcmp0(((fake_msg *)server.msgs->pdata[i])->folder, folder) == 0;
	return n;
}

const char *
ingest_imap_account(const dispo_imap *imap)
{
	(void)imap;
	return "sertifikat@fake";
}

bool
ingest_imap_select(dispo_imap *imap, const char *mailbox, uint32_t *uidvalidity, uint32_t *uidnext,
                   GError **error)
{
	(void)mailbox;
	(void)error;
	*uidvalidity = imap->uidvalidity;
	*uidnext = imap->msgs->len + 1;
	return true;
}

GArray *
ingest_imap_uids(dispo_imap *imap, uint32_t after, GError **error)
{
	GArray *a = g_array_new(false, false, sizeof(uint32_t));

	(void)error;
	for (guint i = 0; i < imap->msgs->len; i++) {
		fake_msg *m = imap->msgs->pdata[i];
		if (!m->folder && m->uid > after)
			g_array_append_val(a, m->uid);
	}
	return a;
}

bool
ingest_imap_size(dispo_imap *imap, uint32_t uid, uint64_t *size, GError **error)
{
	fake_msg *m = fake_find(uid);

	(void)imap;
	if (!m || m->vanish || m->folder) {
		g_set_error(error, DISPO_IMAP_ERROR, DISPO_IMAP_ERROR_PROTOCOL, "no such message");
		return false;
	}
	*size = g_bytes_get_size(m->bytes);
	return true;
}

bool
ingest_imap_fetch(dispo_imap *imap, uint32_t uid, size_t chunk, dispo_imap_chunk_fn fn, void *user,
                  GError **error)
{
	fake_msg *m = fake_find(uid);
	gsize len;
	const char *data = g_bytes_get_data(m->bytes, &len);

	imap->fetches++;
	if (m->short_read)
		len--;
	for (size_t off = 0; off < len; off += chunk) {
		imap->chunks++;
		if (!fn(data + off, MIN(chunk, len - off), user, error))
			return false;
	}
	return true;
}

bool
ingest_imap_finish(dispo_imap *imap, uint32_t uid, const char *folder, GError **error)
{
	fake_msg *m = fake_find(uid);

	(void)imap;
	if (m->finish_drop) {
		m->finish_drop = false;
		g_set_error(error, DISPO_IMAP_ERROR, DISPO_IMAP_ERROR_CONNECT, "connection reset");
		return false;
	}
	if (folder)
		m->folder = g_strdup(folder);
	else
		m->seen = true;
	return true;
}

bool
ingest_imap_flag(dispo_imap *imap, uint32_t uid, GError **error)
{
	(void)imap;
	(void)error;
	fake_find(uid)->flagged = true;
	return true;
}

/* ---- fixture -------------------------------------------------------------- */

typedef struct {
	char *dir;
	dispo_config *config;
	dispo_store *store;
	dispo_ingest *ing;
	dispo_imap_sync *sync;
	GPtrArray *log; /* "TAKEN 1 …" lines */
	bool stop_after_one;
} fixture;

static void
log_fn(void *user, uint32_t uid, dispo_imap_sync_event what, const char *text, int64_t ms)
{
	fixture *f = user;
	static const char *const names[] = {"TAKEN", "DEFERRED", "QUARANTINED"};

	(void)ms;
	g_ptr_array_add(f->log, g_strdup_printf("%s %u %s", names[what], uid, text));
}

static bool
stop_fn(void *user)
{
	fixture *f = user;
	return f->stop_after_one && f->log->len >= 1;
}

static int
setup(void **state)
{
	fixture *f = g_new0(fixture, 1);
	g_autofree char *text = NULL, *db = NULL, *mail = NULL;
	g_autoptr(GError) e = NULL;
	dispo_ingest_options opt = {.source = "serve", .batch = 1, .now = 1795486500};
	dispo_imap_sync_options so = {.processed = "Diproses",
	                              .quarantine = "Karantina",
	                              .max_tries = 3,
	                              .chunk = 7,
	                              .retry_base_ms = 1,
	                              .log = log_fn,
	                              .stop = stop_fn};

	f->dir = test_tmpdir("imap-sync");
	text = g_strdup_printf("[general]\ndata_dir = %s/data\n[policy]\nrequire_authentication = "
	                       "false\n",
	                       f->dir);
	f->config = dispo_config_load_data(text, "test", f->dir, &e);
	assert_non_null(f->config);
	db = g_build_filename(f->config->data_dir, "dispo.db", NULL);
	mail = g_build_filename(f->config->data_dir, "mail", NULL);
	g_mkdir_with_parents(f->config->data_dir, 0700);
	f->store = store_open(db, mail, 200, &e);
	assert_non_null(f->store);
	/* No rules: messages are stored as received (the store path is what
	 * matters here; the workflow is the integration test's). */
	f->ing = ingest_new(f->config, f->store, &opt);
	f->log = g_ptr_array_new_with_free_func(g_free);
	so.log_user = f;
	f->sync = ingest_imap_sync_new(&so);
	server.uidvalidity = 1000;
	server.msgs = g_ptr_array_new_with_free_func((GDestroyNotify)fake_msg_free);
	server.fetches = server.chunks = 0;
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	fixture *f = *state;

	ingest_imap_sync_free(f->sync);
	ingest_free(f->ing);
	store_close(f->store);
	dispo_config_free(f->config);
	g_ptr_array_unref(f->log);
	g_ptr_array_unref(server.msgs);
	test_rm_rf(f->dir);
	g_free(f->dir);
	g_free(f);
	return 0;
}

static char *
message(unsigned n)
{
	return g_strdup_printf("From: Budi <budi.santoso@kuduskab.go.id>\r\nTo: "
	                       "sertifikat@kuduskab.go.id\r\nSubject: pesan %u\r\nMessage-ID: "
	                       "<m%u@kuduskab.go.id>\r\n\r\nisi %u\r\n",
	                       n, n, n);
}

static void
add_messages(unsigned n)
{
	for (unsigned i = 1; i <= n; i++) {
		g_autofree char *m = message(server.msgs->len + 1);
		fake_add(m);
	}
}

static int64_t
count(fixture *f, const char *status)
{
	int64_t n = 0;
	assert_true(store_message_count(f->store, status, &n, NULL));
	return n;
}

static uint32_t
checkpoint(fixture *f)
{
	dispo_imap_checkpoint cp;
	assert_true(store_imap_checkpoint_get(f->store, "sertifikat@fake/INBOX", &cp, NULL));
	return cp.found ? cp.last_uid : 0;
}

static bool
pass(fixture *f, int64_t *retry)
{
	int64_t r = 0;
	g_autoptr(GError) e = NULL;
	bool ok = ingest_imap_sync_pass(f->sync, &server, f->ing, &r, &e);
	if (retry)
		*retry = r;
	return ok;
}

/* ---- tests ------------------------------------------------------------------ */

static void
test_take_move_checkpoint(void **state)
{
	fixture *f = *state;
	int64_t retry;

	add_messages(3);
	assert_true(ingest_imap_sync_select(f->sync, &server, NULL));
	assert_string_equal(ingest_imap_sync_source(f->sync), "sertifikat@fake/INBOX");
	assert_true(pass(f, &retry));
	assert_int_equal(retry, 0);
	assert_int_equal(count(f, NULL), 3);
	assert_int_equal(checkpoint(f), 3);
	assert_int_equal(fake_count("Diproses"), 3);
	assert_int_equal(f->log->len, 3);
	assert_true(g_str_has_prefix(f->log->pdata[0], "TAKEN 1 "));
	/* Fetched in 7-byte pieces: never whole. */
	assert_true(server.chunks > 3 * 10);
	/* Nothing new: nothing fetched. */
	server.fetches = 0;
	assert_true(pass(f, NULL));
	assert_int_equal(server.fetches, 0);
}

static void
test_crash_between_commit_and_move(void **state)
{
	fixture *f = *state;

	add_messages(3);
	fake_find(2)->finish_drop = true;
	assert_true(ingest_imap_sync_select(f->sync, &server, NULL));
	/* The connection breaks on MOVE of the committed message 2. */
	assert_false(pass(f, NULL));
	assert_int_equal(count(f, NULL), 2);
	assert_int_equal(checkpoint(f), 2);
	assert_null(fake_find(2)->folder);
	/* Reconnected: 2 is moved without being taken again, 3 is taken. */
	server.fetches = 0;
	assert_true(ingest_imap_sync_select(f->sync, &server, NULL));
	assert_true(pass(f, NULL));
	assert_string_equal(fake_find(2)->folder, "Diproses");
	assert_int_equal(server.fetches, 1);
	assert_int_equal(count(f, NULL), 3);
	assert_int_equal(checkpoint(f), 3);
}

static void
test_retry_then_quarantine(void **state)
{
	fixture *f = *state;
	int64_t retry = 0;

	add_messages(3);
	fake_find(2)->short_read = true;
	assert_true(ingest_imap_sync_select(f->sync, &server, NULL));
	assert_true(pass(f, &retry));
	/* 1 and 3 taken; 2 waits, and holds the checkpoint at 1. */
	assert_int_equal(count(f, NULL), 2);
	assert_int_equal(checkpoint(f), 1);
	assert_true(retry > 0);
	assert_null(fake_find(2)->folder);
	assert_string_equal(fake_find(3)->folder, "Diproses");
	for (unsigned i = 0; i < 10 && !fake_find(2)->folder; i++) {
		g_usleep(20000);
		assert_true(pass(f, &retry));
	}
	assert_string_equal(fake_find(2)->folder, "Karantina");
	assert_int_equal(count(f, NULL), 2);
	assert_int_equal(checkpoint(f), 2);
	/* Recorded with its reason, logged once as quarantined. */
	{
		unsigned q = 0, d = 0;
		for (guint i = 0; i < f->log->len; i++) {
			q += g_str_has_prefix(f->log->pdata[i], "QUARANTINED 2 the server sent");
			d += g_str_has_prefix(f->log->pdata[i], "DEFERRED 2 ");
		}
		assert_int_equal(q, 1);
		assert_int_equal(d, 2);
	}
}

static void
test_vanished_and_stop(void **state)
{
	fixture *f = *state;

	add_messages(3);
	fake_find(1)->vanish = true;
	f->stop_after_one = true;
	assert_true(ingest_imap_sync_select(f->sync, &server, NULL));
	assert_true(pass(f, NULL));
	/* 1 is gone (the checkpoint passes it), 2 taken, then the stop. */
	assert_int_equal(count(f, NULL), 1);
	assert_int_equal(checkpoint(f), 2);
	assert_null(fake_find(3)->folder);
	f->stop_after_one = false;
	assert_true(pass(f, NULL));
	assert_int_equal(count(f, NULL), 2);
	assert_int_equal(checkpoint(f), 3);
}

static void
test_uidvalidity_change(void **state)
{
	fixture *f = *state;

	add_messages(2);
	assert_true(ingest_imap_sync_select(f->sync, &server, NULL));
	assert_true(pass(f, NULL));
	assert_int_equal(checkpoint(f), 2);
	/* The mailbox is recreated: the same two messages back under new
	 * UIDs, one new; the old checkpoint names nothing any more. */
	g_ptr_array_set_size(server.msgs, 0);
	{
		g_autofree char *m1 = message(1), *m2 = message(2), *m3 = message(3);
		fake_add(m1);
		fake_add(m2);
		fake_add(m3);
	}
	server.uidvalidity = 2000;
	assert_true(ingest_imap_sync_select(f->sync, &server, NULL));
	assert_true(pass(f, NULL));
	assert_int_equal(count(f, NULL), 3);
	assert_int_equal(checkpoint(f), 3);
	assert_int_equal(fake_count("Diproses"), 3);
	{
		dispo_imap_checkpoint cp;
		assert_true(
		    store_imap_checkpoint_get(f->store, "sertifikat@fake/INBOX", &cp, NULL));
		assert_int_equal(cp.uidvalidity, 2000);
	}
}

static void
test_store_locked(void **state)
{
	fixture *f = *state;
	g_autofree char *db = g_build_filename(f->config->data_dir, "dispo.db", NULL);
	g_autofree char *mail = g_build_filename(f->config->data_dir, "mail", NULL);
	dispo_store *other = store_open(db, mail, 200, NULL);
	int64_t retry = 0;

	add_messages(2);
	assert_true(ingest_imap_sync_select(f->sync, &server, NULL));
	/* Another writer holds the store: nothing commits, nothing moves, and
	 * the message is not counted toward its quarantine. */
	assert_true(store_begin(other, NULL));
	assert_true(store_imap_checkpoint_set(other, "lock", 1, 1, 1, NULL));
	for (int i = 0; i < 5; i++) {
		assert_true(pass(f, &retry));
		g_usleep(5000);
	}
	assert_true(retry > 0);
	assert_int_equal(fake_count(NULL), 2);
	assert_int_equal(fake_count("Karantina"), 0);
	store_rollback(other);
	store_close(other);
	for (unsigned i = 0; i < 50 && fake_count(NULL); i++) {
		g_usleep(20000);
		assert_true(pass(f, &retry));
	}
	assert_int_equal(count(f, NULL), 2);
	assert_int_equal(checkpoint(f), 2);
	assert_int_equal(fake_count("Diproses"), 2);
}

static void
test_seen_without_folder(void **state)
{
	fixture *f = *state;
	dispo_imap_sync_options so = {.max_tries = 1, .retry_base_ms = 1};

	ingest_imap_sync_free(f->sync);
	f->sync = ingest_imap_sync_new(&so);
	add_messages(2);
	fake_find(2)->short_read = true;
	assert_true(ingest_imap_sync_select(f->sync, &server, NULL));
	assert_true(pass(f, NULL));
	assert_true(fake_find(1)->seen);
	assert_null(fake_find(1)->folder);
	/* No quarantine folder: flagged where it is, and not taken again. */
	assert_true(fake_find(2)->flagged);
	assert_int_equal(checkpoint(f), 2);
	server.fetches = 0;
	assert_true(pass(f, NULL));
	assert_int_equal(server.fetches, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_take_move_checkpoint, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_crash_between_commit_and_move, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_retry_then_quarantine, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_vanished_and_stop, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_uidvalidity_change, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_store_locked, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_seen_without_folder, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
