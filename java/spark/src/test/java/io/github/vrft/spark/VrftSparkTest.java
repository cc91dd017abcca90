package io.github.vrft.spark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link VrftSpark#score} against {@code vrft score} (run as its own process on the same file): the golden cases of
 * both profiles and a generated 100,000-line file, with groups scattered over the file and so over partitions,
 * compared bit for bit (every component, total, total_f32, advantage, diagnostics); malformed rows; an empty
 * input; the per-row UDFs as PySpark registers them.
 */
class VrftSparkTest extends LocalSpark {
    @TempDir
    Path dir;

    private static Path golden(String name) {
        return VrftScoreProcess.repo().resolve("java/tests/src/test/resources/golden/" + name);
    }

    private static List<JsonNode> cases(String name) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        for (String l : Files.readAllLines(golden(name))) {
            JsonNode c = VrftScoreProcess.JSON.readTree(l);
            if (!c.get("task").asText().equals("meta")) {
                out.add(c);
            }
        }
        return out;
    }

    private static ObjectNode line(Object pid, String id, String task, JsonNode c) {
        ObjectNode n = VrftScoreProcess.JSON.createObjectNode();
        if (pid instanceof String s) {
            n.put("prompt_id", s);
        } else if (pid instanceof Double d) {
            n.put("prompt_id", d);
        } else {
            n.put("prompt_id", (Integer) pid);
        }
        n.put("id", id).put("task", task).put("completion", c.get("completion").asText())
                .put("solution", c.get("solution").asText());
        return n;
    }

    /** Every Visual-RFT golden case, in 7 groups that interleave (no group is contiguous). */
    private static List<String> visualRftLines() throws IOException {
        List<String> lines = new ArrayList<>();
        int i = 0;
        for (JsonNode c : cases("visual_rft_rewards.jsonl")) {
            if (!c.get("task").asText().equals("grpo_advantage")) {
                lines.add(line("g" + (i++ % 7), c.get("id").asText(), c.get("task").asText(), c).toString());
            }
        }
        return lines;
    }

    /** Every VLM-R1 golden case as ScoreCommandTest builds them, numeric prompt_ids (some written as 3.0). */
    private static List<String> vlmR1Lines() throws IOException {
        Map<String, String> models = Map.of("qwen", "qwen", "internvl", "internvl", "glm", "glm",
                "legacy_binary_0586aee", "legacy-binary");
        List<String> lines = new ArrayList<>();
        int i = 0;
        for (JsonNode c : cases("vlm_r1_rewards.jsonl")) {
            String task = c.get("task").asText();
            Object pid = i % 3 == 0 ? (Object) (double) (i % 5) : (Object) (i % 5);
            i++;
            if (task.equals("rec")) {
                for (String m : models.keySet()) {
                    ObjectNode n = line(pid, c.get("id").asText() + "/" + m, "rec", c);
                    n.put("model", models.get(m));
                    n.set("image_size_wh", c.get("inputs").get("image_size_wh"));
                    n.set("image_grid_thw", c.get("inputs").get("image_grid_thw"));
                    lines.add(n.toString());
                }
            } else if (task.equals("od")) {
                for (Iterator<String> it = c.get("expected").get("accuracy").fieldNames(); it.hasNext(); ) {
                    String method = it.next();
                    lines.add(line(pid, c.get("id").asText() + "/" + method, "od", c).put("reward_method", method).toString());
                }
            } else if (task.startsWith("accuracy_")) {
                lines.add(line(pid, c.get("id").asText(), "accuracy", c)
                        .put("reward_method", c.get("expected").get("accu_reward_method").asText()).toString());
            }
        }
        return lines;
    }

    private Path write(String name, List<String> lines) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, lines, StandardCharsets.UTF_8);
        return p;
    }

    /** Scores {@code in} both ways and compares every scored row; returns the Spark rows by id. */
    private Map<String, Row> assertSameAsVrftScore(Path in, ScoringOptions options, String... vrftArgs) throws Exception {
        List<String> want = VrftScoreProcess.score(in, dir.resolve(in.getFileName() + ".vrft.jsonl"), vrftArgs);
        Dataset<Row> input = spark.read().json(in.toString());
        assertTrue(input.rdd().getNumPartitions() > 1 || Files.size(in) < (256 << 10), "partitions: " + input.rdd().getNumPartitions());
        List<Row> got = VrftSpark.score(input, options).collectAsList();
        Map<String, Row> byId = new HashMap<>();
        for (Row r : got) {
            byId.put(r.getString(r.fieldIndex("id")), r);
        }
        assertEquals(Files.readAllLines(in).size(), byId.size(), "every input row comes out once");
        int scored = 0;
        for (String line : want) {
            JsonNode w = VrftScoreProcess.JSON.readTree(line);
            Map<String, String> numbers = VrftScoreProcess.numbers(line);
            String id = w.get("id").asText();
            Row r = byId.get(id);
            assertNotNull(r, id);
            Row rewards = r.getStruct(r.fieldIndex("rewards"));
            assertNotNull(rewards, id + ": " + r);
            StructType type = rewards.schema();
            for (String f : type.fieldNames()) {
                String v = numbers.get(f);
                int k = type.fieldIndex(f);
                if (v == null) {
                    assertTrue(rewards.isNullAt(k), id + " " + f + " should be null");
                } else if (f.equals("total_f32")) {
                    assertEquals(v, Float.toString(rewards.getFloat(k)), id + " " + f);
                } else {
                    assertEquals(v, Double.toString(rewards.getDouble(k)), id + " " + f);
                }
            }
            assertEquals(numbers.keySet().size() - 1, java.util.Arrays.stream(type.fieldNames())
                    .filter(f -> !rewards.isNullAt(type.fieldIndex(f))).count(), id + ": the same components");
            assertEquals(numbers.get("advantage"), Float.toString(r.getFloat(r.fieldIndex("advantage"))), id + " advantage");
            Map<String, String> diagnostics = new HashMap<>();
            w.get("diagnostics").properties().forEach(e -> diagnostics.put(e.getKey(), e.getValue().asText()));
            assertEquals(diagnostics, r.getJavaMap(r.fieldIndex("diagnostics")), id + " diagnostics");
            scored++;
        }
        long unscored = got.stream().filter(r -> r.isNullAt(r.fieldIndex("rewards"))).count();
        assertEquals(got.size() - scored, unscored, "rows vrft score reported bad are the rows Spark did not score");
        for (Row r : got) {
            if (r.isNullAt(r.fieldIndex("rewards"))) {
                assertTrue(r.isNullAt(r.fieldIndex("advantage")));
                assertTrue(r.getJavaMap(r.fieldIndex("diagnostics")).containsKey("error"), r.toString());
            }
        }
        return byId;
    }

    @Test
    void visualRftGoldenCasesAsVrftScoreScoresThem() throws Exception {
        Path in = write("visual-rft.jsonl", visualRftLines());
        assertSameAsVrftScore(in, ScoringOptions.defaults());
        assertSameAsVrftScore(in, ScoringOptions.builder().mathVerifyGate("first-y1").advantage("trl-group").build(),
                "--math-verify-gate", "first-y1", "--advantage", "trl-group");
        assertSameAsVrftScore(in, ScoringOptions.builder().profile("strict").advantage("verl").build(),
                "--profile", "strict", "--advantage", "verl");
    }

    @Test
    void vlmR1GoldenCasesAsVrftScoreScoresThem() throws Exception {
        Path in = write("vlm-r1.jsonl", vlmR1Lines());
        assertSameAsVrftScore(in, ScoringOptions.builder().profile("vlm-r1").extraRewards("repetition,length").build(),
                "--profile", "vlm-r1", "--extra-rewards", "repetition,length");
    }

    /** 100,000 generated Visual-RFT lines shuffled, so that the groups of 8 are scattered over every partition. */
    @Test
    void aHundredThousandScatteredLinesAsVrftScoreScoresThem() throws Exception {
        Path generated = dir.resolve("generated.jsonl");
        Process p = new ProcessBuilder("python3", VrftScoreProcess.repo().resolve("benchmarks/endtoend/generate_rollouts.py")
                .toString(), "--mix", "visual-rft", "--lines", "100000", "--seed", "7", "--out", generated.toString())
                .inheritIO().start();
        assertEquals(0, p.waitFor());
        List<String> lines = new ArrayList<>(Files.readAllLines(generated));
        Collections.shuffle(lines, new Random(11));
        for (int i = 0; i < lines.size(); i++) { // an id per line, to match rows up
            lines.set(i, lines.get(i).substring(0, lines.get(i).length() - 1) + ", \"id\": \"" + i + "\"}");
        }
        Path in = write("scattered.jsonl", lines);
        Map<String, Row> got = assertSameAsVrftScore(in, ScoringOptions.defaults());
        assertEquals(100_000, got.size());
    }

    @Test
    void malformedRowsGetNullRewardsAndAReasonAndTheOthersAreScored() throws Exception {
        String ok = "\"completion\": \"<think>x</think><answer>cat</answer>\", \"solution\": \"<answer>cat</answer>\"";
        Path in = write("bad.jsonl", List.of(
                "{\"id\": \"a\", \"prompt_id\": \"p\", \"task\": \"classification\", " + ok + "}",
                "{\"id\": \"b\", \"prompt_id\": \"p\", \"task\": \"classification\", \"completion\": \"x\"}",
                "{\"id\": \"c\", \"prompt_id\": \"p\", \"task\": \"juggling\", " + ok + "}",
                "{\"id\": \"d\", \"prompt_id\": \"p\", \"task\": \"rec\", " + ok + "}",
                "this line is not JSON",
                "{\"id\": \"e\", \"prompt_id\": \"p\", \"task\": \"classification\", " + ok + "}"));
        List<Row> got = VrftSpark.score(spark.read().json(in.toString()), ScoringOptions.builder().keepOrder(true).build())
                .collectAsList();
        assertEquals(6, got.size());
        Map<String, String> reasons = new HashMap<>();
        for (Row r : got) {
            Map<String, String> d = r.getJavaMap(r.fieldIndex("diagnostics"));
            reasons.put(r.isNullAt(r.fieldIndex("id")) ? "?" : r.getString(r.fieldIndex("id")), d.get("error"));
        }
        assertNull(reasons.get("a"));
        assertNull(reasons.get("e"));
        assertEquals("missing required field 'solution'", reasons.get("b"));
        assertTrue(reasons.get("c").contains("juggling"), reasons.get("c"));
        assertTrue(reasons.get("d").contains("rec"), reasons.get("d"));
        assertTrue(reasons.get("?").startsWith("not valid JSON"), reasons.get("?"));
        // a and e are the group: two equal rewards, advantage 0 (Visual-RFT: (r - mean) / (std + 1e-4))
        for (Row r : got) {
            boolean scored = !r.isNullAt(r.fieldIndex("rewards"));
            assertEquals(scored, reasons.get(r.isNullAt(r.fieldIndex("id")) ? "?" : r.getString(r.fieldIndex("id"))) == null);
            if (scored) {
                assertEquals(0.0f, r.getFloat(r.fieldIndex("advantage")), 0.0f);
            }
        }
        assertEquals(List.of("a", "b", "c", "d", "e"), got.stream().filter(r -> !r.isNullAt(r.fieldIndex("id")))
                .map(r -> r.getString(r.fieldIndex("id"))).toList(), "keepOrder keeps the input order");
    }

    @Test
    void anEmptyInputGivesAnEmptyResultWithTheOutputColumns() {
        StructType schema = new StructType().add("prompt_id", DataTypes.StringType).add("task", DataTypes.StringType)
                .add("completion", DataTypes.StringType).add("solution", DataTypes.StringType);
        Dataset<Row> out = VrftSpark.score(spark.createDataFrame(List.of(), schema), ScoringOptions.defaults());
        assertEquals(List.of("prompt_id", "task", "completion", "solution", "rewards", "advantage", "diagnostics"),
                List.of(out.columns()));
        assertEquals(0, out.count());
    }

    @Test
    void missingColumnsAndBadOptionsAreNamedBeforeAnythingRuns() {
        StructType schema = new StructType().add("qid", DataTypes.StringType).add("task", DataTypes.StringType)
                .add("completion", DataTypes.StringType).add("solution", DataTypes.StringType);
        Dataset<Row> in = spark.createDataFrame(List.of(), schema);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> VrftSpark.score(in, ScoringOptions.defaults()));
        assertTrue(e.getMessage().contains("no column 'prompt_id'"), e.getMessage());
        assertEquals(7, VrftSpark.score(in, ScoringOptions.builder().column("prompt_id", "qid").build()).columns().length);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ScoringOptions.builder().profile("nope").build())
                .getMessage().contains("nope"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ScoringOptions.builder().column("qid", "x"))
                .getMessage().startsWith("field: expected one of"));
        assertThrows(IllegalArgumentException.class, () -> VrftSpark.score(null, ScoringOptions.defaults()));
        assertEquals(ScoringOptions.builder().profile("vlm-r1").build(), ScoringOptions.builder().profile("vlm-r1").build());
        assertEquals(ScoringOptions.defaults(), ScoringOptions.defaults().toBuilder().build());
    }

    /** The UDFs as PySpark's registerJavaFunction registers them (UDFRegistration.registerJava), against score. */
    @Test
    void theJavaUdfsGiveTheRewardsScoreGives() throws Exception {
        spark.udf().registerJava("vrft_rewards", VisualRftRewardUdf.class.getName(), DataType.fromDDL(VisualRftRewardUdf.RETURN_TYPE));
        spark.udf().registerJava("vrft_vlm_r1_rewards", VlmR1RewardUdf.class.getName(), DataType.fromDDL(VlmR1RewardUdf.RETURN_TYPE));
        String[][] runs = {{"visual-rft", "vrft_rewards(task, completion, solution)"},
                {"vlm-r1", "vrft_vlm_r1_rewards(task, completion, solution, model, reward_method, image_size_wh, image_grid_thw)"}};
        for (String[] run : runs) {
            Path in = write(run[0] + "-udf.jsonl", run[0].equals("vlm-r1") ? vlmR1Lines() : visualRftLines());
            Dataset<Row> rows = spark.read().json(in.toString());
            rows.createOrReplaceTempView("rollouts");
            Map<String, Row> byUdf = new HashMap<>();
            for (Row r : spark.sql("SELECT id, " + run[1] + " AS r FROM rollouts").collectAsList()) {
                byUdf.put(r.getString(0), r.getStruct(1));
            }
            List<Row> scored = VrftSpark.score(rows, ScoringOptions.builder().profile(run[0]).build()).collectAsList();
            assertEquals(scored.size(), byUdf.size());
            for (Row s : scored) {
                Row u = byUdf.get(s.getString(s.fieldIndex("id")));
                assertEquals(s.get(s.fieldIndex("rewards")), u.get(0), s.getString(s.fieldIndex("id")));
                assertEquals(s.getJavaMap(s.fieldIndex("diagnostics")), u.getJavaMap(1));
            }
        }
    }
}
