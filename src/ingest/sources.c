/* SPDX-License-Identifier: GPL-3.0-or-later */
/* sources.c: what `dispo import` reads: Maildirs (new/, cur/ and Maildir++
 * folders), mbox files, single message files and directories of them. */
#include "config.h"

#include "ingest/ingest-private.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

typedef bool (*file_fn)(const char *path, const struct stat *st, void *user, GError **error);

static bool
is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static bool
is_maildir(const char *path)
{
	g_autofree char *cur = g_build_filename(path, "cur", NULL);
	g_autofree char *new = g_build_filename(path, "new", NULL);
	return is_dir(cur) && is_dir(new);
}

static int
compare_names(gconstpointer a, gconstpointer b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Names in dir, sorted, without hidden ones; NULL with *error if unreadable. */
static GPtrArray *
list_dir(const char *dir, GError **error)
{
	g_autoptr(GDir) d = g_dir_open(dir, 0, error);
	GPtrArray *names;
	const char *name;

	if (!d)
		return NULL;
	names = g_ptr_array_new_with_free_func(g_free);
	while ((name = g_dir_read_name(d)) != NULL)
		g_ptr_array_add(names, g_strdup(name));
	g_ptr_array_sort(names, compare_names);
	return names;
}

static bool walk(const char *path, file_fn fn, void *user, GError **error);

static bool
walk_files(const char *dir, bool maildir_folders, file_fn fn, void *user, GError **error)
{
	g_autoptr(GError) e = NULL;
	g_autoptr(GPtrArray) names = list_dir(dir, &e);

	if (!names) {
		g_printerr("dispo: cannot read directory %s: %s\n", dir, e->message);
		return fn(dir, NULL, user, error);
	}
	for (guint i = 0; i < names->len; i++) {
		const char *name = names->pdata[i];
		g_autofree char *path = g_build_filename(dir, name, NULL);
		struct stat st;

		if (name[0] == '.') {
			/* Maildir++ keeps folders as .Name; other dot files are not mail. */
			if (maildir_folders && strcmp(name, ".") && strcmp(name, "..") &&
			    is_maildir(path) && !walk(path, fn, user, error))
				return false;
			continue;
		}
		if (lstat(path, &st) != 0) {
			g_printerr("dispo: cannot read %s: %s\n", path, g_strerror(errno));
			if (!fn(path, NULL, user, error))
				return false;
			continue;
		}
		if (S_ISDIR(st.st_mode)) {
			if (!maildir_folders && !walk(path, fn, user, error))
				return false;
			continue;
		}
		if (maildir_folders)
			continue; /* dovecot-uidlist, subscriptions: not messages */
		if (S_ISLNK(st.st_mode) && (stat(path, &st) != 0 || !S_ISREG(st.st_mode)))
			continue; /* no symlinked directories: no loops */
		if (S_ISREG(st.st_mode) && !fn(path, &st, user, error))
			return false;
	}
	return true;
}

static bool
walk(const char *path, file_fn fn, void *user, GError **error)
{
	struct stat st;

	if (stat(path, &st) != 0) {
		g_set_error(error, DISPO_INGEST_ERROR, DISPO_INGEST_ERROR_NO_INPUT, "%s: %s", path,
		            g_strerror(errno));
		return false;
	}
	if (S_ISREG(st.st_mode))
		return fn(path, &st, user, error);
	if (!S_ISDIR(st.st_mode)) {
		g_set_error(error, DISPO_INGEST_ERROR, DISPO_INGEST_ERROR_NO_INPUT,
		            "%s is neither a file nor a directory", path);
		return false;
	}
	if (is_maildir(path)) {
		g_autofree char *new = g_build_filename(path, "new", NULL);
		g_autofree char *cur = g_build_filename(path, "cur", NULL);
		/* Folders first come from the Maildir itself, so pass its path. */
		return walk_files(new, false, fn, user, error) &&
		       walk_files(cur, false, fn, user, error) &&
		       walk_files(path, true, fn, user, error);
	}
	return walk_files(path, false, fn, user, error);
}

static bool
add_size(const char *path, const struct stat *st, void *user, GError **error)
{
	if (st)
		*(uint64_t *)user += (uint64_t)st->st_size;
	return true;
}

uint64_t
ingest_paths_size(char **paths)
{
	uint64_t total = 0;

	for (size_t i = 0; paths && paths[i]; i++)
		walk(paths[i], add_size, &total, NULL);
	return total;
}

typedef struct {
	dispo_ingest *ing;
	dispo_time mtime;
} mbox_ctx;

static bool
mbox_message(const char *data, size_t len, void *user, GError **error)
{
	mbox_ctx *c = user;
	return ingest_bytes(c->ing, data, len, c->mtime, error);
}

static bool
unreadable(dispo_ingest *ing, const char *path, const char *why)
{
	g_printerr("dispo: cannot read %s: %s\n", path, why);
	ingest_count_file(ing, true);
	return true;
}

static bool
import_file(const char *path, const struct stat *st_walk, void *user, GError **error)
{
	dispo_ingest *ing = user;
	char head[8];
	struct stat st;
	ssize_t n, bom;
	int fd;
	bool ok;
	GError *local = NULL;

	if (!st_walk)
		return unreadable(ing, path, "not found");
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return unreadable(ing, path, g_strerror(errno));
	/* The size of what was opened, not of what was listed. */
	if (fstat(fd, &st) != 0) {
		close(fd);
		return unreadable(ing, path, g_strerror(errno));
	}
	n = pread(fd, head, sizeof head, 0);
	bom = n >= 3 && memcmp(head, "\xef\xbb\xbf", 3) == 0 ? 3 : 0;
	ingest_set_source(ing, path);
	if (n >= bom + 5 && memcmp(head + bom, "From ", 5) == 0) {
		mbox_ctx c = {ing, st.st_mtime};
		char *map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
		if (map == MAP_FAILED) {
			int e = errno;
			close(fd);
			return unreadable(ing, path, g_strerror(e));
		}
		madvise(map, (size_t)st.st_size, MADV_SEQUENTIAL);
		ingest_count_file(ing, false);
		ok = ingest_mbox_split(map + bom, (size_t)st.st_size - bom, mbox_message, &c,
		                       &local);
		munmap(map, (size_t)st.st_size);
	} else {
		ingest_count_file(ing, false);
		ok = ingest_fd_at(ing, fd, st.st_mtime, &local);
	}
	close(fd);
	if (!ok && g_error_matches(local, DISPO_INGEST_ERROR, DISPO_INGEST_ERROR_NO_INPUT)) {
		/* A read error in this file: it is one failed file, not the end. */
		g_autoptr(GError) e = local;
		ingest_uncount_file(ing);
		return unreadable(ing, path, e->message);
	}
	if (!ok)
		g_propagate_prefixed_error(error, local, "%s: ", path);
	return ok;
}

bool
ingest_path(dispo_ingest *ing, const char *path, GError **error)
{
	return walk(path, import_file, ing, error);
}
