"""Times the peers on the inputs BenchmarkSuite generated, and writes rows in the suite's CSV schema
(op,implementation,backend,size_params,metric,value,unit,machine,date).

usage: python3 peer_bench.py --op OP --inputs DIR --sizes S1,S2 --min-time SECONDS --machine TEXT --date YYYY-MM-DD
                             --out ROWS.csv --notes NOTES.txt

OP is detection_reward, pairwise_iou, group_advantages or policy_loss. A peer whose library is missing is skipped
with a line in NOTES (the suite puts it in the report); nothing is guessed or extrapolated.

Timing: perf_counter around one call on the whole batch, repeated until --min-time has passed (at least 2 calls)
after one warm-up call (on the first 64 items when a call is long); the value is the median call, the error the
99.9% Student-t half-width of the mean, as JMH reports it.
"""
import argparse
import csv
import json
import math
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

# Student t quantiles at 0.9995 (two-sided 99.9%), as JMH uses, by degrees of freedom.
_T9995 = {1: 636.62, 2: 31.60, 3: 12.92, 4: 8.61, 5: 6.87, 6: 5.96, 7: 5.41, 8: 5.04, 9: 4.78, 10: 4.59,
          15: 4.07, 20: 3.85, 30: 3.65, 60: 3.46}


def t9995(df):
    for k in sorted(_T9995):
        if df <= k:
            return _T9995[k]
    return 3.29


def timed(call, min_time, warm=None):
    (warm or call)()
    samples = []
    start = time.perf_counter()
    while len(samples) < 2 or time.perf_counter() - start < min_time:
        t0 = time.perf_counter()
        call()
        samples.append(time.perf_counter() - t0)
        if len(samples) >= 200:
            break
    med = statistics.median(samples)
    err = 0.0
    if len(samples) > 1:
        err = t9995(len(samples) - 1) * statistics.stdev(samples) / math.sqrt(len(samples))
    return med, err, len(samples)


class Rows:
    def __init__(self, op, machine, date, path):
        self.op, self.machine, self.date = op, machine, date
        self.f = open(path, "a", newline="", encoding="utf-8")
        self.w = csv.writer(self.f)

    def add(self, impl, size_params, items, unit, med, err, calls):
        thr = items / med
        for metric, value, u in (("throughput", thr, unit),
                                 ("throughput_error_99.9", thr * err / med if med > 0 else 0.0, unit),
                                 ("latency", med, "s/call")):
            self.w.writerow([self.op, impl, "cpu", size_params + f";calls={calls}" if metric == "latency" else size_params,
                             metric, f"{value:.6g}", u, self.machine, self.date])
        self.f.flush()


def note(args, text):
    with open(args.notes, "a", encoding="utf-8") as f:
        f.write(f"{args.op}: {text}\n")
    print(f"peer_bench: {args.op}: {text}", file=sys.stderr)


def detection_reward(args, rows):
    import visual_rft_rewards as port
    for n in args.sizes:
        items = []
        with open(os.path.join(args.inputs, f"detection_reward_n{n}.jsonl"), encoding="utf-8") as f:
            for line in f:
                d = json.loads(line)
                items.append((d["completion"], d["solution"]))

        def run(batch=items):
            for c, s in batch:
                r = port.score("detection", c, s)
                # the trainer sums the components in float32; the sum itself is not what is measured
                r["accuracy_iou"] + r["accuracy_confidence"] + r["format"]

        med, err, calls = timed(run, args.min_time, warm=lambda: run(items[:64]))
        rows.add("visual-rft-python-port", f"n={n};boxes=0-12;group=8;threads=1", n, "completions/s", med, err, calls)


def _load(args, name):
    import numpy as np
    return np.load(os.path.join(args.inputs, name))


def pairwise_iou(args, rows):
    try:
        import numpy as np
    except ImportError:
        note(args, "numpy not importable: the NumPy and torchvision IoU peers are skipped")
        return
    try:
        import torch
        import torchvision.ops
        torch.set_num_threads(1)
    except ImportError:
        torch = None
        note(args, "torch/torchvision not importable: torchvision.ops.box_iou is skipped")
    for n in args.sizes:
        a = _load(args, f"pairwise_iou_n{n}_a.npy").reshape(-1, 4)
        ao = _load(args, f"pairwise_iou_n{n}_aoff.npy")
        b = _load(args, f"pairwise_iou_n{n}_b.npy").reshape(-1, 4)
        bo = _load(args, f"pairwise_iou_n{n}_boff.npy")
        # Padded [n, 6, 4] and [n, 12, 4] copies for the vectorised peer (made outside the timing: favours it).
        ga, gb = int(np.diff(ao).max(initial=0)), int(np.diff(bo).max(initial=0))
        pa = np.zeros((n, max(ga, 1), 4), np.float32)
        pb = np.zeros((n, max(gb, 1), 4), np.float32)
        for i in range(n):
            pa[i, :ao[i + 1] - ao[i]] = a[ao[i]:ao[i + 1]]
            pb[i, :bo[i + 1] - bo[i]] = b[bo[i]:bo[i + 1]]

        def numpy_padded():
            x1 = np.maximum(pa[:, :, None, 0], pb[:, None, :, 0])
            y1 = np.maximum(pa[:, :, None, 1], pb[:, None, :, 1])
            x2 = np.minimum(pa[:, :, None, 2], pb[:, None, :, 2])
            y2 = np.minimum(pa[:, :, None, 3], pb[:, None, :, 3])
            w = np.clip(x2 - x1, 0, None)
            h = np.clip(y2 - y1, 0, None)
            inter = w * h
            area_a = (pa[:, :, 2] - pa[:, :, 0]) * (pa[:, :, 3] - pa[:, :, 1])
            area_b = (pb[:, :, 2] - pb[:, :, 0]) * (pb[:, :, 3] - pb[:, :, 1])
            union = area_a[:, :, None] + area_b[:, None, :] - inter
            with np.errstate(divide="ignore", invalid="ignore"):
                return np.where(inter > 0, inter / union, 0.0)

        size = f"n={n};gt=1-6;pred=0-12;threads=1"
        med, err, calls = timed(numpy_padded, args.min_time)
        rows.add("numpy-vectorised-padded", size, n, "samples/s", med, err, calls)
        if torch is not None:
            ta = [torch.from_numpy(a[ao[i]:ao[i + 1]]) for i in range(n)]
            tb = [torch.from_numpy(b[bo[i]:bo[i + 1]]) for i in range(n)]

            def torchvision_loop(k=n):
                for i in range(k):
                    torchvision.ops.box_iou(ta[i], tb[i])

            med, err, calls = timed(torchvision_loop, args.min_time, warm=lambda: torchvision_loop(min(n, 64)))
            rows.add("torchvision.ops.box_iou-per-sample", size, n, "samples/s", med, err, calls)


def group_advantages(args, rows):
    try:
        import numpy as np
    except ImportError:
        note(args, "numpy not importable: the advantage peers are skipped")
        return
    try:
        import torch
        torch.set_num_threads(1)
    except ImportError:
        torch = None
        note(args, "torch not importable: the eager-PyTorch advantage peer is skipped")
    for n in args.sizes:
        r = _load(args, f"group_advantages_n{n}.npy")
        r = r[: len(r) // 8 * 8]

        def numpy_trl():
            g = r.reshape(-1, 8)
            mean = np.repeat(g.mean(axis=1), 8)
            std = np.repeat(g.std(axis=1, ddof=1), 8)
            return (r - mean) / (std + np.float32(1e-4))

        size = f"n={n};group=8;flavor=trl-group;threads=1"
        med, err, calls = timed(numpy_trl, args.min_time)
        rows.add("numpy-trl-formula", size, n, "rewards/s", med, err, calls)
        if torch is not None:
            tr = torch.from_numpy(r)

            def torch_trl():  # TRL GRPOTrainer: view(-1, G), mean, std (unbiased), repeat_interleave
                mean = tr.view(-1, 8).mean(dim=1).repeat_interleave(8, dim=0)
                std = tr.view(-1, 8).std(dim=1).repeat_interleave(8, dim=0)
                return (tr - mean) / (std + 1e-4)

            med, err, calls = timed(torch_trl, args.min_time)
            rows.add("torch-eager-trl", size, n, "rewards/s", med, err, calls)


def policy_loss(args, rows):
    try:
        import torch
        torch.set_num_threads(os.cpu_count() or 1)
    except ImportError:
        note(args, "torch not importable: the eager-PyTorch TRL loss peer is skipped")
        return
    import numpy as np
    from trl_loss import dapo_k3
    for shape in args.sizes:
        bsz, t = (int(x) for x in shape.split("x"))

        def load(k):
            return torch.from_numpy(np.load(os.path.join(args.inputs, f"policy_loss_{shape}_{k}.npy")))
        logp0 = load("logp").view(bsz, t)
        old = load("old").view(bsz, t)
        ref = load("ref").view(bsz, t)
        mask = load("mask").view(bsz, t).float()
        adv = load("adv")

        def trl_dapo_kl():  # vrft's benchmark configuration: epsilon 0.2 both sides, beta 0.04
            return dapo_k3(logp0, old, ref, mask, adv, 0.2, 0.2, 0.04)

        size = f"tokens={bsz * t};shape={shape};config=trl-dapo-kl;threads={torch.get_num_threads()}"
        med, err, calls = timed(trl_dapo_kl, args.min_time)
        rows.add("torch-eager-trl", size, bsz * t, "tokens/s", med, err, calls)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--op", required=True)
    p.add_argument("--inputs", required=True)
    p.add_argument("--sizes", required=True)
    p.add_argument("--min-time", type=float, default=1.0)
    p.add_argument("--machine", required=True)
    p.add_argument("--date", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--notes", required=True)
    args = p.parse_args()
    args.sizes = args.sizes.split(",")
    ops = {"detection_reward": detection_reward, "pairwise_iou": pairwise_iou,
           "group_advantages": group_advantages, "policy_loss": policy_loss}
    if args.op not in ops:
        p.error(f"--op must be one of {', '.join(ops)}")
    if args.op != "policy_loss":
        args.sizes = [int(s) for s in args.sizes]
    ops[args.op](args, Rows(args.op, args.machine, args.date, args.out))


if __name__ == "__main__":
    main()
