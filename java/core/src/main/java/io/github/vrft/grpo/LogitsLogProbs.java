package io.github.vrft.grpo;

import io.github.vrft.Checks;

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
 * common pool in chunks.
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
        chunks(rows).forEach(c -> {
            for (int r = c * ROWS_PER_TASK, end = Math.min(rows, r + ROWS_PER_TASK); r < end; r++) {
                if (mask != null && !mask[r]) {
                    continue;
                }
                int base = r * vocab;
                double max = Double.NEGATIVE_INFINITY;
                double sum = 0;
                for (int v = 0; v < vocab; v++) {
                    double z = logits[base + v] * invT;
                    if (z > max) {
                        sum = sum * Math.exp(max - z) + 1.0; // the running sum, rescaled to the new max
                        max = z;
                    } else {
                        sum += Math.exp(z - max);
                    }
                }
                lse[r] = max + Math.log(sum);
                logp[r] = (float) (logits[base + tokens[r]] * invT - lse[r]);
            }
        });
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
        int rows = check(logits, tokens, mask, vocab, temperature);
        Checks.notNull(forward, "forward");
        Checks.notNull(gradLogp, "gradLogp");
        if (forward.logSumExp().length != rows) {
            throw new IllegalArgumentException("forward: has " + forward.logSumExp().length + " positions, logits "
                    + rows);
        }
        if (gradLogp.length != rows) {
            throw new IllegalArgumentException("gradLogp: expected " + rows + " values, got " + gradLogp.length);
        }
        float[] grad = new float[rows * vocab];
        double invT = 1.0 / temperature;
        double[] lse = forward.logSumExp();
        chunks(rows).forEach(c -> {
            for (int r = c * ROWS_PER_TASK, end = Math.min(rows, r + ROWS_PER_TASK); r < end; r++) {
                if (mask != null && !mask[r]) {
                    continue; // stays +0.0
                }
                int base = r * vocab;
                double g = gradLogp[r] * invT;
                double l = lse[r];
                for (int v = 0; v < vocab; v++) {
                    grad[base + v] = (float) (-Math.exp(logits[base + v] * invT - l) * g);
                }
                int t = base + tokens[r];
                grad[t] = (float) ((1.0 - Math.exp(logits[t] * invT - l)) * g);
            }
        });
        return grad;
    }

    private static IntStream chunks(int rows) {
        int n = (rows + ROWS_PER_TASK - 1) / ROWS_PER_TASK;
        IntStream s = IntStream.range(0, n);
        return n > 1 ? s.parallel() : s;
    }

    private static int check(float[] logits, int[] tokens, boolean[] mask, int vocab, float temperature) {
        Checks.notNull(logits, "logits");
        Checks.notNull(tokens, "tokens");
        if (vocab < 1) {
            throw new IllegalArgumentException("vocab: must be at least 1, got " + vocab);
        }
        if (!(temperature > 0) || Float.isInfinite(temperature)) {
            throw new IllegalArgumentException("temperature: must be positive and finite, got " + temperature);
        }
        int rows = tokens.length;
        if ((long) rows * vocab != logits.length) {
            throw new IllegalArgumentException("logits: expected tokens.length x vocab = " + rows + " x " + vocab
                    + " values, got " + logits.length);
        }
        if (mask != null && mask.length != rows) {
            throw new IllegalArgumentException("mask: expected " + rows + " values, got " + mask.length);
        }
        for (int r = 0; r < rows; r++) {
            if ((mask == null || mask[r]) && (tokens[r] < 0 || tokens[r] >= vocab)) {
                throw new IllegalArgumentException("tokens[" + r + "]: " + tokens[r] + " is not in [0, " + vocab + ")");
            }
        }
        return rows;
    }
}
