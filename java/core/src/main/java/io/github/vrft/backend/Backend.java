package io.github.vrft.backend;

import io.github.vrft.box.DetectionMatch;
import io.github.vrft.grpo.AdvantageFlavor;
import io.github.vrft.grpo.Groups;
import io.github.vrft.grpo.LogitsLogProbs;
import io.github.vrft.grpo.LossOptions;
import io.github.vrft.grpo.LossResult;
import io.github.vrft.grpo.TokenBatch;

/**
 * The numeric ops after parsing, on one backend: {@code cpu} (pure Java, the reference), {@code jcuda} (the
 * kernels through JCuda's driver API), {@code panama} (the same kernels through libvrft's C ABI and FFM), or
 * {@code auto} (per call, the CPU or a GPU backend by the measured crossover). Every backend gives the same
 * numbers within the tolerances of the spec; a GPU backend runs a mode its kernels lack on the CPU and logs
 * it. Arguments are checked in Java, before anything native runs, and a bad one is an
 * {@link IllegalArgumentException} naming it. Open one with {@link Backends#open(String)}; close it to
 * release its device context.
 */
public interface Backend extends AutoCloseable {
    /** {@code cpu}, {@code jcuda}, {@code panama} or {@code auto}. */
    String name();

    /** Which backend runs what, and why (for logs and {@code vrft info}). */
    String describe();

    /**
     * Batched ragged all-pairs IoU (Visual-RFT's calculate_iou): sample i's boxes {@code a[aOff[i]..aOff[i+1])}
     * against {@code b[bOff[i]..bOff[i+1])}, xyxy, 4 floats a box; the n_i × m_i results packed row-major per
     * sample, samples in order.
     */
    float[] pairwiseIou(float[] a, long[] aOff, float[] b, long[] bOff);

    /** Fused detection matching and rewards (see {@link DetectionMatch#compute}). */
    DetectionMatch.Result detectionRewards(float[] pred, double[] conf, long[] predOff, float[] gt, long[] gtOff);

    /** Group advantages of float32 rewards, rounded to float32 (see {@code GroupAdvantages.compute(float[], ...)}). */
    float[] groupAdvantages(float[] rewards, Groups groups, AdvantageFlavor flavor);

    /** The clipped-ratio policy loss, forward and backward (see {@code PolicyLoss.compute}). */
    LossResult policyLoss(TokenBatch batch, LossOptions options);

    /**
     * The detection reward step: matching and rewards per completion, the float32 total
     * {@code (float) accuracy_iou + (float) accuracy_confidence + format[i]} as the trainers sum their reward
     * columns, and the group advantages of the totals.
     */
    RewardStep rewardStep(float[] pred, double[] conf, long[] predOff, float[] gt, long[] gtOff, float[] format,
                          Groups groups, AdvantageFlavor flavor);

    /**
     * The chosen tokens' log-probabilities from logits {@code [rows, vocab]} at temperature τ, with each row's
     * log-sum-exp for the backward (see {@link LogitsLogProbs#forward}). {@code mask} may be null (every row).
     */
    LogitsLogProbs.Forward logitsForward(float[] logits, int[] tokens, boolean[] mask, int vocab, float temperature);

    /**
     * The gradient with respect to the logits, {@code (onehot − softmax) · gradLogp / τ}, exactly 0 on masked rows
     * (see {@link LogitsLogProbs#backward}).
     */
    float[] logitsBackward(float[] logits, int[] tokens, boolean[] mask, int vocab, float temperature,
                           LogitsLogProbs.Forward forward, float[] gradLogp);

    /** Releases the backend's device context (nothing for the CPU). */
    @Override
    void close();
}
