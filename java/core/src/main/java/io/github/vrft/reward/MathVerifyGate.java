package io.github.vrft.reward;

import java.util.Locale;

/**
 * The math_verify pre-gate of every Visual-RFT accuracy reward (docs/rewards.md §1.2): upstream first runs
 * {@code verify(parse(completion), parse(solution))} and, when it succeeds, gives accuracy 1.0 and skips the
 * task's own scoring.
 */
public enum MathVerifyGate {
    /** No gate: the task's own scoring always runs. The default; matches the golden {@code gate_off} values. */
    OFF("off"),
    /**
     * Emulate the gate by math_verify's number extraction: it fires when the completion and the solution
     * yield the same number. Exact for the canonical {@code ", "}-separated detection format, where it fires
     * exactly when the first predicted box's y1 equals the first ground-truth box's y1 (docs/rewards.md §1.2); an
     * approximation elsewhere. See {@link MathVerifyEmulation}.
     */
    FIRST_Y1("first-y1");

    private final String id;

    MathVerifyGate(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    /** @throws IllegalArgumentException naming the accepted values */
    public static MathVerifyGate parse(String name) {
        if (name != null) {
            String n = name.trim().toLowerCase(Locale.ROOT).replace('_', '-');
            for (MathVerifyGate g : values()) {
                if (g.id.equals(n)) {
                    return g;
                }
            }
        }
        throw new IllegalArgumentException("math-verify-gate: unknown value '" + name + "'; expected off or first-y1");
    }
}
