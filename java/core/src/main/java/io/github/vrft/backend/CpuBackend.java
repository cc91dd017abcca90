package io.github.vrft.backend;

import io.github.vrft.box.DetectionMatch;
import io.github.vrft.box.PairwiseIou;
import io.github.vrft.grpo.AdvantageFlavor;
import io.github.vrft.grpo.GroupAdvantages;
import io.github.vrft.grpo.Groups;
import io.github.vrft.grpo.LogitsLogProbs;
import io.github.vrft.grpo.LossOptions;
import io.github.vrft.grpo.LossResult;
import io.github.vrft.grpo.PolicyLoss;
import io.github.vrft.grpo.TokenBatch;

/** The pure-Java backend: the reference every other backend is tested against, and the fallback. Stateless. */
public final class CpuBackend implements Backend {
    @Override
    public String name() {
        return "cpu";
    }

    @Override
    public String describe() {
        return "cpu: pure Java on " + Runtime.getRuntime().availableProcessors() + " cores (policy loss: "
                + PolicyLoss.implementation() + ")";
    }

    @Override
    public float[] pairwiseIou(float[] a, long[] aOff, float[] b, long[] bOff) {
        return PairwiseIou.compute(a, aOff, b, bOff);
    }

    @Override
    public DetectionMatch.Result detectionRewards(float[] pred, double[] conf, long[] predOff, float[] gt, long[] gtOff) {
        return DetectionMatch.compute(pred, conf, predOff, gt, gtOff);
    }

    @Override
    public float[] groupAdvantages(float[] rewards, Groups groups, AdvantageFlavor flavor) {
        return GroupAdvantages.compute(rewards, groups, flavor);
    }

    @Override
    public LossResult policyLoss(TokenBatch batch, LossOptions options) {
        return PolicyLoss.compute(batch, options);
    }

    @Override
    public RewardStep rewardStep(float[] pred, double[] conf, long[] predOff, float[] gt, long[] gtOff, float[] format,
                                 Groups groups, AdvantageFlavor flavor) {
        RewardStep.check(pred, conf, predOff, gt, gtOff, format, groups, flavor);
        return RewardStep.of(DetectionMatch.compute(pred, conf, predOff, gt, gtOff), format,
                total -> GroupAdvantages.compute(total, groups, flavor));
    }

    @Override
    public LogitsLogProbs.Forward logitsForward(float[] logits, int[] tokens, boolean[] mask, int vocab,
                                               float temperature) {
        return LogitsLogProbs.forward(logits, tokens, mask, vocab, temperature);
    }

    @Override
    public float[] logitsBackward(float[] logits, int[] tokens, boolean[] mask, int vocab, float temperature,
                                  LogitsLogProbs.Forward forward, float[] gradLogp) {
        return LogitsLogProbs.backward(logits, tokens, mask, vocab, temperature, forward, gradLogp);
    }

    @Override
    public void close() {
        // nothing to release
    }
}
