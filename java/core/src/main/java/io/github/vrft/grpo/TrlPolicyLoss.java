package io.github.vrft.grpo;

import io.github.vrft.VectorSupport;

import java.util.LinkedHashMap;
import java.util.Map;

import static io.github.vrft.grpo.LossMath.clip;
import static io.github.vrft.grpo.LossMath.inRange;
import static io.github.vrft.grpo.LossMath.minWeightA;
import static io.github.vrft.grpo.LossMath.minWeightB;
import static io.github.vrft.grpo.LossMath.nanMax;
import static io.github.vrft.grpo.LossMath.nanMin;

/**
 * TRL's GRPO loss forward and backward in one pass over the tokens (docs/grpo.md §3-§8), after a row pass for
 * the row lengths, the sequence-level ratios and VESPO's φ. Double arithmetic, double accumulation.
 */
final class TrlPolicyLoss {
    private TrlPolicyLoss() {}

    static LossResult compute(TokenBatch b, TrlLossOptions o) {
        final int rows = b.rows;
        final int cols = b.cols;
        final TrlLossOptions.LossType type = o.lossType;
        final boolean seqLevel = o.importanceSamplingLevel == TrlLossOptions.ImportanceSamplingLevel.SEQUENCE;
        final boolean luspo = type == TrlLossOptions.LossType.LUSPO;
        final boolean klOn = o.beta != 0.0;
        if (klOn && b.refLogp == null) {
            throw new IllegalArgumentException("refLogp must not be null when beta != 0 (the k3 KL needs it)");
        }
        final double el = o.epsilon;
        final double eh = o.epsilonHigh;

        // Phase 0: row lengths and the normalisers.
        int[] len = b.rowLengths();
        long tokens = TokenBatch.sum(len);
        final double dapoDen = Math.max(o.numItemsInBatch != null ? o.numItemsInBatch : (double) tokens, 1.0) / o.numProcesses;

        // Phase 1: per-row quantities (sequence-level ratio and policy term, VESPO's phi).
        double[] rowR = seqLevel ? new double[rows] : null;
        double[] rowP = seqLevel ? new double[rows] : null;
        double[] rowD = seqLevel ? new double[rows] : null;
        double[] rowC1 = seqLevel ? new double[rows] : null;
        double[] phi = type == TrlLossOptions.LossType.VESPO ? new double[rows] : null;
        for (int i = 0; i < rows; i++) {
            double a = b.advantages[i];
            if (seqLevel) {
                double s = 0;
                for (int t = 0, k = i * cols; t < cols; t++, k++) {
                    if (b.mask[k]) {
                        s += b.logp[k] - b.oldAt(k);
                    }
                }
                double r = Math.exp(s / Math.max(len[i], 1));
                rowR[i] = r;
                Policy p = policy(type, r, a, 0.0, o, el, eh);
                rowP[i] = p.p;
                rowD[i] = p.d;
                rowC1[i] = p.c1;
            }
            if (phi != null) {
                phi[i] = vespoPhi(b, o, i, a);
            }
        }

        float[] grad = new float[rows * cols];
        float[] perToken = new float[rows * cols];
        float[] perKl = klOn ? new float[rows * cols] : null;
        boolean vespo = type == TrlLossOptions.LossType.VESPO;
        // cispo and vespo differentiate logp directly (detached coefficient); the others through the ratio.
        boolean direct = type == TrlLossOptions.LossType.CISPO || vespo;
        final long tokensF = tokens;
        final int[] lenF = len;
        final double dapoDenF = dapoDen;
        Partial acc = VectorSupport.enabled() && VectorTrlLoss.eligible(b, o)
                ? RowChunks.run(rows, cols, Partial::new, (part, from, to) ->
                        VectorTrlLoss.rows(b, o, lenF, tokensF, dapoDenF, grad, perToken, perKl, part, from, to), Partial::add)
                : RowChunks.run(rows, cols, Partial::new, (part, from, to) -> {
            double loss = 0;
            double lossAbs = 0;
            double klSum = 0;
            double lowSum = 0;
            double highSum = 0;
            double regionSum = 0;
            double cispoSum = 0;
            double lowMin = Double.NaN;
            double highMax = Double.NaN;
            for (int i = from; i < to; i++) {
                final double a = b.advantages[i];
                final double lc = Math.max(lenF[i], 1);
                final double w = weight(o, rows, cols, lenF[i], tokensF, dapoDen);
                double rowLow = 0;
                double rowHigh = 0;
                double dLdp = 0;   // sequence level: Σ_u W·w_IS over the row's support
                double klThrough = 0; // sequence level + bias-corrected KL: Σ_u W·k
                int base = i * cols;
                for (int t = 0; t < cols; t++) {
                    int k = base + t;
                    boolean m = b.mask[k];
                    if (!m && !luspo) {
                        continue; // select: masked positions contribute exactly 0 and get 0 gradient
                    }
                    double x = b.logp[k];
                    double wis = vespo ? 1.0 : b.isWeight(i, t);
                    double r;
                    double p;
                    double d;
                    double c1;
                    if (seqLevel) {
                        r = rowR[i];
                        p = rowP[i];
                        d = rowD[i];
                        c1 = rowC1[i];
                    } else {
                        r = Math.exp(x - b.oldAt(k));
                        Policy pol = vespo ? new Policy(-phi[i] * a * x, -phi[i] * a, Double.NaN)
                                : policy(type, r, a, x, o, el, eh);
                        p = pol.p;
                        d = pol.d;
                        c1 = pol.c1;
                    }
                    double ptl = p * wis;
                    double kl = 0;
                    double klUsed = 0;
                    double dkl = 0;
                    double ref = 0;
                    if (klOn) {
                        ref = b.refLogp[k];
                        double dref = ref - x;
                        double e = Math.exp(dref);
                        kl = e - dref - 1.0;
                        dkl = 1.0 - e;
                        klUsed = o.useBiasCorrectionKl ? kl * r : kl;
                        ptl = ptl + o.beta * klUsed;
                    }
                    loss += w * ptl;
                    lossAbs += Math.abs(w * ptl);
                    perToken[k] = (float) ptl;
                    double g = 0;
                    if (!seqLevel) {
                        g = w * (d * wis);
                    } else {
                        dLdp += w * wis;
                        if (direct) {
                            g = w * wis * d;
                        }
                    }
                    if (klOn) {
                        if (!o.useBiasCorrectionKl) {
                            g += o.beta * w * dkl;
                        } else if (!seqLevel) {
                            g += o.beta * w * r * (x - ref);
                        } else {
                            g += o.beta * w * r * dkl;
                            klThrough += w * kl;
                        }
                    }
                    grad[k] = (float) g;
                    if (m) {
                        if (klOn) {
                            perKl[k] = (float) klUsed;
                            klSum += klUsed;
                        }
                        if (!seqLevel) {
                            if (type.clippedFamily()) {
                                boolean low = c1 < 1.0 - el && a < 0;
                                boolean high = c1 > 1.0 + eh && a > 0;
                                rowLow += low ? 1 : 0;
                                rowHigh += high ? 1 : 0;
                                regionSum += (low || high) ? 1 : 0;
                            } else if (type == TrlLossOptions.LossType.CISPO) {
                                cispoSum += (r > eh && a > 0) ? 1 : 0;
                            }
                        }
                    }
                }
                if (seqLevel) {
                    // The row-coupled part: every token of the row moves the sequence ratio by m/L̂.
                    double coupled = direct ? 0 : dLdp * rowD[i] / lc;
                    double klCoupled = o.useBiasCorrectionKl && klOn ? o.beta * klThrough * rowR[i] / lc : 0;
                    for (int t = 0; t < cols; t++) {
                        int k = base + t;
                        if (b.mask[k]) {
                            grad[k] = (float) (grad[k] + coupled + klCoupled);
                        }
                    }
                }
                // metrics per row
                if (type.clippedFamily()) {
                    if (seqLevel) {
                        double c1 = rowC1[i];
                        boolean low = c1 < 1.0 - el && a < 0;
                        boolean high = c1 > 1.0 + eh && a > 0;
                        lowSum += low ? 1 : 0;
                        highSum += high ? 1 : 0;
                        regionSum += (low || high) ? 1 : 0;
                        lowMin = nanMin(lowMin, low ? 1 : 0);
                        highMax = nanMax(highMax, high ? 1 : 0);
                    } else {
                        lowSum += rowLow;
                        highSum += rowHigh;
                        if (lenF[i] > 0) { // empty rows give NaN and are skipped
                            lowMin = nanMin(lowMin, rowLow / lenF[i]);
                            highMax = nanMax(highMax, rowHigh / lenF[i]);
                        }
                    }
                } else if (type == TrlLossOptions.LossType.CISPO && seqLevel) {
                    cispoSum += (rowR[i] > eh && a > 0) ? 1 : 0;
                }
            }
            part.loss += loss;
            part.lossAbs += lossAbs;
            part.klSum += klSum;
            part.lowSum += lowSum;
            part.highSum += highSum;
            part.regionSum += regionSum;
            part.cispoSum += cispoSum;
            part.lowMin = nanMin(part.lowMin, lowMin);
            part.highMax = nanMax(part.highMax, highMax);
        }, Partial::add);
        double loss = acc.loss;
        double lossAbs = acc.lossAbs;
        double klSum = acc.klSum;
        double lowSum = acc.lowSum;
        double highSum = acc.highSum;
        double regionSum = acc.regionSum;
        double cispoSum = acc.cispoSum;
        double lowMin = acc.lowMin;
        double highMax = acc.highMax;
        // Metrics: TRL's global masked mean; over rows (÷B, empty rows counted) for sequence-level values.
        double tokDen = Math.max((double) tokens, 1.0);
        double seqDen = rows;
        Map<String, Double> metrics = LossMetrics.trl(klOn, klSum, tokens, type.clippedFamily(), seqLevel, rows, lowSum,
                highSum, regionSum, lowMin, highMax);
        if (type == TrlLossOptions.LossType.CISPO) {
            metrics.put("cispo_clip_ratio", cispoSum / (seqLevel ? seqDen : tokDen));
        }
        if (vespo) {
            double s = 0;
            for (double v : phi) {
                s += v;
            }
            metrics.put("vespo/phi_seq_mean", s / seqDen);
        }
        return new LossResult(loss, lossAbs, grad, perToken, perKl, metrics);
    }

    /** The aggregation weight W of a token of row length {@code len} (docs/grpo.md §6, TRL table). */
    static double weight(TrlLossOptions o, int rows, int cols, int len, long tokens, double dapoDen) {
        final double ga = o.gradientAccumulationSteps;
        return switch (o.lossType) {
            case GRPO, SAPO -> 1.0 / (rows * (double) Math.max(len, 1) * ga);
            case BNPO -> 1.0 / (Math.max((double) tokens, 1.0) * ga);
            case DR_GRPO -> 1.0 / ((double) rows * o.maxCompletionLength * ga);
            case DAPO, CISPO, VESPO -> 1.0 / dapoDen;
            case LUSPO -> len / ((double) rows * cols * ga);
        };
    }


    /** Sums of one chunk of rows; chunks are combined in order, so results do not depend on the thread count. */
    static final class Partial {
        double loss;
        double lossAbs;
        double klSum;
        double lowSum;
        double highSum;
        double regionSum;
        double cispoSum;
        double lowMin = Double.NaN;
        double highMax = Double.NaN;

        Partial add(Partial o) {
            loss += o.loss;
            lossAbs += o.lossAbs;
            klSum += o.klSum;
            lowSum += o.lowSum;
            highSum += o.highSum;
            regionSum += o.regionSum;
            cispoSum += o.cispoSum;
            lowMin = nanMin(lowMin, o.lowMin);
            highMax = nanMax(highMax, o.highMax);
            return this;
        }
    }


    /**
     * A policy term: its value, its derivative (dp/dlogw through the ratio, or dp/dx for cispo and vespo,
     * whose coefficient is detached), and the clipped family's c1 for the metrics.
     */
    private record Policy(double p, double d, double c1) {}

    /** §4.1, §4.5 (TRL), §4.6 for ratio {@code r} and advantage {@code a}; {@code x} is the token's logp (cispo). */
    private static Policy policy(TrlLossOptions.LossType type, double r, double a, double x, TrlLossOptions o,
                                 double el, double eh) {
        switch (type) {
            case CISPO -> {
                double cr = Math.min(r, eh); // detached coefficient
                return new Policy(-cr * a * x, -cr * a, Double.NaN);
            }
            case SAPO -> {
                double tau = a > 0 ? o.sapoTemperaturePos : o.sapoTemperatureNeg;
                double s = LossMath.sigmoid(tau * (r - 1.0));
                return new Policy(-(s * 4.0 / tau) * a, -a * 4.0 * s * (1.0 - s) * r, Double.NaN);
            }
            case VESPO -> throw new IllegalStateException("vespo is token level and handled by the caller");
            default -> {
                double c2 = clip(r, 1.0 - el, 1.0 + eh);
                double c1 = o.delta == null ? r : Math.min(r, o.delta);
                double ua = c1 * a;
                double ub = c2 * a;
                double p = -Math.min(ua, ub);
                double indA = o.delta == null ? 1.0 : (r <= o.delta ? 1.0 : 0.0);
                double indB = inRange(r, 1.0 - el, 1.0 + eh);
                double pdlogw = -a * r * (minWeightA(ua, ub) * indA + minWeightB(ua, ub) * indB);
                return new Policy(p, pdlogw, c1);
            }
        }
    }

    /** VESPO's φ_i (§4.7), computed from detached values. NaN and ±inf become 0. */
    private static double vespoPhi(TokenBatch b, TrlLossOptions o, int i, double a) {
        final double lo = Math.log(1e-8);
        double seq = 0;
        int cols = b.cols;
        for (int t = 0, k = i * cols; t < cols; t++, k++) {
            if (b.mask[k]) {
                seq += clip(b.logp[k] - b.oldAt(k), -20.0, 20.0);
            }
        }
        if (b.isWeights != null) {
            for (int t = 0; t < cols; t++) { // over every position, as upstream's .sum(1)
                seq += clip(Math.log(b.isWeight(i, t)), lo, 20.0);
            }
        }
        double logw = clip(seq, lo, 20.0);
        double wseq = Math.exp(logw);
        double kk = a >= 0 ? o.vespoKPos : o.vespoKNeg;
        double lam = Math.max(a >= 0 ? o.vespoLambdaPos : o.vespoLambdaNeg, 1e-4);
        double phi = Math.exp(lam + kk * logw - lam * wseq);
        return Double.isFinite(phi) ? phi : 0.0;
    }
}
