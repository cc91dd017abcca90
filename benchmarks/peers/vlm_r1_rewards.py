"""VLM-R1's REC and OD (weighted_sum) rewards as its upstream code writes them (om-ai-lab/VLM-R1,
src/open-r1-multimodal/src/open_r1: grpo_jsonl.py and vlm_modules/qwen_module.py), in plain Python: the peer of
`vrft score --profile vlm-r1` in the end-to-end benchmark.

Written from the project spec (docs/rewards.md, the VLM-R1 sections), not copied from upstream, with the upstream
quirks kept: the "inclusive" IoU (an overlap of one pixel or less counts 0), the Qwen resize of the predicted box to
the original image (division first), the first `[d, d, d, d]` match of the answer, clean_text (the last answer,
newlines, strip, rstrip('.'), lower) before the first ```json block, the global greedy matching at IoU >= 0.5 with a
wrong label still consuming its pair, and weighted_sum's stale label. check_golden.py compares every value with the
golden file.

Only the standard library is needed.
"""
import json
import re

_ANSWER_DOTALL = re.compile(r"<answer>(.*?)</answer>", re.DOTALL)
_FORMAT = re.compile(r"<think>.*?</think>\s*<answer>.*?</answer>", re.DOTALL)
_FORMAT_REC = re.compile(r"<think>.*?</think>\s*<answer>.*?\{.*\[\d+,\s*\d+,\s*\d+,\s*\d+\].*\}.*?</answer>", re.DOTALL)
_BOX = re.compile(r"\[(\d+),\s*(\d+),\s*(\d+),\s*(\d+)]")
_JSON_BLOCK = re.compile(r"```json(.*?)```", re.DOTALL)


def format_reward(text):
    """grpo_jsonl.format_reward: the Visual-RFT fullmatch."""
    return 1.0 if _FORMAT.fullmatch(text) else 0.0


def format_reward_rec(text):
    """Qwen2VLModule.format_reward_rec: a search, and the answer needs {...[d, d, d, d]...}."""
    return 1.0 if _FORMAT_REC.search(text) else 0.0


def inclusive_iou(a, b):
    """The REC / weighted_sum IoU: intersection with -1/+1, exclusive areas in the union."""
    ix1 = max(a[0], b[0])
    iy1 = max(a[1], b[1])
    ix2 = min(a[2] - 1, b[2] - 1)
    iy2 = min(a[3] - 1, b[3] - 1)
    if ix1 < ix2 and iy1 < iy2:
        inter = (ix2 - ix1 + 1) * (iy2 - iy1 + 1)
    else:
        inter = 0
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return float(inter) / union


def rec_iou_qwen(text, sol, image_size_wh, image_grid_thw):
    """Qwen2VLModule.iou_reward: the first answer's first box, resized to the image, against the solution's box."""
    try:
        gt = json.loads(re.findall(r"<answer>(.*?)</answer>", sol, re.DOTALL)[-1].strip())
    except Exception:
        return 0.0
    m = _ANSWER_DOTALL.search(text)
    if not m:
        return 0.0
    b = _BOX.search(m.group(1).strip())
    if not b:
        return 0.0
    box = [int(b.group(k)) for k in range(1, 5)]
    w, h = image_size_wh
    grid_h, grid_w = image_grid_thw[1], image_grid_thw[2]
    box[0] = box[0] / (grid_w * 14) * w
    box[1] = box[1] / (grid_h * 14) * h
    box[2] = box[2] / (grid_w * 14) * w
    box[3] = box[3] / (grid_h * 14) * h
    try:
        return inclusive_iou(box, gt)
    except ZeroDivisionError:
        return 0.0


def clean_text(text):
    """grpo_jsonl.clean_text: the last answer's content, newlines, strip, rstrip('.'), lower."""
    found = _ANSWER_DOTALL.findall(text)
    if found:
        text = found[-1]
    for ch in ("\n", "\r"):
        text = re.sub(r"(?<=\s)" + re.escape(ch), "", text)
        text = re.sub(r"(?<!\s)" + re.escape(ch), " ", text)
    return text.strip().rstrip(".").lower()


def _items(block):
    if block is None:
        return []
    s = block.group(1).strip()
    if not s:
        return []
    return [item for item in json.loads(s)]


def detection_score(content, sol, iou_threshold=0.5, alpha=0.7, beta=0.0, gamma=0.3):
    """grpo_jsonl.detection_score: global greedy matching, then position, completeness and label terms."""
    try:
        preds = _items(_JSON_BLOCK.search(clean_text(content)))
    except Exception:
        preds = []
    gts = _items(_JSON_BLOCK.search(clean_text(sol)))  # a solution that is not JSON raises upstream too
    if not gts:
        return 1.0 if not preds else 0.0
    if not preds:
        return 0.0
    iou = [[0.0] * len(gts) for _ in preds]
    for i, p in enumerate(preds):
        for j, g in enumerate(gts):
            try:
                iou[i][j] = inclusive_iou(p["bbox_2d"], g["bbox_2d"])
            except Exception:
                iou[i][j] = 0.0
    used_p, used_g = set(), set()
    matches = []
    while True:
        best, bi, bj = -1.0, -1, -1
        for i in range(len(preds)):
            if i in used_p:
                continue
            for j in range(len(gts)):
                if j not in used_g and iou[i][j] > best:
                    best, bi, bj = iou[i][j], i, j
        if bi < 0 or best < iou_threshold:
            break
        used_p.add(bi)
        used_g.add(bj)
        matches.append((bi, bj, best))
    position = 0.0
    for bi, bj, best in matches:
        try:
            pred_label = preds[bi]["label"].lower()
        except Exception:
            pass  # upstream's stale label: the previous match's (unbound on the first: it raises)
        gt_label = gts[bj].get("label", "").lower()
        if pred_label == gt_label:
            position += best
    position = position / len(gts) if matches else 0.0
    miss = (len(gts) - len(matches)) / len(gts)
    false_alarm = (len(preds) - len(matches)) / len(preds)
    completeness = 1.0 - (miss + false_alarm) / 2.0
    return (alpha * position + beta * 0.0 + gamma * completeness) / (alpha + beta + gamma)


def od_weighted_sum(text, sol):
    """accuracy_reward with accu_reward_method weighted_sum."""
    content = clean_text(text)
    s = clean_text(sol)
    if s == "none":
        return 1.0 if content == "none" else 0.0
    return detection_score(content, s)


def score(task, text, sol, line=None):
    """The components in upstream's order, as a dict, for the two tasks of the benchmark's VLM-R1 mix."""
    if task == "rec":
        return {"accuracy": rec_iou_qwen(text, sol, line["image_size_wh"], line["image_grid_thw"]),
                "format": format_reward_rec(text)}
    if task == "od":
        return {"accuracy": od_weighted_sum(text, sol), "format": format_reward(text)}
    raise ValueError("unknown task " + task)
