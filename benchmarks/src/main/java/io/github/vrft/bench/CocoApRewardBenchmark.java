package io.github.vrft.bench;

import io.github.vrft.reward.Profile;
import io.github.vrft.reward.RewardOptions;
import io.github.vrft.reward.RewardScorer;
import io.github.vrft.reward.Task;
import io.github.vrft.reward.VlmR1Inputs;
import io.github.vrft.reward.VlmR1Method;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * VLM-R1's COCO-AP detection reward ({@code od_ap}: answer extraction, JSON, COCOeval at ten IoU thresholds
 * and 101 recall points, plus the format reward), profile vlm-r1, CPU. Completions per second.
 *
 * <p>Workload: a solution of {@code boxes} ground-truth boxes over {@code cats} categories; the answer lists
 * them jittered by up to 8 px, in shuffled order, each box dropped with probability 1/5 and followed by a
 * false positive with probability 1/5.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch"})
public class CocoApRewardBenchmark {
    static final int BATCH = 512;

    /** Ground-truth boxes per answer. */
    @Param({"1", "10", "50"})
    public int boxes;

    /** Categories the boxes are spread over. */
    @Param({"1", "5"})
    public int cats;

    private String[] completions;
    private String[] solutions;
    private RewardScorer scorer;
    private final VlmR1Inputs odAp = VlmR1Inputs.method(VlmR1Method.OD_AP);

    @Setup
    public void setup() {
        SplittableRandom r = new SplittableRandom(20261124L + Thread.currentThread().threadId());
        completions = new String[BATCH];
        solutions = new String[BATCH];
        for (int i = 0; i < BATCH; i++) {
            String[] pair = sample(r, boxes, cats);
            completions[i] = pair[0];
            solutions[i] = pair[1];
        }
        scorer = new RewardScorer(RewardOptions.of(Profile.VLM_R1));
    }

    /** One (completion, solution) pair of the workload described above. */
    static String[] sample(SplittableRandom r, int boxes, int cats) {
        StringBuilder gt = new StringBuilder("<answer> ```json\n[");
        StringBuilder[] preds = new StringBuilder[2 * boxes];
        int np = 0;
        for (int b = 0; b < boxes; b++) {
            int x = r.nextInt(0, 1800);
            int y = r.nextInt(0, 1800);
            int w = r.nextInt(16, 240);
            int h = r.nextInt(16, 240);
            String label = "class" + r.nextInt(cats);
            if (b > 0) {
                gt.append(", ");
            }
            gt.append(box(x, y, x + w, y + h, label));
            if (r.nextInt(5) != 0) {
                int jx = r.nextInt(-8, 9);
                int jy = r.nextInt(-8, 9);
                preds[np++] = new StringBuilder(box(x + jx, y + jy, x + w + jx + r.nextInt(-8, 9), y + h + jy + r.nextInt(-8, 9), label));
            }
            if (r.nextInt(5) == 0) {
                int fx = r.nextInt(0, 1800);
                int fy = r.nextInt(0, 1800);
                preds[np++] = new StringBuilder(box(fx, fy, fx + 50, fy + 50, "class" + r.nextInt(cats)));
            }
        }
        for (int i = np - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            StringBuilder t = preds[i];
            preds[i] = preds[j];
            preds[j] = t;
        }
        StringBuilder c = new StringBuilder("<think>I look for every listed object.</think>\n<answer>```json\n[");
        for (int i = 0; i < np; i++) {
            if (i > 0) {
                c.append(", ");
            }
            c.append(preds[i]);
        }
        return new String[] {c.append("]\n```</answer>").toString(), gt.append("]\n``` </answer>").toString()};
    }

    private static String box(int x1, int y1, int x2, int y2, String label) {
        return "{\"bbox_2d\": [" + x1 + ", " + y1 + ", " + x2 + ", " + y2 + "], \"label\": \"" + label + "\"}";
    }

    private void scoreAll(Blackhole bh) {
        for (int i = 0; i < BATCH; i++) {
            bh.consume(scorer.score(Task.OD, completions[i], solutions[i], odAp).totalF32());
        }
    }

    @Benchmark
    @Threads(1)
    @OperationsPerInvocation(BATCH)
    public void oneThread(Blackhole bh) {
        scoreAll(bh);
    }

    @Benchmark
    @Threads(Threads.MAX)
    @OperationsPerInvocation(BATCH)
    public void allThreads(Blackhole bh) {
        scoreAll(bh);
    }
}
