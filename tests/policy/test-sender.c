/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-sender.c: the sender checks: addresses and their lookalikes, the From
 * and Sender fields of parsed emails, Authentication-Results read from
 * real-world shapes, and the authentication verdict. Every case names the
 * exact reason codes. */
#include "config.h"

#include "policy/policy.h"

#include "testutil.h"

static const dispo_limits limits = {.message_size = 1 << 20,
                                    .header_size = 64 << 10,
                                    .header_fields = 1000,
                                    .parts = 200,
                                    .depth = 16,
                                    .text_size = 1 << 20};

#define KUDUS   "kuduskab.go.id"
#define TWO     "kuduskab.go.id;jatengprov.go.id"
#define ANY     NULL
#define TRUSTED "mx.kuduskab.go.id"

/* What an output pointer holds before a call: it must be overwritten. */
static char stale[] = "stale";

/* A parsed email with these header lines (LF-separated) above a small body. */
static dispo_mail *
mail_parse(const char *headers)
{
	g_autofree char *raw = g_strdup_printf("%sTo: sertifikat@kuduskab.go.id\n"
	                                       "Subject: Permohonan sertifikat elektronik\n"
	                                       "Message-ID: <t1@kuduskab.go.id>\n"
	                                       "\n"
	                                       "Dengan hormat, terlampir berkas permohonan.\n",
	                                       headers);
	GError *e = NULL;
	dispo_mail *m = mime_mail_parse_data(raw, strlen(raw), &limits, NULL, &e);

	assert_non_null(m);
	assert_null(e);
	assert_int_equal(m->status, DISPO_MAIL_PARSED);
	return m;
}

/* "a;b" as the NULL-terminated list the configuration holds; NULL stays NULL. */
static char **
agencies(const char *list)
{
	return list ? g_strsplit(list, ";", -1) : NULL;
}

static void
assert_codes(const GPtrArray *reasons, const char *want, const char *what)
{
	g_autofree char *got = policy_reasons_codes(reasons);

	if (strcmp(got, want) != 0)
		fail_msg("%s: reasons \"%s\", want \"%s\"", what, got, want);
	for (guint i = 0; i < reasons->len; i++) {
		const dispo_reason *r = reasons->pdata[i];
		assert_non_null(r->detail); /* every refusal says why */
	}
}

/* ---- addresses ------------------------------------------------------------ */

static void
test_address(void **state)
{
	(void)state;
	g_autofree char *long_label = g_strnfill(64, 'a');
	g_autofree char *max_label = g_strnfill(63, 'a');
	g_autofree char *label_64 = g_strconcat("budi@", long_label, ".go.id", NULL);
	g_autofree char *label_63 = g_strconcat("budi@", max_label, ".go.id", NULL);
	g_autofree char *l60 = g_strnfill(60, 'b');
	/* 60 + 1 + 3 * 61 + 14 = 258 bytes, every part within its own limit */
	g_autofree char *too_long =
	    g_strdup_printf("%s@%s.%s.%s.kuduskab.go.id", l60, l60, l60, l60);
	g_autofree char *local_65 = g_strconcat(long_label, "a@kuduskab.go.id", NULL);
	static const struct {
		const char *address;
		const char *agencies;
		const char *codes; /* "" when accepted */
		const char *ascii;
	} cases[] = {
	    {"budi@kuduskab.go.id", KUDUS, "", "budi@kuduskab.go.id"},
	    {"Budi.Santoso@KUDUSKAB.GO.ID", KUDUS, "", "Budi.Santoso@kuduskab.go.id"},
	    {"budi@Kuduskab.Go.Id", KUDUS, "", "budi@kuduskab.go.id"},
	    {"budi@dinkes.kuduskab.go.id", KUDUS, "", "budi@dinkes.kuduskab.go.id"},
	    {"budi@jatengprov.go.id", TWO, "", "budi@jatengprov.go.id"},
	    {"budi@kuduskab.go.id", TWO, "", "budi@kuduskab.go.id"},
	    {"budi@jatengprov.go.id", KUDUS, "sender_domain_not_agency", NULL},
	    {"budi@kemenkeu.go.id", ANY, "", "budi@kemenkeu.go.id"},
	    {"budi@kemenkeu.go.id", "", "", "budi@kemenkeu.go.id"},
	    {"budi@kemenkeu.go.id", " ; ", "", "budi@kemenkeu.go.id"},
	    {"budi@kuduskab.go.id", " KudusKab.GO.ID. ", "", "budi@kuduskab.go.id"},
	    {"budi@xkuduskab.go.id", KUDUS, "sender_domain_not_agency", NULL},
	    {"budi@kuduskab.go.id.example.com", KUDUS, "sender_not_go_id", NULL},
	    {"budi@kuduskab.go.id.example.com", ANY, "sender_not_go_id", NULL},
	    {"budi@kuduskab-go.id", ANY, "sender_not_go_id", NULL},
	    {"budi@kuduskab.gov.id", ANY, "sender_not_go_id", NULL},
	    {"budi@kuduskab.go.ld", ANY, "sender_not_go_id", NULL},
	    {"budi@kuduskabgo.id", ANY, "sender_not_go_id", NULL},
	    {"budi@go.id", ANY, "sender_not_go_id", NULL},
	    {"budi@GO.ID", ANY, "sender_not_go_id", NULL},
	    {"budi@gmail.com", KUDUS, "sender_not_go_id", NULL},
	    {"budi@[10.0.0.1]", ANY, "sender_not_go_id", NULL},
	    /* Cyrillic а (U+0430) among Latin letters, as written and as punycode */
	    {"budi@kudusk\xd0\xb0"
	     "b.go.id",
	     KUDUS, "sender_mixed_script", NULL},
	    {"budi@xn--kuduskb-7fg.go.id", ANY, "sender_mixed_script", NULL},
	    /* one script, but not ASCII: government domains are ASCII */
	    {"budi@\xd0\xba\xd1\x83\xd0\xb4\xd1\x83\xd1\x81.go.id", ANY, "sender_idna", NULL},
	    {"budi@KUDUSK\xc3\x80"
	     "B.GO.ID",
	     ANY, "sender_idna", NULL},
	    {"budi@xn--abc.go.id", ANY, "sender_idna", NULL},
	    {"budi@xn--kuduskb-ewa.go.id", ANY, "sender_idna", NULL},
	    /* full-width forms map (TR46) to ASCII: accepted when the result is */
	    {"budi@\xef\xbd\x8b\xef\xbd\x95\xef\xbd\x84\xef\xbd\x95\xef\xbd\x93\xef\xbd\x8b\xef\xbd"
	     "\x81\xef\xbd\x82.go.id",
	     KUDUS, "", "budi@kuduskab.go.id"},
	    {"budi@kuduskab\xe3\x80\x82go\xe3\x80\x82id\xe3\x80\x82"
	     "example\xe3\x80\x82"
	     "com",
	     KUDUS, "sender_not_go_id", NULL},
	    /* zero-width space: TR46 would drop it silently; we refuse */
	    {"budi@kudus\xe2\x80\x8b"
	     "kab.go.id",
	     KUDUS, "sender_syntax", NULL},
	    {"\"budi@kuduskab.go.id\"@gmail.com", ANY, "sender_syntax", NULL},
	    {"\"budi@kuduskab.go.id\"@kuduskab.go.id", ANY, "sender_syntax", NULL},
	    {"\"bu di\"@kuduskab.go.id", ANY, "sender_syntax", NULL},
	    {"\"budi\"@kuduskab.go.id", KUDUS, "", "budi@kuduskab.go.id"},
	    {"\"budi@kuduskab.go.id", ANY, "sender_syntax", NULL},
	    {"bu di@kuduskab.go.id", ANY, "sender_syntax", NULL},
	    {"bu\tdi@kuduskab.go.id", ANY, "sender_syntax", NULL},
	    {"bu\x01"
	     "di@kuduskab.go.id",
	     ANY, "sender_syntax", NULL},
	    {"b\xc3\xb9"
	     "di@kuduskab.go.id",
	     ANY, "sender_syntax", NULL},
	    {"@kuduskab.go.id", ANY, "sender_syntax", NULL},
	    {".budi@kuduskab.go.id", ANY, "sender_syntax", NULL},
	    {"budi..santoso@kuduskab.go.id", ANY, "sender_syntax", NULL},
	    {"budi", ANY, "sender_syntax", NULL},
	    {"budi@", ANY, "sender_syntax", NULL},
	    {"", ANY, "sender_syntax", NULL},
	    {"budi@kuduskab.go.id@gmail.com", ANY, "sender_syntax", NULL},
	    /* trailing dot: the DNS root, dropped (as GMime does); two are not */
	    {"budi@kuduskab.go.id.", KUDUS, "", "budi@kuduskab.go.id"},
	    {"budi@kuduskab.go.id..", KUDUS, "sender_syntax", NULL},
	    {"budi@kuduskab..go.id", KUDUS, "sender_syntax", NULL},
	    {"budi@.kuduskab.go.id", KUDUS, "sender_syntax", NULL},
	    {"budi@kudus_kab.go.id", ANY, "sender_syntax", NULL},
	    {"budi@-kuduskab.go.id", ANY, "sender_syntax", NULL},
	    {"budi@kuduskab-.go.id", ANY, "sender_syntax", NULL},
	    {"budi@kudus kab.go.id", ANY, "sender_syntax", NULL},
	    {"budi\xff@kuduskab.go.id", ANY, "sender_syntax", NULL},
	};
	const struct {
		const char *address;
		const char *codes;
	} built[] = {
	    {label_64, "sender_syntax"},
	    {label_63, ""},
	    {too_long, "sender_syntax"},
	    {local_65, "sender_syntax"},
	};

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autoptr(GPtrArray) reasons = policy_reasons_new();
		g_auto(GStrv) list = agencies(cases[i].agencies);
		char *out = stale;
		bool ok = policy_address_check(cases[i].address, list, &out, reasons);
		g_autofree char *ascii = out;
		assert_ptr_not_equal(out, stale); /* always set, NULL on failure */
		assert_codes(reasons, cases[i].codes, cases[i].address);
		assert_int_equal(ok, !*cases[i].codes);
		assert_string_equal(ascii ? ascii : "(null)",
		                    cases[i].ascii ? cases[i].ascii : "(null)");
		if (!ok && *cases[i].address) /* the reason names the address */
			assert_non_null(((dispo_reason *)reasons->pdata[0])->subject);
	}
	for (size_t i = 0; i < G_N_ELEMENTS(built); i++) {
		g_autoptr(GPtrArray) reasons = policy_reasons_new();
		bool ok = policy_address_check(built[i].address, NULL, NULL, reasons);
		assert_codes(reasons, built[i].codes, built[i].address);
		assert_int_equal(ok, !*built[i].codes);
	}
	/* NULL reasons are allowed: the verdict alone */
	assert_false(policy_address_check("budi@gmail.com", NULL, NULL, NULL));
	assert_true(policy_address_check("budi@kuduskab.go.id", NULL, NULL, NULL));
}

/* ---- From and Sender of parsed emails ----------------------------------- */

static void
test_sender(void **state)
{
	(void)state;
	static const struct {
		const char *name;
		const char *headers;
		const char *agencies;
		const char *codes;
		const char *address; /* *address afterwards */
	} cases[] = {
	    {"plain", "From: Budi Santoso <budi@kuduskab.go.id>\n", KUDUS, "",
	     "budi@kuduskab.go.id"},
	    {"upper case normalised", "From: BUDI SANTOSO <BUDI@KUDUSKAB.GO.ID>\n", KUDUS, "",
	     "BUDI@kuduskab.go.id"},
	    {"Indonesian name, titles",
	     "From: \"Dr. Siti Nurhaliza, S.Kom., M.T.\" <siti@kuduskab.go.id>\n", KUDUS, "",
	     "siti@kuduskab.go.id"},
	    {"encoded name",
	     "From: =?UTF-8?Q?Ni_Luh_Putu_Ayu_Dewi_=E2=80=93_Dinkes?= "
	     "<ayu@dinkes.kuduskab.go.id>\n",
	     KUDUS, "", "ayu@dinkes.kuduskab.go.id"},
	    {"second agency", "From: Rina <rina@jatengprov.go.id>\n", TWO, "",
	     "rina@jatengprov.go.id"},
	    {"any go.id", "From: Rina <rina@jatengprov.go.id>\n", ANY, "", "rina@jatengprov.go.id"},
	    {"other agency", "From: Rina <rina@jatengprov.go.id>\n", KUDUS,
	     "sender_domain_not_agency", "rina@jatengprov.go.id"},
	    {"gmail", "From: Budi <budi.kudus@gmail.com>\n", KUDUS, "sender_not_go_id",
	     "budi.kudus@gmail.com"},
	    {"two mailboxes", "From: budi@kuduskab.go.id, andi@kuduskab.go.id\n", KUDUS,
	     "sender_several", NULL},
	    {"group of two", "From: Tim TI: budi@kuduskab.go.id, andi@kuduskab.go.id;\n", KUDUS,
	     "sender_several", NULL},
	    {"group of one", "From: Tim TI: budi@kuduskab.go.id;\n", KUDUS, "",
	     "budi@kuduskab.go.id"},
	    {"empty group", "From: undisclosed-recipients:;\n", KUDUS, "sender_none", NULL},
	    {"empty From", "From: \n", KUDUS, "sender_none", NULL},
	    {"no From", "", KUDUS, "sender_none", NULL},
	    {"From with a name only", "From: Budi Santoso\n", KUDUS, "sender_none", NULL},
	    {"From with a bare word", "From: budi\n", KUDUS, "sender_syntax", "budi"},
	    {"two From fields", "From: budi@kuduskab.go.id\nFrom: andi@kuduskab.go.id\n", KUDUS,
	     "sender_several", NULL},
	    {"display name spoof", "From: \"budi@kuduskab.go.id\" <x@gmail.com>\n", KUDUS,
	     "sender_display_spoof,sender_not_go_id", "x@gmail.com"},
	    {"display name spoof, unquoted", "From: budi@kuduskab.go.id <x@gmail.com>\n", KUDUS,
	     "sender_display_spoof,sender_not_go_id", "x@gmail.com"},
	    {"display name spoof, encoded",
	     "From: =?utf-8?q?budi=40kuduskab=2Ego=2Eid?= <x@gmail.com>\n", KUDUS,
	     "sender_display_spoof,sender_not_go_id", "x@gmail.com"},
	    {"display name spoof, full-width @",
	     "From: \"budi\xef\xbc\xa0kuduskab.go.id\" <x@gmail.com>\n", KUDUS,
	     "sender_display_spoof,sender_not_go_id", "x@gmail.com"},
	    {"display name spoof, same domain",
	     "From: \"Kepala Dinas kadin@kuduskab.go.id\" <andi@kuduskab.go.id>\n", KUDUS,
	     "sender_display_spoof", "andi@kuduskab.go.id"},
	    {"display name spoof, comment",
	     "From: andi@kuduskab.go.id (Kadin <kadin@kuduskab.go.id>)\n", KUDUS,
	     "sender_display_spoof", "andi@kuduskab.go.id"},
	    {"display name with the same address",
	     "From: \"Budi (budi@kuduskab.go.id)\" <budi@kuduskab.go.id>\n", KUDUS, "",
	     "budi@kuduskab.go.id"},
	    {"display name with the same address, other case",
	     "From: \"BUDI@KUDUSKAB.GO.ID\" <budi@kuduskab.go.id>\n", KUDUS, "",
	     "budi@kuduskab.go.id"},
	    {"display name with an @ but no address",
	     "From: \"Budi @ Dinkes\" <budi@kuduskab.go.id>\n", KUDUS, "", "budi@kuduskab.go.id"},
	    {"quoted local part with @", "From: \"budi@kuduskab.go.id\"@gmail.com\n", KUDUS,
	     "sender_syntax", "\"budi@kuduskab.go.id\"@gmail.com"},
	    {"two @ repaired by the parser", "From: budi@kuduskab.go.id@gmail.com\n", KUDUS,
	     "sender_syntax", "budi@kuduskab.go.id"},
	    {"trailing dot", "From: budi@kuduskab.go.id.\n", KUDUS, "", "budi@kuduskab.go.id"},
	    {"Cyrillic a",
	     "From: Budi <budi@kudusk\xd0\xb0"
	     "b.go.id>\n",
	     KUDUS, "sender_mixed_script",
	     "budi@kudusk\xd0\xb0"
	     "b.go.id"},
	    {"punycode lookalike", "From: Budi <budi@xn--kuduskb-7fg.go.id>\n", KUDUS,
	     "sender_mixed_script",
	     "budi@kudusk\xd0\xb0"
	     "b.go.id"},
	    {"IP literal", "From: Budi <budi@[10.0.0.1]>\n", KUDUS, "sender_not_go_id",
	     "budi@[10.0.0.1]"},
	    {"lookalike suffix", "From: Budi <budi@kuduskab.go.id.example.com>\n", KUDUS,
	     "sender_not_go_id", "budi@kuduskab.go.id.example.com"},
	    {"Sender in the same domain",
	     "From: Budi <budi@kuduskab.go.id>\nSender: Sekretariat <sekretariat@KUDUSKAB.go.id>\n",
	     KUDUS, "", "budi@kuduskab.go.id"},
	    {"Sender in another domain",
	     "From: Budi <budi@kuduskab.go.id>\nSender: relay@gmail.com\n", KUDUS,
	     "sender_mismatch", "budi@kuduskab.go.id"},
	    {"Sender in a subdomain",
	     "From: Budi <budi@kuduskab.go.id>\nSender: relay@mail.kuduskab.go.id\n", KUDUS,
	     "sender_mismatch", "budi@kuduskab.go.id"},
	    {"Sender and bad From", "From: Budi <budi@gmail.com>\nSender: budi@kuduskab.go.id\n",
	     KUDUS, "sender_mismatch,sender_not_go_id", "budi@gmail.com"},
	};

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autoptr(dispo_mail) m = mail_parse(cases[i].headers);
		g_autoptr(GPtrArray) reasons = policy_reasons_new();
		g_auto(GStrv) list = agencies(cases[i].agencies);
		dispo_config config = {.agency_domains = list};
		char *out = stale;
		bool ok = policy_sender_check(m, &config, &out, reasons);
		g_autofree char *address = out;
		assert_ptr_not_equal(out, stale);
		assert_codes(reasons, cases[i].codes, cases[i].name);
		assert_int_equal(ok, !*cases[i].codes);
		if (g_strcmp0(address, cases[i].address) != 0)
			fail_msg("%s: address %s, want %s", cases[i].name, address,
			         cases[i].address);
	}
}

/* The agency list as the configuration file spells it. */
static void
test_sender_config(void **state)
{
	(void)state;
	GError *e = NULL;
	g_autoptr(dispo_config) c = dispo_config_load_data(
	    "[policy]\nagency_domains = kuduskab.go.id; JatengProv.go.id\n"
	    "require_authentication = true\ntrusted_authserv_id = mx.kuduskab.go.id\n",
	    "test", "/tmp", &e);
	static const struct {
		const char *from;
		const char *codes;
	} cases[] = {
	    {"From: a@kuduskab.go.id\n", ""},
	    {"From: a@jatengprov.go.id\n", ""},
	    {"From: a@dinkes.jatengprov.go.id\n", ""},
	    {"From: a@kemenkeu.go.id\n", "sender_domain_not_agency"},
	};

	assert_non_null(c);
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autoptr(dispo_mail) m = mail_parse(cases[i].from);
		g_autoptr(GPtrArray) reasons = policy_reasons_new();
		policy_sender_check(m, c, NULL, reasons);
		assert_codes(reasons, cases[i].codes, cases[i].from);
	}
}

/* ---- Authentication-Results, read --------------------------------------- */

/* "id|method=result{prop,prop};…" */
static char *
authres_dump(const dispo_authres *ar)
{
	GString *s = g_string_new(ar->authserv_id);

	g_string_append_c(s, '|');
	for (guint i = 0; i < ar->results->len; i++) {
		const dispo_authres_result *r = ar->results->pdata[i];
		g_string_append_printf(s, "%s%s=%s{", i ? ";" : "", r->method, r->result);
		for (guint j = 0; j < r->properties->len; j++)
			g_string_append_printf(s, "%s%s", j ? "," : "",
			                       (char *)r->properties->pdata[j]);
		g_string_append_c(s, '}');
	}
	return g_string_free(s, false);
}

static void
test_authres_parse(void **state)
{
	(void)state;
	static const struct {
		const char *name;
		const char *value;
		const char *dump; /* NULL: unreadable */
	} cases[] = {
	    {"Gmail",
	     "mx.google.com;       dkim=pass header.i=@kuduskab.go.id header.s=selector1 "
	     "header.b=Xy12+/ab;       arc=pass (i=1 spf=pass spfdomain=kuduskab.go.id dkim=pass "
	     "dkdomain=kuduskab.go.id dmarc=pass fromdomain=kuduskab.go.id);       spf=pass "
	     "(google.com: domain of budi@kuduskab.go.id designates 203.0.113.5 as permitted "
	     "sender) smtp.mailfrom=budi@kuduskab.go.id;       dmarc=pass (p=QUARANTINE "
	     "sp=QUARANTINE dis=NONE) header.from=kuduskab.go.id",
	     "mx.google.com|dkim=pass{header.i=@kuduskab.go.id,header.s=selector1,header.b=Xy12+/"
	     "ab};arc=pass{};spf=pass{smtp.mailfrom=budi@kuduskab.go.id};dmarc=pass{header.from="
	     "kuduskab.go.id}"},
	    {"Microsoft 365 (no authserv-id)",
	     "spf=pass (sender IP is 40.107.22.53) smtp.mailfrom=kuduskab.go.id; dkim=pass "
	     "(signature was verified) header.d=kuduskab.go.id;dmarc=pass action=none "
	     "header.from=kuduskab.go.id;compauth=pass reason=100",
	     "|spf=pass{smtp.mailfrom=kuduskab.go.id};dkim=pass{header.d=kuduskab.go.id};dmarc="
	     "pass{action=none,header.from=kuduskab.go.id};compauth=pass{reason=100}"},
	    {"OpenDKIM",
	     "mx.kuduskab.go.id; dkim=pass (2048-bit key; unprotected) header.d=kuduskab.go.id "
	     "header.i=@kuduskab.go.id header.a=rsa-sha256 header.s=default header.b=AbCd1234;",
	     "mx.kuduskab.go.id|dkim=pass{header.d=kuduskab.go.id,header.i=@kuduskab.go.id,header."
	     "a="
	     "rsa-sha256,header.s=default,header.b=AbCd1234}"},
	    {"OpenDMARC",
	     "mx.kuduskab.go.id; dmarc=pass (p=reject dis=none) header.from=kuduskab.go.id",
	     "mx.kuduskab.go.id|dmarc=pass{header.from=kuduskab.go.id}"},
	    {"policyd-spf",
	     "mx.kuduskab.go.id; spf=pass (sender SPF authorized) smtp.mailfrom=kuduskab.go.id "
	     "(client-ip=203.0.113.5; helo=mail.kuduskab.go.id; envelope-from=budi@kuduskab.go.id; "
	     "receiver=<UNKNOWN>)",
	     "mx.kuduskab.go.id|spf=pass{smtp.mailfrom=kuduskab.go.id}"},
	    {"Zimbra (amavisd-new)",
	     "mail.kuduskab.go.id (amavisd-new); dkim=pass (2048-bit key) reason=\"pass (just "
	     "generated, assumed good)\" header.d=kuduskab.go.id",
	     "mail.kuduskab.go.id|dkim=pass{reason=pass (just generated, assumed "
	     "good),header.d=kuduskab.go.id}"},
	    {"rspamd",
	     "mx.kuduskab.go.id; dkim=pass header.d=kuduskab.go.id header.s=dkim header.b=\"a b\"; "
	     "spf=softfail (mx.kuduskab.go.id: domain of budi@kuduskab.go.id does not designate "
	     "203.0.113.9 as permitted sender) smtp.mailfrom=budi@kuduskab.go.id; dmarc=pass "
	     "(policy=reject) header.from=kuduskab.go.id",
	     "mx.kuduskab.go.id|dkim=pass{header.d=kuduskab.go.id,header.s=dkim,header.b=a "
	     "b};spf=softfail{smtp.mailfrom=budi@kuduskab.go.id};dmarc=pass{header.from=kuduskab."
	     "go."
	     "id}"},
	    {"none", "mx.kuduskab.go.id 1; none", "mx.kuduskab.go.id|"},
	    {"none with a comment", "mx.kuduskab.go.id (v1) ; none (no checks)",
	     "mx.kuduskab.go.id|"},
	    {"none beside a result", "mx.kuduskab.go.id; none; dkim=pass header.d=kuduskab.go.id",
	     NULL},
	    {"upper case, version, nested comments, spaces everywhere",
	     "MX.KUDUSKAB.GO.ID 1 (a (nested (deep)) comment); DKIM/1 = PASS (good) Header . D = "
	     "Kuduskab.GO.ID",
	     "mx.kuduskab.go.id|dkim=pass{header.d=Kuduskab.GO.ID}"},
	    {"quoted authserv-id", "\"mx.kuduskab.go.id\"; dmarc=pass",
	     "mx.kuduskab.go.id|dmarc=pass{}"},
	    {"quoted reason with escapes",
	     "mx.kuduskab.go.id; dkim=fail reason=\"signature \\\"bad\\\" (body hash)\" "
	     "header.d=kuduskab.go.id",
	     "mx.kuduskab.go.id|dkim=fail{reason=signature \"bad\" (body "
	     "hash),header.d=kuduskab.go.id}"},
	    {"quoted local part",
	     "mx.kuduskab.go.id; spf=fail smtp.mailfrom=\"x;dmarc=pass\"@evil.example",
	     "mx.kuduskab.go.id|spf=fail{smtp.mailfrom=x;dmarc=pass@evil.example}"},
	    {"semicolon inside a comment",
	     "mx.kuduskab.go.id; spf=fail (sender \"x; dmarc=pass\" refused) "
	     "smtp.mailfrom=evil.example",
	     "mx.kuduskab.go.id|spf=fail{smtp.mailfrom=evil.example}"},
	    {"empty resinfos", "mx.kuduskab.go.id;; dmarc=pass;", "mx.kuduskab.go.id|dmarc=pass{}"},
	    {"empty", "", NULL},
	    {"only a comment", "  (nothing) ", NULL},
	    {"only a semicolon", ";", NULL},
	    {"no results", "mx.kuduskab.go.id", NULL},
	    {"method without result", "mx.kuduskab.go.id; dkim", NULL},
	    {"property without value", "mx.kuduskab.go.id; dkim=pass header.d", NULL},
	    {"unclosed comment", "mx.kuduskab.go.id; dkim=pass (2048-bit key", NULL},
	    {"unclosed quote", "mx.kuduskab.go.id; dkim=pass reason=\"oops", NULL},
	    {"method version without digits", "mx.kuduskab.go.id; dkim/=pass", NULL},
	    {"not UTF-8", "mx.kuduskab.go.id; dkim=pass header.d=\xff\xfe", NULL},
	    {"stray text", "mx.kuduskab.go.id; dkim=pass header.d=kuduskab.go.id garbage", NULL},
	};

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autoptr(dispo_authres) ar = policy_authres_parse(cases[i].value);
		g_autofree char *dump = ar ? authres_dump(ar) : NULL;
		if (g_strcmp0(dump, cases[i].dump) != 0)
			fail_msg("%s: got %s, want %s", cases[i].name, dump ? dump : "NULL",
			         cases[i].dump ? cases[i].dump : "NULL");
	}
	assert_null(policy_authres_parse(NULL));
	policy_authres_free(NULL);
}

static void
test_authres_property(void **state)
{
	(void)state;
	g_autoptr(dispo_authres) ar = policy_authres_parse(
	    "mx.kuduskab.go.id; dkim=pass header.d=kuduskab.go.id header.dd=x header.b=a=b");
	const dispo_authres_result *r;

	assert_non_null(ar);
	r = ar->results->pdata[0];
	assert_string_equal(policy_authres_property(r, "header.d"), "kuduskab.go.id");
	assert_string_equal(policy_authres_property(r, "HEADER.D"), "kuduskab.go.id");
	assert_string_equal(policy_authres_property(r, "header.dd"), "x");
	assert_string_equal(policy_authres_property(r, "header.b"), "a=b");
	assert_null(policy_authres_property(r, "header"));
	assert_null(policy_authres_property(r, "header.i"));
	assert_null(policy_authres_property(r, ""));
	assert_null(policy_authres_property(NULL, "header.d"));
}

/* Hostile fields: bounded work, no crash, a verdict. */
static void
test_authres_hostile(void **state)
{
	(void)state;
	GString *s = g_string_new("mx.kuduskab.go.id; ");
	g_autofree char *opens = g_strnfill(200000, '(');
	g_autoptr(dispo_authres) deep = NULL;
	g_autoptr(dispo_authres) many = NULL;
	g_autoptr(dispo_authres) props = NULL;
	g_autoptr(dispo_authres) open = policy_authres_parse(opens);

	assert_null(open);
	/* 5000 closed levels of comment are fine */
	for (int i = 0; i < 5000; i++)
		g_string_append_c(s, '(');
	for (int i = 0; i < 5000; i++)
		g_string_append_c(s, ')');
	g_string_append(s, " dmarc=pass");
	deep = policy_authres_parse(s->str);
	assert_non_null(deep);
	assert_int_equal(deep->results->len, 1);

	g_string_assign(s, "mx.kuduskab.go.id");
	for (int i = 0; i < 65; i++)
		g_string_append(s, "; dkim=pass");
	many = policy_authres_parse(s->str);
	assert_null(many);

	g_string_assign(s, "mx.kuduskab.go.id; dkim=pass");
	for (int i = 0; i < 33; i++)
		g_string_append(s, " header.d=x");
	props = policy_authres_parse(s->str);
	assert_null(props);

	g_string_assign(s, "mx.kuduskab.go.id; dkim=pass header.b=");
	for (int i = 0; i < (70 << 10); i++)
		g_string_append_c(s, 'A');
	assert_null(policy_authres_parse(s->str));
	g_string_free(s, true);
}

/* ---- the authentication verdict ------------------------------------------ */

#define AR "Authentication-Results: "

static void
test_auth(void **state)
{
	(void)state;
	static const struct {
		const char *name;
		const char *headers; /* Authentication-Results lines */
		const char *from_domain;
		bool require;
		const char *trusted; /* NULL: TRUSTED */
		const char *codes;
	} cases[] = {
	    {"Postfix + OpenDKIM + OpenDMARC",
	     AR "mx.kuduskab.go.id; dkim=pass (2048-bit key; unprotected) header.d=kuduskab.go.id "
	        "header.i=@kuduskab.go.id header.s=default header.b=AbCd1234;\n" AR
	        "mx.kuduskab.go.id; dmarc=pass (p=reject dis=none) header.from=kuduskab.go.id\n",
	     "kuduskab.go.id", true, NULL, ""},
	    {"DMARC fail",
	     AR "mx.kuduskab.go.id; dmarc=fail (p=reject dis=none) header.from=kuduskab.go.id\n",
	     "kuduskab.go.id", true, NULL, "auth_fail"},
	    {"forged pass beside a trusted fail",
	     AR "mx.kuduskab.go.id; spf=fail smtp.mailfrom=evil.example; dmarc=fail "
	        "header.from=kuduskab.go.id\n" AR
	        "mx.kudusk4b.go.id; dmarc=pass header.from=kuduskab.go.id\n" AR
	        "mx.kuduskab.go.id.evil.example; dkim=pass header.d=kuduskab.go.id\n",
	     "kuduskab.go.id", true, NULL, "auth_fail"},
	    {"forged pass only", AR "mx.google.com; dmarc=pass header.from=kuduskab.go.id\n",
	     "kuduskab.go.id", true, NULL, "auth_missing"},
	    {"no field", "", "kuduskab.go.id", true, NULL, "auth_missing"},
	    {"not required, no field", "", "kuduskab.go.id", false, NULL, ""},
	    {"not required, failing field", AR "mx.kuduskab.go.id; dmarc=fail\n", "kuduskab.go.id",
	     false, NULL, ""},
	    {"Microsoft 365 without authserv-id",
	     AR "spf=pass (sender IP is 40.107.22.53) smtp.mailfrom=kuduskab.go.id; dkim=pass "
	        "(signature was verified) header.d=kuduskab.go.id;dmarc=pass action=none "
	        "header.from=kuduskab.go.id;compauth=pass reason=100\n",
	     "kuduskab.go.id", true, NULL, "auth_missing"},
	    {"aligned DKIM, no DMARC",
	     AR "mx.kuduskab.go.id; dkim=pass header.d=kuduskab.go.id; spf=fail "
	        "smtp.mailfrom=bounce.example\n",
	     "kuduskab.go.id", true, NULL, ""},
	    {"DKIM of another domain", AR "mx.kuduskab.go.id; dkim=pass header.d=gmail.com\n",
	     "kuduskab.go.id", true, NULL, "auth_fail"},
	    {"DKIM of a sibling agency",
	     AR "mx.kuduskab.go.id; dkim=pass header.d=jatengprov.go.id\n", "kuduskab.go.id", true,
	     NULL, "auth_fail"},
	    {"DKIM of go.id itself", AR "mx.kuduskab.go.id; dkim=pass header.d=go.id\n",
	     "kuduskab.go.id", true, NULL, "auth_fail"},
	    {"DKIM of the parent agency",
	     AR "mx.kuduskab.go.id; dkim=pass header.d=kuduskab.go.id\n", "dinkes.kuduskab.go.id",
	     true, NULL, ""},
	    {"DKIM of a unit of the agency",
	     AR "mx.kuduskab.go.id; dkim=pass header.d=mail.kuduskab.go.id\n",
	     "dinkes.kuduskab.go.id", true, NULL, ""},
	    {"DKIM identity only",
	     AR "mx.kuduskab.go.id; dkim=pass header.i=budi@KUDUSKAB.GO.ID.\n", "kuduskab.go.id",
	     true, NULL, ""},
	    {"DKIM fail",
	     AR "mx.kuduskab.go.id; dkim=fail (bad signature) header.d=kuduskab.go.id\n",
	     "kuduskab.go.id", true, NULL, "auth_fail"},
	    {"DMARC pass for another From domain",
	     AR "mx.kuduskab.go.id; dmarc=pass header.from=gmail.com\n", "kuduskab.go.id", true,
	     NULL, "auth_fail"},
	    {"upper case", AR "MX.KUDUSKAB.GO.ID; DMARC=PASS header.from=KUDUSKAB.GO.ID\n",
	     "kuduskab.go.id", true, NULL, ""},
	    {"version and comments",
	     AR "mx.kuduskab.go.id 1 (postfix (3.7)); dkim/1 = pass (ok) header . d = "
	        "kuduskab.go.id\n",
	     "kuduskab.go.id", true, NULL, ""},
	    {"none", AR "mx.kuduskab.go.id 1; none\n", "kuduskab.go.id", true, NULL, "auth_fail"},
	    {"several trusted fields, one pass",
	     AR "mx.kuduskab.go.id; dkim=fail header.d=kuduskab.go.id\n" AR
	        "mx.kuduskab.go.id; dmarc=pass header.from=kuduskab.go.id\n",
	     "kuduskab.go.id", true, NULL, ""},
	    {"trusted field unreadable", AR "mx.kuduskab.go.id; dmarc=pass (unclosed\n",
	     "kuduskab.go.id", true, NULL, "auth_fail"},
	    {"injection through a quoted local part",
	     AR "mx.kuduskab.go.id; spf=fail smtp.mailfrom=\"x;dmarc=pass\"@evil.example\n",
	     "kuduskab.go.id", true, NULL, "auth_fail"},
	    {"Zimbra with amavisd-new",
	     AR "mail.kuduskab.go.id (amavisd-new); dkim=pass (2048-bit key) reason=\"pass (just "
	        "generated, assumed good)\" header.d=kuduskab.go.id\n",
	     "kuduskab.go.id", true, "Mail.Kuduskab.Go.Id", ""},
	    {"Gmail as the trusted host",
	     AR "mx.google.com; dkim=pass header.i=@kuduskab.go.id header.s=selector1 "
	        "header.b=Xy12; spf=pass smtp.mailfrom=budi@kuduskab.go.id; dmarc=pass "
	        "(p=QUARANTINE sp=QUARANTINE dis=NONE) header.from=kuduskab.go.id\n",
	     "kuduskab.go.id", true, "mx.google.com", ""},
	    {"no trusted id configured", AR "mx.kuduskab.go.id; dmarc=pass\n", "kuduskab.go.id",
	     true, "", "auth_missing"},
	};

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		/* The fields as the trusted host writes them: above its own
		 * Received: (placement has its own test below). */
		const char *host =
		    cases[i].trusted && *cases[i].trusted ? cases[i].trusted : TRUSTED;
		g_autofree char *headers = g_strconcat(
		    cases[i].headers,
		    "Received: from mail.jatengprov.go.id (mail.jatengprov.go.id "
		    "[103.147.8.20])\n\tby ",
		    host,
		    " (Postfix) with ESMTPS id 4QxK2m1Zz3\n\tfor <sertifikat@kuduskab.go.id>; "
		    "Mon,  7 Dec 2026 08:01:02 +0700 (WIB)\nFrom: Budi <budi@",
		    cases[i].from_domain, ">\n", NULL);
		g_autofree char *address = g_strconcat("budi@", cases[i].from_domain, NULL);
		g_autoptr(dispo_mail) m = mail_parse(headers);
		g_autoptr(GPtrArray) reasons = policy_reasons_new();
		dispo_config config = {.require_authentication = cases[i].require,
		                       .trusted_authserv_id =
		                           (char *)(cases[i].trusted ? cases[i].trusted : TRUSTED)};
		bool ok = policy_auth_check(m, address, &config, reasons);
		assert_codes(reasons, cases[i].codes, cases[i].name);
		assert_int_equal(ok, !*cases[i].codes);
	}
}

/* Where the fields sit decides whose they are (RFC 8601 section 5): only
 * those above the trusted host's topmost Received: are its own. Each case
 * is a whole header block, top first, as it reaches the mailbox. */
#define RCV_MX                                                                                     \
	"Received: from mail.jatengprov.go.id (mail.jatengprov.go.id [103.147.8.20])\n"            \
	"\t(using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits))\n"                    \
	"\tby mx.kuduskab.go.id (Postfix) with ESMTPS id 4QxK2m1Zz3\n"                             \
	"\tfor <sertifikat@kuduskab.go.id>; Mon,  7 Dec 2026 08:01:02 +0700 (WIB)\n"
#define RCV_LMTP                                                                                   \
	"Received: from mx.kuduskab.go.id\n\tby imap.kuduskab.go.id with LMTP\n"                   \
	"\tid 84AGImIAFmvRMAAAg+zDdQ\n\t(envelope-from <budi@kuduskab.go.id>)\n"                   \
	"\tfor <sertifikat@kuduskab.go.id>; Mon, 07 Dec 2026 08:01:03 +0700\n"
#define RCV_SENDER                                                                                 \
	"Received: from [10.20.1.7] (unknown [10.20.1.7])\n\tby mail.jatengprov.go.id (Postfix) "  \
	"with ESMTPSA id 9AB12; Mon,  7 Dec 2026 08:00:58 +0700 (WIB)\n"
#define AR_PASS      AR "mx.kuduskab.go.id; dmarc=pass (p=reject dis=none) header.from=kuduskab.go.id\n"
#define AR_FAIL      AR "mx.kuduskab.go.id; dmarc=fail (p=none dis=none) header.from=kuduskab.go.id\n"
#define AR_DKIM_NONE AR "mx.kuduskab.go.id; dkim=none; dkim-atps=neutral\n"

static void
test_auth_placement(void **state)
{
	(void)state;
	static const struct {
		const char *name;
		const char *headers;
		const char *codes;
	} cases[] = {
	    /* The attack of the issue: the sender writes a pass, our MX adds
	     * its real fail on top. Both orders. */
	    {"forged pass below the MX's fail", AR_FAIL RCV_MX AR_PASS RCV_SENDER, "auth_fail"},
	    {"forged pass below, no verdict above", AR_DKIM_NONE RCV_MX AR_PASS, "auth_fail"},
	    {"forged pass only, below", RCV_MX AR_PASS RCV_SENDER, "auth_missing"},
	    {"real pass above, forged fail below", AR_PASS RCV_MX AR_FAIL RCV_SENDER, ""},
	    /* MX then LMTP into the mailbox: the LMTP hop names the MX only
	     * in "from", so the MX's own Received: is still the boundary. */
	    {"MX then LMTP, pass", RCV_LMTP AR_PASS RCV_MX RCV_SENDER, ""},
	    {"MX then LMTP, forged below", RCV_LMTP AR_FAIL RCV_MX AR_PASS, "auth_fail"},
	    {"two passes through the MX, the later boundary wins", RCV_LMTP RCV_MX AR_PASS RCV_MX,
	     "auth_missing"},
	    {"right id, no trusted Received", AR_PASS RCV_SENDER, "auth_missing"},
	    {"right id, no Received at all", AR_PASS, "auth_missing"},
	    {"a Received by a lookalike host is not ours",
	     AR_PASS
	     "Received: from x by mx.kuduskab.go.id.evil.example with ESMTP id 1; Mon, 7 Dec "
	     "2026 08:00:00 +0700\n",
	     "auth_missing"},
	    {"our host's Received unreadable: nothing below counts",
	     "Received: from x (unclosed by mx.kuduskab.go.id with ESMTP; Mon, 7 Dec 2026\n" RCV_MX
	         AR_PASS,
	     "auth_missing"},
	    /* Authenticated submission (Postfix smtpd_sasl_authenticated_header). */
	    {"SASL user is the From address",
	     "Received: from client.example (unknown [10.20.1.7])\n\t(using TLSv1.3 with cipher "
	     "TLS_AES_256_GCM_SHA384 (256/256 bits))\n\t(No client certificate requested)\n"
	     "\t(Authenticated sender: budi@kuduskab.go.id)\n\tby mx.kuduskab.go.id (Postfix) with "
	     "ESMTPSA id 6C040A72175\n\tfor <sertifikat@kuduskab.go.id>; Mon,  7 Dec 2026 08:40:02 "
	     "+0700 (WIB)\n",
	     ""},
	    {"SASL user is someone else",
	     "Received: from client.example (unknown [10.20.1.7])\n\t(Authenticated sender: "
	     "kadis@kuduskab.go.id)\n\tby mx.kuduskab.go.id (Postfix) with ESMTPSA id 6C0; Mon,  7 "
	     "Dec 2026 08:40:02 +0700\n",
	     "auth_fail"},
	    {"Authenticated sender without AUTH in the protocol",
	     "Received: from client.example (unknown [10.20.1.7])\n\t(Authenticated sender: "
	     "budi@kuduskab.go.id)\n\tby mx.kuduskab.go.id (Postfix) with ESMTPS id 6C0; Mon,  7 "
	     "Dec 2026 08:40:02 +0700\n",
	     "auth_missing"},
	    {"Authenticated sender in the HELO name",
	     "Received: from x (Authenticated sender: budi@kuduskab.go.id) (unknown [10.20.1.7])\n"
	     "\tby mx.kuduskab.go.id (Postfix) with ESMTPSA id 6C0; Mon,  7 Dec 2026 08:40:02 "
	     "+0700\n",
	     "auth_missing"},
	    {"Authenticated sender in a lower, forged Received",
	     RCV_MX "Received: from x (unknown [10.20.1.7])\n\t(Authenticated sender: "
	            "budi@kuduskab.go.id)\n\tby mx.kuduskab.go.id (Postfix) with ESMTPSA id 6C0; "
	            "Mon,  7 Dec 2026 08:40:02 +0700\n",
	     "auth_missing"},
	    {"Authenticated sender in the recipient",
	     "Received: from x (unknown [10.20.1.7])\n\tby mx.kuduskab.go.id (Postfix) with "
	     "ESMTPSA "
	     "id 6C0\n\tfor <\"(Authenticated sender: budi@kuduskab.go.id)\"@kuduskab.go.id>; Mon, "
	     " 7 Dec 2026 08:40:02 +0700\n",
	     "auth_missing"},
	    /* RFC 8601 auth method, as Exim or Rspamd write it. */
	    {"auth=pass as the From address",
	     AR "mx.kuduskab.go.id; auth=pass (PLAIN) smtp.auth=budi@kuduskab.go.id\n" RCV_MX, ""},
	    {"auth=pass, upper case login",
	     AR "mx.kuduskab.go.id; auth=pass smtp.auth=Budi@KUDUSKAB.go.id\n" RCV_MX, ""},
	    {"auth=pass as another user",
	     AR "mx.kuduskab.go.id; auth=pass smtp.auth=kadis@kuduskab.go.id\n" RCV_MX,
	     "auth_fail"},
	    {"auth=pass with a bare login name",
	     AR "mx.kuduskab.go.id; auth=pass smtp.auth=budi\n" RCV_MX, "auth_fail"},
	    {"auth=fail", AR "mx.kuduskab.go.id; auth=fail smtp.auth=budi@kuduskab.go.id\n" RCV_MX,
	     "auth_fail"},
	    {"auth=pass forged below",
	     RCV_MX AR "mx.kuduskab.go.id; auth=pass "
	               "smtp.auth=budi@kuduskab.go.id\n",
	     "auth_missing"},
	    /* A HELO of "[]by[]x" (Postfix leaves brackets alone) must not
	     * make our MX's hop read as someone else's, so that the search
	     * goes on into the forger's own Received: and fields. */
	    {"bracketed HELO hides our hop",
	     AR_DKIM_NONE
	     "Received: from []by[]x (unknown [198.51.100.23])\n\tby mx.kuduskab.go.id "
	     "(Postfix) with ESMTP id 4Qx; Mon,  7 Dec 2026 08:01:02 +0700\n" AR_PASS
	     "Received: from x by mx.kuduskab.go.id with ESMTP id 1; Mon, 7 Dec 2026 "
	     "07:00:00 +0700\n",
	     "auth_fail"},
	    {"bracketed HELO and a forged SASL hop",
	     "Received: from [1.2.3.4]by[x] (unknown [198.51.100.23])\n\tby mx.kuduskab.go.id "
	     "(Postfix) with ESMTP id 4Qx; Mon,  7 Dec 2026 08:01:02 +0700\nReceived: from pc "
	     "(unknown [10.0.0.1]) (Authenticated sender: budi@kuduskab.go.id) by "
	     "mx.kuduskab.go.id (Postfix) with ESMTPSA id 1; Mon, 7 Dec 2026 07:00:00 +0700\n",
	     "auth_missing"},
	    {"neutralized HELO",
	     AR_FAIL "Received: from x?y (unknown [198.51.100.23]) by "
	             "mx.kuduskab.go.id (Postfix) with ESMTP id 4Qx; x\n" AR_PASS,
	     "auth_fail"},
	    /* One box: Dovecot's LMTP hop is written under the MX's own name. */
	    {"LMTP by the MX itself",
	     "Received: from mx.kuduskab.go.id\n\tby mx.kuduskab.go.id with "
	     "LMTP id 84AG; Mon, 07 Dec 2026 08:01:03 +0700\n" AR_PASS RCV_MX AR_FAIL RCV_SENDER,
	     ""},
	    {"LMTP by the MX itself, forged below",
	     "Received: from mx.kuduskab.go.id\n\tby mx.kuduskab.go.id with LMTP id 84AG; "
	     "x\n" AR_FAIL RCV_MX AR_PASS,
	     "auth_fail"},
	    /* A content filter: re-injected on loopback, the milters' fields
	     * below the re-injection, above the hop from the Internet. */
	    {"amavis re-injection",
	     "Received: from localhost (localhost [127.0.0.1])\n\tby mx.kuduskab.go.id (Postfix) "
	     "with ESMTP id 7B2; x\nX-Virus-Scanned: amavisd-new at kuduskab.go.id\nReceived: from "
	     "mx.kuduskab.go.id ([127.0.0.1])\n\tby localhost (mx.kuduskab.go.id [127.0.0.1]) "
	     "(amavisd-new, port 10024)\n\twith ESMTP id aBc; x\n" AR_PASS RCV_MX AR_FAIL,
	     ""},
	    {"a forger's loopback hop below ours does not extend the chain",
	     AR_DKIM_NONE RCV_MX "Received: from localhost (localhost [127.0.0.1]) by "
	                         "mx.kuduskab.go.id with ESMTP id 9; x\n" AR_PASS,
	     "auth_fail"},
	    {"a HELO of localhost is not loopback",
	     AR_DKIM_NONE "Received: from localhost (unknown [198.51.100.23]) by mx.kuduskab.go.id "
	                  "(Postfix) with ESMTP id 4Qx; x\n" AR_PASS RCV_MX,
	     "auth_fail"},
	    /* What a milter copies from an odd From must not add a verdict. */
	    {"injected second result in one field",
	     AR "mx.kuduskab.go.id; dmarc=none (p=none dis=none) header.from=[x;dmarc=pass "
	        "header.from=kuduskab.go.id reason=]\n" RCV_MX,
	     "auth_fail"},
	    {"DMARC fail outweighs an aligned DKIM pass",
	     AR "mx.kuduskab.go.id; dkim=pass header.d=dinkes.kuduskab.go.id\n" AR_FAIL RCV_MX,
	     "auth_fail"},
	    {"DMARC pass names no From domain", AR "mx.kuduskab.go.id; dmarc=pass\n" RCV_MX,
	     "auth_fail"},
	    {"DMARC fail does not outweigh an authenticated submission",
	     AR_FAIL "Received: from pc (unknown [10.20.1.7]) (Authenticated sender: "
	             "budi@kuduskab.go.id) by mx.kuduskab.go.id (Postfix) with ESMTPSA id 6C0; x\n",
	     ""},
	};

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autofree char *headers =
		    g_strconcat(cases[i].headers, "From: Budi <budi@kuduskab.go.id>\n", NULL);
		g_autoptr(dispo_mail) m = mail_parse(headers);
		g_autoptr(GPtrArray) reasons = policy_reasons_new();
		dispo_config config = {.require_authentication = true,
		                       .trusted_authserv_id = (char *)"MX.Kuduskab.go.id"};
		bool ok = policy_auth_check(m, "budi@kuduskab.go.id", &config, reasons);
		assert_codes(reasons, cases[i].codes, cases[i].name);
		if (ok != !*cases[i].codes)
			fail_msg("%s: check returned %d", cases[i].name, ok);
	}
}

static void
assert_string_equal_or_null(const char *got, const char *want)
{
	if (g_strcmp0(got, want) != 0)
		fail_msg("got %s, want %s", got ? got : "NULL", want ? want : "NULL");
}

static void
test_received_parse(void **state)
{
	(void)state;
	static const struct {
		const char *value;
		const char *from, *by, *with, *auth;
	} cases[] = {
	    {"from mail.jatengprov.go.id (mail.jatengprov.go.id [103.147.8.20]) by "
	     "mx.kuduskab.go.id "
	     "(Postfix) with ESMTPS id 4Qx for <a@b>; Mon, 7 Dec 2026 08:01:02 +0700",
	     "mail.jatengprov.go.id", "mx.kuduskab.go.id", "ESMTPS", NULL},
	    {"from client (unknown [10.0.0.1]) (Authenticated sender: budi@kuduskab.go.id) by "
	     "MX.Kuduskab.Go.Id. (Postfix) with ESMTPSA id 6C0; Mon, 7 Dec 2026 08:40:02 +0700",
	     "client", "mx.kuduskab.go.id", "ESMTPSA", "budi@kuduskab.go.id"},
	    {"from mx.kuduskab.go.id by imap.kuduskab.go.id with LMTP id 84AG (envelope-from "
	     "<b@k>) for <s@k>; Mon, 07 Dec 2026 08:01:03 +0700",
	     "mx.kuduskab.go.id", "imap.kuduskab.go.id", "LMTP", NULL},
	    {"from EXCH01.kuduskab.local (10.1.1.5) by EXCH02.kuduskab.local (10.1.1.6) with "
	     "Microsoft SMTP Server (version=TLS1_2, cipher=TLS_ECDHE_RSA) id 15.1.2507.6; Mon, 7 "
	     "Dec 2026 01:00:00 +0000",
	     "exch01.kuduskab.local", "exch02.kuduskab.local", "Microsoft", NULL},
	    {"by mx.kuduskab.go.id (Postfix, from userid 0) id 5F1; Mon, 7 Dec 2026 08:00:00 +0700",
	     NULL, "mx.kuduskab.go.id", NULL, NULL},
	    {"(qmail 1234 invoked by uid 89); 7 Dec 2026 01:00:00 -0000", NULL, NULL, NULL, NULL},
	    {"from [103.1.2.3] (helo=pc) by mail.x.go.id with esmtpa (Exim 4.96) (envelope-from "
	     "<a@x.go.id>) id 1rA; Mon, 07 Dec 2026 08:00:00 +0700",
	     "[103.1.2.3]", "mail.x.go.id", "esmtpa", NULL},
	    /* the keyword "by" inside the from clause's comment is text */
	    {"from a (by mx.kuduskab.go.id) by relay.example with SMTP; x", "a", "relay.example",
	     "SMTP", NULL},
	    {"from PC-TU_07 (unknown [10.20.1.7]) by mx.kuduskab.go.id (Postfix) with ESMTPSA id "
	     "1; x",
	     "pc-tu_07", "mx.kuduskab.go.id", "ESMTPSA", NULL},
	    {"from [IPv6:2001:db8::1] (unknown [IPv6:2001:db8::1]) by mx.kuduskab.go.id with "
	     "ESMTP; x",
	     "[ipv6:2001:db8::1]", "mx.kuduskab.go.id", "ESMTP", NULL},
	};
	static const char *const unreadable[] = {
	    "from a (unclosed by b with SMTP; x",
	    "from a by b for <\"x>; y",
	    "from a) by b",
	    "from []by[]x (unknown [198.51.100.23]) by mx.kuduskab.go.id (Postfix) with ESMTP; x",
	    "from [1.2.3.4]by[mx.kuduskab.go.id] (unknown [1.2.3.4]) by mx (Postfix); x",
	    "from x?y (unknown [198.51.100.23]) by mx.kuduskab.go.id (Postfix) with ESMTP; x",
	    "from a b by c with SMTP; x",
	    "from a (x) by [1.2.3.4] with SMTP; x",
	    "from a (x); x",
	};

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autoptr(dispo_received) r = policy_received_parse(cases[i].value);
		assert_non_null(r);
		assert_string_equal_or_null(r->from, cases[i].from);
		assert_string_equal_or_null(r->by, cases[i].by);
		assert_string_equal_or_null(r->with, cases[i].with);
		assert_string_equal_or_null(r->auth_sender, cases[i].auth);
	}
	for (size_t i = 0; i < G_N_ELEMENTS(unreadable); i++)
		if (policy_received_parse(unreadable[i]))
			fail_msg("read: %s", unreadable[i]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_address),
	    cmocka_unit_test(test_sender),
	    cmocka_unit_test(test_sender_config),
	    cmocka_unit_test(test_authres_parse),
	    cmocka_unit_test(test_authres_property),
	    cmocka_unit_test(test_authres_hostile),
	    cmocka_unit_test(test_auth),
	    cmocka_unit_test(test_auth_placement),
	    cmocka_unit_test(test_received_parse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
