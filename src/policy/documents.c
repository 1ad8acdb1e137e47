/* SPDX-License-Identifier: GPL-3.0-or-later */
/* documents.c: which attachment is which required document, and whether an
 * official can open it (not empty, not too large, and whole by filetype.c's
 * reading of its bytes). */
#include "config.h"

#include "policy/policy-private.h"

#include <string.h>

/* Signature pictures are a few KB; a readable scan of a KTP is larger. */
#define SIGNATURE_IMAGE_MAX (20 * 1024)

/* ---- names --------------------------------------------------------------- */

static bool
name_char_dropped(gunichar c)
{
	switch (g_unichar_type(c)) {
	case G_UNICODE_CONTROL:
	case G_UNICODE_FORMAT: /* bidi overrides and isolates, zero-width, BOM */
	case G_UNICODE_SURROGATE:
	case G_UNICODE_LINE_SEPARATOR:
	case G_UNICODE_PARAGRAPH_SEPARATOR: return true;
	default: return false;
	}
}

char *
policy_filename_sanitize(const char *name)
{
	g_autoptr(GString) out = g_string_new(NULL);
	const char *p, *end, *base = name ? name : "";
	const char *dot;
	size_t ext_len = 0;

	/* Old browsers and some clients send the whole path (C:\Users\…\ktp.jpg):
	 * keep its last component, as they meant. */
	for (p = base; *p; p++)
		if (*p == '/' || *p == '\\')
			base = p + 1;
	end = base + strlen(base);
	for (p = base; p < end;) {
		gunichar c = g_utf8_get_char_validated(p, end - p);
		if (c == (gunichar)-1 || c == (gunichar)-2) {
			g_string_append_c(out, '_'); /* not UTF-8: one byte at a time */
			p++;
			continue;
		}
		p = g_utf8_next_char(p);
		if (name_char_dropped(c))
			continue;
		/* Characters Windows refuses in names: officials save these files. */
		if (c < 0x80 && strchr(":*?\"<>|", (int)c))
			c = '_';
		if (g_unichar_isspace(c))
			c = ' ';
		g_string_append_unichar(out, c);
	}
	/* No leading dots (hidden files, "." and ".."), no trailing dots or
	 * spaces (Windows drops them), no surrounding spaces. */
	while (out->len && (out->str[0] == '.' || out->str[0] == ' '))
		g_string_erase(out, 0, 1);
	while (out->len && (out->str[out->len - 1] == '.' || out->str[out->len - 1] == ' '))
		g_string_truncate(out, out->len - 1);
	if (!out->len)
		return g_strdup("lampiran");
	if (out->len <= 100)
		return g_string_free(g_steal_pointer(&out), false);

	/* Too long: cut the stem at a character boundary, keep a short
	 * extension (.pdf, .jpeg) so the file still opens. */
	dot = strrchr(out->str, '.');
	if (dot && dot != out->str && strlen(dot) <= 16)
		ext_len = strlen(dot);
	{
		g_autofree char *ext = g_strdup(out->str + out->len - ext_len);
		const char *cut = out->str + (100 - ext_len);
		/* Step back to the start of the character cut would split. */
		while (cut > out->str && ((unsigned char)*cut & 0xC0) == 0x80)
			cut--;
		g_string_truncate(out, (gsize)(cut - out->str));
		while (out->len && out->str[out->len - 1] == ' ')
			g_string_truncate(out, out->len - 1);
		g_string_append(out, ext);
	}
	return g_string_free(g_steal_pointer(&out), false);
}

/* Lower-case ASCII letters and digits only: "Rékomendasi_Atasan.PDF" ->
 * "rekomendasiatasanpdf", so that "surat rekomendasi" matches
 * "Surat_Rekomendasi" and accents do not hide a keyword. */
static char *
name_fold(const char *s)
{
	g_autofree char *ascii = g_str_to_ascii(s, "C");
	GString *out = g_string_new(NULL);

	for (const char *p = ascii; *p; p++)
		if (g_ascii_isalnum(*p))
			g_string_append_c(out, g_ascii_tolower(*p));
	return g_string_free(out, false);
}

static bool
name_matches(const char *folded, const dispo_requirement *req)
{
	if (!req->keywords) {
		g_autofree char *k = name_fold(req->name);
		return *k && strstr(folded, k);
	}
	for (const char *const *k = req->keywords; *k; k++) {
		g_autofree char *fk = name_fold(*k);
		if (*fk && strstr(folded, fk))
			return true;
	}
	return false;
}

static bool
type_allowed(const dispo_requirement *req, const char *type)
{
	if (!req->types)
		return true;
	for (const char *const *t = req->types; *t; t++)
		if (type && g_ascii_strcasecmp(*t, type) == 0)
			return true;
	return false;
}

static char *
types_words(const dispo_requirement *req)
{
	g_autoptr(GString) s = g_string_new(NULL);

	for (const char *const *t = req->types; t && *t; t++) {
		if (s->len)
			g_string_append(s, t[1] ? ", " : " or ");
		g_autofree char *up = g_ascii_strup(*t, -1);
		g_string_append(s, up);
	}
	return g_strdup(s->len ? s->str : "of any type");
}

/* ---- matching ------------------------------------------------------------- */

typedef struct {
	dispo_document *doc;
	char *name;   /* sanitized: what people see */
	GArray *fits; /* indexes of the requirements its name fits */
	policy_file_facts facts;
	bool inspected;
	bool readable;
} candidate;

static void
candidate_free(candidate *c)
{
	g_free(c->name);
	g_array_unref(c->fits);
	policy_facts_clear(&c->facts);
	g_free(c);
}

/* Not an applicant's document: attachments at another depth belong to
 * someone else's email (a forwarded message's, or the forwarder's when the
 * forwarded message is the application); Outlook and Thunderbird put logos
 * and signature pictures in every mail as small images marked inline
 * (image001.png), and a nameless text or message part is a body or a
 * report, not a scan. A
 * small inline image still counts when its name names a document; a
 * nameless image without a disposition counts too (web forms send scans
 * that way). */
static bool
attachment_ignored(const dispo_attachment *a, unsigned depth, bool named)
{
	const char *ct = a->content_type ? a->content_type : "";

	if (a->depth != depth)
		return true;
	if (!a->filename && (g_str_has_prefix(ct, "text/") || g_str_has_prefix(ct, "message/")))
		return true;
	return !named && g_strcmp0(a->disposition, "inline") == 0 &&
	       g_str_has_prefix(ct, "image/") && a->size < SIGNATURE_IMAGE_MAX;
}

static void
candidate_inspect(candidate *c)
{
	if (c->inspected)
		return;
	c->inspected = true;
	c->readable = policy_file_inspect(c->doc->attachment->path, true, &c->facts);
	if (!c->doc->attachment->path) /* not saved by the parser */
		c->facts.size = c->doc->attachment->size;
	c->doc->type = c->facts.type;
}

/* A PDF with bytes before its header is typed as nothing, but is refused
 * as a damaged PDF where a PDF may go. */
static const char *
candidate_type(const candidate *c)
{
	return c->facts.type ? c->facts.type : c->facts.problem ? "pdf" : NULL;
}

/* Everything wrong with a file whatever document it is meant to be. */
static bool
report_file_problems(candidate *c, GPtrArray *reasons)
{
	const dispo_attachment *a = c->doc->attachment;

	if (!c->readable && c->facts.size > 0) {
		policy_reason_add(reasons, "file_damaged", c->name,
		                  a->path ? "%s cannot be read back from the disk"
		                          : "%s was not saved, so its bytes cannot be checked",
		                  c->name);
		return false;
	}
	if (c->facts.size == 0) {
		policy_reason_add(reasons, "file_empty", c->name, "%s is empty (0 bytes)", c->name);
		return false;
	}
	if (c->facts.problem) {
		policy_reason_add(reasons, c->facts.problem, c->name, "%s: %s", c->name,
		                  c->facts.why);
		return false;
	}
	return true;
}

/* The checks of one file against the requirement its name gives it. */
static void
check_against(candidate *c, const dispo_requirement *req, GPtrArray *reasons)
{
	bool ok = true;

	candidate_inspect(c);
	c->doc->requirement = req;
	if (req->max_size && c->facts.size > req->max_size) {
		g_autofree char *has = dispo_size_format(c->facts.size);
		g_autofree char *max = dispo_size_format(req->max_size);
		policy_reason_add(reasons, "file_too_large", c->name,
		                  "%s is %s; %s may be at most %s", c->name, has, req->title, max);
		ok = false;
	}
	if (c->facts.size > 0 && c->readable && !type_allowed(req, candidate_type(c))) {
		g_autofree char *want = types_words(req);
		policy_reason_add(reasons, "file_wrong_type", c->name, "%s is %s; %s must be %s",
		                  c->name, c->facts.description, req->title, want);
		ok = false;
	} else if (!report_file_problems(c, reasons)) {
		ok = false;
	}
	c->doc->ok = ok;
}

static void
fit_requirements(candidate *c, const dispo_requirement *reqs, size_t n_reqs)
{
	g_autofree char *folded = name_fold(c->name);

	for (size_t r = 0; r < n_reqs; r++)
		if (name_matches(folded, &reqs[r]))
			g_array_append_val(c->fits, r);
}

/* The name of a file in a forwarded message that names req, for the
 * operator's detail of missing_<name>. */
static char *
forwarded_match(const dispo_mail *mail, const dispo_requirement *req)
{
	for (guint i = 0; mail && mail->attachments && i < mail->attachments->len; i++) {
		const dispo_attachment *a = mail->attachments->pdata[i];
		g_autofree char *name = NULL;
		g_autofree char *folded = NULL;
		if (a->depth == 0)
			continue;
		name = policy_filename_sanitize(a->filename);
		folded = name_fold(name);
		if (name_matches(folded, req))
			return g_steal_pointer(&name);
	}
	return NULL;
}

/* How the documents are matched, so that the applicant gets one answer that
 * lists everything and nothing is guessed:
 *  1. A file whose name fits exactly one requirement's keywords is that
 *     document. Several files may be one document (front and back of a
 *     KTP); each is checked and each problem reported.
 *  2. A file whose name fits several requirements is given the only one
 *     of them still without a file, repeatedly; if several remain open it
 *     is ambiguous and left over.
 *  3. When every requirement has a file, left-over files are extras and
 *     are ignored (no reason, requirement NULL).
 *  4. Otherwise each left-over file is asked about: file_unmatched (subject
 *     its name) when its bytes could be one of the open requirements (the
 *     ones its name fits if ambiguous, else all), file_wrong_type when they
 *     cannot be any of them, file_empty when empty; damage is reported
 *     too, whatever it turns out to be.
 *  5. An open requirement is missing_<name> unless a left-over file of
 *     step 4 could be it (then the file_unmatched question covers it). */
GPtrArray *
policy_documents_check(const dispo_mail *mail, const dispo_requirement *reqs, size_t n_reqs,
                       GPtrArray *reasons)
{
	return policy_documents_check_depth(mail, 0, reqs, n_reqs, reasons);
}

GPtrArray *
policy_documents_check_depth(const dispo_mail *mail, unsigned depth, const dispo_requirement *reqs,
                             size_t n_reqs, GPtrArray *reasons)
{
	GPtrArray *docs = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GPtrArray) cands = g_ptr_array_new_with_free_func((GDestroyNotify)candidate_free);
	g_autofree unsigned *files = g_new0(unsigned, n_reqs + 1);
	g_autofree bool *maybe = g_new0(bool, n_reqs + 1);
	g_autoptr(GPtrArray) leftover = g_ptr_array_new();
	bool changed = true, all_met = true;

	for (guint i = 0; mail && mail->attachments && i < mail->attachments->len; i++) {
		const dispo_attachment *a = mail->attachments->pdata[i];
		candidate *c = g_new0(candidate, 1);
		c->name = policy_filename_sanitize(a->filename);
		c->fits = g_array_new(false, false, sizeof(size_t));
		fit_requirements(c, reqs, n_reqs);
		if (attachment_ignored(a, depth, c->fits->len > 0)) {
			candidate_free(c);
			continue;
		}
		c->doc = g_new0(dispo_document, 1);
		c->doc->attachment = a;
		g_ptr_array_add(docs, c->doc);
		g_ptr_array_add(cands, c);
	}

	for (guint i = 0; i < cands->len; i++) {
		candidate *c = cands->pdata[i];
		if (c->fits->len == 1) {
			size_t r = g_array_index(c->fits, size_t, 0);
			check_against(c, &reqs[r], reasons);
			files[r]++;
		}
	}
	while (changed) {
		changed = false;
		for (guint i = 0; i < cands->len; i++) {
			candidate *c = cands->pdata[i];
			size_t open = 0, which = 0;
			if (c->fits->len < 2 || c->doc->requirement)
				continue;
			for (guint k = 0; k < c->fits->len; k++)
				if (!files[g_array_index(c->fits, size_t, k)]) {
					open++;
					which = g_array_index(c->fits, size_t, k);
				}
			if (open == 1) {
				check_against(c, &reqs[which], reasons);
				files[which]++;
				changed = true;
			}
		}
	}
	for (size_t r = 0; r < n_reqs; r++)
		all_met = all_met && files[r] > 0;
	for (guint i = 0; i < cands->len; i++) {
		candidate *c = cands->pdata[i];
		if (!c->doc->requirement)
			g_ptr_array_add(leftover, c);
	}

	for (guint i = 0; !all_met && i < leftover->len; i++) {
		candidate *c = leftover->pdata[i];
		g_autoptr(GString) could = g_string_new(NULL);
		g_autoptr(GString) open = g_string_new(NULL);
		bool ambiguous = false;

		/* Ambiguous names narrow the question to what they fit; a name
		 * that fits only documents already sent is an extra copy. */
		for (guint k = 0; k < c->fits->len; k++)
			ambiguous = ambiguous || !files[g_array_index(c->fits, size_t, k)];
		if (c->fits->len && !ambiguous)
			continue;
		candidate_inspect(c);
		for (size_t r = 0; r < n_reqs; r++) {
			bool fits = !ambiguous;
			for (guint k = 0; ambiguous && k < c->fits->len; k++)
				fits = fits || g_array_index(c->fits, size_t, k) == r;
			if (files[r] || !fits)
				continue;
			g_string_append_printf(open, "%s%s", open->len ? ", " : "", reqs[r].title);
			if (c->facts.size > 0 && type_allowed(&reqs[r], candidate_type(c))) {
				maybe[r] = true;
				g_string_append_printf(could, "%s%s", could->len ? ", " : "",
				                       reqs[r].title);
			}
		}
		if (c->facts.size == 0 || !c->readable) {
			report_file_problems(c, reasons);
		} else if (!could->len) {
			policy_reason_add(reasons, "file_wrong_type", c->name,
			                  "%s is %s, which none of the documents still needed (%s) "
			                  "can be",
			                  c->name, c->facts.description, open->str);
		} else {
			policy_reason_add(reasons, "file_unmatched", c->name,
			                  ambiguous
			                      ? "the name of %s fits several documents: %s"
			                      : "the name of %s does not say which document it "
			                        "is: %s?",
			                  c->name, could->str);
			report_file_problems(c, reasons);
		}
	}

	for (size_t r = 0; r < n_reqs; r++)
		if (!files[r] && !maybe[r]) {
			g_autofree char *code = g_strconcat("missing_", reqs[r].name, NULL);
			/* A forwarder's own application may lack a file only because
			 * it is inside the message it forwards. */
			g_autofree char *fwd = depth == 0 ? forwarded_match(mail, &reqs[r]) : NULL;
			policy_reason_add(reasons, code, reqs[r].title,
			                  fwd ? "no attached file is named as %s (%s, inside a "
			                        "forwarded message, does not count: attach it "
			                        "directly)"
			                      : "no attached file is named as %s%s",
			                  reqs[r].title, fwd ? fwd : "");
		}
	return docs;
}
