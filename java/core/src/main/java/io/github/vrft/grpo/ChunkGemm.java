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
            int vb = b * VOCAB_BLOCK;
            int v1 = Math.min(vocab, vb + VOCAB_BLOCK);
            if (vector) {
                vectorLogits(x, x0, c, w, bias, vocab, h, out, vb, v1);
                return;
            }
            for (int r = 0; r < c; r++) {
                int xr = (x0 + r) * h;
                for (int v = vb; v < v1; v++) {
                    float d = dot(x, xr, w, v * h, h);
                    out[r * vocab + v] = bias == null ? d : d + bias[v];
                }
            }
        });
    }

    /** {@link #logits} for the vocabulary block {@code [vb, v1)} in blocks of 2 rows × 4 entries, tails one by one. */
    private static void vectorLogits(float[] x, int x0, int c, float[] w, float[] bias, int vocab, int h, float[] out,
                                     int vb, int v1) {
        float[] lanes = VectorChunkGemm.lanes();
        int r = 0;
        for (; r + 1 < c; r += 2) {
            int xa = (x0 + r) * h;
            int oa = r * vocab;
            int v = vb;
            for (; v + 3 < v1; v += 4) {
                VectorChunkGemm.dots2x4(x, xa, xa + h, w, v * h, h, lanes, out, oa + v, oa + vocab + v);
                if (bias != null) {
                    for (int j = 0; j < 4; j++) {
                        out[oa + v + j] += bias[v + j];
                        out[oa + vocab + v + j] += bias[v + j];
                    }
                }
            }
            for (; v < v1; v++) {
                float da = VectorChunkGemm.dot(x, xa, w, v * h, h, lanes);
                float db = VectorChunkGemm.dot(x, xa + h, w, v * h, h, lanes);
                out[oa + v] = bias == null ? da : da + bias[v];
                out[oa + vocab + v] = bias == null ? db : db + bias[v];
            }
        }
        for (; r < c; r++) {
            int xr = (x0 + r) * h;
            for (int v = vb; v < v1; v++) {
                float dv = VectorChunkGemm.dot(x, xr, w, v * h, h, lanes);
                out[r * vocab + v] = bias == null ? dv : dv + bias[v];
            }
        }
    }

    /**
     * Rows per task of {@link #gradHidden}'s vector path: the rows of a task share each block of W while it is in
     * the core's cache, so W comes from memory once per task rather than once per row.
     */
    private static final int ROW_BLOCK = 32;

    /** {@code dx[(x0 + r)·H + ·] = Σ_v G[r, v]·W[v, ·]} for each unmasked row of the chunk (masked rows stay 0). */
    static void gradHidden(float[] g, int c, float[] w, int vocab, int h, boolean[] mask, int x0, float[] dx) {
        if (VectorSupport.enabled()) {
            // per row the terms still go v = 0, 1, ... in order (blocks of W in order), so the bits are the axpy loop's
            blocks(c, ROW_BLOCK).forEach(rb -> {
                int r1 = Math.min(c, (rb + 1) * ROW_BLOCK);
                for (int vb = 0; vb < vocab; vb += VOCAB_BLOCK) {
                    int v1 = Math.min(vocab, vb + VOCAB_BLOCK);
                    int pending = -1; // an unmasked row waiting for a partner
                    for (int r = rb * ROW_BLOCK; r < r1; r++) {
                        if (mask != null && !mask[x0 + r]) {
                            continue;
                        }
                        if (pending < 0) {
                            pending = r;
                        } else {
                            VectorChunkGemm.gradHiddenRows2(g, pending * vocab, r * vocab, vb, v1, w, dx,
                                    (x0 + pending) * h, (x0 + r) * h, h);
                            pending = -1;
                        }
                    }
                    if (pending >= 0) {
                        VectorChunkGemm.gradHiddenRow(g, pending * vocab, vb, v1, w, dx, (x0 + pending) * h, h, 0);
                    }
                }
            });
            return;
        }
        IntStream rows = IntStream.range(0, c);
        (c > 1 ? rows.parallel() : rows).forEach(r -> {
            if (mask != null && !mask[x0 + r]) {
                return;
            }
            int out = (x0 + r) * h;
            for (int v = 0; v < vocab; v++) {
                axpy(g[r * vocab + v], w, v * h, dx, out, h);
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
        int[] rows = mask == null ? null : new int[c]; // the unmasked rows in order; null: all of them
        int count = mask == null ? c : 0;
        for (int r = 0; mask != null && r < c; r++) {
            if (mask[x0 + r]) {
                rows[count++] = r;
            }
        }
        int unmasked = count;
        blocks(vocab, VOCAB_BLOCK).forEach(b -> {
            int v1 = Math.min(vocab, (b + 1) * VOCAB_BLOCK);
            for (int v = b * VOCAB_BLOCK; v < v1; v++) {
                if (vector) {
                    if ((v - b * VOCAB_BLOCK) % 2 == 0) { // v and v + 1 (where the block has it) in one pass
                        VectorChunkGemm.gradWeightRows(g, v, v + 1 < v1, vocab, rows, unmasked, x, x0, dw, h);
                    }
                } else {
                    for (int i = 0; i < unmasked; i++) {
                        int r = rows == null ? i : rows[i];
                        axpy(g[r * vocab + v], x, (x0 + r) * h, dw, v * h, h);
                    }
                }
                if (db != null) {
                    for (int i = 0; i < unmasked; i++) {
                        db[v] += g[(rows == null ? i : rows[i]) * vocab + v];
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
