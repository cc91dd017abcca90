package io.github.vrft.answer;

import java.util.Arrays;
import java.util.Comparator;

/**
 * The order CPython 3.11 gives to {@code sorted(items, key=..., reverse=True)}, as a permutation.
 *
 * <p>For keys that are totally ordered (numbers without NaN) every stable descending sort agrees, and a
 * library sort is used. A NaN key makes Python's {@code <} inconsistent and the result depends on the
 * algorithm, so for those inputs CPython's own steps are replayed: reverse the list, then timsort's
 * {@code count_run} and {@code binarysort}, then reverse again (how CPython keeps {@code reverse=True}
 * stable). Below 64 items timsort is exactly one run plus a binary insertion sort, which is reproduced
 * exactly; from 64 items with a NaN key the runs are merged by plain stable merges without galloping,
 * which may order NaN-keyed items differently from CPython.
 */
public final class PySort {
    private PySort() {}

    private static final int MIN_MERGE = 64;

    /** Indices of {@code keys} in the order of {@code sorted(..., reverse=True)}; keys must be numbers. */
    public static int[] descendingOrder(Object[] keys) {
        int n = keys.length;
        boolean hasNaN = false;
        for (Object k : keys) {
            if (k instanceof Double d && d.isNaN()) {
                hasNaN = true;
                break;
            }
        }
        if (!hasNaN && n <= 32) {
            double[] k = new double[n];
            boolean exact = true;
            for (int i = 0; i < n && exact; i++) {
                Object o = keys[i];
                if (o instanceof Double d) {
                    k[i] = d;
                } else if (o instanceof Long l && Math.abs(l) <= (1L << 53)) {
                    k[i] = l;
                } else if (o instanceof Boolean b) {
                    k[i] = b ? 1 : 0;
                } else {
                    exact = false;
                }
            }
            if (exact) {
                return insertionDescending(k);
            }
        }
        if (!hasNaN) {
            Integer[] idx = new Integer[n];
            for (int i = 0; i < n; i++) {
                idx[i] = i;
            }
            Comparator<Integer> desc = (a, b) -> PyNum.lt(keys[b], keys[a]) ? -1 : (PyNum.lt(keys[a], keys[b]) ? 1 : 0);
            Arrays.sort(idx, desc); // stable (TimSort on objects)
            int[] out = new int[n];
            for (int i = 0; i < n; i++) {
                out[i] = idx[i];
            }
            return out;
        }
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = n - 1 - i; // reversed
        }
        timsortAscending(a, keys);
        for (int i = 0, j = n - 1; i < j; i++, j--) {
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
        return a;
    }

    /** Stable insertion sort, descending, on keys whose order is the doubles' order (no NaN). */
    private static int[] insertionDescending(double[] k) {
        int n = k.length;
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            int j = i;
            while (j > 0 && k[out[j - 1]] < k[i]) {
                out[j] = out[j - 1];
                j--;
            }
            out[j] = i;
        }
        return out;
    }

    private static boolean lt(Object[] keys, int x, int y) {
        return PyNum.lt(keys[x], keys[y]);
    }

    private static void timsortAscending(int[] a, Object[] keys) {
        int n = a.length;
        if (n < 2) {
            return;
        }
        int minrun = minrun(n);
        int lo = 0;
        int[] runStart = new int[n];
        int runs = 0;
        while (lo < n) {
            int remaining = n - lo;
            int len = countRun(a, keys, lo, n);
            if (len < minrun) {
                int force = Math.min(remaining, minrun);
                binarysort(a, keys, lo, lo + force, lo + len);
                len = force;
            }
            runStart[runs++] = lo;
            lo += len;
        }
        // Merge adjacent runs left to right (stable; see the class comment for the NaN caveat).
        int mergedEnd = runs > 1 ? runStart[1] : n;
        for (int r = 1; r < runs; r++) {
            int end = r + 1 < runs ? runStart[r + 1] : n;
            merge(a, keys, 0, mergedEnd, end);
            mergedEnd = end;
        }
    }

    private static int minrun(int n) {
        int r = 0;
        while (n >= MIN_MERGE) {
            r |= n & 1;
            n >>= 1;
        }
        return n + r;
    }

    /** CPython 3.11 {@code count_run}: a non-descending run, or a strictly descending one (reversed). */
    private static int countRun(int[] a, Object[] keys, int lo, int hi) {
        if (lo + 1 == hi) {
            return 1;
        }
        int i = lo + 1;
        int len = 2;
        if (lt(keys, a[i], a[i - 1])) {
            for (i = i + 1; i < hi && lt(keys, a[i], a[i - 1]); i++) {
                len++;
            }
            for (int x = lo, y = lo + len - 1; x < y; x++, y--) {
                int t = a[x];
                a[x] = a[y];
                a[y] = t;
            }
        } else {
            for (i = i + 1; i < hi && !lt(keys, a[i], a[i - 1]); i++) {
                len++;
            }
        }
        return len;
    }

    /** CPython {@code binarysort}: items from {@code start} are inserted into the sorted prefix. */
    private static void binarysort(int[] a, Object[] keys, int lo, int hi, int start) {
        if (lo == start) {
            start++;
        }
        for (; start < hi; start++) {
            int pivot = a[start];
            int l = lo;
            int r = start;
            do {
                int p = l + ((r - l) >> 1);
                if (lt(keys, pivot, a[p])) {
                    r = p;
                } else {
                    l = p + 1;
                }
            } while (l < r);
            System.arraycopy(a, l, a, l + 1, start - l);
            a[l] = pivot;
        }
    }

    private static void merge(int[] a, Object[] keys, int lo, int mid, int hi) {
        int[] left = Arrays.copyOfRange(a, lo, mid);
        int i = 0;
        int j = mid;
        int k = lo;
        while (i < left.length && j < hi) {
            a[k++] = lt(keys, a[j], left[i]) ? a[j++] : left[i++];
        }
        while (i < left.length) {
            a[k++] = left[i++];
        }
    }
}
