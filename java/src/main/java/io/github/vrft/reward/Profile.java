package io.github.vrft.reward;

import java.util.Locale;

/** Which rules score a completion. */
public enum Profile {
    /**
     * Faithful to Visual-RFT's upstream reward code (commit 94866331), every quirk included: the numbers match
     * what training with upstream would have seen.
     */
    VISUAL_RFT("visual-rft"),
    /**
     * The same tasks with the upstream bugs corrected: classification by normalised exact match (a blank
     * answer scores 0), LISA scored on the first box's own corners with clamped GIoU and no exact-string
     * override, detection confidences validated to [0, 1], and no math_verify gate.
     */
    STRICT("strict");

    private final String id;

    Profile(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    /** @throws IllegalArgumentException naming the accepted values */
    public static Profile parse(String name) {
        if (name != null) {
            String n = name.trim().toLowerCase(Locale.ROOT).replace('_', '-');
            for (Profile p : values()) {
                if (p.id.equals(n)) {
                    return p;
                }
            }
        }
        throw new IllegalArgumentException("profile: unknown profile '" + name + "'; expected visual-rft or strict");
    }
}
