#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# bench-deliver.sh: `dispo deliver` one message at a time, as an MTA pipe
# runs it (a process per message, each durable before it exits 0), side by
# side in one run with the disk's durable-write floor (bench/fsync-floor:
# as many fsync/fdatasync calls per message as dispo makes, counted with
# strace on a copy of the same store, on files of the same sizes in the
# same directory). BENCH_DELIVER applications (100 KB to 2 MB), then as
# many officials' replies to them (each moves its request on, and its
# email is rendered and handed to the Maildir outbox).
set -eu
: "${DISPO_BUILDDIR:?run through make bench}"
: "${DISPO_SRCDIR:=$DISPO_BUILDDIR}"
. "$DISPO_SRCDIR/bench/lib.sh"
n=${BENCH_DELIVER:-150}
bench_start bench-deliver
if ! command -v strace >/dev/null; then
	echo "bench-deliver: skipped: strace (to count dispo's syncs) is not installed"
	exit 0
fi

printf '[general]\ndata_dir = data\n[policy]\nrequire_authentication = false\n' >dispo.conf
"$b/gen-mail" register "$n" "$DISPO_SRCDIR/rules/register-contoh.csv" register.csv
"$b/gen-mail" applications "$n" apps 100 2048
"$dispo" --config dispo.conf employees import register.csv >/dev/null

# deliver_all DIR: each file through its own dispo deliver, in order.
deliver_all() {
	for f in $(ls "$1/new" | sort -n); do
		"$dispo" --config dispo.conf deliver <"$1/new/$f" >/dev/null ||
			{ echo "bench-deliver: dispo deliver failed on $1/new/$f" >&2; exit 1; }
	done
}
# syncs_of DIR: fsync + fdatasync + syncfs calls per message of DIR's first
# 10, delivered with strace into a copy of the store as it is now.
syncs_of() {
	rm -rf strace-data
	cp -a data strace-data
	sed 's/^data_dir = data$/data_dir = strace-data/' dispo.conf >strace.conf
	total=0
	for f in $(ls "$1/new" | sort -n | head -n 10); do
		# LeakSanitizer cannot run under ptrace (an ASan build's bench-quick)
		ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
			strace -f -qq -c -U calls,name -e trace=fsync,fdatasync,syncfs -o syncs.txt \
			"$dispo" --config strace.conf deliver <"$1/new/$f" >/dev/null
		total=$((total + $(awk '$2 ~ /sync/ { s += $1 } END { print s + 0 }' syncs.txt)))
	done
	echo $((total / 10))
}

# compare LABEL DIR SECS SYNCS
compare() {
	files=$(ls "$2/new" | wc -l)
	mkdir -p data/floor
	floor_s=$("$b/fsync-floor" data/floor "$4" $(ls "$2/new" | sort -n | sed "s|^|$2/new/|") |
		awk '{ print $3 }')
	rm -rf data/floor
	echo "deliver: $files $1, one process each; $4 syncs a message (the floor makes as many)"
	figure "deliver_${1}" "$(ratio "$files" "$3")" msg/s "-" "-"
	figure "deliver_${1}_vs_fsync_floor" "$(ratio "$files" "$floor_s")" msg/s \
		"$(ratio "$floor_s" "$3")" "ratio>=0.5"
	figure "deliver_${1}_syncs" "$4" calls/msg "-" "-"
}

syncs=$(syncs_of apps)
t0=$(now)
deliver_all apps
apps_s=$(elapsed "$t0" "$(now)")
compare applications apps "$apps_s" "$syncs"

sqlite3 -batch -separator ' ' data/dispo.db \
	"select t.token, t.address, r.number from tokens t join requests r on r.id = t.request_id
	 where t.purpose = 'reply' and t.used_at is null order by t.rowid" >tokens.txt
"$b/gen-mail" replies "$(wc -l <tokens.txt)" replies tokens.txt
syncs=$(syncs_of replies)
t0=$(now)
deliver_all replies
replies_s=$(elapsed "$t0" "$(now)")
compare replies replies "$replies_s" "$syncs"
