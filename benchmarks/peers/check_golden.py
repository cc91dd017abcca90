"""Checks the Python peers against the golden files before they are timed: every gate-off value of
golden/visual_rft_rewards.jsonl. Exit status 0 when all agree, 1 otherwise (each mismatch printed).

usage: python3 check_golden.py [GOLDEN_JSONL]   (default: the copy in the project's test resources)
"""
import json
import math
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import visual_rft_rewards as port  # noqa: E402

DEFAULT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "java", "tests", "src", "test", "resources",
                       "golden", "visual_rft_rewards.jsonl")


def same(want, got):
    if want == "NaN":
        return isinstance(got, float) and math.isnan(got)
    # docs/rewards.md: the faithful values are exact up to the last bit (the same double arithmetic)
    return want == got and math.copysign(1, want) == math.copysign(1, got)


def main(path):
    checked, bad = 0, 0
    with open(path, encoding="utf-8") as f:
        for line in f:
            case = json.loads(line)
            if case["task"] not in ("detection", "classification", "grounding_lisa"):
                continue
            exp = case["expected"]
            got = port.score(case["task"], case["completion"], case["solution"])
            want = dict(exp["gate_off"])
            want.pop("total", None)
            want["format"] = exp["format"]
            for k, v in want.items():
                checked += 1
                if not same(v, got[k]):
                    bad += 1
                    print(f"{case['id']}: {k} expected {v!r}, the port gives {got[k]!r}")
    print(f"check_golden: {checked} values of {os.path.basename(path)}, {bad} differ")
    return 1 if bad or not checked else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else DEFAULT))
