package io.github.vrft.grpo;

import io.github.vrft.VectorSupport;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link ChunkGemm}'s inner loops in Vector API lanes: a dot product with one accumulator per lane (the lanes then
 * added left to right, so that a result never depends on whether the JIT has compiled the reduction) and an axpy,
 * both with fused multiply-adds; the tails scalar. Loaded only when {@link VectorSupport#enabled()}.
 */
final class VectorChunkGemm {
    private VectorChunkGemm() {}

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    /** A scratch array of one float per lane, for {@link #dot}; one per task. */
    static float[] lanes() {
        return new float[S.length()];
    }

    static float dot(float[] a, int a0, float[] b, int b0, int n, float[] lanes) {
        int k = 0;
        int bound = S.loopBound(n);
        FloatVector acc = FloatVector.zero(S);
        for (; k < bound; k += S.length()) {
            acc = FloatVector.fromArray(S, a, a0 + k).fma(FloatVector.fromArray(S, b, b0 + k), acc);
        }
        acc.intoArray(lanes, 0);
        float s = 0f;
        for (float lane : lanes) { // left to right: reduceLanes' order depends on the JIT
            s += lane;
        }
        for (; k < n; k++) {
            s = Math.fma(a[a0 + k], b[b0 + k], s);
        }
        return s;
    }

    static void axpy(float s, float[] x, int x0, float[] y, int y0, int n) {
        int k = 0;
        int bound = S.loopBound(n);
        FloatVector sv = FloatVector.broadcast(S, s);
        for (; k < bound; k += S.length()) {
            FloatVector.fromArray(S, x, x0 + k).fma(sv, FloatVector.fromArray(S, y, y0 + k)).intoArray(y, y0 + k);
        }
        for (; k < n; k++) {
            y[y0 + k] = Math.fma(s, x[x0 + k], y[y0 + k]);
        }
    }
}
