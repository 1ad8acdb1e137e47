/* SPDX-License-Identifier: GPL-3.0-or-later */
/* imap-sync.c: takes an IMAP mailbox's new messages into the pipeline, each
 * with its checkpoint in its own transaction, and moves (or marks) it on
 * the server only after that commit; a message that keeps failing goes to
 * the quarantine folder with its reason recorded. */
#include "config.h"

#include "ingest/ingest-private.h"

#include <string.h>

/* A message's failures so far, and when it may be tried again. */
typedef struct failure {
	unsigned tries;
	int64_t retry_at; /* monotonic µs */
	char *reason;
} failure;

struct dispo_imap_sync {
	char *mailbox;
	char *processed;
	char *quarantine;
	unsigned max_tries;
	size_t chunk;
	int64_t retry_base_us;
	char *source;           /* account/mailbox, the checkpoint's key */
	uint32_t uidvalidity;   /* of the selected mailbox */
	bool selected;          /* a pass may run */
	bool leftovers_done;    /* committed messages not yet moved were moved */
	GHashTable *failures;   /* uid -> failure */
	unsigned env_failures;  /* passes stopped by the store (disk full, locked) */
	int64_t env_retry_at;   /* monotonic µs; 0 when none */
	dispo_imap_sync_fn log; /* one call per message taken or given up */
	bool (*stop)(void *user);
	void *log_user;
};

static void
failure_free(failure *f)
{
	g_free(f->reason);
	g_free(f);
}

dispo_imap_sync *
ingest_imap_sync_new(const dispo_imap_sync_options *o)
{
	dispo_imap_sync *s = g_new0(dispo_imap_sync, 1);

	s->mailbox = g_strdup(o->mailbox ? o->mailbox : "INBOX");
	s->processed = g_strdup(o->processed);
	s->quarantine = g_strdup(o->quarantine);
	s->max_tries = o->max_tries ? o->max_tries : 5;
	s->chunk = o->chunk ? o->chunk : 1024 * 1024;
	s->retry_base_us = (o->retry_base_ms ? o->retry_base_ms : 1000) * (int64_t)1000;
	s->log = o->log;
	s->stop = o->stop;
	s->log_user = o->log_user;
	s->failures = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL,
	                                    (GDestroyNotify)failure_free);
	return s;
}

void
ingest_imap_sync_free(dispo_imap_sync *s)
{
	if (!s)
		return;
	g_free(s->mailbox);
	g_free(s->processed);
	g_free(s->quarantine);
	g_free(s->source);
	g_hash_table_destroy(s->failures);
	g_free(s);
}

const char *
ingest_imap_sync_source(const dispo_imap_sync *s)
{
	return s->source;
}

bool
ingest_imap_sync_select(dispo_imap_sync *s, dispo_imap *imap, GError **error)
{
	uint32_t uidvalidity = 0, uidnext = 0;
	uint32_t old = s->uidvalidity;

	s->selected = false;
	if (!ingest_imap_select(imap, s->mailbox, &uidvalidity, &uidnext, error))
		return false;
	g_free(s->source);
	s->source = g_strdup_printf("%s/%s", ingest_imap_account(imap), s->mailbox);
	s->uidvalidity = uidvalidity;
	/* UIDs of another UIDVALIDITY name other messages: what failed before
	 * is not what these UIDs are now. */
	if (old && old != uidvalidity)
		g_hash_table_remove_all(s->failures);
	s->selected = true;
	s->leftovers_done = false;
	return true;
}

/* base × 2^tries (2 s, 4 s, 8 s … by default) up to ten minutes, plus up
 * to a quarter more at random, so that retries of many do not come at once. */
static int64_t
backoff_us(const dispo_imap_sync *s, unsigned tries)
{
	int64_t us = s->retry_base_us << MIN(tries, 10u);

	us = MIN(us, 600 * G_USEC_PER_SEC);
	return us + g_random_int_range(0, (gint32)(us / 4 + 1));
}

typedef struct fetch_ctx {
	dispo_ingest_message *msg;
	uint64_t got;
} fetch_ctx;

static bool
fetch_chunk(const void *data, size_t len, void *user, GError **error)
{
	fetch_ctx *c = user;

	c->got += len;
	return ingest_message_write(c->msg, data, len, error);
}

/* Fetches uid in pieces into the pipeline and commits it (with the
 * checkpoint when it is next in line). *gone: the server no longer has it. */
static bool
take(dispo_imap_sync *s, dispo_imap *imap, dispo_ingest *ing, uint32_t uid, bool in_line,
     bool *gone, GError **error)
{
	fetch_ctx c = {0};
	uint64_t size = 0;
	g_autoptr(GError) e = NULL;

	*gone = false;
	if (!ingest_imap_size(imap, uid, &size, &e)) {
		/* Expunged by someone else between SEARCH and FETCH. */
		if (g_error_matches(e, DISPO_IMAP_ERROR, DISPO_IMAP_ERROR_PROTOCOL)) {
			*gone = true;
			return true;
		}
		g_propagate_error(error, g_steal_pointer(&e));
		return false;
	}
	if (!(c.msg = ingest_message_begin(ing, error)))
		return false;
	if (!ingest_imap_fetch(imap, uid, s->chunk, fetch_chunk, &c, error)) {
		ingest_message_abort(c.msg);
		return false;
	}
	/* A server that sends less than it announced would have dispo store
	 * a cut message as if whole. */
	if (c.got != size) {
		ingest_message_abort(c.msg);
		g_set_error(error, DISPO_IMAP_ERROR, DISPO_IMAP_ERROR_PROTOCOL,
		            "the server sent %" G_GUINT64_FORMAT
		            " bytes of a message of %" G_GUINT64_FORMAT,
		            c.got, size);
		return false;
	}
	if (in_line)
		ingest_checkpoint_set(ing, s->source, s->uidvalidity, uid);
	/* One message per transaction (batch 1): end commits it, and a
	 * duplicate, which commits nothing, leaves the checkpoint to flush. */
	if (ingest_message_end(ing, c.msg, 0, error) && ingest_flush(ing, error))
		return true;
	ingest_checkpoint_set(ing, NULL, 0, 0);
	return false;
}

/* The checkpoint alone: a message in line that vanished. */
static bool
checkpoint_only(dispo_imap_sync *s, dispo_ingest *ing, uint32_t uid, GError **error)
{
	ingest_checkpoint_set(ing, s->source, s->uidvalidity, uid);
	return ingest_flush(ing, error);
}

/* Gives up on uid: recorded (with the checkpoint when it is in line) in
 * one transaction, then moved to the quarantine folder or flagged. */
static bool
quarantine(dispo_imap_sync *s, dispo_imap *imap, dispo_ingest *ing, uint32_t uid, bool in_line,
           failure *f, GError **error)
{
	dispo_store *store = ing->store;
	g_autoptr(GError) e = NULL;

	if (!store_begin(store, error))
		return false;
	if (!store_imap_quarantine_add(store, s->source, s->uidvalidity, uid, f->tries, f->reason,
	                               ing->opt.now, error) ||
	    (in_line && !store_imap_checkpoint_set(store, s->source, s->uidvalidity, uid,
	                                           ing->opt.now, error))) {
		store_rollback(store);
		return false;
	}
	if (!store_commit(store, error))
		return false;
	if (s->quarantine ? !ingest_imap_finish(imap, uid, s->quarantine, &e)
	                  : !ingest_imap_flag(imap, uid, &e)) {
		if (!g_error_matches(e, DISPO_IMAP_ERROR, DISPO_IMAP_ERROR_PROTOCOL)) {
			g_propagate_error(error, g_steal_pointer(&e));
			return false;
		}
		/* Recorded; left where it is, it is not taken again (below
		 * the checkpoint, or known as quarantined). */
	}
	if (s->log)
		s->log(s->log_user, uid, DISPO_IMAP_SYNC_QUARANTINED, f->reason, 0);
	return true;
}

/* Messages committed before a crash but not yet moved: below the
 * checkpoint and still in the watched mailbox. Only with a processed
 * folder: with \Seen marking, everything taken stays in the mailbox. */
static bool
move_leftovers(dispo_imap_sync *s, dispo_imap *imap, uint32_t last_uid, GError **error)
{
	g_autoptr(GArray) uids = NULL;

	if (!s->processed || last_uid == 0)
		return true;
	if (!(uids = ingest_imap_uids(imap, 0, error)))
		return false;
	for (guint i = 0; i < uids->len; i++) {
		uint32_t uid = g_array_index(uids, uint32_t, i);
		g_autoptr(GError) e = NULL;
		if (uid > last_uid)
			break;
		if (g_hash_table_contains(s->failures, GUINT_TO_POINTER(uid)))
			continue;
		if (!ingest_imap_finish(imap, uid, s->processed, &e)) {
			if (!g_error_matches(e, DISPO_IMAP_ERROR, DISPO_IMAP_ERROR_PROTOCOL)) {
				g_propagate_error(error, g_steal_pointer(&e));
				return false;
			}
		}
	}
	return true;
}

/* Whether e says the store or the disk, not the message, failed: such a
 * failure counts toward no message's quarantine. */
static bool
environment_failure(const GError *e)
{
	return e->domain == DISPO_STORE_ERROR || e->domain == DISPO_IO_ERROR ||
	       ingest_error_is_temporary(e);
}

bool
ingest_imap_sync_pass(dispo_imap_sync *s, dispo_imap *imap, dispo_ingest *ing, int64_t *retry_in_us,
                      GError **error)
{
	dispo_imap_checkpoint cp;
	g_autoptr(GArray) uids = NULL;
	uint32_t last;
	bool in_line = true;
	int64_t now = g_get_monotonic_time();
	int64_t next = 0;

	*retry_in_us = 0;
	g_return_val_if_fail(s->selected, false);
	if (s->env_retry_at && now < s->env_retry_at) {
		*retry_in_us = s->env_retry_at - now;
		return true;
	}
	if (!store_imap_checkpoint_get(ing->store, s->source, &cp, error))
		return false;
	/* A new UIDVALIDITY: every UID may name another message. Take in the
	 * whole mailbox again; what was taken before is the same bytes, which
	 * the store recognises, so nothing is skipped and nothing doubles. */
	last = cp.found && cp.uidvalidity == s->uidvalidity ? cp.last_uid : 0;
	if (!s->leftovers_done) {
		if (!move_leftovers(s, imap, last, error))
			return false;
		s->leftovers_done = true;
	}
	if (!(uids = ingest_imap_uids(imap, last, error)))
		return false;
	for (guint i = 0; i < uids->len; i++) {
		uint32_t uid = g_array_index(uids, uint32_t, i);
		failure *f = g_hash_table_lookup(s->failures, GUINT_TO_POINTER(uid));
		int64_t t0 = g_get_monotonic_time();
		g_autoptr(GError) e = NULL;
		bool gone = false;

		/* SIGTERM: what is not taken stays on the server for the next run. */
		if (s->stop && s->stop(s->log_user))
			break;
		if (f && t0 < f->retry_at) {
			in_line = false;
			next = next ? MIN(next, f->retry_at) : f->retry_at;
			continue;
		}
		ingest_set_now(ing, g_get_real_time() / G_USEC_PER_SEC);
		if (take(s, imap, ing, uid, in_line, &gone, &e)) {
			g_hash_table_remove(s->failures, GUINT_TO_POINTER(uid));
			s->env_failures = 0;
			s->env_retry_at = 0;
			if (gone) {
				if (in_line && !checkpoint_only(s, ing, uid, error))
					return false;
				continue;
			}
			/* Committed: only now may the server forget it. */
			if (!ingest_imap_finish(imap, uid, s->processed, &e) &&
			    !g_error_matches(e, DISPO_IMAP_ERROR, DISPO_IMAP_ERROR_PROTOCOL)) {
				g_propagate_error(error, g_steal_pointer(&e));
				return false;
			}
			if (s->log) {
				g_autofree char *text =
				    e ? g_strdup_printf("%s (left in the mailbox: %s)",
				                        ingest_outcome(ing), e->message)
				      : g_strdup(ingest_outcome(ing));
				s->log(s->log_user, uid, DISPO_IMAP_SYNC_TAKEN, text,
				       (g_get_monotonic_time() - t0) / 1000);
			}
			continue;
		}
		/* The connection broke: nothing of this message committed; the
		 * next connection takes it again. */
		if (e->domain == DISPO_IMAP_ERROR && e->code != DISPO_IMAP_ERROR_PROTOCOL) {
			g_propagate_error(error, g_steal_pointer(&e));
			return false;
		}
		if (environment_failure(e)) {
			s->env_failures++;
			s->env_retry_at =
			    g_get_monotonic_time() + backoff_us(s, s->env_failures + 1);
			*retry_in_us = s->env_retry_at - g_get_monotonic_time();
			if (s->log)
				s->log(s->log_user, uid, DISPO_IMAP_SYNC_DEFERRED, e->message,
				       (g_get_monotonic_time() - t0) / 1000);
			return true;
		}
		if (!f) {
			f = g_new0(failure, 1);
			g_hash_table_insert(s->failures, GUINT_TO_POINTER(uid), f);
		}
		f->tries++;
		g_free(f->reason);
		f->reason = g_strdup(e->message);
		if (f->tries >= s->max_tries) {
			if (!quarantine(s, imap, ing, uid, in_line, f, error))
				return false;
			g_hash_table_remove(s->failures, GUINT_TO_POINTER(uid));
			continue;
		}
		if (s->log)
			s->log(s->log_user, uid, DISPO_IMAP_SYNC_DEFERRED, e->message,
			       (g_get_monotonic_time() - t0) / 1000);
		f->retry_at = g_get_monotonic_time() + backoff_us(s, f->tries);
		next = next ? MIN(next, f->retry_at) : f->retry_at;
		in_line = false;
	}
	if (next)
		*retry_in_us = MAX(1, next - g_get_monotonic_time());
	return true;
}
