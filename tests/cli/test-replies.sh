#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# test-replies.sh: the answers that used to go nowhere, end to end through
# `dispo deliver` with emails written as clients and BSrE write them: an
# answer to dispo's own help or explanation email works (it carries a token
# for the step); a command naming a request that does not exist is answered;
# STATUS / CEK tells the applicant, an official or the administrator where a
# request is, and nobody else anything; BSrE's own notice, without a tag, ends
# the BSrE stage of the request it describes by NIK and email, and one that
# fits none or several goes to the administrator.
. "$(dirname "$0")/lib.sh"

ADMIN=admin@kuduskab.go.id
cat >dispo.conf <<CONF
[general]
data_dir = data
admin_address = $ADMIN
[policy]
agency_domains = kuduskab.go.id
require_authentication = false
[bsre]
senders = noreply@bsre.go.id
CONF
NOW=2026-11-23T09:00:00+07:00
D() { "$DISPO" --config dispo.conf --now "$NOW" "$@"; }
DB=data/dispo.db
OUT=data/outbox/new
expect_exit 0 D employees import "$DISPO_SRCDIR/rules/register-contoh.csv"
KADIS=kadis@kuduskab.go.id
BUDI=budi.santoso@kuduskab.go.id
RINA=rina.marlina@kuduskab.go.id

# body FILE: the text part as its reader sees it (decoded, flowed lines joined).
body() { python3 "$DISPO_SRCDIR/tests/cli/mailpart.py" --unflow "$1"; }
state() { sql $DB "select state from requests where number = '$1'"; }
# fresh FROM SUBJECT TEXT: a new email (no thread headers), as from a phone.
fresh() {
	n=$((n + 1))
	{
		printf 'From: %s\r\nTo: sertifikat@kuduskab.go.id\r\nSubject: %s\r\n' "$1" "$2"
		printf 'Message-ID: <fresh%s@kuduskab.go.id>\r\nDate: Mon, 23 Nov 2026 10:%02d:00 +0700\r\n' $n $((n % 60))
		printf 'MIME-Version: 1.0\r\nContent-Type: text/plain; charset="UTF-8"\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n%b\r\n\r\nDikirim dari iPhone saya\r\n' "$3"
	} >fresh$n.eml
	expect_exit 0 D deliver <fresh$n.eml
}

application $BUDI 1 >app.eml
sed -i 's/^From: Pemohon 1 </From: Budi Santoso </; s/Nama: Pemohon 1/Nama: Budi Santoso/' app.eml
expect_exit 0 D deliver <app.eml
R=SE-2026-000001
[ "$(state $R)" = disposisi_kadin ] || fail "the application did not open"

# ---- help and explanations carry a token ------------------------------------
disp=$(last_to $KADIS disposisi)
answer "$disp" $KADIS "Baik pak"
help=$(last_to $KADIS bantuan)
[ -n "$help" ] || fail "no help for an unclear reply"
case $(hdr Reply-To "$OUT/$help") in sertifikat+*@kuduskab.go.id) ;; *) fail "the help email has no reply token" ;; esac
[ "$(sql $DB "select t.step || '/' || t.role || '/' || t.address from tokens t join outbox o on o.id = t.outbox_id where o.template = 'bantuan'")" = "disposisi_kadin/kepala_dinas/$KADIS" ] ||
	fail "the help email's token is not bound to the step, role and official"
answer "$help" $KADIS "SETUJU"
[ "$(state $R)" != disposisi_kadin ] || fail "SETUJU in answer to the help email changed nothing"
ok "an unclear reply gets help with a token; SETUJU in answer to the help email is carried out"

# The disposition he did not use, answered after the step has passed: told.
before=$(count_to $KADIS penjelasan)
answer "$disp" $KADIS "SETUJU"
[ "$(count_to $KADIS penjelasan)" = $((before + 1)) ] || fail "an answer to a passed step was not answered"
b=$(body "$OUT/$(last_to $KADIS penjelasan)")
echo "$b" | grep -q "sudah lewat" || fail "the explanation does not say the step has passed"
! echo "$b" | grep -q "step_passed" || fail "the explanation shows its internal code"
# The Kabid forwards with her disposition, then answers it again: that
# email was decided on; she is told so, not ignored.
KABID=sri.wahyuningsih@kuduskab.go.id
kdisp=$(last_to $KABID disposisi)
answer "$kdisp" $KABID "TERUSKAN"
st=$(state $R)
[ "$st" != disposisi_kabid ] || fail "the Kabid's TERUSKAN"
before=$(count_to $KABID penjelasan)
answer "$kdisp" $KABID "TERUSKAN"
[ "$(count_to $KABID penjelasan)" = $((before + 1)) ] || fail "an answer to a decided email was dropped in silence"
expl=$(last_to $KABID penjelasan)
body "$OUT/$expl" | grep -q "sudah diputuskan sebelumnya" || { body "$OUT/$expl"; fail "the explanation does not say it was decided"; }
[ "$(sql $DB "select count(*) from events where kind = 'reply_again'")" = 1 ] || fail "the second answer is not on the record"
body "$OUT/$expl" | grep -q "Verifikasi berkas" || fail "the explanation does not say where the request is"
# The request is now the Kasi's: no token she could never use.
case $(hdr Reply-To "$OUT/$expl") in sertifikat+*) fail "a token went to someone who cannot act at the step" ;; esac
# She answers the explanation anyway: told again, nothing moves.
before=$(count_to $KABID penjelasan)
answer "$expl" $KABID "SETUJU"
[ "$(state $R)" = "$st" ] || fail "an answer to the explanation by the wrong official moved the request"
[ "$(count_to $KABID penjelasan)" = $((before + 1)) ] || fail "an unusable answer to the explanation was not answered"
ok "an answer to a passed or decided email, and to the explanation, is answered with why"

# Someone who is neither the applicant, an official nor the administrator,
# naming the request by its tag, is not answered, exactly as for a number
# that does not exist (the numbers are sequential: no oracle); the message
# is kept on the request's record.
before=$(count_to $RINA)
fresh $RINA "[SE-2026-000001] SETUJU" "SETUJU"
[ "$(count_to $RINA)" = "$before" ] || { body "$OUT/$(last_to $RINA)"; fail "a stranger naming a request by its tag was answered"; }
[ "$(state $R)" = "$st" ] || fail "a stranger's command moved the request"
[ "$(sql $DB "select count(*) from events where kind = 'reply_refused' and actor = '$RINA'")" = 1 ] || fail "not on the record"
ok "a stranger naming a request by its tag learns nothing about it"

# ---- a request that does not exist -----------------------------------------------
before=$(count_to $KADIS)
fresh $KADIS "[SE-2026-000999] SETUJU" "SETUJU"
[ "$(count_to $KADIS)" = $((before + 1)) ] || fail "a command naming no existing request got no answer"
m=$OUT/$(last_to $KADIS status)
body "$m" | grep -q "SE-2026-000999 tidak ditemukan" || { body "$m"; fail "the answer does not say the request is unknown"; }
[ "$(sql $DB "select count(*) from refusals where sender = '$KADIS'")" = 0 ] || fail "the official's command was taken for an application"
before=$(count_to $RINA)
fresh $RINA "[SE-2026-000999] SETUJU" "SETUJU"
[ "$(count_to $RINA)" = "$before" ] || fail "someone who holds no role was answered about an unknown number"
ok "an official's command naming an unknown request is answered; a non-official's is not"

# ---- STATUS / CEK -------------------------------------------------------------
before=$(count_to $BUDI)
fresh $BUDI "cek" "Cek status permohonan saya"
[ "$(count_to $BUDI)" = $((before + 1)) ] || fail "the applicant's status question got no answer"
m=$OUT/$(last_to $BUDI status)
body "$m" >status.txt
grep -q "$R" status.txt && grep -q "Di meja: *Kepala Seksi TI dan Persandian (Agus Prasetyo" status.txt &&
	grep -q "Sejak: *23 November 2026 pukul 09.00 WIB" status.txt &&
	grep -q "Waktu baku: 15 menit, batas 23 November 2026 pukul 09.15 WIB - masih dalam waktu" status.txt &&
	! grep -q "permohonan lain" status.txt ||
	{ cat status.txt; fail "the status answer lacks the step, holder, time standard or lateness"; }
[ "$(sql $DB "select count(*) from refusals where sender = '$BUDI'")" = 0 ] || fail "a status question was refused as an application"
[ "$(sql $DB "select count(*) from requests")" = 1 ] || fail "a status question opened a request"
# An official asks with the number, late in the day: the SLA has passed.
NOW=2026-11-23T15:00:00+07:00
fresh agus.prasetyo@kuduskab.go.id "status" "STATUS $R"
m=$OUT/$(last_to agus.prasetyo@kuduskab.go.id status)
body "$m" | grep -q "TERLAMBAT" || { body "$m"; fail "a late step is not said to be late"; }
hdr Subject "$m" | grep -qF "$R" || fail "the answer about one request names it in its subject"
# The administrator, with no number: every open request.
fresh $ADMIN "STATUS" "status"
body "$OUT/$(last_to $ADMIN status)" | grep -q "$R" || fail "the administrator's list"
# Someone else asking about Budi's request is told nothing about it; a
# stranger with no request at all gets no answer.
fresh $RINA "cek" "CEK $R"
# Rina has no request and no role: nothing.
[ "$(count_to $RINA status)" = 0 ] || fail "a stranger was told a request's status"
# Andini applies for herself (her own NIP and NIK).
application andini.pratiwi@kuduskab.go.id 2 | sed 's/198503122010011004/197204151998032004/; s/3319011203850001/3319015504720004/' >app2.eml
expect_exit 0 D deliver <app2.eml
[ "$(state SE-2026-000002)" = disposisi_kadin ] || fail "Andini's application"
fresh andini.pratiwi@kuduskab.go.id "cek" "Selamat pagi,\nCEK $R\nTerima kasih"
m=$OUT/$(last_to andini.pratiwi@kuduskab.go.id status)
body "$m" | grep -q "$R tidak ditemukan" || { body "$m"; fail "another applicant learnt of Budi's request"; }
body "$m" | grep -q "Kepala Seksi" && fail "another applicant was told where Budi's request is"
# A form that starts with a Status field is an application, not a question.
application $RINA 3 | sed 's/198503122010011004/198707262011012002/; s/3319011203850001/3319086607870001/; s/^Nama: Pemohon 3/Status kepegawaian: PNS\r\nNama: Pemohon 3/' >app3.eml
expect_exit 0 D deliver <app3.eml
[ "$(sql $DB "select count(*) from requests where applicant = '$RINA'")" = 1 ] || fail "an application starting with 'Status:' was taken for a question"
NOW=2026-11-23T09:00:00+07:00
ok "STATUS/CEK answers the applicant, an official and the administrator with step, holder, since and time standard; nobody else learns anything"

# ---- BSrE's own notice ----------------------------------------------------------
# to_bsre REQUEST: each official in turn answers SETUJU until BSrE's stage.
to_bsre() {
	i=0
	while :; do
		st=$(state "$1")
		case $st in proses_bsre | permintaan_bsre) return 0 ;; esac
		i=$((i + 1))
		[ $i -gt 8 ] && fail "$1 did not reach BSrE (at $st)"
		row=$(sql $DB "select printf('%06d.eml', o.id) || '|' || o.to_addr from outbox o join requests r on r.id = o.request_id where r.number = '$1' and o.step = '$st' and o.kind = 'workflow' order by o.id desc limit 1")
		answer "${row%%|*}" "${row#*|}" "SETUJU"
	done
}
# Budi applied a second time (another letter); both wait at BSrE.
application $BUDI 4 >app4.eml
expect_exit 0 D deliver <app4.eml
R4=SE-2026-000004
[ "$(state $R4)" = disposisi_kadin ] || fail "Budi's second application"
to_bsre $R
to_bsre $R4
# notice NIK EMAIL SERIAL [SUBJECT]: BSrE's notice as its system sends it,
# multipart/alternative, no thread.
notice() {
	n=$((n + 1))
	subject=${4:-Sertifikat Elektronik Telah Terbit}
	{
		printf 'From: BSrE BSSN <noreply@bsre.go.id>\r\nTo: sertifikat@kuduskab.go.id\r\nSubject: %s\r\n' "$subject"
		printf 'Message-ID: <notice%s@bsre.go.id>\r\nDate: Tue, 24 Nov 2026 10:00:00 +0700\r\n' $n
		printf 'MIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary="bsre"\r\n\r\n--bsre\r\n'
		printf 'Content-Type: text/plain; charset=UTF-8\r\n\r\nYth. Bapak/Ibu,\r\n\r\nSertifikat elektronik atas nama berikut telah terbit:\r\n\r\n'
		printf 'Nama        : BUDI SANTOSO\r\nNIK         : %s\r\n' "$1"
		[ -n "$2" ] && printf 'Email       : %s\r\n' "$2"
		[ -n "$3" ] && printf 'Nomor Seri  : %s\r\n' "$3"
		printf 'Berlaku     : 24 November 2026 s.d. 24 November 2028\r\n\r\n'
		printf 'Silakan atur passphrase Anda melalui tautan yang dikirim terpisah.\r\n\r\nSalam,\r\nBalai Sertifikasi Elektronik\r\n'
		printf -- '--bsre\r\nContent-Type: text/html; charset=UTF-8\r\n\r\n<p>Sertifikat elektronik telah terbit.</p>\r\n--bsre--\r\n'
	} >notice$n.eml
	expect_exit 0 D deliver <notice$n.eml
}
NIK_BUDI=3319011203850001
admin_notices() { count_to $ADMIN bsre_tidak_cocok; }
last_notice() { body "$OUT/$(last_to $ADMIN bsre_tidak_cocok)"; }
# A NIK nobody waiting at BSrE has: the administrator hears what was read.
before=$(admin_notices)
notice 3319019999990001 $BUDI 7F3A19C20B44
[ "$(state $R)" != terbit ] && [ "$(state $R4)" != terbit ] || fail "a notice with another NIK issued a certificate"
[ "$(admin_notices)" = $((before + 1)) ] || fail "an unmatched notice did not reach the administrator"
last_notice | grep -q "3319019999990001" || { last_notice; fail "the administrator is not told what was read"; }
# Budi's NIK and email fit both of his requests: never guessed.
notice $NIK_BUDI $BUDI 7F3A19C20B44
[ "$(state $R)" != terbit ] && [ "$(state $R4)" != terbit ] || fail "an ambiguous notice was guessed"
[ "$(admin_notices)" = $((before + 2)) ] || fail "an ambiguous notice did not reach the administrator"
last_notice | grep -q "$R4" && last_notice | grep -q "$R\$" || { last_notice; fail "the administrator is not told which requests fit"; }
# No serial: not taken as an issuance.
notice $NIK_BUDI $BUDI "" "[$R] Sertifikat Elektronik Telah Terbit"
[ "$(state $R)" != terbit ] || fail "a notice without a serial issued a certificate"
[ "$(admin_notices)" = $((before + 3)) ] || fail "a notice without a serial did not reach the administrator"
# The tag BSrE kept decides between them, and must agree with the NIK.
notice 3319086607870001 $BUDI 7F3A19C20B44 "[$R] Sertifikat Elektronik Telah Terbit"
[ "$(state $R)" != terbit ] || fail "a tagged notice with another NIK issued a certificate"
notice $NIK_BUDI $BUDI 7F3A19C20B44 "[$R] Sertifikat Elektronik Telah Terbit"
[ "$(state $R)" = terbit ] || fail "BSrE's tagged notice did not end the BSrE stage (at $(state $R))"
[ "$(state $R4)" != terbit ] || fail "the notice moved the other request"
# Now only the second request waits: the untagged notice is its own.
notice $NIK_BUDI $BUDI 9C01D2E3F4A5
[ "$(state $R4)" = terbit ] || fail "BSrE's untagged notice did not end the BSrE stage (at $(state $R4))"
expect_exit 0 D records certificates --format json
jq -e --arg r $R4 '.[] | select(.request == $r) | .serial == "9C01D2E3F4A5" and .valid_from == "2026-11-24" and .valid_until == "2028-11-24" and .email == "budi.santoso@kuduskab.go.id"' out >/dev/null ||
	{ cat out; fail "the certificate, its serial and validity are not recorded"; }
# The applicant's decision says what BSrE's notice said and what to do next
# (SOP 4c: the passphrase), threaded to the acknowledgement he received.
dec=$OUT/$(last_to $BUDI keputusan)
body "$dec" | grep -q "Nomor seri *: 9C01D2E3F4A5" || { body "$dec"; fail "the decision lacks the serial"; }
body "$dec" | grep -q "Berlaku *: 24 November 2026 s.d. 24 November 2028" || { body "$dec"; fail "the decision lacks the validity"; }
body "$dec" | grep -q "passphrase" || fail "the decision does not say to set the passphrase"
ack=$(sql $DB "select printf('%06d.eml', o.id) from outbox o join requests r on r.id = o.request_id where r.number = '$R4' and o.template = 'tanda_terima'")
[ "$(hdr In-Reply-To "$dec")" = "$(hdr Message-ID "$OUT/$ack")" ] || fail "the decision does not answer the acknowledgement"
# The same notice again records nothing more (nobody waits at BSrE).
notice $NIK_BUDI $BUDI 9C01D2E3F4A5
[ "$(sql $DB "select count(*) from certificates")" = 2 ] || fail "a repeated notice recorded another certificate"
ok "BSrE's untagged notice is matched by NIK and email and records serial and validity; unmatched, ambiguous or serial-less ones go to the administrator"

# ---- a token belongs to its visit of the step --------------------------------
# Rina's request, back at the Kepala Dinas after the Kabid returned it: the
# help email of his first visit (with the documents as they were then) no
# longer decides; the new visit's email does.
R3=SE-2026-000003
[ "$(state $R3)" = disposisi_kadin ] || fail "Rina's request"
NOW=2026-11-23T10:00:00+07:00
d1=$(sql $DB "select printf('%06d.eml', o.id) from outbox o join requests r on r.id = o.request_id where r.number = '$R3' and o.step = 'disposisi_kadin' and o.template = 'disposisi' order by o.id limit 1")
answer "$d1" $KADIS "Siap"
h1=$(last_to $KADIS bantuan)
answer "$d1" $KADIS "SETUJU"
[ "$(state $R3)" = disposisi_kabid ] || fail "the Kepala Dinas' first SETUJU"
kd=$(sql $DB "select printf('%06d.eml', o.id) from outbox o join requests r on r.id = o.request_id where r.number = '$R3' and o.step = 'disposisi_kabid' order by o.id desc limit 1")
NOW=2026-11-23T10:30:00+07:00
answer "$kd" $KABID "KEMBALIKAN\nMohon dicek ulang unit kerjanya"
[ "$(state $R3)" = disposisi_kadin ] || fail "the Kabid's KEMBALIKAN (at $(state $R3))"
NOW=2026-11-23T11:00:00+07:00
answer "$h1" $KADIS "SETUJU"
[ "$(state $R3)" = disposisi_kadin ] || fail "a token of the first visit decided the second"
body "$OUT/$(last_to $KADIS penjelasan)" | grep -q "yang sudah lewat" || fail "the old email's answer is not told why"
d2=$(sql $DB "select printf('%06d.eml', o.id) from outbox o join requests r on r.id = o.request_id where r.number = '$R3' and o.step = 'disposisi_kadin' and o.template = 'disposisi' order by o.id desc limit 1")
[ "$d2" != "$d1" ] || fail "no new disposition for the second visit"
answer "$d2" $KADIS "SETUJU"
[ "$(state $R3)" = disposisi_kabid ] || fail "the second visit's email did not decide"
NOW=2026-11-23T09:00:00+07:00
ok "a reply token decides only in the visit of its step it was sent in"
