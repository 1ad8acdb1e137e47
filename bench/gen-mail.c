/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gen-mail.c: test mail for the benchmarks:
 *   gen-mail applications N MAILDIR [SCAN-KB]
 *                                     N sample applications into MAILDIR/new,
 *                                     with a KTP scan of SCAN-KB if given
 *   gen-mail attachment MB FILE       one application with an MB-megabyte
 *                                     attachment, written as a stream */
#include "config.h"

#include "cli/cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int
applications(unsigned n, const char *maildir, size_t scan_bytes)
{
	g_autoptr(GTimeZone) tz = g_time_zone_new_identifier("+07:00");
	g_autofree char *new = g_build_filename(maildir, "new", NULL);
	g_autofree char *cur = g_build_filename(maildir, "cur", NULL);
	g_autofree char *tmp = g_build_filename(maildir, "tmp", NULL);

	g_mkdir_with_parents(new, 0700);
	g_mkdir_with_parents(cur, 0700);
	g_mkdir_with_parents(tmp, 0700);
	for (unsigned i = 0; i < n; i++) {
		g_autoptr(GBytes) msg =
		    cli_sample_application(i, 1795486500 + i * 37, tz, scan_bytes);
		g_autofree char *name = g_strdup_printf("%s/%u.bench", new, i);
		gsize len;
		const char *data = g_bytes_get_data(msg, &len);
		if (!g_file_set_contents(name, data, (gssize)len, NULL)) {
			fprintf(stderr, "gen-mail: cannot write %s\n", name);
			return 1;
		}
	}
	return 0;
}

static int
attachment(unsigned mb, const char *path)
{
	FILE *f = fopen(path, "w");
	guchar chunk[57 * 1024];
	char out[sizeof chunk * 4 / 3 + 4096];
	int state = 0, save = 0;
	GRand *rnd = g_rand_new_with_seed(7);

	if (!f)
		return 1;
	fputs(
	    "From: Budi Santoso <budi.santoso@kuduskab.go.id>\r\nTo: sertifikat@kuduskab.go.id\r\n"
	    "Subject: Permohonan dengan scan besar\r\nMIME-Version: 1.0\r\n"
	    "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n"
	    "Content-Type: text/plain; charset=utf-8\r\n\r\nScan KTP resolusi tinggi terlampir.\r\n"
	    "--b\r\nContent-Type: application/pdf; name=\"scan KTP.pdf\"\r\n"
	    "Content-Disposition: attachment; filename=\"scan KTP.pdf\"\r\n"
	    "Content-Transfer-Encoding: base64\r\n\r\n",
	    f);
	for (uint64_t done = 0; done < (uint64_t)mb << 20; done += sizeof chunk) {
		for (size_t i = 0; i < sizeof chunk; i++)
			chunk[i] = (guchar)g_rand_int(rnd);
		fwrite(out, 1, g_base64_encode_step(chunk, sizeof chunk, TRUE, out, &state, &save),
		       f);
	}
	fwrite(out, 1, g_base64_encode_close(TRUE, out, &state, &save), f);
	fputs("\r\n--b--\r\n", f);
	g_rand_free(rnd);
	return fclose(f) == 0 ? 0 : 1;
}

int
main(int argc, char **argv)
{
	if ((argc == 4 || argc == 5) && strcmp(argv[1], "applications") == 0)
		return applications((unsigned)atoi(argv[2]), argv[3],
		                    argc == 5 ? (size_t)atoi(argv[4]) * 1024 : 0);
	if (argc == 4 && strcmp(argv[1], "attachment") == 0)
		return attachment((unsigned)atoi(argv[2]), argv[3]);
	fprintf(stderr, "usage: gen-mail applications N MAILDIR [SCAN-KB] | attachment MB FILE\n");
	return 64;
}
