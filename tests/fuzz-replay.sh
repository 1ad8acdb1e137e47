#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# fuzz-replay.sh: every fuzz target replays its seed corpus (our emails, the
# shared MIME and bounce corpora, config seeds) without crashing.
set -eu
: "${DISPO_SRCDIR:?run through make check}"
b=$DISPO_BUILDDIR/fuzz
shared=${DISPO_TESTDATA:-$DISPO_SRCDIR/../shared/testdata}
extra=""
if [ -d "$shared/mime" ]; then
	extra="$shared/mime $shared/bounces"
else
	echo "note: ../shared/testdata not found; replaying the project's own seeds only"
fi
"$b/fuzz-mime" "$DISPO_SRCDIR/tests/mime/data" "$DISPO_SRCDIR/fuzz/corpus/mime" $extra
"$b/fuzz-html" "$DISPO_SRCDIR/tests/mime/data" "$DISPO_SRCDIR/fuzz/corpus/html" \
	"$DISPO_SRCDIR/fuzz/corpus/mime" $extra
"$b/fuzz-mbox" "$DISPO_SRCDIR/fuzz/corpus/mbox" "$DISPO_SRCDIR/tests/mime/data" $extra
"$b/fuzz-config" "$DISPO_SRCDIR/fuzz/corpus/config"
"$b/fuzz-csv" "$DISPO_SRCDIR/fuzz/corpus/csv"
"$b/fuzz-authres" "$DISPO_SRCDIR/fuzz/corpus/authres"
"$b/fuzz-form" "$DISPO_SRCDIR/fuzz/corpus/form"
"$b/fuzz-forward" "$DISPO_SRCDIR/fuzz/corpus/forward" "$DISPO_SRCDIR/fuzz/corpus/form" "$DISPO_SRCDIR/tests/mime/data"
"$b/fuzz-mustache" "$DISPO_SRCDIR/fuzz/corpus/mustache"
"$b/fuzz-rules" "$DISPO_SRCDIR/fuzz/corpus/rules" "$DISPO_SRCDIR/rules"
"$b/fuzz-reply" "$DISPO_SRCDIR/fuzz/corpus/reply" "$DISPO_SRCDIR/tests/mime/data"
"$b/fuzz-bounce" "$DISPO_SRCDIR/fuzz/corpus/bounce" "$DISPO_SRCDIR/tests/reply/data/bounces" $extra
"$b/fuzz-notice" "$DISPO_SRCDIR/fuzz/corpus/notice" "$DISPO_SRCDIR/fuzz/corpus/form"
"$b/fuzz-imap" "$DISPO_SRCDIR/fuzz/corpus/imap"
"$b/fuzz-flow" "$DISPO_SRCDIR/fuzz/corpus/flow" "$DISPO_SRCDIR/templates/id" "$DISPO_SRCDIR/templates/en"
