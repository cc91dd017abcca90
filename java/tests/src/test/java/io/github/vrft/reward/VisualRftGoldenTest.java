package io.github.vrft.reward;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every Visual-RFT golden case (golden/visual_rft_rewards.jsonl, made by running upstream's reward functions
 * unchanged) through the Java API: float64 components within 1e-9, the float32 total exactly.
 */
class VisualRftGoldenTest {
    private static final double TOL = 1e-9;
    private static final RewardScorer GATE_OFF = new RewardScorer(RewardOptions.defaults());
    private static final RewardScorer GATE_FIRST_Y1 =
            new RewardScorer(RewardOptions.defaults().withMathVerifyGate(MathVerifyGate.FIRST_Y1));

    static Stream<JsonNode> rewardCases() {
        return GoldenCases.visualRft().stream().filter(n -> !n.path("task").asText().equals("grpo_advantage"));
    }

    @Test
    void theGoldenFileHoldsTheDocumentedCases() {
        // docs/rewards.md §5: 46 detection, 13 classification, 15 LISA and 6 advantage groups.
        List<JsonNode> all = GoldenCases.visualRft();
        assertEquals(46, all.stream().filter(n -> n.get("task").asText().equals("detection")).count());
        assertEquals(13, all.stream().filter(n -> n.get("task").asText().equals("classification")).count());
        assertEquals(15, all.stream().filter(n -> n.get("task").asText().equals("grounding_lisa")).count());
        assertEquals(6, all.stream().filter(n -> n.get("task").asText().equals("grpo_advantage")).count());
    }

    /** Gate off: every case must match {@code expected.gate_off}, and format must match {@code expected}. */
    @TestFactory
    Stream<DynamicTest> gateOffMatchesEveryCase() {
        return rewardCases().map(c -> DynamicTest.dynamicTest(c.get("id").asText(), () -> {
            Task task = Task.parse(c.get("task").asText());
            RewardScore s = GATE_OFF.score(task, c.get("completion").asText(), c.get("solution").asText());
            JsonNode exp = c.get("expected");
            JsonNode off = exp.get("gate_off");
            for (String comp : task.components()) {
                JsonNode e = comp.equals("format") ? exp.get("format") : off.get(comp);
                assertClose(GoldenCases.number(e), s.value(comp), c, comp);
            }
            assertClose(GoldenCases.number(off.get("total")), s.total(), c, "total");
            float expectedF32 = 0f;
            for (String comp : task.components()) {
                JsonNode e = comp.equals("format") ? exp.get("format") : off.get(comp);
                expectedF32 += (float) GoldenCases.number(e);
            }
            assertEquals(expectedF32, s.totalF32(), 0.0f, c.get("id").asText() + ": total_f32");
            if (!exp.get("math_verify_gate").asBoolean()) {
                // Where the gate did not fire upstream, the faithful total_f32 is the gate-off one.
                assertEquals((float) GoldenCases.number(exp.get("total_f32")), s.totalF32(), 0.0f,
                        c.get("id").asText() + ": expected.total_f32");
            }
        }));
    }

    /**
     * Gate first-y1: the gate decision and every value of {@code expected}. Spec §1.2 promises exactness for
     * canonical ", "-separated detection output; the emulation also agrees on every other golden case.
     */
    @TestFactory
    Stream<DynamicTest> firstY1GateMatchesExpected() {
        return rewardCases().map(c -> DynamicTest.dynamicTest(c.get("id").asText(), () -> assertFaithful(c)));
    }

    private static void assertFaithful(JsonNode c) {
        Task task = Task.parse(c.get("task").asText());
        RewardScore s = GATE_FIRST_Y1.score(task, c.get("completion").asText(), c.get("solution").asText());
        JsonNode exp = c.get("expected");
        assertEquals(exp.get("math_verify_gate").asBoolean(), s.gateFired(), c.get("id").asText() + ": gate");
        for (String comp : task.components()) {
            assertClose(GoldenCases.number(exp.get(comp)), s.value(comp), c, comp);
        }
        assertClose(GoldenCases.number(exp.get("total")), s.total(), c, "total");
        assertEquals((float) GoldenCases.number(exp.get("total_f32")), s.totalF32(), 0.0f, c.get("id").asText() + ": total_f32");
    }

    private static void assertClose(double expected, double actual, JsonNode c, String what) {
        String id = c.get("id").asText();
        if (Double.isNaN(expected)) {
            assertTrue(Double.isNaN(actual), id + ": " + what + " expected NaN, got " + actual);
            return;
        }
        assertEquals(expected, actual, TOL, id + ": " + what);
        if (expected == 0) {
            // -0.0 is kept in the golden data; so is its sign here.
            assertEquals(1 / expected, 1 / actual, id + ": sign of zero in " + what);
        }
    }
}
