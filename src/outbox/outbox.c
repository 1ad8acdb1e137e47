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
	g_free(outbox);
}

/* Retries back off: 1, 2, 4 … minutes, at most a day apart. */
static dispo_time
next_attempt(dispo_time now, unsigned attempts)
{
	dispo_time delay = 60;

	for (unsigned i = 0; i < attempts && delay < 86400; i++)
		delay *= 2;
	return now + MIN(delay, 86400);
}

static bool
deliver_row(dispo_outbox *outbox, dispo_store *store, const dispo_outbox_row *row, dispo_time now,
            dispo_outbox_stats *stats, GError **error)
{
	g_autofree char *path = store_blob_path(store, row->blob_sha256);
	g_autofree char *data = NULL;
	gsize len = 0;
	g_autoptr(GError) e = NULL;
	g_autoptr(GBytes) bytes = NULL;
	bool permanent;

	if (!row->blob_sha256 || !g_file_get_contents(path, &data, &len, &e)) {
		/* The rendered bytes were made durable before the row committed:
		 * losing them is damage, not a passing fault. */
		permanent = true;
		if (!e)
			e = g_error_new(DISPO_OUTBOX_ERROR, DISPO_OUTBOX_ERROR_PERMANENT,
			                "the email's rendered bytes are missing");
	} else {
		bytes = g_bytes_new_take(g_steal_pointer(&data), len);
		if (outbox->backend->deliver(outbox, row, bytes, &e)) {
			if (!store_begin(store, error))
				return false;
			if (!store_outbox_mark_sent(store, row->id, now, error)) {
				store_rollback(store);
				return false;
			}
			stats->sent++;
			return store_commit(store, error);
		}
		permanent = g_error_matches(e, DISPO_OUTBOX_ERROR, DISPO_OUTBOX_ERROR_PERMANENT);
	}
	if (!store_begin(store, error))
		return false;
	if (!store_outbox_mark_failed(store, row->id, e->message, permanent,
	                              next_attempt(now, row->attempts), error)) {
		store_rollback(store);
		return false;
	}
	if (permanent)
		stats->failed++;
	else
		stats->deferred++;
	return store_commit(store, error);
}

bool
outbox_flush(dispo_outbox *outbox, dispo_store *store, dispo_time now, dispo_outbox_stats *stats,
             GError **error)
{
	dispo_outbox_stats dummy = {0};

	if (!stats)
		stats = &dummy;
	for (;;) {
		g_autoptr(GPtrArray) rows = store_outbox_due(store, now, 64, error);
		if (!rows)
			return false;
		if (rows->len == 0)
			return true;
		for (guint i = 0; i < rows->len; i++)
			if (!deliver_row(outbox, store, rows->pdata[i], now, stats, error))
				return false;
	}
}
