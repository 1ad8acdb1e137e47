/* SPDX-License-Identifier: GPL-3.0-or-later */
/* times.c: how long one request spent at each step, in working time, from
 * its workflow events: what the applications export shows per request. */
#include "config.h"

#include "workflow/workflow.h"

#include <string.h>

struct dispo_step_times {
	const dispo_calendar *cal;
	const dispo_rules_workflow *wf;
	dispo_time received;
	GHashTable *seconds; /* step → int64_t *: its ended visits, summed */
	char *step;          /* where it is now (NULL before its first step) */
	dispo_time entered;
	dispo_time closed; /* entered an end (0: open) */
};

bool
workflow_event_enters(const char *kind, const char *step, const char *previous)
{
	return step && (g_strcmp0(step, previous) != 0 || g_strcmp0(kind, "admin:move") == 0);
}

bool
workflow_is_end(const dispo_rules_workflow *wf, const char *step)
{
	const dispo_rules_step *s = wf && step ? rules_step_get(wf, step) : NULL;

	/* The built-in end of a cancelled request is an end too. */
	return s ? s->is_end : g_strcmp0(step, DISPO_WF_CANCELLED) == 0;
}

dispo_step_times *
workflow_step_times_new(const dispo_calendar *cal)
{
	dispo_step_times *t = g_new0(dispo_step_times, 1);

	t->cal = cal;
	t->seconds = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	return t;
}

void
workflow_step_times_free(dispo_step_times *t)
{
	if (!t)
		return;
	g_hash_table_unref(t->seconds);
	g_free(t->step);
	g_free(t);
}

void
workflow_step_times_begin(dispo_step_times *t, const dispo_rules_workflow *wf, dispo_time received)
{
	g_hash_table_remove_all(t->seconds);
	g_clear_pointer(&t->step, g_free);
	t->wf = wf;
	t->received = received;
	t->entered = t->closed = 0;
}

static void
add(dispo_step_times *t, const char *step, int64_t secs)
{
	int64_t *sum = g_hash_table_lookup(t->seconds, step);

	if (!sum) {
		sum = g_new0(int64_t, 1);
		g_hash_table_insert(t->seconds, g_strdup(step), sum);
	}
	*sum += secs;
}

void
workflow_step_times_event(dispo_step_times *t, dispo_time at, const char *kind, const char *step,
                          const char *previous)
{
	if (!workflow_event_enters(kind, step, previous))
		return;
	/* As in the report: a visit ends only where the events agree on where
	 * the request was; an end's time is no step's. */
	if (t->step && g_strcmp0(previous, t->step) == 0 && !t->closed)
		add(t, t->step, workflow_working_seconds(t->cal, t->entered, at));
	g_free(t->step);
	t->step = g_strdup(step);
	t->entered = at;
	t->closed = workflow_is_end(t->wf, step) ? at : 0;
}

int64_t
workflow_step_times_get(const dispo_step_times *t, const char *step, dispo_time now)
{
	const int64_t *sum = g_hash_table_lookup(t->seconds, step);
	bool here = !t->closed && g_strcmp0(t->step, step) == 0;

	if (!sum && !here)
		return -1;
	return (sum ? *sum : 0) + (here ? workflow_working_seconds(t->cal, t->entered, now) : 0);
}

dispo_time
workflow_step_times_closed(const dispo_step_times *t)
{
	return t->closed;
}

int64_t
workflow_step_times_total(const dispo_step_times *t, dispo_time now)
{
	return workflow_working_seconds(t->cal, t->received, t->closed ? t->closed : now);
}
