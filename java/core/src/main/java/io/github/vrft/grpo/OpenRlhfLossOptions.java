package io.github.vrft.grpo;

import io.github.vrft.Checks;

import java.util.Locale;

/**
 * OpenRLHF's actor loss ({@code PolicyLoss} + {@code aggregate_loss} + {@code compute_approx_kl}, docs/grpo.md
 * §3-§6): {@code ppo} (token level, ±20 log-ratio clamp, optional dual clip) or {@code gspo} (sample level,
 * true sequence gradient); the KL estimators k1/k2/k3, clamped to [−10, 10], always token-level. Immutable;
 * names and defaults are OpenRLHF's command-line options.
 */
public final class OpenRlhfLossOptions implements LossOptions {
    /** OpenRLHF {@code policy_loss_type}. */
    public enum PolicyLossType {
        PPO, GSPO;

        public static PolicyLossType parse(String s) {
            return switch (s == null ? "" : s.toLowerCase(Locale.ROOT)) {
                case "ppo", "vanilla" -> PPO;
                case "gspo" -> GSPO;
                default -> throw new IllegalArgumentException("policy_loss_type: unknown value '" + s + "'; expected ppo or gspo");
            };
        }
    }

    /** OpenRLHF {@code kl.estimator}. */
    public enum KlEstimator {
        K1, K2, K3;

        /** The estimator's code ({@code VRFT_KL_OPENRLHF_*} of cuda/include/vrft_abi.h, read by {@code vrft_kl}). */
        int code() {
            return switch (this) {
                case K1 -> 8;
                case K2 -> 9;
                case K3 -> 10;
            };
        }

        public static KlEstimator parse(String s) {
            return switch (s == null ? "" : s.toLowerCase(Locale.ROOT)) {
                case "k1" -> K1;
                case "k2" -> K2;
                case "k3" -> K3;
                default -> throw new IllegalArgumentException("kl.estimator: unknown value '" + s + "'; expected k1, k2 or k3");
            };
        }
    }

    final PolicyLossType policyLossType;
    final double epsClipLow;
    final double epsClipHigh;
    final Double dualClip;
    final KlEstimator klEstimator;
    final double klCoef;
    final boolean useKlLoss;
    final int dpSize;
    final Double batchNumTokens;
    final Double globalBatchSize;
    final boolean tokenLevelLoss;

    private OpenRlhfLossOptions(Builder b) {
        policyLossType = b.policyLossType;
        epsClipLow = b.epsClipLow;
        epsClipHigh = b.epsClipHigh;
        dualClip = b.dualClip;
        klEstimator = b.klEstimator;
        klCoef = b.klCoef;
        useKlLoss = b.useKlLoss;
        dpSize = b.dpSize;
        batchNumTokens = b.batchNumTokens;
        globalBatchSize = b.globalBatchSize;
        tokenLevelLoss = b.tokenLevelLoss != null ? b.tokenLevelLoss : policyLossType == PolicyLossType.PPO;
    }

    /** OpenRLHF's defaults: ppo, eps_clip 0.2, no dual clip, no KL loss (estimator k1, init_coef 0.01). */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String impl() {
        return "openrlhf";
    }

    /** Builder; every setter names the OpenRLHF option it sets. */
    public static final class Builder {
        private PolicyLossType policyLossType = PolicyLossType.PPO;
        private double epsClipLow = 0.2;
        private double epsClipHigh = 0.2;
        private Double dualClip;
        private KlEstimator klEstimator = KlEstimator.K1;
        private double klCoef = 0.01;
        private boolean useKlLoss;
        private int dpSize = 1;
        private Double batchNumTokens;
        private Double globalBatchSize;
        private Boolean tokenLevelLoss;

        /** {@code policy_loss_type} (default ppo). */
        public Builder policyLossType(PolicyLossType v) {
            this.policyLossType = Checks.notNull(v, "policyLossType");
            return this;
        }

        /** {@code eps_clip}, or the two of {@code eps_clip_low_high} (default 0.2, 0.2). */
        public Builder epsClip(double low, double high) {
            this.epsClipLow = low;
            this.epsClipHigh = high;
            return this;
        }

        /** {@code dual_clip} constant (default null: off); must be > 1. */
        public Builder dualClip(Double v) {
            this.dualClip = v;
            return this;
        }

        /** {@code kl.use_loss} (default false). */
        public Builder useKlLoss(boolean v) {
            this.useKlLoss = v;
            return this;
        }

        /** {@code kl.estimator} (default k1). */
        public Builder klEstimator(KlEstimator v) {
            this.klEstimator = Checks.notNull(v, "klEstimator");
            return this;
        }

        /** {@code kl.init_coef} (default 0.01). */
        public Builder klCoef(double v) {
            this.klCoef = v;
            return this;
        }

        /** Data-parallel size (default 1). */
        public Builder dpSize(int v) {
            this.dpSize = v;
            return this;
        }

        /** All-reduced token count for the token-level mean (default null: local Σ mask). */
        public Builder batchNumTokens(Double v) {
            this.batchNumTokens = v;
            return this;
        }

        /** Global sample count for the sample-level mean (default null: local non-empty rows). */
        public Builder globalBatchSize(Double v) {
            this.globalBatchSize = v;
            return this;
        }

        /**
         * {@code token_level_loss}: true averages over all tokens, false per sample then over samples (default:
         * true for ppo, false for gspo).
         */
        public Builder tokenLevelLoss(Boolean v) {
            this.tokenLevelLoss = v;
            return this;
        }

        /** @throws IllegalArgumentException naming the option that is out of range */
        public OpenRlhfLossOptions build() {
            if (!(epsClipLow >= 0) || !(epsClipHigh >= 0) || Double.isInfinite(epsClipLow) || Double.isInfinite(epsClipHigh)) {
                throw new IllegalArgumentException("eps_clip must be finite numbers >= 0, got " + epsClipLow + ", " + epsClipHigh);
            }
            if (dualClip != null && (!(dualClip > 1) || Double.isInfinite(dualClip))) {
                throw new IllegalArgumentException("dual_clip must be > 1 or null, got " + dualClip);
            }
            TrlLossOptions.requireFinite(klCoef, "kl.init_coef");
            if (dpSize < 1) {
                throw new IllegalArgumentException("dp_size must be >= 1, got " + dpSize);
            }
            TrlLossOptions.requirePositiveOrNull(batchNumTokens, "batch_num_tokens");
            TrlLossOptions.requirePositiveOrNull(globalBatchSize, "global_batch_size");
            return new OpenRlhfLossOptions(this);
        }
    }
}
