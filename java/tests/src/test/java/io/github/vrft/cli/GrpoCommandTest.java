package io.github.vrft.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.vrft.grpo.AdvantageFlavor;
import io.github.vrft.grpo.GroupAdvantages;
import io.github.vrft.grpo.Groups;
import io.github.vrft.reward.GoldenCases;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code vrft grpo} on every golden case, and {@code vrft score --advantage}. */
class GrpoCommandTest {
    @TempDir
    Path dir;

    @Test
    void everyGoldenCaseThroughTheCommandLine() throws IOException {
        JsonNode cases;
        try (InputStream in = getClass().getResourceAsStream("/golden/grpo_cases.json")) {
            cases = GoldenCases.JSON.readTree(in).get("cases");
        }
        int run = 0;
        for (JsonNode c : cases) {
            if (c.get("flags").toString().contains("float64_only")) {
                continue; // see GrpoGoldenTest
            }
            Path in = dir.resolve(c.get("name").asText() + ".json");
            Path out = dir.resolve(c.get("name").asText() + ".out.json");
            Files.writeString(in, c.toString());
            assertEquals(0, VrftCommand.execute("grpo", "-i", in.toString(), "-o", out.toString()), c.get("name").asText());
            JsonNode got = GoldenCases.JSON.readTree(out.toFile());
            JsonNode exp = c.get("outputs");
            String name = c.get("name").asText();
            for (String key : new String[] {"per_token_loss", "grad_logp", "per_token_kl"}) {
                if (exp.has(key)) {
                    float[] flat = flatten(got.get("outputs").get(key));
                    io.github.vrft.grpo.GrpoGoldenTestAccess.assertArray(exp.get(key), flat, name + " " + key);
                }
            }
            if (exp.has("grad_logits")) {
                io.github.vrft.grpo.GrpoGoldenTestAccess.assertArray(
                        io.github.vrft.grpo.GrpoGoldenTestAccess.rowsOfVocab(exp.get("grad_logits")),
                        flatten(io.github.vrft.grpo.GrpoGoldenTestAccess.rowsOfVocab(got.get("outputs").get("grad_logits"))),
                        name + " grad_logits");
            }
            // The loss against the golden value is checked with the spec's tolerance in GrpoGoldenTest; here the
            // command line must print exactly what the API computes (JSON doubles round-trip).
            io.github.vrft.cli.GrpoDocument.Parsed p = io.github.vrft.cli.GrpoDocument.parse(c, null);
            double apiLoss = io.github.vrft.grpo.PolicyLoss.compute(p.batch(), p.options()).loss();
            assertEquals(apiLoss, got.get("outputs").get("loss").asDouble(), 0.0, name + " loss");
            for (Iterator<Map.Entry<String, JsonNode>> it = exp.get("metrics").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                double b = GoldenCases.number(e.getValue());
                double a = GoldenCases.number(got.get("outputs").get("metrics").get(e.getKey()));
                assertTrue(Double.isNaN(b) ? Double.isNaN(a) : Math.abs(a - b) <= 1e-5 * Math.max(1, Math.abs(b)),
                        name + " metric " + e.getKey() + ": " + a + " vs " + b);
            }
            JsonNode advExp = c.get("advantages_all_flavors").get(c.get("advantage_flavor_used").asText());
            for (int i = 0; i < advExp.size(); i++) {
                double b = GoldenCases.number(advExp.get(i));
                double a = GoldenCases.number(got.get("advantages").get(i));
                assertTrue(Double.isNaN(b) ? Double.isNaN(a) : Math.abs(a - b) <= 1e-5 + 1e-5 * Math.abs(b), name + " adv " + i);
            }
            run++;
        }
        assertEquals(36, run);
    }

    private static float[] flatten(JsonNode m) {
        List<Float> v = new ArrayList<>();
        for (JsonNode row : m) {
            for (JsonNode x : row) {
                v.add((float) GoldenCases.number(x));
            }
        }
        float[] f = new float[v.size()];
        for (int i = 0; i < f.length; i++) {
            f[i] = v.get(i);
        }
        return f;
    }

    @Test
    void invalidDocumentsExitOneAndNameTheField() throws IOException {
        Path p = dir.resolve("bad.json");
        Files.writeString(p, "{\"impl\": \"trl\", \"config\": {}, \"inputs\": {\"logp\": [[-1.0, -2.0]], \"mask\": [[1, 1]]}}");
        assertEquals(1, VrftCommand.execute("grpo", "-i", p.toString(), "-o", dir.resolve("o.json").toString()));
        Files.writeString(p, "{\"impl\": \"trl\", \"config\": {}, \"inputs\": {\"logp\": [[-1.0, -2.0]], \"mask\": [[1, 1]], \"advantages\": [0.5]}}");
        assertEquals(0, VrftCommand.execute("grpo", "-i", p.toString(), "-o", dir.resolve("o.json").toString()));
        // on-policy dapo: loss = -A = -0.5
        assertEquals(-0.5, GoldenCases.JSON.readTree(dir.resolve("o.json").toFile()).get("outputs").get("loss").asDouble(), 1e-12);
        assertEquals(2, VrftCommand.execute("grpo", "-i", dir.resolve("missing.json").toString()));
        assertEquals(2, VrftCommand.execute("grpo", "-i", p.toString(), "--advantage", "nope"));
    }

    @Test
    void scoreWithEveryAdvantageFlavour() throws IOException {
        List<String> lines = new ArrayList<>();
        String[] answers = {"garden phlox", "rose", "<think>x</think><answer>garden phlox</answer>", "tulip"};
        for (String a : answers) {
            lines.add(GoldenCases.JSON.createObjectNode().put("prompt_id", "p").put("task", "classification")
                    .put("completion", a).put("solution", "<answer>garden phlox</answer>").toString());
        }
        Path in = dir.resolve("in.jsonl");
        Files.write(in, lines, StandardCharsets.UTF_8);
        float[] totals = {1f, 0f, 2f, 0f}; // accuracy + format of the four answers
        for (AdvantageFlavor f : AdvantageFlavor.values()) {
            Path out = dir.resolve("out-" + f.id() + ".jsonl");
            assertEquals(0, VrftCommand.execute("score", "-i", in.toString(), "-o", out.toString(), "-q", "--advantage", f.id()));
            List<String> got = Files.readAllLines(out);
            double[] r = {1, 0, 2, 0};
            double[] expected = f == AdvantageFlavor.VISUAL_RFT
                    ? toDouble(GroupAdvantages.visualRft(totals, Groups.contiguous(4, 4)))
                    : GroupAdvantages.compute(r, Groups.contiguous(4, 4), f);
            for (int i = 0; i < 4; i++) {
                assertEquals((float) expected[i], (float) GoldenCases.JSON.readTree(got.get(i)).get("advantage").asDouble(), 0f,
                        f.id() + " line " + i);
            }
        }
        // TRL group by hand: mean 0.75, unbiased std sqrt(2.75/3), (1 - 0.75) / (std + 1e-4)
        double std = Math.sqrt((0.0625 + 0.5625 + 1.5625 + 0.5625) / 3);
        assertEquals((1 - 0.75) / (std + 1e-4), GroupAdvantages.compute(new double[] {1, 0, 2, 0},
                Groups.contiguous(4, 4), AdvantageFlavor.TRL_GROUP)[0], 1e-12);
    }

    private static double[] toDouble(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }
}
