# SPDX-License-Identifier: GPL-3.0-or-later
# daemons-lib.sh: `dispo serve` against the private Postfix and Dovecot, for
# the fault trials: unlike tests/integration/serve-lib.sh (one daemon in the
# test's scratch dir, authentication required), any number of daemons,
# each in its own directory on the trials' tmpfs with its own office
# mailbox, taking mail put straight into that mailbox. Sourced after tests/cli/lib.sh, servers.sh (started)
# and faults-lib.sh (faults_scratch done). Several daemons may run at
# once, each with its own directory and its own office mailbox (any of the
# harness's mailboxes that receives none of dispo's mail).
#
#   serve_conf DIR OFFICE [SMTP-URL] [EXTRA]
#                      DIR/dispo.conf: IMAPS to OFFICE's INBOX, SMTP to
#                      SMTP-URL (default: Postfix, STARTTLS and AUTH as
#                      OFFICE), data in DIR/data, the register imported;
#                      EXTRA lines appended (later keys win)
#   serve_dir NAME OFFICE [SMTP-URL] [EXTRA]
#                      T=FAULTS_TMP/NAME made so (a copy of a cached
#                      store), FAULTS_CONF and DB set, OFFICE's mailbox
#                      emptied
#   office_empty OFFICE / office_fill OFFICE DIR
#                      the mailbox made anew (a new UIDVALIDITY) / DIR's
#                      messages into its INBOX, numbered in name order
#   serve_start DIR [LOG]   dispo serve there (log DIR/serve.log or LOG),
#                      SERVE_PID
#   serve_started DIR PID [LOG]   true once that daemon has set its signals
#   serve_kill PID / serve_stop PID   SIGKILL / SIGTERM (exit 0 wanted)
#   serve_done DB OFFICE N   N messages stored, the INBOX empty, every
#                      email sent
#   wait_until SECONDS CMD...   CMD until it succeeds; 1 after SECONDS
#   arrivals FILE      the Message-IDs of what reached the mailboxes of
#                      dispo's recipients since the last call, one a line,
#                      appended to FILE; the files are removed
#   sink_arrivals DIR FILE   the same for what an smtp-sink kept in DIR
OFFICE=sertifikat@kuduskab.go.id
SPARE_OFFICES="kantor1@kuduskab.go.id kantor2@kuduskab.go.id kantor3@kuduskab.go.id
 kantor4@kuduskab.go.id kantor5@kuduskab.go.id kantor6@kuduskab.go.id"
SERVERS_USERS="$SERVERS_USERS $SPARE_OFFICES"
SERVE_PID=""

serve_conf() {
	sc_smtp=${3:-smtp://127.0.0.1:$SMTP_PORT}
	printf 'username = %s\npassword = %s\n' "$2" "$(user_password "$2")" >"$1/smtp.cred"
	printf 'password = %s\n' "$(user_password "$2")" >"$1/imap.cred"
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
url = $sc_smtp
ca_file = $SERVERS_CA
timeout = 3s
CONF
	case $sc_smtp in
	smtp://127.0.0.1:"$SMTP_PORT") echo "credentials_file = smtp.cred" >>"$1/dispo.conf" ;;
	# smtp-sink speaks no TLS
	*) echo "starttls = false" >>"$1/dispo.conf" ;;
	esac
	cat >>"$1/dispo.conf" <<CONF
[imap]
url = imaps://127.0.0.1:$IMAPS_PORT
ca_file = $SERVERS_CA
user = $2
credentials_file = imap.cred
processed_folder = Diproses
quarantine_folder = Karantina
timeout = 3s
${4:-}
CONF
}

serve_dir() {
	T="$FAULTS_TMP/$1"
	rm -rf "$T"
	if [ ! -f "$FAULTS_TMP/store-template/data/dispo.db" ]; then
		mkdir -p "$FAULTS_TMP/store-template/data"
		printf '[general]\ndata_dir = data\n[policy]\nrequire_authentication = false\n' >"$FAULTS_TMP/store-template/dispo.conf"
		"$DISPO" --config "$FAULTS_TMP/store-template/dispo.conf" employees import \
			"$DISPO_SRCDIR/rules/register-contoh.csv" >/dev/null || fail "employees import"
	fi
	mkdir -p "$T"
	cp -a "$FAULTS_TMP/store-template/data" "$T/data"
	serve_conf "$T" "$2" "${3:-}" "${4:-}"
	FAULTS_CONF="$T/dispo.conf" DB="$T/data/dispo.db"
	office_empty "$2"
}

office_empty() {
	oe_m=$(user_maildir "$1")
	rm -rf "$oe_m"
	mkdir -p "$oe_m/new" "$oe_m/cur" "$oe_m/tmp"
	chown -R nobody:"$(id -gn nobody)" "$(dirname "$oe_m")"
}

# Dovecot numbers new messages in the order of the times their names begin
# with: the names give the order the trials need. Each is made complete in
# tmp/ and renamed into new/, as an MDA does.
OFFICE_SEQ=1000000000
office_fill() {
	of_m=$(user_maildir "$1")
	for of_f in "$2"/*; do
		OFFICE_SEQ=$((OFFICE_SEQ + 1))
		of_n="$OFFICE_SEQ.$(basename "$of_f").faults"
		cp "$of_f" "$of_m/tmp/$of_n"
		chown nobody:"$(id -gn nobody)" "$of_m/tmp/$of_n"
		mv "$of_m/tmp/$of_n" "$of_m/new/"
	done
}

serve_start() {
	(cd "$1" && exec "$DISPO" --config dispo.conf serve) >>"${2:-$1/serve.log}" 2>&1 &
	SERVE_PID=$!
}
serve_started() { grep -q "started (pid $2" "${3:-$1/serve.log}" 2>/dev/null; }
serve_kill() {
	[ -n "$1" ] || return 0
	kill -9 "$1" 2>/dev/null
	wait "$1" 2>/dev/null
	return 0
}
serve_stop() {
	kill -TERM "$1" 2>/dev/null
	wait "$1"
}

serve_done() {
	[ "$(sqlite3 "$1" "select (select count(*) from messages) || ' ' ||
		(select count(*) from outbox where state != 'sent')" 2>/dev/null)" = "$3 0" ] &&
		[ "$(mail_count "$2")" = 0 ]
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

# arrivals__ids LIST: the Message-IDs in the headers of the files LIST names
arrivals__ids() {
	xargs -r awk '{ sub(/\r$/, "") } FNR == 1 { h = 1 } h && /^$/ { h = 0 }
		h && tolower($1) == "message-id:" { gsub(/[<>]/, "", $2); print $2 }' <"$1"
}
arrivals() {
	for ar_a in $SERVERS_USERS; do
		case " $OFFICE $SPARE_OFFICES " in *" $ar_a "*) continue ;; esac
		ar_d=$(user_maildir "$ar_a")
		[ -d "$ar_d/new" ] || continue
		find "$ar_d/new" "$ar_d/cur" -type f >"$WORK/arrivals.tmp"
		arrivals__ids "$WORK/arrivals.tmp" >>"$1"
		xargs -r rm -f <"$WORK/arrivals.tmp"
	done
}
sink_arrivals() {
	find "$1" -type f >"$WORK/arrivals.tmp"
	arrivals__ids "$WORK/arrivals.tmp" >>"$2"
	xargs -r rm -f <"$WORK/arrivals.tmp"
}
