package io.github.vrft.reward;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link RecReward#inclusiveIouRow} with the Vector API: the same IEEE operations in the same order, lane by
 * lane ({@code min}/{@code max} are {@code Math.min}/{@code max}'s, the compares and the blends exact), so each
 * IoU is the scalar one bit for bit; lanes whose box is not finite are not stored.
 *
 * <p>Loaded only when {@link io.github.vrft.VectorSupport#enabled()}.
 */
final class VectorIouRow {
    private VectorIouRow() {}

    private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;

    /** Fills the whole vectors of the row; returns where the scalar tail starts. */
    static int row(double a0, double a1, double a2, double a3, RecReward.BoxColumns b, double[] out, int off) {
        int lanes = S.length();
        int up = S.loopBound(b.count);
        double am2 = a2 - 1;
        double am3 = a3 - 1;
        double areaA = (a2 - a0) * (a3 - a1);
        for (int k = 0; k < up; k += lanes) {
            DoubleVector b0 = DoubleVector.fromArray(S, b.x0, k);
            DoubleVector b1 = DoubleVector.fromArray(S, b.y0, k);
            DoubleVector b2 = DoubleVector.fromArray(S, b.x1, k);
            DoubleVector b3 = DoubleVector.fromArray(S, b.y1, k);
            DoubleVector w = b2.sub(1.0).min(am2).sub(b0.max(a0));
            DoubleVector h = b3.sub(1.0).min(am3).sub(b1.max(a1));
            VectorMask<Double> overlap = w.compare(VectorOperators.GT, 0.0).and(h.compare(VectorOperators.GT, 0.0));
            DoubleVector inter = DoubleVector.zero(S).blend(w.add(1.0).mul(h.add(1.0)), overlap);
            DoubleVector union = DoubleVector.broadcast(S, areaA).add(b2.sub(b0).mul(b3.sub(b1))).sub(inter);
            DoubleVector iou = inter.div(union).blend(0.0, union.compare(VectorOperators.EQ, 0.0));
            iou.intoArray(out, off + k, VectorMask.fromArray(S, b.finite, k));
        }
        return up;
    }
}
