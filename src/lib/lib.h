/* SPDX-License-Identifier: GPL-3.0-or-later */
/* lib.h: the small shared toolbox every module may use: errors, safe file
 * writes, hashing, time, sizes and the configuration. */
#ifndef DISPO_LIB_H
#define DISPO_LIB_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdarg.h>
#include <stdint.h>

/* ---- errors ------------------------------------------------------------ */

/* Errors of the file-system helpers. TEMPORARY covers what a retry may cure
 * (disk full, quota, I/O error, interrupted); the rest needs a person. */
#define DISPO_IO_ERROR (dispo_io_error_quark())
GQuark dispo_io_error_quark(void);
typedef enum {
	DISPO_IO_ERROR_TEMPORARY,
	DISPO_IO_ERROR_PERMANENT,
	DISPO_IO_ERROR_TOO_LARGE,
} dispo_io_error_code;

/* Fills *error from errno, prefixing "what path: ". Returns false so callers
 * can write `return dispo_io_error_set(...)`. */
bool dispo_io_error_set(GError **error, int errnum, const char *what, const char *path);

/* ---- hashing ----------------------------------------------------------- */

#define DISPO_SHA256_HEX_LEN 64
/* Writes 64 lower-case hex digits and a NUL into out. */
void dispo_sha256_hex(const void *data, size_t len, char out[DISPO_SHA256_HEX_LEN + 1]);
/* Streaming SHA-256 (nettle, which uses the CPU's SHA instructions: every
 * byte of every message is hashed, attachments twice). */
typedef struct dispo_sha256 dispo_sha256;
dispo_sha256 *dispo_sha256_new(void);
void dispo_sha256_update(dispo_sha256 *sum, const void *data, size_t len);
/* The hex digest; the sum starts over afterwards. */
void dispo_sha256_finish(dispo_sha256 *sum, char out[DISPO_SHA256_HEX_LEN + 1]);
void dispo_sha256_free(dispo_sha256 *sum);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(dispo_sha256, dispo_sha256_free)
bool dispo_sha256_hex_valid(const char *s);

/* ---- files ------------------------------------------------------------- */

/* mkdir -p with mode 0700 for new directories. */
bool dispo_mkdir_p(const char *path, GError **error);
/* Removes a directory tree (links are removed, not followed); a missing
 * path is no error. */
bool dispo_remove_tree(const char *path, GError **error);
/* The same, syncing the parent of each directory it creates, so that a
 * file synced into it survives a crash on any file system. */
bool dispo_mkdir_sync(const char *path, GError **error);
/* fsync a directory so that a rename inside it survives a crash. */
bool dispo_fsync_dir(const char *path, GError **error);
/* Makes everything written to the file system holding path durable (one
 * syncfs(2) instead of an fsync per file, for batches). */
bool dispo_syncfs(const char *path, GError **error);
/* Gives the finished temporary file tmp its content address path (the
 * hex SHA-256 of its bytes is sha256). When path exists it is kept if its
 * bytes hash right (the same content, stored before or by a concurrent
 * process) and replaced if not (a crash left it incomplete); tmp is gone
 * either way. Never replaces a good file, so a committed row's file is
 * never swapped for an unsynced one. With sync, a copy that is kept is
 * synced too (another batch may have left it unsynced); the caller syncs
 * tmp before and the directory after. */
bool dispo_file_publish(const char *tmp, const char *path, const char *sha256, bool sync,
                        GError **error);
bool dispo_file_sha256(const char *path, char out[DISPO_SHA256_HEX_LEN + 1], GError **error);
/* Removes the regular files in dir last changed before `before`: the
 * temporary files a crash left behind. Best effort; returns how many. */
unsigned dispo_tmp_sweep(const char *dir, int64_t before);
/* Whether two paths live on the same file system. */
bool dispo_same_fs(const char *a, const char *b);
/* Writes data to path durably: temp file in the same directory, fsync,
 * rename, fsync of the directory. */
bool dispo_file_write_atomic(const char *path, const void *data, size_t len, int mode,
                             GError **error);
/* The same with the temp file in tmp_dir (on path's file system): a
 * Maildir's tmp/, so that nothing half-written is ever in new/. */
bool dispo_file_write_atomic_via(const char *tmp_dir, const char *path, const void *data, size_t len,
                                 int mode, GError **error);
/* Reads a whole file, refusing files over max bytes. */
bool dispo_file_read(const char *path, size_t max, char **data, size_t *len, GError **error);
/* Full write and read loops that retry on EINTR and short counts. */
bool dispo_write_all(int fd, const void *data, size_t len, const char *path, GError **error);

/* ---- time -------------------------------------------------------------- */

/* Unix seconds (UTC). Time in dispo is passed in, never read deep inside a
 * module: the CLI reads the clock or --now once and hands it down. */
typedef int64_t dispo_time;

bool dispo_time_parse_iso8601(const char *s, dispo_time *out, GError **error);
/* ISO 8601 with the offset of tz (e.g. 2026-11-24T09:15:00+07:00). */
char *dispo_time_format_iso8601(dispo_time t, GTimeZone *tz);
/* A short local form for tables: 2026-11-24 09:15. */
char *dispo_time_format_short(dispo_time t, GTimeZone *tz);
int dispo_time_year(dispo_time t, GTimeZone *tz);

/* ---- sizes ------------------------------------------------------------- */

/* Parses "50MB", "64 KiB", "1000" (bytes). Units are binary (1 MB = 2^20). */
bool dispo_size_parse(const char *s, uint64_t *out, GError **error);
/* 1.5 MB, 312 KB, 17 B. */
char *dispo_size_format(uint64_t bytes);

/* ---- randomness ----------------------------------------------------------- */

/* A fresh unguessable token: `bytes` random bytes from the kernel as lower-
 * case base32 (letters and 2-7: safe in an address's local part and case-
 * insensitive as addresses are). */
char *dispo_random_token(size_t bytes);

/* ---- durations --------------------------------------------------------- */

/* Parses "200ms", "10s", "10m", "2h", "1d", "1w" (one number, one unit) into
 * milliseconds. A bare number is refused: "10" could mean anything. */
bool dispo_duration_parse(const char *s, int64_t *ms, GError **error);

/* ---- text -------------------------------------------------------------- */

/* Returns a copy of s that is valid UTF-8 and free of NUL and of control
 * characters other than \n and \t (those become U+FFFD or are dropped). */
char *dispo_utf8_clean(const char *s, gssize len);
/* Width in terminal columns of a UTF-8 string (wide CJK counts as 2). */
size_t dispo_utf8_width(const char *s);
/* Copies s cut to at most width columns, ending in "…" when cut. */
char *dispo_utf8_truncate(const char *s, size_t width);
/* The closest of candidates to word when close enough to be a typo (edit
 * distance ignoring ASCII case, a swap of neighbours one edit), else NULL;
 * a candidate equal to word but for case is not a suggestion. For "did you
 * mean" in the rules and the configuration alike. */
const char *dispo_suggest(const char *word, const char *const *candidates, guint n);

/* ---- text people read (text.c) ------------------------------------------ */

/* text (\n line ends) with every line wider than width columns broken at
 * spaces as RFC 3676 format=flowed has it: a soft break leaves the line
 * ending in one space, so a phone joins it again; hard line ends lose
 * their trailing spaces; lines starting with a space, ">" or "From " are
 * space-stuffed; "--" alone becomes the signature separator "-- ". A
 * broken indented line goes on under its value ("  Nama  : …") or item
 * ("  - …") after hard breaks (a flowed reader would keep that indentation
 * as spaces inside the text). A word wider than the line stays whole. */
char *dispo_text_flow(const char *text, size_t width);
/* The month (1-12) by name in lang ("id" unless "en"): "Desember". */
const char *dispo_month_name(int month, const char *lang);
/* A name without its titles: the degrees after the first comma and the
 * titles before it ("Drs.", "dr.", "H.", "Hj.", "Prof."), spaces folded:
 * "Drs. H. Hendro Wibisono, M.Si." → "Hendro Wibisono". */
char *dispo_name_bare(const char *name);
typedef enum {
	DISPO_GENDER_UNKNOWN,
	DISPO_GENDER_MALE,
	DISPO_GENDER_FEMALE,
} dispo_gender;
/* The gender a valid 18-digit NIP encodes (its 15th digit). */
dispo_gender dispo_gender_of_nip(const char *nip);
/* How a letter or email addresses someone: "Bapak Agus Prasetyo", "Ibu
 * Sri Wahyuningsih", "Bapak/Ibu Budi Santoso" (gender unknown),
 * "Bapak/Ibu" (name unknown); English "Mr Agus Prasetyo", "Ms …", the
 * name alone, or "Sir or Madam". */
char *dispo_salutation(const char *name, dispo_gender gender, const char *lang);
/* The Indonesian form of "you" for that gender: "Bapak", "Ibu", "Bapak/Ibu". */
const char *dispo_honorific(dispo_gender gender);

/* ---- configuration ----------------------------------------------------- */

#define DISPO_CONFIG_ERROR (dispo_config_error_quark())
GQuark dispo_config_error_quark(void);
typedef enum {
	DISPO_CONFIG_ERROR_INVALID,
	DISPO_CONFIG_ERROR_NOT_FOUND,
} dispo_config_error_code;

/* What one message may hold before it is judged over a limit (dispo.conf(5)
 * [limits]). The defaults are at least as generous as what Postfix and
 * Dovecot deliver by default: nothing they hand over is refused. */
typedef struct dispo_limits {
	uint64_t message_size; /* raw bytes of one message */
	/* One header field dispo parses (addresses, Subject, Message-ID,
	 * In-Reply-To, References, Content-*), raw; any other field may be
	 * longer and is cut to this where dispo keeps it. */
	uint64_t header_size;
	unsigned header_fields; /* fields in all header blocks of one message */
	unsigned parts;         /* MIME parts in one message */
	unsigned depth;         /* multipart / message nesting */
	uint64_t text_size;     /* the text body kept for the workflow */
	/* All header blocks of one message together, raw; 0: no bound of its
	 * own (message_size bounds them). */
	uint64_t header_total;
	/* Mailboxes named by the address fields of one message (the message's
	 * and its forwarded messages'); 0: no bound of its own. */
	unsigned addresses;
} dispo_limits;

/* The defaults, also what a configuration file leaves unset. */
#define DISPO_LIMITS_DEFAULT                                                                       \
	{                                                                                          \
		.message_size = 64ULL << 20, .header_size = 256ULL << 10, .header_fields = 10000,  \
		.parts = 200, .depth = 16, .text_size = 1ULL << 20, .header_total = 10ULL << 20,   \
		.addresses = 20000,                                                                \
	}

typedef struct dispo_config {
	char *path;     /* file it came from, or NULL for the embedded default */
	char *data_dir; /* absolute */
	char *language; /* "id" or "en" */
	GTimeZone *tz;  /* [calendar] timezone; the office's local time */
	char *tz_name;
	dispo_limits limits;
	int busy_timeout_ms;
	unsigned import_batch; /* messages per intake transaction in import */
	/* [intake]: until the rules exist, the one workflow applications open. */
	char *workflow;
	char *tag;
	char *mailbox;
	/* [policy] (names fixed by DESIGN.md) */
	char **agency_domains;
	bool require_authentication;
	char *trusted_authserv_id;
	int64_t confirmation_window_ms; /* an unknown address must answer within this */
	int64_t register_max_age_ms;    /* a register entry older than this is stale; 0 never */
	unsigned answers_per_hour;      /* answers to one address per hour; 0 = none */
	unsigned answers_per_day;       /* and per day (default twice per hour) */
	/* [general]: paths or GIO URIs (resource:///dispo/… are built in) */
	char *rules_dir;
	char *templates_dir;
	char *admin_address; /* [general]: escalations and notices for people; NULL none */
	char *office_name;   /* [general]: the office that signs the emails */
	char *service_name;  /* [general]: its service ("Layanan Sertifikat Elektronik") */
	char *sender_name;   /* [general]: the From display name; service_name when unset */
	/* [calendar]: working time for SLA deadlines */
	char *working_days;  /* "mon-fri", "mon,tue,wed,thu,fri,sat" (or sen-jum) */
	char *working_hours; /* "07:30-16:00" */
	char *holidays;      /* a file of yyyy-mm-dd lines, or NULL */
	/* [letter]: the recommendation letter's kop surat and number; empty
	 * strings are parts the office left out */
	char *letter_city;
	char *letter_government; /* "PEMERINTAH KABUPATEN KUDUS" */
	char *letter_office;     /* "DINAS KOMUNIKASI DAN INFORMATIKA" */
	char *letter_address;
	char **letter_lines; /* kop lines past the address (an old letterhead key's), or empty */
	char *letter_phone, *letter_email, *letter_website;
	char *letter_logo;          /* PNG path or resource:// URI, or NULL */
	char *letter_number_format; /* %N the year's sequence (3 digits), %Y the year */
	/* [bsre]: addresses whose mail is a BSrE notification */
	char **bsre_senders;
	/* [smtp]: the outgoing server; NULL url means the Maildir outbox */
	char *smtp_url;              /* smtp://host:port (STARTTLS) or smtps://host:port */
	bool smtp_starttls;          /* smtp://: refuse to send without STARTTLS */
	bool smtp_verify;            /* verify the server's certificate and name */
	char *smtp_ca_file;          /* NULL: the system's CA store */
	char *smtp_credentials_file; /* user and password, mode 0600; NULL: no AUTH */
	char *smtp_auth;             /* ANY, PLAIN or LOGIN */
	char *smtp_envelope_from;    /* MAIL FROM; NULL: each message's From address */
	int64_t smtp_timeout_ms;     /* connecting, and silence from the server */
	int64_t smtp_max_age_ms;     /* temporary failures are retried this long */
	/* [imap]: the mailbox dispo serve watches; NULL url: none */
	char *imap_url;              /* imaps://host[:port] or imap://host[:port] (STARTTLS) */
	bool imap_starttls;          /* imap://: refuse to log in without STARTTLS */
	bool imap_verify;            /* verify the server's certificate and name */
	char *imap_ca_file;          /* NULL: the system's CA store */
	char *imap_user;             /* NULL: the credentials file's username */
	char *imap_credentials_file; /* password (and username), mode 0600 */
	char *imap_mailbox;          /* watched; default INBOX */
	char *imap_processed;        /* moved there once committed; NULL: marked \Seen */
	char *imap_quarantine;       /* what cannot be processed; NULL: flagged, left */
	int64_t imap_poll_ms;        /* servers without IDLE are polled this often */
	int64_t imap_idle_renew_ms;  /* IDLE is re-issued after this (< 29 minutes) */
	int64_t imap_timeout_ms;     /* connecting, and silence from the server */
	unsigned imap_max_tries;     /* a message failing this often is quarantined */
} dispo_config;

/* A credentials file (credentials.c): "username = …" and "password = …"
 * lines, read only from a regular file owned by the effective user with no
 * group or other permissions (what names the service in errors: "SMTP").
 * The username is optional unless need_username; free both with
 * dispo_secret_free, which wipes before freeing. */
bool dispo_credentials_read(const char *path, const char *what, bool need_username,
                            char **username, char **password, GError **error);
void dispo_secret_free(char *s);

/* The text of the embedded default, for `dispo config` and the man page. */
extern const char dispo_config_default_text[];

/* Loads path, or $DISPO_CONFIG when path is NULL, or the embedded default
 * when both are absent. Relative data_dir is resolved against the working
 * directory for the embedded default and against the file's directory for a
 * file. */
dispo_config *dispo_config_load(const char *path, GError **error);
dispo_config *dispo_config_load_data(const char *text, const char *origin, const char *base_dir,
                                     GError **error);
void dispo_config_free(dispo_config *config);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(dispo_config, dispo_config_free)

/* ---- CSV (csv.c) ---- */

#define DISPO_CSV_ERROR (dispo_csv_error_quark())
GQuark dispo_csv_error_quark(void);
typedef enum {
	DISPO_CSV_ERROR_SYNTAX,   /* quotes */
	DISPO_CSV_ERROR_ENCODING, /* not UTF-8, or a NUL byte */
	DISPO_CSV_ERROR_SHAPE,    /* no header, or a row with another field count */
	DISPO_CSV_ERROR_LIMIT,
} dispo_csv_error_code;

#define DISPO_CSV_FIELD_MAX  (64 * 1024) /* bytes in one field */
#define DISPO_CSV_FIELDS_MAX 1000        /* fields in one row */

typedef struct dispo_csv_row {
	unsigned line; /* the physical line the row starts on, from 1 */
	unsigned n_fields;
	char **fields; /* n_fields strings, then NULL */
} dispo_csv_row;
void dispo_csv_row_free(dispo_csv_row *row);

/* Parses RFC 4180 CSV in UTF-8 (an initial byte order mark is skipped; CRLF
 * or LF; blank lines are skipped). Returns the rows (dispo_csv_row *), the
 * header first; every row has the header's field count. Errors name the
 * place: "origin:line:column: sentence", or "line L, column C: sentence"
 * when origin is NULL. */
GPtrArray *dispo_csv_parse(const char *data, size_t len, const char *origin, GError **error);

/* ---- modules (module.c) ---- */

/* The symbol of dispo's module dispo-NAME.so (NAME "letter", "smtp"),
 * opened once for the life of the process (beside the program, in
 * ../lib/dispo from it, then in $(pkglibdir)); NULL with a sentence in
 * *error_text (g_free it) when it cannot be found or loaded. */
void *dispo_module_symbol(const char *name, const char *symbol, char **error_text);
/* Every module says it once (DISPO_MODULE_VERSION;), and a module of
 * another version is refused. */
#define DISPO_MODULE_VERSION                                                                       \
	extern const char dispo_module_version[];                                                  \
	const char dispo_module_version[] = PACKAGE_VERSION

/* ---- logging (log.c) ---- */

/* Levels are syslog's (<syslog.h>: LOG_ERR, LOG_WARNING, LOG_NOTICE,
 * LOG_INFO, LOG_DEBUG). dispo_log_init names the program ("dispo serve"),
 * finds whether stderr is the journal ($JOURNAL_STREAM), turns debug lines
 * on when $DISPO_DEBUG is set (not "0"), and routes GLib's and GMime's
 * warnings through dispo_log. Call it once per command; again is harmless. */
void dispo_log_init(const char *ident);
void dispo_log(int level, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
void dispo_logv(int level, const char *fmt, va_list ap) G_GNUC_PRINTF(2, 0);
bool dispo_log_debugging(void);
/* One line as it is written: "<N>msg\n" for the journal, else
 * "ident: warning: msg\n"; newlines and control characters escaped,
 * invalid UTF-8 replaced. */
char *dispo_log_format(int level, const char *ident, const char *msg, bool journal);
/* Whether $JOURNAL_STREAM's "device:inode" names the file open on fd. */
bool dispo_log_journal_stream(const char *env, int fd);
/* For tests: where lines go, and in which form. */
void dispo_log_set_fd(int fd, bool journal);

#endif
