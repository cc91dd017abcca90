package io.github.vrft.grpo;

import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link FusedLinearLogProbs} against a plain reference in double (below, at the top): logits = X·Wᵀ + b, the
 * log-softmax at τ, and the analytic gradients ∂X = G·W, ∂W = Gᵀ·X, ∂b = Σ G with G = (onehot − softmax)·g/τ, the
 * reference itself checked by central differences. The fused path computes the products in float32, so it agrees
 * with the reference to float32 rounding of sums over H (bounded below); across chunk sizes and against
 * {@link LogitsLogProbs} on the materialized logits it agrees bit for bit.
 */
public class FusedLinearLogProbsTest {

    // ---- the plain reference, in double -------------------------------------------------------------------------

    record Ref(double[] logp, double[][] gradX, double[][] gradW, double[] gradB) {}

    /** L = Σ_r g_r·logp_r over the unmasked rows; its value and its gradients. */
    static Ref reference(float[] x, float[] w, float[] b, int h, int[] tokens, boolean[] mask, float tau, float[] g) {
        int n = tokens.length;
        int vocab = w.length / h;
        double[] logp = new double[n];
        double[][] gx = new double[n][h];
        double[][] gw = new double[vocab][h];
        double[] gb = new double[vocab];
        for (int r = 0; r < n; r++) {
            if (mask != null && !mask[r]) {
                continue;
            }
            double[] z = new double[vocab];
            double max = Double.NEGATIVE_INFINITY;
            for (int v = 0; v < vocab; v++) {
                double s = b == null ? 0 : b[v];
                for (int k = 0; k < h; k++) {
                    s += (double) x[r * h + k] * w[v * h + k];
                }
                z[v] = s / tau;
                max = Math.max(max, z[v]);
            }
            double sum = 0;
            for (int v = 0; v < vocab; v++) {
                sum += Math.exp(z[v] - max);
            }
            double lse = max + Math.log(sum);
            logp[r] = z[tokens[r]] - lse;
            for (int v = 0; v < vocab; v++) {
                double dz = ((v == tokens[r] ? 1 : 0) - Math.exp(z[v] - lse)) * g[r] / tau;
                gb[v] += dz;
                for (int k = 0; k < h; k++) {
                    gx[r][k] += dz * w[v * h + k];
                    gw[v][k] += dz * x[r * h + k];
                }
            }
        }
        return new Ref(logp, gx, gw, gb);
    }

    static double objective(Ref ref, float[] g) {
        double s = 0;
        for (int r = 0; r < g.length; r++) {
            s += g[r] * ref.logp()[r];
        }
        return s;
    }

    // ---- inputs ---------------------------------------------------------------------------------------------------

    /** One generated input: hidden [N, H], W [V, H], bias or null, tokens, mask or null, ∂L/∂logp. */
    public record Case(float[] x, float[] w, float[] b, int h, int[] tokens, boolean[] mask, float[] g) {}

    /** |x| ~ 1, |w| ~ 1/√H, masked positions (every 4th from 1) with padding id −100. */
    public static Case random(long seed, int n, int h, int vocab, boolean bias, boolean masked) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[n * h];
        float[] w = new float[vocab * h];
        for (int k = 0; k < x.length; k++) {
            x[k] = (float) r.nextGaussian();
        }
        for (int k = 0; k < w.length; k++) {
            w[k] = (float) (r.nextGaussian() / Math.sqrt(h));
        }
        float[] b = null;
        if (bias) {
            b = new float[vocab];
            for (int v = 0; v < vocab; v++) {
                b[v] = (float) (r.nextGaussian() * 0.5);
            }
        }
        int[] tokens = new int[n];
        boolean[] mask = masked ? new boolean[n] : null;
        float[] g = new float[n];
        for (int i = 0; i < n; i++) {
            boolean on = !masked || i % 4 != 1;
            if (masked) {
                mask[i] = on;
            }
            tokens[i] = on ? r.nextInt(vocab) : -100;
            g[i] = (float) r.nextGaussian();
        }
        return new Case(x, w, b, h, tokens, mask, g);
    }

    // ---- tests ----------------------------------------------------------------------------------------------------

    @Test
    void theReferenceGradientsAreTheFiniteDifferences() {
        Case c = random(1, 5, 6, 7, true, true);
        float tau = 0.8f;
        Ref ref = reference(c.x(), c.w(), c.b(), c.h(), c.tokens(), c.mask(), tau, c.g());
        double eps = 1e-3; // float inputs: perturb by a representable step and divide by the step actually taken
        SplittableRandom r = new SplittableRandom(2);
        for (int trial = 0; trial < 40; trial++) {
            int which = trial % 3;
            float[] a = which == 0 ? c.x() : which == 1 ? c.w() : c.b();
            int k = r.nextInt(a.length);
            float saved = a[k];
            float up = (float) (saved + eps);
            float down = (float) (saved - eps);
            a[k] = up;
            double fUp = objective(reference(c.x(), c.w(), c.b(), c.h(), c.tokens(), c.mask(), tau, c.g()), c.g());
            a[k] = down;
            double fDown = objective(reference(c.x(), c.w(), c.b(), c.h(), c.tokens(), c.mask(), tau, c.g()), c.g());
            a[k] = saved;
            double numeric = (fUp - fDown) / ((double) up - down);
            double analytic = which == 0 ? ref.gradX()[k / c.h()][k % c.h()]
                    : which == 1 ? ref.gradW()[k / c.h()][k % c.h()] : ref.gradB()[k];
            assertEquals(numeric, analytic, 1e-5 + 1e-5 * Math.abs(analytic), "entry " + k + " of input " + which);
        }
    }

    /**
     * Float32 products against the double reference: a logit's error is at most H·2⁻²⁴·Σ|x·w| (FMA accumulation);
     * with these inputs (|x| ~ 1, |w| ~ 1/√H) that is well under 1e-5 per logit, so logp within 1e-5 and each
     * gradient within 1e-5 of its array's largest entry. A wrong index or a missing term is off by far more.
     */
    @Test
    void forwardAndBackwardMatchTheDoubleReference() {
        for (boolean bias : new boolean[] {false, true}) {
            Case c = random(bias ? 3 : 4, 37, 24, 53, bias, true);
            float tau = 0.7f;
            Ref ref = reference(c.x(), c.w(), c.b(), c.h(), c.tokens(), c.mask(), tau, c.g());
            LogitsLogProbs.Forward f = FusedLinearLogProbs.forward(c.x(), c.w(), c.b(), c.h(), c.tokens(), c.mask(),
                    tau, 8);
            FusedLinearLogProbs.Gradients grads = FusedLinearLogProbs.backward(c.x(), c.w(), c.b(), c.h(), c.tokens(),
                    c.mask(), tau, 8, f, c.g());
            for (int r = 0; r < c.tokens().length; r++) {
                assertEquals(ref.logp()[r], f.logp()[r], 1e-5, "logp " + r);
            }
            assertClose(flatten(ref.gradX()), grads.hidden(), "∂hidden");
            assertClose(flatten(ref.gradW()), grads.weight(), "∂W");
            if (bias) {
                assertClose(ref.gradB(), grads.bias(), "∂b");
            } else {
                assertNull(grads.bias());
            }
            for (int r = 0; r < c.tokens().length; r++) {
                if (!c.mask()[r]) {
                    assertEquals(0f, f.logp()[r], 0f);
                    for (int k = 0; k < c.h(); k++) {
                        assertEquals(0, Float.floatToRawIntBits(grads.hidden()[r * c.h() + k]), "masked ∂hidden row " + r);
                    }
                }
            }
        }
    }

    @Test
    void everyChunkSizeGivesTheSameBits() {
        Case c = random(5, 45, 16, 37, true, true);
        LogitsLogProbs.Forward f1 = FusedLinearLogProbs.forward(c.x(), c.w(), c.b(), 16, c.tokens(), c.mask(), 1f, 45);
        FusedLinearLogProbs.Gradients g1 = FusedLinearLogProbs.backward(c.x(), c.w(), c.b(), 16, c.tokens(), c.mask(),
                1f, 45, f1, c.g());
        for (int chunk : new int[] {1, 4, 7, 1000}) {
            LogitsLogProbs.Forward f = FusedLinearLogProbs.forward(c.x(), c.w(), c.b(), 16, c.tokens(), c.mask(), 1f,
                    chunk);
            FusedLinearLogProbs.Gradients g = FusedLinearLogProbs.backward(c.x(), c.w(), c.b(), 16, c.tokens(), c.mask(),
                    1f, chunk, f, c.g());
            assertArrayEquals(f1.logp(), f.logp(), 0f, "chunk " + chunk);
            assertArrayEquals(f1.logSumExp(), f.logSumExp(), 0.0, "chunk " + chunk);
            assertArrayEquals(g1.hidden(), g.hidden(), 0f, "chunk " + chunk);
            assertArrayEquals(g1.weight(), g.weight(), 0f, "chunk " + chunk);
            assertArrayEquals(g1.bias(), g.bias(), 0f, "chunk " + chunk);
        }
    }

    @Test
    void sameBitsAsLogitsLogProbsOnTheMaterializedLogits() {
        Case c = random(6, 19, 33, 41, true, true);
        int vocab = 41;
        float[] logits = new float[19 * vocab];
        ChunkGemm.logits(c.x(), 0, 19, c.w(), c.b(), vocab, 33, logits);
        LogitsLogProbs.Forward want = LogitsLogProbs.forward(logits, c.tokens(), c.mask(), vocab, 0.9f);
        LogitsLogProbs.Forward got = FusedLinearLogProbs.forward(c.x(), c.w(), c.b(), 33, c.tokens(), c.mask(), 0.9f, 5);
        assertArrayEquals(want.logp(), got.logp(), 0f);
        assertArrayEquals(want.logSumExp(), got.logSumExp(), 0.0);
    }

    @Test
    void theLossStepUsesTheLossGradient() {
        Case c = random(7, 4 * 9, 12, 29, false, true);
        SplittableRandom r = new SplittableRandom(8);
        float[] old = new float[36];
        float[] adv = new float[4];
        for (int k = 0; k < old.length; k++) {
            old[k] = (float) (-r.nextDouble() * 4);
        }
        for (int i = 0; i < 4; i++) {
            adv[i] = (float) r.nextGaussian();
        }
        LossOptions o = TrlLossOptions.builder().build();
        FusedLinearLogProbs.Result res = FusedLinearLogProbs.compute(c.x(), c.w(), null, 12, c.tokens(), c.mask(), 1f, 10,
                TokenBatch.builder(4, 9).oldLogp(old).advantages(adv), o);
        LossResult direct = PolicyLoss.compute(TokenBatch.builder(4, 9).logp(res.forward().logp()).oldLogp(old)
                .advantages(adv).mask(c.mask()).build(), o);
        assertEquals(direct.loss(), res.loss().loss(), 0.0);
        FusedLinearLogProbs.Gradients g = FusedLinearLogProbs.backward(c.x(), c.w(), null, 12, c.tokens(), c.mask(), 1f,
                10, res.forward(), direct.gradLogp());
        assertArrayEquals(g.hidden(), res.gradients().hidden(), 0f);
        assertArrayEquals(g.weight(), res.gradients().weight(), 0f);
    }

    /**
     * Beyond its outputs, a forward and a backward allocate one chunk of logits each (measured as every byte the calling
     * thread and the common pool's workers allocated during the calls: the peak cannot exceed it). The allowance
     * beyond the chunk is for the task objects of the parallel loops (7-21 KiB per call here), printed with the
     * measurement.
     */
    @Test
    void extraMemoryIsOneChunkOfLogits() {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        int n = 4096;
        int h = 32;
        int vocab = 2000;
        int chunk = 256;
        Case c = random(9, n, h, vocab, true, false);
        for (int warm = 0; warm < 2; warm++) { // class loading and the JIT's first allocations are not the op's
            LogitsLogProbs.Forward f = FusedLinearLogProbs.forward(c.x(), c.w(), c.b(), h, c.tokens(), null, 1f, chunk);
            FusedLinearLogProbs.backward(c.x(), c.w(), c.b(), h, c.tokens(), null, 1f, chunk, f, c.g());
        }
        long scratch = FusedLinearLogProbs.scratchBytes(n, vocab, chunk);
        long[] workers = Thread.getAllStackTraces().keySet().stream() // started by the warm-up calls
                .filter(t -> t.getName().startsWith("ForkJoinPool.commonPool-worker")).mapToLong(Thread::threadId)
                .toArray();
        long before = allocatedByTheCallsThreads(mx, workers);
        LogitsLogProbs.Forward f = FusedLinearLogProbs.forward(c.x(), c.w(), c.b(), h, c.tokens(), null, 1f, chunk);
        long forward = allocatedByTheCallsThreads(mx, workers) - before;
        before = allocatedByTheCallsThreads(mx, workers);
        FusedLinearLogProbs.Gradients g = FusedLinearLogProbs.backward(c.x(), c.w(), c.b(), h, c.tokens(), null, 1f,
                chunk, f, c.g());
        long backward = allocatedByTheCallsThreads(mx, workers) - before;
        long forwardOut = 4L * n + 8L * n;
        long backwardOut = 4L * (g.hidden().length + g.weight().length + g.bias().length);
        long allowance = 64 << 10;
        System.out.printf("fused linear, N %d, H %d, V %d, chunk %d: the chunk %d B; forward %d B beyond its outputs,"
                + " backward %d B (materialized logits: %d B)%n", n, h, vocab, chunk, scratch, forward - forwardOut,
                backward - backwardOut, 4L * n * vocab);
        assertTrue(forward - forwardOut <= scratch + allowance, "forward allocated " + forward);
        assertTrue(backward - backwardOut <= scratch + allowance, "backward allocated " + backward);
    }

    /**
     * Bytes allocated so far by this thread and the common pool's workers (the threads a call runs on), so that a
     * thread another test left running cannot count; reading them allocates nothing.
     */
    private static long allocatedByTheCallsThreads(com.sun.management.ThreadMXBean mx, long[] workers) {
        long sum = mx.getCurrentThreadAllocatedBytes();
        for (long id : workers) {
            sum += Math.max(0, mx.getThreadAllocatedBytes(id));
        }
        return sum;
    }

    @Test
    void badArgumentsNameTheArgument() {
        float[] x = new float[6];
        float[] w = new float[12];
        int[] t = {0, 1};
        assertMessage("hidden:", () -> FusedLinearLogProbs.forward(new float[5], w, null, 3, t, null, 1f, 4));
        assertMessage("weight:", () -> FusedLinearLogProbs.forward(x, new float[11], null, 3, t, null, 1f, 4));
        assertMessage("bias:", () -> FusedLinearLogProbs.forward(x, w, new float[3], 3, t, null, 1f, 4));
        assertMessage("hiddenSize:", () -> FusedLinearLogProbs.forward(x, w, null, 0, t, null, 1f, 4));
        assertMessage("chunkRows:", () -> FusedLinearLogProbs.forward(x, w, null, 3, t, null, 1f, 0));
        assertMessage("tokens[1]:", () -> FusedLinearLogProbs.forward(x, w, null, 3, new int[] {0, 4}, null, 1f, 4));
        assertMessage("temperature:", () -> FusedLinearLogProbs.forward(x, w, null, 3, t, null, Float.NaN, 4));
        assertMessage("gradLogp:", () -> FusedLinearLogProbs.backward(x, w, null, 3, t, null, 1f, 4,
                FusedLinearLogProbs.forward(x, w, null, 3, t, null, 1f, 4), new float[1]));
    }

    private static void assertMessage(String prefix, org.junit.jupiter.api.function.Executable e) {
        String m = assertThrows(IllegalArgumentException.class, e).getMessage();
        assertTrue(m.startsWith(prefix), m);
    }

    private static double[] flatten(double[][] a) {
        double[] out = new double[a.length * a[0].length];
        for (int i = 0; i < a.length; i++) {
            System.arraycopy(a[i], 0, out, i * a[0].length, a[0].length);
        }
        return out;
    }

    /** Each element within {@code 1e-5} of the array's largest magnitude (float32 products summed over H). */
    public static void assertClose(double[] want, float[] got, String what) {
        assertEquals(want.length, got.length, what + " length");
        double scale = 0;
        for (double v : want) {
            scale = Math.max(scale, Math.abs(v));
        }
        for (int k = 0; k < want.length; k++) {
            assertEquals(want[k], got[k], 1e-5 * Math.max(scale, 1e-3), what + "[" + k + "]");
        }
    }

    /** {@link #assertClose(double[], float[], String)} with a float32 side as the reference. */
    public static void assertClose(float[] want, float[] got, String what) {
        double[] w = new double[want.length];
        for (int k = 0; k < w.length; k++) {
            w[k] = want[k];
        }
        assertClose(w, got, what);
    }
}
