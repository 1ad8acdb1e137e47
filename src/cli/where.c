/* SPDX-License-Identifier: GPL-3.0-or-later */
/* where.c: where each request is for `requests list` and `records
 * applications`: who may act at its step now (the register's holders and
 * deputies, as the engine sends them the step's email), its deadline, and
 * how late it is in working time. */
#include "config.h"

#include "cli/cli.h"
#include "ingest/ingest.h"

#include <string.h>

typedef struct holders {
	GPtrArray *emails; /* char *, holders first, then deputies */
	char *text;        /* "a@x, b@y (plt)", NULL when nobody */
} holders;

struct cli_where {
	dispo_cli *cli;
	dispo_store *store;
	dispo_rules *rules;
	dispo_calendar *cal;
	GHashTable *by_role; /* role → holders *, read once per command */
};

static void
holders_free(holders *h)
{
	g_ptr_array_unref(h->emails);
	g_free(h->text);
	g_free(h);
}

cli_where *
cli_where_new(dispo_cli *cli, dispo_store *store, GError **error)
{
	g_autoptr(dispo_rules) rules = cli_rules_load(cli, error);
	g_autoptr(dispo_calendar) cal = rules ? ingest_calendar_load(cli->config, error) : NULL;
	cli_where *w;

	if (!cal)
		return NULL;
	w = g_new0(cli_where, 1);
	w->cli = cli;
	w->store = store;
	w->rules = g_steal_pointer(&rules);
	w->cal = g_steal_pointer(&cal);
	w->by_role =
	    g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify)holders_free);
	return w;
}

void
cli_where_free(cli_where *w)
{
	if (!w)
		return;
	rules_unref(w->rules);
	workflow_calendar_free(w->cal);
	g_hash_table_unref(w->by_role);
	g_free(w);
}

const dispo_rules *
cli_where_rules(const cli_where *w)
{
	return w->rules;
}

const dispo_calendar *
cli_where_calendar(const cli_where *w)
{
	return w->cal;
}

static const holders *
role_holders(cli_where *w, const char *role, GError **error)
{
	holders *h = g_hash_table_lookup(w->by_role, role);
	g_autoptr(GPtrArray) list = NULL;
	GString *text;

	if (h)
		return h;
	list = store_role_holders(w->store, role, w->cli->now, w->cli->config->tz, error);
	if (!list)
		return NULL;
	h = g_new0(holders, 1);
	h->emails = g_ptr_array_new_with_free_func(g_free);
	text = g_string_new(NULL);
	for (guint i = 0; i < list->len; i++) {
		const dispo_employee *e = list->pdata[i];
		const dispo_role_grant *g = e->roles->pdata[0];
		g_ptr_array_add(h->emails, g_strdup(e->email));
		g_string_append_printf(text, "%s%s", i ? ", " : "", e->email);
		if (g->deputy)
			g_string_append_printf(text, " (%s)", g->deputy);
	}
	h->text = g_string_free(text, text->len == 0);
	g_hash_table_insert(w->by_role, g_strdup(role), h);
	return h;
}

bool
cli_where_role(cli_where *w, const char *role, cli_request_at *at, GError **error)
{
	const holders *h = role_holders(w, role, error);

	if (!h)
		return false;
	at->holders = h->text;
	at->emails = (const char *const *)h->emails->pdata;
	at->n_emails = h->emails->len;
	return true;
}

bool
cli_where_find(cli_where *w, const dispo_request_row *r, cli_request_at *at, GError **error)
{
	const dispo_rules_step *s;

	memset(at, 0, sizeof(*at));
	at->late_minutes = -1;
	at->wf = rules_workflow_get(w->rules, r->workflow);
	at->closed = r->step && workflow_is_end(at->wf, r->step);
	s = at->wf && r->step ? rules_step_get(at->wf, r->step) : NULL;
	if (!s || s->is_end)
		return true;
	at->step = s;
	if (s->applicant) {
		/* A correction is the applicant's to send. */
		at->holders = r->applicant;
		at->emails = (const char *const *)&r->applicant;
		at->n_emails = 1;
	} else if (s->role && !cli_where_role(w, s->role, at, error)) {
		return false;
	}
	if (s->sla_ms > 0) {
		/* The deadline the report and the reminders count to: the
		 * step's SLA from when this visit began. */
		dispo_time now = w->cli->now;
		at->due = workflow_due(w->cal, r->step_entered, s->sla_ms);
		at->late_minutes = 0;
		/* Once past, at least a minute: "-" would read as on time. */
		if (now > at->due)
			at->late_minutes =
			    MAX(1, (workflow_working_seconds(w->cal, at->due, now) + 59) / 60);
	}
	return true;
}

bool
cli_where_held_by(const cli_request_at *at, const char *address)
{
	for (guint i = 0; i < at->n_emails; i++)
		if (g_ascii_strcasecmp(at->emails[i], address) == 0)
			return true;
	return false;
}
