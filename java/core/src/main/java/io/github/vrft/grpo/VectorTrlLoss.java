package io.github.vrft.grpo;

import io.github.vrft.VectorSupport;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The common TRL case with the Vector API: token level, clipped family (grpo, bnpo, dr_grpo, dapo), no
 * delta, no IS weights, k3 KL without bias correction. The per-token formulas are those of
 * {@link TrlPolicyLoss}, lane by lane in double, with masked positions set by blend, never by
 * multiplication. Everything is built from IEEE-exact lane operations (add, mul, fma, compare, blend), so
 * a result is the same bit for bit in every JIT tier and for every thread count: {@link #exp} is a
 * polynomial of our own (within about an ulp of {@code Math.exp}) rather than {@code VectorOperators.EXP},
 * whose interpreter fallback and compiled intrinsic differ, and sums go into per-lane accumulators reduced
 * in a fixed order rather than through {@code reduceLanes}, whose order is unspecified. The sums differ
 * from the scalar path's in the last bits (another order); per-token values agree within a float ulp.
 *
 * <p>Loaded only when {@link VectorSupport#enabled()}.
 */
final class VectorTrlLoss {
    private VectorTrlLoss() {}

    private static final VectorSpecies<Double> SD = DoubleVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Float> SF = VectorSpecies.of(float.class, VectorShape.forBitSize(SD.length() * 32));
    private static final int LANES = SD.length();

    static boolean eligible(TokenBatch b, TrlLossOptions o) {
        return o.importanceSamplingLevel == TrlLossOptions.ImportanceSamplingLevel.TOKEN
                && o.lossType.clippedFamily() && o.lossType != TrlLossOptions.LossType.LUSPO
                && o.delta == null && b.isWeights == null && !(o.beta != 0.0 && o.useBiasCorrectionKl);
    }

    /** Fills {@code part} for rows {@code [from, to)}, as the scalar loop does. */
    static void rows(TokenBatch b, TrlLossOptions o, int[] len, long tokens, double dapoDen, float[] grad,
                     float[] perToken, float[] perKl, TrlPolicyLoss.Partial part, int from, int to) {
        final int cols = b.cols;
        final int rows = b.rows;
        final double lo = 1.0 - o.epsilon;
        final double hi = 1.0 + o.epsilonHigh;
        final boolean klOn = o.beta != 0.0;
        final double beta = o.beta;
        final DoubleVector zero = DoubleVector.zero(SD);
        final DoubleVector one = DoubleVector.broadcast(SD, 1.0);
        final DoubleVector half = DoubleVector.broadcast(SD, 0.5);
        final boolean[] tail = new boolean[LANES];
        DoubleVector accLoss = zero;
        DoubleVector accAbs = zero;
        DoubleVector accKl = zero;
        double lowSum = 0;
        double highSum = 0;
        double regionSum = 0;
        double lowMin = Double.NaN;
        double highMax = Double.NaN;
        for (int i = from; i < to; i++) {
            final double a = b.advantages[i];
            final double w = TrlPolicyLoss.weight(o, rows, cols, len[i], tokens, dapoDen);
            final double bw = beta * w;
            int rowLow = 0;
            int rowHigh = 0;
            final int base = i * cols;
            for (int t = 0; t < cols; t += LANES) {
                final int k = base + t;
                VectorMask<Float> inF;
                VectorMask<Double> active;
                if (t + LANES <= cols) {
                    inF = SF.maskAll(true);
                    active = VectorMask.fromArray(SD, b.mask, k);
                } else {
                    inF = SF.indexInRange(t, cols);
                    for (int j = 0; j < LANES; j++) {
                        tail[j] = t + j < cols && b.mask[k + j];
                    }
                    active = VectorMask.fromArray(SD, tail, 0);
                }
                if (!active.anyTrue()) {
                    continue; // outputs stay 0 (freshly allocated arrays)
                }
                DoubleVector x = load(b.logp, k, inF);
                DoubleVector r = exp(b.oldLogp == null ? x.sub(x) : x.sub(load(b.oldLogp, k, inF)));
                DoubleVector c2 = r.max(lo).min(hi);
                DoubleVector ua = r.mul(a);
                DoubleVector ub = c2.mul(a);
                DoubleVector p = ua.min(ub).neg();
                VectorMask<Double> tie = ua.eq(ub);
                DoubleVector wa = one.blend(half, tie).blend(zero, ua.compare(VectorOperators.GT, ub));
                DoubleVector wb = one.blend(half, tie).blend(zero, ua.compare(VectorOperators.LT, ub));
                DoubleVector indB = zero.blend(one, r.compare(VectorOperators.GE, lo).and(r.compare(VectorOperators.LE, hi)));
                DoubleVector gp = r.mul(-a).mul(wa.add(wb.mul(indB))).mul(w);
                // Each branch finishes its own vectors: no vector value meets another at a merge point, which
                // lets C2 keep them in registers.
                if (klOn) {
                    DoubleVector dref = load(b.refLogp, k, inF).sub(x);
                    DoubleVector e = exp(dref);
                    DoubleVector kl = e.sub(dref).sub(1.0);
                    DoubleVector ptl = p.add(kl.mul(beta));
                    DoubleVector contrib = ptl.mul(w);
                    accLoss = accLoss.add(contrib, active);
                    accAbs = accAbs.add(contrib.abs(), active);
                    accKl = accKl.add(kl, active);
                    store(zero.blend(kl, active), perKl, k, inF);
                    store(zero.blend(ptl, active), perToken, k, inF);
                    store(zero.blend(gp.add(one.sub(e).mul(bw)), active), grad, k, inF);
                } else {
                    DoubleVector contrib = p.mul(w);
                    accLoss = accLoss.add(contrib, active);
                    accAbs = accAbs.add(contrib.abs(), active);
                    store(zero.blend(p, active), perToken, k, inF);
                    store(zero.blend(gp, active), grad, k, inF);
                }
                if (a < 0) {
                    rowLow += r.compare(VectorOperators.LT, lo).and(active).trueCount();
                } else if (a > 0) {
                    rowHigh += r.compare(VectorOperators.GT, hi).and(active).trueCount();
                }
            }
            lowSum += rowLow;
            highSum += rowHigh;
            regionSum += rowLow + rowHigh;
            if (len[i] > 0) {
                lowMin = LossMath.nanMin(lowMin, (double) rowLow / len[i]);
                highMax = LossMath.nanMax(highMax, (double) rowHigh / len[i]);
            }
        }
        part.loss += sumLanes(accLoss);
        part.lossAbs += sumLanes(accAbs);
        part.klSum += sumLanes(accKl);
        part.lowSum += lowSum;
        part.highSum += highSum;
        part.regionSum += regionSum;
        part.lowMin = lowMin;
        part.highMax = highMax;
    }

    /** The lanes of {@code v} summed left to right: a fixed order, unlike {@code reduceLanes}. */
    private static double sumLanes(DoubleVector v) {
        double s = 0;
        for (double d : v.toArray()) {
            s += d;
        }
        return s;
    }

    private static final double LOG2E = 1.4426950408889634;
    private static final double ROUND = 6755399441055744.0; // 1.5·2^52: adding and subtracting rounds to an integer
    private static final long ROUND_BITS = Double.doubleToRawLongBits(ROUND);
    /** 1/n!, the Taylor coefficients of e^r; degree 12 reaches about 1e-17 for |r| <= ln2/2. */
    private static final DoubleVector C12 = DoubleVector.broadcast(SD, 2.08767569878680989792e-09);
    private static final DoubleVector C11 = DoubleVector.broadcast(SD, 2.50521083854417187751e-08);
    private static final DoubleVector C10 = DoubleVector.broadcast(SD, 2.75573192239858906526e-07);
    private static final DoubleVector C9 = DoubleVector.broadcast(SD, 2.75573192239858906526e-06);
    private static final DoubleVector C8 = DoubleVector.broadcast(SD, 2.48015873015873015873e-05);
    private static final DoubleVector C7 = DoubleVector.broadcast(SD, 1.98412698412698412698e-04);
    private static final DoubleVector C6 = DoubleVector.broadcast(SD, 1.38888888888888888889e-03);
    private static final DoubleVector C5 = DoubleVector.broadcast(SD, 8.33333333333333333333e-03);
    private static final DoubleVector C4 = DoubleVector.broadcast(SD, 4.16666666666666666667e-02);
    private static final DoubleVector C3 = DoubleVector.broadcast(SD, 1.66666666666666666667e-01);
    private static final DoubleVector C2 = DoubleVector.broadcast(SD, 0.5);
    private static final DoubleVector C1 = DoubleVector.broadcast(SD, 1.0);
    private static final DoubleVector C0 = DoubleVector.broadcast(SD, 1.0);
    private static final DoubleVector NEG_LN2_HI = DoubleVector.broadcast(SD, -6.93147180369123816490e-01);
    private static final DoubleVector NEG_LN2_LO = DoubleVector.broadcast(SD, -1.90821492927058770002e-10);

    /**
     * e^x per lane from IEEE-exact operations only: x = k·ln2 + r (Cody-Waite, |r| <= ln2/2), e^r by Horner
     * with fma, 2^k from exponent bits in two halves (so subnormal results and overflow to +inf come out
     * right). NaN stays NaN, +inf gives +inf, -inf gives 0.
     */
    static DoubleVector exp(DoubleVector x) {
        DoubleVector xc = x.max(-746.0).min(710.0); // NaN propagates through max/min
        DoubleVector shifted = xc.mul(LOG2E).add(ROUND); // k sits in the low mantissa bits
        DoubleVector kf = shifted.sub(ROUND);
        DoubleVector r = kf.fma(NEG_LN2_HI, xc).add(kf.mul(NEG_LN2_LO));
        // Horner, unrolled so the method stays small enough for C2 to inline (vectors then stay in registers)
        DoubleVector p = C12.fma(r, C11).fma(r, C10).fma(r, C9).fma(r, C8).fma(r, C7).fma(r, C6).fma(r, C5)
                .fma(r, C4).fma(r, C3).fma(r, C2).fma(r, C1).fma(r, C0);
        LongVector k = shifted.reinterpretAsLongs().sub(ROUND_BITS); // k without a float-to-int conversion
        LongVector k1 = k.lanewise(VectorOperators.ASHR, 1);
        LongVector k2 = k.sub(k1);
        DoubleVector s1 = k1.add(1023).lanewise(VectorOperators.LSHL, 52).reinterpretAsDoubles();
        DoubleVector s2 = k2.add(1023).lanewise(VectorOperators.LSHL, 52).reinterpretAsDoubles();
        return p.mul(s1).mul(s2);
    }

    private static DoubleVector load(float[] a, int k, VectorMask<Float> in) {
        FloatVector f = in.allTrue() ? FloatVector.fromArray(SF, a, k) : FloatVector.fromArray(SF, a, k, in);
        return (DoubleVector) f.convertShape(VectorOperators.F2D, SD, 0);
    }

    private static void store(DoubleVector v, float[] a, int k, VectorMask<Float> in) {
        FloatVector f = (FloatVector) v.convertShape(VectorOperators.D2F, SF, 0);
        if (in.allTrue()) {
            f.intoArray(a, k);
        } else {
            f.intoArray(a, k, in);
        }
    }
}
