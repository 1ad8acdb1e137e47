/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dispo-rules.c: `dispo rules check|graph|test`: validate the rules files
 * with every problem at its file:line:col, and draw them as Graphviz DOT. */
#include "config.h"

#include "cli/cli.h"
#include "rules/rules.h"

#include <stdio.h>
#include <string.h>
#include <syslog.h>

/* The rules directory when no FILE is given: $DISPO_RULES_DIR, else the
 * configuration file's rules_dir, else (the embedded default, in a
 * checkout) ./rules. A configuration file's directories are its own, so
 * that the check reads what the service reads from wherever it is run. */
static const char *
default_rules_dir(const dispo_cli *cli)
{
	const char *env = g_getenv("DISPO_RULES_DIR");

	if (env && *env)
		return env;
	return cli->config->path ? cli->config->rules_dir : "rules";
}

static const char *
default_templates_dir(const dispo_cli *cli)
{
	const char *env = g_getenv("DISPO_TEMPLATES_DIR");

	if (env && *env)
		return env;
	return cli->config->path ? cli->config->templates_dir : "templates";
}

/* Loads FILE… or the default directory; prints every problem on stderr. */
static dispo_rules *
load(dispo_cli *cli, int argc, char **argv, const char *templates, int *rc)
{
	g_autoptr(GPtrArray) diags = rules_diagnostics_new();
	g_autoptr(GError) e = NULL;
	dispo_rules *rules;

	if (argc > 0) {
		g_autoptr(GStrvBuilder) b = g_strv_builder_new();
		g_auto(GStrv) files = NULL;
		for (int i = 0; i < argc; i++)
			g_strv_builder_add(b, argv[i]);
		files = g_strv_builder_end(b);
		rules = rules_load_files(files, templates, diags, &e);
	} else
		rules = rules_load_dir(default_rules_dir(cli), templates, diags, &e);
	for (guint i = 0; i < diags->len; i++) {
		g_autofree char *line = rules_diagnostic_format(diags->pdata[i]);
		fprintf(stderr, "%s\n", line);
	}
	if (rules)
		return rules;
	if (g_error_matches(e, DISPO_RULES_ERROR, DISPO_RULES_ERROR_NOT_FOUND)) {
		const char *env = g_getenv("DISPO_RULES_DIR");
		g_autofree char *hint = NULL;
		if (argc > 0)
			hint = g_strdup("");
		else if (env && *env)
			hint = g_strdup(" (from $DISPO_RULES_DIR)");
		else if (cli->config->path)
			hint = g_strdup_printf(" (rules_dir of %s)", cli->config->path);
		else
			hint = g_strdup(" (name the files, or set DISPO_RULES_DIR to the rules "
			                "directory)");
		cli_error(cli, "%s%s", e->message, hint);
		*rc = EX_NOINPUT;
	} else {
		cli_error(cli, "%u problem%s found; nothing was loaded", diags->len,
		          diags->len == 1 ? "" : "s");
		*rc = EX_DATAERR;
	}
	return NULL;
}

static int
check(dispo_cli *cli, int argc, char **argv, const char *templates)
{
	int rc = EX_OK;
	g_autoptr(dispo_rules) rules = load(cli, argc, argv, templates, &rc);

	if (!rules)
		return rc;
	printf("rules OK: %u workflow%s, %u role%s, version %.8s\n", rules_workflows(rules)->len,
	       rules_workflows(rules)->len == 1 ? "" : "s", rules_roles(rules)->len,
	       rules_roles(rules)->len == 1 ? "" : "s", rules_version(rules));
	return EX_OK;
}

/* "pendaftaran, pencabutan": the names --workflow takes, for messages. */
static char *
workflow_names(const dispo_rules *rules, const dispo_rules_workflow *except)
{
	const GPtrArray *wfs = rules_workflows(rules);
	GString *names = g_string_new(NULL);

	for (guint i = 0; i < wfs->len; i++) {
		const dispo_rules_workflow *wf = wfs->pdata[i];
		if (wf != except)
			g_string_append_printf(names, "%s%s", names->len ? ", " : "", wf->name);
	}
	return g_string_free(names, FALSE);
}

/* Writes DIR/<workflow>.dot for each of wfs; the paths on stdout. */
static int
graph_write(dispo_cli *cli, const dispo_rules *rules, const GPtrArray *wfs, const char *dir)
{
	g_autoptr(GError) e = NULL;

	if (!dispo_mkdir_p(dir, &e)) {
		cli_error(cli, "%s", e->message);
		return EX_CANTCREAT;
	}
	for (guint i = 0; i < wfs->len; i++) {
		const dispo_rules_workflow *wf = wfs->pdata[i];
		g_autofree char *dot = rules_graph_dot(rules, wf);
		g_autofree char *base = g_strconcat(wf->name, ".dot", NULL);
		g_autofree char *path = g_build_filename(dir, base, NULL);
		/* Workflow names are [A-Za-z_][A-Za-z0-9_]*: a file name as is. */
		if (!dispo_file_write_atomic(path, dot, strlen(dot), 0644, &e)) {
			cli_error(cli, "%s", e->message);
			return EX_CANTCREAT;
		}
		printf("%s\n", path);
	}
	return EX_OK;
}

/* One DOT document per workflow: the one --workflow names, or with -o DIR
 * each in DIR/<workflow>.dot. With neither, the first workflow (in the
 * order the files are read, by name) and, when there are others, a warning
 * that names them: dot reads only the first graph of a stream, so the
 * documented `dispo rules graph | dot -Tsvg > sop.svg` must get one graph,
 * and it still draws something useful rather than refusing. */
static int
graph(dispo_cli *cli, int argc, char **argv, const char *templates, const char *workflow,
      const char *output)
{
	int rc = EX_OK;
	g_autoptr(dispo_rules) rules = load(cli, argc, argv, templates, &rc);
	g_autoptr(GPtrArray) chosen = g_ptr_array_new();
	const GPtrArray *wfs;
	g_autofree char *dot = NULL;

	if (!rules)
		return rc;
	wfs = rules_workflows(rules);
	if (wfs->len == 0) {
		cli_error(cli, "the rules have no workflow to draw");
		return EX_DATAERR;
	}
	if (workflow) {
		const dispo_rules_workflow *wf = rules_workflow_get(rules, workflow);
		if (!wf) {
			g_autofree char *names = workflow_names(rules, NULL);
			cli_error(cli, "no workflow '%s' (the rules have: %s)", workflow, names);
			return EX_USAGE;
		}
		g_ptr_array_add(chosen, (gpointer)wf);
	} else if (output) {
		for (guint i = 0; i < wfs->len; i++)
			g_ptr_array_add(chosen, wfs->pdata[i]);
	} else {
		g_ptr_array_add(chosen, wfs->pdata[0]);
		if (wfs->len > 1) {
			g_autofree char *names = workflow_names(rules, wfs->pdata[0]);
			dispo_log(
			    LOG_WARNING,
			    "drew workflow '%s' only; the rules also have: %s (use --workflow "
			    "NAME for another, or -o DIR for DIR/NAME.dot of each)",
			    ((const dispo_rules_workflow *)wfs->pdata[0])->name, names);
		}
	}
	if (output)
		return graph_write(cli, rules, chosen, output);
	dot = rules_graph_dot(rules, chosen->pdata[0]);
	fputs(dot, stdout);
	return EX_OK;
}

int
cli_rules(dispo_cli *cli, int argc, char **argv)
{
	g_autofree char *templates = NULL;
	g_autofree char *workflow = NULL;
	g_autofree char *format = NULL;
	g_autofree char *output = NULL;
	GOptionEntry entries[] = {
	    {"format", 'f', 0, G_OPTION_ARG_STRING, &format, "test: text (default) or json",
	     "FORMAT"},
	    {"templates", 't', 0, G_OPTION_ARG_FILENAME, &templates,
	     "check template names against DIR/id and DIR/en (default: $DISPO_TEMPLATES_DIR, "
	     "else the configuration file's templates_dir, else ./templates)",
	     "DIR"},
	    {"workflow", 'w', 0, G_OPTION_ARG_STRING, &workflow,
	     "graph: draw this workflow (default: the first, with a warning naming the others)",
	     "NAME"},
	    {"output", 'o', 0, G_OPTION_ARG_FILENAME, &output,
	     "graph: write DIR/NAME.dot for each workflow (or only --workflow's) instead of "
	     "standard output",
	     "DIR"},
	    G_OPTION_ENTRY_NULL};
	const char *sub;

	if (!cli_parse(
	        cli, entries, "check|graph [FILE...] | test FILE.eml...",
	        "Checks the rules files and reports every problem as file:line:col, or "
	        "draws them\n(one workflow as Graphviz DOT on standard output: dispo rules graph "
	        "--workflow\npendaftaran | dot -Tsvg > sop.svg; with -o DIR, DIR/NAME.dot for "
	        "every workflow).\nWithout FILE, reads every *.rules file of "
	        "$DISPO_RULES_DIR, else of the\nconfiguration file's rules_dir, else "
	        "./rules.\n"
	        "'rules test FILE.eml...' runs emails through intake and the workflow on a\n"
	        "copy of the store (configured rules and data) and says what would happen.",
	        &argc, &argv))
		return EX_USAGE;
	if (argc < 2) {
		cli_error(cli,
		          "use 'rules check [FILE...]' or 'rules graph [--workflow NAME | -o DIR] "
		          "[FILE...]'");
		return EX_USAGE;
	}
	sub = argv[1];
	/* Only to know the configured directories (and the store, for test). */
	if (!cli_load(cli))
		return EX_CONFIG;
	if (strcmp(sub, "check") == 0)
		return check(cli, argc - 2, argv + 2,
		             templates ? templates : default_templates_dir(cli));
	if (strcmp(sub, "graph") == 0)
		/* Drawing needs no templates: check them only when asked to. */
		return graph(cli, argc - 2, argv + 2, templates, workflow, output);
	if (strcmp(sub, "test") == 0) {
		if (format && strcmp(format, "json") != 0 && strcmp(format, "text") != 0) {
			cli_error(cli, "--format must be text or json, not '%s'", format);
			return EX_USAGE;
		}
		return cli_rules_test(cli, argc - 2, argv + 2,
		                      format && strcmp(format, "json") == 0);
	}
	cli_error(cli, "unknown sub-command '%s': use check, graph or test", sub);
	return EX_USAGE;
}
