package io.github.vrft.answer;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The LCS behind {@link Levenshtein#ratio}: the banded and bit-parallel paths against the textbook DP below. */
class LevenshteinLcsTest {
    static int reference(int[] a, int[] b) {
        int[] prev = new int[b.length + 1];
        for (int x : a) {
            int[] cur = new int[b.length + 1];
            for (int j = 1; j <= b.length; j++) {
                cur[j] = x == b[j - 1] ? prev[j - 1] + 1 : Math.max(prev[j], cur[j - 1]);
            }
            prev = cur;
        }
        return prev[b.length];
    }

    private static int[] edited(int[] base, SplittableRandom rnd, int edits, int alphabet) {
        StringBuilder b = new StringBuilder();
        for (int c : base) {
            b.appendCodePoint(c);
        }
        for (int e = 0; e < edits; e++) {
            int pos = rnd.nextInt(b.length() + 1);
            switch (rnd.nextInt(3)) {
                case 0 -> b.insert(pos, (char) ('a' + rnd.nextInt(alphabet)));
                case 1 -> {
                    if (pos < b.length()) {
                        b.deleteCharAt(pos);
                    }
                }
                default -> {
                    if (pos < b.length()) {
                        b.setCharAt(pos, (char) ('a' + rnd.nextInt(alphabet)));
                    }
                }
            }
        }
        return b.codePoints().toArray();
    }

    @Test
    void twoHalvesAgreeWithOneSweepOnLongTexts() {
        SplittableRandom rnd = new SplittableRandom(15);
        for (int trial = 0; trial < 12; trial++) {
            int alphabet = 1 + rnd.nextInt(26);
            int[] a = new int[2000 + rnd.nextInt(30_000)];
            int[] b = new int[a.length + rnd.nextInt(2000)];
            for (int i = 0; i < a.length; i++) {
                a[i] = 'a' + rnd.nextInt(alphabet);
            }
            for (int i = 0; i < b.length; i++) {
                b[i] = 'a' + rnd.nextInt(alphabet);
            }
            assertEquals(Levenshtein.lcs(a, b, Long.MAX_VALUE), Levenshtein.lcs(a, b, 0), "trial " + trial);
        }
    }

    /**
     * Dozens of words and thousands of characters, in one sweep and in two halves, against the DP (the long
     * cases above compare the two sweeps only with each other; the DP cases are short).
     */
    @Test
    void sweepsAgreeWithTheDpOnLongTexts() {
        SplittableRandom rnd = new SplittableRandom(16);
        for (int trial = 0; trial < 8; trial++) {
            int alphabet = 2 + rnd.nextInt(3);
            int[] a = new int[1500 + rnd.nextInt(1500)];
            int[] b = new int[a.length + trial % 4 + rnd.nextInt(400)];
            for (int i = 0; i < a.length; i++) {
                a[i] = 'a' + rnd.nextInt(alphabet);
            }
            for (int i = 0; i < b.length; i++) {
                b[i] = trial % 2 == 0 ? 'a' + rnd.nextInt(alphabet) : (i % 2 == 0 ? 'a' : 'b' + rnd.nextInt(alphabet - 1));
            }
            int want = reference(a, b);
            assertEquals(want, Levenshtein.lcs(a, b, Long.MAX_VALUE), "one sweep, trial " + trial);
            assertEquals(want, Levenshtein.lcs(a, b, 0), "two halves, trial " + trial);
        }
    }

    @Test
    void everyPathAgreesWithTheDp() {
        SplittableRandom rnd = new SplittableRandom(14);
        for (int trial = 0; trial < 3000; trial++) {
            int alphabet = 1 + rnd.nextInt(4);
            int n = rnd.nextInt(300);
            int[] a = new int[n];
            for (int i = 0; i < n; i++) {
                a[i] = 'a' + rnd.nextInt(alphabet);
            }
            int[] b = rnd.nextBoolean() ? edited(a, rnd, rnd.nextInt(12), alphabet) : edited(new int[0], rnd, rnd.nextInt(300), alphabet);
            int[] p = a.length <= b.length ? a : b;
            int[] t = a.length <= b.length ? b : a;
            int want = reference(p, t);
            assertEquals(want, Levenshtein.lcs(p, t), "bit-parallel, trial " + trial);
            assertEquals(want, Levenshtein.lcs(p, t, 0), "bit-parallel in two halves, trial " + trial);
            assertEquals(want, Levenshtein.lcsOf(p, t), "banded then bit-parallel, trial " + trial);
            for (int s : new int[] {0, 1, 3, 8}) {
                assertTrue(Levenshtein.bandedLcs(p, t, s) <= want, "a band gives a lower bound");
            }
        }
    }
}
