package io.github.vrft.bench;

import io.github.vrft.grpo.LossOptions;
import io.github.vrft.grpo.LossResult;
import io.github.vrft.grpo.PolicyLoss;
import io.github.vrft.grpo.TokenBatch;
import io.github.vrft.grpo.TrlLossOptions;
import io.github.vrft.grpo.VerlLossOptions;
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
@Fork(value = 1, jvmArgsAppend = {"-Xms3g", "-Xmx3g", "--add-modules", "jdk.incubator.vector"})
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

    private TokenBatch batch;
    private LossOptions options;

    @Setup
    public void setup() {
        System.setProperty("vrft.vector", String.valueOf(path.equals("vector")));
        String[] bt = shape.split("x");
        int rows = Integer.parseInt(bt[0]);
        int cols = Integer.parseInt(bt[1]);
        batch = LossWorkload.batch(rows, cols, 42);
        options = switch (config) {
            case "trl-dapo" -> TrlLossOptions.builder().build();
            case "trl-dapo-kl" -> TrlLossOptions.builder().beta(0.04).build();
            default -> VerlLossOptions.builder().useKlLoss(true).build();
        };
    }

    @Benchmark
    public LossResult forwardBackward() {
        return PolicyLoss.compute(batch, options);
    }

    /** Generated log-probabilities: rows of random length (half to all of T), ratios near 1, a few clipped. */
    static final class LossWorkload {
        static TokenBatch batch(int rows, int cols, long seed) {
            SplittableRandom r = new SplittableRandom(seed);
            float[] x = new float[rows * cols];
            float[] old = new float[rows * cols];
            float[] ref = new float[rows * cols];
            boolean[] mask = new boolean[rows * cols];
            float[] adv = new float[rows];
            for (int i = 0; i < rows; i++) {
                adv[i] = (float) r.nextGaussian();
                int len = r.nextInt(cols / 2, cols + 1);
                for (int t = 0; t < cols; t++) {
                    int k = i * cols + t;
                    x[k] = (float) -r.nextDouble(0.01, 3);
                    old[k] = x[k] + (float) r.nextGaussian() * 0.1f;
                    ref[k] = x[k] + (float) r.nextGaussian() * 0.1f;
                    mask[k] = t < len;
                }
            }
            return TokenBatch.builder(rows, cols).logp(x).oldLogp(old).refLogp(ref).mask(mask).advantages(adv).build();
        }
    }
}
