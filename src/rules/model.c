/* SPDX-License-Identifier: GPL-3.0-or-later */
/* model.c: loading rules files all or nothing into an immutable, shared
 * model, its version hash, and the questions the rest of dispo asks it. */
#include "config.h"

#include "rules/rules-private.h"

#include <string.h>

G_DEFINE_QUARK(dispo - rules - error - quark, dispo_rules_error)

/* ---- commands ------------------------------------------------------------ */

static const struct {
	dispo_command cmd;
	const char *name, *id, *en;
} commands[] = {
    {DISPO_CMD_APPROVE, "approve", "SETUJU", "APPROVE"},
    {DISPO_CMD_FORWARD, "forward", "TERUSKAN", "FORWARD"},
    {DISPO_CMD_REJECT, "reject", "TOLAK", "REJECT"},
    {DISPO_CMD_RETURN, "return", "KEMBALIKAN", "RETURN"},
    {DISPO_CMD_NOTE, "note", "CATATAN", "NOTE"},
    {DISPO_CMD_DONE, "done", "SELESAI", "DONE"},
    {DISPO_CMD_CONTINUE, "continue", "LANJUT", "CONTINUE"},
};

/* The yes-words, in the order emails and messages list them. */
static const dispo_command affirmative[] = {DISPO_CMD_APPROVE, DISPO_CMD_FORWARD,
                                            DISPO_CMD_CONTINUE};

const char *
rules_command_name(dispo_command cmd)
{
	for (guint i = 0; i < G_N_ELEMENTS(commands); i++)
		if (commands[i].cmd == cmd)
			return commands[i].name;
	return "none";
}

const char *
rules_command_word(dispo_command cmd, const char *lang)
{
	bool en = lang && g_ascii_strcasecmp(lang, "en") == 0;

	for (guint i = 0; i < G_N_ELEMENTS(commands); i++)
		if (commands[i].cmd == cmd)
			return en ? commands[i].en : commands[i].id;
	return "";
}

dispo_command
rules_command_parse(const char *word)
{
	if (!word)
		return DISPO_CMD_NONE;
	for (guint i = 0; i < G_N_ELEMENTS(commands); i++)
		if (g_ascii_strcasecmp(word, commands[i].id) == 0 ||
		    g_ascii_strcasecmp(word, commands[i].en) == 0)
			return commands[i].cmd;
	return DISPO_CMD_NONE;
}

bool
rules_command_affirmative(dispo_command cmd)
{
	for (guint i = 0; i < G_N_ELEMENTS(affirmative); i++)
		if (affirmative[i] == cmd)
			return true;
	return false;
}

/* ---- freeing ------------------------------------------------------------- */

void
rules_role_free(dispo_rules_role *r)
{
	if (!r)
		return;
	g_free(r->key);
	g_free(r->title);
	g_free(r);
}

void
rules_requirement_free(dispo_rules_requirement *r)
{
	if (!r)
		return;
	g_free(r->name);
	g_free(r->title);
	g_strfreev(r->types);
	g_strfreev(r->keywords);
	g_free(r);
}

void
rules_transition_free(dispo_rules_transition *t)
{
	if (!t)
		return;
	g_free(t->target);
	g_free(t);
}

void
rules_step_free(dispo_rules_step *s)
{
	if (!s)
		return;
	g_free(s->name);
	g_free(s->title);
	g_free(s->role);
	g_free(s->send);
	g_free(s->wait);
	if (s->transitions)
		g_ptr_array_unref(s->transitions);
	g_free(s);
}

void
rules_workflow_free(dispo_rules_workflow *wf)
{
	if (!wf)
		return;
	g_free(wf->name);
	g_free(wf->title);
	g_free(wf->tag);
	g_free(wf->mailbox);
	g_strfreev(wf->subject_keywords);
	if (wf->requirements)
		g_ptr_array_unref(wf->requirements);
	g_strfreev(wf->fields);
	g_free(wf->acknowledge);
	g_free(wf->refuse);
	if (wf->steps)
		g_ptr_array_unref(wf->steps);
	g_free(wf->file);
	g_free(wf);
}

void
rules_use_free(rules_use *u)
{
	g_free(u->name);
	g_free(u->file);
	g_free(u);
}

static void
diagnostic_free(dispo_rules_diagnostic *d)
{
	g_free(d->file);
	g_free(d->message);
	g_free(d);
}

GPtrArray *
rules_diagnostics_new(void)
{
	return g_ptr_array_new_with_free_func((GDestroyNotify)diagnostic_free);
}

char *
rules_diagnostic_format(const dispo_rules_diagnostic *d)
{
	return g_strdup_printf("%s:%u:%u: %s", d->file, d->line, d->col, d->message);
}

char *
rules_duration_format(int64_t ms)
{
	static const struct {
		int64_t ms;
		const char *unit;
	} units[] = {{604800000, "w"}, {86400000, "d"}, {3600000, "h"},
	             {60000, "m"},     {1000, "s"},     {1, "ms"}};

	for (guint i = 0; i < G_N_ELEMENTS(units); i++)
		if (ms >= units[i].ms && ms % units[i].ms == 0)
			return g_strdup_printf("%" G_GINT64_FORMAT "%s", ms / units[i].ms,
			                       units[i].unit);
	return g_strdup("0s");
}

/* ---- loading ------------------------------------------------------------- */

typedef struct {
	char *name;    /* base name: what the version hashes */
	char *display; /* what messages show */
	GBytes *bytes;
} source;

static void
source_free(source *s)
{
	g_free(s->name);
	g_free(s->display);
	if (s->bytes)
		g_bytes_unref(s->bytes);
	g_free(s);
}

static int
source_cmp(gconstpointer a, gconstpointer b)
{
	const source *x = *(source *const *)a, *y = *(source *const *)b;
	int c = strcmp(x->name, y->name);

	return c ? c : strcmp(x->display, y->display);
}

/* A path or a URI (resource:///…, file:///…). */
static GFile *
file_for(const char *where)
{
	g_autofree char *scheme = g_uri_parse_scheme(where);

	/* "C:" style paths do not occur here; a scheme needs more than one letter. */
	if (scheme && strlen(scheme) > 1)
		return g_file_new_for_uri(where);
	return g_file_new_for_path(where);
}

static source *
source_read(GFile *f, const char *display, GError **error)
{
	g_autoptr(GError) e = NULL;
	g_autoptr(GBytes) bytes = g_file_load_bytes(f, NULL, NULL, &e);
	source *s;

	if (!bytes) {
		g_set_error(error, DISPO_RULES_ERROR, DISPO_RULES_ERROR_NOT_FOUND,
		            "cannot read %s: %s", display, e->message);
		return NULL;
	}
	s = g_new0(source, 1);
	s->name = g_file_get_basename(f);
	s->display = g_strdup(display);
	s->bytes = g_steal_pointer(&bytes);
	return s;
}

static void
loader_init(rules_loader *ld, const char *templates_dir, GPtrArray *diagnostics)
{
	memset(ld, 0, sizeof(*ld));
	if (templates_dir) {
		ld->templates = file_for(templates_dir);
		ld->templates_display = g_strdup(templates_dir);
	}
	ld->template_known = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	ld->template_names = g_ptr_array_new_with_free_func(g_free);
	ld->diagnostics = diagnostics ? g_ptr_array_ref(diagnostics) : rules_diagnostics_new();
	ld->first_diagnostic = ld->diagnostics->len;
	ld->roles = g_ptr_array_new_with_free_func((GDestroyNotify)rules_role_free);
	ld->workflows = g_ptr_array_new_with_free_func((GDestroyNotify)rules_workflow_free);
	ld->role_at = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	ld->workflow_at = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	ld->tag_at = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	ld->mailbox_default = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	ld->role_uses = g_ptr_array_new_with_free_func((GDestroyNotify)rules_use_free);
}

static void
loader_clear(rules_loader *ld)
{
	g_clear_object(&ld->templates);
	g_free(ld->templates_display);
	g_hash_table_unref(ld->template_known);
	g_ptr_array_unref(ld->template_names);
	g_ptr_array_unref(ld->diagnostics);
	g_clear_pointer(&ld->roles, g_ptr_array_unref);
	g_clear_pointer(&ld->workflows, g_ptr_array_unref);
	g_hash_table_unref(ld->role_at);
	g_hash_table_unref(ld->workflow_at);
	g_hash_table_unref(ld->tag_at);
	g_hash_table_unref(ld->mailbox_default);
	g_ptr_array_unref(ld->role_uses);
}

static int
diag_cmp(gconstpointer a, gconstpointer b, gpointer order)
{
	const dispo_rules_diagnostic *x = *(dispo_rules_diagnostic *const *)a;
	const dispo_rules_diagnostic *y = *(dispo_rules_diagnostic *const *)b;
	guint fx = GPOINTER_TO_UINT(g_hash_table_lookup(order, x->file));
	guint fy = GPOINTER_TO_UINT(g_hash_table_lookup(order, y->file));

	if (fx != fy)
		return fx < fy ? -1 : 1;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return x->col < y->col ? -1 : x->col > y->col;
}

/* In the order of the files and of their lines: the checks that need a
 * whole workflow, or every file, report after the line-by-line ones. */
static void
diagnostics_sort(rules_loader *ld, GPtrArray *sources)
{
	g_autoptr(GHashTable) order = g_hash_table_new(g_str_hash, g_str_equal);
	guint first = ld->first_diagnostic, n = rules_diag_count(ld);

	if (n < 2 || ld->overflow)
		return;
	for (guint i = 0; i < sources->len; i++)
		g_hash_table_insert(order, ((source *)sources->pdata[i])->display,
		                    GUINT_TO_POINTER(i + 1));
	/* g_qsort_with_data is stable: two problems at one place keep their order. */
	g_qsort_with_data(ld->diagnostics->pdata + first, (gint)n, sizeof(gpointer), diag_cmp,
	                  order);
}

/* Parses the sources (sorted by name) into a model, or NULL. */
static dispo_rules *
load(GPtrArray *sources, const char *templates_dir, GPtrArray *diagnostics, GError **error)
{
	rules_loader ld;
	g_autoptr(dispo_sha256) sum = dispo_sha256_new();
	char hex[DISPO_SHA256_HEX_LEN + 1];
	dispo_rules *rules = NULL;
	guint n;

	g_ptr_array_sort(sources, source_cmp);
	loader_init(&ld, templates_dir, diagnostics);
	for (guint i = 0; i < sources->len; i++) {
		const source *s = sources->pdata[i];
		gsize len = 0;
		const char *data = g_bytes_get_data(s->bytes, &len);
		g_autoptr(GString) head = g_string_new(s->name);
		/* Name and length first, so that no two sets of files hash alike. */
		g_string_append_c(head, '\0');
		g_string_append_printf(head, "%" G_GSIZE_FORMAT, len);
		g_string_append_c(head, '\0');
		dispo_sha256_update(sum, head->str, head->len);
		dispo_sha256_update(sum, data ? data : "", len);
		if (len > RULES_FILE_MAX)
			rules_diag(
			    &ld, s->display, 1, 1,
			    "this file is larger than 1 MB: a rules file is a page or two of "
			    "text");
		else
			rules_parse(&ld, s->display, data ? data : "", len);
	}
	rules_check_uses(&ld);
	diagnostics_sort(&ld, sources);
	n = rules_diag_count(&ld);
	if (n) {
		const dispo_rules_diagnostic *d = ld.diagnostics->pdata[ld.first_diagnostic];
		g_autofree char *first = rules_diagnostic_format(d);
		if (n > 1)
			g_set_error(error, DISPO_RULES_ERROR, DISPO_RULES_ERROR_INVALID,
			            "%s (and %u more problems)", first, n - 1);
		else
			g_set_error(error, DISPO_RULES_ERROR, DISPO_RULES_ERROR_INVALID, "%s",
			            first);
	} else {
		dispo_sha256_finish(sum, hex);
		rules = g_new0(dispo_rules, 1);
		rules->refcount = 1;
		rules->version = g_strdup(hex);
		rules->roles = g_steal_pointer(&ld.roles);
		rules->workflows = g_steal_pointer(&ld.workflows);
	}
	loader_clear(&ld);
	return rules;
}

dispo_rules *
rules_load_dir(const char *dir, const char *templates_dir, GPtrArray *diagnostics, GError **error)
{
	g_autoptr(GFile) d = NULL;
	g_autoptr(GFileEnumerator) en = NULL;
	g_autoptr(GPtrArray) sources = g_ptr_array_new_with_free_func((GDestroyNotify)source_free);
	g_autoptr(GError) e = NULL;
	g_autofree char *scheme = NULL;
	GFileInfo *info;

	g_return_val_if_fail(dir != NULL, NULL);
	d = file_for(dir);
	scheme = g_uri_parse_scheme(dir);
	en = g_file_enumerate_children(
	    d, G_FILE_ATTRIBUTE_STANDARD_NAME "," G_FILE_ATTRIBUTE_STANDARD_TYPE,
	    G_FILE_QUERY_INFO_NONE, NULL, &e);
	if (!en) {
		g_set_error(error, DISPO_RULES_ERROR, DISPO_RULES_ERROR_NOT_FOUND,
		            "cannot read the rules directory %s: %s", dir, e->message);
		return NULL;
	}
	while ((info = g_file_enumerator_next_file(en, NULL, &e)) != NULL) {
		g_autoptr(GFileInfo) i = info;
		const char *name = g_file_info_get_name(i);
		g_autoptr(GFile) f = NULL;
		g_autofree char *display = NULL;
		source *s;

		/* Editors leave .x.rules.swp and x.rules~ behind: only *.rules counts. */
		if (name[0] == '.' || !g_str_has_suffix(name, ".rules") ||
		    g_file_info_get_file_type(i) == G_FILE_TYPE_DIRECTORY)
			continue;
		f = g_file_get_child(d, name);
		display = scheme && strlen(scheme) > 1 ? g_file_get_uri(f)
		                                       : g_build_filename(dir, name, NULL);
		if (!(s = source_read(f, display, error)))
			return NULL;
		g_ptr_array_add(sources, s);
	}
	if (e) {
		g_set_error(error, DISPO_RULES_ERROR, DISPO_RULES_ERROR_NOT_FOUND,
		            "cannot read the rules directory %s: %s", dir, e->message);
		return NULL;
	}
	if (sources->len == 0) {
		g_set_error(error, DISPO_RULES_ERROR, DISPO_RULES_ERROR_NOT_FOUND,
		            "no .rules files in %s", dir);
		return NULL;
	}
	return load(sources, templates_dir, diagnostics, error);
}

dispo_rules *
rules_load_files(char *const *files, const char *templates_dir, GPtrArray *diagnostics,
                 GError **error)
{
	g_autoptr(GPtrArray) sources = g_ptr_array_new_with_free_func((GDestroyNotify)source_free);

	for (guint i = 0; files && files[i]; i++) {
		g_autoptr(GFile) f = file_for(files[i]);
		source *s = source_read(f, files[i], error);
		if (!s)
			return NULL;
		g_ptr_array_add(sources, s);
	}
	if (sources->len == 0) {
		g_set_error(error, DISPO_RULES_ERROR, DISPO_RULES_ERROR_NOT_FOUND,
		            "no rules files given");
		return NULL;
	}
	return load(sources, templates_dir, diagnostics, error);
}

dispo_rules *
rules_load_text(const char *name, const char *text, const char *templates_dir,
                GPtrArray *diagnostics, GError **error)
{
	g_autoptr(GPtrArray) sources = g_ptr_array_new_with_free_func((GDestroyNotify)source_free);
	source *s = g_new0(source, 1);

	g_return_val_if_fail(name != NULL && text != NULL, NULL);
	s->name = g_path_get_basename(name);
	s->display = g_strdup(name);
	s->bytes = g_bytes_new(text, strlen(text));
	g_ptr_array_add(sources, s);
	return load(sources, templates_dir, diagnostics, error);
}

dispo_rules *
rules_ref(dispo_rules *rules)
{
	if (rules)
		g_atomic_int_inc(&rules->refcount);
	return rules;
}

void
rules_unref(dispo_rules *rules)
{
	if (!rules || !g_atomic_int_dec_and_test(&rules->refcount))
		return;
	g_free(rules->version);
	g_ptr_array_unref(rules->roles);
	g_ptr_array_unref(rules->workflows);
	g_free(rules);
}

/* ---- questions ----------------------------------------------------------- */

const char *
rules_version(const dispo_rules *rules)
{
	return rules->version;
}

const GPtrArray *
rules_workflows(const dispo_rules *rules)
{
	return rules->workflows;
}

const GPtrArray *
rules_roles(const dispo_rules *rules)
{
	return rules->roles;
}

const dispo_rules_workflow *
rules_workflow_get(const dispo_rules *rules, const char *name)
{
	for (guint i = 0; name && i < rules->workflows->len; i++) {
		const dispo_rules_workflow *wf = rules->workflows->pdata[i];
		if (strcmp(wf->name, name) == 0)
			return wf;
	}
	return NULL;
}

const dispo_rules_role *
rules_role_get(const dispo_rules *rules, const char *key)
{
	for (guint i = 0; key && i < rules->roles->len; i++) {
		const dispo_rules_role *r = rules->roles->pdata[i];
		if (strcmp(r->key, key) == 0)
			return r;
	}
	return NULL;
}

/* Whether mailbox is wf's, ignoring case and a +detail. */
static bool
mailbox_matches(const dispo_rules_workflow *wf, const char *mailbox)
{
	const char *plus, *at;
	g_autofree char *plain = NULL;

	if (!mailbox)
		return true;
	plus = strchr(mailbox, '+');
	at = strrchr(mailbox, '@');
	if (plus && at && plus < at)
		mailbox = plain = g_strdup_printf("%.*s%s", (int)(plus - mailbox), mailbox, at);
	return g_ascii_strcasecmp(wf->mailbox, mailbox) == 0;
}

static bool
subject_has(const dispo_rules_workflow *wf, const char *folded)
{
	for (guint i = 0; folded && wf->subject_keywords && wf->subject_keywords[i]; i++) {
		g_autofree char *kw = g_utf8_casefold(wf->subject_keywords[i], -1);
		if (strstr(folded, kw))
			return true;
	}
	return false;
}

const dispo_rules_workflow *
rules_workflow_for(const dispo_rules *rules, const char *mailbox, const char *subject)
{
	g_autofree char *valid = subject ? g_utf8_make_valid(subject, -1) : NULL;
	g_autofree char *folded = valid ? g_utf8_casefold(valid, -1) : NULL;

	for (guint i = 0; i < rules->workflows->len; i++) {
		const dispo_rules_workflow *wf = rules->workflows->pdata[i];
		if (mailbox_matches(wf, mailbox) && subject_has(wf, folded))
			return wf;
	}
	for (guint i = 0; i < rules->workflows->len; i++) {
		const dispo_rules_workflow *wf = rules->workflows->pdata[i];
		if (mailbox_matches(wf, mailbox) && !wf->subject_keywords)
			return wf;
	}
	return NULL;
}

const dispo_rules_step *
rules_step_get(const dispo_rules_workflow *wf, const char *name)
{
	for (guint i = 0; wf && name && i < wf->steps->len; i++) {
		const dispo_rules_step *s = wf->steps->pdata[i];
		if (strcmp(s->name, name) == 0)
			return s;
	}
	return NULL;
}

const dispo_rules_transition *
rules_transition_get(const dispo_rules_step *step, dispo_command cmd)
{
	for (guint i = 0; step && i < step->transitions->len; i++) {
		const dispo_rules_transition *t = step->transitions->pdata[i];
		if (t->command == cmd)
			return t;
	}
	return NULL;
}

/* Two 'on' lines are one path when they lead to the same place and record
 * the same thing there. */
static bool
same_path(const dispo_rules_transition *a, const dispo_rules_transition *b)
{
	return strcmp(a->target, b->target) == 0 && a->record == b->record;
}

/* The step's first affirmative 'on' line when all of them are one path;
 * NULL when it has none or they part. */
static const dispo_rules_transition *
forward_path(const dispo_rules_step *step)
{
	const dispo_rules_transition *path = NULL;

	for (guint i = 0; step && step->transitions && i < step->transitions->len; i++) {
		const dispo_rules_transition *t = step->transitions->pdata[i];
		if (!rules_command_affirmative(t->command))
			continue;
		if (!path)
			path = t;
		else if (!same_path(path, t))
			return NULL;
	}
	return path;
}

const dispo_rules_transition *
rules_transition_resolve(const dispo_rules_step *step, dispo_command cmd)
{
	const dispo_rules_transition *t = rules_transition_get(step, cmd);

	if (t || !rules_command_affirmative(cmd))
		return t;
	return forward_path(step);
}

guint
rules_transition_commands(const dispo_rules_step *step, const dispo_rules_transition *t,
                          dispo_command *out, guint max)
{
	guint n = 0;

	if (!t)
		return 0;
	if (n < max)
		out[n] = t->command;
	n++;
	if (forward_path(step) != t)
		return n;
	for (guint i = 0; i < G_N_ELEMENTS(affirmative); i++) {
		if (rules_transition_get(step, affirmative[i]))
			continue;
		if (n < max)
			out[n] = affirmative[i];
		n++;
	}
	return n;
}
