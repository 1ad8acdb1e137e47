#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# test-forward.sh: applications that an office's tata usaha or a colleague
# forwards, end to end through `dispo deliver`, written the way Outlook,
# Thunderbird and Gmail write them: forwarded as an attachment (the
# applicant's own email inside) and inline (its text under the client's
# "Forwarded message" block, its files re-attached). Accepted, the request
# is the applicant's and the acknowledgement goes to them with the
# forwarder in Cc; refused, the forwarder is told why.
. "$(dirname "$0")/lib.sh"

cat >dispo.conf <<CONF
[general]
data_dir = data
[policy]
agency_domains = kuduskab.go.id
require_authentication = true
trusted_authserv_id = mx.kuduskab.go.id
# Every refusal here goes to a few forwarders within the same minute.
answers_per_hour = 100
answers_per_day = 100
CONF
D() { "$DISPO" --config dispo.conf --now 2026-11-23T09:00:00+07:00 "$@"; }
DB=data/dispo.db
OUT=data/outbox/new
expect_exit 0 D employees import "$DISPO_SRCDIR/rules/register-contoh.csv"

PDF=JVBERi0xLjQKMSAwIG9iago8PD4+CmVuZG9iagolJUVPRgo= # %PDF-1.4 … %%EOF
JPEG=/9j/4AAQSkZJRgABAQAAAQABAAD/2gAIAQEAAD8AEjRW/9k=
PNG=iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==
crlf() { sed 's/$/\r/'; }
header() { tr -d '\r' <"$2" | sed '/^$/q' | grep -i "^$1:" | head -n 1 | sed "s/^[^:]*: //"; }
# body FILE: the text part as its reader sees it (decoded, flowed lines joined).
body() { python3 "$DISPO_SRCDIR/tests/cli/mailpart.py" --unflow "$1"; }
q() { sql $DB "$1"; }
# The answer of a kind (acknowledgement, refusal) to the last message, as
# the outbox Maildir holds it.
answer_file() { printf '%s/%06d.eml' $OUT "$(q "select max(id) from outbox where kind = '$1'")"; }

# What our MX writes above every message it takes from an office mailbox:
# Dovecot's LMTP hop, OpenDMARC's verdict, Postfix's Received:.
mx() { # FROM [DMARC]
	printf 'Return-Path: <%s>\nDelivered-To: sertifikat@kuduskab.go.id\n' "$1"
	printf 'Received: from mx.kuduskab.go.id\n\tby imap.kuduskab.go.id with LMTP\n\tid 9JkQBmIAFmvRMAAAg+zDdQ\n'
	printf '\t(envelope-from <%s>)\n\tfor <sertifikat@kuduskab.go.id>; Mon, 23 Nov 2026 08:50:03 +0700\n' "$1"
	printf 'Authentication-Results: mx.kuduskab.go.id; dmarc=%s (p=quarantine dis=none) header.from=%s\n' "${2:-pass}" "${1#*@}"
	printf 'Received: from mail.kuduskab.go.id (mail.kuduskab.go.id [10.10.1.10])\n\tby mx.kuduskab.go.id (Postfix) with ESMTPS id 4Ry7Kq0Z1Mz9sQd\n'
	printf '\tfor <sertifikat@kuduskab.go.id>; Mon, 23 Nov 2026 08:50:02 +0700 (WIB)\n'
}

# form NAME NIP NIK POSITION UNIT EMAIL: the applicant's lines.
form() {
	printf 'Nama: %s\nNIP: %s\nNIK: %s\nJabatan: %s\nUnit Kerja: %s\n' "$1" "$2" "$3" "$4" "$5"
	[ -n "$6" ] && printf 'Email dinas: %s\n' "$6"
	return 0
}

# zimbra_part BOUNDARY NAME TYPE DATA: a file as Zimbra webmail attaches it.
zimbra_part() {
	printf -- '--%s\nContent-Type: %s; name=%s\nContent-Disposition: attachment; filename=%s\n' "$1" "$3" "$2" "$2"
	printf 'Content-Transfer-Encoding: base64\n\n%s\n' "$4"
}

# applicant_mail FROM SUBJECT FORM FILES…: the applicant's own email to
# their tata usaha, sent from Zimbra webmail, with our MX's claims in it
# (which, inside a forward, are the forwarder's text like all the rest).
# FROM is the whole From value ("-" for none); FILES are name:pdf|jpeg.
applicant_mail() {
	from=$1 subject=$2 formtext=$3; shift 3
	printf 'Return-Path: <applicant@kuduskab.go.id>\n'
	printf 'Received: from mail.kuduskab.go.id (LHLO mail.kuduskab.go.id) (10.10.1.10)\n by mail.kuduskab.go.id with LMTP; Fri, 20 Nov 2026 14:12:44 +0700 (WIB)\n'
	printf 'Authentication-Results: mx.kuduskab.go.id; dkim=pass header.d=kuduskab.go.id; dmarc=pass header.from=kuduskab.go.id\n'
	printf 'Date: Fri, 20 Nov 2026 14:12:40 +0700 (WIB)\n'
	[ "$from" = - ] || printf 'From: %s\n' "$from"
	printf 'To: Tata Usaha <tu.dinkes@kuduskab.go.id>\nMessage-ID: <%s.1795674760@kuduskab.go.id>\n' "$(echo "$from$subject" | cksum | cut -d' ' -f1)"
	printf 'Subject: %s\nMIME-Version: 1.0\nContent-Type: multipart/mixed; \n\tboundary="=_2b7d0f41-c9a3-4e65"\n' "$subject"
	printf 'X-Mailer: Zimbra 9.0.0_GA_4546 (ZimbraWebClient - GC119 (Win)/9.0.0_GA_4546)\nThread-Topic: %s\n\n' "$subject"
	printf -- '--=_2b7d0f41-c9a3-4e65\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 7bit\n\n'
	printf 'Yth. Bapak/Ibu Tata Usaha,\n\nMohon bantuannya meneruskan permohonan sertifikat elektronik saya.\n\n%s\nTerima kasih.\n\n' "$formtext"
	for f in "$@"; do
		case ${f#*:} in
		pdf) zimbra_part =_2b7d0f41-c9a3-4e65 "${f%:*}" application/pdf $PDF ;;
		jpeg) zimbra_part =_2b7d0f41-c9a3-4e65 "${f%:*}" image/jpeg $JPEG ;;
		esac
	done
	printf -- '--=_2b7d0f41-c9a3-4e65--\n'
}

# outlook_attached FORWARDER NAME SUBJECT INNER…: Outlook 16 desktop's
# "Forward as Attachment": a text/plain + HTML note, the signature logo,
# each INNER file (a whole message) as a message/rfc822 part.
outlook_attached() {
	fwd=$1 name=$2 subject=$3; shift 3
	printf 'From: %s <%s>\nTo: "sertifikat@kuduskab.go.id" <sertifikat@kuduskab.go.id>\n' "$name" "$fwd"
	printf 'Subject: FW: %s\nThread-Topic: %s\nThread-Index: AdtA9f3k2m0Zq1bWQ0eS7j3cV8nJ0A==\n' "$subject" "$subject"
	printf 'Date: Mon, 23 Nov 2026 08:49:51 +0700\nMessage-ID: <003101db3d71$5e8c2a10$%s@kuduskab.go.id>\n' "$(echo "$fwd$subject$*" | cksum | cut -d' ' -f1)"
	printf 'MIME-Version: 1.0\nContent-Type: multipart/mixed;\n\tboundary="----=_NextPart_000_0032_01DB3DAB.DA6BE1A0"\n'
	printf 'X-Mailer: Microsoft Outlook 16.0\nContent-Language: id\nX-MS-Has-Attach: yes\n\nThis is a multipart message in MIME format.\n\n'
	printf -- '------=_NextPart_000_0032_01DB3DAB.DA6BE1A0\nContent-Type: multipart/alternative;\n\tboundary="----=_NextPart_001_0033_01DB3DAB.DA6BE1A0"\n\n\n'
	printf -- '------=_NextPart_001_0033_01DB3DAB.DA6BE1A0\nContent-Type: text/plain;\n\tcharset="us-ascii"\nContent-Transfer-Encoding: 7bit\n\n'
	printf 'Selamat pagi,\n\nTerlampir permohonan yang masuk ke email kami. Mohon diproses.\n\nSalam,\n%s\nTata Usaha Dinas Kesehatan\n\n' "$name"
	printf -- '------=_NextPart_001_0033_01DB3DAB.DA6BE1A0\nContent-Type: text/html;\n\tcharset="us-ascii"\nContent-Transfer-Encoding: quoted-printable\n\n'
	printf '<html><body lang=3DEN-US><div class=3DWordSection1><p class=3DMsoNormal>Selamat =\npagi,<o:p></o:p></p><p class=3DMsoNormal>Terlampir permohonan yang masuk ke =\nemail kami. Mohon diproses.<o:p></o:p></p><p class=3DMsoNormal><img =\nsrc=3D"cid:image001.png@01DB3DAB.DA3F3A70"></p></div></body></html>\n\n'
	printf -- '------=_NextPart_001_0033_01DB3DAB.DA6BE1A0--\n\n'
	printf -- '------=_NextPart_000_0032_01DB3DAB.DA6BE1A0\nContent-Type: image/png;\n\tname="image001.png"\n'
	printf 'Content-Transfer-Encoding: base64\nContent-ID: <image001.png@01DB3DAB.DA3F3A70>\nContent-Disposition: inline;\n\tfilename="image001.png"\n\n%s\n\n' $PNG
	for inner in "$@"; do
		printf -- '------=_NextPart_000_0032_01DB3DAB.DA6BE1A0\nContent-Type: message/rfc822\nContent-Disposition: attachment\n\n'
		cat "$inner"
		printf '\n'
	done
	printf -- '------=_NextPart_000_0032_01DB3DAB.DA6BE1A0--\n'
}

BUDI_FORM=$(form "Budi Santoso, S.Kom." "19850312 201001 1 004" 3319011203850001 "Pranata Komputer Ahli Pertama" "Dinas Kesehatan" budi.santoso@kuduskab.go.id)
BUDI_FILES="Surat_Permohonan_Budi.pdf:pdf KTP_Budi_Santoso.pdf:pdf Surat_Rekomendasi_Kadinkes.pdf:pdf"

# ---- Outlook, forward as attachment ---------------------------------------------
# Nur Hidayah (an active employee of the same office) forwards the email Budi
# sent her; its signature logo is hers, the three PDFs are Budi's.
applicant_mail "Budi Santoso <budi.santoso@kuduskab.go.id>" "Permohonan Sertifikat Elektronik - Budi Santoso" "$BUDI_FORM" $BUDI_FILES >budi.eml
{ mx nur.hidayah@kuduskab.go.id; outlook_attached nur.hidayah@kuduskab.go.id "Nur Hidayah" "Permohonan Sertifikat Elektronik - Budi Santoso" budi.eml; } | crlf >outlook-attached.eml
expect_exit 0 D deliver <outlook-attached.eml
contains out "request SE-2026-000001 opened"
[ "$(q "select applicant from requests where number = 'SE-2026-000001'")" = budi.santoso@kuduskab.go.id ] || fail "the request is the applicant's"
[ "$(q "select json_extract(detail, '\$.forwarded.by') || ' ' || json_extract(detail, '\$.forwarded.how') || ' ' || actor from events where kind = 'received' and request_id = 1")" = \
	"nur.hidayah@kuduskab.go.id attached budi.santoso@kuduskab.go.id" ] || fail "the received event says who forwarded it"
[ "$(q "select json_extract(detail, '\$.form.NIK') from events where kind = 'received' and request_id = 1")" = 3319011203850001 ] || fail "the form is the forwarded message's"
ack=$(answer_file acknowledgement)
[ "$(header To $ack)" = budi.santoso@kuduskab.go.id ] || fail "ack To: $(header To $ack)"
[ "$(header Cc $ack)" = nur.hidayah@kuduskab.go.id ] || fail "ack Cc: $(header Cc $ack)"
[ "$(q "select to_addr || ' cc ' || cc_addr from outbox where kind = 'acknowledgement'")" = "budi.santoso@kuduskab.go.id cc nur.hidayah@kuduskab.go.id" ] ||
	fail "the outbox row names both recipients (the SMTP sender's RCPT TO)"
body $ack | grep -q "^Yth. Bapak Budi Santoso,$" || { body $ack; fail "the ack greets the applicant, not the forwarder"; }
body $ack | tr '\n' ' ' | grep -q "diteruskan kepada kami oleh nur.hidayah@kuduskab.go.id" || { body $ack; fail "the ack names the forwarder"; }
# The Kepala Dinas gets Budi's three files, not Nur's logo.
kadin=$(printf '%s/%06d.eml' $OUT "$(q "select id from outbox where kind = 'workflow' and request_id = 1")")
[ "$(tr -d '\r' <"$kadin" | grep -c '^Content-Disposition: attachment')" = 3 ] || fail "three documents for the head of office"
contains "$kadin" Surat_Rekomendasi_Kadinkes.pdf
grep -q image001 "$kadin" && fail "the forwarder's logo went to the head of office"
ok "Outlook forward-as-attachment: the applicant's request, ack To them with the forwarder in Cc, their documents to the officials"

# ---- Thunderbird, forward as attachment, from the office's shared mailbox ----------
# tu.dinkes@ is a unit's mailbox, not a person the register lists; it passes
# the sender checks, which is all a forwarder must.
ANDINI_FORM=$(form "dr. Andini Pratiwi, M.Kes." 197204151998032004 3319015504720004 "Kepala Dinas Kesehatan" "Dinas Kesehatan" andini.pratiwi@kuduskab.go.id)
applicant_mail "\"dr. Andini Pratiwi, M.Kes.\" <andini.pratiwi@kuduskab.go.id>" "Permohonan TTE" "$ANDINI_FORM" permohonan_andini.pdf:pdf ktp_andini.jpg:jpeg rekomendasi_andini.pdf:pdf >andini.eml
{
	mx tu.dinkes@kuduskab.go.id
	printf 'Message-ID: <7c1e5d0a-2f4b-4b8e-9a61-3d2c8e0f4a17@kuduskab.go.id>\nDate: Mon, 23 Nov 2026 08:41:17 +0700\nMIME-Version: 1.0\n'
	printf 'User-Agent: Mozilla Thunderbird\nContent-Language: id\nTo: sertifikat@kuduskab.go.id\nFrom: Tata Usaha Dinkes <tu.dinkes@kuduskab.go.id>\n'
	printf 'Subject: Fwd: Permohonan TTE\nContent-Type: multipart/mixed; boundary="------------0aBcDeFgHiJkLmNoPqRsTuVw"\n\n'
	printf 'This is a multi-part message in MIME format.\n--------------0aBcDeFgHiJkLmNoPqRsTuVw\n'
	printf 'Content-Type: text/plain; charset=UTF-8; format=flowed\nContent-Transfer-Encoding: 7bit\n\n'
	printf 'Mohon diproses permohonan Ibu Kepala Dinas berikut.\n\n-- \nTata Usaha Dinas Kesehatan Kabupaten Kudus\n\n'
	printf -- '--------------0aBcDeFgHiJkLmNoPqRsTuVw\nContent-Type: message/rfc822; charset=UTF-8; name="Permohonan TTE.eml"\n'
	printf 'Content-Disposition: attachment; filename="Permohonan TTE.eml"\n\n'
	cat andini.eml
	printf '\n--------------0aBcDeFgHiJkLmNoPqRsTuVw--\n'
} | crlf >thunderbird-attached.eml
expect_exit 0 D deliver <thunderbird-attached.eml
contains out "request SE-2026-000002 opened"
[ "$(q "select applicant from requests where number = 'SE-2026-000002'")" = andini.pratiwi@kuduskab.go.id ] || fail "Andini's request"
ack=$(answer_file acknowledgement)
[ "$(header To $ack)" = andini.pratiwi@kuduskab.go.id ] || fail "ack To: $(header To $ack)"
[ "$(header Cc $ack)" = tu.dinkes@kuduskab.go.id ] || fail "ack Cc: $(header Cc $ack)"
ok "Thunderbird forward-as-attachment from a unit's mailbox"

# gmail_inline FORWARDER NAME SUBJECT MARKER_AND_HEADERS TEXT FILES…: Gmail
# web's inline forward: a note, the client's block, the original's text;
# the original's files re-attached to the forward itself.
gmail_inline() {
	fwd=$1 name=$2 subject=$3 block=$4 text=$5; shift 5
	printf 'MIME-Version: 1.0\nFrom: %s <%s>\nDate: Mon, 23 Nov 2026 08:45:02 +0700\n' "$name" "$fwd"
	printf 'Message-ID: <CAF7h+4rQ2x0Zk9mWq%s@mail.gmail.com>\n' "$(echo "$fwd$block" | cksum | cut -d' ' -f1)"
	printf 'Subject: Fwd: %s\nTo: sertifikat@kuduskab.go.id\nContent-Type: multipart/mixed; boundary="000000000000a1b2c30627f5d10c"\n\n' "$subject"
	printf -- '--000000000000a1b2c30627f5d10c\nContent-Type: multipart/alternative; boundary="000000000000a1b2c20627f5d10a"\n\n'
	printf -- '--000000000000a1b2c20627f5d10a\nContent-Type: text/plain; charset="UTF-8"\n\n'
	printf 'Mohon dibantu diproses ya, kemarin salah kirim ke alamat kami.\n\n%s\n\n\n%s\n\n' "$block" "$text"
	printf -- '--000000000000a1b2c20627f5d10a\nContent-Type: text/html; charset="UTF-8"\nContent-Transfer-Encoding: quoted-printable\n\n'
	printf '<div dir=3D"ltr">Mohon dibantu diproses ya, kemarin salah kirim ke alamat kami.<br><br><div class=3D"gmail_quote gmail_quote_container">'
	printf '<div dir=3D"ltr" class=3D"gmail_attr">%s</div><br><br><div dir=3D"ltr">%s</div></div></div>\n\n' "$(echo "$block" | sed 's/$/<br>/' | tr -d '\n')" "$(echo "$text" | sed 's/$/<br>/' | tr -d '\n')"
	printf -- '--000000000000a1b2c20627f5d10a--\n'
	n=0
	for f in "$@"; do
		n=$((n + 1))
		printf -- '--000000000000a1b2c30627f5d10c\nContent-Type: application/pdf; name="%s"\nContent-Disposition: attachment; filename="%s"\n' "$f" "$f"
		printf 'Content-Transfer-Encoding: base64\nContent-ID: <f_mhx81t3a%s>\nX-Attachment-Id: f_mhx81t3a%s\n\n%s\n' $n $n $PDF
	done
	printf -- '--000000000000a1b2c30627f5d10c--\n'
}

# ---- Gmail, inline, Indonesian UI --------------------------------------------------
RINA_FORM=$(form "Rina Marlina, S.E." 198707262011012002 3319086607870001 "Perencana Ahli Muda" "Badan Perencanaan Pembangunan Daerah (BAPPEDA)" rina.marlina@kuduskab.go.id)
RINA_BLOCK='---------- Pesan terusan ---------
Dari: Rina Marlina <rina.marlina@kuduskab.go.id>
Tanggal: Jum, 20 Nov 2026 pukul 15.02
Subjek: Permohonan Sertifikat Elektronik
Kepada: <tu.bappeda@kuduskab.go.id>'
{ mx tu.bappeda@kuduskab.go.id; gmail_inline tu.bappeda@kuduskab.go.id "TU Bappeda" "Permohonan Sertifikat Elektronik" "$RINA_BLOCK" "Yth. Admin,

$RINA_FORM" "Surat Permohonan Rina.pdf" "KTP Rina.pdf" "Rekomendasi Kepala Bappeda.pdf"; } | crlf >gmail-id.eml
expect_exit 0 D deliver <gmail-id.eml
contains out "request SE-2026-000003 opened"
[ "$(q "select applicant from requests where number = 'SE-2026-000003'")" = rina.marlina@kuduskab.go.id ] || fail "Rina's request"
[ "$(q "select json_extract(detail, '\$.forwarded.how') || ' ' || json_extract(detail, '\$.forwarded.by') || ' ' || json_extract(detail, '\$.form.NIP') from events where kind = 'received' and request_id = 3")" = \
	"inline tu.bappeda@kuduskab.go.id 198707262011012002" ] || fail "inline forward recorded, form from the forwarded text"
ack=$(answer_file acknowledgement)
[ "$(header To $ack)" = rina.marlina@kuduskab.go.id ] || fail "ack To: $(header To $ack)"
[ "$(header Cc $ack)" = tu.bappeda@kuduskab.go.id ] || fail "ack Cc: $(header Cc $ack)"
ok "Gmail inline forward (Pesan terusan / Dari / Tanggal / Subjek / Kepada)"

# ---- Gmail, inline, English UI --------------------------------------------------------
AHMAD_FORM=$(form "Ahmad Fauzi, S.IP." 199204102019031007 3319031004920003 "Analis Kebijakan Ahli Pertama" "Kecamatan Jati" ahmad.fauzi@kuduskab.go.id)
AHMAD_BLOCK='---------- Forwarded message ---------
From: Ahmad Fauzi <ahmad.fauzi@kuduskab.go.id>
Date: Fri, Nov 20, 2026 at 3:02 PM
Subject: Permohonan TTE
To: <umum.kecjati@kuduskab.go.id>'
{ mx umum.kecjati@kuduskab.go.id; gmail_inline umum.kecjati@kuduskab.go.id "Subbag Umum Kec. Jati" "Permohonan TTE" "$AHMAD_BLOCK" "$AHMAD_FORM" "permohonan.pdf" "ktp.pdf" "rekomendasi camat.pdf"; } | crlf >gmail-en.eml
expect_exit 0 D deliver <gmail-en.eml
contains out "request SE-2026-000004 opened"
ack=$(answer_file acknowledgement)
[ "$(header To $ack) / $(header Cc $ack)" = "ahmad.fauzi@kuduskab.go.id / umum.kecjati@kuduskab.go.id" ] || fail "ack To/Cc: $(header To $ack) / $(header Cc $ack)"
ok "Gmail inline forward (Forwarded message / From / Date / Subject / To)"

# outlook_inline FORWARDER NAME SUBJECT BLOCK TEXT FILES…: Outlook 16's
# inline forward as its text/plain part has it, the files re-attached.
outlook_inline() {
	fwd=$1 name=$2 subject=$3 block=$4 text=$5; shift 5
	printf 'From: %s <%s>\nTo: <sertifikat@kuduskab.go.id>\nSubject: %s\n' "$name" "$fwd" "$subject"
	printf 'Date: Mon, 23 Nov 2026 08:52:10 +0700\nMessage-ID: <000601db3d75$b1d2e3f0$%s@kuduskab.go.id>\n' "$(echo "$fwd$block" | cksum | cut -d' ' -f1)"
	printf 'MIME-Version: 1.0\nContent-Type: multipart/mixed;\n\tboundary="----=_NextPart_000_0007_01DB3DAF.5E3A4B70"\nX-Mailer: Microsoft Outlook 16.0\nThread-Index: AQHbPXWx0Q==\nContent-Language: id\n\n'
	printf 'This is a multipart message in MIME format.\n\n------=_NextPart_000_0007_01DB3DAF.5E3A4B70\n'
	printf 'Content-Type: text/plain;\n\tcharset="utf-8"\nContent-Transfer-Encoding: 8bit\n\n'
	printf '%s\n\n \n\nSalam,\n\nSekretariat\n\n \n\n%s\n\n \n\n%s\n\n' "${NOTE:-Mohon diproses.}" "$block" "$text"
	for f in "$@"; do
		printf -- '------=_NextPart_000_0007_01DB3DAF.5E3A4B70\nContent-Type: application/pdf;\n\tname="%s"\n' "$f"
		printf 'Content-Transfer-Encoding: base64\nContent-Disposition: attachment;\n\tfilename="%s"\n\n%s\n\n' "$f" $PDF
	done
	printf -- '------=_NextPart_000_0007_01DB3DAF.5E3A4B70--\n'
}

# ---- Outlook, inline, Indonesian (Dari / Dikirim / Kepada / Perihal) ---------------
DEWI_FORM=$(form "Dewi Lestari, A.Md." 199002052015032001 3319074502900002 "Pranata Komputer Terampil" "Dinas Komunikasi dan Informatika" dewi.lestari@kuduskab.go.id)
DEWI_BLOCK='________________________________
Dari: Dewi Lestari <dewi.lestari@kuduskab.go.id> 
Dikirim: Jumat, 20 November 2026 16.10
Kepada: Sekretariat Diskominfo <sekretariat.diskominfo@kuduskab.go.id>
Perihal: Permohonan Sertifikat Elektronik'
{ mx sekretariat.diskominfo@kuduskab.go.id; outlook_inline sekretariat.diskominfo@kuduskab.go.id "Sekretariat Diskominfo" "TRS: Permohonan Sertifikat Elektronik" "$DEWI_BLOCK" "$DEWI_FORM" "Surat Permohonan.pdf" "Scan KTP.pdf" "Surat Rekomendasi.pdf"; } | crlf >outlook-id.eml
expect_exit 0 D deliver <outlook-id.eml
contains out "request SE-2026-000005 opened"
ack=$(answer_file acknowledgement)
[ "$(header To $ack) / $(header Cc $ack)" = "dewi.lestari@kuduskab.go.id / sekretariat.diskominfo@kuduskab.go.id" ] || fail "ack To/Cc: $(header To $ack) / $(header Cc $ack)"
# The same block above an original that a reply quotes (RE:) is no forward.
ok "Outlook inline forward (Dari / Dikirim / Kepada / Perihal)"

# ---- Outlook, inline, English, -----Original Message----- ---------------------------
BLOCK='-----Original Message-----
From: Budi Santoso [mailto:budi.santoso@kuduskab.go.id]
Sent: Friday, November 20, 2026 4:10 PM
To: Nur Hidayah <nur.hidayah@kuduskab.go.id>
Subject: Permohonan Sertifikat Elektronik'
{ mx nur.hidayah@kuduskab.go.id; outlook_inline nur.hidayah@kuduskab.go.id "Nur Hidayah" "FW: Permohonan Sertifikat Elektronik" "$BLOCK" "$BUDI_FORM" "Surat Permohonan Budi.pdf" "KTP Budi.pdf" "Rekomendasi Kadinkes.pdf"; } | crlf >outlook-en.eml
expect_exit 0 D deliver <outlook-en.eml
contains out "request SE-2026-000006 opened"
[ "$(q "select applicant from requests where number = 'SE-2026-000006'")" = budi.santoso@kuduskab.go.id ] || fail "Budi's second request"
ok "Outlook inline forward (-----Original Message----- / From [mailto:] / Sent)"

# ---- one applicant's two emails, forwarded together --------------------------------
applicant_mail "Ahmad Fauzi <ahmad.fauzi@kuduskab.go.id>" "Permohonan (1/2)" "$AHMAD_FORM" permohonan_ahmad.pdf:pdf ktp_ahmad.jpg:jpeg >ahmad1.eml
applicant_mail "Ahmad Fauzi <ahmad.fauzi@kuduskab.go.id>" "Permohonan (2/2): rekomendasi" "Rekomendasi menyusul." rekomendasi_camat_jati.pdf:pdf >ahmad2.eml
{ mx nur.hidayah@kuduskab.go.id; outlook_attached nur.hidayah@kuduskab.go.id "Nur Hidayah" "Permohonan Ahmad Fauzi" ahmad1.eml ahmad2.eml; } | crlf >two-same.eml
expect_exit 0 D deliver <two-same.eml
contains out "request SE-2026-000007 opened"
[ "$(q "select applicant from requests where number = 'SE-2026-000007'")" = ahmad.fauzi@kuduskab.go.id ] || fail "Ahmad's request from two emails"
ok "two forwarded emails of the same applicant make one application"

# ---- the attack a single valid mailbox allows ------------------------------------------
# Rina fabricates an email "from" Budi (a Reply-To of her own inside, and
# our MX's pass written into it) and forwards it: the request can only be
# Budi's, and Budi hears of it at his register address, with Rina named.
applicant_mail "Budi Santoso <budi.santoso@kuduskab.go.id>" "Permohonan Sertifikat" "$BUDI_FORM" $BUDI_FILES |
	sed 's/^To: .*/To: Rina <rina.marlina@kuduskab.go.id>\nReply-To: rina.marlina@kuduskab.go.id/' >fabricated.eml
{ mx rina.marlina@kuduskab.go.id; outlook_attached rina.marlina@kuduskab.go.id "Rina Marlina" "Permohonan Sertifikat" fabricated.eml; } | crlf >attack.eml
expect_exit 0 D deliver <attack.eml
contains out "request SE-2026-000008 opened"
ack=$(answer_file acknowledgement)
[ "$(header To $ack) / $(header Cc $ack)" = "budi.santoso@kuduskab.go.id / rina.marlina@kuduskab.go.id" ] || fail "the real applicant is told: $(header To $ack) / $(header Cc $ack)"
body $ack | tr '\n' ' ' | grep -q "oleh rina.marlina@kuduskab.go.id.*Bila Anda tidak pernah mengajukannya" || { body $ack; fail "the ack tells the applicant who forwarded it and what to do"; }
ok "a fabricated forward reaches the real applicant, with the forwarder named"

# ---- refused: the applicant cannot be established --------------------------------------
# refused_with FILE CODE FORWARDER SENTENCE: refused (no request), the
# reason recorded, and one answer to the forwarder alone saying why.
refused_with() {
	requests=$(q "select count(*) from requests")
	expect_exit 0 D deliver <"$1"
	contains out "application refused"
	[ "$(q "select count(*) from requests")" = "$requests" ] || fail "$1 opened a request"
	q "select reasons from refusals order by message_id desc limit 1" | grep -q "\"$2\"" ||
		{ q "select reasons from refusals order by message_id desc limit 1"; fail "$1 lacks reason $2"; }
	r=$(answer_file refusal)
	[ "$(header To $r)" = "$3" ] || fail "$1: the refusal goes to the forwarder, not $(header To $r)"
	[ -z "$(header Cc $r)" ] || fail "$1: a refusal of an unknown applicant copies nobody"
	[ "$(q "select ifnull(cc_addr, '-') from outbox where kind = 'refusal' order by id desc limit 1")" = - ] || fail "$1: no Cc in the outbox"
	body $r | tr '\n' ' ' | tr -s ' ' | grep -qF -- "$4" || { body $r; fail "$1: the refusal says: $4"; }
}

applicant_mail - "Permohonan" "$BUDI_FORM" $BUDI_FILES >nofrom.eml
{ mx nur.hidayah@kuduskab.go.id; outlook_attached nur.hidayah@kuduskab.go.id "Nur Hidayah" "Permohonan tanpa pengirim" nofrom.eml; } | crlf >r-nofrom.eml
refused_with r-nofrom.eml forward_from_missing nur.hidayah@kuduskab.go.id "tidak memuat satu alamat pengirim asli (From/Dari) yang dapat kami baca"
# The answer is the forwarder's: it greets her, not the form's applicant.
body "$(answer_file refusal)" | grep -q "^Yth. Ibu Nur Hidayah,$" || { body "$(answer_file refusal)"; fail "the refusal greets the forwarder"; }
ok "a forwarded message without a From is refused"

applicant_mail "Budi Santoso <budi.santoso.kds@gmail.com>" "Permohonan dari gmail" "$BUDI_FORM" $BUDI_FILES >gmail-applicant.eml
{ mx nur.hidayah@kuduskab.go.id; outlook_attached nur.hidayah@kuduskab.go.id "Nur Hidayah" "Permohonan gmail" gmail-applicant.eml; } | crlf >r-gmail.eml
refused_with r-gmail.eml forward_applicant_not_agency nur.hidayah@kuduskab.go.id "dikirim dari budi.santoso.kds@gmail.com, bukan alamat email dinas"
applicant_mail "Budi <budi@jatengprov.go.id>" "Permohonan provinsi" "$BUDI_FORM" $BUDI_FILES >prov.eml
{ mx nur.hidayah@kuduskab.go.id; outlook_attached nur.hidayah@kuduskab.go.id "Nur Hidayah" "Permohonan provinsi" prov.eml; } | crlf >r-prov.eml
refused_with r-prov.eml forward_applicant_not_agency nur.hidayah@kuduskab.go.id "budi@jatengprov.go.id, bukan alamat email dinas instansi yang dilayani di sini"
ok "a forwarded message from outside .go.id or outside the agency is refused"

SUPARMAN_FORM=$(form "Suparman, S.Sos." 196206151985031005 3319021506620001 "Penata Sandi Ahli Muda" "Dinas Komunikasi dan Informatika" suparman@kuduskab.go.id)
applicant_mail "Suparman <suparman@kuduskab.go.id>" "Permohonan Suparman" "$SUPARMAN_FORM" $BUDI_FILES >suparman.eml
{ mx nur.hidayah@kuduskab.go.id; outlook_attached nur.hidayah@kuduskab.go.id "Nur Hidayah" "Permohonan Suparman" suparman.eml; } | crlf >r-pensiun.eml
refused_with r-pensiun.eml forward_applicant_not_active nur.hidayah@kuduskab.go.id "Pemohon pada email yang Anda teruskan (suparman@kuduskab.go.id) tidak tercatat aktif"
# An address the register does not know would be asked to confirm, were
# it the sender; a forward of it is refused: it would confirm a request
# that someone else made.
applicant_mail "Fajar Baru <fajar.baru@kuduskab.go.id>" "Permohonan Fajar" "$(form "Fajar Baru" 198503122010011004 3319011203850001 Staf Dinas fajar.baru@kuduskab.go.id)" $BUDI_FILES >fajar.eml
{ mx nur.hidayah@kuduskab.go.id; outlook_attached nur.hidayah@kuduskab.go.id "Nur Hidayah" "Permohonan Fajar" fajar.eml; } | crlf >r-unknown.eml
refused_with r-unknown.eml forward_applicant_not_active nur.hidayah@kuduskab.go.id "(fajar.baru@kuduskab.go.id) tidak tercatat aktif"
[ "$(q "select count(*) from tokens where address = 'fajar.baru@kuduskab.go.id'")" = 0 ] || fail "no confirmation is asked of a forwarded applicant"
ok "a forwarded applicant the register does not list as active (pensiun, unknown) is refused"

# Inline, the From is only text: the form's Email dinas must say the same.
MISMATCH_BLOCK=$(echo "$AHMAD_BLOCK" | sed 's/ahmad.fauzi@/rina.marlina@/; s/From: Ahmad Fauzi/From: Rina Marlina/')
{ mx umum.kecjati@kuduskab.go.id; gmail_inline umum.kecjati@kuduskab.go.id "Subbag Umum" "Permohonan lain" "$MISMATCH_BLOCK" "$AHMAD_FORM" permohonan.pdf ktp.pdf rekomendasi.pdf; } | crlf >r-mismatch.eml
refused_with r-mismatch.eml forward_email_mismatch umum.kecjati@kuduskab.go.id "Email dinas pada isian (ahmad.fauzi@kuduskab.go.id) berbeda dengan alamat pengirim email yang Anda teruskan"
NO_EMAIL_FORM=$(form "Ahmad Fauzi, S.IP." 199204102019031007 3319031004920003 "Analis Kebijakan Ahli Pertama" "Kecamatan Jati" "")
{ mx umum.kecjati@kuduskab.go.id; gmail_inline umum.kecjati@kuduskab.go.id "Subbag Umum" "Permohonan tanpa email" "$AHMAD_BLOCK" "$NO_EMAIL_FORM" permohonan.pdf ktp.pdf rekomendasi.pdf; } | crlf >r-noemail.eml
refused_with r-noemail.eml forward_email_missing umum.kecjati@kuduskab.go.id 'Isian "Email dinas" tidak ada pada email yang Anda teruskan'
q "select reasons from refusals order by message_id desc limit 1" | grep -q field_missing_email_dinas && fail "the missing Email dinas is said once"
NONAME_BLOCK=$(echo "$DEWI_BLOCK" | sed 's/^Dari: .*/Dari: Dewi Lestari/')
{ mx sekretariat.diskominfo@kuduskab.go.id; outlook_inline sekretariat.diskominfo@kuduskab.go.id "Sekretariat" "TRS: Permohonan Dewi" "$NONAME_BLOCK" "$DEWI_FORM" permohonan.pdf ktp.pdf rekomendasi.pdf; } | crlf >r-noaddress.eml
refused_with r-noaddress.eml forward_from_missing sekretariat.diskominfo@kuduskab.go.id "pemohonnya tidak dapat kami pastikan"
ok "an inline forward whose From does not match the form's Email dinas, or holds no address, is refused"

applicant_mail "Rina Marlina <rina.marlina@kuduskab.go.id>" "Permohonan Rina" "$RINA_FORM" $BUDI_FILES >rina.eml
{ mx nur.hidayah@kuduskab.go.id; outlook_attached nur.hidayah@kuduskab.go.id "Nur Hidayah" "Dua permohonan" budi.eml rina.eml; } | crlf >r-two.eml
refused_with r-two.eml forward_several_applicants nur.hidayah@kuduskab.go.id "lebih dari satu pemohon (budi.santoso@kuduskab.go.id, rina.marlina@kuduskab.go.id)"
ok "several forwarded messages with different applicants are refused"

# ---- refused: the forwarder fails ------------------------------------------------------
# From gmail.com (the TU's private account): the sender checks fail.
{ mx tu.dinkes.kudus@gmail.com; outlook_attached tu.dinkes.kudus@gmail.com "TU Dinkes" "Permohonan Budi" budi.eml; } | crlf >r-fwd-gmail.eml
refused_with r-fwd-gmail.eml forward_forwarder_refused tu.dinkes.kudus@gmail.com "Permohonan yang diteruskan hanya kami terima dari alamat email dinas yang lolos pemeriksaan pengirim"
q "select reasons from refusals order by message_id desc limit 1" | grep -q sender_not_go_id || fail "the sender check's own reason too"
# A retired employee's mailbox that still works.
{ mx suparman@kuduskab.go.id; outlook_attached suparman@kuduskab.go.id "Suparman" "Permohonan Budi" budi.eml; } | crlf >r-fwd-pensiun.eml
refused_with r-fwd-pensiun.eml forward_forwarder_not_active suparman@kuduskab.go.id 'alamat Anda tercatat dengan status "pensiun"'
# Our MX says the forward's DMARC failed; the pass written inside the
# forwarded message is the forger's claim: refused, and (as any
# unauthenticated mail) not answered, so no backscatter.
answers=$(q "select count(*) from outbox where kind <> 'workflow'")
{ mx nur.hidayah@kuduskab.go.id fail; outlook_attached nur.hidayah@kuduskab.go.id "Nur Hidayah" "Permohonan Budi lagi" budi.eml; } | crlf >r-fwd-forged.eml
expect_exit 0 D deliver <r-fwd-forged.eml
contains out "application refused"
q "select reasons from refusals order by message_id desc limit 1" | grep -q '"auth_fail".*"forward_forwarder_refused"' ||
	{ q "select reasons from refusals order by message_id desc limit 1"; fail "an unauthenticated forwarder"; }
[ "$(q "select count(*) from outbox where kind <> 'workflow'")" = "$answers" ] || fail "an unauthenticated forward was answered"
ok "a forwarder that fails the sender checks (gmail.com, pensiun, DMARC fail) is refused; the forwarded message's own Authentication-Results count for nothing"

# ---- established, but incomplete: the applicant hears, the forwarder is copied ---------
applicant_mail "Budi Santoso <budi.santoso@kuduskab.go.id>" "Permohonan tanpa KTP" "$BUDI_FORM" Surat_Permohonan_Budi.pdf:pdf Surat_Rekomendasi.pdf:pdf >budi-noktp.eml
{ mx nur.hidayah@kuduskab.go.id; outlook_attached nur.hidayah@kuduskab.go.id "Nur Hidayah" "Permohonan tanpa KTP" budi-noktp.eml; } | crlf >incomplete.eml
expect_exit 0 D deliver <incomplete.eml
contains out "application refused"
q "select reasons from refusals order by message_id desc limit 1" | grep -q '"missing_ktp"' || fail "the missing KTP"
r=$(answer_file refusal)
[ "$(header To $r) / $(header Cc $r)" = "budi.santoso@kuduskab.go.id / nur.hidayah@kuduskab.go.id" ] || fail "incomplete: $(header To $r) / $(header Cc $r)"
body $r | grep -q "^Yth. Bapak Budi Santoso,$" || fail "the refusal greets the applicant"
body $r | tr '\n' ' ' | grep -q "diteruskan kepada kami oleh nur.hidayah@kuduskab.go.id, yang menerima salinan" || { body $r; fail "the refusal names the forwarder"; }
ok "an established forward that lacks a document is refused to the applicant, the forwarder in Cc"

# ---- still the sender's own -------------------------------------------------------------
# A colleague's note with the applicant's own form and files is a direct
# application by the colleague, whatever it carries besides.
{ mx rina.marlina@kuduskab.go.id; NOTE="Permohonan saya, dengan surat yang diteruskan Pak Budi kemarin.

$RINA_FORM" outlook_inline rina.marlina@kuduskab.go.id "Rina Marlina" "FW: Permohonan" "$BLOCK" "Rekomendasi sudah saya lampirkan." "Surat Permohonan Rina.pdf" "KTP Rina.pdf" "Rekomendasi Rina.pdf"; } | crlf >own.eml
expect_exit 0 D deliver <own.eml
contains out "opened"
[ "$(q "select json_extract(detail, '\$.forwarded') is null from events where kind = 'received' order by id desc limit 1")" = 1 ] || fail "not recorded as forwarded"
ack=$(answer_file acknowledgement)
[ -z "$(header Cc $ack)" ] || fail "a direct application copies nobody"
ok "an application with the sender's own form is the sender's, whatever it quotes"

# ---- in English -----------------------------------------------------------------------
sed 's/^data_dir = data$/data_dir = data-en\nlanguage = en/' dispo.conf >en.conf
E() { "$DISPO" --config en.conf --now 2026-11-23T09:00:00+07:00 "$@"; }
expect_exit 0 E employees import "$DISPO_SRCDIR/rules/register-contoh.csv"
expect_exit 0 E deliver <thunderbird-attached.eml
contains out "opened"
ack=$(printf 'data-en/outbox/new/%06d.eml' "$(sql data-en/dispo.db "select id from outbox where kind = 'acknowledgement'")")
[ "$(header To $ack) / $(header Cc $ack)" = "andini.pratiwi@kuduskab.go.id / tu.dinkes@kuduskab.go.id" ] || fail "en ack To/Cc"
body $ack | tr '\n' ' ' | grep -q "It was forwarded to us by tu.dinkes@kuduskab.go.id, who receives a copy" || { body $ack; fail "en ack names the forwarder"; }
expect_exit 0 E deliver <r-two.eml
body "$(printf 'data-en/outbox/new/%06d.eml' "$(sql data-en/dispo.db "select max(id) from outbox where kind = 'refusal'")")" | tr '\n' ' ' |
	grep -q "holds applications from more than one person (budi.santoso@kuduskab.go.id, rina.marlina@kuduskab.go.id)" || fail "en refusal reason"
ok "the English templates say the same"

# ---- a template's own Cc joins the forwarder's -----------------------------------------
# (and is named to the server too: the outbox row lists both).
cp -R "$DISPO_SRCDIR/templates" tpl
sed -i '1a Cc: Arsip TU <arsip@kuduskab.go.id>' tpl/id/tanda_terima.mustache
sed 's/^data_dir = data$/data_dir = data-cc\ntemplates_dir = tpl/' dispo.conf >cc.conf
C() { "$DISPO" --config cc.conf --now 2026-11-23T09:00:00+07:00 "$@"; }
expect_exit 0 C employees import "$DISPO_SRCDIR/rules/register-contoh.csv"
expect_exit 0 C deliver <outlook-attached.eml
contains out "opened"
ack=$(printf 'data-cc/outbox/new/%06d.eml' "$(sql data-cc/dispo.db "select id from outbox where kind = 'acknowledgement'")")
[ "$(header Cc $ack)" = "nur.hidayah@kuduskab.go.id, Arsip TU <arsip@kuduskab.go.id>" ] || fail "one Cc field: $(header Cc $ack)"
[ "$(sql data-cc/dispo.db "select cc_addr from outbox where kind = 'acknowledgement'")" = "nur.hidayah@kuduskab.go.id,arsip@kuduskab.go.id" ] ||
	fail "both Cc addresses in the outbox row"
ok "a template's Cc: joins the forwarder's, and both are recipients"
