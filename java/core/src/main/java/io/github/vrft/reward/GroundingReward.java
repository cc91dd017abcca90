package io.github.vrft.reward;

import io.github.vrft.answer.PyException;
import io.github.vrft.answer.PyNum;
import io.github.vrft.answer.PyText;
import io.github.vrft.box.BoxIou;

import java.util.ArrayList;
import java.util.List;

/**
 * Visual-RFT reasoning grounding (LISA) {@code accuracy_reward} ({@code grpo_lisa.py}, docs/rewards.md §1.5).
 *
 * <p>Faithful: {@code (x1,y1),(x2,y2)} pairs of non-negative integers (Python's Unicode {@code \d} and
 * {@code \s}), scaled by 1/1000; the box is {@code (pts[0], pts[1])} where {@code pts} lists every match's
 * top-left corner and then every bottom-right corner (so with two matches the "box" is the two top-left
 * corners); the reward is GIoU + 1, unclamped; and then an answer string equal to the ground-truth string
 * scores 2.0, even after an exception. Strict: the first match's own corners, clamped GIoU + 1 in [0, 2], no
 * string override.
 */
final class GroundingReward {
    private GroundingReward() {}

    static Component score(String completion, String solution, Profile profile) {
        String gtBody = PyText.firstAnswerNoDotall(solution);
        String gt = PyText.strip(gtBody != null ? gtBody : solution);
        String stBody = PyText.firstAnswerDotall(completion);
        String st = PyText.strip(stBody != null ? stBody : completion);
        double reward;
        String why = null;
        try {
            double[] stPts = points(st);
            double[] gtPts = points(gt);
            if (profile == Profile.STRICT) {
                double[] g = firstBox(gtPts, "ground truth");
                double[] s = firstBox(stPts, "answer");
                reward = BoxIou.giouClamped(g[0], g[1], g[2], g[3], s[0], s[1], s[2], s[3]) + 1;
            } else {
                double[] g = upstreamBox(gtPts, "ground truth");
                double[] s = upstreamBox(stPts, "answer");
                reward = BoxIou.lisaGiouPlusOne(g[0], g[1], g[2], g[3], s[0], s[1], s[2], s[3]);
            }
        } catch (PyException e) {
            reward = 0.0;
            why = e.pyType() + " upstream: " + e.getMessage();
        }
        if (profile == Profile.VISUAL_RFT && st.equals(gt)) {
            return new Component("accuracy", 2.0, null);
        }
        if (why == null && reward == 0) {
            why = "GIoU + 1 is 0: the boxes are disjoint and far apart, or one is flipped on one axis";
        }
        return new Component("accuracy", reward, why);
    }

    /**
     * Every match as {@code x1/1000, y1/1000, x2/1000, y2/1000}, in match order.
     * {@code int()} raises ValueError past 4300 digits; {@code int/1000} raises OverflowError past the
     * double range.
     */
    private static double[] points(String s) {
        List<double[]> boxes = new ArrayList<>();
        int[] groups = new int[8];
        int p = s.indexOf('(');
        while (p >= 0) {
            int end = pairAt(s, p, groups);
            if (end < 0) {
                p = s.indexOf('(', p + 1);
                continue;
            }
            double[] b = new double[4];
            for (int k = 0; k < 4; k++) {
                b[k] = PyNum.truediv(PyNum.intFromDigits(s.substring(groups[2 * k], groups[2 * k + 1])), 1000L);
            }
            boxes.add(b);
            p = s.indexOf('(', end); // findall resumes after the match
        }
        double[] flat = new double[boxes.size() * 4];
        for (int i = 0; i < boxes.size(); i++) {
            System.arraycopy(boxes.get(i), 0, flat, 4 * i, 4);
        }
        return flat;
    }

    /**
     * A match of {@code \(\s*(\d+)\s*,\s*(\d+)\s*\)\s*,\s*\(\s*(\d+)\s*,\s*(\d+)\s*\)} starting at the
     * {@code (} at {@code p}: its end, with the four digit runs' bounds in {@code groups}; -1 when none. Each
     * run is followed by a character its class cannot match, so the regex can match in one way only, and this
     * scanner finds it in one pass (a failed start scans at most to the second parenthesis, the next start).
     */
    private static int pairAt(String s, int p, int[] groups) {
        int i = p;
        for (int half = 0; half < 2; half++) {
            if (half == 1) {
                i = PyText.skipSpace(s, i);
                if (!s.startsWith(",", i)) {
                    return -1;
                }
                i = PyText.skipSpace(s, i + 1);
            }
            if (!s.startsWith("(", i)) {
                return -1;
            }
            for (int k = 0; k < 2; k++) {
                i = PyText.skipSpace(s, k == 0 ? i + 1 : i);
                int start = i;
                i = PyText.skipDecimal(s, i);
                if (i == start) {
                    return -1;
                }
                groups[4 * half + 2 * k] = start;
                groups[4 * half + 2 * k + 1] = i;
                i = PyText.skipSpace(s, i);
                if (k == 0) {
                    if (!s.startsWith(",", i)) {
                        return -1;
                    }
                    i++;
                }
            }
            if (!s.startsWith(")", i)) {
                return -1;
            }
            i++;
        }
        return i;
    }

    /** Upstream's {@code (pts[0], pts[1])} with {@code pts = [tops-left...] + [bottoms-right...]}. */
    private static double[] upstreamBox(double[] flat, String which) {
        int n = flat.length / 4;
        if (n == 0) {
            throw new PyException("IndexError", "list index out of range: no (x1,y1),(x2,y2) in the " + which);
        }
        // pts[0] is match 0's top-left; pts[1] is match 1's top-left when there are two or more matches.
        double[] p1 = n >= 2 ? new double[] {flat[4], flat[5]} : new double[] {flat[2], flat[3]};
        return new double[] {flat[0], flat[1], p1[0], p1[1]};
    }

    private static double[] firstBox(double[] flat, String which) {
        if (flat.length == 0) {
            throw new PyException("IndexError", "no (x1,y1),(x2,y2) in the " + which);
        }
        return new double[] {flat[0], flat[1], flat[2], flat[3]};
    }
}
