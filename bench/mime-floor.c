/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mime-floor.c: the floor of dispo's intake, for bench-intake.sh: only
 * what no intake can skip. Each file of a Maildir (or each file named) is
 * read from disk, parsed by GMime and every part's content decoded, the
 * bytes thrown away. No store, no policy, no workflow, no fsync.
 *   mime-floor DIR-OR-FILE...   prints "files BYTES seconds" */
#include "config.h"

#include <gmime/gmime.h>

#include <dirent.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static guint64 decoded; /* kept, so the decoding is work done */

static void
decode_part(GMimeObject *parent, GMimeObject *part, gpointer data)
{
	GMimeDataWrapper *content;
	GMimeStream *null;

	(void)parent;
	(void)data;
	if (!GMIME_IS_PART(part))
		return;
	content = g_mime_part_get_content(GMIME_PART(part));
	if (!content)
		return;
	null = g_mime_stream_null_new();
	g_mime_data_wrapper_write_to_stream(content, null);
	decoded += g_mime_stream_length(null) > 0 ? (guint64)g_mime_stream_length(null) : 0;
	g_object_unref(null);
}

static bool
parse_file(const char *path, guint64 *bytes)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	GMimeStream *stream;
	GMimeParser *parser;
	GMimeMessage *msg;

	if (fd < 0 || fstat(fd, &st) != 0) {
		if (fd >= 0)
			close(fd);
		return false;
	}
	*bytes += (guint64)st.st_size;
	stream = g_mime_stream_fs_new(fd); /* owns fd */
	parser = g_mime_parser_new_with_stream(stream);
	msg = g_mime_parser_construct_message(parser, NULL);
	if (msg) {
		g_mime_message_foreach(msg, decode_part, NULL);
		g_object_unref(msg);
	}
	g_object_unref(parser);
	g_object_unref(stream);
	return msg != NULL;
}

static void
walk(const char *path, unsigned *files, guint64 *bytes)
{
	struct stat st;
	DIR *d;
	struct dirent *e;
	const char *sub[] = {"new", "cur"};

	if (stat(path, &st) != 0)
		return;
	if (!S_ISDIR(st.st_mode)) {
		if (parse_file(path, bytes))
			(*files)++;
		return;
	}
	for (size_t i = 0; i < G_N_ELEMENTS(sub); i++) {
		g_autofree char *dir = g_build_filename(path, sub[i], NULL);
		if (!(d = opendir(dir)))
			continue;
		while ((e = readdir(d))) {
			if (e->d_name[0] == '.')
				continue;
			g_autofree char *f = g_build_filename(dir, e->d_name, NULL);
			if (parse_file(f, bytes))
				(*files)++;
		}
		closedir(d);
	}
}

int
main(int argc, char **argv)
{
	struct timespec t0, t1;
	unsigned files = 0;
	guint64 bytes = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: mime-floor DIR-OR-FILE...\n");
		return 64;
	}
	g_mime_init();
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int i = 1; i < argc; i++)
		walk(argv[i], &files, &bytes);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("%u %" G_GUINT64_FORMAT " %.6f\n", files, bytes,
	       (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	g_mime_shutdown();
	return files ? 0 : 1;
}
