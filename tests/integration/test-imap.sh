#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# test-imap.sh: the IMAP paths test-serve.sh's Dovecot does not take: a
# server without IDLE and MOVE (imap_capability hides them, as an old
# Exchange or a hosted box may): dispo polls every poll_interval and files
# with COPY, \Deleted and UID EXPUNGE; a self-signed certificate accepted
# because [imap] ca_file names it, and because verify_certificate = false
# says so; a credentials file others may read refused at start (exit 78);
# a wrong password one outage line, not a crash.
. "$(dirname "$0")/../cli/lib.sh"
. "$DISPO_SRCDIR/tests/integration/servers.sh"
OFFICE=sertifikat@kuduskab.go.id
servers_dovecot_hook() {
	printf 'protocol imap {\n  imap_capability = IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE LITERAL+ UIDPLUS\n}\n' >>"$1"
}
servers_start
printf 'password = %s\n' "$(user_password $OFFICE)" >imap.cred
chmod 600 imap.cred
conf() { # IMAP-URL [extra [imap] lines]
	cat >dispo.conf <<CONF
[general]
data_dir = data
[policy]
agency_domains = kuduskab.go.id
require_authentication = false
[imap]
url = $1
user = $OFFICE
credentials_file = $WORK/imap.cred
processed_folder = Diproses
poll_interval = 1s
timeout = 5s
${2:-}
CONF
}
SERVE_PID=""
serve_start() { "$DISPO" --config dispo.conf serve 2>>serve.log & SERVE_PID=$!; }
serve_stop() { kill -TERM "$SERVE_PID"; wait "$SERVE_PID"; rc=$?; SERVE_PID=""; return $rc; }
cleanup() { [ -n "$SERVE_PID" ] && kill -9 "$SERVE_PID" 2>/dev/null; [ -n "${KEEP:-}" ] || rm -rf "$WORK"; }
wait_log() {
	i=0
	until grep -qF -- "$1" serve.log 2>/dev/null; do
		i=$((i + 1)); [ $i -gt 200 ] && { cat serve.log >&2; return 1; }
		sleep 0.1
	done
}
# lmtp FILE: straight into the office's INBOX over Dovecot's LMTP socket.
lmtp() {
	perl -MIO::Socket::UNIX -e '
		my $s = IO::Socket::UNIX->new(Peer => $ARGV[0]) or die "lmtp: $!";
		sub rd { my $l = <$s>; $l = <$s> while $l =~ /^\d\d\d-/; die "lmtp: $l" unless $l =~ /^[23]/ }
		rd(); print $s "LHLO test\r\n"; rd();
		print $s "MAIL FROM:<budi.santoso\@kuduskab.go.id>\r\n"; rd();
		print $s "RCPT TO:<$ARGV[2]>\r\n"; rd();
		print $s "DATA\r\n"; rd();
		open(my $f, "<", $ARGV[1]) or die; local $/; my $m = <$f>;
		$m =~ s/^\./../mg; print $s $m, "\r\n.\r\n"; rd();
		print $s "QUIT\r\n";' "$SERVERS_DIR/dovecot/run/lmtp" "$1" $OFFICE
}

# 1. No IDLE, no MOVE: polled, filed by COPY + UID EXPUNGE.
conf "imaps://127.0.0.1:$IMAPS_PORT" "ca_file = $SERVERS_CA"
"$DISPO" --config dispo.conf employees import "$DISPO_SRCDIR/rules/register-contoh.csv" >/dev/null
serve_start
wait_log "connected (no IDLE: polling)" || fail "no polling without IDLE"
application budi.santoso@kuduskab.go.id 1 >app.eml
lmtp app.eml
i=0
until [ "$(mail_count $OFFICE Diproses)" = 1 ] && [ "$(mail_count $OFFICE)" = 0 ]; do
	i=$((i + 1)); [ $i -gt 100 ] && { cat serve.log >&2; fail "the message was not filed by COPY + EXPUNGE within 10 s"; }
	sleep 0.1
done
[ "$(sql data/dispo.db "select count(*) from requests")" = 1 ] || fail "no request from the polled message"
serve_stop || fail "SIGTERM: exit $rc"
ok "without IDLE and MOVE: polled every second, filed by COPY and UID EXPUNGE"

# 2. A self-signed certificate: refused by default (test-serve.sh), taken
# when ca_file names it, or when verify_certificate = false says so.
conf "imaps://127.0.0.2:$IMAPS_PORT" "ca_file = $SERVERS_DIR/tls/untrusted.pem"
: >serve.log
serve_start
wait_log "connected (no IDLE: polling)" || fail "ca_file naming the self-signed certificate was not enough"
serve_stop || fail "exit $rc"
conf "imaps://127.0.0.2:$IMAPS_PORT" "verify_certificate = false"
: >serve.log
serve_start
wait_log "connected (no IDLE: polling)" || fail "verify_certificate = false did not connect"
serve_stop || fail "exit $rc"
ok "a self-signed certificate: taken with ca_file naming it, or verify_certificate = false"

# 3. Credentials others may read: refused at start, before any connection.
chmod 644 imap.cred
conf "imaps://127.0.0.1:$IMAPS_PORT" "ca_file = $SERVERS_CA"
"$DISPO" --config dispo.conf serve 2>cred.err
[ $? = 78 ] || { cat cred.err >&2; fail "a 0644 credentials file: not exit 78"; }
grep -q "imap.cred" cred.err || { cat cred.err >&2; fail "the refusal does not name the file"; }
chmod 600 imap.cred
ok "a credentials file others may read: exit 78, named"

# 4. A wrong password: one outage line, retried, the daemon lives.
printf 'password = wrong\n' >imap.cred
: >serve.log
serve_start
wait_log "trying again until it answers" || fail "a wrong password was not said"
sleep 2
kill -0 "$SERVE_PID" || fail "the daemon died of a wrong password"
[ "$(grep -c "trying again until it answers" serve.log)" = 1 ] || { cat serve.log >&2; fail "more than one outage line"; }
serve_stop || fail "exit $rc"
ok "a wrong password: one line, retried, SIGTERM exits 0"
