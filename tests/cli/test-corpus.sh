#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# test-corpus.sh: dispo import of the whole shared MIME corpus accounts for
# every file and every message, and a second import finds them all stored.
. "$(dirname "$0")/lib.sh"

corpus=${DISPO_TESTDATA:-$DISPO_SRCDIR/../shared/testdata}/mime
[ -d "$corpus" ] || skip "../shared/testdata/mime not found (set DISPO_TESTDATA)"

files=$(find "$corpus" -type f ! -name '.*' | wc -l)
expect_exit 0 "$DISPO" import "$corpus"
cat out
line=$(cat out)
n_files=$(echo "$line" | sed -n 's/^\([0-9]*\) files.*/\1/p')
[ "$n_files" = "$files" ] || fail "$n_files files read, the corpus has $files"
set -- $(echo "$line" | sed -n 's/.* \([0-9]*\) messages: \([0-9]*\) stored, \([0-9]*\) duplicate, \([0-9]*\) unparseable, \([0-9]*\) over limit.*/\1 \2 \3 \4 \5/p')
[ $# = 5 ] || fail "summary not understood: $line"
[ $(($2 + $3 + $4 + $5)) = "$1" ] || fail "stored+duplicate+unparseable+over limit != messages"
rows=$(sqlite3 var/dispo.db 'select count(*) from messages')
[ "$rows" = $(($2 + $4 + $5)) ] || fail "$rows rows for $(($2 + $4 + $5)) new messages"
[ "$(sqlite3 var/dispo.db "select count(*) from messages where status != 'parsed' and problem is null")" = 0 ] ||
	fail "a marked message without its reason"
ok "every file accounted for: $line"

expect_exit 0 "$DISPO" import "$corpus"
contains out "$1 messages: 0 stored, $1 duplicate"
ok "a second import stores nothing"
