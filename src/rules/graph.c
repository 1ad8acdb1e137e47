/* SPDX-License-Identifier: GPL-3.0-or-later */
/* graph.c: a workflow as a Graphviz swimlane (one cluster per role), for
 * administrators to see what they wrote; dispo never runs Graphviz itself. */
#include "config.h"

#include "rules/rules-private.h"

#include <string.h>

/* Appends s as a DOT double-quoted string that Graphviz shows as written,
 * whatever a title holds: the DOT lexer takes \" for a quote; the layout
 * engines then read \\, \n, \N, \G... as escString escapes
 * (so a backslash is doubled and a line break is \n), and turn entities
 * such as &lt; or &#1; into characters (so & is &amp;, or a title could smuggle
 * a control character into an SVG). The rules lexer lets tab, CR, VT and FF
 * into quoted text and GLib lets U+FFFE/U+FFFF through its UTF-8 check;
 * XML forbids most of them, so they become a space and U+FFFD. */
static void
quoted(GString *out, const char *s)
{
	g_string_append_c(out, '"');
	for (const char *p = s; *p; p = g_utf8_next_char(p)) {
		gunichar c = g_utf8_get_char(p);

		if (c == '"' || c == '\\')
			g_string_append_c(out, '\\');
		if (c == '\n')
			g_string_append(out, "\\n");
		else if (c == '&')
			g_string_append(out, "&amp;");
		else if (c < 0x20)
			g_string_append_c(out, ' ');
		else if (c == 0xfffe || c == 0xffff)
			g_string_append(out, "\uFFFD");
		else
			g_string_append_len(out, p, g_utf8_next_char(p) - p);
	}
	g_string_append_c(out, '"');
}

static void
node(GString *out, const char *indent, const dispo_rules_step *s)
{
	g_autoptr(GString) label = g_string_new(s->title);

	if (s->sla_ms > 0) {
		g_autofree char *sla = rules_duration_format(s->sla_ms);
		g_string_append_printf(label, "\nSLA %s", sla);
	}
	if (s->letter)
		g_string_append(label, "\n+ surat rekomendasi");
	if (s->wait)
		g_string_append(label, "\nmenunggu BSrE");
	g_string_append(out, indent);
	quoted(out, s->name);
	g_string_append(out, " [label=");
	quoted(out, label->str);
	if (s->is_end)
		g_string_append(out, ", shape=box, style=\"rounded,bold\", peripheries=2");
	g_string_append(out, "];\n");
}

static void
workflow_dot(GString *out, const dispo_rules *rules, const dispo_rules_workflow *wf)
{
	g_autoptr(GPtrArray) lanes = g_ptr_array_new(); /* role keys, in order of first use */
	g_autofree char *title = g_strdup_printf("%s (%s)", wf->title, wf->name);
	bool applicant_lane = false;

	g_string_append(out, "digraph ");
	quoted(out, wf->name);
	g_string_append(out, " {\n\tlabel=");
	quoted(out, title);
	/* Graphviz's default, said so that no reader guesses Latin-1. */
	g_string_append(out,
	                ";\n\tcharset=\"UTF-8\";\n\tlabelloc=t;\n\trankdir=LR;\n\tcompound=true;\n"
	                "\tnode [shape=box, style=rounded, fontname=\"sans-serif\"];\n"
	                "\tedge [fontname=\"sans-serif\", fontsize=10];\n"
	                "\t\"@start\" [shape=point, label=\"\"];\n");
	for (guint i = 0; i < wf->steps->len; i++) {
		const dispo_rules_step *s = wf->steps->pdata[i];
		bool seen = false;
		if (!s->role)
			continue;
		for (guint k = 0; k < lanes->len; k++)
			seen |= strcmp(lanes->pdata[k], s->role) == 0;
		if (!seen)
			g_ptr_array_add(lanes, s->role);
	}
	for (guint k = 0; k < lanes->len; k++) {
		const char *key = lanes->pdata[k];
		const dispo_rules_role *role = rules_role_get(rules, key);
		/* Role keys are names ([A-Za-z_][A-Za-z0-9_]*): a valid DOT ID as is. */
		g_string_append_printf(out, "\tsubgraph cluster_%s {\n\t\tlabel=", key);
		quoted(out, role ? role->title : key);
		g_string_append(out, ";\n\t\tstyle=filled;\n\t\tcolor=\"#eeeeee\";\n");
		for (guint i = 0; i < wf->steps->len; i++) {
			const dispo_rules_step *s = wf->steps->pdata[i];
			if (s->role && strcmp(s->role, key) == 0)
				node(out, "\t\t", s);
		}
		g_string_append(out, "\t}\n");
	}
	/* The applicant's steps (corrections) in a lane of their own. */
	for (guint i = 0; i < wf->steps->len; i++) {
		const dispo_rules_step *s = wf->steps->pdata[i];
		if (!s->applicant)
			continue;
		if (!applicant_lane)
			g_string_append(out,
			                "\tsubgraph \"cluster:pemohon\" {\n\t\tlabel=\"Pemohon\";\n"
			                "\t\tstyle=filled;\n\t\tcolor=\"#fff3d6\";\n");
		node(out, "\t\t", s);
		applicant_lane = true;
	}
	if (applicant_lane)
		g_string_append(out, "\t}\n");
	for (guint i = 0; i < wf->steps->len; i++) {
		const dispo_rules_step *s = wf->steps->pdata[i];
		if (!s->role && !s->applicant)
			node(out, "\t", s);
	}
	if (wf->steps->len) {
		g_string_append(out, "\t\"@start\" -> ");
		quoted(out, ((const dispo_rules_step *)wf->steps->pdata[0])->name);
		g_string_append(out, " [label=\"permohonan\"];\n");
	}
	for (guint i = 0; i < wf->steps->len; i++) {
		const dispo_rules_step *s = wf->steps->pdata[i];
		for (guint k = 0; k < s->transitions->len; k++) {
			const dispo_rules_transition *t = s->transitions->pdata[k];
			g_autoptr(GString) label =
			    g_string_new(rules_command_word(t->command, "id"));
			dispo_command words[8];
			guint n = rules_transition_commands(s, t, words, G_N_ELEMENTS(words));
			/* The yes-words this line also stands for. */
			for (guint w = 1; w < n && w < G_N_ELEMENTS(words); w++)
				g_string_append_printf(label, "%s%s", w == 1 ? "\n(atau " : ", ",
				                       rules_command_word(words[w], "id"));
			if (n > 1)
				g_string_append_c(label, ')');
			if (s->wait && t->command == DISPO_CMD_DONE)
				g_string_append(label, " / BSrE");
			if (s->applicant && t->command == DISPO_CMD_DONE)
				g_string_append(label, " / perbaikan lengkap");
			if (s->applicant && t->command == DISPO_CMD_REJECT)
				g_string_append(label, " / batas waktu habis");
			if (t->record == DISPO_RECORD_CERTIFICATE)
				g_string_append(label, "\n(record certificate)");
			else if (t->record == DISPO_RECORD_REVOCATION)
				g_string_append(label, "\n(record revocation)");
			g_string_append_c(out, '\t');
			quoted(out, s->name);
			g_string_append(out, " -> ");
			quoted(out, t->target);
			g_string_append(out, " [label=");
			quoted(out, label->str);
			if (t->command == DISPO_CMD_REJECT || t->command == DISPO_CMD_RETURN)
				g_string_append(out, ", style=dashed");
			g_string_append(out, "];\n");
		}
	}
	g_string_append(out, "}\n");
}

char *
rules_graph_dot(const dispo_rules *rules, const dispo_rules_workflow *wf)
{
	GString *out = g_string_new(NULL);

	workflow_dot(out, rules, wf);
	return g_string_free(out, FALSE);
}
