package io.github.vrft.backend;

import io.github.vrft.Checks;
import io.github.vrft.box.DetectionMatch;
import io.github.vrft.grpo.AdvantageFlavor;
import io.github.vrft.grpo.Groups;

/** The outputs of {@link Backend#rewardStep}: per completion, both rewards, the float32 total and its advantage. */
public record RewardStep(double[] iouReward, double[] confidenceReward, float[] total, float[] advantage) {

    /**
     * The checks every backend applies to a reward step's arguments before it runs.
     *
     * @return the batch size
     * @throws IllegalArgumentException naming the argument that does not fit
     */
    public static int check(float[] pred, double[] conf, long[] predOff, float[] gt, long[] gtOff, float[] format,
                            Groups groups, AdvantageFlavor flavor) {
        int batch = DetectionMatch.checkBatch(pred, conf, predOff, gt, gtOff);
        Checks.notNull(format, "format");
        Checks.notNull(groups, "groups");
        Checks.notNull(flavor, "flavor");
        if (format.length != batch) {
            throw new IllegalArgumentException("format has " + format.length + " entries, expected the batch size " + batch);
        }
        if (groups.size() != batch) {
            throw new IllegalArgumentException("groups cover " + groups.size() + " items, expected the batch size " + batch);
        }
        return batch;
    }

    /**
     * A reward step from its detection rewards: the float32 totals with {@code format}, and the advantages
     * that {@code advantagesOfTotals} computes from them (on whichever backend the caller runs).
     */
    public static RewardStep of(DetectionMatch.Result d, float[] format, java.util.function.UnaryOperator<float[]> advantagesOfTotals) {
        float[] total = totals(d.iouReward(), d.confidenceReward(), format);
        return new RewardStep(d.iouReward(), d.confidenceReward(), total, advantagesOfTotals.apply(total));
    }

    /** The float32 totals of the trainers: {@code ((float) iou + (float) conf) + format}, summed left to right. */
    public static float[] totals(double[] iouReward, double[] confidenceReward, float[] format) {
        float[] t = new float[format.length];
        for (int i = 0; i < t.length; i++) {
            t[i] = ((float) iouReward[i] + (float) confidenceReward[i]) + format[i];
        }
        return t;
    }

    /** Equal when the four arrays are, by content (a record would compare them by identity). */
    @Override
    public boolean equals(Object o) {
        return o instanceof RewardStep r && java.util.Arrays.equals(iouReward, r.iouReward)
                && java.util.Arrays.equals(confidenceReward, r.confidenceReward) && java.util.Arrays.equals(total, r.total)
                && java.util.Arrays.equals(advantage, r.advantage);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(java.util.Arrays.hashCode(iouReward), java.util.Arrays.hashCode(confidenceReward),
                java.util.Arrays.hashCode(total), java.util.Arrays.hashCode(advantage));
    }

    @Override
    public String toString() {
        return "RewardStep[" + total.length + " completions, total=" + java.util.Arrays.toString(total)
                + ", advantage=" + java.util.Arrays.toString(advantage) + "]";
    }
}
