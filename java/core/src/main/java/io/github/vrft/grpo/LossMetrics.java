package io.github.vrft.grpo;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The trainers' logged loss metrics, under their names, from named sums: the one assembly that the CPU
 * paths ({@link TrlPolicyLoss}, {@link VerlFamilyLoss}) and the device path ({@link DeviceLossConfig#result},
 * from the kernels' {@link LossPartial}s) share.
 */
final class LossMetrics {
    private LossMetrics() {}

    /**
     * TRL's metrics: {@code kl} (when the KL term is on) over the masked tokens; the clip ratios (clipped
     * family) over the tokens, or over the rows (empty rows counted) at sequence level.
     */
    static Map<String, Double> trl(boolean klOn, double klSum, double tokens, boolean clippedFamily, boolean seqLevel,
                                   int rows, double low, double high, double region, double lowMin, double highMax) {
        double tokDen = Math.max(tokens, 1.0);
        Map<String, Double> m = new LinkedHashMap<>();
        if (klOn) {
            m.put("kl", klSum / tokDen);
        }
        if (clippedFamily) {
            double den = seqLevel ? rows : tokDen;
            m.put("clip_ratio/low_mean", low / den);
            m.put("clip_ratio/high_mean", high / den);
            m.put("clip_ratio/region_mean", region / den);
            m.put("clip_ratio/low_min", lowMin);
            m.put("clip_ratio/high_max", highMax);
        }
        return m;
    }

    /**
     * verl's ({@code actor/...}) or OpenRLHF's metrics: clip fraction, ppo_kl and the dual-clip fraction over
     * the masked tokens (verl adds 1e-8 to the count), the KL loss when on, and the policy loss.
     *
     * @param clipMetrics whether the policy logs clip metrics (verl's GPG does not)
     * @param clipfracZero whether the clip fraction is logged as 0 (verl's SAPO)
     * @param lowerOn whether the dual-clip fraction is logged (verl's vanilla policy; 0 otherwise)
     */
    static Map<String, Double> verlFamily(boolean verl, boolean clipMetrics, boolean clipfracZero, boolean lowerOn,
                                          boolean klOn, double pgLoss, double klLoss, double clipfrac, double ppoKl,
                                          double lower, double tokens) {
        double mmDen = tokens + (verl ? 1e-8 : 0.0);
        Map<String, Double> m = new LinkedHashMap<>();
        if (verl) {
            if (clipMetrics) {
                m.put("actor/pg_clipfrac", clipfracZero ? 0.0 : clipfrac / mmDen);
                m.put("actor/ppo_kl", ppoKl / mmDen);
                m.put("actor/pg_clipfrac_lower", lowerOn ? lower / mmDen : 0.0);
            }
            if (klOn) {
                m.put("actor/kl_loss", klLoss);
            }
            m.put("actor/pg_loss", pgLoss);
        } else {
            m.put("ppo_clip_ratio", clipfrac / mmDen);
            m.put("ppo_kl", ppoKl / mmDen);
            if (klOn) {
                m.put("kl", klLoss);
            }
            m.put("policy_loss", pgLoss);
        }
        return m;
    }
}
