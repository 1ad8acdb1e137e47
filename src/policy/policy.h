/* SPDX-License-Identifier: GPL-3.0-or-later */
/* policy.h: may this email open a request? The sender (one mailbox, a .go.id
 * domain, authentication results), the employee numbers (NIP, NIK), the
 * documents (typed by their bytes) and the form fields in the body. Every
 * check adds reasons to a list instead of stopping at the first, so that an
 * applicant hears of every problem in one answer. */
#ifndef DISPO_POLICY_H
#define DISPO_POLICY_H

#include "lib/lib.h"
#include "mime/mime.h"

/* ---- reasons ------------------------------------------------------------ */

/* One problem. code is stable (it is stored, shown by `requests list
 * --refused`, and picks the sentence in templates/<lang>/reasons.ini):
 * sender_several, sender_none, sender_mismatch, sender_display_spoof,
 * sender_syntax, sender_not_go_id, sender_domain_not_agency,
 * sender_idna, sender_mixed_script, auth_missing, auth_fail,
 * missing_<requirement>, file_empty, file_wrong_type, file_too_large,
 * pdf_damaged, pdf_encrypted, file_unmatched, field_missing_<field>,
 * nip_invalid, nik_invalid, nip_mismatch, … */
typedef struct dispo_reason {
	char *code;
	char *subject; /* what it is about (an address, a file name, a field), or NULL */
	char *detail;  /* one English sentence for operators and logs, or NULL */
} dispo_reason;

/* A GPtrArray of dispo_reason * that frees them. */
GPtrArray *policy_reasons_new(void);
void policy_reason_add(GPtrArray *reasons, const char *code, const char *subject,
                       const char *detail_fmt, ...) G_GNUC_PRINTF(4, 5);
bool policy_reasons_has(const GPtrArray *reasons, const char *code);
/* "code1,code2" (tests, logs). */
char *policy_reasons_codes(const GPtrArray *reasons);

/* ---- sender (sender.c, authres.c, received.c) ------------------------------ */

/* Checks one address as an applicant's: syntax (no quoted local part holding
 * '@', no spaces or controls), domain lower-cased and converted by libidn2
 * (IDNA2008 with TR46 mapping) to ASCII, no punycode or mixed-script label,
 * ending in .go.id at a label boundary, and one of agency_domains when that
 * is a non-empty list. On success *ascii (when not NULL) is the address with
 * its domain in lower-case ASCII. Adds reasons and returns false otherwise. */
bool policy_address_check(const char *address, char *const *agency_domains, char **ascii,
                          GPtrArray *reasons);

/* The sender of an application: From holds exactly one mailbox, a Sender
 * (if any) is in the same domain, no display name holds another address,
 * and policy_address_check passes. *address is the checked address when
 * From holds exactly one (even if it then fails), else NULL. */
bool policy_sender_check(const dispo_mail *mail, const dispo_config *config, char **address,
                         GPtrArray *reasons);

/* One Authentication-Results header field (RFC 8601), parsed. */
typedef struct dispo_authres_result {
	char *method;          /* dkim, spf, dmarc… lower case */
	char *result;          /* pass, fail, none… lower case */
	GPtrArray *properties; /* char * "header.d=example.go.id", ptype.property lower case */
} dispo_authres_result;

typedef struct dispo_authres {
	char *authserv_id;  /* lower case */
	GPtrArray *results; /* dispo_authres_result * */
} dispo_authres;

/* NULL when value is not a readable Authentication-Results field. */
dispo_authres *policy_authres_parse(const char *value);
void policy_authres_free(dispo_authres *ar);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(dispo_authres, policy_authres_free)
/* The value of property "ptype.property" of a result, or NULL. */
const char *policy_authres_property(const dispo_authres_result *r, const char *name);

/* One Received: field (RFC 5321 section 4.4), read as far as the checks
 * need. Host names are lower case without a trailing dot. */
typedef struct dispo_received {
	char *from;         /* the from clause's host (the client's HELO), or NULL */
	char *from_address; /* the client's IP the MTA saw, from its comment, or NULL */
	char *by;          /* the host that wrote the field, or NULL */
	char *with;        /* the protocol: ESMTPSA, LMTP… as written, or NULL */
	char *auth_sender; /* Postfix's "(Authenticated sender: user)" right before
	                    * "by", when the protocol says AUTH was used (RFC
	                    * 3848); NULL otherwise */
} dispo_received;

/* NULL when value does not read as a trace field: an unclosed comment or
 * quote, a stray bracket, too long, a from or by host that is no host name
 * (or, for from, address literal), a from clause not followed by the MTA's
 * comment or by. */
dispo_received *policy_received_parse(const char *value);
void policy_received_free(dispo_received *r);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(dispo_received, policy_received_free)

/* When config->require_authentication: the trusted host vouched for
 * address. Only what that host wrote counts (RFC 8601 section 5): the
 * Authentication-Results fields with its authserv-id above the topmost
 * Received: field it wrote ("by <trusted_authserv_id>"), and that Received:
 * field itself; everything below it came from the sender. Vouching is
 * dmarc=pass, dkim=pass with header.d aligned with the address's domain
 * (the same agency under go.id, else equal or parent and child),
 * auth=pass with smtp.auth equal to the address (RFC 8601 2.7.6), or
 * Postfix's "(Authenticated sender: <address>)" on an ESMTPA/ESMTPSA hop.
 * Adds auth_missing (nothing from the trusted host) or auth_fail. */
bool policy_auth_check(const dispo_mail *mail, const char *address, const dispo_config *config,
                       GPtrArray *reasons);

/* ---- employee numbers (ids.c) --------------------------------------------- */

/* NIP: 18 digits once spaces are removed: birth date yyyymmdd (a real
 * date), appointment yyyymm (a real month after the 18th birthday and not
 * after `today` when today is not 0), gender digit 1 or 2, three serial
 * digits. On success *normalized (when not NULL) is the 18 digits. On
 * failure *why (when not NULL) is one English sentence. */
bool policy_nip_check(const char *input, dispo_time today, char **normalized, char **why);
/* NIK: 16 digits once spaces are removed: region code (6), birth date
 * ddmmyy with day + 40 for women (a real day of that month in some
 * century), serial (4, not 0000). */
bool policy_nik_check(const char *input, char **normalized, char **why);

/* ---- documents (documents.c) --------------------------------------------- */

/* What the intake of a workflow requires (from its rules). */
typedef struct dispo_requirement {
	const char *name;            /* permohonan, ktp, rekomendasi: missing_<name> */
	const char *title;           /* "Surat permohonan", for people */
	const char *const *types;    /* NULL-terminated: "pdf", "jpeg", "png" */
	uint64_t max_size;           /* bytes, 0 = no limit */
	const char *const *keywords; /* NULL-terminated; matched in file names */
} dispo_requirement;

/* What the bytes of a file are: "pdf", "jpeg", "png", or NULL for anything
 * else, with *description (when not NULL) saying what it is for people
 * ("a Windows program", "an empty file", libmagic's description). */
const char *policy_file_type(const char *path, char **description);

/* A name safe to use as the last component of a path: no '/', '\\', NUL or
 * control characters, not "." or "..", no leading dot, at most 100 bytes of
 * valid UTF-8 (cut at a character boundary, extension kept); "lampiran"
 * when nothing is left. */
char *policy_filename_sanitize(const char *name);

/* Which attachment meets which requirement. */
typedef struct dispo_document {
	const dispo_requirement *requirement; /* NULL: matched nothing */
	const dispo_attachment *attachment;
	const char *type; /* detected: pdf, jpeg, png, or NULL */
	bool ok;          /* the bytes meet the requirement */
} dispo_document;

/* Matches mail's attachments to requirements by file-name keywords (case-
 * and accent-insensitive), types them by their bytes and checks them
 * (empty, wrong type, too large, damaged or encrypted PDF). A requirement no
 * file names is missing_<name>, unless files with uninformative names are
 * left over: then file_unmatched asks which is which, never guessing.
 * Returns the documents (dispo_document *, free with g_ptr_array_unref). */
GPtrArray *policy_documents_check(const dispo_mail *mail, const dispo_requirement *reqs,
                                  size_t n_reqs, GPtrArray *reasons);
/* The same for the files at depth: 0 the message's own (as above), 1 those
 * of the messages forwarded as attachments in it (a forwarded
 * application's). Files at any other depth are someone else's. */
GPtrArray *policy_documents_check_depth(const dispo_mail *mail, unsigned depth,
                                        const dispo_requirement *reqs, size_t n_reqs,
                                        GPtrArray *reasons);

/* ---- form fields (form.c) ------------------------------------------------ */

/* Reads "Label: value" lines from a text body, tolerating "NIP.", "N I P",
 * "N.I.P", extra spaces, tabs, bullets and numbers, "*NIP*:" and bold
 * markers left by HTML conversion, and aliases ("Surel dinas", "Nama
 * lengkap"). Keys are the canonical labels given (compared by letters and
 * digits only); values are trimmed, at most 256 bytes; the first non-empty
 * one wins. Reading stops where quoted or forwarded text begins: a "> "
 * line, a "-- " signature, "-----Original Message-----", a line of
 * underscores, "… wrote:" / "… menulis:", or a From:/Dari: header block.
 * Returns key -> value (both char *). */
GHashTable *policy_form_parse(const char *body, const char *const *labels);

/* ---- forwarded inline (forward.c) ------------------------------------------ */

/* A message forwarded inline, as the forwarding client wrote it into the
 * text: nothing here is more than text the forwarder sent. */
typedef struct dispo_inline_forward {
	char *from;    /* the From/Dari line's value, NULL when the block has none */
	char *address; /* the one address in it ("Name <a@b>", Outlook's
	                * "Name [mailto:a@b]", a bare a@b), as written; NULL when
	                * there is none or there are several */
	char *subject; /* Subject/Subjek/Perihal, NULL when absent */
	char *date;    /* Date/Sent/Tanggal/Dikirim as written, NULL when absent */
	char *text;    /* everything below the header block: the original's text */
} dispo_inline_forward;

void policy_inline_forward_free(dispo_inline_forward *f);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(dispo_inline_forward, policy_inline_forward_free)

/* The first inline forward in a text body (\n line ends, CR LF accepted),
 * outside "> " quotes: a marker line ("---------- Forwarded message
 * ---------", "---------- Pesan terusan ---------", "-----Original
 * Message-----", "-----Pesan Asli-----", "-------- Forwarded Message
 * --------", "Begin forwarded message:", "Awal pesan yang diteruskan:")
 * and the header block below it (From/Dari, Date/Sent/Tanggal/Dikirim,
 * To/Kepada, Subject/Subjek/Perihal; "*From:*" from converted HTML), which
 * may lack a From. Without a marker, a header block with a From and two
 * more labels (Outlook's, under its "_____" rule or not) counts only when
 * forwarded is true: Outlook writes the same block above a reply's quoted
 * original, and only the subject's "FW:" tells them apart. NULL when there
 * is none. */
dispo_inline_forward *policy_inline_forward_find(const char *body, bool forwarded);

#endif
