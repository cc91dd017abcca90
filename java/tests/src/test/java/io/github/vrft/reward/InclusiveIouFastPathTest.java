package io.github.vrft.reward;

import io.github.vrft.VectorPaths;
import io.github.vrft.answer.PyException;
import io.github.vrft.answer.PyNum;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The weighted_sum IoU's double fast path ({@link RecReward#inclusiveIouSmall}) against the Python-number
 * formula it stands for ({@link RecReward#inclusiveIou}, with upstream's bare {@code except} giving 0.0), bit for
 * bit, sign of zero included: ints up to 2^25, floats, bools, degenerate and flipped boxes.
 */
class InclusiveIouFastPathTest {
    private static Object coordinate(SplittableRandom rnd) {
        return switch (rnd.nextInt(8)) {
            case 0 -> (long) rnd.nextInt(-3, 4);
            case 1 -> (long) rnd.nextInt(0, 2000);
            case 2 -> rnd.nextBoolean() ? 1L << 25 : -(1L << 25);
            case 3 -> rnd.nextInt(0, 2000) + rnd.nextInt(0, 4) * 0.25;
            case 6 -> rnd.nextBoolean() ? 0.0 : -0.0;
            case 7 -> rnd.nextBoolean() ? Double.MAX_VALUE : -Double.MIN_VALUE;
            case 4 -> rnd.nextBoolean();
            default -> rnd.nextDouble() * 100 - 20;
        };
    }

    @Test
    void sameBitsAsThePythonNumberFormula() {
        SplittableRandom rnd = new SplittableRandom(14);
        for (int trial = 0; trial < 200_000; trial++) {
            Object[] a = {coordinate(rnd), coordinate(rnd), coordinate(rnd), coordinate(rnd)};
            Object[] b = rnd.nextInt(8) == 0 ? a.clone() : new Object[] {coordinate(rnd), coordinate(rnd), coordinate(rnd), coordinate(rnd)};
            double want;
            try {
                want = RecReward.inclusiveIou(a, b);
            } catch (PyException e) {
                want = 0.0;
            }
            double[] da = new double[4];
            double[] db = new double[4];
            for (int k = 0; k < 4; k++) {
                da[k] = PyNum.smallValue(a[k]);
                db[k] = PyNum.smallValue(b[k]);
            }
            double got = RecReward.inclusiveIouSmall(da, 0, db, 0);
            assertEquals(Double.doubleToRawLongBits(want), Double.doubleToRawLongBits(got),
                    java.util.Arrays.toString(a) + " " + java.util.Arrays.toString(b) + ": " + want + " vs " + got);
            boolean finite = true;
            for (int k = 0; k < 4; k++) {
                finite &= Double.isFinite(da[k]) && Double.isFinite(db[k]);
            }
            if (finite) {
                double[] row = new double[1];
                RecReward.inclusiveIouRow(da, 0, new RecReward.BoxColumns(db, new boolean[] {true}, 1), row, 0);
                assertEquals(Double.doubleToRawLongBits(want), Double.doubleToRawLongBits(row[0]),
                        "row form: " + java.util.Arrays.toString(a) + " " + java.util.Arrays.toString(b));
            }
        }
    }

    /**
     * The row form over many boxes, so that most go through the Vector API's lanes (and the rest through the
     * scalar tail), with and without it: each entry is {@link RecReward#inclusiveIouSmall}'s bits, and entries
     * of boxes not flagged finite are left as they were.
     */
    @Test
    void rowsSameBitsAsEachPair() {
        SplittableRandom rnd = new SplittableRandom(25);
        for (int trial = 0; trial < 3000; trial++) {
            int count = rnd.nextInt(1, 40);
            double[] a = new double[4];
            double[] b = new double[4 * count];
            boolean[] finite = new boolean[count];
            for (int k = 0; k < 4; k++) {
                a[k] = finiteCoordinate(rnd);
            }
            for (int i = 0; i < count; i++) {
                finite[i] = rnd.nextInt(10) != 0;
                for (int k = 0; k < 4; k++) {
                    b[4 * i + k] = !finite[i] && k == 2 ? Double.NaN
                            : rnd.nextInt(6) == 0 ? a[k] : finiteCoordinate(rnd);
                }
            }
            RecReward.BoxColumns cols = new RecReward.BoxColumns(b, finite, count);
            VectorPaths.each(vector -> {
                double[] row = new double[count + 2];
                java.util.Arrays.fill(row, -7.0);
                RecReward.inclusiveIouRow(a, 0, cols, row, 1);
                assertEquals(-7.0, row[0]);
                assertEquals(-7.0, row[count + 1]);
                for (int i = 0; i < count; i++) {
                    double want = finite[i] ? RecReward.inclusiveIouSmall(a, 0, b, 4 * i) : -7.0;
                    assertEquals(Double.doubleToRawLongBits(want), Double.doubleToRawLongBits(row[1 + i]),
                            "vector " + vector + ", box " + i + " of " + count);
                }
            });
        }
    }

    private static double finiteCoordinate(SplittableRandom rnd) {
        return switch (rnd.nextInt(5)) {
            case 0 -> rnd.nextInt(-3, 4);
            case 1 -> rnd.nextInt(0, 2000);
            case 2 -> rnd.nextInt(0, 2000) + rnd.nextInt(0, 4) * 0.25;
            case 3 -> rnd.nextBoolean() ? 0.0 : -0.0;
            default -> rnd.nextDouble() * 100 - 20;
        };
    }
}
