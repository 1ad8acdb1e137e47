/* SPDX-License-Identifier: GPL-3.0-or-later */
/* maildir.c: the outbox backend of the embedded default: every email is
 * left as a file in a Maildir, to be opened with any mail client. */
#include "config.h"

#include "outbox/outbox.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static bool
maildir_deliver(dispo_outbox *outbox, const dispo_outbox_row *row, GBytes *message, GError **error)
{
	const char *dir = outbox->priv;
	/* The name is the row's id: a second delivery of the same row (a crash
	 * before its commit) replaces the file instead of adding a copy. */
	g_autofree char *name = g_strdup_printf("%06" G_GINT64_FORMAT ".eml", (gint64)row->id);
	g_autofree char *tmp_dir = g_build_filename(dir, "tmp", NULL);
	g_autofree char *path = g_build_filename(dir, "new", name, NULL);
	gsize len;
	const char *data = g_bytes_get_data(message, &len);
	g_autoptr(GError) e = NULL;

	/* As an MDA does: complete (and synced) in tmp/, then one rename into
	 * new/ and new/ synced, so that a mail client never sees half a
	 * message. */
	if (!dispo_file_write_atomic_via(tmp_dir, path, data, len, 0640, &e)) {
		g_set_error(error, DISPO_OUTBOX_ERROR, DISPO_OUTBOX_ERROR_TEMPORARY, "%s",
		            e->message);
		return false;
	}
	return true;
}

static void
maildir_free(dispo_outbox *outbox)
{
	g_free(outbox->priv);
}

static const dispo_outbox_backend maildir_backend = {"maildir", maildir_deliver, maildir_free};

dispo_outbox *
outbox_maildir_new(const char *dir, GError **error)
{
	static const char *const subdirs[] = {"new", "cur", "tmp"};
	dispo_outbox *outbox;

	for (size_t i = 0; i < G_N_ELEMENTS(subdirs); i++) {
		g_autofree char *p = g_build_filename(dir, subdirs[i], NULL);
		if (!dispo_mkdir_p(p, error))
			return NULL;
	}
	{
		/* what a writer killed mid-write left (none is ever renamed
		 * from tmp/ an hour later) */
		g_autofree char *tmp = g_build_filename(dir, "tmp", NULL);
		dispo_tmp_sweep(tmp, g_get_real_time() / G_USEC_PER_SEC - 3600);
	}
	outbox = g_new0(dispo_outbox, 1);
	outbox->backend = &maildir_backend;
	outbox->priv = g_strdup(dir);
	return outbox;
}
