#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# test-kill-cli.sh: SIGKILL at random moments of `dispo deliver` (as an MTA
# runs it: a message whose delivery dies is delivered again), of `dispo
# import` from a Maildir and of `dispo outbox flush`, while they take mail
# in and while they deliver their emails to the Maildir outbox; then the
# cut-off emails' lease runs out and a last flush (itself killed at times)
# sends the rest. Each trial's store must equal the store of a run without
# kills: every message once, every request in the state its decisions
# imply, every email sent once; audit chains and SQLite intact.
#
# A kill comes after a random delay (bounded by the clean run's duration)
# or, with strace, exactly before a random system call of the clean run's
# trace (the Nth fsync, rename, pwrite…): the first lands where time is
# spent, the second anywhere in the sequence of writes, and replays
# exactly with the same FAULTS_SEED. No root needed: the family make check
# runs (FAULTS_TRIALS, default 20; make check-faults runs 100).
. "$(dirname "$0")/../cli/lib.sh"
. "$DISPO_SRCDIR/tests/faults/faults-lib.sh"
# make check-faults (FAULTS_FULL=1) runs more
if [ -n "${FAULTS_FULL:-}" ]; then TRIALS=${FAULTS_TRIALS:-100}; else TRIALS=${FAULTS_TRIALS:-20}; fi
faults_seed "$TRIALS"
faults_scratch
cleanup() {
	[ -n "${PID:-}" ] && kill -9 "$PID" 2>/dev/null
	faults_cleanup
	[ -n "${KEEP:-}" ] || rm -rf "$WORK"
}
STRACE=""
if command -v strace >/dev/null && strace -o /dev/null true 2>/dev/null; then
	STRACE=strace
else
	echo "strace is missing or may not trace here: every kill is a timed one"
fi
# The system calls a kill may come before: those that read or change the
# store, the spool and the outbox.
SYSCALLS=openat,read,pread64,write,pwrite64,fsync,fdatasync,syncfs,rename,renameat2,link,linkat,unlink,unlinkat,mkdir,mkdirat,fcntl,ftruncate,close

NOW=2026-11-23T09:00:00+07:00
# A cut-off email is taken again once its 15-minute lease, counted from
# the real clock (or --now when it is later), has run out: L is dispo 16
# minutes after the clock or the last L, whichever is later.
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

# trial_dir NAME: a fresh copy of the template; sets T, FAULTS_CONF. The
# outbox Maildir stays on the disk (in $WORK): its fsyncs are what sending
# an email costs there, without which a timed kill would hardly ever land
# inside a send.
trial_dir() {
	T="$FAULTS_TMP/$1"
	rm -rf "$T" "$WORK/outbox-$1"
	cp -a "$FAULTS_TMP/template" "$T"
	mkdir -p "$WORK/outbox-$1"
	ln -s "$WORK/outbox-$1" "$T/data/outbox"
	FAULTS_CONF="$T/dispo.conf" LATER_S=0
}
D() { "$DISPO" --config "$FAULTS_CONF" --now "$NOW" "$@"; }
later() {
	LATER_S=$(($(date +%s) > LATER_S ? $(date +%s) + 960 : LATER_S + 960))
	LATER=$(date -d "@$LATER_S" +%Y-%m-%dT%H:%M:%S%z)
}
L() { later && "$DISPO" --config "$FAULTS_CONF" --now "$LATER" "$@"; }
ms() { echo $(($(date +%s%N) / 1000000)); }

# LeakSanitizer cannot run under ptrace (a dispo built with
# --enable-sanitizers would fail at exit): off for the traced runs.
TRACED_ASAN="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
# trace NAME CMD...: CMD run clean under strace; the calls it made (of
# SYSCALLS) in NAME.trace. Without strace, just CMD.
trace() {
	tr_name=$1
	shift
	if [ -n "$STRACE" ]; then
		ASAN_OPTIONS=$TRACED_ASAN strace -o "$WORK/$tr_name.trace" -e trace=$SYSCALLS "$@"
	else
		"$@"
	fi
}
# kill_point NAME MAX-MS: where the next kill comes: KILL_AT is either
# "ms N" (N below MAX-MS) or "sys CALL K" (before the Kth CALL, a call
# picked at random from NAME.trace).
kill_point() {
	faults_rand 2
	if [ -z "$STRACE" ] || [ "$FAULTS_R" = 0 ]; then
		faults_rand "$2"
		KILL_AT="ms $FAULTS_R"
		return
	fi
	n=$(grep -c '^[a-z0-9_]*(' "$WORK/$1.trace")
	faults_rand "$n"
	KILL_AT="sys $(awk -v n=$((FAULTS_R + 1)) 'match($0, /^[a-z0-9_]+\(/) {
		c++; s = substr($0, 1, RLENGTH - 1); seen[s]++
		if (c == n) { print s, seen[s]; exit } }' "$WORK/$1.trace")"
}
# run_killed INPUT CMD...: CMD (reading INPUT; D and L as above) killed at
# KILL_AT, unless it has finished by then; its exit status in RC (137:
# killed).
run_killed() {
	input=$1
	shift
	# shellcheck disable=SC2086 # KILL_AT is words
	set -- $KILL_AT -- "$@"
	how=$1 a=$2 b=${3:-}
	while [ "$1" != -- ]; do shift; done
	shift
	# strace runs programs, not the shell's functions
	case $1 in
	D) shift && set -- "$DISPO" --config "$FAULTS_CONF" --now "$NOW" "$@" ;;
	L) later && shift && set -- "$DISPO" --config "$FAULTS_CONF" --now "$LATER" "$@" ;;
	esac
	if [ "$how" = sys ]; then
		ASAN_OPTIONS=$TRACED_ASAN strace -o /dev/null -e trace="$a" -e inject="$a":signal=KILL:when="$b" \
			"$@" >>"$T/log" 2>&1 <"$input" &
	else
		"$@" >>"$T/log" 2>&1 <"$input" &
	fi
	PID=$!
	if [ "$how" = ms ]; then
		sleep "$(printf '%d.%03d' $((a / 1000)) $((a % 1000)))"
		kill -9 "$PID" 2>/dev/null
	fi
	wait "$PID" 2>/dev/null
	RC=$?
	PID=""
	if [ $RC = 137 ]; then
		KILLS=$((KILLS + 1))
		[ "$how" = sys ] && SYSKILLS=$((SYSKILLS + 1))
	fi
	return 0
}

# deliver_as_mta N FILE KILLS: dispo deliver of FILE (the Nth message),
# killed KILLS times, then again until it exits 0, as the MTA retries.
deliver_as_mta() {
	k=$3
	while [ "$k" -gt 0 ]; do
		kill_point "deliver$1" "$DELIVER_MAX"
		run_killed "$2" D deliver
		k=$((k - 1))
	done
	tries=0
	until D deliver <"$2" >>"$T/log" 2>&1; do
		tries=$((tries + 1))
		[ $tries -lt 3 ] || fail "$2: dispo deliver keeps failing: $(tail -n 3 "$T/log")"
	done
}
# flush_later KILLS: the outbox flushed after the lease, killed KILLS times
# first. CUT counts the emails whose sending a kill cut off.
flush_later() {
	k=$1
	CUT=$((CUT + $(sql "$T/data/dispo.db" "select count(*) from outbox where state = 'sending'")))
	while [ "$k" -gt 0 ]; do
		kill_point flush-later "$FLUSH_MAX"
		run_killed /dev/null L outbox flush
		k=$((k - 1))
	done
	L outbox flush >>"$T/log" 2>&1 || fail "outbox flush: $(tail -n 3 "$T/log")"
}
# The sender on its own: the mail taken in while the outbox cannot be
# opened (a file stands where its Maildir goes), then twelve emails to send.
blocked_intake() {
	rm "$T/data/outbox"
	: >"$T/data/outbox"
	for f in in/new/*; do D deliver <"$f" >>"$T/log" 2>&1 || fail "deliver $f with the outbox blocked: $(tail -n 3 "$T/log")"; done
	rm "$T/data/outbox"
	ln -s "$WORK/outbox-$(basename "$T")" "$T/data/outbox"
	[ "$(sql "$T/data/dispo.db" "select count(*) from outbox where state = 'pending'")" = 12 ] ||
		fail "with the outbox blocked, 12 emails should be pending"
}

# The reference: the same mail, nothing killed. Its durations bound the
# random delays, so that timed kills land anywhere in the work.
trial_dir reference
t0=$(ms)
for f in in/new/*; do D deliver <"$f" >>"$T/log" 2>&1 || fail "reference deliver $f: $(tail -n 3 "$T/log")"; done
t1=$(ms)
L outbox flush >>"$T/log" 2>&1 || fail "reference flush"
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
	rm "$FAULTS_TMP/damaged/data/outbox"
	cp -a "$WORK/outbox-reference" "$FAULTS_TMP/damaged/data/outbox"
	[ -n "$2" ] && sql "$FAULTS_TMP/damaged/data/dispo.db" "PRAGMA foreign_keys = OFF; $2"
	[ -n "${3:-}" ] && (cd "$FAULTS_TMP/damaged/data" && eval "$3")
	FAULTS_CONF="$FAULTS_TMP/damaged/dispo.conf"
	faults_check "damaged ($1)" "$FAULTS_TMP/damaged/data/dispo.db" "$FAULTS_TMP/damaged/data" reference.dump inputs.sha \
		"$FAULTS_TMP/damaged/data/outbox" 2>/dev/null
	eval "[ \"\$faults_$1\" -gt 0 ]" || fail "faults_check does not see $1 ($2 ${3:-})"
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

# import decides as deliver does (in one transaction or in several).
trial_dir import-reference
t3=$(ms)
D import in >>"$T/log" 2>&1 || fail "reference import"
t4=$(ms)
faults_dump "$T/data/dispo.db" >import.dump
cmp -s reference.dump import.dump || { diff reference.dump import.dump >&2; fail "import decides otherwise than deliver"; }
# and a flush of twelve emails at once sends what they do one by one
trial_dir flush-reference
blocked_intake
t5=$(ms)
D outbox flush >>"$T/log" 2>&1 || fail "reference flush of 12 emails"
t6=$(ms)
faults_dump "$T/data/dispo.db" >flush.dump
cmp -s reference.dump flush.dump || { diff reference.dump flush.dump >&2; fail "a blocked outbox changes the decisions"; }

# The clean runs again, traced: where the syscall kills may land.
if [ -n "$STRACE" ]; then
	trial_dir traces
	j=0
	for f in in/new/*; do
		trace "deliver$j" "$DISPO" --config "$FAULTS_CONF" --now "$NOW" deliver <"$f" >>"$T/log" 2>&1 || fail "traced deliver"
		j=$((j + 1))
	done
	later
	trace flush-later "$DISPO" --config "$FAULTS_CONF" --now "$LATER" outbox flush >>"$T/log" 2>&1 || fail "traced flush"
	for b in 1 2 5 256; do
		trial_dir traces
		trace "import$b" "$DISPO" --config "$FAULTS_CONF" --now "$NOW" import --batch $b in >>"$T/log" 2>&1 || fail "traced import"
	done
	trial_dir traces
	blocked_intake
	trace flush "$DISPO" --config "$FAULTS_CONF" --now "$NOW" outbox flush >>"$T/log" 2>&1 || fail "traced flush"
fi

# Timed kills come up to one and a half times the clean duration (a kill
# after the end is a run that finished). A flush spends most of its time
# starting (what one with nothing to send takes): its timed kills aim at
# the sending that follows.
DELIVER_MAX=$(((t1 - t0) / MESSAGES * 3 / 2 + 1))
IMPORT_MAX=$(((t4 - t3) * 3 / 2 + 1))
FLUSH_MAX=$(((t2 - t1) * 3 / 2 + 1))
SEND_FROM=$(((t2 - t1) * 3 / 4))
SEND_MAX=$(((t6 - t5) * 5 / 4 - SEND_FROM + 1))
[ $SEND_MAX -gt 0 ] || SEND_MAX=1
ok "reference: 12 messages, 4 requests, 12 emails; timed kills within ${DELIVER_MAX} ms of a deliver, ${IMPORT_MAX} ms of an import, $SEND_FROM to $((SEND_FROM + SEND_MAX)) ms of a flush of 12 emails"

KILLS=0 SYSKILLS=0 CUT=0 MIDSEND=0
i=0
while [ $i -lt "$TRIALS" ]; do
	i=$((i + 1))
	trial_dir "trial$i"
	faults_rand 3
	kills=$((FAULTS_R + 1))
	faults_rand 3
	case $FAULTS_R in
	0)
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
			deliver_as_mta $j "$f" "$(echo "$plan" | tr ' ' '\n' | grep -cx "$j")"
			j=$((j + 1))
		done
		flush_later "$(echo "$plan" | tr ' ' '\n' | grep -cx "$MESSAGES")"
		;;
	1)
		# import: killed $kills times, with a random batch size, then whole
		faults_rand 4
		batch=$(echo 1 2 5 256 | cut -d' ' -f$((FAULTS_R + 1)))
		mode="import --batch $batch"
		k=0
		while [ $k -lt $kills ]; do
			kill_point "import$batch" "$IMPORT_MAX"
			run_killed /dev/null D import --batch "$batch" in
			k=$((k + 1))
		done
		D import --batch "$batch" in >>"$T/log" 2>&1 || fail "trial $i: import: $(tail -n 3 "$T/log")"
		faults_rand 2
		flush_later "$FAULTS_R"
		;;
	2)
		# the sender: 12 emails to deliver, killed $kills times meanwhile
		mode=flush
		blocked_intake
		k=0
		while [ $k -lt $kills ]; do
			kill_point flush "$SEND_MAX"
			case $KILL_AT in ms*) KILL_AT="ms $((SEND_FROM + ${KILL_AT#ms }))" ;; esac
			run_killed /dev/null D outbox flush
			sent=$(sql "$T/data/dispo.db" "select count(*) from outbox where state = 'sent'")
			[ "$RC" = 137 ] && [ "$sent" -gt 0 ] && [ "$sent" -lt 12 ] && MIDSEND=$((MIDSEND + 1))
			k=$((k + 1))
		done
		flush_later 0
		;;
	esac
	faults_check "trial $i ($mode, $kills kills planned)" "$T/data/dispo.db" "$T/data" reference.dump inputs.sha "$T/data/outbox"
	[ -n "${KEEP:-}" ] || [ "$faults_lost$faults_duplicated$faults_corrupted" != 000 ] || rm -rf "$T" "$WORK/outbox-trial$i"
done
ok "$KILLS processes killed by SIGKILL in $TRIALS trials ($SYSKILLS before a chosen system call); $MIDSEND flushes killed between two emails, $CUT emails cut off while being sent"
faults_summary "kill -9 of deliver, import and outbox flush"
