package io.github.vrft.spark;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The job run from the command line, in a JVM of its own with the flags Spark needs on JDK 25. */
class ScoreJobTest extends LocalSpark {
    @TempDir
    Path dir;

    private record Run(int exit, String stderr) {}

    private Run job(String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String flag : System.getProperty("vrft.spark.jvm.flags", "").trim().split("\\s+")) {
            if (!flag.isEmpty()) {
                cmd.add(flag);
            }
        }
        cmd.addAll(List.of("-Dspark.ui.enabled=false", "-Dspark.driver.bindAddress=127.0.0.1", "-Dspark.driver.host=127.0.0.1",
                "-cp", System.getProperty("java.class.path"), ScoreJob.class.getName(), "--master", "local[2]"));
        cmd.addAll(List.of(args));
        Path err = dir.resolve("job-" + System.nanoTime() + ".err");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(false).redirectError(err.toFile())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), "the job did not finish");
        return new Run(p.exitValue(), Files.readString(err));
    }

    @Test
    void theJobScoresAParquetFileAsTheDatasetApiDoes() throws Exception {
        String ok = "\"completion\": \"<think>x</think><answer>[{'Position': [10, 10, 50, 50], 'Confidence': 0.8}]</answer>\", "
                + "\"solution\": \"<answer>[{'Position': [12, 10, 50, 48], 'Confidence': 1}]</answer>\"";
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            lines.add("{\"id\": " + i + ", \"prompt_id\": \"p" + (i % 5) + "\", \"task\": \"" + (i == 7 ? "juggling" : "detection")
                    + "\", " + ok.replace("0.8", "0." + (i % 9 + 1)) + "}");
        }
        Path json = dir.resolve("in.jsonl");
        Files.write(json, lines);
        Path parquet = dir.resolve("in.parquet");
        spark.read().json(json.toString()).write().parquet(parquet.toString());
        Path out = dir.resolve("out");
        Run r = job("--input", parquet.toString(), "--output", out.toString(), "--format", "json", "--compression", "gzip");
        assertEquals(0, r.exit(), r.stderr());
        assertTrue(r.stderr().contains("40 rows, 39 scored, 1 not scored"), r.stderr());
        assertTrue(new File(out.toFile(), "_SUCCESS").exists());
        assertTrue(Files.list(out).anyMatch(f -> f.toString().endsWith(".json.gz")), "gzip output");
        Map<Long, Row> want = new HashMap<>();
        for (Row row : VrftSpark.score(spark.read().parquet(parquet.toString()), ScoringOptions.defaults()).collectAsList()) {
            want.put(row.getLong(row.fieldIndex("id")), row);
        }
        List<Row> got = spark.read().json(out.toString()).collectAsList();
        assertEquals(40, got.size());
        for (Row g : got) {
            Row w = want.get(g.getLong(g.fieldIndex("id")));
            if (w.isNullAt(w.fieldIndex("rewards"))) {
                assertTrue(g.isNullAt(g.fieldIndex("rewards")));
                continue;
            }
            Row wr = w.getStruct(w.fieldIndex("rewards"));
            Row gr = g.getStruct(g.fieldIndex("rewards"));
            assertEquals(wr.getDouble(wr.fieldIndex("total")), gr.getDouble(gr.fieldIndex("total")), 0.0);
            assertEquals(w.getFloat(w.fieldIndex("advantage")), (float) g.getDouble(g.fieldIndex("advantage")), 0.0f);
        }
    }

    @Test
    void anEmptyInputIsAnEmptyOutputAndABadOptionAUsageError() throws Exception {
        Path empty = dir.resolve("empty.jsonl");
        Files.writeString(empty, "");
        Path out = dir.resolve("empty-out");
        Run r = job("--input", empty.toString(), "--output", out.toString(), "--format", "parquet");
        assertEquals(0, r.exit(), r.stderr());
        assertTrue(r.stderr().contains("0 rows, 0 scored, 0 not scored"), r.stderr());
        Dataset<Row> back = spark.read().parquet(out.toString());
        assertEquals(0, back.count());
        assertTrue(List.of(back.columns()).containsAll(List.of("prompt_id", "rewards", "advantage", "diagnostics")));
        Path gz = dir.resolve("one.jsonl.gz"); // compressed JSON Lines in, by its extension
        try (var zipped = new java.util.zip.GZIPOutputStream(Files.newOutputStream(gz))) {
            zipped.write(("{\"prompt_id\": 1, \"task\": \"classification\", \"completion\": \"<think>x</think><answer>cat"
                    + "</answer>\", \"solution\": \"<answer>cat</answer>\"}\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        Run one = job("--input", gz.toString(), "--output", dir.resolve("gz-out").toString(), "--format", "parquet",
                "--compression", "zstd");
        assertEquals(0, one.exit(), one.stderr());
        Row scored = spark.read().parquet(dir.resolve("gz-out").toString()).first();
        Row rewards = scored.getStruct(scored.fieldIndex("rewards"));
        assertEquals(2.0f, rewards.getFloat(rewards.fieldIndex("total_f32")), 0.0f); // accuracy + format
        assertTrue(Files.list(dir.resolve("gz-out")).anyMatch(f -> f.toString().endsWith(".zstd.parquet")), "zstd Parquet");
        Run bad = job("--input", empty.toString(), "--output", dir.resolve("x").toString(), "--profile", "nope");
        assertEquals(2, bad.exit(), bad.stderr());
        assertTrue(bad.stderr().contains("vrft-spark-score: ") && bad.stderr().contains("nope"), bad.stderr());
    }
}
