package io.github.vrft.grpo;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link LogitsLogProbs}: the plain two-pass reference first (max, then Σ exp, in double; softmax written out),
 * then finite differences of the loss through logp, masking, and the argument checks.
 */
class LogitsLogProbsTest {
    /** The reference: log_softmax(x / τ)[token] with a max pass and a sum pass. */
    static double referenceLogp(float[] x, int base, int vocab, int token, float temperature) {
        double max = Double.NEGATIVE_INFINITY;
        for (int v = 0; v < vocab; v++) {
            max = Math.max(max, x[base + v] / (double) temperature);
        }
        double sum = 0;
        for (int v = 0; v < vocab; v++) {
            sum += Math.exp(x[base + v] / (double) temperature - max);
        }
        return x[base + token] / (double) temperature - max - Math.log(sum);
    }

    private static float[] randomLogits(Random rnd, int rows, int vocab, double scale) {
        float[] x = new float[rows * vocab];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (rnd.nextGaussian() * scale);
        }
        return x;
    }

    @Test
    void forwardIsTheReferenceOnEveryRow() {
        Random rnd = new Random(3);
        int rows = 300;
        int vocab = 1000; // several parallel chunks, a vocabulary that is not a power of two
        float[] x = randomLogits(rnd, rows, vocab, 8);
        x[5 * vocab + 17] = 80f; // a row with one dominant logit: the running sum is rescaled once, late
        int[] tokens = new int[rows];
        for (int r = 0; r < rows; r++) {
            tokens[r] = rnd.nextInt(vocab);
        }
        for (float tau : new float[] {1f, 0.7f, 1.3f}) {
            LogitsLogProbs.Forward f = LogitsLogProbs.forward(x, tokens, null, vocab, tau);
            for (int r = 0; r < rows; r++) {
                float want = (float) referenceLogp(x, r * vocab, vocab, tokens[r], tau);
                assertEquals(want, f.logp()[r], Math.ulp(want), "row " + r + " tau " + tau);
            }
        }
    }

    @Test
    void gradientIsTheFiniteDifferenceOfALossThroughLogp() {
        Random rnd = new Random(5);
        int b = 2;
        int t = 3;
        int vocab = 7;
        int rows = b * t;
        float[] x = randomLogits(rnd, rows, vocab, 1.5);
        int[] tokens = new int[rows];
        boolean[] mask = new boolean[rows];
        for (int r = 0; r < rows; r++) {
            tokens[r] = rnd.nextInt(vocab);
            mask[r] = r != 4;
        }
        float tau = 0.7f;
        float[] adv = {0.8f, -1.1f};
        LossOptions options = TrlLossOptions.builder().lossType(TrlLossOptions.LossType.DAPO).beta(0.04).build();
        float[] old = new float[rows];
        float[] ref = new float[rows];
        LogitsLogProbs.Forward f0 = LogitsLogProbs.forward(x, tokens, mask, vocab, tau);
        for (int r = 0; r < rows; r++) {
            old[r] = f0.logp()[r] + (float) (0.1 * rnd.nextGaussian());
            ref[r] = f0.logp()[r] + (float) (0.2 * rnd.nextGaussian());
        }
        java.util.function.Function<float[], LossResult> loss = logits -> {
            LogitsLogProbs.Forward f = LogitsLogProbs.forward(logits, tokens, mask, vocab, tau);
            return PolicyLoss.compute(TokenBatch.builder(b, t).logp(f.logp()).oldLogp(old).refLogp(ref).mask(mask)
                    .advantages(adv).build(), options);
        };
        LossResult r0 = loss.apply(x);
        float[] grad = LogitsLogProbs.backward(x, tokens, mask, vocab, tau, f0, r0.gradLogp());
        float h = 1e-2f;
        for (int i = 0; i < x.length; i++) {
            float[] up = x.clone();
            float[] down = x.clone();
            up[i] += h;
            down[i] -= h;
            double fd = (loss.apply(up).loss() - loss.apply(down).loss()) / (up[i] - down[i]);
            assertEquals(fd, grad[i], 2e-3 * Math.max(1e-2, Math.abs(fd)) + 2e-5, "d loss / d logits[" + i + "]");
        }
        for (int v = 0; v < vocab; v++) {
            assertEquals(0, Float.floatToRawIntBits(grad[4 * vocab + v]), "a masked row's gradient is +0.0");
        }
        assertEquals(0f, f0.logp()[4], 0f);
    }

    @Test
    void badArgumentsAreNamedBeforeAnythingIsComputed() {
        float[] x = new float[6];
        int[] tokens = {0, 2};
        assertTrue(assertThrows(IllegalArgumentException.class, () -> LogitsLogProbs.forward(x, tokens, null, 4, 1f))
                .getMessage().startsWith("logits:"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> LogitsLogProbs.forward(x, new int[] {0, 3}, null, 3, 1f))
                .getMessage().startsWith("tokens[1]:"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> LogitsLogProbs.forward(x, tokens, null, 3, 0f))
                .getMessage().startsWith("temperature:"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> LogitsLogProbs.forward(x, tokens, null, 3, Float.NaN))
                .getMessage().startsWith("temperature:"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> LogitsLogProbs.forward(x, tokens, new boolean[1], 3, 1f))
                .getMessage().startsWith("mask:"));
        // a masked position's token is not read: padding ids are allowed there
        LogitsLogProbs.Forward f = LogitsLogProbs.forward(x, new int[] {0, -100}, new boolean[] {true, false}, 3, 1f);
        assertEquals((float) -Math.log(3), f.logp()[0], 1e-6f);
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> LogitsLogProbs.backward(x, tokens, null, 3, 1f, f, new float[3])).getMessage().startsWith("gradLogp:"));
    }

    @Test
    void vectorPathIsWithinAFloatUlpOfTheScalarRecurrence() {
        Random rnd = new Random(9);
        for (int vocab : new int[] {1, 3, 7, 8, 33, 1000, 1027}) {
            int rows = 70; // two parallel chunks
            float[] x = randomLogits(rnd, rows, vocab, 6);
            int[] tokens = new int[rows];
            boolean[] mask = new boolean[rows];
            float[] g = new float[rows];
            for (int r = 0; r < rows; r++) {
                tokens[r] = rnd.nextInt(vocab);
                mask[r] = r % 9 != 4;
                g[r] = (float) rnd.nextGaussian();
                if (r % 5 == 1) {
                    for (int v = 0; v < vocab; v += 3) {
                        if (v != tokens[r]) {
                            x[r * vocab + v] = Float.NEGATIVE_INFINITY; // vocabulary padding
                        }
                    }
                }
            }
            x[12 * vocab] = Float.NaN; // a NaN row (unmasked) stays NaN on both paths
            LogitsLogProbs.Forward fv = LogitsLogProbs.forward(x, tokens, mask, vocab, 0.9f);
            float[] gv = LogitsLogProbs.backward(x, tokens, mask, vocab, 0.9f, fv, g);
            LogitsLogProbs.Forward fs;
            float[] gs;
            System.setProperty("vrft.vector", "false");
            try {
                fs = LogitsLogProbs.forward(x, tokens, mask, vocab, 0.9f);
                gs = LogitsLogProbs.backward(x, tokens, mask, vocab, 0.9f, fs, g);
            } finally {
                System.clearProperty("vrft.vector");
            }
            for (int r = 0; r < rows; r++) {
                assertUlp(fs.logp()[r], fv.logp()[r], "V " + vocab + " logp " + r);
            }
            for (int k = 0; k < gs.length; k++) {
                assertUlp(gs[k], gv[k], "V " + vocab + " grad " + k);
            }
            assertTrue(Float.isNaN(fv.logp()[12]) && Float.isNaN(fs.logp()[12]), "NaN row");
        }
    }

    @Test
    void theGradientWrittenOverTheLogitsIsTheSameBits() {
        Random rnd = new Random(11);
        for (int vocab : new int[] {1, 9, 1027}) {
            int rows = 70;
            float[] x = randomLogits(rnd, rows, vocab, 5);
            int[] tokens = new int[rows];
            boolean[] mask = new boolean[rows];
            float[] g = new float[rows];
            for (int r = 0; r < rows; r++) {
                tokens[r] = rnd.nextInt(vocab);
                mask[r] = r % 6 != 1;
                g[r] = (float) rnd.nextGaussian();
            }
            LogitsLogProbs.Forward f = LogitsLogProbs.forward(x, tokens, mask, vocab, 0.8f);
            float[] want = LogitsLogProbs.backward(x, tokens, mask, vocab, 0.8f, f, g);
            float[] inPlace = x.clone();
            LogitsLogProbs.backward(inPlace, tokens, mask, vocab, 0.8f, f, g, inPlace);
            assertArrayEquals(want, inPlace, 0f, "V " + vocab);
        }
        assertTrue(assertThrows(IllegalArgumentException.class, () -> LogitsLogProbs.backward(new float[4],
                new int[] {0, 1}, null, 2, 1f, new LogitsLogProbs.Forward(new float[2], new double[2]), new float[2],
                new float[3])).getMessage().startsWith("grad:"));
    }

    @Test
    void minusInfinityLogitsAddExactlyNothing() {
        Random rnd = new Random(10);
        int rows = 5;
        int vocab = 37;
        int padded = vocab + 11;
        float[] x = randomLogits(rnd, rows, vocab, 3);
        float[] xp = new float[rows * padded];
        java.util.Arrays.fill(xp, Float.NEGATIVE_INFINITY);
        int[] tokens = new int[rows];
        float[] g = new float[rows];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(x, r * vocab, xp, r * padded, vocab);
            tokens[r] = rnd.nextInt(vocab);
            g[r] = 1f;
        }
        System.setProperty("vrft.vector", "false");
        try {
            LogitsLogProbs.Forward f = LogitsLogProbs.forward(x, tokens, null, vocab, 1f);
            LogitsLogProbs.Forward fp = LogitsLogProbs.forward(xp, tokens, null, padded, 1f);
            float[] gp = LogitsLogProbs.backward(xp, tokens, null, padded, 1f, fp, g);
            for (int r = 0; r < rows; r++) {
                assertEquals(f.logp()[r], fp.logp()[r], 0f, "row " + r);
                for (int v = vocab; v < padded; v++) {
                    assertEquals(0f, gp[r * padded + v], 0f, "a padding entry's gradient is (minus) 0");
                }
            }
        } finally {
            System.clearProperty("vrft.vector");
        }
    }

    private static void assertUlp(float want, float got, String what) {
        if (Float.isNaN(want)) {
            assertTrue(Float.isNaN(got), what + ": " + got);
        } else {
            assertEquals(want, got, Math.ulp(want), what);
        }
    }
}
