/* SPDX-License-Identifier: GPL-3.0-or-later */
/* reply.h: what an official wrote in answer to one of dispo's emails (the new
 * text, without quotes, client reply headers and signatures) and which
 * command word it carries. Pure text functions; no I/O, no GMime. */
#ifndef DISPO_REPLY_H
#define DISPO_REPLY_H

#include "lib/lib.h"

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

#endif
