# SPDX-License-Identifier: GPL-3.0-or-later
# mta-lib.sh: what the tests of the README's MTA recipes share. Sourced
# after lib.sh and servers.sh, before servers_start (the tests' hooks name
# these paths). dispo is set up as on an office's server: its own binary
# and configuration (root's), and a data directory that belongs to the
# service's user, here nobody (the harness's mailboxes are nobody's too),
# all under /tmp so that the mail servers' processes can reach them.
#
#   MTA_DIR     bin/dispo, lib/dispo/dispo-*.so, etc/dispo.conf
#               (data_dir = ../data), data/
#   D ARGS...   the installed dispo with that configuration (as root: it
#               becomes the data directory's owner, see dispo(1))
#   submit LOGIN RCPT FILE  FILE over SMTP with STARTTLS, AUTH as LOGIN
#               (also MAIL FROM), to RCPT; fails unless Postfix queues it
#   store_lock / store_unlock  another writer holds the store meanwhile,
#               so that dispo deliver cannot commit (busy_timeout 200ms)
#   sqlite3 ARGS...  sqlite3 as the service's user
#   wait_sql QUERY VALUE [SECONDS]  until the store answers VALUE
#   reply_to ADDRESS  sets REPLY_TO and REPLY_MSGID: the Reply-To (token
#               address) and Message-ID of dispo's newest email to ADDRESS
MTA_DIR=$(mktemp -d /tmp/dispo-mta.XXXXXX) || exit 99
chmod 0755 "$MTA_DIR"
cleanup() { [ -n "${KEEP:-}" ] || rm -rf "$WORK" "$MTA_DIR"; }
SERVICE_GROUP=$(id -gn nobody)
mkdir -p "$MTA_DIR/bin" "$MTA_DIR/etc" "$MTA_DIR/data"
cp "$DISPO" "$MTA_DIR/bin/dispo" && chmod 0755 "$MTA_DIR/bin/dispo"
# and its modules where an installed dispo finds them (../lib/dispo)
mkdir -p "$MTA_DIR/lib/dispo" && cp "$(dirname "$DISPO")"/dispo-*.so "$MTA_DIR/lib/dispo/"
chown nobody:"$SERVICE_GROUP" "$MTA_DIR/data" && chmod 0750 "$MTA_DIR/data"
# The production defaults: only what the MX vouched for counts.
cat >"$MTA_DIR/etc/dispo.conf" <<CONF
[general]
data_dir = ../data
[policy]
agency_domains = kuduskab.go.id
require_authentication = true
trusted_authserv_id = mx.kuduskab.go.id
[store]
busy_timeout = 200ms
CONF
DB="$MTA_DIR/data/dispo.db"
# Every look into the store as the service's user, as an administrator
# would (sudo -u): root's sqlite3 opening the store while no one else has
# it open creates dispo.db-wal and -shm as root's, and a writer of the
# service's user that comes next finds them read-only ("attempt to write
# a readonly database").
sqlite3() { setpriv --reuid nobody --regid "$SERVICE_GROUP" --clear-groups sqlite3 "$@"; }
D() { "$MTA_DIR/bin/dispo" --config "$MTA_DIR/etc/dispo.conf" "$@"; }

submit() { smtp_submit "$@" || fail "Postfix did not take $3 from $1 for $2"; }

store_lock() {
	rm -f "$WORK/lock" && mkfifo "$WORK/lock" && chmod 0666 "$WORK/lock" || fail "mkfifo"
	# As the service's user, so that no file of root's appears in data/.
	{
		# waits out the probe below, which may hold the lock for an instant
		echo '.timeout 5000'
		echo 'BEGIN IMMEDIATE;'
		echo 'SELECT 1;'
		read -r _ <"$WORK/lock"
		echo 'COMMIT;'
	} | setpriv --reuid nobody --regid "$SERVICE_GROUP" --clear-groups sqlite3 "$DB" >/dev/null &
	MTA_LOCKER=$!
	# held once a second writer cannot begin
	i=0
	while sqlite3 "$DB" 'PRAGMA busy_timeout = 0; BEGIN IMMEDIATE; ROLLBACK;' >/dev/null 2>&1; do
		i=$((i + 1))
		[ $i -gt 100 ] && fail "the store could not be locked"
		sleep 0.05
	done
}
store_unlock() {
	echo go >"$WORK/lock"
	wait "$MTA_LOCKER"
}

wait_sql() {
	i=0 limit=$((${3:-20} * 10))
	while [ "$(sqlite3 "$DB" "$1" 2>/dev/null)" != "$2" ]; do
		i=$((i + 1))
		[ $i -gt $limit ] && { echo "store: '$1' is '$(sqlite3 "$DB" "$1")', want '$2'" >&2; return 1; }
		sleep 0.1
	done
	return 0
}

reply_to() {
	REPLY_MSGID=$(sqlite3 "$DB" "select message_id from outbox where to_addr = '$1' order by id desc limit 1")
	REPLY_TO=$(sqlite3 "$DB" "select reply_to from outbox where to_addr = '$1' order by id desc limit 1")
}

# official_reply FROM TO IN-REPLY-TO WORD: a reply from an official's
# phone, CRLF, ready for DATA.
official_reply() {
	printf 'From: %s\r\nTo: %s\r\nSubject: Re: Disposisi\r\n' "$1" "$2"
	printf 'Message-ID: <reply-%s@kuduskab.go.id>\r\nIn-Reply-To: <%s>\r\n' "$(date +%s%N)" "$3"
	printf 'MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n%s\r\n\r\nDikirim dari iPhone saya\r\n' "$4"
}
