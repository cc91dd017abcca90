package io.github.vrft.spark;

import io.github.vrft.backend.CpuBackend;
import io.github.vrft.grpo.AdvantageFlavor;
import io.github.vrft.grpo.GroupAdvantages;
import io.github.vrft.grpo.Groups;
import io.github.vrft.reward.RewardBatch;
import io.github.vrft.reward.RewardOptions;
import io.github.vrft.reward.RewardRequest;
import io.github.vrft.reward.RewardScore;
import io.github.vrft.reward.RewardScorer;
import org.apache.spark.api.java.function.FlatMapGroupsFunction;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Scores rollout logs on Apache Spark with the rules of {@code vrft score}: {@link #score} adds to a Dataset a
 * rewards struct, the group advantage per {@code prompt_id} and the diagnostics, with the values {@code vrft score}
 * gives the same rows, bit for bit.
 *
 * <p>The plan: each partition is scored where it lies (one task, one core: rows in batches through
 * {@link RewardBatch} on the CPU backend, on the task's thread); then one shuffle by group key brings each
 * {@code prompt_id} group together, wherever its rows were, and its advantages are computed over its rows in input
 * order (the order {@code vrft score} sums them in). A row that cannot be scored gets a null rewards struct, a null
 * advantage and its reason under {@code diagnostics["error"]}, and is in no group; the job goes on. Input columns
 * named like the output columns are replaced, as {@code vrft score} replaces such fields.
 */
public final class VrftSpark {
    private VrftSpark() {}

    /** The input position of a row (Spark's monotonically increasing id: partition, then row). */
    static final String ROW = "__vrft_row";
    /** A row's group key; a row that was not scored has one of its own. */
    static final String KEY = "__vrft_key";
    /** Rows scored per call of the batch pipeline. */
    static final int BATCH = 1024;

    private static final ConcurrentHashMap<RewardOptions, RewardScorer> SCORERS = new ConcurrentHashMap<>();

    /** One scorer per options per JVM (a scorer is thread-safe, and its caches are per scorer). */
    static RewardScorer scorer(RewardOptions options) {
        return SCORERS.computeIfAbsent(options, RewardScorer::new);
    }

    /**
     * Scores {@code input}: its columns, less any named like an output column, then the rewards struct, the
     * advantage (float32) and the diagnostics (map of strings), named as {@code options} says. Lazy, as a
     * Dataset is: nothing runs until an action.
     *
     * @throws IllegalArgumentException for a null argument, or when a required column is missing (naming it)
     */
    public static Dataset<Row> score(Dataset<Row> input, ScoringOptions options) {
        if (input == null) {
            throw new IllegalArgumentException("input must not be null");
        }
        if (options == null) {
            throw new IllegalArgumentException("options must not be null");
        }
        for (String internal : new String[] {ROW, KEY}) {
            if (Arrays.asList(input.columns()).contains(internal)) {
                throw new IllegalArgumentException("input: column " + internal + " is reserved for vrft-spark's use");
            }
        }
        Dataset<Row> kept = input.drop(options.rewardsColumn(), options.advantageColumn(), options.diagnosticsColumn());
        RowRequests reader = new RowRequests(kept.schema(), options);
        RewardColumns columns = new RewardColumns(options.rewardOptions());
        Dataset<Row> numbered = kept.withColumn(ROW, functions.monotonically_increasing_id());
        StructType scoredType = numbered.schema()
                .add(options.rewardsColumn(), columns.rewardsType(), true)
                .add(options.diagnosticsColumn(), RewardColumns.DIAGNOSTICS, true)
                .add(KEY, DataTypes.StringType, false);
        Dataset<Row> scored = numbered.mapPartitions(
                new ScorePartition(reader, columns, options, numbered.schema().fieldIndex(ROW)),
                Encoders.row(scoredType));
        int key = scoredType.fieldIndex(KEY);
        StructType groupedType = scoredType.add(options.advantageColumn(), DataTypes.FloatType, true);
        Dataset<Row> grouped = scored
                .groupByKey((MapFunction<Row, String>) r -> r.getString(key), Encoders.STRING())
                .flatMapGroups(new GroupAdvantage(scoredType.fieldIndex(ROW), scoredType.fieldIndex(options.rewardsColumn()),
                        columns.rewardsType().fieldIndex("total_f32"), options.advantageFlavor()), Encoders.row(groupedType));
        if (options.keepOrder()) {
            grouped = grouped.orderBy(ROW);
        }
        List<Column> out = new ArrayList<>();
        for (String c : kept.columns()) {
            out.add(grouped.col(c));
        }
        out.add(grouped.col(options.rewardsColumn()));
        out.add(grouped.col(options.advantageColumn()));
        out.add(grouped.col(options.diagnosticsColumn()));
        return grouped.select(out.toArray(new Column[0]));
    }

    /** A row's values with {@code extra} empty places after them, for the columns a stage adds. */
    static Object[] values(Row r, int extra) {
        Object[] v = new Object[r.length() + extra];
        for (int c = 0; c < r.length(); c++) {
            v[c] = r.get(c);
        }
        return v;
    }

    /** Scores a partition in batches, on the task's thread; each row comes out with its rewards, diagnostics, key. */
    private static final class ScorePartition implements MapPartitionsFunction<Row, Row> {
        private static final long serialVersionUID = 1L;
        private final RowRequests reader;
        private final RewardColumns columns;
        private final ScoringOptions options; // RewardOptions is not serializable: the names travel
        private final int rowIndex;

        ScorePartition(RowRequests reader, RewardColumns columns, ScoringOptions options, int rowIndex) {
            this.reader = reader;
            this.columns = columns;
            this.options = options;
            this.rowIndex = rowIndex;
        }

        @Override
        public Iterator<Row> call(Iterator<Row> rows) {
            RewardScorer scorer = scorer(options.rewardOptions());
            CpuBackend backend = new CpuBackend();
            return new Iterator<>() {
                private final List<Row> out = new ArrayList<>(BATCH);
                private int next;

                @Override
                public boolean hasNext() {
                    if (next < out.size()) {
                        return true;
                    }
                    out.clear();
                    next = 0;
                    List<Row> in = new ArrayList<>(BATCH);
                    while (in.size() < BATCH && rows.hasNext()) {
                        in.add(rows.next());
                    }
                    if (in.isEmpty()) {
                        return false;
                    }
                    score(in, scorer, backend);
                    return true;
                }

                @Override
                public Row next() {
                    if (!hasNext()) {
                        throw new NoSuchElementException();
                    }
                    return out.get(next++);
                }

                private void score(List<Row> in, RewardScorer scorer, CpuBackend backend) {
                    RowRequests.Read[] read = new RowRequests.Read[in.size()];
                    List<RewardRequest> requests = new ArrayList<>(in.size());
                    int[] at = new int[in.size()];
                    for (int i = 0; i < read.length; i++) {
                        read[i] = reader.read(in.get(i));
                        at[i] = read[i].request() == null ? -1 : requests.size();
                        if (at[i] >= 0) {
                            requests.add(read[i].request());
                        }
                    }
                    RewardBatch batch = RewardBatch.prepare(scorer, requests, false);
                    List<RewardScore> scores = batch.compute(backend);
                    for (int i = 0; i < read.length; i++) {
                        Row r = in.get(i);
                        String error = at[i] < 0 ? read[i].error() : batch.error(at[i]);
                        Object[] v = values(r, 3);
                        if (error != null) {
                            v[r.length() + 1] = RewardColumns.error(error);
                            v[r.length() + 2] = "\u0000" + r.getLong(rowIndex); // a group of its own
                        } else {
                            RewardScore s = scores.get(at[i]);
                            v[r.length()] = columns.rewards(s);
                            v[r.length() + 1] = RewardColumns.diagnostics(s);
                            v[r.length() + 2] = read[i].key();
                        }
                        out.add(RowFactory.create(v));
                    }
                }
            };
        }
    }

    /** A group's advantages over its rows in input order, as {@code vrft score} computes them. */
    static final class GroupAdvantage implements FlatMapGroupsFunction<String, Row, Row> {
        private static final long serialVersionUID = 1L;
        private final int rowIndex;
        private final int rewardsIndex;
        private final int totalIndex;
        private final AdvantageFlavor flavor;

        GroupAdvantage(int rowIndex, int rewardsIndex, int totalIndex, AdvantageFlavor flavor) {
            this.rowIndex = rowIndex;
            this.rewardsIndex = rewardsIndex;
            this.totalIndex = totalIndex;
            this.flavor = flavor;
        }

        @Override
        public Iterator<Row> call(String key, Iterator<Row> rows) {
            List<Row> group = new ArrayList<>();
            rows.forEachRemaining(group::add);
            List<Row> out = new ArrayList<>(group.size());
            if (key.startsWith("\u0000")) {
                for (Row r : group) {
                    out.add(with(r, null));
                }
                return out.iterator();
            }
            group.sort(Comparator.comparingLong(r -> r.getLong(rowIndex)));
            float[] totals = new float[group.size()];
            for (int k = 0; k < totals.length; k++) {
                totals[k] = group.get(k).getStruct(rewardsIndex).getFloat(totalIndex);
            }
            float[] adv = GroupAdvantages.compute(totals, Groups.contiguous(totals.length, totals.length), flavor);
            for (int k = 0; k < totals.length; k++) {
                out.add(with(group.get(k), adv[k]));
            }
            return out.iterator();
        }

        private static Row with(Row r, Float advantage) {
            Object[] v = values(r, 1);
            v[r.length()] = advantage;
            return RowFactory.create(v);
        }
    }
}
