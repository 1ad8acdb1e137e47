#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# test-sieve-pipe.sh: the README's Dovecot recipe, for real: Postfix hands
# the office's mail to Dovecot over LMTP, a global Sieve script (Pigeonhole's
# sieve_extprograms, `pipe "dispo-deliver"`) pipes what is for sertifikat@
# (and sertifikat+TOKEN@) to `dispo --config … deliver`, run as the
# mailbox's user. An application opens a request and is not kept in the
# mailbox; an official's reply to the token address moves it on; when
# dispo cannot store (exit 75) the script fails and Dovecot keeps the mail
# in the office's INBOX, from where `dispo import` takes it once the store
# is back. With `pipe :try` Dovecot 2.3 would answer 250 Saved and keep
# nothing: the last check shows why the recipe has no :try.
. "$(dirname "$0")/../cli/lib.sh"
# (lib.sh moved to the scratch dir: name the harness from the source tree)
. "$DISPO_SRCDIR/tests/integration/servers.sh"
. "$DISPO_SRCDIR/tests/integration/mta-lib.sh"
OFFICE=sertifikat@kuduskab.go.id
BUDI=budi.santoso@kuduskab.go.id
KADIS=kadis@kuduskab.go.id
[ -f /usr/lib/dovecot/modules/sieve/lib90_sieve_extprograms_plugin.so ] ||
	skip "Pigeonhole's sieve_extprograms is missing (apt-get install dovecot-sieve)"
command -v sievec >/dev/null || skip "sievec is missing (apt-get install dovecot-sieve)"

# The recipe (README, "Dovecot: a Sieve pipe"), with this harness's paths.
S="$MTA_DIR/sieve"
mkdir -p "$S/pipe"
cat >"$S/pipe/dispo-deliver" <<EOF
#!/bin/sh
exec $MTA_DIR/bin/dispo --config $MTA_DIR/etc/dispo.conf deliver
EOF
chmod 0755 "$S/pipe/dispo-deliver"
# sieve_script [:try]: the recipe's script (README), compiled once set up.
sieve_script() {
	cat >"$S/dispo.sieve" <<EOF
require ["vnd.dovecot.pipe", "envelope", "subaddress"];
# The office's mailbox and its token addresses (sertifikat+TOKEN@) go to
# dispo. No :try: when dispo cannot take a message, the script fails and
# Dovecot keeps it in the INBOX (with :try it would keep nothing).
if allof (envelope :user :is "to" "sertifikat",
          envelope :domain :is "to" "kuduskab.go.id") {
  pipe ${1:+$1 }"dispo-deliver";
}
EOF
	[ -z "${SERVERS_DIR:-}" ] && return 0
	sievec -c "$SERVERS_DIR/dovecot/dovecot.conf" "$S/dispo.sieve" >sievec.out 2>&1 ||
		{ cat sievec.out; fail "sievec: the recipe's script does not compile"; }
}
sieve_script
servers_dovecot_hook() {
	cat >>"$1" <<EOF
protocol lmtp {
  mail_plugins = \$mail_plugins sieve
}
plugin {
  sieve_before = $S/dispo.sieve
  sieve_plugins = sieve_extprograms
  sieve_global_extensions = +vnd.dovecot.pipe
  sieve_pipe_bin_dir = $S/pipe
  sieve_pipe_exec_timeout = 2m
}
EOF
}
servers_start
ok "Postfix and Dovecot (LMTP with Sieve and sieve_extprograms) are up"
sieve_script

expect_exit 0 D employees import "$DISPO_SRCDIR/rules/register-contoh.csv"

application $BUDI 1 | sed 1d >app1.eml
submit $BUDI $OFFICE app1.eml
wait_sql "select count(*) from requests" 1 || { tail -n 20 "$SERVERS_DIR/dovecot.log" >&2; fail "no request was opened"; }
[ "$(sqlite3 "$DB" "select state from requests")" = disposisi_kadin ] ||
	fail "the request is at $(sqlite3 "$DB" "select state from requests"), want disposisi_kadin"
queue_wait_empty || fail "Postfix still holds the application"
grep -q "pipe action: piped message to program .dispo-deliver." "$SERVERS_DIR/dovecot.log" ||
	fail "Dovecot did not log the pipe"
[ "$(mail_count $OFFICE)" = 0 ] || fail "the application was also kept in the office's INBOX"
ok "an application through Postfix and LMTP reaches dispo deliver by the Sieve pipe and opens a request"

# Other mailboxes are not piped.
application $BUDI 9 | sed 1d >other.eml
submit $BUDI $KADIS other.eml
wait_for_mail $KADIS 1 || fail "mail to the Kepala Dinas did not arrive"
[ "$(sqlite3 "$DB" "select count(*) from messages where source = 'deliver'")" = 1 ] ||
	fail "mail to the Kepala Dinas went to dispo"
ok "mail to other mailboxes is delivered as before"

reply_to $KADIS
case $REPLY_TO in sertifikat+*@kuduskab.go.id) ;; *) fail "the disposition's Reply-To is '$REPLY_TO'" ;; esac
official_reply $KADIS "$REPLY_TO" "$REPLY_MSGID" SETUJU >setuju.eml
submit $KADIS "$REPLY_TO" setuju.eml
wait_sql "select state from requests" disposisi_kabid || fail "SETUJU to $REPLY_TO did not move the request"
[ "$(mail_count $OFFICE)" = 0 ] || fail "the reply was kept in the office's INBOX"
ok "a reply to sertifikat+TOKEN@ goes through the same pipe (the envelope's :user) and moves the request"

# dispo cannot store: the pipe fails (exit 75), so does the script, and
# Dovecot keeps the message in the INBOX: nothing is lost or bounced.
store_lock
application $BUDI 2 | sed 1d >app2.eml
submit $BUDI $OFFICE app2.eml
wait_for_mail $OFFICE 1 || { store_unlock; tail -n 20 "$SERVERS_DIR/dovecot.log" >&2; fail "the message dispo could not take was not kept"; }
store_unlock
grep -q "failed to execute to program .dispo-deliver." "$SERVERS_DIR/dovecot.log" ||
	fail "Dovecot did not log the failed pipe"
grep -q "dispo.sieve failed, but implicit keep was successful" "$SERVERS_DIR/dovecot.log" ||
	fail "Dovecot did not say it kept the message"
grep -q "the mail server will try again" "$SERVERS_DIR/dovecot.log" || fail "dispo's reason is not in Dovecot's log"
[ "$(sqlite3 "$DB" "select count(*) from requests")" = 1 ] || fail "a request was opened although the store was locked"
[ "$(mail_count $BUDI)" = 0 ] || fail "the applicant got a bounce"
ok "a store dispo cannot write: the pipe fails (75) and the message is kept in the office's INBOX"

# The administrator takes in what was kept; the same message twice is
# stored once.
expect_exit 0 D import "$(user_maildir $OFFICE)"
[ "$(sqlite3 "$DB" "select count(*) from requests")" = 2 ] || fail "dispo import did not open the kept application"
expect_exit 0 D import "$(user_maildir $OFFICE)"
[ "$(sqlite3 "$DB" "select count(*) from requests")" = 2 ] || fail "a second import opened it again"
ok "dispo import of the INBOX takes the kept message in, once"

[ -z "$(find "$MTA_DIR/data" ! -user nobody)" ] || fail "files in data/ that are not the mailbox user's: $(find "$MTA_DIR/data" ! -user nobody)"
ok "everything in the data directory is the mailbox user's"

# Why no :try: with it, a failed pipe counts as done, the implicit keep
# stays cancelled, and LMTP answers 250 for a message stored nowhere.
sieve_script :try
store_lock
application $BUDI 3 | sed 1d >app3.eml
submit $BUDI $OFFICE app3.eml
i=0
until [ "$(grep -c "Terminated with non-zero exit code 75" "$SERVERS_DIR/dovecot.log")" = 2 ]; do
	i=$((i + 1))
	[ $i -gt 200 ] && { store_unlock; fail "dispo deliver did not run (and fail) for the :try message"; }
	sleep 0.05
done
queue_wait_empty || { store_unlock; fail "Postfix still holds the :try message"; }
store_unlock
grep -q "to=<$OFFICE>, .*status=sent (250 2.0.0 <$OFFICE> .* Saved)" "$SERVERS_DIR/postfix.log" ||
	fail "LMTP did not answer Saved"
if [ "$(mail_count $OFFICE)" != 1 ] || grep -q "msgid=<app-3@kuduskab.go.id>: stored mail" "$SERVERS_DIR/dovecot.log"; then
	fail "with :try the message was kept after all: this Dovecot keeps it, and the README's warning can go"
fi
ok "with pipe :try a message dispo could not take is lost (250 Saved, kept nowhere): the recipe has no :try"
