/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-forward.c: inline forwards as the clients applicants and their
 * offices use write them (Gmail, Outlook, Thunderbird, Apple Mail, Yahoo,
 * English and Indonesian), and text that only looks like one. */
#include "config.h"

#include "policy/policy.h"

#include "testutil.h"

#define BUDI "budi.santoso@kuduskab.go.id"

static void
test_inline_forward_find(void **state)
{
	static const struct {
		const char *what;
		const char *body;
		bool forwarded;      /* the subject says Fwd:/FW: */
		const char *from;    /* NULL: no From (or, with no text, no forward) */
		const char *address; /* NULL: none to be had */
		const char *subject; /* checked when not NULL */
		const char *date;    /* checked when not NULL */
		const char *text;    /* NULL: no forward at all; else how it starts */
	} cases[] = {
	    {"Gmail, English",
	     "Mohon dibantu diproses ya.\n\n---------- Forwarded message ---------\n"
	     "From: Budi Santoso <" BUDI ">\nDate: Mon, Nov 23, 2026 at 8:00 AM\n"
	     "Subject: Permohonan Sertifikat Elektronik\nTo: <tu.dinkes@kuduskab.go.id>\n\n\n"
	     "Yth. Bapak/Ibu,\n\nNama: Budi Santoso\n",
	     true, "Budi Santoso <" BUDI ">", BUDI, "Permohonan Sertifikat Elektronik",
	     "Mon, Nov 23, 2026 at 8:00 AM", "Yth. Bapak/Ibu,\n\nNama: Budi Santoso\n"},
	    {"Gmail, Indonesian",
	     "Mohon diproses.\n\n---------- Pesan terusan ---------\n"
	     "Dari: Budi Santoso <" BUDI ">\nTanggal: Sen, 23 Nov 2026 pukul 08.00\n"
	     "Subjek: Permohonan TTE\nKepada: <tu.dinkes@kuduskab.go.id>\n\n\nNama: Budi\n",
	     true, "Budi Santoso <" BUDI ">", BUDI, "Permohonan TTE",
	     "Sen, 23 Nov 2026 pukul 08.00", "Nama: Budi\n"},
	    {"Gmail converted from HTML",
	     "---------- Forwarded message ---------\n*From:* *Budi Santoso* <" BUDI ">\n"
	     "*Date:* Mon, Nov 23, 2026\n*Subject:* Permohonan\n*To:* tu.dinkes@kuduskab.go.id\n\n"
	     "Nama: Budi\n",
	     false, "*Budi Santoso* <" BUDI ">", BUDI, "Permohonan", NULL, "Nama: Budi\n"},
	    {"Outlook plain text, Original Message and mailto",
	     "Diteruskan.\r\n\r\n-----Original Message-----\r\n"
	     "From: Budi Santoso [mailto:" BUDI "]\r\nSent: Monday, November 23, 2026 8:00 AM\r\n"
	     "To: TU Dinkes <tu.dinkes@kuduskab.go.id>\r\nSubject: Permohonan\r\n\r\n"
	     "Nama: Budi\r\n",
	     false, "Budi Santoso [mailto:" BUDI "]", BUDI, "Permohonan",
	     "Monday, November 23, 2026 8:00 AM", "Nama: Budi\n"},
	    {"Outlook, Indonesian, under its rule",
	     "Mohon diproses.\n\n________________________________\n"
	     "Dari: Budi Santoso <" BUDI ">\nDikirim: Senin, 23 November 2026 08.00\n"
	     "Kepada: TU Dinkes <tu.dinkes@kuduskab.go.id>\nPerihal: Permohonan Sertifikat\n\n"
	     "Nama: Budi\n",
	     true, "Budi Santoso <" BUDI ">", BUDI, "Permohonan Sertifikat",
	     "Senin, 23 November 2026 08.00", "Nama: Budi\n"},
	    {"the same block above a reply's original",
	     "Terima kasih.\n\n________________________________\n"
	     "Dari: Budi Santoso <" BUDI ">\nDikirim: Senin, 23 November 2026 08.00\n"
	     "Kepada: TU Dinkes <tu.dinkes@kuduskab.go.id>\nPerihal: Permohonan Sertifikat\n\n"
	     "Nama: Budi\n",
	     false, NULL, NULL, NULL, NULL, NULL},
	    {"Outlook, Pesan Asli, an Exchange name without an address",
	     "-----Pesan Asli-----\nDari: Budi Santoso\nDikirim: Senin, 23 November 2026\n"
	     "Kepada: TU Dinkes\nPerihal: Permohonan\n\nNama: Budi\n",
	     false, "Budi Santoso", NULL, "Permohonan", NULL, "Nama: Budi\n"},
	    {"Thunderbird, labels then a tab",
	     "\n-------- Forwarded Message --------\nSubject: \tPermohonan\n"
	     "Date: \tMon, 23 Nov 2026 08:00:00 +0700\nFrom: \tBudi Santoso <" BUDI ">\n"
	     "To: \tTU Dinkes <tu.dinkes@kuduskab.go.id>\n\n\n\nNama: Budi\n",
	     true, "Budi Santoso <" BUDI ">", BUDI, "Permohonan", "Mon, 23 Nov 2026 08:00:00 +0700",
	     "Nama: Budi\n"},
	    {"Apple Mail, a blank line under the marker",
	     "Begin forwarded message:\n\nFrom: Budi Santoso <" BUDI ">\nSubject: Permohonan\n"
	     "Date: 23 November 2026 at 08.00.00 WIB\nTo: tu.dinkes@kuduskab.go.id\n\nNama: Budi\n",
	     true, "Budi Santoso <" BUDI ">", BUDI, "Permohonan", NULL, "Nama: Budi\n"},
	    {"Yahoo",
	     "----- Forwarded Message -----\nFrom: Budi Santoso <" BUDI ">\n"
	     "To: tu.dinkes@kuduskab.go.id\nSent: Monday, November 23, 2026, 08:00:00 AM GMT+7\n"
	     "Subject: Permohonan\n\nNama: Budi\n",
	     true, "Budi Santoso <" BUDI ">", BUDI, "Permohonan", NULL, "Nama: Budi\n"},
	    {"a From value the client wrapped",
	     "-----Original Message-----\nFrom: Budi Santoso\n<" BUDI ">\nSent: Monday\n"
	     "Subject: Permohonan\n\nNama: Budi\n",
	     false, "Budi Santoso <" BUDI ">", BUDI, NULL, NULL, "Nama: Budi\n"},
	    {"a marker without a header block",
	     "---------- Forwarded message ---------\nNama: Budi\n", true, NULL, NULL, NULL, NULL,
	     "Nama: Budi\n"},
	    {"a display name naming another address",
	     "---------- Forwarded message ---------\n"
	     "From: \"" BUDI "\" <rina.marlina@kuduskab.go.id>\nDate: Mon\nSubject: x\n\nNama: R\n",
	     true, "\"" BUDI "\" <rina.marlina@kuduskab.go.id>", "rina.marlina@kuduskab.go.id",
	     NULL, NULL, "Nama: R\n"},
	    {"two addresses and no brackets",
	     "---------- Forwarded message ---------\n"
	     "From: " BUDI " rina.marlina@kuduskab.go.id\nDate: Mon\n\nNama: R\n",
	     true, BUDI " rina.marlina@kuduskab.go.id", NULL, NULL, NULL, "Nama: R\n"},
	    {"a bare address", "-----Original Message-----\nFrom: " BUDI "\nSent: Mon\n\nx\n",
	     false, BUDI, BUDI, NULL, NULL, "x\n"},
	    {"a quoted forward is someone else's text",
	     "Setuju.\n\n> ---------- Forwarded message ---------\n> From: Budi <" BUDI ">\n"
	     "> Date: Mon\n> Subject: x\n",
	     true, NULL, NULL, NULL, NULL, NULL},
	    {"an applicant's own letter head is no header block",
	     "Dari: Kepala Puskesmas Jati\nPerihal: Permohonan sertifikat\n\nNama: Budi\n", true,
	     NULL, NULL, NULL, NULL, NULL},
	    {"a dashed line that is no marker", "Nama: Budi\n---------- Lampiran ----------\nKTP\n",
	     true, NULL, NULL, NULL, NULL, NULL},
	    {"no forward", "Nama: Budi\nNIP: 198503122010011004\n", true, NULL, NULL, NULL, NULL,
	     NULL},
	    {"nothing", "", true, NULL, NULL, NULL, NULL, NULL},
	};

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autoptr(dispo_inline_forward) f =
		    policy_inline_forward_find(cases[i].body, cases[i].forwarded);

		if (!cases[i].text) {
			if (f)
				fail_msg("%s: a forward from '%s'", cases[i].what, f->from);
			continue;
		}
		if (!f)
			fail_msg("%s: no forward found", cases[i].what);
		if (g_strcmp0(f->from, cases[i].from) != 0)
			fail_msg("%s: from '%s', want '%s'", cases[i].what, f->from, cases[i].from);
		if (g_strcmp0(f->address, cases[i].address) != 0)
			fail_msg("%s: address '%s', want '%s'", cases[i].what, f->address,
			         cases[i].address);
		if (cases[i].subject && g_strcmp0(f->subject, cases[i].subject) != 0)
			fail_msg("%s: subject '%s', want '%s'", cases[i].what, f->subject,
			         cases[i].subject);
		if (cases[i].date && g_strcmp0(f->date, cases[i].date) != 0)
			fail_msg("%s: date '%s', want '%s'", cases[i].what, f->date, cases[i].date);
		if (!g_str_has_prefix(f->text, cases[i].text))
			fail_msg("%s: text '%s', want '%s…'", cases[i].what, f->text,
			         cases[i].text);
	}
	assert_null(policy_inline_forward_find(NULL, true));
}

/* The project's sample of a Gmail inline forward, parsed for real: the
 * form the forwarder's note lacks is in the forwarded text. */
static void
test_inline_forward_sample(void **state)
{
	static const dispo_limits limits = {.message_size = 64ULL << 20,
	                                    .header_size = 64 << 10,
	                                    .header_fields = 1000,
	                                    .parts = 200,
	                                    .depth = 16,
	                                    .text_size = 1 << 20};
	static const char *const labels[] = {"Nama", "NIP", "Email dinas", NULL};
	g_autofree char *path = test_srcdir("tests/mime/data/12-forward-inline-gmail.eml");
	g_autoptr(dispo_mail) mail = mime_mail_parse_file(path, &limits, NULL, NULL);
	g_autoptr(dispo_inline_forward) f = NULL;
	g_autoptr(GHashTable) own = NULL;
	g_autoptr(GHashTable) form = NULL;

	assert_non_null(mail);
	own = policy_form_parse(mail->body, labels);
	assert_int_equal(g_hash_table_size(own), 0);
	f = policy_inline_forward_find(mail->body, true);
	assert_non_null(f);
	assert_string_equal(f->address, "puji.astuti@kuduskab.go.id");
	form = policy_form_parse(f->text, labels);
	assert_string_equal(g_hash_table_lookup(form, "Nama"), "Puji Astuti, S.Sos.");
	assert_string_equal(g_hash_table_lookup(form, "NIP"), "19840509 200803 2 004");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_inline_forward_find),
	    cmocka_unit_test(test_inline_forward_sample),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
