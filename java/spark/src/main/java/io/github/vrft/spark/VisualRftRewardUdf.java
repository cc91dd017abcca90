package io.github.vrft.spark;

import io.github.vrft.reward.Profile;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF3;

/**
 * A per-row Java UDF, profile visual-rft: {@code (task, completion, solution) -> struct<rewards, diagnostics>}.
 * From PySpark:
 * <pre>{@code
 * spark.udf.registerJavaFunction("vrft_rewards", "io.github.vrft.spark.VisualRftRewardUdf", VisualRftRewardUdf.RETURN_TYPE)
 * }</pre>
 * (the return type's DDL is {@link #RETURN_TYPE}). Group advantages need the rows of a group together: use
 * {@link VrftSpark#score} for them.
 */
public final class VisualRftRewardUdf implements UDF3<String, String, String, Row> {
    private static final long serialVersionUID = 1L;

    /** The return type as DDL, for {@code registerJavaFunction}. */
    public static final String RETURN_TYPE = RewardUdfs.returnType(Profile.VISUAL_RFT).toDDL();

    @Override
    public Row call(String task, String completion, String solution) {
        return RewardUdfs.score(Profile.VISUAL_RFT, task, completion, solution, null);
    }
}
