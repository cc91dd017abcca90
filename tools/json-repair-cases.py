#!/usr/bin/env python3
"""Writes the json_repair parity cases that JsonRepairTest replays.

Needs json_repair 0.41.1 importable (pip install json_repair==0.41.1, or PYTHONPATH at its src/):

    python3 tools/json-repair-cases.py > java/tests/src/test/resources/io/github/vrft/answer/json_repair_0.41.1.jsonl

Each line: {"text": T, "expected": str(json.loads(repair_json(T)))} for a text that json.loads rejects, from
random mutations (deleted, inserted and replaced characters; truncation) of the bbox lists VLM-R1's repetition
reward parses; and {"degenerate": NAME, "sha256": ...} for the long degenerate inputs that JsonRepairTest
builds itself (the hash of the expected str, which is too long to store).
"""
import hashlib
import json
import random
import sys

from json_repair import repair_json


ALPH = list('[]{}",:\'\u201c\u201d \n\\-./eE0123456789abtfnulr#*') + [
    'bbox_2d', 'label', '"bbox_2d"', '"label"', 'true', 'None', '...', '//', '/*', '*/', '\u00a0', '\U0001d7cf', '\u00e9']

DEGENERATE = {
    'dashes': '[' + '-' * 60000,
    'commas_in_value': '{"a": "' + ',' * 30000,
    'commas_in_str': '["' + ',' * 30000,
    'dup_keys': '[{' + '"a": 1, ' * 6000 + '}]',
    'quotes': '"' * 30000,
    'open_brackets': '[' * 2000,
    'open_braces': '{"a":' * 3000,
    'quote_comma': '[' + '"a", ' * 10000,
    'colons': '{' + ':' * 30000,
    'unclosed_labels': '[' + '{"bbox_2d": [1, 2, 3, 4], "label": "x' * 1200,
    'sq_mix': "[{'a': 'b" + "', 'c" * 8000,
    'backslashes': '["' + '\\' * 30000,
    'spaces_key': '{"a ' + ' ' * 30000,
    'objs_no_comma': '[' + '{"bbox_2d": [1,2,3,4] "label": "a"}' * 1500,
}


def expected(text):
    try:
        return str(json.loads(repair_json(text)))
    except RecursionError:
        return "RAISE RecursionError"


def main():
    rnd = random.Random(14)
    out = sys.stdout

    def base():
        items = []
        for _ in range(rnd.randrange(0, 5)):
            items.append('{"bbox_2d": [%d, %d, %d, %d], "label": "%s"}' % tuple(
                [rnd.randrange(0, 50) for _ in range(4)] + [rnd.choice(['cat', 'dog', 'a b'])]))
        if items and rnd.random() < 0.5:
            items.append(items[0])
        return '[' + ', '.join(items) + ']'

    def mutate(s):
        s = list(s)
        for _ in range(rnd.randrange(1, 6)):
            op = rnd.random()
            pos = rnd.randrange(0, len(s) + 1)
            if op < 0.4 and s:
                del s[min(pos, len(s) - 1)]
            elif op < 0.8:
                s.insert(pos, rnd.choice(ALPH))
            elif s:
                s[min(pos, len(s) - 1)] = rnd.choice(ALPH)
        return ''.join(s)

    n = 0
    while n < 3000:
        t = mutate(base())
        if rnd.random() < 0.3:
            t = t[:rnd.randrange(0, len(t) + 1)]
        try:
            json.loads(t)
            continue  # only texts json.loads rejects reach json_repair
        except json.JSONDecodeError:
            pass
        except ValueError:
            continue
        out.write(json.dumps({"text": t, "expected": expected(t)}) + "\n")
        n += 1
    for name, t in DEGENERATE.items():
        out.write(json.dumps({"degenerate": name, "sha256": hashlib.sha256(expected(t).encode("utf-8", "surrogatepass")).hexdigest()}) + "\n")


if __name__ == "__main__":
    main()
