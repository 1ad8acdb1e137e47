/* SPDX-License-Identifier: GPL-3.0-or-later */
/* status.c: "STATUS" or "CEK" (alone, or with a request number) is a
 * question, not an application: the applicant, a role holder or the
 * administrator is told where the request is, who holds it, since when and
 * against which time standard; anyone else gets nothing. */
#include "config.h"

#include "ingest/ingest-private.h"
#include "reply/reply.h"

#include <string.h>

/* At most this many requests in one answer. */
#define STATUS_MAX 20

/* Words that may stand beside STATUS/CEK in a question ("Cek status
 * permohonan saya SE-2026-000001?"). Anything else makes the line a
 * sentence, or a form field such as "Status: PNS", not a question. */
static const char *const filler[] = {
    "status", "cek",        "check",       "permohonan", "pengajuan", "sertifikat", "elektronik",
    "saya",   "kami",       "mohon",       "tolong",     "info",      "informasi",  "nomor",
    "no",     "nomer",      "request",     "requests",   "my",        "the",        "of",
    "please", "pak",        "bu",          "bapak",      "ibu",       "dong",       "ya",
    "sudah",  "sampai",     "mana",        "bagaimana",  "gimana",    "where",      "is",
    "what",   "untuk",      "atas",        "an",         "a",         "for",        "tte",
    "bsre",   "registrasi", "pendaftaran", "pencabutan", "apa",       "apakah",     "kabar",
};

static bool
is_filler(const char *w, size_t n)
{
	for (size_t i = 0; i < G_N_ELEMENTS(filler); i++)
		if (strlen(filler[i]) == n && g_ascii_strncasecmp(w, filler[i], n) == 0)
			return true;
	return false;
}

/* TAG-2026-000123 (capital letters, a year, digits) starting at p, its
 * length or 0. */
static size_t
number_at(const char *p)
{
	const char *q = p;
	size_t letters = 0, year = 0, digits = 0;

	while (g_ascii_isupper(*q) && letters < 8)
		q++, letters++;
	if (!letters || *q++ != '-')
		return 0;
	while (g_ascii_isdigit(*q))
		q++, year++;
	if (year != 4 || *q++ != '-')
		return 0;
	while (g_ascii_isdigit(*q) && digits < 12)
		q++, digits++;
	if (!digits || g_ascii_isalnum(*q))
		return 0;
	return (size_t)(q - p);
}

/* Whether line (to its \n) is only filler words, request numbers and
 * punctuation. */
static bool
line_is_question(const char *line)
{
	const char *p = line;

	while (*p && *p != '\n') {
		size_t n = number_at(p);
		if (n && (p == line || !g_ascii_isalnum(p[-1]))) {
			p += n;
			continue;
		}
		if (g_ascii_isalnum(*p)) {
			const char *b = p;
			while (g_ascii_isalnum(*p))
				p++;
			if (!is_filler(b, p - b))
				return false;
			continue;
		}
		/* Anything else: spaces, punctuation, an emoji — but not ':' right
		 * after the first word, which is a form field's label. */
		if (*p == ':' && p > line && g_ascii_isalpha(p[-1]) && !strchr(line, ' '))
			return false;
		p = g_utf8_next_char(p);
	}
	return true;
}

char *
intake_status_query(const dispo_mail *mail)
{
	static const char *const words[] = {"STATUS", "CEK", "CHECK", NULL};
	static const char *const canon[] = {"status", "status", "status", NULL};
	g_autofree char *visible = NULL;
	g_autofree char *command = NULL;
	g_autofree char *argument = NULL;
	const char *first;

	/* A question carries no documents: anything attached but a small
	 * inline picture (a signature logo) makes it something else. */
	for (guint i = 0; i < mail->attachments->len; i++) {
		const dispo_attachment *a = mail->attachments->pdata[i];
		if (a->depth > 0 || g_strcmp0(a->disposition, "inline") != 0 ||
		    !g_str_has_prefix(a->content_type ? a->content_type : "", "image/"))
			return NULL;
	}
	visible = reply_visible_text(mail->body ? mail->body : "");
	if (reply_command_find(visible, words, canon, &command, &argument) != DISPO_REPLY_COMMAND)
		return NULL;
	/* The question is the line the word is on; what follows (thanks, a
	 * name) does not matter. */
	first = argument ? argument : "";
	if (!line_is_question(first))
		return NULL;
	return g_strndup(first, strcspn(first, "\n"));
}

/* ---- answering ------------------------------------------------------------ */

/* "10 menit", "1 hari kerja", "2 jam" / "10 minutes", "1 working day". */
static char *
sla_text(int64_t ms, const char *lang)
{
	bool en = g_strcmp0(lang, "en") == 0;
	int64_t min = ms / 60000;

	if (ms <= 0)
		return NULL;
	if (min % (7 * 24 * 60) == 0)
		return g_strdup_printf(en ? "%" G_GINT64_FORMAT " working week%s"
		                          : "%" G_GINT64_FORMAT " minggu kerja%s",
		                       min / (7 * 24 * 60), en && min != 7 * 24 * 60 ? "s" : "");
	if (min % (24 * 60) == 0)
		return g_strdup_printf(en ? "%" G_GINT64_FORMAT " working day%s"
		                          : "%" G_GINT64_FORMAT " hari kerja%s",
		                       min / (24 * 60), en && min != 24 * 60 ? "s" : "");
	if (min % 60 == 0)
		return g_strdup_printf(en ? "%" G_GINT64_FORMAT " hour%s"
		                          : "%" G_GINT64_FORMAT " jam%s",
		                       min / 60, en && min != 60 ? "s" : "");
	return g_strdup_printf(en ? "%" G_GINT64_FORMAT " minute%s"
	                          : "%" G_GINT64_FORMAT " menit%s",
	                       min, en && min != 1 ? "s" : "");
}

typedef enum {
	ASKER_NONE = 0,
	ASKER_APPLICANT = 1,
	ASKER_HOLDER = 2, /* holds (or deputises for) some role of the rules */
	ASKER_ADMIN = 4,
} asker_kind;

static bool
asker_of(dispo_ingest *ing, const char *address, dispo_time at, unsigned *kind, GPtrArray *roles,
         GError **error)
{
	const GPtrArray *all = rules_roles(ing->opt.rules);

	*kind = ASKER_NONE;
	if (ing->config->admin_address &&
	    g_ascii_strcasecmp(ing->config->admin_address, address) == 0)
		*kind |= ASKER_ADMIN;
	for (guint i = 0; i < all->len; i++) {
		const dispo_rules_role *r = all->pdata[i];
		bool allowed = false;
		if (!store_role_may_act(ing->store, r->key, address, at, ing->config->tz, &allowed,
		                        NULL, error))
			return false;
		if (allowed) {
			*kind |= ASKER_HOLDER;
			g_ptr_array_add(roles, r->key);
		}
	}
	return true;
}

bool
intake_address_may_see(dispo_ingest *ing, const char *address, const char *applicant, dispo_time at,
                       bool *ok, GError **error)
{
	g_autoptr(GPtrArray) roles = g_ptr_array_new();
	unsigned kind;

	*ok = applicant && address && g_ascii_strcasecmp(applicant, address) == 0;
	if (*ok || !address)
		return true;
	if (!asker_of(ing, address, at, &kind, roles, error))
		return false;
	*ok = (kind & (ASKER_HOLDER | ASKER_ADMIN)) != 0;
	return true;
}

/* One request in the answer. */
static bool
entry_add(dispo_ingest *ing, JsonBuilder *b, int64_t id, dispo_time now, GError **error)
{
	const char *lang = ing->config->language;
	g_autoptr(dispo_progress) prog = store_progress_get(ing->store, id, error);
	const dispo_rules_workflow *wf;
	const dispo_rules_step *step;
	g_autoptr(GPtrArray) holders = NULL;
	g_autoptr(GString) names = g_string_new(NULL);

	if (!prog)
		return false;
	wf = rules_workflow_get(ing->opt.rules, prog->workflow);
	step = wf && prog->step ? rules_step_get(wf, prog->step) : NULL;
	if (step && step->role &&
	    !(holders = store_role_holders(ing->store, step->role, now, ing->config->tz, error)))
		return false;
	for (guint i = 0; holders && i < holders->len; i++) {
		const dispo_employee *e = holders->pdata[i];
		g_string_append_printf(names, "%s%s", names->len ? ", " : "",
		                       e->name ? e->name : e->email);
	}
	json_builder_begin_object(b);
	intake_json_string(b, "number", prog->number);
	intake_json_string(b, "workflow", wf ? wf->title : prog->workflow);
	if (!prog->step) {
		/* Not started: waiting for the applicant's confirmation. */
		intake_json_string(b, "step",
		                   g_strcmp0(lang, "en") == 0
		                       ? "waiting for the address to be confirmed"
		                       : "menunggu konfirmasi alamat email pemohon");
	} else {
		intake_json_string(b, "step", step ? step->title : prog->step);
	}
	json_builder_set_member_name(b, "closed");
	json_builder_add_boolean_value(b, step && step->is_end);
	if (step && !step->is_end) {
		const dispo_rules_role *role =
		    step->role ? rules_role_get(ing->opt.rules, step->role) : NULL;
		g_autofree char *since =
		    prog->step_entered ? intake_date_text(prog->step_entered, ing->config->tz, lang)
		                       : NULL;
		g_autofree char *sla = sla_text(step->sla_ms, lang);
		g_autofree char *due =
		    prog->due_at ? intake_date_text(prog->due_at, ing->config->tz, lang) : NULL;
		intake_json_string(b, "role", role ? role->title : step->role);
		intake_json_string(b, "holders", names->len ? names->str : NULL);
		intake_json_string(b, "since", since);
		intake_json_string(b, "sla", sla);
		intake_json_string(b, "due_at", due);
		json_builder_set_member_name(b, "late");
		json_builder_add_boolean_value(b, prog->due_at && now > prog->due_at);
	} else if (step) {
		g_autofree char *since =
		    prog->step_entered ? intake_date_text(prog->step_entered, ing->config->tz, lang)
		                       : NULL;
		intake_json_string(b, "since", since);
	}
	json_builder_end_object(b);
	return true;
}

/* The status email to the asker, listing ids and the numbers not found. */
static bool
answer(dispo_ingest *ing, const pending_item *p, GArray *ids, GPtrArray *unknown, unsigned more,
       int64_t message_id, GError **error)
{
	const GPtrArray *wfs = rules_workflows(ing->opt.rules);
	const dispo_rules_workflow *wf = p->verdict->workflow;
	g_autoptr(JsonBuilder) b = json_builder_new();
	g_autoptr(JsonNode) data = NULL;
	g_autofree char *asked =
	    intake_date_text(p->arrived, ing->config->tz, ing->config->language);
	g_autoptr(dispo_progress) prog = NULL;
	bool allowed;

	if (!wf)
		wf = wfs->len ? wfs->pdata[0] : NULL;
	if (!wf)
		return true;
	if (!intake_answer_allowed(ing, wf, p->verdict->answer_to, p->arrived, true, &allowed,
	                           error))
		return false;
	if (!allowed)
		return true;
	json_builder_begin_object(b);
	intake_json_string(b, "mailbox", wf->mailbox);
	intake_json_string(b, "asked_at", asked);
	json_builder_set_member_name(b, "requests");
	json_builder_begin_array(b);
	for (guint i = 0; i < ids->len; i++)
		if (!entry_add(ing, b, g_array_index(ids, int64_t, i), p->arrived, error))
			return false;
	json_builder_end_array(b);
	json_builder_set_member_name(b, "unknown");
	json_builder_begin_array(b);
	for (guint i = 0; unknown && i < unknown->len; i++)
		json_builder_add_string_value(b, unknown->pdata[i]);
	json_builder_end_array(b);
	if (more) {
		json_builder_set_member_name(b, "more");
		json_builder_add_int_value(b, more);
	}
	json_builder_set_member_name(b, "none");
	json_builder_add_boolean_value(b, ids->len == 0 && (!unknown || unknown->len == 0));
	if (ids->len == 1) {
		if (!(prog = store_progress_get(ing->store, g_array_index(ids, int64_t, 0), error)))
			return false;
		intake_json_string(b, "number", prog->number);
	}
	json_builder_end_object(b);
	data = json_builder_get_root(b);
	{
		dispo_answer a = {
		    .template = "status",
		    .kind = "status",
		    .to = p->verdict->answer_to,
		    .request_id = prog ? prog->id : 0,
		    .request = prog ? prog->number : NULL,
		    .data = data,
		    .answers = p->mail,
		    .answers_message = message_id,
		    .at = p->arrived,
		};
		return intake_answer(ing, wf, &a, NULL, NULL, error);
	}
}

static bool
may_see(dispo_ingest *ing, unsigned kind, const char *address, int64_t id, bool *ok, GError **error)
{
	g_autoptr(dispo_progress) prog = NULL;

	*ok = (kind & (ASKER_ADMIN | ASKER_HOLDER)) != 0;
	if (*ok)
		return true;
	if (!(prog = store_progress_get(ing->store, id, error)))
		return false;
	*ok = g_ascii_strcasecmp(prog->applicant, address) == 0;
	return true;
}

static void
ids_add(GArray *ids, int64_t id)
{
	for (guint i = 0; i < ids->len; i++)
		if (g_array_index(ids, int64_t, i) == id)
			return;
	g_array_append_val(ids, id);
}

/* Without a number: the applicant's own requests, a holder's queue (the
 * requests at steps of their roles), the administrator's every open one;
 * newest last, at most STATUS_MAX (*more counts the rest). */
static bool
default_requests(dispo_ingest *ing, unsigned kind, const char *address, GPtrArray *roles,
                 GArray *ids, unsigned *more, GError **error)
{
	g_autoptr(GArray) all = g_array_new(false, false, sizeof(int64_t));
	const GPtrArray *wfs = rules_workflows(ing->opt.rules);

	if (kind & ASKER_APPLICANT) {
		g_autoptr(GArray) own = store_requests_by_applicant(ing->store, address, error);
		if (!own)
			return false;
		for (guint i = 0; i < own->len; i++)
			ids_add(all, g_array_index(own, int64_t, i));
	}
	for (guint w = 0; (kind & (ASKER_HOLDER | ASKER_ADMIN)) && w < wfs->len; w++) {
		const dispo_rules_workflow *wf = wfs->pdata[w];
		for (guint s = 0; s < wf->steps->len; s++) {
			const dispo_rules_step *step = wf->steps->pdata[s];
			g_autoptr(GArray) at = NULL;
			bool mine = false;
			if (step->is_end)
				continue;
			for (guint r = 0; roles && r < roles->len && !mine; r++)
				mine = g_strcmp0(step->role, roles->pdata[r]) == 0;
			if (!mine && !(kind & ASKER_ADMIN))
				continue;
			if (!(at = store_requests_at_step(ing->store, wf->name, step->name, error)))
				return false;
			for (guint i = 0; i < at->len; i++)
				ids_add(all, g_array_index(at, int64_t, i));
		}
	}
	*more = all->len > STATUS_MAX ? all->len - STATUS_MAX : 0;
	for (guint i = *more; i < all->len; i++)
		g_array_append_val(ids, g_array_index(all, int64_t, i));
	return true;
}

bool
intake_status_commit(dispo_ingest *ing, pending_item *p, int64_t message_id, GError **error)
{
	dispo_verdict *v = p->verdict;
	g_autoptr(GArray) ids = g_array_new(false, false, sizeof(int64_t));
	g_autoptr(GPtrArray) unknown = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GPtrArray) roles = g_ptr_array_new();
	g_autoptr(GArray) own = NULL;
	g_autoptr(dispo_token_row) t = NULL;
	g_autoptr(GError) e = NULL;
	unsigned kind, more = 0;
	bool named = false;

	/* No answer to mail that may be forged, nor to nobody. */
	if (!intake_sender_clean(v) || !v->answer_to)
		return true;
	if (!asker_of(ing, v->address, p->arrived, &kind, roles, error) ||
	    !(own = store_requests_by_applicant(ing->store, v->address, error)))
		return false;
	if (own->len)
		kind |= ASKER_APPLICANT;
	if (kind == ASKER_NONE)
		return true;

	/* Which request: the numbers in the question, else the one the
	 * message answers (token, thread, tag), else the asker's list. */
	for (const char *q = v->status_query; *q; q++) {
		size_t n = number_at(q);
		int64_t id = 0;
		g_autofree char *number = NULL;
		bool ok = false;
		if (!n || (q > v->status_query && g_ascii_isalnum(q[-1])))
			continue;
		named = true;
		number = g_strndup(q, n);
		q += n - 1;
		if (!store_request_id(ing->store, number, &id, error) ||
		    (id && !may_see(ing, kind, v->address, id, &ok, error)))
			return false;
		/* Someone else's request is "not found", like one that does
		 * not exist: the answer tells nothing about it. */
		if (ok)
			ids_add(ids, id);
		else
			g_ptr_array_add(unknown, g_steal_pointer(&number));
	}
	if (!named) {
		int64_t id = 0;
		bool ok = false;
		t = intake_token_find(ing, p, "reply", &e);
		if (e) {
			g_propagate_error(error, g_steal_pointer(&e));
			return false;
		}
		if (t)
			id = t->request_id;
		else if (!intake_request_by_tag(ing, p->mail->subject, &id, error))
			return false;
		if (id && !may_see(ing, kind, v->address, id, &ok, error))
			return false;
		if (ok)
			ids_add(ids, id);
	}
	if (!named && ids->len == 0 &&
	    !default_requests(ing, kind, v->address, roles, ids, &more, error))
		return false;
	return answer(ing, p, ids, unknown, more, message_id, error);
}

bool
intake_status_unknown(dispo_ingest *ing, pending_item *p, int64_t message_id, bool *handled,
                      GError **error)
{
	dispo_verdict *v = p->verdict;
	g_autoptr(GPtrArray) roles = g_ptr_array_new();
	g_autoptr(GPtrArray) unknown = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GArray) ids = g_array_new(false, false, sizeof(int64_t));
	const char *s = p->mail->subject ? p->mail->subject : "";
	unsigned kind;

	*handled = false;
	for (const char *q = strchr(s, '['); q; q = strchr(q + 1, '[')) {
		size_t n = number_at(q + 1);
		const GPtrArray *wfs = rules_workflows(ing->opt.rules);
		bool ours = false;
		if (!n || q[1 + n] != ']')
			continue;
		for (guint w = 0; w < wfs->len && !ours; w++) {
			const char *tag = ((const dispo_rules_workflow *)wfs->pdata[w])->tag;
			ours = strncmp(q + 1, tag, strlen(tag)) == 0 && q[1 + strlen(tag)] == '-';
		}
		if (ours)
			g_ptr_array_add(unknown, g_strndup(q + 1, n));
	}
	if (unknown->len == 0)
		return true;
	*handled = true;
	/* Only an official (or the administrator) hears that the number is
	 * unknown; anyone else could use the answer to probe numbers. */
	if (!intake_sender_clean(v) || !v->answer_to || !v->address)
		return true;
	if (!asker_of(ing, v->address, p->arrived, &kind, roles, error))
		return false;
	if (!(kind & (ASKER_HOLDER | ASKER_ADMIN)))
		return true;
	return answer(ing, p, ids, unknown, 0, message_id, error);
}
