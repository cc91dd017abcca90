package io.github.vrft.reward;

import io.github.vrft.answer.JsonRepair;
import io.github.vrft.answer.PyException;
import io.github.vrft.answer.PyJson;
import io.github.vrft.answer.PyNum;
import io.github.vrft.answer.PyRepr;
import io.github.vrft.answer.PyText;
import io.github.vrft.answer.PyUnicode;
import io.github.vrft.box.CocoAp;
import io.github.vrft.box.GlobalGreedyMatch;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * VLM-R1 open-vocabulary detection rewards (grpo_jsonl.py, docs/rewards.md §2.3): {@code od_ap}, {@code od_ap50},
 * {@code odLength} and {@code map} by COCO AP ({@link CocoAp}), {@code weighted_sum} with its global greedy
 * matching, and the {@code repetition} and cosine {@code length} rewards.
 *
 * <p>Where upstream raises (a solution that is not JSON, the {@code UnboundLocalError} of weighted_sum), the
 * faithful profile scores 0 and the reason starts with "upstream raises". Profile {@code strict} fixes what
 * docs/rewards.md §4 lists: a match without a label counts as a wrong label (no stale label, no crash), an answer with
 * no json block scores 1 against a {@code None} solution only when it is {@code None} or an empty list, and
 * the cosine reward uses the weighted_sum accuracy and clamps the length at 1024.
 */
final class OdReward {
    private OdReward() {}

    private static final String FENCE_OPEN = "```json";
    private static final String FENCE = "```";

    /** Thrown where upstream raises out of the reward function (the training step would crash). */
    static final class Raised extends RuntimeException {
        Raised(PyException cause) {
            super(cause.pyType() + ": " + cause.getMessage(), null, false, false);
        }
    }

    // ---- json blocks ------------------------------------------------------------------------------------

    /** {@code re.findall(r'```json(.*?)```', s, re.DOTALL)[-1]}, or null. */
    static String lastJsonBlock(String s) {
        return VlmR1Text.lastBlock(s, FENCE_OPEN, FENCE);
    }

    /** The group of {@code re.search(r'<open>(.*?)```', s, re.DOTALL)}, or null. */
    static String firstBlock(String s, String open) {
        int o = s.indexOf(open);
        if (o < 0) {
            return null;
        }
        int close = s.indexOf(FENCE, o + open.length());
        return close < 0 ? null : s.substring(o + open.length(), close);
    }

    /** {@code [item for item in data]}: a list as is, a dict's keys, a str's characters; else TypeError. */
    static List<Object> items(Object data) {
        if (data instanceof List<?> l) {
            return new ArrayList<>(l);
        }
        if (data instanceof Map<?, ?> m) {
            return new ArrayList<>(m.keySet());
        }
        if (data instanceof String s) {
            List<Object> out = new ArrayList<>(s.length());
            s.codePoints().forEach(c -> out.add(Character.toString(c)));
            return out;
        }
        throw PyException.typeError("'" + PyJson.typeName(data) + "' object is not iterable");
    }

    // ---- od_ap, od_ap50, odLength, map ---------------------------------------------------------------

    static Component odAccuracy(String completion, String solution, VlmR1Method method, Profile profile) {
        String gtBody = PyText.firstAnswerDotall(solution);
        String gt = gtBody == null ? null : PyText.strip(gtBody);
        String st = VlmR1Text.lastAnswerDotall(completion);
        if (st == null) {
            return zero("no <answer>…</answer>");
        }
        st = PyText.strip(st);
        if ("None".equals(gt) && "None".equals(st)) {
            return new Component("accuracy", 1.0, null);
        }
        if (gt == null) {
            return zero("upstream raises TypeError: the solution has no <answer>…</answer> (re.findall on None)");
        }
        return mapReward(st, gt, method == VlmR1Method.OD_LENGTH, method == VlmR1Method.OD_AP50 ? 1 : 0, profile);
    }

    /**
     * {@code map_reward}; {@code map} calls it on the raw completion and solution with AP@[.50:.05:.95] (score
     * type 0), as the golden file has it.
     */
    static Component mapReward(String content, String sol, boolean lengthReward, int scoreType, Profile profile) {
        List<Object> gtList;
        String gtJson = lastJsonBlock(sol);
        gtJson = gtJson == null ? null : PyText.strip(gtJson);
        try {
            gtList = gtJson == null || gtJson.isEmpty() ? List.of() : items(PyJson.loads(gtJson));
        } catch (PyException e) {
            return zero("upstream raises " + e.pyType() + ": the solution's json block: " + e.getMessage());
        }
        List<Object> predList = List.of();
        String why = null;
        boolean parsed = false;
        String predJson = lastJsonBlock(content);
        if (predJson == null) {
            why = "no ```json … ``` block";
        } else {
            try {
                predList = items(PyJson.loads(PyText.strip(predJson)));
                parsed = true;
            } catch (PyException e) {
                why = "the json block does not parse (" + e + "), so no boxes";
            }
        }
        double reward;
        if (!predList.isEmpty() && !gtList.isEmpty()) {
            try {
                Coco c = calculateMap(predList, gtList);
                if (c.detections == 0) {
                    return zero("no prediction has a ground-truth label and a [x1, y1, x2, y2] of numbers");
                }
                reward = scoreType == 0 ? c.result.ap() : c.result.ap50();
            } catch (PyException e) {
                return zero("upstream raises " + e.pyType() + ": " + e.getMessage());
            }
        } else if (predList.isEmpty() && gtList.isEmpty()) {
            if (profile == Profile.STRICT && !parsed && !"None".equals(PyText.strip(content))) {
                return zero(why + " (strict: against an empty solution the answer must be None or an empty json list)");
            }
            reward = 1.0;
        } else {
            return zero(predList.isEmpty() ? (why != null ? why : "the json block holds no boxes")
                    : "the solution has no boxes but the answer has " + predList.size());
        }
        if (lengthReward) {
            int g = gtList.size();
            int p = predList.size();
            double lengthScore = g >= p ? 1.0 : (double) g / p;
            reward = reward * lengthScore;
        }
        return new Component("accuracy", reward, reward == 0 ? "AP is 0" : null);
    }

    private static Component zero(String why) {
        return new Component("accuracy", 0.0, why);
    }

    private record Coco(CocoAp.Result result, int detections) {}

    /** {@code calculate_map}: categories from the ground truth, every prediction scored 1.0 in listed order. */
    private static Coco calculateMap(List<Object> preds, List<Object> gts) {
        Map<Object, Integer> cats = new HashMap<>();
        int n = gts.size();
        double[] gtBox = new double[4 * n];
        double[] gtArea = new double[n];
        int[] gtCat = new int[n];
        for (int i = 0; i < n; i++) {
            Object g = gts.get(i);
            Object key = labelKey(get(g, "label"));
            Integer cat = cats.get(key);
            if (cat == null) {
                cat = cats.size();
                cats.put(key, cat);
            }
            gtCat[i] = cat;
            toDoubles(pyBox(get(g, "bbox_2d")), gtBox, gtArea, i);
        }
        List<Object[]> kept = new ArrayList<>(preds.size());
        List<Integer> keptCat = new ArrayList<>(preds.size());
        for (Object p : preds) {
            try {
                Integer cat = cats.get(labelKey(get(p, "label")));
                if (cat == null) {
                    continue; // KeyError: an unknown label, dropped by upstream's bare except
                }
                kept.add(pyBox(get(p, "bbox_2d")));
                keptCat.add(cat);
            } catch (PyException e) {
                // dropped, as upstream's bare except drops it
            }
        }
        int d = kept.size();
        if (d == 0) {
            return new Coco(null, 0);
        }
        double[] dtBox = new double[4 * d];
        double[] dtArea = new double[d];
        int[] dtCat = new int[d];
        int[] perCat = new int[cats.size()];
        for (int j = 0; j < d; j++) {
            dtCat[j] = keptCat.get(j);
            // COCOeval converts the first 100 detections of each category with np.array(dtype=double), where
            // an int past the double range raises OverflowError; the arithmetic before it was exact.
            if (perCat[dtCat[j]]++ < CocoAp.MAX_DETS) {
                toDoubles(kept.get(j), dtBox, dtArea, j);
            }
        }
        return new Coco(CocoAp.evaluate(cats.size(), gtBox, gtArea, gtCat, dtBox, dtArea, dtCat), d);
    }

    /** {@code obj[key]} for a decoded value: a dict lookup, else the TypeError of indexing a list or str with a str. */
    static Object get(Object obj, String key) {
        if (obj instanceof Map<?, ?> m) {
            if (!m.containsKey(key)) {
                throw PyException.keyError(key);
            }
            return m.get(key);
        }
        if (obj instanceof List || obj instanceof String) {
            throw PyException.typeError("indices must be integers or slices, not str");
        }
        throw PyException.typeError("'" + PyJson.typeName(obj) + "' object is not subscriptable");
    }

    /**
     * A dict key with Python's equality: 1, 1.0 and True are one key; a list or dict is unhashable. json's NaN
     * is one shared object, so NaN labels are one key too.
     */
    static Object labelKey(Object label) {
        if (label instanceof String s) {
            return "s" + s;
        }
        if (label == PyJson.NONE) {
            return label;
        }
        if (label instanceof Boolean b) {
            return "n" + (b ? "1" : "0");
        }
        if (label instanceof Long || label instanceof BigInteger) {
            return "n" + label;
        }
        if (label instanceof Double x) {
            if (x.isNaN() || x.isInfinite()) {
                return "f" + x;
            }
            BigDecimal v = new BigDecimal(x).stripTrailingZeros();
            return "n" + (v.signum() == 0 ? "0" : v.toPlainString());
        }
        throw PyException.typeError("unhashable type: '" + PyJson.typeName(label) + "'");
    }

    /**
     * {@code [x1, y1, x2 - x1, y2 - y1]} and the area {@code (x2 - x1) * (y2 - y1)} as Python values (ints
     * exact), in upstream's order of evaluation; any failure is upstream's exception.
     */
    private static Object[] pyBox(Object bbox) {
        Object x1 = index(bbox, 0);
        Object y1 = index(bbox, 1);
        Object w = PyNum.sub(index(bbox, 2), x1);
        Object h = PyNum.sub(index(bbox, 3), y1);
        return new Object[] {x1, y1, w, h, PyNum.mul(w, h)};
    }

    /** {@code np.array(box, dtype=np.double)}; the area keeps its exact sign for the range test. */
    private static void toDoubles(Object[] b, double[] box, double[] area, int i) {
        for (int k = 0; k < 4; k++) {
            box[4 * i + k] = PyNum.toFloat(b[k]);
        }
        area[i] = areaValue(b[4]);
    }

    /** The area as compared with the range [0, 1e10]: exact ints past the double range keep their sign. */
    private static double areaValue(Object a) {
        if (a instanceof BigInteger b && Double.isInfinite(b.doubleValue())) {
            return b.signum() < 0 ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        }
        return PyNum.toFloat(a);
    }

    private static Object index(Object seq, int i) {
        if (seq instanceof List<?> l) {
            if (i >= l.size()) {
                throw new PyException("IndexError", "list index out of range");
            }
            Object v = l.get(i);
            if (!PyNum.isNumber(v)) {
                throw PyException.typeError("unsupported operand type(s) for -: '" + PyJson.typeName(v) + "'");
            }
            return v;
        }
        if (seq instanceof Map<?, ?>) {
            throw new PyException("KeyError", String.valueOf(i));
        }
        throw PyException.typeError("a bbox_2d of type " + PyJson.typeName(seq) + " has no numeric coordinates");
    }

    // ---- weighted_sum -----------------------------------------------------------------------------------

    /** The weighted_sum accuracy as a component (computed once for the completion, shared with the cosine reward). */
    static Component weightedSum(WeightedSum once) {
        try {
            double v = once.get();
            return new Component("accuracy", v, v == 0
                    ? "no box matched with IoU >= 0.5, no boxes, or a none solution answered with something else" : null);
        } catch (Raised e) {
            return zero("upstream raises " + e.getMessage());
        }
    }

    /**
     * {@link #weightedSumAccuracy} computed at most once for one completion: the weighted_sum accuracy and the
     * cosine length reward both need it, and on hundreds of boxes it is the costly part of scoring.
     */
    static final class WeightedSum {
        private final String completion;
        private final String solution;
        private final Profile profile;
        private boolean done;
        private double value;
        private Raised raised;

        WeightedSum(String completion, String solution, Profile profile) {
            this.completion = completion;
            this.solution = solution;
            this.profile = profile;
        }

        double get() {
            if (!done) {
                try {
                    value = weightedSumAccuracy(completion, solution, profile);
                } catch (Raised e) {
                    raised = e;
                }
                done = true;
            }
            if (raised != null) {
                throw raised;
            }
            return value;
        }
    }

    /**
     * What {@code accuracy_reward} (weighted_sum) and {@code cosine_rewards} both compute: {@code clean_text}
     * on both texts, 1 or 0 by the {@code none} rule, else {@code detection_score}.
     *
     * @throws Raised where upstream raises
     */
    static double weightedSumAccuracy(String completion, String solution, Profile profile) {
        String content = VlmR1Text.cleanText(completion);
        SolutionCache last = SOLUTION.get();
        String sol;
        if (solution.length() > DetectionReward.CACHED_SOLUTION_CHARS) {
            sol = VlmR1Text.cleanText(solution);
        } else {
            if (!solution.equals(last.solution)) {
                last.cleaned = VlmR1Text.cleanText(solution);
                last.solution = solution;
            }
            sol = last.cleaned;
        }
        if (sol.equals("none")) {
            return content.equals("none") ? 1.0 : 0.0;
        }
        return detectionScore(content, sol, profile);
    }

    /**
     * The solution side of weighted_sum for the last solution a thread scored: a group's G completions share
     * one solution, and cleaning and parsing it was a third of the work. The parsed items are only read, never
     * changed. A solution that raises is not kept; nor is one over DetectionReward's size limit for its cache.
     */
    private static final class SolutionCache {
        String solution;
        String cleaned;
        String truthOf; // the cleaned solution the items below were parsed from
        List<Object> truth;
    }

    private static final ThreadLocal<SolutionCache> SOLUTION = ThreadLocal.withInitial(SolutionCache::new);

    /** The items of the first ```json block of {@code sol} (cleaned again, as upstream does), or [] without one. */
    private static List<Object> truthItems(String sol) {
        SolutionCache last = SOLUTION.get();
        if (last.truth != null && sol.equals(last.truthOf)) {
            return last.truth;
        }
        List<Object> gts = List.of();
        String gj = firstBlock(VlmR1Text.cleanText(sol), FENCE_OPEN);
        gj = gj == null ? null : PyText.strip(gj);
        if (gj != null && !gj.isEmpty()) {
            try {
                gts = java.util.Collections.unmodifiableList(items(PyJson.loads(gj)));
            } catch (PyException e) {
                throw new Raised(e);
            }
        }
        if (sol.length() <= DetectionReward.CACHED_SOLUTION_CHARS) {
            last.truthOf = sol;
            last.truth = gts;
        }
        return gts;
    }

    /** {@code detection_score(content, sol)} with alpha 0.7, beta 0, gamma 0.3 and threshold 0.5. */
    static double detectionScore(String content, String sol, Profile profile) {
        List<Object> preds = List.of();
        String pj = firstBlock(VlmR1Text.cleanText(content), FENCE_OPEN);
        pj = pj == null ? null : PyText.strip(pj);
        if (pj != null && !pj.isEmpty()) {
            try {
                preds = items(PyJson.loads(pj));
            } catch (PyException e) {
                preds = List.of();
            }
        }
        List<Object> gts = truthItems(sol);
        if (gts.isEmpty()) {
            return preds.isEmpty() ? 1.0 : 0.0;
        }
        if (preds.isEmpty()) {
            return 0.0;
        }
        int np = preds.size();
        int ng = gts.size();
        // Equal boxes give equal IoU rows (and columns): IoU is computed once per pair of distinct boxes, and
        // the matching works on the groups (a collapsed policy repeats one box hundreds of times).
        BoxGroups pg = new BoxGroups(preds);
        BoxGroups gg = new BoxGroups(gts);
        int ng2 = gg.boxes.size();
        double[] groupIou = new double[pg.boxes.size() * ng2];
        RecReward.BoxColumns gCols = new RecReward.BoxColumns(gg.values, gg.finite, ng2);
        for (int a = 0; a < pg.boxes.size(); a++) {
            if (pg.finite[a]) {
                RecReward.inclusiveIouRow(pg.values, 4 * a, gCols, groupIou, a * ng2);
            }
            for (int k = 0; k < ng2; k++) {
                if (!pg.finite[a] || !gg.finite[k]) {
                    groupIou[a * ng2 + k] = pg.small[a] && gg.small[k]
                            ? RecReward.inclusiveIouSmall(pg.values, 4 * a, gg.values, 4 * k)
                            : pairIou(pg.boxes.get(a), gg.boxes.get(k));
                }
            }
        }
        int[] pairs = GlobalGreedyMatch.match(pg.group, pg.boxes.size(), gg.group, gg.boxes.size(), groupIou, 0.5);
        String predLabel = null; // Python local: unbound until the first successful .lower()
        double positionSum = 0; // sum() starts at int 0; adding floats left to right is the same
        int matches = 0;
        for (int t = 0; t < pairs.length; t += 2) {
            int bp = pairs[t];
            int bg = pairs[t + 1];
            double maxIou = groupIou[pg.group[bp] * gg.boxes.size() + gg.group[bg]];
            String label = lowerLabel(preds.get(bp));
            if (label != null) {
                predLabel = label;
            } else if (profile == Profile.STRICT) {
                predLabel = null; // strict: a missing label is a wrong label
            } else if (predLabel == null) {
                throw new Raised(new PyException("UnboundLocalError",
                        "cannot access local variable 'pred_label' where it is not associated with a value "
                                + "(the first matched prediction has no string label)"));
            }
            String gtLabel = lowerLabel(gts.get(bg));
            if (gtLabel == null) {
                gtLabel = "";
            }
            boolean correct = predLabel != null && predLabel.equals(gtLabel);
            if (correct) {
                positionSum += maxIou;
            }
            matches++;
        }
        int predLeft = np - matches;
        int gtLeft = ng - matches;
        double alpha = 0.7;
        double beta = 0.0;
        double gamma = 0.3;
        double position = matches > 0 ? positionSum / ng : 0.0;
        double missRate = (double) gtLeft / ng;
        double falseAlarmRate = (double) predLeft / np;
        double completeness = 1.0 - (missRate + falseAlarmRate) / 2.0;
        return (alpha * position + beta * 0.0 + gamma * completeness) / (alpha + beta + gamma);
    }

    /** {@code box["label"].lower()}, or null where that raises (no label, not a str, not a dict). */
    private static String lowerLabel(Object box) {
        if (box instanceof Map<?, ?> m && m.get("label") instanceof String s) {
            return PyUnicode.lower(s);
        }
        return null;
    }

    private static Object[] coords(Object bbox) {
        return new Object[] {index(bbox, 0), index(bbox, 1), index(bbox, 2), index(bbox, 3)};
    }

    /**
     * The distinct boxes of a list and each item's group: items whose {@code bbox_2d} coordinates are equal
     * (same Python types and values) share a group; an item whose coordinates raise (no dict, no
     * {@code bbox_2d}, fewer than 4, not numbers) has IoU 0 with everything, upstream's bare except, and group -1.
     */
    private static final class BoxGroups {
        final int[] group;
        final List<Object[]> boxes = new ArrayList<>();
        boolean[] small; // per distinct box: every coordinate PyNum.isSmall, so its doubles are exact
        boolean[] finite; // small, and no coordinate NaN or infinite: the branch-free row form applies
        double[] values; // per distinct box: its 4 coordinates as doubles (where small)

        BoxGroups(List<Object> items) {
            group = new int[items.size()];
            Map<List<Object>, Integer> ids = new HashMap<>();
            for (int i = 0; i < group.length; i++) {
                Object[] c;
                try {
                    c = coords(get(items.get(i), "bbox_2d"));
                } catch (PyException e) {
                    group[i] = -1;
                    continue;
                }
                Integer id = ids.putIfAbsent(List.of(c), boxes.size());
                if (id == null) {
                    id = boxes.size();
                    boxes.add(c);
                }
                group[i] = id;
            }
            small = new boolean[boxes.size()];
            finite = new boolean[boxes.size()];
            values = new double[4 * boxes.size()];
            for (int b = 0; b < boxes.size(); b++) {
                Object[] c = boxes.get(b);
                small[b] = PyNum.isSmall(c[0]) && PyNum.isSmall(c[1]) && PyNum.isSmall(c[2]) && PyNum.isSmall(c[3]);
                finite[b] = small[b];
                for (int k = 0; k < 4 && small[b]; k++) {
                    values[4 * b + k] = PyNum.smallValue(c[k]);
                    finite[b] &= Double.isFinite(values[4 * b + k]);
                }
            }
        }
    }

    /** Upstream's {@code iou(pred, gt)} inside its bare {@code try}: an exception gives 0.0. */
    private static double pairIou(Object[] a, Object[] b) {
        try {
            return RecReward.inclusiveIou(a, b);
        } catch (PyException e) {
            return 0.0;
        }
    }

    // ---- repetition -------------------------------------------------------------------------------------

    /** {@code repetition_reward(content)}, in [-1, 0]. */
    static Component repetition(String content) {
        final String name = "repetition";
        if (content.isEmpty()) {
            return new Component(name, 0.0, null);
        }
        String bboxJson;
        String fenced = firstBlock(content, FENCE_OPEN);
        if (fenced != null) {
            bboxJson = PyText.strip(fenced);
        } else {
            String any = firstBlock(content, FENCE);
            bboxJson = any == null ? null : PyText.strip(any);
            if (bboxJson == null || bboxJson.isEmpty()) {
                bboxJson = bboxArrayText(content);
            }
        }
        if (bboxJson != null && !bboxJson.isEmpty()) {
            Object data;
            try {
                data = PyJson.loads(bboxJson);
            } catch (PyJson.DecodeError e) {
                try {
                    data = JsonRepair.parse(bboxJson);
                } catch (PyException e2) {
                    data = null;
                }
            } catch (PyException e) {
                // ValueError (too many digits) or RecursionError: not a JSONDecodeError, so upstream raises
                return new Component(name, 0.0, "upstream raises " + e.pyType() + ": " + e.getMessage());
            }
            if (data instanceof List<?> list && !list.isEmpty()) {
                List<String> keys = new ArrayList<>();
                for (Object item : list) {
                    try {
                        if (contains(item, "bbox_2d") && contains(item, "label")) {
                            keys.add(PyRepr.str(get(item, "bbox_2d")) + "_" + PyRepr.str(get(item, "label")));
                        }
                    } catch (PyException e) {
                        return new Component(name, 0.0, "upstream raises " + e.pyType() + ": " + e.getMessage());
                    }
                }
                if (keys.isEmpty()) {
                    return new Component(name, 0.0, null);
                }
                Set<String> unique = new HashSet<>(keys);
                return new Component(name, (1 - (double) unique.size() / keys.size()) * -1.0, null);
            }
        }
        List<String> words = split(PyUnicode.lower(content));
        if (split(content).size() < 6) {
            return new Component(name, 0.0, null);
        }
        Set<List<String>> grams = new HashSet<>();
        int total = 0;
        for (int i = 0; i + 6 <= words.size(); i++) {
            grams.add(words.subList(i, i + 6));
            total++;
        }
        return new Component(name, (1 - (double) grams.size() / total) * -1.0, null);
    }

    /** {@code key in item}: dict keys, list elements, substrings; other types raise TypeError. */
    private static boolean contains(Object item, String key) {
        if (item instanceof Map<?, ?> m) {
            return m.containsKey(key);
        }
        if (item instanceof List<?> l) {
            return l.contains(key);
        }
        if (item instanceof String s) {
            return s.contains(key);
        }
        throw PyException.typeError("argument of type '" + PyJson.typeName(item) + "' is not iterable");
    }

    /** The match of {@code \[\s*{.*?"bbox_2d".*?"label".*?}\s*\]} (DOTALL), or null. */
    static String bboxArrayText(String s) {
        int p = s.indexOf('[');
        while (p >= 0) {
            int q = PyText.skipSpace(s, p + 1);
            if (q < s.length() && s.charAt(q) == '{') {
                // Later starts only see later text, so if this one fails they fail too.
                int b = s.indexOf("\"bbox_2d\"", q + 1);
                int l = b < 0 ? -1 : s.indexOf("\"label\"", b + 9);
                if (l < 0) {
                    return null;
                }
                int c = s.indexOf('}', l + 7);
                while (c >= 0) {
                    int r = PyText.skipSpace(s, c + 1);
                    if (r < s.length() && s.charAt(r) == ']') {
                        return s.substring(p, r + 1);
                    }
                    c = s.indexOf('}', c + 1);
                }
                return null;
            }
            p = s.indexOf('[', p + 1);
        }
        return null;
    }

    /** {@code str.split()}: runs of Python whitespace separate words. */
    static List<String> split(String s) {
        List<String> out = new ArrayList<>();
        int i = 0;
        while (i < s.length()) {
            i = PyText.skipSpace(s, i);
            int start = i;
            while (i < s.length() && !PyText.isSpace(s.charAt(i))) {
                i++;
            }
            if (i > start) {
                out.add(s.substring(start, i));
            }
        }
        return out;
    }

    // ---- cosine length ----------------------------------------------------------------------------------

    /**
     * {@code cosine_rewards}: upstream first runs the weighted_sum accuracy (and so raises where it raises),
     * then overwrites it with 1.0, giving {@code 1.0 - 0.5·(1 - cos(L·π/1024))/2}. Strict uses the accuracy
     * (correct at &ge; 0.7: [0.5, 1]; wrong: [-0.5, 0]) and clamps L at 1024.
     */
    static Component lengthCosine(String completion, WeightedSum accuracy, Integer tokens, Profile profile) {
        final String name = "length_cosine";
        double acc;
        try {
            acc = accuracy.get();
        } catch (Raised e) {
            return new Component(name, 0.0, "upstream raises " + e.getMessage()
                    + " (cosine_rewards runs detection_score first)");
        }
        int genLen = tokens != null ? tokens : split(completion).size();
        double minValue;
        double maxValue;
        if (profile == Profile.STRICT) {
            genLen = Math.min(genLen, 1024);
        } else {
            acc = 1.0; // upstream: "acc_reward = 1.0"
        }
        if (acc >= 0.7) {
            minValue = 0.5;
            maxValue = 1.0;
        } else {
            minValue = 0.0;
            maxValue = -0.5;
        }
        double reward = maxValue - (maxValue - minValue) * (1 - StrictMath.cos(genLen * Math.PI / 1024)) / 2;
        return new Component(name, reward, null);
    }

    // ---- format -----------------------------------------------------------------------------------------

    static Component legacyOvdFormat(String completion) {
        return VlmR1Text.legacyOvdFormat(completion) ? new Component("format", 1.0, null)
                : new Component("format", 0.0, "no <think>…</think> <answer>[… {\"bbox_2d\": [d, d, d, d], \"label\": \"…\"} …]</answer>");
    }
}
