#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# test-loop.sh: two dispo instances whose outboxes feed each other's
# inboxes, with vacation responders in the path, for hours of simulated
# time: the mail they exchange dies out, no auto-reply opens or moves a
# request, and no responder gets more answers in an hour than
# [policy] answers_per_hour allows.
. "$(dirname "$0")/lib.sh"

# Two offices. A is Kudus (the shipped rules and register). B is Jepara: the
# same SOP under its own mailbox and tag, its own register. Each office is
# the other's administrator address, so escalations cross over.
A_BOX=sertifikat@kuduskab.go.id
B_BOX=sertifikat@jepara.go.id
LIMIT=3
mkdir -p b-rules
for f in "$DISPO_SRCDIR"/rules/*.rules; do
	sed "s/$A_BOX/$B_BOX/; s/^\( *tag \)SE\$/\1JP/; s/^\( *tag \)CABUT\$/\1JPCABUT/" "$f" >"b-rules/${f##*/}"
done
sed 's/@kuduskab\.go\.id/@jepara.go.id/g' "$DISPO_SRCDIR/rules/register-contoh.csv" >b-register.csv
conf() { # NAME ADMIN [RULES_DIR]
	printf '[general]\ndata_dir = %s\nadmin_address = %s\n' "$1" "$2"
	[ -n "${3:-}" ] && printf 'rules_dir = %s\n' "$3"
	printf '[policy]\nrequire_authentication = false\nanswers_per_hour = %s\n' $LIMIT
}

# X a|b CMD…: dispo as one office at the simulated time $NOW (seconds).
X() { xconf=$1.conf; shift; "$DISPO" --config "$xconf" --now "$(date -u -d "@$NOW" +%Y-%m-%dT%H:%M:%SZ)" "$@"; }
# The header block unfolded, CR LF made LF; one field; an address alone.
headers() { tr -d '\r' <"$1" | sed '/^$/q' | sed -e ':a' -e 'N' -e '$!ba' -e 's/\n[ \t]\+/ /g'; }
hdr() { headers "$2" | grep -i "^$1:" | head -n 1 | sed 's/^[^:]*: *//'; }
addr() { sed 's/.*<\([^>]*\)>.*/\1/' | tr 'A-Z' 'a-z'; }

# The vacation responders, each on an address the offices write to:
# - rfc: RFC 3834 (vacation(1), Sieve): nothing to Auto-Submitted or list
#   mail; marked auto-replied; threaded.
# - naive: the worst realistic out-of-office (old Exchange, some webmail):
#   answers everything at once, to Reply-To else From, "Out of Office:
#   <subject>", no Auto-Submitted, no In-Reply-To.
# - threaded: a client rule "reply with this template": just as blind, but a
#   real reply ("Re:", In-Reply-To), which dispo matches to its request.
# The Kepala Dinas and the applicant of each office are on leave.
responder_of() {
	case $1 in
	kadis@kuduskab.go.id) echo naive ;;
	budi.santoso@kuduskab.go.id) echo rfc ;;
	kadis@jepara.go.id) echo threaded ;;
	budi.santoso@jepara.go.id) echo naive ;;
	esac
}
oof_n=0
responder() { # KIND ADDRESS FILE: the out-of-office email on stdout, or nothing
	if [ "$1" = rfc ]; then
		case $(hdr Auto-Submitted "$3") in '' | [Nn][Oo]) ;; *) return 0 ;; esac
		hdr Precedence "$3" | grep -qiE 'bulk|list|junk' && return 0
		[ -z "$(hdr List-Id "$3")" ] || return 0
	fi
	to=$(hdr Reply-To "$3")
	[ -n "$to" ] || to=$(hdr From "$3")
	oof_n=$((oof_n + 1))
	printf 'From: %s\r\nTo: %s\r\nDate: %s\r\nMessage-ID: <oof%d.%s>\r\n' "$2" "$to" \
		"$(date -u -d "@$NOW" -R)" $oof_n "$2"
	case $1 in
	rfc) printf 'Subject: Auto: %s\r\nAuto-Submitted: auto-replied\r\nIn-Reply-To: %s\r\n' \
		"$(hdr Subject "$3")" "$(hdr Message-ID "$3")" ;;
	threaded) printf 'Subject: Re: %s\r\nIn-Reply-To: %s\r\n' "$(hdr Subject "$3")" "$(hdr Message-ID "$3")" ;;
	naive) printf 'Subject: Out of Office: %s\r\n' "$(hdr Subject "$3")" ;;
	esac
	printf 'Content-Type: text/plain; charset=utf-8\r\n\r\n'
	printf 'Terima kasih atas email Anda. Saya sedang cuti sampai 4 Desember 2026\r\n'
	printf 'dan akan membalas setelah kembali.\r\n'
}

# The mail system: sertifikat(+token)@ an office's domain is that office's
# dispo; a responder's address gets its out-of-office; anyone else reads
# and says nothing. route FILE carries one email and counts it.
office_of() {
	case $1 in
	sertifikat@kuduskab.go.id | sertifikat+*@kuduskab.go.id) echo a ;;
	sertifikat@jepara.go.id | sertifikat+*@jepara.go.id) echo b ;;
	esac
}
route() {
	msgs=$((msgs + 1)) round_msgs=$((round_msgs + 1))
	to=$(hdr To "$1" | addr)
	dest=$(office_of "$to")
	if [ -n "$dest" ]; then
		expect_exit 0 X "$dest" deliver <"$1"
		return
	fi
	kind=$(responder_of "$to")
	[ -n "$kind" ] || return 0
	responder "$kind" "$to" "$1" >oof.eml
	[ -s oof.eml ] || return 0
	mv oof.eml "oof/$oof_n.eml"
	eval "oof_$kind=\$((oof_$kind + 1))"
	route "oof/$oof_n.eml"
}

# run NAME ROUNDS QUIET STEP…: both offices from scratch in NAME/, seeded,
# then ROUNDS rounds: the clock moves on by the next STEP (minutes, in
# turn), every email either office sent in the previous round is carried
# (a responder's answer arrives in the same round), and both run their SLA
# timers. Responders' answers are thus answered one round later.
run() {
	name=$1 rounds=$2 quiet=$3
	shift 3
	mkdir -p "$WORK/$name" && cd "$WORK/$name" || exit 99
	mkdir -p oof a-sent b-sent
	conf a "$B_BOX" >a.conf
	conf b "$A_BOX" ../b-rules >b.conf
	NOW=$(date -d 2026-11-23T09:00:00+07:00 +%s) # a Monday, office hours
	start=$NOW
	expect_exit 0 X a employees import "$DISPO_SRCDIR/rules/register-contoh.csv"
	expect_exit 0 X b employees import ../b-register.csv
	# Seeds: an application at each office from its active employee, and
	# a person at Jepara's mailbox writing to Kudus by hand.
	application budi.santoso@kuduskab.go.id 1 >seed1.eml
	application budi.santoso@jepara.go.id 2 | sed "s/^To: $A_BOX/To: $B_BOX/" >seed2.eml
	printf 'From: %s\r\nTo: %s\r\nSubject: Tanya prosedur sertifikat elektronik\r\nMessage-ID: <tanya@jepara.go.id>\r\n\r\nMohon info prosedurnya.\r\n' \
		$B_BOX $A_BOX >seed3.eml
	expect_exit 0 X a deliver <seed1.eml
	expect_exit 0 X b deliver <seed2.eml
	expect_exit 0 X a deliver <seed3.eml

	msgs=0 oof_naive=0 oof_threaded=0 oof_rfc=0 per_round= last_busy=0 r=0
	while [ $r -lt "$rounds" ]; do
		r=$((r + 1)) round_msgs=0
		step=$1
		shift
		set -- "$@" "$step"
		NOW=$((NOW + step * 60))
		for o in a b; do
			for f in $(ls $o/outbox/new); do
				mv "$o/outbox/new/$f" "$o-sent/$f"
				route "$o-sent/$f"
			done
		done
		expect_exit 0 X a timers
		expect_exit 0 X b timers
		per_round="$per_round $round_msgs"
		[ $round_msgs = 0 ] || last_busy=$r
		# A loop is plain by now; stop it before it costs seconds.
		[ $msgs -le $((2 * BOUND)) ] || break
	done
	hours=$(((NOW - start) / 60))
	hours="$((hours / 60))h$(printf %02d $((hours % 60)))"
	echo "$name: $r rounds, ${hours} simulated, messages per round:$per_round"
	echo "$name: $msgs messages; out-of-office: $oof_naive naive, $oof_threaded threaded, $oof_rfc rfc"
	for x in a b; do
		echo "$name: office $x sent (to, kind, template, count):"
		sql $x/dispo.db "select '  ' || to_addr, kind, template, count(*) from outbox group by 1, 2, 3"
	done

	# The bound. Without any responder's doing, the offices send 9 emails:
	# per office the acknowledgement, the disposition, its reminder and its
	# escalation (to the other office), and Kudus's answer to the hand-written
	# seed. A responder answers each email it gets at most once; the three
	# that answer dispo at all (naive, threaded) may be answered at most LIMIT
	# times before dispo falls silent, each answer drawing one more
	# out-of-office: 9 + 9 + 3 * LIMIT * 2 = 36 with LIMIT 3. A loop that
	# only the hourly limit slows down passes this soon after the first hour.
	[ $msgs -le $BOUND ] ||
		fail "$name: $msgs messages exchanged, more than $BOUND: a mail loop (per round:$per_round)"
	[ $((r - last_busy)) -ge "$quiet" ] ||
		fail "$name: mail still flowing in round $last_busy of $r (per round:$per_round)"
	ok "$name: the exchange dies out: $msgs messages (bound $BOUND), none in the last $((r - last_busy)) rounds (per round:$per_round)"

	# No office answers one address more than LIMIT times in any hour:
	# every window of an hour starting at an answer (workflow emails to
	# officials are not answers and are not limited).
	for x in a b; do
		worst=$(sql $x/dispo.db "select coalesce(max(n), 0) || ' ' || coalesce(to_addr, '-') from (select o1.to_addr,
			(select count(*) from outbox o2 where o2.to_addr = o1.to_addr and o2.kind <> 'workflow'
			 and o2.created_at >= o1.created_at and o2.created_at < o1.created_at + 3600) n
			from outbox o1 where o1.kind <> 'workflow')")
		[ "${worst%% *}" -le $LIMIT ] ||
			fail "$name: office $x answered ${worst#* } ${worst%% *} times within an hour (limit $LIMIT)"
		echo "$name: office $x: the most answers to one address within an hour: ${worst%% *}"
	done
	ok "$name: no address is answered more than $LIMIT times in any hour"

	# Out-of-office mail opens no request and decides nothing: each office
	# holds exactly its seed's request, still at the first step.
	for x in a b; do
		expect_exit 0 X $x requests list --format json
		jq -e 'length == 1 and .[0].state == "disposisi_kadin"
			and (.[0].applicant | startswith("budi.santoso@"))' "$WORK/out" >/dev/null ||
			{ cat "$WORK/out" >&2; fail "$name: office $x: a request was opened or moved by an auto-reply"; }
		n=$(sql $x/dispo.db "select count(*) from events e join messages m on m.id = e.message_id
			where m.message_id like 'oof%' and e.kind in ('approve', 'forward', 'continue', 'reject', 'return', 'done', 'corrected',
			'note', 'address_confirmed')")
		[ "$n" = 0 ] || fail "$name: office $x: $n decisions made by out-of-office mail"
	done
	ok "$name: no out-of-office opened or moved a request"

	# Every email either office sent says it is automatic, so the RFC 3834
	# responder never answered; and mail crossed both ways, unanswered.
	for f in a-sent/* b-sent/*; do
		case $(hdr Auto-Submitted "$f") in auto-*) ;; *) fail "$name: $f is not marked Auto-Submitted" ;; esac
	done
	[ $oof_rfc = 0 ] || fail "$name: the RFC 3834 responder answered $oof_rfc times"
	ab=$(sql b/dispo.db "select count(*) from messages where from_addr = '$A_BOX' and kind = 'auto_reply'")
	ba=$(sql a/dispo.db "select count(*) from messages where from_addr = '$B_BOX' and kind = 'auto_reply'")
	[ "$ab" -ge 1 ] && [ "$ba" -ge 1 ] || fail "$name: the offices did not write to each other ($ab, $ba)"
	n=$(sql a/dispo.db "select count(*) from outbox where to_addr = '$B_BOX' and kind <> 'workflow'")
	[ "$n" -le 1 ] || fail "$name: Kudus answered Jepara's dispo $n times"
	n=$(sql b/dispo.db "select count(*) from outbox where to_addr = '$A_BOX' and kind <> 'workflow'")
	[ "$n" = 0 ] || fail "$name: Jepara answered Kudus's dispo $n times"
	ok "$name: all $(ls a-sent b-sent | grep -c eml) emails of dispo are Auto-Submitted; $ab of Kudus's reached Jepara's dispo and $ba went back, none answered"
	cd "$WORK" || exit 99
}
BOUND=36

# Mail that moves fast (1 to 5 minutes a hop) for over two hours: every
# responder's answer comes well within the hour the limit counts.
run fast 48 20 1 5 2 4 3
# Mail that moves slowly (a queue, greylisting: 25 minutes a hop) for ten
# hours: fewer hops an hour than LIMIT, so an hourly limit alone never
# stops a loop; the exchange must still die out.
run slow 24 6 25
