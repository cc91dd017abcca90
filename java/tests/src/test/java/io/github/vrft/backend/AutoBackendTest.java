package io.github.vrft.backend;

import io.github.vrft.box.DetectionMatch;
import io.github.vrft.grpo.AdvantageFlavor;
import io.github.vrft.grpo.Groups;
import io.github.vrft.grpo.LogitsLogProbs;
import io.github.vrft.grpo.LossOptions;
import io.github.vrft.grpo.LossResult;
import io.github.vrft.grpo.RandomTokens;
import io.github.vrft.grpo.TokenBatch;
import io.github.vrft.grpo.TrlLossOptions;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** auto's routing by the crossover, with a stand-in GPU backend that records what it was given. */
class AutoBackendTest {
    /** Computes on the CPU and records each call, so the routing is visible. */
    static final class RecordingBackend implements Backend {
        final List<String> calls = new ArrayList<>();
        final CpuBackend cpu = new CpuBackend();
        boolean closed;

        @Override
        public String name() {
            return "recording";
        }

        @Override
        public String describe() {
            return "recording";
        }

        @Override
        public float[] pairwiseIou(float[] a, long[] aOff, float[] b, long[] bOff) {
            calls.add("iou " + (aOff.length - 1));
            return cpu.pairwiseIou(a, aOff, b, bOff);
        }

        @Override
        public DetectionMatch.Result detectionRewards(float[] pred, double[] conf, long[] predOff, float[] gt, long[] gtOff) {
            calls.add("detection " + (predOff.length - 1));
            return cpu.detectionRewards(pred, conf, predOff, gt, gtOff);
        }

        @Override
        public float[] groupAdvantages(float[] rewards, Groups groups, AdvantageFlavor flavor) {
            calls.add("advantages " + rewards.length);
            return cpu.groupAdvantages(rewards, groups, flavor);
        }

        @Override
        public LossResult policyLoss(TokenBatch batch, LossOptions options) {
            calls.add("loss " + batch.size());
            return cpu.policyLoss(batch, options);
        }

        @Override
        public RewardStep rewardStep(float[] pred, double[] conf, long[] predOff, float[] gt, long[] gtOff, float[] format,
                                     Groups groups, AdvantageFlavor flavor) {
            calls.add("step " + (predOff.length - 1));
            return cpu.rewardStep(pred, conf, predOff, gt, gtOff, format, groups, flavor);
        }

        @Override
        public LogitsLogProbs.Forward logitsForward(float[] logits, int[] tokens, boolean[] mask, int vocab,
                                                   float temperature) {
            calls.add("logits forward " + logits.length);
            return cpu.logitsForward(logits, tokens, mask, vocab, temperature);
        }

        @Override
        public float[] logitsBackward(float[] logits, int[] tokens, boolean[] mask, int vocab, float temperature,
                                      LogitsLogProbs.Forward forward, float[] gradLogp) {
            calls.add("logits backward " + logits.length);
            return cpu.logitsBackward(logits, tokens, mask, vocab, temperature, forward, gradLogp);
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    @Test
    void callsFromTheCrossoverOnGoToTheGpu() {
        RecordingBackend gpu = new RecordingBackend();
        Crossover c = new Crossover("stand-in", 4, 3, 10, 1000, "test");
        try (AutoBackend auto = new AutoBackend(gpu, c, "test")) {
            float[] box = {0, 0, 1, 1};
            auto.rewardStep(new float[12], new double[3], new long[] {0, 1, 2, 3}, new float[12], new long[] {0, 1, 2, 3},
                    new float[3], Groups.contiguous(3, 3), AdvantageFlavor.TRL_GROUP);
            auto.rewardStep(new float[16], new double[4], new long[] {0, 1, 2, 3, 4}, new float[16], new long[] {0, 1, 2, 3, 4},
                    new float[4], Groups.contiguous(4, 2), AdvantageFlavor.TRL_GROUP);
            auto.pairwiseIou(box, new long[] {0, 1}, box, new long[] {0, 1});
            auto.pairwiseIou(new float[12], new long[] {0, 1, 2, 3}, new float[12], new long[] {0, 1, 2, 3});
            auto.groupAdvantages(new float[9], Groups.contiguous(9, 3), AdvantageFlavor.VERL);
            auto.groupAdvantages(new float[10], Groups.contiguous(10, 5), AdvantageFlavor.VERL);
            TokenBatch small = RandomTokens.batch(3, 333, 1, 0.1);
            TokenBatch large = RandomTokens.batch(4, 250, 2, 0.1);
            LossResult l = auto.policyLoss(large, TrlLossOptions.builder().build());
            auto.policyLoss(small, TrlLossOptions.builder().build());
            // the logits go by the loss's crossover (1000 tokens), counted in logits
            LogitsLogProbs.Forward f = auto.logitsForward(new float[999], new int[3], null, 333, 1f);
            auto.logitsBackward(new float[999], new int[3], null, 333, 1f, f, new float[3]);
            f = auto.logitsForward(new float[1000], new int[4], null, 250, 1f);
            auto.logitsBackward(new float[1000], new int[4], null, 250, 1f, f, new float[4]);
            assertEquals(List.of("step 4", "iou 3", "advantages 10", "loss 1000", "logits forward 1000",
                    "logits backward 1000"), gpu.calls);
            assertEquals(new CpuBackend().policyLoss(large, TrlLossOptions.builder().build()).loss(), l.loss(), 0.0);
            assertTrue(auto.describe().contains("recording from it"), auto.describe());
        }
        assertTrue(gpu.closed, "auto closes its GPU backend");
    }

    @Test
    void aMeasuredCrossoverWaitsForTheFirstCallThatCouldUseIt() {
        RecordingBackend gpu = new RecordingBackend();
        int[] measurements = new int[1];
        Crossover c = new Crossover("stand-in", 64, 64, 4096, 1024, "test");
        try (AutoBackend auto = AutoBackend.measuredOnFirstNeed(gpu, () -> {
            measurements[0]++;
            return c;
        }, "test")) {
            assertTrue(auto.describe().contains("crossover to be measured on the first call of at least 64"), auto.describe());
            // below every size the measurement tries: the CPU, and nothing measured
            auto.groupAdvantages(new float[63], Groups.contiguous(63, 7), AdvantageFlavor.VERL);
            auto.pairwiseIou(new float[4], new long[] {0, 1}, new float[4], new long[] {0, 1});
            assertEquals(0, measurements[0]);
            assertEquals(List.of(), gpu.calls);
            // from 64 items the crossover is needed: measured once, then used
            float[] r = new float[4096];
            auto.groupAdvantages(r, Groups.contiguous(4096, 8), AdvantageFlavor.VERL);
            auto.groupAdvantages(new float[64], Groups.contiguous(64, 8), AdvantageFlavor.VERL);
            assertEquals(1, measurements[0]);
            assertEquals(List.of("advantages 4096"), gpu.calls);
            assertEquals(c, auto.crossover());
            assertTrue(auto.describe().endsWith(c.summary()), auto.describe());
        }
    }

    @Test
    void withoutAGpuEveryCallRunsOnTheCpuAndSaysWhy() {
        try (AutoBackend auto = new AutoBackend(null, null, "no GPU backend is usable: test")) {
            assertNull(auto.crossover());
            float[] out = auto.groupAdvantages(new float[] {1, 2}, Groups.contiguous(2, 2), AdvantageFlavor.TRL_GROUP);
            assertEquals(-0.7070, out[0], 1e-3);
            assertEquals("auto: cpu for every call (no GPU backend is usable: test)", auto.describe());
            // the argument checks are the backend's own
            assertThrows(IllegalArgumentException.class, () -> auto.pairwiseIou(null, new long[] {0}, new float[0], new long[] {0}));
        }
    }
}
