package io.github.vrft.box;

import io.github.vrft.VectorSupport;

import java.util.Arrays;

/**
 * VLM-R1's global greedy matching ({@code detection_score} in grpo_jsonl.py): while rows and columns are
 * left, take the first strict maximum of the IoU matrix over the unmatched rows and columns, scanning row by
 * row and column by column, and stop when it is below the threshold. Upstream rescans the whole matrix for
 * every match, which is cubic (780 boxes a side took a quarter of a second); this computes the same pairs
 * in the same order by walking the candidate pairs once, by value descending.
 *
 * <p>Why one pass gives upstream's order: values only leave the free part of the matrix, so upstream takes
 * every pair of one value (a <em>level</em>) before any smaller one, and within a level it takes the
 * smallest row that still has a free pair there, with that row's smallest free column. A row passed over at
 * a level never gets a free pair there later, so within a level the rows are taken in ascending order, each
 * once. The pass therefore walks the levels by value descending and, inside a level, its rows ascending.
 *
 * <p>Rows with equal boxes have equal IoU rows, and so do columns; the caller passes a group per row and per
 * column (or -1 for a box whose IoU is 0 everywhere) and the IoU of each pair of groups. The rows of a group,
 * and the columns of a group, are interchangeable and the smaller index wins every tie, so each group is used
 * in ascending order and a level works on pairs of groups (a collapsed policy repeats one box hundreds of
 * times: one pair of groups, however many rows).
 *
 * <p>Only pairs with IoU at or above the threshold are candidates (NaN never is), since upstream stops at the
 * first maximum below it. The walk goes by bands of values (at most 8, bounded by quantiles of
 * a sample; one band for a matrix of up to 2^16 pairs): a band collects the pairs at or above its bound whose
 * row and column groups are still free (after a band every one of its pairs has a side used up, so no upper
 * bound is needed), buckets them by the top bits of their value and sorts each bucket only when the walk
 * reaches it. When every row prefers the same columns (the worst shape: the last match is the last
 * candidate), rows and columns run out steadily down the order, so later bands keep few pairs. With the
 * Vector API (the package's {@code VectorBands}) the bands are classified in one pass over the matrix as
 * bitsets; without it each band reads the free rows and columns of the matrix. 600 x 600 such pairs: about
 * 3 ms on the project's 2-vCPU machine, against 20 ms for the per-row sorted lists this replaced.
 */
public final class GlobalGreedyMatch {
    private GlobalGreedyMatch() {}

    /** At most this many bands (the accumulators of {@code VectorBands}). */
    static final int MAX_BANDS = 8;

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
        return new Pass(rowGroup, rowGroups, colGroup, colGroups, groupIou).run(threshold);
    }

    /** The state of one matching: the members of each group and how many of them are taken. */
    private static final class Pass {
        private final int colGroups;
        private final double[] iou;
        private final int[] rows;
        private final int[] rowsStart;
        private final int rowGroups;
        private final int[] cols;
        private final int[] colsStart;
        private final int[] rowLeft; // per row group: how many of its rows are free (the last ones: taken in order)
        private final int[] colLeft;
        private int freeRows;
        private int freeCols;
        private final int[] pairs;
        private int matched;

        Pass(int[] rowGroup, int rowGroups, int[] colGroup, int colGroups, double[] groupIou) {
            this.colGroups = colGroups;
            this.iou = groupIou;
            rowsStart = new int[rowGroups + 1];
            rows = members(rowGroup, rowGroups, rowsStart);
            colsStart = new int[colGroups + 1];
            cols = members(colGroup, colGroups, colsStart);
            this.rowGroups = rowGroups;
            rowLeft = new int[rowGroups];
            for (int a = 0; a < rowGroups; a++) {
                rowLeft[a] = rowsStart[a + 1] - rowsStart[a];
            }
            liveCols = new int[colGroups];
            colLeft = new int[colGroups];
            for (int k = 0; k < colGroups; k++) {
                colLeft[k] = colsStart[k + 1] - colsStart[k];
            }
            freeRows = rows.length;
            freeCols = cols.length;
            pairs = new int[2 * Math.min(freeRows, freeCols)];
        }

        int[] run(double threshold) {
            kBits = bitLength(colGroups - 1);
            pairBits = bitLength(rowGroups - 1) + kBits;
            if (pairBits > 31) { // a pair of groups is an int of a's bits above k's
                throw new IllegalArgumentException("groupIou: " + rowGroups + " x " + colGroups
                        + " groups is too many to match (at most 2^31 pairs of groups once rounded to powers of 2)");
            }
            double[] bounds = bandBounds(threshold);
            long[][] atLeast = scratch.bits;
            if ((long) rowGroups * colGroups > ONE_BAND_CELLS && VectorSupport.enabled()) {
                // every cell's bands at once, as bitsets: then a band reads 1/64 of the matrix plus its cells
                int rowWords = (colGroups + 63) >>> 6;
                atLeast = VectorBands.classify(iou, rowGroups, colGroups, bounds, atLeast);
                for (int j = 0; j < bounds.length && freeRows > 0 && freeCols > 0; j++) {
                    takeBand(collect(atLeast[j], rowWords));
                }
            } else {
                for (int j = 0; j < bounds.length && freeRows > 0 && freeCols > 0; j++) {
                    takeBand(collect(bounds[j]));
                }
            }
            scratch.release(keyBuf, pairBuf, packed, atLeast);
            return Arrays.copyOf(pairs, 2 * matched);
        }

        /** A matrix up to this many cells is one band. */
        private static final int ONE_BAND_CELLS = 1 << 16;
        /** About this many candidates a band: its buffers stay in cache. */
        private static final int BAND_CANDIDATES = 1 << 16;

        /**
         * The bands' lower bounds, descending, the last the threshold: quantiles of a sample of the candidates,
         * so that each band holds about {@link #BAND_CANDIDATES}. Banding is what makes the shape where every
         * row prefers the same columns cheap: rows and columns run out steadily down the order, and each band
         * reads only the rows still free and keeps only the pairs still free.
         */
        private double[] bandBounds(double threshold) {
            long cells = (long) rowGroups * colGroups;
            if (cells <= ONE_BAND_CELLS) {
                return new double[] {threshold};
            }
            int stride = (int) Math.max(1, cells / 1024);
            double[] sample = new double[(int) (cells / stride) + 1];
            int n = 0;
            for (long x = stride / 2; x < cells; x += stride) {
                double v = iou[(int) x];
                if (v >= threshold) {
                    sample[n++] = v + 0.0;
                }
            }
            int bands = (int) Math.min(MAX_BANDS, (long) n * stride / BAND_CANDIDATES + 1);
            if (bands <= 1) {
                return new double[] {threshold};
            }
            Arrays.sort(sample, 0, n);
            double[] bounds = new double[bands];
            int b = 0;
            for (int q = 1; q < bands; q++) {
                double v = sample[n - q * n / bands];
                if (v > threshold && (b == 0 || v < bounds[b - 1])) {
                    bounds[b++] = v;
                }
            }
            bounds[b++] = threshold;
            return Arrays.copyOf(bounds, b);
        }

        private int pairBits;
        private final int[] liveCols;
        private final Scratch scratch = Scratch.get();
        private long[] keyBuf = scratch.keys;
        private int[] pairBuf = scratch.pairs;
        private long[] packed = scratch.packed;

        /**
         * Collects into {@code keyBuf}/{@code pairBuf} the free pairs at or above {@code lo}, reading the free rows
         * and columns of the matrix; returns their count. These are the pairs of the band below the bands taken
         * so far and no more: once a band is taken, each of its pairs has a row group or a column group used up.
         */
        private int collect(double lo) {
            int n = 0;
            int live = 0; // the column groups still free, so that a band reads only free rows and columns
            for (int k = 0; k < colGroups; k++) {
                if (colLeft[k] > 0) {
                    liveCols[live++] = k;
                }
            }
            for (int a = 0; a < rowGroups; a++) {
                if (rowLeft[a] == 0) {
                    continue;
                }
                if (keyBuf.length < n + live) {
                    growCollected(n + live);
                }
                int row = a * colGroups;
                int pairRow = a << kBits;
                // every cell is written, and the cursor moves past it only when it is at or above the bound
                for (int c = 0; c < live; c++) {
                    int k = liveCols[c];
                    double v = iou[row + k];
                    keyBuf[n] = key(v);
                    pairBuf[n] = pairRow | k;
                    n += v >= lo ? 1 : 0;
                }
            }
            return n;
        }

        /**
         * {@link #collect(double)} from {@link VectorBands#classify}'s bitset of the cells at or above the band's
         * bound.
         */
        private int collect(long[] atLeast, int rowWords) {
            long[] freeColBits = new long[rowWords];
            for (int k = 0; k < colGroups; k++) {
                if (colLeft[k] > 0) {
                    freeColBits[k >>> 6] |= 1L << k;
                }
            }
            int n = 0;
            for (int a = 0; a < rowGroups; a++) {
                if (rowLeft[a] == 0) {
                    continue;
                }
                if (keyBuf.length < n + colGroups) {
                    growCollected(n + colGroups);
                }
                int row = a * colGroups;
                int pairRow = a << kBits;
                for (int w = 0, x = a * rowWords; w < rowWords; w++, x++) {
                    long bits = atLeast[x] & freeColBits[w];
                    while (bits != 0) {
                        int k = (w << 6) + Long.numberOfTrailingZeros(bits);
                        bits &= bits - 1;
                        keyBuf[n] = key(iou[row + k]);
                        pairBuf[n++] = pairRow | k;
                    }
                }
            }
            return n;
        }

        private void growCollected(int need) {
            int size = Math.max(need, 2 * keyBuf.length);
            keyBuf = Arrays.copyOf(keyBuf, size);
            pairBuf = Arrays.copyOf(pairBuf, size);
        }

        /**
         * Takes the matches among the {@code n} collected pairs, the band below every band taken so far: a
         * counting sort into buckets by the top bits of (key - the band's least key), each entry packed as the
         * key's low bits above its pair of groups; a bucket is sorted only when the scan reaches it.
         */
        private void takeBand(int n) {
            if (n == 0) {
                return;
            }
            long min = Long.MAX_VALUE;
            long max = Long.MIN_VALUE;
            for (int i = 0; i < n; i++) {
                min = Math.min(min, keyBuf[i]);
                max = Math.max(max, keyBuf[i]);
            }
            int bucketBits = Math.max(1, Math.min(10, 62 - Long.numberOfLeadingZeros(n)));
            int shift = Math.max(0, bitLength(max - min) - bucketBits);
            if (packed.length < n) {
                packed = new long[Math.max(n, 2 * packed.length)];
            }
            if (shift + pairBits > 63) {
                // values too far apart to pack (an infinite or astronomically large IoU): one stable sort, then
                // entries of the form the scan reads, each level's rank from the bottom above its pair
                int[] order = Arrays.copyOf(pairBuf, n);
                mergeSortDescending(order, n);
                long rank = n;
                for (int i = 0; i < n; i++) {
                    if (i > 0 && value(order[i]) != value(order[i - 1])) {
                        rank--;
                    }
                    packed[n - 1 - i] = (rank << pairBits) | order[i];
                }
                scan(packed, 0, n, pairBits);
                return;
            }
            int buckets = 1 << bucketBits;
            int[] start = scratch.starts(buckets + 1);
            for (int i = 0; i < n; i++) {
                start[(int) ((keyBuf[i] - min) >>> shift) + 1]++;
            }
            for (int b = 0; b < buckets; b++) {
                start[b + 1] += start[b];
            }
            int[] fill = scratch.fill(start, buckets);
            long lowMask = (1L << shift) - 1;
            for (int i = 0; i < n; i++) {
                long rel = keyBuf[i] - min;
                packed[fill[(int) (rel >>> shift)]++] = ((rel & lowMask) << pairBits) | pairBuf[i];
            }
            int kMask = (1 << kBits) - 1;
            int pairMask = (1 << pairBits) - 1;
            for (int b = buckets - 1; b >= 0 && freeRows > 0 && freeCols > 0; b--) {
                int from = start[b];
                int to = from;
                // the bucket's free entries only: a pair whose rows or columns ran out above matches nothing
                for (int i = from, end = start[b + 1]; i < end; i++) {
                    int pair = (int) packed[i] & pairMask;
                    if (rowLeft[pair >>> kBits] > 0 && colLeft[pair & kMask] > 0) {
                        packed[to++] = packed[i];
                    }
                }
                if (to - from > 1) {
                    Arrays.sort(packed, from, to);
                }
                scan(packed, from, to, pairBits);
            }
        }

        private static int bitLength(long unsigned) {
            return 64 - Long.numberOfLeadingZeros(unsigned);
        }

        private int kBits;

        private double value(int pair) {
            return iou[(pair >>> kBits) * colGroups + (pair & ((1 << kBits) - 1))];
        }

        private int[] levelPairs = new int[16];

        /**
         * Takes the matches of {@code packed[from, to)}, sorted ascending, from the top: level by level (equal
         * bits above the pair of groups are equal values), by value descending. It reads only these entries, not
         * the IoU matrix, whose random reads were most of the time.
         */
        private void scan(long[] packed, int from, int to, int pairBits) {
            int kMask = (1 << kBits) - 1;
            long pairMask = (1L << pairBits) - 1;
            for (int i = to - 1; i >= from && freeRows > 0 && freeCols > 0; ) {
                long level = packed[i] >>> pairBits;
                int j = i - 1;
                while (j >= from && packed[j] >>> pairBits == level) {
                    j--;
                }
                if (j == i - 1) {
                    int pair = (int) (packed[i] & pairMask);
                    matchPair(pair >>> kBits, pair & kMask);
                } else {
                    int size = i - j;
                    if (levelPairs.length < size) {
                        levelPairs = new int[Math.max(size, 2 * levelPairs.length)];
                    }
                    for (int q = 0; q < size; q++) {
                        levelPairs[q] = (int) (packed[j + 1 + q] & pairMask);
                    }
                    level(levelPairs, 0, size);
                }
                i = j;
            }
        }

        /** Doubles as longs that order like them (no NaN here); -0.0 becomes 0.0, since the two are one level. */
        private static long key(double v) {
            long bits = Double.doubleToRawLongBits(v + 0.0);
            return bits ^ ((bits >> 63) & Long.MAX_VALUE);
        }

        /** A stable merge sort of {@code order[0, n)} by value descending. */
        private void mergeSortDescending(int[] order, int n) {
            int[] tmp = new int[n];
            for (int width = 1; width < n; width *= 2) {
                for (int lo = 0; lo < n - width; lo += 2 * width) {
                    int mid = lo + width;
                    int hi = Math.min(lo + 2 * width, n);
                    int i = lo;
                    int j = mid;
                    int o = 0;
                    while (i < mid && j < hi) {
                        tmp[o++] = value(order[j]) > value(order[i]) ? order[j++] : order[i++];
                    }
                    while (i < mid) {
                        tmp[o++] = order[i++];
                    }
                    while (j < hi) {
                        tmp[o++] = order[j++];
                    }
                    System.arraycopy(tmp, 0, order, lo, o);
                }
            }
        }

        /** A level of one pair of groups: their free rows and free columns, both ascending, pair up. */
        private void matchPair(int a, int k) {
            while (rowLeft[a] > 0 && colLeft[k] > 0) {
                take(a, k);
            }
        }

        private void take(int a, int k) {
            pairs[2 * matched] = rows[rowsStart[a + 1] - rowLeft[a]];
            pairs[2 * matched + 1] = cols[colsStart[k + 1] - colLeft[k]];
            matched++;
            rowLeft[a]--;
            colLeft[k]--;
            freeRows--;
            freeCols--;
        }

        /** The first free row of group a, or -1. */
        private int nextRow(int a) {
            return rowLeft[a] == 0 ? -1 : rows[rowsStart[a + 1] - rowLeft[a]];
        }

        /** The first free column of group k, or -1. */
        private int nextCol(int k) {
            return colLeft[k] == 0 ? -1 : cols[colsStart[k + 1] - colLeft[k]];
        }

        /**
         * A level of several pairs of groups, {@code order[s, e)}: its rows ascending (a heap of its row groups
         * by their first free row), each taking its smallest free column among the level's pairs of its group.
         */
        private void level(int[] order, int s, int e) {
            Arrays.sort(order, s, e); // by row group, then column group (the bits of each pair)
            int groups = 0;
            int[] segStart = new int[e - s + 1];
            for (int i = s; i < e; i++) {
                if (i == s || order[i] >>> kBits != order[i - 1] >>> kBits) {
                    segStart[groups++] = i;
                }
            }
            segStart[groups] = e;
            int[] heap = new int[groups]; // segments, by their group's first free row
            int size = 0;
            for (int g = 0; g < groups; g++) {
                if (nextRow(order[segStart[g]] >>> kBits) >= 0) {
                    size = push(heap, size, g, order, segStart);
                }
            }
            while (size > 0 && freeCols > 0) {
                int g = heap[0];
                heap[0] = heap[--size];
                siftDown(heap, size, 0, order, segStart);
                int a = order[segStart[g]] >>> kBits;
                int bestK = -1;
                int bestCol = Integer.MAX_VALUE;
                for (int i = segStart[g]; i < segStart[g + 1]; i++) {
                    int k = order[i] & ((1 << kBits) - 1);
                    int c = nextCol(k);
                    if (c >= 0 && c < bestCol) {
                        bestCol = c;
                        bestK = k;
                    }
                }
                if (bestK < 0) {
                    continue; // this group's columns at this level are gone: its later rows find none either
                }
                take(a, bestK);
                if (nextRow(a) >= 0) {
                    size = push(heap, size, g, order, segStart);
                }
            }
        }

        private int heapKey(int g, int[] order, int[] segStart) {
            return nextRow(order[segStart[g]] >>> kBits);
        }

        private int push(int[] heap, int size, int g, int[] order, int[] segStart) {
            int i = size++;
            int key = heapKey(g, order, segStart);
            while (i > 0) {
                int parent = (i - 1) >> 1;
                if (heapKey(heap[parent], order, segStart) <= key) {
                    break;
                }
                heap[i] = heap[parent];
                i = parent;
            }
            heap[i] = g;
            return size;
        }

        private void siftDown(int[] heap, int size, int i, int[] order, int[] segStart) {
            if (size == 0) {
                return;
            }
            int g = heap[i];
            int key = heapKey(g, order, segStart);
            while (true) {
                int child = 2 * i + 1;
                if (child >= size) {
                    break;
                }
                if (child + 1 < size && heapKey(heap[child + 1], order, segStart) < heapKey(heap[child], order, segStart)) {
                    child++;
                }
                if (heapKey(heap[child], order, segStart) >= key) {
                    break;
                }
                heap[i] = heap[child];
                i = child;
            }
            heap[i] = g;
        }
    }

    /**
     * A thread's buffers, kept between matchings: a matching of hundreds of boxes a side collects a few
     * megabytes of entries, and allocating (zeroing) them afresh each time cost as much as the matching. Every
     * entry is written before it is read, so nothing is cleared; arrays over {@link #KEEP_LIMIT} entries are
     * used once and not kept (a thread keeps at most about 7 MiB).
     */
    static final class Scratch {
        private static final int KEEP_LIMIT = 1 << 18;
        private static final ThreadLocal<Scratch> PER_THREAD = ThreadLocal.withInitial(Scratch::new);

        long[] keys = new long[1024];
        int[] pairs = new int[1024];
        long[] packed = new long[1024];
        private int[] starts = new int[0];
        private int[] fill = new int[0];
        long[][] bits = new long[MAX_BANDS][0];

        static Scratch get() {
            return PER_THREAD.get();
        }

        /** Zeroed counters. */
        int[] starts(int n) {
            if (starts.length < n) {
                starts = new int[n];
            } else {
                Arrays.fill(starts, 0, n, 0);
            }
            return starts;
        }

        /** A copy of {@code start[0, n)}. */
        int[] fill(int[] start, int n) {
            if (fill.length < n) {
                fill = new int[n];
            }
            System.arraycopy(start, 0, fill, 0, n);
            return fill;
        }

        /** Saves what a matching grew, unless too big to keep. */
        void release(long[] k, int[] p, long[] pk, long[][] b) {
            if (k.length <= KEEP_LIMIT) {
                keys = k;
                pairs = p;
            }
            if (pk.length <= KEEP_LIMIT) {
                packed = pk;
            }
            for (int j = 0; j < b.length; j++) {
                if (b[j].length <= KEEP_LIMIT) {
                    bits[j] = b[j];
                }
            }
        }
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
        int[] fill = Arrays.copyOf(start, groups);
        int[] out = new int[start[groups]];
        for (int i = 0; i < group.length; i++) {
            if (group[i] >= 0) {
                out[fill[group[i]]++] = i;
            }
        }
        return out;
    }
}
