/* SPDX-License-Identifier: GPL-3.0-or-later */
/* config.c: dispo.conf (GKeyFile) and the embedded default used when no file
 * is named, so that `dispo demo` and `dispo import` need no set-up. */
#include "config.h"

#include "lib/lib.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>

/* clang-format off */
G_DEFINE_QUARK(dispo-config-error-quark, dispo_config_error)
/* clang-format on */

const char dispo_config_default_text[] =
    "# dispo's embedded default: data under ./var, no mail server needed.\n"
    "[general]\n"
    "data_dir = var\n"
    "language = id\n"
    "\n"
    "[calendar]\n"
    "timezone = Asia/Jakarta\n"
    "\n"
    "[policy]\n"
    "agency_domains = kuduskab.go.id\n"
    "require_authentication = false\n"
    "trusted_authserv_id = mx.kuduskab.go.id\n"
    "\n"
    "# A neutral emblem drawn for the demo, never an office's real logo.\n"
    "[letter]\n"
    "logo = resource:///dispo/templates/logo-contoh.png\n";

/* Keys dispo knows, so that a typo is reported instead of silently ignored. */
static const char *const known_keys[] = {
    "general.data_dir",
    "general.language",
    "general.rules_dir",
    "general.templates_dir",
    "general.admin_address",
    "general.office_name",
    "general.service_name",
    "general.sender_name",
    "calendar.timezone",
    "calendar.working_days",
    "calendar.working_hours",
    "calendar.holidays",
    "limits.message_size",
    "limits.header_size",
    "limits.header_fields",
    "limits.header_total",
    "limits.addresses",
    "limits.parts",
    "limits.depth",
    "limits.text_size",
    "store.busy_timeout",
    "store.import_batch",
    "intake.workflow",
    "intake.tag",
    "intake.mailbox",
    "policy.agency_domains",
    "policy.require_authentication",
    "policy.trusted_authserv_id",
    "policy.confirmation_window",
    "policy.register_max_age",
    "policy.answers_per_hour",
    "policy.answers_per_day",
    "letter.city",
    "letter.government",
    "letter.office",
    "letter.address",
    "letter.phone",
    "letter.email",
    "letter.website",
    "letter.letterhead",
    "letter.logo",
    "letter.number_format",
    "bsre.senders",
    "smtp.url",
    "smtp.starttls",
    "smtp.verify_certificate",
    "smtp.ca_file",
    "smtp.credentials_file",
    "smtp.auth",
    "smtp.envelope_from",
    "smtp.timeout",
    "smtp.max_age",
    "imap.url",
    "imap.starttls",
    "imap.verify_certificate",
    "imap.ca_file",
    "imap.user",
    "imap.credentials_file",
    "imap.mailbox",
    "imap.processed_folder",
    "imap.quarantine_folder",
    "imap.poll_interval",
    "imap.idle_renew",
    "imap.timeout",
    "imap.max_tries",
};

/* The groups of known_keys, each once, in the table's order. */
static GPtrArray *
known_groups(void)
{
	GPtrArray *groups = g_ptr_array_new_with_free_func(g_free);

	for (size_t i = 0; i < G_N_ELEMENTS(known_keys); i++) {
		const char *dot = strchr(known_keys[i], '.');
		g_autofree char *group = g_strndup(known_keys[i], (gsize)(dot - known_keys[i]));
		if (!g_ptr_array_find_with_equal_func(groups, group, g_str_equal, NULL))
			g_ptr_array_add(groups, g_steal_pointer(&group));
	}
	return groups;
}

/* The keys of group, or with group NULL the groups that have key. */
static GPtrArray *
known_in(const char *group, const char *key)
{
	GPtrArray *out = g_ptr_array_new_with_free_func(g_free);

	for (size_t i = 0; i < G_N_ELEMENTS(known_keys); i++) {
		const char *dot = strchr(known_keys[i], '.');
		size_t glen = (size_t)(dot - known_keys[i]);
		if (group && strlen(group) == glen && strncmp(known_keys[i], group, glen) == 0)
			g_ptr_array_add(out, g_strdup(dot + 1));
		else if (!group && strcmp(dot + 1, key) == 0)
			g_ptr_array_add(out, g_strndup(known_keys[i], glen));
	}
	return out;
}

/* The candidate that word is a typo of: one equal but for case first
 * (GKeyFile's names are case-sensitive, so [General] is unknown), else
 * the nearest by edit distance; NULL when none is near. */
static const char *
config_suggest(const char *word, const GPtrArray *candidates)
{
	for (guint i = 0; i < candidates->len; i++)
		if (g_ascii_strcasecmp(word, candidates->pdata[i]) == 0)
			return candidates->pdata[i];
	return dispo_suggest(word, (const char *const *)candidates->pdata, candidates->len);
}

/* "[imap] or [smtp]" */
static char *
groups_list(const GPtrArray *groups, const char *last_sep)
{
	GString *out = g_string_new(NULL);

	for (guint i = 0; i < groups->len; i++)
		g_string_append_printf(out, "%s[%s]",
		                       i == 0                 ? ""
		                       : i + 1 == groups->len ? last_sep
		                                              : ", ",
		                       (const char *)groups->pdata[i]);
	return g_string_free(out, FALSE);
}

/* A typo in dispo.conf is said, never silently ignored: an unknown group
 * once (not once per key in it), with the group it is nearest to; an
 * unknown key with its nearest in the group, or the group it belongs in.
 * Warnings, not errors: a file written for a newer dispo still loads. */
static void
warn_unknown(GKeyFile *kf, const char *origin)
{
	g_auto(GStrv) groups = g_key_file_get_groups(kf, NULL);
	g_autoptr(GPtrArray) known = known_groups();

	for (size_t g = 0; groups[g]; g++) {
		g_auto(GStrv) keys = g_key_file_get_keys(kf, groups[g], NULL, NULL);
		g_autoptr(GPtrArray) group_keys = NULL;

		if (!g_ptr_array_find_with_equal_func(known, groups[g], g_str_equal, NULL)) {
			const char *near = config_suggest(groups[g], known);
			if (near) {
				dispo_log(
				    LOG_WARNING,
				    "%s: unknown group [%s]; did you mean [%s]? (its settings are "
				    "ignored)",
				    origin, groups[g], near);
			} else {
				g_autofree char *all = groups_list(known, " and ");
				dispo_log(
				    LOG_WARNING,
				    "%s: unknown group [%s] (its settings are ignored; the groups "
				    "are %s)",
				    origin, groups[g], all);
			}
			continue;
		}
		group_keys = known_in(groups[g], NULL);
		for (size_t k = 0; keys && keys[k]; k++) {
			g_autoptr(GPtrArray) elsewhere = NULL;
			const char *near;

			if (g_ptr_array_find_with_equal_func(group_keys, keys[k], g_str_equal,
			                                     NULL))
				continue;
			elsewhere = known_in(NULL, keys[k]);
			if (elsewhere->len) {
				g_autofree char *where = groups_list(elsewhere, " or ");
				dispo_log(LOG_WARNING,
				          "%s: unknown key %s in [%s] (ignored); it belongs in %s",
				          origin, keys[k], groups[g], where);
			} else if ((near = config_suggest(keys[k], group_keys))) {
				dispo_log(LOG_WARNING,
				          "%s: unknown key %s in [%s] (ignored); did you mean %s?",
				          origin, keys[k], groups[g], near);
			} else {
				dispo_log(LOG_WARNING, "%s: unknown key %s in [%s] (ignored)",
				          origin, keys[k], groups[g]);
			}
		}
	}
}

static char *
get_string(GKeyFile *kf, const char *group, const char *key, const char *dflt)
{
	char *v = g_key_file_get_string(kf, group, key, NULL);

	if (!v)
		return g_strdup(dflt);
	g_strstrip(v);
	return v;
}

static bool
invalid(GError **error, const char *origin, const char *group, const char *key, const char *why)
{
	g_set_error(error, DISPO_CONFIG_ERROR, DISPO_CONFIG_ERROR_INVALID, "%s: [%s] %s: %s",
	            origin, group, key, why);
	return false;
}

static bool
get_size(GKeyFile *kf, const char *origin, const char *group, const char *key, uint64_t dflt,
         uint64_t *out, GError **error)
{
	g_autofree char *v = get_string(kf, group, key, NULL);
	g_autoptr(GError) e = NULL;

	if (!v) {
		*out = dflt;
		return true;
	}
	if (!dispo_size_parse(v, out, &e))
		return invalid(error, origin, group, key, e->message);
	if (*out == 0)
		return invalid(error, origin, group, key, "must be more than zero");
	return true;
}

static bool
get_duration(GKeyFile *kf, const char *origin, const char *group, const char *key, int64_t dflt,
             int64_t *out, GError **error)
{
	g_autofree char *v = get_string(kf, group, key, NULL);
	g_autoptr(GError) e = NULL;

	if (!v) {
		*out = dflt;
		return true;
	}
	if (!dispo_duration_parse(v, out, &e))
		return invalid(error, origin, group, key, e->message);
	return true;
}

static bool
get_uint(GKeyFile *kf, const char *origin, const char *group, const char *key, unsigned dflt,
         unsigned lo, unsigned hi, unsigned *out, GError **error)
{
	g_autofree char *v = get_string(kf, group, key, NULL);
	guint64 n;
	g_autofree char *why = NULL;

	if (!v) {
		*out = dflt;
		return true;
	}
	if (!g_ascii_string_to_unsigned(v, 10, lo, hi, &n, NULL)) {
		why = g_strdup_printf("'%s' is not a whole number from %u to %u", v, lo, hi);
		return invalid(error, origin, group, key, why);
	}
	*out = (unsigned)n;
	return true;
}

static bool
get_bool(GKeyFile *kf, const char *origin, const char *group, const char *key, bool dflt, bool *out,
         GError **error)
{
	g_autofree char *v = get_string(kf, group, key, NULL);
	g_autofree char *why = NULL;

	if (!v)
		*out = dflt;
	else if (g_ascii_strcasecmp(v, "true") == 0 || g_ascii_strcasecmp(v, "yes") == 0 ||
	         strcmp(v, "1") == 0)
		*out = true;
	else if (g_ascii_strcasecmp(v, "false") == 0 || g_ascii_strcasecmp(v, "no") == 0 ||
	         strcmp(v, "0") == 0)
		*out = false;
	else {
		why = g_strdup_printf("'%s' is neither true nor false", v);
		return invalid(error, origin, group, key, why);
	}
	return true;
}

/* A directory given as a path (relative to the file's directory) or as a
 * GIO URI such as resource:///dispo/rules (the copies built into dispo). */
static char *
location(GKeyFile *kf, const char *group, const char *key, const char *dflt, const char *base_dir)
{
	g_autofree char *v = get_string(kf, group, key, dflt);

	if (strstr(v, "://") || g_path_is_absolute(v))
		return g_steal_pointer(&v);
	return g_build_filename(base_dir, v, NULL);
}

/* A ;-separated list, items trimmed, empty ones dropped; lower-cased when
 * the items are addresses or domains. */
static char **
split_items(const char *v, bool lower)
{
	g_auto(GStrv) parts = g_strsplit(v ? v : "", ";", -1);
	GPtrArray *out = g_ptr_array_new();

	for (size_t i = 0; parts[i]; i++) {
		g_strstrip(parts[i]);
		if (*parts[i])
			g_ptr_array_add(out,
			                lower ? g_ascii_strdown(parts[i], -1) : g_strdup(parts[i]));
	}
	g_ptr_array_add(out, NULL);
	return (char **)g_ptr_array_free(out, FALSE);
}

static char **
split_list(const char *v)
{
	return split_items(v, true);
}

static bool
tag_valid(const char *tag)
{
	size_t n = strlen(tag);

	if (n == 0 || n > 8)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!g_ascii_isupper(tag[i]) && !g_ascii_isdigit(tag[i]))
			return false;
	return true;
}

/* A file named by group.key, relative to base_dir; NULL when unset. */
static char *
optional_path(GKeyFile *kf, const char *group, const char *key, const char *base_dir)
{
	g_autofree char *v = get_string(kf, group, key, "");

	if (!*v)
		return NULL;
	return g_path_is_absolute(v) ? g_steal_pointer(&v) : g_build_filename(base_dir, v, NULL);
}

/* [letter]: the kop surat. Each part is its own key, defaulting to the
 * Kudus office's; an empty value leaves a part out. A file from before
 * those keys names the kop as `letterhead` lines: still read (as the
 * government, the office, the address and further lines, printed as
 * before) with a warning saying which keys to write instead, but never
 * beside the new keys, where which one wins would be a guess. */
static bool
letter_load(dispo_config *c, GKeyFile *kf, const char *origin, const char *base_dir,
            GError **error)
{
	static const char *const named[] = {"government", "office", "address",
	                                    "phone",      "email",  "website"};
	static const char *const dflt[] = {
	    "PEMERINTAH KABUPATEN KUDUS", "DINAS KOMUNIKASI DAN INFORMATIKA",
	    "Jl. Simpang Tujuh No. 1, Kudus 59313", "(0291) 435316", "diskominfo@kuduskab.go.id",
	    "diskominfo.kuduskab.go.id"};
	char **values[] = {&c->letter_government, &c->letter_office, &c->letter_address,
	                   &c->letter_phone,      &c->letter_email,  &c->letter_website};
	g_autofree char *legacy = get_string(kf, "letter", "letterhead", NULL);
	g_autofree char *logo = get_string(kf, "letter", "logo", "");

	c->letter_city = get_string(kf, "letter", "city", "Kudus");
	/* A URI is kept as written: the demo's logo is built into dispo. */
	c->letter_logo = strstr(logo, "://") ? g_steal_pointer(&logo)
	                                     : optional_path(kf, "letter", "logo", base_dir);
	c->letter_number_format = get_string(kf, "letter", "number_format", "800/%N/28.01/%Y");
	if (legacy) {
		g_auto(GStrv) lines = split_items(legacy, false);
		guint n = g_strv_length(lines);

		for (size_t i = 0; i < G_N_ELEMENTS(named); i++)
			if (g_key_file_has_key(kf, "letter", named[i], NULL))
				return invalid(error, origin, "letter", "letterhead",
				               "cannot stand beside government, office, address, "
				               "phone, email and website; move its lines to those keys "
				               "and remove it");
		if (n == 0)
			return invalid(error, origin, "letter", "letterhead",
			               "is empty; remove it (the kop then takes government, office, "
			               "address, phone, email and website)");
		for (size_t i = 0; i < 3; i++)
			*values[i] = g_strdup(i < n ? lines[i] : "");
		for (size_t i = 3; i < G_N_ELEMENTS(named); i++)
			*values[i] = g_strdup("");
		c->letter_lines = g_strdupv(n > 3 ? lines + 3 : lines + n);
		g_printerr("dispo: %s: warning: [letter] letterhead is deprecated; its lines are read "
		           "as government, office and address (the rest printed as given): write "
		           "them as the keys government, office, address, phone, email and website "
		           "(dispo.conf(5))\n",
		           origin);
		return true;
	}
	for (size_t i = 0; i < G_N_ELEMENTS(named); i++)
		*values[i] = get_string(kf, "letter", named[i], dflt[i]);
	c->letter_lines = g_new0(char *, 1);
	if (!*c->letter_government && !*c->letter_office)
		return invalid(error, origin, "letter", "office",
		               "the kop surat needs the office's name (or the government's)");
	if (*c->letter_email &&
	    (!strchr(c->letter_email, '@') || strpbrk(c->letter_email, " \t<>\",;")))
		return invalid(error, origin, "letter", "email", "must be one plain address");
	if (strpbrk(c->letter_website, " \t"))
		return invalid(error, origin, "letter", "website",
		               "must be one address such as diskominfo.kuduskab.go.id");
	return true;
}

/* [smtp]: without a url, outgoing mail goes to the Maildir outbox. */
static bool
smtp_load(dispo_config *c, GKeyFile *kf, const char *origin, const char *base_dir, GError **error)
{
	g_autofree char *auth = get_string(kf, "smtp", "auth", "any");

	c->smtp_url = get_string(kf, "smtp", "url", "");
	if (!*c->smtp_url)
		g_clear_pointer(&c->smtp_url, g_free);
	else if (!g_str_has_prefix(c->smtp_url, "smtp://") &&
	         !g_str_has_prefix(c->smtp_url, "smtps://")) {
		invalid(error, origin, "smtp", "url",
		        "must be smtp://HOST:PORT (STARTTLS) or smtps://HOST:PORT (TLS from the "
		        "start)");
		return false;
	}
	if (strcmp(auth, "any") != 0 && strcmp(auth, "plain") != 0 && strcmp(auth, "login") != 0) {
		invalid(error, origin, "smtp", "auth", "must be any, plain or login");
		return false;
	}
	c->smtp_auth = g_ascii_strup(auth, -1);
	c->smtp_ca_file = optional_path(kf, "smtp", "ca_file", base_dir);
	c->smtp_credentials_file = optional_path(kf, "smtp", "credentials_file", base_dir);
	c->smtp_envelope_from = get_string(kf, "smtp", "envelope_from", "");
	if (!*c->smtp_envelope_from)
		g_clear_pointer(&c->smtp_envelope_from, g_free);
	else if (!strchr(c->smtp_envelope_from, '@') ||
	         strpbrk(c->smtp_envelope_from, " \t\r\n<>\",")) {
		invalid(error, origin, "smtp", "envelope_from", "must be one plain address");
		return false;
	}
	return get_bool(kf, origin, "smtp", "starttls", true, &c->smtp_starttls, error) &&
	       get_bool(kf, origin, "smtp", "verify_certificate", true, &c->smtp_verify, error) &&
	       get_duration(kf, origin, "smtp", "timeout", 60000, &c->smtp_timeout_ms, error) &&
	       get_duration(kf, origin, "smtp", "max_age", 2 * 86400000LL, &c->smtp_max_age_ms,
	                    error);
}

/* A folder name as the IMAP server is told it: no control characters, no
 * quotes or backslashes that a quoted string would have to escape. */
static bool
folder_valid(const char *f)
{
	if (!*f || !g_utf8_validate(f, -1, NULL))
		return false;
	for (const char *p = f; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f || *p == '"' || *p == '\\')
			return false;
	return true;
}

/* [imap]: the mailbox `dispo serve` watches; without url it watches none
 * (mail then comes by `dispo deliver` or `dispo import`). */
static bool
imap_load(dispo_config *c, GKeyFile *kf, const char *origin, const char *base_dir, GError **error)
{
	static const char *const folders[] = {"mailbox", "processed_folder", "quarantine_folder"};
	char **values[] = {&c->imap_mailbox, &c->imap_processed, &c->imap_quarantine};
	static const char *const defaults[] = {"INBOX", "", ""};

	c->imap_url = get_string(kf, "imap", "url", "");
	if (!*c->imap_url)
		g_clear_pointer(&c->imap_url, g_free);
	else if (!g_str_has_prefix(c->imap_url, "imap://") &&
	         !g_str_has_prefix(c->imap_url, "imaps://")) {
		invalid(error, origin, "imap", "url",
		        "must be imaps://HOST[:PORT] (TLS from the start) or imap://HOST[:PORT] "
		        "(STARTTLS)");
		return false;
	}
	c->imap_user = get_string(kf, "imap", "user", "");
	if (!*c->imap_user)
		g_clear_pointer(&c->imap_user, g_free);
	else if (strpbrk(c->imap_user, "\r\n\"\\")) {
		invalid(error, origin, "imap", "user", "must be one line without quotes");
		return false;
	}
	c->imap_ca_file = optional_path(kf, "imap", "ca_file", base_dir);
	c->imap_credentials_file = optional_path(kf, "imap", "credentials_file", base_dir);
	for (size_t i = 0; i < G_N_ELEMENTS(folders); i++) {
		*values[i] = get_string(kf, "imap", folders[i], defaults[i]);
		if (!**values[i] && i > 0) {
			g_clear_pointer(values[i], g_free);
			continue;
		}
		if (!folder_valid(*values[i]))
			return invalid(error, origin, "imap", folders[i],
			               "must be a folder name without control characters, quotes or "
			               "backslashes");
	}
	if (c->imap_url && !c->imap_credentials_file)
		return invalid(error, origin, "imap", "credentials_file",
		               "must name the file holding the mailbox's password when url is set");
	if (!get_bool(kf, origin, "imap", "starttls", true, &c->imap_starttls, error) ||
	    !get_bool(kf, origin, "imap", "verify_certificate", true, &c->imap_verify, error) ||
	    !get_duration(kf, origin, "imap", "poll_interval", 60000, &c->imap_poll_ms, error) ||
	    !get_duration(kf, origin, "imap", "idle_renew", 25 * 60000, &c->imap_idle_renew_ms,
	                  error) ||
	    !get_duration(kf, origin, "imap", "timeout", 60000, &c->imap_timeout_ms, error) ||
	    !get_uint(kf, origin, "imap", "max_tries", 5, 1, 1000, &c->imap_max_tries, error))
		return false;
	if (c->imap_poll_ms < 1000)
		return invalid(error, origin, "imap", "poll_interval", "must be at least 1s");
	/* RFC 2177: servers may log a client out after 30 minutes of IDLE. */
	if (c->imap_idle_renew_ms < 1000 || c->imap_idle_renew_ms > 29 * 60000)
		return invalid(error, origin, "imap", "idle_renew",
		               "must be between 1s and 29m (servers end an IDLE after 30m)");
	if (c->imap_timeout_ms < 1000)
		return invalid(error, origin, "imap", "timeout", "must be at least 1s");
	return true;
}

/* [limits]. The defaults follow what the mail servers in front of dispo
 * deliver by default, so that dispo never refuses what they accepted:
 * Postfix keeps up to header_size_limit = 102400 bytes of one header field
 * (the excess is discarded, the message delivered), counts no fields, and
 * takes whole messages up to message_size_limit = 10240000 bytes; Dovecot's
 * header parser reads header blocks up to 10 MB. So one field may be 256 KB
 * (Postfix's 100 KB folded and with CR LF line ends, raw, with room to
 * spare), all headers together 10 MB, and 10000 fields; the address count
 * bounds what GMime builds for address lists (about 800 bytes a mailbox). */
static bool
limits_load(dispo_config *c, GKeyFile *kf, const char *origin, GError **error)
{
	const dispo_limits d = DISPO_LIMITS_DEFAULT;
	dispo_limits *l = &c->limits;

	return get_size(kf, origin, "limits", "message_size", d.message_size, &l->message_size,
	                error) &&
	       get_size(kf, origin, "limits", "header_size", d.header_size, &l->header_size,
	                error) &&
	       get_size(kf, origin, "limits", "header_total", d.header_total, &l->header_total,
	                error) &&
	       get_uint(kf, origin, "limits", "header_fields", d.header_fields, 10, 1000000,
	                &l->header_fields, error) &&
	       get_uint(kf, origin, "limits", "addresses", d.addresses, 10, 10000000, &l->addresses,
	                error) &&
	       get_uint(kf, origin, "limits", "parts", d.parts, 1, 100000, &l->parts, error) &&
	       get_uint(kf, origin, "limits", "depth", d.depth, 1, 1000, &l->depth, error) &&
	       get_size(kf, origin, "limits", "text_size", d.text_size, &l->text_size, error);
}

dispo_config *
dispo_config_load_data(const char *text, const char *origin, const char *base_dir, GError **error)
{
	g_autoptr(GKeyFile) kf = g_key_file_new();
	g_autoptr(dispo_config) c = g_new0(dispo_config, 1);
	g_autoptr(GError) e = NULL;
	g_autofree char *data_dir = NULL;
	g_autofree char *domains = NULL;
	int64_t busy;

	if (!g_key_file_load_from_data(kf, text, (gsize)-1, G_KEY_FILE_NONE, &e)) {
		g_set_error(error, DISPO_CONFIG_ERROR, DISPO_CONFIG_ERROR_INVALID, "%s: %s", origin,
		            e->message);
		return NULL;
	}
	warn_unknown(kf, origin);

	data_dir = get_string(kf, "general", "data_dir", "/var/lib/dispo");
	if (!*data_dir) {
		invalid(error, origin, "general", "data_dir", "must name a directory");
		return NULL;
	}
	c->data_dir = g_path_is_absolute(data_dir) ? g_strdup(data_dir)
	                                           : g_build_filename(base_dir, data_dir, NULL);
	c->rules_dir = location(kf, "general", "rules_dir", "resource:///dispo/rules", base_dir);
	c->templates_dir =
	    location(kf, "general", "templates_dir", "resource:///dispo/templates", base_dir);
	c->language = get_string(kf, "general", "language", "id");
	if (strcmp(c->language, "id") != 0 && strcmp(c->language, "en") != 0) {
		invalid(error, origin, "general", "language", "must be id or en");
		return NULL;
	}

	c->tz_name = get_string(kf, "calendar", "timezone", "Asia/Jakarta");
	c->tz = g_time_zone_new_identifier(c->tz_name);
	if (!c->tz) {
		g_autofree char *why = g_strdup_printf(
		    "unknown time zone '%s' (use a name such as Asia/Jakarta or an offset "
		    "such as +07:00; names need the tzdata package)",
		    c->tz_name);
		invalid(error, origin, "calendar", "timezone", why);
		return NULL;
	}

	if (!limits_load(c, kf, origin, error))
		return NULL;

	if (!get_duration(kf, origin, "store", "busy_timeout", 10000, &busy, error))
		return NULL;
	if (busy > 600000) {
		invalid(error, origin, "store", "busy_timeout", "must be at most 10m");
		return NULL;
	}
	c->busy_timeout_ms = (int)busy;
	if (!get_uint(kf, origin, "store", "import_batch", 256, 1, 100000, &c->import_batch, error))
		return NULL;

	c->workflow = get_string(kf, "intake", "workflow", "pendaftaran");
	c->tag = get_string(kf, "intake", "tag", "SE");
	if (!tag_valid(c->tag)) {
		invalid(error, origin, "intake", "tag", "must be 1 to 8 capital letters or digits");
		return NULL;
	}
	c->mailbox = get_string(kf, "intake", "mailbox", "sertifikat@kuduskab.go.id");

	domains = get_string(kf, "policy", "agency_domains", "");
	c->agency_domains = split_list(domains);
	if (!get_bool(kf, origin, "policy", "require_authentication", true,
	              &c->require_authentication, error))
		return NULL;
	c->trusted_authserv_id = get_string(kf, "policy", "trusted_authserv_id", "");
	if (c->require_authentication && !*c->trusted_authserv_id) {
		invalid(error, origin, "policy", "trusted_authserv_id",
		        "must name the host whose Authentication-Results count when "
		        "require_authentication is true");
		return NULL;
	}
	c->admin_address = get_string(kf, "general", "admin_address", "");
	if (!*c->admin_address)
		g_clear_pointer(&c->admin_address, g_free);
	else if (!strchr(c->admin_address, '@') || strpbrk(c->admin_address, " \t\r\n<>\",")) {
		invalid(error, origin, "general", "admin_address", "must be one plain address");
		return NULL;
	}
	/* Who signs the emails: the office and its service, never "dispo". */
	c->office_name =
	    get_string(kf, "general", "office_name", "Dinas Komunikasi dan Informatika Kabupaten Kudus");
	c->service_name = get_string(kf, "general", "service_name", "Layanan Sertifikat Elektronik");
	c->sender_name = get_string(kf, "general", "sender_name", "");
	if (!*c->sender_name) {
		g_free(c->sender_name);
		c->sender_name = g_strdup(c->service_name);
	}
	c->working_days = get_string(kf, "calendar", "working_days", "mon-fri");
	c->working_hours = get_string(kf, "calendar", "working_hours", "07:30-16:00");
	c->holidays = optional_path(kf, "calendar", "holidays", base_dir);
	if (!letter_load(c, kf, origin, base_dir, error))
		return NULL;
	{
		g_autofree char *bsre = get_string(kf, "bsre", "senders", "");
		c->bsre_senders = split_list(bsre);
	}
	if (!smtp_load(c, kf, origin, base_dir, error) || !imap_load(c, kf, origin, base_dir, error))
		return NULL;
	if (!get_duration(kf, origin, "policy", "confirmation_window", 2 * 86400000LL,
	                  &c->confirmation_window_ms, error) ||
	    !get_duration(kf, origin, "policy", "register_max_age", 0, &c->register_max_age_ms,
	                  error) ||
	    !get_uint(kf, origin, "policy", "answers_per_hour", 5, 0, 10000, &c->answers_per_hour,
	              error) ||
	    !get_uint(kf, origin, "policy", "answers_per_day", 2 * c->answers_per_hour, 0, 240000,
	              &c->answers_per_day, error))
		return NULL;
	return g_steal_pointer(&c);
}

dispo_config *
dispo_config_load(const char *path, GError **error)
{
	g_autofree char *text = NULL;
	g_autofree char *dir = NULL;
	g_autofree char *cwd = g_get_current_dir();
	g_autoptr(GError) e = NULL;
	dispo_config *c;

	if (!path || !*path)
		path = g_getenv("DISPO_CONFIG");
	if (!path || !*path)
		return dispo_config_load_data(dispo_config_default_text, "embedded default", cwd,
		                              error);
	if (!dispo_file_read(path, 1 << 20, &text, NULL, &e)) {
		g_set_error(error, DISPO_CONFIG_ERROR, DISPO_CONFIG_ERROR_NOT_FOUND,
		            "cannot read the configuration: %s", e->message);
		return NULL;
	}
	/* Paths in the file are the file's, wherever the command runs from. */
	{
		g_autofree char *rel = g_path_get_dirname(path);
		dir = g_canonicalize_filename(rel, cwd);
	}
	c = dispo_config_load_data(text, path, dir, error);
	if (c)
		c->path = g_canonicalize_filename(path, cwd);
	return c;
}

void
dispo_config_free(dispo_config *c)
{
	if (!c)
		return;
	g_free(c->path);
	g_free(c->data_dir);
	g_free(c->language);
	if (c->tz)
		g_time_zone_unref(c->tz);
	g_free(c->tz_name);
	g_free(c->workflow);
	g_free(c->tag);
	g_free(c->mailbox);
	g_strfreev(c->agency_domains);
	g_free(c->trusted_authserv_id);
	g_free(c->rules_dir);
	g_free(c->templates_dir);
	g_free(c->admin_address);
	g_free(c->office_name);
	g_free(c->service_name);
	g_free(c->sender_name);
	g_free(c->working_days);
	g_free(c->working_hours);
	g_free(c->holidays);
	g_free(c->letter_city);
	g_free(c->smtp_url);
	g_free(c->smtp_auth);
	g_free(c->smtp_ca_file);
	g_free(c->smtp_credentials_file);
	g_free(c->smtp_envelope_from);
	g_free(c->imap_url);
	g_free(c->imap_user);
	g_free(c->imap_ca_file);
	g_free(c->imap_credentials_file);
	g_free(c->imap_mailbox);
	g_free(c->imap_processed);
	g_free(c->imap_quarantine);
	g_free(c->letter_government);
	g_free(c->letter_office);
	g_free(c->letter_address);
	g_strfreev(c->letter_lines);
	g_free(c->letter_phone);
	g_free(c->letter_email);
	g_free(c->letter_website);
	g_free(c->letter_logo);
	g_free(c->letter_number_format);
	g_strfreev(c->bsre_senders);
	g_free(c);
}
