#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# test-bench-quick.sh: make bench-quick, in make check: every benchmark runs
# on a handful of messages and a small store and prints its figures. It
# shows that they run, nothing about speed (the figures of so few messages
# on a shared machine mean nothing; make bench is where they are measured).
# bench-smtp and bench-serve need root for Postfix and say so otherwise.
set -u
: "${DISPO_SRCDIR:?run through make check}"
: "${DISPO_BUILDDIR:?run through make check}"
export DISPO_SRCDIR DISPO_BUILDDIR
# Benchmarks of an instrumented binary say nothing, and strace and
# LeakSanitizer do not mix: the plain build's make check runs this one.
if grep -q __asan_init "$DISPO_BUILDDIR/src/dispo"; then
	echo "SKIP: $DISPO_BUILDDIR/src/dispo is built with AddressSanitizer; make check of the plain build runs the benchmarks"
	exit 77
fi
export BENCH_APPS=12 BENCH_REPLIES=60 BENCH_ROUNDS=1 BENCH_DELIVER=6 BENCH_ATTACHMENT_MB=2
export BENCH_SCALE=1500 BENCH_SCALE_SMALL=300 BENCH_SCALE_SEEDS=30
export BENCH_SMTP_APPLICATIONS=10 BENCH_SERVE_LATENCY=5 BENCH_SERVE_SMALL=5 BENCH_SERVE_MANY=20
results=$(mktemp "${TMPDIR:-/tmp}/dispo-bench-quick.XXXXXX")
trap 'rm -f "$results"' EXIT
export BENCH_RESULTS=$results
for s in bench-intake bench-deliver bench-memory bench-smtp bench-serve bench-scale; do
	sh "$DISPO_SRCDIR/bench/$s.sh" >"$results.out" 2>&1 || {
		cat "$results.out"
		echo "FAIL: $s"
		rm -f "$results.out"
		exit 1
	}
	grep -q "skipped" "$results.out" && { cat "$results.out"; rm -f "$results.out"; continue; }
	rm -f "$results.out"
	echo "ok: $s ran"
done
# Every figure line is whole: a name, a number or '-', a verdict.
n=$(wc -l <"$results")
bad=$(grep -vc '"verdict":"\(met\|missed\|-\)"' "$results")
[ "$n" -gt 20 ] && [ "$bad" = 0 ] || { cat "$results"; echo "FAIL: $n figures, $bad without a verdict"; exit 1; }
echo "ok: $n figures, each with its verdict"
