package io.github.vrft.backend;

import io.github.vrft.box.DetectionMatch;
import io.github.vrft.box.PairwiseIou;
import io.github.vrft.grpo.AdvantageFlavor;
import io.github.vrft.grpo.GoldenParity;
import io.github.vrft.grpo.GroupAdvantages;
import io.github.vrft.grpo.Groups;
import io.github.vrft.grpo.LogitsLogProbs;
import io.github.vrft.grpo.LossOptions;
import io.github.vrft.grpo.LossResult;
import io.github.vrft.grpo.PolicyLoss;
import io.github.vrft.grpo.RandomTokens;
import io.github.vrft.grpo.TokenBatch;
import io.github.vrft.grpo.TrlLossOptions;
import io.github.vrft.grpo.VerlLossOptions;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What every GPU backend must do, checked against the CPU backend (the oracle): the golden loss cases, random
 * shapes of every op (empty samples, one box, sizes that are not multiples of the block size, large
 * batches), the reward step, and argument checks before anything native runs. A subclass supplies the
 * backend and its skip rule. On the CUDA host emulation (Maven's emulated-gpu run) the largest shapes are
 * scaled down ({@link Emulation#size}).
 */
public abstract class BackendContract {
    /** The backend under test, open for the whole class. */
    protected abstract Backend backend();

    /** A second instance of the backend (its own context), which the caller closes. */
    protected abstract Backend openAnother();

    @Test
    void twoInstancesOnTwoThreadsComputeAtOnce() throws Exception {
        // Each launch's block reductions use __shared__ memory; two contexts launching at the same time must
        // not see each other's (on the host emulation: storage per launch, not one static array).
        LossOptions o = TrlLossOptions.builder().beta(0.04).build();
        TokenBatch[] batches = {RandomTokens.batch(9, 700, 31, 0.2), RandomTokens.batch(5, 1300, 32, 0.2)};
        LossResult[] cpu = {PolicyLoss.compute(batches[0], o), PolicyLoss.compute(batches[1], o)};
        try (Backend second = openAnother()) {
            Backend[] on = {backend(), second};
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
            try {
                java.util.List<java.util.concurrent.Future<?>> runs = new java.util.ArrayList<>();
                for (int t = 0; t < 2; t++) {
                    int k = t;
                    runs.add(pool.submit(() -> {
                        for (int rep = 0; rep < 4; rep++) {
                            LossResult dev = on[k].policyLoss(batches[k], o);
                            assertEquals(cpu[k].loss(), dev.loss(), 1e-12 * cpu[k].lossAbsSum(), "thread " + k + " loss");
                            GoldenParity.assertWithinOneUlp(cpu[k].gradLogp(), dev.gradLogp(), "thread " + k + " grad");
                        }
                        return null;
                    }));
                }
                for (java.util.concurrent.Future<?> f : runs) {
                    f.get();
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    private static final CpuBackend CPU = new CpuBackend();

    @Test
    void goldenLossCasesMatchTheCpu() throws Exception {
        GoldenParity.check(backend()::policyLoss);
    }

    @Test
    void randomLossShapesMatchTheCpu() {
        SplittableRandom r = new SplittableRandom(4);
        int big = Emulation.size(4096, 160); // 16.7M tokens on a GPU
        int[][] shapes = {{1, 1}, {3, 255}, {7, 257}, {64, 1000}, {2, 4096}, {big, big}};
        LossOptions[] opts = {TrlLossOptions.builder().beta(0.04).build(),
            TrlLossOptions.builder().importanceSamplingLevel(TrlLossOptions.ImportanceSamplingLevel.SEQUENCE).build(),
            TrlLossOptions.builder().lossType(TrlLossOptions.LossType.DAPO).beta(0.04).build(),
            VerlLossOptions.builder().useKlLoss(true).lossAggMode(VerlLossOptions.LossAggMode.SEQ_MEAN_TOKEN_MEAN).build()};
        for (int[] s : shapes) {
            TokenBatch b = RandomTokens.batch(s[0], s[1], r.nextLong(), 0.2);
            for (LossOptions o : opts) {
                LossResult cpu = PolicyLoss.compute(b, o);
                LossResult dev = backend().policyLoss(b, o);
                String what = s[0] + "x" + s[1] + " " + o.impl();
                assertEquals(cpu.loss(), dev.loss(), 1e-12 * cpu.lossAbsSum(), what + " loss");
                GoldenParity.assertWithinOneUlp(cpu.gradLogp(), dev.gradLogp(), what + " grad");
                GoldenParity.assertWithinOneUlp(cpu.perTokenLoss(), dev.perTokenLoss(), what + " per-token loss");
            }
        }
    }

    private static float[] boxes(SplittableRandom r, long n, boolean integer) {
        float[] a = new float[(int) (4 * n)];
        for (int k = 0; k < a.length; k += 4) {
            a[k] = r.nextInt(0, 900) + (integer ? 0 : (float) r.nextDouble());
            a[k + 1] = r.nextInt(0, 900);
            a[k + 2] = a[k] + r.nextInt(-10, 200) + (integer ? 0 : (float) r.nextDouble());
            a[k + 3] = a[k + 1] + r.nextInt(-10, 200);
        }
        return a;
    }

    private static long[] offsets(int... sizes) {
        long[] off = new long[sizes.length + 1];
        for (int i = 0; i < sizes.length; i++) {
            off[i + 1] = off[i] + sizes[i];
        }
        return off;
    }

    @Test
    void pairwiseIouMatchesTheCpuElementForElement() {
        SplittableRandom r = new SplittableRandom(5);
        long[] aOff = offsets(0, 1, 3, 33, Emulation.size(4096, 700), 5, 0, 257);
        long[] bOff = offsets(4, 1, 0, 33, Emulation.size(4096, 700), 1, 0, 255);
        float[] a = boxes(r, aOff[aOff.length - 1], false);
        float[] b = boxes(r, bOff[bOff.length - 1], false);
        assertArrayEquals(PairwiseIou.compute(a, aOff, b, bOff), backend().pairwiseIou(a, aOff, b, bOff), 0f);
        assertEquals(0, backend().pairwiseIou(new float[0], new long[] {0, 0}, new float[8], new long[] {0, 2}).length);
        assertEquals(0, backend().pairwiseIou(new float[0], new long[] {0}, new float[0], new long[] {0}).length);
    }

    /** Advantages within one float32 ulp of the CPU's (both round one double); NaN exactly where the CPU has NaN. */
    private static void assertAdvantages(float[] cpu, float[] dev, String what) {
        assertEquals(cpu.length, dev.length, what + " length");
        for (int i = 0; i < cpu.length; i++) {
            if (Float.isNaN(cpu[i])) {
                assertTrue(Float.isNaN(dev[i]), what + " [" + i + "]: " + dev[i] + ", expected NaN");
            } else {
                assertEquals(cpu[i], dev[i], Math.ulp(cpu[i]), what + " [" + i + "]");
            }
        }
    }

    @Test
    void advantagesMatchTheCpuForEveryFlavour() {
        SplittableRandom r = new SplittableRandom(6);
        float[] rewards = new float[100_003];
        int[] ids = new int[rewards.length];
        for (int i = 0; i < rewards.length; i++) {
            rewards[i] = r.nextInt(20) == 0 ? Float.NaN : r.nextInt(0, 4) + (float) r.nextDouble();
            ids[i] = r.nextInt(0, 12_000); // scattered groups of varying size, some of one
        }
        Groups g = Groups.ofIds(ids);
        for (AdvantageFlavor f : AdvantageFlavor.values()) {
            float[] cpu = GroupAdvantages.compute(rewards, g, f);
            float[] dev = backend().groupAdvantages(rewards, g, f);
            assertAdvantages(cpu, dev, f.id());
        }
    }

    /** A batch of completions whose predictions are near (or far from) their ground truth. */
    record Detections(float[] pred, double[] conf, long[] predOff, float[] gt, long[] gtOff) {
        static Detections random(SplittableRandom r, int batch, boolean integer) {
            long[] pOff = new long[batch + 1];
            long[] gOff = new long[batch + 1];
            for (int i = 0; i < batch; i++) {
                pOff[i + 1] = pOff[i] + r.nextInt(0, 13);
                gOff[i + 1] = gOff[i] + r.nextInt(0, 7);
            }
            float[] gt = boxes(r, gOff[batch], integer);
            float[] pred = new float[(int) (4 * pOff[batch])];
            double[] conf = new double[(int) pOff[batch]];
            for (int i = 0; i < batch; i++) {
                for (long k = pOff[i]; k < pOff[i + 1]; k++) {
                    int q = (int) (4 * k);
                    long g = gOff[i + 1] > gOff[i] ? gOff[i] + r.nextInt(0, (int) (gOff[i + 1] - gOff[i])) : -1;
                    for (int c = 0; c < 4; c++) {
                        pred[q + c] = g >= 0 && r.nextBoolean() ? gt[(int) (4 * g) + c] + r.nextInt(-12, 13) : r.nextInt(0, 900);
                    }
                    conf[(int) k] = r.nextInt(0, 101) / 100.0;
                }
            }
            return new Detections(pred, conf, pOff, gt, gOff);
        }
    }

    @Test
    void detectionRewardsAreBitIdenticalToTheCpu() {
        SplittableRandom r = new SplittableRandom(7);
        for (boolean integer : new boolean[] {true, false}) {
            Detections d = Detections.random(r, 3000, integer);
            DetectionMatch.Result cpu = CPU.detectionRewards(d.pred, d.conf, d.predOff, d.gt, d.gtOff);
            DetectionMatch.Result dev = backend().detectionRewards(d.pred, d.conf, d.predOff, d.gt, d.gtOff);
            assertArrayEquals(cpu.matchedGt(), dev.matchedGt(), "matches");
            assertArrayEquals(cpu.iouReward(), dev.iouReward(), 0.0, "accuracy_iou");
            assertArrayEquals(cpu.confidenceReward(), dev.confidenceReward(), 0.0, "accuracy_confidence");
        }
    }

    @Test
    void rewardStepMatchesTheCpu() {
        SplittableRandom r = new SplittableRandom(8);
        Detections d = Detections.random(r, 64 * 8, false);
        float[] format = new float[64 * 8];
        for (int i = 0; i < format.length; i++) {
            format[i] = r.nextBoolean() ? 1f : 0f;
        }
        Groups g = Groups.contiguous(format.length, 8);
        for (AdvantageFlavor f : new AdvantageFlavor[] {AdvantageFlavor.TRL_GROUP, AdvantageFlavor.VISUAL_RFT, AdvantageFlavor.VERL}) {
            RewardStep cpu = CPU.rewardStep(d.pred, d.conf, d.predOff, d.gt, d.gtOff, format, g, f);
            RewardStep dev = backend().rewardStep(d.pred, d.conf, d.predOff, d.gt, d.gtOff, format, g, f);
            assertArrayEquals(cpu.iouReward(), dev.iouReward(), 0.0, f.id());
            assertArrayEquals(cpu.confidenceReward(), dev.confidenceReward(), 0.0, f.id());
            assertArrayEquals(cpu.total(), dev.total(), 0f, f.id());
            assertAdvantages(cpu.advantage(), dev.advantage(), f.id());
        }
    }

    /**
     * The logits forward and backward against the CPU oracle: within one float32 ulp (both compute in double and
     * round once; the kernels merge per-thread online states, the CPU runs one recurrence), on vocabularies of 1, 4,
     * 1,027 (not a multiple of a block) and a large one, masked rows with padding ids, −∞ vocabulary padding and a
     * NaN row.
     */
    @Test
    void logitsMatchTheCpuWithinAFloatUlp() {
        SplittableRandom r = new SplittableRandom(21);
        for (int[] shape : new int[][] {{9, 1}, {7, 4}, {11, 1027}, {3, Emulation.size(151_936, 4_099)}}) {
            int rows = shape[0];
            int vocab = shape[1];
            float[] x = new float[rows * vocab];
            int[] tokens = new int[rows];
            boolean[] mask = new boolean[rows];
            float[] g = new float[rows];
            for (int i = 0; i < rows; i++) {
                mask[i] = i % 5 != 2;
                tokens[i] = mask[i] ? r.nextInt(vocab) : -100;
                g[i] = (float) r.nextGaussian();
                for (int v = 0; v < vocab; v++) {
                    x[i * vocab + v] = (float) (r.nextGaussian() * 4);
                    if (i % 3 == 1 && v % 3 == 1 && v != tokens[i]) {
                        x[i * vocab + v] = Float.NEGATIVE_INFINITY;
                    }
                }
            }
            if (rows > 4) {
                x[4 * vocab] = Float.NaN; // an unmasked row: NaN on both sides
            }
            String what = rows + " x " + vocab;
            LogitsLogProbs.Forward cpu = LogitsLogProbs.forward(x, tokens, mask, vocab, 0.7f);
            LogitsLogProbs.Forward dev = backend().logitsForward(x, tokens, mask, vocab, 0.7f);
            GoldenParity.assertWithinOneUlp(cpu.logp(), dev.logp(), what + " logp");
            for (int i = 0; i < rows; i++) {
                double want = cpu.logSumExp()[i];
                assertEquals(want, dev.logSumExp()[i], Double.isFinite(want) ? 1e-12 * Math.max(1, Math.abs(want)) : 0,
                        what + " lse[" + i + "]");
            }
            GoldenParity.assertWithinOneUlp(LogitsLogProbs.backward(x, tokens, mask, vocab, 0.7f, cpu, g),
                    backend().logitsBackward(x, tokens, mask, vocab, 0.7f, dev, g), what + " grad");
            int[] zeros = new int[rows]; // every row read: a valid token for each
            GoldenParity.assertWithinOneUlp(LogitsLogProbs.forward(x, zeros, null, vocab, 1f).logp(),
                    backend().logitsForward(x, zeros, null, vocab, 1f).logp(), what + " no mask");
        }
        assertEquals(0, backend().logitsForward(new float[0], new int[0], null, 5, 1f).logp().length);
    }

    /**
     * Arrays larger than one copy slice of the Panama binding (4 MiB; JCuda copies in one piece) reach the device and
     * come back whole and in place: 5 × 1,048,583 logits (20 MB, five slices and a tail) forward and backward against
     * the CPU within one float32 ulp, every element of the gradient compared.
     */
    @Test
    void arraysOfSeveralCopySlicesArriveWholeAndInPlace() {
        int rows = 5;
        int vocab = 1_048_583;
        SplittableRandom r = new SplittableRandom(34);
        float[] x = new float[rows * vocab];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (r.nextGaussian() * 3);
        }
        int[] tokens = {0, vocab - 1, 524_288, 1, vocab / 3};
        float[] g = {1f, -0.5f, 2f, 0.25f, -1f};
        LogitsLogProbs.Forward cpu = LogitsLogProbs.forward(x, tokens, null, vocab, 0.9f);
        LogitsLogProbs.Forward dev = backend().logitsForward(x, tokens, null, vocab, 0.9f);
        GoldenParity.assertWithinOneUlp(cpu.logp(), dev.logp(), "logp");
        GoldenParity.assertWithinOneUlp(LogitsLogProbs.backward(x, tokens, null, vocab, 0.9f, cpu, g),
                backend().logitsBackward(x, tokens, null, vocab, 0.9f, dev, g), "grad");
    }

    @Test
    void badArgumentsAreRejectedInJavaNamingTheArgument() {
        Backend b = backend();
        IllegalArgumentException logits = assertThrows(IllegalArgumentException.class,
                () -> b.logitsForward(new float[6], new int[] {0, 3}, null, 3, 1f));
        assertTrue(logits.getMessage().startsWith("tokens"), logits.getMessage());
        logits = assertThrows(IllegalArgumentException.class,
                () -> b.logitsForward(new float[6], new int[] {0, 1}, null, 3, 0f));
        assertTrue(logits.getMessage().startsWith("temperature"), logits.getMessage());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> b.pairwiseIou(new float[8], new long[] {0, 3}, new float[8], new long[] {0, 2}));
        assertTrue(e.getMessage().contains("aOff"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> b.detectionRewards(new float[8], new double[1], new long[] {0, 2}, new float[4], new long[] {0, 1}));
        assertTrue(e.getMessage().contains("conf"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> b.groupAdvantages(new float[3], Groups.contiguous(4, 2), AdvantageFlavor.TRL_GROUP));
        assertTrue(e.getMessage().contains("rewards"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> b.rewardStep(new float[4], new double[1], new long[] {0, 1},
                new float[4], new long[] {0, 1}, new float[2], Groups.contiguous(1, 1), AdvantageFlavor.TRL_GROUP));
        assertTrue(e.getMessage().contains("format"), e.getMessage());
    }
}
