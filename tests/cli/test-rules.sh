#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# test-rules.sh: dispo rules check passes the shipped rules and names every
# problem of a broken file as file:line:col on stderr (exit 65); rules graph
# draws one lane per role; nothing here needs Graphviz.
. "$(dirname "$0")/lib.sh"

R="$DISPO_SRCDIR/rules"
T="$DISPO_SRCDIR/templates"

expect_exit 0 "$DISPO" rules check --templates "$T" "$R"/*.rules
contains out "rules OK: 2 workflows, 4 roles, version "
[ ! -s err ] || fail "a clean check prints nothing on stderr"
ok "the shipped rules check clean"

# Without FILE: $DISPO_RULES_DIR (and $DISPO_TEMPLATES_DIR), else ./rules.
expect_exit 0 env DISPO_RULES_DIR="$R" DISPO_TEMPLATES_DIR="$T" "$DISPO" rules check
contains out "rules OK: 2 workflows"
mkdir rules && cp "$R"/*.rules rules/ && ln -s "$T" templates
expect_exit 0 "$DISPO" rules check
contains out "rules OK: 2 workflows"
ok "the rules directory is found without naming files"

# The same version for the same bytes, another one when a byte changes.
v1=$(sed -n 's/.*version //p' out)
printf '# one more comment\n' >>rules/roles.rules
expect_exit 0 "$DISPO" rules check
v2=$(sed -n 's/.*version //p' out)
[ -n "$v1" ] && [ "$v1" != "$v2" ] || fail "version $v1 then $v2"
ok "the version follows the bytes"

cat >broken.rules <<'RULES'
role kasi_ti "Kasi TI"
workflow w "W"
  tag SE
  mailbox sertifikat@kuduskab.go.id
  acknowledge tanda_terima
  refuse penolakan
  stpe a "A" role kasi_ti
  step a "A" role kasi sla 10 send disposisi
    on SETUJU -> selesai
  end selesai "Selesai" notify keputusan
RULES
expect_exit 65 "$DISPO" rules check broken.rules
contains err "broken.rules:7:3: unknown word 'stpe' at the start of a line (did you mean 'step'?)"
contains err "broken.rules:8:19: unknown role 'kasi' (did you mean 'kasi_ti'?)"
contains err "broken.rules:8:28: '10' is not a duration"
contains err "3 problems found; nothing was loaded"
[ ! -s out ] || fail "nothing on stdout for broken rules"
ok "a broken file: every problem on stderr, exit 65"

# A step whose yes-words part leaves LANJUT without a meaning.
cat >ambiguous.rules <<'RULES'
role kasi_ti "Kasi TI"
workflow w "W"
  tag SE
  mailbox sertifikat@kuduskab.go.id
  acknowledge tanda_terima
  refuse penolakan
  step a "A" role kasi_ti sla 10m send disposisi
    on SETUJU   -> b
    on TERUSKAN -> selesai
  step b "B" role kasi_ti send disposisi
    on SETUJU -> selesai
  end selesai "Selesai" notify keputusan
RULES
expect_exit 65 "$DISPO" rules check --templates "$T" ambiguous.rules
contains err "ambiguous.rules:9:5: step 'a' sends SETUJU to 'b' (line 8) but TERUSKAN to 'selesai', so a reply of LANJUT (CONTINUE) could mean either: send them to the same step, or add a line 'on LANJUT -> STEP' that says where LANJUT goes"
# Saying where LANJUT goes settles it.
sed 's/^\(    on TERUSKAN -> selesai\)$/\1\n    on LANJUT -> b/' ambiguous.rules >settled.rules
expect_exit 0 "$DISPO" rules check --templates "$T" settled.rules
ok "yes-words that part at a step must each say where they go"

expect_exit 66 "$DISPO" rules check nonexistent.rules
contains err "cannot read nonexistent.rules"
expect_exit 66 env DISPO_RULES_DIR=nowhere "$DISPO" rules check
contains err "DISPO_RULES_DIR"
ok "missing files are told apart from broken ones"

# With a configuration file, its rules_dir and templates_dir (relative to
# the file), from wherever the check is run; the same with DISPO_CONFIG.
mkdir -p office/etc elsewhere
cp -r "$R" office/etc/rules && cp -r "$T" office/etc/templates
printf '[general]\ndata_dir = ../data\nrules_dir = rules\ntemplates_dir = templates\n[policy]\nrequire_authentication = false\n' >office/etc/dispo.conf
cd elsewhere || fail "cd elsewhere"
expect_exit 0 "$DISPO" --config ../office/etc/dispo.conf rules check
contains "$WORK/out" "rules OK: 2 workflows"
expect_exit 0 env DISPO_CONFIG=../office/etc/dispo.conf "$DISPO" rules check
# The office's own copy is what is read: a template it lacks is named.
rm ../office/etc/templates/*/penolakan.mustache
expect_exit 65 "$DISPO" --config ../office/etc/dispo.conf rules check
contains "$WORK/err" "no template 'penolakan' in $WORK/office/etc/templates"
cp "$T/id/penolakan.mustache" ../office/etc/templates/id/
printf 'stpe\n' >>../office/etc/rules/roles.rules
expect_exit 65 "$DISPO" --config ../office/etc/dispo.conf rules check
contains "$WORK/err" "$WORK/office/etc/rules/roles.rules:"
rm -r ../office/etc/rules
expect_exit 66 "$DISPO" --config ../office/etc/dispo.conf rules check
contains "$WORK/err" "rules_dir of $WORK/office/etc/dispo.conf"
cp -r "$R" ../office/etc/rules
# ...and the data directory is the file's too.
application budi@kuduskab.go.id 1 | { expect_exit 0 "$DISPO" --config ../office/etc/dispo.conf deliver; }
[ -f ../office/data/dispo.db ] && [ ! -e data ] || fail "data_dir is not beside the configuration"
cd "$WORK" || fail "cd $WORK"
ok "a configuration file's rules, templates and data are its own, wherever dispo runs"

expect_exit 0 "$DISPO" rules graph "$R"/*.rules
[ "$(grep -c '^digraph ' out)" = 1 ] || fail "one graph on stdout (test-graph.sh has the rest)"
expect_exit 0 "$DISPO" rules graph --workflow pendaftaran "$R"/*.rules
for lane in kepala_dinas kabid_informatika kasi_ti verifikator; do
	[ "$(grep -c "subgraph cluster_$lane {" out)" = 1 ] || fail "one lane for $lane"
done
contains out '"disposisi_kadin" -> "disposisi_kabid" [label="SETUJU\n(atau TERUSKAN, LANJUT)"]'
contains out '"kirim_bsre" -> "proses_bsre" [label="TERUSKAN\n(atau SETUJU, LANJUT)"]'
contains out '"perbaikan" -> "disposisi_kadin" [label="SELESAI / perbaikan lengkap"]'
[ "$(grep -c 'subgraph "cluster:pemohon" {' out)" = 1 ] || fail "one lane for the applicant"
contains out 'SLA 10m'
expect_exit 64 "$DISPO" rules graph --workflow nope "$R"/*.rules
contains err "no workflow 'nope' (the rules have: pendaftaran, pencabutan)"
ok "rules graph draws the lanes"

expect_exit 64 "$DISPO" rules test
contains err "name the emails to try"
expect_exit 64 "$DISPO" rules test --format yaml x.eml
expect_exit 64 "$DISPO" rules frobnicate
expect_exit 64 "$DISPO" rules
ok "usage errors"
