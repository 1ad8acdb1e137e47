/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fsync-floor.c: the disk's durable-write floor for `dispo deliver`, for
 * bench-deliver.sh: for each message, what a durable delivery cannot do
 * without, SYNCS calls of fsync/fdatasync as dispo makes: the message's
 * bytes written to a new file in DIR and fdatasync'd, its directory
 * fsync'd, then page-sized appends to a log file (as SQLite's WAL frames
 * are), each fdatasync'd, up to SYNCS calls in all. Nothing is parsed.
 *   fsync-floor DIR SYNCS FILE...   prints "files BYTES seconds" */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static char buf[1 << 16];

static int
fail(const char *what, const char *path)
{
	fprintf(stderr, "fsync-floor: %s %s: %s\n", what, path, strerror(errno));
	return 1;
}

int
main(int argc, char **argv)
{
	struct timespec t0, t1;
	unsigned long long bytes = 0;
	char log[4096], path[4096];
	int syncs, logfd, dirfd;

	if (argc < 4 || (syncs = atoi(argv[2])) < 2) {
		fprintf(stderr, "usage: fsync-floor DIR SYNCS(>=2) FILE...\n");
		return 64;
	}
	snprintf(log, sizeof log, "%s/floor.log", argv[1]);
	if ((logfd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0600)) < 0)
		return fail("cannot open", log);
	if ((dirfd = open(argv[1], O_RDONLY | O_DIRECTORY)) < 0)
		return fail("cannot open", argv[1]);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int i = 3; i < argc; i++) {
		int in = open(argv[i], O_RDONLY), out;
		ssize_t n;

		snprintf(path, sizeof path, "%s/floor.%d", argv[1], i);
		if (in < 0)
			return fail("cannot open", argv[i]);
		if ((out = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600)) < 0)
			return fail("cannot create", path);
		while ((n = read(in, buf, sizeof buf)) > 0) {
			if (write(out, buf, (size_t)n) != n)
				return fail("cannot write", path);
			bytes += (unsigned long long)n;
		}
		if (fdatasync(out) != 0 || fsync(dirfd) != 0)
			return fail("cannot sync", path);
		close(out);
		close(in);
		for (int s = 2; s < syncs; s++) {
			if (write(logfd, buf, 4096) != 4096 || fdatasync(logfd) != 0)
				return fail("cannot sync", log);
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("%d %llu %.6f\n", argc - 3, bytes,
	       (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	return 0;
}
