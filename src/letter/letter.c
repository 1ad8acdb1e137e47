/* SPDX-License-Identifier: GPL-3.0-or-later */
/* letter.c: lays the recommendation letter out on A4 with Pango and writes
 * it as PDF with Cairo, as a surat dinas of Permendagri 1/2023: kop with
 * logo and double rule, Nomor/Sifat/Lampiran/Hal with the place and date on
 * Nomor's line, Yth., body, signature block, continuing onto further pages. */
#include "config.h"

#ifdef DISPO_LETTER_MODULE
/* Built into dispo-letter.so, which dispo loads when it first renders a
 * letter (load.c): its entry points are named apart from the loader's, so
 * that neither binds to the other. */
#define letter_render      letter_module_render
#define letter_render_file letter_module_render_file
#endif

#include "letter/letter-private.h"

#include <cairo-pdf.h>
#include <gio/gio.h>
#include <cairo.h>
#include <pango/pangocairo.h>
#include <string.h>

#ifdef DISPO_LETTER_MODULE
DISPO_MODULE_VERSION;
#endif

/* Tata Naskah Dinas: A4, 3 cm binding margin on the left, 2 cm elsewhere. */
#define CM(x)        ((x)*72.0 / 2.54)
#define PAGE_W       595.276
#define PAGE_H       841.89
#define MARGIN_L     CM(3)
#define MARGIN_R     CM(2)
#define MARGIN_T     CM(2)
#define MARGIN_B     CM(2)
#define TEXT_X       MARGIN_L
#define TEXT_W       (PAGE_W - MARGIN_L - MARGIN_R)
#define BOTTOM       (PAGE_H - MARGIN_B)
#define FONT         "DejaVu Serif"
#define BODY_PT      11.0
#define LINE_SPACING 1.15
#define PARA_GAP     6.0
#define PARA_INDENT  CM(1.25)
#define ITEM_INDENT  CM(0.75)
#define COLON_GAP    CM(0.25)
#define LOGO_BOX     CM(2.3)
#define LOGO_GAP     CM(0.3)
/* The signature block takes the right half of the text; a longer jabatan or
 * name widens it leftwards up to this, then the jabatan is broken. */
#define SIGN_MAX_W (TEXT_W * 0.7)
#define DATE_GAP   CM(0.5)

#define LOGO_FILE_MAX (4 << 20)
#define LOGO_SIDE_MAX 4096
#define PDF_MAX       (64u << 20)

typedef struct cell {
	PangoLayout *layout;
	double x;
} cell;

/* Side-by-side layouts drawn line by line in step (a table row: label,
 * colon, value), so that any block can continue on the next page. */
typedef struct block {
	cell cell[4];
	unsigned n;
	double gap; /* space before it, dropped at the top of a page */
} block;

typedef struct row {
	double h;
	struct {
		PangoLayoutLine *line;
		double x, base;
	} cell[4];
} row;

typedef struct pager {
	cairo_t *cr;
	PangoContext *ctx;
	double y;
	double top;      /* where text starts on this page */
	double next_top; /* and on a continuation page */
	unsigned page;
	bool too_long;
} pager;

/* ---- layouts ------------------------------------------------------------ */

static PangoLayout *
layout_new(PangoContext *ctx, const char *text, double size, bool bold, double width)
{
	PangoLayout *layout = pango_layout_new(ctx);
	PangoFontDescription *fd = pango_font_description_new();
	PangoAttrList *attrs = pango_attr_list_new();

	pango_font_description_set_family_static(fd, FONT);
	pango_font_description_set_size(fd, (gint)(size * PANGO_SCALE));
	if (bold)
		pango_font_description_set_weight(fd, PANGO_WEIGHT_BOLD);
	pango_layout_set_font_description(layout, fd);
	pango_font_description_free(fd);
	/* A hyphen Pango adds where it breaks a long word would become part of
	 * an e-mail address or a number when the letter is read back. */
	pango_attr_list_insert(attrs, pango_attr_insert_hyphens_new(FALSE));
	pango_layout_set_attributes(layout, attrs);
	pango_attr_list_unref(attrs);
	if (width > 0) {
		pango_layout_set_width(layout, pango_units_from_double(width));
		pango_layout_set_wrap(layout, PANGO_WRAP_WORD_CHAR);
	}
	/* Plain text, never markup: every string may come from an applicant. */
	pango_layout_set_text(layout, text, -1);
	return layout;
}

static double
layout_width(PangoLayout *layout)
{
	PangoRectangle logical;

	pango_layout_get_extents(layout, NULL, &logical);
	return pango_units_to_double(logical.width);
}

static double
layout_height(PangoLayout *layout)
{
	PangoRectangle logical;

	pango_layout_get_extents(layout, NULL, &logical);
	return pango_units_to_double(logical.height);
}

static double
text_width(PangoContext *ctx, const char *text)
{
	g_autoptr(PangoLayout) layout = layout_new(ctx, text, BODY_PT, false, 0);
	return layout_width(layout);
}

static void
block_add(block *b, PangoLayout *layout, double x)
{
	g_assert(b->n < G_N_ELEMENTS(b->cell));
	b->cell[b->n].layout = layout;
	b->cell[b->n].x = x;
	b->n++;
}

static void
block_clear(block *b)
{
	for (unsigned i = 0; i < b->n; i++)
		g_clear_object(&b->cell[i].layout);
	b->n = 0;
}

static block
block_text(PangoContext *ctx, const char *text, double x, double width, PangoAlignment align,
           double gap)
{
	block b = {.gap = gap};
	PangoLayout *layout = layout_new(ctx, text, BODY_PT, false, width);

	pango_layout_set_alignment(layout, align);
	block_add(&b, layout, x);
	return b;
}

/* label : value, the colon at x + label_w; the value wraps at right. */
static block
block_row_to(PangoContext *ctx, const char *label, const char *value, double x, double label_w,
             double right, double gap)
{
	block b = {.gap = gap};
	double colon_x = x + label_w + COLON_GAP;
	double value_x = colon_x + text_width(ctx, ":") + COLON_GAP;

	block_add(&b, layout_new(ctx, label, BODY_PT, false, label_w), x);
	block_add(&b, layout_new(ctx, ":", BODY_PT, false, 0), colon_x);
	block_add(&b, layout_new(ctx, value, BODY_PT, false, right - value_x), value_x);
	return b;
}

static block
block_row(PangoContext *ctx, const char *label, const char *value, double x, double label_w,
          double gap)
{
	return block_row_to(ctx, label, value, x, label_w, TEXT_X + TEXT_W, gap);
}

/* ---- pages -------------------------------------------------------------- */

static GArray *
block_rows(const block *b)
{
	GArray *rows = g_array_new(FALSE, TRUE, sizeof(row));

	for (unsigned c = 0; c < b->n; c++) {
		PangoLayoutIter *it = pango_layout_get_iter(b->cell[c].layout);
		guint i = 0;
		do {
			PangoLayoutLine *line = pango_layout_iter_get_line_readonly(it);
			PangoRectangle in_layout, in_line;
			int baseline = pango_layout_iter_get_baseline(it);
			row *r;

			pango_layout_iter_get_line_extents(it, NULL, &in_layout);
			pango_layout_line_get_extents(line, NULL, &in_line);
			if (i >= rows->len)
				g_array_set_size(rows, i + 1);
			r = &g_array_index(rows, row, i);
			r->cell[c].line = line;
			/* Alignment, indent and justification live in the line's
			 * offset inside its layout. */
			r->cell[c].x =
			    b->cell[c].x + pango_units_to_double(in_layout.x - in_line.x);
			r->cell[c].base = pango_units_to_double(baseline - in_layout.y);
			r->h = MAX(r->h, pango_units_to_double(in_layout.height) * LINE_SPACING);
			i++;
		} while (pango_layout_iter_next_line(it));
		pango_layout_iter_free(it);
	}
	return rows;
}

static double
rows_height(GArray *rows, guint from)
{
	double h = 0;

	for (guint i = from; i < rows->len; i++)
		h += g_array_index(rows, row, i).h;
	return h;
}

static double
block_height(const block *b)
{
	g_autoptr(GArray) rows = block_rows(b);
	return rows_height(rows, 0);
}

static void
pager_break(pager *pg)
{
	g_autofree char *number = NULL;
	g_autoptr(PangoLayout) layout = NULL;

	if (pg->page >= LETTER_PAGES_MAX) {
		pg->too_long = true;
		return;
	}
	cairo_show_page(pg->cr);
	pg->page++;
	/* Continuation pages carry their number at the top, centred. */
	number = g_strdup_printf("- %u -", pg->page);
	layout = layout_new(pg->ctx, number, BODY_PT, false, TEXT_W);
	pango_layout_set_alignment(layout, PANGO_ALIGN_CENTER);
	cairo_move_to(pg->cr, TEXT_X, MARGIN_T);
	pango_cairo_show_layout(pg->cr, layout);
	pg->y = pg->top = pg->next_top;
}

static void
pager_fit(pager *pg, double h)
{
	if (pg->y + h > BOTTOM && pg->y > pg->top)
		pager_break(pg);
}

static void
row_draw(pager *pg, const row *r)
{
	for (unsigned c = 0; c < G_N_ELEMENTS(r->cell); c++) {
		if (!r->cell[c].line)
			continue;
		cairo_move_to(pg->cr, r->cell[c].x, pg->y + r->cell[c].base);
		pango_cairo_show_layout_line(pg->cr, r->cell[c].line);
	}
	pg->y += r->h;
}

/* Draws b, breaking pages between lines but never leaving a paragraph's
 * first or last line alone on a page. With after > 0 (the height of what
 * must follow on the same page: the signature), the last two lines move to
 * the next page with it rather than leave it alone there, and a short block
 * moves whole. */
static void
block_emit(pager *pg, const block *b, double after)
{
	g_autoptr(GArray) rows = block_rows(b);
	guint n = rows->len;
	double rest = rows_height(rows, 0) + after;
	double avail = BOTTOM - pg->next_top;

	if (pg->y > pg->top)
		pg->y += b->gap;
	for (guint i = 0; i < n && !pg->too_long; i++) {
		const row *r = &g_array_index(rows, row, i);
		double need = r->h;

		if (i == 0 && n >= 2) /* 2 + 1 would be as bad as 1 + 2 */
			need = rest - after - (n > 3 ? rows_height(rows, 2) : 0);
		if (i >= 2 && n - i == 2)
			need += g_array_index(rows, row, i + 1).h;
		if (after > 0 && (n - i <= 2 || (i == 0 && n <= 4)))
			need = rest;
		if (pg->y + need > BOTTOM && need <= avail && pg->y > pg->top)
			pager_break(pg);
		pager_fit(pg, r->h);
		if (pg->too_long)
			break;
		row_draw(pg, r);
		rest -= r->h;
	}
}

/* Draws b on one page when it fits on one. */
static void
block_emit_whole(pager *pg, const block *b)
{
	double h = block_height(b) + b->gap;

	if (pg->y + h > BOTTOM && h <= BOTTOM - pg->next_top && pg->y > pg->top)
		pager_break(pg);
	block_emit(pg, b, 0);
}

static void
block_emit_free(pager *pg, block b)
{
	block_emit(pg, &b, 0);
	block_clear(&b);
}

/* ---- the parts of the letter -------------------------------------------- */

typedef struct {
	const unsigned char *p;
	size_t left;
} png_reader;

static cairo_status_t
png_read(void *closure, unsigned char *data, unsigned int length)
{
	png_reader *r = closure;

	if (length > r->left)
		return CAIRO_STATUS_READ_ERROR;
	memcpy(data, r->p, length);
	r->p += length;
	r->left -= length;
	return CAIRO_STATUS_SUCCESS;
}

/* A path, or a GIO URI: the demo's logo is built into dispo as
 * resource:///dispo/templates/logo-contoh.png. */
static bool
logo_read(const char *path, char **data, size_t *len, GError **error)
{
	g_autoptr(GFile) f = NULL;
	gsize n = 0;

	if (!strstr(path, "://"))
		return dispo_file_read(path, LOGO_FILE_MAX, data, len, error);
	f = g_file_new_for_uri(path);
	if (!g_file_load_contents(f, NULL, data, &n, NULL, error))
		return false;
	if (n > LOGO_FILE_MAX) {
		g_clear_pointer(data, g_free);
		g_set_error(error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s is larger than %d bytes",
		            path, LOGO_FILE_MAX);
		return false;
	}
	*len = n;
	return true;
}

/* The administrator configured the logo, so a missing or broken one is an
 * error to fix rather than a letter quietly printed without it. */
static cairo_surface_t *
logo_load(const char *path, GError **error)
{
	static const unsigned char png_sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
	g_autofree char *data = NULL;
	size_t len = 0;
	GError *e = NULL;
	const unsigned char *u;
	guint32 w, h;
	png_reader r;
	cairo_surface_t *logo;

	if (!logo_read(path, &data, &len, &e)) {
		g_set_error(error, DISPO_LETTER_ERROR, DISPO_LETTER_ERROR_LOGO, "logo: %s",
		            e->message);
		g_error_free(e);
		return NULL;
	}
	u = (const unsigned char *)data;
	if (len < 24 || memcmp(u, png_sig, 8) != 0 || memcmp(u + 12, "IHDR", 4) != 0) {
		g_set_error(error, DISPO_LETTER_ERROR, DISPO_LETTER_ERROR_LOGO,
		            "logo %s is not a PNG image", path);
		return NULL;
	}
	/* Checked before decoding: a small file can claim a huge image. */
	w = (guint32)u[16] << 24 | (guint32)u[17] << 16 | (guint32)u[18] << 8 | u[19];
	h = (guint32)u[20] << 24 | (guint32)u[21] << 16 | (guint32)u[22] << 8 | u[23];
	if (w == 0 || h == 0 || w > LOGO_SIDE_MAX || h > LOGO_SIDE_MAX) {
		g_set_error(error, DISPO_LETTER_ERROR, DISPO_LETTER_ERROR_LOGO,
		            "logo %s is %" G_GUINT32_FORMAT "x%" G_GUINT32_FORMAT
		            " pixels; at most %dx%d are allowed",
		            path, w, h, LOGO_SIDE_MAX, LOGO_SIDE_MAX);
		return NULL;
	}
	r = (png_reader){u, len};
	logo = cairo_image_surface_create_from_png_stream(png_read, &r);
	if (cairo_surface_status(logo) != CAIRO_STATUS_SUCCESS) {
		g_set_error(error, DISPO_LETTER_ERROR, DISPO_LETTER_ERROR_LOGO,
		            "logo %s cannot be decoded: %s", path,
		            cairo_status_to_string(cairo_surface_status(logo)));
		cairo_surface_destroy(logo);
		return NULL;
	}
	return logo;
}

/* The kop: logo on the left, the lines centred beside it (the government
 * and the office bold and larger), a thick and a thin rule under both. */
static void
letterhead_draw(pager *pg, const letter_fields *f, cairo_surface_t *logo)
{
	double x = TEXT_X, w = TEXT_W, th = 0, hh, y;
	PangoLayout *layouts[LETTERHEAD_LINES_MAX];
	guint n = 0;

	if (logo) {
		x += LOGO_BOX + LOGO_GAP;
		w -= LOGO_BOX + LOGO_GAP;
	}
	for (guint i = 0; n < LETTERHEAD_LINES_MAX && (i < 2 || f->kop[i - 2]); i++) {
		bool heading = i < 2;
		const char *text = i == 0 ? f->government : i == 1 ? f->office : f->kop[i - 2];
		double pt = i == 0 ? 13.0 : i == 1 ? 15.0 : 9.5;
		g_autoptr(PangoLayout) natural = NULL;
		double nw;

		if (!*text)
			continue;
		natural = layout_new(pg->ctx, text, pt, heading, 0);
		nw = layout_width(natural);
		/* One line each, as printed kop paper has: a long line is set
		 * smaller, down to 7 pt, and only then cut. */
		if (nw > w)
			pt = MAX(7.0, pt * w / nw * 0.99);
		layouts[n] = layout_new(pg->ctx, text, pt, heading, w);
		pango_layout_set_alignment(layouts[n], PANGO_ALIGN_CENTER);
		pango_layout_set_ellipsize(layouts[n], PANGO_ELLIPSIZE_END);
		th += layout_height(layouts[n]);
		n++;
	}
	hh = MAX(th, logo ? LOGO_BOX : 0);
	if (logo) {
		double lw = cairo_image_surface_get_width(logo);
		double lh = cairo_image_surface_get_height(logo);
		double s = MIN(LOGO_BOX / lw, LOGO_BOX / lh);

		cairo_save(pg->cr);
		cairo_translate(pg->cr, TEXT_X + (LOGO_BOX - lw * s) / 2,
		                MARGIN_T + (hh - lh * s) / 2);
		cairo_scale(pg->cr, s, s);
		cairo_set_source_surface(pg->cr, logo, 0, 0);
		cairo_paint(pg->cr);
		cairo_restore(pg->cr);
	}
	y = MARGIN_T + (hh - th) / 2;
	for (guint i = 0; i < n; i++) {
		cairo_move_to(pg->cr, x, y);
		pango_cairo_show_layout(pg->cr, layouts[i]);
		y += layout_height(layouts[i]);
		g_object_unref(layouts[i]);
	}
	y = MARGIN_T + hh + 4;
	cairo_set_line_cap(pg->cr, CAIRO_LINE_CAP_BUTT);
	cairo_set_line_width(pg->cr, 2.25);
	cairo_move_to(pg->cr, TEXT_X, y + 1.125);
	cairo_line_to(pg->cr, TEXT_X + TEXT_W, y + 1.125);
	cairo_stroke(pg->cr);
	cairo_set_line_width(pg->cr, 0.75);
	cairo_move_to(pg->cr, TEXT_X, y + 4.25);
	cairo_line_to(pg->cr, TEXT_X + TEXT_W, y + 4.25);
	cairo_stroke(pg->cr);
	pg->y = pg->top = y + 4.625 + CM(0.5);
}

static double
table_label_width(PangoContext *ctx, GPtrArray *pieces, unsigned table)
{
	double w = 0;

	for (guint i = 0; i < pieces->len; i++) {
		const letter_piece *p = pieces->pdata[i];
		if (p->kind == LETTER_PIECE_ROW && p->table == table)
			w = MAX(w, text_width(ctx, p->a));
	}
	/* A long label wraps rather than push the values off the page. */
	return MIN(w, TEXT_W * 0.4);
}

static block
piece_block(PangoContext *ctx, const letter_piece *p, double label_w)
{
	double gap = p->gap ? PARA_GAP : 0;
	double x = TEXT_X + PARA_INDENT;
	block b = {.gap = gap};
	PangoLayout *layout;

	switch (p->kind) {
	case LETTER_PIECE_PARA:
		b = block_text(ctx, p->a, TEXT_X, TEXT_W, PANGO_ALIGN_LEFT, gap);
		pango_layout_set_justify(b.cell[0].layout, TRUE);
		pango_layout_set_indent(b.cell[0].layout, pango_units_from_double(PARA_INDENT));
		break;
	case LETTER_PIECE_ITEM:
		block_add(&b, layout_new(ctx, p->a, BODY_PT, false, 0), x);
		layout = layout_new(ctx, p->b, BODY_PT, false, TEXT_X + TEXT_W - x - ITEM_INDENT);
		pango_layout_set_justify(layout, TRUE);
		block_add(&b, layout, x + ITEM_INDENT);
		break;
	case LETTER_PIECE_ROW: b = block_row(ctx, p->a, p->b, x, label_w, gap); break;
	}
	return b;
}

static double
measure_body(const char *text, void *ctx)
{
	return text_width(ctx, text);
}

/* Jabatan, room for the signature and the stamp, the name (bold,
 * underlined), the pangkat and the NIP, centred on each other. The block
 * takes the right half of the text, or as much more leftwards as its
 * longest line needs, up to SIGN_MAX_W; a jabatan longer than that is
 * broken where letter_position_lines says, never by Pango mid-name. */
static block
signature_block(PangoContext *ctx, const char *position, const char *name, const char *rank,
                const char *nip)
{
	g_auto(GStrv) lines = letter_position_lines(position, SIGN_MAX_W, measure_body, ctx);
	g_autofree char *jabatan = g_strjoinv("\n", lines);
	g_autoptr(GString) s = g_string_new(jabatan);
	g_autofree char *nip_line = nip ? g_strdup_printf("NIP. %s", nip) : NULL;
	PangoAttrList *attrs = pango_attr_list_new();
	PangoAttribute *a;
	block b = {.gap = 2 * PARA_GAP};
	PangoLayout *layout;
	double w = TEXT_W / 2;

	for (guint i = 0; lines[i]; i++)
		w = MAX(w, text_width(ctx, lines[i]));
	{
		g_autoptr(PangoLayout) bold = layout_new(ctx, name, BODY_PT, true, 0);
		w = MAX(w, layout_width(bold));
	}
	if (rank)
		w = MAX(w, text_width(ctx, rank));
	if (nip_line)
		w = MAX(w, text_width(ctx, nip_line));
	/* A point of slack: the measured width must not wrap when drawn. */
	w = MIN(w, SIGN_MAX_W) + 1;

	/* Three empty lines: room for the signature and the stamp. */
	g_string_append(s, "\n\n\n\n");
	for (unsigned i = 0; i < 2; i++) {
		a = i ? pango_attr_underline_new(PANGO_UNDERLINE_SINGLE)
		      : pango_attr_weight_new(PANGO_WEIGHT_BOLD);
		a->start_index = (guint)s->len;
		a->end_index = (guint)(s->len + strlen(name));
		pango_attr_list_insert(attrs, a);
	}
	pango_attr_list_insert(attrs, pango_attr_insert_hyphens_new(FALSE));
	g_string_append(s, name);
	if (rank)
		g_string_append_printf(s, "\n%s", rank);
	if (nip_line)
		g_string_append_printf(s, "\n%s", nip_line);
	layout = layout_new(ctx, s->str, BODY_PT, false, w);
	pango_layout_set_attributes(layout, attrs);
	pango_attr_list_unref(attrs);
	pango_layout_set_alignment(layout, PANGO_ALIGN_CENTER);
	block_add(&b, layout, TEXT_X + TEXT_W - w);
	return b;
}

/* ---- the letter --------------------------------------------------------- */

static void
letter_draw(pager *pg, const letter_fields *f, cairo_surface_t *logo)
{
	PangoContext *ctx = pg->ctx;
	g_autoptr(GPtrArray) pieces = letter_body_parse(f->body);
	g_autofree char *dated = g_strdup_printf("%s, %s", f->city, f->date);
	static const char *const labels[] = {"Nomor", "Sifat", "Lampiran", "Hal"};
	const char *values[] = {f->number, f->nature, f->attachment, f->subject};
	double label_w = 0, line_h;
	block last = {0}, sig;
	unsigned table = 0;

	letterhead_draw(pg, f, logo);

	for (guint i = 0; i < G_N_ELEMENTS(labels); i++)
		label_w = MAX(label_w, text_width(ctx, labels[i]));
	/* The place and date stand at the right of Nomor's line; when the
	 * number would not leave them room, on their own line above it. */
	{
		double date_w = text_width(ctx, dated);
		double value_x = TEXT_X + label_w + 2 * COLON_GAP + text_width(ctx, ":");
		double right = TEXT_X + TEXT_W - date_w - DATE_GAP;
		double gap = PARA_GAP;
		block nomor;

		if (right - value_x < CM(4) || right - value_x < text_width(ctx, f->number)) {
			block_emit_free(
			    pg, block_text(ctx, dated, TEXT_X, TEXT_W, PANGO_ALIGN_RIGHT, 0));
			right = TEXT_X + TEXT_W;
		} else {
			gap = 0;
		}
		nomor = block_row_to(ctx, labels[0], values[0], TEXT_X, label_w, right, gap);
		if (right < TEXT_X + TEXT_W)
			block_add(&nomor, layout_new(ctx, dated, BODY_PT, false, 0),
			          right + DATE_GAP);
		block_emit_free(pg, nomor);
	}
	for (guint i = 1; i < G_N_ELEMENTS(labels); i++)
		if (values[i])
			block_emit_free(pg, block_row(ctx, labels[i], values[i], TEXT_X, label_w, 0));

	{
		g_autoptr(PangoLayout) one = layout_new(ctx, "X", BODY_PT, false, 0);
		line_h = layout_height(one) * LINE_SPACING;
	}
	for (guint i = 0; f->recipient[i]; i++) {
		bool after_di = i > 0 && g_ascii_strcasecmp(f->recipient[i - 1], "di") == 0;
		double indent = after_di ? CM(1) : 0;
		block_emit_free(pg, block_text(ctx, f->recipient[i], TEXT_X + indent,
		                               TEXT_W * 0.75 - indent, PANGO_ALIGN_LEFT,
		                               i ? 0 : line_h));
	}

	label_w = 0;
	for (guint i = 0; i < pieces->len; i++) {
		const letter_piece *p = pieces->pdata[i];
		block b;

		if (p->kind == LETTER_PIECE_ROW && p->table != table) {
			table = p->table;
			label_w = table_label_width(ctx, pieces, table);
		}
		b = piece_block(ctx, p, label_w);
		if (i == 0)
			b.gap = line_h;
		if (i + 1 == pieces->len)
			last = b;
		else
			block_emit_free(pg, b);
	}

	sig = signature_block(ctx, f->position, f->name, f->rank, f->nip);
	block_emit(pg, &last, block_height(&sig) + sig.gap);
	block_emit_whole(pg, &sig);
	block_clear(&last);
	block_clear(&sig);
}

static cairo_status_t
pdf_write(void *closure, const unsigned char *data, unsigned int length)
{
	GByteArray *pdf = closure;

	if (pdf->len + (guint64)length > PDF_MAX)
		return CAIRO_STATUS_WRITE_ERROR;
	g_byte_array_append(pdf, data, length);
	return CAIRO_STATUS_SUCCESS;
}

/* Whether FONT is really there: fontconfig would otherwise substitute
 * whatever it finds, and the letter might print in tofu. */
static bool
font_check(PangoContext *ctx, GError **error)
{
	PangoFontDescription *want = pango_font_description_from_string(FONT " 11");
	PangoFont *font = pango_context_load_font(ctx, want);
	PangoFontDescription *got = font ? pango_font_describe(font) : NULL;
	const char *family = got ? pango_font_description_get_family(got) : NULL;
	bool ok = family && g_ascii_strcasecmp(family, FONT) == 0;

	pango_font_description_free(want);
	if (got)
		pango_font_description_free(got);
	if (font)
		g_object_unref(font);
	if (!ok)
		g_set_error(error, DISPO_LETTER_ERROR, DISPO_LETTER_ERROR_FONT,
		            "the font %s is not installed (Debian: apt install fonts-dejavu-core)",
		            FONT);
	return ok;
}

static PangoContext *
context_new(void)
{
	PangoContext *ctx = pango_font_map_create_context(pango_cairo_font_map_get_default());
	cairo_font_options_t *fo = cairo_font_options_create();

	/* Points are the PDF's units; unhinted metrics keep the layout the
	 * same on every host. */
	pango_cairo_context_set_resolution(ctx, 72);
	cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
	cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
	pango_cairo_context_set_font_options(ctx, fo);
	cairo_font_options_destroy(fo);
	pango_context_set_round_glyph_positions(ctx, FALSE);
	pango_context_set_language(ctx, pango_language_from_string("id"));
	return ctx;
}

static GBytes *
pdf_render(const dispo_letter *l, const letter_fields *f, cairo_surface_t *logo, PangoContext *ctx,
           GError **error)
{
	g_autoptr(GByteArray) pdf = g_byte_array_new();
	g_autofree char *created = NULL;
	cairo_surface_t *surface;
	cairo_status_t status;
	pager pg = {0};

	surface = cairo_pdf_surface_create_for_stream(pdf_write, pdf, PAGE_W, PAGE_H);
	/* The letter's own date, not the clock: the same letter, the same bytes. */
	created = dispo_time_format_iso8601(l->date, l->tz);
	if (created)
		cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATE_DATE, created);
	cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, f->subject);
	cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_AUTHOR,
	                               *f->office ? f->office : f->government);
	cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "dispo");

	pg.cr = cairo_create(surface);
	pg.ctx = ctx;
	pg.page = 1;
	{
		g_autoptr(PangoLayout) number = layout_new(ctx, "- 2 -", BODY_PT, false, 0);
		pg.next_top = MARGIN_T + layout_height(number) + CM(0.8);
	}
	letter_draw(&pg, f, logo);
	status = cairo_status(pg.cr);
	cairo_destroy(pg.cr);
	cairo_surface_finish(surface);
	if (status == CAIRO_STATUS_SUCCESS)
		status = cairo_surface_status(surface);
	cairo_surface_destroy(surface);

	if (pg.too_long) {
		g_set_error(error, DISPO_LETTER_ERROR, DISPO_LETTER_ERROR_TOO_LONG,
		            "the letter would need more than %d pages", LETTER_PAGES_MAX);
		return NULL;
	}
	if (status != CAIRO_STATUS_SUCCESS) {
		g_set_error(error, DISPO_LETTER_ERROR, DISPO_LETTER_ERROR_RENDER,
		            "cannot draw the letter: %s", cairo_status_to_string(status));
		return NULL;
	}
	return g_byte_array_free_to_bytes(g_steal_pointer(&pdf));
}

GBytes *
letter_render(const dispo_letter *l, GError **error)
{
	g_auto(letter_fields) f = {0};
	cairo_surface_t *logo = NULL;
	PangoContext *ctx;
	GBytes *pdf = NULL;

	g_return_val_if_fail(l != NULL, NULL);
	if (!letter_fields_init(&f, l, error))
		return NULL;
	if (l->head.logo_path && !(logo = logo_load(l->head.logo_path, error)))
		return NULL;
	ctx = context_new();
	if (font_check(ctx, error))
		pdf = pdf_render(l, &f, logo, ctx, error);
	g_object_unref(ctx);
	cairo_surface_destroy(logo);
	return pdf;
}

bool
letter_render_file(const dispo_letter *l, const char *path, GError **error)
{
	g_autoptr(GBytes) pdf = letter_render(l, error);
	gsize len = 0;
	const void *data;

	if (!pdf)
		return false;
	data = g_bytes_get_data(pdf, &len);
	return dispo_file_write_atomic(path, data, len, 0640, error);
}
