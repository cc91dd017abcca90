package io.github.vrft.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.vrft.grpo.AdvantageFlavor;
import io.github.vrft.grpo.GroupAdvantages;
import io.github.vrft.grpo.Groups;
import io.github.vrft.grpo.LossOptions;
import io.github.vrft.grpo.LossResult;
import io.github.vrft.grpo.PolicyLoss;
import io.github.vrft.grpo.RandomTokens;
import io.github.vrft.grpo.TokenBatch;
import io.github.vrft.grpo.TrlLossOptions;
import io.github.vrft.grpo.VerlLossOptions;
import io.github.vrft.reward.ExtraReward;
import io.github.vrft.reward.GoldenCases;
import io.github.vrft.reward.Profile;
import io.github.vrft.reward.RewardOptions;
import io.github.vrft.reward.RewardScore;
import io.github.vrft.reward.RewardScorer;
import io.github.vrft.reward.Task;
import io.github.vrft.box.PairwiseIou;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The thread-safety the README documents: one {@link RewardScorer} (any profile), {@link PolicyLoss},
 * {@link GroupAdvantages} and {@link PairwiseIou} used from 8 threads at once give exactly the sequential
 * results, bit for bit, in every thread.
 */
class ConcurrencyTest {
    static final int THREADS = 8;

    private record Case(Task task, String completion, String solution) {}

    private static List<Case> cases() {
        List<Case> out = new ArrayList<>();
        for (JsonNode c : GoldenCases.visualRft()) {
            String t = c.get("task").asText();
            Task task = switch (t) {
                case "detection" -> Task.DETECTION;
                case "classification" -> Task.CLASSIFICATION;
                case "grounding_lisa" -> Task.GROUNDING;
                default -> null;
            };
            if (task != null) {
                out.add(new Case(task, c.get("completion").asText(), c.get("solution").asText()));
            }
        }
        Random r = new Random(3);
        for (int i = 0; i < 2000; i++) { // generated detection answers: jittered boxes, random confidences
            StringBuilder a = new StringBuilder("<think>x</think> <answer>[");
            int n = r.nextInt(13);
            for (int k = 0; k < n; k++) {
                a.append(k == 0 ? "" : ", ").append("{'Position': [").append(100 + r.nextInt(20)).append(", ")
                        .append(100 + r.nextInt(20)).append(", ").append(300 + r.nextInt(20)).append(", ")
                        .append(300 + r.nextInt(20)).append("], 'Confidence': ").append(r.nextInt(100) / 100.0).append('}');
            }
            out.add(new Case(Task.DETECTION, a.append("]</answer>").toString(),
                    "<answer>[{'Position': [100, 100, 300, 300], 'Confidence': 1}]</answer>"));
        }
        return out;
    }

    private static <T> List<T> inThreads(Callable<T> work) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<T>> fs = new ArrayList<>();
            for (int i = 0; i < THREADS; i++) {
                fs.add(pool.submit(work));
            }
            List<T> out = new ArrayList<>();
            for (Future<T> f : fs) {
                out.add(f.get());
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    private static String fingerprint(RewardScore s) {
        StringBuilder b = new StringBuilder();
        s.components().forEach(c -> b.append(c.name()).append('=').append(Double.doubleToRawLongBits(c.value())).append(';'));
        return b.append(s.diagnostics()).toString();
    }

    @Test
    void oneScorerFromEightThreadsGivesTheSequentialResults() throws Exception {
        List<Case> cases = cases();
        for (RewardScorer scorer : List.of(new RewardScorer(RewardOptions.defaults()),
                new RewardScorer(RewardOptions.of(Profile.STRICT).withExtraRewards(EnumSet.allOf(ExtraReward.class))))) {
            List<String> sequential = new ArrayList<>();
            for (Case c : cases) {
                sequential.add(fingerprint(scorer.score(c.task(), c.completion(), c.solution())));
            }
            List<List<String>> perThread = inThreads(() -> {
                List<Integer> order = new ArrayList<>();
                for (int i = 0; i < cases.size(); i++) {
                    order.add(i);
                }
                Collections.shuffle(order, new Random(Thread.currentThread().threadId()));
                String[] got = new String[cases.size()];
                for (int i : order) {
                    Case c = cases.get(i);
                    got[i] = fingerprint(scorer.score(c.task(), c.completion(), c.solution()));
                }
                return List.of(got);
            });
            for (List<String> got : perThread) {
                assertEquals(sequential, got, scorer.options().profile() + ": a thread's results differ");
            }
        }
    }

    @Test
    void lossAdvantagesAndIouFromEightThreadsGiveTheSequentialResults() throws Exception {
        TokenBatch batch = RandomTokens.batch(64, 257, 9, 0.3);
        List<LossOptions> options = List.of(TrlLossOptions.builder().beta(0.04).build(),
                VerlLossOptions.builder().useKlLoss(true).build());
        float[] rewards = new float[10_007];
        int[] ids = new int[rewards.length];
        Random r = new Random(4);
        for (int i = 0; i < rewards.length; i++) {
            rewards[i] = r.nextInt(4) + r.nextFloat();
            ids[i] = r.nextInt(1300);
        }
        Groups groups = Groups.ofIds(ids);
        float[] boxes = new float[4 * 3000];
        for (int i = 0; i < boxes.length; i += 4) {
            boxes[i] = r.nextInt(500);
            boxes[i + 1] = r.nextInt(500);
            boxes[i + 2] = boxes[i] + 1 + r.nextInt(300);
            boxes[i + 3] = boxes[i + 1] + 1 + r.nextInt(300);
        }
        long[] off = {0, 1000, 1000, 3000};
        for (LossOptions o : options) {
            LossResult want = PolicyLoss.compute(batch, o);
            for (LossResult got : inThreads(() -> PolicyLoss.compute(batch, o))) {
                assertEquals(Double.doubleToRawLongBits(want.loss()), Double.doubleToRawLongBits(got.loss()), o.toString());
                assertArrayEquals(want.gradLogp(), got.gradLogp(), 0f, o.toString());
                assertArrayEquals(want.perTokenLoss(), got.perTokenLoss(), 0f, o.toString());
            }
        }
        for (AdvantageFlavor f : AdvantageFlavor.values()) {
            float[] want = GroupAdvantages.compute(rewards, groups, f);
            for (float[] got : inThreads(() -> GroupAdvantages.compute(rewards, groups, f))) {
                assertArrayEquals(want, got, 0f, f.id());
            }
        }
        float[] want = PairwiseIou.compute(boxes, off, boxes, off);
        for (float[] got : inThreads(() -> PairwiseIou.compute(boxes, off, boxes, off))) {
            assertArrayEquals(want, got, 0f);
        }
    }
}
