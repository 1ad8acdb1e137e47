/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gen-mail.c: test mail for the benchmarks:
 *   gen-mail applications N MAILDIR [SCAN-KB [MAX-KB]]
 *                                     N sample applications into MAILDIR/new,
 *                                     with a KTP scan of SCAN-KB if given, or
 *                                     of SCAN-KB to MAX-KB (each message its
 *                                     own size, the same in every run)
 *   gen-mail register N BASE OUT      BASE (a register CSV: the officials)
 *                                     and the first N sample applicants
 *   gen-mail replies N MAILDIR TOKENS N officials' replies, as Outlook
 *                                     writes them, to the lines "TOKEN ADDRESS
 *                                     NUMBER" of TOKENS in turn: the first
 *                                     to each a decision (SETUJU), the rest
 *                                     notes (CATATAN)
 *   gen-mail attachment MB FILE       one application with an MB-megabyte
 *                                     attachment, written as a stream */
#include "config.h"

#include "cli/cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool
maildir_make(const char *maildir)
{
	static const char *const sub[] = {"new", "cur", "tmp"};

	for (size_t i = 0; i < G_N_ELEMENTS(sub); i++) {
		g_autofree char *d = g_build_filename(maildir, sub[i], NULL);
		if (g_mkdir_with_parents(d, 0700) != 0) {
			fprintf(stderr, "gen-mail: cannot make %s\n", d);
			return false;
		}
	}
	return true;
}

static bool
write_message(const char *maildir, unsigned i, const char *data, size_t len)
{
	g_autofree char *name = g_strdup_printf("%s/new/%u.bench", maildir, i);

	if (!g_file_set_contents(name, data, (gssize)len, NULL)) {
		fprintf(stderr, "gen-mail: cannot write %s\n", name);
		return false;
	}
	return true;
}

/* Sizes spread over [min, max] by a multiplicative hash of i: no two
 * neighbours alike, the same in every run. */
static size_t
spread(unsigned i, size_t min, size_t max)
{
	return max > min ? min + (size_t)((i * 2654435761u) % (max - min + 1)) : min;
}

static int
applications(unsigned n, const char *maildir, size_t scan_bytes, size_t scan_max)
{
	g_autoptr(GTimeZone) tz = g_time_zone_new_identifier("+07:00");

	if (!maildir_make(maildir))
		return 1;
	for (unsigned i = 0; i < n; i++) {
		g_autoptr(GBytes) msg = cli_sample_application(i, 1795486500 + i * 37, tz,
		                                               spread(i, scan_bytes, scan_max));
		gsize len;
		const char *data = g_bytes_get_data(msg, &len);
		if (!write_message(maildir, i, data, len))
			return 1;
	}
	return 0;
}

static int
reg(unsigned n, const char *base, const char *out)
{
	g_autofree char *head = NULL;
	g_autoptr(GString) csv = NULL;

	if (!g_file_get_contents(base, &head, NULL, NULL)) {
		fprintf(stderr, "gen-mail: cannot read %s\n", base);
		return 1;
	}
	csv = g_string_new(head);
	for (unsigned i = 0; i < n; i++) {
		g_autofree char *row = cli_sample_register_row(i);
		g_auto(GStrv) f = g_strsplit(row, ",", 5);
		/* One BASE lists already (an official, or the sample Budi) stays as BASE has it. */
		if (!strstr(head, f[3]))
			g_string_append(csv, row);
	}
	if (!g_file_set_contents(out, csv->str, (gssize)csv->len, NULL)) {
		fprintf(stderr, "gen-mail: cannot write %s\n", out);
		return 1;
	}
	return 0;
}

static int
replies(unsigned n, const char *maildir, const char *tokens)
{
	g_autofree char *text = NULL;
	g_auto(GStrv) lines = NULL;
	unsigned count = 0;

	if (!g_file_get_contents(tokens, &text, NULL, NULL)) {
		fprintf(stderr, "gen-mail: cannot read %s\n", tokens);
		return 1;
	}
	lines = g_strsplit(g_strstrip(text), "\n", -1);
	count = g_strv_length(lines);
	if (!count || !*lines[0] || !maildir_make(maildir))
		return 1;
	for (unsigned i = 0; i < n; i++) {
		g_auto(GStrv) f = g_strsplit(lines[i % count], " ", 3);
		if (g_strv_length(f) != 3) {
			fprintf(stderr, "gen-mail: %s: line %u is not TOKEN ADDRESS NUMBER\n",
			        tokens, i % count + 1);
			return 1;
		}
		g_autofree char *msg = g_strdup_printf(
		    "From: <%s>\r\n"
		    "To: \"Layanan Sertifikat Elektronik\" <sertifikat+%s@kuduskab.go.id>\r\n"
		    "Subject: RE: [%s] Mohon keputusan\r\n"
		    "Date: Mon, 23 Nov 2026 09:%02u:%02u +0700\r\n"
		    "Message-ID: <reply-%u-%s@mail.kuduskab.go.id>\r\n"
		    "X-Mailer: Microsoft Outlook 16.0\r\n"
		    "Thread-Index: AdnBench%u\r\n"
		    "Content-Language: id-ID\r\n"
		    "MIME-Version: 1.0\r\n"
		    "Content-Type: text/plain; charset=\"utf-8\"\r\n"
		    "Content-Transfer-Encoding: 8bit\r\n\r\n"
		    "%s\r\n\r\n"
		    "Salam,\r\n\r\n"
		    "Dari: Layanan Sertifikat Elektronik <sertifikat+%s@kuduskab.go.id>\r\n"
		    "Dikirim: Senin, 23 November 2026 09.00\r\n"
		    "Kepada: %s\r\n"
		    "Perihal: [%s] Mohon keputusan\r\n\r\n"
		    "Yth. Bapak/Ibu,\r\n\r\nMohon keputusan atas permohonan %s.\r\n"
		    "Cukup BALAS email ini dengan satu kata di baris pertama:\r\n"
		    "  SETUJU (atau TERUSKAN, LANJUT)\r\n  TOLAK <alasan>\r\n",
		    f[1], f[0], f[2], (i / 60) % 60, i % 60, i, f[0], i,
		    i < count ? "SETUJU" : "CATATAN berkas sudah saya periksa", f[0], f[1], f[2],
		    f[2]);
		if (!write_message(maildir, i, msg, strlen(msg)))
			return 1;
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
	if (argc >= 4 && argc <= 6 && strcmp(argv[1], "applications") == 0) {
		size_t min = argc >= 5 ? (size_t)atoi(argv[4]) * 1024 : 0;
		return applications((unsigned)atoi(argv[2]), argv[3], min,
		                    argc == 6 ? (size_t)atoi(argv[5]) * 1024 : min);
	}
	if (argc == 5 && strcmp(argv[1], "register") == 0)
		return reg((unsigned)atoi(argv[2]), argv[3], argv[4]);
	if (argc == 5 && strcmp(argv[1], "replies") == 0)
		return replies((unsigned)atoi(argv[2]), argv[3], argv[4]);
	if (argc == 4 && strcmp(argv[1], "attachment") == 0)
		return attachment((unsigned)atoi(argv[2]), argv[3]);
	fprintf(stderr,
	        "usage: gen-mail applications N MAILDIR [SCAN-KB [MAX-KB]] | register N BASE "
	        "OUT | replies N MAILDIR TOKENS | attachment MB FILE\n");
	return 64;
}
