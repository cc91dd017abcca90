package io.github.vrft.box;

import org.junit.jupiter.api.Test;

import io.github.vrft.VectorPaths;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/** {@link GlobalGreedyMatch} against upstream's loop (the plain reference at the top) on random IoU matrices. */
public class GlobalGreedyMatchTest {
    /** detection_score's loop: the first strict maximum over free rows and columns, row-major, until below t. */
    public static int[] reference(double[][] iou, double t) {
        int n = iou.length;
        int m = n == 0 ? 0 : iou[0].length;
        boolean[] ru = new boolean[n];
        boolean[] cu = new boolean[m];
        int[] out = new int[2 * Math.min(n, m)];
        int k = 0;
        while (k < Math.min(n, m)) {
            double max = -1;
            int br = -1;
            int bc = -1;
            for (int r = 0; r < n; r++) {
                for (int c = 0; c < m; c++) {
                    if (!ru[r] && !cu[c] && iou[r][c] > max) {
                        max = iou[r][c];
                        br = r;
                        bc = c;
                    }
                }
            }
            if (max < t) {
                break;
            }
            ru[br] = true;
            cu[bc] = true;
            out[2 * k] = br;
            out[2 * k + 1] = bc;
            k++;
        }
        return Arrays.copyOf(out, 2 * k);
    }

    @Test
    void sameMatchesAsUpstreamsLoop() {
        SplittableRandom rnd = new SplittableRandom(14);
        double[] levels = {Double.NaN, -2, 0, 0.3, 0.5, 0.5, 0.75, 1.0, 1.5, Double.POSITIVE_INFINITY};
        for (int trial = 0; trial < 6000; trial++) {
            int n = rnd.nextInt(12);
            int m = rnd.nextInt(12);
            int rg = 1 + rnd.nextInt(Math.max(1, n));
            int cg = 1 + rnd.nextInt(Math.max(1, m));
            int[] rowGroup = new int[n];
            int[] colGroup = new int[m];
            for (int i = 0; i < n; i++) {
                rowGroup[i] = rnd.nextInt(8) == 0 ? -1 : rnd.nextInt(rg);
            }
            for (int j = 0; j < m; j++) {
                colGroup[j] = rnd.nextInt(8) == 0 ? -1 : rnd.nextInt(cg);
            }
            int kind = rnd.nextInt(3); // many ties; few ties with values above 1; values in [0.4, 1], the usual range
            double[] groupIou = new double[rg * cg];
            for (int x = 0; x < groupIou.length; x++) {
                groupIou[x] = kind == 0 ? levels[rnd.nextInt(levels.length)]
                        : kind == 1 ? rnd.nextDouble() * 1.2 : 0.4 + 0.6 * (rnd.nextInt(7) == 0 ? 1.0 : rnd.nextDouble());
            }
            double[][] iou = new double[n][m];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < m; j++) {
                    iou[i][j] = rowGroup[i] < 0 || colGroup[j] < 0 ? 0.0 : groupIou[rowGroup[i] * cg + colGroup[j]];
                }
            }
            int[] got = GlobalGreedyMatch.match(rowGroup, rg, colGroup, cg, groupIou, 0.5);
            assertArrayEquals(reference(iou, 0.5), got, "trial " + trial);
        }
    }

    /**
     * Matrices past one band (over 2^16 cells), on both band paths (the Vector API's bitsets and the scalar
     * reads; one band or several, one after another in a thread, which reuses its buffers): uniform values,
     * values that collapse onto a few levels (ties across rows and columns), every row preferring the same
     * columns, few candidates, repeated groups, empty groups, and values out of range (NaN, negative, above 1,
     * infinite), each against upstream's loop.
     */
    @Test
    void bandedMatchesAsUpstreamsLoop() {
        SplittableRandom rnd = new SplittableRandom(20);
        for (int trial = 0; trial < 15; trial++) {
            boolean grouped = trial % 3 == 2;
            int n = (grouped ? 600 : 300) + rnd.nextInt(80);
            int m = (grouped ? 600 : 300) + rnd.nextInt(80);
            int rg = grouped ? n / 2 : n;
            int cg = grouped ? m / 2 : m; // over 2^16 pairs of groups either way: more than one band
            int[] rowGroup = new int[n];
            int[] colGroup = new int[m];
            for (int i = 0; i < n; i++) {
                rowGroup[i] = grouped ? (rnd.nextInt(20) == 0 ? -1 : rnd.nextInt(rg)) : i;
            }
            for (int j = 0; j < m; j++) {
                colGroup[j] = grouped ? (rnd.nextInt(20) == 0 ? -1 : rnd.nextInt(cg)) : j;
            }
            double[] groupIou = new double[rg * cg];
            int kind = trial % 5;
            for (int a = 0; a < rg; a++) {
                for (int k = 0; k < cg; k++) {
                    double v = switch (kind) {
                        case 0 -> 0.3 + 0.7 * rnd.nextDouble();
                        case 1 -> 0.5 + 0.05 * rnd.nextInt(11); // eleven levels, ties everywhere
                        case 2 -> 1.0 / (1.0 + Math.abs(a * 0.37 - k * 0.41) * 0.01); // one shared order
                        case 3 -> rnd.nextInt(40) != 0 ? 0.0 : rnd.nextBoolean() ? 0.5 : 0.5 + 0.5 * rnd.nextDouble(); // one band
                        default -> rnd.nextInt(50) == 0
                                ? new double[] {Double.NaN, -1, 1.5, 3e300, Double.POSITIVE_INFINITY}[rnd.nextInt(5)]
                                : 0.45 + 0.55 * rnd.nextDouble();
                    };
                    groupIou[a * cg + k] = v;
                }
            }
            double[][] iou = new double[n][m];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < m; j++) {
                    iou[i][j] = rowGroup[i] < 0 || colGroup[j] < 0 ? 0.0 : groupIou[rowGroup[i] * cg + colGroup[j]];
                }
            }
            int[] want = reference(iou, 0.5);
            String what = "trial " + trial + ", kind " + kind + ", vector ";
            VectorPaths.each(vector -> assertArrayEquals(want,
                    GlobalGreedyMatch.match(rowGroup, rg, colGroup, cg, groupIou, 0.5), what + vector));
        }
    }
}
