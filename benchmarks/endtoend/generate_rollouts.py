"""Writes a JSON Lines file of rollouts in the `vrft score` schema, groups of 8 contiguous lines, seeded.

usage: python3 generate_rollouts.py --mix visual-rft|vlm-r1|detection --lines N --seed S --out FILE

  detection   Visual-RFT detection only: 1-6 ground-truth boxes, answers of 0-7 boxes near them (some
              truncated, some with a newline layout), the shape issue 16 measured;
  visual-rft  60% detection, 25% classification, 15% grounding (LISA);
  vlm-r1      60% od (weighted_sum, labelled boxes in a ```json block), 40% rec (qwen, with the image
              size and the processor grid).

Every line also carries two extra fields a trainer would log (an integer step and a float temperature), so
the carry-through of fields is part of what is timed. Only the standard library is used.
"""
import argparse
import json
import random

THINK = "<think>I look for the requested category in the image and localize each instance.</think>"
CLASSES = ["person", "dog", "cat", "mug", "car", "bicycle", "bird", "chair", "bottle", "laptop"]
FLOWERS = ["rose", "tulip", "daisy", "sunflower", "orchid", "lily", "iris", "peony"]


def box(rng):
    x1, y1 = rng.randint(0, 700), rng.randint(0, 700)
    return [x1, y1, x1 + rng.randint(20, 300), y1 + rng.randint(20, 300)]


def near(rng, b, jitter=25):
    return [v + rng.randint(-jitter, jitter) for v in b]


def detection(rng, gid):
    gts = [box(rng) for _ in range(rng.randint(1, 6))]
    solution = "<answer>" + str([{"Position": g, "Confidence": 1} for g in gts]) + "</answer>"
    lines = []
    for _ in range(8):
        preds = [{"Position": near(rng, g), "Confidence": round(rng.uniform(0.3, 1.0), 2)}
                 for g in gts if rng.random() < 0.8]
        preds += [{"Position": box(rng), "Confidence": round(rng.uniform(0.1, 0.7), 2)}
                  for _ in range(rng.randint(0, 1))]
        body = str(preds)
        r = rng.random()
        if r < 0.05 and len(preds) > 1:
            body = body[:-1].rsplit("}", 1)[0] + "},"   # truncated generation: upstream's rsplit repair
        sep = "\n" if rng.random() < 0.2 else " "
        completion = THINK + sep + "<answer>" + sep.strip() + body + sep.strip() + "</answer>"
        lines.append({"prompt_id": "det-%07d" % gid, "task": "detection", "completion": completion,
                      "solution": solution})
    return lines


def classification(rng, gid):
    label = rng.choice(FLOWERS)
    out = []
    for _ in range(8):
        guess = label if rng.random() < 0.6 else rng.choice(FLOWERS)
        out.append({"prompt_id": "cls-%07d" % gid, "task": "classification",
                    "completion": THINK + " <answer>" + guess + "</answer>", "solution": "<answer>" + label + "</answer>"})
    return out


def grounding(rng, gid):
    g = box(rng)
    sol = "<answer>(%d,%d),(%d,%d)</answer>" % tuple(g)
    out = []
    for _ in range(8):
        p = near(rng, g, 40)
        out.append({"prompt_id": "lisa-%07d" % gid, "task": "grounding",
                    "completion": THINK + " <answer>(%d,%d),(%d,%d)</answer>" % tuple(p), "solution": sol})
    return out


def od(rng, gid):
    gts = [{"bbox_2d": box(rng), "label": rng.choice(CLASSES)} for _ in range(rng.randint(1, 6))]
    sol = "<answer>```json\n" + json.dumps(gts) + "\n```</answer>"
    out = []
    for _ in range(8):
        preds = [{"bbox_2d": near(rng, g["bbox_2d"]), "label": g["label"] if rng.random() < 0.85 else rng.choice(CLASSES)}
                 for g in gts if rng.random() < 0.8]
        out.append({"prompt_id": "od-%07d" % gid, "task": "od", "reward_method": "weighted_sum",
                    "completion": THINK + "<answer>```json\n" + json.dumps(preds) + "\n```</answer>", "solution": sol})
    return out


def rec(rng, gid):
    w, h = rng.choice([(640, 480), (1024, 768), (800, 600)])
    grid = [1, h // 28 * 2, w // 28 * 2]
    g = [rng.randint(0, w // 2), rng.randint(0, h // 2)]
    g += [g[0] + rng.randint(20, w // 2), g[1] + rng.randint(20, h // 2)]
    sol = "<answer>" + json.dumps(g) + "</answer>"
    sx, sy = 14 * grid[2] / w, 14 * grid[1] / h
    out = []
    for _ in range(8):
        p = near(rng, g, 20)
        p = [round(p[0] * sx), round(p[1] * sy), round(p[2] * sx), round(p[3] * sy)]
        out.append({"prompt_id": "rec-%07d" % gid, "task": "rec", "image_size_wh": [w, h], "image_grid_thw": grid,
                    "completion": THINK + "<answer>{\"bbox_2d\": [%d, %d, %d, %d]}</answer>" % tuple(p),
                    "solution": sol})
    return out


MIXES = {
    "detection": [(1.0, detection)],
    "visual-rft": [(0.60, detection), (0.25, classification), (0.15, grounding)],
    "vlm-r1": [(0.60, od), (0.40, rec)],
}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mix", choices=sorted(MIXES), required=True)
    ap.add_argument("--lines", type=int, required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    mix = MIXES[a.mix]
    written = 0
    gid = 0
    with open(a.out, "w", encoding="utf-8") as f:
        while written < a.lines:
            r, acc = rng.random(), 0.0
            for share, make in mix:
                acc += share
                if r < acc:
                    break
            for i, line in enumerate(make(rng, gid)):
                if written == a.lines:
                    break
                line["step"] = gid // 64
                line["temperature"] = 1.0
                f.write(json.dumps(line) + "\n")
                written += 1
            gid += 1


if __name__ == "__main__":
    main()
