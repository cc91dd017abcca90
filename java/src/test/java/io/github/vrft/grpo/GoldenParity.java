package io.github.vrft.grpo;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.function.BiFunction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A GPU backend against the CPU backend on every golden loss case (logits and float64_only cases aside):
 * the loss within spec §13, the gradient and per-token loss elementwise, every metric.
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
            assertEquals(cpu.loss(), gpu.loss(), 1e-5 * cpu.lossAbsSum() + 1e-7, name + " loss");
            assertClose(cpu.gradLogp(), gpu.gradLogp(), name + " grad");
            assertClose(cpu.perTokenLoss(), gpu.perTokenLoss(), name + " per-token loss");
            for (String m : cpu.metrics().keySet()) {
                double e = cpu.metrics().get(m);
                double a = gpu.metrics().get(m);
                assertTrue(Double.isNaN(e) ? Double.isNaN(a) : Math.abs(e - a) <= 1e-5 * Math.max(1, Math.abs(e)),
                        name + " metric " + m + ": " + a + " vs " + e);
            }
        }
    }

    /** Spec §13 arrays: |a − b| ≤ 1e-4·|b| + 1e-5·max|b|. */
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
