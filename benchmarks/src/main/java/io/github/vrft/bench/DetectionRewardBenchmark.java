package io.github.vrft.bench;

import io.github.vrft.reward.RewardOptions;
import io.github.vrft.reward.RewardScorer;
import io.github.vrft.reward.Task;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

/**
 * Visual-RFT detection rewards, parse to total (accuracy_iou + accuracy_confidence + format), profile
 * visual-rft with the gate off, CPU (parsing is string work and stays in Java). One call scores a batch of
 * {@code n} completions; completions/s = n / time. The peer, benchmarks/peers/visual_rft_rewards.py, scores the
 * same generated batch (BenchmarkSuite exports it).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx4g", "-XX:+AlwaysPreTouch"})
public class DetectionRewardBenchmark {
    static final long SEED = 20260101L;

    /** Completions per batch: a Visual-RFT step (8, 64), a scoring chunk (4096), large-scale scoring (10^6). */
    @Param({"8", "64", "4096", "1000000"})
    public int n;

    /** {@code 0-12}: 0 to 12 boxes per answer; {@code 4}: 3 to 5 boxes (about 4). */
    @Param({"0-12"})
    public String boxes;

    /** Completions sharing one solution: 8, a GRPO group (1 makes every solution distinct). */
    @Param({"8"})
    public int group;

    /** {@code 1}: one thread; {@code all}: the batch split over the common pool (every core). */
    @Param({"1", "all"})
    public String threads;

    private RolloutWorkload work;
    private RewardScorer scorer;
    private float[] totals;

    @Setup
    public void setup() {
        work = workload(n, boxes, group);
        scorer = new RewardScorer(RewardOptions.defaults());
        totals = new float[n];
    }

    static RolloutWorkload workload(int n, String boxes, int group) {
        int lo = boxes.equals("4") ? 3 : 0;
        int hi = boxes.equals("4") ? 5 : 12;
        return RolloutWorkload.detection(n, lo, hi, 0.05, group, SEED);
    }

    @Benchmark
    public float[] scoreBatch() {
        IntStream range = IntStream.range(0, n);
        if (threads.equals("all")) {
            range = range.parallel();
        }
        range.forEach(i -> totals[i] = scorer.score(Task.DETECTION, work.completions[i], work.solutions[i]).totalF32());
        return totals;
    }
}
