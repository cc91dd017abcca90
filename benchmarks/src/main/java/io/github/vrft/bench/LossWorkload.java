package io.github.vrft.bench;

import io.github.vrft.grpo.TokenBatch;

import java.util.SplittableRandom;

/**
 * Generated policy-loss inputs: rows of random length (half to all of T, right padding), log-probabilities in
 * [-3, -0.01], old and reference log-probabilities within about 0.1 of them (ratios near 1, a few clipped), one
 * Gaussian advantage per row. Deterministic for a seed.
 */
public final class LossWorkload {
    public final int rows;
    public final int cols;
    public final float[] logp;
    public final float[] oldLogp;
    public final float[] refLogp;
    public final boolean[] mask;
    public final float[] advantages;

    private LossWorkload(int rows, int cols) {
        this.rows = rows;
        this.cols = cols;
        int n = Math.multiplyExact(rows, cols);
        logp = new float[n];
        oldLogp = new float[n];
        refLogp = new float[n];
        mask = new boolean[n];
        advantages = new float[rows];
    }

    public static LossWorkload generate(int rows, int cols, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        LossWorkload w = new LossWorkload(rows, cols);
        for (int i = 0; i < rows; i++) {
            w.advantages[i] = (float) r.nextGaussian();
            int len = r.nextInt(cols / 2, cols + 1);
            for (int t = 0; t < cols; t++) {
                int k = i * cols + t;
                w.logp[k] = (float) -r.nextDouble(0.01, 3);
                w.oldLogp[k] = w.logp[k] + (float) r.nextGaussian() * 0.1f;
                w.refLogp[k] = w.logp[k] + (float) r.nextGaussian() * 0.1f;
                w.mask[k] = t < len;
            }
        }
        return w;
    }

    public TokenBatch batch() {
        return TokenBatch.builder(rows, cols).logp(logp).oldLogp(oldLogp).refLogp(refLogp).mask(mask)
                .advantages(advantages).build();
    }

    /** {@code B×T}, e.g. {@code 64x1024}. */
    public static LossWorkload ofShape(String shape, long seed) {
        String[] bt = shape.split("x");
        return generate(Integer.parseInt(bt[0]), Integer.parseInt(bt[1]), seed);
    }
}
