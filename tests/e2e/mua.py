#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
# mua.py: the people of tests/e2e/test-e2e.sh and their mail programs. It
# writes what they send, CRLF and ready for SMTP DATA, and reads what they
# received as their client would:
#   mua.py documents DIR     the applicant's files: a letter PDF, a KTP scan
#                            (JPEG, by pdftoppm) and a recommendation PDF
#   mua.py application FROM NAME NIP NIK MSGID FILE...   Thunderbird: the
#                            form in a flowed text part, the files attached
#   mua.py reply STYLE FROM RECEIVED TEXT MSGID [TO]     an answer to the
#                            email RECEIVED, to its Reply-To (or TO), as the
#                            client STYLE writes one: outlook (Indonesian),
#                            gmail, html (HTML only, webmail), iphone,
#                            samsung, thunderbird
#   mua.py fresh FROM SUBJECT TEXT MSGID   a new email (no thread)
#   mua.py notice KIND NIK EMAIL SERIAL MSGID KEY   BSrE's notice (KIND
#                            terbit or dicabut), DKIM-signed (d=bsre.go.id,
#                            s=e2e) with the RSA key in KEY, by openssl
#   mua.py dkim-record KEY   the DNS TXT record that publishes KEY's half
#   mua.py check FILE TO TAG [--attach NAME=PATH | --attach NAME=pdf]...
#          [--attach-from LIST] (LIST: paths, one a line, each attached
#          under its own name with the same bytes)
#          [--in-reply-to ID] [--references ID]... [--token | --no-token]
#                            what a recipient sees: exit 1 and one line per
#                            thing that is not as expected
#   mua.py header FILE NAME  one header field, decoded
import base64
import email
import hashlib
import re
import subprocess
import sys
import textwrap
import time
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime, formatdate, getaddresses, localtime, parseaddr

OFFICE = "sertifikat@kuduskab.go.id"
SMTP = policy.SMTP.clone(max_line_length=998)


def read(path):
    with open(path, "rb") as f:
        return email.message_from_binary_file(f, policy=policy.default)


def text_of(msg):
    """The text/plain part as a reader sees it (not an attachment)."""
    part = msg.get_body(preferencelist=("plain",))
    return part.get_content().replace("\r\n", "\n") if part else ""


def html_of(msg):
    part = msg.get_body(preferencelist=("html",))
    return part.get_content() if part else ""


def write(msg):
    sys.stdout.buffer.write(msg.as_bytes(policy=SMTP))


def now():
    return localtime()


# ---- the applicant's documents ------------------------------------------------

def pdf(lines):
    """A one-page PDF with text, its cross-reference table right."""
    stream = "BT /F1 11 Tf 56 780 Td 14 TL\n" + "".join(
        "(%s) '\n" % l.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        for l in lines) + "ET\n"
    objs = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        "/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        "<< /Length %d >>\nstream\n%sendstream" % (len(stream), stream),
    ]
    out = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"
    offsets = []
    for i, o in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (i, o.encode("latin-1"))
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return out


def documents(directory):
    letters = {
        "Surat Permohonan Sertifikat Elektronik.pdf": [
            "Kepada Yth. Kepala Dinas Komunikasi dan Informatika Kabupaten Kudus",
            "Perihal: Permohonan Penerbitan Sertifikat Elektronik",
            "Dengan hormat, saya yang bertanda tangan di bawah ini",
            "Nama: Budi Santoso, S.Kom.  NIP: 198503122010011004",
            "mengajukan permohonan penerbitan sertifikat elektronik BSrE."],
        "Surat Rekomendasi Kepala Dinas Kesehatan.pdf": [
            "Surat Rekomendasi", "Kepala Dinas Kesehatan Kabupaten Kudus",
            "merekomendasikan Budi Santoso, S.Kom. untuk sertifikat elektronik."],
        "Surat Permohonan Pencabutan.pdf": [
            "Perihal: Permohonan Pencabutan Sertifikat Elektronik",
            "Nama: Budi Santoso, S.Kom.  Alasan: pindah tugas"],
        "ktp.pdf": ["REPUBLIK INDONESIA - KARTU TANDA PENDUDUK",
                    "NIK 3319011203850001", "Nama BUDI SANTOSO"],
    }
    for name, lines in letters.items():
        with open("%s/%s" % (directory, name), "wb") as f:
            f.write(pdf(lines))
    # A phone's photo of the KTP: a JPEG, as the scan usually is.
    subprocess.run(["pdftoppm", "-jpeg", "-r", "40", "-singlefile", "%s/ktp.pdf" % directory,
                    "%s/Scan KTP Budi" % directory], check=True)
    return 0


def application(sender, name, nip, nik, msgid, files):
    msg = EmailMessage()
    msg["From"] = "%s <%s>" % (name, sender)
    msg["To"] = "Layanan Sertifikat <%s>" % OFFICE
    revoke = any("Pencabutan" in f for f in files)
    msg["Subject"] = ("Permohonan Pencabutan Sertifikat Elektronik" if revoke
                      else "Permohonan Penerbitan Sertifikat Elektronik")
    msg["Message-ID"] = "<%s>" % msgid
    msg["Date"] = format_datetime(now())
    msg["User-Agent"] = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:115.0) Gecko/20100101 Thunderbird/115.6.0"
    msg["Content-Language"] = "id"
    form = ["Nama: %s" % name, "NIP: %s" % nip]
    if not revoke:
        form.append("NIK: %s" % nik)
    form += ["Jabatan: Pranata Komputer Ahli Pertama", "Unit Kerja: Dinas Kesehatan"]
    form.append("Alasan pencabutan: pindah tugas" if revoke else "Email dinas: %s" % sender)
    body = "Yth. Layanan Sertifikat Elektronik,\n\n%s\n\n%s\n\nTerima kasih.\n\n-- \n%s\n" % (
        "Dengan ini saya mengajukan permohonan %s sertifikat elektronik dengan data "
        "sebagai berikut dan berkas terlampir." % ("pencabutan" if revoke else "penerbitan"),
        "\n".join(form), name)
    msg.set_content(flowed(body), subtype="plain", charset="utf-8", cte="8bit",
                    params={"format": "flowed"})
    for path in files:
        with open(path, "rb") as f:
            data = f.read()
        sub = "jpeg" if path.endswith(".jpg") else "pdf"
        maintype = "image" if sub == "jpeg" else "application"
        msg.add_attachment(data, maintype=maintype, subtype=sub, filename=path.rsplit("/", 1)[1])
    write(msg)
    return 0


def flowed(text):
    """RFC 3676, as Thunderbird sends it: soft breaks at 72."""
    out = []
    for line in text.split("\n"):
        if line == "-- " or len(line) <= 72:
            out.append(line)
            continue
        parts = textwrap.wrap(line, 71, break_long_words=False, break_on_hyphens=False)
        out += [p + " " for p in parts[:-1]] + [parts[-1]]
    return "\n".join(out)


# ---- answers ------------------------------------------------------------------

ID_DAYS = ["Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"]
ID_DAYS_SHORT = ["Sen", "Sel", "Rab", "Kam", "Jum", "Sab", "Min"]
ID_MONTHS = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
             "September", "Oktober", "November", "Desember"]


def thread(msg, orig, to, sender, msgid, subject_prefix="Re: "):
    subject = str(orig["Subject"])
    msg["From"] = sender
    msg["To"] = to
    msg["Subject"] = subject if re.match(r"(?i)re:", subject) else subject_prefix + subject
    msg["Date"] = format_datetime(now())
    msg["Message-ID"] = "<%s>" % msgid
    msg["In-Reply-To"] = orig["Message-ID"]
    refs = str(orig.get("References", "")).split()
    msg["References"] = " ".join(refs + [str(orig["Message-ID"])])


def reply(style, sender, received, text, msgid, to=None):
    orig = read(received)
    to = to or str(orig["Reply-To"])
    office_name, office = parseaddr(str(orig["From"]))
    quoted = text_of(orig).rstrip("\n")
    d = localtime(email.utils.parsedate_to_datetime(str(orig["Date"])))
    # The signature: the sender's name as its address spells it.
    name = " ".join(w.capitalize() for w in sender.split("@")[0].split("."))
    msg = EmailMessage()
    if style == "outlook":
        # Outlook 2016 in Indonesian: the command, the signature, then the
        # original under a rule and its Dari:/Dikirim:/Kepada:/Perihal:.
        thread(msg, orig, to, sender, msgid, "RE: ")
        msg["X-Mailer"] = "Microsoft Outlook 16.0"
        msg["Thread-Index"] = "AdnX" + base64.b64encode(msgid.encode()[:16]).decode()
        msg["Content-Language"] = "id-ID"
        header = ("Dari: %s <%s>\nDikirim: %s, %d %s %d %02d.%02d\nKepada: %s\nPerihal: %s" % (
            office_name, office, ID_DAYS[d.weekday()], d.day, ID_MONTHS[d.month - 1], d.year,
            d.hour, d.minute, sender, orig["Subject"]))
        plain = "%s\n\nSalam,\n%s\nDinas Kominfo Kab. Kudus\n\n" \
                "________________________________\n%s\n\n%s\n" % (text, name, header, quoted)
        html = ("<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=utf-8\">"
                "</head><body lang=\"ID\"><div class=\"WordSection1\"><p class=\"MsoNormal\">%s</p>"
                "<p class=\"MsoNormal\">Salam,<br>%s</p><div style=\"border:none;"
                "border-top:solid #E1E1E1 1.0pt\"><p class=\"MsoNormal\"><b>Dari:</b> %s<br><b>"
                "Perihal:</b> %s</p></div><pre>%s</pre></div></body></html>" % (
                    esc(text), esc(name), esc(office), esc(str(orig["Subject"])), esc(quoted)))
        msg.set_content(plain, charset="utf-8", cte="quoted-printable")
        msg.add_alternative(html, subtype="html", charset="utf-8", cte="quoted-printable")
    elif style == "gmail":
        thread(msg, orig, to, sender, msgid)
        on = "Pada %s, %d %s %d pukul %02d.%02d %s <%s> menulis:" % (
            ID_DAYS_SHORT[d.weekday()], d.day, ID_MONTHS[d.month - 1][:3], d.year, d.hour,
            d.minute, office_name, office)
        plain = "%s\n\nSalam,\n%s\n\n%s\n\n%s\n" % (
            text, name, on, "\n".join(("> " + l) if l else ">" for l in quoted.split("\n")))
        html = ("<div dir=\"ltr\">%s<div><br></div><div>Salam,</div><div>%s</div></div><br>"
                "<div class=\"gmail_quote\"><div dir=\"ltr\" class=\"gmail_attr\">%s<br></div>"
                "<blockquote class=\"gmail_quote\" style=\"margin:0px 0px 0px 0.8ex;border-left:"
                "1px solid rgb(204,204,204);padding-left:1ex\">%s</blockquote></div>" % (
                    esc(text), esc(name), esc(on), esc(quoted).replace("\n", "<br>")))
        msg.set_content(plain, charset="utf-8", cte="quoted-printable")
        msg.add_alternative(html, subtype="html", charset="utf-8", cte="quoted-printable")
    elif style == "html":
        # Webmail that sends HTML only (Zimbra, Outlook on the web).
        thread(msg, orig, to, sender, msgid)
        msg["User-Agent"] = "Zimbra 8.8.15_GA (ZimbraWebClient - GC119 (Win)/8.8.15_GA)"
        html = ("<html><body><div style=\"font-family: arial; font-size: 12pt\"><div>%s</div>"
                "<div><br></div><div>%s</div><hr id=\"zwchr\"><div><b>Dari: </b>%s"
                "<br><b>Kepada: </b>%s<br><b>Terkirim: </b>%s<br><b>Perihal: </b>%s<br></div>"
                "<br><blockquote style=\"border-left:2px solid #1010FF\">%s</blockquote></div>"
                "</body></html>" % (
                    esc(text), esc(name), esc(str(orig["From"])), esc(sender),
                    esc(str(orig["Date"])),
                    esc(str(orig["Subject"])), esc(html_of(orig) or quoted)))
        msg.set_content(html, subtype="html", charset="utf-8", cte="quoted-printable")
    elif style == "iphone":
        thread(msg, orig, to, sender, msgid)
        msg["X-Mailer"] = "iPhone Mail (20H240)"
        on = "Pada %d %s %d, pukul %02d.%02d, %s <%s> menulis:" % (
            d.day, ID_MONTHS[d.month - 1][:3], d.year, d.hour, d.minute, office_name, office)
        plain = "%s\n\nDikirim dari iPhone saya\n\n> %s\n> \n%s\n" % (
            text, on, "\n".join("> " + l for l in quoted.split("\n")))
        msg.set_content(plain, charset="utf-8", cte="quoted-printable")
    elif style == "samsung":
        thread(msg, orig, to, sender, msgid)
        plain = ("%s\n\n\n\nDikirim dari perangkat Samsung Galaxy saya\n\n\n"
                 "-------- Pesan asli --------\nDari: %s <%s>\nTanggal: %02d/%02d/%d %02d.%02d "
                 "(GMT+07:00)\nKe: %s\nPerihal: %s\n\n%s\n" % (
                     text, office_name, office, d.day, d.month, d.year, d.hour, d.minute,
                     sender, orig["Subject"], quoted))
        msg.set_content(plain, charset="utf-8", cte="base64")
    elif style == "thunderbird":
        thread(msg, orig, to, sender, msgid)
        msg["User-Agent"] = "Mozilla Thunderbird"
        on = "Pada %02d/%02d/%02d %02d.%02d, %s menulis:" % (
            d.day, d.month, d.year % 100, d.hour, d.minute, office_name)
        plain = "%s\n\n%s\n%s\n" % (text, on, "\n".join(("> " + l) if l else ">"
                                                      for l in quoted.split("\n")))
        msg.set_content(flowed(plain), charset="utf-8", cte="8bit", params={"format": "flowed"})
    else:
        sys.stderr.write("mua.py: no client style %s\n" % style)
        return 2
    write(msg)
    return 0


def esc(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def fresh(sender, subject, text, msgid):
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = OFFICE
    msg["Subject"] = subject
    msg["Date"] = format_datetime(now())
    msg["Message-ID"] = "<%s>" % msgid
    msg["X-Mailer"] = "iPhone Mail (20H240)"
    msg.set_content("%s\n\nDikirim dari iPhone saya\n" % text, charset="utf-8",
                    cte="quoted-printable")
    write(msg)
    return 0


# ---- BSrE ---------------------------------------------------------------------

def notice(kind, nik, address, serial, msgid, key):
    msg = EmailMessage()
    msg["From"] = "BSrE BSSN <noreply@bsre.go.id>"
    msg["To"] = OFFICE
    msg["Subject"] = ("Sertifikat Elektronik Telah Dicabut" if kind == "dicabut"
                      else "Sertifikat Elektronik Telah Terbit")
    msg["Date"] = formatdate(time.time(), localtime=True)
    msg["Message-ID"] = "<%s>" % msgid
    what = "telah dicabut" if kind == "dicabut" else "telah terbit"
    body = ("Yth. Bapak/Ibu,\n\nSertifikat elektronik atas nama berikut %s:\n\n"
            "Nama        : BUDI SANTOSO\nNIK         : %s\nEmail       : %s\n"
            "Nomor Seri  : %s\nBerlaku     : %s\n\n%s\n\nSalam,\nBalai Besar Sertifikasi "
            "Elektronik\n" % (
                what, nik, address, serial,
                "24 November 2026 s.d. 24 November 2028",
                "Sertifikat ini tidak dapat digunakan lagi." if kind == "dicabut" else
                "Silakan atur passphrase Anda melalui tautan yang dikirim terpisah."))
    msg.set_content(body, charset="utf-8", cte="quoted-printable")
    msg.add_alternative("<p>Sertifikat elektronik %s.</p>" % what, subtype="html",
                        charset="utf-8")
    raw = msg.as_bytes(policy=SMTP)
    sys.stdout.buffer.write(dkim_sign(raw, key))
    return 0


def relaxed_header(name, value):
    value = re.sub(r"[ \t]+", " ", value.replace("\r\n", "")).strip()
    return "%s:%s\r\n" % (name.lower().strip(), value)


def dkim_sign(raw, key, domain="bsre.go.id", selector="e2e"):
    """RFC 6376, relaxed/relaxed, rsa-sha256: what BSrE's MTA adds."""
    head, body = raw.split(b"\r\n\r\n", 1)
    lines = [re.sub(rb"[ \t]+", b" ", l).rstrip(b" \t") for l in body.split(b"\r\n")]
    while lines and lines[-1] == b"":
        lines.pop()
    cbody = b"".join(l + b"\r\n" for l in lines)
    bh = base64.b64encode(hashlib.sha256(cbody).digest()).decode()
    fields = []
    for line in head.decode().split("\r\n"):
        if line[:1] in (" ", "\t") and fields:
            fields[-1] = (fields[-1][0], fields[-1][1] + "\r\n" + line)
        else:
            name, _, value = line.partition(":")
            fields.append((name, value))
    signed = ["from", "to", "subject", "date", "message-id", "mime-version", "content-type"]
    have = {n.lower().strip(): v for n, v in fields}
    h = [n for n in signed if n in have]
    sig = ("v=1; a=rsa-sha256; c=relaxed/relaxed; d=%s; s=%s; t=%d; h=%s; bh=%s; b=" % (
        domain, selector, int(time.time()), ":".join(h), bh))
    data = "".join(relaxed_header(n, have[n]) for n in h)
    data += relaxed_header("DKIM-Signature", sig)[:-2]
    b = subprocess.run(["openssl", "dgst", "-sha256", "-sign", key], input=data.encode(),
                       stdout=subprocess.PIPE, check=True).stdout
    return ("DKIM-Signature: %s%s\r\n" % (sig, base64.b64encode(b).decode())).encode() + raw


def dkim_record(key):
    der = subprocess.run(["openssl", "rsa", "-in", key, "-pubout", "-outform", "DER"],
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, check=True).stdout
    print("v=DKIM1; k=rsa; p=%s" % base64.b64encode(der).decode())
    return 0


# ---- what a recipient sees ----------------------------------------------------

def check(path, to, tag, opts):
    msg = read(path)
    problems = []

    def want(ok, what):
        if not ok:
            problems.append("%s: %s" % (path, what))

    rcpt = [a.lower() for _, a in getaddresses([str(v) for v in msg.get_all("To", [])])]
    want(rcpt == [to.lower()], "To is %s, not %s" % (rcpt, to))
    want(parseaddr(str(msg["From"]))[1] == OFFICE, "From is %s" % msg["From"])
    subject = str(msg["Subject"])
    want(("[%s]" % tag) in subject if tag != "-" else not re.search(r"\[[A-Z]+-\d{4}-\d{6}\]", subject),
         "subject %r lacks the tag [%s]" % (subject, tag))
    want(msg["Auto-Submitted"] in ("auto-generated", "auto-replied"),
         "no Auto-Submitted (%s)" % msg["Auto-Submitted"])
    reply_to = parseaddr(str(msg.get("Reply-To", "")))[1]
    if opts.get("token") is True:
        want(re.fullmatch(r"sertifikat\+[a-z0-9]+@kuduskab\.go\.id", reply_to),
             "Reply-To %r carries no token" % reply_to)
    elif opts.get("token") is False:
        want(reply_to == OFFICE, "Reply-To %r should be the office's, without a token" % reply_to)
    got = {}
    for part in msg.iter_attachments():
        got[part.get_filename()] = part.get_content()
    want(sorted(got) == sorted(opts["attach"]),
         "attachments %s, want %s" % (sorted(got), sorted(opts["attach"])))
    for name, expect in opts["attach"].items():
        if name not in got:
            continue
        data = got[name] if isinstance(got[name], bytes) else got[name].encode()
        if expect == "pdf":
            want(data.startswith(b"%PDF-") and b"%%EOF" in data[-1024:], "%s is no PDF" % name)
        else:
            with open(expect, "rb") as f:
                sent = f.read()
            want(hashlib.sha256(data).digest() == hashlib.sha256(sent).digest(),
                 "%s is not the file the applicant sent (%d bytes, sent %d)" % (
                     name, len(data), len(sent)))
    irt = str(msg.get("In-Reply-To", "")).strip()
    if "in-reply-to" in opts:
        want(irt == "<%s>" % opts["in-reply-to"],
             "In-Reply-To %r, want <%s>" % (irt, opts["in-reply-to"]))
    refs = str(msg.get("References", "")).split()
    for r in opts["references"]:
        want("<%s>" % r in refs, "References %s lack <%s>" % (refs, r))
    if irt:
        want(refs and refs[-1] == irt, "References %s do not end with In-Reply-To %s" % (refs, irt))
    want(text_of(msg).strip() != "", "no text")
    for p in problems:
        print(p)
    return 1 if problems else 0


def main(argv):
    cmd, args = argv[0], argv[1:]
    if cmd == "documents":
        return documents(*args)
    if cmd == "application":
        return application(args[0], args[1], args[2], args[3], args[4], args[5:])
    if cmd == "reply":
        return reply(*args)
    if cmd == "fresh":
        return fresh(*args)
    if cmd == "notice":
        return notice(*args)
    if cmd == "dkim-record":
        return dkim_record(*args)
    if cmd == "header":
        v = read(args[0]).get(args[1])
        print("" if v is None else " ".join(str(v).split()))
        return 0
    if cmd == "check":
        path, to, tag = args[:3]
        opts = {"attach": {}, "references": []}
        rest = args[3:]
        while rest:
            o = rest.pop(0)
            if o == "--attach":
                name, _, expect = rest.pop(0).partition("=")
                opts["attach"][name] = expect
            elif o == "--attach-from":
                with open(rest.pop(0)) as f:
                    for line in f.read().splitlines():
                        opts["attach"][line.rsplit("/", 1)[-1]] = line
            elif o == "--in-reply-to":
                opts["in-reply-to"] = rest.pop(0).strip("<>")
            elif o == "--references":
                opts["references"].append(rest.pop(0).strip("<>"))
            elif o == "--token":
                opts["token"] = True
            elif o == "--no-token":
                opts["token"] = False
            else:
                sys.stderr.write("mua.py check: unknown option %s\n" % o)
                return 2
        return check(path, to, tag, opts)
    sys.stderr.write("mua.py: unknown command %s\n" % cmd)
    return 2


sys.exit(main(sys.argv[1:]))
