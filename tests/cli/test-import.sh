#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# test-import.sh: dispo import of Maildirs, mbox files and .eml files, its
# summary, exactly-once (again, and from two processes at once), the
# progress bar on a terminal, and requests list/show for people and scripts.
. "$(dirname "$0")/lib.sh"

printf '[general]\ndata_dir = data\n[policy]\nrequire_authentication = false\n' >dispo.conf
D() { "$DISPO" --config dispo.conf "$@"; }
DB=data/dispo.db

mkdir -p md/new md/cur md/tmp md/.Arsip/cur md/.Arsip/new md/.Arsip/tmp
application a1@kuduskab.go.id 1 >md/new/1.mx
application a2@kuduskab.go.id 2 >md/cur/2.mx:2,S
application a3@kuduskab.go.id 3 >md/.Arsip/cur/3.mx:2,S
printf 'half written\n' >md/tmp/4.mx
printf '3 V1 N4\n' >md/dovecot-uidlist
{ printf 'From a4@kuduskab.go.id Mon Nov 23 08:00:00 2026\n'; application a4@kuduskab.go.id 4 | tr -d '\r';
  printf '\nFrom MAILER-DAEMON Mon Nov 23 08:01:00 2026\n'
  printf 'From: MAILER-DAEMON@mx.kuduskab.go.id\nSubject: Undelivered Mail\n\nsorry\n'; } >box.mbox
application a5@kuduskab.go.id 5 >single.eml
printf 'not an email at all\n' >notes.txt

expect_exit 0 D import md box.mbox single.eml notes.txt
contains out "6 files, 7 messages: 6 stored, 0 duplicate, 1 unparseable, 0 over limit; 5 requests opened"
[ "$(sql $DB "select count(*) from requests")" = 5 ] || fail "5 requests"
[ "$(sql $DB "select kind from messages where from_addr like 'MAILER-DAEMON%'")" = bounce ] ||
	fail "the bounce is a bounce"
[ "$(sql $DB "select source from messages where from_addr = 'a4@kuduskab.go.id'")" = import:box.mbox ] ||
	fail "the source file is recorded"
ok "Maildir (with a Maildir++ folder), mbox, .eml and junk: every message accounted for"

# Judged at the newest Received: time, not the import time.
[ "$(sql $DB "select arrived_at from messages where from_addr = 'a1@kuduskab.go.id'")" = 1795395660 ] ||
	fail "arrival from Received"
ok "stored mail is judged at its Received: time"

expect_exit 0 D import md box.mbox single.eml notes.txt
contains out "7 messages: 0 stored, 7 duplicate"
ok "a second import stores nothing"

expect_exit 66 D import no/such/dir
contains err "no/such/dir"
expect_exit 64 D import
ok "missing paths are refused with EX_NOINPUT, no paths with EX_USAGE"

# requests list / show, for people and scripts.
expect_exit 0 D requests list
contains out "REQUEST"
contains out "SE-2026-000001"
contains out "a1@kuduskab.go.id"
expect_exit 0 D requests list --format json
jq -e 'length == 5 and all(.[]; has("id") and has("workflow") and has("state") and
	has("applicant") and has("created_at") and has("message_sha256"))' out >/dev/null ||
	fail "requests list --format json lacks a field"
jq -e '.[0] | .id == "SE-2026-000001" and .workflow == "pendaftaran" and .state == "awaiting_confirmation"
	and .applicant == "a1@kuduskab.go.id" and .created_at == "2026-11-23T08:01:00+07:00"
	and (.message_sha256 | test("^[0-9a-f]{64}$"))' out >/dev/null || { cat out; fail "first request"; }
sha=$(jq -r '.[0].message_sha256' out)
[ -f "data/mail/$(echo "$sha" | cut -c1-2)/$sha" ] || fail "raw message under its SHA-256"
[ "$(sha256sum <"data/mail/$(echo "$sha" | cut -c1-2)/$sha" | cut -d' ' -f1)" = "$sha" ] ||
	fail "raw message bytes hash to their name"
expect_exit 0 D requests show SE-2026-000001
contains out "surat_permohonan.pdf"
contains out "received"
expect_exit 0 D requests show SE-2026-000001 --format json
jq -e '.attachments[0].filename == "surat_permohonan.pdf" and .attachments[0].size == 15
	and .events[0].kind == "received"' out >/dev/null || { cat out; fail "show json"; }
expect_exit 65 D requests show SE-2026-999999
contains err "no request SE-2026-999999"
expect_exit 64 D requests list --format xml
ok "requests list and show, as a table and as JSON"

# Two processes import the same 200-message Maildir at once: each message
# and each request exactly once.
mkdir -p big/new big/cur big/tmp
i=0
while [ $i -lt 200 ]; do
	application "p$i@kuduskab.go.id" $((i + 100)) >big/new/$i.mx
	i=$((i + 1))
done
D import --batch 7 big >one.out 2>&1 &
p1=$!
D import --batch 13 big >two.out 2>&1 &
p2=$!
wait $p1 || fail "first import failed: $(cat one.out)"
wait $p2 || fail "second import failed: $(cat two.out)"
s1=$(sed -n 's/.*messages: \([0-9]*\) stored.*/\1/p' one.out)
s2=$(sed -n 's/.*messages: \([0-9]*\) stored.*/\1/p' two.out)
[ $((s1 + s2)) = 200 ] || fail "stored $s1 + $s2, want 200"
[ "$(sql $DB "select count(*) from messages where from_addr like 'p%'")" = 200 ] || fail "200 rows"
[ "$(sql $DB "select count(distinct number) from requests")" = 205 ] || fail "205 distinct requests"
[ "$(sql $DB "select count(*) from requests")" = 205 ] || fail "no request twice"
ok "two concurrent imports of one Maildir store each message once ($s1 + $s2)"

# On a terminal there is a progress bar; in a pipe there is none.
script -qec "$DISPO --config dispo.conf import md" /dev/null >tty.out </dev/null
grep -q '\[#*\.*\] *[0-9]*%' tty.out || { cat tty.out; fail "no progress bar on a terminal"; }
D import md >pipe.out 2>&1
grep -q '%' pipe.out && fail "a progress bar in a pipe"
ok "progress bar on a terminal only"

# --no-send leaves what it decided in the outbox (for serve or outbox flush).
printf '[general]\ndata_dir = later\n[policy]\nrequire_authentication = false\n' >later.conf
mkdir -p budi/new budi/cur budi/tmp
application budi.santoso@kuduskab.go.id 9 >budi/new/9.mx
expect_exit 0 "$DISPO" --config later.conf employees import "$DISPO_SRCDIR/rules/register-contoh.csv"
expect_exit 0 "$DISPO" --config later.conf import -q --no-send budi
rows=$(sql later/dispo.db "select count(*) from outbox")
[ "$rows" -gt 0 ] && [ "$(sql later/dispo.db "select count(*) from outbox where state = 'pending'")" = "$rows" ] ||
	fail "--no-send: the outbox's $rows rows should all wait"
[ -z "$(ls later/outbox/new 2>/dev/null)" ] || fail "--no-send delivered something"
expect_exit 0 "$DISPO" --config later.conf outbox flush
[ "$(sql later/dispo.db "select count(*) from outbox where state = 'sent'")" = "$rows" ] &&
	[ "$(ls later/outbox/new | wc -l)" = "$rows" ] || fail "outbox flush after --no-send"
ok "import --no-send leaves the emails to the outbox's sender"
