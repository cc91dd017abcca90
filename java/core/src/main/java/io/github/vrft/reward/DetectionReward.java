package io.github.vrft.reward;

import io.github.vrft.answer.PyException;
import io.github.vrft.answer.PyJson;
import io.github.vrft.answer.PyNum;
import io.github.vrft.answer.PySort;
import io.github.vrft.answer.PyText;
import io.github.vrft.box.BoxIou;
import io.github.vrft.box.DetectionMatch;
import io.github.vrft.box.GreedyMatch;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Visual-RFT detection: {@code accuracy_reward_iou} and {@code accuracy_reward_confidence} of upstream
 * {@code grpo.py} (docs/rewards.md §1.3), step for step.
 *
 * <p>Upstream wraps each function in {@code try/except Exception}, so any Python exception gives 0 for
 * both (they run the same code up to their last lines). The port raises a {@link PyException} wherever
 * upstream raises, and only there: upstream evaluates lazily (a malformed {@code Position} is never looked
 * at once every ground-truth box is matched), and so does this. The exception becomes the diagnostic.
 */
final class DetectionReward {
    private DetectionReward() {}

    /** What the text phase leaves: the components, or the numeric arrays still to match and score. */
    sealed interface Outcome permits Result, Numeric {}

    /** Both detection components of one completion. */
    record Result(Component iou, Component confidence) implements Outcome {}

    /**
     * A completion whose boxes are plain numbers exact in float32 and whose confidences are plain numbers: the
     * de-duplicated predictions in upstream's confidence order ({@code pred}, 4 floats a box, with {@code conf})
     * and the ground truth ({@code gt}). Matching and scoring these arrays on any backend gives what upstream
     * gives, since upstream's float64 arithmetic on these values is the backend's.
     */
    record Numeric(float[] pred, double[] conf, float[] gt) implements Outcome {
        /** The two components from a backend's results for this completion (row {@code i} of {@code r}). */
        Result components(DetectionMatch.Result r, int i, int predFrom) {
            int p = conf.length;
            return DetectionReward.components(r.iouReward()[i], r.confidenceReward()[i], gt.length / 4,
                    matchedCount(r.matchedGt(), predFrom, p));
        }
    }

    /** The numeric phase of one completion on the CPU. */
    static Result score(Numeric n) {
        DetectionMatch.Result r = DetectionMatch.compute(n.pred, n.conf, new long[] {0, n.conf.length}, n.gt,
                new long[] {0, n.gt.length / 4});
        return n.components(r, 0, 0);
    }

    /** The text phase: parse, de-duplicate and order; everything that depends on Python objects is done here. */
    static Outcome prepare(String completion, String solution, Profile profile) {
        String body = PyText.firstAnswerNoDotall(completion);
        String student = PyText.strip(body != null ? body : completion);
        // Upstream wraps the answer as '<answer>' + student + '</answer>' and applies its repairs to the
        // whole; the tags hold no bracket or newline and '</answer>' cannot straddle the join, so repairing
        // the answer alone and cutting at its first '</answer>' gives the same content.
        student = PyText.replace(student, "[[", "[");
        student = PyText.replace(student, "]]", "]");
        student = PyText.replace(student, "\n", "");
        int cut = student.indexOf(PyText.ANSWER_CLOSE);
        String studentContent = cut < 0 ? student : student.substring(0, cut);
        String fallback = body == null
                ? " (no single-line <answer>…</answer> block, so upstream parsed the whole completion)" : "";
        try {
            Parsed gt = groundTruth(solution);
            Parsed pred = decodeBoxList(studentContent);
            if (pred.value == null) {
                return zero("answer is not a JSON list after upstream's repairs: " + pred.error + fallback);
            }
            List<?> items = asListForIndexing(pred.value);
            if (items.isEmpty()) {
                return zero("answer list is empty (upstream IndexError)");
            }
            if (!(items.get(0) instanceof Map)) {
                return zero("first item of the answer is a " + PyJson.typeName(items.get(0)) + ", not a dict");
            }
            return scoreBoxes(removeDuplicates(items), gt, profile);
        } catch (PyException e) {
            return zero(e.pyType() + " upstream: " + e.getMessage());
        }
    }

    /**
     * The completions of one prompt share its solution, so each thread keeps the last solution it parsed. The
     * parsed value is only read, never changed, so sharing it between calls is safe. Only solutions of up to
     * {@link #CACHED_SOLUTION_CHARS} characters are kept, so a pool thread retains at most a few hundred KB
     * (a larger solution is parsed on each call, in linear time).
     */
    private static final ThreadLocal<Object[]> LAST_SOLUTION = ThreadLocal.withInitial(() -> new Object[2]);

    static final int CACHED_SOLUTION_CHARS = 16 * 1024;

    private static Parsed groundTruth(String solution) {
        if (solution.length() > CACHED_SOLUTION_CHARS) {
            return extractBbox(PyText.strip(solution));
        }
        Object[] last = LAST_SOLUTION.get();
        if (solution.equals(last[0])) {
            return (Parsed) last[1];
        }
        Parsed gt = extractBbox(PyText.strip(solution)); // may raise (ValueError, RecursionError): not cached
        last[0] = solution;
        last[1] = gt;
        return gt;
    }

    private static Result zero(String why) {
        return new Result(new Component("accuracy_iou", 0.0, why), new Component("accuracy_confidence", 0.0, why));
    }

    /** {@code extract_bbox}: the JSON between the first {@code <answer>} and the first {@code </answer>}. */
    private record Parsed(Object value, String error) {}

    private static Parsed extractBbox(String s) {
        int open = s.indexOf(PyText.ANSWER_OPEN);
        if (open < 0) {
            return new Parsed(null, "no <answer> tag");
        }
        int start = open + PyText.ANSWER_OPEN.length();
        int end = s.indexOf(PyText.ANSWER_CLOSE);
        if (end == -1) {
            end = s.length();
        }
        // Python slicing: a close tag before the open tag gives an empty slice.
        return decodeBoxList(end <= start ? "" : s.substring(start, end));
    }

    /** The rest of {@code extract_bbox}: the truncation repair, then {@code json.loads} with {@code '} read as {@code "}. */
    private static Parsed decodeBoxList(String content) {
        if (!content.endsWith("]")) {
            int cut = content.lastIndexOf("},");
            content = (cut < 0 ? content : content.substring(0, cut)) + "}]";
        }
        try {
            return new Parsed(PyJson.loadsWithSingleQuotesAsDouble(content), null);
        } catch (PyJson.DecodeError e) {
            return new Parsed(null, e.getMessage()); // only JSONDecodeError is caught by extract_bbox
        }
    }

    private static List<?> asListForIndexing(Object v) {
        if (v instanceof List<?> l) {
            return l;
        }
        // A document ending in ']' decodes to a list; anything else fails upstream's student_answer_bbox[0].
        throw PyException.typeError("answer decodes to a " + PyJson.typeName(v) + ", not a list");
    }

    /** {@code remove_duplicates}: first occurrence of each {@code tuple(Position)} wins. */
    private static List<Map<?, ?>> removeDuplicates(List<?> items) {
        Set<Object> seen = new HashSet<>();
        List<Map<?, ?>> unique = new ArrayList<>(items.size());
        for (Object item : items) {
            Map<?, ?> box = subscriptable(item, "Position");
            if (seen.add(hashableTuple(box.get("Position")))) {
                unique.add(box);
            }
        }
        return unique;
    }

    /**
     * A set key for a tuple of numbers that all have an exact double value: Python's {@code ==} on such
     * numbers is {@code ==} on the doubles (1 == 1.0 == True, -0.0 == 0.0), and json.loads returns a single
     * NaN object, so NaN equals NaN here.
     */
    private record DoubleTuple(double[] v) {
        @Override
        public boolean equals(Object o) {
            return o instanceof DoubleTuple t && java.util.Arrays.equals(v, t.v); // bitwise: NaN == NaN
        }

        @Override
        public int hashCode() {
            return java.util.Arrays.hashCode(v);
        }
    }

    /**
     * The double equal to number {@code e} in Python's {@code ==}, or NaN when there is none (not a number, or
     * an int with no exact double value). A float NaN also gives NaN; callers tell the two apart.
     */
    private static double exactDouble(Object e) {
        if (e instanceof Double x) {
            return x;
        }
        if (e instanceof Boolean b) {
            return b ? 1 : 0;
        }
        if (e instanceof Long x) {
            double d = x;
            return (Math.abs(x) <= (1L << 53) || (d != 0x1p63 && (long) d == x)) ? d : Double.NaN;
        }
        if (e instanceof BigInteger b) {
            double d = b.doubleValue();
            return !Double.isInfinite(d) && new BigDecimal(d).toBigInteger().equals(b) ? d : Double.NaN;
        }
        return Double.NaN;
    }

    /** {@code tuple(v)} as a set key with Python equality. */
    private static Object hashableTuple(Object v) {
        if (v instanceof List<?> l) {
            double[] d = new double[l.size()];
            boolean exact = true;
            for (int i = 0; i < d.length && exact; i++) {
                double x = exactDouble(l.get(i));
                exact = !Double.isNaN(x) || (l.get(i) instanceof Double);
                d[i] = x == 0 ? 0.0 : x; // -0.0 == 0
            }
            if (exact) {
                return new DoubleTuple(d);
            }
        }
        List<Object> elems = iterate(v);
        List<Object> key = new ArrayList<>(elems.size());
        for (Object e : elems) {
            if (e instanceof List || e instanceof Map) {
                throw PyException.typeError("unhashable type: '" + PyJson.typeName(e) + "'");
            }
            key.add(canonicalNumber(e));
        }
        return key;
    }

    /** {@code item['key']} where item must be a dict holding key. */
    private static Map<?, ?> subscriptable(Object item, String key) {
        if (!(item instanceof Map<?, ?> m)) {
            throw PyException.typeError(PyJson.typeName(item) + " indices must be integers, not 'str' (an item is a "
                    + PyJson.typeName(item) + ", not a dict)");
        }
        if (!m.containsKey(key)) {
            throw PyException.keyError(key);
        }
        return m;
    }

    /** The elements {@code tuple(v)} would hold: list items, a string's characters, a dict's keys. */
    private static List<Object> iterate(Object v) {
        if (v instanceof List<?> l) {
            return new ArrayList<>(l);
        }
        if (v instanceof String s) {
            List<Object> chars = new ArrayList<>(s.length());
            s.codePoints().forEach(cp -> chars.add(new String(Character.toChars(cp))));
            return chars;
        }
        if (v instanceof Map<?, ?> m) {
            return new ArrayList<>(m.keySet());
        }
        throw PyException.typeError("'" + PyJson.typeName(v) + "' object is not iterable");
    }

    private static Object canonicalNumber(Object e) {
        if (e instanceof Boolean b) {
            return b ? 1L : 0L;
        }
        if (e instanceof BigInteger b) {
            return b.bitLength() < 64 ? (Object) b.longValue() : b;
        }
        if (e instanceof Double d) {
            double x = d;
            if (!Double.isInfinite(x) && !Double.isNaN(x) && x == Math.rint(x)) {
                if (Math.abs(x) < 0x1p62) {
                    return (long) x;
                }
                BigInteger b = new BigDecimal(x).toBigInteger();
                return b.bitLength() < 64 ? (Object) b.longValue() : b;
            }
            return Double.isNaN(x) ? Double.NaN : d; // json.loads returns one NaN object: equal to itself
        }
        return e; // Long, String, None
    }

    private static Outcome scoreBoxes(List<Map<?, ?>> preds, Parsed gt, Profile profile) {
        int p = preds.size();
        Object[] conf = new Object[p];
        for (int i = 0; i < p; i++) {
            conf[i] = subscriptable(preds.get(i), "Confidence").get("Confidence"); // sorted() computes every key first
        }
        for (int i = 0; i < p; i++) {
            // Upstream raises TypeError for a non-number at the latest when it adds the confidences, so both
            // rewards are 0 whatever the sort and the matching do first.
            if (!PyNum.isNumber(conf[i])) {
                throw PyException.typeError("Confidence of box " + i + " is a " + PyJson.typeName(conf[i])
                        + ", not a number");
            }
            if (profile == Profile.STRICT) {
                checkStrictConfidence(conf[i], i);
            }
        }
        int[] order = PySort.descendingOrder(conf);
        if (!(gt.value instanceof List<?> gtItems)) {
            throw PyException.typeError("'NoneType' object is not iterable: the solution has no parseable box list"
                    + (gt.error != null ? " (" + gt.error + ")" : "") + ", so upstream scores every answer 0");
        }
        int g = gtItems.size();
        double[][] predXy = new double[p][];
        for (int k = 0; k < p; k++) {
            predXy[k] = smallBox(preds.get(order[k]).get("Position"));
        }
        double[][] gtXy = new double[g][];
        for (int i = 0; i < g; i++) {
            Object item = gtItems.get(i);
            gtXy[i] = item instanceof Map<?, ?> gm ? smallBox(gm.get("Position")) : null;
        }
        Numeric numeric = numeric(predXy, gtXy, conf, order);
        if (numeric != null) {
            return numeric;
        }
        int[] matchedGt = new int[p];
        double[] matchedIou = new double[p];
        GreedyMatch.match(p, g, (gi, k) -> {
            double[] a = gtXy[gi];
            double[] b = predXy[k];
            if (a != null && b != null) {
                return BoxIou.visualRft(a[0], a[1], a[2], a[3], b[0], b[1], b[2], b[3]);
            }
            // the general path raises where upstream raises (not a dict, no Position, not 4 numbers, ...)
            return calculateIou(subscriptable(gtItems.get(gi), "Position").get("Position"),
                    preds.get(order[k]).get("Position"));
        }, 0, matchedGt, matchedIou);
        // Python arithmetic for each confidence term (exact for big ints), then the shared assembly.
        double[] confMatched = new double[p];
        double[] confUnmatched = new double[p];
        for (int k = 0; k < p; k++) {
            Object c = conf[order[k]];
            if (matchedGt[k] >= 0) {
                confMatched[k] = PyNum.toFloat(c);
            } else {
                confUnmatched[k] = PyNum.toFloat(PyNum.sub(1L, c)); // (1 - 0) * (1 - c)
            }
        }
        double[] iouReward = new double[1];
        double[] confReward = new double[1];
        DetectionMatch.rewards(p, g, 0, matchedGt, matchedIou, confMatched, confUnmatched, iouReward, confReward, 0);
        return components(iouReward[0], confReward[0], g, matchedCount(matchedGt, 0, p));
    }

    static int matchedCount(int[] matchedGt, int from, int count) {
        int n = 0;
        for (int k = from; k < from + count; k++) {
            n += matchedGt[k] >= 0 ? 1 : 0;
        }
        return n;
    }

    /**
     * The arrays of a completion whose every Position is four small numbers exact in float32 (NaN is not: it
     * stays on the exact path) and whose confidences are small numbers, else null. For such a completion no
     * IoU raises, and {@code float(c)} and {@code float(1 - c)} are the doubles {@code c} and {@code 1.0 - c}.
     */
    private static Numeric numeric(double[][] predXy, double[][] gtXy, Object[] conf, int[] order) {
        float[] pred = new float[4 * predXy.length];
        double[] c = new double[predXy.length];
        for (int k = 0; k < predXy.length; k++) {
            if (!float32Exact(predXy[k], pred, 4 * k) || !PyNum.isSmall(conf[order[k]])) {
                return null;
            }
            c[k] = PyNum.smallValue(conf[order[k]]);
        }
        float[] gt = new float[4 * gtXy.length];
        for (int j = 0; j < gtXy.length; j++) {
            if (!float32Exact(gtXy[j], gt, 4 * j)) {
                return null;
            }
        }
        return new Numeric(pred, c, gt);
    }

    private static boolean float32Exact(double[] box, float[] out, int at) {
        if (box == null) {
            return false;
        }
        for (int i = 0; i < 4; i++) {
            float f = (float) box[i];
            if ((double) f != box[i]) { // also false for NaN
                return false;
            }
            out[at + i] = f;
        }
        return true;
    }

    /** The two components with upstream's names and, for a zero or NaN, the reason. */
    static Result components(double iouReward, double confReward, int g, int matchedCount) {
        String iouWhy = null;
        if (iouReward == 0) {
            iouWhy = g == 0 ? "ground truth is an empty list: nothing to match"
                    : "no predicted box matched a ground-truth box with IoU > 0.5";
        }
        String confWhy = null;
        if (Double.isNaN(confReward)) {
            confWhy = "a NaN confidence propagates to the mean (upstream behaviour)";
        } else if (confReward == 0) {
            confWhy = matchedCount == 0 ? "every box is unmatched and claims confidence >= 1"
                    : "matched boxes claim confidence <= 0 and unmatched boxes >= 1";
        }
        return new Result(new Component("accuracy_iou", iouReward, iouWhy),
                new Component("accuracy_confidence", confReward, confWhy));
    }

    private static void checkStrictConfidence(Object c, int i) {
        if (c instanceof Boolean) {
            throw PyException.valueError("Confidence of box " + i + " is a bool; strict expects a number in [0, 1]");
        }
        double v = PyNum.toFloat(c);
        if (!(v >= 0 && v <= 1)) {
            throw PyException.valueError("Confidence of box " + i + " is " + v + ", outside [0, 1] (strict)");
        }
    }

    /**
     * The coordinates of a Position that is a list of four {@link PyNum#isSmall} numbers (so double arithmetic is
     * Python's), else null and the pair goes through {@link #calculateIou}.
     */
    private static double[] smallBox(Object pos) {
        if (pos instanceof List<?> l && l.size() == 4) {
            Object a = l.get(0);
            Object b = l.get(1);
            Object c = l.get(2);
            Object d = l.get(3);
            if (PyNum.isSmall(a) && PyNum.isSmall(b) && PyNum.isSmall(c) && PyNum.isSmall(d)) {
                return new double[] {PyNum.smallValue(a), PyNum.smallValue(b), PyNum.smallValue(c), PyNum.smallValue(d)};
            }
        }
        return null;
    }

    /** {@code calculate_iou(gt_position, pred_position)}, raising where upstream raises. */
    static double calculateIou(Object gtPos, Object predPos) {
        Object[] a = unpack4(gtPos);
        Object[] b = unpack4(predPos);
        boolean small = true;
        for (int i = 0; i < 4 && small; i++) {
            small = PyNum.isSmall(a[i]) && PyNum.isSmall(b[i]);
        }
        if (small) {
            return BoxIou.visualRft(PyNum.smallValue(a[0]), PyNum.smallValue(a[1]), PyNum.smallValue(a[2]),
                    PyNum.smallValue(a[3]), PyNum.smallValue(b[0]), PyNum.smallValue(b[1]),
                    PyNum.smallValue(b[2]), PyNum.smallValue(b[3]));
        }
        return calculateIouExact(a, b);
    }

    /** The same formula in Python arithmetic: big ints exact, TypeError for non-numbers. */
    private static double calculateIouExact(Object[] a, Object[] b) {
        Object xi1 = PyNum.max(a[0], b[0]);
        Object yi1 = PyNum.max(a[1], b[1]);
        Object xi2 = PyNum.min(a[2], b[2]);
        Object yi2 = PyNum.min(a[3], b[3]);
        if (PyNum.le(xi2, xi1) || PyNum.le(yi2, yi1)) {
            return 0.0;
        }
        Object inter = PyNum.mul(PyNum.sub(xi2, xi1), PyNum.sub(yi2, yi1));
        Object area1 = PyNum.mul(PyNum.sub(a[2], a[0]), PyNum.sub(a[3], a[1]));
        Object area2 = PyNum.mul(PyNum.sub(b[2], b[0]), PyNum.sub(b[3], b[1]));
        Object union = PyNum.sub(PyNum.add(area1, area2), inter);
        return PyNum.truediv(inter, union);
    }

    /** {@code x1, y1, x2, y2 = v}. */
    private static Object[] unpack4(Object v) {
        List<Object> elems = iterate(v);
        if (elems.size() != 4) {
            throw PyException.valueError(elems.size() > 4 ? "too many values to unpack (expected 4)"
                    : "not enough values to unpack (expected 4, got " + elems.size() + ")");
        }
        return elems.toArray();
    }
}
