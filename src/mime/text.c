/* SPDX-License-Identifier: GPL-3.0-or-later */
/* text.c: text parts to clean UTF-8: transfer decoding, charset
 * conversion with a cp1252 fallback, and format=flowed (RFC 3676). */
#include "config.h"

#include "mime/mime-private.h"

#include <string.h>

char *
mime_clean_name(const char *name)
{
	g_autofree char *valid = g_utf8_make_valid(name, -1);
	GString *out = g_string_sized_new(strlen(valid));

	for (const char *p = valid; *p; p = g_utf8_next_char(p)) {
		gunichar c = g_utf8_get_char(p);
		/* Controls, and format characters such as the right-to-left
		 * override that makes "fdp.exe" read as "exe.pdf". */
		if (g_unichar_iscntrl(c) || g_unichar_type(c) == G_UNICODE_FORMAT || c == 0x2028 ||
		    c == 0x2029)
			g_string_append_unichar(out, 0xFFFD);
		else
			g_string_append_len(out, p, g_utf8_next_char(p) - p);
	}
	return g_string_free(out, FALSE);
}

char *
mime_unflow(const char *text, bool delsp)
{
	g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
	GString *out = g_string_sized_new(strlen(text));
	bool joining = false; /* the previous line was flowed */
	unsigned joining_depth = 0;

	for (size_t i = 0; lines[i]; i++) {
		const char *l = lines[i];
		unsigned depth = 0;
		size_t len;
		bool flowed;

		if (!lines[i + 1] && !*l)
			break; /* the empty piece after the final newline */
		while (l[depth] == '>')
			depth++;
		l += depth;
		if (*l == ' ')
			l++; /* space-stuffing, or the space after quote marks */
		len = strlen(l);
		flowed = len > 0 && l[len - 1] == ' ' && strcmp(l, "-- ") != 0;
		if (joining && depth != joining_depth) {
			/* A quote depth change ends a paragraph, whatever the space said. */
			g_string_append_c(out, '\n');
			joining = false;
		}
		if (!joining) {
			for (unsigned d = 0; d < depth; d++)
				g_string_append_c(out, '>');
			if (depth)
				g_string_append_c(out, ' ');
		}
		g_string_append_len(out, l, flowed && delsp ? len - 1 : len);
		if (!flowed)
			g_string_append_c(out, '\n');
		joining = flowed;
		joining_depth = depth;
	}
	if (joining)
		g_string_append_c(out, '\n');
	return g_string_free(out, FALSE);
}

/* Whether the len bytes are UTF-8 but for NUL bytes (which
 * g_utf8_validate() refuses when given a length): a NUL in UTF-8 text is
 * not a sign of another charset. */
static bool
utf8_valid_but_nul(const char *s, size_t len)
{
	const char *end = s + len;
	const char *bad;

	while (!g_utf8_validate(s, (gssize)(end - s), &bad)) {
		if (*bad != '\0')
			return false;
		s = bad + 1;
	}
	return true;
}

char *
mime_part_text(GMimePart *part, uint64_t max)
{
	GMimeObject *obj = GMIME_OBJECT(part);
	GMimeDataWrapper *w = g_mime_part_get_content(part);
	GMimeStream *src;
	g_autoptr(GMimeStream) cut = NULL;
	g_autoptr(GMimeStream) mem = NULL;
	GByteArray *bytes;
	const char *charset, *format, *delsp;
	gint64 len;
	g_autofree char *converted = NULL;
	gsize converted_len = 0;
	g_autofree char *clean = NULL;

	if (!w || !(src = g_mime_data_wrapper_get_stream(w)))
		return g_strdup("");
	/* Encoded text is at most three times the decoded (quoted-printable
	 * =XX); reading three times max of it gives max decoded bytes whatever
	 * the encoding, and bounds the memory. */
	len = g_mime_stream_length(src);
	if (len > 0 && (uint64_t)len > max * 3) {
		cut = g_mime_stream_substream(src, src->bound_start,
		                              src->bound_start + (gint64)(max * 3));
		w = g_mime_data_wrapper_new_with_stream(cut, g_mime_data_wrapper_get_encoding(w));
	} else {
		g_object_ref(w);
	}
	mem = g_mime_stream_mem_new();
	g_mime_data_wrapper_write_to_stream(w, mem);
	g_object_unref(w);
	g_mime_stream_reset(src);
	bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
	if (bytes->len > max)
		g_byte_array_set_size(bytes, (guint)max);
	if (bytes->len == 0)
		return g_strdup("");

	/* Here bytes become text, and every length is carried explicitly: a NUL
	 * (raw, =00, base64, U+0000 in UTF-16) is data, not the end. It becomes
	 * U+FFFD in dispo_utf8_clean, as every control character does, so that
	 * "SETUJU\0TOLAK" reads as two commands and no text dispo keeps holds a
	 * NUL for a C string to stop at. */
	charset = g_mime_object_get_content_type_parameter(obj, "charset");
	if (charset && g_ascii_strcasecmp(charset, "utf-8") != 0 &&
	    g_ascii_strcasecmp(charset, "us-ascii") != 0) {
		const char *iconv_name = g_mime_charset_iconv_name(charset);
		converted =
		    g_convert_with_fallback((const char *)bytes->data, bytes->len, "UTF-8",
		                            iconv_name, "\xEF\xBF\xBD", NULL, &converted_len, NULL);
	}
	if (!converted && !utf8_valid_but_nul((const char *)bytes->data, bytes->len)) {
		/* No or wrong charset: a byte order mark says UTF-16 (Windows
		 * tools), else what Windows and old phones send is cp1252. */
		const char *guess =
		    bytes->len >= 2 && bytes->data[0] == 0xFF && bytes->data[1] == 0xFE ? "UTF-16LE"
		    : bytes->len >= 2 && bytes->data[0] == 0xFE && bytes->data[1] == 0xFF
		        ? "UTF-16BE"
		        : NULL;
		if (guess)
			converted = g_convert_with_fallback(
			    (const char *)bytes->data + 2, bytes->len - 2, "UTF-8", guess,
			    "\xEF\xBF\xBD", NULL, &converted_len, NULL);
		if (!converted)
			converted = g_convert_with_fallback((const char *)bytes->data, bytes->len,
			                                    "UTF-8", "WINDOWS-1252", "\xEF\xBF\xBD",
			                                    NULL, &converted_len, NULL);
	}
	clean = converted ? dispo_utf8_clean(converted, (gssize)converted_len)
	                  : dispo_utf8_clean((const char *)bytes->data, (gssize)bytes->len);
	/* A charset conversion can triple the bytes; cut again, between
	 * characters. */
	if (strlen(clean) > max) {
		const char *cut_at = g_utf8_find_prev_char(clean, clean + max + 1);
		if (cut_at)
			clean[cut_at - clean] = '\0';
	}
	format = g_mime_object_get_content_type_parameter(obj, "format");
	if (format && g_ascii_strcasecmp(format, "flowed") == 0) {
		delsp = g_mime_object_get_content_type_parameter(obj, "delsp");
		return mime_unflow(clean, delsp && g_ascii_strcasecmp(delsp, "yes") == 0);
	}
	return g_steal_pointer(&clean);
}

char *
mime_header_block(GMimeObject *obj, uint64_t max)
{
	GMimeHeaderList *list = g_mime_object_get_header_list(obj);
	int count = list ? g_mime_header_list_get_count(list) : 0;
	g_autoptr(GString) out = g_string_new(NULL);

	for (int i = 0; i < count && out->len < max; i++) {
		GMimeHeader *h = g_mime_header_list_get_header_at(list, i);
		const char *name = g_mime_header_get_name(h);
		const char *raw = g_mime_header_get_raw_value(h);
		g_autofree char *value = raw ? g_mime_utils_header_unfold(raw) : g_strdup("");
		g_autofree char *line = NULL;
		g_autofree char *clean = NULL;

		if (!name)
			continue;
		line = g_strdup_printf("%s: %s", name, g_strstrip(value));
		clean = dispo_utf8_clean(line, -1);
		/* One field a line, whatever the value held. */
		g_strdelimit(clean, "\r\n", ' ');
		g_string_append(out, clean);
		g_string_append_c(out, '\n');
	}
	if (out->len > max) {
		const char *cut = g_utf8_find_prev_char(out->str, out->str + max + 1);
		g_string_truncate(out, cut ? (gsize)(cut - out->str) : 0);
	}
	return g_string_free(g_steal_pointer(&out), FALSE);
}

GMimeStream *
mime_stream_cr_to_lf(GMimeStream *stream, uint64_t max)
{
	GMimeStream *mem = g_mime_stream_mem_new();
	GByteArray *bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
	char chunk[4096];
	ssize_t n;

	g_mime_stream_reset(stream);
	while (bytes->len < max &&
	       (n = g_mime_stream_read(stream, chunk, MIN(sizeof chunk, max - bytes->len))) > 0)
		g_byte_array_append(bytes, (const guint8 *)chunk, (guint)n);
	g_mime_stream_reset(stream);
	for (guint i = 0; i < bytes->len; i++)
		if (bytes->data[i] == '\r')
			bytes->data[i] = '\n';
	/* The stream's end was fixed when it was made, on an empty array. */
	g_mime_stream_set_bounds(mem, 0, -1);
	return mem;
}
