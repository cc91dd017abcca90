package io.github.vrft.reward;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The classes of issue 14's differential run against upstream that depended on characters: digits outside the
 * Basic Multilingual Plane, the Unicode version (CPython 3.11's 14, not the JDK's 16), and str.lower()'s
 * Final_Sigma rule. Expected values are what upstream's functions give under CPython 3.11.7.
 */
class UnicodeFaithfulnessTest {
    private static final RewardScorer VLM = new RewardScorer(RewardOptions.of(Profile.VLM_R1));
    private static final RewardScorer VISUAL = new RewardScorer(RewardOptions.defaults());
    private static final String BOLD_1 = "\uD835\uDFCF";
    private static final String BOLD_0 = "\uD835\uDFCE";

    @Test
    void recBoxesWithMathematicalDigits() {
        String c = "<think>x</think><answer>{\"bbox_2d\": [" + BOLD_1 + BOLD_0 + BOLD_0 + ", 120, 300, 360]}</answer>";
        String gt = "<answer>[100, 120, 300, 360]</answer>";
        for (RecModel m : new RecModel[] {RecModel.INTERNVL, RecModel.GLM}) {
            RewardScore s = VLM.score(Task.REC, c, gt, VlmR1Inputs.rec(m, null, null));
            assertEquals(1.0, s.value("accuracy"), m.id());
            assertEquals(1.0, s.value("format"), m.id());
        }
        // qwen resizes: the same value as the ASCII digits give (those are checked against the golden file)
        VlmR1Inputs qwen = VlmR1Inputs.rec(RecModel.QWEN, new int[] {1400, 1400}, new int[] {1, 100, 100});
        RewardScore q = VLM.score(Task.REC, c, gt, qwen);
        RewardScore ascii = VLM.score(Task.REC, c.replace(BOLD_1 + BOLD_0 + BOLD_0, "100"), gt, qwen);
        assertEquals(ascii.value("accuracy"), q.value("accuracy"));
        assertEquals(1.0, q.value("format"));
    }

    @Test
    void accuracyFloatWithMathematicalDigits() {
        RewardScore s = VLM.score(Task.ACCURACY, "<answer>" + BOLD_1 + BOLD_0 + "</answer>", "<answer>10</answer>");
        assertEquals(1.0, s.value("accuracy"));
    }

    @Test
    void kawiDigitsAreNotDigitsInPython311() {
        // U+11F51 KAWI DIGIT ONE: \d does not match it in Python 3.11, so the ground truth has no digit and the
        // answers are compared by the Levenshtein ratio of the cleaned texts (1.0 for equal strings).
        String kawi = "\uD807\uDF51";
        RewardScore s = VLM.score(Task.ACCURACY, "<answer>" + kawi + "</answer>", "<answer>" + kawi + "</answer>");
        assertEquals(1.0, s.value("accuracy"));
        // and grounding's (x1,y1),(x2,y2) does not read it as a coordinate
        RewardScore g = VISUAL.score(Task.GROUNDING, "<answer>(" + kawi + ",1),(5,5)</answer>", "<answer>(1,1),(5,5)</answer>");
        assertEquals(0.0, g.value("accuracy"));
    }

    @Test
    void finalSigmaInClassification() {
        // 'x1Σ'.lower() is 'x1σ' in Python (the digit before it is neither cased nor case-ignorable)
        assertEquals(1.0, VISUAL.score(Task.CLASSIFICATION, "<answer>x1\u03a3</answer>", "<answer>x1\u03c3</answer>").value("accuracy"));
        // 'xΣ1y'.lower() is 'xς1y'
        assertEquals(1.0, VISUAL.score(Task.CLASSIFICATION, "<answer>x\u03a31y</answer>", "<answer>x\u03c21y</answer>").value("accuracy"));
        assertEquals(0.0, VISUAL.score(Task.CLASSIFICATION, "<answer>x\u03a31y</answer>", "<answer>x\u03c31y</answer>").value("accuracy"));
        // U+1C89 has no lower case in Unicode 14: it is not 'ᲊ'
        assertEquals(0.0, VISUAL.score(Task.CLASSIFICATION, "<answer>\u1c89</answer>", "<answer>\u1c8a</answer>").value("accuracy"));
        RewardScore all = VLM.score(Task.ACCURACY, "<answer>\u0391\u00b7\u03a3</answer>", "<answer>\u03b1\u00b7\u03c2</answer>",
                VlmR1Inputs.method(VlmR1Method.ALL_MATCH));
        assertEquals(1.0, all.value("accuracy"));
    }
}
