package io.github.vrft.grpo;

/**
 * Group-relative advantages from rewards (GRPO spec §2).
 *
 * <p>Statistics are taken in double with two passes over each group; the advantage arithmetic itself is
 * float32 where the upstream trainer computes in float32 (Visual-RFT, VLM-R1).
 */
public final class GroupAdvantages {
    private GroupAdvantages() {}

    /** The epsilon Visual-RFT and VLM-R1 add to the standard deviation. */
    public static final float VISUAL_RFT_EPS = 1e-4f;

    /**
     * Visual-RFT / VLM-R1: {@code A = (r - mean) / (std + 1e-4)} with the unbiased (N-1) std, in float32
     * (spec rewards.md §0). A group of one has std NaN, so its advantage is NaN; a group of equal rewards
     * gets exactly 0.
     *
     * @throws IllegalArgumentException if {@code rewards} is null or its length differs from the groups'
     */
    public static float[] visualRft(float[] rewards, Groups groups) {
        if (rewards == null) {
            throw new IllegalArgumentException("rewards must not be null");
        }
        if (groups == null) {
            throw new IllegalArgumentException("groups must not be null");
        }
        groups.requireSize(rewards.length, "rewards");
        float[] adv = new float[rewards.length];
        for (int g = 0; g < groups.count(); g++) {
            int n = groups.groupSize(g);
            double sum = 0;
            for (int k = 0; k < n; k++) {
                sum += rewards[groups.member(g, k)];
            }
            float mean = (float) (sum / n);
            double meanD = sum / n;
            double ss = 0;
            for (int k = 0; k < n; k++) {
                double d = rewards[groups.member(g, k)] - meanD;
                ss += d * d;
            }
            float std = (float) Math.sqrt(ss / (n - 1)); // n == 1: 0/0 = NaN, as torch.std
            float denom = std + VISUAL_RFT_EPS;
            for (int k = 0; k < n; k++) {
                int i = groups.member(g, k);
                adv[i] = (rewards[i] - mean) / denom;
            }
        }
        return adv;
    }
}
