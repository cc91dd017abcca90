package io.github.vrft.answer;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * {@code sorted(range(n), key=keys.__getitem__, reverse=True)} in CPython 3.11.7: with NaN keys the order
 * depends on timsort's comparisons, and decides which box is matched first.
 */
class PySortTest {
    private static final double NAN = Double.NaN;

    private static int[] order(Object... keys) {
        return PySort.descendingOrder(keys);
    }

    @Test
    void stableDescendingWithoutNaN() {
        assertArrayEquals(new int[] {2, 0, 1, 3}, order(0.5, 0.5, 0.9, 0.1));
        assertArrayEquals(new int[] {0, 1, 2}, order(1L, true, 0.999)); // 1 == True: listed order kept
        assertArrayEquals(new int[] {}, order());
    }

    @Test
    void nanKeysOrderAsCPython() {
        assertArrayEquals(new int[] {0, 1, 2, 3}, order(0.5, NAN, 0.9, 0.1));
        assertArrayEquals(new int[] {0, 2, 4, 1, 3}, order(NAN, 1L, NAN, 0L, 2L));
        assertArrayEquals(new int[] {2, 5, 3, 0, 1, 4}, order(0.3, 0.3, NAN, 0.7, 0.3, 0.9));
        assertArrayEquals(new int[] {0}, order(NAN));
        assertArrayEquals(new int[] {0, 1}, order(1L, NAN));
        assertArrayEquals(new int[] {0, 1}, order(NAN, 1L));
    }

    @Test
    void fortyKeysWithNaNOrderAsCPython() {
        Object[] keys = {0.1, 0.5, 0.5, 0.1, 0.2, 0.5, 0.3, 0.9, 0.5, NAN, 0.5, NAN, 0.3, 0.2, 0.5, 0.1, 0.1, 0.9, 0.3,
            0.5, 0.5, 0.3, 0.3, 0.9, 0.1, 0.1, 0.9, 0.1, 0.5, 0.3, 0.9, NAN, 0.9, NAN, 0.1, 0.5, NAN, 0.2, NAN, 0.2};
        int[] expected = {7, 9, 11, 17, 23, 26, 30, 1, 2, 5, 8, 10, 14, 19, 20, 6, 22, 31, 32, 28, 12, 33, 35, 18, 21,
            29, 4, 13, 0, 3, 15, 16, 24, 25, 36, 37, 27, 34, 38, 39};
        assertArrayEquals(expected, order(keys));
    }
}
