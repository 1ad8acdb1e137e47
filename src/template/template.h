/* SPDX-License-Identifier: GPL-3.0-or-later */
/* template.h: a mustache renderer (the official spec's required modules:
 * comments, delimiters, interpolation, inverted, partials, sections) and the
 * email templates built on it: a header block, a blank line, the body. */
#ifndef DISPO_TEMPLATE_H
#define DISPO_TEMPLATE_H

#include "lib/lib.h"

#include <json-glib/json-glib.h>

#define DISPO_TEMPLATE_ERROR (dispo_template_error_quark())
GQuark dispo_template_error_quark(void);
typedef enum {
	DISPO_TEMPLATE_ERROR_SYNTAX,    /* unclosed tag or section, bad delimiters */
	DISPO_TEMPLATE_ERROR_NOT_FOUND, /* no such template file */
	DISPO_TEMPLATE_ERROR_INVALID,   /* an email template without Subject: … */
	DISPO_TEMPLATE_ERROR_LIMIT,     /* partials nested too deep, output too large */
} dispo_template_error_code;

/* A partial that includes itself without end stops here with an error
 * rather than exhausting the stack. */
#define DISPO_TEMPLATE_MAX_PARTIAL_DEPTH 64

typedef enum {
	DISPO_TEMPLATE_ESCAPE_HTML, /* {{x}} escapes & < > " as the spec says */
	DISPO_TEMPLATE_ESCAPE_NONE, /* text/plain emails: values go in as they are */
	/* As NONE, except that values placed before the output's first blank
	 * line (an email's header block) have CR, LF and tabs turned into spaces
	 * and other control characters removed: a value can neither add a
	 * header nor end the header block. template_email_render uses it. */
	DISPO_TEMPLATE_ESCAPE_EMAIL,
} dispo_template_escape;

/* Renders mustache text against data (any JSON value; the context stack
 * starts with it). partials maps a name to its text (may be NULL). Errors
 * name the line and column: "3:14: unclosed section \"items\"". */
char *template_render(const char *text, JsonNode *data, GHashTable *partials,
                      dispo_template_escape escape, GError **error);

/* Finds the text of partial name for template_render_full: sets *text (owned
 * by the loader, valid until the render returns) or leaves it NULL when
 * there is no such partial (it then renders as nothing, as the spec says);
 * returns false with error set to stop the render. */
typedef bool (*dispo_template_partial_fn)(const char *name, const char **text, void *user_data,
                                          GError **error);

/* template_render with partials loaded on demand (from files, say). */
char *template_render_full(const char *text, JsonNode *data, dispo_template_partial_fn partial,
                           void *user_data, dispo_template_escape escape, GError **error);

/* An email rendered from templates/<lang>/<name>.mustache. */
typedef struct dispo_email_text {
	char *subject;      /* cleaned UTF-8 (no CR, LF or control characters) */
	GPtrArray *headers; /* char * pairs: name, value, name, value… (Cc:, …) cleaned */
	char *body;         /* UTF-8 text with \n line ends, ends in one \n */
} dispo_email_text;

void template_email_free(dispo_email_text *email);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(dispo_email_text, template_email_free)

/* Splits rendered text into its header block and body. The header block is
 * "Name: value" lines (folded continuation lines joined) up to the first
 * blank line; Subject is required. Values have CR, LF and control
 * characters removed (a value cannot add a header). */
dispo_email_text *template_email_parse(const char *rendered, GError **error);

/* dir is a path or a GIO URI (resource:///dispo/templates for the copies
 * built into the binary); files are read with GFile.
 * Loads <dir>/<lang>/<name>.mustache (falling back to <dir>/id/ when the
 * language has no such file), renders it with data (no HTML escaping;
 * partials from the same directory as <dir>/<lang>/<partial>.mustache) and
 * parses it. */
dispo_email_text *template_email_render(const char *dir, const char *lang, const char *name,
                                        JsonNode *data, GError **error);

/* The HTML alternative of email template name: <dir>/<lang>/<name>.html.mustache
 * (else id/) rendered with HTML escaping ({{x}} escaped, {{{x}}} as it is),
 * partials from the same directories. NULL without error when there is
 * no such file: the text part alone goes out. */
char *template_html_render(const char *dir, const char *lang, const char *name, JsonNode *data,
                           GError **error);

/* True when <dir>/<lang>/<name>.mustache or <dir>/id/<name>.mustache exists
 * (rules check). */
bool template_exists(const char *dir, const char *lang, const char *name);

#endif
