package io.github.vrft.backend.panama;

import io.github.vrft.backend.Emulation;
import io.github.vrft.grpo.FusedLinearLogProbs;
import io.github.vrft.grpo.FusedLinearLogProbsTest;
import io.github.vrft.grpo.LogitsLogProbs;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fused linear log-prob on the device (cuBLAS GEMMs through FFM around the log-softmax kernels) against the CPU's
 * {@link FusedLinearLogProbs}: both compute the products in float32 in their own order, so logp agrees within 1e-5
 * and each gradient within 1e-5 of its array's largest entry (docs/grpo.md §15), across several chunks, with a bias,
 * masked positions whose hidden states hold NaN (they must add nothing), and vocabularies that are not multiples of a
 * block. Runs where a GPU and cuBLAS are usable, or on the CUDA host emulation with its emulated cuBLAS.
 */
@EnabledIf("usable")
class PanamaFusedLinearGpuTest {
    static boolean usable() {
        PanamaProbe.Status s = PanamaProbe.status();
        String why = !s.available() ? "panama backend " + s : Cublas.error();
        System.out.println(why == null ? "PanamaFusedLinearGpuTest runs on " + Emulation.where("CUDA device 0")
                + " with " + PanamaBackend.cublas() : "PanamaFusedLinearGpuTest skipped: " + why);
        return why == null;
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
    void matchesTheCpuAcrossChunksWithABiasAndMaskedPositions() {
        for (boolean bias : new boolean[] {false, true}) {
            int h = 24;
            FusedLinearLogProbsTest.Case c = FusedLinearLogProbsTest.random(bias ? 31 : 32, 45, h,
                    Emulation.size(32_771, 1_027), bias, true);
            float[] x = c.x();
            float[] w = c.w();
            float[] b = c.b();
            int[] tokens = c.tokens();
            boolean[] mask = c.mask();
            float[] g = c.g();
            int n = tokens.length;
            for (int i = 0; i < n; i++) {
                if (!mask[i]) {
                    x[i * h] = Float.NaN; // a masked position's hidden state is not read into anything
                }
            }
            LogitsLogProbs.Forward cpu = FusedLinearLogProbs.forward(x, w, b, h, tokens, mask, 0.7f, 16);
            LogitsLogProbs.Forward dev = backend.fusedLinearForward(x, w, b, h, tokens, mask, 0.7f, 16);
            for (int i = 0; i < n; i++) {
                assertEquals(cpu.logp()[i], dev.logp()[i], 1e-5, "logp " + i);
            }
            FusedLinearLogProbs.Gradients gc = FusedLinearLogProbs.backward(x, w, b, h, tokens, mask, 0.7f, 16, cpu, g);
            FusedLinearLogProbs.Gradients gd = backend.fusedLinearBackward(x, w, b, h, tokens, mask, 0.7f, 16, dev, g);
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

    @Test
    void badArgumentsAreRejectedBeforeAnythingNativeRuns() {
        String m = assertThrows(IllegalArgumentException.class, () -> backend.fusedLinearForward(new float[6],
                new float[12], null, 3, new int[] {0, 9}, null, 1f, 4)).getMessage();
        assertTrue(m.startsWith("tokens[1]"), m);
        long[] before = backend.memoryInfo();
        for (int k = 0; k < 20; k++) {
            LogitsLogProbs.Forward f = backend.fusedLinearForward(new float[6], new float[12], new float[4], 3,
                    new int[] {0, 3}, null, 1f, 1);
            backend.fusedLinearBackward(new float[6], new float[12], new float[4], 3, new int[] {0, 3}, null, 1f, 1, f,
                    new float[] {1, -1});
        }
        assertEquals(before[0], backend.memoryInfo()[0], "free device memory after 20 fused calls");
    }
}
