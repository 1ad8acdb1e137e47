#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# test-authres.sh: authentication as a real office MX reports it. Postfix
# with Debian's OpenDKIM and OpenDMARC milters takes an application from the
# Internet that carries a forged "dmarc=pass" naming the MX, and staff
# submissions over SMTP AUTH (smtpd_sasl_authenticated_header); Dovecot
# delivers them; dispo, requiring authentication, reads each as delivered.
# The forged pass must not count (the milters do not strip it), the login
# that is the From address must, another login must not.
. "$(dirname "$0")/../cli/lib.sh"
. "$DISPO_SRCDIR/tests/integration/servers.sh"
SERVERS_MILTERS=1
servers_start
ok "Postfix with OpenDKIM and OpenDMARC, and Dovecot, are up"

OFFICE=sertifikat@kuduskab.go.id
BUDI=budi.santoso@kuduskab.go.id
cat >dispo.conf <<CONF
[general]
data_dir = data
[policy]
agency_domains = kuduskab.go.id
require_authentication = true
trusted_authserv_id = mx.kuduskab.go.id
CONF
D() { "$DISPO" --config dispo.conf --now 2026-11-23T09:00:00+07:00 "$@"; }
expect_exit 0 D employees import "$DISPO_SRCDIR/rules/register-contoh.csv"

# send MODE LOGIN FILE: FILE to the office over SMTP; MODE plain (an
# Internet MX's delivery from $BUDI, no AUTH; LOGIN is then the HELO name)
# or auth (STARTTLS, AUTH as LOGIN).
send() {
	if [ "$1" = auth ]; then
		smtp_submit "$2" $OFFICE "$3" || fail "Postfix did not take $3 from $2"
	else
		smtp_relay "${2:-vps-203.hosting.example}" $BUDI $OFFICE "$3" || fail "Postfix did not take $3"
	fi
}
n=0
# deliver_last: the newest message in the office's Maildir, through dispo.
deliver_last() {
	n=$((n + 1))
	wait_for_mail $OFFICE $n || fail "message $n did not arrive"
	m=$(ls -t "$(user_maildir $OFFICE)"/new/* | head -n 1)
	cp "$m" "delivered-$n.eml"
	expect_exit 0 D deliver <"$m"
}
refused_for() { sql data/dispo.db "select reasons from refusals order by message_id desc limit 1"; }
# message ID FORGED: an application (CRLF, dot-stuffing needless: no line
# starts with a dot) with the forgery, if any, as its first field.
message() {
	{
		[ -n "$2" ] && printf '%s\r\n' "$2"
		application $BUDI "$1" | sed '1d'
		printf '.\r\n'
	} | sed 's/\r*$/\r/' | sed '$d' >"app-$1.eml"
}

# OpenDKIM (verifying) strips a forged field that holds a dkim result, but
# leaves one that holds only dmarc=pass, as the forger writes it here.
message 1 "Authentication-Results: mx.kuduskab.go.id; dmarc=pass header.from=kuduskab.go.id"
send plain "" app-1.eml
deliver_last
# What the MX really wrote sits above its Received:; the copy the sender
# wrote is still there below it.
awk '/^\r?$/ { exit } { print }' delivered-1.eml | tr -d '\r' >hdr-1
real=$(grep -n '^Authentication-Results: mx.kuduskab.go.id; dmarc=' hdr-1 | head -n 1)
mx=$(grep -n '^Received: from vps-203' hdr-1 | head -n 1)
forged=$(grep -n 'dmarc=pass' hdr-1 | head -n 1)
[ -n "$real" ] && [ -n "$mx" ] && [ -n "$forged" ] || { cat hdr-1; fail "the milters' fields or the forgery are missing"; }
[ "${real%%:*}" -lt "${mx%%:*}" ] && [ "${forged%%:*}" -gt "${mx%%:*}" ] ||
	{ cat hdr-1; fail "not laid out as expected: the real field above the MX's Received:, the forged one below"; }
grep -q '^Authentication-Results: mx.kuduskab.go.id; dmarc=none\|^Authentication-Results: mx.kuduskab.go.id; dmarc=fail' hdr-1 ||
	{ cat hdr-1; fail "OpenDMARC's own verdict"; }
case $(refused_for) in *auth_fail*) ;; *) cat delivered-1.eml; fail "a forged dmarc=pass below the MX's own verdict was believed: $(refused_for)" ;; esac
[ "$(sql data/dispo.db "select count(*) from requests")" = 0 ] ||
	fail "a request was opened"
ok "a forged dmarc=pass naming our MX, delivered through Postfix + OpenDMARC, is refused (auth_fail)"

# The same forgery with a HELO Postfix writes as it is ("[]by[]x": it leaves
# brackets alone), meant to make the MX's own Received: read as somebody
# else's so that a forged "Received: … by mx.kuduskab.go.id" further down,
# with the forged pass above it, passes for the boundary.
message 4 "Authentication-Results: mx.kuduskab.go.id; dmarc=pass header.from=kuduskab.go.id
Received: from x by mx.kuduskab.go.id with ESMTP id 1; Mon, 23 Nov 2026 07:59:00 +0700"
send plain "[]by[]x" app-4.eml
deliver_last
grep -q '^Received: from \[\]by\[\]x' delivered-$n.eml || { cat delivered-$n.eml; fail "Postfix wrote the HELO otherwise"; }
case $(refused_for) in *auth_fail*) ;; *) fail "a bracketed HELO let a forged pass through: $(refused_for)" ;; esac
[ "$(sql data/dispo.db "select count(*) from requests")" = 0 ] || fail "a request was opened"
ok "a HELO that splits our MX's Received: into odd words does not move the boundary down to a forged one"

# Staff submit through the office's own server with their mailbox login.
message 2 ""
send auth $BUDI app-2.eml
deliver_last
grep -q "(Authenticated sender: $BUDI)" delivered-$n.eml || fail "Postfix did not name the login"
contains out "opened"
ok "a submission authenticated as the From address opens the request"

message 3 ""
send auth kadis@kuduskab.go.id app-3.eml
deliver_last
case $(refused_for) in *auth_fail*) ;; *) fail "a login as the Kepala Dinas vouched for Budi: $(refused_for)" ;; esac
ok "a submission authenticated as someone else is refused (auth_fail)"
