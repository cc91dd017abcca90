package io.github.vrft.reward;

import java.util.Locale;

/** Which VLM-R1 module scores a REC (referring-expression grounding) completion (docs/rewards.md §2.1, §2.2). */
public enum RecModel {
    /** Qwen2VLModule: boxes resized from the model input to the original image, "inclusive" IoU, format needs braces. */
    QWEN("qwen"),
    /** InvernVLModule: no resize, "inclusive" IoU, format without braces. */
    INTERNVL("internvl"),
    /** GLMVModule: no resize, continuous IoU, format {@code <think>…<answer>…</answer>}. */
    GLM("glm"),
    /** grpo_rec.py at 0586aee: binary reward {@code IoU > 0.5}, "inclusive" IoU, format by fullmatch. */
    LEGACY_BINARY("legacy-binary");

    private final String id;

    RecModel(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    /** @throws IllegalArgumentException naming the accepted values */
    public static RecModel parse(String name) {
        if (name != null) {
            String n = name.trim().toLowerCase(Locale.ROOT).replace('_', '-');
            if (n.equals("legacy-binary-0586aee") || n.equals("legacy")) {
                return LEGACY_BINARY;
            }
            for (RecModel m : values()) {
                if (m.id.equals(n)) {
                    return m;
                }
            }
        }
        throw new IllegalArgumentException("model: unknown REC model '" + name
                + "'; expected qwen, internvl, glm or legacy-binary");
    }
}
