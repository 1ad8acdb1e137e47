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
	if (argc == 4 && strcmp(argv[1], "nested") == 0)
		return nested((unsigned)atoi(argv[2]), argv[3]);
	if (argc == 5 && strcmp(argv[1], "folded") == 0)
		return folded((unsigned)atoi(argv[2]), argv[3], argv[4]);
	if (argc == 4 && strcmp(argv[1], "attachments") == 0)
		return attachments((unsigned)atoi(argv[2]), argv[3]);
	fprintf(stderr,
	        "usage: gen-mail applications N MAILDIR [SCAN-KB [MAX-KB]] | register N BASE OUT |\n"
	        "       replies N MAILDIR TOKENS | attachment MB FILE | nested LEVELS FILE |\n"
	        "       folded KB FIELD FILE | attachments N FILE\n");
	return 64;
}
