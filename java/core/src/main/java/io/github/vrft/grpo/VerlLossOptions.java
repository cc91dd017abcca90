package io.github.vrft.grpo;

import io.github.vrft.Checks;

import java.util.Locale;

/**
 * verl's actor loss ({@code core_algos} policy loss + {@code agg_loss} + {@code kl_penalty}, docs/grpo.md §3-§6):
 * {@code vanilla} PPO with dual clip, {@code gspo}, {@code cispo}, {@code sapo}, {@code gpg}; the four
 * {@code loss_agg_mode}s; KL estimators {@code k1}/{@code abs}/{@code mse}/{@code low_var_kl} and their
 * straight-through {@code +} variants; the ±20 log-ratio clamp. Immutable; names and defaults are verl's
 * ({@code actor.yaml}).
 */
public final class VerlLossOptions implements LossOptions {
    /** verl {@code policy_loss.loss_mode}. */
    public enum PolicyLoss {
        VANILLA, GSPO, CISPO, SAPO, GPG;

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static PolicyLoss parse(String s) {
            for (PolicyLoss p : values()) {
                if (p.id().equals(s)) {
                    return p;
                }
            }
            throw new IllegalArgumentException("policy_loss: unknown value '" + s + "'; expected vanilla, gspo, cispo, sapo or gpg");
        }
    }

    /** verl {@code loss_agg_mode}. */
    public enum LossAggMode {
        TOKEN_MEAN("token-mean", 0),
        SEQ_MEAN_TOKEN_SUM("seq-mean-token-sum", 1),
        SEQ_MEAN_TOKEN_MEAN("seq-mean-token-mean", 2),
        SEQ_MEAN_TOKEN_SUM_NORM("seq-mean-token-sum-norm", 3);

        private final String id;
        private final int abiCode;

        LossAggMode(String id, int abiCode) {
            this.id = id;
            this.abiCode = abiCode;
        }

        /** The kernels' code ({@code VRFT_AGG_*} of cuda/include/vrft_abi.h). */
        int abiCode() {
            return abiCode;
        }

        public String id() {
            return id;
        }

        public static LossAggMode parse(String s) {
            for (LossAggMode m : values()) {
                if (m.id.equals(s)) {
                    return m;
                }
            }
            throw new IllegalArgumentException("loss_agg_mode: unknown value '" + s
                    + "'; expected token-mean, seq-mean-token-sum, seq-mean-token-mean or seq-mean-token-sum-norm");
        }
    }

    /** verl {@code kl_loss_type}; the {@code +} variants keep the base value and use the k2 gradient x − x_ref. */
    public enum KlLossType {
        K1("k1", 0), ABS("abs", 1), MSE("mse", 2), LOW_VAR_KL("low_var_kl", 3),
        K1_PLUS("k1+", 4), ABS_PLUS("abs+", 5), MSE_PLUS("mse+", 6), LOW_VAR_KL_PLUS("low_var_kl+", 7);

        private final String id;
        private final int code;

        KlLossType(String id, int code) {
            this.id = id;
            this.code = code;
        }

        public String id() {
            return id;
        }

        /** The estimator's code ({@code VRFT_KL_*} of cuda/include/vrft_abi.h, read by {@code vrft_kl}). */
        int code() {
            return code;
        }

        /** Accepts verl's aliases: {@code kl} = k1, {@code k2} = mse, {@code k3} = low_var_kl, each with {@code +}. */
        public static KlLossType parse(String s) {
            if (s != null) {
                boolean plus = s.endsWith("+");
                String base = plus ? s.substring(0, s.length() - 1) : s;
                base = switch (base) {
                    case "kl" -> "k1";
                    case "k2" -> "mse";
                    case "k3" -> "low_var_kl";
                    default -> base;
                };
                for (KlLossType k : values()) {
                    if (k.id.equals(base + (plus ? "+" : ""))) {
                        return k;
                    }
                }
            }
            throw new IllegalArgumentException("kl_loss_type: unknown value '" + s
                    + "'; expected k1 (kl), abs, mse (k2), low_var_kl (k3), or one of these with '+'");
        }
    }

    final PolicyLoss policyLoss;
    final LossAggMode lossAggMode;
    final double clipRatioLow;
    final double clipRatioHigh;
    final double clipRatioC;
    final KlLossType klLossType;
    final double klLossCoef;
    final Double lossScaleFactor;
    final double tauPos;
    final double tauNeg;
    final int dpSize;
    final Double batchNumTokens;
    final Double globalBatchSize;

    private VerlLossOptions(Builder b) {
        policyLoss = b.policyLoss;
        lossAggMode = b.lossAggMode;
        clipRatioLow = b.clipRatioLow;
        clipRatioHigh = b.clipRatioHigh;
        clipRatioC = b.clipRatioC;
        klLossType = b.useKlLoss ? b.klLossType : null;
        klLossCoef = b.klLossCoef;
        lossScaleFactor = b.lossScaleFactor;
        tauPos = b.tauPos;
        tauNeg = b.tauNeg;
        dpSize = b.dpSize;
        batchNumTokens = b.batchNumTokens;
        globalBatchSize = b.globalBatchSize;
    }

    /** verl's defaults: vanilla, token-mean, clip_ratio 0.2, clip_ratio_c 3.0, no KL loss. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String impl() {
        return "verl";
    }

    /** Builder; every setter names the verl option it sets. */
    public static final class Builder {
        private PolicyLoss policyLoss = PolicyLoss.VANILLA;
        private LossAggMode lossAggMode = LossAggMode.TOKEN_MEAN;
        private double clipRatioLow = 0.2;
        private double clipRatioHigh = 0.2;
        private double clipRatioC = 3.0;
        private boolean useKlLoss;
        private KlLossType klLossType = KlLossType.LOW_VAR_KL;
        private double klLossCoef = 0.001;
        private Double lossScaleFactor;
        private double tauPos = 1.0;
        private double tauNeg = 1.05;
        private int dpSize = 1;
        private Double batchNumTokens;
        private Double globalBatchSize;

        /** {@code policy_loss.loss_mode} (default vanilla). */
        public Builder policyLoss(PolicyLoss v) {
            this.policyLoss = Checks.notNull(v, "policyLoss");
            return this;
        }

        /** {@code loss_agg_mode} (default token-mean); gspo and sapo force seq-mean-token-mean for the policy term. */
        public Builder lossAggMode(LossAggMode v) {
            this.lossAggMode = Checks.notNull(v, "lossAggMode");
            return this;
        }

        /** {@code clip_ratio_low} (default 0.2). */
        public Builder clipRatioLow(double v) {
            this.clipRatioLow = v;
            return this;
        }

        /** {@code clip_ratio_high} (default 0.2). */
        public Builder clipRatioHigh(double v) {
            this.clipRatioHigh = v;
            return this;
        }

        /** {@code clip_ratio_c}: the dual-clip constant for negative advantages (default 3.0, must be > 1). */
        public Builder clipRatioC(double v) {
            this.clipRatioC = v;
            return this;
        }

        /** {@code use_kl_loss} (default false). */
        public Builder useKlLoss(boolean v) {
            this.useKlLoss = v;
            return this;
        }

        /** {@code kl_loss_type} (default low_var_kl). */
        public Builder klLossType(KlLossType v) {
            this.klLossType = Checks.notNull(v, "klLossType");
            return this;
        }

        /** {@code kl_loss_coef} (default 0.001). */
        public Builder klLossCoef(double v) {
            this.klLossCoef = v;
            return this;
        }

        /** {@code loss_scale_factor} for seq-mean-token-sum-norm (default null: the padded width T). */
        public Builder lossScaleFactor(Double v) {
            this.lossScaleFactor = v;
            return this;
        }

        /** SAPO {@code tau_pos} (default 1.0). */
        public Builder tauPos(double v) {
            this.tauPos = v;
            return this;
        }

        /** SAPO {@code tau_neg} (default 1.05). */
        public Builder tauNeg(double v) {
            this.tauNeg = v;
            return this;
        }

        /** Data-parallel size {@code dp_size} (default 1). */
        public Builder dpSize(int v) {
            this.dpSize = v;
            return this;
        }

        /** Global {@code batch_num_tokens} for token-mean (default null: local Σ mask). */
        public Builder batchNumTokens(Double v) {
            this.batchNumTokens = v;
            return this;
        }

        /** Global {@code global_batch_size} for the seq-mean modes (default null: local non-empty rows). */
        public Builder globalBatchSize(Double v) {
            this.globalBatchSize = v;
            return this;
        }

        /** @throws IllegalArgumentException naming the option that is out of range */
        public VerlLossOptions build() {
            if (!(clipRatioLow >= 0) || Double.isInfinite(clipRatioLow)) {
                throw new IllegalArgumentException("clip_ratio_low must be a finite number >= 0, got " + clipRatioLow);
            }
            if (!(clipRatioHigh >= 0) || Double.isInfinite(clipRatioHigh)) {
                throw new IllegalArgumentException("clip_ratio_high must be a finite number >= 0, got " + clipRatioHigh);
            }
            if (!(clipRatioC > 1)) {
                throw new IllegalArgumentException("clip_ratio_c must be > 1, got " + clipRatioC);
            }
            TrlLossOptions.requireFinite(klLossCoef, "kl_loss_coef");
            if (dpSize < 1) {
                throw new IllegalArgumentException("dp_size must be >= 1, got " + dpSize);
            }
            TrlLossOptions.requirePositiveOrNull(lossScaleFactor, "loss_scale_factor");
            if (!(tauPos > 0) || !(tauNeg > 0) || Double.isInfinite(tauPos) || Double.isInfinite(tauNeg)) {
                throw new IllegalArgumentException("tau_pos/tau_neg must be finite numbers > 0, got " + tauPos + ", " + tauNeg);
            }
            TrlLossOptions.requirePositiveOrNull(batchNumTokens, "batch_num_tokens");
            TrlLossOptions.requirePositiveOrNull(globalBatchSize, "global_batch_size");
            return new VerlLossOptions(this);
        }
    }
}
