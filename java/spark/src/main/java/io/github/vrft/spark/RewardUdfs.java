package io.github.vrft.spark;

import io.github.vrft.backend.CpuBackend;
import io.github.vrft.reward.Profile;
import io.github.vrft.reward.RewardBatch;
import io.github.vrft.reward.RewardOptions;
import io.github.vrft.reward.RewardRequest;
import io.github.vrft.reward.RewardScore;
import io.github.vrft.reward.Task;
import io.github.vrft.reward.VlmR1Inputs;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.util.List;

/**
 * What the per-row Java UDFs share: one row scored through the batch pipeline, answered as a struct of the
 * rewards (as {@link VrftSpark#score} writes them; null when the row cannot be scored) and the diagnostics.
 */
final class RewardUdfs {
    private RewardUdfs() {}

    /** The UDFs' return type for {@code profile}: {@code struct<rewards: struct<...>, diagnostics: map<string,string>>}. */
    static StructType returnType(Profile profile) {
        return DataTypes.createStructType(List.of(
                DataTypes.createStructField("rewards", new RewardColumns(RewardOptions.of(profile)).rewardsType(), true),
                DataTypes.createStructField("diagnostics", RewardColumns.DIAGNOSTICS, true)));
    }

    /** Scores one row; an input that cannot be scored answers null rewards and its reason. */
    static Row score(Profile profile, String task, String completion, String solution, Inputs inputs) {
        RewardOptions options = RewardOptions.of(profile);
        try {
            if (task == null || completion == null || solution == null) {
                throw new IllegalArgumentException("missing required field '"
                        + (task == null ? "task" : completion == null ? "completion" : "solution") + "'");
            }
            Task t = Task.parse(task);
            RewardRequest request = new RewardRequest(t, completion, solution,
                    t.vlmR1() && inputs != null ? inputs.read() : VlmR1Inputs.defaults());
            RewardBatch batch = RewardBatch.prepare(VrftSpark.scorer(options), List.of(request), false);
            if (batch.error(0) != null) {
                return RowFactory.create(null, RewardColumns.error(batch.error(0)));
            }
            RewardScore s = batch.compute(new CpuBackend()).get(0);
            return RowFactory.create(new RewardColumns(options).rewards(s), RewardColumns.diagnostics(s));
        } catch (IllegalArgumentException e) {
            return RowFactory.create(null, RewardColumns.error(e.getMessage()));
        }
    }

    /** The VLM-R1 fields of a UDF call, read when the task needs them. */
    interface Inputs {
        VlmR1Inputs read();
    }

    /** An array argument's integers; empty when it holds anything else (rejected then), null when absent. */
    static long[] ints(scala.collection.Seq<?> seq) {
        if (seq == null) {
            return null;
        }
        long[] out = new long[seq.size()];
        for (int i = 0; i < out.length; i++) {
            if (!(seq.apply(i) instanceof Number n) || seq.apply(i) instanceof Double || seq.apply(i) instanceof Float) {
                return new long[0];
            }
            out[i] = n.longValue();
        }
        return out;
    }
}
