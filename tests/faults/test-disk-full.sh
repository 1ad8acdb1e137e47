#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# test-disk-full.sh: the data directory on a small tmpfs that fills up.
# Each trial leaves a random amount of room (none to a few hundred KB), so
# that the disk runs out at a different point: the raw message, an
# attachment, the SQLite WAL, an email's bytes, the outbox Maildir.
# `dispo deliver` exits 0 (all of it fitted) or 75 (the MTA keeps the
# message), `dispo import` fails and says so; nothing is half-written (every
# raw message a row names is whole, no temporary file left, SQLite and the
# audit chains intact); with room again the retries store everything, and
# the store equals a run on a roomy disk. Then `dispo serve` on a full disk:
# the IMAP messages stay in the INBOX unseen, and are all taken once there
# is room. Root only (mount, and the servers).
. "$(dirname "$0")/../cli/lib.sh"
. "$DISPO_SRCDIR/tests/integration/servers.sh"
. "$DISPO_SRCDIR/tests/faults/faults-lib.sh"
. "$DISPO_SRCDIR/tests/faults/daemons-lib.sh"
TRIALS=${FAULTS_TRIALS:-12}
servers_start
faults_seed "$TRIALS"
faults_scratch
FULL="$FAULTS_TMP/full"
mkdir -p "$FULL"
mount -t tmpfs -o size=4m,mode=0755 dispo-faults "$FULL" || skip "cannot mount a tmpfs"
cleanup() {
	serve_kill "${SERVE_PID:-}"
	umount "$FULL" 2>/dev/null
	faults_cleanup
	[ -n "${KEEP:-}" ] || rm -rf "$WORK"
}

NOW=2026-11-23T09:00:00+07:00
mkdir -p in/new in/cur in/tmp
faults_inputs in/new
faults_hashes in/new >inputs.sha
conf() {
	printf '[general]\ndata_dir = data\nadmin_address = admin@dinkes.kuduskab.go.id\n[policy]\nrequire_authentication = false\n' >"$1/dispo.conf"
}
# The reference, on a roomy disk.
mkdir -p "$FAULTS_TMP/reference"
conf "$FAULTS_TMP/reference"
R() { "$DISPO" --config "$FAULTS_TMP/reference/dispo.conf" --now "$NOW" "$@"; }
R employees import "$DISPO_SRCDIR/rules/register-contoh.csv" >/dev/null || fail "employees import"
for f in in/new/*; do R deliver <"$f" >/dev/null || fail "reference deliver $f"; done
faults_dump "$FAULTS_TMP/reference/data/dispo.db" >reference.dump

T="$FULL/trial"
D() { "$DISPO" --config "$T/dispo.conf" --now "$NOW" "$@"; }
# fill BYTES: the file system full but for BYTES
fill() {
	dd if=/dev/zero of="$FULL/filler" bs=64k 2>/dev/null
	sync
	size=$(stat -c %s "$FULL/filler")
	truncate -s $((size > $1 ? size - $1 : 0)) "$FULL/filler"
}
# half_written: what a failure may not leave: a raw message or email whose
# bytes are not its name, a temporary file of dispo's, a damaged store
half_written() {
	hw=0
	(cd "$T/data/mail" && find . -path './[0-9a-f][0-9a-f]/*' -type f -exec sha256sum {} +) |
		awk '{ n = split($2, p, "/"); if ($1 != p[n]) print }' >bad.blobs
	[ -s bad.blobs ] && { echo "$1: half-written raw messages: $(cat bad.blobs)" >&2; hw=$((hw + 1)); }
	hw_tmp=$(find "$T/data/mail/tmp" "$T/data/attachments/tmp" "$T/data/outbox/tmp" -type f 2>/dev/null | wc -l)
	[ "$hw_tmp" = 0 ] || { echo "$1: $hw_tmp temporary files left behind" >&2; hw=$((hw + 1)); }
	# On a copy: a reader of a full disk may not build the WAL index.
	rm -rf "$WORK/dbcopy" && mkdir "$WORK/dbcopy" && cp "$T/data/dispo.db"* "$WORK/dbcopy/"
	hw_r=$(sql "$WORK/dbcopy/dispo.db" "PRAGMA integrity_check" 2>&1)
	[ "$hw_r" = ok ] || { echo "$1: integrity_check: $hw_r" >&2; hw=$((hw + 1)); }
	return $hw
}

DEFERRED=0 FULL_OK=0
i=0
while [ $i -lt "$TRIALS" ]; do
	i=$((i + 1))
	rm -rf "${FULL:?}"/*
	mkdir -p "$T"
	conf "$T"
	FAULTS_CONF="$T/dispo.conf"
	D employees import "$DISPO_SRCDIR/rules/register-contoh.csv" >/dev/null || fail "employees import"
	# A few messages go in while there is room, so that the disk fills
	# at a later point of the sequence too.
	faults_rand 6
	first=$FAULTS_R
	faults_rand 2
	mode=$(echo deliver import | cut -d' ' -f$((FAULTS_R + 1)))
	faults_rand 400
	room=$((FAULTS_R * 1024))
	j=0
	for f in in/new/*; do
		[ $j -lt "$first" ] || break
		D deliver <"$f" >/dev/null 2>&1 || fail "trial $i: deliver with room"
		j=$((j + 1))
	done
	fill "$room"
	faults_corrupted=0
	if [ "$mode" = deliver ]; then
		# As the MTA does: a message deferred is tried again (still full,
		# still 75), and its successors wait behind it.
		queue=""
		j=0
		for f in in/new/*; do
			j=$((j + 1))
			[ $j -le "$first" ] && continue
			if [ -n "$queue" ]; then
				queue="$queue $f"
				continue
			fi
			D deliver <"$f" >out 2>err
			rc=$?
			case $rc in
			0) FULL_OK=$((FULL_OK + 1)) ;;
			75)
				DEFERRED=$((DEFERRED + 1))
				grep -q "the mail server will try again" err || fail "trial $i: 75 without the reason: $(cat err)"
				half_written "trial $i, $(basename "$f") deferred" || faults_corrupted=$((faults_corrupted + 1))
				D deliver <"$f" >/dev/null 2>&1
				[ $? = 75 ] || FULL_OK=$((FULL_OK + 1))
				queue=$f
				;;
			*) cat err >&2; fail "trial $i: dispo deliver exited $rc on a full disk, want 0 or 75" ;;
			esac
		done
		half_written "trial $i, full" || faults_corrupted=$((faults_corrupted + 1))
		rm -f "$FULL/filler"
		for f in $queue; do
			D deliver <"$f" >/dev/null 2>err || { cat err >&2; fail "trial $i: $(basename "$f") not stored once there is room"; }
		done
	else
		if D import in >out 2>err; then
			FULL_OK=$((FULL_OK + 1))
		else
			DEFERRED=$((DEFERRED + 1))
		fi
		half_written "trial $i, import on a full disk" || faults_corrupted=$((faults_corrupted + 1))
		rm -f "$FULL/filler"
		D import in >out 2>err || { cat err >&2; fail "trial $i: import with room failed"; }
	fi
	# The emails that could not be written meanwhile, due again later.
	"$DISPO" --config "$T/dispo.conf" --now "$(date -d '+2 hours' +%Y-%m-%dT%H:%M:%S%z)" outbox flush >/dev/null 2>err ||
		{ cat err >&2; fail "trial $i: outbox flush with room"; }
	hw=$faults_corrupted
	name="trial $i ($mode, $first in first, then $room bytes of room)"
	faults_check "$name" "$T/data/dispo.db" "$T/data" reference.dump inputs.sha "$T/data/outbox"
	faults_more "$name" 0 0 "$hw"
done
ok "$DEFERRED deliveries and imports refused for want of room, $FULL_OK went in anyway"

# dispo serve with its data on the full disk: the messages stay in the
# INBOX, unseen; once there is room its retry takes them all.
rm -rf "${FULL:?}"/*
T="$FULL/serve"
mkdir -p "$T"
serve_conf "$T" $OFFICE
FAULTS_CONF="$T/dispo.conf" DB="$T/data/dispo.db"
"$DISPO" --config "$T/dispo.conf" employees import "$DISPO_SRCDIR/rules/register-contoh.csv" >/dev/null || fail "employees import"
office_empty $OFFICE
office_fill $OFFICE in/new
# Started on a full disk it cannot make its copy of the templates: it
# exits at once with 75 (systemd's Restart=on-failure starts it again), the
# mailbox untouched. Its log beside, not on the full disk.
fill 0
serve_start "$T" "$WORK/serve.log"
wait "$SERVE_PID"
rc=$?
SERVE_PID=""
[ $rc = 75 ] || { cat serve.log >&2; fail "serve started on a full disk exited $rc, want 75"; }
grep -qs "cannot copy the templates .*No space left on device" serve.log || { cat serve.log >&2; fail "serve on a full disk does not say why it stopped"; }
[ "$(mail_count $OFFICE)" = 12 ] && [ -z "$(find "$(user_maildir $OFFICE)/cur" -type f -name '*:2,*S*')" ] ||
	fail "serve on a full disk touched the mailbox"
ok "serve started on a full disk exits $rc and says why; the 12 messages stay in the INBOX"
# Running when the disk fills: what comes is left on the server, unseen.
office_empty $OFFICE
rm -f "$FULL/filler"
serve_start "$T" "$WORK/serve.log"
wait_until 30 grep -qs "connected (IDLE)" serve.log || { cat serve.log >&2; fail "serve did not connect"; }
fill 0
office_fill $OFFICE in/new
wait_until 30 grep -qs "not taken yet, will try again" serve.log || { cat serve.log >&2; fail "serve: no message deferred on a full disk"; }
sleep 2
stored=$(sql "$DB" "select count(*) from messages")
left=$(mail_count $OFFICE)
seen=$(find "$(user_maildir $OFFICE)/cur" -type f -name '*:2,*S*' | wc -l)
faults_corrupted=0 faults_lost=0 faults_duplicated=0
[ $((stored + left)) = 12 ] || { echo "serve: $stored stored and $left in the INBOX of 12" >&2; faults_lost=$((12 - stored - left)); }
[ "$seen" = 0 ] || { echo "serve: $seen messages in the INBOX marked seen" >&2; faults_lost=$((faults_lost + seen)); }
half_written "serve on a full disk" || faults_corrupted=1
ok "serve on a full disk: $left messages left in the INBOX, none seen; $stored stored"
rm -f "$FULL/filler"
wait_until 120 serve_done "$DB" $OFFICE 12 || { tail -n 20 serve.log >&2; fail "serve: not all taken in and sent once there is room"; }
serve_stop "$SERVE_PID" || fail "serve: SIGTERM"
SERVE_PID=""
[ "$(mail_count $OFFICE Diproses)" = 12 ] || faults_lost=$((faults_lost + 1))
hw=$((faults_lost + faults_corrupted))
faults_check "serve" "$DB" "$T/data" reference.dump inputs.sha
faults_more serve 0 0 "$hw"
queue_wait_empty 60 || fail "Postfix did not deliver everything"
: >arrived
arrivals arrived
sql "$DB" "select message_id from outbox" >sent
# shellcheck disable=SC2046
set -- $(awk 'NR == FNR { got[$1]++; next } { n = got[$1] + 0; if (n == 0) lost++; else if (n > 1) dup += n - 1 }
	END { print lost + 0, dup + 0 }' arrived sent)
faults_more "serve emails" "$1" "$2" 0
ok "serve: once there is room, the 12 messages taken and moved, 12 emails sent, each arrived once"
faults_summary "disk full (deliver, import, serve)"
