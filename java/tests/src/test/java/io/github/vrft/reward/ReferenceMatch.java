package io.github.vrft.reward;

import io.github.vrft.answer.PyException;
import io.github.vrft.answer.PyJson;
import io.github.vrft.answer.PyText;
import io.github.vrft.answer.PyUnicode;

import java.util.List;
import java.util.Map;

/**
 * The plain reference for weighted_sum: upstream's {@code detection_score} (the whole IoU matrix, then
 * upstream's cubic rescan for every match, {@link io.github.vrft.box.GlobalGreedyMatchTest#reference}), for
 * answers with a json block of boxes.
 */
final class ReferenceMatch {
    private ReferenceMatch() {}

    @SuppressWarnings("unchecked")
    private static List<Object> boxes(String text) {
        String t = VlmR1Text.cleanText(text);
        int o = t.indexOf("```json");
        int c = t.indexOf("```", o + 7);
        return (List<Object>) PyJson.loads(PyText.strip(t.substring(o + 7, c)));
    }

    private static Object[] coords(Object box) {
        List<?> b = (List<?>) ((Map<?, ?>) box).get("bbox_2d");
        return new Object[] {b.get(0), b.get(1), b.get(2), b.get(3)};
    }

    static double weightedSum(String completion, String solution) {
        List<Object> preds = boxes(completion);
        List<Object> gts = boxes(solution);
        int np = preds.size();
        int ng = gts.size();
        double[][] iou = new double[np][ng];
        for (int p = 0; p < np; p++) {
            for (int g = 0; g < ng; g++) {
                try {
                    iou[p][g] = RecReward.inclusiveIou(coords(preds.get(p)), coords(gts.get(g)));
                } catch (PyException e) {
                    iou[p][g] = 0.0;
                }
            }
        }
        int[] pairs = io.github.vrft.box.GlobalGreedyMatchTest.reference(iou, 0.5); // upstream's cubic loop
        int matches = pairs.length / 2;
        double pos = 0;
        for (int t = 0; t < pairs.length; t += 2) {
            String pl = PyUnicode.lower((String) ((Map<?, ?>) preds.get(pairs[t])).get("label"));
            String gl = PyUnicode.lower((String) ((Map<?, ?>) gts.get(pairs[t + 1])).get("label"));
            if (pl.equals(gl)) {
                pos += iou[pairs[t]][pairs[t + 1]];
            }
        }
        double position = matches > 0 ? pos / ng : 0.0;
        double completeness = 1.0 - ((double) (ng - matches) / ng + (double) (np - matches) / np) / 2.0;
        return (0.7 * position + 0.0 + 0.3 * completeness) / 1.0;
    }
}
