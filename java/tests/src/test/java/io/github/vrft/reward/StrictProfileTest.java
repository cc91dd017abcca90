package io.github.vrft.reward;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The strict profile: the upstream quirks of docs/rewards.md §4 corrected, the rest as the faithful profile. */
class StrictProfileTest {
    private final RewardScorer strict = new RewardScorer(RewardOptions.of(Profile.STRICT));
    private final RewardScorer faithful = new RewardScorer(RewardOptions.defaults());

    private static String cls(String answer) {
        return "<think>x</think> <answer>" + answer + "</answer>";
    }

    @Test
    void classificationIsANormalisedExactMatch() {
        String gt = "<answer>garden phlox</answer>";
        assertEquals(1.0, strict.score(Task.CLASSIFICATION, cls("Garden_Phlox"), gt).value("accuracy"));
        // faithful quirks (golden cls_blank_answer, cls_multi_guess; spec: "phlox" for "garden phlox")
        for (String hack : new String[] {"   ", "rose or garden phlox or tulip", "phlox"}) {
            assertEquals(1.0, faithful.score(Task.CLASSIFICATION, cls(hack), gt).value("accuracy"), hack);
            RewardScore s = strict.score(Task.CLASSIFICATION, cls(hack), gt);
            assertEquals(0.0, s.value("accuracy"), hack);
            assertTrue(s.diagnostics().containsKey("accuracy"));
        }
        assertEquals("blank answer", strict.score(Task.CLASSIFICATION, cls("  "), gt).diagnostics().get("accuracy"));
    }

    @Test
    void lisaUsesTheFirstBoxOwnCornersAndClampsGiou() {
        String gt = "<answer> (100,200),(400,600) </answer>";
        String two = "<think>x</think>\n<answer>(100,200),(400,600) and (500,500),(700,700)</answer>";
        assertEquals(1.5375, faithful.score(Task.GROUNDING, two, gt).value("accuracy"), 1e-12); // golden
        assertEquals(2.0, strict.score(Task.GROUNDING, two, gt).value("accuracy"), 0.0);
        // flipped on one axis: faithful can go to 0 or below (golden lisa_degenerate_x_only), strict reorders
        String flipped = "<think>x</think>\n<answer>(400,200),(100,600)</answer>";
        assertEquals(0.0, faithful.score(Task.GROUNDING, flipped, gt).value("accuracy"), 1e-12);
        assertEquals(2.0, strict.score(Task.GROUNDING, flipped, gt).value("accuracy"), 0.0);
        // no string override: equal strings with no box score 0 in strict, 2.0 upstream
        String noBox = "<answer>the cup</answer>";
        assertEquals(2.0, faithful.score(Task.GROUNDING, "<answer>the cup</answer>", noBox).value("accuracy"));
        assertEquals(0.0, strict.score(Task.GROUNDING, "<answer>the cup</answer>", noBox).value("accuracy"));
        // disjoint boxes far apart: hull 1, union 0.000001 + 0.01, IoU 0 -> GIoU + 1 = 0.010001
        double v = strict.score(Task.GROUNDING, "<answer>(0,0),(1,1)</answer>", "<answer>(900,900),(1000,1000)</answer>").value("accuracy");
        assertEquals(0.010001, v, 1e-12);
    }

    @Test
    void detectionConfidencesMustBeInUnitInterval() {
        String gt = "<answer>[{'Position': [120, 130, 320, 330], 'Confidence': 1}]</answer>";
        String over = "<think>x</think> <answer>[{'Position': [122, 133, 321, 330], 'Confidence': 1.7}]</answer>";
        assertEquals(1.0, faithful.score(Task.DETECTION, over, gt).value("accuracy_confidence")); // golden: clamped
        RewardScore s = strict.score(Task.DETECTION, over, gt);
        assertEquals(0.0, s.value("accuracy_confidence"));
        assertEquals(0.0, s.value("accuracy_iou"));
        assertTrue(s.diagnostics().get("accuracy_confidence").contains("outside [0, 1]"));
        String ok = "<think>x</think> <answer>[{'Position': [122, 133, 321, 330], 'Confidence': 0.7}]</answer>";
        assertEquals(faithful.score(Task.DETECTION, ok, gt).total(), strict.score(Task.DETECTION, ok, gt).total());
    }

    @Test
    void theGateBelongsToTheFaithfulProfileOnly() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new RewardOptions(Profile.STRICT, MathVerifyGate.FIRST_Y1));
        assertTrue(e.getMessage().startsWith("mathVerifyGate"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Profile.parse("visual_rft_2"));
        assertEquals(Profile.VISUAL_RFT, Profile.parse("visual_rft"));
        assertThrows(IllegalArgumentException.class, () -> Task.parse("segmentation"));
        assertEquals(Task.GROUNDING, Task.parse("grounding_lisa"));
    }
}
