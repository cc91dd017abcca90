package io.github.vrft.backend;

import io.github.vrft.Checks;
import io.github.vrft.box.DetectionMatch;
import io.github.vrft.box.RaggedBoxes;
import io.github.vrft.grpo.AdvantageFlavor;
import io.github.vrft.grpo.DeviceLossConfig;
import io.github.vrft.grpo.GroupAdvantages;
import io.github.vrft.grpo.Groups;
import io.github.vrft.grpo.LogitsLogProbs;
import io.github.vrft.grpo.LossOptions;
import io.github.vrft.grpo.LossResult;
import io.github.vrft.grpo.PolicyLoss;
import io.github.vrft.grpo.TokenBatch;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The one policy of the GPU backends, so that each binding (jcuda, panama) only marshals: every call checks
 * its arguments in Java first (an {@link IllegalArgumentException} naming the argument); then a mode the
 * kernels do not cover (an advantage flavour without a kernel, a policy-loss mode without one) runs on the
 * CPU backend with one INFO line on the {@code io.github.vrft} logger; an empty batch runs on the CPU
 * silently (nothing to compute anywhere); everything else goes to the binding's {@code device*} method,
 * under this instance's lock (one context, one stream: calls are serialized).
 */
public abstract class DeviceBackend implements Backend {
    private static final System.Logger LOG = System.getLogger("io.github.vrft");

    private boolean closed;
    /** The fused linear steps a binding opened and that are not closed yet: {@link #close()} closes them first. */
    private final Set<FusedLinearStep> openSteps = new LinkedHashSet<>();

    /** For the bindings: the constructor takes nothing; {@link #name()} names the backend in logs. */
    protected DeviceBackend() {}

    /** Throws when this instance is closed (the bindings call it before touching their context). */
    protected final void requireOpen() {
        if (closed) {
            throw new IllegalStateException("this " + getClass().getSimpleName() + " is closed");
        }
    }

    private void fallback(String what) {
        LOG.log(System.Logger.Level.INFO, name() + ": " + what + " has no kernel; computed on the CPU");
    }

    @Override
    public final synchronized float[] pairwiseIou(float[] a, long[] aOff, float[] b, long[] bOff) {
        int batch = RaggedBoxes.checkOffsets(a, aOff, "a", "aOff");
        RaggedBoxes.checkOffsets(b, bOff, "b", "bOff");
        long[] outOff = RaggedBoxes.pairOffsets(aOff, bOff, "aOff", "bOff");
        requireOpen();
        return devicePairwiseIou(batch, a, aOff, b, bOff, outOff);
    }

    @Override
    public final synchronized DetectionMatch.Result detectionRewards(float[] pred, double[] conf, long[] predOff,
                                                                    float[] gt, long[] gtOff) {
        int batch = DetectionMatch.checkBatch(pred, conf, predOff, gt, gtOff);
        requireOpen();
        return deviceDetectionRewards(batch, pred, conf, predOff, gt, gtOff);
    }

    @Override
    public final synchronized float[] groupAdvantages(float[] rewards, Groups groups, AdvantageFlavor flavor) {
        Checks.notNull(rewards, "rewards");
        Checks.notNull(groups, "groups");
        Checks.notNull(flavor, "flavor");
        groups.requireSize(rewards.length, "rewards");
        if (rewards.length == 0) {
            return GroupAdvantages.compute(rewards, groups, flavor);
        }
        if (flavor.deviceCode() < 0) {
            fallback("advantage flavour " + flavor.id());
            return GroupAdvantages.compute(rewards, groups, flavor);
        }
        requireOpen();
        return deviceGroupAdvantages(rewards, groups, flavor.deviceCode());
    }

    @Override
    public final synchronized LossResult policyLoss(TokenBatch batch, LossOptions options) {
        Checks.notNull(batch, "batch");
        Checks.notNull(options, "options");
        Optional<DeviceLossConfig> cfg = DeviceLossConfig.of(options, batch.rows(), batch.cols());
        if (batch.size() == 0) {
            return PolicyLoss.compute(batch, options);
        }
        if (cfg.isEmpty()) {
            fallback("this " + options.impl() + " policy-loss mode");
            return PolicyLoss.compute(batch, options);
        }
        requireOpen();
        return devicePolicyLoss(batch, cfg.get());
    }

    @Override
    public final synchronized RewardStep rewardStep(float[] pred, double[] conf, long[] predOff, float[] gt, long[] gtOff,
                                                    float[] format, Groups groups, AdvantageFlavor flavor) {
        int batch = RewardStep.check(pred, conf, predOff, gt, gtOff, format, groups, flavor);
        if (batch == 0 || flavor.deviceCode() < 0) { // groupAdvantages logs a flavour without a kernel
            return RewardStep.of(detectionRewards(pred, conf, predOff, gt, gtOff), format,
                    total -> groupAdvantages(total, groups, flavor));
        }
        requireOpen();
        return deviceRewardStep(batch, pred, conf, predOff, gt, gtOff, format, groups, flavor.deviceCode());
    }

    @Override
    public final synchronized LogitsLogProbs.Forward logitsForward(float[] logits, int[] tokens, boolean[] mask,
                                                                  int vocab, float temperature) {
        int rows = LogitsLogProbs.checkInputs(logits, tokens, mask, vocab, temperature);
        if (rows == 0) {
            return LogitsLogProbs.forward(logits, tokens, mask, vocab, temperature);
        }
        requireOpen();
        return deviceLogitsForward(rows, logits, tokens, mask, vocab, temperature);
    }

    @Override
    public final synchronized float[] logitsBackward(float[] logits, int[] tokens, boolean[] mask, int vocab,
                                                     float temperature, LogitsLogProbs.Forward forward,
                                                     float[] gradLogp) {
        int rows = LogitsLogProbs.checkInputs(logits, tokens, mask, vocab, temperature);
        LogitsLogProbs.checkBackward(rows, forward, gradLogp);
        if (rows == 0) {
            return new float[0];
        }
        requireOpen();
        return deviceLogitsBackward(rows, logits, tokens, mask, vocab, temperature, forward.logSumExp(), gradLogp);
    }

    /**
     * For the bindings: records an open step, so that {@link #close()} closes it (while the context it holds memory
     * in is alive) if its caller has not. Returns it.
     */
    protected final synchronized <S extends FusedLinearStep> S opened(S step) {
        openSteps.add(step);
        return step;
    }

    /** For the bindings: a step's close calls this (under this instance's lock). */
    protected final synchronized void stepClosed(FusedLinearStep step) {
        openSteps.remove(step);
    }

    @Override
    public final synchronized void close() {
        if (!closed) {
            closed = true;
            for (FusedLinearStep step : List.copyOf(openSteps)) {
                step.close();
            }
            release();
        }
    }

    /** All-pairs IoU on the device; the arguments are checked and {@code outOff} holds the packed offsets. */
    protected abstract float[] devicePairwiseIou(int batch, float[] a, long[] aOff, float[] b, long[] bOff, long[] outOff);

    /** Detection matching and rewards on the device; the arguments are checked. */
    protected abstract DetectionMatch.Result deviceDetectionRewards(int batch, float[] pred, double[] conf, long[] predOff,
                                                                    float[] gt, long[] gtOff);

    /** Group advantages on the device for kernel flavour {@code code}; non-empty, checked. */
    protected abstract float[] deviceGroupAdvantages(float[] rewards, Groups groups, int code);

    /** The policy loss on the device in a mode the kernels cover; a non-empty batch. */
    protected abstract LossResult devicePolicyLoss(TokenBatch batch, DeviceLossConfig cfg);

    /**
     * The whole reward step on the device for kernel flavour {@code code}; checked, non-empty. The default is
     * two device calls (detection, then the advantages of the float32 totals).
     */
    protected RewardStep deviceRewardStep(int batch, float[] pred, double[] conf, long[] predOff, float[] gt, long[] gtOff,
                                          float[] format, Groups groups, int code) {
        return RewardStep.of(deviceDetectionRewards(batch, pred, conf, predOff, gt, gtOff), format,
                total -> deviceGroupAdvantages(total, groups, code));
    }

    /** The logits forward on the device (one block per row); checked, {@code rows > 0}. */
    protected abstract LogitsLogProbs.Forward deviceLogitsForward(int rows, float[] logits, int[] tokens,
                                                                 boolean[] mask, int vocab, float temperature);

    /** The logits backward on the device from the forward's log-sum-exp; checked, {@code rows > 0}. */
    protected abstract float[] deviceLogitsBackward(int rows, float[] logits, int[] tokens, boolean[] mask, int vocab,
                                                    float temperature, double[] logSumExp, float[] gradLogp);

    /** Releases the device context; called once, by {@link #close()}. */
    protected abstract void release();
}
