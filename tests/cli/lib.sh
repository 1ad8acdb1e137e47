# SPDX-License-Identifier: GPL-3.0-or-later
# lib.sh: what the command-line tests share. Sourced; $DISPO is the binary
# under test (set by make check), each test works in its own scratch dir
# (kept for a look when KEEP=1).
set -u
: "${DISPO:?run through make check, or set DISPO to the dispo binary}"
: "${DISPO_SRCDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${DISPO_BUILDDIR:=$DISPO_SRCDIR}"
TEST_NAME=$(basename "$0" .sh)
mkdir -p "$DISPO_BUILDDIR/tests/tmp"
WORK=$(mktemp -d "$DISPO_BUILDDIR/tests/tmp/$TEST_NAME.XXXXXX")
cleanup() { [ -n "${KEEP:-}" ] || rm -rf "$WORK"; }
trap cleanup EXIT
cd "$WORK" || exit 99
unset DISPO_CONFIG

fail() { echo "FAIL: $*" >&2; exit 1; }
skip() { echo "SKIP: $*" >&2; exit 77; }
ok() { echo "ok: $*"; }

# expect_exit CODE CMD...: runs CMD, output in $WORK/out and $WORK/err.
expect_exit() {
	want=$1; shift
	"$@" >"$WORK/out" 2>"$WORK/err"
	got=$?
	[ "$got" = "$want" ] || { cat "$WORK/out" "$WORK/err" >&2; fail "$* exited $got, want $want"; }
}
# contains FILE TEXT
# An email is also searched as its reader sees it: headers decoded, the text
# part transfer-decoded and its format=flowed lines joined.
readable() { python3 "$DISPO_SRCDIR/tests/cli/mailpart.py" --readable "$1"; }
is_mail() { head -c 8192 "$1" | tr -d '\r' | sed '/^$/q' | grep -qi '^MIME-Version:'; }
contains() {
	grep -qF -- "$2" "$1" || { is_mail "$1" && readable "$1" | grep -qF -- "$2"; } ||
		{ cat "$1" >&2; fail "$1 lacks: $2"; }
}
# sql DB QUERY: one value
sql() { sqlite3 -batch "$1" "$2"; }
# hdr NAME FILE: the first NAME header field of an email, unfolded.
hdr() {
	tr -d '\r' <"$2" | sed '/^$/q' | sed -e ':a' -e 'N' -e '$!ba' -e 's/\n[ \t]\+/ /g' |
		grep -i "^$1:" | head -n 1 | sed "s/^[^:]*: //"
}

# The outbox helpers below need $DB (the store) and $OUT (its outbox/new);
# at, apply and answer need D, the test's dispo command line (at and apply
# set NOW, which D is expected to pass as --now).
# last_to ADDRESS [TEMPLATE]: the newest outbox file to ADDRESS (of TEMPLATE)
last_to() {
	q="select printf('%06d.eml', id) from outbox where to_addr = '$1'"
	[ -n "${2:-}" ] && q="$q and template = '$2'"
	sql $DB "$q order by id desc limit 1"
}
count_to() { sql $DB "select count(*) from outbox where to_addr = '$1'${2:+ and template = '$2'}"; }
# email REQUEST STEP ADDRESS: the newest workflow email about REQUEST's STEP to ADDRESS
email() { sql $DB "select printf('%06d.eml', o.id) from outbox o join requests r on r.id = o.request_id where r.number = '$1' and o.step = '$2' and o.to_addr = '$3' and o.kind = 'workflow' order by o.id desc limit 1"; }
# at TIME REQUEST STEP OFFICIAL TEXT: the official answers the step's email
at() {
	NOW=$1
	f=$(email "$2" "$3" "$4")
	[ -n "$f" ] || fail "no email about $3 of $2 to $4"
	n=$((n + 1))
	{
		printf 'From: %s\r\nTo: %s\r\nSubject: RE: %s\r\nIn-Reply-To: %s\r\n' "$4" \
			"$(hdr Reply-To "$OUT/$f")" "$(hdr Subject "$OUT/$f")" "$(hdr Message-Id "$OUT/$f")"
		printf 'Message-ID: <answer%s@kuduskab.go.id>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n%s\r\n' $n "$5"
	} >answer$n.eml
	expect_exit 0 D deliver <answer$n.eml
}
# apply TIME ADDRESS N NIP NIK: an application from the register's employee
apply() {
	NOW=$1
	application "$2" "$3" | sed "s/^NIP: .*/NIP: $4\r/; s/^NIK: .*/NIK: $5\r/" >app$3.eml
	expect_exit 0 D deliver <app$3.eml
}
n=0
# answer FILE FROM TEXT: Outlook (Indonesian) answering FILE: Reply-To as
# To, threaded, the original quoted below its Dari:/Dikirim: header.
answer() {
	n=$((n + 1))
	{
		printf 'From: %s\r\nTo: %s\r\nSubject: RE: %s\r\n' "$2" "$(hdr Reply-To "$OUT/$1")" "$(hdr Subject "$OUT/$1")"
		printf 'In-Reply-To: %s\r\nReferences: %s %s\r\n' "$(hdr Message-Id "$OUT/$1")" "$(hdr References "$OUT/$1")" "$(hdr Message-Id "$OUT/$1")"
		printf 'Message-ID: <answer%s@kuduskab.go.id>\r\nDate: Mon, 23 Nov 2026 09:%02d:00 +0700\r\n' $n $((n % 60))
		printf 'Content-Type: text/plain; charset="utf-8"\r\nContent-Transfer-Encoding: 8bit\r\n\r\n%b\r\n\r\n' "$3"
		printf -- '-----Original Message-----\r\nDari: Layanan Sertifikat <sertifikat@kuduskab.go.id>\r\n'
		printf 'Dikirim: Senin, 23 November 2026 09.00\r\nKepada: %s\r\nPerihal: %s\r\n\r\n' "$2" "$(hdr Subject "$OUT/$1")"
		python3 "$DISPO_SRCDIR/tests/cli/mailpart.py" --unflow "$OUT/$1" | sed 's/$/\r/'
	} >answer$n.eml
	expect_exit 0 D deliver <answer$n.eml
}

# A complete application email (CRLF, as SMTP delivers it) from $1,
# numbered $2: the form in the body and the three documents of SOP 067
# (tiny but real PDFs: %PDF- header, %%EOF trailer). The NIP and NIK are
# valid; an address the register does not know is held for confirmation.
application() {
	printf 'Received: from mail.kuduskab.go.id by mx.kuduskab.go.id; Mon, 23 Nov 2026 08:%02d:00 +0700\r\n' "$(( ${2:-0} % 60 ))"
	printf 'From: Pemohon %s <%s>\r\nTo: sertifikat@kuduskab.go.id\r\n' "${2:-0}" "$1"
	printf 'Subject: Permohonan Sertifikat Elektronik %s\r\nMessage-ID: <app-%s@kuduskab.go.id>\r\n' "${2:-0}" "${2:-0}"
	printf 'MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n'
	printf -- '--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nNama: Pemohon %s\r\nNIP: 198503122010011004\r\n' "${2:-0}"
	printf 'NIK: 3319011203850001\r\nJabatan: Pranata Komputer\r\nUnit Kerja: Dinas Kesehatan\r\nEmail dinas: %s\r\n' "$1"
	for f in surat_permohonan scan_ktp surat_rekomendasi; do
		printf -- '--b\r\nContent-Type: application/pdf; name="%s.pdf"\r\n' $f
		printf 'Content-Disposition: attachment; filename="%s.pdf"\r\n' $f
		printf 'Content-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQKJSVFT0YK\r\n'
	done
	printf -- '--b--\r\n'
}
