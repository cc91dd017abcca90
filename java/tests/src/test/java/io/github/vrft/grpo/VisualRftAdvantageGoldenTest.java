package io.github.vrft.grpo;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.vrft.reward.GoldenCases;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The six Visual-RFT advantage groups of the golden file, within 1e-6 (float32 arithmetic upstream). */
class VisualRftAdvantageGoldenTest {

    @TestFactory
    Stream<DynamicTest> goldenGroups() {
        return GoldenCases.visualRft().stream().filter(n -> n.get("task").asText().equals("grpo_advantage"))
                .map(c -> DynamicTest.dynamicTest(c.get("id").asText(), () -> {
                    JsonNode in = c.get("inputs");
                    int n = in.get("rewards").size();
                    float[] r = new float[n];
                    for (int i = 0; i < n; i++) {
                        r[i] = (float) in.get("rewards").get(i).asDouble(); // torch.tensor(..., float32)
                    }
                    float[] adv = GroupAdvantages.visualRft(r, Groups.contiguous(n, in.get("num_generations").asInt()));
                    JsonNode exp = c.get("expected").get("advantages");
                    for (int i = 0; i < n; i++) {
                        double e = GoldenCases.number(exp.get(i));
                        if (Double.isNaN(e)) {
                            assertTrue(Float.isNaN(adv[i]), c.get("id").asText() + "[" + i + "] expected NaN");
                        } else {
                            assertEquals(e, adv[i], 1e-6, c.get("id").asText() + "[" + i + "]");
                        }
                    }
                }));
    }

    @Test
    void idsNeedNotBeContiguous() {
        float[] r = {1, 5, 2, 7, 3, 9};
        int[] ids = {10, 20, 10, 20, 10, 20};
        float[] adv = GroupAdvantages.visualRft(r, Groups.ofIds(ids));
        float[] a = GroupAdvantages.visualRft(new float[] {1, 2, 3}, Groups.contiguous(3, 3));
        float[] b = GroupAdvantages.visualRft(new float[] {5, 7, 9}, Groups.contiguous(3, 3));
        assertEquals(a[0], adv[0], 0f);
        assertEquals(b[0], adv[1], 0f);
        assertEquals(a[2], adv[4], 0f);
        assertEquals(b[2], adv[5], 0f);
        // mean 2, unbiased std 1: (1 - 2) / (1 + 1e-4)
        assertEquals(-1 / 1.0001f, a[0], 1e-7f);
    }

    @Test
    void badShapesNameTheArgument() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GroupAdvantages.visualRft(new float[3], Groups.contiguous(4, 2)));
        assertTrue(e.getMessage().contains("rewards"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Groups.contiguous(5, 2));
        assertTrue(e.getMessage().contains("groupSize"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> GroupAdvantages.visualRft(null, Groups.contiguous(0, 1)));
        assertTrue(e.getMessage().contains("rewards"), e.getMessage());
    }
}
