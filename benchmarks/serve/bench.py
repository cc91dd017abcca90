#!/usr/bin/env python3
"""The reward-service benchmark: `vrft serve` against a Python server built as OpenRLHF's serve_rm.py is
(benchmarks/peers/serve_rm.py, the plain-Python port of Visual-RFT's rules), on the same requests, with a closed-loop
load generator (benchmarks' LoadGenerator: one thread, NIO, requests encoded once, as wrk is built) on loopback, load
generator included on this machine. Where wrk is installed, the OpenRLHF path of `vrft serve` is timed with wrk too,
as a cross-check of the load generator (an independent client, in C).

usage: benchmarks/serve/bench.py [--seconds S] [--out DIR] [--quick]

  batch path:    1,024 Visual-RFT detection completions per request, 4 connections -> completions/s
  OpenRLHF path: one completion per request, 64 connections -> requests/s, p50/p99 latency

Writes serve.csv (the suite's CSV schema, op score_service) and serve.md into --out (default benchmarks/results)
and, with the default, REPORT.md's score_service section.
"""
import argparse
import csv
import datetime
import json
import os
import random
import re
import shutil
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "benchmarks", "endtoend"))
import generate_rollouts as gen  # noqa: E402
import bench as endtoend  # noqa: E402

JAVA = os.environ.get("JAVA_HOME", "/usr/lib/jvm/temurin-25-jdk-amd64") + "/bin/java"


def bodies(path, per_request, count, seed):
    """Request bodies in OpenRLHF's shape from generated detection rollouts, one JSON body a line."""
    rng = random.Random(seed)
    lines = []
    gid = 0
    while len(lines) < per_request * count:
        lines.extend(gen.detection(rng, gid))
        gid += 1
    with open(path, "w") as f:
        for r in range(count):
            chunk = lines[r * per_request:(r + 1) * per_request]
            f.write(json.dumps({"query": ["<|im_start|>assistant\n" + l["completion"] for l in chunk],
                                "prompts": ["<|im_start|>assistant\n"] * len(chunk),
                                "labels": [l["solution"] for l in chunk]}) + "\n")


def start(cmd, log):
    f = open(log, "w+")
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=f)
    deadline = time.time() + 300
    while time.time() < deadline:
        f.seek(0)
        m = re.search(r"listening on (http://127\.0\.0\.1:\d+)", f.read())
        if m:
            return p, m.group(1)
        if p.poll() is not None:
            break
        time.sleep(0.05)
    p.kill()
    f.seek(0)
    sys.exit("bench: %s did not start: %s" % (cmd[0], f.read()))


def load(url, body_file, connections, seconds, warmup):
    cp = os.path.join(ROOT, "benchmarks", "target", "classes")
    out = subprocess.run([JAVA, "-cp", cp, "io.github.vrft.bench.LoadGenerator", url + "/get_reward", body_file,
                          str(connections), str(seconds), str(warmup)], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


WRK_SCRIPT = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
bodies = {}
for l in io.lines("%s") do bodies[#bodies + 1] = l end
i = 0
request = function()
  i = i + 1
  return wrk.format(nil, nil, nil, bodies[(i %% #bodies) + 1])
end
"""


def wrk(url, body_file, connections, seconds, warmup, work):
    """The same closed loop timed by wrk (one thread), or None where wrk is not installed."""
    if not shutil.which("wrk"):
        return None
    script = os.path.join(work, "post.lua")
    with open(script, "w") as f:
        f.write(WRK_SCRIPT % body_file)
    base = ["wrk", "-t1", "-c%d" % connections, "-s", script, url + "/get_reward"]
    subprocess.run(base[:3] + ["-d%ds" % max(1, round(warmup))] + base[3:], check=True, capture_output=True)
    out = subprocess.run(base[:3] + ["-d%ds" % max(1, round(seconds)), "--latency"] + base[3:], check=True,
                         capture_output=True, text=True).stdout

    def ms(label):
        m = re.search(r"^\s*%s\s+([\d.]+)(us|ms|s)\s*$" % label, out, re.M)
        return float(m.group(1)) * {"us": 1e-3, "ms": 1.0, "s": 1e3}[m.group(2)]

    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    return {"requests_per_s": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
            "p50_ms": ms("50%"), "p99_ms": ms("99%"),
            "errors": (int(bad.group(1)) if bad else 0) + (sum(map(int, sock.groups())) if sock else 0)}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seconds", type=float, default=10.0)
    ap.add_argument("--out", default=os.path.join(ROOT, "benchmarks", "results"))
    ap.add_argument("--quick", action="store_true")
    a = ap.parse_args()
    if a.quick:
        a.seconds, a.out = 1.0, os.path.join(ROOT, "benchmarks", "target", "serve-quick")
    warmup = 0.5 if a.quick else 3.0
    work = os.path.join(ROOT, "benchmarks", "target", "serve")
    os.makedirs(work, exist_ok=True)
    os.makedirs(a.out, exist_ok=True)
    if not os.path.exists(os.path.join(ROOT, "benchmarks", "target", "classes", "io", "github", "vrft", "bench",
                                       "LoadGenerator.class")):
        subprocess.run(["mvn", "-q", "-B", "-ntp", "package", "-DskipTests"], cwd=ROOT, check=True)
    subprocess.run([os.path.join(ROOT, "vrft"), "info"], check=True, capture_output=True)  # builds where needed
    batch_file, single_file = os.path.join(work, "batch.jsonl"), os.path.join(work, "single.jsonl")
    bodies(batch_file, 1024, 8, 1)
    bodies(single_file, 1, 4096, 2)
    servers = {
        "vrft-kernels": [os.path.join(ROOT, "vrft"), "serve", "--port", "0", "--task", "detection", "--backend", "cpu",
                         "--queue", "256"],
        "python-serve_rm": [sys.executable, os.path.join(ROOT, "benchmarks", "peers", "serve_rm.py"), "--port", "0",
                            "--task", "detection"],
    }
    results = {}
    for name, cmd in servers.items():
        p, url = start(cmd, os.path.join(work, name + ".log"))
        try:
            results[(name, "batch")] = load(url, batch_file, 4, a.seconds, warmup)
            results[(name, "single")] = load(url, single_file, 64, a.seconds, warmup)
            if name == "vrft-kernels":
                cross = wrk(url, single_file, 64, a.seconds, warmup, work)
                if cross:
                    results[("vrft-kernels (timed by wrk)", "single")] = cross
        finally:
            p.terminate()
            p.wait(timeout=60)
        print("bench: %s %s" % (name, {k[1]: v for k, v in results.items() if k[0] == name}), file=sys.stderr)
    where = endtoend.machine()
    date = datetime.date.today().isoformat()
    rows = []
    for (name, path), r in results.items():
        by_wrk = name.endswith("(timed by wrk)")
        size = "path=%s;per_request=%d;connections=%d;seconds=%g;load_generator=%s" % (
            path, 1024 if path == "batch" else 1, 4 if path == "batch" else 64, a.seconds,
            "wrk" if by_wrk else "LoadGenerator")
        impl = "vrft-kernels" if by_wrk else name
        backend = "cpu" if name.startswith("vrft-kernels") else "python"
        per = 1024 if path == "batch" else 1
        for metric, value, unit in (("completions_per_s", r["requests_per_s"] * per, "completions/s"),
                                    ("requests_per_s", r["requests_per_s"], "requests/s"),
                                    ("p50", r["p50_ms"], "ms"), ("p99", r["p99_ms"], "ms"), ("errors", r["errors"], "")):
            rows.append(["score_service", impl, backend, size, metric, "%.6g" % value, unit, where, date])
    with open(os.path.join(a.out, "serve.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(endtoend.SCHEMA)
        w.writerows(rows)
    v, py = "vrft-kernels", "python-serve_rm"
    md = ["## score_service", "",
          "`vrft serve --task detection --backend cpu` against the Python server `benchmarks/peers/serve_rm.py` (built as "
          "OpenRLHF's serve_rm.py is, the plain-Python port of Visual-RFT's rules), same requests (generated Visual-RFT "
          "detection rollouts in OpenRLHF's body), closed-loop load from `LoadGenerator` (one thread, NIO, HTTP/1.1 "
          "keep-alive, requests encoded once) on loopback on the same machine, %g s after %g s of warm-up%s. "
          "Machine: %s; %s. Produced by `benchmarks/serve/bench.py`." % (
              a.seconds, warmup, "; the row timed by wrk (one thread, same connections and bodies) is a cross-check "
              "of the load generator" if ("vrft-kernels (timed by wrk)", "single") in results else "", where, date), "",
          "| path | server | requests/s | completions/s | p50 | p99 | errors |", "|---|---|---:|---:|---:|---:|---:|"]
    for path, per in (("batch (1,024 per request, 4 connections)", 1024), ("OpenRLHF (1 per request, 64 connections)", 1)):
        key = "batch" if per == 1024 else "single"
        for name in (v, "vrft-kernels (timed by wrk)", py):
            if (name, key) not in results:
                continue
            r = results[(name, key)]
            md.append("| %s | %s | %.0f | %.0f | %.2f ms | %.2f ms | %d |" % (path, name, r["requests_per_s"],
                                                                            r["requests_per_s"] * per, r["p50_ms"],
                                                                            r["p99_ms"], r["errors"]))
        ratio = results[(v, key)]["requests_per_s"] / max(1e-9, results[(py, key)]["requests_per_s"])
        md.append("| %s | **vrft's throughput over the Python server** | %.1f× | | | | |" % (path, ratio))
    text = "\n".join(md) + "\n"
    with open(os.path.join(a.out, "serve.md"), "w") as f:
        f.write(text)
    if not a.quick and os.path.abspath(a.out) == os.path.join(ROOT, "benchmarks", "results"):
        endtoend.replace_section(os.path.join(a.out, "REPORT.md"), text)
    print(text)


if __name__ == "__main__":
    main()
