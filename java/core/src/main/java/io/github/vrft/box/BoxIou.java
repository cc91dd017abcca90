package io.github.vrft.box;

/**
 * IoU formulas of the reward functions, in double, on boxes {@code (x1, y1, x2, y2)}.
 *
 * <p>Each keeps its upstream's order of operations and its {@code max}/{@code min} argument order (Python's
 * {@code max(a, b)} returns {@code a} unless {@code b > a}), so NaN and infinite coordinates give the same
 * result as upstream. The CUDA kernels implement the same formulas (cuda/include/vrft_math.h).
 */
public final class BoxIou {
    private BoxIou() {}

    /** Python's {@code max(a, b)}. */
    static double pyMax(double a, double b) {
        return b > a ? b : a;
    }

    /** Python's {@code min(a, b)}. */
    static double pyMin(double a, double b) {
        return b < a ? b : a;
    }

    /**
     * Visual-RFT {@code calculate_iou} (grpo.py): continuous, no +1, 0 when the intersection is empty or
     * either box is degenerate ({@code x2 <= x1} or {@code y2 <= y1}). Box {@code a} is the ground truth.
     * Never divides by zero: a non-empty intersection implies a positive union (or NaN with infinities).
     */
    public static double visualRft(double ax1, double ay1, double ax2, double ay2,
                                   double bx1, double by1, double bx2, double by2) {
        double xi1 = pyMax(ax1, bx1);
        double yi1 = pyMax(ay1, by1);
        double xi2 = pyMin(ax2, bx2);
        double yi2 = pyMin(ay2, by2);
        if (xi2 <= xi1 || yi2 <= yi1) {
            return 0.0;
        }
        double inter = (xi2 - xi1) * (yi2 - yi1);
        double area1 = (ax2 - ax1) * (ay2 - ay1);
        double area2 = (bx2 - bx1) * (by2 - by1);
        double union = area1 + area2 - inter;
        return inter / union;
    }

    /**
     * Visual-RFT LISA {@code compute_giou} + 1 (grpo_lisa.py), unclamped: a box flipped on one axis has a
     * negative area and can push the result below 0. Box {@code a} is the ground truth.
     */
    public static double lisaGiouPlusOne(double ax1, double ay1, double ax2, double ay2,
                                         double bx1, double by1, double bx2, double by2) {
        double xi1 = pyMax(ax1, bx1);
        double yi1 = pyMax(ay1, by1);
        double xi2 = pyMin(ax2, bx2);
        double yi2 = pyMin(ay2, by2);
        double w = pyMax(0, xi2 - xi1);
        double h = pyMax(0, yi2 - yi1);
        double inter = w * h;
        double areaA = (ax2 - ax1) * (ay2 - ay1);
        double areaB = (bx2 - bx1) * (by2 - by1);
        double union = areaA + areaB - inter;
        double iou = union > 0 ? inter / union : 0;
        double cx1 = pyMin(ax1, bx1);
        double cy1 = pyMin(ay1, by1);
        double cx2 = pyMax(ax2, bx2);
        double cy2 = pyMax(ay2, by2);
        double c = (cx2 - cx1) * (cy2 - cy1);
        double giou = c > 0 ? iou - (c - union) / c : iou;
        return giou + 1;
    }

    /**
     * Generalised IoU in [-1, 1] for well-formed boxes, the {@code strict} profile's grounding score: corners
     * are ordered first, so a flipped box is the same box, and the result is clamped to [-1, 1].
     */
    public static double giouClamped(double ax1, double ay1, double ax2, double ay2,
                                     double bx1, double by1, double bx2, double by2) {
        double a1 = Math.min(ax1, ax2), a2 = Math.max(ax1, ax2), a3 = Math.min(ay1, ay2), a4 = Math.max(ay1, ay2);
        double b1 = Math.min(bx1, bx2), b2 = Math.max(bx1, bx2), b3 = Math.min(by1, by2), b4 = Math.max(by1, by2);
        double w = Math.max(0, Math.min(a2, b2) - Math.max(a1, b1));
        double h = Math.max(0, Math.min(a4, b4) - Math.max(a3, b3));
        double inter = w * h;
        double union = (a2 - a1) * (a4 - a3) + (b2 - b1) * (b4 - b3) - inter;
        double iou = union > 0 ? inter / union : 0;
        double c = (Math.max(a2, b2) - Math.min(a1, b1)) * (Math.max(a4, b4) - Math.min(a3, b3));
        double giou = c > 0 ? iou - (c - union) / c : iou;
        if (Double.isNaN(giou)) {
            return -1;
        }
        return Math.max(-1, Math.min(1, giou));
    }
}
