/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ingest.c: the intake pipeline: spool and hash, keep the raw bytes, parse
 * once, classify, and commit a batch of messages, their attachments and the
 * requests they open in one transaction. */
#include "config.h"

#include "ingest/ingest-private.h"

#include <errno.h>
#include <stdarg.h>
#include <json-glib/json-glib.h>
#include <string.h>
#include <unistd.h>

/* clang-format off */
G_DEFINE_QUARK(dispo-ingest-error-quark, dispo_ingest_error)
/* clang-format on */

bool
ingest_error_is_temporary(const GError *e)
{
	if (!e)
		return false;
	return (e->domain == DISPO_STORE_ERROR && e->code == DISPO_STORE_ERROR_TEMPORARY) ||
	       (e->domain == DISPO_IO_ERROR && e->code == DISPO_IO_ERROR_TEMPORARY) ||
	       (e->domain == DISPO_MIME_ERROR && e->code == DISPO_MIME_ERROR_TEMPORARY) ||
	       (e->domain == DISPO_INGEST_ERROR && e->code == DISPO_INGEST_ERROR_TEMPORARY);
}

static void
pending_item_free(pending_item *p)
{
	mime_mail_free(p->mail);
	intake_verdict_free(p->verdict);
	reply_bounce_free(p->bounce);
	g_free(p->excerpt);
	g_free(p->source);
	g_free(p);
}

dispo_ingest *
ingest_new(const dispo_config *config, dispo_store *store, const dispo_ingest_options *options)
{
	dispo_ingest *ing = g_new0(dispo_ingest, 1);

	ing->config = config;
	ing->store = store;
	ing->opt = *options;
	if (ing->opt.batch == 0)
		ing->opt.batch = 1;
	ing->attachment_dir = g_build_filename(config->data_dir, "attachments", NULL);
	ing->mail_dir = g_build_filename(config->data_dir, "mail", NULL);
	ing->pending = g_ptr_array_new_with_free_func((GDestroyNotify)pending_item_free);
	ing->pending_shas = g_hash_table_new(g_str_hash, g_str_equal);
	ing->opened = g_ptr_array_new_with_free_func(g_free);
	ing->source = g_strdup(ing->opt.source);
	ing->outcome = g_string_new(NULL);
	/* Temporary files older than an hour belong to no running intake: a
	 * crash left them. */
	{
		g_autofree char *spool_tmp = g_build_filename(ing->mail_dir, "tmp", NULL);
		g_autofree char *part_tmp = g_build_filename(ing->attachment_dir, "tmp", NULL);
		dispo_tmp_sweep(spool_tmp, ing->opt.now - 3600);
		dispo_tmp_sweep(part_tmp, ing->opt.now - 3600);
	}
	return ing;
}

void
ingest_free(dispo_ingest *ing)
{
	if (!ing)
		return;
	g_hash_table_destroy(ing->pending_shas);
	g_ptr_array_unref(ing->pending);
	g_ptr_array_unref(ing->opened);
	g_free(ing->attachment_dir);
	g_free(ing->mail_dir);
	g_free(ing->source);
	g_free(ing->cp_source);
	g_string_free(ing->outcome, TRUE);
	if (ing->reason_texts)
		g_key_file_unref(ing->reason_texts);
	workflow_calendar_free(ing->calendar);
	g_free(ing);
}

const dispo_ingest_stats *
ingest_stats(const dispo_ingest *ing)
{
	return &ing->stats;
}

GPtrArray *
ingest_opened(const dispo_ingest *ing)
{
	return ing->opened;
}

/* The time a message is judged at: --now, else for stored mail the newest
 * Received: (or Date:, or the file's time), else the clock. */
static dispo_time
arrival_time(const dispo_ingest *ing, const dispo_mail *mail, dispo_time file_time)
{
	if (ing->opt.now_override)
		return ing->opt.now_override;
	if (!ing->opt.use_received)
		return ing->opt.now;
	if (mail->received)
		return mail->received;
	if (mail->date)
		return mail->date;
	return file_time ? file_time : ing->opt.now;
}

static char *
event_detail(const pending_item *p)
{
	g_autoptr(JsonBuilder) b = json_builder_new();
	g_autoptr(JsonGenerator) gen = json_generator_new();
	g_autoptr(JsonNode) root = NULL;

	json_builder_begin_object(b);
	json_builder_set_member_name(b, "message_sha256");
	json_builder_add_string_value(b, p->sha256);
	json_builder_set_member_name(b, "subject");
	json_builder_add_string_value(b, p->mail->subject ? p->mail->subject : "");
	json_builder_set_member_name(b, "attachments");
	json_builder_add_int_value(b, p->mail->attachments->len);
	json_builder_end_object(b);
	root = json_builder_get_root(b);
	json_generator_set_root(gen, root);
	return json_generator_to_data(gen, NULL);
}

static const char *
first_address(const dispo_mail *mail)
{
	return mail->from->len ? ((dispo_mailbox *)mail->from->pdata[0])->address : NULL;
}

/* Stores one pending message; *delta counts what the commit will make true. */
static bool
commit_item(dispo_ingest *ing, pending_item *p, dispo_ingest_stats *delta, GPtrArray *opened,
            GError **error)
{
	dispo_mail *mail = p->mail;
	dispo_message_row row = {0};
	g_autofree char *applicant = NULL;
	bool inserted;

	memcpy(row.sha256, p->sha256, sizeof row.sha256);
	row.size = p->size;
	row.source = p->source;
	row.status = mime_mail_status_name(mail->status);
	row.problem = mail->problem;
	row.kind = p->kind;
	row.message_id = mail->message_id;
	row.in_reply_to = mail->in_reply_to;
	row.from_addr = first_address(mail);
	row.from_count = mail->from->len;
	row.subject = mail->subject;
	row.date = mail->date;
	row.arrived_at = p->arrived;
	row.stored_at = ing->opt.now;
	if (!store_message_insert(ing->store, &row, &inserted, error))
		return false;
	if (!inserted) {
		delta->duplicate++;
		ingest_outcome_add(ing, "duplicate");
		return true;
	}
	ingest_outcome_add(ing, "%s", p->kind);
	if (mail->status != DISPO_MAIL_PARSED)
		ingest_outcome_add(ing, "(%s)", row.status);
	for (guint i = 0; i < mail->attachments->len; i++) {
		const dispo_attachment *a = mail->attachments->pdata[i];
		dispo_attachment_row ar = {i + 1,   a->part_id, a->filename, a->content_type,
		                           a->size, a->sha256,  a->depth};
		if (!store_attachment_insert(ing->store, row.id, &ar, error))
			return false;
	}
	switch (mail->status) {
	case DISPO_MAIL_PARSED: delta->stored++; break;
	case DISPO_MAIL_OVER_LIMIT: delta->over_limit++; break;
	case DISPO_MAIL_UNPARSEABLE: delta->unparseable++; break;
	}
	if (p->verdict)
		return intake_commit(ing, p, row.id, opened, delta, error);
	if (ing->opt.rules && strcmp(p->kind, "bounce") == 0)
		return intake_bounce_commit(ing, p, row.id, error);
	if (ing->opt.rules && strcmp(p->kind, "auto_reply") == 0)
		return intake_auto_reply_commit(ing, p, row.id, error);
	if (mail->status != DISPO_MAIL_PARSED || strcmp(p->kind, "application") != 0)
		return true;

	applicant = g_ascii_strdown(first_address(mail), -1);
	{
		g_autofree char *detail = event_detail(p);
		g_autofree char *number = NULL;
		dispo_event_new ev = {p->arrived, applicant, "received", detail, row.id, NULL};
		int64_t earlier = 0;

		/* The same application by another route (its bytes differ by a
		 * Received: line): the Message-ID is the second key. It is noted
		 * on the request it opened, and opens none. */
		if (mail->message_id &&
		    !store_request_find_by_message_id(ing->store, mail->message_id, applicant,
		                                      &earlier, error))
			return false;
		if (earlier) {
			ev.kind = "received_again";
			return store_event_append(ing->store, earlier, &ev, error);
		}
		if (!store_request_open(ing->store, ing->config->workflow, ing->config->tag,
		                        dispo_time_year(p->arrived, ing->config->tz), "received",
		                        applicant, row.id, &ev, &number, error))
			return false;
		g_ptr_array_add(opened, g_steal_pointer(&number));
		delta->requests++;
	}
	return true;
}

/* One message at a time (deliver) syncs each file as it goes; a batch
 * (import) syncs the file systems once before its commit. */
static bool
batched(const dispo_ingest *ing)
{
	return ing->opt.batch > 1;
}

static bool
deferred_sync(dispo_ingest *ing, GError **error)
{
	if (!batched(ing))
		return true;
	if (!store_sync(ing->store, error))
		return false;
	/* store_sync covered the raw messages' file system; the attachments
	 * may live on another. */
	if (g_file_test(ing->attachment_dir, G_FILE_TEST_IS_DIR) &&
	    !dispo_same_fs(ing->attachment_dir, ing->mail_dir))
		return dispo_syncfs(ing->attachment_dir, error);
	return true;
}

void
ingest_checkpoint_set(dispo_ingest *ing, const char *source, uint32_t uidvalidity,
                      uint32_t last_uid)
{
	g_free(ing->cp_source);
	ing->cp_source = g_strdup(source); /* NULL: none */
	ing->cp_uidvalidity = uidvalidity;
	ing->cp_uid = last_uid;
}

void
ingest_outcome_add(dispo_ingest *ing, const char *fmt, ...)
{
	va_list ap;

	if (ing->outcome->len)
		g_string_append_c(ing->outcome, ' ');
	va_start(ap, fmt);
	g_string_append_vprintf(ing->outcome, fmt, ap);
	va_end(ap);
}

const char *
ingest_outcome(const dispo_ingest *ing)
{
	return ing->outcome->str;
}

void
ingest_set_now(dispo_ingest *ing, dispo_time now)
{
	ing->opt.now = now;
}

/* The checkpoint rides in the batch's transaction: committed with the
 * messages it passes, or not at all. */
static bool
checkpoint_write(dispo_ingest *ing, GError **error)
{
	if (!ing->cp_source)
		return true;
	return store_imap_checkpoint_set(ing->store, ing->cp_source, ing->cp_uidvalidity,
	                                 ing->cp_uid, ing->opt.now, error);
}

bool
ingest_flush(dispo_ingest *ing, GError **error)
{
	dispo_ingest_stats delta = {0};
	g_autoptr(GPtrArray) opened = g_ptr_array_new_with_free_func(g_free);

	if (ing->pending->len == 0) {
		/* A duplicate passed: only the checkpoint moves. */
		if (!ing->cp_source)
			return true;
		if (!store_begin(ing->store, error))
			return false;
		if (!checkpoint_write(ing, error)) {
			store_rollback(ing->store);
			return false;
		}
		if (!store_commit(ing->store, error))
			return false;
		g_clear_pointer(&ing->cp_source, g_free);
		return true;
	}
	/* A batch is made durable in one go: what the rows name must be on disk
	 * before they commit. */
	g_string_truncate(ing->outcome, 0);
	if (!deferred_sync(ing, error))
		goto fail;
	if (!store_begin(ing->store, error))
		goto fail;
	for (guint i = 0; i < ing->pending->len; i++)
		if (!commit_item(ing, ing->pending->pdata[i], &delta, opened, error)) {
			store_rollback(ing->store);
			goto fail;
		}
	/* Answers were spooled inside the transaction: with deferred sync,
	 * their bytes must be durable before the rows naming them commit. */
	if (ing->answered && batched(ing) && !store_sync(ing->store, error)) {
		store_rollback(ing->store);
		goto fail;
	}
	ing->answered = false;
	if (!checkpoint_write(ing, error)) {
		store_rollback(ing->store);
		goto fail;
	}
	if (!store_commit(ing->store, error))
		goto fail;
	g_clear_pointer(&ing->cp_source, g_free);
	if (delta.refused)
		ingest_outcome_add(ing, "refused");
	if (delta.awaiting)
		ingest_outcome_add(ing, "awaiting confirmation");
	if (delta.answers)
		ingest_outcome_add(ing, "answered");

	ing->stats.stored += delta.stored;
	ing->stats.duplicate += delta.duplicate;
	ing->stats.unparseable += delta.unparseable;
	ing->stats.over_limit += delta.over_limit;
	ing->stats.requests += delta.requests;
	ing->stats.refused += delta.refused;
	ing->stats.awaiting += delta.awaiting;
	ing->stats.answers += delta.answers;
	for (guint i = 0; i < opened->len; i++)
		g_ptr_array_add(ing->opened, g_strdup(opened->pdata[i]));
	g_hash_table_remove_all(ing->pending_shas);
	g_ptr_array_set_size(ing->pending, 0);
	return true;
fail:
	ing->answered = false;
	g_clear_pointer(&ing->cp_source, g_free);
	/* The raw messages are on disk already; a retry finds them and stores
	 * the rows, so nothing is lost and nothing doubles. */
	g_hash_table_remove_all(ing->pending_shas);
	g_ptr_array_set_size(ing->pending, 0);
	return false;
}

/* A message fully written to its spool: keep it, parse it, queue its rows. */
static bool
ingest_spooled(dispo_ingest *ing, dispo_spool *spool, dispo_time file_time, GError **error)
{
	g_autofree char *path = NULL;
	pending_item *p;
	int64_t existing;

	if (!store_spool_finish(spool, error))
		return false;
	ing->stats.messages++;
	ing->stats.bytes += store_spool_size(spool);
	if (g_hash_table_contains(ing->pending_shas, store_spool_sha256(spool))) {
		ing->stats.duplicate++;
		goto done;
	}
	if (!store_message_find(ing->store, store_spool_sha256(spool), &existing, error))
		return false;
	if (existing) {
		ing->stats.duplicate++;
		g_string_truncate(ing->outcome, 0);
		ingest_outcome_add(ing, "duplicate of message %" G_GINT64_FORMAT, existing);
		goto done;
	}
	if (!store_spool_commit(ing->store, spool, !batched(ing), error))
		return false;

	p = g_new0(pending_item, 1);
	g_strlcpy(p->sha256, store_spool_sha256(spool), sizeof p->sha256);
	p->size = store_spool_size(spool);
	p->source = g_strdup(ing->source);
	path = store_blob_path(ing->store, p->sha256);
	p->mail = mime_mail_parse_file_sync(path, &ing->config->limits, ing->attachment_dir,
	                                    !batched(ing), error);
	if (!p->mail) {
		pending_item_free(p);
		return false;
	}
	p->kind = ingest_classify(p->mail, &p->bounce);
	/* An official's fresh email naming a request ("[SE-2026-000001]
	 * SETUJU", without Re:) is a reply, unless it forwards something. */
	if (ing->opt.rules && strcmp(p->kind, "application") == 0 && !p->mail->forwarded &&
	    intake_subject_names_request(ing->opt.rules, p->mail->subject))
		p->kind = "reply";
	if (strcmp(p->kind, "auto_reply") == 0 && p->mail->body)
		p->excerpt =
		    g_utf8_substring(p->mail->body, 0, MIN(g_utf8_strlen(p->mail->body, -1), 500));
	p->arrived = arrival_time(ing, p->mail, file_time);
	if (ing->opt.rules && p->mail->status != DISPO_MAIL_UNPARSEABLE &&
	    (strcmp(p->kind, "application") == 0 || strcmp(p->kind, "reply") == 0))
		p->verdict = intake_judge(ing, p->mail, p->kind, p->arrived);
	/* The body is not kept in the batch: the raw message is the record. */
	g_clear_pointer(&p->mail->body, g_free);
	for (guint i = 0; i < p->mail->forwards->len; i++)
		g_clear_pointer(&((dispo_forward *)p->mail->forwards->pdata[i])->body, g_free);
	g_ptr_array_add(ing->pending, p);
	g_hash_table_add(ing->pending_shas, p->sha256);
	if (ing->pending->len >= ing->opt.batch && !ingest_flush(ing, error))
		return false;
done:
	if (ing->opt.progress)
		ing->opt.progress(&ing->stats, ing->opt.progress_user);
	return true;
}

/* How many leading bytes are the envelope, not the message: a UTF-8 byte
 * order mark and an mbox From_ line. They are not stored, so that the same
 * message hashes the same from deliver, a Maildir or an mbox. 0 when buf
 * does not hold a whole From_ line. */
static size_t
envelope_prefix(const char *buf, size_t len)
{
	size_t start = len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0 ? 3 : 0;
	const char *nl;

	if (len - start < 5 || memcmp(buf + start, "From ", 5) != 0)
		return start;
	nl = memchr(buf + start, '\n', len - start);
	return nl ? (size_t)(nl - buf) + 1 : start;
}

bool
ingest_bytes(dispo_ingest *ing, const void *data, size_t len, dispo_time file_time, GError **error)
{
	g_autoptr(dispo_spool) spool = store_spool_new(ing->store, error);
	size_t skip = envelope_prefix(data, len);

	if (!spool || !store_spool_write(spool, (const char *)data + skip, len - skip, error))
		return false;
	return ingest_spooled(ing, spool, file_time, error);
}

struct dispo_ingest_message {
	dispo_spool *spool;
};

dispo_ingest_message *
ingest_message_begin(dispo_ingest *ing, GError **error)
{
	dispo_spool *spool = store_spool_new(ing->store, error);
	dispo_ingest_message *msg;

	if (!spool)
		return NULL;
	msg = g_new0(dispo_ingest_message, 1);
	msg->spool = spool;
	return msg;
}

bool
ingest_message_write(dispo_ingest_message *msg, const void *data, size_t len, GError **error)
{
	return store_spool_write(msg->spool, data, len, error);
}

void
ingest_message_abort(dispo_ingest_message *msg)
{
	if (!msg)
		return;
	store_spool_free(msg->spool);
	g_free(msg);
}

bool
ingest_message_end(dispo_ingest *ing, dispo_ingest_message *msg, dispo_time file_time,
                   GError **error)
{
	bool ok = ingest_spooled(ing, msg->spool, file_time, error);

	ingest_message_abort(msg);
	return ok;
}

bool
ingest_fd_at(dispo_ingest *ing, int fd, dispo_time file_time, GError **error)
{
	g_autoptr(dispo_spool) spool = store_spool_new(ing->store, error);
	char buf[64 * 1024];
	size_t have = 0;
	bool first = true;

	if (!spool)
		return false;
	for (;;) {
		ssize_t n = read(fd, buf + have, sizeof buf - have);
		size_t skip = 0;
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			g_set_error(error, DISPO_INGEST_ERROR, DISPO_INGEST_ERROR_NO_INPUT,
			            "cannot read the message: %s", g_strerror(errno));
			return false;
		}
		have += (size_t)n;
		/* The envelope prefix is judged on a first block holding its line. */
		if (first && n > 0 && have < sizeof buf && !memchr(buf, '\n', have))
			continue;
		if (first) {
			skip = envelope_prefix(buf, have);
			first = false;
		}
		if (!store_spool_write(spool, buf + skip, have - skip, error))
			return false;
		have = 0;
		if (n == 0)
			break;
	}
	return ingest_spooled(ing, spool, file_time, error);
}

bool
ingest_fd(dispo_ingest *ing, int fd, GError **error)
{
	return ingest_fd_at(ing, fd, 0, error);
}

void
ingest_set_source(dispo_ingest *ing, const char *path)
{
	g_free(ing->source);
	ing->source = g_strdup_printf("%s:%s", ing->opt.source, path);
}

void
ingest_uncount_file(dispo_ingest *ing)
{
	ing->stats.files--;
}

void
ingest_count_file(dispo_ingest *ing, bool failed)
{
	if (failed)
		ing->stats.failed++;
	else
		ing->stats.files++;
}
