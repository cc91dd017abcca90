package io.github.vrft.bench;

import io.github.vrft.grpo.LogitsLogProbs;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The logits path on the CPU for {@code benchmarks/logits/bench.py}: generates logits [N, V] (seeded), the tokens and
 * ∂L/∂logp, writes them as .npy for the PyTorch peer (same data, same run), then times
 * {@link LogitsLogProbs#forward} + {@link LogitsLogProbs#backward} (the median of the timed calls after warm-up calls),
 * once returning a new gradient array and once writing the gradient over (a copy of) the logits, and counts the bytes
 * the JVM's threads allocate per call (an upper bound of the memory the call needs beyond its inputs). Prints one JSON
 * line.
 *
 * <pre>java ... io.github.vrft.bench.LogitsRun N V TAU DIR [CALLS]</pre>
 */
public final class LogitsRun {
    private LogitsRun() {}

    public static void main(String[] args) throws Exception {
        int n = Integer.parseInt(args[0]);
        int vocab = Integer.parseInt(args[1]);
        float tau = Float.parseFloat(args[2]);
        Path dir = Path.of(args[3]);
        int calls = args.length > 4 ? Integer.parseInt(args[4]) : 5;
        SplittableRandom r = new SplittableRandom(17);
        float[] logits = new float[Math.multiplyExact(n, vocab)];
        for (int k = 0; k < logits.length; k++) {
            logits[k] = (float) (r.nextGaussian() * 3);
        }
        int[] tokens = new int[n];
        long[] tokens64 = new long[n];
        float[] grad = new float[n];
        for (int i = 0; i < n; i++) {
            tokens[i] = r.nextInt(vocab);
            tokens64[i] = tokens[i];
            grad[i] = (float) r.nextGaussian();
        }
        Files.createDirectories(dir);
        Npy.write(dir.resolve("logits.npy"), logits);
        Npy.write(dir.resolve("tokens.npy"), tokens64);
        Npy.write(dir.resolve("grad_logp.npy"), grad);
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        // a new gradient array each call, then the gradient written over a copy of the logits (no allocation)
        StringBuilder json = new StringBuilder("{\"n\": " + n + ", \"vocab\": " + vocab + ", \"threads\": "
                + Runtime.getRuntime().availableProcessors() + ", \"gradient_bytes\": " + 4L * n * vocab);
        float[] scratch = new float[logits.length];
        for (boolean inPlace : new boolean[] {false, true}) {
            double[] fwd = new double[calls];
            double[] bwd = new double[calls];
            long allocated = Long.MAX_VALUE;
            for (int k = -2; k < calls; k++) { // two warm-up calls
                if (inPlace) {
                    System.arraycopy(logits, 0, scratch, 0, logits.length); // not timed, not allocated
                }
                float[] x = inPlace ? scratch : logits;
                long a0 = mx.getTotalThreadAllocatedBytes();
                long t0 = System.nanoTime();
                LogitsLogProbs.Forward f = LogitsLogProbs.forward(x, tokens, null, vocab, tau);
                long t1 = System.nanoTime();
                if (inPlace) {
                    LogitsLogProbs.backward(x, tokens, null, vocab, tau, f, grad, x);
                } else {
                    LogitsLogProbs.backward(x, tokens, null, vocab, tau, f, grad);
                }
                long t2 = System.nanoTime();
                long a1 = mx.getTotalThreadAllocatedBytes();
                if (k >= 0) {
                    fwd[k] = (t1 - t0) / 1e9;
                    bwd[k] = (t2 - t1) / 1e9;
                    allocated = Math.min(allocated, a1 - a0);
                }
            }
            Arrays.sort(fwd);
            Arrays.sort(bwd);
            String p = inPlace ? "in_place_" : "";
            json.append(String.format(Locale.ROOT, ", \"%sforward_s\": %.6f, \"%sbackward_s\": %.6f, \"%sallocated_bytes\": %d",
                    p, fwd[calls / 2], p, bwd[calls / 2], p, allocated));
        }
        System.out.println(json.append('}'));
    }
}
