/* SPDX-License-Identifier: GPL-3.0-or-later */
/* file.c: durable file writes (temp, fsync, rename, fsync dir) and errno
 * mapped to temporary or permanent errors. */
#include "config.h"

#include "lib/lib.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* clang-format off */
G_DEFINE_QUARK(dispo-io-error-quark, dispo_io_error)
/* clang-format on */

bool
dispo_io_error_set(GError **error, int errnum, const char *what, const char *path)
{
	int code;

	switch (errnum) {
	case ENOSPC:
	case EDQUOT:
	case EIO:
	case EINTR:
	case EAGAIN:
	case ENOMEM:
	case EMFILE:
	case ENFILE:
	case EFBIG: /* RLIMIT_FSIZE: the host ran out of room for us */
	case EROFS: /* remounted read-only after an error; an admin will fix it */
		code = DISPO_IO_ERROR_TEMPORARY;
		break;
	default: code = DISPO_IO_ERROR_PERMANENT;
	}
	g_set_error(error, DISPO_IO_ERROR, code, "%s %s: %s", what, path ? path : "",
	            g_strerror(errnum));
	return false;
}

bool
dispo_mkdir_p(const char *path, GError **error)
{
	if (g_mkdir_with_parents(path, 0700) != 0)
		return dispo_io_error_set(error, errno, "cannot create directory", path);
	return true;
}

bool
dispo_mkdir_sync(const char *path, GError **error)
{
	g_autofree char *parent = NULL;

	if (g_file_test(path, G_FILE_TEST_IS_DIR))
		return true;
	parent = g_path_get_dirname(path);
	if (strcmp(parent, path) != 0 && !dispo_mkdir_sync(parent, error))
		return false;
	if (mkdir(path, 0700) != 0 && errno != EEXIST)
		return dispo_io_error_set(error, errno, "cannot create directory", path);
	return dispo_fsync_dir(parent, error);
}

/* Opens path, runs a sync call on it, closes it. */
static bool
sync_open(const char *path, int oflags, int (*sync_fn)(int), const char *what, GError **error)
{
	int fd = open(path, oflags | O_CLOEXEC);

	if (fd < 0)
		return dispo_io_error_set(error, errno, "cannot open", path);
	if (sync_fn(fd) != 0) {
		int e = errno;
		close(fd);
		return dispo_io_error_set(error, e, what, path);
	}
	close(fd);
	return true;
}

bool
dispo_fsync_dir(const char *path, GError **error)
{
	return sync_open(path, O_RDONLY | O_DIRECTORY, fsync, "cannot sync directory", error);
}

bool
dispo_file_sha256(const char *path, char out[DISPO_SHA256_HEX_LEN + 1], GError **error)
{
	g_autoptr(dispo_sha256) sum = dispo_sha256_new();
	char buf[64 * 1024];
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return dispo_io_error_set(error, errno, "cannot open", path);
	for (;;) {
		ssize_t n = read(fd, buf, sizeof buf);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;
			close(fd);
			return dispo_io_error_set(error, e, "cannot read", path);
		}
		if (n == 0)
			break;
		dispo_sha256_update(sum, buf, (size_t)n);
	}
	close(fd);
	dispo_sha256_finish(sum, out);
	return true;
}

bool
dispo_file_publish(const char *tmp, const char *path, const char *sha256, bool sync, GError **error)
{
	char have[DISPO_SHA256_HEX_LEN + 1];

	if (link(tmp, path) == 0) {
		unlink(tmp);
		return true;
	}
	if (errno != EEXIST && access(path, F_OK) != 0) {
		/* A file system without hard links: a plain rename, nothing to keep. */
		if (rename(tmp, path) != 0)
			return dispo_io_error_set(error, errno, "cannot rename to", path);
		return true;
	}
	/* When the existing copy cannot be read, say so: replacing a file a
	 * committed row may name with one that is maybe not synced is worse. */
	if (!dispo_file_sha256(path, have, error))
		return false;
	if (strcmp(have, sha256) != 0) {
		/* A crash left it incomplete: mend it. */
		if (rename(tmp, path) != 0)
			return dispo_io_error_set(error, errno, "cannot rename to", path);
		return true;
	}
	unlink(tmp);
	return !sync || sync_open(path, O_RDONLY, fsync, "cannot sync", error);
}

bool
dispo_syncfs(const char *path, GError **error)
{
	return sync_open(path, O_RDONLY | O_DIRECTORY, syncfs, "cannot sync the file system of",
	                 error);
}

unsigned
dispo_tmp_sweep(const char *dir, int64_t before)
{
	g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
	const char *name;
	unsigned n = 0;

	while (d && (name = g_dir_read_name(d)) != NULL) {
		g_autofree char *path = g_build_filename(dir, name, NULL);
		struct stat st;
		if (lstat(path, &st) == 0 && S_ISREG(st.st_mode) && st.st_mtime < before &&
		    unlink(path) == 0)
			n++;
	}
	return n;
}

bool
dispo_same_fs(const char *a, const char *b)
{
	struct stat sa, sb;
	return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev;
}

bool
dispo_write_all(int fd, const void *data, size_t len, const char *path, GError **error)
{
	const char *p = data;

	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return dispo_io_error_set(error, errno, "cannot write", path);
		}
		p += n;
		len -= (size_t)n;
	}
	return true;
}

bool
dispo_file_write_atomic(const char *path, const void *data, size_t len, int mode, GError **error)
{
	g_autofree char *dir = g_path_get_dirname(path);
	return dispo_file_write_atomic_via(dir, path, data, len, mode, error);
}

bool
dispo_file_write_atomic_via(const char *tmp_dir, const char *path, const void *data, size_t len,
                            int mode, GError **error)
{
	g_autofree char *dir = g_path_get_dirname(path);
	g_autofree char *base = g_path_get_basename(path);
	g_autofree char *tmp = g_strdup_printf("%s/%s.tmp.%d", tmp_dir, base, (int)getpid());
	int fd;

	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (fd < 0)
		return dispo_io_error_set(error, errno, "cannot create", tmp);
	if (!dispo_write_all(fd, data, len, tmp, error))
		goto fail;
	if (fsync(fd) != 0) {
		dispo_io_error_set(error, errno, "cannot sync", tmp);
		goto fail;
	}
	if (close(fd) != 0) {
		fd = -1;
		dispo_io_error_set(error, errno, "cannot close", tmp);
		goto fail;
	}
	fd = -1;
	if (rename(tmp, path) != 0) {
		dispo_io_error_set(error, errno, "cannot rename to", path);
		goto fail;
	}
	return dispo_fsync_dir(dir, error);
fail:
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	return false;
}

bool
dispo_file_read(const char *path, size_t max, char **data, size_t *len, GError **error)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	char *buf;
	size_t got = 0;

	if (fd < 0)
		return dispo_io_error_set(error, errno, "cannot open", path);
	if (fstat(fd, &st) != 0) {
		int e = errno;
		close(fd);
		return dispo_io_error_set(error, e, "cannot stat", path);
	}
	if ((uint64_t)st.st_size > max) {
		close(fd);
		g_set_error(error, DISPO_IO_ERROR, DISPO_IO_ERROR_TOO_LARGE,
		            "%s is %" G_GUINT64_FORMAT " bytes, more than the %zu allowed", path,
		            (guint64)st.st_size, max);
		return false;
	}
	buf = g_malloc((size_t)st.st_size + 1);
	for (;;) {
		ssize_t n;
		if (got == (size_t)st.st_size)
			break;
		n = read(fd, buf + got, (size_t)st.st_size - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;
			close(fd);
			g_free(buf);
			return dispo_io_error_set(error, e, "cannot read", path);
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	buf[got] = '\0';
	*data = buf;
	if (len)
		*len = got;
	return true;
}

bool
dispo_remove_tree(const char *path, GError **error)
{
	g_autoptr(GDir) d = g_dir_open(path, 0, NULL);
	const char *name;

	if (d) {
		while ((name = g_dir_read_name(d)) != NULL) {
			g_autofree char *child = g_build_filename(path, name, NULL);
			if (g_file_test(child, G_FILE_TEST_IS_DIR) &&
			    !g_file_test(child, G_FILE_TEST_IS_SYMLINK)) {
				if (!dispo_remove_tree(child, error))
					return false;
			} else if (unlink(child) != 0) {
				return dispo_io_error_set(error, errno, "cannot remove", child);
			}
		}
	}
	if (rmdir(path) != 0 && errno != ENOENT)
		return dispo_io_error_set(error, errno, "cannot remove", path);
	return true;
}
