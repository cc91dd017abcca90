package io.github.vrft.reward;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hostile completions: each scores, on every task and profile, in bounded time, without an exception; where
 * it cannot be parsed the accuracy is 0 with a reason.
 */
class HostileCompletionTest {
    private static final String GT_DET = "<answer>[{'Position': [120, 130, 320, 330], 'Confidence': 1}]</answer>";
    private static final String GT_CLS = "<answer>garden phlox</answer>";
    private static final String GT_LISA = "<answer> (100,200),(400,600) </answer>";
    private static final String GT_REC = "<answer> [100, 120, 300, 360] </answer>";
    private static final String GT_OD = "<answer> ```json\n[{\"bbox_2d\": [100, 100, 200, 200], \"label\": \"cat\"}]\n``` </answer>";
    private static final VlmR1Inputs QWEN = VlmR1Inputs.rec(RecModel.QWEN, new int[] {644, 476}, new int[] {1, 34, 46});

    /** Every VLM-R1 way of scoring a task: each REC model, each od method, each text method. */
    private static List<VlmR1Inputs> vlmR1Inputs(Task task) {
        List<VlmR1Inputs> out = new ArrayList<>();
        switch (task) {
            case REC -> {
                for (RecModel m : RecModel.values()) {
                    out.add(VlmR1Inputs.rec(m, QWEN.imageSizeWh(), QWEN.imageGridThw()));
                }
            }
            case OD, ACCURACY -> {
                for (VlmR1Method m : VlmR1Method.values()) {
                    if (m.detection() == (task == Task.OD)) {
                        out.add(VlmR1Inputs.method(m).withOvdLegacyFormat(m == VlmR1Method.MAP));
                    }
                }
            }
            default -> out.add(VlmR1Inputs.defaults());
        }
        return out;
    }

    private static String solutionFor(Task task) {
        return switch (task) {
            case DETECTION -> GT_DET;
            case CLASSIFICATION, ACCURACY -> GT_CLS;
            case GROUNDING -> GT_LISA;
            case REC -> GT_REC;
            case OD -> GT_OD;
        };
    }

    private static List<Object[]> inputs() {
        List<Object[]> in = new ArrayList<>();
        SplittableRandom r = new SplittableRandom(1);
        StringBuilder garbage = new StringBuilder();
        for (int i = 0; i < 100_000; i++) {
            garbage.append((char) r.nextInt(0, 0x10000)); // unpaired surrogates and control characters included
        }
        in.add(new Object[] {"binary garbage", "<think>x</think><answer>" + garbage + "</answer>", true});
        in.add(new Object[] {"2 MB string", "<think>" + "a".repeat(2_000_000) + "</think><answer>[{'Position': [1, 2, 3, 4], 'Confidence': 0.5}]</answer>", false});
        in.add(new Object[] {"2 MB of brackets and commas", "<answer>" + "},".repeat(1_000_000) + "</answer>", true});
        in.add(new Object[] {"1e5 nested brackets", "<think>x</think><answer>" + "[".repeat(100_000) + "]".repeat(100_000) + "</answer>", true});
        in.add(new Object[] {"1e5 nested objects", "<think>x</think><answer>[" + "{'a':".repeat(100_000) + "1" + "}".repeat(100_000) + "]</answer>", true});
        in.add(new Object[] {"NaN coordinates", "<think>x</think><answer>[{'Position': [NaN, NaN, NaN, NaN], 'Confidence': 0.5}]</answer>", false});
        in.add(new Object[] {"Infinity coordinates", "<think>x</think><answer>[{'Position': [-Infinity, -Infinity, Infinity, Infinity], 'Confidence': 0.5}]</answer>", false});
        in.add(new Object[] {"1e400 coordinates", "<think>x</think><answer>[{'Position': [1e400, 1e400, 1e400, 1e400], 'Confidence': 1e400}]</answer>", false});
        in.add(new Object[] {"huge integers", "<think>x</think><answer>[{'Position': [" + "9".repeat(4000) + ", 1, 2, 3], 'Confidence': " + "9".repeat(4000) + "}]</answer>", false});
        in.add(new Object[] {"too many digits", "<think>x</think><answer>[{'Position': [" + "9".repeat(5000) + ", 1, 2, 3], 'Confidence': 0.5}]</answer>", true});
        StringBuilder many = new StringBuilder("<think>x</think><answer>[");
        for (int i = 0; i < 20_000; i++) {
            if (i > 0) {
                many.append(", ");
            }
            int x = r.nextInt(0, 1000);
            int y = r.nextInt(0, 1000);
            many.append("{'Position': [").append(x).append(", ").append(y).append(", ").append(x + r.nextInt(1, 200))
                    .append(", ").append(y + r.nextInt(1, 200)).append("], 'Confidence': ").append(r.nextDouble()).append('}');
        }
        in.add(new Object[] {"20,000 boxes", many.append("]</answer>").toString(), false});
        in.add(new Object[] {"empty", "", true});
        in.add(new Object[] {"only tags", "<answer></answer></answer><answer>", true});
        in.add(new Object[] {"LISA digits everywhere", "(" + "1,".repeat(500_000) + ")", true});
        in.add(new Object[] {"unicode digits", "<answer>(\u0661\u0662\u0663,\u0664\u0665),(\u0666\u0667\u0668,\u0669\u0660\u0660)</answer>", false});
        return in;
    }

    @TestFactory
    Stream<DynamicTest> everyHostileInputScoresInBoundedTime() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Object[] c : inputs()) {
            String name = (String) c[0];
            String completion = (String) c[1];
            boolean unparseable = (Boolean) c[2];
            for (Profile profile : Profile.values()) {
                tests.add(DynamicTest.dynamicTest(name + " / " + profile.id(), () -> {
                    RewardScorer scorer = new RewardScorer(RewardOptions.of(profile)
                            .withExtraRewards(java.util.EnumSet.allOf(ExtraReward.class)));
                    for (Task task : Task.values()) {
                        if (!profile.scores(task)) {
                            continue;
                        }
                        String gt = solutionFor(task);
                        for (VlmR1Inputs in : vlmR1Inputs(task)) {
                            RewardScore s = assertTimeoutPreemptively(Duration.ofSeconds(10),
                                    () -> scorer.score(task, completion, gt, in), name + " / " + task.id());
                            assertNotNull(s);
                            assertEquals(task.components().size() + (task.vlmR1() ? 2 : 0), s.components().size());
                            for (Component part : s.components()) {
                                assertTrue(Double.isFinite(part.value()), name + " / " + task.id() + ": " + part);
                            }
                            if (task == Task.DETECTION && unparseable) {
                                assertEquals(0.0, s.value("accuracy_iou"), 0.0, name);
                                assertEquals(0.0, s.value("accuracy_confidence"), 0.0, name);
                                assertTrue(s.diagnostics().containsKey("accuracy_iou"), name + ": no reason given");
                            }
                        }
                    }
                }));
            }
        }
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> hostileSolutionsToo() {
        RewardScorer scorer = new RewardScorer(RewardOptions.defaults());
        RewardScorer vlmR1 = new RewardScorer(RewardOptions.of(Profile.VLM_R1)
                .withExtraRewards(java.util.EnumSet.allOf(ExtraReward.class)));
        return inputs().stream().map(c -> DynamicTest.dynamicTest((String) c[0], () -> {
            for (Task task : Task.values()) {
                RewardScorer s = task.vlmR1() ? vlmR1 : scorer;
                for (VlmR1Inputs in : vlmR1Inputs(task)) {
                    assertTimeoutPreemptively(Duration.ofSeconds(10),
                            () -> s.score(task, "<think>x</think><answer>[{'Position': [1, 2, 3, 4], 'Confidence': 0.5}]</answer>", (String) c[1], in));
                }
            }
        }));
    }
}
