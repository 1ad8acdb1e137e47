/* SPDX-License-Identifier: GPL-3.0-or-later */
/* delivery.c: what dispo does when one of its emails will never arrive (the
 * server refused it, retries ran out, or it bounced): the request's record
 * says so, and the administrator is told by email. */
#include "config.h"

#include "ingest/ingest-private.h"

#include <string.h>

/* The workflow whose mailbox sends the notice: the request's, else the
 * first one's. */
static const dispo_rules_workflow *
notice_workflow(dispo_ingest *ing, const dispo_request_row *request)
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
	g_autoptr(dispo_request_row) request = NULL;
	g_autofree char *detail = failure_detail(row, why);
	const dispo_rules_workflow *wf;
	const char *admin = ing->config->admin_address;

	if (row->request) {
		dispo_event_new ev = {at,     "dispo", "email_failed",
		                      detail, 0,       rules_version(ing->opt.rules)};
		request = store_request_get(ing->store, row->request, error);
		if (!request || !store_event_append(ing->store, request->id, &ev, error))
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
		    .request_id = request ? request->id : 0,
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
