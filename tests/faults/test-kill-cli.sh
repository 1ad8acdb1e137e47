#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# test-kill-cli.sh: kill -9 at random moments of `dispo deliver` (as an MTA
# runs it: a message whose delivery dies is delivered again) and of `dispo
# import` from a Maildir, while they take mail in and while they deliver
# their emails to the Maildir outbox; then the cut-off emails' lease runs
# out and `dispo outbox flush` (itself killed at times) sends the rest.
# Each trial's store must equal the store of a run without kills: every
# message once, every request in the state its decisions imply, every
# email sent once; audit chains and SQLite intact. No root needed: this is
# the family make check runs (FAULTS_TRIALS, default 20; make check-faults
# runs more).
. "$(dirname "$0")/../cli/lib.sh"
. "$DISPO_SRCDIR/tests/faults/faults-lib.sh"
TRIALS=${FAULTS_TRIALS:-20}
faults_seed
faults_scratch
cleanup() {
	[ -n "${PID:-}" ] && kill -9 "$PID" 2>/dev/null
	faults_cleanup
	[ -n "${KEEP:-}" ] || rm -rf "$WORK"
}

NOW=2026-11-23T09:00:00+07:00
# A cut-off email is taken again once its 15-minute lease has run out.
LATER=2026-11-23T09:20:00+07:00
mkdir -p in/cur in/tmp
faults_inputs in/new
faults_hashes in/new >inputs.sha
set -- in/new/*
MESSAGES=$#

# The store every trial starts from: the register imported.
mkdir -p "$FAULTS_TMP/template"
cat >"$FAULTS_TMP/template/dispo.conf" <<CONF
[general]
data_dir = data
admin_address = admin@dinkes.kuduskab.go.id
[policy]
require_authentication = false
CONF
"$DISPO" --config "$FAULTS_TMP/template/dispo.conf" --now "$NOW" employees import \
	"$DISPO_SRCDIR/rules/register-contoh.csv" >/dev/null || fail "employees import"

# trial_dir NAME: a fresh copy of the template; sets T, FAULTS_CONF
trial_dir() {
	T="$FAULTS_TMP/$1"
	rm -rf "$T"
	cp -a "$FAULTS_TMP/template" "$T"
	FAULTS_CONF="$T/dispo.conf"
}
D() { "$DISPO" --config "$FAULTS_CONF" --now "$NOW" "$@"; }
ms() { echo $(($(date +%s%N) / 1000000)); }

# run_killed DELAY-MS INPUT CMD...: CMD (reading INPUT) in the background,
# killed with SIGKILL after DELAY-MS unless it has finished; its exit
# status in RC.
run_killed() {
	delay=$1 input=$2
	shift 2
	"$@" >>"$T/log" 2>&1 <"$input" &
	PID=$!
	sleep "$(printf '%d.%03d' $((delay / 1000)) $((delay % 1000)))"
	kill -9 "$PID" 2>/dev/null
	wait "$PID" 2>/dev/null
	RC=$?
	PID=""
	[ $RC = 137 ] && KILLS=$((KILLS + 1))
}
# deliver_as_mta FILE KILLS: dispo deliver of FILE, killed at a random
# moment KILLS times, then again until it exits 0, as the MTA retries.
deliver_as_mta() {
	k=$2
	while [ "$k" -gt 0 ]; do
		faults_rand "$DELIVER_MAX"
		run_killed "$FAULTS_R" "$1" D deliver
		k=$((k - 1))
	done
	tries=0
	until D deliver <"$1" >>"$T/log" 2>&1; do
		tries=$((tries + 1))
		[ $tries -lt 3 ] || fail "$1: dispo deliver keeps failing: $(tail -n 3 "$T/log")"
	done
}
# flush_later KILLS: the outbox flushed after the lease, killed KILLS times
# first. CUT counts the emails whose sending a kill cut off.
flush_later() {
	k=$1
	CUT=$((CUT + $(sql "$T/data/dispo.db" "select count(*) from outbox where state = 'sending'")))
	while [ "$k" -gt 0 ]; do
		faults_rand "$FLUSH_MAX"
		run_killed "$FAULTS_R" /dev/null "$DISPO" --config "$FAULTS_CONF" --now "$LATER" outbox flush
		k=$((k - 1))
	done
	"$DISPO" --config "$FAULTS_CONF" --now "$LATER" outbox flush >>"$T/log" 2>&1 || fail "outbox flush: $(tail -n 3 "$T/log")"
}

# The reference: the same mail, nothing killed. Its durations bound the
# random delays, so that kills land anywhere in the work.
trial_dir reference
t0=$(ms)
for f in in/new/*; do D deliver <"$f" >>"$T/log" 2>&1 || fail "reference deliver $f: $(tail -n 3 "$T/log")"; done
t1=$(ms)
"$DISPO" --config "$FAULTS_CONF" --now "$LATER" outbox flush >>"$T/log" 2>&1 || fail "reference flush"
t2=$(ms)
faults_dump "$T/data/dispo.db" >reference.dump
[ "$(grep -c '^R|' reference.dump)" = 4 ] && [ "$(grep -c '^O|.*|sent$' reference.dump)" = 12 ] ||
	{ cat reference.dump >&2; fail "the reference run did not open 4 requests and send 12 emails"; }
faults_check reference "$T/data/dispo.db" "$T/data" reference.dump inputs.sha "$T/data/outbox"
# The reference must pass its own check, or the check proves nothing.
[ "$faults_lost$faults_duplicated$faults_corrupted" = 000 ] || fail "the reference run fails its own check"
FAULTS_TRIALS_RUN=0

# The check itself must see each kind of damage: a copy of the reference
# with an email unsent, one gone from the Maildir, an extra outbox row, a
# raw message whose bytes changed, and a message row missing.
damaged() { # WHAT SQL [SHELL]: faults_check must count WHAT
	rm -rf "$FAULTS_TMP/damaged"
	cp -a "$T" "$FAULTS_TMP/damaged"
	[ -n "$2" ] && sql "$FAULTS_TMP/damaged/data/dispo.db" "PRAGMA foreign_keys = OFF; $2"
	[ -n "${3:-}" ] && (cd "$FAULTS_TMP/damaged/data" && eval "$3")
	FAULTS_CONF="$FAULTS_TMP/damaged/dispo.conf"
	faults_check "damaged ($1)" "$FAULTS_TMP/damaged/data/dispo.db" "$FAULTS_TMP/damaged/data" reference.dump inputs.sha \
		"$FAULTS_TMP/damaged/data/outbox" 2>/dev/null
	eval "[ \"\$faults_$1\" -gt 0 ]" || fail "faults_check does not see $1 ($2 $3)"
	FAULTS_CONF="$T/dispo.conf"
}
damaged lost "update outbox set state = 'pending' where id = 3"
damaged lost "" "rm outbox/new/000005.eml"
damaged duplicated "insert into outbox (request_id, step, template, kind, message_id, to_addr, created_at, state)
	select request_id, step, template, kind, message_id || '.again', to_addr, created_at, state from outbox where id = 2"
damaged corrupted "" 'f=$(find mail -path "*/[0-9a-f][0-9a-f]/*" -type f | head -n 1); chmod u+w "$f"; printf x >>"$f"'
damaged lost "delete from attachments where message_id = (select id from messages where kind = 'auto_reply');
	delete from messages where kind = 'auto_reply'"
FAULTS_TRIALS_RUN=0 FAULTS_LOST=0 FAULTS_DUPLICATED=0 FAULTS_CORRUPTED=0 FAULTS_FAILED=""
ok "the check sees an unsent email, a missing email file, an extra email, changed bytes, a missing message"

trial_dir import-reference
t3=$(ms)
D import in >>"$T/log" 2>&1 || fail "reference import"
t4=$(ms)
faults_dump "$T/data/dispo.db" >import.dump
cmp -s reference.dump import.dump || { diff reference.dump import.dump >&2; fail "import decides otherwise than deliver"; }
# Up to one and a half times the clean duration (a kill that comes after
# the end is a run that finished).
DELIVER_MAX=$((($(( t1 - t0 )) / MESSAGES) * 3 / 2 + 1))
IMPORT_MAX=$((($(( t4 - t3 ))) * 3 / 2 + 1))
FLUSH_MAX=$(( ($(( t2 - t1 )) + 30) * 3 / 2 ))
ok "reference: 12 messages, 4 requests, 12 emails; kills within ${DELIVER_MAX} ms of a deliver, ${IMPORT_MAX} ms of an import"

KILLS=0 CUT=0
i=0
while [ $i -lt "$TRIALS" ]; do
	i=$((i + 1))
	trial_dir "trial$i"
	faults_rand 3
	kills=$((FAULTS_R + 1))
	faults_rand 2
	if [ "$FAULTS_R" = 0 ]; then
		# deliver: each kill lands on one message's delivery (or the flush)
		mode=deliver
		plan=""
		k=0
		while [ $k -lt $kills ]; do
			faults_rand $((MESSAGES + 1))
			plan="$plan $FAULTS_R"
			k=$((k + 1))
		done
		j=0
		for f in in/new/*; do
			n_kill=$(echo "$plan" | tr ' ' '\n' | grep -cx "$j")
			deliver_as_mta "$f" "$n_kill"
			j=$((j + 1))
		done
		flush_later "$(echo "$plan" | tr ' ' '\n' | grep -cx "$MESSAGES")"
	else
		# import: killed $kills times, with a random batch size, then whole
		mode=import
		faults_rand 4
		batch=$(echo 1 2 5 256 | cut -d' ' -f$((FAULTS_R + 1)))
		k=0
		while [ $k -lt $kills ]; do
			faults_rand "$IMPORT_MAX"
			run_killed "$FAULTS_R" /dev/null D import --batch "$batch" in
			k=$((k + 1))
		done
		D import --batch "$batch" in >>"$T/log" 2>&1 || fail "trial $i: import: $(tail -n 3 "$T/log")"
		faults_rand 2
		flush_later "$FAULTS_R"
		mode="import --batch $batch"
	fi
	faults_check "trial $i ($mode, $kills kills planned)" "$T/data/dispo.db" "$T/data" reference.dump inputs.sha "$T/data/outbox"
	[ -n "${KEEP:-}" ] || [ "$faults_lost$faults_duplicated$faults_corrupted" != 000 ] || rm -rf "$T"
done
ok "$KILLS processes killed by SIGKILL in $TRIALS trials; $CUT emails were cut off while being sent"
faults_summary "kill -9 of deliver and import"
