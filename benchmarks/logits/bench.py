#!/usr/bin/env python3
"""The loss from logits on the CPU: vrft's LogitsLogProbs against eager PyTorch, same data, same run (issue 19).

    benchmarks/logits/bench.py            4,096 x 32,768 and 1,024 x 151,936 (Qwen2.5-VL's vocabulary), 5 timed calls
    benchmarks/logits/bench.py --quick    256 x 32,768, 2 calls (a smoke test: benchmarks/target/logits-quick)
    benchmarks/logits/bench.py --fused    the fused linear log-prob: 512 x 512 x 32,768 and 2,048 x 256 x 32,768 (N x H x V), chunks of 128

For each shape, `io.github.vrft.bench.LogitsRun` generates the logits, tokens and dL/dlogp (seeded), writes them as
.npy, and times LogitsLogProbs.forward + backward (median of the timed calls after two warm-up calls; every core),
once into a new gradient array and once written over the logits, counting the bytes the JVM's threads allocate per
call. Then `peers/logits_torch.py` reads the same files and times
what a PyTorch user runs: log_softmax(logits / tau), gather, backward through autograd, with torch's threads = every
core; its extra memory is the peak resident set during a call above the resident set before it (VmHWM, reset per
call). Rows go to logits_cpu.csv in the suite's schema, and REPORT.md gets a logits_cpu section. The peer runs in the
Python that imports torch (VRFT_TORCH_PYTHON, /usr/bin/python3, python3); without one the peer is skipped and said so.
"""
import argparse
import csv
import datetime
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "benchmarks", "endtoend"))
import bench as endtoend  # noqa: E402  (the machine's description, the schema, REPORT.md's sections)


def java():
    home = os.environ.get("JAVA_HOME", "/usr/lib/jvm/temurin-25-jdk-amd64")
    return os.path.join(home, "bin", "java")


def torch_python():
    for py in [os.environ.get("VRFT_TORCH_PYTHON"), "/usr/bin/python3", "python3"]:
        if py and subprocess.run([py, "-c", "import torch"], capture_output=True).returncode == 0:
            return py
    return None


def fused(a, cp, py, where, date):
    """--fused: FusedLinearLogProbs against hidden @ W.T + log_softmax + autograd in PyTorch."""
    rows = []
    table = ["| N x H x V (chunk) | implementation | forward + backward | tokens/s | memory beyond the inputs |",
             "|---|---|---:|---:|---:|"]
    ratios = []
    for shape in a.fused_shapes.split(","):
        n, h, vocab = (int(x) for x in shape.split("x"))
        size = f"tokens={n};hidden={h};vocab={vocab};chunk={a.chunk};tau={a.tau}"
        with tempfile.TemporaryDirectory(dir=os.path.join(ROOT, "benchmarks", "target")) as work:
            out = subprocess.run([java(), "-Xmx8g", "--add-modules", "jdk.incubator.vector", "-cp", cp,
                                  "io.github.vrft.bench.FusedLinearRun", str(n), str(h), str(vocab), str(a.chunk),
                                  a.tau, work, str(a.calls)], capture_output=True, text=True)
            if out.returncode != 0:
                sys.exit(f"bench: FusedLinearRun failed:\n{out.stderr}")
            v = json.loads(out.stdout.strip().splitlines()[-1])
            peer = None
            if py:
                p = subprocess.run([py, os.path.join(ROOT, "benchmarks", "peers", "logits_torch.py"), "--fused", work,
                                    str(n), str(h), str(vocab), a.tau, str(a.calls)], capture_output=True, text=True)
                if p.returncode != 0:
                    sys.exit(f"bench: the PyTorch peer failed:\n{p.stderr}")
                peer = json.loads(p.stdout.strip().splitlines()[-1])
        t = v["forward_s"] + v["backward_s"]
        total = v["extra_bytes"] + v["gradient_bytes"]
        rows += [["fused_linear_logprobs", "vrft-kernels", "cpu", size, "latency", f"{t:.6g}", "s/call", where, date],
                 ["fused_linear_logprobs", "vrft-kernels", "cpu", size, "throughput", f"{n / t:.6g}", "tokens/s", where,
                  date],
                 ["fused_linear_logprobs", "vrft-kernels", "cpu", size, "allocated_per_call", str(total), "bytes",
                  where, date]]
        table.append(f"| {n:,} x {h:,} x {vocab:,} ({a.chunk}) | vrft FusedLinearLogProbs (Java, {v['threads']} threads) "
                     f"| {t:.2f} s (forward {v['forward_s']:.2f}) | {n / t:,.0f} | {total / 2**20:,.0f} MiB allocated: "
                     f"the gradients ({v['gradient_bytes'] / 2**20:,.0f} MiB) and {v['extra_bytes'] / 2**20:,.1f} MiB "
                     f"(the chunk is {v['chunk_bytes'] / 2**20:,.0f} MiB) |")
        if peer:
            pt = peer["seconds"]
            psize = size + f";torch={peer['torch']}"
            rows += [["fused_linear_logprobs", "torch-eager-matmul-log_softmax", "cpu", psize, "latency", f"{pt:.6g}",
                      "s/call", where, date],
                     ["fused_linear_logprobs", "torch-eager-matmul-log_softmax", "cpu", psize, "throughput",
                      f"{n / pt:.6g}", "tokens/s", where, date],
                     ["fused_linear_logprobs", "torch-eager-matmul-log_softmax", "cpu", psize, "peak_rss_increase",
                      str(peer["peak_extra_bytes"]), "bytes", where, date]]
            table.append(f"| {n:,} x {h:,} x {vocab:,} | eager PyTorch {peer['torch']} ({peer['threads']} threads) "
                         f"| {pt:.2f} s | {n / pt:,.0f} | {peer['peak_extra_bytes'] / 2**20:,.0f} MiB peak RSS increase |")
            ratios.append(f"vrft against eager PyTorch at {n:,} x {h:,} x {vocab:,}: {pt / t:.2f}x the speed, {total / peer['peak_extra_bytes']:.2f} "
                          f"of the memory beyond the inputs ({(v['extra_bytes']) / 2**20:,.1f} MiB besides the gradients "
                          f"against {(peer['peak_extra_bytes'] - v['gradient_bytes']) / 2**20:,.0f} MiB)")
        # the same chunked algorithm with dev.ludovic.netlib's sgemm for the products (BlasPeerRun times vrft again,
        # alternately with it, so its ratio is of one run)
        b = subprocess.run([java(), "-Xmx8g", "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
                            "-cp", cp, "io.github.vrft.bench.BlasPeerRun", str(n), str(h), str(vocab), str(a.chunk),
                            str(a.calls)], capture_output=True, text=True)
        if b.returncode != 0:
            sys.exit(f"bench: BlasPeerRun failed:\n{b.stderr}")
        ours_again, blas = (json.loads(line) for line in b.stdout.strip().splitlines()[-2:])
        bt = blas["forward_backward_s"]
        rows += [["fused_linear_logprobs", blas["implementation"], "cpu", size, "latency", f"{bt:.6g}", "s/call", where,
                  date]]
        table.append(f"| {n:,} x {h:,} x {vocab:,} ({a.chunk}) | the same with {blas['implementation']}'s sgemm "
                     f"(vrft alternately: {ours_again['forward_backward_s']:.2f} s) | {bt:.2f} s | {n / bt:,.0f} | "
                     f"not measured |")
        ratios.append(f"the same algorithm with {blas['implementation']}'s sgemm at {n:,} x {h:,} x {vocab:,}: "
                      f"{ours_again['forward_backward_s'] / bt:.2f}x vrft's speed")
        print(f"bench: fused {shape}: vrft {t:.2f} s" + (f", torch {peer['seconds']:.2f} s" if peer else "")
              + f", {blas['implementation']} {bt:.2f} s", flush=True)
    with open(os.path.join(a.out, "fused_linear_cpu.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(endtoend.SCHEMA)
        w.writerows(rows)
    md = (f"## fused_linear_cpu\n\nThe fused linear log-prob on the CPU (issue 19): `benchmarks/logits/bench.py --fused` on "
          f"{where}, {date}. Hidden states [N, H] and an lm_head weight [V, H] to the chosen tokens' log-probs "
          f"(tau = {a.tau}) and back to both gradients, the median of {a.calls} timed calls after one warm-up call, "
          f"same data, same run. Memory as in logits_cpu.\n\n" + "\n".join(table) + "\n\n"
          + ("Ratios: " + "; ".join(ratios) + ".\n" + ("" if py else "No PyTorch was importable: that peer was not run.\n")))
    with open(os.path.join(a.out, "fused_linear_cpu.md"), "w") as f:
        f.write(md)
    endtoend.replace_section(os.path.join(a.out, "REPORT.md"), md)
    print(md)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shapes", default="4096x32768,1024x151936")
    ap.add_argument("--calls", type=int, default=5)
    ap.add_argument("--tau", default="0.7")
    ap.add_argument("--out", default=os.path.join(ROOT, "benchmarks", "results"))
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--fused", action="store_true", help="the fused linear log-prob instead (N x H x V shapes)")
    ap.add_argument("--fused-shapes", default="512x512x32768,2048x256x32768")
    ap.add_argument("--chunk", type=int, default=128)
    a = ap.parse_args()
    if a.quick:
        a.shapes, a.calls, a.out = "256x32768", 2, os.path.join(ROOT, "benchmarks", "target", "logits-quick")
    os.makedirs(a.out, exist_ok=True)
    if not os.path.exists(os.path.join(ROOT, "benchmarks", "target", "classes", "io", "github", "vrft", "bench",
                                       "LogitsRun.class")):
        subprocess.run(["mvn", "-q", "-B", "-ntp", "package", "-DskipTests"], cwd=ROOT, check=True)
    cp = ":".join([os.path.join(ROOT, "benchmarks", "target", "classes"),
                   os.path.join(ROOT, "benchmarks", "target", "lib", "*")])
    py = torch_python()
    where = endtoend.machine()
    date = datetime.date.today().isoformat()
    if a.fused:
        if a.quick:
            a.fused_shapes, a.calls = "64x64x4096", 1
        fused(a, cp, py, where, date)
        return
    rows = []
    table = ["| shape (tokens x vocab) | implementation | forward + backward | tokens/s | memory beyond the inputs |",
             "|---|---|---:|---:|---:|"]
    ratios = []
    for shape in a.shapes.split(","):
        n, vocab = (int(x) for x in shape.split("x"))
        size = f"tokens={n};vocab={vocab};tau={a.tau}"
        with tempfile.TemporaryDirectory(dir=os.path.join(ROOT, "benchmarks", "target")) as work:
            heap = max(4, 3 * 4 * n * vocab // 2**30 + 2)
            out = subprocess.run([java(), f"-Xmx{heap}g", "--add-modules", "jdk.incubator.vector", "-cp", cp,
                                  "io.github.vrft.bench.LogitsRun", str(n), str(vocab), a.tau, work, str(a.calls)],
                                 capture_output=True, text=True)
            if out.returncode != 0:
                sys.exit(f"bench: LogitsRun failed:\n{out.stderr}")
            v = json.loads(out.stdout.strip().splitlines()[-1])
            peer = None
            if py:
                p = subprocess.run([py, os.path.join(ROOT, "benchmarks", "peers", "logits_torch.py"), work, str(n),
                                    str(vocab), a.tau, str(a.calls)], capture_output=True, text=True)
                if p.returncode != 0:
                    sys.exit(f"bench: the PyTorch peer failed:\n{p.stderr}")
                peer = json.loads(p.stdout.strip().splitlines()[-1])
        t = v["forward_s"] + v["backward_s"]
        ti = v["in_place_forward_s"] + v["in_place_backward_s"]
        for impl, secs, alloc in (("vrft-kernels", t, v["allocated_bytes"]),
                                  ("vrft-kernels-gradient-in-place", ti, v["in_place_allocated_bytes"])):
            rows += [["logits_logprobs", impl, "cpu", size, "latency", f"{secs:.6g}", "s/call", where, date],
                     ["logits_logprobs", impl, "cpu", size, "throughput", f"{n / secs:.6g}", "tokens/s", where, date],
                     ["logits_logprobs", impl, "cpu", size, "allocated_per_call", str(alloc), "bytes", where, date]]
        table.append(f"| {n:,} x {vocab:,} | vrft LogitsLogProbs, a new gradient array (Java, {v['threads']} threads) "
                     f"| {t:.3f} s (forward {v['forward_s']:.3f}) | {n / t:,.0f} | {v['allocated_bytes'] / 2**20:,.1f} MiB "
                     f"allocated (the gradient is {v['gradient_bytes'] / 2**20:,.0f} MiB) |")
        table.append(f"| {n:,} x {vocab:,} | vrft LogitsLogProbs, the gradient written over the logits | {ti:.3f} s "
                     f"(forward {v['in_place_forward_s']:.3f}) | {n / ti:,.0f} | "
                     f"{v['in_place_allocated_bytes'] / 2**20:,.2f} MiB allocated |")
        if peer:
            pt = peer["seconds"]
            rows += [["logits_logprobs", "torch-eager-log_softmax", "cpu", size + f";torch={peer['torch']}", "latency",
                      f"{pt:.6g}", "s/call", where, date],
                     ["logits_logprobs", "torch-eager-log_softmax", "cpu", size + f";torch={peer['torch']}",
                      "throughput", f"{n / pt:.6g}", "tokens/s", where, date],
                     ["logits_logprobs", "torch-eager-log_softmax", "cpu", size + f";torch={peer['torch']}",
                      "peak_rss_increase", str(peer["peak_extra_bytes"]), "bytes", where, date]]
            table.append(f"| {n:,} x {vocab:,} | eager PyTorch {peer['torch']} ({peer['threads']} threads) | {pt:.3f} s "
                         f"| {n / pt:,.0f} | {peer['peak_extra_bytes'] / 2**20:,.0f} MiB peak RSS increase |")
            inputs = 4 * n * vocab  # the logits, which both sides hold before the call
            ratios.append(f"{n:,} x {vocab:,}: {pt / t:.1f}x the speed with a new gradient array "
                          f"({(inputs + v['allocated_bytes']) / (inputs + peer['peak_extra_bytes']):.2f} of the peak "
                          f"memory, the logits included), {pt / ti:.1f}x written over the logits "
                          f"({(inputs + v['in_place_allocated_bytes']) / (inputs + peer['peak_extra_bytes']):.2f})")
        print(f"bench: {shape}: vrft {t:.3f} s ({ti:.3f} s in place)"
              + (f", torch {peer['seconds']:.3f} s" if peer else ", no PyTorch peer"), flush=True)
    with open(os.path.join(a.out, "logits_cpu.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(endtoend.SCHEMA)
        w.writerows(rows)
    md = (f"## logits_cpu\n\nThe loss from logits on the CPU (issue 19): `benchmarks/logits/bench.py` on {where}, {date}. "
          f"Forward (log-softmax at tau = {a.tau}, the chosen token) and backward (the gradient with respect to the "
          f"logits), the median of {a.calls} timed calls after two warm-up calls, on the same data in the same run. "
          f"vrft's memory is every byte the JVM's threads allocated during a call (an upper bound of what it holds); "
          f"PyTorch's the peak resident set during a call above the resident set before it.\n\n"
          + "\n".join(table) + "\n\n"
          + ("vrft against eager PyTorch: " + "; ".join(ratios) + ".\n" if ratios else
             "No PyTorch was importable: the peer was not run.\n"))
    with open(os.path.join(a.out, "logits_cpu.md"), "w") as f:
        f.write(md)
    endtoend.replace_section(os.path.join(a.out, "REPORT.md"), md)
    print(md)


if __name__ == "__main__":
    main()
