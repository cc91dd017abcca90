package io.github.vrft.backend.panama;

import io.github.vrft.backend.device.LossStruct;
import io.github.vrft.grpo.FusedLinearLogProbs;
import io.github.vrft.grpo.LogitsLogProbs;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

/**
 * One fused linear call on the device (PanamaBackend's): hidden [N, H], W [V, H] (bias, tokens, mask) uploaded once,
 * one chunk of {@code chunkRows × V} logits on the device, cuBLAS GEMMs and the log-softmax kernels of
 * {@code vrft.h} between them, all on the context's stream. Row-major arrays are column-major transposes to cuBLAS:
 * <ul>
 *   <li>logits [c, V] = X[c]·Wᵀ: {@code sgemm(T, N, V, c, H, W, H, X, H, L, V)};</li>
 *   <li>∂X[c] = G·W: {@code sgemm(N, N, H, c, V, W, H, G, V, dX, H)};</li>
 *   <li>∂W += Gᵀ·X[c]: {@code sgemm(N, T, H, V, c, X, H, G, V, dW, H)}, accumulating after the first chunk;</li>
 *   <li>∂b += Σ_rows G: {@code sgemv(N, V, c, G, V, ones, db)}.</li>
 * </ul>
 * The gradient G is written over the chunk's logits by {@code vrft_logits_backward_device}. Masked rows of the
 * device copy of X are zeroed before the products, so that a masked position adds nothing to ∂W whatever its hidden
 * state holds (its G row is exactly 0, and its ∂X row then too). Every device buffer is freed at close.
 */
final class FusedLinearDevice implements AutoCloseable {
    private final MemorySegment ctx;
    private final Cublas blas;
    private final Arena host = Arena.ofConfined();
    private final List<MemorySegment> buffers = new ArrayList<>();
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

    FusedLinearDevice(MemorySegment ctx, float[] hidden, float[] weight, float[] bias, int hiddenSize, int[] tokens,
                      boolean[] mask, int chunkRows) {
        this.ctx = ctx;
        this.n = tokens.length;
        this.h = hiddenSize;
        this.vocab = weight.length / hiddenSize;
        this.chunkRows = Math.min(chunkRows, n);
        MemorySegment x = host.allocateFrom(ValueLayout.JAVA_FLOAT, hidden);
        if (mask != null) {
            for (int r = 0; r < n; r++) {
                if (!mask[r]) {
                    x.asSlice(4L * r * h, 4L * h).fill((byte) 0);
                }
            }
        }
        MemorySegment stream;
        try {
            dX = upload(x);
            dW = upload(host.allocateFrom(ValueLayout.JAVA_FLOAT, weight));
            dBias = bias == null ? MemorySegment.NULL : upload(host.allocateFrom(ValueLayout.JAVA_FLOAT, bias));
            dTokens = upload(host.allocateFrom(ValueLayout.JAVA_INT, tokens));
            dMask = mask == null ? MemorySegment.NULL : upload(LossStruct.bytes(host, mask));
            dLogits = alloc(4L * this.chunkRows * vocab);
            MemorySegment out = host.allocate(ValueLayout.ADDRESS);
            PanamaBackend.check(vrft_h.vrft_context_stream(ctx, out));
            stream = out.get(ValueLayout.ADDRESS, 0);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        Cublas b;
        try {
            b = new Cublas(stream);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        blas = b;
    }

    private MemorySegment alloc(long bytes) {
        MemorySegment out = host.allocate(ValueLayout.ADDRESS);
        PanamaBackend.check(vrft_h.vrft_device_alloc(ctx, bytes, out));
        MemorySegment d = out.get(ValueLayout.ADDRESS, 0);
        buffers.add(d);
        return d;
    }

    private MemorySegment upload(MemorySegment src) {
        MemorySegment d = alloc(src.byteSize());
        PanamaBackend.check(vrft_h.vrft_copy_to_device(ctx, d, src, src.byteSize()));
        return d;
    }

    private static MemorySegment at(MemorySegment base, long bytes) {
        return base.equals(MemorySegment.NULL) ? base : MemorySegment.ofAddress(base.address() + bytes);
    }

    /** logits of rows [r0, r0 + c) into the chunk buffer */
    private void logits(int r0, int c) {
        blas.sgemm(Cublas.OP_T, Cublas.OP_N, vocab, c, h, dW, h, at(dX, 4L * r0 * h), h, false, dLogits, vocab);
    }

    LogitsLogProbs.Forward forward(float temperature) {
        MemorySegment dLogp = alloc(4L * n);
        MemorySegment dLse = alloc(8L * n);
        for (int r0 = 0; r0 < n; r0 += chunkRows) {
            int c = Math.min(chunkRows, n - r0);
            logits(r0, c);
            PanamaBackend.check(vrft_h.vrft_logits_forward_device(ctx, c, vocab, temperature, dLogits, dBias,
                    at(dTokens, 4L * r0), at(dMask, r0), at(dLogp, 4L * r0), at(dLse, 8L * r0)));
        }
        PanamaBackend.check(vrft_h.vrft_synchronize(ctx));
        MemorySegment logp = host.allocate(ValueLayout.JAVA_FLOAT, n);
        MemorySegment lse = host.allocate(ValueLayout.JAVA_DOUBLE, n);
        PanamaBackend.check(vrft_h.vrft_copy_to_host(ctx, logp, dLogp, 4L * n));
        PanamaBackend.check(vrft_h.vrft_copy_to_host(ctx, lse, dLse, 8L * n));
        return new LogitsLogProbs.Forward(logp.toArray(ValueLayout.JAVA_FLOAT), lse.toArray(ValueLayout.JAVA_DOUBLE));
    }

    FusedLinearLogProbs.Gradients backward(float temperature, double[] logSumExp, float[] gradLogp, boolean withBias) {
        MemorySegment dLse = upload(host.allocateFrom(ValueLayout.JAVA_DOUBLE, logSumExp));
        MemorySegment dGradLogp = upload(host.allocateFrom(ValueLayout.JAVA_FLOAT, gradLogp));
        MemorySegment dGradX = alloc(4L * n * h);
        MemorySegment dGradW = alloc(4L * vocab * h);
        MemorySegment dGradB = withBias ? alloc(4L * vocab) : MemorySegment.NULL;
        MemorySegment ones = MemorySegment.NULL;
        if (withBias) {
            MemorySegment o = host.allocate(ValueLayout.JAVA_FLOAT, chunkRows);
            for (int k = 0; k < chunkRows; k++) {
                o.setAtIndex(ValueLayout.JAVA_FLOAT, k, 1f);
            }
            ones = upload(o);
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
        return new FusedLinearLogProbs.Gradients(download(dGradX, (long) n * h), download(dGradW, (long) vocab * h),
                withBias ? download(dGradB, vocab) : null);
    }

    private float[] download(MemorySegment d, long count) {
        MemorySegment out = host.allocate(ValueLayout.JAVA_FLOAT, count);
        PanamaBackend.check(vrft_h.vrft_copy_to_host(ctx, out, d, 4L * count));
        return out.toArray(ValueLayout.JAVA_FLOAT);
    }

    @Override
    public void close() {
        try {
            if (blas != null) {
                blas.close();
            }
        } finally {
            for (MemorySegment d : buffers) {
                vrft_h.vrft_device_free(ctx, d);
            }
            vrft_h.vrft_synchronize(ctx);
            host.close();
        }
    }
}
