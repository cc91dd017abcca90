package io.github.vrft.grpo;

import io.github.vrft.Checks;

import java.util.Locale;

/**
 * TRL's GRPO loss ({@code GRPOTrainer._compute_loss}, docs/grpo.md §3-§8): the clipped family
 * ({@code grpo}, {@code bnpo}, {@code dr_grpo}, {@code dapo}, {@code luspo}), {@code cispo}, {@code sapo} and
 * {@code vespo}, at token or sequence (GSPO) level, with the k3 KL. Immutable; the builder's names are
 * TRL's {@code GRPOConfig} names in camelCase, and its defaults are TRL's.
 */
public final class TrlLossOptions implements LossOptions {
    /** TRL {@code loss_type}. */
    public enum LossType {
        GRPO, BNPO, DR_GRPO, DAPO, CISPO, SAPO, VESPO, LUSPO;

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static LossType parse(String s) {
            for (LossType t : values()) {
                if (t.id().equals(s == null ? null : s.trim().toLowerCase(Locale.ROOT))) {
                    return t;
                }
            }
            throw new IllegalArgumentException("loss_type: unknown value '" + s
                    + "'; expected grpo, bnpo, dr_grpo, dapo, cispo, sapo, vespo or luspo");
        }

        boolean clippedFamily() {
            return this == GRPO || this == BNPO || this == DR_GRPO || this == DAPO || this == LUSPO;
        }

        /** The kernels' code ({@code VRFT_TRL_*} of cuda/include/vrft_abi.h), or -1 for a type without a kernel. */
        int abiCode() {
            return switch (this) {
                case GRPO -> 0;
                case BNPO -> 1;
                case DR_GRPO -> 2;
                case DAPO -> 3;
                case CISPO, SAPO, VESPO, LUSPO -> -1;
            };
        }
    }

    /** TRL {@code importance_sampling_level}. */
    public enum ImportanceSamplingLevel {
        TOKEN, SEQUENCE;

        public static ImportanceSamplingLevel parse(String s) {
            if ("token".equals(s)) {
                return TOKEN;
            }
            if ("sequence".equals(s)) {
                return SEQUENCE;
            }
            throw new IllegalArgumentException("importance_sampling_level: unknown value '" + s + "'; expected token or sequence");
        }
    }

    final LossType lossType;
    final double epsilon;
    final double epsilonHigh;
    final Double delta;
    final double beta;
    final ImportanceSamplingLevel importanceSamplingLevel;
    final int maxCompletionLength;
    final Double numItemsInBatch;
    final int numProcesses;
    final int gradientAccumulationSteps;
    final boolean useBiasCorrectionKl;
    final double sapoTemperaturePos;
    final double sapoTemperatureNeg;
    final double vespoKPos;
    final double vespoLambdaPos;
    final double vespoKNeg;
    final double vespoLambdaNeg;

    private TrlLossOptions(Builder b) {
        lossType = b.lossType;
        epsilon = b.epsilon;
        epsilonHigh = b.epsilonHigh != null ? b.epsilonHigh : b.epsilon;
        delta = b.delta;
        beta = b.beta;
        importanceSamplingLevel = b.importanceSamplingLevel;
        maxCompletionLength = b.maxCompletionLength;
        numItemsInBatch = b.numItemsInBatch;
        numProcesses = b.numProcesses;
        gradientAccumulationSteps = b.gradientAccumulationSteps;
        useBiasCorrectionKl = b.useBiasCorrectionKl;
        sapoTemperaturePos = b.sapoTemperaturePos;
        sapoTemperatureNeg = b.sapoTemperatureNeg;
        vespoKPos = b.vespoKPos;
        vespoLambdaPos = b.vespoLambdaPos;
        vespoKNeg = b.vespoKNeg;
        vespoLambdaNeg = b.vespoLambdaNeg;
    }

    /** TRL's defaults: {@code loss_type="dapo"}, {@code epsilon=0.2}, {@code beta=0.0}, token level. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String impl() {
        return "trl";
    }

    public LossType lossType() {
        return lossType;
    }

    public double beta() {
        return beta;
    }

    public ImportanceSamplingLevel importanceSamplingLevel() {
        return importanceSamplingLevel;
    }

    /** Builder; every setter names the TRL option it sets. */
    public static final class Builder {
        private LossType lossType = LossType.DAPO;
        private double epsilon = 0.2;
        private Double epsilonHigh;
        private Double delta;
        private double beta = 0.0;
        private ImportanceSamplingLevel importanceSamplingLevel = ImportanceSamplingLevel.TOKEN;
        private int maxCompletionLength = 512;
        private Double numItemsInBatch;
        private int numProcesses = 1;
        private int gradientAccumulationSteps = 1;
        private boolean useBiasCorrectionKl;
        private double sapoTemperaturePos = 1.0;
        private double sapoTemperatureNeg = 1.05;
        private double vespoKPos = 2.0;
        private double vespoLambdaPos = 3.0;
        private double vespoKNeg = 3.0;
        private double vespoLambdaNeg = 2.0;

        /** {@code loss_type} (default dapo). */
        public Builder lossType(LossType v) {
            this.lossType = Checks.notNull(v, "lossType");
            return this;
        }

        /** {@code epsilon}: lower clip width εl (default 0.2). */
        public Builder epsilon(double v) {
            this.epsilon = v;
            return this;
        }

        /** {@code epsilon_high}: upper clip width εh (default: epsilon); for cispo the absolute ratio cap. */
        public Builder epsilonHigh(Double v) {
            this.epsilonHigh = v;
            return this;
        }

        /** {@code delta}: two-sided cap on the ratio (INTELLECT-2), or null (default) for none. */
        public Builder delta(Double v) {
            this.delta = v;
            return this;
        }

        /** {@code beta}: k3 KL coefficient (default 0.0: no KL term). */
        public Builder beta(double v) {
            this.beta = v;
            return this;
        }

        /** {@code importance_sampling_level}: token (default) or sequence (GSPO). */
        public Builder importanceSamplingLevel(ImportanceSamplingLevel v) {
            this.importanceSamplingLevel = Checks.notNull(v, "importanceSamplingLevel");
            return this;
        }

        /** {@code max_completion_length}: the dr_grpo normaliser (default 512). */
        public Builder maxCompletionLength(int v) {
            this.maxCompletionLength = v;
            return this;
        }

        /** {@code num_items_in_batch}: mask tokens of the whole generation batch, over processes; null: local Σ mask. */
        public Builder numItemsInBatch(Double v) {
            this.numItemsInBatch = v;
            return this;
        }

        /** Number of processes P in the dapo/cispo/vespo normaliser (default 1). */
        public Builder numProcesses(int v) {
            this.numProcesses = v;
            return this;
        }

        /** {@code gradient_accumulation_steps} GA (default 1). */
        public Builder gradientAccumulationSteps(int v) {
            this.gradientAccumulationSteps = v;
            return this;
        }

        /** {@code use_bias_correction_kl}: multiply the KL by the ratio (default false). */
        public Builder useBiasCorrectionKl(boolean v) {
            this.useBiasCorrectionKl = v;
            return this;
        }

        /** {@code sapo_temperature_pos} (default 1.0). */
        public Builder sapoTemperaturePos(double v) {
            this.sapoTemperaturePos = v;
            return this;
        }

        /** {@code sapo_temperature_neg} (default 1.05). */
        public Builder sapoTemperatureNeg(double v) {
            this.sapoTemperatureNeg = v;
            return this;
        }

        /** {@code vespo_k_pos}, {@code vespo_lambda_pos}, {@code vespo_k_neg}, {@code vespo_lambda_neg} (defaults 2, 3, 3, 2). */
        public Builder vespo(double kPos, double lambdaPos, double kNeg, double lambdaNeg) {
            this.vespoKPos = kPos;
            this.vespoLambdaPos = lambdaPos;
            this.vespoKNeg = kNeg;
            this.vespoLambdaNeg = lambdaNeg;
            return this;
        }

        /** @throws IllegalArgumentException naming the option that is out of range */
        public TrlLossOptions build() {
            requireFinite(epsilon, "epsilon");
            if (epsilon < 0) {
                throw new IllegalArgumentException("epsilon must be >= 0, got " + epsilon);
            }
            if (epsilonHigh != null && (!(epsilonHigh >= 0) || Double.isInfinite(epsilonHigh))) {
                throw new IllegalArgumentException("epsilon_high must be a finite number >= 0, got " + epsilonHigh);
            }
            requirePositiveOrNull(delta, "delta");
            requireFinite(beta, "beta");
            if (beta < 0) {
                throw new IllegalArgumentException("beta must be >= 0 (the KL coefficient), got " + beta);
            }
            if (maxCompletionLength < 1) {
                throw new IllegalArgumentException("max_completion_length must be >= 1, got " + maxCompletionLength);
            }
            requirePositiveOrNull(numItemsInBatch, "num_items_in_batch");
            if (numProcesses < 1) {
                throw new IllegalArgumentException("num_processes must be >= 1, got " + numProcesses);
            }
            if (gradientAccumulationSteps < 1) {
                throw new IllegalArgumentException("gradient_accumulation_steps must be >= 1, got " + gradientAccumulationSteps);
            }
            if (!(sapoTemperaturePos > 0) || !(sapoTemperatureNeg > 0) || Double.isInfinite(sapoTemperaturePos)
                    || Double.isInfinite(sapoTemperatureNeg)) {
                throw new IllegalArgumentException("sapo_temperature_pos/neg must be finite numbers > 0, got "
                        + sapoTemperaturePos + ", " + sapoTemperatureNeg);
            }
            requirePositive(vespoKPos, "vespo_k_pos");
            requirePositive(vespoLambdaPos, "vespo_lambda_pos");
            requirePositive(vespoKNeg, "vespo_k_neg");
            requirePositive(vespoLambdaNeg, "vespo_lambda_neg");
            if (lossType == LossType.VESPO && importanceSamplingLevel != ImportanceSamplingLevel.TOKEN) {
                throw new IllegalArgumentException("importance_sampling_level must be token for loss_type vespo");
            }
            return new TrlLossOptions(this);
        }
    }

    /** A finite number above 0, or null (the option's "not set"). */
    static void requirePositiveOrNull(Double v, String name) {
        if (v != null && (!(v > 0) || Double.isInfinite(v))) {
            throw new IllegalArgumentException(name + " must be a finite number > 0 or null, got " + v);
        }
    }

    static void requirePositive(double v, String name) {
        if (!(v > 0) || Double.isInfinite(v)) {
            throw new IllegalArgumentException(name + " must be a finite number > 0, got " + v);
        }
    }

    static void requireFinite(double v, String name) {
        if (!Double.isFinite(v)) {
            throw new IllegalArgumentException(name + " must be finite, got " + v);
        }
    }
}
