#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# test-workflow.sh: SOP 067 and revocation end to end through `dispo
# deliver`: officials decide by replying to dispo's emails; every refusal
# path (wrong person, unclear reply, missing reason, used email, BSrE
# notice, revocation by a non-holder) is answered and changes nothing.
. "$(dirname "$0")/lib.sh"

cat >dispo.conf <<CONF
[general]
data_dir = data
admin_address = admin@kuduskab.go.id
[policy]
require_authentication = false
[bsre]
senders = noreply@bsre.go.id
CONF
NOW=2026-11-23T09:00:00+07:00
D() { "$DISPO" --config dispo.conf --now "$NOW" "$@"; }
DB=data/dispo.db
OUT=data/outbox/new
expect_exit 0 D employees import "$DISPO_SRCDIR/rules/register-contoh.csv"

# newest FROM-less email of REQUEST about STEP to ADDRESS
email() { sqlite3 $DB "select printf('%06d.eml', o.id) from outbox o join requests r on r.id = o.request_id where r.number = '$1' and o.step = '$2' and o.to_addr = '$3' and o.kind = 'workflow' order by o.id desc limit 1"; }
# reply FILE FROM TEXT: what a mail client sends on "Reply"
n=0
reply() {
	printf 'From: %s\r\nTo: %s\r\nSubject: RE: %s\r\nIn-Reply-To: %s\r\nMessage-ID: <reply%s@client>\r\n' \
		"$2" "$(hdr Reply-To "$OUT/$1")" "$(hdr Subject "$OUT/$1")" "$(hdr Message-Id "$OUT/$1")" "$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')"
	printf 'Content-Type: text/plain; charset=utf-8\r\n\r\n%b\r\n\r\nPada Sen, 23 Nov 2026 09.00, dispo menulis:\r\n> Mohon keputusan\r\n' "$3"
}
state() { sql $DB "select state from requests where number = '$1'"; }
say() { # REQUEST STEP TO FROM TEXT
	f=$(email "$1" "$2" "$3")
	[ -n "$f" ] || fail "no email about $2 to $3"
	n=$((n + 1))
	reply "$f" "$4" "$5" >r$n.eml
	expect_exit 0 D deliver <r$n.eml
}

application budi.santoso@kuduskab.go.id 1 >app.eml
sed -i 's/^From: Pemohon 1 </From: Budi Santoso </; s/Nama: Pemohon 1/Nama: Budi Santoso/' app.eml
expect_exit 0 D deliver <app.eml
R=SE-2026-000001
[ "$(state $R)" = disposisi_kadin ] || fail "starts at the head of office"
f=$(email $R disposisi_kadin kadis@kuduskab.go.id)
[ "$(hdr X-Dispo-Step $OUT/$f)" = disposisi_kadin ] && [ "$(hdr X-Dispo-Request $OUT/$f)" = $R ] || fail "X-Dispo headers"
hdr Subject $OUT/$f | grep -qF "[$R]" || fail "the tag in the subject"
case $(hdr Reply-To $OUT/$f) in sertifikat+*@kuduskab.go.id) ;; *) fail "a token in Reply-To" ;; esac
[ "$(grep -c '^Content-Disposition: attachment' $OUT/$f)" = 3 ] || fail "the documents are attached"
ok "an accepted application goes to the Kepala Dinas with the documents and a reply token"

# rules test: what a reply would do, on a copy; the store is untouched.
reply $f kadis@kuduskab.go.id "Setuju, lanjutkan." >dry.eml
application budi@gmail.com 9 >dry-app.eml
before=$(sql $DB "select count(*) from events")/$(sql $DB "select count(*) from outbox")/$(sql $DB "select count(*) from messages")
expect_exit 0 D rules test --format json dry.eml dry-app.eml
jq -e '.[0].kind == "reply" and .[0].request == "SE-2026-000001" and .[0].command == "approve"
	and .[0].step == "disposisi_kabid" and .[0].visible_text == "Setuju, lanjutkan."
	and (.[0].actions | map(select(.send == "disposisi" and .to == "sri.wahyuningsih@kuduskab.go.id")) | length) == 1
	and .[1].kind == "application" and (.[1].reasons | index("sender_not_go_id")) != null
	and .[1].request == null' out >/dev/null || { cat out; fail "rules test json"; }
after=$(sql $DB "select count(*) from events")/$(sql $DB "select count(*) from outbox")/$(sql $DB "select count(*) from messages")
[ "$before" = "$after" ] || fail "rules test changed the store ($before -> $after)"
[ "$(state $R)" = disposisi_kadin ] || fail "rules test moved the request"
ls -a data | grep -q rules-test && fail "rules test left its copy"
expect_exit 0 D rules test dry.eml
contains out "would send disposisi to sri.wahyuningsih@kuduskab.go.id about disposisi_kabid"
ok "rules test dry-runs emails against the rules and a copy of the store"

# Somebody else cannot decide; the head's token stays valid.
say $R disposisi_kadin kadis@kuduskab.go.id rina.marlina@kuduskab.go.id "SETUJU"
[ "$(state $R)" = disposisi_kadin ] || fail "another person decided"
sql $DB "select count(*) from outbox where to_addr = 'rina.marlina@kuduskab.go.id' and template = 'penjelasan'" | grep -qx 1 || fail "the other person is told why"
# "ok" changes nothing and gets the help text; the same email answered again works.
say $R disposisi_kadin kadis@kuduskab.go.id kadis@kuduskab.go.id "ok"
[ "$(state $R)" = disposisi_kadin ] || fail "ok moved the request"
sql $DB "select count(*) from outbox where to_addr = 'kadis@kuduskab.go.id' and template = 'bantuan'" | grep -qx 1 || fail "help for an unclear reply"
say $R disposisi_kadin kadis@kuduskab.go.id kadis@kuduskab.go.id "Setuju, lanjutkan."
[ "$(state $R)" = disposisi_kabid ] || fail "SETUJU after help"
ok "only the role's holder decides; an unclear reply gets help and the token stays valid"

# Two commands at once change nothing and get the help text too.
n_help=$(sql $DB "select count(*) from outbox where template = 'bantuan'")
say $R disposisi_kabid sri.wahyuningsih@kuduskab.go.id sri.wahyuningsih@kuduskab.go.id "TERUSKAN\nTOLAK tidak lengkap"
[ "$(state $R)" = disposisi_kabid ] || fail "a conflicting reply moved the request"
[ "$(sql $DB "select count(*) from outbox where template = 'bantuan'")" = $((n_help + 1)) ] || fail "help for a conflicting reply"
# A reply that fails authentication (when required) is kept, not obeyed.
sed 's/require_authentication = false/require_authentication = true\ntrusted_authserv_id = mx.kuduskab.go.id/' dispo.conf >auth.conf
f=$(email $R disposisi_kabid sri.wahyuningsih@kuduskab.go.id)
reply $f sri.wahyuningsih@kuduskab.go.id "TERUSKAN" >noauth.eml
expect_exit 0 "$DISPO" --config auth.conf --now "$NOW" deliver <noauth.eml
[ "$(state $R)" = disposisi_kabid ] || fail "an unauthenticated reply decided"
[ "$(sql $DB "select count(*) from events where kind = 'reply_refused'")" = 1 ] || fail "kept on the record"
[ "$(sql $DB "select count(*) from outbox where to_addr = 'sri.wahyuningsih@kuduskab.go.id' and template = 'penjelasan'")" = 1 ] ||
	fail "an official named by an unauthenticated reply is told"
reply $f stranger@kuduskab.go.id "TERUSKAN" >stranger.eml
n_out=$(sql $DB "select count(*) from outbox")
expect_exit 0 "$DISPO" --config auth.conf --now "$NOW" deliver <stranger.eml
[ "$(sql $DB "select count(*) from outbox")" = "$n_out" ] || fail "a stranger's unauthenticated reply was answered"
ok "a conflicting reply gets help; an unauthenticated one is recorded, not obeyed, and told only to a registered official"

# The same email answered again is noted, not obeyed.
f=$(email $R disposisi_kadin kadis@kuduskab.go.id)
reply $f kadis@kuduskab.go.id "TOLAK terlambat" >again.eml
expect_exit 0 D deliver <again.eml
[ "$(state $R)" = disposisi_kabid ] || fail "a used email decided again"
[ "$(sql $DB "select count(*) from events where kind = 'reply_again'")" = 1 ] || fail "noted"
ok "a decided email cannot decide twice"

# KEMBALIKAN needs a reason; with one, the request goes back.
say $R disposisi_kabid sri.wahyuningsih@kuduskab.go.id sri.wahyuningsih@kuduskab.go.id "KEMBALIKAN"
[ "$(state $R)" = disposisi_kabid ] || fail "RETURN without a reason"
say $R disposisi_kabid sri.wahyuningsih@kuduskab.go.id sri.wahyuningsih@kuduskab.go.id "KEMBALIKAN\\nMohon dicek ulang unit kerjanya"
[ "$(state $R)" = disposisi_kadin ] || fail "RETURN with a reason"
f=$(email $R disposisi_kadin kadis@kuduskab.go.id)
grep -q "Mohon dicek ulang unit kerjanya" $OUT/$f || fail "the reason reaches the head"
# HTML-only replies: Outlook (divRplyFwdMsg) and Gmail (gmail_quote).
html_reply() { # FILE FROM HTML
	printf 'From: %s\r\nTo: %s\r\nSubject: RE: %s\r\nIn-Reply-To: %s\r\nMessage-ID: <html%s@client>\r\n' \
		"$2" "$(hdr Reply-To "$OUT/$1")" "$(hdr Subject "$OUT/$1")" "$(hdr Message-Id "$OUT/$1")" "$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')"
	printf 'MIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\n\r\n%s\r\n' "$3"
}
f=$(email $R disposisi_kadin kadis@kuduskab.go.id)
html_reply $f kadis@kuduskab.go.id '<html><body><div>Setuju.</div><div id="divRplyFwdMsg"><hr><b>Dari:</b> Layanan Sertifikat &lt;sertifikat@kuduskab.go.id&gt;<br><b>Dikirim:</b> Senin, 23 November 2026 09.00<br><b>Kepada:</b> kadis@kuduskab.go.id<br><b>Perihal:</b> Mohon disposisi</div><div>TOLAK adalah salah satu pilihan</div></body></html>' >outlook.eml
expect_exit 0 D deliver <outlook.eml
[ "$(state $R)" = disposisi_kabid ] || fail "an Outlook HTML reply"
f=$(email $R disposisi_kabid sri.wahyuningsih@kuduskab.go.id)
html_reply $f sri.wahyuningsih@kuduskab.go.id '<div dir="ltr">TERUSKAN ke Kasi TI</div><br><div class="gmail_quote"><div dir="ltr" class="gmail_attr">Pada Sen, 23 Nov 2026 pukul 09.00 dispo &lt;sertifikat@kuduskab.go.id&gt; menulis:<br></div><blockquote class="gmail_quote">Cukup BALAS email ini dengan satu kata: SETUJU, TOLAK</blockquote></div>' >gmail.eml
expect_exit 0 D deliver <gmail.eml
[ "$(state $R)" = verifikasi_kasi ] || fail "forwarded to the Kasi by a Gmail HTML reply"
[ "$(sql $DB "select json_extract(detail, '\$.argument') from events where kind = 'forward' order by id desc limit 1")" = "ke Kasi TI" ] || fail "the instruction is kept"
ok "KEMBALIKAN needs a reason and sends the request back with it; HTML-only Outlook and Gmail replies work"

say $R verifikasi_kasi agus.prasetyo@kuduskab.go.id agus.prasetyo@kuduskab.go.id "SETUJU"
[ "$(state $R)" = kirim_bsre ] || fail "to the verifier, who sends the files to BSrE"
expect_exit 0 D records letters --format json
jq -e 'length == 1 and .[0].request == "SE-2026-000001" and (.[0].number | test("^800/001/28.01/2026$"))' out >/dev/null || { cat out; fail "the letter is listed"; }
letter=$(jq -r '.[0].path' out)
pdftotext "$letter" - >letter.txt
contains letter.txt "198503122010011004"
contains letter.txt "Budi Santoso"
contains letter.txt "Drs. Hendro Wibisono, M.Si."
f=$(email $R kirim_bsre dewi.lestari@kuduskab.go.id)
grep -q 'filename="Surat Rekomendasi SE-2026-000001.pdf"' $OUT/$f || fail "the letter goes to the verifier"
ok "the Kasi's approval makes the recommendation letter, listed and sent to the verifier"

# A BSrE notice before the files are with BSrE finishes nothing.
printf 'From: noreply@bsre.go.id\r\nTo: sertifikat@kuduskab.go.id\r\nSubject: Re: [%s] Sertifikat elektronik telah terbit\r\nMessage-ID: <bsre0@bsre.go.id>\r\nIn-Reply-To: <x@y>\r\n\r\nSerial Number: 7F3A-0000\r\n' $R >bsre0.eml
expect_exit 0 D deliver <bsre0.eml
[ "$(state $R)" = kirim_bsre ] || fail "a BSrE notice before the BSrE stage moved the request"
# The verifier says the files are sent: the BSrE stage begins.
say $R kirim_bsre dewi.lestari@kuduskab.go.id dewi.lestari@kuduskab.go.id "TERUSKAN"
[ "$(state $R)" = proses_bsre ] || fail "to BSrE"

# A BSrE notice from the configured sender finishes the request.
printf 'From: noreply@bsre.go.id\r\nTo: sertifikat@kuduskab.go.id\r\nSubject: Re: [%s] Sertifikat elektronik telah terbit\r\nMessage-ID: <bsre1@bsre.go.id>\r\nIn-Reply-To: <x@y>\r\n\r\nSertifikat elektronik telah diterbitkan.\r\nSerial Number: 7F3A-19C2-0B44\r\n' $R >bsre.eml
expect_exit 0 D deliver <bsre.eml
[ "$(state $R)" = terbit ] || fail "a BSrE notice finishes the request"
expect_exit 0 D certificates list --format csv
contains out "Budi Santoso,198503122010011004,budi.santoso@kuduskab.go.id,7F3A-19C2-0B44,issued"
sql $DB "select count(*) from outbox where to_addr = 'budi.santoso@kuduskab.go.id' and template = 'keputusan'" | grep -qx 1 || fail "the applicant hears the decision"
ok "a BSrE notice issues the certificate into the register (CSV)"

# Revocation: only holders may ask.
mkrev() { # FROM NAME NIP
	printf 'From: %s <%s>\r\nTo: sertifikat@kuduskab.go.id\r\nSubject: Permohonan Pencabutan Sertifikat\r\nMessage-ID: <rev-%s@x>\r\n' "$2" "$1" "$3"
	printf 'MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\n'
	printf 'Nama: %s\r\nNIP: %s\r\nJabatan: Staf\r\nUnit Kerja: Dinas Kesehatan\r\nAlasan pencabutan: pindah tugas\r\n' "$2" "$3"
	printf -- '--b\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename="permohonan pencabutan.pdf"\r\n'
	printf 'Content-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQKJSVFT0YK\r\n--b--\r\n'
}
mkrev rina.marlina@kuduskab.go.id "Rina Marlina" 198707262011012002 >rev1.eml
expect_exit 0 D deliver <rev1.eml
expect_exit 0 D requests list --refused --format json
jq -e '.[-1].workflow == "pencabutan" and (.[-1].reasons | index("not_certificate_holder"))' out >/dev/null || { cat out; fail "a non-holder asked"; }
mkrev budi.santoso@kuduskab.go.id "Budi Santoso" 198503122010011004 >rev2.eml
expect_exit 0 D deliver <rev2.eml
C=CABUT-2026-000001
[ "$(state $C)" = verifikasi_kasi ] || fail "the revocation starts"
say $C verifikasi_kasi agus.prasetyo@kuduskab.go.id agus.prasetyo@kuduskab.go.id "SETUJU"
say $C kirim_pencabutan dewi.lestari@kuduskab.go.id dewi.lestari@kuduskab.go.id "TERUSKAN"
[ "$(state $C)" = permintaan_bsre ] || fail "filed at BSrE"
# BSrE's revocation notice names the holder as its issuance notice did:
# NIK, email, serial. The revocation's form has no NIK: the one the
# issuing request gave BSrE counts, and the serial must be the register's.
# revoked NIK EMAIL SERIAL: the notice, delivered
revoked() {
	n=$((n + 1))
	printf 'From: BSrE BSSN <noreply@bsre.go.id>\r\nTo: sertifikat@kuduskab.go.id\r\nSubject: Sertifikat Elektronik Telah Dicabut\r\n' >revoked$n.eml
	printf 'Message-ID: <dicabut%s@bsre.go.id>\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\nSertifikat elektronik atas nama berikut telah dicabut:\r\n\r\n' $n >>revoked$n.eml
	printf 'Nama        : BUDI SANTOSO\r\nNIK         : %s\r\nEmail       : %s\r\nNomor Seri  : %s\r\n' "$1" "$2" "$3" >>revoked$n.eml
	expect_exit 0 D deliver <revoked$n.eml
}
told=$(sql $DB "select count(*) from outbox where template = 'bsre_tidak_cocok'")
revoked 3319011203850001 budi.santoso@kuduskab.go.id 7F3A-0000-0000
[ "$(state $C)" = permintaan_bsre ] || fail "a revocation notice for another serial ended the revocation"
[ "$(sql $DB "select count(*) from outbox where template = 'bsre_tidak_cocok'")" = $((told + 1)) ] || fail "the administrator is not told of a notice for another serial"
revoked 3319011203850001 budi.santoso@kuduskab.go.id 7F3A-19C2-0B44
[ "$(state $C)" = dicabut ] || fail "BSrE's revocation notice (NIK, email, serial) did not end the revocation (at $(state $C))"
expect_exit 0 D certificates list --format json
jq -e '.[0].state == "revoked" and .[0].revoke_request == "CABUT-2026-000001"' out >/dev/null || { cat out; fail "the register marks it revoked"; }
ok "revocation: a non-holder is refused; the holder's request revokes the certificate when BSrE's notice (NIK, email, serial) comes; one for another serial goes to the administrator"

# TOLAK ends a request with the reason told to the applicant.
application siti.baru@kuduskab.go.id 2 | sed 's/Nama: Pemohon 2/Nama: Sïti Rahayu/' >app2.eml
expect_exit 0 D deliver <app2.eml
R2=$(sql $DB "select number from requests where applicant = 'siti.baru@kuduskab.go.id'")
conf=$(sql $DB "select printf('%06d.eml', id) from outbox where to_addr = 'siti.baru@kuduskab.go.id' and kind = 'confirmation'")
reply $conf siti.baru@kuduskab.go.id "YA" >yes.eml
expect_exit 0 D deliver <yes.eml
[ "$(state $R2)" = disposisi_kadin ] || fail "confirmed, then started"
# A name from the form reaches a subject RFC 2047-encoded, never raw.
f=$(email $R2 disposisi_kadin kadis@kuduskab.go.id)
subj=$(tr -d '\r' <$OUT/$f | sed '/^$/q' | sed -n '/^Subject:/,/^[^ \t]/p' | head -n 2)
case $subj in *"=?"[Uu][Tt][Ff]-8"?"*) ;; *) fail "subject not encoded: $subj" ;; esac
LC_ALL=C grep -q "$(printf 'Subject:.*\303\257')" $OUT/$f && fail "raw UTF-8 in a header"
grep -q "Sïti Rahayu" $OUT/$f || tr -d "\r" <$OUT/$f | grep -q "S=C3=AFti Rahayu" || { sed -n "1,40p" $OUT/$f >&2; fail "the name in the body"; }
say $R2 disposisi_kadin kadis@kuduskab.go.id kadis@kuduskab.go.id "TOLAK Surat rekomendasi belum ditandatangani atasan"
[ "$(state $R2)" = ditolak ] || fail "rejected"
f=$(sql $DB "select printf('%06d.eml', id) from outbox where to_addr = 'siti.baru@kuduskab.go.id' and template = 'keputusan'")
contains $OUT/$f "Surat rekomendasi belum ditandatangani atasan"
ok "TOLAK with a reason ends the request and tells the applicant why"

# A deputy (Plt.) acts for the role within the register's dates.
application andi.baru@kuduskab.go.id 3 | sed 's|filename="surat_permohonan.pdf"|filename="../../surat_permohonan.pdf"|' >app3.eml
NOW=2026-12-15T09:00:00+07:00
expect_exit 0 D deliver <app3.eml
R3=$(sql $DB "select number from requests where applicant = 'andi.baru@kuduskab.go.id'")
conf=$(sql $DB "select printf('%06d.eml', id) from outbox where to_addr = 'andi.baru@kuduskab.go.id' and kind = 'confirmation'")
reply $conf andi.baru@kuduskab.go.id "YA" >yes3.eml
expect_exit 0 D deliver <yes3.eml
# A file name with a path reaches officials cleaned (their clients save it).
f=$(email $R3 disposisi_kadin kadis@kuduskab.go.id)
grep -q 'filename="\?surat_permohonan.pdf' $OUT/$f || fail "the cleaned name"
grep -q 'filename=.*\.\./' $OUT/$f && fail "a path in an attachment name"
say $R3 disposisi_kadin kadis@kuduskab.go.id kadis@kuduskab.go.id "SETUJU"
f=$(email $R3 disposisi_kabid agus.prasetyo@kuduskab.go.id)
[ -n "$f" ] || fail "the Plt. is asked too"
say $R3 disposisi_kabid agus.prasetyo@kuduskab.go.id agus.prasetyo@kuduskab.go.id "TERUSKAN"
[ "$(state $R3)" = verifikasi_kasi ] || fail "the Plt. decided"
[ "$(sql $DB "select json_extract(detail, '\$.deputy') from events e join requests r on r.id = e.request_id where r.number = '$R3' and e.kind = 'forward'")" = plt ] || fail "recorded as plt"
ok "a Plt. decides for the role on a date the register allows"

expect_exit 0 D outbox list --format json
jq -e 'all(.[]; has("id") and has("request") and has("step") and has("template") and has("to") and has("message_id") and has("reply_to") and has("state"))' out >/dev/null || fail "outbox list json"
# Every event carries the rules version it was decided under; every
# decision names the message that made it.
[ "$(sql $DB "select count(*) from events where rules_version is null or length(rules_version) <> 64")" = 0 ] ||
	fail "an event without the rules version"
[ "$(sql $DB "select count(*) from events where kind in ('approve', 'forward', 'continue', 'reject', 'return', 'done') and message_id is null")" = 0 ] ||
	fail "a decision without its message"
expect_exit 0 D records applications --format csv
contains out "request,workflow,state,applicant,received,subject,name,nip,unit,step,holder,decided,"
contains out "SE-2026-000001,pendaftaran,terbit,budi.santoso@kuduskab.go.id"
# retry is for unsent emails only: a sent one is never sent twice.
expect_exit 65 D outbox retry 1
contains err "no unsent outbox row 1"
expect_exit 65 D outbox retry 99999
[ "$(sql $DB "select state from outbox where id = 1")" = sent ] || fail "retry touched a sent email"
ok "outbox list --format json names every row; events carry the rules version; records as CSV; retry refuses sent rows"

# SLA timers: a late head gets a reminder, then the escalation is recorded;
# an administrator can cancel, and the applicant is told.
NOW=2026-11-24T09:00:00+07:00
application eko.baru@kuduskab.go.id 4 >app4.eml
expect_exit 0 D deliver <app4.eml
conf=$(sql $DB "select printf('%06d.eml', id) from outbox where to_addr = 'eko.baru@kuduskab.go.id' and kind = 'confirmation'")
reply $conf eko.baru@kuduskab.go.id "YA" >yes4.eml
expect_exit 0 D deliver <yes4.eml
R4=$(sql $DB "select number from requests where applicant = 'eko.baru@kuduskab.go.id'")
NOW=2026-11-24T09:05:00+07:00
expect_exit 0 D timers
contains out "0 timers fired"
NOW=2026-11-24T09:20:00+07:00
expect_exit 0 D timers
contains out "1 timer fired"
[ "$(sql $DB "select count(*) from outbox o join requests r on r.id = o.request_id where r.number = '$R4' and o.template = 'pengingat' and o.to_addr = 'kadis@kuduskab.go.id'")" = 1 ] || fail "a reminder"
NOW=2026-11-24T09:40:00+07:00
expect_exit 0 D timers
contains out "1 timer fired"
[ "$(sql $DB "select count(*) from events e join requests r on r.id = e.request_id where r.number = '$R4' and e.kind = 'timer:sla'")" = 2 ] || fail "two expiries recorded"
[ "$(sql $DB "select count(*) from outbox o join requests r on r.id = o.request_id where r.number = '$R4' and o.template = 'eskalasi' and o.to_addr = 'admin@kuduskab.go.id'")" = 1 ] || fail "the escalation reaches the administrator"
expect_exit 0 D timers
contains out "0 timers fired"
ok "an SLA expiry reminds the official, the second escalates, then the timer stops"

expect_exit 0 D admin cancel $R4 --reason "Pemohon mengundurkan diri"
[ "$(state $R4)" = dibatalkan ] || fail "cancelled"
f=$(sql $DB "select printf('%06d.eml', id) from outbox where to_addr = 'eko.baru@kuduskab.go.id' and template = 'keputusan'")
contains $OUT/$f "Pemohon mengundurkan diri"
expect_exit 65 D admin move NO-SUCH-1 disposisi_kadin
contains err "no request NO-SUCH-1"
expect_exit 65 D admin cancel $R4
contains err "request_closed"
ok "an administrator cancels a request and the applicant is told why"

# The office calendar: working days and hours, holidays from a file.
printf '# libur\n2026-11-28 Cuti bersama\n' >libur.txt
cat >cal.conf <<CONF
[general]
data_dir = cal
[calendar]
working_days = sen-sab
working_hours = 08:00-12:00
holidays = libur.txt
[policy]
require_authentication = false
CONF
expect_exit 0 "$DISPO" --config cal.conf employees import "$DISPO_SRCDIR/rules/register-contoh.csv"
mail_budi() { application budi.santoso@kuduskab.go.id 1 | sed 's/Nama: Pemohon 1/Nama: Budi Santoso/'; }
mail_budi >cal.eml
expect_exit 0 "$DISPO" --config cal.conf --now 2026-11-27T11:55:00+07:00 deliver <cal.eml
# Friday 11:55 + 10 working minutes: 5 on Friday, Saturday is a holiday,
# so 5 more on Monday from 08:00.
[ "$(sql cal/dispo.db "select datetime(due_at, 'unixepoch', '+7 hours') from requests")" = "2026-11-30 08:05:00" ] ||
	fail "due at $(sql cal/dispo.db "select datetime(due_at, 'unixepoch', '+7 hours') from requests")"
sed 's/sen-sab/sen-bulan/' cal.conf >badcal.conf
mail_budi | sed "s/<app-1@/<app-1b@/" >cal2.eml
expect_exit 75 "$DISPO" --config badcal.conf --now 2026-11-27T11:56:00+07:00 deliver <cal2.eml
contains err "working_days"
ok "SLA deadlines follow [calendar] working days, hours and holidays"

# Revocation asked by the holder's superior: the head of the holder's unit
# in the register, naming the holder's NIP; a colleague may not.
sed 's/data_dir = data/data_dir = sup/' dispo.conf >sup.conf
D() { "$DISPO" --config sup.conf --now "$NOW" "$@"; }
DB=sup/dispo.db
OUT=sup/outbox/new
NOW=2026-11-25T09:00:00+07:00
expect_exit 0 D employees import "$DISPO_SRCDIR/rules/register-contoh.csv"
application budi.santoso@kuduskab.go.id 1 | sed 's/Nama: Pemohon 1/Nama: Budi Santoso/' >sup-app.eml
expect_exit 0 D deliver <sup-app.eml
say $R disposisi_kadin kadis@kuduskab.go.id kadis@kuduskab.go.id "SETUJU"
say $R disposisi_kabid sri.wahyuningsih@kuduskab.go.id sri.wahyuningsih@kuduskab.go.id "TERUSKAN"
say $R verifikasi_kasi agus.prasetyo@kuduskab.go.id agus.prasetyo@kuduskab.go.id "SETUJU"
say $R kirim_bsre dewi.lestari@kuduskab.go.id dewi.lestari@kuduskab.go.id "SETUJU"
say $R proses_bsre dewi.lestari@kuduskab.go.id dewi.lestari@kuduskab.go.id "SELESAI 99AA-01"
[ "$(state $R)" = terbit ] || fail "issued (second store)"
mkrev nur.hidayah@kuduskab.go.id "Budi Santoso" 198503122010011004 >colleague.eml
expect_exit 0 D deliver <colleague.eml
expect_exit 0 D requests list --refused --format json
jq -e '.[-1].reasons | index("not_certificate_holder")' out >/dev/null || { cat out; fail "a colleague asked"; }
mkrev andini.pratiwi@kuduskab.go.id "Budi Santoso" 198503122010011004 >head.eml
expect_exit 0 D deliver <head.eml
[ "$(state CABUT-2026-000001)" = verifikasi_kasi ] || fail "the head's request is taken"
say CABUT-2026-000001 verifikasi_kasi agus.prasetyo@kuduskab.go.id agus.prasetyo@kuduskab.go.id "SETUJU"
say CABUT-2026-000001 kirim_pencabutan dewi.lestari@kuduskab.go.id dewi.lestari@kuduskab.go.id "TERUSKAN"
# BSrE's notice names the holder, not the head who asked.
revoked 3319011203850001 budi.santoso@kuduskab.go.id 99AA-01
[ "$(state CABUT-2026-000001)" = dicabut ] || fail "BSrE's notice about the holder did not end the head's revocation request"
expect_exit 0 D certificates list --format json
jq -e '.[0].email == "budi.santoso@kuduskab.go.id" and .[0].state == "revoked" and .[0].revoke_request == "CABUT-2026-000001"' out >/dev/null ||
	{ cat out; fail "the holder's certificate is revoked at the head's request"; }
ok "the head of the holder's unit may ask for a revocation, which BSrE's notice about the holder ends; a colleague may not"
