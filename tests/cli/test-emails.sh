#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# test-emails.sh: dispo's emails as the people who get them read them.
# emailcheck.py asks every email what an office's would answer (flowed text
# within 72 columns, "-- ", signed by the office and never by dispo, no
# internal code, the register's greeting, a natural subject, every
# attachment listed, buttons for an official's commands); it must see each
# of those faults in a bad email, then find none in the demo's emails, in
# an Indonesian run (a button tapped on a phone, an official answering a
# step that is not his, the help after an answer without a command, a
# refusal tapped on that help's button) and in an English one. The decisions to
# the applicant thread with his acknowledgement and say what comes next.
. "$(dirname "$0")/lib.sh"

REGISTER=$DISPO_SRCDIR/rules/register-contoh.csv
check() { python3 "$DISPO_SRCDIR/tests/cli/emailcheck.py" --register "$REGISTER" "$@"; }
body() { python3 "$DISPO_SRCDIR/tests/cli/mailpart.py" --unflow "$1"; }
tmpl() { sql $DB "select printf('%06d.eml', id) from outbox where template = '$1' order by id limit 1"; }

# ---- the checker sees what an office would not send --------------------------
{
	printf 'From: dispo <sertifikat@kuduskab.go.id>\r\nTo: agus.prasetyo@kuduskab.go.id\r\n'
	printf 'Reply-To: sertifikat+abcdefgh@kuduskab.go.id\r\n'
	printf 'Subject: [SE-2026-000001] Mohon disposisi: Disposisi Kepala Dinas\r\n'
	printf 'MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n'
	printf 'Content-Type: text/plain; charset=utf-8\r\n\r\nYth. Agus Prasetyo, S.Kom.,\r\n\r\n'
	printf 'Langkah ini menunggu keputusan orang lain (not_your_step: kasi_ti), mohon periksa kembali permohonan ini.\r\n\r\n'
	printf 'Balas dengan:\r\n  SETUJU\r\n  TOLAK <alasan>\r\n\r\n--\r\ndispo, sertifikat@kuduskab.go.id\r\n'
	printf -- '--b\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename="Surat Rekomendasi.pdf"\r\n\r\n%%PDF-1.4\r\n--b--\r\n'
} >bad.eml
check bad.eml >out && fail "the checker passed a bad email"
for what in "not format=flowed" "columns wide" "without its space" "no signature separator" \
	"From is named 'dispo'" "the text names dispo" "internal codes: kasi_ti, not_your_step" \
	"the register says 'Bapak Agus Prasetyo'" "says 'disposisi' twice" \
	"does not list its attachment 'Surat Rekomendasi.pdf'" "no HTML part to tap"; do
	contains out "$what"
done
ok "the checker reports each fault of a bad email"

# ---- the demo --------------------------------------------------------------------
expect_exit 0 "$DISPO" demo --dir demo
DB=demo/dispo.db
OUT=demo/outbox/new
[ "$(ls $OUT | wc -l)" -ge 12 ] || fail "the demo sent $(ls $OUT | wc -l) emails"
check $OUT/*.eml >out || { cat out; fail "the demo's emails"; }
# The Kasi's email carries the generated letter and says so.
kasi=$OUT/$(sql $DB "select printf('%06d.eml', id) from outbox where to_addr = 'agus.prasetyo@kuduskab.go.id' and template = 'disposisi' order by id limit 1")
python3 "$DISPO_SRCDIR/tests/cli/mailpart.py" --names "$kasi" >names
[ "$(wc -l <names)" = 4 ] && grep -qx "Surat Rekomendasi SE-2026-000001.pdf" names ||
	{ cat names; fail "the Kasi's email does not carry the letter"; }
body "$kasi" | grep -q "Surat Rekomendasi SE-2026-000001.pdf (.*), rancangan" ||
	{ body "$kasi"; fail "the Kasi's email does not say the letter is a draft to sign"; }
# An official's HTML: the applicant's data in a table.
disp=$OUT/$(last_to kadis@kuduskab.go.id disposisi)
python3 "$DISPO_SRCDIR/tests/cli/mailpart.py" --html "$disp" >html
grep -q '<th[^>]*>NIP</th><td[^>]*>198503122010011004</td>' html || { cat html; fail "no table of the applicant's data"; }
# The decision: threaded to the acknowledgement, the serial and the passphrase step.
ack=$OUT/$(tmpl tanda_terima)
dec=$OUT/$(tmpl keputusan)
[ "$(hdr In-Reply-To "$dec")" = "$(hdr Message-Id "$ack")" ] || fail "the decision does not answer the acknowledgement"
case $(hdr References "$dec") in *"$(hdr Message-Id "$ack")"*) ;; *) fail "the decision's References lack the acknowledgement" ;; esac
body "$dec" >dec.txt
contains dec.txt "Nomor seri   : 1A2B-3C4D-5E6F"
contains dec.txt "membuat passphrase"
contains dec.txt "SOP langkah 4c"
ok "the demo's emails read as an office's; the decision threads with the acknowledgement"

# ---- Indonesian: a phone's tap, a wrong official, a refusal --------------------
run() { # LANG: a fresh store in $1
	mkdir -p "$1"
	cat >"$1/dispo.conf" <<CONF
[general]
data_dir = data
language = $1
admin_address = admin@kuduskab.go.id
[policy]
agency_domains = kuduskab.go.id
require_authentication = false
CONF
	cd "$1" || exit 99
	DB=data/dispo.db
	OUT=data/outbox/new
	expect_exit 0 D employees import "$REGISTER"
	application budi.santoso@kuduskab.go.id 1 >app.eml
	sed -i 's/^From: Pemohon 1 </From: Budi Santoso </; s/Nama: Pemohon 1/Nama: Budi Santoso/' app.eml
	expect_exit 0 D deliver <app.eml
}
D() { "$DISPO" --config dispo.conf --now 2026-11-23T09:00:00+07:00 "$@"; }
state() { sql $DB "select state from requests where number = 'SE-2026-000001'"; }
# tap FILE FROM WORD [TEXT]: the email a phone writes from FILE's WORD
# button: to the link's address, its subject, its body (TEXT after it), and
# the phone's signature; no thread headers.
tap() {
	n=$((n + 1))
	python3 "$DISPO_SRCDIR/tests/cli/mailpart.py" --html "$OUT/$1" |
		grep -o "href=\"mailto:[^\"]*body=$3[^\"]*\"" | head -n 1 |
		sed 's/^href="mailto://; s/"$//; s/&amp;/\&/g' >link
	[ -s link ] || fail "$1 has no $3 button"
	python3 - "$2" "${4:-}" "$n" "$(cat link)" >tap$n.eml <<'PY'
import sys, urllib.parse
addr, query = sys.argv[4].split("?", 1)
q = urllib.parse.parse_qs(query)
body = q["body"][0] + sys.argv[2] + "\r\n\r\nDikirim dari iPhone saya\r\n"
sys.stdout.write("From: %s\r\nTo: %s\r\nSubject: %s\r\nMessage-ID: <tap%s@kuduskab.go.id>\r\n"
                 "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
                 "Content-Transfer-Encoding: 8bit\r\n\r\n%s"
                 % (sys.argv[1], addr, q["subject"][0], sys.argv[3], body))
PY
	expect_exit 0 D deliver <tap$n.eml
}
run id
[ "$(state)" = disposisi_kadin ] || fail "the application did not open"
tap "$(last_to kadis@kuduskab.go.id disposisi)" kadis@kuduskab.go.id SETUJU
[ "$(state)" = disposisi_kabid ] || fail "the Kepala Dinas's tap on SETUJU did not move the request (at $(state))"
# The Kasi answers the Kabid's email: told whose step it is, in words.
answer "$(last_to sri.wahyuningsih@kuduskab.go.id disposisi)" agus.prasetyo@kuduskab.go.id "SETUJU"
[ "$(state)" = disposisi_kabid ] || fail "the wrong official's answer moved the request"
expl=$(last_to agus.prasetyo@kuduskab.go.id penjelasan)
[ -n "$expl" ] || fail "the wrong official was not told"
body "$OUT/$expl" >expl.txt
contains expl.txt "menunggu keputusan Kepala Bidang Informatika (Sri Wahyuningsih, S.T., M.T.), bukan Anda"
# The Kabid's answer has no command: the help has the buttons, and hers works.
answer "$(last_to sri.wahyuningsih@kuduskab.go.id disposisi)" sri.wahyuningsih@kuduskab.go.id "Baik, sudah saya baca"
help=$(last_to sri.wahyuningsih@kuduskab.go.id bantuan)
[ -n "$help" ] || fail "no help for an answer without a command"
tap "$help" sri.wahyuningsih@kuduskab.go.id TOLAK "Surat rekomendasi belum ditandatangani atasan"
[ "$(state)" = ditolak ] || fail "the Kabid's tap on TOLAK did not refuse (at $(state))"
dec=$OUT/$(tmpl keputusan)
body "$dec" >dec.txt
contains dec.txt "tidak dapat kami lanjutkan, dengan alasan:"
contains dec.txt "Surat rekomendasi belum ditandatangani atasan"
contains dec.txt "mengajukan permohonan baru"
contains dec.txt "hubungi administrator di admin@kuduskab.go.id"
[ "$(hdr In-Reply-To "$dec")" = "$(hdr Message-Id "$OUT/$(tmpl tanda_terima)")" ] || fail "the refusal does not answer the acknowledgement"
check $OUT/*.eml >out || { cat out; fail "the Indonesian run's emails"; }
cd "$WORK" || exit 99
ok "Indonesian: a tapped button decides, a wrong official is told whose step it is, a refusal says why and how to apply again"

# ---- English ------------------------------------------------------------------
run en
disp=$(last_to kadis@kuduskab.go.id disposisi)
body "$OUT/$disp" | head -n 1 | grep -qx "Dear Mr Hendro Wibisono," || { body "$OUT/$disp"; fail "the English greeting"; }
tap "$disp" kadis@kuduskab.go.id REJECT "The recommendation letter is not signed"
[ "$(state)" = ditolak ] || fail "the English REJECT button did not refuse (at $(state))"
body "$OUT/$(tmpl keputusan)" >dec.txt
contains dec.txt "The recommendation letter is not signed"
check $OUT/*.eml >out || { cat out; fail "the English run's emails"; }
cd "$WORK" || exit 99
ok "English: the same, in English"
