package io.github.vrft.box;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The CPU detection match-and-reward op against a plain reference of docs/rewards.md's matching and rewards. */
class DetectionMatchTest {

    /** The reference: Visual-RFT's calculate_iou, greedy in confidence order, IoU > 0.5, the two rewards. */
    static double[] reference(float[] pred, double[] conf, float[] gt, int[] matchOut) {
        int p = pred.length / 4;
        int g = gt.length / 4;
        boolean[] used = new boolean[g];
        double sIou = 0;
        double sConf = 0;
        for (int k = 0; k < p; k++) {
            double best = 0;
            int bj = -1;
            for (int j = 0; j < g; j++) {
                if (!used[j]) {
                    double v = BoxIou.visualRft(gt[4 * j], gt[4 * j + 1], gt[4 * j + 2], gt[4 * j + 3],
                            pred[4 * k], pred[4 * k + 1], pred[4 * k + 2], pred[4 * k + 3]);
                    if (v > best) {
                        best = v;
                        bj = j;
                    }
                }
            }
            if (best > 0.5) {
                used[bj] = true;
                sIou += best;
                sConf += (double) conf[k];
            } else {
                bj = -1;
                sConf += 1.0 - (double) conf[k]; // confidences are floats; the rewards are summed in double
            }
            matchOut[k] = bj;
        }
        return new double[] {p == 0 ? 0 : Math.min(1, sIou / Math.max(g, p)), p == 0 ? 0 : Math.max(0, Math.min(1, sConf / p))};
    }

    @Test
    void equalsTheReferenceOnIntegerBoxes() {
        SplittableRandom r = new SplittableRandom(31);
        for (int trial = 0; trial < 3000; trial++) {
            int p = r.nextInt(0, 12);
            int g = r.nextInt(0, 6);
            float[] gt = new float[4 * g];
            for (int k = 0; k < gt.length; k += 4) {
                gt[k] = r.nextInt(0, 300);
                gt[k + 1] = r.nextInt(0, 300);
                gt[k + 2] = gt[k] + r.nextInt(-5, 120);
                gt[k + 3] = gt[k + 1] + r.nextInt(-5, 120);
            }
            float[] pred = new float[4 * p];
            double[] conf = new double[p];
            for (int k = 0; k < p; k++) {
                int j = g > 0 && r.nextBoolean() ? r.nextInt(g) : -1;
                for (int c = 0; c < 4; c++) {
                    pred[4 * k + c] = j >= 0 ? gt[4 * j + c] + r.nextInt(-15, 16) : r.nextInt(0, 400);
                }
                conf[k] = r.nextInt(0, 101) / 100.0;
            }
            int[] match = new int[p];
            double[] ref = reference(pred, conf, gt, match);
            DetectionMatch.Result got = DetectionMatch.compute(pred, conf, new long[] {0, p}, gt, new long[] {0, g});
            assertArrayEquals(match, got.matchedGt(), "trial " + trial);
            assertEquals(ref[0], got.iouReward()[0], 0.0, "trial " + trial);
            assertEquals(ref[1], got.confidenceReward()[0], 0.0, "trial " + trial);
        }
    }

    @Test
    void theThresholdIsDecidedExactly() {
        // inter 50, union 100: IoU exactly 0.5 is not a match (the quotient is not > 0.5)
        float[] gt = {0, 0, 10, 10};
        float[] pred = {0, 0, 10, 5};
        DetectionMatch.Result r = DetectionMatch.compute(pred, new double[] {0.25}, new long[] {0, 1}, gt, new long[] {0, 1});
        assertEquals(-1, r.matchedGt()[0]);
        assertEquals(0.0, r.iouReward()[0], 0.0);
        assertEquals(0.75, r.confidenceReward()[0], 0.0);
        // a batch of three: empty, a match, a sample with no ground truth
        DetectionMatch.Result b = DetectionMatch.compute(new float[] {0, 0, 10, 10, 1, 1, 2, 2}, new double[] {0.9, 0.4},
                new long[] {0, 0, 1, 2}, new float[] {0, 0, 10, 10}, new long[] {0, 0, 1, 1});
        assertArrayEquals(new double[] {0, 1, 0}, b.iouReward(), 0.0);
        assertArrayEquals(new int[] {0, -1}, b.matchedGt());
        assertEquals(0.9, b.confidenceReward()[1], 0.0);
        assertEquals(0.6, b.confidenceReward()[2], 0.0);
    }

    @Test
    void onFloat32BoxesTheQuotientAndTwoInterAboveUnionAgree() {
        // For doubles inter and union, 2·inter > union exactly implies inter/union > 0.5 + 2^-54, which rounds
        // above 0.5 (and float32 inputs cannot overflow a double product), so the kernel's quotient decision
        // equals the comparison in exact arithmetic on float32 boxes. Checked on boxes near the threshold.
        SplittableRandom r = new SplittableRandom(5);
        int near = 0;
        for (int trial = 0; trial < 200_000; trial++) {
            float w = (float) (1 + r.nextDouble() * 1000);
            float h = (float) (1 + r.nextDouble() * 1000);
            float pw = (float) (w * (0.70 + r.nextDouble() * 0.02)); // pred inside gt: IoU = pw·ph / (w·h)
            float ph = (float) (h * 0.5 / ((double) pw / w) * (1 + (r.nextDouble() - 0.5) * 1e-6));
            if (ph > h) {
                continue;
            }
            double inter = (double) pw * ph;
            double union = (double) w * h + inter - inter;
            double q = BoxIou.visualRft(0, 0, w, h, 0, 0, pw, ph);
            near += Math.abs(q - 0.5) < 1e-6 ? 1 : 0;
            assertEquals(2 * inter > union, q > 0.5, () -> "w " + w + " h " + h + " pw " + pw + " ph " + ph);
        }
        assertTrue(near > 100_000, "boxes near the threshold: " + near);
    }

    @Test
    void badShapesNameTheArgument() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DetectionMatch.compute(new float[4], new double[2], new long[] {0, 1}, new float[4], new long[] {0, 1}));
        assertEquals("conf must hold one confidence per predicted box (1), got 2", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> DetectionMatch.compute(new float[4], new double[1], new long[] {0, 1}, new float[4], new long[] {0, 0, 1}));
        assertEquals("gtOff has 3 entries, expected predOff's 2", e.getMessage());
    }
}
