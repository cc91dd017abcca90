package io.github.vrft.box;

/**
 * VLM-R1's global greedy matching ({@code detection_score} in grpo_jsonl.py): while rows and columns are
 * left, take the first strict maximum of the IoU matrix over the unmatched rows and columns, scanning row by
 * row and column by column, and stop when it is below the threshold. Upstream rescans the whole matrix for
 * every match, which is cubic (780 boxes a side took a quarter of a second); this computes the same pairs
 * in the same order in {@code O(n·m·log m)} at worst (a tournament tree of row groups, and one of candidates
 * per row group).
 *
 * <p>Rows with equal boxes have equal IoU rows, and so do columns; the caller passes a group per row and per
 * column (or -1 for a box whose IoU is 0 everywhere) and the IoU of each pair of groups. Then:
 * <ul>
 *   <li>the first strict maximum is the pair of greatest IoU, ties going to the smaller row, then the smaller
 *       column, so each row group offers its best pair (its greatest IoU over free columns, the smallest free
 *       column among the ties), with its smallest unmatched row, to a tournament tree;</li>
 *   <li>the rows of a group, and the columns of a group, are used in ascending order, since they are
 *       interchangeable and the smaller index wins every tie;</li>
 *   <li>an offer goes stale only when its column is taken; taking columns only lowers a group's best, so an
 *       offer at the root whose column is still its group's best is the true maximum, and a stale one is
 *       recomputed and its leaf updated.</li>
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
        // A tournament tree over the row groups by their stored offers (IoU descending, then the group's first
        // unmatched row ascending); an offer goes stale only by getting worse, so a root that is still current
        // is the first strict maximum of the whole matrix.
        int leaves = 1;
        while (leaves < rowGroups) {
            leaves <<= 1;
        }
        int[] tree = new int[2 * leaves];
        java.util.Arrays.fill(tree, -1);
        for (int a = 0; a < rowGroups; a++) {
            if (rowsStart[a + 1] > rowsStart[a] && c.offer(a, bestIou, bestCol)) {
                tree[leaves + a] = a;
            }
        }
        for (int node = leaves - 1; node >= 1; node--) {
            tree[node] = better(tree[2 * node], tree[2 * node + 1], bestIou, rows, rowsStart, rowNext);
        }
        double[] nowIou = new double[rowGroups];
        int[] nowCol = new int[rowGroups];
        int[] pairs = new int[2 * Math.min(rowGroup.length, colGroup.length)];
        int matched = 0;
        while (tree[1] >= 0) {
            int a = tree[1];
            boolean live = c.offer(a, nowIou, nowCol);
            if (live && nowIou[a] == bestIou[a] && nowCol[a] == bestCol[a]) {
                int col = bestCol[a];
                pairs[2 * matched] = rows[rowsStart[a] + rowNext[a]];
                pairs[2 * matched + 1] = col;
                matched++;
                colNext[colGroup[col]]++;
                rowNext[a]++;
                live = rowsStart[a] + rowNext[a] < rowsStart[a + 1] && c.offer(a, bestIou, bestCol);
            } else if (live) {
                bestIou[a] = nowIou[a];
                bestCol[a] = nowCol[a];
            }
            int node = leaves + a;
            tree[node] = live ? a : -1;
            for (node >>= 1; node >= 1; node >>= 1) {
                tree[node] = better(tree[2 * node], tree[2 * node + 1], bestIou, rows, rowsStart, rowNext);
            }
        }
        return java.util.Arrays.copyOf(pairs, 2 * matched);
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
     * Each row group's candidate column groups (IoU at or above the threshold) in a tournament tree whose
     * nodes hold the best candidate by (IoU descending, first free column ascending). A candidate's first free
     * column is stored when its leaf is refreshed and only grows afterwards (columns are taken, never given
     * back), so stored keys are upper bounds: a root whose stored key is still current is the true best, and a
     * stale one is refreshed (O(log n)) and the tree asked again. Each refresh follows a taken column of that
     * candidate, so a row group costs O(m log m) in all, however often other groups take its best column
     * (a plain rescan per invalidation was cubic when every row prefers the same columns).
     */
    private static final class Candidates {
        private static final int EXHAUSTED = Integer.MAX_VALUE;
        private final int colGroups;
        private final double[] groupIou;
        private final int[] cols;
        private final int[] colsStart;
        private final int[] colNext;
        private final int[] cand; // column group of each candidate, row group by row group
        private final int[] candStart;
        private final int[] storedFree; // per candidate: its first free column when last refreshed
        private final int[] tree; // per row group, 2·P nodes (P leaves): the best candidate below, or -1
        private final int[] treeStart;
        private final int[] leaves; // P per row group

        Candidates(int rowGroups, int colGroups, double[] groupIou, double threshold, int[] cols, int[] colsStart,
                   int[] colNext) {
            this.colGroups = colGroups;
            this.groupIou = groupIou;
            this.cols = cols;
            this.colsStart = colsStart;
            this.colNext = colNext;
            candStart = new int[rowGroups + 1];
            treeStart = new int[rowGroups + 1];
            leaves = new int[rowGroups];
            for (int a = 0; a < rowGroups; a++) {
                int n = 0;
                for (int k = 0; k < colGroups; k++) {
                    if (groupIou[a * colGroups + k] >= threshold) {
                        n++;
                    }
                }
                candStart[a + 1] = candStart[a] + n;
                int p = 1;
                while (p < n) {
                    p <<= 1;
                }
                leaves[a] = p;
                treeStart[a + 1] = treeStart[a] + 2 * p;
            }
            cand = new int[candStart[rowGroups]];
            storedFree = new int[cand.length];
            tree = new int[treeStart[rowGroups]];
            java.util.Arrays.fill(tree, -1);
            for (int a = 0, r = 0; a < rowGroups; a++) {
                int base = treeStart[a];
                int p = leaves[a];
                for (int k = 0; k < colGroups; k++) {
                    if (groupIou[a * colGroups + k] >= threshold) {
                        cand[r] = k;
                        storedFree[r] = currentFree(k);
                        tree[base + p + (r - candStart[a])] = storedFree[r] == EXHAUSTED ? -1 : r;
                        r++;
                    }
                }
                for (int node = p - 1; node >= 1; node--) {
                    tree[base + node] = better(a, tree[base + 2 * node], tree[base + 2 * node + 1]);
                }
            }
        }

        private int currentFree(int k) {
            int free = colsStart[k] + colNext[k];
            return free == colsStart[k + 1] ? EXHAUSTED : cols[free];
        }

        /** The better of two candidates of row group {@code a} by their stored keys (-1: none). */
        private int better(int a, int x, int y) {
            if (x < 0) {
                return y;
            }
            if (y < 0) {
                return x;
            }
            double vx = groupIou[a * colGroups + cand[x]];
            double vy = groupIou[a * colGroups + cand[y]];
            if (vx != vy) {
                return vx > vy ? x : y;
            }
            return storedFree[x] <= storedFree[y] ? x : y;
        }

        /** Sets row group {@code a}'s best free pair; false when it has none left. */
        boolean offer(int a, double[] bestIou, int[] bestCol) {
            int base = treeStart[a];
            int p = leaves[a];
            while (true) {
                int r = tree[base + 1]; // the root (with one leaf, the leaf itself)
                if (r < 0) {
                    return false;
                }
                int now = currentFree(cand[r]);
                if (now == storedFree[r]) {
                    bestIou[a] = groupIou[a * colGroups + cand[r]];
                    bestCol[a] = now;
                    return true;
                }
                storedFree[r] = now; // stale: refresh the leaf and its path to the root
                int node = p + (r - candStart[a]);
                tree[base + node] = now == EXHAUSTED ? -1 : r;
                for (node >>= 1; node >= 1; node >>= 1) {
                    tree[base + node] = better(a, tree[base + 2 * node], tree[base + 2 * node + 1]);
                }
            }
        }
    }
}
