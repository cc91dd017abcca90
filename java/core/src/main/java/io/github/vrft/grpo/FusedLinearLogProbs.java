package io.github.vrft.grpo;

import io.github.vrft.Checks;
/**
 * The chosen tokens' log-probabilities straight from the last hidden states and the lm_head weight, chunk by chunk,
 * never holding the logits whole (Liger-Kernel's fused linear approach): for each chunk of {@code chunkRows}
 * positions, logits {@code = hidden[chunk]·Wᵀ (+ b)} into one reused buffer of {@code chunkRows × V} floats, then
 * {@link LogitsLogProbs}'s row math on it. The backward recomputes each chunk's logits, writes
 * {@code ∂L/∂logits} over them in place (the same row math), and accumulates {@code ∂hidden = G·W},
 * {@code ∂W += Gᵀ·hidden[chunk]} and {@code ∂b += Σ G}. Beyond its outputs a call allocates that one chunk buffer.
 *
 * <p>Shapes: {@code hidden} [N, H] row-major, {@code weight} [V, H] (as {@code lm_head.weight}), {@code bias} [V] or
 * null, {@code tokens} [N], {@code mask} [N] or null (masked positions are not read and get exactly 0: their logp,
 * their ∂hidden rows, and no share of ∂W). The products are float32 with fused multiply-adds in a fixed order
 * ({@link ChunkGemm}); the log-softmax is {@link LogitsLogProbs}'s (double inside, float32 out). The math is
 * {@code docs/grpo.md}'s §15.
 */
public final class FusedLinearLogProbs {
    private FusedLinearLogProbs() {}

    /** The default chunk: 1,024 positions (4 MiB of logits per 1,024 vocabulary entries). */
    public static final int DEFAULT_CHUNK_ROWS = 1024;

    /**
     * The gradients of the backward.
     *
     * @param hidden ∂L/∂hidden, [N, H]
     * @param weight ∂L/∂W, [V, H]
     * @param bias   ∂L/∂b, [V], or null where there is no bias
     */
    public record Gradients(float[] hidden, float[] weight, float[] bias) {}

    /**
     * The loss from hidden states: the log-probs, the policy loss over them, and the gradients.
     *
     * @param forward   the log-probs and log-sum-exps
     * @param loss      {@link PolicyLoss#compute}'s result on a batch whose logp are {@code forward.logp()}
     * @param gradients ∂loss/∂hidden, ∂loss/∂W, ∂loss/∂b
     */
    public record Result(LogitsLogProbs.Forward forward, LossResult loss, Gradients gradients) {}

    /**
     * The forward: each position's log-probability of its token at temperature τ.
     *
     * @throws IllegalArgumentException naming the argument at fault
     */
    public static LogitsLogProbs.Forward forward(float[] hidden, float[] weight, float[] bias, int hiddenSize,
                                                 int[] tokens, boolean[] mask, float temperature, int chunkRows) {
        int vocab = check(hidden, weight, bias, hiddenSize, tokens, mask, temperature, chunkRows);
        int n = tokens.length;
        float[] logp = new float[n];
        double[] lse = new double[n];
        float[] chunk = new float[Math.min(chunkRows, Math.max(n, 1)) * vocab];
        double invT = 1.0 / temperature;
        boolean vector = io.github.vrft.VectorSupport.enabled();
        for (int r0 = 0; r0 < n; r0 += chunkRows) {
            int c = Math.min(chunkRows, n - r0);
            ChunkGemm.logits(hidden, r0, c, weight, bias, vocab, hiddenSize, chunk);
            LogitsLogProbs.forwardRows(chunk, r0, tokens, mask, r0, r0 + c, vocab, invT, vector, logp, lse);
        }
        return new LogitsLogProbs.Forward(logp, lse);
    }

    /**
     * The backward from {@link #forward}'s log-sum-exps and ∂L/∂logp.
     *
     * @throws IllegalArgumentException naming the argument at fault
     */
    public static Gradients backward(float[] hidden, float[] weight, float[] bias, int hiddenSize, int[] tokens,
                                     boolean[] mask, float temperature, int chunkRows, LogitsLogProbs.Forward forward,
                                     float[] gradLogp) {
        int vocab = check(hidden, weight, bias, hiddenSize, tokens, mask, temperature, chunkRows);
        int n = tokens.length;
        LogitsLogProbs.checkBackward(n, forward, gradLogp);
        float[] dx = new float[hidden.length];
        float[] dw = new float[weight.length];
        float[] db = bias == null ? null : new float[vocab];
        float[] chunk = new float[Math.min(chunkRows, Math.max(n, 1)) * vocab];
        double invT = 1.0 / temperature;
        boolean vector = io.github.vrft.VectorSupport.enabled();
        for (int r0 = 0; r0 < n; r0 += chunkRows) {
            int c = Math.min(chunkRows, n - r0);
            ChunkGemm.logits(hidden, r0, c, weight, bias, vocab, hiddenSize, chunk);
            // ∂L/∂logits over the chunk's logits, row by row: each row is read whole before it is written
            LogitsLogProbs.backwardRows(chunk, r0, tokens, mask, r0, r0 + c, vocab, invT, forward.logSumExp(),
                    gradLogp, vector, chunk, 0);
            ChunkGemm.gradHidden(chunk, c, weight, vocab, hiddenSize, mask, r0, dx);
            ChunkGemm.gradWeight(chunk, c, hidden, r0, vocab, hiddenSize, mask, dw, db);
        }
        return new Gradients(dx, dw, db);
    }

    /**
     * The whole step from hidden states: {@link #forward}, {@link PolicyLoss#compute} on {@code batch} with those
     * log-probs (and {@code mask}), then {@link #backward} with the loss's ∂L/∂logp.
     *
     * @param batch the batch without its log-probs (old and reference log-probs, advantages, ...), rows × cols = N
     * @throws IllegalArgumentException naming the argument at fault
     */
    public static Result compute(float[] hidden, float[] weight, float[] bias, int hiddenSize, int[] tokens,
                                 boolean[] mask, float temperature, int chunkRows, TokenBatch.Builder batch,
                                 LossOptions options) {
        Checks.notNull(batch, "batch");
        Checks.notNull(options, "options");
        LogitsLogProbs.Forward f = forward(hidden, weight, bias, hiddenSize, tokens, mask, temperature, chunkRows);
        if (mask != null) {
            batch.mask(mask);
        }
        LossResult loss = PolicyLoss.compute(batch.logp(f.logp()).build(), options);
        Gradients g = backward(hidden, weight, bias, hiddenSize, tokens, mask, temperature, chunkRows, f,
                loss.gradLogp());
        return new Result(f, loss, g);
    }

    /**
     * Checks the inputs of {@link #forward} (the GPU path calls it before anything native runs).
     *
     * @return the vocabulary size V
     * @throws IllegalArgumentException naming the argument at fault
     */
    public static int checkInputs(float[] hidden, float[] weight, float[] bias, int hiddenSize, int[] tokens,
                                  boolean[] mask, float temperature, int chunkRows) {
        return check(hidden, weight, bias, hiddenSize, tokens, mask, temperature, chunkRows);
    }

    /** The bytes a call allocates beyond its outputs: the one chunk buffer. */
    public static long scratchBytes(int positions, int vocab, int chunkRows) {
        return 4L * Math.min(chunkRows, Math.max(positions, 1)) * vocab;
    }

    private static int check(float[] hidden, float[] weight, float[] bias, int hiddenSize, int[] tokens,
                             boolean[] mask, float temperature, int chunkRows) {
        Checks.notNull(hidden, "hidden");
        Checks.notNull(weight, "weight");
        Checks.notNull(tokens, "tokens");
        if (hiddenSize < 1) {
            throw new IllegalArgumentException("hiddenSize: must be at least 1, got " + hiddenSize);
        }
        if (chunkRows < 1) {
            throw new IllegalArgumentException("chunkRows: must be at least 1, got " + chunkRows);
        }
        if (weight.length == 0 || weight.length % hiddenSize != 0) {
            throw new IllegalArgumentException("weight: expected V x hiddenSize = V x " + hiddenSize + " values, got "
                    + weight.length);
        }
        int vocab = weight.length / hiddenSize;
        if ((long) tokens.length * hiddenSize != hidden.length) {
            throw new IllegalArgumentException("hidden: expected tokens.length x hiddenSize = " + tokens.length + " x "
                    + hiddenSize + " values, got " + hidden.length);
        }
        if (bias != null && bias.length != vocab) {
            throw new IllegalArgumentException("bias: expected " + vocab + " values, got " + bias.length);
        }
        if ((long) Math.min(chunkRows, Math.max(tokens.length, 1)) * vocab > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("chunkRows: " + chunkRows + " x vocab " + vocab
                    + " logits do not fit one Java array; use a smaller chunk");
        }
        // the token and mask checks, on a logits shape of [N, V] without the logits
        LogitsLogProbs.checkTokens(tokens, mask, vocab, temperature);
        return vocab;
    }
}
