package io.github.vrft.bench;

import io.github.vrft.grpo.FusedLinearLogProbs;
import io.github.vrft.grpo.LogitsLogProbs;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The fused linear log-prob on the CPU for {@code benchmarks/logits/bench.py --fused}: generates hidden [N, H], the
 * lm_head weight [V, H] (seeded), the tokens and ∂L/∂logp, writes them as .npy for the PyTorch peer, then times
 * {@link FusedLinearLogProbs#forward} + {@link FusedLinearLogProbs#backward} (the median of the timed calls after one
 * warm-up call) and counts the bytes the JVM's threads allocate per call beyond the gradients it returns. Prints one
 * JSON line.
 *
 * <pre>java ... io.github.vrft.bench.FusedLinearRun N H V CHUNK TAU DIR [CALLS]</pre>
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
        int calls = args.length > 6 ? Integer.parseInt(args[6]) : 3;
        SplittableRandom r = new SplittableRandom(23);
        float[] x = new float[Math.multiplyExact(n, h)];
        float[] w = new float[Math.multiplyExact(vocab, h)];
        for (int k = 0; k < x.length; k++) {
            x[k] = (float) r.nextGaussian();
        }
        for (int k = 0; k < w.length; k++) {
            w[k] = (float) (r.nextGaussian() / Math.sqrt(h));
        }
        int[] tokens = new int[n];
        long[] tokens64 = new long[n];
        float[] g = new float[n];
        for (int i = 0; i < n; i++) {
            tokens[i] = r.nextInt(vocab);
            tokens64[i] = tokens[i];
            g[i] = (float) r.nextGaussian();
        }
        Files.createDirectories(dir);
        Npy.write(dir.resolve("hidden.npy"), x);
        Npy.write(dir.resolve("weight.npy"), w);
        Npy.write(dir.resolve("tokens.npy"), tokens64);
        Npy.write(dir.resolve("grad_logp.npy"), g);
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        double[] fwd = new double[calls];
        double[] bwd = new double[calls];
        long extra = Long.MAX_VALUE;
        for (int k = -1; k < calls; k++) { // one warm-up call
            long a0 = mx.getTotalThreadAllocatedBytes();
            long t0 = System.nanoTime();
            LogitsLogProbs.Forward f = FusedLinearLogProbs.forward(x, w, null, h, tokens, null, tau, chunk);
            long t1 = System.nanoTime();
            FusedLinearLogProbs.Gradients gr = FusedLinearLogProbs.backward(x, w, null, h, tokens, null, tau, chunk, f, g);
            long t2 = System.nanoTime();
            long a1 = mx.getTotalThreadAllocatedBytes();
            if (k >= 0) {
                fwd[k] = (t1 - t0) / 1e9;
                bwd[k] = (t2 - t1) / 1e9;
                long outputs = 4L * (gr.hidden().length + gr.weight().length) + 12L * n;
                extra = Math.min(extra, a1 - a0 - outputs);
            }
        }
        Arrays.sort(fwd);
        Arrays.sort(bwd);
        System.out.println(String.format(Locale.ROOT, "{\"n\": %d, \"h\": %d, \"vocab\": %d, \"chunk\": %d, \"threads\": %d, "
                + "\"forward_s\": %.6f, \"backward_s\": %.6f, \"extra_bytes\": %d, \"chunk_bytes\": %d, "
                + "\"gradient_bytes\": %d}", n, h, vocab, chunk, Runtime.getRuntime().availableProcessors(),
                fwd[calls / 2], bwd[calls / 2], extra, FusedLinearLogProbs.scratchBytes(n, vocab, chunk),
                4L * (x.length + w.length)));
    }
}
