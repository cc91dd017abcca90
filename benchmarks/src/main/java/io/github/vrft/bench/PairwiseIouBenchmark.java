package io.github.vrft.bench;

import io.github.vrft.backend.jcuda.JCudaBackend;
import io.github.vrft.box.PairwiseIou;
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
 * Batched ragged all-pairs IoU ({@link BoxWorkload}: 1-6 GT × 0-12 predicted boxes per sample), host arrays
 * in, host array out. Backends: {@code cpu} ({@link PairwiseIou}, parallel above 65k pairs) and {@code jcuda}
 * (copies included; BenchmarkSuite passes it only where the probe finds a GPU). Peers on the same boxes:
 * torchvision.ops.box_iou per sample and NumPy broadcasting over padded arrays (benchmarks/peers).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx3g", "-XX:+AlwaysPreTouch"})
public class PairwiseIouBenchmark {
    static final long SEED = 20260102L;

    /** Samples (completions) per batch. */
    @Param({"64", "4096", "1000000"})
    public int n;

    @Param({"cpu"})
    public String backend;

    private BoxWorkload w;
    private JCudaBackend gpu;

    @Setup(Level.Trial)
    public void setup() {
        w = BoxWorkload.generate(n, SEED);
        gpu = switch (backend) {
            case "cpu" -> null;
            case "jcuda" -> JCudaBackend.open();
            default -> throw new IllegalArgumentException("backend " + backend + ": pairwise IoU runs on cpu or jcuda");
        };
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (gpu != null) {
            gpu.close();
        }
    }

    @Benchmark
    public float[] allPairs() {
        return gpu == null ? PairwiseIou.compute(w.a, w.aOff, w.b, w.bOff) : gpu.pairwiseIou(w.a, w.aOff, w.b, w.bOff);
    }
}
