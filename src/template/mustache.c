/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mustache.c: the mustache renderer the email templates are written in
 * (the spec's required modules): text is parsed into a tree, which is
 * rendered against a stack of JSON contexts. */
#include "config.h"

#include "template/template.h"

#include <stdarg.h>
#include <string.h>

G_DEFINE_QUARK(dispo - template - error - quark, dispo_template_error)

/* Templates are administrators' files and data comes from applicants, but a
 * fuzzer (or a careless edit) can write sections or partials whose output
 * grows exponentially; these bounds keep a render finite and small. */
#define MAX_NESTING      128             /* sections open at once in one text */
#define MAX_RENDER_DEPTH 512             /* sections open at once, partials included */
#define MAX_OUTPUT       (16u << 20)     /* bytes rendered */
#define MAX_STEPS        (4u * 1000000u) /* nodes visited, partial bytes parsed / 16 */

typedef enum {
	NODE_TEXT,
	NODE_VAR,
	NODE_SECTION,
	NODE_INVERTED,
	NODE_PARTIAL,
} node_type;

typedef struct node {
	node_type type;
	bool escape;         /* VAR: {{x}} rather than {{{x}}} or {{&x}} */
	char *str;           /* TEXT: the text; otherwise the name as written */
	size_t len;          /* TEXT: its length */
	char **path;         /* VAR, SECTION, INVERTED: the dotted name split; NULL for "." */
	char *indent;        /* PARTIAL: the indentation of a standalone tag */
	GPtrArray *children; /* SECTION, INVERTED */
	size_t pos;          /* offset of the tag, for errors */
} node;

static void
node_free(gpointer p)
{
	node *n = p;

	if (!n)
		return;
	g_free(n->str);
	g_strfreev(n->path);
	g_free(n->indent);
	if (n->children)
		g_ptr_array_unref(n->children);
	g_free(n);
}

/* ---- parsing ------------------------------------------------------------ */

typedef struct parser {
	const char *text;
	size_t len;
	const char *origin; /* partial name, or NULL for the template itself */
	char *open, *close;
	GPtrArray *root;
	GPtrArray *stack; /* open section nodes, borrowed */
} parser;

static void
text_position(const char *text, size_t pos, unsigned *line, unsigned *col)
{
	*line = 1;
	*col = 1;
	for (size_t i = 0; i < pos && text[i]; i++) {
		unsigned char c = (unsigned char)text[i];
		if (c == '\n') {
			(*line)++;
			*col = 1;
		} else if ((c & 0xC0) != 0x80) {
			(*col)++;
		}
	}
}

static void G_GNUC_PRINTF(4, 5)
    parse_error(const parser *p, size_t pos, GError **error, const char *fmt, ...)
{
	g_autofree char *msg = NULL;
	unsigned line, col;
	va_list ap;

	text_position(p->text, pos, &line, &col);
	va_start(ap, fmt);
	msg = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	if (p->origin)
		g_set_error(error, DISPO_TEMPLATE_ERROR, DISPO_TEMPLATE_ERROR_SYNTAX,
		            "%u:%u: %s (in partial \"%s\")", line, col, msg, p->origin);
	else
		g_set_error(error, DISPO_TEMPLATE_ERROR, DISPO_TEMPLATE_ERROR_SYNTAX, "%u:%u: %s",
		            line, col, msg);
}

/* Names quoted in messages are cut short: a broken tag can swallow a page. */
static char *
quote(const char *s, size_t len)
{
	g_autofree char *copy = g_strndup(s, len);
	return dispo_utf8_truncate(copy, 40);
}

static bool
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static GPtrArray *
parser_container(parser *p)
{
	if (p->stack->len == 0)
		return p->root;
	return ((node *)p->stack->pdata[p->stack->len - 1])->children;
}

static void
parser_add_text(parser *p, size_t from, size_t to)
{
	node *n;

	if (to <= from)
		return;
	n = g_new0(node, 1);
	n->type = NODE_TEXT;
	n->str = g_strndup(p->text + from, to - from);
	n->len = to - from;
	n->pos = from;
	g_ptr_array_add(parser_container(p), n);
}

/* A tag alone on its line (only blanks around it) takes the whole line with
 * it, so that sections and comments do not leave empty lines behind. */
static bool
parser_standalone(const parser *p, size_t text_start, size_t tag, size_t tag_end,
                  size_t *line_start, size_t *next)
{
	size_t s = tag, e = tag_end;

	while (s > text_start && (p->text[s - 1] == ' ' || p->text[s - 1] == '\t'))
		s--;
	if (s > 0 && p->text[s - 1] != '\n')
		return false;
	while (e < p->len && (p->text[e] == ' ' || p->text[e] == '\t'))
		e++;
	if (e < p->len) {
		if (p->text[e] == '\n')
			e++;
		else if (p->text[e] == '\r' && e + 1 < p->len && p->text[e + 1] == '\n')
			e += 2;
		else
			return false;
	}
	*line_start = s;
	*next = e;
	return true;
}

static bool
parser_set_delimiters(parser *p, size_t tag, const char *s, size_t len, GError **error)
{
	g_autofree char *inner = g_strndup(s, len);
	g_autofree char *shown = quote(s, len);
	GPtrArray *words = g_ptr_array_new();

	g_strstrip(inner);
	for (char *w = strtok(inner, " \t\r\n"); w; w = strtok(NULL, " \t\r\n"))
		g_ptr_array_add(words, w);
	if (words->len != 2) {
		g_ptr_array_free(words, TRUE);
		parse_error(
		    p, tag, error,
		    "bad delimiter change \"%s\": write two delimiters, as in {{=<%% %%>=}}",
		    shown);
		return false;
	}
	for (unsigned i = 0; i < 2; i++) {
		if (strchr(words->pdata[i], '=')) {
			g_ptr_array_free(words, TRUE);
			parse_error(p, tag, error,
			            "bad delimiter change \"%s\": a delimiter cannot contain '='",
			            shown);
			return false;
		}
	}
	g_free(p->open);
	g_free(p->close);
	p->open = g_strdup(words->pdata[0]);
	p->close = g_strdup(words->pdata[1]);
	g_ptr_array_free(words, TRUE);
	return true;
}

/* Checks a variable or section name and splits it at its dots. */
static bool
parser_name(parser *p, size_t tag, const char *s, size_t len, bool dotted, char **name,
            char ***path, GError **error)
{
	g_autofree char *shown = NULL;

	while (len > 0 && is_space(*s)) {
		s++;
		len--;
	}
	while (len > 0 && is_space(s[len - 1]))
		len--;
	if (len == 0) {
		parse_error(p, tag, error, "empty tag name");
		return false;
	}
	shown = quote(s, len);
	for (size_t i = 0; i < len; i++) {
		if (is_space(s[i])) {
			parse_error(p, tag, error, "invalid name \"%s\": names have no spaces",
			            shown);
			return false;
		}
	}
	*name = g_strndup(s, len);
	if (!dotted)
		return true;
	if (strcmp(*name, ".") == 0) {
		*path = NULL;
		return true;
	}
	*path = g_strsplit(*name, ".", -1);
	for (char **part = *path; *part; part++) {
		if (**part == '\0') {
			parse_error(p, tag, error, "invalid name \"%s\": empty part between dots",
			            shown);
			g_clear_pointer(name, g_free);
			g_clear_pointer(path, g_strfreev);
			return false;
		}
	}
	return true;
}

static bool
parser_tag(parser *p, char sigil, size_t tag, const char *s, size_t len, char *indent,
           GError **error)
{
	g_autofree char *name = NULL;
	char **path = NULL;
	node *n, *open;

	switch (sigil) {
	case '!': return true;
	case '=': return parser_set_delimiters(p, tag, s, len, error);
	case '/':
		if (!parser_name(p, tag, s, len, false, &name, &path, error))
			return false;
		if (p->stack->len == 0) {
			g_autofree char *shown = quote(name, strlen(name));
			parse_error(p, tag, error, "closing tag \"%s\" without an open section",
			            shown);
			return false;
		}
		open = p->stack->pdata[p->stack->len - 1];
		if (strcmp(open->str, name) != 0) {
			g_autofree char *shown = quote(name, strlen(name));
			g_autofree char *want = quote(open->str, strlen(open->str));
			unsigned line, col;
			text_position(p->text, open->pos, &line, &col);
			parse_error(
			    p, tag, error,
			    "closing tag \"%s\" does not match section \"%s\" opened at %u:%u",
			    shown, want, line, col);
			return false;
		}
		g_ptr_array_set_size(p->stack, p->stack->len - 1);
		return true;
	default: break;
	}

	n = g_new0(node, 1);
	n->pos = tag;
	if (!parser_name(p, tag, s, len, sigil != '>', &n->str, &n->path, error)) {
		node_free(n);
		return false;
	}
	switch (sigil) {
	case '#':
	case '^':
		if (p->stack->len >= MAX_NESTING) {
			node_free(n);
			parse_error(p, tag, error, "sections nested deeper than %d", MAX_NESTING);
			return false;
		}
		n->type = sigil == '#' ? NODE_SECTION : NODE_INVERTED;
		n->children = g_ptr_array_new_with_free_func(node_free);
		g_ptr_array_add(parser_container(p), n);
		g_ptr_array_add(p->stack, n);
		return true;
	case '>':
		n->type = NODE_PARTIAL;
		n->indent = g_strdup(indent);
		break;
	default:
		n->type = NODE_VAR;
		n->escape = sigil == 0;
		break;
	}
	g_ptr_array_add(parser_container(p), n);
	return true;
}

static GPtrArray *
template_parse(const char *text, const char *origin, GError **error)
{
	parser p = {
	    .text = text,
	    .len = strlen(text),
	    .origin = origin,
	    .open = g_strdup("{{"),
	    .close = g_strdup("}}"),
	    .root = g_ptr_array_new_with_free_func(node_free),
	    .stack = g_ptr_array_new(),
	};
	const char *bad;
	size_t pos = 0, text_start = 0;
	bool ok = true;

	if (!g_utf8_validate(text, -1, &bad)) {
		parse_error(&p, (size_t)(bad - text), error, "invalid UTF-8");
		ok = false;
	}
	while (ok) {
		size_t olen = strlen(p.open);
		const char *o = memmem(text + pos, p.len - pos, p.open, olen);
		g_autofree char *end_seq = NULL;
		g_autofree char *indent = NULL;
		size_t tag, inner, end, tag_end, line_start, next;
		const char *e;
		char sigil = 0;

		if (!o)
			break;
		tag = (size_t)(o - text);
		inner = tag + olen;
		if (inner < p.len && strchr("!#^/>&{=", text[inner]))
			sigil = text[inner++];
		if (sigil == '{')
			end_seq = g_strconcat("}", p.close, NULL);
		else if (sigil == '=')
			end_seq = g_strconcat("=", p.close, NULL);
		else
			end_seq = g_strdup(p.close);
		e = memmem(text + inner, p.len - inner, end_seq, strlen(end_seq));
		if (!e) {
			parse_error(&p, tag, error, "unclosed tag: no \"%s\" after \"%s%s\"",
			            end_seq, p.open, sigil ? (char[]){sigil, 0} : "");
			ok = false;
			break;
		}
		end = (size_t)(e - text);
		tag_end = end + strlen(end_seq);

		if (sigil && strchr("!#^/>=", sigil) &&
		    parser_standalone(&p, text_start, tag, tag_end, &line_start, &next)) {
			parser_add_text(&p, text_start, line_start);
			indent = g_strndup(text + line_start, tag - line_start);
			pos = next;
		} else {
			parser_add_text(&p, text_start, tag);
			pos = tag_end;
		}
		text_start = pos;
		ok = parser_tag(&p, sigil, tag, text + inner, end - inner, indent, error);
	}
	if (ok) {
		parser_add_text(&p, text_start, p.len);
		if (p.stack->len > 0) {
			node *open = p.stack->pdata[p.stack->len - 1];
			g_autofree char *shown = quote(open->str, strlen(open->str));
			parse_error(&p, open->pos, error, "unclosed section \"%s\"", shown);
			ok = false;
		}
	}
	g_free(p.open);
	g_free(p.close);
	g_ptr_array_unref(p.stack);
	if (!ok) {
		g_ptr_array_unref(p.root);
		return NULL;
	}
	return p.root;
}

/* ---- rendering ---------------------------------------------------------- */

typedef struct render {
	GString *out;
	dispo_template_escape escape;
	GPtrArray *ctx; /* JsonNode *, borrowed; the innermost last */
	dispo_template_partial_fn partial;
	void *partial_data;
	GHashTable *parsed; /* indent "\n" name → GPtrArray tree */
	unsigned partial_depth;
	unsigned depth;
	size_t steps;
	bool in_header;  /* ESCAPE_EMAIL: no blank line written yet */
	bool line_blank; /* ESCAPE_EMAIL: the current line is blank so far */
	GError **error;
} render;

static bool G_GNUC_PRINTF(2, 3) render_limit(render *r, const char *fmt, ...)
{
	g_autofree char *msg = NULL;
	va_list ap;

	va_start(ap, fmt);
	msg = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	g_set_error_literal(r->error, DISPO_TEMPLATE_ERROR, DISPO_TEMPLATE_ERROR_LIMIT, msg);
	return false;
}

/* Follows the output's lines until the first blank one, the end of an
 * email's header block (the same rule as template_email_parse). */
static void
render_scan(render *r, const char *s, size_t len)
{
	for (size_t i = 0; i < len && r->in_header; i++) {
		if (s[i] == '\n') {
			if (r->line_blank)
				r->in_header = false;
			r->line_blank = true;
		} else if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r') {
			r->line_blank = false;
		}
	}
}

static bool
render_emit(render *r, const char *s, size_t len)
{
	if (r->escape == DISPO_TEMPLATE_ESCAPE_EMAIL)
		render_scan(r, s, len);
	g_string_append_len(r->out, s, len);
	if (r->out->len > MAX_OUTPUT)
		return render_limit(r, "the output exceeds %u MB", MAX_OUTPUT >> 20);
	return true;
}

static bool
render_escaped(render *r, const char *s, bool escape)
{
	g_autoptr(GString) buf = NULL;
	const char *p;

	if (escape && r->escape == DISPO_TEMPLATE_ESCAPE_HTML) {
		buf = g_string_sized_new(strlen(s));
		for (p = s; *p; p++) {
			switch (*p) {
			case '&': g_string_append(buf, "&amp;"); break;
			case '<': g_string_append(buf, "&lt;"); break;
			case '>': g_string_append(buf, "&gt;"); break;
			case '"': g_string_append(buf, "&quot;"); break;
			default: g_string_append_c(buf, *p); break;
			}
		}
		return render_emit(r, buf->str, buf->len);
	}
	if (r->escape == DISPO_TEMPLATE_ESCAPE_EMAIL && r->in_header &&
	    g_utf8_validate(s, -1, NULL)) {
		buf = g_string_sized_new(strlen(s));
		for (p = s; *p; p = g_utf8_next_char(p)) {
			gunichar c = g_utf8_get_char(p);
			if (c == '\r' || c == '\n' || c == '\t' || c == 0x2028 || c == 0x2029)
				g_string_append_c(buf, ' ');
			else if (!g_unichar_iscntrl(c))
				g_string_append_len(buf, p, g_utf8_next_char(p) - p);
		}
		return render_emit(r, buf->str, buf->len);
	}
	if (r->escape == DISPO_TEMPLATE_ESCAPE_EMAIL && r->in_header) {
		/* Not UTF-8: the final check refuses the output anyway, but no
		 * line break may slip into the header block meanwhile. */
		buf = g_string_new(s);
		for (gsize i = 0; i < buf->len; i++)
			if ((unsigned char)buf->str[i] < 0x20)
				buf->str[i] = ' ';
		return render_emit(r, buf->str, buf->len);
	}
	return render_emit(r, s, strlen(s));
}

/* The shortest form that reads back as the same double: 1.21, not
 * 1.2099999999999999; 3.0 as 3. Never the locale's decimal comma. */
static void
format_double(double d, char buf[G_ASCII_DTOSTR_BUF_SIZE])
{
	static const char *const formats[] = {"%.15g", "%.16g", "%.17g"};

	for (size_t i = 0; i < G_N_ELEMENTS(formats); i++) {
		g_ascii_formatd(buf, G_ASCII_DTOSTR_BUF_SIZE, formats[i], d);
		if (g_ascii_strtod(buf, NULL) == d)
			return;
	}
}

static bool
render_value(render *r, JsonNode *v, bool escape)
{
	char buf[G_ASCII_DTOSTR_BUF_SIZE];
	GType type;

	if (!v || !JSON_NODE_HOLDS_VALUE(v))
		return true; /* missing, null, objects and arrays render as nothing */
	type = json_node_get_value_type(v);
	if (type == G_TYPE_STRING) {
		const char *s = json_node_get_string(v);
		return s ? render_escaped(r, s, escape) : true;
	}
	if (type == G_TYPE_INT64)
		g_snprintf(buf, sizeof buf, "%" G_GINT64_FORMAT, (gint64)json_node_get_int(v));
	else if (type == G_TYPE_DOUBLE)
		format_double(json_node_get_double(v), buf);
	else if (type == G_TYPE_BOOLEAN)
		g_strlcpy(buf, json_node_get_boolean(v) ? "true" : "false", sizeof buf);
	else
		return true;
	return render_escaped(r, buf, escape);
}

/* The first part of a name is looked up from the innermost context
 * outwards; the rest only inside what the first found ("Broken Chain
 * Resolution" in the spec). */
static JsonNode *
render_lookup(render *r, char **path)
{
	JsonNode *v = NULL;

	if (!path)
		return r->ctx->len ? r->ctx->pdata[r->ctx->len - 1] : NULL;
	for (unsigned i = r->ctx->len; i-- > 0;) {
		JsonNode *c = r->ctx->pdata[i];
		if (JSON_NODE_HOLDS_OBJECT(c) &&
		    json_object_has_member(json_node_get_object(c), path[0])) {
			v = json_object_get_member(json_node_get_object(c), path[0]);
			break;
		}
	}
	for (size_t k = 1; v && path[k]; k++) {
		if (!JSON_NODE_HOLDS_OBJECT(v))
			return NULL;
		v = json_object_get_member(json_node_get_object(v), path[k]);
	}
	return v;
}

/* False, null and the empty list are falsey as the spec says; so is the
 * empty string (as in mustache.js), so that {{#reason}}Reason: {{reason}}
 * {{/reason}} leaves nothing behind when the reason is empty. */
static bool
truthy(JsonNode *v)
{
	GType type;

	if (!v)
		return false;
	switch (json_node_get_node_type(v)) {
	case JSON_NODE_NULL: return false;
	case JSON_NODE_ARRAY: return json_array_get_length(json_node_get_array(v)) > 0;
	case JSON_NODE_OBJECT: return true;
	case JSON_NODE_VALUE:
		type = json_node_get_value_type(v);
		if (type == G_TYPE_BOOLEAN)
			return json_node_get_boolean(v);
		if (type == G_TYPE_STRING) {
			const char *s = json_node_get_string(v);
			return s && *s;
		}
		return true;
	}
	return true;
}

static bool render_nodes(render *r, GPtrArray *nodes);

static bool
render_with(render *r, JsonNode *v, GPtrArray *children)
{
	bool ok;

	g_ptr_array_add(r->ctx, v);
	ok = render_nodes(r, children);
	g_ptr_array_set_size(r->ctx, r->ctx->len - 1);
	return ok;
}

static bool
render_section(render *r, node *n)
{
	JsonNode *v = render_lookup(r, n->path);
	bool ok = true;

	if (n->type == NODE_INVERTED)
		return truthy(v) ? true : render_nodes(r, n->children);
	if (!truthy(v))
		return true;
	if (r->depth >= MAX_RENDER_DEPTH)
		return render_limit(r, "sections nested deeper than %d", MAX_RENDER_DEPTH);
	r->depth++;
	if (JSON_NODE_HOLDS_ARRAY(v)) {
		JsonArray *a = json_node_get_array(v);
		for (guint i = 0; ok && i < json_array_get_length(a); i++)
			ok = render_with(r, json_array_get_element(a, i), n->children);
	} else {
		ok = render_with(r, v, n->children);
	}
	r->depth--;
	return ok;
}

/* The spec indents every line of a standalone partial's text (not the
 * values it interpolates) by the tag's indentation. */
static char *
indent_text(const char *text, const char *indent)
{
	GString *s = g_string_new(indent);

	for (const char *p = text; *p; p++) {
		g_string_append_c(s, *p);
		if (*p == '\n' && p[1])
			g_string_append(s, indent);
	}
	return g_string_free(s, FALSE);
}

static bool
render_partial(render *r, node *n)
{
	const char *indent = n->indent ? n->indent : "";
	g_autofree char *key = NULL;
	const char *text = NULL;
	GPtrArray *tree;
	bool ok;

	if (!r->partial)
		return true;
	if (r->partial_depth >= DISPO_TEMPLATE_MAX_PARTIAL_DEPTH) {
		g_autofree char *shown = quote(n->str, strlen(n->str));
		return render_limit(
		    r, "partials nested deeper than %d at \"%s\" (does it include itself?)",
		    DISPO_TEMPLATE_MAX_PARTIAL_DEPTH, shown);
	}
	key = g_strconcat(indent, "\n", n->str, NULL);
	tree = g_hash_table_lookup(r->parsed, key);
	if (!tree) {
		g_autofree char *indented = NULL;
		if (!r->partial(n->str, &text, r->partial_data, r->error))
			return false;
		if (!text)
			return true;
		r->steps += strlen(text) / 16;
		if (r->steps > MAX_STEPS)
			return render_limit(
			    r, "the template does too much work (more than %u steps)", MAX_STEPS);
		if (*indent)
			indented = indent_text(text, indent);
		tree = template_parse(indented ? indented : text, n->str, r->error);
		if (!tree)
			return false;
		g_hash_table_insert(r->parsed, g_steal_pointer(&key), tree);
	}
	r->partial_depth++;
	ok = render_nodes(r, tree);
	r->partial_depth--;
	return ok;
}

static bool
render_nodes(render *r, GPtrArray *nodes)
{
	for (guint i = 0; i < nodes->len; i++) {
		node *n = nodes->pdata[i];
		bool ok = true;

		if (++r->steps > MAX_STEPS)
			return render_limit(
			    r, "the template does too much work (more than %u steps)", MAX_STEPS);
		switch (n->type) {
		case NODE_TEXT: ok = render_emit(r, n->str, n->len); break;
		case NODE_VAR: ok = render_value(r, render_lookup(r, n->path), n->escape); break;
		case NODE_SECTION:
		case NODE_INVERTED: ok = render_section(r, n); break;
		case NODE_PARTIAL: ok = render_partial(r, n); break;
		}
		if (!ok)
			return false;
	}
	return true;
}

static bool
partial_from_table(const char *name, const char **text, void *user_data, GError **error)
{
	*text = user_data ? g_hash_table_lookup(user_data, name) : NULL;
	return true;
}

char *
template_render_full(const char *text, JsonNode *data, dispo_template_partial_fn partial,
                     void *user_data, dispo_template_escape escape, GError **error)
{
	g_autoptr(GPtrArray) tree = NULL;
	render r = {
	    .escape = escape,
	    .partial = partial,
	    .partial_data = user_data,
	    .in_header = true,
	    .line_blank = true,
	    .error = error,
	};
	bool ok;

	g_return_val_if_fail(text != NULL, NULL);
	tree = template_parse(text, NULL, error);
	if (!tree)
		return NULL;
	r.out = g_string_new(NULL);
	r.ctx = g_ptr_array_new();
	r.parsed = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
	                                 (GDestroyNotify)g_ptr_array_unref);
	if (data)
		g_ptr_array_add(r.ctx, data);
	ok = render_nodes(&r, tree);
	g_ptr_array_unref(r.ctx);
	g_hash_table_unref(r.parsed);
	if (ok && !g_utf8_validate(r.out->str, (gssize)r.out->len, NULL)) {
		g_set_error_literal(error, DISPO_TEMPLATE_ERROR, DISPO_TEMPLATE_ERROR_INVALID,
		                    "the output is not valid UTF-8 (a value in the data is not)");
		ok = false;
	}
	if (!ok) {
		g_string_free(r.out, TRUE);
		return NULL;
	}
	return g_string_free(r.out, FALSE);
}

char *
template_render(const char *text, JsonNode *data, GHashTable *partials,
                dispo_template_escape escape, GError **error)
{
	return template_render_full(text, data, partial_from_table, partials, escape, error);
}
