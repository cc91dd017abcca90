package io.github.vrft.box;

import java.util.PriorityQueue;

/**
 * VLM-R1's global greedy matching ({@code detection_score} in grpo_jsonl.py): while rows and columns are
 * left, take the first strict maximum of the IoU matrix over the unmatched rows and columns, scanning row by
 * row and column by column, and stop when it is below the threshold. Upstream rescans the whole matrix for
 * every match, which is cubic (780 boxes a side took a quarter of a second); this computes the same pairs
 * in the same order in about {@code O(n·m·log n)}.
 *
 * <p>Rows with equal boxes have equal IoU rows, and so do columns; the caller passes a group per row and per
 * column (or -1 for a box whose IoU is 0 everywhere) and the IoU of each pair of groups. Then:
 * <ul>
 *   <li>the first strict maximum is the pair of greatest IoU, ties going to the smaller row, then the smaller
 *       column, so each row group offers its best pair (its greatest IoU over free columns, the smallest free
 *       column among the ties), with its smallest unmatched row, to a priority queue;</li>
 *   <li>the rows of a group, and the columns of a group, are used in ascending order, since they are
 *       interchangeable and the smaller index wins every tie;</li>
 *   <li>an offer goes stale only when its column is taken; taking columns only lowers a group's best, so an
 *       offer at the head of the queue whose column is free is the true maximum, and a stale one is recomputed
 *       and queued again.</li>
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

        // Candidate column groups of each row group: IoU at or above the threshold, compacted as they run out.
        int[] candStart = new int[rowGroups + 1];
        int count = 0;
        for (int a = 0; a < rowGroups; a++) {
            for (int k = 0; k < colGroups; k++) {
                if (groupIou[a * colGroups + k] >= threshold) {
                    count++;
                }
            }
            candStart[a + 1] = count;
        }
        int[] cand = new int[count];
        int[] candEnd = new int[rowGroups];
        for (int a = 0, c = 0; a < rowGroups; a++) {
            for (int k = 0; k < colGroups; k++) {
                if (groupIou[a * colGroups + k] >= threshold) {
                    cand[c++] = k;
                }
            }
            candEnd[a] = c;
        }

        double[] bestIou = new double[rowGroups];
        int[] bestCol = new int[rowGroups];
        boolean[] colUsed = new boolean[colGroup.length];
        PriorityQueue<Integer> queue = new PriorityQueue<>((x, y) -> {
            int c = Double.compare(bestIou[y], bestIou[x]);
            return c != 0 ? c : Integer.compare(rows[rowsStart[x] + rowNext[x]], rows[rowsStart[y] + rowNext[y]]);
        });
        for (int a = 0; a < rowGroups; a++) {
            if (rowsStart[a + 1] > rowsStart[a] && offer(a, groupIou, colGroups, cand, candStart, candEnd, cols,
                    colsStart, colNext, bestIou, bestCol)) {
                queue.add(a);
            }
        }
        int[] pairs = new int[2 * Math.min(rowGroup.length, colGroup.length)];
        int matched = 0;
        while (!queue.isEmpty()) {
            int a = queue.poll();
            int col = bestCol[a];
            if (!colUsed[col]) {
                pairs[2 * matched] = rows[rowsStart[a] + rowNext[a]];
                pairs[2 * matched + 1] = col;
                matched++;
                colUsed[col] = true;
                colNext[colGroup[col]]++;
                rowNext[a]++;
                if (rowsStart[a] + rowNext[a] == rowsStart[a + 1]) {
                    continue; // the group's rows are all matched
                }
            }
            if (offer(a, groupIou, colGroups, cand, candStart, candEnd, cols, colsStart, colNext, bestIou, bestCol)) {
                queue.add(a);
            }
        }
        return java.util.Arrays.copyOf(pairs, 2 * matched);
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
     * Sets row group {@code a}'s best free pair: the greatest IoU over its candidate column groups that still
     * have a free column, ties going to the smallest free column. Exhausted candidates are dropped. False when
     * none is left.
     */
    private static boolean offer(int a, double[] groupIou, int colGroups, int[] cand, int[] candStart, int[] candEnd,
                                 int[] cols, int[] colsStart, int[] colNext, double[] bestIou, int[] bestCol) {
        int w = candStart[a];
        double best = Double.NEGATIVE_INFINITY;
        int bestC = -1;
        for (int r = candStart[a]; r < candEnd[a]; r++) {
            int k = cand[r];
            int free = colsStart[k] + colNext[k];
            if (free == colsStart[k + 1]) {
                continue; // every column of the group is taken
            }
            cand[w++] = k;
            double v = groupIou[a * colGroups + k];
            int col = cols[free];
            if (v > best || (v == best && col < bestC)) {
                best = v;
                bestC = col;
            }
        }
        candEnd[a] = w;
        bestIou[a] = best;
        bestCol[a] = bestC;
        return bestC >= 0;
    }
}
