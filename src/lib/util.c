/* SPDX-License-Identifier: GPL-3.0-or-later */
/* util.c: hashing, time, size and UTF-8 helpers shared by all modules. */
#include "config.h"

#include "lib/lib.h"

#include <errno.h>
#include <nettle/sha2.h>
#include <string.h>
#include <sys/random.h>

struct dispo_sha256 {
	struct sha256_ctx ctx;
};

dispo_sha256 *
dispo_sha256_new(void)
{
	dispo_sha256 *s = g_new(dispo_sha256, 1);
	sha256_init(&s->ctx);
	return s;
}

void
dispo_sha256_update(dispo_sha256 *s, const void *data, size_t len)
{
	sha256_update(&s->ctx, len, data);
}

void
dispo_sha256_finish(dispo_sha256 *s, char out[DISPO_SHA256_HEX_LEN + 1])
{
	static const char hex[] = "0123456789abcdef";
	uint8_t digest[SHA256_DIGEST_SIZE];

	sha256_digest(&s->ctx, sizeof digest, digest); /* also starts over */
	for (size_t i = 0; i < sizeof digest; i++) {
		out[2 * i] = hex[digest[i] >> 4];
		out[2 * i + 1] = hex[digest[i] & 15];
	}
	out[DISPO_SHA256_HEX_LEN] = '\0';
}

void
dispo_sha256_free(dispo_sha256 *s)
{
	g_free(s);
}

void
dispo_sha256_hex(const void *data, size_t len, char out[DISPO_SHA256_HEX_LEN + 1])
{
	dispo_sha256 s;

	sha256_init(&s.ctx);
	sha256_update(&s.ctx, len, data);
	dispo_sha256_finish(&s, out);
}

bool
dispo_sha256_hex_valid(const char *s)
{
	size_t i;

	if (!s)
		return false;
	for (i = 0; i < DISPO_SHA256_HEX_LEN; i++)
		if (!g_ascii_isxdigit(s[i]) || g_ascii_isupper(s[i]))
			return false;
	return s[i] == '\0';
}

bool
dispo_time_parse_iso8601(const char *s, dispo_time *out, GError **error)
{
	g_autoptr(GTimeZone) utc = g_time_zone_new_utc();
	g_autoptr(GDateTime) dt = NULL;

	if (s)
		dt = g_date_time_new_from_iso8601(s, utc);
	if (!dt && s && strlen(s) == 10) {
		/* A bare date means its midnight in UTC. */
		g_autofree char *full = g_strconcat(s, "T00:00:00Z", NULL);
		dt = g_date_time_new_from_iso8601(full, utc);
	}
	if (!dt) {
		g_set_error(error, DISPO_CONFIG_ERROR, DISPO_CONFIG_ERROR_INVALID,
		            "'%s' is not an ISO 8601 time (write e.g. 2026-11-24T09:15:00+07:00)",
		            s ? s : "");
		return false;
	}
	*out = g_date_time_to_unix(dt);
	return true;
}

static GDateTime *
local_time(dispo_time t, GTimeZone *tz)
{
	g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc(t);
	g_autoptr(GTimeZone) fallback = NULL;

	if (!utc)
		utc = g_date_time_new_from_unix_utc(0);
	if (!tz)
		tz = fallback = g_time_zone_new_utc();
	return g_date_time_to_timezone(utc, tz);
}

char *
dispo_time_format_iso8601(dispo_time t, GTimeZone *tz)
{
	g_autoptr(GDateTime) dt = local_time(t, tz);
	return g_date_time_format(dt, "%Y-%m-%dT%H:%M:%S%:z");
}

char *
dispo_time_format_short(dispo_time t, GTimeZone *tz)
{
	g_autoptr(GDateTime) dt = local_time(t, tz);
	return g_date_time_format(dt, "%Y-%m-%d %H:%M");
}

int
dispo_time_year(dispo_time t, GTimeZone *tz)
{
	g_autoptr(GDateTime) dt = local_time(t, tz);
	return g_date_time_get_year(dt);
}

typedef struct {
	const char *unit;
	uint64_t mult;
} unit_mult;

/* "<digits> <unit>" with the unit one of units (case-insensitive, spaces
 * allowed around it); false on anything else or on overflow. */
static bool
parse_with_unit(const char *s, const unit_mult *units, size_t n_units, uint64_t max, uint64_t *out)
{
	const char *p = s;
	g_autofree char *unit = NULL;
	char *end;
	guint64 n;

	while (p && g_ascii_isspace(*p))
		p++;
	if (!p || !g_ascii_isdigit(*p))
		return false;
	errno = 0;
	n = g_ascii_strtoull(p, &end, 10);
	if (errno == ERANGE)
		return false;
	unit = g_ascii_strdown(end, -1);
	g_strstrip(unit);
	for (size_t i = 0; i < n_units; i++) {
		if (strcmp(unit, units[i].unit) != 0)
			continue;
		if (n > max / units[i].mult)
			return false;
		*out = n * units[i].mult;
		return true;
	}
	return false;
}

bool
dispo_size_parse(const char *s, uint64_t *out, GError **error)
{
	static const unit_mult units[] = {
	    {"", 1},
	    {"b", 1},
	    {"k", 1ULL << 10},
	    {"kb", 1ULL << 10},
	    {"kib", 1ULL << 10},
	    {"m", 1ULL << 20},
	    {"mb", 1ULL << 20},
	    {"mib", 1ULL << 20},
	    {"g", 1ULL << 30},
	    {"gb", 1ULL << 30},
	    {"gib", 1ULL << 30},
	};

	if (parse_with_unit(s, units, G_N_ELEMENTS(units), UINT64_MAX, out))
		return true;
	g_set_error(error, DISPO_CONFIG_ERROR, DISPO_CONFIG_ERROR_INVALID,
	            "'%s' is not a size (write e.g. 50MB, 64KB or 1000)", s ? s : "");
	return false;
}

bool
dispo_duration_parse(const char *s, int64_t *ms, GError **error)
{
	/* No bare number: "10" could mean anything. */
	static const unit_mult units[] = {
	    {"ms", 1}, {"s", 1000}, {"m", 60000}, {"h", 3600000}, {"d", 86400000}, {"w", 604800000},
	};
	uint64_t v;

	if (parse_with_unit(s, units, G_N_ELEMENTS(units), INT64_MAX, &v)) {
		*ms = (int64_t)v;
		return true;
	}
	g_set_error(error, DISPO_CONFIG_ERROR, DISPO_CONFIG_ERROR_INVALID,
	            "'%s' is not a duration (write e.g. 500ms, 10s, 10m, 2h or 1d)", s ? s : "");
	return false;
}

char *
dispo_size_format(uint64_t bytes)
{
	if (bytes < 1024)
		return g_strdup_printf("%" G_GUINT64_FORMAT " B", (guint64)bytes);
	if (bytes < 1024 * 1024)
		return g_strdup_printf("%.0f KB", bytes / 1024.0);
	if (bytes < 1024ULL * 1024 * 1024)
		return g_strdup_printf("%.1f MB", bytes / (1024.0 * 1024));
	return g_strdup_printf("%.1f GB", bytes / (1024.0 * 1024 * 1024));
}

char *
dispo_utf8_clean(const char *s, gssize len)
{
	g_autofree char *valid = NULL;
	GString *out;
	const char *p;

	if (!s)
		return NULL;
	valid = g_utf8_make_valid(s, len);
	out = g_string_sized_new(strlen(valid));
	for (p = valid; *p; p = g_utf8_next_char(p)) {
		gunichar c = g_utf8_get_char(p);
		if (c == '\n' || c == '\t')
			g_string_append_c(out, (char)c);
		else if (c == '\r')
			continue;
		else if (g_unichar_iscntrl(c) || c == 0x2028 || c == 0x2029)
			g_string_append_unichar(out, 0xFFFD);
		else
			g_string_append_len(out, p, g_utf8_next_char(p) - p);
	}
	return g_string_free(out, FALSE);
}

size_t
dispo_utf8_width(const char *s)
{
	size_t w = 0;

	for (const char *p = s; p && *p; p = g_utf8_next_char(p)) {
		gunichar c = g_utf8_get_char(p);
		if (g_unichar_iszerowidth(c))
			continue;
		w += g_unichar_iswide(c) ? 2 : 1;
	}
	return w;
}

char *
dispo_utf8_truncate(const char *s, size_t width)
{
	GString *out;
	size_t w = 0;

	if (!s)
		return g_strdup("");
	if (dispo_utf8_width(s) <= width)
		return g_strdup(s);
	out = g_string_new(NULL);
	for (const char *p = s; *p; p = g_utf8_next_char(p)) {
		gunichar c = g_utf8_get_char(p);
		size_t cw = g_unichar_iszerowidth(c) ? 0 : g_unichar_iswide(c) ? 2 : 1;
		if (w + cw + 1 > width)
			break;
		g_string_append_unichar(out, c);
		w += cw;
	}
	g_string_append(out, "…");
	return g_string_free(out, FALSE);
}

/* Edit distance of two short words, ignoring ASCII case, where swapping two
 * neighbours counts as one edit (the commonest typo); G_MAXUINT when long. */
static guint
distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	guint d[66][66];

	if (la > 64 || lb > 64)
		return G_MAXUINT;
	for (size_t i = 0; i <= la; i++)
		d[i][0] = (guint)i;
	for (size_t j = 0; j <= lb; j++)
		d[0][j] = (guint)j;
	for (size_t i = 1; i <= la; i++)
		for (size_t j = 1; j <= lb; j++) {
			char x = g_ascii_tolower(a[i - 1]), y = g_ascii_tolower(b[j - 1]);
			d[i][j] =
			    MIN(MIN(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + (x != y));
			if (i > 1 && j > 1 && x == g_ascii_tolower(b[j - 2]) &&
			    g_ascii_tolower(a[i - 2]) == y)
				d[i][j] = MIN(d[i][j], d[i - 2][j - 2] + 1);
		}
	return d[la][lb];
}

const char *
dispo_suggest(const char *word, const char *const *candidates, guint n)
{
	size_t len = strlen(word);
	const char *best = NULL;
	guint best_d = G_MAXUINT;

	if (len == 0)
		return NULL;
	for (guint i = 0; i < n; i++) {
		const char *c = candidates[i];
		size_t lc = strlen(c);
		guint d = distance(word, c);
		bool prefix = MIN(len, lc) >= 4 && g_ascii_strncasecmp(word, c, MIN(len, lc)) == 0;
		if (d == 0)
			continue;
		if ((d <= MAX(1u, (guint)len / 3) || prefix) && d < best_d) {
			best = c;
			best_d = d;
		}
	}
	return best;
}

char *
dispo_random_token(size_t bytes)
{
	static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz234567";
	g_autofree guint8 *buf = g_malloc(bytes);
	GString *out = g_string_sized_new(bytes * 8 / 5 + 2);
	size_t got = 0;
	unsigned acc = 0, bits = 0;

	while (got < bytes) {
		ssize_t n = getrandom(buf + got, bytes - got, 0);
		if (n < 0 && errno == EINTR)
			continue;
		/* The kernel's generator does not fail once seeded; if it ever
		 * does, a guessable token is worse than stopping. */
		if (n < 0)
			g_error("getrandom: %s", g_strerror(errno));
		got += (size_t)n;
	}
	for (size_t i = 0; i < bytes; i++) {
		acc = (acc << 8) | buf[i];
		bits += 8;
		while (bits >= 5) {
			g_string_append_c(out, alphabet[(acc >> (bits - 5)) & 31]);
			bits -= 5;
		}
	}
	if (bits)
		g_string_append_c(out, alphabet[(acc << (5 - bits)) & 31]);
	return g_string_free(out, false);
}
