package io.github.vrft.spark;

import io.github.vrft.grpo.AdvantageFlavor;
import io.github.vrft.reward.ExtraReward;
import io.github.vrft.reward.MathVerifyGate;
import io.github.vrft.reward.Profile;
import io.github.vrft.reward.RewardOptions;
import io.github.vrft.reward.Task;

import java.io.Serializable;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How {@link VrftSpark#score} scores a Dataset: the options of {@code vrft score} (profile, math_verify gate,
 * extra rewards, advantage flavour, a default task) and the column names, input and output. Immutable and
 * serializable (it travels to the executors); built with {@link #builder()}, checked when built.
 *
 * <p>Input columns are named after the fields of a {@code vrft score} line ({@link #FIELDS}) unless
 * {@link Builder#column} renames one. {@code prompt_id}, {@code completion} and {@code solution} must exist,
 * and {@code task} unless a default task is set; the VLM-R1 columns are read where they exist.
 */
public final class ScoringOptions implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The fields of a {@code vrft score} line that scoring reads, in the order rows are checked. */
    public static final List<String> FIELDS = List.of("prompt_id", "task", "completion", "solution", "model",
            "reward_method", "accu_reward_method", "completion_tokens", "format", "image_size_wh", "image_grid_thw");

    private final String profile;
    private final String mathVerifyGate;
    private final String extraRewards;
    private final String advantage;
    private final String defaultTask;
    private final Map<String, String> columns;
    private final String rewardsColumn;
    private final String advantageColumn;
    private final String diagnosticsColumn;
    private final boolean keepOrder;

    private ScoringOptions(Builder b) {
        this.profile = b.profile;
        this.mathVerifyGate = b.mathVerifyGate;
        this.extraRewards = b.extraRewards;
        this.advantage = b.advantage;
        this.defaultTask = b.defaultTask;
        this.columns = Collections.unmodifiableMap(new LinkedHashMap<>(b.columns));
        this.rewardsColumn = b.rewardsColumn;
        this.advantageColumn = b.advantageColumn;
        this.diagnosticsColumn = b.diagnosticsColumn;
        this.keepOrder = b.keepOrder;
        rewardOptions(); // checks the names
        AdvantageFlavor.parse(advantage);
        if (defaultTask != null) {
            Task.parse(defaultTask);
        }
        if (rewardsColumn.equals(advantageColumn) || rewardsColumn.equals(diagnosticsColumn)
                || advantageColumn.equals(diagnosticsColumn)) {
            throw new IllegalArgumentException("the rewards, advantage and diagnostics columns must have three names, got "
                    + rewardsColumn + ", " + advantageColumn + ", " + diagnosticsColumn);
        }
    }

    /** {@code vrft score}'s defaults: profile visual-rft, gate off, no extra rewards, Visual-RFT advantages. */
    public static ScoringOptions defaults() {
        return builder().build();
    }

    /** A builder with the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding these options. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.profile = profile;
        b.mathVerifyGate = mathVerifyGate;
        b.extraRewards = extraRewards;
        b.advantage = advantage;
        b.defaultTask = defaultTask;
        b.columns.putAll(columns);
        b.rewardsColumn = rewardsColumn;
        b.advantageColumn = advantageColumn;
        b.diagnosticsColumn = diagnosticsColumn;
        b.keepOrder = keepOrder;
        return b;
    }

    /** The reward options these names select. */
    public RewardOptions rewardOptions() {
        return new RewardOptions(Profile.parse(profile), MathVerifyGate.parse(mathVerifyGate),
                ExtraReward.parseList(extraRewards));
    }

    /** The group advantage. */
    public AdvantageFlavor advantageFlavor() {
        return AdvantageFlavor.parse(advantage);
    }

    /** The task of rows without a task column, or null (the column is then required). */
    public Task defaultTask() {
        return defaultTask == null ? null : Task.parse(defaultTask);
    }

    /** The input column holding {@code field} (one of {@link #FIELDS}). */
    public String column(String field) {
        if (!FIELDS.contains(field)) {
            throw new IllegalArgumentException("field: expected one of " + FIELDS + ", got " + field);
        }
        return columns.getOrDefault(field, field);
    }

    /** The output column of the rewards struct. */
    public String rewardsColumn() {
        return rewardsColumn;
    }

    /** The output column of the group advantage (float32). */
    public String advantageColumn() {
        return advantageColumn;
    }

    /** The output column of the diagnostics (map of component, or {@code error}, to the reason). */
    public String diagnosticsColumn() {
        return diagnosticsColumn;
    }

    /** Whether the result keeps the input's row order (a sort, one more shuffle) instead of the groups' order. */
    public boolean keepOrder() {
        return keepOrder;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ScoringOptions s && profile.equals(s.profile) && mathVerifyGate.equals(s.mathVerifyGate)
                && extraRewards.equals(s.extraRewards) && advantage.equals(s.advantage)
                && Objects.equals(defaultTask, s.defaultTask) && columns.equals(s.columns)
                && rewardsColumn.equals(s.rewardsColumn) && advantageColumn.equals(s.advantageColumn)
                && diagnosticsColumn.equals(s.diagnosticsColumn) && keepOrder == s.keepOrder;
    }

    @Override
    public int hashCode() {
        return Objects.hash(profile, mathVerifyGate, extraRewards, advantage, defaultTask, columns, rewardsColumn,
                advantageColumn, diagnosticsColumn, keepOrder);
    }

    @Override
    public String toString() {
        return "ScoringOptions{profile=" + profile + ", mathVerifyGate=" + mathVerifyGate + ", extraRewards=" + extraRewards
                + ", advantage=" + advantage + ", defaultTask=" + defaultTask + ", columns=" + columns + ", output="
                + rewardsColumn + "/" + advantageColumn + "/" + diagnosticsColumn + ", keepOrder=" + keepOrder + "}";
    }

    /** Builds {@link ScoringOptions}; {@link #build()} checks every name. */
    public static final class Builder {
        private String profile = "visual-rft";
        private String mathVerifyGate = "off";
        private String extraRewards = "";
        private String advantage = "visual-rft";
        private String defaultTask;
        private final Map<String, String> columns = new LinkedHashMap<>();
        private String rewardsColumn = "rewards";
        private String advantageColumn = "advantage";
        private String diagnosticsColumn = "diagnostics";
        private boolean keepOrder;

        private Builder() {}

        private static String named(String value, String what) {
            if (value == null || value.isBlank()) {
                throw new IllegalArgumentException(what + " must be a non-blank name, got " + value);
            }
            return value;
        }

        /** visual-rft (default), strict or vlm-r1. */
        public Builder profile(String name) {
            this.profile = named(name, "profile");
            return this;
        }

        /** off (default) or first-y1. */
        public Builder mathVerifyGate(String mode) {
            this.mathVerifyGate = named(mode, "mathVerifyGate");
            return this;
        }

        /** VLM-R1 extra rewards, comma-separated: repetition, length (default none). */
        public Builder extraRewards(String list) {
            this.extraRewards = Objects.requireNonNull(list, "extraRewards");
            return this;
        }

        /** The group advantage flavour, as {@code vrft score --advantage} (default visual-rft). */
        public Builder advantage(String flavour) {
            this.advantage = named(flavour, "advantage");
            return this;
        }

        /** The task of rows when the input has no task column; null (default) requires the column. */
        public Builder defaultTask(String task) {
            this.defaultTask = task;
            return this;
        }

        /** Reads {@code field} (one of {@link ScoringOptions#FIELDS}) from column {@code name}. */
        public Builder column(String field, String name) {
            if (!FIELDS.contains(field)) {
                throw new IllegalArgumentException("field: expected one of " + FIELDS + ", got " + field);
            }
            columns.put(field, named(name, "column name of " + field));
            return this;
        }

        /** The output column names (defaults rewards, advantage, diagnostics). */
        public Builder outputColumns(String rewards, String advantage, String diagnostics) {
            this.rewardsColumn = named(rewards, "rewards column");
            this.advantageColumn = named(advantage, "advantage column");
            this.diagnosticsColumn = named(diagnostics, "diagnostics column");
            return this;
        }

        /** Keep the input's row order in the result (default false: rows come out by group). */
        public Builder keepOrder(boolean keep) {
            this.keepOrder = keep;
            return this;
        }

        /**
         * The options.
         *
         * @throws IllegalArgumentException naming the first unknown name
         */
        public ScoringOptions build() {
            return new ScoringOptions(this);
        }
    }
}
