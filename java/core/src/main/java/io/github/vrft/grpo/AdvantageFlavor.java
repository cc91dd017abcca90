package io.github.vrft.grpo;

import java.util.Locale;

/**
 * How rewards become group advantages (docs/grpo.md §2). Each flavour is one trainer's formula, with its
 * epsilon, its rule for groups of one, and its handling of NaN rewards.
 */
public enum AdvantageFlavor {
    /** Visual-RFT / VLM-R1 trainers: (r − mean) / (unbiased std + 1e-4) in float32; a group of one gives NaN. */
    VISUAL_RFT("visual-rft"),
    /** TRL {@code scale_rewards="group"} (default): NaN-aware mean and unbiased std, eps 1e-4; NaN results become 0. */
    TRL_GROUP("trl-group"),
    /** TRL {@code scale_rewards="batch"}: group mean, unbiased std of the whole batch, eps 1e-4. */
    TRL_BATCH("trl-batch"),
    /** TRL {@code scale_rewards="none"} (Dr. GRPO): r − group mean. */
    TRL_NONE("trl-none"),
    /** verl {@code grpo}, {@code norm_adv_by_std_in_grpo=True}: (r − mean) / (std + 1e-6); a group of one has mean 0, std 1. */
    VERL("verl"),
    /** verl {@code grpo}, {@code norm_adv_by_std_in_grpo=False}: r − mean (a group of one keeps r). */
    VERL_NO_STD("verl-no-std"),
    /**
     * verl {@code grpo_vectorized} (opt-in, for exact reproduction): float32 one-pass sums, variance floored at
     * 1e-6. Known to give wrong advantages for rewards with a large common offset (docs/grpo.md §2).
     */
    VERL_VECTORIZED("verl-vectorized"),
    /** OpenRLHF {@code group_norm}: (r − mean) / (std + 1e-9); a group of one gives NaN. */
    OPENRLHF("openrlhf"),
    /** OpenRLHF {@code dr_grpo}: r − mean. */
    OPENRLHF_DR_GRPO("openrlhf-dr-grpo");

    private final String id;

    AdvantageFlavor(String id) {
        this.id = id;
    }

    /** The command-line name. */
    public String id() {
        return id;
    }

    /**
     * The kernels' code for this flavour ({@code VRFT_ADV_*} of {@code cuda/include/vrft_abi.h}), or -1 for
     * the flavours that run on the CPU only (visual-rft's float32 statistics, trl-batch, verl-vectorized).
     */
    public int deviceCode() {
        return switch (this) {
            case TRL_GROUP -> 1;
            case TRL_NONE -> 3;
            case VERL -> 4;
            case VERL_NO_STD -> 5;
            case OPENRLHF -> 7;
            case OPENRLHF_DR_GRPO -> 8;
            case VISUAL_RFT, TRL_BATCH, VERL_VECTORIZED -> -1;
        };
    }

    /**
     * The flavour named {@code name}: the command-line names, or the golden files' keys ({@code trl_group},
     * {@code verl_no_std}, {@code verl_vectorized}, {@code openrlhf_group_norm}, {@code openrlhf_dr_grpo}).
     *
     * @throws IllegalArgumentException naming the accepted values
     */
    public static AdvantageFlavor parse(String name) {
        if (name != null) {
            String n = name.trim().toLowerCase(Locale.ROOT).replace('_', '-');
            if (n.equals("openrlhf-group-norm")) {
                return OPENRLHF;
            }
            for (AdvantageFlavor f : values()) {
                if (f.id.equals(n)) {
                    return f;
                }
            }
        }
        StringBuilder ids = new StringBuilder();
        for (AdvantageFlavor f : values()) {
            ids.append(ids.isEmpty() ? "" : ", ").append(f.id);
        }
        throw new IllegalArgumentException("advantage: unknown flavour '" + name + "'; expected one of " + ids);
    }
}
