package io.github.vrft.grpo;

import io.github.vrft.cli.GrpoDocument;
import com.fasterxml.jackson.databind.JsonNode;

import java.util.function.BiFunction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A GPU backend against the CPU backend on every golden loss case (logits and float64_only cases aside).
 * Both compute in double from the same float32 inputs and round once, so the per-token arrays agree within
 * one float32 ulp ({@link #assertWithinOneUlp}) and the double loss and metrics to 1e-12 relative (the sums
 * differ only in their order).
 */
public final class GoldenParity {
    private GoldenParity() {}

    public static void check(BiFunction<TokenBatch, LossOptions, LossResult> backend) throws Exception {
        for (JsonNode c : GrpoGoldenTest.cases()) {
            if (c.get("inputs").has("logits") || c.get("flags").toString().contains("float64_only")) {
                continue;
            }
            GrpoDocument.Parsed p = GrpoDocument.parse(c, null);
            LossResult cpu = PolicyLoss.compute(p.batch(), p.options());
            LossResult gpu = backend.apply(p.batch(), p.options());
            String name = c.get("name").asText();
            assertEquals(cpu.loss(), gpu.loss(), 1e-12 * cpu.lossAbsSum(), name + " loss");
            assertWithinOneUlp(cpu.gradLogp(), gpu.gradLogp(), name + " grad");
            assertWithinOneUlp(cpu.perTokenLoss(), gpu.perTokenLoss(), name + " per-token loss");
            for (String m : cpu.metrics().keySet()) {
                double e = cpu.metrics().get(m);
                double a = gpu.metrics().get(m);
                assertTrue(Double.isNaN(e) ? Double.isNaN(a) : Math.abs(e - a) <= 1e-12 * Math.max(1, Math.abs(e)),
                        name + " metric " + m + ": " + a + " vs " + e);
            }
        }
    }

    /** Device against CPU: each element within one float32 ulp of the CPU's, NaN where the CPU has NaN. */
    public static void assertWithinOneUlp(float[] cpu, float[] dev, String what) {
        assertEquals(cpu.length, dev.length, what + " length");
        for (int k = 0; k < cpu.length; k++) {
            if (Float.isNaN(cpu[k])) {
                assertTrue(Float.isNaN(dev[k]), what + " [" + k + "]: NaN expected, got " + dev[k]);
            } else {
                assertEquals(cpu[k], dev[k], Math.ulp(cpu[k]), what + " [" + k + "]");
            }
        }
    }

    /** Float32 reference arrays (docs/grpo.md, "Tolerances"): |a − b| ≤ 1e-4·|b| + 1e-5·max|b|. */
    public static void assertClose(float[] cpu, float[] gpu, String what) {
        assertEquals(cpu.length, gpu.length, what + " length");
        double max = 0;
        for (float v : cpu) {
            max = Math.max(max, Math.abs(v));
        }
        for (int k = 0; k < cpu.length; k++) {
            assertEquals(cpu[k], gpu[k], 1e-4 * Math.abs(cpu[k]) + 1e-5 * max, what + " [" + k + "]");
        }
    }
}
