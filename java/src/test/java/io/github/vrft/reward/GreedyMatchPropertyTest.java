package io.github.vrft.reward;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Properties of the confidence-ordered greedy matcher on random IoU matrices: one-to-one, strict {@code > 0.5},
 * each prediction (in confidence order) takes the first of the best still-free ground-truth boxes.
 */
class GreedyMatchPropertyTest {

    @Test
    void oneToOneGreedyFirstMaximum() {
        SplittableRandom r = new SplittableRandom(11);
        for (int trial = 0; trial < 20_000; trial++) {
            int p = r.nextInt(0, 14);
            int g = r.nextInt(0, 14);
            double[][] m = new double[g][p];
            for (int i = 0; i < g; i++) {
                for (int k = 0; k < p; k++) {
                    // coarse values so ties and the exact 0.5 threshold are common
                    m[i][k] = r.nextInt(5) == 0 ? 0 : r.nextInt(0, 9) / 8.0;
                }
            }
            DetectionReward.Match match = DetectionReward.greedyMatch(p, g, (i, k) -> m[i][k]);
            boolean[] taken = new boolean[g];
            for (int k = 0; k < p; k++) {
                int gi = match.gt()[k];
                // best over the boxes still free when prediction k chooses, first index on ties
                double best = 0;
                int bestIdx = -1;
                for (int i = 0; i < g; i++) {
                    if (!taken[i] && m[i][k] > best) {
                        best = m[i][k];
                        bestIdx = i;
                    }
                }
                if (best > 0.5) {
                    assertEquals(bestIdx, gi, "trial " + trial + " prediction " + k);
                    assertEquals(m[gi][k], match.iou()[k], 0.0);
                    assertFalse(taken[gi], "ground truth matched twice");
                    taken[gi] = true;
                } else {
                    assertEquals(-1, gi, "matched at IoU <= 0.5");
                }
            }
        }
    }

    @Test
    void confidenceOrderAndTiesByPositionThroughTheScorer() {
        RewardScorer s = new RewardScorer(RewardOptions.defaults());
        String gt = "<answer>[{'Position': [10, 15, 110, 115], 'Confidence': 1}]</answer>";
        // The higher-confidence prediction claims the only ground-truth box, wherever it is listed.
        String lowFirst = "<think>x</think><answer>[{'Position': [10, 15, 110, 115], 'Confidence': 0.2}, "
                + "{'Position': [12, 17, 112, 117], 'Confidence': 0.9}]</answer>";
        RewardScore a = s.score(Task.DETECTION, lowFirst, gt);
        // matched: the 0.9 box (IoU 0.9231, confidence 0.9); unmatched: exact box with confidence 0.2 -> 0.8
        double iou = 98.0 * 98 / (100.0 * 100 + 100 * 100 - 98 * 98);
        assertEquals(iou / 2, a.value("accuracy_iou"), 1e-15);
        assertEquals((0.9 + (1 - 0.2)) / 2, a.value("accuracy_confidence"), 1e-15);
        // Equal confidence: the first listed wins (stable sort).
        String tie = "<think>x</think><answer>[{'Position': [12, 17, 112, 117], 'Confidence': 0.5}, "
                + "{'Position': [10, 15, 110, 115], 'Confidence': 0.5}]</answer>";
        assertEquals(iou / 2, s.score(Task.DETECTION, tie, gt).value("accuracy_iou"), 1e-15);
        assertTrue(s.score(Task.DETECTION, tie, gt).value("accuracy_iou") < 0.5);
    }
}
