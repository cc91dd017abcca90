#!/usr/bin/env python3
"""The Spark benchmark: the vrft-spark job (`io.github.vrft.spark.ScoreJob`, Spark 4.2 in local mode, no cluster) at
local[1] and local[2] against `vrft score` on the same 10^6-line JSON Lines file, in the same run, whole processes
timed (JVM and Spark start included), every Spark output row cross-checked against vrft score's.

usage: benchmarks/spark/bench.py [--lines N] [--rounds R] [--out DIR] [--quick]

Writes spark.csv (the suite's CSV schema, op score_spark) and spark.md into --out (default benchmarks/results) and,
with the default, REPORT.md's score_spark section (the measured rows; the scaling model is written beside them).
"""
import argparse
import csv
import datetime
import glob
import json
import os
import re
import statistics
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "benchmarks", "endtoend"))
import bench as endtoend  # noqa: E402

JAVA = os.environ.get("JAVA_HOME", "/usr/lib/jvm/temurin-25-jdk-amd64") + "/bin/java"
SPARK = os.path.join(ROOT, "java", "spark")


def spark_flags():
    """The JVM flags Spark needs on JDK 25, from the module's pom (their one owner)."""
    pom = open(os.path.join(SPARK, "pom.xml")).read()
    return re.search(r"<spark.jvm.flags>(.*?)</spark.jvm.flags>", pom, re.S).group(1).split()


def job_command(master, data, out):
    jars = [j for j in glob.glob(os.path.join(SPARK, "target", "vrft-spark-*.jar")) if not j.endswith("-sources.jar")
            and not j.endswith("-javadoc.jar")]
    cp = open(os.path.join(SPARK, "target", "classpath.txt")).read().strip()
    return ([JAVA] + spark_flags() + ["-Xmx4g", "-Dspark.ui.enabled=false", "-Dspark.driver.bindAddress=127.0.0.1",
                                      "-Dspark.driver.host=127.0.0.1", "-Dspark.sql.shuffle.partitions=16",
                                      "-cp", jars[0] + ":" + cp, "io.github.vrft.spark.ScoreJob", "--master", master,
                                      "--input", data, "--output", out, "--format", "json", "--overwrite"])


def cross_check(vrft_out, spark_dir):
    """Every scored line: the same rewards (floats by their shortest repr) and advantage in Spark's output."""
    want = {}
    with open(vrft_out) as f:
        for line in f:
            x = json.loads(line)
            want[x["row"]] = x
    n = 0
    for part in glob.glob(os.path.join(spark_dir, "part-*")):
        with open(part) as f:
            for line in f:
                y = json.loads(line)
                x = want.get(y["row"])
                if x is None:
                    continue
                n += 1
                for k, v in x["rewards"].items():
                    if repr(float(v)) != repr(float(y["rewards"][k])):
                        sys.exit("bench: row %s: %s is %r in vrft score's output, %r in Spark's" % (y["row"], k, v,
                                                                                                  y["rewards"][k]))
                if repr(float(x["advantage"])) != repr(float(y["advantage"])):
                    sys.exit("bench: row %s: advantage %r against Spark's %r" % (y["row"], x["advantage"], y["advantage"]))
    if n != len(want):
        sys.exit("bench: Spark's output has %d of vrft score's %d scored rows" % (n, len(want)))
    return n


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--lines", type=int, default=1_000_000)
    ap.add_argument("--rounds", type=int, default=1)
    ap.add_argument("--out", default=os.path.join(ROOT, "benchmarks", "results"))
    ap.add_argument("--quick", action="store_true")
    a = ap.parse_args()
    if a.quick:
        a.lines, a.rounds, a.out = 20_000, 1, os.path.join(ROOT, "benchmarks", "target", "spark-quick")
    work = os.path.join(ROOT, "benchmarks", "target", "spark")
    os.makedirs(work, exist_ok=True)
    os.makedirs(a.out, exist_ok=True)
    vrft = os.path.join(ROOT, "vrft")
    subprocess.run([vrft, "info"], check=True, capture_output=True)  # builds where needed, untimed
    if not glob.glob(os.path.join(SPARK, "target", "classpath.txt")):
        subprocess.run(["mvn", "-q", "-B", "-ntp", "install", "-DskipTests", "-pl", "java/core,java/spark"], cwd=ROOT,
                       check=True)
    data = os.path.join(work, "visual-rft-%d.jsonl" % a.lines)
    if not os.path.exists(data):
        raw = data + ".raw"
        subprocess.run([sys.executable, os.path.join(ROOT, "benchmarks", "endtoend", "generate_rollouts.py"), "--mix",
                        "visual-rft", "--lines", str(a.lines), "--seed", "1", "--out", raw], check=True)
        with open(raw) as f, open(data + ".part", "w") as g:  # a row number, to match the two outputs up
            for i, line in enumerate(f):
                g.write(line.rstrip("\n")[:-1] + ', "row": %d}\n' % i)
        os.remove(raw)
        os.replace(data + ".part", data)
    mb = os.path.getsize(data) / 1e6
    with open(data, "rb") as f:
        while f.read(1 << 24):
            pass
    vrft_out = os.path.join(work, "vrft.out.jsonl")
    runs = {
        "vrft-score": [vrft, "score", "--backend", "cpu", "--no-progress", "-i", data, "-o", vrft_out],
        "spark-local[1]": job_command("local[1]", data, os.path.join(work, "spark1.out")),
        "spark-local[2]": job_command("local[2]", data, os.path.join(work, "spark2.out")),
    }
    got = {k: [] for k in runs}
    for r in range(a.rounds):
        for k, cmd in runs.items():
            if k == "vrft-score" and os.path.exists(vrft_out):
                os.remove(vrft_out)
            got[k].append(endtoend.timed(cmd, os.path.join(work, k + ".log")))
            w, rss, cpu = got[k][-1]
            print("bench: round %d %-15s %7.2f s  %8.0f rows/s  %6.0f MiB  %4.0f%% CPU" % (r + 1, k, w, a.lines / w, rss, cpu),
                  file=sys.stderr)
    for k in ("spark-local[1]", "spark-local[2]"):
        checked = cross_check(vrft_out, os.path.join(work, "spark%s.out" % k[-2]))
    print("bench: %d scored rows of each Spark run equal vrft score's" % checked, file=sys.stderr)
    where = endtoend.machine()
    date = datetime.date.today().isoformat()
    rows, table = [], []
    for k, rs in got.items():
        walls = sorted(w for w, _, _ in rs)
        wall = statistics.median(walls)
        rss = max(x for _, x, _ in rs)
        cpu = statistics.median(c for _, _, c in rs)
        impl, backend = ("vrft-kernels", "cpu") if k == "vrft-score" else ("vrft-spark", "spark-" + k[6:])
        size = "mix=visual-rft;lines=%d;mb=%.0f;rounds=%d" % (a.lines, mb, a.rounds)
        for metric, value, unit in (("rows_per_s", a.lines / wall, "rows/s"), ("wall_median", wall, "s"),
                                    ("peak_rss", rss, "MiB"), ("cpu", cpu, "%")):
            rows.append(["score_spark", impl, backend, size, metric, "%.6g" % value, unit, where, date])
        table.append((k, wall, a.lines / wall, mb / wall, rss, cpu))
    with open(os.path.join(a.out, "spark.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(endtoend.SCHEMA)
        w.writerows(rows)
    md = ["## score_spark", "",
          "The vrft-spark job (`io.github.vrft.spark.ScoreJob`, Spark 4.2.0 local mode, JSON Lines in and out, "
          "`spark.sql.shuffle.partitions=16`, 4 GiB heap) against `vrft score --backend cpu` on the same file of "
          "%d generated Visual-RFT lines (%.0f MB; groups of 8), whole processes timed (JVM and Spark start "
          "included), %d round(s), median. Every scored row of both Spark runs was checked equal to vrft score's "
          "(rewards and advantage). Machine: %s; %s. Produced by `benchmarks/spark/bench.py`." % (
              a.lines, mb, a.rounds, where, date), "",
          "| run | wall | rows/s | MB/s | peak RSS | CPU |", "|---|---:|---:|---:|---:|---:|"]
    for k, wall, rps, mbs, rss, cpu in table:
        md.append("| %s | %.1f s | %.0f | %.1f | %.0f MiB | %.0f%% |" % (k, wall, rps, mbs, rss, cpu))
    w1, w2, wv = (statistics.median(x for x, _, _ in got[k]) for k in ("spark-local[1]", "spark-local[2]", "vrft-score"))
    md.append("")
    md.append("local[2] over local[1]: %.2f×; vrft score over local[2]: %.1f×." % (w1 / w2, w2 / wv))
    md += scaling_model(a.lines, work, w1)
    text = "\n".join(md) + "\n"
    with open(os.path.join(a.out, "spark.md"), "w") as f:
        f.write(text)
    if not a.quick and os.path.abspath(a.out) == os.path.join(ROOT, "benchmarks", "results"):
        endtoend.replace_section(os.path.join(a.out, "REPORT.md"), text)
    print(text)


def job_seconds(log):
    """The job's own time (SparkSession up to the output written), from its summary line."""
    m = re.search(r"vrft-spark-score: .*; ([\d.]+) s", open(log).read())
    return float(m.group(1))


def scaling_model(lines, work, wall1):
    """The written model, with this run's figures in it."""
    t1 = job_seconds(os.path.join(work, "spark-local[1].log"))
    t2 = job_seconds(os.path.join(work, "spark-local[2].log"))
    r1 = lines / t1
    out_bytes = sum(os.path.getsize(p) for p in glob.glob(os.path.join(work, "spark2.out", "part-*")))
    b = out_bytes / lines
    start = wall1 - t1
    rows, execs, cores, w = 1e9, 50, 4, 0.5e9
    compute = rows / (r1 * execs * cores)
    shuffle = rows * b / (execs * w)
    return ["", "### Scaling model", "",
            "Where the time goes: each partition is read, scored and written where it lies (map side: the rows' "
            "work, which grows with cores); one shuffle, by group key, moves every scored row once so that each "
            "`prompt_id` group's advantage is computed over its rows in input order (exactly vrft score's float32 "
            "values however the groups are scattered); a group is held in memory while its advantages are "
            "computed. Measured here: the job's own time (session up to output written) is %.1f s at local[1] and "
            "%.1f s at local[2], so one core scores r1 = %.0f rows/s end to end (JSON in and out), and a JVM with "
            "its SparkSession starts in about %.1f s. An output row is %.0f bytes as JSON; the shuffle moves each "
            "row once in Spark's binary form, of a similar size. On this 2-vCPU machine the second core adds "
            "%.0f%% (the two vCPUs behave like one core's two hyperthreads: vrft score gains 1.35× from the second "
            "too; and local[1] already keeps 1.46 of them busy with the JIT, the collector and Spark's own threads)." % (t1, t2, r1, start, b, 100 * (t1 / t2 - 1)),
            "",
            "For R rows on E executors of C cores: T ≈ t0 + R / (r1 · E · C) + R · B / (E · w), with t0 the "
            "start-up (the driver's and the executors'), B the bytes a row shuffled and w an executor's shuffle "
            "throughput (network and disk). For R = 10^9, E = %d, C = %d, r1 as measured, B = %.0f and w = 0.5 GB/s: "
            "%.0f s of scoring and %.0f s of shuffle, about %.1f minutes with start-up, if a cluster core scores as "
            "fast as one here. Parquet in and out reads and writes less than JSON. Without the advantage (the "
            "per-row UDFs) there is no shuffle at all." % (execs, cores, b, compute, shuffle,
                                                           (compute + shuffle + 30) / 60)]

if __name__ == "__main__":
    main()
