package io.github.vrft.box;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link GlobalGreedyMatch}'s band classification with the Vector API: for each band's lower bound, the cells
 * at or above it as a bitset, in one pass over the matrix. Collecting a band then reads its bitset (1/64 of
 * the matrix) and only the cells it keeps, where the scalar collection reads every free cell once a band. Compare and mask-to-bits are exact, so the bitsets are the same
 * as the scalar test {@code v >= bound} would give (NaN is never at or above anything).
 *
 * <p>Loaded only when {@link io.github.vrft.VectorSupport#enabled()}.
 */
final class VectorBands {
    private VectorBands() {}

    private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;

    /**
     * Per bound j, the bitset {@code iou[a * cols + k] >= bounds[j]} with row a in words
     * {@code [a * rowWords, (a + 1) * rowWords)}, {@code rowWords = ceil(cols / 64)}; bit k of a row is bit
     * {@code k % 64} of its word {@code k / 64}.
     *
     * @param bounds at most {@link GlobalGreedyMatch#MAX_BANDS} bounds
     * @param reuse  {@link GlobalGreedyMatch#MAX_BANDS} bitsets, each filled if it is long enough (every word is
     *               written, so none needs clearing), else replaced by a new one in the result
     */
    static long[][] classify(double[] iou, int rows, int cols, double[] bounds, long[][] reuse) {
        int lanes = S.length();
        int rowWords = (cols + 63) >>> 6;
        if (bounds.length == 1) {
            return new long[][] {atLeast(iou, rows, cols, bounds[0], reuse[0])};
        }
        // eight bounds always (the missing ones repeat the last: their bitsets are its copies, never read), so
        // that the eight accumulators stay in registers
        double[] b = new double[GlobalGreedyMatch.MAX_BANDS];
        for (int j = 0; j < b.length; j++) {
            b[j] = bounds[Math.min(j, bounds.length - 1)];
        }
        double b0 = b[0], b1 = b[1], b2 = b[2], b3 = b[3], b4 = b[4], b5 = b[5], b6 = b[6], b7 = b[7];
        long[][] out = new long[b.length][];
        for (int j = 0; j < b.length; j++) {
            out[j] = reuse[j].length >= rows * rowWords ? reuse[j] : new long[rows * rowWords];
        }
        long[] o0 = out[0], o1 = out[1], o2 = out[2], o3 = out[3], o4 = out[4], o5 = out[5], o6 = out[6], o7 = out[7];
        for (int a = 0; a < rows; a++) {
            int row = a * cols;
            for (int base = 0, w = a * rowWords; base < cols; base += 64, w++) {
                long x0 = 0, x1 = 0, x2 = 0, x3 = 0, x4 = 0, x5 = 0, x6 = 0, x7 = 0;
                int end = Math.min(cols, base + 64);
                int k = base;
                for (; k + lanes <= end; k += lanes) {
                    DoubleVector v = DoubleVector.fromArray(S, iou, row + k);
                    int sh = k - base;
                    x0 |= v.compare(VectorOperators.GE, b0).toLong() << sh;
                    x1 |= v.compare(VectorOperators.GE, b1).toLong() << sh;
                    x2 |= v.compare(VectorOperators.GE, b2).toLong() << sh;
                    x3 |= v.compare(VectorOperators.GE, b3).toLong() << sh;
                    x4 |= v.compare(VectorOperators.GE, b4).toLong() << sh;
                    x5 |= v.compare(VectorOperators.GE, b5).toLong() << sh;
                    x6 |= v.compare(VectorOperators.GE, b6).toLong() << sh;
                    x7 |= v.compare(VectorOperators.GE, b7).toLong() << sh;
                }
                for (; k < end; k++) {
                    double v = iou[row + k];
                    long bit = 1L << (k - base);
                    x0 |= v >= b0 ? bit : 0;
                    x1 |= v >= b1 ? bit : 0;
                    x2 |= v >= b2 ? bit : 0;
                    x3 |= v >= b3 ? bit : 0;
                    x4 |= v >= b4 ? bit : 0;
                    x5 |= v >= b5 ? bit : 0;
                    x6 |= v >= b6 ? bit : 0;
                    x7 |= v >= b7 ? bit : 0;
                }
                o0[w] = x0;
                o1[w] = x1;
                o2[w] = x2;
                o3[w] = x3;
                o4[w] = x4;
                o5[w] = x5;
                o6[w] = x6;
                o7[w] = x7;
            }
        }
        return out;
    }

    /** The one-band case: one bitset, one compare a vector (the eight-way loop would compare eight times). */
    private static long[] atLeast(double[] iou, int rows, int cols, double bound, long[] reuse) {
        int lanes = S.length();
        int rowWords = (cols + 63) >>> 6;
        long[] out = reuse.length >= rows * rowWords ? reuse : new long[rows * rowWords];
        for (int a = 0; a < rows; a++) {
            int row = a * cols;
            for (int base = 0, w = a * rowWords; base < cols; base += 64, w++) {
                long x = 0;
                int end = Math.min(cols, base + 64);
                int k = base;
                for (; k + lanes <= end; k += lanes) {
                    x |= DoubleVector.fromArray(S, iou, row + k).compare(VectorOperators.GE, bound).toLong() << (k - base);
                }
                for (; k < end; k++) {
                    x |= iou[row + k] >= bound ? 1L << (k - base) : 0;
                }
                out[w] = x;
            }
        }
        return out;
    }
}
