/* SPDX-License-Identifier: GPL-3.0-or-later */
/* testutil.h: what the cmocka tests share: where the data is, scratch
 * directories, golden-file comparison, and (with lib.h) the office's time. Header-only so that each test
 * program stays one file plus this. */
#ifndef DISPO_TESTUTIL_H
#define DISPO_TESTUTIL_H

#include <glib.h>
#include <glib/gstdio.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

/* The project's source tree (golden files live under tests/<module>/data). */
static inline char *
test_srcdir(const char *rel)
{
	return g_build_filename(DISPO_SRCDIR, rel, NULL);
}

/* ../shared/testdata/<folder>, or $DISPO_TESTDATA/<folder>; NULL (and a
 * message saying so) when absent: the caller then skips. */
static inline char *
test_shared(const char *folder)
{
	const char *env = g_getenv("DISPO_TESTDATA");
	char *path = env ? g_build_filename(env, folder, NULL)
	                 : g_build_filename(DISPO_SRCDIR, "..", "shared", "testdata", folder, NULL);

	if (!g_file_test(path, G_FILE_TEST_IS_DIR)) {
		print_message("skip: ../shared/testdata/%s not found (set DISPO_TESTDATA to its "
		              "folder)\n",
		              folder);
		g_free(path);
		return NULL;
	}
	return path;
}

/* A fresh scratch directory under the build tree's tests/tmp. */
static inline char *
test_tmpdir(const char *name)
{
	char *base = g_build_filename(DISPO_BUILDDIR, "tests", "tmp", NULL);
	char *tmpl = g_strdup_printf("%s/%s.XXXXXX", base, name);
	g_mkdir_with_parents(base, 0700);
	g_free(base);
	if (!g_mkdtemp(tmpl))
		fail_msg("cannot create a scratch directory %s", tmpl);
	return tmpl;
}

static inline void
test_rm_rf(const char *path)
{
	GDir *d = g_dir_open(path, 0, NULL);
	const char *name;

	if (d) {
		while ((name = g_dir_read_name(d)) != NULL) {
			char *child = g_build_filename(path, name, NULL);
			if (g_file_test(child, G_FILE_TEST_IS_DIR) &&
			    !g_file_test(child, G_FILE_TEST_IS_SYMLINK))
				test_rm_rf(child);
			else
				g_unlink(child);
			g_free(child);
		}
		g_dir_close(d);
	}
	g_rmdir(path);
}

static inline char *
test_read(const char *path, size_t *len)
{
	char *data = NULL;
	gsize n = 0;
	GError *e = NULL;

	if (!g_file_get_contents(path, &data, &n, &e))
		fail_msg("cannot read %s: %s", path, e->message);
	if (len)
		*len = n;
	return data;
}

/* Compares text with the golden file; DISPO_UPDATE_GOLDEN=1 rewrites it
 * (then read the diff before committing). */
static inline void
test_golden_compare(const char *golden_path, const char *text)
{
	char *want = NULL;

	if (g_getenv("DISPO_UPDATE_GOLDEN")) {
		g_file_set_contents(golden_path, text, -1, NULL);
		return;
	}
	if (!g_file_get_contents(golden_path, &want, NULL, NULL))
		fail_msg("no golden file %s (run with DISPO_UPDATE_GOLDEN=1 to write it)",
		         golden_path);
	if (strcmp(want, text) != 0) {
		char *got_path = g_strconcat(golden_path, ".got", NULL);
		g_file_set_contents(got_path, text, -1, NULL);
		print_message("%s differs: see diff -u %s %s\n", golden_path, golden_path,
		              got_path);
		g_free(got_path);
		g_free(want);
		fail();
	}
	g_free(want);
}

#ifdef DISPO_LIB_H
/* Asia/Jakarta, the office's zone; without tzdata the same offset (it has
 * no daylight saving time either). */
static inline GTimeZone *
test_jakarta(void)
{
	GTimeZone *tz = g_time_zone_new_identifier("Asia/Jakarta");

	if (!tz)
		tz = g_time_zone_new_identifier("+07:00");
	assert_non_null(tz);
	return tz;
}

/* A time the test writes in ISO 8601; one it mistyped fails the test. */
static inline dispo_time
test_iso(const char *iso)
{
	dispo_time t = 0;
	GError *e = NULL;

	if (!dispo_time_parse_iso8601(iso, &t, &e))
		fail_msg("%s: %s", iso, e->message);
	return t;
}
#endif

#endif
