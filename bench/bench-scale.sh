#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# bench-scale.sh: dispo on a province's decade: a store of BENCH_SCALE
# requests (1,000,000; about ten events each) and the same questions asked
# of a store of BENCH_SCALE_SMALL (10,000), side by side: one holder's queue
# (requests list --holder), one request (requests show), a year's report,
# the timers' due scan (dispo timers with nothing due, as cron runs it) and
# the applications' CSV export, streamed (its peak RSS too). Lookups must
# grow no faster than the logarithm of the size (indexes), the export no
# faster than the size. Each store is dispo's own rows (bench/gen-store.py:
# BENCH_SCALE_SEEDS requests taken in and decided by dispo, then copied
# back in time). Every command is a whole process, as an administrator or
# a cron job runs it; lookups count their best of three.
set -eu
: "${DISPO_BUILDDIR:?run through make bench}"
: "${DISPO_SRCDIR:=$DISPO_BUILDDIR}"
. "$DISPO_SRCDIR/bench/lib.sh"
big=${BENCH_SCALE:-1000000}
small=${BENCH_SCALE_SMALL:-10000}
seeds=${BENCH_SCALE_SEEDS:-200}
bench_start bench-scale "${TMPDIR:-/var/tmp}"
ms() { awk -v s="$1" 'BEGIN { printf "%.1f", s * 1000 }'; }

printf '[general]\ndata_dir = data\n[policy]\nrequire_authentication = false\n' >dispo.conf
printf 'answers_per_hour = 10000\nanswers_per_day = 240000\n' >>dispo.conf
python3 "$DISPO_SRCDIR/bench/gen-store.py" seed "$dispo" "$out/dispo.conf" "$b/gen-mail" \
	"$DISPO_SRCDIR/rules/register-contoh.csv" "$seeds"
"$dispo" --config dispo.conf outbox flush >/dev/null
sqlite3 -batch data/dispo.db "pragma wal_checkpoint(truncate)" >/dev/null
cp data/dispo.db seed.db

# store SIZE: a store of SIZE requests under s-SIZE/, its config s-SIZE.conf.
store() {
	mkdir -p "s-$1/data"
	cp seed.db "s-$1/data/dispo.db"
	t0=$(now)
	python3 "$DISPO_SRCDIR/bench/gen-store.py" clone "s-$1/data/dispo.db" "$1"
	echo "scale: a store of $1 requests made in $(elapsed "$t0" "$(now)") s"
	sed "s|^data_dir = data$|data_dir = s-$1/data|" dispo.conf >"s-$1.conf"
}
# ask SIZE: the questions, as "name seconds [rss]" lines in ask-SIZE.txt.
ask() {
	c=s-$1.conf db=s-$1/data/dispo.db
	mid=$(sqlite3 -batch "$db" "select number from requests where id = (select max(id) / 2 from requests)")
	year=$(sqlite3 -batch "$db" "select strftime('%Y', (min(created_at) + max(created_at)) / 2, 'unixepoch') from requests")
	first=$(sqlite3 -batch "$db" "select strftime('%Y-%m-%dT%H:%M:%S+00:00', min(created_at), 'unixepoch') from requests")
	{
		echo "holder $(measure -n 3 "$dispo" --config "$c" requests list --holder agus.prasetyo@kuduskab.go.id --format csv)"
		echo "show $(measure -n 3 "$dispo" --config "$c" requests show "$mid")"
		echo "timers $(measure -n 3 "$dispo" --config "$c" --now "$first" timers)"
		echo "report $(measure "$dispo" --config "$c" report --from "$year-01-01" --to "$year-12-31")"
		echo "export $(measure -o "export-$1.csv" "$dispo" --config "$c" records applications --format csv)"
	} >"ask-$1.txt"
	# A question that failed has no time: stop here, not with a figure.
	[ "$(awk 'NF < 3' "ask-$1.txt")" = "" ] || { cat "ask-$1.txt" >&2; exit 1; }
	rows=$(($(wc -l <"export-$1.csv") - 1))
	n=$(sqlite3 -batch "$db" "select count(*) from requests")
	[ "$rows" = "$n" ] && [ "$n" -ge "$1" ] ||
		{ echo "bench-scale: a store of $n requests for $1, its export has $rows rows" >&2; exit 1; }
	bytes=$(($(stat -c %s "$db") + $(stat -c %s "$db-wal" 2>/dev/null || echo 0)))
	events=$(sqlite3 -batch "$db" "select count(*) from events")
	echo "bytes $bytes $events" >>"ask-$1.txt"
	rm -f "export-$1.csv"
}
get() { awk -v k="$2" -v f="$3" '$1 == k { print $f }' "ask-$1.txt"; }

store "$small"
ask "$small"
rm -rf "s-$small"
store "$big"
ask "$big"
[ -n "${BENCH_KEEP:-}" ] || rm -rf "s-$big"

echo "scale: $big requests ($(get "$big" bytes 3) events) against $small ($(get "$small" bytes 3) events); ratio = the big store's time over the small one's"
for q in holder:50 show:20 timers:50; do
	name=${q%%:*} limit=${q#*:}
	t_big=$(get "$big" "$name" 2) t_small=$(get "$small" "$name" 2)
	figure "scale_${name}" "$(ms "$t_big")" ms "$(ratio "$t_big" "$t_small")" "value<$limit"
	# Logarithmic growth: no more than log(big)/log(small) times slower.
	figure "scale_${name}_growth" "$(ms "$t_small")" "ms@$small" "$(ratio "$t_big" "$t_small")" \
		"ratio<=$(awk -v a="$big" -v b="$small" 'BEGIN { printf "%.2f", log(a) / log(b) }')"
done
t_big=$(get "$big" report 2) t_small=$(get "$small" report 2)
figure scale_report_year "$(ms "$t_big")" ms "$(ratio "$t_big" "$t_small")" "value<2000"
t_big=$(get "$big" export 2) t_small=$(get "$small" export 2)
figure scale_export_csv "$(ratio "$big" "$t_big")" rows/s "$(ratio "$t_big" "$t_small")" \
	"ratio<=$(awk -v a="$big" -v b="$small" 'BEGIN { print a / b }')"
r_big=$(get "$big" export 3) r_small=$(get "$small" export 3)
figure scale_export_csv_rss "$r_big" KB "$(ratio "$r_big" "$r_small")" "ratio<=1.1"
figure scale_bytes_per_request "$(($(get "$big" bytes 2) / big))" B "-" "-"
