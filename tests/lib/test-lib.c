/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-lib.c: sizes, times, UTF-8 cleaning, typo suggestions, durable writes,
 * configuration. */
#include "config.h"

#include "lib/lib.h"

#include "testutil.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>
#include <utime.h>

static void
test_size_parse(void **state)
{
	static const struct {
		const char *in;
		bool ok;
		uint64_t want;
	} cases[] = {
	    {"0", true, 0},
	    {"1000", true, 1000},
	    {"64KB", true, 64 << 10},
	    {"64 kib", true, 64 << 10},
	    {"50MB", true, 50ULL << 20},
	    {" 2 g ", true, 2ULL << 30},
	    {"1.5MB", false, 0},
	    {"MB", false, 0},
	    {"-1", false, 0},
	    {"", false, 0},
	    {"10 parsecs", false, 0},
	    {"99999999999999999999GB", false, 0},
	};
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		uint64_t got = 12345;
		GError *e = NULL;
		bool ok = dispo_size_parse(cases[i].in, &got, &e);
		if (ok != cases[i].ok)
			fail_msg("size '%s': ok=%d, want %d", cases[i].in, ok, cases[i].ok);
		if (ok)
			assert_int_equal(got, cases[i].want);
		else
			assert_non_null(strstr(e->message, "is not a size"));
		g_clear_error(&e);
	}
}

static void
test_duration_parse(void **state)
{
	static const struct {
		const char *in;
		bool ok;
		int64_t ms;
	} cases[] = {
	    {"200ms", true, 200},    {"10s", true, 10000},   {"10m", true, 600000},
	    {"15 m", true, 900000},  {"1d", true, 86400000}, {"2h", true, 7200000},
	    {"1w", true, 604800000}, {"0s", true, 0},        {"10", false, 0},
	    {"m", false, 0},         {"1.5h", false, 0},     {"10 minutes", false, 0},
	    {"-1s", false, 0},       {"10s 5m", false, 0},   {"", false, 0},
	};
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		int64_t ms = -1;
		GError *e = NULL;
		bool ok = dispo_duration_parse(cases[i].in, &ms, &e);
		if (ok != cases[i].ok || (ok && ms != cases[i].ms))
			fail_msg("duration '%s': ok=%d ms=%" G_GINT64_FORMAT, cases[i].in, ok,
			         (gint64)ms);
		g_clear_error(&e);
	}
}

static void
test_size_format(void **state)
{
	char *s;
	s = dispo_size_format(17);
	assert_string_equal(s, "17 B");
	g_free(s);
	s = dispo_size_format(312 * 1024);
	assert_string_equal(s, "312 KB");
	g_free(s);
	s = dispo_size_format(1536 * 1024);
	assert_string_equal(s, "1.5 MB");
	g_free(s);
}

static void
test_time(void **state)
{
	GTimeZone *jkt = g_time_zone_new_identifier("Asia/Jakarta");
	dispo_time t;
	GError *e = NULL;
	char *s;

	assert_non_null(jkt);
	assert_true(dispo_time_parse_iso8601("2026-11-24T09:15:00+07:00", &t, NULL));
	assert_int_equal(t, 1795486500);
	assert_true(dispo_time_parse_iso8601("2026-11-24T02:15:00Z", &t, NULL));
	assert_int_equal(t, 1795486500);
	assert_true(dispo_time_parse_iso8601("2026-11-24", &t, NULL));
	assert_int_equal(t, 1795478400);
	assert_false(dispo_time_parse_iso8601("24/11/2026", &t, &e));
	assert_non_null(strstr(e->message, "ISO 8601"));
	g_clear_error(&e);

	s = dispo_time_format_iso8601(1795486500, jkt);
	assert_string_equal(s, "2026-11-24T09:15:00+07:00");
	g_free(s);
	s = dispo_time_format_short(1795486500, jkt);
	assert_string_equal(s, "2026-11-24 09:15");
	g_free(s);
	/* New Year's Eve 20:00 UTC is already next year in Kudus. */
	assert_true(dispo_time_parse_iso8601("2026-12-31T20:00:00Z", &t, NULL));
	assert_int_equal(dispo_time_year(t, jkt), 2027);
	g_time_zone_unref(jkt);
}

static void
test_utf8(void **state)
{
	char *s = dispo_utf8_clean("ok\tline\r\nnext\x01\xff end", -1);
	/* CR dropped, tab and LF kept, control -> U+FFFD, invalid byte -> U+FFFD. */
	assert_string_equal(s, "ok\tline\nnext\xef\xbf\xbd\xef\xbf\xbd end");
	g_free(s);
	assert_int_equal(dispo_utf8_width("Budi"), 4);
	assert_int_equal(dispo_utf8_width("こんにちは"), 10);
	s = dispo_utf8_truncate("Permohonan Penerbitan Sertifikat", 12);
	assert_string_equal(s, "Permohonan …");
	assert_int_equal(dispo_utf8_width(s), 12);
	g_free(s);
	s = dispo_utf8_truncate("short", 12);
	assert_string_equal(s, "short");
	g_free(s);
}

static void
test_sha256(void **state)
{
	char hex[65];
	dispo_sha256_hex("abc", 3, hex);
	assert_string_equal(hex,
	                    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	assert_true(dispo_sha256_hex_valid(hex));
	assert_false(dispo_sha256_hex_valid("BA7816BF"));
	assert_false(dispo_sha256_hex_valid("../../etc/passwd"));
}

static void
test_file_write_atomic(void **state)
{
	char *dir = test_tmpdir("lib");
	char *path = g_build_filename(dir, "f", NULL);
	char *data = NULL;
	size_t len;
	struct stat st;
	GError *e = NULL;

	assert_true(dispo_file_write_atomic(path, "one", 3, 0600, &e));
	assert_true(dispo_file_write_atomic(path, "two!", 4, 0600, &e));
	assert_true(dispo_file_read(path, 100, &data, &len, &e));
	assert_int_equal(len, 4);
	assert_string_equal(data, "two!");
	g_free(data);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	/* No temp file is left behind. */
	{
		GDir *d = g_dir_open(dir, 0, NULL);
		assert_string_equal(g_dir_read_name(d), "f");
		assert_null(g_dir_read_name(d));
		g_dir_close(d);
	}
	assert_false(dispo_file_read(path, 2, &data, &len, &e));
	assert_true(g_error_matches(e, DISPO_IO_ERROR, DISPO_IO_ERROR_TOO_LARGE));
	g_clear_error(&e);
	g_free(path);
	path = g_build_filename(dir, "missing", "f", NULL);
	assert_false(dispo_file_write_atomic(path, "x", 1, 0600, &e));
	assert_true(g_error_matches(e, DISPO_IO_ERROR, DISPO_IO_ERROR_PERMANENT));
	g_clear_error(&e);
	g_free(path);
	test_rm_rf(dir);
	g_free(dir);
}

/* A content-addressed file is published once; an existing good copy is
 * kept (never swapped for an unsynced one), a damaged one is mended. */
static void
test_file_publish(void **state)
{
	char *dir = test_tmpdir("publish");
	char *path = g_build_filename(dir, "blob", NULL);
	char *tmp = g_build_filename(dir, "tmp", NULL);
	char sha[65], have[65];
	struct stat before, after;
	GError *e = NULL;

	dispo_sha256_hex("the bytes", 9, sha);
	g_file_set_contents(tmp, "the bytes", -1, NULL);
	assert_true(dispo_file_publish(tmp, path, sha, true, &e));
	assert_false(g_file_test(tmp, G_FILE_TEST_EXISTS));
	assert_int_equal(stat(path, &before), 0);

	g_file_set_contents(tmp, "the bytes", -1, NULL);
	assert_true(dispo_file_publish(tmp, path, sha, true, &e));
	assert_false(g_file_test(tmp, G_FILE_TEST_EXISTS));
	assert_int_equal(stat(path, &after), 0);
	assert_int_equal(before.st_ino, after.st_ino); /* the good file stayed */

	/* What a crash before the sync can leave: an empty file. */
	g_file_set_contents(path, "", -1, NULL);
	g_file_set_contents(tmp, "the bytes", -1, NULL);
	assert_true(dispo_file_publish(tmp, path, sha, true, &e));
	assert_true(dispo_file_sha256(path, have, &e));
	assert_string_equal(have, sha);
	assert_false(g_file_test(tmp, G_FILE_TEST_EXISTS));

	/* An existing copy that cannot be read is an error, never replaced. */
	g_unlink(path);
	g_mkdir(path, 0700); /* reading a directory fails */
	g_file_set_contents(tmp, "the bytes", -1, NULL);
	assert_false(dispo_file_publish(tmp, path, sha, true, &e));
	assert_non_null(e);
	g_clear_error(&e);
	assert_true(g_file_test(path, G_FILE_TEST_IS_DIR));
	g_rmdir(path);
	g_unlink(tmp);

	/* Old temporary files are swept, fresh ones kept. */
	{
		char *old_f = g_build_filename(dir, "old", NULL);
		char *new_f = g_build_filename(dir, "new", NULL);
		struct utimbuf past = {1000, 1000};
		g_file_set_contents(old_f, "x", -1, NULL);
		g_file_set_contents(new_f, "x", -1, NULL);
		utime(old_f, &past);
		assert_int_equal(dispo_tmp_sweep(dir, 5000), 1);
		assert_false(g_file_test(old_f, G_FILE_TEST_EXISTS));
		assert_true(g_file_test(new_f, G_FILE_TEST_EXISTS));
		g_unlink(new_f);
		g_free(old_f);
		g_free(new_f);
	}
	/* mkdir_sync makes the whole chain. */
	{
		char *deep = g_build_filename(dir, "a", "b", "c", NULL);
		assert_true(dispo_mkdir_sync(deep, &e));
		assert_true(g_file_test(deep, G_FILE_TEST_IS_DIR));
		assert_true(dispo_mkdir_sync(deep, &e));
		g_free(deep);
	}
	test_rm_rf(dir);
	g_free(tmp);
	g_free(path);
	g_free(dir);
}

static void
test_config_default(void **state)
{
	GError *e = NULL;
	dispo_config *c;

	g_unsetenv("DISPO_CONFIG");
	c = dispo_config_load(NULL, &e);
	assert_non_null(c);
	assert_null(c->path);
	assert_true(g_str_has_suffix(c->data_dir, "/var"));
	assert_true(g_path_is_absolute(c->data_dir));
	assert_false(c->require_authentication); /* the demo's default */
	assert_string_equal(c->agency_domains[0], "kuduskab.go.id");
	assert_null(c->agency_domains[1]);
	assert_string_equal(c->tag, "SE");
	assert_int_equal(c->limits.message_size, 64ULL << 20);
	dispo_config_free(c);
}

/* The [limits] defaults take what Postfix and Dovecot deliver by default:
 * a 100 KB field (Postfix's header_size_limit), headers up to its 10000 KB
 * message_size_limit and Dovecot's 10 MB header block, any field count. */
static void
test_config_limits(void **state)
{
	static const struct {
		const char *text;
		uint64_t header_size, header_total;
		unsigned header_fields, addresses;
	} cases[] = {
	    {"", 256 << 10, 10 << 20, 10000, 20000},
	    {"[limits]\nheader_size = 1MB\nheader_total = 20MB\nheader_fields = 50000\n"
	     "addresses = 100000\n",
	     1 << 20, 20 << 20, 50000, 100000},
	};
	const dispo_limits d = DISPO_LIMITS_DEFAULT;

	assert_true(d.header_size >= 102400 * 2);
	assert_true(d.header_total >= 10240000 && d.header_total >= 10 << 20);
	assert_true(d.message_size >= 10240000);
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		GError *e = NULL;
		g_autofree char *text = g_strconcat(
		    "[policy]\ntrusted_authserv_id = mx.example.go.id\n", cases[i].text, NULL);
		dispo_config *c = dispo_config_load_data(text, "test.conf", "/tmp", &e);
		if (!c)
			fail_msg("case %zu: %s", i, e->message);
		assert_int_equal(c->limits.header_size, cases[i].header_size);
		assert_int_equal(c->limits.header_total, cases[i].header_total);
		assert_int_equal(c->limits.header_fields, cases[i].header_fields);
		assert_int_equal(c->limits.addresses, cases[i].addresses);
		dispo_config_free(c);
	}
}

static void
test_config_file(void **state)
{
	char *dir = test_tmpdir("config");
	char *path = g_build_filename(dir, "dispo.conf", NULL);
	GError *e = NULL;
	dispo_config *c;

	g_file_set_contents(path,
	                    "[general]\ndata_dir = data\n[policy]\n"
	                    "agency_domains = KudusKab.go.id; jatengprov.go.id ;\n"
	                    "trusted_authserv_id = mx.kuduskab.go.id\n"
	                    "[limits]\nmessage_size = 10MB\nparts = 20\n",
	                    -1, NULL);
	/* DISPO_CONFIG names the file when --config is absent. */
	g_setenv("DISPO_CONFIG", path, TRUE);
	c = dispo_config_load(NULL, &e);
	g_unsetenv("DISPO_CONFIG");
	assert_non_null(c);
	assert_string_equal(c->path, path);
	{
		char *want = g_build_filename(dir, "data", NULL);
		assert_string_equal(c->data_dir, want); /* relative to the file */
		g_free(want);
	}
	/* A file's missing keys take the production defaults. */
	assert_true(c->require_authentication);
	assert_string_equal(c->agency_domains[0], "kuduskab.go.id");
	assert_string_equal(c->agency_domains[1], "jatengprov.go.id");
	assert_null(c->agency_domains[2]);
	assert_int_equal(c->limits.message_size, 10ULL << 20);
	assert_int_equal(c->limits.parts, 20);
	dispo_config_free(c);
	g_free(path);
	test_rm_rf(dir);
	g_free(dir);
}

/* Every path key is the file's, never the working directory's: the file
 * is named by a relative path from elsewhere, and each value is where the
 * file says (absolute paths and resource:// URIs are kept as written). */
static void
test_config_paths(void **state)
{
	char *dir = test_tmpdir("paths");
	char *etc = g_build_filename(dir, "etc", NULL);
	char *away = g_build_filename(dir, "elsewhere", NULL);
	char *path = g_build_filename(etc, "dispo.conf", NULL);
	g_autofree char *cwd = g_get_current_dir();
	GError *e = NULL;
	dispo_config *c;
	static const struct {
		const char *key;
		const char *want; /* relative to etc/, or absolute */
	} keys[] = {
	    {"data_dir", "data"},
	    {"rules_dir", "rules"},
	    {"templates_dir", "templates"},
	    {"holidays", "libur.txt"},
	    {"logo", "logo.png"},
	    {"ca_file", "/etc/ssl/certs/ca-certificates.crt"},
	    {"credentials_file", "../secret/smtp.credentials"},
	    {"[imap] ca_file", "imap-ca.pem"},
	    {"[imap] credentials_file", "/etc/dispo/imap.credentials"},
	};

	g_mkdir_with_parents(etc, 0700);
	g_mkdir_with_parents(away, 0700);
	g_file_set_contents(path,
	                    "[general]\ndata_dir = data\nrules_dir = ./rules\n"
	                    "templates_dir = templates\n"
	                    "[calendar]\nholidays = libur.txt\n[letter]\nlogo = logo.png\n"
	                    "[smtp]\nurl = smtp://127.0.0.1:25\n"
	                    "ca_file = /etc/ssl/certs/ca-certificates.crt\n"
	                    "credentials_file = ../secret/smtp.credentials\n"
	                    "[imap]\nurl = imaps://mail.kuduskab.go.id\nca_file = imap-ca.pem\n"
	                    "credentials_file = /etc/dispo/imap.credentials\n"
	                    "[policy]\ntrusted_authserv_id = mx.kuduskab.go.id\n",
	                    -1, NULL);
	assert_int_equal(chdir(away), 0);
	c = dispo_config_load("../etc/dispo.conf", &e);
	assert_int_equal(chdir(cwd), 0);
	if (!c)
		fail_msg("%s", e->message);
	assert_string_equal(c->path, path);
	{
		char **got[] = {
		    &c->data_dir,    &c->rules_dir,    &c->templates_dir,        &c->holidays,
		    &c->letter_logo, &c->smtp_ca_file, &c->smtp_credentials_file,
		    &c->imap_ca_file, &c->imap_credentials_file};
		for (size_t i = 0; i < G_N_ELEMENTS(keys); i++) {
			/* ./rules and ../secret are the same places as rules and secret */
			g_autofree char *want = g_canonicalize_filename(keys[i].want, etc);
			g_autofree char *have =
			    *got[i] ? g_canonicalize_filename(*got[i], "/") : g_strdup("(unset)");
			if (strcmp(have, want) != 0)
				fail_msg("%s: got %s, want %s", keys[i].key, have, want);
		}
	}
	dispo_config_free(c);

	/* The copies built into dispo are named by URI, not resolved. */
	c = dispo_config_load_data("[general]\nrules_dir = resource:///dispo/rules\n"
	                           "[policy]\ntrusted_authserv_id = mx.kuduskab.go.id\n",
	                           "test.conf", etc, &e);
	assert_non_null(c);
	assert_string_equal(c->rules_dir, "resource:///dispo/rules");
	assert_string_equal(c->templates_dir, "resource:///dispo/templates");
	dispo_config_free(c);
	g_free(path);
	g_free(etc);
	g_free(away);
	test_rm_rf(dir);
	g_free(dir);
}

static void
test_config_errors(void **state)
{
	static const struct {
		const char *text;
		const char *message;
	} cases[] = {
	    {"[limits]\nmessage_size = lots\n", "[limits] message_size: 'lots' is not a size"},
	    {"[limits]\nparts = 0\n", "[limits] parts: '0' is not a whole number"},
	    {"[limits]\ndepth = many\n", "[limits] depth"},
	    {"[limits]\nheader_total = 0\n", "[limits] header_total: must be more than zero"},
	    {"[limits]\naddresses = 1\n", "[limits] addresses: '1' is not a whole number"},
	    {"[general]\nlanguage = fr\n", "[general] language: must be id or en"},
	    {"[calendar]\ntimezone = Mars/Olympus\n", "unknown time zone 'Mars/Olympus'"},
	    {"[policy]\nrequire_authentication = maybe\n", "'maybe' is neither true nor false"},
	    {"[policy]\nrequire_authentication = true\n", "[policy] trusted_authserv_id"},
	    {"[intake]\ntag = se-\n", "[intake] tag"},
	    {"[store]\nbusy_timeout = 1h\n", "[store] busy_timeout: must be at most 10m"},
	    {"[store]\nbusy_timeout = 5000\n", "[store] busy_timeout: '5000' is not a duration"},
	    {"this is not a key file\n", "test.conf"},
	    {"[imap]\nurl = pop3://mail\n", "[imap] url: must be imaps://"},
	    {"[imap]\nurl = imaps://mail\n", "[imap] credentials_file: must name"},
	    {"[imap]\nmailbox = \"INBOX\"\n", "[imap] mailbox: must be a folder name"},
	    {"[imap]\nprocessed_folder = a\\b\n", "[imap] processed_folder"},
	    {"[imap]\nidle_renew = 30m\n", "[imap] idle_renew: must be between 1s and 29m"},
	    {"[imap]\npoll_interval = 10ms\n", "[imap] poll_interval: must be at least 1s"},
	    {"[imap]\nmax_tries = 0\n", "[imap] max_tries"},
	    {"[imap]\nuser = a\"b\n", "[imap] user"},
	};
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		GError *e = NULL;
		g_autofree char *text = g_strconcat(
		    strstr(cases[i].text, "trusted") || strstr(cases[i].text, "require_auth")
		        ? ""
		        : "[policy]\ntrusted_authserv_id = mx.example.go.id\n",
		    cases[i].text, NULL);
		dispo_config *c = dispo_config_load_data(text, "test.conf", "/tmp", &e);
		if (c || !e || !strstr(e->message, cases[i].message))
			fail_msg("case %zu: want error containing '%s', got '%s'", i,
			         cases[i].message, e ? e->message : "(loaded)");
		g_clear_error(&e);
	}
}

/* [letter]: the kop's parts as named keys with the Kudus office's
 * defaults, an empty value leaving a part out, the old letterhead lines
 * still read (with a warning) but never beside the new keys. */
static void
test_config_letter(void **state)
{
	static const char base[] = "[policy]\ntrusted_authserv_id = mx.example.go.id\n[letter]\n";
	static const struct {
		const char *text;
		const char *government, *office, *address, *phone, *email, *website;
		const char *lines; /* joined by '|' */
	} cases[] = {
	    {"", "PEMERINTAH KABUPATEN KUDUS", "DINAS KOMUNIKASI DAN INFORMATIKA",
	     "Jl. Simpang Tujuh No. 1, Kudus 59313", "(0291) 435316", "diskominfo@kuduskab.go.id",
	     "diskominfo.kuduskab.go.id", ""},
	    {"office = DINAS KESEHATAN\naddress = Jl. Diponegoro No. 15\nphone =\n"
	     "email = dinkes@kuduskab.go.id\nwebsite = \n",
	     "PEMERINTAH KABUPATEN KUDUS", "DINAS KESEHATAN", "Jl. Diponegoro No. 15", "",
	     "dinkes@kuduskab.go.id", "", ""},
	    {"letterhead = PEMERINTAH KABUPATEN KUDUS;DINAS KOMUNIKASI DAN INFORMATIKA;"
	     "Jl. Simpang Tujuh No. 1;Telepon (0291) 435316;Kudus 59313\n",
	     "PEMERINTAH KABUPATEN KUDUS", "DINAS KOMUNIKASI DAN INFORMATIKA",
	     "Jl. Simpang Tujuh No. 1", "", "", "", "Telepon (0291) 435316|Kudus 59313"},
	    {"letterhead = DINAS KOMINFO\n", "DINAS KOMINFO", "", "", "", "", "", ""},
	};
	static const struct {
		const char *text, *message;
	} errors[] = {
	    {"letterhead = A;B\noffice = C\n", "[letter] letterhead: cannot stand beside"},
	    {"letterhead = ;\n", "[letter] letterhead: is empty"},
	    {"government =\noffice =\n", "[letter] office: the kop surat needs"},
	    {"email = diskominfo at kuduskab\n", "[letter] email: must be one plain address"},
	    {"email = a@b.go.id, c@d.go.id\n", "[letter] email"},
	    {"website = diskominfo kuduskab\n", "[letter] website"},
	};

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autofree char *text = g_strconcat(base, cases[i].text, NULL);
		g_autofree char *lines = NULL;
		GError *e = NULL;
		dispo_config *c = dispo_config_load_data(text, "test.conf", "/tmp", &e);
		if (!c)
			fail_msg("case %zu: %s", i, e->message);
		assert_string_equal(c->letter_government, cases[i].government);
		assert_string_equal(c->letter_office, cases[i].office);
		assert_string_equal(c->letter_address, cases[i].address);
		assert_string_equal(c->letter_phone, cases[i].phone);
		assert_string_equal(c->letter_email, cases[i].email);
		assert_string_equal(c->letter_website, cases[i].website);
		lines = g_strjoinv("|", c->letter_lines);
		assert_string_equal(lines, cases[i].lines);
		dispo_config_free(c);
	}
	for (size_t i = 0; i < G_N_ELEMENTS(errors); i++) {
		g_autofree char *text = g_strconcat(base, errors[i].text, NULL);
		GError *e = NULL;
		dispo_config *c = dispo_config_load_data(text, "test.conf", "/tmp", &e);
		if (c || !e || !strstr(e->message, errors[i].message))
			fail_msg("error %zu: want '%s', got '%s'", i, errors[i].message,
			         e ? e->message : "(loaded)");
		g_clear_error(&e);
	}
	{
		/* The demo's logo is built in, named by URI and kept as such; a
		 * file's logo is the file's. */
		GError *e = NULL;
		dispo_config *c = dispo_config_load_data(dispo_config_default_text,
		                                         "embedded default", "/tmp", &e);
		assert_non_null(c);
		assert_string_equal(c->letter_logo, "resource:///dispo/templates/logo-contoh.png");
		dispo_config_free(c);
		c = dispo_config_load_data(base, "test.conf", "/tmp", &e);
		assert_non_null(c);
		assert_null(c->letter_logo);
		dispo_config_free(c);
	}
}

/* [imap]: off without url; with one, the production defaults. */
static void
test_config_imap(void **state)
{
	GError *e = NULL;
	dispo_config *c = dispo_config_load_data("[policy]\ntrusted_authserv_id = mx.k.go.id\n",
	                                         "test.conf", "/tmp", &e);

	assert_non_null(c);
	assert_null(c->imap_url);
	dispo_config_free(c);
	c = dispo_config_load_data("[policy]\ntrusted_authserv_id = mx.k.go.id\n[imap]\n"
	                           "url = imaps://mail.kuduskab.go.id\ncredentials_file = imap.cred\n"
	                           "processed_folder = Diproses/Sertifikat\nquarantine_folder =\n",
	                           "test.conf", "/etc/dispo", &e);
	if (!c)
		fail_msg("%s", e->message);
	assert_string_equal(c->imap_url, "imaps://mail.kuduskab.go.id");
	assert_string_equal(c->imap_credentials_file, "/etc/dispo/imap.cred");
	assert_string_equal(c->imap_mailbox, "INBOX");
	assert_string_equal(c->imap_processed, "Diproses/Sertifikat");
	assert_null(c->imap_quarantine);
	assert_null(c->imap_user);
	assert_null(c->imap_ca_file);
	assert_true(c->imap_starttls);
	assert_true(c->imap_verify);
	assert_int_equal(c->imap_poll_ms, 60000);
	assert_int_equal(c->imap_idle_renew_ms, 25 * 60000);
	assert_int_equal(c->imap_timeout_ms, 60000);
	assert_int_equal(c->imap_max_tries, 5);
	dispo_config_free(c);
}

static void
test_config_missing_file(void **state)
{
	GError *e = NULL;
	assert_null(dispo_config_load("/nonexistent/dispo.conf", &e));
	assert_true(g_error_matches(e, DISPO_CONFIG_ERROR, DISPO_CONFIG_ERROR_NOT_FOUND));
	assert_non_null(strstr(e->message, "/nonexistent/dispo.conf"));
	g_clear_error(&e);
}

/* ---- log.c ---- */

static void
test_log_format(void **state)
{
	char *l;

	(void)state;
	l = dispo_log_format(LOG_WARNING, "dispo serve", "IMAP down", false);
	assert_string_equal(l, "dispo serve: warning: IMAP down\n");
	g_free(l);
	l = dispo_log_format(LOG_WARNING, "dispo serve", "IMAP down", true);
	assert_string_equal(l, "<4>IMAP down\n");
	g_free(l);
	l = dispo_log_format(LOG_ERR, "dispo import", "cannot open x", false);
	assert_string_equal(l, "dispo import: cannot open x\n");
	g_free(l);
	l = dispo_log_format(LOG_INFO, "dispo serve", "reply SE-2026-000001 approve", true);
	assert_string_equal(l, "<6>reply SE-2026-000001 approve\n");
	g_free(l);
	/* A hostile subject cannot forge a second line or a terminal escape. */
	l = dispo_log_format(LOG_INFO, "d", "a\nd: fatal: b\r\x1b[2J\tc\x7f", false);
	assert_string_equal(l, "d: a\\nd: fatal: b\\r\\x1b[2J c\\x7f\n");
	g_free(l);
	/* Invalid UTF-8 is replaced, valid Indonesian text kept. */
	l = dispo_log_format(LOG_NOTICE, "d", "Pak Bu\xc3\xa9 \xff!", false);
	assert_true(g_utf8_validate(l, -1, NULL));
	assert_non_null(strstr(l, "Pak Bu\xc3\xa9 "));
	assert_null(strchr(l, '\xff'));
	g_free(l);
	/* An out-of-range level is an error, not a bogus prefix. */
	l = dispo_log_format(42, "d", "x", true);
	assert_string_equal(l, "<3>x\n");
	g_free(l);
	l = dispo_log_format(LOG_CRIT, "d", "x", false);
	assert_string_equal(l, "d: fatal: x\n");
	g_free(l);
}

static void
test_log_journal_stream(void **state)
{
	g_autofree char *dir = test_tmpdir("log");
	g_autofree char *path = g_build_filename(dir, "journal", NULL);
	g_autofree char *env = NULL;
	g_autofree char *other = NULL;
	struct stat st;
	int fd;

	(void)state;
	fd = open(path, O_WRONLY | O_CREAT, 0600);
	assert_true(fd >= 0);
	assert_int_equal(fstat(fd, &st), 0);
	env = g_strdup_printf("%llu:%llu", (unsigned long long)st.st_dev,
	                      (unsigned long long)st.st_ino);
	other = g_strdup_printf("%llu:%llu", (unsigned long long)st.st_dev,
	                        (unsigned long long)st.st_ino + 1);
	assert_true(dispo_log_journal_stream(env, fd));
	/* stderr redirected elsewhere by a child: no longer the journal. */
	assert_false(dispo_log_journal_stream(other, fd));
	assert_false(dispo_log_journal_stream(NULL, fd));
	assert_false(dispo_log_journal_stream("", fd));
	assert_false(dispo_log_journal_stream("12", fd));
	assert_false(dispo_log_journal_stream("1:2:3", fd));
	assert_false(dispo_log_journal_stream("x:y", fd));
	assert_false(dispo_log_journal_stream(env, -1));
	close(fd);
	dispo_remove_tree(dir, NULL);
}

static char *
log_capture_read(int fd)
{
	char buf[4096];
	ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
	assert_true(n >= 0);
	buf[n] = '\0';
	assert_int_equal(ftruncate(fd, 0), 0);
	return g_strdup(buf);
}

/* GLib's and a library's warnings come out as dispo's lines; debug lines
 * only with DISPO_DEBUG. */
static void
test_log_glib(void **state)
{
	g_autofree char *dir = test_tmpdir("log");
	g_autofree char *path = g_build_filename(dir, "err", NULL);
	char *got;
	int fd;

	(void)state;
	fd = open(path, O_RDWR | O_CREAT | O_APPEND, 0600);
	assert_true(fd >= 0);
	g_unsetenv("DISPO_DEBUG");
	dispo_log_init("dispo deliver");
	dispo_log_set_fd(fd, false);
	g_warning("email %d to %s will not arrive", 3, "a@b\nc");
	got = log_capture_read(fd);
	assert_string_equal(got, "dispo deliver: warning: email 3 to a@b\\nc will not arrive\n");
	g_free(got);
	g_log("GMime", G_LOG_LEVEL_WARNING, "bad header");
	got = log_capture_read(fd);
	assert_string_equal(got, "dispo deliver: warning: GMime: bad header\n");
	g_free(got);
	g_message("a bounce about no email dispo knows");
	got = log_capture_read(fd);
	assert_string_equal(got, "dispo deliver: a bounce about no email dispo knows\n");
	g_free(got);
	dispo_log(LOG_DEBUG, "hidden");
	assert_false(dispo_log_debugging());
	got = log_capture_read(fd);
	assert_string_equal(got, "");
	g_free(got);

	g_setenv("DISPO_DEBUG", "1", TRUE);
	dispo_log_init("dispo serve");
	dispo_log_set_fd(fd, true);
	assert_true(dispo_log_debugging());
	dispo_log(LOG_DEBUG, "IMAP: %s", "EXISTS");
	g_log("GLib", G_LOG_LEVEL_CRITICAL, "assertion failed");
	got = log_capture_read(fd);
	assert_string_equal(got, "<7>IMAP: EXISTS\n<3>GLib: assertion failed\n");
	g_free(got);
	g_setenv("DISPO_DEBUG", "0", TRUE);
	dispo_log_init("dispo serve");
	assert_false(dispo_log_debugging());
	g_unsetenv("DISPO_DEBUG");
	dispo_log_set_fd(STDERR_FILENO, false);
	close(fd);
	dispo_remove_tree(dir, NULL);
}

/* The nearest candidate, when near enough to be a typo. */
static void
test_suggest(void **state)
{
	static const char *const groups[] = {"general", "calendar", "limits",
	                                     "store",   "smtp",     "imap"};
	static const struct {
		const char *word;
		const char *want; /* NULL: no suggestion */
	} cases[] = {
	    {"genral", "general"},
	    {"smpt", "smtp"},
	    {"imao", "imap"},
	    {"calender", "calendar"},
	    {"stroe", "store"},
	    {"limit", "limits"},
	    {"frobnicate", NULL},
	    {"general", NULL},
	    {"", NULL},
	    {"x", NULL},
	};

	(void)state;
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		const char *got = dispo_suggest(cases[i].word, groups, G_N_ELEMENTS(groups));
		if (g_strcmp0(got, cases[i].want) != 0)
			fail_msg("'%s': want %s, got %s", cases[i].word,
			         cases[i].want ? cases[i].want : "(none)", got ? got : "(none)");
	}
}

/* A typo in a group or key name is a warning through dispo_log that names
 * what was meant; the file still loads, without what it ignored. */
static void
test_config_unknown(void **state)
{
	static const struct {
		const char *text;
		const char *want; /* everything logged, exactly */
	} cases[] = {
	    {"[genral]\ndata_dir = /srv/x\n", "dispo test: warning: dispo.conf: unknown group "
	                                      "[genral]; did you mean [general]? (its "
	                                      "settings are ignored)\n"},
	    /* Once per group, not once per key in it. */
	    {"[smpt]\nurl = smtp://mail\nstarttls = false\n",
	     "dispo test: warning: dispo.conf: unknown group [smpt]; did you mean [smtp]? (its "
	     "settings are ignored)\n"},
	    /* GKeyFile's names are case-sensitive. */
	    {"[General]\n", "dispo test: warning: dispo.conf: unknown group [General]; did you "
	                    "mean [general]? (its "
	                    "settings are ignored)\n"},
	    {"[frobnicate]\na = 1\n", "dispo test: warning: dispo.conf: unknown group [frobnicate] "
	                              "(its settings are ignored; "
	                              "the groups are [general], [calendar], [limits], [store], "
	                              "[intake], [policy], [letter], "
	                              "[bsre], [smtp] and [imap])\n"},
	    {"[general]\ndata_dri = /srv/x\n", "dispo test: warning: dispo.conf: unknown key "
	                                       "data_dri in [general] (ignored); did you "
	                                       "mean data_dir?\n"},
	    {"[store]\nadmin_address = a@kuduskab.go.id\n",
	     "dispo test: warning: dispo.conf: unknown key admin_address in [store] (ignored); it "
	     "belongs in [general]\n"},
	    {"[general]\ntimeout = 1s\n", "dispo test: warning: dispo.conf: unknown key timeout in "
	                                  "[general] (ignored); it belongs "
	                                  "in [smtp] or [imap]\n"},
	    {"[policy]\nzzz = 1\n", "dispo test: warning: dispo.conf: unknown key zzz in [policy] "
	                            "(ignored)\n"},
	    {"[general]\ndata_dir = /srv/x\nadmin_address = a@kuduskab.go.id\n", ""},
	};
	g_autofree char *dir = test_tmpdir("config-unknown");
	g_autofree char *path = g_build_filename(dir, "err", NULL);
	int fd;

	(void)state;
	fd = open(path, O_RDWR | O_CREAT | O_APPEND, 0600);
	assert_true(fd >= 0);
	dispo_log_init("dispo test");
	dispo_log_set_fd(fd, false);
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		GError *e = NULL;
		g_autofree char *text = g_strconcat(
		    "[policy]\ntrusted_authserv_id = mx.kuduskab.go.id\n", cases[i].text, NULL);
		dispo_config *c = dispo_config_load_data(text, "dispo.conf", "/etc/dispo", &e);
		g_autofree char *got = log_capture_read(fd);

		if (!c)
			fail_msg("case %zu: %s", i, e->message);
		if (strcmp(got, cases[i].want) != 0)
			fail_msg("case %zu: want '%s', got '%s'", i, cases[i].want, got);
		/* What a misspelt group held is not applied. */
		if (i == 0)
			assert_string_equal(c->data_dir, "/var/lib/dispo");
		if (i == 1)
			assert_null(c->smtp_url);
		dispo_config_free(c);
	}
	dispo_log_set_fd(STDERR_FILENO, false);
	close(fd);
	dispo_remove_tree(dir, NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_size_parse),
	    cmocka_unit_test(test_size_format),
	    cmocka_unit_test(test_duration_parse),
	    cmocka_unit_test(test_time),
	    cmocka_unit_test(test_utf8),
	    cmocka_unit_test(test_sha256),
	    cmocka_unit_test(test_file_write_atomic),
	    cmocka_unit_test(test_file_publish),
	    cmocka_unit_test(test_config_default),
	    cmocka_unit_test(test_config_limits),
	    cmocka_unit_test(test_config_file),
	    cmocka_unit_test(test_config_paths),
	    cmocka_unit_test(test_config_errors),
	    cmocka_unit_test(test_config_imap),
	    cmocka_unit_test(test_config_letter),
	    cmocka_unit_test(test_config_missing_file),
	    cmocka_unit_test(test_log_format),
	    cmocka_unit_test(test_log_journal_stream),
	    cmocka_unit_test(test_log_glib),
	    cmocka_unit_test(test_suggest),
	    cmocka_unit_test(test_config_unknown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
