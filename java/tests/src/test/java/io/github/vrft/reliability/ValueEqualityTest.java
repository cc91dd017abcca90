package io.github.vrft.reliability;

import io.github.vrft.backend.RewardStep;
import io.github.vrft.box.DetectionMatch;
import io.github.vrft.reward.RecModel;
import io.github.vrft.reward.VlmR1Inputs;
import io.github.vrft.reward.VlmR1Method;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/** Records that hold arrays compare by content, as values should (issue 15's review). */
class ValueEqualityTest {
    @Test
    void vlmR1InputsCompareByContent() {
        VlmR1Inputs a = VlmR1Inputs.rec(RecModel.QWEN, new int[] {640, 480}, new int[] {1, 34, 46});
        VlmR1Inputs b = VlmR1Inputs.rec(RecModel.QWEN, new int[] {640, 480}, new int[] {1, 34, 46});
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        assertEquals(a.toString(), b.toString());
        assertNotEquals(a, VlmR1Inputs.rec(RecModel.QWEN, new int[] {640, 481}, new int[] {1, 34, 46}));
        assertNotEquals(a, a.withCompletionTokens(3));
        assertEquals(VlmR1Inputs.method(VlmR1Method.MAP), VlmR1Inputs.method(VlmR1Method.MAP));
    }

    @Test
    void rewardStepAndMatchResultCompareByContent() {
        RewardStep x = new RewardStep(new double[] {0.5}, new double[] {1}, new float[] {2.5f}, new float[] {0f});
        RewardStep y = new RewardStep(new double[] {0.5}, new double[] {1}, new float[] {2.5f}, new float[] {0f});
        assertEquals(x, y);
        assertEquals(x.hashCode(), y.hashCode());
        assertNotEquals(x, new RewardStep(new double[] {0.5}, new double[] {1}, new float[] {2.5f}, new float[] {1f}));
        DetectionMatch.Result r = new DetectionMatch.Result(new double[] {1}, new double[] {0.5}, new int[] {0, -1});
        assertEquals(r, new DetectionMatch.Result(new double[] {1}, new double[] {0.5}, new int[] {0, -1}));
        assertNotEquals(r, new DetectionMatch.Result(new double[] {1}, new double[] {0.5}, new int[] {-1, 0}));
    }
}
