package io.github.vrft.box;

/**
 * Visual-RFT's detection matching ({@code sort_and_calculate_iou} of grpo.py), the one implementation that
 * both the text reward and the array op ({@link DetectionMatch}) use: each prediction, in confidence order,
 * takes the first unmatched ground-truth box of strictly greatest IoU (a scan from {@code best = 0}) when
 * that float64 IoU is {@code > 0.5}. IoU is evaluated only against unmatched boxes, as upstream, so an IoU
 * function that raises raises at the same point. The kernel's twin is {@code vrft_detection_one} in
 * {@code cuda/include/vrft_math.h}.
 */
public final class GreedyMatch {
    private GreedyMatch() {}

    /** Upstream's threshold, compared with the float64 quotient {@code inter / union} (not with 2·inter > union). */
    public static final double THRESHOLD = 0.5;

    /** IoU of ground-truth box {@code gt} and the {@code k}-th prediction in confidence order; may throw. */
    @FunctionalInterface
    public interface Iou {
        /** The IoU of the pair. */
        double iou(int gt, int k);
    }

    /**
     * Matches {@code p} predictions against {@code g} ground-truth boxes, writing for prediction {@code k} the
     * matched ground-truth index (or -1) to {@code matchedGt[off + k]} and its IoU (or 0) to
     * {@code matchedIou[off + k]}.
     */
    public static void match(int p, int g, Iou fn, int off, int[] matchedGt, double[] matchedIou) {
        match(p, g, fn, off, matchedGt, matchedIou, new boolean[g]);
    }

    /** {@link #match} with caller-owned scratch: {@code used} holds at least {@code g} entries (cleared here). */
    public static void match(int p, int g, Iou fn, int off, int[] matchedGt, double[] matchedIou, boolean[] used) {
        java.util.Arrays.fill(used, 0, g, false);
        for (int k = 0; k < p; k++) {
            double best = 0;
            int bestIdx = -1;
            for (int i = 0; i < g; i++) {
                if (!used[i]) {
                    double v = fn.iou(i, k);
                    if (v > best) {
                        best = v;
                        bestIdx = i;
                    }
                }
            }
            if (best > THRESHOLD) {
                used[bestIdx] = true;
                matchedGt[off + k] = bestIdx;
                matchedIou[off + k] = best;
            } else {
                matchedGt[off + k] = -1;
                matchedIou[off + k] = 0;
            }
        }
    }
}
