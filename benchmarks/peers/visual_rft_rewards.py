"""Visual-RFT's reward rules as its upstream scripts write them (Liuziyu77/Visual-RFT, src/virft/src/open_r1:
grpo.py, grpo_classification.py, grpo_lisa.py), in plain Python: the peer that vrft-kernels is measured against.

Written from the project spec (docs/rewards.md §1), not copied from upstream: one function per upstream step, with the
upstream quirks kept (no DOTALL in the answer search, the truncation repair, the '[['/']]' fix, stable
confidence sort, strict IoU > 0.5, the clamp after averaging, LISA's pts[1] bug and exact-string 2.0). The
math_verify pre-gate is left out (it is off by default in vrft-kernels too); check_golden.py compares every
value with the golden file's `gate_off` values.

Only the standard library is needed.
"""
import json
import re

_ANSWER = re.compile(r"<answer>(.*?)</answer>")
_ANSWER_DOTALL = re.compile(r"<answer>(.*?)</answer>", re.DOTALL)
_FORMAT = re.compile(r"<think>.*?</think>\s*<answer>.*?</answer>", re.DOTALL)
_LISA_BOX = re.compile(r"\(\s*(\d+)\s*,\s*(\d+)\s*\)\s*,\s*\(\s*(\d+)\s*,\s*(\d+)\s*\)")


def format_reward(text):
    return 1.0 if _FORMAT.fullmatch(text) else 0.0


def extract_bbox(s):
    """The list inside the first <answer>...</answer>, with the truncation repair; None when JSON fails."""
    start = s.find("<answer>") + len("<answer>")
    end = s.find("</answer>")
    inner = s[start:end]
    if not inner.endswith("]"):
        inner = inner.rsplit("},", 1)[0] + "}]"
    try:
        return json.loads(inner.replace("'", '"'))
    except json.JSONDecodeError:
        return None


def remove_duplicates(boxes):
    seen = set()
    out = []
    for b in boxes:
        key = tuple(b["Position"])
        if key not in seen:
            seen.add(key)
            out.append(b)
    return out


def calculate_iou(gt_box, pred_box):
    x1, y1, x2, y2 = gt_box
    u1, v1, u2, v2 = pred_box
    xi1 = max(x1, u1)
    yi1 = max(y1, v1)
    xi2 = min(x2, u2)
    yi2 = min(y2, v2)
    if xi2 <= xi1 or yi2 <= yi1:
        return 0
    inter = (xi2 - xi1) * (yi2 - yi1)
    return inter / ((x2 - x1) * (y2 - y1) + (u2 - u1) * (v2 - v1) - inter)


def sort_and_calculate_iou(gt, pred):
    """Greedy one-to-one matching in stable descending confidence order; [(iou or 0, confidence)]."""
    used = [False] * len(gt)
    results = []
    for p in sorted(pred, key=lambda b: b["Confidence"], reverse=True):
        best, best_j = 0, -1
        for j, g in enumerate(gt):
            if not used[j]:
                iou = calculate_iou(g["Position"], p["Position"])
                if iou > best:
                    best, best_j = iou, j
        if best > 0.5:
            used[best_j] = True
            results.append((best, p["Confidence"]))
        else:
            results.append((0, p["Confidence"]))
    return results


def _parsed(text, sol):
    m = _ANSWER.search(text)
    student = m.group(1).strip() if m else text.strip()
    student = ("<answer>" + student + "</answer>").replace("[[", "[").replace("]]", "]").replace("\n", "")
    gt = extract_bbox(sol.strip())
    pred = extract_bbox(student)
    if not isinstance(pred[0], dict):  # None, [] and lists of numbers raise or fail here: reward 0
        raise TypeError("not a list of boxes")
    return gt, remove_duplicates(pred)


def accuracy_reward_iou(text, sol):
    try:
        gt, pred = _parsed(text, sol)
        results = sort_and_calculate_iou(gt, pred)
        sum(conf for _, conf in results)  # upstream sums the confidences here too: a str or None raises
        reward = sum(iou for iou, _ in results) / max(len(gt), len(pred))
        return min(reward, 1.0)
    except Exception:
        return 0.0


def accuracy_reward_confidence(text, sol):
    try:
        gt, pred = _parsed(text, sol)
        results = sort_and_calculate_iou(gt, pred)
        reward = sum(conf if iou > 0 else 1 - conf for iou, conf in results) / len(results)
        if reward > 1:
            reward = 1.0
        if reward < 0:
            reward = 0.0
        return reward
    except Exception:
        return 0.0


def _first_answer(x, pattern=_ANSWER):
    m = pattern.search(x)
    return m.group(1).strip() if m else x.strip()


def accuracy_reward_classification(text, sol):
    def norm(x):
        return x.replace(" ", "").replace("_", "").lower()
    gt = norm(_first_answer(sol))
    st = norm(_first_answer(text))
    return 1.0 if gt in st or st in gt else 0.0


def _lisa_box(s):
    matches = _LISA_BOX.findall(s)
    pts = [(int(a) / 1000, int(b) / 1000) for a, b, _, _ in matches] + \
          [(int(c) / 1000, int(d) / 1000) for _, _, c, d in matches]
    return pts[0], pts[1]  # upstream's bug: with two boxes pts[1] is the second box's top-left


def compute_giou(a, b):
    (ax1, ay1), (ax2, ay2) = a
    (bx1, by1), (bx2, by2) = b
    inter = max(0, min(ax2, bx2) - max(ax1, bx1)) * max(0, min(ay2, by2) - max(ay1, by1))
    union = (ax2 - ax1) * (ay2 - ay1) + (bx2 - bx1) * (by2 - by1) - inter
    iou = inter / union if union > 0 else 0
    c = (max(ax2, bx2) - min(ax1, bx1)) * (max(ay2, by2) - min(ay1, by1))
    return iou - (c - union) / c if c > 0 else iou


def accuracy_reward_lisa(text, sol):
    gt = _first_answer(sol)
    st = _first_answer(text, _ANSWER_DOTALL)
    reward = 0.0
    try:
        reward = compute_giou(_lisa_box(st), _lisa_box(gt)) + 1
    except Exception:
        pass
    if st == gt:
        reward = 2.0
    return reward


def score(task, text, sol):
    """The components in script order, as a dict; the total is their float32 sum (see total_f32)."""
    if task == "detection":
        return {"accuracy_iou": accuracy_reward_iou(text, sol),
                "accuracy_confidence": accuracy_reward_confidence(text, sol),
                "format": format_reward(text)}
    if task == "classification":
        return {"accuracy": accuracy_reward_classification(text, sol), "format": format_reward(text)}
    if task == "grounding_lisa":
        return {"accuracy": accuracy_reward_lisa(text, sol), "format": format_reward(text)}
    raise ValueError("unknown task " + task)
