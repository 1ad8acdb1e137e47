/* SPDX-License-Identifier: GPL-3.0-or-later */
/* check.c: what the rules must satisfy beyond their syntax (templates that
 * exist, declared roles, a graph with no dead ends), and how problems are
 * reported: a position, a sentence, and a guess at the typo. */
#include "config.h"

#include "rules/rules-private.h"

#include <stdarg.h>
#include <string.h>

guint
rules_diag_count(const rules_loader *ld)
{
	return ld->diagnostics->len - ld->first_diagnostic;
}

static void
diag_add(rules_loader *ld, const char *file, unsigned line, unsigned col, char *message)
{
	dispo_rules_diagnostic *d = g_new0(dispo_rules_diagnostic, 1);

	d->file = g_strdup(file);
	d->line = line;
	d->col = col;
	d->message = message;
	g_ptr_array_add(ld->diagnostics, d);
}

void
rules_diag(rules_loader *ld, const char *file, unsigned line, unsigned col, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	if (ld->overflow)
		return;
	if (rules_diag_count(ld) >= RULES_DIAGNOSTICS_MAX) {
		diag_add(ld, file, line, col,
		         g_strdup("too many problems: fix these first, then check again"));
		ld->overflow = true;
		return;
	}
	va_start(ap, fmt);
	msg = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	diag_add(ld, file, line, col, msg);
}

char *
rules_did_you_mean(const char *word, const char *const *candidates, guint n)
{
	const char *s = dispo_suggest(word, candidates, n);

	return s ? g_strdup_printf(" (did you mean '%s'?)", s) : g_strdup("");
}

/* ---- templates ----------------------------------------------------------- */

static void
templates_list(rules_loader *ld)
{
	static const char *const langs[] = {"id", "en"};

	ld->templates_listed = true;
	for (guint i = 0; i < G_N_ELEMENTS(langs); i++) {
		g_autoptr(GFile) dir = g_file_get_child(ld->templates, langs[i]);
		g_autoptr(GFileEnumerator) en = g_file_enumerate_children(
		    dir, G_FILE_ATTRIBUTE_STANDARD_NAME, G_FILE_QUERY_INFO_NONE, NULL, NULL);
		GFileInfo *info;
		if (!en)
			continue;
		while ((info = g_file_enumerator_next_file(en, NULL, NULL)) != NULL) {
			const char *name = g_file_info_get_name(info);
			if (g_str_has_suffix(name, ".mustache") && ld->template_names->len < 1000)
				g_ptr_array_add(
				    ld->template_names,
				    g_strndup(name, strlen(name) - strlen(".mustache")));
			g_object_unref(info);
		}
	}
}

static bool
template_exists(rules_loader *ld, const char *name)
{
	gpointer known = g_hash_table_lookup(ld->template_known, name);
	bool found = false;

	if (known)
		return GPOINTER_TO_INT(known) == 1;
	for (guint i = 0; i < 2 && !found; i++) {
		g_autofree char *rel = g_strdup_printf("%s/%s.mustache", i ? "en" : "id", name);
		g_autoptr(GFile) f = g_file_resolve_relative_path(ld->templates, rel);
		found = g_file_query_exists(f, NULL);
	}
	g_hash_table_insert(ld->template_known, g_strdup(name), GINT_TO_POINTER(found ? 1 : 2));
	return found;
}

void
rules_check_template(rules_loader *ld, const char *file, unsigned line, unsigned col,
                     const char *name)
{
	g_autofree char *hint = NULL;

	if (!ld->templates || template_exists(ld, name))
		return;
	if (!g_file_query_exists(ld->templates, NULL)) {
		rules_diag(ld, file, line, col,
		           "no template '%s': the templates directory %s does not exist", name,
		           ld->templates_display);
		return;
	}
	if (!ld->templates_listed)
		templates_list(ld);
	hint = rules_did_you_mean(name, (const char *const *)ld->template_names->pdata,
	                          ld->template_names->len);
	rules_diag(ld, file, line, col,
	           "no template '%s' in %s (neither id/%s.mustache nor en/%s.mustache)%s", name,
	           ld->templates_display, name, name, hint);
}

/* ---- roles --------------------------------------------------------------- */

void
rules_check_uses(rules_loader *ld)
{
	guint n = 0;
	g_autofree const char **keys =
	    (const char **)g_hash_table_get_keys_as_array(ld->role_at, &n);

	for (guint i = 0; i < ld->role_uses->len; i++) {
		const rules_use *u = ld->role_uses->pdata[i];
		g_autofree char *hint = NULL;
		if (g_hash_table_contains(ld->role_at, u->name))
			continue;
		hint = rules_did_you_mean(u->name, keys, n);
		rules_diag(ld, u->file, u->line, u->col,
		           "unknown role '%s'%s: declare it with a line such as role %s \"Title\"",
		           u->name, hint, u->name);
	}
}

/* ---- the graph ----------------------------------------------------------- */

void
rules_check_graph(rules_loader *ld, const dispo_rules_workflow *wf)
{
	guint n = wf->steps->len;
	g_autoptr(GHashTable) index = g_hash_table_new(g_str_hash, g_str_equal);
	g_autofree guint *in_count = g_new0(guint, n + 1);
	g_autofree guint *in_from = NULL; /* predecessors, grouped by target */
	g_autofree guint *queue = g_new(guint, n);
	g_autofree bool *reached = g_new0(bool, n);
	g_autofree bool *ends = g_new0(bool, n);
	guint edges = 0, head = 0, tail = 0;
	const dispo_rules_step *first = wf->steps->pdata[0];

	for (guint i = n; i-- > 0;) {
		const dispo_rules_step *s = wf->steps->pdata[i];
		g_hash_table_insert(index, s->name, GUINT_TO_POINTER(i));
	}
	/* Incoming edges in one array (a step's predecessors from in_count[to]). */
	for (guint i = 0; i < n; i++) {
		const dispo_rules_step *s = wf->steps->pdata[i];
		for (guint k = 0; k < s->transitions->len; k++) {
			const dispo_rules_transition *t = s->transitions->pdata[k];
			guint to = GPOINTER_TO_UINT(g_hash_table_lookup(index, t->target));
			in_count[to + 1]++;
			edges++;
		}
	}
	for (guint i = 0; i < n; i++)
		in_count[i + 1] += in_count[i];
	in_from = g_new(guint, edges + 1);
	{
		g_autofree guint *fill = g_memdup2(in_count, sizeof(guint) * (n + 1));
		for (guint i = 0; i < n; i++) {
			const dispo_rules_step *s = wf->steps->pdata[i];
			for (guint k = 0; k < s->transitions->len; k++) {
				const dispo_rules_transition *t = s->transitions->pdata[k];
				guint to = GPOINTER_TO_UINT(g_hash_table_lookup(index, t->target));
				in_from[fill[to]++] = i;
			}
		}
	}

	/* Forward from the first step. */
	reached[0] = true;
	queue[tail++] = 0;
	while (head < tail) {
		const dispo_rules_step *s = wf->steps->pdata[queue[head++]];
		for (guint k = 0; k < s->transitions->len; k++) {
			const dispo_rules_transition *t = s->transitions->pdata[k];
			guint to = GPOINTER_TO_UINT(g_hash_table_lookup(index, t->target));
			if (!reached[to]) {
				reached[to] = true;
				queue[tail++] = to;
			}
		}
	}
	/* Backward from the ends. */
	head = tail = 0;
	for (guint i = 0; i < n; i++)
		if (((const dispo_rules_step *)wf->steps->pdata[i])->is_end) {
			ends[i] = true;
			queue[tail++] = i;
		}
	while (head < tail) {
		guint to = queue[head++];
		for (guint e = in_count[to]; e < in_count[to + 1]; e++)
			if (!ends[in_from[e]]) {
				ends[in_from[e]] = true;
				queue[tail++] = in_from[e];
			}
	}

	for (guint i = 0; i < n; i++) {
		const dispo_rules_step *s = wf->steps->pdata[i];
		const char *kind = s->is_end ? "end" : "step";
		if (!reached[i])
			rules_diag(ld, wf->file, s->line, s->col,
			           "%s '%s' cannot be reached from the first step '%s'", kind,
			           s->name, first->name);
		else if (!s->is_end && s->transitions->len == 0)
			rules_diag(ld, wf->file, s->line, s->col,
			           "step '%s' has no 'on' lines: a request there could never leave",
			           s->name);
		else if (!ends[i])
			rules_diag(ld, wf->file, s->line, s->col,
			           "no end can be reached from step '%s': its 'on' lines only lead "
			           "round in a cycle",
			           s->name);
	}
}

/* ---- steps --------------------------------------------------------------- */

bool
rules_check_steps(rules_loader *ld, const dispo_rules_workflow *wf)
{
	bool broken = false;

	for (guint i = 0; i < wf->steps->len; i++) {
		const dispo_rules_step *s = wf->steps->pdata[i];
		g_autofree char *m = NULL;
		if (s->is_end && !s->send)
			m = g_strdup_printf("end '%s' tells the applicant nothing (add: notify "
			                    "TEMPLATE)",
			                    s->name);
		else if (s->applicant && (s->role || s->wait || s->letter))
			m = g_strdup_printf(
			    "step '%s' is held by the applicant, so it takes no %s: the applicant "
			    "only sends a correction",
			    s->name,
			    s->role   ? "role (a step is held by a role or by the applicant)"
			    : s->wait ? "wait bsre"
			              : "letter");
		else if (s->applicant && i == 0)
			m = g_strdup_printf(
			    "step '%s' is held by the applicant, so it cannot be the "
			    "first step: a request starts with the office",
			    s->name);
		else if (!s->is_end && !s->role && !s->applicant)
			m = g_strdup_printf("step '%s' has no role (add: role NAME, or applicant "
			                    "for a correction by the applicant)",
			                    s->name);
		else if (!s->is_end && !s->send)
			m = g_strdup_printf("step '%s' sends nothing to its %s (add: send "
			                    "TEMPLATE, the email the %s receives)",
			                    s->name, s->applicant ? "applicant" : "role",
			                    s->applicant ? "applicant" : "role");
		else if (s->applicant && !rules_transition_get(s, DISPO_CMD_DONE)) {
			m = g_strdup_printf(
			    "step '%s' is held by the applicant but has no 'on "
			    "SELESAI' line (a complete correction counts as SELESAI: "
			    "add e.g. on SELESAI -> %s)",
			    s->name, ((dispo_rules_step *)wf->steps->pdata[0])->name);
			broken = true;
		} else if (s->wait && !rules_transition_get(s, DISPO_CMD_DONE)) {
			m = g_strdup_printf("step '%s' waits for BSrE but has no 'on SELESAI' line "
			                    "(BSrE's notification counts as SELESAI)",
			                    s->name);
			broken = true;
		}
		if (m)
			rules_diag(ld, wf->file, s->line, s->col, "%s", m);
	}
	return broken;
}

/* ---- synonyms ------------------------------------------------------------ */

void
rules_check_synonyms(rules_loader *ld, const dispo_rules_workflow *wf)
{
	static const dispo_command yes[] = {DISPO_CMD_APPROVE, DISPO_CMD_FORWARD,
	                                    DISPO_CMD_CONTINUE};

	for (guint i = 0; i < wf->steps->len; i++) {
		const dispo_rules_step *s = wf->steps->pdata[i];
		const dispo_rules_transition *first = NULL, *other = NULL;
		dispo_command open = DISPO_CMD_NONE;

		for (guint k = 0; s->transitions && k < s->transitions->len; k++) {
			const dispo_rules_transition *t = s->transitions->pdata[k];
			if (!rules_command_affirmative(t->command))
				continue;
			if (!first)
				first = t;
			else if (!other && (strcmp(first->target, t->target) != 0 ||
			                    first->record != t->record))
				other = t;
		}
		for (guint k = 0; other && k < G_N_ELEMENTS(yes) && !open; k++)
			if (!rules_transition_get(s, yes[k]))
				open = yes[k];
		if (!open)
			continue;
		rules_diag(ld, wf->file, other->line, other->col,
		           "step '%s' sends %s to '%s' (line %u) but %s to '%s'%s, so a reply of "
		           "%s (%s) could mean either: send them to the same step, or add a line "
		           "'on %s -> STEP' that says where %s goes",
		           s->name, rules_command_word(first->command, "id"), first->target,
		           first->line, rules_command_word(other->command, "id"), other->target,
		           strcmp(first->target, other->target) == 0 ? " with another record" : "",
		           rules_command_word(open, "id"), rules_command_word(open, "en"),
		           rules_command_word(open, "id"), rules_command_word(open, "id"));
	}
}

/* ---- addresses ----------------------------------------------------------- */

bool
rules_mailbox_valid(const char *s)
{
	const char *at = strchr(s, '@');
	const char *label;

	if (!at || at == s || strchr(at + 1, '@') || s[0] == '.' || at[-1] == '.')
		return false;
	for (const char *q = s; q < at; q++)
		if (!g_ascii_isalnum(*q) && !strchr("._-", *q))
			return false;
	if (strstr(s, ".."))
		return false;
	label = at + 1;
	if (!strchr(label, '.'))
		return false;
	for (const char *q = label;; q++) {
		if (*q == '.' || *q == '\0') {
			if (q == label || q - label > 63 || label[0] == '-' || q[-1] == '-')
				return false;
			if (*q == '\0')
				break;
			label = q + 1;
		} else if (!g_ascii_isalnum(*q) && *q != '-')
			return false;
	}
	return strlen(at + 1) <= 253;
}
