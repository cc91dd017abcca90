package io.github.vrft.spark;

import io.github.vrft.reward.Profile;
import io.github.vrft.reward.VlmR1Inputs;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF7;

/**
 * A per-row Java UDF, profile vlm-r1: {@code (task, completion, solution, model, reward_method, image_size_wh,
 * image_grid_thw) -> struct<rewards, diagnostics>}; the last four may be null (qwen, the task's default method,
 * no image). Register it with {@code spark.udf.registerJavaFunction("vrft_vlm_r1_rewards",
 * "io.github.vrft.spark.VlmR1RewardUdf", RETURN_TYPE)}; the DDL of the return type is {@link #RETURN_TYPE}.
 */
public final class VlmR1RewardUdf implements UDF7<String, String, String, String, String, scala.collection.Seq<?>,
        scala.collection.Seq<?>, Row> {
    private static final long serialVersionUID = 1L;

    /** The return type as DDL, for {@code registerJavaFunction}. */
    public static final String RETURN_TYPE = RewardUdfs.returnType(Profile.VLM_R1).toDDL();

    @Override
    public Row call(String task, String completion, String solution, String model, String rewardMethod,
                    scala.collection.Seq<?> imageSizeWh, scala.collection.Seq<?> imageGridThw) {
        return RewardUdfs.score(Profile.VLM_R1, task, completion, solution, () -> VlmR1Inputs.ofFields(model, rewardMethod,
                null, null, RewardUdfs.ints(imageSizeWh), RewardUdfs.ints(imageGridThw)));
    }
}
