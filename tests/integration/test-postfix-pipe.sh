#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# test-postfix-pipe.sh: the README's Postfix recipe, for real: a pipe
# transport in master.cf runs `dispo --config … deliver` as the service's
# user, transport_maps sends sertifikat@ (and, with recipient_delimiter = +,
# every sertifikat+TOKEN@) to it. An application submitted through Postfix
# opens a request, an official's reply to the token address moves it on,
# and when dispo cannot store (the store locked) it exits 75 and Postfix
# defers the mail, never bounces it, and delivers it on the next try.
. "$(dirname "$0")/../cli/lib.sh"
# (lib.sh moved to the scratch dir: name the harness from the source tree)
. "$DISPO_SRCDIR/tests/integration/servers.sh"
. "$DISPO_SRCDIR/tests/integration/mta-lib.sh"
OFFICE=sertifikat@kuduskab.go.id
BUDI=budi.santoso@kuduskab.go.id
KADIS=kadis@kuduskab.go.id

# The recipe (README, "Postfix: a pipe transport"), with user=nobody for
# user=dispo and this harness's paths.
servers_postfix_hook() {
	cat >>"$1/master.cf" <<EOF
dispo     unix  -       n       n       -       -       pipe
  flags=DOR user=nobody argv=$MTA_DIR/bin/dispo --config $MTA_DIR/etc/dispo.conf deliver
EOF
	printf 'dispo_destination_recipient_limit = 1\n' >>"$1/main.cf"
	printf '%s dispo:\n' "$OFFICE" >>"$1/transport"
}
servers_start
ok "Postfix (with a dispo pipe transport) and Dovecot are up"

expect_exit 0 D employees import "$DISPO_SRCDIR/rules/register-contoh.csv"

# An application, submitted as staff do (STARTTLS, AUTH as the From address).
application $BUDI 1 | sed 1d >app1.eml
submit $BUDI $OFFICE app1.eml
wait_sql "select count(*) from requests" 1 || fail "no request was opened"
[ "$(sqlite3 "$DB" "select state from requests")" = disposisi_kadin ] ||
	fail "the request is at $(sqlite3 "$DB" "select state from requests"), want disposisi_kadin"
[ "$(sqlite3 "$DB" "select source from messages")" = deliver ] || fail "not stored by deliver"
queue_wait_empty || fail "Postfix still holds the application"
[ "$(mail_count $OFFICE)" = 0 ] || fail "the application also went to the office's mailbox"
grep -q "relay=dispo, .*status=sent (delivered via dispo service (dispo: stored, request SE-[0-9-]* opened))" "$SERVERS_DIR/postfix.log" ||
	fail "Postfix did not log the pipe delivery"
# Postfix prepended the envelope: the office's address as Delivered-To,
# and Return-Path.
h=$(sqlite3 "$DB" "select sha256 from messages where source = 'deliver'")
m="$MTA_DIR/data/mail/$(echo "$h" | cut -c1-2)/$h"
grep -q "^Delivered-To: $OFFICE" "$m" || fail "no Delivered-To: in what dispo stored"
grep -q "^Return-Path: <$BUDI>" "$m" || fail "no Return-Path: in what dispo stored"
ok "an application through Postfix reaches dispo deliver by the pipe and opens a request (authenticated by the MX)"

# The Kepala Dinas answers the disposition to its token address.
reply_to $KADIS
rt=$REPLY_TO
case $rt in sertifikat+*@kuduskab.go.id) ;; *) fail "the disposition's Reply-To is '$rt'" ;; esac
official_reply $KADIS "$rt" "$REPLY_MSGID" SETUJU >setuju.eml
submit $KADIS "$rt" setuju.eml
wait_sql "select state from requests" disposisi_kabid || fail "SETUJU to $rt did not move the request"
grep -q "to=<$rt>, .*relay=dispo, .*status=sent" "$SERVERS_DIR/postfix.log" ||
	fail "the reply to $rt did not go through the pipe"
ok "a reply to sertifikat+TOKEN@ goes through the same pipe (recipient_delimiter) and moves the request"

# dispo cannot store: exit 75, Postfix defers and keeps the mail.
store_lock
application $BUDI 2 | sed 1d >app2.eml
submit $BUDI $OFFICE app2.eml
i=0
until grep -q "relay=dispo, .*dsn=4.3.0, status=deferred" "$SERVERS_DIR/postfix.log"; do
	i=$((i + 1))
	[ $i -gt 200 ] && { tail -n 20 "$SERVERS_DIR/postfix.log" >&2; fail "Postfix did not defer"; }
	sleep 0.05
done
grep "status=deferred" "$SERVERS_DIR/postfix.log" | grep -q "the mail server will try again" ||
	fail "Postfix did not log dispo's reason"
[ -n "$(find "$SERVERS_DIR/postfix/queue/deferred" -type f)" ] || fail "the mail is not in the deferred queue"
store_unlock
grep -q "status=bounced" "$SERVERS_DIR/postfix.log" && fail "Postfix bounced: $(grep status=bounced "$SERVERS_DIR/postfix.log")"
[ "$(mail_count $BUDI)" = 0 ] || fail "the applicant got a bounce"
ok "a store dispo cannot write: exit 75, Postfix defers (4.3.0), no bounce"

# The next try (here: now) delivers it.
postqueue -c "$SERVERS_POSTFIX_CONF" -f
wait_sql "select count(*) from requests" 2 30 || fail "the deferred application was not delivered on the retry"
queue_wait_empty || fail "Postfix still holds mail"
[ "$(sqlite3 "$DB" "select count(*) from messages where from_addr = '$BUDI'")" = 2 ] || fail "stored once"
ok "the retry delivers it: a second request, the message stored once"

[ -z "$(find "$MTA_DIR/data" ! -user nobody)" ] || fail "files in data/ that are not the service user's: $(find "$MTA_DIR/data" ! -user nobody)"
ok "everything in the data directory is the service user's"
