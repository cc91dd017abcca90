#!/usr/bin/env python3
"""The end-to-end benchmark: `vrft score`, file in to file out, JVM start included, against the Python peer doing
what a Python user would (benchmarks/peers/score_jsonl.py: json.loads, the upstream reward rules, json.dumps per
line) and against the bare Python JSON round trip (json.loads, a field added, json.dumps: the floor under any
Python scorer), timed alternately in the same run on the same generated files.

usage: benchmarks/endtoend/bench.py [--lines N] [--rounds R] [--mixes visual-rft,vlm-r1] [--out DIR] [--quick]

  --lines   lines per file (default 1,000,000), generated once by generate_rollouts.py (seed 1) into
            benchmarks/target/endtoend/
  --rounds  rounds; each runs every command once, in turn (default 3); the median is reported
  --out     where endtoend.csv (the suite's CSV schema) and endtoend.md go (default benchmarks/results);
            with the default, REPORT.md's end-to-end section is replaced too
  --quick   20,000 lines, 1 round, into benchmarks/target/endtoend-quick (a smoke test, not a result)

Per command: wall time (the whole process), lines/s and input MB/s over the wall time, peak RSS and CPU use
(user + system over wall, so 200% is two cores busy) from the child's rusage. Before timing, the input is read
once (page cache), and the outputs are cross-checked on every line: each reward component equal, total_f32 equal
as a float32, the advantage within 1e-5 (vrft computes it in float32, the peer in doubles).
"""
import argparse
import csv
import datetime
import json
import os
import platform
import re
import resource
import statistics
import struct
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
HERE = os.path.join(ROOT, "benchmarks", "endtoend")
PEER = os.path.join(ROOT, "benchmarks", "peers", "score_jsonl.py")
SCHEMA = ["op", "implementation", "backend", "size_params", "metric", "value", "unit", "machine", "date"]


def machine():
    model = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2 ** 30
    jdk = "JDK ?"
    try:
        out = subprocess.run([os.path.join(ROOT, "vrft"), "info"], capture_output=True, text=True, timeout=300).stdout
        m = re.search(r"^java\s+(\S+)", out, re.M)
        if m:
            jdk = "JDK " + m.group(1).split("+")[0]
    except (OSError, subprocess.SubprocessError):
        pass
    return "%s, %d vCPU, %.0f GiB, Linux %s, %s, Python %s" % (model, os.cpu_count(), mem, platform.release().split("-")[0],
                                                               jdk, platform.python_version())


def timed(cmd, log):
    """Runs cmd; returns (wall s, peak RSS MiB, CPU % of one core) from the child's own rusage."""
    with open(log, "w") as err:
        t0 = time.perf_counter()
        p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err)
        _, status, ru = os.wait4(p.pid, 0)
        wall = time.perf_counter() - t0
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        sys.exit("bench: %s exited with %d; see %s" % (" ".join(cmd), code, log))
    return wall, ru.ru_maxrss / 1024.0, 100.0 * (ru.ru_utime + ru.ru_stime) / wall


def f32(x):
    return struct.unpack("f", struct.pack("f", x))[0]


def cross_check(vrft_out, peer_out):
    """Every line of both outputs: the same components, total_f32 as a float32, the advantage within 1e-5."""
    n = 0
    with open(vrft_out, encoding="utf-8") as a, open(peer_out, encoding="utf-8") as b:
        for la, lb in zip(a, b):
            x, y = json.loads(la), json.loads(lb)
            n += 1
            rx, ry = x["rewards"], y["rewards"]
            for k, v in ry.items():
                ok = f32(rx[k]) == f32(v) if k == "total_f32" else rx[k] == v
                if not ok:
                    sys.exit("bench: line %d: %s is %r in vrft's output, %r in the peer's" % (n, k, rx[k], v))
            if abs(x["advantage"] - y["advantage"]) > 1e-5 * max(1.0, abs(y["advantage"])):
                sys.exit("bench: line %d: advantage %r against the peer's %r" % (n, x["advantage"], y["advantage"]))
        if a.readline() or b.readline():
            sys.exit("bench: the outputs have different numbers of lines")
    return n


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--lines", type=int, default=1_000_000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--mixes", default="visual-rft,vlm-r1")
    ap.add_argument("--out", default=os.path.join(ROOT, "benchmarks", "results"))
    ap.add_argument("--quick", action="store_true")
    a = ap.parse_args()
    if a.quick:
        a.lines, a.rounds, a.out = 20_000, 1, os.path.join(ROOT, "benchmarks", "target", "endtoend-quick")
    work = os.path.join(ROOT, "benchmarks", "target", "endtoend")
    os.makedirs(work, exist_ok=True)
    os.makedirs(a.out, exist_ok=True)
    vrft = os.path.join(ROOT, "vrft")
    subprocess.run([vrft, "info"], check=True, capture_output=True)  # builds first where needed, untimed
    where = machine()
    date = datetime.date.today().isoformat()
    rows, table = [], []
    for mix in a.mixes.split(","):
        data = os.path.join(work, "%s-%d.jsonl" % (mix, a.lines))
        if not os.path.exists(data):
            print("bench: generating %s (%d lines)" % (data, a.lines), file=sys.stderr)
            subprocess.run([sys.executable, os.path.join(HERE, "generate_rollouts.py"), "--mix", mix, "--lines",
                            str(a.lines), "--seed", "1", "--out", data + ".part"], check=True)
            os.replace(data + ".part", data)
        mb = os.path.getsize(data) / 1e6
        with open(data, "rb") as f:  # into the page cache: every command then reads from memory
            while f.read(1 << 24):
                pass
        outs = {k: os.path.join(work, "%s.%s.out.jsonl" % (mix, k)) for k in ("vrft", "peer", "roundtrip")}
        cmds = {
            "vrft": [vrft, "score", "--profile", mix, "--backend", "cpu", "--no-progress", "-i", data, "-o", outs["vrft"]],
            "peer": [sys.executable, PEER, "--profile", mix, "--input", data, "--output", outs["peer"]],
            "roundtrip": [sys.executable, PEER, "--roundtrip", "--input", data, "--output", outs["roundtrip"]],
        }
        got = {k: [] for k in cmds}
        for r in range(a.rounds):
            for k, cmd in cmds.items():
                if os.path.exists(outs[k]):
                    os.remove(outs[k])  # not timed: freeing the last run's pages is not this run's work
                got[k].append(timed(cmd, os.path.join(work, "%s.%s.log" % (mix, k))))
                w, rss, cpu = got[k][-1]
                print("bench: %s round %d %-9s %7.2f s  %8.0f lines/s  %6.0f MiB  %4.0f%% CPU"
                      % (mix, r + 1, k, w, a.lines / w, rss, cpu), file=sys.stderr)
        checked = cross_check(outs["vrft"], outs["peer"])
        print("bench: %s: %d lines, vrft's rewards equal the peer's" % (mix, checked), file=sys.stderr)
        names = {"vrft": ("vrft-kernels", "cpu"), "peer": ("python-upstream-rules", "python"),
                 "roundtrip": ("python-json-roundtrip", "python")}
        size = "mix=%s;lines=%d;mb=%.0f;rounds=%d" % (mix, a.lines, mb, a.rounds)
        med = {}
        for k, runs in got.items():
            walls = sorted(w for w, _, _ in runs)
            wall = statistics.median(walls)
            rss = max(x for _, x, _ in runs)
            cpu = statistics.median(c for _, _, c in runs)
            med[k] = wall
            impl, backend = names[k]
            for metric, value, unit in (("lines_per_s", a.lines / wall, "lines/s"), ("mb_per_s", mb / wall, "MB/s"),
                                        ("wall_median", wall, "s"), ("wall_min", walls[0], "s"),
                                        ("wall_max", walls[-1], "s"), ("peak_rss", rss, "MiB"), ("cpu", cpu, "%")):
                rows.append(["score_end_to_end", impl, backend, size, metric, "%.6g" % value, unit, where, date])
            table.append((mix, impl, a.lines, mb, wall, walls[0], walls[-1], a.lines / wall, mb / wall, rss, cpu))
        table.append((mix, "ratio", med["peer"] / med["vrft"], med["roundtrip"] / med["vrft"]))
    with open(os.path.join(a.out, "endtoend.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(SCHEMA)
        w.writerows(rows)
    md = report(table, where, date, a)
    with open(os.path.join(a.out, "endtoend.md"), "w") as f:
        f.write(md)
    if not a.quick and os.path.abspath(a.out) == os.path.join(ROOT, "benchmarks", "results"):
        replace_section(os.path.join(a.out, "REPORT.md"), md)
    print(md)


def report(table, where, date, a):
    out = ["## score_end_to_end", "",
           "`vrft score` file to file, JVM start included (`./vrft score --profile MIX --backend cpu -i F -o OUT`), "
           "against the Python peer (`benchmarks/peers/score_jsonl.py`: json.loads, the upstream reward rules, "
           "json.dumps per line) and the bare Python JSON round trip, timed alternately, %d round(s), median. "
           "Inputs from `benchmarks/endtoend/generate_rollouts.py` (groups of 8; visual-rft: 60%% detection, 25%% "
           "classification, 15%% grounding; vlm-r1: 60%% od weighted_sum, 40%% rec qwen). Every output line of "
           "vrft and the peer was cross-checked equal. Machine: %s; %s. Produced by "
           "`benchmarks/endtoend/bench.py`." % (a.rounds, where, date), "",
           "| mix | implementation | lines | MB | wall (median, min-max) | lines/s | MB/s | peak RSS | CPU |",
           "|---|---|---:|---:|---|---:|---:|---:|---:|"]
    for row in table:
        if row[1] == "ratio":
            out.append("| %s | **vrft's speedup** | | | over the peer %.1f×, over the round trip %.1f× | | | | |"
                       % (row[0], row[2], row[3]))
        else:
            mix, impl, n, mb, wall, lo, hi, lps, mbs, rss, cpu = row
            out.append("| %s | %s | %d | %.0f | %.2f s (%.2f-%.2f) | %.0f | %.1f | %.0f MiB | %.0f%% |"
                       % (mix, impl, n, mb, wall, lo, hi, lps, mbs, rss, cpu))
    return "\n".join(out) + "\n"


def replace_section(path, md):
    """REPORT.md's section of md (named by its first line, "## name") replaced, or appended; the rest kept."""
    name = md.split("\n", 1)[0]
    text = open(path).read() if os.path.exists(path) else ""
    m = re.search(r"^%s\n.*?(?=^## |\Z)" % re.escape(name), text, re.M | re.S)
    text = text[:m.start()] + md + "\n" + text[m.end():] if m else text.rstrip("\n") + "\n\n" + md
    with open(path, "w") as f:
        f.write(text)

if __name__ == "__main__":
    main()
