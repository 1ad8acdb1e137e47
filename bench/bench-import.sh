#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# bench-import.sh: throughput of dispo import, side by side in one run with
# a plain copy of the same files (cp + sync: the disk's own pace) and with
# one transaction per message (what batching buys), on 1,000 generated
# applications and on the shared MIME corpus; then the memory benchmark.
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

"$b/gen-mail" applications "$n" "$out/apps"
bytes=$(du -sb "$out/apps" | cut -f1)
mb=$(awk -v b="$bytes" 'BEGIN { printf "%.2f", b / 1048576 }')
echo "import: $n generated applications, $mb MB"

t0=$(now); cp -r "$out/apps" "$out/copy"; sync; t1=$(now)
copy_s=$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')

cd "$out"
printf '[general]\ndata_dir = batched\n[policy]\nrequire_authentication = false\n' >batched.conf
printf '[general]\ndata_dir = single\n[policy]\nrequire_authentication = false\n[store]\nimport_batch = 1\n' >single.conf
t0=$(now); "$dispo" --config batched.conf import -q apps; t1=$(now)
batched_s=$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')
t0=$(now); "$dispo" --config single.conf import -q apps; t1=$(now)
single_s=$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')
t0=$(now); "$dispo" --config batched.conf import -q apps; t1=$(now)
again_s=$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')

printf '  cp + sync (baseline)       %6s MB/s\n' "$(rate "$mb" "$copy_s")"
printf '  dispo import, batched      %6s MB/s  %7s messages/s  (%.2f x the copy)\n' \
	"$(rate "$mb" "$batched_s")" "$(rate "$n" "$batched_s")" \
	"$(awk -v c="$copy_s" -v d="$batched_s" 'BEGIN { print c / d }')"
printf '  dispo import, batch of 1   %6s MB/s  %7s messages/s  (batching is %.1f x faster)\n' \
	"$(rate "$mb" "$single_s")" "$(rate "$n" "$single_s")" \
	"$(awk -v s="$single_s" -v d="$batched_s" 'BEGIN { print s / d }')"
printf '  again (all duplicates)     %6s MB/s  %7s messages/s\n' \
	"$(rate "$mb" "$again_s")" "$(rate "$n" "$again_s")"

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
