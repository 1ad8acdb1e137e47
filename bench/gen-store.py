#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
# gen-store.py: a store the size of a province's decade, for bench-scale.sh.
#
#   gen-store.py seed DISPO CONF GEN-MAIL REGISTER N
#       N sample applications taken in by dispo itself (CONF's store), then
#       officials' replies, round after round, as the SOP goes: most are
#       issued (SELESAI with a serial at BSrE), one in 12 refused at the
#       Kasi's step, one in 50 left open at some step; notes (CATATAN) on
#       the way. Every row is dispo's own.
#   gen-store.py clone DB REQUESTS
#       copies the seed's requests, with everything that hangs from them
#       (messages, attachments, events, tokens, outbox, files, refusals,
#       certificates), until the store holds REQUESTS requests, each copy
#       shifted back in time so that they spread over ten years. Ids and
#       unique values are made new; the copies' audit hashes are the seed's
#       (the benchmark reads the store, it does not verify it).
import os
import sqlite3
import subprocess
import sys
import time

YEAR = 365 * 86400


def reply(token, addr, number, text, i):
    return (
        "From: <%s>\r\n"
        "To: <sertifikat+%s@kuduskab.go.id>\r\n"
        "Subject: RE: [%s] Mohon keputusan\r\n"
        "Message-ID: <seed-%d-%s@mail.kuduskab.go.id>\r\n"
        "X-Mailer: Microsoft Outlook 16.0\r\n"
        "MIME-Version: 1.0\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n\r\n"
        "%s\r\n\r\nSalam,\r\n\r\n"
        "Dari: Layanan Sertifikat Elektronik <sertifikat+%s@kuduskab.go.id>\r\n"
        "Perihal: [%s] Mohon keputusan\r\n\r\nMohon keputusan atas permohonan %s.\r\n"
        % (addr, token, number, i, token, text, token, number, number)
    )


def seed(dispo, conf, gen_mail, register, n):
    d = os.path.dirname(os.path.abspath(conf))
    run = lambda *a: subprocess.run([dispo, "--config", conf] + list(a), check=True,
                                    stdout=subprocess.DEVNULL)
    subprocess.run([gen_mail, "register", str(n), register, os.path.join(d, "seed.csv")],
                   check=True)
    subprocess.run([gen_mail, "applications", str(n), os.path.join(d, "seed-apps")], check=True)
    run("employees", "import", os.path.join(d, "seed.csv"))
    run("import", "-q", "--no-send", os.path.join(d, "seed-apps"))
    db = sqlite3.connect(os.path.join(d, "data", "dispo.db"))
    steps = ["disposisi_kadin", "disposisi_kabid", "verifikasi_kasi", "kirim_bsre", "proses_bsre"]
    count = 0
    for rnd in range(12):
        rows = db.execute(
            "select t.token, t.address, r.number, r.id, t.step from tokens t"
            " join requests r on r.id = t.request_id"
            " where t.purpose = 'reply' and t.used_at is null"
            " and t.step = r.step order by r.id").fetchall()
        md = os.path.join(d, "seed-replies-%d" % rnd)
        for sub in ("new", "cur", "tmp"):
            os.makedirs(os.path.join(md, sub), exist_ok=True)
        wrote = 0
        for token, addr, number, rid, step in rows:
            at = steps.index(step) if step in steps else 0
            if rid % 50 == 0 and at >= rid // 50 % len(steps):
                continue  # left open here
            if rnd < 3 and rid % 3 != 2:
                text = "CATATAN berkas sudah saya terima, sedang diperiksa"
            elif step == "verifikasi_kasi" and rid % 12 == 5:
                text = "TOLAK Surat rekomendasi belum ditandatangani atasan"
            elif step == "proses_bsre":
                text = "SELESAI %04X-%04X-%04X" % (rid, rid * 7 % 65536, rid * 13 % 65536)
            else:
                text = "SETUJU"
            count += 1
            with open(os.path.join(md, "new", "%d.eml" % count), "w") as f:
                f.write(reply(token, addr, number, text, count))
            wrote += 1
        if not wrote:
            break
        run("import", "-q", "--no-send", md)
    db.close()


def columns(db, table):
    return [r[1] for r in db.execute("pragma table_info(%s)" % table)]


def unique_text(db, table):
    """The columns of a one-column unique index (or primary key) of TEXT."""
    types = {r[1]: r[2].upper() for r in db.execute("pragma table_info(%s)" % table)}
    out = set(r[1] for r in db.execute("pragma table_info(%s)" % table) if r[5] and r[2].upper() == "TEXT")
    for idx in db.execute("pragma index_list(%s)" % table):
        if idx[2]:
            cols = [c[2] for c in db.execute("pragma index_info(%s)" % idx[1])]
            if len(cols) == 1 and types.get(cols[0]) == "TEXT":
                out.add(cols[0])
    return out


def clone(path, target):
    db = sqlite3.connect(path)
    db.execute("pragma journal_mode = off")  # a generated store: nothing to roll back
    db.execute("pragma synchronous = off")
    db.execute("pragma cache_size = -262144")
    tables = ["messages", "attachments", "requests", "events", "tokens", "outbox",
              "request_files", "refusals", "certificates"]
    maxid = {t: db.execute("select coalesce(max(rowid), 0) from %s" % t).fetchone()[0]
             for t in tables}
    seeds = db.execute("select count(*) from requests").fetchone()[0]
    copies = -(-target // seeds) - 1  # beyond the seed itself
    if copies < 1:
        return
    span = db.execute("select max(created_at) - min(created_at) + 3600 from requests").fetchone()[0]
    step = max(span, 10 * YEAR // copies)
    # The named indexes go and come back after the load (one sort each
    # instead of a b-tree insert per row); the unique ones stay, they are
    # what keeps the copies apart.
    indexes = db.execute("select name, sql from sqlite_master where type = 'index'"
                         " and sql is not null and sql not like '%UNIQUE%'").fetchall()
    for name, _ in indexes:
        db.execute("drop index %s" % name)
    refs = {"request_id": "requests", "revoke_request_id": "requests",
            "message_id": "messages", "answers_message": "messages", "used_by": "messages",
            "outbox_id": "outbox"}
    for t in tables:
        cols = columns(db, t)
        uniq = unique_text(db, t)
        fks = {r[3]: r[2] for r in db.execute("pragma foreign_key_list(%s)" % t)}
        exprs = []
        for c in cols:
            if c == "id":
                e = "id + k * %d" % maxid[t]
            elif c in fks and fks[c] in maxid:
                e = "%s + k * %d" % (c, maxid[fks[c]])
            elif c == "number" and t == "requests":
                e = ("substr(number, 1, instr(number, '-')) ||"
                     " strftime('%%Y', created_at - k * %d, 'unixepoch') || '-' ||"
                     " printf('%%07d', id + k * %d)" % (step, maxid[t]))
            elif c == "applicant":
                e = "replace(applicant, '@', '.' || (k % 997) || '@')"
            elif c in uniq and "sha256" in c:
                e = "substr(%s, 1, 56) || printf('%%08x', k)" % c  # still 64 hex digits
            elif c in uniq:
                e = "%s || '.' || k" % c
            elif c == "at" or c.endswith("_at") or c in ("step_entered", "due_entered", "date"):
                e = "%s - k * %d" % (c, step)
            else:
                e = c
            exprs.append(e)
        if t == "certificates":
            # one certificate an employee: the copies are the same people's
            # earlier certificates, revoked before the next was issued
            exprs[cols.index("state")] = "'revoked'"
            exprs[cols.index("revoked_at")] = "issued_at - k * %d + 86400" % step
        sql = ("insert into %s (%s) select %s from (select :k as k), %s where %s.rowid <= %d"
               " order by %s.rowid" % (t, ", ".join(cols), ", ".join(exprs), t, t, maxid[t], t))
        t0 = time.monotonic()
        for k in range(1, copies + 1):
            db.execute(sql, {"k": k})
        db.commit()
        if os.environ.get("GEN_STORE_VERBOSE"):
            sys.stderr.write("gen-store: %s %.1f s\n" % (t, time.monotonic() - t0))
    for _, sql in indexes:
        db.execute(sql)
    db.commit()
    db.execute("pragma journal_mode = wal")
    db.close()


def main():
    a = sys.argv[1:]
    if len(a) == 6 and a[0] == "seed":
        seed(a[1], a[2], a[3], a[4], int(a[5]))
    elif len(a) == 3 and a[0] == "clone":
        clone(a[1], int(a[2]))
    else:
        sys.stderr.write(__doc__ if __doc__ else "usage: see the header of gen-store.py\n")
        return 64
    return 0


sys.exit(main())
