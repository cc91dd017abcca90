package io.github.vrft.backend;

import io.github.vrft.grpo.FusedLinearLogProbs;
import io.github.vrft.grpo.FusedLinearLogProbsTest;
import io.github.vrft.grpo.LogitsLogProbs;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A device's fused linear log-prob (cuBLAS GEMMs around the log-softmax kernels) against the CPU's
 * {@link FusedLinearLogProbs}: both compute the products in float32 in their own order, so logp agrees within 1e-5
 * and each gradient within 1e-5 of its array's largest entry (docs/grpo.md §15), across several chunks, with a bias,
 * masked positions whose hidden states hold NaN (they must add nothing), and vocabularies that are not multiples of a
 * block; arguments are checked before anything native runs, and device memory is where it was after many calls.
 * A GPU test class implements it beside its {@link BackendContract}; the tests are skipped, saying why, where the
 * backend's BLAS library is not loaded.
 */
public interface FusedLinearContract {
    /** The device path under test. */
    FusedLinearBackend device();

    /** Null where the backend's BLAS library is loaded, else why not (the fused linear tests are then skipped). */
    String blasUnavailable();

    /** A second instance of the backend under test (closed by the caller): it reads device memory during a call. */
    Backend openAnother();

    /** The cuBLAS library the backend's fused linear path loads (a path or a soname), for the emulation's counts. */
    String cublasLibrary();

    /**
     * An instance makes one cuBLAS handle for all its fused linear calls and destroys it when it is closed (counted by
     * the emulated cuBLAS, so on the emulation only).
     */
    @Test
    default void fusedLinearKeepsOneCublasHandlePerInstanceAndDestroysItAtClose() {
        assumeTrue(blasUnavailable() == null, this::blasUnavailable);
        assumeTrue(Emulation.active(), "counts the emulated cuBLAS's handles");
        long before = Emulation.cublasLiveHandles(cublasLibrary());
        try (Backend other = openAnother()) {
            FusedLinearBackend f = (FusedLinearBackend) other;
            for (int k = 0; k < 3; k++) {
                LogitsLogProbs.Forward fw = f.fusedLinearForward(new float[6], new float[12], null, 3, new int[] {0, 3},
                        null, 1f, 1);
                f.fusedLinearBackward(new float[6], new float[12], null, 3, new int[] {0, 3}, null, 1f, 1, fw,
                        new float[] {1, -1});
                assertEquals(before + 1, Emulation.cublasLiveHandles(cublasLibrary()), "live handles after call " + k);
            }
        }
        assertEquals(before, Emulation.cublasLiveHandles(cublasLibrary()), "live handles after close");
    }

    @Test
    default void fusedLinearMatchesTheCpuAcrossChunksWithABiasAndMaskedPositions() {
        assumeTrue(blasUnavailable() == null, this::blasUnavailable);
        for (boolean bias : new boolean[] {false, true}) {
            int h = 24;
            FusedLinearLogProbsTest.Case c = FusedLinearLogProbsTest.random(bias ? 31 : 32, 45, h,
                    Emulation.size(32_771, 1_027), bias, true);
            float[] x = c.x();
            int[] tokens = c.tokens();
            boolean[] mask = c.mask();
            int n = tokens.length;
            for (int i = 0; i < n; i++) {
                if (!mask[i]) {
                    x[i * h] = Float.NaN; // a masked position's hidden state is not read into anything
                }
            }
            LogitsLogProbs.Forward cpu = FusedLinearLogProbs.forward(x, c.w(), c.b(), h, tokens, mask, 0.7f, 16);
            LogitsLogProbs.Forward dev = device().fusedLinearForward(x, c.w(), c.b(), h, tokens, mask, 0.7f, 16);
            for (int i = 0; i < n; i++) {
                assertEquals(cpu.logp()[i], dev.logp()[i], 1e-5, "logp " + i);
            }
            FusedLinearLogProbs.Gradients gc = FusedLinearLogProbs.backward(x, c.w(), c.b(), h, tokens, mask, 0.7f, 16,
                    cpu, c.g());
            FusedLinearLogProbs.Gradients gd = device().fusedLinearBackward(x, c.w(), c.b(), h, tokens, mask, 0.7f, 16, dev,
                    c.g());
            FusedLinearLogProbsTest.assertClose(gc.hidden(), gd.hidden(), "∂hidden");
            FusedLinearLogProbsTest.assertClose(gc.weight(), gd.weight(), "∂W");
            if (bias) {
                FusedLinearLogProbsTest.assertClose(gc.bias(), gd.bias(), "∂b");
            } else {
                assertNull(gd.bias());
            }
            for (int i = 0; i < n; i++) {
                for (int k = 0; !mask[i] && k < h; k++) {
                    assertEquals(0f, gd.hidden()[i * h + k], 0f, "masked ∂hidden row " + i);
                }
            }
        }
    }

    /**
     * A step (inputs uploaded once for its forward and backward) gives what the stateless calls give, bit for bit
     * (the same GEMMs and kernels on the same values), whatever the caller's arrays do after it is opened; its
     * backward runs twice alike; closing it returns the device memory; a closed step, or one whose backend was
     * closed under it, refuses calls; an empty batch gets a step too.
     */
    @Test
    default void fusedLinearStepUploadsOnceAndGivesTheStatelessResults() {
        assumeTrue(blasUnavailable() == null, this::blasUnavailable);
        int h = 24;
        FusedLinearLogProbsTest.Case c = FusedLinearLogProbsTest.random(37, 45, h, Emulation.size(32_771, 1_027), true,
                true);
        LogitsLogProbs.Forward f0 = device().fusedLinearForward(c.x(), c.w(), c.b(), h, c.tokens(), c.mask(), 0.7f, 16);
        FusedLinearLogProbs.Gradients g0 = device().fusedLinearBackward(c.x(), c.w(), c.b(), h, c.tokens(), c.mask(),
                0.7f, 16, f0, c.g());
        long before = device().deviceMemoryInUse();
        float[] x = c.x().clone();
        float[] w = c.w().clone();
        FusedLinearStep step = device().openFusedLinearStep(x, w, c.b(), h, c.tokens(), c.mask(), 0.7f, 16);
        java.util.Arrays.fill(x, Float.NaN); // the step holds its own copies
        java.util.Arrays.fill(w, Float.NaN);
        LogitsLogProbs.Forward f = step.forward();
        assertArrayEquals(f0.logp(), f.logp(), 0f, "logp");
        assertArrayEquals(f0.logSumExp(), f.logSumExp(), 0.0, "lse");
        for (int k = 0; k < 2; k++) {
            FusedLinearLogProbs.Gradients g = step.backward(f, c.g());
            assertArrayEquals(g0.hidden(), g.hidden(), 0f, "∂hidden, backward " + k);
            assertArrayEquals(g0.weight(), g.weight(), 0f, "∂W, backward " + k);
            assertArrayEquals(g0.bias(), g.bias(), 0f, "∂b, backward " + k);
        }
        String m = assertThrows(IllegalArgumentException.class, () -> step.backward(f, new float[3])).getMessage();
        assertTrue(m.startsWith("gradLogp"), m);
        step.close();
        step.close();
        assertEquals(before, device().deviceMemoryInUse(), "device memory after the step closed");
        assertThrows(IllegalStateException.class, step::forward);

        FusedLinearStep orphan;
        try (Backend other = openAnother()) {
            orphan = ((FusedLinearBackend) other).openFusedLinearStep(c.x(), c.w(), c.b(), h, c.tokens(), c.mask(),
                    0.7f, 16);
            assertArrayEquals(f0.logp(), orphan.forward().logp(), 0f, "logp through a second instance");
        }
        assertThrows(IllegalStateException.class, orphan::forward, "a step whose backend was closed");
        orphan.close();
        if (Emulation.active()) { // the emulation's device memory is this process's alone
            assertEquals(before, device().deviceMemoryInUse(), "device memory after the second instance closed");
        }

        try (FusedLinearStep empty = device().openFusedLinearStep(new float[0], c.w(), null, h, new int[0], null, 0.7f,
                16)) {
            assertEquals(0, empty.forward().logp().length);
            assertEquals(c.w().length, empty.backward(new LogitsLogProbs.Forward(new float[0], new double[0]),
                    new float[0]).weight().length);
        }
    }

    /** A weight larger than one copy slice of the Panama binding (4 MiB): 40,009 × 64 floats, 10.2 MB, and its ∂W. */
    @Test
    default void fusedLinearMovesAWeightOfSeveralCopySlicesWhole() {
        assumeTrue(blasUnavailable() == null, this::blasUnavailable);
        int h = 64;
        FusedLinearLogProbsTest.Case c = FusedLinearLogProbsTest.random(35, 5, h, 40_009, false, false);
        LogitsLogProbs.Forward cpu = FusedLinearLogProbs.forward(c.x(), c.w(), null, h, c.tokens(), null, 0.7f, 2);
        LogitsLogProbs.Forward dev = device().fusedLinearForward(c.x(), c.w(), null, h, c.tokens(), null, 0.7f, 2);
        for (int i = 0; i < c.tokens().length; i++) {
            assertEquals(cpu.logp()[i], dev.logp()[i], 1e-5, "logp " + i);
        }
        FusedLinearLogProbs.Gradients gc = FusedLinearLogProbs.backward(c.x(), c.w(), null, h, c.tokens(), null, 0.7f, 2,
                cpu, c.g());
        FusedLinearLogProbs.Gradients gd = device().fusedLinearBackward(c.x(), c.w(), null, h, c.tokens(), null, 0.7f, 2,
                dev, c.g());
        FusedLinearLogProbsTest.assertClose(gc.hidden(), gd.hidden(), "∂hidden");
        FusedLinearLogProbsTest.assertClose(gc.weight(), gd.weight(), "∂W");
    }

    @Test
    default void fusedLinearRejectsBadArgumentsAndBalancesDeviceMemory() {
        assumeTrue(blasUnavailable() == null, this::blasUnavailable);
        String m = assertThrows(IllegalArgumentException.class, () -> device().fusedLinearForward(new float[6], new float[12],
                null, 3, new int[] {0, 9}, null, 1f, 4)).getMessage();
        assertTrue(m.startsWith("tokens[1]"), m);
        device().fusedLinearForward(new float[6], new float[12], new float[4], 3, new int[] {0, 3}, null, 1f, 1); // warm-up
        long before = device().deviceMemoryInUse();
        for (int k = 0; k < 20; k++) {
            LogitsLogProbs.Forward f = device().fusedLinearForward(new float[6], new float[12], new float[4], 3, new int[] {0, 3},
                    null, 1f, 1);
            device().fusedLinearBackward(new float[6], new float[12], new float[4], 3, new int[] {0, 3}, null, 1f, 1, f,
                    new float[] {1, -1});
        }
        assertEquals(before, device().deviceMemoryInUse(), "device memory in use after 20 fused calls");
    }

    /**
     * Issue 19's memory claim on the device: while a forward and a backward run, the device's memory in use (read
     * every 100 µs through a second instance, so that the reads do not wait for the calls) rises by no more than the
     * inputs, the outputs and one chunk of {@code chunkRows × V} logits (plus the small per-row vectors, and on a real
     * device cuBLAS's workspace and the allocator's page rounding), far below the materialized logits; and it rises
     * by at least the chunk, so the polling saw the call.
     */
    @Test
    default void fusedLinearHoldsOneChunkOfLogitsBeyondItsInputsAndOutputs() throws Exception {
        assumeTrue(blasUnavailable() == null, this::blasUnavailable);
        int n = Emulation.size(2_048, 96);
        int h = Emulation.size(64, 16);
        int vocab = Emulation.size(151_936, 4_099);
        int chunk = Emulation.size(64, 8);
        FusedLinearLogProbsTest.Case c = FusedLinearLogProbsTest.random(7, n, h, vocab, true, false);
        long inputs = 4L * (n * h + (long) vocab * h + vocab + n);
        long outputs = 4L * n + 8L * n + 4L * (n * h + (long) vocab * h + vocab);
        long perRow = 16L * n + 4L * chunk; // log-sum-exp and ∂L/∂logp uploaded for the backward, the ones of ∂b
        long chunkBytes = 4L * chunk * vocab;
        long slack = Emulation.active() ? 64 << 10 : 96L << 20;
        LogitsLogProbs.Forward warm = device().fusedLinearForward(c.x(), c.w(), c.b(), h, c.tokens(), null, 0.7f, chunk);
        device().fusedLinearBackward(c.x(), c.w(), c.b(), h, c.tokens(), null, 0.7f, chunk, warm, c.g());
        try (Backend second = openAnother()) {
            FusedLinearBackend probe = (FusedLinearBackend) second;
            long before = probe.deviceMemoryInUse();
            AtomicLong peak = new AtomicLong(before);
            Thread poll = Thread.ofPlatform().daemon().start(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    peak.accumulateAndGet(probe.deviceMemoryInUse(), Math::max);
                    LockSupport.parkNanos(100_000);
                }
            });
            try {
                LogitsLogProbs.Forward f = device().fusedLinearForward(c.x(), c.w(), c.b(), h, c.tokens(), null, 0.7f,
                        chunk);
                device().fusedLinearBackward(c.x(), c.w(), c.b(), h, c.tokens(), null, 0.7f, chunk, f, c.g());
            } finally {
                poll.interrupt();
                poll.join();
            }
            long rise = peak.get() - before;
            long bound = inputs + outputs + perRow + chunkBytes + slack;
            System.out.printf("%s fused linear N %d, H %d, V %d, chunk %d: device memory rose by %d B; inputs %d, "
                    + "outputs %d, the chunk %d, materialized logits %d%n", Emulation.where("device"), n, h, vocab, chunk,
                    rise, inputs, outputs, chunkBytes, 4L * n * vocab);
            assertTrue(rise >= chunkBytes, "the polling saw the call: rose by " + rise + " B");
            assertTrue(rise <= bound, "device memory rose by " + rise + " B, more than inputs + outputs + one chunk ("
                    + bound + " B)");
        }
    }
}
