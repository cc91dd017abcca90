package io.github.vrft.box;

import io.github.vrft.Checks;

/**
 * The detection match-and-reward op on boxes that are already parsed: per completion, its predictions (in
 * confidence order, de-duplicated, as the reward parse leaves them) against its ground truth, greedy
 * one-to-one (each prediction takes the first unmatched ground-truth box of strictly greatest IoU), matched
 * when IoU &gt; 0.5, then Visual-RFT's accuracy_iou and accuracy_confidence. This is the CPU twin of
 * {@code vrft_detection_one} in {@code cuda/include/vrft_math.h}, statement for statement, including the
 * exact threshold decision {@code 2·inter > union} in double (the CUDA issue's contract; the text reward
 * path decides on the rounded IoU as upstream does, which differs only where the IoU rounds to 0.5).
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
    public static Result compute(float[] pred, float[] conf, long[] predOff, float[] gt, long[] gtOff) {
        int batch = checkBatch(pred, conf, predOff, gt, gtOff);
        double[] iouReward = new double[batch];
        double[] confReward = new double[batch];
        int[] match = new int[pred.length / 4];
        for (int i = 0; i < batch; i++) {
            one(pred, conf, (int) predOff[i], (int) (predOff[i + 1] - predOff[i]), gt, (int) gtOff[i],
                    (int) (gtOff[i + 1] - gtOff[i]), match, iouReward, confReward, i);
        }
        return new Result(iouReward, confReward, match);
    }

    /**
     * The argument checks every backend applies before it runs the op.
     *
     * @return the batch size
     * @throws IllegalArgumentException naming the argument whose offsets or lengths do not fit
     */
    public static int checkBatch(float[] pred, float[] conf, long[] predOff, float[] gt, long[] gtOff) {
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

    private static double pyMax(double a, double b) {
        return b > a ? b : a;
    }

    private static double pyMin(double a, double b) {
        return b < a ? b : a;
    }

    private static void one(float[] pred, float[] conf, int p0, int p, float[] gt, int g0, int g, int[] match,
                            double[] iouReward, double[] confReward, int i) {
        boolean[] used = new boolean[g];
        double sIou = 0.0;
        double sConf = 0.0;
        for (int k = 0; k < p; k++) {
            int b = 4 * (p0 + k);
            double best = 0.0;
            double bestInter = 0.0;
            double bestUni = 1.0;
            int bestJ = -1;
            for (int j = 0; j < g; j++) {
                if (used[j]) {
                    continue;
                }
                int a = 4 * (g0 + j);
                double xi1 = pyMax(gt[a], pred[b]);
                double yi1 = pyMax(gt[a + 1], pred[b + 1]);
                double xi2 = pyMin(gt[a + 2], pred[b + 2]);
                double yi2 = pyMin(gt[a + 3], pred[b + 3]);
                if (xi2 <= xi1 || yi2 <= yi1) {
                    continue;
                }
                double inter = (xi2 - xi1) * (yi2 - yi1);
                double uni = ((double) gt[a + 2] - gt[a]) * ((double) gt[a + 3] - gt[a + 1])
                        + ((double) pred[b + 2] - pred[b]) * ((double) pred[b + 3] - pred[b + 1]) - inter;
                double iou = inter / uni;
                if (iou > best) {
                    best = iou;
                    bestJ = j;
                    bestInter = inter;
                    bestUni = uni;
                }
            }
            double c = conf[p0 + k];
            if (bestJ >= 0 && 2.0 * bestInter > bestUni) {
                used[bestJ] = true;
                match[p0 + k] = bestJ;
                sIou += best;
                sConf += c;
            } else {
                match[p0 + k] = -1;
                sConf += 1.0 - c;
            }
        }
        double r = p == 0 ? 0.0 : sIou / (double) Math.max(g, p);
        double cr = p == 0 ? 0.0 : sConf / (double) p;
        iouReward[i] = r > 1 ? 1.0 : r;
        confReward[i] = cr > 1 ? 1.0 : (cr < 0 ? 0.0 : cr);
    }
}
