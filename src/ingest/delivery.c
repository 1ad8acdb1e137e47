/* SPDX-License-Identifier: GPL-3.0-or-later */
/* delivery.c: what comes back about dispo's emails. One that will never
 * arrive (the server refused it, retries ran out, or it bounced) is recorded
 * on its request and the administrator told by email; a bounced answer to
 * an applicant makes the address not active; an official's vacation notice
 * is noted on the step it answers. None of them moves a request. */
#include "config.h"

#include "ingest/ingest-private.h"

#include <string.h>

/* The workflow whose mailbox sends the notice: the request's, else the
 * first one's. */
static const dispo_rules_workflow *
notice_workflow(dispo_ingest *ing, const dispo_progress *request)
{
	const GPtrArray *wfs;

	if (!ing->opt.rules)
		return NULL;
	if (request) {
		const dispo_rules_workflow *wf =
		    rules_workflow_get(ing->opt.rules, request->workflow);
		if (wf)
			return wf;
	}
	wfs = rules_workflows(ing->opt.rules);
	return wfs->len ? wfs->pdata[0] : NULL;
}

static char *
failure_detail(const dispo_outbox_row *row, const char *why)
{
	g_autoptr(JsonBuilder) b = json_builder_new();

	json_builder_begin_object(b);
	json_builder_set_member_name(b, "outbox");
	json_builder_add_int_value(b, row->id);
	intake_json_string(b, "to", row->to_addr);
	intake_json_string(b, "message_id", row->message_id);
	intake_json_string(b, "kind", row->kind);
	intake_json_string(b, "template", row->template_name);
	intake_json_string(b, "step", row->step);
	intake_json_string(b, "why", why);
	json_builder_end_object(b);
	return intake_json_text(b);
}

bool
ingest_delivery_failed(dispo_ingest *ing, const dispo_outbox_row *row, const char *why,
                       dispo_time at, GError **error)
{
	g_autoptr(dispo_progress) request = NULL;
	g_autofree char *detail = failure_detail(row, why);
	const dispo_rules_workflow *wf;
	const char *admin = ing->config->admin_address;
	int64_t request_id = 0;

	if (row->request && !store_request_id(ing->store, row->request, &request_id, error))
		return false;
	if (request_id) {
		dispo_event_new ev = {at,     "dispo", "email_failed",
		                      detail, 0,       rules_version(ing->opt.rules)};
		if (!(request = store_progress_get(ing->store, request_id, error)) ||
		    !store_event_append(ing->store, request_id, &ev, error))
			return false;
	}
	g_warning("email %" G_GINT64_FORMAT " to %s%s%s will not arrive: %s", (gint64)row->id,
	          row->to_addr, row->request ? " about " : "", row->request ? row->request : "",
	          why);
	/* A notice about a notice would chase itself: a failed notice to the
	 * administrator stays in the log and the outbox. */
	wf = notice_workflow(ing, request);
	if (!admin || !wf || g_strcmp0(row->kind, "delivery_failure") == 0 ||
	    g_ascii_strcasecmp(row->to_addr, admin) == 0)
		return true;
	{
		g_autoptr(JsonBuilder) b = json_builder_new();
		g_autoptr(JsonNode) data = NULL;
		g_autofree char *when =
		    intake_date_text(at, ing->config->tz, ing->config->language);
		dispo_answer ans = {
		    .template = "gagal_kirim",
		    .kind = "delivery_failure",
		    .to = admin,
		    .request_id = request_id,
		    .request = row->request,
		    .at = at,
		    .generated = true,
		};

		json_builder_begin_object(b);
		intake_json_string(b, "request", row->request);
		intake_json_string(b, "to", row->to_addr);
		intake_json_string(b, "why", why);
		intake_json_string(b, "kind", row->kind);
		intake_json_string(b, "step", row->step);
		intake_json_string(b, "message_id", row->message_id);
		intake_json_string(b, "when", when);
		intake_json_string(b, "mailbox", wf->mailbox);
		json_builder_set_member_name(b, "outbox");
		json_builder_add_int_value(b, row->id);
		json_builder_end_object(b);
		data = json_builder_get_root(b);
		ans.data = data;
		return intake_answer(ing, wf, &ans, NULL, NULL, error);
	}
}

/* The row a bounce is about, and how it was found: by a Message-ID the
 * bounce returns (only dispo and the recipient ever saw it), or by the
 * failed recipient's last email (any stranger can claim that). */
typedef struct bounced_row {
	dispo_outbox_row *row;
	bool by_message_id;
	const dispo_bounce_recipient *rcpt;
} bounced_row;

static const dispo_bounce_recipient *
recipient_for(const dispo_bounce *b, const char *address)
{
	for (guint i = 0; i < b->recipients->len; i++) {
		const dispo_bounce_recipient *r = b->recipients->pdata[i];
		if (r->address && g_ascii_strcasecmp(r->address, address) == 0)
			return r;
	}
	return NULL;
}

/* A NOT_FOUND from the store is "no such row", not a failure. */
static bool
not_found(GError **e, GError **error)
{
	if (!*e || g_error_matches(*e, DISPO_STORE_ERROR, DISPO_STORE_ERROR_NOT_FOUND)) {
		g_clear_error(e);
		return true;
	}
	g_propagate_error(error, g_steal_pointer(e));
	return false;
}

/* How long after sending a bounce without the returned Message-ID may
 * still be matched by its recipient alone. */
#define BOUNCE_WINDOW (5 * 86400)

static bool
bounced_rows(dispo_ingest *ing, const dispo_bounce *b, dispo_time arrived, GArray *found,
             GError **error)
{
	for (guint i = 0; i < b->message_ids->len; i++) {
		g_autoptr(GError) e = NULL;
		dispo_outbox_row *row = store_outbox_find(ing->store, b->message_ids->pdata[i], &e);
		bounced_row br = {row, true, NULL};
		if (!row) {
			if (!not_found(&e, error))
				return false;
			continue;
		}
		/* When the bounce names recipients, one of them must be the row's:
		 * a returned copy alone does not say who failed. */
		br.rcpt = recipient_for(b, row->to_addr);
		if (b->recipients->len > 0 && !br.rcpt) {
			store_outbox_row_free(row);
			continue;
		}
		g_array_append_val(found, br);
	}
	/* A bounce that returns a Message-ID not ours is about someone else's
	 * mail (a colleague's, from webmail), even to the same address. */
	if (found->len > 0 || b->message_ids->len > 0)
		return true;
	for (guint i = 0; i < b->recipients->len; i++) {
		const dispo_bounce_recipient *r = b->recipients->pdata[i];
		g_autoptr(GError) e = NULL;
		dispo_outbox_row *row =
		    r->address ? store_outbox_last_sent_to(ing->store, r->address, &e) : NULL;
		bounced_row br = {row, false, r};
		if (!row) {
			if (!not_found(&e, error))
				return false;
			continue;
		}
		/* Bounces come within days; an older email is not what failed. */
		if (row->sent_at + BOUNCE_WINDOW < arrived) {
			store_outbox_row_free(row);
			continue;
		}
		g_array_append_val(found, br);
	}
	return true;
}

static char *
bounce_why(const dispo_bounce_recipient *r)
{
	if (!r)
		return g_strdup("the email bounced");
	return g_strdup_printf("the email bounced%s%s%s%s", r->status ? ": " : "",
	                       r->status ? r->status : "", r->diagnostic ? " " : "",
	                       r->diagnostic ? r->diagnostic : "");
}

static bool
bounce_one(dispo_ingest *ing, pending_item *p, const bounced_row *br, int64_t message_id,
           GError **error)
{
	const dispo_outbox_row *row = br->row;
	const dispo_bounce_recipient *r = br->rcpt;
	g_autofree char *why = bounce_why(r);
	/* The email will not arrive when the MTA gave up ("failed", even with a
	 * 4.x status: r->permanent follows the status class), or when a
	 * non-standard bounce says nothing either way. */
	bool permanent =
	    !r || r->permanent || (!r->action && !r->status) || g_strcmp0(r->action, "failed") == 0;
	static const char *const applicant_kinds[] = {"acknowledgement", "confirmation", "refusal"};

	if (!permanent) {
		g_autofree char *detail = failure_detail(row, why);
		dispo_event_new ev = {p->arrived, "dispo",    "email_delayed",
		                      detail,     message_id, rules_version(ing->opt.rules)};
		int64_t request_id = 0;
		if (row->request && !store_request_id(ing->store, row->request, &request_id, error))
			return false;
		return !request_id || store_event_append(ing->store, request_id, &ev, error);
	}
	if (strcmp(row->state, "failed") == 0)
		return true; /* told once is enough */
	if (!store_outbox_mark_bounced(ing->store, row->id, why, error) ||
	    !ingest_delivery_failed(ing, row, why, p->arrived, error))
		return false;
	if (!br->by_message_id)
		return true;
	for (size_t k = 0; k < G_N_ELEMENTS(applicant_kinds); k++)
		if (g_strcmp0(row->kind, applicant_kinds[k]) == 0)
			return store_address_bounced(ing->store, row->to_addr, p->arrived, row->id,
			                             message_id, r ? r->status : NULL, error);
	return true;
}

bool
intake_bounce_commit(dispo_ingest *ing, pending_item *p, int64_t message_id, GError **error)
{
	g_autoptr(GArray) found = g_array_new(false, true, sizeof(bounced_row));
	bool ok = true;

	if (!p->bounce)
		return true;
	if (!bounced_rows(ing, p->bounce, p->arrived, found, error))
		ok = false;
	for (guint i = 0; ok && i < found->len; i++)
		ok = bounce_one(ing, p, &g_array_index(found, bounced_row, i), message_id, error);
	for (guint i = 0; i < found->len; i++)
		store_outbox_row_free(g_array_index(found, bounced_row, i).row);
	if (ok && found->len == 0)
		g_message("a bounce (%s) about no email dispo knows; kept as received",
		          p->bounce->format);
	return ok;
}

bool
intake_auto_reply_commit(dispo_ingest *ing, pending_item *p, int64_t message_id, GError **error)
{
	const dispo_mail *mail = p->mail;
	g_autoptr(dispo_outbox_row) row = NULL;
	g_autoptr(dispo_progress) prog = NULL;
	g_autoptr(JsonBuilder) b = json_builder_new();
	g_autofree char *detail = NULL;
	const char *from =
	    mail->from->len ? ((dispo_mailbox *)mail->from->pdata[0])->address : NULL;
	const char *id;
	int64_t request_id = 0;

	/* The email it answers (In-Reply-To, References), which must have gone
	 * to its sender: anyone can write "[SE-…]" in a subject. */
	for (guint i = 0; !row && (id = mime_mail_thread_id(mail, i)); i++) {
		g_autoptr(GError) e = NULL;
		if (!(row = store_outbox_find(ing->store, id, &e)) && !not_found(&e, error))
			return false;
		if (row && (!from || g_ascii_strcasecmp(row->to_addr, from) != 0))
			g_clear_pointer(&row, store_outbox_row_free);
	}
	if (!row || !row->request)
		return true;
	if (!store_request_id(ing->store, row->request, &request_id, error))
		return false;
	if (!request_id)
		return true;
	if (!(prog = store_progress_get(ing->store, request_id, error)))
		return false;
	json_builder_begin_object(b);
	intake_json_string(b, "from", from);
	intake_json_string(b, "step", row->step ? row->step : prog->step);
	intake_json_string(b, "subject", mail->subject);
	intake_json_string(b, "text", p->excerpt);
	json_builder_end_object(b);
	detail = intake_json_text(b);
	{
		dispo_event_new ev = {p->arrived,   from ? from : "unknown",
		                      "auto_reply", detail,
		                      message_id,   rules_version(ing->opt.rules)};
		return store_event_append(ing->store, request_id, &ev, error);
	}
}
