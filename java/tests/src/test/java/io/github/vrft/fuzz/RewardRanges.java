package io.github.vrft.fuzz;

import io.github.vrft.reward.Component;
import io.github.vrft.reward.Profile;
import io.github.vrft.reward.RewardScore;
import io.github.vrft.reward.Task;
import io.github.vrft.reward.VlmR1Method;

/**
 * The documented range of every reward component (README, "Reward ranges"), checked on every fuzzed input.
 * Faithful profiles keep upstream's unbounded cases (LISA GIoU + 1 with flipped boxes, VLM-R1's REC IoU with
 * degenerate boxes, NaN confidences): those are "finite" or "finite or NaN" here, never more.
 */
final class RewardRanges {
    private RewardRanges() {}

    static void check(Task task, Profile profile, VlmR1Method method, RewardScore s, String input) {
        boolean strict = profile == Profile.STRICT;
        for (Component c : s.components()) {
            double v = c.value();
            String n = c.name();
            switch (n) {
                case "format" -> in(v, 0, 1, true, n, input);
                case "accuracy_iou" -> in(v, 0, 1, false, n, input);
                case "accuracy_confidence" -> {
                    if (!(strict ? false : Double.isNaN(v))) {
                        in(v, 0, 1, false, n, input); // NaN only in visual-rft (a NaN confidence propagates)
                    }
                }
                case "repetition" -> in(v, -1, 0, false, n, input);
                case "length_cosine" -> in(v, -0.5, 1, false, n, input);
                case "accuracy" -> accuracy(task, strict, method, v, input);
                default -> throw new AssertionError("undocumented component " + n + " for " + input);
            }
        }
        double t = s.total();
        boolean anyNaN = s.components().stream().anyMatch(c -> Double.isNaN(c.value()));
        if (!anyNaN && !Double.isFinite(t)) {
            throw new AssertionError("total " + t + " is not finite though every component is: " + input);
        }
    }

    private static void accuracy(Task task, boolean strict, VlmR1Method method, double v, String input) {
        switch (task) {
            case CLASSIFICATION -> in(v, 0, 1, true, "accuracy", input);
            case DETECTION -> throw new AssertionError("detection has no accuracy component");
            case GROUNDING -> {
                if (strict) {
                    in(v, 0, 2, false, "accuracy", input);
                } else {
                    finite(v, "grounding accuracy (GIoU + 1 is unbounded upstream)", input);
                }
            }
            case REC -> {
                if (strict) {
                    in(v, 0, 1, false, "accuracy", input);
                } else if (!Double.isNaN(v)) { // NaN: a NaN in the solution's JSON, as upstream (a fuzzing finding)
                    finite(v, "rec accuracy (upstream IoU is unbounded for degenerate boxes)", input);
                }
            }
            // pycocotools' -1 ("no ground truth left", e.g. every GT box of negative area) passes through as the
            // reward upstream, and odLength scales it: the AP methods lie in [-1, 1] (a fuzzing finding).
            case OD -> in(v, method == VlmR1Method.WEIGHTED_SUM ? 0 : -1, 1, false, "accuracy (" + method.id() + ")", input);
            case ACCURACY -> in(v, 0, 1, false, "accuracy (" + method.id() + ")", input);
        }
    }

    private static void finite(double v, String what, String input) {
        if (!Double.isFinite(v)) {
            throw new AssertionError(what + " = " + v + ", not finite, for " + input);
        }
    }

    private static void in(double v, double lo, double hi, boolean binary, String what, String input) {
        if (!(v >= lo && v <= hi) || (binary && v != lo && v != hi)) {
            throw new AssertionError(what + " = " + v + " outside " + (binary ? "{" + lo + ", " + hi + "}" : "[" + lo + ", " + hi + "]")
                    + " for " + input);
        }
    }
}
