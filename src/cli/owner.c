/* SPDX-License-Identifier: GPL-3.0-or-later */
/* owner.c: root working on a data directory that belongs to another user
 * (the service's) becomes that user before it touches the store, so that
 * nothing it creates there (a spool directory, the outbox) is root's. */
#include "config.h"

#include "cli/cli.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Why become the owner rather than refuse: an administrator who types
 * `sudo dispo admin move …` or `sudo dispo outbox retry …` at 8 pm means
 * "do it as the service would", and a refusal only sends them to look up
 * runuser. Doing it as the owner is also the only way a root command can
 * read the SMTP credentials file, which must belong to the user dispo runs
 * as. What it costs is that a file named on the command line and read
 * after the store is opened (dispo import PATH) must be readable by the
 * owner too; on a terminal dispo says which user it became. */

/* The nearest directory at or above path that exists: path itself, or
 * where g_mkdir_with_parents will create it. */
static char *
nearest_existing(const char *path, struct stat *st, GError **error)
{
	g_autofree char *p = g_strdup(path);

	for (;;) {
		char *up;
		if (stat(p, st) == 0)
			return g_steal_pointer(&p);
		if (errno != ENOENT && errno != ENOTDIR) {
			dispo_io_error_set(error, errno, "cannot look at", p);
			return NULL;
		}
		up = g_path_get_dirname(p);
		if (strcmp(up, p) == 0) {
			g_free(up);
			dispo_io_error_set(error, ENOENT, "cannot look at", path);
			return NULL;
		}
		g_free(p);
		p = up;
	}
}

bool
cli_become_data_owner(dispo_cli *cli, GError **error)
{
	struct stat st;
	g_autofree char *dir = NULL;
	g_autofree char *name = NULL;
	const struct passwd *pw;
	gid_t gid;

	if (geteuid() != 0)
		return true;
	if (!(dir = nearest_existing(cli->config->data_dir, &st, error)))
		return false;
	if (st.st_uid == 0)
		return true;
	/* The owner's own groups when it has an account (the service's user
	 * always has), else the directory's group and no others. */
	pw = getpwuid(st.st_uid);
	gid = pw ? pw->pw_gid : st.st_gid;
	name = pw ? g_strdup(pw->pw_name) : g_strdup_printf("uid %u", (unsigned)st.st_uid);
	if ((pw ? initgroups(pw->pw_name, gid) : setgroups(0, NULL)) != 0 ||
	    setresgid(gid, gid, gid) != 0 || setresuid(st.st_uid, st.st_uid, st.st_uid) != 0) {
		int err = errno;
		g_autofree char *what = g_strdup_printf(
		    "cannot become %s, the owner of the data directory, to work in", name);
		return dispo_io_error_set(error, err, what, dir);
	}
	/* There is no way back: a root that could return would defeat this. */
	if (setuid(0) == 0) {
		g_set_error(error, DISPO_IO_ERROR, DISPO_IO_ERROR_PERMANENT,
		            "could become root again after becoming %s; stopped", name);
		return false;
	}
	if (isatty(STDERR_FILENO))
		fprintf(stderr, "dispo: running as %s, the owner of %s\n", name, dir);
	return true;
}
