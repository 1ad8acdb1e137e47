#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# bench-intake.sh: dispo import end to end (parse, policy, store, commit,
# the workflow started or moved on, its emails rendered into the outbox)
# side by side in one run with what it cannot go below and with what an
# office would otherwise run, on the same files:
#   cat         reading the files (the page cache's pace)
#   GMime floor bench/mime-floor: parse and decode every part, nothing kept
#   Python      bench/py-floor.py: Python's email package, the same work
# first on BENCH_APPS applications (three documents, 100 KB to 2 MB each
# message, sizes spread the same way in every run), then on BENCH_REPLIES
# officials' replies (Outlook-style, quoting) to those applications' emails.
# Each floor runs BENCH_ROUNDS times and its best time counts (the machine
# is shared); dispo runs once per set, on a fresh store.
set -eu
: "${DISPO_BUILDDIR:?run through make bench}"
: "${DISPO_SRCDIR:=$DISPO_BUILDDIR}"
. "$DISPO_SRCDIR/bench/lib.sh"
n_apps=${BENCH_APPS:-2000}
n_replies=${BENCH_REPLIES:-20000}
rounds=${BENCH_ROUNDS:-3}
bench_start bench-intake

# best CMD...: the shortest of $rounds runs of a floor ("files bytes secs").
best() {
	_best=""
	_i=0
	while [ $_i -lt "$rounds" ]; do
		_s=$("$@" | awk '{ print $3 }')
		_best=$(awk -v a="$_best" -v b="$_s" 'BEGIN { print (a == "" || b < a) ? b : a }')
		_i=$((_i + 1))
	done
	echo "$_best"
}
# cat_floor DIR: the files read, as the floors print it ("- - secs").
cat_floor() {
	t0=$(now)
	find "$1" -type f -exec cat {} + >/dev/null
	echo "- - $(elapsed "$t0" "$(now)")"
}

# compare LABEL DIR DISPO-SECS RATIO-TARGET: the figures of one set.
compare() {
	label=$1 dir=$2 dispo_s=$3 target=$4
	files=$(find "$dir" -type f | wc -l)
	mb=$(awk -v b="$(du -sb "$dir" | cut -f1)" 'BEGIN { printf "%.2f", b / 1048576 }')
	cat_s=$(best cat_floor "$dir")
	floor_s=$(best "$b/mime-floor" "$dir")
	py_s=$(best python3 "$DISPO_SRCDIR/bench/py-floor.py" "$dir")
	echo "intake: $files $label, $mb MB; best of $rounds for each floor, dispo once"
	figure "intake_${label}_dispo" "$(ratio "$files" "$dispo_s")" msg/s "-" "-"
	figure "intake_${label}_dispo_mb" "$(ratio "$mb" "$dispo_s")" MB/s "-" "-"
	figure "intake_${label}_vs_gmime_floor" "$(ratio "$files" "$floor_s")" msg/s \
		"$(ratio "$floor_s" "$dispo_s")" "ratio>=$target"
	figure "intake_${label}_vs_python" "$(ratio "$files" "$py_s")" msg/s \
		"$(ratio "$py_s" "$dispo_s")" "ratio>=10"
	figure "intake_${label}_vs_cat" "$(ratio "$mb" "$cat_s")" MB/s \
		"$(ratio "$cat_s" "$dispo_s")" "-"
}

printf '[general]\ndata_dir = data\n[policy]\nrequire_authentication = false\n' >dispo.conf
printf 'answers_per_hour = 10000\nanswers_per_day = 240000\n' >>dispo.conf
"$b/gen-mail" register "$n_apps" "$DISPO_SRCDIR/rules/register-contoh.csv" register.csv
"$b/gen-mail" applications "$n_apps" apps 100 2048
"$dispo" --config dispo.conf employees import register.csv >/dev/null
t0=$(now)
"$dispo" --config dispo.conf import -q --no-send apps
apps_s=$(elapsed "$t0" "$(now)")
opened=$(sqlite3 -batch data/dispo.db "select count(*) from requests")
echo "intake: $opened of $n_apps applications opened a request (the rest are refused as they should be: officials' own addresses with an applicant's NIP)"
compare applications apps "$apps_s" 0.8

sqlite3 -batch -separator ' ' data/dispo.db \
	"select t.token, t.address, r.number from tokens t join requests r on r.id = t.request_id
	 where t.purpose = 'reply' and t.used_at is null order by t.rowid" >tokens.txt
"$b/gen-mail" replies "$n_replies" replies tokens.txt
moved0=$(sqlite3 -batch data/dispo.db "select count(*) from events where kind in ('approve', 'forward')")
t0=$(now)
"$dispo" --config dispo.conf import -q --no-send replies
replies_s=$(elapsed "$t0" "$(now)")
moved=$(($(sqlite3 -batch data/dispo.db "select count(*) from events where kind in ('approve', 'forward')") - moved0))
echo "intake: the replies moved $moved requests on (one decision per token; the rest are notes)"
compare replies replies "$replies_s" 0.5
