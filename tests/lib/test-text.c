/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-text.c: format=flowed wrapping, names without titles, salutations. */
#include "config.h"

#include "lib/lib.h"

#include "testutil.h"

#include <string.h>

/* What a format=flowed reader shows: stuffing removed, soft breaks
 * joined (RFC 3676 4.2, delsp=no). */
static char *
unflow(const char *text)
{
	g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
	GString *out = g_string_new(NULL);

	for (size_t i = 0; lines[i]; i++) {
		const char *l = lines[i];
		size_t n;
		if (!*l && !lines[i + 1])
			break;
		if (*l == ' ')
			l++;
		n = strlen(l);
		g_string_append(out, l);
		if (!(n && l[n - 1] == ' ' && strcmp(l, "-- ") != 0))
			g_string_append_c(out, '\n');
	}
	return g_string_free(out, false);
}

static void
assert_lines_fit(const char *text, size_t width)
{
	g_auto(GStrv) lines = g_strsplit(text, "\n", -1);

	for (size_t i = 0; lines[i]; i++) {
		g_autofree char *l = g_strdup(lines[i]);
		size_t n = strlen(l);
		/* The soft break's space is the line's end, not its text. */
		if (n && l[n - 1] == ' ' && strcmp(l, "-- ") != 0)
			l[n - 1] = '\0';
		if (dispo_utf8_width(l) > width && strchr(g_strchug(g_strdup(l)), ' '))
			fail_msg("line %zu is %zu columns: \"%s\"", i + 1, dispo_utf8_width(l), l);
	}
}

static void
test_flow_paragraph(void **state)
{
	const char *in = "Permohonan Anda untuk Pendaftaran Penerbitan Sertifikat Elektronik "
	                 "telah kami terima pada 7 Desember 2026 pukul 22.29 WIB dan tercatat "
	                 "dengan nomor SE-2026-000001.\n\nHormat kami,   \n--\nDiskominfo\n";
	g_autofree char *out = dispo_text_flow(in, 72);
	g_autofree char *back = unflow(out);
	g_autofree char *want = g_strdup(in);

	assert_lines_fit(out, 72);
	/* Broken at spaces, not inside words; the lines end soft. */
	assert_non_null(strstr(out, "Elektronik telah \nkami"));
	/* Trailing spaces of a hard line go; the separator keeps its own. */
	assert_non_null(strstr(out, "Hormat kami,\n-- \nDiskominfo\n"));
	/* Joined again, the reader sees the text as written. */
	*strstr(want, "   \n") = '\0';
	assert_true(g_str_has_prefix(back, want));
}

static void
test_flow_indented(void **state)
{
	const char *in = "  Unit Kerja  : Badan Perencanaan Pembangunan Daerah Kabupaten Kudus "
	                 "(BAPPEDA) Bidang Perencanaan\n"
	                 "  - Surat Permohonan Penerbitan Sertifikat Elektronik atas nama Budi "
	                 "Santoso.pdf\n"
	                 "From now on\n> not a quote\n"
	                 "  1. Buka email dari BSrE di alamat dinas Anda dan masuk ke sistem BSrE "
	                 "dengan nama pengguna\n"
	                 "  Waktu baku: 15 menit, batas 23 November 2026 pukul 09.15 WIB - masih "
	                 "dalam waktu\n";
	g_autofree char *out = dispo_text_flow(in, 72);
	g_auto(GStrv) lines = g_strsplit(out, "\n", -1);

	assert_lines_fit(out, 72);
	/* Stuffed: an indented line carries one more space. */
	assert_true(g_str_has_prefix(lines[0], "   Unit Kerja  : Badan"));
	/* Continued under the value and under the item's text (plus the stuffing). */
	assert_true(g_str_has_prefix(lines[1], "                 "));
	assert_true(lines[1][17] != ' ');
	assert_true(g_str_has_prefix(lines[2], "   - Surat"));
	assert_true(g_str_has_prefix(lines[3], "     ") && lines[3][5] != ' ');
	assert_string_equal(lines[4], " From now on");
	assert_string_equal(lines[5], " > not a quote");
	assert_true(g_str_has_prefix(lines[6], "   1. Buka"));
	assert_true(g_str_has_prefix(lines[7], "      ") && lines[7][6] != ' ');
	/* A label with its colon close ("Waktu baku: ") hangs the same way. */
	assert_true(g_str_has_prefix(lines[8], "   Waktu baku: 15 menit"));
	assert_true(g_str_has_prefix(lines[9], "               ") && lines[9][15] != ' ');
	/* Their breaks are hard: a flowed reader joining them would keep the
	 * continuation's indentation as a run of spaces inside the text. */
	assert_true(lines[0][strlen(lines[0]) - 1] != ' ');
	assert_true(lines[2][strlen(lines[2]) - 1] != ' ');
	assert_true(lines[6][strlen(lines[6]) - 1] != ' ');
	assert_true(lines[8][strlen(lines[8]) - 1] != ' ');
}

static void
test_flow_edges(void **state)
{
	g_autofree char *url = dispo_text_flow(
	    "Lihat https://example.go.id/sebuah/alamat/yang/sangat/panjang/sekali/hingga/tidak/"
	    "muat/dalam/satu/baris/sama/sekali di sini\n",
	    72);
	g_autofree char *wide = dispo_text_flow(
	    "数据数据数据数据数据 数据数据数据数据数据 数据数据数据数据数据 数据数据数据数据数据\n", 40);
	g_autofree char *empty = dispo_text_flow("", 72);
	g_autofree char *noeol = dispo_text_flow("tanpa akhir baris", 72);

	/* A word longer than the line stays whole on a line of its own. */
	assert_non_null(strstr(url, "Lihat \nhttps://"));
	assert_non_null(strstr(url, "sekali \ndi sini\n"));
	/* Wide characters count two columns. */
	assert_lines_fit(wide, 40);
	assert_string_equal(empty, "");
	assert_string_equal(noeol, "tanpa akhir baris\n");
}

static void
test_name_bare(void **state)
{
	static const char *const cases[][2] = {
	    {"Drs. Hendro Wibisono, M.Si.", "Hendro Wibisono"},
	    {"Agus Prasetyo, S.Kom.", "Agus Prasetyo"},
	    {"dr. Andini Pratiwi, M.Kes.", "Andini Pratiwi"},
	    {"Nur Hidayah, S.Kep., Ns.", "Nur Hidayah"},
	    {"Prof. Dr. Ir. H. Ahmad  Fauzi", "Ahmad Fauzi"},
	    {"Hj. Siti Aminah", "Siti Aminah"},
	    {"Suparman", "Suparman"},
	    /* A one-word name is never taken for a title. */
	    {"Dr.", "Dr."},
	    /* Hendra is a name, not "H." */
	    {"Hendra Gunawan", "Hendra Gunawan"},
	    {"", ""},
	};

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autofree char *got = dispo_name_bare(cases[i][0]);
		if (strcmp(got, cases[i][1]) != 0)
			fail_msg("\"%s\" → \"%s\", want \"%s\"", cases[i][0], got, cases[i][1]);
	}
}

static void
test_salutation(void **state)
{
	g_autofree char *m = dispo_salutation(
	    "Agus Prasetyo, S.Kom.", dispo_gender_of_nip("198011172006041002"), "id");
	g_autofree char *f = dispo_salutation(
	    "Sri Wahyuningsih, S.T., M.T.", dispo_gender_of_nip("197508242000032003"), "id");
	g_autofree char *u = dispo_salutation("Budi Santoso", DISPO_GENDER_UNKNOWN, "id");
	g_autofree char *none = dispo_salutation(NULL, DISPO_GENDER_MALE, "id");
	g_autofree char *en = dispo_salutation("Sri Wahyuningsih", DISPO_GENDER_FEMALE, "en");
	g_autofree char *en_none = dispo_salutation("", DISPO_GENDER_UNKNOWN, "en");

	assert_string_equal(m, "Bapak Agus Prasetyo");
	assert_string_equal(f, "Ibu Sri Wahyuningsih");
	assert_string_equal(u, "Bapak/Ibu Budi Santoso");
	assert_string_equal(none, "Bapak/Ibu");
	assert_string_equal(en, "Ms Sri Wahyuningsih");
	assert_string_equal(en_none, "Sir or Madam");
	assert_int_equal(dispo_gender_of_nip("19801117200604100"), DISPO_GENDER_UNKNOWN);
	assert_int_equal(dispo_gender_of_nip("198011172006043002"), DISPO_GENDER_UNKNOWN);
	assert_string_equal(dispo_honorific(DISPO_GENDER_MALE), "Bapak");
	assert_string_equal(dispo_honorific(DISPO_GENDER_FEMALE), "Ibu");
	assert_string_equal(dispo_honorific(DISPO_GENDER_UNKNOWN), "Bapak/Ibu");
	assert_string_equal(dispo_month_name(12, "id"), "Desember");
	assert_string_equal(dispo_month_name(1, "en"), "January");
	assert_string_equal(dispo_month_name(13, "id"), "?");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_flow_paragraph), cmocka_unit_test(test_flow_indented),
	    cmocka_unit_test(test_flow_edges),     cmocka_unit_test(test_name_bare),
	    cmocka_unit_test(test_salutation),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
