/* SPDX-License-Identifier: GPL-3.0-or-later */
/* spool.c: raw messages on disk, content-addressed (mail/ab/abcd…), written
 * as temp file, fsync, rename, fsync dir, before any row names them. */
#include "config.h"

#include "store/store-private.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

struct dispo_spool {
	char *tmp_path;
	int fd;
	dispo_sha256 *sum;
	uint64_t size;
	char sha256[DISPO_SHA256_HEX_LEN + 1];
	bool finished;
	bool committed;
};

char *
store_blob_path(dispo_store *store, const char *sha256)
{
	char sub[3] = {sha256[0], sha256[1], 0};
	return g_build_filename(store->mail_dir, sub, sha256, NULL);
}

dispo_spool *
store_spool_new(dispo_store *store, GError **error)
{
	g_autofree char *dir = NULL;
	dispo_spool *s;

	if (!store->mail_dir) {
		g_set_error(error, DISPO_STORE_ERROR, DISPO_STORE_ERROR_FAILED,
		            "this store has no mail directory");
		return NULL;
	}
	dir = g_build_filename(store->mail_dir, "tmp", NULL);
	if (!dispo_mkdir_p(dir, error))
		return NULL;
	s = g_new0(dispo_spool, 1);
	s->tmp_path = g_build_filename(dir, "spool.XXXXXX", NULL);
	s->fd = g_mkstemp_full(s->tmp_path, O_RDWR | O_CLOEXEC, 0600);
	if (s->fd < 0) {
		dispo_io_error_set(error, errno, "cannot create", s->tmp_path);
		g_free(s->tmp_path);
		g_free(s);
		return NULL;
	}
	s->sum = dispo_sha256_new();
	return s;
}

static bool
misuse(GError **error, const char *what)
{
	g_set_error(error, DISPO_STORE_ERROR, DISPO_STORE_ERROR_FAILED, "%s (a bug in dispo)",
	            what);
	return false;
}

bool
store_spool_write(dispo_spool *s, const void *data, size_t len, GError **error)
{
	if (s->finished)
		return misuse(error, "writing to a finished spool");
	dispo_sha256_update(s->sum, data, len);
	s->size += len;
	return dispo_write_all(s->fd, data, len, s->tmp_path, error);
}

bool
store_spool_finish(dispo_spool *s, GError **error)
{
	if (s->finished)
		return misuse(error, "finishing a spool twice");
	dispo_sha256_finish(s->sum, s->sha256);
	s->finished = true;
	return true;
}

const char *
store_spool_sha256(const dispo_spool *s)
{
	return s->finished ? s->sha256 : NULL;
}

uint64_t
store_spool_size(const dispo_spool *s)
{
	return s->size;
}

bool
store_spool_commit(dispo_store *store, dispo_spool *s, bool sync, GError **error)
{
	g_autofree char *path = NULL;
	g_autofree char *dir = NULL;

	if (!s->finished || s->committed)
		return misuse(error, "committing an unfinished or committed spool");
	path = store_blob_path(store, s->sha256);
	dir = g_path_get_dirname(path);
	if (!(sync ? dispo_mkdir_sync(dir, error) : dispo_mkdir_p(dir, error)))
		return false;
	if (sync && fdatasync(s->fd) != 0)
		return dispo_io_error_set(error, errno, "cannot sync", s->tmp_path);
	if (!dispo_file_publish(s->tmp_path, path, s->sha256, sync, error))
		return false;
	s->committed = true;
	return !sync || dispo_fsync_dir(dir, error);
}

bool
store_sync(dispo_store *store, GError **error)
{
	return !store->mail_dir || dispo_syncfs(store->mail_dir, error);
}

void
store_spool_free(dispo_spool *s)
{
	if (!s)
		return;
	if (s->fd >= 0)
		close(s->fd);
	if (!s->committed)
		unlink(s->tmp_path);
	dispo_sha256_free(s->sum);
	g_free(s->tmp_path);
	g_free(s);
}
