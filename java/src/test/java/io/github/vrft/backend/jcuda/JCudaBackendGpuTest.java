package io.github.vrft.backend.jcuda;

import io.github.vrft.box.BoxIou;
import io.github.vrft.box.PairwiseIou;
import io.github.vrft.grpo.AdvantageFlavor;
import io.github.vrft.grpo.GroupAdvantages;
import io.github.vrft.grpo.Groups;
import io.github.vrft.grpo.LossOptions;
import io.github.vrft.grpo.LossResult;
import io.github.vrft.grpo.PolicyLoss;
import io.github.vrft.grpo.TokenBatch;
import io.github.vrft.grpo.TrlLossOptions;
import io.github.vrft.grpo.VerlLossOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The jcuda backend against the CPU backend (the oracle). Runs only where {@link JCudaProbe} finds a usable
 * GPU; elsewhere JUnit reports every test here as skipped, with the reason in the test output.
 */
@EnabledIf("gpu")
class JCudaBackendGpuTest {
    static boolean gpu() {
        JCudaProbe.Status s = JCudaProbe.status();
        if (!s.available()) {
            System.out.println("JCudaBackendGpuTest skipped: jcuda backend " + s);
        }
        return s.available();
    }

    private static JCudaBackend backend;

    @BeforeAll
    static void open() {
        backend = JCudaBackend.open();
    }

    @AfterAll
    static void close() {
        backend.close();
    }

    private static void assertClose(float[] cpu, float[] gpu, String what) {
        io.github.vrft.grpo.GoldenParity.assertClose(cpu, gpu, what);
    }

    @Test
    void goldenLossCasesMatchTheCpu() throws Exception {
        io.github.vrft.grpo.GoldenParity.check(backend::policyLoss);
    }

    @Test
    void randomShapesMatchTheCpu() {
        SplittableRandom r = new SplittableRandom(4);
        int[][] shapes = {{1, 1}, {3, 255}, {7, 257}, {64, 1000}, {2, 4096}, {4096, 4096}};
        LossOptions[] opts = {TrlLossOptions.builder().beta(0.04).build(),
            TrlLossOptions.builder().importanceSamplingLevel(TrlLossOptions.ImportanceSamplingLevel.SEQUENCE).build(),
            VerlLossOptions.builder().useKlLoss(true).lossAggMode(VerlLossOptions.LossAggMode.SEQ_MEAN_TOKEN_MEAN).build()};
        for (int[] s : shapes) {
            int rows = s[0];
            int cols = s[1];
            TokenBatch b = io.github.vrft.grpo.RandomTokens.batch(rows, cols, r.nextLong(), 0.2);
            for (LossOptions o : opts) {
                LossResult cpu = PolicyLoss.compute(b, o);
                LossResult gpu = backend.policyLoss(b, o);
                assertEquals(cpu.loss(), gpu.loss(), 1e-5 * cpu.lossAbsSum() + 1e-7, rows + "x" + cols + " loss");
                assertClose(cpu.gradLogp(), gpu.gradLogp(), rows + "x" + cols + " grad");
            }
        }
    }

    @Test
    void pairwiseIouAndAdvantagesMatchTheCpu() {
        SplittableRandom r = new SplittableRandom(5);
        int[] sizes = {0, 1, 3, 33, 4096};
        long[] off = new long[sizes.length + 1];
        for (int i = 0; i < sizes.length; i++) {
            off[i + 1] = off[i] + sizes[i];
        }
        float[] a = new float[(int) (4 * off[sizes.length])];
        for (int k = 0; k < a.length; k += 4) {
            a[k] = r.nextInt(0, 900);
            a[k + 1] = r.nextInt(0, 900);
            a[k + 2] = a[k] + r.nextInt(-10, 200);
            a[k + 3] = a[k + 1] + r.nextInt(-10, 200);
        }
        float[] out = backend.pairwiseIou(a, off, a, off);
        assertArrayEquals(PairwiseIou.compute(a, off, a, off), out, 0f, "the CPU op, element for element");
        int p = 0;
        for (int i = 0; i < sizes.length; i++) {
            for (long u = off[i]; u < off[i + 1]; u++) {
                for (long v = off[i]; v < off[i + 1]; v++) {
                    int iu = (int) (4 * u);
                    int iv = (int) (4 * v);
                    float cpu = (float) BoxIou.visualRft(a[iu], a[iu + 1], a[iu + 2], a[iu + 3], a[iv], a[iv + 1], a[iv + 2], a[iv + 3]);
                    assertEquals(cpu, out[p++], 0f, "sample " + i);
                }
            }
        }
        float[] rewards = new float[100_003];
        int[] ids = new int[rewards.length];
        for (int i = 0; i < rewards.length; i++) {
            rewards[i] = r.nextInt(0, 4);
            ids[i] = i / 8;
        }
        Groups g = Groups.ofIds(ids);
        for (AdvantageFlavor f : new AdvantageFlavor[] {AdvantageFlavor.TRL_GROUP, AdvantageFlavor.VERL, AdvantageFlavor.OPENRLHF}) {
            double[] rd = new double[rewards.length];
            for (int i = 0; i < rd.length; i++) {
                rd[i] = rewards[i];
            }
            double[] cpu = GroupAdvantages.compute(rd, g, f);
            float[] gpu = backend.groupAdvantages(rewards, g, f);
            for (int i = 0; i < rd.length; i++) {
                assertEquals((float) cpu[i], gpu[i], 1e-5 + 1e-5 * Math.abs(cpu[i]), f.id() + " [" + i + "]");
            }
        }
    }

    @Test
    void detectionRewardsMatchTheHostMathOnIntegerBoxes() {
        // The device runs vrft_detection_one; HostDetectionMathTest proves the same function equal to the CPU
        // matcher on integer boxes, so here the device must agree with that CPU computation too.
        SplittableRandom r = new SplittableRandom(6);
        int batch = 3000;
        long[] pOff = new long[batch + 1];
        long[] gOff = new long[batch + 1];
        for (int i = 0; i < batch; i++) {
            pOff[i + 1] = pOff[i] + r.nextInt(0, 13);
            gOff[i + 1] = gOff[i] + r.nextInt(0, 7);
        }
        float[] pred = new float[(int) (4 * pOff[batch])];
        float[] conf = new float[(int) pOff[batch]];
        float[] gt = new float[(int) (4 * gOff[batch])];
        for (int k = 0; k < gt.length; k += 4) {
            gt[k] = r.nextInt(0, 800);
            gt[k + 1] = r.nextInt(0, 800);
            gt[k + 2] = gt[k] + r.nextInt(1, 200);
            gt[k + 3] = gt[k + 1] + r.nextInt(1, 200);
        }
        for (int i = 0; i < batch; i++) {
            for (long k = pOff[i]; k < pOff[i + 1]; k++) {
                int q = (int) (4 * k);
                long g = gOff[i + 1] > gOff[i] ? gOff[i] + r.nextInt(0, (int) (gOff[i + 1] - gOff[i])) : -1;
                for (int c = 0; c < 4; c++) {
                    pred[q + c] = g >= 0 && r.nextBoolean() ? gt[(int) (4 * g) + c] + r.nextInt(-12, 13) : r.nextInt(0, 900);
                }
                conf[(int) k] = r.nextInt(0, 101) / 100f;
            }
        }
        JCudaBackend.DetectionResult d = backend.detectionRewards(pred, conf, pOff, gt, gOff);
        for (int i = 0; i < batch; i++) {
            int p0 = (int) pOff[i];
            int p = (int) (pOff[i + 1] - p0);
            int g0 = (int) gOff[i];
            int g = (int) (gOff[i + 1] - g0);
            boolean[] used = new boolean[g];
            double sIou = 0;
            double sConf = 0;
            for (int k = 0; k < p; k++) {
                double best = 0;
                int bj = -1;
                for (int j = 0; j < g; j++) {
                    if (used[j]) {
                        continue;
                    }
                    int a = 4 * (g0 + j);
                    int b = 4 * (p0 + k);
                    double v = BoxIou.visualRft(gt[a], gt[a + 1], gt[a + 2], gt[a + 3], pred[b], pred[b + 1], pred[b + 2], pred[b + 3]);
                    if (v > best) {
                        best = v;
                        bj = j;
                    }
                }
                if (best > 0.5) {
                    used[bj] = true;
                    sIou += best;
                    sConf += conf[p0 + k];
                } else {
                    bj = -1;
                    sConf += 1.0 - conf[p0 + k];
                }
                assertEquals(bj, d.matchedGt()[p0 + k], "completion " + i + " prediction " + k);
            }
            assertEquals(p == 0 ? 0 : Math.min(1, sIou / Math.max(g, p)), d.iouReward()[i], 0.0, "completion " + i);
            assertEquals(p == 0 ? 0 : Math.max(0, Math.min(1, sConf / p)), d.confidenceReward()[i], 0.0, "completion " + i);
        }
    }

    @Test
    void manyCallsLeaveDeviceMemoryWhereTheyFoundIt() {
        long before = DeviceBuffer.liveBuffers();
        TokenBatch b = TokenBatch.builder(4, 33).logp(new float[132]).mask(new boolean[132]).advantages(new float[4]).build();
        LossOptions o = TrlLossOptions.builder().build();
        for (int i = 0; i < 100_000; i++) {
            backend.policyLoss(b, o);
        }
        assertEquals(before, DeviceBuffer.liveBuffers());
        long[] free = {0};
        long[] total = {0};
        jcuda.driver.JCudaDriver.cuMemGetInfo(free, total);
        System.out.println("device memory after 1e5 calls: free " + free[0] + " of " + total[0]);
    }
}
