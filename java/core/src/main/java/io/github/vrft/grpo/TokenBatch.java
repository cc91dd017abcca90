package io.github.vrft.grpo;

/**
 * The per-token inputs of the policy loss: B sequences × T completion positions, row-major (element
 * {@code [i*T + t]}). Arrays are used as given, not copied: do not change them while a loss is computed.
 *
 * <ul>
 *   <li>{@code logp}: log-probabilities of the sampled tokens under the current policy (the differentiated
 *       input);</li>
 *   <li>{@code oldLogp}: under the behaviour policy, or null for on-policy ({@code x_old = sg(x)}, ratio 1);</li>
 *   <li>{@code refLogp}: under the reference policy; needed only when a KL term is on;</li>
 *   <li>{@code mask}: true where the token is in the loss;</li>
 *   <li>{@code advantages}: one per sequence;</li>
 *   <li>{@code isWeights}: optional importance-sampling weights (vLLM correction), B×T or one per sequence.</li>
 * </ul>
 * Masked positions may hold anything, NaN included: they contribute exactly 0 and get exactly 0 gradient
 * (TRL {@code luspo} excepted, whose upstream mean runs over padding too).
 */
public final class TokenBatch {
    final int rows;
    final int cols;
    final float[] logp;
    final float[] oldLogp;
    final float[] refLogp;
    final boolean[] mask;
    final float[] advantages;
    final float[] isWeights;
    final boolean isWeightsPerSequence;

    private TokenBatch(Builder b) {
        this.rows = b.rows;
        this.cols = b.cols;
        this.logp = b.logp;
        this.oldLogp = b.oldLogp;
        this.refLogp = b.refLogp;
        this.mask = b.mask;
        this.advantages = b.advantages;
        this.isWeights = b.isWeights;
        this.isWeightsPerSequence = b.isWeights != null && b.isWeights.length != b.rows * b.cols;
    }

    /** Starts a batch of {@code rows} sequences of {@code cols} positions. */
    public static Builder builder(int rows, int cols) {
        return new Builder(rows, cols);
    }

    public int rows() {
        return rows;
    }

    public int cols() {
        return cols;
    }

    /** The inputs as given (not copied; do not change them): for backends that stage them to a device. */
    public float[] logp() {
        return logp;
    }

    /** null when on-policy. */
    public float[] oldLogp() {
        return oldLogp;
    }

    /** null when no KL term needs it. */
    public float[] refLogp() {
        return refLogp;
    }

    public boolean[] mask() {
        return mask;
    }

    public float[] advantages() {
        return advantages;
    }

    /** The IS weights per token (a per-sequence array expanded to B×T), or null when none. */
    public float[] isWeightsPerToken() {
        if (isWeights == null || !isWeightsPerSequence) {
            return isWeights;
        }
        float[] w = new float[rows * cols];
        for (int i = 0; i < rows; i++) {
            java.util.Arrays.fill(w, i * cols, (i + 1) * cols, isWeights[i]);
        }
        return w;
    }

    /** Number of positions, rows × cols. */
    public long size() {
        return (long) rows * cols;
    }

    /** Builds a {@link TokenBatch}; {@link #build()} checks every shape and names the argument at fault. */
    public static final class Builder {
        private final int rows;
        private final int cols;
        private float[] logp;
        private float[] oldLogp;
        private float[] refLogp;
        private boolean[] mask;
        private float[] advantages;
        private float[] isWeights;

        private Builder(int rows, int cols) {
            if (rows < 0) {
                throw new IllegalArgumentException("rows must be >= 0, got " + rows);
            }
            if (cols < 0) {
                throw new IllegalArgumentException("cols must be >= 0, got " + cols);
            }
            if ((long) rows * cols > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("rows x cols must fit in a Java array, got " + rows + " x " + cols);
            }
            this.rows = rows;
            this.cols = cols;
        }

        public Builder logp(float[] v) {
            this.logp = v;
            return this;
        }

        public Builder oldLogp(float[] v) {
            this.oldLogp = v;
            return this;
        }

        public Builder refLogp(float[] v) {
            this.refLogp = v;
            return this;
        }

        public Builder mask(boolean[] v) {
            this.mask = v;
            return this;
        }

        public Builder advantages(float[] v) {
            this.advantages = v;
            return this;
        }

        public Builder isWeights(float[] v) {
            this.isWeights = v;
            return this;
        }

        /**
         * @throws IllegalArgumentException naming the argument whose length is not rows × cols (or rows), or a
         *                                  required argument that is missing
         */
        public TokenBatch build() {
            int n = rows * cols;
            need(logp, "logp", n);
            if (oldLogp != null) {
                need(oldLogp, "oldLogp", n);
            }
            if (refLogp != null) {
                need(refLogp, "refLogp", n);
            }
            if (mask == null) {
                throw new IllegalArgumentException("mask must not be null (expected " + rows + " x " + cols + ")");
            }
            if (mask.length != n) {
                throw new IllegalArgumentException("mask has length " + mask.length + ", expected rows x cols = "
                        + rows + " x " + cols + " = " + n);
            }
            need(advantages, "advantages", rows);
            if (isWeights != null && isWeights.length != n && isWeights.length != rows) {
                throw new IllegalArgumentException("isWeights has length " + isWeights.length + ", expected rows x cols = "
                        + n + " or rows = " + rows);
            }
            return new TokenBatch(this);
        }

        private void need(float[] v, String name, int n) {
            if (v == null) {
                throw new IllegalArgumentException(name + " must not be null (expected length " + n + ")");
            }
            if (v.length != n) {
                throw new IllegalArgumentException(name + " has length " + v.length + ", expected " + n
                        + (n == rows * cols && n != rows ? " (rows x cols = " + rows + " x " + cols + ")" : " (rows)"));
            }
        }
    }

    /** Masked-in positions per row (L_i). */
    int[] rowLengths() {
        int[] len = new int[rows];
        for (int i = 0; i < rows; i++) {
            int l = 0;
            for (int k = i * cols, end = k + cols; k < end; k++) {
                if (mask[k]) {
                    l++;
                }
            }
            len[i] = l;
        }
        return len;
    }

    /** Σ of {@code len}. */
    static long sum(int[] len) {
        long s = 0;
        for (int l : len) {
            s += l;
        }
        return s;
    }

    /** x_old at position k: the old log-prob, or x itself when on-policy (x_old = sg(x), ratio 1). */
    double oldAt(int k) {
        return oldLogp == null ? logp[k] : oldLogp[k];
    }

    double isWeight(int i, int t) {
        if (isWeights == null) {
            return 1.0;
        }
        return isWeightsPerSequence ? isWeights[i] : isWeights[i * cols + t];
    }
}
