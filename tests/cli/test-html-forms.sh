#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# test-html-forms.sh: applications whose only body is HTML, as Outlook
# desktop (Word paragraphs, a table, a numbered list with split labels),
# Outlook on the web, Gmail web and iPhone Mail write them, open a request
# through `dispo deliver` with every field of the form read, as the text/plain
# twin of each would give it (tests/cli/data/html-forms, see its README).
. "$(dirname "$0")/lib.sh"

cat >dispo.conf <<CONF
[general]
data_dir = data
[policy]
agency_domains = kuduskab.go.id
require_authentication = false
CONF
D() { "$DISPO" --config dispo.conf --now 2026-11-23T09:00:00+07:00 "$@"; }
DB=data/dispo.db
DATA=$DISPO_SRCDIR/tests/cli/data/html-forms
expect_exit 0 D employees import "$DISPO_SRCDIR/rules/register-contoh.csv"

# check N FILE NAMA NIP NIK JABATAN UNIT EMAIL: FILE opens request N with
# exactly these six fields, its three documents, and is acknowledged.
check() {
	n=$1 file=$2 id=$(printf 'SE-2026-%06d' "$1")
	shift 2
	expect_exit 0 D deliver <"$DATA/$file"
	contains out "request $id opened"
	expect_exit 0 D requests show "$id" --format json
	jq -e --arg nama "$1" --arg nip "$2" --arg nik "$3" --arg jabatan "$4" \
		--arg unit "$5" --arg email "$6" '
		.state == "disposisi_kadin" and .applicant == $email and .attachment_count == 3
		and (.events[0] | .kind == "received" and .detail.form == {
			"Nama": $nama, "NIP": $nip, "NIK": $nik, "Jabatan": $jabatan,
			"Unit Kerja": $unit, "Email dinas": $email})
		and ([.events[0].detail.documents[] | select(.ok) | .requirement] | sort
			== ["ktp", "permohonan", "rekomendasi"])' out >/dev/null ||
		{ cat out; fail "$file: the request lacks a field of the form"; }
	[ "$(sql $DB "select count(*) from outbox where to_addr = '$6' and template = 'tanda_terima'")" = 1 ] ||
		fail "$file: no acknowledgement"
	ok "$file opens $id with every field"
}

check 1 01-outlook2016-msonormal.eml "Budi Santoso, S.Kom." "19850312 201001 1 004" 3319011203850001 \
	"Pranata Komputer Ahli Pertama" "Dinas Kesehatan" budi.santoso@kuduskab.go.id
check 2 02-outlook365-table.eml "Rina Marlina, S.E." 198707262011012002 3319086607870001 \
	"Perencana Ahli Muda" "Badan Perencanaan Pembangunan Daerah (BAPPEDA)" rina.marlina@kuduskab.go.id
check 3 03-outlook-web.eml "Ahmad Fauzi, S.IP." "19920410 201903 1 007" 3319031004920003 \
	"Analis Kebijakan Ahli Pertama" "Kecamatan Jati" ahmad.fauzi@kuduskab.go.id
check 4 04-gmail-web.eml "dr. Andini Pratiwi, M.Kes." 197204151998032004 3319015504720004 \
	"Kepala Dinas Kesehatan" "Dinas Kesehatan" andini.pratiwi@kuduskab.go.id
check 5 05-outlook-list-split-labels.eml "Sri Wahyuningsih, S.T., M.T." 197508242000032003 3319056408750003 \
	"Kepala Bidang Informatika" "Dinas Komunikasi dan Informatika" sri.wahyuningsih@kuduskab.go.id
check 6 06-iphone.eml "Dewi Lestari, A.Md." "19900205 201503 2 001" 3319074502900002 \
	"Pranata Komputer Terampil" "Dinas Komunikasi dan Informatika" dewi.lestari@kuduskab.go.id
check 7 07-gmail-sheets-table.eml "Agus Prasetyo, S.Kom." 198011172006041002 3319031711800004 \
	"Kepala Seksi Teknologi Informasi dan Persandian" "Dinas Komunikasi dan Informatika" agus.prasetyo@kuduskab.go.id

[ "$(sql $DB "select count(*) from refusals")" = 0 ] || fail "an HTML application was refused"
# The NIP and NIK the workflow keeps are the digits, however they were typed.
[ "$(sql $DB "select count(*) from events where kind = 'received' and json_extract(detail, '\$.nip') glob '[0-9]*' and length(json_extract(detail, '\$.nip')) = 18 and length(json_extract(detail, '\$.nik')) = 16")" = 7 ] ||
	fail "the NIP or NIK of an HTML application was not read as digits"
ok "no HTML-only application is refused for its form"
