/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-csv.c: the RFC 4180 reader: what spreadsheets write (CRLF, BOM,
 * quotes, embedded newlines) and where it says a broken file breaks. */
#include "config.h"

#include "lib/lib.h"

#include "testutil.h"

#define EXAMPLE_HEADER                                                                             \
	"nip,nik,nama,email,unit_kerja,jabatan,status,role,deputy,valid_from,valid_until\n"
#define EXAMPLE_LINE                                                                               \
	"196903141994031006,3319021403690002,\"Drs. Hendro Wibisono, M.Si.\","                     \
	"kadis@kuduskab.go.id,Dinas Komunikasi dan Informatika,Kepala Dinas Komunikasi dan "       \
	"Informatika,aktif,kepala_dinas,,,"

/* Rows are written "line:field|field|…;" so that one string says it all. */
static char *
render(const GPtrArray *rows)
{
	GString *s = g_string_new(NULL);

	for (guint i = 0; i < rows->len; i++) {
		const dispo_csv_row *r = rows->pdata[i];
		g_string_append_printf(s, "%u:", r->line);
		for (unsigned f = 0; f < r->n_fields; f++)
			g_string_append_printf(s, "%s%s", f ? "|" : "", r->fields[f]);
		assert_null(r->fields[r->n_fields]);
		g_string_append_c(s, ';');
	}
	return g_string_free(s, false);
}

static void
test_csv_table(void **state)
{
	static const struct {
		const char *name;
		const char *in;
		size_t len;        /* 0: strlen */
		const char *want;  /* rendered rows, or NULL for an error */
		const char *error; /* part of the message */
	} cases[] = {
	    {"example line", EXAMPLE_HEADER EXAMPLE_LINE "\n", 0,
	     "1:nip|nik|nama|email|unit_kerja|jabatan|status|role|deputy|valid_from|valid_until;"
	     "2:196903141994031006|3319021403690002|Drs. Hendro Wibisono, M.Si.|"
	     "kadis@kuduskab.go.id|Dinas Komunikasi dan Informatika|Kepala Dinas Komunikasi dan "
	     "Informatika|aktif|kepala_dinas|||;",
	     NULL},
	    {"LF, no final newline", "a,b\n1,2", 0, "1:a|b;2:1|2;", NULL},
	    {"Excel CRLF", "a,b\r\n1,2\r\n3,4\r\n", 0, "1:a|b;2:1|2;3:3|4;", NULL},
	    {"BOM skipped",
	     "\xef\xbb\xbf"
	     "nip,nama\r\n1,Budi\r\n",
	     0, "1:nip|nama;2:1|Budi;", NULL},
	    {"quoted comma and doubled quote", "a,b\n\"x, y\",\"say \"\"hi\"\"\"\n", 0,
	     "1:a|b;2:x, y|say \"hi\";", NULL},
	    {"embedded newline: next row's line counts it", "a,b\n\"one\ntwo\",x\n3,4\n", 0,
	     "1:a|b;2:one\ntwo|x;4:3|4;", NULL},
	    {"embedded CRLF kept", "a\r\n\"l1\r\nl2\"\r\n", 0, "1:a;2:l1\r\nl2;", NULL},
	    {"empty fields and trailing comma", "a,b,c\n,,\n", 0, "1:a|b|c;2:||;", NULL},
	    {"quoted empty field", "a,b\n\"\",x\n", 0, "1:a|b;2:|x;", NULL},
	    {"blank lines skipped", "a\n\n1\r\n\r\n2\n\n", 0, "1:a;3:1;5:2;", NULL},
	    {"UTF-8 text", "nama\nSiti Nurhaliza Ñ 日本\n", 0, "1:nama;2:Siti Nurhaliza Ñ 日本;",
	     NULL},
	    {"header only", "a,b\n", 0, "1:a|b;", NULL},
	    {"empty file", "", 0, NULL, "no header row"},
	    {"BOM only", "\xef\xbb\xbf", 0, NULL, "no header row"},
	    {"unterminated quote names where it opened", "a,b\n1,\"open\n2,3\n", 0, NULL,
	     "line 2, column 3: the quoted field that starts here is never closed"},
	    {"bare quote in unquoted field", "a,b\n1,ab\"c\n", 0, NULL,
	     "line 2, column 5: a quote inside a field"},
	    {"text after closing quote", "a,b\n\"x\"y,1\n", 0, NULL,
	     "line 2, column 4: text after the closing quote"},
	    {"invalid UTF-8 (Latin-1 export)", "nama\nJos\xe9\n", 0, NULL,
	     "line 2, column 4: byte 0xe9 is not UTF-8"},
	    {"NUL byte", "a,b\n1,\0002\n", 9, NULL, "line 2, column 3: a NUL byte"},
	    {"too many fields", "a,b\n1,2,3\n", 0, NULL, "line 2: 3 fields, but the header has 2"},
	    {"too few fields, line after an embedded newline", "a,b\n\"x\ny\",1\n2\n", 0, NULL,
	     "line 4: 1 field, but the header has 2"},
	    {"bare carriage return", "a,b\r1,2\n", 0, NULL,
	     "line 1, column 4: a carriage return that does not end a line"},
	    {"column counts characters", "a,b\nÅÅ,x\"\n", 0, NULL,
	     "line 2, column 5: a quote inside a field"},
	};

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		size_t len = cases[i].len ? cases[i].len : strlen(cases[i].in);
		GError *e = NULL;
		GPtrArray *rows = dispo_csv_parse(cases[i].in, len, NULL, &e);

		if (cases[i].want) {
			g_autofree char *got = NULL;
			if (!rows)
				fail_msg("%s: %s", cases[i].name, e->message);
			got = render(rows);
			if (strcmp(got, cases[i].want) != 0)
				fail_msg("%s:\n got  %s\n want %s", cases[i].name, got,
				         cases[i].want);
			g_ptr_array_unref(rows);
		} else {
			if (rows)
				fail_msg("%s: parsed, want an error", cases[i].name);
			assert_true(e->domain == DISPO_CSV_ERROR);
			if (!strstr(e->message, cases[i].error))
				fail_msg("%s: message '%s' lacks '%s'", cases[i].name, e->message,
				         cases[i].error);
			g_clear_error(&e);
		}
	}
}

static void
test_csv_origin(void **state)
{
	GError *e = NULL;

	assert_null(dispo_csv_parse("a,b\n1,\"x\n", 9, "register.csv", &e));
	assert_string_equal(e->message,
	                    "register.csv:2:3: the quoted field that starts here is never closed");
	assert_int_equal(e->code, DISPO_CSV_ERROR_SYNTAX);
	g_clear_error(&e);
	assert_null(dispo_csv_parse("a,b\n1\n", 6, "register.csv", &e));
	assert_string_equal(e->message, "register.csv:2: 1 field, but the header has 2");
	assert_int_equal(e->code, DISPO_CSV_ERROR_SHAPE);
	g_clear_error(&e);
}

static void
test_csv_limits(void **state)
{
	GError *e = NULL;
	g_autoptr(GString) s = g_string_new("a\n");
	GPtrArray *rows;

	/* 64 KiB exactly is accepted, quoted or not; one byte more is not. */
	for (int i = 0; i < DISPO_CSV_FIELD_MAX; i++)
		g_string_append_c(s, 'x');
	g_string_append_c(s, '\n');
	rows = dispo_csv_parse(s->str, s->len, NULL, &e);
	assert_non_null(rows);
	assert_int_equal(strlen(((dispo_csv_row *)rows->pdata[1])->fields[0]), DISPO_CSV_FIELD_MAX);
	g_ptr_array_unref(rows);

	g_string_insert_c(s, 2, 'x');
	assert_null(dispo_csv_parse(s->str, s->len, NULL, &e));
	assert_int_equal(e->code, DISPO_CSV_ERROR_LIMIT);
	assert_non_null(strstr(e->message, "line 2, column 1: the field that starts here is "
	                                   "longer than 64 KiB"));
	g_clear_error(&e);

	g_string_assign(s, "a\n\"");
	for (int i = 0; i <= DISPO_CSV_FIELD_MAX; i++)
		g_string_append_c(s, 'y');
	g_string_append(s, "\"\n");
	assert_null(dispo_csv_parse(s->str, s->len, NULL, &e));
	assert_int_equal(e->code, DISPO_CSV_ERROR_LIMIT);
	g_clear_error(&e);

	/* 1000 fields are fine, 1001 are not. */
	g_string_assign(s, "");
	for (int i = 0; i < DISPO_CSV_FIELDS_MAX; i++)
		g_string_append(s, i ? ",h" : "h");
	rows = dispo_csv_parse(s->str, s->len, NULL, &e);
	assert_non_null(rows);
	assert_int_equal(((dispo_csv_row *)rows->pdata[0])->n_fields, DISPO_CSV_FIELDS_MAX);
	g_ptr_array_unref(rows);
	g_string_append(s, ",h");
	assert_null(dispo_csv_parse(s->str, s->len, NULL, &e));
	assert_non_null(strstr(e->message, "more than 1000 fields"));
	g_clear_error(&e);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_csv_table),
	    cmocka_unit_test(test_csv_origin),
	    cmocka_unit_test(test_csv_limits),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
