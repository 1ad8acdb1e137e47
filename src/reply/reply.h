/* SPDX-License-Identifier: GPL-3.0-or-later */
/* reply.h: what an official wrote in answer to one of dispo's emails (the new
 * text, without quotes, client reply headers and signatures) and which
 * command word it carries. Pure text functions; no I/O, no GMime. */
#ifndef DISPO_REPLY_H
#define DISPO_REPLY_H

#include "lib/lib.h"
#include "mime/mime.h"

/* The new text of a reply: quoted text, forwarded/original-message blocks,
 * client reply headers and signatures removed; trimmed. body is the text
 * body as dispo's mime module gives it: UTF-8, \n line ends (CR LF and lone
 * CR are accepted too); HTML-only replies arrive converted to text, with
 * <blockquote> as "> " lines. Never NULL; "" when nothing new was written.
 *
 * What goes, in order of the lines:
 * - "> " lines, and unprefixed lines wedged between two quoted lines when
 *   they continue a long quoted line that a client wrapped;
 * - a reply header ("On … wrote:", "Pada … menulis:", "<date>, X <x@y>:" and
 *   the like, over up to three lines): only the header when quoted lines
 *   follow it (bottom-posting and inline answers keep their text), the
 *   header and everything after it when the original follows unprefixed;
 * - from the first of these to the end: "-----Original Message-----" and
 *   "----- Pesan Asli -----" style markers, forwarded-message markers, a
 *   header block (From:/Sent:/To:/Subject:, Dari:/Dikirim:/Kepada:/Perihal:
 *   and other languages' labels: at least three labels on consecutive lines,
 *   or two with an address among them, one of them a sender label), the
 *   "-- " signature line, a line of underscores (Outlook's rule, list
 *   footers), a mobile client's line ("Sent from my iPhone", "Dikirim dari
 *   iPhone saya", "Get Outlook for iOS"; short, without a comma), and a
 *   closing ("Salam,", "Hormat saya,", "Regards,") on a line of its own that
 *   is followed by one to seven short lines (name, position) and preceded by
 *   text. */
char *reply_visible_text(const char *body);

typedef enum {
	DISPO_REPLY_COMMAND,  /* one command found: *command, *argument set */
	DISPO_REPLY_EMPTY,    /* nothing written */
	DISPO_REPLY_UNCLEAR,  /* text, but no command word ("ok", "baik pak", 👍) */
	DISPO_REPLY_CONFLICT, /* two different commands */
} dispo_reply_status;

/* Finds the command in visible text (reply_visible_text()'s result).
 *
 * words is the vocabulary, NULL-terminated, upper-case ASCII ("SETUJU",
 * "APPROVE", "TOLAK", …); canon is parallel to words and gives each word's
 * canonical command name ("approve" for both SETUJU and APPROVE), or NULL
 * when every word is its own command (the name is then the word in lower
 * case). Words are matched whole and case-insensitively.
 *
 * The command is the first word of the first meaningful line, where
 * decoration around it ("**SETUJU**", "[SETUJU]", "Setuju!") is fine. Lines
 * that only greet ("Yth. Admin,", "Selamat pagi Pak,", "Dear all,") are
 * skipped; on a greeting or acknowledgement line ("Selamat pagi, setuju.",
 * "Ok pak, SETUJU") the command may follow the greeting. A command word
 * elsewhere in a sentence does not count, and neither does a negated one
 * ("tidak setuju", "belum setuju", "not approve" are UNCLEAR, never a
 * rejection: the official is asked again rather than guessed at). Any later
 * line that begins with a word of a different command makes the reply
 * CONFLICT, even inside a reason: a second answer costs the official one
 * more email, a wrong decision costs far more.
 *
 * On DISPO_REPLY_COMMAND, *command is the canonical name and *argument the
 * text after the command word (separators such as ":" "-" "," dropped)
 * continued by the following lines to the end, trimmed, possibly "". On any
 * other status both are set to NULL. command and argument may be NULL when
 * the caller does not want them. */
dispo_reply_status reply_command_find(const char *visible, const char *const *words,
                                      const char *const *canon, char **command, char **argument);

/* The status's name, for logs and tests ("command", "empty", …). */
const char *reply_status_name(dispo_reply_status status);

/* ---- machine-made mail (auto.c, bounce.c) ---- */
/* Judged from the parsed message (the dispo_mail struct only: reply does not
 * link the mime library, and reads mail->headers itself). */
typedef enum {
	DISPO_AUTO_NONE,   /* written by a person, as far as the message tells */
	DISPO_AUTO_BOUNCE, /* a non-delivery (or delay) report, RFC 3464 or not */
	DISPO_AUTO_REPORT, /* another report: delivery-success DSN, ARF feedback,
	                    * read receipt (MDN) */
	DISPO_AUTO_REPLY,  /* vacation / out-of-office / autoresponder (RFC 3834 and look-alikes),
	                    * and any other Auto-Submitted mail */
	DISPO_AUTO_LIST,   /* list or bulk mail (List-Id, Precedence: bulk|junk|list) */
} dispo_auto_kind;
/* "none", "bounce", "report", "auto_reply", "list" */
const char *reply_auto_kind_name(dispo_auto_kind kind);

typedef struct dispo_bounce_recipient {
	char *address;    /* the failed (or delayed) recipient, lower case, no brackets */
	char *status;     /* "5.1.1", NULL when unknown */
	char *action;     /* failed, delayed, delivered, relayed, expanded; NULL
	                   * when unknown (non-standard: failed) */
	char *diagnostic; /* the remote server's words, one line, NULL when none */
	bool permanent;   /* a failure that retrying will not cure */
} dispo_bounce_recipient;

typedef struct dispo_bounce {
	/* "rfc3464", "qmail", "exchange", "postfix-old", "subject", … (static) */
	const char *format;
	GPtrArray *recipients; /* dispo_bounce_recipient * */
	/* char *: Message-IDs of the returned original (no <>), from the
	 * enclosed headers or quoted text */
	GPtrArray *message_ids;
} dispo_bounce;
void reply_bounce_free(dispo_bounce *b);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(dispo_bounce, reply_bounce_free)

/* What kind of machine-made mail this is. For DISPO_AUTO_BOUNCE, *bounce (when
 * bounce is not NULL) receives what was parsed (recipients may be empty when a
 * bounce is recognised but says nothing parseable); otherwise *bounce is set
 * to NULL.
 *
 * In order: a read receipt or ARF report is a REPORT; a delivery-status
 * report is a BOUNCE unless every recipient was delivered, relayed or
 * expanded (a REPORT); mail from a machine (a mailer-daemon or postmaster
 * sender, an empty Return-Path, Auto-Submitted) that reads like a bounce
 * (an MTA's wording, a bounce subject in English or Indonesian) is a BOUNCE;
 * then RFC 3834 and vendor auto-reply headers, list headers, and vacation
 * subjects; last, mail from mailer-daemon or postmaster that says nothing
 * else is a BOUNCE (format "sender"). A subject that
 * starts with a reply or forward prefix ("Re: Undeliverable: …") was
 * written by a person, and so is a forwarded bounce. */
dispo_auto_kind reply_auto_kind(const dispo_mail *mail, dispo_bounce **bounce);

/* The recipients and returned Message-IDs in mail read as a bounce: the
 * delivery-status part's fields when there is one (format "rfc3464"), else
 * the text, with format naming the MTA whose wording it carries ("qmail",
 * "postfix-old", "exim", "sendmail", "exchange", "gmail", "yahoo", "text")
 * or NULL when none. A DSN recipient is its Original-Recipient when given
 * (the address dispo wrote, before the far side's aliases), else its
 * Final-Recipient. Never NULL; it does not decide whether mail is a bounce
 * at all (reply_auto_kind() does). */
dispo_bounce *reply_bounce_read(const dispo_mail *mail);

#endif
