#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# test-employees.sh: dispo employees import/list: the sample register
# imports, a re-import changes nothing, --dry-run shows a difference without
# making it, and a file with errors names every bad line and changes nothing.
. "$(dirname "$0")/lib.sh"

cat >dispo.conf <<CONF
[general]
data_dir = data
[policy]
require_authentication = false
CONF
D() { "$DISPO" --config dispo.conf --now 2026-11-24T10:00:00+07:00 "$@"; }
DB=data/dispo.db
SAMPLE=$DISPO_SRCDIR/rules/register-contoh.csv

expect_exit 0 D employees import "$SAMPLE"
contains out "10 employees: 10 added, 0 updated, 0 deactivated, 0 unchanged; 5 role lines"
[ "$(sql $DB "select name || '|' || unit || '|' || position || '|' || nik from employees
	where email = 'budi.santoso@kuduskab.go.id'")" = \
	"Budi Santoso, S.Kom.|Dinas Kesehatan|Pranata Komputer Ahli Pertama|3319011203850001" ] ||
	fail "Budi as the demo's application names him"
[ "$(sql $DB "select group_concat(r.role || ':' || coalesce(r.deputy, '-'), ' ') from
	(select * from role_holders order by role, deputy) r")" = \
	"kabid_informatika:- kabid_informatika:plt kasi_ti:- kepala_dinas:- verifikator:-" ] ||
	fail "the sample's roles, one Plt."
[ "$(sql $DB "select status from employees where name like 'Suparman%'")" = pensiun ] ||
	fail "the retired employee"
[ "$(sql $DB "select rank from employees where email = 'kadis@kuduskab.go.id'")" = \
	"Pembina Utama Muda (IV/c)" ] || fail "the head's pangkat, for the letter"
[ "$(sql $DB "select count(*) from employees where rank is null")" = 1 ] || fail "an empty pangkat"
[ "$(sql $DB "select count(*) from employees where nik is null")" = 1 ] || fail "an empty NIK"
ok "the sample register imports"

expect_exit 0 D employees list --format json
contains out '"email" : "kadis@kuduskab.go.id"'
contains out '"deputy" : "plt"'
contains out '"valid_until" : "2026-12-31"'
expect_exit 0 D employees list
contains out "kabid_informatika (plt 2026-12-14..2026-12-31), kasi_ti"
ok "the register lists as a table and as JSON"

sql $DB "select nip, updated_at from employees order by nip" >before.txt
expect_exit 0 "$DISPO" --config dispo.conf --now 2026-12-01T08:00:00+07:00 employees import "$SAMPLE"
contains out "0 added, 0 updated, 0 deactivated, 10 unchanged"
sql $DB "select nip, updated_at from employees order by nip" >after.txt
cmp -s before.txt after.txt || fail "an unchanged re-import touched rows"
expect_exit 0 D employees import --dry-run "$SAMPLE"
contains out "no changes"
ok "re-importing the same register changes nothing"

# A modified copy: Sri's address and pangkat change, the retired man leaves
# the file, someone joins, and Agus's Plt. window moves.
sed -e 's/sri.wahyuningsih@/sri@/' -e 's/Pembina (IV\/a)/Pembina Tingkat I (IV\/b)/' -e '/Suparman/d' -e 's/2026-12-14,2026-12-31/2027-01-04,2027-01-15/' \
	"$SAMPLE" >changed.csv
printf '%s\r\n' '199501012020121001,,"Siti Aminah, S.H.",siti.aminah@kuduskab.go.id,Kecamatan Jati,Analis Hukum,,aktif,,,,' >>changed.csv
cp $DB before.db
sql $DB "select * from employees order by id; select * from role_holders order by id" >before.txt
expect_exit 0 D employees import --dry-run changed.csv
contains out 'email: "sri.wahyuningsih@kuduskab.go.id" -> "sri@kuduskab.go.id"'
contains out 'rank: "Pembina (IV/a)" -> "Pembina Tingkat I (IV/b)"'
contains out "add     199501012020121001  Siti Aminah, S.H."
contains out "unlist  196206151985031005  Suparman, S.Sos."
contains out 'status: "pensiun" -> "tidak_terdaftar"'
contains out "kabid_informatika (plt 2027-01-04..2027-01-15)"
contains out "1 to add, 2 to change, 1 to unlist (dry run: nothing was changed)"
sql $DB "select * from employees order by id; select * from role_holders order by id" >after.txt
cmp -s before.txt after.txt || fail "--dry-run changed the register"
ok "--dry-run shows the difference and changes nothing"

expect_exit 0 D employees import changed.csv
contains out "10 employees: 1 added, 2 updated, 1 deactivated, 7 unchanged"
[ "$(sql $DB "select status from employees where name like 'Suparman%'")" = tidak_terdaftar ] ||
	fail "the employee who left is kept, no longer listed"
ok "the modified register imports"

# Errors: a bad NIP on line 4, a date that does not exist on line 6, and an
# unknown column. Nothing changes, every bad line is named.
sql $DB "select * from employees order by id; select * from role_holders order by id" >before.txt
cat >broken.csv <<'CSV'
nip,nik,nama,email,unit_kerja,jabatan,status,role,deputy,valid_from,valid_until,catatan
196903141994031006,3319021403690002,"Drs. Hendro Wibisono, M.Si.",kadis@kuduskab.go.id,Dinas Komunikasi dan Informatika,Kepala Dinas,aktif,kepala_dinas,,,,
198503122010011004,3319011203850001,"Budi Santoso, S.Kom.",budi.santoso@kuduskab.go.id,Dinas Kesehatan,Pranata Komputer Ahli Pertama,aktif,,,,,
19650230 199203 1 005,,"Salah Tanggal",salah@kuduskab.go.id,Dinas Kesehatan,Staf,aktif,,,,,
198707262011012002,3319086607870001,"Rina Marlina, S.E.",rina.marlina@kuduskab.go.id,BAPPEDA,Perencana Ahli Muda,aktif,,,,,
199204102019031007,3319031004920003,"Ahmad Fauzi, S.IP.",ahmad.fauzi@kuduskab.go.id,Kecamatan Jati,Analis,aktif,verifikator,plt,2026-02-30,2026-03-31,cuti
CSV
expect_exit 65 D employees import broken.csv
contains err 'broken.csv:4: nip: "19650230 199203 1 005": birth date 1965-02-30 (digits 1-8) is not a real date'
contains err 'broken.csv:6: valid_from: "2026-02-30": not a real date'
contains err "warning: broken.csv:1: unknown column ignored: catatan"
contains err "2 problems; nothing was imported"
sql $DB "select * from employees order by id; select * from role_holders order by id" >after.txt
cmp -s before.txt after.txt || fail "a file with errors changed the register"
ok "a file with errors changes nothing and names every bad line"

# The same person on two lines must agree with themselves.
{ head -1 "$SAMPLE"; grep Hendro "$SAMPLE"; grep Hendro "$SAMPLE" | sed 's/,aktif,kepala_dinas/,pensiun,verifikator/'; } >twice.csv
expect_exit 65 D employees import twice.csv
contains err 'twice.csv:3: status: "pensiun": differs from line 2 ("aktif") of the same NIP 196903141994031006'
# A missing column and broken CSV are refused with their place.
printf 'nip,nama,email\n196903141994031006,Hendro,kadis@kuduskab.go.id\n' >narrow.csv
expect_exit 65 D employees import narrow.csv
contains err "narrow.csv:1: the header lacks the columns unit_kerja, jabatan, status"
printf 'nip,nama\n"196903141994031006,Hendro\n' >quote.csv
expect_exit 65 D employees import quote.csv
contains err "quote.csv:2:1: the quoted field that starts here is never closed"
expect_exit 66 D employees import no-such-file.csv
expect_exit 64 D employees import
expect_exit 64 D employees frobnicate
sql $DB "select * from employees order by id; select * from role_holders order by id" >after.txt
cmp -s before.txt after.txt || fail "refused files changed the register"
ok "inconsistent lines, missing columns and broken CSV are refused"

# The example line of the issue, with Excel's BOM and CRLF, in a fresh store.
printf '\357\273\277nip,nik,nama,email,unit_kerja,jabatan,status,role,deputy,valid_from,valid_until\r\n' >example.csv
printf '%s\r\n' '196903141994031006,3319021403690002,"Drs. Hendro Wibisono, M.Si.",kadis@kuduskab.go.id,Dinas Komunikasi dan Informatika,Kepala Dinas Komunikasi dan Informatika,aktif,kepala_dinas,,,' >>example.csv
sed 's/^data_dir = data$/data_dir = fresh/' dispo.conf >fresh.conf
expect_exit 0 "$DISPO" --config fresh.conf employees import example.csv
contains out "1 employee: 1 added"
[ "$(sql fresh/dispo.db "select e.name || '|' || r.role from employees e join role_holders r
	on r.employee_id = e.id")" = "Drs. Hendro Wibisono, M.Si.|kepala_dinas" ] ||
	fail "the example line's employee and role"
[ "$(sql fresh/dispo.db "select count(*) from employees where rank is null")" = 1 ] ||
	fail "a register without the pangkat column leaves it empty"
ok "the issue's example line imports (no pangkat column: none)"
