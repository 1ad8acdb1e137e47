#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# test-config-doc.sh: every key src/lib/config.c reads is documented in
# doc/dispo.conf.5 under its own group (an administrator who follows the
# page must put it where the program looks), is in config.c's known_keys
# (or dispo would call its own key unknown), and the page documents no key
# the program does not read.
set -u
: "${DISPO_SRCDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
SRC="$DISPO_SRCDIR/src/lib/config.c"
MAN="$DISPO_SRCDIR/doc/dispo.conf.5"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# config.c as one line, so that a call broken over lines is still one match.
tr '\n\t' '  ' <"$SRC" | tr -s ' ' >"$WORK/flat"

# The reads: get_string/get_bool/get_uint/get_size/get_duration/location/
# optional_path (kf[, origin], "group", "key" ...), as group.key.
grep -oE '(get_[a-z]+|location|optional_path)\(kf, (origin, )?"[a-z]+", "[a-z_]+"' "$WORK/flat" |
	sed -E 's/.*"([a-z]+)", "([a-z_]+)"$/\1.\2/' >"$WORK/reads"
# A read whose key is an element of a string array (imap's folders[i]):
# the array's strings are the keys.
grep -oE '(get_[a-z]+|location|optional_path)\(kf, (origin, )?"[a-z]+", [a-z_]+\[i\]' "$WORK/flat" |
	sed -E 's/.*"([a-z]+)", ([a-z_]+)\[i\]$/\1 \2/' | while read -r group array; do
	keys=$(grep -oE "$array\\[\\] = \\{[^}]*\\}" "$WORK/flat" | head -1 | grep -oE '"[a-z_]+"' | tr -d '"')
	[ -n "$keys" ] || fail "config.c reads [$group] $array[i], but the array $array is not found"
	for k in $keys; do echo "$group.$k"; done
done >>"$WORK/reads"
sort -u -o "$WORK/reads" "$WORK/reads"
[ "$(wc -l <"$WORK/reads")" -ge 40 ] || { cat "$WORK/reads" >&2; fail "found too few reads in config.c"; }

# known_keys[]: the keys that are not reported as unknown.
sed -n '/known_keys\[\] = {/,/^};/p' "$SRC" | grep -oE '"[a-z]+\.[a-z_]+"' | tr -d '"' |
	sort -u >"$WORK/known"
[ -s "$WORK/known" ] || fail "known_keys not found in config.c"

# The page: a key is a .TP item whose tag line is .B key (or .BR key ...)
# inside a section .SH [group].
awk '/^\.SH / { g = ""; if ($2 ~ /^\[[a-z]+\]$/) g = substr($2, 2, length($2) - 2); next }
     /^\.TP/ { tp = 1; next }
     tp && g != "" && /^\.BR? [a-z_]+/ { print g "." $2 }
     { tp = 0 }' "$MAN" | sort -u >"$WORK/documented"
[ -s "$WORK/documented" ] || fail "no keys found in dispo.conf.5"

status=0
for k in $(comm -23 "$WORK/reads" "$WORK/known"); do
	echo "config.c reads $k but known_keys lacks it (dispo would call it unknown)" >&2
	status=1
done
for k in $(comm -13 "$WORK/reads" "$WORK/known"); do
	echo "known_keys has $k, which config.c never reads" >&2
	status=1
done
for k in $(comm -23 "$WORK/reads" "$WORK/documented"); do
	group=${k%%.*} key=${k#*.}
	where=$(grep -x "[a-z]*\\.$key" "$WORK/documented" | sed 's/\..*//' | tr '\n' ' ' | sed 's/ $//')
	echo "dispo.conf.5 does not document [$group] $key${where:+ (it is under: $where)}" >&2
	status=1
done
for k in $(comm -13 "$WORK/reads" "$WORK/documented"); do
	echo "dispo.conf.5 documents ${k%%.*}.${k#*.}, which config.c never reads" >&2
	status=1
done
[ "$status" = 0 ] || fail "dispo.conf.5 and config.c disagree"
echo "ok: $(wc -l <"$WORK/reads" | tr -d ' ') keys, each documented under its group"
