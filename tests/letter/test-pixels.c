/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-pixels.c: how the letter looks: each variant is rendered, rasterized
 * by pdftoppm and compared pixel by pixel with its reference PNG under
 * tests/letter/data/pixels/, so that a layout regression fails a test.
 *
 * The references are pictures of letters someone looked at. When a change
 * is meant to alter the layout, rewrite them and look again:
 *   DISPO_UPDATE_REFERENCES=1 make check TESTS=tests/letter/test-pixels
 *   git diff --stat tests/letter/data/pixels   (then view the PNGs)
 * A failing comparison leaves the page and a difference picture (red where
 * pixels differ) under tests/tmp/pixels/ in the build tree. */
#include "config.h"

#include "letter/letter.h"

#include "testutil.h"

#include <cairo.h>

/* Low enough for small references (50 to 70 KB a page), high enough that
 * a line moved or left out changes a measurable share of the pixels. */
#define REF_DPI "50"
/* A grey level differing by more than this makes a pixel differ. */
#define PIXEL_DELTA 64
/* The share of a page's pixels that may differ. Measured with Debian 12's
 * poppler-utils (CI's): the same letter rendered twice differs by 0, with
 * or without vector antialiasing; a signer without pangkat (one short line
 * gone, the NIP a line higher) by 0.25%, no logo (the kop moved) by 10%.
 * Another rasterizer differs by more than that (pdftocairo: 3.7%), so a
 * new poppler or FreeType may need the references rewritten: look at the
 * difference pictures first. */
#define MAX_DIFFERING 0.001

static const char *const recipient[] = {
    "Yth. Kepala Balai Besar Sertifikasi Elektronik (BSrE)",
    "di",
    "Jakarta",
    NULL,
};

/* The demo's letter: templates/id/surat_rekomendasi.mustache for Budi. */
#define BODY_DEMO                                                                                  \
	"Yang bertanda tangan di bawah ini, Kepala Dinas Komunikasi dan Informatika Kabupaten "    \
	"Kudus, dengan ini memberikan rekomendasi kepada:\n"                                       \
	"\n"                                                                                       \
	"Nama : Budi Santoso, S.Kom.\n"                                                            \
	"NIP : 198503122010011004\n"                                                               \
	"NIK : 3319011203850001\n"                                                                 \
	"Jabatan : Pranata Komputer Ahli Pertama\n"                                                \
	"Unit Kerja : Dinas Kesehatan\n"                                                           \
	"Email Dinas : budi.santoso@kuduskab.go.id\n"                                              \
	"\n"                                                                                       \
	"untuk diterbitkan sertifikat elektronik guna penandatanganan dokumen dinas secara "      \
	"elektronik. Data di atas telah kami verifikasi sesuai dengan Kartu Tanda Penduduk dan "  \
	"data kepegawaian yang bersangkutan (permohonan SE-2026-000001).\n"                        \
	"\n"                                                                                       \
	"Demikian surat rekomendasi ini dibuat untuk dipergunakan sebagaimana mestinya."

typedef enum {
	V_LOGO = 1 << 0,
	V_NO_RANK = 1 << 1,
	V_LONG = 1 << 2,   /* a long jabatan, a long signer's name, a long applicant */
	V_LEGACY = 1 << 3, /* the kop as an old `letterhead` key's lines */
	V_PAGES = 1 << 4,  /* a body long enough for two pages */
} variant;

static const struct {
	const char *name;
	unsigned flags;
	int pages;
} variants[] = {
    {"logo-rank", V_LOGO, 1},
    {"no-logo", 0, 1},
    {"no-rank", V_LOGO | V_NO_RANK, 1},
    {"long-names", V_LOGO | V_LONG, 1},
    {"legacy-kop", V_LEGACY, 1},
    {"two-pages", V_LOGO | V_PAGES, 2},
};

/* Renders a variant. *body and *logo keep what l points to. */
static dispo_letter
letter_of(unsigned flags, GTimeZone *tz, char **body, char **logo)
{
	static const char *const legacy_lines[] = {
	    "Telepon (0291) 435316, Pos-el diskominfo@kuduskab.go.id, Laman kuduskab.go.id", NULL};
	dispo_time date = 0;
	GString *b = g_string_new(BODY_DEMO);
	dispo_letter l = {
	    .head = {.government = "PEMERINTAH KABUPATEN KUDUS",
	             .office = "DINAS KOMUNIKASI DAN INFORMATIKA",
	             .address = "Jl. Simpang Tujuh No. 1, Kudus 59313",
	             .phone = "(0291) 435316",
	             .email = "diskominfo@kuduskab.go.id",
	             .website = "diskominfo.kuduskab.go.id"},
	    .city = "Kudus",
	    .tz = tz,
	    .number = "800/001/28.01/2026",
	    .nature = "Biasa",
	    .subject = "Rekomendasi Penerbitan Sertifikat Elektronik",
	    .recipient = recipient,
	    .signer_position = "Kepala Dinas Komunikasi dan Informatika",
	    .signer_name = "Drs. Hendro Wibisono, M.Si.",
	    .signer_rank = "Pembina Utama Muda (IV/c)",
	    .signer_nip = "196903141994031006",
	};

	/* Monday 7 December 2026, 10:00 in Kudus: fixed, never the clock. */
	assert_true(dispo_time_parse_iso8601("2026-12-07T03:00:00Z", &date, NULL));
	l.date = date;
	*logo = (flags & V_LOGO) ? test_srcdir("templates/logo-contoh.png") : NULL;
	l.head.logo_path = *logo;
	if (flags & V_NO_RANK)
		l.signer_rank = NULL;
	if (flags & V_LONG) {
		l.signer_position = "Kepala Dinas Pemberdayaan Masyarakat dan Desa, Pengendalian "
		                    "Penduduk dan Keluarga Berencana Kabupaten Kudus";
		l.signer_name = "Prof. Dr. Ir. Raden Mas Hendro Wibisono Adikusumo, S.T., M.Si.";
		g_string_replace(b, "Budi Santoso, S.Kom.",
		                 "Raden Roro Ayu Kusumawardhani Setyaningrum Puspitasari, "
		                 "S.Kom., M.T.I.",
		                 1);
	}
	if (flags & V_LEGACY) {
		l.head.phone = l.head.email = l.head.website = NULL;
		l.head.address = "Jl. Simpang Tujuh No. 1, Kudus 59313";
		l.head.lines = legacy_lines;
	}
	if (flags & V_PAGES)
		for (unsigned i = 0; i < 12; i++)
			g_string_replace(b, "\n\nDemikian",
			                 "\n\nParagraf tambahan, yang menjelaskan ketentuan penggunaan "
			                 "sertifikat elektronik bagi aparatur sipil negara di "
			                 "lingkungan Pemerintah Kabupaten Kudus.\n\nDemikian",
			                 1);
	*body = g_string_free(b, FALSE);
	l.body = *body;
	return l;
}

static bool
have_pdftoppm(void)
{
	g_autofree char *p = g_find_program_in_path("pdftoppm");

	if (!p)
		print_message("skip: pdftoppm not found (Debian: apt install poppler-utils); the "
		              "letter's looks are not compared\n");
	return p != NULL;
}

/* Page `page` of pdf as dir/name-page.png, grey, at REF_DPI. */
static char *
rasterize(const char *pdf, int page, const char *dir, const char *name)
{
	g_autofree char *p = g_strdup_printf("%d", page);
	g_autofree char *prefix = g_strdup_printf("%s/%s-%d", dir, name, page);
	const char *argv[] = {"pdftoppm", "-r", REF_DPI, "-gray", "-png", "-f", p, "-l", p,
	                      "-singlefile", pdf, prefix, NULL};
	g_autofree char *err = NULL;
	int status = 0;
	GError *e = NULL;

	if (!g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL,
	                  NULL, NULL, NULL, &err, &status, &e))
		fail_msg("pdftoppm: %s", e->message);
	if (!g_spawn_check_wait_status(status, NULL))
		fail_msg("pdftoppm %s page %d failed: %s", pdf, page, err);
	return g_strconcat(prefix, ".png", NULL);
}

static cairo_surface_t *
png_load(const char *path)
{
	cairo_surface_t *s = cairo_image_surface_create_from_png(path);

	if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
		cairo_surface_destroy(s);
		return NULL;
	}
	cairo_surface_flush(s);
	return s;
}

static unsigned
channel_delta(guint32 a, guint32 b, unsigned shift)
{
	int x = (int)((a >> shift) & 0xff), y = (int)((b >> shift) & 0xff);
	return (unsigned)abs(x - y);
}

/* The share of pixels that differ between two PNGs of the same size (-1
 * when the sizes differ). With diff_path, writes a picture of the got page
 * faded, its differing pixels red. */
static double
png_differing(const char *got_path, const char *want_path, const char *diff_path)
{
	cairo_surface_t *got = png_load(got_path), *want = png_load(want_path), *diff = NULL;
	int w, h, gs, ws, ds = 0;
	guint64 differ = 0;
	unsigned char *gd, *wd, *dd = NULL;

	if (!got)
		fail_msg("cannot read %s as PNG", got_path);
	if (!want)
		fail_msg("cannot read the reference %s as PNG", want_path);
	w = cairo_image_surface_get_width(got);
	h = cairo_image_surface_get_height(got);
	if (w != cairo_image_surface_get_width(want) || h != cairo_image_surface_get_height(want)) {
		print_message("%s is %dx%d, the reference %s %dx%d\n", got_path, w, h, want_path,
		              cairo_image_surface_get_width(want),
		              cairo_image_surface_get_height(want));
		cairo_surface_destroy(got);
		cairo_surface_destroy(want);
		return -1;
	}
	gd = cairo_image_surface_get_data(got);
	wd = cairo_image_surface_get_data(want);
	gs = cairo_image_surface_get_stride(got);
	ws = cairo_image_surface_get_stride(want);
	if (diff_path) {
		diff = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
		dd = cairo_image_surface_get_data(diff);
		ds = cairo_image_surface_get_stride(diff);
	}
	for (int y = 0; y < h; y++) {
		const guint32 *gr = (const guint32 *)(gd + (size_t)y * (size_t)gs);
		const guint32 *wr = (const guint32 *)(wd + (size_t)y * (size_t)ws);
		for (int x = 0; x < w; x++) {
			unsigned d = 0;
			for (unsigned shift = 0; shift < 32; shift += 8)
				d = MAX(d, channel_delta(gr[x], wr[x], shift));
			differ += d > PIXEL_DELTA;
			if (dd) {
				guint32 *dr = (guint32 *)(dd + (size_t)y * (size_t)ds);
				guint32 grey = 0xc0 + ((gr[x] & 0xff) >> 2);
				dr[x] = d > PIXEL_DELTA ? 0xff0000 : grey << 16 | grey << 8 | grey;
			}
		}
	}
	if (diff) {
		cairo_surface_mark_dirty(diff);
		cairo_surface_write_to_png(diff, diff_path);
		cairo_surface_destroy(diff);
	}
	cairo_surface_destroy(got);
	cairo_surface_destroy(want);
	return (double)differ / ((double)w * (double)h);
}

static char *
reference_path(const char *name, int page)
{
	g_autofree char *rel = g_strdup_printf("tests/letter/data/pixels/%s-%d.png", name, page);
	return test_srcdir(rel);
}

/* The variant's pages as PNGs in dir (g_strfreev). */
static char **
variant_pages(size_t v, const char *dir, GTimeZone *tz)
{
	g_autofree char *body = NULL, *logo = NULL;
	dispo_letter l = letter_of(variants[v].flags, tz, &body, &logo);
	g_autofree char *pdf = g_strdup_printf("%s/%s.pdf", dir, variants[v].name);
	GPtrArray *pages = g_ptr_array_new();
	GError *e = NULL;

	if (!letter_render_file(&l, pdf, &e))
		fail_msg("%s: %s", variants[v].name, e->message);
	for (int p = 1; p <= variants[v].pages; p++)
		g_ptr_array_add(pages, rasterize(pdf, p, dir, variants[v].name));
	g_ptr_array_add(pages, NULL);
	return (char **)g_ptr_array_free(pages, FALSE);
}

static void
test_pixels_references(void **state)
{
	g_autoptr(GTimeZone) tz = g_time_zone_new_identifier("Asia/Jakarta");
	g_autofree char *base = g_build_filename(DISPO_BUILDDIR, "tests", "tmp", "pixels", NULL);
	bool update = g_strcmp0(g_getenv("DISPO_UPDATE_REFERENCES"), "1") == 0;
	unsigned failed = 0;

	if (!have_pdftoppm())
		skip();
	assert_non_null(tz);
	test_rm_rf(base);
	g_mkdir_with_parents(base, 0700);
	for (size_t v = 0; v < G_N_ELEMENTS(variants); v++) {
		g_auto(GStrv) pages = variant_pages(v, base, tz);

		assert_int_equal(g_strv_length(pages), variants[v].pages);
		for (int p = 0; pages[p]; p++) {
			g_autofree char *ref = reference_path(variants[v].name, p + 1);
			g_autofree char *diff = g_strdup_printf("%s/%s-%d-diff.png", base,
			                                        variants[v].name, p + 1);
			double share;

			if (update) {
				size_t len = 0;
				g_autofree char *png = test_read(pages[p], &len);
				g_autofree char *dir = g_path_get_dirname(ref);
				g_mkdir_with_parents(dir, 0755);
				if (!g_file_set_contents(ref, png, (gssize)len, NULL))
					fail_msg("cannot write %s", ref);
				print_message("wrote %s: look at it before committing\n", ref);
				continue;
			}
			if (!g_file_test(ref, G_FILE_TEST_EXISTS))
				fail_msg("no reference %s (DISPO_UPDATE_REFERENCES=1 writes it; look "
				         "at it before committing)",
				         ref);
			share = png_differing(pages[p], ref, diff);
			print_message("%s page %d: %.4f%% of the pixels differ (at most %.2f%%)\n",
			              variants[v].name, p + 1, share < 0 ? 100.0 : share * 100,
			              MAX_DIFFERING * 100);
			if (share < 0 || share > MAX_DIFFERING) {
				print_message("  got %s, reference %s, difference %s\n", pages[p],
				              ref, diff);
				failed++;
			} else {
				g_unlink(diff);
			}
		}
	}
	if (failed)
		fail_msg("%u page%s look%s different from the reference; if that is meant, "
		         "DISPO_UPDATE_REFERENCES=1 rewrites them",
		         failed, failed == 1 ? "" : "s", failed == 1 ? "s" : "");
	if (!update)
		test_rm_rf(base);
}

/* The comparison can fail: letters that differ from a reference as a
 * layout regression would (a line missing, a block moved) differ from it
 * by at least twice the tolerance, and the same letter by nothing. */
static void
test_pixels_sensitive(void **state)
{
	g_autoptr(GTimeZone) tz = g_time_zone_new_identifier("Asia/Jakarta");
	g_autofree char *dir = NULL;
	static const struct {
		size_t rendered, reference; /* indexes into variants */
		bool same;
	} pairs[] = {
	    {0, 0, true},  /* logo-rank against itself */
	    {2, 0, false}, /* no pangkat: the NIP moves up a line */
	    {1, 0, false}, /* no logo: the kop moves left */
	};

	if (!have_pdftoppm())
		skip();
	dir = test_tmpdir("pixels");
	for (size_t i = 0; i < G_N_ELEMENTS(pairs); i++) {
		g_auto(GStrv) pages = variant_pages(pairs[i].rendered, dir, tz);
		g_autofree char *ref = reference_path(variants[pairs[i].reference].name, 1);
		double share;

		if (!g_file_test(ref, G_FILE_TEST_EXISTS))
			fail_msg("no reference %s", ref);
		share = png_differing(pages[0], ref, NULL);
		print_message("%s against %s: %.4f%% differ\n", variants[pairs[i].rendered].name,
		              variants[pairs[i].reference].name, share * 100);
		if (pairs[i].same ? share != 0 : share <= 2 * MAX_DIFFERING)
			fail_msg("%s against the reference %s: %.4f%% of the pixels differ",
			         variants[pairs[i].rendered].name, variants[pairs[i].reference].name,
			         share * 100);
	}
	test_rm_rf(dir);
}

/* Fontconfig keeps what it loads for the life of the process, by design;
 * under LeakSanitizer that is not a leak of ours. */
const char *__lsan_default_suppressions(void);
const char *
__lsan_default_suppressions(void)
{
	return "leak:libfontconfig.so\n";
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_pixels_references),
	    cmocka_unit_test(test_pixels_sensitive),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
