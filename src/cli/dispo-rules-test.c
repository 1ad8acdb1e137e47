/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dispo-rules-test.c: `dispo rules test FILE.eml…`: runs emails through
 * intake and the workflow on a copy of the store and says what would
 * happen (which request, which step, which command, which emails), changing
 * nothing: the administrator's answer to "why did dispo not take my reply?". */
#include "config.h"

#include "cli/cli.h"
#include "ingest/ingest.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* A copy of dir made of hard links (same file system: no bytes copied);
 * files written later in the copy replace links, never the originals. */
static bool
link_tree(const char *from, const char *to, GError **error)
{
	g_autoptr(GDir) d = g_dir_open(from, 0, NULL);
	const char *name;

	if (!d)
		return true;
	if (!dispo_mkdir_p(to, error))
		return false;
	while ((name = g_dir_read_name(d)) != NULL) {
		g_autofree char *a = g_build_filename(from, name, NULL);
		g_autofree char *b = g_build_filename(to, name, NULL);
		if (g_file_test(a, G_FILE_TEST_IS_SYMLINK))
			continue;
		if (g_file_test(a, G_FILE_TEST_IS_DIR)) {
			if (!link_tree(a, b, error))
				return false;
		} else if (link(a, b) != 0) {
			return dispo_io_error_set(error, errno, "cannot link", b);
		}
	}
	return true;
}

static void
add_string(JsonBuilder *b, const char *name, const char *value)
{
	cli_json_string(b, name, value);
}

/* One file's verdict, from what the run added to the copy. */
static void
report(dispo_cli *cli, dispo_store *store, const dispo_store_marks *m, const char *file,
       JsonBuilder *b, GString *text)
{
	g_autoptr(GError) e = NULL;
	g_autoptr(GPtrArray) log = store_log_after(store, m, &e);
	g_autoptr(GPtrArray) outbox = store_outbox_list(store, NULL, &e);
	g_autoptr(GPtrArray) refusals = store_refusals_list(store, &e);
	g_autoptr(dispo_mail) mail = NULL;
	g_autofree char *visible = NULL, *command = NULL, *argument = NULL;
	const dispo_log_row *msg = NULL;
	const char *kind = "other", *request = NULL, *step = NULL, *event = NULL;
	const char *status = NULL;
	g_autoptr(JsonParser) parser = json_parser_new();
	g_autoptr(JsonParser) rparser = json_parser_new();
	JsonArray *reasons = NULL;

	for (guint i = 0; log && i < log->len; i++) {
		const dispo_log_row *r = log->pdata[i];
		if (!r->is_event && !msg)
			msg = r;
	}
	if (msg) {
		g_autofree char *path = store_blob_path(store, msg->sha256);
		kind = msg->kind;
		mail = mime_mail_parse_file(path, &cli->config->limits, NULL, NULL);
		for (char **s = cli->config->bsre_senders; msg->actor && s && *s; s++)
			if (g_ascii_strcasecmp(*s, msg->actor) == 0)
				kind = "bsre_notification";
	}
	if (mail && strcmp(kind, "reply") == 0)
		status = ingest_reply_read(mail, &visible, &command, &argument);
	for (guint i = 0; log && i < log->len; i++) {
		const dispo_log_row *r = log->pdata[i];
		if (!r->is_event || !msg || r->message_id != msg->id || request)
			continue;
		request = r->request;
		event = r->kind;
		if (json_parser_load_from_data(parser, r->detail, -1, NULL) &&
		    JSON_NODE_HOLDS_OBJECT(json_parser_get_root(parser))) {
			JsonObject *o = json_node_get_object(json_parser_get_root(parser));
			step = json_object_get_string_member_with_default(o, "step", NULL);
		}
	}
	for (guint i = 0; msg && refusals && i < refusals->len; i++) {
		const dispo_refusal_row *f = refusals->pdata[i];
		if (strcmp(f->message_sha256, msg->sha256) == 0 &&
		    json_parser_load_from_data(rparser, f->reasons_json, -1, NULL) &&
		    JSON_NODE_HOLDS_ARRAY(json_parser_get_root(rparser)))
			reasons = json_node_get_array(json_parser_get_root(rparser));
	}

	json_builder_begin_object(b);
	add_string(b, "file", file);
	add_string(b, "kind", msg ? kind : "duplicate");
	json_builder_set_member_name(b, "reasons");
	json_builder_begin_array(b);
	g_string_append_printf(text, "%s: %s", file, msg ? kind : "already stored (nothing to do)");
	for (guint i = 0; reasons && i < json_array_get_length(reasons); i++) {
		JsonObject *o = json_array_get_object_element(reasons, i);
		const char *code = json_object_get_string_member_with_default(o, "code", "");
		json_builder_add_string_value(b, code);
		g_string_append_printf(text, "%s%s", i ? ", " : "; refused: ", code);
	}
	json_builder_end_array(b);
	add_string(b, "request", request);
	add_string(b, "step", step);
	add_string(b, "event", event);
	add_string(b, "command", command);
	add_string(b, "argument", argument);
	add_string(b, "reply_status", status);
	add_string(b, "visible_text", visible);
	if (request)
		g_string_append_printf(text, "; request %s: %s -> %s", request, event,
		                       step ? step : "-");
	if (status)
		g_string_append_printf(text, "; reply %s%s%s (\"%s\")", status, command ? " " : "",
		                       command ? command : "", visible ? visible : "");
	g_string_append_c(text, '\n');
	json_builder_set_member_name(b, "actions");
	json_builder_begin_array(b);
	for (guint i = 0; outbox && i < outbox->len; i++) {
		const dispo_outbox_row *o = outbox->pdata[i];
		if (o->id <= m->outbox)
			continue;
		json_builder_begin_object(b);
		add_string(b, "send", o->template_name);
		add_string(b, "to", o->to_addr);
		add_string(b, "step", o->step);
		add_string(b, "kind", o->kind);
		json_builder_end_object(b);
		g_string_append_printf(text, "  would send %s to %s%s%s\n", o->template_name,
		                       o->to_addr, o->step ? " about " : "",
		                       o->step ? o->step : "");
	}
	for (guint i = 0; log && i < log->len; i++) {
		const dispo_log_row *r = log->pdata[i];
		if (!r->is_event)
			continue;
		json_builder_begin_object(b);
		add_string(b, "event", r->kind);
		add_string(b, "request", r->request);
		add_string(b, "by", r->actor);
		json_builder_end_object(b);
		g_string_append_printf(text, "  would record %s on %s (by %s)\n", r->kind,
		                       r->request, r->actor);
	}
	json_builder_end_array(b);
	json_builder_end_object(b);
}

int
cli_rules_test(dispo_cli *cli, int argc, char **argv, bool json)
{
	g_autoptr(GError) e = NULL;
	g_autoptr(dispo_store) real = NULL;
	g_autoptr(dispo_store) copy = NULL;
	g_autoptr(dispo_rules) rules = NULL;
	g_autoptr(JsonBuilder) b = json_builder_new();
	g_autoptr(GString) text = g_string_new(NULL);
	g_autofree char *tmpl = NULL;
	g_autofree char *tmp = NULL;
	g_autofree char *real_dir = NULL;
	int rc = EX_OK;

	if (argc < 1) {
		cli_error(cli, "name the emails to try: rules test FILE.eml...");
		return EX_USAGE;
	}
	if ((rc = cli_start(cli, &real)) != EX_OK)
		return rc;
	if (!(rules = cli_rules_load(cli, &e))) {
		cli_error(cli, "%s", e->message);
		return EX_CONFIG;
	}
	/* The copy lives beside the data (hard links need one file system)
	 * and goes when the run ends. */
	tmpl = g_build_filename(cli->config->data_dir, ".rules-test-XXXXXX", NULL);
	if (!(tmp = g_mkdtemp_full(g_strdup(tmpl), 0700))) {
		cli_error(cli, "cannot make a scratch directory in %s: %s", cli->config->data_dir,
		          g_strerror(errno));
		return EX_CANTCREAT;
	}
	{
		g_autofree char *db = g_build_filename(tmp, "dispo.db", NULL);
		g_autofree char *mail_from = g_build_filename(cli->config->data_dir, "mail", NULL);
		g_autofree char *mail_to = g_build_filename(tmp, "mail", NULL);
		g_autofree char *att_from =
		    g_build_filename(cli->config->data_dir, "attachments", NULL);
		g_autofree char *att_to = g_build_filename(tmp, "attachments", NULL);
		if (!store_copy_to(real, db, &e) || !link_tree(mail_from, mail_to, &e) ||
		    !link_tree(att_from, att_to, &e))
			goto fail;
	}
	g_clear_pointer(&real, store_close);
	real_dir = cli->config->data_dir;
	cli->config->data_dir = g_strdup(tmp);
	if (!(copy = cli_store_open(cli, &e)))
		goto fail;

	json_builder_begin_array(b);
	for (int i = 0; i < argc; i++) {
		dispo_ingest_options opt = {.source = "rules-test",
		                            .now = cli->now,
		                            .now_override = cli->now_given ? cli->now : 0,
		                            .use_received = true,
		                            .batch = 1,
		                            .rules = rules};
		g_autoptr(dispo_ingest) ing = ingest_new(cli->config, copy, &opt);
		dispo_store_marks m;
		if (!store_marks(copy, &m, &e) || !ingest_path(ing, argv[i], &e) ||
		    !ingest_flush(ing, &e))
			goto fail;
		report(cli, copy, &m, argv[i], b, text);
	}
	json_builder_end_array(b);
	if (json)
		cli_json_print(b);
	else
		fputs(text->str, stdout);
	goto out;
fail:
	cli_error(cli, "%s", e->message);
	rc = cli_exit_code(e);
out:
	g_clear_pointer(&copy, store_close);
	if (real_dir) {
		g_free(cli->config->data_dir);
		cli->config->data_dir = g_steal_pointer(&real_dir);
	}
	dispo_remove_tree(tmp, NULL);
	return rc;
}
