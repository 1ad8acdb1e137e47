/* SPDX-License-Identifier: GPL-3.0-or-later */
/* filter-sha256.c: a GMime filter that passes bytes through unchanged and
 * hashes them with dispo_sha256 (nettle), so that an attachment is hashed
 * as it is decoded to disk, at the speed of the CPU's SHA instructions. */
#include "config.h"

#include "mime/mime-private.h"

typedef struct {
	GMimeFilter parent;
	dispo_sha256 *sum;
} MimeFilterSha256;

typedef struct {
	GMimeFilterClass parent_class;
} MimeFilterSha256Class;

GType mime_filter_sha256_get_type(void);
G_DEFINE_TYPE(MimeFilterSha256, mime_filter_sha256, GMIME_TYPE_FILTER)

static GMimeFilter *
filter_copy(GMimeFilter *filter)
{
	return mime_filter_sha256_new();
}

static void
filter_filter(GMimeFilter *filter, char *in, size_t len, size_t prespace, char **out,
              size_t *outlen, size_t *outprespace)
{
	dispo_sha256_update(((MimeFilterSha256 *)filter)->sum, in, len);
	*out = in;
	*outlen = len;
	*outprespace = prespace;
}

static void
filter_reset(GMimeFilter *filter)
{
	char discard[DISPO_SHA256_HEX_LEN + 1];
	dispo_sha256_finish(((MimeFilterSha256 *)filter)->sum, discard);
}

static void
filter_finalize(GObject *obj)
{
	dispo_sha256_free(((MimeFilterSha256 *)obj)->sum);
	G_OBJECT_CLASS(mime_filter_sha256_parent_class)->finalize(obj);
}

static void
mime_filter_sha256_class_init(MimeFilterSha256Class *klass)
{
	GMimeFilterClass *fc = GMIME_FILTER_CLASS(klass);

	G_OBJECT_CLASS(klass)->finalize = filter_finalize;
	fc->copy = filter_copy;
	fc->filter = filter_filter;
	fc->complete = filter_filter;
	fc->reset = filter_reset;
}

static void
mime_filter_sha256_init(MimeFilterSha256 *f)
{
	f->sum = dispo_sha256_new();
}

GMimeFilter *
mime_filter_sha256_new(void)
{
	return g_object_new(mime_filter_sha256_get_type(), NULL);
}

void
mime_filter_sha256_hex(GMimeFilter *filter, char out[DISPO_SHA256_HEX_LEN + 1])
{
	dispo_sha256_finish(((MimeFilterSha256 *)filter)->sum, out);
}
