package io.github.vrft.bench;

import io.github.vrft.backend.Backend;
import io.github.vrft.backend.Backends;
import io.github.vrft.backend.FusedLinearBackend;
import io.github.vrft.backend.FusedLinearStep;
import io.github.vrft.grpo.FusedLinearLogProbs;
import io.github.vrft.grpo.LogitsLogProbs;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The fused linear log-prob for {@code benchmarks/logits/bench.py --fused} (the CPU) and {@code gpu/bench.py} (a GPU
 * backend): generates hidden [N, H] and the lm_head weight [V, H] (seeded, uniform with variances 1 and 1/H), the
 * tokens and ∂L/∂logp, writes them as .npy for the PyTorch peer (unless DIR is {@code -}), then times forward +
 * backward (the median of the timed calls after one warm-up call) and counts the bytes the JVM's threads allocate
 * per call beyond the gradients it returns. Prints one JSON line.
 *
 * <p>With {@code --backend jcuda|panama} the calls go through that backend's {@link FusedLinearBackend}: host arrays
 * in and out, so the times include the copies of hidden and W to the device and of the gradients back. They run as
 * a trainer's step does, through a {@link FusedLinearStep} (the inputs copied once, when it opens: in the forward's
 * time), or with {@code --stateless} through the two stateless calls (the inputs copied for each). A second
 * instance of the backend polls the device's memory in use (total less free) while the calls run; the peak above
 * the level before a call is reported as {@code device_peak_bytes} (inputs, chunk, gradients and cuBLAS's workspace
 * all count, as the driver sees them), with {@code device_input_bytes} (hidden, W and the tokens) beside it.
 *
 * <pre>java ... io.github.vrft.bench.FusedLinearRun N H V CHUNK TAU DIR [CALLS] [--backend NAME [--stateless]]</pre>
 */
public final class FusedLinearRun {
    private FusedLinearRun() {}

    public static void main(String[] args) throws Exception {
        int n = Integer.parseInt(args[0]);
        int h = Integer.parseInt(args[1]);
        int vocab = Integer.parseInt(args[2]);
        int chunk = Integer.parseInt(args[3]);
        float tau = Float.parseFloat(args[4]);
        Path dir = Path.of(args[5]);
        int calls = args.length > 6 && !args[6].startsWith("--") ? Integer.parseInt(args[6]) : 3;
        int at = Arrays.asList(args).indexOf("--backend");
        String backendName = at >= 0 && at + 1 < args.length ? args[at + 1] : "cpu";
        boolean cpu = backendName.equals("cpu");
        boolean stateless = Arrays.asList(args).contains("--stateless");
        Backend device = cpu ? null : Backends.open(backendName);
        Backend probe = cpu ? null : Backends.open(backendName);
        if (!cpu && !(device instanceof FusedLinearBackend)) {
            throw new IllegalArgumentException("backend " + backendName + " has no fused linear path");
        }
        FusedLinearBackend fl = cpu ? null : (FusedLinearBackend) device;
        if (fl != null) { // a backend without its BLAS library says so now, not after the data are made
            fl.fusedLinearForward(new float[1], new float[1], null, 1, new int[1], null, 1f, 1);
        }
        Inputs in = Inputs.generate(n, h, vocab);
        float[] x = in.hidden();
        float[] w = in.weight();
        int[] tokens = in.tokens();
        float[] g = in.gradLogp();
        if (!args[5].equals("-")) {
            long[] tokens64 = new long[n];
            for (int i = 0; i < n; i++) {
                tokens64[i] = tokens[i];
            }
            Files.createDirectories(dir);
            Npy.write(dir.resolve("hidden.npy"), x);
            Npy.write(dir.resolve("weight.npy"), w);
            Npy.write(dir.resolve("tokens.npy"), tokens64);
            Npy.write(dir.resolve("grad_logp.npy"), g);
        }
        MemoryPeak peak = cpu ? null : new MemoryPeak((FusedLinearBackend) probe);
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        double[] fwd = new double[calls];
        double[] bwd = new double[calls];
        long extra = Long.MAX_VALUE;
        long devicePeak = 0;
        for (int k = -1; k < calls; k++) { // one warm-up call
            if (peak != null) {
                peak.start();
            }
            long a0 = mx.getTotalThreadAllocatedBytes();
            long t0 = System.nanoTime();
            LogitsLogProbs.Forward f;
            FusedLinearLogProbs.Gradients gr;
            long t1;
            if (cpu) {
                f = FusedLinearLogProbs.forward(x, w, null, h, tokens, null, tau, chunk);
                t1 = System.nanoTime();
                gr = FusedLinearLogProbs.backward(x, w, null, h, tokens, null, tau, chunk, f, g);
            } else if (stateless) {
                f = fl.fusedLinearForward(x, w, null, h, tokens, null, tau, chunk);
                t1 = System.nanoTime();
                gr = fl.fusedLinearBackward(x, w, null, h, tokens, null, tau, chunk, f, g);
            } else { // a training step's way: the inputs go to the device once, for both passes
                try (FusedLinearStep step = fl.openFusedLinearStep(x, w, null, h, tokens, null, tau, chunk)) {
                    f = step.forward();
                    t1 = System.nanoTime();
                    gr = step.backward(f, g);
                }
            }
            long t2 = System.nanoTime();
            long a1 = mx.getTotalThreadAllocatedBytes();
            if (peak != null) {
                devicePeak = Math.max(devicePeak, peak.stop());
            }
            if (k >= 0) {
                fwd[k] = (t1 - t0) / 1e9;
                bwd[k] = (t2 - t1) / 1e9;
                long outputs = 4L * (gr.hidden().length + gr.weight().length) + 12L * n;
                extra = Math.min(extra, a1 - a0 - outputs);
            }
        }
        if (device != null) {
            device.close();
            probe.close();
        }
        Arrays.sort(fwd);
        Arrays.sort(bwd);
        System.out.println(String.format(Locale.ROOT, "{\"backend\": \"%s\", \"n\": %d, \"h\": %d, \"vocab\": %d, "
                + "\"chunk\": %d, \"threads\": %d, \"forward_s\": %.6f, \"backward_s\": %.6f, \"extra_bytes\": %d, "
                + "\"chunk_bytes\": %d, \"gradient_bytes\": %d, \"device_peak_bytes\": %d, \"device_input_bytes\": %d, "
                + "\"calls\": \"%s\"}",
                backendName, n, h, vocab, chunk, Runtime.getRuntime().availableProcessors(), fwd[calls / 2],
                bwd[calls / 2], extra, FusedLinearLogProbs.scratchBytes(n, vocab, chunk), 4L * (x.length + w.length),
                cpu ? -1 : devicePeak, cpu ? -1 : 4L * (x.length + w.length + n),
                cpu ? "cpu" : stateless ? "stateless" : "step"));
    }

    /** The benchmark's data: hidden [N, H], W [V, H], the tokens and ∂L/∂logp (seeded). */
    record Inputs(float[] hidden, float[] weight, int[] tokens, float[] gradLogp) {
        static Inputs generate(int n, int h, int vocab) {
            SplittableRandom r = new SplittableRandom(23);
            float[] x = new float[Math.multiplyExact(n, h)];
            float[] w = new float[Math.multiplyExact(vocab, h)];
            // uniform with unit variance (hidden) and 1/H (W): as cheap as a draw gets, since W has 300M entries at
            // Qwen's shape; the cost of the products does not depend on the values
            double unit = Math.sqrt(3);
            for (int k = 0; k < x.length; k++) {
                x[k] = (float) (unit * (2 * r.nextDouble() - 1));
            }
            double scale = unit / Math.sqrt(h);
            for (int k = 0; k < w.length; k++) {
                w[k] = (float) (scale * (2 * r.nextDouble() - 1));
            }
            int[] tokens = new int[n];
            float[] g = new float[n];
            for (int i = 0; i < n; i++) {
                tokens[i] = r.nextInt(vocab);
                g[i] = (float) r.nextGaussian();
            }
            return new Inputs(x, w, tokens, g);
        }
    }

    /**
     * The device's memory in use polled on a thread of its own (every 200 µs) through a second backend instance, so
     * that it does not wait for the instance that runs the calls; {@link #stop} gives the peak above the level at
     * {@link #start}. An allocation that lives shorter than the period can be missed, so the figure is a lower bound
     * of the peak; the fused linear path's buffers live for a whole call.
     */
    private static final class MemoryPeak {
        private final FusedLinearBackend probe;
        private final AtomicLong max = new AtomicLong();
        private volatile boolean running;
        private Thread thread;
        private long base;

        MemoryPeak(FusedLinearBackend probe) {
            this.probe = probe;
        }

        void start() {
            base = probe.deviceMemoryInUse();
            max.set(base);
            running = true;
            thread = Thread.ofPlatform().daemon().name("device-memory-probe").start(() -> {
                while (running) {
                    max.accumulateAndGet(probe.deviceMemoryInUse(), Math::max);
                    LockSupport.parkNanos(200_000);
                }
            });
        }

        long stop() throws InterruptedException {
            running = false;
            thread.join();
            max.accumulateAndGet(probe.deviceMemoryInUse(), Math::max);
            return max.get() - base;
        }
    }
}
