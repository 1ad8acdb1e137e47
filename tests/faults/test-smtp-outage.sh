#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# test-smtp-outage.sh: `dispo serve` takes mail in over IMAP while its mail
# server is away: Postfix stopped, an smtp-sink that answers 421 instead of
# its greeting, 451 to MAIL FROM or 450 after the data, one that accepts
# the connection and never says a word (one timeout per run, not one per
# email), and one that goes away after four emails. Meanwhile every
# message is taken in and every email stays pending (none failed for
# good); once the server is back, the daemon's own retry (a minute or so
# later, no nudge) sends each email exactly once (the one that went away
# may have kept an email it never confirmed: that one comes twice, with
# the same Message-ID). The six daemons run at once, each with its own
# office mailbox and store, so that the retries' minute passes once.
# Root only (the servers).
. "$(dirname "$0")/../cli/lib.sh"
. "$DISPO_SRCDIR/tests/integration/servers.sh"
. "$DISPO_SRCDIR/tests/faults/faults-lib.sh"
. "$DISPO_SRCDIR/tests/faults/daemons-lib.sh"
servers_start
faults_seed
faults_scratch
PIDS=""
cleanup() {
	for p in $PIDS; do serve_kill "$p"; done
	faults_cleanup
	[ -n "${KEEP:-}" ] || rm -rf "$WORK"
}

mkdir -p in
faults_inputs in
faults_hashes in >inputs.sha
set -- in/*
MESSAGES=$#
# The reference: dispo deliver of the same mail, nothing in the way (the
# kill trials show serve decides the same).
mkdir -p "$FAULTS_TMP/cli/data"
printf '[general]\ndata_dir = data\nadmin_address = admin@dinkes.kuduskab.go.id\n[policy]\nrequire_authentication = false\n' >"$FAULTS_TMP/cli/dispo.conf"
"$DISPO" --config "$FAULTS_TMP/cli/dispo.conf" employees import "$DISPO_SRCDIR/rules/register-contoh.csv" >/dev/null
for f in in/*; do "$DISPO" --config "$FAULTS_TMP/cli/dispo.conf" deliver <"$f" >/dev/null || fail "deliver $f"; done
faults_dump "$FAULTS_TMP/cli/data/dispo.db" >reference.dump
EMAILS=$(grep -c '^O|' reference.dump)

# outage NAME OFFICE SMTP-URL: a daemon for that outage (started later)
outage() {
	serve_dir "$1" "$2" "$3"
	office_fill "$2" in
	eval "OFFICE_$1=$2"
	NAMES="$NAMES $1"
}
start_all() {
	for n in $NAMES; do
		serve_start "$FAULTS_TMP/$n"
		eval "PID_$n=$SERVE_PID"
		PIDS="$PIDS $SERVE_PID"
	done
}
# down NAME ERROR: while the server is away, all taken in, all pending
# (each tried at least once), none failed, and the error says why
pending_all() {
	[ "$(sql "$FAULTS_TMP/$1/data/dispo.db" "select count(*) from messages") $(mail_count "$2")" = "$MESSAGES 0" ] &&
		[ "$(sql "$FAULTS_TMP/$1/data/dispo.db" "select count(*) from outbox where state = 'pending' and attempts > 0")" = "$EMAILS" ]
}
down() {
	eval "o=\$OFFICE_$1"
	wait_until "${3:-30}" pending_all "$1" "$o" || {
		sql "$FAULTS_TMP/$1/data/dispo.db" "select id, state, attempts, last_error from outbox" >&2
		tail -n 5 "$FAULTS_TMP/$1/serve.log" >&2
		fail "$1: while the server is away, every message should be taken in and every email pending"
	}
	db="$FAULTS_TMP/$1/data/dispo.db"
	[ "$(sql "$db" "select count(*) from outbox where state != 'pending'")" = 0 ] || fail "$1: an email is not pending"
	bad=$(sql "$db" "select last_error from outbox where last_error not like '%$2%' limit 1")
	[ -z "$bad" ] || fail "$1: an email's error is '$bad', want '$2'"
	ok "$1: $MESSAGES messages taken in, $EMAILS emails pending ($2)"
}
# back NAME: waits for the daemon's retry to send everything, SIGTERM
back() {
	eval "o=\$OFFICE_$1 p=\$PID_$1"
	t=$(date +%s)
	wait_until 180 serve_done "$FAULTS_TMP/$1/data/dispo.db" "$o" "$MESSAGES" || {
		sql "$FAULTS_TMP/$1/data/dispo.db" "select id, state, attempts, next_attempt_at - strftime('%s','now'), last_error from outbox where state != 'sent'" >&2
		fail "$1: the emails were not all sent once the server was back"
	}
	serve_stop "$p" || fail "$1: dispo serve did not exit 0 on SIGTERM"
	PIDS=$(echo " $PIDS " | sed "s/ $p / /")
	echo "$1: all sent $(($(date +%s) - t)) s after the server came back"
}
# check NAME ARRIVALS: the store as the reference's, each email arrived once
check() {
	FAULTS_CONF="$FAULTS_TMP/$1/dispo.conf"
	faults_check "$1" "$FAULTS_TMP/$1/data/dispo.db" "$FAULTS_TMP/$1/data" reference.dump inputs.sha
	sql "$FAULTS_TMP/$1/data/dispo.db" "select message_id from outbox" >"$1.sent"
	set -- "$1" $(awk 'NR == FNR { got[$1]++; next }
		{ n = got[$1] + 0; if (n == 0) lost++; else if (n > 1) dup += n - 1; seen[$1] = 1 }
		END { for (m in got) if (!(m in seen)) dup += got[m]; print lost + 0, dup + 0 }' "$2" "$1.sent")
	if [ "$2$3" != 00 ]; then
		echo "$1: emails: $2 never arrived, $3 arrived more than once" >&2
		FAULTS_LOST=$((FAULTS_LOST + $2)) FAULTS_DUPLICATED=$((FAULTS_DUPLICATED + $3))
		FAULTS_FAILED="${FAULTS_FAILED:-} $1"
	fi
}

# Every outage at once, each with its daemon: the retries' minute passes
# once. The sinks' daemons send to the sink (it keeps what it accepts).
NAMES=""
postfix_stop
outage postfix_stopped $OFFICE ""
set -- $SPARE_OFFICES
for m in tempfail-connect:421 tempfail-mail:451 tempfail-data:450 hang-greeting:hang accept-4:gone; do
	s=${m#*:}
	port=$(servers__free_ports 1)
	sink_spawn "${m%%:*}" "$port" "$FAULTS_TMP/sink-$s"
	eval "SINKPID_$s=$SINK_SPAWNED PORT_$s=$port"
	outage "sink_$s" "$1" "smtp://127.0.0.1:$port"
	shift
done
start_all
down postfix_stopped "cannot connect to the mail server"
down sink_421 "421"
down sink_451 "451 4.3.0 Try again later"
down sink_450 "450"
# One timeout ([smtp] timeout, 3 s) for the run, not one per email: the
# rest are deferred without asking a server that just did not answer.
t0=$(date +%s)
down sink_hang "the server did not answer in time" 30
tries=$(grep -c "outbox: 0 sent, $EMAILS deferred" "$FAULTS_TMP/sink_hang/serve.log")
[ "$tries" -ge 1 ] || fail "sink_hang: the silent server was asked for each email, not once per run"
# The sink that went away took four (it may have kept the fourth without
# saying 250: dispo cannot know, and sends it again); the rest wait.
GONE_DB="$FAULTS_TMP/sink_gone/data/dispo.db"
gone_pending() {
	! kill -0 "$SINKPID_gone" 2>/dev/null &&
		[ "$(sql "$GONE_DB" "select count(*) from outbox where state = 'sent' or (state = 'pending' and attempts > 0)")" = "$EMAILS" ]
}
wait_until 30 gone_pending || {
	sql "$GONE_DB" "select id, state, attempts, last_error from outbox" >&2
	fail "sink_gone: after the server went, each email should be sent or pending"
}
sent=$(sql "$GONE_DB" "select count(*) from outbox where state = 'sent'")
[ "$sent" -ge 3 ] && [ "$sent" -le 4 ] || fail "sink_gone: $sent emails sent before the server went, want 3 or 4"
sql "$GONE_DB" "select message_id from outbox where state = 'sent'" >gone-sent.before
ok "sink_gone: the server went away after 4 emails ($sent confirmed); $((EMAILS - sent)) pending ($(sql "$GONE_DB" "select last_error from outbox where state = 'pending' limit 1"))"

# Back: Postfix on its ports, each sink replaced by one that accepts.
postfix_start
for s in 421 451 450 hang gone; do
	eval "p=\$SINKPID_$s port=\$PORT_$s"
	[ -n "$p" ] && sink_kill "$p"
	# the gone one's four stay where it kept them
	[ $s = gone ] && mv "$FAULTS_TMP/sink-gone" "$FAULTS_TMP/sink-gone-first"
	sink_spawn accept "$port" "$FAULTS_TMP/sink-$s"
done
for n in $NAMES; do back "$n"; done
queue_wait_empty 60 || fail "Postfix did not deliver everything"
: >postfix.arrived
arrivals postfix.arrived
check postfix_stopped postfix.arrived
for s in 421 451 450 hang; do
	: >"sink-$s.arrived"
	sink_arrivals "$FAULTS_TMP/sink-$s" "sink-$s.arrived"
	check "sink_$s" "sink-$s.arrived"
done
# What the gone sink kept but never confirmed came again: once more at most.
: >gone-first.arrived
sink_arrivals "$FAULTS_TMP/sink-gone-first" gone-first.arrived
unconfirmed=$(grep -cvxFf gone-sent.before gone-first.arrived)
[ "$unconfirmed" -le 1 ] || fail "sink_gone: $unconfirmed emails kept by the server without a 250"
: >sink-gone.arrived
sink_arrivals "$FAULTS_TMP/sink-gone" sink-gone.arrived
grep -vxFf gone-sent.before gone-first.arrived | while read -r m; do
	grep -qxF "$m" sink-gone.arrived || fail "sink_gone: $m, unconfirmed, was not sent again"
done
# counted once; the copy the server kept unconfirmed is the allowed resend
grep -vxFf gone-sent.before gone-first.arrived >gone-resent
FAULTS_RESENT=$((FAULTS_RESENT + $(wc -l <gone-resent)))
grep -xFf gone-sent.before gone-first.arrived >>sink-gone.arrived
check sink_gone sink-gone.arrived
faults_summary "SMTP outage (Postfix stopped, 421, 451, 450, a silent server, one gone midway)"
