/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-mustache.c: the renderer against the official mustache spec, its
 * syntax errors and limits, the email header block, and templates read from
 * a directory with the fallback to id/. */
#include "config.h"

#include "template/template.h"

#include "testutil.h"

#include <gio/gio.h>

static JsonNode *
json(const char *text)
{
	g_autoptr(JsonParser) p = json_parser_new();
	GError *e = NULL;

	if (!json_parser_load_from_data(p, text, -1, &e))
		fail_msg("bad test JSON %s: %s", text, e->message);
	return json_node_copy(json_parser_get_root(p));
}

/* ---- the spec ----------------------------------------------------------- */

/* Runs every test of one spec file; reports all failures, then fails. The
 * optional modules (files starting with '~': lambdas, dynamic names,
 * inheritance) are not run: lambdas need code in the data, which JSON data
 * from the workflow never has, and the other two are extensions the email
 * templates do not use. */
static void
spec_file(const char *file)
{
	g_autofree char *dir = test_shared("mustache-spec");
	g_autofree char *path = NULL;
	g_autoptr(JsonParser) parser = json_parser_new();
	GError *e = NULL;
	JsonArray *tests;
	unsigned failed = 0;

	if (!dir)
		skip();
	path = g_build_filename(dir, file, NULL);
	if (!json_parser_load_from_file(parser, path, &e))
		fail_msg("%s: %s", path, e->message);
	tests = json_object_get_array_member(json_node_get_object(json_parser_get_root(parser)),
	                                     "tests");
	assert_non_null(tests);
	assert_true(json_array_get_length(tests) > 0);
	for (guint i = 0; i < json_array_get_length(tests); i++) {
		JsonObject *t = json_array_get_object_element(tests, i);
		const char *name = json_object_get_string_member(t, "name");
		g_autoptr(GHashTable) partials =
		    g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
		g_autofree char *got = NULL;

		if (json_object_has_member(t, "partials")) {
			JsonObject *ps = json_object_get_object_member(t, "partials");
			g_autoptr(GList) names = json_object_get_members(ps);
			for (GList *l = names; l; l = l->next)
				g_hash_table_insert(
				    partials, g_strdup(l->data),
				    g_strdup(json_object_get_string_member(ps, l->data)));
		}
		got = template_render(json_object_get_string_member(t, "template"),
		                      json_object_get_member(t, "data"), partials,
		                      DISPO_TEMPLATE_ESCAPE_HTML, &e);
		if (!got) {
			print_message("FAIL %s \"%s\": error %s\n", file, name, e->message);
			g_clear_error(&e);
			failed++;
		} else if (strcmp(got, json_object_get_string_member(t, "expected")) != 0) {
			g_autofree char *want =
			    g_strescape(json_object_get_string_member(t, "expected"), NULL);
			g_autofree char *have = g_strescape(got, NULL);
			print_message("FAIL %s \"%s\":\n  want \"%s\"\n  got  \"%s\"\n", file, name,
			              want, have);
			failed++;
		}
	}
	if (failed)
		fail_msg("%s: %u of %u spec tests failed", file, failed,
		         json_array_get_length(tests));
}

static void
test_spec_comments(void **state)
{
	spec_file("comments.json");
}
static void
test_spec_delimiters(void **state)
{
	spec_file("delimiters.json");
}
static void
test_spec_interpolation(void **state)
{
	spec_file("interpolation.json");
}
static void
test_spec_inverted(void **state)
{
	spec_file("inverted.json");
}
static void
test_spec_partials(void **state)
{
	spec_file("partials.json");
}
static void
test_spec_sections(void **state)
{
	spec_file("sections.json");
}

/* ---- values and escaping ------------------------------------------------ */

static void
test_values(void **state)
{
	static const struct {
		const char *tmpl, *data;
		dispo_template_escape escape;
		const char *want;
	} cases[] = {
	    {"{{x}}", "{\"x\": \"a & <b> \\\"c\\\" 'd'\"}", DISPO_TEMPLATE_ESCAPE_HTML,
	     "a &amp; &lt;b&gt; &quot;c&quot; 'd'"},
	    {"{{x}}", "{\"x\": \"a & <b> \\\"c\\\"\"}", DISPO_TEMPLATE_ESCAPE_NONE,
	     "a & <b> \"c\""},
	    {"{{{x}}}", "{\"x\": \"<b>\"}", DISPO_TEMPLATE_ESCAPE_HTML, "<b>"},
	    {"{{x}} {{y}} {{z}}", "{\"x\": 1.5, \"y\": 85, \"z\": 3.0}", DISPO_TEMPLATE_ESCAPE_NONE,
	     "1.5 85 3"},
	    {"{{x}}", "{\"x\": 0.1}", DISPO_TEMPLATE_ESCAPE_NONE, "0.1"},
	    {"{{x}}", "{\"x\": -1234567890123}", DISPO_TEMPLATE_ESCAPE_NONE, "-1234567890123"},
	    {"{{x}}|{{y}}", "{\"x\": true, \"y\": false}", DISPO_TEMPLATE_ESCAPE_NONE,
	     "true|false"},
	    {"[{{x}}][{{y}}]", "{\"x\": {\"a\": 1}, \"y\": [1, 2]}", DISPO_TEMPLATE_ESCAPE_NONE,
	     "[][]"},
	    /* the empty string is falsey, see truthy() */
	    {"{{#r}}Alasan: {{r}}{{/r}}{{^r}}-{{/r}}", "{\"r\": \"\"}", DISPO_TEMPLATE_ESCAPE_NONE,
	     "-"},
	    {"{{#r}}Alasan: {{r}}{{/r}}", "{\"r\": \"berkas\"}", DISPO_TEMPLATE_ESCAPE_NONE,
	     "Alasan: berkas"},
	    {"{{#n}}{{.}}{{/n}}", "{\"n\": 0}", DISPO_TEMPLATE_ESCAPE_NONE, "0"},
	    {"Yth. {{nama}} 🙏", "{\"nama\": \"Hélène Siti Rahayu\"}", DISPO_TEMPLATE_ESCAPE_HTML,
	     "Yth. Hélène Siti Rahayu 🙏"},
	    {"{{a.b}}", "[1]", DISPO_TEMPLATE_ESCAPE_NONE, ""},
	    {"{{.}}", "\"root\"", DISPO_TEMPLATE_ESCAPE_NONE, "root"},
	};

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autoptr(JsonNode) data = json(cases[i].data);
		GError *e = NULL;
		g_autofree char *got =
		    template_render(cases[i].tmpl, data, NULL, cases[i].escape, &e);
		if (!got)
			fail_msg("case %zu %s: %s", i, cases[i].tmpl, e->message);
		if (strcmp(got, cases[i].want) != 0)
			fail_msg("case %zu %s: got \"%s\", want \"%s\"", i, cases[i].tmpl, got,
			         cases[i].want);
		assert_true(g_utf8_validate(got, -1, NULL));
	}
}

/* ---- syntax errors ------------------------------------------------------ */

static void
test_syntax_errors(void **state)
{
	static const struct {
		const char *tmpl;
		const char *want; /* the whole message starts with this */
	} cases[] = {
	    {"a\n{{#items}}\nx\n", "2:1: unclosed section \"items\""},
	    {"{{#a}}{{#b}}{{/a}}{{/b}}",
	     "1:13: closing tag \"a\" does not match section \"b\" opened at 1:7"},
	    {"ok\n  {{/a}}", "2:3: closing tag \"a\" without an open section"},
	    {"Hello {{name", "1:7: unclosed tag"},
	    {"é {{{name}}", "1:3: unclosed tag"},
	    {"{{=<% %>}}", "1:1: unclosed tag"},
	    {"{{= x =}}", "1:1: bad delimiter change"},
	    {"{{=a b c=}}", "1:1: bad delimiter change"},
	    {"{{=<%= %>=}}", "1:1: bad delimiter change"},
	    {"{{=<% %>=}}\n<%#a%><%/b%>", "2:7: closing tag \"b\" does not match"},
	    {"{{=<% %>=}}{{x}}<%x", "1:17: unclosed tag: no \"%>\""},
	    {"x {{}}", "1:3: empty tag name"},
	    {"{{a b}}", "1:1: invalid name \"a b\""},
	    {"{{a..b}}", "1:1: invalid name \"a..b\": empty part"},
	    {"{{#.a}}{{/.a}}", "1:1: invalid name"},
	    {"{{! never closed", "1:1: unclosed tag"},
	    {"ok \xff {{x}}", "1:4: invalid UTF-8"},
	};

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		GError *e = NULL;
		g_autofree char *got =
		    template_render(cases[i].tmpl, NULL, NULL, DISPO_TEMPLATE_ESCAPE_HTML, &e);
		if (got)
			fail_msg("case %zu \"%s\": rendered \"%s\", want an error", i,
			         cases[i].tmpl, got);
		assert_true(g_error_matches(e, DISPO_TEMPLATE_ERROR, DISPO_TEMPLATE_ERROR_SYNTAX));
		if (!g_str_has_prefix(e->message, cases[i].want))
			fail_msg("case %zu: message \"%s\", want \"%s…\"", i, e->message,
			         cases[i].want);
		g_clear_error(&e);
	}
}

static void
test_partial_errors(void **state)
{
	g_autoptr(GHashTable) partials = g_hash_table_new(g_str_hash, g_str_equal);
	GError *e = NULL;
	char *got;

	g_hash_table_insert(partials, "bad", "line\n{{#x}}");
	got = template_render("a {{>bad}}", NULL, partials, DISPO_TEMPLATE_ESCAPE_HTML, &e);
	assert_null(got);
	assert_true(g_error_matches(e, DISPO_TEMPLATE_ERROR, DISPO_TEMPLATE_ERROR_SYNTAX));
	assert_string_equal(e->message, "2:1: unclosed section \"x\" (in partial \"bad\")");
	g_clear_error(&e);
}

/* ---- limits ------------------------------------------------------------- */

static void
test_recursion_bound(void **state)
{
	g_autoptr(GHashTable) partials = g_hash_table_new(g_str_hash, g_str_equal);
	g_autoptr(GString) data = g_string_new(NULL);
	g_autoptr(GString) want = g_string_new(NULL);
	g_autoptr(JsonNode) node = NULL;
	g_autofree char *got = NULL;
	GError *e = NULL;

	/* A partial that includes itself unconditionally stops at the bound. */
	g_hash_table_insert(partials, "self", "x{{>self}}");
	got = template_render("{{>self}}", NULL, partials, DISPO_TEMPLATE_ESCAPE_HTML, &e);
	assert_null(got);
	assert_true(g_error_matches(e, DISPO_TEMPLATE_ERROR, DISPO_TEMPLATE_ERROR_LIMIT));
	assert_non_null(strstr(e->message, "partials nested deeper than 64"));
	g_clear_error(&e);

	/* Two partials that include each other, standalone (so each level
	 * indents the next): the same. */
	g_hash_table_insert(partials, "a", "  {{>b}}\n");
	g_hash_table_insert(partials, "b", "  {{>a}}\n");
	got = template_render("{{>a}}", NULL, partials, DISPO_TEMPLATE_ESCAPE_HTML, &e);
	assert_null(got);
	assert_true(g_error_matches(e, DISPO_TEMPLATE_ERROR, DISPO_TEMPLATE_ERROR_LIMIT));
	g_clear_error(&e);

	/* Recursion that ends inside the bound renders: 59 levels of data. */
	g_hash_table_insert(partials, "tree", "({{#n}}{{>tree}}{{/n}})");
	for (int i = 0; i < 59; i++) {
		g_string_append(data, "{\"n\":");
		g_string_append_c(want, '(');
	}
	/* false, not a value: a truthy leaf would find the n of its parent
	 * context and recurse again */
	g_string_append(data, "false");
	for (int i = 0; i < 59; i++) {
		g_string_append(data, "}");
		g_string_append_c(want, ')');
	}
	node = json(data->str);
	got = template_render("{{>tree}}", node, partials, DISPO_TEMPLATE_ESCAPE_HTML, &e);
	if (!got)
		fail_msg("%s", e->message);
	assert_string_equal(got, want->str);
}

static void
test_work_bound(void **state)
{
	g_autoptr(GHashTable) partials = g_hash_table_new(g_str_hash, g_str_equal);
	g_autofree char *js = g_strdup_printf("{\"a\": true, \"l\": [1,2,3,4,5,6,7,8,9,10], "
	                                      "\"big\": \"%01000d\"}",
	                                      0);
	g_autoptr(JsonNode) data = json(js);
	g_autoptr(GTimer) timer = g_timer_new();
	static const struct {
		const char *tmpl, *err;
	} cases[] = {
	    /* 2^64 calls, no output: stopped by the partial depth */
	    {"{{>p}}", "partials nested deeper"},
	    /* 10^8 visits, no output */
	    {"{{#l}}{{#l}}{{#l}}{{#l}}{{#l}}{{#l}}{{#l}}{{#l}}"
	     "{{/l}}{{/l}}{{/l}}{{/l}}{{/l}}{{/l}}{{/l}}{{/l}}",
	     "too much work"},
	    /* 10^7 × 1000 bytes */
	    {"{{#l}}{{#l}}{{#l}}{{#l}}{{#l}}{{#l}}{{#l}}{{{big}}}"
	     "{{/l}}{{/l}}{{/l}}{{/l}}{{/l}}{{/l}}{{/l}}",
	     "output exceeds"},
	};

	g_hash_table_insert(partials, "p", "{{#a}}{{>p}}{{>p}}{{/a}}");
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		GError *e = NULL;
		g_autofree char *got =
		    template_render(cases[i].tmpl, data, partials, DISPO_TEMPLATE_ESCAPE_NONE, &e);
		assert_null(got);
		assert_true(g_error_matches(e, DISPO_TEMPLATE_ERROR, DISPO_TEMPLATE_ERROR_LIMIT));
		if (!strstr(e->message, cases[i].err))
			fail_msg("case %zu: \"%s\", want \"%s\"", i, e->message, cases[i].err);
		g_clear_error(&e);
	}
	assert_true(g_timer_elapsed(timer, NULL) < 20.0);
}

/* ---- the header block --------------------------------------------------- */

static void
test_email_parse(void **state)
{
	static const struct {
		const char *in;
		const char *subject; /* NULL: an error whose message contains err */
		const char *headers; /* name=value;… */
		const char *body;
		const char *err;
	} cases[] = {
	    {"Subject: Halo\n\nIsi surat.\n", "Halo", "", "Isi surat.\n", NULL},
	    /* folding: continuation lines join with one space */
	    {"Subject: Permohonan\n  sertifikat\n\tbaru\nCc: a@x.go.id\n\nB\n",
	     "Permohonan sertifikat baru", "Cc=a@x.go.id", "B\n", NULL},
	    /* CRLF throughout; body ends in exactly one \n */
	    {"Subject: A\r\nX-Dispo-Step: disposisi\r\n\r\nline 1\r\nline 2\r\n\r\n\r\n", "A",
	     "X-Dispo-Step=disposisi", "line 1\nline 2\n", NULL},
	    /* a lone CR is a line end too; no final newline gets one */
	    {"Subject: A\n\none\rtwo", "A", "", "one\ntwo\n", NULL},
	    /* whitespace collapses and trims; control characters go */
	    {"Subject:   a \t  b\x01\x7f c   \n\nB\n", "a b c", "", "B\n", NULL},
	    /* a blank-looking line (spaces only) ends the header block */
	    {"Subject: A\n   \nB\n", "A", "", "B\n", NULL},
	    /* empty Cc is dropped; header names are case-insensitive */
	    {"subject: A\nCC:   \nx-a: 1\n\n\n", "A", "x-a=1", "\n", NULL},
	    /* non-ASCII survives as UTF-8 */
	    {"Subject: Permohonan Hélène Ñ 🎉\n\nTerima kasih, Bu Hélène 🙏\n",
	     "Permohonan Hélène Ñ 🎉", "", "Terima kasih, Bu Hélène 🙏\n", NULL},
	    /* bidirectional overrides cannot reverse a subject */
	    {"Subject: a\u202Egnp.exe\n\nB\n", "agnp.exe", "", "B\n", NULL},
	    {"Cc: a@x.go.id\n\nbody\n", NULL, NULL, NULL, "no Subject header"},
	    {"Subject: A\nFrom: boss@x.go.id\n\nB\n", NULL, NULL, NULL,
	     "line 2: header \"From\" is set by dispo"},
	    {"Subject: A\nContent-Type: text/html\n\nB\n", NULL, NULL, NULL,
	     "line 2: header \"Content-Type\" is set by dispo"},
	    {"Subject: A\nMessage-ID: <x@y>\n\nB\n", NULL, NULL, NULL,
	     "line 2: header \"Message-ID\""},
	    {"Subject: A\nBcc: x@evil\n\nB\n", NULL, NULL, NULL,
	     "line 2: header \"Bcc\" is not allowed"},
	    {"Subject: A\nX-: b\n\nB\n", NULL, NULL, NULL, "line 2: header \"X-\" is not allowed"},
	    {"Subject: A\nBad Name: b\n\nB\n", NULL, NULL, NULL,
	     "line 2: \"Bad Name: b\" is not a header"},
	    {"Yth. Bapak,\n\nB\n", NULL, NULL, NULL, "line 1: \"Yth. Bapak,\" is not a header"},
	    {" folded: first\nSubject: A\n\nB\n", NULL, NULL, NULL, "line 1: a continuation line"},
	    /* headers only, no blank line: refused, see template_email_parse */
	    {"Subject: A\n", NULL, NULL, NULL, "no blank line after the header block"},
	    {"", NULL, NULL, NULL, "no blank line"},
	    {"\nSubject: A\n\nB\n", NULL, NULL, NULL, "no Subject header"},
	    {"Subject: A\nSubject: B\n\nB\n", NULL, NULL, NULL, "line 2: a second Subject"},
	    {"Subject: \x01 \n\nB\n", NULL, NULL, NULL, "line 1: the Subject is empty"},
	    {"Subject: \xc3\n\nB\n", NULL, NULL, NULL, "not valid UTF-8"},
	};

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		GError *e = NULL;
		g_autoptr(dispo_email_text) m = template_email_parse(cases[i].in, &e);
		g_autoptr(GString) hs = g_string_new(NULL);

		if (!cases[i].subject) {
			if (m)
				fail_msg("case %zu: parsed, want error \"%s\"", i, cases[i].err);
			assert_true(
			    g_error_matches(e, DISPO_TEMPLATE_ERROR, DISPO_TEMPLATE_ERROR_INVALID));
			if (!strstr(e->message, cases[i].err))
				fail_msg("case %zu: message \"%s\", want \"%s\"", i, e->message,
				         cases[i].err);
			g_clear_error(&e);
			continue;
		}
		if (!m)
			fail_msg("case %zu: %s", i, e->message);
		assert_string_equal(m->subject, cases[i].subject);
		for (guint k = 0; k + 1 < m->headers->len; k += 2)
			g_string_append_printf(hs, "%s%s=%s", k ? ";" : "",
			                       (char *)m->headers->pdata[k],
			                       (char *)m->headers->pdata[k + 1]);
		assert_string_equal(hs->str, cases[i].headers);
		assert_string_equal(m->body, cases[i].body);
		assert_true(g_utf8_validate(m->subject, -1, NULL));
		assert_true(g_utf8_validate(m->body, -1, NULL));
	}
}

/* ---- templates from a directory ----------------------------------------- */

static void
write_file(const char *dir, const char *rel, const char *text)
{
	g_autofree char *path = g_build_filename(dir, rel, NULL);
	g_autofree char *parent = g_path_get_dirname(path);

	g_mkdir_with_parents(parent, 0700);
	if (!g_file_set_contents(path, text, -1, NULL))
		fail_msg("cannot write %s", path);
}

static void
test_email_render_dir(void **state)
{
	g_autofree char *dir = test_tmpdir("template");
	g_autofree char *uri = NULL;
	g_autoptr(JsonNode) data = json(
	    "{\"nama\": \"Hélène Siti\", \"nomor\": \"SE-2026-000123\", \"alasan\": \"a < b\"}");
	g_autoptr(dispo_email_text) m = NULL;
	GError *e = NULL;

	write_file(
	    dir, "id/ack.mustache",
	    "Subject: [{{nomor}}] Permohonan diterima\n\nYth. {{nama}},\n{{#alasan}}Catatan: "
	    "{{alasan}}\n{{/alasan}}\n{{>footer}}\n");
	write_file(dir, "id/footer.mustache", "-- \nDiskominfo Kudus\n");
	write_file(dir, "id/only-id.mustache", "Subject: hanya id\n\n  {{>footer}}\n");
	write_file(dir, "en/ack.mustache",
	           "Subject: [{{nomor}}] Application received\n\nDear {{nama}},\n{{>footer}}\n");
	write_file(dir, "en/footer.mustache", "-- \nKudus Communication Office\n");
	write_file(dir, "en/broken.mustache", "Subject: x\n\n{{#a}}\n");
	write_file(dir, "en/loop.mustache", "Subject: x\n\n{{>loop}}\n");
	write_file(dir, "en/nopartial.mustache", "Subject: x\n\n{{>nothere}}\n");
	write_file(dir, "en/climb.mustache", "Subject: x\n\n{{>../id/footer}}\n");

	m = template_email_render(dir, "id", "ack", data, &e);
	if (!m)
		fail_msg("%s", e->message);
	assert_string_equal(m->subject, "[SE-2026-000123] Permohonan diterima");
	/* no HTML escaping in text emails */
	assert_string_equal(m->body, "Yth. Hélène Siti,\nCatatan: a < b\n-- \nDiskominfo Kudus\n");
	g_clear_pointer(&m, template_email_free);

	/* en has its own template and footer */
	m = template_email_render(dir, "en", "ack", data, &e);
	assert_non_null(m);
	assert_string_equal(m->body, "Dear Hélène Siti,\n-- \nKudus Communication Office\n");
	g_clear_pointer(&m, template_email_free);

	/* en lacks only-id: the id template, with the id footer (indented) */
	m = template_email_render(dir, "en", "only-id", data, &e);
	if (!m)
		fail_msg("%s", e->message);
	assert_string_equal(m->subject, "hanya id");
	assert_string_equal(m->body, "  -- \n  Diskominfo Kudus\n");
	g_clear_pointer(&m, template_email_free);
	assert_true(template_exists(dir, "en", "only-id"));
	assert_true(template_exists(dir, "en", "ack"));
	assert_false(template_exists(dir, "en", "nothing"));
	assert_false(template_exists(dir, "en", "../id/ack"));
	assert_false(template_exists(dir, "id", "footer/"));

	/* a file:// URI goes through the same GIO path */
	uri = g_filename_to_uri(dir, NULL, NULL);
	m = template_email_render(uri, "xx", "ack", data, &e);
	if (!m)
		fail_msg("%s", e->message);
	assert_string_equal(m->subject, "[SE-2026-000123] Permohonan diterima");
	g_clear_pointer(&m, template_email_free);
	assert_true(template_exists(uri, "en", "ack"));

	/* not found names both paths it looked for */
	m = template_email_render(dir, "en", "missing", data, &e);
	assert_null(m);
	assert_true(g_error_matches(e, DISPO_TEMPLATE_ERROR, DISPO_TEMPLATE_ERROR_NOT_FOUND));
	assert_non_null(strstr(e->message, "en/missing.mustache"));
	assert_non_null(strstr(e->message, "id/missing.mustache"));
	g_clear_error(&e);

	/* errors carry the file's path and the line:col */
	m = template_email_render(dir, "en", "broken", data, &e);
	assert_null(m);
	assert_true(g_error_matches(e, DISPO_TEMPLATE_ERROR, DISPO_TEMPLATE_ERROR_SYNTAX));
	assert_non_null(strstr(e->message, "en/broken.mustache:3:1: unclosed section \"a\""));
	g_clear_error(&e);

	m = template_email_render(dir, "en", "loop", data, &e);
	assert_null(m);
	assert_true(g_error_matches(e, DISPO_TEMPLATE_ERROR, DISPO_TEMPLATE_ERROR_LIMIT));
	g_clear_error(&e);

	/* a missing partial is an error in an email, not an empty string */
	m = template_email_render(dir, "en", "nopartial", data, &e);
	assert_null(m);
	assert_true(g_error_matches(e, DISPO_TEMPLATE_ERROR, DISPO_TEMPLATE_ERROR_NOT_FOUND));
	assert_non_null(strstr(e->message, "en/nothere.mustache"));
	g_clear_error(&e);

	m = template_email_render(dir, "en", "climb", data, &e);
	assert_null(m);
	assert_non_null(strstr(e->message, "invalid partial name"));
	g_clear_error(&e);

	m = template_email_render(dir, "../en", "ack", data, &e);
	assert_null(m);
	g_clear_error(&e);

	/* an invalid UTF-8 template is refused */
	write_file(dir, "id/latin1.mustache", "Subject: caf\xe9\n\nB\n");
	m = template_email_render(dir, "id", "latin1", data, &e);
	assert_null(m);
	assert_non_null(strstr(e->message, "invalid UTF-8"));
	g_clear_error(&e);

	test_rm_rf(dir);
}

/* An applicant's name goes into the Subject: whatever it holds, it must not
 * add a header (Bcc, or an allowed Cc) or end the header block early. */
static void
test_email_injection(void **state)
{
	g_autofree char *dir = test_tmpdir("template");
	static const struct {
		const char *nama;
		const char *subject;
	} cases[] = {
	    {"Budi\\r\\nBcc: x@evil.example", "Permohonan Budi Bcc: x@evil.example"},
	    {"Budi\\nCc: victim@x.go.id", "Permohonan Budi Cc: victim@x.go.id"},
	    {"Budi\\n\\nInjected body", "Permohonan Budi Injected body"},
	    {"Budi\\r\\n X-Folded: y", "Permohonan Budi X-Folded: y"},
	    {"\\u0001Budi\\u001b[31m\\u0085\\u2028Santoso", "Permohonan Budi[31m Santoso"},
	    {"Siti Nurhaliza 😀 é", "Permohonan Siti Nurhaliza 😀 é"},
	};

	write_file(dir, "id/ack.mustache",
	           "Subject: Permohonan {{nama}}\nCc: {{cc}}\n\nNama: {{{nama}}}\n");
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autofree char *js = g_strdup_printf("{\"nama\": \"%s\"}", cases[i].nama);
		g_autoptr(JsonNode) data = json(js);
		g_autoptr(dispo_email_text) m = NULL;
		GError *e = NULL;

		m = template_email_render(dir, "id", "ack", data, &e);
		if (!m)
			fail_msg("case %zu: %s", i, e->message);
		assert_string_equal(m->subject, cases[i].subject);
		/* Cc: {{cc}} with no cc is dropped; nothing else appears */
		if (m->headers->len != 0)
			fail_msg("case %zu: header %s appeared", i, (char *)m->headers->pdata[0]);
		/* the body keeps the value's lines (text/plain), with \n ends */
		assert_true(g_str_has_prefix(m->body, "Nama: "));
		assert_null(strchr(m->body, '\r'));
		assert_true(g_utf8_validate(m->body, -1, NULL));
	}
	test_rm_rf(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_spec_comments),
	    cmocka_unit_test(test_spec_delimiters),
	    cmocka_unit_test(test_spec_interpolation),
	    cmocka_unit_test(test_spec_inverted),
	    cmocka_unit_test(test_spec_partials),
	    cmocka_unit_test(test_spec_sections),
	    cmocka_unit_test(test_values),
	    cmocka_unit_test(test_syntax_errors),
	    cmocka_unit_test(test_partial_errors),
	    cmocka_unit_test(test_recursion_bound),
	    cmocka_unit_test(test_work_bound),
	    cmocka_unit_test(test_email_parse),
	    cmocka_unit_test(test_email_render_dir),
	    cmocka_unit_test(test_email_injection),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
