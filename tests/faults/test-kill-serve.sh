#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# test-kill-serve.sh: kill -9 at random moments of `dispo serve` while it
# takes mail in from the real Dovecot over IMAPS and while it sends its
# emails through the real Postfix; it is started again at once (as
# systemd's Restart= does), killed again, and finally left to finish. Each
# trial's store must equal the store of a run without kills, every message
# must have left the INBOX for the processed folder, and every email must
# have reached its mailbox once; the one duplicate allowed is an email
# whose sending a kill cut off after Postfix's 250 and before the commit
# that marks it sent: resent with the same Message-ID, which the log says.
# FAULTS_TRIALS trials (default 200, make check-faults). Root only.
. "$(dirname "$0")/../cli/lib.sh"
. "$DISPO_SRCDIR/tests/integration/servers.sh"
. "$DISPO_SRCDIR/tests/faults/faults-lib.sh"
. "$DISPO_SRCDIR/tests/faults/daemons-lib.sh"
TRIALS=${FAULTS_TRIALS:-200}
servers_start
faults_seed "$TRIALS"
faults_scratch
cleanup() {
	serve_kill "$SERVE_PID"
	faults_cleanup
	[ -n "${KEEP:-}" ] || rm -rf "$WORK"
}

mkdir -p in
faults_inputs in
faults_hashes in >inputs.sha
set -- in/*
MESSAGES=$#

# A kill leaves an email it was sending claimed for the lease (15
# minutes), after which any sender takes it again; the trials do not wait
# a quarter of an hour: the lease runs out before each restart.
lease_over() {
	CUT=$((CUT + $(sql "$DB" "select count(*) from outbox where state = 'sending'")))
	sql "$DB" "update outbox set next_attempt_at = 0 where state = 'sending'"
}
# finish: the last start, left to take and send everything, then SIGTERM.
finish() {
	serve_start "$T"
	# (SIGTERM before dispo has set its handlers would just end it)
	wait_until 10 serve_started "$T" "$SERVE_PID" &&
		wait_until 60 serve_done "$DB" $OFFICE "$MESSAGES" ||
		{ tail -n 20 "$T/serve.log" >&2; serve_kill "$SERVE_PID"; return 1; }
	serve_stop "$SERVE_PID" || { echo "$1: dispo serve did not exit 0 on SIGTERM" >&2; return 1; }
	SERVE_PID=""
}
ms() { echo $(($(date +%s%N) / 1000000)); }

# The reference: nothing killed. Its duration bounds the random delays.
CUT=0
serve_dir reference $OFFICE
office_fill $OFFICE in
t0=$(ms)
finish reference || fail "the reference run did not take in and send everything"
DURATION=$(($(ms) - t0))
faults_dump "$DB" >reference.dump
[ "$(grep -c '^R|' reference.dump)" = 4 ] && [ "$(grep -c '^O|.*|sent$' reference.dump)" = 12 ] ||
	{ cat reference.dump >&2; fail "the reference run did not open 4 requests and send 12 emails"; }
# The same decisions as dispo deliver makes of the same mail (the
# embedded default's store, judged at the same moment).
mkdir -p "$FAULTS_TMP/cli/data"
printf '[general]\ndata_dir = data\nadmin_address = admin@dinkes.kuduskab.go.id\n[policy]\nrequire_authentication = false\n' >"$FAULTS_TMP/cli/dispo.conf"
"$DISPO" --config "$FAULTS_TMP/cli/dispo.conf" employees import "$DISPO_SRCDIR/rules/register-contoh.csv" >/dev/null
for f in in/*; do "$DISPO" --config "$FAULTS_TMP/cli/dispo.conf" deliver <"$f" >/dev/null || fail "deliver $f"; done
faults_dump "$FAULTS_TMP/cli/data/dispo.db" >deliver.dump
cmp -s reference.dump deliver.dump || { diff deliver.dump reference.dump >&2; fail "serve decides otherwise than deliver"; }
faults_check reference "$DB" "$T/data" reference.dump inputs.sha
[ "$faults_lost$faults_duplicated$faults_corrupted" = 000 ] || fail "the reference run fails its own check"
[ "$(mail_count $OFFICE Diproses)" = "$MESSAGES" ] || fail "the reference run did not move every message to Diproses"
sql "$DB" "select 'reference ' || message_id from outbox" >sent.list
FAULTS_TRIALS_RUN=0
MAX=$((DURATION * 3 / 2))
ok "reference: $MESSAGES messages taken over IMAPS, 4 requests, 12 emails sent through Postfix in $DURATION ms; kills within $MAX ms"

KILLS=0
i=0
while [ $i -lt "$TRIALS" ]; do
	i=$((i + 1))
	serve_dir "trial$i" $OFFICE
	office_fill $OFFICE in
	faults_rand 3
	kills=$((FAULTS_R + 1))
	k=0
	while [ $k -lt $kills ]; do
		faults_rand "$MAX"
		serve_start "$T"
		sleep "$(printf '%d.%03d' $((FAULTS_R / 1000)) $((FAULTS_R % 1000)))"
		if ! kill -0 "$SERVE_PID" 2>/dev/null; then
			tail -n 5 "$T/serve.log" >&2
			fail "trial $i: dispo serve ended by itself"
		fi
		serve_kill "$SERVE_PID"
		SERVE_PID=""
		KILLS=$((KILLS + 1))
		lease_over
		k=$((k + 1))
	done
	faults_lost=0 faults_duplicated=0 faults_corrupted=0
	if ! finish "trial $i"; then
		echo "trial $i: LOST: dispo serve did not finish (messages, INBOX or outbox left)" >&2
		faults_lost=1
		faults_add "trial $i"
		continue
	fi
	faults_check "trial $i ($kills kills)" "$DB" "$T/data" reference.dump inputs.sha
	# Every message left the INBOX once, for the processed folder.
	moved=$(mail_count $OFFICE Diproses)
	if [ "$moved" != "$MESSAGES" ]; then
		echo "trial $i: $moved messages in Diproses, want $MESSAGES" >&2
		if [ "$moved" -lt "$MESSAGES" ]; then FAULTS_LOST=$((FAULTS_LOST + MESSAGES - moved))
		else FAULTS_DUPLICATED=$((FAULTS_DUPLICATED + moved - MESSAGES)); fi
		FAULTS_FAILED="${FAULTS_FAILED:-} trial$i"
	fi
	# The emails are counted as they reach the mailboxes, after the last
	# trial; each row's resends (the log names its Message-ID) are allowed.
	sql "$DB" "select 'trial$i ' || message_id from outbox" >>sent.list
	sed -n 's/.*sending it again with the same Message-ID <\(.*\)>.*/\1/p' "$T/serve.log" >>resent.list
	[ -n "${KEEP:-}" ] || rm -rf "$T"
done
ok "$KILLS kills of dispo serve in $TRIALS trials; $CUT emails were cut off while being sent"

# Every email reached its mailbox once (or once more per logged resend).
queue_wait_empty 60 || fail "Postfix did not deliver everything"
: >arrived.list
arrivals arrived.list
touch resent.list
awk -v seed="$FAULTS_SEED" '
	FILENAME == ARGV[1] { resent[$1]++; next }
	FILENAME == ARGV[2] { got[$1]++; next }
	{
		n = got[$2] + 0
		if (n == 0) { printf "%s: LOST: email %s never arrived\n", $1, $2 > "/dev/stderr"; lost++ }
		else if (n > 1 + resent[$2]) { printf "%s: DUPLICATED: email %s arrived %d times, resent %d\n", $1, $2, n, resent[$2] + 0 > "/dev/stderr"; dup += n - 1 - resent[$2] }
		else if (n > 1) again += n - 1
		seen[$2] = 1
	}
	END {
		for (m in got) if (!(m in seen)) { printf "DUPLICATED: email %s that no row names arrived %d times\n", m, got[m] > "/dev/stderr"; dup += got[m] }
		print lost + 0, dup + 0, again + 0
	}' resent.list arrived.list sent.list >arrivals.out
read -r lost dup again <arrivals.out
FAULTS_LOST=$((FAULTS_LOST + lost)) FAULTS_DUPLICATED=$((FAULTS_DUPLICATED + dup)) FAULTS_RESENT=$again
ok "$(wc -l <sent.list) emails, $(wc -l <arrived.list) arrivals, $again resent after a cut-off send"
faults_summary "kill -9 of serve (IMAP intake, SMTP sending)"
