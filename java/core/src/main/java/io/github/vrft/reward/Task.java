package io.github.vrft.reward;

import io.github.vrft.Checks;

import java.util.List;
import java.util.Locale;

/** What a completion answers, and so which reward functions score it. */
public enum Task {
    /** Visual-RFT open-vocabulary detection: boxes with confidences ({@code grpo.py}). */
    DETECTION("detection", List.of("accuracy_iou", "accuracy_confidence", "format")),
    /** Visual-RFT fine-grained classification: a class name ({@code grpo_classification.py}). */
    CLASSIFICATION("classification", List.of("accuracy", "format")),
    /** Visual-RFT reasoning grounding (LISA): one box as {@code (x1,y1),(x2,y2)} ({@code grpo_lisa.py}). */
    GROUNDING("grounding", List.of("accuracy", "format")),
    /** VLM-R1 referring-expression grounding: one {@code [x1, y1, x2, y2]} box (a VLM module's {@code iou_reward}). */
    REC("rec", List.of("accuracy", "format")),
    /** VLM-R1 open-vocabulary detection: a json list of {@code bbox_2d} and {@code label} ({@code grpo_jsonl.py}). */
    OD("od", List.of("accuracy", "format")),
    /** VLM-R1 text answers scored by {@code default}, {@code all_match}, {@code yes_no} or {@code mcq}. */
    ACCURACY("accuracy", List.of("accuracy", "format"));

    private final String id;
    private final List<String> components;

    Task(String id, List<String> components) {
        this.id = id;
        this.components = components;
    }

    /** The name used on the command line and in JSON Lines ({@code "task"}). */
    public String id() {
        return id;
    }

    /** Whether this is one of VLM-R1's tasks (rec, od, accuracy) rather than Visual-RFT's. */
    public boolean vlmR1() {
        return this == REC || this == OD || this == ACCURACY;
    }

    /**
     * The reward components in upstream script order, before any {@link ExtraReward}; the total is their sum.
     */
    public List<String> components() {
        return components;
    }

    /**
     * The task named {@code name}: {@code detection}, {@code classification}, {@code grounding} (also
     * {@code grounding_lisa} and {@code lisa}, the golden files' name), {@code rec}, {@code od},
     * {@code accuracy}.
     *
     * @throws IllegalArgumentException naming the accepted values
     */
    public static Task parse(String name) {
        Checks.notNull(name, "task");
        String n = name.trim().toLowerCase(Locale.ROOT);
        return switch (n) {
            case "detection", "det" -> DETECTION;
            case "classification", "cls" -> CLASSIFICATION;
            case "grounding", "grounding_lisa", "lisa" -> GROUNDING;
            case "rec" -> REC;
            case "od", "ovd" -> OD;
            case "accuracy" -> ACCURACY;
            default -> throw new IllegalArgumentException("task: unknown task '" + name
                    + "'; expected detection, classification, grounding (Visual-RFT) or rec, od, accuracy (VLM-R1)");
        };
    }
}
