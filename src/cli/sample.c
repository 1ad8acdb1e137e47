/* SPDX-License-Identifier: GPL-3.0-or-later */
/* sample.c: realistic sample applications (invented people at an example
 * office) for the demo and the benchmarks, built as a mail client would. */
#include "config.h"

#include "cli/cli.h"
#include "mime/mime.h"

#include <string.h>

/* PDF text strings escape \, ( and ). */
static void
pdf_string(GString *out, const char *s)
{
	g_string_append_c(out, '(');
	for (; *s; s++) {
		if (*s == '\\' || *s == '(' || *s == ')')
			g_string_append_c(out, '\\');
		g_string_append_c(out, *s);
	}
	g_string_append_c(out, ')');
}

GBytes *
cli_sample_pdf(const char *const *lines)
{
	GString *pdf = g_string_new("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n");
	g_autoptr(GString) content = g_string_new("BT /F1 12 Tf 72 770 Td 16 TL\n");
	gsize offsets[6];
	gsize xref;

	for (size_t i = 0; lines[i]; i++) {
		pdf_string(content, lines[i]);
		g_string_append(content, " '\n");
	}
	g_string_append(content, "ET\n");

	offsets[1] = pdf->len;
	g_string_append(pdf, "1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n");
	offsets[2] = pdf->len;
	g_string_append(pdf, "2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n");
	offsets[3] = pdf->len;
	g_string_append(pdf,
	                "3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842]"
	                " /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>\nendobj\n");
	offsets[4] = pdf->len;
	g_string_append(pdf, "4 0 obj\n<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>\n"
	                     "endobj\n");
	offsets[5] = pdf->len;
	g_string_append_printf(pdf, "5 0 obj\n<< /Length %zu >>\nstream\n%sendstream\nendobj\n",
	                       content->len, content->str);
	xref = pdf->len;
	g_string_append(pdf, "xref\n0 6\n0000000000 65535 f \n");
	for (int i = 1; i <= 5; i++)
		g_string_append_printf(pdf, "%010zu 00000 n \n", offsets[i]);
	g_string_append_printf(pdf, "trailer\n<< /Size 6 /Root 1 0 R >>\nstartxref\n%zu\n%%%%EOF\n",
	                       xref);
	return g_string_free_to_bytes(pdf);
}

typedef struct {
	const char *name;
	const char *local;
	const char *position;
	const char *unit;
	const char *birth; /* yyyymmdd */
	int gender;        /* 1 man, 2 woman */
} person;

static const person people[] = {
    {"Budi Santoso", "budi.santoso", "Pranata Komputer Ahli Pertama", "Dinas Kesehatan", "19850312",
     1},
    {"Siti Rahayu", "siti.rahayu", "Kepala Seksi Pelayanan",
     "Dinas Kependudukan dan Pencatatan Sipil", "19880724", 2},
    {"Agus Prasetyo", "agus.prasetyo", "Pranata Komputer", "Dinas Komunikasi dan Informatika",
     "19790105", 1},
    {"Dewi Lestari", "dewi.lestari", "Sekretaris Camat", "Kecamatan Jati", "19830930", 2},
    {"Rudi Hartono", "rudi.hartono", "Kepala Sub Bagian Umum", "Dinas Pendidikan", "19761118", 1},
};

/* A JPEG as the intake's check walks it: SOI, a whole JFIF APP0 segment,
 * a scan header, entropy-coded bytes (no 0xFF in them, as a coder stuffs
 * them) and EOI. Random bytes after a bare APP0 start read as a picture cut
 * short: the benchmarks then measured refusals. */
static GBytes *
sample_scan(size_t size, unsigned seed)
{
	/* clang-format off */
	static const guchar head[] = {
	    0xFF, 0xD8,                                                 /* SOI */
	    0xFF, 0xE0, 0x00, 0x10, 'J', 'F', 'I', 'F', 0x00,           /* APP0 */
	    1, 1, 1, 0, 150, 0, 150, 0, 0,
	    0xFF, 0xDA, 0x00, 0x08, 0x01, 0x01, 0x00, 0x00, 0x3F, 0x00, /* SOS */
	};
	/* clang-format on */
	GRand *rnd = g_rand_new_with_seed(seed);
	guchar *data;

	size = MAX(size, sizeof head + 2);
	data = g_malloc(size);
	memcpy(data, head, sizeof head);
	for (size_t i = sizeof head; i < size - 2; i++)
		data[i] = (guchar)g_rand_int_range(rnd, 0, 0xFF);
	data[size - 2] = 0xFF;
	data[size - 1] = 0xD9;
	g_rand_free(rnd);
	return g_bytes_new_take(data, size);
}

/* The n-th sample applicant: a person of the table, numbered past the
 * first round. NIP: birth date, appointment month, gender, serial; NIK:
 * region, birth date (day + 40 for women), serial. The first sample is the
 * sample register's Budi Santoso (rules/register-contoh.csv), number for
 * number. */
typedef struct {
	const person *p;
	char *local, *nip, *nik;
} applicant;

static void
applicant_init(applicant *a, unsigned n)
{
	unsigned serial = n / G_N_ELEMENTS(people);
	int day;

	a->p = &people[n % G_N_ELEMENTS(people)];
	a->local = serial ? g_strdup_printf("%s%u", a->p->local, serial) : g_strdup(a->p->local);
	a->nip = g_strdup_printf("%s%.4d%02d%d%03u", a->p->birth, atoi(a->p->birth) / 10000 + 25, 1,
	                         a->p->gender, (serial * 7 + 4) % 1000);
	day = atoi(a->p->birth + 6) + (a->p->gender == 2 ? 40 : 0);
	a->nik = g_strdup_printf("331901%02d%.2s%.2s%04u", day, a->p->birth + 4, a->p->birth + 2,
	                         (serial + 1) % 10000);
}

static void
applicant_clear(applicant *a)
{
	g_free(a->local);
	g_free(a->nip);
	g_free(a->nik);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(applicant, applicant_clear)

char *
cli_sample_register_row(unsigned n)
{
	g_auto(applicant) a = {0};

	applicant_init(&a, n);
	return g_strdup_printf("%s,%s,\"%s\",%s@kuduskab.go.id,\"%s\",\"%s\",,aktif,,,,\n", a.nip,
	                       a.nik, a.p->name, a.local, a.p->unit, a.p->position);
}

GBytes *
cli_sample_application(unsigned n, dispo_time date, GTimeZone *tz, size_t scan_bytes)
{
	g_auto(applicant) a = {0};
	const person *p;
	const char *local, *nip, *nik;

	applicant_init(&a, n);
	p = a.p;
	local = a.local;
	nip = a.nip;
	nik = a.nik;
	g_autofree char *from = g_strdup_printf("%s <%s@kuduskab.go.id>", p->name, local);
	g_autofree char *body = g_strdup_printf(
	    "Yth. Kepala Dinas Komunikasi dan Informatika Kabupaten Kudus,\n\n"
	    "Dengan hormat, bersama ini saya mengajukan permohonan penerbitan sertifikat\n"
	    "elektronik untuk penandatanganan dokumen dinas. Berkas terlampir: surat\n"
	    "permohonan, scan KTP, dan surat rekomendasi dari atasan.\n\n"
	    "Nama: %s\nNIP: %s\nNIK: %s\nJabatan: %s\nUnit Kerja: %s\nEmail dinas: "
	    "%s@kuduskab.go.id\n\n"
	    "Terima kasih.\n\nHormat saya,\n%s\n",
	    p->name, nip, nik, p->position, p->unit, local, p->name);
	const char *letter[] = {"SURAT PERMOHONAN",
	                        "Penerbitan Sertifikat Elektronik",
	                        "",
	                        "Yang bertanda tangan di bawah ini:",
	                        p->name,
	                        nip,
	                        p->position,
	                        p->unit,
	                        NULL};
	const char *ktp[] = {"REPUBLIK INDONESIA",
	                     "PROVINSI JAWA TENGAH - KABUPATEN KUDUS",
	                     "NIK",
	                     nik,
	                     "Nama",
	                     p->name,
	                     NULL};
	const char *reco[] = {"SURAT REKOMENDASI",
	                      "Penerbitan Sertifikat Elektronik",
	                      "",
	                      "Dengan ini merekomendasikan:",
	                      p->name,
	                      nip,
	                      local,
	                      NULL};
	g_autoptr(GBytes) letter_pdf = cli_sample_pdf(letter);
	g_autoptr(GBytes) ktp_pdf = scan_bytes ? sample_scan(scan_bytes, n) : cli_sample_pdf(ktp);
	g_autoptr(GBytes) reco_pdf = cli_sample_pdf(reco);
	g_autoptr(dispo_compose) c = mime_compose_new(
	    from, "sertifikat@kuduskab.go.id", "Permohonan Penerbitan Sertifikat Elektronik", body);
	g_autofree char *mid =
	    g_strdup_printf("sample-%u-%" G_GINT64_FORMAT "@mail.kuduskab.go.id", n, (gint64)date);
	g_autofree char *first = g_strdup(p->name);
	g_autofree char *fn_letter = NULL, *fn_ktp = NULL, *fn_reco = NULL;
	gsize len;
	const void *data;

	*strchr(first, ' ') = 0;
	fn_letter = g_strdup_printf("Surat Permohonan %s.pdf", first);
	fn_ktp = g_strdup_printf("scan KTP %s.%s", first, scan_bytes ? "jpg" : "pdf");
	fn_reco = g_strdup_printf("Surat Rekomendasi %s.pdf", first);
	mime_compose_set_date(c, date, tz);
	mime_compose_set_message_id(c, mid);
	mime_compose_set_header(c, "User-Agent", "Mozilla Thunderbird");
	data = g_bytes_get_data(letter_pdf, &len);
	mime_compose_attach(c, fn_letter, "application/pdf", data, len);
	data = g_bytes_get_data(ktp_pdf, &len);
	mime_compose_attach(c, fn_ktp, scan_bytes ? "image/jpeg" : "application/pdf", data, len);
	data = g_bytes_get_data(reco_pdf, &len);
	mime_compose_attach(c, fn_reco, "application/pdf", data, len);
	return mime_compose_render(c);
}

GBytes *
cli_sample_revocation(unsigned n, dispo_time date, GTimeZone *tz)
{
	const person *p = &people[n % G_N_ELEMENTS(people)];
	g_autofree char *from = g_strdup_printf("%s <%s@kuduskab.go.id>", p->name, p->local);
	g_autofree char *nip = g_strdup_printf("%s%.4d%02d%d%03u", p->birth,
	                                       atoi(p->birth) / 10000 + 25, 1, p->gender, 4u);
	g_autofree char *body = g_strdup_printf(
	    "Yth. Kepala Dinas Komunikasi dan Informatika Kabupaten Kudus,\n\n"
	    "Dengan hormat, saya mengajukan pencabutan sertifikat elektronik saya karena\n"
	    "saya pindah tugas. Surat permohonan terlampir.\n\n"
	    "Nama: %s\nNIP: %s\nJabatan: %s\nUnit Kerja: %s\n"
	    "Alasan pencabutan: pindah tugas ke instansi lain\n\nHormat saya,\n%s\n",
	    p->name, nip, p->position, p->unit, p->name);
	const char *letter[] = {
	    "SURAT PERMOHONAN PENCABUTAN", "Sertifikat Elektronik", "", p->name, nip, NULL};
	g_autoptr(GBytes) pdf = cli_sample_pdf(letter);
	g_autoptr(dispo_compose) c = mime_compose_new(
	    from, "sertifikat@kuduskab.go.id", "Permohonan Pencabutan Sertifikat Elektronik", body);
	g_autofree char *mid =
	    g_strdup_printf("revoke-%u-%" G_GINT64_FORMAT "@mail.kuduskab.go.id", n, (gint64)date);
	gsize len;
	const void *data = g_bytes_get_data(pdf, &len);

	mime_compose_set_date(c, date, tz);
	mime_compose_set_message_id(c, mid);
	mime_compose_attach(c, "Surat Permohonan Pencabutan.pdf", "application/pdf", data, len);
	return mime_compose_render(c);
}
