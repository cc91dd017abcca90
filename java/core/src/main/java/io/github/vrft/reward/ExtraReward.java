package io.github.vrft.reward;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/** VLM-R1's optional reward functions, added after accuracy and format when asked for (docs/rewards.md §2.3). */
public enum ExtraReward {
    /** {@code repetition_rewards}: -(1 - unique/total) over boxes, or over word 6-grams; in [-1, 0]. */
    REPETITION("repetition", "repetition"),
    /** {@code cosine_rewards}: 0.75 + 0.25·cos(π·L/1024) (upstream ignores accuracy); component {@code length_cosine}. */
    LENGTH("length", "length_cosine");

    private final String id;
    private final String component;

    ExtraReward(String id, String component) {
        this.id = id;
        this.component = component;
    }

    public String id() {
        return id;
    }

    /** The component name in scores and output lines. */
    public String component() {
        return component;
    }

    /**
     * A comma-separated list such as {@code repetition,length}; empty or null gives none.
     *
     * @throws IllegalArgumentException naming the accepted values
     */
    public static Set<ExtraReward> parseList(String list) {
        Set<ExtraReward> out = EnumSet.noneOf(ExtraReward.class);
        if (list == null || list.isBlank()) {
            return out;
        }
        for (String part : list.split(",")) {
            String n = part.trim().toLowerCase(Locale.ROOT);
            ExtraReward found = null;
            for (ExtraReward e : values()) {
                if (e.id.equals(n) || e.component.equals(n) || n.equals("cosine") && e == LENGTH) {
                    found = e;
                }
            }
            if (found == null) {
                throw new IllegalArgumentException("extra-rewards: unknown reward '" + part.trim()
                        + "'; expected repetition or length");
            }
            out.add(found);
        }
        return out;
    }
}
