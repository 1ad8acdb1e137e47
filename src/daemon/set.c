/* SPDX-License-Identifier: GPL-3.0-or-later */
/* set.c: what SIGHUP reloads, loaded and checked whole before it replaces
 * the running one: the configuration, the rules, the templates (copied, so
 * that a half-edited template directory never reaches an email), the
 * office calendar and the sender. */
#include "config.h"

#include "daemon/daemon-private.h"
#include "template/template.h"

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <unistd.h>

#include <string.h>

/* Copies the tree at src (a path or a GIO URI such as resource:///…) to
 * the directory dst, which must not exist. */
static bool
copy_tree(GFile *src, GFile *dst, unsigned depth, GError **error)
{
	g_autoptr(GFileEnumerator) en = NULL;
	GFileInfo *info;

	if (depth > 8) {
		g_set_error(error, DISPO_IO_ERROR, DISPO_IO_ERROR_PERMANENT,
		            "the templates directory is nested too deep");
		return false;
	}
	if (!g_file_make_directory(dst, NULL, error))
		return false;
	en = g_file_enumerate_children(src, "standard::name,standard::type", G_FILE_QUERY_INFO_NONE,
	                               NULL, error);
	if (!en)
		return false;
	while ((info = g_file_enumerator_next_file(en, NULL, error))) {
		g_autoptr(GFileInfo) i = info;
		const char *name = g_file_info_get_name(i);
		g_autoptr(GFile) s = g_file_get_child(src, name);
		g_autoptr(GFile) d = g_file_get_child(dst, name);
		GFileType t = g_file_info_get_file_type(i);

		if (name[0] == '.')
			continue;
		if (t == G_FILE_TYPE_DIRECTORY) {
			if (!copy_tree(s, d, depth + 1, error))
				return false;
		} else if (t == G_FILE_TYPE_REGULAR) {
			if (!g_file_copy(s, d, G_FILE_COPY_NONE, NULL, NULL, NULL, error))
				return false;
		}
	}
	return error == NULL || *error == NULL;
}

/* Renders every template with no data: an unclosed section or a broken
 * tag fails here, not in the first email that uses it. */
static bool
templates_check(const char *dir, GError **error)
{
	g_autoptr(GDir) langs = g_dir_open(dir, 0, error);
	const char *lang;

	if (!langs)
		return false;
	while ((lang = g_dir_read_name(langs))) {
		g_autofree char *sub = g_build_filename(dir, lang, NULL);
		g_autoptr(GDir) files = NULL;
		const char *name;

		if (!g_file_test(sub, G_FILE_TEST_IS_DIR))
			continue;
		if (!(files = g_dir_open(sub, 0, error)))
			return false;
		while ((name = g_dir_read_name(files))) {
			g_autofree char *path = g_build_filename(sub, name, NULL);
			g_autofree char *text = NULL;
			g_autofree char *out = NULL;
			g_autoptr(JsonNode) data = json_node_new(JSON_NODE_OBJECT);
			g_autoptr(GError) e = NULL;

			if (!g_str_has_suffix(name, ".mustache"))
				continue;
			json_node_take_object(data, json_object_new());
			if (!g_file_get_contents(path, &text, NULL, error))
				return false;
			if (!(out = template_render(text, data, NULL, DISPO_TEMPLATE_ESCAPE_NONE,
			                            &e))) {
				g_set_error(error, DISPO_IO_ERROR, DISPO_IO_ERROR_PERMANENT,
				            "templates/%s/%s: %s", lang, name, e->message);
				return false;
			}
		}
	}
	return true;
}

daemon_set *
daemon_set_load(const char *config_path, unsigned generation, GError **error)
{
	g_autoptr(GPtrArray) diags = rules_diagnostics_new();
	daemon_set *set = g_new0(daemon_set, 1);
	g_autoptr(dispo_calendar) cal = NULL;
	g_autoptr(GFile) src = NULL;
	g_autoptr(GFile) dst = NULL;
	g_autofree char *run = NULL;
	g_autoptr(GError) e = NULL;

	if (!(set->config = dispo_config_load(config_path, error)))
		goto fail;
	run = g_build_filename(set->config->data_dir, "run", NULL);
	if (!dispo_mkdir_p(run, error))
		goto fail;
	set->templates_copy = g_strdup_printf("%s/templates.%u.%d", run, generation, (int)getpid());
	/* A copy left by a crash under the same name goes first. */
	dispo_remove_tree(set->templates_copy, NULL);
	src = g_str_has_prefix(set->config->templates_dir, "resource:") ||
	              g_str_has_prefix(set->config->templates_dir, "file:")
	          ? g_file_new_for_uri(set->config->templates_dir)
	          : g_file_new_for_path(set->config->templates_dir);
	dst = g_file_new_for_path(set->templates_copy);
	if (!copy_tree(src, dst, 0, &e)) {
		/* A full disk is no fault of the templates: said so, and
		 * temporary (the service manager starts dispo again). */
		bool full = g_error_matches(e, G_IO_ERROR, G_IO_ERROR_NO_SPACE);
		g_set_error(error, DISPO_IO_ERROR,
		            full ? DISPO_IO_ERROR_TEMPORARY : DISPO_IO_ERROR_PERMANENT,
		            "cannot %s the templates (%s to %s): %s", full ? "copy" : "read",
		            set->config->templates_dir, set->templates_copy, e->message);
		goto fail;
	}
	if (!templates_check(set->templates_copy, error))
		goto fail;
	g_free(set->config->templates_dir);
	set->config->templates_dir = g_strdup(set->templates_copy);

	set->rules =
	    rules_load_dir(set->config->rules_dir, set->config->templates_dir, diags, error);
	for (guint i = 0; !set->rules && i < diags->len; i++) {
		g_autofree char *line = rules_diagnostic_format(diags->pdata[i]);
		dispo_log(LOG_ERR, "%s", line);
	}
	if (!set->rules)
		goto fail;
	if (!(cal = ingest_calendar_load(set->config, error)))
		goto fail;
	if (!(set->outbox = outbox_open(set->config, error)))
		goto fail;
	/* Read now, by the rules the connection will read it with (a regular
	 * file, owned by this user, 0600 or 0400): a file others may read
	 * is refused at start or reload, not found out at the first connect. */
	if (set->config->imap_url && set->config->imap_credentials_file) {
		char *user = NULL, *password = NULL;
		bool ok = dispo_credentials_read(set->config->imap_credentials_file,
		                                 "IMAP", false, &user, &password,
		                                 error);
		dispo_secret_free(user);
		dispo_secret_free(password);
		if (!ok)
			goto fail;
	}
	return set;
fail:
	daemon_set_free(set);
	return NULL;
}

void
daemon_set_free(daemon_set *set)
{
	if (!set)
		return;
	if (set->templates_copy)
		dispo_remove_tree(set->templates_copy, NULL);
	g_free(set->templates_copy);
	outbox_free(set->outbox);
	if (set->rules)
		rules_unref(set->rules);
	dispo_config_free(set->config);
	g_free(set);
}

static bool
same(const char *a, const char *b)
{
	return g_strcmp0(a, b) == 0;
}

bool
daemon_set_imap_same(const daemon_set *a, const daemon_set *b)
{
	const dispo_config *x = a->config, *y = b->config;

	return same(x->imap_url, y->imap_url) && same(x->imap_user, y->imap_user) &&
	       same(x->imap_credentials_file, y->imap_credentials_file) &&
	       same(x->imap_ca_file, y->imap_ca_file) && x->imap_verify == y->imap_verify &&
	       x->imap_starttls == y->imap_starttls && same(x->imap_mailbox, y->imap_mailbox) &&
	       same(x->imap_processed, y->imap_processed) &&
	       same(x->imap_quarantine, y->imap_quarantine) && x->imap_poll_ms == y->imap_poll_ms &&
	       x->imap_idle_renew_ms == y->imap_idle_renew_ms &&
	       x->imap_timeout_ms == y->imap_timeout_ms && x->imap_max_tries == y->imap_max_tries;
}
