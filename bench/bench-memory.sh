#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# bench-memory.sh: peak memory of dispo import taking in one application
# with a 50 MB attachment (streamed from disk to disk, never held whole),
# against the same command taking in a small one (the idle figure: the
# process, its libraries, the rules); then bench-memory's side-by-side of
# the streaming parse and a naive one that reads the message first.
set -eu
: "${DISPO_BUILDDIR:?run through make bench}"
: "${DISPO_SRCDIR:=$DISPO_BUILDDIR}"
. "$DISPO_SRCDIR/bench/lib.sh"
mb=${BENCH_ATTACHMENT_MB:-50}
bench_start bench-memory

"$b/gen-mail" applications 1 small
"$b/gen-mail" attachment "$mb" big.eml
for d in idle big; do
	printf '[general]\ndata_dir = %s\n[policy]\nrequire_authentication = false\n' "$d" >"$d.conf"
	printf '[limits]\nmessage_size = %d\n' $(((mb + 20) << 20)) >>"$d.conf"
done
idle=$(measure "$dispo" --config idle.conf import -q small | cut -d' ' -f2)
big=$(measure "$dispo" --config big.conf import -q big.eml | cut -d' ' -f2)
[ "$(sqlite3 -batch big/dispo.db "select count(*) from messages")" = 1 ] ||
	{ echo "bench-memory: the big message was not stored" >&2; exit 1; }
echo "memory: dispo import of one message with a $mb MB attachment, against one small application"
figure memory_${mb}mb_over_idle "$((big - idle))" KB "$(ratio "$big" "$idle")" "value<65536"
mkdir att
"$b/bench-memory" big.eml "$mb" att
