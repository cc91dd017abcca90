package io.github.vrft.reward;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.vrft.grpo.GroupAdvantages;
import io.github.vrft.grpo.Groups;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every VLM-R1 golden case (golden/vlm_r1_rewards.jsonl, made by running upstream's reward functions
 * unchanged) through the Java API, profile vlm-r1: every value within 1e-9 with the sign of zero kept, float32
 * totals exactly, and {@code {"raises": T}} as 0 with a diagnostic naming T.
 */
class VlmR1GoldenTest {
    private static final double TOL = 1e-9;
    private static final RewardScorer SCORER = new RewardScorer(RewardOptions.of(Profile.VLM_R1)
            .withExtraRewards(EnumSet.allOf(ExtraReward.class)));

    static List<JsonNode> cases() {
        return GoldenCases.load("/golden/vlm_r1_rewards.jsonl");
    }

    @Test
    void theGoldenFileHoldsTheDocumentedCases() {
        // docs/rewards.md §5 (the published subset): REC, OD, the text methods and one advantage group.
        List<JsonNode> all = cases();
        assertEquals(17, all.stream().filter(n -> n.get("task").asText().equals("rec")).count());
        assertEquals(32, all.stream().filter(n -> n.get("task").asText().equals("od")).count());
        assertEquals(10, all.stream().filter(n -> n.get("task").asText().startsWith("accuracy_")).count());
        assertEquals(1, all.stream().filter(n -> n.get("task").asText().equals("grpo_advantage")).count());
    }

    private static final Map<String, RecModel> REC_MODELS = Map.of(
            "qwen", RecModel.QWEN, "internvl", RecModel.INTERNVL, "glm", RecModel.GLM,
            "legacy_binary_0586aee", RecModel.LEGACY_BINARY);

    @TestFactory
    Stream<DynamicTest> recCases() {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode c : cases()) {
            if (!c.get("task").asText().equals("rec")) {
                continue;
            }
            for (Iterator<String> it = c.get("expected").fieldNames(); it.hasNext(); ) {
                String key = it.next();
                tests.add(DynamicTest.dynamicTest(c.get("id").asText() + " / " + key, () -> {
                    JsonNode in = c.get("inputs");
                    VlmR1Inputs inputs = VlmR1Inputs.rec(REC_MODELS.get(key), ints(in.get("image_size_wh")),
                            ints(in.get("image_grid_thw")));
                    RewardScore s = new RewardScorer(RewardOptions.of(Profile.VLM_R1))
                            .score(Task.REC, c.get("completion").asText(), c.get("solution").asText(), inputs);
                    JsonNode exp = c.get("expected").get(key);
                    String id = c.get("id").asText() + "/" + key;
                    assertClose(exp.get("accuracy"), s.value("accuracy"), id + ": accuracy");
                    assertClose(exp.get("format"), s.value("format"), id + ": format");
                    assertClose(exp.get("total"), s.total(), id + ": total");
                    assertEquals((float) GoldenCases.number(exp.get("total_f32")), s.totalF32(), 0f, id + ": total_f32");
                }));
            }
        }
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> odCases() {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode c : cases()) {
            if (!c.get("task").asText().equals("od")) {
                continue;
            }
            JsonNode exp = c.get("expected");
            for (Iterator<String> it = exp.get("accuracy").fieldNames(); it.hasNext(); ) {
                String method = it.next();
                tests.add(DynamicTest.dynamicTest(c.get("id").asText() + " / " + method, () -> {
                    String id = c.get("id").asText() + "/" + method;
                    RewardScore s = SCORER.score(Task.OD, c.get("completion").asText(), c.get("solution").asText(),
                            VlmR1Inputs.method(VlmR1Method.parse(method)));
                    JsonNode acc = exp.get("accuracy").get(method);
                    assertComponent(acc, s, "accuracy", id);
                    assertClose(exp.get("format"), s.value("format"), id + ": format");
                    assertComponent(exp.get("repetition"), s, "repetition", id);
                    assertComponent(exp.get("length_cosine"), s, "length_cosine", id);
                    JsonNode total = exp.get("total_accuracy_plus_format").get(method);
                    if (total != null) {
                        assertClose(total, s.value("accuracy") + s.value("format"), id + ": accuracy + format");
                    }
                }));
            }
            tests.add(DynamicTest.dynamicTest(c.get("id").asText() + " / legacy OVD format and token count", () -> {
                RewardScore s = SCORER.score(Task.OD, c.get("completion").asText(), c.get("solution").asText(),
                        VlmR1Inputs.method(VlmR1Method.OD_AP).withOvdLegacyFormat(true));
                assertClose(exp.get("format_ovd_legacy_5faf4b1"), s.value("format"), c.get("id").asText() + ": legacy format");
                assertEquals(exp.get("cosine_gen_len_whitespace_tokens").asInt(),
                        OdReward.split(c.get("completion").asText()).size(), "whitespace tokens");
                // completion_tokens given explicitly is what the cosine reward reads
                int tokens = exp.get("cosine_gen_len_whitespace_tokens").asInt();
                RewardScore t = SCORER.score(Task.OD, "x", c.get("solution").asText(),
                        VlmR1Inputs.method(VlmR1Method.OD_AP).withCompletionTokens(tokens));
                if (!exp.get("length_cosine").isObject()) {
                    assertClose(exp.get("length_cosine"), t.value("length_cosine"), c.get("id").asText() + ": cosine from tokens");
                }
            }));
        }
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> accuracyCases() {
        return cases().stream().filter(c -> c.get("task").asText().startsWith("accuracy_"))
                .map(c -> DynamicTest.dynamicTest(c.get("id").asText(), () -> {
                    JsonNode exp = c.get("expected");
                    String id = c.get("id").asText();
                    VlmR1Method method = VlmR1Method.parse(exp.get("accu_reward_method").asText());
                    RewardScore s = new RewardScorer(RewardOptions.of(Profile.VLM_R1)).score(Task.ACCURACY,
                            c.get("completion").asText(), c.get("solution").asText(), VlmR1Inputs.method(method));
                    assertClose(exp.get("gate_off").get("accuracy"), s.value("accuracy"), id + ": accuracy (gate off)");
                    assertClose(exp.get("format"), s.value("format"), id + ": format");
                    if (GoldenCases.number(exp.get("accuracy")) == GoldenCases.number(exp.get("gate_off").get("accuracy"))) {
                        assertClose(exp.get("total"), s.total(), id + ": total");
                        assertEquals((float) GoldenCases.number(exp.get("total_f32")), s.totalF32(), 0f, id + ": total_f32");
                    }
                    // The number emulation of math_verify agrees with upstream's math_verify on these cases.
                    RewardScore g = new RewardScorer(RewardOptions.of(Profile.VLM_R1).withMathVerifyGate(MathVerifyGate.FIRST_Y1))
                            .score(Task.ACCURACY, c.get("completion").asText(), c.get("solution").asText(), VlmR1Inputs.method(method));
                    assertClose(exp.get("accuracy"), g.value("accuracy"), id + ": accuracy (math_verify step)");
                }));
    }

    @Test
    void advantageGroup() {
        JsonNode c = cases().stream().filter(n -> n.get("task").asText().equals("grpo_advantage")).findFirst().orElseThrow();
        JsonNode in = c.get("inputs");
        Map<String, JsonNode> byId = new HashMap<>();
        cases().forEach(n -> byId.put(n.get("id").asText(), n));
        int n = in.get("rewards").size();
        float[] r = new float[n];
        for (int i = 0; i < n; i++) {
            r[i] = (float) in.get("rewards").get(i).asDouble();
            JsonNode k = byId.get(in.get("case_ids").get(i).asText());
            if (k != null) { // some cases are held back from the published file
                RewardScore s = new RewardScorer(RewardOptions.of(Profile.VLM_R1)).score(Task.OD,
                        k.get("completion").asText(), k.get("solution").asText(), VlmR1Inputs.method(VlmR1Method.OD_AP));
                assertEquals(in.get("rewards").get(i).asDouble(), s.total(), TOL, "reward of " + k.get("id").asText());
            }
        }
        float[] adv = GroupAdvantages.visualRft(r, Groups.contiguous(n, in.get("num_generations").asInt()));
        for (int i = 0; i < n; i++) {
            assertEquals(GoldenCases.number(c.get("expected").get("advantages").get(i)), adv[i], 1e-6, "advantage " + i);
        }
    }

    private static void assertComponent(JsonNode expected, RewardScore s, String name, String id) {
        if (expected.isObject() && expected.has("raises")) {
            String type = expected.get("raises").asText();
            assertEquals(0.0, s.value(name), 0.0, id + ": " + name + " where upstream raises");
            String why = s.diagnostics().get(name);
            assertTrue(why != null && why.contains("upstream raises " + type), id + ": " + name + " diagnostic: " + why);
            return;
        }
        assertClose(expected, s.value(name), id + ": " + name);
    }

    private static void assertClose(JsonNode expectedNode, double actual, String what) {
        double expected = GoldenCases.number(expectedNode);
        if (Double.isNaN(expected)) {
            assertTrue(Double.isNaN(actual), what + " expected NaN, got " + actual);
            return;
        }
        assertEquals(expected, actual, TOL, what);
        if (expected == 0) {
            assertEquals(1 / expected, 1 / actual, what + ": sign of zero");
        }
    }

    private static int[] ints(JsonNode a) {
        int[] out = new int[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.get(i).asInt();
        }
        return out;
    }
}
