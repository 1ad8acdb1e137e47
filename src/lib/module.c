/* SPDX-License-Identifier: GPL-3.0-or-later */
/* module.c: dispo's modules, the parts whose libraries most runs of dispo
 * do not need (dispo-letter.so: Cairo and Pango; dispo-smtp.so: libcurl),
 * opened the first time they are asked for. A module is looked for beside
 * the program (the build tree), in ../lib/dispo from it (an installation
 * moved, or staged with DESTDIR), then in $(pkglibdir) as configured.
 * Nothing from the environment names one: dispo runs as root at times,
 * and what it loads is code. */
#include "config.h"

#include "lib/lib.h"

#include <dlfcn.h>
#include <string.h>

static char *
module_find(const char *file, GString *tried)
{
	g_autofree char *exe = g_file_read_link("/proc/self/exe", NULL);
	g_autofree char *dir = exe ? g_path_get_dirname(exe) : NULL;
	char *candidates[] = {dir ? g_build_filename(dir, file, NULL) : NULL,
	                      dir ? g_build_filename(dir, "..", "lib", "dispo", file, NULL) : NULL,
	                      g_build_filename(PKGLIBDIR, file, NULL)};
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

void *
dispo_module_symbol(const char *module, const char *symbol, char **error_text)
{
	/* a module stays loaded for the life of the process, or its failure
	 * is remembered: one line of error, not one per letter */
	static GHashTable *handles; /* file -> its dlopen handle */
	static GHashTable *errors;  /* file -> why it could not be loaded */
	g_autofree char *file = g_strdup_printf("dispo-%s.so", module);
	void *handle, *sym;

	if (!handles) {
		handles = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
		errors = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	}
	if (g_hash_table_contains(errors, file)) {
		*error_text = g_strdup(g_hash_table_lookup(errors, file));
		return NULL;
	}
	if (!(handle = g_hash_table_lookup(handles, file))) {
		g_autoptr(GString) tried = g_string_new(NULL);
		g_autofree char *path = module_find(file, tried);
		char *why = NULL;
		if (!path)
			why = g_strdup_printf("dispo's module %s is not installed (looked in %s): "
			                      "install dispo again (make install)",
			                      file, tried->str);
		else if (!(handle = dlopen(path, RTLD_NOW | RTLD_LOCAL)))
			why = g_strdup_printf("cannot load dispo's module %s: %s", file, dlerror());
		else {
			/* A module is built with this very dispo: a serve still running
			 * after an upgrade must not load the new one into the old. */
			const char *version = dlsym(handle, "dispo_module_version");
			if (!version || strcmp(version, PACKAGE_VERSION) != 0) {
				why = g_strdup_printf("%s is dispo %s's module, this is dispo %s: restart "
				                      "dispo after an upgrade",
				                      path, version ? version : "(unknown)",
				                      PACKAGE_VERSION);
				dlclose(handle);
			}
		}
		if (why) {
			g_hash_table_insert(errors, g_strdup(file), why);
			*error_text = g_strdup(why);
			return NULL;
		}
		g_hash_table_insert(handles, g_strdup(file), handle);
	}
	if (!(sym = dlsym(handle, symbol))) {
		*error_text = g_strdup_printf("dispo's module %s has no %s: it is not this version's",
		                              file, symbol);
		return NULL;
	}
	return sym;
}
