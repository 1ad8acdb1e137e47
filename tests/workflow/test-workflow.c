/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-workflow.c: the pure engine on the shipped rules (SOP 067 and
 * revocation walked end to end, every path and refusal as a table, the
 * yes-words' synonyms and the applicant's corrections included, purity).
 * The office calendar's deadlines are test-calendar.c's. */
#include "config.h"

#include "workflow/workflow.h"

#include "testutil.h"

#define T0     INT64_C(1795485600) /* Tuesday 2026-11-24 09:00 WIB */
#define MINUTE INT64_C(60)

static dispo_rules *rules;
static dispo_calendar *cal;
static GTimeZone *jakarta;

static int
setup(void **state)
{
	g_autofree char *roles = test_srcdir("rules/roles.rules");
	g_autofree char *sop067 = test_srcdir("rules/sop-067-pendaftaran.rules");
	g_autofree char *revoke = test_srcdir("rules/sop-pencabutan.rules");
	g_autofree char *templates = test_srcdir("templates");
	char *files[] = {roles, sop067, revoke, NULL};
	g_autoptr(GError) e = NULL;

	rules = rules_load_files(files, templates, NULL, &e);
	if (!rules)
		fail_msg("shipped rules do not load: %s", e->message);
	jakarta = test_jakarta();
	cal = workflow_calendar_new(jakarta);
	return 0;
}

static int
teardown(void **state)
{
	rules_unref(rules);
	workflow_calendar_free(cal);
	g_time_zone_unref(jakarta);
	return 0;
}

/* ---- walking the shipped workflows --------------------------------------- */

/* What the store would keep between events. */
typedef struct sim {
	const char *workflow;
	char *step;
	dispo_time entered;
	unsigned reminders;
	bool has_letter;
	GString *log;
} sim;

static const dispo_wf_action *
find_action(const dispo_wf_result *r, dispo_wf_action_kind kind)
{
	for (guint i = 0; i < r->actions->len; i++) {
		const dispo_wf_action *a = r->actions->pdata[i];
		if (a->kind == kind)
			return a;
	}
	return NULL;
}

/* Applies ev to the simulated request, logs the result, and keeps it for
 * the caller's assertions. */
static dispo_wf_result *
sim_apply(sim *s, const dispo_wf_event *ev)
{
	dispo_wf_request req = {.number = "SE-2026-000001",
	                        .workflow = s->workflow,
	                        .step = s->step,
	                        .step_entered = s->entered,
	                        .reminders = s->reminders,
	                        .has_letter = s->has_letter};
	dispo_wf_result *r = workflow_apply(rules, cal, &req, ev);
	g_autofree char *text = NULL;

	assert_non_null(r);
	assert_true(r->actions->len > 0);
	text = workflow_result_format(r, jakarta);
	g_string_append(s->log, text);
	g_string_append_c(s->log, '\n');
	if (r->moved) {
		g_free(s->step);
		s->step = g_strdup(r->step);
		s->entered = r->step_entered;
	}
	s->reminders = r->reminders;
	if (find_action(r, DISPO_ACT_MAKE_LETTER))
		s->has_letter = true;
	return r;
}

static dispo_wf_event
command(dispo_time at, const char *role, dispo_command cmd, const char *arg)
{
	dispo_wf_event ev = {.kind = DISPO_WF_COMMAND,
	                     .at = at,
	                     .actor = "pejabat@kuduskab.go.id",
	                     .actor_role = role,
	                     .command = cmd,
	                     .argument = arg};
	return ev;
}

static void
test_walk_sop067(void **state)
{
	sim s = {.workflow = "pendaftaran", .log = g_string_new(NULL)};
	dispo_wf_event ev = {.kind = DISPO_WF_ACCEPTED, .at = T0, .actor = "dispo"};
	dispo_wf_result *r;
	const dispo_wf_action *a;
	g_autofree char *golden = test_srcdir("tests/workflow/data/pendaftaran.txt");

	r = sim_apply(&s, &ev);
	assert_string_equal(r->step, "disposisi_kadin");
	a = find_action(r, DISPO_ACT_SEND);
	assert_string_equal(a->to_role, "kepala_dinas");
	assert_true(a->attach_documents);
	a = find_action(r, DISPO_ACT_TIMER_START);
	assert_int_equal(a->due, T0 + 10 * MINUTE);
	workflow_result_free(r);

	/* An unclear answer first: help, nothing moves. */
	ev = command(T0 + 3 * MINUTE, "kepala_dinas", DISPO_CMD_NONE, NULL);
	r = sim_apply(&s, &ev);
	assert_true(r->refused);
	assert_string_equal(s.step, "disposisi_kadin");
	workflow_result_free(r);

	/* The head returns it to the applicant, whose correction resumes it. */
	ev = command(T0 + 4 * MINUTE, "kepala_dinas", DISPO_CMD_RETURN, "KTP tidak terbaca");
	r = sim_apply(&s, &ev);
	assert_string_equal(s.step, "perbaikan");
	a = find_action(r, DISPO_ACT_SEND);
	assert_true(a->to_applicant);
	assert_null(a->to_role);
	assert_false(a->attach_documents);
	assert_string_equal(a->template, "perbaikan");
	assert_string_equal(a->note, "KTP tidak terbaca");
	workflow_result_free(r);
	ev = (dispo_wf_event){.kind = DISPO_WF_CORRECTED,
	                      .at = T0 + 60 * MINUTE,
	                      .actor = "pemohon@kuduskab.go.id",
	                      .step = "perbaikan"};
	r = sim_apply(&s, &ev);
	assert_string_equal(r->event, "corrected");
	assert_string_equal(s.step, "disposisi_kadin");
	assert_string_equal(find_action(r, DISPO_ACT_SEND)->to_role, "kepala_dinas");
	workflow_result_free(r);

	/* The head forwards the disposition: TERUSKAN is SETUJU's synonym here. */
	ev = command(T0 + 64 * MINUTE, "kepala_dinas", DISPO_CMD_FORWARD, NULL);
	r = sim_apply(&s, &ev);
	assert_string_equal(r->event, "forward");
	assert_string_equal(s.step, "disposisi_kabid");
	workflow_result_free(r);

	/* The Plt. Kabid approves, which forwards. */
	ev = command(T0 + 69 * MINUTE, "kabid_informatika", DISPO_CMD_APPROVE, NULL);
	ev.deputy = "plt";
	r = sim_apply(&s, &ev);
	assert_string_equal(r->deputy, "plt");
	assert_string_equal(s.step, "verifikasi_kasi");
	/* Entering verification makes the letter before the email that carries it. */
	assert_int_equal(((dispo_wf_action *)r->actions->pdata[1])->kind, DISPO_ACT_MAKE_LETTER);
	a = find_action(r, DISPO_ACT_SEND);
	assert_true(a->attach_letter);
	workflow_result_free(r);

	/* The verifier's two acts: the files sent to BSrE (the SOP's 15
	 * minutes), then BSrE's day. */
	ev = command(T0 + 80 * MINUTE, "kasi_ti", DISPO_CMD_APPROVE, NULL);
	r = sim_apply(&s, &ev);
	assert_string_equal(s.step, "kirim_bsre");
	a = find_action(r, DISPO_ACT_SEND);
	assert_string_equal(a->to_role, "verifikator");
	assert_string_equal(a->template, "kirim_bsre");
	assert_true(a->attach_letter);
	assert_int_equal(find_action(r, DISPO_ACT_TIMER_START)->due, T0 + 95 * MINUTE);
	workflow_result_free(r);

	ev = command(T0 + 90 * MINUTE, "verifikator", DISPO_CMD_APPROVE, "sudah dikirim");
	r = sim_apply(&s, &ev);
	assert_string_equal(s.step, "proses_bsre");
	a = find_action(r, DISPO_ACT_SEND);
	assert_string_equal(a->template, "proses_bsre");
	assert_true(a->attach_letter);
	a = find_action(r, DISPO_ACT_TIMER_START);
	/* 1d: the same time on the next working day. */
	assert_int_equal(a->due, T0 + 90 * MINUTE + 24 * 60 * MINUTE);
	workflow_result_free(r);

	ev = command(T0 + 26 * 60 * MINUTE, "verifikator", DISPO_CMD_DONE,
	             "3F2A9C1E00B7. Sudah terbit");
	r = sim_apply(&s, &ev);
	assert_true(r->closed);
	assert_string_equal(r->step, "terbit");
	assert_string_equal(r->event, "done");
	a = find_action(r, DISPO_ACT_RECORD_CERTIFICATE);
	assert_non_null(a);
	assert_string_equal(a->serial, "3F2A9C1E00B7");
	a = find_action(r, DISPO_ACT_SEND);
	assert_true(a->to_applicant);
	assert_string_equal(a->template, "keputusan");
	assert_null(find_action(r, DISPO_ACT_TIMER_START));
	workflow_result_free(r);

	test_golden_compare(golden, s.log->str);
	g_string_free(s.log, TRUE);
	g_free(s.step);
}

static void
test_walk_revocation(void **state)
{
	sim s = {.workflow = "pencabutan", .log = g_string_new(NULL)};
	dispo_wf_event ev = {.kind = DISPO_WF_ACCEPTED, .at = T0, .actor = "dispo"};
	dispo_wf_result *r;
	const dispo_wf_action *a;
	g_autofree char *golden = test_srcdir("tests/workflow/data/pencabutan.txt");

	workflow_result_free(sim_apply(&s, &ev));
	assert_string_equal(s.step, "verifikasi_kasi");
	ev = command(T0 + 10 * MINUTE, "kasi_ti", DISPO_CMD_APPROVE, NULL);
	workflow_result_free(sim_apply(&s, &ev));
	assert_string_equal(s.step, "kirim_pencabutan");
	/* LANJUT: the revocation is filed at BSrE. */
	ev = command(T0 + 20 * MINUTE, "verifikator", DISPO_CMD_CONTINUE, NULL);
	workflow_result_free(sim_apply(&s, &ev));
	assert_string_equal(s.step, "permintaan_bsre");

	/* BSrE's notification ends the wait as SELESAI would. */
	ev = (dispo_wf_event){
	    .kind = DISPO_WF_BSRE, .at = T0 + 3 * 60 * MINUTE, .actor = "bsre", .serial = "77AB01"};
	r = sim_apply(&s, &ev);
	assert_string_equal(r->event, "bsre");
	assert_string_equal(r->step, "dicabut");
	assert_true(r->closed);
	a = find_action(r, DISPO_ACT_RECORD_REVOCATION);
	assert_non_null(a);
	assert_string_equal(a->serial, "77AB01");
	assert_null(find_action(r, DISPO_ACT_RECORD_CERTIFICATE));
	workflow_result_free(r);

	test_golden_compare(golden, s.log->str);
	g_string_free(s.log, TRUE);
	g_free(s.step);
}

/* ---- every path, as a table ---------------------------------------------- */

typedef struct wcase {
	const char *name;
	const char *workflow, *step;
	unsigned reminders;
	bool has_letter;
	dispo_wf_event ev;
	const char *want;
} wcase;

#define ENTERED (T0 - 5 * MINUTE)
#define CMD(role, cmd, arg)                                                                        \
	{                                                                                          \
		.kind = DISPO_WF_COMMAND, .at = T0, .actor = "pejabat@kuduskab.go.id",             \
		.actor_role = role, .command = cmd, .argument = arg                                \
	}
#define TIMER(step_)                                                                               \
	{                                                                                          \
		.kind = DISPO_WF_TIMER, .at = T0, .actor = "dispo", .timer = "sla", .step = step_  \
	}
#define BSRE(serial_)                                                                              \
	{                                                                                          \
		.kind = DISPO_WF_BSRE, .at = T0, .actor = "bsre", .serial = serial_                \
	}
#define ADMIN(action, arg)                                                                         \
	{                                                                                          \
		.kind = DISPO_WF_ADMIN, .at = T0, .actor = "admin:budi", .admin_action = action,   \
		.argument = arg                                                                    \
	}

static const wcase cases[] = {
    {"wrong role", NULL, "disposisi_kadin", 0, false,
     CMD("kabid_informatika", DISPO_CMD_APPROVE, NULL),
     "event=refused reason=not_your_step step=disposisi_kadin refused reminders=0 "
     "entered=2026-11-24T08:55:00+07:00\n"
     "explain template=penjelasan to=actor step=disposisi_kadin reason=not_your_step "
     "detail=\"kepala_dinas\"\n"},
    {"no role at all", NULL, "disposisi_kadin", 0, false, CMD(NULL, DISPO_CMD_APPROVE, NULL),
     "event=refused reason=not_your_step step=disposisi_kadin refused reminders=0 "
     "entered=2026-11-24T08:55:00+07:00\n"
     "explain template=penjelasan to=actor step=disposisi_kadin reason=not_your_step "
     "detail=\"kepala_dinas\"\n"},
    {"deputy (plt) approves",
     NULL,
     "disposisi_kadin",
     0,
     false,
     {.kind = DISPO_WF_COMMAND,
      .at = T0,
      .actor = "plt@kuduskab.go.id",
      .actor_role = "kepala_dinas",
      .deputy = "plt",
      .command = DISPO_CMD_APPROVE},
     "event=approve step=disposisi_kabid from=disposisi_kadin moved deputy=plt reminders=0 "
     "entered=2026-11-24T09:00:00+07:00\n"
     "timer_stop step=disposisi_kadin timer=sla\n"
     "send template=disposisi to=role:kabid_informatika step=disposisi_kabid documents\n"
     "timer_start step=disposisi_kabid timer=sla due=2026-11-24T09:10:00+07:00\n"},
    {"deputy (plh) rejects with a reason",
     NULL,
     "disposisi_kadin",
     0,
     false,
     {.kind = DISPO_WF_COMMAND,
      .at = T0,
      .actor = "plh@kuduskab.go.id",
      .actor_role = "kepala_dinas",
      .deputy = "plh",
      .command = DISPO_CMD_REJECT,
      .argument = "  KTP tidak terbaca\n"},
     "event=reject step=ditolak from=disposisi_kadin moved closed deputy=plh reminders=0 "
     "entered=2026-11-24T09:00:00+07:00\n"
     "timer_stop step=disposisi_kadin timer=sla\n"
     "send template=keputusan to=applicant step=ditolak note=\"KTP tidak terbaca\"\n"},
    {"a deputy kind that does not exist is not recorded",
     NULL,
     "disposisi_kadin",
     0,
     false,
     {.kind = DISPO_WF_COMMAND,
      .at = T0,
      .actor = "x@kuduskab.go.id",
      .actor_role = "kepala_dinas",
      .deputy = "boss",
      .command = DISPO_CMD_APPROVE},
     "event=approve step=disposisi_kabid from=disposisi_kadin moved reminders=0 "
     "entered=2026-11-24T09:00:00+07:00\n"
     "timer_stop step=disposisi_kadin timer=sla\n"
     "send template=disposisi to=role:kabid_informatika step=disposisi_kabid documents\n"
     "timer_start step=disposisi_kabid timer=sla due=2026-11-24T09:10:00+07:00\n"},
    {"TERUSKAN at the first step takes its one way forward", NULL, "disposisi_kadin", 0, false,
     CMD("kepala_dinas", DISPO_CMD_FORWARD, NULL),
     "event=forward step=disposisi_kabid from=disposisi_kadin moved reminders=0 "
     "entered=2026-11-24T09:00:00+07:00\n"
     "timer_stop step=disposisi_kadin timer=sla\n"
     "send template=disposisi to=role:kabid_informatika step=disposisi_kabid documents\n"
     "timer_start step=disposisi_kabid timer=sla due=2026-11-24T09:10:00+07:00\n"},
    {"SELESAI not allowed at the Kabid's step", NULL, "disposisi_kabid", 0, false,
     CMD("kabid_informatika", DISPO_CMD_DONE, NULL),
     "event=refused reason=command_not_allowed_here step=disposisi_kabid refused reminders=0 "
     "entered=2026-11-24T08:55:00+07:00\n"
     "explain template=penjelasan to=actor step=disposisi_kabid reason=command_not_allowed_here "
     "detail=\"forward approve continue reject return note\"\n"},
    {"TOLAK at the Kabid's step", NULL, "disposisi_kabid", 0, false,
     CMD("kabid_informatika", DISPO_CMD_REJECT, "tidak lengkap"),
     "event=reject step=ditolak from=disposisi_kabid moved closed reminders=0 "
     "entered=2026-11-24T09:00:00+07:00\n"
     "timer_stop step=disposisi_kabid timer=sla\n"
     "send template=keputusan to=applicant step=ditolak note=\"tidak lengkap\"\n"},
    {"APPROVE at the Kabid's step takes its one way forward", NULL, "disposisi_kabid", 0, false,
     CMD("kabid_informatika", DISPO_CMD_APPROVE, "sudah dicek"),
     "event=approve step=verifikasi_kasi from=disposisi_kabid moved reminders=0 "
     "entered=2026-11-24T09:00:00+07:00\n"
     "timer_stop step=disposisi_kabid timer=sla\n"
     "make_letter step=verifikasi_kasi\n"
     "send template=disposisi to=role:kasi_ti step=verifikasi_kasi documents letter note=\"sudah "
     "dicek\"\n"
     "timer_start step=verifikasi_kasi timer=sla due=2026-11-24T09:15:00+07:00\n"},
    {"LANJUT at the Kabid's step takes its one way forward", NULL, "disposisi_kabid", 0, false,
     CMD("kabid_informatika", DISPO_CMD_CONTINUE, NULL),
     "event=continue step=verifikasi_kasi from=disposisi_kabid moved reminders=0 "
     "entered=2026-11-24T09:00:00+07:00\n"
     "timer_stop step=disposisi_kabid timer=sla\n"
     "make_letter step=verifikasi_kasi\n"
     "send template=disposisi to=role:kasi_ti step=verifikasi_kasi documents letter\n"
     "timer_start step=verifikasi_kasi timer=sla due=2026-11-24T09:15:00+07:00\n"},
    {"LANJUT at the first step", NULL, "disposisi_kadin", 0, false,
     CMD("kepala_dinas", DISPO_CMD_CONTINUE, NULL),
     "event=continue step=disposisi_kabid from=disposisi_kadin moved reminders=0 "
     "entered=2026-11-24T09:00:00+07:00\n"
     "timer_stop step=disposisi_kadin timer=sla\n"
     "send template=disposisi to=role:kabid_informatika step=disposisi_kabid documents\n"
     "timer_start step=disposisi_kabid timer=sla due=2026-11-24T09:10:00+07:00\n"},
    {"TERUSKAN at the Kasi's step", NULL, "verifikasi_kasi", 0, true,
     CMD("kasi_ti", DISPO_CMD_FORWARD, NULL),
     "event=forward step=kirim_bsre from=verifikasi_kasi moved reminders=0 "
     "entered=2026-11-24T09:00:00+07:00\n"
     "timer_stop step=verifikasi_kasi timer=sla\n"
     "send template=kirim_bsre to=role:verifikator step=kirim_bsre documents letter\n"
     "timer_start step=kirim_bsre timer=sla due=2026-11-24T09:15:00+07:00\n"},
    {"SETUJU from the verifier: the files are with BSrE", NULL, "kirim_bsre", 0, true,
     CMD("verifikator", DISPO_CMD_APPROVE, "sudah dikirim"),
     "event=approve step=proses_bsre from=kirim_bsre moved reminders=0 "
     "entered=2026-11-24T09:00:00+07:00\n"
     "timer_stop step=kirim_bsre timer=sla\n"
     "send template=proses_bsre to=role:verifikator step=proses_bsre documents letter note=\"sudah "
     "dikirim\"\n"
     "timer_start step=proses_bsre timer=sla due=2026-11-25T09:00:00+07:00\n"},
    {"TERUSKAN from the verifier", NULL, "kirim_bsre", 0, true,
     CMD("verifikator", DISPO_CMD_FORWARD, NULL),
     "event=forward step=proses_bsre from=kirim_bsre moved reminders=0 "
     "entered=2026-11-24T09:00:00+07:00\n"
     "timer_stop step=kirim_bsre timer=sla\n"
     "send template=proses_bsre to=role:verifikator step=proses_bsre documents letter\n"
     "timer_start step=proses_bsre timer=sla due=2026-11-25T09:00:00+07:00\n"},
    {"KEMBALIKAN from the verifier goes back to the Kasi", NULL, "kirim_bsre", 0, true,
     CMD("verifikator", DISPO_CMD_RETURN, "surat rekomendasi salah nomor"),
     "event=return step=verifikasi_kasi from=kirim_bsre moved reminders=0 "
     "entered=2026-11-24T09:00:00+07:00\n"
     "timer_stop step=kirim_bsre timer=sla\n"
     "make_letter step=verifikasi_kasi\n"
     "send template=disposisi to=role:kasi_ti step=verifikasi_kasi documents letter note=\"surat "
     "rekomendasi salah nomor\"\n"
     "timer_start step=verifikasi_kasi timer=sla due=2026-11-24T09:15:00+07:00\n"},
    {"TOLAK from the verifier", NULL, "kirim_bsre", 0, true,
     CMD("verifikator", DISPO_CMD_REJECT, "data tidak lengkap"),
     "event=reject step=ditolak from=kirim_bsre moved closed reminders=0 "
     "entered=2026-11-24T09:00:00+07:00\n"
     "timer_stop step=kirim_bsre timer=sla\n"
     "send template=keputusan to=applicant step=ditolak note=\"data tidak lengkap\"\n"},
    {"SELESAI before the files are with BSrE", NULL, "kirim_bsre", 0, true,
     CMD("verifikator", DISPO_CMD_DONE, "1A2B-3C4D"),
     "event=refused reason=command_not_allowed_here step=kirim_bsre refused reminders=0 "
     "entered=2026-11-24T08:55:00+07:00\n"
     "explain template=penjelasan to=actor step=kirim_bsre reason=command_not_allowed_here "
     "detail=\"forward approve continue reject return note\"\n"},
    {"BSrE notice before the files are with BSrE", NULL, "kirim_bsre", 0, true, BSRE("01AB"),
     "event=refused reason=bsre_unexpected step=kirim_bsre refused reminders=0 "
     "entered=2026-11-24T08:55:00+07:00\n"
     "explain template=penjelasan to=admin step=kirim_bsre reason=bsre_unexpected "
     "detail=\"kirim_bsre\"\n"},
    {"KEMBALIKAN at the first step returns the request to the applicant", NULL, "disposisi_kadin",
     0, false, CMD("kepala_dinas", DISPO_CMD_RETURN, "Scan KTP buram"),
     "event=return step=perbaikan from=disposisi_kadin moved reminders=0 "
     "entered=2026-11-24T09:00:00+07:00\n"
     "timer_stop step=disposisi_kadin timer=sla\n"
     "send template=perbaikan to=applicant step=perbaikan note=\"Scan KTP buram\"\n"
     "timer_start step=perbaikan timer=sla due=2026-11-27T09:00:00+07:00\n"},
    {"an official at the applicant's step", NULL, "perbaikan", 0, false,
     CMD("kepala_dinas", DISPO_CMD_APPROVE, NULL),
     "event=refused reason=not_your_step step=perbaikan refused reminders=0 "
     "entered=2026-11-24T08:55:00+07:00\n"
     "explain template=penjelasan to=actor step=perbaikan reason=not_your_step "
     "detail=\"applicant\"\n"},
    {"the applicant's correction resumes at the first step",
     NULL,
     "perbaikan",
     0,
     false,
     {.kind = DISPO_WF_CORRECTED, .at = T0, .actor = "pemohon@kuduskab.go.id", .step = "perbaikan"},
     "event=corrected step=disposisi_kadin from=perbaikan moved reminders=0 "
     "entered=2026-11-24T09:00:00+07:00\n"
     "timer_stop step=perbaikan timer=sla\n"
     "send template=disposisi to=role:kepala_dinas step=disposisi_kadin documents\n"
     "timer_start step=disposisi_kadin timer=sla due=2026-11-24T09:10:00+07:00\n"},
    {"a correction for a step the request is not at",
     NULL,
     "disposisi_kabid",
     0,
     false,
     {.kind = DISPO_WF_CORRECTED, .at = T0, .actor = "pemohon@kuduskab.go.id", .step = "perbaikan"},
     "event=refused reason=correction_unexpected step=disposisi_kabid refused reminders=0 "
     "entered=2026-11-24T08:55:00+07:00\n"
     "explain template=penjelasan to=admin step=disposisi_kabid reason=correction_unexpected "
     "detail=\"disposisi_kabid\"\n"},
    {"a correction while no applicant holds the request",
     NULL,
     "disposisi_kabid",
     0,
     false,
     {.kind = DISPO_WF_CORRECTED, .at = T0, .actor = "pemohon@kuduskab.go.id"},
     "event=refused reason=correction_unexpected step=disposisi_kabid refused reminders=0 "
     "entered=2026-11-24T08:55:00+07:00\n"
     "explain template=penjelasan to=admin step=disposisi_kabid reason=correction_unexpected "
     "detail=\"disposisi_kabid\"\n"},
    {"first SLA expiry at the applicant's step reminds the applicant", NULL, "perbaikan", 0, false,
     TIMER("perbaikan"),
     "event=timer:sla reason=reminder step=perbaikan reminders=1 "
     "entered=2026-11-24T08:55:00+07:00\n"
     "send template=perbaikan to=applicant step=perbaikan reason=reminder\n"
     "timer_start step=perbaikan timer=sla due=2026-11-27T09:00:00+07:00\n"},
    {"second SLA expiry at the applicant's step closes the request", NULL, "perbaikan", 1, false,
     TIMER("perbaikan"),
     "event=timer:sla reason=expired step=ditolak from=perbaikan moved closed reminders=0 "
     "entered=2026-11-24T09:00:00+07:00\n"
     "timer_stop step=perbaikan timer=sla\n"
     "send template=keputusan to=applicant step=ditolak reason=expired\n"},
    {"TOLAK without a reason", NULL, "disposisi_kadin", 0, false,
     CMD("kepala_dinas", DISPO_CMD_REJECT, NULL),
     "event=refused reason=reason_required step=disposisi_kadin refused reminders=0 "
     "entered=2026-11-24T08:55:00+07:00\n"
     "explain template=penjelasan to=actor step=disposisi_kadin reason=reason_required "
     "detail=\"reject\"\n"},
    {"TOLAK with a blank reason", NULL, "disposisi_kadin", 0, false,
     CMD("kepala_dinas", DISPO_CMD_REJECT, " \t\n "),
     "event=refused reason=reason_required step=disposisi_kadin refused reminders=0 "
     "entered=2026-11-24T08:55:00+07:00\n"
     "explain template=penjelasan to=actor step=disposisi_kadin reason=reason_required "
     "detail=\"reject\"\n"},
    {"KEMBALIKAN without a reason", NULL, "disposisi_kabid", 0, false,
     CMD("kabid_informatika", DISPO_CMD_RETURN, ""),
     "event=refused reason=reason_required step=disposisi_kabid refused reminders=0 "
     "entered=2026-11-24T08:55:00+07:00\n"
     "explain template=penjelasan to=actor step=disposisi_kabid reason=reason_required "
     "detail=\"return\"\n"},
    {"KEMBALIKAN goes back up with the reason", NULL, "disposisi_kabid", 0, false,
     CMD("kabid_informatika", DISPO_CMD_RETURN, "mohon dicek ulang"),
     "event=return step=disposisi_kadin from=disposisi_kabid moved reminders=0 "
     "entered=2026-11-24T09:00:00+07:00\n"
     "timer_stop step=disposisi_kabid timer=sla\n"
     "send template=disposisi to=role:kepala_dinas step=disposisi_kadin documents note=\"mohon "
     "dicek ulang\"\n"
     "timer_start step=disposisi_kadin timer=sla due=2026-11-24T09:10:00+07:00\n"},
    {"KEMBALIKAN after the letter keeps it attached", NULL, "verifikasi_kasi", 0, true,
     CMD("kasi_ti", DISPO_CMD_RETURN, "NIK beda"),
     "event=return step=disposisi_kabid from=verifikasi_kasi moved reminders=0 "
     "entered=2026-11-24T09:00:00+07:00\n"
     "timer_stop step=verifikasi_kasi timer=sla\n"
     "send template=disposisi to=role:kabid_informatika step=disposisi_kabid documents letter "
     "note=\"NIK beda\"\n"
     "timer_start step=disposisi_kabid timer=sla due=2026-11-24T09:10:00+07:00\n"},
    {"a reason's control characters are neutralised", NULL, "disposisi_kadin", 0, false,
     CMD("kepala_dinas", DISPO_CMD_REJECT, "data\x1b[31m salah\x7f"),
     "event=reject step=ditolak from=disposisi_kadin moved closed reminders=0 "
     "entered=2026-11-24T09:00:00+07:00\n"
     "timer_stop step=disposisi_kadin timer=sla\n"
     "send template=keputusan to=applicant step=ditolak note=\"data�[31m salah�\"\n"},
    {"command on an issued request", NULL, "terbit", 0, false,
     CMD("kepala_dinas", DISPO_CMD_APPROVE, NULL),
     "event=refused reason=request_closed step=terbit closed refused reminders=0 "
     "entered=2026-11-24T08:55:00+07:00\n"
     "explain template=penjelasan to=actor step=terbit reason=request_closed detail=\"terbit\"\n"},
    {"note on a rejected request", NULL, "ditolak", 0, false,
     CMD("kepala_dinas", DISPO_CMD_NOTE, "kenapa?"),
     "event=refused reason=request_closed step=ditolak closed refused reminders=0 "
     "entered=2026-11-24T08:55:00+07:00\n"
     "explain template=penjelasan to=actor step=ditolak reason=request_closed "
     "detail=\"ditolak\"\n"},
    {"command on a cancelled request", NULL, DISPO_WF_CANCELLED, 0, false,
     CMD("kepala_dinas", DISPO_CMD_APPROVE, NULL),
     "event=refused reason=request_closed step=dibatalkan closed refused reminders=0 "
     "entered=2026-11-24T08:55:00+07:00\n"
     "explain template=penjelasan to=actor step=dibatalkan reason=request_closed "
     "detail=\"dibatalkan\"\n"},
    {"CATATAN adds a note and does not move", NULL, "disposisi_kabid", 0, false,
     CMD("kabid_informatika", DISPO_CMD_NOTE, "Tolong segera diproses"),
     "event=note step=disposisi_kabid reminders=0 entered=2026-11-24T08:55:00+07:00\n"
     "note step=disposisi_kabid reason=note detail=\"Tolong segera diproses\"\n"},
    {"CATATAN without text", NULL, "disposisi_kabid", 0, false,
     CMD("kabid_informatika", DISPO_CMD_NOTE, NULL),
     "event=refused reason=text_required step=disposisi_kabid refused reminders=0 "
     "entered=2026-11-24T08:55:00+07:00\n"
     "explain template=penjelasan to=actor step=disposisi_kabid reason=text_required "
     "detail=\"note\"\n"},
    {"unclear reply gets help", NULL, "disposisi_kadin", 0, false,
     CMD("kepala_dinas", DISPO_CMD_NONE, "ok"),
     "event=refused reason=unclear step=disposisi_kadin refused reminders=0 "
     "entered=2026-11-24T08:55:00+07:00\n"
     "explain template=bantuan to=actor step=disposisi_kadin reason=unclear detail=\"approve "
     "forward continue reject return note\"\n"},
    {"a command number out of range is unclear", NULL, "disposisi_kadin", 0, false,
     CMD("kepala_dinas", (dispo_command)99, NULL),
     "event=refused reason=unclear step=disposisi_kadin refused reminders=0 "
     "entered=2026-11-24T08:55:00+07:00\n"
     "explain template=bantuan to=actor step=disposisi_kadin reason=unclear detail=\"approve "
     "forward continue reject return note\"\n"},
    {"reply to the email of a step already left",
     NULL,
     "disposisi_kabid",
     0,
     false,
     {.kind = DISPO_WF_COMMAND,
      .at = T0,
      .actor = "kadin@kuduskab.go.id",
      .actor_role = "kabid_informatika",
      .step = "disposisi_kadin",
      .command = DISPO_CMD_APPROVE},
     "event=refused reason=step_passed step=disposisi_kabid refused reminders=0 "
     "entered=2026-11-24T08:55:00+07:00\n"
     "explain template=penjelasan to=actor step=disposisi_kabid reason=step_passed "
     "detail=\"disposisi_kabid\"\n"},
    {"command before the request started", NULL, NULL, 0, false,
     CMD("kepala_dinas", DISPO_CMD_APPROVE, NULL),
     "event=refused reason=not_started step=- refused reminders=0 "
     "entered=2026-11-24T08:55:00+07:00\n"
     "explain template=penjelasan to=actor reason=not_started\n"},
    {"stale timer of a step left", NULL, "disposisi_kabid", 0, false, TIMER("disposisi_kadin"),
     "event=timer:sla reason=timer_stale step=disposisi_kabid reminders=0 "
     "entered=2026-11-24T08:55:00+07:00\n"
     "note step=disposisi_kabid reason=timer_stale detail=\"SLA timer of step disposisi_kadin "
     "ignored: the request is at disposisi_kabid\"\n"},
    {"stale timer of an earlier visit to the same step",
     NULL,
     "disposisi_kadin",
     0,
     false,
     {.kind = DISPO_WF_TIMER,
      .at = T0,
      .actor = "dispo",
      .timer = "sla",
      .step = "disposisi_kadin",
      .step_entered = ENTERED - 60 * MINUTE},
     "event=timer:sla reason=timer_stale step=disposisi_kadin reminders=0 "
     "entered=2026-11-24T08:55:00+07:00\n"
     "note step=disposisi_kadin reason=timer_stale detail=\"SLA timer of an earlier visit to step "
     "disposisi_kadin ignored\"\n"},
    {"timer of a closed request", NULL, "terbit", 0, false, TIMER("proses_bsre"),
     "event=timer:sla reason=timer_stale step=terbit closed reminders=0 "
     "entered=2026-11-24T08:55:00+07:00\n"
     "note step=terbit reason=timer_stale detail=\"SLA timer of step proses_bsre ignored: the "
     "request is at terbit\"\n"},
    {"first SLA expiry reminds",
     NULL,
     "disposisi_kabid",
     0,
     false,
     {.kind = DISPO_WF_TIMER,
      .at = T0,
      .actor = "dispo",
      .timer = "sla",
      .step = "disposisi_kabid",
      .step_entered = ENTERED},
     "event=timer:sla reason=reminder step=disposisi_kabid reminders=1 "
     "entered=2026-11-24T08:55:00+07:00\n"
     "send template=pengingat to=role:kabid_informatika step=disposisi_kabid documents\n"
     "timer_start step=disposisi_kabid timer=sla due=2026-11-24T09:10:00+07:00\n"},
    {"first SLA expiry near closing time",
     NULL,
     "verifikasi_kasi",
     0,
     true,
     {.kind = DISPO_WF_TIMER, .at = T0 + 412 * MINUTE, .actor = "dispo", .timer = "sla"},
     "event=timer:sla reason=reminder step=verifikasi_kasi reminders=1 "
     "entered=2026-11-24T08:55:00+07:00\n"
     "send template=pengingat to=role:kasi_ti step=verifikasi_kasi documents letter\n"
     "timer_start step=verifikasi_kasi timer=sla due=2026-11-25T07:37:00+07:00\n"},
    {"second SLA expiry escalates to admin and Kepala Dinas", NULL, "disposisi_kabid", 1, false,
     TIMER("disposisi_kabid"),
     "event=timer:sla reason=escalation step=disposisi_kabid reminders=2 "
     "entered=2026-11-24T08:55:00+07:00\n"
     "send template=eskalasi to=admin step=disposisi_kabid\n"
     "send template=eskalasi to=role:kepala_dinas step=disposisi_kabid\n"},
    {"second SLA expiry at the first step escalates to admin only", NULL, "disposisi_kadin", 1,
     false, TIMER(NULL),
     "event=timer:sla reason=escalation step=disposisi_kadin reminders=2 "
     "entered=2026-11-24T08:55:00+07:00\n"
     "send template=eskalasi to=admin step=disposisi_kadin\n"},
    {"third SLA expiry only notes", NULL, "disposisi_kabid", 2, false, TIMER(NULL),
     "event=timer:sla reason=escalated step=disposisi_kabid reminders=2 "
     "entered=2026-11-24T08:55:00+07:00\n"
     "note step=disposisi_kabid reason=escalated detail=\"SLA expired again after the escalation; "
     "no more emails\"\n"},
    {"unknown timer",
     NULL,
     "disposisi_kabid",
     0,
     false,
     {.kind = DISPO_WF_TIMER, .at = T0, .actor = "dispo", .timer = "lunch"},
     "event=refused reason=unknown_timer step=disposisi_kabid refused reminders=0 "
     "entered=2026-11-24T08:55:00+07:00\n"
     "explain template=penjelasan to=admin step=disposisi_kabid reason=unknown_timer "
     "detail=\"lunch\"\n"},
    {"BSrE notice while not waiting", NULL, "disposisi_kadin", 0, false, BSRE("01AB"),
     "event=refused reason=bsre_unexpected step=disposisi_kadin refused reminders=0 "
     "entered=2026-11-24T08:55:00+07:00\n"
     "explain template=penjelasan to=admin step=disposisi_kadin reason=bsre_unexpected "
     "detail=\"disposisi_kadin\"\n"},
    {"BSrE notice on a closed request", NULL, "terbit", 0, false, BSRE("01AB"),
     "event=refused reason=bsre_unexpected step=terbit closed refused reminders=0 "
     "entered=2026-11-24T08:55:00+07:00\n"
     "explain template=penjelasan to=admin step=terbit reason=bsre_unexpected detail=\"terbit\"\n"},
    {"BSrE notice while waiting", NULL, "proses_bsre", 0, true, BSRE("  01AB02CD "),
     "event=bsre step=terbit from=proses_bsre moved closed reminders=0 "
     "entered=2026-11-24T09:00:00+07:00\n"
     "timer_stop step=proses_bsre timer=sla\n"
     "record_certificate step=proses_bsre serial=01AB02CD\n"
     "send template=keputusan to=applicant step=terbit\n"},
    {"BSrE notice without a serial", NULL, "proses_bsre", 0, true, BSRE(NULL),
     "event=bsre step=terbit from=proses_bsre moved closed reminders=0 "
     "entered=2026-11-24T09:00:00+07:00\n"
     "timer_stop step=proses_bsre timer=sla\n"
     "record_certificate step=proses_bsre\n"
     "send template=keputusan to=applicant step=terbit\n"},
    {"SELESAI with a serial", NULL, "proses_bsre", 0, true,
     CMD("verifikator", DISPO_CMD_DONE, "SN-0012AB, terima kasih"),
     "event=done step=terbit from=proses_bsre moved closed reminders=0 "
     "entered=2026-11-24T09:00:00+07:00\n"
     "timer_stop step=proses_bsre timer=sla\n"
     "record_certificate step=proses_bsre serial=SN-0012AB\n"
     "send template=keputusan to=applicant step=terbit\n"},
    {"SELESAI without a serial", NULL, "proses_bsre", 0, true,
     CMD("verifikator", DISPO_CMD_DONE, "sudah terbit"),
     "event=done step=terbit from=proses_bsre moved closed reminders=0 "
     "entered=2026-11-24T09:00:00+07:00\n"
     "timer_stop step=proses_bsre timer=sla\n"
     "record_certificate step=proses_bsre\n"
     "send template=keputusan to=applicant step=terbit\n"},
    {"SELESAI with the serial in its field",
     NULL,
     "proses_bsre",
     0,
     true,
     {.kind = DISPO_WF_COMMAND,
      .at = T0,
      .actor = "v@kuduskab.go.id",
      .actor_role = "verifikator",
      .command = DISPO_CMD_DONE,
      .serial = "C0FFEE11"},
     "event=done step=terbit from=proses_bsre moved closed reminders=0 "
     "entered=2026-11-24T09:00:00+07:00\n"
     "timer_stop step=proses_bsre timer=sla\n"
     "record_certificate step=proses_bsre serial=C0FFEE11\n"
     "send template=keputusan to=applicant step=terbit\n"},
    {"TOLAK at the BSrE stage", NULL, "proses_bsre", 0, true,
     CMD("verifikator", DISPO_CMD_REJECT, "BSrE: data KTP tidak cocok"),
     "event=reject step=ditolak from=proses_bsre moved closed reminders=0 "
     "entered=2026-11-24T09:00:00+07:00\n"
     "timer_stop step=proses_bsre timer=sla\n"
     "send template=keputusan to=applicant step=ditolak note=\"BSrE: data KTP tidak cocok\"\n"},
    {"SETUJU from the verifier at the BSrE stage", NULL, "proses_bsre", 0, true,
     CMD("verifikator", DISPO_CMD_APPROVE, NULL),
     "event=refused reason=command_not_allowed_here step=proses_bsre refused reminders=0 "
     "entered=2026-11-24T08:55:00+07:00\n"
     "explain template=penjelasan to=actor step=proses_bsre reason=command_not_allowed_here "
     "detail=\"done reject note\"\n"},
    {"admin cancels", NULL, "disposisi_kabid", 0, false, ADMIN("cancel", "permohonan ganda"),
     "event=admin:cancel step=dibatalkan from=disposisi_kabid moved closed reminders=0 "
     "entered=2026-11-24T09:00:00+07:00\n"
     "timer_stop step=disposisi_kabid timer=sla\n"
     "send template=keputusan to=applicant step=dibatalkan note=\"permohonan ganda\"\n"},
    {"admin cancels a closed request", NULL, "ditolak", 0, false, ADMIN("cancel", NULL),
     "event=refused reason=request_closed step=ditolak closed refused reminders=0 "
     "entered=2026-11-24T08:55:00+07:00\n"
     "explain template=penjelasan to=actor step=ditolak reason=request_closed "
     "detail=\"ditolak\"\n"},
    {"admin cancels before the start", NULL, NULL, 0, false, ADMIN("cancel", NULL),
     "event=refused reason=not_started step=- refused reminders=0 "
     "entered=2026-11-24T08:55:00+07:00\n"
     "explain template=penjelasan to=actor reason=not_started\n"},
    {"admin moves to verification", NULL, "disposisi_kadin", 0, false,
     ADMIN("move:verifikasi_kasi", NULL),
     "event=admin:move step=verifikasi_kasi from=disposisi_kadin moved reminders=0 "
     "entered=2026-11-24T09:00:00+07:00\n"
     "timer_stop step=disposisi_kadin timer=sla\n"
     "make_letter step=verifikasi_kasi\n"
     "send template=disposisi to=role:kasi_ti step=verifikasi_kasi documents letter\n"
     "timer_start step=verifikasi_kasi timer=sla due=2026-11-24T09:15:00+07:00\n"},
    {"admin reopens an end", NULL, "ditolak", 0, false, ADMIN("move:disposisi_kadin", "salah"),
     "event=admin:move step=disposisi_kadin from=ditolak moved reminders=0 "
     "entered=2026-11-24T09:00:00+07:00\n"
     "send template=disposisi to=role:kepala_dinas step=disposisi_kadin documents note=\"salah\"\n"
     "timer_start step=disposisi_kadin timer=sla due=2026-11-24T09:10:00+07:00\n"},
    {"admin moves to a step that does not exist", NULL, "disposisi_kadin", 0, false,
     ADMIN("move:nowhere", NULL),
     "event=refused reason=unknown_step step=disposisi_kadin refused reminders=0 "
     "entered=2026-11-24T08:55:00+07:00\n"
     "explain template=penjelasan to=actor step=disposisi_kadin reason=unknown_step "
     "detail=\"nowhere\"\n"},
    {"admin action that does not exist", NULL, "disposisi_kadin", 0, false, ADMIN("delete", NULL),
     "event=refused reason=unknown_admin_action step=disposisi_kadin refused reminders=0 "
     "entered=2026-11-24T08:55:00+07:00\n"
     "explain template=penjelasan to=actor step=disposisi_kadin reason=unknown_admin_action "
     "detail=\"delete\"\n"},
    {"accepted twice",
     NULL,
     "disposisi_kabid",
     0,
     false,
     {.kind = DISPO_WF_ACCEPTED, .at = T0, .actor = "dispo"},
     "event=refused reason=already_accepted step=disposisi_kabid refused reminders=0 "
     "entered=2026-11-24T08:55:00+07:00\n"
     "explain template=penjelasan to=admin step=disposisi_kabid reason=already_accepted "
     "detail=\"disposisi_kabid\"\n"},
    {"unknown workflow", "pendaftaran_lama", "disposisi_kadin", 0, false,
     CMD("kepala_dinas", DISPO_CMD_APPROVE, NULL),
     "event=refused reason=unknown_workflow step=disposisi_kadin refused reminders=0 "
     "entered=2026-11-24T08:55:00+07:00\n"
     "explain template=penjelasan to=actor,admin step=disposisi_kadin reason=unknown_workflow "
     "detail=\"pendaftaran_lama\"\n"},
    {"a step the rules no longer have", NULL, "disposisi_sekdin", 0, false,
     CMD("kepala_dinas", DISPO_CMD_APPROVE, NULL),
     "event=refused reason=unknown_step step=disposisi_sekdin refused reminders=0 "
     "entered=2026-11-24T08:55:00+07:00\n"
     "explain template=penjelasan to=actor,admin step=disposisi_sekdin reason=unknown_step "
     "detail=\"disposisi_sekdin\"\n"},
    {"revocation: TERUSKAN at the Kasi's step", "pencabutan", "verifikasi_kasi", 0, false,
     CMD("kasi_ti", DISPO_CMD_FORWARD, NULL),
     "event=forward step=kirim_pencabutan from=verifikasi_kasi moved reminders=0 "
     "entered=2026-11-24T09:00:00+07:00\n"
     "timer_stop step=verifikasi_kasi timer=sla\n"
     "send template=kirim_pencabutan to=role:verifikator step=kirim_pencabutan documents\n"
     "timer_start step=kirim_pencabutan timer=sla due=2026-11-24T09:15:00+07:00\n"},
    {"revocation: KEMBALIKAN at the first step returns it to the applicant", "pencabutan",
     "verifikasi_kasi", 0, false, CMD("kasi_ti", DISPO_CMD_RETURN, "alasan belum diisi"),
     "event=return step=perbaikan from=verifikasi_kasi moved reminders=0 "
     "entered=2026-11-24T09:00:00+07:00\n"
     "timer_stop step=verifikasi_kasi timer=sla\n"
     "send template=perbaikan to=applicant step=perbaikan note=\"alasan belum diisi\"\n"
     "timer_start step=perbaikan timer=sla due=2026-11-27T09:00:00+07:00\n"},
    {"revocation: the applicant's correction resumes at the Kasi's step",
     "pencabutan",
     "perbaikan",
     0,
     false,
     {.kind = DISPO_WF_CORRECTED, .at = T0, .actor = "pemohon@kuduskab.go.id"},
     "event=corrected step=verifikasi_kasi from=perbaikan moved reminders=0 "
     "entered=2026-11-24T09:00:00+07:00\n"
     "timer_stop step=perbaikan timer=sla\n"
     "send template=disposisi to=role:kasi_ti step=verifikasi_kasi documents\n"
     "timer_start step=verifikasi_kasi timer=sla due=2026-11-24T09:15:00+07:00\n"},
    {"revocation: SETUJU from the verifier: filed at BSrE", "pencabutan", "kirim_pencabutan", 0,
     false, CMD("verifikator", DISPO_CMD_APPROVE, NULL),
     "event=approve step=permintaan_bsre from=kirim_pencabutan moved reminders=0 "
     "entered=2026-11-24T09:00:00+07:00\n"
     "timer_stop step=kirim_pencabutan timer=sla\n"
     "send template=pencabutan_bsre to=role:verifikator step=permintaan_bsre documents\n"
     "timer_start step=permintaan_bsre timer=sla due=2026-11-25T09:00:00+07:00\n"},
    {"revocation: accepted",
     "pencabutan",
     NULL,
     0,
     false,
     {.kind = DISPO_WF_ACCEPTED, .at = T0 + 7 * 60 * MINUTE, .actor = "dispo"},
     "event=accepted step=verifikasi_kasi from=- moved reminders=0 "
     "entered=2026-11-24T16:00:00+07:00\n"
     "send template=disposisi to=role:kasi_ti step=verifikasi_kasi documents\n"
     "timer_start step=verifikasi_kasi timer=sla due=2026-11-25T07:45:00+07:00\n"},
    {"revocation: SELESAI records the revocation", "pencabutan", "permintaan_bsre", 0, false,
     CMD("verifikator", DISPO_CMD_DONE, NULL),
     "event=done step=dicabut from=permintaan_bsre moved closed reminders=0 "
     "entered=2026-11-24T09:00:00+07:00\n"
     "timer_stop step=permintaan_bsre timer=sla\n"
     "record_revocation step=permintaan_bsre\n"
     "send template=keputusan to=applicant step=dicabut\n"},
};

static char *
case_run(const wcase *c)
{
	dispo_wf_request req = {.number = "SE-2026-000007",
	                        .workflow = c->workflow ? c->workflow : "pendaftaran",
	                        .step = c->step,
	                        .step_entered = ENTERED,
	                        .reminders = c->reminders,
	                        .has_letter = c->has_letter};
	g_autoptr(dispo_wf_result) r = workflow_apply(rules, cal, &req, &c->ev);

	assert_non_null(r);
	/* Never a silent no-op. */
	if (r->actions->len == 0)
		fail_msg("%s: no action", c->name);
	/* A refusal changes no state. */
	if (r->refused) {
		assert_false(r->moved);
		assert_string_equal(r->event, "refused");
		assert_int_equal(r->reminders, c->reminders);
		assert_int_equal(r->step_entered, ENTERED);
	}
	return workflow_result_format(r, jakarta);
}

static void
test_cases(void **state)
{
	unsigned bad = 0;

	assert_true(G_N_ELEMENTS(cases) >= 25);
	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autofree char *got = case_run(&cases[i]);
		if (g_getenv("DISPO_PRINT_CASES")) {
			print_message("{\"%s\",\n%s}\n", cases[i].name, got);
			continue;
		}
		if (strcmp(got, cases[i].want) != 0) {
			print_message("case %u (%s):\n got: %s want: %s", i + 1, cases[i].name, got,
			              cases[i].want);
			bad++;
		}
	}
	assert_int_equal(bad, 0);
}

/* Same inputs, same outputs: every case twice, and the inputs untouched. */
static void
test_pure(void **state)
{
	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		wcase copy = cases[i];
		g_autofree char *a = case_run(&cases[i]);
		g_autofree char *b = case_run(&cases[i]);
		assert_string_equal(a, b);
		assert_memory_equal(&copy, &cases[i], sizeof copy);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_walk_sop067),
	    cmocka_unit_test(test_walk_revocation),
	    cmocka_unit_test(test_cases),
	    cmocka_unit_test(test_pure),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
