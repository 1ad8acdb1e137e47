#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# test-smtp.sh: dispo sends through a real Postfix (STARTTLS and implicit
# TLS, AUTH from a 0600 credentials file, certificates verified) and the
# emails land in the right Dovecot mailboxes, read back over IMAPS with their
# headers and attachments intact; a certificate that does not verify stops
# sending (nothing lost); a real Postfix bounce comes back, is imported and
# fails its row; and the send rate with one connection reused.
. "$(dirname "$0")/../cli/lib.sh"
# (lib.sh moved to the scratch dir: name the harness from the source tree)
. "$DISPO_SRCDIR/tests/integration/servers.sh"
servers_start
ok "Postfix and Dovecot are up (smtp $SMTP_PORT, smtps $SMTPS_PORT, imaps $IMAPS_PORT)"

OFFICE=sertifikat@kuduskab.go.id
ADMIN=admin@dinkes.kuduskab.go.id
printf 'username = %s\npassword = %s\n' $OFFICE "$(user_password $OFFICE)" >smtp.cred
chmod 600 smtp.cred
# conf URL [extra lines]
conf() {
	cat >dispo.conf <<CONF
[general]
data_dir = data
admin_address = $ADMIN
[policy]
require_authentication = false
[smtp]
url = $1
ca_file = $SERVERS_CA
credentials_file = $WORK/smtp.cred
timeout = 10s
${2:-}
CONF
}
NOW=2026-11-23T09:00:00+07:00
D() { "$DISPO" --config dispo.conf --now "$NOW" "$@"; }
DB=data/dispo.db
fetch() { # ADDRESS DIR: the INBOX over IMAPS, one file per message
	rm -rf "$2" && mkdir -p "$2"
	"$IMAP_FETCH" --host 127.0.0.1 --port "$IMAPS_PORT" --ssl --cafile "$SERVERS_CA" --user "$1" \
		--password "$(user_password "$1")" --out "$2" >/dev/null || fail "imap-fetch $1"
}
hdr() { tr -d '\r' <"$2" | sed '/^$/q' | grep -i "^$1:" | head -n 1 | sed "s/^[^:]*: //"; }

conf "smtp://127.0.0.1:$SMTP_PORT"
expect_exit 0 D employees import "$DISPO_SRCDIR/rules/register-contoh.csv"
application budi.santoso@kuduskab.go.id 1 >app.eml
expect_exit 0 D deliver <app.eml
[ "$(sql $DB "select group_concat(state) from outbox")" = sent,sent ] || { sql $DB "select * from outbox" >&2; fail "both emails sent"; }
wait_for_mail budi.santoso@kuduskab.go.id 1 || fail "the acknowledgement did not arrive"
wait_for_mail kadis@kuduskab.go.id 1 || fail "the disposition did not arrive"
ok "dispo deliver sends through Postfix with STARTTLS and AUTH; both emails arrive"

# The disposition, read back over IMAPS: headers and attachments intact.
fetch kadis@kuduskab.go.id kadis
m=$(ls kadis/*.eml | head -n 1)
row=$(sql $DB "select message_id || '|' || reply_to from outbox where to_addr = 'kadis@kuduskab.go.id'")
[ "$(hdr Message-Id "$m")" = "<${row%%|*}>" ] || fail "the Message-ID is the outbox row's"
[ "$(hdr Reply-To "$m")" = "${row#*|}" ] || fail "the Reply-To token survived"
[ "$(hdr Auto-Submitted "$m")" = auto-generated ] || fail "Auto-Submitted"
[ "$(hdr X-Auto-Response-Suppress "$m")" = All ] || fail "X-Auto-Response-Suppress"
[ "$(hdr X-Dispo-Request "$m")" = SE-2026-000001 ] || fail "X-Dispo-Request"
[ "$(hdr MIME-Version "$m")" = 1.0 ] || fail "MIME-Version"
hdr Date "$m" | grep -q "23 Nov 2026" || fail "Date"
hdr Subject "$m" | grep -qF "[SE-2026-000001]" || fail "the request tag in the subject"
[ "$(hdr In-Reply-To "$m")" = "<app-1@kuduskab.go.id>" ] || fail "threaded to the application"
hdr References "$m" | grep -qF "<app-1@kuduskab.go.id>" || fail "References"
grep -q "(Postfix) with ESMTPSA" "$m" || fail "Postfix took it with TLS and AUTH (ESMTPSA)"
grep -q "Authenticated sender: $OFFICE" "$m" || fail "Postfix saw dispo authenticated"
[ "$(grep -c '^Content-Transfer-Encoding: base64' "$m")" -ge 3 ] || fail "attachments in base64"
for f in surat_permohonan scan_ktp surat_rekomendasi; do
	grep -q "filename=\"\{0,1\}$f.pdf" "$m" || fail "attachment $f.pdf"
done
[ "$(grep -c '^JVBERi0xLjQKJSVFT0YK' "$m")" = 3 ] || fail "the documents' bytes are intact"
ok "the disposition reads back over IMAPS with its Message-ID, threading, tag, Auto-Submitted and 3 attachments"

# Implicit TLS.
conf "smtps://127.0.0.1:$SMTPS_PORT"
application pemohon.baru@kuduskab.go.id 2 >app2.eml
expect_exit 0 D deliver <app2.eml
wait_for_mail pemohon.baru@kuduskab.go.id 1 || fail "implicit TLS: the confirmation did not arrive"
ok "smtps:// (implicit TLS) delivers"

# Both SASL mechanisms, as [smtp] auth names them.
n=0
for mech in login plain; do
	conf "smtp://127.0.0.1:$SMTP_PORT" "auth = $mech"
	n=$((n + 1))
	application budi.santoso@kuduskab.go.id 20$n >app-$mech.eml
	expect_exit 0 D deliver <app-$mech.eml
	[ "$(sql $DB "select state from outbox order by id desc limit 1")" = sent ] || fail "auth = $mech"
	M=$(echo $mech | tr a-z A-Z)
	grep -q "sasl_method=$M, sasl_username=$OFFICE" "$SERVERS_DIR/postfix.log" || fail "Postfix saw no AUTH $M"
done
ok "AUTH LOGIN and AUTH PLAIN, from the 0600 credentials file"

# Certificates are verified: an untrusted or misnamed server gets nothing,
# and the email waits (pending) instead of being lost.
for port in $SMTPS_UNTRUSTED_PORT $SMTPS_WRONGNAME_PORT; do
	conf "smtps://127.0.0.1:$port"
	before=$(mail_count budi.santoso@kuduskab.go.id)
	application budi.santoso@kuduskab.go.id 3$port >app3.eml
	expect_exit 0 D deliver <app3.eml
	st=$(sql $DB "select state || '|' || last_error from outbox order by id desc limit 1")
	case $st in "pending|no trusted TLS connection"*) ;; *) fail "port $port: $st" ;; esac
done
# The office fixes its CA file: the same emails go, each once.
conf "smtps://127.0.0.1:$SMTPS_PORT"
NOW=2026-11-23T10:00:00+07:00
expect_exit 0 D outbox flush
contains out "sent, 0 deferred"
[ "$(sql $DB "select count(*) from outbox where state <> 'sent'")" = 0 ] || fail "every email is sent once the CA is right"
ok "an untrusted or misnamed certificate stops sending; the emails wait and go later"

# verify_certificate = false is a configuration line, and then it sends.
conf "smtps://127.0.0.1:$SMTPS_UNTRUSTED_PORT" "verify_certificate = false"
application budi.santoso@kuduskab.go.id 4 >app4.eml
expect_exit 0 D deliver <app4.eml
[ "$(sql $DB "select state from outbox order by id desc limit 1")" = sent ] || fail "verify_certificate = false"
ok "verify_certificate = false lets an unverified server through"

# A recipient Postfix does not know: 550 at RCPT, failed at once, the
# administrator told (and the notice itself arrives).
conf "smtp://127.0.0.1:$SMTP_PORT"
sql $DB "update employees set email = 'salah.ketik@kuduskab.go.id' where email = 'kadis@kuduskab.go.id'"
application budi.santoso@kuduskab.go.id 5 >app5.eml
expect_exit 0 D deliver <app5.eml
st=$(sql $DB "select state || '|' || last_error from outbox where to_addr = 'salah.ketik@kuduskab.go.id'")
case $st in "failed|the server refused the recipient: 550"*) ;; *) sql $DB "select id, kind, to_addr, state, last_error from outbox" >&2; fail "unknown recipient: $st" ;; esac
wait_for_mail $ADMIN 1 || fail "the administrator's notice did not arrive"
fetch $ADMIN admin
grep -q "salah.ketik@kuduskab.go.id" admin/*.eml || fail "the notice names the address"
ok "a 5xx at RCPT fails the email for good and the administrator is told by email"

# A domain that does not exist is refused at RCPT, like an unknown user.
application orang@tidak-ada.invalid 6 >app6.eml
expect_exit 0 D deliver <app6.eml
st=$(sql $DB "select state || '|' || last_error from outbox where to_addr = 'orang@tidak-ada.invalid'")
case $st in "failed|the server refused the recipient: 550 5.1.2"*) ;; *) fail "unknown domain: $st" ;; esac
ok "a domain that does not exist: failed at RCPT"

# A real bounce: Postfix accepts mail for $SERVERS_LOST_USER (its map lists
# it) but Dovecot knows no such mailbox, so Postfix returns a DSN to the
# office mailbox; importing that Maildir fails the confirmation and marks
# the address.
application "$SERVERS_LOST_USER" 7 >app7.eml
expect_exit 0 D deliver <app7.eml
[ "$(sql $DB "select state from outbox where to_addr = '$SERVERS_LOST_USER'")" = sent ] || fail "the confirmation was handed to Postfix"
wait_for_mail $OFFICE 1 || fail "no bounce came back"
admin_before=$(mail_count $ADMIN)
expect_exit 0 D import "$(user_maildir $OFFICE)"
[ "$(sql $DB "select kind from messages order by id desc limit 1")" = bounce ] || fail "the DSN is stored as a bounce"
st=$(sql $DB "select state || '|' || last_error from outbox where to_addr = '$SERVERS_LOST_USER'")
case $st in "failed|the email bounced: 5.1.1"*) ;; *) fail "bounced confirmation: $st" ;; esac
[ "$(sql $DB "select count(*) from bounced_addresses where address = '$SERVERS_LOST_USER'")" = 1 ] || fail "the address is marked"
wait_for_mail $ADMIN $((admin_before + 1)) || fail "the administrator is told of the bounce"
ok "Postfix's own bounce, imported from the office Maildir, fails the confirmation, marks the address, tells the administrator"

# Send rate: 100 applications queued while the server is away (each an
# acknowledgement and a disposition with three documents), then one flush
# over one reused connection.
conf "smtp://127.0.0.1:$SERVERS_SPARE_PORT"
sql $DB "update employees set email = 'kadis@kuduskab.go.id' where email = 'salah.ketik@kuduskab.go.id'"
mkdir -p many/new many/cur many/tmp
i=0
while [ $i -lt 100 ]; do
	i=$((i + 1))
	application budi.santoso@kuduskab.go.id $((1000 + i)) >many/new/$i.eml
done
NOW=2026-11-23T11:00:00+07:00
expect_exit 0 D import many
pending=$(sql $DB "select count(*) from outbox where state = 'pending'")
[ "$pending" -ge 200 ] || fail "only $pending emails waiting"
conf "smtp://127.0.0.1:$SMTP_PORT"
connects=$(grep -c "postfix/smtpd.*: connect from" "$SERVERS_DIR/postfix.log")
NOW=2026-11-23T12:00:00+07:00
start=$(date +%s.%N)
expect_exit 0 D outbox flush
end=$(date +%s.%N)
contains out "$pending sent, 0 deferred (retried later), 0 failed"
used=$(($(grep -c "postfix/smtpd.*: connect from" "$SERVERS_DIR/postfix.log") - connects))
[ "$used" -le 2 ] || fail "$pending emails took $used connections (want one, reused)"
rate=$(echo "$pending $start $end" | awk '{ printf "%.0f", $1 / ($3 - $2) }')
ok "send rate: $pending emails in $(echo "$start $end" | awk '{ printf "%.2f", $2 - $1 }') s over $used connection(s): $rate emails/s through Postfix"
queue_wait_empty 60 || fail "Postfix did not deliver them all"
wait_for_mail kadis@kuduskab.go.id 101 60 || fail "the dispositions did not all arrive"
ok "all $pending were delivered by Postfix to Dovecot"

# A forwarded application: the acknowledgement goes To the applicant and,
# as a second RCPT TO, to the forwarder in Cc; both mailboxes get it.
budi_before=$(mail_count budi.santoso@kuduskab.go.id)
nur_before=$(mail_count nur.hidayah@kuduskab.go.id)
{
	printf 'From: Nur Hidayah <nur.hidayah@kuduskab.go.id>\r\nTo: sertifikat@kuduskab.go.id\r\n'
	printf 'Subject: FW: Permohonan Sertifikat Elektronik\r\nMessage-ID: <fwd-9@kuduskab.go.id>\r\n'
	printf 'MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=o\r\n\r\n'
	printf -- '--o\r\nContent-Type: text/plain\r\n\r\nMohon diproses.\r\n--o\r\nContent-Type: message/rfc822\r\n\r\n'
	application budi.santoso@kuduskab.go.id 9
	printf '\r\n--o--\r\n'
} >fwd.eml
expect_exit 0 D deliver <fwd.eml
contains out opened
[ "$(sql $DB "select state || ' ' || to_addr || ' ' || cc_addr from outbox where kind = 'acknowledgement' order by id desc limit 1")" = \
	"sent budi.santoso@kuduskab.go.id nur.hidayah@kuduskab.go.id" ] || fail "the acknowledgement was sent to both"
wait_for_mail budi.santoso@kuduskab.go.id $((budi_before + 1)) || fail "the applicant's acknowledgement did not arrive"
wait_for_mail nur.hidayah@kuduskab.go.id $((nur_before + 1)) || fail "the forwarder's copy did not arrive"
fetch nur.hidayah@kuduskab.go.id nur
m=$(grep -l "fwd-9@kuduskab.go.id" nur/*.eml | head -n 1)
[ -n "$m" ] && [ "$(hdr To "$m") / $(hdr Cc "$m")" = "budi.santoso@kuduskab.go.id / nur.hidayah@kuduskab.go.id" ] ||
	fail "the forwarder's copy is the acknowledgement To the applicant"
ok "a forwarded application's acknowledgement reaches the applicant and, in Cc, the forwarder"
