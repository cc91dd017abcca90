package io.github.vrft.backend;

import io.github.vrft.grpo.AdvantageFlavor;
import io.github.vrft.grpo.Groups;
import io.github.vrft.grpo.TokenBatch;
import io.github.vrft.grpo.TrlLossOptions;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.SplittableRandom;

/**
 * Where a GPU backend starts to beat the CPU backend on this machine, per op: the smallest batch size at
 * which the GPU was measured faster and stayed faster at every larger size measured ({@link #NEVER} when it
 * never was). {@code auto} runs a call on the GPU from that size on. The sizes count completions for the
 * reward step, samples (of 8 × 8 boxes) for pairwise IoU, rewards for advantages and tokens for the loss.
 * Measured by {@link #measure}, never guessed; it can be saved and loaded as a properties file
 * ({@code vrft calibrate --output FILE}, then {@code -Dvrft.crossover=FILE}).
 */
public record Crossover(String device, long rewardStep, long pairwiseIou, long advantages, long lossTokens, String measured) {
    /** The GPU never won at the sizes measured. */
    public static final long NEVER = Long.MAX_VALUE;

    /** Sizes tried per op, smallest first (each op scales its own unit from these). */
    static final int[] BATCHES = {64, 256, 1024, 4096, 16384};

    /**
     * No op's measured crossover is below this: every op's sizes start at or above it (64 samples or
     * completions, 4,096 rewards, 1,024 tokens), and a crossover is one of the sizes measured or {@link #NEVER}.
     */
    public static final long SMALLEST_MEASURED = 64;

    /**
     * The crossover of one op from paired timings at increasing sizes: the smallest size from which the GPU
     * time is below the CPU time at every measured size; {@link #NEVER} if the GPU is slower at the largest.
     */
    public static long crossoverOf(long[] sizes, double[] cpuNanos, double[] gpuNanos) {
        if (sizes.length == 0 || sizes.length != cpuNanos.length || sizes.length != gpuNanos.length) {
            throw new IllegalArgumentException("sizes, cpuNanos and gpuNanos must be non-empty and of one length");
        }
        long from = NEVER;
        for (int i = sizes.length - 1; i >= 0; i--) {
            if (gpuNanos[i] < cpuNanos[i]) {
                from = sizes[i];
            } else {
                break;
            }
        }
        return from;
    }

    /** Runs op on the GPU for a batch of {@code size}? */
    static boolean gpuFor(long crossover, long size) {
        return crossover != NEVER && size >= crossover;
    }

    @FunctionalInterface
    private interface Op {
        void run(Backend b);
    }

    /** The best of 3 timed calls after one warm-up call, in nanoseconds. */
    private static double time(Backend b, Op op) {
        op.run(b);
        double best = Double.MAX_VALUE;
        for (int k = 0; k < 3; k++) {
            long t0 = System.nanoTime();
            op.run(b);
            best = Math.min(best, System.nanoTime() - t0);
        }
        return best;
    }

    /** Times one op at every size on both backends; stops growing once a call takes over a second. */
    private static long crossover(Backend cpu, Backend gpu, long[] sizes, java.util.function.LongFunction<Op> ops) {
        int n = 0;
        double[] c = new double[sizes.length];
        double[] g = new double[sizes.length];
        for (; n < sizes.length; n++) {
            Op op = ops.apply(sizes[n]);
            c[n] = time(cpu, op);
            g[n] = time(gpu, op);
            if (Math.max(c[n], g[n]) > 1e9) {
                n++;
                break;
            }
        }
        return crossoverOf(java.util.Arrays.copyOf(sizes, n), java.util.Arrays.copyOf(c, n), java.util.Arrays.copyOf(g, n));
    }

    private static float[] boxes(SplittableRandom r, int n) {
        float[] a = new float[4 * n];
        for (int k = 0; k < a.length; k += 4) {
            a[k] = r.nextInt(0, 900);
            a[k + 1] = r.nextInt(0, 900);
            a[k + 2] = a[k] + r.nextInt(1, 200);
            a[k + 3] = a[k + 1] + r.nextInt(1, 200);
        }
        return a;
    }

    private static long[] every(int batch, int per) {
        long[] off = new long[batch + 1];
        for (int i = 0; i < batch; i++) {
            off[i + 1] = off[i] + per;
        }
        return off;
    }

    /**
     * Measures the crossover of {@code gpu} against {@code cpu} on synthetic batches: reward steps of
     * completions with 8 predicted and 8 ground-truth boxes in groups of 8, pairwise IoU of 8 × 8 boxes a
     * sample, trl-group advantages, and the TRL grpo loss with k3 KL at 1,024 tokens a row. A few seconds on
     * a GPU; each size's cost is capped at about a second.
     */
    public static Crossover measure(Backend cpu, Backend gpu, String device) {
        long t0 = System.nanoTime();
        SplittableRandom r = new SplittableRandom(1);
        long[] batches = java.util.Arrays.stream(BATCHES).asLongStream().toArray();
        long step = crossover(cpu, gpu, batches, n -> {
            int b = (int) n;
            float[] pred = boxes(r, 8 * b);
            float[] gt = boxes(r, 8 * b);
            double[] conf = new double[8 * b];
            java.util.Arrays.fill(conf, 0.5);
            float[] format = new float[b];
            Groups groups = Groups.contiguous(b, 8);
            long[] off = every(b, 8);
            return be -> be.rewardStep(pred, conf, off, gt, off, format, groups, AdvantageFlavor.TRL_GROUP);
        });
        long iou = crossover(cpu, gpu, batches, n -> {
            int b = (int) n;
            float[] a = boxes(r, 8 * b);
            long[] off = every(b, 8);
            return be -> be.pairwiseIou(a, off, a, off);
        });
        long[] rewardCounts = java.util.Arrays.stream(BATCHES).asLongStream().map(x -> 64 * x).toArray();
        long adv = crossover(cpu, gpu, rewardCounts, n -> {
            float[] rw = new float[(int) n];
            for (int i = 0; i < rw.length; i++) {
                rw[i] = r.nextInt(0, 4);
            }
            Groups groups = Groups.contiguous(rw.length, 8);
            return be -> be.groupAdvantages(rw, groups, AdvantageFlavor.TRL_GROUP);
        });
        long[] tokenCounts = {1024, 8 * 1024, 64 * 1024, 512 * 1024, 4 * 1024 * 1024};
        long loss = crossover(cpu, gpu, tokenCounts, n -> {
            int rows = (int) (n / 1024);
            float[] logp = new float[rows * 1024];
            float[] ref = new float[logp.length];
            boolean[] mask = new boolean[logp.length];
            for (int k = 0; k < logp.length; k++) {
                logp[k] = (float) -r.nextDouble(0.01, 3);
                ref[k] = logp[k] + (float) r.nextGaussian() * 0.05f;
                mask[k] = k % 1024 < 900;
            }
            float[] a = new float[rows];
            for (int i = 0; i < rows; i++) {
                a[i] = (float) r.nextGaussian();
            }
            TokenBatch tb = TokenBatch.builder(rows, 1024).logp(logp).refLogp(ref).mask(mask).advantages(a).build();
            TrlLossOptions o = TrlLossOptions.builder().beta(0.04).build();
            return be -> be.policyLoss(tb, o);
        });
        String when = String.format(java.util.Locale.ROOT, "measured in %.1f s against %d CPU cores",
                (System.nanoTime() - t0) / 1e9, Runtime.getRuntime().availableProcessors());
        return new Crossover(device, step, iou, adv, loss, when);
    }

    private static String size(long v) {
        return v == NEVER ? "never" : Long.toString(v);
    }

    /** One line: where the GPU starts to win, per op. */
    public String summary() {
        return "GPU from: reward step " + size(rewardStep) + " completions, pairwise IoU " + size(pairwiseIou)
                + " samples, advantages " + size(advantages) + " rewards, loss " + size(lossTokens) + " tokens ("
                + device + ", " + measured + ")";
    }

    /** Saves as a properties file. */
    public void save(Path file) throws IOException {
        Properties p = new Properties();
        p.setProperty("device", device);
        p.setProperty("measured", measured);
        p.setProperty("reward_step", size(rewardStep));
        p.setProperty("pairwise_iou", size(pairwiseIou));
        p.setProperty("advantages", size(advantages));
        p.setProperty("loss_tokens", size(lossTokens));
        try (Writer w = Files.newBufferedWriter(file)) {
            p.store(w, "vrft-kernels: CPU/GPU crossover (vrft calibrate)");
        }
    }

    /**
     * Loads a file written by {@link #save}.
     *
     * @throws IllegalArgumentException naming the file and the key that is missing or not a size
     */
    public static Crossover load(Path file) throws IOException {
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(file)) {
            p.load(in);
        }
        return new Crossover(p.getProperty("device", "?"), parse(p, "reward_step", file), parse(p, "pairwise_iou", file),
                parse(p, "advantages", file), parse(p, "loss_tokens", file), p.getProperty("measured", "?") + ", loaded from " + file);
    }

    private static long parse(Properties p, String key, Path file) {
        String v = p.getProperty(key);
        if (v == null) {
            throw new IllegalArgumentException(file + ": no " + key);
        }
        if (v.equals("never")) {
            return NEVER;
        }
        try {
            long n = Long.parseLong(v.trim());
            if (n < 0) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(file + ": " + key + " must be a size or 'never', got '" + v + "'");
        }
    }
}
