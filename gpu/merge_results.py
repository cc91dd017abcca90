"""gpu/validate --merge: a GPU run's OUTDIR into benchmarks/results (gpu.csv, gpu.md, REPORT.md's section) and the
README's status rows. Called by gpu/validate after --check has passed."""
import csv
import json
import os
import re
import sys
from pathlib import Path

# Issue 20's targets: achieved bandwidth as a fraction of the measured device copy.
TARGETS = {"pairwise_iou": 0.70, "policy_loss": 0.80, "logits_logprobs": 0.80}
README_ROWS = ["| CUDA kernels and the JCuda backend |", "| Panama backend (C shim + FFM bindings) |"]


def load_rows(out):
    with open(out / "bench.csv", newline="") as f:
        return list(csv.DictReader(f))


def steps_table(summary):
    lines = ["| step | status | seconds | detail |", "|---|---|---:|---|"]
    for s in summary["steps"]:
        detail = (s.get("detail") or "").replace("|", "/").replace("\n", " ")
        lines.append(f"| {s['step']} | {s['status']} | {s['seconds']} | {detail[:160]} |")
    return "\n".join(lines)


def kernel_table(rows):
    """Per op and size: the kernel's time, throughput and bandwidth, each peer's, the ratio, the copy fraction."""
    copy = [float(r["value"]) for r in rows if r["op"] == "device_copy" and r["metric"] == "bandwidth"]
    roof = max(copy) if copy else None
    by = {}
    for r in rows:
        if r["op"] in ("device_copy", "reward_step", FUSED):
            continue
        size = ";".join(kv for kv in r["size_params"].split(";") if not kv.startswith(("timed_samples", "padded",
                                                                                         "pass=")))
        key = (r["op"], size)
        by.setdefault(key, {}).setdefault(r["implementation"], {})[r["metric"] + (
            ";" + r["size_params"].split("pass=")[1] if "pass=" in r["size_params"] else "")] = float(r["value"])
    lines = ["| op | size | vrft kernel | bandwidth | of the copy | peer | peer throughput | vrft / peer |",
             "|---|---|---:|---:|---:|---|---:|---:|"]
    verdicts = []
    for (op, size), impls in sorted(by.items()):
        v = impls.get("vrft-kernels", {})
        thr, bw = v.get("throughput"), v.get("bandwidth")
        frac = bw / roof if bw and roof else None
        if op in TARGETS and frac is not None:
            verdicts.append((op, size, frac, frac >= TARGETS[op]))
        peers = [(k, m) for k, m in impls.items() if k != "vrft-kernels"] or [("none", {})]
        for name, m in peers:
            pthr = m.get("throughput")
            unit = ""
            lines.append("| %s | %s | %s | %s | %s | %s | %s | %s |" % (
                op, size.replace(";", ", "), f"{thr:.4g}/s" if thr else "–", f"{bw:.3g} GB/s" if bw else "–",
                f"{frac:.0%}" if frac is not None else "–", name, f"{pthr:.4g}/s{unit}" if pthr else "–",
                f"{thr / pthr:.1f}x" if thr and pthr else "–"))
    return "\n".join(lines), verdicts, roof


FUSED = "fused_linear_logprobs"
# Issue 19's target for the fused linear path: device memory beyond the inputs at most a quarter of eager PyTorch's.
FUSED_MEMORY_TARGET = 0.25


def fused_linear_table(rows):
    """Per shape: each implementation's time (how it was timed), tokens/s and memory beyond the inputs; the verdicts
    of the memory target (vrft's binding against eager PyTorch)."""
    by = {}
    for r in rows:
        if r["op"] != FUSED:
            continue
        params = r["size_params"].split(";")
        shape = ";".join(kv for kv in params if not kv.startswith(("timing=", "liger-")))
        timing = next((kv.split("=", 1)[1] for kv in params if kv.startswith("timing=")), None)
        m = by.setdefault(shape, {}).setdefault(r["implementation"], {})
        if timing:
            m.setdefault("timings", {}).setdefault(timing, {})[r["metric"]] = float(r["value"])
        else:
            m[r["metric"]] = float(r["value"])
    lines = ["| size | implementation | timed | time | tokens/s | memory beyond the inputs |", "|---|---|---|---:|---:|---:|"]
    verdicts = []
    for shape, impls in sorted(by.items()):
        torch_peak = impls.get("torch-eager-matmul-log_softmax", {}).get("peak_memory")
        for impl, m in sorted(impls.items()):
            peak = m.get("peak_memory")
            for timing, t in sorted(m.get("timings", {}).items()):
                lines.append("| %s | %s | %s | %s | %s | %s |" % (
                    shape.replace(";", ", "), impl, timing.replace(",", ", "),
                    f"{t['time'] * 1e3:.1f} ms" if "time" in t else "–",
                    f"{t['throughput']:.4g}" if "throughput" in t else "–",
                    f"{peak / 2**20:,.1f} MiB" if peak is not None else "–"))
            if impl.startswith("vrft-") and peak is not None and torch_peak:
                verdicts.append((shape, impl, peak / torch_peak, peak / torch_peak <= FUSED_MEMORY_TARGET))
    return ("\n".join(lines) if by else ""), verdicts


def call_cost_table(rows):
    lines = ["| binding | completions | µs per call (JMH, ± 99.9%) |", "|---|---:|---:|"]
    cost = {}
    for r in rows:
        if r["op"] == "reward_step":
            p = dict(kv.split("=", 1) for kv in r["size_params"].split(";") if "=" in kv)
            cost.setdefault((p.get("binding"), p.get("completions")), {})[r["metric"]] = float(r["value"])
    for (b, n), m in sorted(cost.items(), key=lambda x: (x[0][0], int(x[0][1] or 0))):
        lines.append(f"| {b} | {n} | {m.get('latency', float('nan')):.1f} ± {m.get('latency_error_99.9', 0):.1f} |")
    return "\n".join(lines)


def junit_counts(out):
    text = (out / "tests.log").read_text(errors="replace")
    m = re.search(r"\[\s*(\d+) tests successful\s*\].*?\[\s*(\d+) tests failed\s*\]", text, re.S)
    return (int(m.group(1)), int(m.group(2))) if m else (0, 0)


def replace_section(path, md):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks" / "endtoend"))
    import bench as endtoend  # the one owner of REPORT.md's section replacement
    endtoend.replace_section(str(path), md)


def merge(out, root, results=None, readme=None, allow_emulated=False):
    summary = json.loads((out / "summary.json").read_text())
    if summary.get("emulated") and not allow_emulated:
        print("gpu/validate --merge: that run was on the CUDA host emulation, not a GPU: nothing merged",
              file=sys.stderr)
        return 2
    results = Path(results or root / "benchmarks" / "results")
    readme = Path(readme or root / "README.md")
    rows = load_rows(out)
    machine = next((r["machine"] for r in rows if r["op"] != "reward_step"), "unknown")
    date = rows[0]["date"] if rows else summary.get("prepared", {}).get("date", "")
    status = {s["step"]: s for s in summary["steps"]}
    passed, failed = junit_counts(out)
    sanit = {t: status.get(t, {}).get("status", "?") for t in ("memcheck", "racecheck", "synccheck")}
    table, verdicts, roof = kernel_table(rows)
    with open(results / "gpu.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["op", "implementation", "backend", "size_params", "metric", "value", "unit", "machine", "date"])
        for r in rows:
            w.writerow([r[k] for k in ("op", "implementation", "backend", "size_params", "metric", "value", "unit",
                                       "machine", "date")])
    targets = "\n".join(f"- {op} ({size.replace(';', ', ')}): {frac:.0%} of the copy, target "
                        f"{TARGETS[op]:.0%}: {'met' if ok else 'NOT met'}" for op, size, frac, ok in verdicts)
    fused, fused_verdicts = fused_linear_table(rows)
    fused_targets = "\n".join(f"- {FUSED} {impl} ({shape.replace(';', ', ')}): {frac:.2f} of eager PyTorch's memory "
                              f"beyond the inputs, target at most {FUSED_MEMORY_TARGET}: {'met' if ok else 'NOT met'}"
                              for shape, impl, frac, ok in fused_verdicts)
    fused_md = (f"The fused linear log-prob (vrft's Java API, host arrays in and out, so its wall time includes the "
                f"copies to the device and back; the peers' resident times are CUDA events, their host-array time "
                f"the wall clock; vrft's memory is the device's memory in use polled during the calls, PyTorch's "
                f"its allocator's peak):\n\n{fused}\n\n{fused_targets or '- the memory target could not be judged'}"
                f"\n\n" if fused else "")
    md = (f"## gpu_validation\n\n`gpu/validate --run` on {machine}, {date} (commit "
          f"{summary.get('prepared', {}).get('commit', '?')}"
          f"{', CUDA host emulation: these figures mean nothing' if summary.get('emulated') else ''}). "
          f"Kernel times are CUDA events around each op's kernels (host copies excluded); peers are timed with "
          f"CUDA events on data already on the device; bandwidth counts each input read once and each output "
          f"written once. Device copy (the roof): {f'{roof:.0f} GB/s' if roof else 'not measured'}.\n\n"
          f"{steps_table(summary)}\n\nGPU tests: {passed} passed, {failed} failed. compute-sanitizer over the C "
          f"self-test: memcheck {sanit['memcheck']}, racecheck {sanit['racecheck']}, synccheck "
          f"{sanit['synccheck']}.\n\n{table}\n\n{targets or '- no bandwidth target could be judged'}\n\n"
          f"{fused_md}Java -> GPU cost per call (RewardStepBenchmark, JMH, 8 x 8 boxes per completion):\n\n"
          f"{call_cost_table(rows)}\n")
    (results / "gpu.md").write_text(md)
    replace_section(results / "REPORT.md", md)
    sanitizer_ok = all(v == "clean" for v in sanit.values())
    line = (f"ran on {machine}, {date}: GPU tests {passed} passed, {failed} failed; C self-test "
            f"{status.get('selftest', {}).get('status', '?')}; compute-sanitizer "
            f"{'clean' if sanitizer_ok else ', '.join(f'{k} {v}' for k, v in sanit.items())} "
            f"([REPORT.md](benchmarks/results/REPORT.md#gpu_validation))")
    text = readme.read_text()
    for head in README_ROWS:
        m = re.search("^" + re.escape(head) + r"(.*)\|\s*$", text, re.M)
        if m:
            cells = m.group(1).split("; ran on ")[0].replace("; not yet run on a GPU", "").rstrip()
            text = text[:m.start()] + f"{head}{cells}; {line} |" + text[m.end():]
    readme.write_text(text)
    print(f"gpu/validate --merge: {results / 'gpu.csv'}, {results / 'gpu.md'}, REPORT.md's gpu_validation section, "
          f"{readme.name}'s status rows")
    for op, size, frac, ok in verdicts:
        print(f"gpu/validate --merge: {op} {size}: {frac:.0%} of the copy, target {TARGETS[op]:.0%}: "
              f"{'met' if ok else 'NOT met'}")
    for shape, impl, frac, ok in fused_verdicts:
        print(f"gpu/validate --merge: {FUSED} {impl} {shape}: {frac:.2f} of PyTorch's memory, target "
              f"{FUSED_MEMORY_TARGET}: {'met' if ok else 'NOT met'}")
    return 0
