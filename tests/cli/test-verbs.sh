#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# test-verbs.sh: officials answer with the word their desk uses, from the
# clients they use (Outlook in Indonesian, Gmail, an iPhone), through
# `dispo deliver`: the yes-words are synonyms on a step's one way forward,
# TOLAK and KEMBALIKAN work at every decision step, KEMBALIKAN at the
# first step returns the request to the applicant, whose corrected reply
# resumes it with the new documents, and the verifier's two acts (files
# sent to BSrE, certificate issued) are two steps.
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

# The newest workflow email of REQUEST about STEP to ADDRESS.
email() { sql $DB "select printf('%06d.eml', o.id) from outbox o join requests r on r.id = o.request_id where r.number = '$1' and o.step = '$2' and o.to_addr = '$3' and o.kind = 'workflow' order by o.id desc limit 1"; }
state() { sql $DB "select state from requests where number = '$1'"; }
last_event() { sql $DB "select e.kind from events e join requests r on r.id = e.request_id where r.number = '$1' order by e.id desc limit 1"; }
# The attachments' file names of an email, sorted, one a line.
attached() { tr -d '\r' <"$OUT/$1" | sed -n 's/^Content-Disposition: attachment; filename="\{0,1\}\([^";]*\)"\{0,1\}.*/\1/p' | sort; }
rnd() { od -An -N6 -tx1 /dev/urandom | tr -d ' \n'; }
# What the replying client puts above the text: the address from Reply-To,
# "RE:"/"Bls:" and the subject, the threading headers.
head_of() { # FILE FROM PREFIX
	printf 'From: %s\r\nTo: %s\r\nSubject: %s %s\r\nIn-Reply-To: %s\r\nReferences: %s\r\nMessage-ID: <%s@client>\r\nDate: Mon, 23 Nov 2026 09:30:00 +0700\r\nMIME-Version: 1.0\r\n' \
		"$2" "$(hdr Reply-To "$OUT/$1")" "$3" "$(hdr Subject "$OUT/$1")" "$(hdr Message-Id "$OUT/$1")" "$(hdr Message-Id "$OUT/$1")" "$(rnd)"
}
# What dispo's email said, as a client quotes it.
QUOTED='Cukup BALAS email ini dengan satu kata di baris pertama:
  SETUJU (atau TERUSKAN, LANJUT)
  TOLAK <alasan>
  KEMBALIKAN <alasan>'
# Outlook in Indonesian: the text, a rule, the Dari:/Dikirim:/Kepada:/
# Perihal: block and the email unquoted below it.
outlook() { # FILE FROM TEXT
	head_of "$1" "$2" RE:
	printf 'X-Mailer: Microsoft Outlook 16.0\r\nContent-Type: text/plain; charset="utf-8"\r\n\r\n'
	printf '%b\r\n\r\n________________________________\r\nDari: Layanan Sertifikat <sertifikat@kuduskab.go.id>\r\n' "$3"
	printf 'Dikirim: Senin, 23 November 2026 09.00\r\nKepada: %s\r\nPerihal: %s\r\n\r\n%s\r\n' "$2" "$(hdr Subject "$OUT/$1")" "$QUOTED"
}
# Gmail: the text, then "Pada … menulis:" and the email quoted with "> ".
gmail() { # FILE FROM TEXT
	head_of "$1" "$2" Re:
	printf 'Content-Type: text/plain; charset="UTF-8"\r\n\r\n%b\r\n\r\n' "$3"
	printf 'Pada Sen, 23 Nov 2026 pukul 09.00 Layanan Sertifikat <sertifikat@kuduskab.go.id> menulis:\r\n\r\n'
	echo "$QUOTED" | sed 's/^/> /; s/$/\r/'
}
# The iPhone's Mail in Indonesian: the text, its signature, the quote.
iphone() { # FILE FROM TEXT
	head_of "$1" "$2" Re:
	printf 'X-Mailer: iPhone Mail (21F90)\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n%b\r\n\r\nDikirim dari iPhone saya\r\n\r\n' "$3"
	printf '> Pada 23 Nov 2026, pukul 09.00, Layanan Sertifikat <sertifikat@kuduskab.go.id> menulis:\r\n>\r\n'
	echo "$QUOTED" | sed 's/^/> /; s/$/\r/'
}
n=0
# say CLIENT REQUEST STEP TO FROM TEXT: FROM answers the email about STEP
# that went to TO, with CLIENT.
say() {
	f=$(email "$2" "$3" "$4")
	[ -n "$f" ] || fail "no email about $3 to $4"
	n=$((n + 1))
	"$1" "$f" "$5" "$6" >r$n.eml
	expect_exit 0 D deliver <r$n.eml
}
KADIS=kadis@kuduskab.go.id
KABID=sri.wahyuningsih@kuduskab.go.id
KASI=agus.prasetyo@kuduskab.go.id
VERIF=dewi.lestari@kuduskab.go.id

application budi.santoso@kuduskab.go.id 1 | sed 's/Nama: Pemohon 1/Nama: Budi Santoso/' >app1.eml
expect_exit 0 D deliver <app1.eml
R1=SE-2026-000001
[ "$(state $R1)" = disposisi_kadin ] || fail "R1 starts at the head of office"
f=$(email $R1 disposisi_kadin $KADIS)
contains $OUT/$f "SETUJU (atau TERUSKAN, LANJUT)"
contains $OUT/$f "TOLAK <alasan>"
contains $OUT/$f "KEMBALIKAN <alasan>"
ok "the Kepala Dinas's email lists every word that works there"

# The Kepala Dinas forwards the disposition, from Outlook in Indonesian.
say outlook $R1 disposisi_kadin $KADIS $KADIS "TERUSKAN ke Kabid Informatika untuk ditindaklanjuti"
[ "$(state $R1)" = disposisi_kabid ] || fail "TERUSKAN at the Kepala Dinas's step ($(state $R1))"
[ "$(last_event $R1)" = forward ] || fail "recorded as forward, the word used"
f=$(email $R1 disposisi_kabid $KABID)
contains $OUT/$f "ke Kabid Informatika untuk ditindaklanjuti"
contains $OUT/$f "TERUSKAN (atau SETUJU, LANJUT)"
contains $OUT/$f "TOLAK <alasan>"
[ "$(sql $DB "select count(*) from outbox where template in ('penjelasan', 'bantuan')")" = 0 ] || fail "an explanation was sent"
ok "Kepala Dinas TERUSKAN (Outlook): on to the Kabid with the instruction"

# The Kabid approves in English, from Gmail.
say gmail $R1 disposisi_kabid $KABID $KABID "APPROVE"
[ "$(state $R1)" = verifikasi_kasi ] || fail "APPROVE at the Kabid's step ($(state $R1))"
[ "$(last_event $R1)" = approve ] || fail "recorded as approve"
ok "Kabid APPROVE (Gmail): on to the Kasi"

# The Kasi returns it, from an iPhone; it goes one step back up, to the Kabid.
say iphone $R1 verifikasi_kasi $KASI $KASI "KEMBALIKAN\nUnit kerja pada surat rekomendasi tidak sama dengan isian, mohon dicek"
[ "$(state $R1)" = disposisi_kabid ] || fail "KEMBALIKAN at the Kasi's step ($(state $R1))"
f=$(email $R1 disposisi_kabid $KABID)
contains $OUT/$f "Unit kerja pada surat rekomendasi tidak sama dengan isian"
grep -q "Dikirim dari iPhone" $OUT/$f && fail "the iPhone signature reached the Kabid"
ok "Kasi KEMBALIKAN (iPhone): back to the Kabid with the reason"

# LANJUT, the new yes-word, from Outlook; then the Kasi's SETUJU makes the
# letter and asks the verifier to send the files to BSrE.
say outlook $R1 disposisi_kabid $KABID $KABID "Lanjut, sudah dicek"
[ "$(state $R1)" = verifikasi_kasi ] || fail "LANJUT at the Kabid's step"
[ "$(last_event $R1)" = continue ] || fail "recorded as continue"
say gmail $R1 verifikasi_kasi $KASI $KASI "SETUJU"
[ "$(state $R1)" = kirim_bsre ] || fail "the Kasi's SETUJU goes to the verifier's first act ($(state $R1))"
f=$(email $R1 kirim_bsre $VERIF)
grep -q "filename=\"Surat Rekomendasi $R1.pdf\"" $OUT/$f || fail "the letter goes to the verifier"
contains $OUT/$f "TERUSKAN (atau SETUJU, LANJUT)"
[ "$(sql $DB "select count(*) from requests where number = '$R1' and due_step = 'kirim_bsre' and due_at - step_entered = 15 * 60")" = 1 ] ||
	fail "the sending has the SOP's 15 minutes"
ok "LANJUT (Outlook) moves on too; the Kasi's SETUJU sends the letter to the verifier"

# The verifier's SETUJU: the files are with BSrE; its one-day stage begins.
NOW=2026-11-23T09:40:00+07:00
say iphone $R1 kirim_bsre $VERIF $VERIF "SETUJU, sudah dikirim ke BSrE"
[ "$(state $R1)" = proses_bsre ] || fail "the verifier's SETUJU starts the BSrE stage ($(state $R1))"
[ "$(sql $DB "select datetime(due_at, 'unixepoch', '+7 hours') || ' ' || due_step from requests where number = '$R1'")" = "2026-11-24 09:40:00 proses_bsre" ] ||
	fail "the BSrE stage's one-day timer: $(sql $DB "select datetime(due_at, 'unixepoch', '+7 hours') || ' ' || due_step from requests where number = '$R1'")"
f=$(email $R1 proses_bsre $VERIF)
contains $OUT/$f "sudah dikirim ke BSrE"
contains $OUT/$f "SELESAI"
[ "$(sql $DB "select count(*) from outbox where template in ('penjelasan', 'bantuan')")" = 0 ] || fail "an explanation was sent"
ok "verifier SETUJU (iPhone): the BSrE stage starts with its one-day timer"

# A SETUJU at the BSrE stage is no SELESAI: it says nothing of a certificate.
say gmail $R1 proses_bsre $VERIF $VERIF "SETUJU"
[ "$(state $R1)" = proses_bsre ] || fail "SETUJU finished the BSrE stage"
[ "$(sql $DB "select count(*) from outbox where to_addr = '$VERIF' and template = 'penjelasan'")" = 1 ] || fail "the verifier is told why"
say outlook $R1 proses_bsre $VERIF $VERIF "SELESAI 1A2B-3C4D"
[ "$(state $R1)" = terbit ] || fail "SELESAI issues the certificate ($(state $R1))"
expect_exit 0 D certificates list --format csv
contains out "Budi Santoso,198503122010011004,budi.santoso@kuduskab.go.id,1A2B-3C4D,issued"
ok "verifier SELESAI 1A2B-3C4D (Outlook): terbit, and the certificate is registered"

# ---- KEMBALIKAN at the first step: back to the applicant -----------------
application rina.marlina@kuduskab.go.id 2 |
	sed 's/Nama: Pemohon 2/Nama: Rina Marlina/; s/^NIP: .*/NIP: 198707262011012002\r/; s/^NIK: .*/NIK: 3319086607870001\r/' >app2.eml
expect_exit 0 D deliver <app2.eml
R2=SE-2026-000002
[ "$(state $R2)" = disposisi_kadin ] || fail "R2 starts at the head of office"
say outlook $R2 disposisi_kadin $KADIS $KADIS "KEMBALIKAN Scan KTP tidak terbaca; mohon kirim ulang, dan jabatan ditulis sesuai SK"
[ "$(state $R2)" = perbaikan ] || fail "KEMBALIKAN at the first step goes to the applicant ($(state $R2))"
P=$(email $R2 perbaikan rina.marlina@kuduskab.go.id)
[ -n "$P" ] || fail "no correction email to the applicant"
contains $OUT/$P "Scan KTP tidak terbaca; mohon kirim ulang, dan jabatan ditulis sesuai SK"
contains $OUT/$P "Kepala Dinas Komunikasi dan Informatika"
contains $OUT/$P "BALAS email ini"
case $(hdr Reply-To $OUT/$P) in sertifikat+*@kuduskab.go.id) ;; *) fail "a reply token for the applicant" ;; esac
[ "$(sql $DB "select count(*) from tokens where purpose = 'correction' and address = 'rina.marlina@kuduskab.go.id' and step = 'perbaikan'")" = 1 ] ||
	fail "the applicant's token"
[ "$(sql $DB "select count(*) from requests where number = '$R2' and due_step = 'perbaikan' and due_at > 0")" = 1 ] || fail "the applicant's SLA"
ok "Kepala Dinas KEMBALIKAN: the applicant is told what to fix and how to answer"

# The applicant's reply (Gmail, with attachments and the quote).
correction() { # FILE FROM TEXT [NAME BYTES]...
	head_of "$1" "$2" Re:
	file=$1 from=$2 text=$3
	shift 3
	printf 'Content-Type: multipart/mixed; boundary=c\r\n\r\n--c\r\nContent-Type: text/plain; charset="UTF-8"\r\n\r\n%b\r\n\r\n' "$text"
	printf 'Pada Sen, 23 Nov 2026 pukul 10.00 Layanan Sertifikat <sertifikat@kuduskab.go.id> menulis:\r\n> Mohon BALAS email ini\r\n> NIK: 0000\r\n'
	while [ $# -ge 2 ]; do
		printf -- '--c\r\nContent-Type: application/pdf; name="%s"\r\nContent-Disposition: attachment; filename="%s"\r\n' "$1" "$1"
		printf 'Content-Transfer-Encoding: base64\r\n\r\n%s\r\n' "$(printf '%s' "$2" | base64 -w0)"
		shift 2
	done
	printf -- '--c--\r\n'
}
# Someone else answering the applicant's email changes nothing.
correction $P ahmad.fauzi@kuduskab.go.id "Jabatan: Camat" ktp.pdf "$(printf '%%PDF-1.4\n%%x\n%%%%EOF\n')" >c0.eml
n_out=$(sql $DB "select count(*) from outbox")
expect_exit 0 D deliver <c0.eml
[ "$(state $R2)" = perbaikan ] || fail "someone else corrected the request"
[ "$(last_event $R2)" = correction_refused ] || fail "kept on the record"
[ "$(sql $DB "select count(*) from outbox")" = "$n_out" ] || fail "someone else was answered"
# A file whose name says nothing: one answer says what is wrong; it stays.
correction $P rina.marlina@kuduskab.go.id "Berikut saya lampirkan." scan001.pdf "$(printf '%%PDF-1.4\n%%scan\n%%%%EOF\n')" >c1.eml
expect_exit 0 D deliver <c1.eml
[ "$(state $R2)" = perbaikan ] || fail "an incomplete correction resumed the request"
[ "$(last_event $R2)" = correction_incomplete ] || fail "recorded as incomplete"
f=$(sql $DB "select printf('%06d.eml', id) from outbox where to_addr = 'rina.marlina@kuduskab.go.id' and template = 'perbaikan_belum_lengkap'")
[ -n "$f" ] || fail "the applicant is told the correction is incomplete"
contains $OUT/$f "scan001.pdf"
case $(hdr Reply-To $OUT/$f) in sertifikat+*@kuduskab.go.id) ;; *) fail "the answer can be answered" ;; esac
ok "a correction from someone else is only recorded; an incomplete one gets one answer and the request stays"

# The corrected KTP and field, answering the first email again.
NEWKTP=$(printf '%%PDF-1.4\n%%KTP baru Rina\n%%%%EOF\n')
correction $P rina.marlina@kuduskab.go.id "Dengan hormat, berikut KTP yang sudah dipindai ulang.\n\nJabatan: Perencana Ahli Muda" ktp_baru.pdf "$NEWKTP" >c2.eml
expect_exit 0 D deliver <c2.eml
[ "$(state $R2)" = disposisi_kadin ] || fail "the complete correction resumes at the step that returned it ($(state $R2))"
[ "$(sql $DB "select group_concat(e.kind, ' ') from events e join requests r on r.id = e.request_id where r.number = '$R2' and e.kind like '%corrected'")" = "application_corrected corrected" ] ||
	fail "the corrected application is recorded, then the workflow goes on"
f=$(email $R2 disposisi_kadin $KADIS)
[ "$(attached $f | tr '\n' ' ')" = "ktp_baru.pdf surat_permohonan.pdf surat_rekomendasi.pdf " ] ||
	fail "the Kepala Dinas's new email carries the corrected documents: $(attached $f | tr '\n' ' ')"
contains $OUT/$f "Perencana Ahli Muda"
contains $OUT/$f "diperbaiki oleh pemohon"
tr -d '\r' <$OUT/$f | grep -q "$(printf '%s' "$NEWKTP" | base64 -w0)" || fail "the new KTP's bytes"
# The store keeps the application as it came.
[ "$(sql $DB "select count(*) from attachments a join requests r on r.message_id = a.message_id where r.number = '$R2' and a.filename = 'scan_ktp.pdf'")" = 1 ] ||
	fail "the original KTP is still the application's"
[ "$(sql $DB "select json_extract(detail, '\$.form.Jabatan') from events e join requests r on r.id = e.request_id where r.number = '$R2' and e.kind = 'received'")" = "Pranata Komputer" ] ||
	fail "the application's form is kept as it came"
# Its token is spent.
correction $P rina.marlina@kuduskab.go.id "Jabatan: Lain lagi" >c3.eml
expect_exit 0 D deliver <c3.eml
[ "$(state $R2)" = disposisi_kadin ] || fail "a correction after the resumption moved it"
[ "$(last_event $R2)" = correction_again ] || fail "noted as too late"
ok "the applicant's corrected reply resumes at disposisi_kadin with the new documents and data"

# The Kepala Dinas approves; the Kabid rejects, the applicant hears why.
say gmail $R2 disposisi_kadin $KADIS $KADIS "Setuju."
[ "$(state $R2)" = disposisi_kabid ] || fail "SETUJU after the correction"
say outlook $R2 disposisi_kabid $KABID $KABID "TOLAK Surat rekomendasi sudah kedaluwarsa"
[ "$(state $R2)" = ditolak ] || fail "TOLAK at the Kabid's step ($(state $R2))"
f=$(sql $DB "select printf('%06d.eml', id) from outbox where to_addr = 'rina.marlina@kuduskab.go.id' and template = 'keputusan'")
contains $OUT/$f "Surat rekomendasi sudah kedaluwarsa"
ok "Kabid TOLAK (Outlook) ends the request and tells the applicant why"

# ---- the applicant's clock ----------------------------------------------
application ahmad.fauzi@kuduskab.go.id 3 |
	sed 's/^NIP: .*/NIP: 199204102019031007\r/; s/^NIK: .*/NIK: 3319031004920003\r/' >app3.eml
expect_exit 0 D deliver <app3.eml
R3=SE-2026-000003
say iphone $R3 disposisi_kadin $KADIS $KADIS "Kembalikan: surat permohonan belum ditandatangani"
[ "$(state $R3)" = perbaikan ] || fail "R3 with the applicant"
due=$(sql $DB "select datetime(due_at, 'unixepoch', '+7 hours') from requests where number = '$R3'")
[ "$due" = "2026-11-26 09:40:00" ] || fail "three working days for the correction: $due"
NOW=2026-11-26T10:00:00+07:00
expect_exit 0 D timers
contains out "1 timer fired"
[ "$(state $R3)" = perbaikan ] || fail "the first expiry closed it"
f=$(email $R3 perbaikan ahmad.fauzi@kuduskab.go.id)
contains $OUT/$f "Pengingat"
contains $OUT/$f "surat permohonan belum ditandatangani"
NOW=2026-12-01T10:00:00+07:00
expect_exit 0 D timers
contains out "1 timer fired"
[ "$(state $R3)" = ditolak ] || fail "the second expiry closes it ($(state $R3))"
f=$(sql $DB "select printf('%06d.eml', id) from outbox where to_addr = 'ahmad.fauzi@kuduskab.go.id' and template = 'keputusan'")
contains $OUT/$f "tidak kami terima sampai batas waktunya"
ok "an unanswered correction: one reminder after three working days, then ditolak after three more"

# Every decision names the message that made it; every event the rules version.
[ "$(sql $DB "select count(*) from events where kind in ('approve', 'forward', 'continue', 'reject', 'return', 'done', 'corrected') and message_id is null")" = 0 ] ||
	fail "a decision without its message"
[ "$(sql $DB "select count(*) from events where rules_version is null or length(rules_version) <> 64")" = 0 ] ||
	fail "an event without the rules version"
ok "every decision names its message and its rules version"
