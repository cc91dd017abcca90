package io.github.vrft.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.vrft.reward.GoldenCases;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedWriter;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code vrft score} in a separate JVM, as a user runs it: output to a full disk ({@code /dev/full}), stdout on
 * a full disk, an output file that appears only when complete, and a 1 GB input scored with a 256 MB heap.
 */
class CommandLineReliabilityTest {
    @TempDir
    Path dir;

    private record Result(int exit, String stderr, long millis) {}

    /** The command line in a new JVM with the test class path. */
    private static ProcessBuilder command(List<String> jvm, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        cmd.addAll(jvm);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add("io.github.vrft.cli.VrftCommand");
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd);
    }

    /** Runs the command line in a new JVM; stdout to {@code stdout} (null: discarded). */
    private Result vrft(List<String> jvm, File stdout, String... args) throws IOException, InterruptedException {
        Path err = dir.resolve("stderr.txt");
        ProcessBuilder pb = command(jvm, args).redirectError(err.toFile())
                .redirectOutput(stdout == null ? ProcessBuilder.Redirect.DISCARD : ProcessBuilder.Redirect.to(stdout));
        long t0 = System.nanoTime();
        Process p = pb.start();
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("vrft " + String.join(" ", args) + " hung for 10 minutes");
        }
        return new Result(p.exitValue(), Files.readString(err), (System.nanoTime() - t0) / 1_000_000);
    }

    private static String line(int i) {
        ObjectNode n = GoldenCases.JSON.createObjectNode();
        StringBuilder boxes = new StringBuilder("[");
        for (int k = 0; k < 12; k++) {
            boxes.append(k == 0 ? "" : ", ").append("{'Position': [").append(10 * k + i % 7).append(", 20, ")
                    .append(200 + k).append(", 240], 'Confidence': 0.").append(k + 1).append('}');
        }
        n.put("prompt_id", "p" + i / 8).put("task", "detection")
                .put("completion", "<think>I look for every instance.</think> <answer>" + boxes + "]</answer>")
                .put("solution", "<answer>[{'Position': [10, 20, 200, 240], 'Confidence': 1}]</answer>");
        return n.toString();
    }

    private Path input(String name, long bytes) throws IOException {
        Path p = dir.resolve(name);
        try (BufferedWriter w = Files.newBufferedWriter(p, StandardCharsets.UTF_8)) {
            long written = 0;
            for (int i = 0; written < bytes || i % 8 != 0; i++) {
                String l = line(i);
                w.write(l);
                w.write('\n');
                written += l.length() + 1;
            }
        }
        return p;
    }

    static boolean hasDevFull() {
        return new File("/dev/full").exists();
    }

    @Test
    @EnabledIf("hasDevFull")
    void aFullDiskIsAClearErrorNotASilentSuccess() throws Exception {
        Path in = input("small.jsonl", 200_000);
        Result toDevice = vrft(List.of(), null, "score", "-q", "-i", in.toString(), "-o", "/dev/full");
        assertEquals(1, toDevice.exit(), toDevice.stderr());
        assertTrue(toDevice.stderr().contains("vrft score: /dev/full: No space left on device; the output is incomplete"),
                toDevice.stderr());

        Result toStdout = vrft(List.of(), new File("/dev/full"), "score", "-q", "-i", in.toString());
        assertEquals(1, toStdout.exit(), toStdout.stderr());
        assertTrue(toStdout.stderr().contains("vrft score: stdout: No space left on device"), toStdout.stderr());
    }

    @Test
    void anOutputFileAppearsOnlyWhenComplete() throws Exception {
        Path in = input("small.jsonl", 100_000);
        Path out = dir.resolve("out.jsonl");
        Files.writeString(out, "the previous run's output\n");
        // An output directory that does not exist: the run fails before a line is written.
        Path missing = dir.resolve("missing-dir").resolve("out.jsonl");
        Result r = vrft(List.of(), null, "score", "-q", "-i", in.toString(), "-o", missing.toString());
        assertEquals(1, r.exit(), r.stderr());
        assertTrue(r.stderr().contains("nothing was written"), r.stderr());
        assertFalse(Files.exists(missing.resolveSibling("out.jsonl.partial")));

        Result ok = vrft(List.of(), null, "score", "-q", "-i", in.toString(), "-o", out.toString());
        assertEquals(0, ok.exit(), ok.stderr());
        assertFalse(Files.exists(dir.resolve("out.jsonl.partial")), "the partial file is moved into place");
        assertEquals(List.of(), leftovers(dir), "no partial file of any name is left");
        assertEquals(Files.readAllLines(in).size(), Files.readAllLines(out).size());
    }

    /** Starts the command line in a new JVM without waiting; stderr discarded. */
    private static Process start(List<String> jvm, File stdout, String... args) throws IOException {
        return command(jvm, args).redirectError(ProcessBuilder.Redirect.DISCARD)
                .redirectOutput(stdout == null ? ProcessBuilder.Redirect.DISCARD : ProcessBuilder.Redirect.to(stdout)).start();
    }

    private static int exit(Process p) throws InterruptedException {
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("vrft hung for 5 minutes");
        }
        return p.exitValue();
    }

    private List<Path> leftovers(Path where) throws IOException {
        try (var s = Files.list(where)) {
            return s.filter(f -> f.getFileName().toString().endsWith(".partial")
                    || f.getFileName().toString().startsWith("vrft-score-")).toList();
        }
    }

    /** A pipe as --input (/dev/stdin): read once, every line scored (it used to write 0 lines and exit 0). */
    @Test
    void aPipeAsInputIsReadOnceAndScored() throws Exception {
        Path in = input("pipe-in.jsonl", 2_000_000);
        long lines = Files.readAllLines(in).size();
        Path out = dir.resolve("pipe-out.jsonl");
        Path tmp = Files.createDirectories(dir.resolve("tmp-pipe"));
        Process p = start(List.of("-Djava.io.tmpdir=" + tmp), null, "score", "-q", "-i", "/dev/stdin", "-o", out.toString());
        try (var os = p.getOutputStream()) {
            Files.copy(in, os);
        }
        assertEquals(0, exit(p));
        assertEquals(lines, Files.readAllLines(out).size());
        assertEquals(List.of(), leftovers(tmp), "the copy of the pipe is removed");
    }

    /** SIGTERM in the middle of a run: no partial output, no temporary copy of stdin is left behind. */
    @Test
    void aSignalRemovesWhatTheRunCreated() throws Exception {
        Path in = input("signal-in.jsonl", 300_000_000);
        Path tmp = Files.createDirectories(dir.resolve("tmp-signal"));
        Path outDir = Files.createDirectories(dir.resolve("signal-out"));
        Path out = outDir.resolve("out.jsonl");
        for (boolean viaStdin : new boolean[] {false, true}) {
            Process p = viaStdin
                    ? command(List.of("-Djava.io.tmpdir=" + tmp), "score", "-q", "-i", "-", "-o", out.toString())
                            .redirectInput(in.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start()
                    : start(List.of("-Djava.io.tmpdir=" + tmp), null, "score", "-q", "-i", in.toString(), "-o", out.toString());
            // wait until the run is writing (its partial file exists) or copying stdin, then terminate it
            long deadline = System.nanoTime() + 120_000_000_000L;
            while (leftovers(outDir).isEmpty() && leftovers(tmp).isEmpty() && p.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertTrue(p.isAlive(), "the run ended before it could be interrupted");
            p.destroy(); // SIGTERM
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
            assertEquals(List.of(), leftovers(outDir), "stdin " + viaStdin);
            assertEquals(List.of(), leftovers(tmp), "stdin " + viaStdin);
            assertFalse(Files.exists(out), "no output file from an interrupted run");
        }
    }

    /** Two runs writing one file at once: the file is the complete output of one of them, never a mix. */
    @Test
    void twoRunsWritingOneFileLeaveOneRunsOutput() throws Exception {
        Path a = input("writer-a.jsonl", 3_000_000);
        Path b = dir.resolve("writer-b.jsonl");
        Files.write(b, Files.readAllLines(a).subList(0, 800));
        Path out = dir.resolve("shared-out.jsonl");
        Path refA = dir.resolve("ref-a.jsonl");
        Path refB = dir.resolve("ref-b.jsonl");
        assertEquals(0, vrft(List.of(), null, "score", "-q", "-i", a.toString(), "-o", refA.toString()).exit());
        assertEquals(0, vrft(List.of(), null, "score", "-q", "-i", b.toString(), "-o", refB.toString()).exit());
        Process pa = start(List.of(), null, "score", "-q", "-i", a.toString(), "-o", out.toString());
        Process pb = start(List.of(), null, "score", "-q", "-i", b.toString(), "-o", out.toString());
        assertEquals(0, exit(pa));
        assertEquals(0, exit(pb));
        byte[] got = Files.readAllBytes(out);
        assertTrue(java.util.Arrays.equals(got, Files.readAllBytes(refA)) || java.util.Arrays.equals(got, Files.readAllBytes(refB)),
                "the output is one run's, whole");
        assertEquals(List.of(), leftovers(dir));
    }

    @Test
    @EnabledIf("hasDevFull")
    void grpoToAFullDiskFails() throws Exception {
        Path doc = dir.resolve("doc.json");
        Files.writeString(doc, "{\"impl\": \"trl\", \"config\": {}, \"inputs\": {\"logp\": [[-1.0, -2.0]], "
                + "\"mask\": [[1, 1]], \"advantages\": [0.5]}}");
        Result r = vrft(List.of(), new File("/dev/full"), "grpo", "-i", doc.toString());
        assertEquals(1, r.exit(), r.stderr());
        assertTrue(r.stderr().contains("No space left on device"), r.stderr());
        Result ok = vrft(List.of(), null, "grpo", "-i", doc.toString());
        assertEquals(0, ok.exit(), ok.stderr());
    }

    /** 1 GB of detection rollouts (12 boxes each, groups of 8) through a JVM whose heap is capped at 256 MB. */
    @Test
    void aGigabyteFileScoresWithA256MegabyteHeap() throws Exception {
        Path in = input("big.jsonl", 1L << 30);
        long lines;
        try (var s = Files.lines(in)) {
            lines = s.count();
        }
        Path out = dir.resolve("big-out.jsonl");
        Result r = vrft(List.of("-Xmx256m"), null, "score", "-i", in.toString(), "-o", out.toString());
        assertEquals(0, r.exit(), r.stderr());
        assertTrue(r.stderr().contains("scored: " + lines + " lines, " + lines + " scored, 0 bad"), r.stderr());
        long outLines;
        try (var s = Files.lines(out)) {
            outLines = s.count();
        }
        assertEquals(lines, outLines);
        System.out.printf("1 GB: %d lines scored in %.1f s with -Xmx256m%n", lines, r.millis() / 1000.0);
    }

    /** vrft serve in its own JVM: it says where it listens, answers, and exits 0 on SIGTERM. */
    @Test
    void serveListensAnswersAndExitsZeroOnSigterm() throws Exception {
        Path err = dir.resolve("serve-stderr.txt");
        Process p = command(List.of(), "serve", "--port", "0", "--task", "classification", "--backend", "cpu")
                .redirectError(err.toFile()).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            java.util.regex.Matcher m = null;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (System.nanoTime() < deadline && p.isAlive()) {
                m = java.util.regex.Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+)").matcher(Files.readString(err));
                if (m.find()) {
                    break;
                }
                m = null;
                Thread.sleep(50);
            }
            assertTrue(m != null, "no 'listening on' line: " + Files.readString(err));
            java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
            java.net.http.HttpResponse<String> r = http.send(java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create("http://127.0.0.1:" + m.group(1) + "/get_reward"))
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"query\": [\"<think>a</think><answer>rose</answer>\"], "
                            + "\"labels\": [\"<answer>rose</answer>\"]}")).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), r.body());
            assertTrue(r.body().startsWith("{\"rewards\":[2.0]"), r.body());
            p.destroy(); // SIGTERM
            assertEquals(0, exit(p), Files.readString(err));
        } finally {
            p.destroyForcibly();
        }
    }
}
