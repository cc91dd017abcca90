package io.github.vrft.answer;

import java.util.HashMap;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.Map;

/**
 * {@code Levenshtein.ratio(a, b)} exactly as python-Levenshtein 0.12.2 computes it for two str values:
 * {@code (len(a) + len(b) - d) / (len(a) + len(b))}, where {@code d} is the edit distance with a substitution
 * costing 2 (an insertion and a deletion), so {@code d = len(a) + len(b) - 2·LCS(a, b)}; two empty strings
 * give 1.0. Lengths count code points, as Python's do.
 *
 * <p>The common prefix and suffix are removed first (they belong to every LCS, and python-Levenshtein strips
 * them too). The LCS of the rest is computed in a diagonal band first (exact when the strings are few edits
 * apart: O(n·d)), else bit-parallel (Hyyrö's recurrence, 63 positions a word, O(|a|·|b|/63)): a
 * 20-character ground truth against a 2 MB completion takes about a millisecond; two 32,000-character
 * answers that differ throughout are the slowest input, about 10 ms on one core of a 2-vCPU AMD EPYC, so
 * from two 16,000-character answers on the sweep runs in two pipelined halves when a second core is free
 * (7.6 ms there).
 */
public final class Levenshtein {
    private Levenshtein() {}

    public static double ratio(String a, String b) {
        int[] x = a.codePoints().toArray();
        int[] y = b.codePoints().toArray();
        int lensum = x.length + y.length;
        if (lensum == 0) {
            return 1.0;
        }
        int prefix = 0;
        int max = Math.min(x.length, y.length);
        while (prefix < max && x[prefix] == y[prefix]) {
            prefix++;
        }
        int suffix = 0;
        while (suffix < max - prefix && x[x.length - 1 - suffix] == y[y.length - 1 - suffix]) {
            suffix++;
        }
        int[] xm = java.util.Arrays.copyOfRange(x, prefix, x.length - suffix);
        int[] ym = java.util.Arrays.copyOfRange(y, prefix, y.length - suffix);
        int lcs = prefix + suffix + (xm.length <= ym.length ? lcsOf(xm, ym) : lcsOf(ym, xm));
        int distance = lensum - 2 * lcs;
        if (distance == 0) {
            return 1.0;
        }
        return (double) (lensum - distance) / lensum;
    }

    /**
     * The LCS of {@code p} (the shorter) and {@code t}: first in diagonal bands of growing width (exact as soon
     * as the band holds every path as short as the one it found, Ukkonen's argument), so near-duplicates,
     * shifted copies and answers a few edits apart cost O(n·d); then, where the strings differ throughout,
     * bit-parallel over the whole matrix.
     */
    static int lcsOf(int[] p, int[] t) {
        int m = p.length;
        int n = t.length;
        // An upper bound of the LCS from character counts: when even it leaves more edits than a band holds,
        // the band cannot succeed and is skipped (random text, say).
        Map<Integer, int[]> counts = new HashMap<>();
        for (int c : p) {
            counts.computeIfAbsent(c, k -> new int[2])[0]++;
        }
        for (int c : t) {
            int[] k = counts.get(c);
            if (k != null) {
                k[1]++;
            }
        }
        long upper = 0;
        for (int[] k : counts.values()) {
            upper += Math.min(k[0], k[1]);
        }
        long fewestEdits = m + n - 2 * upper;
        // Bands of half-width 8 and 32 (a band cell costs about what a 64-cell word of the bit-parallel sweep
        // does, so wider bands would not pay): exact as soon as the band holds every path with as few edits.
        for (int s = 8; s <= 32; s *= 4) {
            if (fewestEdits > (n - m) + 2L * s || (long) m * (n - m + 2L * s + 1) > (long) n * ((m + 62) / 63)) {
                continue;
            }
            int l = bandedLcs(p, t, s);
            if (m + n - 2L * l <= (n - m) + 2L * s) {
                return l; // every path with at most that many edits lies in the band
            }
        }
        return lcs(p, t);
    }

    /**
     * The longest common subsequence over paths that keep to the diagonals {@code j - i} in
     * {@code [-s, n - m + s]} (m = |p| <= n = |t|): a lower bound of the LCS, equal to it when the optimal
     * path lies in the band.
     */
    static int bandedLcs(int[] p, int[] t, int s) {
        int m = p.length;
        int n = t.length;
        int lo = -s;
        int hi = n - m + s;
        int width = hi - lo + 1;
        final int unreachable = Integer.MIN_VALUE / 2;
        int[] prev = new int[width];
        int[] cur = new int[width];
        java.util.Arrays.fill(prev, unreachable);
        for (int j = 0; j <= Math.min(n, hi); j++) {
            prev[j - lo] = 0; // the first row: insertions only
        }
        for (int i = 1; i <= m; i++) {
            java.util.Arrays.fill(cur, unreachable);
            int jFrom = Math.max(0, i + lo);
            int jTo = Math.min(n, i + hi);
            int pc = p[i - 1];
            for (int j = jFrom; j <= jTo; j++) {
                int d = j - i - lo;
                int best;
                if (j == 0) {
                    best = 0; // the first column: deletions only (in the band, so are the cells above it)
                } else {
                    best = prev[d] + (pc == t[j - 1] ? 1 : 0);
                    if (d + 1 < width && prev[d + 1] > best) {
                        best = prev[d + 1];
                    }
                    if (d > 0 && cur[d - 1] > best) {
                        best = cur[d - 1];
                    }
                }
                cur[d] = best;
            }
            int[] swap = prev;
            prev = cur;
            cur = swap;
        }
        return Math.max(0, prev[n - m - lo]);
    }

    /** From this many word steps (two 16,000-character answers) the sweep uses a second core when one is free. */
    static final long PARALLEL_WORD_STEPS = 4_000_000L;

    /**
     * V' = (V + U) | (V - U), U = V & M[c], for the first {@code n} characters: U's bits are a subset of V's,
     * so V - U = V ^ U, and with bit 63 free V + U + carry cannot overflow; its carry out is bit 63.
     */
    private static void sweep(long[] v, long[][] steps, int n) {
        for (int s = 0; s < n; s++) {
            step(v, steps[s], 0, v.length, 0);
        }
    }

    /** One character's step over words {@code [from, to)} with the carry into {@code from}; returns the carry out. */
    private static long step(long[] v, long[] mk, int from, int to, long carry) {
        for (int w = from; w < to; w++) {
            long x = v[w];
            long u = x & mk[w];
            long sum = x + u + carry;
            carry = sum >>> 63;
            v[w] = (sum | (x ^ u)) & LOW63;
        }
        return carry;
    }

    /**
     * The same sweep as two pipelined halves: this thread takes the low words and publishes each character's
     * carry out of them (every 64 characters); a task in the common pool takes the high words, a little behind.
     * When no worker is free the task is taken back and run here afterwards, so this never waits on a thread
     * that is not running, and the result is the same bit for bit.
     */
    private static void sweepInTwo(long[] v, long[][] steps, int n, int split) {
        byte[] carries = new byte[n];
        java.util.concurrent.atomic.AtomicInteger published = new java.util.concurrent.atomic.AtomicInteger();
        int words = v.length;
        java.util.concurrent.atomic.AtomicBoolean started = new java.util.concurrent.atomic.AtomicBoolean();
        ForkJoinTask<?> high = ForkJoinTask.adapt(() -> {
            started.set(true);
            int ready = 0;
            for (int s = 0; s < n; s++) {
                int spins = 0;
                while (ready <= s) {
                    ready = published.get();
                    if (ready <= s) {
                        // Spin briefly (the low half publishes every 64 characters), then yield: when the
                        // cores are oversubscribed the low half may be waiting for this very core.
                        if (++spins < SPINS_BEFORE_YIELD) {
                            Thread.onSpinWait();
                        } else {
                            Thread.yield();
                        }
                    }
                }
                step(v, steps[s], split, words, carries[s]);
            }
        });
        ForkJoinPool.commonPool().execute(high);
        for (int s = 0; s < n; s++) {
            carries[s] = (byte) step(v, steps[s], 0, split, 0);
            if ((s & 63) == 63) {
                published.set(s + 1);
            }
        }
        published.set(n);
        if (!started.get() && high.tryUnfork()) {
            high.invoke(); // no worker took it: run the high half here, after the low one
        } else {
            high.join();
        }
    }

    /** About 64 characters' steps of a half: longer than that, the low half is likely not running. */
    private static final int SPINS_BEFORE_YIELD = 4_096;

    /** The low 63 bits: each word holds 63 pattern positions, so bit 63 catches the addition's carry. */
    private static final long LOW63 = Long.MAX_VALUE;

    /**
     * Length of the longest common subsequence; {@code p} is the shorter string (the bit pattern), 63
     * positions a word. With bit 63 free, V + U + carry cannot overflow a long and its carry out is bit 63:
     * two operations on the carry chain and ten a word in all, a third fewer than with full 64-bit words.
     */
    static int lcs(int[] p, int[] t) {
        return lcs(p, t, PARALLEL_WORD_STEPS);
    }

    /** {@link #lcs(int[], int[])} with the two-core sweep from {@code parallelFrom} word steps (tests set 0). */
    static int lcs(int[] p, int[] t, long parallelFrom) {
        int m = p.length;
        if (m == 0) {
            return 0;
        }
        int words = (m + 62) / 63;
        Map<Integer, long[]> masks = new HashMap<>();
        for (int i = 0; i < m; i++) {
            masks.computeIfAbsent(p[i], k -> new long[words])[i / 63] |= 1L << (i % 63);
        }
        long[] v = new long[words];
        java.util.Arrays.fill(v, LOW63);
        // Only characters of t that occur in p change V (U = 0 leaves V + 0 | V - 0 = V).
        long[][] steps = new long[t.length][];
        int n = 0;
        for (int c : t) {
            long[] mk = masks.get(c);
            if (mk != null) {
                steps[n++] = mk;
            }
        }
        int split = words / 2;
        if ((long) words * n >= parallelFrom && split > 0 && Runtime.getRuntime().availableProcessors() > 1) {
            sweepInTwo(v, steps, n, split);
        } else {
            sweep(v, steps, n);
        }
        int zeros = 0;
        for (int w = 0; w < words; w++) {
            long bits = ~v[w] & LOW63;
            if (w == words - 1 && m % 63 != 0) {
                bits &= (1L << (m % 63)) - 1;
            }
            zeros += Long.bitCount(bits);
        }
        return zeros;
    }
}
