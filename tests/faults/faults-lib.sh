# SPDX-License-Identifier: GPL-3.0-or-later
# faults-lib.sh: what the fault trials share. Sourced after
# tests/cli/lib.sh (scratch dir, fail, sql, application).
#
# Each family runs trials: the same mail goes through dispo while something
# goes wrong (kill -9 at a random moment, a server away, a full disk, a
# locked store), and afterwards the store is compared with a reference run
# in which nothing went wrong. Every difference is counted as
#   lost        an input message not stored, a request, event, outbox row
#               or file of the reference missing, an email not sent
#   duplicated  any of those twice, or an email sent twice (except a resend
#               of an email cut off between the server's 250 and the commit
#               that marks it sent, with the same Message-ID)
#   corrupted   PRAGMA integrity_check or foreign_key_check not clean,
#               dispo audit verify not clean, a raw message or email whose
#               bytes are not what its row names
# and faults_summary prints `trials=N lost=L duplicated=D corrupted=C` and
# fails on any non-zero figure.
#
# Randomness is seeded: FAULTS_SEED (printed at the start, so that a failure
# can be replayed with the same delays; the moment a delay lands on still
# varies with the machine's load). FAULTS_TRIALS sets the number of trials.
#
#   faults_seed [TRIALS]            FAULTS_SEED chosen (or taken) and printed
#   faults_rand MAX                 FAULTS_R: the next number in [0, MAX)
#   faults_scratch                  FAULTS_TMP: a scratch dir on a tmpfs
#                                   (/dev/shm) when there is one, else $WORK
#   faults_inputs DIR               the trials' mail, one file each (CRLF)
#   faults_dump DB                  the store's decisions, as text lines
#                                   that depend on nothing random or timed
#   faults_hashes DIR               the SHA-256 of each file in DIR
#   faults_check NAME DB DATA REF HASHES [OUTBOX]
#                                   one trial's figures (faults_lost, …),
#                                   added to the totals; OUTBOX: the Maildir
#                                   the embedded default delivers to
#   faults_summary FAMILY           prints the totals; fails on any non-zero

FAULTS_TRIALS_RUN=0 FAULTS_LOST=0 FAULTS_DUPLICATED=0 FAULTS_CORRUPTED=0 FAULTS_RESENT=0

faults_seed() {
	if [ -z "${FAULTS_SEED:-}" ]; then
		FAULTS_SEED=$(($(od -An -N4 -tu4 /dev/urandom | tr -d ' ') % 1000000000))
	fi
	case $FAULTS_SEED in '' | *[!0-9]*) fail "FAULTS_SEED must be a number" ;; esac
	FAULTS_STATE=$FAULTS_SEED
	echo "seed=$FAULTS_SEED (replay: FAULTS_SEED=$FAULTS_SEED${1:+ FAULTS_TRIALS=$1})"
}

# A linear congruential generator in shell arithmetic: no process per
# number, and the same sequence on every machine for a seed.
faults_rand() {
	FAULTS_STATE=$(((FAULTS_STATE * 1103515245 + 12345) % 2147483648))
	FAULTS_R=$(((FAULTS_STATE / 65536) % $1))
}

# A kill -9 leaves the page cache alone, so fsync buys nothing in these
# trials and costs most of their time on a real disk: the data directories
# live on a tmpfs when the machine has one.
faults_scratch() {
	FAULTS_TMP=""
	if [ -d /dev/shm ] && [ -w /dev/shm ]; then
		FAULTS_TMP=$(mktemp -d /dev/shm/dispo-faults.XXXXXX 2>/dev/null) || FAULTS_TMP=""
	fi
	if [ -z "$FAULTS_TMP" ]; then
		FAULTS_TMP="$WORK/scratch"
		mkdir -p "$FAULTS_TMP"
	fi
	chmod 0755 "$FAULTS_TMP"
}
faults_cleanup() {
	case ${FAULTS_TMP:-} in /dev/shm/dispo-faults.*) [ -n "${KEEP:-}" ] || rm -rf "$FAULTS_TMP" ;; esac
}

# faults__app FILE ADDRESS N NIP NIK: an application from a register employee
faults__app() {
	application "$2" "$3" | sed "s/^NIP: .*/NIP: $4\r/; s/^NIK: .*/NIK: $5\r/" >"$1"
}
# faults__say FILE FROM N SUBJECT TEXT: an official's email naming a request
faults__say() {
	printf 'From: %s\r\nTo: sertifikat@kuduskab.go.id\r\nSubject: %s\r\n' "$2" "$4" >"$1"
	printf 'Message-ID: <say-%s@kuduskab.go.id>\r\nDate: Mon, 23 Nov 2026 09:%02d:00 +0700\r\n' "$3" "$3" >>"$1"
	printf 'Content-Type: text/plain; charset=utf-8\r\n\r\n%s\r\n\r\nDikirim dari iPhone saya\r\n' "$5" >>"$1"
}

# The mail of every trial, in the order it arrives (file names sort so):
# three applications, the officials' decisions on them (by the request tag
# in the subject: the numbers follow from the order), one request through
# to the letter, one refused, an unclear answer, the same application by
# another route, an unknown address, an auto-reply and a message that is
# not an email.
faults_inputs() {
	d=$1
	mkdir -p "$d"
	faults__app "$d/m01" budi.santoso@kuduskab.go.id 1 198503122010011004 3319011203850001
	faults__app "$d/m02" rina.marlina@kuduskab.go.id 2 198707262011012002 3319086607870001
	faults__say "$d/m03" kadis@kuduskab.go.id 3 "[SE-2026-000001] Disposisi" SETUJU
	faults__say "$d/m04" kadis@kuduskab.go.id 4 "[SE-2026-000002] Disposisi" "TOLAK berkas belum ditandatangani"
	faults__app "$d/m05" ahmad.fauzi@kuduskab.go.id 5 199204102019031007 3319031004920003
	faults__say "$d/m06" sri.wahyuningsih@kuduskab.go.id 6 "[SE-2026-000001] Disposisi" SETUJU
	faults__say "$d/m07" kadis@kuduskab.go.id 7 "[SE-2026-000003] Disposisi" "ok pak"
	faults__say "$d/m08" agus.prasetyo@kuduskab.go.id 8 "[SE-2026-000001] Verifikasi" SETUJU
	{ printf 'Received: from relay2.kuduskab.go.id by mx.kuduskab.go.id; Mon, 23 Nov 2026 08:09:00 +0700\r\n'; cat "$d/m05"; } >"$d/m09"
	application pemohon.baru@kuduskab.go.id 10 >"$d/m10"
	{
		printf 'From: Andini Pratiwi <andini.pratiwi@kuduskab.go.id>\r\nTo: sertifikat@kuduskab.go.id\r\n'
		printf 'Subject: Otomatis: Permohonan\r\nAuto-Submitted: auto-replied\r\nMessage-ID: <auto-11@kuduskab.go.id>\r\n\r\n'
		printf 'Saya sedang cuti sampai 30 November.\r\n'
	} >"$d/m11"
	printf '\211PNG\r\n\032\r\nbukan email\r\n' >"$d/m12"
}

# The decisions in the store, in an order and a form that depend on the
# mail alone: no time, token, Message-ID or row attempt counter.
faults_dump() {
	sqlite3 -batch "$1" "
select 'M', sha256, status, kind, coalesce(message_id, '') from messages order by sha256;
select 'R', number, state, coalesce(step, ''), applicant, workflow from requests order by number;
select 'E', r.number, e.seq, e.kind, e.actor, coalesce(m.sha256, '') from events e
  join requests r on r.id = e.request_id left join messages m on m.id = e.message_id order by r.number, e.seq;
select 'O', o.id, coalesce(r.number, ''), coalesce(o.step, ''), o.template, o.kind, o.to_addr,
  coalesce(o.cc_addr, ''), o.state from outbox o left join requests r on r.id = o.request_id order by o.id;
select 'T', t.purpose, coalesce(r.number, ''), coalesce(t.step, ''), coalesce(t.role, ''),
  coalesce(t.address, ''), t.used_at is not null from tokens t left join requests r on r.id = t.request_id
  order by 2, 3, 4, 5, 6, 7;
select 'F', r.number, f.kind, f.name, f.content_type from request_files f join requests r on r.id = f.request_id
  order by 2, 3, 4;
select 'X', m.sha256, x.reasons from refusals x join messages m on m.id = x.message_id order by 2;
select 'A', m.sha256, a.seq, a.filename, a.sha256 from attachments a join messages m on m.id = a.message_id order by 2, 3;
select 'C', address from confirmed_addresses order by 2;
select 'N', tag, year, last from request_counters order by 2, 3;"
}

# faults_check NAME DB DATA REF INPUTS [OUTBOX]
# Compares the store DB (data directory DATA) with the reference dump REF,
# checks that each message of INPUTS (a file of their SHA-256, from
# faults_hashes) is stored once, the store's integrity, and (OUTBOX) that
# each row's email is in that Maildir once, byte for byte. Sets
# faults_lost, faults_duplicated and faults_corrupted for the trial and
# adds them to the totals. Problems are described on standard error.
faults_check() {
	fc_name=$1 fc_db=$2 fc_data=$3 fc_ref=$4 fc_inputs=$5 fc_outbox=${6:-}
	faults_lost=0 faults_duplicated=0 faults_corrupted=0
	fc_tmp="$WORK/check"
	mkdir -p "$fc_tmp"

	# Each input message stored once, under the hash of its bytes.
	fc_values=$(sed "s/.*/('&')/" "$fc_inputs" | paste -sd, -)
	sql "$fc_db" "select h.column1, count(m.id) from (values $fc_values) h
		left join messages m on m.sha256 = h.column1 group by h.column1 having count(m.id) != 1" >"$fc_tmp/inputs"
	while IFS='|' read -r fc_h fc_n; do
		if [ "$fc_n" = 0 ]; then
			echo "$fc_name: LOST: input message $fc_h is not stored" >&2
			faults_lost=$((faults_lost + 1))
		else
			echo "$fc_name: DUPLICATED: input message $fc_h stored $fc_n times" >&2
			faults_duplicated=$((faults_duplicated + fc_n - 1))
		fi
	done <"$fc_tmp/inputs"

	# The decisions: each reference line as often as in the reference. A
	# line missing is lost; an extra line is doubled, unless it stands in
	# for a missing one of the same record (another state: counted once,
	# as lost).
	if ! faults_dump "$fc_db" >"$fc_tmp/got"; then
		echo "$fc_name: CORRUPTED: the store cannot be read" >&2
		faults_corrupted=$((faults_corrupted + 1))
	fi
	# shellcheck disable=SC2046 # two numbers
	set -- $(awk -F'|' -v name="$fc_name" '
		function key(l, f) { split(l, f, "|"); return f[1] == "E" ? f[1] "|" f[2] "|" f[3] : f[1] "|" f[2] }
		NR == FNR { want[$0]++; next }
		{ got[$0]++ }
		END {
			for (l in want) if (got[l] < want[l]) {
				n = want[l] - got[l]; lost += n; miss[key(l)] += n
				printf "%s: LOST: %s (want %d, have %d)\n", name, l, want[l], got[l] + 0 > "/dev/stderr"
			}
			for (l in got) if (got[l] > want[l]) {
				n = got[l] - want[l]; k = key(l)
				while (n > 0 && miss[k] > 0) {
					miss[k]--; n--
					printf "%s: CHANGED: %s\n", name, l > "/dev/stderr"
				}
				if (n) printf "%s: DUPLICATED: %s (want %d, have %d)\n", name, l, want[l] + 0, got[l] > "/dev/stderr"
				dup += n
			}
			print lost + 0, dup + 0
		}' "$fc_ref" "$fc_tmp/got")
	faults_lost=$((faults_lost + $1)) faults_duplicated=$((faults_duplicated + $2))

	# The store's own health.
	fc_r=$(sql "$fc_db" "PRAGMA integrity_check")
	[ "$fc_r" = ok ] || { echo "$fc_name: CORRUPTED: integrity_check: $fc_r" >&2; faults_corrupted=$((faults_corrupted + 1)); }
	fc_r=$(sql "$fc_db" "PRAGMA foreign_key_check")
	[ -z "$fc_r" ] || { echo "$fc_name: CORRUPTED: foreign_key_check: $fc_r" >&2; faults_corrupted=$((faults_corrupted + 1)); }
	if ! "$DISPO" --config "$FAULTS_CONF" audit verify >"$fc_tmp/audit" 2>&1; then
		echo "$fc_name: CORRUPTED: dispo audit verify: $(cat "$fc_tmp/audit")" >&2
		faults_corrupted=$((faults_corrupted + 1))
	fi
	# Every raw message and email a row names is there, and its bytes hash
	# to its name.
	sql "$fc_db" "select sha256 from messages union select blob_sha256 from outbox where blob_sha256 is not null" |
		awk -v d="$fc_data/mail" '{ print d "/" substr($0, 1, 2) "/" $0 }' >"$fc_tmp/blobs"
	fc_n=$(xargs -r sha256sum <"$fc_tmp/blobs" 2>/dev/null | awk '{ n = split($2, p, "/"); if ($1 == p[n]) ok++ } END { print ok + 0 }')
	if [ "$fc_n" != "$(wc -l <"$fc_tmp/blobs")" ]; then
		echo "$fc_name: CORRUPTED: $(($(wc -l <"$fc_tmp/blobs") - fc_n)) raw messages or emails missing or not their hash" >&2
		faults_corrupted=$((faults_corrupted + $(wc -l <"$fc_tmp/blobs") - fc_n))
	fi

	# The Maildir outbox: each row sent, as one file named by its id
	# holding the row's bytes, and no other file.
	if [ -n "$fc_outbox" ]; then
		sql "$fc_db" "select printf('%06d.eml', id) || ' ' || blob_sha256 || ' ' || state from outbox order by id" >"$fc_tmp/rows"
		(cd "$fc_outbox" && find new cur -type f -exec sha256sum {} + | sed 's|  [a-z]*/| |') >"$fc_tmp/files"
		# shellcheck disable=SC2046 # three numbers
		set -- $(awk -v name="$fc_name" '
			NR == FNR { have[$2] = $1; files++; next }
			{
				if ($3 != "sent" || !($1 in have)) {
					printf "%s: LOST: outbox %s is %s, %s\n", name, $1, $3, ($1 in have) ? "in the Maildir" : "not in the Maildir" > "/dev/stderr"
					lost++
				} else if (have[$1] != $2) {
					printf "%s: CORRUPTED: outbox %s is not the row'"'"'s email\n", name, $1 > "/dev/stderr"
					bad++
				}
				if ($1 in have) named++
			}
			END {
				if (files > named) printf "%s: DUPLICATED: %d emails in the outbox Maildir that no row names\n", name, files - named > "/dev/stderr"
				print lost + 0, files - named, bad + 0
			}' "$fc_tmp/files" "$fc_tmp/rows")
		faults_lost=$((faults_lost + $1)) faults_duplicated=$((faults_duplicated + $2))
		faults_corrupted=$((faults_corrupted + $3))
	fi
	faults_add "$fc_name"
}

# faults_hashes DIR: the SHA-256 of each file in DIR, one a line.
faults_hashes() { (cd "$1" && sha256sum -- *) | cut -c1-64; }

# faults_add NAME: the trial's faults_lost, faults_duplicated and
# faults_corrupted (set by the caller or faults_check) into the totals.
faults_add() {
	FAULTS_TRIALS_RUN=$((FAULTS_TRIALS_RUN + 1))
	FAULTS_LOST=$((FAULTS_LOST + faults_lost))
	FAULTS_DUPLICATED=$((FAULTS_DUPLICATED + faults_duplicated))
	FAULTS_CORRUPTED=$((FAULTS_CORRUPTED + faults_corrupted))
	if [ $((faults_lost + faults_duplicated + faults_corrupted)) != 0 ]; then
		echo "$1: lost=$faults_lost duplicated=$faults_duplicated corrupted=$faults_corrupted (seed $FAULTS_SEED)" >&2
		FAULTS_FAILED="${FAULTS_FAILED:-} $1"
	fi
}

# faults_more NAME LOST DUPLICATED CORRUPTED: more found in trial NAME
# (already counted by faults_add), into the totals.
faults_more() {
	FAULTS_LOST=$((FAULTS_LOST + $2))
	FAULTS_DUPLICATED=$((FAULTS_DUPLICATED + $3))
	FAULTS_CORRUPTED=$((FAULTS_CORRUPTED + $4))
	if [ $(($2 + $3 + $4)) != 0 ]; then
		echo "$1: lost=$2 duplicated=$3 corrupted=$4 more (seed $FAULTS_SEED)" >&2
		FAULTS_FAILED="${FAULTS_FAILED:-} $1"
	fi
}

# faults_summary FAMILY: the family's line; fails on any non-zero figure.
faults_summary() {
	extra=""
	[ "$FAULTS_RESENT" != 0 ] && extra=" (resent after a cut-off send, same Message-ID: $FAULTS_RESENT)"
	echo "$1: trials=$FAULTS_TRIALS_RUN lost=$FAULTS_LOST duplicated=$FAULTS_DUPLICATED corrupted=$FAULTS_CORRUPTED$extra"
	[ $((FAULTS_LOST + FAULTS_DUPLICATED + FAULTS_CORRUPTED)) = 0 ] ||
		fail "$1: trials failed:${FAULTS_FAILED:-}; replay with FAULTS_SEED=$FAULTS_SEED"
	[ "$FAULTS_TRIALS_RUN" -gt 0 ] || fail "$1: no trial ran"
}
