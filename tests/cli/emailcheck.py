#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
# emailcheck.py: reads the emails dispo wrote as the people who get them
# would, and prints one line for each thing an office would not send:
#   emailcheck.py [--register CSV] FILE...
# Exit 0 when there is nothing to say, 1 otherwise. What it asks of every
# email (tests/cli/test-emails.sh runs it over the demo and more):
#   - a text/plain part in UTF-8 and format=flowed, no line wider than 72
#     columns unless it is one word, the signature after "-- " (with its
#     space) and never a bare "--";
#   - From named by the office, never "dispo", and "dispo" nowhere in what
#     is read; no internal code (a word_with_underscores) in the subject,
#     the text or the HTML's text;
#   - the greeting as the register addresses its recipient ("Yth. Bapak
#     Agus Prasetyo,", "Dear Ms Sri Wahyuningsih,"), "Bapak/Ibu" only for
#     someone it does not know;
#   - a subject that reads naturally: no word twice in a row;
#   - every attachment named in the text, and in the HTML when there is one;
#   - an email that asks an official for a command word (it lists them and
#     its Reply-To carries a token) has an HTML alternative with one mailto:
#     button per command listed, each to that Reply-To address with the
#     command word as its body.
import csv
import email
import html.parser
import re
import sys
import unicodedata
import urllib.parse
from email import policy

PREFIX_TITLES = {"prof", "dr", "drs", "dra", "ir", "drg", "drh", "h", "hj", "kh", "ns", "apt",
                 "ners"}


def bare_name(name):
    name = name.split(",", 1)[0].split()
    while len(name) > 1 and name[0].lower().rstrip(".") in PREFIX_TITLES and (
            name[0].endswith(".") or name[0].lower() == "dr"):
        name.pop(0)
    return " ".join(name)


def salutation(name, nip, lang):
    gender = nip[14] if len(nip) == 18 and nip.isdigit() else ""
    bare = bare_name(name)
    if lang == "en":
        return {"1": "Mr " + bare, "2": "Ms " + bare}.get(gender, bare)
    return {"1": "Bapak ", "2": "Ibu "}.get(gender, "Bapak/Ibu ") + bare


def width(line):
    return sum(0 if unicodedata.combining(c) else
               2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line)


class HtmlText(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.text, self.links, self._skip = [], [], 0

    def handle_starttag(self, tag, attrs):
        if tag in ("style", "title", "head"):
            self._skip += 1
        if tag == "a":
            self.links.append(dict(attrs).get("href", ""))

    def handle_endtag(self, tag):
        if tag in ("style", "title", "head"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.text.append(data)


def unflow(text):
    out = []
    for line in text.split("\n"):
        if line.startswith(" "):
            line = line[1:]
        if out and out[-1].endswith(" ") and out[-1] != "-- ":
            out[-1] += line
        else:
            out.append(line)
    return "\n".join(out)


def codes(text, names):
    for n in names:
        text = text.replace(n, "")
    text = re.sub(r"\S+@\S+|\w+://\S+|mailto:\S+|\S+\.[A-Za-z0-9]{2,4}\b", "", text)
    return re.findall(r"\b[a-z][a-z0-9]*_[a-z0-9_]+\b", text)


def check(path, register):
    problems = []

    def say(what):
        problems.append("%s: %s" % (path, what))

    with open(path, "rb") as f:
        msg = email.message_from_binary_file(f, policy=policy.default)
    subject = " ".join(str(msg["Subject"] or "").split())
    sender = msg["From"]
    to = str(msg["To"] or "").strip().lower()
    reply_to = str(msg["Reply-To"] or "").strip()
    text_part = html_part = None
    names = []
    for part in msg.walk():
        if part.is_multipart():
            continue
        if part.get_filename():
            names.append(part.get_filename())
        elif part.get_content_type() == "text/plain" and text_part is None:
            text_part = part
        elif part.get_content_type() == "text/html" and html_part is None:
            html_part = part
    if text_part is None:
        say("no text/plain part")
        return problems
    if (text_part.get_param("format") or "").lower() != "flowed":
        say("the text is not format=flowed")
    if (text_part.get_content_charset() or "").lower() != "utf-8":
        say("the text is not UTF-8")
    raw = text_part.get_payload(decode=True).decode("utf-8").replace("\r\n", "\n")
    for i, line in enumerate(raw.split("\n"), 1):
        content = line.rstrip(" ") if line != "-- " else line
        if width(content) > 72 and len(content.split()) > 1:
            say("line %d is %d columns wide: %s" % (i, width(content), content))
        if line == "--":
            say("line %d is a signature separator without its space" % i)
    if "\n-- \n" not in "\n" + raw:
        say("no signature separator '-- '")
    text = unflow(raw)

    display = sender.addresses[0].display_name if sender and sender.addresses else ""
    if not display:
        say("From has no name")
    if re.search(r"\bdispo\b", display, re.I):
        say("From is named '%s'" % display)
    html_text, links = "", []
    if html_part is not None:
        parser = HtmlText()
        parser.feed(html_part.get_payload(decode=True).decode("utf-8"))
        html_text, links = " ".join(" ".join(parser.text).split()), parser.links
    for where, what in (("subject", subject), ("text", text), ("HTML", html_text)):
        if re.search(r"\bdispo\b", re.sub(r"\S+@\S+", "", what), re.I):
            say("the %s names dispo" % where)
        found = codes(what, names)
        if found:
            say("the %s shows internal codes: %s" % (where, ", ".join(sorted(set(found)))))

    first = text.split("\n", 1)[0]
    m = re.match(r"^(Yth\.|Dear) (.+),$", first)
    if not m:
        say("no greeting on the first line: %s" % first)
    else:
        lang = "en" if m.group(1) == "Dear" else "id"
        who = register.get(to)
        if who:
            want = salutation(who["nama"], who["nip"], lang)
            if m.group(2) != want:
                say("greets '%s', the register says '%s'" % (m.group(2), want))
    words = [w.strip("[]():,.").lower() for w in subject.split()]
    for a, b in zip(words, words[1:]):
        if a and a == b:
            say("the subject says '%s' twice: %s" % (a, subject))
    joined = " ".join(text.split())
    for n in names:
        if " ".join(n.split()) not in joined:
            say("the text does not list its attachment '%s'" % n)
        if html_part is not None and " ".join(n.split()) not in html_text:
            say("the HTML does not list its attachment '%s'" % n)

    listed = set()
    for line in text.split("\n"):
        cm = re.match(r"^\s+([A-Z]{3,})(\s|$)", line)
        if cm and ":" not in line and not re.search(r"<(catatan|note|text)>", line):
            listed.add(cm.group(1))
    token = re.match(r"^[^@+]+\+[^@]+@", reply_to)
    if listed and token:
        if html_part is None:
            say("asks for %s but has no HTML part to tap" % ", ".join(sorted(listed)))
        else:
            buttons = set()
            for href in links:
                if not href.startswith("mailto:") or "?" not in href:
                    continue
                addr, query = href[len("mailto:"):].split("?", 1)
                q = urllib.parse.parse_qs(query)
                body = (q.get("body") or [""])[0]
                if addr != reply_to:
                    say("a button writes to %s, not to %s" % (addr, reply_to))
                if not q.get("subject"):
                    say("a button's email has no subject")
                buttons.add(body.split(" ", 1)[0])
            if buttons != listed:
                say("the buttons %s are not the commands listed %s" %
                    (sorted(buttons), sorted(listed)))
    return problems


def main():
    args = sys.argv[1:]
    register = {}
    if args[:1] == ["--register"]:
        with open(args[1], newline="", encoding="utf-8") as f:
            for row in csv.DictReader(f):
                register.setdefault(row["email"].lower(), row)
        args = args[2:]
    problems = []
    for path in args:
        problems += check(path, register)
    for p in problems:
        print(p)
    return 1 if problems else 0


sys.exit(main())
