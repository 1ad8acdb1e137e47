/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mime-private.h: what the files of src/mime share and nobody else sees. */
#ifndef DISPO_MIME_PRIVATE_H
#define DISPO_MIME_PRIVATE_H

#include "mime/mime.h"

#include <gmime/gmime.h>

/* GMime 3.2 declares no g_autoptr cleanups; these are all GObjects except
 * the ones with their own free function. */
G_DEFINE_AUTOPTR_CLEANUP_FUNC(InternetAddressList, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(GMimeStream, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(GMimeParser, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(GMimeMessage, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(GMimeFilter, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(GMimePart, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(GMimeDataWrapper, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(GMimeContentType, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(GMimeFormatOptions, g_mime_format_options_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(GMimeReferences, g_mime_references_free)

/* The streaming form of mime_prescan(), fed while the message is read. */
typedef struct mime_prescanner mime_prescanner;
mime_prescanner *mime_prescan_new(const dispo_limits *limits);
void mime_prescan_feed(mime_prescanner *p, const char *data, size_t len);
bool mime_prescan_decided(const mime_prescanner *p);
char *mime_prescan_finish(mime_prescanner *p);
void mime_prescan_free(mime_prescanner *p);
/* Whether GMime must read a copy of the message instead (copy_piece in
 * prescan.c says why): a header block or a multipart prologue holds a NUL
 * byte, which GMime would take for the end of the value, or a field other
 * than those dispo parses is longer than header_size. */
bool mime_prescan_needs_copy(const mime_prescanner *p);
/* "header X-Big cut to 256 KB", or NULL when no field was cut. */
char *mime_prescan_cut_note(const mime_prescanner *p);
/* A prescanner that also makes that copy of what it is fed; it is taken
 * once the feed is finished. */
mime_prescanner *mime_prescan_new_rewriting(const dispo_limits *limits, uint64_t size_hint);
GByteArray *mime_prescan_steal_output(mime_prescanner *p);
/* Whether dispo needs all of the header field called name (addresses,
 * subject, message ids, MIME structure): over limits.header_size such a
 * field puts the message over the limit, any other is cut. */
bool mime_field_read_whole(const char *name);

void mime_ensure_init(void);
/* Reads msg's top-level header fields into mail's envelope (envelope.c).
 * False when a field dispo parses is longer than limits->header_size: the
 * mail is then marked over the limit (unless it is already). */
bool mime_envelope_read(dispo_mail *mail, GMimeMessage *msg, GMimeParserOptions *options,
                        const dispo_limits *limits);
/* A pass-through filter hashing what goes through it (filter-sha256.c). */
GMimeFilter *mime_filter_sha256_new(void);
void mime_filter_sha256_hex(GMimeFilter *filter, char out[DISPO_SHA256_HEX_LEN + 1]);
/* A text part decoded to clean UTF-8 (charset converted, format=flowed
 * joined), reading at most about max decoded bytes. */
char *mime_part_text(GMimePart *part, uint64_t max);
/* An object's header fields as "Name: value" lines (unfolded, clean UTF-8),
 * at most about max bytes. */
char *mime_header_block(GMimeObject *obj, uint64_t max);
/* The stream's first max bytes in memory with every CR made an LF (files
 * with bare CR line ends are small and rare; max lets the size limit see
 * one byte too many). */
GMimeStream *mime_stream_cr_to_lf(GMimeStream *stream, uint64_t max);
/* RFC 3676: joins flowed lines, removes space-stuffing. */
char *mime_unflow(const char *text, bool delsp);
/* A decoded name (file name, parser item) as one line of valid UTF-8 with
 * every control character, newline included, shown as U+FFFD: it can be
 * displayed and logged but never forges a line. */
char *mime_clean_name(const char *name);
/* The From, Subject, Message-ID and Date of a forwarded message (its
 * dispo_forward without the body), fields over header_size bytes read as
 * absent. */
dispo_forward *mime_forward_read(GMimeMessage *inner, GMimeParserOptions *options,
                                 const char *part_id, uint64_t header_size);
void mime_forward_free(dispo_forward *f);
dispo_mail *mime_mail_new(void);
void mime_mailbox_free(dispo_mailbox *m);
void mime_attachment_free(dispo_attachment *a);

#endif
