#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# test-imap-outage.sh: `dispo serve` under load (mail arriving through
# Postfix all the while) when its IMAP server misbehaves: Dovecot
# restarted, Dovecot frozen (SIGSTOP) for longer than [imap] timeout, and
# the office's mailbox recreated (moved aside and made anew with what it
# held, so a new UIDVALIDITY) while messages keep coming. Each trial is one
# such fault during a batch of mail; afterwards dispo must have noticed it
# (one log line), reconnected, and taken every message Dovecot holds
# exactly once: the raw messages dispo stored are exactly the messages in
# the office's folders (as IMAP serves them), none missing, none twice.
# FAULTS_TRIALS: rounds of the three faults (default 2). Root only (the
# servers).
. "$(dirname "$0")/../cli/lib.sh"
. "$DISPO_SRCDIR/tests/integration/servers.sh"
. "$DISPO_SRCDIR/tests/faults/faults-lib.sh"
. "$DISPO_SRCDIR/tests/faults/daemons-lib.sh"
servers_start
ROUNDS=${FAULTS_TRIALS:-2}
faults_seed "$ROUNDS"
faults_scratch
FEEDER=""
cleanup() {
	[ -n "$FEEDER" ] && kill "$FEEDER" 2>/dev/null
	[ -n "${FROZEN:-}" ] && kill -CONT $FROZEN 2>/dev/null
	serve_kill "$SERVE_PID"
	faults_cleanup
	[ -n "${KEEP:-}" ] || rm -rf "$WORK"
}

serve_dir imap $OFFICE "" "idle_renew = 2s"
FAULTS_CONF="$T/dispo.conf"
serve_start "$T"
wait_until 20 grep -qs "connected (IDLE)" "$T/serve.log" || fail "dispo serve did not connect"

# feed FIRST LAST: messages FIRST..LAST through Postfix to the office, one
# every 20-70 ms: a question from outside (never answered: auto-generated)
# and, every tenth, an application from the register.
feed() {
	n=$1
	while [ "$n" -le "$2" ]; do
		if [ $((n % 10)) = 0 ]; then
			application budi.santoso@kuduskab.go.id "$n" | sed "s/Message-ID: <app-/Message-ID: <load-/"
		else
			printf 'From: Sistem Antrian <antrian%s@example.com>\r\nTo: %s\r\nSubject: Nomor antrian %s\r\n' "$n" $OFFICE "$n"
			printf 'Message-ID: <load-%s@kuduskab.go.id>\r\nAuto-Submitted: auto-generated\r\n\r\nNomor %s.\r\n' "$n" "$n"
		fi | servers_sendmail -f postmaster@kuduskab.go.id $OFFICE || echo "sendmail $n failed" >&2
		sleep "0.0$((2 + n % 6))"
		n=$((n + 1))
	done
}
feed_start() { feed "$1" "$2" & FEEDER=$!; }
feed_wait() { wait "$FEEDER"; FEEDER=""; }

# The office's folders as IMAP serves them (CRLF) hashed: what dispo must
# hold, no more, no less. The mailbox moved aside by a recreation counts.
dovecot_hashes() {
	m=$(user_maildir $OFFICE)
	find "$m" "$m.old"* -path '*/new/*' -type f -o -path '*/cur/*' -type f 2>/dev/null |
		while read -r f; do perl -pe 's/\r?\n/\r\n/' "$f" | sha256sum | cut -c1-64; done | sort -u
}
caught_up() {
	[ "$(mail_count $OFFICE)" = 0 ] && queue_wait_empty 1 2>/dev/null &&
		[ "$(sql "$DB" "select count(*) from messages where message_id like 'load-%'")" -ge "$1" ]
}
# round NAME FIRST LAST: the batch fed, the fault meanwhile (fault_NAME),
# then every message in Dovecot stored once
round() {
	outages=$(grep -c "trying again until it answers" "$T/serve.log")
	uidvalidity=$(sql "$DB" "select uidvalidity from imap_state")
	feed_start "$2" "$3"
	sleep 0.5
	"fault_$1"
	feed_wait
	# what Postfix deferred while Dovecot was away goes now
	postqueue -c "$SERVERS_POSTFIX_CONF" -f
	faults_lost=0 faults_duplicated=0 faults_corrupted=0
	if ! wait_until 120 caught_up "$3"; then
		echo "$1: dispo did not catch up: $(mail_count $OFFICE) in the INBOX, $(sql "$DB" "select count(*) from messages where message_id like 'load-%'") of $3 stored" >&2
		tail -n 20 "$T/serve.log" >&2
	fi
	if [ "$1" = recreate ]; then
		[ "$(sql "$DB" "select uidvalidity from imap_state")" != "$uidvalidity" ] ||
			fail "$1: dispo did not take the new UIDVALIDITY"
	else
		log_more "trying again until it answers" "$outages" ||
			fail "$1: dispo did not notice the IMAP fault (no outage line in its log)"
	fi
	dovecot_hashes >want.sha
	sql "$DB" "select sha256 from messages where source = 'serve' order by 1" >have.sha
	lost=$(comm -23 want.sha have.sha | wc -l)
	extra=$(comm -13 want.sha have.sha | wc -l)
	[ "$lost" = 0 ] || echo "$1: LOST: $lost messages in Dovecot that dispo did not take" >&2
	[ "$extra" = 0 ] || echo "$1: DUPLICATED or unknown: $extra stored messages Dovecot does not hold" >&2
	twice=$(sql "$DB" "select count(*) from (select message_id from messages where message_id like 'load-%' group by message_id having count(*) > 1)")
	# (a copy Dovecot holds twice, with other bytes, is Dovecot's; one
	# Dovecot holds once cannot be in the store twice: the hashes above)
	faults_lost=$((lost)) faults_duplicated=$((extra))
	r=$(sql "$DB" "PRAGMA integrity_check")
	[ "$r" = ok ] || { echo "$1: CORRUPTED: $r" >&2; faults_corrupted=1; }
	"$DISPO" --config "$FAULTS_CONF" audit verify >audit.out 2>&1 ||
		{ cat audit.out >&2; faults_corrupted=$((faults_corrupted + 1)); }
	faults_add "$1"
	ok "$1: messages $2-$3 fed meanwhile; $(wc -l <want.sha) in Dovecot, all taken once$([ "$twice" != 0 ] && echo " ($twice Message-IDs delivered twice by Postfix, with other bytes)")"
}

# log_more TEXT N: serve.log holds TEXT more than N times
log_more() { [ "$(grep -c -- "$1" "$T/serve.log")" -gt "$2" ]; }
fault_restart() {
	dovecot_stop
	sleep 2
	dovecot_start
	wait_until 30 log_more "connected again after" "$reconnects" ||
		fail "restart: dispo did not reconnect"
}
# The whole Dovecot group, so that the session's imap process stops too:
# dispo's IDLE renewal then gets no answer within [imap] timeout.
fault_freeze() {
	FROZEN=$(servers_group_pids "$SERVERS_DOVECOT_PID")
	# shellcheck disable=SC2086
	kill -STOP $FROZEN
	wait_until 30 log_more "trying again until it answers" "$outages" ||
		{ kill -CONT $FROZEN; fail "freeze: dispo did not notice a frozen Dovecot"; }
	sleep 2
	# shellcheck disable=SC2086
	kill -CONT $FROZEN
	FROZEN=""
}
# Moved aside with its folders, made anew, what it held put back into
# new/: a new UIDVALIDITY, the messages already taken come again.
fault_recreate() {
	sleep 1
	m=$(user_maildir $OFFICE)
	recreated=$((recreated + 1))
	mv "$m" "$m.old$recreated"
	mkdir -p "$m/new" "$m/cur" "$m/tmp"
	find "$m.old$recreated/new" "$m.old$recreated/cur" -maxdepth 1 -type f -exec mv {} "$m/new/" \;
	chown -R nobody:"$(id -gn nobody)" "$m"
	sleep 1
}
wait_reconnects() { grep -c 'connected again after' "$T/serve.log"; }

recreated=0
n=0
round_n=0
while [ $round_n -lt "$ROUNDS" ]; do
	round_n=$((round_n + 1))
	for fault in restart freeze recreate; do
		reconnects=$(wait_reconnects)
		round "$fault" $((n + 1)) $((n + 60))
		n=$((n + 60))
	done
done
serve_stop "$SERVE_PID" || fail "dispo serve did not exit 0 on SIGTERM"
SERVE_PID=""
ok "$(grep -c 'trying again until it answers' "$T/serve.log") outages noticed, $(wait_reconnects) reconnections, $(sql "$DB" "select count(*) from messages") messages stored"
faults_summary "IMAP faults under load (Dovecot restarted, frozen, mailbox recreated)"
