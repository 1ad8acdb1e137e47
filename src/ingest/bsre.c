/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bsre.c: BSrE's own notices ("Sertifikat Elektronik Telah Terbit"): what
 * they say about the holder and the certificate, which request waiting at
 * BSrE they are about (by NIK and email, and the tag when BSrE kept one; a
 * revocation's by its certificate's holder and serial),
 * and the end of that request's BSrE stage. A notice that fits no request,
 * or several, goes to the administrator: it is never guessed. */
#include "config.h"

#include "ingest/ingest-private.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
intake_bsre_notice_free(dispo_bsre_notice *n)
{
	if (!n)
		return;
	g_free(n->name);
	g_free(n->nik);
	g_free(n->email);
	g_free(n->serial);
	g_free(n->valid_from);
	g_free(n->valid_until);
	g_free(n);
}

bool
intake_bsre_sender(const dispo_ingest *ing, const dispo_mail *mail)
{
	const char *from;

	if (mail->from->len != 1)
		return false;
	from = ((const dispo_mailbox *)mail->from->pdata[0])->address;
	for (char **s = ing->config->bsre_senders; from && s && *s; s++)
		if (g_ascii_strcasecmp(*s, from) == 0)
			return true;
	return false;
}

/* The notice's sender is configured, so the agency-domain list does not
 * apply to it (BSrE writes from its own go.id domain); every other sender
 * and authentication check does. */
static bool
sender_clean(const dispo_verdict *v)
{
	for (guint i = 0; i < v->reasons->len; i++) {
		const char *code = ((const dispo_reason *)v->reasons->pdata[i])->code;
		if (strcmp(code, "sender_domain_not_agency") == 0)
			continue;
		if (g_str_has_prefix(code, "sender_") || g_str_has_prefix(code, "auth_"))
			return false;
	}
	return v->address != NULL;
}

static const char *const months[][12] = {
    {"januari", "februari", "maret", "april", "mei", "juni", "juli", "agustus", "september",
     "oktober", "november", "desember"},
    {"january", "february", "march", "april", "may", "june", "july", "august", "september",
     "october", "november", "december"},
    {"jan", "feb", "mar", "apr", "mei", "jun", "jul", "agu", "sep", "okt", "nov", "des"},
    {"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"},
};

static int
month_number(const char *word, size_t len)
{
	for (size_t t = 0; t < G_N_ELEMENTS(months); t++)
		for (int m = 0; m < 12; m++)
			if (strlen(months[t][m]) == len &&
			    g_ascii_strncasecmp(word, months[t][m], len) == 0)
				return m + 1;
	return 0;
}

/* The dates in text, as yyyy-mm-dd, in order: 2028-11-23, 23-11-2028,
 * 23/11/2028, 23.11.2028 and "23 November 2028" (Indonesian or English,
 * month names in full or short). At most two are kept. */
static GPtrArray *
dates_read(const char *text)
{
	GPtrArray *out = g_ptr_array_new_with_free_func(g_free);
	const char *p = text;

	while (*p && out->len < 2) {
		int a = 0, b = 0, c = 0, y = 0, m = 0, d = 0;
		int used = 0;
		if (!g_ascii_isdigit(*p) || (p > text && g_ascii_isdigit(p[-1]))) {
			p++;
			continue;
		}
		if (sscanf(p, "%4d-%2d-%2d%n", &a, &b, &c, &used) == 3 && used == 10)
			y = a, m = b, d = c;
		else if ((sscanf(p, "%2d-%2d-%4d%n", &a, &b, &c, &used) == 3 ||
		          sscanf(p, "%2d/%2d/%4d%n", &a, &b, &c, &used) == 3 ||
		          sscanf(p, "%2d.%2d.%4d%n", &a, &b, &c, &used) == 3) &&
		         c >= 1000)
			d = a, m = b, y = c;
		else {
			const char *q = p, *w;
			while (g_ascii_isdigit(*q) && q - p < 2)
				q++;
			if (q > p && *q == ' ') {
				d = atoi(p);
				w = ++q;
				while (g_ascii_isalpha(*q))
					q++;
				m = month_number(w, q - w);
				if (m && *q == ' ' && g_ascii_isdigit(q[1]) &&
				    sscanf(q + 1, "%4d", &y) == 1 && y >= 1000) {
					used = (int)(q + 5 - p);
				} else {
					m = 0;
				}
			}
		}
		if (used && g_date_valid_dmy(d, m, y)) {
			g_ptr_array_add(out, g_strdup_printf("%04d-%02d-%02d", y, m, d));
			p += used;
		} else {
			p++;
		}
	}
	return out;
}

/* Digits only: "3319 0112 0385 0001" is the NIK 3319011203850001. */
static char *
digits_only(const char *s)
{
	GString *out = g_string_new(NULL);

	for (; s && *s; s++)
		if (g_ascii_isdigit(*s))
			g_string_append_c(out, *s);
	return g_string_free(out, out->len == 0);
}

/* A serial as BSrE prints it: letters, digits, ':' and '-' (with a digit),
 * 4 to 128 long. */
static char *
serial_clean(const char *s)
{
	size_t n;
	bool digit = false;

	if (!s)
		return NULL;
	n = strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789:-");
	for (size_t i = 0; i < n; i++)
		digit |= g_ascii_isdigit(s[i]);
	return n >= 4 && n <= 128 && digit ? g_strndup(s, n) : NULL;
}

dispo_bsre_notice *
intake_bsre_read(const dispo_mail *mail)
{
	/* The labels BSrE's notices use, Indonesian and English; the form
	 * reader folds case, spaces and punctuation ("No. Seri", "E-mail"). */
	static const char *const labels[] = {"Nama",
	                                     "Nama Pemilik",
	                                     "NIK",
	                                     "Email",
	                                     "Nomor Seri",
	                                     "No Seri",
	                                     "Serial Number",
	                                     "Serial",
	                                     "SN",
	                                     "Berlaku",
	                                     "Masa Berlaku",
	                                     "Berlaku Sampai",
	                                     "Berlaku Hingga",
	                                     "Valid",
	                                     "Valid Until",
	                                     "Validity",
	                                     NULL};
	g_autoptr(GHashTable) form = policy_form_parse(mail->body ? mail->body : "", labels);
	dispo_bsre_notice *n = g_new0(dispo_bsre_notice, 1);
	const char *v;
	const char *subject = mail->subject ? mail->subject : "";
	g_autofree char *lower = g_utf8_strdown(subject, -1);

#define FIRST(a, b, c)                                                                             \
	((v = g_hash_table_lookup(form, a)) || (v = g_hash_table_lookup(form, b)) ||               \
	 (v = g_hash_table_lookup(form, c)))
	if (FIRST("Nama", "Nama Pemilik", "Nama"))
		n->name = g_strdup(v);
	if ((v = g_hash_table_lookup(form, "NIK")))
		n->nik = digits_only(v);
	if ((v = g_hash_table_lookup(form, "Email")) && strchr(v, '@')) {
		n->email = g_ascii_strdown(v, -1);
		g_strstrip(n->email);
	}
	if (FIRST("Nomor Seri", "No Seri", "Serial Number") || FIRST("Serial", "SN", "SN"))
		n->serial = serial_clean(v);
	if (FIRST("Berlaku", "Masa Berlaku", "Berlaku Sampai") ||
	    FIRST("Berlaku Hingga", "Valid Until", "Validity") ||
	    FIRST("Valid", "Valid", "Valid")) {
		g_autoptr(GPtrArray) dates = dates_read(v);
		if (dates->len == 2) {
			n->valid_from = g_strdup(dates->pdata[0]);
			n->valid_until = g_strdup(dates->pdata[1]);
		} else if (dates->len == 1) {
			n->valid_until = g_strdup(dates->pdata[0]);
		}
	}
#undef FIRST
	/* What the notice announces, from its subject: an issuance
	 * ("Telah Terbit", "issued") or a revocation ("Dicabut", "revoked"). */
	if (strstr(lower, "cabut") || strstr(lower, "revok"))
		n->kind = DISPO_RECORD_REVOCATION;
	else if (strstr(lower, "terbit") || strstr(lower, "issued"))
		n->kind = DISPO_RECORD_CERTIFICATE;
	return n;
}

/* The form's NIK of a request, digits only, or NULL. */
static char *
request_nik(const dispo_request_row *row)
{
	g_autoptr(JsonParser) parser = json_parser_new();
	JsonObject *d = intake_received_detail(row, parser);
	JsonObject *form;

	if (!d || !json_object_has_member(d, "form") ||
	    !JSON_NODE_HOLDS_OBJECT(json_object_get_member(d, "form")))
		return NULL;
	form = json_object_get_object_member(d, "form");
	return digits_only(json_object_get_string_member_with_default(form, "NIK", NULL));
}

/* The step of wf at which BSrE is waited for whose SELESAI records `kind`
 * (DISPO_RECORD_NONE: any). */
static const dispo_rules_step *
bsre_step(const dispo_rules_workflow *wf, const char *name, dispo_rules_record kind)
{
	const dispo_rules_step *s = name ? rules_step_get(wf, name) : NULL;
	const dispo_rules_transition *t;

	if (!s || s->is_end || g_strcmp0(s->wait, "bsre") != 0 ||
	    !(t = rules_transition_get(s, DISPO_CMD_DONE)))
		return NULL;
	return kind == DISPO_RECORD_NONE || t->record == kind ? s : NULL;
}

/* Whom a notice about the request is about, and what BSrE knows of them:
 * for an issuance, the applicant and the form's NIK. A revocation is about
 * the certificate's holder (the applicant, or the holder a superior asked
 * for), whose NIK is the one the issuing request gave BSrE (a revocation's
 * form has none) and whose certificate has the register's serial. */
static bool
notice_subject(dispo_ingest *ing, const dispo_bsre_notice *n, const dispo_request_row *row,
               char **email, char **nik, char **serial, GError **error)
{
	g_autoptr(JsonParser) parser = json_parser_new();
	g_autoptr(dispo_certificate_row) cert = NULL;
	g_autoptr(dispo_request_row) issuing = NULL;
	g_autoptr(GError) e = NULL;
	JsonObject *d;
	const char *target = NULL;

	*email = *nik = *serial = NULL;
	if (n->kind != DISPO_RECORD_REVOCATION) {
		*email = g_strdup(row->applicant);
		*nik = request_nik(row);
		return true;
	}
	if ((d = intake_received_detail(row, parser)) && json_object_has_member(d, "target"))
		target = json_object_get_string_member_with_default(d, "target", NULL);
	*email = g_strdup(target ? target : row->applicant);
	if (!(cert = store_certificate_issued_to(ing->store, *email, &e))) {
		if (!g_error_matches(e, DISPO_STORE_ERROR, DISPO_STORE_ERROR_NOT_FOUND)) {
			g_propagate_error(error, g_steal_pointer(&e));
			return false;
		}
		return true;
	}
	*serial = g_strdup(cert->serial);
	if (!cert->request)
		return true;
	if (!(issuing = store_request_get(ing->store, cert->request, error)))
		return false;
	*nik = request_nik(issuing);
	return true;
}

/* Whether the request id waits at BSrE for this kind of notice
 * (*waiting, with *number), and whether every identifier the notice gives
 * agrees with it (*fits; false when the notice gives none). */
static bool
request_fits(dispo_ingest *ing, const dispo_bsre_notice *n, int64_t id, bool *waiting, bool *fits,
             char **number, GError **error)
{
	g_autoptr(dispo_progress) prog = store_progress_get(ing->store, id, error);
	g_autoptr(dispo_request_row) row = NULL;
	g_autofree char *email = NULL;
	g_autofree char *nik = NULL;
	g_autofree char *serial = NULL;
	const dispo_rules_workflow *wf;

	*waiting = *fits = false;
	*number = NULL;
	if (!prog)
		return false;
	wf = rules_workflow_get(ing->opt.rules, prog->workflow);
	if (!wf || !bsre_step(wf, prog->step, n->kind))
		return true;
	if (!(row = store_request_get(ing->store, prog->number, error)))
		return false;
	*waiting = true;
	*number = g_strdup(prog->number);
	if (!notice_subject(ing, n, row, &email, &nik, &serial, error))
		return false;
	/* A serial is only compared for a revocation: at an issuance the
	 * notice brings it. */
	*fits = (n->email || n->nik) &&
	        (!n->email || (email && g_ascii_strcasecmp(n->email, email) == 0)) &&
	        (!n->nik || g_strcmp0(n->nik, nik) == 0) &&
	        (!n->serial || !serial || g_ascii_strcasecmp(n->serial, serial) == 0);
	return true;
}

/* The requests the notice fits: the tagged one when the subject names one
 * (it must still agree with what the notice says, if it says anything),
 * else every request waiting at BSrE that fits. */
static GArray *
candidates(dispo_ingest *ing, const pending_item *p, GPtrArray *numbers, GError **error)
{
	const dispo_bsre_notice *n = p->verdict->notice;
	g_autoptr(GArray) ids = g_array_new(false, false, sizeof(int64_t));
	int64_t tagged = 0;

	if (!intake_request_by_tag(ing, p->mail->subject, &tagged, error))
		return NULL;
	if (tagged) {
		bool waiting, fits;
		char *number;
		if (!request_fits(ing, n, tagged, &waiting, &fits, &number, error))
			return NULL;
		if (waiting && (fits || (!n->email && !n->nik))) {
			g_array_append_val(ids, tagged);
			g_ptr_array_add(numbers, number);
		} else {
			g_free(number);
		}
		return g_steal_pointer(&ids);
	}
	if (!n->email && !n->nik)
		return g_steal_pointer(&ids);
	for (guint w = 0; w < rules_workflows(ing->opt.rules)->len; w++) {
		const dispo_rules_workflow *wf = rules_workflows(ing->opt.rules)->pdata[w];
		for (guint s = 0; s < wf->steps->len; s++) {
			const dispo_rules_step *step = wf->steps->pdata[s];
			g_autoptr(GArray) at = NULL;
			if (!bsre_step(wf, step->name, n->kind))
				continue;
			if (!(at = store_requests_at_step(ing->store, wf->name, step->name, error)))
				return NULL;
			for (guint i = 0; i < at->len; i++) {
				int64_t id = g_array_index(at, int64_t, i);
				char *number;
				bool waiting, fits;
				if (!request_fits(ing, n, id, &waiting, &fits, &number, error))
					return NULL;
				if (fits) {
					g_array_append_val(ids, id);
					g_ptr_array_add(numbers, number);
				} else {
					g_free(number);
				}
			}
		}
	}
	return g_steal_pointer(&ids);
}

/* Why a notice was not acted on: a code the template turns into a
 * sentence (why_<code> is true in its data), and one for the log. */
typedef struct {
	const char *code;
	const char *log;
} not_acted;

static const not_acted UNVERIFIED = {"unverified", "it failed the sender or authentication checks"};
static const not_acted NO_MATCH = {
    "no_match", "no request waiting at BSrE agrees with its NIK, email and serial"};
static const not_acted NO_IDS = {"no_ids", "it names no NIK, email or request number"};
static const not_acted SEVERAL = {"several", "several requests waiting at BSrE fit it"};
static const not_acted NO_SERIAL = {"no_serial", "it gives no certificate serial number"};

/* The administrator hears of a notice dispo did not act on, with what it
 * read and why, so that a person decides. A genuine one is never held
 * back: it goes to the office, not to the sender, and each matters. */
static bool
tell_admin(dispo_ingest *ing, const pending_item *p, const not_acted *why, GPtrArray *numbers,
           int64_t message_id, GError **error)
{
	const dispo_bsre_notice *n = p->verdict->notice;
	const GPtrArray *wfs = rules_workflows(ing->opt.rules);
	const dispo_rules_workflow *wf = wfs->len ? wfs->pdata[0] : NULL;
	const char *admin = ing->config->admin_address;
	g_autoptr(JsonBuilder) b = json_builder_new();
	g_autoptr(JsonNode) data = NULL;
	g_autofree char *received =
	    intake_date_text(p->arrived, ing->config->tz, ing->config->language);
	bool allowed;

	g_message("BSrE notice <%s> not acted on: %s",
	          p->mail->message_id ? p->mail->message_id : "", why->log);
	if (!admin || !wf)
		return true;
	/* A notice that may be forged is limited like any answer: anyone can
	 * write one, and the administrator must not be flooded. */
	if (!intake_answer_allowed(ing, wf, admin, p->arrived, why == &UNVERIFIED, &allowed, error))
		return false;
	if (!allowed)
		return true;
	json_builder_begin_object(b);
	{
		g_autofree char *member = g_strconcat("why_", why->code, NULL);
		json_builder_set_member_name(b, member);
		json_builder_add_boolean_value(b, true);
	}
	intake_json_string(b, "subject", p->mail->subject ? p->mail->subject : "");
	intake_json_string(b, "from",
	                   p->verdict->address ? p->verdict->address : p->verdict->answer_to);
	intake_json_string(b, "received_at", received);
	intake_json_string(b, "message_sha256", p->sha256);
	intake_json_string(b, "mailbox", wf->mailbox);
	intake_json_string(b, "name", n->name);
	intake_json_string(b, "nik", n->nik);
	intake_json_string(b, "email", n->email);
	intake_json_string(b, "serial", n->serial);
	intake_json_string(b, "valid_from", n->valid_from);
	intake_json_string(b, "valid_until", n->valid_until);
	json_builder_set_member_name(b, "requests");
	json_builder_begin_array(b);
	for (guint i = 0; numbers && i < numbers->len; i++)
		json_builder_add_string_value(b, numbers->pdata[i]);
	json_builder_end_array(b);
	json_builder_set_member_name(b, "has_requests");
	json_builder_add_boolean_value(b, numbers && numbers->len > 0);
	json_builder_end_object(b);
	data = json_builder_get_root(b);
	{
		dispo_answer a = {
		    .template = "bsre_tidak_cocok",
		    .kind = "notice",
		    .to = admin,
		    .data = data,
		    .answers_message = message_id,
		    .at = p->arrived,
		    .generated = true,
		};
		return intake_answer(ing, wf, &a, NULL, NULL, error);
	}
}

bool
intake_bsre_commit(dispo_ingest *ing, pending_item *p, int64_t message_id, GError **error)
{
	const dispo_bsre_notice *n = p->verdict->notice;
	g_autoptr(GPtrArray) numbers = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GArray) ids = NULL;
	g_autoptr(dispo_wf_result) res = NULL;
	dispo_wf_event ev = {.kind = DISPO_WF_BSRE, .at = p->arrived, .actor = "bsre"};
	int64_t id;

	if (!sender_clean(p->verdict))
		return tell_admin(ing, p, &UNVERIFIED, NULL, message_id, error);
	if (!(ids = candidates(ing, p, numbers, error)))
		return false;
	if (ids->len == 0)
		return tell_admin(ing, p, n->email || n->nik ? &NO_MATCH : &NO_IDS, NULL,
		                  message_id, error);
	if (ids->len > 1)
		return tell_admin(ing, p, &SEVERAL, numbers, message_id, error);
	if (n->kind != DISPO_RECORD_REVOCATION && !n->serial)
		return tell_admin(ing, p, &NO_SERIAL, numbers, message_id, error);
	id = g_array_index(ids, int64_t, 0);
	ev.serial = n->serial;
	ev.valid_from = n->valid_from;
	ev.valid_until = n->valid_until;
	if (!intake_workflow_event(ing, id, &ev, message_id, p->mail, &res, error))
		return false;
	if (res->moved && n->kind != DISPO_RECORD_REVOCATION && (n->valid_from || n->valid_until) &&
	    !store_certificate_set_validity(ing->store, id, n->valid_from, n->valid_until, error))
		return false;
	return true;
}
