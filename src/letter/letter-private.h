/* SPDX-License-Identifier: GPL-3.0-or-later */
/* letter-private.h: what the letter's text half (text.c) hands to its drawing
 * half (letter.c); no Cairo or Pango here. */
#ifndef DISPO_LETTER_PRIVATE_H
#define DISPO_LETTER_PRIVATE_H

#include "letter/letter.h"

/* Returns valid UTF-8 without control characters (tabs become spaces; with
 * multiline, newlines stay and U+2028/9 become newlines, else they become
 * spaces too) and without the invisible bidi controls that could make a
 * name read differently from its bytes. More than max characters are cut
 * to max - 1 and "…". Single-line results are stripped. */
char *letter_text_clean(const char *s, size_t max, bool multiline);

typedef enum {
	LETTER_PIECE_PARA, /* text: a justified paragraph */
	LETTER_PIECE_ITEM, /* marker "1." and text: a list item, hanging */
	LETTER_PIECE_ROW,  /* label and value of a "Label : value" table row */
} letter_piece_kind;

typedef struct letter_piece {
	letter_piece_kind kind;
	char *a;        /* PARA: the text; ITEM: the marker; ROW: the label */
	char *b;        /* ITEM: the text; ROW: the value (cut at LETTER_FIELD_MAX) */
	bool gap;       /* a blank line came before it */
	unsigned table; /* ROW: rows with the same number share a label column */
} letter_piece;

/* Splits a cleaned body into pieces (letter_piece_free as the free func). */
GPtrArray *letter_body_parse(const char *body);
void letter_piece_free(gpointer piece);

#define LETTERHEAD_LINES_MAX 6
#define RECIPIENT_LINES_MAX  8

/* The width of text as it will be drawn, for the line breaking below. */
typedef double (*letter_measure_fn)(const char *text, void *data);

/* A signer's jabatan as lines no wider than max, broken where a reader
 * expects: before the region ("Kabupaten Kudus", "Kota", "Provinsi"),
 * after a comma, never right after a word that joins ("dan", "Kepala",
 * "Plt."); as few lines as fit, then as even as possible. A word wider
 * than max stands alone on its line. NULL-terminated, never empty for a
 * non-blank position. */
char **letter_position_lines(const char *position, double max, letter_measure_fn measure,
                             void *data);

/* The kop's lines under its headings: "address, Telepon phone", the given
 * lines, "Pos-el email, Laman website"; empty parts and lines left out. */
char **letter_kop_lines(const dispo_letter_head *head);

/* The letter's strings after cleaning and bounding. */
typedef struct letter_fields {
	char *government, *office; /* the kop's headings, possibly empty */
	char **kop;                /* the kop's smaller lines: address, lines, contact */
	char **recipient;
	char *city, *date, *number, *nature, *attachment, *subject, *body;
	char *position, *name, *rank, *nip;
} letter_fields;

/* Cleans and checks l's strings into f; clear f either way. */
bool letter_fields_init(letter_fields *f, const dispo_letter *l, GError **error);
void letter_fields_clear(letter_fields *f);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(letter_fields, letter_fields_clear)

#endif
