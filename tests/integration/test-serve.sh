#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# test-serve.sh: `dispo serve` as an office runs it, against the real
# Postfix and Dovecot: applications and replies submitted over SMTP reach
# the office's mailbox, dispo takes them over IMAPS (IDLE), moves each to
# the processed folder only after its commit, and sends its emails through
# Postfix at once. Also: a restart catches up on what arrived meanwhile;
# overdue SLA timers fire once after a restart; a new UIDVALIDITY re-takes
# the mailbox without doubling anything; Dovecot going away is one log line
# and dispo reconnects; SIGHUP with broken rules keeps the running set,
# with fixed rules replaces it; SIGTERM exits 0; an untrusted certificate
# is refused.
. "$(dirname "$0")/../cli/lib.sh"
. "$DISPO_SRCDIR/tests/integration/servers.sh"
BUDI=budi.santoso@kuduskab.go.id
RINA=rina.marlina@kuduskab.go.id
KADIS=kadis@kuduskab.go.id
servers_start
ok "Postfix and Dovecot are up"
. "$DISPO_SRCDIR/tests/integration/serve-lib.sh"
conf() { serve_conf "$@"; }
conf "imaps://127.0.0.1:$IMAPS_PORT" "idle_renew = 3s"
official_reply() { # FROM TO IN-REPLY-TO WORD
	printf 'From: %s\r\nTo: %s\r\nSubject: Re: Disposisi\r\n' "$1" "$2"
	printf 'Message-ID: <reply-%s@kuduskab.go.id>\r\nIn-Reply-To: <%s>\r\n' "$(date +%s%N)" "$3"
	printf 'MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n%s\r\n\r\nDikirim dari iPhone saya\r\n' "$4"
}

# Rina's application: her NIP and NIK from the register.
rina_application() {
	application $RINA "$1" | sed 1d | sed 's/198503122010011004/198707262011012002/; s/3319011203850001/3319086607870001/'
}
expect_exit 0 D employees import "$DISPO_SRCDIR/rules/register-contoh.csv"
serve_start
wait_log "connected (IDLE)" || fail "dispo serve did not connect to the IMAP server"
grep -q "IMAP $OFFICE@127.0.0.1/INBOX: connected" serve.log || fail "the log does not name the mailbox"
ok "dispo serve connects over IMAPS (certificate verified against ca_file) and IDLEs"

# An application, as a mail client submits it.
application $BUDI 1 | sed 1d >app1.eml
submit $BUDI $OFFICE app1.eml
wait_sql "select count(*) from requests" 1 || fail "the application was not taken in over IMAP"
wait_sql "select state from requests" disposisi_kadin || fail "the request did not start"
wait_for_mail $KADIS 1 || fail "the disposition did not reach the Kepala Dinas"
wait_for_mail $BUDI 1 || fail "the acknowledgement did not reach the applicant"
i=0
until [ "$(mail_count $OFFICE Diproses)" = 1 ] && [ "$(mail_count $OFFICE)" = 0 ]; do
	i=$((i + 1)); [ $i -gt 50 ] && fail "the application was not moved to Diproses ($(mail_count $OFFICE) in INBOX)"
	sleep 0.1
done
[ "$(sql $DB "select source from messages")" = serve ] || fail "the message's source is $(sql $DB "select source from messages")"
[ "$(sql $DB "select last_uid from imap_state")" = 1 ] || fail "the checkpoint is not UID 1"
wait_log_re "message uid 1: application .*SE-2026-000001 .* \([0-9]+ ms\)" ||
	{ fail "no log line for the message (request, step, outcome, milliseconds)"; }
[ "$(sql $DB "select count(*) from outbox where state != 'sent'")" = 0 ] || fail "emails were left unsent"
ok "an application over SMTP → IMAP IDLE → request opened, moved to Diproses after the commit, both emails sent at once"

# The whole SOP: each official finds the disposition in their own IMAP
# mailbox and answers from it over SMTP (to the token address, which Dovecot
# files in the office's INBOX too); the reply moves the request on.
# answer WORD NEXT-STATE
answer() {
	row=$(sql $DB "select to_addr || ' ' || reply_to || ' ' || message_id from outbox where reply_to like 'sertifikat+%' order by id desc limit 1")
	set -- "$1" "$2" $row
	wait_for_mail "$3" 1 || fail "the email for $2 did not reach $3's mailbox"
	official_reply "$3" "$4" "$5" "$1" >answer.eml
	submit "$3" "$4" answer.eml
	wait_sql "select state from requests where number = 'SE-2026-000001'" "$2" ||
		fail "$1 from $3 did not move the request to $2"
}
answer SETUJU disposisi_kabid
wait_log_re "message uid 2: reply SE-2026-000001 .*→ disposisi_kabid" ||
	{ fail "the reply's log line does not say where the request went"; }
answer SETUJU verifikasi_kasi
answer SETUJU kirim_bsre
answer TERUSKAN proses_bsre
answer "SELESAI 4321-8765-0001" terbit
[ "$(sql $DB "select count(*) from certificates")" = 1 ] || fail "the certificate was not registered"
wait_for_mail $BUDI 2 || fail "the applicant was not told the decision"
[ "$(sql $DB "select count(*) from outbox where state != 'sent'")" = 0 ] || fail "emails were left unsent"
ok "the whole SOP over IMAP and SMTP: four officials answer from their mailboxes, the certificate is registered, the applicant told"

# What a monitor sees meanwhile: healthy, connected to the office's box.
D status >status.out || { cat status.out; fail "dispo status is not healthy while serving"; }
grep -q "^imap          connected since .*($OFFICE@127.0.0.1/INBOX)" status.out || { cat status.out; fail "status does not say connected"; }
grep -q "^last message  .*terbit" status.out || { cat status.out; fail "status does not name the last message"; }
ok "dispo status: OK, IMAP connected, the last message named"

# A burst straight into the INBOX over LMTP while dispo idles: what arrives
# during a pass is announced in that pass's replies, never again in IDLE;
# every message must still be taken.
before=$(sql $DB "select count(*) from messages")
perl -MIO::Socket::UNIX -e '
	my $s = IO::Socket::UNIX->new(Peer => $ARGV[0]) or die "lmtp: $!";
	sub rd { my $l = <$s>; $l = <$s> while $l =~ /^\d\d\d-/; die "lmtp: $l" unless $l =~ /^[23]/ }
	rd(); print $s "LHLO test\r\n"; rd();
	for my $i (1 .. 150) {
		print $s "MAIL FROM:<warga$i\@example.com>\r\n"; rd();
		print $s "RCPT TO:<$ARGV[1]>\r\n"; rd();
		print $s "DATA\r\n"; rd();
		print $s "From: <warga$i\@example.com>\r\nSubject: Tanya $i\r\nMessage-ID: <burst-$i\@example.com>\r\n\r\nHalo\r\n.\r\n"; rd();
	}
	print $s "QUIT\r\n";' "$SERVERS_DIR/dovecot/run/lmtp" $OFFICE || fail "LMTP burst"
wait_sql "select count(*) from messages" $((before + 150)) 60 || fail "a burst during IDLE was not all taken"
ok "150 messages in a burst during IDLE: all taken"

# SIGHUP with a broken rules file: refused, the old set keeps working.
cp rules/sop-067-pendaftaran.rules good.rules
printf '\nstep rusak {\n' >>rules/sop-067-pendaftaran.rules
kill -HUP "$SERVE_PID"
wait_log "reload refused" || fail "a broken reload was not refused"
grep -q "sop-067-pendaftaran.rules:[0-9]*:[0-9]*:" serve.log || fail "the refusal does not say file:line:col"
[ "$(sql $DB "select value from daemon_status where key = 'reload'")" != ok ] || fail "status says the reload was ok"
rina_application 2 >app2.eml
submit $RINA $OFFICE app2.eml
wait_sql "select count(*) from requests" 2 || fail "after a refused reload, mail is no longer taken in"
cp good.rules rules/sop-067-pendaftaran.rules
kill -HUP "$SERVE_PID"
wait_log "reloaded: rules version" || fail "a good reload was not taken"
[ "$(sql $DB "select value from daemon_status where key = 'reload'")" = ok ] || fail "status does not say the reload was ok"
ok "SIGHUP: broken rules refused with file:line:col and the old set stays; fixed rules reload"

# SIGTERM: exit 0. Mail that arrives meanwhile is taken on the next start.
serve_stop || fail "dispo serve did not exit 0 on SIGTERM"
grep -q "stopped" serve.log || fail "no stop line"
application $BUDI 3 | sed 1d >app3.eml
submit $RINA $OFFICE app2.eml # the same bytes again, by another route: one request
submit $BUDI $OFFICE app3.eml
wait_for_mail $OFFICE 2 || fail "the mail for the stopped daemon did not arrive"
# An overdue SLA timer: the second request's deadline passed while stopped.
sql $DB "update requests set due_at = strftime('%s','now') - 60 where number = 'SE-2026-000002'"
EV2="select count(*) from events e join requests r on r.id = e.request_id where r.number = 'SE-2026-000002' and e.kind = 'timer:sla'"
events=$(sql $DB "$EV2")
serve_start
wait_sql "select count(*) from requests" 3 || fail "the restart did not catch up"
wait_sql "$EV2" $((events + 1)) || fail "the overdue timer did not fire after the restart"
sleep 1
[ "$(sql $DB "$EV2")" = $((events + 1)) ] || fail "the overdue timer fired more than once"
i=0
until [ "$(mail_count $OFFICE)" = 0 ]; do
	i=$((i + 1)); [ $i -gt 50 ] && fail "the INBOX was not emptied after the restart"
	sleep 0.1
done
ok "SIGTERM exits 0; a restart takes in what arrived meanwhile and fires the overdue timer once"

# Dovecot goes away: one log line, reconnects when it is back, nothing lost.
kill -TERM "$SERVERS_DOVECOT_PID"
while kill -0 "$SERVERS_DOVECOT_PID" 2>/dev/null; do sleep 0.1; done
wait_log "trying again until it answers" 30 || fail "the outage was not logged"
sleep 4 # a few reconnection tries
[ "$(grep -c "trying again until it answers" serve.log)" = 1 ] || fail "more than one log line for one outage"
servers__spawn "$SERVERS_DIR/dovecot.log" dovecot -F -c "$SERVERS_DIR/dovecot/dovecot.conf"
SERVERS_DOVECOT_PID=$servers__pid
SERVERS_PIDS="$SERVERS_PIDS $SERVERS_DOVECOT_PID"
rina_application 4 >app4.eml
submit $RINA $OFFICE app4.eml
wait_log "connected again after" 60 || fail "dispo did not reconnect"
wait_sql "select count(*) from requests" 4 30 || fail "the message sent during the outage was not taken in"
ok "Dovecot stopped: one log line, reconnection with backoff, mail of the outage taken in"

# Dovecot frozen (SIGSTOP) under the idling daemon: the IDLE renewal gets
# no answer, dispo gives up after [imap] timeout, retries, and catches up
# once Dovecot thaws; mail that came meanwhile is taken once.
frozen=$(servers_group_pids "$SERVERS_DOVECOT_PID")
lost=$(grep -c "trying again until it answers" serve.log)
kill -STOP $frozen
application $BUDI 5 | sed 1d >app5.eml
taken=$(sql $DB "select count(*) from messages")
# By sendmail: Postfix's SASL asks the frozen Dovecot too. Postfix queues
# it; its LMTP delivery waits for Dovecot.
servers_sendmail -f $BUDI $OFFICE <app5.eml || fail "sendmail"
wait_log_count() { # TEXT N SECONDS
	i=0
	until [ "$(grep -c -- "$1" serve.log)" -ge "$2" ]; do
		i=$((i + 1)); [ $i -gt $(($3 * 10)) ] && { kill -CONT $frozen; cat serve.log >&2; return 1; }
		sleep 0.1
	done
}
wait_log_count "trying again until it answers" $((lost + 1)) 30 || fail "a frozen Dovecot was not noticed"
kill -CONT $frozen
wait_log_count "connected again after" 2 60 || fail "dispo did not reconnect after Dovecot thawed"
wait_sql "select count(*) from messages" $((taken + 1)) 60 || fail "the message that came while Dovecot was frozen was not taken in"
ok "Dovecot SIGSTOPped: the renewal times out, dispo reconnects once it thaws, and catches up"

# SIGTERM in the middle of a catch-up: exits 0 between two messages; the
# rest are taken at the next start, none twice.
serve_stop || fail "SIGTERM"
before=$(sql $DB "select count(*) from messages")
# 300 questions put straight into the INBOX's Maildir, as LMTP would.
m=$(user_maildir $OFFICE)
n=0
while [ $n -lt 300 ]; do
	n=$((n + 1))
	printf 'From: Budi Santoso <%s>\r\nTo: %s\r\nSubject: Pertanyaan %s\r\nMessage-ID: <tanya-%s@kuduskab.go.id>\r\n\r\nApakah sudah diproses?\r\n' \
		$BUDI $OFFICE $n $n >"$m/new/tanya-$n.eml"
done
chown nobody "$m/new/"tanya-*
: >serve.log
serve_start
wait_log "message uid" || fail "the catch-up did not start"
kill -TERM "$SERVE_PID"
wait "$SERVE_PID" || fail "SIGTERM during a catch-up did not exit 0"
SERVE_PID=""
mid=$(sql $DB "select count(*) from messages")
[ "$mid" -lt $((before + 300)) ] || fail "all 300 were taken before SIGTERM arrived: no catch-up was interrupted"
[ "$mid" -gt "$before" ] || fail "nothing was taken before SIGTERM"
serve_start
wait_sql "select count(*) from messages" $((before + 300)) 60 || fail "the rest of the catch-up was not taken"
[ "$(sql $DB "select count(*) from (select message_id from messages where message_id like 'tanya-%' group by message_id having count(*) > 1)")" = 0 ] ||
	fail "a message was stored twice"
ok "SIGTERM during a catch-up: exit 0 between messages, the rest taken at the next start, none twice"

# A new UIDVALIDITY: the mailbox re-taken, nothing doubled.
serve_stop || fail "SIGTERM"
m=$(user_maildir $OFFICE)
cp "$(find "$m/.Diproses/cur" "$m/.Diproses/new" -type f | head -n 1)" "$m/new/again.eml"
rm -f "$m/dovecot-uidlist" "$m/dovecot.index"*
chown -R nobody "$m"
before=$(sql $DB "select count(*) from messages")
requests=$(sql $DB "select count(*) from requests")
old=$(sql $DB "select uidvalidity from imap_state")
serve_start
i=0
until [ "$(sql $DB "select uidvalidity from imap_state")" != "$old" ]; do
	i=$((i + 1)); [ $i -gt 100 ] && { cat serve.log; fail "the checkpoint did not take the new UIDVALIDITY"; }
	sleep 0.1
done
[ "$(sql $DB "select count(*) from messages")" = "$before" ] || fail "a re-scan stored a message twice"
[ "$(sql $DB "select count(*) from requests")" = "$requests" ] || fail "a re-scan opened a request again"
ok "a new UIDVALIDITY: the mailbox is taken again, recognised by content, nothing doubled"
serve_stop || fail "SIGTERM"

# An untrusted certificate is refused, and said so.
conf "imaps://127.0.0.2:$IMAPS_PORT"
: >serve.log
serve_start
wait_log "trying again until it answers" || fail "the untrusted certificate was not refused"
grep -qi "certificate\|trust" serve.log || fail "the log does not say the certificate is the problem"
[ "$(sql $DB "select value from daemon_status where key = 'imap'")" = disconnected ] || fail "status does not say disconnected"
serve_stop || fail "SIGTERM while disconnected"
ok "a self-signed certificate is refused (not in ca_file), the daemon waits and exits 0 on SIGTERM"

# STARTTLS on imap://.
conf "imap://127.0.0.1:$IMAP_PORT"
: >serve.log
serve_start
wait_log "connected (IDLE)" || fail "imap:// with STARTTLS did not connect"
serve_stop || fail "SIGTERM"
ok "imap:// with STARTTLS"
