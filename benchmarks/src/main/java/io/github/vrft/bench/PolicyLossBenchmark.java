package io.github.vrft.bench;

import io.github.vrft.backend.jcuda.JCudaBackend;
import io.github.vrft.backend.panama.PanamaBackend;
import io.github.vrft.grpo.LossOptions;
import io.github.vrft.grpo.LossResult;
import io.github.vrft.grpo.PolicyLoss;
import io.github.vrft.grpo.TokenBatch;
import io.github.vrft.grpo.TrlLossOptions;
import io.github.vrft.grpo.VerlLossOptions;
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
 * The clipped-ratio policy loss, forward and backward fused (loss, d loss / d logp, per-token loss and KL,
 * metrics), on the CPU backend, using every core (the loss splits rows over the common pool). Score: time per
 * call; tokens/s = B·T / time.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx4g", "-XX:+AlwaysPreTouch", "--add-modules", "jdk.incubator.vector"})
public class PolicyLossBenchmark {
    /** B × T: 64 × 1024 (65k), 1024 × 1024 (1M), 8192 × 2048 (16M tokens). */
    @Param({"64x1024", "1024x1024", "8192x2048"})
    public String shape;

    /** trl-dapo: TRL defaults (dapo, β 0); trl-dapo-kl: β 0.04 (k3); verl-kl: vanilla, dual clip, low_var_kl. */
    @Param({"trl-dapo", "trl-dapo-kl", "verl-kl"})
    public String config;

    /** vector: the Vector API path where it applies (TRL configs); scalar: {@code -Dvrft.vector=false}. */
    @Param({"vector", "scalar"})
    public String path;

    /** {@code cpu}, {@code jcuda} or {@code panama} (the GPU ones copies included; BenchmarkSuite passes them only
     *  where their probe finds a GPU). */
    @Param({"cpu"})
    public String backend;

    static final long SEED = 42L;
    private TokenBatch batch;
    private LossOptions options;
    private JCudaBackend jcuda;
    private PanamaBackend panama;

    @Setup(Level.Trial)
    public void setup() {
        System.setProperty("vrft.vector", String.valueOf(path.equals("vector")));
        batch = LossWorkload.ofShape(shape, SEED).batch();
        switch (backend) {
            case "cpu" -> { }
            case "jcuda" -> jcuda = JCudaBackend.open();
            case "panama" -> panama = PanamaBackend.open();
            default -> throw new IllegalArgumentException("backend " + backend + ": cpu, jcuda or panama");
        }
        options = switch (config) {
            case "trl-dapo" -> TrlLossOptions.builder().build();
            case "trl-dapo-kl" -> TrlLossOptions.builder().beta(0.04).build();
            default -> VerlLossOptions.builder().useKlLoss(true).build();
        };
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (jcuda != null) {
            jcuda.close();
        }
        if (panama != null) {
            panama.close();
        }
    }

    @Benchmark
    public LossResult forwardBackward() {
        if (jcuda != null) {
            return jcuda.policyLoss(batch, options);
        }
        return panama != null ? panama.policyLoss(batch, options) : PolicyLoss.compute(batch, options);
    }
}
