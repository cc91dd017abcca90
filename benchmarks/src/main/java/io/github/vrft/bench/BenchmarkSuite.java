package io.github.vrft.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.vrft.backend.jcuda.JCudaProbe;
import io.github.vrft.backend.panama.PanamaProbe;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import java.util.stream.Stream;

/**
 * The benchmark suite: every op's JMH benchmark on every usable backend, and the peers on the same generated
 * inputs, in one run; writes results.csv (the common schema), suite.json, the raw JMH JSON and REPORT.md with
 * plots. {@code --quick} (CI's smoke test, under 3 minutes) uses small sizes and short iterations and is not a
 * recorded result; {@code --full} is.
 *
 * <pre>benchmarks/suite --quick|--full [--out DIR] [--python PATH] [--no-peers] [--ops a,b]</pre>
 */
public final class BenchmarkSuite {
    private final boolean quick;
    private final Path out;
    private final Path inputs;
    private final String machine;
    private final String date = LocalDate.now().toString();
    private final List<ResultRow> rows = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private final List<String> backends = new ArrayList<>(List.of("cpu"));
    private final List<String> backendNotes = new ArrayList<>();
    private final Python python;
    private final long start = System.nanoTime();

    private BenchmarkSuite(boolean quick, Path out, Python python) throws IOException {
        this.quick = quick;
        this.out = out;
        this.python = python;
        JCudaProbe.Status j = JCudaProbe.status();
        PanamaProbe.Status p = PanamaProbe.status();
        if (j.available()) {
            backends.add("jcuda");
        }
        if (p.available()) {
            backends.add("panama");
        }
        backendNotes.add("jcuda " + j);
        backendNotes.add("panama " + p);
        machine = Machine.describe(backends.size() > 1);
        Files.createDirectories(out.resolve("jmh"));
        inputs = Files.createTempDirectory("vrft-bench-inputs");
    }

    /**
     * One op: its benchmark, the sizes per mode, the size parameter plotted, the fixed parameters, the GPU
     * backends its benchmark takes besides cpu, whether its CPU path uses every core, the items one call
     * processes (and, when the size parameter is not that count, the name under which the count leads the
     * size parameters), whether it has peers.
     */
    private record Op(String name, String benchmark, String sizeParam, String[] quickSizes, String[] fullSizes,
                      Map<String, String[]> fixed, List<String> gpuBackends, boolean allCores, String unit,
                      ToDoubleFunction<Map<String, String>> items, String itemsParam, boolean peers) {}

    private static final List<Op> OPS = List.of(
            new Op("detection_reward", "DetectionRewardBenchmark", "n", new String[] {"64", "4096"},
                    new String[] {"8", "64", "4096", "1000000"},
                    Map.of("boxes", new String[] {"0-12"}, "group", new String[] {"8"}, "threads", new String[] {"1", "all"}),
                    List.of(), false, "completions/s", p -> Double.parseDouble(p.get("n")), null, true),
            new Op("pairwise_iou", "PairwiseIouBenchmark", "n", new String[] {"64", "4096"},
                    new String[] {"64", "4096", "1000000"}, Map.of(), List.of("jcuda"), true, "samples/s",
                    p -> Double.parseDouble(p.get("n")), null, true),
            new Op("group_advantages", "GroupAdvantagesBenchmark", "n", new String[] {"4096"},
                    new String[] {"64", "4096", "1000000"}, Map.of("flavor", new String[] {"trl-group"}), List.of("jcuda"),
                    false, "rewards/s", p -> Double.parseDouble(p.get("n")), null, true),
            new Op("policy_loss", "PolicyLossBenchmark", "shape", new String[] {"64x1024"},
                    new String[] {"64x1024", "1024x1024", "8192x2048"},
                    Map.of("config", new String[] {"trl-dapo-kl"}, "path", new String[] {"vector"}),
                    List.of("jcuda", "panama"), true, "tokens/s", p -> {
                        String[] bt = p.get("shape").split("x");
                        return Double.parseDouble(bt[0]) * Double.parseDouble(bt[1]);
                    }, "tokens", true),
            new Op("reward_step", "RewardStepBenchmark", "n", new String[] {"64"},
                    new String[] {"64", "512", "4096", "32768"}, Map.of(), List.of("jcuda", "panama"), false, "completions/s",
                    p -> Double.parseDouble(p.get("n")), null, false),
            new Op("coco_ap_reward", "CocoApRewardBenchmark.oneThread", "boxes", new String[] {"10"},
                    new String[] {"1", "10", "50"}, Map.of("cats", new String[] {"1"}), List.of(), false, "completions/s",
                    p -> 1, null, false));

    public static void main(String[] args) throws Exception {
        boolean quick = false;
        boolean mode = false;
        boolean peers = true;
        Path out = null;
        String py = System.getenv("VRFT_PYTHON");
        List<String> only = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> { quick = true; mode = true; }
                case "--full" -> { quick = false; mode = true; }
                case "--out" -> out = Path.of(value(args, ++i, "--out"));
                case "--python" -> py = value(args, ++i, "--python");
                case "--no-peers" -> peers = false;
                case "--ops" -> only = List.of(value(args, ++i, "--ops").split(","));
                case "-h", "--help" -> {
                    System.out.println("usage: benchmarks/suite --quick|--full [--out DIR] [--python PATH] [--no-peers] [--ops a,b]\n"
                            + "  ops: " + OPS.stream().map(Op::name).toList());
                    return;
                }
                default -> fail("unknown argument '" + args[i] + "' (see --help)");
            }
        }
        if (!mode) {
            fail("say --quick (the CI smoke test, a few minutes) or --full (recorded results); see --help");
        }
        if (only != null) {
            for (String o : only) {
                if (OPS.stream().noneMatch(op -> op.name().equals(o))) {
                    fail("--ops: unknown op '" + o + "'; ops: " + OPS.stream().map(Op::name).toList());
                }
            }
        }
        if (out == null) {
            out = quick ? Path.of("benchmarks/target/quick") : Path.of("benchmarks/results");
        }
        Python python = peers ? Python.find(py) : null;
        BenchmarkSuite s = new BenchmarkSuite(quick, out, python);
        if (peers && python == null) {
            s.notes.add("peers not run: no Python 3 found (tried /usr/bin/python3 and python3 on PATH, or VRFT_PYTHON)");
        }
        try {
            s.run(only);
        } finally {
            s.deleteInputs();
        }
    }

    private static String value(String[] args, int i, String flag) {
        if (i >= args.length) {
            fail(flag + " needs a value");
        }
        return args[i];
    }

    private static void fail(String msg) {
        System.err.println("benchmarks/suite: " + msg);
        System.exit(2);
    }

    private void log(String msg) {
        System.out.printf("[suite %5.0fs] %s%n", (System.nanoTime() - start) / 1e9, msg);
    }

    private void run(List<String> only) throws Exception {
        log((quick ? "quick" : "full") + " mode on " + machine + "; backends: " + backends + "; results in " + out);
        backendNotes.forEach(n -> log("  " + n));
        if (python != null) {
            log("peers: " + python.describe());
            String check = python.checkGolden();
            log("  " + check);
        } else if (notes.isEmpty()) {
            notes.add("peers not run (--no-peers)");
        }
        List<Op> ops = OPS.stream().filter(o -> only == null || only.contains(o.name())).toList();
        for (int k = 0; k < ops.size(); k++) {
            Op op = ops.get(k);
            log("op " + (k + 1) + "/" + ops.size() + ": " + op.name());
            runJmh(op);
            if (op.peers() && python != null) {
                runPeers(op);
            }
        }
        Path csv = out.resolve("results.csv");
        if (only != null && Files.exists(csv)) { // a partial run replaces its ops' rows and keeps the others
            for (ResultRow r : ResultRow.read(csv)) {
                if (!only.contains(r.op())) {
                    rows.add(r);
                }
            }
            notes.add("ops re-run on their own: " + String.join(", ", only) + " (the other rows are from the previous run)");
        }
        rows.sort(Comparator.comparing(ResultRow::op).thenComparing(ResultRow::implementation)
                .thenComparing(ResultRow::backend).thenComparingDouble(ResultRow::size));
        ResultRow.write(out.resolve("results.csv"), rows);
        SuiteInfo info = new SuiteInfo(quick ? "quick" : "full", machine, date, backends, backendNotes,
                python == null ? "none" : python.describe(), notes, (System.nanoTime() - start) / 1e9);
        info.write(out.resolve("suite.json"));
        Path report = ReportGenerator.generate(out, rows, info);
        log("wrote " + rows.size() + " rows to " + out.resolve("results.csv") + " and the report " + report);
    }

    private void runJmh(Op op) throws RunnerException {
        String[] sizes = quick ? op.quickSizes() : op.fullSizes();
        String include = op.benchmark().contains(".") ? op.benchmark().replace(".", "\\.") + "$" : op.benchmark() + "\\.";
        ChainedOptionsBuilder b = new OptionsBuilder().include("io\\.github\\.vrft\\.bench\\." + include)
                .param(op.sizeParam(), sizes)
                .result(out.resolve("jmh").resolve(op.name() + ".json").toString()).resultFormat(ResultFormatType.JSON)
                .verbosity(VerboseMode.SILENT).shouldFailOnError(true);
        op.fixed().forEach(b::param);
        if (!op.gpuBackends().isEmpty()) {
            b.param("backend", backends.stream().filter(x -> x.equals("cpu") || op.gpuBackends().contains(x))
                    .toArray(String[]::new));
        }
        if (quick) {
            b.warmupIterations(3).warmupTime(TimeValue.milliseconds(300)).measurementIterations(3)
                    .measurementTime(TimeValue.milliseconds(300)).forks(1);
        }
        for (RunResult r : new Runner(b.build()).run()) {
            Map<String, String> p = new LinkedHashMap<>();
            p.put(op.sizeParam(), r.getParams().getParam(op.sizeParam()));
            for (String key : r.getParams().getParamsKeys()) {
                if (!key.equals(op.sizeParam()) && !key.equals("backend")) {
                    p.put(key, r.getParams().getParam(key));
                }
            }
            if (op.itemsParam() != null) {
                p = withFirst(op.itemsParam(), String.valueOf((long) op.items().applyAsDouble(p)), p);
            }
            if (!p.containsKey("threads")) {
                p.put("threads", op.allCores() ? String.valueOf(Runtime.getRuntime().availableProcessors()) : "1");
            }
            String backend = r.getParams().getParamsKeys().contains("backend") ? r.getParams().getParam("backend") : "cpu";
            double score = r.getPrimaryResult().getScore();
            double err = r.getPrimaryResult().getScoreError();
            String unit = r.getPrimaryResult().getScoreUnit();
            double thr;
            double thrErr;
            double latency;
            if (unit.endsWith("/op")) {
                double secs = score * seconds(unit);
                thr = op.items().applyAsDouble(p) / secs;
                thrErr = Double.isFinite(err) ? thr * err / score : Double.NaN;
                latency = secs;
            } else { // ops/s: one op is one item
                thr = score * perSecond(unit);
                thrErr = Double.isFinite(err) ? err * perSecond(unit) : Double.NaN;
                latency = 1 / thr;
            }
            String size = join(p);
            add(op.name(), backend, size, "throughput", thr, op.unit());
            add(op.name(), backend, size, "throughput_error_99.9", thrErr, op.unit());
            add(op.name(), backend, size, "latency", latency, unit.endsWith("/op") ? "s/call" : "s/item");
            log(String.format("  %-10s %-40s %,14.0f %s (± %.1f%%)", backend, size, thr, op.unit(), 100 * thrErr / thr));
        }
    }

    private void add(String op, String backend, String size, String metric, double v, String unit) {
        rows.add(new ResultRow(op, "vrft-kernels", backend, size, metric, v, unit, machine, date));
    }

    private static Map<String, String> withFirst(String k, String v, Map<String, String> rest) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(k, v);
        m.putAll(rest);
        return m;
    }

    private static String join(Map<String, String> p) {
        StringBuilder s = new StringBuilder();
        p.forEach((k, v) -> s.append(s.isEmpty() ? "" : ";").append(k).append('=').append(v));
        return s.toString();
    }

    private static double seconds(String unit) {
        return switch (unit.substring(0, unit.indexOf('/'))) {
            case "s" -> 1;
            case "ms" -> 1e-3;
            case "us" -> 1e-6;
            case "ns" -> 1e-9;
            default -> throw new IllegalStateException("JMH unit " + unit);
        };
    }

    private static double perSecond(String unit) {
        return switch (unit.substring(unit.indexOf('/') + 1)) {
            case "s" -> 1;
            case "ms" -> 1e3;
            case "us" -> 1e6;
            default -> throw new IllegalStateException("JMH unit " + unit);
        };
    }

    private void runPeers(Op op) throws IOException, InterruptedException {
        String[] sizes = quick ? op.quickSizes() : op.fullSizes();
        for (String size : sizes) {
            exportInputs(op.name(), size);
        }
        Path csv = inputs.resolve(op.name() + ".peers.csv");
        Path noteFile = inputs.resolve(op.name() + ".notes.txt");
        Files.deleteIfExists(csv);
        Files.deleteIfExists(noteFile);
        int rc = python.run(quick ? 300 : 3600, "peer_bench.py", "--op", op.name(), "--inputs", inputs.toString(),
                "--sizes", String.join(",", sizes), "--min-time", quick ? "0.3" : "2", "--machine", machine, "--date", date,
                "--out", csv.toString(), "--notes", noteFile.toString());
        if (Files.exists(noteFile)) {
            notes.addAll(Files.readAllLines(noteFile));
        }
        if (rc != 0) {
            notes.add(op.name() + ": peer_bench.py exited with " + rc + " (rows written before that are kept)");
        }
        if (Files.exists(csv)) {
            for (ResultRow r : ResultRow.read(csv)) {
                rows.add(r);
                if (r.metric().equals("throughput")) {
                    log(String.format("  %-40s %-30s %,14.0f %s", r.implementation(), r.sizeParams(), r.value(), r.unit()));
                }
            }
        }
    }

    /** Writes the inputs of one op and size, from the same generators and seeds as the JMH benchmarks. */
    private void exportInputs(String op, String size) throws IOException {
        switch (op) {
            case "detection_reward" -> {
                RolloutWorkload w = DetectionRewardBenchmark.workload(Integer.parseInt(size), "0-12", 8);
                ObjectMapper json = new ObjectMapper();
                try (Writer f = Files.newBufferedWriter(inputs.resolve("detection_reward_n" + size + ".jsonl"),
                        StandardCharsets.UTF_8)) {
                    for (int i = 0; i < w.completions.length; i++) {
                        f.write(json.writeValueAsString(Map.of("completion", w.completions[i], "solution", w.solutions[i])));
                        f.write('\n');
                    }
                }
            }
            case "pairwise_iou" -> {
                BoxWorkload w = BoxWorkload.generate(Integer.parseInt(size), PairwiseIouBenchmark.SEED);
                String base = "pairwise_iou_n" + size + "_";
                Npy.write(inputs.resolve(base + "a.npy"), w.a);
                Npy.write(inputs.resolve(base + "aoff.npy"), w.aOff);
                Npy.write(inputs.resolve(base + "b.npy"), w.b);
                Npy.write(inputs.resolve(base + "boff.npy"), w.bOff);
            }
            case "group_advantages" -> Npy.write(inputs.resolve("group_advantages_n" + size + ".npy"),
                    RewardWorkload.generate(Integer.parseInt(size), GroupAdvantagesBenchmark.SEED));
            case "policy_loss" -> {
                LossWorkload w = LossWorkload.ofShape(size, PolicyLossBenchmark.SEED);
                String base = "policy_loss_" + size + "_";
                Npy.write(inputs.resolve(base + "logp.npy"), w.logp);
                Npy.write(inputs.resolve(base + "old.npy"), w.oldLogp);
                Npy.write(inputs.resolve(base + "ref.npy"), w.refLogp);
                Npy.write(inputs.resolve(base + "mask.npy"), w.mask);
                Npy.write(inputs.resolve(base + "adv.npy"), w.advantages);
            }
            default -> throw new IllegalArgumentException("no peer inputs for " + op);
        }
    }

    private void deleteInputs() throws IOException {
        try (Stream<Path> files = Files.walk(inputs)) {
            for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(f);
            }
        }
    }

    /** The Python that runs the peers: the first candidate that imports the most of numpy, torch, torchvision. */
    record Python(String exe, String version, List<String> modules, Path peers) {
        static Python find(String preferred) throws IOException, InterruptedException {
            Path peers = Path.of("benchmarks/peers").toAbsolutePath();
            if (!Files.exists(peers.resolve("peer_bench.py"))) {
                fail("benchmarks/peers/peer_bench.py not found: run from the repository root");
            }
            List<String> candidates = preferred != null ? List.of(preferred) : List.of("/usr/bin/python3", "python3");
            Python best = null;
            String probe = "import sys\nfound=[]\nfor m in ('numpy','torch','torchvision'):\n try:\n  __import__(m); found.append(m)\n"
                    + " except Exception: pass\nprint(sys.version.split()[0], ','.join(found))";
            for (String c : candidates) {
                try {
                    Process p = new ProcessBuilder(c, "-c", probe).redirectErrorStream(true).start();
                    String outText = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
                    if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                        continue;
                    }
                    String[] parts = outText.substring(outText.lastIndexOf('\n') + 1).split(" ", 2);
                    List<String> mods = parts.length > 1 && !parts[1].isBlank() ? List.of(parts[1].split(",")) : List.of();
                    if (best == null || mods.size() > best.modules().size()) {
                        best = new Python(c, parts[0], mods, peers);
                    }
                } catch (IOException e) {
                    // not installed: try the next
                }
            }
            if (best == null) {
                System.out.println("[suite] no Python found for the peers (tried " + candidates + "): peers skipped");
            }
            return best;
        }

        String describe() {
            return exe + " (Python " + version + (modules.isEmpty() ? ", no numpy/torch" : ", with " + String.join(", ", modules)) + ")";
        }

        /** Runs check_golden.py; a port that disagrees with the golden file is not timed (exit 1). */
        String checkGolden() throws IOException, InterruptedException {
            Process p = new ProcessBuilder(exe, peers.resolve("check_golden.py").toString()).redirectErrorStream(true).start();
            String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (p.waitFor() != 0) {
                System.err.println(text);
                fail("the Python port disagrees with the golden file: its timings would not measure upstream's rules");
            }
            return text.substring(text.lastIndexOf('\n') + 1);
        }

        int run(int timeoutSeconds, String script, String... args) throws IOException, InterruptedException {
            List<String> cmd = new ArrayList<>(List.of(exe, peers.resolve(script).toString()));
            cmd.addAll(List.of(args));
            Process p = new ProcessBuilder(cmd).inheritIO().start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
                return 124;
            }
            return p.exitValue();
        }
    }
}
