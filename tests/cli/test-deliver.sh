#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# test-deliver.sh: dispo deliver speaks sysexits to the MTA: 0 when stored
# (or stored before, or kept as unparseable), 75 when it cannot commit
# (locked, disk full, broken configuration), and nothing is lost either way.
. "$(dirname "$0")/lib.sh"

cat >dispo.conf <<CONF
[general]
data_dir = data
[policy]
require_authentication = false
[store]
busy_timeout = 200ms
CONF
D() { "$DISPO" --config dispo.conf "$@"; }
DB=data/dispo.db

application budi@kuduskab.go.id 1 >app1.eml
expect_exit 0 D deliver <app1.eml
contains out "request SE-2026-000001 opened"
[ "$(sql $DB 'select count(*) from requests')" = 1 ] || fail "one request"
# An address the register does not know is held until it answers.
[ "$(sql $DB "select state from requests")" = awaiting_confirmation ] || fail "state awaiting_confirmation"
[ "$(sql $DB "select source from messages")" = deliver ] || fail "source deliver"
ok "an application is stored and opens a request"

expect_exit 0 D deliver <app1.eml
contains out "already stored"
[ "$(sql $DB 'select count(*) from messages')" = 1 ] || fail "still one message"
ok "the same message again changes nothing"

# The same application by another route: other bytes (one more Received:),
# same Message-ID and sender. Kept, noted on the first request, no second.
{ printf 'Received: from relay2.kuduskab.go.id; Mon, 23 Nov 2026 08:02:00 +0700\r\n'; cat app1.eml; } >app1b.eml
expect_exit 0 D deliver <app1b.eml
[ "$(sql $DB 'select count(*) from messages')" = 2 ] || fail "the second copy is kept"
[ "$(sql $DB 'select count(*) from requests')" = 1 ] || fail "no second request"
[ "$(sql $DB "select group_concat(kind) from events order by seq")" = received,received_again ] ||
	fail "the copy is noted on the request"
# An mbox From_ line (and a byte order mark) are envelope, not message:
# the same message through deliver with one is the same bytes.
{ printf '\357\273\277From budi@kuduskab.go.id Mon Nov 23 08:00:00 2026\n'; cat app1.eml; } | { expect_exit 0 D deliver; }
contains out "already stored"
ok "a copy by another route is noted, not opened twice; From_ lines are envelope"

printf '\211PNG\r\n\032\n\000\000garbage' | { expect_exit 0 D deliver; }
[ "$(sql $DB "select status from messages where status != 'parsed'")" = unparseable ] ||
	fail "garbage kept as unparseable"
expect_exit 0 D deliver </dev/null
[ "$(sql $DB "select count(*) from messages where status = 'unparseable'")" = 2 ] ||
	fail "empty input kept as unparseable"
ok "garbage and empty input are kept, not bounced"

# The store is locked by another writer longer than busy_timeout: 75, and
# after the lock is gone the MTA's retry stores it once.
application siti@kuduskab.go.id 2 >app2.eml
(echo 'BEGIN IMMEDIATE;'; sleep 2; echo 'COMMIT;') | sqlite3 $DB &
locker=$!
sleep 0.5
expect_exit 75 D deliver <app2.eml
contains err "the mail server will try again"
# Readers are not held up by the writer (WAL).
expect_exit 0 D requests list --format json
contains out '"id" : "SE-2026-000001"'
wait $locker
expect_exit 0 D deliver <app2.eml
contains out "request SE-2026-000002 opened"
[ "$(sql $DB "select count(*) from messages where from_addr = 'siti@kuduskab.go.id'")" = 1 ] ||
	fail "the retried message is stored once"
ok "a locked store gives 75 and the retry stores the message once"

# The disk is full (the file size limit stands in for it): 75, nothing
# half-stored; with room again the retry works.
application agus@kuduskab.go.id 3 >app3.eml
head -c 20000 /dev/urandom | base64 >>app3.eml
before=$(sql $DB 'select count(*) from messages')
( trap '' XFSZ; ulimit -f 8; exec "$DISPO" --config dispo.conf deliver ) <app3.eml >out 2>err
rc=$?
[ $rc = 75 ] || { cat err; fail "disk full exited $rc, want 75"; }
contains err "the mail server will try again"
[ "$(sql $DB 'select count(*) from messages')" = "$before" ] || fail "nothing stored when full"
expect_exit 0 D deliver <app3.eml
ok "a full disk gives 75 and the retry stores the message"

# A broken configuration never bounces mail.
printf '[limits]\nparts = lots\n' >broken.conf
expect_exit 75 "$DISPO" --config broken.conf deliver <app1.eml
contains err "[limits] parts"
expect_exit 75 "$DISPO" --config /nonexistent/dispo.conf deliver <app1.eml
expect_exit 75 D deliver unexpected-argument <app1.eml
expect_exit 75 D deliver --no-such-option <app1.eml
expect_exit 75 "$DISPO" --config <app1.eml deliver
expect_exit 75 "$DISPO" --bogus-global deliver <app1.eml
expect_exit 75 "$DISPO" --config dispo.conf --now deliver <app1.eml
ok "configuration and usage errors give 75"

# DISPO_CONFIG names the file when --config is absent.
DISPO_CONFIG=dispo.conf expect_exit 0 "$DISPO" requests list --format json
contains out '"id" : "SE-2026-000001"'
ok "DISPO_CONFIG is honoured"
