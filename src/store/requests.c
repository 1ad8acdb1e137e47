/* SPDX-License-Identifier: GPL-3.0-or-later */
/* requests.c: requests, their numbers, and the hash-chained audit events. */
#include "config.h"

#include "store/store-private.h"

#include <string.h>

#define GENESIS_HASH "0000000000000000000000000000000000000000000000000000000000000000"

/* Each field is length-prefixed so that no two different events serialise
 * to the same bytes. */
static void
hash_field(dispo_sha256 *sum, const char *s)
{
	g_autofree char *len = g_strdup_printf("%zu:", s ? strlen(s) : (size_t)0);
	dispo_sha256_update(sum, len, strlen(len));
	if (s)
		dispo_sha256_update(sum, s, strlen(s));
}

static char *
event_hash(const char *prev, const char *number, unsigned seq, dispo_time at, const char *actor,
           const char *kind, const char *detail, int64_t message_id, const char *rules_version)
{
	g_autoptr(dispo_sha256) sum = dispo_sha256_new();
	char hex[DISPO_SHA256_HEX_LEN + 1];
	g_autofree char *seq_s = g_strdup_printf("%u", seq);
	g_autofree char *at_s = g_strdup_printf("%" G_GINT64_FORMAT, (gint64)at);
	g_autofree char *msg_s = g_strdup_printf("%" G_GINT64_FORMAT, (gint64)message_id);

	hash_field(sum, prev);
	hash_field(sum, number);
	hash_field(sum, seq_s);
	hash_field(sum, at_s);
	hash_field(sum, actor);
	hash_field(sum, kind);
	hash_field(sum, detail);
	hash_field(sum, msg_s);
	hash_field(sum, rules_version);
	dispo_sha256_finish(sum, hex);
	return g_strdup(hex);
}

static bool
request_number_of(dispo_store *store, int64_t request_id, char **number, GError **error)
{
	sqlite3_stmt *st = store_stmt(store, "SELECT number FROM requests WHERE id = ?", error);

	if (!st)
		return false;
	sqlite3_bind_int64(st, 1, request_id);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_reset(st);
		g_set_error(error, DISPO_STORE_ERROR, DISPO_STORE_ERROR_NOT_FOUND,
		            "no request with id %" G_GINT64_FORMAT, (gint64)request_id);
		return false;
	}
	*number = store_column_dup(st, 0);
	sqlite3_reset(st);
	return true;
}

bool
store_event_append(dispo_store *store, int64_t request_id, const dispo_event_new *ev,
                   GError **error)
{
	sqlite3_stmt *st;
	g_autofree char *prev = NULL;
	g_autofree char *number = NULL;
	g_autofree char *hash = NULL;
	unsigned seq = 1;
	const char *detail = ev->detail ? ev->detail : "{}";
	int rc;

	if (!request_number_of(store, request_id, &number, error))
		return false;
	st = store_stmt(
	    store, "SELECT seq, hash FROM events WHERE request_id = ? ORDER BY seq DESC LIMIT 1",
	    error);
	if (!st)
		return false;
	sqlite3_bind_int64(st, 1, request_id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		seq = (unsigned)sqlite3_column_int(st, 0) + 1;
		prev = store_column_dup(st, 1);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_fail(store, error, "cannot read the audit trail");
	if (!prev)
		prev = g_strdup(GENESIS_HASH);
	hash = event_hash(prev, number, seq, ev->at, ev->actor, ev->kind, detail, ev->message_id,
	                  ev->rules_version);

	st = store_stmt(store,
	                "INSERT INTO events (request_id, seq, at, actor, kind, detail, message_id,"
	                " rules_version, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	                error);
	if (!st)
		return false;
	sqlite3_bind_int64(st, 1, request_id);
	sqlite3_bind_int(st, 2, (int)seq);
	sqlite3_bind_int64(st, 3, ev->at);
	store_bind_text(st, 4, ev->actor);
	store_bind_text(st, 5, ev->kind);
	store_bind_text(st, 6, detail);
	if (ev->message_id)
		sqlite3_bind_int64(st, 7, ev->message_id);
	else
		sqlite3_bind_null(st, 7);
	store_bind_text(st, 8, ev->rules_version);
	store_bind_text(st, 9, prev);
	store_bind_text(st, 10, hash);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return store_fail(store, error, "cannot append an audit event");
	return true;
}

bool
store_request_open(dispo_store *store, const char *workflow, const char *tag, int year,
                   const char *state, const char *applicant, int64_t message_id,
                   const dispo_event_new *first, char **number_out, GError **error)
{
	sqlite3_stmt *st;
	int64_t n, request_id;
	g_autofree char *number = NULL;
	int rc;

	st = store_stmt(store,
	                "INSERT INTO request_counters (tag, year, last) VALUES (?, ?, 1)"
	                " ON CONFLICT (tag, year) DO UPDATE SET last = last + 1 RETURNING last",
	                error);
	if (!st)
		return false;
	store_bind_text(st, 1, tag);
	sqlite3_bind_int(st, 2, year);
	rc = sqlite3_step(st);
	n = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	if (rc != SQLITE_ROW)
		return store_fail(store, error, "cannot number a request");
	if (n > 999999) {
		g_set_error(error, DISPO_STORE_ERROR, DISPO_STORE_ERROR_FAILED,
		            "request numbers %s-%d-000001 to 999999 are all used", tag, year);
		return false;
	}
	number = g_strdup_printf("%s-%04d-%06" G_GINT64_FORMAT, tag, year, (gint64)n);

	st = store_stmt(store,
	                "INSERT INTO requests (number, workflow, state, applicant, message_id,"
	                " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
	                error);
	if (!st)
		return false;
	store_bind_text(st, 1, number);
	store_bind_text(st, 2, workflow);
	store_bind_text(st, 3, state);
	store_bind_text(st, 4, applicant);
	sqlite3_bind_int64(st, 5, message_id);
	sqlite3_bind_int64(st, 6, first->at);
	sqlite3_bind_int64(st, 7, first->at);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return store_fail(store, error, "cannot open a request");
	request_id = sqlite3_last_insert_rowid(store->db);
	if (!store_event_append(store, request_id, first, error))
		return false;
	if (number_out)
		*number_out = g_steal_pointer(&number);
	return true;
}

bool
store_request_find_by_message_id(dispo_store *store, const char *message_id, const char *from_addr,
                                 int64_t *request_id, GError **error)
{
	sqlite3_stmt *st =
	    store_stmt(store,
	               "SELECT r.id FROM requests r JOIN messages m ON m.id = r.message_id"
	               " WHERE m.message_id = ? AND lower(m.from_addr) = lower(?)"
	               " ORDER BY r.id LIMIT 1",
	               error);
	int rc;

	*request_id = 0;
	if (!st)
		return false;
	store_bind_text(st, 1, message_id);
	store_bind_text(st, 2, from_addr);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*request_id = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ||
	       store_fail(store, error, "cannot look up a request");
}

/* ---- reading ------------------------------------------------------------- */

static void
event_row_free(dispo_event_row *e)
{
	g_free(e->actor);
	g_free(e->kind);
	g_free(e->detail);
	g_free(e->rules_version);
	g_free(e->hash);
	g_free(e);
}

static void
attachment_info_free(dispo_attachment_info *a)
{
	g_free(a->part_id);
	g_free(a->filename);
	g_free(a->content_type);
	g_free(a->sha256);
	g_free(a);
}

void
store_request_row_free(dispo_request_row *r)
{
	if (!r)
		return;
	g_free(r->number);
	g_free(r->workflow);
	g_free(r->state);
	g_free(r->applicant);
	g_free(r->message_sha256);
	g_free(r->subject);
	g_free(r->step);
	g_free(r->name);
	g_free(r->nip);
	g_free(r->unit);
	if (r->attachments)
		g_ptr_array_unref(r->attachments);
	if (r->events)
		g_ptr_array_unref(r->events);
	g_free(r);
}

/* The applicant's name, NIP and unit are the form's as intake accepted it
 * (the received event, seq 1: one row of the UNIQUE (request_id, seq)
 * index each), not the register's of today: a record says what was
 * applied for. A detail that is not JSON reads as NULL here, not as a
 * failed list. */
#define RECEIVED_FIELD(path)                                                                       \
	"(SELECT json_extract(f.detail, " path ") FROM events f WHERE f.request_id = r.id"         \
	" AND f.seq = 1 AND json_valid(f.detail))"
#define REQUEST_COLUMNS                                                                            \
	"SELECT r.id, r.number, r.workflow, r.state, r.applicant, r.created_at, r.updated_at,"     \
	" m.sha256, m.subject,"                                                                    \
	" (SELECT count(*) FROM attachments a WHERE a.message_id = r.message_id), r.message_id,"   \
	" r.step, coalesce(r.step_entered, r.updated_at), " RECEIVED_FIELD(                        \
	    "'$.form.Nama'") ","                                                                   \
	                     " coalesce(" RECEIVED_FIELD("'$.nip'") ", " RECEIVED_FIELD(           \
	                         "'$.form.NIP'") "),"                                              \
	                                         " " RECEIVED_FIELD(                               \
	                                             "'$.form.\"Unit Kerja\"'") " FROM requests "  \
	                                                                        "r JOIN messages " \
	                                                                        "m ON m.id = "     \
	                                                                        "r.message_id"

static dispo_request_row *
request_from_row(sqlite3_stmt *st)
{
	dispo_request_row *r = g_new0(dispo_request_row, 1);

	r->id = sqlite3_column_int64(st, 0);
	r->number = store_column_dup(st, 1);
	r->workflow = store_column_dup(st, 2);
	r->state = store_column_dup(st, 3);
	r->applicant = store_column_dup(st, 4);
	r->created_at = sqlite3_column_int64(st, 5);
	r->updated_at = sqlite3_column_int64(st, 6);
	r->message_sha256 = store_column_dup(st, 7);
	r->subject = store_column_dup(st, 8);
	r->attachment_count = (unsigned)sqlite3_column_int(st, 9);
	r->step = store_column_dup(st, 11);
	r->step_entered = r->step ? sqlite3_column_int64(st, 12) : 0;
	r->name = store_column_dup(st, 13);
	r->nip = store_column_dup(st, 14);
	r->unit = store_column_dup(st, 15);
	return r;
}

GPtrArray *
store_requests_list(dispo_store *store, GError **error)
{
	sqlite3_stmt *st = store_stmt(store, REQUEST_COLUMNS " ORDER BY r.id", error);
	g_autoptr(GPtrArray) out =
	    g_ptr_array_new_with_free_func((GDestroyNotify)store_request_row_free);
	int rc;

	if (!st)
		return NULL;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		g_ptr_array_add(out, request_from_row(st));
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		store_fail(store, error, "cannot list requests");
		return NULL;
	}
	return g_steal_pointer(&out);
}

/* What the store can narrow by its indexes before `requests list` judges
 * each row: a state (requests_state), pairs of workflow and step
 * (requests_step, one range each), received since. */
bool
store_requests_each(dispo_store *store, const dispo_request_filter *f, dispo_request_fn fn,
                    void *user, GError **error)
{
	g_autoptr(GString) sql = g_string_new(REQUEST_COLUMNS " WHERE 1");
	sqlite3_stmt *st;
	guint n_steps = f && f->steps ? g_strv_length((char **)f->steps) / 2 : 0;
	int rc, bind = 1;

	if (f && f->steps && n_steps == 0)
		return true; /* no step can match */
	if (f && f->state)
		g_string_append(sql, " AND r.state = ?");
	if (f && f->since)
		g_string_append(sql, " AND r.created_at >= ?");
	for (guint i = 0; i < n_steps; i++)
		g_string_append(sql, i == 0 ? " AND ((r.workflow = ? AND r.step = ?)"
		                            : " OR (r.workflow = ? AND r.step = ?)");
	g_string_append(sql, n_steps ? ") ORDER BY r.id" : " ORDER BY r.id");
	/* One statement per shape: a command asks a handful. */
	if (!(st = store_stmt(store, sql->str, error)))
		return false;
	if (f && f->state)
		store_bind_text(st, bind++, f->state);
	if (f && f->since)
		sqlite3_bind_int64(st, bind++, f->since);
	for (guint i = 0; i < 2 * n_steps; i++)
		store_bind_text(st, bind++, f->steps[i]);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		g_autoptr(dispo_request_row) r = request_from_row(st);
		if (!fn(r, user, error)) {
			sqlite3_reset(st);
			return false;
		}
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE || store_fail(store, error, "cannot list requests");
}

/* Two cursors walked side by side, each in request order: the requests,
 * and the events the report's arithmetic needs (the first, then the
 * engine's: moves, schema v14); memory stays that of one request whatever
 * the store's size. */
bool
store_requests_each_with_events(dispo_store *store, dispo_report_event_fn on_event,
                                dispo_request_fn on_request, void *user, GError **error)
{
	sqlite3_stmt *rq = store_stmt(store, REQUEST_COLUMNS " ORDER BY r.id", error);
	sqlite3_stmt *ev = rq ? store_stmt(store,
	                                   "SELECT request_id, seq, at, kind, step, previous,"
	                                   " workflow_event FROM moves"
	                                   " ORDER BY request_id, seq",
	                                   error)
	                      : NULL;
	int rc, erc = SQLITE_ROW;
	bool ok = true;

	if (!ev)
		return false;
	erc = sqlite3_step(ev);
	while (ok && (rc = sqlite3_step(rq)) == SQLITE_ROW) {
		g_autoptr(dispo_request_row) r = request_from_row(rq);
		/* Events of requests this walk does not know (none, in a sound
		 * store) are passed over. */
		while (erc == SQLITE_ROW && sqlite3_column_int64(ev, 0) < r->id)
			erc = sqlite3_step(ev);
		while (ok && erc == SQLITE_ROW && sqlite3_column_int64(ev, 0) == r->id) {
			dispo_report_event e = {
			    .request_id = r->id,
			    .workflow = r->workflow,
			    .received = r->created_at,
			    .seq = (unsigned)sqlite3_column_int(ev, 1),
			    .at = sqlite3_column_int64(ev, 2),
			    .kind = (const char *)sqlite3_column_text(ev, 3),
			    .step = (const char *)sqlite3_column_text(ev, 4),
			    .previous = (const char *)sqlite3_column_text(ev, 5),
			    .workflow_event = sqlite3_column_int(ev, 6) != 0,
			};
			ok = on_event(&e, user, error);
			erc = sqlite3_step(ev);
		}
		ok = ok && on_request(r, user, error);
	}
	sqlite3_reset(rq);
	sqlite3_reset(ev);
	if (!ok)
		return false;
	if (rc != SQLITE_DONE || (erc != SQLITE_DONE && erc != SQLITE_ROW))
		return store_fail(store, error, "cannot list requests with their events");
	return true;
}

static bool
load_attachments(dispo_store *store, int64_t message_id, dispo_request_row *r, GError **error)
{
	sqlite3_stmt *st =
	    store_stmt(store,
	               "SELECT seq, part_id, filename, content_type, size, sha256, depth"
	               " FROM attachments WHERE message_id = ? ORDER BY seq",
	               error);
	int rc;

	if (!st)
		return false;
	r->attachments = g_ptr_array_new_with_free_func((GDestroyNotify)attachment_info_free);
	sqlite3_bind_int64(st, 1, message_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		dispo_attachment_info *a = g_new0(dispo_attachment_info, 1);
		a->seq = (unsigned)sqlite3_column_int(st, 0);
		a->part_id = store_column_dup(st, 1);
		a->filename = store_column_dup(st, 2);
		a->content_type = store_column_dup(st, 3);
		a->size = (uint64_t)sqlite3_column_int64(st, 4);
		a->sha256 = store_column_dup(st, 5);
		a->depth = (unsigned)sqlite3_column_int(st, 6);
		g_ptr_array_add(r->attachments, a);
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE || store_fail(store, error, "cannot read attachments");
}

static bool
load_events(dispo_store *store, dispo_request_row *r, GError **error)
{
	sqlite3_stmt *st = store_stmt(store,
	                              "SELECT seq, at, actor, kind, detail, rules_version, hash"
	                              " FROM events WHERE request_id = ? ORDER BY seq",
	                              error);
	int rc;

	if (!st)
		return false;
	r->events = g_ptr_array_new_with_free_func((GDestroyNotify)event_row_free);
	sqlite3_bind_int64(st, 1, r->id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		dispo_event_row *e = g_new0(dispo_event_row, 1);
		e->seq = (unsigned)sqlite3_column_int(st, 0);
		e->at = sqlite3_column_int64(st, 1);
		e->actor = store_column_dup(st, 2);
		e->kind = store_column_dup(st, 3);
		e->detail = store_column_dup(st, 4);
		e->rules_version = store_column_dup(st, 5);
		e->hash = store_column_dup(st, 6);
		g_ptr_array_add(r->events, e);
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE || store_fail(store, error, "cannot read events");
}

dispo_request_row *
store_request_get(dispo_store *store, const char *number, GError **error)
{
	sqlite3_stmt *st = store_stmt(store, REQUEST_COLUMNS " WHERE r.number = ?", error);
	g_autoptr(dispo_request_row) r = NULL;
	int64_t message_id;
	int rc;

	if (!st)
		return NULL;
	store_bind_text(st, 1, number);
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		sqlite3_reset(st);
		if (rc == SQLITE_DONE)
			g_set_error(error, DISPO_STORE_ERROR, DISPO_STORE_ERROR_NOT_FOUND,
			            "no request %s (dispo requests list shows them all)", number);
		else
			store_fail(store, error, "cannot read a request");
		return NULL;
	}
	r = request_from_row(st);
	message_id = sqlite3_column_int64(st, 10);
	sqlite3_reset(st);
	if (!load_attachments(store, message_id, r, error) || !load_events(store, r, error))
		return NULL;
	return g_steal_pointer(&r);
}

static void
audit_break_free(dispo_audit_break *b)
{
	g_free(b->request);
	g_free(b->what);
	g_free(b);
}

void
store_audit_result_clear(dispo_audit_result *res)
{
	if (res && res->breaks)
		g_ptr_array_unref(res->breaks);
	if (res)
		memset(res, 0, sizeof *res);
}

/* Counts a broken link; keeps the first ones (what is taken). */
static void
audit_break(dispo_audit_result *res, const char *number, int64_t event_id, unsigned seq, char *what,
            bool *request_broken)
{
	res->broken++;
	if (!*request_broken)
		res->broken_requests++;
	*request_broken = true;
	if (res->breaks->len >= DISPO_AUDIT_BREAKS_KEPT) {
		g_free(what);
		return;
	}
	dispo_audit_break *b = g_new0(dispo_audit_break, 1);
	b->request = g_strdup(number);
	b->event_id = event_id;
	b->seq = seq;
	b->what = what;
	g_ptr_array_add(res->breaks, b);
}

/* What a seq that is not the expected one means. */
static char *
gap_text(unsigned expected, unsigned seq)
{
	if (seq == expected + 1)
		return g_strdup_printf("event %u before it is missing: it was deleted", expected);
	if (seq > expected)
		return g_strdup_printf("events %u to %u before it are missing: they were deleted",
		                       expected, seq - 1);
	return g_strdup_printf("its seq %u should be %u", seq, expected);
}

#define AUDIT_COLUMNS                                                                              \
	"SELECT e.id, e.request_id, r.number, e.seq, e.at, e.actor, e.kind, e.detail,"             \
	" e.message_id, e.rules_version, e.prev_hash, e.hash"                                      \
	" FROM events e LEFT JOIN requests r ON r.id = e.request_id"

/* The reports' copy (moves, schema v14) against the events it is taken
 * from, both ways (request_id 0: every request): a copy changed, deleted
 * or put in makes reports and exports say what the audit trail does not. */
#define MOVES_OF_EVENTS                                                                            \
	"SELECT request_id, seq, at, kind, json_extract(detail, '$.step'),"                        \
	" json_extract(detail, '$.previous'), json_type(detail, '$.previous') IS NOT NULL"         \
	" FROM events WHERE (seq = 1 OR json_type(detail, '$.previous') IS NOT NULL)"              \
	" AND (?1 = 0 OR request_id = ?1)"
#define MOVES_STORED                                                                               \
	"SELECT request_id, seq, at, kind, step, previous, workflow_event FROM moves"              \
	" WHERE ?1 = 0 OR request_id = ?1"

static bool
audit_moves(dispo_store *store, int64_t request_id, dispo_audit_result *res, GHashTable *broken_ids,
            GError **error)
{
	sqlite3_stmt *st = store_stmt(
	    store,
	    "SELECT x.request_id, r.number, x.seq, sum(x.lost), sum(x.extra),"
	    " (SELECT id FROM events e WHERE e.request_id = x.request_id AND e.seq = x.seq)"
	    " FROM (SELECT request_id, seq, 1 AS lost, 0 AS extra FROM (" MOVES_OF_EVENTS
	    " EXCEPT " MOVES_STORED ") UNION ALL SELECT request_id, seq, 0, 1 FROM (" MOVES_STORED
	    " EXCEPT " MOVES_OF_EVENTS ")) x LEFT JOIN requests r ON r.id = x.request_id"
	    " GROUP BY x.request_id, x.seq ORDER BY x.request_id, x.seq",
	    error);
	int rc;

	if (!st)
		return false;
	sqlite3_bind_int64(st, 1, request_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t rid = sqlite3_column_int64(st, 0);
		const char *num = (const char *)sqlite3_column_text(st, 1);
		unsigned seq = (unsigned)sqlite3_column_int(st, 2);
		bool lost = sqlite3_column_int(st, 3) > 0, extra = sqlite3_column_int(st, 4) > 0;
		bool event = sqlite3_column_type(st, 5) != SQLITE_NULL;
		bool request_broken = g_hash_table_contains(broken_ids, &rid);
		const char *what =
		    lost && extra
		        ? "its copy for reports (the moves table) differs from it: the copy was "
		          "changed after it was written, and reports and exports read the copy"
		    : lost ? "its copy for reports (the moves table) is missing: it was deleted, and "
		             "reports and exports leave this event out"
		    : event ? "it has a copy for reports (the moves table) it should not have: the "
		              "copy was put in, and reports and exports count a step that did not "
		              "happen"
		            : "a copy for reports (the moves table) of an event that is not there: "
		              "the event was deleted, or the copy put in";
		audit_break(res, num, event ? sqlite3_column_int64(st, 5) : 0, seq, g_strdup(what),
		            &request_broken);
		if (request_broken)
			g_hash_table_add(broken_ids, g_memdup2(&rid, sizeof rid));
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE || store_fail(store, error, "cannot compare moves with events");
}

bool
store_audit_check(dispo_store *store, const char *number, dispo_audit_result *res, GError **error)
{
	sqlite3_stmt *st;
	g_autofree char *prev = NULL; /* the hash stored in the event before */
	int64_t request_id = 0, chain = -1;
	unsigned expect_seq = 1;
	bool request_broken = false;
	int rc;

	g_autoptr(GHashTable) broken_ids = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free,
	                                                         NULL);

	memset(res, 0, sizeof *res);
	if (number) {
		if (!store_request_id(store, number, &request_id, error))
			return false;
		if (!request_id) {
			g_set_error(error, DISPO_STORE_ERROR, DISPO_STORE_ERROR_NOT_FOUND,
			            "no request %s (dispo requests list shows them all)", number);
			return false;
		}
	}
	/* The UNIQUE (request_id, seq) index gives each chain in order, one
	 * row at a time, however many events there are. */
	st = store_stmt(store,
	                number ? AUDIT_COLUMNS " WHERE e.request_id = ? ORDER BY e.seq"
	                       : AUDIT_COLUMNS " ORDER BY e.request_id, e.seq",
	                error);
	if (!st)
		return false;
	if (number)
		sqlite3_bind_int64(st, 1, request_id);
	res->breaks = g_ptr_array_new_with_free_func((GDestroyNotify)audit_break_free);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(st, 0);
		int64_t rid = sqlite3_column_int64(st, 1);
		const char *num = (const char *)sqlite3_column_text(st, 2);
		unsigned seq = (unsigned)sqlite3_column_int(st, 3);
		const char *stored_prev = (const char *)sqlite3_column_text(st, 10);
		const char *stored_hash = (const char *)sqlite3_column_text(st, 11);
		bool gap = false;

		if (rid != chain) {
			chain = rid;
			g_free(prev);
			prev = g_strdup(GENESIS_HASH);
			expect_seq = 1;
			request_broken = false;
			res->requests++;
			if (!num)
				audit_break(res, NULL, id, seq,
				            g_strdup_printf("its request (id %" G_GINT64_FORMAT
				                            ") is not in the requests table: the "
				                            "request's row was deleted",
				                            (gint64)rid),
				            &request_broken);
		}
		res->events++;
		if (seq != expect_seq) {
			gap = true;
			audit_break(res, num, id, seq, gap_text(expect_seq, seq), &request_broken);
		}
		/* After a gap the link is broken by the gap; said once. */
		if (!gap && g_strcmp0(stored_prev, prev) != 0)
			audit_break(res, num, id, seq,
			            seq == 1
			                ? g_strdup_printf("its prev_hash %.12s… is not the chain's "
			                                  "start (000…): the first event was "
			                                  "replaced",
			                                  stored_prev ? stored_prev : "")
			                : g_strdup_printf("its prev_hash %.12s… is not the hash of "
			                                  "event %u (%.12s…): event %u was "
			                                  "rewritten, or this one put in",
			                                  stored_prev ? stored_prev : "", seq - 1,
			                                  prev, seq - 1),
			            &request_broken);
		/* The number is part of every hash: without the request's row the
		 * fields cannot be checked. */
		if (num) {
			g_autofree char *hash = event_hash(
			    stored_prev ? stored_prev : "", num, seq, sqlite3_column_int64(st, 4),
			    (const char *)sqlite3_column_text(st, 5),
			    (const char *)sqlite3_column_text(st, 6),
			    (const char *)sqlite3_column_text(st, 7), sqlite3_column_int64(st, 8),
			    (const char *)sqlite3_column_text(st, 9));
			if (g_strcmp0(hash, stored_hash) != 0)
				audit_break(
				    res, num, id, seq,
				    g_strdup_printf("its fields (time, actor, kind, detail, "
				                    "message, rules version, request number) "
				                    "hash to %.12s…, not to the stored %.12s…: "
				                    "it was changed after it was written",
				                    hash, stored_hash ? stored_hash : ""),
				    &request_broken);
		}
		g_free(prev);
		prev = g_strdup(stored_hash ? stored_hash : "");
		expect_seq = seq + 1;
		if (request_broken)
			g_hash_table_add(broken_ids, g_memdup2(&rid, sizeof rid));
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		store_audit_result_clear(res);
		return store_fail(store, error, "cannot read events");
	}
	if (!audit_moves(store, request_id, res, broken_ids, error)) {
		store_audit_result_clear(res);
		return false;
	}
	return true;
}

bool
store_audit_verify(dispo_store *store, int64_t *checked, GError **error)
{
	dispo_audit_result res;
	bool ok = store_audit_check(store, NULL, &res, error);

	*checked = res.events;
	if (ok && res.broken) {
		const dispo_audit_break *b = res.breaks->pdata[0];
		g_set_error(error, DISPO_STORE_ERROR, DISPO_STORE_ERROR_CORRUPT,
		            "audit trail of %s is broken at event %u: %s",
		            b->request ? b->request : "a deleted request", b->seq, b->what);
		ok = false;
	}
	store_audit_result_clear(&res);
	return ok;
}

bool
store_request_set_state(dispo_store *store, int64_t request_id, const char *state, const char *step,
                        dispo_time at, GError **error)
{
	sqlite3_stmt *st = store_stmt(
	    store, "UPDATE requests SET state = ?, step = ?, updated_at = ? WHERE id = ?", error);
	int rc;

	if (!st)
		return false;
	store_bind_text(st, 1, state);
	store_bind_text(st, 2, step);
	sqlite3_bind_int64(st, 3, at);
	sqlite3_bind_int64(st, 4, request_id);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return store_fail(store, error, "cannot change a request's state");
	return true;
}

bool
store_request_lookup(dispo_store *store, int64_t request_id, char **number, char **applicant,
                     char **state, GError **error)
{
	sqlite3_stmt *st =
	    store_stmt(store, "SELECT number, applicant, state FROM requests WHERE id = ?", error);

	if (!st)
		return false;
	sqlite3_bind_int64(st, 1, request_id);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_reset(st);
		g_set_error(error, DISPO_STORE_ERROR, DISPO_STORE_ERROR_NOT_FOUND,
		            "no request with id %" G_GINT64_FORMAT, (gint64)request_id);
		return false;
	}
	if (number)
		*number = store_column_dup(st, 0);
	if (applicant)
		*applicant = store_column_dup(st, 1);
	if (state)
		*state = store_column_dup(st, 2);
	sqlite3_reset(st);
	return true;
}

bool
store_request_message_id(dispo_store *store, int64_t request_id, char **message_id, GError **error)
{
	sqlite3_stmt *st = store_stmt(store,
	                              "SELECT m.message_id FROM requests r"
	                              " JOIN messages m ON m.id = r.message_id WHERE r.id = ?",
	                              error);
	int rc;

	*message_id = NULL;
	if (!st)
		return false;
	sqlite3_bind_int64(st, 1, request_id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*message_id = store_column_dup(st, 0);
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ||
	       store_fail(store, error, "cannot read a request's message");
}

bool
store_request_id(dispo_store *store, const char *number, int64_t *request_id, GError **error)
{
	sqlite3_stmt *st = store_stmt(store, "SELECT id FROM requests WHERE number = ?", error);
	int rc;

	*request_id = 0;
	if (!st)
		return false;
	store_bind_text(st, 1, number);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*request_id = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ||
	       store_fail(store, error, "cannot look up a request");
}

/* The ids a prepared query with up to two text parameters returns. */
static GArray *
ids_query(dispo_store *store, const char *sql, const char *a, const char *b, GError **error)
{
	sqlite3_stmt *st = store_stmt(store, sql, error);
	GArray *ids;
	int rc;

	if (!st)
		return NULL;
	ids = g_array_new(false, false, sizeof(int64_t));
	store_bind_text(st, 1, a);
	if (b)
		store_bind_text(st, 2, b);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(st, 0);
		g_array_append_val(ids, id);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		g_array_unref(ids);
		store_fail(store, error, "cannot list requests");
		return NULL;
	}
	return ids;
}

GArray *
store_requests_at_step(dispo_store *store, const char *workflow, const char *step, GError **error)
{
	return ids_query(store,
	                 "SELECT id FROM requests WHERE workflow = ? AND step = ? ORDER BY id",
	                 workflow, step, error);
}

GArray *
store_requests_by_applicant(dispo_store *store, const char *address, GError **error)
{
	return ids_query(store,
	                 "SELECT id FROM requests WHERE applicant = ? COLLATE NOCASE ORDER BY id",
	                 address, NULL, error);
}
