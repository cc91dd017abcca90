package io.github.vrft.grpo;

/**
 * Small per-token formulas shared by the loss engines, with PyTorch's semantics: {@code clip} propagates
 * NaN, and at a tie {@code min}/{@code max} send half the gradient to each argument.
 */
final class LossMath {
    private LossMath() {}

    /** {@code clamp(v, lo, hi)}; NaN stays NaN. */
    static double clip(double v, double lo, double hi) {
        return Math.min(Math.max(v, lo), hi);
    }

    /** Backward weight of the first argument of {@code torch.minimum(a, b)}: 0 if a > b, ½ on a tie, else 1. */
    static double minWeightA(double a, double b) {
        return a > b ? 0.0 : (a == b ? 0.5 : 1.0);
    }

    /** Backward weight of the second argument of {@code torch.minimum(a, b)}. */
    static double minWeightB(double a, double b) {
        return a < b ? 0.0 : (a == b ? 0.5 : 1.0);
    }

    /** Backward weight of the first argument of {@code torch.maximum(a, b)}. */
    static double maxWeightA(double a, double b) {
        return a < b ? 0.0 : (a == b ? 0.5 : 1.0);
    }

    /** Backward weight of the second argument of {@code torch.maximum(a, b)}. */
    static double maxWeightB(double a, double b) {
        return a > b ? 0.0 : (a == b ? 0.5 : 1.0);
    }

    /** 1 when {@code lo <= v <= hi} (clamp passes the gradient, bounds inclusive), else 0. */
    static double inRange(double v, double lo, double hi) {
        return v >= lo && v <= hi ? 1.0 : 0.0;
    }

    /** The smaller of two values, ignoring NaN (numpy's nanmin of the pair): NaN only when both are NaN. */
    static double nanMin(double a, double b) {
        return Double.isNaN(a) ? b : (Double.isNaN(b) ? a : Math.min(a, b));
    }

    /** The larger of two values, ignoring NaN: NaN only when both are NaN. */
    static double nanMax(double a, double b) {
        return Double.isNaN(a) ? b : (Double.isNaN(b) ? a : Math.max(a, b));
    }

    /** A numerically stable logistic sigmoid. */
    static double sigmoid(double z) {
        if (z >= 0) {
            return 1.0 / (1.0 + Math.exp(-z));
        }
        double e = Math.exp(z);
        return e / (1.0 + e);
    }
}
