package io.github.vrft.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.vrft.backend.jcuda.JCudaProbe;
import io.github.vrft.backend.panama.PanamaProbe;
import io.github.vrft.reward.GoldenCases;
import io.github.vrft.reward.Profile;
import io.github.vrft.reward.RewardBatch;
import io.github.vrft.reward.RewardOptions;
import io.github.vrft.reward.RewardRequest;
import io.github.vrft.reward.RewardScorer;
import io.github.vrft.reward.Task;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code vrft score} writes the same bytes on every backend usable here: the golden cases, every Visual-RFT
 * fuzz seed (each also as a detection line) and random detection rollouts (integer, fractional, float32-inexact,
 * big-int and NaN coordinates; repeated boxes; shuffled confidences), through {@code --backend cpu}, {@code auto}
 * and, where usable (a GPU, or the CUDA host emulation of the emulated-GPU test run), {@code jcuda} and
 * {@code panama}. It also checks that most detection rows take the numeric path, so the backends were reached.
 */
class ScoreBackendsGpuTest {
    private static final Path SEEDS = Path.of("src/test/resources/io/github/vrft/fuzz/ParserFuzzTestInputs");
    private static final Task[] VISUAL_TASKS = {Task.DETECTION, Task.CLASSIFICATION, Task.GROUNDING};

    private static String line(String pid, String task, String completion, String solution) {
        ObjectNode n = GoldenCases.JSON.createObjectNode();
        n.put("prompt_id", pid).put("task", task).put("completion", completion).put("solution", solution);
        return n.toString();
    }

    private static String coord(SplittableRandom r, int kind, int base) {
        return switch (kind) {
            case 0 -> String.valueOf(base);
            case 1 -> base + "." + r.nextInt(0, 10);                           // exact in float32 only sometimes
            case 2 -> String.format(Locale.ROOT, "%.17g", base + r.nextDouble()); // float32-inexact: exact CPU path
            case 3 -> String.valueOf((long) base << 33);                          // a big int: exact CPU path
            default -> r.nextBoolean() ? "NaN" : String.valueOf(base);
        };
    }

    private static String boxes(SplittableRandom r, int n, int[][] shared, boolean withConfidence, int kind) {
        StringBuilder b = new StringBuilder("[");
        for (int k = 0; k < n; k++) {
            int[] base = shared != null && r.nextBoolean() ? shared[r.nextInt(shared.length)] : new int[] {
                r.nextInt(0, 600), r.nextInt(0, 600), 0, 0};
            int x1 = base[0] + r.nextInt(-9, 10);
            int y1 = base[1] + r.nextInt(-9, 10);
            int x2 = (base[2] > 0 ? base[2] : x1 + r.nextInt(5, 200)) + r.nextInt(-9, 10);
            int y2 = (base[3] > 0 ? base[3] : y1 + r.nextInt(5, 200)) + r.nextInt(-9, 10);
            b.append(k == 0 ? "" : ", ").append("{'Position': [").append(coord(r, kind, x1)).append(", ")
                    .append(coord(r, kind, y1)).append(", ").append(coord(r, kind, x2)).append(", ")
                    .append(coord(r, kind, y2)).append("]");
            if (withConfidence) {
                b.append(", 'Confidence': ").append(r.nextInt(8) == 0 ? String.valueOf(r.nextInt(0, 2))
                        : String.format(Locale.ROOT, "%.2f", r.nextDouble()));
            }
            b.append("}");
            if (r.nextInt(10) == 0) { // an exact repeat, which remove_duplicates drops
                String box = b.substring(b.lastIndexOf("{"));
                b.append(", ").append(box);
            }
        }
        return b.append("]").toString();
    }

    static List<String> input() throws IOException {
        List<String> lines = new ArrayList<>();
        for (JsonNode c : GoldenCases.visualRft()) {
            if (!c.get("task").asText().equals("grpo_advantage") && c.get("completion").isTextual()) {
                lines.add(line(c.get("id").asText(), c.get("task").asText(), c.get("completion").asText(),
                        c.get("solution").asText()));
            }
        }
        for (String dir : new String[] {"visualRftAnswers"}) {
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(SEEDS.resolve(dir))) {
                for (Path p : ds) {
                    byte[] d = Files.readAllBytes(p);
                    if (d.length == 0 || d.length > 20_000) {
                        continue;
                    }
                    int nul = 1;
                    while (nul < d.length && d[nul] != 0) {
                        nul++;
                    }
                    String c = new String(d, 1, nul - 1, StandardCharsets.UTF_8);
                    String s = nul < d.length ? new String(d, nul + 1, d.length - nul - 1, StandardCharsets.UTF_8) : "";
                    String id = p.getFileName().toString();
                    lines.add(line(id, VISUAL_TASKS[((d[0] >> 2) & 3) % 3].id(), c, s));
                    lines.add(line(id + "-det", "detection", c, s));
                }
            }
        }
        SplittableRandom r = new SplittableRandom(15);
        for (int group = 0; group < 300; group++) {
            int kind = group % 10 < 6 ? 0 : group % 10 - 5; // mostly integer boxes, as models write them
            int g = r.nextInt(0, 7);
            int[][] shared = new int[Math.max(g, 1)][];
            for (int j = 0; j < shared.length; j++) {
                int x = r.nextInt(0, 600);
                int y = r.nextInt(0, 600);
                shared[j] = new int[] {x, y, x + r.nextInt(5, 200), y + r.nextInt(5, 200)};
            }
            String solution = "<answer>" + boxes(r, g, shared, false, kind == 2 || kind == 4 ? kind : 0) + "</answer>";
            for (int k = 0; k < 8; k++) {
                String completion = "<think>boxes</think><answer>" + boxes(r, r.nextInt(1, 9), shared, true, kind)
                        + "</answer>";
                lines.add(line("g" + group, "detection", completion, solution));
            }
        }
        return lines;
    }

    private static byte[] score(Path in, Path dir, String profile, String backend) throws IOException {
        Path out = dir.resolve(profile + "-" + backend + ".jsonl");
        ScoreCommandTest.Run run = ScoreCommandTest.run("score", "--input", in.toString(), "--output", out.toString(),
                "--profile", profile, "--backend", backend, "-q", "--no-progress");
        assertEquals(0, run.exit(), run.stderr());
        return Files.readAllBytes(out);
    }

    @Test
    void everyBackendWritesTheSameBytes(@TempDir Path dir) throws IOException {
        List<String> lines = input();
        Path in = dir.resolve("in.jsonl");
        Files.write(in, lines, StandardCharsets.UTF_8);
        List<String> backends = new ArrayList<>(List.of("auto"));
        if (JCudaProbe.status().available()) {
            backends.add("jcuda");
        }
        if (PanamaProbe.status().available()) {
            backends.add("panama");
        }
        System.out.println("ScoreBackendsGpuTest: " + lines.size() + " lines, cpu against " + backends);
        for (String profile : new String[] {"visual-rft", "strict"}) {
            byte[] cpu = score(in, dir, profile, "cpu");
            assertEquals(lines.size(), new String(cpu, StandardCharsets.UTF_8).lines().count());
            for (String b : backends) {
                byte[] got = score(in, dir, profile, b);
                if (!Arrays.equals(cpu, got)) {
                    List<String> c = new String(cpu, StandardCharsets.UTF_8).lines().toList();
                    List<String> o = new String(got, StandardCharsets.UTF_8).lines().toList();
                    for (int i = 0; i < Math.min(c.size(), o.size()); i++) {
                        assertEquals(c.get(i), o.get(i), profile + " " + b + " line " + (i + 1));
                    }
                }
                assertArrayEquals(cpu, got, profile + " " + b);
            }
        }
    }

    @Test
    void mostDetectionRowsReachTheBackend() throws IOException {
        List<RewardRequest> det = new ArrayList<>();
        for (String l : input()) {
            JsonNode n = GoldenCases.JSON.readTree(l);
            if (n.get("task").asText().equals("detection") && n.get("prompt_id").asText().startsWith("g")) {
                det.add(new RewardRequest(Task.DETECTION, n.get("completion").asText(), n.get("solution").asText()));
            }
        }
        RewardBatch b = RewardBatch.prepare(new RewardScorer(RewardOptions.defaults()), det);
        // 60% of the groups have integer boxes; kind 1 (one decimal) is float32-exact only for .0 and .5
        assertTrue(b.numericRows() > det.size() / 2, b.toString());
        assertTrue(b.numericRows() < det.size(), "some rows must keep the exact CPU path: " + b);
        RewardBatch strict = RewardBatch.prepare(new RewardScorer(new RewardOptions(Profile.STRICT,
                RewardOptions.defaults().mathVerifyGate())), det);
        assertTrue(strict.numericRows() > 0, strict.toString());
    }
}
