#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# test-report.sh: `dispo report` and `dispo audit verify` end to end. Four
# applications go through `dispo deliver` at chosen times and officials
# answer at known working-time delays (one step late, one answer across a
# holiday, one request left open and overdue, one open over the weekend);
# the report's text, CSV and JSON give the exact numbers. Then the audit
# trail is tampered with through sqlite3, as someone with the file could,
# and `audit verify` names the request, the event and what differs.
. "$(dirname "$0")/lib.sh"

# Thursday 26 November 2026 is a holiday.
printf '# libur\n2026-11-26 Cuti bersama\n' >libur.txt
cat >dispo.conf <<CONF
[general]
data_dir = data
admin_address = admin@kuduskab.go.id
[policy]
require_authentication = false
[calendar]
timezone = Asia/Jakarta
holidays = libur.txt
[bsre]
senders = noreply@bsre.go.id
CONF
NOW=2026-11-23T09:00:00+07:00
D() { "$DISPO" --config dispo.conf --now "$NOW" "$@"; }
DB=data/dispo.db
OUT=data/outbox/new
expect_exit 0 D employees import "$DISPO_SRCDIR/rules/register-contoh.csv"

KADIS=kadis@kuduskab.go.id
KABID=sri.wahyuningsih@kuduskab.go.id
KASI=agus.prasetyo@kuduskab.go.id
VERIF=dewi.lestari@kuduskab.go.id
state() { sql $DB "select state from requests where number = '$1'"; }

R1=SE-2026-000001 R2=SE-2026-000002 R3=SE-2026-000003 R4=SE-2026-000004
# R1 goes through in the SOP's times: 4m, 6m, 10m, 10m, then BSrE's day.
apply 2026-11-23T09:00:00+07:00 budi.santoso@kuduskab.go.id 1 198503122010011004 3319011203850001
at 2026-11-23T09:04:00+07:00 $R1 disposisi_kadin $KADIS SETUJU
at 2026-11-23T09:10:00+07:00 $R1 disposisi_kabid $KABID TERUSKAN
at 2026-11-23T09:20:00+07:00 $R1 verifikasi_kasi $KASI SETUJU
at 2026-11-23T09:30:00+07:00 $R1 kirim_bsre $VERIF TERUSKAN
# R2 arrives five minutes before closing: 5 + 3 minutes; then the Kabid
# takes 27 minutes (late) and rejects it.
apply 2026-11-23T15:55:00+07:00 rina.marlina@kuduskab.go.id 2 198707262011012002 3319086607870001
at 2026-11-24T07:33:00+07:00 $R2 disposisi_kadin $KADIS SETUJU
at 2026-11-24T08:00:00+07:00 $R2 disposisi_kabid $KABID "TOLAK Unit kerja tidak sesuai"
[ "$(state $R2)" = ditolak ] || fail "R2 rejected"
# R1: BSrE's day (8 working hours from 09:30 Monday), within its 1d.
at 2026-11-24T09:00:00+07:00 $R1 proses_bsre $VERIF "SELESAI 7F3A-19C2"
[ "$(state $R1)" = terbit ] || fail "R1 issued"
# R3: Wednesday 15:55, answered Friday 07:35: Thursday is a holiday, so
# 10 working minutes, in time. Then the Kabid does not answer: overdue.
apply 2026-11-25T15:55:00+07:00 ahmad.fauzi@kuduskab.go.id 3 199204102019031007 3319031004920003
at 2026-11-27T07:35:00+07:00 $R3 disposisi_kadin $KADIS SETUJU
# R4: Friday 15:58; its 10 minutes end Monday 07:38, so not overdue yet.
apply 2026-11-27T15:58:00+07:00 andini.pratiwi@kuduskab.go.id 4 197204151998032004 3319015504720004
[ "$(state $R3)/$(state $R4)" = disposisi_kabid/disposisi_kadin ] || fail "R3 and R4 open"
ok "four requests through deliver at chosen times"

# Friday, 8 pm: the week's report.
NOW=2026-11-27T20:00:00+07:00
expect_exit 0 D report --from 2026-11-23 --to 2026-11-27
sed -n 1p out | grep -qx 'SLA report 2026-11-23 to 2026-11-27 (Asia/Jakarta)' || { cat out; fail "the report's title"; }
sed -n 2p out | grep -qx "Working time mon-fri 07:30-16:00, holidays in $WORK/.*libur.txt" || { cat out; fail "the calendar"; }
sed -n 3p out | grep -qx "Visits of a step that ended in the period; open and overdue at 2026-11-27 20:00" || { cat out; fail "when"; }
tail -n +5 out >table.txt
cat >want.txt <<'EOF'
WORKFLOW     STEP              SLA  VISITS  MEDIAN  P90     IN SLA    OPEN  OVERDUE
pendaftaran  disposisi_kadin   10m  3       8m      9m36s   3/3 100%  1     0
pendaftaran  perbaikan         3d   0       -       -       -         0     0
pendaftaran  disposisi_kabid   10m  2       16m30s  24m54s  1/2 50%   1     1
pendaftaran  verifikasi_kasi   15m  1       10m     10m     1/1 100%  0     0
pendaftaran  kirim_bsre        15m  1       10m     10m     1/1 100%  0     0
pendaftaran  proses_bsre       1d   1       8h00m   8h00m   1/1 100%  0     0
pencabutan   verifikasi_kasi   15m  0       -       -       -         0     0
pencabutan   perbaikan         3d   0       -       -       -         0     0
pencabutan   kirim_pencabutan  15m  0       -       -       -         0     0
pencabutan   permintaan_bsre   1d   0       -       -       -         0     0

pendaftaran: 4 received, 2 finished (terbit 1, ditolak 1), end to end median 4h32m, p90 7h42m; 2 open, 1 overdue.
pencabutan: 0 received, none finished; 0 open, 0 overdue.
EOF
diff -u want.txt table.txt || fail "the text report"
ok "text: visits, median and p90 of working time, share in SLA (a holiday skipped), open and overdue, totals"

# CSV: a header row, every row of the report, seconds for spreadsheets.
expect_exit 0 D report --from 2026-11-23 --to 2026-11-27 --format csv
tr -d '\r' <out >got.csv
cat >want.csv <<'EOF2'
kind,workflow,step,from,to,sla_seconds,visits,median_seconds,p90_seconds,within_sla,within_sla_percent,open,overdue,received,finished
step,pendaftaran,disposisi_kadin,2026-11-23,2026-11-27,600,3,480,576,3,100,1,0,,
step,pendaftaran,perbaikan,2026-11-23,2026-11-27,259200,0,,,0,,0,0,,
step,pendaftaran,disposisi_kabid,2026-11-23,2026-11-27,600,2,990,1494,1,50,1,1,,
step,pendaftaran,verifikasi_kasi,2026-11-23,2026-11-27,900,1,600,600,1,100,0,0,,
step,pendaftaran,kirim_bsre,2026-11-23,2026-11-27,900,1,600,600,1,100,0,0,,
step,pendaftaran,proses_bsre,2026-11-23,2026-11-27,86400,1,28800,28800,1,100,0,0,,
end,pendaftaran,terbit,2026-11-23,2026-11-27,,,30600,30600,,,,,,1
end,pendaftaran,ditolak,2026-11-23,2026-11-27,,,2100,2100,,,,,,1
total,pendaftaran,,2026-11-23,2026-11-27,,,16350,27750,,,2,1,4,2
step,pencabutan,verifikasi_kasi,2026-11-23,2026-11-27,900,0,,,0,,0,0,,
step,pencabutan,perbaikan,2026-11-23,2026-11-27,259200,0,,,0,,0,0,,
step,pencabutan,kirim_pencabutan,2026-11-23,2026-11-27,900,0,,,0,,0,0,,
step,pencabutan,permintaan_bsre,2026-11-23,2026-11-27,86400,0,,,0,,0,0,,
end,pencabutan,dicabut,2026-11-23,2026-11-27,,,,,,,,,,0
end,pencabutan,ditolak,2026-11-23,2026-11-27,,,,,,,,,,0
total,pencabutan,,2026-11-23,2026-11-27,,,,,,,0,0,0,0
EOF2
diff -u want.csv got.csv || fail "the CSV report"
[ "$(grep -c "$(printf '\r$')" out)" = 17 ] || fail "CSV lines end in CRLF"
ok "CSV: a header row and the same numbers in seconds"

# JSON: an array of objects, null where a column does not apply.
expect_exit 0 D report --from 2026-11-23 --to 2026-11-27 --workflow pendaftaran --format json
jq -e 'length == 9 and all(.[]; .workflow == "pendaftaran" and .from == "2026-11-23" and .to == "2026-11-27")' out >/dev/null || { cat out; fail "json: one workflow's rows"; }
jq -e '.[0] == {"kind": "step", "workflow": "pendaftaran", "step": "disposisi_kadin",
	"from": "2026-11-23", "to": "2026-11-27", "sla_seconds": 600, "visits": 3,
	"median_seconds": 480, "p90_seconds": 576, "within_sla": 3, "within_sla_percent": 100,
	"open": 1, "overdue": 0, "received": null, "finished": null}' out >/dev/null || { cat out; fail "json: the first step"; }
jq -e '[.[] | select(.kind == "step") | [.step, .visits, .median_seconds, .p90_seconds, .within_sla, .open, .overdue]] ==
	[["disposisi_kadin", 3, 480, 576, 3, 1, 0], ["perbaikan", 0, null, null, 0, 0, 0],
	 ["disposisi_kabid", 2, 990, 1494, 1, 1, 1], ["verifikasi_kasi", 1, 600, 600, 1, 0, 0],
	 ["kirim_bsre", 1, 600, 600, 1, 0, 0], ["proses_bsre", 1, 28800, 28800, 1, 0, 0]]' out >/dev/null || { cat out; fail "json: the steps"; }
jq -e '[.[] | select(.kind == "end") | [.step, .finished, .median_seconds]] == [["terbit", 1, 30600], ["ditolak", 1, 2100]]' out >/dev/null || { cat out; fail "json: the ends"; }
jq -e '.[-1] | .kind == "total" and .step == null and .received == 4 and .finished == 2
	and .median_seconds == 16350 and .p90_seconds == 27750 and .open == 2 and .overdue == 1 and .visits == null' out >/dev/null || { cat out; fail "json: the total"; }
ok "JSON: an array of objects, one workflow with --workflow"

# One day: visits that began before it count when they ended in it; --to
# is that day included; nothing was received then.
expect_exit 0 D report --from 2026-11-24 --to 2026-11-24 --workflow pendaftaran --format json
jq -e '[.[] | select(.kind == "step" and .visits > 0) | [.step, .visits, .median_seconds, .within_sla]] ==
	[["disposisi_kadin", 1, 480, 1], ["disposisi_kabid", 1, 1620, 0], ["proses_bsre", 1, 28800, 1]]
	and .[-1].received == 0 and .[-1].finished == 2' out >/dev/null || { cat out; fail "one day"; }
# The day before the week: nothing ended, but who is open now is the same.
expect_exit 0 D report --from 2026-11-22 --to 2026-11-22 --format json
jq -e 'all(.[]; (.visits // 0) == 0 and (.finished // 0) == 0 and (.received // 0) == 0)
	and ([.[] | select(.kind == "total") | .open] == [2, 0])' out >/dev/null || { cat out; fail "a quiet day"; }
# By default, the last 30 days to today.
expect_exit 0 D report
sed -n 1p out | grep -qx 'SLA report 2026-10-29 to 2026-11-27 (Asia/Jakarta)' || { cat out; fail "the default period"; }
tail -n +5 out | diff -u want.txt - || fail "the default period's report"
expect_exit 0 D report --from 2026-11-23 --format json
jq -e '.[0].to == "2026-12-22"' out >/dev/null || fail "--from alone: 30 days"
ok "a period of one day counts visits that ended in it; the default is the last 30 days"

expect_exit 64 D report --from 2026-11-31
contains err "--from '2026-11-31' is not a date: write it as yyyy-mm-dd (2026-11-01)"
expect_exit 64 D report --to 27/11/2026
contains err "write it as yyyy-mm-dd"
expect_exit 64 D report --from 2026-11-27 --to 2026-11-23
contains err "the period begins (2026-11-27) after it ends (2026-11-23): swap --from and --to"
expect_exit 64 D report --workflow sertifikat
contains err "the rules have no workflow 'sertifikat' (they have pendaftaran, pencabutan)"
expect_exit 64 D report --format xml
contains err "--format must be text, csv or json"
expect_exit 64 D report 2026-11
contains err "takes no arguments"
expect_exit 0 D report --help
contains out "--from=yyyy-mm-dd"
printf '2026-11-26\n26-11-2026\n' >badlibur.txt
sed 's/libur.txt/badlibur.txt/' dispo.conf >bad.conf
expect_exit 78 "$DISPO" --config bad.conf report
contains err "badlibur.txt:2: '26-11-2026' is not a date: write it as yyyy-mm-dd (2026-12-25); fix [calendar] in"
ok "report: mistakes are usage errors that say what to write"

# ---- audit verify ------------------------------------------------------------
expect_exit 0 D audit verify
events=$(sql $DB "select count(*) from events")
contains out "Checked $events events of 4 requests: every hash chain is intact."
# Someone with the file changes the reason of a rejection, past the trigger.
sql $DB "DROP TRIGGER events_no_update; UPDATE events SET detail = replace(detail, 'Unit kerja tidak sesuai', 'Lengkap') WHERE kind = 'reject'"
id=$(sql $DB "select id || ' (seq ' || seq || ')' from events where kind = 'reject'")
expect_exit 65 D audit verify
contains out "$R2 event $id: its fields (time, actor, kind, detail, message, rules version, request number) hash to "
contains out "it was changed after it was written"
contains out "Checked $events events of 4 requests: 1 broken link in 1 request."
contains out "compare it with a backup of dispo.db"
[ "$(grep -c ' event ' out)" = 1 ] || { cat out; fail "one change, one broken link"; }
# One request's chain: the others are not read.
expect_exit 0 D audit verify --request $R1
contains out "events of 1 request: its hash chain is intact."
expect_exit 65 D audit verify --request $R2
# A deleted event is named by the gap it leaves.
sql $DB "DROP TRIGGER events_no_delete; DELETE FROM events WHERE request_id = (SELECT id FROM requests WHERE number = '$R3') AND seq = 2"
id=$(sql $DB "select e.id from events e join requests r on r.id = e.request_id where r.number = '$R3' and e.seq = 3")
expect_exit 65 D audit verify
contains out "$R3 event $id (seq 3): event 2 before it is missing: it was deleted"
# The reports' copy of it (moves) is named too: reports would count it.
contains out "$R3 seq 2: a copy for reports (the moves table) of an event that is not there"
contains out "Checked $((events - 1)) events of 4 requests: 3 broken links in 2 requests."
expect_exit 66 D audit verify --request SE-2026-000099
contains err "no request SE-2026-000099 (dispo requests list shows them all)"
expect_exit 64 D audit check
contains err "use 'audit verify' or 'audit verify --request NUMBER'"
ok "audit verify: a changed event and a deleted one (and its copy for reports) are named with their request; exit 65, 0 when clean"
