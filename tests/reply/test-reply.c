/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-reply.c: the new text of replies (shared fixtures from two reply
 * parsers, and dispo's own replies from the clients officials use) and the
 * command in it. */
#include "config.h"

#include "reply/reply.h"

#include "testutil.h"

#include <json-glib/json-glib.h>

static const char *const vocab[] = {"SETUJU",  "APPROVE",    "TERUSKAN", "FORWARD", "TOLAK",
                                    "REJECT",  "KEMBALIKAN", "RETURN",   "CATATAN", "NOTE",
                                    "SELESAI", "DONE",       NULL};
static const char *const canon[] = {"approve", "approve", "forward", "forward", "reject",
                                    "reject",  "return",  "return",  "note",    "note",
                                    "done",    "done",    NULL};

/* ---- shared fixtures ------------------------------------------------------ */

/* Where the two upstream parsers and dispo disagree on what a signature is.
 * Everything else in their assertions must hold. */
static const struct {
	const char *file;
	const char *reason;
} shared_skips[] = {
    /* github strips "-Abhishek Kona" (a line "-Name") as a signature; crisp
     * keeps the same line on the same text (its email_1 visible_text), and
     * so do we: a "-" line may be an official's bullet. */
    {"github-email_reply_parser/test/emails/email_1_1.txt", "'-Name' line is not a signature"},
    {"github-email_reply_parser/test/emails/email_1_3.txt", "'-Name' line is not a signature"},
    /* We strip a closing ("Sincerely,") followed by a name as a signature,
     * which is what lets a TOLAK reason end before "Salam,\nKabid …". */
    {"crisp-oss-email-reply-parser/test/fixtures/email_not_a_signature.txt",
     "'Sincerely,' + name is a signature to us"},
};

static const char *
skip_reason(const char *rel)
{
	for (size_t i = 0; i < G_N_ELEMENTS(shared_skips); i++)
		if (strcmp(shared_skips[i].file, rel) == 0)
			return shared_skips[i].reason;
	return NULL;
}

/* CR LF to LF, trailing blanks off every line, trimmed: how both upstream
 * files state their expectations. */
static char *
normalise(const char *raw)
{
	g_auto(GStrv) lines = NULL;
	GString *s = g_string_new(NULL);
	g_autofree char *lf = NULL;
	GRegex *crlf = g_regex_new("\r\n?", 0, 0, NULL);

	lf = g_regex_replace_literal(crlf, raw, -1, 0, "\n", 0, NULL);
	g_regex_unref(crlf);
	lines = g_strsplit(lf, "\n", -1);
	for (size_t i = 0; lines[i]; i++) {
		g_strchomp(lines[i]);
		if (i > 0)
			g_string_append_c(s, '\n');
		g_string_append(s, lines[i]);
	}
	g_strstrip(s->str);
	return g_string_free(s, FALSE);
}

static bool
flag_at(JsonObject *c, const char *member, guint i, bool *value)
{
	JsonArray *a;
	JsonNode *n;

	if (!json_object_has_member(c, member))
		return false;
	a = json_object_get_array_member(c, member);
	if (i >= json_array_get_length(a))
		return false;
	n = json_array_get_element(a, i);
	if (JSON_NODE_HOLDS_NULL(n))
		return false;
	*value = json_node_get_boolean(n);
	return true;
}

static const char *
expand(JsonObject *root, const char *value)
{
	if (value && strcmp(value, "$COMMON_FIRST_FRAGMENT") == 0)
		return json_object_get_string_member(root, "COMMON_FIRST_FRAGMENT");
	return value;
}

/* Only fragment 0 is visible: all later ones hidden, or (crisp, which
 * states no hidden flags for these) the first fragment is not quoted. */
static bool
only_first_visible(JsonObject *c)
{
	bool h;

	if (json_object_has_member(c, "hidden")) {
		JsonArray *a = json_object_get_array_member(c, "hidden");
		if (flag_at(c, "hidden", 0, &h) && h)
			return false;
		for (guint i = 1; i < json_array_get_length(a); i++)
			if (!flag_at(c, "hidden", i, &h) || !h)
				return false;
		return true;
	}
	if (flag_at(c, "quoted", 0, &h) && h)
		return false;
	/* Without flags, only cases that say nothing about later fragments
	 * but that they exist (the multilingual crisp cases) qualify. */
	if (json_object_has_member(c, "fragments")) {
		JsonArray *frags = json_object_get_array_member(c, "fragments");
		for (guint i = 0; i < json_array_get_length(frags); i++)
			if (json_object_get_int_member(json_array_get_object_element(frags, i),
			                               "index") >= 2)
				return false;
	}
	return !json_object_has_member(c, "fragment_count") ||
	       json_object_get_int_member(c, "fragment_count") <= 3;
}

/* What reply_visible_text must return exactly, when the case says. */
static char *
exact_expectation(JsonObject *root, JsonObject *c, const char *raw)
{
	bool f;

	if (json_object_has_member(c, "visible_text"))
		return normalise(json_object_get_string_member(c, "visible_text"));
	if (json_object_has_member(c, "visible_text_trimmed"))
		return normalise(
		    expand(root, json_object_get_string_member(c, "visible_text_trimmed")));
	if (json_object_has_member(c, "fragments") && only_first_visible(c)) {
		JsonArray *frags = json_object_get_array_member(c, "fragments");
		for (guint i = 0; i < json_array_get_length(frags); i++) {
			JsonObject *fr = json_array_get_object_element(frags, i);
			if (json_object_get_int_member(fr, "index") != 0)
				continue;
			if (json_object_has_member(fr, "equals"))
				return normalise(json_object_get_string_member(fr, "equals"));
			if (json_object_has_member(fr, "trimmed_equals"))
				return normalise(expand(
				    root, json_object_get_string_member(fr, "trimmed_equals")));
		}
	}
	if (json_object_has_member(c, "fragment_count") &&
	    json_object_get_int_member(c, "fragment_count") == 1 &&
	    !(flag_at(c, "signature", 0, &f) && f) && !(flag_at(c, "quoted", 0, &f) && f))
		return normalise(raw);
	return NULL;
}

static bool
regex_finds(const char *pattern, GRegexCompileFlags flags, const char *text)
{
	g_autoptr(GRegex) re = g_regex_new(pattern, flags, 0, NULL);

	if (!re)
		fail_msg("bad pattern %s", pattern);
	return g_regex_match(re, text, 0, NULL);
}

/* One fragment assertion against our visible text: found when the fragment
 * is visible, absent when it is hidden. Returns a failure message or NULL. */
static char *
fragment_check(JsonObject *root, JsonObject *c, JsonObject *fr, bool multiline_regex,
               const char *got)
{
	gint64 idx = json_object_get_int_member(fr, "index");
	bool hidden = false;
	bool quoted = false;
	bool known = flag_at(c, "hidden", (guint)idx, &hidden);
	bool want;
	GRegexCompileFlags fl = multiline_regex ? G_REGEX_MULTILINE : 0;

	/* Upstream shows a quote that has an answer below it; we never do. */
	if (flag_at(c, "quoted", (guint)idx, &quoted) && quoted) {
		known = true;
		hidden = true;
	}
	if (!known && idx != 0)
		return NULL; /* nothing stated about this fragment's visibility */
	want = known ? !hidden : true;
	if (json_object_has_member(fr, "matches")) {
		const char *re = json_object_get_string_member(fr, "matches");
		if (regex_finds(re, want ? fl : G_REGEX_MULTILINE, got) != want)
			return g_strdup_printf("fragment %d /%s/ %s", (int)idx, re,
			                       want ? "not found" : "found but hidden");
	}
	if (json_object_has_member(fr, "trimmed_matches_multiline")) {
		const char *re = json_object_get_string_member(fr, "trimmed_matches_multiline");
		if (regex_finds(re, G_REGEX_MULTILINE, got) != want)
			return g_strdup_printf("fragment %d /%s/m %s", (int)idx, re,
			                       want ? "not found" : "found but hidden");
	}
	for (int k = 0; k < 3; k++) {
		static const char *const members[] = {"contains", "equals", "trimmed_equals"};
		g_autofree char *s = NULL;
		if (!json_object_has_member(fr, members[k]))
			continue;
		s = normalise(expand(root, json_object_get_string_member(fr, members[k])));
		if (strlen(s) < 3)
			continue;
		if ((strstr(got, s) != NULL) != want)
			return g_strdup_printf("fragment %d %s '%.40s…' %s", (int)idx, members[k],
			                       s, want ? "not found" : "found but hidden");
	}
	return NULL;
}

/* Checks one case; returns the first failure, or NULL; *checked tells
 * whether the case asserted anything about the visible text. */
static char *
shared_case(JsonObject *root, JsonObject *c, const char *dir, bool github, bool *checked)
{
	const char *file = json_object_get_string_member(c, "file");
	g_autofree char *path = g_build_filename(dir, file, NULL);
	g_autofree char *raw = test_read(path, NULL);
	gint64 t0 = g_get_monotonic_time();
	g_autofree char *got = reply_visible_text(raw);
	double secs = (double)(g_get_monotonic_time() - t0) / G_USEC_PER_SEC;
	g_autofree char *exact = exact_expectation(root, c, raw);

	*checked = false;
	if (json_object_has_member(c, "max_seconds")) {
		*checked = true;
		if (secs > json_object_get_double_member(c, "max_seconds"))
			return g_strdup_printf("took %.2f s", secs);
	}
	if (exact) {
		*checked = true;
		if (strcmp(exact, got) != 0)
			return g_strdup_printf("visible text\n--- want\n%s\n--- got\n%s\n---",
			                       exact, got);
	}
	if (json_object_has_member(c, "fragments")) {
		JsonArray *frags = json_object_get_array_member(c, "fragments");
		for (guint i = 0; i < json_array_get_length(frags); i++) {
			JsonObject *fr = json_array_get_object_element(frags, i);
			char *why = fragment_check(root, c, fr, github, got);
			*checked = true;
			if (why)
				return why;
		}
	}
	return NULL;
}

static void
test_shared_fixtures(void **state)
{
	g_autofree char *base = test_shared("replies");
	static const char *const sets[] = {"github-email_reply_parser",
	                                   "crisp-oss-email-reply-parser"};
	unsigned total = 0, checked_n = 0, passed = 0, skipped = 0, failed = 0;

	if (!base)
		skip();
	for (size_t s = 0; s < G_N_ELEMENTS(sets); s++) {
		g_autofree char *dir = g_build_filename(base, sets[s], NULL);
		g_autofree char *json = g_build_filename(dir, "EXPECTED.json", NULL);
		g_autoptr(JsonParser) parser = json_parser_new();
		g_autoptr(GError) e = NULL;
		JsonObject *root;
		JsonArray *cases;

		if (!json_parser_load_from_file(parser, json, &e))
			fail_msg("%s: %s", json, e->message);
		root = json_node_get_object(json_parser_get_root(parser));
		cases = json_object_get_array_member(root, "cases");
		for (guint i = 0; i < json_array_get_length(cases); i++) {
			JsonObject *c = json_array_get_object_element(cases, i);
			g_autofree char *rel = g_build_filename(
			    sets[s], json_object_get_string_member(c, "file"), NULL);
			const char *reason = skip_reason(rel);
			bool checked = false;
			g_autofree char *why = shared_case(root, c, dir, s == 0, &checked);

			total++;
			checked_n += checked;
			if (reason) {
				/* a skip that starts passing is stale */
				if (!why)
					fail_msg("%s passes now: remove it from shared_skips", rel);
				skipped++;
			} else if (why) {
				print_error("%s: %s\n", rel, why);
				failed++;
			} else {
				passed += checked;
			}
		}
	}
	print_message("shared reply fixtures: %u cases, %u with assertions, %u pass, %u skipped, "
	              "%u fail\n",
	              total, checked_n, passed, skipped, failed);
	assert_int_equal(failed, 0);
	assert_true(passed >= 70);
}

/* ---- dispo's own replies -------------------------------------------------- */

typedef struct {
	char *client;
	char *status;
	char *command;
	char *argument;
	char *visible;
	char *body;
} own_case;

static void
own_case_clear(own_case *c)
{
	g_free(c->client);
	g_free(c->status);
	g_free(c->command);
	g_free(c->argument);
	g_free(c->visible);
	g_free(c->body);
}

/* "key: value" lines, "== visible", the expected text, "== body", the
 * body as the mime module hands it over. */
static void
own_case_parse(const char *path, own_case *c)
{
	g_autofree char *raw = test_read(path, NULL);
	g_autoptr(GString) text = g_string_new(raw);
	const char *vis = strstr(text->str, "\n== visible\n");
	const char *body = vis ? strstr(vis, "\n== body\n") : NULL;
	size_t v_at, b_at;
	g_auto(GStrv) head = NULL;

	if (!vis || !body)
		fail_msg("%s: no '== visible' / '== body' lines", path);
	v_at = (size_t)(vis - text->str);
	b_at = (size_t)(body - text->str);
	c->visible = g_strndup(text->str + v_at + strlen("\n== visible\n"),
	                       b_at - v_at - strlen("\n== visible\n"));
	c->body = g_strdup(text->str + b_at + strlen("\n== body\n"));
	g_string_truncate(text, v_at);
	head = g_strsplit(text->str, "\n", -1);
	for (size_t i = 0; head[i]; i++) {
		char *colon = strchr(head[i], ':');
		char *value;
		if (!colon)
			fail_msg("%s: header line '%s'", path, head[i]);
		*colon = '\0';
		value = colon[1] == ' ' ? colon + 2 : colon + 1;
		if (strcmp(head[i], "client") == 0)
			c->client = g_strdup(value);
		else if (strcmp(head[i], "status") == 0)
			c->status = g_strdup(value);
		else if (strcmp(head[i], "command") == 0)
			c->command = g_strdup(value);
		else if (strcmp(head[i], "argument") == 0)
			c->argument = g_strcompress(value);
		else
			fail_msg("%s: unknown key %s", path, head[i]);
	}
	if (!c->client || !c->status)
		fail_msg("%s: client and status are required", path);
}

static void
test_own_replies(void **state)
{
	g_autofree char *dir = test_srcdir("tests/reply/data");
	g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
	g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
	const char *name;

	assert_non_null(d);
	while ((name = g_dir_read_name(d)) != NULL)
		if (g_str_has_suffix(name, ".txt"))
			g_ptr_array_add(names, g_strdup(name));
	assert_true(names->len >= 30);
	for (guint i = 0; i < names->len; i++) {
		g_autofree char *path = g_build_filename(dir, names->pdata[i], NULL);
		own_case c = {0};
		g_autofree char *got = NULL;
		g_autofree char *cmd = NULL;
		g_autofree char *arg = NULL;
		dispo_reply_status st;

		own_case_parse(path, &c);
		got = reply_visible_text(c.body);
		if (strcmp(got, c.visible) != 0)
			fail_msg("%s (%s): visible text\n--- want\n%s\n--- got\n%s\n---",
			         (char *)names->pdata[i], c.client, c.visible, got);
		st = reply_command_find(got, vocab, canon, &cmd, &arg);
		if (strcmp(reply_status_name(st), c.status) != 0)
			fail_msg("%s (%s): status %s, want %s", (char *)names->pdata[i], c.client,
			         reply_status_name(st), c.status);
		if (st == DISPO_REPLY_COMMAND) {
			assert_non_null(c.command);
			assert_string_equal(cmd, c.command);
			assert_string_equal(arg, c.argument);
		} else {
			assert_null(cmd);
			assert_null(arg);
		}
		own_case_clear(&c);
	}
	print_message("own replies: %u\n", names->len);
}

/* ---- visible text, one rule at a time -------------------------------------- */

static void
test_visible_rules(void **state)
{
	static const struct {
		const char *body;
		const char *want;
	} cases[] = {
	    {NULL, ""},
	    {"", ""},
	    {"\n \n\t\n", ""},
	    {"> quoted only\n> more", ""},
	    {"\xC2\xA0\xE2\x80\x8BSETUJU\xC2\xA0\n", "SETUJU"},
	    {"SETUJU\r\n\r\n> old\r\n", "SETUJU"},
	    {"SETUJU\rTOLAK\r", "SETUJU\nTOLAK"},
	    /* an applicant's "Dari:" line in the official's own text stays */
	    {"CATATAN\nDari: Budi\nMinta dipercepat", "CATATAN\nDari: Budi\nMinta dipercepat"},
	    {"CATATAN\nDari: Budi\nKepada: Pak Kadin\nMinta dipercepat",
	     "CATATAN\nDari: Budi\nKepada: Pak Kadin\nMinta dipercepat"},
	    /* a real block: two labels and an address, or three labels */
	    {"SETUJU\n\nDari: Budi <budi@kuduskab.go.id>\nKepada: Admin\n\nold text", "SETUJU"},
	    {"SETUJU\nFrom: X\nDate: today\nSubject: y\nold text", "SETUJU"},
	    /* signatures */
	    {"SETUJU\n-- \nBudi", "SETUJU"},
	    {"SETUJU\n--\nBudi", "SETUJU"},
	    {"TOLAK\nalasan -- bukan tanda tangan", "TOLAK\nalasan -- bukan tanda tangan"},
	    {"SETUJU\n\nSent from my iPhone", "SETUJU"},
	    {"SETUJU\nDikirim dari iPhone saya", "SETUJU"},
	    {"SETUJU\nDikirim dari Yahoo Mail di Android", "SETUJU"},
	    {"SETUJU\nSent from Outlook for Android", "SETUJU"},
	    {"SETUJU\nSent from my desk, which is closer",
	     "SETUJU\nSent from my desk, which is closer"},
	    {"SETUJU\n\nSalam,\nBudi Santoso\nKasi TI", "SETUJU"},
	    {"SETUJU\nTerima kasih", "SETUJU\nTerima kasih"}, /* nothing below: not a closing */
	    {"Terima kasih\nBudi", "Terima kasih\nBudi"},     /* nothing above: the text itself */
	    {"TOLAK\nTerima kasih\nNIK salah", "TOLAK"}, /* documented cost of the closing rule */
	    /* reply headers */
	    {"SETUJU\n\nPada Sen, 23 Nov 2026 10.00, Dispo menulis:\n\nteks lama tanpa tanda",
	     "SETUJU"},
	    {"SETUJU\n---- On Wed, 24 Feb 2021 14:02:50 +0530 x@y.id wrote ----\nold", "SETUJU"},
	    {"SETUJU\n\n> Pada 23 Nov 2026, pukul 10.00, X <x@y.id> menulis:\n> lama", "SETUJU"},
	    {"On the surface this is text.\nOn 23 Nov we meet.",
	     "On the surface this is text.\nOn 23 Nov we meet."},
	    {"Lihat https://example.com/wrote:\nsaja", "Lihat https://example.com/wrote:\nsaja"},
	    /* an address or a name with a colon in the official's text is no header */
	    {"TOLAK\nMohon hubungi Budi <budi1@kuduskab.go.id>:\nNIK salah",
	     "TOLAK\nMohon hubungi Budi <budi1@kuduskab.go.id>:\nNIK salah"},
	    {"TOLAK\nKemarin Pak Budi 2 kali menulis:\nNIK salah",
	     "TOLAK\nKemarin Pak Budi 2 kali menulis:\nNIK salah"},
	    /* a Gmail header wrapped over three lines */
	    {"SETUJU\n\nPada tanggal Sen, 23 Nov 2026 pukul 10.00\ndispo Diskominfo Kudus "
	     "<sertifikat@kuduskab.go.id>\nmenulis:\n\n> lama",
	     "SETUJU"},
	    /* bottom-posting and inline answers keep their text */
	    {"On 23/11/2026 10.00, X wrote:\n> pertanyaan\n\nSETUJU", "SETUJU"},
	    {"> Mohon disposisi Bapak\nSETUJU\n> lanjutan", "SETUJU"},
	    /* a quote line the client wrapped is still quote */
	    {"SETUJU\n\n> Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod\n"
	     "tempor incididunt.\n> ut labore",
	     "SETUJU"},
	    /* the rule above a cut block goes with it */
	    {"SETUJU\n\n====\n\n-----Original Message-----\nold", "SETUJU"},
	    {"tabel\n----\nbaris", "tabel\n----\nbaris"},
	    /* invalid UTF-8 does not stop anything */
	    {"SETUJU\xff\xfe\n> old", "SETUJU\xEF\xBF\xBD\xEF\xBF\xBD"},
	    /* nor does a NUL, which the mail's text shows as U+FFFD: the text
	     * after it is the official's too */
	    {"SETUJU\xEF\xBF\xBD\nTOLAK\n\n> Mohon disposisi", "SETUJU\xEF\xBF\xBD\nTOLAK"},
	    {"SETUJU\xEF\xBF\xBD TOLAK\n-- \nBudi", "SETUJU\xEF\xBF\xBD TOLAK"},
	};
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autofree char *got = reply_visible_text(cases[i].body);
		if (strcmp(got, cases[i].want) != 0)
			fail_msg("case %zu: got '%s', want '%s'", i, got, cases[i].want);
	}
}

/* ---- commands ---------------------------------------------------------------- */

static void
test_command_table(void **state)
{
	static const struct {
		const char *text;
		dispo_reply_status status;
		const char *command;
		const char *argument;
	} cases[] = {
	    {"SETUJU", DISPO_REPLY_COMMAND, "approve", ""},
	    {"setuju.", DISPO_REPLY_COMMAND, "approve", ""},
	    {"Setuju", DISPO_REPLY_COMMAND, "approve", ""},
	    {"Setuju!", DISPO_REPLY_COMMAND, "approve", ""},
	    {"**SETUJU**", DISPO_REPLY_COMMAND, "approve", ""},
	    {"[SETUJU]", DISPO_REPLY_COMMAND, "approve", ""},
	    {"\"Setuju\"", DISPO_REPLY_COMMAND, "approve", ""},
	    {"Setuju, lanjutkan.", DISPO_REPLY_COMMAND, "approve", "lanjutkan."},
	    {"APPROVE", DISPO_REPLY_COMMAND, "approve", ""},
	    {"approve", DISPO_REPLY_COMMAND, "approve", ""},
	    {"TERUSKAN", DISPO_REPLY_COMMAND, "forward", ""},
	    {"Forward to Kasi TI", DISPO_REPLY_COMMAND, "forward", "to Kasi TI"},
	    {"TOLAK NIK tidak sesuai", DISPO_REPLY_COMMAND, "reject", "NIK tidak sesuai"},
	    {"TOLAK\nalasan di baris berikut", DISPO_REPLY_COMMAND, "reject",
	     "alasan di baris berikut"},
	    {"TOLAK:\nNIK tidak sesuai KTP\nScan buram", DISPO_REPLY_COMMAND, "reject",
	     "NIK tidak sesuai KTP\nScan buram"},
	    {"Tolak - surat rekomendasi belum ada", DISPO_REPLY_COMMAND, "reject",
	     "surat rekomendasi belum ada"},
	    {"[TOLAK NIK salah]", DISPO_REPLY_COMMAND, "reject", "NIK salah"},
	    {"REJECT: unreadable scan", DISPO_REPLY_COMMAND, "reject", "unreadable scan"},
	    {"KEMBALIKAN: lengkapi KTP", DISPO_REPLY_COMMAND, "return", "lengkapi KTP"},
	    {"Return, missing letter", DISPO_REPLY_COMMAND, "return", "missing letter"},
	    {"CATATAN mohon dipercepat", DISPO_REPLY_COMMAND, "note", "mohon dipercepat"},
	    {"Note: call the applicant", DISPO_REPLY_COMMAND, "note", "call the applicant"},
	    {"SELESAI 1234-5678-ABCD", DISPO_REPLY_COMMAND, "done", "1234-5678-ABCD"},
	    {"done", DISPO_REPLY_COMMAND, "done", ""},
	    {"\n\n  SETUJU  \n\n", DISPO_REPLY_COMMAND, "approve", ""},
	    /* greetings and acknowledgements before the command */
	    {"Yth. Admin,\nSETUJU", DISPO_REPLY_COMMAND, "approve", ""},
	    {"Yth. Bapak Kepala Dinas Kominfo\nDengan hormat,\n\nTOLAK\nNIK salah",
	     DISPO_REPLY_COMMAND, "reject", "NIK salah"},
	    {"Selamat pagi, setuju.", DISPO_REPLY_COMMAND, "approve", ""},
	    {"Selamat siang Pak, TOLAK karena NIK salah", DISPO_REPLY_COMMAND, "reject",
	     "karena NIK salah"},
	    {"Assalamualaikum wr. wb.\nSetuju", DISPO_REPLY_COMMAND, "approve", ""},
	    {"Halo admin setuju", DISPO_REPLY_COMMAND, "approve", ""},
	    {"Dear all,\n\nApprove", DISPO_REPLY_COMMAND, "approve", ""},
	    {"Hi team, approve", DISPO_REPLY_COMMAND, "approve", ""},
	    {"Ok, setuju", DISPO_REPLY_COMMAND, "approve", ""},
	    {"Baik pak, SETUJU", DISPO_REPLY_COMMAND, "approve", ""},
	    {"Yth. Bapak Kepala Dinas, setuju", DISPO_REPLY_COMMAND, "approve", ""},
	    {"\xF0\x9F\x91\x8D Setuju", DISPO_REPLY_COMMAND, "approve", ""},
	    /* synonyms are one command */
	    {"SETUJU\nAPPROVE", DISPO_REPLY_COMMAND, "approve", "APPROVE"},
	    {"SETUJU SETUJU", DISPO_REPLY_COMMAND, "approve", "SETUJU"},
	    /* nothing decided */
	    {"", DISPO_REPLY_EMPTY, NULL, NULL},
	    {NULL, DISPO_REPLY_EMPTY, NULL, NULL},
	    {" \n\t\n", DISPO_REPLY_EMPTY, NULL, NULL},
	    {"ok", DISPO_REPLY_UNCLEAR, NULL, NULL},
	    {"Ok.", DISPO_REPLY_UNCLEAR, NULL, NULL},
	    {"baik pak", DISPO_REPLY_UNCLEAR, NULL, NULL},
	    {"siap", DISPO_REPLY_UNCLEAR, NULL, NULL},
	    {"Siap laksanakan", DISPO_REPLY_UNCLEAR, NULL, NULL},
	    {"\xF0\x9F\x91\x8D", DISPO_REPLY_UNCLEAR, NULL, NULL},
	    {"...", DISPO_REPLY_UNCLEAR, NULL, NULL},
	    {"Yth. Admin,", DISPO_REPLY_UNCLEAR, NULL, NULL},
	    {"Halo, ok", DISPO_REPLY_UNCLEAR, NULL, NULL},
	    {"tidak setuju", DISPO_REPLY_UNCLEAR, NULL, NULL},
	    {"Tidak SETUJU", DISPO_REPLY_UNCLEAR, NULL, NULL},
	    {"belum setuju", DISPO_REPLY_UNCLEAR, NULL, NULL},
	    {"Selamat pagi, tidak setuju.", DISPO_REPLY_UNCLEAR, NULL, NULL},
	    {"Ok, tidak setuju", DISPO_REPLY_UNCLEAR, NULL, NULL},
	    {"saya belum bisa setuju karena surat belum lengkap", DISPO_REPLY_UNCLEAR, NULL, NULL},
	    {"Selamat pagi Pak, saya belum bisa setuju karena data belum lengkap",
	     DISPO_REPLY_UNCLEAR, NULL, NULL},
	    {"Mohon dicek lagi\nSETUJU", DISPO_REPLY_UNCLEAR, NULL, NULL},
	    {"Setuju?", DISPO_REPLY_UNCLEAR, NULL, NULL},
	    {"SETUJUI", DISPO_REPLY_UNCLEAR, NULL, NULL},
	    {"Disetujui", DISPO_REPLY_UNCLEAR, NULL, NULL},
	    {"Selesaikan dulu", DISPO_REPLY_UNCLEAR, NULL, NULL},
	    /* two commands */
	    {"SETUJU\nTOLAK", DISPO_REPLY_CONFLICT, NULL, NULL},
	    {"SETUJU\n\ntolak.", DISPO_REPLY_CONFLICT, NULL, NULL},
	    {"SETUJU, TOLAK", DISPO_REPLY_CONFLICT, NULL, NULL},
	    {"TOLAK NIK salah\nKembalikan ke pemohon", DISPO_REPLY_CONFLICT, NULL, NULL},
	    {"Approve\nReject", DISPO_REPLY_CONFLICT, NULL, NULL},
	    /* U+FFFD, what a NUL byte of the message reads as: it separates
	     * words, and says nothing of its own */
	    {"SETUJU\xEF\xBF\xBDTOLAK", DISPO_REPLY_CONFLICT, NULL, NULL},
	    {"SETUJU\xEF\xBF\xBD TOLAK tidak lengkap", DISPO_REPLY_CONFLICT, NULL, NULL},
	    {"SETUJU\xEF\xBF\xBD\nTOLAK tidak lengkap", DISPO_REPLY_CONFLICT, NULL, NULL},
	    {"SETUJU\n\xEF\xBF\xBD\nTOLAK", DISPO_REPLY_CONFLICT, NULL, NULL},
	    {"SETUJU\xEF\xBF\xBD", DISPO_REPLY_COMMAND, "approve", ""},
	    {"TOLAK\xEF\xBF\xBD\xEF\xBF\xBD", DISPO_REPLY_COMMAND, "reject", ""},
	    {"TOLAK\xEF\xBF\xBDNIK salah", DISPO_REPLY_COMMAND, "reject", "NIK salah"},
	    {"\xEF\xBF\xBD\nSETUJU", DISPO_REPLY_COMMAND, "approve", ""},
	    {"SET\xEF\xBF\xBDUJU", DISPO_REPLY_UNCLEAR, NULL, NULL},
	    {"\xEF\xBF\xBD", DISPO_REPLY_EMPTY, NULL, NULL},
	};
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		char *cmd = (char *)"unset";
		char *arg = (char *)"unset";
		dispo_reply_status st = reply_command_find(cases[i].text, vocab, canon, &cmd, &arg);
		if (st != cases[i].status)
			fail_msg("case %zu '%s': %s, want %s", i,
			         cases[i].text ? cases[i].text : "(null)", reply_status_name(st),
			         reply_status_name(cases[i].status));
		if (cases[i].command) {
			assert_string_equal(cmd, cases[i].command);
			if (strcmp(arg, cases[i].argument) != 0)
				fail_msg("case %zu '%s': argument '%s', want '%s'", i,
				         cases[i].text, arg, cases[i].argument);
		} else {
			assert_null(cmd);
			assert_null(arg);
		}
		g_free(cmd);
		g_free(arg);
	}
}

/* Without canonical names each word is its own command; outputs may be
 * NULL. */
static void
test_command_plain_vocab(void **state)
{
	static const char *const words[] = {"SETUJU", "APPROVE", NULL};
	char *cmd = NULL;

	assert_int_equal(reply_command_find("approve", words, NULL, &cmd, NULL),
	                 DISPO_REPLY_COMMAND);
	assert_string_equal(cmd, "approve");
	g_free(cmd);
	assert_int_equal(reply_command_find("SETUJU\nAPPROVE", words, NULL, NULL, NULL),
	                 DISPO_REPLY_CONFLICT);
	assert_int_equal(reply_command_find("TOLAK", words, NULL, NULL, NULL), DISPO_REPLY_UNCLEAR);
	assert_string_equal(reply_status_name(DISPO_REPLY_EMPTY), "empty");
}

/* Hostile sizes stay linear: a megabyte of nested quote marks, of one
 * line, of header-looking lines. */
static void
test_large_inputs(void **state)
{
	static const char *const units[] = {
	    "> > > > > > > >\n",
	    "> ",
	    "a ",
	    "SETUJU\n",
	    "Halo\n",
	    "From: a@b.id\n",
	    "On 1 Jan, X <x@y.id>\n",
	    "Salam,\n> q\n",
	    "\n",
	    "> long quoted line that goes on "
	    "and on past the wrap width\nx\n",
	};
	for (size_t u = 0; u < G_N_ELEMENTS(units); u++) {
		GString *s = g_string_new(NULL);
		gint64 t0;
		char *v;
		double secs;

		while (s->len < 1024 * 1024)
			g_string_append(s, units[u]);
		t0 = g_get_monotonic_time();
		v = reply_visible_text(s->str);
		reply_command_find(v, vocab, canon, NULL, NULL);
		reply_command_find(s->str, vocab, canon, NULL, NULL);
		secs = (double)(g_get_monotonic_time() - t0) / G_USEC_PER_SEC;
		if (secs > 3.0)
			fail_msg("unit %zu: %.2f s for 1 MB", u, secs);
		g_free(v);
		g_string_free(s, TRUE);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_visible_rules),       cmocka_unit_test(test_command_table),
	    cmocka_unit_test(test_command_plain_vocab), cmocka_unit_test(test_own_replies),
	    cmocka_unit_test(test_shared_fixtures),     cmocka_unit_test(test_large_inputs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
