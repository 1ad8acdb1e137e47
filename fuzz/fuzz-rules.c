/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz-rules.c: any bytes as a rules file: a model or a list of problems,
 * never a crash; a model that loads must also draw and answer questions. */
#include "config.h"

#include "rules/rules.h"

#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = g_strndup((const char *)data, size);
	GPtrArray *diags = rules_diagnostics_new();
	GError *e = NULL;
	dispo_rules *rules = rules_load_text("fuzz.rules", text, NULL, diags, &e);

	if (!rules && (!e || diags->len == 0))
		__builtin_trap();
	if (rules) {
		const GPtrArray *wfs = rules_workflows(rules);
		for (guint i = 0; i < wfs->len; i++) {
			const dispo_rules_workflow *wf = wfs->pdata[i];
			char *dot = rules_graph_dot(rules, wf);
			if (!rules_step_get(wf, ((dispo_rules_step *)wf->steps->pdata[0])->name))
				__builtin_trap();
			/* Whatever the titles held, the DOT is UTF-8 whose only control
			 * characters are its own tabs and line ends (see graph.c). */
			if (!g_utf8_validate(dot, -1, NULL))
				__builtin_trap();
			for (const char *p = dot; *p; p++)
				if ((unsigned char)*p < 0x20 && *p != '\n' && *p != '\t')
					__builtin_trap();
			g_free(dot);
		}
		rules_workflow_for(rules, NULL, text);
	}
	for (guint i = 0; i < diags->len; i++)
		g_free(rules_diagnostic_format(diags->pdata[i]));
	rules_unref(rules);
	g_clear_error(&e);
	g_ptr_array_unref(diags);
	g_free(text);
	return 0;
}
