package io.github.vrft.box;

import io.github.vrft.Checks;

/**
 * The detection match-and-reward op on boxes that are already parsed: per completion, its predictions (in
 * confidence order, de-duplicated, as the reward parse leaves them) against its ground truth, matched by
 * {@link GreedyMatch} (upstream's float64 IoU &gt; 0.5), then Visual-RFT's accuracy_iou and
 * accuracy_confidence by {@link #rewards}. The text reward uses the same two functions; the kernel's twin
 * is {@code vrft_detection_one} in {@code cuda/include/vrft_math.h}. Coordinates are float32 (exact for the
 * integer pixel coordinates models write), confidences float64 (the Python floats they came from).
 */
public final class DetectionMatch {
    private DetectionMatch() {}

    /** Per completion: accuracy_iou and accuracy_confidence; per prediction: the matched ground-truth index or -1. */
    public record Result(double[] iouReward, double[] confidenceReward, int[] matchedGt) {
        /** Equal when the three arrays are, by content (a record would compare them by identity). */
        @Override
        public boolean equals(Object o) {
            return o instanceof Result r && java.util.Arrays.equals(iouReward, r.iouReward)
                    && java.util.Arrays.equals(confidenceReward, r.confidenceReward)
                    && java.util.Arrays.equals(matchedGt, r.matchedGt);
        }

        @Override
        public int hashCode() {
            return java.util.Objects.hash(java.util.Arrays.hashCode(iouReward),
                    java.util.Arrays.hashCode(confidenceReward), java.util.Arrays.hashCode(matchedGt));
        }

        @Override
        public String toString() {
            return "DetectionMatch.Result[iouReward=" + java.util.Arrays.toString(iouReward) + ", confidenceReward="
                    + java.util.Arrays.toString(confidenceReward) + ", matchedGt=" + java.util.Arrays.toString(matchedGt) + "]";
        }
    }

    /**
     * Matches and scores a batch: completion i's predictions {@code pred[predOff[i]..predOff[i+1])} (xyxy,
     * 4 floats a box) with confidences {@code conf}, against {@code gt[gtOff[i]..gtOff[i+1])}.
     *
     * @throws IllegalArgumentException naming the argument whose offsets or lengths do not fit
     */
    public static Result compute(float[] pred, double[] conf, long[] predOff, float[] gt, long[] gtOff) {
        int batch = checkBatch(pred, conf, predOff, gt, gtOff);
        double[] iouReward = new double[batch];
        double[] confReward = new double[batch];
        int[] match = new int[pred.length / 4];
        double[] matchedIou = new double[match.length];
        double[] unmatchedConf = new double[match.length];
        int maxG = 0;
        for (int i = 0; i < batch; i++) {
            maxG = (int) Math.max(maxG, gtOff[i + 1] - gtOff[i]);
        }
        boolean[] used = new boolean[maxG];
        FloatBoxes boxes = new FloatBoxes(pred, gt);
        for (int i = 0; i < batch; i++) {
            one(boxes, used, conf, (int) predOff[i], (int) (predOff[i + 1] - predOff[i]), (int) gtOff[i],
                    (int) (gtOff[i + 1] - gtOff[i]), match, matchedIou, unmatchedConf, iouReward, confReward, i);
        }
        return new Result(iouReward, confReward, match);
    }

    /**
     * The argument checks every backend applies before it runs the op.
     *
     * @return the batch size
     * @throws IllegalArgumentException naming the argument whose offsets or lengths do not fit
     */
    public static int checkBatch(float[] pred, double[] conf, long[] predOff, float[] gt, long[] gtOff) {
        int batch = RaggedBoxes.checkOffsets(pred, predOff, "pred", "predOff");
        if (RaggedBoxes.checkOffsets(gt, gtOff, "gt", "gtOff") != batch) {
            throw new IllegalArgumentException("gtOff has " + gtOff.length + " entries, expected predOff's " + predOff.length);
        }
        Checks.notNull(conf, "conf");
        if (conf.length != pred.length / 4) {
            throw new IllegalArgumentException("conf must hold one confidence per predicted box (" + pred.length / 4
                    + "), got " + conf.length);
        }
        return batch;
    }

    /**
     * Visual-RFT's {@code accuracy_iou} and {@code accuracy_confidence} of one completion from its matching:
     * the matched IoUs summed over {@code max(g, p)} and capped at 1; the confidences of matched boxes and
     * {@code 1 - confidence} of unmatched ones (given as {@code unmatchedConf}, which the text path computes in
     * Python arithmetic) averaged and clamped to [0, 1]. Prediction {@code k} is at index {@code off + k}.
     *
     * The results go to {@code iouOut[at]} and {@code confOut[at]}; both are 0 when {@code p == 0}.
     */
    public static void rewards(int p, int g, int off, int[] matchedGt, double[] matchedIou, double[] conf,
                               double[] unmatchedConf, double[] iouOut, double[] confOut, int at) {
        double sIou = 0.0;
        double sConf = 0.0;
        for (int k = off; k < off + p; k++) {
            if (matchedGt[k] >= 0) {
                sIou += matchedIou[k];
                sConf += conf[k];
            } else {
                sIou += 0; // upstream adds iou * 0 terms: -0.0 + 0 is +0.0
                sConf += unmatchedConf[k];
            }
        }
        double r = p == 0 ? 0.0 : sIou / (double) Math.max(g, p);
        double cr = p == 0 ? 0.0 : sConf / (double) p;
        iouOut[at] = r > 1 ? 1.0 : r;
        confOut[at] = cr > 1 ? 1.0 : (cr < 0 ? 0.0 : cr);
    }

    /** IoU of a completion's float32 boxes: one instance per batch, repositioned per completion. */
    private static final class FloatBoxes implements GreedyMatch.Iou {
        private final float[] pred;
        private final float[] gt;
        private int p0;
        private int g0;

        FloatBoxes(float[] pred, float[] gt) {
            this.pred = pred;
            this.gt = gt;
        }

        @Override
        public double iou(int j, int k) {
            int a = 4 * (g0 + j);
            int b = 4 * (p0 + k);
            return BoxIou.visualRft(gt[a], gt[a + 1], gt[a + 2], gt[a + 3], pred[b], pred[b + 1], pred[b + 2], pred[b + 3]);
        }
    }

    private static void one(FloatBoxes boxes, boolean[] used, double[] conf, int p0, int p, int g0, int g, int[] match,
                            double[] matchedIou, double[] unmatchedConf, double[] iouReward, double[] confReward, int i) {
        boxes.p0 = p0;
        boxes.g0 = g0;
        GreedyMatch.match(p, g, boxes, p0, match, matchedIou, used);
        for (int k = p0; k < p0 + p; k++) {
            unmatchedConf[k] = 1.0 - conf[k];
        }
        rewards(p, g, p0, match, matchedIou, conf, unmatchedConf, iouReward, confReward, i);
    }
}
