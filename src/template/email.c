/* SPDX-License-Identifier: GPL-3.0-or-later */
/* email.c: email templates: templates/<lang>/<name>.mustache read through
 * GIO (a directory or the copies built into the binary), rendered, and split
 * into the few headers a template may set and a text body. */
#include "config.h"

#include "template/template.h"

#include <gio/gio.h>
#include <stdarg.h>
#include <string.h>

/* A template is a page or two of text; anything near this is a mistake. */
#define MAX_TEMPLATE_SIZE (1u << 20)

void
template_email_free(dispo_email_text *email)
{
	if (!email)
		return;
	g_free(email->subject);
	if (email->headers)
		g_ptr_array_unref(email->headers);
	g_free(email->body);
	g_free(email);
}

/* ---- the header block --------------------------------------------------- */

/* Headers dispo sets itself: a template that sets them would break
 * threading, reply tokens or loop protection. */
static bool
header_is_dispos(const char *name)
{
	static const char *const names[] = {
	    "From",           "To",          "Message-ID", "Date",   "Reply-To",    "MIME-Version",
	    "Auto-Submitted", "In-Reply-To", "References", "Sender", "Return-Path",
	};

	if (g_ascii_strncasecmp(name, "Content-", 8) == 0)
		return true;
	for (size_t i = 0; i < G_N_ELEMENTS(names); i++)
		if (g_ascii_strcasecmp(name, names[i]) == 0)
			return true;
	return false;
}

static bool
header_is_allowed(const char *name)
{
	return g_ascii_strcasecmp(name, "Subject") == 0 || g_ascii_strcasecmp(name, "Cc") == 0 ||
	       (g_ascii_strncasecmp(name, "X-", 2) == 0 && name[2] != '\0');
}

static bool
header_name_valid(const char *s, size_t len)
{
	if (len == 0)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!g_ascii_isalnum(s[i]) && s[i] != '-')
			return false;
	return true;
}

/* Control characters go, line and word breaks become one space, and
 * bidirectional overrides go too (they can make a subject read backwards). */
static char *
header_value_clean(const char *s)
{
	GString *out = g_string_new(NULL);
	bool space = false;

	for (const char *p = s; *p; p = g_utf8_next_char(p)) {
		gunichar c = g_utf8_get_char(p);
		if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == 0x2028 || c == 0x2029) {
			space = true;
		} else if (g_unichar_iscntrl(c) || (c >= 0x202A && c <= 0x202E) ||
		           (c >= 0x2066 && c <= 0x2069)) {
			continue;
		} else {
			if (space && out->len > 0)
				g_string_append_c(out, ' ');
			space = false;
			g_string_append_len(out, p, g_utf8_next_char(p) - p);
		}
	}
	return g_string_free(out, FALSE);
}

static bool
line_is_blank(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
			return false;
	return true;
}

static bool G_GNUC_PRINTF(2, 3) email_invalid(GError **error, const char *fmt, ...)
{
	g_autofree char *msg = NULL;
	va_list ap;

	va_start(ap, fmt);
	msg = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	g_set_error_literal(error, DISPO_TEMPLATE_ERROR, DISPO_TEMPLATE_ERROR_INVALID, msg);
	return false;
}

/* Stores one unfolded header. Headers other than Subject whose value is
 * empty are dropped: "Cc: {{cc}}" with no cc means no Cc. */
static bool
email_header_add(dispo_email_text *email, const char *name, const char *raw, unsigned line,
                 GError **error)
{
	g_autofree char *value = header_value_clean(raw);

	if (g_ascii_strcasecmp(name, "Subject") == 0) {
		if (email->subject)
			return email_invalid(error, "line %u: a second Subject header", line);
		if (!*value)
			return email_invalid(error, "line %u: the Subject is empty", line);
		email->subject = g_steal_pointer(&value);
		return true;
	}
	if (*value) {
		g_ptr_array_add(email->headers, g_strdup(name));
		g_ptr_array_add(email->headers, g_steal_pointer(&value));
	}
	return true;
}

static char *
email_body_clean(const char *s)
{
	g_autoptr(GString) b = g_string_sized_new(strlen(s) + 1);
	char *clean;
	size_t n;

	/* CR LF and a lone CR are both line ends. */
	for (const char *p = s; *p; p++) {
		if (*p == '\r') {
			if (p[1] != '\n')
				g_string_append_c(b, '\n');
		} else {
			g_string_append_c(b, *p);
		}
	}
	clean = dispo_utf8_clean(b->str, (gssize)b->len);
	n = strlen(clean);
	while (n > 0 && (clean[n - 1] == '\n' || clean[n - 1] == ' ' || clean[n - 1] == '\t'))
		n--;
	clean = g_realloc(clean, n + 2);
	clean[n] = '\n';
	clean[n + 1] = '\0';
	return clean;
}

/* The header block ends at the first blank (or blank-looking) line; text
 * without one is refused rather than guessed at, since a template that
 * forgot it would otherwise lose its first paragraph or its body. */
dispo_email_text *
template_email_parse(const char *rendered, GError **error)
{
	g_autoptr(dispo_email_text) email = g_new0(dispo_email_text, 1);
	g_autoptr(GString) value = g_string_new(NULL);
	g_autofree char *name = NULL;
	const char *p = rendered;
	unsigned line = 0, name_line = 0;
	bool blank = false;

	g_return_val_if_fail(rendered != NULL, NULL);
	email->headers = g_ptr_array_new_with_free_func(g_free);
	if (!g_utf8_validate(rendered, -1, NULL)) {
		email_invalid(error, "the email text is not valid UTF-8");
		return NULL;
	}
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		const char *s = p, *colon;

		p = nl ? nl + 1 : p + len;
		line++;
		if (line_is_blank(s, len)) {
			blank = true;
			break;
		}
		if (*s == ' ' || *s == '\t') {
			if (!name) {
				email_invalid(
				    error,
				    "line %u: a continuation line (starting with a space) with no "
				    "header before it",
				    line);
				return NULL;
			}
			g_string_append_c(value, ' ');
			g_string_append_len(value, s, len);
			continue;
		}
		if (name && !email_header_add(email, name, value->str, name_line, error))
			return NULL;
		g_clear_pointer(&name, g_free);
		colon = memchr(s, ':', len);
		if (!colon || !header_name_valid(s, (size_t)(colon - s))) {
			g_autofree char *shown = g_strndup(s, len);
			g_autofree char *cut = dispo_utf8_truncate(g_strchomp(shown), 40);
			email_invalid(
			    error,
			    "line %u: \"%s\" is not a header (Name: value); a template starts "
			    "with its headers, then a blank line, then the body",
			    line, cut);
			return NULL;
		}
		name = g_strndup(s, (size_t)(colon - s));
		if (!header_is_allowed(name)) {
			email_invalid(
			    error,
			    "line %u: header \"%s\" %s; templates may set only Subject, Cc and "
			    "X-* headers",
			    line, name,
			    header_is_dispos(name) ? "is set by dispo" : "is not allowed");
			return NULL;
		}
		name_line = line;
		g_string_assign(value, "");
		g_string_append_len(value, colon + 1, len - (size_t)(colon + 1 - s));
	}
	if (name && !email_header_add(email, name, value->str, name_line, error))
		return NULL;
	if (!blank) {
		email_invalid(error,
		              "no blank line after the header block (line %u): a template is "
		              "its headers, a blank line, then the body",
		              line);
		return NULL;
	}
	if (!email->subject) {
		email_invalid(error, "no Subject header: a template starts with \"Subject: …\"");
		return NULL;
	}
	email->body = email_body_clean(p);
	return g_steal_pointer(&email);
}

/* ---- files -------------------------------------------------------------- */

/* Language and template names become path components: no separators, no
 * dot files, nothing that climbs. */
static bool
component_valid(const char *s)
{
	if (!s || !*s || *s == '.' || strlen(s) > 128)
		return false;
	for (const char *p = s; *p; p++)
		if (!g_ascii_isalnum(*p) && *p != '-' && *p != '_' && *p != '.')
			return false;
	return true;
}

static GFile *
template_root(const char *dir)
{
	if (strstr(dir, "://"))
		return g_file_new_for_uri(dir);
	return g_file_new_for_path(dir);
}

static GFile *
template_file(GFile *langdir, const char *name)
{
	g_autofree char *base = g_strconcat(name, ".mustache", NULL);
	return g_file_get_child(langdir, base);
}

/* Reads file. Returns false leaving *error unset when it does not exist. */
static bool
template_load(GFile *file, char **text, GError **error)
{
	g_autofree char *path = g_file_get_parse_name(file);
	g_autoptr(GError) e = NULL;
	char *data = NULL;
	gsize len = 0;

	if (!g_file_load_contents(file, NULL, &data, &len, NULL, &e)) {
		if (g_error_matches(e, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
			return false;
		g_set_error(error, DISPO_TEMPLATE_ERROR, DISPO_TEMPLATE_ERROR_NOT_FOUND,
		            "cannot read %s: %s", path, e->message);
		return false;
	}
	if (len > MAX_TEMPLATE_SIZE || memchr(data, '\0', len)) {
		g_set_error(error, DISPO_TEMPLATE_ERROR, DISPO_TEMPLATE_ERROR_INVALID, "%s: %s",
		            path,
		            len > MAX_TEMPLATE_SIZE ? "larger than 1 MB" : "contains a NUL byte");
		g_free(data);
		return false;
	}
	*text = data;
	return true;
}

typedef struct partials {
	GFile *dirs[2];     /* where the template was found, then id/ */
	GHashTable *loaded; /* name → text */
} partials;

/* A partial named in an email template must exist: an email that silently
 * lacks its footer or its instructions is worse than one not sent. */
static bool
partial_load(const char *name, const char **text, void *user_data, GError **error)
{
	partials *ps = user_data;
	g_autofree char *first = NULL;
	char *data = NULL;

	*text = g_hash_table_lookup(ps->loaded, name);
	if (*text)
		return true;
	if (!component_valid(name)) {
		g_autofree char *cut = dispo_utf8_truncate(name, 40);
		g_set_error(error, DISPO_TEMPLATE_ERROR, DISPO_TEMPLATE_ERROR_NOT_FOUND,
		            "invalid partial name \"%s\" (letters, digits, '-', '_', '.')", cut);
		return false;
	}
	for (size_t i = 0; i < G_N_ELEMENTS(ps->dirs) && ps->dirs[i]; i++) {
		g_autoptr(GFile) f = template_file(ps->dirs[i], name);
		if (template_load(f, &data, error))
			break;
		if (error && *error)
			return false;
		if (!first)
			first = g_file_get_parse_name(f);
	}
	if (!data) {
		g_set_error(error, DISPO_TEMPLATE_ERROR, DISPO_TEMPLATE_ERROR_NOT_FOUND,
		            "no partial \"%s\": looked for %s%s", name, first,
		            ps->dirs[1] ? " and in id/" : "");
		return false;
	}
	g_hash_table_insert(ps->loaded, g_strdup(name), data);
	*text = data;
	return true;
}

/* Renders <dir>/<lang>/<name>.mustache (else <dir>/id/…) with escape;
 * *path names the file for messages. */
static char *
template_file_render(const char *dir, const char *lang, const char *name, JsonNode *data,
                     dispo_template_escape escape, char **path_out, GError **error)
{
	g_autoptr(GFile) root = NULL;
	g_autoptr(GFile) found = NULL;
	g_autofree char *text = NULL;
	g_autofree char *path = NULL;
	g_autofree char *tried = NULL;
	g_autofree char *rendered = NULL;
	partials ps = {{NULL, NULL}, NULL};
	const char *langs[] = {lang, "id"};
	GError *e = NULL;

	g_return_val_if_fail(dir != NULL, NULL);
	if (!component_valid(lang) || !component_valid(name)) {
		g_set_error(error, DISPO_TEMPLATE_ERROR, DISPO_TEMPLATE_ERROR_NOT_FOUND,
		            "invalid template name \"%s/%s\"", lang ? lang : "(null)",
		            name ? name : "(null)");
		return NULL;
	}
	root = template_root(dir);
	for (size_t i = 0; i < G_N_ELEMENTS(langs) && !text; i++) {
		g_autoptr(GFile) langdir = NULL;
		g_autoptr(GFile) f = NULL;
		if (i > 0 && strcmp(langs[i], lang) == 0)
			break;
		langdir = g_file_get_child(root, langs[i]);
		f = template_file(langdir, name);
		g_free(path);
		path = g_file_get_parse_name(f);
		if (template_load(f, &text, &e)) {
			found = g_steal_pointer(&langdir);
			break;
		}
		if (e) {
			g_propagate_error(error, e);
			return NULL;
		}
		if (tried) {
			char *both = g_strconcat(tried, " and ", path, NULL);
			g_free(tried);
			tried = both;
		} else {
			tried = g_strdup(path);
		}
	}
	if (!text) {
		g_set_error(error, DISPO_TEMPLATE_ERROR, DISPO_TEMPLATE_ERROR_NOT_FOUND,
		            "no template \"%s\": looked for %s", name, tried);
		return NULL;
	}

	/* Partials come from the template's own language first, so that an
	 * English email does not get an Indonesian footer when both exist. */
	ps.dirs[0] = found;
	ps.dirs[1] = g_file_get_child(root, "id");
	if (g_file_equal(ps.dirs[1], found))
		g_clear_object(&ps.dirs[1]);
	ps.loaded = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	rendered =
	    template_render_full(text, data, partial_load, &ps, escape, &e);
	g_hash_table_unref(ps.loaded);
	g_clear_object(&ps.dirs[1]);
	if (!rendered) {
		/* "path:3:14: unclosed section", as compilers write it */
		g_propagate_prefixed_error(
		    error, e,
		    g_error_matches(e, DISPO_TEMPLATE_ERROR, DISPO_TEMPLATE_ERROR_SYNTAX) ? "%s:"
		                                                                          : "%s: ",
		    path);
		return NULL;
	}
	*path_out = g_steal_pointer(&path);
	return g_steal_pointer(&rendered);
}

dispo_email_text *
template_email_render(const char *dir, const char *lang, const char *name, JsonNode *data,
                      GError **error)
{
	g_autofree char *path = NULL;
	g_autofree char *rendered =
	    template_file_render(dir, lang, name, data, DISPO_TEMPLATE_ESCAPE_EMAIL, &path, error);
	GError *e = NULL;
	dispo_email_text *email;

	if (!rendered)
		return NULL;
	email = template_email_parse(rendered, &e);
	if (!email)
		g_propagate_prefixed_error(error, e, "%s: ", path);
	return email;
}

char *
template_html_render(const char *dir, const char *lang, const char *name, JsonNode *data,
                     GError **error)
{
	g_autofree char *html_name = g_strconcat(name ? name : "", ".html", NULL);
	g_autofree char *path = NULL;
	char *out;

	if (!template_exists(dir, lang, html_name))
		return NULL;
	out = template_file_render(dir, lang, html_name, data, DISPO_TEMPLATE_ESCAPE_HTML, &path,
	                           error);
	if (out && !g_utf8_validate(out, -1, NULL)) {
		g_set_error(error, DISPO_TEMPLATE_ERROR, DISPO_TEMPLATE_ERROR_INVALID,
		            "%s: the rendered HTML is not valid UTF-8", path);
		g_clear_pointer(&out, g_free);
	}
	return out;
}

bool
template_exists(const char *dir, const char *lang, const char *name)
{
	g_autoptr(GFile) root = NULL;
	const char *langs[] = {lang, "id"};

	if (!dir || !component_valid(lang) || !component_valid(name))
		return false;
	root = template_root(dir);
	for (size_t i = 0; i < G_N_ELEMENTS(langs); i++) {
		g_autoptr(GFile) langdir = g_file_get_child(root, langs[i]);
		g_autoptr(GFile) f = template_file(langdir, name);
		if (g_file_query_file_type(f, G_FILE_QUERY_INFO_NONE, NULL) == G_FILE_TYPE_REGULAR)
			return true;
	}
	return false;
}
