package io.github.vrft.backend;

import io.github.vrft.box.DetectionMatch;
import io.github.vrft.grpo.AdvantageFlavor;
import io.github.vrft.grpo.DeviceLossConfig;
import io.github.vrft.grpo.GroupAdvantages;
import io.github.vrft.grpo.Groups;
import io.github.vrft.grpo.LogitsLogProbs;
import io.github.vrft.grpo.LossResult;
import io.github.vrft.grpo.PolicyLoss;
import io.github.vrft.grpo.RandomTokens;
import io.github.vrft.grpo.TokenBatch;
import io.github.vrft.grpo.TrlLossOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The policy every GPU binding inherits from {@link DeviceBackend}, on a stand-in binding that records what
 * reaches the "device": arguments checked first, modes without kernels on the CPU with exactly one log line,
 * empty batches on the CPU silently, nothing after close.
 */
class DeviceBackendTest {
    /** A binding whose device is the CPU, recording each device call. */
    static final class StandIn extends DeviceBackend {
        final List<String> deviceCalls = new ArrayList<>();
        int released;

        @Override
        public String name() {
            return "stand-in";
        }

        @Override
        public String describe() {
            return "stand-in";
        }

        @Override
        protected float[] devicePairwiseIou(int batch, float[] a, long[] aOff, float[] b, long[] bOff, long[] outOff) {
            deviceCalls.add("iou");
            return new CpuBackend().pairwiseIou(a, aOff, b, bOff);
        }

        @Override
        protected DetectionMatch.Result deviceDetectionRewards(int batch, float[] pred, double[] conf, long[] predOff,
                                                               float[] gt, long[] gtOff) {
            deviceCalls.add("detection");
            return DetectionMatch.compute(pred, conf, predOff, gt, gtOff);
        }

        @Override
        protected float[] deviceGroupAdvantages(float[] rewards, Groups groups, int code) {
            deviceCalls.add("advantages " + code);
            return GroupAdvantages.compute(rewards, groups, AdvantageFlavor.TRL_GROUP);
        }

        @Override
        protected LossResult devicePolicyLoss(TokenBatch batch, DeviceLossConfig cfg) {
            deviceCalls.add("loss");
            return null;
        }

        @Override
        protected LogitsLogProbs.Forward deviceLogitsForward(int rows, float[] logits, int[] tokens, boolean[] mask,
                                                            int vocab, float temperature) {
            deviceCalls.add("logits forward");
            return LogitsLogProbs.forward(logits, tokens, mask, vocab, temperature);
        }

        @Override
        protected float[] deviceLogitsBackward(int rows, float[] logits, int[] tokens, boolean[] mask, int vocab,
                                               float temperature, double[] logSumExp, float[] gradLogp) {
            deviceCalls.add("logits backward");
            return LogitsLogProbs.backward(logits, tokens, mask, vocab, temperature,
                    new LogitsLogProbs.Forward(new float[rows], logSumExp), gradLogp);
        }

        @Override
        protected void release() {
            released++;
        }
    }

    private final List<String> log = new ArrayList<>();
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord r) {
            log.add(r.getMessage());
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };

    @BeforeEach
    void listen() {
        Logger.getLogger("io.github.vrft").addHandler(handler);
    }

    @AfterEach
    void stopListening() {
        Logger.getLogger("io.github.vrft").removeHandler(handler);
    }

    @Test
    void modesWithoutKernelsRunOnTheCpuWithOneLogLine() {
        StandIn b = new StandIn();
        float[] r = {1, 2, 3, 4};
        Groups g = Groups.contiguous(4, 2);
        assertArrayEquals(GroupAdvantages.compute(r, g, AdvantageFlavor.VISUAL_RFT),
                b.groupAdvantages(r, g, AdvantageFlavor.VISUAL_RFT));
        assertEquals(List.of("stand-in: advantage flavour visual-rft has no kernel; computed on the CPU"), log);
        assertEquals(List.of(), b.deviceCalls);

        TokenBatch t = RandomTokens.batch(3, 5, 7, 1.0);
        TrlLossOptions cispo = TrlLossOptions.builder().lossType(TrlLossOptions.LossType.CISPO).build();
        assertEquals(PolicyLoss.compute(t, cispo).loss(), b.policyLoss(t, cispo).loss(), 0.0);
        assertEquals(2, log.size());
        assertTrue(log.get(1).startsWith("stand-in: this trl policy-loss mode has no kernel"), log.get(1));

        b.groupAdvantages(r, g, AdvantageFlavor.TRL_GROUP);
        assertEquals(List.of("advantages " + AdvantageFlavor.TRL_GROUP.deviceCode()), b.deviceCalls);
        assertEquals(2, log.size());
    }

    @Test
    void emptyBatchesAreNoFallback() {
        StandIn b = new StandIn();
        assertEquals(0, b.groupAdvantages(new float[0], Groups.contiguous(0, 1), AdvantageFlavor.VISUAL_RFT).length);
        RewardStep s = b.rewardStep(new float[0], new double[0], new long[] {0}, new float[0], new long[] {0}, new float[0],
                Groups.contiguous(0, 1), AdvantageFlavor.TRL_GROUP);
        assertEquals(0, s.total().length);
        assertEquals(List.of(), log);
    }

    @Test
    void argumentsAreCheckedBeforeTheDeviceAndNothingRunsAfterClose() {
        StandIn b = new StandIn();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> b.detectionRewards(new float[8], new double[1], new long[] {0, 2}, new float[4], new long[] {0, 1}));
        assertTrue(e.getMessage().contains("conf"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> b.policyLoss(null, TrlLossOptions.builder().build()));
        assertTrue(e.getMessage().contains("batch"), e.getMessage());
        assertEquals(List.of(), b.deviceCalls);
        b.close();
        b.close();
        assertEquals(1, b.released);
        assertThrows(IllegalStateException.class,
                () -> b.pairwiseIou(new float[4], new long[] {0, 1}, new float[4], new long[] {0, 1}));
    }
}
