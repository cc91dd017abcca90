package io.github.vrft.grpo;

import org.junit.jupiter.api.Test;

import io.github.vrft.VectorSupport;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Vector API path against the scalar path on random inputs of awkward shapes (tails, empty rows, NaN padding). */
class VectorPathTest {

    @Test
    void theTestJvmExercisesTheVectorPath() {
        // surefire runs with --add-modules jdk.incubator.vector; without it the golden tests would only cover
        // the scalar path and this test says so.
        assertTrue(VectorSupport.enabled(), VectorSupport.describe());
    }

    @Test
    void vectorMatchesScalarOnRandomShapes() {
        SplittableRandom r = new SplittableRandom(17);
        int[][] shapes = {{1, 1}, {3, 7}, {5, 8}, {4, 9}, {7, 17}, {2, 1023}, {33, 65}};
        TrlLossOptions[] opts = {
            TrlLossOptions.builder().build(),
            TrlLossOptions.builder().beta(0.04).epsilonHigh(0.28).build(),
            TrlLossOptions.builder().lossType(TrlLossOptions.LossType.GRPO).beta(0.1).build(),
            TrlLossOptions.builder().lossType(TrlLossOptions.LossType.BNPO).gradientAccumulationSteps(2).build(),
            TrlLossOptions.builder().lossType(TrlLossOptions.LossType.DR_GRPO).maxCompletionLength(64).beta(0.04).build(),
        };
        for (int[] s : shapes) {
            int rows = s[0];
            int cols = s[1];
            float[] x = new float[rows * cols];
            float[] old = new float[rows * cols];
            float[] ref = new float[rows * cols];
            boolean[] mask = new boolean[rows * cols];
            float[] adv = new float[rows];
            for (int i = 0; i < rows; i++) {
                adv[i] = r.nextInt(5) == 0 ? 0f : (float) r.nextGaussian();
                int len = r.nextInt(0, cols + 1);
                for (int t = 0; t < cols; t++) {
                    int k = i * cols + t;
                    mask[k] = t < len;
                    x[k] = mask[k] ? (float) -r.nextDouble(0.01, 3) : Float.NaN;
                    old[k] = mask[k] ? x[k] + (float) r.nextGaussian() * 0.3f : Float.POSITIVE_INFINITY;
                    ref[k] = mask[k] ? x[k] + (float) r.nextGaussian() * 0.3f : Float.NaN;
                }
            }
            TokenBatch b = TokenBatch.builder(rows, cols).logp(x).oldLogp(old).refLogp(ref).mask(mask).advantages(adv).build();
            for (TrlLossOptions o : opts) {
                LossResult v = PolicyLoss.compute(b, o);
                LossResult sc;
                System.setProperty("vrft.vector", "false");
                try {
                    sc = PolicyLoss.compute(b, o);
                } finally {
                    System.clearProperty("vrft.vector");
                }
                String what = rows + "x" + cols + " " + o.lossType().id() + " beta " + o.beta();
                assertEquals(sc.loss(), v.loss(), 1e-12 * Math.max(1, sc.lossAbsSum()), what + " loss");
                assertEquals(sc.metrics().keySet(), v.metrics().keySet(), what);
                for (String m : sc.metrics().keySet()) {
                    double e = sc.metrics().get(m);
                    double a = v.metrics().get(m);
                    assertTrue(Double.isNaN(e) ? Double.isNaN(a) : Math.abs(e - a) <= 1e-12 * Math.max(1, Math.abs(e)),
                            what + " metric " + m + ": " + a + " vs " + e);
                }
                float[] scGrad = sc.gradLogp();
                float[] vGrad = v.gradLogp();
                float[] scPtl = sc.perTokenLoss();
                float[] vPtl = v.perTokenLoss();
                for (int k = 0; k < x.length; k++) {
                    // per-token values are float32 roundings of doubles that agree to ~1e-15: at most 1 float ulp apart
                    assertEquals(scGrad[k], vGrad[k], Math.ulp(scGrad[k]), what + " grad " + k);
                    assertEquals(scPtl[k], vPtl[k], Math.ulp(scPtl[k]), what + " ptl " + k);
                    if (!mask[k]) {
                        assertEquals(0f, vGrad[k], 0f, what + " masked grad " + k);
                    }
                }
            }
        }
    }
}
