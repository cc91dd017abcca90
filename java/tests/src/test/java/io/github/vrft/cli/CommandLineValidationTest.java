package io.github.vrft.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 14's command-line reproductions: numbers the reader cannot hold, directories as input or output, and
 * {@code vrft grpo} documents whose values used to be truncated, reinterpreted or ignored without a word.
 */
class CommandLineValidationTest {
    @TempDir
    Path dir;

    private static ScoreCommandTest.Run run(String... args) {
        return ScoreCommandTest.run(args);
    }

    private static final String LINE = "{\"prompt_id\": \"p\", \"task\": \"classification\", "
            + "\"completion\": \"<think>x</think><answer>cat</answer>\", \"solution\": \"<answer>cat</answer>\"";

    @Test
    void aNumberTooLargeForADoubleInAnExtraFieldIsCarriedThroughUnread() throws IOException {
        Path in = dir.resolve("huge.jsonl");
        String digits = "9".repeat(5000); // past Jackson's default limit of 1,000 characters a number
        Files.write(in, List.of(LINE + "}", LINE + ", \"x\": 1e9999999999, \"y\": [-" + digits + ".5e-99999999999]}", LINE + "}"));
        Path out = dir.resolve("huge.out.jsonl");
        ScoreCommandTest.Run r = run("score", "-q", "-i", in.toString(), "-o", out.toString());
        assertEquals(0, r.exit(), r.stderr());
        List<String> got = Files.readAllLines(out);
        assertEquals(3, got.size());
        assertTrue(got.get(1).startsWith(LINE + ", \"x\": 1e9999999999, \"y\": [-" + digits + ".5e-99999999999],\"rewards\":"),
                got.get(1).substring(0, 300));
    }

    @Test
    void serveIdleTimeoutIsReadAndCheckedBeforeListening() {
        assertEquals(java.time.Duration.ofMillis(500), ServeCommand.parseDuration("--idle-timeout", "500ms"));
        assertEquals(java.time.Duration.ofSeconds(30), ServeCommand.parseDuration("--idle-timeout", "30s"));
        assertEquals(java.time.Duration.ofMinutes(2), ServeCommand.parseDuration("--idle-timeout", " 2m "));
        for (String bad : new String[] {"0s", "-1s", "30", "1h", "1.5s", "s", "9999999999s"}) {
            ScoreCommandTest.Run r = run("serve", "--port", "0", "--idle-timeout", bad);
            assertEquals(2, r.exit(), bad + ": " + r.stderr());
            assertTrue(r.stderr().startsWith("vrft serve: --idle-timeout " + bad + ": expected a positive number"),
                    r.stderr());
        }
    }

    @Test
    void directoriesAreUsageErrorsNotStackTraces() throws IOException {
        Path in = dir.resolve("in.jsonl");
        Files.write(in, List.of(LINE + "}"));
        ScoreCommandTest.Run score = run("score", "-q", "-i", dir.toString());
        assertEquals(2, score.exit());
        assertTrue(score.stderr().contains("is a directory"), score.stderr());
        ScoreCommandTest.Run scoreOut = run("score", "-q", "-i", in.toString(), "-o", dir.toString());
        assertEquals(1, scoreOut.exit());
        assertTrue(scoreOut.stderr().contains("is a directory"), scoreOut.stderr());
        Path doc = grpoDoc("{}", "\"advantages\": [0.5, -0.5]");
        ScoreCommandTest.Run grpoIn = run("grpo", "-i", dir.toString());
        assertEquals(2, grpoIn.exit());
        assertTrue(grpoIn.stderr().startsWith("vrft grpo: --input " + dir + ": is a directory"), grpoIn.stderr());
        ScoreCommandTest.Run grpoOut = run("grpo", "-i", doc.toString(), "-o", dir.toString());
        assertEquals(1, grpoOut.exit());
        assertTrue(grpoOut.stderr().contains("is a directory"), grpoOut.stderr());
        for (ScoreCommandTest.Run r : List.of(score, scoreOut, grpoIn, grpoOut)) {
            assertFalse(r.stderr().contains("\tat "), r.stderr());
        }
    }

    private Path grpoDoc(String config, String inputs) throws IOException {
        Path p = Files.createTempFile(dir, "doc", ".json");
        Files.writeString(p, "{\"impl\": \"" + (config.contains("batch_num_tokens") || config.contains("global_batch_size")
                ? "verl" : "trl") + "\", \"config\": " + config + ", \"inputs\": {\"logp\": [[-1.0, -2.0], [-0.5, -0.25]], "
                + "\"mask\": [[1, 1], [1, 0]], " + inputs + "}}");
        return p;
    }

    private void rejected(String config, String inputs, String message) throws IOException {
        ScoreCommandTest.Run r = run("grpo", "-i", grpoDoc(config, inputs).toString(), "-o", dir.resolve("out.json").toString());
        assertEquals(1, r.exit(), config + " " + inputs + ": " + r.stderr());
        assertTrue(r.stderr().contains(message), config + " " + inputs + ": " + r.stderr());
        assertFalse(r.stderr().contains("\tat "), r.stderr());
    }

    @Test
    void grpoDocumentsAreValidated() throws IOException {
        String rewards = "\"rewards\": [1.0, 0.0]";
        rejected("{}", rewards + ", \"group_ids\": [\"a\", \"b\"]", "inputs.group_ids[0]: expected an integer");
        rejected("{}", rewards + ", \"group_ids\": [true, false]", "inputs.group_ids[0]: expected an integer");
        rejected("{}", rewards + ", \"group_ids\": [0.5, 1]", "inputs.group_ids[0]: expected an integer");
        rejected("{\"batch_num_tokens\": -5}", "\"advantages\": [0.5, -0.5]", "batch_num_tokens must be a finite number > 0");
        rejected("{\"batch_num_tokens\": \"NaN\"}", "\"advantages\": [0.5, -0.5]", "batch_num_tokens must be a finite number > 0");
        rejected("{\"global_batch_size\": 0}", "\"advantages\": [0.5, -0.5]", "global_batch_size must be a finite number > 0");
        rejected("{\"num_processes\": 1e10}", "\"advantages\": [0.5, -0.5]", "config.num_processes: expected an integer");
        rejected("{\"num_processes\": 1.9}", "\"advantages\": [0.5, -0.5]", "config.num_processes: expected an integer");
        rejected("{\"beta\": 1e9999999999}", "\"advantages\": [0.5, -0.5]", "a number cannot be read");
        rejected("{\"beta\": -1}", "\"advantages\": [0.5, -0.5]", "beta must be >= 0");
        rejected("{\"num_items_in_batch\": 0}", "\"advantages\": [0.5, -0.5]", "num_items_in_batch must be a finite number > 0");
        // 3.0 is the integer 3: accepted
        ScoreCommandTest.Run ok = run("grpo", "-i", grpoDoc("{\"num_processes\": 3.0}", "\"advantages\": [0.5, -0.5]").toString(),
                "-o", dir.resolve("ok.json").toString());
        assertEquals(0, ok.exit(), ok.stderr());
    }

    @Test
    void oneDocumentExactly() throws IOException {
        Path doc = grpoDoc("{}", "\"advantages\": [0.5, -0.5]");
        String text = Files.readString(doc);
        for (String tail : new String[] {" xyz", " {\"impl\": \"trl\"}", "}"}) {
            Path p = dir.resolve("tail.json");
            Files.writeString(p, text + tail);
            ScoreCommandTest.Run r = run("grpo", "-i", p.toString(), "-o", dir.resolve("t.json").toString());
            assertEquals(1, r.exit(), tail + ": " + r.stderr());
            assertTrue(r.stderr().contains("not valid JSON"), r.stderr());
        }
        Path empty = dir.resolve("empty.json");
        Files.writeString(empty, "  \n");
        ScoreCommandTest.Run r = run("grpo", "-i", empty.toString());
        assertEquals(1, r.exit(), r.stderr());
    }
}
