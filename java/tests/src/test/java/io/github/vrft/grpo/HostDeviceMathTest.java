package io.github.vrft.grpo;

import io.github.vrft.backend.device.LossStruct;
import io.github.vrft.cli.GrpoDocument;
import com.fasterxml.jackson.databind.JsonNode;
import io.github.vrft.nativehost.HostLib;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The CUDA kernels' device math (cuda/include/vrft_math.h), built for the host and run through FFM, against
 * golden/grpo_cases.json with the docs/grpo.md §13 tolerances: the same per-item code the kernels run, on every
 * machine. Skipped, visibly, where no C compiler built libvrft_host.so, and for the modes the kernels do not
 * cover (they run on the CPU backend).
 */
class HostDeviceMathTest {

    @TestFactory
    Stream<DynamicTest> lossMatchesTheGoldenCases() throws Exception {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode c : GrpoGoldenTest.cases()) {
            tests.add(DynamicTest.dynamicTest(c.get("name").asText(), () -> {
                assumeTrue(HostLib.available(), HostLib::why);
                assumeFalse(c.get("inputs").has("logits"), "logits case");
                assumeFalse(c.get("flags").toString().contains("float64_only"), "float64_only");
                GrpoDocument.Parsed p = GrpoDocument.parse(c, null);
                TokenBatch b = p.batch();
                Optional<DeviceLossConfig> cfg = DeviceLossConfig.of(p.options(), b.rows, b.cols);
                assumeTrue(cfg.isPresent(), "mode runs on the CPU backend, not on the device");
                int n = b.rows * b.cols;
                try (Arena arena = Arena.ofConfined()) {
                    MemorySegment cs = LossStruct.of(arena, cfg.get());
                    MemorySegment mask = arena.allocate(Math.max(n, 1));
                    for (int k = 0; k < n; k++) {
                        mask.set(ValueLayout.JAVA_BYTE, k, (byte) (b.mask[k] ? 1 : 0));
                    }
                    MemorySegment grad = arena.allocate(ValueLayout.JAVA_FLOAT, Math.max(n, 1));
                    MemorySegment ptl = arena.allocate(ValueLayout.JAVA_FLOAT, Math.max(n, 1));
                    MemorySegment kl = arena.allocate(ValueLayout.JAVA_FLOAT, Math.max(n, 1));
                    MemorySegment sums = arena.allocate(ValueLayout.JAVA_DOUBLE, DeviceLossConfig.PARTIALS);
                    MemorySegment rowCounts = arena.allocate(ValueLayout.JAVA_INT, 2L * Math.max(b.rows, 1));
                    int rc = (int) HostLib.LOSS.invokeExact(cs, floats(arena, b.logp), floats(arena, b.oldLogp),
                            floats(arena, b.refLogp), floats(arena, b.isWeights), mask, floats(arena, b.advantages),
                            grad, ptl, kl, sums, rowCounts);
                    assertEquals(0, rc);
                    JsonNode out = c.get("outputs");
                    String name = c.get("name").asText();
                    GrpoGoldenTest.assertArray(out.get("grad_logp"), grad.toArray(ValueLayout.JAVA_FLOAT), name + " grad_logp");
                    GrpoGoldenTest.assertArray(out.get("per_token_loss"), ptl.toArray(ValueLayout.JAVA_FLOAT), name + " per_token_loss");
                    if (out.has("per_token_kl")) {
                        GrpoGoldenTest.assertArray(out.get("per_token_kl"), kl.toArray(ValueLayout.JAVA_FLOAT), name + " per_token_kl");
                    }
                    LossResult r = cfg.get().result(b, sums.toArray(ValueLayout.JAVA_DOUBLE),
                            rowCounts.toArray(ValueLayout.JAVA_INT), grad.toArray(ValueLayout.JAVA_FLOAT),
                            ptl.toArray(ValueLayout.JAVA_FLOAT), kl.toArray(ValueLayout.JAVA_FLOAT));
                    double loss = GrpoDocument.number(out.get("loss"), "loss");
                    assertEquals(loss, r.loss(), 1e-5 * r.lossAbsSum() + 1e-7, name + " loss");
                    JsonNode metrics = out.get("metrics");
                    assertEquals(metrics.size(), r.metrics().size(), name + " metric names " + r.metrics().keySet());
                    metrics.fields().forEachRemaining(e -> {
                        double want = GrpoDocument.number(e.getValue(), e.getKey());
                        Double got = r.metrics().get(e.getKey());
                        assertTrue(got != null, name + ": missing metric " + e.getKey());
                        assertTrue(Double.isNaN(want) ? Double.isNaN(got) : Math.abs(got - want) <= 1e-5 * Math.max(1, Math.abs(want)),
                                name + " metric " + e.getKey() + ": " + got + " vs " + want);
                    });
                }
            }));
        }
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> advantagesMatchTheGoldenCases() throws Exception {
        String[][] flavours = {{"trl_group", "1"}, {"trl_none", "3"}, {"verl", "4"}, {"verl_no_std", "5"},
            {"openrlhf_group_norm", "7"}, {"openrlhf_dr_grpo", "8"}};
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode c : GrpoGoldenTest.cases()) {
            tests.add(DynamicTest.dynamicTest(c.get("name").asText(), () -> {
                assumeTrue(HostLib.available(), HostLib::why);
                JsonNode in = c.get("inputs");
                int n = in.get("rewards").size();
                float[] r = new float[n];
                int[] ids = new int[n];
                for (int i = 0; i < n; i++) {
                    r[i] = (float) GrpoDocument.number(in.get("rewards").get(i), "reward");
                    ids[i] = in.get("group_ids").get(i).asInt();
                }
                Groups g = Groups.ofIds(ids);
                for (String[] f : flavours) {
                    try (Arena arena = Arena.ofConfined()) {
                        MemorySegment rs = floats(arena, r);
                        MemorySegment adv = arena.allocate(ValueLayout.JAVA_FLOAT, n);
                        for (int k = 0; k < g.count(); k++) {
                            int[] idx = new int[g.groupSize(k)];
                            for (int j = 0; j < idx.length; j++) {
                                idx[j] = g.member(k, j);
                            }
                            HostLib.GROUP.invokeExact(Integer.parseInt(f[1]), idx.length,
                                    arena.allocateFrom(ValueLayout.JAVA_INT, idx), rs, adv);
                        }
                        JsonNode exp = c.get("advantages_all_flavors").get(f[0]);
                        for (int i = 0; i < n; i++) {
                            double b = GrpoDocument.number(exp.get(i), "adv");
                            double a = adv.getAtIndex(ValueLayout.JAVA_FLOAT, i);
                            String what = c.get("name").asText() + " " + f[0] + "[" + i + "]";
                            assertTrue(Double.isNaN(b) ? Double.isNaN(a) : Math.abs(a - b) <= 1e-5 + 1e-5 * Math.abs(b),
                                    what + ": " + a + " vs " + b);
                        }
                    }
                }
            }));
        }
        return tests.stream();
    }

    private static MemorySegment floats(Arena arena, float[] v) {
        return v == null ? MemorySegment.NULL : arena.allocateFrom(ValueLayout.JAVA_FLOAT, v);
    }
}
