/* SPDX-License-Identifier: GPL-3.0-or-later */
/* html.c: turns an HTML-only body (Outlook, Yahoo, phone clients) into the
 * text a person would read, keeping quotes recognisable as "> " lines and a
 * table row on one line, its cells separated by a tab. */
#include "config.h"

#include "mime/mime.h"

#include <libxml/HTMLparser.h>
#include <string.h>

/* Recursion over the DOM is bounded; libxml2 itself caps depth at 256. */
#define MAX_DEPTH 256
/* Word's longest downlevel marker is "<![if !supportLineBreakNewLine]>". */
#define DOWNLEVEL_MAX 64

typedef struct {
	GString *out;
	unsigned quote; /* blockquote depth */
	bool at_line_start;
	bool pending_space;
	bool in_pre;
	/* Inside table cells, line breaks are held until more text of the same
	 * cell comes: Word wraps every cell's text in a <p>, and a break at
	 * either end of a cell would split "Nama | : | Hartono" over three
	 * lines. */
	unsigned cells;     /* open cells */
	bool cell_fresh;    /* the innermost cell has no text yet */
	unsigned held;      /* breaks asked for in a cell, not yet written */
	bool pending_tab;   /* a cell boundary comes before the next text */
	unsigned row_cells; /* cells so far in the innermost row */
	bool row_text;      /* the innermost row has text */
} html_ctx;

static bool
name_is(const xmlNode *n, const char *const *names)
{
	for (; *names; names++)
		if (g_ascii_strcasecmp((const char *)n->name, *names) == 0)
			return true;
	return false;
}

static bool
name_eq(const xmlNode *n, const char *name)
{
	return g_ascii_strcasecmp((const char *)n->name, name) == 0;
}

/* "xml" is Word's settings island, when it is not hidden in a comment. */
static const char *const skipped[] = {"script",   "style",    "head", "title",
                                      "template", "noscript", "xml",  NULL};
static const char *const blocks[] = {
    "p",       "div",     "table",  "ul",     "ol",      "li",     "h1", "h2", "h3",
    "h4",      "h5",      "h6",     "pre",    "dl",      "dt",     "dd", "hr", "form",
    "section", "article", "header", "footer", "address", "center", NULL};

static void
line_break(html_ctx *c)
{
	g_string_append_c(c->out, '\n');
	c->at_line_start = true;
	c->pending_space = false;
	c->pending_tab = false;
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
flush_held(html_ctx *c)
{
	for (; c->held; c->held--) {
		emit_prefix(c);
		line_break(c);
	}
}

/* A line break: forced (<br>, a newline in <pre>) or only when the line has
 * text (the ends of a block). In a cell it waits, and a break at the start
 * of a cell means nothing. */
static void
want_break(html_ctx *c, bool forced)
{
	if (c->cells == 0) {
		flush_held(c);
		if (forced)
			emit_prefix(c);
		if (forced || !c->at_line_start)
			line_break(c);
		return;
	}
	if (c->cell_fresh)
		return;
	if (forced)
		c->held++;
	else if (!c->held && !c->at_line_start)
		c->held = 1;
}

/* Before a visible character: the held breaks, the quote prefix, and the
 * space or cell boundary that separates it from what came before. */
static void
text_begin(html_ctx *c)
{
	flush_held(c);
	emit_prefix(c);
	if (c->pending_tab)
		g_string_append_c(c->out, '\t');
	else if (c->pending_space)
		g_string_append_c(c->out, ' ');
	c->pending_tab = c->pending_space = false;
	c->cell_fresh = false;
	c->row_text = true;
}

static void
emit_text(html_ctx *c, const char *raw)
{
	/* libxml2 hands back what it was given; broken UTF-8 must not make
	 * g_utf8_next_char() step past the end. */
	g_autofree char *text = g_utf8_make_valid(raw, -1);

	for (const char *p = text; *p; p = g_utf8_next_char(p)) {
		gunichar ch = g_utf8_get_char(p);
		if (c->in_pre && (ch == '\n' || ch == '\r')) {
			/* CRLF is one line break, a lone CR one too. */
			if (ch == '\n' || p[1] != '\n')
				want_break(c, true);
			continue;
		}
		if (!c->in_pre && (g_unichar_isspace(ch) || ch == 0xA0)) {
			if (!c->at_line_start)
				c->pending_space = true;
			continue;
		}
		text_begin(c);
		g_string_append_len(c->out, p, g_utf8_next_char(p) - p);
	}
}

static void walk(html_ctx *c, xmlNode *node, unsigned depth);

/* A cell after the first of its row starts with a tab, and the held breaks
 * of the cell before it are dropped. */
static void
walk_cell(html_ctx *c, xmlNode *n, unsigned depth)
{
	bool outer_fresh = c->cell_fresh;

	if (c->row_cells++ > 0 && c->row_text) {
		c->held = 0;
		if (!c->at_line_start)
			c->pending_tab = true;
	}
	c->cells++;
	c->cell_fresh = true;
	walk(c, n->children, depth + 1);
	c->cells--;
	c->cell_fresh = outer_fresh && c->cell_fresh;
}

static void
walk_row(html_ctx *c, xmlNode *n, unsigned depth)
{
	unsigned outer_cells = c->row_cells;
	bool outer_text = c->row_text;

	want_break(c, false);
	c->row_cells = 0;
	c->row_text = false;
	walk(c, n->children, depth + 1);
	want_break(c, false);
	c->row_cells = outer_cells;
	c->row_text = outer_text || c->row_text;
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
		/* Office's own elements (o:p, st1:place, w:sdt) are inline
		 * wrappers: Word puts <o:p></o:p> between a label and its value. */
		if (strchr((const char *)n->name, ':')) {
			walk(c, n->children, depth + 1);
			continue;
		}
		if (name_is(n, skipped))
			continue;
		if (name_eq(n, "br")) {
			want_break(c, true);
			continue;
		}
		if (name_eq(n, "blockquote")) {
			want_break(c, false);
			c->quote++;
			walk(c, n->children, depth + 1);
			want_break(c, false);
			c->quote--;
			continue;
		}
		if (name_eq(n, "td") || name_eq(n, "th")) {
			walk_cell(c, n, depth);
			continue;
		}
		if (name_eq(n, "tr")) {
			walk_row(c, n, depth);
			continue;
		}
		if (name_is(n, blocks)) {
			bool pre = name_eq(n, "pre");
			bool was_pre = c->in_pre;
			want_break(c, false);
			if (name_eq(n, "li"))
				emit_text(c, "- ");
			if (name_eq(n, "hr"))
				emit_text(c, "----");
			c->in_pre = was_pre || pre;
			walk(c, n->children, depth + 1);
			c->in_pre = was_pre;
			want_break(c, false);
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

/* The length of Word's downlevel-revealed marker at p ("<![if !supportLists]>",
 * "<![endif]>"), or 0. A browser drops the marker and shows what is between
 * the two; libxml2 (2.9 at least) keeps them as text, in front of the list
 * number and the label after it. "<![endif]-->", which closes a
 * conditional comment, is not one. */
static size_t
downlevel_length(const char *p, const char *end)
{
	size_t n = (size_t)(end - p) < DOWNLEVEL_MAX ? (size_t)(end - p) : DOWNLEVEL_MAX;

	if (n < 6 || memcmp(p, "<![", 3) != 0)
		return 0;
	if (n >= 10 && g_ascii_strncasecmp(p + 3, "endif]>", 7) == 0)
		return 10;
	if (g_ascii_strncasecmp(p + 3, "if", 2) != 0 || g_ascii_isalnum(p[5]))
		return 0;
	for (size_t i = 5; i + 1 < n && p[i] != '<' && p[i] != '>'; i++)
		if (p[i] == ']' && p[i + 1] == '>')
			return i + 2;
	return 0;
}

/* The HTML without downlevel markers, or NULL when it has none. */
static GString *
downlevel_strip(const char *html, size_t len)
{
	const char *end = html + len;
	const char *p = html;
	GString *out;

	if (!memmem(html, len, "<![", 3))
		return NULL;
	out = g_string_sized_new(len);
	while (p < end) {
		const char *lt = memchr(p, '<', (size_t)(end - p));
		size_t skip;
		if (!lt) {
			g_string_append_len(out, p, end - p);
			break;
		}
		g_string_append_len(out, p, lt - p);
		if ((skip = downlevel_length(lt, end)) > 0) {
			p = lt + skip;
		} else {
			g_string_append_c(out, '<');
			p = lt + 1;
		}
	}
	return out;
}

/* libxml2's tree builder (2.9 at least) keeps only the local name of "o:p",
 * which makes it a paragraph; give the node its whole name back. Where the
 * name is kept already, this does nothing. */
typedef struct {
	startElementSAXFunc start;
} html_sax;

static void
html_start_element(void *ctx, const xmlChar *name, const xmlChar **atts)
{
	htmlParserCtxtPtr ctxt = ctx;
	const html_sax *sax = ctxt->_private;
	xmlNodePtr parent = ctxt->node;

	sax->start(ctx, name, atts);
	if (ctxt->node && ctxt->node != parent && ctxt->node->type == XML_ELEMENT_NODE &&
	    strchr((const char *)name, ':') && !xmlStrEqual(ctxt->node->name, name))
		xmlNodeSetName(ctxt->node, name);
}

char *
mime_html_to_text(const char *html, size_t len)
{
	htmlParserCtxtPtr ctxt;
	htmlDocPtr doc;
	html_sax sax;
	html_ctx c = {0};
	g_autoptr(GString) out = g_string_new(NULL);
	g_autoptr(GString) stripped = NULL;

	if (!html || len == 0 || len > INT_MAX)
		return g_strdup("");
	if ((stripped = downlevel_strip(html, len)) != NULL) {
		html = stripped->str;
		len = stripped->len;
		if (len == 0)
			return g_strdup("");
	}
	ctxt = htmlNewParserCtxt();
	if (!ctxt)
		return g_strdup("");
	sax.start = ctxt->sax->startElement;
	if (sax.start) {
		ctxt->_private = &sax;
		ctxt->sax->startElement = html_start_element;
	}
	doc = htmlCtxtReadMemory(ctxt, html, (int)len, NULL, "UTF-8",
	                         HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
	                             HTML_PARSE_NONET);
	htmlFreeParserCtxt(ctxt);
	if (!doc)
		return g_strdup("");
	c.out = out;
	c.at_line_start = true;
	walk(&c, doc->children, 0);
	xmlFreeDoc(doc);
	return tidy(out);
}
