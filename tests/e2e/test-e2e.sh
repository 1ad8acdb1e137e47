#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# test-e2e.sh: one certificate's life through `dispo serve` as an office
# runs it, every party on the harness's real Postfix (with OpenDKIM and
# OpenDMARC, as an office's MX) and Dovecot. Budi applies over SMTP as
# Thunderbird does (letter PDF, KTP photo, recommendation PDF); each
# official finds the disposition in their own mailbox, read over IMAPS, and
# answers from it as their client writes (Outlook in Indonesian, Gmail,
# HTML-only webmail, an iPhone, a Samsung phone, Thunderbird) through
# SMTP; BSrE's DKIM-signed notice ends its stage and the certificate enters
# the register; then Budi has it revoked, BSrE's second notice ending that.
# Every email anyone received is checked for its recipient, the request's
# tag, its attachments (the applicant's own bytes) and its thread headers,
# and nobody receives anything else. In the same run six forgeries (a
# token used by someone else, a replay, a spoofed From, a forged
# Authentication-Results, a lookalike domain, an applicant approving by
# tag) change nothing, are answered or recorded as DESIGN.md says, and the
# audit chains verify.
. "$(dirname "$0")/../cli/lib.sh"
. "$DISPO_SRCDIR/tests/integration/servers.sh"
MUA() { python3 "$DISPO_SRCDIR/tests/e2e/mua.py" "$@"; }
command -v pdftoppm >/dev/null || skip "pdftoppm is missing (poppler-utils; scripts/install-deps installs it)"
# BSrE signs its mail (DKIM, d=bsre.go.id); the office's OpenDKIM finds the
# key where DNS would publish it.
servers_milters_hook() {
	openssl genrsa -out "$1/bsre.key" 2048 2>/dev/null &&
		printf 'e2e._domainkey.bsre.go.id %s\n' "$(MUA dkim-record "$1/bsre.key")" >"$1/keys" &&
		printf 'TestPublicKeys %s/keys\n' "$1" >>"$1/opendkim.conf"
}
SERVERS_MILTERS=1
servers_start
. "$DISPO_SRCDIR/tests/integration/serve-lib.sh"
BSRE_KEY=$SERVERS_DIR/milters/bsre.key
ok "Postfix (OpenDKIM, OpenDMARC) and Dovecot are up"

BUDI=budi.santoso@kuduskab.go.id
KADIS=kadis@kuduskab.go.id
KABID=sri.wahyuningsih@kuduskab.go.id
KASI=agus.prasetyo@kuduskab.go.id
VERIF=dewi.lestari@kuduskab.go.id
RINA=rina.marlina@kuduskab.go.id
NIK=3319011203850001
serve_conf "imaps://127.0.0.1:$IMAPS_PORT" "[bsre]
senders = noreply@bsre.go.id"
expect_exit 0 D employees import "$DISPO_SRCDIR/rules/register-contoh.csv"
serve_start
wait_log "connected (IDLE)" || fail "dispo serve did not connect"

# ---- reading mail as its recipients do ----------------------------------------
EMAILS=0
mkdir -p mail seen
# fetch ADDRESS: its INBOX over IMAPS (the CA checked) into mail/ADDRESS/UID.eml
fetch() {
	rm -rf "mail/$1" && mkdir -p "mail/$1"
	"$IMAP_FETCH" --ssl --port "$IMAPS_PORT" --cafile "$SERVERS_CA" --user "$1" \
		--password "$(user_password "$1")" --out "mail/$1" --count >/dev/null || fail "IMAPS as $1"
}
seen() { cat "seen/$1" 2>/dev/null || echo 0; }
# receive ADDRESS TAG [mua.py check options]: ADDRESS's next email, read
# over IMAPS and checked; GOT is its file, GOT_ID its Message-ID.
receive() {
	to=$1
	shift
	next=$(($(seen "$to") + 1))
	wait_for_mail "$to" $next 30 || { tail -n 20 serve.log >&2; fail "email $next did not reach $to"; }
	fetch "$to"
	GOT=mail/$to/$(ls "mail/$to" | sort -n | sed -n "${next}p")
	MUA check "$GOT" "$to" "$@" >problems || { cat problems >&2; fail "email $next to $to"; }
	echo $next >"seen/$to"
	cp "$GOT" "got-$to-$next.eml"
	GOT=got-$to-$next.eml
	GOT_ID=$(MUA header "$GOT" Message-ID | tr -d '<>')
	EMAILS=$((EMAILS + 1))
}
# nothing_for ADDRESS: no email beyond those checked (after the queue drained)
nothing_for() {
	queue_wait_empty || fail "Postfix still holds mail"
	[ "$(mail_count "$1")" = "$(seen "$1")" ] || {
		fetch "$1"
		fail "$1 received $(mail_count "$1") emails, $(seen "$1") expected"
	}
}
# taken N: until dispo has taken N messages in (each stored and decided on
# in one commit)
taken() { wait_sql "select count(*) from messages" "$1" 30 || fail "dispo did not take message $1"; }
msgs=0
# send_as LOGIN RCPT FILE: submitted by the person's client; dispo takes it
send_as() {
	submit "$1" "$2" "$3"
	msgs=$((msgs + 1))
	taken $msgs
}
# relay HELO MAIL-FROM RCPT FILE: from the Internet, through the MX's milters
relay() {
	smtp_relay "$1" "$2" "$3" "$4" || fail "Postfix did not take $4"
	msgs=$((msgs + 1))
	taken $msgs
}
# delivered_fields FILE: the header of the message sent as FILE, as
# Dovecot delivered it to the office (INBOX or Diproses), a field a line
delivered_fields() {
	id=$(MUA header "$1" Message-ID)
	# shellcheck disable=SC2046 # Maildir names have no blanks
	m=$(grep -lF -- "Message-ID: $id" $(find "$(user_maildir $OFFICE)" -type f \( -path '*/new/*' -o -path '*/cur/*' \)) | head -n 1)
	[ -n "$m" ] || fail "$1 is not in the office's mailbox"
	tr -d '\r' <"$m" | sed '/^$/q' | sed -e ':a' -e 'N' -e '$!ba' -e 's/\n[ \t]\+/ /g'
}
state() { sql "$DB" "select state from requests where number = '$1'"; }
# the decisions on record (every event but refusals and notes of them)
decisions() { sql "$DB" "select count(*) from events e join requests r on r.id = e.request_id where r.number = '$1' and e.kind not in ('refused', 'reply_refused', 'reply_again')"; }
events_of() { sql "$DB" "select count(*) from events e join requests r on r.id = e.request_id where r.number = '$1' and e.kind = '$2'${3:+ and e.actor = '$3'}"; }
# before REQUEST / unchanged REQUEST WHAT: the forgery WHAT left REQUEST's
# state, decisions and open tokens as they were
before() {
	B_STATE=$(state "$1") B_DEC=$(decisions "$1")
	B_TOKENS=$(sql "$DB" "select count(*) from tokens where used_at is null")
	D requests show "$1" --format json >before.json || fail "requests show"
}
FORGERIES=0
unchanged() {
	D requests show "$1" --format json >after.json || fail "requests show"
	[ "$(jq -r .state after.json)" = "$B_STATE" ] && [ "$(state "$1")" = "$B_STATE" ] ||
		fail "$2 moved $1 from $B_STATE to $(state "$1")"
	[ "$(decisions "$1")" = "$B_DEC" ] || fail "$2 added a decision to $1's record"
	[ "$(sql "$DB" "select count(*) from tokens where used_at is null")" -ge "$B_TOKENS" ] ||
		fail "$2 used up a token"
	[ "$(jq '.events | length' after.json)" -gt "$(jq '.events | length' before.json)" ] ||
		fail "$2 is not on $1's record"
	FORGERIES=$((FORGERIES + 1))
}

# ---- the application ----------------------------------------------------------
mkdir docs
MUA documents docs || fail "the applicant's documents"
printf '%s\n' "docs/Surat Permohonan Sertifikat Elektronik.pdf" "docs/Scan KTP Budi.jpg" \
	"docs/Surat Rekomendasi Kepala Dinas Kesehatan.pdf" >documents.list
APP_ID=permohonan-$(date +%s)@kuduskab.go.id
# The paths have blanks: split at newlines only.
IFS='
'
# shellcheck disable=SC2046
set -- $(cat documents.list)
unset IFS
MUA application $BUDI "Budi Santoso" 198503122010011004 $NIK "$APP_ID" "$@" >app.eml
send_as $BUDI $OFFICE app.eml
R=$(sql "$DB" "select number from requests order by id limit 1")
case $R in SE-20[0-9][0-9]-000001) ;; *) fail "no request opened (${R:-none})" ;; esac
[ "$(state $R)" = disposisi_kadin ] || fail "the request did not start at the Kepala Dinas"
# The acknowledgement answers his email; so does the disposition, with his
# three documents as he sent them and a token to answer with.
receive $BUDI $R --in-reply-to "$APP_ID" --no-token
ACK_ID=$GOT_ID
receive $KADIS $R --in-reply-to "$APP_ID" --token --attach-from documents.list
TO_KADIS=$GOT
ok "Budi's application (Thunderbird: letter PDF, KTP photo, recommendation PDF) opened $R: acknowledged in his thread, the disposition in the Kepala Dinas' mailbox with his files"

# ---- forgeries at the Kepala Dinas' step ---------------------------------------
# 1. The applicant approves his own request, naming it by its tag.
before $R
MUA fresh $BUDI "[$R] SETUJU" "SETUJU" "sendiri-$(date +%s)@kuduskab.go.id" >f-own.eml
send_as $BUDI $OFFICE f-own.eml
unchanged $R "the applicant's own SETUJU"
[ "$(events_of $R refused $BUDI)" = 1 ] || fail "the applicant's SETUJU is not on the record as refused"
receive $BUDI $R --in-reply-to "$(MUA header f-own.eml Message-ID)" --no-token
ok "forgery: the applicant's SETUJU by tag is refused, on the record, and he is told (no token)"

# 2. Someone who is not the holder answers with the token copied from the
# Kepala Dinas' email (forwarded to her, say).
before $R
MUA reply outlook $RINA $TO_KADIS "SETUJU" "rina-$(date +%s)@kuduskab.go.id" >f-token.eml
send_as $RINA "$(MUA header $TO_KADIS Reply-To)" f-token.eml
unchanged $R "a non-holder's SETUJU with the holder's token"
[ "$(events_of $R refused $RINA)" = 1 ] || fail "the non-holder's SETUJU is not on the record"
receive $RINA $R --in-reply-to "$(MUA header f-token.eml Message-ID)" --no-token
ok "forgery: a token copied from the Kepala Dinas' email, used by someone else, is refused and answered (no token)"

# 3. The Kepala Dinas' From, from the Internet: the MX's own verdict fails.
before $R
MUA reply iphone $KADIS $TO_KADIS "SETUJU" "spoof-$(date +%s)@kuduskab.go.id" >f-spoof.eml
relay mail.kudus-kab.example $KADIS "$(MUA header $TO_KADIS Reply-To)" f-spoof.eml
unchanged $R "a spoofed From"
[ "$(events_of $R reply_refused $KADIS)" = 1 ] || fail "the spoofed reply is not on the record"
delivered_fields f-spoof.eml | grep -q "^Authentication-Results: mx.kuduskab.go.id; dmarc=\(none\|fail\)" ||
	fail "OpenDMARC's verdict is not in the delivered message"
# The one it claims to be is told, with a token of his own.
receive $KADIS $R --in-reply-to "$(MUA header f-spoof.eml Message-ID)" --token
ok "forgery: a spoofed From (OpenDMARC: no pass) is refused, on the record; the real Kepala Dinas is told"

# The Kepala Dinas answers from Outlook: the request moves on.
K_ID=kadis-$(date +%s)@kuduskab.go.id
MUA reply outlook $KADIS $TO_KADIS "Setuju, silakan diproses." "$K_ID" >kadis.eml
send_as $KADIS "$(MUA header $TO_KADIS Reply-To)" kadis.eml
[ "$(state $R)" = disposisi_kabid ] || fail "the Kepala Dinas' Outlook reply did not move $R (at $(state $R))"
receive $KABID $R --in-reply-to "$K_ID" --references "$(MUA header $TO_KADIS Message-ID)" --token --attach-from documents.list
TO_KABID=$GOT
ok "Outlook (Dari:/Dikirim:/Kepada:/Perihal:) SETUJU: to the Kabid, threaded under his reply"

# ---- forgeries at the Kabid's step ------------------------------------------------
# 4. His reply again, token and all, once it has been used.
before $R
sed 's/^Message-ID: <kadis-/Message-ID: <lagi-kadis-/' kadis.eml >f-replay.eml
send_as $KADIS "$(MUA header $TO_KADIS Reply-To)" f-replay.eml
unchanged $R "a replayed token"
[ "$(events_of $R reply_again $KADIS)" = 1 ] || fail "the replay is not on the record"
receive $KADIS $R --in-reply-to "$(MUA header f-replay.eml Message-ID)" --no-token
ok "forgery: a used token again decides nothing; the Kepala Dinas is told it was decided (no token: not his step)"

# 5. An Authentication-Results naming our MX, written by the sender, with
# a Received: "by" our MX under it for it to sit on: below the MX's own
# Received:, so never its word.
before $R
{
	printf 'Authentication-Results: mx.kuduskab.go.id; dmarc=pass header.from=kuduskab.go.id\r\n'
	printf 'Received: from mail.kuduskab.go.id by mx.kuduskab.go.id with ESMTP id 4F2A1;\r\n\t%s\r\n' "$(date -R)"
	MUA reply gmail $KABID $TO_KABID "TERUSKAN" "authres-$(date +%s)@kuduskab.go.id"
} >f-authres.eml
relay mail.kudus-kab.example $KABID "$(MUA header $TO_KABID Reply-To)" f-authres.eml
unchanged $R "a forged Authentication-Results"
[ "$(events_of $R reply_refused $KABID)" = 1 ] || fail "the forged Authentication-Results is not on the record"
delivered_fields f-authres.eml | grep -q "^Received: from mail.kudus-kab.example (unknown \[$SERVERS_INTERNET_ADDR\]) by mx.kuduskab.go.id" ||
	fail "the MX did not see the forger as an Internet host"
receive $KABID $R --in-reply-to "$(MUA header f-authres.eml Message-ID)" --token
ok "forgery: a forged 'dmarc=pass' (and a Received: by our MX) below the MX's Received: is refused, on the record; the real Kabid is told"

# 6. A lookalike domain: kudus<Cyrillic ka>ab.go.id, in its ASCII form.
before $R
LOOK=sri.wahyuningsih@xn--kudusab-hig.go.id
MUA reply gmail $LOOK $TO_KABID "TERUSKAN" "mirip-$(date +%s)@xn--kudusab-hig.go.id" >f-look.eml
relay mail.xn--kudusab-hig.go.id $LOOK "$(MUA header $TO_KABID Reply-To)" f-look.eml
unchanged $R "a lookalike domain"
# on the record as the administrator reads it: in Unicode, the Cyrillic ka
[ "$(events_of $R reply_refused "sri.wahyuningsih@kudusкab.go.id")" = 1 ] || fail "the lookalike's reply is not on the record"
ok "forgery: a lookalike domain's reply is refused and recorded, and not answered (no backscatter)"

# ---- the SOP goes on ------------------------------------------------------------
S_ID=sri-$(date +%s)@kuduskab.go.id
MUA reply gmail $KABID $TO_KABID "TERUSKAN" "$S_ID" >kabid.eml
send_as $KABID "$(MUA header $TO_KABID Reply-To)" kabid.eml
[ "$(state $R)" = verifikasi_kasi ] || fail "the Kabid's Gmail reply did not move $R (at $(state $R))"
receive $KASI $R --in-reply-to "$S_ID" --references "$(MUA header $TO_KABID Message-ID)" --token --attach-from documents.list --attach "Surat Rekomendasi $R.pdf=pdf"
TO_KASI=$GOT
ok "Gmail (Pada … menulis:) TERUSKAN: to the Kasi, with the recommendation letter dispo wrote"

A_ID=agus-$(date +%s)@kuduskab.go.id
MUA reply html $KASI $TO_KASI "Setuju." "$A_ID" >kasi.eml
send_as $KASI "$(MUA header $TO_KASI Reply-To)" kasi.eml
[ "$(state $R)" = kirim_bsre ] || fail "the Kasi's HTML-only reply did not move $R (at $(state $R))"
receive $VERIF $R --in-reply-to "$A_ID" --references "$(MUA header $TO_KASI Message-ID)" --token --attach-from documents.list --attach "Surat Rekomendasi $R.pdf=pdf"
TO_VERIF=$GOT
ok "an HTML-only reply (webmail) SETUJU: to the verifier, to send the files to BSrE"

V_ID=dewi-$(date +%s)@kuduskab.go.id
MUA reply iphone $VERIF $TO_VERIF "Teruskan, sudah dikirim ke BSrE" "$V_ID" >verif.eml
send_as $VERIF "$(MUA header $TO_VERIF Reply-To)" verif.eml
[ "$(state $R)" = proses_bsre ] || fail "the verifier's iPhone reply did not move $R (at $(state $R))"
receive $VERIF $R --in-reply-to "$V_ID" --references "$(MUA header $TO_VERIF Message-ID)" --token --attach-from documents.list --attach "Surat Rekomendasi $R.pdf=pdf"
ok "an iPhone reply (Dikirim dari iPhone saya) TERUSKAN: the request waits at BSrE"

# BSrE's notice, signed by bsre.go.id and verified by the office's MX.
SERIAL=4F2A-9C31-77E0-B5D2
MUA notice terbit $NIK $BUDI $SERIAL "terbit-$(date +%s)@bsre.go.id" "$BSRE_KEY" >terbit.eml
relay mail.bsre.go.id noreply@bsre.go.id $OFFICE terbit.eml
[ "$(state $R)" = terbit ] || { tail serve.log; fail "BSrE's notice did not end the BSrE stage (at $(state $R))"; }
delivered_fields terbit.eml | grep -q "^Authentication-Results: mx.kuduskab.go.id; dkim=pass .*header.d=bsre.go.id" ||
	fail "OpenDKIM did not verify BSrE's signature"
receive $BUDI $R --in-reply-to "$ACK_ID" --references "$APP_ID" --no-token
python3 "$DISPO_SRCDIR/tests/cli/mailpart.py" --unflow "$GOT" | grep -q "$SERIAL" ||
	fail "the decision does not give the serial"
expect_exit 0 D certificates list --format json
jq -e --arg r $R --arg s $SERIAL '.[] | select(.request == $r) | .serial == $s and .state == "issued" and .email == "budi.santoso@kuduskab.go.id" and .valid_until == "2028-11-24"' out >/dev/null ||
	{ cat out; fail "the certificate is not in the register"; }
ok "BSrE's DKIM-signed notice ends its stage; the certificate is in the register; Budi is told in his thread"

# ---- the revocation ------------------------------------------------------------
REV_ID=pencabutan-$(date +%s)@kuduskab.go.id
printf '%s\n' "docs/Surat Permohonan Pencabutan.pdf" >revocation.list
MUA application $BUDI "Budi Santoso" 198503122010011004 $NIK "$REV_ID" "docs/Surat Permohonan Pencabutan.pdf" >rev.eml
send_as $BUDI $OFFICE rev.eml
C=$(sql "$DB" "select number from requests where workflow = 'pencabutan'")
case $C in CABUT-20[0-9][0-9]-000001) ;; *) fail "no revocation opened (${C:-none})" ;; esac
receive $BUDI $C --in-reply-to "$REV_ID" --no-token
C_ACK=$GOT_ID
receive $KASI $C --in-reply-to "$REV_ID" --token --attach-from revocation.list
C_KASI=$GOT
MUA reply samsung $KASI $GOT "Setuju" "agus-c-$(date +%s)@kuduskab.go.id" >c-kasi.eml
send_as $KASI "$(MUA header $GOT Reply-To)" c-kasi.eml
[ "$(state $C)" = kirim_pencabutan ] || fail "the Kasi's Samsung reply did not move $C (at $(state $C))"
receive $VERIF $C --in-reply-to "$(MUA header c-kasi.eml Message-ID)" --references "$(MUA header $C_KASI Message-ID)" --token --attach-from revocation.list
C_VERIF=$GOT
MUA reply thunderbird $VERIF $GOT "TERUSKAN" "dewi-c-$(date +%s)@kuduskab.go.id" >c-verif.eml
send_as $VERIF "$(MUA header $GOT Reply-To)" c-verif.eml
[ "$(state $C)" = permintaan_bsre ] || fail "the verifier's Thunderbird reply did not move $C (at $(state $C))"
receive $VERIF $C --in-reply-to "$(MUA header c-verif.eml Message-ID)" --references "$(MUA header $C_VERIF Message-ID)" --token --attach-from revocation.list
MUA notice dicabut $NIK $BUDI $SERIAL "dicabut-$(date +%s)@bsre.go.id" "$BSRE_KEY" >dicabut.eml
relay mail.bsre.go.id noreply@bsre.go.id $OFFICE dicabut.eml
[ "$(state $C)" = dicabut ] || { tail serve.log; fail "BSrE's revocation notice did not end $C (at $(state $C))"; }
receive $BUDI $C --in-reply-to "$C_ACK" --references "$REV_ID" --no-token
expect_exit 0 D certificates list --format json
jq -e --arg c $C '.[0].state == "revoked" and .[0].revoke_request == $c and length == 1' out >/dev/null ||
	{ cat out; fail "the register does not mark the certificate revoked"; }
ok "revocation: Samsung and Thunderbird replies, BSrE's notice; the register marks the certificate revoked"

# ---- every email, every party ---------------------------------------------------
for a in $SERVERS_USERS; do nothing_for "$a"; done
[ -z "$(ls "$SERVERS_OUTSIDE_DIR")" ] || fail "mail left for outside the office (an answer to the lookalike?)"
[ "$(mail_count $OFFICE)" = 0 ] && [ "$(mail_count $OFFICE Diproses)" = $msgs ] ||
	fail "the office's INBOX holds $(mail_count $OFFICE), Diproses $(mail_count $OFFICE Diproses); want 0 and $msgs"
[ "$(sql "$DB" "select count(*) from outbox where state = 'sent'")" = $EMAILS ] &&
	[ "$(sql "$DB" "select count(*) from outbox")" = $EMAILS ] ||
	fail "the outbox holds $(sql "$DB" "select count(*) from outbox") emails ($(sql "$DB" "select count(*) from outbox where state = 'sent'") sent); $EMAILS were received"
for f in got-*.eml; do MUA header "$f" Message-ID | tr -d '<>'; done | sort >received.ids
sql "$DB" "select message_id from outbox" | sort >sent.ids
cmp -s received.ids sent.ids || { diff sent.ids received.ids >&2; fail "what was received is not what dispo sent"; }
expect_exit 0 D audit verify
serve_stop || fail "dispo serve did not exit 0 on SIGTERM"
ok "every email dispo sent reached its recipient, and nobody received anything else; the audit chains verify"
echo "e2e: emails=$EMAILS checked, forgeries=$FORGERIES rejected"
