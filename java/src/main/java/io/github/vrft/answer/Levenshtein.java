package io.github.vrft.answer;

import java.util.HashMap;
import java.util.Map;

/**
 * {@code Levenshtein.ratio(a, b)} exactly as python-Levenshtein 0.12.2 computes it for two str values:
 * {@code (len(a) + len(b) - d) / (len(a) + len(b))}, where {@code d} is the edit distance with a substitution
 * costing 2 (an insertion and a deletion), so {@code d = len(a) + len(b) - 2·LCS(a, b)}; two empty strings
 * give 1.0. Lengths count code points, as Python's do.
 *
 * <p>The LCS is computed bit-parallel (Hyyrö's 64-bit-word recurrence), so the cost is
 * {@code O(|a|·|b|/64)}: a 20-character ground truth against a 2 MB completion takes about a millisecond.
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
        int lcs = x.length <= y.length ? lcs(x, y) : lcs(y, x);
        int distance = lensum - 2 * lcs;
        if (distance == 0) {
            return 1.0;
        }
        return (double) (lensum - distance) / lensum;
    }

    /** Length of the longest common subsequence; {@code p} is the shorter string (the bit pattern). */
    static int lcs(int[] p, int[] t) {
        int m = p.length;
        if (m == 0) {
            return 0;
        }
        int words = (m + 63) >>> 6;
        Map<Integer, long[]> masks = new HashMap<>();
        for (int i = 0; i < m; i++) {
            masks.computeIfAbsent(p[i], k -> new long[words])[i >>> 6] |= 1L << (i & 63);
        }
        long[] v = new long[words];
        java.util.Arrays.fill(v, -1L);
        long lastMask = (m & 63) == 0 ? -1L : (1L << (m & 63)) - 1;
        for (int c : t) {
            long[] mc = masks.get(c);
            if (mc == null) {
                continue; // U = 0: V + 0 | V - 0 = V
            }
            // V' = (V + U) | (V - U), U = V & M[c], as multi-word add and subtract with carry and borrow.
            long carry = 0;
            long borrow = 0;
            for (int w = 0; w < words; w++) {
                long vw = v[w];
                long u = vw & mc[w];
                long sum = vw + u + carry;
                carry = Long.compareUnsigned(sum, vw) < 0 || (carry != 0 && sum == vw) ? 1 : 0;
                long diff = vw - u - borrow;
                borrow = Long.compareUnsigned(vw, u) < 0 || (borrow != 0 && vw == u) ? 1 : 0;
                v[w] = sum | diff;
            }
        }
        int zeros = 0;
        for (int w = 0; w < words; w++) {
            long bits = w == words - 1 ? ~v[w] & lastMask : ~v[w];
            zeros += Long.bitCount(bits);
        }
        return zeros;
    }
}
