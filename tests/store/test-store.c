/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-store.c: the store on :memory: and on real files: schema and
 * migrations, idempotent inserts, request numbers, the audit hash chain
 * (and what a broken link says), the spool, lock errors and two processes
 * writing at once. */
#include "config.h"

#include "store/store-private.h"

#include "testutil.h"

#include <sys/wait.h>
#include <unistd.h>

static void
fake_sha(int n, char out[65])
{
	char buf[32];
	g_snprintf(buf, sizeof buf, "message-%d", n);
	dispo_sha256_hex(buf, strlen(buf), out);
}

static int64_t
insert_message(dispo_store *s, int n, bool *inserted)
{
	dispo_message_row row = {0};
	GError *e = NULL;
	bool ins;

	fake_sha(n, row.sha256);
	row.size = 100 + (uint64_t)n;
	row.source = "test";
	row.status = "parsed";
	row.kind = "application";
	row.from_addr = "budi@kuduskab.go.id";
	row.from_count = 1;
	row.subject = "Permohonan";
	row.arrived_at = 1795486500;
	row.stored_at = 1795486500;
	if (!store_message_insert(s, &row, &ins, &e))
		fail_msg("insert: %s", e->message);
	if (inserted)
		*inserted = ins;
	return row.id;
}

static char *
open_request(dispo_store *s, int64_t msg, int year, dispo_time at)
{
	char *number = NULL;
	GError *e = NULL;
	dispo_event_new ev = {at, "budi@kuduskab.go.id", "received", "{\"n\":1}", msg, NULL};

	if (!store_request_open(s, "pendaftaran", "SE", year, "received", "budi@kuduskab.go.id",
	                        msg, &ev, &number, &e))
		fail_msg("open request: %s", e->message);
	return number;
}

static dispo_store *
open_memory(void)
{
	GError *e = NULL;
	dispo_store *s = store_open(":memory:", NULL, 1000, &e);
	if (!s)
		fail_msg("open: %s", e->message);
	return s;
}

static void
test_open_memory(void **state)
{
	dispo_store *s = open_memory();
	int64_t n = -1;

	assert_int_equal(store_schema_version(s), store_schema_latest());
	assert_true(store_message_count(s, NULL, &n, NULL));
	assert_int_equal(n, 0);
	store_close(s);
}

static void
test_message_idempotent(void **state)
{
	dispo_store *s = open_memory();
	bool inserted;
	int64_t a, b, n;

	a = insert_message(s, 1, &inserted);
	assert_true(inserted);
	b = insert_message(s, 1, &inserted);
	assert_false(inserted);
	assert_int_equal(a, b);
	insert_message(s, 2, &inserted);
	assert_true(inserted);
	assert_true(store_message_count(s, "parsed", &n, NULL));
	assert_int_equal(n, 2);
	{
		char sha[65];
		int64_t id;
		fake_sha(1, sha);
		assert_true(store_message_find(s, sha, &id, NULL));
		assert_int_equal(id, a);
		fake_sha(3, sha);
		assert_true(store_message_find(s, sha, &id, NULL));
		assert_int_equal(id, 0);
	}
	store_close(s);
}

static void
test_request_numbers(void **state)
{
	dispo_store *s = open_memory();
	char *n1, *n2, *n3;
	GError *e = NULL;

	assert_true(store_begin(s, NULL));
	n1 = open_request(s, insert_message(s, 1, NULL), 2026, 1795486500);
	n2 = open_request(s, insert_message(s, 2, NULL), 2026, 1795486600);
	n3 = open_request(s, insert_message(s, 3, NULL), 2027, 1798761600);
	assert_true(store_commit(s, NULL));
	assert_string_equal(n1, "SE-2026-000001");
	assert_string_equal(n2, "SE-2026-000002");
	assert_string_equal(n3, "SE-2027-000001");
	{
		GPtrArray *list = store_requests_list(s, &e);
		dispo_request_row *r;
		assert_non_null(list);
		assert_int_equal(list->len, 3);
		r = list->pdata[1];
		assert_string_equal(r->number, "SE-2026-000002");
		assert_string_equal(r->state, "received");
		assert_string_equal(r->applicant, "budi@kuduskab.go.id");
		assert_int_equal(r->created_at, 1795486600);
		g_ptr_array_unref(list);
	}
	/* One message opens at most one request. */
	assert_true(store_begin(s, NULL));
	{
		dispo_event_new ev = {1, "x", "received", NULL, 0, NULL};
		char *dup = NULL;
		int64_t m1;
		char sha[65];
		fake_sha(1, sha);
		store_message_find(s, sha, &m1, NULL);
		assert_false(store_request_open(s, "pendaftaran", "SE", 2026, "received", "x", m1,
		                                &ev, &dup, &e));
		assert_true(g_error_matches(e, DISPO_STORE_ERROR, DISPO_STORE_ERROR_FAILED));
		g_clear_error(&e);
	}
	store_rollback(s);
	assert_null(store_request_get(s, "SE-2026-000009", &e));
	assert_true(g_error_matches(e, DISPO_STORE_ERROR, DISPO_STORE_ERROR_NOT_FOUND));
	g_clear_error(&e);
	g_free(n1);
	g_free(n2);
	g_free(n3);
	store_close(s);
}

static void
test_audit_chain(void **state)
{
	dispo_store *s = open_memory();
	char *number;
	int64_t checked, id;
	GError *e = NULL;
	dispo_request_row *r;

	assert_true(store_begin(s, NULL));
	number = open_request(s, insert_message(s, 1, NULL), 2026, 100);
	r = store_request_get(s, number, NULL);
	id = r->id;
	store_request_row_free(r);
	for (int i = 0; i < 3; i++) {
		dispo_event_new ev = {200 + i, "kadis@kuduskab.go.id", "note", "{}", 0, "rules-v1"};
		assert_true(store_event_append(s, id, &ev, &e));
	}
	g_free(open_request(s, insert_message(s, 2, NULL), 2026, 100));
	assert_true(store_commit(s, NULL));

	r = store_request_get(s, number, &e);
	assert_non_null(r);
	assert_int_equal(r->events->len, 4);
	assert_int_equal(((dispo_event_row *)r->events->pdata[3])->seq, 4);
	assert_string_equal(((dispo_event_row *)r->events->pdata[3])->rules_version, "rules-v1");
	store_request_row_free(r);
	assert_true(store_audit_verify(s, &checked, &e));
	assert_int_equal(checked, 5);

	/* Append-only: the database itself refuses to change or delete events. */
	assert_false(store_exec(s, "UPDATE events SET actor = 'someone else' WHERE seq = 2", &e));
	assert_non_null(strstr(e->message, "append-only"));
	g_clear_error(&e);
	assert_false(store_exec(s, "DELETE FROM events WHERE seq = 4", &e));
	g_clear_error(&e);

	/* And if someone edits the file past the triggers, verify notices. */
	assert_true(store_exec(s, "DROP TRIGGER events_no_update", NULL));
	assert_true(
	    store_exec(s, "UPDATE events SET detail = '{\"forged\":1}' WHERE seq = 3", NULL));
	assert_false(store_audit_verify(s, &checked, &e));
	assert_true(g_error_matches(e, DISPO_STORE_ERROR, DISPO_STORE_ERROR_CORRUPT));
	assert_non_null(strstr(e->message, "SE-2026-000001 is broken at event 3"));
	g_clear_error(&e);
	g_free(number);
	store_close(s);
}

/* Each broken link named once: the request, the event, what differs. */
static void
test_audit_check(void **state)
{
	dispo_store *s = open_memory();
	g_autofree char *one = NULL, *two = NULL;
	dispo_audit_result res;
	const dispo_audit_break *b;
	int64_t id = 0;
	GError *e = NULL;

	assert_true(store_begin(s, NULL));
	one = open_request(s, insert_message(s, 1, NULL), 2026, 100);
	two = open_request(s, insert_message(s, 2, NULL), 2026, 100);
	assert_true(store_request_id(s, one, &id, NULL));
	for (int i = 0; i < 5; i++) {
		dispo_event_new ev = {200 + i, "kadis@kuduskab.go.id", "note", "{}", 0, "rules-v1"};
		assert_true(store_event_append(s, id, &ev, &e));
	}
	assert_true(store_commit(s, NULL));
	assert_true(store_audit_check(s, NULL, &res, &e));
	assert_int_equal(res.events, 7);
	assert_int_equal(res.requests, 2);
	assert_int_equal(res.broken, 0);
	assert_int_equal(res.breaks->len, 0);
	store_audit_result_clear(&res);
	assert_true(store_audit_check(s, two, &res, &e));
	assert_int_equal(res.events, 1);
	assert_int_equal(res.requests, 1);
	store_audit_result_clear(&res);
	assert_false(store_audit_check(s, "SE-2026-000099", &res, &e));
	assert_true(g_error_matches(e, DISPO_STORE_ERROR, DISPO_STORE_ERROR_NOT_FOUND));
	assert_non_null(strstr(e->message, "dispo requests list"));
	g_clear_error(&e);
	store_audit_result_clear(&res);

	assert_true(
	    store_exec(s, "DROP TRIGGER events_no_update; DROP TRIGGER events_no_delete", NULL));
	/* A changed field breaks that event only. */
	assert_true(store_exec(
	    s, "UPDATE events SET actor = 'x@y' WHERE request_id = 1 AND seq = 3", NULL));
	assert_true(store_audit_check(s, NULL, &res, &e));
	assert_int_equal(res.broken, 1);
	assert_int_equal(res.broken_requests, 1);
	b = res.breaks->pdata[0];
	assert_string_equal(b->request, one);
	assert_int_equal(b->seq, 3);
	assert_int_equal(b->event_id, 4); /* 1: the first request's, 2: the second's */
	assert_non_null(strstr(b->what, "changed after it was written"));
	store_audit_result_clear(&res);
	/* Its hash made to match breaks the link to the next one instead. */
	assert_true(
	    store_exec(s,
	               "UPDATE events SET hash = 'f00d' || substr(hash, 5) WHERE request_id "
	               "= 1 AND seq = 5",
	               NULL));
	assert_true(store_audit_check(s, one, &res, &e));
	assert_int_equal(res.broken, 3);
	b = res.breaks->pdata[1];
	assert_int_equal(b->seq, 5);
	assert_non_null(strstr(b->what, "hash to"));
	b = res.breaks->pdata[2];
	assert_int_equal(b->seq, 6);
	assert_non_null(strstr(b->what, "is not the hash of event 5 (f00d"));
	store_audit_result_clear(&res);
	/* A deleted event is a gap; a deleted first event too. */
	assert_true(
	    store_exec(s, "DELETE FROM events WHERE request_id = 1 AND seq IN (3, 4)", NULL));
	assert_true(store_exec(s, "DELETE FROM events WHERE request_id = 2", NULL));
	assert_true(store_exec(s,
	                       "INSERT INTO events (request_id, seq, at, actor, kind, prev_hash, "
	                       "hash) VALUES (2, 2, 1, 'x', 'note', 'aa', 'bb')",
	                       NULL));
	assert_true(store_audit_check(s, NULL, &res, &e));
	assert_int_equal(res.events, 5);
	assert_int_equal(res.broken_requests, 2);
	b = res.breaks->pdata[0];
	assert_int_equal(b->seq, 5);
	assert_string_equal(b->what, "events 3 to 4 before it are missing: they were deleted");
	b = res.breaks->pdata[res.breaks->len - 3];
	assert_string_equal(b->request, two);
	assert_string_equal(b->what, "event 1 before it is missing: it was deleted");
	/* and the reports' copy of that first event outlives it */
	b = res.breaks->pdata[res.breaks->len - 1];
	assert_string_equal(b->request, two);
	assert_int_equal(b->seq, 1);
	assert_int_equal(b->event_id, 0);
	assert_non_null(strstr(b->what, "of an event that is not there"));
	store_audit_result_clear(&res);
	store_close(s);
}

/* moves (schema v14), the reports' copy of the first and the workflow
 * events, is filled by the store itself, and audit check holds it to the
 * events: changed, deleted, put in. */
static void
test_audit_moves(void **state)
{
	dispo_store *s = open_memory();
	g_autofree char *one = NULL;
	dispo_audit_result res;
	const dispo_audit_break *b;
	int64_t id = 0;
	sqlite3_stmt *st;
	GError *e = NULL;

	assert_true(store_begin(s, NULL));
	one = open_request(s, insert_message(s, 1, NULL), 2026, 100);
	assert_true(store_request_id(s, one, &id, NULL));
	{
		dispo_event_new move = {200, "kadis@kuduskab.go.id", "approve",
		                        "{\"step\":\"disposisi_kabid\",\"previous\":\"disposisi_kadin\"}",
		                        0, "rules-v1"};
		dispo_event_new note = {300, "kadis@kuduskab.go.id", "note", "{\"text\":\"ok\"}", 0,
		                        "rules-v1"};
		assert_true(store_event_append(s, id, &move, &e));
		assert_true(store_event_append(s, id, &note, &e));
	}
	assert_true(store_commit(s, NULL));
	assert_int_equal(sqlite3_prepare_v2(s->db,
	                                    "SELECT group_concat(seq || ':' || kind || ':' ||"
	                                    " coalesce(step, '-') || ':' || coalesce(previous, '-')"
	                                    " || ':' || workflow_event, ' ') FROM moves",
	                                    -1, &st, NULL),
	                 SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(st, 0),
	                    "1:received:-:-:0 2:approve:disposisi_kabid:disposisi_kadin:1");
	sqlite3_finalize(st);
	assert_true(store_audit_check(s, NULL, &res, &e));
	assert_int_equal(res.broken, 0);
	store_audit_result_clear(&res);
	/* append-only, as events */
	assert_false(store_exec(s, "UPDATE moves SET step = 'x'", NULL));
	assert_false(store_exec(s, "DELETE FROM moves", NULL));

	assert_true(
	    store_exec(s, "DROP TRIGGER moves_no_update; DROP TRIGGER moves_no_delete", NULL));
	assert_true(store_exec(s, "UPDATE moves SET step = 'kirim_bsre' WHERE seq = 2", NULL));
	assert_true(store_audit_check(s, one, &res, &e));
	assert_int_equal(res.broken, 1);
	assert_int_equal(res.broken_requests, 1);
	b = res.breaks->pdata[0];
	assert_string_equal(b->request, one);
	assert_int_equal(b->seq, 2);
	assert_int_equal(b->event_id, 2);
	assert_non_null(strstr(b->what, "differs from it"));
	store_audit_result_clear(&res);

	assert_true(store_exec(s, "DELETE FROM moves WHERE seq = 2", NULL));
	assert_true(store_exec(s,
	                       "INSERT INTO moves VALUES (1, 3, 300, 'note', 'kirim_bsre',"
	                       " 'disposisi_kabid', 1)",
	                       NULL));
	assert_true(store_audit_check(s, NULL, &res, &e));
	assert_int_equal(res.broken, 2);
	assert_int_equal(res.broken_requests, 1);
	b = res.breaks->pdata[0];
	assert_int_equal(b->seq, 2);
	assert_non_null(strstr(b->what, "is missing: it was deleted"));
	b = res.breaks->pdata[1];
	assert_int_equal(b->seq, 3);
	assert_int_equal(b->event_id, 3);
	assert_non_null(strstr(b->what, "should not have"));
	store_audit_result_clear(&res);
	assert_false(store_audit_verify(s, &(int64_t){0}, &e));
	assert_non_null(strstr(e->message, "moves table"));
	g_clear_error(&e);
	store_close(s);
}

static void
test_spool(void **state)
{
	char *dir = test_tmpdir("spool");
	char *mail = g_build_filename(dir, "mail", NULL);
	char *db = g_build_filename(dir, "dispo.db", NULL);
	GError *e = NULL;
	dispo_store *s = store_open(db, mail, 1000, &e);
	char want[65];
	char *path, *data;
	size_t len;

	assert_non_null(s);
	dispo_sha256_hex("From: a\n\nhello\n", 15, want);
	for (int round = 0; round < 2; round++) {
		dispo_spool *sp = store_spool_new(s, &e);
		assert_non_null(sp);
		assert_true(store_spool_write(sp, "From: a\n", 8, &e));
		assert_true(store_spool_write(sp, "\nhello\n", 7, &e));
		assert_null(store_spool_sha256(sp));
		assert_true(store_spool_finish(sp, &e));
		assert_string_equal(store_spool_sha256(sp), want);
		assert_int_equal(store_spool_size(sp), 15);
		assert_true(store_spool_commit(s, sp, round == 0, &e));
		store_spool_free(sp);
	}
	assert_true(store_sync(s, &e));
	path = store_blob_path(s, want);
	{
		char *tail = g_strdup_printf("/mail/%.2s/%s", want, want);
		assert_true(g_str_has_suffix(path, tail));
		g_free(tail);
	}
	data = test_read(path, &len);
	assert_int_equal(len, 15);
	assert_memory_equal(data, "From: a\n\nhello\n", 15);
	g_free(data);
	{
		/* An uncommitted spool leaves nothing behind. */
		dispo_spool *sp = store_spool_new(s, &e);
		char *tmpdir = g_build_filename(mail, "tmp", NULL);
		GDir *d;
		store_spool_write(sp, "x", 1, NULL);
		store_spool_free(sp);
		d = g_dir_open(tmpdir, 0, NULL);
		assert_null(g_dir_read_name(d));
		g_dir_close(d);
		g_free(tmpdir);
	}
	store_close(s);
	test_rm_rf(dir);
	g_free(path);
	g_free(db);
	g_free(mail);
	g_free(dir);
}

/* A v1 database written by the first release (frozen as SQL text) opens,
 * migrates forward and keeps its rows. */
static void
test_migrate_old_file(void **state)
{
	char *dir = test_tmpdir("migrate");
	char *db = g_build_filename(dir, "old.db", NULL);
	char *sql_path = test_srcdir("tests/store/data/schema-v1.sql");
	char *sql = test_read(sql_path, NULL);
	sqlite3 *raw;
	GError *e = NULL;
	dispo_store *s;
	dispo_request_row *r;
	int64_t checked;

	assert_int_equal(sqlite3_open(db, &raw), SQLITE_OK);
	assert_int_equal(sqlite3_exec(raw, sql, NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_exec(raw,
	                              "PRAGMA user_version = 1; PRAGMA application_id = 1685287023",
	                              NULL, NULL, NULL),
	                 SQLITE_OK);
	sqlite3_close(raw);

	s = store_open(db, NULL, 1000, &e);
	if (!s)
		fail_msg("open old file: %s", e->message);
	assert_int_equal(store_schema_version(s), store_schema_latest());
	r = store_request_get(s, "SE-2026-000001", &e);
	assert_non_null(r);
	assert_string_equal(r->applicant, "budi.santoso@kuduskab.go.id");
	assert_int_equal(r->attachments->len, 3);
	assert_int_equal(r->events->len, 1);
	store_request_row_free(r);
	assert_true(store_audit_verify(s, &checked, &e));
	assert_int_equal(checked, 1);
	/* Numbering goes on where the old file stopped. */
	assert_true(store_begin(s, NULL));
	{
		char *n = open_request(s, insert_message(s, 7, NULL), 2026, 1795486500);
		assert_string_equal(n, "SE-2026-000002");
		g_free(n);
	}
	assert_true(store_commit(s, NULL));
	store_close(s);

	/* Opening again changes nothing. */
	s = store_open(db, NULL, 1000, &e);
	assert_non_null(s);
	assert_int_equal(store_schema_version(s), store_schema_latest());
	store_close(s);
	test_rm_rf(dir);
	g_free(sql);
	g_free(sql_path);
	g_free(db);
	g_free(dir);
}

static void
test_refuses_foreign_and_newer(void **state)
{
	char *dir = test_tmpdir("foreign");
	char *db = g_build_filename(dir, "x.db", NULL);
	sqlite3 *raw;
	GError *e = NULL;

	assert_int_equal(sqlite3_open(db, &raw), SQLITE_OK);
	sqlite3_exec(raw, "CREATE TABLE contacts (name TEXT)", NULL, NULL, NULL);
	sqlite3_close(raw);
	assert_null(store_open(db, NULL, 1000, &e));
	assert_true(g_error_matches(e, DISPO_STORE_ERROR, DISPO_STORE_ERROR_CORRUPT));
	assert_non_null(strstr(e->message, "not a dispo database"));
	g_clear_error(&e);
	g_unlink(db);

	/* A file from a newer dispo is not touched. */
	{
		dispo_store *s = store_open(db, NULL, 1000, &e);
		store_close(s);
	}
	assert_int_equal(sqlite3_open(db, &raw), SQLITE_OK);
	sqlite3_exec(raw, "PRAGMA user_version = 999", NULL, NULL, NULL);
	sqlite3_close(raw);
	assert_null(store_open(db, NULL, 1000, &e));
	assert_true(g_error_matches(e, DISPO_STORE_ERROR, DISPO_STORE_ERROR_SCHEMA));
	assert_non_null(strstr(e->message, "schema version 999"));
	g_clear_error(&e);

	/* Garbage is reported, not crashed on. */
	g_file_set_contents(db, "this is not sqlite at all, just text\n", -1, NULL);
	assert_null(store_open(db, NULL, 1000, &e));
	assert_non_null(e);
	assert_true(e->code == DISPO_STORE_ERROR_CORRUPT);
	g_clear_error(&e);
	test_rm_rf(dir);
	g_free(db);
	g_free(dir);
}

static void
test_locked_is_temporary(void **state)
{
	char *dir = test_tmpdir("locked");
	char *db = g_build_filename(dir, "dispo.db", NULL);
	GError *e = NULL;
	dispo_store *a = store_open(db, NULL, 1000, &e);
	dispo_store *b = store_open(db, NULL, 50, &e);

	assert_non_null(a);
	assert_non_null(b);
	assert_true(store_begin(a, NULL));
	assert_false(store_begin(b, &e));
	assert_true(g_error_matches(e, DISPO_STORE_ERROR, DISPO_STORE_ERROR_TEMPORARY));
	g_clear_error(&e);
	store_rollback(a);
	assert_true(store_begin(b, &e));
	store_rollback(b);
	store_close(a);
	store_close(b);
	test_rm_rf(dir);
	g_free(db);
	g_free(dir);
}

/* Two processes insert the same 300 messages in batches, interleaved: each
 * lands exactly once, and every insert is seen as new by exactly one. */
static void
test_two_processes(void **state)
{
	char *dir = test_tmpdir("procs");
	char *db = g_build_filename(dir, "dispo.db", NULL);
	int pipes[2][2];
	pid_t pids[2];
	int total_new = 0;
	int64_t n;
	dispo_store *s;

	store_close(store_open(db, NULL, 1000, NULL));
	for (int p = 0; p < 2; p++) {
		assert_int_equal(pipe(pipes[p]), 0);
		pids[p] = fork();
		assert_true(pids[p] >= 0);
		if (pids[p] == 0) {
			int fresh = 0;
			dispo_store *c = store_open(db, NULL, 30000, NULL);
			close(pipes[p][0]);
			for (int batch = 0; batch < 30; batch++) {
				if (!store_begin(c, NULL))
					_exit(2);
				for (int i = 0; i < 10; i++) {
					bool inserted;
					/* The second process walks the batches backwards. */
					int m = (p ? 29 - batch : batch) * 10 + i;
					insert_message(c, m, &inserted);
					fresh += inserted;
				}
				if (!store_commit(c, NULL))
					_exit(3);
			}
			store_close(c);
			if (write(pipes[p][1], &fresh, sizeof fresh) != sizeof fresh)
				_exit(4);
			_exit(0);
		}
		close(pipes[p][1]);
	}
	for (int p = 0; p < 2; p++) {
		int status, fresh = 0;
		assert_int_equal(read(pipes[p][0], &fresh, sizeof fresh), sizeof fresh);
		assert_int_equal(waitpid(pids[p], &status, 0), pids[p]);
		assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
		total_new += fresh;
		close(pipes[p][0]);
	}
	assert_int_equal(total_new, 300);
	s = store_open(db, NULL, 1000, NULL);
	assert_true(store_message_count(s, NULL, &n, NULL));
	assert_int_equal(n, 300);
	store_close(s);
	test_rm_rf(dir);
	g_free(db);
	g_free(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_open_memory),
	    cmocka_unit_test(test_message_idempotent),
	    cmocka_unit_test(test_request_numbers),
	    cmocka_unit_test(test_audit_chain),
	    cmocka_unit_test(test_audit_check),
	    cmocka_unit_test(test_audit_moves),
	    cmocka_unit_test(test_spool),
	    cmocka_unit_test(test_migrate_old_file),
	    cmocka_unit_test(test_refuses_foreign_and_newer),
	    cmocka_unit_test(test_locked_is_temporary),
	    cmocka_unit_test(test_two_processes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
