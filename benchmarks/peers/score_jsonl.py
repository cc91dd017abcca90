"""The Python peer of `vrft score` for the end-to-end benchmark: what a Python user would write to score a JSON Lines
file of rollouts. Per line json.loads, the upstream reward rules (the plain-Python ports next to this file), and,
once a group's lines are all read (groups are contiguous, as the benchmark's files are), the group advantages;
then json.dumps per line with "rewards" and "advantage" added.

usage: python3 score_jsonl.py --profile visual-rft|vlm-r1 --input FILE --output FILE
       python3 score_jsonl.py --roundtrip --input FILE --output FILE   (json.loads, one field added, json.dumps:
                                                                         the floor under any Python scorer)

The advantage is Visual-RFT's (r - mean) / (std + 1e-4) with the sample standard deviation, computed in doubles
(upstream uses float32 tensors; the cost is what is measured here, and the reward values are the ports', exactly).
Only the standard library is needed.
"""
import argparse
import json
import math
import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import visual_rft_rewards as visual_rft  # noqa: E402
import vlm_r1_rewards as vlm_r1  # noqa: E402

# the benchmark's task names -> the ports' (Visual-RFT's LISA grounding is "grounding" in the vrft schema)
VISUAL_RFT_TASKS = {"detection": "detection", "classification": "classification", "grounding": "grounding_lisa"}


def f32(x):
    return struct.unpack("f", struct.pack("f", x))[0]


def rewards(profile, line):
    if profile == "visual-rft":
        comps = visual_rft.score(VISUAL_RFT_TASKS[line["task"]], line["completion"], line["solution"])
    else:
        comps = vlm_r1.score(line["task"], line["completion"], line["solution"], line)
    total = 0.0
    total_f32 = 0.0
    for v in comps.values():
        total += v
        total_f32 = f32(total_f32 + f32(v))
    out = dict(comps)
    out["total"] = total
    out["total_f32"] = total_f32
    return out


def advantages(totals):
    n = len(totals)
    mean = sum(totals) / n
    std = math.sqrt(sum((t - mean) ** 2 for t in totals) / (n - 1)) if n > 1 else float("nan")
    return [(t - mean) / (std + 1e-4) for t in totals]


def score(profile, src, dst):
    group, key = [], object()

    def flush():
        adv = advantages([d["rewards"]["total_f32"] for d in group])
        for d, a in zip(group, adv):
            d["advantage"] = a
            dst.write(json.dumps(d) + "\n")
        group.clear()

    for raw in src:
        d = json.loads(raw)
        if d["prompt_id"] != key and group:
            flush()
        key = d["prompt_id"]
        d["rewards"] = rewards(profile, d)
        group.append(d)
    if group:
        flush()


def roundtrip(src, dst):
    for raw in src:
        d = json.loads(raw)
        d["rewards"] = {"total": 0.0}
        dst.write(json.dumps(d) + "\n")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--profile", choices=["visual-rft", "vlm-r1"])
    ap.add_argument("--roundtrip", action="store_true")
    ap.add_argument("--input", required=True)
    ap.add_argument("--output", required=True)
    a = ap.parse_args()
    if not a.roundtrip and not a.profile:
        ap.error("--profile or --roundtrip")
    with open(a.input, encoding="utf-8") as src, open(a.output, "w", encoding="utf-8") as dst:
        if a.roundtrip:
            roundtrip(src, dst)
        else:
            score(a.profile, src, dst)


if __name__ == "__main__":
    main()
