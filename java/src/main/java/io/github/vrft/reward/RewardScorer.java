package io.github.vrft.reward;

import io.github.vrft.Checks;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Scores one completion against its solution with every reward function of its task. Thread-safe and
 * stateless: one instance may serve any number of threads.
 *
 * <p>A malformed completion is not an error: it scores 0 and the component's reason says why; whatever a
 * completion holds, scoring it returns (a fault inside one reward function is that component's zero with
 * the reason). Null arguments are programming errors and throw {@link IllegalArgumentException} naming the
 * argument.
 */
public final class RewardScorer {
    private final RewardOptions options;

    public RewardScorer(RewardOptions options) {
        this.options = Checks.notNull(options, "options");
    }

    public RewardOptions options() {
        return options;
    }

    /**
     * Scores one completion. VLM-R1 tasks take their per-line inputs from {@link VlmR1Inputs#defaults()} (a rec
     * line for the default qwen model needs {@link #score(Task, String, String, VlmR1Inputs)} with the image
     * size).
     *
     * @throws IllegalArgumentException when the profile does not score {@code task}
     */
    public RewardScore score(Task task, String completion, String solution) {
        return score(task, completion, solution, VlmR1Inputs.defaults());
    }

    /**
     * Scores one completion with VLM-R1's per-line inputs (ignored by the Visual-RFT tasks).
     *
     * @throws IllegalArgumentException naming the argument: a task the profile does not score, a reward method
     *                                  of the wrong kind for the task, a qwen rec line without image size
     */
    public RewardScore score(Task task, String completion, String solution, VlmR1Inputs inputs) {
        Checks.notNull(task, "task");
        Checks.notNull(completion, "completion");
        Checks.notNull(solution, "solution");
        Checks.notNull(inputs, "inputs");
        Profile profile = options.profile();
        if (!profile.scores(task)) {
            throw new IllegalArgumentException("task: " + task.id() + " is a " + (task.vlmR1() ? "VLM-R1" : "Visual-RFT")
                    + " task; profile " + profile.id() + " scores " + (profile == Profile.VLM_R1
                    ? "rec, od and accuracy" : "detection, classification and grounding") + " (strict scores all)");
        }
        if (task.vlmR1()) {
            return scoreVlmR1(task, completion, solution, inputs, profile);
        }
        boolean gate = options.mathVerifyGate() == MathVerifyGate.FIRST_Y1 && gateFires(completion, solution);
        List<Component> parts = new ArrayList<>(3);
        switch (task) {
            case DETECTION -> {
                if (gate) {
                    parts.add(new Component("accuracy_iou", 1.0, null));
                    parts.add(new Component("accuracy_confidence", 1.0, null));
                } else {
                    parts.addAll(guarded(List.of("accuracy_iou", "accuracy_confidence"), () -> {
                        DetectionReward.Result r = DetectionReward.score(completion, solution, profile);
                        return List.of(r.iou(), r.confidence());
                    }));
                }
            }
            case CLASSIFICATION -> parts.add(gate ? new Component("accuracy", 1.0, null)
                    : guarded("accuracy", () -> ClassificationReward.score(completion, solution, profile)));
            case GROUNDING -> parts.add(gate ? new Component("accuracy", 1.0, null)
                    : guarded("accuracy", () -> GroundingReward.score(completion, solution, profile)));
            default -> throw new AssertionError(task);
        }
        parts.add(guarded("format", () -> FormatReward.score(completion)));
        return new RewardScore(task, parts, gate);
    }

    /**
     * One component computed so that nothing a completion holds can end the caller's run: any Throwable
     * (a StackOverflowError, an internal error) becomes a zero with the reason, for that component only.
     */
    static Component guarded(String name, Supplier<Component> reward) {
        return guarded(List.of(name), () -> List.of(reward.get())).get(0);
    }

    static List<Component> guarded(List<String> names, Supplier<List<Component>> reward) {
        try {
            return reward.get();
        } catch (InvalidInput e) {
            throw e; // bad API input, not a fault of the reward code
        } catch (Throwable t) {
            String why = "internal error while scoring (a bug: please report it with this line): " + t;
            List<Component> out = new ArrayList<>(names.size());
            for (String n : names) {
                out.add(new Component(n, 0.0, why));
            }
            return out;
        }
    }

    /** The math_verify gate; an internal error counts as "does not fire", so the rewards are computed. */
    private static boolean gateFires(String completion, String solution) {
        try {
            return MathVerifyEmulation.fires(completion, solution);
        } catch (Throwable t) {
            return false;
        }
    }

    private RewardScore scoreVlmR1(Task task, String completion, String solution, VlmR1Inputs in, Profile profile) {
        List<Component> parts = new ArrayList<>(4);
        OdReward.WeightedSum weightedSum = new OdReward.WeightedSum(completion, solution, profile); // lazy, shared
        VlmR1Method method = in.method();
        if (method != null && method.detection() != (task == Task.OD) && task != Task.REC) {
            throw new IllegalArgumentException("reward_method: " + method.id() + " does not score task " + task.id()
                    + (task == Task.OD ? "; expected od_ap, od_ap50, odLength, weighted_sum or map"
                    : "; expected default, all_match, yes_no or mcq"));
        }
        switch (task) {
            case REC -> parts.addAll(guarded(List.of("accuracy", "format"),
                    () -> List.of(RecReward.score(completion, solution, in, profile))));
            case OD -> {
                VlmR1Method m = method == null ? VlmR1Method.OD_AP : method;
                parts.add(guarded("accuracy", () -> switch (m) {
                    case WEIGHTED_SUM -> OdReward.weightedSum(weightedSum);
                    case MAP -> OdReward.mapReward(completion, solution, false, 0, profile);
                    default -> OdReward.odAccuracy(completion, solution, m, profile);
                }));
                parts.add(guarded("format", () -> in.ovdLegacyFormat() ? OdReward.legacyOvdFormat(completion)
                        : FormatReward.score(completion)));
            }
            case ACCURACY -> {
                VlmR1Method m = method == null ? VlmR1Method.DEFAULT : method;
                boolean mathVerify = options.mathVerifyGate() != MathVerifyGate.OFF;
                parts.add(guarded("accuracy", () -> VlmR1Accuracy.score(completion, solution, m, mathVerify)));
                parts.add(guarded("format", () -> FormatReward.score(completion)));
            }
            default -> throw new AssertionError(task);
        }
        for (ExtraReward e : options.extraRewardsInOrder()) {
            parts.add(switch (e) {
                case REPETITION -> guarded("repetition", () -> OdReward.repetition(completion));
                case LENGTH -> guarded("length_cosine",
                        () -> OdReward.lengthCosine(completion, weightedSum, in.completionTokens(), profile));
            });
        }
        return new RewardScore(task, parts, false);
    }
}
