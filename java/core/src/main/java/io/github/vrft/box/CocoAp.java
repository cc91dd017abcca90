package io.github.vrft.box;

import io.github.vrft.Checks;

import java.util.Arrays;

/**
 * COCO bounding-box AP of one image, exactly as pycocotools' {@code COCOeval(iouType='bbox')} computes
 * {@code stats[0]} (AP@[.50:.05:.95]) and {@code stats[1]} (AP50) with the default parameters: ten IoU
 * thresholds, 101 recall points, at most 100 detections per category, area range [0, 1e10].
 *
 * <p>The details that decide the numbers, all reproduced:
 * <ul>
 *   <li>IoU is {@code maskApi.c bbIou} on {@code (x, y, w, h)}: {@code fmin(x+w, x'+w') - fmax(x, x')}, no +1,
 *       0 when the overlap width or height is &le; 0; a match needs IoU &ge; t (capped at 1 - 1e-10).</li>
 *   <li>Detections are ranked by a stable sort of their scores; {@link #evaluate} takes them already in rank
 *       order (VLM-R1 gives every detection score 1.0, so the listed order is the ranking).</li>
 *   <li>Each detection takes the best-IoU free ground truth, the last one on ties, and stops at the first
 *       ignored ground truth once a non-ignored one is held; ground truth whose area lies outside the range
 *       is ignored, and so is an unmatched detection whose area lies outside it (a negative-area box).</li>
 *   <li>Precision is {@code tp / (tp + fp + eps)} with {@code eps = np.spacing(1)}, made monotone from the
 *       right, and read at each recall threshold with {@code searchsorted(side='left')}; a category with no
 *       non-ignored ground truth is left out of the mean; the mean is numpy's pairwise sum over
 *       (threshold, recall point, category), divided by the count. With no category left it is -1.</li>
 * </ul>
 */
public final class CocoAp {
    private CocoAp() {}

    /** AP@[.50:.95] and AP@.50, pycocotools' {@code stats[0]} and {@code stats[1]}. */
    public record Result(double ap, double ap50) {}

    static final int T = 10;
    static final int R = 101;
    /** pycocotools maxDets[-1]: detections per category that count. */
    public static final int MAX_DETS = 100;

    /** The most categories {@link #evaluate} takes (its working memory grows with the count). */
    public static final int MAX_CATS = 1 << 24;
    static final double AREA_MAX = 1e10;
    /** {@code np.spacing(1)}. */
    static final double EPS = Math.ulp(1.0);
    static final double[] IOU_THRS = new double[T];
    static final double[] REC_THRS = new double[R];

    static {
        // np.linspace: i * step + start, with the last point set to stop.
        double step = (0.95 - 0.5) / (T - 1);
        for (int i = 0; i < T - 1; i++) {
            IOU_THRS[i] = i * step + 0.5;
        }
        IOU_THRS[T - 1] = 0.95;
        for (int i = 0; i < R - 1; i++) {
            REC_THRS[i] = i * 0.01;
        }
        REC_THRS[R - 1] = 1.0;
    }

    /**
     * {@code maskApi.c bbIou} for one pair, {@code d} the detection and {@code g} the ground truth, both xywh.
     * C's {@code fmin}/{@code fmax} ignore a NaN argument, and {@code if (w <= 0) continue;} lets a NaN width
     * through, so NaN coordinates give what the C code gives.
     */
    public static double bbIou(double dx, double dy, double dw, double dh, double gx, double gy, double gw, double gh) {
        double w = fmin(dw + dx, gw + gx) - fmax(dx, gx);
        if (w <= 0) {
            return 0;
        }
        double h = fmin(dh + dy, gh + gy) - fmax(dy, gy);
        if (h <= 0) {
            return 0;
        }
        double i = w * h;
        double u = dw * dh + gw * gh - i;
        return i / u;
    }

    static double fmin(double a, double b) {
        if (a != a) {
            return b;
        }
        if (b != b) {
            return a;
        }
        return b < a ? b : a;
    }

    static double fmax(double a, double b) {
        if (a != a) {
            return b;
        }
        if (b != b) {
            return a;
        }
        return b > a ? b : a;
    }

    /**
     * Evaluates one image.
     *
     * @param numCats categories {@code 0..numCats-1}; each should have ground truth (those without any are
     *                skipped, as pycocotools skips an empty (image, category))
     * @param gtBox   ground truth xywh, 4 per box, in annotation order
     * @param gtArea  ground-truth areas (pycocotools reads the annotation's {@code area}, not w·h)
     * @param gtCat   ground-truth categories
     * @param dtBox   detections xywh in rank order
     * @param dtArea  detection areas
     * @param dtCat   detection categories
     */
    public static Result evaluate(int numCats, double[] gtBox, double[] gtArea, int[] gtCat,
                                  double[] dtBox, double[] dtArea, int[] dtCat) {
        Checks.notNull(gtBox, "gtBox");
        Checks.notNull(gtArea, "gtArea");
        Checks.notNull(gtCat, "gtCat");
        Checks.notNull(dtBox, "dtBox");
        Checks.notNull(dtArea, "dtArea");
        Checks.notNull(dtCat, "dtCat");
        if (numCats < 0 || numCats > MAX_CATS) {
            throw new IllegalArgumentException("numCats: " + numCats + " is not in [0, " + MAX_CATS + "]");
        }
        checkCats(gtCat, numCats, "gtCat");
        checkCats(dtCat, numCats, "dtCat");
        int nGt = gtCat.length;
        int nDt = dtCat.length;
        if (gtBox.length != 4 * nGt || gtArea.length != nGt || dtBox.length != 4 * nDt || dtArea.length != nDt) {
            throw new IllegalArgumentException("gtBox/gtArea/dtBox/dtArea: lengths do not match the category arrays");
        }
        // Ground truth and detections by category (in order; detections capped at MAX_DETS per category).
        int[] gStart = new int[numCats + 1];
        int[] dStart = new int[numCats + 1];
        int[] g = bucket(gtCat, numCats, Integer.MAX_VALUE, gStart);
        int[] d = bucket(dtCat, numCats, MAX_DETS, dStart);
        // pycocotools' precision[t][r][k] is -1 for a category with no kept (non-ignored) ground truth, and the
        // stats average the entries above -1 in that array's order: so only the kept categories are stored,
        // in the same order, and the mean runs over exactly the values it would keep.
        int[] column = new int[numCats];
        int kept = 0;
        for (int k = 0; k < numCats; k++) {
            column[k] = -1;
            for (int j = gStart[k]; j < gStart[k + 1]; j++) {
                double a = gtArea[g[j]];
                if (!(a < 0 || a > AREA_MAX)) {
                    column[k] = kept++;
                    break;
                }
            }
        }
        double[] precision = new double[T * R * kept];
        for (int k = 0; k < numCats; k++) {
            if (column[k] >= 0) {
                evaluateCategory(column[k], kept, g, gStart[k], gStart[k + 1] - gStart[k], d, dStart[k],
                        dStart[k + 1] - dStart[k], gtBox, gtArea, dtBox, dtArea, precision);
            }
        }
        return new Result(mean(precision, 0, T * R * kept), mean(precision, 0, R * kept));
    }

    private static void checkCats(int[] cat, int numCats, String name) {
        for (int j = 0; j < cat.length; j++) {
            if (cat[j] < 0 || cat[j] >= numCats) {
                throw new IllegalArgumentException(name + "[" + j + "]: " + cat[j] + " is not a category in [0, " + numCats + ")");
            }
        }
    }

    /** The indices of each category's items in order, at most {@code cap} per category (a CSR layout). */
    private static int[] bucket(int[] cat, int numCats, int cap, int[] start) {
        int[] count = new int[numCats];
        for (int c : cat) {
            if (count[c] < cap) {
                count[c]++;
            }
        }
        for (int k = 0; k < numCats; k++) {
            start[k + 1] = start[k] + count[k];
        }
        int[] fill = Arrays.copyOf(start, numCats);
        int[] out = new int[start[numCats]];
        for (int j = 0; j < cat.length; j++) {
            int c = cat[j];
            if (fill[c] < start[c + 1]) {
                out[fill[c]++] = j;
            }
        }
        return out;
    }

    private static void evaluateCategory(int k, int numCats, int[] gAll, int gFrom, int ng, int[] dAll, int dFrom,
                                         int nd, double[] gtBox, double[] gtArea, double[] dtBox, double[] dtArea,
                                         double[] precision) {
        int[] gIdx = Arrays.copyOfRange(gAll, gFrom, gFrom + ng);
        int[] dIdx = Arrays.copyOfRange(dAll, dFrom, dFrom + nd);
        // Ground truth sorted by ignore flag (stable): the kept ones first.
        int[] order = new int[ng];
        boolean[] gtIg = new boolean[ng];
        int n = 0;
        for (int pass = 0; pass < 2; pass++) {
            for (int j = 0; j < ng; j++) {
                double a = gtArea[gIdx[j]];
                boolean ig = a < 0 || a > AREA_MAX;
                if (ig == (pass == 1)) {
                    gtIg[n] = ig;
                    order[n++] = gIdx[j];
                }
            }
        }
        int npig = 0;
        for (int j = 0; j < ng; j++) {
            if (!gtIg[j]) {
                npig++;
            }
        }
        if (npig == 0) {
            throw new AssertionError("category without kept ground truth"); // left out by the caller
        }
        double[] ious = new double[nd * ng];
        for (int a = 0; a < nd; a++) {
            int di = 4 * dIdx[a];
            for (int b = 0; b < ng; b++) {
                int gi = 4 * order[b];
                ious[a * ng + b] = bbIou(dtBox[di], dtBox[di + 1], dtBox[di + 2], dtBox[di + 3],
                        gtBox[gi], gtBox[gi + 1], gtBox[gi + 2], gtBox[gi + 3]);
            }
        }
        boolean[] gtm = new boolean[ng];
        double[] tp = new double[nd];
        double[] fp = new double[nd];
        double[] rc = new double[nd];
        double[] pr = new double[nd];
        for (int t = 0; t < T; t++) {
            Arrays.fill(gtm, false);
            double tpSum = 0;
            double fpSum = 0;
            for (int a = 0; a < nd; a++) {
                double best = Math.min(IOU_THRS[t], 1 - 1e-10);
                int m = -1;
                for (int b = 0; b < ng; b++) {
                    if (gtm[b]) {
                        continue; // iscrowd is always 0
                    }
                    if (m > -1 && !gtIg[m] && gtIg[b]) {
                        break;
                    }
                    double iou = ious[a * ng + b];
                    if (iou < best) {
                        continue; // as numpy's "<", a NaN IoU (or a NaN best) falls through and is taken
                    }
                    best = iou;
                    m = b;
                }
                boolean ignored;
                boolean matched = m != -1;
                if (matched) {
                    ignored = gtIg[m];
                    gtm[m] = true;
                } else {
                    double area = dtArea[dIdx[a]];
                    ignored = area < 0 || area > AREA_MAX;
                }
                if (!ignored) {
                    if (matched) {
                        tpSum++;
                    } else {
                        fpSum++;
                    }
                }
                tp[a] = tpSum;
                fp[a] = fpSum;
            }
            for (int a = 0; a < nd; a++) {
                rc[a] = tp[a] / npig;
                pr[a] = tp[a] / (fp[a] + tp[a] + EPS);
            }
            for (int a = nd - 1; a > 0; a--) {
                if (pr[a] > pr[a - 1]) {
                    pr[a - 1] = pr[a];
                }
            }
            int base = t * R * numCats;
            int idx = 0;
            for (int r = 0; r < R; r++) {
                // searchsorted(rc, thr, side='left'): the first index whose recall is >= thr
                while (idx < nd && rc[idx] < REC_THRS[r]) {
                    idx++;
                }
                // pycocotools stops filling at the first index past the end (its try/except around the loop)
                precision[base + r * numCats + k] = idx < nd ? pr[idx] : 0.0;
                if (idx >= nd) {
                    for (int rr = r + 1; rr < R; rr++) {
                        precision[base + rr * numCats + k] = 0.0;
                    }
                    break;
                }
            }
        }
    }

    /**
     * {@code np.mean(s[s > -1])} over {@code a[from:from+n]}, or -1 when nothing is left; the caller stores
     * only kept categories, whose entries are all above -1 (a precision is at least 0).
     */
    private static double mean(double[] a, int from, int n) {
        return n == 0 ? -1 : pairwiseSum(a, from, n) / n;
    }

    /** numpy's {@code pairwise_sum} for float64 (8 accumulators, blocks of 128), as {@code np.sum} uses. */
    static double pairwiseSum(double[] a, int off, int n) {
        if (n < 8) {
            double res = 0.0;
            for (int i = 0; i < n; i++) {
                res += a[off + i];
            }
            return res;
        }
        if (n <= 128) {
            double r0 = a[off], r1 = a[off + 1], r2 = a[off + 2], r3 = a[off + 3];
            double r4 = a[off + 4], r5 = a[off + 5], r6 = a[off + 6], r7 = a[off + 7];
            int i;
            for (i = 8; i < n - (n % 8); i += 8) {
                r0 += a[off + i];
                r1 += a[off + i + 1];
                r2 += a[off + i + 2];
                r3 += a[off + i + 3];
                r4 += a[off + i + 4];
                r5 += a[off + i + 5];
                r6 += a[off + i + 6];
                r7 += a[off + i + 7];
            }
            double res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7));
            for (; i < n; i++) {
                res += a[off + i];
            }
            return res;
        }
        int n2 = n / 2;
        n2 -= n2 % 8;
        return pairwiseSum(a, off, n2) + pairwiseSum(a, off + n2, n - n2);
    }
}
