package io.github.vrft.reward;

import io.github.vrft.Checks;

import java.util.EnumSet;
import java.util.Set;

/**
 * How completions are scored: the profile, the math_verify gate and VLM-R1's extra rewards. Immutable.
 *
 * @param profile        the rule set ({@link Profile#VISUAL_RFT} by default)
 * @param mathVerifyGate the math_verify emulation ({@link MathVerifyGate#OFF} by default): Visual-RFT's pre-gate
 *                       on the whole texts, or the first step of VLM-R1's {@code default} accuracy on the
 *                       extracted answers; the strict profile has none
 * @param extraRewards   VLM-R1's optional reward functions, scored after accuracy and format on tasks rec, od
 *                       and accuracy (none by default)
 */
public record RewardOptions(Profile profile, MathVerifyGate mathVerifyGate, Set<ExtraReward> extraRewards) {
    public RewardOptions {
        Checks.notNull(profile, "profile");
        Checks.notNull(mathVerifyGate, "mathVerifyGate");
        Checks.notNull(extraRewards, "extraRewards");
        if (mathVerifyGate != MathVerifyGate.OFF && profile == Profile.STRICT) {
            throw new IllegalArgumentException("mathVerifyGate: " + mathVerifyGate.id()
                    + " needs profile visual-rft or vlm-r1; the strict profile has no math_verify step");
        }
        extraRewards = extraRewards.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(extraRewards));
    }

    public RewardOptions(Profile profile, MathVerifyGate mathVerifyGate) {
        this(profile, mathVerifyGate, Set.of());
    }

    /** Profile visual-rft, gate off. */
    public static RewardOptions defaults() {
        return new RewardOptions(Profile.VISUAL_RFT, MathVerifyGate.OFF);
    }

    public static RewardOptions of(Profile profile) {
        return new RewardOptions(profile, MathVerifyGate.OFF);
    }

    public RewardOptions withMathVerifyGate(MathVerifyGate gate) {
        return new RewardOptions(profile, gate, extraRewards);
    }

    public RewardOptions withExtraRewards(Set<ExtraReward> extras) {
        return new RewardOptions(profile, mathVerifyGate, extras);
    }

    /** The extra rewards in component order (repetition, then length). */
    public java.util.List<ExtraReward> extraRewardsInOrder() {
        return java.util.Arrays.stream(ExtraReward.values()).filter(extraRewards::contains).toList();
    }
}
