/* SPDX-License-Identifier: GPL-3.0-or-later */
/* forward.c: applications that someone else forwarded (the office's tata
 * usaha, a colleague): whose they are, read from the forwarded message, and
 * where the answers go.
 *
 * Whom to trust. Everything inside a forwarded message, its From, Date,
 * Received: and Authentication-Results: included, is text the forwarder
 * sent: anyone with one mailbox can write a "forwarded" message from
 * anyone. So a forward is believed only as far as what the forwarder
 * cannot forge vouches for it:
 *  1. our own MX authenticated the forwarder, who passes the very sender
 *     checks a direct applicant must (one .go.id agency address) and whom
 *     the register does not list as gone (a retired employee's mailbox that
 *     still works is the forwarder to fear most);
 *  2. the applicant the forwarded message names (its From; for an inline
 *     forward, whose From is only text, also the form's Email dinas) is an
 *     agency address that our register lists as active;
 *  3. the acknowledgement goes To that address, the forwarder only in Cc,
 *     and says who forwarded it and what to do if the applicant never did.
 * An attacker holding one valid mailbox can thus fabricate an application
 * "from" a colleague, with forged scans. What they get: a request in the
 * colleague's name that the colleague hears of at once, at the address
 * the register holds for them, with the attacker's address named; officials
 * who review the documents before a letter is issued; and a certificate
 * whose account BSrE sends to the colleague's address, never to the
 * forwarder. What they cannot do: open a request for an address the
 * register does not list as active (forwards get no confirmation round
 * trip: the applicant would be asked to confirm a request they never
 * made), keep the request from the applicant, or send its answers
 * elsewhere (the forwarded message's Reply-To and To are never read).
 * What remains is a nuisance in a colleague's name, signed with the
 * attacker's own authenticated address. Forwards with several applicants
 * are refused rather than split, so that no answer speaks for two people. */
#include "config.h"

#include "ingest/ingest-private.h"

#include <string.h>

/* A forward of a forward of a forward is still a colleague passing it on;
 * deeper than this is not an office's habit. */
#define INLINE_DEPTH 4

void
forward_free(dispo_forwarding *f)
{
	if (!f)
		return;
	g_free(f->by);
	g_free(f->subject);
	g_free(f->message_id);
	g_free(f->date);
	g_free(f->cc);
	g_free(f);
}

static bool
form_has_fields(const dispo_rules_workflow *wf, const char *text)
{
	g_autoptr(GHashTable) form = NULL;

	if (!text || !wf->fields || !wf->fields[0])
		return false;
	form = policy_form_parse(text, (const char *const *)wf->fields);
	return g_hash_table_size(form) > 0;
}

/* One of the rules' own mailboxes: our email coming back, not someone's
 * application. */
static bool
address_ours(const dispo_rules *rules, const char *address)
{
	for (guint w = 0; address && w < rules_workflows(rules)->len; w++) {
		const dispo_rules_workflow *wf = rules_workflows(rules)->pdata[w];
		const char *at = strrchr(wf->mailbox, '@');
		const char *aat = strrchr(address, '@');
		size_t local = at ? (size_t)(at - wf->mailbox) : 0;
		if (at && aat && g_ascii_strcasecmp(aat, at) == 0 &&
		    g_ascii_strncasecmp(address, wf->mailbox, local) == 0 &&
		    (address[local] == '@' || address[local] == '+'))
			return true;
	}
	return false;
}

/* The sender attached a file meeting a requirement: their own application,
 * whatever else it carries. */
static bool
own_documents(const dispo_rules_workflow *wf, const dispo_mail *mail)
{
	const GPtrArray *reqs = wf->requirements;
	g_autofree dispo_requirement *r = g_new0(dispo_requirement, reqs->len + 1);
	g_autoptr(GPtrArray) scratch = policy_reasons_new();
	g_autoptr(GPtrArray) docs = NULL;

	for (guint i = 0; i < reqs->len; i++) {
		const dispo_rules_requirement *q = reqs->pdata[i];
		r[i] = (dispo_requirement){q->name, q->title, (const char *const *)q->types,
		                           q->max_size, (const char *const *)q->keywords};
	}
	docs = policy_documents_check_depth(mail, 0, r, reqs->len, scratch);
	for (guint i = 0; i < docs->len; i++)
		if (((dispo_document *)docs->pdata[i])->requirement)
			return true;
	return false;
}

/* The innermost of nested inline forwards whose text is the application:
 * each colleague who passed it on wrote only a note. */
static dispo_inline_forward *
inline_forward(const dispo_rules_workflow *wf, const dispo_mail *mail)
{
	dispo_inline_forward *f =
	    policy_inline_forward_find(mail->body, ingest_subject_forwarded(mail->subject));

	for (int i = 1; f && i < INLINE_DEPTH && !form_has_fields(wf, f->text); i++) {
		dispo_inline_forward *inner = policy_inline_forward_find(f->text, true);
		if (!inner)
			break;
		policy_inline_forward_free(f);
		f = inner;
	}
	return f;
}

/* address as an applicant's: an agency address, in the checked form
 * (domain in lower-case ASCII); else NULL with forward_applicant_not_agency. */
static char *
applicant_check(dispo_ingest *ing, dispo_verdict *v, const char *address)
{
	g_autoptr(GPtrArray) why = policy_reasons_new();
	char *ascii = NULL;

	if (policy_address_check(address, ing->config->agency_domains, &ascii, why))
		return ascii;
	g_free(ascii);
	policy_reason_add(v->reasons, "forward_applicant_not_agency", address,
	                  "the forwarded message is from %s, which cannot apply: %s", address,
	                  why->len ? ((dispo_reason *)why->pdata[0])->detail
	                           : "not an agency address");
	return NULL;
}

/* The applicant of messages forwarded as attachments: the one From they
 * all share. The form is the first one's that has one. */
static char *
attached_applicant(dispo_ingest *ing, dispo_verdict *v, const dispo_mail *mail, const char **body)
{
	g_autofree char *applicant = NULL;
	bool several = false, unreadable = false, refused = false;

	*body = NULL;
	for (guint i = 0; i < mail->forwards->len; i++) {
		const dispo_forward *f = mail->forwards->pdata[i];
		g_autofree char *a = NULL;
		if (!*body && form_has_fields(v->workflow, f->body))
			*body = f->body;
		if (f->from->len != 1) {
			if (!unreadable)
				policy_reason_add(v->reasons, "forward_from_missing", f->subject,
				                  "the forwarded message (part %s) has %s",
				                  f->part_id,
				                  f->from->len ? "several From addresses"
				                               : "no readable From address");
			unreadable = true;
			continue;
		}
		if (refused)
			continue;
		a = applicant_check(ing, v, ((dispo_mailbox *)f->from->pdata[0])->address);
		refused = !a;
		if (a && !applicant)
			applicant = g_steal_pointer(&a);
		else if (a && g_ascii_strcasecmp(a, applicant) != 0 && !several) {
			g_autofree char *both = g_strdup_printf("%s, %s", applicant, a);
			policy_reason_add(v->reasons, "forward_several_applicants", both,
			                  "the forwarded messages are from different people: %s",
			                  both);
			several = true;
		}
	}
	if (!*body && mail->forwards->len)
		*body = ((dispo_forward *)mail->forwards->pdata[0])->body;
	return unreadable || refused || several ? NULL : g_steal_pointer(&applicant);
}

static bool
forward_reasons(const GPtrArray *reasons)
{
	for (guint i = 0; i < reasons->len; i++)
		if (g_str_has_prefix(((dispo_reason *)reasons->pdata[i])->code, "forward_"))
			return true;
	return false;
}

/* The form's Email dinas must name the applicant; an inline forward's has
 * to be there, since only it and the text's From say who that is. */
static void
email_dinas_check(dispo_ingest *ing, dispo_verdict *v, const char *applicant, bool required)
{
	const char *value = v->form ? g_hash_table_lookup(v->form, "Email dinas") : NULL;
	g_autoptr(GPtrArray) scratch = policy_reasons_new();
	g_autofree char *ascii = NULL;

	if (!value || !*value) {
		if (!required)
			return;
		/* Said once, with why it matters, not also as a missing field. */
		for (guint i = v->reasons->len; i-- > 0;)
			if (strcmp(((dispo_reason *)v->reasons->pdata[i])->code,
			           "field_missing_email_dinas") == 0)
				g_ptr_array_remove_index(v->reasons, i);
		policy_reason_add(
		    v->reasons, "forward_email_missing", applicant,
		    "the forwarded form has no Email dinas to confirm that %s applies", applicant);
		return;
	}
	policy_address_check(value, NULL, &ascii, scratch);
	if (g_ascii_strcasecmp(ascii ? ascii : value, applicant) != 0)
		policy_reason_add(
		    v->reasons, "forward_email_mismatch", value,
		    "the forwarded form names %s but the forwarded message is from %s", value,
		    applicant);
}

bool
forward_judge(dispo_ingest *ing, dispo_verdict *v, const dispo_mail *mail, dispo_time arrived)
{
	const dispo_rules_workflow *wf = v->workflow;
	g_autoptr(dispo_inline_forward) in = NULL;
	g_autofree char *applicant = NULL;
	dispo_forwarding *f;
	const char *body = NULL;
	bool attached;

	/* The sender's own form or documents make it the sender's own
	 * application, whatever it quotes or carries besides. */
	if (form_has_fields(wf, mail->body))
		return false;
	attached = mail->forwards->len > 0;
	if (attached ? own_documents(wf, mail) : !(in = inline_forward(wf, mail)))
		return false;
	if (attached) {
		for (guint i = 0; i < mail->forwards->len; i++) {
			const dispo_forward *fw = mail->forwards->pdata[i];
			if (fw->from->len == 1 &&
			    address_ours(ing->opt.rules,
			                 ((dispo_mailbox *)fw->from->pdata[0])->address))
				return false;
		}
	} else if (address_ours(ing->opt.rules, in->address)) {
		return false;
	}

	f = v->forwarded = g_new0(dispo_forwarding, 1);
	f->how = attached ? "attached" : "inline";
	f->by = g_strdup(v->address ? v->address : v->answer_to);
	if (attached) {
		const dispo_forward *first = mail->forwards->pdata[0];
		f->subject = g_strdup(first->subject);
		f->message_id = g_strdup(first->message_id);
		if (first->date)
			f->date = dispo_time_format_iso8601(first->date, ing->config->tz);
	} else {
		f->subject = g_strdup(in->subject);
		f->date = g_strdup(in->date);
	}
	/* The forwarder answers for the forward as a sender answers for an
	 * application: otherwise nothing in it is believed. */
	if (!intake_sender_clean(v))
		policy_reason_add(
		    v->reasons, "forward_forwarder_refused", f->by,
		    "%s forwarded the application but does not pass the sender checks",
		    f->by ? f->by : "the sender");
	g_clear_pointer(&v->address, g_free);

	if (attached) {
		applicant = attached_applicant(ing, v, mail, &body);
	} else if (!in->address) {
		policy_reason_add(v->reasons, "forward_from_missing", in->from,
		                  "the forwarded text names no single sender address%s%s",
		                  in->from ? ": " : "", in->from ? in->from : "");
	} else {
		applicant = applicant_check(ing, v, in->address);
	}
	if (!attached)
		body = in->text;

	intake_documents_judge(v, mail, attached ? 1 : 0);
	intake_form_judge(v, body, arrived);
	if (applicant)
		email_dinas_check(ing, v, applicant, !attached);
	/* Established: the application is the applicant's (the register has
	 * its say at commit). */
	if (applicant && !forward_reasons(v->reasons))
		v->address = g_steal_pointer(&applicant);
	return true;
}

/* The register lists the address as active, up to date, and our mail to
 * it has not bounced since it last proved live; else *why says what is
 * wrong. A confirmed but unlisted address is not enough here. */
static bool
applicant_listed(dispo_ingest *ing, const pending_item *p, const char *address, char **why,
                 GError **error)
{
	g_autoptr(dispo_employee) emp = NULL;
	int64_t max_age = ing->config->register_max_age_ms / 1000;
	dispo_time listed = 0, bounced = 0, confirmed = 0;

	*why = NULL;
	if (!store_employee_find_by_email(ing->store, address, &emp, error))
		return false;
	if (!emp || strcmp(emp->status, DISPO_EMPLOYEE_UNLISTED) == 0) {
		*why = g_strdup_printf("the employee register does not list %s", address);
		return true;
	}
	if (strcmp(emp->status, DISPO_EMPLOYEE_ACTIVE) != 0) {
		*why =
		    g_strdup_printf("the employee register lists %s as %s", address, emp->status);
		return true;
	}
	if (max_age && !store_employee_listed_at(ing->store, emp->nip, &listed, error))
		return false;
	if (max_age && listed + max_age < p->arrived) {
		*why = g_strdup_printf("the register last listed %s too long ago", address);
		return true;
	}
	if (!store_address_bounced_at(ing->store, address, &bounced, error) ||
	    !store_address_confirmed_at(ing->store, address, &confirmed, error))
		return false;
	if (bounced && bounced >= confirmed)
		*why = g_strdup_printf("our email to %s bounced", address);
	return true;
}

bool
forward_commit(dispo_ingest *ing, pending_item *p, GError **error)
{
	dispo_verdict *v = p->verdict;
	dispo_forwarding *f = v->forwarded;
	g_autoptr(dispo_employee) by = NULL;

	if (!f)
		return true;
	/* A mailbox outliving its owner's job is the forwarder to fear most. */
	if (f->by && !store_employee_find_by_email(ing->store, f->by, &by, error))
		return false;
	if (by && strcmp(by->status, DISPO_EMPLOYEE_ACTIVE) != 0 &&
	    strcmp(by->status, DISPO_EMPLOYEE_UNLISTED) != 0)
		policy_reason_add(v->reasons, "forward_forwarder_not_active", by->status,
		                  "the employee register lists the forwarder %s as %s", f->by,
		                  by->status);
	if (v->address) {
		g_autofree char *why = NULL;
		if (!applicant_listed(ing, p, v->address, &why, error))
			return false;
		if (why)
			policy_reason_add(v->reasons, "forward_applicant_not_active", v->address,
			                  "%s", why);
	}
	/* The acknowledgement must reach the applicant: a forward nobody may
	 * answer (a null sender) opens nothing. */
	if (v->address && !v->answer_to)
		policy_reason_add(v->reasons, "forward_no_reply_address", f->by,
		                  "the forward has a null sender, so nobody could be told");
	if (forward_reasons(v->reasons)) {
		/* Not established: the forwarder alone hears why. */
		g_clear_pointer(&v->address, g_free);
		return true;
	}
	if (!v->address)
		return true;
	/* Every answer about it goes to the applicant, a copy to the forwarder. */
	g_free(v->answer_to);
	v->answer_to = g_ascii_strdown(v->address, -1);
	if (f->by && g_ascii_strcasecmp(f->by, v->address) != 0)
		f->cc = g_ascii_strdown(f->by, -1);
	return true;
}

void
forward_detail_add(JsonBuilder *b, const dispo_forwarding *f)
{
	if (!f)
		return;
	json_builder_set_member_name(b, "forwarded");
	json_builder_begin_object(b);
	intake_json_string(b, "by", f->by);
	intake_json_string(b, "how", f->how);
	intake_json_string(b, "subject", f->subject);
	intake_json_string(b, "message_id", f->message_id);
	intake_json_string(b, "date", f->date);
	intake_json_string(b, "cc", f->cc);
	json_builder_end_object(b);
}
