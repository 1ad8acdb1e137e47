#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# test-hostile.sh: hostile mail keeps dispo's memory bounded. Each message,
# generated as a stream into this test's scratch directory, goes to `dispo
# import` (the 200 MB one to `dispo deliver` too) into a store of its own:
# a multipart nested 20,000 levels deep, 1 MB of folded header (as the
# Subject, which dispo parses, and as an X- field, which it keeps cut), 10,000
# attachments and a 200 MB message, under the default [limits]; then, under
# the widest limits dispo.conf takes (a 1 GB message, 100,000 parts, 1,000
# levels; a 2 MB field), the 200 MB message is parsed with its 150 MB
# attachment streamed to disk, 999 levels are walked and the 1 MB Subject is
# read and quoted whole in the refusal. The peak resident set of each run must
# stay within 64 MB of a trivial import's, and its CPU time within 5 s (a
# refusal quoting 256 KB of the Subject took 3 to 8 s, the whole of it a
# minute, when the text flow was quadratic). Each message is stored whole and answered, and one over a
# limit is marked so with the reason; none is dropped.
. "$(dirname "$0")/lib.sh"

G=$DISPO_BUILDDIR/bench/gen-mail
M=$DISPO_BUILDDIR/bench/bench-memory
[ -x "$G" ] && [ -x "$M" ] || fail "bench/gen-mail and bench/bench-memory are not built"
cat >defaults.conf <<CONF
[policy]
require_authentication = false
CONF
cat >widest.conf <<CONF
[policy]
require_authentication = false
[limits]
message_size = 1GB
header_size = 2MB
parts = 100000
depth = 1000
CONF
LIMITS=defaults
NOW=2026-11-23T08:05:00+07:00
SLACK_KB=$((64 * 1024))
# AddressSanitizer keeps freed memory in quarantine (256 MB), maps its
# shadow and checks every access (several times slower): under it the
# figures are printed, not held to the bounds.
bounded=true
if grep -q __asan_init "$DISPO"; then
	bounded=false
	echo "note: $DISPO is built with AddressSanitizer: peak RSS and CPU printed, not bounded"
fi

# run CASE VERB FILE: the message FILE through dispo VERB into data-CASE;
# sets KB (peak RSS) and CPU (user + system seconds).
run() {
	printf '[general]\ndata_dir = data-%s\n' "$1" >"$1.conf"
	cat "$LIMITS.conf" >>"$1.conf"
	if [ "$2" = deliver ]; then
		"$M" peak "$1.rss" "$DISPO" --config "$1.conf" --now "$NOW" deliver <"$3" >"$1.out" 2>&1
	else
		"$M" peak "$1.rss" "$DISPO" --config "$1.conf" --now "$NOW" import -q "$3" >"$1.out" 2>&1
	fi
	rc=$?
	[ "$rc" = 0 ] || { cat "$1.out" >&2; fail "$1: dispo $2 exited $rc"; }
	read -r KB CPU <"$1.rss"
}

# check CASE FILE STATUS [PROBLEM]: FILE is the store's only message, kept
# whole under its SHA-256, with STATUS (and a problem naming PROBLEM), and
# answered to its sender.
check() {
	db=data-$1/dispo.db
	sha=$(sha256sum <"$2" | cut -c1-64)
	[ "$(sql "$db" "select count(*) from messages")" = 1 ] || fail "$1: not stored once"
	[ "$(sql "$db" "select sha256 from messages")" = "$sha" ] || fail "$1: stored under another hash"
	raw=data-$1/mail/$(echo "$sha" | cut -c1-2)/$sha
	cmp -s "$raw" "$2" || fail "$1: the raw message is not kept whole"
	status=$(sql "$db" "select status from messages")
	problem=$(sql "$db" "select coalesce(problem, '') from messages")
	[ "$status" = "$3" ] || fail "$1: $status ($problem), want $3"
	if [ -n "${4:-}" ]; then
		case $problem in *"$4"*) ;; *) fail "$1: the reason is \"$problem\", not about $4" ;; esac
	fi
	[ "$(sql "$db" "select count(*) from outbox o join messages m on m.id = o.answers_message
		where o.to_addr = 'budi.santoso@kuduskab.go.id'")" -ge 1 ] || fail "$1: not answered"
	REASON=${problem:-parsed}
}

"$G" nested 0 idle.eml
run idle import idle.eml
check idle idle.eml parsed
IDLE=$KB
printf '%-24s %9s %9s %6s  %s\n' case size peak-RSS CPU-s "what dispo made of it"
printf '%-24s %9s %7d K %6s  %s\n' "trivial import (idle)" "$(wc -c <idle.eml)" "$IDLE" "$CPU" "$REASON"

# hostile CASE VERB FILE STATUS PROBLEM DESCRIPTION
hostile() {
	run "$1" "$2" "$3"
	check "$1" "$3" "$4" "$5"
	printf '%-24s %9s %7d K %6s  %s (%+d K)\n' "$6" "$(wc -c <"$3")" "$KB" "$CPU" "$REASON" \
		$((KB - IDLE))
	if $bounded && [ $((KB - IDLE)) -gt $SLACK_KB ]; then
		fail "$6: peak RSS $KB KB is more than 64 MB over the idle $IDLE KB"
	fi
	if $bounded && ! awk -v c="$CPU" 'BEGIN { exit !(c < 5) }'; then
		fail "$6: $CPU s of CPU"
	fi
}

"$G" nested 20000 nested.eml
hostile nested import nested.eml over_limit "MIME parts" "nested 20,000 levels"
"$G" folded 1024 Subject subject.eml
hostile subject import subject.eml over_limit "header field" "1 MB folded Subject"
"$G" folded 1024 X-Folded xfield.eml
hostile xfield import xfield.eml parsed "" "1 MB folded X- field"
"$G" attachments 10000 attachments.eml
hostile attachments import attachments.eml over_limit "MIME parts" "10,000 attachments"
rm -f nested.eml subject.eml xfield.eml attachments.eml
# 150 MB of attachment, 200 MB (203 MiB) of message in base64.
"$G" attachment 150 big.eml
[ "$(wc -c <big.eml)" -ge $((200 * 1024 * 1024)) ] || fail "big.eml is under 200 MB"
hostile big import big.eml over_limit "larger than the limit" "200 MB message"
rm -rf data-big
hostile big deliver big.eml over_limit "larger than the limit" "200 MB message, deliver"

echo "with the widest limits:"
LIMITS=widest
rm -rf data-big
hostile big import big.eml parsed "" "200 MB message"
[ "$(sql data-big/dispo.db "select size >= 150 * 1048576 from attachments")" = 1 ] ||
	fail "the 150 MB attachment is not stored"
rm -rf big.eml data-big
rm -rf data-nested
"$G" nested 999 nested.eml
hostile nested import nested.eml parsed "" "nested 999 levels"
rm -rf data-subject
"$G" folded 1024 Subject subject.eml
hostile subject import subject.eml parsed "" "1 MB folded Subject"
ok "hostile mail: every message stored and answered, memory and CPU bounded"
