#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# test-log.sh: what dispo writes to stderr, as an MTA's log or the journal
# receives it: "dispo deliver: ..." lines in a pipe, "<N>" priority
# prefixes when stderr is the journal ($JOURNAL_STREAM names the file it
# is), GLib's own warnings in the same form, never raw. (Escaping of
# control characters is test-lib's test_log_format; configuration typos
# are warnings here too.)
. "$(dirname "$0")/lib.sh"

cat >dispo.conf <<CONF
[general]
data_dir = data
[policy]
require_authentication = false
CONF
D() { "$DISPO" --config dispo.conf --now 2026-11-23T09:00:00+07:00 "$@"; }

# A bounce about an email dispo never sent: kept, and said so at notice
# level through GLib's g_message. Its Subject tries to forge a log line.
{
	printf 'Return-Path: <>\r\nFrom: MAILER-DAEMON@mx.example.com\r\nTo: sertifikat@kuduskab.go.id\r\n'
	printf 'Subject: Undelivered\r\nMessage-ID: <b1@mx.example.com>\r\nAuto-Submitted: auto-replied\r\n'
	printf 'MIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=delivery-status; boundary="B"\r\n\r\n'
	printf -- '--B\r\nContent-Type: text/plain\r\n\r\nnot delivered\r\n'
	printf -- '--B\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example.com\r\n\r\n'
	printf 'Final-Recipient: rfc822; someone@example.com\r\nAction: failed\r\nStatus: 5.1.1\r\n\r\n'
	printf -- '--B\r\nContent-Type: text/rfc822-headers\r\n\r\nFrom: sertifikat@kuduskab.go.id\r\n'
	printf 'Message-ID: <never-sent@kuduskab.go.id>\r\n\r\n--B--\r\n'
} >bounce.eml

expect_exit 0 D deliver <bounce.eml
cp err pipe.err
contains pipe.err "dispo deliver: a bounce"
grep -q "GLib\|\*\*\|process:" pipe.err && { cat pipe.err >&2; fail "a raw GLib line in the MTA's log"; }
ok "in a pipe: dispo's own lines, no raw GLib warning"

# The same with stderr as the journal: systemd passes the stream's
# device:inode; a line's priority is its "<N>" prefix, the text bare.
: >journal.err
JOURNAL_STREAM=$(stat -c '%d:%i' journal.err)
export JOURNAL_STREAM
sed 's/b1@mx/b2@mx/' bounce.eml >bounce2.eml
D deliver <bounce2.eml 2>>journal.err || fail "deliver under the journal"
grep -q '^<5>a bounce' journal.err || { cat journal.err >&2; fail "notice level <5> for the journal"; }
grep -v '^<[0-7]>' journal.err && fail "every journal line has a priority"
ok "under systemd: <N> priority prefixes"

# An error at start (a missing configuration) is <3> in the journal and a
# plain "dispo serve: ..." line elsewhere.
"$DISPO" --config missing.conf serve 2>>journal.err
grep -q '^<3>.*missing.conf' journal.err || { cat journal.err >&2; fail "<3> for an error"; }
# A different stream (stderr redirected by a child) is not the journal.
"$DISPO" --config missing.conf serve 2>other.err
grep -q '^dispo serve: .*missing.conf' other.err || { cat other.err >&2; fail "plain line off the journal"; }
unset JOURNAL_STREAM
ok "errors: <3> in the journal, plain elsewhere"

# A typo in the configuration's group names is a warning naming the group
# meant, in either form; the command still runs.
printf '[genral]\ndata_dir = data\n[policy]\nrequire_authentication = false\n[smpt]\nurl = smtp://x\n' >typo.conf
expect_exit 0 "$DISPO" --config typo.conf rules check --templates "$DISPO_SRCDIR/templates" "$DISPO_SRCDIR"/rules/*.rules
contains err "dispo rules: warning: typo.conf: unknown group [genral]; did you mean [general]?"
contains err "dispo rules: warning: typo.conf: unknown group [smpt]; did you mean [smtp]?"
[ "$(wc -l <err)" = 2 ] || { cat err >&2; fail "one line per unknown group"; }
: >journal.err
JOURNAL_STREAM=$(stat -c '%d:%i' journal.err) "$DISPO" --config typo.conf rules check \
	--templates "$DISPO_SRCDIR/templates" "$DISPO_SRCDIR"/rules/*.rules >/dev/null 2>>journal.err ||
	fail "rules check with a typo in the configuration"
grep -qxF '<4>typo.conf: unknown group [genral]; did you mean [general]? (its settings are ignored)' journal.err ||
	{ cat journal.err >&2; fail "<4> for a configuration warning"; }
ok "a misspelt group: a warning that names the group meant"
