package io.github.vrft.box;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PairwiseIouTest {
    /**
     * The plain reference, written from docs/rewards.md §1.3 ("IoU"), not from BoxIou: one sample, every pair,
     * 0 for an empty intersection or a degenerate box, else inter / (area1 + area2 - inter).
     */
    static float[] reference(float[][] a, float[][] b) {
        float[] out = new float[a.length * b.length];
        int k = 0;
        for (float[] g : a) {
            for (float[] p : b) {
                // In double, as Python computes on the float32 coordinates.
                double w = Math.min((double) g[2], p[2]) - Math.max((double) g[0], p[0]);
                double h = Math.min((double) g[3], p[3]) - Math.max((double) g[1], p[1]);
                if (w <= 0 || h <= 0) {
                    out[k++] = 0f;
                    continue;
                }
                double inter = w * h;
                double union = ((double) g[2] - g[0]) * ((double) g[3] - g[1]) + ((double) p[2] - p[0]) * ((double) p[3] - p[1])
                        - inter;
                out[k++] = (float) (inter / union);
            }
        }
        return out;
    }

    private static float[][] boxes(SplittableRandom r, int n) {
        float[][] x = new float[n][];
        for (int i = 0; i < n; i++) {
            float x1 = r.nextInt(0, 1000);
            float y1 = r.nextInt(0, 1000);
            // Mostly proper boxes, some degenerate or flipped (x2 < x1), some with fractional coordinates.
            float dx = r.nextInt(10) == 0 ? r.nextInt(-20, 1) : r.nextInt(1, 300);
            float dy = r.nextInt(10) == 0 ? r.nextInt(-20, 1) : r.nextInt(1, 300);
            float f = r.nextBoolean() ? 0f : (float) r.nextDouble();
            x[i] = new float[] {x1 + f, y1, x1 + dx, y1 + dy + f};
        }
        return x;
    }

    private static float[] flat(float[][][] samples, long[] off) {
        int n = 0;
        for (int i = 0; i < samples.length; i++) {
            off[i + 1] = off[i] + samples[i].length;
            n += samples[i].length;
        }
        float[] out = new float[4 * n];
        int k = 0;
        for (float[][] s : samples) {
            for (float[] box : s) {
                System.arraycopy(box, 0, out, k, 4);
                k += 4;
            }
        }
        return out;
    }

    /** Ragged batches, empty samples included, small (one thread) and large (parallel), against the reference. */
    @Test
    void matchesTheReferenceOnRaggedBatches() {
        SplittableRandom r = new SplittableRandom(11);
        for (int batch : new int[] {0, 1, 7, 64, 5000}) {
            float[][][] as = new float[batch][][];
            float[][][] bs = new float[batch][][];
            for (int i = 0; i < batch; i++) {
                as[i] = boxes(r, r.nextInt(0, 13));
                bs[i] = boxes(r, r.nextInt(0, 7));
            }
            long[] aOff = new long[batch + 1];
            long[] bOff = new long[batch + 1];
            float[] a = flat(as, aOff);
            float[] b = flat(bs, bOff);
            float[] got = PairwiseIou.compute(a, aOff, b, bOff);
            int k = 0;
            for (int i = 0; i < batch; i++) {
                float[] want = reference(as[i], bs[i]);
                for (float w : want) {
                    assertEquals(w, got[k++], 0f, "batch " + batch + " sample " + i);
                }
            }
            assertEquals(k, got.length);
            if (batch == 5000) {
                assertTrue(got.length >= PairwiseIou.PARALLEL_PAIRS, "the large batch takes the parallel path");
            }
        }
    }

    /** Properties: IoU(a, b) = IoU(b, a) for proper boxes, every value in [0, 1], a box with itself is 1. */
    @Test
    void symmetricBoundedAndOneOnItself() {
        SplittableRandom r = new SplittableRandom(12);
        float[][] x = boxes(r, 200);
        long[] off = {0, 200};
        float[] a = flat(new float[][][] {x}, new long[2]);
        float[] m = PairwiseIou.compute(a, off, a, off);
        for (int i = 0; i < 200; i++) {
            boolean proper = x[i][2] > x[i][0] && x[i][3] > x[i][1];
            assertEquals(proper ? 1f : 0f, m[i * 200 + i], 0f, "box " + i + " with itself");
            for (int j = 0; j < 200; j++) {
                assertEquals(m[i * 200 + j], m[j * 200 + i], 0f, "pair " + i + "," + j);
                assertTrue(m[i * 200 + j] >= 0f && m[i * 200 + j] <= 1f, "pair " + i + "," + j);
            }
        }
    }

    @Test
    void halfOverlapIsOneThird() {
        float[] a = {0, 0, 2, 1};
        float[] b = {1, 0, 3, 1};
        assertArrayEquals(new float[] {1f / 3f}, PairwiseIou.compute(a, new long[] {0, 1}, b, new long[] {0, 1}), 0f);
    }

    @Test
    void badArgumentsNameTheArgument() {
        long[] one = {0, 1};
        float[] box = {0, 0, 1, 1};
        assertMessage("a must not be null", () -> PairwiseIou.compute(null, one, box, one));
        assertMessage("bOff must not be null", () -> PairwiseIou.compute(box, one, box, null));
        assertMessage("a has length 3", () -> PairwiseIou.compute(new float[3], one, box, one));
        assertMessage("aOff must start at 0", () -> PairwiseIou.compute(box, new long[] {1, 1}, box, one));
        assertMessage("bOff must start at 0 and end at the box count 1", () -> PairwiseIou.compute(box, one, box, new long[] {0, 2}));
        assertMessage("aOff must not decrease", () -> PairwiseIou.compute(new float[8], new long[] {0, 2, 1, 2}, new float[8],
                new long[] {0, 1, 1, 2}));
        assertMessage("bOff has 3 entries, expected aOff's 2", () -> PairwiseIou.compute(box, one, box, new long[] {0, 0, 1}));
    }

    private static void assertMessage(String start, org.junit.jupiter.api.function.Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().startsWith(start), e.getMessage());
    }
}
