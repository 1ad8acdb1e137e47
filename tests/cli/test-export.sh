#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# test-export.sh: every list as CSV and as an xlsx workbook, and the filters
# of `requests list`. The demo's store and a store of four requests left
# at chosen steps at chosen times (one closed, two late, one in time, a
# Plt. holding one step) give every list rows; each CSV must parse as RFC
# 4180 with a header row and keep NIP and NIK whole; each workbook is read
# back by LibreOffice, where NIP and NIK must be text and times dates.
. "$(dirname "$0")/lib.sh"

command -v python3 >/dev/null || fail "python3 is missing: run scripts/install-deps"

# ---- a store with requests at known places --------------------------------
cat >dispo.conf <<CONF
[general]
data_dir = data
[policy]
require_authentication = false
[calendar]
timezone = Asia/Jakarta
CONF
NOW=2026-12-14T08:00:00+07:00
D() { "$DISPO" --config dispo.conf --now "$NOW" "$@"; }
DB=data/dispo.db
OUT=data/outbox/new
expect_exit 0 D employees import "$DISPO_SRCDIR/rules/register-contoh.csv"
KADIS=kadis@kuduskab.go.id
KABID=sri.wahyuningsih@kuduskab.go.id
KASI=agus.prasetyo@kuduskab.go.id
state() { sql $DB "select state from requests where number = '$1'"; }
R1=SE-2026-000001 R2=SE-2026-000002 R3=SE-2026-000003 R4=SE-2026-000004
# Monday: R1 passes the Kepala Dinas in 5 minutes and waits at the Kabid
# from 08:05 (10 minutes: late from 08:15); R2 waits at the Kepala Dinas
# from 09:00 (late from 09:10); R3 is rejected after 2 minutes.
apply 2026-12-14T08:00:00+07:00 budi.santoso@kuduskab.go.id 1 198503122010011004 3319011203850001
at 2026-12-14T08:05:00+07:00 $R1 disposisi_kadin $KADIS SETUJU
# A subject with a comma, quotes and a non-ASCII letter: CSV must quote it.
NOW=2026-12-14T09:00:00+07:00
application rina.marlina@kuduskab.go.id 2 |
	sed 's/^NIP: .*/NIP: 198707262011012002\r/; s/^NIK: .*/NIK: 3319086607870001\r/' |
	sed 's/^Subject: .*/Subject: Permohonan "segera", Rïna\r/' >app2.eml
expect_exit 0 D deliver <app2.eml
apply 2026-12-14T10:00:00+07:00 ahmad.fauzi@kuduskab.go.id 3 199204102019031007 3319031004920003
at 2026-12-14T10:02:00+07:00 $R3 disposisi_kadin $KADIS "TOLAK Unit kerja tidak sesuai"
# Tuesday: R4 reaches the Kasi at 08:03 (15 minutes: in time at 08:10).
apply 2026-12-15T08:00:00+07:00 andini.pratiwi@kuduskab.go.id 4 197204151998032004 3319015504720004
at 2026-12-15T08:01:00+07:00 $R4 disposisi_kadin $KADIS SETUJU
at 2026-12-15T08:03:00+07:00 $R4 disposisi_kabid $KABID TERUSKAN
# One application refused at intake: a sender outside .go.id.
NOW=2026-12-15T08:05:00+07:00
application someone@example.com 5 >app5.eml
expect_exit 0 D deliver <app5.eml
[ "$(state $R1)/$(state $R2)/$(state $R3)/$(state $R4)" = disposisi_kabid/disposisi_kadin/ditolak/verifikasi_kasi ] ||
	fail "the requests are not where the test put them"
NOW=2026-12-15T08:10:00+07:00
ok "four requests at known steps, one application refused"

# ---- requests list: holders, lateness, filters -----------------------------
# Working time from Monday's deadline to Tuesday 08:10: R1 08:15-16:00 and
# 07:30-08:10 = 465 + 40 = 505 minutes; R2 09:10-16:00 + 40 = 450.
expect_exit 0 D requests list --format json
jq -e --arg k "$KABID, $KASI (plt)" '[.[] | [.id, .holder, .late_minutes]] ==
	[["SE-2026-000001", $k, 505], ["SE-2026-000002", "kadis@kuduskab.go.id", 450],
	 ["SE-2026-000003", null, null], ["SE-2026-000004", "agus.prasetyo@kuduskab.go.id", 0]]' out >/dev/null ||
	{ cat out; fail "holders (a Plt. included) and working minutes late"; }
jq -e '.[0].due_at == "2026-12-14T08:15:00+07:00" and .[0].step == "disposisi_kabid" and .[2].due_at == null' out >/dev/null ||
	{ cat out; fail "the deadline"; }
expect_exit 0 D requests list
grep "^$R1 " out | grep -q "8 jam 25 menit" || { cat out; fail "the table says how late R1 is"; }
grep "^$R2 " out | grep -q "7 jam 30 menit" || { cat out; fail "the table says how late R2 is"; }
grep "^$R4 " out | grep -q "agus.prasetyo@kuduskab.go.id  *- " || { cat out; fail "R4 is in time: -"; }
contains out "HOLDER"
# ids FILTER...: the numbers the filtered list holds, one line
ids() { expect_exit 0 D requests list --format json "$@"; jq -r '[.[].id] | join(" ")' out; }
check() { want=$1; shift; got=$(ids "$@"); [ "$got" = "$want" ] || fail "requests list $*: '$got', want '$want'"; }
check "$R1 $R2 $R4" --state open
check "$R3" --state closed
check "$R3" --state ditolak
check "$R4" --state verifikasi_kasi
check "$R1" --step disposisi_kabid
check "$R2" --step disposisi_kadin
check "" --step perbaikan
check "$R1 $R4" --holder AGUS.PRASETYO@kuduskab.go.id
check "$R1" --holder $KABID
check "$R2" --holder $KADIS
check "$R1 $R2" --overdue
check "$R2" --overdue --holder $KADIS
check "$R4" --since 2026-12-15
check "$R2 $R3 $R4" --since 2026-12-14T08:30:00+07:00
# The Plt.'s grant ends 2026-12-31: in January only the Kabid holds R1.
NOW=2027-01-04T08:00:00+07:00
check "" --holder $KASI --step disposisi_kabid
check "$R1" --holder $KABID --step disposisi_kabid
NOW=2026-12-15T08:10:00+07:00
expect_exit 0 D requests list --holder nobody@kuduskab.go.id
contains out "No request matches."
expect_exit 64 D requests list --step ditolak
contains err "it is an end: use --state"
expect_exit 64 D requests list --state nonsens
contains err "no workflow has a step or end 'nonsens'"
expect_exit 64 D requests list --since 14/12/2026
contains err "--since '14/12/2026' is not a date"
expect_exit 64 D requests list --refused --overdue
ok "requests list: holders with deputies, lateness in working time, each filter selects what it should"

# ---- every list as CSV ------------------------------------------------------
mkdir demo csv json xlsx
(cd demo && "$DISPO" demo >demo.out 2>&1) || { cat demo/demo.out; fail "dispo demo"; }
DEMO() { (cd demo && "$DISPO" "$@"); }
# NAME: the command of each list
LISTS="requests:requests list
refused:requests list --refused
outbox:outbox list
employees:employees list
certificates:certificates list
applications:records applications
letters:records letters
records-certificates:records certificates"
export_all() { # PREFIX RUNNER
	while IFS=: read -r name cmd; do
		# shellcheck disable=SC2086
		$2 $cmd --format csv >"$WORK/csv/$1-$name.csv" || fail "$cmd --format csv"
		# shellcheck disable=SC2086
		$2 $cmd --format csv -o "$WORK/$1-$name.csv" || fail "$cmd --format csv -o"
		cmp -s "$WORK/csv/$1-$name.csv" "$WORK/$1-$name.csv" || fail "$cmd: -o FILE is not standard output's CSV"
		rm "$WORK/$1-$name.csv"
		# shellcheck disable=SC2086
		$2 $cmd --format json >"$WORK/json/$1-$name.json" || fail "$cmd --format json"
		# shellcheck disable=SC2086
		$2 $cmd --format xlsx -o "$WORK/xlsx/$1-$name.xlsx" || fail "$cmd --format xlsx"
	done <<LIST
$LISTS
LIST
}
export_all demo DEMO
export_all wf D
[ "$(ls csv | wc -l)/$(ls xlsx | wc -l)" = 16/16 ] || fail "an export is missing"
ls "$WORK" | grep -q '\.tmp\.' && fail "an export left its temporary file"
# RFC 4180 read strictly (quotes only around a whole field, doubled inside,
# CRLF after every record, the last one too), then by Python's csv module;
# every row has the header's fields, the rows are the JSON's, and every
# value is the JSON's (null is an empty field).
python3 - csv json <<'PY' || fail "a CSV export is not RFC 4180 or differs from its JSON"
import csv, io, json, os, re, sys
def strict(data, name):
    rows, row, field, i, n = [], [], [], 0, len(data)
    while i < n:
        if data[i] == '"':
            i += 1
            while True:
                if i >= n: sys.exit(f"{name}: an unterminated quote")
                if data[i] == '"':
                    if i + 1 < n and data[i + 1] == '"': field.append('"'); i += 2; continue
                    i += 1; break
                field.append(data[i]); i += 1
        while i < n and data[i] not in ',\r\n':
            if data[i] == '"': sys.exit(f"{name}: a quote inside an unquoted field")
            field.append(data[i]); i += 1
        row.append(''.join(field)); field = []
        if i < n and data[i] == ',': i += 1; continue
        if data[i:i + 2] != '\r\n': sys.exit(f"{name}: a record ends without CRLF at byte {i}")
        rows.append(row); row = []; i += 2
    if row or not data.endswith('\r\n'): sys.exit(f"{name}: the last record lacks its CRLF")
    return rows
for f in sorted(os.listdir(sys.argv[1])):
    name = f[:-4]
    text = open(os.path.join(sys.argv[1], f), 'rb').read().decode('utf-8')
    rows = strict(text, f)
    if rows != list(csv.reader(io.StringIO(text, newline=''), strict=True)):
        sys.exit(f"{f}: Python's csv module reads it otherwise")
    head, body = rows[0], rows[1:]
    if not head or len(set(head)) != len(head) or not all(re.fullmatch(r'[a-z0-9_]+', h) for h in head):
        sys.exit(f"{f}: the header row is not one of names: {head}")
    objs = json.load(open(os.path.join(sys.argv[2], name + '.json')))
    if len(body) != len(objs): sys.exit(f"{f}: {len(body)} rows, the JSON has {len(objs)}")
    for r, o in zip(body, objs):
        if len(r) != len(head): sys.exit(f"{f}: a row of {len(r)} fields under {len(head)} names")
        for h, v in zip(head, r):
            if h == 'nip' and not re.fullmatch(r'\d{18}', v): sys.exit(f"{f}: NIP {v!r}")
            if h == 'nik' and not re.fullmatch(r'(\d{16})?', v): sys.exit(f"{f}: NIK {v!r}")
            if h in o and not isinstance(o[h], (list, dict)):
                want = '' if o[h] is None else str(o[h])
                if v != want: sys.exit(f"{f}: {h} is {v!r}, the JSON says {want!r}")
    print(f"{f}: {len(body)} rows of {len(head)} fields")
PY
grep -q '^SE-2026-000002,.*,"Permohonan ""segera"", Rïna",' csv/wf-requests.csv || fail "a subject with quotes and a comma is quoted"
grep -q '^SE-2026-000001,pendaftaran,disposisi_kabid,budi.santoso@kuduskab.go.id,2026-12-14T08:00:00+07:00,Permohonan Sertifikat Elektronik 1,Pemohon 1,198503122010011004,Dinas Kesehatan,disposisi_kabid,"sri.wahyuningsih@kuduskab.go.id, agus.prasetyo@kuduskab.go.id (plt)",,520,5,,515,' csv/wf-applications.csv ||
	{ cat csv/wf-applications.csv; fail "R1's application: name, NIP, unit, step, holder, minutes per step"; }
grep -q '^SE-2026-000003,.*,ditolak,,2026-12-14T10:02:00+07:00,2,2,' csv/wf-applications.csv || fail "R3 was decided after 2 working minutes"
grep -q '^SE-2026-000004,.*,verifikasi_kasi,agus.prasetyo@kuduskab.go.id,,10,1,,2,7,' csv/wf-applications.csv || fail "R4's minutes per step, the open one to now"
grep -q '^Budi Santoso,198503122010011004,budi.santoso@kuduskab.go.id,1A2B-3C4D-5E6F,revoked,' csv/demo-certificates.csv || fail "the demo's certificate"
ok "every list's CSV is RFC 4180 with a header row, the JSON's values, NIP and NIK whole"

# ---- every list as a workbook ----------------------------------------------
# Down a pipe or into a file, standard output takes the workbook; a
# terminal does not, and says to use -o.
D requests list --format xlsx >xlsx/wf-requests-stdout.xlsx || fail "xlsx to a redirected standard output"
sleep 1 # a second later, the same --now: the same bytes
D requests list --format xlsx | cat >piped.xlsx || fail "xlsx down a pipe"
cmp -s xlsx/wf-requests-stdout.xlsx piped.xlsx || fail "the piped workbook differs"
if command -v script >/dev/null; then
	script -qec "$DISPO --config dispo.conf requests list --format xlsx" /dev/null >tty.out 2>&1 && fail "xlsx onto a terminal"
	grep -q -- "--format xlsx writes a file: add -o FILE.xlsx" tty.out || { cat tty.out; fail "the terminal is told to use -o"; }
fi
# The workbook itself: the header row frozen with a filter, widths set.
python3 - xlsx <<'PY' || fail "a workbook's sheet lacks its frozen header, filter or widths"
import os, sys, zipfile
for f in sorted(os.listdir(sys.argv[1])):
    sheet = zipfile.ZipFile(os.path.join(sys.argv[1], f)).read('xl/worksheets/sheet1.xml').decode()
    for want in ('<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>', '<autoFilter ref="A1:', 'customWidth="1"'):
        if want not in sheet: sys.exit(f"{f}: no {want}")
PY
command -v soffice >/dev/null ||
	skip "soffice (LibreOffice) is not installed, so the workbooks cannot be read back: apt-get install libreoffice-calc-nogui (scripts/install-deps does)"
# LibreOffice reads every workbook in one start (it is slow to start), with
# a profile of its own; flat ODS says each cell's type and shown text.
mkdir lo fods
HOME=$WORK/lo timeout 300 soffice -env:UserInstallation=file://$WORK/lo/profile --headless \
	--convert-to fods --outdir fods xlsx/*.xlsx >soffice.out 2>&1 || { cat soffice.out; fail "soffice"; }
[ "$(ls fods | wc -l)" = 17 ] || { cat soffice.out; fail "soffice converted $(ls fods | wc -l) of 17 workbooks"; }
python3 - fods json <<'PY' || fail "LibreOffice reads a workbook otherwise than the list says"
import json, os, re, sys
import xml.etree.ElementTree as ET
T = '{urn:oasis:names:tc:opendocument:xmlns:table:1.0}'
O = '{urn:oasis:names:tc:opendocument:xmlns:office:1.0}'
DATES = {'RECEIVED', 'UPDATED', 'DUE', 'DECIDED', 'CREATED', 'SENT', 'ISSUED_AT', 'REVOKED_AT', 'DATE', 'VALID_FROM', 'VALID_UNTIL'}
def sheet(path):
    table = next(ET.parse(path).iter(T + 'table'))
    rows = []
    for tr in table.iter(T + 'table-row'):
        row = []
        for c in tr.findall(T + 'table-cell'):
            cell = (c.get(O + 'value-type'), c.get(O + 'date-value') or c.get(O + 'time-value'),
                    ' '.join(''.join(c.itertext()).split()))
            row += [cell] * min(int(c.get(T + 'number-columns-repeated', '1')), 64)
        if any(t for t, _, _ in row): rows.append(row)
    return rows
book = {}
for f in sorted(os.listdir(sys.argv[1])):
    rows = sheet(os.path.join(sys.argv[1], f))
    head = [s for _, _, s in rows[0] if s]
    body = [dict(zip(head, r)) for r in rows[1:]]
    name = f[:-5]
    objs = json.load(open(os.path.join(sys.argv[2], name.replace('-stdout', '') + '.json')))
    if len(body) != len(objs): sys.exit(f"{f}: {len(body)} rows, the list has {len(objs)}")
    for r in body:
        for h, (t, v, s) in r.items():
            if h in ('NIP', 'NIK', 'SERIAL') and t and (t != 'string' or not re.fullmatch(r'\d{18}' if h == 'NIP' else r'\d{16}' if h == 'NIK' else r'.+', s)):
                sys.exit(f"{f}: {h} reads as {t} {s!r}")
            if h in DATES and t and (t != 'date' or not re.fullmatch(r'\d{4}-\d\d-\d\d( \d\d:\d\d)?', s)):
                sys.exit(f"{f}: {h} reads as {t} {s!r}, not a date")
    book[name] = body
    print(f"{f}: {len(body)} rows")
def cell(name, key, col, value):
    for r in book[name]:
        if r[key][2] == value: return r[col]
    sys.exit(f"{name}: no row {value}")
want = [
    ('wf-requests', 'REQUEST', 'SE-2026-000001', 'RECEIVED', ('date', '2026-12-14T08:00:00', '2026-12-14 08:00')),
    ('wf-requests', 'REQUEST', 'SE-2026-000001', 'LATE', ('time', 'PT08H25M00S', '8:25')),
    ('wf-requests', 'REQUEST', 'SE-2026-000004', 'LATE', ('time', 'PT00H00M00S', '0:00')),
    ('wf-requests', 'REQUEST', 'SE-2026-000002', 'SUBJECT', ('string', None, 'Permohonan "segera", Rïna')),
    ('wf-requests-stdout', 'REQUEST', 'SE-2026-000002', 'LATE', ('time', 'PT07H30M00S', '7:30')),
    ('wf-applications', 'REQUEST', 'SE-2026-000003', 'DECIDED', ('date', '2026-12-14T10:02:00', '2026-12-14 10:02')),
    ('wf-applications', 'REQUEST', 'SE-2026-000001', 'NIP', ('string', None, '198503122010011004')),
    ('wf-applications', 'REQUEST', 'SE-2026-000001', 'Disposisi Kabid Informatika', ('time', 'PT08H35M00S', '8:35')),
    ('wf-employees', 'EMAIL', 'budi.santoso@kuduskab.go.id', 'NIK', ('string', None, '3319011203850001')),
    ('wf-employees', 'EMAIL', 'budi.santoso@kuduskab.go.id', 'NIP', ('string', None, '198503122010011004')),
    ('demo-certificates', 'SERIAL', '1A2B-3C4D-5E6F', 'NIP', ('string', None, '198503122010011004')),
    ('wf-outbox', 'ID', '1', 'TRIES', ('float', None, '1')),
]
for name, key, value, col, expect in want:
    got = cell(name, key, col, value)
    if got != expect: sys.exit(f"{name} {value} {col}: {got}, want {expect}")
PY
ok "every list's workbook reads back in LibreOffice: NIP, NIK and serials text, times dates, working time [h]:mm"
