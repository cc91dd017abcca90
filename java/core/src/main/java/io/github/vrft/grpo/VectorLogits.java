package io.github.vrft.grpo;

import io.github.vrft.VectorSupport;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link LogitsLogProbs}'s row loops with the Vector API. A row's log-sum-exp takes two passes instead of the
 * online recurrence: the float maximum (exact in any order), then Σ exp(z·τ⁻¹ − m) in per-lane double accumulators
 * reduced left to right, with {@link VectorTrlLoss#exp}, the loss's IEEE-exact polynomial (so a result does not
 * depend on the JIT tier). The sum differs from the scalar recurrence's in the last double bits, which the float32
 * log-prob and gradient do not show beyond one ulp (tested). A row whose maximum is not finite (NaN, +∞, or only
 * −∞) goes to the scalar recurrence, which already gives those rows their defined values.
 *
 * <p>Loaded only when {@link VectorSupport#enabled()}.
 */
final class VectorLogits {
    private VectorLogits() {}

    private static final VectorSpecies<Float> MAX_SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Double> SD = DoubleVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Float> SF = VectorSpecies.of(float.class, VectorShape.forBitSize(SD.length() * 32));
    private static final int LANES = SD.length();

    /** Row {@code z[base, base + vocab)}'s {@code log Σ exp(z·invT)}. */
    static double rowLse(float[] z, int base, int vocab, double invT) {
        float max = rowMax(z, base, vocab);
        double m = max * invT;
        if (!(Math.abs(m) <= Double.MAX_VALUE)) {
            return LogitsLogProbs.rowLse(z, base, vocab, invT);
        }
        DoubleVector t = DoubleVector.broadcast(SD, invT);
        DoubleVector negM = DoubleVector.broadcast(SD, -m);
        DoubleVector acc = DoubleVector.zero(SD);
        int v = 0;
        int bound = vocab - vocab % LANES;
        for (; v < bound; v += LANES) {
            DoubleVector x = (DoubleVector) FloatVector.fromArray(SF, z, base + v).convertShape(VectorOperators.F2D, SD, 0);
            acc = acc.add(VectorTrlLoss.exp(x.fma(t, negM)));
        }
        double s = 0;
        for (int lane = 0; lane < LANES; lane++) { // left to right; lane() allocates nothing, toArray() a row's array
            s += acc.lane(lane);
        }
        for (; v < vocab; v++) {
            s += Math.exp(z[base + v] * invT - m);
        }
        return LogitsLogProbs.lse(m, s);
    }

    /**
     * {@code grad[out + v] = −exp(z[in + v]·invT − lse) · g} for the row; the caller then writes the token's entry.
     * Same per-element math as {@link LogitsLogProbs#grad}, with the polynomial exp.
     */
    static void rowGrad(float[] z, int in, int vocab, double invT, double lse, double g, float[] grad, int out) {
        DoubleVector t = DoubleVector.broadcast(SD, invT);
        DoubleVector negL = DoubleVector.broadcast(SD, -lse);
        DoubleVector negG = DoubleVector.broadcast(SD, -g);
        int v = 0;
        int bound = vocab - vocab % LANES;
        for (; v < bound; v += LANES) {
            DoubleVector x = (DoubleVector) FloatVector.fromArray(SF, z, in + v).convertShape(VectorOperators.F2D, SD, 0);
            DoubleVector d = VectorTrlLoss.exp(x.fma(t, negL)).mul(negG);
            ((FloatVector) d.convertShape(VectorOperators.D2F, SF, 0)).intoArray(grad, out + v);
        }
        for (; v < vocab; v++) {
            grad[out + v] = LogitsLogProbs.grad(z[in + v] * invT, lse, g, false);
        }
    }

    private static float rowMax(float[] z, int base, int vocab) {
        int lanes = MAX_SPECIES.length();
        int v = 0;
        int bound = vocab - vocab % lanes;
        float max = Float.NEGATIVE_INFINITY;
        if (bound > 0) {
            FloatVector acc = FloatVector.broadcast(MAX_SPECIES, Float.NEGATIVE_INFINITY);
            for (; v < bound; v += lanes) {
                acc = acc.max(FloatVector.fromArray(MAX_SPECIES, z, base + v)); // NaN propagates, as Math.max
            }
            max = acc.reduceLanes(VectorOperators.MAX); // max is exact and order-free
        }
        for (; v < vocab; v++) {
            max = Math.max(max, z[base + v]);
        }
        return max;
    }
}
