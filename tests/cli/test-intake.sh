#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# test-intake.sh: the sender policy, the documents and the register end to
# end through `dispo deliver`: accepted, incomplete, refused and unknown
# applications, each with its stored state and the exact answer it gets;
# no answer to bounces and auto-replies, and at most N answers an hour.
. "$(dirname "$0")/lib.sh"

cat >dispo.conf <<CONF
[general]
data_dir = data
[policy]
agency_domains = kuduskab.go.id
require_authentication = false
answers_per_hour = 3
confirmation_window = 2d
CONF
D() { "$DISPO" --config dispo.conf --now 2026-11-23T09:00:00+07:00 "$@"; }
DB=data/dispo.db
OUT=data/outbox/new
expect_exit 0 D employees import "$DISPO_SRCDIR/rules/register-contoh.csv"

# body FILE: the text part as sent (transfer-decoded, lines as wrapped).
body() { python3 "$DISPO_SRCDIR/tests/cli/mailpart.py" "$1"; }
# golden NAME FILE: the answer's body is exactly tests/cli/data/NAME.
golden() {
	body "$2" >"$WORK/got"
	if [ -n "${DISPO_UPDATE_GOLDEN:-}" ]; then
		cp "$WORK/got" "$DISPO_SRCDIR/tests/cli/data/$1"
	fi
	diff -u "$DISPO_SRCDIR/tests/cli/data/$1" "$WORK/got" || fail "$1 differs"
}
header() { tr -d '\r' <"$2" | sed '/^$/q' | grep -i "^$1:" | head -n 1 | sed "s/^[^:]*: //"; }
refusals() { sql $DB "select count(*) from refusals"; }
# Answers to senders (acknowledgements, refusals, confirmations), not the
# workflow's emails to officials.
answers() { sql $DB "select count(*) from outbox where kind <> 'workflow'" 2>/dev/null || echo 0; }

# A real application from the register's Budi Santoso (a complete one).
mail() { # FROM NAME NIP NIK FILES… (FILES: name:kind, kind pdf|jpeg|exe|empty)
	from=$1 name=$2 nip=$3 nik=$4; shift 4
	printf 'Received: from mail.kuduskab.go.id by mx.kuduskab.go.id; Mon, 23 Nov 2026 08:00:00 +0700\r\n'
	printf 'From: %s <%s>\r\nTo: sertifikat@kuduskab.go.id\r\n' "$name" "$from"
	printf 'Subject: Permohonan Penerbitan Sertifikat Elektronik\r\nMessage-ID: <%s.%s@kuduskab.go.id>\r\n' "$(echo "$from$*" | cksum | cut -d' ' -f1)" "$nip"
	printf 'Date: Mon, 23 Nov 2026 08:00:00 +0700\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n'
	printf -- '--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nNama: %s\r\n' "$name"
	[ -n "$nip" ] && printf 'NIP: %s\r\n' "$nip"
	[ -n "$nik" ] && printf 'NIK: %s\r\n' "$nik"
	printf 'Jabatan: Pranata Komputer Ahli Pertama\r\nUnit Kerja: Dinas Kesehatan\r\nEmail dinas: %s\r\n' "$from"
	for f in "$@"; do
		fn=${f%%:*} kind=${f#*:}
		case $kind in
		pdf) data=JVBERi0xLjQKMSAwIG9iago8PD4+CmVuZG9iagolJUVPRgo= ;; # %PDF-1.4 … %%EOF
		jpeg) data=/9j/4AAQSkZJRgABAQAAAQABAAD/2gAIAQEAAD8AEjRW/9k= ;; # SOI APP0 SOS … EOI
		exe) data=TVqQAAMAAAAEAAAA//8AALgAAAAAAAAAQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAgAAAAA4fug4AtAnNIbgBTM0hVGhpcyBwcm9ncmFtIGNhbm5vdCBiZSBydW4gaW4gRE9TIG1vZGUuDQ0KJAAAAAAAAABQRQAATAEDAA== ;;
		empty) data= ;;
		esac
		printf -- '--b\r\nContent-Type: application/octet-stream\r\n'
		printf 'Content-Disposition: attachment; filename="%s"\r\nContent-Transfer-Encoding: base64\r\n\r\n%s\r\n' "$fn" "$data"
	done
	printf -- '--b--\r\n'
}
BUDI=budi.santoso@kuduskab.go.id
NIP=198503122010011004
NIK=3319011203850001
FILES="surat_permohonan.pdf:pdf scan_KTP.jpg:jpeg Surat_Rekomendasi.pdf:pdf"

# ---- accepted ---------------------------------------------------------------
mail $BUDI "Budi Santoso, S.Kom." $NIP $NIK $FILES >ok.eml
expect_exit 0 D deliver <ok.eml
contains out "request SE-2026-000001 opened"
[ "$(sql $DB "select state from requests")" = disposisi_kadin ] || fail "received"
[ "$(refusals)" = 0 ] || fail "no refusal"
[ "$(answers)" = 1 ] || fail "one answer"
# … and the workflow begins: the Kepala Dinas is asked, documents attached.
[ "$(sql $DB "select to_addr || ' ' || step from outbox where kind = 'workflow'")" = "kadis@kuduskab.go.id disposisi_kadin" ] ||
	fail "the first disposition goes to the head of office"
ack=$OUT/000001.eml
[ "$(header To $ack)" = $BUDI ] || fail "ack To"
[ "$(header Subject $ack)" = "[SE-2026-000001] Permohonan Anda diterima" ] || fail "ack Subject: $(header Subject $ack)"
[ "$(header Auto-Submitted $ack)" = auto-replied ] || fail "Auto-Submitted"
[ "$(header X-Dispo-Request $ack)" = SE-2026-000001 ] || fail "X-Dispo-Request"
header In-Reply-To $ack | grep -q "@kuduskab.go.id>" || fail "threaded"
golden ack-id.txt $ack
ok "a complete application from an active address opens a request and is acknowledged"

# ---- incomplete: every problem at once ----------------------------------------
mail $BUDI "Budi Santoso, S.Kom." $NIP "" surat_permohonan.pdf:pdf setup.pdf:exe rekomendasi.pdf:empty >bad.eml
expect_exit 0 D deliver <bad.eml
contains out "application refused"
[ "$(sql $DB "select count(*) from requests")" = 1 ] || fail "no request for a refusal"
expect_exit 0 D requests list --refused --format json
jq -e 'length == 1 and .[0].sender == "budi.santoso@kuduskab.go.id"
	and (.[0].reasons | index("missing_ktp")) != null
	and (.[0].reasons | index("field_missing_nik")) != null
	and (.[0].reasons | map(select(. == "file_wrong_type" or . == "file_empty")) | length) == 2
	and (.[0].message_sha256 | length) == 64 and .[0].file == "deliver"' out >/dev/null ||
	{ cat out; fail "the refusal lists every reason"; }
expect_exit 0 D requests list --format json
jq -e 'length == 1' out >/dev/null || fail "a refused application is not a request"
golden refusal-id.txt "$(grep -l 'Subject: Permohonan Anda belum dapat kami proses' $OUT/* | head -n 1)"
ok "an incomplete application gets one answer listing every problem"

# ---- refused senders --------------------------------------------------------------
for from in budi@gmail.com budi@kuduskab.go.id.example.com budi@kuduskab-go.id budi@kuduskab.gov.id budi@jatengprov.go.id; do
	mail $from "Budi" $NIP $NIK $FILES >s.eml
	expect_exit 0 D deliver <s.eml
done
expect_exit 0 D requests list --refused --format json
jq -e '[.[] | select(.reasons | index("sender_not_go_id"))] | length == 4' out >/dev/null || { cat out; fail "not go.id"; }
jq -e '[.[] | select(.reasons | index("sender_domain_not_agency"))] | length == 1' out >/dev/null || fail "not our agency"
[ "$(sql $DB "select count(*) from requests")" = 1 ] || fail "no request from a refused sender"
ok "lookalike and foreign senders are refused with the reason"

# A display name carrying another address.
mail x@gmail.com '"budi.santoso@kuduskab.go.id"' $NIP $NIK $FILES >spoof.eml
expect_exit 0 D deliver <spoof.eml
expect_exit 0 D requests list --refused --format json
jq -e '.[-1].reasons | index("sender_display_spoof")' out >/dev/null || { cat out; fail "display spoof"; }
ok "a display name with another address is refused"

# A retired employee's address is not active.
mail suparman@kuduskab.go.id "Suparman" 196206151985031005 3319021506620001 $FILES >ret.eml
expect_exit 0 D deliver <ret.eml
expect_exit 0 D requests list --refused --format json
jq -e '.[-1].reasons == ["sender_not_active"]' out >/dev/null || { cat out; fail "pensiun"; }
ok "an address the register lists as pensiun is refused"

# The NIP must be the register's for that address.
mail rina.marlina@kuduskab.go.id "Rina" $NIP "" $FILES >mis.eml
expect_exit 0 D deliver <mis.eml
expect_exit 0 D requests list --refused --format json
jq -e '.[-1].reasons | index("nip_mismatch")' out >/dev/null || { cat out; fail "nip mismatch"; }
ok "a NIP that is not the register's is refused"

# ---- bounces and auto-replies: stored, never answered -------------------------------
n=$(answers)
printf 'From: MAILER-DAEMON@mx.example.com\r\nTo: sertifikat@kuduskab.go.id\r\nSubject: Undelivered Mail\r\nMessage-ID: <b1@x>\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=r\r\n\r\n--r\r\nContent-Type: text/plain\r\n\r\nfailed\r\n--r--\r\n' >bounce.eml
printf 'From: %s\r\nTo: sertifikat@kuduskab.go.id\r\nSubject: Sedang cuti\r\nAuto-Submitted: auto-replied\r\nMessage-ID: <v1@x>\r\n\r\nSaya sedang cuti.\r\n' $BUDI >vacation.eml
printf 'Return-Path: <>\r\n' >null.eml; cat bad.eml | sed 's/Message-ID: </Message-ID: <null/' >>null.eml
for f in bounce.eml vacation.eml null.eml; do expect_exit 0 D deliver <$f; done
[ "$(answers)" = "$n" ] || fail "a bounce, an auto-reply or a null sender was answered"
ok "bounces, auto-replies and null senders are never answered"

# ---- the rate limit: at most 3 answers an hour to one address ------------------------
for i in 1 2 3 4; do
	mail budi@gmail.com "Budi" $NIP "$i" $FILES >r$i.eml
	expect_exit 0 D deliver <r$i.eml
done
[ "$(sql $DB "select count(*) from outbox where to_addr = 'budi@gmail.com'")" = 3 ] || fail "rate limit"
[ "$(sql $DB "select count(*) from refusals where sender = 'budi@gmail.com'")" -ge 5 ] || fail "refusals kept"
ok "answers to one address are limited per hour; every refusal is still recorded"

# ---- unknown address: held, confirmed by a round trip ---------------------------------
mail nur.baru@kuduskab.go.id "Nur Baru" $NIP $NIK $FILES >new.eml
expect_exit 0 D deliver <new.eml
contains out "awaiting the confirmation of its address"
[ "$(sql $DB "select state from requests where applicant = 'nur.baru@kuduskab.go.id'")" = awaiting_confirmation ] || fail "held"
conf=$(grep -l "nur.baru@kuduskab.go.id" $OUT/* | tail -n 1)
replyto=$(header Reply-To $conf)
case $replyto in sertifikat+*@kuduskab.go.id) ;; *) fail "confirmation Reply-To: $replyto" ;; esac
mid=$(header Message-Id $conf)
reply() { # FROM TO
	printf 'Received: from mail.kuduskab.go.id by mx.kuduskab.go.id; Mon, 23 Nov 2026 09:30:00 +0700\r\n'
	printf 'From: %s\r\nTo: %s\r\nSubject: Re: Mohon konfirmasi\r\nIn-Reply-To: %s\r\nMessage-ID: <%s@r>\r\n\r\nYA\r\n\r\n> kutipan\r\n' "$1" "$2" "$mid" "$(echo "$1$2" | cksum | cut -d' ' -f1)"
}
# Somebody else answering proves nothing.
reply mallory@kuduskab.go.id "$replyto" >wrong.eml
expect_exit 0 D deliver <wrong.eml
[ "$(sql $DB "select state from requests where applicant = 'nur.baru@kuduskab.go.id'")" = awaiting_confirmation ] || fail "confirmed by another"
reply nur.baru@kuduskab.go.id "$replyto" >yes.eml
expect_exit 0 D deliver <yes.eml
[ "$(sql $DB "select state from requests where applicant = 'nur.baru@kuduskab.go.id'")" = disposisi_kadin ] || fail "not confirmed"
[ "$(sql $DB "select count(*) from confirmed_addresses where address = 'nur.baru@kuduskab.go.id'")" = 1 ] || fail "address remembered"
grep -l "nur.baru@kuduskab.go.id" $OUT/* | xargs grep -l "Permohonan Anda diterima" >/dev/null || fail "acknowledged after confirmation"
# The token is single-use: the same answer again changes nothing.
sed 's/Message-ID: </Message-ID: <again/' yes.eml >yes2.eml
n=$(answers)
expect_exit 0 D deliver <yes2.eml
[ "$(answers)" = "$n" ] || fail "a used token answered again"
[ "$(sql $DB "select count(*) from events where kind = 'confirmation_again'")" = 1 ] || fail "the second use is noted"
expect_exit 0 D requests list --format json
jq -e '[.[] | select(.applicant == "nur.baru@kuduskab.go.id")][0].state == "disposisi_kadin"' out >/dev/null || fail "listed"
ok "an unknown address is held, confirmed by its own reply only, then acknowledged"

# The rate limit holds back refusals only: a held application's
# confirmation always goes out, or it would wait for nothing.
for i in 1 2 3; do
	mail eko.baru@kuduskab.go.id "Eko" $NIP "" $FILES | sed "s/Message-ID: </Message-ID: <eko$i/" >e$i.eml
	expect_exit 0 D deliver <e$i.eml
done
mail eko.baru@kuduskab.go.id "Eko" $NIP $NIK $FILES >e4.eml
expect_exit 0 D deliver <e4.eml
expect_exit 0 D requests list --format json
jq -e '[.[] | select(.applicant == "eko.baru@kuduskab.go.id")][0].state == "awaiting_confirmation"' out >/dev/null ||
	fail "requests list shows the held application"
[ "$(sql $DB "select count(*) from outbox where to_addr = 'eko.baru@kuduskab.go.id' and kind = 'confirmation'")" = 1 ] ||
	fail "the confirmation went out despite three refusals this hour"
ok "a confirmation is never held back by the rate limit"

# An official's reply (tagged, with Outlook's signature logo) is not an
# application and gets no refusal.
n=$(refusals)
{
	printf 'From: kadis@kuduskab.go.id\r\nTo: sertifikat@kuduskab.go.id\r\nSubject: RE: [SE-2026-000001] Disposisi\r\n'
	printf 'In-Reply-To: <unknown@kuduskab.go.id>\r\nMessage-ID: <kadis1@kuduskab.go.id>\r\nMIME-Version: 1.0\r\n'
	printf 'Content-Type: multipart/related; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nSETUJU\r\n'
	printf -- '--b\r\nContent-Type: image/png; name=image001.png\r\nContent-Disposition: inline; filename=image001.png\r\n'
	printf 'Content-Transfer-Encoding: base64\r\n\r\niVBORw0KGgo=\r\n--b--\r\n'
} >official.eml
expect_exit 0 D deliver <official.eml
[ "$(refusals)" = "$n" ] || fail "an official's reply was refused as an application"
ok "an official's tagged reply with a logo is not taken for an application"

# ---- authentication, when required ------------------------------------------------
sed 's/require_authentication = false/require_authentication = true\ntrusted_authserv_id = mx.kuduskab.go.id/' dispo.conf >auth.conf
A() { "$DISPO" --config auth.conf --now 2026-11-23T09:00:00+07:00 "$@"; }
{ printf 'Authentication-Results: mx.evil.example; dmarc=pass header.from=kuduskab.go.id\r\n'; mail $BUDI "Budi" $NIP $NIK $FILES | sed 's/Message-ID: </Message-ID: <forged/'; } >forged.eml
expect_exit 0 A deliver <forged.eml
expect_exit 0 A requests list --refused --format json
jq -e '.[-1].reasons == ["auth_missing"]' out >/dev/null || { cat out; fail "foreign Authentication-Results counted"; }
{ printf 'Authentication-Results: mx.kuduskab.go.id; dkim=pass header.d=kuduskab.go.id; dmarc=pass header.from=kuduskab.go.id\r\n'; mail $BUDI "Budi" $NIP $NIK $FILES | sed 's/Message-ID: </Message-ID: <signed/'; } >signed.eml
expect_exit 0 A deliver <signed.eml
contains out "opened"
ok "only the trusted host's Authentication-Results count"

# The forgery as it reaches the mailbox: the sender wrote a pass naming our
# MX into its own header; our MX (Postfix + OpenDMARC, as Debian 12 lays it
# out: the milter's field above Postfix's Received:) added its real fail on
# top; Dovecot's LMTP hop is above both.
mx_hop() { # RESULT: our MX's block, top first
	printf 'Return-Path: <%s>\r\nDelivered-To: sertifikat@kuduskab.go.id\r\n' "$BUDI"
	printf 'Received: from mx.kuduskab.go.id\r\n\tby imap.kuduskab.go.id with LMTP\r\n\tid 84AGImIAFmvRMAAAg+zDdQ\r\n'
	printf '\t(envelope-from <%s>)\r\n\tfor <sertifikat@kuduskab.go.id>; Mon, 23 Nov 2026 08:00:03 +0700\r\n' "$BUDI"
	printf 'Authentication-Results: mx.kuduskab.go.id; dmarc=%s (p=none dis=none) header.from=kuduskab.go.id\r\n' "$1"
	printf 'Authentication-Results: mx.kuduskab.go.id; spf=softfail smtp.mailfrom=kuduskab.go.id\r\n'
	printf 'Authentication-Results: mx.kuduskab.go.id; dkim=none; dkim-atps=neutral\r\n'
	printf 'Received: from vps-203.hosting.example (vps-203.hosting.example [198.51.100.23])\r\n'
	printf '\tby mx.kuduskab.go.id (Postfix) with ESMTP id 4QxK2m1Zz3\r\n\tfor <sertifikat@kuduskab.go.id>; Mon, 23 Nov 2026 08:00:02 +0700 (WIB)\r\n'
}
forged_pass='Authentication-Results: mx.kuduskab.go.id; dkim=pass header.d=kuduskab.go.id; dmarc=pass header.from=kuduskab.go.id\r\n'
# mail() starts with its own Received: line by the MX; the forger's copy of
# it sits below the real one, with the forged pass above it.
{ mx_hop fail; printf "$forged_pass"; mail $BUDI "Budi" $NIP $NIK $FILES | sed 's/Message-ID: </Message-ID: <forged-mx/'; } >forged-mx.eml
expect_exit 0 A deliver <forged-mx.eml
expect_exit 0 A requests list --refused --format json
jq -e '.[-1].reasons == ["auth_fail"]' out >/dev/null || { cat out; fail "a forged pass below our MX's fail was believed"; }
{ mx_hop none; printf "$forged_pass"; mail $BUDI "Budi" $NIP $NIK $FILES | sed 's/Message-ID: </Message-ID: <forged-none/'; } >forged-none.eml
expect_exit 0 A deliver <forged-none.eml
expect_exit 0 A requests list --refused --format json
jq -e '.[-1].reasons == ["auth_fail"]' out >/dev/null || { cat out; fail "a forged pass below our MX's none was believed"; }
# The other order: our MX passed it, and the sender's own (failing) copy
# below changes nothing.
{ mx_hop pass; printf 'Authentication-Results: mx.kuduskab.go.id; dmarc=fail header.from=kuduskab.go.id\r\n'; mail $BUDI "Budi" $NIP $NIK $FILES | sed 's/Message-ID: </Message-ID: <real-mx/'; } >real-mx.eml
expect_exit 0 A deliver <real-mx.eml
contains out "opened"
# No Received: by our MX at all: a field with its id came with the message.
{ printf "$forged_pass"; mail $BUDI "Budi" $NIP $NIK $FILES | sed -e 's/Message-ID: </Message-ID: <no-mx/' -e 's/by mx.kuduskab.go.id/by mail.kuduskab.go.id/'; } >no-mx.eml
expect_exit 0 A deliver <no-mx.eml
expect_exit 0 A requests list --refused --format json
jq -e '.[-1].reasons == ["auth_missing"]' out >/dev/null || { cat out; fail "a field with our id but no Received: of ours was believed"; }
ok "only the fields above our MX's own Received: count: forged ones below it, or without it, are ignored"

# An office without OpenDKIM/OpenDMARC: its staff submit through the office's
# own Postfix with SASL (smtpd_sasl_authenticated_header = yes), so the
# MX's Received: names the login; it must be the From address.
submitted() { # LOGIN PROTOCOL
	printf 'Received: from [10.20.1.7] (unknown [10.20.1.7])\r\n\t(using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits))\r\n'
	printf '\t(No client certificate requested)\r\n\t(Authenticated sender: %s)\r\n' "$1"
	printf '\tby mx.kuduskab.go.id (Postfix) with %s id 6C040A72175\r\n\tfor <sertifikat@kuduskab.go.id>; Mon, 23 Nov 2026 08:40:02 +0700 (WIB)\r\n' "$2"
}
{ submitted "$BUDI" ESMTPSA; mail $BUDI "Budi" $NIP $NIK $FILES | sed '1d; s/Message-ID: </Message-ID: <sasl-ok/'; } >sasl-ok.eml
expect_exit 0 A deliver <sasl-ok.eml
contains out "opened"
{ submitted kadis@kuduskab.go.id ESMTPSA; mail $BUDI "Budi" $NIP $NIK $FILES | sed '1d; s/Message-ID: </Message-ID: <sasl-other/'; } >sasl-other.eml
expect_exit 0 A deliver <sasl-other.eml
expect_exit 0 A requests list --refused --format json
jq -e '.[-1].reasons == ["auth_fail"]' out >/dev/null || { cat out; fail "a login as someone else vouched for Budi"; }
# The RFC 8601 auth method (Exim, Rspamd): auth=pass smtp.auth=<login>.
{ printf 'Authentication-Results: mx.kuduskab.go.id; auth=pass (PLAIN) smtp.auth=%s\r\n' "$BUDI"; mail $BUDI "Budi" $NIP $NIK $FILES | sed 's/Message-ID: </Message-ID: <auth-method/'; } >auth-method.eml
expect_exit 0 A deliver <auth-method.eml
contains out "opened"
ok "an authenticated submission as the From address counts (Postfix's Received: and auth=pass), as another user it does not"

# A confirmation must pass the same sender checks: two From fields (which
# hide the sender) or no trusted Authentication-Results confirm nothing.
{ printf 'Authentication-Results: mx.kuduskab.go.id; dmarc=pass header.from=kuduskab.go.id\r\n'; mail fajar.baru@kuduskab.go.id "Fajar" $NIP $NIK $FILES; } >fajar.eml
expect_exit 0 A deliver <fajar.eml
conf=$(grep -l "To: fajar.baru@kuduskab.go.id" $OUT/* | tail -n 1)
replyto=$(header Reply-To $conf)
mid=$(header Message-Id $conf)
{ printf 'From: fajar.baru@kuduskab.go.id\r\n'; reply fajar.baru@kuduskab.go.id "$replyto"; } >fajar-dup.eml
expect_exit 0 A deliver <fajar-dup.eml
reply fajar.baru@kuduskab.go.id "$replyto" | sed 's/Message-ID: </Message-ID: <noauth/' >fajar-noauth.eml
expect_exit 0 A deliver <fajar-noauth.eml
[ "$(sql $DB "select state from requests where applicant = 'fajar.baru@kuduskab.go.id'")" = awaiting_confirmation ] ||
	fail "an unauthenticated or doubled From confirmed an address"
{ printf 'Authentication-Results: mx.kuduskab.go.id; dmarc=pass header.from=kuduskab.go.id\r\n'; reply fajar.baru@kuduskab.go.id "$replyto" | sed 's/Message-ID: </Message-ID: <auth/'; } >fajar-ok.eml
expect_exit 0 A deliver <fajar-ok.eml
[ "$(sql $DB "select state from requests where applicant = 'fajar.baru@kuduskab.go.id'")" = disposisi_kadin ] || fail "an authenticated confirmation"
ok "confirmations pass the sender and authentication checks too"

# Refusals of unauthenticated mail are not answered (no backscatter).
n=$(answers)
mail budi@kuduskab.go.id "Budi" $NIP $NIK $FILES | sed 's/Message-ID: </Message-ID: <unauth/' >unauth.eml
expect_exit 0 A deliver <unauth.eml
[ "$(answers)" = "$n" ] || fail "an unauthenticated message was answered"
ok "unauthenticated mail is refused without an answer"

# Importing an archive judges old mail but answers none of it.
mkdir -p old/new
mail siti.lama@kuduskab.go.id "Siti" $NIP "" $FILES | sed "s/23 Nov 2026/23 Nov 2020/" >old/new/1.eml
n=$(answers)
expect_exit 0 "$DISPO" --config dispo.conf import old
[ "$(answers)" = "$n" ] || fail "an imported old message was answered"
[ "$(sql $DB "select count(*) from refusals where sender = 'siti.lama@kuduskab.go.id'")" = 1 ] || fail "old mail still judged"
ok "imported old mail is judged and recorded, not answered"

# ---- a late confirmation: the application is kept, a fresh token goes out ----
mail ahmad.baru@kuduskab.go.id "Ahmad Baru" $NIP $NIK $FILES >late.eml
expect_exit 0 D deliver <late.eml
conf=$(grep -l "To: ahmad.baru@kuduskab.go.id" $OUT/* | tail -n 1)
replyto=$(header Reply-To $conf)
mid=$(header Message-Id $conf)
reply ahmad.baru@kuduskab.go.id "$replyto" >late-yes.eml
L() { "$DISPO" --config dispo.conf --now 2026-11-26T10:00:00+07:00 "$@"; }
expect_exit 0 L deliver <late-yes.eml
[ "$(sql $DB "select state from requests where applicant = 'ahmad.baru@kuduskab.go.id'")" = awaiting_confirmation ] || fail "late answer confirmed"
[ "$(sql $DB "select count(*) from events e join requests r on r.id = e.request_id where r.applicant = 'ahmad.baru@kuduskab.go.id' and e.kind = 'confirmation_late'")" = 1 ] || fail "late answer noted"
conf2=$(grep -l "To: ahmad.baru@kuduskab.go.id" $OUT/* | tail -n 1)
replyto2=$(header Reply-To $conf2)
[ "$conf2" != "$conf" ] && [ "$replyto2" != "$replyto" ] || fail "a fresh confirmation with a fresh token"
mid=$(header Message-Id $conf2)
reply ahmad.baru@kuduskab.go.id "$replyto2" | sed 's/Message-ID: </Message-ID: <second/' >late-yes2.eml
expect_exit 0 L deliver <late-yes2.eml
[ "$(sql $DB "select state from requests where applicant = 'ahmad.baru@kuduskab.go.id'")" = disposisi_kadin ] || fail "the fresh token confirms"
contains "$(grep -l "To: ahmad.baru@kuduskab.go.id" $OUT/* | tail -n 1)" "Yth. Bapak/Ibu Ahmad Baru,"
ok "a confirmation after the window keeps the application and sends a fresh token"

# ---- uninformative file names: asked, not guessed ---------------------------
mail dewi.baru@kuduskab.go.id "Dewi Baru" $NIP $NIK scan001.pdf:pdf IMG_2031.jpg:jpeg document.pdf:pdf |
	sed 's/Message-ID: </Message-ID: <noname/' >noname.eml
expect_exit 0 D deliver <noname.eml
expect_exit 0 D requests list --refused --format json
jq -e '.[-1].reasons | map(select(. == "file_unmatched")) | length == 3' out >/dev/null || { cat out; fail "unmatched names"; }
last=$(ls $OUT | tail -n 1)
contains $OUT/$last "Kami tidak dapat mengenali isi berkas scan001.pdf"
ok "files with uninformative names are asked about, not guessed"

# ---- a message over a limit is answered, not dropped ------------------------
printf '[limits]\nmessage_size = 2KB\n' >>dispo.conf
head -c 3000 /dev/zero | tr '\0' 'x' | fold -w 70 >pad.txt
{ mail $BUDI "Budi Santoso, S.Kom." $NIP $NIK $FILES | sed 's/Message-ID: </Message-ID: <big/'; cat pad.txt; } >big.eml
expect_exit 0 D deliver <big.eml
[ "$(sql $DB "select status from messages order by id desc limit 1")" = over_limit ] || fail "over limit kept"
expect_exit 0 D requests list --refused --format json
jq -e '.[-1].reasons | index("message_over_limit")' out >/dev/null || { cat out; fail "over limit refused"; }
ok "a message over a limit is kept and answered with the reason"

# ---- a stale register entry: confirmed by a round trip ------------------------
printf '[general]\ndata_dir = stale\n[policy]\nrequire_authentication = false\nregister_max_age = 30d\n' >stale.conf
expect_exit 0 "$DISPO" --config stale.conf --now 2026-01-05T09:00:00+07:00 employees import "$DISPO_SRCDIR/rules/register-contoh.csv"
mail $BUDI "Budi Santoso, S.Kom." $NIP $NIK $FILES >stale.eml
expect_exit 0 "$DISPO" --config stale.conf --now 2026-11-23T09:00:00+07:00 deliver <stale.eml
contains out "awaiting the confirmation of its address"
# Importing the same register again vouches for its lines anew.
expect_exit 0 "$DISPO" --config stale.conf --now 2026-11-23T09:00:00+07:00 employees import "$DISPO_SRCDIR/rules/register-contoh.csv"
mail $BUDI "Budi Santoso, S.Kom." $NIP $NIK $FILES | sed 's/Message-ID: </Message-ID: <fresh/' >fresh.eml
expect_exit 0 "$DISPO" --config stale.conf --now 2026-11-23T10:00:00+07:00 deliver <fresh.eml
contains out "request SE-2026-000002 opened"
grep -q awaiting out && fail "a re-imported register entry is current again"
ok "a register entry older than register_max_age needs a confirmation"

# Header injection through what the applicant wrote: an encoded CR LF in the
# display name, the subject or a form value never becomes a header of ours.
printf 'From: =?utf-8?q?Budi=0D=0ABcc=3A_evil=40example=2Ecom?= <%s>\r\nTo: sertifikat@kuduskab.go.id\r\n' $BUDI >inject.eml
printf 'Subject: =?utf-8?q?Permohonan=0D=0ABcc=3A_evil2=40example=2Ecom=0D=0A=0D=0Abody?=\r\nMessage-ID: <inject@x>\r\n' >>inject.eml
printf 'Content-Type: text/plain; charset=utf-8\r\n\r\nNama: Budi\r\nNIP: %s\r\n' $NIP >>inject.eml
before=$(ls $OUT | wc -l)
expect_exit 0 D deliver <inject.eml
[ "$(ls $OUT | wc -l)" -gt "$before" ] || fail "the injection attempt was not answered"
for f in $OUT/*; do
	tr -d '\r' <"$f" | sed '/^$/q' | grep -i "^bcc:\|evil" && fail "$f: a header came from the applicant's text"
done
ok "encoded CR LF in the display name, subject or form makes no header"
