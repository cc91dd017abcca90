package io.github.vrft.grpo;

import java.util.SplittableRandom;

/** Random token batches for the tests: rows of random length (0 to T, so some are empty), ratios near 1. */
public final class RandomTokens {
    private RandomTokens() {}

    /** logp in [−3, −0.01); old and ref within about {@code spread} of it; advantages standard normal. */
    public static TokenBatch batch(int rows, int cols, long seed, double spread) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[rows * cols];
        float[] old = new float[rows * cols];
        float[] ref = new float[rows * cols];
        boolean[] mask = new boolean[rows * cols];
        float[] adv = new float[rows];
        for (int i = 0; i < rows; i++) {
            adv[i] = (float) r.nextGaussian();
            int len = r.nextInt(0, cols + 1);
            for (int t = 0; t < cols; t++) {
                int k = i * cols + t;
                x[k] = (float) -r.nextDouble(0.01, 3);
                old[k] = x[k] + (float) (r.nextGaussian() * spread);
                ref[k] = x[k] + (float) (r.nextGaussian() * spread);
                mask[k] = t < len;
            }
        }
        return TokenBatch.builder(rows, cols).logp(x).oldLogp(old).refLogp(ref).mask(mask).advantages(adv).build();
    }
}
