package io.github.vrft.bench;

import io.github.vrft.reward.RewardOptions;
import io.github.vrft.reward.RewardScorer;
import io.github.vrft.reward.Task;
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

import java.util.concurrent.TimeUnit;

/**
 * Visual-RFT detection rewards, parse to total (accuracy_iou + accuracy_confidence + format), profile
 * visual-rft with the gate off, on the CPU backend. Scores: completions per second (ops/s), one thread and
 * all threads (JMH sums the threads' throughput).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class DetectionRewardBenchmark {
    static final int BATCH = 4096;

    /** {@code 0-12}: 0 to 12 boxes per answer; {@code 4}: 3 to 5 boxes (about 4). */
    @Param({"0-12", "4"})
    public String boxes;

    /** Completions sharing one solution: 1 (every solution distinct, the worst case) or 8 (a GRPO group). */
    @Param({"1", "8"})
    public int group;

    private RolloutWorkload work;
    private RewardScorer scorer;

    @Setup
    public void setup() {
        int lo = boxes.equals("4") ? 3 : 0;
        int hi = boxes.equals("4") ? 5 : 12;
        work = RolloutWorkload.detection(BATCH, lo, hi, 0.05, group, 20260101L + Thread.currentThread().threadId());
        scorer = new RewardScorer(RewardOptions.defaults());
    }

    private void scoreAll(Blackhole bh) {
        for (int i = 0; i < BATCH; i++) {
            bh.consume(scorer.score(Task.DETECTION, work.completions[i], work.solutions[i]).totalF32());
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
