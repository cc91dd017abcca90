package io.github.vrft.grpo;

import io.github.vrft.VectorSupport;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link ChunkGemm}'s inner loops in Vector API lanes: a dot product with one accumulator per lane (the lanes then
 * added left to right, so that a result never depends on whether the JIT has compiled the reduction) and an axpy,
 * both with fused multiply-adds; the tails scalar. Loaded only when {@link VectorSupport#enabled()}.
 *
 * <p>{@link #dot} and {@link #axpy} define the arithmetic. The blocked kernels ({@link #dots2x4}, {@link
 * #gradHiddenRows2}, {@link #gradWeightRows}) compute several of those results at once, sharing loads and keeping
 * partial sums in registers, with each result's operations in the same order, so they give the same bits
 * ({@code ChunkGemmTest}): a 2 × 4 block of dot products reads 6 vectors per 8 fused multiply-adds instead of 16;
 * the two gradient products keep strips of 4 vectors of two outputs in registers across the whole sum (instead of
 * loading and storing the output per term), each load of W or X serving both.
 */
final class VectorChunkGemm {
    private VectorChunkGemm() {}

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    /** A scratch array of one float per lane, for {@link #dot}; one per task. */
    static float[] lanes() {
        return new float[L];
    }

    static float dot(float[] a, int a0, float[] b, int b0, int n, float[] lanes) {
        int k = 0;
        int bound = S.loopBound(n);
        FloatVector acc = FloatVector.zero(S);
        for (; k < bound; k += L) {
            acc = FloatVector.fromArray(S, a, a0 + k).fma(FloatVector.fromArray(S, b, b0 + k), acc);
        }
        return finish(acc, a, a0, b, b0, bound, n, lanes);
    }

    /** {@link #dot}'s end: the lanes added left to right, then the scalar tail {@code [bound, n)}. */
    private static float finish(FloatVector acc, float[] a, int a0, float[] b, int b0, int bound, int n,
                                float[] lanes) {
        acc.intoArray(lanes, 0);
        float s = 0f;
        for (float lane : lanes) { // left to right: reduceLanes' order depends on the JIT
            s += lane;
        }
        for (int k = bound; k < n; k++) {
            s = Math.fma(a[a0 + k], b[b0 + k], s);
        }
        return s;
    }

    /**
     * {@code out[oa + j] = dot(x, xa, w, w0 + j·n, n)} and {@code out[ob + j] = dot(x, xb, w, w0 + j·n, n)} for the 4
     * consecutive W rows from {@code w0} ({@code j} = 0 .. 3): 8 dot products, the same bits as 8 calls.
     */
    static void dots2x4(float[] x, int xa, int xb, float[] w, int w0, int n, float[] lanes, float[] out, int oa,
                        int ob) {
        int bound = S.loopBound(n);
        int w1 = w0 + n;
        int w2 = w1 + n;
        int w3 = w2 + n;
        FloatVector a0 = FloatVector.zero(S);
        FloatVector a1 = a0;
        FloatVector a2 = a0;
        FloatVector a3 = a0;
        FloatVector b0 = a0;
        FloatVector b1 = a0;
        FloatVector b2 = a0;
        FloatVector b3 = a0;
        for (int k = 0; k < bound; k += L) {
            FloatVector xav = FloatVector.fromArray(S, x, xa + k);
            FloatVector xbv = FloatVector.fromArray(S, x, xb + k);
            FloatVector v0 = FloatVector.fromArray(S, w, w0 + k);
            FloatVector v1 = FloatVector.fromArray(S, w, w1 + k);
            FloatVector v2 = FloatVector.fromArray(S, w, w2 + k);
            FloatVector v3 = FloatVector.fromArray(S, w, w3 + k);
            a0 = xav.fma(v0, a0);
            a1 = xav.fma(v1, a1);
            a2 = xav.fma(v2, a2);
            a3 = xav.fma(v3, a3);
            b0 = xbv.fma(v0, b0);
            b1 = xbv.fma(v1, b1);
            b2 = xbv.fma(v2, b2);
            b3 = xbv.fma(v3, b3);
        }
        out[oa] = finish(a0, x, xa, w, w0, bound, n, lanes);
        out[oa + 1] = finish(a1, x, xa, w, w1, bound, n, lanes);
        out[oa + 2] = finish(a2, x, xa, w, w2, bound, n, lanes);
        out[oa + 3] = finish(a3, x, xa, w, w3, bound, n, lanes);
        out[ob] = finish(b0, x, xb, w, w0, bound, n, lanes);
        out[ob + 1] = finish(b1, x, xb, w, w1, bound, n, lanes);
        out[ob + 2] = finish(b2, x, xb, w, w2, bound, n, lanes);
        out[ob + 3] = finish(b3, x, xb, w, w3, bound, n, lanes);
    }

    static void axpy(float s, float[] x, int x0, float[] y, int y0, int n) {
        int k = 0;
        int bound = S.loopBound(n);
        FloatVector sv = FloatVector.broadcast(S, s);
        for (; k < bound; k += L) {
            FloatVector.fromArray(S, x, x0 + k).fma(sv, FloatVector.fromArray(S, y, y0 + k)).intoArray(y, y0 + k);
        }
        for (; k < n; k++) {
            y[y0 + k] = Math.fma(s, x[x0 + k], y[y0 + k]);
        }
    }

    /**
     * {@code dx[out .. out + n) += Σ_v g[g0 + v]·w[v·n .. v·n + n)} for v = {@code v0 .. v1 - 1} in order, from column
     * {@code k} (a multiple of the lane count) on: the same bits as one {@link #axpy} per v, each output vector held
     * in a register over the sum. Alone it serves a row without a partner; {@link #gradHiddenRows2} ends with it.
     */
    static void gradHiddenRow(float[] g, int g0, int v0, int v1, float[] w, float[] dx, int out, int n, int k) {
        int bound = S.loopBound(n);
        for (; k < bound; k += L) {
            FloatVector y = FloatVector.fromArray(S, dx, out + k);
            for (int v = v0, wk = v0 * n + k; v < v1; v++, wk += n) {
                y = FloatVector.fromArray(S, w, wk).fma(FloatVector.broadcast(S, g[g0 + v]), y);
            }
            y.intoArray(dx, out + k);
        }
        for (; k < n; k++) {
            float y = dx[out + k];
            for (int v = v0; v < v1; v++) {
                y = Math.fma(g[g0 + v], w[v * n + k], y);
            }
            dx[out + k] = y;
        }
    }

    /**
     * {@link #gradHiddenRow} for two rows at once (their G rows at {@code ga} and {@code gb}, their outputs at
     * {@code oa} and {@code ob}): each load of W serves both; each row's result has the same bits as alone.
     */
    static void gradHiddenRows2(float[] g, int ga, int gb, int v0, int v1, float[] w, float[] dx, int oa, int ob,
                                int n) {
        int bound = S.loopBound(n);
        int k = 0;
        for (; k + 4 * L <= bound; k += 4 * L) {
            FloatVector a0 = FloatVector.fromArray(S, dx, oa + k);
            FloatVector a1 = FloatVector.fromArray(S, dx, oa + k + L);
            FloatVector a2 = FloatVector.fromArray(S, dx, oa + k + 2 * L);
            FloatVector a3 = FloatVector.fromArray(S, dx, oa + k + 3 * L);
            FloatVector b0 = FloatVector.fromArray(S, dx, ob + k);
            FloatVector b1 = FloatVector.fromArray(S, dx, ob + k + L);
            FloatVector b2 = FloatVector.fromArray(S, dx, ob + k + 2 * L);
            FloatVector b3 = FloatVector.fromArray(S, dx, ob + k + 3 * L);
            for (int v = v0, wk = v0 * n + k; v < v1; v++, wk += n) {
                FloatVector sa = FloatVector.broadcast(S, g[ga + v]);
                FloatVector sb = FloatVector.broadcast(S, g[gb + v]);
                FloatVector w0 = FloatVector.fromArray(S, w, wk);
                FloatVector w1 = FloatVector.fromArray(S, w, wk + L);
                FloatVector w2 = FloatVector.fromArray(S, w, wk + 2 * L);
                FloatVector w3 = FloatVector.fromArray(S, w, wk + 3 * L);
                a0 = w0.fma(sa, a0);
                a1 = w1.fma(sa, a1);
                a2 = w2.fma(sa, a2);
                a3 = w3.fma(sa, a3);
                b0 = w0.fma(sb, b0);
                b1 = w1.fma(sb, b1);
                b2 = w2.fma(sb, b2);
                b3 = w3.fma(sb, b3);
            }
            a0.intoArray(dx, oa + k);
            a1.intoArray(dx, oa + k + L);
            a2.intoArray(dx, oa + k + 2 * L);
            a3.intoArray(dx, oa + k + 3 * L);
            b0.intoArray(dx, ob + k);
            b1.intoArray(dx, ob + k + L);
            b2.intoArray(dx, ob + k + 2 * L);
            b3.intoArray(dx, ob + k + 3 * L);
        }
        if (k < n) { // the strips' tail, row by row
            gradHiddenRow(g, ga, v0, v1, w, dx, oa, n, k);
            gradHiddenRow(g, gb, v0, v1, w, dx, ob, n, k);
        }
    }

    /**
     * {@code dw[v·n .. v·n + n) += Σ_r g[r·vocab + v]·x[(x0 + r)·n ..)} for {@code v} and, where {@code pair}, for
     * {@code v + 1} too (each load of X serves both), over the rows {@code r} of {@code rows} in order ({@code rows}
     * null: rows 0 .. count - 1): the same bits as one {@link #axpy} per row and vocabulary entry, with strips of 4
     * vectors of both outputs in registers (an entry without a partner, and the columns after the strips, vector by
     * vector).
     */
    static void gradWeightRows(float[] g, int v, boolean pair, int vocab, int[] rows, int count, float[] x, int x0,
                               float[] dw, int n) {
        int oa = v * n;
        int ob = oa + n;
        int bound = S.loopBound(n);
        int k = 0;
        for (; pair && k + 4 * L <= bound; k += 4 * L) {
            FloatVector a0 = FloatVector.fromArray(S, dw, oa + k);
            FloatVector a1 = FloatVector.fromArray(S, dw, oa + k + L);
            FloatVector a2 = FloatVector.fromArray(S, dw, oa + k + 2 * L);
            FloatVector a3 = FloatVector.fromArray(S, dw, oa + k + 3 * L);
            FloatVector b0 = FloatVector.fromArray(S, dw, ob + k);
            FloatVector b1 = FloatVector.fromArray(S, dw, ob + k + L);
            FloatVector b2 = FloatVector.fromArray(S, dw, ob + k + 2 * L);
            FloatVector b3 = FloatVector.fromArray(S, dw, ob + k + 3 * L);
            for (int i = 0; i < count; i++) {
                int r = rows == null ? i : rows[i];
                FloatVector sa = FloatVector.broadcast(S, g[r * vocab + v]);
                FloatVector sb = FloatVector.broadcast(S, g[r * vocab + v + 1]);
                int xk = (x0 + r) * n + k;
                FloatVector x0v = FloatVector.fromArray(S, x, xk);
                FloatVector x1v = FloatVector.fromArray(S, x, xk + L);
                FloatVector x2v = FloatVector.fromArray(S, x, xk + 2 * L);
                FloatVector x3v = FloatVector.fromArray(S, x, xk + 3 * L);
                a0 = x0v.fma(sa, a0);
                a1 = x1v.fma(sa, a1);
                a2 = x2v.fma(sa, a2);
                a3 = x3v.fma(sa, a3);
                b0 = x0v.fma(sb, b0);
                b1 = x1v.fma(sb, b1);
                b2 = x2v.fma(sb, b2);
                b3 = x3v.fma(sb, b3);
            }
            a0.intoArray(dw, oa + k);
            a1.intoArray(dw, oa + k + L);
            a2.intoArray(dw, oa + k + 2 * L);
            a3.intoArray(dw, oa + k + 3 * L);
            b0.intoArray(dw, ob + k);
            b1.intoArray(dw, ob + k + L);
            b2.intoArray(dw, ob + k + 2 * L);
            b3.intoArray(dw, ob + k + 3 * L);
        }
        for (int e = 0; e < (pair ? 2 : 1); e++) { // the rest (or an entry without a partner), vector by vector
            int ve = v + e;
            int out = ve * n;
            int j = k;
            for (; j < bound; j += L) {
                FloatVector y = FloatVector.fromArray(S, dw, out + j);
                for (int i = 0; i < count; i++) {
                    int r = rows == null ? i : rows[i];
                    y = FloatVector.fromArray(S, x, (x0 + r) * n + j).fma(FloatVector.broadcast(S, g[r * vocab + ve]), y);
                }
                y.intoArray(dw, out + j);
            }
            for (; j < n; j++) {
                float y = dw[out + j];
                for (int i = 0; i < count; i++) {
                    int r = rows == null ? i : rows[i];
                    y = Math.fma(g[r * vocab + ve], x[(x0 + r) * n + j], y);
                }
                dw[out + j] = y;
            }
        }
    }
}
