package io.github.vrft.backend.panama;

import io.github.vrft.grpo.GroupAdvantages;
import io.github.vrft.grpo.Groups;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;


import static org.junit.jupiter.api.Assertions.assertEquals;

/** The panama backend against the CPU backend; runs only where a GPU is usable (reported skipped elsewhere). */
@EnabledIf("gpu")
class PanamaBackendGpuTest {
    static boolean gpu() {
        PanamaProbe.Status s = PanamaProbe.status();
        if (!s.available()) {
            System.out.println("PanamaBackendGpuTest skipped: panama backend " + s);
        }
        return s.available();
    }

    private static PanamaBackend backend;

    @BeforeAll
    static void open() {
        backend = PanamaBackend.open();
    }

    @AfterAll
    static void close() {
        backend.close();
    }

    @Test
    void goldenLossCasesMatchTheCpu() throws Exception {
        io.github.vrft.grpo.GoldenParity.check(backend::policyLoss);
    }

    @Test
    void rewardStepMatchesTheCpuFormulas() {
        // two completions of one prompt: an exact box (IoU 1, confidence 0.9) and a miss (confidence 0.2)
        float[] gt = {10, 10, 110, 110, 10, 10, 110, 110};
        float[] pred = {10, 10, 110, 110, 500, 500, 600, 600};
        float[] conf = {0.9f, 0.2f};
        PanamaBackend.RewardStep s = backend.rewardStep(pred, conf, new long[] {0, 1, 2}, gt, new long[] {0, 1, 2},
                new float[] {1f, 0f}, Groups.contiguous(2, 2), 1 /* VRFT_ADV_TRL_GROUP */);
        assertEquals(1.0, s.iouReward()[0], 0.0);
        assertEquals(0.9, s.confidenceReward()[0], 1e-7);
        assertEquals(0.0, s.iouReward()[1], 0.0);
        assertEquals(0.8, s.confidenceReward()[1], 1e-7);
        float t0 = (1f + 0.9f) + 1f;
        float t1 = (0f + 0.8f) + 0f;
        assertEquals(t0, s.total()[0], 1e-6f);
        double[] a = GroupAdvantages.compute(new double[] {t0, t1}, Groups.contiguous(2, 2), io.github.vrft.grpo.AdvantageFlavor.TRL_GROUP);
        assertEquals((float) a[0], s.advantage()[0], 1e-5f);
    }
}
