#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# test-help.sh: every command that dispo --help lists has a --help of its
# own: exit 0, a usage line that names that command, and a description
# that is not another command's (certificates once printed records' help).
. "$(dirname "$0")/lib.sh"

expect_exit 0 "$DISPO" --help
awk '/^Commands:/ { on = 1; next } on && /^  [a-z]/ { print $1 } on && /^$/ { on = 0 }' out >commands
[ "$(wc -l <commands)" -ge 10 ] || { cat out >&2; fail "dispo --help lists too few commands"; }
grep -qx certificates commands || fail "dispo --help does not list certificates"

while read -r cmd; do
	expect_exit 0 "$DISPO" "$cmd" --help
	[ ! -s err ] || fail "$cmd --help wrote to stderr"
	# GLib's layout: "Usage:", the usage line, a blank line, the description
	# up to the next blank line, then "Help Options:".
	usage=$(sed -n 2p out)
	printf '%s\n' "$usage" | grep -qE "^  dispo \[OPTION[^]]*\] $cmd( |\$)" ||
		{ cat out >&2; fail "$cmd --help: the usage line does not name $cmd: $usage"; }
	awk 'NR > 3 && /^$/ { exit } NR > 3 { print }' out >"desc.$cmd"
	[ -s "desc.$cmd" ] || { cat out >&2; fail "$cmd --help has no description"; }
	for other in desc.*; do
		[ "$other" = "desc.$cmd" ] && continue
		! cmp -s "$other" "desc.$cmd" ||
			fail "$cmd --help describes ${other#desc.}: $(head -1 "desc.$cmd")"
	done
done <commands
ok "each command's --help is its own ($(wc -l <commands | tr -d ' ') commands)"
