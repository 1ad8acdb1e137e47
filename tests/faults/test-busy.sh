#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# test-busy.sh: another process holds the store's write lock (BEGIN
# IMMEDIATE, as a second writer or an administrator's sqlite3 would) for
# 3, 10, 12 and 15 seconds, with the default [store] busy_timeout of 10 s.
# `dispo deliver` waits: it stores the message once the lock is gone, or,
# when the lock outlasts the timeout, exits 75 so that the MTA tries again
# (the design's answer: the mail server is the queue). `dispo serve` waits
# too, and when the lock outlasts the timeout leaves the message on the
# IMAP server for its next try; an email the mail server has accepted
# while the lock is held is recorded as sent once the lock goes, never
# sent a second time. Root only (the servers).
. "$(dirname "$0")/../cli/lib.sh"
. "$DISPO_SRCDIR/tests/integration/servers.sh"
. "$DISPO_SRCDIR/tests/faults/faults-lib.sh"
. "$DISPO_SRCDIR/tests/faults/daemons-lib.sh"
servers_start
faults_seed
faults_scratch
LOCKER=""
cleanup() {
	[ -n "$LOCKER" ] && kill "$LOCKER" 2>/dev/null
	serve_kill "${SERVE_PID:-}"
	faults_cleanup
	[ -n "${KEEP:-}" ] || rm -rf "$WORK"
}

NOW=2026-11-23T09:00:00+07:00
mkdir -p in
faults_inputs in
faults_hashes in >inputs.sha
set -- in/*
MESSAGES=$#
conf() {
	printf '[general]\ndata_dir = data\nadmin_address = admin@dinkes.kuduskab.go.id\n[policy]\nrequire_authentication = false\n' >"$1/dispo.conf"
}
mkdir -p "$FAULTS_TMP/reference"
conf "$FAULTS_TMP/reference"
R() { "$DISPO" --config "$FAULTS_TMP/reference/dispo.conf" --now "$NOW" "$@"; }
R employees import "$DISPO_SRCDIR/rules/register-contoh.csv" >/dev/null || fail "employees import"
for f in in/*; do R deliver <"$f" >/dev/null || fail "reference deliver $f"; done
faults_dump "$FAULTS_TMP/reference/data/dispo.db" >reference.dump

# lock DB SECONDS: the write lock taken (returns once it is held) and let go
# after SECONDS; LOCKER is the holder
lock() {
	{
		# waits out the probe below, which may hold the lock for an instant
		echo '.timeout 5000'
		echo 'BEGIN IMMEDIATE;'
		echo "UPDATE daemon_status SET at = at WHERE 0;"
		sleep "$2"
		echo 'COMMIT;'
	} | sqlite3 "$1" >/dev/null &
	LOCKER=$!
	i=0
	while sqlite3 "$1" 'PRAGMA busy_timeout = 0; BEGIN IMMEDIATE; ROLLBACK;' >/dev/null 2>&1; do
		i=$((i + 1))
		[ $i -gt 100 ] && fail "the store could not be locked"
		sleep 0.02
	done
}
unlocked() { wait "$LOCKER"; LOCKER=""; }
ms() { echo $(($(date +%s%N) / 1000000)); }

# deliver: the messages one by one as an MTA does; three of them meet a lock
T="$FAULTS_TMP/deliver"
mkdir -p "$T"
conf "$T"
FAULTS_CONF="$T/dispo.conf"
D() { "$DISPO" --config "$T/dispo.conf" --now "$NOW" "$@"; }
D employees import "$DISPO_SRCDIR/rules/register-contoh.csv" >/dev/null || fail "employees import"
j=0
for f in in/*; do
	j=$((j + 1))
	case $j in 1) hold=3 ;; 5) hold=10 ;; 8) hold=12 ;; *) hold=0 ;; esac
	[ $hold = 0 ] && { D deliver <"$f" >/dev/null 2>&1 || fail "deliver $f"; continue; }
	lock "$T/data/dispo.db" $hold
	t0=$(ms)
	D deliver <"$f" >out 2>err
	rc=$? took=$(($(ms) - t0))
	unlocked
	case $hold:$rc in
	3:0 | 10:0 | 10:75) ;;
	12:75) grep -q "the mail server will try again" err || fail "75 without the reason: $(cat err)" ;;
	*) cat err >&2; fail "deliver with the store locked ${hold} s exited $rc" ;;
	esac
	if [ $rc = 75 ]; then
		[ $took -ge 9500 ] || fail "deliver gave up after $took ms, before busy_timeout (10 s)"
		D deliver <"$f" >/dev/null 2>err || { cat err >&2; fail "the MTA's retry of $f failed"; }
	fi
	echo "deliver, store locked ${hold} s: exit $rc after $took ms$([ $rc = 75 ] && echo ", stored by the MTA's retry")"
done
"$DISPO" --config "$T/dispo.conf" --now "$(date -d '+20 minutes' +%Y-%m-%dT%H:%M:%S%z)" outbox flush >/dev/null 2>&1 ||
	fail "outbox flush"
faults_check "deliver with the store locked 3, 10 and 12 s" "$T/data/dispo.db" "$T/data" reference.dump inputs.sha "$T/data/outbox"

# serve, taking mail in: the lock held 12 s while the messages arrive.
serve_dir serve-intake $OFFICE
serve_start "$T"
wait_until 20 grep -qs "connected (IDLE)" "$T/serve.log" || fail "serve did not connect"
lock "$DB" 12
office_fill $OFFICE in
sleep 11
left=$(mail_count $OFFICE)
[ "$left" -gt 0 ] || fail "serve: the INBOX was emptied while the store was locked"
unlocked
wait_until 120 serve_done "$DB" $OFFICE "$MESSAGES" || { tail -n 20 "$T/serve.log" >&2; fail "serve: not all taken once the lock went"; }
serve_stop "$SERVE_PID" || fail "serve: SIGTERM"
SERVE_PID=""
grep -q "not taken yet, will try again" "$T/serve.log" || fail "serve: the lock did not defer a message (no log line)"
ok "serve: the store locked 12 s; $left messages waited on the server, all taken once it was free"
queue_wait_empty 60
: >intake.arrived
arrivals intake.arrived
faults_check "serve, intake with the store locked 12 s" "$DB" "$T/data" reference.dump inputs.sha
sql "$DB" "select message_id from outbox" >intake.sent
sort intake.arrived | uniq -c | awk '$1 > 1' >intake.twice
sort intake.arrived | uniq | comm -23 - "$(sort intake.sent >intake.sent.s && echo intake.sent.s)" >intake.unknown
[ -s intake.twice ] && { cat intake.twice >&2; faults_more "serve intake emails" 0 "$(wc -l <intake.twice)" 0; }
[ "$(sort -u intake.arrived | wc -l)" = "$(wc -l <intake.sent)" ] ||
	faults_more "serve intake emails" "$(($(wc -l <intake.sent) - $(sort -u intake.arrived | wc -l)))" 0 0

# serve, sending: the mail server takes 3 s to answer each email's final
# dot; the lock is taken while the first waits for its answer, and held
# 15 s: the 250 comes while dispo cannot record it, and busy_timeout
# (10 s) runs out before the lock goes.
port=$(servers__free_ports 1)
sink_spawn slow-data "$port" "$FAULTS_TMP/sink-slow"
serve_dir serve-send $OFFICE "smtp://127.0.0.1:$port" "[smtp]
timeout = 10s"
office_fill $OFFICE in
serve_start "$T"
sending() { [ "$(sql "$DB" "select count(*) from outbox where state = 'sending'" 2>/dev/null)" = 1 ]; }
wait_until 60 sending || { tail -n 20 "$T/serve.log" >&2; fail "serve-send: no email was being sent"; }
lock "$DB" 15
unlocked
# Everything sent, every email recorded: by the daemon's own next run.
wait_until 120 serve_done "$DB" $OFFICE "$MESSAGES" ||
	{ tail -n 20 "$T/serve.log" >&2; sql "$DB" "select id, state, attempts, last_error from outbox" >&2; fail "serve-send: not all sent and recorded"; }
serve_stop "$SERVE_PID" || fail "serve-send: SIGTERM"
SERVE_PID=""
faults_check "serve, sending with the store locked 15 s" "$DB" "$T/data" reference.dump inputs.sha
: >send.arrived
sink_arrivals "$FAULTS_TMP/sink-slow" send.arrived
sql "$DB" "select message_id from outbox" >send.sent
twice=$(sort send.arrived | uniq -d | wc -l)
missing=$(sort -u send.arrived | comm -13 - "$(sort send.sent >send.sent.s && echo send.sent.s)" | wc -l)
faults_more "serve sending emails" "$missing" "$twice" 0
ok "serve-send: the store locked 15 s while the mail server answered; each email arrived $([ "$twice" = 0 ] && echo once || echo "twice: $twice")"
faults_summary "SQLite busy (the write lock held 3 to 15 s; busy_timeout 10 s)"
