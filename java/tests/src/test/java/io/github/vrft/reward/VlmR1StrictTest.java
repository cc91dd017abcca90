package io.github.vrft.reward;

import org.junit.jupiter.api.Test;

import java.util.EnumSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Profile strict on VLM-R1's tasks: the upstream failures docs/rewards.md §2.2-§2.3 describes (REC's inclusive IoU, prose against an empty solution, the unlabelled weighted_sum match, the cosine reward ignoring accuracy) fixed. */
class VlmR1StrictTest {
    private static final RewardScorer STRICT = new RewardScorer(RewardOptions.of(Profile.STRICT)
            .withExtraRewards(EnumSet.allOf(ExtraReward.class)));
    private static final RewardScorer FAITHFUL = new RewardScorer(RewardOptions.of(Profile.VLM_R1)
            .withExtraRewards(EnumSet.allOf(ExtraReward.class)));
    private static final String GT = "<answer> ```json\n[{\"bbox_2d\": [100, 100, 200, 200], \"label\": \"cat\"}]\n``` </answer>";
    private static final String THINK = "<think>x</think><answer>";

    @Test
    void aMatchWithoutALabelIsAWrongLabelNotACrash() {
        String c = THINK + "```json\n[{\"bbox_2d\": [100, 100, 200, 200]}]\n```</answer>";
        RewardScore f = FAITHFUL.score(Task.OD, c, GT, VlmR1Inputs.method(VlmR1Method.WEIGHTED_SUM));
        assertTrue(f.diagnostics().get("accuracy").startsWith("upstream raises UnboundLocalError"), f.diagnostics().toString());
        RewardScore s = STRICT.score(Task.OD, c, GT, VlmR1Inputs.method(VlmR1Method.WEIGHTED_SUM));
        // matched with a wrong label: position 0, completeness 1 -> 0.3
        assertEquals(0.3, s.value("accuracy"), 1e-12);
        assertTrue(Double.isFinite(s.value("length_cosine")));
    }

    @Test
    void proseAgainstAnEmptySolutionScoresZero() {
        String none = "<answer> None </answer>";
        String prose = THINK + "There is no cat.</answer>";
        assertEquals(1.0, FAITHFUL.score(Task.OD, prose, none, VlmR1Inputs.method(VlmR1Method.OD_AP)).value("accuracy"));
        assertEquals(0.0, STRICT.score(Task.OD, prose, none, VlmR1Inputs.method(VlmR1Method.OD_AP)).value("accuracy"));
        assertEquals(1.0, STRICT.score(Task.OD, THINK + "None</answer>", none, VlmR1Inputs.method(VlmR1Method.OD_AP)).value("accuracy"));
        assertEquals(1.0, STRICT.score(Task.OD, THINK + "```json\n[]\n```</answer>", "<answer> ```json\n[]\n``` </answer>",
                VlmR1Inputs.method(VlmR1Method.OD_AP)).value("accuracy"));
    }

    @Test
    void cosineReadsTheAccuracyAndClampsTheLength() {
        String wrong = THINK + "```json\n[{\"bbox_2d\": [500, 500, 600, 600], \"label\": \"cat\"}]\n```</answer>";
        VlmR1Inputs in = VlmR1Inputs.method(VlmR1Method.OD_AP).withCompletionTokens(2048);
        // upstream: cos(2pi) = 1, so 2048 tokens score like 0 tokens
        assertEquals(1.0, FAITHFUL.score(Task.OD, wrong, GT, in).value("length_cosine"), 1e-12);
        // strict: a wrong answer (weighted_sum 0 < 0.7) runs from -0.5 at length 0 to 0 at 1024 (Cosine scaled
        // reward, arXiv 2502.03373), and 2048 tokens are clamped to 1024 instead of wrapping around
        assertEquals(0.0, STRICT.score(Task.OD, wrong, GT, in).value("length_cosine"), 1e-12);
        assertEquals(-0.5, STRICT.score(Task.OD, wrong, GT, in.withCompletionTokens(0)).value("length_cosine"), 1e-12);
    }

    @Test
    void recScoresTheContinuousIouAndNoNegativeZero() {
        String gt = "<answer> [100, 120, 300, 360] </answer>";
        VlmR1Inputs internvl = VlmR1Inputs.rec(RecModel.INTERNVL, null, null);
        String onePixel = THINK + "[299, 120, 400, 360]</answer>";
        assertEquals(0.0, FAITHFUL.score(Task.REC, onePixel, gt, internvl).value("accuracy"));
        assertEquals(240.0 / 72000.0, STRICT.score(Task.REC, onePixel, gt, internvl).value("accuracy"), 1e-15);
        String flipped = THINK + "[300, 120, 100, 360]</answer>";
        double s = STRICT.score(Task.REC, flipped, gt, internvl).value("accuracy");
        assertEquals(0.0, s);
        assertEquals(Double.POSITIVE_INFINITY, 1 / s, "strict gives +0.0");
    }

    @Test
    void profilesRefuseTheOtherRepositorysTasks() {
        RewardScorer visualRft = new RewardScorer(RewardOptions.defaults());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> visualRft.score(Task.OD, "x", GT));
        assertTrue(e.getMessage().startsWith("task: od is a VLM-R1 task"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> FAITHFUL.score(Task.DETECTION, "x", "y"));
        assertTrue(e.getMessage().startsWith("task: detection is a Visual-RFT task"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> FAITHFUL.score(Task.REC, "x", "<answer>[1,2,3,4]</answer>"));
        assertTrue(e.getMessage().startsWith("imageSizeWh/imageGridThw"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new VlmR1Inputs(RecModel.QWEN, null, new int[] {0, 1}, null, null, false));
        assertTrue(e.getMessage().startsWith("imageSizeWh"), e.getMessage());
    }
}
