/* SPDX-License-Identifier: GPL-3.0-or-later */
/* letter.h: the recommendation letter (surat rekomendasi) to BSrE as an A4
 * PDF laid out after the Tata Naskah Dinas, ready to be signed and sent. */
#ifndef DISPO_LETTER_H
#define DISPO_LETTER_H

#include "lib/lib.h"

#define DISPO_LETTER_ERROR (dispo_letter_error_quark())
GQuark dispo_letter_error_quark(void);
typedef enum {
	DISPO_LETTER_ERROR_INVALID,  /* a required field is missing or malformed */
	DISPO_LETTER_ERROR_LOGO,     /* the configured logo cannot be read or decoded */
	DISPO_LETTER_ERROR_FONT,     /* DejaVu Serif is not installed */
	DISPO_LETTER_ERROR_TOO_LONG, /* the body exceeds LETTER_BODY_MAX or LETTER_PAGES_MAX */
	DISPO_LETTER_ERROR_RENDER,   /* Cairo failed (usually out of memory) */
	DISPO_LETTER_ERROR_MODULE,   /* dispo-letter.so is not installed or cannot be loaded */
} dispo_letter_error_code;

/* Bounds on what applicants' data can make the letter do. Longer single
 * fields are cut with "…"; a longer body or letter is an error, because a
 * silently shortened official letter is worse than none. */
#define LETTER_FIELD_MAX 300   /* characters of a name, number, table value… */
#define LETTER_BODY_MAX  65536 /* bytes of body text */
#define LETTER_PAGES_MAX 20

/* The kop surat (Permendagri 1/2023): the government and the office in
 * capitals and bold, then the address and a contact line that the letter
 * composes from phone, e-mail and website ("Telepon (0291) 435316, Pos-el
 * ..., Laman ..."). Empty or NULL parts are left out. */
typedef struct dispo_letter_head {
	const char *government; /* "PEMERINTAH KABUPATEN KUDUS" */
	const char *office;     /* "DINAS KOMUNIKASI DAN INFORMATIKA", the largest line */
	const char *address;    /* "Jl. Simpang Tujuh No. 1, Kudus 59313" */
	/* Lines printed as given after the address, NULL-terminated or NULL:
	 * what a configuration's old letterhead key had past its third line. */
	const char *const *lines;
	const char *phone;   /* "(0291) 435316" */
	const char *email;   /* "diskominfo@kuduskab.go.id" */
	const char *website; /* "diskominfo.kuduskab.go.id" */
	const char *logo_path; /* PNG (a path or a GIO URI such as resource://) drawn
	                        * left of the kop; NULL for none */
} dispo_letter_head;

/* Every string is untrusted UTF-8: it is cleaned of control and bidi
 * override characters and drawn as plain text, never as markup. */
typedef struct dispo_letter {
	dispo_letter_head head;
	const char *city;       /* "Kudus" */
	dispo_time date;        /* printed "Kudus, 24 November 2026" */
	GTimeZone *tz;          /* the office's zone; NULL is UTC */
	const char *number;     /* Nomor: 800/123/28.01/2026 */
	const char *nature;     /* Sifat: "Biasa", "Segera"…; NULL leaves the line out */
	const char *attachment; /* Lampiran; NULL prints "-" */
	const char *subject;    /* Hal */
	/* "Yth. Kepala Balai Besar Sertifikasi Elektronik", "di", "Jakarta";
	 * NULL-terminated; a line after a line "di" is indented. */
	const char *const *recipient;
	/* Rendered by the caller from a template. Paragraphs are separated by
	 * blank lines (single newlines inside one are spaces); a line starting
	 * "1.", "a.", "-" or "•" begins a list item; lines of the form
	 * "Label : value" (space before the colon) form a table with aligned
	 * colons. */
	const char *body;
	/* "Kepala Dinas Komunikasi dan Informatika Kabupaten Kudus": as wide as
	 * the signature block may be, else broken where a reader expects it
	 * (letter_position_lines), never inside a unit's name. */
	const char *signer_position;
	const char *signer_name; /* printed bold and underlined */
	const char *signer_rank; /* pangkat "Pembina Utama Muda (IV/c)"; NULL or "" to omit */
	const char *signer_nip; /* 18 digits, printed "NIP. 19690314 199403 1 006"; NULL to omit */
} dispo_letter;

/* The letter as PDF bytes. The same letter gives the same bytes (the PDF's
 * creation date is the letter's date). */
GBytes *letter_render(const dispo_letter *l, GError **error);
/* Renders and writes path durably (temp, fsync, rename), mode 0640. */
bool letter_render_file(const dispo_letter *l, const char *path, GError **error);
/* "24 November 2026": the day in tz (NULL is UTC), Indonesian month names. */
char *letter_date_text(dispo_time t, GTimeZone *tz);
/* "19690314 199403 1 006" (birth date, appointment, gender, serial) from 18
 * ASCII digits, spaces ignored; NULL for anything else. */
char *letter_nip_format(const char *nip);

#endif
