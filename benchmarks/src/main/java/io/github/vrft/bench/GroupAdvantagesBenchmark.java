package io.github.vrft.bench;

import io.github.vrft.backend.jcuda.JCudaBackend;
import io.github.vrft.grpo.AdvantageFlavor;
import io.github.vrft.grpo.GroupAdvantages;
import io.github.vrft.grpo.Groups;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * Group advantages of n float32 rewards in groups of 8 (arbitrary group ids, as verl's uid), one call per batch.
 * Backends: {@code cpu} (one thread) and {@code jcuda} (copies included). Peers on the same rewards: the TRL
 * formula in eager PyTorch and in NumPy (benchmarks/peers).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch"})
public class GroupAdvantagesBenchmark {
    static final long SEED = 7L;

    @Param({"64", "4096", "1000000"})
    public int n;

    /** {@code trl-group}: TRL's (r − mean) / (std + 1e-4), unbiased std; {@code verl}: μ 0, σ 1 for singletons. */
    @Param({"trl-group", "verl"})
    public String flavor;

    @Param({"cpu"})
    public String backend;

    private float[] rewards;
    private Groups groups;
    private AdvantageFlavor f;
    private JCudaBackend gpu;

    @Setup(Level.Trial)
    public void setup() {
        rewards = RewardWorkload.generate(n, SEED);
        groups = Groups.ofIds(RewardWorkload.groupIds(n));
        f = AdvantageFlavor.parse(flavor);
        gpu = switch (backend) {
            case "cpu" -> null;
            case "jcuda" -> JCudaBackend.open();
            default -> throw new IllegalArgumentException("backend " + backend + ": advantages run on cpu or jcuda");
        };
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (gpu != null) {
            gpu.close();
        }
    }

    @Benchmark
    public float[] compute() {
        return gpu == null ? GroupAdvantages.compute(rewards, groups, f) : gpu.groupAdvantages(rewards, groups, f);
    }
}
