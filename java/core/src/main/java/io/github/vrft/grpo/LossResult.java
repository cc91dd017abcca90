package io.github.vrft.grpo;

import java.nio.FloatBuffer;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the fused policy-loss pass produces: the scalar loss, d loss / d logp per token, the per-token loss
 * and KL, and the trainer's logged metrics under its own names ({@code clip_ratio/low_mean},
 * {@code actor/pg_clipfrac}, ...).
 *
 * <p>Arithmetic: every per-token quantity is computed in double from the float32 inputs and rounded once to
 * float32 on output; sums (the loss, the row and batch reductions, the metrics) accumulate in double.
 */
public final class LossResult {
    private final double loss;
    private final float[] gradLogp;
    private final float[] perTokenLoss;
    private final float[] perTokenKl;
    private final Map<String, Double> metrics;
    private final double lossAbsSum;

    LossResult(double loss, double lossAbsSum, float[] gradLogp, float[] perTokenLoss, float[] perTokenKl,
               Map<String, Double> metrics) {
        this.loss = loss;
        this.lossAbsSum = lossAbsSum;
        this.gradLogp = gradLogp;
        this.perTokenLoss = perTokenLoss;
        this.perTokenKl = perTokenKl;
        this.metrics = Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
    }

    /** The scalar loss J = Σ W·ℓ. */
    public double loss() {
        return loss;
    }

    /**
     * Σ|W·ℓ| over the tokens: the scale of the terms that the loss sums. GRPO losses nearly cancel across a
     * group, so compare losses relative to this, not to the loss itself (docs/grpo.md, "Comparing losses").
     */
    public double lossAbsSum() {
        return lossAbsSum;
    }

    /** dJ/d logp, B×T row-major; exactly 0 at masked positions. A copy: see {@link #gradLogpView()} for none. */
    public float[] gradLogp() {
        return gradLogp.clone();
    }

    /** ℓ per token (policy term × IS weight + β·KL), 0 at masked positions. A copy. */
    public float[] perTokenLoss() {
        return perTokenLoss.clone();
    }

    /** The KL estimator per token, 0 at masked positions; null when the loss has no KL term. A copy. */
    public float[] perTokenKl() {
        return perTokenKl == null ? null : perTokenKl.clone();
    }

    /** {@link #gradLogp()} without a copy: a read-only view of the result's own array. */
    public FloatBuffer gradLogpView() {
        return FloatBuffer.wrap(gradLogp).asReadOnlyBuffer();
    }

    /** {@link #perTokenLoss()} without a copy: a read-only view. */
    public FloatBuffer perTokenLossView() {
        return FloatBuffer.wrap(perTokenLoss).asReadOnlyBuffer();
    }

    /** {@link #perTokenKl()} without a copy: a read-only view, or null when the loss has no KL term. */
    public FloatBuffer perTokenKlView() {
        return perTokenKl == null ? null : FloatBuffer.wrap(perTokenKl).asReadOnlyBuffer();
    }

    /** The metrics the trainer logs, under its names. */
    public Map<String, Double> metrics() {
        return metrics;
    }
}
