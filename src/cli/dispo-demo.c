/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dispo-demo.c: `dispo demo`, the SOP on sample mail under ./var with the
 * embedded default, no server: every email is a real file to open. */
#include "config.h"

#include "cli/cli.h"
#include "ingest/ingest.h"

#include <gio/gio.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define MARKER ".dispo-demo"

/* A fresh demo directory: an old demo is replaced, anything else is left
 * alone. */
static bool
fresh_dir(const char *dir, GError **error)
{
	g_autofree char *marker = g_build_filename(dir, MARKER, NULL);
	g_autoptr(GDir) d = NULL;

	if (g_file_test(marker, G_FILE_TEST_EXISTS)) {
		if (!dispo_remove_tree(dir, error))
			return false;
	} else if ((d = g_dir_open(dir, 0, NULL)) && g_dir_read_name(d)) {
		g_set_error(error, DISPO_IO_ERROR, DISPO_IO_ERROR_PERMANENT,
		            "%s exists and was not made by dispo demo; choose another with --dir",
		            dir);
		return false;
	}
	return dispo_mkdir_p(dir, error) &&
	       dispo_file_write_atomic(marker, "made by dispo demo\n", 19, 0644, error);
}

/* Delivers bytes into a Maildir the way an MDA does: tmp/, then new/. */
static char *
maildir_deliver(const char *maildir, GBytes *msg, dispo_time t, GError **error)
{
	static unsigned seq;
	g_autofree char *name = g_strdup_printf("%" G_GINT64_FORMAT ".M%uP%d.dispo-demo", (gint64)t,
	                                        seq++, (int)getpid());
	g_autofree char *tmp = g_build_filename(maildir, "tmp", name, NULL);
	char *path = g_build_filename(maildir, "new", name, NULL);
	gsize len;
	const void *data = g_bytes_get_data(msg, &len);

	if (!dispo_file_write_atomic(tmp, data, len, 0600, error) || rename(tmp, path) != 0) {
		if (error && !*error)
			dispo_io_error_set(error, errno, "cannot deliver to", path);
		g_free(path);
		return NULL;
	}
	return path;
}

static void say(dispo_cli *cli, dispo_time t, const char *fmt, ...) G_GNUC_PRINTF(3, 4);

static void
say(dispo_cli *cli, dispo_time t, const char *fmt, ...)
{
	g_autofree char *when = dispo_time_format_short(t, cli->config->tz);
	g_autofree char *msg = NULL;
	va_list ap;

	va_start(ap, fmt);
	msg = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	printf("%s  %s\n", when + 11, msg);
}

/* The newest email of the request's workflow to `to` about `step`. */
static dispo_outbox_row *
find_email(dispo_store *store, const char *number, const char *step, const char *to, GError **error)
{
	g_autoptr(GPtrArray) rows = store_outbox_list(store, NULL, error);
	gint found = -1;

	for (guint i = 0; rows && i < rows->len; i++) {
		const dispo_outbox_row *o = rows->pdata[i];
		if (g_strcmp0(o->request, number) == 0 && g_strcmp0(o->step, step) == 0 &&
		    g_strcmp0(o->to_addr, to) == 0 && g_strcmp0(o->kind, "workflow") == 0)
			found = (gint)i;
	}
	if (found < 0) {
		if (rows)
			g_set_error(error, DISPO_IO_ERROR, DISPO_IO_ERROR_PERMANENT,
			            "no email to %s about %s of %s in the outbox", to, step,
			            number);
		return NULL;
	}
	return g_ptr_array_steal_index(rows, (guint)found);
}

/* What a mail client makes of "Reply": the address to answer (Reply-To),
 * "RE: subject", threading headers, the text on top and the email quoted
 * below an Indonesian attribution line. */
static GBytes *
client_reply(dispo_cli *cli, dispo_store *store, const dispo_outbox_row *o, const char *from,
             const char *text, dispo_time t, GError **error)
{
	g_autofree char *path = store_blob_path(store, o->blob_sha256);
	g_autoptr(dispo_mail) orig = NULL;
	g_autoptr(dispo_compose) c = NULL;
	g_autofree char *subject = NULL;
	g_autofree char *irt = NULL;
	g_autofree char *mid = NULL;
	g_autofree char *when = NULL;
	g_auto(GStrv) lines = NULL;
	GString *body = g_string_new(text);
	const char *to;

	orig = mime_mail_parse_file(path, &cli->config->limits, NULL, error);
	if (!orig) {
		g_string_free(body, true);
		return NULL;
	}
	to = orig->reply_to->len ? ((dispo_mailbox *)orig->reply_to->pdata[0])->address
	                         : ((dispo_mailbox *)orig->from->pdata[0])->address;
	subject = g_strdup_printf("RE: %s", orig->subject ? orig->subject : "");
	when = dispo_time_format_short(orig->date ? orig->date : t, cli->config->tz);
	g_string_append_printf(body, "\n\nPada %s, %s menulis:\n", when,
	                       ((dispo_mailbox *)orig->from->pdata[0])->address);
	lines = g_strsplit(orig->body ? orig->body : "", "\n", -1);
	for (size_t i = 0; lines[i]; i++)
		g_string_append_printf(body, "> %s\n", lines[i]);
	c = mime_compose_new(from, to, subject, body->str);
	g_string_free(body, true);
	irt = g_strdup_printf("<%s>", o->message_id);
	mid = g_strdup_printf("demo-%" G_GINT64_FORMAT "-%s", (gint64)t, o->message_id);
	mime_compose_set_message_id(c, mid);
	mime_compose_set_date(c, t, cli->config->tz);
	mime_compose_set_header(c, "In-Reply-To", irt);
	mime_compose_set_header(c, "References", irt);
	mime_compose_set_header(c, "User-Agent", "Microsoft Outlook 16.0");
	return mime_compose_render(c);
}

/* Delivers a message to the inbox and runs intake on it at t. */
static bool
arrive(dispo_cli *cli, dispo_store *store, dispo_ingest_options *opt, const char *inbox,
       GBytes *msg, dispo_time t, GError **error)
{
	g_autoptr(dispo_ingest) ing = NULL;
	g_autofree char *path = maildir_deliver(inbox, msg, t, error);

	if (!path)
		return false;
	/* The demo's clock: everything happens at t, the outbox included. */
	opt->now = opt->now_override = cli->now = t;
	ing = ingest_new(cli->config, store, opt);
	return ingest_path(ing, inbox, error) && ingest_flush(ing, error) &&
	       cli_outbox_flush(cli, store, NULL, error);
}

/* Prints the emails that went out since outbox row `after`. */
static bool
print_sent(dispo_cli *cli, dispo_store *store, int64_t *after, dispo_time t, GError **error)
{
	g_autoptr(GPtrArray) rows = store_outbox_list(store, NULL, error);

	if (!rows)
		return false;
	for (guint i = 0; i < rows->len; i++) {
		const dispo_outbox_row *o = rows->pdata[i];
		if (o->id <= *after)
			continue;
		say(cli, t, "    -> %s to %s: outbox/new/%06" G_GINT64_FORMAT ".eml",
		    o->template_name, o->to_addr, (gint64)o->id);
		*after = o->id;
	}
	return true;
}

typedef struct {
	const char *step;
	const char *who;
	const char *text;
} demo_reply;

/* Each official replies in turn to the email dispo sent them. */
static bool
play(dispo_cli *cli, dispo_store *store, dispo_ingest_options *opt, const char *inbox,
     const char *number, const demo_reply *script, size_t n, dispo_time *t, int64_t *after,
     GError **error)
{
	for (size_t i = 0; i < n; i++) {
		g_autoptr(dispo_outbox_row) o = NULL;
		g_autoptr(GBytes) msg = NULL;
		g_autoptr(dispo_request_row) r = NULL;
		*t += 4 * 60;
		o = find_email(store, number, script[i].step, script[i].who, error);
		if (!o ||
		    !(msg = client_reply(cli, store, o, script[i].who, script[i].text, *t, error)))
			return false;
		if (!arrive(cli, store, opt, inbox, msg, *t, error))
			return false;
		r = store_request_get(store, number, error);
		if (!r)
			return false;
		say(cli, *t, "%s replies \"%s\" (%s) -> %s", script[i].who, script[i].text,
		    script[i].step, r->state);
		if (!print_sent(cli, store, after, *t, error))
			return false;
	}
	return true;
}

int
cli_demo(dispo_cli *cli, int argc, char **argv)
{
	g_autofree char *dir_opt = NULL;
	GOptionEntry entries[] = {{"dir", 'd', 0, G_OPTION_ARG_FILENAME, &dir_opt,
	                           "where to put the demo (default: ./var)", "DIR"},
	                          G_OPTION_ENTRY_NULL};
	g_autoptr(GError) e = NULL;
	g_autoptr(dispo_store) store = NULL;
	g_autoptr(dispo_ingest) ing = NULL;
	g_autoptr(dispo_rules) rules = NULL;
	g_autoptr(GBytes) app = NULL;
	g_autoptr(GPtrArray) sent = NULL;
	g_autofree char *cwd = g_get_current_dir();
	g_autofree char *dir = NULL;
	g_autofree char *inbox = NULL;
	g_autofree char *delivered = NULL;
	g_autofree char *rel = NULL;
	dispo_ingest_options opt = {0};
	g_autofree char *number = NULL;
	int rc;

	if (!cli_parse(cli, entries, NULL,
	               "Runs SOP 067 on sample mail with the embedded default configuration:\n"
	               "an application arrives in a Maildir inbox and is stored as a request.\n"
	               "Everything is left under the demo directory to look at.",
	               &argc, &argv))
		return EX_USAGE;
	if (!cli_load(cli))
		return EX_CONFIG;
	/* The demo runs on the embedded default (DISPO_CONFIG, meant for the
	 * real service, is not its business), or on --config when one is named;
	 * either way its data goes to the demo directory. */
	if (!cli->config_path) {
		dispo_config_free(cli->config);
		cli->config =
		    dispo_config_load_data(dispo_config_default_text, "embedded default", cwd, &e);
		if (!cli->config)
			goto fail;
	}
	dir = g_canonicalize_filename(dir_opt ? dir_opt : "var", cwd);
	g_free(cli->config->data_dir);
	cli->config->data_dir = g_strdup(dir);
	if (!fresh_dir(dir, &e))
		goto fail;
	inbox = g_build_filename(dir, "inbox", NULL);
	for (const char *sub = "tmp"; sub; sub = strcmp(sub, "tmp") == 0   ? "new"
	                                         : strcmp(sub, "new") == 0 ? "cur"
	                                                                   : NULL) {
		g_autofree char *p = g_build_filename(inbox, sub, NULL);
		if (!dispo_mkdir_p(p, &e))
			goto fail;
	}
	store = cli_store_open(cli, &e);
	if (!store)
		goto fail;
	rules = cli_rules_load(cli, &e);
	if (!rules)
		goto fail;

	printf("dispo demo: SOP 067 Pendaftaran Penerbitan Sertifikat Elektronik\n"
	       "data under %s (%s)\n\n",
	       dir, cli->config_path ? cli->config_path : "embedded default configuration");
	/* The sample register (invented people at an example office), as an
	 * administrator would import theirs. */
	{
		g_autofree char *reg = g_build_filename(dir, "register-contoh.csv", NULL);
		g_autoptr(GBytes) csv = g_resources_lookup_data("/dispo/rules/register-contoh.csv",
		                                                G_RESOURCE_LOOKUP_FLAGS_NONE, &e);
		if (!csv || !dispo_file_write_atomic(reg, g_bytes_get_data(csv, NULL),
		                                     g_bytes_get_size(csv), 0644, &e))
			goto fail;
		if ((rc = cli_employees_import_file(cli, reg, false)) != EX_OK)
			return rc;
		printf("\n");
	}

	app = cli_sample_application(0, cli->now, cli->config->tz, 0);
	delivered = maildir_deliver(inbox, app, cli->now, &e);
	if (!delivered)
		goto fail;
	rel = g_str_has_prefix(delivered, cwd) ? g_strdup(delivered + strlen(cwd) + 1)
	                                       : g_strdup(delivered);
	say(cli, cli->now, "Budi Santoso <budi.santoso@kuduskab.go.id> emails %s",
	    cli->config->mailbox);
	say(cli, cli->now, "  \"Permohonan Penerbitan Sertifikat Elektronik\", 3 PDF attachments");
	say(cli, cli->now, "  (the email as it arrived: %s)", rel);

	opt.rules = rules;
	opt.source = "demo";
	opt.now = cli->now;
	opt.now_override = cli->now;
	opt.batch = 16;
	ing = ingest_new(cli->config, store, &opt);
	if (!ingest_path(ing, inbox, &e) || !ingest_flush(ing, &e))
		goto fail;
	if (ingest_opened(ing)->len != 1) {
		cli_error(cli, "the sample application opened %u requests instead of one",
		          ingest_opened(ing)->len);
		return EX_SOFTWARE;
	}
	number = g_strdup(ingest_opened(ing)->pdata[0]);
	say(cli, cli->now, "dispo checks the sender (.go.id, active in the register), the three");
	say(cli, cli->now,
	    "  documents (by their bytes) and the form (NIP, NIK), and opens request %s", number);
	if (!cli_outbox_flush(cli, store, NULL, &e) ||
	    !(sent = store_outbox_list(store, "sent", &e)))
		goto fail;
	for (guint i = 0; i < sent->len; i++) {
		const dispo_outbox_row *o = sent->pdata[i];
		say(cli, cli->now, "  %s to %s: outbox/new/%06" G_GINT64_FORMAT ".eml",
		    strcmp(o->kind, "workflow") == 0 ? o->template_name : o->kind, o->to_addr,
		    (gint64)o->id);
	}

	/* Exactly once: the same inbox read again changes nothing. */
	g_clear_pointer(&ing, ingest_free);
	ing = ingest_new(cli->config, store, &opt);
	if (!ingest_path(ing, inbox, &e) || !ingest_flush(ing, &e))
		goto fail;
	say(cli, cli->now, "the inbox read again: %u stored, %u duplicate (exactly once)",
	    ingest_stats(ing)->stored, ingest_stats(ing)->duplicate);

	/* The officials answer from their mail clients, one after another. */
	{
		static const demo_reply sop067[] = {
		    {"disposisi_kadin", "kadis@kuduskab.go.id", "Setuju, lanjutkan."},
		    {"disposisi_kabid", "sri.wahyuningsih@kuduskab.go.id", "TERUSKAN"},
		    {"verifikasi_kasi", "agus.prasetyo@kuduskab.go.id", "SETUJU"},
		    /* The verifier's two acts: the files sent to BSrE, then the
		     * certificate issued at the end of BSrE's day. */
		    {"kirim_bsre", "dewi.lestari@kuduskab.go.id",
		     "TERUSKAN, sudah dikirim ke BSrE"},
		    {"proses_bsre", "dewi.lestari@kuduskab.go.id", "SELESAI 1A2B-3C4D-5E6F"},
		};
		static const demo_reply revoke[] = {
		    {"verifikasi_kasi", "agus.prasetyo@kuduskab.go.id", "SETUJU"},
		    {"kirim_pencabutan", "dewi.lestari@kuduskab.go.id", "TERUSKAN"},
		    {"permintaan_bsre", "dewi.lestari@kuduskab.go.id", "SELESAI"},
		};
		g_autoptr(GPtrArray) outs = store_outbox_list(store, NULL, &e);
		dispo_time t = cli->now;
		int64_t after = 0;
		g_autoptr(GBytes) rev = NULL;
		g_autoptr(GPtrArray) reqs = NULL;
		const char *rev_number = NULL;

		if (!outs)
			goto fail;
		for (guint i = 0; i < outs->len; i++)
			after = MAX(after, ((dispo_outbox_row *)outs->pdata[i])->id);
		printf("\n");
		if (!play(cli, store, &opt, inbox, number, sop067, G_N_ELEMENTS(sop067), &t, &after,
		          &e))
			goto fail;
		say(cli, t, "the certificate is in the register (dispo certificates list)");

		printf("\nRevocation, a month later:\n");
		t += 30 * 86400;
		rev = cli_sample_revocation(0, t, cli->config->tz);
		say(cli, t,
		    "Budi Santoso asks to revoke his certificate (\"Permohonan Pencabutan\")");
		if (!arrive(cli, store, &opt, inbox, rev, t, &e))
			goto fail;
		if (!(reqs = store_requests_list(store, &e)))
			goto fail;
		for (guint i = 0; i < reqs->len; i++)
			if (strcmp(((dispo_request_row *)reqs->pdata[i])->workflow, "pencabutan") ==
			    0)
				rev_number = ((dispo_request_row *)reqs->pdata[i])->number;
		if (!rev_number) {
			cli_error(cli, "the revocation opened no request (see dispo requests list "
			               "--refused)");
			return EX_SOFTWARE;
		}
		say(cli, t, "  request %s opened (only holders of a certificate may ask)",
		    rev_number);
		if (!print_sent(cli, store, &after, t, &e) ||
		    !play(cli, store, &opt, inbox, rev_number, revoke, G_N_ELEMENTS(revoke), &t,
		          &after, &e))
			goto fail;
		say(cli, t, "the register marks the certificate revoked");
	}

	printf("\n");
	rc = cli_request_print(cli, store, number);
	printf("\nLook around: %s/inbox (Maildir), %s/outbox (what dispo sent, Maildir),\n"
	       "%s/mail (raw messages by SHA-256), %s/attachments (decoded files),\n"
	       "%s/dispo.db (SQLite). See what is stored with\n",
	       dir, dir, dir, dir, dir);
	{
		g_autofree char *default_dir = g_build_filename(cwd, "var", NULL);
		if (strcmp(dir, default_dir) == 0) {
			printf("  %s requests list        (or --format json)\n", cli->program);
		} else {
			/* Elsewhere than ./var, a configuration says where. */
			g_autofree char *conf = g_build_filename(dir, "dispo.conf", NULL);
			g_autofree char *text = g_strdup_printf(
			    "# written by dispo demo\n[general]\ndata_dir = %s\n[policy]\n"
			    "require_authentication = false\n",
			    dir);
			if (!dispo_file_write_atomic(conf, text, strlen(text), 0644, &e))
				goto fail;
			printf("  %s --config %s requests list\n", cli->program, conf);
		}
	}
	return rc;
fail:
	cli_error(cli, "%s", e->message);
	return cli_exit_code(e);
}
