package io.github.vrft.grpo;

import io.github.vrft.Checks;
import io.github.vrft.VectorSupport;

import java.util.stream.IntStream;

/**
 * The chosen tokens' log-probabilities from logits, and the gradient back to the logits: the step before and after
 * {@link PolicyLoss} when a trainer holds logits [B, T, V] rather than log-probs.
 *
 * <p>Forward: {@code logp[r] = log_softmax(logits[r] / τ)[tokens[r]]} for each of the {@code rows = B·T} positions,
 * in one pass over a row with an online max and sum (the sum is rescaled when the max grows), in double. The
 * row's log-sum-exp is kept ({@link Forward#logSumExp}) for the backward. Backward: {@code ∂L/∂logits[r, v] =
 * (onehot(tokens[r])[v] − softmax(logits[r] / τ)[v]) · ∂L/∂logp[r] / τ}, one pass per row that writes the gradient
 * from the kept log-sum-exp. Nothing of size [B, T, V] is allocated but the gradient itself. Masked positions are
 * not read (their token may be padding): their logp and their gradient are exactly 0. Rows are spread over the
 * common pool in chunks. A −∞ logit (vocabulary padding) contributes exactly 0; a NaN logit makes its row NaN, as
 * torch's log_softmax does.
 *
 * <p>With the Vector API ({@code VectorSupport}) a row takes two passes (the float maximum, then Σ exp in double
 * lanes with the loss's own exp polynomial); the result is within a float ulp of the scalar recurrence, which is the
 * oracle (and what the CUDA kernels compute per thread, see {@code cuda/logits_logprobs.cu}).
 *
 * <p>The math is {@code docs/grpo.md}'s §14; the golden file's three logits cases check it (with the loss), and
 * finite differences check the gradient.
 */
public final class LogitsLogProbs {
    private LogitsLogProbs() {}

    /** Rows per parallel task: a few per core on large batches, one task on small ones. */
    private static final int ROWS_PER_TASK = 64;

    /**
     * The forward's results.
     *
     * @param logp      the chosen tokens' log-probabilities, float32, one per position (0 where masked)
     * @param logSumExp each position's {@code log Σ exp(logits / τ)}, for {@link #backward}
     */
    public record Forward(float[] logp, double[] logSumExp) {}

    /**
     * The chosen tokens' log-probabilities.
     *
     * @param logits      [rows, vocab] row-major, float32
     * @param tokens      [rows], each in [0, vocab) where the mask is set
     * @param mask        [rows], or null for every position
     * @param vocab       the vocabulary size V (at least 1)
     * @param temperature τ, positive and finite
     * @throws IllegalArgumentException naming the argument that is null, of the wrong length, or out of range,
     *                                  before anything is computed
     */
    public static Forward forward(float[] logits, int[] tokens, boolean[] mask, int vocab, float temperature) {
        int rows = check(logits, tokens, mask, vocab, temperature);
        float[] logp = new float[rows];
        double[] lse = new double[rows];
        double invT = 1.0 / temperature;
        boolean vector = VectorSupport.enabled();
        chunks(rows).forEach(c -> forwardRows(logits, 0, tokens, mask, c * ROWS_PER_TASK,
                Math.min(rows, (c + 1) * ROWS_PER_TASK), vocab, invT, vector, logp, lse));
        return new Forward(logp, lse);
    }

    /**
     * The gradient with respect to the logits, from the forward's log-sum-exp and {@code ∂L/∂logp}.
     *
     * @param forward  what {@link #forward} gave for the same logits, tokens, mask and temperature
     * @param gradLogp [rows]: ∂L/∂logp (e.g. {@link LossResult#gradLogp()})
     * @return [rows, vocab] row-major; exactly 0 on masked rows
     * @throws IllegalArgumentException naming the argument that does not fit
     */
    public static float[] backward(float[] logits, int[] tokens, boolean[] mask, int vocab, float temperature,
                                   Forward forward, float[] gradLogp) {
        Checks.notNull(logits, "logits");
        float[] grad = new float[logits.length];
        backward(logits, tokens, mask, vocab, temperature, forward, gradLogp, grad);
        return grad;
    }

    /**
     * {@link #backward} into a caller's array, which may be {@code logits} itself: the gradient is then written over
     * the logits (each entry read before it is written) and the backward allocates nothing, as a trainer that no
     * longer needs its logits wants (Liger-Kernel's losses do the same on the GPU).
     *
     * @param grad [rows, vocab]: receives the gradient (every entry is written)
     * @throws IllegalArgumentException naming the argument that does not fit
     */
    public static void backward(float[] logits, int[] tokens, boolean[] mask, int vocab, float temperature,
                                Forward forward, float[] gradLogp, float[] grad) {
        int rows = check(logits, tokens, mask, vocab, temperature);
        checkBackward(rows, forward, gradLogp);
        Checks.notNull(grad, "grad");
        if (grad.length != logits.length) {
            throw new IllegalArgumentException("grad: expected " + logits.length + " values, got " + grad.length);
        }
        double invT = 1.0 / temperature;
        double[] lse = forward.logSumExp();
        boolean vector = VectorSupport.enabled();
        chunks(rows).forEach(c -> backwardRows(logits, 0, tokens, mask, c * ROWS_PER_TASK,
                Math.min(rows, (c + 1) * ROWS_PER_TASK), vocab, invT, lse, gradLogp, vector, grad, 0));
    }

    /**
     * Rows {@code [from, to)} of the forward; row r's logits start at {@code (r - first) * vocab} of {@code z}
     * (the fused linear path passes one chunk's logits with {@code first} its first row).
     */
    static void forwardRows(float[] z, int first, int[] tokens, boolean[] mask, int from, int to, int vocab,
                            double invT, boolean vector, float[] logp, double[] lse) {
        for (int r = from; r < to; r++) {
            if (mask != null && !mask[r]) {
                continue; // stays 0
            }
            int base = (r - first) * vocab;
            double l = vector ? VectorLogits.rowLse(z, base, vocab, invT) : rowLse(z, base, vocab, invT);
            lse[r] = l;
            logp[r] = (float) (z[base + tokens[r]] * invT - l);
        }
    }

    /**
     * Rows {@code [from, to)} of the backward, written to {@code grad} at {@code gradBase + (r - first) * vocab};
     * {@code grad} may be {@code z} itself at the same offsets (each entry is read before it is written).
     */
    static void backwardRows(float[] z, int first, int[] tokens, boolean[] mask, int from, int to, int vocab,
                             double invT, double[] lse, float[] gradLogp, boolean vector, float[] grad, int gradBase) {
        for (int r = from; r < to; r++) {
            int in = (r - first) * vocab;
            int out = gradBase + (r - first) * vocab;
            if (mask != null && !mask[r]) {
                java.util.Arrays.fill(grad, out, out + vocab, 0.0f); // exactly +0.0 (the buffer may be reused)
                continue;
            }
            double g = gradLogp[r] * invT;
            double l = lse[r];
            float zt = z[in + tokens[r]]; // read first: grad may be z itself (the fused linear path writes in place)
            if (vector) {
                VectorLogits.rowGrad(z, in, vocab, invT, l, g, grad, out);
            } else {
                for (int v = 0; v < vocab; v++) {
                    grad[out + v] = grad(z[in + v] * invT, l, g, false);
                }
            }
            grad[out + tokens[r]] = grad(zt * invT, l, g, true);
        }
    }

    /** One row's log-sum-exp by the online recurrence, in the kernels' order for one thread. */
    static double rowLse(float[] z, int base, int vocab, double invT) {
        double[] ms = {Double.NEGATIVE_INFINITY, 0.0};
        for (int v = 0; v < vocab; v++) {
            push(z[base + v] * invT, ms);
        }
        return lse(ms[0], ms[1]);
    }

    // The per-element math, mirrored by vrft_math.h (vrft_lse_push, vrft_lse_merge, vrft_lse_value, vrft_logits_grad);
    // LogitsMathHostTest ties the two.

    /** The online step: {@code ms = {m, s}} means Σ exp(z_k − m); −∞ adds exactly 0, NaN reaches the sum. */
    static void push(double z, double[] ms) {
        if (z > ms[0]) {
            ms[1] = ms[1] * Math.exp(ms[0] - z) + 1.0;
            ms[0] = z;
        } else if (!(z == Double.NEGATIVE_INFINITY)) {
            ms[1] += Math.exp(z - ms[0]);
        }
    }

    /** Merges the state {@code (m2, s2)} into {@code ms}. */
    static void merge(double m2, double s2, double[] ms) {
        if (m2 > ms[0]) {
            ms[1] = ms[1] * Math.exp(ms[0] - m2) + s2;
            ms[0] = m2;
        } else if (!(m2 == Double.NEGATIVE_INFINITY)) {
            ms[1] += s2 * Math.exp(m2 - ms[0]);
        } else if (Double.isNaN(s2)) {
            ms[1] = s2; // a state that saw only NaN and −∞: its NaN must still reach the row
        }
    }

    static double lse(double m, double s) {
        return m + Math.log(s);
    }

    /** {@code (onehot − softmax) · g} at one entry, with {@code z = logit / τ} and {@code g = ∂L/∂logp / τ}. */
    static float grad(double z, double lse, double g, boolean isToken) {
        double p = Math.exp(z - lse);
        return (float) (isToken ? (1.0 - p) * g : -p * g);
    }

    private static IntStream chunks(int rows) {
        int n = (rows + ROWS_PER_TASK - 1) / ROWS_PER_TASK;
        IntStream s = IntStream.range(0, n);
        return n > 1 ? s.parallel() : s;
    }

    /**
     * Checks the inputs of {@link #forward} (the GPU backends call it before anything native runs).
     *
     * @return the number of positions
     * @throws IllegalArgumentException naming the argument at fault
     */
    public static int checkInputs(float[] logits, int[] tokens, boolean[] mask, int vocab, float temperature) {
        return check(logits, tokens, mask, vocab, temperature);
    }

    /**
     * Checks the extra inputs of {@link #backward}.
     *
     * @throws IllegalArgumentException naming the argument at fault
     */
    public static void checkBackward(int rows, Forward forward, float[] gradLogp) {
        Checks.notNull(forward, "forward");
        Checks.notNull(gradLogp, "gradLogp");
        if (forward.logSumExp().length != rows) {
            throw new IllegalArgumentException("forward: has " + forward.logSumExp().length + " positions, logits "
                    + rows);
        }
        if (gradLogp.length != rows) {
            throw new IllegalArgumentException("gradLogp: expected " + rows + " values, got " + gradLogp.length);
        }
    }

    private static int check(float[] logits, int[] tokens, boolean[] mask, int vocab, float temperature) {
        Checks.notNull(logits, "logits");
        Checks.notNull(tokens, "tokens");
        if (vocab < 1) {
            throw new IllegalArgumentException("vocab: must be at least 1, got " + vocab);
        }
        int rows = tokens.length;
        if ((long) rows * vocab != logits.length) {
            throw new IllegalArgumentException("logits: expected tokens.length x vocab = " + rows + " x " + vocab
                    + " values, got " + logits.length);
        }
        checkTokens(tokens, mask, vocab, temperature);
        return rows;
    }

    /** The temperature, the mask's length and each unmasked token against {@code vocab} (also the fused linear path's). */
    static void checkTokens(int[] tokens, boolean[] mask, int vocab, float temperature) {
        if (!(temperature > 0) || Float.isInfinite(temperature)) {
            throw new IllegalArgumentException("temperature: must be positive and finite, got " + temperature);
        }
        int rows = tokens.length;
        if (mask != null && mask.length != rows) {
            throw new IllegalArgumentException("mask: expected " + rows + " values, got " + mask.length);
        }
        for (int r = 0; r < rows; r++) {
            if ((mask == null || mask[r]) && (tokens[r] < 0 || tokens[r] >= vocab)) {
                throw new IllegalArgumentException("tokens[" + r + "]: " + tokens[r] + " is not in [0, " + vocab + ")");
            }
        }
    }
}
