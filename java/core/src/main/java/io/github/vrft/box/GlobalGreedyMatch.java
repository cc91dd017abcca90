package io.github.vrft.box;

/**
 * VLM-R1's global greedy matching ({@code detection_score} in grpo_jsonl.py): while rows and columns are
 * left, take the first strict maximum of the IoU matrix over the unmatched rows and columns, scanning row by
 * row and column by column, and stop when it is below the threshold. Upstream rescans the whole matrix for
 * every match, which is cubic (780 boxes a side took a quarter of a second); this computes the same pairs
 * in the same order in {@code O(n·m·log m)} at worst (a tournament tree of row groups, and a sorted list of
 * candidates per row group).
 *
 * <p>Rows with equal boxes have equal IoU rows, and so do columns; the caller passes a group per row and per
 * column (or -1 for a box whose IoU is 0 everywhere) and the IoU of each pair of groups. Then:
 * <ul>
 *   <li>the first strict maximum is the pair of greatest IoU, ties going to the smaller row, then the smaller
 *       column, so each row group offers its best pair (its greatest IoU over free columns, the smallest free
 *       column among the ties), with its smallest unmatched row, to a tournament tree;</li>
 *   <li>the rows of a group, and the columns of a group, are used in ascending order, since they are
 *       interchangeable and the smaller index wins every tie;</li>
 *   <li>an offer changes only when its column is taken (then the group's best can only get worse), so when a
 *       column is matched every row group offering it is asked again, and the root stays the true maximum.</li>
 * </ul>
 * Only pairs with IoU at or above the threshold are candidates (NaN never is), since upstream stops at the
 * first maximum below it.
 */
public final class GlobalGreedyMatch {
    private GlobalGreedyMatch() {}

    /**
     * The matched pairs in upstream's order, as {@code [row0, col0, row1, col1, ...]}.
     *
     * @param rowGroup  per row, its group in {@code [0, rowGroups)}, or -1 for a row that matches nothing
     * @param colGroup  per column, its group in {@code [0, colGroups)}, or -1
     * @param groupIou  the IoU of row group a and column group k at {@code a * colGroups + k}
     * @param threshold the stop value (0.5 upstream): a maximum below it ends the matching
     */
    public static int[] match(int[] rowGroup, int rowGroups, int[] colGroup, int colGroups, double[] groupIou,
                              double threshold) {
        int[] rowsStart = new int[rowGroups + 1];
        int[] rows = members(rowGroup, rowGroups, rowsStart);
        int[] colsStart = new int[colGroups + 1];
        int[] cols = members(colGroup, colGroups, colsStart);
        int[] colNext = new int[colGroups]; // how many columns of each group are taken
        int[] rowNext = new int[rowGroups];

        Candidates c = new Candidates(rowGroups, colGroups, groupIou, threshold, cols, colsStart, colNext);
        double[] bestIou = new double[rowGroups];
        int[] bestCol = new int[rowGroups];
        // A tournament tree over the row groups by their offers (IoU descending, then the group's first
        // unmatched row ascending): its root is the first strict maximum of the whole matrix. An offer changes
        // only when its column is taken, so the row groups offering each column are listed, and every one of
        // them is asked again when that column is matched (the tree rebuilt at once when many changed: when
        // every row prefers the same columns, a match changes every offer).
        int leaves = 1;
        while (leaves < rowGroups) {
            leaves <<= 1;
        }
        int[] tree = new int[2 * leaves];
        java.util.Arrays.fill(tree, -1);
        Offering offering = new Offering(colGroup.length, rowGroups);
        for (int a = 0; a < rowGroups; a++) {
            if (rowsStart[a + 1] > rowsStart[a] && c.offer(a, bestIou, bestCol)) {
                tree[leaves + a] = a;
                offering.add(bestCol[a], a);
            }
        }
        for (int node = leaves - 1; node >= 1; node--) {
            tree[node] = better(tree[2 * node], tree[2 * node + 1], bestIou, rows, rowsStart, rowNext);
        }
        int[] changed = new int[rowGroups];
        int[] pairs = new int[2 * Math.min(rowGroup.length, colGroup.length)];
        int matched = 0;
        while (tree[1] >= 0) {
            int a = tree[1];
            int col = bestCol[a];
            pairs[2 * matched] = rows[rowsStart[a] + rowNext[a]];
            pairs[2 * matched + 1] = col;
            matched++;
            colNext[colGroup[col]]++;
            rowNext[a]++;
            int n = 0;
            for (int e = offering.head[col]; e >= 0; e = offering.next[e]) {
                int g = offering.group[e];
                if (tree[leaves + g] != g || bestCol[g] != col) {
                    continue; // an entry from an earlier offer of that group
                }
                boolean live = (g != a || rowsStart[a] + rowNext[a] < rowsStart[a + 1]) && c.offer(g, bestIou, bestCol);
                tree[leaves + g] = live ? g : -1;
                if (live) {
                    offering.add(bestCol[g], g);
                }
                changed[n++] = g;
            }
            offering.head[col] = -1;
            if (n > leaves / 16) {
                for (int node = leaves - 1; node >= 1; node--) {
                    tree[node] = better(tree[2 * node], tree[2 * node + 1], bestIou, rows, rowsStart, rowNext);
                }
            } else {
                for (int i = 0; i < n; i++) {
                    for (int node = (leaves + changed[i]) >> 1; node >= 1; node >>= 1) {
                        tree[node] = better(tree[2 * node], tree[2 * node + 1], bestIou, rows, rowsStart, rowNext);
                    }
                }
            }
        }
        return java.util.Arrays.copyOf(pairs, 2 * matched);
    }

    /** For each column, the row groups whose offer is (or was) that column: linked entries in growable arrays. */
    private static final class Offering {
        final int[] head;
        int[] group;
        int[] next;
        private int size;

        Offering(int columns, int rowGroups) {
            head = new int[columns];
            java.util.Arrays.fill(head, -1);
            group = new int[Math.max(16, 2 * rowGroups)];
            next = new int[group.length];
        }

        void add(int col, int g) {
            if (size == group.length) {
                group = java.util.Arrays.copyOf(group, 2 * size);
                next = java.util.Arrays.copyOf(next, 2 * size);
            }
            group[size] = g;
            next[size] = head[col];
            head[col] = size++;
        }
    }

    /** The better offer of two row groups (-1: none): the greater IoU, then the smaller first unmatched row. */
    private static int better(int x, int y, double[] bestIou, int[] rows, int[] rowsStart, int[] rowNext) {
        if (x < 0) {
            return y;
        }
        if (y < 0) {
            return x;
        }
        if (bestIou[x] != bestIou[y]) {
            return bestIou[x] > bestIou[y] ? x : y;
        }
        return rows[rowsStart[x] + rowNext[x]] <= rows[rowsStart[y] + rowNext[y]] ? x : y;
    }

    /** The members of each group in ascending order (a CSR layout); -1 members are left out. */
    private static int[] members(int[] group, int groups, int[] start) {
        for (int g : group) {
            if (g >= 0) {
                start[g + 1]++;
            }
        }
        for (int k = 0; k < groups; k++) {
            start[k + 1] += start[k];
        }
        int[] fill = java.util.Arrays.copyOf(start, groups);
        int[] out = new int[start[groups]];
        for (int i = 0; i < group.length; i++) {
            if (group[i] >= 0) {
                out[fill[group[i]]++] = i;
            }
        }
        return out;
    }

    /**
     * Each row group's candidate column groups (IoU at or above the threshold), sorted by IoU descending, with a
     * cursor at the first one that still has a free column. The best free pair of a row group is the greatest
     * IoU among its live candidates, ties going to the smallest first free column: the candidates from the
     * cursor that share its IoU are scanned for that (columns only get taken, so a candidate that ran out stays
     * out and is moved behind the cursor). A refresh costs O(1) plus the length of a tie, so however often other
     * groups take a group's best column, a row group costs O(m log m) in all (a plain rescan per invalidation
     * was cubic when every row prefers the same columns).
     */
    private static final class Candidates {
        private final int[] cols;
        private final int[] colsStart;
        private final int[] colNext;
        private final int[] cand; // column group of each candidate, row group by row group, IoU descending
        private final double[] candIou;
        private final int[] candStart;
        private final int[] cursor; // per row group: its first candidate that may be live

        Candidates(int rowGroups, int colGroups, double[] groupIou, double threshold, int[] cols, int[] colsStart,
                   int[] colNext) {
            this.cols = cols;
            this.colsStart = colsStart;
            this.colNext = colNext;
            candStart = new int[rowGroups + 1];
            for (int a = 0; a < rowGroups; a++) {
                int n = 0;
                for (int k = 0; k < colGroups; k++) {
                    if (groupIou[a * colGroups + k] >= threshold) {
                        n++;
                    }
                }
                candStart[a + 1] = candStart[a] + n;
            }
            cand = new int[candStart[rowGroups]];
            candIou = new double[cand.length];
            cursor = java.util.Arrays.copyOf(candStart, rowGroups);
            int[] tmpCand = new int[colGroups];
            double[] tmpIou = new double[colGroups];
            for (int a = 0, r = 0; a < rowGroups; a++) {
                for (int k = 0; k < colGroups; k++) {
                    double v = groupIou[a * colGroups + k];
                    if (v >= threshold) {
                        cand[r] = k;
                        candIou[r] = v;
                        r++;
                    }
                }
                if (!sortPacked(candIou, cand, candStart[a], candStart[a + 1], tmpIou, tmpCand)) {
                    sortDescending(candIou, cand, candStart[a], candStart[a + 1], tmpIou, tmpCand);
                }
            }
        }

        private static final long HALF_BITS = Double.doubleToRawLongBits(0.5);
        private static final long ONE_BITS = Double.doubleToRawLongBits(1.0);

        /**
         * The usual case as one primitive sort: IoUs in [0.5, 1] have raw bits within 2^52 of 0.5's, which
         * order like the values, so bits - bits(0.5), shifted past an 11-bit index, packs a candidate into one
         * long (the sign bit flipped so that the signed sort orders them as unsigned). False, leaving the
         * range as it was, when a value is above 1 (a degenerate box) or the range has over 2,048 entries.
         */
        private static boolean sortPacked(double[] key, int[] val, int from, int to, double[] tk, int[] tv) {
            int n = to - from;
            if (n > 2048) {
                return false;
            }
            long[] packed = new long[n];
            for (int i = 0; i < n; i++) {
                long bits = Double.doubleToRawLongBits(key[from + i]);
                if (bits < HALF_BITS || bits > ONE_BITS) {
                    return false;
                }
                packed[i] = (((bits - HALF_BITS) << 11) | i) ^ Long.MIN_VALUE;
            }
            java.util.Arrays.sort(packed);
            for (int i = 0; i < n; i++) {
                int src = from + (int) (packed[n - 1 - i] & 2047);
                tk[i] = key[src];
                tv[i] = val[src];
            }
            System.arraycopy(tk, 0, key, from, n);
            System.arraycopy(tv, 0, val, from, n);
            return true;
        }

        /** A stable merge sort of {@code key[from, to)} descending, moving {@code val} along. */
        private static void sortDescending(double[] key, int[] val, int from, int to, double[] tk, int[] tv) {
            for (int width = 1; width < to - from; width *= 2) {
                for (int lo = from; lo < to - width; lo += 2 * width) {
                    int mid = lo + width;
                    int hi = Math.min(lo + 2 * width, to);
                    int i = lo;
                    int j = mid;
                    int o = 0;
                    while (i < mid && j < hi) {
                        if (key[j] > key[i]) {
                            tk[o] = key[j];
                            tv[o++] = val[j++];
                        } else {
                            tk[o] = key[i];
                            tv[o++] = val[i++];
                        }
                    }
                    while (i < mid) {
                        tk[o] = key[i];
                        tv[o++] = val[i++];
                    }
                    while (j < hi) {
                        tk[o] = key[j];
                        tv[o++] = val[j++];
                    }
                    System.arraycopy(tk, 0, key, lo, o);
                    System.arraycopy(tv, 0, val, lo, o);
                }
            }
        }

        /** The first free column of column group {@code k}, or -1 when all are taken. */
        private int firstFree(int k) {
            int free = colsStart[k] + colNext[k];
            return free == colsStart[k + 1] ? -1 : cols[free];
        }

        /** Sets row group {@code a}'s best free pair; false when it has none left. */
        boolean offer(int a, double[] bestIou, int[] bestCol) {
            int end = candStart[a + 1];
            int q = cursor[a];
            while (q < end && firstFree(cand[q]) < 0) {
                q++; // ran out: stays out
            }
            cursor[a] = q;
            if (q == end) {
                return false;
            }
            double v = candIou[q];
            int best = firstFree(cand[q]);
            for (int r = q + 1; r < end && candIou[r] == v; r++) {
                int c = firstFree(cand[r]);
                if (c < 0) { // a tie that ran out: swap it to the cursor and step over it
                    int k = cand[r];
                    cand[r] = cand[cursor[a]];
                    cand[cursor[a]] = k;
                    cursor[a]++;
                } else if (c < best) {
                    best = c;
                }
            }
            bestIou[a] = v;
            bestCol[a] = best;
            return true;
        }
    }
}
