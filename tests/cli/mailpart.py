#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
# mailpart.py: prints one part of an email as a reader sees it, for the
# shell tests. mailpart.py [--html | --flowed | --unflow] FILE
#   (default) the text/plain part, transfer-decoded, lines as sent
#   --unflow  the text/plain part as a format=flowed reader shows it (RFC
#             3676: stuffing removed, soft breaks joined), and an item or
#             value that dispo wrapped under its own start on one line
#   --html    the text/html part
#   --names   the attachments' file names, one a line
#   --readable the header fields decoded, a blank line, then --unflow's text
import email
import re
import sys
from email import policy


def indent(s):
    return len(s) - len(s.lstrip(" "))


def continuation_indent(line):
    """Where src/lib/text.c goes on with a line it breaks: under the text
    of "  - item" or "  1. item", under the value of "  Label: value",
    else at the line's own indentation (0: a paragraph, broken softly)."""
    lead = indent(line)
    if not lead:
        return 0
    m = re.match(r" *(?:[-*]|[0-9]{1,3}[.)]) ", line)
    if m:
        return m.end()
    colon = line.find(":", lead, lead + 24)
    if colon >= 0 and line[colon + 1:colon + 2] == " ":
        value = colon + 1 + indent(line[colon + 1:])
        return value if value <= 36 else lead  # text.c: at most half the width
    return lead


def main():
    args = sys.argv[1:]
    mode = args.pop(0) if args and args[0].startswith("--") else ""
    with open(args[0], "rb") as f:
        msg = email.message_from_binary_file(f, policy=policy.default)
    if mode == "--names":
        for part in msg.walk():
            if part.get_filename():
                print(part.get_filename())
        return 0
    if mode == "--readable":
        for name, value in msg.items():
            print("%s: %s" % (name, " ".join(str(value).split())))
        print()
        mode = "--unflow"
    want = "text/html" if mode == "--html" else "text/plain"
    for part in msg.walk():
        if part.get_content_type() == want and not part.get_filename():
            text = part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")
            text = text.replace("\r\n", "\n")
            if mode == "--unflow":
                out, lines = [], text.split("\n")
                for line in lines:
                    if line.startswith(" "):
                        line = line[1:]
                    soft = line.endswith(" ") and line != "-- "
                    if out and out[-1][1]:
                        out[-1] = (out[-1][0] + line, soft)
                    else:
                        out.append((line, soft))
                # A line dispo broke by hand (hard breaks, see
                # continuation_indent in src/lib/text.c) is read as one: a
                # line at the indentation dispo continues its first line
                # with, whose first word did not fit on the line above (72
                # columns, one of them the stuffing space).
                joined, last, cont = [], "", -1
                for line, _ in out:
                    words = line.split()
                    if (words and cont > 0 and indent(line) == cont
                            and len(last) + 2 + len(words[0]) > 72):
                        joined[-1] = joined[-1] + " " + line.strip()
                    else:
                        joined.append(line)
                        cont = continuation_indent(line)
                    last = line
                text = "\n".join(joined)
            sys.stdout.write(text)
            return 0
    sys.stderr.write("mailpart.py: %s has no %s part\n" % (args[0], want))
    return 1


sys.exit(main())
