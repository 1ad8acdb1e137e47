# SPDX-License-Identifier: GPL-3.0-or-later
# bench/lib.sh: what the benchmarks share. Sourced (POSIX sh).
#
#   now                      seconds since the epoch, to the nanosecond
#   elapsed T0 T1            T1 - T0
#   ratio A B                A / B (4 significant digits), "-" if B is 0
#   figure NAME VALUE UNIT RATIO TARGET
#       one figure, printed as "NAME VALUE UNIT RATIO TARGET met|missed"
#       and added to $BENCH_RESULTS (JSON lines; make bench gathers them
#       into bench/results/). TARGET is "ratio>=X", "ratio<=X", "value<X",
#       "value<=X" or "-" (a figure shown for comparison, no target).
#       RATIO is "-" where nothing is compared side by side.
#   bench_start NAME [DIR]  sets dispo (the built binary) and b (bench/'s
#       programs), makes a scratch directory under DIR ($TMPDIR or /tmp),
#       removed at exit (kept when BENCH_KEEP is set, to profile what
#       it made), and enters it
#   measure ARGS...          bench/measure.py: "SECONDS PEAK-RSS-KB" of a command
# Figures are printed as they come, so a long run shows its progress.

bench_start() {
	dispo=$DISPO_BUILDDIR/src/dispo
	b=$DISPO_BUILDDIR/bench
	out=$(mktemp -d "${2:-${TMPDIR:-/tmp}}/dispo-$1.XXXXXX")
	if [ -n "${BENCH_KEEP:-}" ]; then
		trap 'echo "bench: kept $out" >&2' EXIT
	else
		trap 'rm -rf "$out"' EXIT
	fi
	cd "$out" || exit 1
}
measure() { python3 "$DISPO_SRCDIR/bench/measure.py" "$@"; }

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.6f", b - a }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b == 0) print "-"; else printf "%.4g", a / b }'; }

figure() {
	_name=$1 _value=$2 _unit=$3 _ratio=$4 _target=$5
	_verdict=$(awk -v v="$_value" -v r="$_ratio" -v t="$_target" 'BEGIN {
		if (t == "-") { print "-"; exit }
		if (match(t, /^(ratio|value)(>=|<=|<|>)/) == 0) { print "bad-target"; exit }
		what = substr(t, 1, 5); op = substr(t, 6, RLENGTH - 5); lim = substr(t, RLENGTH + 1) + 0
		x = (what == "ratio") ? r : v
		if (x == "-" || x == "") { print "missed"; exit }
		x += 0
		ok = (op == ">=") ? x >= lim : (op == "<=") ? x <= lim : (op == "<") ? x < lim : x > lim
		print ok ? "met" : "missed" }')
	printf '%-34s %12s %-10s %9s %-12s %s\n' "$_name" "$_value" "$_unit" "$_ratio" "$_target" "$_verdict"
	if [ -n "${BENCH_RESULTS:-}" ]; then
		printf '{"name":"%s","value":%s,"unit":"%s","ratio":%s,"target":"%s","verdict":"%s"}\n' \
			"$_name" "$(json_number "$_value")" "$_unit" "$(json_number "$_ratio")" "$_target" \
			"$_verdict" >>"$BENCH_RESULTS"
	fi
}
json_number() { case $1 in '' | - | *[!0-9.eE+-]*) echo null ;; *) echo "$1" ;; esac; }
