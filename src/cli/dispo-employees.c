/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dispo-employees.c: `dispo employees import [--dry-run] FILE.csv` and
 * `dispo employees list`: the register of employees and role holders, read
 * from the spreadsheet an administrator keeps, checked whole before any of
 * it is stored. */
#include "config.h"

#include "cli/cli.h"
#include "policy/policy.h"

#include <json-glib/json-glib.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A register of a whole regency fits many times over. */
#define REGISTER_MAX (16 * 1024 * 1024)

typedef enum {
	COL_NIP,
	COL_NIK,
	COL_NAMA,
	COL_EMAIL,
	COL_UNIT,
	COL_JABATAN,
	COL_PANGKAT,
	COL_STATUS,
	COL_ROLE,
	COL_DEPUTY,
	COL_VALID_FROM,
	COL_VALID_UNTIL,
	N_COLS
} column;

static const struct {
	const char *name;
	bool required; /* an absent optional column reads as empty */
} columns[N_COLS] = {
    [COL_NIP] = {"nip", true},
    [COL_NIK] = {"nik", false},
    [COL_NAMA] = {"nama", true},
    [COL_EMAIL] = {"email", true},
    [COL_UNIT] = {"unit_kerja", true},
    [COL_JABATAN] = {"jabatan", true},
    /* Optional, so that registers made before it still import: the letter
     * leaves the signer's pangkat line out when it is empty. */
    [COL_PANGKAT] = {"pangkat", false},
    [COL_STATUS] = {"status", true},
    [COL_ROLE] = {"role", false},
    [COL_DEPUTY] = {"deputy", false},
    [COL_VALID_FROM] = {"valid_from", false},
    [COL_VALID_UNTIL] = {"valid_until", false},
};

/* What is being read: the file's name for messages, where each column is,
 * and every problem found so far (all are reported, not just the first). */
typedef struct {
	dispo_cli *cli;
	const char *path;
	int col[N_COLS]; /* field index, -1 when absent */
	GPtrArray *errors;
	const dispo_rules *rules; /* the roles a line may name */
} reading;

typedef struct {
	dispo_employee *employee;
	unsigned line; /* its first line */
} entry;

static void
entry_free(entry *en)
{
	store_employee_free(en->employee);
	g_free(en);
}

/* The value for a message: no line breaks, not too long. */
static char *
shown(const char *value)
{
	g_autofree char *flat = g_strdup(value);

	for (char *p = flat; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = ' ';
	return dispo_utf8_truncate(flat, 40);
}

static void problem(reading *rd, unsigned line, column c, const char *value, const char *fmt, ...)
    G_GNUC_PRINTF(5, 6);

static void
problem(reading *rd, unsigned line, column c, const char *value, const char *fmt, ...)
{
	va_list ap;
	g_autofree char *why = NULL;
	g_autofree char *v = value ? shown(value) : NULL;

	va_start(ap, fmt);
	why = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	if (v)
		g_ptr_array_add(rd->errors, g_strdup_printf("%s:%u: %s: \"%s\": %s", rd->path, line,
		                                            columns[c].name, v, why));
	else
		g_ptr_array_add(rd->errors, g_strdup_printf("%s:%u: %s: %s", rd->path, line,
		                                            columns[c].name, why));
}

/* ---- the header ---------------------------------------------------------- */

static bool
read_header(reading *rd, const dispo_csv_row *header)
{
	g_autoptr(GString) unknown = g_string_new(NULL);
	g_autoptr(GString) missing = g_string_new(NULL);
	bool ok = true;

	for (int c = 0; c < N_COLS; c++)
		rd->col[c] = -1;
	for (unsigned i = 0; i < header->n_fields; i++) {
		g_autofree char *trimmed = g_strstrip(g_strdup(header->fields[i]));
		g_autofree char *name = g_ascii_strdown(trimmed, -1);
		int c;

		for (c = 0; c < N_COLS; c++)
			if (strcmp(name, columns[c].name) == 0)
				break;
		if (c == N_COLS) {
			g_autofree char *v = shown(name);
			if (*name)
				g_string_append_printf(unknown, "%s%s", unknown->len ? ", " : "",
				                       v);
			else
				g_string_append_printf(unknown, "%s(column %u has no name)",
				                       unknown->len ? ", " : "", i + 1);
			continue;
		}
		if (rd->col[c] >= 0) {
			g_ptr_array_add(
			    rd->errors,
			    g_strdup_printf("%s:%u: column %s appears twice (columns %d "
			                    "and %u)",
			                    rd->path, header->line, columns[c].name, rd->col[c] + 1,
			                    i + 1));
			ok = false;
		}
		rd->col[c] = (int)i;
	}
	for (int c = 0; c < N_COLS; c++)
		if (columns[c].required && rd->col[c] < 0)
			g_string_append_printf(missing, "%s%s", missing->len ? ", " : "",
			                       columns[c].name);
	if (missing->len) {
		g_ptr_array_add(rd->errors,
		                g_strdup_printf("%s:%u: the header lacks the column%s %s (the "
		                                "first line names the columns: nip, nik, nama, "
		                                "email, unit_kerja, jabatan, pangkat, status, "
		                                "role, deputy, valid_from, valid_until)",
		                                rd->path, header->line,
		                                strchr(missing->str, ',') ? "s" : "",
		                                missing->str));
		ok = false;
	}
	if (unknown->len)
		cli_error(rd->cli, "warning: %s:%u: unknown column%s ignored: %s", rd->path,
		          header->line, strchr(unknown->str, ',') ? "s" : "", unknown->str);
	return ok;
}

/* ---- one row ------------------------------------------------------------- */

static bool
has_control(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return true;
	return false;
}

/* One '@' with something before it, and a domain of at least two labels. */
static const char *
email_problem(const char *s)
{
	const char *at = strchr(s, '@');
	const char *domain;

	if (!at)
		return "an address needs an '@' and a domain";
	if (strchr(at + 1, '@'))
		return "an address has one '@'";
	if (at == s)
		return "nothing before the '@'";
	domain = at + 1;
	if (!*domain)
		return "no domain after the '@'";
	if (!strchr(domain, '.') || *domain == '.' || g_str_has_suffix(domain, ".") ||
	    strstr(domain, ".."))
		return "the domain is not a domain name (like kuduskab.go.id)";
	for (const char *p = s; *p; p++)
		if (*p == ' ' || *p == ',' || *p == ';' || *p == '<' || *p == '>' || *p == '"')
			return "an address holds no spaces, commas, semicolons, quotes or "
			       "angle brackets";
	return NULL;
}

/* yyyy-mm-dd and a day the calendar has. */
static bool
date_shaped(const char *s)
{
	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return false;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && !g_ascii_isdigit(s[i]))
			return false;
	return true;
}

static bool
date_valid(const char *s)
{
	int y, m, d;

	if (!date_shaped(s))
		return false;
	y = atoi(s), m = atoi(s + 5), d = atoi(s + 8);
	return y >= 1 && g_date_valid_dmy((GDateDay)d, (GDateMonth)m, (GDateYear)y);
}

static bool
role_key_valid(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!g_ascii_islower(*s) && !g_ascii_isdigit(*s) && *s != '_')
			return false;
	return true;
}

/* Reads, checks and normalizes one row into an employee with at most one
 * role grant; NULL when anything is wrong (each problem recorded). */
static dispo_employee *
read_row(reading *rd, const dispo_csv_row *row)
{
	char *v[N_COLS];
	g_autoptr(dispo_employee) e = store_employee_new();
	unsigned before = rd->errors->len;
	g_autofree char *why = NULL;
	unsigned line = row->line;

	for (int c = 0; c < N_COLS; c++) {
		v[c] = g_strstrip(g_strdup(rd->col[c] >= 0 ? row->fields[rd->col[c]] : ""));
		if (has_control(v[c]))
			problem(rd, line, c, v[c],
			        "holds a line break or another control "
			        "character");
	}

	if (!*v[COL_NIP])
		problem(rd, line, COL_NIP, NULL, "empty; every employee needs one");
	else if (!policy_nip_check(v[COL_NIP], rd->cli->now, &e->nip, &why))
		problem(rd, line, COL_NIP, v[COL_NIP], "%s", why);
	g_clear_pointer(&why, g_free);
	if (*v[COL_NIK] && !policy_nik_check(v[COL_NIK], &e->nik, &why))
		problem(rd, line, COL_NIK, v[COL_NIK], "%s", why);
	g_clear_pointer(&why, g_free);
	if (!*v[COL_NAMA])
		problem(rd, line, COL_NAMA, NULL, "empty");
	if (!*v[COL_EMAIL])
		problem(rd, line, COL_EMAIL, NULL,
		        "empty; the address is how dispo knows "
		        "who writes");
	else if (email_problem(v[COL_EMAIL]))
		problem(rd, line, COL_EMAIL, v[COL_EMAIL], "%s", email_problem(v[COL_EMAIL]));
	if (!*v[COL_STATUS])
		problem(rd, line, COL_STATUS, NULL, "empty (aktif, or e.g. pensiun, cuti)");

	/* "Plt." as letters write it is plt. */
	{
		char *d = v[COL_DEPUTY];
		size_t n = strlen(d);
		if (n && d[n - 1] == '.')
			d[n - 1] = '\0';
		for (char *p = d; *p; p++)
			*p = g_ascii_tolower(*p);
	}
	if (*v[COL_DEPUTY] && strcmp(v[COL_DEPUTY], "plt") != 0 &&
	    strcmp(v[COL_DEPUTY], "plh") != 0)
		problem(rd, line, COL_DEPUTY, v[COL_DEPUTY], "must be plt, plh or empty");
	for (int c = COL_VALID_FROM; c <= COL_VALID_UNTIL; c++)
		if (*v[c] && !date_valid(v[c]))
			problem(rd, line, c, v[c], "%s",
			        date_shaped(v[c]) ? "not a real date"
			                          : "not a date as yyyy-mm-dd (e.g. 2026-12-31)");
	if (date_valid(v[COL_VALID_FROM]) && date_valid(v[COL_VALID_UNTIL]) &&
	    strcmp(v[COL_VALID_FROM], v[COL_VALID_UNTIL]) > 0)
		problem(rd, line, COL_VALID_UNTIL, v[COL_VALID_UNTIL], "before valid_from (%s)",
		        v[COL_VALID_FROM]);
	if (*v[COL_ROLE]) {
		/* A role the rules do not know would never be asked anything:
		 * a typo the administrator must hear of now. */
		if (!role_key_valid(v[COL_ROLE]))
			problem(rd, line, COL_ROLE, v[COL_ROLE],
			        "a role key is lower-case letters, digits and '_' "
			        "(e.g. kepala_dinas)");
		else if (rd->rules && !rules_role_get(rd->rules, v[COL_ROLE])) {
			GString *known = g_string_new(NULL);
			const GPtrArray *roles = rules_roles(rd->rules);
			for (guint i = 0; i < roles->len; i++)
				g_string_append_printf(known, "%s%s", i ? ", " : "",
				                       ((dispo_rules_role *)roles->pdata[i])->key);
			problem(rd, line, COL_ROLE, v[COL_ROLE], "no such role in the rules (%s)",
			        known->str);
			g_string_free(known, true);
		}
	} else {
		for (int c = COL_DEPUTY; c <= COL_VALID_UNTIL; c++)
			if (*v[c])
				problem(rd, line, c, v[c], "given, but the line has no role");
	}

	if (rd->errors->len == before) {
		e->name = g_strdup(v[COL_NAMA]);
		e->email = g_strdup(v[COL_EMAIL]);
		e->unit = *v[COL_UNIT] ? g_strdup(v[COL_UNIT]) : NULL;
		e->position = *v[COL_JABATAN] ? g_strdup(v[COL_JABATAN]) : NULL;
		e->rank = *v[COL_PANGKAT] ? g_strdup(v[COL_PANGKAT]) : NULL;
		e->status = g_ascii_strdown(v[COL_STATUS], -1);
		if (*v[COL_ROLE])
			g_ptr_array_add(e->roles, store_role_grant_new(v[COL_ROLE], v[COL_DEPUTY],
			                                               v[COL_VALID_FROM],
			                                               v[COL_VALID_UNTIL]));
	}
	for (int c = 0; c < N_COLS; c++)
		g_free(v[c]);
	return rd->errors->len == before ? g_steal_pointer(&e) : NULL;
}

static bool
row_blank(const dispo_csv_row *row)
{
	for (unsigned i = 0; i < row->n_fields; i++)
		for (const char *p = row->fields[i]; *p; p++)
			if (!g_ascii_isspace(*p))
				return false;
	return true;
}

/* A second line of the same person (another role) must say the same about
 * them as the first. */
static void
merge(reading *rd, entry *first, dispo_employee *e, unsigned line)
{
	dispo_employee *f = first->employee;
	const struct {
		column c;
		const char *a, *b;
	} same[] = {
	    {COL_NIK, f->nik, e->nik},
	    {COL_NAMA, f->name, e->name},
	    {COL_EMAIL, f->email, e->email},
	    {COL_UNIT, f->unit, e->unit},
	    {COL_JABATAN, f->position, e->position},
	    {COL_PANGKAT, f->rank, e->rank},
	    {COL_STATUS, f->status, e->status},
	};

	for (size_t i = 0; i < G_N_ELEMENTS(same); i++) {
		g_autofree char *a = shown(same[i].a ? same[i].a : "");
		if (g_strcmp0(same[i].a ? same[i].a : "", same[i].b ? same[i].b : "") == 0)
			continue;
		problem(rd, line, same[i].c, same[i].b ? same[i].b : "",
		        "differs from line %u (\"%s\") of the same NIP %s", first->line, a, f->nip);
	}
	for (guint i = 0; i < e->roles->len; i++) {
		const dispo_role_grant *g = e->roles->pdata[i];
		g_autofree char *gs = store_role_grant_format(g);
		bool dup = false;
		for (guint j = 0; j < f->roles->len && !dup; j++) {
			g_autofree char *fs = store_role_grant_format(f->roles->pdata[j]);
			dup = strcmp(gs, fs) == 0;
		}
		if (!dup)
			g_ptr_array_add(f->roles,
			                store_role_grant_new(g->role, g->deputy, g->valid_from,
			                                     g->valid_until));
	}
}

/* The employees the file describes (dispo_employee *), or NULL with
 * rd->errors filled. */
static GPtrArray *
read_register(reading *rd, const GPtrArray *rows)
{
	g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func((GDestroyNotify)entry_free);
	g_autoptr(GHashTable) by_nip = g_hash_table_new(g_str_hash, g_str_equal);
	g_autoptr(GHashTable) by_email =
	    g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	GPtrArray *out;

	if (!read_header(rd, rows->pdata[0]))
		return NULL;
	for (guint i = 1; i < rows->len; i++) {
		const dispo_csv_row *row = rows->pdata[i];
		dispo_employee *e;
		entry *first, *other;
		g_autofree char *email_key = NULL;

		/* Spreadsheets leave rows of empty cells at the end. */
		if (row_blank(row))
			continue;
		e = read_row(rd, row);
		if (!e)
			continue;
		first = g_hash_table_lookup(by_nip, e->nip);
		if (first) {
			merge(rd, first, e, row->line);
			store_employee_free(e);
			continue;
		}
		/* Replies are matched to people by address: two people cannot
		 * share one. */
		email_key = g_ascii_strdown(e->email, -1);
		other = g_hash_table_lookup(by_email, email_key);
		if (other) {
			problem(rd, row->line, COL_EMAIL, e->email,
			        "also the address of NIP %s (line %u); each person needs their own",
			        other->employee->nip, other->line);
			store_employee_free(e);
			continue;
		}
		first = g_new0(entry, 1);
		first->employee = e;
		first->line = row->line;
		g_ptr_array_add(entries, first);
		g_hash_table_insert(by_nip, e->nip, first);
		g_hash_table_insert(by_email, g_steal_pointer(&email_key), first);
	}
	if (rd->errors->len)
		return NULL;
	out = g_ptr_array_new_with_free_func((GDestroyNotify)store_employee_free);
	for (guint i = 0; i < entries->len; i++) {
		entry *en = entries->pdata[i];
		g_ptr_array_add(out, g_steal_pointer(&en->employee));
	}
	return out;
}

/* ---- import -------------------------------------------------------------- */

static void
print_changes(const char *path, const GPtrArray *changes)
{
	unsigned n[3] = {0};

	printf("%s: what an import would change (nothing is changed now):\n", path);
	for (guint i = 0; i < changes->len; i++) {
		const dispo_employee_change *c = changes->pdata[i];
		static const char *const word[] = {"add", "change", "unlist"};
		n[c->kind]++;
		printf("  %-7s %s  %s\n", word[c->kind], c->nip, c->name ? c->name : "");
		for (guint f = 0; f < c->fields->len; f++) {
			const dispo_field_change *fc = c->fields->pdata[f];
			printf("          %s: \"%s\" -> \"%s\"\n", fc->field, fc->before,
			       fc->after);
		}
	}
	if (changes->len == 0)
		printf("  no changes\n");
	printf("%u to add, %u to change, %u to unlist (dry run: nothing was changed)\n", n[0], n[1],
	       n[2]);
}

static int
import(dispo_cli *cli, const char *path, bool dry_run)
{
	g_autoptr(GError) e = NULL;
	g_autofree char *data = NULL;
	size_t len = 0;
	g_autoptr(GPtrArray) rows = NULL;
	g_autoptr(GPtrArray) employees = NULL;
	g_autoptr(GPtrArray) errors = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(dispo_store) store = NULL;
	reading rd = {.cli = cli, .path = path, .errors = errors};
	dispo_register_summary sum;
	g_autoptr(dispo_rules) rules = NULL;

	if (!cli_load(cli))
		return EX_CONFIG;
	if (!(rules = cli_rules_load(cli, &e))) {
		cli_error(cli, "%s (role keys are checked against the rules)", e->message);
		return EX_CONFIG;
	}
	rd.rules = rules;
	if (!g_file_test(path, G_FILE_TEST_EXISTS)) {
		cli_error(cli, "%s: no such file", path);
		return EX_NOINPUT;
	}
	if (!dispo_file_read(path, REGISTER_MAX, &data, &len, &e)) {
		cli_error(cli, "%s", e->message);
		return e->code == DISPO_IO_ERROR_TOO_LARGE ? EX_DATAERR : EX_IOERR;
	}
	rows = dispo_csv_parse(data, len, path, &e);
	if (!rows) {
		cli_error(cli, "%s", e->message);
		cli_error(cli, "%s: nothing was imported", path);
		return EX_DATAERR;
	}
	employees = read_register(&rd, rows);
	if (!employees) {
		for (guint i = 0; i < errors->len; i++)
			cli_error(cli, "%s", (const char *)errors->pdata[i]);
		cli_error(cli, "%s: %u problem%s; nothing was imported", path, errors->len,
		          errors->len == 1 ? "" : "s");
		return EX_DATAERR;
	}
	store = cli_store_open(cli, &e);
	if (!store) {
		cli_error(cli, "%s", e->message);
		return cli_exit_code(e);
	}
	if (dry_run) {
		g_autoptr(GPtrArray) changes = store_employees_diff(store, employees, &e);
		if (!changes) {
			cli_error(cli, "%s", e->message);
			return cli_exit_code(e);
		}
		print_changes(path, changes);
		return EX_OK;
	}
	if (!store_begin(store, &e) ||
	    !store_employees_import(store, employees, cli->now, &sum, &e) ||
	    !store_commit(store, &e)) {
		store_rollback(store);
		cli_error(cli, "%s: %s; nothing was imported", path, e->message);
		return cli_exit_code(e);
	}
	printf("%s: %u employee%s: %u added, %u updated, %u deactivated, %u unchanged; %u role "
	       "line%s\n",
	       path, employees->len, employees->len == 1 ? "" : "s", sum.added, sum.updated,
	       sum.deactivated, sum.unchanged, sum.roles, sum.roles == 1 ? "" : "s");
	return EX_OK;
}

int
cli_employees_import_file(dispo_cli *cli, const char *path, bool dry_run)
{
	return import(cli, path, dry_run);
}

/* ---- list ---------------------------------------------------------------- */

/* The register as JSON: each employee's roles as objects. */
static void
list_json(dispo_cli *cli, const GPtrArray *list, JsonBuilder *b)
{
	json_builder_begin_array(b);
	for (guint i = 0; i < list->len; i++) {
		const dispo_employee *e = list->pdata[i];
		g_autofree char *updated =
		    dispo_time_format_iso8601(e->updated_at, cli->config->tz);
		json_builder_begin_object(b);
		cli_json_string(b, "nip", e->nip);
		cli_json_string(b, "nik", e->nik);
		cli_json_string(b, "name", e->name);
		cli_json_string(b, "email", e->email);
		cli_json_string(b, "unit", e->unit);
		cli_json_string(b, "position", e->position);
		cli_json_string(b, "rank", e->rank);
		cli_json_string(b, "status", e->status);
		cli_json_string(b, "updated_at", updated);
		json_builder_set_member_name(b, "roles");
		json_builder_begin_array(b);
		for (guint r = 0; r < e->roles->len; r++) {
			const dispo_role_grant *g = e->roles->pdata[r];
			json_builder_begin_object(b);
			cli_json_string(b, "role", g->role);
			cli_json_string(b, "deputy", g->deputy);
			cli_json_string(b, "valid_from", g->valid_from);
			cli_json_string(b, "valid_until", g->valid_until);
			json_builder_end_object(b);
		}
		json_builder_end_array(b);
		json_builder_end_object(b);
	}
	json_builder_end_array(b);
}

enum { EM_NIP, EM_NIK, EM_NAME, EM_EMAIL, EM_UNIT, EM_POSITION, EM_STATUS, EM_ROLES, EM_UPDATED };
static const cli_column employee_columns[] = {
    [EM_NIP] = {"nip", "NIP", CLI_CELL_CODE, 0, 0},
    [EM_NIK] = {"nik", "NIK", CLI_CELL_CODE, CLI_COLUMN_WIDE, 0},
    [EM_NAME] = {"name", "NAME", CLI_CELL_TEXT, 0, 36},
    [EM_EMAIL] = {"email", "EMAIL", CLI_CELL_TEXT, 0, 0},
    [EM_UNIT] = {"unit", "UNIT", CLI_CELL_TEXT, CLI_COLUMN_WIDE, 0},
    [EM_POSITION] = {"position", "POSITION", CLI_CELL_TEXT, CLI_COLUMN_WIDE, 0},
    [EM_STATUS] = {"status", "STATUS", CLI_CELL_TEXT, 0, 0},
    [EM_ROLES] = {"roles", "ROLES", CLI_CELL_TEXT, 0, 0},
    [EM_UPDATED] = {"updated_at", "UPDATED", CLI_CELL_TIME, CLI_COLUMN_WIDE, 0},
};

static int
list(dispo_cli *cli, cli_format fmt, const char *output)
{
	g_autoptr(GError) e = NULL;
	g_autoptr(dispo_store) store = NULL;
	g_autoptr(GPtrArray) employees = NULL;
	g_autoptr(cli_list) l = cli_list_new("employees");
	g_autoptr(JsonBuilder) b = json_builder_new();
	int rc;

	if ((rc = cli_start(cli, &store)) != EX_OK)
		return rc;
	employees = store_employees_list(store, &e);
	if (!employees) {
		cli_error(cli, "%s", e->message);
		return cli_exit_code(e);
	}
	cli_list_columns(l, employee_columns, G_N_ELEMENTS(employee_columns));
	l->empty = "The register is empty. Import one with 'dispo employees import register.csv'.";
	for (guint i = 0; i < employees->len; i++) {
		const dispo_employee *em = employees->pdata[i];
		g_autoptr(GString) roles = g_string_new(NULL);
		for (guint r = 0; r < em->roles->len; r++) {
			g_autofree char *g = store_role_grant_format(em->roles->pdata[r]);
			g_string_append_printf(roles, "%s%s", r ? ", " : "", g);
		}
		cli_list_row(l);
		cli_list_text(l, EM_NIP, em->nip);
		cli_list_text(l, EM_NIK, em->nik);
		cli_list_text(l, EM_NAME, em->name);
		cli_list_text(l, EM_EMAIL, em->email);
		cli_list_text(l, EM_UNIT, em->unit);
		cli_list_text(l, EM_POSITION, em->position);
		cli_list_text(l, EM_STATUS, em->status);
		cli_list_text(l, EM_ROLES, roles->str);
		cli_list_time(l, EM_UPDATED, em->updated_at);
	}
	if (fmt == CLI_FORMAT_JSON)
		list_json(cli, employees, b);
	return cli_list_print(cli, l, fmt, output, fmt == CLI_FORMAT_JSON ? b : NULL);
}

int
cli_employees(dispo_cli *cli, int argc, char **argv)
{
	gboolean dry_run = false;
	g_autofree char *format_s = NULL, *output = NULL;
	GOptionEntry entries[] = {{"dry-run", 'n', 0, G_OPTION_ARG_NONE, &dry_run,
	                           "import: show what would change, change nothing", NULL},
	                          CLI_LIST_OPTIONS(format_s, output), G_OPTION_ENTRY_NULL};
	cli_format fmt;

	if (!cli_parse(cli, entries,
	               "import [--dry-run] FILE.csv | list [--format table|csv|json|xlsx] [-o FILE]",
	               "Imports the employee register (a CSV file with the columns nip, nik, "
	               "nama, email, unit_kerja, jabatan, status, role, deputy, valid_from, "
	               "valid_until, and optionally pangkat), or lists it.",
	               &argc, &argv))
		return EX_USAGE;
	if (!cli_format_parse(cli, format_s, output, &fmt))
		return EX_USAGE;
	if (argc == 3 && strcmp(argv[1], "import") == 0 && !format_s && !output)
		return import(cli, argv[2], dry_run);
	if (argc == 2 && strcmp(argv[1], "list") == 0 && !dry_run)
		return list(cli, fmt, output);
	cli_error(cli, "use 'employees import [--dry-run] FILE.csv' or 'employees list "
	               "[--format table|csv|json|xlsx] [-o FILE]'");
	return EX_USAGE;
}
