#!/usr/bin/env python3
"""The PyTorch peers of benchmarks/logits/bench.py: what TRL and verl run in eager mode.

    python3 logits_torch.py DIR N V TAU CALLS             logits [N, V]: log_softmax(logits / tau), gather, autograd
    python3 logits_torch.py --fused DIR N H V TAU CALLS   hidden [N, H] and W [V, H]: hidden @ W.T first, then the same;
                                                          the gradients with respect to hidden and W

DIR holds the inputs as .npy (logits or hidden and weight; tokens; grad_logp). The loss is (logp * grad_logp).sum(),
so the backward gets the same dL/dlogp as vrft's. Times the median of CALLS calls after warm-up calls, torch's
threads = every core; the extra memory is the peak resident set during a call (VmHWM, reset through
/proc/self/clear_refs) above the resident set before it, so it counts the gradients too. Prints one JSON line.
"""
import json
import os
import statistics
import sys
import time

import numpy as np
import torch


def rss(field):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    return 0


def measure(step, calls, warm):
    times, extra = [], []
    for k in range(calls + warm):
        before = rss("VmRSS")
        try:
            with open("/proc/self/clear_refs", "w") as f:
                f.write("5")  # resets VmHWM to the current RSS
        except OSError:
            pass
        t0 = time.perf_counter()
        grads = step()
        t = time.perf_counter() - t0
        peak = rss("VmHWM")
        del grads
        if k >= warm:
            times.append(t)
            extra.append(peak - before)
    return {"seconds": statistics.median(times), "peak_extra_bytes": min(extra), "torch": torch.__version__,
            "threads": torch.get_num_threads()}


def main():
    fused = sys.argv[1] == "--fused"
    args = sys.argv[2:] if fused else sys.argv[1:]
    torch.set_num_threads(os.cpu_count() or 1)
    d = args[0]
    tokens = torch.from_numpy(np.load(os.path.join(d, "tokens.npy")))
    grad = torch.from_numpy(np.load(os.path.join(d, "grad_logp.npy")))
    if fused:
        n, h, vocab, tau, calls = int(args[1]), int(args[2]), int(args[3]), float(args[4]), int(args[5])
        hidden = torch.from_numpy(np.load(os.path.join(d, "hidden.npy")).reshape(n, h))
        weight = torch.from_numpy(np.load(os.path.join(d, "weight.npy")).reshape(vocab, h))

        def step():
            x = hidden.detach().requires_grad_(True)
            w = weight.detach().requires_grad_(True)
            logp = torch.log_softmax((x @ w.T) / tau, dim=-1).gather(-1, tokens.unsqueeze(-1)).squeeze(-1)
            (logp * grad).sum().backward()
            return x.grad, w.grad
        print(json.dumps(measure(step, calls, 1)))
    else:
        n, vocab, tau, calls = int(args[1]), int(args[2]), float(args[3]), int(args[4])
        logits = torch.from_numpy(np.load(os.path.join(d, "logits.npy")).reshape(n, vocab))

        def step():
            x = logits.detach().requires_grad_(True)
            logp = torch.log_softmax(x / tau, dim=-1).gather(-1, tokens.unsqueeze(-1)).squeeze(-1)
            (logp * grad).sum().backward()
            return x.grad
        print(json.dumps(measure(step, calls, 2)))


if __name__ == "__main__":
    main()
