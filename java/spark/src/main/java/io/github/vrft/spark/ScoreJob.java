package io.github.vrft.spark;

import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.DataFrameWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Observation;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * The Spark job: {@code spark-submit --class io.github.vrft.spark.ScoreJob vrft-spark.jar --input PATH --output PATH
 * [--format parquet|json] [--profile ...]}. Reads Parquet or JSON Lines (plain or compressed), scores with
 * {@link VrftSpark#score}, and writes Parquet or JSON Lines. Prints one summary line: rows, scored, not scored,
 * seconds. Exit status 0 when the output is written (rows that could not be scored are in it, with their reason),
 * 2 for a usage error.
 */
@Command(name = "vrft-spark-score", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Scores rollout logs on Spark with vrft score's rules (rewards, group advantages, diagnostics).")
public final class ScoreJob implements Callable<Integer> {
    @Option(names = "--input", required = true, paramLabel = "PATH",
            description = "A file or directory of Parquet or JSON Lines (.jsonl, .json, .gz, .bz2 ...).")
    String input;

    @Option(names = "--output", required = true, paramLabel = "PATH", description = "The output directory.")
    String output;

    @Option(names = "--input-format", paramLabel = "FORMAT",
            description = "parquet or json. Default: parquet for a path ending in .parquet, else json.")
    String inputFormat;

    @Option(names = "--format", paramLabel = "FORMAT", description = "The output's: parquet or json. Default: the input's.")
    String format;

    @Option(names = "--compression", paramLabel = "CODEC",
            description = "The output's codec: none, gzip, snappy, zstd (Parquet) ... Default: Spark's (snappy for Parquet, none for JSON).")
    String compression;

    @Option(names = "--overwrite", description = "Replace an existing output directory.")
    boolean overwrite;

    @Option(names = "--profile", paramLabel = "NAME", defaultValue = "visual-rft",
            description = "visual-rft, strict or vlm-r1. Default: ${DEFAULT-VALUE}.")
    String profile;

    @Option(names = "--math-verify-gate", paramLabel = "MODE", defaultValue = "off", description = "off or first-y1.")
    String gate;

    @Option(names = "--extra-rewards", paramLabel = "LIST", defaultValue = "",
            description = "VLM-R1 extra rewards: repetition, length (comma-separated).")
    String extras;

    @Option(names = "--advantage", paramLabel = "FLAVOUR", defaultValue = "visual-rft",
            description = "The group advantage, as vrft score --advantage. Default: ${DEFAULT-VALUE}.")
    String advantage;

    @Option(names = "--task", paramLabel = "TASK", description = "The task of rows when the input has no task column.")
    String task;

    @Option(names = "--column", paramLabel = "FIELD=NAME",
            description = "Read a field (prompt_id, task, completion, solution, model, ...) from another column.")
    Map<String, String> columns;

    @Option(names = "--keep-order", description = "Write the rows in input order (one more shuffle).")
    boolean keepOrder;

    @Option(names = "--master", paramLabel = "URL",
            description = "Spark master where spark-submit does not set one (e.g. local[2]).")
    String master;

    public static void main(String[] args) {
        System.exit(new CommandLine(new ScoreJob()).execute(args));
    }

    @Override
    public Integer call() throws InterruptedException {
        ScoringOptions options;
        String in = inputFormat != null ? inputFormat : input.toLowerCase(Locale.ROOT).replaceAll("/+$", "").endsWith(".parquet")
                ? "parquet" : "json";
        String out = format != null ? format : in;
        try {
            ScoringOptions.Builder b = ScoringOptions.builder().profile(profile).mathVerifyGate(gate).extraRewards(extras)
                    .advantage(advantage).defaultTask(task).keepOrder(keepOrder);
            if (columns != null) {
                columns.forEach(b::column);
            }
            options = b.build();
            for (String[] f : new String[][] {{"--input-format", in}, {"--format", out}}) {
                if (!f[1].equals("parquet") && !f[1].equals("json")) {
                    throw new IllegalArgumentException(f[0] + " " + f[1] + ": expected parquet or json");
                }
            }
        } catch (IllegalArgumentException e) {
            System.err.println("vrft-spark-score: " + e.getMessage());
            return 2;
        }
        SparkSession.Builder sb = SparkSession.builder().appName("vrft-spark-score");
        if (master != null) {
            sb.master(master);
        }
        SparkSession spark = sb.getOrCreate();
        try {
            long t0 = System.nanoTime();
            DataFrameReader reader = spark.read();
            Dataset<Row> rows = in.equals("parquet") ? reader.parquet(input) : reader.json(input);
            if (rows.columns().length == 0) {
                rows = spark.createDataFrame(java.util.List.of(), emptySchema(options)); // an empty JSON input
            }
            Dataset<Row> scored;
            try {
                scored = VrftSpark.score(rows, options);
            } catch (IllegalArgumentException e) {
                System.err.println("vrft-spark-score: " + e.getMessage());
                return 2;
            }
            // the counts of the summary, gathered while the output is written (no second pass over the data)
            Observation counts = new Observation("vrft-spark-score");
            scored = scored.observe(counts, functions.count(functions.lit(1)).as("rows"),
                    functions.count(functions.when(scored.col(options.rewardsColumn()).isNull(), 1)).as("bad"));
            DataFrameWriter<Row> w = scored.write().mode(overwrite ? SaveMode.Overwrite : SaveMode.ErrorIfExists);
            if (compression != null) {
                w = w.option("compression", compression);
            }
            if (out.equals("parquet")) {
                w.parquet(output);
            } else {
                w.json(output);
            }
            Map<String, Object> m = counts.getAsJava();
            long total = ((Number) m.get("rows")).longValue();
            long bad = ((Number) m.get("bad")).longValue();
            System.err.printf(Locale.ROOT, "vrft-spark-score: %d rows, %d scored, %d not scored (diagnostics.error); "
                    + "%.1f s%n", total, total - bad, bad, (System.nanoTime() - t0) / 1e9);
            return 0; // rows not scored are in the output with their reason: the job itself succeeded
        } finally {
            spark.stop();
        }
    }

    /** The columns an empty input is read as (an empty JSON file has none). */
    private static StructType emptySchema(ScoringOptions o) {
        StructType s = new StructType();
        for (String f : new String[] {"prompt_id", "task", "completion", "solution"}) {
            s = s.add(o.column(f), DataTypes.StringType, true);
        }
        return s;
    }
}
