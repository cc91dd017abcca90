package io.github.vrft.backend.panama;

import io.github.vrft.backend.Backend;
import io.github.vrft.backend.BackendContract;
import io.github.vrft.backend.Emulation;
import io.github.vrft.backend.FusedLinearBackend;
import io.github.vrft.backend.FusedLinearContract;
import io.github.vrft.box.PairwiseIou;
import io.github.vrft.grpo.AdvantageFlavor;
import io.github.vrft.grpo.GoldenParity;
import io.github.vrft.grpo.GroupAdvantages;
import io.github.vrft.grpo.Groups;
import io.github.vrft.grpo.LogitsLogProbs;
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
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

    /**
     * The off-heap logits methods against the CPU oracle within one float32 ulp (the array methods' contract): a
     * masked row with a padding id, the backward into a separate segment and in place over the logits, and the
     * arguments named before the downcall.
     */
    @Test
    void offHeapLogitsGoInAndOutAsTheyAreAndTheBackwardMayOverwriteThem() {
        int rows = 6;
        int vocab = 1_031;
        SplittableRandom r = new SplittableRandom(36);
        float[] x = new float[rows * vocab];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (r.nextGaussian() * 3);
        }
        int[] tokens = {5, -100, vocab - 1, 0, 17, 512};
        boolean[] mask = {true, false, true, true, true, true};
        float[] g = {1f, 2f, -0.5f, 0.25f, -1f, 3f};
        LogitsLogProbs.Forward cpu = LogitsLogProbs.forward(x, tokens, mask, vocab, 0.8f);
        float[] cpuGrad = LogitsLogProbs.backward(x, tokens, mask, vocab, 0.8f, cpu, g);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment logits = arena.allocateFrom(ValueLayout.JAVA_FLOAT, x);
            MemorySegment tok = arena.allocateFrom(ValueLayout.JAVA_INT, tokens);
            MemorySegment m = arena.allocate(rows);
            for (int i = 0; i < rows; i++) {
                m.set(ValueLayout.JAVA_BYTE, i, (byte) (mask[i] ? 1 : 0));
            }
            MemorySegment logp = arena.allocate(ValueLayout.JAVA_FLOAT, rows);
            MemorySegment lse = arena.allocate(ValueLayout.JAVA_DOUBLE, rows);
            backend.logitsForward(rows, vocab, 0.8f, logits, tok, m, logp, lse);
            GoldenParity.assertWithinOneUlp(cpu.logp(), logp.toArray(ValueLayout.JAVA_FLOAT), "logp");
            for (int i = 0; i < rows; i++) {
                double want = cpu.logSumExp()[i];
                assertEquals(want, lse.getAtIndex(ValueLayout.JAVA_DOUBLE, i),
                        Double.isFinite(want) ? 1e-12 * Math.max(1, Math.abs(want)) : 0, "lse[" + i + "]");
            }
            MemorySegment gl = arena.allocateFrom(ValueLayout.JAVA_FLOAT, g);
            MemorySegment grad = arena.allocate(ValueLayout.JAVA_FLOAT, (long) rows * vocab);
            backend.logitsBackward(rows, vocab, 0.8f, logits, tok, m, lse, gl, grad);
            GoldenParity.assertWithinOneUlp(cpuGrad, grad.toArray(ValueLayout.JAVA_FLOAT), "grad");
            backend.logitsBackward(rows, vocab, 0.8f, logits, tok, m, lse, gl, logits); // in place
            GoldenParity.assertWithinOneUlp(cpuGrad, logits.toArray(ValueLayout.JAVA_FLOAT), "grad in place");

            MemorySegment full = arena.allocateFrom(ValueLayout.JAVA_FLOAT, x);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> backend.logitsForward(rows,
                    vocab, 0.8f, full, tok, MemorySegment.NULL, logp, lse)); // row 1's padding id, now unmasked
            assertEquals("tokens[1]: -100 is not in [0, 1031)", e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> backend.logitsForward(rows, vocab, 0.8f,
                    full.asSlice(0, 4L * rows * vocab - 4), tok, m, logp, lse));
            assertEquals("logits holds 24740 bytes, needs 24744", e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> backend.logitsBackward(rows, vocab, 0.8f, full, tok,
                    m, lse, gl, arena.allocate(ValueLayout.JAVA_FLOAT, 3)));
            assertEquals("grad holds 12 bytes, needs 24744", e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> backend.logitsForward(rows, vocab, 0f, full, tok, m,
                    logp, lse));
            assertTrue(e.getMessage().startsWith("temperature"), e.getMessage());
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
