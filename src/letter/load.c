/* SPDX-License-Identifier: GPL-3.0-or-later */
/* load.c: letter_render and letter_render_file as dispo has them: the
 * drawing (letter.c, with Cairo, Pango and the two dozen libraries they
 * bring: fontconfig, freetype, harfbuzz, pixman, X's...) lives in
 * dispo-letter.so, loaded the first time a letter is drawn. Every other run
 * of dispo (an MTA's pipe runs one per message) starts without it: 60
 * shared libraries instead of 84, a third less start-up time.
 *
 * The module is looked for beside the program (the build tree), in
 * ../lib/dispo from it (an installation moved or staged with DESTDIR), then
 * in $(pkglibdir) as configured. Nothing from the environment names it:
 * dispo runs as root at times, and what it loads is code. */
#include "config.h"

#include "letter/letter.h"

#include <dlfcn.h>

#define MODULE_NAME "dispo-letter.so"

typedef GBytes *(*render_fn)(const dispo_letter *l, GError **error);
typedef bool (*render_file_fn)(const dispo_letter *l, const char *path, GError **error);

static render_fn module_render;
static render_file_fn module_render_file;
static char *load_error;

static char *
module_find(GString *tried)
{
	g_autofree char *exe = g_file_read_link("/proc/self/exe", NULL);
	g_autofree char *dir = exe ? g_path_get_dirname(exe) : NULL;
	char *candidates[] = {dir ? g_build_filename(dir, MODULE_NAME, NULL) : NULL,
	                      dir ? g_build_filename(dir, "..", "lib", "dispo", MODULE_NAME, NULL)
	                          : NULL,
	                      g_build_filename(PKGLIBDIR, MODULE_NAME, NULL)};
	char *found = NULL;

	for (size_t i = 0; i < G_N_ELEMENTS(candidates); i++) {
		if (!candidates[i])
			continue;
		if (!found && g_file_test(candidates[i], G_FILE_TEST_IS_REGULAR))
			found = g_strdup(candidates[i]);
		else if (!found)
			g_string_append_printf(tried, "%s%s", tried->len ? ", " : "", candidates[i]);
		g_free(candidates[i]);
	}
	return found;
}

static bool
module_load(GError **error)
{
	if (module_render)
		return true;
	if (!load_error) {
		g_autoptr(GString) tried = g_string_new(NULL);
		g_autofree char *path = module_find(tried);
		void *handle = NULL;
		if (!path)
			load_error = g_strdup_printf("the letter's module %s is not installed (looked "
			                             "in %s): install dispo again (make install)",
			                             MODULE_NAME, tried->str);
		else if (!(handle = dlopen(path, RTLD_NOW | RTLD_LOCAL)))
			load_error = g_strdup_printf("cannot load the letter's module: %s", dlerror());
		else if (!(module_render = (render_fn)dlsym(handle, "letter_module_render")) ||
		         !(module_render_file =
		               (render_file_fn)dlsym(handle, "letter_module_render_file"))) {
			module_render = NULL;
			load_error = g_strdup_printf("%s is not dispo's letter module of this version",
			                             path);
		}
		if (module_render)
			return true;
	}
	g_set_error(error, DISPO_LETTER_ERROR, DISPO_LETTER_ERROR_MODULE, "%s", load_error);
	return false;
}

GBytes *
letter_render(const dispo_letter *l, GError **error)
{
	return module_load(error) ? module_render(l, error) : NULL;
}

bool
letter_render_file(const dispo_letter *l, const char *path, GError **error)
{
	return module_load(error) && module_render_file(l, path, error);
}
