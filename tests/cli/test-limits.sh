#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# test-limits.sh: what the mail servers deliver, dispo takes, through `dispo
# deliver`: an application and officials' replies with the long headers of
# a long Outlook thread (a References of 100 KB and hundreds of ids, 100 KB
# X- headers) open and decide, found by the newest id if need be; 16 MB of
# header is refused cheaply; and a NUL byte, raw, =00, base64 or UTF-16,
# hides no second command.
. "$(dirname "$0")/lib.sh"

cat >dispo.conf <<CONF
[general]
data_dir = data
admin_address = admin@kuduskab.go.id
[policy]
require_authentication = false
CONF
NOW=2026-11-23T09:00:00+07:00
D() { "$DISPO" --config dispo.conf --now "$NOW" "$@"; }
DB=data/dispo.db
OUT=data/outbox/new
expect_exit 0 D employees import "$DISPO_SRCDIR/rules/register-contoh.csv"

email() { sqlite3 $DB "select printf('%06d.eml', o.id) from outbox o join requests r on r.id = o.request_id where r.number = '$1' and o.step = '$2' and o.to_addr = '$3' and o.kind = 'workflow' order by o.id desc limit 1"; }
state() { sql $DB "select state from requests where number = '$1'"; }
help_count() { sql $DB "select count(*) from outbox where to_addr = '$1' and template = 'bantuan'"; }
uid() { od -An -N6 -tx1 /dev/urandom | tr -d ' \n'; }

# References as Outlook writes them in a long thread: one id a line, the
# oldest first, ending with LAST (the email being answered): N ids, ~62
# bytes each. Clients on the way left what long threads have: an id
# without '@' and ids separated by a comma.
references() { # N LAST
	awk -v n="$1" -v last="$2" 'BEGIN {
		printf "References:";
		for (i = 0; i < n; i++) {
			if (i == n / 3)
				printf " <OF8A3C21F0.7D5E-ON4725>,\r\n <CAF%06d@mail.gmail.com>,\r\n", i;
			printf " <SG2PR06MB%04d%04X@SG2PR06MB%04d.apcprd06.prod.outlook.com>\r\n", i, i, i;
		}
		printf " <%s>\r\n", last }'
}
# A header of about BYTES bytes of base64 on one line (Exchange's
# X-MS-Exchange-AntiSpam-MessageData, a DKIM key pasted by a tool), or
# folded at 76 when FOLD is set.
big_header() { # NAME BYTES [FOLD]
	head -c "$(($2 * 3 / 4))" /dev/urandom | base64 -w "${3:-0}" |
		awk -v name="$1" 'NR == 1 { printf "%s: %s", name, $0; next } { printf "\r\n\t%s", $0 } END { printf "\r\n" }'
}

# (a) An application forwarded through a long thread: a References of
# 1700 ids (105 KB), a 100 KB X- header on one line, a 100 KB folded one.
application budi.santoso@kuduskab.go.id 1 >plain.eml
{
	sed -n 1p plain.eml
	references 1700 "CAF-thread-start@mail.gmail.com"
	printf 'Thread-Topic: Permohonan Sertifikat Elektronik\r\nThread-Index: AQHZ1234567890abcdef==\r\n'
	big_header X-MS-Exchange-AntiSpam-MessageData-0 102000
	big_header X-MS-Exchange-Organization-Forwarded-Chain 102000 76
	sed 1d plain.eml
} >app.eml
[ "$(tr -d '\r' <app.eml | sed '/^$/q' | wc -c)" -gt 300000 ] || fail "the application's header is not long"
expect_exit 0 D deliver <app.eml
R=SE-2026-000001
[ "$(sql $DB "select status from messages order by id desc limit 1")" = parsed ] ||
	fail "the application is over a limit: $(sql $DB "select problem from messages order by id desc limit 1")"
[ "$(state $R)" = disposisi_kadin ] || fail "the application with 100 KB headers opens no request"
stored=$(find data/mail -type f -name "$(sha256sum <app.eml | cut -c1-64)")
cmp -s "$stored" app.eml || fail "the raw message is not kept whole"
ok "an application with a 105 KB References and 100 KB X- headers opens a request, kept whole"

# 16 MB of header: refused as over the limit, stored, without a request.
{
	printf 'From: Budi Santoso <budi.santoso@kuduskab.go.id>\r\nTo: sertifikat@kuduskab.go.id\r\nSubject: banjir\r\n'
	big_header X-Flood 16777216 76
	printf 'Content-Type: text/plain\r\n\r\nNama: Budi\r\n'
} >flood.eml
expect_exit 0 D deliver <flood.eml
[ "$(sql $DB "select status from messages order by id desc limit 1")" = over_limit ] || fail "16 MB of header is not over the limit"
sql $DB "select problem from messages order by id desc limit 1" | grep -q "header fields are larger than the limit of 10.0 MB" ||
	fail "why: $(sql $DB "select problem from messages order by id desc limit 1")"
[ "$(sql $DB "select count(*) from requests")" = 1 ] || fail "the flood opened a request"
ok "16 MB of header is over the limit, kept and opens nothing"

# (b) The Kepala Dinas answers in Outlook, with the thread's References
# (1700 ids, 105 KB, dispo's email last) and Outlook's Indonesian quote
# header.
outlook_reply() { # FILE FROM TEXT: an Outlook "Balas" to dispo's email FILE
	mid=$(hdr Message-Id "$OUT/$1")
	printf 'Received: from SG2PR06MB1234.apcprd06.prod.outlook.com by mx.kuduskab.go.id; Mon, 23 Nov 2026 09:30:00 +0700\r\n'
	printf 'From: %s\r\nTo: %s\r\nSubject: RE: %s\r\n' "$2" "$(hdr Reply-To "$OUT/$1")" "$(hdr Subject "$OUT/$1")"
	printf 'Thread-Topic: %s\r\nThread-Index: AQHZ1234567890abcdef==\r\n' "$(hdr Subject "$OUT/$1")"
	printf 'Date: Mon, 23 Nov 2026 02:30:00 +0000\r\nMessage-ID: <SG2PR06MB%s@apcprd06.prod.outlook.com>\r\n' "$(uid)"
	references 1700 "$(echo "$mid" | tr -d '<>')"
	printf 'In-Reply-To: %s\r\n' "$mid"
	big_header X-MS-Exchange-AntiSpam-MessageData-0 102000
	printf 'Accept-Language: id-ID, en-US\r\nContent-Language: id-ID\r\nX-MS-Has-Attach:\r\nMIME-Version: 1.0\r\n'
	printf 'Content-Type: multipart/alternative; boundary="_000_SG2PR06MB_"\r\n\r\n--_000_SG2PR06MB_\r\n'
	printf 'Content-Type: text/plain; charset="us-ascii"\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n'
	printf '%s\r\n\r\n________________________________\r\nDari: Layanan Sertifikat <sertifikat@kuduskab.go.id>\r\n' "$3"
	printf 'Dikirim: Senin, 23 November 2026 09.00\r\nKepada: %s\r\nPerihal: %s\r\n\r\nMohon disposisi\r\n' "$2" "$(hdr Subject "$OUT/$1")"
	printf -- '--_000_SG2PR06MB_\r\nContent-Type: text/html; charset="us-ascii"\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n'
	printf '<html><body><div>%s</div><div id=3D"divRplyFwdMsg"><b>Dari:</b> Layanan Sertifikat</div></body></html>\r\n' "$3"
	printf -- '--_000_SG2PR06MB_--\r\n'
}
f=$(email $R disposisi_kadin kadis@kuduskab.go.id)
outlook_reply "$f" kadis@kuduskab.go.id SETUJU >outlook.eml
[ "$(tr -d '\r' <outlook.eml | sed -n '/^References:/,/^[^ ]/p' | wc -c)" -gt 102400 ] || fail "the reply's References is short"
expect_exit 0 D deliver <outlook.eml
[ "$(state $R)" = disposisi_kabid ] || fail "the Outlook SETUJU with 100 KB References was not applied"
[ "$(sql $DB "select count(*) from tokens where used_at is not null")" = 1 ] || fail "the token is not used up"
ok "an Outlook SETUJU with a 105 KB References of 1700 ids and a 100 KB X- header is applied"

# A reply found by its References alone: to the plain address (no token),
# no In-Reply-To, the tag gone from the subject; dispo's email is the
# newest of 1700 ids.
f=$(email $R disposisi_kabid sri.wahyuningsih@kuduskab.go.id)
mid=$(hdr Message-Id "$OUT/$f" | tr -d '<>')
{
	printf 'From: sri.wahyuningsih@kuduskab.go.id\r\nTo: sertifikat@kuduskab.go.id\r\nSubject: RE: Mohon disposisi\r\n'
	printf 'Message-ID: <%s@kuduskab.go.id>\r\n' "$(uid)"
	references 1700 "$mid"
	printf 'Content-Type: text/plain; charset=utf-8\r\n\r\nTERUSKAN\r\n'
} >refs-only.eml
expect_exit 0 D deliver <refs-only.eml
[ "$(state $R)" = verifikasi_kasi ] || fail "a reply matched by the newest of 1700 References was not applied"
ok "a reply is matched by the newest of 1700 References when nothing else names the request"

# (c) SETUJU, a NUL, then TOLAK: two commands, however the NUL is sent.
f=$(email $R verifikasi_kasi agus.prasetyo@kuduskab.go.id)
nul_reply() { # CTE BODY-BYTES-PRINTF-FORMAT [CHARSET]
	printf 'From: agus.prasetyo@kuduskab.go.id\r\nTo: %s\r\nSubject: RE: %s\r\nIn-Reply-To: %s\r\n' \
		"$(hdr Reply-To "$OUT/$f")" "$(hdr Subject "$OUT/$f")" "$(hdr Message-Id "$OUT/$f")"
	printf 'Message-ID: <nul%s@kuduskab.go.id>\r\nMIME-Version: 1.0\r\n' "$(uid)"
	printf 'Content-Type: text/plain; charset=%s\r\nContent-Transfer-Encoding: %s\r\n\r\n' "${3:-utf-8}" "$1"
	printf "$2"
}
n_help=$(help_count agus.prasetyo@kuduskab.go.id)
nul_reply 8bit 'SETUJU\000\r\nTOLAK scan KTP buram\r\n\r\nPada Sen, 23 Nov 2026 09.00, dispo menulis:\r\n> Mohon keputusan\r\n' >nul-8bit.eml
nul_reply quoted-printable 'SETUJU=00=0D=0ATOLAK scan KTP buram\r\n' >nul-qp.eml
nul_reply base64 "$(printf 'SETUJU\000\r\nTOLAK scan KTP buram\r\n' | base64 -w 76)\r\n" >nul-b64.eml
nul_reply base64 "$(printf 'SETUJU\000\r\nTOLAK scan KTP buram\r\n' | iconv -f UTF-8 -t UTF-16LE | base64 -w 76)\r\n" utf-16le >nul-utf16.eml
[ "$(tr -cd '\000' <nul-8bit.eml | wc -c)" = 1 ] || fail "the raw reply lacks its NUL"
i=0
for v in 8bit qp b64 utf16; do
	i=$((i + 1))
	expect_exit 0 D deliver <nul-$v.eml
	[ "$(state $R)" = verifikasi_kasi ] || fail "SETUJU<NUL>TOLAK ($v) moved the request to $(state $R)"
	[ "$(help_count agus.prasetyo@kuduskab.go.id)" = $((n_help + i)) ] || fail "no help for SETUJU<NUL>TOLAK ($v)"
done
[ "$(sql $DB "select count(*) from events e join requests r on r.id = e.request_id where r.number = '$R' and e.kind in ('approve', 'reject')")" = 1 ] ||
	fail "a NUL reply was recorded as a decision"
[ "$(sql $DB "select count(*) from tokens where used_at is not null")" = 2 ] || fail "a NUL reply used up a token"
h=$(sql $DB "select printf('%06d.eml', id) from outbox where to_addr = 'agus.prasetyo@kuduskab.go.id' and template = 'bantuan' order by id desc limit 1")
contains "$OUT/$h" "belum dapat kami proses"
# The token stayed valid: the same email answered plainly decides.
printf 'From: agus.prasetyo@kuduskab.go.id\r\nTo: %s\r\nSubject: RE: %s\r\nIn-Reply-To: %s\r\nMessage-ID: <ok%s@kuduskab.go.id>\r\nContent-Type: text/plain\r\n\r\nSETUJU\r\n' \
	"$(hdr Reply-To "$OUT/$f")" "$(hdr Subject "$OUT/$f")" "$(hdr Message-Id "$OUT/$f")" "$(uid)" >ok.eml
expect_exit 0 D deliver <ok.eml
[ "$(state $R)" = kirim_bsre ] || fail "SETUJU after the NUL replies"
ok "SETUJU<NUL>TOLAK (raw 8bit, =00, base64, UTF-16) changes nothing and gets the help reply"
