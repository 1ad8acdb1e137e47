#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# test-demo.sh: dispo demo runs on the embedded default with no set-up,
# leaves real files, can run again, and never clobbers a directory it did
# not make.
. "$(dirname "$0")/lib.sh"

expect_exit 0 "$DISPO" demo
cp out out2
contains out "opens request SE-"
contains out "acknowledgement to budi.santoso@kuduskab.go.id: outbox/new/000001.eml"
contains var/outbox/new/000001.eml "[SE-2026-000001] Permohonan Anda diterima"
contains out "1 duplicate (exactly once)"
contains out "Surat Rekomendasi Budi.pdf"
[ -f var/dispo.db ] || fail "no database under ./var"
ls var/inbox/new/* >/dev/null 2>&1 || fail "no email in the demo inbox"
expect_exit 0 "$DISPO" requests list --format json
jq -e 'length == 2 and .[0].state == "terbit" and .[0].applicant == "budi.santoso@kuduskab.go.id"
	and .[1].workflow == "pencabutan" and .[1].state == "dicabut"' out >/dev/null ||
	fail "the demo's requests are not listed"
# The timeline: each official's reply, the emails left to open.
contains out2 "kadis@kuduskab.go.id replies \"Setuju, lanjutkan.\" (disposisi_kadin) -> disposisi_kabid"
# The verifier's two acts: the files sent to BSrE, then the certificate.
contains out2 "-> kirim_bsre to dewi.lestari@kuduskab.go.id: outbox/new/000005.eml"
grep -q 'filename="Surat Rekomendasi SE-2026-000001.pdf"' var/outbox/new/000005.eml || fail "the letter goes to the verifier"
contains out2 "dewi.lestari@kuduskab.go.id replies \"TERUSKAN, sudah dikirim ke BSrE\" (kirim_bsre) -> proses_bsre"
contains out2 "-> proses_bsre to dewi.lestari@kuduskab.go.id: outbox/new/000006.eml"
contains out2 "dewi.lestari@kuduskab.go.id replies \"SELESAI 1A2B-3C4D-5E6F\" (proses_bsre) -> terbit"
contains out2 "dewi.lestari@kuduskab.go.id replies \"TERUSKAN\" (kirim_pencabutan) -> permintaan_bsre"
contains out2 "dewi.lestari@kuduskab.go.id replies \"SELESAI\" (permintaan_bsre) -> dicabut"
grep -q '^> ' var/inbox/new/* || fail "the simulated replies quote the email they answer"
expect_exit 0 "$DISPO" certificates list --format json
jq -e 'length == 1 and .[0].state == "revoked" and .[0].serial == "1A2B-3C4D-5E6F"' out >/dev/null ||
	fail "the certificate was issued, then revoked"
ok "dispo demo on the embedded default"

expect_exit 0 "$DISPO" demo
expect_exit 0 "$DISPO" requests list --format json
jq -e 'length == 2' out >/dev/null || fail "a second demo starts fresh"
ok "the demo runs again from scratch"

mkdir precious && echo keep >precious/data
expect_exit 74 "$DISPO" demo --dir precious
contains err "was not made by dispo demo"
[ "$(cat precious/data)" = keep ] || fail "the demo touched a directory it did not make"
expect_exit 0 "$DISPO" demo --dir elsewhere
[ -f elsewhere/dispo.db ] || fail "--dir"
contains out "--config $WORK/elsewhere/dispo.conf requests list"
expect_exit 0 "$DISPO" --config elsewhere/dispo.conf requests list --format json
jq -e 'length == 2' out >/dev/null || fail "the demo's configuration finds its requests"
ok "--dir, and a foreign directory is left alone"

# --config is honoured (its settings, the demo's directory); DISPO_CONFIG,
# meant for the service, is not.
printf '[calendar]\ntimezone = +08:00\n[general]\nlanguage = en\n[policy]\nrequire_authentication = false\n' >demo.conf
expect_exit 0 "$DISPO" --config demo.conf demo --dir withconf
contains out "opens request SE-"
contains withconf/outbox/new/000001.eml "Your application has been received"
contains withconf/outbox/new/000001.eml "WITA"
contains out "(demo.conf)"
DISPO_CONFIG=demo.conf expect_exit 0 "$DISPO" demo --dir withenv
contains out "opens request SE-"
ok "--config works with demo too"
