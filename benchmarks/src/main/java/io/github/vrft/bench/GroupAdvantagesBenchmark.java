package io.github.vrft.bench;

import io.github.vrft.grpo.AdvantageFlavor;
import io.github.vrft.grpo.GroupAdvantages;
import io.github.vrft.grpo.Groups;
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

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/** Group advantages of n rewards in groups of 8 (verl uid ids), one thread. Score: time per call. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class GroupAdvantagesBenchmark {
    @Param({"1000", "10000", "100000", "1000000"})
    public int n;

    @Param({"trl-group", "verl"})
    public String flavor;

    private double[] rewards;
    private Groups groups;
    private AdvantageFlavor f;

    @Setup
    public void setup() {
        SplittableRandom r = new SplittableRandom(7);
        rewards = new double[n];
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) {
            rewards[i] = r.nextInt(0, 4) + r.nextDouble();
            ids[i] = i / 8;
        }
        groups = Groups.ofIds(ids);
        f = AdvantageFlavor.parse(flavor);
    }

    @Benchmark
    public double[] compute() {
        return GroupAdvantages.compute(rewards, groups, f);
    }
}
