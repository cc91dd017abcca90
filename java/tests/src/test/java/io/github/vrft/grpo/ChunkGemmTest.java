package io.github.vrft.grpo;

import io.github.vrft.VectorSupport;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The blocked Vector API products of {@link ChunkGemm} (2 × 4 blocks of dot products; output strips kept in registers;
 * blocks of rows sharing W) against the arithmetic that defines them, one {@link VectorChunkGemm#dot} per logit and
 * one {@link VectorChunkGemm#axpy} per term in order (below, at the top), bit for bit: on row counts, vocabularies
 * and hidden sizes that are not multiples of a block, a strip or a vector (tails of every kind), with masked rows,
 * a bias, and NaN and infinite entries.
 */
public class ChunkGemmTest {

    // ---- the definition: one dot product per logit, one axpy per term ------------------------------------------

    static float[] logitsByDot(float[] x, int x0, int c, float[] w, float[] bias, int vocab, int h) {
        float[] out = new float[c * vocab];
        float[] lanes = VectorChunkGemm.lanes();
        for (int r = 0; r < c; r++) {
            for (int v = 0; v < vocab; v++) {
                float d = VectorChunkGemm.dot(x, (x0 + r) * h, w, v * h, h, lanes);
                out[r * vocab + v] = bias == null ? d : d + bias[v];
            }
        }
        return out;
    }

    static void gradHiddenByAxpy(float[] g, int c, float[] w, int vocab, int h, boolean[] mask, int x0, float[] dx) {
        for (int r = 0; r < c; r++) {
            if (mask == null || mask[x0 + r]) {
                for (int v = 0; v < vocab; v++) {
                    VectorChunkGemm.axpy(g[r * vocab + v], w, v * h, dx, (x0 + r) * h, h);
                }
            }
        }
    }

    static void gradWeightByAxpy(float[] g, int c, float[] x, int x0, int vocab, int h, boolean[] mask, float[] dw,
                                 float[] db) {
        for (int v = 0; v < vocab; v++) {
            for (int r = 0; r < c; r++) {
                if (mask == null || mask[x0 + r]) {
                    VectorChunkGemm.axpy(g[r * vocab + v], x, (x0 + r) * h, dw, v * h, h);
                    if (db != null) {
                        db[v] += g[r * vocab + v];
                    }
                }
            }
        }
    }

    // ---- the tests ----------------------------------------------------------------------------------------------

    private static float[] gaussians(SplittableRandom r, int n, boolean salted) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) r.nextGaussian();
        }
        if (salted && n > 10) {
            a[r.nextInt(n)] = Float.NaN;
            a[r.nextInt(n)] = Float.POSITIVE_INFINITY;
            a[r.nextInt(n)] = -0.0f;
        }
        return a;
    }

    @Test
    void blockedProductsGiveTheBitsOfOneDotOrAxpyPerTerm() {
        assumeTrue(VectorSupport.enabled(), "the Vector API module is not present: only the scalar path runs");
        SplittableRandom rnd = new SplittableRandom(41);
        int checked = 0;
        for (int h : new int[] {1, 5, 8, 24, 37, 64, 67, 130}) {
            for (int c : new int[] {1, 2, 7, 33, 70}) {
                for (int vocab : new int[] {1, 3, 66, 139}) {
                    boolean salted = (h + c + vocab) % 3 == 0;
                    int x0 = c % 3; // the chunk starts inside X
                    float[] x = gaussians(rnd, (x0 + c) * h, salted);
                    float[] w = gaussians(rnd, vocab * h, salted);
                    float[] bias = vocab % 2 == 1 ? gaussians(rnd, vocab, false) : null;
                    boolean[] mask = new boolean[x0 + c];
                    for (int i = 0; i < mask.length; i++) {
                        mask[i] = c == 1 || rnd.nextInt(5) != 0;
                    }
                    boolean[] m = h % 2 == 0 ? mask : null;
                    String where = "h=" + h + " c=" + c + " vocab=" + vocab;

                    float[] logits = new float[c * vocab];
                    ChunkGemm.logits(x, x0, c, w, bias, vocab, h, logits);
                    assertArrayEquals(logitsByDot(x, x0, c, w, bias, vocab, h), logits, "logits " + where);

                    float[] g = gaussians(rnd, c * vocab, salted);
                    float[] dx = new float[(x0 + c) * h];
                    float[] dxWant = new float[dx.length];
                    ChunkGemm.gradHidden(g, c, w, vocab, h, m, x0, dx);
                    gradHiddenByAxpy(g, c, w, vocab, h, m, x0, dxWant);
                    assertArrayEquals(dxWant, dx, "∂X " + where);

                    float[] dw = gaussians(rnd, vocab * h, false); // accumulates onto earlier chunks
                    float[] dwWant = dw.clone();
                    float[] db = bias == null ? null : gaussians(rnd, vocab, false);
                    float[] dbWant = db == null ? null : db.clone();
                    ChunkGemm.gradWeight(g, c, x, x0, vocab, h, m, dw, db);
                    gradWeightByAxpy(g, c, x, x0, vocab, h, m, dwWant, dbWant);
                    assertArrayEquals(dwWant, dw, "∂W " + where);
                    assertArrayEquals(dbWant, db, "∂b " + where);
                    checked++;
                }
            }
        }
        assertEquals(160, checked);
    }
}
