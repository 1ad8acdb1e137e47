#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# test-faults.sh: a mail server that misbehaves, played by Postfix's
# smtp-sink: 4xx or 5xx to RCPT, 4xx or 5xx after the data, a connection
# closed at the final dot, a server that never answers the final dot, and no
# server at all. Each email ends in the right state (pending for a retry, or
# failed with the administrator told); nothing is lost; once the server
# works, every pending email arrives exactly once and no failed one is sent.
. "$(dirname "$0")/../cli/lib.sh"
# (lib.sh moved to the scratch dir: name the harness from the source tree)
. "$DISPO_SRCDIR/tests/integration/servers.sh"
servers_start

NOW=2026-11-23T09:00:00+07:00
D() { "$DISPO" --config dispo.conf --now "$NOW" "$@"; }
DB=data/dispo.db
conf() {
	cat >dispo.conf <<CONF
[general]
data_dir = data
admin_address = admin@dinkes.kuduskab.go.id
[policy]
require_authentication = false
[smtp]
# smtp-sink speaks no TLS: the plain-text setting, for this test only.
url = smtp://127.0.0.1:$SINK_PORT
starttls = false
timeout = 2s
CONF
}
received() { # MESSAGE-ID: how many times the sink got it
	grep -l "^Message-I[dD]: <$1>" "$SINK_DIR"/* 2>/dev/null | wc -l
}
row() { sql $DB "select state || '|' || attempts || '|' || coalesce(last_error, '') from outbox where id = $1"; }

sink_start accept
conf
expect_exit 0 D employees import "$DISPO_SRCDIR/rules/register-contoh.csv"
# One application per fault: its acknowledgement and disposition meet it.
n=0
try() { # MODE EXPECTED-STATE ERROR-TEXT
	n=$((n + 1))
	sink_start "$1"
	conf
	application budi.santoso@kuduskab.go.id $n >app$n.eml
	start=$(date +%s)
	expect_exit 0 D deliver <app$n.eml
	took=$(($(date +%s) - start))
	for id in $(sql $DB "select o.id from outbox o join requests r on r.id = o.request_id where r.number = 'SE-2026-00000$n' and o.kind <> 'delivery_failure'"); do
		st=$(row "$id")
		case $st in "$2|1|$3"*) ;; *) fail "$1: row $id is '$st', want '$2|1|$3…'" ;; esac
	done
	ok "$1: $2 ($3…) in ${took}s"
}
try tempfail-rcpt pending "sending failed: 450"
try reject-rcpt failed "the server refused the recipient: 500"
try tempfail-data pending "sending failed: 450"
try reject-data failed "the server refused the email: 500"
try drop-data pending "sending failed"
try hang-data pending "the server did not answer in time"
try refused pending "cannot connect to the mail server"

# Permanent failures are on the request's record and in the administrator's notices.
[ "$(sql $DB "select count(*) from events where kind = 'email_failed' and json_extract(detail, '\$.kind') <> 'delivery_failure'")" = 4 ] || fail "an email_failed event per failed email"
[ "$(sql $DB "select count(*) from outbox where kind = 'delivery_failure'")" = 4 ] || fail "the administrator is told of each"
ok "each permanent failure is an audit event and a notice to the administrator"

# The sink works again: every pending email goes exactly once, the failed stay failed.
sink_start accept
conf
NOW=2026-11-23T10:00:00+07:00
expect_exit 0 D outbox flush
for id in $(sql $DB "select id from outbox where kind <> 'delivery_failure'"); do
	mid=$(sql $DB "select message_id from outbox where id = $id")
	st=$(sql $DB "select state from outbox where id = $id")
	got=$(received "$mid")
	case $st in
	sent) [ "$got" = 1 ] || fail "row $id ($st) arrived $got times" ;;
	failed) [ "$got" = 0 ] || fail "failed row $id was sent" ;;
	*) fail "row $id is still $st" ;;
	esac
done
[ "$(sql $DB "select count(*) from outbox where state = 'sent' and kind <> 'delivery_failure'")" = 10 ] || fail "ten emails sent after the faults"
ok "after the faults: 10 pending emails arrive once each, 4 failed ones are never sent"

# The notices went to the same refusing sink and failed too: a failed
# notice makes no notice about itself (it stays in `outbox list`).
[ "$(sql $DB "select count(*) from outbox where kind = 'delivery_failure' and state = 'failed'")" = 4 ] || fail "the notices met the refusing sink"
expect_exit 0 D outbox list --state failed
contains out "delivery_failure"
ok "no notice about a failed notice; failed emails are listed for the operator"
