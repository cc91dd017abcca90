package io.github.vrft.reward;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link VlmR1Inputs#ofFields}, the meaning of a rollout's VLM-R1 fields for both of its readers (vrft score's lines,
 * vrft-spark's rows), and {@link RewardBatch#prepare(RewardScorer, List, boolean)} on one thread.
 */
class VlmR1InputsFieldsTest {
    @Test
    void fieldsAsALineOrARowHoldThem() {
        VlmR1Inputs none = VlmR1Inputs.ofFields(null, null, null, null, null, null);
        assertEquals(VlmR1Inputs.defaults(), none);
        VlmR1Inputs all = VlmR1Inputs.ofFields("internvl", "od_ap", 12L, "ovd_legacy", new long[] {640, 480},
                new long[] {1, 34, 46});
        assertEquals(RecModel.INTERNVL, all.model());
        assertEquals(VlmR1Method.parse("od_ap"), all.method());
        assertEquals(12, all.completionTokens());
        assertTrue(all.ovdLegacyFormat());
        assertArrayEquals(new int[] {640, 480}, all.imageSizeWh());
        assertArrayEquals(new int[] {1, 34, 46}, all.imageGridThw());
        assertEquals(false, VlmR1Inputs.ofFields(null, null, null, "default", null, null).ovdLegacyFormat());
        assertNull(VlmR1Inputs.ofFields(null, null, null, "fullmatch", null, null).imageSizeWh());
    }

    @Test
    void aBadFieldIsNamedAsTheRecordSpellsIt() {
        assertEquals("field 'completion_tokens' must be a non-negative integer", assertThrows(IllegalArgumentException.class,
                () -> VlmR1Inputs.ofFields(null, null, -1L, null, null, null)).getMessage());
        assertEquals("field 'completion_tokens' must be a non-negative integer", assertThrows(IllegalArgumentException.class,
                () -> VlmR1Inputs.ofFields(null, null, 1L << 31, null, null, null)).getMessage());
        assertEquals("field 'image_size_wh' must be an array of 2 positive integers", assertThrows(IllegalArgumentException.class,
                () -> VlmR1Inputs.ofFields(null, null, null, null, new long[] {640}, null)).getMessage());
        assertEquals("field 'image_grid_thw' must be an array of 3 positive integers", assertThrows(IllegalArgumentException.class,
                () -> VlmR1Inputs.ofFields(null, null, null, null, null, new long[] {1, 0, 4})).getMessage());
        assertEquals("field 'image_size_wh' must be an array of 2 positive integers", assertThrows(IllegalArgumentException.class,
                () -> VlmR1Inputs.ofFields(null, null, null, null, new long[0], null)).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> VlmR1Inputs.ofFields(null, null, null, "loose", null, null))
                .getMessage().startsWith("field 'format': unknown format reward 'loose'"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> VlmR1Inputs.ofFields("llava", null, null, null, null, null))
                .getMessage().contains("llava"));
    }

    @Test
    void aBatchPreparedOnOneThreadScoresAsAParallelOne() {
        RewardScorer scorer = new RewardScorer(RewardOptions.defaults());
        List<RewardRequest> rows = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            rows.add(new RewardRequest(Task.DETECTION, "<think>x</think> <answer>[{'Position': [" + i % 50 + ", 10, 90, 80], "
                    + "'Confidence': 0." + (i % 9 + 1) + "}]</answer>", "<answer>[{'Position': [10, 10, 90, 80], 'Confidence': 1}]</answer>"));
        }
        List<RewardScore> one = RewardBatch.prepare(scorer, rows, false).compute(new io.github.vrft.backend.CpuBackend());
        assertEquals(RewardBatch.prepare(scorer, rows).compute(new io.github.vrft.backend.CpuBackend()).toString(), one.toString());
    }
}
