/* SPDX-License-Identifier: GPL-3.0-or-later */
/* html.c: turns an HTML-only body (Outlook, Yahoo, phone clients) into the
 * text a person would read, keeping quotes recognisable as "> " lines. */
#include "config.h"

#include "mime/mime.h"

#include <libxml/HTMLparser.h>
#include <string.h>

/* Recursion over the DOM is bounded; libxml2 itself caps depth at 256. */
#define MAX_DEPTH 256

typedef struct {
	GString *out;
	unsigned quote; /* blockquote depth */
	bool at_line_start;
	bool pending_space;
	bool in_pre;
} html_ctx;

static bool
name_is(const xmlNode *n, const char *const *names)
{
	for (; *names; names++)
		if (g_ascii_strcasecmp((const char *)n->name, *names) == 0)
			return true;
	return false;
}

static const char *const skipped[] = {"script",   "style",    "head", "title",
                                      "template", "noscript", NULL};
static const char *const blocks[] = {
    "p",    "div",     "table",   "tr",     "ul",     "ol",      "li",     "h1", "h2",
    "h3",   "h4",      "h5",      "h6",     "pre",    "dl",      "dt",     "dd", "hr",
    "form", "section", "article", "header", "footer", "address", "center", NULL};

static void
line_break(html_ctx *c)
{
	g_string_append_c(c->out, '\n');
	c->at_line_start = true;
	c->pending_space = false;
}

static void
block_break(html_ctx *c)
{
	if (!c->at_line_start)
		line_break(c);
}

static void
emit_prefix(html_ctx *c)
{
	if (!c->at_line_start)
		return;
	for (unsigned i = 0; i < c->quote; i++)
		g_string_append(c->out, "> ");
	c->at_line_start = false;
}

static void
emit_text(html_ctx *c, const char *raw)
{
	/* libxml2 hands back what it was given; broken UTF-8 must not make
	 * g_utf8_next_char() step past the end. */
	g_autofree char *text = g_utf8_make_valid(raw, -1);

	for (const char *p = text; *p; p = g_utf8_next_char(p)) {
		gunichar ch = g_utf8_get_char(p);
		if (c->in_pre && ch == '\n') {
			emit_prefix(c);
			line_break(c);
			continue;
		}
		if (!c->in_pre && (g_unichar_isspace(ch) || ch == 0xA0)) {
			if (!c->at_line_start)
				c->pending_space = true;
			continue;
		}
		emit_prefix(c);
		if (c->pending_space) {
			g_string_append_c(c->out, ' ');
			c->pending_space = false;
		}
		g_string_append_len(c->out, p, g_utf8_next_char(p) - p);
	}
}

static void
walk(html_ctx *c, xmlNode *node, unsigned depth)
{
	if (depth > MAX_DEPTH)
		return;
	for (xmlNode *n = node; n; n = n->next) {
		if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
			if (n->content)
				emit_text(c, (const char *)n->content);
			continue;
		}
		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (name_is(n, skipped))
			continue;
		if (g_ascii_strcasecmp((const char *)n->name, "br") == 0) {
			emit_prefix(c);
			line_break(c);
			continue;
		}
		if (g_ascii_strcasecmp((const char *)n->name, "blockquote") == 0) {
			block_break(c);
			c->quote++;
			walk(c, n->children, depth + 1);
			block_break(c);
			c->quote--;
			continue;
		}
		if (g_ascii_strcasecmp((const char *)n->name, "td") == 0 ||
		    g_ascii_strcasecmp((const char *)n->name, "th") == 0) {
			if (!c->at_line_start)
				c->pending_space = true;
			walk(c, n->children, depth + 1);
			continue;
		}
		if (name_is(n, blocks)) {
			bool pre = g_ascii_strcasecmp((const char *)n->name, "pre") == 0;
			bool was_pre = c->in_pre;
			block_break(c);
			if (g_ascii_strcasecmp((const char *)n->name, "li") == 0)
				emit_text(c, "- ");
			if (g_ascii_strcasecmp((const char *)n->name, "hr") == 0)
				emit_text(c, "----");
			c->in_pre = was_pre || pre;
			walk(c, n->children, depth + 1);
			c->in_pre = was_pre;
			block_break(c);
			continue;
		}
		walk(c, n->children, depth + 1);
	}
}

/* Trailing spaces per line and runs of more than one blank line go. */
static char *
tidy(GString *s)
{
	GString *out = g_string_sized_new(s->len);
	g_auto(GStrv) lines = g_strsplit(s->str, "\n", -1);
	unsigned blank = 0;
	bool started = false;

	for (size_t i = 0; lines[i]; i++) {
		g_strchomp(lines[i]);
		if (!*lines[i]) {
			blank++;
			continue;
		}
		if (started)
			g_string_append(out, blank > 0 ? "\n\n" : "\n");
		g_string_append(out, lines[i]);
		started = true;
		blank = 0;
	}
	if (started)
		g_string_append_c(out, '\n');
	return g_string_free(out, FALSE);
}

char *
mime_html_to_text(const char *html, size_t len)
{
	htmlDocPtr doc;
	html_ctx c = {0};
	g_autoptr(GString) out = g_string_new(NULL);

	if (!html || len == 0 || len > INT_MAX)
		return g_strdup("");
	doc = htmlReadMemory(html, (int)len, NULL, "UTF-8",
	                     HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
	                         HTML_PARSE_NONET);
	if (!doc)
		return g_strdup("");
	c.out = out;
	c.at_line_start = true;
	walk(&c, doc->children, 0);
	xmlFreeDoc(doc);
	return tidy(out);
}
