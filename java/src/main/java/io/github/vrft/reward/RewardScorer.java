package io.github.vrft.reward;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Scores one completion against its solution with every reward function of its task. Thread-safe and
 * stateless: one instance may serve any number of threads.
 *
 * <p>A malformed completion is not an error: it scores 0 and the component's reason says why. Null
 * arguments are programming errors and throw {@link NullPointerException} naming the argument.
 */
public final class RewardScorer {
    private final RewardOptions options;

    public RewardScorer(RewardOptions options) {
        this.options = Objects.requireNonNull(options, "options");
    }

    public RewardOptions options() {
        return options;
    }

    public RewardScore score(Task task, String completion, String solution) {
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(completion, "completion");
        Objects.requireNonNull(solution, "solution");
        Profile profile = options.profile();
        boolean gate = options.mathVerifyGate() == MathVerifyGate.FIRST_Y1
                && MathVerifyEmulation.fires(completion, solution);
        List<Component> parts = new ArrayList<>(3);
        switch (task) {
            case DETECTION -> {
                if (gate) {
                    parts.add(new Component("accuracy_iou", 1.0, null));
                    parts.add(new Component("accuracy_confidence", 1.0, null));
                } else {
                    DetectionReward.Result r = DetectionReward.score(completion, solution, profile);
                    parts.add(r.iou());
                    parts.add(r.confidence());
                }
            }
            case CLASSIFICATION -> parts.add(gate ? new Component("accuracy", 1.0, null)
                    : ClassificationReward.score(completion, solution, profile));
            case GROUNDING -> parts.add(gate ? new Component("accuracy", 1.0, null)
                    : GroundingReward.score(completion, solution, profile));
        }
        parts.add(FormatReward.score(completion));
        return new RewardScore(task, parts, gate);
    }
}
