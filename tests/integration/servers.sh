# SPDX-License-Identifier: GPL-3.0-or-later
# servers.sh: a private Postfix and Dovecot on loopback for the integration
# tests, with a throwaway CA, started and stopped by pid. Sourced (POSIX sh).
#
# servers_start        start both (skips the test, exit 77, unless root);
#                      with SERVERS_MILTERS=1 Postfix also runs Debian's
#                      OpenDKIM and OpenDMARC (verifying only, authserv-id
#                      mx.kuduskab.go.id) as an office's MX does
# servers_stop         stop everything this file started; also runs from the
#                      EXIT/INT/TERM/HUP trap, so a failing test cleans up too
# Exported after servers_start (all on 127.0.0.1):
#   SMTP_PORT   smtpd, STARTTLS offered; AUTH PLAIN/LOGIN only after STARTTLS
#   SMTPS_PORT  smtpd, implicit TLS; AUTH PLAIN/LOGIN
#   SMTPS_UNTRUSTED_PORT  implicit TLS with a self-signed certificate
#   SMTPS_WRONGNAME_PORT  implicit TLS, CA-signed certificate for wrong.invalid
#   IMAP_PORT   imap (STARTTLS offered, plaintext login allowed on loopback)
#   IMAPS_PORT  imaps; the same port on 127.0.0.2 presents the untrusted cert
#   SERVERS_CA  PEM file of the throwaway CA that signed the servers' cert
#   SERVERS_UNTRUSTED_CERT  the self-signed certificate (not under SERVERS_CA)
#   SERVERS_DIR scratch dir holding configs, queues, Maildirs and logs
#   SERVERS_USERS  every mailbox address, space separated
#   SERVERS_LOST_USER  accepted by Postfix, unknown to Dovecot: mail to it
#               comes back to the sender as a DSN (5.1.1)
#   SERVERS_BOUNCE_DOMAIN  tidak-ada.invalid: Postfix refuses it at RCPT
#               (550 5.1.2) over SMTP, or bounces it (DSN) when via sendmail
#   SERVERS_INTERNET_ADDR  203.0.113.25, the client smtp_relay plays
#   SERVERS_SPARE_PORT  free when chosen, nothing listens there
#   SERVERS_OUTSIDE_DIR  mail relayed outside the virtual domains ends here
#   SERVERS_POSTFIX_CONF  Postfix config_directory (sendmail -C, postqueue -c)
#   IMAP_FETCH  the imap-fetch test client
#   SERVERS_POSTFIX_PID, SERVERS_DOVECOT_PID  the two master processes
# Functions: user_password, user_maildir, mail_count, wait_for_mail,
# queue_wait_empty, servers_sendmail, sink_start/sink_stop (SINK_PORT,
# SINK_DIR), sink_spawn/sink_kill (more sinks), servers_listening,
# servers_group_pids, postfix_stop/postfix_start and dovecot_stop/
# dovecot_start (one server away and back, same ports), smtp_submit and
# smtp_relay (a whole SMTP conversation), smtp_open and the rest below.
# Hooks a test may define before servers_start: servers_postfix_hook DIR
# (Postfix's config_directory, main.cf, master.cf and transport written),
# servers_dovecot_hook FILE (dovecot.conf written) and servers_milters_hook
# DIR (opendkim.conf and opendmarc.conf written there), to add to them.

: "${DISPO_BUILDDIR:=$(pwd)}"
IMAP_FETCH="$DISPO_BUILDDIR/tests/integration/imap-fetch"
SERVERS_DOMAIN=kuduskab.go.id
# Officials and applicants from rules/register-contoh.csv, the office box, an
# applicant the register does not know, and one in a second domain.
SERVERS_USERS="sertifikat@kuduskab.go.id kadis@kuduskab.go.id
 sri.wahyuningsih@kuduskab.go.id agus.prasetyo@kuduskab.go.id
 dewi.lestari@kuduskab.go.id suparman@kuduskab.go.id
 budi.santoso@kuduskab.go.id rina.marlina@kuduskab.go.id
 ahmad.fauzi@kuduskab.go.id nur.hidayah@kuduskab.go.id
 andini.pratiwi@kuduskab.go.id pemohon.baru@kuduskab.go.id
 admin@dinkes.kuduskab.go.id"
SERVERS_BOUNCE_DOMAIN=tidak-ada.invalid
# Where smtp_relay's mail comes from, as Postfix sees it (TEST-NET-3).
SERVERS_INTERNET_ADDR=203.0.113.25
# Postfix's map lists it, Dovecot has no such mailbox: Postfix accepts the
# mail, LMTP refuses it (5.1.1), and Postfix returns a DSN to the sender.
SERVERS_LOST_USER=pegawai.pindah@kuduskab.go.id
SERVERS_PIDS=""
SINK_PID=""

servers__die() {
	echo "servers: $*" >&2
	for f in "${SERVERS_DIR:-/nonexistent}/postfix.log" "${SERVERS_DIR:-/nonexistent}/dovecot.log"; do
		[ -s "$f" ] && { echo "--- tail $f" >&2; tail -n 20 "$f" >&2; }
	done
	exit 99
}

# user_password ADDRESS: the password of that mailbox.
user_password() { echo "rahasia-${1%%@*}"; }
# user_maildir ADDRESS: its Maildir (delimiter extensions are stripped).
user_maildir() {
	u=${1%%@*}
	echo "$SERVERS_DIR/mail/${1#*@}/${u%%+*}/Maildir"
}
# mail_count ADDRESS [FOLDER]: messages in the INBOX (or .FOLDER), new and cur.
mail_count() {
	d=$(user_maildir "$1")
	[ -n "${2:-}" ] && d="$d/.$2"
	find "$d/new" "$d/cur" -type f 2>/dev/null | wc -l
}
# wait_for_mail ADDRESS N [SECONDS]: until the INBOX holds at least N
# messages; fails (returns 1) after SECONDS (default 20).
wait_for_mail() {
	i=0 limit=$((${3:-20} * 20))
	while [ "$(mail_count "$1")" -lt "$2" ]; do
		i=$((i + 1))
		[ $i -gt $limit ] && { echo "servers: $1 has $(mail_count "$1") messages, want $2" >&2; return 1; }
		sleep 0.05
	done
	return 0
}
# queue_wait_empty [SECONDS]: until Postfix has nothing queued (default 20).
queue_wait_empty() {
	i=0 limit=$((${1:-20} * 20))
	while [ -n "$(find "$SERVERS_DIR/postfix/queue/incoming" "$SERVERS_DIR/postfix/queue/active" \
		"$SERVERS_DIR/postfix/queue/deferred" "$SERVERS_DIR/postfix/queue/maildrop" -type f 2>/dev/null)" ]; do
		i=$((i + 1))
		[ $i -gt $limit ] && { echo "servers: Postfix queue not empty" >&2; return 1; }
		sleep 0.05
	done
	return 0
}
# servers_sendmail ARGS...: the private Postfix's sendmail (message on stdin).
servers_sendmail() { /usr/sbin/sendmail -C "$SERVERS_POSTFIX_CONF" "$@"; }

# servers_listening PORT: true if something listens on TCP PORT (IPv4).
servers_listening() {
	awk -v p="$(printf '%04X' "$1")" 'FNR > 1 && $4 == "0A" { split($2, a, ":"); if (a[2] == p) f = 1 }
		END { exit !f }' /proc/net/tcp
}
# servers_group_pids PGID: live (non-zombie) processes of that process group.
# Our session leaders' orphans may be reaped late (PID 1 need not be init),
# so zombies do not count.
servers_group_pids() {
	cat /proc/[0-9]*/stat 2>/dev/null | awk -v g="$1" \
		'{ pid = $1; sub(/^.*\) /, ""); if ($3 == g && $1 != "Z") print pid }'
}

# Ports from 20000-32767, below Linux's ephemeral range so no outgoing
# connection takes them; random, so parallel runs rarely meet (servers_start
# retries if they do). Held together while choosing so they differ.
servers__free_ports() {
	perl -MIO::Socket::INET -e '
		my (@held, %seen);
		srand($$ ^ time);
		while (@held < $ARGV[0]) {
			my $p = 20000 + int(rand(12768));
			next if $seen{$p}++;
			my $s = IO::Socket::INET->new(LocalAddr => "127.0.0.1", LocalPort => $p,
				Proto => "tcp", Listen => 1) or next;
			push @held, $s;
			print "$p\n";
		}' "$1"
}

# wait until the predicate succeeds, 10 s at most
servers__until() {
	i=0
	until "$@"; do
		i=$((i + 1))
		[ $i -gt 200 ] && return 1
		sleep 0.05
	done
}

servers__certs() {
	t="$SERVERS_DIR/tls"
	mkdir -p "$t" && cd "$t" || return 1
	# The CA, and a server certificate for 127.0.0.1/localhost it signs.
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
		-subj "/O=dispo test/CN=dispo test CA" -keyout ca.key -out ca.pem \
		-addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign ||
		return 1
	for n in server:127.0.0.1 wrongname:wrong.invalid; do
		name=${n%%:*} cn=${n#*:}
		if [ "$name" = server ]; then
			san="subjectAltName=IP:127.0.0.1,DNS:localhost"
		else
			san="subjectAltName=DNS:wrong.invalid"
		fi
		openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
			-subj "/O=dispo test/CN=$cn" -keyout "$name.key" -out "$name.csr" || return 1
		printf '%s\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n' "$san" >"$name.ext"
		openssl x509 -req -in "$name.csr" -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 \
			-extfile "$name.ext" -out "$name.pem" || return 1
	done
	# Self-signed, with the right names: fails only for want of trust.
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
		-subj "/O=not trusted/CN=127.0.0.1" -keyout untrusted.key -out untrusted.pem \
		-addext "subjectAltName=IP:127.0.0.1,IP:127.0.0.2,DNS:localhost" || return 1
	chmod 0644 ./*.pem && chmod 0600 ./*.key
	cd - >/dev/null || return 1
}

servers__dovecot_conf() {
	d="$SERVERS_DIR/dovecot" t="$SERVERS_DIR/tls"
	uid=$(id -u nobody) gid=$(id -g nobody)
	: >"$d/users"
	for a in $SERVERS_USERS; do
		u=${a%%@*}
		echo "$a:{PLAIN}$(user_password "$a"):$uid:$gid::$SERVERS_DIR/mail/${a#*@}/$u::" >>"$d/users"
	done
	cat >"$d/dovecot.conf" <<EOF
# Generated by tests/integration/servers.sh
instance_name = dispo-test-$IMAP_PORT
base_dir = $d/run
state_dir = $d/state
protocols = imap lmtp
listen = 127.0.0.1, 127.0.0.2
log_path = $SERVERS_DIR/dovecot.log
info_log_path = $SERVERS_DIR/dovecot.log
ssl = yes
ssl_cert = <$t/server.pem
ssl_key = <$t/server.key
ssl_min_protocol = TLSv1.2
local 127.0.0.2 {
  ssl_cert = <$t/untrusted.pem
  ssl_key = <$t/untrusted.key
}
disable_plaintext_auth = no
# The Sieve pipe runs dispo deliver inside the LMTP process's address-space
# limit (256 MB by default); a dispo built with AddressSanitizer, as CI's
# is, maps far more virtual memory than that at start.
default_vsz_limit = 0
# Tests try wrong passwords on purpose: no delay, no per-IP penalty.
auth_failure_delay = 0
auth_mechanisms = plain login
auth_username_format = %Lu
recipient_delimiter = +
lmtp_save_to_detail_mailbox = no
mail_location = maildir:~/Maildir
first_valid_uid = $uid
passdb {
  driver = passwd-file
  args = $d/users
}
userdb {
  driver = passwd-file
  args = $d/users
}
service imap-login {
  inet_listener imap {
    port = $IMAP_PORT
  }
  inet_listener imaps {
    port = $IMAPS_PORT
    ssl = yes
  }
}
service lmtp {
  unix_listener lmtp {
    mode = 0666
  }
}
service anvil {
  unix_listener anvil-auth-penalty {
    mode = 0
  }
}
service auth {
  unix_listener auth-postfix {
    mode = 0666
  }
}
protocol lmtp {
  postmaster_address = postmaster@$SERVERS_DOMAIN
}
EOF
	# A test's additions (a Sieve pipe) go after the harness's settings.
	if command -v servers_dovecot_hook >/dev/null; then
		servers_dovecot_hook "$d/dovecot.conf" || return 1
	fi
}

servers__postfix_conf() {
	c="$SERVERS_POSTFIX_CONF" q="$SERVERS_DIR/postfix" t="$SERVERS_DIR/tls"
	: >"$c/vmailbox"
	for a in $SERVERS_USERS $SERVERS_LOST_USER postmaster@$SERVERS_DOMAIN; do echo "$a ok" >>"$c/vmailbox"; done
	echo "$SERVERS_BOUNCE_DOMAIN error:5.1.2 domain does not exist (dispo test harness)" >"$c/transport"
	cat >"$c/main.cf" <<EOF
# Generated by tests/integration/servers.sh
compatibility_level = 3.6
queue_directory = $q/queue
data_directory = $q/data
maillog_file = $SERVERS_DIR/postfix.log
maillog_file_prefixes = $SERVERS_DIR
mail_owner = postfix
setgid_group = postdrop
myhostname = mx.$SERVERS_DOMAIN
mydomain = $SERVERS_DOMAIN
myorigin = \$mydomain
mydestination =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.1/32
alias_maps =
alias_database =
local_recipient_maps =
biff = no
virtual_mailbox_domains = $SERVERS_DOMAIN dinkes.$SERVERS_DOMAIN
virtual_mailbox_maps = texthash:$c/vmailbox
virtual_transport = lmtp:unix:$SERVERS_DIR/dovecot/run/lmtp
recipient_delimiter = +
transport_maps = texthash:$c/transport
# Everything else leaves through the outside sink, never the network.
relayhost = [127.0.0.1]:$SERVERS_OUTSIDE_PORT
smtp_dns_support_level = disabled
smtp_tls_security_level = none
# No permit_mynetworks: loopback is not trusted, only authentication is.
smtpd_relay_restrictions = permit_sasl_authenticated, reject_unauth_destination
smtpd_sasl_type = dovecot
smtpd_sasl_path = $SERVERS_DIR/dovecot/run/auth-postfix
smtpd_sasl_auth_enable = no
smtpd_sasl_security_options = noanonymous
smtpd_sasl_authenticated_header = yes
smtpd_tls_cert_file = $t/server.pem
smtpd_tls_key_file = $t/server.key
smtpd_tls_loglevel = 1
smtpd_tls_received_header = yes
smtpd_banner = \$myhostname ESMTP dispo test
smtpd_error_sleep_time = 0
# smtp_relay names its client an Internet host (XCLIENT), so that what
# Postfix and the milters write is what an office's MX writes for one.
smtpd_authorized_xclient_hosts = 127.0.0.1
in_flow_delay = 0
delay_warning_time = 0
queue_run_delay = 5s
minimal_backoff_time = 5s
maximal_backoff_time = 10s
EOF
	# All services unchrooted: the queue is a scratch dir with no chroot tree.
	cat >"$c/master.cf" <<EOF
# Generated by tests/integration/servers.sh
127.0.0.1:$SMTP_PORT inet n - n - - smtpd
  -o smtpd_tls_security_level=may
  -o smtpd_tls_auth_only=yes
  -o smtpd_sasl_auth_enable=yes
127.0.0.1:$SMTPS_PORT inet n - n - - smtpd
  -o smtpd_tls_wrappermode=yes
  -o smtpd_sasl_auth_enable=yes
127.0.0.1:$SMTPS_UNTRUSTED_PORT inet n - n - - smtpd
  -o smtpd_tls_wrappermode=yes
  -o smtpd_sasl_auth_enable=yes
  -o smtpd_tls_cert_file=$t/untrusted.pem
  -o smtpd_tls_key_file=$t/untrusted.key
127.0.0.1:$SMTPS_WRONGNAME_PORT inet n - n - - smtpd
  -o smtpd_tls_wrappermode=yes
  -o smtpd_sasl_auth_enable=yes
  -o smtpd_tls_cert_file=$t/wrongname.pem
  -o smtpd_tls_key_file=$t/wrongname.key
pickup    unix  n - n 60 1 pickup
cleanup   unix  n - n - 0 cleanup
qmgr      unix  n - n 300 1 qmgr
tlsmgr    unix  - - n 1000? 1 tlsmgr
rewrite   unix  - - n - - trivial-rewrite
bounce    unix  - - n - 0 bounce
defer     unix  - - n - 0 bounce
trace     unix  - - n - 0 bounce
verify    unix  - - n - 1 verify
flush     unix  n - n 1000? 0 flush
proxymap  unix  - - n - - proxymap
proxywrite unix - - n - 1 proxymap
smtp      unix  - - n - - smtp
relay     unix  - - n - - smtp
showq     unix  n - n - - showq
error     unix  - - n - - error
retry     unix  - - n - - error
discard   unix  - - n - - discard
lmtp      unix  - - n - - lmtp
anvil     unix  - - n - 1 anvil
scache    unix  - - n - 1 scache
postlog   unix-dgram n - n - 1 postlogd
EOF
	if [ "${SERVERS_MILTERS:-}" = 1 ]; then
		# A milter that fails makes the mail wait (451), never pass unchecked.
		printf 'smtpd_milters = inet:127.0.0.1:%s, inet:127.0.0.1:%s\nmilter_default_action = tempfail\n' \
			"$SERVERS_DKIM_PORT" "$SERVERS_DMARC_PORT" >>"$c/main.cf"
	fi
	# A test's additions (a pipe transport) to main.cf, master.cf, transport.
	if command -v servers_postfix_hook >/dev/null; then
		servers_postfix_hook "$c" || return 1
	fi
	# Postfix waits until a config file is a few seconds old (it might still
	# be being written); these are complete, so age them.
	touch -d '1 minute ago' "$c"/*
}

# servers__stop_groups PID...: TERM the process groups led by the PIDs, wait
# for them (5 s), then KILL what is left. Returns 1 if something survived.
servers__stop_groups() {
	for p in "$@"; do kill -TERM "$p" 2>/dev/null; done
	for p in "$@"; do
		servers__until servers__group_gone "$p" && continue
		for q in $(servers_group_pids "$p"); do kill -KILL "$q" 2>/dev/null; done
		servers__until servers__group_gone "$p" || return 1
	done
	return 0
}
servers__group_gone() { [ -z "$(servers_group_pids "$1")" ]; }

# servers__spawn LOG CMD...: CMD in its own session (so a terminal's ^C
# reaches only the test, and its children can be found by process group),
# in the background; sets servers__pid.
servers__spawn() {
	log=$1
	shift
	setsid "$@" >>"$log" 2>&1 </dev/null &
	servers__pid=$!
}

# OpenDKIM and OpenDMARC as milters, verifying what arrives. Both would skip
# loopback clients as internal; a list without them makes them judge the
# tests' mail as an MX judges the Internet's. No DNS here, so SPF is not
# consulted and nothing can pass DKIM: their verdicts are none or fail.
servers__milters_start() {
	m="$SERVERS_DIR/milters"
	mkdir -p "$m" && chown nobody "$m"
	echo 192.0.2.1 >"$m/internal"
	cat >"$m/opendkim.conf" <<EOF
AuthservID mx.$SERVERS_DOMAIN
Mode v
AlwaysAddARHeader yes
InternalHosts $m/internal
Socket inet:$SERVERS_DKIM_PORT@127.0.0.1
Background no
Syslog no
UserID nobody
PidFile $m/opendkim.pid
EOF
	cat >"$m/opendmarc.conf" <<EOF
AuthservID mx.$SERVERS_DOMAIN
TrustedAuthservIDs mx.$SERVERS_DOMAIN
IgnoreHosts $m/internal
IgnoreAuthenticatedClients false
SPFIgnoreResults true
SPFSelfValidate false
RequiredHeaders false
RejectFailures false
Socket inet:$SERVERS_DMARC_PORT@127.0.0.1
Background false
Syslog false
UserID nobody
PidFile $m/opendmarc.pid
EOF
	# A test's additions (keys that DNS would publish) go after these.
	if command -v servers_milters_hook >/dev/null; then
		servers_milters_hook "$m" || return 1
	fi
	servers__spawn "$SERVERS_DIR/opendkim.log" opendkim -f -x "$m/opendkim.conf"
	SERVERS_PIDS="$SERVERS_PIDS $servers__pid" SERVERS_MILTER_PIDS="$servers__pid"
	servers__spawn "$SERVERS_DIR/opendmarc.log" opendmarc -f -c "$m/opendmarc.conf"
	SERVERS_PIDS="$SERVERS_PIDS $servers__pid" SERVERS_MILTER_PIDS="$SERVERS_MILTER_PIDS $servers__pid"
	servers__until servers_listening "$SERVERS_DKIM_PORT" && servers__until servers_listening "$SERVERS_DMARC_PORT"
}

servers__start_once() {
	# shellcheck disable=SC2046 # ten numbers, one per line
	set -- $(servers__free_ports 10)
	SMTP_PORT=$1 SMTPS_PORT=$2 SMTPS_UNTRUSTED_PORT=$3 SMTPS_WRONGNAME_PORT=$4
	IMAP_PORT=$5 IMAPS_PORT=$6 SERVERS_OUTSIDE_PORT=$7 SERVERS_SPARE_PORT=$8
	SERVERS_DKIM_PORT=$9 SERVERS_DMARC_PORT=${10}
	export SMTP_PORT SMTPS_PORT SMTPS_UNTRUSTED_PORT SMTPS_WRONGNAME_PORT IMAP_PORT IMAPS_PORT

	# The outside world: a sink that keeps every message relayed to it.
	SERVERS_OUTSIDE_DIR="$SERVERS_DIR/outside"
	mkdir -p "$SERVERS_OUTSIDE_DIR" && chown nobody "$SERVERS_OUTSIDE_DIR"
	servers__spawn "$SERVERS_DIR/outside.log" smtp-sink -4 -u nobody -h outside.example \
		-d "$SERVERS_OUTSIDE_DIR/%H%M%S." "127.0.0.1:$SERVERS_OUTSIDE_PORT" 16
	SERVERS_OUTSIDE_PID=$servers__pid
	SERVERS_PIDS="$SERVERS_PIDS $SERVERS_OUTSIDE_PID"

	servers__dovecot_conf
	servers__spawn "$SERVERS_DIR/dovecot.log" dovecot -F -c "$SERVERS_DIR/dovecot/dovecot.conf"
	SERVERS_DOVECOT_PID=$servers__pid
	SERVERS_PIDS="$SERVERS_PIDS $SERVERS_DOVECOT_PID"

	if [ "${SERVERS_MILTERS:-}" = 1 ]; then
		servers__milters_start || return 1
	fi
	servers__postfix_conf
	/usr/sbin/postfix -c "$SERVERS_POSTFIX_CONF" start >>"$SERVERS_DIR/postfix.start" 2>&1 || return 1
	SERVERS_POSTFIX_PID=$(tr -d ' \n' <"$SERVERS_DIR/postfix/queue/pid/master.pid")
	SERVERS_PIDS="$SERVERS_PIDS $SERVERS_POSTFIX_PID"

	for p in $SMTP_PORT $SMTPS_PORT $IMAP_PORT $IMAPS_PORT $SERVERS_OUTSIDE_PORT; do
		servers__until servers_listening "$p" || return 1
	done
	servers__until test -S "$SERVERS_DIR/dovecot/run/lmtp" || return 1
	servers__until test -S "$SERVERS_DIR/dovecot/run/auth-postfix" || return 1
	for p in $SERVERS_PIDS; do kill -0 "$p" 2>/dev/null || return 1; done
}

servers_start() {
	if [ "$(id -u)" != 0 ]; then
		echo "SKIP: integration tests need root: Postfix must start as root" >&2
		exit 77
	fi
	b_milters=""
	[ "${SERVERS_MILTERS:-}" = 1 ] && b_milters="/usr/sbin/opendkim /usr/sbin/opendmarc"
	for b in /usr/sbin/postfix /usr/sbin/dovecot /usr/sbin/smtp-sink openssl perl setsid $b_milters; do
		command -v "$b" >/dev/null ||
			{ echo "SKIP: $b is missing (scripts/install-deps installs it)" >&2; exit 77; }
	done
	[ -x "$IMAP_FETCH" ] || servers__die "$IMAP_FETCH is not built (make tests/integration/imap-fetch)"
	# Always under /tmp: Unix socket paths must stay under 108 bytes, and
	# the servers' users (nobody, dovecot, postfix) must be able to walk the
	# whole path, which a checkout under /root (0700) or the tests' 0700
	# scratch parent would forbid.
	SERVERS_DIR=$(mktemp -d /tmp/dispo-servers.XXXXXX) || servers__die "cannot create a directory in /tmp"
	servers__own_dir=1
	SERVERS_POSTFIX_CONF="$SERVERS_DIR/postfix/etc"
	SERVERS_CA="$SERVERS_DIR/tls/ca.pem"
	SERVERS_UNTRUSTED_CERT="$SERVERS_DIR/tls/untrusted.pem"
	export SERVERS_DIR SERVERS_POSTFIX_CONF SERVERS_CA SERVERS_UNTRUSTED_CERT IMAP_FETCH SERVERS_USERS

	trap 'servers_stop; command -v cleanup >/dev/null && cleanup' EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	trap 'exit 129' HUP

	mkdir -p "$SERVERS_DIR/mail" "$SERVERS_DIR/dovecot" "$SERVERS_POSTFIX_CONF" "$SERVERS_DIR/postfix/data" \
		"$SERVERS_DIR/postfix/queue" || servers__die "cannot create $SERVERS_DIR"
	chmod 0755 "$SERVERS_DIR"
	chown postfix "$SERVERS_DIR/postfix/data"
	for a in $SERVERS_USERS; do
		m="$SERVERS_DIR/mail/${a#*@}/${a%%@*}"
		mkdir -p "$m" && chown nobody:"$(id -gn nobody)" "$m"
	done
	servers__certs >"$SERVERS_DIR/tls.log" 2>&1 || { cat "$SERVERS_DIR/tls.log" >&2; servers__die "openssl failed"; }

	tries=0
	until servers__start_once; do
		tries=$((tries + 1))
		# A port taken between choosing and binding: try others.
		servers_stop
		[ $tries -lt 3 ] || {
			cat "$SERVERS_DIR/postfix.start" >&2 2>/dev/null
			servers__die "servers did not start"
		}
		echo "servers: start failed, retrying with other ports" >&2
	done
	export SERVERS_OUTSIDE_DIR SERVERS_POSTFIX_PID SERVERS_DOVECOT_PID SERVERS_SPARE_PORT \
		SERVERS_LOST_USER SERVERS_BOUNCE_DOMAIN
}

servers_stop() {
	smtp_close
	# The pid file too: a start that failed half way may have left a master.
	pf=${SERVERS_POSTFIX_PID:-}
	if [ -z "$pf" ] && [ -s "${SERVERS_DIR:-/nonexistent}/postfix/queue/pid/master.pid" ]; then
		pf=$(tr -d ' \n' <"$SERVERS_DIR/postfix/queue/pid/master.pid")
		[ "$(cat "/proc/$pf/comm" 2>/dev/null)" = master ] || pf=""
	fi
	# SIGTERM to the master is what postfix stop sends, without its polling
	# in whole seconds; the master takes its children down, and all
	# servers stop together.
	# shellcheck disable=SC2086
	servers__stop_groups $pf ${SERVERS_DOVECOT_PID:-} ${SERVERS_OUTSIDE_PID:-} ${SERVERS_SINK_PIDS:-} \
		${SERVERS_MILTER_PIDS:-} ||
		echo "servers: some server processes survived SIGKILL" >&2
	for p in ${SERVERS_DOVECOT_PID:-} ${SERVERS_OUTSIDE_PID:-} ${SERVERS_SINK_PIDS:-} ${SERVERS_MILTER_PIDS:-}; do
		wait "$p" 2>/dev/null
	done
	SERVERS_POSTFIX_PID="" SERVERS_DOVECOT_PID="" SERVERS_OUTSIDE_PID="" SERVERS_PIDS="" SINK_PID=""
	SERVERS_MILTER_PIDS="" SERVERS_SINK_PIDS=""
	if [ "${servers__own_dir:-}" = 1 ] && [ -z "${KEEP:-}" ]; then
		rm -rf "$SERVERS_DIR"
		servers__own_dir=""
	fi
	return 0
}

# postfix_stop / postfix_start: the Postfix master down (connections to
# its ports refused; its queue kept) and up again on the same ports.
postfix_stop() {
	servers__stop_groups "$SERVERS_POSTFIX_PID" || servers__die "Postfix did not stop"
	SERVERS_PIDS=$(echo " $SERVERS_PIDS " | sed "s/ $SERVERS_POSTFIX_PID / /")
	SERVERS_POSTFIX_PID=""
}
postfix_start() {
	/usr/sbin/postfix -c "$SERVERS_POSTFIX_CONF" start >>"$SERVERS_DIR/postfix.start" 2>&1 ||
		servers__die "Postfix did not start again"
	SERVERS_POSTFIX_PID=$(tr -d ' \n' <"$SERVERS_DIR/postfix/queue/pid/master.pid")
	SERVERS_PIDS="$SERVERS_PIDS $SERVERS_POSTFIX_PID"
	export SERVERS_POSTFIX_PID
	for p in $SMTP_PORT $SMTPS_PORT; do
		servers__until servers_listening "$p" || servers__die "Postfix does not listen on $p again"
	done
}
# dovecot_stop / dovecot_start: Dovecot down (IMAP refused, LMTP gone, so
# Postfix queues) and up again with the same configuration.
dovecot_stop() {
	servers__stop_groups "$SERVERS_DOVECOT_PID" || servers__die "Dovecot did not stop"
	wait "$SERVERS_DOVECOT_PID" 2>/dev/null
	SERVERS_PIDS=$(echo " $SERVERS_PIDS " | sed "s/ $SERVERS_DOVECOT_PID / /")
	SERVERS_DOVECOT_PID=""
}
dovecot_start() {
	servers__spawn "$SERVERS_DIR/dovecot.log" dovecot -F -c "$SERVERS_DIR/dovecot/dovecot.conf"
	SERVERS_DOVECOT_PID=$servers__pid
	SERVERS_PIDS="$SERVERS_PIDS $SERVERS_DOVECOT_PID"
	export SERVERS_DOVECOT_PID
	for p in $IMAP_PORT $IMAPS_PORT; do
		servers__until servers_listening "$p" || servers__die "Dovecot does not listen on $p again"
	done
	servers__until test -S "$SERVERS_DIR/dovecot/run/lmtp" || servers__die "Dovecot's LMTP is not back"
}

# sink_start MODE: an smtp-sink on SINK_PORT (127.0.0.1) for fault tests.
#   accept         accepts everything; each message is kept under SINK_DIR
#   tempfail-rcpt  450 to RCPT TO          reject-rcpt   500 to RCPT TO
#   tempfail-data  450 after the final dot reject-data   500 after the final dot
#   tempfail-connect  421 instead of the greeting, and hangs up
#   tempfail-mail  451 to MAIL FROM
#   hang-greeting  accepts the connection, never says anything
#   hang-data      reads the message but never answers the final dot
#   slow-data      answers the final dot after 3 seconds
#   drop-data      closes the connection at the final dot without a reply
#   accept-N       accepts N messages, then exits (a server that goes away)
#   refused        nothing listens on SINK_PORT: connection refused
sink_start() {
	sink_stop
	SINK_DIR="$SERVERS_DIR/sink"
	SINK_PORT=$(servers__free_ports 1)
	export SINK_PORT SINK_DIR
	sink_spawn "$1" "$SINK_PORT" "$SINK_DIR"
	SINK_PID=$SINK_SPAWNED
}

sink_stop() {
	[ -n "${SINK_PID:-}" ] || return 0
	sink_kill "$SINK_PID"
	SINK_PID=""
}

# sink_spawn MODE PORT DIR: another smtp-sink, in one of sink_start's
# modes, on PORT, keeping what it accepts under DIR (emptied first); its
# pid in SINK_SPAWNED (empty for refused). servers_stop stops it too.
sink_spawn() {
	case $1 in
	accept) opt="" ;;
	tempfail-rcpt) opt="-r RCPT" ;;
	reject-rcpt) opt="-f RCPT" ;;
	tempfail-data) opt="-r ." ;;
	reject-data) opt="-f ." ;;
	tempfail-connect) opt="-Q CONNECT" ;;
	tempfail-mail) opt="-r MAIL" ;;
	hang-greeting) opt="-W CONNECT:86400 -t 86400" ;;
	hang-data) opt="-W .:86400 -t 86400" ;;
	slow-data) opt="-W .:3" ;;
	drop-data) opt="-q ." ;;
	accept-[0-9]*) opt="-M ${1#accept-}" ;;
	refused) opt="" ;;
	*) servers__die "sink_spawn: unknown mode $1" ;;
	esac
	rm -rf "$3" && mkdir -p "$3" && chown nobody "$3"
	SINK_SPAWNED=""
	[ "$1" = refused ] && return 0
	# shellcheck disable=SC2086
	if [ "$1" = tempfail-mail ]; then
		servers__spawn "$SERVERS_DIR/sink.log" smtp-sink -4 -u nobody -h sink.example $opt \
			-b "451 4.3.0 Try again later" -d "$3/%H%M%S." "127.0.0.1:$2" 16
	else
		servers__spawn "$SERVERS_DIR/sink.log" smtp-sink -4 -u nobody -h sink.example $opt \
			-d "$3/%H%M%S." "127.0.0.1:$2" 16
	fi
	SINK_SPAWNED=$servers__pid
	SERVERS_SINK_PIDS="${SERVERS_SINK_PIDS:-} $servers__pid"
	servers__until servers_listening "$2" || servers__die "smtp-sink did not start"
}

# sink_kill PID: stops that smtp-sink (and waits until its port is free).
sink_kill() {
	servers__stop_groups "$1"
	wait "$1" 2>/dev/null
	SERVERS_SINK_PIDS=$(echo " ${SERVERS_SINK_PIDS:-} " | sed "s/ $1 / /")
}

# A scripted SMTP conversation, for tests that need one the servers or the
# sink must answer (one at a time):
#   smtp_open PORT plain|tls|starttls  connect (tls and starttls verify the
#                          certificate against SERVERS_CA and 127.0.0.1; after
#                          starttls the server's EHLO reply has been consumed)
#   smtp_cmd LINE          send LINE, print the complete reply (CR stripped);
#                          returns 1 if none within SMTP_TIMEOUT (10) seconds
#   smtp_write FILE        send FILE as is (DATA content, CRLF, dot-stuffed)
#   smtp_greeting          wait for and print the 220 greeting (plain, tls)
#   smtp_close             QUIT and hang up
#   smtp_auth_plain ADDR / smtp_auth_login ADDR  authenticate with its password
smtp_open() {
	smtp_close
	SMTP_CHAT="$SERVERS_DIR/chat"
	rm -rf "$SMTP_CHAT" && mkdir -p "$SMTP_CHAT" && mkfifo "$SMTP_CHAT/in" || return 1
	case $2 in
	plain)
		# perl-base is part of every Debian system; no nc or socat needed.
		# shellcheck disable=SC2016 # perl's variables
		set -- perl -MIO::Socket::INET -e '
			$| = 1;
			my $s = IO::Socket::INET->new(PeerAddr => "127.0.0.1", PeerPort => $ARGV[0])
				or die "connect: $!\n";
			# the parent lives as long as the connection: the server
			# hanging up ends it, which smtp__reply notices
			if (my $pid = fork) { print while <$s>; kill "TERM", $pid; waitpid($pid, 0) }
			else { print $s $_ while <STDIN>; shutdown($s, 1) }' "$1" ;;
	tls | starttls)
		v="-CAfile $SERVERS_CA -verify_return_error -verify_ip 127.0.0.1"
		[ "$2" = starttls ] && v="$v -starttls smtp"
		# shellcheck disable=SC2086
		set -- openssl s_client -quiet $v -connect "127.0.0.1:$1" ;;
	*) servers__die "smtp_open: unknown mode $2" ;;
	esac
	"$@" <"$SMTP_CHAT/in" >"$SMTP_CHAT/out" 2>"$SMTP_CHAT/err" &
	SMTP_CHAT_PID=$!
	exec 7>"$SMTP_CHAT/in"
	smtp__seen=0
}
smtp_write() { cat "$1" >&7; }
# prints the reply lines after the ones already seen, once a final line
# (code and a space) has arrived
smtp__reply() {
	i=0 limit=$((${SMTP_TIMEOUT:-10} * 20))
	while :; do
		# checked before reading, so a client that has gone had its say
		gone=0
		kill -0 "$SMTP_CHAT_PID" 2>/dev/null || gone=1
		r=$(tr -d '\r' <"$SMTP_CHAT/out" | awk -v from="$smtp__seen" \
			'NR > from { print; if ($0 ~ /^[0-9][0-9][0-9]( |$)/) { print "#" NR; exit } }')
		case $r in *"#"[0-9]*) break ;; esac
		i=$((i + 1))
		if [ $i -gt $limit ] || [ $gone = 1 ]; then
			echo "smtp: no reply" >&2
			cat "$SMTP_CHAT/err" >&2
			return 1
		fi
		sleep 0.05
	done
	smtp__seen=${r##*#}
	printf '%s\n' "${r%#*}" | sed '$d'
}
smtp_greeting() { smtp__reply; }
smtp_cmd() {
	printf '%s\r\n' "$1" >&7
	smtp__reply
}
smtp_auth_plain() {
	smtp_cmd "AUTH PLAIN $(printf '\0%s\0%s' "$1" "$(user_password "$1")" | base64 -w0)"
}
smtp_auth_login() {
	smtp_cmd "AUTH LOGIN" >/dev/null &&
		smtp_cmd "$(printf '%s' "$1" | base64 -w0)" >/dev/null &&
		smtp_cmd "$(user_password "$1" | tr -d '\n' | base64 -w0)"
}
# Whole conversations, for handing a message to Postfix (FILE: CRLF lines,
# ready for DATA, no line starting with a dot). Each returns 1, the reply
# that did not come on stderr, unless Postfix queued the message.
#   smtp_submit LOGIN RCPT FILE  as a mail client submits it: STARTTLS,
#                          AUTH PLAIN as LOGIN, MAIL FROM LOGIN
#   smtp_relay HELO MAIL-FROM RCPT FILE  as another MX hands mail over:
#                          no TLS, no AUTH, from SERVERS_INTERNET_ADDR (by
#                          XCLIENT: a loopback client would be the MX's own
#                          software) (what an office's MX takes from the
#                          Internet, forgeries included)
smtp_submit() {
	smtp_open "$SMTP_PORT" starttls &&
		smtp__expect "EHLO pc-tu-07.$SERVERS_DOMAIN" 250 &&
		smtp__expect_reply 235 smtp_auth_plain "$1" &&
		smtp__send "$1" "$2" "$3"
}
smtp_relay() {
	smtp_open "$SMTP_PORT" plain && smtp__expect_reply 220 smtp_greeting &&
		smtp__expect "EHLO $1" 250 &&
		smtp__expect "XCLIENT ADDR=$SERVERS_INTERNET_ADDR NAME=[UNAVAILABLE] HELO=$1" 220 &&
		smtp__expect "EHLO $1" 250 && smtp__send "$2" "$3" "$4"
}
smtp__send() {
	smtp__expect "MAIL FROM:<$1>" 250 && smtp__expect "RCPT TO:<$2>" 250 &&
		smtp__expect DATA 354 && smtp_write "$3" && smtp__expect . 250 || {
		smtp_close
		return 1
	}
	smtp_close
}
# smtp__expect LINE CODE: send LINE, want a final reply CODE
smtp__expect() { smtp__expect_reply "$2" smtp_cmd "$1"; }
# smtp__expect_reply CODE CMD...: in this shell, not a $(...) one, so that
# the chat's count of the lines seen goes on
smtp__expect_reply() {
	want=$1
	shift
	"$@" >"$SMTP_CHAT/reply" && grep -q "^$want " "$SMTP_CHAT/reply" && return 0
	echo "smtp: $*: want $want, got: $(cat "$SMTP_CHAT/reply")" >&2
	return 1
}
smtp_close() {
	[ -n "${SMTP_CHAT_PID:-}" ] || return 0
	kill -0 "$SMTP_CHAT_PID" 2>/dev/null && printf 'QUIT\r\n' >&7 2>/dev/null
	exec 7>&-
	i=0
	while kill -0 "$SMTP_CHAT_PID" 2>/dev/null && [ $i -lt 10 ]; do
		i=$((i + 1))
		sleep 0.05
	done
	kill "$SMTP_CHAT_PID" 2>/dev/null
	wait "$SMTP_CHAT_PID" 2>/dev/null
	SMTP_CHAT_PID=""
}
