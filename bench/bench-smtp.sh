#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# bench-smtp.sh: the outbox's send rate, side by side in one run: the same
# emails (acknowledgements and dispositions with three documents) delivered
# to the Maildir outbox, and through a real Postfix on loopback (STARTTLS,
# AUTH, one connection reused). Needs root for Postfix; says so otherwise.
set -u
: "${DISPO_BUILDDIR:?run through make bench}"
DISPO=$DISPO_BUILDDIR/src/dispo
N=${BENCH_SMTP_APPLICATIONS:-200}
if [ "$(id -u)" != 0 ]; then
	echo "bench-smtp: skipped: Postfix must start as root"
	exit 0
fi
. "$DISPO_SRCDIR/tests/cli/lib.sh"
. "$DISPO_SRCDIR/tests/integration/servers.sh"
servers_start >/dev/null

OFFICE=sertifikat@kuduskab.go.id
printf 'username = %s\npassword = %s\n' $OFFICE "$(user_password $OFFICE)" >cred
chmod 600 cred
mkdir -p apps/new apps/cur apps/tmp
i=0
while [ $i -lt "$N" ]; do
	i=$((i + 1))
	application budi.santoso@kuduskab.go.id $i >apps/new/$i.eml
done
# run NAME URL: imports the applications with the server away (all emails
# wait), then times one flush to URL (empty: the Maildir outbox).
run() {
	smtp=""
	[ -n "$2" ] && smtp="[smtp]
url = $2
ca_file = $SERVERS_CA
credentials_file = $WORK/cred"
	cat >$1.conf <<CONF
[general]
data_dir = $1
[policy]
require_authentication = false
[smtp]
url = smtp://127.0.0.1:$SERVERS_SPARE_PORT
CONF
	"$DISPO" --config $1.conf employees import "$DISPO_SRCDIR/rules/register-contoh.csv" >/dev/null
	"$DISPO" --config $1.conf --now 2026-11-23T09:00:00+07:00 import apps >/dev/null 2>&1
	printf '[general]\ndata_dir = %s\n[policy]\nrequire_authentication = false\n%s\n' "$1" "$smtp" >$1.conf
	start=$(date +%s.%N)
	"$DISPO" --config $1.conf --now 2026-11-23T10:00:00+07:00 outbox flush >$1.out
	end=$(date +%s.%N)
	sent=$(sed -n 's/^outbox: \([0-9]*\) sent.*/\1/p' $1.out)
	echo "$sent $start $end" | awk '{ printf "%.1f\n", $1 / ($3 - $2) }'
}
maildir=$(run maildir "")
smtp=$(run smtp "smtp://127.0.0.1:$SMTP_PORT")
echo "outbox send rate, $((N * 2)) emails (acknowledgement + disposition with 3 PDFs each):"
printf '  %-44s %8s emails/s\n' "Maildir outbox (embedded default)" "$maildir" \
	"SMTP via Postfix, STARTTLS+AUTH, 1 connection" "$smtp"
echo "$maildir $smtp" | awk '{ printf "  SMTP / Maildir: %.2fx\n", $2 / $1 }'
