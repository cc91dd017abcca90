"""Checks the Python peers against the golden files before they are timed: every gate-off value of
golden/visual_rft_rewards.jsonl, and the od weighted_sum and Qwen REC values of golden/vlm_r1_rewards.jsonl (the
two tasks of the end-to-end benchmark's VLM-R1 mix). Exit status 0 when all agree, 1 otherwise (each mismatch
printed).

usage: python3 check_golden.py [GOLDEN_JSONL]   (default: both copies in the project's test resources)
"""
import json
import math
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import visual_rft_rewards as port  # noqa: E402
import vlm_r1_rewards as vlm  # noqa: E402

GOLDEN = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "java", "tests", "src", "test", "resources",
                      "golden")
DEFAULT = os.path.join(GOLDEN, "visual_rft_rewards.jsonl")
VLM_R1 = os.path.join(GOLDEN, "vlm_r1_rewards.jsonl")


def same(want, got):
    if want == "NaN":
        return isinstance(got, float) and math.isnan(got)
    # docs/rewards.md: the faithful values are exact up to the last bit (the same double arithmetic)
    return want == got and math.copysign(1, want) == math.copysign(1, got)


def vlm_r1_cases(case):
    """(component, expected, the port's value) of the od weighted_sum and Qwen REC values of one golden case."""
    exp = case["expected"]
    if case["task"] == "od" and isinstance(exp.get("accuracy"), dict) and "weighted_sum" in exp["accuracy"]:
        want = exp["accuracy"]["weighted_sum"]
        if isinstance(want, (int, float)) or want == "NaN":
            yield "weighted_sum", want, vlm.od_weighted_sum(case["completion"], case["solution"])
        yield "format", exp["format"], vlm.format_reward(case["completion"])
    if case["task"] == "rec" and "qwen" in exp:
        i = case["inputs"]
        yield "accuracy", exp["qwen"]["accuracy"], vlm.rec_iou_qwen(case["completion"], case["solution"],
                                                                    i["image_size_wh"], i["image_grid_thw"])
        yield "format", exp["qwen"]["format"], vlm.format_reward_rec(case["completion"])


def check_vlm_r1(path):
    checked, bad = 0, 0
    with open(path, encoding="utf-8") as f:
        for line in f:
            case = json.loads(line)
            for name, want, got in vlm_r1_cases(case):
                checked += 1
                if not same(want, got):
                    bad += 1
                    print(f"{case['id']}: {name} expected {want!r}, the port gives {got!r}")
    print(f"check_golden: {checked} values of {os.path.basename(path)}, {bad} differ")
    return checked, bad


def main(path, vlm_r1_path=None):
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
    if vlm_r1_path:
        c2, b2 = check_vlm_r1(vlm_r1_path)
        if not c2:
            return 1
        bad += b2
    return 1 if bad or not checked else 0


if __name__ == "__main__":
    if len(sys.argv) == 1:
        sys.exit(main(DEFAULT, VLM_R1))
    if "vlm_r1" in os.path.basename(sys.argv[1]):
        c, b = check_vlm_r1(sys.argv[1])
        sys.exit(1 if b or not c else 0)
    sys.exit(main(sys.argv[1]))
