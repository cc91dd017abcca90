package io.github.vrft.grpo;

import io.github.vrft.Checks;

/**
 * Group-relative advantages from rewards (docs/grpo.md §2).
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
     * (docs/rewards.md §0). A group of one has std NaN, so its advantage is NaN; a group of equal rewards
     * gets exactly 0.
     *
     * @throws IllegalArgumentException if {@code rewards} is null or its length differs from the groups'
     */
    public static float[] visualRft(float[] rewards, Groups groups) {
        Checks.notNull(rewards, "rewards");
        Checks.notNull(groups, "groups");
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

    /**
     * Advantages of {@code rewards} under {@code flavor}. Statistics are two-pass in double (except
     * {@link AdvantageFlavor#VERL_VECTORIZED}, which reproduces verl's float32 one-pass sums, and
     * {@link AdvantageFlavor#VISUAL_RFT}, float32 as upstream).
     *
     * @throws IllegalArgumentException if an argument is null or the lengths differ
     */
    public static double[] compute(double[] rewards, Groups groups, AdvantageFlavor flavor) {
        Checks.notNull(rewards, "rewards");
        Checks.notNull(groups, "groups");
        Checks.notNull(flavor, "flavor");
        groups.requireSize(rewards.length, "rewards");
        int n = rewards.length;
        double[] adv = new double[n];
        switch (flavor) {
            case VISUAL_RFT -> {
                float[] r32 = new float[n];
                for (int i = 0; i < n; i++) {
                    r32[i] = (float) rewards[i];
                }
                float[] a = visualRft(r32, groups);
                for (int i = 0; i < n; i++) {
                    adv[i] = a[i];
                }
            }
            case TRL_GROUP, TRL_BATCH, TRL_NONE -> trl(rewards, groups, flavor, adv);
            case VERL, VERL_NO_STD -> {
                for (int g = 0; g < groups.count(); g++) {
                    int k = groups.groupSize(g);
                    double mean = 0;
                    double std = 1;
                    if (k > 1) {
                        mean = mean(rewards, groups, g);
                        std = Math.sqrt(sumSq(rewards, groups, g, mean) / (k - 1));
                    }
                    for (int j = 0; j < k; j++) {
                        int i = groups.member(g, j);
                        adv[i] = flavor == AdvantageFlavor.VERL ? (rewards[i] - mean) / (std + 1e-6) : rewards[i] - mean;
                    }
                }
            }
            case VERL_VECTORIZED -> verlVectorized(rewards, groups, adv);
            case OPENRLHF, OPENRLHF_DR_GRPO -> {
                for (int g = 0; g < groups.count(); g++) {
                    int k = groups.groupSize(g);
                    double mean = mean(rewards, groups, g);
                    double std = k > 1 ? Math.sqrt(sumSq(rewards, groups, g, mean) / (k - 1)) : Double.NaN;
                    for (int j = 0; j < k; j++) {
                        int i = groups.member(g, j);
                        adv[i] = flavor == AdvantageFlavor.OPENRLHF ? (rewards[i] - mean) / (std + 1e-9) : rewards[i] - mean;
                    }
                }
            }
        }
        return adv;
    }

    /**
     * {@link #compute(double[], Groups, AdvantageFlavor)} for float32 rewards (such as the trainers' float32
     * totals), rounded back to float32; {@link AdvantageFlavor#VISUAL_RFT} runs in float32 throughout.
     */
    public static float[] compute(float[] rewards, Groups groups, AdvantageFlavor flavor) {
        Checks.notNull(rewards, "rewards");
        if (flavor == AdvantageFlavor.VISUAL_RFT) {
            return visualRft(rewards, groups);
        }
        double[] r = new double[rewards.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = rewards[i];
        }
        double[] a = compute(r, groups, flavor);
        float[] out = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = (float) a[i];
        }
        return out;
    }

    private static double mean(double[] r, Groups groups, int g) {
        double s = 0;
        for (int j = 0; j < groups.groupSize(g); j++) {
            s += r[groups.member(g, j)];
        }
        return s / groups.groupSize(g);
    }

    private static double sumSq(double[] r, Groups groups, int g, double mean) {
        double s = 0;
        for (int j = 0; j < groups.groupSize(g); j++) {
            double d = r[groups.member(g, j)] - mean;
            s += d * d;
        }
        return s;
    }

    /** TRL: NaN rewards are left out of the statistics and their advantage is 0 ({@code nan_to_num}). */
    private static void trl(double[] r, Groups groups, AdvantageFlavor flavor, double[] adv) {
        int n = r.length;
        double[] mean = new double[n];
        double[] std = new double[n];
        for (int g = 0; g < groups.count(); g++) {
            int c = 0;
            double s = 0;
            for (int j = 0; j < groups.groupSize(g); j++) {
                double v = r[groups.member(g, j)];
                if (!Double.isNaN(v)) {
                    c++;
                    s += v;
                }
            }
            double m = c > 0 ? s / c : Double.NaN;
            double sd = Double.NaN;
            if (c > 1) {
                double ss = 0;
                for (int j = 0; j < groups.groupSize(g); j++) {
                    double v = r[groups.member(g, j)];
                    if (!Double.isNaN(v)) {
                        ss += (v - m) * (v - m);
                    }
                }
                sd = Math.sqrt(ss / c * ((double) c / (c - 1)));
            }
            for (int j = 0; j < groups.groupSize(g); j++) {
                mean[groups.member(g, j)] = m;
                std[groups.member(g, j)] = sd;
            }
        }
        if (flavor == AdvantageFlavor.TRL_BATCH) {
            int c = 0;
            double s = 0;
            for (double v : r) {
                if (!Double.isNaN(v)) {
                    c++;
                    s += v;
                }
            }
            double sd = Double.NaN;
            if (c > 1) {
                double m = s / c;
                double ss = 0;
                for (double v : r) {
                    if (!Double.isNaN(v)) {
                        ss += (v - m) * (v - m);
                    }
                }
                sd = Math.sqrt(ss / c * ((double) c / (c - 1)));
            }
            java.util.Arrays.fill(std, sd);
        }
        for (int i = 0; i < n; i++) {
            double a = r[i] - mean[i];
            if (flavor != AdvantageFlavor.TRL_NONE) {
                a = a / (std[i] + 1e-4);
            }
            adv[i] = Double.isNaN(a) ? 0.0 : a; // nan_to_num(nan=0): infinities stay
        }
    }

    /** verl {@code grpo_vectorized}: float32 sequential sums s1, s2; var = (s2 − s1²/n)/max(n−1,1) floored at 1e-6. */
    private static void verlVectorized(double[] r, Groups groups, double[] adv) {
        final float eps = 1e-6f;
        for (int g = 0; g < groups.count(); g++) {
            int k = groups.groupSize(g);
            float cnt = k;
            float s1 = 0f;
            float s2 = 0f;
            for (int j = 0; j < k; j++) {
                float x = (float) r[groups.member(g, j)];
                s1 = s1 + x;
                s2 = s2 + x * x;
            }
            float mu = s1 / Math.max(cnt, 1f);
            float varNum = s2 - (s1 * s1) / Math.max(cnt, 1f);
            float var = varNum / Math.max(cnt - 1f, 1f);
            float sd = (float) Math.sqrt(Math.max(var, eps));
            if (k <= 1) {
                mu = 0f;
                sd = 1f;
            }
            for (int j = 0; j < k; j++) {
                int i = groups.member(g, j);
                adv[i] = ((float) r[i] - mu) / (sd + eps);
            }
        }
    }
}
