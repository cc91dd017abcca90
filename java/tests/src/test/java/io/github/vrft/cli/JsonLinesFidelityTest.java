package io.github.vrft.cli;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.vrft.grpo.GroupAdvantages;
import io.github.vrft.grpo.Groups;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What {@code vrft score} keeps of a line and how it groups lines (issue 16's hostile probe): one group per
 * {@code prompt_id} value as Python compares {@code json.loads} values, extra fields written back as the same
 * characters, replaced output fields, and bounded memory for groups spread over the file.
 */
class JsonLinesFidelityTest {
    @TempDir
    Path dir;

    /** Rejects duplicate keys, so an output line with two "rewards" members fails the test. */
    private static final ObjectMapper STRICT = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private static final String[] ANSWERS = {"garden phlox", "rose", "<think>x</think><answer>garden phlox</answer>",
        "<think>x</think><answer>tulip</answer>"};

    /** A classification line with the raw JSON text {@code pid} as its prompt_id and {@code extra} members after it. */
    private static String line(String pid, int answer, String extra) {
        return "{\"prompt_id\": " + pid + ", \"task\": \"classification\", \"completion\": \"" + ANSWERS[answer].replace("\"", "\\\"")
                + "\", \"solution\": \"<answer>garden phlox</answer>\"" + extra + "}";
    }

    private Path write(String name, List<String> lines) throws IOException {
        return ScoreCommandTest.writeLines(dir, name, lines);
    }

    private static List<JsonNode> read(Path p) throws IOException {
        return parse(Files.readString(p, StandardCharsets.UTF_8));
    }

    /** Each line of {@code text} as JSON (duplicate members rejected). */
    private static List<JsonNode> parse(String text) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        for (String l : text.split("\n")) {
            out.add(STRICT.readTree(l));
        }
        return out;
    }

    /** Visual-RFT's advantages of {@code totals} as one group. */
    private static float[] advantages(float... totals) {
        return GroupAdvantages.visualRft(totals, Groups.contiguous(totals.length, totals.length));
    }

    private static float[] advantagesOf(List<JsonNode> got, int... rows) {
        float[] a = new float[rows.length];
        for (int i = 0; i < rows.length; i++) {
            JsonNode adv = got.get(rows[i]).get("advantage");
            a[i] = adv.isTextual() ? Float.parseFloat(adv.asText()) : adv.floatValue();
        }
        return a;
    }

    private static float[] totalsOf(List<JsonNode> got, int... rows) {
        float[] t = new float[rows.length];
        for (int i = 0; i < rows.length; i++) {
            t[i] = got.get(rows[i]).get("rewards").get("total_f32").floatValue();
        }
        return t;
    }

    @Test
    void aGroupIsThePromptIdValueAsPythonComparesIt() throws IOException {
        // 100, 1e2, 100.0 and 1.0e+2 are one value (Python: 100 == 1e2 == 100.0); "100" is a string, another group;
        // 0 and -0.0 are equal in Python; 1.5 and 15e-1 are the same float64
        List<String> lines = List.of(line("100", 0, ""), line("1e2", 1, ""), line("\"100\"", 2, ""),
                line("100.0", 3, ""), line("1.0e+2", 2, ""), line("\"100\"", 0, ""),
                line("0", 0, ""), line("-0.0", 1, ""), line("1.5", 2, ""), line("15e-1", 3, ""));
        Path out = dir.resolve("keys-out.jsonl");
        ScoreCommandTest.Run r = ScoreCommandTest.run("score", "-i", write("keys.jsonl", lines).toString(), "-o",
                out.toString());
        assertEquals(0, r.exit(), r.stderr());
        assertTrue(r.stderr().contains("10 lines, 10 scored, 0 bad, 4 groups"), r.stderr());
        List<JsonNode> got = read(out);
        int[][] groups = {{0, 1, 3, 4}, {2, 5}, {6, 7}, {8, 9}};
        for (int[] g : groups) {
            assertArrayEquals(advantages(totalsOf(got, g)), advantagesOf(got, g), java.util.Arrays.toString(g));
        }
        for (int i = 0; i < got.size(); i++) { // the prompt_id comes back as written
            assertTrue(Files.readAllLines(out).get(i).startsWith(lines.get(i).substring(0, lines.get(i).length() - 1)));
        }
    }

    @Test
    void aDuplicatePromptIdIsReportedAndStillClosesItsGroup() throws IOException {
        List<String> lines = List.of(line("\"a\"", 0, ""), line("\"a\"", 1, ", \"prompt_id\": \"b\""),
                line("\"a\"", 2, ""), line("\"b\"", 3, ""));
        Path out = dir.resolve("dup-out.jsonl");
        ScoreCommandTest.Run r = ScoreCommandTest.run("score", "-q", "--hold-memory", "0", "-i",
                write("dup.jsonl", lines).toString(), "-o", out.toString());
        assertEquals(1, r.exit(), r.stderr());
        assertTrue(r.stderr().contains("line 2: field 'prompt_id' appears more than once on the line"), r.stderr());
        List<JsonNode> got = read(out);
        assertEquals(3, got.size());
        assertArrayEquals(advantages(totalsOf(got, 0, 1)), advantagesOf(got, 0, 1)); // "a": lines 1 and 3
        assertTrue(got.get(2).get("advantage").asText().equals("NaN")); // "b" alone: a group of one
    }

    @Test
    void extraFieldsComeBackAsTheSameCharacters() throws IOException {
        String extra = ", \"neg_zero\": -0.0, \"one\": 1.0, \"trailing\": 1.10, \"exp\": 1e2, \"big\": 123456789012345678901234567890,"
                + " \"lone\": \"\\ud800\", \"esc\": \"\\u00e9\\/\\t\", \"raw\": \"é😀\", \"nested\": {\"a\": [1.0, -0.0, null, true]},"
                + "   \"spaced\" :  2.50  ";
        String in = line("\"p\"", 2, extra);
        Path out = dir.resolve("exact-out.jsonl");
        ScoreCommandTest.Run r = ScoreCommandTest.run("score", "-q", "-i", write("exact.jsonl", List.of(in)).toString(),
                "-o", out.toString());
        assertEquals(0, r.exit(), r.stderr());
        String got = Files.readString(out, StandardCharsets.UTF_8);
        String kept = in.substring(0, in.length() - 1);
        assertTrue(got.startsWith(kept + ",\"rewards\":{"), got);
        JsonNode n = STRICT.readTree(got);
        assertEquals("\ud800", n.get("lone").asText());
        assertEquals(2.0, n.get("rewards").get("total").asDouble());
    }

    @Test
    void rewardsAdvantageAndDiagnosticsInTheInputAreReplacedSoRescoringIsIdempotent() throws IOException {
        List<String> lines = List.of(
                line("\"a\"", 0, ", \"rewards\": {\"old\": 1}, \"x\": 1, \"advantage\": 9.5 , \"diagnostics\": {\"old\": \"y\"}"),
                line("\"a\"", 1, ", \"advantage\": \"NaN\""),
                "{\"rewards\": [], \"prompt_id\": \"a\", \"diagnostics\": 1, \"task\": \"classification\", \"completion\": \"rose\", "
                        + "\"solution\": \"<answer>garden phlox</answer>\", \"advantage\": 0}");
        Path once = dir.resolve("once.jsonl");
        ScoreCommandTest.Run r = ScoreCommandTest.run("score", "-q", "-i", write("old.jsonl", lines).toString(), "-o",
                once.toString());
        assertEquals(0, r.exit(), r.stderr());
        List<JsonNode> got = read(once); // STRICT: one member of each name
        assertEquals(3, got.size());
        assertFalse(got.get(0).get("rewards").has("old"));
        assertFalse(got.get(0).get("diagnostics").has("old"));
        assertEquals(1, got.get(0).get("x").asInt());
        assertArrayEquals(advantages(totalsOf(got, 0, 1, 2)), advantagesOf(got, 0, 1, 2));
        Path twice = dir.resolve("twice.jsonl");
        assertEquals(0, ScoreCommandTest.run("score", "-q", "-i", once.toString(), "-o", twice.toString()).exit());
        assertEquals(Files.readString(once), Files.readString(twice));
    }

    @Test
    void scatteredGroupsWaitOnDiskBeyondTheMemoryLimitAndComeOutTheSame() throws IOException {
        List<String> interleaved = new ArrayList<>();
        for (int round = 0; round < 4; round++) {
            for (int g = 0; g < 300; g++) {
                interleaved.add(line("\"g" + g + "\"", (g + round) % 4, ", \"round\": " + round));
            }
        }
        Path in = write("scattered.jsonl", interleaved);
        Path inMemory = dir.resolve("mem.jsonl");
        ScoreCommandTest.Run m = ScoreCommandTest.run("score", "-i", in.toString(), "-o", inMemory.toString());
        assertEquals(0, m.exit(), m.stderr());
        assertFalse(m.stderr().contains("waited on disk"), m.stderr());
        Path onDisk = dir.resolve("disk.jsonl");
        ScoreCommandTest.Run d = ScoreCommandTest.run("score", "--hold-memory", "16k", "-i", in.toString(), "-o",
                onDisk.toString());
        assertEquals(0, d.exit(), d.stderr());
        assertTrue(d.stderr().contains("lines waited on disk for their groups"), d.stderr());
        assertEquals(Files.readString(inMemory), Files.readString(onDisk));
        List<JsonNode> got = read(onDisk);
        assertEquals(1200, got.size());
        for (int g = 0; g < 300; g++) {
            int[] rows = {g, 300 + g, 600 + g, 900 + g};
            assertArrayEquals(advantages(totalsOf(got, rows)), advantagesOf(got, rows));
            assertEquals("g" + g, got.get(900 + g).get("prompt_id").asText()); // input order
        }
    }

    @Test
    void aBadLineWithAPromptIdDoesNotHoldTheLinesAfterIt() throws IOException {
        // The bad first line is counted in group "a" by the first pass; the second pass counts it too, so "a"
        // completes with its last line and nothing waits (with 4 KiB of memory, waiting lines would go to disk).
        List<String> lines = new ArrayList<>();
        lines.add("{\"prompt_id\": \"a\", \"task\": \"nope\", \"completion\": \"x\", \"solution\": \"y\"}");
        lines.add("{\"prompt_id\": \"a\", \"task\": \"classification\", \"completion\": \"x\"} trailing");
        for (int g = 0; g < 200; g++) {
            for (int k = 0; k < 4; k++) {
                lines.add(line("\"" + (g == 0 ? "a" : "c" + g) + "\"", k, ""));
            }
        }
        Path out = dir.resolve("bad-top-out.jsonl");
        ScoreCommandTest.Run r = ScoreCommandTest.run("score", "--hold-memory", "4k", "-i",
                write("bad-top.jsonl", lines).toString(), "-o", out.toString());
        assertEquals(1, r.exit(), r.stderr());
        assertTrue(r.stderr().contains("line 1: task: unknown task 'nope'"), r.stderr());
        assertTrue(r.stderr().contains("line 2: not valid JSON"), r.stderr());
        assertFalse(r.stderr().contains("waited on disk"), r.stderr());
        assertEquals(800, read(out).size());
    }

    /** The two-pass result of {@code in} (JsonlScoring's stream API always counts the groups first). */
    private static String twoPasses(Path in) throws IOException {
        JsonlScoring s = new JsonlScoring(new io.github.vrft.reward.RewardScorer(io.github.vrft.reward.RewardOptions.defaults()),
                new io.github.vrft.backend.CpuBackend(), r -> GroupAdvantages.visualRft(r, Groups.contiguous(r.length, r.length)),
                new java.io.PrintStream(java.io.OutputStream.nullOutputStream()), Progress.NONE);
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        s.run(in, bytes, JsonlScoring.defaultHoldBytes());
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void contiguousGroupsAreScoredInOnePassWithTheTwoPassResult() throws IOException {
        List<String> lines = new ArrayList<>();
        for (int g = 0; g < 500; g++) {
            for (int k = 0; k < 8; k++) {
                lines.add(line("\"c" + g + "\"", (g + k) % 4, ", \"k\": " + k));
            }
            if (g == 7) {
                lines.add("{\"prompt_id\": \"c7\", \"task\": \"nope\", \"completion\": \"x\", \"solution\": \"y\"}");
                lines.add("not json");
            }
        }
        Path in = write("contiguous.jsonl", lines);
        Path out = dir.resolve("contiguous-out.jsonl");
        ScoreCommandTest.Run r = ScoreCommandTest.run("score", "-i", in.toString(), "-o", out.toString());
        assertEquals(1, r.exit(), r.stderr());
        assertFalse(r.stderr().contains("two passes"), r.stderr());
        assertEquals(1, count(r.stderr(), "line 65: task: unknown task 'nope'"), r.stderr());
        assertEquals(1, count(r.stderr(), "line 66: not valid JSON"), r.stderr());
        assertTrue(r.stderr().contains("4002 lines, 4000 scored, 2 bad, 500 groups"), r.stderr());
        assertEquals(twoPasses(in), Files.readString(out));
    }

    @Test
    void aGroupThatComesBackStartsTheRunOverInTwoPassesWithEachBadLineReportedOnce() throws IOException {
        List<String> lines = new ArrayList<>();
        lines.add("{\"prompt_id\": \"a\", \"task\": \"nope\", \"completion\": \"x\", \"solution\": \"y\"}");
        for (int g = 0; g < 300; g++) {
            for (int k = 0; k < 4; k++) {
                lines.add(line("\"c" + g + "\"", (g + k) % 4, ""));
            }
        }
        lines.add(line("\"c5\"", 0, ", \"late\": true")); // line 1202: c5 again, its group ended at line 25
        lines.add("not json");
        for (int k = 0; k < 4; k++) {
            lines.add(line("\"z\"", k, ""));
        }
        Path in = write("comes-back.jsonl", lines);
        String want = twoPasses(in);
        for (String name : new String[] {"comes-back-out.jsonl", "comes-back-out.jsonl.gz"}) {
            Path out = dir.resolve(name);
            ScoreCommandTest.Run r = ScoreCommandTest.run("score", "-i", in.toString(), "-o", out.toString());
            assertEquals(1, r.exit(), r.stderr());
            assertEquals(1, count(r.stderr(), "line 1202: prompt_id \"c5\" comes again after its group ended; scoring "
                    + "again in two passes"), r.stderr());
            assertEquals(1, count(r.stderr(), "line 1: task: unknown task 'nope'"), r.stderr());
            assertEquals(1, count(r.stderr(), "line 1203: not valid JSON"), r.stderr());
            assertTrue(r.stderr().contains("1207 lines, 1205 scored, 2 bad, 301 groups"), r.stderr());
            byte[] bytes = Files.readAllBytes(out);
            if (name.endsWith(".gz")) {
                bytes = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(bytes)).readAllBytes();
            }
            String got = new String(bytes, StandardCharsets.UTF_8);
            assertEquals(want, got);
            List<JsonNode> rows = parse(got);
            int[] c5 = {20, 21, 22, 23, 1200}; // c5's five scored lines (the bad line 1 is not written)
            assertArrayEquals(advantages(totalsOf(rows, c5)), advantagesOf(rows, c5));
        }
    }

    private static int count(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }
}
