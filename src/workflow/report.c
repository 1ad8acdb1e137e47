/* SPDX-License-Identifier: GPL-3.0-or-later */
/* report.c: the arithmetic of the SLA report: visits of steps rebuilt from
 * each request's workflow events, their working time against the step's
 * SLA, medians and 90th percentiles. Pure: the caller streams the events
 * in, request by request. */
#include "config.h"

#include "workflow/workflow.h"

#include <string.h>

typedef struct bucket {
	char *step;
	const dispo_rules_step *rule; /* NULL: a step the rules no longer have */
	bool is_end;
	GArray *times; /* int64_t seconds: a step's visits, an end's end-to-end times */
	unsigned within, open, overdue;
} bucket;

typedef struct flow {
	char *name;
	const dispo_rules_workflow *rule; /* NULL: a workflow the rules no longer have */
	GPtrArray *buckets;               /* bucket *: the rules' order, then as met */
	GHashTable *by_step;              /* step → bucket * */
	unsigned received;
	GArray *times; /* int64_t: end-to-end of every request finished */
} flow;

struct dispo_report {
	const dispo_rules *rules;
	const dispo_calendar *cal;
	dispo_time from, to, now;
	char *only;
	GPtrArray *flows; /* flow * */
	GHashTable *by_name;
	GPtrArray *rows; /* dispo_report_row *, made once */
	/* the request being fed */
	flow *cur;
	dispo_time received;
	char *step; /* where it is (NULL before its first step) */
	dispo_time entered;
};

static void
bucket_free(bucket *b)
{
	g_free(b->step);
	g_array_unref(b->times);
	g_free(b);
}

static void
flow_free(flow *f)
{
	g_free(f->name);
	g_ptr_array_unref(f->buckets);
	g_hash_table_unref(f->by_step);
	g_array_unref(f->times);
	g_free(f);
}

static bucket *
bucket_get(flow *f, const char *step)
{
	bucket *b = g_hash_table_lookup(f->by_step, step);

	if (b)
		return b;
	b = g_new0(bucket, 1);
	b->step = g_strdup(step);
	b->rule = f->rule ? rules_step_get(f->rule, step) : NULL;
	b->is_end = workflow_is_end(f->rule, step);
	b->times = g_array_new(false, false, sizeof(int64_t));
	g_ptr_array_add(f->buckets, b);
	g_hash_table_insert(f->by_step, b->step, b);
	return b;
}

static flow *
flow_get(dispo_report *r, const char *name)
{
	flow *f = g_hash_table_lookup(r->by_name, name);

	if (f || (r->only && strcmp(name, r->only) != 0))
		return f;
	f = g_new0(flow, 1);
	f->name = g_strdup(name);
	f->rule = rules_workflow_get(r->rules, name);
	f->buckets = g_ptr_array_new_with_free_func((GDestroyNotify)bucket_free);
	f->by_step = g_hash_table_new(g_str_hash, g_str_equal);
	f->times = g_array_new(false, false, sizeof(int64_t));
	for (guint i = 0; f->rule && f->rule->steps && i < f->rule->steps->len; i++)
		bucket_get(f, ((const dispo_rules_step *)f->rule->steps->pdata[i])->name);
	g_ptr_array_add(r->flows, f);
	g_hash_table_insert(r->by_name, f->name, f);
	return f;
}

dispo_report *
workflow_report_new(const dispo_rules *rules, const dispo_calendar *cal, dispo_time from,
                    dispo_time to, dispo_time now, const char *workflow)
{
	dispo_report *r = g_new0(dispo_report, 1);
	const GPtrArray *wfs = rules_workflows(rules);

	r->rules = rules_ref((dispo_rules *)rules);
	r->cal = cal;
	r->from = from;
	r->to = to;
	r->now = now;
	r->only = g_strdup(workflow);
	r->flows = g_ptr_array_new_with_free_func((GDestroyNotify)flow_free);
	r->by_name = g_hash_table_new(g_str_hash, g_str_equal);
	/* Every workflow of the rules has its rows, even in a quiet period. */
	for (guint i = 0; wfs && i < wfs->len; i++)
		flow_get(r, ((const dispo_rules_workflow *)wfs->pdata[i])->name);
	return r;
}

void
workflow_report_free(dispo_report *r)
{
	if (!r)
		return;
	rules_unref((dispo_rules *)r->rules);
	g_free(r->only);
	g_free(r->step);
	if (r->rows)
		g_ptr_array_unref(r->rows);
	g_ptr_array_unref(r->flows);
	g_hash_table_unref(r->by_name);
	g_free(r);
}

static bool
in_period(const dispo_report *r, dispo_time t)
{
	return t >= r->from && t < r->to;
}

void
workflow_report_request(dispo_report *r, const char *workflow, dispo_time received)
{
	r->cur = workflow ? flow_get(r, workflow) : NULL;
	r->received = received;
	g_clear_pointer(&r->step, g_free);
	r->entered = 0;
	if (r->cur && in_period(r, received))
		r->cur->received++;
}

void
workflow_report_event(dispo_report *r, dispo_time at, const char *kind, const char *step,
                      const char *previous)
{
	bucket *b;

	if (!r->cur || !workflow_event_enters(kind, step, previous))
		return;
	/* The visit that ends here is the one this request's events began;
	 * when they disagree on where it was (events from before the step was
	 * recorded), nothing is known about when it began. */
	if (r->step && g_strcmp0(previous, r->step) == 0 && in_period(r, at)) {
		b = bucket_get(r->cur, r->step);
		if (!b->is_end) {
			int64_t secs = workflow_working_seconds(r->cal, r->entered, at);
			g_array_append_val(b->times, secs);
			if (b->rule && b->rule->sla_ms > 0 &&
			    at <= workflow_due(r->cal, r->entered, b->rule->sla_ms))
				b->within++;
		}
	}
	g_free(r->step);
	r->step = g_strdup(step);
	r->entered = at;
	b = bucket_get(r->cur, step);
	if (b->is_end && in_period(r, at)) {
		int64_t secs = workflow_working_seconds(r->cal, r->received, at);
		g_array_append_val(b->times, secs);
		g_array_append_val(r->cur->times, secs);
	}
}

void
workflow_report_open(dispo_report *r, const char *workflow, const char *step, dispo_time entered)
{
	flow *f = workflow && step ? flow_get(r, workflow) : NULL;
	bucket *b = f ? bucket_get(f, step) : NULL;

	if (!b || b->is_end)
		return;
	b->open++;
	if (b->rule && b->rule->sla_ms > 0 &&
	    r->now > workflow_due(r->cal, entered, b->rule->sla_ms))
		b->overdue++;
}

bool
workflow_percentile(const int64_t *sorted, size_t n, unsigned percent, int64_t *out)
{
	uint64_t rank;
	size_t i;
	unsigned frac;

	if (n == 0 || percent > 100)
		return false;
	/* Linear between the closest ranks (Hyndman and Fan's type 7), as
	 * spreadsheets' MEDIAN and PERCENTILE.INC compute it, so that a CSV
	 * export can be checked there. The rank (n - 1) * percent / 100 is
	 * kept in hundredths: exact, and half a second rounds up. */
	rank = (uint64_t)(n - 1) * percent;
	i = (size_t)(rank / 100);
	frac = (unsigned)(rank % 100);
	if (frac == 0 || i + 1 >= n) {
		*out = sorted[i];
		return true;
	}
	*out = sorted[i] + ((sorted[i + 1] - sorted[i]) * (int64_t)frac + 50) / 100;
	return true;
}

static gint
time_cmp(gconstpointer a, gconstpointer b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

/* Sorts times and fills the row's count, median and 90th percentile. */
static void
row_times(dispo_report_row *row, GArray *times)
{
	g_array_sort(times, time_cmp);
	row->count = times->len;
	row->timed =
	    workflow_percentile((const int64_t *)(void *)times->data, times->len, 50,
	                        &row->median) &&
	    workflow_percentile((const int64_t *)(void *)times->data, times->len, 90, &row->p90);
}

static dispo_report_row *
row_add(dispo_report *r, dispo_report_kind kind, const flow *f, const bucket *b)
{
	dispo_report_row *row = g_new0(dispo_report_row, 1);

	row->kind = kind;
	row->workflow = f->name;
	row->step = b ? b->step : NULL;
	g_ptr_array_add(r->rows, row);
	return row;
}

const GPtrArray *
workflow_report_rows(dispo_report *r)
{
	if (r->rows)
		return r->rows;
	r->rows = g_ptr_array_new_with_free_func(g_free);
	for (guint i = 0; i < r->flows->len; i++) {
		flow *f = r->flows->pdata[i];
		dispo_report_row *total;
		unsigned open = 0, overdue = 0;

		for (guint k = 0; k < f->buckets->len; k++) {
			bucket *b = f->buckets->pdata[k];
			dispo_report_row *row;
			if (b->is_end)
				continue;
			row = row_add(r, DISPO_REPORT_STEP, f, b);
			row->sla_ms = b->rule ? b->rule->sla_ms : 0;
			row_times(row, b->times);
			row->within = b->within;
			row->open = b->open;
			row->overdue = b->overdue;
			open += b->open;
			overdue += b->overdue;
		}
		/* The rules' ends always, the built-in cancelled end when used. */
		for (guint k = 0; k < f->buckets->len; k++) {
			bucket *b = f->buckets->pdata[k];
			if (b->is_end && (b->rule || b->times->len > 0))
				row_times(row_add(r, DISPO_REPORT_END, f, b), b->times);
		}
		total = row_add(r, DISPO_REPORT_TOTAL, f, NULL);
		row_times(total, f->times);
		total->received = f->received;
		total->open = open;
		total->overdue = overdue;
	}
	return r->rows;
}
