/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-rules.c: rules files in, a model or every problem at file:line:col
 * out: broken files and their exact messages, the shipped rules, the
 * model's answers, the version hash and the DOT drawing. */
#include "config.h"

#include "rules/rules.h"

#include "testutil.h"

/* Seven lines that are right, so that each case below starts on line 8. */
#define HEAD                                                                                       \
	"role r \"R\"\n"                                                                           \
	"role s \"S\"\n"                                                                           \
	"workflow w \"W\"\n"                                                                       \
	"  tag W\n"                                                                                \
	"  mailbox sertifikat@kuduskab.go.id\n"                                                    \
	"  acknowledge tanda_terima\n"                                                             \
	"  refuse penolakan\n"
/* A step and an end after HEAD (lines 8-10). */
#define STEPS                                                                                      \
	"  step a \"A\" role r sla 10m send disposisi\n"                                           \
	"    on SETUJU -> fin\n"                                                                   \
	"  end fin \"Fin\" notify keputusan\n"

static char *templates;

static int
setup(void **state)
{
	templates = test_srcdir("templates");
	return 0;
}

static int
teardown(void **state)
{
	g_free(templates);
	return 0;
}

/* Every diagnostic, formatted, one a line; NULL when the text loads. */
static char *
problems(const char *text)
{
	g_autoptr(GPtrArray) diags = rules_diagnostics_new();
	g_autoptr(GError) e = NULL;
	g_autoptr(dispo_rules) rules = rules_load_text("t.rules", text, templates, diags, &e);
	GString *out;

	if (rules) {
		assert_int_equal(diags->len, 0);
		return NULL;
	}
	assert_true(g_error_matches(e, DISPO_RULES_ERROR, DISPO_RULES_ERROR_INVALID));
	assert_true(diags->len > 0);
	out = g_string_new(NULL);
	for (guint i = 0; i < diags->len; i++) {
		g_autofree char *line = rules_diagnostic_format(diags->pdata[i]);
		g_string_append_printf(out, "%s\n", line);
	}
	return g_string_free(out, FALSE);
}

static void
test_broken(void **state)
{
	static const struct {
		const char *text, *want;
	} cases[] = {
	    /* 1 */
	    {HEAD STEPS "  stpe b \"B\"\n",
	     "t.rules:11:3: unknown word 'stpe' at the start of a line (did you mean 'step'?)\n"},
	    {"step a \"A\" role r\n" HEAD STEPS,
	     "t.rules:1:1: 'step' must come after a 'workflow' line\n"},
	    {HEAD "  step a \"A\" role kepala_dinsa sla 10m send disposisi\n"
	          "    on SETUJU -> fin\n  end fin \"Fin\" notify keputusan\n",
	     "t.rules:8:19: unknown role 'kepala_dinsa': declare it with a line such as role "
	     "kepala_dinsa \"Title\"\n"},
	    {"role kepala_dinas \"K\"\n" HEAD
	     "  step a \"A\" role kepala_dinsa sla 10m send disposisi\n"
	     "    on SETUJU -> fin\n  end fin \"Fin\" notify keputusan\n",
	     "t.rules:9:19: unknown role 'kepala_dinsa' (did you mean 'kepala_dinas'?): declare it "
	     "with a line such as role kepala_dinsa \"Title\"\n"},
	    /* 5 */
	    {HEAD "  step a \"A\" role r sla 10m send disposisii\n"
	          "    on SETUJU -> fin\n  end fin \"Fin\" notify keputusan\n",
	     "t.rules:8:34: no template 'disposisii' in TEMPLATES (neither id/disposisii.mustache "
	     "nor en/disposisii.mustache) (did you mean 'disposisi'?)\n"},
	    {HEAD STEPS "  step b \"B\" role r send disposisi\n    on SETUJU -> fin\n",
	     "t.rules:11:8: step 'b' cannot be reached from the first step 'a'\n"},
	    {HEAD "  step a \"A\" role r send disposisi\n    on SETUJU -> b\n    on TOLAK -> fin\n"
	          "  step b \"B\" role r send disposisi\n  end fin \"Fin\" notify keputusan\n",
	     "t.rules:11:8: step 'b' has no 'on' lines: a request there could never leave\n"},
	    {HEAD "  step a \"A\" role r send disposisi\n    on SETUJU -> b\n"
	          "  step b \"B\" role r send disposisi\n    on KEMBALIKAN -> a\n"
	          "  end fin \"Fin\" notify keputusan\n",
	     "t.rules:8:8: no end can be reached from step 'a': its 'on' lines only lead round in "
	     "a "
	     "cycle\n"
	     "t.rules:10:8: no end can be reached from step 'b': its 'on' lines only lead round in "
	     "a cycle\n"
	     "t.rules:12:7: end 'fin' cannot be reached from the first step 'a'\n"},
	    {HEAD STEPS "role r \"Again\"\n",
	     "t.rules:11:6: role 'r' is already declared at t.rules:1\n"},
	    /* 10 */
	    {HEAD STEPS "workflow w \"W2\"\n  tag X\n  mailbox x@kuduskab.go.id\n"
	                "  acknowledge tanda_terima\n  refuse penolakan\n" STEPS,
	     "t.rules:11:10: workflow 'w' is already declared at t.rules:3\n"},
	    {HEAD STEPS "  step a \"Again\" role r send disposisi\n    on SETUJU -> fin\n",
	     "t.rules:11:8: a step or end named 'a' is already declared on line 8\n"},
	    {HEAD "  require ktp pdf max 1MB\n  require ktp pdf max 2MB\n" STEPS,
	     "t.rules:9:11: requirement 'ktp' is already declared on line 8\n"},
	    {HEAD "  step a \"A\" role r send disposisi\n    on SETUJU -> fin\n"
	          "    on approve -> fin\n  end fin \"Fin\" notify keputusan\n",
	     "t.rules:10:8: step 'a' already says where SETUJU (APPROVE) goes, on line 9\n"},
	    {HEAD "  step a \"A\" role r send disposisi\n    on SETUJU -> fni\n"
	          "  end fin \"Fin\" notify keputusan\n",
	     "t.rules:9:18: no step or end named 'fni' in workflow 'w' (did you mean 'fin'?)\n"},
	    /* 15 */
	    {HEAD "  step a \"A\" role r sla 10 send disposisi\n    on SETUJU -> fin\n"
	          "  end fin \"Fin\" notify keputusan\n",
	     "t.rules:8:25: '10' is not a duration (write e.g. 500ms, 10s, 10m, 2h or 1d)\n"},
	    {HEAD "  require ktp \"KTP\" pdf max 5XB\n" STEPS,
	     "t.rules:8:29: '5XB' is not a size (write e.g. 50MB, 64KB or 1000)\n"},
	    {HEAD "  require ktp \"KTP\" pdf docx max 5MB\n" STEPS,
	     "t.rules:8:25: unknown file type 'docx'; a requirement accepts pdf, jpeg and png, "
	     "then "
	     "max SIZE and keywords\n"},
	    {"role r \"R\"\nworkflow w \"W\"\n  mailbox a@kuduskab.go.id\n"
	     "  acknowledge tanda_terima\n  refuse penolakan\n" STEPS,
	     "t.rules:2:10: workflow 'w' has no tag (add a line: tag SE)\n"},
	    {"role r \"R\"\nworkflow w \"W\"\n  tag SE\n"
	     "  acknowledge tanda_terima\n  refuse penolakan\n" STEPS,
	     "t.rules:2:10: workflow 'w' has no mailbox (add a line: mailbox "
	     "sertifikat@kuduskab.go.id)\n"},
	    /* 20 */
	    {"role r \"R\"\nworkflow w \"W\"\n  tag SE-1\n  mailbox a@kuduskab.go.id\n"
	     "  acknowledge tanda_terima\n  refuse penolakan\n" STEPS,
	     "t.rules:3:7: tag 'SE-1' must be 1 to 8 capital letters A-Z (request numbers look "
	     "like "
	     "SE-2026-000123)\n"},
	    {"role r \"R\"\nworkflow w \"W\"\n  tag SE\n  mailbox sertifikat@kuduskab\n"
	     "  acknowledge tanda_terima\n  refuse penolakan\n" STEPS,
	     "t.rules:4:11: 'sertifikat@kuduskab' is not a mailbox address like "
	     "sertifikat@kuduskab.go.id\n"},
	    {"role r \"R\"\nworkflow w \"W\"\n  tag SE\n  mailbox sertifikat+x@kuduskab.go.id\n"
	     "  acknowledge tanda_terima\n  refuse penolakan\n" STEPS,
	     "t.rules:4:11: the mailbox 'sertifikat+x@kuduskab.go.id' cannot contain '+': replies "
	     "come back to its plus-addresses (name+token@domain)\n"},
	    {HEAD "  step a \"A role r send disposisi\n    on SETUJU -> fin\n"
	          "  end fin \"Fin\" notify keputusan\n",
	     "t.rules:8:10: unterminated quoted text: add the closing \" on the same line\n"},
	    {HEAD "  step a \"A\" role r send disposisi\n    on SETUJU -> fin\n"
	          "    on CATATAN -> a\n  end fin \"Fin\" notify keputusan\n",
	     "t.rules:10:8: CATATAN only adds a note and never moves a request, so it cannot have "
	     "an "
	     "'on' line\n"},
	    /* 25 */
	    {HEAD "  step a \"A\" role r send disposisi\n    on SETUJ -> fin\n"
	          "  end fin \"Fin\" notify keputusan\n",
	     "t.rules:9:8: unknown command 'SETUJ' (did you mean 'SETUJU'?); use SETUJU, TERUSKAN, "
	     "LANJUT, TOLAK, KEMBALIKAN or SELESAI (or APPROVE, FORWARD, CONTINUE, REJECT, RETURN, "
	     "DONE)\n"},
	    {HEAD "  on SETUJU -> fin\n" STEPS,
	     "t.rules:8:3: 'on' must follow a step line: it says where that step goes\n"},
	    {HEAD STEPS "    on SETUJU -> a\n",
	     "t.rules:11:5: end 'fin' is final: it cannot have 'on' lines\n"},
	    {HEAD "  step a \"A\" role r send disposisi\n    on SETUJU fin\n"
	          "  end fin \"Fin\" notify keputusan\n",
	     "t.rules:9:15: expected '->' and a step after the command, e.g. on SETUJU -> a\n"},
	    {HEAD "  step a \"A\" role r send disposisi wait bsre\n    on TOLAK -> fin\n"
	          "  end fin \"Fin\" notify keputusan\n",
	     "t.rules:8:8: step 'a' waits for BSrE but has no 'on SELESAI' line (BSrE's "
	     "notification counts as SELESAI)\n"},
	    /* 30 */
	    {HEAD "  step a \"A\" role r send disposisi wait email\n    on SELESAI -> fin\n"
	          "  end fin \"Fin\" notify keputusan\n",
	     "t.rules:8:41: only 'wait bsre' is known (the step also ends when BSrE's notification "
	     "arrives), not 'wait email'\n"},
	    {"role r\n" HEAD STEPS, "t.rules:1:8: role 'r' needs a title in double quotes, e.g. "
	                            "role r \"Kepala Dinas\"\n"},
	    {HEAD STEPS "workflow v \"V\"\n  tag V\n  mailbox SERTIFIKAT@kuduskab.go.id\n"
	                "  acknowledge tanda_terima\n  refuse penolakan\n" STEPS,
	     "t.rules:11:10: workflows 'w' and 'v' both take every application to "
	     "sertifikat@kuduskab.go.id: give one of them subject keywords (subject WORD...)\n"},
	    {HEAD STEPS "workflow v \"V\"\n  tag W\n  mailbox x@kuduskab.go.id\n"
	                "  acknowledge tanda_terima\n  refuse penolakan\n" STEPS,
	     "t.rules:12:7: tag 'W' is already used by workflow 'w' (t.rules:4)\n"},
	    {HEAD "  step a \"A\" role r send disposisi\n    on SETUJU -> fin\n  end fin \"Fin\"\n",
	     "t.rules:10:7: end 'fin' tells the applicant nothing (add: notify TEMPLATE)\n"},
	    /* 35 */
	    {HEAD "  step a \"A\" send disposisi\n    on SETUJU -> fin\n"
	          "  end fin \"Fin\" notify keputusan\n",
	     "t.rules:8:8: step 'a' has no role (add: role NAME, or applicant for a correction by "
	     "the applicant)\n"},
	    {HEAD
	     "  step a \"A\" role r\n    on SETUJU -> fin\n  end fin \"Fin\" notify keputusan\n",
	     "t.rules:8:8: step 'a' sends nothing to its role (add: send TEMPLATE, the email the "
	     "role receives)\n"},
	    {HEAD "  tag X\n" STEPS,
	     "t.rules:8:3: 'tag' is given twice in workflow 'w' (first on line 4)\n"},
	    {HEAD "  require ktp \"KTP\" pdf max 0\n" STEPS,
	     "t.rules:8:29: a size limit of 0 lets no file through\n"},
	    {HEAD "  end fin \"Fin\" notify keputusan\n  step a \"A\" role r send disposisi\n"
	          "    on SETUJU -> fin\n",
	     "t.rules:3:10: workflow 'w' begins with an end: its first step must be a step\n"},
	    /* 40 */
	    {HEAD "  sender go.id actve\n" STEPS,
	     "t.rules:8:16: unknown sender condition 'actve' (did you mean 'active'?); use active "
	     "or certificate-holder\n"},
	    {HEAD "  step a \"A\" role r send disposisi\n    on SETUJU -> fin record certifcate\n"
	          "  end fin \"Fin\" notify keputusan\n",
	     "t.rules:9:29: unknown record 'certifcate' (did you mean 'certificate'?); use record "
	     "certificate or record revocation\n"},
	    {HEAD STEPS "  caf\xc3 x\n",
	     "t.rules:11:6: this line is not valid UTF-8: save the file as UTF-8\n"},
	    {HEAD "  step a \"A\" role r sla 10m send disposisi letter extra\n"
	          "    on SETUJU -> fin\n  end fin \"Fin\" notify keputusan\n",
	     "t.rules:8:51: unexpected 'extra': a step takes role (or applicant), sla, send, "
	     "letter "
	     "and wait\n"},
	    {HEAD "  step a \"A\" role r send disposisi\n    on SETUJU -> fin\n"
	          "  end fin \"Fin\" notify keputusan sla 1d\n",
	     "t.rules:10:34: unexpected 'sla': an end takes only notify TEMPLATE\n"},
	    /* 45 */
	    {"role r \"R\"\nworkflow w \"W\"\n  tag SE\n  mailbox a@kuduskab.go.id\n",
	     "t.rules:2:10: workflow 'w' has no acknowledge (add a line: acknowledge "
	     "tanda_terima)\n"
	     "t.rules:2:10: workflow 'w' has no refuse (add a line: refuse penolakan)\n"
	     "t.rules:2:10: workflow 'w' has no steps (add: step NAME \"Title\" role ROLE send "
	     "TEMPLATE)\n"},
	    {HEAD "  step a \"A\" role r send disposisi\n    on SETUJU -> a\n",
	     "t.rules:3:10: workflow 'w' has no end (add e.g.: end selesai \"Selesai\" notify "
	     "keputusan)\n"},
	    {HEAD "  fields Nama NIP nama\n" STEPS, "t.rules:8:19: field 'nama' is listed twice\n"},
	    {HEAD "  \"quoted\" start\n" STEPS,
	     "t.rules:8:3: a line must start with a word such as step or role, not quoted text\n"},
	    /* 49: yes-words that part, with one of them left without a line */
	    {HEAD
	     "  step a \"A\" role r send disposisi\n    on SETUJU -> b\n    on TERUSKAN -> fin\n"
	     "  step b \"B\" role r send disposisi\n    on SETUJU -> fin\n"
	     "  end fin \"Fin\" notify keputusan\n",
	     "t.rules:10:5: step 'a' sends SETUJU to 'b' (line 9) but TERUSKAN to 'fin', so a "
	     "reply "
	     "of LANJUT (CONTINUE) could mean either: send them to the same step, or add a line "
	     "'on "
	     "LANJUT -> STEP' that says where LANJUT goes\n"},
	    {HEAD
	     "  step a \"A\" role r send disposisi\n    on LANJUT -> b\n    on APPROVE -> fin\n"
	     "  step b \"B\" role r send disposisi\n    on SETUJU -> fin\n"
	     "  end fin \"Fin\" notify keputusan\n",
	     "t.rules:10:5: step 'a' sends LANJUT to 'b' (line 9) but SETUJU to 'fin', so a reply "
	     "of TERUSKAN (FORWARD) could mean either: send them to the same step, or add a line "
	     "'on "
	     "TERUSKAN -> STEP' that says where TERUSKAN goes\n"},
	    {HEAD "  step a \"A\" role r send disposisi\n    on SETUJU -> fin\n"
	          "    on TERUSKAN -> fin record certificate\n  end fin \"Fin\" notify keputusan\n",
	     "t.rules:10:5: step 'a' sends SETUJU to 'fin' (line 9) but TERUSKAN to 'fin' with "
	     "another record, so a reply of LANJUT (CONTINUE) could mean either: send them to the "
	     "same step, or add a line 'on LANJUT -> STEP' that says where LANJUT goes\n"},
	    /* applicant's steps */
	    {HEAD
	     "  step a \"A\" role r send disposisi\n    on KEMBALIKAN -> p\n    on SETUJU -> fin\n"
	     "  step p \"P\" applicant role r send perbaikan\n    on SELESAI -> a\n"
	     "  end fin \"Fin\" notify keputusan\n",
	     "t.rules:11:8: step 'p' is held by the applicant, so it takes no role (a step is held "
	     "by a role or by the applicant): the applicant only sends a correction\n"},
	    {HEAD
	     "  step a \"A\" role r send disposisi\n    on KEMBALIKAN -> p\n    on SETUJU -> fin\n"
	     "  step p \"P\" applicant sla 3d send perbaikan\n    on SELESAI -> a\n"
	     "    on SETUJU -> a\n  end fin \"Fin\" notify keputusan\n",
	     "t.rules:13:8: step 'p' is held by the applicant, who answers with a correction, not "
	     "SETUJU: it takes only on SELESAI (the correction is complete) and on TOLAK (no "
	     "correction in time)\n"},
	    /* 54 */
	    {HEAD
	     "  step a \"A\" role r send disposisi\n    on KEMBALIKAN -> p\n    on SETUJU -> fin\n"
	     "  step p \"P\" applicant sla 3d send perbaikan\n    on TOLAK -> fin\n"
	     "  end fin \"Fin\" notify keputusan\n",
	     "t.rules:11:8: step 'p' is held by the applicant but has no 'on SELESAI' line (a "
	     "complete correction counts as SELESAI: add e.g. on SELESAI -> a)\n"},
	    {HEAD "  step p \"P\" applicant send perbaikan\n    on SELESAI -> a\n"
	          "  step a \"A\" role r send disposisi\n    on SETUJU -> fin\n"
	          "  end fin \"Fin\" notify keputusan\n",
	     "t.rules:8:8: step 'p' is held by the applicant, so it cannot be the first step: a "
	     "request starts with the office\n"},
	    {HEAD
	     "  step a \"A\" role r send disposisi\n    on KEMBALIKAN -> p\n    on SETUJU -> fin\n"
	     "  step p \"P\" applicant send perbaikan wait bsre\n    on SELESAI -> a\n"
	     "  end fin \"Fin\" notify keputusan\n",
	     "t.rules:11:8: step 'p' is held by the applicant, so it takes no wait bsre: the "
	     "applicant only sends a correction\n"},
	};

	unsigned failed = 0;

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autofree char *got = problems(cases[i].text);
		g_autofree char *want = NULL;
		GString *w = g_string_new(cases[i].want);
		g_string_replace(w, "TEMPLATES", templates, 0);
		want = g_string_free(w, FALSE);
		if (!got || strcmp(got, want) != 0) {
			print_message("case %zu:\n%s\ngot:\n%swant:\n%s", i + 1, cases[i].text,
			              got ? got : "(loaded)\n", want);
			failed++;
		}
	}
	assert_int_equal(failed, 0);
}

/* One draft with mistakes all over: every one reported, in line order. */
static void
test_several(void **state)
{
	g_autofree char *dir = test_srcdir("tests/rules/data/broken");
	g_autofree char *file = g_build_filename(dir, "several.rules", NULL);
	g_autofree char *expected = g_build_filename(dir, "several.expected", NULL);
	g_autofree char *want_raw = test_read(expected, NULL);
	char *files[] = {file, NULL};
	g_autoptr(GPtrArray) diags = rules_diagnostics_new();
	g_autoptr(GError) e = NULL;
	g_autoptr(dispo_rules) rules = rules_load_files(files, templates, diags, &e);
	GString *got = g_string_new(NULL), *want = g_string_new(want_raw);

	assert_null(rules);
	assert_true(g_error_matches(e, DISPO_RULES_ERROR, DISPO_RULES_ERROR_INVALID));
	assert_non_null(strstr(e->message, "(and 9 more problems)"));
	for (guint i = 0; i < diags->len; i++) {
		g_autofree char *line = rules_diagnostic_format(diags->pdata[i]);
		g_string_append_printf(got, "%s\n", line);
	}
	g_string_replace(want, "DATA", dir, 0);
	assert_string_equal(got->str, want->str);
	g_string_free(got, TRUE);
	g_string_free(want, TRUE);
}

/* What the parser must take that a careless editor produces. */
static void
test_lenient(void **state)
{
	static const char *const texts[] = {
	    /* Tabs, CRLF, a byte order mark, a no-break space, upper-case keywords. */
	    "\xef\xbb\xbfrole r \"R\"\r\nWORKFLOW w \"W\"\r\n\ttag W\r\n\tmailbox "
	    "a@kuduskab.go.id\r\n\tacknowledge\xc2\xa0tanda_terima\r\n\trefuse penolakan\r\n"
	    "\tStep a \"A\" role r sla 10m send disposisi\r\n\t\ton setuju->fin\r\n"
	    "\tend fin \"Fin\" notify keputusan",
	    /* A step's options on lines of their own; "10 MB"; jpg; the arrow sign. */
	    HEAD "  require ktp \"KTP\" PDF jpg max 10 MB\n  step a \"A\"\n    role r\n    sla 1d\n"
	         "    send disposisi\n    on SETUJU \xe2\x86\x92 fin\n"
	         "  end fin \"Fin\"\n    notify keputusan\n",
	    /* Comments everywhere, and # inside quotes is text. */
	    "# roles\nrole r \"R #1\" # the only one\nrole s \"S\"\nworkflow w \"W\" # comment\n"
	    "  tag W#X\n  mailbox sertifikat@kuduskab.go.id\n  acknowledge tanda_terima\n"
	    "  refuse penolakan\n" STEPS "# end\n",
	    /* An applicant's step, its options on a line of their own; yes-words that
	     * part, each with its own line, are no ambiguity. */
	    HEAD
	    "  step a \"A\" role r send disposisi\n    on SETUJU -> b\n    on TERUSKAN -> fin\n"
	    "    on LANJUT -> b\n    on KEMBALIKAN -> p\n"
	    "  step p \"P\"\n    applicant sla 3d send perbaikan\n    on SELESAI -> a\n"
	    "    on TOLAK -> fin\n"
	    "  step b \"B\" role r send disposisi\n    on SETUJU -> fin\n"
	    "  end fin \"Fin\" notify keputusan\n",
	};

	for (size_t i = 0; i < G_N_ELEMENTS(texts); i++) {
		g_autofree char *got = problems(texts[i]);
		if (got)
			fail_msg("text %zu: %s", i, got);
	}
	{
		g_autoptr(dispo_rules) rules =
		    rules_load_text("t.rules", texts[1], templates, NULL, NULL);
		const dispo_rules_workflow *wf = rules_workflow_get(rules, "w");
		const dispo_rules_requirement *req = wf->requirements->pdata[0];
		const dispo_rules_step *a = rules_step_get(wf, "a");
		assert_string_equal(req->types[0], "pdf");
		assert_string_equal(req->types[1], "jpeg");
		assert_null(req->types[2]);
		assert_int_equal(req->max_size, 10 << 20);
		assert_string_equal(req->keywords[0], "ktp");
		assert_string_equal(a->role, "r");
		assert_int_equal(a->sla_ms, 86400000);
		assert_string_equal(rules_step_get(wf, "fin")->send, "keputusan");
	}
	{
		g_autoptr(dispo_rules) rules =
		    rules_load_text("t.rules", texts[2], templates, NULL, NULL);
		assert_string_equal(rules_role_get(rules, "r")->title, "R #1");
	}
	{
		g_autoptr(dispo_rules) rules =
		    rules_load_text("t.rules", texts[3], templates, NULL, NULL);
		const dispo_rules_step *p = rules_step_get(rules_workflow_get(rules, "w"), "p");
		assert_true(p->applicant);
		assert_null(p->role);
		assert_int_equal(p->sla_ms, 3 * 86400000);
		assert_string_equal(p->send, "perbaikan");
	}
}

/* Files that are not text at all, and the limits. */
static void
test_hostile(void **state)
{
	g_autofree char *dir = test_tmpdir("rules-hostile");
	g_autofree char *nul = g_build_filename(dir, "nul.rules", NULL);
	g_autofree char *big = g_build_filename(dir, "big.rules", NULL);
	g_autofree char *many = NULL;
	char *files[] = {nul, big, NULL};
	g_autoptr(GPtrArray) diags = rules_diagnostics_new();
	g_autoptr(GError) e = NULL;
	g_autofree char *huge = g_malloc(2 * 1024 * 1024);
	dispo_rules_diagnostic *d;
	GString *text = g_string_new(NULL);

	assert_true(g_file_set_contents(nul, "role r \"R\"\nrole \0 s\n", 19, NULL));
	memset(huge, '#', 2 * 1024 * 1024);
	assert_true(g_file_set_contents(big, huge, 2 * 1024 * 1024, NULL));
	assert_null(rules_load_files(files, NULL, diags, &e));
	assert_int_equal(diags->len, 2);
	d = diags->pdata[0];
	assert_string_equal(d->file, big);
	assert_string_equal(d->message,
	                    "this file is larger than 1 MB: a rules file is a page or two of text");
	d = diags->pdata[1];
	assert_string_equal(d->file, nul);
	assert_int_equal(d->line, 2);
	assert_int_equal(d->col, 6);
	assert_string_equal(d->message, "this line contains a NUL byte: is this a text file?");

	/* Hundreds of bad lines: the first 200 problems, then a word to stop. */
	for (int i = 0; i < 500; i++)
		g_string_append(text, "bogus\n");
	many = g_string_free(text, FALSE);
	g_ptr_array_set_size(diags, 0);
	assert_null(rules_load_text("many.rules", many, NULL, diags, NULL));
	assert_int_equal(diags->len, 201);
	d = diags->pdata[200];
	assert_string_equal(d->message, "too many problems: fix these first, then check again");
	test_rm_rf(dir);
}

static dispo_rules *
shipped(void)
{
	g_autofree char *dir = test_srcdir("rules");
	g_autoptr(GPtrArray) diags = rules_diagnostics_new();
	g_autoptr(GError) e = NULL;
	dispo_rules *rules = rules_load_dir(dir, templates, diags, &e);

	for (guint i = 0; i < diags->len; i++) {
		g_autofree char *line = rules_diagnostic_format(diags->pdata[i]);
		print_message("%s\n", line);
	}
	if (!rules)
		fail_msg("the shipped rules do not load: %s", e->message);
	return rules;
}

static void
test_shipped(void **state)
{
	static const struct {
		const char *step;
		int64_t sla_ms;
		const char *role;
	} sop067[] = {
	    {"disposisi_kadin", 10 * 60000, "kepala_dinas"},
	    {"perbaikan", 3 * 86400000, NULL}, /* the applicant's */
	    {"disposisi_kabid", 10 * 60000, "kabid_informatika"},
	    {"verifikasi_kasi", 15 * 60000, "kasi_ti"},
	    {"kirim_bsre", 15 * 60000, "verifikator"},
	    {"proses_bsre", 86400000, "verifikator"},
	};
	g_autoptr(dispo_rules) rules = shipped();
	const dispo_rules_workflow *wf = rules_workflow_get(rules, "pendaftaran");
	const dispo_rules_workflow *rv = rules_workflow_get(rules, "pencabutan");
	const dispo_rules_step *s;
	const dispo_rules_transition *t;
	const dispo_rules_requirement *ktp;

	assert_int_equal(rules_roles(rules)->len, 4);
	assert_int_equal(rules_workflows(rules)->len, 2);
	assert_string_equal(rules_role_get(rules, "kasi_ti")->title,
	                    "Kepala Seksi TI dan Persandian");
	assert_null(rules_role_get(rules, "pemohon"));
	assert_null(rules_workflow_get(rules, "nope"));

	/* SOP 067: its steps with its time standards, in its order; the
	 * verifier's two acts are two steps. */
	assert_non_null(wf);
	assert_string_equal(wf->tag, "SE");
	assert_string_equal(wf->mailbox, "sertifikat@kuduskab.go.id");
	assert_null(wf->subject_keywords);
	assert_true(wf->sender_go_id && wf->sender_active && !wf->sender_certificate_holder);
	assert_string_equal(wf->acknowledge, "tanda_terima");
	assert_string_equal(wf->refuse, "penolakan");
	assert_int_equal(wf->requirements->len, 3);
	ktp = wf->requirements->pdata[1];
	assert_string_equal(ktp->name, "ktp");
	assert_int_equal(g_strv_length(ktp->types), 3);
	assert_int_equal(ktp->max_size, 5 << 20);
	assert_true(g_strv_contains((const char *const *)wf->fields, "Unit Kerja"));
	for (guint i = 0; i < G_N_ELEMENTS(sop067); i++) {
		s = wf->steps->pdata[i];
		assert_string_equal(s->name, sop067[i].step);
		assert_int_equal(s->sla_ms, sop067[i].sla_ms);
		if (sop067[i].role)
			assert_string_equal(s->role, sop067[i].role);
		else
			assert_true(s->applicant && !s->role);
		assert_false(s->is_end);
		assert_non_null(s->send);
	}
	s = rules_step_get(wf, "disposisi_kadin");
	t = rules_transition_get(s, DISPO_CMD_APPROVE);
	assert_string_equal(t->target, "disposisi_kabid");
	assert_int_equal(t->record, DISPO_RECORD_NONE);
	assert_string_equal(rules_transition_get(s, DISPO_CMD_REJECT)->target, "ditolak");
	assert_null(rules_transition_get(s, DISPO_CMD_FORWARD));
	assert_null(rules_transition_get(s, DISPO_CMD_NOTE));
	/* The first step returns to the applicant, who resumes it. */
	assert_string_equal(rules_transition_get(s, DISPO_CMD_RETURN)->target, "perbaikan");
	t = rules_transition_get(rules_step_get(wf, "perbaikan"), DISPO_CMD_DONE);
	assert_string_equal(t->target, "disposisi_kadin");
	assert_string_equal(
	    rules_transition_get(rules_step_get(wf, "perbaikan"), DISPO_CMD_REJECT)->target,
	    "ditolak");
	assert_string_equal(
	    rules_transition_get(rules_step_get(wf, "disposisi_kabid"), DISPO_CMD_FORWARD)->target,
	    "verifikasi_kasi");
	assert_true(rules_step_get(wf, "verifikasi_kasi")->letter);
	/* TOLAK and KEMBALIKAN at every office step but the BSrE stage;
	 * every yes-word takes each one's way forward. */
	for (guint i = 0; i < wf->steps->len; i++) {
		s = wf->steps->pdata[i];
		if (s->is_end || s->applicant)
			continue;
		assert_non_null(rules_transition_get(s, DISPO_CMD_REJECT));
		if (s->wait)
			continue;
		assert_non_null(rules_transition_get(s, DISPO_CMD_RETURN));
		t = rules_transition_resolve(s, DISPO_CMD_APPROVE);
		assert_non_null(t);
		assert_ptr_equal(rules_transition_resolve(s, DISPO_CMD_FORWARD), t);
		assert_ptr_equal(rules_transition_resolve(s, DISPO_CMD_CONTINUE), t);
	}
	assert_string_equal(
	    rules_transition_resolve(rules_step_get(wf, "kirim_bsre"), DISPO_CMD_APPROVE)->target,
	    "proses_bsre");
	s = rules_step_get(wf, "proses_bsre");
	assert_null(rules_transition_resolve(s, DISPO_CMD_APPROVE));
	assert_string_equal(s->wait, "bsre");
	t = rules_transition_get(s, DISPO_CMD_DONE);
	assert_string_equal(t->target, "terbit");
	assert_int_equal(t->record, DISPO_RECORD_CERTIFICATE);
	s = rules_step_get(wf, "terbit");
	assert_true(s->is_end);
	assert_null(s->role);
	assert_string_equal(s->send, "keputusan");
	assert_int_equal(s->transitions->len, 0);

	/* Revocation: the same mailbox, told apart by the subject. */
	assert_non_null(rv);
	assert_string_equal(rv->mailbox, wf->mailbox);
	assert_true(rv->sender_certificate_holder);
	assert_string_equal(((dispo_rules_step *)rv->steps->pdata[0])->role, "kasi_ti");
	s = rv->steps->pdata[0];
	assert_string_equal(rules_transition_resolve(s, DISPO_CMD_FORWARD)->target,
	                    "kirim_pencabutan");
	assert_true(
	    rules_step_get(rv, rules_transition_get(s, DISPO_CMD_RETURN)->target)->applicant);
	s = rules_step_get(rv, "kirim_pencabutan");
	assert_string_equal(s->role, "verifikator");
	assert_string_equal(rules_transition_resolve(s, DISPO_CMD_APPROVE)->target,
	                    "permintaan_bsre");
	s = rules_step_get(rv, "permintaan_bsre");
	assert_string_equal(s->wait, "bsre");
	t = rules_transition_get(s, DISPO_CMD_DONE);
	assert_string_equal(t->target, "dicabut");
	assert_int_equal(t->record, DISPO_RECORD_REVOCATION);
	assert_true(rules_step_get(rv, "ditolak")->is_end);
}

static void
test_workflow_for(void **state)
{
	static const struct {
		const char *mailbox, *subject, *want;
	} cases[] = {
	    {"sertifikat@kuduskab.go.id", "Permohonan Sertifikat Elektronik", "pendaftaran"},
	    {"sertifikat@kuduskab.go.id", "Permohonan PENCABUTAN sertifikat", "pencabutan"},
	    {"Sertifikat@KUDUSKAB.go.id", "mohon dicabut", "pencabutan"},
	    {"sertifikat@kuduskab.go.id", "Please revoke my certificate", "pencabutan"},
	    {"sertifikat+x1@kuduskab.go.id", "Permohonan", "pendaftaran"},
	    {"sertifikat@kuduskab.go.id", NULL, "pendaftaran"},
	    {"sertifikat@kuduskab.go.id", "\xff\xfe broken", "pendaftaran"},
	    {NULL, "Pencabutan", "pencabutan"},
	    {NULL, "apa saja", "pendaftaran"},
	    {"lain@kuduskab.go.id", "Permohonan", NULL},
	    {"lain@kuduskab.go.id", "pencabutan", NULL},
	};
	g_autoptr(dispo_rules) rules = shipped();

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		const dispo_rules_workflow *wf =
		    rules_workflow_for(rules, cases[i].mailbox, cases[i].subject);
		const char *got = wf ? wf->name : NULL;
		if (g_strcmp0(got, cases[i].want) != 0)
			fail_msg("%s / %s: got %s, want %s", cases[i].mailbox, cases[i].subject,
			         got, cases[i].want);
	}
}

static void
test_commands(void **state)
{
	static const struct {
		const char *word;
		dispo_command cmd;
		const char *name, *id, *en;
	} cases[] = {
	    {"SETUJU", DISPO_CMD_APPROVE, "approve", "SETUJU", "APPROVE"},
	    {"approve", DISPO_CMD_APPROVE, "approve", "SETUJU", "APPROVE"},
	    {"Teruskan", DISPO_CMD_FORWARD, "forward", "TERUSKAN", "FORWARD"},
	    {"REJECT", DISPO_CMD_REJECT, "reject", "TOLAK", "REJECT"},
	    {"kembalikan", DISPO_CMD_RETURN, "return", "KEMBALIKAN", "RETURN"},
	    {"note", DISPO_CMD_NOTE, "note", "CATATAN", "NOTE"},
	    {"SELESAI", DISPO_CMD_DONE, "done", "SELESAI", "DONE"},
	    {"Lanjut", DISPO_CMD_CONTINUE, "continue", "LANJUT", "CONTINUE"},
	    {"continue", DISPO_CMD_CONTINUE, "continue", "LANJUT", "CONTINUE"},
	    {"lanjutkan", DISPO_CMD_NONE, "none", "", ""},
	    {"ok", DISPO_CMD_NONE, "none", "", ""},
	    {"SETUJUU", DISPO_CMD_NONE, "none", "", ""},
	    {"", DISPO_CMD_NONE, "none", "", ""},
	};

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		dispo_command c = rules_command_parse(cases[i].word);
		assert_int_equal(c, cases[i].cmd);
		assert_string_equal(rules_command_name(c), cases[i].name);
		assert_string_equal(rules_command_word(c, "id"), cases[i].id);
		assert_string_equal(rules_command_word(c, NULL), cases[i].id);
		assert_string_equal(rules_command_word(c, "en"), cases[i].en);
	}
	assert_int_equal(rules_command_parse(NULL), DISPO_CMD_NONE);
	/* The yes-words; SELESAI says something else. */
	assert_true(rules_command_affirmative(DISPO_CMD_APPROVE));
	assert_true(rules_command_affirmative(DISPO_CMD_FORWARD));
	assert_true(rules_command_affirmative(DISPO_CMD_CONTINUE));
	assert_false(rules_command_affirmative(DISPO_CMD_DONE));
	assert_false(rules_command_affirmative(DISPO_CMD_REJECT));
	assert_false(rules_command_affirmative(DISPO_CMD_RETURN));
	assert_false(rules_command_affirmative(DISPO_CMD_NOTE));
	assert_false(rules_command_affirmative(DISPO_CMD_NONE));
}

/* How a reply's word finds its 'on' line: its own, else, for a yes-word,
 * the step's one way forward. Each case: a step's 'on' lines, a word, the
 * target it takes ("-": none), and the words listed for the line it takes. */
static void
test_synonyms(void **state)
{
	static const struct {
		const char *lines; /* of step a; b, c and fin exist */
		dispo_command cmd;
		const char *want, *words;
	} cases[] = {
	    /* its own line first */
	    {"on SETUJU -> b", DISPO_CMD_APPROVE, "b", "SETUJU TERUSKAN LANJUT"},
	    /* a yes-word without a line takes the one way forward */
	    {"on SETUJU -> b", DISPO_CMD_FORWARD, "b", "SETUJU TERUSKAN LANJUT"},
	    {"on SETUJU -> b", DISPO_CMD_CONTINUE, "b", "SETUJU TERUSKAN LANJUT"},
	    {"on TERUSKAN -> b", DISPO_CMD_APPROVE, "b", "TERUSKAN SETUJU LANJUT"},
	    {"on LANJUT -> c", DISPO_CMD_APPROVE, "c", "LANJUT SETUJU TERUSKAN"},
	    /* two lines to the same step are one way */
	    {"on SETUJU -> b\non TERUSKAN -> b", DISPO_CMD_CONTINUE, "b", "SETUJU LANJUT"},
	    {"on SETUJU -> b\non TERUSKAN -> b", DISPO_CMD_FORWARD, "b", "TERUSKAN"},
	    /* parting ways, each said: no synonym at all */
	    {"on SETUJU -> b\non TERUSKAN -> c\non LANJUT -> b", DISPO_CMD_FORWARD, "c",
	     "TERUSKAN"},
	    {"on SETUJU -> b\non TERUSKAN -> c\non LANJUT -> b", DISPO_CMD_CONTINUE, "b", "LANJUT"},
	    {"on SETUJU -> b\non TERUSKAN -> c\non LANJUT -> b", DISPO_CMD_APPROVE, "b", "SETUJU"},
	    /* the other words are no synonyms, of each other or of a yes */
	    {"on SETUJU -> b\non TOLAK -> fin", DISPO_CMD_REJECT, "fin", "TOLAK"},
	    {"on SETUJU -> b", DISPO_CMD_REJECT, "-", ""},
	    {"on SETUJU -> b", DISPO_CMD_RETURN, "-", ""},
	    {"on SETUJU -> b", DISPO_CMD_DONE, "-", ""},
	    {"on SELESAI -> b", DISPO_CMD_APPROVE, "-", ""},
	    {"on TOLAK -> fin\non KEMBALIKAN -> b", DISPO_CMD_APPROVE, "-", ""},
	    {"on SETUJU -> b", DISPO_CMD_NOTE, "-", ""},
	    {"on SETUJU -> b", DISPO_CMD_NONE, "-", ""},
	};
	unsigned bad = 0;

	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_auto(GStrv) lines = g_strsplit(cases[i].lines, "\n", -1);
		g_autoptr(GString) text =
		    g_string_new(HEAD "  step a \"A\" role r send disposisi\n");
		g_autoptr(GPtrArray) diags = rules_diagnostics_new();
		g_autoptr(dispo_rules) rules = NULL;
		g_autoptr(GString) words = g_string_new(NULL);
		const dispo_rules_step *a;
		const dispo_rules_transition *t;
		dispo_command cmds[8];
		guint n;

		for (guint k = 0; lines[k]; k++)
			g_string_append_printf(text, "    %s\n", lines[k]);
		/* b and c reach each other, so that each is reached from a. */
		g_string_append(text, "  step b \"B\" role r send disposisi\n    on SETUJU -> fin\n"
		                      "    on KEMBALIKAN -> c\n"
		                      "  step c \"C\" role s send disposisi\n    on SETUJU -> b\n"
		                      "  end fin \"Fin\" notify keputusan\n");
		rules = rules_load_text("t.rules", text->str, templates, diags, NULL);
		if (!rules) {
			g_autofree char *d = rules_diagnostic_format(diags->pdata[0]);
			print_message("case %u (%s): %s\n", i + 1, cases[i].lines, d);
			bad++;
			continue;
		}
		a = rules_step_get(rules_workflow_get(rules, "w"), "a");
		t = rules_transition_resolve(a, cases[i].cmd);
		n = rules_transition_commands(a, t, cmds, G_N_ELEMENTS(cmds));
		for (guint k = 0; k < n; k++)
			g_string_append_printf(words, "%s%s", k ? " " : "",
			                       rules_command_word(cmds[k], "id"));
		if (g_strcmp0(t ? t->target : "-", cases[i].want) != 0 ||
		    strcmp(words->str, cases[i].words) != 0) {
			print_message("case %u (%s, %s): got %s [%s], want %s [%s]\n", i + 1,
			              cases[i].lines, rules_command_name(cases[i].cmd),
			              t ? t->target : "-", words->str, cases[i].want,
			              cases[i].words);
			bad++;
		}
	}
	assert_int_equal(bad, 0);
	assert_null(rules_transition_resolve(NULL, DISPO_CMD_APPROVE));
	assert_int_equal(rules_transition_commands(NULL, NULL, NULL, 0), 0);
}

static void
test_version(void **state)
{
	const char *text = HEAD STEPS;
	g_autofree char *changed = g_strdup(text);
	g_autoptr(dispo_rules) a = rules_load_text("t.rules", text, NULL, NULL, NULL);
	g_autoptr(dispo_rules) b = rules_load_text("t.rules", text, NULL, NULL, NULL);
	g_autoptr(dispo_rules) c = NULL;
	g_autoptr(dispo_rules) d = rules_load_text("u.rules", text, NULL, NULL, NULL);
	g_autofree char *dir = test_tmpdir("rules-version");
	g_autofree char *f1 = g_build_filename(dir, "a.rules", NULL);
	g_autofree char *f2 = g_build_filename(dir, "b.rules", NULL);
	char *order1[] = {f1, f2, NULL}, *order2[] = {f2, f1, NULL};
	g_autoptr(dispo_rules) e = NULL, f = NULL, g = NULL;

	/* A byte that changes nothing the model holds still changes the version. */
	changed[strlen(changed) - 1] = ' ';
	c = rules_load_text("t.rules", changed, NULL, NULL, NULL);
	assert_non_null(a);
	assert_non_null(c);
	assert_true(dispo_sha256_hex_valid(rules_version(a)));
	assert_string_equal(rules_version(a), rules_version(b));
	assert_string_not_equal(rules_version(a), rules_version(c));
	assert_string_not_equal(rules_version(a), rules_version(d));

	/* The order files are named in does not matter; their names do. */
	assert_true(g_file_set_contents(f1, "role r \"R\"\n", -1, NULL));
	assert_true(g_file_set_contents(f2, "role s \"S\"\n", -1, NULL));
	e = rules_load_files(order1, NULL, NULL, NULL);
	f = rules_load_files(order2, NULL, NULL, NULL);
	assert_string_equal(rules_version(e), rules_version(f));
	g = rules_load_dir(dir, NULL, NULL, NULL);
	assert_string_equal(rules_version(e), rules_version(g));

	/* Shared and released. */
	assert_ptr_equal(rules_ref(a), a);
	rules_unref(a);
	rules_unref(NULL);
	test_rm_rf(dir);
}

static guint
count(const char *hay, const char *needle)
{
	guint n = 0;

	for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
		n++;
	return n;
}

static void
test_graph(void **state)
{
	static const char *const lanes[] = {"kepala_dinas", "kabid_informatika", "kasi_ti",
	                                    "verifikator"};
	static const char *const words[] = {"SETUJU", "TOLAK", "TERUSKAN", "KEMBALIKAN", "SELESAI"};
	g_autoptr(dispo_rules) rules = shipped();
	g_autofree char *dot = rules_graph_dot(rules, rules_workflow_get(rules, "pendaftaran"));
	const GPtrArray *wfs = rules_workflows(rules);
	g_autofree char *golden = test_srcdir("tests/rules/data/pendaftaran.dot");
	g_autoptr(dispo_rules) odd = NULL;
	g_autofree char *odd_dot = NULL;

	assert_non_null(dot);
	test_golden_compare(golden, dot);
	assert_int_equal(count(dot, "digraph "), 1);
	assert_int_equal(count(dot, "subgraph cluster_"), G_N_ELEMENTS(lanes));
	for (size_t i = 0; i < G_N_ELEMENTS(lanes); i++) {
		g_autofree char *cluster = g_strdup_printf("subgraph cluster_%s {", lanes[i]);
		assert_int_equal(count(dot, cluster), 1);
	}
	assert_int_equal(count(dot, "\\nSLA 10m\""), 2);
	assert_int_equal(count(dot, "\\nSLA 15m\\n"), 1); /* + surat rekomendasi */
	assert_int_equal(count(dot, "\\nSLA 15m\""), 1);  /* the files sent to BSrE */
	assert_int_equal(count(dot, "\\nSLA 1d\\n"), 1);
	/* The applicant's step in a lane of its own. */
	assert_int_equal(count(dot, "subgraph \"cluster:pemohon\" {"), 1);
	assert_int_equal(count(dot, "\\nSLA 3d\""), 1);
	/* A yes-word's line names the synonyms it stands for. */
	assert_int_equal(count(dot, "\\n(atau TERUSKAN, LANJUT)\""), 2);
	assert_int_equal(count(dot, "\\n(atau SETUJU, LANJUT)\""), 2);
	for (size_t i = 0; i < G_N_ELEMENTS(words); i++) {
		g_autofree char *label = g_strdup_printf("[label=\"%s", words[i]);
		assert_true(count(dot, label) >= 1);
	}
	assert_int_equal(count(dot, " -> "), 17); /* 16 'on' lines and the start */
	/* Every workflow its own document (dot reads only a stream's first
	 * graph), with each of its lanes once. */
	assert_int_equal(wfs->len, 2);
	for (guint i = 0; i < wfs->len; i++) {
		g_autofree char *one = rules_graph_dot(rules, wfs->pdata[i]);
		assert_int_equal(count(one, "digraph "), 1);
		assert_int_equal(count(one, "subgraph cluster_kasi_ti {"), 1);
	}

	/* Titles are quoted for DOT, whatever they hold. */
	odd = rules_load_text("o.rules",
	                      "role r \"R \\\"x\\\" \\\\ y\"\nworkflow w \"W &lt; &#x1;\tz\"\n"
	                      "  tag W\n"
	                      "  mailbox a@kuduskab.go.id\n  acknowledge tanda_terima\n"
	                      "  refuse penolakan\n" STEPS,
	                      NULL, NULL, NULL);
	assert_non_null(odd);
	assert_string_equal(rules_role_get(odd, "r")->title, "R \"x\" \\ y");
	odd_dot = rules_graph_dot(odd, rules_workflow_get(odd, "w"));
	assert_non_null(strstr(odd_dot, "label=\"R \\\"x\\\" \\\\ y\";"));
	/* Graphviz decodes entities: & stays &, so &#x1; is no control
	 * character in an SVG; a tab (XML would take it, VT or FF not) is a space. */
	assert_non_null(strstr(odd_dot, "label=\"W &amp;lt; &amp;#x1; z (w)\";"));
}

static void
test_dir(void **state)
{
	g_autofree char *dir = test_tmpdir("rules-dir");
	g_autofree char *empty = g_build_filename(dir, "empty", NULL);
	g_autofree char *a = g_build_filename(dir, "a.rules", NULL);
	g_autofree char *b = g_build_filename(dir, "b.rules", NULL);
	g_autofree char *swp = g_build_filename(dir, ".b.rules.swp", NULL);
	g_autofree char *bak = g_build_filename(dir, "b.rules~", NULL);
	g_autoptr(GPtrArray) diags = rules_diagnostics_new();
	g_autoptr(GError) e = NULL;
	g_autoptr(dispo_rules) rules = NULL;
	const dispo_rules_diagnostic *d;

	assert_null(rules_load_dir("/nonexistent/rules", NULL, NULL, &e));
	assert_true(g_error_matches(e, DISPO_RULES_ERROR, DISPO_RULES_ERROR_NOT_FOUND));
	g_clear_error(&e);
	assert_int_equal(g_mkdir(empty, 0700), 0);
	assert_null(rules_load_dir(empty, NULL, NULL, &e));
	assert_true(g_error_matches(e, DISPO_RULES_ERROR, DISPO_RULES_ERROR_NOT_FOUND));
	g_clear_error(&e);

	/* Roles in one file, a workflow in another; editor leftovers ignored. */
	assert_true(g_file_set_contents(a, "role r \"R\"\nrole s \"S\"\n", -1, NULL));
	assert_true(g_file_set_contents(b,
	                                "workflow w \"W\"\n  tag W\n  mailbox a@kuduskab.go.id\n"
	                                "  acknowledge tanda_terima\n  refuse penolakan\n" STEPS,
	                                -1, NULL));
	assert_true(g_file_set_contents(swp, "garbage", -1, NULL));
	assert_true(g_file_set_contents(bak, "garbage", -1, NULL));
	rules = rules_load_dir(dir, templates, diags, &e);
	assert_non_null(rules);
	assert_int_equal(rules_roles(rules)->len, 2);
	assert_string_equal(((dispo_rules_workflow *)rules_workflows(rules)->pdata[0])->file, b);

	/* A problem in one file: nothing loads, the file is named. */
	assert_true(g_file_set_contents(a, "role r \"R\"\nrole s\n", -1, NULL));
	assert_null(rules_load_dir(dir, templates, diags, &e));
	assert_true(g_error_matches(e, DISPO_RULES_ERROR, DISPO_RULES_ERROR_INVALID));
	assert_int_equal(diags->len, 1);
	d = diags->pdata[0];
	assert_string_equal(d->file, a);
	assert_int_equal(d->line, 2);
	g_clear_error(&e);

	/* A templates directory that is not there. */
	g_ptr_array_set_size(diags, 0);
	assert_true(g_file_set_contents(a, "role r \"R\"\nrole s \"S\"\n", -1, NULL));
	assert_null(rules_load_dir(dir, "/nonexistent/templates", diags, NULL));
	assert_int_equal(diags->len, 4); /* acknowledge, refuse, send, notify */
	d = diags->pdata[0];
	assert_string_equal(d->message, "no template 'tanda_terima': the templates directory "
	                                "/nonexistent/templates does not exist");
	test_rm_rf(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_broken),   cmocka_unit_test(test_several),
	    cmocka_unit_test(test_lenient),  cmocka_unit_test(test_hostile),
	    cmocka_unit_test(test_shipped),  cmocka_unit_test(test_workflow_for),
	    cmocka_unit_test(test_commands), cmocka_unit_test(test_synonyms),
	    cmocka_unit_test(test_version),  cmocka_unit_test(test_graph),
	    cmocka_unit_test(test_dir),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
