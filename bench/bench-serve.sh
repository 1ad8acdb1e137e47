#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# bench-serve.sh: `dispo serve` on the real Dovecot and Postfix, measured in
# one run: (1) latency from an LMTP delivery into the office's mailbox to
# dispo's next email handed to Postfix (250), median and p99 over
# BENCH_SERVE_LATENCY messages, against the 10-minute poll of a ticket
# system's default mail fetcher (Znuny), split into the server's share
# (delivery to IDLE's news) and dispo's (the news to the handoff); (2) the time from Dovecot being
# back after a restart to dispo connected again; (3) the daemon's RSS after
# BENCH_SERVE_SMALL messages and after BENCH_SERVE_MANY (flat: within 10%).
# Needs root for Postfix; says so otherwise.
set -u
: "${DISPO_BUILDDIR:?run through make bench}"
DISPO=$DISPO_BUILDDIR/src/dispo
N_LAT=${BENCH_SERVE_LATENCY:-500}
N_SMALL=${BENCH_SERVE_SMALL:-1000}
N_MANY=${BENCH_SERVE_MANY:-10000}
if [ "$(id -u)" != 0 ]; then
	echo "bench-serve: skipped: Postfix must start as root"
	exit 0
fi
. "$DISPO_SRCDIR/tests/cli/lib.sh"
. "$DISPO_SRCDIR/tests/integration/servers.sh"
. "$DISPO_SRCDIR/bench/lib.sh"
servers_start >/dev/null
OFFICE=sertifikat@kuduskab.go.id
printf 'username = %s\npassword = %s\n' $OFFICE "$(user_password $OFFICE)" >smtp.cred
printf 'password = %s\n' "$(user_password $OFFICE)" >imap.cred
chmod 600 smtp.cred imap.cred
cat >dispo.conf <<CONF
[general]
data_dir = data
[policy]
agency_domains = kuduskab.go.id
require_authentication = false
answers_per_hour = 10000
answers_per_day = 240000
[smtp]
url = smtp://127.0.0.1:$SMTP_PORT
ca_file = $SERVERS_CA
credentials_file = $WORK/smtp.cred
[imap]
url = imaps://127.0.0.1:$IMAPS_PORT
ca_file = $SERVERS_CA
user = $OFFICE
credentials_file = $WORK/imap.cred
processed_folder = Diproses
CONF
"$DISPO" --config dispo.conf employees import "$DISPO_SRCDIR/rules/register-contoh.csv" >/dev/null

# Every line dispo logs, stamped with the time it arrived.
stamp() { perl -MTime::HiRes=time -ne '$| = 1; printf "%.6f %s", time, $_'; }
SERVE_PID=""
serve_start() {
	(DISPO_DEBUG=1 "$DISPO" --config dispo.conf serve 2>&1 & echo $! >serve.pid; wait) | stamp >>serve.log &
	while [ ! -s serve.pid ]; do sleep 0.01; done
	SERVE_PID=$(cat serve.pid)
	until grep -q "connected (IDLE)" serve.log 2>/dev/null; do sleep 0.05; done
}
cleanup() {
	[ -n "$SERVE_PID" ] && kill -9 "$SERVE_PID" 2>/dev/null
	[ -n "${KEEP:-}" ] || rm -rf "$WORK"
}

# lmtp KIND COUNT [WAIT]: delivers COUNT messages straight into the office's
# INBOX over Dovecot's LMTP socket, one connection. With WAIT, waits after
# each for dispo's next "outbox: N sent" log line and prints the seconds
# from the 250 to it, to the server's IDLE news (dispo's debug line), and
# from the news to it.
lmtp() {
	perl -MIO::Socket::UNIX -MTime::HiRes=time,sleep -e '
		my ($sock, $kind, $n, $wait, $log, $rcpt) = @ARGV;
		my $s = IO::Socket::UNIX->new(Peer => $sock) or die "lmtp: $!";
		sub rd { my $l = <$s>; $l = <$s> while $l =~ /^\d\d\d-/; die "lmtp: $l" unless $l =~ /^[23]/; $l }
		rd(); print $s "LHLO bench\r\n"; rd();
		my $seen = 0;
		if ($wait) { open(my $f, "<", $log) or die; $seen++ while <$f>; close $f }
		for my $i (1 .. $n) {
			my $id = "bench-$kind-$i-" . int(time * 1e6);
			my $body = $kind eq "app"
			    ? "Nama: Pemohon $i\r\nNIP: 198503122010011004\r\nNIK: 3319011203850001\r\n"
			    : "Apakah permohonan saya sudah diproses?\r\n";
			my $from = $kind eq "app" ? "budi.santoso\@kuduskab.go.id" : "warga$i\@example.com";
			print $s "MAIL FROM:<$from>\r\n"; rd();
			print $s "RCPT TO:<$rcpt>\r\n"; rd();
			print $s "DATA\r\n"; rd();
			print $s "From: <$from>\r\nTo: <$rcpt>\r\nSubject: Permohonan $i\r\nMessage-ID: <$id\@bench>\r\n\r\n$body.\r\n";
			rd();
			my $t0 = time;
			if ($wait) {
				my ($ta, $t1);
				for (my $k = 0; $k < 10000 && !defined $t1; $k++) {
					open(my $f, "<", $log) or die;
					my $j = 0;
					while (my $l = <$f>) {
						next if $j++ < $seen;
						my ($t) = $l =~ /^(\S+) /;
						next unless defined $t && $t >= $t0;
						$seen = $j;
						$ta = $t if !defined $ta && $l =~ /the server reports a change/;
						$t1 = $t if !defined $t1 && $l =~ /outbox: [1-9]\d* sent/;
					}
					close $f;
					sleep 0.001 unless defined $t1;
				}
				die "no email after message $i\n" unless defined $t1;
				$ta = $t1 unless defined $ta && $ta <= $t1;
				printf "%.6f %.6f %.6f\n", $t1 - $t0, $ta - $t0, $t1 - $ta;
			}
		}
		print $s "QUIT\r\n";
	' "$SERVERS_DIR/dovecot/run/lmtp" "$@" serve.log $OFFICE
}

serve_start
# (1) latency
lmtp app "$N_LAT" wait >latency.txt || { tail serve.log; exit 1; }
# pct COLUMN: median and p99 of one column, in ms.
pct() {
	cut -d' ' -f"$1" latency.txt | sort -n | awk '{ v[NR] = $1 } END {
		printf "%.1f %.1f\n", v[int((NR + 1) / 2)] * 1000, v[int(NR * 0.99 + 0.999)] * 1000 }'
}
set -- $(pct 1) $(pct 2) $(pct 3)
n=$(wc -l <latency.txt)
echo "delivery to next email handed to SMTP, $n messages: median $1 ms, p99 $2 ms"
echo "  of which the server, delivery to IDLE's news: median $3 ms, p99 $4 ms"
echo "    (Dovecot holds IDLE notices for a fixed 500 ms, NOTIFY_DELAY_MSECS)"
echo "  of which dispo, IDLE's news to SMTP handoff: median $5 ms, p99 $6 ms"
figure serve_latency_median "$1" ms "$(ratio 300000 "$1")" "-"
echo "  (ratio: how many times sooner than a 10-minute poll's average wait, Znuny's default)"
figure serve_latency_p99 "$2" ms "-" "value<250"
figure serve_latency_p99_server "$4" ms "-" "-"
figure serve_latency_p99_dispo "$6" ms "-" "value<250"

# (2) reconnect after a Dovecot restart
kill -TERM "$SERVERS_DOVECOT_PID"
while kill -0 "$SERVERS_DOVECOT_PID" 2>/dev/null; do sleep 0.05; done
until grep -q "trying again until it answers" serve.log; do sleep 0.05; done
servers__spawn "$SERVERS_DIR/dovecot.log" dovecot -F -c "$SERVERS_DIR/dovecot/dovecot.conf"
SERVERS_DOVECOT_PID=$servers__pid
SERVERS_PIDS="$SERVERS_PIDS $SERVERS_DOVECOT_PID"
until servers_listening "$IMAPS_PORT"; do sleep 0.01; done
back=$(perl -MTime::HiRes=time -e 'printf "%.6f", time')
until grep -q "connected again after" serve.log; do sleep 0.01; done
again=$(grep "connected again after" serve.log | head -n 1 | cut -d' ' -f1)
echo "reconnect: after a Dovecot restart (backoff 1, 2, 4 s … with jitter)"
figure serve_reconnect "$(elapsed "$back" "$again")" s "-" "-"

# (3) memory: RSS after N_SMALL and after N_MANY small messages
rss() { awk '/^VmRSS/ { print $2 }' /proc/$SERVE_PID/status; }
taken() { sqlite3 data/dispo.db "select count(*) from messages" 2>/dev/null; }
base=$(taken)
lmtp q "$N_SMALL" "" >/dev/null
until [ "$(taken)" -ge $((base + N_SMALL)) ]; do sleep 0.1; done
small=$(rss)
lmtp q $((N_MANY - N_SMALL)) "" >/dev/null
until [ "$(taken)" -ge $((base + N_MANY)) ]; do sleep 0.2; done
many=$(rss)
echo "memory: the RSS of dispo serve after $N_MANY messages, against after $N_SMALL"
figure serve_rss_after_${N_MANY} "$many" KB "$(ratio "$many" "$small")" "ratio<=1.1"
kill -TERM "$SERVE_PID"
# Not a bare wait: the Dovecot restarted above is this shell's child too.
while kill -0 "$SERVE_PID" 2>/dev/null; do sleep 0.05; done
SERVE_PID=""
