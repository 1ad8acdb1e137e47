/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-text.c: the letter's words before layout (src/letter/text.c): the
 * Indonesian date, the NIP, cleaning untrusted text, the body's pieces,
 * the kop's lines and where a signer's jabatan breaks. */
#include "config.h"

#include "letter/letter-private.h"

#include "testutil.h"

static void
test_date_text(void **state)
{
	static const struct {
		const char *utc;
		bool local;
		const char *want;
	} cases[] = {
	    {"2026-01-15T05:00:00Z", true, "15 Januari 2026"},
	    {"2026-02-15T05:00:00Z", true, "15 Februari 2026"},
	    {"2026-03-15T05:00:00Z", true, "15 Maret 2026"},
	    {"2026-04-15T05:00:00Z", true, "15 April 2026"},
	    {"2026-05-15T05:00:00Z", true, "15 Mei 2026"},
	    {"2026-06-15T05:00:00Z", true, "15 Juni 2026"},
	    {"2026-07-15T05:00:00Z", true, "15 Juli 2026"},
	    {"2026-08-15T05:00:00Z", true, "15 Agustus 2026"},
	    {"2026-09-15T05:00:00Z", true, "15 September 2026"},
	    {"2026-10-15T05:00:00Z", true, "15 Oktober 2026"},
	    {"2026-11-15T05:00:00Z", true, "15 November 2026"},
	    {"2026-12-15T05:00:00Z", true, "15 Desember 2026"},
	    /* 00:30 in Kudus is still the day before in UTC */
	    {"2026-11-23T17:30:00Z", true, "24 November 2026"},
	    {"2026-11-23T17:30:00Z", false, "23 November 2026"},
	    {"2026-11-23T16:59:59Z", true, "23 November 2026"},
	    {"2026-12-31T17:00:00Z", true, "1 Januari 2027"},
	    {"2026-12-31T17:00:00Z", false, "31 Desember 2026"},
	    {"2028-02-29T00:00:00Z", false, "29 Februari 2028"},
	};
	g_autoptr(GTimeZone) tz = test_jakarta();

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autofree char *got =
		    letter_date_text(test_iso(cases[i].utc), cases[i].local ? tz : NULL);
		if (g_strcmp0(got, cases[i].want) != 0)
			fail_msg("%s: got '%s', want '%s'", cases[i].utc, got, cases[i].want);
	}
	/* Beyond what a calendar can hold */
	assert_null(letter_date_text(G_MAXINT64, tz));
}

static void
test_nip_format(void **state)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
	    {"196903141994031006", "19690314 199403 1 006"},
	    {"19690314 199403 1 006", "19690314 199403 1 006"},
	    {"198506122010011003", "19850612 201001 1 003"},
	    {"19690314199403100", NULL},   /* 17 digits */
	    {"1969031419940310061", NULL}, /* 19 */
	    {"19690314199403100X", NULL},
	    {"NIP. 196903141994031006", NULL},
	    {"١٩٦٩٠٣١٤١٩٩٤٠٣١٠٠٦", NULL}, /* Arabic-Indic digits */
	    {"19690314-199403-1-006", NULL},
	    {"", NULL},
	    {NULL, NULL},
	};

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autofree char *got = letter_nip_format(cases[i].in);
		if (g_strcmp0(got, cases[i].want) != 0)
			fail_msg("'%s': got '%s'", cases[i].in, got);
	}
}

static void
test_text_clean(void **state)
{
	static const struct {
		const char *in;
		size_t max;
		bool multiline;
		const char *want;
	} cases[] = {
	    {"Budi Santoso", 300, false, "Budi Santoso"},
	    {"  Budi\tSantoso \r\n", 300, false, "Budi Santoso"},
	    {"Budi\nSantoso", 300, true, "Budi\nSantoso"},
	    {"a\r\nb", 300, true, "a\nb"},
	    {"a\xe2\x80\xa8"
	     "b",
	     300, true, "a\nb"}, /* U+2028 */
	    {"a\x01\x1b[31mb\x7f", 300, false, "a[31mb"},
	    {"\xe2\x80\xae"
	     "gpj.exe",
	     300, false, "gpj.exe"}, /* U+202E */
	    {"a\xe2\x81\xa6"
	     "b\xe2\x81\xa9"
	     "c\xe2\x80\x8b"
	     "d",
	     300, false, "abcd"},
	    {"\xef\xbb\xbf"
	     "BOM",
	     300, false, "BOM"},
	    {"\xc2\x85"
	     "NEL",
	     300, false, "NEL"},                      /* C1 control */
	    {"a\xffz", 300, false, "a\xef\xbf\xbdz"}, /* invalid UTF-8 */
	    {"<b>&amp;</b>", 300, false, "<b>&amp;</b>"},
	    {"abcdef", 4, false, "abc…"},
	    {"abcd", 4, false, "abcd"},
	    {"ééééé", 3, false, "éé…"},
	    {"", 300, false, ""},
	    {NULL, 300, false, ""},
	};

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autofree char *got =
		    letter_text_clean(cases[i].in, cases[i].max, cases[i].multiline);
		if (g_strcmp0(got, cases[i].want) != 0)
			fail_msg("case %zu: got '%s', want '%s'", i, got, cases[i].want);
	}
}

static void
test_body_parse(void **state)
{
	static const struct {
		const char *body;
		const char *want; /* one piece a line: P|text, I|marker|text, R<table>|label|value;
		                     '+' before a piece that follows a blank line */
	} cases[] = {
	    {"Satu\ndua.\n\nTiga.", "P|Satu dua.\n+P|Tiga.\n"},
	    {"Data sebagai berikut :\n\nNama : Budi\nNIP : 1\n\nDemikian.",
	     "P|Data sebagai berikut :\n+R1|Nama|Budi\nR1|NIP|1\n+P|Demikian.\n"},
	    /* an empty value is a row only beside other rows */
	    {"Nama : Budi\nTelepon :\nx", "R1|Nama|Budi\nR1|Telepon|\nP|x\n"},
	    {"A : 1\n\nB : 2", "R1|A|1\n+R2|B|2\n"},
	    {"pukul 09:15 di https://bsre.bssn.go.id",
	     "P|pukul 09:15 di https://bsre.bssn.go.id\n"},
	    {"Ini adalah kalimat yang sangat panjang sekali : bukan tabel",
	     "P|Ini adalah kalimat yang sangat panjang sekali : bukan tabel\n"},
	    {"Lampiran:\n1. scan KTP;\n   lanjutan\n2. surat.\na) x\n- y\n• z\n",
	     "P|Lampiran:\nI|1.|scan KTP; lanjutan\nI|2.|surat.\nI|a)|x\nI|-|y\nI|•|z\n"},
	    {"1.5 juta\n2026. tahun\nA. Yani", "P|1.5 juta 2026. tahun A. Yani\n"},
	    {"\n\n  \n", ""},
	    {"", ""},
	};

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autoptr(GPtrArray) pieces = letter_body_parse(cases[i].body);
		g_autoptr(GString) got = g_string_new(NULL);
		for (guint j = 0; j < pieces->len; j++) {
			const letter_piece *p = pieces->pdata[j];
			if (p->gap)
				g_string_append_c(got, '+');
			switch (p->kind) {
			case LETTER_PIECE_PARA: g_string_append_printf(got, "P|%s\n", p->a); break;
			case LETTER_PIECE_ITEM:
				g_string_append_printf(got, "I|%s|%s\n", p->a, p->b);
				break;
			case LETTER_PIECE_ROW:
				g_string_append_printf(got, "R%u|%s|%s\n", p->table, p->a, p->b);
				break;
			}
		}
		if (strcmp(got->str, cases[i].want) != 0)
			fail_msg("case %zu:\n%s\nwant:\n%s", i, got->str, cases[i].want);
	}
}

/* Six points a character: widths a reader can count. */
static double
measure_chars(const char *text, void *data)
{
	(void)data;
	return 6.0 * (double)g_utf8_strlen(text, -1);
}

static void
test_position_lines(void **state)
{
	static const struct {
		const char *position;
		double max; /* points; 6 a character */
		const char *want; /* lines joined by '|' */
	} cases[] = {
	    /* fits: one line */
	    {"Kepala Dinas Komunikasi dan Informatika", 264,
	     "Kepala Dinas Komunikasi dan Informatika"},
	    /* the issue's: before the region, never "dan / Informatika" */
	    {"Kepala Dinas Komunikasi dan Informatika Kabupaten Kudus", 264,
	     "Kepala Dinas Komunikasi dan Informatika|Kabupaten Kudus"},
	    /* narrower: the office's name stays whole rather than the lines even */
	    {"Kepala Dinas Komunikasi dan Informatika", 180,
	     "Kepala Dinas|Komunikasi dan Informatika"},
	    /* after a comma, and as even as the rest allows */
	    {"Kepala Dinas Pemberdayaan Masyarakat dan Desa, Pengendalian Penduduk dan Keluarga "
	     "Berencana Kabupaten Kudus",
	     300,
	     "Kepala Dinas Pemberdayaan Masyarakat dan Desa,|Pengendalian Penduduk dan Keluarga "
	     "Berencana|Kabupaten Kudus"},
	    /* before the region when it fits, else as even as can be */
	    {"Plt. Kepala Badan Perencanaan Pembangunan Daerah Kota Semarang", 300,
	     "Plt. Kepala Badan Perencanaan Pembangunan Daerah|Kota Semarang"},
	    {"Plt. Kepala Badan Perencanaan Pembangunan Daerah Kota Semarang", 264,
	     "Plt. Kepala Badan Perencanaan|Pembangunan Daerah Kota Semarang"},
	    /* where only a bad break fits, a bad break rather than a line more */
	    {"Plt. Kepala Dinas", 66, "Plt. Kepala|Dinas"},
	    /* not after "Kepala", which would be as even (6 + 12 characters) */
	    {"Kepala Dinas Sosial", 72, "Kepala Dinas|Sosial"},
	    /* before "dan" rather than after it */
	    {"Komunikasi dan Informatika", 90, "Komunikasi|dan Informatika"},
	    /* a word wider than the block stands alone */
	    {"Kepala Supercalifragilisticexpialidocious", 60,
	     "Kepala|Supercalifragilisticexpialidocious"},
	    {"  Kepala   Dinas  ", 264, "Kepala Dinas"},
	    {"", 264, ""},
	};

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_auto(GStrv) lines =
		    letter_position_lines(cases[i].position, cases[i].max, measure_chars, NULL);
		g_autofree char *got = g_strjoinv("|", lines);
		if (strcmp(got, cases[i].want) != 0)
			fail_msg("case %zu: got '%s', want '%s'", i, got, cases[i].want);
		for (guint j = 0; lines[j]; j++)
			if (measure_chars(lines[j], NULL) > cases[i].max && strchr(lines[j], ' '))
				fail_msg("case %zu: '%s' is wider than %.0f", i, lines[j],
				         cases[i].max);
	}
}

static void
test_kop_lines(void **state)
{
	const char *const extra[] = {"Kode Pos 59313", " ", NULL};
	const struct {
		dispo_letter_head head;
		const char *want; /* lines joined by '|' */
	} cases[] = {
	    {{.address = "Jl. Simpang Tujuh No. 1, Kudus 59313",
	      .phone = "(0291) 435316",
	      .email = "diskominfo@kuduskab.go.id",
	      .website = "diskominfo.kuduskab.go.id"},
	     "Jl. Simpang Tujuh No. 1, Kudus 59313, Telepon (0291) 435316|"
	     "Pos-el diskominfo@kuduskab.go.id, Laman diskominfo.kuduskab.go.id"},
	    /* parts left out, and their commas with them */
	    {{.address = "Jl. Simpang Tujuh No. 1", .website = "kuduskab.go.id"},
	     "Jl. Simpang Tujuh No. 1|Laman kuduskab.go.id"},
	    {{.phone = "(0291) 435316", .email = " "}, "Telepon (0291) 435316"},
	    /* an old letterhead's lines, as given, between the two */
	    {{.address = "Jl. Simpang Tujuh No. 1", .lines = extra, .email = "a@kuduskab.go.id"},
	     "Jl. Simpang Tujuh No. 1|Kode Pos 59313|Pos-el a@kuduskab.go.id"},
	    {{.address = "Jl.\x1b[31m Simpang\xe2\x80\xae"}, "Jl.[31m Simpang"},
	    {{0}, ""},
	};

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_auto(GStrv) lines = letter_kop_lines(&cases[i].head);
		g_autofree char *got = g_strjoinv("|", lines);
		if (strcmp(got, cases[i].want) != 0)
			fail_msg("case %zu: got '%s', want '%s'", i, got, cases[i].want);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_date_text),
	    cmocka_unit_test(test_nip_format),
	    cmocka_unit_test(test_text_clean),
	    cmocka_unit_test(test_body_parse),
	    cmocka_unit_test(test_position_lines),
	    cmocka_unit_test(test_kop_lines),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
