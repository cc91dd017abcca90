package io.github.vrft.backend.panama;

import io.github.vrft.backend.Backend;
import io.github.vrft.backend.BackendContract;
import io.github.vrft.backend.Emulation;
import io.github.vrft.backend.FusedLinearBackend;
import io.github.vrft.backend.FusedLinearContract;
import io.github.vrft.box.PairwiseIou;
import io.github.vrft.grpo.AdvantageFlavor;
import io.github.vrft.grpo.GroupAdvantages;
import io.github.vrft.grpo.Groups;
import io.github.vrft.grpo.LossOptions;
import io.github.vrft.grpo.TokenBatch;
import io.github.vrft.grpo.TrlLossOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The panama backend against the CPU backend (the oracle): {@link BackendContract}, {@link FusedLinearContract}
 * (cuBLAS through FFM), its off-heap {@link MemorySegment} entry points, and device memory over many calls. Runs only where a GPU is usable or
 * on the CUDA host emulation (Maven's emulated-gpu run); reported skipped elsewhere.
 */
@EnabledIf("gpu")
class PanamaBackendGpuTest extends BackendContract implements FusedLinearContract {
    static boolean gpu() {
        PanamaProbe.Status s = PanamaProbe.status();
        System.out.println(s.available() ? "PanamaBackendGpuTest runs on " + Emulation.where("CUDA device 0")
                : "PanamaBackendGpuTest skipped: panama backend " + s);
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

    @Override
    protected Backend backend() {
        return backend;
    }

    @Override
    public FusedLinearBackend device() {
        return backend;
    }

    @Override
    public String blasUnavailable() {
        return Cublas.error();
    }

    @Override
    public Backend openAnother() {
        return PanamaBackend.open();
    }

    @Override
    public String cublasLibrary() {
        return Cublas.library();
    }

    @Test
    void offHeapSegmentsGoInAndOutAsTheyAre() {
        float[] a = {0, 0, 10, 10, 5, 5, 15, 15, 100, 100, 110, 120};
        long[] aOff = {0, 2, 3};
        float[] b = {0, 0, 10, 10, 100, 100, 110, 110, 0, 0, 1, 1};
        long[] bOff = {0, 1, 3};
        float[] rewards = {1, 0, 0.5f, 2, Float.NaN, 1};
        Groups g = Groups.contiguous(6, 3);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ValueLayout.JAVA_FLOAT, 4);
            backend.pairwiseIou(2, arena.allocateFrom(ValueLayout.JAVA_FLOAT, a), arena.allocateFrom(ValueLayout.JAVA_LONG, aOff),
                    arena.allocateFrom(ValueLayout.JAVA_FLOAT, b), arena.allocateFrom(ValueLayout.JAVA_LONG, bOff), out, 4);
            assertArrayEquals(PairwiseIou.compute(a, aOff, b, bOff), out.toArray(ValueLayout.JAVA_FLOAT), 0f);
            MemorySegment adv = arena.allocate(ValueLayout.JAVA_FLOAT, 6);
            backend.groupAdvantages(arena.allocateFrom(ValueLayout.JAVA_FLOAT, rewards), g, AdvantageFlavor.TRL_GROUP, adv);
            float[] cpu = GroupAdvantages.compute(rewards, g, AdvantageFlavor.TRL_GROUP);
            for (int i = 0; i < 6; i++) {
                assertEquals(cpu[i], adv.getAtIndex(ValueLayout.JAVA_FLOAT, i), Math.ulp(cpu[i]), "[" + i + "]");
            }
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> backend.pairwiseIou(2,
                    arena.allocateFrom(ValueLayout.JAVA_FLOAT, a), arena.allocateFrom(ValueLayout.JAVA_LONG, aOff),
                    arena.allocateFrom(ValueLayout.JAVA_FLOAT, b), arena.allocateFrom(ValueLayout.JAVA_LONG, bOff),
                    arena.allocate(ValueLayout.JAVA_FLOAT, 3), 4));
            assertEquals("out holds 12 bytes, needs 16", e.getMessage());
        }
    }

    @Test
    void manyCallsLeaveDeviceMemoryWhereTheyFoundIt() {
        TokenBatch b = io.github.vrft.grpo.RandomTokens.batch(4, 33, 9, 0.2);
        LossOptions o = TrlLossOptions.builder().beta(0.04).build();
        backend.policyLoss(b, o); // warm-up: the stream-ordered pool's first use
        long[] before = backend.memoryInfo();
        int calls = Emulation.size(100_000, 2_000);
        for (int i = 0; i < calls; i++) {
            backend.policyLoss(b, o);
        }
        long[] after = backend.memoryInfo();
        System.out.println("device memory after " + calls + " calls on " + Emulation.where("CUDA device 0") + ": free "
                + before[0] + " before, " + after[0] + " after, of " + after[1]);
        assertEquals(before[0], after[0], "free device memory");
    }
}
