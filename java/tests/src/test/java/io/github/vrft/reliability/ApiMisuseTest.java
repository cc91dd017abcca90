package io.github.vrft.reliability;

import io.github.vrft.box.PairwiseIou;
import io.github.vrft.grpo.AdvantageFlavor;
import io.github.vrft.grpo.GroupAdvantages;
import io.github.vrft.grpo.Groups;
import io.github.vrft.grpo.OpenRlhfLossOptions;
import io.github.vrft.grpo.PolicyLoss;
import io.github.vrft.grpo.TokenBatch;
import io.github.vrft.grpo.TrlLossOptions;
import io.github.vrft.grpo.VerlLossOptions;
import io.github.vrft.reward.Profile;
import io.github.vrft.reward.RecModel;
import io.github.vrft.reward.RewardOptions;
import io.github.vrft.reward.RewardScorer;
import io.github.vrft.reward.Task;
import io.github.vrft.reward.VlmR1Inputs;
import io.github.vrft.reward.VlmR1Method;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.function.Executable;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * API misuse: every public entry point against null, wrong lengths, negative sizes and NaN where it is not
 * allowed. Each must throw IllegalArgumentException whose message names the argument (options by their
 * upstream names, as the builders document them), never a
 * NullPointerException or an ArrayIndexOutOfBoundsException from inside. The native backends run the same
 * Java checks before any native call (JCudaBackendGpuTest, PanamaHostPartsTest).
 */
class ApiMisuseTest {
    private final List<DynamicTest> tests = new ArrayList<>();

    private void expect(String name, String argument, Executable call) {
        tests.add(DynamicTest.dynamicTest(name, () -> {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call, name);
            assertTrue(e.getMessage() != null && e.getMessage().contains(argument),
                    name + ": the message should name '" + argument + "': " + e.getMessage());
        }));
    }

    private static TokenBatch.Builder batch(int rows, int cols) {
        int n = rows * cols;
        return TokenBatch.builder(rows, cols).logp(new float[n]).oldLogp(new float[n]).mask(new boolean[n])
                .advantages(new float[rows]);
    }

    @TestFactory
    List<DynamicTest> everyEntryPoint() {
        RewardScorer scorer = new RewardScorer(RewardOptions.defaults());
        // rewards
        expect("RewardScorer(null)", "options", () -> new RewardScorer(null));
        expect("score(null task)", "task", () -> scorer.score(null, "c", "s"));
        expect("score(null completion)", "completion", () -> scorer.score(Task.DETECTION, null, "s"));
        expect("score(null solution)", "solution", () -> scorer.score(Task.DETECTION, "c", null));
        expect("score(vlm-r1 task, null inputs)", "inputs",
                () -> new RewardScorer(RewardOptions.of(Profile.VLM_R1)).score(Task.REC, "c", "s", null));
        expect("RewardOptions(null profile)", "profile", () -> new RewardOptions(null, null));
        expect("VlmR1Inputs.rec(null model)", "model", () -> VlmR1Inputs.rec(null, new int[] {1, 1}, null));
        expect("VlmR1Inputs.rec(3 sizes)", "imageSizeWh", () -> VlmR1Inputs.rec(RecModel.QWEN, new int[] {1, 2, 3}, null));
        expect("VlmR1Inputs.rec(negative size)", "imageSizeWh", () -> VlmR1Inputs.rec(RecModel.QWEN, new int[] {-1, 2}, null));
        expect("VlmR1Inputs.rec(2 grid values)", "imageGridThw", () -> VlmR1Inputs.rec(RecModel.QWEN, new int[] {1, 2}, new int[] {1, 2}));
        expect("VlmR1Inputs.method(null)", "method", () -> VlmR1Inputs.method(null));
        expect("completionTokens negative", "completionTokens",
                () -> VlmR1Inputs.method(VlmR1Method.DEFAULT).withCompletionTokens(-1));
        // boxes
        expect("PairwiseIou(null a)", "a", () -> PairwiseIou.compute(null, new long[] {0}, new float[0], new long[] {0}));
        expect("PairwiseIou(a of 5 floats)", "a", () -> PairwiseIou.compute(new float[5], new long[] {0, 1}, new float[4], new long[] {0, 1}));
        expect("PairwiseIou(negative offset)", "aOff", () -> PairwiseIou.compute(new float[4], new long[] {0, -1, 1},
                new float[4], new long[] {0, 0, 1}));
        // advantages
        Groups g2 = Groups.contiguous(2, 2);
        expect("Groups.ofIds(null)", "groupIds", () -> Groups.ofIds(null));
        expect("Groups.contiguous(-1, 2)", "size", () -> Groups.contiguous(-1, 2));
        expect("Groups.contiguous(4, 0)", "groupSize", () -> Groups.contiguous(4, 0));
        expect("Groups.contiguous(MAX_VALUE, 1)", "size", () -> Groups.contiguous(Integer.MAX_VALUE, 1));
        // issue 14: options that were accepted and then gave wrong numbers
        expect("verl batchNumTokens NaN", "batch_num_tokens", () -> VerlLossOptions.builder().batchNumTokens(Double.NaN).build());
        expect("verl batchNumTokens -5", "batch_num_tokens", () -> VerlLossOptions.builder().batchNumTokens(-5.0).build());
        expect("verl batchNumTokens 0", "batch_num_tokens", () -> VerlLossOptions.builder().batchNumTokens(0.0).build());
        expect("verl globalBatchSize NaN", "global_batch_size", () -> VerlLossOptions.builder().globalBatchSize(Double.NaN).build());
        expect("verl globalBatchSize 0", "global_batch_size", () -> VerlLossOptions.builder().globalBatchSize(0.0).build());
        expect("verl tauPos +Inf", "tau_pos", () -> VerlLossOptions.builder().tauPos(Double.POSITIVE_INFINITY).build());
        expect("openrlhf globalBatchSize -1", "global_batch_size", () -> OpenRlhfLossOptions.builder().globalBatchSize(-1.0).build());
        expect("openrlhf batchNumTokens 0", "batch_num_tokens", () -> OpenRlhfLossOptions.builder().batchNumTokens(0.0).build());
        expect("trl numItemsInBatch 0", "num_items_in_batch", () -> TrlLossOptions.builder().numItemsInBatch(0.0).build());
        expect("trl beta -1", "beta", () -> TrlLossOptions.builder().beta(-1).build());
        expect("trl vespo NaN", "vespo_k_pos", () -> TrlLossOptions.builder().vespo(Double.NaN, 3, 3, 2).build());
        expect("trl vespo lambda 0", "vespo_lambda_neg", () -> TrlLossOptions.builder().vespo(2, 3, 3, 0).build());
        expect("CocoAp null gtBox", "gtBox", () -> io.github.vrft.box.CocoAp.evaluate(1, null, new double[0], new int[0],
                new double[0], new double[0], new int[0]));
        expect("CocoAp negative numCats", "numCats", () -> io.github.vrft.box.CocoAp.evaluate(-1, new double[0], new double[0],
                new int[0], new double[0], new double[0], new int[0]));
        expect("CocoAp huge numCats", "numCats", () -> io.github.vrft.box.CocoAp.evaluate(Integer.MAX_VALUE, new double[0],
                new double[0], new int[0], new double[0], new double[0], new int[0]));
        expect("CocoAp category out of range", "gtCat[0]", () -> io.github.vrft.box.CocoAp.evaluate(1, new double[4],
                new double[1], new int[] {3}, new double[0], new double[0], new int[0]));
        expect("Groups.contiguous(5, 2)", "groupSize", () -> Groups.contiguous(5, 2));
        expect("advantages(null rewards)", "rewards", () -> GroupAdvantages.compute((float[]) null, g2, AdvantageFlavor.VISUAL_RFT));
        expect("advantages(null groups)", "groups", () -> GroupAdvantages.compute(new float[2], null, AdvantageFlavor.VISUAL_RFT));
        expect("advantages(null flavor)", "flavor", () -> GroupAdvantages.compute(new float[2], g2, null));
        expect("advantages(3 rewards, 2 in groups)", "rewards", () -> GroupAdvantages.compute(new float[3], g2, AdvantageFlavor.VISUAL_RFT));
        expect("advantages(double[] null)", "rewards", () -> GroupAdvantages.compute((double[]) null, g2, AdvantageFlavor.VERL));
        expect("AdvantageFlavor.parse(nope)", "nope", () -> AdvantageFlavor.parse("nope"));
        // token batches and losses
        expect("TokenBatch.builder(-1, 4)", "rows", () -> TokenBatch.builder(-1, 4));
        expect("TokenBatch.builder(2, -4)", "cols", () -> TokenBatch.builder(2, -4));
        expect("TokenBatch without logp", "logp", () -> TokenBatch.builder(1, 2).oldLogp(new float[2]).mask(new boolean[2])
                .advantages(new float[1]).build());
        expect("TokenBatch logp of wrong length", "logp", () -> batch(2, 3).logp(new float[5]).build());
        expect("TokenBatch mask of wrong length", "mask", () -> batch(2, 3).mask(new boolean[7]).build());
        expect("TokenBatch advantages of wrong length", "advantages", () -> batch(2, 3).advantages(new float[3]).build());
        expect("TokenBatch refLogp of wrong length", "refLogp", () -> batch(2, 3).refLogp(new float[1]).build());
        expect("PolicyLoss(null batch)", "batch", () -> PolicyLoss.compute(null, TrlLossOptions.builder().build()));
        expect("PolicyLoss(null options)", "options", () -> PolicyLoss.compute(batch(1, 1).build(), null));
        expect("PolicyLoss(beta > 0 without refLogp)", "refLogp",
                () -> PolicyLoss.compute(batch(1, 2).build(), TrlLossOptions.builder().beta(0.04).build()));
        expect("TRL epsilon NaN", "epsilon", () -> TrlLossOptions.builder().epsilon(Double.NaN).build());
        expect("TRL epsilon negative", "epsilon", () -> TrlLossOptions.builder().epsilon(-0.1).build());
        expect("TRL beta NaN", "beta", () -> TrlLossOptions.builder().beta(Double.NaN).build());
        expect("TRL null loss type", "lossType", () -> TrlLossOptions.builder().lossType(null).build());
        expect("TRL numProcesses 0", "num_processes", () -> TrlLossOptions.builder().numProcesses(0).build());
        expect("verl clip ratio NaN", "clip_ratio_low", () -> VerlLossOptions.builder().clipRatioLow(Double.NaN).build());
        expect("OpenRLHF eps clip negative", "eps_clip", () -> OpenRlhfLossOptions.builder().epsClip(-1, 0.2).build());
        return tests;
    }
}
