#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
# py-floor.py: what a home-made office script does with the same mail, for
# bench-intake.sh: Python's email package parses each file of a Maildir (or
# each file named) and decodes every part, nothing stored.
#   py-floor.py DIR-OR-FILE...   prints "files BYTES seconds"
import email
import os
import sys
import time
from email import policy


def files(paths):
    for p in paths:
        if os.path.isdir(p):
            for sub in ("new", "cur"):
                d = os.path.join(p, sub)
                if os.path.isdir(d):
                    for n in os.listdir(d):
                        if not n.startswith("."):
                            yield os.path.join(d, n)
        else:
            yield p


def main():
    t0 = time.monotonic()
    count = size = 0
    for path in files(sys.argv[1:]):
        with open(path, "rb") as f:
            msg = email.message_from_binary_file(f, policy=policy.default)
        size += os.path.getsize(path)
        for part in msg.walk():
            if not part.is_multipart():
                part.get_payload(decode=True)
        count += 1
    print("%d %d %.6f" % (count, size, time.monotonic() - t0))
    return 0 if count else 1


sys.exit(main())
