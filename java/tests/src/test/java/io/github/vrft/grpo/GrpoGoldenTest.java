package io.github.vrft.grpo;

import io.github.vrft.cli.GrpoDocument;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/**
 * Every case of golden/grpo_cases.json (made by an independent NumPy reference; see golden/README.md) with the
 * float32 tolerances of docs/grpo.md §13: the CPU path computes in double but writes per-token outputs as
 * float32. The logits cases go through {@link LogitsLogProbs}: logp from the logits (checked against the file's
 * logp), the loss, and the gradient with respect to the logits. Skipped, and reported skipped: float64_only cases
 * (float32 outputs overflow there).
 */
class GrpoGoldenTest {
    static final ObjectMapper JSON = new ObjectMapper();

    static JsonNode cases() throws IOException {
        try (InputStream in = GrpoGoldenTest.class.getResourceAsStream("/golden/grpo_cases.json")) {
            return JSON.readTree(in).get("cases");
        }
    }

    @TestFactory
    Stream<DynamicTest> lossForwardAndBackward() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode c : cases()) {
            tests.add(DynamicTest.dynamicTest(c.get("name").asText(), () -> {
                assumeFalse(c.get("flags").toString().contains("float64_only"), "float64_only: float32 outputs");
                String name = c.get("name").asText();
                GrpoDocument.Parsed p = GrpoDocument.parse(c, null);
                LossResult r = PolicyLoss.compute(p.batch(), p.options());
                JsonNode out = c.get("outputs");
                assertArray(out.get("per_token_loss"), r.perTokenLoss(), name + " per_token_loss");
                assertArray(out.get("grad_logp"), r.gradLogp(), name + " grad_logp");
                if (out.has("per_token_kl")) {
                    assertTrue(r.perTokenKl() != null, name + ": no KL output");
                    assertArray(out.get("per_token_kl"), r.perTokenKl(), name + " per_token_kl");
                }
                if (p.logits() != null) {
                    // logp where the mask is set (a masked position's token is not read: its logp is 0)
                    JsonNode logp = c.get("inputs").get("logp");
                    JsonNode mask = c.get("inputs").get("mask");
                    float[] got = p.batch().logp();
                    int cols = p.batch().cols();
                    for (int i = 0; i < p.batch().rows(); i++) {
                        for (int t = 0; t < cols; t++) {
                            double b = GrpoDocument.number(logp.get(i).get(t), "logp");
                            double want = GrpoDocument.number(mask.get(i).get(t), "mask") != 0 ? b : 0.0;
                            assertEquals(want, got[i * cols + t], 1e-6 * Math.max(1, Math.abs(b)),
                                    name + " logp from logits [" + i + "][" + t + "]");
                        }
                    }
                    assertArray(rowsOfVocab(out.get("grad_logits")), p.logits().gradient(r.gradLogp()), name + " grad_logits");
                }
                double loss = GrpoDocument.number(out.get("loss"), "loss");
                assertEquals(loss, r.loss(), 1e-5 * r.lossAbsSum() + 1e-7, name + " loss");
                JsonNode metrics = out.get("metrics");
                assertEquals(metrics.size(), r.metrics().size(), name + " metric names " + r.metrics().keySet());
                for (Iterator<Map.Entry<String, JsonNode>> it = metrics.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    double b = GrpoDocument.number(e.getValue(), e.getKey());
                    Double a = r.metrics().get(e.getKey());
                    assertTrue(a != null, name + ": missing metric " + e.getKey());
                    if (Double.isNaN(b)) {
                        assertTrue(Double.isNaN(a), name + " metric " + e.getKey() + " expected NaN, got " + a);
                    } else {
                        assertEquals(b, a, 1e-5 * Math.max(1, Math.abs(b)), name + " metric " + e.getKey());
                    }
                }
            }));
        }
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> advantagesOfEveryFlavour() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode c : cases()) {
            tests.add(DynamicTest.dynamicTest(c.get("name").asText(), () -> {
                JsonNode in = c.get("inputs");
                double[] rewards = new double[in.get("rewards").size()];
                int[] ids = new int[rewards.length];
                for (int i = 0; i < rewards.length; i++) {
                    rewards[i] = GrpoDocument.number(in.get("rewards").get(i), "reward");
                    ids[i] = in.get("group_ids").get(i).asInt();
                }
                for (Iterator<Map.Entry<String, JsonNode>> it = c.get("advantages_all_flavors").fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    double[] got = GroupAdvantages.compute(rewards, Groups.ofIds(ids), AdvantageFlavor.parse(e.getKey()));
                    for (int i = 0; i < rewards.length; i++) {
                        double b = GrpoDocument.number(e.getValue().get(i), "adv");
                        String what = c.get("name").asText() + " " + e.getKey() + "[" + i + "]";
                        if (Double.isNaN(b)) {
                            assertTrue(Double.isNaN(got[i]), what + " expected NaN, got " + got[i]);
                        } else {
                            assertEquals(b, got[i], 1e-5 + 1e-5 * Math.abs(b), what);
                        }
                    }
                }
            }));
        }
        return tests.stream();
    }

    /** [B][T][V] as [B·T][V], the layout of the gradient. */
    static JsonNode rowsOfVocab(JsonNode btv) {
        com.fasterxml.jackson.databind.node.ArrayNode rows = JSON.createArrayNode();
        for (JsonNode b : btv) {
            for (JsonNode t : b) {
                rows.add(t);
            }
        }
        return rows;
    }

    /** Spec §13 arrays: |a − b| ≤ 1e-4·|b| + 1e-5·max|b|. */
    static void assertArray(JsonNode expected, float[] actual, String what) {
        int rows = expected.size();
        int cols = rows == 0 ? 0 : expected.get(0).size();
        assertEquals(rows * cols, actual.length, what + " size");
        double max = 0;
        for (JsonNode row : expected) {
            for (JsonNode v : row) {
                double b = GrpoDocument.number(v, what);
                if (Double.isFinite(b)) {
                    max = Math.max(max, Math.abs(b));
                }
            }
        }
        for (int i = 0; i < rows; i++) {
            for (int t = 0; t < cols; t++) {
                double b = GrpoDocument.number(expected.get(i).get(t), what);
                double a = actual[i * cols + t];
                String at = what + " [" + i + "][" + t + "]";
                if (Double.isNaN(b)) {
                    assertTrue(Double.isNaN(a), at + " expected NaN, got " + a);
                } else if (Double.isInfinite(b)) {
                    assertEquals(b, a, at);
                } else {
                    assertEquals(b, a, 1e-4 * Math.abs(b) + 1e-5 * max, at);
                }
            }
        }
    }
}
