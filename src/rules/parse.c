/* SPDX-License-Identifier: GPL-3.0-or-later */
/* parse.c: one rules file's lines into roles and workflows, reporting every
 * problem with its line and column and carrying on with the next line. */
#include "config.h"

#include "rules/rules-private.h"

#include <string.h>

typedef struct {
	dispo_rules_transition *tr;
	unsigned line, col;
} pending_target;

/* The directives a workflow takes once. */
enum {
	ONCE_TAG,
	ONCE_MAILBOX,
	ONCE_SENDER,
	ONCE_FIELDS,
	ONCE_ACK,
	ONCE_REFUSE,
	ONCE_SUBJECT,
	ONCE_N
};
static const char *const once_names[ONCE_N] = {"tag",         "mailbox", "sender", "fields",
                                               "acknowledge", "refuse",  "subject"};

/* The options a step line takes once. */
enum { OPT_ROLE = 1, OPT_SLA = 2, OPT_SEND = 4, OPT_WAIT = 8, OPT_NOTIFY = 16, OPT_APPLICANT = 32 };

static const char *const directives[] = {
    "role",        "workflow", "tag",     "mailbox", "sender", "require",  "fields",
    "acknowledge", "refuse",   "subject", "step",    "end",    "on",       "sla",
    "send",        "letter",   "wait",    "notify",  "record", "applicant"};
static const char *const step_words[] = {"role", "applicant", "sla", "send", "letter", "wait"};
static const char *const types[] = {"pdf", "jpeg", "png"};

typedef struct {
	rules_loader *ld;
	const char *file;
	unsigned line;
	rules_token *t;
	guint n;
	dispo_rules_workflow *wf;
	unsigned wf_col;
	unsigned once[ONCE_N];  /* line where each was first given */
	GHashTable *steps;      /* name → dispo_rules_step * (the first of that name) */
	GHashTable *reqs;       /* name → line */
	GArray *targets;        /* pending_target */
	dispo_rules_step *step; /* the step 'on' lines belong to */
	unsigned step_opts;
	bool graph_broken; /* a step or 'on' line was wrong: the graph checks would mislead */
	bool lost;         /* a line of this workflow could not be read at all */
} parser;

#define DIAG(p, col, ...) rules_diag((p)->ld, (p)->file, (p)->line, (col), __VA_ARGS__)

static bool
word_is(const rules_token *t, const char *word)
{
	return !t->quoted && g_ascii_strcasecmp(t->text, word) == 0;
}

/* Where a missing word would go: just after the last one. */
static unsigned
end_col(const parser *p)
{
	return p->n ? p->t[p->n - 1].end + 1 : 1;
}

static bool
is_name(const char *s)
{
	size_t i;

	if (!g_ascii_isalpha(s[0]) && s[0] != '_')
		return false;
	for (i = 1; s[i]; i++)
		if (!g_ascii_isalnum(s[i]) && s[i] != '_')
			return false;
	return i <= 64;
}

/* t[i] as a name (role, step, template…), or NULL after saying why. */
static const char *
want_name(parser *p, guint i, const char *what, const char *example)
{
	if (i >= p->n) {
		DIAG(p, end_col(p), "'%s' needs %s after it, e.g. %s", p->t[0].text, what, example);
		return NULL;
	}
	if (p->t[i].quoted || !is_name(p->t[i].text)) {
		DIAG(p, p->t[i].col,
		     "'%s' is not a valid name for %s: use letters, digits and _ (e.g. %s)",
		     p->t[i].text, what, example);
		return NULL;
	}
	return p->t[i].text;
}

static bool
at_top(parser *p)
{
	if (p->wf)
		return true;
	DIAG(p, p->t[0].col, "'%s' must come after a 'workflow' line", p->t[0].text);
	return false;
}

/* ---- workflows ----------------------------------------------------------- */

static void
check_template(parser *p, guint i)
{
	rules_check_template(p->ld, p->file, p->line, p->t[i].col, p->t[i].text);
}

static void
diag_at(parser *p, unsigned line, unsigned col, const char *msg)
{
	rules_diag(p->ld, p->file, line, col, "%s", msg);
}

/* What a workflow must have, and what only the whole of it can tell. */
static void
workflow_finish(parser *p)
{
	static const struct {
		int once;
		const char *name, *example;
	} required[] = {
	    {ONCE_TAG, "tag", "tag SE"},
	    {ONCE_MAILBOX, "mailbox", "mailbox sertifikat@kuduskab.go.id"},
	    {ONCE_ACK, "acknowledge", "acknowledge tanda_terima"},
	    {ONCE_REFUSE, "refuse", "refuse penolakan"},
	};
	dispo_rules_workflow *wf = p->wf;
	rules_loader *ld = p->ld;
	bool has_end = false;

	p->step = NULL;
	if (!wf)
		return;
	/* A line that could not be read may have been any of what follows: the
	 * problems found after it is fixed are the ones worth reading. */
	if (p->lost)
		goto done;
	for (guint i = 0; i < G_N_ELEMENTS(required); i++) {
		if (p->once[required[i].once])
			continue;
		g_autofree char *m =
		    g_strdup_printf("workflow '%s' has no %s (add a line: %s)", wf->name,
		                    required[i].name, required[i].example);
		diag_at(p, wf->line, p->wf_col, m);
	}
	for (guint i = 0; i < wf->steps->len; i++)
		has_end |= ((dispo_rules_step *)wf->steps->pdata[i])->is_end;
	if (rules_check_steps(ld, wf))
		p->graph_broken = true;
	if (wf->steps->len == 0 || !has_end || ((dispo_rules_step *)wf->steps->pdata[0])->is_end) {
		g_autofree char *m = g_strdup_printf(
		    wf->steps->len == 0 ? "workflow '%s' has no steps (add: step NAME \"Title\" "
		                          "role ROLE send TEMPLATE)"
		    : !has_end ? "workflow '%s' has no end (add e.g.: end selesai \"Selesai\" "
		                 "notify keputusan)"
		               : "workflow '%s' begins with an end: its first step must be a step",
		    wf->name);
		diag_at(p, wf->line, p->wf_col, m);
		p->graph_broken = true;
	}
	for (guint i = 0; i < p->targets->len; i++) {
		pending_target *pt = &g_array_index(p->targets, pending_target, i);
		guint n = 0;
		if (g_hash_table_contains(p->steps, pt->tr->target))
			continue;
		g_autofree const char **names =
		    (const char **)g_hash_table_get_keys_as_array(p->steps, &n);
		g_autofree char *hint = rules_did_you_mean(pt->tr->target, names, n);
		rules_diag(ld, p->file, pt->line, pt->col,
		           "no step or end named '%s' in workflow '%s'%s", pt->tr->target, wf->name,
		           hint);
		p->graph_broken = true;
	}
	if (wf->mailbox && !wf->subject_keywords) {
		const char *other = g_hash_table_lookup(ld->mailbox_default, wf->mailbox);
		if (other) {
			g_autofree char *m = g_strdup_printf(
			    "workflows '%s' and '%s' both take every application to %s: give one "
			    "of them subject keywords (subject WORD...)",
			    other, wf->name, wf->mailbox);
			diag_at(p, wf->line, p->wf_col, m);
		} else
			g_hash_table_insert(ld->mailbox_default, g_strdup(wf->mailbox),
			                    g_strdup(wf->name));
	}
	rules_check_synonyms(ld, wf);
	if (!p->graph_broken)
		rules_check_graph(ld, wf);
done:
	p->wf = NULL;
	p->lost = false;
	g_hash_table_remove_all(p->steps);
	g_hash_table_remove_all(p->reqs);
	g_array_set_size(p->targets, 0);
	memset(p->once, 0, sizeof(p->once));
	p->graph_broken = false;
}

static char *
location(parser *p)
{
	return g_strdup_printf("%s:%u", p->file, p->line);
}

static void
do_role(parser *p)
{
	const char *key = want_name(p, 1, "a role", "kepala_dinas");
	const char *at;
	dispo_rules_role *r;

	if (!key)
		return;
	if (p->n < 3 || !p->t[2].quoted) {
		DIAG(p, p->n < 3 ? end_col(p) : p->t[2].col,
		     "role '%s' needs a title in double quotes, e.g. role %s \"Kepala Dinas\"", key,
		     key);
		return;
	}
	if (p->n > 3) {
		DIAG(p, p->t[3].col, "unexpected '%s' after the role's title", p->t[3].text);
		return;
	}
	if ((at = g_hash_table_lookup(p->ld->role_at, key))) {
		DIAG(p, p->t[1].col, "role '%s' is already declared at %s", key, at);
		return;
	}
	g_hash_table_insert(p->ld->role_at, g_strdup(key), location(p));
	r = g_new0(dispo_rules_role, 1);
	r->key = g_strdup(key);
	r->title = g_strdup(p->t[2].text);
	g_ptr_array_add(p->ld->roles, r);
}

static void
do_workflow(parser *p)
{
	const char *name = want_name(p, 1, "a workflow", "pendaftaran");
	const char *at;
	dispo_rules_workflow *wf;

	workflow_finish(p);
	if (!name)
		name = "?";
	if (p->n > 1 && (p->n < 3 || !p->t[2].quoted))
		DIAG(p, p->n < 3 ? end_col(p) : p->t[2].col,
		     "workflow '%s' needs a title in double quotes, e.g. workflow %s \"Pendaftaran "
		     "Sertifikat Elektronik\"",
		     name, name);
	else if (p->n > 3)
		DIAG(p, p->t[3].col, "unexpected '%s' after the workflow's title", p->t[3].text);
	if (p->n < 2 || !is_name(p->t[1].text))
		;
	else if ((at = g_hash_table_lookup(p->ld->workflow_at, name)))
		DIAG(p, p->t[1].col, "workflow '%s' is already declared at %s", name, at);
	else
		g_hash_table_insert(p->ld->workflow_at, g_strdup(name), location(p));
	/* Parse the body even after a bad header: its problems are worth knowing. */
	wf = g_new0(dispo_rules_workflow, 1);
	wf->name = g_strdup(name);
	wf->title = g_strdup(p->n > 2 && p->t[2].quoted ? p->t[2].text : name);
	wf->requirements = g_ptr_array_new_with_free_func((GDestroyNotify)rules_requirement_free);
	wf->steps = g_ptr_array_new_with_free_func((GDestroyNotify)rules_step_free);
	wf->sender_go_id = true;
	wf->file = g_strdup(p->file);
	wf->line = p->line;
	g_ptr_array_add(p->ld->workflows, wf);
	p->wf = wf;
	p->wf_col = p->n > 1 ? p->t[1].col : p->t[0].col;
}

/* A directive given once per workflow: false (after saying so) the second time. */
static bool
once(parser *p, int which)
{
	if (p->once[which]) {
		DIAG(p, p->t[0].col, "'%s' is given twice in workflow '%s' (first on line %u)",
		     once_names[which], p->wf->name, p->once[which]);
		return false;
	}
	p->once[which] = p->line;
	return true;
}

/* Exactly one word after the directive. */
static const char *
one_word(parser *p)
{
	if (p->n < 2) {
		DIAG(p, end_col(p), "'%s' needs a value after it", p->t[0].text);
		return NULL;
	}
	if (p->n > 2) {
		DIAG(p, p->t[2].col, "unexpected '%s': '%s' takes one value", p->t[2].text,
		     p->t[0].text);
		return NULL;
	}
	return p->t[1].text;
}

static void
do_tag(parser *p)
{
	const char *tag = one_word(p);
	const char *at;
	size_t len;

	if (!tag)
		return;
	len = strlen(tag);
	for (size_t i = 0; i < len; i++)
		if (!g_ascii_isupper(tag[i]))
			len = 0;
	if (len < 1 || len > 8) {
		DIAG(p, p->t[1].col,
		     "tag '%s' must be 1 to 8 capital letters A-Z (request numbers look like "
		     "SE-2026-000123)",
		     tag);
		return;
	}
	if ((at = g_hash_table_lookup(p->ld->tag_at, tag))) {
		DIAG(p, p->t[1].col, "tag '%s' is already used by %s", tag, at);
		return;
	}
	g_hash_table_insert(
	    p->ld->tag_at, g_strdup(tag),
	    g_strdup_printf("workflow '%s' (%s:%u)", p->wf->name, p->file, p->line));
	p->wf->tag = g_strdup(tag);
}

static void
do_mailbox(parser *p)
{
	const char *m = one_word(p);

	if (!m)
		return;
	if (strchr(m, '+') && strchr(m, '@') && strchr(m, '+') < strchr(m, '@')) {
		DIAG(p, p->t[1].col,
		     "the mailbox '%s' cannot contain '+': replies come back to its "
		     "plus-addresses (name+token@domain)",
		     m);
		return;
	}
	if (!rules_mailbox_valid(m)) {
		DIAG(p, p->t[1].col, "'%s' is not a mailbox address like sertifikat@kuduskab.go.id",
		     m);
		return;
	}
	p->wf->mailbox = g_ascii_strdown(m, -1);
}

static void
do_sender(parser *p)
{
	static const char *const words[] = {"active", "certificate-holder"};

	if (p->n < 2 || !word_is(&p->t[1], "go.id")) {
		DIAG(p, p->n < 2 ? end_col(p) : p->t[1].col,
		     "write 'sender go.id active' or 'sender go.id certificate-holder': "
		     "applicants write from a .go.id address");
		return;
	}
	for (guint i = 2; i < p->n; i++) {
		if (word_is(&p->t[i], "active") || word_is(&p->t[i], "aktif"))
			p->wf->sender_active = true;
		else if (word_is(&p->t[i], "certificate-holder"))
			p->wf->sender_certificate_holder = true;
		else {
			g_autofree char *hint = rules_did_you_mean(p->t[i].text, words, 2);
			DIAG(p, p->t[i].col,
			     "unknown sender condition '%s'%s; use active or certificate-holder",
			     p->t[i].text, hint);
		}
	}
}

/* The words from t[i] on, as a NULL-terminated list; NULL when none. */
static char **
words_from(parser *p, guint i, const char *what)
{
	GPtrArray *out;

	if (i >= p->n) {
		DIAG(p, end_col(p), "'%s' needs at least one %s after it", p->t[i - 1].text, what);
		return NULL;
	}
	out = g_ptr_array_new();
	for (; i < p->n; i++) {
		if (p->t[i].text[0] == '\0') {
			DIAG(p, p->t[i].col, "an empty %s means nothing here", what);
			continue;
		}
		g_autofree char *fold = g_utf8_casefold(p->t[i].text, -1);
		for (guint j = 0; j < out->len; j++) {
			g_autofree char *other = g_utf8_casefold(out->pdata[j], -1);
			if (strcmp(fold, other) == 0) {
				DIAG(p, p->t[i].col, "%s '%s' is listed twice", what, p->t[i].text);
				break;
			}
		}
		g_ptr_array_add(out, g_strdup(p->t[i].text));
	}
	g_ptr_array_add(out, NULL);
	return (char **)g_ptr_array_free(out, FALSE);
}

static bool
parse_size(parser *p, guint *i, uint64_t *out)
{
	g_autoptr(GError) e = NULL;
	g_autofree char *text = NULL;
	unsigned col;

	if (*i >= p->n) {
		DIAG(p, end_col(p), "'max' needs a size after it, e.g. max 10MB");
		return false;
	}
	col = p->t[*i].col;
	text = g_strdup(p->t[*i].text);
	/* "10 MB" reads as naturally as "10MB". */
	if (*i + 1 < p->n && text[0] && strspn(text, "0123456789") == strlen(text) &&
	    strchr("kKmMgGbB", p->t[*i + 1].text[0]) && strlen(p->t[*i + 1].text) <= 3 &&
	    !word_is(&p->t[*i + 1], "keywords")) {
		g_autofree char *joined = g_strconcat(text, p->t[*i + 1].text, NULL);
		g_free(text);
		text = g_steal_pointer(&joined);
		(*i)++;
	}
	(*i)++;
	if (!dispo_size_parse(text, out, &e)) {
		DIAG(p, col, "%s", e->message);
		return false;
	}
	if (*out == 0) {
		DIAG(p, col, "a size limit of 0 lets no file through");
		return false;
	}
	return true;
}

static void
do_require(parser *p)
{
	static const char *const words[] = {"pdf", "jpeg", "png", "max", "keywords"};
	const char *name = want_name(p, 1, "a requirement", "permohonan");
	g_autoptr(GPtrArray) ts = g_ptr_array_new();
	dispo_rules_requirement *r;
	gpointer line;
	bool has_max = false, ok = true;
	guint i = 2;

	if (!name)
		return;
	if ((line = g_hash_table_lookup(p->reqs, name))) {
		DIAG(p, p->t[1].col, "requirement '%s' is already declared on line %u", name,
		     GPOINTER_TO_UINT(line));
		return;
	}
	g_hash_table_insert(p->reqs, g_strdup(name), GUINT_TO_POINTER(p->line));
	r = g_new0(dispo_rules_requirement, 1);
	r->name = g_strdup(name);
	if (i < p->n && p->t[i].quoted)
		r->title = g_strdup(p->t[i++].text);
	else
		r->title = g_strdup(name);
	while (i < p->n) {
		const rules_token *t = &p->t[i];
		if (word_is(t, "max")) {
			i++;
			if (has_max)
				DIAG(p, t->col, "'max' is given twice for requirement '%s'", name);
			has_max = true;
			ok &= parse_size(p, &i, &r->max_size);
		} else if (word_is(t, "keywords")) {
			r->keywords = words_from(p, i + 1, "keyword");
			ok &= r->keywords != NULL;
			break;
		} else {
			g_autofree char *lower = g_ascii_strdown(t->text, -1);
			const char *type = strcmp(lower, "jpg") == 0 ? "jpeg" : lower;
			bool known = false, dup = false;
			for (guint k = 0; k < G_N_ELEMENTS(types); k++)
				known |= !t->quoted && strcmp(type, types[k]) == 0;
			for (guint k = 0; k < ts->len; k++)
				dup |= strcmp(ts->pdata[k], type) == 0;
			if (!known) {
				g_autofree char *hint = rules_did_you_mean(t->text, words, 5);
				DIAG(
				    p, t->col,
				    "unknown file type '%s'%s; a requirement accepts pdf, jpeg and "
				    "png, then max SIZE and keywords",
				    t->text, hint);
				ok = false;
			} else if (dup)
				DIAG(p, t->col, "file type '%s' is listed twice", t->text);
			else
				g_ptr_array_add(ts, g_strdup(type));
			i++;
		}
	}
	g_ptr_array_add(ts, NULL);
	r->types = (char **)g_ptr_array_steal(ts, NULL);
	if (!r->keywords) {
		r->keywords = g_new0(char *, 2);
		r->keywords[0] = g_strdup(name);
	}
	if (ok && !r->types[0])
		DIAG(p, p->t[1].col, "requirement '%s' names no file type (add pdf, jpeg or png)",
		     name);
	if (ok && !has_max)
		DIAG(p, p->t[1].col, "requirement '%s' has no size limit (add e.g. max 10MB)",
		     name);
	g_ptr_array_add(p->wf->requirements, r);
}

static void
do_template(parser *p, char **slot)
{
	const char *name = one_word(p);

	if (!name)
		return;
	if (!(name = want_name(p, 1, "a template", "tanda_terima")))
		return;
	*slot = g_strdup(name);
	check_template(p, 1);
}

/* role/sla/send/letter/wait (a step) or notify (an end), from t[i] on: on
 * the step's line or on lines of their own below it. */
static void
step_options(parser *p, guint i)
{
	dispo_rules_step *s = p->step;
	static const struct {
		const char *word;
		unsigned bit;
	} opts[] = {{"role", OPT_ROLE},          {"sla", OPT_SLA},       {"send", OPT_SEND},
	            {"wait", OPT_WAIT},          {"notify", OPT_NOTIFY}, {"letter", 0},
	            {"applicant", OPT_APPLICANT}};

	while (i < p->n) {
		const rules_token *t = &p->t[i];
		unsigned bit = 0;
		bool known = false;
		for (guint k = 0; k < G_N_ELEMENTS(opts); k++)
			if (word_is(t, opts[k].word))
				known = true, bit = opts[k].bit;
		if (!known || (s->is_end != (bit == OPT_NOTIFY))) {
			const char *const end_opts[] = {"notify"};
			g_autofree char *hint =
			    s->is_end
			        ? rules_did_you_mean(t->text, end_opts, 1)
			        : rules_did_you_mean(t->text, step_words, G_N_ELEMENTS(step_words));
			if (s->is_end)
				DIAG(p, t->col,
				     "unexpected '%s'%s: an end takes only notify TEMPLATE",
				     t->text, hint);
			else
				DIAG(p, t->col,
				     "unexpected '%s'%s: a step takes role (or applicant), sla, "
				     "send, letter and wait",
				     t->text, hint);
			return;
		}
		i++;
		if (bit & p->step_opts) {
			DIAG(p, t->col, "'%s' is given twice for %s '%s'", t->text,
			     s->is_end ? "end" : "step", s->name);
			return;
		}
		p->step_opts |= bit;
		if (bit == 0) {
			s->letter = true;
			continue;
		}
		if (bit == OPT_APPLICANT) {
			s->applicant = true;
			continue;
		}
		if (i >= p->n) {
			DIAG(p, end_col(p), "'%s' needs a value after it", t->text);
			return;
		}
		if (bit == OPT_ROLE) {
			rules_use *u;
			if (!want_name(p, i, "a role", "kepala_dinas"))
				return;
			s->role = g_strdup(p->t[i].text);
			u = g_new0(rules_use, 1);
			u->name = g_strdup(s->role);
			u->file = g_strdup(p->file);
			u->line = p->line;
			u->col = p->t[i].col;
			g_ptr_array_add(p->ld->role_uses, u);
		} else if (bit == OPT_SLA) {
			g_autoptr(GError) e = NULL;
			if (!dispo_duration_parse(p->t[i].text, &s->sla_ms, &e))
				DIAG(p, p->t[i].col, "%s", e->message);
		} else if (bit == OPT_SEND || bit == OPT_NOTIFY) {
			if (!want_name(p, i, "a template", "disposisi"))
				return;
			s->send = g_strdup(p->t[i].text);
			check_template(p, i);
		} else if (bit == OPT_WAIT) {
			if (!word_is(&p->t[i], "bsre")) {
				DIAG(p, p->t[i].col,
				     "only 'wait bsre' is known (the step also ends when BSrE's "
				     "notification arrives), not 'wait %s'",
				     p->t[i].text);
				return;
			}
			s->wait = g_strdup("bsre");
		}
		i++;
	}
}

static void
do_step(parser *p, bool is_end)
{
	const char *name =
	    want_name(p, 1, is_end ? "an end" : "a step", is_end ? "terbit" : "disposisi_kadin");
	dispo_rules_step *s, *first;
	guint i = 2;

	p->step = NULL;
	if (!name) {
		p->graph_broken = true;
		return;
	}
	s = g_new0(dispo_rules_step, 1);
	s->name = g_strdup(name);
	s->is_end = is_end;
	s->transitions = g_ptr_array_new_with_free_func((GDestroyNotify)rules_transition_free);
	s->line = p->line;
	s->col = p->t[1].col;
	if (i < p->n && p->t[i].quoted)
		s->title = g_strdup(p->t[i++].text);
	else
		s->title = g_strdup(name);
	if ((first = g_hash_table_lookup(p->steps, name))) {
		DIAG(p, s->col, "a step or end named '%s' is already declared on line %u", name,
		     first->line);
		p->graph_broken = true;
	} else
		g_hash_table_insert(p->steps, s->name, s);
	g_ptr_array_add(p->wf->steps, s);
	p->step = s;
	p->step_opts = 0;
	step_options(p, i);
}

static void
do_on(parser *p)
{
	static const char *const cmds[] = {
	    "SETUJU",  "TERUSKAN", "LANJUT", "TOLAK",  "KEMBALIKAN", "SELESAI", "APPROVE",
	    "FORWARD", "CONTINUE", "REJECT", "RETURN", "DONE",       "CATATAN", "NOTE"};
	dispo_rules_step *s = p->step;
	dispo_rules_transition *tr;
	pending_target pt;
	dispo_command cmd;
	guint i = 4;
	bool was_broken = p->graph_broken;

	p->graph_broken = true; /* until the line proves right */
	if (!s) {
		if (!p->lost)
			DIAG(p, p->t[0].col,
			     "'on' must follow a step line: it says where that step goes");
		return;
	}
	if (s->is_end) {
		DIAG(p, p->t[0].col, "end '%s' is final: it cannot have 'on' lines", s->name);
		return;
	}
	if (p->n < 2) {
		DIAG(p, end_col(p), "'on' needs a command and a step, e.g. on SETUJU -> %s",
		     s->name);
		return;
	}
	cmd = p->t[1].quoted ? DISPO_CMD_NONE : rules_command_parse(p->t[1].text);
	if (cmd == DISPO_CMD_NONE) {
		g_autofree char *up = g_ascii_strup(p->t[1].text, -1);
		g_autofree char *hint = rules_did_you_mean(up, cmds, G_N_ELEMENTS(cmds));
		DIAG(p, p->t[1].col,
		     "unknown command '%s'%s; use SETUJU, TERUSKAN, LANJUT, TOLAK, KEMBALIKAN or "
		     "SELESAI (or APPROVE, FORWARD, CONTINUE, REJECT, RETURN, DONE)",
		     p->t[1].text, hint);
		return;
	}
	if (cmd == DISPO_CMD_NOTE) {
		DIAG(
		    p, p->t[1].col,
		    "%s only adds a note and never moves a request, so it cannot have an 'on' line",
		    p->t[1].text);
		return;
	}
	if (s->applicant && cmd != DISPO_CMD_DONE && cmd != DISPO_CMD_REJECT) {
		DIAG(p, p->t[1].col,
		     "step '%s' is held by the applicant, who answers with a correction, not %s: "
		     "it takes only on SELESAI (the correction is complete) and on TOLAK (no "
		     "correction in time)",
		     s->name, p->t[1].text);
		return;
	}
	for (guint k = 0; k < s->transitions->len; k++) {
		const dispo_rules_transition *o = s->transitions->pdata[k];
		if (o->command == cmd) {
			DIAG(p, p->t[1].col,
			     "step '%s' already says where %s (%s) goes, on line %u", s->name,
			     rules_command_word(cmd, "id"), rules_command_word(cmd, "en"), o->line);
			return;
		}
	}
	if (p->n < 3 || strcmp(p->t[2].text, "->") != 0 || p->t[2].quoted) {
		DIAG(p, p->n < 3 ? end_col(p) : p->t[2].col,
		     "expected '->' and a step after the command, e.g. on %s -> %s", p->t[1].text,
		     s->name);
		return;
	}
	if (!want_name(p, 3, "a step", "disposisi_kabid"))
		return;
	tr = g_new0(dispo_rules_transition, 1);
	tr->command = cmd;
	tr->target = g_strdup(p->t[3].text);
	tr->line = p->line;
	tr->col = p->t[0].col;
	g_ptr_array_add(s->transitions, tr);
	pt.tr = tr;
	pt.line = p->line;
	pt.col = p->t[3].col;
	g_array_append_val(p->targets, pt);
	if (i < p->n && word_is(&p->t[i], "record")) {
		if (i + 1 >= p->n)
			DIAG(p, end_col(p), "'record' needs certificate or revocation after it");
		else if (word_is(&p->t[i + 1], "certificate"))
			tr->record = DISPO_RECORD_CERTIFICATE;
		else if (word_is(&p->t[i + 1], "revocation"))
			tr->record = DISPO_RECORD_REVOCATION;
		else {
			static const char *const recs[] = {"certificate", "revocation"};
			g_autofree char *hint = rules_did_you_mean(p->t[i + 1].text, recs, 2);
			DIAG(p, p->t[i + 1].col,
			     "unknown record '%s'%s; use record certificate or record revocation",
			     p->t[i + 1].text, hint);
		}
		i += 2;
	}
	if (i < p->n) {
		static const char *const rec[] = {"record"};
		g_autofree char *hint = rules_did_you_mean(p->t[i].text, rec, 1);
		DIAG(p, p->t[i].col, "unexpected '%s'%s after the step name", p->t[i].text, hint);
		return;
	}
	p->graph_broken = was_broken;
}

/* One line's rules_tokens. */
static void
dispatch(parser *p)
{
	const rules_token *t = &p->t[0];

	if (t->quoted) {
		DIAG(p, t->col,
		     "a line must start with a word such as step or role, not quoted text");
	} else if (word_is(t, "role") && !(p->step && !p->step->is_end && p->n == 2)) {
		do_role(p);
	} else if (word_is(t, "workflow")) {
		do_workflow(p);
	} else if (word_is(t, "step") || word_is(t, "end")) {
		if (at_top(p))
			do_step(p, word_is(t, "end"));
	} else if (word_is(t, "on")) {
		if (at_top(p))
			do_on(p);
	} else if (word_is(t, "role") || word_is(t, "sla") || word_is(t, "send") ||
	           word_is(t, "letter") || word_is(t, "wait") || word_is(t, "notify") ||
	           word_is(t, "applicant")) {
		/* A step's options may continue on lines of their own. */
		if (!at_top(p))
			;
		else if (!p->step || p->step->transitions->len)
			DIAG(p, t->col, "'%s' belongs to a step: put it on the step's line",
			     t->text);
		else
			step_options(p, 0);
	} else if (word_is(t, "require")) {
		if (at_top(p))
			do_require(p);
	} else if (word_is(t, "fields")) {
		if (at_top(p) && once(p, ONCE_FIELDS))
			p->wf->fields = words_from(p, 1, "field");
	} else if (word_is(t, "subject")) {
		if (at_top(p) && once(p, ONCE_SUBJECT))
			p->wf->subject_keywords = words_from(p, 1, "keyword");
	} else if (word_is(t, "tag")) {
		if (at_top(p) && once(p, ONCE_TAG))
			do_tag(p);
	} else if (word_is(t, "mailbox")) {
		if (at_top(p) && once(p, ONCE_MAILBOX))
			do_mailbox(p);
	} else if (word_is(t, "sender")) {
		if (at_top(p) && once(p, ONCE_SENDER))
			do_sender(p);
	} else if (word_is(t, "acknowledge")) {
		if (at_top(p) && once(p, ONCE_ACK))
			do_template(p, &p->wf->acknowledge);
	} else if (word_is(t, "refuse")) {
		if (at_top(p) && once(p, ONCE_REFUSE))
			do_template(p, &p->wf->refuse);
	} else {
		g_autofree char *hint =
		    rules_did_you_mean(t->text, directives, G_N_ELEMENTS(directives));
		DIAG(p, t->col, "unknown word '%s' at the start of a line%s", t->text, hint);
		if (p->step)
			p->graph_broken = true;
	}
}

void
rules_parse(rules_loader *ld, const char *file, const char *data, size_t len)
{
	parser p = {.ld = ld, .file = file};
	g_autoptr(GArray) toks = g_array_new(FALSE, TRUE, sizeof(rules_token));
	size_t pos = 0;

	p.steps = g_hash_table_new(g_str_hash, g_str_equal);
	p.reqs = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	p.targets = g_array_new(FALSE, TRUE, sizeof(pending_target));
	if (len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0)
		pos = 3;
	while (pos < len && !ld->overflow) {
		const char *nl = memchr(data + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - data) : len;

		p.line++;
		if (!rules_lex(ld, file, p.line, data + pos, end - pos, toks)) {
			p.lost = p.wf != NULL;
			p.step = NULL;
		} else if (toks->len) {
			p.t = (rules_token *)(void *)toks->data;
			p.n = toks->len;
			dispatch(&p);
		}
		rules_tokens_clear(toks);
		p.t = NULL;
		p.n = 0;
		pos = end + 1;
	}
	workflow_finish(&p);
	g_hash_table_destroy(p.steps);
	g_hash_table_destroy(p.reqs);
	g_array_free(p.targets, TRUE);
}
