/* SPDX-License-Identifier: GPL-3.0-or-later */
/* compose.c: builds RFC 5322 messages with GMime (the demo's sample mail now,
 * the outbox's messages later) so that encoding is never done by hand. */
#include "config.h"

#include "mime/mime-private.h"

#include <string.h>

struct dispo_compose {
	GMimeMessage *msg;
	GMimeMultipart *mixed; /* created on the first attachment */
	GMimeMultipart *alternative; /* text and HTML, when there is HTML */
	GMimeTextPart *text;
};

/* The part the message's text is: the text alone, or text and HTML. */
static GMimeObject *
compose_body(dispo_compose *c)
{
	return c->alternative ? GMIME_OBJECT(c->alternative) : GMIME_OBJECT(c->text);
}

static GMimeTextPart *
text_part_new(const char *subtype, const char *body)
{
	GMimeTextPart *part = g_mime_text_part_new_with_subtype(subtype);
	g_autoptr(GMimeStream) s = g_mime_stream_mem_new_with_buffer(body, strlen(body));
	g_autoptr(GMimeDataWrapper) w =
	    g_mime_data_wrapper_new_with_stream(s, GMIME_CONTENT_ENCODING_DEFAULT);

	g_mime_part_set_content(GMIME_PART(part), w);
	/* Always UTF-8 (GMime would pick the "best" charset, e.g. Latin-1):
	 * one charset for every email dispo writes, as the design says. */
	g_mime_text_part_set_charset(part, "utf-8");
	return part;
}

dispo_compose *
mime_compose_new(const char *from, const char *to, const char *subject, const char *text_body)
{
	dispo_compose *c = g_new0(dispo_compose, 1);
	g_autoptr(InternetAddressList) f = NULL;
	g_autoptr(InternetAddressList) t = NULL;

	mime_ensure_init();
	c->msg = g_mime_message_new(TRUE);
	f = internet_address_list_parse(NULL, from);
	t = internet_address_list_parse(NULL, to);
	if (f)
		internet_address_list_append(g_mime_message_get_from(c->msg), f);
	if (t)
		internet_address_list_append(g_mime_message_get_to(c->msg), t);
	g_mime_message_set_subject(c->msg, subject, "utf-8");
	c->text = text_part_new("plain", text_body ? text_body : "");
	g_mime_message_set_mime_part(c->msg, GMIME_OBJECT(c->text));
	return c;
}

void
mime_compose_set_header(dispo_compose *c, const char *name, const char *value)
{
	g_mime_object_set_header(GMIME_OBJECT(c->msg), name, value, "utf-8");
}

void
mime_compose_set_date(dispo_compose *c, dispo_time t, GTimeZone *tz)
{
	g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc(t);
	g_autoptr(GDateTime) local = g_date_time_to_timezone(utc, tz);

	g_mime_message_set_date(c->msg, local);
}

void
mime_compose_set_message_id(dispo_compose *c, const char *id)
{
	g_mime_message_set_message_id(c->msg, id);
}

void
mime_compose_attach(dispo_compose *c, const char *filename, const char *content_type,
                    const void *data, size_t len)
{
	g_autoptr(GMimeContentType) ct = g_mime_content_type_parse(NULL, content_type);
	g_autoptr(GMimePart) part = g_mime_part_new_with_type(
	    g_mime_content_type_get_media_type(ct), g_mime_content_type_get_media_subtype(ct));
	g_autoptr(GMimeStream) s = g_mime_stream_mem_new_with_buffer(data, len);
	g_autoptr(GMimeDataWrapper) w =
	    g_mime_data_wrapper_new_with_stream(s, GMIME_CONTENT_ENCODING_DEFAULT);

	if (!c->mixed) {
		c->mixed = g_mime_multipart_new_with_subtype("mixed");
		g_mime_multipart_add(c->mixed, compose_body(c));
		g_mime_message_set_mime_part(c->msg, GMIME_OBJECT(c->mixed));
	}
	g_mime_part_set_content(part, w);
	g_mime_part_set_filename(part, filename);
	g_mime_object_set_disposition(GMIME_OBJECT(part), "attachment");
	g_mime_part_set_content_encoding(part, GMIME_CONTENT_ENCODING_BASE64);
	g_mime_multipart_add(c->mixed, GMIME_OBJECT(part));
}

void
mime_compose_set_flowed(dispo_compose *c)
{
	g_mime_object_set_content_type_parameter(GMIME_OBJECT(c->text), "format", "flowed");
	/* Quoted-printable keeps a soft break's trailing space (as =20) through
	 * every transport; 7bit or 8bit lines may lose it to a relay. */
	g_mime_part_set_content_encoding(GMIME_PART(c->text),
	                                 GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE);
}

void
mime_compose_set_html(dispo_compose *c, const char *html)
{
	GMimeTextPart *part;

	if (c->alternative || c->mixed)
		return; /* once, and before the first attachment */
	part = text_part_new("html", html);
	c->alternative = g_mime_multipart_new_with_subtype("alternative");
	/* RFC 2046 5.1.4: the plainest first; clients show the last they can. */
	g_mime_multipart_add(c->alternative, GMIME_OBJECT(c->text));
	g_mime_multipart_add(c->alternative, GMIME_OBJECT(part));
	g_object_unref(part);
	g_mime_message_set_mime_part(c->msg, GMIME_OBJECT(c->alternative));
}

GBytes *
mime_compose_render(dispo_compose *c)
{
	g_autoptr(GMimeFormatOptions) fo = g_mime_format_options_new();
	g_autoptr(GMimeStream) mem = g_mime_stream_mem_new();
	GByteArray *bytes;

	g_mime_format_options_set_newline_format(fo, GMIME_NEWLINE_FORMAT_DOS);
	g_mime_object_encode(GMIME_OBJECT(c->msg), GMIME_ENCODING_CONSTRAINT_7BIT);
	g_mime_object_write_to_stream(GMIME_OBJECT(c->msg), fo, mem);
	bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
	return g_bytes_new(bytes->data, bytes->len);
}

void
mime_compose_free(dispo_compose *c)
{
	if (!c)
		return;
	g_object_unref(c->text);
	if (c->mixed)
		g_object_unref(c->mixed);
	if (c->alternative)
		g_object_unref(c->alternative);
	g_object_unref(c->msg);
	g_free(c);
}
