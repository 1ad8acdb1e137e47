/* SPDX-License-Identifier: GPL-3.0-or-later */
/* rules.h: rules files (rules/NAME.rules) in, an immutable validated model out:
 * roles, and per workflow its intake requirements and its steps with their
 * roles, SLAs, templates and transitions. Errors carry file:line:col. */
#ifndef DISPO_RULES_H
#define DISPO_RULES_H

#include "lib/lib.h"

#define DISPO_RULES_ERROR (dispo_rules_error_quark())
GQuark dispo_rules_error_quark(void);
typedef enum {
	DISPO_RULES_ERROR_INVALID,   /* the files have errors (see the diagnostics) */
	DISPO_RULES_ERROR_NOT_FOUND, /* no such file or directory, or no .rules in it */
} dispo_rules_error_code;

/* Canonical commands; replies may use either language's word. */
typedef enum {
	DISPO_CMD_NONE = 0,
	DISPO_CMD_APPROVE,  /* SETUJU / APPROVE */
	DISPO_CMD_FORWARD,  /* TERUSKAN / FORWARD */
	DISPO_CMD_REJECT,   /* TOLAK / REJECT <alasan> */
	DISPO_CMD_RETURN,   /* KEMBALIKAN / RETURN <alasan> */
	DISPO_CMD_NOTE,     /* CATATAN / NOTE <teks>: never moves a request */
	DISPO_CMD_DONE,     /* SELESAI / DONE */
	DISPO_CMD_CONTINUE, /* LANJUT / CONTINUE */
} dispo_command;

/* "approve" for DISPO_CMD_APPROVE; SETUJU/APPROVE/setuju… → the command. */
const char *rules_command_name(dispo_command cmd);
const char *rules_command_word(dispo_command cmd, const char *lang); /* "SETUJU" / "APPROVE" */
dispo_command rules_command_parse(const char *word);
/* SETUJU, TERUSKAN and LANJUT (APPROVE, FORWARD, CONTINUE): the words that
 * say yes and move a step on, each a synonym of the others where the step
 * has no 'on' line for it (rules_transition_resolve). SELESAI is not one:
 * it says that a certificate exists. */
bool rules_command_affirmative(dispo_command cmd);

typedef struct dispo_rules_requirement {
	char *name;   /* permohonan */
	char *title;  /* "Surat permohonan" */
	char **types; /* NULL-terminated: pdf jpeg png */
	uint64_t max_size;
	char **keywords; /* NULL-terminated; defaults to { name } */
} dispo_rules_requirement;

typedef enum {
	DISPO_RECORD_NONE = 0,
	DISPO_RECORD_CERTIFICATE, /* record certificate: the applicant enters the register */
	DISPO_RECORD_REVOCATION,  /* record revocation: their certificate is revoked */
} dispo_rules_record;

typedef struct dispo_rules_transition {
	dispo_command command;
	char *target; /* a step or an end */
	dispo_rules_record record;
	unsigned line, col;
} dispo_rules_transition;

typedef struct dispo_rules_step {
	char *name;
	char *title;
	bool is_end; /* an end state: no role, no transitions */
	/* Held by the applicant (no role): the request was returned for a
	 * correction. Left by on SELESAI when the applicant's reply makes the
	 * application complete, by on TOLAK when the SLA runs out twice. */
	bool applicant;
	char *role;     /* NULL for an end and an applicant's step */
	int64_t sla_ms; /* 0 = none */
	char
	    *send; /* template sent to the role on entry (or to the applicant for an end: notify) */
	char *wait;             /* "bsre": also left by a BSrE notification, or NULL */
	bool letter;            /* generate the recommendation letter on entry */
	GPtrArray *transitions; /* dispo_rules_transition * */
	unsigned line, col;
} dispo_rules_step;

typedef struct dispo_rules_workflow {
	char *name; /* pendaftaran */
	char *title;
	char *tag; /* SE */
	char *mailbox;
	char **subject_keywords; /* NULL-terminated; NULL = the default workflow of its mailbox */
	bool sender_go_id;       /* sender go.id … */
	bool sender_active;      /* … active: register or confirmation round trip */
	bool sender_certificate_holder; /* … certificate-holder: in the certificate register */
	GPtrArray *requirements;        /* dispo_rules_requirement * */
	char **fields;                  /* NULL-terminated form labels: Nama NIP NIK … */
	char *acknowledge;              /* template for an accepted application */
	char *refuse;                   /* template for a refused one */
	GPtrArray *steps; /* dispo_rules_step *, steps then ends, as written; [0] is the first */
	char *file;
	unsigned line;
} dispo_rules_workflow;

typedef struct dispo_rules_role {
	char *key;   /* kepala_dinas */
	char *title; /* "Kepala Dinas Komunikasi dan Informatika" */
} dispo_rules_role;

typedef struct dispo_rules dispo_rules;

/* One problem in the files: "file:line:col: message". */
typedef struct dispo_rules_diagnostic {
	char *file;
	unsigned line, col;
	char *message;
} dispo_rules_diagnostic;

/* Loads every *.rules file of dir (a path or a GIO URI such as
 * resource:///dispo/rules), or the given files, all or nothing. Template
 * names are checked against templates_dir (path or URI; NULL skips that
 * check). Every problem found is added to diagnostics (dispo_rules_diagnostic
 * *, may be NULL); on any, returns NULL with DISPO_RULES_ERROR_INVALID. */
dispo_rules *rules_load_dir(const char *dir, const char *templates_dir, GPtrArray *diagnostics,
                            GError **error);
dispo_rules *rules_load_files(char *const *files, const char *templates_dir, GPtrArray *diagnostics,
                              GError **error);
/* The same from text in memory (tests, fuzzing); name is used in messages. */
dispo_rules *rules_load_text(const char *name, const char *text, const char *templates_dir,
                             GPtrArray *diagnostics, GError **error);
dispo_rules *rules_ref(dispo_rules *rules);
void rules_unref(dispo_rules *rules);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(dispo_rules, rules_unref)
GPtrArray *rules_diagnostics_new(void);
char *rules_diagnostic_format(const dispo_rules_diagnostic *d);

/* An SLA as the rules write it: "10m", "1d", "90s" (the largest unit that
 * divides evenly). */
char *rules_duration_format(int64_t ms);

/* A hash of the files' names and bytes, recorded with every event. */
const char *rules_version(const dispo_rules *rules);
const GPtrArray *rules_workflows(const dispo_rules *rules); /* dispo_rules_workflow * */
const GPtrArray *rules_roles(const dispo_rules *rules);     /* dispo_rules_role * */
const dispo_rules_workflow *rules_workflow_get(const dispo_rules *rules, const char *name);
const dispo_rules_role *rules_role_get(const dispo_rules *rules, const char *key);
/* The workflow an application to mailbox (NULL: any) with this subject
 * opens: the first whose subject keywords occur in the subject (case-
 * insensitive), else the mailbox's default workflow; NULL when none. */
const dispo_rules_workflow *rules_workflow_for(const dispo_rules *rules, const char *mailbox,
                                               const char *subject);
const dispo_rules_step *rules_step_get(const dispo_rules_workflow *wf, const char *name);
/* The step's own 'on' line for cmd, or NULL. */
const dispo_rules_transition *rules_transition_get(const dispo_rules_step *step, dispo_command cmd);
/* Where a reply of cmd goes at step: its own 'on' line; else, for an
 * affirmative word (SETUJU, TERUSKAN, LANJUT), the step's one forward path:
 * its first affirmative 'on' line, when all of them lead to the same step
 * (with the same record). NULL when the word goes nowhere (or, which the
 * rules check forbids, could go to two places). */
const dispo_rules_transition *rules_transition_resolve(const dispo_rules_step *step,
                                                       dispo_command cmd);
/* The commands that take transition t of step: t's own first, then the
 * affirmative words that resolve to it without an 'on' line of their own,
 * in the order SETUJU, TERUSKAN, LANJUT. Writes at most max; returns how
 * many there are. */
guint rules_transition_commands(const dispo_rules_step *step, const dispo_rules_transition *t,
                                dispo_command *out, guint max);

/* One workflow of rules as one Graphviz DOT document (dot reads only the
 * first graph of a stream, so each workflow is a document of its own): a
 * cluster (lane) per role, steps as nodes with their SLA, commands on the
 * edges. Every title is escaped so that any text gives valid DOT. */
char *rules_graph_dot(const dispo_rules *rules, const dispo_rules_workflow *wf);

#endif
