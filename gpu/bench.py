#!/usr/bin/env python3
"""gpu/bench.py: each vrft kernel against its PyTorch peer on the same data, in the same run (gpu/validate's bench).

    python3 gpu/bench.py --lib PATH/libvrft.so --out bench.csv [--budget SECONDS] [--emulated] [--java-cmd JSON]

The kernels are called through libvrft.so (ctypes, the C ABI of cuda/include/vrft.h) with kernel timing on
(vrft_context_set_timing): the time is CUDA events around the op's kernels, host copies excluded, so it compares
with a peer timed by CUDA events on data already on the device. Bandwidth counts the bytes an op must move at the
least (each input read once, each output written once) over that time; a device-to-device copy gives the roof.

Peers: torchvision.ops.box_iou per sample and a padded batched IoU in PyTorch; TRL's dapo loss with k3 KL in eager
PyTorch, forward and backward (autograd); log_softmax + gather in eager PyTorch with autograd; TRL's group advantage
formula; Liger-Kernel's Triton GRPO loss where it is importable.

The fused linear log-prob (hidden states and the lm_head weight to the chosen tokens' log-probs and back) is vrft's
Java API, not one kernel: with --java-cmd (a JSON list: java, its flags and -cp, as gpu/validate runs it) the
benchmark runs io.github.vrft.bench.FusedLinearRun --backend panama and --backend jcuda (a FusedLinearStep: host
arrays in and out, hidden and W copied to the device once for the forward and the backward, so its wall time includes
those copies and the gradients' way back; device memory polled by a second backend instance), against eager PyTorch (hidden @ W.T, log_softmax, gather, autograd) on resident data timed
by CUDA events, the same from and back to host tensors timed by the wall clock, and Liger-Kernel's
LigerFusedLinearGRPOLoss (beta 0, no reference model, not torch.compiled) where it is importable. Memory is counted
beyond the inputs (hidden, W, tokens) on every side; the gradients count. Rows use the suite's CSV schema
(op,implementation,backend,size_params,metric,value,unit,machine,date); notes go to stdout.

--emulated: the CUDA host emulation's libvrft.so at tiny sizes, no PyTorch needed (CI checks the plumbing);
its times are the emulation's and mean nothing.
"""
import argparse
import csv
import ctypes
import datetime
import json
import os
import random
import statistics
import subprocess
import sys
import time

HEADER = ["op", "implementation", "backend", "size_params", "metric", "value", "unit", "machine", "date"]

try:
    import torch
except ImportError:  # the emulated run, or a machine without PyTorch: the peers are skipped
    torch = None


class LossCfg(ctypes.Structure):
    """vrft_loss_cfg of cuda/include/vrft_abi.h."""
    _fields_ = [("impl", ctypes.c_int), ("loss_type", ctypes.c_int), ("sequence", ctypes.c_int),
                ("bias_kl", ctypes.c_int), ("kl_type", ctypes.c_int), ("rows", ctypes.c_int), ("cols", ctypes.c_int),
                ("eps_low", ctypes.c_double), ("eps_high", ctypes.c_double), ("delta", ctypes.c_double),
                ("beta", ctypes.c_double), ("clip_c", ctypes.c_double), ("ga", ctypes.c_double),
                ("num_items", ctypes.c_double), ("num_processes", ctypes.c_double),
                ("max_completion_length", ctypes.c_double), ("dp_size", ctypes.c_double),
                ("batch_num_tokens", ctypes.c_double), ("global_batch_size", ctypes.c_double),
                ("loss_scale_factor", ctypes.c_double)]


VRFT_LOSS_TRL_CLIPPED, VRFT_TRL_DAPO, VRFT_KL_NONE, VRFT_ADV_TRL_GROUP, VRFT_SUMS = 0, 3, -1, 1, 8


def abi_constant(name):
    """A constant of cuda/include/vrft_abi.h (declared once there)."""
    here = os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(here, "..", "cuda", "include", "vrft_abi.h")) as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 3 and parts[0] == "#define" and parts[1] == name:
                return int(parts[2].strip("()"))
    raise KeyError(name)


class Vrft:
    def __init__(self, path):
        self.lib = ctypes.CDLL(path)
        self.lib.vrft_last_error.restype = ctypes.c_char_p
        self.lib.vrft_error_string.restype = ctypes.c_char_p
        self.ctx = ctypes.c_void_p()
        self.check(self.lib.vrft_context_create(0, ctypes.byref(self.ctx)), "vrft_context_create")
        self.check(self.lib.vrft_context_set_timing(self.ctx, 1), "vrft_context_set_timing")

    def check(self, status, what):
        if status != 0:
            raise RuntimeError(f"{what}: {self.lib.vrft_error_string(status).decode()} "
                               f"({self.lib.vrft_last_error().decode()})")

    def kernel_ms(self):
        ms = ctypes.c_float()
        self.check(self.lib.vrft_last_kernel_ms(self.ctx, ctypes.byref(ms)), "vrft_last_kernel_ms")
        return ms.value

    def call(self, fn, *args):
        self.check(getattr(self.lib, fn)(self.ctx, *args), fn)
        return self.kernel_ms()

    def close(self):
        self.lib.vrft_context_destroy(self.ctx)


def ptr(buf):
    """A host buffer's address for ctypes: a CPU tensor or an array.array."""
    if torch is not None and isinstance(buf, torch.Tensor):
        return ctypes.c_void_p(buf.data_ptr())
    addr, _ = buf.buffer_info()
    return ctypes.c_void_p(addr)


def host(kind, n, fill=None):
    """n zeros (or fill(k) values) of kind 'f' float32, 'd' float64, 'q' int64, 'i' int32, 'B' uint8."""
    if torch is not None:
        dt = {"f": torch.float32, "d": torch.float64, "q": torch.int64, "i": torch.int32, "B": torch.uint8}[kind]
        t = torch.zeros(n, dtype=dt)
        if fill is not None:
            t.copy_(torch.tensor([fill(k) for k in range(n)], dtype=dt))
        return t
    import array
    a = array.array(kind, [0] * n) if kind != "f" and kind != "d" else array.array(kind, [0.0] * n)
    if fill is not None:
        for k in range(n):
            a[k] = fill(k)
    return a


def median_ms(times):
    return statistics.median(times)


class Rows:
    def __init__(self, path, machine, backend):
        self.path, self.machine, self.backend = path, machine, backend
        self.date = datetime.date.today().isoformat()
        new = not os.path.exists(path) or os.path.getsize(path) == 0
        self.f = open(path, "a", newline="")
        self.w = csv.writer(self.f)
        if new:
            self.w.writerow(HEADER)

    def add(self, op, impl, size, metric, value, unit, backend=None):
        self.w.writerow([op, impl, backend or self.backend, size, metric, f"{value:.6g}", unit, self.machine,
                         self.date])
        self.f.flush()

    def timed(self, op, impl, size, ms, items, unit, nbytes=None):
        self.add(op, impl, size, "kernel_time" if impl == "vrft-kernels" else "time", ms / 1e3, "s")
        self.add(op, impl, size, "throughput", items / (ms / 1e3), unit)
        if nbytes:
            self.add(op, impl, size, "bandwidth", nbytes / (ms / 1e3) / 1e9, "GB/s")


def note(text):
    print(f"bench: {text}", flush=True)


def machine_name(emulated):
    if emulated:
        return "CUDA host emulation (not a GPU)"
    try:
        out = subprocess.run(["nvidia-smi", "--query-gpu=name,driver_version", "--format=csv,noheader"],
                             capture_output=True, text=True, timeout=20).stdout.strip().splitlines()
        if out:
            return f"{out[0].split(',')[0].strip()}, driver {out[0].split(',')[1].strip()}"
    except (OSError, subprocess.SubprocessError):
        pass
    return torch.cuda.get_device_name(0) if torch is not None and torch.cuda.is_available() else "unknown GPU"


def cuda_time_ms(fn, reps, warm=1):
    """Median of reps CUDA-event timings of fn() on the current stream."""
    for _ in range(warm):
        fn()
    times = []
    for _ in range(reps):
        a, b = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        a.record()
        fn()
        b.record()
        b.synchronize()
        times.append(a.elapsed_time(b))
    return median_ms(times)


# ---- ops ----------------------------------------------------------------------------------------------------------

def bench_copy(rows, gib):
    n = int(gib * (1 << 30)) // 4
    x = torch.empty(n, dtype=torch.float32, device="cuda")
    y = torch.empty_like(x)
    ms = cuda_time_ms(lambda: y.copy_(x), 10, warm=2)
    size = f"bytes={n * 4}"
    rows.add("device_copy", "torch.Tensor.copy_", size, "time", ms / 1e3, "s")
    rows.add("device_copy", "torch.Tensor.copy_", size, "bandwidth", 2 * n * 4 / (ms / 1e3) / 1e9, "GB/s")
    note(f"device copy: {2 * n * 4 / (ms / 1e3) / 1e9:.0f} GB/s (read + write) over {n * 4 / 2**30:.1f} GiB")
    del x, y


def ragged_boxes(batch, n_lo, n_hi, m_lo, m_hi, seed):
    rnd = random.Random(seed)
    if torch is not None:
        g = torch.Generator().manual_seed(seed)
        n = torch.randint(n_lo, n_hi + 1, (batch,), generator=g)
        m = torch.randint(m_lo, m_hi + 1, (batch,), generator=g)
        aoff = torch.zeros(batch + 1, dtype=torch.int64)
        boff = torch.zeros(batch + 1, dtype=torch.int64)
        aoff[1:] = torch.cumsum(n, 0)
        boff[1:] = torch.cumsum(m, 0)

        def boxes(k):
            xy = torch.rand(k, 2, generator=g) * 800
            wh = torch.rand(k, 2, generator=g) * 200 + 1
            return torch.cat([xy, xy + wh], 1).contiguous().view(-1)
        return boxes(int(aoff[-1])), aoff, boxes(int(boff[-1])), boff
    ns = [rnd.randint(n_lo, n_hi) for _ in range(batch)]
    ms = [rnd.randint(m_lo, m_hi) for _ in range(batch)]
    aoff = host("q", batch + 1, lambda k: sum(ns[:k]))
    boff = host("q", batch + 1, lambda k: sum(ms[:k]))

    def boxes(k):
        vals = []
        for _ in range(k):
            x, y = rnd.random() * 800, rnd.random() * 800
            vals += [x, y, x + 1 + rnd.random() * 200, y + 1 + rnd.random() * 200]
        return host("f", len(vals), lambda i: vals[i])
    return boxes(aoff[-1]), aoff, boxes(boff[-1]), boff


def bench_iou(rows, vrft, batch, n_range, m_range, reps):
    a, aoff, b, boff = ragged_boxes(batch, *n_range, *m_range, seed=batch)
    na, nb = int(aoff[-1]), int(boff[-1])
    pairs = sum(int(aoff[i + 1] - aoff[i]) * int(boff[i + 1] - boff[i]) for i in range(batch)) if torch is None \
        else int(((aoff[1:] - aoff[:-1]) * (boff[1:] - boff[:-1])).sum())
    out = host("f", max(pairs, 1))
    size = f"samples={batch};a={n_range[0]}-{n_range[1]};b={m_range[0]}-{m_range[1]};pairs={pairs}"
    times = [vrft.call("vrft_pairwise_iou", batch, ptr(a), ptr(aoff), ptr(b), ptr(boff), ptr(out))
             for _ in range(reps)]
    nbytes = 4 * pairs + 16 * (na + nb) + 8 * 2 * (batch + 1)
    rows.timed("pairwise_iou", "vrft-kernels", size, median_ms(times), pairs, "pairs/s", nbytes)
    note(f"pairwise_iou {size}: {median_ms(times):.3f} ms, {nbytes / median_ms(times) / 1e6:.0f} GB/s")
    if torch is None or not torch.cuda.is_available():
        return
    import torchvision.ops
    ga, gb = a.view(-1, 4).cuda(), b.view(-1, 4).cuda()
    ao, bo = aoff.tolist(), boff.tolist()
    k = min(batch, 2000)
    ms = cuda_time_ms(lambda: [torchvision.ops.box_iou(ga[ao[i]:ao[i + 1]], gb[bo[i]:bo[i + 1]]) for i in range(k)],
                      3)
    sub_pairs = sum((ao[i + 1] - ao[i]) * (bo[i + 1] - bo[i]) for i in range(k))
    rows.timed("pairwise_iou", "torchvision.ops.box_iou-per-sample", size + f";timed_samples={k}", ms, sub_pairs,
               "pairs/s")
    # padded batch: [B, maxN, 4] x [B, maxM, 4], torchvision's formula broadcast over the batch
    n, m = aoff[1:] - aoff[:-1], boff[1:] - boff[:-1]
    pa = torch.zeros(batch, int(n.max()), 4, device="cuda")
    pb = torch.zeros(batch, int(m.max()), 4, device="cuda")
    ia = torch.repeat_interleave(torch.arange(batch), n).cuda()
    ib = torch.repeat_interleave(torch.arange(batch), m).cuda()
    ja = (torch.arange(na) - torch.repeat_interleave(aoff[:-1], n)).cuda()
    jb = (torch.arange(nb) - torch.repeat_interleave(boff[:-1], m)).cuda()
    pa[ia, ja] = ga
    pb[ib, jb] = gb

    def padded():
        area1 = (pa[..., 2] - pa[..., 0]) * (pa[..., 3] - pa[..., 1])
        area2 = (pb[..., 2] - pb[..., 0]) * (pb[..., 3] - pb[..., 1])
        lt = torch.max(pa[:, :, None, :2], pb[:, None, :, :2])
        rb = torch.min(pa[:, :, None, 2:], pb[:, None, :, 2:])
        wh = (rb - lt).clamp(min=0)
        inter = wh[..., 0] * wh[..., 1]
        return inter / (area1[:, :, None] + area2[:, None, :] - inter)
    ms = cuda_time_ms(padded, reps)
    rows.timed("pairwise_iou", "torch-padded-batch", size + f";padded={int(n.max())}x{int(m.max())}", ms, pairs,
               "pairs/s")
    del pa, pb, ga, gb


def loss_inputs(rows_, cols, seed):
    if torch is not None:
        g = torch.Generator().manual_seed(seed)
        logp = -torch.rand(rows_, cols, generator=g) * 3
        old = logp + torch.randn(rows_, cols, generator=g) * 0.1
        ref = logp + torch.randn(rows_, cols, generator=g) * 0.1
        lens = torch.randint(cols // 2, cols + 1, (rows_,), generator=g)
        mask = (torch.arange(cols)[None, :] < lens[:, None]).to(torch.uint8)
        adv = torch.randn(rows_, generator=g)
        return logp.contiguous().view(-1), old.view(-1), ref.view(-1), mask.view(-1), adv
    rnd = random.Random(seed)
    n = rows_ * cols
    logp = host("f", n, lambda k: -rnd.random() * 3)
    old = host("f", n, lambda k: logp[k] + rnd.gauss(0, 0.1))
    ref = host("f", n, lambda k: logp[k] + rnd.gauss(0, 0.1))
    mask = host("B", n, lambda k: 1 if k % cols < cols - (k // cols) % 3 else 0)
    adv = host("f", rows_, lambda k: rnd.gauss(0, 1))
    return logp, old, ref, mask, adv


def bench_loss(rows, vrft, rows_, cols, reps):
    logp, old, ref, mask, adv = loss_inputs(rows_, cols, 5)
    n = rows_ * cols
    cfg = LossCfg(impl=VRFT_LOSS_TRL_CLIPPED, loss_type=VRFT_TRL_DAPO, kl_type=VRFT_KL_NONE, rows=rows_, cols=cols,
                  eps_low=0.2, eps_high=0.28, delta=-1, beta=0.04, clip_c=3, ga=1, num_items=-1, num_processes=1,
                  max_completion_length=cols, dp_size=-1, batch_num_tokens=-1, global_batch_size=-1,
                  loss_scale_factor=-1)
    grad, ptl, kl = host("f", n), host("f", n), host("f", n)
    sums = (ctypes.c_double * VRFT_SUMS)()
    lh = host("i", 2 * rows_)
    times = [vrft.call("vrft_policy_loss", ctypes.byref(cfg), ptr(logp), ptr(old), ptr(ref), None, ptr(mask),
                       ptr(adv), ptr(grad), ptr(ptl), ptr(kl), sums, ptr(lh)) for _ in range(reps)]
    size = f"tokens={n};shape={rows_}x{cols};config=trl-dapo-kl"
    nbytes = n * (4 + 4 + 4 + 1) + n * (4 + 4 + 4) + 4 * rows_
    rows.timed("policy_loss", "vrft-kernels", size, median_ms(times), n, "tokens/s", nbytes)
    note(f"policy_loss {size}: {median_ms(times):.3f} ms, {nbytes / median_ms(times) / 1e6:.0f} GB/s")
    if torch is None or not torch.cuda.is_available():
        return
    g_logp = logp.view(rows_, cols).cuda()
    g_old, g_ref = old.view(rows_, cols).cuda(), ref.view(rows_, cols).cuda()
    g_mask, g_adv = mask.view(rows_, cols).cuda().float(), adv.cuda()

    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "benchmarks", "peers"))
    from trl_loss import dapo_k3

    def trl_dapo_kl():  # the configuration above: eps 0.2/0.28, beta 0.04
        return dapo_k3(g_logp, g_old, g_ref, g_mask, g_adv, 0.2, 0.28, 0.04)[1]
    torch.cuda.reset_peak_memory_stats()
    base = torch.cuda.memory_allocated()
    ms = cuda_time_ms(trl_dapo_kl, reps)
    rows.timed("policy_loss", "torch-eager-trl", size, ms, n, "tokens/s")
    rows.add("policy_loss", "torch-eager-trl", size, "peak_memory", torch.cuda.max_memory_allocated() - base, "bytes")
    try:  # Liger-Kernel's Triton GRPO loss, where it is installed
        from liger_kernel.chunked_loss import LigerFusedLinearGRPOLoss  # noqa: F401
        note("liger_kernel importable, but its GRPO loss starts from hidden states (fused linear): issue 19 compares "
             "it there")
    except ImportError:
        note("liger_kernel not importable: the Liger-style Triton peer is skipped")
    del g_logp, g_old, g_ref, g_mask, g_adv


def bench_logits(rows, vrft, n, vocab, reps, tau=0.7):
    if torch is not None:
        g = torch.Generator().manual_seed(vocab)
        x = torch.randn(n, vocab, generator=g).view(-1) * 3
        tokens = torch.randint(0, vocab, (n,), generator=g, dtype=torch.int32)
        glogp = torch.randn(n, generator=g)
    else:
        rnd = random.Random(vocab)
        x = host("f", n * vocab, lambda k: rnd.gauss(0, 3))
        tokens = host("i", n, lambda k: rnd.randrange(vocab))
        glogp = host("f", n, lambda k: rnd.gauss(0, 1))
    logp, lse, grad = host("f", n), host("d", n), host("f", n * vocab)
    fwd, bwd = [], []
    for _ in range(reps):
        fwd.append(vrft.call("vrft_logits_forward", ctypes.c_longlong(n), vocab, ctypes.c_double(tau), ptr(x),
                             ptr(tokens), None, ptr(logp), ptr(lse)))
        bwd.append(vrft.call("vrft_logits_backward", ctypes.c_longlong(n), vocab, ctypes.c_double(tau), ptr(x),
                             ptr(tokens), None, ptr(lse), ptr(glogp), ptr(grad)))
    size = f"tokens={n};vocab={vocab};tau={tau}"
    ms = median_ms(fwd) + median_ms(bwd)
    rows.timed("logits_logprobs", "vrft-kernels", size, ms, n, "tokens/s", 12 * n * vocab)
    rows.add("logits_logprobs", "vrft-kernels", size + ";pass=forward", "bandwidth",
             4 * n * vocab / (median_ms(fwd) / 1e3) / 1e9, "GB/s")
    rows.add("logits_logprobs", "vrft-kernels", size + ";pass=backward", "bandwidth",
             8 * n * vocab / (median_ms(bwd) / 1e3) / 1e9, "GB/s")
    # vrft_logits_backward writes the gradient over its device copy of the logits: one [n, vocab] buffer at a time
    rows.add("logits_logprobs", "vrft-kernels", size, "peak_memory", 4 * n * vocab + 17 * n, "bytes")
    note(f"logits {size}: forward {median_ms(fwd):.3f} ms, backward {median_ms(bwd):.3f} ms")
    if torch is None or not torch.cuda.is_available():
        return
    gx = x.view(n, vocab).cuda()
    gt = tokens.long().cuda()
    gg = glogp.cuda()
    torch.cuda.synchronize()
    torch.cuda.reset_peak_memory_stats()
    base = torch.cuda.memory_allocated()

    def eager():  # TRL's selective log-softmax path: log_softmax(logits / T), gather, autograd
        xx = gx.detach().requires_grad_(True)
        lp = torch.log_softmax(xx / tau, dim=-1).gather(-1, gt.unsqueeze(-1)).squeeze(-1)
        (lp * gg).sum().backward()
        return xx.grad
    ms = cuda_time_ms(eager, reps)
    rows.timed("logits_logprobs", "torch-eager-log_softmax", size, ms, n, "tokens/s")
    rows.add("logits_logprobs", "torch-eager-log_softmax", size, "peak_memory",
             torch.cuda.max_memory_allocated() - base + 4 * n * vocab, "bytes")
    del gx, gt, gg


def liger_peer(rows, size, loss_class, hidden, weight, tokens, g, n, h, tau, reps, peak_of):
    """Liger-Kernel's chunked fused linear GRPO loss (beta 0, no reference model, not compiled) on the same hidden
    states and weight, as sequences of 512 tokens: its GRPO loss on top of the log-probs is a few elementwise ops."""
    seqs = max(1, n // 512)
    loss_fn = loss_class(beta=0.0, compiled=False, use_ref_model=False, chunk_size=1, temperature=tau)
    adv = torch.randn(seqs, device="cuda", generator=g)
    ids = tokens[:seqs * (n // seqs)].view(seqs, -1)
    mask = torch.ones_like(ids)

    def liger():
        x = hidden[:ids.numel()].view(seqs, -1, h).detach().requires_grad_(True)
        w = weight.detach().requires_grad_(True)
        out = loss_fn(x, w, ids, mask, adv)
        (out[0] if isinstance(out, tuple) else out).backward()
        return x.grad, w.grad
    ms, peak = peak_of(liger, lambda fn: cuda_time_ms(fn, reps))
    lsize = size + f";liger-sequences={seqs}"
    rows.add("fused_linear_logprobs", "liger-fused-linear-grpo", lsize + ";timing=cuda-events,resident", "time",
             ms / 1e3, "s")
    rows.add("fused_linear_logprobs", "liger-fused-linear-grpo", lsize + ";timing=cuda-events,resident",
             "throughput", ids.numel() / (ms / 1e3), "tokens/s")
    rows.add("fused_linear_logprobs", "liger-fused-linear-grpo", lsize, "peak_memory", peak, "bytes")
    note(f"fused linear {size} Liger GRPO: {ms:.1f} ms, peak {peak / 2**20:.0f} MiB beyond the inputs")


def bench_fused_linear(rows, java_cmd, n, h, vocab, chunk, reps, tau=0.7, timeout=120):
    """vrft's fused linear path through both bindings (FusedLinearRun, a JVM of its own), then the PyTorch peers."""
    size = f"tokens={n};hidden={h};vocab={vocab};chunk={chunk};tau={tau}"
    failed = []
    for backend in ("panama", "jcuda"):
        cmd = java_cmd + ["io.github.vrft.bench.FusedLinearRun", str(n), str(h), str(vocab), str(chunk), str(tau),
                          "-", str(reps), "--backend", backend]
        try:
            p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            note(f"fused linear {backend}: over {timeout} s, not measured")
            failed.append(backend)
            continue
        if p.returncode != 0:
            why = (p.stderr.strip().splitlines() or ["exit %d" % p.returncode])[-1]
            note(f"fused linear {backend}: not measured: {why}")
            if backend == "panama":  # jcuda needs a CUDA 12 cuBLAS for JCublas; its absence is not a failure
                failed.append(backend)
            continue
        v = json.loads(p.stdout.strip().splitlines()[-1])
        t = v["forward_s"] + v["backward_s"]
        input_bytes = v["device_input_bytes"]  # hidden, W and the tokens, as FusedLinearRun uploads them
        impl = f"vrft-{backend}"
        rows.add("fused_linear_logprobs", impl, size + ";timing=wall,host-arrays", "time", t, "s")
        rows.add("fused_linear_logprobs", impl, size + ";timing=wall,host-arrays", "throughput", n / t, "tokens/s")
        rows.add("fused_linear_logprobs", impl, size, "peak_memory", max(0, v["device_peak_bytes"] - input_bytes),
                 "bytes")
        note(f"fused linear {size} {backend}: {t * 1e3:.1f} ms (forward {v['forward_s'] * 1e3:.1f}), device peak "
             f"{v['device_peak_bytes'] / 2**20:.0f} MiB with the inputs ({input_bytes / 2**20:.0f} MiB)")
    if torch is None or not torch.cuda.is_available():
        if failed:
            raise RuntimeError("fused linear: " + ", ".join(failed) + " not measured")
        return
    g = torch.Generator(device="cuda").manual_seed(23)
    hidden = torch.randn(n, h, device="cuda", generator=g)
    weight = torch.randn(vocab, h, device="cuda", generator=g) / h ** 0.5
    tokens = torch.randint(0, vocab, (n,), device="cuda", generator=g)
    glogp = torch.randn(n, device="cuda", generator=g)
    torch.cuda.synchronize()

    def eager(x0=hidden, w0=weight):  # TRL's path from the lm_head: logits, log_softmax / T, gather, autograd
        x = x0.detach().requires_grad_(True)
        w = w0.detach().requires_grad_(True)
        lp = torch.log_softmax((x @ w.T) / tau, dim=-1).gather(-1, tokens.unsqueeze(-1)).squeeze(-1)
        (lp * glogp).sum().backward()
        return x.grad, w.grad

    def peak_of(fn, timing):
        torch.cuda.empty_cache()
        torch.cuda.reset_peak_memory_stats()
        base = torch.cuda.memory_allocated()
        ms = timing(fn)
        return ms, torch.cuda.max_memory_allocated() - base

    ms, peak = peak_of(eager, lambda fn: cuda_time_ms(fn, reps))
    rows.add("fused_linear_logprobs", "torch-eager-matmul-log_softmax", size + ";timing=cuda-events,resident", "time",
             ms / 1e3, "s")
    rows.add("fused_linear_logprobs", "torch-eager-matmul-log_softmax", size + ";timing=cuda-events,resident",
             "throughput", n / (ms / 1e3), "tokens/s")
    rows.add("fused_linear_logprobs", "torch-eager-matmul-log_softmax", size, "peak_memory", peak, "bytes")
    note(f"fused linear {size} torch eager: {ms:.1f} ms resident, peak {peak / 2**20:.0f} MiB beyond the inputs")
    hidden_h, weight_h = hidden.cpu(), weight.cpu()

    def from_host():  # what vrft's API does: host arrays to the device and the gradients back
        gx, gw = eager(hidden_h.cuda(), weight_h.cuda())
        return gx.cpu(), gw.cpu()

    def wall_ms(fn):
        fn()
        times = []
        for _ in range(reps):
            torch.cuda.synchronize()
            t0 = time.perf_counter()
            fn()
            torch.cuda.synchronize()
            times.append((time.perf_counter() - t0) * 1e3)
        return median_ms(times)
    ms = wall_ms(from_host)
    rows.add("fused_linear_logprobs", "torch-eager-matmul-log_softmax", size + ";timing=wall,host-arrays", "time",
             ms / 1e3, "s")
    rows.add("fused_linear_logprobs", "torch-eager-matmul-log_softmax", size + ";timing=wall,host-arrays",
             "throughput", n / (ms / 1e3), "tokens/s")
    note(f"fused linear {size} torch eager from host arrays: {ms:.1f} ms")
    try:
        from liger_kernel.chunked_loss import LigerFusedLinearGRPOLoss
    except ImportError:
        note("liger_kernel not importable: the Liger fused linear GRPO peer is skipped")
    else:
        try:  # an API that moved is a note, not a failed benchmark
            liger_peer(rows, size, LigerFusedLinearGRPOLoss, hidden, weight, tokens, g, n, h, tau, reps, peak_of)
        except Exception as e:
            note(f"Liger fused linear GRPO failed: {type(e).__name__}: {e}")
    del hidden, weight, tokens, glogp, hidden_h, weight_h
    if failed:
        raise RuntimeError("fused linear: " + ", ".join(failed) + " not measured")


def bench_advantages(rows, vrft, n, group, reps):
    groups = n // group
    if torch is not None:
        r = torch.randn(n, generator=torch.Generator().manual_seed(3))
        start = torch.arange(0, n + 1, group, dtype=torch.int32)
        member = torch.arange(n, dtype=torch.int32)
    else:
        rnd = random.Random(3)
        r = host("f", n, lambda k: rnd.gauss(0, 1))
        start = host("i", groups + 1, lambda k: k * group)
        member = host("i", n, lambda k: k)
    adv = host("f", n)
    times = [vrft.call("vrft_group_advantages", n, groups, ptr(r), ptr(start), ptr(member), VRFT_ADV_TRL_GROUP,
                       ptr(adv)) for _ in range(reps)]
    size = f"rewards={n};group={group};flavor=trl-group"
    rows.timed("group_advantages", "vrft-kernels", size, median_ms(times), n, "rewards/s", 4 * n * 2 + 4 * n)
    if torch is None or not torch.cuda.is_available():
        return
    gr = r.cuda()

    def trl():  # TRL GRPOTrainer: view(-1, G), mean, std, repeat_interleave, (r - mean) / (std + 1e-4)
        m = gr.view(-1, group).mean(dim=1).repeat_interleave(group)
        s = gr.view(-1, group).std(dim=1).repeat_interleave(group)
        return (gr - m) / (s + 1e-4)
    ms = cuda_time_ms(trl, reps)
    rows.timed("group_advantages", "torch-eager-trl", size, ms, n, "rewards/s")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--lib", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--budget", type=float, default=120, help="seconds; ops not begun by then are skipped")
    p.add_argument("--emulated", action="store_true")
    p.add_argument("--java-cmd", help="JSON list: java, its flags and its -cp, to run FusedLinearRun")
    args = p.parse_args()
    java_cmd = json.loads(args.java_cmd) if args.java_cmd else None
    global VRFT_LOSS_TRL_CLIPPED, VRFT_TRL_DAPO, VRFT_KL_NONE, VRFT_ADV_TRL_GROUP, VRFT_SUMS
    VRFT_LOSS_TRL_CLIPPED, VRFT_TRL_DAPO = abi_constant("VRFT_LOSS_TRL_CLIPPED"), abi_constant("VRFT_TRL_DAPO")
    VRFT_KL_NONE, VRFT_ADV_TRL_GROUP = abi_constant("VRFT_KL_NONE"), abi_constant("VRFT_ADV_TRL_GROUP")
    VRFT_SUMS = abi_constant("VRFT_SUMS")
    start = time.monotonic()
    gpu = not args.emulated and torch is not None and torch.cuda.is_available()
    if not args.emulated and not gpu:
        note("PyTorch with CUDA is not importable: the peers are skipped, the kernels run at full size")
    rows = Rows(args.out, machine_name(args.emulated), "cuda-host-emulation" if args.emulated else "cuda")
    vrft = Vrft(args.lib)
    if args.emulated:
        plan = [lambda: bench_iou(rows, vrft, 64, (0, 6), (0, 12), 2),
                lambda: bench_loss(rows, vrft, 4, 64, 2),
                lambda: bench_logits(rows, vrft, 8, 1000, 2),
                lambda: bench_advantages(rows, vrft, 64, 8, 2)]
        if java_cmd:
            plan.append(lambda: bench_fused_linear(rows, java_cmd, 16, 8, 1000, 8, 1))
    else:
        plan = ([lambda: bench_copy(rows, 1.0)] if gpu else []) + [
            lambda: bench_iou(rows, vrft, 4096, (1, 6), (0, 12), 5),
            lambda: bench_iou(rows, vrft, 1_000_000, (1, 6), (0, 12), 5),
            lambda: bench_iou(rows, vrft, 16, (1024, 1024), (1024, 1024), 5),
            lambda: bench_advantages(rows, vrft, 1_000_000, 8, 5),
            lambda: bench_loss(rows, vrft, 1024, 16384, 5),
            lambda: bench_logits(rows, vrft, 4096, 32768, 5),
            lambda: bench_logits(rows, vrft, 1024, 151936, 5)]
        if java_cmd:  # Qwen2.5-VL-3B's lm_head: H = 2,048, V = 151,936; 4,096 tokens in chunks of 1,024
            plan.append(lambda: bench_fused_linear(rows, java_cmd, 4096, 2048, 151936, 1024, 3))
    failed = 0
    for k, op in enumerate(plan):
        if time.monotonic() - start > args.budget:
            note(f"out of time: {len(plan) - k} ops not run")
            failed = 1
            break
        try:
            op()
        except Exception as e:  # one op's failure is recorded; the others still run
            note(f"FAILED: {type(e).__name__}: {e}")
            failed = 1
        if torch is not None and gpu:
            torch.cuda.empty_cache()
    vrft.close()
    return failed


if __name__ == "__main__":
    sys.exit(main())
