package io.github.vrft.backend;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CrossoverTest {
    private static final long[] SIZES = {64, 256, 1024, 4096};

    @Test
    void theCrossoverIsWhereTheGpuWinsFromThenOn() {
        assertEquals(1024, Crossover.crossoverOf(SIZES, new double[] {1, 4, 16, 64}, new double[] {10, 10, 12, 13}));
        // a win at a small size that is lost again later does not count
        assertEquals(4096, Crossover.crossoverOf(SIZES, new double[] {1, 4, 16, 64}, new double[] {0.5, 10, 20, 13}));
        assertEquals(64, Crossover.crossoverOf(SIZES, new double[] {5, 6, 7, 8}, new double[] {1, 1, 1, 1}));
        assertEquals(Crossover.NEVER, Crossover.crossoverOf(SIZES, new double[] {1, 2, 3, 4}, new double[] {1, 2, 3, 4}));
        assertThrows(IllegalArgumentException.class, () -> Crossover.crossoverOf(SIZES, new double[3], new double[4]));
    }

    @Test
    void gpuForIsFromTheCrossoverOn() {
        assertFalse(Crossover.gpuFor(1024, 1023));
        assertTrue(Crossover.gpuFor(1024, 1024));
        assertFalse(Crossover.gpuFor(Crossover.NEVER, Long.MAX_VALUE - 1));
    }

    @Test
    void savesAndLoads(@TempDir Path dir) throws Exception {
        Crossover c = new Crossover("NVIDIA H100 80GB HBM3", 1024, 256, Crossover.NEVER, 65536, "measured in 2.0 s");
        Path f = dir.resolve("crossover.properties");
        c.save(f);
        Crossover back = Crossover.load(f);
        assertEquals(c.device(), back.device());
        assertEquals(1024, back.rewardStep());
        assertEquals(256, back.pairwiseIou());
        assertEquals(Crossover.NEVER, back.advantages());
        assertEquals(65536, back.lossTokens());
        assertTrue(back.summary().contains("advantages never"), back.summary());
        Files.writeString(f, "reward_step=12\npairwise_iou=x\nadvantages=1\nloss_tokens=1\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Crossover.load(f));
        assertEquals(f + ": pairwise_iou must be a size or 'never', got 'x'", e.getMessage());
    }
}
