package io.github.vrft.grpo;

import java.util.LinkedHashMap;
import java.util.Map;

import static io.github.vrft.grpo.LossMath.clip;
import static io.github.vrft.grpo.LossMath.inRange;
import static io.github.vrft.grpo.LossMath.maxWeightA;
import static io.github.vrft.grpo.LossMath.maxWeightB;
import static io.github.vrft.grpo.LossMath.minWeightA;
import static io.github.vrft.grpo.LossMath.minWeightB;

/**
 * verl's and OpenRLHF's actor losses (docs/grpo.md §4.3-§4.8, §5, §6), forward and backward in one pass over
 * the tokens after a row pass. The two share their formulas and differ in flags: verl multiplies the
 * advantage by the mask, adds 1e-8 to the masked-mean denominator, always dual-clips, and aggregates its KL
 * with the configured mode; OpenRLHF dual-clips only when asked, keeps the sequence gradient of GSPO, and
 * aggregates its clamped KL per token. Double arithmetic, double accumulation.
 */
final class VerlFamilyLoss {
    private VerlFamilyLoss() {}

    enum Flavor { VERL, OPENRLHF }

    enum Policy { VANILLA, GSPO, CISPO, SAPO, GPG }

    /** Everything the engine needs, from either options class. */
    record Config(Flavor flavor, Policy policy, VerlLossOptions.LossAggMode agg, double lo, double hi, Double clipC,
                  int klType, double klCoef, Double lossScaleFactor, double tauPos, double tauNeg, int dpSize,
                  Double batchNumTokens, Double globalBatchSize) {}

    static Config of(VerlLossOptions o) {
        return new Config(Flavor.VERL, Policy.valueOf(o.policyLoss.name()), o.lossAggMode, o.clipRatioLow,
                o.clipRatioHigh, o.clipRatioC, o.klLossType == null ? -1 : o.klLossType.code(), o.klLossCoef,
                o.lossScaleFactor, o.tauPos, o.tauNeg, o.dpSize, o.batchNumTokens, o.globalBatchSize);
    }

    static Config of(OpenRlhfLossOptions o) {
        boolean gspo = o.policyLossType == OpenRlhfLossOptions.PolicyLossType.GSPO;
        return new Config(Flavor.OPENRLHF, gspo ? Policy.GSPO : Policy.VANILLA,
                o.tokenLevelLoss ? VerlLossOptions.LossAggMode.TOKEN_MEAN : VerlLossOptions.LossAggMode.SEQ_MEAN_TOKEN_MEAN,
                o.epsClipLow, o.epsClipHigh, o.dualClip,
                o.useKlLoss ? o.klEstimator.code() : -1, o.klCoef, null, 1.0, 1.05,
                o.dpSize, o.batchNumTokens, o.globalBatchSize);
    }

    static LossResult compute(TokenBatch b, Config c) {
        final int rows = b.rows;
        final int cols = b.cols;
        final boolean verl = c.flavor == Flavor.VERL;
        if (c.klType >= 0 && b.refLogp == null) {
            throw new IllegalArgumentException("refLogp must not be null when a KL loss is on");
        }
        if (!verl && c.policy != Policy.VANILLA && c.policy != Policy.GSPO) {
            throw new IllegalArgumentException("policy_loss_type: OpenRLHF has ppo and gspo only");
        }
        int[] len = b.rowLengths();
        long tokens = TokenBatch.sum(len);
        int nonEmpty = 0;
        for (int l : len) {
            nonEmpty += l > 0 ? 1 : 0;
        }
        VerlLossOptions.LossAggMode pgAgg = (c.policy == Policy.GSPO || c.policy == Policy.SAPO)
                ? VerlLossOptions.LossAggMode.SEQ_MEAN_TOKEN_MEAN : c.agg; // forced for the policy term
        VerlLossOptions.LossAggMode klAgg = verl ? c.agg : VerlLossOptions.LossAggMode.TOKEN_MEAN;
        final boolean klOn = c.klType >= 0;
        final boolean openrlhfGspo = !verl && c.policy == Policy.GSPO;
        final boolean dual = c.clipC != null && c.policy == Policy.VANILLA;

        float[] grad = new float[rows * cols];
        float[] perToken = new float[rows * cols];
        float[] perKl = klOn ? new float[rows * cols] : null;
        final long tokensF = tokens;
        final int nonEmptyF = nonEmpty;
        double[] acc = RowChunks.run(rows, cols, () -> new double[6], (part, from, to) -> {
            double[] klGrad = new double[1]; // the KL estimator's d/dx, written by kl()
            double pgLoss = 0;
            double klLoss = 0;
            double lossAbs = 0;
            double clipfrac = 0;
            double ppoKl = 0;
            double lower = 0;
            for (int i = from; i < to; i++) {
                final double a = b.advantages[i];
                final int base = i * cols;
                final double wp = weight(c, pgAgg, len[i], tokensF, nonEmptyF, cols);
                final double wk = klOn ? weight(c, klAgg, len[i], tokensF, nonEmptyF, cols) : 0;
                double dseq = 0;
                if (c.policy == Policy.GSPO) {
                    for (int t = 0; t < cols; t++) {
                        if (b.mask[base + t]) {
                            dseq += b.logp[base + t] - b.oldAt(base + t);
                        }
                    }
                    dseq /= Math.max(len[i], 1);
                }
                final double sRow = Math.exp(dseq); // OpenRLHF gspo: s_i
                double dLds = 0;
                for (int t = 0; t < cols; t++) {
                    final int k = base + t;
                    if (!b.mask[k]) {
                        continue; // select: exactly 0 loss and gradient at masked positions
                    }
                    final double x = b.logp[k];
                    final double raw = x - b.oldAt(k);
                    final double wis = b.isWeight(i, t);
                    double ell;
                    double dell = 0;
                    double dc = 0;
                    double r = 0;
                    double in20 = 0;
                    if (c.policy == Policy.VANILLA || c.policy == Policy.CISPO || c.policy == Policy.SAPO) {
                        dc = clip(raw, -20.0, 20.0);
                        in20 = inRange(raw, -20.0, 20.0);
                        r = Math.exp(dc);
                    }
                    switch (c.policy) {
                        case VANILLA -> {
                            double pg1 = -a * r;
                            double cr = clip(r, 1.0 - c.lo, 1.0 + c.hi);
                            double pg2 = -a * cr;
                            double c1 = Math.max(pg1, pg2);
                            double dc1 = -a * r * (maxWeightA(pg1, pg2) + maxWeightB(pg1, pg2) * inRange(r, 1.0 - c.lo, 1.0 + c.hi)) * in20;
                            if (dual) {
                                double pg3 = -a * c.clipC;
                                boolean neg = a < 0;
                                ell = neg ? Math.min(pg3, c1) : c1;
                                dell = neg ? minWeightB(pg3, c1) * dc1 : dc1;
                                lower += (c1 > pg3 && neg) ? 1 : 0;
                            } else {
                                ell = c1;
                                dell = dc1;
                            }
                            clipfrac += pg2 > pg1 ? 1 : 0;
                            ppoKl += verl ? -dc : -raw;
                        }
                        case GSPO -> {
                            if (verl) {
                                double lsRaw = (x - x) + dseq; // log_prob - sg(log_prob) + sg(seq)
                                double s = Math.exp(Math.min(lsRaw, 10.0));
                                double pg1 = -a * s;
                                double pg2 = -a * clip(s, 1.0 - c.lo, 1.0 + c.hi);
                                ell = Math.max(pg1, pg2);
                                dell = -a * s * (maxWeightA(pg1, pg2) + maxWeightB(pg1, pg2) * inRange(s, 1.0 - c.lo, 1.0 + c.hi))
                                        * (lsRaw <= 10.0 ? 1.0 : 0.0);
                                clipfrac += pg2 > pg1 ? 1 : 0;
                            } else {
                                double s = sRow;
                                double surr1 = s * a;
                                double surr2 = clip(s, 1.0 - c.lo, 1.0 + c.hi) * a;
                                ell = -Math.min(surr1, surr2);
                                double dellDs = -a * (minWeightA(surr1, surr2) + minWeightB(surr1, surr2) * inRange(s, 1.0 - c.lo, 1.0 + c.hi));
                                dLds += wp * wis * dellDs;
                                clipfrac += surr2 < surr1 ? 1 : 0;
                            }
                            ppoKl += -raw;
                        }
                        case CISPO -> {
                            double cr = clip(r, 1.0 - c.lo, 1.0 + c.hi); // detached
                            ell = -cr * a * x;
                            dell = -cr * a;
                            clipfrac += r != cr ? 1 : 0;
                            ppoKl += -dc;
                        }
                        case SAPO -> {
                            double tau = a > 0 ? c.tauPos : c.tauNeg;
                            double sg = LossMath.sigmoid(tau * (r - 1.0));
                            ell = -(sg * (4.0 / tau)) * a;
                            dell = -a * 4.0 * sg * (1.0 - sg) * r * in20;
                            ppoKl += -dc;
                        }
                        default -> { // GPG
                            ell = -x * a;
                            dell = -a;
                        }
                    }
                    ell = ell * wis;
                    pgLoss += wp * ell;
                    perToken[k] = (float) ell;
                    double g = openrlhfGspo ? 0 : wp * dell * wis;
                    double contrib = wp * ell;
                    if (klOn) {
                        double ref = b.refLogp[k];
                        double kv = kl(x, ref, c.klType, klGrad);
                        klLoss += wk * kv;
                        contrib += c.klCoef * (wk * kv);
                        g += c.klCoef * wk * klGrad[0];
                        perKl[k] = (float) kv;
                    }
                    grad[k] = (float) g;
                    lossAbs += Math.abs(contrib);
                }
                if (openrlhfGspo) {
                    double coupled = dLds * sRow / Math.max(len[i], 1);
                    for (int t = 0; t < cols; t++) {
                        if (b.mask[base + t]) {
                            grad[base + t] = (float) (grad[base + t] + coupled);
                        }
                    }
                }
            }
            part[0] += pgLoss;
            part[1] += klLoss;
            part[2] += lossAbs;
            part[3] += clipfrac;
            part[4] += ppoKl;
            part[5] += lower;
        }, (x, y) -> {
            for (int j = 0; j < x.length; j++) {
                x[j] += y[j];
            }
            return x;
        });
        double pgLoss = acc[0];
        double klLoss = acc[1];
        double clipfrac = acc[3];
        double ppoKl = acc[4];
        double lower = acc[5];
        double lossAbs = acc[2];
        Map<String, Double> metrics = LossMetrics.verlFamily(verl, c.policy != Policy.GPG, c.policy == Policy.SAPO,
                c.policy == Policy.VANILLA, klOn, pgLoss, klLoss, clipfrac, ppoKl, lower, tokens);
        double total = klOn ? pgLoss + c.klCoef * klLoss : pgLoss;
        return new LossResult(total, lossAbs, grad, perToken, perKl, metrics);
    }


    /** The aggregation weight W of one masked-in token of a row of length {@code len} (docs/grpo.md §6). */
    private static double weight(Config c, VerlLossOptions.LossAggMode mode, int len, long tokens, int nonEmpty, int cols) {
        if (c.flavor == Flavor.OPENRLHF) {
            return switch (mode) {
                case TOKEN_MEAN -> 1.0 / (c.batchNumTokens == null ? (double) tokens : c.batchNumTokens / c.dpSize);
                case SEQ_MEAN_TOKEN_MEAN -> 1.0 / (len + 1e-8)
                        / (c.globalBatchSize == null ? (double) nonEmpty : c.globalBatchSize / c.dpSize);
                default -> throw new IllegalArgumentException("OpenRLHF aggregates token-mean or seq-mean-token-mean only");
            };
        }
        return switch (mode) {
            case TOKEN_MEAN -> 1.0 / (c.batchNumTokens == null ? (double) tokens : c.batchNumTokens) * c.dpSize;
            case SEQ_MEAN_TOKEN_SUM -> 1.0 / (c.globalBatchSize == null ? (double) nonEmpty : c.globalBatchSize) * c.dpSize;
            case SEQ_MEAN_TOKEN_MEAN -> 1.0 / (len + 1e-8)
                    / (c.globalBatchSize == null ? (double) nonEmpty : c.globalBatchSize) * c.dpSize;
            case SEQ_MEAN_TOKEN_SUM_NORM -> 1.0 / (c.lossScaleFactor == null ? (double) cols : c.lossScaleFactor);
        };
    }

    /** The KL estimator's value (returned) and d/dx (into {@code grad[0]}), docs/grpo.md §5: verl's, or OpenRLHF's clamped k1/k2/k3. */
    static double kl(double x, double ref, int type, double[] grad) {
        double d = x - ref;
        if (type >= 8) { // OpenRLHF
            double raw;
            double draw;
            switch (type) {
                case 8 -> {
                    raw = d;
                    draw = 1.0;
                }
                case 9 -> {
                    raw = d * d / 2.0;
                    draw = d;
                }
                default -> { // k3
                    raw = Math.exp(-d) - 1.0 + d;
                    draw = 1.0 - Math.exp(-d);
                }
            }
            grad[0] = draw * inRange(raw, -10.0, 10.0);
            return clip(raw, -10.0, 10.0);
        }
        boolean plus = (type & 4) != 0;
        int base = type & 3;
        double val;
        double dv;
        switch (base) {
            case 0 -> { // k1
                val = d;
                dv = 1.0;
            }
            case 1 -> { // abs
                val = Math.abs(d);
                dv = Math.signum(d);
            }
            case 2 -> { // mse
                val = 0.5 * d * d;
                dv = d;
            }
            default -> { // low_var_kl
                double kraw = ref - x;
                double kc = clip(kraw, -20.0, 20.0);
                double kld = Math.exp(kc) - kc - 1.0;
                val = clip(kld, -10.0, 10.0);
                dv = (1.0 - Math.exp(kc)) * inRange(kraw, -20.0, 20.0) * inRange(kld, -10.0, 10.0);
            }
        }
        if (plus && base != 2) {
            // straight-through, as verl's docs intend: value = ½d² − sg(½d²) + sg(base(d)), gradient d
            val = 0.5 * d * d - 0.5 * d * d + val;
            dv = d;
        }
        grad[0] = dv;
        return val;
    }
}
