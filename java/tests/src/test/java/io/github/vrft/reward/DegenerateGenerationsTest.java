package io.github.vrft.reward;

import org.junit.jupiter.api.Test;

import io.github.vrft.WarmTiming;

import java.util.EnumSet;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The degenerate generations of a collapsing policy (long runs of one digit, space, tag, bracket or box;
 * near-identical long answers; hundreds of boxes and labels), each reproduction of issue 14 at its reported
 * size: every one scores without an exception, with the value upstream gives, in under 10 ms (the best of a
 * few warm runs, uninstrumented).
 */
class DegenerateGenerationsTest {
    static final long BUDGET_NANOS = WarmTiming.BUDGET_NANOS;

    private static final RewardScorer VISUAL = new RewardScorer(RewardOptions.defaults());
    private static final RewardScorer VISUAL_GATE =
            new RewardScorer(RewardOptions.defaults().withMathVerifyGate(MathVerifyGate.FIRST_Y1));
    private static final RewardScorer VISUAL_STRICT = new RewardScorer(RewardOptions.of(Profile.STRICT));
    private static final RewardScorer VLM = new RewardScorer(RewardOptions.of(Profile.VLM_R1)
            .withExtraRewards(EnumSet.allOf(ExtraReward.class)));
    private static final RewardScorer VLM_STRICT = new RewardScorer(RewardOptions.of(Profile.STRICT)
            .withExtraRewards(EnumSet.allOf(ExtraReward.class)));
    private static final RewardScorer VLM_GATE = new RewardScorer(RewardOptions.of(Profile.VLM_R1)
            .withMathVerifyGate(MathVerifyGate.FIRST_Y1));

    static RewardScore timed(String what, Supplier<RewardScore> f) {
        RewardScore s = WarmTiming.within(what, BUDGET_NANOS, f);
        assertNotNull(s);
        for (Component c : s.components()) {
            assertTrue(c.reason() == null || !c.reason().startsWith("internal error"), what + ": " + c);
        }
        return s;
    }

    private static String rep(String s, int n) {
        return s.repeat(n);
    }

    // ---- 1. recursion proportional to the input ---------------------------------------------------------

    @Test
    void thousandsOfDigitsInANumericAnswer() {
        for (String digit : new String[] {"1", "\u0661", "\uD835\uDFCF"}) { // ASCII, Arabic-Indic, mathematical bold
            for (RewardScorer scorer : new RewardScorer[] {VLM, VLM_STRICT}) {
                String big = "<answer>" + rep(digit, 3000) + "</answer>";
                RewardScore a = timed("digits in the completion", () -> scorer.score(Task.ACCURACY, big, "<answer>5</answer>"));
                // float('1' * 3000) is inf in Python; inf != 5
                assertEquals(0.0, a.value("accuracy"), digit);
                RewardScore b = timed("digits in the solution", () -> scorer.score(Task.ACCURACY, "<answer>5</answer>", big));
                assertEquals(0.0, b.value("accuracy"), digit);
                RewardScore c = timed("digits on both sides", () -> scorer.score(Task.ACCURACY, big, big));
                assertEquals(1.0, c.value("accuracy"), digit);
            }
        }
    }

    // ---- 2. backtracking regexes ------------------------------------------------------------------------

    @Test
    void mathVerifyGateOnLongRunsOfSpaces() {
        for (String space : new String[] {" ", "\t", "\u3000", "\u00a0"}) {
            String c = "<think>x</think><answer>final answer is" + rep(space, 40_000) + "x</answer>";
            RewardScore s = timed("gate, 40,000 spaces", () -> VISUAL_GATE.score(Task.CLASSIFICATION, c, "<answer>cat</answer>"));
            assertEquals(false, s.gateFired());
            String n = "final answer is" + rep(space, 20_000) + ":" + rep(space, 20_000) + "42";
            assertEquals(Double.valueOf(42), MathVerifyEmulation.extract(n));
            timed("vlm gate", () -> VLM_GATE.score(Task.ACCURACY, "<answer>" + n + "</answer>", "<answer>42</answer>"));
        }
    }

    @Test
    void groundingPairsInLongRuns() {
        String c = "<answer>(" + rep(" ", 30_000) + rep("1", 30_000) + "</answer>";
        RewardScore s = timed("grounding", () -> VISUAL.score(Task.GROUNDING, c, "<answer> (100,200),(400,600) </answer>"));
        assertEquals(0.0, s.value("accuracy"));
        String many = "<answer>" + rep("(1,2),(", 9000) + "</answer>";
        timed("grounding, many opens", () -> VISUAL_STRICT.score(Task.GROUNDING, many, "<answer> (100,200),(400,600) </answer>"));
    }

    // ---- 3. super-linear algorithms ---------------------------------------------------------------------

    @Test
    void classificationContainmentOfNearIdenticalStrings() {
        String st = "<answer>" + rep("a", 48_000) + "</answer>";
        String gt = "<answer>" + rep("a", 15_999) + "b</answer>";
        RewardScore s = timed("containment", () -> VISUAL.score(Task.CLASSIFICATION, st, gt));
        assertEquals(0.0, s.value("accuracy"));
        String gt2 = "<answer>" + rep("a", 16_000) + "</answer>";
        assertEquals(1.0, timed("containment", () -> VISUAL.score(Task.CLASSIFICATION, st, gt2)).value("accuracy"));
        String ab = "<answer>" + rep("ab", 24_000) + "</answer>";
        String aba = "<answer>" + rep("ab", 8_000) + "a" + "</answer>";
        assertEquals(1.0, timed("containment", () -> VISUAL.score(Task.CLASSIFICATION, ab, aba)).value("accuracy"));
    }

    @Test
    void levenshteinOnTwoLongAnswers() {
        String a = rep("a", 32_700);
        String b = rep("a", 16_000) + "b" + rep("a", 16_699);
        RewardScore s = timed("near-identical", () -> VLM.score(Task.ACCURACY, "<answer>" + a + "</answer>", "<answer>" + b + "</answer>"));
        // LCS = 32,699, lensum = 65,400: ratio = 2·32699 / 65400
        assertEquals(2.0 * 32_699 / 65_400, s.value("accuracy"));
        String x = "x" + rep("ab", 16_000) + "y";
        String y = "y" + rep("ba", 16_000) + "x";
        // a shifted copy is a few edits apart: the banded LCS decides it
        RewardScore shifted = timed("shifted",
                () -> VLM.score(Task.ACCURACY, "<answer>" + x + "</answer>", "<answer>" + y + "</answer>"));
        // LCS: the (ab)* and (ba)* cores share 31,999 characters; x and y cannot join them (checked by DP at k = 50)
        assertEquals(2.0 * 31_999 / 64_004, shifted.value("accuracy"));
        // The documented limit: two long answers that differ throughout cost O(n·m/63) word steps of the
        // bit-parallel LCS, about 10 ms on one core at 32,000 random letters each (7 ms when the sweep finds a
        // second core free). It is bounded here at twice the budget, so a busy machine does not fail it.
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(14);
        StringBuilder r1 = new StringBuilder();
        StringBuilder r2 = new StringBuilder();
        for (int i = 0; i < 32_000; i++) {
            r1.append((char) ('a' + rnd.nextInt(26)));
            r2.append((char) ('a' + rnd.nextInt(26)));
        }
        String c1 = "<answer>" + r1 + "</answer>";
        String c2 = "<answer>" + r2 + "</answer>";
        RewardScore random = WarmTiming.within("random 32k letters", 2 * BUDGET_NANOS, () -> VLM.score(Task.ACCURACY, c1, c2));
        double ratio = random.value("accuracy");
        assertTrue(ratio > 0.3 && ratio < 0.7, "an LCS of random text is about half: " + ratio);
    }

    private static String odBoxes(int n, boolean same, boolean labels) {
        StringBuilder b = new StringBuilder("```json\n[");
        for (int i = 0; i < n; i++) {
            int o = same ? 0 : i % 40;
            b.append(i == 0 ? "" : ", ").append("{\"bbox_2d\": [").append(10 + o).append(", ").append(20 + o).append(", ")
                    .append(110 + o).append(", ").append(120 + o).append("]");
            if (labels) {
                b.append(", \"label\": \"").append(same ? "cat" : "c" + i).append('"');
            }
            b.append('}');
        }
        return b.append("]\n```").toString();
    }

    @Test
    void weightedSumWithHundredsOfBoxes() {
        VlmR1Inputs ws = VlmR1Inputs.method(VlmR1Method.WEIGHTED_SUM);
        for (boolean predSame : new boolean[] {true, false}) {
            for (boolean gtSame : new boolean[] {true, false}) {
                String c = "<answer>" + odBoxes(780, predSame, true) + "</answer>";
                String g = "<answer>" + odBoxes(780, gtSame, true) + "</answer>";
                RewardScore s = timed("weighted_sum", () -> VLM.score(Task.OD, c, g, ws));
                assertEquals(ReferenceMatch.weightedSum(c, g), s.value("accuracy"), 0.0, predSame + " " + gtSame);
            }
        }
    }

    @Test
    void apWithHundredsOfLabels() {
        String c = "<answer>" + odBoxes(740, false, true) + "</answer>";
        for (VlmR1Method m : new VlmR1Method[] {VlmR1Method.OD_AP, VlmR1Method.OD_AP50, VlmR1Method.MAP}) {
            RewardScore s = timed(m.id() + ", 740 labels", () -> VLM.score(Task.OD, c, c, VlmR1Inputs.method(m)));
            assertEquals(1.0, s.value("accuracy"), 1e-12, m.id());
        }
    }

    /**
     * The matching's hardest shape: 600 distinct boxes a side that all overlap each other by IoU >= 0.5 in one
     * shared order (every prediction prefers the same ground truth next), so each match changes every other
     * prediction's best pair.
     */
    @Test
    void weightedSumWhereEveryPredictionPrefersTheSameGroundTruth() {
        StringBuilder c = new StringBuilder("<answer>```json\n[");
        StringBuilder g = new StringBuilder("<answer>```json\n[");
        for (int i = 0; i < 600; i++) {
            c.append(i == 0 ? "" : ", ").append("{\"bbox_2d\": [0, 0, 100, ").append(100 + i * 0.001).append("], \"label\": \"a\"}");
            g.append(i == 0 ? "" : ", ").append("{\"bbox_2d\": [0, 0, 100, ").append(100 - (i % 50)).append('.').append(i)
                    .append("], \"label\": \"a\"}");
        }
        String cs = c.append("]\n```</answer>").toString();
        String gs = g.append("]\n```</answer>").toString();
        RewardScore s = timed("weighted_sum, one shared preference order",
                () -> VLM.score(Task.OD, cs, gs, VlmR1Inputs.method(VlmR1Method.WEIGHTED_SUM)));
        assertEquals(ReferenceMatch.weightedSum(cs, gs), s.value("accuracy"), 0.0);
    }

    @Test
    void hundredsOfDistinctBoxesOfOneLabelWithEveryExtraReward() {
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(3);
        StringBuilder b = new StringBuilder("<answer>```json\n[");
        for (int i = 0; i < 700; i++) {
            int x = rnd.nextInt(600);
            int y = rnd.nextInt(600);
            b.append(i == 0 ? "" : ",").append("{\"bbox_2d\":[").append(x).append(',').append(y).append(',')
                    .append(x + 40).append(',').append(y + 40).append("],\"label\":\"cat\"}");
        }
        String c = b.append("]\n```</answer>").toString();
        for (VlmR1Method m : new VlmR1Method[] {VlmR1Method.OD_AP, VlmR1Method.WEIGHTED_SUM, VlmR1Method.MAP}) {
            RewardScore s = timed("700 boxes, one label, " + m.id(), () -> VLM.score(Task.OD, c, c, VlmR1Inputs.method(m)));
            double v = s.value("accuracy");
            // the same list on both sides: weighted_sum matches every box to itself; COCO AP keeps the first
            // 100 detections (maxDets), so recall and AP stay below 1
            assertTrue(m == VlmR1Method.WEIGHTED_SUM ? v == 1.0 : v > 0 && v < 1, m.id() + ": " + v);
        }
    }

    @Test
    void repetitionRepairOfALongRunOfDashes() {
        String c = "```json\n[" + rep("-", 60_000) + "\n```";
        RewardScore s = timed("json_repair", () -> VLM.score(Task.OD, c, "<answer>None</answer>"));
        assertTrue(s.value("repetition") <= 0);
    }

    @Test
    void legacyOvdFormatOnRepeatedUnclosedLabels() {
        String c = "<think>x</think><answer>[" + rep("{\"bbox_2d\": [1, 2, 3, 4], \"label\": \"x", 1500) + "</answer>";
        RewardScore s = timed("ovd-legacy", () -> VLM.score(Task.OD, c, "<answer>None</answer>",
                VlmR1Inputs.method(VlmR1Method.OD_AP).withOvdLegacyFormat(true)));
        assertEquals(0.0, s.value("format"));
    }

    @Test
    void repeatedAnswerTags() {
        for (String unit : new String[] {"<answer>\n", "<answer>", "</answer>", "<think>", "</think>\n", "```json", "```"}) {
            String c = rep(unit, 7000) + "</answer>";
            for (Task t : new Task[] {Task.DETECTION, Task.CLASSIFICATION, Task.GROUNDING}) {
                timed(unit + " on " + t, () -> VISUAL.score(t, c, c));
            }
            timed(unit + " accuracy", () -> VLM.score(Task.ACCURACY, c, c));
            timed(unit + " od", () -> VLM.score(Task.OD, c, c));
        }
    }
}
