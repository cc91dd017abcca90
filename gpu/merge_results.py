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
        if r["op"] in ("device_copy", "reward_step"):
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
    md = (f"## gpu_validation\n\n`gpu/validate --run` on {machine}, {date} (commit "
          f"{summary.get('prepared', {}).get('commit', '?')}"
          f"{', CUDA host emulation: these figures mean nothing' if summary.get('emulated') else ''}). "
          f"Kernel times are CUDA events around each op's kernels (host copies excluded); peers are timed with "
          f"CUDA events on data already on the device; bandwidth counts each input read once and each output "
          f"written once. Device copy (the roof): {f'{roof:.0f} GB/s' if roof else 'not measured'}.\n\n"
          f"{steps_table(summary)}\n\nGPU tests: {passed} passed, {failed} failed. compute-sanitizer over the C "
          f"self-test: memcheck {sanit['memcheck']}, racecheck {sanit['racecheck']}, synccheck "
          f"{sanit['synccheck']}.\n\n{table}\n\n{targets or '- no bandwidth target could be judged'}\n\n"
          f"Java -> GPU cost per call (RewardStepBenchmark, JMH, 8 x 8 boxes per completion):\n\n"
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
    return 0
