package io.github.vrft.grpo;

import io.github.vrft.VectorSupport;

import java.util.stream.IntStream;

/**
 * The three products of {@link FusedLinearLogProbs}, on one chunk of {@code c} rows: the logits {@code X·Wᵀ (+ b)},
 * {@code ∂X = G·W} and {@code ∂W += Gᵀ·X} (with {@code ∂b += Σ_r G}). Every sum runs along H or over the chunk's rows
 * in a fixed order, in float32 with fused multiply-adds (as a GEMM does), so a result does not depend on the number
 * of threads. Work is split over the common pool by vocabulary block (logits, ∂W) or by row (∂X). With the Vector
 * API the H loops run in lanes ({@link VectorChunkGemm}); the order of the additions then differs from the scalar
 * loop's, within float32 rounding.
 */
final class ChunkGemm {
    private ChunkGemm() {}

    /** Vocabulary rows per task: 64 rows of W (64·H floats) stay in the core's cache while the chunk's rows pass. */
    private static final int VOCAB_BLOCK = 64;

    private static IntStream blocks(int n, int block) {
        IntStream s = IntStream.range(0, (n + block - 1) / block);
        return n > block ? s.parallel() : s;
    }

    /** {@code out[r·V + v] = Σ_h X[x0 + r, h]·W[v, h] (+ bias[v], in float32)} for the chunk's {@code c} rows. */
    static void logits(float[] x, int x0, int c, float[] w, float[] bias, int vocab, int h, float[] out) {
        boolean vector = VectorSupport.enabled();
        blocks(vocab, VOCAB_BLOCK).forEach(b -> {
            int v1 = Math.min(vocab, (b + 1) * VOCAB_BLOCK);
            float[] lanes = vector ? VectorChunkGemm.lanes() : null;
            for (int r = 0; r < c; r++) {
                int xr = (x0 + r) * h;
                for (int v = b * VOCAB_BLOCK; v < v1; v++) {
                    float d = vector ? VectorChunkGemm.dot(x, xr, w, v * h, h, lanes) : dot(x, xr, w, v * h, h);
                    out[r * vocab + v] = bias == null ? d : d + bias[v];
                }
            }
        });
    }

    /** {@code dx[(x0 + r)·H + ·] = Σ_v G[r, v]·W[v, ·]} for each unmasked row of the chunk (masked rows stay 0). */
    static void gradHidden(float[] g, int c, float[] w, int vocab, int h, boolean[] mask, int x0, float[] dx) {
        boolean vector = VectorSupport.enabled();
        IntStream rows = IntStream.range(0, c);
        (c > 1 ? rows.parallel() : rows).forEach(r -> {
            if (mask != null && !mask[x0 + r]) {
                return;
            }
            int out = (x0 + r) * h;
            for (int v = 0; v < vocab; v++) {
                float s = g[r * vocab + v];
                if (vector) {
                    VectorChunkGemm.axpy(s, w, v * h, dx, out, h);
                } else {
                    axpy(s, w, v * h, dx, out, h);
                }
            }
        });
    }

    /**
     * {@code dw[v, ·] += Σ_r G[r, v]·X[x0 + r, ·]} and {@code db[v] += Σ_r G[r, v]} over the chunk's unmasked rows, rows
     * in order.
     */
    static void gradWeight(float[] g, int c, float[] x, int x0, int vocab, int h, boolean[] mask, float[] dw,
                           float[] db) {
        boolean vector = VectorSupport.enabled();
        blocks(vocab, VOCAB_BLOCK).forEach(b -> {
            int v1 = Math.min(vocab, (b + 1) * VOCAB_BLOCK);
            for (int v = b * VOCAB_BLOCK; v < v1; v++) {
                for (int r = 0; r < c; r++) {
                    if (mask != null && !mask[x0 + r]) {
                        continue;
                    }
                    float s = g[r * vocab + v];
                    if (vector) {
                        VectorChunkGemm.axpy(s, x, (x0 + r) * h, dw, v * h, h);
                    } else {
                        axpy(s, x, (x0 + r) * h, dw, v * h, h);
                    }
                    if (db != null) {
                        db[v] += s;
                    }
                }
            }
        });
    }

    static float dot(float[] a, int a0, float[] b, int b0, int n) {
        float s = 0f;
        for (int k = 0; k < n; k++) {
            s = Math.fma(a[a0 + k], b[b0 + k], s);
        }
        return s;
    }

    static void axpy(float s, float[] x, int x0, float[] y, int y0, int n) {
        for (int k = 0; k < n; k++) {
            y[y0 + k] = Math.fma(s, x[x0 + k], y[y0 + k]);
        }
    }
}
