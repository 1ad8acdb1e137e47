/* SPDX-License-Identifier: GPL-3.0-or-later */
/* credentials.c: the files that hold the SMTP and IMAP passwords, read only
 * when they are the service user's own and nobody else's to read, and wiped
 * from memory once used. */
#include "config.h"

#include "lib/lib.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void
dispo_secret_free(char *s)
{
	if (s) {
		explicit_bzero(s, strlen(s));
		g_free(s);
	}
}

/* The value of one "key = value" line of a credentials file. */
static char *
credential(char **lines, const char *key)
{
	size_t n = strlen(key);

	for (; *lines; lines++) {
		const char *l = *lines;
		while (*l == ' ' || *l == '\t')
			l++;
		if (strncmp(l, key, n) != 0)
			continue;
		l += n;
		while (*l == ' ' || *l == '\t')
			l++;
		if (*l != '=')
			continue;
		return g_strstrip(g_strdup(l + 1));
	}
	return NULL;
}

bool
dispo_credentials_read(const char *path, const char *what, bool need_username, char **username,
                       char **password, GError **error)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	struct stat st;
	char buf[4096];
	ssize_t n;
	char **lines;

	*username = *password = NULL;
	if (fd < 0) {
		g_set_error(error, DISPO_CONFIG_ERROR, DISPO_CONFIG_ERROR_NOT_FOUND,
		            "cannot read the %s credentials file %s: %s", what, path,
		            g_strerror(errno));
		return false;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_uid != geteuid() ||
	    (st.st_mode & 077) != 0) {
		close(fd);
		g_set_error(
		    error, DISPO_CONFIG_ERROR, DISPO_CONFIG_ERROR_INVALID,
		    "the %s credentials file %s must be a file owned by the user dispo runs "
		    "as and readable by nobody else (chmod 600)",
		    what, path);
		return false;
	}
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n < 0 || (size_t)n == sizeof buf - 1) {
		g_set_error(error, DISPO_CONFIG_ERROR, DISPO_CONFIG_ERROR_INVALID,
		            "cannot read the %s credentials file %s: %s", what, path,
		            n < 0 ? g_strerror(errno) : "too long");
		return false;
	}
	buf[n] = '\0';
	lines = g_strsplit_set(buf, "\r\n", -1);
	explicit_bzero(buf, sizeof buf);
	*username = credential(lines, "username");
	*password = credential(lines, "password");
	for (char **l = lines; *l; l++)
		explicit_bzero(*l, strlen(*l));
	g_strfreev(lines);
	if (*username && !**username)
		g_clear_pointer(username, g_free);
	if ((need_username && !*username) || !*password) {
		dispo_secret_free(g_steal_pointer(username));
		dispo_secret_free(g_steal_pointer(password));
		g_set_error(error, DISPO_CONFIG_ERROR, DISPO_CONFIG_ERROR_INVALID,
		            need_username
		                ? "the %s credentials file %s needs a \"username = …\" and "
		                  "a \"password = …\" line"
		                : "the %s credentials file %s needs a \"password = …\" line",
		            what, path);
		return false;
	}
	return true;
}
