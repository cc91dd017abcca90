#!/usr/bin/env python3
"""The PyTorch peer of the loss from logits (benchmarks/logits/bench.py): what TRL and verl run in eager mode.

    python3 logits_torch.py DIR N V TAU CALLS     (DIR holds logits.npy, tokens.npy, grad_logp.npy)

logp = log_softmax(logits / tau).gather(tokens); (logp * grad_logp).sum().backward(): the gradient with respect to
the logits through autograd. Times the median of CALLS calls after two warm-up calls, with torch's threads = every
core; the extra memory is the peak resident set during a call (VmHWM, reset through /proc/self/clear_refs) above
the resident set before it. Prints one JSON line.
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


def main():
    d, n, vocab, tau, calls = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5])
    torch.set_num_threads(os.cpu_count() or 1)
    logits = torch.from_numpy(np.load(os.path.join(d, "logits.npy")).reshape(n, vocab))
    tokens = torch.from_numpy(np.load(os.path.join(d, "tokens.npy")))
    grad = torch.from_numpy(np.load(os.path.join(d, "grad_logp.npy")))

    def step():
        x = logits.detach().requires_grad_(True)
        logp = torch.log_softmax(x / tau, dim=-1).gather(-1, tokens.unsqueeze(-1)).squeeze(-1)
        (logp * grad).sum().backward()
        return x.grad

    times, extra = [], []
    for k in range(calls + 2):
        before = rss("VmRSS")
        try:
            with open("/proc/self/clear_refs", "w") as f:
                f.write("5")  # resets VmHWM to the current RSS
        except OSError:
            pass
        t0 = time.perf_counter()
        g = step()
        t = time.perf_counter() - t0
        peak = rss("VmHWM")
        del g
        if k >= 2:
            times.append(t)
            extra.append(peak - before)
    print(json.dumps({"seconds": statistics.median(times), "peak_extra_bytes": min(extra), "torch": torch.__version__,
                      "threads": torch.get_num_threads()}))


if __name__ == "__main__":
    main()
