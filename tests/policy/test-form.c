/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-form.c: the "Label: value" fields of a body, however the mail client
 * dressed them up: plain text, HTML-only bodies as the parser converts them
 * (Outlook desktop, Outlook on the web, Gmail, iPhone), the command-line
 * test's application emails, and the fuzz seeds that are real bodies. */
#include "config.h"

#include "mime/mime.h"
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
	    /* No-break and other spaces are spaces: no colon needed before a
	     * number, and a NIP keeps only digits and spaces. */
	    {"NIK\u00A03319011203850001\n", {NULL, NULL, "3319011203850001"}},
	    {"NIP:\u00A019850312\u00A0201001\u202F1\u00A0004\n", {NULL, "19850312 201001 1 004"}},
	    {"Unit\u00A0Kerja\u00A0:\u00A0Dinas\u00A0Kesehatan\u00A0\n",
	     {NULL, NULL, NULL, NULL, "Dinas Kesehatan"}},
	    {"Nama:\u200BBudi\u3000Santoso\uFEFF\n", {"Budi Santoso"}},
	    /* Table rows as HTML bodies become: cells separated by tabs. */
	    {"Nama\tHartono\nNIP\t1985\nUnit Kerja\tDinas\t\tKesehatan\n",
	     {"Hartono", "1985", NULL, NULL, "Dinas Kesehatan"}},
	    {"Nama\t:\tHartono\nNIP\t: 1985\nJabatan\t\uFF1A Kasi\n",
	     {"Hartono", "1985", NULL, "Kasi"}},
	    {"1\tNama\t:\tBudi\n2.\tNIK\t:\t3319\n", {"Budi", NULL, "3319"}},
	    {"Email dinas\t\tb@kuduskab.go.id <mailto:b@kuduskab.go.id>\n",
	     {NULL, NULL, NULL, NULL, NULL, "b@kuduskab.go.id"}},
	    /* A tab after what is not a label is no separator. */
	    {"Catatan\tNama: Budi\nNama saya\tBudi\nNIP\t\n", {NULL}},
	    {"Nama   Budi   Santoso:  x\nNama:  Budi   Santoso\n", {"Budi Santoso"}},
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

/* The six fields as the tests below expect them. */
static void
expect_fields(const char *what, GHashTable *got, const char *const want[6])
{
	for (size_t l = 0; l < 6; l++) {
		const char *v = g_hash_table_lookup(got, labels[l]);
		if (g_strcmp0(v, want[l]) != 0)
			fail_msg("%s, %s: '%s', want '%s'", what, labels[l], v ? v : "(none)",
			         want[l] ? want[l] : "(none)");
	}
	assert_int_equal(g_hash_table_size(got), 6);
}

/* HTML-only bodies, converted as the parser converts them, give every
 * field that their text/plain twin would. */
static void
test_form_html(void **state)
{
	static const char *const want[6] = {"Hartono, S.T.",    "19850312 201001 1 004",
	                                    "3319011203850001", "Pranata Komputer",
	                                    "Dinas Kesehatan",  "hartono@kuduskab.go.id"};
	static const struct {
		const char *client;
		const char *html;
	} cases[] = {
	    {"Outlook desktop, paragraphs",
	     "<p class=MsoNormal><b>Nama<o:p></o:p></b>: Hartono, S.T.<o:p></o:p></p>"
	     "<p class=MsoNormal><b><span lang=IN>NIP<o:p></o:p></span></b><span lang=IN>"
	     "<span style='mso-tab-count:2'>&nbsp;&nbsp;&nbsp; </span>: 19850312 201001 1 004"
	     "<o:p></o:p></span></p><p class=MsoNormal><o:p>&nbsp;</o:p></p>"
	     "<p class=MsoNormal><b>NIK<o:p></o:p></b>&nbsp;: 3319011203850001<o:p></o:p></p>"
	     "<p class=MsoNormal><b>Jabatan<o:p></o:p></b> : Pranata Komputer<o:p></o:p></p>"
	     "<p class=MsoNormal><b>Unit Kerja<o:p></o:p></b> : Dinas&nbsp;Kesehatan<o:p></o:p></p>"
	     "<p class=MsoNormal><b>Email dinas<o:p></o:p></b> : <a "
	     "href=\"mailto:hartono@kuduskab.go.id\">hartono@kuduskab.go.id</a><o:p></o:p></p>"},
	    {"Outlook desktop, table",
	     "<table class=MsoTableGrid border=1><tr><td><p "
	     "class=MsoNormal>Nama<o:p></o:p></p></td>"
	     "<td><p class=MsoNormal>:<o:p></o:p></p></td><td><p class=MsoNormal>Hartono, S.T."
	     "<o:p></o:p></p></td></tr><tr><td><p class=MsoNormal>NIP<o:p></o:p></p></td><td "
	     "colspan=2><p class=MsoNormal>: 19850312 201001 1 004<o:p></o:p></p></td></tr><tr><td>"
	     "<p class=MsoNormal>NIK<o:p></o:p></p></td><td><p "
	     "class=MsoNormal>:<o:p></o:p></p></td>"
	     "<td><p class=MsoNormal>3319011203850001<o:p></o:p></p></td></tr><tr><td><p "
	     "class=MsoNormal>Jabatan</p></td><td><p class=MsoNormal>:</p></td><td><p "
	     "class=MsoNormal>Pranata Komputer</p></td></tr><tr><td><p class=MsoNormal>Unit "
	     "Kerja</p></td><td><p class=MsoNormal>:</p></td><td><p class=MsoNormal>Dinas "
	     "Kesehatan</p></td></tr><tr><td><p class=MsoNormal>Email dinas</p></td><td><p "
	     "class=MsoNormal>:</p></td><td><p class=MsoNormal><a href=\"mailto:hartono@"
	     "kuduskab.go.id\">hartono@kuduskab.go.id</a></p></td></tr></table>"},
	    {"Outlook desktop, numbered list, labels split across runs",
	     "<p class=MsoListParagraph><![if !supportLists]><span lang=IN><span "
	     "style='mso-list:Ignore'>1.<span style='font:7.0pt'>&nbsp;&nbsp; </span></span>"
	     "</span><![endif]><span lang=IN>Na</span><span lang=EN-US>ma</span>&nbsp;:&nbsp;"
	     "Hartono, S.T.<o:p></o:p></p><p class=MsoListParagraph><![if !supportLists]>2."
	     "&nbsp;<![endif]><span lang=IN>NI</span><b><span lang=IN>P</span></b>&nbsp;:&nbsp;"
	     "19850312&nbsp;201001&nbsp;1&nbsp;004<o:p></o:p></p><p class=MsoListParagraph>"
	     "<![if !supportLists]>3.&nbsp;<![endif]>N<span class=SpellE>IK</span>&nbsp;:&nbsp;"
	     "3319011203850001</p><p class=MsoListParagraph><![if !supportLists]>4.&nbsp;"
	     "<![endif]><span class=GramE>Jab</span>atan&nbsp;:&nbsp;Pranata Komputer</p><p "
	     "class=MsoListParagraph><![if !supportLists]>5.&nbsp;<![endif]>Unit&nbsp;Ker<span "
	     "lang=IN>ja</span>&nbsp;:&nbsp;Dinas Kesehatan</p><p class=MsoListParagraph><![if "
	     "!supportLists]>6.&nbsp;<![endif]>Email&nbsp;<b>d</b>inas&nbsp;:&nbsp;"
	     "hartono@kuduskab.go.id</p>"},
	    {"Outlook on the web",
	     "<div class=\"elementToProof\"><b>Nama</b>&nbsp; &nbsp; &nbsp;: Hartono, S.T.</div>"
	     "<div class=\"elementToProof\"><b>NIP</b>&nbsp; &nbsp; &nbsp; &nbsp;: 19850312 "
	     "201001 1 004</div><div class=\"elementToProof\"><b>NIK</b>&nbsp; &nbsp; &nbsp; "
	     "&nbsp;: 3319011203850001</div><div class=\"elementToProof\"><b>Jabatan</b>&nbsp; "
	     "&nbsp;: Pranata Komputer</div><div class=\"elementToProof\"><b>Unit Kerja</b>&nbsp;: "
	     "Dinas Kesehatan</div><div class=\"elementToProof\"><b>Email dinas</b>: <a "
	     "href=\"mailto:hartono@kuduskab.go.id\" class=\"OWAAutoLink\">hartono@kuduskab.go.id"
	     "</a></div><div id=\"Signature\"><div><br></div><div>Hartono</div></div>"},
	    {"Gmail web",
	     "<div dir=\"ltr\">Nama: Hartono, S.T.<br>NIP: 19850312 201001 1 004<br>NIK: "
	     "3319011203850001<br>Jabatan: Pranata Komputer<br>Unit Kerja: Dinas Kesehatan<br>"
	     "Email dinas: <a href=\"mailto:hartono@kuduskab.go.id\">hartono@kuduskab.go.id</a>"
	     "<div><br></div>-- <br><div dir=\"ltr\" "
	     "class=\"gmail_signature\">Hartono</div></div>"},
	    {"Gmail web, cells pasted from a spreadsheet",
	     "<div dir=\"ltr\"><table data-sheets-root=\"1\"><colgroup><col "
	     "width=\"100\"></colgroup>"
	     "<tbody><tr><td>Nama</td><td>Hartono, S.T.</td></tr><tr><td>NIP</td><td>19850312 "
	     "201001 1 004</td></tr><tr><td>NIK</td><td>3319011203850001</td></tr><tr><td>Jabatan"
	     "</td><td>Pranata Komputer</td></tr><tr><td>Unit Kerja</td><td>Dinas Kesehatan</td>"
	     "</tr><tr><td>Email dinas</td><td>hartono@kuduskab.go.id</td></tr></tbody></table>"
	     "</div>"},
	    {"iPhone",
	     "<html><body dir=\"auto\"><div dir=\"ltr\">Nama&nbsp;: Hartono, S.T.</div><div "
	     "dir=\"ltr\">NIP&nbsp;: 19850312&nbsp;201001&nbsp;1&nbsp;004</div><div dir=\"ltr\">"
	     "NIK&nbsp;: 3319011203850001</div><div dir=\"ltr\">Jabatan&nbsp;: Pranata Komputer"
	     "</div><div dir=\"ltr\">Unit kerja&nbsp;: Dinas Kesehatan</div><div dir=\"ltr\">"
	     "Email dinas&nbsp;: hartono@kuduskab.go.id</div><div dir=\"ltr\"><br><div "
	     "dir=\"ltr\">Dikirim dari iPhone saya</div></div></body></html>"},
	};
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autofree char *text = mime_html_to_text(cases[i].html, strlen(cases[i].html));
		g_autoptr(GHashTable) got = policy_form_parse(text, labels);
		expect_fields(cases[i].client, got, want);
	}
}

/* The HTML-only application emails of the command-line test, parsed for
 * real (tests/cli/data/html-forms, see its README). */
static void
test_form_client_emails(void **state)
{
	static const dispo_limits limits = {.message_size = 64ULL << 20,
	                                    .header_size = 64 << 10,
	                                    .header_fields = 1000,
	                                    .parts = 200,
	                                    .depth = 16,
	                                    .text_size = 1 << 20};
	static const struct {
		const char *file;
		const char *want[6];
	} cases[] = {
	    {"01-outlook2016-msonormal.eml",
	     {"Budi Santoso, S.Kom.", "19850312 201001 1 004", "3319011203850001",
	      "Pranata Komputer Ahli Pertama", "Dinas Kesehatan", "budi.santoso@kuduskab.go.id"}},
	    {"02-outlook365-table.eml",
	     {"Rina Marlina, S.E.", "198707262011012002", "3319086607870001", "Perencana Ahli Muda",
	      "Badan Perencanaan Pembangunan Daerah (BAPPEDA)", "rina.marlina@kuduskab.go.id"}},
	    {"03-outlook-web.eml",
	     {"Ahmad Fauzi, S.IP.", "19920410 201903 1 007", "3319031004920003",
	      "Analis Kebijakan Ahli Pertama", "Kecamatan Jati", "ahmad.fauzi@kuduskab.go.id"}},
	    {"04-gmail-web.eml",
	     {"dr. Andini Pratiwi, M.Kes.", "197204151998032004", "3319015504720004",
	      "Kepala Dinas Kesehatan", "Dinas Kesehatan", "andini.pratiwi@kuduskab.go.id"}},
	    {"05-outlook-list-split-labels.eml",
	     {"Sri Wahyuningsih, S.T., M.T.", "197508242000032003", "3319056408750003",
	      "Kepala Bidang Informatika", "Dinas Komunikasi dan Informatika",
	      "sri.wahyuningsih@kuduskab.go.id"}},
	    {"06-iphone.eml",
	     {"Dewi Lestari, A.Md.", "19900205 201503 2 001", "3319074502900002",
	      "Pranata Komputer Terampil", "Dinas Komunikasi dan Informatika",
	      "dewi.lestari@kuduskab.go.id"}},
	    {"07-gmail-sheets-table.eml",
	     {"Agus Prasetyo, S.Kom.", "198011172006041002", "3319031711800004",
	      "Kepala Seksi Teknologi Informasi dan Persandian", "Dinas Komunikasi dan Informatika",
	      "agus.prasetyo@kuduskab.go.id"}},
	};
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autofree char *rel =
		    g_build_filename("tests", "cli", "data", "html-forms", cases[i].file, NULL);
		g_autofree char *path = test_srcdir(rel);
		g_autoptr(dispo_mail) mail = mime_mail_parse_file(path, &limits, NULL, NULL);
		g_autoptr(GHashTable) got = NULL;

		if (!mail)
			fail_msg("cannot parse %s", path);
		assert_true(mail->body_from_html);
		assert_int_equal(mail->attachments->len, 3);
		got = policy_form_parse(mail->body, labels);
		expect_fields(cases[i].file, got, cases[i].want);
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
	    cmocka_unit_test(test_form_html),
	    cmocka_unit_test(test_form_client_emails),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
