package io.github.vrft.bench;

import java.util.SplittableRandom;

/**
 * A generated ragged box batch as detection rewards meet it: per sample 1 to 6 ground-truth boxes ({@code a})
 * and 0 to 12 predictions ({@code b}) jittered around them, xyxy on a 0..1000 grid (Qwen2-VL's normalised
 * coordinates). Deterministic for a seed, so every implementation is measured on the same boxes.
 */
public final class BoxWorkload {
    public final float[] a;
    public final long[] aOff;
    public final float[] b;
    public final long[] bOff;

    private BoxWorkload(float[] a, long[] aOff, float[] b, long[] bOff) {
        this.a = a;
        this.aOff = aOff;
        this.b = b;
        this.bOff = bOff;
    }

    /** The number of IoUs the batch produces, {@code Σ n_i·m_i}. */
    public long pairs() {
        long p = 0;
        for (int i = 0; i + 1 < aOff.length; i++) {
            p += (aOff[i + 1] - aOff[i]) * (bOff[i + 1] - bOff[i]);
        }
        return p;
    }

    public static BoxWorkload generate(int samples, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        long[] aOff = new long[samples + 1];
        long[] bOff = new long[samples + 1];
        int[] gts = new int[samples];
        int[] preds = new int[samples];
        for (int i = 0; i < samples; i++) {
            gts[i] = r.nextInt(1, 7);
            preds[i] = r.nextInt(0, 13);
            aOff[i + 1] = aOff[i] + gts[i];
            bOff[i + 1] = bOff[i] + preds[i];
        }
        float[] a = new float[(int) (4 * aOff[samples])];
        float[] b = new float[(int) (4 * bOff[samples])];
        for (int i = 0; i < samples; i++) {
            int ga = (int) (4 * aOff[i]);
            for (int k = 0; k < gts[i]; k++) {
                int x = r.nextInt(0, 800);
                int y = r.nextInt(0, 800);
                a[ga + 4 * k] = x;
                a[ga + 4 * k + 1] = y;
                a[ga + 4 * k + 2] = x + r.nextInt(20, 200);
                a[ga + 4 * k + 3] = y + r.nextInt(20, 200);
            }
            int pb = (int) (4 * bOff[i]);
            for (int k = 0; k < preds[i]; k++) {
                int g = ga + 4 * (k % gts[i]);
                int j = r.nextInt(3) == 0 ? 40 : 6;
                for (int c = 0; c < 4; c++) {
                    b[pb + 4 * k + c] = a[g + c] + r.nextInt(-j, j + 1);
                }
            }
        }
        return new BoxWorkload(a, aOff, b, bOff);
    }
}
