/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bench-memory.c: peak memory of parsing a message with a big attachment,
 * side by side: dispo's streaming parse (file to disk) and a naive one that
 * reads the message into memory first. Each runs in its own child so that
 * each peak is its own. Prints the growth as a multiple of the attachment.
 *
 * bench-memory peak FILE COMMAND ARG...: runs COMMAND and writes to FILE
 * the peak resident set of it and of any child it waited for, in KB, and
 * their CPU time (user and system) in seconds (tests/cli/test-hostile.sh);
 * exits as COMMAND did. */
#include "config.h"

#include "mime/mime.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static long
measure(const char *path, const char *dir, bool naive)
{
	int fds[2];
	pid_t pid;
	long kb = -1;

	if (pipe(fds) != 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		dispo_limits l = {.message_size = 1ULL << 30,
		                  .header_size = 64 << 10,
		                  .header_fields = 1000,
		                  .parts = 200,
		                  .depth = 16,
		                  .text_size = 1 << 20};
		struct rusage before, after;
		dispo_mail *m;
		long grown;
		getrusage(RUSAGE_SELF, &before);
		if (naive) {
			char *data;
			gsize len;
			g_file_get_contents(path, &data, &len, NULL);
			m = mime_mail_parse_data(data, len, &l, dir, NULL);
			g_free(data);
		} else {
			m = mime_mail_parse_file(path, &l, dir, NULL);
		}
		getrusage(RUSAGE_SELF, &after);
		grown = m && m->attachments->len == 1 ? after.ru_maxrss - before.ru_maxrss : -1;
		if (write(fds[1], &grown, sizeof grown) != sizeof grown)
			_exit(1);
		_exit(0);
	}
	close(fds[1]);
	if (read(fds[0], &kb, sizeof kb) != sizeof kb)
		kb = -1;
	close(fds[0]);
	waitpid(pid, NULL, 0);
	return kb;
}

static int
peak(const char *out, char **argv)
{
	pid_t pid = fork();
	int status;
	struct rusage ru;
	FILE *f;

	if (pid < 0)
		return 71;
	if (pid == 0) {
		execvp(argv[0], argv);
		perror(argv[0]);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) != pid || getrusage(RUSAGE_CHILDREN, &ru) != 0)
		return 71;
	f = fopen(out, "w");
	if (!f ||
	    fprintf(f, "%ld %.2f\n", ru.ru_maxrss,
	            ru.ru_utime.tv_sec + ru.ru_stime.tv_sec +
	                (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6) < 0 ||
	    fclose(f) != 0)
		return 73;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int
main(int argc, char **argv)
{
	struct stat st;
	double att_kb, stream_kb, naive_kb;

	if (argc >= 4 && strcmp(argv[1], "peak") == 0)
		return peak(argv[2], argv + 3);

	if (argc != 4) {
		fprintf(stderr, "usage: bench-memory MESSAGE ATTACHMENT-MB SCRATCH-DIR\n");
		return 64;
	}
	if (stat(argv[1], &st) != 0)
		return 66;
	att_kb = atof(argv[2]) * 1024;
	stream_kb = (double)measure(argv[1], argv[3], false);
	naive_kb = (double)measure(argv[1], argv[3], true);
	if (stream_kb < 0 || naive_kb < 0) {
		fprintf(stderr, "bench-memory: a parse failed\n");
		return 1;
	}
	printf("memory: message %.1f MB with a %.0f MB attachment\n", st.st_size / 1048576.0,
	       att_kb / 1024);
	printf("  dispo (streams from disk to disk): peak +%.1f MB = %.2f x the attachment\n",
	       stream_kb / 1024, stream_kb / att_kb);
	printf("  naive (message read into memory):  peak +%.1f MB = %.2f x the attachment\n",
	       naive_kb / 1024, naive_kb / att_kb);
	printf("  ratio naive / dispo: %.1f\n", naive_kb / (stream_kb > 0 ? stream_kb : 1));
	return 0;
}
