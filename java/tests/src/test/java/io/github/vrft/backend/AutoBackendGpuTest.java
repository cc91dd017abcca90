package io.github.vrft.backend;

import io.github.vrft.grpo.AdvantageFlavor;
import io.github.vrft.grpo.Groups;
import io.github.vrft.grpo.GoldenParity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** auto with a usable GPU backend (a GPU, or the host emulation): it measures a crossover and gives the CPU's numbers. */
@EnabledIf("gpu")
class AutoBackendGpuTest {
    static boolean gpu() {
        boolean any = io.github.vrft.backend.jcuda.JCudaProbe.status().available()
                || io.github.vrft.backend.panama.PanamaProbe.status().available();
        if (!any) {
            System.out.println("AutoBackendGpuTest skipped: no GPU backend is usable");
        }
        return any;
    }

    @Test
    void measuresACrossoverAndMatchesTheCpu() {
        try (AutoBackend auto = (AutoBackend) Backends.open("auto")) {
            Crossover c = auto.crossover();
            assertNotNull(c);
            System.out.println("AutoBackendGpuTest on " + Emulation.where(c.device()) + ": " + auto.describe());
            assertTrue(auto.describe().contains("panama from it"), auto.describe());
            if (Emulation.active()) {
                // one core running every GPU thread as a fiber never beats the CPU backend where the fixed cost of a
                // call counts; at the largest batch both do the same matching work, and a busy moment of the CPU side
                // once let the emulation tie it there (CI, 2026-12-07: "reward step 16384")
                long largest = Crossover.BATCHES[Crossover.BATCHES.length - 1];
                assertTrue(c.rewardStep() >= largest, c.summary());
            }
            float[] rewards = {1, 0, 2, 2, 0.5f, 1, 3, 0};
            Groups g = Groups.contiguous(8, 4);
            float[] cpu = new CpuBackend().groupAdvantages(rewards, g, AdvantageFlavor.TRL_GROUP);
            GoldenParity.assertWithinOneUlp(cpu, auto.groupAdvantages(rewards, g, AdvantageFlavor.TRL_GROUP), "advantages");
        }
    }
}
