package io.github.vrft.box;

import org.junit.jupiter.api.Test;

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
}
