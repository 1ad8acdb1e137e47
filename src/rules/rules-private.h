/* SPDX-License-Identifier: GPL-3.0-or-later */
/* rules-private.h: what the rules module shares between its files: the
 * model's insides, the loader that collects diagnostics across files, and
 * the checks the parser calls. */
#ifndef DISPO_RULES_PRIVATE_H
#define DISPO_RULES_PRIVATE_H
#include "rules/rules.h"

#include <gio/gio.h>

/* Rules files are written by hand: anything bigger is not one. */
#define RULES_FILE_MAX (1024 * 1024)
/* After this many problems the rest is noise from the first ones. */
#define RULES_DIAGNOSTICS_MAX 200

struct dispo_rules {
	gint refcount;
	char *version;
	GPtrArray *roles;     /* dispo_rules_role * */
	GPtrArray *workflows; /* dispo_rules_workflow * */
};

/* A name used somewhere that must be declared somewhere else (maybe in a
 * file not read yet): checked when every file has been read. */
typedef struct rules_use {
	char *name;
	char *file;
	unsigned line, col;
} rules_use;

/* State across all the files of one load. */
typedef struct rules_loader {
	GFile *templates;           /* NULL: templates are not checked */
	char *templates_display;    /* as the user wrote it, for messages */
	GHashTable *template_known; /* name → GINT_TO_POINTER(1 exists, 2 missing) */
	GPtrArray *template_names;  /* every NAME.mustache found, for suggestions */
	bool templates_listed;
	GPtrArray *diagnostics; /* dispo_rules_diagnostic * */
	guint first_diagnostic; /* where this load's start in diagnostics */
	bool overflow;
	GPtrArray *roles;
	GPtrArray *workflows;
	GHashTable *role_at;         /* key → "file:line" */
	GHashTable *workflow_at;     /* name → "file:line" */
	GHashTable *tag_at;          /* tag → "workflow 'x' (file:line)" */
	GHashTable *mailbox_default; /* mailbox → workflow name without subject keywords */
	GPtrArray *role_uses;        /* rules_use * */
} rules_loader;

/* model.c */
void rules_role_free(dispo_rules_role *r);
void rules_workflow_free(dispo_rules_workflow *wf);
void rules_step_free(dispo_rules_step *s);
void rules_transition_free(dispo_rules_transition *t);
void rules_requirement_free(dispo_rules_requirement *r);
void rules_use_free(rules_use *u);

/* lex.c: a word or a quoted text of one line. */
typedef struct rules_token {
	char *text;
	unsigned col, end; /* first column, and the column just after */
	bool quoted;
} rules_token;
/* Splits one line (no newline) into rules_token; false after reporting a
 * line that is not clean UTF-8 text or has an unterminated quote. */
bool rules_lex(rules_loader *ld, const char *file, unsigned line, const char *s, size_t len,
               GArray *out);
/* Frees the tokens' text and empties the array. */
void rules_tokens_clear(GArray *tokens);

/* parse.c: reads one file's bytes into ld (roles and workflows). */
void rules_parse(rules_loader *ld, const char *file, const char *data, size_t len);

/* check.c */
void rules_diag(rules_loader *ld, const char *file, unsigned line, unsigned col, const char *fmt,
                ...) G_GNUC_PRINTF(5, 6);
guint rules_diag_count(const rules_loader *ld);
/* " (did you mean 'x'?)" or "". */
char *rules_did_you_mean(const char *word, const char *const *candidates, guint n);
/* Reports a template that neither language has. */
void rules_check_template(rules_loader *ld, const char *file, unsigned line, unsigned col,
                          const char *name);
/* The graph of one workflow: every step reachable from the first, and an
 * end reachable from every step. Transition targets are known to exist. */
void rules_check_graph(rules_loader *ld, const dispo_rules_workflow *wf);
/* What each step (or end) of a workflow must have: a role or the
 * applicant, a template, the 'on SELESAI' line its waiting needs. True
 * when a missing line would make the graph checks mislead. */
bool rules_check_steps(rules_loader *ld, const dispo_rules_workflow *wf);
/* Steps whose affirmative 'on' lines part (SETUJU to one step, TERUSKAN to
 * another) while an affirmative word has no line of its own: that word
 * could mean either, so it must be said where it goes. */
void rules_check_synonyms(rules_loader *ld, const dispo_rules_workflow *wf);
/* What needs every file: roles used but declared nowhere. */
void rules_check_uses(rules_loader *ld);
/* local@domain.tld with the characters a mailbox name needs, no more. */
bool rules_mailbox_valid(const char *s);

#endif
