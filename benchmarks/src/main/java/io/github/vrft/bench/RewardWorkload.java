package io.github.vrft.bench;

import java.util.SplittableRandom;

/** Generated rewards of GRPO groups of 8 (consecutive), as Visual-RFT's detection totals: 0 to 4 in steps. */
public final class RewardWorkload {
    public static final int GROUP = 8;

    private RewardWorkload() {}

    /** {@code n} rewards; n is rounded down to whole groups by the callers that need it (the peers' view(-1, G)). */
    public static float[] generate(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (r.nextInt(0, 4) + r.nextDouble());
        }
        return x;
    }

    public static int[] groupIds(int n) {
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) {
            ids[i] = i / GROUP;
        }
        return ids;
    }
}
