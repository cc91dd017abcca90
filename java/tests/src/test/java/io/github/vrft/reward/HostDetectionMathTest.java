package io.github.vrft.reward;

import io.github.vrft.box.BoxIou;
import io.github.vrft.box.DetectionMatch;
import io.github.vrft.box.GreedyMatch;
import io.github.vrft.nativehost.HostLib;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The detection kernels' device math, built for the host (libvrft_host.so through FFM), against the CPU
 * backend: IoU bit for bit on float boxes; matching and both rewards bit for bit (both sides compare the
 * same float64 quotient with 0.5).
 */
class HostDetectionMathTest {

    private static float[] box(SplittableRandom r, boolean integer) {
        float x = r.nextInt(0, 900);
        float y = r.nextInt(0, 900);
        float w = r.nextInt(-20, 300) + (integer ? 0 : (float) r.nextDouble());
        float h = r.nextInt(-20, 300) + (integer ? 0 : (float) r.nextDouble());
        return new float[] {x, y, x + w, y + h};
    }

    @Test
    void iouIsBitIdenticalToTheCpu() throws Throwable {
        assumeTrue(HostLib.available(), HostLib::why);
        SplittableRandom r = new SplittableRandom(21);
        try (Arena arena = Arena.ofConfined()) {
            for (int i = 0; i < 50_000; i++) {
                float[] a = box(r, i % 2 == 0);
                float[] b = r.nextInt(8) == 0 ? a.clone() : box(r, i % 3 == 0);
                double host = (double) HostLib.IOU.invokeExact(arena.allocateFrom(ValueLayout.JAVA_FLOAT, a),
                        arena.allocateFrom(ValueLayout.JAVA_FLOAT, b));
                assertEquals(BoxIou.visualRft(a[0], a[1], a[2], a[3], b[0], b[1], b[2], b[3]), host, 0.0, "pair " + i);
            }
        }
    }

    @Test
    void fusedMatchAndRewardsEqualTheCpuOnIntegerBoxes() throws Throwable {
        assumeTrue(HostLib.available(), HostLib::why);
        SplittableRandom r = new SplittableRandom(22);
        for (int trial = 0; trial < 5_000; trial++) {
            int p = r.nextInt(0, 14);
            int g = r.nextInt(0, 8);
            float[][] gt = new float[g][];
            float[] gtFlat = new float[4 * Math.max(g, 1)];
            for (int j = 0; j < g; j++) {
                gt[j] = box(r, true);
                System.arraycopy(gt[j], 0, gtFlat, 4 * j, 4);
            }
            float[][] pred = new float[p][];
            float[] predFlat = new float[4 * Math.max(p, 1)];
            double[] conf = new double[Math.max(p, 1)];
            for (int k = 0; k < p; k++) {
                float[] base = g > 0 && r.nextBoolean() ? gt[r.nextInt(g)] : box(r, true);
                pred[k] = new float[] {base[0] + r.nextInt(-15, 16), base[1] + r.nextInt(-15, 16),
                    base[2] + r.nextInt(-15, 16), base[3] + r.nextInt(-15, 16)};
                System.arraycopy(pred[k], 0, predFlat, 4 * k, 4);
                conf[k] = r.nextInt(0, 101) / 100.0; // already in confidence order is not needed by the math
            }
            // CPU: the same matcher and reward assembly DetectionReward uses
            int[] mgt = new int[p];
            double[] miou = new double[p];
            GreedyMatch.match(p, g, (j, k) -> BoxIou.visualRft(
                    gt[j][0], gt[j][1], gt[j][2], gt[j][3], pred[k][0], pred[k][1], pred[k][2], pred[k][3]), 0, mgt, miou);
            double[] unmatched = new double[p];
            for (int k = 0; k < p; k++) {
                unmatched[k] = 1.0 - conf[k];
            }
            double[] iouOut = new double[1];
            double[] confOut = new double[1];
            DetectionMatch.rewards(p, g, 0, mgt, miou, conf, unmatched, iouOut, confOut, 0);
            double iouReward = iouOut[0];
            double confReward = confOut[0];
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment match = arena.allocate(ValueLayout.JAVA_INT, Math.max(p, 1));
                MemorySegment out = arena.allocate(ValueLayout.JAVA_DOUBLE, 2);
                int rc = (int) HostLib.DETECTION.invokeExact(p, g, arena.allocateFrom(ValueLayout.JAVA_FLOAT, predFlat),
                        arena.allocateFrom(ValueLayout.JAVA_DOUBLE, conf), arena.allocateFrom(ValueLayout.JAVA_FLOAT, gtFlat),
                        match, out);
                assertEquals(0, rc);
                for (int k = 0; k < p; k++) {
                    assertEquals(mgt[k], match.getAtIndex(ValueLayout.JAVA_INT, k), "trial " + trial + " pred " + k);
                }
                assertEquals(iouReward, out.getAtIndex(ValueLayout.JAVA_DOUBLE, 0), 0.0, "trial " + trial + " accuracy_iou");
                assertEquals(confReward, out.getAtIndex(ValueLayout.JAVA_DOUBLE, 1), 0.0, "trial " + trial + " accuracy_confidence");
            }
        }
    }
}
