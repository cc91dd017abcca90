package io.github.vrft.reward;

import java.util.Objects;

/**
 * How completions are scored: the profile and the math_verify gate. Immutable.
 *
 * @param profile        the rule set ({@link Profile#VISUAL_RFT} by default)
 * @param mathVerifyGate the Visual-RFT pre-gate emulation ({@link MathVerifyGate#OFF} by default); only the
 *                       visual-rft profile has the gate
 */
public record RewardOptions(Profile profile, MathVerifyGate mathVerifyGate) {
    public RewardOptions {
        Objects.requireNonNull(profile, "profile");
        Objects.requireNonNull(mathVerifyGate, "mathVerifyGate");
        if (mathVerifyGate != MathVerifyGate.OFF && profile != Profile.VISUAL_RFT) {
            throw new IllegalArgumentException("mathVerifyGate: " + mathVerifyGate.id()
                    + " needs profile visual-rft; the " + profile.id() + " profile has no math_verify gate");
        }
    }

    /** Profile visual-rft, gate off. */
    public static RewardOptions defaults() {
        return new RewardOptions(Profile.VISUAL_RFT, MathVerifyGate.OFF);
    }

    public static RewardOptions of(Profile profile) {
        return new RewardOptions(profile, MathVerifyGate.OFF);
    }

    public RewardOptions withMathVerifyGate(MathVerifyGate gate) {
        return new RewardOptions(profile, gate);
    }
}
