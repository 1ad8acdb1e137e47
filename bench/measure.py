#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
# measure.py: runs a command (its standard output to /dev/null, or to the
# file after -o) and prints "SECONDS PEAK-RSS-KB" of it: the wall time and
# the child's own peak resident set, from wait4(2), for the benchmarks.
#   measure.py [-o FILE] [-n RUNS] COMMAND ARGS...  (with -n, the best of RUNS)
import os
import sys
import time


def once(argv, out):
    t0 = time.monotonic()
    pid = os.fork()
    if pid == 0:
        fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.dup2(fd, 1)
        try:
            os.execvp(argv[0], argv)
        finally:
            os._exit(127)
    _, status, ru = os.wait4(pid, 0)
    secs = time.monotonic() - t0
    if os.waitstatus_to_exitcode(status) != 0:
        sys.stderr.write("measure.py: %s exited %d\n" % (argv[0], os.waitstatus_to_exitcode(status)))
        sys.exit(1)
    return secs, ru.ru_maxrss


def main():
    a = sys.argv[1:]
    out, runs = os.devnull, 1
    while a and a[0] in ("-o", "-n"):
        if a[0] == "-o":
            out = a[1]
        else:
            runs = int(a[1])
        a = a[2:]
    best = min((once(a, out) for _ in range(runs)), key=lambda r: r[0])
    print("%.6f %d" % best)


main()
