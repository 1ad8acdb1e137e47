/* SPDX-License-Identifier: GPL-3.0-or-later */
/* letter.c: makes a request's recommendation letter: the body from the
 * template and the applicant's data, the kop surat and number from the
 * configuration, the signature block (jabatan, name, pangkat, NIP) of the
 * head who holds the workflow's first role, from the employee register; the
 * PDF is stored by hash and listed with the request. */
#include "config.h"

#include "ingest/ingest-private.h"
#include "letter/letter.h"
#include "template/template.h"

#include <gio/gio.h>
#include <string.h>

static char *
load_template(const char *dir, const char *name, GError **error)
{
	g_autofree char *loc = g_strdup_printf("%s/id/%s.mustache", dir, name);
	g_autoptr(GFile) f =
	    strstr(loc, "://") ? g_file_new_for_uri(loc) : g_file_new_for_path(loc);
	char *text = NULL;

	if (!g_file_load_contents(f, NULL, &text, NULL, NULL, error))
		return NULL;
	return text;
}

/* 800/%N/28.01/%Y with the year's sequence and the year. */
static char *
letter_number(const char *format, unsigned seq, int year)
{
	GString *s = g_string_new(NULL);

	for (const char *p = format; *p; p++) {
		if (p[0] == '%' && p[1] == 'N') {
			g_string_append_printf(s, "%03u", seq);
			p++;
		} else if (p[0] == '%' && p[1] == 'Y') {
			g_string_append_printf(s, "%d", year);
			p++;
		} else {
			g_string_append_c(s, *p);
		}
	}
	return g_string_free(s, false);
}

bool
intake_letter_make(dispo_ingest *ing, const dispo_progress *p, const dispo_request_row *row,
                   dispo_time at, GError **error)
{
	const dispo_config *c = ing->config;
	const dispo_rules_workflow *wf = rules_workflow_get(ing->opt.rules, p->workflow);
	const dispo_rules_step *first = wf && wf->steps->len ? wf->steps->pdata[0] : NULL;
	g_autoptr(JsonNode) applicant = intake_applicant_json(row);
	g_autoptr(JsonBuilder) b = json_builder_new();
	g_autoptr(JsonNode) data = NULL;
	g_autofree char *text = NULL;
	g_autofree char *body = NULL;
	g_autofree char *number = NULL;
	g_autofree char *name = NULL;
	g_autoptr(GPtrArray) all = NULL;
	g_autoptr(GPtrArray) signers = NULL;
	g_autoptr(GBytes) pdf = NULL;
	g_autoptr(dispo_spool) spool = NULL;
	const dispo_employee *signer = NULL;
	const dispo_rules_role *role = NULL;
	int year = dispo_time_year(at, c->tz);
	unsigned seq = 1;

	json_builder_begin_object(b);
	json_builder_set_member_name(b, "request");
	json_builder_add_string_value(b, p->number);
	json_builder_set_member_name(b, "applicant");
	json_builder_add_value(b, json_node_copy(applicant));
	json_builder_end_object(b);
	data = json_builder_get_root(b);
	if (!(text = load_template(c->templates_dir, "surat_rekomendasi", error)) ||
	    !(body = template_render(text, data, NULL, DISPO_TEMPLATE_ESCAPE_NONE, error)))
		return false;

	/* The number: this year's letters so far, plus one. */
	if (!(all = store_request_files(ing->store, 0, "letter", error)))
		return false;
	for (guint i = 0; i < all->len; i++)
		if (dispo_time_year(((dispo_file_row *)all->pdata[i])->created_at, c->tz) == year)
			seq++;
	number = letter_number(c->letter_number_format, seq, year);

	/* Signed by the head the request was first disposed to. */
	if (first && first->role) {
		role = rules_role_get(ing->opt.rules, first->role);
		if (!(signers = store_role_holders(ing->store, first->role, at, c->tz, error)))
			return false;
		if (signers->len)
			signer = signers->pdata[0];
	}
	{
		const char *const recipient[] = {
		    "Yth. Kepala Balai Besar Sertifikasi Elektronik (BSrE)", "di", "Jakarta", NULL};
		dispo_letter l = {
		    .head =
		        {
		            .government = c->letter_government,
		            .office = c->letter_office,
		            .address = c->letter_address,
		            .lines = (const char *const *)c->letter_lines,
		            .phone = c->letter_phone,
		            .email = c->letter_email,
		            .website = c->letter_website,
		            .logo_path = c->letter_logo,
		        },
		    .city = c->letter_city,
		    .date = at,
		    .tz = c->tz,
		    .number = number,
		    /* A recommendation is neither urgent nor confidential. */
		    .nature = "Biasa",
		    .attachment = NULL,
		    .subject = "Rekomendasi Penerbitan Sertifikat Elektronik",
		    .recipient = recipient,
		    .body = body,
		    .signer_position = signer ? signer->position
		                       : role ? role->title
		                              : "Kepala Dinas",
		    .signer_name = signer ? signer->name : "(belum ada pejabat)",
		    .signer_rank = signer ? signer->rank : NULL,
		    .signer_nip = signer ? signer->nip : NULL,
		};
		if (!(pdf = letter_render(&l, error)))
			return false;
	}
	spool = store_spool_new(ing->store, error);
	if (!spool ||
	    !store_spool_write(spool, g_bytes_get_data(pdf, NULL), g_bytes_get_size(pdf), error) ||
	    !store_spool_finish(spool, error) ||
	    !store_spool_commit(ing->store, spool, ing->opt.batch <= 1, error))
		return false;
	ing->answered = true; /* bytes to make durable before the commit */
	name = g_strdup_printf("Surat Rekomendasi %s.pdf", p->number);
	return store_request_file_add(ing->store, p->id, "letter", name, "application/pdf",
	                              store_spool_sha256(spool), store_spool_size(spool), number,
	                              at, error);
}
