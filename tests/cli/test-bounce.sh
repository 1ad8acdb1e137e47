#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# test-bounce.sh: what comes back about dispo's emails, through `dispo
# deliver`: a bounced acknowledgement (RFC 3464) fails its outbox row, tells
# the administrator and makes the applicant's address not active; a qmail
# bounce without the original's Message-ID fails the official's email by
# its recipient; a delay notice is only noted; an official's vacation
# notice is noted on the step and moves nothing; none is ever answered.
. "$(dirname "$0")/lib.sh"

cat >dispo.conf <<CONF
[general]
data_dir = data
admin_address = admin@kuduskab.go.id
[policy]
require_authentication = false
CONF
NOW=2026-11-23T09:00:00+07:00
D() { "$DISPO" --config dispo.conf --now "$NOW" "$@"; }
DB=data/dispo.db
OUT=data/outbox/new
expect_exit 0 D employees import "$DISPO_SRCDIR/rules/register-contoh.csv"
mid() { hdr Message-Id "$OUT/$(printf '%06d.eml' "$1")" | tr -d '<>'; }
outbox_count() { sql $DB "select count(*) from outbox"; }

application budi.santoso@kuduskab.go.id 1 >app.eml
expect_exit 0 D deliver <app.eml
R=SE-2026-000001
ACK=$(sql $DB "select id from outbox where kind = 'acknowledgement'")
KADIS=$(sql $DB "select id from outbox where to_addr = 'kadis@kuduskab.go.id' and step = 'disposisi_kadin'")
[ -n "$ACK" ] && [ -n "$KADIS" ] || fail "the acknowledgement and the disposition were sent"
[ "$(sql $DB "select state from outbox where id = $ACK")" = sent ] || fail "ack sent"

# 1. Postfix's RFC 3464 bounce of the acknowledgement.
{
	printf 'Return-Path: <>\r\nFrom: MAILER-DAEMON@mx.kuduskab.go.id (Mail Delivery System)\r\n'
	printf 'To: sertifikat@kuduskab.go.id\r\nSubject: Undelivered Mail Returned to Sender\r\n'
	printf 'Message-ID: <bounce1@mx.kuduskab.go.id>\r\nAuto-Submitted: auto-replied\r\n'
	printf 'MIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=delivery-status; boundary="B"\r\n\r\n'
	printf -- '--B\r\nContent-Type: text/plain\r\n\r\nI am sorry to have to inform you that your message could not\r\nbe delivered to one or more recipients.\r\n\r\n'
	printf -- '--B\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.kuduskab.go.id\r\n\r\n'
	printf 'Final-Recipient: rfc822; budi.santoso@kuduskab.go.id\r\nOriginal-Recipient: rfc822;budi.santoso@kuduskab.go.id\r\n'
	printf 'Action: failed\r\nStatus: 5.1.1\r\nDiagnostic-Code: smtp; 550 5.1.1 <budi.santoso@kuduskab.go.id>: Recipient address rejected: User unknown\r\n\r\n'
	printf -- '--B\r\nContent-Type: text/rfc822-headers\r\n\r\nFrom: sertifikat@kuduskab.go.id\r\nTo: budi.santoso@kuduskab.go.id\r\n'
	printf 'Subject: [%s] Tanda terima\r\nMessage-ID: <%s>\r\n\r\n--B--\r\n' $R "$(mid $ACK)"
} >bounce1.eml
before=$(outbox_count)
expect_exit 0 D deliver <bounce1.eml
[ "$(sql $DB "select kind from messages order by id desc limit 1")" = bounce ] || fail "stored as a bounce"
[ "$(sql $DB "select state from outbox where id = $ACK")" = failed ] || fail "the bounced acknowledgement is failed"
sql $DB "select last_error from outbox where id = $ACK" | grep -q "5.1.1" || fail "the row says why"
sql $DB "select count(*) from events e join requests r on r.id = e.request_id where r.number = '$R' and e.kind = 'email_failed'" | grep -qx 1 || fail "an email_failed event on the request"
notice=$(sql $DB "select id from outbox where kind = 'delivery_failure' and to_addr = 'admin@kuduskab.go.id'")
[ -n "$notice" ] || fail "the administrator is told"
f=$OUT/$(printf '%06d.eml' "$notice")
grep -q "budi.santoso@kuduskab.go.id" "$f" && grep -q "dispo outbox retry $ACK" "$f" || fail "the notice names the address and the retry command"
[ "$(hdr Auto-Submitted "$f")" = auto-generated ] || fail "the notice is auto-generated"
[ "$(sql $DB "select count(*) from bounced_addresses where address = 'budi.santoso@kuduskab.go.id'")" = 1 ] || fail "the applicant's address is marked"
[ "$(outbox_count)" = $((before + 1)) ] || fail "only the notice was written (the bounce is never answered)"
ok "a bounced acknowledgement fails its row, tells the administrator, marks the address"

# The address is not active any more: a new application waits for a confirmation.
application budi.santoso@kuduskab.go.id 2 >app2.eml
expect_exit 0 D deliver <app2.eml
[ "$(sql $DB "select state from requests where number = 'SE-2026-000002'")" = awaiting_confirmation ] || fail "a bounced address must confirm again"
ok "the bounced address must confirm before its next application goes on"

# The same bounce again (another copy) changes nothing and tells nobody twice.
sed 's/bounce1@/bounce1b@/' bounce1.eml >bounce1b.eml
before=$(outbox_count)
expect_exit 0 D deliver <bounce1b.eml
[ "$(outbox_count)" = "$before" ] || fail "a second copy of a bounce told the administrator again"
ok "a second copy of the bounce is recorded once"

# 2. A qmail bounce of the head of office's email: no Message-ID returned,
# found by its recipient; an official's address is not marked.
{
	printf 'Return-Path: <>\r\nFrom: MAILER-DAEMON@mail.kuduskab.go.id\r\nTo: sertifikat@kuduskab.go.id\r\n'
	printf 'Subject: failure notice\r\nMessage-ID: <bounce2@mail.kuduskab.go.id>\r\n\r\n'
	printf 'Hi. This is the qmail-send program at mail.kuduskab.go.id.\r\n'
	printf "I'm afraid I wasn't able to deliver your message to the following addresses.\r\n"
	printf 'This is a permanent error; I'"'"'ve given up. Sorry it didn'"'"'t work out.\r\n\r\n'
	printf '<kadis@kuduskab.go.id>:\r\nSorry, no mailbox here by that name. (#5.1.1)\r\n\r\n'
	printf -- '--- Below this line is a copy of the message.\r\n\r\nSubject: [%s] Disposisi\r\n\r\nMohon keputusan\r\n' $R
} >bounce2.eml
expect_exit 0 D deliver <bounce2.eml
[ "$(sql $DB "select state from outbox where id = $KADIS")" = failed ] || fail "the qmail bounce fails the head's email"
[ "$(sql $DB "select count(*) from outbox where kind = 'delivery_failure'")" = 2 ] || fail "the administrator is told of the head's email"
[ "$(sql $DB "select count(*) from bounced_addresses where address = 'kadis@kuduskab.go.id'")" = 0 ] || fail "a recipient-only match marks no address"
[ "$(sql $DB "select state from requests where number = '$R'")" = disposisi_kadin ] || fail "a bounce moved the request"
ok "a qmail bounce is matched by its recipient"

# 3. A delay notice: noted, nothing failed.
REM=$(sql $DB "select id from outbox where kind = 'confirmation' order by id desc limit 1")
{
	printf 'Return-Path: <>\r\nFrom: MAILER-DAEMON@mx.kuduskab.go.id\r\nTo: sertifikat@kuduskab.go.id\r\n'
	printf 'Subject: Delayed Mail (still being retried)\r\nMessage-ID: <delay@mx>\r\n'
	printf 'MIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=delivery-status; boundary="B"\r\n\r\n'
	printf -- '--B\r\nContent-Type: text/plain\r\n\r\nThis is a warning only; the mail system will keep trying.\r\n\r\n'
	printf -- '--B\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx\r\n\r\n'
	printf 'Final-Recipient: rfc822; budi.santoso@kuduskab.go.id\r\nAction: delayed\r\nStatus: 4.4.1\r\n\r\n'
	printf -- '--B\r\nContent-Type: text/rfc822-headers\r\n\r\nMessage-ID: <%s>\r\n\r\n--B--\r\n' "$(mid $REM)"
} >delay.eml
expect_exit 0 D deliver <delay.eml
[ "$(sql $DB "select state from outbox where id = $REM")" = sent ] || fail "a delay notice failed the email"
[ "$(sql $DB "select count(*) from outbox where kind = 'delivery_failure'")" = 2 ] || fail "a delay notice told the administrator"
ok "a delay notice fails nothing"

# 4. The head's vacation notice answering the disposition of request 1
# (sent to the envelope sender, with In-Reply-To, as Sieve's vacation does).
R3=$R
K3=$KADIS
{
	printf 'From: Kepala Dinas <kadis@kuduskab.go.id>\r\nTo: sertifikat@kuduskab.go.id\r\n'
	printf 'Subject: Balasan otomatis: [%s] Disposisi\r\nIn-Reply-To: <%s>\r\n' "$R3" "$(mid $K3)"
	printf 'Auto-Submitted: auto-replied\r\nMessage-ID: <away@kuduskab.go.id>\r\n\r\n'
	printf 'Saya sedang cuti sampai 30 November 2026. SETUJU untuk yang mendesak hubungi Plh.\r\n'
} >away.eml
before=$(outbox_count)
expect_exit 0 D deliver <away.eml
[ "$(sql $DB "select state from requests where number = '$R3'")" = disposisi_kadin ] || fail "a vacation notice moved the request (it even says SETUJU)"
[ "$(outbox_count)" = "$before" ] || fail "a vacation notice was answered"
sql $DB "select json_extract(detail, '\$.step') || ' ' || actor from events e join requests r on r.id = e.request_id where r.number = '$R3' and e.kind = 'auto_reply'" | grep -qx "disposisi_kadin kadis@kuduskab.go.id" || fail "the vacation notice is noted on the step"
# The escalation (two SLA expiries later) tells the administrator why.
NOW=2026-11-23T09:20:00+07:00
expect_exit 0 D timers
NOW=2026-11-23T09:40:00+07:00
expect_exit 0 D timers
esc=$(sql $DB "select printf('%06d.eml', o.id) from outbox o join requests r on r.id = o.request_id where r.number = '$R3' and o.template = 'eskalasi'")
[ -n "$esc" ] || fail "no escalation"
contains "$OUT/$esc" "Balasan otomatis dari kadis@kuduskab.go.id:"
contains "$OUT/$esc" "Saya sedang cuti sampai 30 November 2026"
NOW=2026-11-23T09:00:00+07:00
ok "an official's vacation notice is noted on the step, changes nothing, and the escalation quotes it"

# The same notice from someone else (an outsider who saw the subject) is
# not noted: only the address the email went to speaks for that step.
sed 's/^From: Kepala Dinas <kadis@kuduskab.go.id>/From: Orang Lain <orang.lain@gmail.com>/; s/away@/away2@/' away.eml >away2.eml
before=$(sql $DB "select count(*) from events where kind = 'auto_reply'")
expect_exit 0 D deliver <away2.eml
[ "$(sql $DB "select count(*) from events where kind = 'auto_reply'")" = "$before" ] || fail "an outsider's auto-reply was noted on the step"
ok "an auto-reply from anyone else is not noted"

# 5. A bounce about nothing dispo sent: kept, nothing else.
sed "s/$(mid $ACK)/unknown@elsewhere/; s/budi.santoso@kuduskab.go.id/nobody@example.com/g; s/bounce1@/bounce5@/" bounce1.eml >bounce5.eml
before=$(outbox_count)/$(sql $DB "select count(*) from events")
expect_exit 0 D deliver <bounce5.eml
[ "$(outbox_count)/$(sql $DB "select count(*) from events")" = "$before" ] || fail "a stranger's bounce changed something"
ok "a bounce about no email of ours is only kept"

# A bounce of a colleague's webmail message to the head (its Message-ID is
# not ours) leaves dispo's sent email to the head alone.
HEAD=$(sql $DB "select id from outbox where to_addr = 'kadis@kuduskab.go.id' and state = 'sent' order by id desc limit 1")
[ -n "$HEAD" ] || fail "a sent email to the head (the reminder)"
sed "s/$(mid $ACK)/webmail-123@kuduskab.go.id/; s/budi.santoso@kuduskab.go.id/kadis@kuduskab.go.id/g; s/bounce1@/bounce6@/" bounce1.eml >bounce6.eml
expect_exit 0 D deliver <bounce6.eml
[ "$(sql $DB "select state from outbox where id = $HEAD")" = sent ] || fail "someone else's bounce failed dispo's email"
ok "a bounce returning someone else's Message-ID fails none of ours"

# An operator's retry of an email another dispo is sending right now (its
# lease running) is refused: it would go twice. A failed one goes again.
sql $DB "update outbox set state = 'sending', next_attempt_at = strftime('%s', 'now') + 900 where id = $HEAD"
expect_exit 75 D outbox retry $HEAD
contains err "being sent by another dispo"
expect_exit 0 D outbox retry $ACK
[ "$(sql $DB "select state from outbox where id = $ACK")" = sent ] || fail "a failed email sent again on retry"
ok "outbox retry refuses an email being sent, and sends a failed one again"
