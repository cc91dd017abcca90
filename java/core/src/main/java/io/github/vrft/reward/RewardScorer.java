package io.github.vrft.reward;

import io.github.vrft.Checks;
import io.github.vrft.backend.Backend;

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
 * argument. {@link #scoreBatch} scores many rows and reaches a {@link Backend} for the numeric part.
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
        Prepared p = prepare(task, completion, solution, inputs);
        if (p.numeric != null) {
            return p.finish(guarded(List.of("accuracy_iou", "accuracy_confidence"), () -> {
                DetectionReward.Result r = DetectionReward.score(p.numeric);
                return List.of(r.iou(), r.confidence());
            }));
        }
        return p.score;
    }

    /**
     * Scores a batch: the text of every row is parsed on the CPU (in parallel for large batches), then the
     * detection rows whose boxes and confidences are plain numbers are matched and scored on {@code backend}
     * in one call; every other row keeps the exact CPU path. The scores are those of {@link #score} row by row,
     * whichever the backend. See {@link RewardBatch} to keep going past bad rows.
     *
     * @throws IllegalArgumentException naming the first bad row ({@code rows[i]: ...}), before the backend runs
     */
    public List<RewardScore> scoreBatch(List<RewardRequest> rows, Backend backend) {
        Checks.notNull(backend, "backend");
        RewardBatch b = RewardBatch.prepare(this, rows);
        for (int i = 0; i < b.size(); i++) {
            if (b.error(i) != null) {
                throw new IllegalArgumentException("rows[" + i + "]: " + b.error(i));
            }
        }
        return b.compute(backend);
    }

    /**
     * A row after the text phase: its score, or (a detection row with plain numeric boxes) the arrays still to
     * compute, with the components around them.
     */
    static final class Prepared {
        final Task task;
        final RewardScore score;
        final DetectionReward.Numeric numeric;
        private final Component format;

        private Prepared(Task task, RewardScore score, DetectionReward.Numeric numeric, Component format) {
            this.task = task;
            this.score = score;
            this.numeric = numeric;
            this.format = format;
        }

        /** The score once the numeric detection components are known. */
        RewardScore finish(List<Component> detection) {
            List<Component> parts = new ArrayList<>(3);
            parts.addAll(detection);
            parts.add(format);
            return new RewardScore(task, parts, false);
        }
    }

    Prepared prepare(Task task, String completion, String solution, VlmR1Inputs inputs) {
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
            return new Prepared(task, scoreVlmR1(task, completion, solution, inputs, profile), null, null);
        }
        boolean gate = options.mathVerifyGate() == MathVerifyGate.FIRST_Y1 && gateFires(completion, solution);
        List<Component> parts = new ArrayList<>(3);
        switch (task) {
            case DETECTION -> {
                if (gate) {
                    parts.add(new Component("accuracy_iou", 1.0, null));
                    parts.add(new Component("accuracy_confidence", 1.0, null));
                } else {
                    DetectionReward.Outcome[] o = new DetectionReward.Outcome[1];
                    List<Component> text = guarded(List.of("accuracy_iou", "accuracy_confidence"), () -> {
                        o[0] = DetectionReward.prepare(completion, solution, profile);
                        return o[0] instanceof DetectionReward.Result r ? List.of(r.iou(), r.confidence()) : List.of();
                    });
                    if (o[0] instanceof DetectionReward.Numeric n && text.isEmpty()) {
                        return new Prepared(task, null, n, guarded("format", () -> FormatReward.score(completion)));
                    }
                    parts.addAll(text);
                }
            }
            case CLASSIFICATION -> parts.add(gate ? new Component("accuracy", 1.0, null)
                    : guarded("accuracy", () -> ClassificationReward.score(completion, solution, profile)));
            case GROUNDING -> parts.add(gate ? new Component("accuracy", 1.0, null)
                    : guarded("accuracy", () -> GroundingReward.score(completion, solution, profile)));
            default -> throw new AssertionError(task);
        }
        parts.add(guarded("format", () -> FormatReward.score(completion)));
        return new Prepared(task, new RewardScore(task, parts, gate), null, null);
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
