package io.github.vrft.grpo;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The gradient against central finite differences of the loss on random inputs, for every mode whose
 * gradient is the loss's true derivative (modes with a detached coefficient — TRL cispo/vespo, verl
 * cispo/gspo, the straight-through "+" KLs — are covered by the golden file instead). Inputs lie on a 2^-8
 * grid so x ± 2^-12 is exact in float32; a coordinate on a kink (clip boundary), where the one-sided
 * differences disagree, is skipped.
 */
class PolicyLossGradientTest {
    private static final int B = 6;
    private static final int T = 7;
    private static final float H = 1f / 4096;

    private static float grid(SplittableRandom r, double lo, double hi) {
        return (float) (Math.round((lo + (hi - lo) * r.nextDouble()) * 256) / 256.0);
    }

    private static TokenBatch batch(long seed, float[] logp) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] old = new float[B * T];
        float[] ref = new float[B * T];
        boolean[] mask = new boolean[B * T];
        float[] adv = new float[B];
        float[] isw = new float[B * T];
        for (int i = 0; i < B; i++) {
            adv[i] = grid(r, -1.5, 1.5);
            int len = i == B - 1 ? 0 : r.nextInt(2, T + 1); // one empty row
            for (int t = 0; t < T; t++) {
                int k = i * T + t;
                logp[k] = grid(r, -3, -0.1);
                old[k] = logp[k] + grid(r, -0.4, 0.4);
                ref[k] = logp[k] + grid(r, -0.3, 0.3);
                mask[k] = t < len;
                isw[k] = grid(r, 0.5, 1.5);
            }
        }
        return TokenBatch.builder(B, T).logp(logp).oldLogp(old).refLogp(ref).mask(mask).advantages(adv)
                .isWeights(isw).build();
    }

    private static List<Object[]> modes() {
        List<Object[]> m = new ArrayList<>();
        for (TrlLossOptions.LossType lt : new TrlLossOptions.LossType[] {TrlLossOptions.LossType.GRPO,
            TrlLossOptions.LossType.BNPO, TrlLossOptions.LossType.DR_GRPO, TrlLossOptions.LossType.DAPO,
            TrlLossOptions.LossType.SAPO, TrlLossOptions.LossType.LUSPO}) {
            for (TrlLossOptions.ImportanceSamplingLevel lvl : TrlLossOptions.ImportanceSamplingLevel.values()) {
                for (double beta : new double[] {0.0, 0.04}) {
                    for (boolean bias : new boolean[] {false, true}) {
                        if (bias && beta == 0) {
                            continue;
                        }
                        m.add(new Object[] {"trl " + lt.id() + " " + lvl + " beta " + beta + (bias ? " bias-kl" : ""),
                            TrlLossOptions.builder().lossType(lt).importanceSamplingLevel(lvl).beta(beta)
                                    .useBiasCorrectionKl(bias).epsilonHigh(0.28).maxCompletionLength(T).build()});
                    }
                }
            }
        }
        m.add(new Object[] {"trl dapo delta", TrlLossOptions.builder().delta(1.1).epsilonHigh(0.28).build()});
        m.add(new Object[] {"trl dapo num_items, processes, GA", TrlLossOptions.builder().numItemsInBatch(50.0)
                .numProcesses(2).gradientAccumulationSteps(3).beta(0.04).build()});
        for (VerlLossOptions.PolicyLoss pl : new VerlLossOptions.PolicyLoss[] {VerlLossOptions.PolicyLoss.VANILLA,
            VerlLossOptions.PolicyLoss.SAPO, VerlLossOptions.PolicyLoss.GPG}) {
            for (VerlLossOptions.LossAggMode agg : VerlLossOptions.LossAggMode.values()) {
                for (VerlLossOptions.KlLossType kl : new VerlLossOptions.KlLossType[] {null, VerlLossOptions.KlLossType.K1,
                    VerlLossOptions.KlLossType.ABS, VerlLossOptions.KlLossType.MSE, VerlLossOptions.KlLossType.LOW_VAR_KL}) {
                    VerlLossOptions.Builder b = VerlLossOptions.builder().policyLoss(pl).lossAggMode(agg).clipRatioHigh(0.28)
                            .klLossCoef(0.1);
                    if (kl != null) {
                        b.useKlLoss(true).klLossType(kl);
                    }
                    m.add(new Object[] {"verl " + pl.id() + " " + agg.id() + " kl " + (kl == null ? "off" : kl.id()), b.build()});
                }
            }
        }
        for (OpenRlhfLossOptions.PolicyLossType pl : OpenRlhfLossOptions.PolicyLossType.values()) {
            for (OpenRlhfLossOptions.KlEstimator kl : OpenRlhfLossOptions.KlEstimator.values()) {
                m.add(new Object[] {"openrlhf " + pl + " dual 3 kl " + kl, OpenRlhfLossOptions.builder().policyLossType(pl)
                        .dualClip(3.0).useKlLoss(true).klEstimator(kl).klCoef(0.05).build()});
            }
        }
        return m;
    }

    @TestFactory
    Stream<DynamicTest> gradientMatchesFiniteDifferences() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Object[] mode : modes()) {
            LossOptions o = (LossOptions) mode[1];
            tests.add(DynamicTest.dynamicTest((String) mode[0], () -> {
                int checked = 0;
                for (long seed = 1; seed <= 3; seed++) {
                    float[] x = new float[B * T];
                    TokenBatch b = batch(seed, x);
                    LossResult base = PolicyLoss.compute(b, o);
                    float[] g = base.gradLogp();
                    double gmax = 0;
                    for (float v : g) {
                        gmax = Math.max(gmax, Math.abs(v));
                    }
                    for (int k = 0; k < x.length; k++) {
                        float x0 = x[k];
                        x[k] = x0 + H;
                        double fp = PolicyLoss.compute(b, o).loss();
                        x[k] = x0 - H;
                        double fm = PolicyLoss.compute(b, o).loss();
                        x[k] = x0;
                        double f0 = base.loss();
                        double right = (fp - f0) / H;
                        double left = (f0 - fm) / H;
                        double fd = (fp - fm) / (2 * H);
                        if (Math.abs(right - left) > 1e-3 * Math.max(Math.abs(fd), gmax) + 1e-9) {
                            continue; // a kink: one-sided derivatives differ
                        }
                        assertEquals(fd, g[k], 1e-4 * Math.abs(fd) + 1e-6 * gmax + 1e-9,
                                mode[0] + " seed " + seed + " token " + k);
                        checked++;
                    }
                }
                assertTrue(checked > 60, mode[0] + ": only " + checked + " coordinates off kinks");
            }));
        }
        return tests.stream();
    }

    @Test
    void maskedNaNAndInfinityNeverLeak() {
        for (Object[] mode : modes()) {
            LossOptions o = (LossOptions) mode[1];
            if (o instanceof TrlLossOptions t && t.lossType() == TrlLossOptions.LossType.LUSPO) {
                continue; // upstream luspo averages over padding too (docs/grpo.md §12 #10)
            }
            float[] x = new float[B * T];
            TokenBatch clean = batch(9, x);
            LossResult a = PolicyLoss.compute(clean, o);
            float[] dirty = x.clone();
            float[] old = clean.oldLogp.clone();
            float[] ref = clean.refLogp.clone();
            float[] isw = clean.isWeights.clone();
            for (int k = 0; k < dirty.length; k++) {
                if (!clean.mask[k]) {
                    dirty[k] = Float.NaN;
                    old[k] = Float.POSITIVE_INFINITY;
                    ref[k] = Float.NEGATIVE_INFINITY;
                    isw[k] = Float.NaN;
                }
            }
            TokenBatch bad = TokenBatch.builder(B, T).logp(dirty).oldLogp(old).refLogp(ref).mask(clean.mask)
                    .advantages(clean.advantages).isWeights(isw).build();
            LossResult r = PolicyLoss.compute(bad, o);
            assertEquals(a.loss(), r.loss(), 0.0, mode[0] + ": loss changed by masked garbage");
            float[] rGrad = r.gradLogp();
            float[] rPtl = r.perTokenLoss();
            float[] aGrad = a.gradLogp();
            for (int k = 0; k < dirty.length; k++) {
                if (!clean.mask[k]) {
                    assertEquals(0f, rGrad[k], 0f, mode[0] + ": masked gradient at " + k);
                    assertEquals(0f, rPtl[k], 0f, mode[0] + ": masked per-token loss at " + k);
                } else {
                    assertEquals(aGrad[k], rGrad[k], 0f, mode[0] + ": gradient changed at " + k);
                }
            }
        }
    }

    @Test
    void badInputNamesTheArgumentAndTheShape() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TokenBatch.builder(2, 3).logp(new float[5]).mask(new boolean[6]).advantages(new float[2]).build());
        assertTrue(e.getMessage().startsWith("logp has length 5, expected 6 (rows x cols = 2 x 3)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> TokenBatch.builder(2, 3).logp(new float[6]).mask(new boolean[6]).advantages(new float[3]).build());
        assertTrue(e.getMessage().startsWith("advantages has length 3, expected 2"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> TokenBatch.builder(-1, 3));
        assertTrue(e.getMessage().startsWith("rows must be >= 0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> TrlLossOptions.builder().epsilon(-0.1).build());
        assertTrue(e.getMessage().startsWith("epsilon must be >= 0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> TrlLossOptions.LossType.parse("ppo2"));
        assertTrue(e.getMessage().startsWith("loss_type: unknown value 'ppo2'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> VerlLossOptions.builder().clipRatioC(1.0).build());
        assertTrue(e.getMessage().startsWith("clip_ratio_c must be > 1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> VerlLossOptions.LossAggMode.parse("mean"));
        assertTrue(e.getMessage().startsWith("loss_agg_mode: unknown value"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> GroupAdvantages.compute(new double[3],
                Groups.ofIds(new int[4]), AdvantageFlavor.TRL_GROUP));
        assertTrue(e.getMessage().startsWith("rewards has length 3 but the groups cover 4 items"), e.getMessage());
        TokenBatch noRef = TokenBatch.builder(1, 2).logp(new float[2]).mask(new boolean[] {true, true})
                .advantages(new float[1]).build();
        e = assertThrows(IllegalArgumentException.class,
                () -> PolicyLoss.compute(noRef, TrlLossOptions.builder().beta(0.04).build()));
        assertTrue(e.getMessage().startsWith("refLogp must not be null"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> AdvantageFlavor.parse("grpo"));
        assertTrue(e.getMessage().startsWith("advantage: unknown flavour 'grpo'"), e.getMessage());
    }

    @Test
    void onPolicyMeansRatioOne() {
        // old_logp absent: x_old = sg(x), r = 1, so the clipped term is -A and the dapo gradient -A/N per token
        TokenBatch b = TokenBatch.builder(1, 2).logp(new float[] {-1f, -2f}).mask(new boolean[] {true, true})
                .advantages(new float[] {0.5f}).build();
        LossResult r = PolicyLoss.compute(b, TrlLossOptions.builder().build());
        assertEquals(-0.5, r.loss(), 1e-15);
        assertEquals(-0.25f, r.gradLogp()[0], 0f);
        assertEquals(-0.25f, r.gradLogp()[1], 0f);
    }

    @Test
    void resultsAreBitIdenticalOnOneThreadAndOnManyThreads() throws Exception {
        // Large enough for several row chunks (RowChunks.CHUNK_TOKENS), with ragged rows and empty ones.
        TokenBatch b = RandomTokens.batch(300, 512, 5, 0.2);
        java.util.concurrent.ForkJoinPool one = new java.util.concurrent.ForkJoinPool(1);
        try {
            for (Object[] mode : modes()) {
                LossOptions o = (LossOptions) mode[1];
                LossResult many = PolicyLoss.compute(b, o);
                LossResult single = one.submit(() -> PolicyLoss.compute(b, o)).get();
                assertEquals(single.loss(), many.loss(), 0.0, mode[0] + " loss");
                assertEquals(single.metrics(), many.metrics(), mode[0] + " metrics");
                org.junit.jupiter.api.Assertions.assertArrayEquals(single.gradLogp(), many.gradLogp(), mode[0] + " grad");
                org.junit.jupiter.api.Assertions.assertArrayEquals(single.perTokenLoss(), many.perTokenLoss(), mode[0] + " loss/token");
            }
        } finally {
            one.shutdown();
        }
    }
}
