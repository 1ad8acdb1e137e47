/* SPDX-License-Identifier: GPL-3.0-or-later */
/* outbox.c: the loop that hands due outbox rows to a backend and records
 * the result, whichever backend it is. */
#include "config.h"

#include "outbox/outbox.h"

/* clang-format off */
G_DEFINE_QUARK(dispo-outbox-error-quark, dispo_outbox_error)
/* clang-format on */

void
outbox_free(dispo_outbox *outbox)
{
	if (!outbox)
		return;
	if (outbox->backend->free)
		outbox->backend->free(outbox);
	if (outbox->unrecorded) {
		for (guint i = 0; i < outbox->unrecorded->len; i++)
			g_warning(
			    "outbox row %" G_GINT64_FORMAT
			    " was sent but could not be recorded as sent; it is sent again "
			    "(same Message-ID) once its claim runs out",
			    (gint64)g_array_index(outbox->unrecorded, dispo_outbox_sent, i).id);
		g_array_unref(outbox->unrecorded);
	}
	g_free(outbox);
}

guint
outbox_unrecorded(const dispo_outbox *outbox)
{
	return outbox->unrecorded ? outbox->unrecorded->len : 0;
}

static void
unrecorded_add(dispo_outbox *outbox, const dispo_outbox_sent *sent, guint n)
{
	if (!outbox->unrecorded)
		outbox->unrecorded = g_array_new(FALSE, FALSE, sizeof(dispo_outbox_sent));
	g_array_append_vals(outbox->unrecorded, sent, n);
}

void
outbox_hand_over(dispo_outbox *from, dispo_outbox *to)
{
	if (!outbox_unrecorded(from))
		return;
	unrecorded_add(to, (const dispo_outbox_sent *)(void *)from->unrecorded->data,
	               from->unrecorded->len);
	g_array_set_size(from->unrecorded, 0);
}

static bool
mark_sent(dispo_store *store, int64_t id, dispo_time at, GError **error)
{
	if (!store_begin(store, error))
		return false;
	if (!store_outbox_mark_sent(store, id, at, error)) {
		store_rollback(store);
		return false;
	}
	return store_commit(store, error);
}

/* The rows sent by an earlier run that could not record them, first. */
static bool
record_unrecorded(dispo_outbox *outbox, dispo_store *store, dispo_outbox_stats *stats,
                  GError **error)
{
	while (outbox_unrecorded(outbox)) {
		dispo_outbox_sent *s = &g_array_index(outbox->unrecorded, dispo_outbox_sent, 0);
		if (!mark_sent(store, s->id, s->at, error))
			return false;
		stats->sent++;
		g_array_remove_index(outbox->unrecorded, 0);
	}
	return true;
}

dispo_time
outbox_retry_at(dispo_time now, unsigned attempts)
{
	dispo_time delay = 60;

	for (unsigned i = 1; i < attempts && delay < 6 * 3600; i++)
		delay *= 2;
	delay = MIN(delay, 6 * 3600);
	return now + delay + g_random_int_range(0, (gint32)(delay / 4) + 1);
}

/* Records a failed attempt; a permanent one (or a temporary one past
 * max_age) also goes to the failure hook, in the same transaction. */
static bool
record_failure(dispo_outbox *outbox, dispo_store *store, const dispo_outbox_row *row,
               const GError *cause, dispo_time now, dispo_outbox_stats *stats, GError **error)
{
	bool permanent = g_error_matches(cause, DISPO_OUTBOX_ERROR, DISPO_OUTBOX_ERROR_PERMANENT);
	g_autofree char *why = g_strdup(cause->message);

	if (!permanent && outbox->max_age > 0 && now - row->created_at >= outbox->max_age) {
		g_free(why);
		why = g_strdup_printf("gave up after %u attempts: %s", row->attempts + 1,
		                      cause->message);
		permanent = true;
	}
	if (!store_begin(store, error))
		return false;
	if (!store_outbox_mark_failed(store, row->id, why, permanent,
	                              outbox_retry_at(now, row->attempts + 1), error)) {
		store_rollback(store);
		return false;
	}
	if (permanent && outbox->failed) {
		g_autoptr(GError) e = NULL;
		if (!outbox->failed(store, row, why, outbox->failed_user, &e)) {
			/* The record of the failure (a template missing, say) must not
			 * hold up the outbox: the failure itself is kept, and said. */
			store_rollback(store);
			g_warning("outbox row %" G_GINT64_FORMAT
			          ": cannot record its failure (%s); "
			          "it is marked failed without a notice",
			          (gint64)row->id, e->message);
			if (!store_begin(store, error))
				return false;
			if (!store_outbox_mark_failed(store, row->id, why, true, 0, error)) {
				store_rollback(store);
				return false;
			}
		}
	}
	if (permanent)
		stats->failed++;
	else
		stats->deferred++;
	return store_commit(store, error);
}

/* *away: the server was found unavailable earlier in this run; set when
 * it is found so now. */
static bool
deliver_row(dispo_outbox *outbox, dispo_store *store, const dispo_outbox_row *row, dispo_time now,
            GError **away, dispo_outbox_stats *stats, GError **error)
{
	g_autofree char *path = store_blob_path(store, row->blob_sha256);
	g_autofree char *data = NULL;
	gsize len = 0;
	g_autoptr(GError) e = NULL;
	g_autoptr(GBytes) bytes = NULL;
	g_auto(GStrv) rcpts = NULL;

	if (g_strcmp0(row->state, "sending") == 0)
		g_warning("outbox row %" G_GINT64_FORMAT " to %s: an earlier attempt was cut off; "
		          "sending it again with the same Message-ID <%s>",
		          (gint64)row->id, row->to_addr, row->message_id);
	if (!row->blob_sha256 || !g_file_get_contents(path, &data, &len, &e)) {
		/* The rendered bytes were made durable before the row committed:
		 * losing them is damage, not a passing fault. */
		g_autoptr(GError) p = g_error_new(DISPO_OUTBOX_ERROR, DISPO_OUTBOX_ERROR_PERMANENT,
		                                  "the email's rendered bytes are missing%s%s",
		                                  e ? ": " : "", e ? e->message : "");
		return record_failure(outbox, store, row, p, now, stats, error);
	}
	bytes = g_bytes_new_take(g_steal_pointer(&data), len);
	rcpts = outbox_row_recipients(row);
	for (size_t i = 0; rcpts[i]; i++)
		if (!outbox_address_check(rcpts[i], &e))
			return record_failure(outbox, store, row, e, now, stats, error);
	/* A server that did not answer the last email in time will not answer
	 * this one either: a hundred emails must not hold the daemon (and its
	 * IMAP intake) for a hundred timeouts. */
	if (*away) {
		g_autoptr(GError) skip =
		    g_error_new(DISPO_OUTBOX_ERROR, DISPO_OUTBOX_ERROR_TEMPORARY,
		                "%s (not tried: the server had just failed "
		                "another email)",
		                (*away)->message);
		return record_failure(outbox, store, row, skip, now, stats, error);
	}
	if (!outbox->backend->deliver(outbox, row, bytes, &e)) {
		if (g_error_matches(e, DISPO_OUTBOX_ERROR, DISPO_OUTBOX_ERROR_UNAVAILABLE))
			*away = g_error_copy(e);
		return record_failure(outbox, store, row, e, now, stats, error);
	}
	if (!mark_sent(store, row->id, now, error)) {
		/* Sent: if it stayed claimed, the next sender after the lease
		 * would send it again. This sender remembers it instead. */
		dispo_outbox_sent s = {row->id, now};
		unrecorded_add(outbox, &s, 1);
		g_prefix_error(error, "email %s to %s was sent, but cannot be recorded yet: ",
		               row->message_id, row->to_addr);
		return false;
	}
	stats->sent++;
	return true;
}

bool
outbox_flush(dispo_outbox *outbox, dispo_store *store, dispo_time now, dispo_outbox_stats *stats,
             GError **error)
{
	dispo_outbox_stats dummy = {0};
	g_autoptr(GError) away = NULL;

	if (!stats)
		stats = &dummy;
	if (!record_unrecorded(outbox, store, stats, error))
		return false;
	/* One row at a time, its lease counted from the real clock (now may be
	 * --now, or the start of a long run): another sender running at the
	 * same time never takes a row this one is still sending. */
	for (;;) {
		g_autoptr(GPtrArray) rows = NULL;
		dispo_time clock = MAX(now, g_get_real_time() / G_USEC_PER_SEC);

		if (!store_begin(store, error))
			return false;
		rows = store_outbox_claim(store, now, clock - now + DISPO_OUTBOX_LEASE, 1, error);
		if (!rows) {
			store_rollback(store);
			return false;
		}
		if (!store_commit(store, error))
			return false;
		if (rows->len == 0)
			return true;
		if (!deliver_row(outbox, store, rows->pdata[0], now, &away, stats, error))
			return false;
	}
}

dispo_outbox *
outbox_open(const dispo_config *c, GError **error)
{
	dispo_outbox *outbox;

	if (c->smtp_url) {
		dispo_smtp_options o = {
		    .url = c->smtp_url,
		    .starttls = c->smtp_starttls,
		    .verify = c->smtp_verify,
		    .ca_file = c->smtp_ca_file,
		    .credentials_file = c->smtp_credentials_file,
		    .auth = c->smtp_auth,
		    .envelope_from = c->smtp_envelope_from,
		    .timeout_ms = c->smtp_timeout_ms,
		};
		outbox = outbox_smtp_new(&o, error);
	} else {
		g_autofree char *dir = g_build_filename(c->data_dir, "outbox", NULL);
		outbox = outbox_maildir_new(dir, error);
	}
	if (outbox)
		outbox->max_age = c->smtp_max_age_ms / 1000;
	return outbox;
}
