/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mime.h: raw message bytes in, a dispo_mail out: envelope, best text body and
 * attachments decoded to disk. The only module that sees GMime. */
#ifndef DISPO_MIME_H
#define DISPO_MIME_H

#include "lib/lib.h"

#define DISPO_MIME_ERROR (dispo_mime_error_quark())
GQuark dispo_mime_error_quark(void);
typedef enum {
	DISPO_MIME_ERROR_TEMPORARY, /* could not read the input or write an attachment */
	DISPO_MIME_ERROR_PERMANENT,
} dispo_mime_error_code;

typedef enum {
	DISPO_MAIL_PARSED,
	DISPO_MAIL_OVER_LIMIT,  /* parsed as far as the limits allow; problem says which */
	DISPO_MAIL_UNPARSEABLE, /* not an email message; problem says why */
} dispo_mail_status;

const char *mime_mail_status_name(dispo_mail_status status);

typedef struct dispo_mailbox {
	char *name;    /* display name decoded to UTF-8, NULL when absent */
	char *address; /* local@domain as written (UTF-8 domains stay UTF-8) */
} dispo_mailbox;

typedef struct dispo_header {
	char *name;  /* as written */
	char *value; /* unfolded, not decoded; control characters removed */
} dispo_header;

typedef struct dispo_attachment {
	char *filename;     /* decoded RFC 2047 / RFC 2231 name, UTF-8; NULL when none */
	char *content_type; /* as declared, lower case: application/pdf */
	char *disposition;  /* attachment, inline, or NULL */
	char *part_id;      /* position in the MIME tree: 2, 1.3, 2.1.2 */
	unsigned depth;     /* 0 in the message itself, 1 inside a forwarded message */
	uint64_t size;      /* decoded bytes */
	char sha256[DISPO_SHA256_HEX_LEN + 1];
	char *path; /* decoded bytes on disk (attachments/ab/abcd…), NULL when not saved */
} dispo_attachment;

/* A message forwarded as an attachment (message/rfc822, message/global)
 * directly inside this one, as its own header block describes it. Nothing
 * in it is vouched for by anyone: whoever forwarded it could have written
 * every byte, its Received: and Authentication-Results: fields included,
 * so they are not even kept. */
typedef struct dispo_forward {
	char *part_id;       /* the message part's position: 2, 1.2 */
	GPtrArray *from;     /* dispo_mailbox *, all of them (none: absent or unreadable) */
	char *subject;       /* decoded UTF-8, NULL when absent */
	char *message_id;    /* without angle brackets, NULL when absent */
	dispo_time date;     /* Date:, 0 when absent or unreadable */
	char *body;          /* its own best text body, UTF-8, NULL when none */
	bool body_from_html; /* that body was converted from text/html */
} dispo_forward;

/* Every string of a dispo_mail is valid UTF-8 without NUL: a NUL in the
 * message (raw, =00, base64, U+0000 in UTF-16, in a header or a body) is
 * read as U+FFFD, never as the end of the text. */
typedef struct dispo_mail {
	dispo_mail_status status;
	char *problem;       /* why not parsed or over a limit; NULL when fine */
	GPtrArray *warnings; /* char *: what the parser had to repair */

	GPtrArray *headers; /* dispo_header *, top-level, in order */
	GPtrArray *from;    /* dispo_mailbox *, all of them: policy wants exactly one */
	GPtrArray *to;
	GPtrArray *cc;
	GPtrArray *reply_to;
	GPtrArray *sender; /* Sender:, usually empty */
	char *return_path; /* address inside Return-Path, "" for <>, NULL when absent */
	char *subject;     /* decoded UTF-8 */
	char *message_id;  /* without angle brackets */
	char *in_reply_to;
	GPtrArray *references; /* char *, oldest first: the first and the newest 99 */
	dispo_time date;       /* Date:, 0 when absent or unreadable */
	dispo_time received;   /* newest (topmost readable) Received: time, 0 when none */
	char *content_type;    /* top-level media type, lower case */
	char *report_type;     /* report-type of a multipart/report, lower case */
	/* What a report (bounce, DSN) carries, taken from the message itself, never
	 * from a message forwarded inside it: decoded UTF-8 text, at most
	 * limits.text_size bytes each, NULL when there is none. */
	char *delivery_status;  /* the first message/(global-)delivery-status part */
	char *enclosed_headers; /* "Name: value" lines of the returned original: a
	                         * text/rfc822-headers (message/global-headers) part,
	                         * else the first message/rfc822 (message/global) part's
	                         * header block, unfolded, one field a line */

	char *body;             /* best text body, UTF-8, NULL when none */
	bool body_from_html;    /* the body was converted from text/html */
	GPtrArray *attachments; /* dispo_attachment * */
	unsigned parts;
	unsigned depth;
	unsigned forwarded; /* message/rfc822 parts walked */
	/* dispo_forward *: the forwarded messages at depth 1 (whose attachments
	 * have depth 1), in order. Their text is in body too, after a
	 * "---------- Forwarded message ----------" block; each one's own text
	 * is its body here, the bodies together kept to about limits.text_size. */
	GPtrArray *forwards;
} dispo_mail;

/* Parses the message in the file at path. Attachments are decoded as streams
 * into attachment_dir (content-addressed: ab/abcd…) unless it is NULL.
 * A message that is not an email or breaks a limit is not an error: it comes
 * back with that status and the reason. NULL (with *error) only when reading
 * the file or writing an attachment fails. */
dispo_mail *mime_mail_parse_file(const char *path, const dispo_limits *limits,
                                 const char *attachment_dir, GError **error);
/* The same; without sync the attachment files are not synced one by one
 * and the caller syncs their file system before trusting them (batches). */
dispo_mail *mime_mail_parse_file_sync(const char *path, const dispo_limits *limits,
                                      const char *attachment_dir, bool sync, GError **error);
/* The same on bytes in memory (tests, fuzzing). */
dispo_mail *mime_mail_parse_data(const void *data, size_t len, const dispo_limits *limits,
                                 const char *attachment_dir, GError **error);
void mime_mail_free(dispo_mail *mail);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(dispo_mail, mime_mail_free)

/* The first header called name (case-insensitive), or NULL. */
const char *mime_mail_header(const dispo_mail *mail, const char *name);
/* The i-th message id the mail answers, nearest first: In-Reply-To, then
 * References from the newest (a long thread's is the last); NULL past the
 * end. */
const char *mime_mail_thread_id(const dispo_mail *mail, guint i);
/* Every header called name, in order (NULL-terminated, free the array only). */
const char **mime_mail_headers(const dispo_mail *mail, const char *name);
/* A stable, human-readable dump of everything parsed (golden tests). */
char *mime_mail_dump(const dispo_mail *mail, GTimeZone *tz);
char *mime_mailbox_format(const dispo_mailbox *mailbox);

/* The limit a message of len bytes breaks, judged from the raw bytes before
 * it is parsed: its size, too many parts or nested containers, too many
 * header fields or header bytes in all, too many addresses, a field that
 * dispo parses too long. A hostile message is thus never expanded by the
 * parser. (Depth is judged exactly in the walk; GMime itself stops nesting
 * at 1024 levels.) NULL when none. */
char *mime_prescan(const char *data, size_t len, const dispo_limits *limits);

/* HTML to readable text: block elements become lines, blockquotes are quoted
 * with "> ", scripts and styles are dropped, entities decoded. */
char *mime_html_to_text(const char *html, size_t len);

/* ---- writing messages (the demo, and later the outbox) ----------------- */

typedef struct dispo_compose dispo_compose;
dispo_compose *mime_compose_new(const char *from, const char *to, const char *subject,
                                const char *text_body);
void mime_compose_set_header(dispo_compose *c, const char *name, const char *value);
void mime_compose_set_date(dispo_compose *c, dispo_time t, GTimeZone *tz);
void mime_compose_set_message_id(dispo_compose *c, const char *id);
void mime_compose_attach(dispo_compose *c, const char *filename, const char *content_type,
                         const void *data, size_t len);
/* The text is format=flowed (RFC 3676; dispo_text_flow wrote it). */
void mime_compose_set_flowed(dispo_compose *c);
/* An HTML alternative of the text (multipart/alternative, text first).
 * Set it before the first attachment; a second call does nothing. */
void mime_compose_set_html(dispo_compose *c, const char *html);
/* The message as RFC 5322 bytes with CRLF line ends. */
GBytes *mime_compose_render(dispo_compose *c);
void mime_compose_free(dispo_compose *c);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(dispo_compose, mime_compose_free)

#endif
