package io.github.vrft.reward;

/** VLM-R1's {@code accu_reward_method} (docs/rewards.md §2.3, §2.4): how the accuracy of an od or accuracy line is scored. */
public enum VlmR1Method {
    /** COCO AP@[.50:.95] of the last answer's json block. */
    OD_AP("od_ap", true),
    /** COCO AP@.50. */
    OD_AP50("od_ap50", true),
    /** od_ap times {@code min(1, G/P)}. */
    OD_LENGTH("odLength", true),
    /** 0.7·matched IoU + 0.3·completeness, global greedy matching on lower-cased text. */
    WEIGHTED_SUM("weighted_sum", true),
    /** COCO AP@[.50:.95] of the last json block anywhere in the raw completion, no answer tag needed. */
    MAP("map", true),
    /** math_verify (optional), then float equality, choice letters, or the Levenshtein ratio. */
    DEFAULT("default", false),
    /** {@code clean_text} equality. */
    ALL_MATCH("all_match", false),
    /** The first {@code yes}/{@code no} substring. */
    YES_NO("yes_no", false),
    /** The extracted choice letter. */
    MCQ("mcq", false);

    private final String id;
    private final boolean detection;

    VlmR1Method(String id, boolean detection) {
        this.id = id;
        this.detection = detection;
    }

    /** The upstream name, as written in {@code reward_method}. */
    public String id() {
        return id;
    }

    /** Whether the method scores boxes (task od) rather than text (task accuracy). */
    public boolean detection() {
        return detection;
    }

    /** @throws IllegalArgumentException naming the accepted values */
    public static VlmR1Method parse(String name) {
        if (name != null) {
            String n = name.trim();
            for (VlmR1Method m : values()) {
                if (m.id.equalsIgnoreCase(n) || m.name().equalsIgnoreCase(n)) {
                    return m;
                }
            }
            if (n.equalsIgnoreCase("od_length") || n.equalsIgnoreCase("odlength")) {
                return OD_LENGTH;
            }
        }
        throw new IllegalArgumentException("reward_method: unknown method '" + name
                + "'; expected od_ap, od_ap50, odLength, weighted_sum, map (task od) or default, all_match, yes_no, mcq (task accuracy)");
    }
}
