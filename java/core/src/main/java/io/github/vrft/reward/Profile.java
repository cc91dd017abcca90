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
     * Faithful to VLM-R1's reward code (om-ai-lab/VLM-R1 at 90052f4): REC IoU of the Qwen, InternVL and GLM
     * modules and the legacy binary reward, COCO-AP and weighted_sum detection, the text accuracy methods, the
     * repetition and cosine rewards. Scores tasks rec, od and accuracy.
     */
    VLM_R1("vlm-r1"),
    /**
     * Every task with the upstream bugs corrected: classification by normalised exact match (a blank
     * answer scores 0), LISA scored on the first box's own corners with clamped GIoU and no exact-string
     * override, detection confidences validated to [0, 1], and no math_verify gate; for VLM-R1's tasks,
     * continuous REC IoU, weighted_sum without the missing-label crash, no credit for prose against an empty
     * solution, and a cosine reward that reads the accuracy.
     */
    STRICT("strict");

    private final String id;

    Profile(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    /** Whether this profile scores {@code task}: visual-rft the Visual-RFT tasks, vlm-r1 VLM-R1's, strict all. */
    public boolean scores(Task task) {
        return this == STRICT || (this == VLM_R1) == task.vlmR1();
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
        throw new IllegalArgumentException("profile: unknown profile '" + name + "'; expected visual-rft, vlm-r1 or strict");
    }
}
