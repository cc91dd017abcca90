package io.github.vrft.reward;

import io.github.vrft.answer.PyException;
import io.github.vrft.answer.PyJson;
import io.github.vrft.answer.PyText;
import io.github.vrft.answer.PyUnicode;

import java.util.List;
import java.util.Map;

/**
 * The plain reference for weighted_sum: upstream's {@code detection_score} statement for statement (the
 * whole IoU matrix, then the cubic rescan for every match), for answers with a json block of boxes.
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
        boolean[] pu = new boolean[np];
        boolean[] gu = new boolean[ng];
        int left = Math.min(np, ng);
        int matches = 0;
        double pos = 0;
        while (left-- > 0) {
            double max = -1;
            int bp = -1;
            int bg = -1;
            for (int p = 0; p < np; p++) {
                for (int g = 0; g < ng; g++) {
                    if (!pu[p] && !gu[g] && iou[p][g] > max) {
                        max = iou[p][g];
                        bp = p;
                        bg = g;
                    }
                }
            }
            if (max < 0.5) {
                break;
            }
            String pl = PyUnicode.lower((String) ((Map<?, ?>) preds.get(bp)).get("label"));
            String gl = PyUnicode.lower((String) ((Map<?, ?>) gts.get(bg)).get("label"));
            if (pl.equals(gl)) {
                pos += max;
            }
            matches++;
            pu[bp] = true;
            gu[bg] = true;
        }
        double position = matches > 0 ? pos / ng : 0.0;
        double completeness = 1.0 - ((double) (ng - matches) / ng + (double) (np - matches) / np) / 2.0;
        return (0.7 * position + 0.0 + 0.3 * completeness) / 1.0;
    }
}
