# SPDX-License-Identifier: GPL-3.0-or-later
# serve-lib.sh: what the tests of `dispo serve` against the harness's
# servers share. Sourced after lib.sh and servers.sh, once servers_start
# has run (the configuration names their ports). dispo watches the office's
# mailbox (OFFICE) over IMAP and sends as it over SMTP, both authenticated
# with its password, authentication required of every sender.
#
#   serve_conf IMAP-URL [LINES]  writes dispo.conf (data under data/, the
#               rules copied to rules/); LINES go at its end (more [imap]
#               keys, or further groups)
#   D ARGS...   dispo with that configuration; DB is its store
#   serve_start / serve_stop  dispo serve in the background, its stderr
#               appended to serve.log; serve_stop sends SIGTERM and returns
#               its exit status
#   wait_log TEXT [SECONDS], wait_log_re REGEX  until serve.log holds it
#   wait_sql QUERY VALUE [SECONDS]  until the store answers VALUE
#   submit LOGIN RCPT FILE  smtp_submit, the test failing unless Postfix
#               queues the message
OFFICE=sertifikat@kuduskab.go.id
printf 'username = %s\npassword = %s\n' $OFFICE "$(user_password $OFFICE)" >"$WORK/smtp.cred"
printf 'password = %s\n' "$(user_password $OFFICE)" >"$WORK/imap.cred"
chmod 600 "$WORK/smtp.cred" "$WORK/imap.cred"
cp -r "$DISPO_SRCDIR/rules" "$WORK/rules"
serve_conf() {
	cat >"$WORK/dispo.conf" <<CONF
[general]
data_dir = data
rules_dir = rules
admin_address = admin@dinkes.kuduskab.go.id
[policy]
agency_domains = kuduskab.go.id
require_authentication = true
trusted_authserv_id = mx.kuduskab.go.id
[smtp]
url = smtp://127.0.0.1:$SMTP_PORT
ca_file = $SERVERS_CA
credentials_file = $WORK/smtp.cred
timeout = 10s
[imap]
url = $1
ca_file = $SERVERS_CA
user = $OFFICE
credentials_file = $WORK/imap.cred
processed_folder = Diproses
quarantine_folder = Karantina
timeout = 5s
${2:-}
CONF
}
D() { "$DISPO" --config "$WORK/dispo.conf" "$@"; }
DB=$WORK/data/dispo.db
SERVE_PID=""
serve_start() {
	"$DISPO" --config "$WORK/dispo.conf" serve 2>>"$WORK/serve.log" &
	SERVE_PID=$!
}
serve_stop() {
	kill -TERM "$SERVE_PID" 2>/dev/null
	wait "$SERVE_PID"
	serve__rc=$?
	SERVE_PID=""
	return $serve__rc
}
cleanup() {
	[ -n "$SERVE_PID" ] && kill -9 "$SERVE_PID" 2>/dev/null
	[ -n "${KEEP:-}" ] || rm -rf "$WORK"
}
wait_log() {
	i=0 limit=$((${2:-20} * 10))
	until grep -qF -- "$1" "$WORK/serve.log" 2>/dev/null; do
		i=$((i + 1))
		[ $i -gt $limit ] && { cat "$WORK/serve.log" >&2; return 1; }
		sleep 0.1
	done
}
wait_log_re() {
	i=0
	until grep -qE -- "$1" "$WORK/serve.log" 2>/dev/null; do
		i=$((i + 1))
		[ $i -gt 100 ] && { cat "$WORK/serve.log" >&2; return 1; }
		sleep 0.1
	done
}
wait_sql() {
	i=0 limit=$((${3:-20} * 10))
	while [ "$(sqlite3 "$DB" "$1" 2>/dev/null)" != "$2" ]; do
		i=$((i + 1))
		[ $i -gt $limit ] && {
			echo "store: '$1' is '$(sqlite3 "$DB" "$1")', want '$2'" >&2
			tail -n 20 "$WORK/serve.log" >&2
			return 1
		}
		sleep 0.1
	done
}
submit() { smtp_submit "$@" || fail "Postfix did not take $3 from $1 for $2"; }
