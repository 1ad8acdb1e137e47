/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bounce.c: who a bounce says could not be reached, why, and which of our
 * messages came back: RFC 3464 fields, else the wording of the MTAs that
 * still send plain text (qmail, old Postfix, Exim, Sendmail, Exchange,
 * Gmail, Yahoo, and their Indonesian versions). */
#include "config.h"

#include "reply/reply.h"

#include <stdio.h>
#include <string.h>

/* Bounds on what one hostile report can make us keep. */
#define MAX_RECIPIENTS  100
#define MAX_MESSAGE_IDS 8
#define MAX_DIAGNOSTIC  500
/* Lines after a recipient's address that may carry its reason. */
#define REASON_LINES 4

/* An address as MTAs print it: generous in the local part, letters of any
 * script in the domain. */
#define ADDR_RE                                                                                    \
	"[\\p{L}\\p{N}._%+'=/!#$&*?^{|}~-]+@[\\p{L}\\p{N}](?:[\\p{L}\\p{N}.-]*[\\p{L}\\p{N}])?"

typedef struct {
	GRegex *lead;     /* an address first on a line, maybe in <> */
	GRegex *named;    /* "Name (addr)" or "Name <addr>" alone on a line */
	GRegex *field;    /* "Final-Recipient: rfc822; addr" and the like in text */
	GRegex *sentence; /* "… wasn't delivered to addr", "… tidak terkirim ke addr" */
	GRegex *status;   /* an enhanced status code, 5.1.1 */
	GRegex *msgid;    /* a Message-ID: <…> line */
	GRegex *retry;    /* words that promise another attempt */
	GRegex *label;    /* "Unknown user: addr" */
	GRegex *to;       /* the returned original's To: line */
	GRegex *addr;     /* any address */
} bounce_res;

static const bounce_res *
res(void)
{
	static bounce_res r;
	static gsize once;

	if (g_once_init_enter(&once)) {
		GRegexCompileFlags ci = G_REGEX_CASELESS | G_REGEX_OPTIMIZE;
		r.lead = g_regex_new("^\\s*(?:[*\u2022-]\\s+)?[<\"]?(" ADDR_RE
		                     ")[>\"]?(?=$|[\\s:.,;\\[(])[\\s:.]*(.*)$",
		                     ci, 0, NULL);
		r.named = g_regex_new("^\\s*[^:<>()@]{1,80}[(<](?:mailto:)?(" ADDR_RE ")[)>]\\s*$",
		                      ci, 0, NULL);
		r.field = g_regex_new(
		    "^\\s*(?:final-recipient|original-recipient|failed "
		    "recipients?|recipient(?: address)?|rcpt to|alamat penerima|penerima)"
		    "\\s*:\\s*(?:rfc822\\s*;)?\\s*<?(" ADDR_RE ")>?(.*)$",
		    ci, 0, NULL);
		r.sentence = g_regex_new(
		    "(?:delivered to|deliver (?:your )?message to|delivery to|message to|"
		    "delivering your (?:mail|message) to|following "
		    "(?:recipients?|addresse?s?)[^:]{0,40}:|"
		    "terkirim ke|dikirim ke|pengiriman ke|tidak sampai ke)\\s*:?\\s*<?(" ADDR_RE
		    ")>?",
		    ci, 0, NULL);
		r.status = g_regex_new(
		    "(?<![\\d.])([245])\\.(\\d{1,3})\\.(\\d{1,3})(?![\\d]|\\.\\d)", 0, 0, NULL);
		r.msgid = g_regex_new("^\\s*Message-ID:\\s*<([^<>\\s]{1,250})>",
		                      ci | G_REGEX_MULTILINE, 0, NULL);
		r.retry = g_regex_new("\\b(?:will (?:be )?retr(?:y|ied)|will (?:continue|keep) "
		                      "trying|delayed|not yet been delivered|masih mencoba|akan "
		                      "dicoba lagi|akan mencoba lagi|tertunda|ditunda)\\b",
		                      ci, 0, NULL);
		r.label = g_regex_new("^\\s*[^:@<>]{3,40}:\\s*<?(" ADDR_RE ")>?\\s*$", ci, 0, NULL);
		r.to = g_regex_new("^To:(.*)$", ci | G_REGEX_MULTILINE, 0, NULL);
		r.addr = g_regex_new(ADDR_RE, ci, 0, NULL);
		g_once_init_leave(&once, 1);
	}
	return &r;
}

static void
recipient_free(dispo_bounce_recipient *r)
{
	if (!r)
		return;
	g_free(r->address);
	g_free(r->status);
	g_free(r->action);
	g_free(r->diagnostic);
	g_free(r);
}

void
reply_bounce_free(dispo_bounce *b)
{
	if (!b)
		return;
	g_ptr_array_unref(b->recipients);
	g_ptr_array_unref(b->message_ids);
	g_free(b);
}

/* ---- small text helpers -------------------------------------------------- */

/* Whitespace runs to one space, trimmed, at most MAX_DIAGNOSTIC bytes. */
static char *
one_line(const char *s)
{
	GString *out = g_string_new(NULL);
	bool space = false;

	for (const char *p = s; *p; p++) {
		if (g_ascii_isspace(*p) || (unsigned char)*p < 0x20) {
			space = out->len > 0;
			continue;
		}
		if (space)
			g_string_append_c(out, ' ');
		space = false;
		g_string_append_c(out, *p);
	}
	if (out->len > MAX_DIAGNOSTIC) {
		const char *cut = g_utf8_find_prev_char(out->str, out->str + MAX_DIAGNOSTIC + 1);
		g_string_truncate(out, cut ? (gsize)(cut - out->str) : 0);
	}
	if (out->len == 0) {
		g_string_free(out, TRUE);
		return NULL;
	}
	return g_string_free(out, FALSE);
}

/* The first enhanced status code in s ("5.1.1"), or NULL. */
static char *
status_in(const char *s)
{
	g_autoptr(GMatchInfo) m = NULL;

	if (!s || !g_regex_match(res()->status, s, 0, &m))
		return NULL;
	return g_match_info_fetch(m, 0);
}

/* Lines of text, \r\n, \r and \n all ending one. */
static char **
split_lines(const char *text)
{
	g_autofree char *copy = g_strdup(text ? text : "");

	for (char *p = copy; *p; p++)
		if (*p == '\r')
			*p = p[1] == '\n' ? ' ' : '\n';
	return g_strsplit(copy, "\n", -1);
}

static bool
in_mailboxes(const GPtrArray *list, const char *address)
{
	for (guint i = 0; list && i < list->len; i++) {
		const dispo_mailbox *m = list->pdata[i];
		if (m->address && g_ascii_strcasecmp(m->address, address) == 0)
			return true;
	}
	return false;
}

static dispo_bounce_recipient *
find_recipient(dispo_bounce *b, const char *address)
{
	for (guint i = 0; i < b->recipients->len; i++) {
		dispo_bounce_recipient *r = b->recipients->pdata[i];
		if (strcmp(r->address, address) == 0)
			return r;
	}
	return NULL;
}

/* Adds a recipient once; NULL when it is already there, not an address, or
 * there are too many. */
static dispo_bounce_recipient *
add_recipient(dispo_bounce *b, const char *address)
{
	dispo_bounce_recipient *r;
	g_autofree char *lower = NULL;

	if (!address || !*address || strchr(address, ' ') || b->recipients->len >= MAX_RECIPIENTS)
		return NULL;
	lower = g_utf8_strdown(address, -1);
	if (find_recipient(b, lower))
		return NULL;
	r = g_new0(dispo_bounce_recipient, 1);
	r->address = g_steal_pointer(&lower);
	g_ptr_array_add(b->recipients, r);
	return r;
}

/* ---- RFC 3464 ------------------------------------------------------------ */

typedef struct {
	char *original, *final, *action, *status, *diagnostic;
} dsn_fields;

static void
dsn_fields_clear(dsn_fields *f)
{
	g_clear_pointer(&f->original, g_free);
	g_clear_pointer(&f->final, g_free);
	g_clear_pointer(&f->action, g_free);
	g_clear_pointer(&f->status, g_free);
	g_clear_pointer(&f->diagnostic, g_free);
}

/* "rfc822; <a@b>" → "a@b"; "utf-8; a\x{E9}@b" decoded (RFC 6533). */
static char *
dsn_address(const char *value)
{
	const char *semi = strchr(value, ';');
	const char *p = semi ? semi + 1 : value;
	GString *out = g_string_new(NULL);

	while (*p == ' ' || *p == '\t' || *p == '<' || *p == '"')
		p++;
	while (*p && *p != '>' && *p != ' ' && *p != '\t' && *p != '"') {
		unsigned cp;
		int used = 0;
		if (p[0] == '\\' && p[1] == 'x' && p[2] == '{' &&
		    sscanf(p, "\\x{%6x}%n", &cp, &used) == 1 && used > 0 &&
		    g_unichar_validate(cp) && cp >= 0x20) {
			g_string_append_unichar(out, cp);
			p += used;
			continue;
		}
		g_string_append_c(out, *p++);
	}
	if (out->len == 0) {
		g_string_free(out, TRUE);
		return NULL;
	}
	return g_string_free(out, FALSE);
}

static void
dsn_flush(dispo_bounce *b, dsn_fields *f)
{
	/* The address dispo wrote is the original one; aliasing on the far
	 * side gives a final one we never knew. */
	g_autofree char *orig = f->original ? dsn_address(f->original) : NULL;
	g_autofree char *final = f->final ? dsn_address(f->final) : NULL;
	const char *addr = orig && strchr(orig, '@') ? orig : final ? final : orig;
	dispo_bounce_recipient *r = add_recipient(b, addr);

	if (r) {
		g_autofree char *diag = NULL;
		if (f->action) {
			g_autofree char *a = one_line(f->action);
			if (a)
				r->action = g_ascii_strdown(a, strcspn(a, " ;("));
		}
		if (f->diagnostic) {
			/* "smtp; 550 …": the type says nothing to a reader. */
			const char *semi = strchr(f->diagnostic, ';');
			diag =
			    one_line(semi && semi - f->diagnostic < 20 ? semi + 1 : f->diagnostic);
		}
		r->status = status_in(f->status);
		if (!r->status || g_str_has_suffix(r->status, ".0.0")) {
			/* A bare 5.0.0 with a precise code in the server's words. */
			char *better = status_in(diag);
			if (better && (!r->status || better[0] == r->status[0])) {
				g_free(r->status);
				r->status = better;
			} else {
				g_free(better);
			}
		}
		r->diagnostic = g_steal_pointer(&diag);
		if (r->status)
			r->permanent = r->status[0] == '5';
		else
			r->permanent = g_strcmp0(r->action, "failed") == 0;
	}
	dsn_fields_clear(f);
}

static void
dsn_parse(dispo_bounce *b, const char *text)
{
	g_auto(GStrv) lines = split_lines(text);
	dsn_fields f = {0};
	char **last = NULL; /* the field a continuation line belongs to */

	for (size_t i = 0; lines[i]; i++) {
		char *l = lines[i];
		char *colon;
		char **slot = NULL;

		if (strspn(l, " \t") == strlen(l)) {
			if (f.original || f.final)
				dsn_flush(b, &f);
			dsn_fields_clear(&f);
			last = NULL;
			continue;
		}
		if ((l[0] == ' ' || l[0] == '\t') && last && *last) {
			/* A field is shown on one line: beyond a line's worth the
			 * rest is dropped, so thousands of folds cost no more. */
			if (strlen(*last) < 998) {
				char *joined = g_strconcat(*last, " ", g_strstrip(l), NULL);
				g_free(*last);
				*last = joined;
			}
			continue;
		}
		colon = strchr(l, ':');
		last = NULL;
		if (!colon)
			continue;
		*colon = '\0';
		g_strstrip(l);
		if (g_ascii_strcasecmp(l, "Final-Recipient") == 0) {
			if (f.final)
				dsn_flush(b, &f);
			slot = &f.final;
		} else if (g_ascii_strcasecmp(l, "Original-Recipient") == 0) {
			/* Some MTAs leave no blank line between recipients. */
			if (f.original)
				dsn_flush(b, &f);
			slot = &f.original;
		} else if (g_ascii_strcasecmp(l, "Action") == 0) {
			slot = &f.action;
		} else if (g_ascii_strcasecmp(l, "Status") == 0) {
			slot = &f.status;
		} else if (g_ascii_strcasecmp(l, "Diagnostic-Code") == 0) {
			slot = &f.diagnostic;
		}
		if (slot && !*slot) {
			*slot = g_strstrip(g_strdup(colon + 1));
			last = slot;
		}
	}
	if (f.original || f.final)
		dsn_flush(b, &f);
	dsn_fields_clear(&f);
}

/* ---- the text of non-standard bounces ------------------------------------ */

/* Wording that names the software that wrote a bounce (lower case). */
static const struct {
	const char *words;
	const char *format;
} banners[] = {
    {"this is the qmail-send program", "qmail"},
    {"i'm afraid i wasn't able to deliver your message", "qmail"},
    {"this is the postfix program", "postfix-old"},
    {"this is the mail system at host", "postfix"},
    {"this message was created automatically by mail delivery software", "exim"},
    {"the following addresses had permanent fatal errors", "sendmail"},
    {"----- transcript of session follows -----", "sendmail"},
    {"delivery has failed to these recipients or groups", "exchange"},
    {"did not reach the following recipient", "exchange"},
    {"your message did not reach some or all of the intended recipients", "exchange"},
    {"your message to", "exchange"},
    {"pengiriman ke penerima atau grup ini gagal", "exchange"},
    {"pesan anda tidak dapat dikirim", "exchange"},
    {"delivery to the following recipient failed", "gmail"},
    {"delivery to the following recipients failed", "gmail"},
    {"your message wasn't delivered to", "gmail"},
    {"pesan anda tidak terkirim", "gmail"},
    {"sorry, we were unable to deliver your message", "yahoo"},
    {"there was an error delivering your mail to", "dragonfly"},
    {"you are not a member of this mailing list", "fml"},
    {"could not be delivered to one or more", "text"},
    {"the following addresses had delivery errors", "text"},
    {"unable to deliver message to the following", "text"},
    {"message could not be delivered", "text"},
    {"could not be delivered to the following", "text"},
    {"delivery to the following recipients has been delayed", "text"},
    {"your message could not be delivered", "text"},
    {"undeliverable to the following", "text"},
    {"tidak dapat dikirimkan ke", "text"},
    {"gagal dikirim ke", "text"},
    {"belum dapat diantar", "text"},
    {"tidak dapat diantar", "text"},
};

/* Lines at which the returned original begins (lower case). */
static const char *const original_markers[] = {
    "below this line is a copy of the message",
    "this is a copy of the message",
    "original message follows",
    "original message:",
    "----- original message",
    "-----original message",
    "---------- forwarded message ----------",
    "header of the original message",
    "headers of the original message",
    "original message headers",
    "unsent message below",
    "----- pesan asli",
    "salinan pesan asli",
    "header pesan asli",
    "undelivered message follows",
    "message headers follow",
    "content-type: message/rfc822",
    NULL,
};

static bool
starts_header_block(const char *line)
{
	static const char *const fields[] = {
	    "Received:", "Return-Path:", "DKIM-Signature:", "X-Received:", NULL};
	for (size_t i = 0; fields[i]; i++)
		if (g_ascii_strncasecmp(line, fields[i], strlen(fields[i])) == 0)
			return true;
	return false;
}

/* The lines of the bounce's own words: up to the returned original, whose
 * text goes to *rest. */
static char **
report_lines(const char *body, char **rest)
{
	char **lines = split_lines(body);

	*rest = NULL;
	for (size_t i = 0; lines[i]; i++) {
		g_autofree char *lower = g_utf8_strdown(lines[i], -1);
		bool cut = starts_header_block(lines[i]);
		for (size_t k = 0; !cut && original_markers[k]; k++)
			cut = strstr(lower, original_markers[k]) != NULL;
		if (cut) {
			*rest = g_strjoinv("\n", lines + i);
			for (size_t j = i; lines[j]; j++)
				g_clear_pointer(&lines[j], g_free);
			break;
		}
	}
	return lines;
}

static const char *
banner_in(const char *lower)
{
	for (size_t i = 0; i < G_N_ELEMENTS(banners); i++)
		if (strstr(lower, banners[i].words))
			return banners[i].format;
	return NULL;
}

/* Not a recipient: the bounce's own correspondents (a postmaster address
 * can be the one that failed). */
static bool
excluded(const dispo_mail *mail, const char *address)
{
	return in_mailboxes(mail->from, address) || in_mailboxes(mail->to, address) ||
	       in_mailboxes(mail->cc, address) || in_mailboxes(mail->sender, address) ||
	       (mail->return_path && g_ascii_strcasecmp(mail->return_path, address) == 0);
}

static bool
address_led(const char *line)
{
	return g_regex_match(res()->lead, line, 0, NULL) ||
	       g_regex_match(res()->named, line, 0, NULL);
}

/* The reason under (or after) an address: the rest of its line and the
 * lines of the same paragraph. */
static char *
reason_after(char **lines, size_t i, const char *rest)
{
	g_autoptr(GString) reason = g_string_new(NULL);

	/* "addr on Thu, 29 Apr 2010 …" (Exchange) is a date, not a reason. */
	if (rest && g_ascii_strncasecmp(rest, "on ", 3) != 0)
		g_string_append(reason, rest);
	for (size_t k = i + 1; lines[k] && k <= i + REASON_LINES; k++) {
		if (strspn(lines[k], " \t") == strlen(lines[k]) || address_led(lines[k]))
			break;
		g_string_append_c(reason, ' ');
		g_string_append(reason, lines[k]);
	}
	return one_line(reason->str);
}

static void
text_by_lines(dispo_bounce *b, const dispo_mail *mail, char **lines)
{
	for (size_t i = 0; lines[i]; i++) {
		g_autoptr(GMatchInfo) m = NULL;
		g_autofree char *addr = NULL;
		g_autofree char *rest = NULL;
		dispo_bounce_recipient *r;

		if (g_regex_match(res()->lead, lines[i], 0, &m)) {
			addr = g_match_info_fetch(m, 1);
			rest = g_match_info_fetch(m, 2);
		} else {
			g_clear_pointer(&m, g_match_info_free);
			if (!g_regex_match(res()->named, lines[i], 0, &m))
				continue;
			addr = g_match_info_fetch(m, 1);
		}
		if (excluded(mail, addr) || !(r = add_recipient(b, addr)))
			continue;
		r->diagnostic = reason_after(lines, i, rest);
	}
}

static void
text_by_regex(dispo_bounce *b, const dispo_mail *mail, char **lines, GRegex *re)
{
	for (size_t i = 0; lines[i]; i++) {
		g_autoptr(GMatchInfo) m = NULL;
		g_autofree char *addr = NULL;
		dispo_bounce_recipient *r;

		if (!g_regex_match(re, lines[i], 0, &m))
			continue;
		addr = g_match_info_fetch(m, 1);
		if (excluded(mail, addr) || !(r = add_recipient(b, addr)))
			continue;
		r->diagnostic = reason_after(lines, i, lines[i]);
	}
}

/* The returned original's To: addresses, when the report names no one:
 * dispo writes to one official at a time. */
static void
text_by_original(dispo_bounce *b, const dispo_mail *mail, const char *original)
{
	const char *from[] = {mail->enclosed_headers, original};

	for (size_t k = 0; k < G_N_ELEMENTS(from) && b->recipients->len == 0; k++) {
		g_autoptr(GMatchInfo) m = NULL;
		g_autoptr(GMatchInfo) a = NULL;
		g_autofree char *value = NULL;

		if (!from[k] || !g_regex_match(res()->to, from[k], 0, &m))
			continue;
		value = g_match_info_fetch(m, 1);
		g_regex_match(res()->addr, value, 0, &a);
		for (; g_match_info_matches(a); g_match_info_next(a, NULL)) {
			g_autofree char *addr = g_match_info_fetch(a, 0);
			if (!excluded(mail, addr))
				add_recipient(b, addr);
		}
	}
}

static void
text_parse(dispo_bounce *b, const dispo_mail *mail, char **lines, const char *original)
{
	g_autofree char *joined = NULL;
	g_autofree char *whole_status = NULL;
	bool retry;

	text_by_lines(b, mail, lines);
	if (b->recipients->len == 0)
		text_by_regex(b, mail, lines, res()->field);
	if (b->recipients->len == 0)
		text_by_regex(b, mail, lines, res()->sentence);
	if (b->recipients->len == 0)
		text_by_regex(b, mail, lines, res()->label);
	if (b->recipients->len == 0)
		text_by_original(b, mail, original);

	joined = g_strjoinv("\n", lines);
	retry = g_regex_match(res()->retry, joined, 0, NULL);
	whole_status = status_in(joined);
	for (guint i = 0; i < b->recipients->len; i++) {
		dispo_bounce_recipient *r = b->recipients->pdata[i];
		r->status = status_in(r->diagnostic);
		if (!r->status && b->recipients->len == 1)
			r->status = g_strdup(whole_status);
		r->action = g_strdup(retry ? "delayed" : "failed");
		r->permanent = r->status ? r->status[0] == '5' : !retry;
	}
}

/* ---- the returned original's Message-ID ---------------------------------- */

static void
add_message_ids(dispo_bounce *b, const dispo_mail *mail, const char *text, bool first_only)
{
	g_autoptr(GMatchInfo) m = NULL;

	if (!text)
		return;
	g_regex_match(res()->msgid, text, 0, &m);
	for (; g_match_info_matches(m) && b->message_ids->len < MAX_MESSAGE_IDS;
	     g_match_info_next(m, NULL)) {
		g_autofree char *id = g_match_info_fetch(m, 1);
		bool seen = g_strcmp0(id, mail->message_id) == 0;
		for (guint i = 0; !seen && i < b->message_ids->len; i++)
			seen = strcmp(b->message_ids->pdata[i], id) == 0;
		if (!seen)
			g_ptr_array_add(b->message_ids, g_steal_pointer(&id));
		if (first_only)
			break;
	}
}

dispo_bounce *
reply_bounce_read(const dispo_mail *mail)
{
	dispo_bounce *b = g_new0(dispo_bounce, 1);
	g_autofree char *original = NULL;
	g_auto(GStrv) lines = report_lines(mail->body, &original);
	g_autofree char *own = g_strjoinv("\n", lines);
	g_autofree char *lower = g_utf8_strdown(own, -1);

	b->recipients = g_ptr_array_new_with_free_func((GDestroyNotify)recipient_free);
	b->message_ids = g_ptr_array_new_with_free_func(g_free);
	if (mail->delivery_status || (g_strcmp0(mail->content_type, "multipart/report") == 0 &&
	                              g_strcmp0(mail->report_type, "delivery-status") == 0)) {
		b->format = "rfc3464";
		if (mail->delivery_status)
			dsn_parse(b, mail->delivery_status);
	} else {
		b->format = banner_in(lower);
	}
	if (b->recipients->len == 0) {
		/* DSN fields written into the text (a boundary that never comes,
		 * MTAs that print them) are still fields. */
		dsn_parse(b, own);
	}
	if (b->recipients->len == 0)
		text_parse(b, mail, lines, original);

	add_message_ids(b, mail, mail->enclosed_headers, true);
	if (b->message_ids->len == 0)
		add_message_ids(b, mail, mail->body, false);
	return b;
}
