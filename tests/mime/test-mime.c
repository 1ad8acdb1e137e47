/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-mime.c: the parser against golden dumps of our own emails, HTML to
 * text (as mail clients write it around a form, hostile, and the shared
 * corpus' HTML-only mails), forwarded messages, References and NUL bytes,
 * every file of the shared MIME corpus, and a 50 MB attachment decoded to
 * disk without being held in memory (the limits are test-limits.c's). */
#include "config.h"

#include "mime/mime.h"

#include "testutil.h"

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

static const dispo_limits default_limits = DISPO_LIMITS_DEFAULT;

static GPtrArray *
files_with_suffix(const char *dir, const char *suffix)
{
	GPtrArray *out = g_ptr_array_new_with_free_func(g_free);
	GDir *d = g_dir_open(dir, 0, NULL);
	const char *name;

	assert_non_null(d);
	while ((name = g_dir_read_name(d)) != NULL)
		if (g_str_has_suffix(name, suffix))
			g_ptr_array_add(out, g_build_filename(dir, name, NULL));
	g_dir_close(d);
	return out;
}

static int
compare_paths(gconstpointer a, gconstpointer b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Each tests/mime/data/NN-*.eml parses to exactly its .golden dump, and the
 * attachments saved on disk hash to what the dump says. */
static void
test_golden_emails(void **state)
{
	char *dir = test_srcdir("tests/mime/data");
	GPtrArray *emls = files_with_suffix(dir, ".eml");
	char *scratch = test_tmpdir("golden");
	GTimeZone *utc = g_time_zone_new_utc();

	g_ptr_array_sort(emls, compare_paths);
	assert_true(emls->len >= 20);
	for (guint i = 0; i < emls->len; i++) {
		const char *path = emls->pdata[i];
		char *golden = g_strconcat(path, ".golden", NULL);
		GError *e = NULL;
		dispo_mail *m = mime_mail_parse_file(path, &default_limits, scratch, &e);
		char *dump;

		if (!m)
			fail_msg("%s: %s", path, e->message);
		dump = mime_mail_dump(m, utc);
		test_golden_compare(golden, dump);
		for (guint a = 0; a < m->attachments->len; a++) {
			const dispo_attachment *att = m->attachments->pdata[a];
			size_t len;
			char *data = test_read(att->path, &len);
			char hex[65];
			dispo_sha256_hex(data, len, hex);
			assert_int_equal(len, att->size);
			assert_string_equal(hex, att->sha256);
			g_free(data);
		}
		/* The dump is what a person reads: valid UTF-8, no NUL. */
		assert_true(g_utf8_validate(dump, -1, NULL));
		g_free(dump);
		g_free(golden);
		mime_mail_free(m);
	}
	g_time_zone_unref(utc);
	test_rm_rf(scratch);
	g_free(scratch);
	g_ptr_array_unref(emls);
	g_free(dir);
}

static void
test_unparseable(void **state)
{
	static const struct {
		const char *data;
		size_t len;
		const char *problem;
	} cases[] = {
	    {"", 0, "the file is empty"},
	    {"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16,
	     "does not begin with a header field (first bytes: \"\\x89PNG\")"},
	    {"Hello there, this is just text.\n", 32, "does not begin with a header field"},
	    {": no name\n\nbody", 16, "does not begin with a header field"},
	    {"From someone Mon Nov 23\n", 24, "nothing after the mbox From line"},
	};
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		dispo_mail *m =
		    mime_mail_parse_data(cases[i].data, cases[i].len, &default_limits, NULL, NULL);
		assert_non_null(m);
		assert_int_equal(m->status, DISPO_MAIL_UNPARSEABLE);
		if (!strstr(m->problem, cases[i].problem))
			fail_msg("case %zu: problem '%s', want '%s'", i, m->problem,
			         cases[i].problem);
		mime_mail_free(m);
	}
	/* A byte order mark and an mbox From_ line are not a problem. */
	{
		const char msg[] = "\xef\xbb\xbf"
		                   "From a@b Mon\nFrom: a@b\nSubject: ok\n\nbody\n";
		dispo_mail *m = mime_mail_parse_data(msg, strlen(msg), &default_limits, NULL, NULL);
		assert_int_equal(m->status, DISPO_MAIL_PARSED);
		assert_string_equal(m->subject, "ok");
		mime_mail_free(m);
	}
}

/* What reaches the store from a body or a name can be shown on a terminal
 * and in an email: no controls, no bidi overrides in names. */
static void
test_hostile_text(void **state)
{
	static const char msg[] =
	    "From: a@kuduskab.go.id\nSubject: x\nContent-Type: multipart/mixed; boundary=b\n\n"
	    "--b\nContent-Type: text/html; charset=utf-8\n\n<p>ok&#x9b;31m&#x85;end</p>\n"
	    "--b\nContent-Type: application/octet-stream\nContent-Disposition: attachment; "
	    "filename*=UTF-8''invoice%E2%80%AEfdp.exe\n\nMZ\n--b--\n";
	dispo_mail *m = mime_mail_parse_data(msg, strlen(msg), &default_limits, NULL, NULL);
	const dispo_attachment *a;

	assert_int_equal(m->status, DISPO_MAIL_PARSED);
	assert_true(m->body_from_html);
	assert_string_equal(m->body, "ok\xef\xbf\xbd"
	                             "31m\xef\xbf\xbd"
	                             "end\n");
	assert_int_equal(m->attachments->len, 1);
	a = m->attachments->pdata[0];
	assert_string_equal(a->filename, "invoice\xef\xbf\xbd"
	                                 "fdp.exe");
	mime_mail_free(m);
}

/* Each message forwarded as an attachment is described by its own header
 * block and keeps its own text apart from the forwarder's note; one
 * forwarded inside a forwarded one is not the forwarder's forward. */
static void
test_forwards(void **state)
{
	static const char msg[] =
	    "From: TU Dinkes <tu.dinkes@kuduskab.go.id>\nSubject: Fw: dua permohonan\n"
	    "Content-Type: multipart/mixed; boundary=o\n\n"
	    "--o\nContent-Type: text/plain\n\nMohon diproses.\n"
	    "--o\nContent-Type: message/rfc822\n\n"
	    "From: Budi Santoso <budi.santoso@kuduskab.go.id>\n"
	    "Subject: =?UTF-8?Q?Permohonan_=E2=80=93_Budi?=\nDate: Mon, 23 Nov 2026 08:00:00 "
	    "+0700\n"
	    "Message-ID: <budi-1@kuduskab.go.id>\n"
	    "Authentication-Results: mx.kuduskab.go.id; dmarc=pass\n"
	    "Content-Type: multipart/mixed; boundary=i\n\n"
	    "--i\nContent-Type: text/plain\n\nNama: Budi\nNIP: 198503122010011004\n"
	    "--i\nContent-Type: application/pdf; name=ktp.pdf\n\n%PDF-1.4\n"
	    "--i\nContent-Type: message/rfc822\n\nFrom: x@example.com\nSubject: lama\n\n"
	    "teks lama\n"
	    "--i--\n"
	    "--o\nContent-Type: message/rfc822\n\n"
	    "From: not an address\nSubject: kedua\nContent-Type: text/html\n\n"
	    "<p>Nama: <b>Rina</b></p>\n"
	    "--o--\n";
	dispo_mail *m = mime_mail_parse_data(msg, strlen(msg), &default_limits, NULL, NULL);
	const dispo_forward *f;

	assert_int_equal(m->status, DISPO_MAIL_PARSED);
	assert_int_equal(m->forwarded, 3);
	assert_int_equal(m->forwards->len, 2);
	f = m->forwards->pdata[0];
	assert_string_equal(f->part_id, "2");
	assert_int_equal(f->from->len, 1);
	assert_string_equal(((dispo_mailbox *)f->from->pdata[0])->address,
	                    "budi.santoso@kuduskab.go.id");
	assert_string_equal(((dispo_mailbox *)f->from->pdata[0])->name, "Budi Santoso");
	assert_string_equal(f->subject, "Permohonan \xe2\x80\x93 Budi");
	assert_string_equal(f->message_id, "budi-1@kuduskab.go.id");
	assert_int_equal(f->date, 1795395600);
	/* Its own text, the message forwarded inside it included, and never
	 * the forwarder's note. */
	assert_non_null(strstr(f->body, "Nama: Budi\nNIP: 198503122010011004\n"));
	assert_non_null(strstr(f->body, "teks lama"));
	assert_null(strstr(f->body, "Mohon diproses"));
	assert_false(f->body_from_html);
	f = m->forwards->pdata[1];
	assert_string_equal(f->part_id, "3");
	assert_int_equal(f->from->len, 0);
	assert_string_equal(f->subject, "kedua");
	assert_null(f->message_id);
	assert_int_equal(f->date, 0);
	assert_true(f->body_from_html);
	assert_non_null(strstr(f->body, "Rina"));
	/* The whole text still reads as before: the note, then each forwarded
	 * message below its header block. */
	assert_true(g_str_has_prefix(m->body, "Mohon diproses.\n"));
	assert_non_null(strstr(m->body, "---------- Forwarded message ----------\nFrom: Budi"));
	assert_non_null(strstr(m->body, "Nama: Budi"));
	assert_non_null(strstr(m->body, "Rina"));
	assert_true(m->body_from_html);
	assert_int_equal(m->attachments->len, 1);
	assert_int_equal(((dispo_attachment *)m->attachments->pdata[0])->depth, 1);
	mime_mail_free(m);

	/* A plain message forwards nothing. */
	m = mime_mail_parse_data("From: a@b\n\nhi\n", 15, &default_limits, NULL, NULL);
	assert_int_equal(m->forwards->len, 0);
	mime_mail_free(m);
}

/* References as long threads have them, after many clients: every id
 * between angle brackets counts, whatever stands between them (GMime's
 * reader stops at the first id without '@' or after a comma). */
static void
test_references(void **state)
{
	static const struct {
		const char *value;
		const char *ids; /* joined with spaces */
	} cases[] = {
	    {"<a@b> <c@d>", "a@b c@d"},
	    {"<a@b> <nodomain> <c@d>", "a@b nodomain c@d"},
	    {"<a@b>, <c@d>,<e@f>", "a@b c@d e@f"},
	    {"<a@b> (dari Notes <x@y>) garbage <c@d>", "a@b x@y c@d"},
	    {"<a@b><c@d>", "a@b c@d"},
	    {"a@b, c@d kata", "a@b c@d"},
	    {"<> < > <a@b", "a@b"},
	    {"tanpa id", ""},
	};
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autofree char *msg = g_strdup_printf(
		    "From: a@kuduskab.go.id\nReferences: %s\nSubject: x\n\nSETUJU\n",
		    cases[i].value);
		dispo_mail *m = mime_mail_parse_data(msg, strlen(msg), &default_limits, NULL, NULL);
		g_ptr_array_add(m->references, NULL);
		{
			g_autofree char *got = g_strjoinv(" ", (char **)m->references->pdata);
			if (strcmp(got, cases[i].ids) != 0)
				fail_msg("case %zu: '%s' gave '%s', want '%s'", i, cases[i].value,
				         got, cases[i].ids);
		}
		g_ptr_array_remove_index(m->references, m->references->len - 1);
		mime_mail_free(m);
	}
}

/* A NUL is data wherever it hides: raw, =00, base64, U+0000 of UTF-16, in an
 * HTML part or a prologue, in a header. It reads as U+FFFD and the text
 * after it is kept, so "SETUJU\0 TOLAK" shows both commands. */
static void
test_nul_text(void **state)
{
#define HEAD     "From: Kepala Dinas <kadis@kuduskab.go.id>\nSubject: RE: [SE-2026-000001]\n"
#define NUL_BODY "SETUJU\xef\xbf\xbd\nTOLAK tidak lengkap\n"
	static const struct {
		const char *msg;
		size_t len;
		const char *body;
		const char *subject; /* NULL: the one of HEAD */
		const char *name;    /* the From display name, NULL: Kepala Dinas */
	} cases[] = {
#define C(m) m, sizeof m - 1
	    {C(HEAD "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n"
	            "SETUJU\0\nTOLAK tidak lengkap\n"),
	     NUL_BODY, NULL, NULL},
	    {C(HEAD "Content-Type: text/plain; charset=utf-8\n\nSETUJU\0 TOLAK tidak lengkap\n"),
	     "SETUJU\xef\xbf\xbd TOLAK tidak lengkap\n", NULL, NULL},
	    /* UTF-8 with a NUL is still UTF-8, not cp1252. */
	    {C(HEAD "Content-Type: text/plain\n\nSetuju, caf\xc3\xa9\0\n"),
	     "Setuju, caf\xc3\xa9\xef\xbf\xbd\n", NULL, NULL},
	    {C(HEAD "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: "
	            "quoted-printable\n\nSETUJU=00=0ATOLAK tidak lengkap\n"),
	     NUL_BODY, NULL, NULL},
	    {C(HEAD "Content-Type: text/plain; charset=windows-1252\nContent-Transfer-Encoding: "
	            "quoted-printable\n\nSETUJU=00=0ATOLAK tidak lengkap\n"),
	     NUL_BODY, NULL, NULL},
	    {C(HEAD "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\n"
	            "U0VUVUpVAApUT0xBSyB0aWRhayBsZW5na2FwCg==\n"),
	     NUL_BODY, NULL, NULL},
	    {C(HEAD "Content-Type: text/plain; charset=utf-16le\nContent-Transfer-Encoding: "
	            "base64\n\nUwBFAFQAVQBKAFUAAAAKAFQATwBMAEEASwAgAHQAaQBkAGEAawAgAGwAZQBuAGcAawBh"
	            "AHAACgA=\n"),
	     NUL_BODY, NULL, NULL},
	    /* UTF-16 with its byte order mark and no charset (Windows tools). */
	    {C(HEAD "Content-Type: text/plain\nContent-Transfer-Encoding: base64\n\n"
	            "//5TAEUAVABVAEoAVQAAAAoAVABPAEwAQQBLACAAdABpAGQAYQBrACAAbABlAG4AZwBrAGEA"
	            "cAAKAA==\n"),
	     NUL_BODY, NULL, NULL},
	    {C(HEAD "Content-Type: text/html; charset=utf-8\nContent-Transfer-Encoding: "
	            "quoted-printable\n\n<p>SETUJU=00</p><p>TOLAK tidak lengkap</p>\n"),
	     NUL_BODY, NULL, NULL},
	    /* A multipart whose boundary never comes: the prologue is the text. */
	    {C(HEAD
	       "Content-Type: multipart/mixed; boundary=zz\n\nSETUJU\0\nTOLAK tidak lengkap\n"),
	     NUL_BODY, NULL, NULL},
	    /* In headers, where GMime would end the value at the NUL. */
	    {C("From: \"Kepala\0Dinas\" <kadis@kuduskab.go.id>\nSubject: Setuju\0 "
	       "[SE-2026-000001]\nContent-Type: text/plain\n\nSETUJU\n"),
	     "SETUJU\n", "Setuju\xef\xbf\xbd [SE-2026-000001]",
	     "Kepala\xef\xbf\xbd"
	     "Dinas"},
	    {C(HEAD "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n"
	            "X-Mailer: a\0b\n\nSETUJU\0\nTOLAK tidak lengkap\n"),
	     NUL_BODY, NULL, NULL},
#undef C
	};
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		dispo_mail *m =
		    mime_mail_parse_data(cases[i].msg, cases[i].len, &default_limits, NULL, NULL);
		const dispo_mailbox *from;
		if (m->status != DISPO_MAIL_PARSED)
			fail_msg("case %zu: %s", i, m->problem);
		if (g_strcmp0(m->body, cases[i].body) != 0)
			fail_msg("case %zu: body '%s', want '%s'", i, m->body, cases[i].body);
		assert_string_equal(m->subject,
		                    cases[i].subject ? cases[i].subject : "RE: [SE-2026-000001]");
		assert_int_equal(m->from->len, 1);
		from = m->from->pdata[0];
		assert_string_equal(from->address, "kadis@kuduskab.go.id");
		assert_string_equal(from->name, cases[i].name ? cases[i].name : "Kepala Dinas");
		mime_mail_free(m);
	}
#undef HEAD
#undef NUL_BODY
}

/* A NUL cannot hide a second From mailbox or the end of a file name, and a
 * binary part keeps its NULs when the header's are replaced. */
static void
test_nul_headers(void **state)
{
	static const char msg[] = "From: kadis@kuduskab.go.id\0, tamu@example.com\n"
	                          "Subject: x\nContent-Type: multipart/mixed; boundary=b\n\n"
	                          "--b\nContent-Type: text/plain\n\nSETUJU\n"
	                          "--b\nContent-Type: application/octet-stream\n"
	                          "Content-Disposition: attachment; filename=\"surat.pdf\0.exe\"\n"
	                          "Content-Transfer-Encoding: binary\n\n%PDF\0\0\1\2\n--b--\n";
	g_autofree char *dir = test_tmpdir("nul");
	dispo_mail *m = mime_mail_parse_data(msg, sizeof msg - 1, &default_limits, dir, NULL);
	const dispo_attachment *a;
	char hex[65];

	assert_int_equal(m->status, DISPO_MAIL_PARSED);
	assert_int_equal(m->from->len, 2);
	assert_int_equal(m->attachments->len, 1);
	a = m->attachments->pdata[0];
	assert_string_equal(a->filename, "surat.pdf\xef\xbf\xbd.exe");
	/* "%PDF\0\0\1\2" and the line end before the delimiter, as sent. */
	assert_int_equal(a->size, 8);
	dispo_sha256_hex("%PDF\0\0\1\2", 8, hex);
	assert_string_equal(a->sha256, hex);
	mime_mail_free(m);
	test_rm_rf(dir);
}

static void
test_html_to_text(void **state)
{
	static const struct {
		const char *html;
		const char *text;
	} cases[] = {
	    {"<p>SETUJU</p>", "SETUJU\n"},
	    {"<div>Nama: <b>Budi</b></div><div>NIP:&nbsp;1985</div>", "Nama: Budi\nNIP: 1985\n"},
	    {"<html><head><style>p{}</style><title>t</title></head><body><p class=MsoNormal>"
	     "Setuju,<o:p></o:p></p><p class=MsoNormal>lanjutkan</p></body></html>",
	     "Setuju,\nlanjutkan\n"},
	    {"baris satu<br>baris dua<br/>baris tiga", "baris satu\nbaris dua\nbaris tiga\n"},
	    {"<p>OK</p><blockquote><p>Pada Senin "
	     "menulis:</p><blockquote>lama</blockquote></blockquote>",
	     "OK\n> Pada Senin menulis:\n> > lama\n"},
	    {"<ul><li>satu</li><li>dua</li></ul>", "- satu\n- dua\n"},
	    /* A table row is one line, its cells separated by a tab. */
	    {"<table><tr><td>NIP</td><td>1985</td></tr></table>", "NIP\t1985\n"},
	    {"<script>alert(1)</script>aman", "aman\n"},
	    {"&lt;b&gt; &amp; &eacute;", "<b> & é\n"},
	    {"<p>   banyak     spasi   </p>", "banyak spasi\n"},
	    {"<pre>a  b\nc</pre>", "a  b\nc\n"},
	    {"<pre>a\r\nb\rc</pre>", "a\nb\nc\n"},
	    {"", ""},
	    {"<p>1 < 2 and 3 > 2</p>", "1 < 2 and 3 > 2\n"},
	};
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		char *got = mime_html_to_text(cases[i].html, strlen(cases[i].html));
		if (strcmp(got, cases[i].text) != 0)
			fail_msg("case %zu: '%s' gave '%s', want '%s'", i, cases[i].html, got,
			         cases[i].text);
		g_free(got);
	}
}

/* What Outlook desktop (Word), Outlook on the web, Gmail and phones write
 * around a form: one "Label: value" line each, as the text/plain part would
 * have it. */
static void
test_html_clients(void **state)
{
	static const struct {
		const char *html;
		const char *text;
	} cases[] = {
	    /* Word: <o:p> between the label and its value is no paragraph. */
	    {"<p class=MsoNormal><b>Nama<o:p></o:p></b>: Hartono<o:p></o:p></p>"
	     "<p class=MsoNormal><b><span lang=IN>NIP<o:p></o:p></span></b><span lang=IN>"
	     "<span style='mso-tab-count:2'>&nbsp;&nbsp;&nbsp; </span>: 1985<o:p></o:p></span></p>",
	     "Nama: Hartono\nNIP : 1985\n"},
	    /* Its empty paragraphs are nothing. */
	    {"<p class=MsoNormal>a<o:p></o:p></p><p class=MsoNormal><o:p>&nbsp;</o:p></p>"
	     "<p class=MsoNormal><span lang=IN><o:p>&nbsp;</o:p></span></p><p "
	     "class=MsoNormal>b</p>",
	     "a\nb\n"},
	    /* A label split over runs of other languages or spell-check marks. */
	    {"<p><span lang=IN>NI</span><span lang=EN-US>P</span>&nbsp;:&nbsp;1985</p>"
	     "<p><span class=SpellE><span lang=IN>Jab</span></span><span lang=IN>atan</span>: "
	     "Kasi</p><p>Email&nbsp;<b>d</b>inas : a@kuduskab.go.id</p>",
	     "NIP : 1985\nJabatan: Kasi\nEmail dinas : a@kuduskab.go.id\n"},
	    /* Smart tags and content controls are inline too. */
	    {"<p>Kota <st1:City w:st=\"on\"><st1:place w:st=\"on\">Kudus</st1:place></st1:City>"
	     "<w:Sdt>, Jawa</w:Sdt> Tengah</p>",
	     "Kota Kudus, Jawa Tengah\n"},
	    /* Conditional comments, Word's settings and VML styles vanish. */
	    {"<head><!--[if gte mso 9]><xml><o:shapedefaults v:ext=\"edit\" spidmax=\"1026\" />"
	     "</xml><![endif]--><style><!-- p.MsoNormal {margin:0cm;} --></style></head>"
	     "<body><!--[if !mso]><style>v\\:* {behavior:url(#default#VML);}</style><![endif]-->"
	     "<xml><w:WordDocument><w:View>Normal</w:View></w:WordDocument></xml>"
	     "<p>a<!--[if !supportLineBreakNewLine]--><br><!--[endif]--></p>"
	     "<!--[if !mso]><!--><p>b</p><!--<![endif]--></body>",
	     "a\nb\n"},
	    /* Downlevel-revealed markers go, what is between them stays. */
	    {"<p class=MsoListParagraph style='mso-list:l0 level1 lfo1'><![if !supportLists]>"
	     "<span lang=IN><span style='mso-list:Ignore'>1.<span style='font:7.0pt'>"
	     "&nbsp;&nbsp;&nbsp; </span></span></span><![endif]><span lang=IN>Nama : Sri"
	     "<o:p></o:p></span></p><p><![IF !VML]><img src=x><![ENDIF]>c</p>",
	     "1. Nama : Sri\nc\n"},
	    /* Not markers: unclosed, too long, or text. */
	    {"<p>a <![if b</p>", "a <![if b\n"},
	    {"<p>&lt;![if x]&gt;</p>", "<![if x]>\n"},
	    /* Word tables: every cell's text is a paragraph. */
	    {"<table class=MsoTableGrid><tr><td width=132 valign=top><p class=MsoNormal>"
	     "<span lang=IN>Nama<o:p></o:p></span></p></td><td><p class=MsoNormal>:<o:p></o:p>"
	     "</p></td><td><p class=MsoNormal>Hartono<o:p></o:p></p></td></tr><tr><td><p "
	     "class=MsoNormal>NIP<o:p></o:p></p></td><td colspan=2><p class=MsoNormal>: 1985"
	     "<o:p></o:p></p></td></tr></table><p class=MsoNormal>Terima kasih</p>",
	     "Nama\t:\tHartono\nNIP\t: 1985\nTerima kasih\n"},
	    {"<p>Data:</p><table><tbody><tr><th>Nama</th><td>A</td></tr>\n"
	     "<tr>\n <td>NIP</td>\n <td> 1 </td>\n</tr></tbody></table>",
	     "Data:\nNama\tA\nNIP\t1\n"},
	    /* A cell of several lines keeps them; empty cells are no cells. */
	    {"<table><tr><td><p>Alamat</p></td><td><p>Jl. A</p><p>Kudus</p></td></tr></table>",
	     "Alamat\tJl. A\nKudus\n"},
	    {"<table><tr><td>&nbsp;</td><td><p><o:p>&nbsp;</o:p></p></td><td>Nama</td><td></td>"
	     "<td>A<br></td></tr></table>",
	     "Nama\tA\n"},
	    /* A layout table around the whole mail reads as the mail. */
	    {"<table width=600><tr><td><div>Nama: A</div><div><br></div><div>NIP: 1</div>"
	     "</td></tr></table>",
	     "Nama: A\n\nNIP: 1\n"},
	    /* Rows of a table in a cell are lines of their own. */
	    {"<table><tr><td>Data<table><tr><td>Nama</td><td>A</td></tr><tr><td>NIP</td>"
	     "<td>1</td></tr></table></td><td>x</td></tr></table>",
	     "Data\nNama\tA\nNIP\t1\tx\n"},
	    {"<p>OK</p><blockquote><table><tr><td>Nama</td><td>A</td></tr></table></blockquote>",
	     "OK\n> Nama\tA\n"},
	    /* Outlook on the web, Gmail, iPhone. */
	    {"<div class=\"elementToProof\" style=\"font-size: 12pt;\">\n<b>Nama</b>&nbsp; "
	     "&nbsp; &nbsp;: A</div>\n<div class=\"elementToProof\">\n<br>\n</div>\n"
	     "<div class=\"elementToProof\">NIP&nbsp;: 1</div>",
	     "Nama : A\n\nNIP : 1\n"},
	    {"<div dir=\"ltr\">Yth.<div><br></div><div>Nama: A<br>NIP: 1<br>Email dinas: <a "
	     "href=\"mailto:a@kuduskab.go.id\">a@kuduskab.go.id</a></div><div><br></div>"
	     "<span class=\"gmail_signature_prefix\">-- </span><br><div class=\"gmail_signature\">"
	     "A</div></div>",
	     "Yth.\n\nNama: A\nNIP: 1\nEmail dinas: a@kuduskab.go.id\n\n--\nA\n"},
	    {"<html><body dir=\"auto\"><div dir=\"ltr\">Nama&nbsp;: A</div><div dir=\"ltr\">"
	     "NIP&nbsp;: 1</div><div dir=\"ltr\"><br><div dir=\"ltr\">Dikirim dari iPhone saya"
	     "</div></div></body></html>",
	     "Nama : A\nNIP : 1\n\nDikirim dari iPhone saya\n"},
	};
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		char *got = mime_html_to_text(cases[i].html, strlen(cases[i].html));
		if (strcmp(got, cases[i].text) != 0)
			fail_msg("case %zu: '%s' gave '%s', want '%s'", i, cases[i].html, got,
			         cases[i].text);
		g_free(got);
	}
}

/* The HTML-only mails of ../shared/testdata/mime (MimeKit's, Thunderbird's
 * from Dovecot's tests): their text, no markup and no style sheet. */
static void
test_html_shared(void **state)
{
	static const struct {
		const char *file;
		const char *body;
	} cases[] = {
	    {"mimekit/UnitTests/TestData/messages/body.2.txt", "This is an html body.\n"},
	    {"mimekit/UnitTests/TestData/messages/body.4.txt", "This is an html body.\n"},
	    {"mimekit/UnitTests/TestData/messages/multipart-related-mhtml.txt", "def\n"},
	    {"stalwart-mail-parser/resources/eml/thirdparty/016.eml",
	     "Search for h\u00F6h\u00F6\n"},
	    {"stalwart-mail-parser/resources/eml/thirdparty/018.eml",
	     "Search for h\u00F6h\u00F6\n"},
	};
	g_autofree char *dir = test_shared("mime");

	if (!dir)
		skip();
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autofree char *path = g_build_filename(dir, cases[i].file, NULL);
		g_autoptr(dispo_mail) m = mime_mail_parse_file(path, &default_limits, NULL, NULL);

		if (!m)
			fail_msg("cannot parse %s", path);
		assert_true(m->body_from_html);
		if (g_strcmp0(m->body, cases[i].body) != 0)
			fail_msg("%s: body '%s', want '%s'", cases[i].file, m->body, cases[i].body);
	}
}

/* Hostile HTML: deep, wide or marker-stuffed bodies of about a megabyte
 * convert in one pass (a quadratic path would not finish) to tidy text. */
static void
test_html_hostile(void **state)
{
	static const struct {
		const char *head, *repeat, *tail;
		unsigned times;
		const char *want; /* a line the text must have, or NULL */
	} cases[] = {
	    {"", "<div>", "deep", 100000, NULL},
	    {"", "<table><tr><td>", "deep", 60000, NULL},
	    {"", "<o:p>", "deep", 100000, NULL},
	    {"<table><tr>", "<td>x</td>", "</tr></table><p>end</p>", 100000, "end"},
	    {"<table><tr><td>a", "<br>", "b</td><td>c</td></tr></table>", 200000, "b\tc"},
	    {"<p>", "<![if", "x</p>", 200000, NULL},
	    {"<p>", "<![if !supportLists]>", "x<![endif]></p>", 50000, "x"},
	    {"<p>", "<![endif]>", "y</p>", 100000, "y"},
	    {"<p>", "<!--[if gte mso 9]>", "z</p>", 50000, NULL},
	    {"", "<p class=MsoNormal><o:p>&nbsp;</o:p></p>", "<p>w</p>", 30000, "w"},
	};
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		GString *s = g_string_new(cases[i].head);
		gint64 t0 = g_get_monotonic_time();
		char *text;
		g_auto(GStrv) lines = NULL;
		bool found = false;

		for (unsigned k = 0; k < cases[i].times; k++)
			g_string_append(s, cases[i].repeat);
		g_string_append(s, cases[i].tail);
		text = mime_html_to_text(s->str, s->len);
		print_message("hostile HTML %zu: %zu bytes in %" G_GINT64_FORMAT " ms\n", i, s->len,
		              (g_get_monotonic_time() - t0) / 1000);
		assert_true(g_utf8_validate(text, -1, NULL));
		assert_null(strstr(text, "\n\n\n"));
		lines = g_strsplit(text, "\n", -1);
		for (size_t l = 0; lines[l]; l++) {
			size_t n = strlen(lines[l]);
			assert_false(n && g_ascii_isspace(lines[l][n - 1]));
			found = found || (cases[i].want && strcmp(lines[l], cases[i].want) == 0);
		}
		if (cases[i].want && !found)
			fail_msg("hostile HTML %zu: no line '%s'", i, cases[i].want);
		g_free(text);
		g_string_free(s, TRUE);
	}
}

static void
walk_corpus(const char *dir, GPtrArray *out)
{
	GDir *d = g_dir_open(dir, 0, NULL);
	const char *name;

	if (!d)
		return;
	while ((name = g_dir_read_name(d)) != NULL) {
		char *path = g_build_filename(dir, name, NULL);
		if (g_file_test(path, G_FILE_TEST_IS_DIR))
			walk_corpus(path, out);
		else
			g_ptr_array_add(out, g_strdup(path));
		g_free(path);
	}
	g_dir_close(d);
}

/* Every file of ../shared/testdata/mime parses without a crash into one of
 * the three states, with a readable subject and no NUL in the body. */
static void
test_shared_corpus(void **state)
{
	char *dir = test_shared("mime");
	GPtrArray *files;
	char *scratch;
	unsigned counts[3] = {0};

	if (!dir)
		skip();
	files = g_ptr_array_new_with_free_func(g_free);
	walk_corpus(dir, files);
	assert_true(files->len > 100);
	scratch = test_tmpdir("corpus");
	for (guint i = 0; i < files->len; i++) {
		GError *e = NULL;
		dispo_mail *m = mime_mail_parse_file(files->pdata[i], &default_limits, scratch, &e);
		if (!m)
			fail_msg("%s: %s", (char *)files->pdata[i], e->message);
		counts[m->status]++;
		if (m->status != DISPO_MAIL_PARSED)
			assert_non_null(m->problem);
		if (m->subject)
			assert_true(g_utf8_validate(m->subject, -1, NULL));
		if (m->body) {
			assert_true(g_utf8_validate(m->body, -1, NULL));
			assert_null(memchr(m->body, '\0', strlen(m->body)));
		}
		for (guint a = 0; a < m->attachments->len; a++) {
			const dispo_attachment *att = m->attachments->pdata[a];
			assert_true(dispo_sha256_hex_valid(att->sha256));
			if (att->filename)
				assert_true(g_utf8_validate(att->filename, -1, NULL));
		}
		mime_mail_free(m);
	}
	print_message("shared corpus: %u files, %u parsed, %u over a limit, %u unparseable\n",
	              files->len, counts[0], counts[1], counts[2]);
	assert_int_equal(counts[0] + counts[1] + counts[2], files->len);
	/* MimeKit's stack-overflow.txt has a To: of about 130 KB, more than
	 * Postfix keeps: it is read (it was over the old 64 KB limit). */
	for (guint i = 0; i < files->len; i++)
		if (g_str_has_suffix(files->pdata[i], "/stack-overflow.txt")) {
			dispo_mail *m =
			    mime_mail_parse_file(files->pdata[i], &default_limits, NULL, NULL);
			assert_int_equal(m->status, DISPO_MAIL_PARSED);
			mime_mail_free(m);
		}
	test_rm_rf(scratch);
	g_free(scratch);
	g_ptr_array_unref(files);
	g_free(dir);
}

/* A 50 MB attachment is decoded from disk to disk: the parsing process
 * grows by far less than the attachment (measured in a child process,
 * whose peak resident size is its own). */
static void
test_big_attachment_streams(void **state)
{
	const size_t att_size = 50u << 20;
	char *dir = test_tmpdir("big");
	char *path = g_build_filename(dir, "big.eml", NULL);
	FILE *f = fopen(path, "w");
	guchar chunk[57 * 1024];
	char out[sizeof chunk * 4 / 3 + 4096];
	int state_b64 = 0, save = 0;
	GRand *rnd = g_rand_new_with_seed(42);
	pid_t pid;
	int status, pipefd[2];
	long grown_kb;
	size_t total;

	fputs("From: budi@kuduskab.go.id\nSubject: besar\nContent-Type: multipart/mixed; "
	      "boundary=b\n\n--b\nContent-Type: text/plain\n\nscan\n--b\nContent-Type: "
	      "application/pdf; name=scan.pdf\nContent-Transfer-Encoding: base64\n\n",
	      f);
	for (total = 0; total < att_size; total += sizeof chunk) {
		for (size_t i = 0; i < sizeof chunk; i++)
			chunk[i] = (guchar)g_rand_int(rnd);
		fwrite(out, 1,
		       g_base64_encode_step(chunk, sizeof chunk, TRUE, out, &state_b64, &save), f);
	}
	fwrite(out, 1, g_base64_encode_close(TRUE, out, &state_b64, &save), f);
	fputs("\n--b--\n", f);
	fclose(f);
	g_rand_free(rnd);

	assert_int_equal(pipe(pipefd), 0);
	pid = fork();
	if (pid == 0) {
		struct rusage before, after;
		dispo_mail *m;
		long kb;
		dispo_limits roomy = default_limits;
		roomy.message_size = 128u << 20;
		getrusage(RUSAGE_SELF, &before);
		m = mime_mail_parse_file(path, &roomy, dir, NULL);
		getrusage(RUSAGE_SELF, &after);
		kb = after.ru_maxrss - before.ru_maxrss;
		if (!m || m->attachments->len != 1 ||
		    ((dispo_attachment *)m->attachments->pdata[0])->size != total)
			kb = -1;
		if (write(pipefd[1], &kb, sizeof kb) != sizeof kb)
			_exit(1);
		_exit(0);
	}
	close(pipefd[1]);
	assert_int_equal(read(pipefd[0], &grown_kb, sizeof grown_kb), sizeof grown_kb);
	close(pipefd[0]);
	waitpid(pid, &status, 0);
	print_message("50 MB attachment: the parser grew by %ld KB\n", grown_kb);
	assert_true(grown_kb >= 0);
	/* Not once the attachment, let alone several times: under 10 MB. */
	assert_true(grown_kb < 10 * 1024);
	test_rm_rf(dir);
	g_free(path);
	g_free(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_golden_emails),
	    cmocka_unit_test(test_unparseable),
	    cmocka_unit_test(test_hostile_text),
	    cmocka_unit_test(test_forwards),
	    cmocka_unit_test(test_references),
	    cmocka_unit_test(test_nul_text),
	    cmocka_unit_test(test_nul_headers),
	    cmocka_unit_test(test_html_to_text),
	    cmocka_unit_test(test_html_clients),
	    cmocka_unit_test(test_html_hostile),
	    cmocka_unit_test(test_html_shared),
	    cmocka_unit_test(test_shared_corpus),
	    cmocka_unit_test(test_big_attachment_streams),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
