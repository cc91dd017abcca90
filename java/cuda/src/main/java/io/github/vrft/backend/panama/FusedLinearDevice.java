package io.github.vrft.backend.panama;

import io.github.vrft.backend.device.LossStruct;
import io.github.vrft.backend.device.MaskedHidden;
import io.github.vrft.grpo.FusedLinearLogProbs;
import io.github.vrft.grpo.LogitsLogProbs;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * One fused linear step on the device (PanamaBackend's, behind its {@code FusedLinearStep}): hidden [N, H], W [V, H]
 * (bias, tokens, mask) uploaded once for its forward and backward, one chunk of {@code chunkRows × V} logits on the
 * device, cuBLAS GEMMs and the log-softmax kernels of
 * {@code vrft.h} between them, all on the context's stream. Row-major arrays are column-major transposes to cuBLAS:
 * <ul>
 *   <li>logits [c, V] = X[c]·Wᵀ: {@code sgemm(T, N, V, c, H, W, H, X, H, L, V)};</li>
 *   <li>∂X[c] = G·W: {@code sgemm(N, N, H, c, V, W, H, G, V, dX, H)};</li>
 *   <li>∂W += Gᵀ·X[c]: {@code sgemm(N, T, H, V, c, X, H, G, V, dW, H)}, accumulating after the first chunk;</li>
 *   <li>∂b += Σ_rows G: {@code sgemv(N, V, c, G, V, ones, db)}.</li>
 * </ul>
 * The gradient G is written over the chunk's logits by {@code vrft_logits_backward_device}. Masked rows of X are
 * zeroed before the products ({@link MaskedHidden}). The arrays go to and from the device without off-heap copies
 * ({@link DeviceBuffers}); the inputs' buffers are freed at close, each call's own (the gradients) when it returns.
 */
final class FusedLinearDevice implements AutoCloseable {
    private final MemorySegment ctx;
    private final Cublas blas;
    private final DeviceBuffers buffers;
    private final int n;
    private final int h;
    private final int vocab;
    private final int chunkRows;
    private final MemorySegment dX;
    private final MemorySegment dW;
    private final MemorySegment dBias;
    private final MemorySegment dTokens;
    private final MemorySegment dMask;
    private final MemorySegment dLogits;

    FusedLinearDevice(MemorySegment ctx, Cublas blas, float[] hidden, float[] weight, float[] bias, int hiddenSize,
                      int[] tokens, boolean[] mask, int chunkRows) {
        this.ctx = ctx;
        this.blas = blas;
        this.n = tokens.length;
        this.h = hiddenSize;
        this.vocab = weight.length / hiddenSize;
        this.chunkRows = Math.min(chunkRows, n);
        this.buffers = new DeviceBuffers(ctx);
        try (Arena host = Arena.ofConfined()) {
            dX = buffers.upload(MaskedHidden.of(hidden, mask, hiddenSize));
            dW = buffers.upload(weight);
            dBias = buffers.upload(bias);
            dTokens = buffers.upload(tokens);
            dMask = mask == null ? MemorySegment.NULL : buffers.upload(LossStruct.bytes(host, mask));
            dLogits = buffers.alloc(4L * this.chunkRows * vocab);
        } catch (RuntimeException e) {
            buffers.close();
            throw e;
        }
    }

    private static MemorySegment at(MemorySegment base, long bytes) {
        return base.equals(MemorySegment.NULL) ? base : MemorySegment.ofAddress(base.address() + bytes);
    }

    /** logits of rows [r0, r0 + c) into the chunk buffer */
    private void logits(int r0, int c) {
        blas.sgemm(Cublas.OP_T, Cublas.OP_N, vocab, c, h, dW, h, at(dX, 4L * r0 * h), h, false, dLogits, vocab);
    }

    /** The forward; its own buffers (logp, lse) are freed when it returns. */
    LogitsLogProbs.Forward forward(float temperature) {
        try (DeviceBuffers call = new DeviceBuffers(ctx)) {
            MemorySegment dLogp = call.alloc(4L * n);
            MemorySegment dLse = call.alloc(8L * n);
            for (int r0 = 0; r0 < n; r0 += chunkRows) {
                int c = Math.min(chunkRows, n - r0);
                logits(r0, c);
                PanamaBackend.check(vrft_h.vrft_logits_forward_device(ctx, c, vocab, temperature, dLogits, dBias,
                        at(dTokens, 4L * r0), at(dMask, r0), at(dLogp, 4L * r0), at(dLse, 8L * r0)));
            }
            PanamaBackend.check(vrft_h.vrft_synchronize(ctx));
            return new LogitsLogProbs.Forward(call.floats(dLogp, n), call.doubles(dLse, n));
        }
    }

    /** The backward; its own buffers (the gradients among them) are freed when it returns. */
    FusedLinearLogProbs.Gradients backward(float temperature, double[] logSumExp, float[] gradLogp, boolean withBias) {
        try (DeviceBuffers call = new DeviceBuffers(ctx)) {
            return backward(call, temperature, logSumExp, gradLogp, withBias);
        }
    }

    private FusedLinearLogProbs.Gradients backward(DeviceBuffers call, float temperature, double[] logSumExp,
                                                   float[] gradLogp, boolean withBias) {
        MemorySegment dLse = call.upload(logSumExp);
        MemorySegment dGradLogp = call.upload(gradLogp);
        MemorySegment dGradX = call.alloc(4L * n * h);
        MemorySegment dGradW = call.alloc(4L * vocab * h);
        MemorySegment dGradB = withBias ? call.alloc(4L * vocab) : MemorySegment.NULL;
        MemorySegment ones = MemorySegment.NULL;
        if (withBias) {
            float[] o = new float[chunkRows];
            java.util.Arrays.fill(o, 1f);
            ones = call.upload(o);
        }
        for (int r0 = 0; r0 < n; r0 += chunkRows) {
            int c = Math.min(chunkRows, n - r0);
            boolean accumulate = r0 > 0;
            logits(r0, c);
            PanamaBackend.check(vrft_h.vrft_logits_backward_device(ctx, c, vocab, temperature, dLogits, dBias,
                    at(dTokens, 4L * r0), at(dMask, r0), at(dLse, 8L * r0), at(dGradLogp, 4L * r0), dLogits));
            blas.sgemm(Cublas.OP_N, Cublas.OP_N, h, c, vocab, dW, h, dLogits, vocab, false, at(dGradX, 4L * r0 * h), h);
            blas.sgemm(Cublas.OP_N, Cublas.OP_T, h, vocab, c, at(dX, 4L * r0 * h), h, dLogits, vocab, accumulate, dGradW,
                    h);
            if (withBias) {
                blas.sgemv(Cublas.OP_N, vocab, c, dLogits, vocab, ones, accumulate, dGradB);
            }
        }
        PanamaBackend.check(vrft_h.vrft_synchronize(ctx));
        return new FusedLinearLogProbs.Gradients(call.floats(dGradX, n * h), call.floats(dGradW, vocab * h),
                withBias ? call.floats(dGradB, vocab) : null);
    }

    @Override
    public void close() {
        buffers.close();
    }
}
