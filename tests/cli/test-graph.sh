#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# test-graph.sh: dispo rules graph gives one DOT document per workflow that
# Graphviz really draws: every shipped workflow (and the embedded default's)
# through dot -Tsvg into well-formed XML naming each step, hostile titles
# shown as written, -o DIR, and the choice made when no workflow is named.
. "$(dirname "$0")/lib.sh"

if ! command -v dot >/dev/null || ! command -v xmllint >/dev/null; then
	# CI installs them (scripts/install-deps): there, a missing tool is a failure.
	[ "${CI:-}" != true ] || fail "dot (graphviz) or xmllint (libxml2-utils) is missing"
	skip "needs dot (graphviz) and xmllint (libxml2-utils): run scripts/install-deps"
fi

R="$DISPO_SRCDIR/rules"

# svg DOTFILE: draws it into DOTFILE.svg; dot must say nothing (a syntax
# error it recovers from is a warning) and the SVG must be well-formed XML.
svg() {
	dot -Tsvg "$1" >"$1.svg" 2>"$1.err" || { cat "$1.err" >&2; fail "dot -Tsvg $1 failed"; }
	[ ! -s "$1.err" ] || { cat "$1.err" >&2; fail "dot -Tsvg $1 warned"; }
	xmllint --noout "$1.svg" || fail "$1.svg is not well-formed XML"
}
# xp SVG XPATH: the XPath's value (SVG elements are in a namespace).
xp() { xmllint --xpath "$2" "$1"; }
# node_text SVG NAME: the text of the node whose id is NAME, a line each.
node_text() { xp "$1" "string(//*[local-name()='g'][@class='node'][*[local-name()='title']='$2'])"; }
# steps FILE...: "workflow step title" for each step and end, from the source.
steps() {
	awk '$1 == "workflow" { wf = $2 }
	     $1 == "step" || $1 == "end" { t = $0; sub(/^[^"]*"/, "", t); sub(/".*/, "", t); print wf, $2, t }' "$@"
}

# Every shipped workflow, each drawn alone with --workflow.
steps "$R"/*.rules >steps.txt
[ "$(cut -d' ' -f1 steps.txt | sort -u | wc -l)" = 2 ] || fail "expected 2 shipped workflows"
for wf in $(cut -d' ' -f1 steps.txt | sort -u); do
	expect_exit 0 "$DISPO" rules graph --workflow "$wf" "$R"/*.rules
	[ ! -s err ] || fail "--workflow $wf: nothing on stderr"
	[ "$(grep -c '^digraph ' out)" = 1 ] || fail "--workflow $wf: one graph"
	mv out "$wf.dot"
	svg "$wf.dot"
	n=0
	while read -r w name title; do
		[ "$w" = "$wf" ] || continue
		n=$((n + 1))
		node_text "$wf.dot.svg" "$name" >node.txt
		grep -qxF "$name" node.txt || fail "$wf: no node $name in the SVG"
		grep -qxF "$title" node.txt || { cat node.txt >&2; fail "$wf: node $name lacks its title '$title'"; }
	done <steps.txt
	# The steps and the start point, and nothing else.
	[ "$(xp "$wf.dot.svg" "count(//*[local-name()='g'][@class='node'])")" = $((n + 1)) ] ||
		fail "$wf: $n steps, but other nodes in the SVG"
done
ok "each shipped workflow is a DOT document that dot draws, every step named"

# -o DIR: DIR/<workflow>.dot for each, the same bytes as --workflow, and
# the paths on stdout; DIR is made when missing.
expect_exit 0 "$DISPO" rules graph -o lanes/out "$R"/*.rules
[ "$(ls lanes/out | wc -l)" = 2 ] || fail "-o: one file per workflow"
for wf in pendaftaran pencabutan; do
	cmp -s "lanes/out/$wf.dot" "$wf.dot" || fail "-o: $wf.dot differs from --workflow $wf"
	contains out "lanes/out/$wf.dot"
done
# With --workflow, only that one.
expect_exit 0 "$DISPO" rules graph -o one --workflow pencabutan "$R"/*.rules
[ "$(ls one)" = pencabutan.dot ] || fail "-o with --workflow: only pencabutan.dot"
# A DIR that cannot be a directory.
: >afile
expect_exit 73 "$DISPO" rules graph -o afile "$R"/*.rules
contains err "afile"
ok "-o DIR writes DIR/<workflow>.dot for each"

# The embedded default (the demo's rules) draws the same workflows.
expect_exit 0 env DISPO_RULES_DIR=resource:///dispo/rules "$DISPO" rules graph -o embedded
for wf in pendaftaran pencabutan; do
	cmp -s "embedded/$wf.dot" "$wf.dot" || fail "the embedded $wf differs from rules/"
	svg "embedded/$wf.dot"
done
ok "the embedded default's workflows draw too"

# Neither option: dot reads only the first graph of a stream, so the
# documented `dispo rules graph | dot -Tsvg` gets the first workflow alone,
# and stderr names the others and the options.
expect_exit 0 "$DISPO" rules graph "$R"/*.rules
[ "$(grep -c '^digraph ' out)" = 1 ] || fail "one graph without --workflow"
cmp -s out pendaftaran.dot || fail "without --workflow: the first workflow (pendaftaran)"
contains err "warning: drew workflow 'pendaftaran' only; the rules also have: pencabutan"
contains err "--workflow NAME"
contains err "-o DIR"
"$DISPO" rules graph "$R"/*.rules 2>/dev/null | dot -Tsvg >piped.svg || fail "the documented pipe"
xmllint --noout piped.svg || fail "the documented pipe: not XML"
# One workflow: no warning.
expect_exit 0 "$DISPO" rules graph "$R"/roles.rules "$R"/sop-pencabutan.rules
[ ! -s err ] || fail "a single workflow needs no warning"
cmp -s out pencabutan.dot || fail "the single workflow"
ok "without --workflow, the first workflow and a warning naming the others"

# Unknown workflow: a usage error that lists the names, and nothing written.
expect_exit 64 "$DISPO" rules graph --workflow nope "$R"/*.rules
contains err "no workflow 'nope' (the rules have: pendaftaran, pencabutan)"
[ ! -s out ] || fail "nothing on stdout for an unknown workflow"
expect_exit 64 "$DISPO" rules graph --workflow nope -o none "$R"/*.rules
[ ! -e none ] || fail "-o with an unknown workflow made a directory"
ok "an unknown --workflow is exit 64 with the workflows' names"

# Hostile titles: quotes, backslashes (one last, before the closing quote),
# DOT's own escapes (\n \N \G \l), HTML and entities, ]]>, record-shape
# characters, UTF-8, tab/VT/FF (the rules lexer lets them into quoted text)
# and U+FFFF (GLib's UTF-8 check lets it through; XML forbids it).
{
	printf 'role kasi_ti "Kasi \\"TI\\" <b>&amp; \\\\N"\n'
	printf 'role ver "V\303\251rifikator \342\200\224 \346\244\234\350\250\274 & co \\\\"\n'
	printf 'workflow w "W \\"quoted\\" back\\\\slash <html> &foo; \\\\n"\n'
	printf '  tag SE\n  mailbox sertifikat@kuduskab.go.id\n  acknowledge tanda_terima\n  refuse penolakan\n'
	printf '  step a "Kadin \\"x\\" \\\\G\\\\N \\\\l\\\\n <b>b</b> &lt; &#x1; ]]> \303\234r\303\274n \357\277\277 end\\\\" role kasi_ti sla 10m send disposisi\n'
	printf '    on SETUJU -> b\n'
	printf '  step b "tab\there\vvt\fff" role ver send disposisi\n'
	printf '    on SETUJU -> selesai\n'
	printf '  end selesai "Selesai & {x} | y; [z] -> \\"" notify keputusan\n'
} >hostile.rules
expect_exit 0 "$DISPO" rules graph hostile.rules
mv out hostile.dot
svg hostile.dot
[ "$(xp hostile.dot.svg "count(//*[local-name()='g'][@class='node'])")" = 4 ] ||
	fail "hostile: three steps and the start, no node more"
[ "$(xp hostile.dot.svg "count(//*[local-name()='g'][@class='edge'])")" = 3 ] ||
	fail "hostile: three edges"
node_text hostile.dot.svg a >a.txt
# Shown as written: \G, \N, \n are not expanded, entities not decoded,
# U+FFFF is U+FFFD.
printf 'Kadin "x" \\G\\N \\l\\n <b>b</b> &lt; &#x1; ]]> \303\234r\303\274n \357\277\275 end\\\n' >want.txt
grep -qxFf want.txt a.txt || { cat a.txt >&2; fail "hostile: step a's title is not shown as written"; }
grep -qxF 'SLA 10m' a.txt || fail "hostile: the SLA line after a trailing backslash"
node_text hostile.dot.svg b | grep -qxF 'tab here vt ff' || fail "hostile: control characters as spaces"
node_text hostile.dot.svg selesai | grep -qxF 'Selesai & {x} | y; [z] -> "' || fail "hostile: the end"
xp hostile.dot.svg "string(//*[local-name()='g'][@class='cluster'][*[local-name()='title']='cluster_kasi_ti'])" |
	grep -qxF 'Kasi "TI" <b>&amp; \N' || fail "hostile: the role's lane title"
xp hostile.dot.svg "string(//*[local-name()='g'][@class='cluster'][*[local-name()='title']='cluster_ver'])" >ver.txt
printf 'V\303\251rifikator \342\200\224 \346\244\234\350\250\274 & co \\\n' >want.txt
grep -qxFf want.txt ver.txt || { cat ver.txt >&2; fail "hostile: UTF-8 lane title"; }
xp hostile.dot.svg "string(/*[local-name()='svg']/*[local-name()='g']/*[local-name()='text'])" |
	grep -qxF 'W "quoted" back\slash <html> &foo; \n (w)' || fail "hostile: the workflow's title"
ok "hostile titles give valid DOT, drawn as written"
