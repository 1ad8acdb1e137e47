/* SPDX-License-Identifier: GPL-3.0-or-later */
/* match.c: which request and which reply token a message is about: the
 * token in the plus-address it was sent to, else in an email of ours it
 * answers (In-Reply-To, then References newest first), else the request
 * tag in its subject. */
#include "config.h"

#include "ingest/ingest-private.h"

#include <string.h>

/* A token in a plus-address of a workflow's mailbox among the message's
 * recipients: sertifikat+TOKEN@kuduskab.go.id. */
char *
intake_token_in_recipients(const dispo_rules *rules, const dispo_mail *mail)
{
	const GPtrArray *lists[] = {mail->to, mail->cc};
	const char *extra[] = {"Delivered-To", "X-Original-To"};

	for (guint w = 0; w < rules_workflows(rules)->len; w++) {
		const dispo_rules_workflow *wf = rules_workflows(rules)->pdata[w];
		const char *at = strchr(wf->mailbox, '@');
		size_t local;
		if (!at)
			continue;
		local = (size_t)(at - wf->mailbox);
		for (size_t l = 0; l < G_N_ELEMENTS(lists) + G_N_ELEMENTS(extra); l++) {
			g_autofree const char **hdrs = NULL;
			guint n;
			if (l < G_N_ELEMENTS(lists)) {
				n = lists[l]->len;
			} else {
				hdrs = mime_mail_headers(mail, extra[l - G_N_ELEMENTS(lists)]);
				n = hdrs ? g_strv_length((char **)hdrs) : 0;
			}
			for (guint i = 0; i < n; i++) {
				const char *a =
				    hdrs ? hdrs[i] : ((dispo_mailbox *)lists[l]->pdata[i])->address;
				const char *aat;
				while (a && (*a == ' ' || *a == '<'))
					a++;
				aat = a ? strrchr(a, '@') : NULL;
				/* The whole domain, nothing after it but '>'. */
				if (!aat || g_ascii_strncasecmp(a, wf->mailbox, local) != 0 ||
				    a[local] != '+' ||
				    g_ascii_strncasecmp(aat + 1, at + 1, strlen(at + 1)) != 0 ||
				    (aat[1 + strlen(at + 1)] && aat[1 + strlen(at + 1)] != '>'))
					continue;
				return g_ascii_strdown(a + local + 1, aat - (a + local + 1));
			}
		}
	}
	return NULL;
}

dispo_token_row *
intake_token_find(dispo_ingest *ing, const pending_item *p, const char *purpose, GError **error)
{
	const dispo_verdict *v = p->verdict;
	g_autoptr(GError) e = NULL;
	dispo_token_row *t = NULL;
	const char *id;

	if (v->token)
		t = store_token_get(ing->store, v->token, &e);
	if (t && strcmp(t->purpose, purpose) != 0)
		g_clear_pointer(&t, store_token_row_free);
	for (guint i = 0; !t && (id = mime_mail_thread_id(p->mail, i)); i++) {
		g_clear_error(&e);
		t = store_token_by_message_id(ing->store, id, &e);
		if (t && strcmp(t->purpose, purpose) != 0)
			g_clear_pointer(&t, store_token_row_free);
	}
	if (!t && e && !g_error_matches(e, DISPO_STORE_ERROR, DISPO_STORE_ERROR_NOT_FOUND))
		g_propagate_error(error, g_steal_pointer(&e));
	return t;
}

bool
intake_request_by_tag(dispo_ingest *ing, const char *subject, int64_t *id, GError **error)
{
	*id = 0;
	for (const char *p = subject ? strchr(subject, '[') : NULL; p; p = strchr(p + 1, '[')) {
		const char *end = strchr(p, ']');
		g_autofree char *number = NULL;
		if (!end || end - p > 40)
			continue;
		number = g_strndup(p + 1, end - p - 1);
		if (!store_request_id(ing->store, number, id, error))
			return false;
		if (*id)
			return true;
	}
	return true;
}

/* "[SE-2026-000123]" of any workflow in the subject: a reply about a request,
 * never a new application. */
bool
intake_subject_names_request(const dispo_rules *rules, const char *subject)
{
	for (const char *p = subject ? strchr(subject, '[') : NULL; p; p = strchr(p + 1, '[')) {
		for (guint w = 0; w < rules_workflows(rules)->len; w++) {
			const char *tag =
			    ((dispo_rules_workflow *)rules_workflows(rules)->pdata[w])->tag;
			size_t n = strlen(tag);
			const char *q = p + 1 + n;
			if (strncmp(p + 1, tag, n) != 0 || q[0] != '-')
				continue;
			q++;
			while (g_ascii_isdigit(*q))
				q++;
			if (*q != '-')
				continue;
			q++;
			while (g_ascii_isdigit(*q))
				q++;
			if (*q == ']')
				return true;
		}
	}
	return false;
}
