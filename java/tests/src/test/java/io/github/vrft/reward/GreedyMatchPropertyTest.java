package io.github.vrft.reward;

import io.github.vrft.box.GreedyMatch;
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
            int[] matchedGt = new int[p];
            double[] matchedIou = new double[p];
            GreedyMatch.match(p, g, (i, k) -> m[i][k], 0, matchedGt, matchedIou);
            boolean[] taken = new boolean[g];
            for (int k = 0; k < p; k++) {
                int gi = matchedGt[k];
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
                    assertEquals(m[gi][k], matchedIou[k], 0.0);
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

    @Test
    void theThresholdIsUpstreamsRoundedQuotientNotTwoInterAboveUnion() {
        // Python ints: inter = 2^61 (the prediction lies inside the ground truth), union = 2^62 - 1. Exactly,
        // 2·inter > union; Python's int / int rounds 2^61 / (2^62 - 1) to 0.5 (python3: == 0.5 is True), and
        // upstream's `max_iou > 0.5` is then false: no match, so accuracy_iou is 0 and the confidence term is
        // 1 - 0.25.
        RewardScorer s = new RewardScorer(RewardOptions.defaults());
        String gt = "<answer>[{'Position': [0, 0, 2147483647, 2147483649], 'Confidence': 1}]</answer>";
        String pred = "<think>x</think><answer>[{'Position': [0, 0, 1073741824, 2147483648], 'Confidence': 0.25}]</answer>";
        RewardScore r = s.score(Task.DETECTION, pred, gt);
        assertEquals(0.0, r.value("accuracy_iou"), 0.0);
        assertEquals(0.75, r.value("accuracy_confidence"), 0.0);
        // One unit smaller ground truth (union 2^62 - 2^31 - 2): the quotient rounds above 0.5, a match.
        String gt2 = "<answer>[{'Position': [0, 0, 2147483646, 2147483649], 'Confidence': 1}]</answer>";
        RewardScore r2 = s.score(Task.DETECTION, pred, gt2);
        assertEquals(Math.pow(2, 61) / (2147483646.0 * 2147483649.0), r2.value("accuracy_iou"), 1e-15);
        assertTrue(r2.value("accuracy_iou") > 0.5);
        assertEquals(0.25, r2.value("accuracy_confidence"), 0.0);
    }
}
