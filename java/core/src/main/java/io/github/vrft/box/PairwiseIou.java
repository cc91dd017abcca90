package io.github.vrft.box;

import java.util.stream.IntStream;

/**
 * Batched, ragged all-pairs IoU on the CPU: the same contract and the same formula
 * ({@link BoxIou#visualRft}, in double, rounded once to float) as the CUDA kernel
 * {@code vrft_pairwise_iou_kernel}, so it is that kernel's oracle. Sample i pairs its boxes
 * {@code a[aOff[i]..aOff[i+1])} (the ground-truth side of Visual-RFT's {@code calculate_iou}) with
 * {@code b[bOff[i]..bOff[i+1])}; its {@code n_i × m_i} results are packed row-major, sample after sample.
 */
public final class PairwiseIou {
    /** Batches of fewer pairs run on the calling thread (a round threshold, not a tuned one). */
    static final long PARALLEL_PAIRS = 1L << 16;

    private PairwiseIou() {}

    /**
     * @param a    xyxy boxes, 4 floats each
     * @param aOff sample offsets into {@code a}, in boxes: {@code batch + 1} entries from 0 to the box count
     * @param b    xyxy boxes
     * @param bOff sample offsets into {@code b}, as many entries as {@code aOff}
     * @return the packed IoUs, {@code Σ n_i·m_i} floats
     * @throws IllegalArgumentException naming the argument whose length or offsets do not fit
     */
    public static float[] compute(float[] a, long[] aOff, float[] b, long[] bOff) {
        int batch = RaggedBoxes.checkOffsets(a, aOff, "a", "aOff");
        RaggedBoxes.checkOffsets(b, bOff, "b", "bOff");
        long[] outOff = RaggedBoxes.pairOffsets(aOff, bOff, "aOff", "bOff");
        float[] out = new float[(int) outOff[batch]];
        // Contiguous runs of samples per task, a few per core: coarse tasks, and threads write apart in out.
        int tasks = outOff[batch] >= PARALLEL_PAIRS ? 4 * Runtime.getRuntime().availableProcessors() : 1;
        IntStream.range(0, tasks).parallel().forEach(t -> {
            int lo = (int) ((long) batch * t / tasks);
            int hi = (int) ((long) batch * (t + 1) / tasks);
            for (int i = lo; i < hi; i++) {
                sample(a, (int) aOff[i], (int) aOff[i + 1], b, (int) bOff[i], (int) bOff[i + 1], out, (int) outOff[i]);
            }
        });
        return out;
    }

    private static void sample(float[] a, int a0, int a1, float[] b, int b0, int b1, float[] out, int o) {
        for (int p = a0; p < a1; p++) {
            double ax1 = a[4 * p], ay1 = a[4 * p + 1], ax2 = a[4 * p + 2], ay2 = a[4 * p + 3];
            for (int q = b0; q < b1; q++) {
                out[o++] = (float) BoxIou.visualRft(ax1, ay1, ax2, ay2, b[4 * q], b[4 * q + 1], b[4 * q + 2], b[4 * q + 3]);
            }
        }
    }
}
