package io.github.vrft.bench;

import io.github.vrft.backend.Backend;
import io.github.vrft.backend.Backends;
import io.github.vrft.backend.RewardStep;
import io.github.vrft.grpo.AdvantageFlavor;
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

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * The detection reward step on parsed boxes (matching, rewards, float32 totals, trl-group advantages in
 * groups of 8), one call per batch of n completions with 8 predicted and 8 ground-truth boxes each, on a
 * backend: {@code cpu}, {@code jcuda} (two device round trips), {@code panama} (one downcall). At n = 64 the
 * time per call is the backend's fixed cost per batch (the panama target is at most 15 µs); over n it gives
 * the CPU/GPU crossover that {@code auto} also measures at run time.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch"})
public class RewardStepBenchmark {
    @Param({"64", "512", "4096", "32768"})
    public int n;

    @Param({"cpu"})
    public String backend;

    private float[] pred;
    private double[] conf;
    private float[] gt;
    private long[] off;
    private float[] format;
    private Groups groups;
    private Backend b;

    @Setup(Level.Trial)
    public void setup() {
        SplittableRandom r = new SplittableRandom(11);
        gt = new float[32 * n];
        pred = new float[32 * n];
        conf = new double[8 * n];
        for (int k = 0; k < gt.length; k += 4) {
            gt[k] = r.nextInt(0, 800);
            gt[k + 1] = r.nextInt(0, 800);
            gt[k + 2] = gt[k] + r.nextInt(8, 200);
            gt[k + 3] = gt[k + 1] + r.nextInt(8, 200);
            for (int c = 0; c < 4; c++) { // near their ground truth, so about half of them match
                pred[k + c] = gt[k + c] + r.nextInt(-20, 21);
            }
            conf[k / 4] = r.nextInt(0, 101) / 100.0;
        }
        off = new long[n + 1];
        for (int i = 0; i < n; i++) {
            off[i + 1] = off[i] + 8;
        }
        format = new float[n];
        java.util.Arrays.fill(format, 1f);
        groups = Groups.contiguous(n, 8);
        b = Backends.open(backend);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        b.close();
    }

    @Benchmark
    public RewardStep step() {
        return b.rewardStep(pred, conf, off, gt, off, format, groups, AdvantageFlavor.TRL_GROUP);
    }
}
