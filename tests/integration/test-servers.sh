#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# test-servers.sh: the integration harness's own test: the private Postfix
# and Dovecot start, offer TLS with a certificate the throwaway CA vouches
# for, authenticate before relaying, deliver to the right Maildir, bounce
# for real, the sink fails in each of its modes, and everything stops.
. "$(dirname "$0")/../cli/lib.sh"
# (lib.sh moved to the scratch dir: name the harness from the source tree)
. "$DISPO_SRCDIR/tests/integration/servers.sh"

now() { date +%s.%N; }
t0=$(now)
servers_start
ok "servers started in $(awk -v a="$t0" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }') s"

# --- TLS and certificates ------------------------------------------------
verify() { # verify PORT [s_client options...]: certificate checks out
	port=$1
	shift
	openssl s_client -connect "127.0.0.1:$port" -CAfile "$SERVERS_CA" -verify_return_error \
		-verify_ip 127.0.0.1 "$@" </dev/null >"$WORK/tls.out" 2>&1
}
verify "$SMTP_PORT" -starttls smtp || { cat "$WORK/tls.out" >&2; fail "STARTTLS on $SMTP_PORT"; }
contains "$WORK/tls.out" "Verify return code: 0 (ok)"
ok "smtp $SMTP_PORT: STARTTLS offered, certificate verifies against SERVERS_CA"
verify "$SMTPS_PORT" || { cat "$WORK/tls.out" >&2; fail "implicit TLS on $SMTPS_PORT"; }
ok "smtps $SMTPS_PORT: implicit TLS, certificate verifies"
verify "$IMAPS_PORT" || { cat "$WORK/tls.out" >&2; fail "imaps $IMAPS_PORT"; }
verify "$IMAP_PORT" -starttls imap || { cat "$WORK/tls.out" >&2; fail "imap STARTTLS $IMAP_PORT"; }
ok "imaps $IMAPS_PORT and imap STARTTLS $IMAP_PORT: certificate verifies"

verify "$SMTPS_UNTRUSTED_PORT" && fail "a self-signed certificate verified"
contains "$WORK/tls.out" "self-signed certificate"
verify "$SMTPS_WRONGNAME_PORT" && fail "a certificate for wrong.invalid verified for 127.0.0.1"
contains "$WORK/tls.out" "IP address mismatch"
ok "untrusted and wrong-name certificates fail verification"

fetch() { # fetch ADDRESS [imap-fetch options...]
	a=$1
	shift
	"$IMAP_FETCH" --user "$a" --password "$(user_password "$a")" "$@"
}
expect_exit 0 fetch sertifikat@kuduskab.go.id --port "$IMAPS_PORT" --ssl --cafile "$SERVERS_CA" --count
contains "$WORK/out" "0"
expect_exit 0 fetch sertifikat@kuduskab.go.id --port "$IMAP_PORT" --starttls --cafile "$SERVERS_CA" --count
expect_exit 3 fetch sertifikat@kuduskab.go.id --host 127.0.0.2 --port "$IMAPS_PORT" --ssl \
	--cafile "$SERVERS_CA" --count
contains "$WORK/err" "not trusted"
expect_exit 0 fetch sertifikat@kuduskab.go.id --host localhost --port "$IMAPS_PORT" --ssl \
	--cafile "$SERVERS_CA" --count
expect_exit 1 "$IMAP_FETCH" --port "$IMAPS_PORT" --ssl --user sertifikat@kuduskab.go.id \
	--password salah --count
contains "$WORK/err" "LOGIN sertifikat@kuduskab.go.id failed"
ok "imap-fetch verifies the certificate (by IP and by name; exit 3 when untrusted), rejects a bad password"

# --- AUTH, relay ----------------------------------------------------------
smtp_open "$SMTP_PORT" plain
smtp_greeting >"$WORK/r" || fail "no greeting on $SMTP_PORT"
contains "$WORK/r" "220 mx.kuduskab.go.id ESMTP"
smtp_cmd "EHLO client.example" >"$WORK/r"
contains "$WORK/r" "250-STARTTLS"
grep -q AUTH "$WORK/r" && fail "AUTH offered before STARTTLS: $(cat "$WORK/r")"
smtp_cmd "MAIL FROM:<someone@example.com>" >/dev/null
smtp_cmd "RCPT TO:<applicant@gmail.com>" >"$WORK/r"
contains "$WORK/r" "554 5.7.1"
smtp_cmd "RCPT TO:<orang.asing@kuduskab.go.id>" >"$WORK/r"
contains "$WORK/r" "550 5.1.1"
smtp_cmd "RCPT TO:<sertifikat+xyz@kuduskab.go.id>" >"$WORK/r"
contains "$WORK/r" "250 2.1.5"
smtp_close
ok "no AUTH before STARTTLS; unauthenticated: relay refused, unknown user refused, local accepted"

smtp_open "$SMTP_PORT" starttls
smtp_cmd "EHLO client.example" >"$WORK/r" || fail "no EHLO reply after STARTTLS"
contains "$WORK/r" "250-AUTH PLAIN LOGIN"
smtp_cmd "AUTH PLAIN $(printf '\0budi.santoso@kuduskab.go.id\0salah' | base64 -w0)" >"$WORK/r"
contains "$WORK/r" "535 5.7.8"
smtp_auth_plain budi.santoso@kuduskab.go.id >"$WORK/r"
contains "$WORK/r" "235 2.7.0"
msg() { # msg FROM TO SUBJECT ID: a small message, CRLF, for DATA
	printf 'From: <%s>\r\nTo: <%s>\r\nSubject: %s\r\nMessage-ID: <%s@test.example>\r\n' "$1" "$2" "$3" "$4"
	printf 'Date: Mon, 23 Nov 2026 08:00:00 +0700\r\nMIME-Version: 1.0\r\n'
	printf 'Content-Type: text/plain; charset=utf-8\r\n\r\nIsi pesan %s.\r\n' "$4"
}
msg budi.santoso@kuduskab.go.id sertifikat+abc@kuduskab.go.id "Permohonan Sertifikat Elektronik" \
	harness-1 >"$WORK/m1"
smtp_cmd "MAIL FROM:<budi.santoso@kuduskab.go.id>" >/dev/null
smtp_cmd "RCPT TO:<sertifikat+abc@kuduskab.go.id>" >"$WORK/r"
contains "$WORK/r" "250"
smtp_cmd "RCPT TO:<applicant@gmail.com>" >"$WORK/r"
contains "$WORK/r" "250"
smtp_cmd "DATA" >"$WORK/r"
contains "$WORK/r" "354"
smtp_write "$WORK/m1"
smtp_cmd "." >"$WORK/r"
contains "$WORK/r" "250 2.0.0 Ok: queued"
smtp_close
ok "STARTTLS then AUTH PLAIN: wrong password 535, right one 235, relay allowed"

smtp_open "$SMTPS_PORT" tls
smtp_greeting >/dev/null || fail "no greeting on $SMTPS_PORT"
smtp_cmd "EHLO client.example" >"$WORK/r"
contains "$WORK/r" "AUTH PLAIN LOGIN"
smtp_auth_login kadis@kuduskab.go.id >"$WORK/r"
contains "$WORK/r" "235 2.7.0"
msg kadis@kuduskab.go.id dewi.lestari@kuduskab.go.id "SETUJU" harness-2 >"$WORK/m2"
smtp_cmd "MAIL FROM:<kadis@kuduskab.go.id>" >/dev/null
smtp_cmd "RCPT TO:<dewi.lestari@kuduskab.go.id>" >/dev/null
smtp_cmd "DATA" >/dev/null
smtp_write "$WORK/m2"
smtp_cmd "." >"$WORK/r"
contains "$WORK/r" "250 2.0.0 Ok: queued"
smtp_close
ok "implicit TLS then AUTH LOGIN: submission accepted"

# --- delivery and read-back -------------------------------------------------
wait_for_mail sertifikat@kuduskab.go.id 1 || fail "nothing in sertifikat's Maildir"
wait_for_mail dewi.lestari@kuduskab.go.id 1 || fail "nothing in dewi.lestari's Maildir"
expect_exit 0 fetch sertifikat@kuduskab.go.id --port "$IMAPS_PORT" --ssl --cafile "$SERVERS_CA" \
	--count --out "$WORK/inbox"
contains "$WORK/out" "1"
set -- "$WORK"/inbox/*.eml
{ [ $# = 1 ] && [ -f "$1" ]; } || fail "imap-fetch wrote $# files"
for h in "Subject: Permohonan Sertifikat Elektronik" "Message-ID: <harness-1@test.example>" \
	"From: <budi.santoso@kuduskab.go.id>" "To: <sertifikat+abc@kuduskab.go.id>" \
	"Delivered-To: sertifikat+abc@kuduskab.go.id" "Isi pesan harness-1."; do
	contains "$1" "$h"
done
grep -q "with ESMTPSA" "$1" || fail "no authenticated-TLS Received header"
ok "sertifikat+abc@ landed in sertifikat's INBOX, read back over IMAPS with headers intact"
queue_wait_empty 20 || fail "queue did not drain"
grep -rqs "Message-ID: <harness-1@test.example>" "$SERVERS_OUTSIDE_DIR" ||
	fail "relayed copy for gmail.com not in SERVERS_OUTSIDE_DIR"
ok "authenticated relay to gmail.com reached the outside sink"

# --- a genuine bounce -------------------------------------------------------
before=$(mail_count budi.santoso@kuduskab.go.id)
msg budi.santoso@kuduskab.go.id someone@tidak-ada.invalid "Ke mana?" harness-3 |
	servers_sendmail -f budi.santoso@kuduskab.go.id someone@tidak-ada.invalid ||
	fail "sendmail failed"
wait_for_mail budi.santoso@kuduskab.go.id $((before + 1)) || fail "no DSN for budi.santoso"
dsn=$(grep -l "report-type=delivery-status" "$(user_maildir budi.santoso@kuduskab.go.id)"/new/* |
	head -n 1)
[ -n "$dsn" ] || fail "budi's new mail is not a DSN"
contains "$dsn" "multipart/report"
contains "$dsn" "someone@tidak-ada.invalid"
contains "$dsn" "Status: 5.1.2"
contains "$dsn" "Message-ID: <harness-3@test.example>"
ok "mail to tidak-ada.invalid bounced: a multipart/report DSN in the sender's INBOX"
msg rina.marlina@kuduskab.go.id "$SERVERS_LOST_USER" "Surat" harness-4 |
	servers_sendmail -f rina.marlina@kuduskab.go.id "$SERVERS_LOST_USER" || fail "sendmail failed"
wait_for_mail rina.marlina@kuduskab.go.id 1 || fail "no DSN for rina.marlina"
set -- "$(user_maildir rina.marlina@kuduskab.go.id)"/new/*
contains "$1" "report-type=delivery-status"
contains "$1" "Status: 5.1.1"
contains "$1" "$SERVERS_LOST_USER"
ok "mail to SERVERS_LOST_USER: accepted by Postfix, refused by Dovecot's LMTP, DSN to the sender"

# --- the sink's fault modes ---------------------------------------------------
sink_session() { # sink_session MODE: MAIL, RCPT, DATA, content, dot; replies in $WORK/s.*
	sink_start "$1"
	rm -f "$WORK"/s.*
	smtp_open "$SINK_PORT" plain
	smtp_greeting >"$WORK/s.greet" || return 1
	smtp_cmd "EHLO client.example" >/dev/null &&
		smtp_cmd "MAIL FROM:<sertifikat@kuduskab.go.id>" >"$WORK/s.mail" &&
		smtp_cmd "RCPT TO:<applicant@gmail.com>" >"$WORK/s.rcpt" || return 1
	case $(cat "$WORK/s.rcpt") in 4* | 5*) return 0 ;; esac
	smtp_cmd "DATA" >"$WORK/s.data" || return 1
	smtp_write "$WORK/m1"
	SMTP_TIMEOUT=${2:-10} smtp_cmd "." >"$WORK/s.dot"
}
sink_session accept || fail "accept: session failed"
contains "$WORK/s.dot" "250"
smtp_close
grep -rqs "Message-ID: <harness-1@test.example>" "$SINK_DIR" || fail "accept: nothing in SINK_DIR"
ok "sink accept: message kept in SINK_DIR"
sink_session tempfail-rcpt || fail "tempfail-rcpt: session failed"
contains "$WORK/s.rcpt" "450"
smtp_close
sink_session reject-rcpt || fail "reject-rcpt: session failed"
contains "$WORK/s.rcpt" "500"
smtp_close
ok "sink tempfail-rcpt: 450 on RCPT; reject-rcpt: 500"
sink_session tempfail-data || fail "tempfail-data: session failed"
contains "$WORK/s.dot" "450"
smtp_close
sink_session reject-data || fail "reject-data: session failed"
contains "$WORK/s.data" "354"
contains "$WORK/s.dot" "500"
smtp_close
ok "sink tempfail-data: 450 after the dot; reject-data: 354 then 500 after the dot"
t=$(now)
sink_session hang-data 2 2>/dev/null && fail "hang-data: the dot was answered: $(cat "$WORK/s.dot")"
contains "$WORK/s.data" "354"
[ -s "$WORK/s.dot" ] && fail "hang-data: reply to the dot: $(cat "$WORK/s.dot")"
awk -v a="$t" -v b="$(now)" 'BEGIN { exit !(b - a >= 2) }' || fail "hang-data: gave up early"
smtp_close
ok "sink hang-data: 354, then no answer to the dot"
sink_session drop-data 2>/dev/null && fail "drop-data: the dot was answered"
contains "$WORK/s.data" "354"
kill -0 "$SMTP_CHAT_PID" 2>/dev/null && fail "drop-data: connection still open"
smtp_close
ok "sink drop-data: connection closed at the dot without a reply"
sink_start refused
servers_listening "$SINK_PORT" && fail "refused: something listens on $SINK_PORT"
smtp_open "$SINK_PORT" plain
smtp_greeting 2>/dev/null && fail "refused: got a greeting"
contains "$SMTP_CHAT/err" "Connection refused"
smtp_close
ok "sink refused: connection refused on SINK_PORT"
sink_start accept
sink_pid=$SINK_PID

# --- stop -------------------------------------------------------------------
pids="$SERVERS_POSTFIX_PID $SERVERS_DOVECOT_PID $sink_pid"
ports="$SMTP_PORT $SMTPS_PORT $SMTPS_UNTRUSTED_PORT $SMTPS_WRONGNAME_PORT $IMAP_PORT $IMAPS_PORT $SINK_PORT"
t=$(now)
servers_stop
ok "servers stopped in $(awk -v a="$t" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }') s"
for p in $pids; do
	left=$(servers_group_pids "$p")
	[ -z "$left" ] || fail "process group $p still has: $left"
done
for p in $ports; do
	servers_listening "$p" && fail "port $p still listening"
done
ok "after servers_stop no process of theirs is left and the ports are free"
