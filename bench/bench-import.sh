#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# bench-import.sh: throughput of dispo import, side by side in one run with
# a plain copy of the same files (cp + sync: the disk's own pace) and with
# one transaction per message (what batching buys), on 1,000 generated
# applications (small PDFs; then a 1 MB scan each) and on the shared MIME
# corpus; then the memory benchmark.
set -eu
: "${DISPO_BUILDDIR:=$(pwd)}"
: "${DISPO_SRCDIR:=$DISPO_BUILDDIR}"
dispo=$DISPO_BUILDDIR/src/dispo
b=$DISPO_BUILDDIR/bench
n=${BENCH_APPLICATIONS:-1000}
out=$(mktemp -d "${TMPDIR:-/tmp}/dispo-bench.XXXXXX")
trap 'rm -rf "$out"' EXIT
now() { date +%s.%N; }
rate() { awk -v a="$1" -v s="$2" 'BEGIN { printf "%.1f", a / s }'; }

cd "$out"
# import_apps N LABEL SCAN-KB: one set of applications, four ways side by side.
import_apps() {
	n=$1; label=$2; shift 2
	dir="$out/apps-$1"
	"$b/gen-mail" applications "$n" "$dir" ${1#0}
	bytes=$(du -sb "$dir" | cut -f1)
	mb=$(awk -v b="$bytes" 'BEGIN { printf "%.2f", b / 1048576 }')
	echo "import: $n generated applications $label, $mb MB"

	t0=$(now); cp -r "$dir" "$dir.copy"; sync; t1=$(now)
	copy_s=$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')
	printf '[general]\ndata_dir = batched-%s\n[policy]\nrequire_authentication = false\n' "$1" >b.conf
	printf '[general]\ndata_dir = single-%s\n[policy]\nrequire_authentication = false\n[store]\nimport_batch = 1\n' "$1" >s.conf
	t0=$(now); "$dispo" --config b.conf import -q "$dir"; t1=$(now)
	batched_s=$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')
	t0=$(now); "$dispo" --config s.conf import -q "$dir"; t1=$(now)
	single_s=$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')
	t0=$(now); "$dispo" --config b.conf import -q "$dir"; t1=$(now)
	again_s=$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')

	printf '  cp + sync (baseline)       %7s MB/s\n' "$(rate "$mb" "$copy_s")"
	printf '  dispo import, batched      %7s MB/s  %7s messages/s  (%.2f x the copy)\n' \
		"$(rate "$mb" "$batched_s")" "$(rate "$n" "$batched_s")" \
		"$(awk -v c="$copy_s" -v d="$batched_s" 'BEGIN { print c / d }')"
	printf '  dispo import, batch of 1   %7s MB/s  %7s messages/s  (batching is %.1f x faster)\n' \
		"$(rate "$mb" "$single_s")" "$(rate "$n" "$single_s")" \
		"$(awk -v s="$single_s" -v d="$batched_s" 'BEGIN { print s / d }')"
	printf '  again (all duplicates)     %7s MB/s  %7s messages/s\n' \
		"$(rate "$mb" "$again_s")" "$(rate "$n" "$again_s")"
}
import_apps "$n" "with small PDFs" 0
import_apps "${BENCH_LARGE:-200}" "with a 1 MB KTP scan each" 1024

corpus=${DISPO_TESTDATA:-$DISPO_SRCDIR/../shared/testdata}/mime
if [ -d "$corpus" ]; then
	printf '[general]\ndata_dir = corpus\n[policy]\nrequire_authentication = false\n' >corpus.conf
	cmb=$(awk -v b="$(du -sb "$corpus" | cut -f1)" 'BEGIN { printf "%.2f", b / 1048576 }')
	echo "import: shared MIME corpus, $cmb MB"
	"$dispo" --config corpus.conf import "$corpus" | sed 's/^/  /'
else
	echo "import: shared MIME corpus not found, skipped"
fi

"$b/gen-mail" attachment 50 "$out/big.eml"
mkdir -p "$out/att"
"$b/bench-memory" "$out/big.eml" 50 "$out/att"
