package io.github.vrft.reward;

import io.github.vrft.VectorSupport;
import io.github.vrft.answer.PyException;
import io.github.vrft.answer.PyJson;
import io.github.vrft.answer.PyNum;
import io.github.vrft.answer.PyText;

import java.util.List;

/**
 * VLM-R1 REC rewards (docs/rewards.md §2.2): {@code iou_reward} and {@code format_reward_rec} of the Qwen, InternVL and
 * GLM modules, and the legacy binary reward of grpo_rec.py at 0586aee. Arithmetic is Python's
 * ({@link PyNum}): ints stay exact, the Qwen resize divides before it multiplies, and a zero union is
 * upstream's caught {@code ZeroDivisionError}, scoring 0.
 *
 * <p>Profile {@code strict} keeps the extraction and the resize but scores the continuous IoU, with 0 for a
 * degenerate box (no "overlap of at most 1 px counts 0", no negative or {@code -0.0} results).
 */
final class RecReward {
    private RecReward() {}

    static Component[] score(String completion, String solution, VlmR1Inputs in, Profile profile) {
        return new Component[] {accuracy(completion, solution, in, profile), format(completion, in.model())};
    }

    static Component format(String completion, RecModel model) {
        boolean ok = switch (model) {
            case QWEN -> VlmR1Text.qwenRecFormat(completion, false);
            case INTERNVL -> VlmR1Text.internVlRecFormat(completion);
            case GLM -> VlmR1Text.glmRecFormat(completion);
            case LEGACY_BINARY -> VlmR1Text.qwenRecFormat(completion, true);
        };
        if (ok) {
            return new Component("format", 1.0, null);
        }
        String why = switch (model) {
            case QWEN -> "no <think>…</think> then <answer> holding {…[d, d, d, d]…} and a later </answer>";
            case INTERNVL -> "no <think>…</think> then <answer> holding [d, d, d, d] and a later </answer>";
            case GLM -> "no <think> followed by <answer>…</answer>";
            case LEGACY_BINARY -> "the whole text is not <think>…</think> <answer>{…[d, d, d, d]…}</answer>";
        };
        return new Component("format", 0.0, why);
    }

    static Component accuracy(String completion, String solution, VlmR1Inputs in, Profile profile) {
        // The solution is read outside upstream's try: a bad one raises and would stop training.
        String gtText = VlmR1Text.lastAnswerDotall(solution);
        if (gtText == null) {
            return raised("IndexError", "the solution has no <answer>…</answer> (re.findall(...)[-1])");
        }
        Object gt;
        try {
            gt = PyJson.loads(PyText.strip(gtText));
        } catch (PyException e) {
            return raised(e.pyType(), "the solution's answer is not JSON: " + e.getMessage());
        }
        if (in.model() == RecModel.QWEN && (in.imageSizeWh() == null || in.imageGridThw() == null)) {
            throw new InvalidInput("imageSizeWh/imageGridThw: the qwen REC reward resizes the box to the "
                    + "original image and needs image_size_wh and image_grid_thw");
        }
        String body = PyText.firstAnswerDotall(completion);
        if (body == null) {
            return new Component("accuracy", 0.0, "no <answer>…</answer>");
        }
        body = PyText.strip(body);
        VlmR1Text.IntBox match = VlmR1Text.findIntBox(body, 0);
        if (match == null) {
            return new Component("accuracy", 0.0, "no [d, d, d, d] box of non-negative integers in the answer");
        }
        try {
            Object[] box = VlmR1Text.ints(match);
            if (in.model() == RecModel.QWEN) {
                resize(box, in.imageSizeWh(), in.imageGridThw());
            }
            Object[] g = gtBox(gt);
            if (profile == Profile.STRICT) {
                double iou = continuousIou(box, g, true);
                return new Component("accuracy", iou, iou == 0 ? "no overlap (or a degenerate box)" : null);
            }
            return switch (in.model()) {
                case QWEN, INTERNVL -> value(inclusiveIou(box, g), "no overlap wider and taller than 1 px");
                case GLM -> value(continuousIou(box, g, false), "no overlap");
                case LEGACY_BINARY -> {
                    double iou = inclusiveIou(box, g);
                    yield iou > 0.5 ? new Component("accuracy", 1.0, null)
                            : new Component("accuracy", 0.0, "IoU " + iou + " is not > 0.5 (binary reward)");
                }
            };
        } catch (PyException e) {
            // upstream's "except Exception: pass": the reward stays 0
            return new Component("accuracy", 0.0, e.pyType() + " while scoring, caught upstream: " + e.getMessage());
        }
    }

    private static Component value(double v, String whyZero) {
        return new Component("accuracy", v, v == 0 ? whyZero : (Double.isNaN(v) ? "IoU is NaN" : null));
    }

    private static Component raised(String type, String what) {
        return new Component("accuracy", 0.0, "upstream raises " + type + ": " + what);
    }

    /** {@code sol[0..3]}: an index error or a non-list is upstream's caught exception. */
    private static Object[] gtBox(Object gt) {
        if (!(gt instanceof List<?> list)) {
            throw PyException.typeError("'" + PyJson.typeName(gt) + "' object is not subscriptable");
        }
        if (list.size() < 4) {
            throw new PyException("IndexError", "list index out of range");
        }
        return new Object[] {list.get(0), list.get(1), list.get(2), list.get(3)};
    }

    /** Qwen's {@code resize_bbox}: x / (grid_w·14) · W and y / (grid_h·14) · H, dividing first. */
    private static void resize(Object[] box, int[] sizeWh, int[] gridThw) {
        long inputHeight = (long) gridThw[1] * 14;
        long inputWidth = (long) gridThw[2] * 14;
        long width = sizeWh[0];
        long height = sizeWh[1];
        box[0] = PyNum.mul(PyNum.truediv(box[0], inputWidth), width);
        box[1] = PyNum.mul(PyNum.truediv(box[1], inputHeight), height);
        box[2] = PyNum.mul(PyNum.truediv(box[2], inputWidth), width);
        box[3] = PyNum.mul(PyNum.truediv(box[3], inputHeight), height);
    }

    private static final Long ONE = 1L;
    private static final Long ZERO = 0L;

    /**
     * The Qwen/InternVL {@code iou}: {@code min(x2-1, x2'-1)}, {@code +1} widths, exclusive areas, so an overlap
     * of at most 1 px counts 0; {@code float(inter)/union}.
     */
    static double inclusiveIou(Object[] a, Object[] b) {
        Object ix1 = PyNum.max(a[0], b[0]);
        Object iy1 = PyNum.max(a[1], b[1]);
        Object ix2 = PyNum.min(PyNum.sub(a[2], ONE), PyNum.sub(b[2], ONE));
        Object iy2 = PyNum.min(PyNum.sub(a[3], ONE), PyNum.sub(b[3], ONE));
        Object inter = ZERO;
        if (PyNum.lt(ix1, ix2) && PyNum.lt(iy1, iy2)) {
            inter = PyNum.mul(PyNum.add(PyNum.sub(ix2, ix1), ONE), PyNum.add(PyNum.sub(iy2, iy1), ONE));
        }
        return PyNum.truediv(PyNum.toFloat(inter), union(a, b, inter));
    }

    /**
     * {@link #inclusiveIou} for coordinates that are all {@link PyNum#isSmall} (floats, bools, ints up to
     * 2^25), given as doubles ({@link PyNum#smallValue}) at {@code a[ai..ai+3]} and {@code b[bi..bi+3]}:
     * every int step is then exact in double and every float step is the same IEEE operation, so the
     * result is the same bit for bit, without boxing. A zero union, upstream's ZeroDivisionError, gives 0.0
     * as the callers' {@code except} does.
     */
    static double inclusiveIouSmall(double[] a, int ai, double[] b, int bi) {
        double a0 = a[ai];
        double a1 = a[ai + 1];
        double a2 = a[ai + 2];
        double a3 = a[ai + 3];
        double b0 = b[bi];
        double b1 = b[bi + 1];
        double b2 = b[bi + 2];
        double b3 = b[bi + 3];
        double ix1 = b0 > a0 ? b0 : a0; // Python's max(a, b): a unless b > a
        double iy1 = b1 > a1 ? b1 : a1;
        double ix2 = (b2 - 1) < (a2 - 1) ? b2 - 1 : a2 - 1; // min(a, b): a unless b < a
        double iy2 = (b3 - 1) < (a3 - 1) ? b3 - 1 : a3 - 1;
        double inter = 0.0;
        if (ix1 < ix2 && iy1 < iy2) {
            inter = (ix2 - ix1 + 1) * (iy2 - iy1 + 1);
        }
        double union = (a2 - a0) * (a3 - a1) + (b2 - b0) * (b3 - b1) - inter;
        return union == 0.0 ? 0.0 : inter / union;
    }

    /**
     * {@link #inclusiveIouSmall} of the box at {@code a[ai..ai+3]} against each box of {@code b} whose
     * {@code finite} flag is set, into {@code out[off..off+b.count)}, for boxes whose coordinates are small and
     * finite (entries whose flag is clear are left to the caller). Branch-free, and with the Vector API
     * ({@link VectorIouRow}) the same operations lane by lane, as the weighted_sum IoU matrix of hundreds of
     * boxes a side is hundreds of thousands of these; with finite values it is the
     * same result bit for bit: {@code Math.max}/{@code min} differ from Python's {@code max}/{@code min} only
     * in the sign of a zero, which cannot change the intersection, and for distinct finite doubles
     * {@code x2 - x1 > 0} exactly when {@code x1 < x2}.
     */
    static void inclusiveIouRow(double[] a, int ai, BoxColumns b, double[] out, int off) {
        double a0 = a[ai];
        double a1 = a[ai + 1];
        double a2 = a[ai + 2];
        double a3 = a[ai + 3];
        int k = VectorSupport.enabled() ? VectorIouRow.row(a0, a1, a2, a3, b, out, off) : 0;
        double am2 = a2 - 1;
        double am3 = a3 - 1;
        double areaA = (a2 - a0) * (a3 - a1);
        for (; k < b.count; k++) {
            if (!b.finite[k]) {
                continue;
            }
            double b0 = b.x0[k];
            double b1 = b.y0[k];
            double b2 = b.x1[k];
            double b3 = b.y1[k];
            double w = Math.min(b2 - 1, am2) - Math.max(b0, a0);
            double h = Math.min(b3 - 1, am3) - Math.max(b1, a1);
            double inter = (w > 0 & h > 0) ? (w + 1) * (h + 1) : 0.0;
            double union = areaA + (b2 - b0) * (b3 - b1) - inter;
            out[off + k] = union == 0.0 ? 0.0 : inter / union; // a zero union: upstream's ZeroDivisionError, 0.0
        }
    }

    /** Boxes as four coordinate columns and a flag per box, the layout of {@link #inclusiveIouRow}'s lanes. */
    static final class BoxColumns {
        final int count;
        final double[] x0;
        final double[] y0;
        final double[] x1;
        final double[] y1;
        final boolean[] finite;

        /** From {@code count} boxes of 4 coordinates each in {@code values}, with their flags. */
        BoxColumns(double[] values, boolean[] finite, int count) {
            this.count = count;
            this.finite = finite;
            x0 = new double[count];
            y0 = new double[count];
            x1 = new double[count];
            y1 = new double[count];
            for (int k = 0; k < count; k++) {
                x0[k] = values[4 * k];
                y0[k] = values[4 * k + 1];
                x1[k] = values[4 * k + 2];
                y1[k] = values[4 * k + 3];
            }
        }
    }

    /**
     * GLM's {@code iou}: continuous, {@code float(inter)/union}. With {@code clamped} (profile strict) a box
     * with no positive area scores 0 and the result is kept in [0, 1].
     */
    static double continuousIou(Object[] a, Object[] b, boolean clamped) {
        Object ix1 = PyNum.max(a[0], b[0]);
        Object iy1 = PyNum.max(a[1], b[1]);
        Object ix2 = PyNum.min(a[2], b[2]);
        Object iy2 = PyNum.min(a[3], b[3]);
        Object inter = ZERO;
        if (PyNum.lt(ix1, ix2) && PyNum.lt(iy1, iy2)) {
            inter = PyNum.mul(PyNum.sub(ix2, ix1), PyNum.sub(iy2, iy1));
        }
        if (clamped) {
            if (!PyNum.lt(a[0], a[2]) || !PyNum.lt(a[1], a[3]) || !PyNum.lt(b[0], b[2]) || !PyNum.lt(b[1], b[3])) {
                return 0.0;
            }
            double v = PyNum.truediv(PyNum.toFloat(inter), union(a, b, inter));
            return Double.isNaN(v) ? 0.0 : Math.max(0.0, Math.min(1.0, v));
        }
        return PyNum.truediv(PyNum.toFloat(inter), union(a, b, inter));
    }

    private static Object union(Object[] a, Object[] b, Object inter) {
        Object areaA = PyNum.mul(PyNum.sub(a[2], a[0]), PyNum.sub(a[3], a[1]));
        Object areaB = PyNum.mul(PyNum.sub(b[2], b[0]), PyNum.sub(b[3], b[1]));
        return PyNum.sub(PyNum.add(areaA, areaB), inter);
    }
}
