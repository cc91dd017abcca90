package io.github.vrft.backend;

import io.github.vrft.box.DetectionMatch;
import io.github.vrft.grpo.AdvantageFlavor;
import io.github.vrft.grpo.Groups;
import io.github.vrft.grpo.LogitsLogProbs;
import io.github.vrft.grpo.LossOptions;
import io.github.vrft.grpo.LossResult;
import io.github.vrft.grpo.TokenBatch;

/**
 * {@code auto}: per call, the CPU backend below the measured {@link Crossover} and the GPU backend from it on;
 * the CPU for everything when no GPU backend is usable (never an error). Arguments are checked by the
 * backend that runs the call, which is the same check on either side.
 */
public final class AutoBackend implements Backend {
    private static final System.Logger LOG = System.getLogger("io.github.vrft");

    private final CpuBackend cpu = new CpuBackend();
    private final Backend gpu;
    private final java.util.function.Supplier<Crossover> measure;
    private volatile Crossover crossover;
    private final String why;

    /** @param gpu the GPU backend, or null; @param crossover its crossover (ignored without a GPU); @param why the choice in words */
    AutoBackend(Backend gpu, Crossover crossover, String why) {
        this(gpu, crossover, null, why);
    }

    private AutoBackend(Backend gpu, Crossover crossover, java.util.function.Supplier<Crossover> measure, String why) {
        this.gpu = gpu;
        this.crossover = crossover;
        this.measure = measure;
        this.why = why;
    }

    /**
     * With a crossover measured on first need: a call smaller than {@link Crossover#SMALLEST_MEASURED} runs on
     * the CPU without it (no measured crossover is smaller), so a short run never pays for the measurement.
     */
    static AutoBackend measuredOnFirstNeed(Backend gpu, java.util.function.Supplier<Crossover> measure, String why) {
        return new AutoBackend(gpu, null, measure, why);
    }

    @Override
    public String name() {
        return "auto";
    }

    @Override
    public String describe() {
        if (gpu == null) {
            return "auto: cpu for every call (" + why + ")";
        }
        Crossover c = crossover;
        return "auto: cpu below the crossover, " + gpu.name() + " from it (" + why + "); "
                + (c == null ? "crossover to be measured on the first call of at least "
                        + Crossover.SMALLEST_MEASURED + " items" : c.summary());
    }

    /** The crossover in use (measured now if it was not yet), or null without a GPU backend. */
    public Crossover crossover() {
        if (gpu == null) {
            return null;
        }
        Crossover c = crossover;
        if (c == null) {
            synchronized (this) {
                c = crossover;
                if (c == null) {
                    c = measure.get();
                    crossover = c;
                }
            }
        }
        return c;
    }

    /** The GPU when there is one and {@code size} reaches the op's crossover ({@code threshold} of it), else the CPU. */
    private Backend pick(java.util.function.ToLongFunction<Crossover> threshold, long size, String op) {
        if (gpu == null || (crossover == null && size < Crossover.SMALLEST_MEASURED)) {
            return cpu;
        }
        if (Crossover.gpuFor(threshold.applyAsLong(crossover()), size)) {
            LOG.log(System.Logger.Level.DEBUG, () -> "auto: " + op + " of " + size + " on " + gpu.name());
            return gpu;
        }
        return cpu;
    }

    @Override
    public float[] pairwiseIou(float[] a, long[] aOff, float[] b, long[] bOff) {
        long samples = aOff == null ? 0 : aOff.length - 1;
        return pick(Crossover::pairwiseIou, samples, "pairwise IoU").pairwiseIou(a, aOff, b, bOff);
    }

    @Override
    public DetectionMatch.Result detectionRewards(float[] pred, double[] conf, long[] predOff, float[] gt, long[] gtOff) {
        long batch = predOff == null ? 0 : predOff.length - 1;
        return pick(Crossover::rewardStep, batch, "detection rewards")
                .detectionRewards(pred, conf, predOff, gt, gtOff);
    }

    @Override
    public float[] groupAdvantages(float[] rewards, Groups groups, AdvantageFlavor flavor) {
        long n = rewards == null ? 0 : rewards.length;
        return pick(Crossover::advantages, n, "advantages").groupAdvantages(rewards, groups, flavor);
    }

    @Override
    public LossResult policyLoss(TokenBatch batch, LossOptions options) {
        long tokens = batch == null ? 0 : batch.size();
        return pick(Crossover::lossTokens, tokens, "policy loss").policyLoss(batch, options);
    }

    @Override
    public RewardStep rewardStep(float[] pred, double[] conf, long[] predOff, float[] gt, long[] gtOff, float[] format,
                                 Groups groups, AdvantageFlavor flavor) {
        long batch = predOff == null ? 0 : predOff.length - 1;
        return pick(Crossover::rewardStep, batch, "reward step")
                .rewardStep(pred, conf, predOff, gt, gtOff, format, groups, flavor);
    }

    // The logits ops have no crossover of their own yet: they go by the loss's, per logit (both are one memory-bound
    // pass per element).
    @Override
    public LogitsLogProbs.Forward logitsForward(float[] logits, int[] tokens, boolean[] mask, int vocab,
                                               float temperature) {
        long n = logits == null ? 0 : logits.length;
        return pick(Crossover::lossTokens, n, "logits forward").logitsForward(logits, tokens, mask, vocab, temperature);
    }

    @Override
    public float[] logitsBackward(float[] logits, int[] tokens, boolean[] mask, int vocab, float temperature,
                                  LogitsLogProbs.Forward forward, float[] gradLogp) {
        long n = logits == null ? 0 : logits.length;
        return pick(Crossover::lossTokens, n, "logits backward")
                .logitsBackward(logits, tokens, mask, vocab, temperature, forward, gradLogp);
    }

    @Override
    public void close() {
        if (gpu != null) {
            gpu.close();
        }
    }
}
