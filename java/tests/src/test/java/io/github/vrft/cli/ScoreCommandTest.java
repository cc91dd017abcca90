package io.github.vrft.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.vrft.grpo.GroupAdvantages;
import io.github.vrft.grpo.Groups;
import io.github.vrft.reward.GoldenCases;
import io.github.vrft.reward.Task;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code vrft score} end to end: the golden cases, the advantages, bad lines, scattered groups. */
class ScoreCommandTest {
    @TempDir
    Path dir;

    private static final String CLS_GT = "<answer>garden phlox</answer>";

    private Path write(String name, List<String> lines) throws IOException {
        return writeLines(dir, name, lines);
    }

    /** {@code lines} as the UTF-8 file {@code dir/name}, one a line. */
    static Path writeLines(Path dir, String name, List<String> lines) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, lines, StandardCharsets.UTF_8);
        return p;
    }

    private static List<JsonNode> read(Path p) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        for (String l : Files.readAllLines(p, StandardCharsets.UTF_8)) {
            out.add(GoldenCases.JSON.readTree(l));
        }
        return out;
    }

    /** An in-process run of the command line: its exit status and what it wrote to stderr. */
    record Run(int exit, String stderr) {}

    static Run run(String... args) {
        PrintStream oldErr = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            int exit = VrftCommand.execute(args);
            return new Run(exit, err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setErr(oldErr);
        }
    }

    private static String line(String pid, String task, String completion, String solution) {
        ObjectNode n = GoldenCases.JSON.createObjectNode();
        n.put("prompt_id", pid).put("task", task).put("completion", completion).put("solution", solution);
        return n.toString();
    }

    @Test
    void everyGoldenCaseThroughTheCommandLine() throws IOException {
        for (String gate : new String[] {"off", "first-y1"}) {
            List<JsonNode> cases = new ArrayList<>();
            List<String> lines = new ArrayList<>();
            for (JsonNode c : GoldenCases.visualRft()) {
                if (!c.get("task").asText().equals("grpo_advantage")) {
                    cases.add(c);
                    lines.add(line(c.get("id").asText(), c.get("task").asText(), c.get("completion").asText(),
                            c.get("solution").asText()));
                }
            }
            Path out = dir.resolve("out-" + gate + ".jsonl");
            Run r = run("score", "--input", write("golden.jsonl", lines).toString(), "--output", out.toString(), "-q",
                    "--math-verify-gate", gate);
            assertEquals(0, r.exit(), r.stderr());
            List<JsonNode> got = read(out);
            assertEquals(cases.size(), got.size());
            for (int i = 0; i < cases.size(); i++) {
                JsonNode exp = cases.get(i).get("expected");
                JsonNode values = gate.equals("off") ? exp.get("gate_off") : exp;
                JsonNode rewards = got.get(i).get("rewards");
                String id = cases.get(i).get("id").asText();
                assertEquals(id, got.get(i).get("prompt_id").asText(), "output order");
                for (String comp : Task.parse(cases.get(i).get("task").asText()).components()) {
                    double e = GoldenCases.number(comp.equals("format") ? exp.get("format") : values.get(comp));
                    assertEquals(e, GoldenCases.number(rewards.get(comp)), 1e-9, id + " " + comp + " gate " + gate);
                }
                assertEquals(GoldenCases.number(values.get("total")), rewards.get("total").asDouble(), 1e-9, id);
                if (gate.equals("first-y1")) {
                    assertEquals((float) exp.get("total_f32").asDouble(), (float) rewards.get("total_f32").asDouble(), 0f, id);
                }
                // groups of one: torch.std of one value is NaN, so is the advantage
                assertEquals("NaN", got.get(i).get("advantage").asText(), id);
            }
        }
    }

    /** Every VLM-R1 golden case as JSON Lines with the per-line fields, profile vlm-r1, both extra rewards. */
    @Test
    void everyVlmR1GoldenCaseThroughTheCommandLine() throws IOException {
        List<String> lines = new ArrayList<>();
        List<JsonNode> expected = new ArrayList<>();
        Map<String, String> models = Map.of("qwen", "qwen", "internvl", "internvl", "glm", "glm",
                "legacy_binary_0586aee", "legacy-binary");
        for (JsonNode c : GoldenCases.load("/golden/vlm_r1_rewards.jsonl")) {
            String task = c.get("task").asText();
            JsonNode exp = c.get("expected");
            if (task.equals("rec")) {
                for (Map.Entry<String, String> m : models.entrySet()) {
                    ObjectNode n = (ObjectNode) GoldenCases.JSON.readTree(line(c.get("id").asText() + "/" + m.getKey(),
                            "rec", c.get("completion").asText(), c.get("solution").asText()));
                    n.put("model", m.getValue());
                    n.set("image_size_wh", c.get("inputs").get("image_size_wh"));
                    n.set("image_grid_thw", c.get("inputs").get("image_grid_thw"));
                    lines.add(n.toString());
                    expected.add(exp.get(m.getKey()));
                }
            } else if (task.equals("od")) {
                for (var it = exp.get("accuracy").fieldNames(); it.hasNext(); ) {
                    String method = it.next();
                    ObjectNode n = (ObjectNode) GoldenCases.JSON.readTree(line(c.get("id").asText() + "/" + method,
                            "od", c.get("completion").asText(), c.get("solution").asText()));
                    n.put("reward_method", method);
                    lines.add(n.toString());
                    ObjectNode e = GoldenCases.JSON.createObjectNode();
                    e.set("accuracy", exp.get("accuracy").get(method));
                    e.set("format", exp.get("format"));
                    e.set("repetition", exp.get("repetition"));
                    e.set("length_cosine", exp.get("length_cosine"));
                    expected.add(e);
                }
            } else if (task.startsWith("accuracy_")) {
                ObjectNode n = (ObjectNode) GoldenCases.JSON.readTree(line(c.get("id").asText(), "accuracy",
                        c.get("completion").asText(), c.get("solution").asText()));
                n.put("reward_method", exp.get("accu_reward_method").asText());
                lines.add(n.toString());
                ObjectNode e = GoldenCases.JSON.createObjectNode();
                e.set("accuracy", exp.get("gate_off").get("accuracy"));
                e.set("format", exp.get("format"));
                expected.add(e);
            }
        }
        Path out = dir.resolve("vlm-r1-out.jsonl");
        Run r = run("score", "--profile", "vlm-r1", "--extra-rewards", "repetition,length", "-i",
                write("vlm-r1.jsonl", lines).toString(), "-o", out.toString(), "-q");
        assertEquals(0, r.exit(), r.stderr());
        List<JsonNode> got = read(out);
        assertEquals(expected.size(), got.size());
        for (int i = 0; i < got.size(); i++) {
            String id = got.get(i).get("prompt_id").asText();
            JsonNode rewards = got.get(i).get("rewards");
            for (var it = expected.get(i).fieldNames(); it.hasNext(); ) {
                String comp = it.next();
                JsonNode e = expected.get(i).get(comp);
                if (comp.equals("total") || comp.equals("total_f32")) {
                    continue;
                }
                if (e.isObject()) { // {"raises": T}: 0 and a diagnostic naming T
                    assertEquals(0.0, rewards.get(comp).asDouble(), 0.0, id + " " + comp);
                    assertTrue(got.get(i).get("diagnostics").get(comp).asText().contains(e.get("raises").asText()), id);
                } else {
                    assertEquals(GoldenCases.number(e), GoldenCases.number(rewards.get(comp)), 1e-9, id + " " + comp);
                }
            }
        }
    }

    @Test
    void vlmR1LinesWithBadFieldsAreReportedAndTheRestScored() throws IOException {
        String rec = "<think>x</think><answer>{\"bbox_2d\": [1, 2, 30, 40]}</answer>";
        String gt = "<answer> [1, 2, 30, 40] </answer>";
        List<String> lines = List.of(
                "{\"prompt_id\": 1, \"task\": \"rec\", \"model\": \"internvl\", \"completion\": \"" + rec.replace("\"", "\\\"") + "\", \"solution\": \"" + gt + "\"}",
                "{\"prompt_id\": 2, \"task\": \"rec\", \"completion\": \"x\", \"solution\": \"" + gt + "\"}",
                "{\"prompt_id\": 3, \"task\": \"od\", \"reward_method\": \"mcq\", \"completion\": \"x\", \"solution\": \"y\"}",
                "{\"prompt_id\": 4, \"task\": \"rec\", \"model\": \"llava\", \"completion\": \"x\", \"solution\": \"y\"}",
                "{\"prompt_id\": 5, \"task\": \"rec\", \"model\": \"qwen\", \"image_size_wh\": [640], \"image_grid_thw\": [1, 2, 3], \"completion\": \"x\", \"solution\": \"y\"}",
                "{\"prompt_id\": 6, \"task\": \"detection\", \"completion\": \"x\", \"solution\": \"y\"}");
        Path out = dir.resolve("bad-vlm.jsonl");
        Run r = run("score", "--profile", "vlm-r1", "-i", write("bad-vlm-in.jsonl", lines).toString(), "-o", out.toString(), "-q");
        assertEquals(1, r.exit(), r.stderr());
        List<JsonNode> got = read(out);
        assertEquals(1, got.size(), r.stderr());
        assertEquals(1.0, got.get(0).get("rewards").get("accuracy").asDouble(), 0.0);
        assertTrue(r.stderr().contains("line 2: imageSizeWh/imageGridThw"), r.stderr());
        assertTrue(r.stderr().contains("line 3: reward_method: mcq does not score task od"), r.stderr());
        assertTrue(r.stderr().contains("line 4: model: unknown REC model 'llava'"), r.stderr());
        assertTrue(r.stderr().contains("line 5: field 'image_size_wh'"), r.stderr());
        assertTrue(r.stderr().contains("line 6: task: detection is a Visual-RFT task; profile vlm-r1"), r.stderr());
    }

    /**
     * Golden group grpo_group_cls_G8 has rewards [2, 1, 1, 2, 0, 2, 1, 1]; these completions score exactly
     * those totals (accuracy + format), so the command line must give the golden advantages.
     */
    @Test
    void goldenAdvantageGroupEndToEnd() throws IOException {
        String both = "<think>x</think> <answer>garden phlox</answer>"; // 1 + 1
        String accOnly = "garden phlox";                               // 1 + 0
        String fmtOnly = "<think>x</think> <answer>rose</answer>";     // 0 + 1
        String none = "rose";                                          // 0 + 0
        String[] completions = {both, accOnly, fmtOnly, both, none, both, fmtOnly, accOnly};
        List<String> lines = new ArrayList<>();
        for (String c : completions) {
            lines.add(line("flower-7", "classification", c, CLS_GT));
        }
        Path out = dir.resolve("adv.jsonl");
        assertEquals(0, run("score", "-i", write("adv-in.jsonl", lines).toString(), "-o", out.toString(), "-q").exit());
        double[] golden = {1.0605101585388184, -0.35350340604782104, -0.35350340604782104, 1.0605101585388184,
            -1.7675169706344604, 1.0605101585388184, -0.35350340604782104, -0.35350340604782104};
        List<JsonNode> got = read(out);
        for (int i = 0; i < golden.length; i++) {
            assertEquals(golden[i], got.get(i).get("advantage").asDouble(), 1e-6, "line " + i);
        }
    }

    @Test
    void badLinesAreReportedWithTheirNumberAndTheRestScored() throws IOException {
        List<String> lines = List.of(
                line("a", "classification", "<think>x</think><answer>garden phlox</answer>", CLS_GT),
                "{not json",
                "{\"prompt_id\": \"a\", \"task\": \"classification\", \"solution\": \"x\"}",
                line("a", "segmentation", "x", "y"),
                "[1, 2]",
                "{\"prompt_id\": \"a\", \"task\": \"classification\", \"completion\": 7, \"solution\": \"x\"}",
                "",
                line("a", "classification", "rose", CLS_GT),
                "{\"prompt_id\": \"b\", \"task\": \"classification\", \"completion\": \"x\"");
        Path out = dir.resolve("bad-out.jsonl");
        Run r = run("score", "-i", write("bad.jsonl", lines).toString(), "-o", out.toString(), "-q");
        assertEquals(1, r.exit());
        assertTrue(r.stderr().contains("line 2: not valid JSON"), r.stderr());
        assertTrue(r.stderr().contains("line 3: missing required field 'completion'"), r.stderr());
        assertTrue(r.stderr().contains("line 4: task: unknown task 'segmentation'"), r.stderr());
        assertTrue(r.stderr().contains("line 5: expected a JSON object"), r.stderr());
        assertTrue(r.stderr().contains("line 6: field 'completion' must be a string"), r.stderr());
        assertTrue(r.stderr().contains("line 9: not valid JSON"), r.stderr()); // truncated last line
        List<JsonNode> got = read(out);
        assertEquals(2, got.size());
        // the two good lines form group "a" (the bad lines of "a" do not count)
        float[] adv = GroupAdvantages.visualRft(new float[] {2f, 0f}, Groups.contiguous(2, 2));
        assertEquals(adv[0], (float) got.get(0).get("advantage").asDouble(), 0f);
        assertEquals(adv[1], (float) got.get(1).get("advantage").asDouble(), 0f);
    }

    /**
     * Issue 16's framing probe: a line holding more than one JSON value ({@code {...}{...}}, {@code {...} xyz},
     * a trailing NUL) and a file whose lines end in CR alone were read as their first object, the rest dropped
     * without a word; each is now a reported bad line. A UTF-8 byte order mark opening the file is skipped.
     */
    @Test
    void aLineIsExactlyOneObjectAndAByteOrderMarkIsSkipped() throws IOException {
        String good = line("a", "classification", "<think>x</think><answer>garden phlox</answer>", CLS_GT);
        String other = line("a", "classification", "rose", CLS_GT);
        Path p = dir.resolve("framing.jsonl");
        Files.write(p, concat(new byte[] {(byte) 0xef, (byte) 0xbb, (byte) 0xbf},
                String.join("\n", good, good + other, good + " xyz", good + "\u0000", other, "").getBytes(StandardCharsets.UTF_8)));
        Path out = dir.resolve("framing-out.jsonl");
        Run r = run("score", "-i", p.toString(), "-o", out.toString(), "-q");
        assertEquals(1, r.exit(), r.stderr());
        assertTrue(!r.stderr().contains("line 1:"), r.stderr()); // the BOM line scores
        assertTrue(r.stderr().contains("line 2: more than one JSON value on the line"), r.stderr());
        assertTrue(r.stderr().contains("line 3: not valid JSON: Unrecognized token 'xyz'"), r.stderr());
        assertTrue(r.stderr().contains("line 4: not valid JSON"), r.stderr());
        List<JsonNode> got = read(out);
        assertEquals(2, got.size());
        assertEquals(2.0, got.get(0).get("rewards").get("total").asDouble(), r.stderr()); // accuracy 1 + format 1
        assertEquals("a", got.get(0).get("prompt_id").asText());

        Path cr = dir.resolve("cr-only.jsonl");
        Files.writeString(cr, good + "\r" + other + "\r", StandardCharsets.UTF_8);
        Run rc = run("score", "-i", cr.toString(), "-o", dir.resolve("cr-out.jsonl").toString(), "-q");
        assertEquals(1, rc.exit(), rc.stderr());
        assertTrue(rc.stderr().contains("line 1: more than one JSON value on the line")
                && rc.stderr().contains("lines ending in CR alone are not JSON Lines"), rc.stderr());
        assertEquals(0, read(dir.resolve("cr-out.jsonl")).size());

        Path crlf = dir.resolve("crlf.jsonl");
        Files.writeString(crlf, good + "\r\n" + other + "\r\n", StandardCharsets.UTF_8);
        assertEquals(0, run("score", "-i", crlf.toString(), "-o", dir.resolve("crlf-out.jsonl").toString(), "-q").exit());
        assertEquals(2, read(dir.resolve("crlf-out.jsonl")).size());
    }

    @Test
    void invalidUtf8AndEmptyFiles() throws IOException {
        Path p = dir.resolve("utf8.jsonl");
        byte[] good = (line("a", "classification", "garden phlox", CLS_GT) + "\n").getBytes(StandardCharsets.UTF_8);
        byte[] bad = {'{', '"', (byte) 0xC3, (byte) 0x28, '"', '}', '\n'};
        Files.write(p, concat(good, bad, good));
        Path out = dir.resolve("utf8-out.jsonl");
        Run r = run("score", "-i", p.toString(), "-o", out.toString(), "-q");
        assertEquals(1, r.exit());
        assertTrue(r.stderr().contains("line 2: not valid UTF-8"), r.stderr());
        assertEquals(2, read(out).size());

        Path empty = dir.resolve("empty.jsonl");
        Files.write(empty, new byte[0]);
        Path emptyOut = dir.resolve("empty-out.jsonl");
        assertEquals(0, run("score", "-i", empty.toString(), "-o", emptyOut.toString(), "-q").exit());
        assertEquals(0, Files.size(emptyOut));
    }

    @Test
    void groupsSpreadOverTheFileGetTheSameAdvantagesAndKeepInputOrder() throws IOException {
        String[] answers = {"garden phlox", "rose", "<think>x</think><answer>garden phlox</answer>", "tulip"};
        List<String> contiguous = new ArrayList<>();
        List<String> interleaved = new ArrayList<>();
        for (String g : new String[] {"p1", "p2", "p3"}) {
            for (String a : answers) {
                contiguous.add(line(g, "classification", a + " " + g, "<answer>garden phlox " + g + "</answer>"));
            }
        }
        for (int k = 0; k < answers.length; k++) {
            for (int g = 0; g < 3; g++) {
                interleaved.add(contiguous.get(g * answers.length + k));
            }
        }
        Path o1 = dir.resolve("c.jsonl");
        Path o2 = dir.resolve("i.jsonl");
        assertEquals(0, run("score", "-i", write("c-in.jsonl", contiguous).toString(), "-o", o1.toString(), "-q").exit());
        assertEquals(0, run("score", "-i", write("i-in.jsonl", interleaved).toString(), "-o", o2.toString(), "-q").exit());
        Map<String, String> byLine = new LinkedHashMap<>();
        for (JsonNode n : read(o1)) {
            byLine.put(n.get("completion").asText(), n.get("advantage").asText());
        }
        List<JsonNode> got = read(o2);
        assertEquals(interleaved.size(), got.size());
        for (int i = 0; i < got.size(); i++) {
            JsonNode in = GoldenCases.JSON.readTree(interleaved.get(i));
            assertEquals(in.get("completion").asText(), got.get(i).get("completion").asText(), "input order");
            assertEquals(byLine.get(in.get("completion").asText()), got.get(i).get("advantage").asText());
        }
    }

    @Test
    void largeFileAcrossChunkBoundaries() throws IOException {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            lines.add(line("g" + (i / 7), "classification", i % 3 == 0 ? "garden phlox" : "rose", CLS_GT));
        }
        Path out = dir.resolve("big.jsonl");
        assertEquals(0, run("score", "-i", write("big-in.jsonl", lines).toString(), "-o", out.toString(), "-q").exit());
        List<JsonNode> got = read(out);
        assertEquals(10_000, got.size());
        for (int i = 0; i < got.size(); i++) {
            assertEquals(i % 3 == 0 ? 1.0 : 0.0, got.get(i).get("rewards").get("accuracy").asDouble(), "line " + i);
        }
    }

    @Test
    void sampleRunPrintsTheSummaryAndUsageErrorsExitTwo() {
        PrintStream oldOut = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            assertEquals(0, VrftCommand.execute("score"));
        } finally {
            System.setOut(oldOut);
        }
        String table = out.toString(StandardCharsets.UTF_8);
        assertTrue(table.contains("embedded sample: 40 lines, 40 scored, 0 bad, 5 groups"), table);
        assertTrue(table.contains("accuracy_confidence"), table);
        assertEquals(2, run("score", "--profile", "nope").exit());
        assertEquals(2, run("score", "--profile", "strict", "--math-verify-gate", "first-y1").exit());
        assertEquals(2, run("score", "--input", dir.resolve("missing.jsonl").toString()).exit());
    }

    @Test
    void completionMayBeAConversation() throws IOException {
        String conv = "{\"prompt_id\": \"c\", \"task\": \"classification\", \"completion\": [{\"role\": \"assistant\", "
                + "\"content\": \"<think>x</think><answer>garden phlox</answer>\"}, {\"role\": \"user\", \"content\": 3}], "
                + "\"solution\": \"" + CLS_GT + "\"}";
        String noContent = "{\"prompt_id\": \"c\", \"task\": \"classification\", \"completion\": [{\"role\": \"assistant\"}], "
                + "\"solution\": \"" + CLS_GT + "\"}";
        Path out = dir.resolve("conv-out.jsonl");
        Run r = run("score", "-i", write("conv.jsonl", List.of(conv, noContent)).toString(), "-o", out.toString(), "-q");
        assertEquals(1, r.exit(), r.stderr());
        assertTrue(r.stderr().contains("line 2: field 'completion' must be a string or a list of messages"), r.stderr());
        List<JsonNode> got = read(out);
        assertEquals(1, got.size());
        assertEquals(2.0, got.get(0).get("rewards").get("total").asDouble()); // the first message's content, scored
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            b.writeBytes(p);
        }
        return b.toByteArray();
    }

    @Test
    void writesToAStreamInInputOrder() throws IOException {
        JsonlScoring s = new JsonlScoring(new io.github.vrft.reward.RewardScorer(io.github.vrft.reward.RewardOptions.defaults()),
                new io.github.vrft.backend.CpuBackend(), r -> GroupAdvantages.visualRft(r, Groups.contiguous(r.length, r.length)), System.err, Progress.NONE);
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        JsonlScoring.Summary sum = s.run(write("w.jsonl", List.of(line("x", "classification", "garden phlox", CLS_GT),
                line("y", "classification", "rose", CLS_GT))), bytes);
        String w = bytes.toString(StandardCharsets.UTF_8);
        assertEquals(2, sum.scored());
        assertEquals(2, sum.groups());
        assertTrue(w.indexOf("\"x\"") < w.indexOf("\"y\""));
    }
}
