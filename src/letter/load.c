/* SPDX-License-Identifier: GPL-3.0-or-later */
/* load.c: letter_render and letter_render_file as dispo has them: the
 * drawing (letter.c, with Cairo, Pango and the two dozen libraries they
 * bring: fontconfig, freetype, harfbuzz, pixman, X's...) lives in
 * dispo-letter.so (lib/module.c finds it), loaded the first time a letter
 * is drawn. Every other run of dispo (an MTA's pipe runs one per message)
 * starts without it. */
#include "config.h"

#include "letter/letter.h"

typedef GBytes *(*render_fn)(const dispo_letter *l, GError **error);
typedef bool (*render_file_fn)(const dispo_letter *l, const char *path, GError **error);

static void *
symbol(const char *name, GError **error)
{
	g_autofree char *why = NULL;
	void *sym = dispo_module_symbol("letter", name, &why);

	if (!sym)
		g_set_error(error, DISPO_LETTER_ERROR, DISPO_LETTER_ERROR_MODULE,
		            "cannot draw the letter: %s", why);
	return sym;
}

GBytes *
letter_render(const dispo_letter *l, GError **error)
{
	render_fn render = (render_fn)symbol("letter_module_render", error);
	return render ? render(l, error) : NULL;
}

bool
letter_render_file(const dispo_letter *l, const char *path, GError **error)
{
	render_file_fn render = (render_file_fn)symbol("letter_module_render_file", error);
	return render && render(l, path, error);
}
