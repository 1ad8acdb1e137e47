#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# test-owner.sh: root working on the service's data directory becomes its
# owner first, so that nothing root creates there (the spool directories
# mail/ab/, attachments/, the outbox Maildir, the database's WAL) is root's
# and the service goes on delivering; a directory root owns stays root's.
. "$(dirname "$0")/lib.sh"

[ "$(id -u)" = 0 ] || skip "needs root (it checks what root leaves in another user's data directory)"
id nobody >/dev/null 2>&1 || skip "there is no user nobody"
command -v setpriv >/dev/null || skip "setpriv is missing (util-linux)"
GROUP=$(id -gn nobody)

# Under /tmp: nobody must be able to reach every directory on the way,
# which a build tree under /root (0700) would forbid. The binary is copied
# there for the same reason.
BASE=$(mktemp -d /tmp/dispo-owner.XXXXXX) || fail "mktemp"
chmod 0755 "$BASE"
cleanup() { [ -n "${KEEP:-}" ] || rm -rf "$WORK" "$BASE"; }
cp "$DISPO" "$BASE/dispo" && chmod 0755 "$BASE/dispo"
cp "$DISPO_SRCDIR/rules/register-contoh.csv" "$BASE/register.csv"
mkdir "$BASE/data" && chown nobody:"$GROUP" "$BASE/data" && chmod 0750 "$BASE/data"
cat >"$BASE/dispo.conf" <<CONF
[general]
data_dir = data
[policy]
require_authentication = false
CONF
D() { "$BASE/dispo" --config "$BASE/dispo.conf" --now 2026-11-23T09:00:00+07:00 "$@"; }
# As the service: the user the data directory belongs to, nothing more.
S() { setpriv --reuid nobody --regid "$GROUP" --clear-groups -- "$BASE/dispo" \
	--config "$BASE/dispo.conf" --now 2026-11-23T09:00:00+07:00 "$@"; }
not_nobodys() { find "$BASE/data" \( ! -user nobody -o ! -group "$GROUP" \) -print; }

# The service stores one application, then root does an administrator's
# work: imports the register, takes in mail (new spool directories under
# mail/ and attachments/), moves a request (outbox emails).
application budi.santoso@kuduskab.go.id 1 >"$BASE/app1.eml"
S deliver <"$BASE/app1.eml" >out 2>err || { cat out err; fail "the service's deliver"; }
expect_exit 0 D employees import "$BASE/register.csv"
for n in 2 3 4 5 6 7 8; do
	application budi.santoso@kuduskab.go.id $n | { expect_exit 0 D deliver; }
done
expect_exit 0 D requests list
contains out SE-2026-000008
expect_exit 0 D admin move SE-2026-000002 disposisi_kabid --reason "diteruskan oleh admin"
expect_exit 0 D outbox flush
[ -z "$(not_nobodys)" ] || { ls -lR "$BASE/data" >&2; fail "root left files that are not nobody's: $(not_nobodys)"; }
[ -n "$(find "$BASE/data/mail" -mindepth 1 -type d)" ] || fail "no spool directory was made"
[ -n "$(find "$BASE/data/outbox" -type f)" ] || fail "no email reached the outbox"
ok "root's employees import, deliver, admin move and outbox flush leave only nobody's files"

# The service carries on with every spool directory root's runs made.
for n in 9 10 11 12; do
	application budi.santoso@kuduskab.go.id $n >"$BASE/app$n.eml"
	S deliver <"$BASE/app$n.eml" >out 2>err || { cat out err; fail "the service's deliver after root's"; }
done
[ "$(S requests list --format json | grep -c '"id" : "SE-')" = 12 ] || fail "twelve requests"
ok "the service still delivers into what root touched"

# A data directory that does not exist yet belongs to whoever owns the
# directory it will be made in.
mkdir "$BASE/srv" && chown nobody:"$GROUP" "$BASE/srv"
sed -i 's|^data_dir = .*|data_dir = srv/dispo/data|' "$BASE/dispo.conf"
application budi.santoso@kuduskab.go.id 1 | { expect_exit 0 D deliver; }
[ "$(stat -c %U "$BASE/srv/dispo/data/dispo.db")" = nobody ] || fail "the new data directory is not nobody's"
[ -z "$(find "$BASE/srv" ! -user nobody -print)" ] || fail "root made something of its own under srv"
ok "a new data directory under nobody's directory is made as nobody"

# Root's own data directory stays root's (the demo, a root-run office).
sed -i 's|^data_dir = .*|data_dir = rootdata|' "$BASE/dispo.conf"
application budi.santoso@kuduskab.go.id 1 | { expect_exit 0 D deliver; }
[ "$(stat -c %U "$BASE/rootdata/dispo.db")" = root ] || fail "root's own data directory changed hands"
ok "a data directory root owns is left to root"
