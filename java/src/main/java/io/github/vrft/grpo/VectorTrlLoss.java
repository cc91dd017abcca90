package io.github.vrft.grpo;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The common TRL case with the Vector API: token level, clipped family (grpo, bnpo, dr_grpo, dapo), no
 * delta, no IS weights, k3 KL without bias correction. The per-token formulas are those of
 * {@link TrlPolicyLoss}, lane by lane in double (exp from the JDK's vector math library, within an ulp or
 * so of {@code Math.exp}), with masked positions set by blend, never by multiplication. Row sums are reduced
 * lane-wise, so they may differ from the scalar path in the last bits; each path is deterministic.
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
        final double ga = o.gradientAccumulationSteps;
        final double lo = 1.0 - o.epsilon;
        final double hi = 1.0 + o.epsilonHigh;
        final boolean klOn = o.beta != 0.0;
        final double beta = o.beta;
        final DoubleVector zero = DoubleVector.zero(SD);
        final DoubleVector one = DoubleVector.broadcast(SD, 1.0);
        final DoubleVector half = DoubleVector.broadcast(SD, 0.5);
        final boolean[] tail = new boolean[LANES];
        double loss = 0;
        double lossAbs = 0;
        double klSum = 0;
        double lowSum = 0;
        double highSum = 0;
        double regionSum = 0;
        double lowMin = Double.NaN;
        double highMax = Double.NaN;
        for (int i = from; i < to; i++) {
            final double a = b.advantages[i];
            final double lc = Math.max(len[i], 1);
            final double w = switch (o.lossType) {
                case GRPO -> 1.0 / (rows * lc * ga);
                case BNPO -> 1.0 / (Math.max((double) tokens, 1.0) * ga);
                case DR_GRPO -> 1.0 / ((double) rows * o.maxCompletionLength * ga);
                default -> 1.0 / dapoDen;
            };
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
                DoubleVector r = b.oldLogp == null ? x.sub(x).lanewise(VectorOperators.EXP)
                        : x.sub(load(b.oldLogp, k, inF)).lanewise(VectorOperators.EXP);
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
                    DoubleVector e = dref.lanewise(VectorOperators.EXP);
                    DoubleVector kl = e.sub(dref).sub(1.0);
                    DoubleVector ptl = p.add(kl.mul(beta));
                    DoubleVector contrib = ptl.mul(w);
                    loss += contrib.reduceLanes(VectorOperators.ADD, active);
                    lossAbs += contrib.abs().reduceLanes(VectorOperators.ADD, active);
                    klSum += kl.reduceLanes(VectorOperators.ADD, active);
                    store(zero.blend(kl, active), perKl, k, inF);
                    store(zero.blend(ptl, active), perToken, k, inF);
                    store(zero.blend(gp.add(one.sub(e).mul(bw)), active), grad, k, inF);
                } else {
                    DoubleVector contrib = p.mul(w);
                    loss += contrib.reduceLanes(VectorOperators.ADD, active);
                    lossAbs += contrib.abs().reduceLanes(VectorOperators.ADD, active);
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
                lowMin = Double.isNaN(lowMin) ? (double) rowLow / len[i] : Math.min(lowMin, (double) rowLow / len[i]);
                highMax = Double.isNaN(highMax) ? (double) rowHigh / len[i] : Math.max(highMax, (double) rowHigh / len[i]);
            }
        }
        part.loss += loss;
        part.lossAbs += lossAbs;
        part.klSum += klSum;
        part.lowSum += lowSum;
        part.highSum += highSum;
        part.regionSum += regionSum;
        part.lowMin = lowMin;
        part.highMax = highMax;
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
