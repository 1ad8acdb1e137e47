/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gen-mail.c: test mail for the benchmarks:
 *   gen-mail applications N MAILDIR [SCAN-KB]
 *                                     N sample applications into MAILDIR/new,
 *                                     with a KTP scan of SCAN-KB if given
 *   gen-mail attachment MB FILE       one application with an MB-megabyte
 *                                     attachment, written as a stream
 * and hostile applications (tests/cli/test-hostile.sh), each streamed too:
 *   gen-mail nested LEVELS FILE       multiparts nested LEVELS deep
 *   gen-mail folded KB FIELD FILE     a FIELD of KB kilobytes folded at 76
 *   gen-mail attachments N FILE       N small PDF attachments */
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

/* The header of a hostile application from a registered sender, who is
 * answered: its Subject names the workflow, unless FIELD is "Subject". */
static void
hostile_header(FILE *f, const char *id, const char *field)
{
	fprintf(f,
	        "Received: from mail.kuduskab.go.id by mx.kuduskab.go.id; "
	        "Mon, 23 Nov 2026 08:00:00 +0700\r\n"
	        "From: Budi Santoso <budi.santoso@kuduskab.go.id>\r\n"
	        "To: sertifikat@kuduskab.go.id\r\nMessage-ID: <%s@kuduskab.go.id>\r\n"
	        "MIME-Version: 1.0\r\n",
	        id);
	if (!field || g_ascii_strcasecmp(field, "Subject") != 0)
		fputs("Subject: Permohonan Sertifikat Elektronik\r\n", f);
}

static const char form[] = "Nama: Budi Santoso\r\nNIP: 198503122010011004\r\n"
                           "NIK: 3319011203850001\r\n";

/* LEVELS multiparts, each the only part of the one around it, the form at
 * the bottom: a parser that recurses per level would need LEVELS frames. */
static int
nested(unsigned levels, const char *path)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return 1;
	hostile_header(f, "nested", NULL);
	for (unsigned i = 0; i < levels; i++)
		fprintf(f, "Content-Type: multipart/mixed; boundary=\"n%u\"\r\n\r\n--n%u\r\n", i, i);
	fprintf(f, "Content-Type: text/plain; charset=utf-8\r\n\r\n%s", form);
	for (unsigned i = levels; i-- > 0;)
		fprintf(f, "\r\n--n%u--\r\n", i);
	return fclose(f) == 0 ? 0 : 1;
}

/* One FIELD of KB kilobytes, words of base64 folded at 76 columns. */
static int
folded(unsigned kb, const char *field, const char *path)
{
	FILE *f = fopen(path, "w");
	GRand *rnd = g_rand_new_with_seed(11);
	static const char b64[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	uint64_t size = (uint64_t)kb << 10, done;

	if (!f)
		return 1;
	hostile_header(f, "folded", field);
	done = (uint64_t)fprintf(f, "%s:", field);
	while (done < size) {
		char line[80];
		size_t n = 0;
		line[n++] = ' ';
		while (n < 75)
			line[n++] = b64[g_rand_int_range(rnd, 0, 64)];
		fwrite(line, 1, n, f);
		fputs("\r\n", f);
		done += n + 2;
	}
	fprintf(f, "Content-Type: text/plain; charset=utf-8\r\n\r\n%s", form);
	g_rand_free(rnd);
	return fclose(f) == 0 ? 0 : 1;
}

/* N attachments, each a small PDF of its own (no two alike, so that none
 * is stored as the other's duplicate). */
static int
attachments(unsigned n, const char *path)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return 1;
	hostile_header(f, "attachments", NULL);
	fprintf(f, "Content-Type: multipart/mixed; boundary=a\r\n\r\n--a\r\n"
	           "Content-Type: text/plain; charset=utf-8\r\n\r\n%s",
	        form);
	for (unsigned i = 0; i < n; i++) {
		g_autofree char *pdf = g_strdup_printf("%%PDF-1.4\n%% lampiran %u\n%%%%EOF\n", i);
		g_autofree char *b64 = g_base64_encode((const guchar *)pdf, strlen(pdf));
		fprintf(f,
		        "--a\r\nContent-Type: application/pdf; name=\"lampiran-%u.pdf\"\r\n"
		        "Content-Disposition: attachment; filename=\"lampiran-%u.pdf\"\r\n"
		        "Content-Transfer-Encoding: base64\r\n\r\n%s\r\n",
		        i, i, b64);
	}
	fputs("--a--\r\n", f);
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
	if (argc == 4 && strcmp(argv[1], "nested") == 0)
		return nested((unsigned)atoi(argv[2]), argv[3]);
	if (argc == 5 && strcmp(argv[1], "folded") == 0)
		return folded((unsigned)atoi(argv[2]), argv[3], argv[4]);
	if (argc == 4 && strcmp(argv[1], "attachments") == 0)
		return attachments((unsigned)atoi(argv[2]), argv[3]);
	fprintf(stderr, "usage: gen-mail applications N MAILDIR [SCAN-KB] | attachment MB FILE |\n"
	                "       nested LEVELS FILE | folded KB FIELD FILE | attachments N FILE\n");
	return 64;
}
