/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-form.c: the "Label: value" fields of a body, however the mail client
 * dressed them up, and the fuzz seeds that are real bodies. */
#include "config.h"

#include "policy/policy.h"

#include "testutil.h"

static const char *const labels[] = {"Nama",       "NIP",         "NIK", "Jabatan",
                                     "Unit Kerja", "Email dinas", NULL};

static void
test_form_parse(void **state)
{
	static const struct {
		const char *body;
		const char *want[6]; /* per label; NULL: absent */
	} cases[] = {
	    {"Nama: Budi Santoso\nNIP: 19850312 201001 1 004\nNIK: 3319011203850001\n"
	     "Jabatan: Pranata Komputer\nUnit Kerja: Dinas Kesehatan\n"
	     "Email dinas: budi@kuduskab.go.id\n",
	     {"Budi Santoso", "19850312 201001 1 004", "3319011203850001", "Pranata Komputer",
	      "Dinas Kesehatan", "budi@kuduskab.go.id"}},
	    {"NIP. : 1985\n", {NULL, "1985"}},
	    {"N I P : 1985\n", {NULL, "1985"}},
	    {"N.I.P.: 1985\n", {NULL, "1985"}},
	    {"NIP :1985\n", {NULL, "1985"}},
	    {"NIP. 19850312 201001 1 004\n", {NULL, "19850312 201001 1 004"}},
	    {"NIK 3319011203850001\n", {NULL, NULL, "3319011203850001"}},
	    {"   Nama\t\t:\t  Budi   \t\n", {"Budi"}},
	    {"1. Nama: Budi\n2) NIP: 1985\n", {"Budi", "1985"}},
	    {"- Nama: Budi\n* NIK: 3319\n\u2022 Jabatan: Kasi\n", {"Budi", NULL, "3319", "Kasi"}},
	    {"*Nama*: Budi\n**NIP**: 1985\n**Jabatan:** Kasi\n", {"Budi", "1985", NULL, "Kasi"}},
	    {"Unit kerja: A\n", {NULL, NULL, NULL, NULL, "A"}},
	    {"UNIT KERJA: B\n", {NULL, NULL, NULL, NULL, "B"}},
	    {"Unit_Kerja: C\n", {NULL, NULL, NULL, NULL, "C"}},
	    {"E-mail Dinas: a@kuduskab.go.id\n",
	     {NULL, NULL, NULL, NULL, NULL, "a@kuduskab.go.id"}},
	    {"Surel dinas: b@kuduskab.go.id <mailto:b@kuduskab.go.id>\n",
	     {NULL, NULL, NULL, NULL, NULL, "b@kuduskab.go.id"}},
	    {"Email: pribadi@gmail.com\n", {NULL}},
	    {"Nama: Pertama\nNama: Kedua\n", {"Pertama"}},
	    {"NIP:\nNIP: 1985\n", {NULL, "1985"}},
	    {"Nama: Budi\n> NIP: 1985\nNIK: 3319\n", {"Budi"}},
	    {"Nama: Budi\n-- \nNIP. 1985\n", {"Budi"}},
	    {"Nama: Budi\n\n-----Original Message-----\nFrom: x\nNIP: 1\n", {"Budi"}},
	    {"Nama: Budi\n\nDari: Admin <a@kuduskab.go.id>\nDikirim: Senin, 24 November 2025\n"
	     "Kepada: Budi\nPerihal: RE\n\nNIP: 1\n",
	     {"Budi"}},
	    {"Dari: Dinas Kesehatan\nPerihal: Permohonan\nNama: Budi\n", {"Budi"}},
	    {"Nama: Budi\nOn Mon, 24 Nov 2025 at 09:15, Admin <a@x.go.id>\nwrote:\nNIP: 1\n",
	     {"Budi"}},
	    {"Nama : Budi\nPada Sen, 24 Nov 2025, Admin menulis:\nNIP: 1\n", {"Budi"}},
	    {"Nama\xEF\xBC\x9A Budi\r\nNIP:\xC2\xA0"
	     "1985\xC2\xA0\r\n",
	     {"Budi", "1985"}},
	    {"Alamat: Jl. Sudirman\nCatatan: segera\nNama saya Budi\nNIP saya 1985\n", {NULL}},
	    {"Nama (sesuai KTP): Budi\nNama lengkap: Lain\n", {"Budi"}},
	    {"Nama: Budi \u202Eidib\x01\n", {"Budi idib\xEF\xBF\xBD"}},
	    {"", {NULL}},
	};
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autoptr(GHashTable) got = policy_form_parse(cases[i].body, labels);
		guint want_n = 0;
		for (size_t l = 0; l < 6; l++) {
			const char *v = g_hash_table_lookup(got, labels[l]);
			if (cases[i].want[l])
				want_n++;
			if (g_strcmp0(v, cases[i].want[l]) != 0)
				fail_msg("form case %zu, %s: '%s', want '%s'", i, labels[l],
				         v ? v : "(none)",
				         cases[i].want[l] ? cases[i].want[l] : "(none)");
		}
		assert_int_equal(g_hash_table_size(got), want_n);
	}
	{
		g_autoptr(GHashTable) none = policy_form_parse(NULL, labels);
		g_autoptr(GHashTable) deflt = policy_form_parse("NIK: 1\nFoo: 2\n", NULL);
		assert_int_equal(g_hash_table_size(none), 0);
		assert_string_equal(g_hash_table_lookup(deflt, "NIK"), "1");
		assert_int_equal(g_hash_table_size(deflt), 1);
	}
}

/* The seeds of the fuzz target are real bodies: spot-check two of them. */
static void
test_form_seeds(void **state)
{
	g_autofree char *outlook_path = test_srcdir("fuzz/corpus/form/outlook-html.txt");
	g_autofree char *gmail_path = test_srcdir("fuzz/corpus/form/gmail-bold-quoted.txt");
	g_autofree char *outlook = test_read(outlook_path, NULL);
	g_autofree char *gmail = test_read(gmail_path, NULL);
	g_autoptr(GHashTable) a = policy_form_parse(outlook, labels);
	g_autoptr(GHashTable) b = policy_form_parse(gmail, labels);

	assert_string_equal(g_hash_table_lookup(a, "Nama"), "Siti Rahmawati, S.Kom");
	assert_string_equal(g_hash_table_lookup(a, "Email dinas"), "siti.rahmawati@kuduskab.go.id");
	assert_string_equal(g_hash_table_lookup(a, "Unit Kerja"),
	                    "Dinas Pendidikan, Pemuda dan Olahraga");
	assert_int_equal(g_hash_table_size(a), 6);
	assert_string_equal(g_hash_table_lookup(b, "NIP"), "19850312 201001 1 004");
	assert_string_equal(g_hash_table_lookup(b, "Nama"), "Budi Santoso");
	assert_int_equal(g_hash_table_size(b), 6);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_form_parse),
	    cmocka_unit_test(test_form_seeds),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
