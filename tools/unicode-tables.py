#!/usr/bin/env python3
"""Writes the character data that the Python-faithful text functions use (PyUnicode.java).

Run it with the Python whose behaviour a profile reproduces; upstream's rewards ran under CPython 3.11,
whose unicodedata is Unicode 14.0.0:

    python3.11 tools/unicode-tables.py > java/core/src/main/resources/io/github/vrft/answer/unicode-data.txt

Every table is taken from that interpreter's own str methods, not from the JDK, so the scores do not
change when the JDK's Unicode version does. Another Python version is chosen by running this script
with it (the file records the version it came from).
"""
import sys
import unicodedata

MAX = 0x110000


def chars():
    for cp in range(MAX):
        if 0xD800 <= cp <= 0xDFFF:
            continue
        yield cp, chr(cp)


def ranges(pred):
    out = []
    start = None
    prev = None
    for cp, c in chars():
        if pred(c):
            if start is not None and cp == prev + 1:
                prev = cp
                continue
            if start is not None:
                out.append((start, prev))
            start = prev = cp
    if start is not None:
        out.append((start, prev))
    return out


def valued_ranges(pred, value):
    """Ranges of consecutive code points whose values are consecutive too."""
    out = []
    for cp, c in chars():
        if not pred(c):
            continue
        v = value(c)
        if out and out[-1][1] == cp - 1 and out[-1][2] + (cp - out[-1][0]) == v:
            out[-1][1] = cp
        else:
            out.append([cp, cp, v])
    return out


def cased(c):
    return c.islower() or c.isupper() or c.istitle()


def case_ignorable(c):
    # CPython's lower() applies Final_Sigma with its own Cased and Case_Ignorable flags:
    # "A" c "Σ" lowers to final sigma iff c is ignorable or cased; "1" c "Σ" iff c is cased and not ignorable.
    a = ("A" + c + "\u03a3").lower()[-1] == "\u03c2"
    one = ("1" + c + "\u03a3").lower()[-1] == "\u03c2"
    return a and not one


def main():
    w = sys.stdout.write
    w("# Character data of CPython %s (unicodedata %s), written by tools/unicode-tables.py.\n"
      % (sys.version.split()[0], unicodedata.unidata_version))
    w("version %s %s\n" % (unicodedata.unidata_version, sys.version.split()[0]))
    for a, b, v in valued_ranges(str.isdecimal, unicodedata.decimal):
        w("decimal %x %x %d\n" % (a, b, v))
    for a, b, v in valued_ranges(lambda c: c.isdigit() and not c.isdecimal(), unicodedata.digit):
        w("digit %x %x %d\n" % (a, b, v))
    for a, b in ranges(str.isspace):
        w("space %x %x\n" % (a, b))
    for a, b in ranges(str.isalpha):
        w("alpha %x %x\n" % (a, b))
    for a, b in ranges(lambda c: c.isalnum() and not c.isalpha()):
        w("numeric %x %x\n" % (a, b))
    for a, b in ranges(cased):
        w("cased %x %x\n" % (a, b))
    for a, b in ranges(case_ignorable):
        w("ignorable %x %x\n" % (a, b))
    for cp, c in chars():
        if cp == 0x3A3:
            continue  # capital sigma: the Final_Sigma rule decides
        lo = c.lower()
        if lo != c:
            w("lower %x %s\n" % (cp, " ".join("%x" % ord(x) for x in lo)))
    for cp, c in chars():
        up = c.upper()
        if up != c:
            w("upper %x %s\n" % (cp, " ".join("%x" % ord(x) for x in up)))


if __name__ == "__main__":
    main()
