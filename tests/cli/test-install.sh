#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# test-install.sh: make install DESTDIR=… installs the binary, the man
# pages, the shipped rules and templates (the very files built into dispo),
# the sample configuration (which loads clean and checks the installed
# rules) and the systemd unit, sysusers.d and tmpfiles.d snippets, every
# path they name being one that was installed; systemd-analyze verifies the
# unit, systemd-sysusers and systemd-tmpfiles apply the snippets to a
# scratch root; a reinstall keeps an edited dispo.conf; uninstall leaves
# nothing else behind.
. "$(dirname "$0")/lib.sh"

MAKE=${MAKE:-make}
command -v "$MAKE" >/dev/null || skip "no make"
[ -f "$DISPO_BUILDDIR/Makefile" ] || skip "no configured build tree at $DISPO_BUILDDIR"
D="$WORK/dest"
# The make running this test passes its own flags (a jobserver, TESTS=…)
# in the environment; this make is a separate one.
mk() { env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL "$MAKE" -s -C "$DISPO_BUILDDIR" "$@" DESTDIR="$D"; }
mk install >install.log 2>&1 || { cat install.log; fail "make install DESTDIR=$D"; }

# one PATTERN: the single installed file whose path (under $D) ends so.
one() {
	n=$(find "$D" -path "*$1" \( -type f -o -type l \) | wc -l)
	[ "$n" = 1 ] || { find "$D" | sort >&2; fail "$n installed files match *$1, want 1"; }
	find "$D" -path "*$1" \( -type f -o -type l \)
}
bin=$(one /bin/dispo)
[ -x "$bin" ] || fail "$bin is not executable"
"$bin" --version >out || fail "the installed binary does not run"
contains out "dispo "
for m in man1/dispo.1 man5/dispo.conf.5 man5/dispo-rules.5; do
	cmp -s "$(one "/$m")" "$DISPO_SRCDIR/doc/${m#*/}" || fail "$m is not doc/${m#*/}"
done
ok "the binary and the three man pages"

# The letter's drawing and the SMTP client are modules beside the binary's
# libraries: the installed binary finds them (relative to itself, as under
# DESTDIR here), draws the demo's letter and tries its SMTP server; a
# binary without them says what is missing.
module=$(one /lib/dispo/dispo-letter.so)
smtp_module=$(one /lib/dispo/dispo-smtp.so)
printf '[general]\ndata_dir = smtp-data\n[policy]\nrequire_authentication = false\n[smtp]\nurl = smtp://127.0.0.1:1\n' >smtp.conf
"$bin" --config smtp.conf outbox flush >smtp.out 2>&1 ||
	{ cat smtp.out; fail "the installed binary could not open its SMTP outbox ($smtp_module)"; }
contains smtp.out "outbox: 0 sent"
mkdir demo-installed && (cd demo-installed && "$bin" demo >out 2>&1) ||
	{ cat demo-installed/out; fail "the installed binary's demo (with $module)"; }
[ "$(sqlite3 demo-installed/var/dispo.db "select count(*) from request_files where kind = 'letter' and size > 1000")" = 1 ] ||
	fail "the installed binary drew no letter"
if [ ! -e "${module#"$D"}" ]; then
	mkdir alone demo-alone && cp "$bin" alone/dispo
	(cd demo-alone && ../alone/dispo demo >out 2>&1) && fail "a binary without its module drew a letter"
	contains demo-alone/out "cannot draw the letter: dispo's module dispo-letter.so is not installed (looked in"
	alone/dispo --config smtp.conf outbox flush >smtp-alone.out 2>&1 && fail "a binary without its SMTP module sent"
	contains smtp-alone.out "cannot send by SMTP: dispo's module dispo-smtp.so is not installed"
	ok "the modules: the installed binary loads them; without the letter's, dispo says so"
else
	ok "the modules: the installed binary loads them (${module#"$D"} is installed on this machine, so a lone binary would find it)"
fi

# The shipped rules and templates are the files built into dispo, all of
# them and nothing else.
example=$(one /share/dispo/dispo.conf.example)
share=$(dirname "$example")
if command -v gresource >/dev/null; then
	gresource list "$bin" | sed 's|^/dispo/||' | sort >embedded
	(cd "$share" && find rules templates -type f | sort) >installed
	[ -s embedded ] && cmp -s embedded installed || { diff embedded installed >&2; fail "the installed rules and templates are not the embedded set"; }
	while read -r f; do
		gresource extract "$bin" "/dispo/$f" | cmp -s - "$share/$f" || fail "$f differs from its embedded copy"
	done <embedded
	ok "$(wc -l <embedded) rules and templates under $(echo "$share" | sed "s|^$D||"), byte for byte the embedded ones"
else
	for f in rules/roles.rules templates/id/disposisi.mustache templates/en/disposisi.mustache; do
		cmp -s "$share/$f" "$DISPO_SRCDIR/$f" || fail "$f not installed"
	done
	ok "rules and templates installed (gresource missing: not compared with the embedded set)"
fi

# The sample configuration: installed twice, names the installed rules,
# has no key dispo does not know, and (moved into $D) checks clean.
conf=$(one /etc/dispo/dispo.conf)
cmp -s "$conf" "$example" || fail "dispo.conf is not the sample"
pkgdatadir=${share#"$D"}
sysconfdir=$(dirname "$(dirname "${conf#"$D"}")")
grep -qx "rules_dir = $pkgdatadir/rules" "$conf" || fail "the sample does not name the installed rules"
grep -qx "templates_dir = $pkgdatadir/templates" "$conf" || fail "the sample does not name the installed templates"
grep -qx "data_dir = /var/lib/dispo" "$conf" || fail "the sample's data_dir is not /var/lib/dispo"
grep -qx "require_authentication = true" "$conf" || fail "the sample is not the production default"
grep -q "cp -r $pkgdatadir/rules $pkgdatadir/templates $sysconfdir/dispo/" "$conf" ||
	fail "the sample does not say how to make rules of one's own"
if grep -n '@[a-z]*@' "$conf"; then fail "an unsubstituted @variable@ in the sample"; fi
sed -e "s|^data_dir = .*|data_dir = $WORK/data|" -e "s|$pkgdatadir|$share|g" "$conf" >check.conf
mkdir elsewhere && cd elsewhere || fail "cd"
expect_exit 0 "$bin" --config ../check.conf rules check
contains "$WORK/out" "rules OK: 2 workflows"
[ ! -s "$WORK/err" ] || fail "the sample configuration is not clean: $(cat "$WORK/err")"
# The copy an office makes, as the sample says, beside the file.
cp -r "$share/rules" "$share/templates" "$WORK" &&
	sed -e 's|^rules_dir = .*|rules_dir = rules|' -e 's|^templates_dir = .*|templates_dir = templates|' \
		../check.conf >../office.conf
expect_exit 0 "$bin" --config ../office.conf rules check
cd "$WORK" || fail "cd"
ok "the sample configuration: production defaults, the installed rules, no unknown key, checks clean"

# The unit names the installed binary and configuration and asks for what
# the service needs (unless configure was told --with-...=no).
systemd_files() {
	! grep -q "^$1 = *$" "$DISPO_BUILDDIR/Makefile" && return 0
	echo "note: configured with --with-$1=no: not checked" >&2
	return 1
}
check_unit() {
	unit=$(one /systemd/system/dispo.service)
	grep -qx "ExecStart=${bin#"$D"} --config $sysconfdir/dispo/dispo.conf serve" "$unit" ||
		fail "ExecStart is not the installed binary with the installed configuration: $(grep ExecStart "$unit")"
	for line in User=dispo Group=dispo StateDirectory=dispo ProtectSystem=strict ProtectHome=yes \
		PrivateTmp=yes NoNewPrivileges=yes Restart=on-failure \
		"RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX" 'ExecReload=/bin/kill -HUP $MAINPID' \
		WantedBy=multi-user.target; do
		grep -qxF "$line" "$unit" || fail "the unit lacks $line"
	done
	grep -q '^ReadWritePaths=' "$unit" && fail "the unit makes more than the data directory writable"
	ok "the unit runs the installed binary as dispo, hardened, only /var/lib/dispo writable"

	if command -v systemd-analyze >/dev/null; then
		# verify wants an ExecStart that exists: the copy runs the binary in $D.
		sed "s|^ExecStart=${bin#"$D"} |ExecStart=$bin |" "$unit" >dispo.service
		if command -v man >/dev/null; then
			MANPATH=$(dirname "$(dirname "$(one /man1/dispo.1)")") systemd-analyze verify ./dispo.service >sa.out 2>sa.err
		else
			systemd-analyze verify --man=no ./dispo.service >sa.out 2>sa.err
		fi
		rc=$?
		[ $rc = 0 ] && [ ! -s sa.err ] || { cat sa.out sa.err >&2; fail "systemd-analyze verify: exit $rc"; }
		# What it says about each setting it does not know or cannot parse
		# goes to stderr; a broken line must show.
		sed 's|^ProtectSystem=strict$|ProtectSystem=strikt|' dispo.service >broken.service
		systemd-analyze verify --man=no ./broken.service >/dev/null 2>sa.err
		grep -q "ProtectSystem\|protect system" sa.err || fail "systemd-analyze verify does not report a broken line here"
		if systemd-analyze security --offline=yes ./dispo.service >sec.out 2>&1; then
			level=$(sed -n 's/.*Overall exposure level for dispo.service: \([0-9.]*\) \([A-Z]*\).*/\1 \2/p' sec.out)
			case $level in
			[0-2].*" "*) ok "systemd-analyze security: exposure $level" ;;
			*) cat sec.out >&2; fail "systemd-analyze security: exposure '$level', want below 3" ;;
			esac
		fi
		ok "systemd-analyze verify: the unit (and its man: links) clean"
	else
		echo "note: systemd-analyze is missing (Debian: apt-get install systemd); the unit is not verified" >&2
	fi
}
if systemd_files systemdsystemunitdir; then check_unit; fi

if ! systemd_files sysusersdir || ! systemd_files tmpfilesdir; then
	:
elif command -v systemd-sysusers >/dev/null && command -v systemd-tmpfiles >/dev/null; then
	users=$(one /sysusers.d/dispo.conf)
	tmpfiles=$(one /tmpfiles.d/dispo.conf)
	R="$WORK/root"
	mkdir -p "$R/etc"
	systemd-sysusers --root="$R" "$users" >sys.out 2>&1 || { cat sys.out; fail "systemd-sysusers"; }
	uid=$(awk -F: '$1 == "dispo" { print $3 }' "$R/etc/passwd")
	gid=$(awk -F: '$1 == "dispo" { print $3 }' "$R/etc/group")
	[ -n "$uid" ] && [ -n "$gid" ] || fail "systemd-sysusers made no user and group dispo"
	grep -q "^dispo:x:$uid:$gid:.*:/var/lib/dispo:/usr/sbin/nologin$" "$R/etc/passwd" ||
		fail "dispo is not a no-login user at home in /var/lib/dispo: $(grep ^dispo: "$R/etc/passwd")"
	systemd-tmpfiles --root="$R" --create "$tmpfiles" >tmp.out 2>&1 || { cat tmp.out; fail "systemd-tmpfiles"; }
	[ "$(stat -c '%u:%g %a' "$R/var/lib/dispo")" = "$uid:$gid 750" ] ||
		fail "/var/lib/dispo is $(stat -c '%u:%g %a' "$R/var/lib/dispo"), want $uid:$gid 750"
	ok "systemd-sysusers makes dispo, systemd-tmpfiles its 0750 /var/lib/dispo (in a scratch root)"
else
	echo "note: systemd-sysusers or systemd-tmpfiles is missing; the snippets are not applied" >&2
fi

# An edited dispo.conf survives a reinstall and an uninstall; the rest goes.
printf '\n# edited by the office\n' >>"$conf"
mk install >install.log 2>&1 || { cat install.log; fail "make install again"; }
contains install.log "dispo.conf exists: kept"
contains "$conf" "# edited by the office"
mk uninstall >uninstall.log 2>&1 || { cat uninstall.log; fail "make uninstall"; }
left=$(find "$D" -type f | sed "s|^$D||")
[ "$left" = "$sysconfdir/dispo/dispo.conf" ] || fail "after uninstall: $left"
rm "$conf"
mk install >install.log 2>&1 && mk uninstall >uninstall.log 2>&1 || fail "install, uninstall"
[ -z "$(find "$D" -type f)" ] || fail "uninstall left $(find "$D" -type f)"
ok "a reinstall keeps an edited dispo.conf, uninstall removes it only unedited, and everything else"
