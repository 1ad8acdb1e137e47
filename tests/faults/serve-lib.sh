# SPDX-License-Identifier: GPL-3.0-or-later
# serve-lib.sh: `dispo serve` against the private Postfix and Dovecot, for
# the fault trials. Sourced after tests/cli/lib.sh, servers.sh (started)
# and faults-lib.sh (faults_scratch done).
#
#   serve_conf DIR [EXTRA]  DIR/dispo.conf: IMAPS to the office's mailbox,
#                      SMTP with STARTTLS and AUTH to Postfix, data in
#                      DIR/data; EXTRA lines appended (later groups win)
#   serve_template     FAULTS_TMP/template: a configuration and a store
#                      with the register imported, copied by serve_trial
#   serve_trial NAME   a fresh copy of the template (sets T, FAULTS_CONF,
#                      DB) and the office's mailbox emptied
#   office_fill DIR    DIR's messages into the office's INBOX, in name order
#   serve_start / serve_kill / serve_stop   the daemon (SERVE_PID), its
#                      log in T/serve.log
#   serve_done N       true once N messages are stored, the INBOX is empty
#                      and every email is sent
#   wait_until SECONDS CMD...   CMD until it succeeds; 1 after SECONDS
#   arrivals FILE      the Message-IDs of what Postfix delivered to the
#                      mailboxes (all but the office's) since the last call,
#                      one a line, appended to FILE; the files are removed
OFFICE=sertifikat@kuduskab.go.id
SERVE_PID=""

serve_conf() {
	printf 'username = %s\npassword = %s\n' $OFFICE "$(user_password $OFFICE)" >"$1/smtp.cred"
	printf 'password = %s\n' "$(user_password $OFFICE)" >"$1/imap.cred"
	chmod 600 "$1/smtp.cred" "$1/imap.cred"
	cat >"$1/dispo.conf" <<CONF
[general]
data_dir = data
admin_address = admin@dinkes.kuduskab.go.id
[policy]
agency_domains = kuduskab.go.id
# The trials put mail straight into the mailbox: no MX vouched for it.
require_authentication = false
[smtp]
url = smtp://127.0.0.1:$SMTP_PORT
ca_file = $SERVERS_CA
credentials_file = smtp.cred
timeout = 5s
[imap]
url = imaps://127.0.0.1:$IMAPS_PORT
ca_file = $SERVERS_CA
user = $OFFICE
credentials_file = imap.cred
processed_folder = Diproses
quarantine_folder = Karantina
timeout = 3s
${2:-}
CONF
}

serve_template() {
	mkdir -p "$FAULTS_TMP/template"
	serve_conf "$FAULTS_TMP/template" "${1:-}"
	"$DISPO" --config "$FAULTS_TMP/template/dispo.conf" employees import \
		"$DISPO_SRCDIR/rules/register-contoh.csv" >/dev/null || fail "employees import"
}

serve_trial() {
	T="$FAULTS_TMP/$1"
	rm -rf "$T"
	cp -a "$FAULTS_TMP/template" "$T"
	FAULTS_CONF="$T/dispo.conf" DB="$T/data/dispo.db"
	office_empty
}

# The office's Maildir made anew (no client is connected): a new
# UIDVALIDITY, nothing in INBOX or the folders.
office_empty() {
	m=$(user_maildir $OFFICE)
	rm -rf "$m"
	mkdir -p "$m/new" "$m/cur" "$m/tmp"
	chown -R nobody:"$(id -gn nobody)" "$(dirname "$m")"
}

# Dovecot numbers new messages in the order of the time their names begin
# with: the names say the order the trials need.
office_fill() {
	m=$(user_maildir $OFFICE)
	k=1000000000
	for f in "$1"/*; do
		k=$((k + 1))
		cp "$f" "$m/tmp/$k.$(basename "$f").faults"
		mv "$m/tmp/$k.$(basename "$f").faults" "$m/new/"
	done
	chown -R nobody:"$(id -gn nobody)" "$m"
}

serve_start() {
	(cd "$T" && exec "$DISPO" --config dispo.conf serve) >>"$T/serve.log" 2>&1 &
	SERVE_PID=$!
}
serve_kill() {
	[ -n "$SERVE_PID" ] || return 0
	kill -9 "$SERVE_PID" 2>/dev/null
	wait "$SERVE_PID" 2>/dev/null
	SERVE_PID=""
}
serve_stop() {
	[ -n "$SERVE_PID" ] || return 0
	kill -TERM "$SERVE_PID" 2>/dev/null
	wait "$SERVE_PID"
	rc=$?
	SERVE_PID=""
	return $rc
}

serve_done() {
	[ "$(sqlite3 "$DB" "select (select count(*) from messages) || ' ' ||
		(select count(*) from outbox where state != 'sent')" 2>/dev/null)" = "$1 0" ] &&
		[ "$(mail_count $OFFICE)" = 0 ]
}

wait_until() {
	wu_limit=$(($1 * 20)) wu_i=0
	shift
	until "$@"; do
		wu_i=$((wu_i + 1))
		[ $wu_i -gt $wu_limit ] && return 1
		sleep 0.05
	done
	return 0
}

arrivals() {
	for a in $SERVERS_USERS; do
		[ "$a" = $OFFICE ] && continue
		d=$(user_maildir "$a")
		[ -d "$d/new" ] || continue
		find "$d/new" "$d/cur" -type f >"$WORK/arrivals.tmp"
		[ -s "$WORK/arrivals.tmp" ] || continue
		xargs awk '{ sub(/\r$/, "") } FNR == 1 { h = 1 } h && /^$/ { h = 0 }
			h && tolower($1) == "message-id:" { gsub(/[<>]/, "", $2); print $2 }' <"$WORK/arrivals.tmp" >>"$1"
		xargs rm -f <"$WORK/arrivals.tmp"
	done
}
