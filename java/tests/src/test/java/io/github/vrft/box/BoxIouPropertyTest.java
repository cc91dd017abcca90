package io.github.vrft.box;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Properties of the IoU formulas on random boxes: symmetric, in [0, 1], 0 for degenerate boxes. */
class BoxIouPropertyTest {
    private static final int N = 200_000;

    private static double[] randomBox(SplittableRandom r) {
        double x1 = r.nextInt(-50, 1050);
        double y1 = r.nextInt(-50, 1050);
        // Mostly proper boxes, some degenerate or flipped, some with fractional corners.
        double w = r.nextInt(-40, 400) + (r.nextInt(4) == 0 ? r.nextDouble() : 0);
        double h = r.nextInt(-40, 400) + (r.nextInt(4) == 0 ? r.nextDouble() : 0);
        return new double[] {x1, y1, x1 + w, y1 + h};
    }

    private static double iou(double[] a, double[] b) {
        return BoxIou.visualRft(a[0], a[1], a[2], a[3], b[0], b[1], b[2], b[3]);
    }

    @Test
    void symmetricAndInUnitInterval() {
        SplittableRandom r = new SplittableRandom(42);
        for (int i = 0; i < N; i++) {
            double[] a = randomBox(r);
            double[] b = r.nextInt(10) == 0 ? a.clone() : randomBox(r);
            double ab = iou(a, b);
            double ba = iou(b, a);
            assertEquals(ab, ba, 0.0, "asymmetric for " + java.util.Arrays.toString(a) + " " + java.util.Arrays.toString(b));
            assertTrue(ab >= 0 && ab <= 1, "out of [0,1]: " + ab);
        }
    }

    @Test
    void degenerateBoxesGiveZeroAndIdenticalProperBoxesGiveOne() {
        SplittableRandom r = new SplittableRandom(7);
        for (int i = 0; i < N; i++) {
            double[] a = randomBox(r);
            boolean degenerate = a[2] <= a[0] || a[3] <= a[1];
            if (degenerate) {
                assertEquals(0.0, iou(a, a), 0.0);
                assertEquals(0.0, iou(a, randomBox(r)), 0.0);
            } else {
                assertEquals(1.0, iou(a, a), 0.0);
            }
        }
    }

    @Test
    void handValues() {
        // docs/rewards.md §1.3 examples: half overlap along y is exactly 0.5 (and so does not match)
        assertEquals(0.5, BoxIou.visualRft(120, 31, 320, 231, 120, 131, 320, 231), 0.0);
        // disjoint, touching edges
        assertEquals(0.0, BoxIou.visualRft(0, 0, 10, 10, 10, 0, 20, 10), 0.0);
        // 10x10 inside 20x20
        assertEquals(0.25, BoxIou.visualRft(0, 0, 20, 20, 5, 5, 15, 15), 0.0);
    }

    @Test
    void lisaGiouMatchesTheSpecExamples() {
        // golden lisa_disjoint: GT (100,200),(400,600) vs (500,700),(600,800) -> 0.43333333333333324
        assertEquals(0.43333333333333324, BoxIou.lisaGiouPlusOne(0.1, 0.2, 0.4, 0.6, 0.5, 0.7, 0.6, 0.8), 1e-15);
        // identical boxes: GIoU 1 -> 2
        assertEquals(2.0, BoxIou.lisaGiouPlusOne(0.1, 0.2, 0.4, 0.6, 0.1, 0.2, 0.4, 0.6), 0.0);
    }

    @Test
    void clampedGiouStaysInRangeAndIgnoresCornerOrder() {
        SplittableRandom r = new SplittableRandom(3);
        for (int i = 0; i < N; i++) {
            double[] a = randomBox(r);
            double[] b = randomBox(r);
            double g = BoxIou.giouClamped(a[0], a[1], a[2], a[3], b[0], b[1], b[2], b[3]);
            assertTrue(g >= -1 && g <= 1, "giou out of range: " + g);
            assertEquals(g, BoxIou.giouClamped(a[2], a[3], a[0], a[1], b[0], b[1], b[2], b[3]), 1e-12);
            assertEquals(g, BoxIou.giouClamped(b[0], b[1], b[2], b[3], a[0], a[1], a[2], a[3]), 1e-12);
        }
    }
}
