package io.github.vrft.bench;

import dev.ludovic.netlib.blas.BLAS;
import io.github.vrft.grpo.FusedLinearLogProbs;
import io.github.vrft.grpo.LogitsLogProbs;

import java.util.Arrays;
import java.util.Locale;

/**
 * Issue 19's "a well-kept Java BLAS binding instead, if one serves better": the CPU fused linear log-prob with this
 * project's products ({@link FusedLinearLogProbs}) against the same chunked algorithm whose three products are
 * {@code dev.ludovic.netlib}'s {@code sgemm} (the BLAS binding Spark MLlib uses: JNI to the system's
 * {@code libblas.so.3} where that loads, else its own Vector API Java code, {@code BLAS.getInstance()} decides), the
 * log-softmax being {@link LogitsLogProbs} in both. Same data as {@link FusedLinearRun}; the peer's results are
 * checked against vrft's (logp within 1e-5, each gradient within 1e-4 of its array's largest entry: float32 sums of
 * V terms in two orders; a check that the peer computes the same thing, not of either's accuracy) before both are
 * timed, alternately, forward + backward, median of CALLS after one warm-up call. Prints one JSON line per
 * implementation. A benchmark, not a backend: vrft-core keeps its own products (docs/grpo.md §15 says why).
 *
 * <pre>java ... io.github.vrft.bench.BlasPeerRun N H V CHUNK [CALLS] [--java]</pre>
 */
public final class BlasPeerRun {
    private BlasPeerRun() {}

    public static void main(String[] args) {
        int n = Integer.parseInt(args[0]);
        int h = Integer.parseInt(args[1]);
        int vocab = Integer.parseInt(args[2]);
        int chunk = Integer.parseInt(args[3]);
        int calls = args.length > 4 && !args[4].startsWith("--") ? Integer.parseInt(args[4]) : 3;
        boolean javaOnly = Arrays.asList(args).contains("--java"); // netlib's Java code even where JNI loads
        float tau = 0.7f;
        FusedLinearRun.Inputs in = FusedLinearRun.Inputs.generate(n, h, vocab);
        BLAS blas = javaOnly ? dev.ludovic.netlib.blas.JavaBLAS.getInstance() : BLAS.getInstance();
        Peer peer = new Peer(blas, in.hidden(), in.weight(), h, vocab, in.tokens(), tau, chunk,
                new float[Math.min(chunk, n) * vocab]);

        LogitsLogProbs.Forward ours = FusedLinearLogProbs.forward(in.hidden(), in.weight(), null, h, in.tokens(), null,
                tau, chunk);
        FusedLinearLogProbs.Gradients ourGrads = FusedLinearLogProbs.backward(in.hidden(), in.weight(), null, h,
                in.tokens(), null, tau, chunk, ours, in.gradLogp());
        LogitsLogProbs.Forward theirs = peer.forward();
        float[][] theirGrads = peer.backward(theirs, in.gradLogp());
        for (int i = 0; i < n; i++) {
            if (!(Math.abs(ours.logp()[i] - theirs.logp()[i]) <= 1e-5)) {
                throw new AssertionError("logp[" + i + "]: " + ours.logp()[i] + " against " + theirs.logp()[i]);
            }
        }
        agree(ourGrads.hidden(), theirGrads[0], "∂hidden");
        agree(ourGrads.weight(), theirGrads[1], "∂W");

        double[][] t = new double[2][calls];
        for (int k = -1; k < calls; k++) { // one warm-up call each, then alternately
            for (int impl = 0; impl < 2; impl++) {
                long t0 = System.nanoTime();
                if (impl == 0) {
                    LogitsLogProbs.Forward f = FusedLinearLogProbs.forward(in.hidden(), in.weight(), null, h,
                            in.tokens(), null, tau, chunk);
                    FusedLinearLogProbs.backward(in.hidden(), in.weight(), null, h, in.tokens(), null, tau, chunk, f,
                            in.gradLogp());
                } else {
                    peer.backward(peer.forward(), in.gradLogp());
                }
                if (k >= 0) {
                    t[impl][k] = (System.nanoTime() - t0) / 1e9;
                }
            }
        }
        String[] names = {"vrft-FusedLinearLogProbs", "netlib-" + blas.getClass().getSimpleName()};
        for (int impl = 0; impl < 2; impl++) {
            Arrays.sort(t[impl]);
            double s = t[impl][calls / 2];
            System.out.println(String.format(Locale.ROOT, "{\"implementation\": \"%s\", \"n\": %d, \"h\": %d, "
                    + "\"vocab\": %d, \"chunk\": %d, \"threads\": %d, \"forward_backward_s\": %.6f, \"gflops\": %.1f}",
                    names[impl], n, h, vocab, chunk, Runtime.getRuntime().availableProcessors(), s,
                    4 * 2.0 * n * h * vocab / s / 1e9));
        }
    }

    /** Each entry within 1e-4 of the array's largest magnitude (float32 products summed in different orders). */
    private static void agree(float[] want, float[] got, String what) {
        float scale = 0;
        for (float v : want) {
            scale = Math.max(scale, Math.abs(v));
        }
        for (int i = 0; i < want.length; i++) {
            if (!(Math.abs(want[i] - got[i]) <= 1e-4 * scale)) {
                throw new AssertionError(what + "[" + i + "]: " + want[i] + " against " + got[i]);
            }
        }
    }

    /**
     * The chunked fused linear log-prob with netlib's sgemm for the products. Row-major arrays are column-major
     * transposes to a Fortran BLAS, as to cuBLAS (the same calls as the GPU path, docs/grpo.md §15).
     */
    private record Peer(BLAS blas, float[] x, float[] w, int h, int vocab, int[] tokens, float tau, int chunk,
                        float[] buffer) {
        LogitsLogProbs.Forward forward() {
            int n = tokens.length;
            float[] logp = new float[n];
            double[] lse = new double[n];
            for (int r0 = 0; r0 < n; r0 += chunk) {
                int c = Math.min(chunk, n - r0);
                float[] l = logits(r0, c);
                LogitsLogProbs.Forward f = LogitsLogProbs.forward(l, Arrays.copyOfRange(tokens, r0, r0 + c), null,
                        vocab, tau);
                System.arraycopy(f.logp(), 0, logp, r0, c);
                System.arraycopy(f.logSumExp(), 0, lse, r0, c);
            }
            return new LogitsLogProbs.Forward(logp, lse);
        }

        /** {∂hidden, ∂W}. */
        float[][] backward(LogitsLogProbs.Forward forward, float[] gradLogp) {
            int n = tokens.length;
            float[] dx = new float[x.length];
            float[] dw = new float[w.length];
            for (int r0 = 0; r0 < n; r0 += chunk) {
                int c = Math.min(chunk, n - r0);
                float[] g = logits(r0, c);
                LogitsLogProbs.backward(g, Arrays.copyOfRange(tokens, r0, r0 + c), null, vocab, tau,
                        new LogitsLogProbs.Forward(Arrays.copyOfRange(forward.logp(), r0, r0 + c),
                                Arrays.copyOfRange(forward.logSumExp(), r0, r0 + c)),
                        Arrays.copyOfRange(gradLogp, r0, r0 + c), g);
                blas.sgemm("N", "N", h, c, vocab, 1f, w, 0, h, g, 0, vocab, 0f, dx, r0 * h, h);
                blas.sgemm("N", "T", h, vocab, c, 1f, x, r0 * h, h, g, 0, vocab, r0 > 0 ? 1f : 0f, dw, 0, h);
            }
            return new float[][] {dx, dw};
        }

        /** The chunk's logits, in the reused buffer (as vrft's path reuses its chunk) unless it is the short last one. */
        private float[] logits(int r0, int c) {
            float[] l = c * vocab == buffer.length ? buffer : new float[c * vocab];
            blas.sgemm("T", "N", vocab, c, h, 1f, w, 0, h, x, r0 * h, h, 0f, l, 0, vocab);
            return l;
        }
    }
}
