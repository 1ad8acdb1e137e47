/* SPDX-License-Identifier: GPL-3.0-or-later */
/* parse.c: one parse of a message with GMime into a dispo_mail: the raw
 * checks first, then the envelope (envelope.c), the best text body, and
 * attachments streamed to disk with their SHA-256. */
#include "config.h"

#include "mime/mime-private.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

/* clang-format off */
G_DEFINE_QUARK(dispo-mime-error-quark, dispo_mime_error)
/* clang-format on */

#define SCAN_CHUNK   (64 * 1024)
#define MAX_WARNINGS 20
/* A header block larger than this is not read for an over-limit message. */
#define MAX_HEADER_BLOCK (256 * 1024)

void
mime_ensure_init(void)
{
	static gsize once;

	if (g_once_init_enter(&once)) {
		g_mime_init();
		g_once_init_leave(&once, 1);
	}
}

typedef struct {
	const dispo_limits *limits;
	const char *attachment_dir;
	bool sync;
	dispo_mail *mail;
	GMimeParserOptions *options;
	GError *error;         /* a write failure: stops the walk, the parse fails */
	bool stop;             /* a limit was reached */
	uint64_t forward_text; /* bytes of the forwarded messages' own texts */
} walk_ctx;

static void
over_limit(walk_ctx *ctx, char *reason)
{
	if (ctx->mail->status == DISPO_MAIL_PARSED) {
		ctx->mail->status = DISPO_MAIL_OVER_LIMIT;
		ctx->mail->problem = reason;
	} else {
		g_free(reason);
	}
	ctx->stop = true;
}

static void
on_parser_warning(gint64 offset, GMimeParserWarning code, const char *item, gpointer data)
{
	dispo_mail *mail = data;
	const char *what;
	g_autofree char *clean = NULL;

	if (mail->warnings->len >= MAX_WARNINGS)
		return;
	switch (code) {
	case GMIME_WARN_DUPLICATED_HEADER: what = "duplicated header"; break;
	case GMIME_WARN_DUPLICATED_PARAMETER: what = "duplicated parameter"; break;
	case GMIME_WARN_UNENCODED_8BIT_HEADER: what = "unencoded 8-bit header"; break;
	case GMIME_WARN_INVALID_CONTENT_TYPE: what = "invalid Content-Type"; break;
	case GMIME_WARN_INVALID_RFC2047_HEADER_VALUE: what = "invalid encoded word"; break;
	case GMIME_WARN_MALFORMED_MULTIPART: what = "malformed multipart"; break;
	case GMIME_WARN_TRUNCATED_MESSAGE: what = "truncated message"; break;
	case GMIME_WARN_MALFORMED_MESSAGE: what = "malformed message"; break;
	case GMIME_CRIT_INVALID_HEADER_NAME: what = "invalid header name"; break;
	case GMIME_CRIT_CONFLICTING_HEADER: what = "conflicting header"; break;
	case GMIME_CRIT_CONFLICTING_PARAMETER: what = "conflicting parameter"; break;
	case GMIME_CRIT_MULTIPART_WITHOUT_BOUNDARY: what = "multipart without boundary"; break;
	case GMIME_WARN_INVALID_PARAMETER: what = "invalid parameter"; break;
	case GMIME_WARN_INVALID_ADDRESS_LIST: what = "invalid address list"; break;
	case GMIME_CRIT_NESTING_OVERFLOW: what = "nesting overflow"; break;
	case GMIME_WARN_PART_WITHOUT_CONTENT: what = "part without content"; break;
	case GMIME_CRIT_PART_WITHOUT_HEADERS_OR_CONTENT:
		what = "part without headers or content";
		break;
	default: what = "parser warning"; break;
	}
	if (item && *item) {
		g_autofree char *cut = g_strndup(item, 60);
		clean = mime_clean_name(cut);
	}
	{
		g_autofree char *where = offset >= 0
		                             ? g_strdup_printf(" at byte %" G_GINT64_FORMAT, offset)
		                             : g_strdup("");
		g_ptr_array_add(mail->warnings,
		                clean ? g_strdup_printf("%s%s: %s", what, where, clean)
		                      : g_strdup_printf("%s%s", what, where));
	}
}

/* ---- text ---------------------------------------------------------------- */

static bool
is_type(GMimeObject *obj, const char *type, const char *subtype)
{
	GMimeContentType *ct = g_mime_object_get_content_type(obj);
	return ct && g_mime_content_type_is_type(ct, type, subtype);
}

/* A text part that is meant to be read, not saved. */
static bool
is_body_text(GMimeObject *obj)
{
	const char *disp = g_mime_object_get_disposition(obj);

	if (!is_type(obj, "text", "plain") && !is_type(obj, "text", "html"))
		return false;
	if (disp && g_ascii_strcasecmp(disp, "attachment") == 0)
		return false;
	return g_mime_part_get_filename(GMIME_PART(obj)) == NULL;
}

static void
append_body(GString *body, const char *text)
{
	if (!text || !*text)
		return;
	if (body->len > 0 && body->str[body->len - 1] != '\n')
		g_string_append_c(body, '\n');
	g_string_append(body, text);
}

/* Appends text, cut at a character boundary to what limits.text_size
 * leaves. */
static void
append_within(walk_ctx *ctx, GString *body, const char *text)
{
	size_t room, len = strlen(text);
	const char *cut;

	if (body->len >= ctx->limits->text_size || !len)
		return;
	room = ctx->limits->text_size - body->len;
	if (len <= room) {
		append_body(body, text);
		return;
	}
	cut = g_utf8_find_prev_char(text, text + room + 1);
	if (cut && cut > text) {
		g_autofree char *part = g_strndup(text, (size_t)(cut - text));
		append_body(body, part);
	}
}

static void
append_text_part(walk_ctx *ctx, GMimePart *part, GString *body)
{
	g_autofree char *text = NULL;

	if (body->len >= ctx->limits->text_size)
		return;
	text = mime_part_text(part, ctx->limits->text_size - body->len);
	if (is_type(GMIME_OBJECT(part), "text", "html")) {
		g_autofree char *html_text = mime_html_to_text(text, strlen(text));
		/* Entities can spell controls (&#x9b; is CSI): clean as text is. */
		g_autofree char *plain = dispo_utf8_clean(html_text, -1);
		append_body(body, plain);
		ctx->mail->body_from_html = true;
	} else {
		append_body(body, text);
	}
}

/* ---- attachments ----------------------------------------------------------- */

static bool
save_content(walk_ctx *ctx, GMimeDataWrapper *w, dispo_attachment *a)
{
	g_autoptr(GMimeFilter) sum = mime_filter_sha256_new();
	g_autoptr(GMimeStream) sink = NULL;
	g_autoptr(GMimeStream) filtered = NULL;
	g_autofree char *tmp = NULL;
	int fd = -1;

	if (ctx->attachment_dir) {
		g_autofree char *tmpdir = g_build_filename(ctx->attachment_dir, "tmp", NULL);
		if (!dispo_mkdir_p(tmpdir, &ctx->error))
			return false;
		tmp = g_build_filename(tmpdir, "part.XXXXXX", NULL);
		fd = g_mkstemp_full(tmp, O_RDWR | O_CLOEXEC, 0600);
		if (fd < 0)
			return dispo_io_error_set(&ctx->error, errno, "cannot create", tmp);
		sink = g_mime_stream_fs_new(fd);
		g_mime_stream_fs_set_owner(GMIME_STREAM_FS(sink), TRUE);
	} else {
		sink = g_mime_stream_null_new();
	}
	filtered = g_mime_stream_filter_new(sink);
	g_mime_stream_filter_add(GMIME_STREAM_FILTER(filtered), sum);
	if (w && g_mime_data_wrapper_write_to_stream(w, filtered) < 0) {
		if (tmp)
			unlink(tmp);
		g_set_error(&ctx->error, DISPO_MIME_ERROR, DISPO_MIME_ERROR_TEMPORARY,
		            "cannot write attachment %s: %s", tmp ? tmp : "", g_strerror(errno));
		return false;
	}
	if (w)
		g_mime_stream_reset(g_mime_data_wrapper_get_stream(w));
	g_mime_stream_flush(filtered);
	mime_filter_sha256_hex(sum, a->sha256);

	if (!tmp) {
		a->size = GMIME_STREAM_NULL(sink)->written;
		return true;
	}
	a->size = (uint64_t)g_mime_stream_tell(sink);
	if (ctx->sync && fsync(fd) != 0) {
		dispo_io_error_set(&ctx->error, errno, "cannot sync", tmp);
		unlink(tmp);
		return false;
	}
	{
		char sub[3] = {a->sha256[0], a->sha256[1], 0};
		g_autofree char *dir = g_build_filename(ctx->attachment_dir, sub, NULL);
		a->path = g_build_filename(dir, a->sha256, NULL);
		if (!(ctx->sync ? dispo_mkdir_sync(dir, &ctx->error)
		                : dispo_mkdir_p(dir, &ctx->error))) {
			unlink(tmp);
			return false;
		}
		if (!dispo_file_publish(tmp, a->path, a->sha256, ctx->sync, &ctx->error)) {
			unlink(tmp);
			return false;
		}
		return !ctx->sync || dispo_fsync_dir(dir, &ctx->error);
	}
}

static void
add_attachment(walk_ctx *ctx, GMimeObject *obj, unsigned msg_depth, const char *part_id)
{
	dispo_attachment *a = g_new0(dispo_attachment, 1);
	GMimeContentType *ct = g_mime_object_get_content_type(obj);
	const char *disp = g_mime_object_get_disposition(obj);
	const char *name = GMIME_IS_PART(obj) ? g_mime_part_get_filename(GMIME_PART(obj)) : NULL;
	GMimeDataWrapper *w = GMIME_IS_PART(obj) ? g_mime_part_get_content(GMIME_PART(obj)) : NULL;

	if (ct) {
		g_autofree char *mt = g_mime_content_type_get_mime_type(ct);
		a->content_type = g_ascii_strdown(mt, -1);
	} else {
		a->content_type = g_strdup("application/octet-stream");
	}
	a->filename = name ? mime_clean_name(name) : NULL;
	a->disposition = disp ? g_ascii_strdown(disp, -1) : NULL;
	a->part_id = g_strdup(part_id);
	a->depth = msg_depth;
	g_ptr_array_add(ctx->mail->attachments, a);
	if (!save_content(ctx, w, a))
		ctx->stop = true;
}

/* ---- the walk ------------------------------------------------------------ */

/* Keeps the machine-readable parts of a report (RFC 3462/6522) as text; they
 * stay attachments too. Only the message's own: a bounce forwarded by a
 * person is the person's message. */
static void
note_report_part(walk_ctx *ctx, GMimePart *part)
{
	GMimeObject *obj = GMIME_OBJECT(part);
	char **slot = NULL;

	if (is_type(obj, "message", "delivery-status") ||
	    is_type(obj, "message", "global-delivery-status"))
		slot = &ctx->mail->delivery_status;
	else if (is_type(obj, "text", "rfc822-headers") ||
	         is_type(obj, "message", "global-headers"))
		slot = &ctx->mail->enclosed_headers;
	if (slot && !*slot)
		*slot = mime_part_text(part, ctx->limits->text_size);
}

static void walk(walk_ctx *ctx, GMimeObject *obj, unsigned depth, unsigned msg_depth,
                 const char *part_id, GString *body, bool collect);

static bool
check_headers(walk_ctx *ctx, GMimeObject *obj)
{
	GMimeHeaderList *list = g_mime_object_get_header_list(obj);
	int count = list ? g_mime_header_list_get_count(list) : 0;

	for (int i = 0; i < count; i++) {
		GMimeHeader *h = g_mime_header_list_get_header_at(list, i);
		const char *raw = g_mime_header_get_raw_value(h);
		/* A part's other fields are never kept: their length is harmless. */
		if (raw && strlen(raw) > ctx->limits->header_size &&
		    mime_field_read_whole(g_mime_header_get_name(h))) {
			over_limit(
			    ctx,
			    g_strdup_printf(
			        "header %s of a MIME part is over the limit of %" G_GUINT64_FORMAT
			        " bytes",
			        g_mime_header_get_name(h), (guint64)ctx->limits->header_size));
			return false;
		}
	}
	return true;
}

/* Which child of a multipart/alternative carries the text: a non-blank
 * text/plain leaf when there is one, else the richest (last) alternative. */
static int
alternative_choice(walk_ctx *ctx, GMimeMultipart *mp)
{
	int n = g_mime_multipart_get_count(mp);

	for (int i = 0; i < n; i++) {
		GMimeObject *child = g_mime_multipart_get_part(mp, i);
		if (GMIME_IS_PART(child) && is_type(child, "text", "plain") &&
		    is_body_text(child)) {
			g_autofree char *text = mime_part_text(GMIME_PART(child), 4096);
			g_strstrip(text);
			if (*text)
				return i;
		}
	}
	return n - 1;
}

static void
walk_message(walk_ctx *ctx, GMimeMessage *inner, unsigned depth, unsigned msg_depth,
             const char *part_id, GString *body, bool collect)
{
	GMimeObject *top = g_mime_message_get_mime_part(inner);

	ctx->mail->forwarded++;
	if (collect) {
		InternetAddressList *from = g_mime_message_get_from(inner);
		InternetAddressList *to = g_mime_message_get_to(inner);
		g_autofree char *from_s =
		    from ? internet_address_list_to_string(from, NULL, FALSE) : NULL;
		g_autofree char *to_s =
		    to ? internet_address_list_to_string(to, NULL, FALSE) : NULL;
		const char *subject = g_mime_message_get_subject(inner);
		const char *date = g_mime_object_get_header(GMIME_OBJECT(inner), "Date");
		/* Shown the way mail clients show an inline forward, so that the
		 * forwarded text reads as forwarded, not as the forwarder's. */
		g_autofree char *head =
		    g_strdup_printf("---------- Forwarded message ----------\nFrom: %s\nDate: "
		                    "%s\nSubject: %s\nTo: %s\n",
		                    from_s ? from_s : "", date ? date : "", subject ? subject : "",
		                    to_s ? to_s : "");
		g_autofree char *clean = dispo_utf8_clean(head, -1);
		append_body(body, "");
		if (body->len > 0)
			g_string_append_c(body, '\n');
		g_string_append(body, clean);
		g_string_append_c(body, '\n');
	}
	if (!top)
		return;
	/* A message forwarded in this one also keeps its own text, apart from
	 * the forwarder's note: a forwarded application is read from it. */
	if (msg_depth == 0 && ctx->forward_text < ctx->limits->text_size) {
		dispo_forward *f =
		    mime_forward_read(inner, ctx->options, part_id, ctx->limits->header_size);
		g_autoptr(GString) own = g_string_new(NULL);
		bool html = ctx->mail->body_from_html;

		g_ptr_array_add(ctx->mail->forwards, f);
		ctx->mail->body_from_html = false;
		walk(ctx, top, depth + 1, msg_depth + 1, part_id, own, true);
		f->body_from_html = ctx->mail->body_from_html;
		ctx->mail->body_from_html = html || (collect && f->body_from_html);
		ctx->forward_text += own->len;
		if (collect)
			append_within(ctx, body, own->str);
		if (own->len > 0)
			f->body = g_string_free(g_steal_pointer(&own), FALSE);
		return;
	}
	walk(ctx, top, depth + 1, msg_depth + 1, part_id, body, collect);
}

static void
walk(walk_ctx *ctx, GMimeObject *obj, unsigned depth, unsigned msg_depth, const char *part_id,
     GString *body, bool collect)
{
	if (ctx->stop || !obj)
		return;
	if (depth > ctx->limits->depth) {
		over_limit(
		    ctx, g_strdup_printf("MIME nesting deeper than %u levels", ctx->limits->depth));
		return;
	}
	if (++ctx->mail->parts > ctx->limits->parts) {
		over_limit(ctx, g_strdup_printf("more than %u MIME parts", ctx->limits->parts));
		return;
	}
	if (depth > ctx->mail->depth)
		ctx->mail->depth = depth;
	if (!check_headers(ctx, obj))
		return;

	if (GMIME_IS_MULTIPART(obj)) {
		GMimeMultipart *mp = GMIME_MULTIPART(obj);
		int n = g_mime_multipart_get_count(mp);
		int chosen =
		    is_type(obj, "multipart", "alternative") ? alternative_choice(ctx, mp) : -1;
		const char *prologue = g_mime_multipart_get_prologue(mp);
		/* No part at all (a boundary that never comes): the text is all
		 * in the prologue, and a reader would still see it. */
		if (n == 0 && collect && prologue && body->len < ctx->limits->text_size) {
			g_autofree char *text = dispo_utf8_clean(prologue, -1);
			size_t room = ctx->limits->text_size - body->len;
			if (strlen(text) > room) {
				const char *cut = g_utf8_find_prev_char(text, text + room + 1);
				text[cut ? cut - text : 0] = '\0';
			}
			append_body(body, text);
		}
		for (int i = 0; i < n && !ctx->stop; i++) {
			g_autofree char *id = *part_id ? g_strdup_printf("%s.%d", part_id, i + 1)
			                               : g_strdup_printf("%d", i + 1);
			walk(ctx, g_mime_multipart_get_part(mp, i), depth + 1, msg_depth, id, body,
			     collect && (chosen < 0 || chosen == i));
		}
		return;
	}
	if (GMIME_IS_MESSAGE_PART(obj)) {
		GMimeMessage *inner = g_mime_message_part_get_message(GMIME_MESSAGE_PART(obj));
		if (inner && msg_depth == 0 && !ctx->mail->enclosed_headers)
			ctx->mail->enclosed_headers =
			    mime_header_block(GMIME_OBJECT(inner), ctx->limits->text_size);
		if (inner)
			walk_message(ctx, inner, depth, msg_depth, part_id, body, collect);
		return;
	}
	if (!GMIME_IS_PART(obj))
		return;
	if (msg_depth == 0)
		note_report_part(ctx, GMIME_PART(obj));
	if (is_body_text(obj)) {
		if (collect)
			append_text_part(ctx, GMIME_PART(obj), body);
		return;
	}
	add_attachment(ctx, obj, msg_depth, *part_id ? part_id : "1");
}

/* ---- entry points -------------------------------------------------------- */

/* Reads up to max bytes from the stream's start into a new buffer. */
static GByteArray *
read_head(GMimeStream *s, size_t max)
{
	GByteArray *buf = g_byte_array_sized_new(4096);
	char chunk[4096];

	g_mime_stream_reset(s);
	while (buf->len < max) {
		ssize_t n = g_mime_stream_read(s, chunk, MIN(sizeof chunk, max - buf->len));
		if (n <= 0)
			break;
		g_byte_array_append(buf, (const guint8 *)chunk, (guint)n);
	}
	g_mime_stream_reset(s);
	return buf;
}

/* Where the message starts: after a UTF-8 byte order mark (Windows editors
 * save .eml files with one) and an mbox "From " line, if any. */
static size_t
message_start(const GByteArray *head)
{
	const char *p = (const char *)head->data;
	size_t start = 0;

	if (head->len >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
		start = 3;
	if (head->len >= start + 5 && memcmp(p + start, "From ", 5) == 0) {
		const char *nl = memchr(p + start, '\n', head->len - start);
		return nl ? (size_t)(nl - p + 1) : head->len;
	}
	return start;
}

/* Why the bytes at start do not begin with a header field, or NULL. */
static char *
not_a_header(const GByteArray *head, size_t start)
{
	const char *p = (const char *)head->data + start;
	size_t n = head->len - start, i;
	g_autoptr(GString) shown = g_string_new(NULL);

	if (n == 0)
		return g_strdup(head->len == 0 ? "the file is empty"
		                               : "nothing after the mbox From line");
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];
		if (c == ':' && i > 0)
			return NULL;
		if (c == ' ' || c == '\t') {
			/* "Name : value" is tolerated, as GMime does. */
			size_t j = i;
			while (j < n && (p[j] == ' ' || p[j] == '\t'))
				j++;
			if (j < n && p[j] == ':' && i > 0)
				return NULL;
			break;
		}
		if (c < 33 || c > 126)
			break;
	}
	for (i = 0; i < n && i < 32; i++) {
		unsigned char c = (unsigned char)p[i];
		if (c == '\n' || c == '\r')
			break;
		if (c >= 32 && c < 127)
			g_string_append_c(shown, (char)c);
		else
			g_string_append_printf(shown, "\\x%02x", c);
	}
	return g_strdup_printf("does not begin with a header field (first bytes: \"%s\")",
	                       shown->str);
}

/* The header block: from start to the first empty line, at most max bytes. */
static size_t
header_block_end(const GByteArray *head, size_t start)
{
	const char *p = (const char *)head->data;

	for (size_t i = start; i + 1 < head->len; i++) {
		if (p[i] != '\n')
			continue;
		if (p[i + 1] == '\n')
			return i + 1;
		if (p[i + 1] == '\r' && i + 2 < head->len && p[i + 2] == '\n')
			return i + 1;
	}
	return head->len;
}

static GMimeMessage *
construct(GMimeStream *stream, GMimeParserOptions *options)
{
	g_autoptr(GMimeParser) parser = g_mime_parser_new_with_stream(stream);

	g_mime_parser_set_format(parser, GMIME_FORMAT_MESSAGE);
	g_mime_parser_set_persist_stream(parser, TRUE);
	return g_mime_parser_construct_message(parser, options);
}

static GMimeParserOptions *
options_for(dispo_mail *mail)
{
	GMimeParserOptions *o = g_mime_parser_options_new();
	static const char *fallback[] = {"UTF-8", "windows-1252", NULL};

	g_mime_parser_options_set_rfc2047_compliance_mode(o, GMIME_RFC_COMPLIANCE_LOOSE);
	g_mime_parser_options_set_parameter_compliance_mode(o, GMIME_RFC_COMPLIANCE_LOOSE);
	g_mime_parser_options_set_address_compliance_mode(o, GMIME_RFC_COMPLIANCE_LOOSE);
	g_mime_parser_options_set_fallback_charsets(o, fallback);
	g_mime_parser_options_set_warning_callback(o, on_parser_warning, mail);
	return o;
}

static dispo_mail *parse_stream(GMimeStream *stream, const dispo_limits *limits,
                                const char *attachment_dir, bool sync, bool scanned,
                                GError **error);

/* Old Mac files end lines with a bare CR, which GMime reads as one endless
 * header: they are read again with LF. */
static dispo_mail *
parse_bare_cr(GMimeStream *stream, const dispo_limits *limits, const char *attachment_dir,
              bool sync, GError **error)
{
	g_autoptr(GMimeStream) lf = mime_stream_cr_to_lf(stream, limits->message_size + 1);
	dispo_mail *mail = parse_stream(lf, limits, attachment_dir, sync, false, error);

	if (mail)
		g_ptr_array_insert(mail->warnings, 0, g_strdup("bare CR line ends read as LF"));
	return mail;
}

/* The message again, in memory, as GMime is to read it: the NULs of its
 * header blocks and prologues replaced, fields it does not parse cut to
 * header_size (copy_piece in prescan.c says how and why); NULL when it
 * cannot be read. Such mail is broken or hostile, and rare; the copy is at
 * most message_size plus twice header_total. */
static GMimeStream *
stream_for_gmime(GMimeStream *stream, const dispo_limits *limits)
{
	gint64 len = g_mime_stream_length(stream);
	mime_prescanner *scan = mime_prescan_new_rewriting(limits, len > 0 ? (uint64_t)len : 0);
	g_autofree char *verdict = NULL;
	char chunk[SCAN_CHUNK];
	GByteArray *bytes;
	ssize_t n;

	g_mime_stream_reset(stream);
	while ((n = g_mime_stream_read(stream, chunk, sizeof chunk)) > 0)
		mime_prescan_feed(scan, chunk, (size_t)n);
	g_mime_stream_reset(stream);
	verdict = mime_prescan_finish(scan);
	bytes = mime_prescan_steal_output(scan);
	mime_prescan_free(scan);
	if (n < 0 || verdict) {
		/* The same bytes passed the same scan a moment ago. */
		g_byte_array_unref(bytes);
		return NULL;
	}
	return g_mime_stream_mem_new_with_byte_array(bytes);
}

static dispo_mail *
parse_stream(GMimeStream *stream, const dispo_limits *limits, const char *attachment_dir, bool sync,
             bool scanned, GError **error)
{
	g_autoptr(dispo_mail) mail = mime_mail_new();
	g_autoptr(GByteArray) head = read_head(stream, MAX_HEADER_BLOCK);
	g_autoptr(GMimeStream) body_stream = NULL;
	g_autoptr(GMimeMessage) msg = NULL;
	g_autoptr(GString) body = g_string_new(NULL);
	g_autofree char *verdict = NULL;
	walk_ctx ctx = {limits, attachment_dir, sync, mail, NULL, NULL, false, 0};
	size_t start = message_start(head);
	char *why;

	if ((why = not_a_header(head, start)) != NULL) {
		mail->status = DISPO_MAIL_UNPARSEABLE;
		mail->problem = why;
		return g_steal_pointer(&mail);
	}
	if (!memchr(head->data, '\n', head->len) && memchr(head->data, '\r', head->len))
		return parse_bare_cr(stream, limits, attachment_dir, sync, error);

	/* The structure is judged from the raw bytes first. */
	if (!scanned) {
		mime_prescanner *scan = mime_prescan_new(limits);
		char chunk[SCAN_CHUNK];
		ssize_t n;
		bool copy;
		g_autofree char *cut = NULL;
		g_mime_stream_reset(stream);
		while (!mime_prescan_decided(scan) &&
		       (n = g_mime_stream_read(stream, chunk, sizeof chunk)) > 0)
			mime_prescan_feed(scan, chunk, (size_t)n);
		verdict = mime_prescan_finish(scan);
		copy = mime_prescan_needs_copy(scan);
		cut = mime_prescan_cut_note(scan);
		mime_prescan_free(scan);
		g_mime_stream_reset(stream);
		if (!verdict && copy) {
			/* Judged already: the copy has another length, but is not
			 * another message. */
			g_autoptr(GMimeStream) clean = stream_for_gmime(stream, limits);
			dispo_mail *m = NULL;
			if (clean) {
				m = parse_stream(clean, limits, attachment_dir, sync, true, error);
				if (m && cut)
					g_ptr_array_insert(m->warnings, 0, g_steal_pointer(&cut));
				return m;
			}
		}
	}

	ctx.options = options_for(mail);
	if (verdict) {
		/* Over a limit: read only the header block, so that the sender can
		 * still be told why. */
		size_t end = header_block_end(head, start);
		g_autoptr(GMimeStream) hs = g_mime_stream_mem_new_with_buffer(
		    (const char *)head->data + start, end - start);
		mail->status = DISPO_MAIL_OVER_LIMIT;
		mail->problem = g_steal_pointer(&verdict);
		msg = construct(hs, ctx.options);
		if (msg)
			mime_envelope_read(mail, msg, ctx.options, limits);
		g_mime_parser_options_free(ctx.options);
		return g_steal_pointer(&mail);
	}

	body_stream = start ? g_mime_stream_substream(stream, stream->bound_start + (gint64)start,
	                                              stream->bound_end)
	                    : g_object_ref(stream);
	msg = construct(body_stream, ctx.options);
	if (!msg) {
		mail->status = DISPO_MAIL_UNPARSEABLE;
		mail->problem = g_strdup("no message could be read from the bytes");
		g_mime_parser_options_free(ctx.options);
		return g_steal_pointer(&mail);
	}
	if (!mime_envelope_read(mail, msg, ctx.options, limits))
		ctx.stop = true;
	if (!ctx.stop)
		walk(&ctx, g_mime_message_get_mime_part(msg), 1, 0, "", body, true);
	g_mime_parser_options_free(ctx.options);
	if (ctx.error) {
		g_propagate_error(error, ctx.error);
		return NULL;
	}
	if (body->len > 0)
		mail->body = g_string_free(g_steal_pointer(&body), FALSE);
	return g_steal_pointer(&mail);
}

dispo_mail *
mime_mail_parse_data(const void *data, size_t len, const dispo_limits *limits,
                     const char *attachment_dir, GError **error)
{
	g_autoptr(GMimeStream) s = NULL;

	mime_ensure_init();
	s = g_mime_stream_mem_new_with_buffer(data, len);
	return parse_stream(s, limits, attachment_dir, true, false, error);
}

dispo_mail *
mime_mail_parse_file(const char *path, const dispo_limits *limits, const char *attachment_dir,
                     GError **error)
{
	return mime_mail_parse_file_sync(path, limits, attachment_dir, true, error);
}

dispo_mail *
mime_mail_parse_file_sync(const char *path, const dispo_limits *limits, const char *attachment_dir,
                          bool sync, GError **error)
{
	g_autoptr(GMimeStream) s = NULL;
	int fd;

	mime_ensure_init();
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		dispo_io_error_set(error, errno, "cannot open", path);
		return NULL;
	}
	/* The parser keeps parts as windows onto this file (persist_stream), so
	 * an attachment is decoded from disk to disk, never held in memory. */
	s = g_mime_stream_fs_new(fd);
	return parse_stream(s, limits, attachment_dir, sync, false, error);
}
