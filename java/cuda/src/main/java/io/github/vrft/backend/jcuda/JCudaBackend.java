package io.github.vrft.backend.jcuda;

import io.github.vrft.backend.DeviceBackend;
import io.github.vrft.backend.FusedLinearBackend;
import io.github.vrft.backend.FusedLinearStep;
import io.github.vrft.backend.device.LossStruct;
import io.github.vrft.backend.device.MaskedHidden;
import io.github.vrft.box.DetectionMatch;
import io.github.vrft.grpo.DeviceLossConfig;
import io.github.vrft.grpo.FusedLinearLogProbs;
import io.github.vrft.grpo.Groups;
import io.github.vrft.grpo.LogitsLogProbs;
import io.github.vrft.grpo.LossResult;
import io.github.vrft.grpo.TokenBatch;
import jcuda.Pointer;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;
import jcuda.driver.CUstream;
import jcuda.driver.JCudaDriver;
import jcuda.jcublas.JCublas2;
import jcuda.jcublas.cublasHandle;
import jcuda.jcublas.cublasOperation;
import jcuda.runtime.cudaStream_t;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The jcuda backend: the kernels of {@code cuda/}, loaded from the jar's fatbin and launched through JCuda's
 * driver API on one context and one stream per instance. Inputs are staged off-heap and copied
 * asynchronously on the stream; every device buffer is closed before a call returns. CUDA errors become
 * {@code jcuda.CudaException}s naming the CUDA error. Thread-safe: the calls on one instance are serialized
 * (they share its stream); threads that want to overlap work open one instance each.
 *
 * <p>Checks, modes without kernels and the CPU fallback are {@link DeviceBackend}'s; this class only marshals.
 */
public final class JCudaBackend extends DeviceBackend implements FusedLinearBackend {
    private static final int BLOCK = 256;

    private final CUcontext context = new CUcontext();
    private final CUstream stream = new CUstream();
    private final CUmodule module = new CUmodule();
    private final CUfunction iou = new CUfunction();
    private final CUfunction detection = new CUfunction();
    private final CUfunction advantages = new CUfunction();
    private final CUfunction lossRows = new CUfunction();
    private final CUfunction lossCounts = new CUfunction();
    private final CUfunction lossTokens = new CUfunction();
    private final CUfunction logitsForward = new CUfunction();
    private final CUfunction logitsBackward = new CUfunction();
    /** The fused linear path's JCublas handle on {@link #stream}, made at its first call, destroyed with the context. */
    private cublasHandle blas;

    private JCudaBackend() {
        CUdevice dev = new CUdevice();
        JCudaDriver.cuDeviceGet(dev, 0);
        JCudaDriver.cuCtxCreate(context, 0, dev);
        JCudaDriver.cuStreamCreate(stream, 0);
        JCudaDriver.cuModuleLoadData(module, JCudaProbe.fatbin());
        JCudaDriver.cuModuleGetFunction(iou, module, "vrft_pairwise_iou_kernel");
        JCudaDriver.cuModuleGetFunction(detection, module, "vrft_detection_rewards_kernel");
        JCudaDriver.cuModuleGetFunction(advantages, module, "vrft_group_advantages_kernel");
        JCudaDriver.cuModuleGetFunction(lossRows, module, "vrft_loss_rows");
        JCudaDriver.cuModuleGetFunction(lossCounts, module, "vrft_loss_counts");
        JCudaDriver.cuModuleGetFunction(lossTokens, module, "vrft_loss_tokens");
        JCudaDriver.cuModuleGetFunction(logitsForward, module, "vrft_logits_forward_kernel");
        JCudaDriver.cuModuleGetFunction(logitsBackward, module, "vrft_logits_backward_kernel");
    }

    /**
     * Opens the backend on device 0.
     *
     * @throws IllegalStateException with the probe's reason when the backend is unavailable
     */
    public static JCudaBackend open() {
        JCudaProbe.Status s = JCudaProbe.status();
        if (!s.available()) {
            throw new IllegalStateException("jcuda backend " + s);
        }
        return new JCudaBackend();
    }

    @Override
    public String name() {
        return "jcuda";
    }

    @Override
    public String describe() {
        return "jcuda: " + JCudaProbe.status().device() + " (CUDA driver " + JCudaProbe.status().driver()
                + "); policy-loss modes without kernels, and advantage flavours visual-rft, trl-batch and"
                + " verl-vectorized, run on the CPU";
    }

    private void current() {
        JCudaDriver.cuCtxSetCurrent(context);
    }

    /** Device buffers of one call, all closed at its end. */
    private static final class Buffers implements AutoCloseable {
        final List<DeviceBuffer> all = new ArrayList<>();

        DeviceBuffer alloc(long bytes) {
            DeviceBuffer b = DeviceBuffer.allocate(bytes);
            all.add(b);
            return b;
        }

        @Override
        public void close() {
            for (DeviceBuffer b : all) {
                b.close();
            }
        }
    }

    private DeviceBuffer upload(Buffers bufs, Arena arena, MemorySegment host) {
        DeviceBuffer d = bufs.alloc(host.byteSize());
        if (host.byteSize() > 0) {
            JCudaDriver.cuMemcpyHtoDAsync(d.ptr, Pointer.to(host.asByteBuffer()), host.byteSize(), stream);
        }
        return d;
    }

    /*
     * Arrays go to and from the device straight from the Java heap: JCuda pins an array for a synchronous copy
     * (GetPrimitiveArrayCritical), so there is no off-heap copy of it, and no 2 GiB limit of a ByteBuffer view. The
     * synchronous copies run on the legacy stream, which the context's stream (created blocking) waits for and which
     * waits for it, so they are ordered with the kernels.
     */

    private DeviceBuffer upload(Buffers bufs, float[] v) {
        return v == null ? null : upload(bufs, Pointer.to(v), 4L * v.length);
    }

    private DeviceBuffer upload(Buffers bufs, double[] v) {
        return upload(bufs, Pointer.to(v), 8L * v.length);
    }

    private DeviceBuffer upload(Buffers bufs, int[] v) {
        return upload(bufs, Pointer.to(v), 4L * v.length);
    }

    /** A device buffer of {@code bytes} filled from {@code array} (a Pointer to a Java array), synchronously. */
    private static DeviceBuffer upload(Buffers bufs, Pointer array, long bytes) {
        DeviceBuffer d = bufs.alloc(bytes);
        if (bytes > 0) {
            JCudaDriver.cuMemcpyHtoD(d.ptr, array, bytes);
        }
        return d;
    }

    /** The first {@code count} floats of d, in a new array (after the stream's queued work). */
    private static float[] floats(DeviceBuffer d, int count) {
        float[] out = new float[count];
        download(d, Pointer.to(out), 4L * count);
        return out;
    }

    /** The first {@code count} doubles of d, in a new array (after the stream's queued work). */
    private static double[] doubles(DeviceBuffer d, int count) {
        double[] out = new double[count];
        download(d, Pointer.to(out), 8L * count);
        return out;
    }

    /** {@code bytes} of d into {@code array} (a Pointer to a Java array), synchronously. */
    private static void download(DeviceBuffer d, Pointer array, long bytes) {
        if (bytes > 0) {
            JCudaDriver.cuMemcpyDtoH(array, d.ptr, bytes);
        }
    }

    private void download(DeviceBuffer d, MemorySegment host) {
        if (host.byteSize() > 0) {
            JCudaDriver.cuMemcpyDtoHAsync(Pointer.to(host.asByteBuffer()), d.ptr, host.byteSize(), stream);
        }
    }

    private static Pointer arg(Object a) {
        if (a == null) {
            return Pointer.to(new CUdeviceptr()); // a null device pointer
        }
        if (a instanceof DeviceBuffer b) {
            return Pointer.to(b.ptr);
        }
        if (a instanceof CUdeviceptr p) { // a slice: DeviceBuffer.ptr.withByteOffset
            return Pointer.to(p);
        }
        if (a instanceof Integer i) {
            return Pointer.to(new int[] {i});
        }
        if (a instanceof Double d) {
            return Pointer.to(new double[] {d});
        }
        if (a instanceof ByteBuffer bb) {
            return Pointer.to(bb);
        }
        throw new IllegalArgumentException("unsupported kernel argument " + a.getClass());
    }

    private void launch(CUfunction f, long grid, Object... args) {
        if (grid <= 0) {
            return;
        }
        if (grid > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("grid of " + grid + " blocks is too large for one launch");
        }
        Pointer[] ps = new Pointer[args.length];
        for (int i = 0; i < args.length; i++) {
            ps[i] = arg(args[i]);
        }
        JCudaDriver.cuLaunchKernel(f, (int) grid, 1, 1, BLOCK, 1, 1, 0, stream, Pointer.to(ps), null);
    }

    @Override
    protected LossResult devicePolicyLoss(TokenBatch b, DeviceLossConfig cfg) {
        current();
        int rows = b.rows();
        int n = (int) b.size();
        long tokenBlocks = (n + BLOCK - 1) / BLOCK;
        try (Arena arena = Arena.ofConfined(); Buffers bufs = new Buffers()) {
            MemorySegment cs = LossStruct.of(arena, cfg);
            MemorySegment mask = LossStruct.maskBytes(arena, b);
            DeviceBuffer dLogp = upload(bufs, b.logp());
            DeviceBuffer dOld = upload(bufs, b.oldLogp());
            DeviceBuffer dRef = upload(bufs, b.refLogp());
            DeviceBuffer dIsw = upload(bufs, b.isWeightsPerToken());
            DeviceBuffer dMask = upload(bufs, arena, mask);
            DeviceBuffer dAdv = upload(bufs, b.advantages());
            DeviceBuffer dRowLen = bufs.alloc(4L * rows);
            DeviceBuffer dRowSums = bufs.alloc(24L * rows);
            DeviceBuffer dCounts = bufs.alloc(16);
            DeviceBuffer dGrad = bufs.alloc(4L * n);
            DeviceBuffer dPtl = bufs.alloc(4L * n);
            DeviceBuffer dKl = cfg.hasKl() ? bufs.alloc(4L * n) : null;
            DeviceBuffer dPartials = bufs.alloc(8L * DeviceLossConfig.PARTIALS * tokenBlocks);
            DeviceBuffer dRowLowHigh = bufs.alloc(8L * rows);
            JCudaDriver.cuMemsetD8Async(dRowLowHigh.ptr, (byte) 0, 8L * rows, stream);
            ByteBuffer cfgArg = cs.asByteBuffer();
            launch(lossRows, rows, cfgArg, dLogp, dOld, dRef, dIsw, dMask, dRowLen, dRowSums);
            JCudaDriver.cuLaunchKernel(lossCounts, 1, 1, 1, BLOCK, 1, 1, 0, stream,
                    Pointer.to(arg(dRowLen), arg(rows), arg(dCounts)), null);
            launch(lossTokens, tokenBlocks, cfgArg, dLogp, dOld, dRef, dIsw, dMask, dAdv, dRowLen, dRowSums, dCounts,
                    dGrad, dPtl, dKl, dPartials, dRowLowHigh);
            MemorySegment grad = arena.allocate(ValueLayout.JAVA_FLOAT, n);
            MemorySegment ptl = arena.allocate(ValueLayout.JAVA_FLOAT, n);
            MemorySegment kl = dKl == null ? null : arena.allocate(ValueLayout.JAVA_FLOAT, n);
            MemorySegment partials = arena.allocate(ValueLayout.JAVA_DOUBLE, DeviceLossConfig.PARTIALS * tokenBlocks);
            MemorySegment rowLowHigh = arena.allocate(ValueLayout.JAVA_INT, 2L * rows);
            download(dGrad, grad);
            download(dPtl, ptl);
            if (kl != null) {
                download(dKl, kl);
            }
            download(dPartials, partials);
            download(dRowLowHigh, rowLowHigh);
            JCudaDriver.cuStreamSynchronize(stream);
            double[] sums = new double[DeviceLossConfig.PARTIALS];
            for (long blk = 0; blk < tokenBlocks; blk++) { // block order: deterministic
                for (int j = 0; j < sums.length; j++) {
                    sums[j] += partials.getAtIndex(ValueLayout.JAVA_DOUBLE, blk * sums.length + j);
                }
            }
            return cfg.result(b, sums, rowLowHigh.toArray(ValueLayout.JAVA_INT), grad.toArray(ValueLayout.JAVA_FLOAT),
                    ptl.toArray(ValueLayout.JAVA_FLOAT), kl == null ? null : kl.toArray(ValueLayout.JAVA_FLOAT));
        }
    }

    @Override
    protected float[] devicePairwiseIou(int batch, float[] a, long[] aOff, float[] b, long[] bOff, long[] outOff) {
        current();
        try (Arena arena = Arena.ofConfined(); Buffers bufs = new Buffers()) {
            DeviceBuffer dA = upload(bufs, a);
            DeviceBuffer dAOff = upload(bufs, arena, arena.allocateFrom(ValueLayout.JAVA_LONG, aOff));
            DeviceBuffer dB = upload(bufs, b);
            DeviceBuffer dBOff = upload(bufs, arena, arena.allocateFrom(ValueLayout.JAVA_LONG, bOff));
            DeviceBuffer dOutOff = upload(bufs, arena, arena.allocateFrom(ValueLayout.JAVA_LONG, outOff));
            DeviceBuffer dOut = bufs.alloc(4L * outOff[batch]);
            long blocks = Math.min((outOff[batch] + BLOCK - 1) / BLOCK, 65535L * 16);
            launch(iou, blocks, dA, dAOff, dB, dBOff, dOutOff, batch, dOut);
            MemorySegment out = arena.allocate(ValueLayout.JAVA_FLOAT, Math.max(outOff[batch], 0));
            download(dOut, out);
            JCudaDriver.cuStreamSynchronize(stream);
            return out.toArray(ValueLayout.JAVA_FLOAT);
        }
    }

    /** Fused matching and rewards, one thread per completion (see {@link DetectionMatch#compute}, its CPU twin). */
    @Override
    protected DetectionMatch.Result deviceDetectionRewards(int batch, float[] pred, double[] conf, long[] predOff,
                                                           float[] gt, long[] gtOff) {
        current();
        try (Arena arena = Arena.ofConfined(); Buffers bufs = new Buffers()) {
            DeviceBuffer dPred = upload(bufs, pred);
            DeviceBuffer dConf = upload(bufs, conf);
            DeviceBuffer dPredOff = upload(bufs, arena, arena.allocateFrom(ValueLayout.JAVA_LONG, predOff));
            DeviceBuffer dGt = upload(bufs, gt);
            DeviceBuffer dGtOff = upload(bufs, arena, arena.allocateFrom(ValueLayout.JAVA_LONG, gtOff));
            DeviceBuffer dUsed = bufs.alloc(gt.length / 4);
            DeviceBuffer dMatch = bufs.alloc(4L * (pred.length / 4));
            DeviceBuffer dIou = bufs.alloc(8L * batch);
            DeviceBuffer dConfR = bufs.alloc(8L * batch);
            launch(detection, (batch + BLOCK - 1) / BLOCK, dPred, dConf, dPredOff, dGt, dGtOff, batch, dUsed, dMatch,
                    dIou, dConfR);
            MemorySegment match = arena.allocate(ValueLayout.JAVA_INT, pred.length / 4);
            MemorySegment iouR = arena.allocate(ValueLayout.JAVA_DOUBLE, batch);
            MemorySegment confR = arena.allocate(ValueLayout.JAVA_DOUBLE, batch);
            download(dMatch, match);
            download(dIou, iouR);
            download(dConfR, confR);
            JCudaDriver.cuStreamSynchronize(stream);
            return new DetectionMatch.Result(iouR.toArray(ValueLayout.JAVA_DOUBLE), confR.toArray(ValueLayout.JAVA_DOUBLE),
                    match.toArray(ValueLayout.JAVA_INT));
        }
    }

    @Override
    protected float[] deviceGroupAdvantages(float[] rewards, Groups groups, int code) {
        current();
        try (Arena arena = Arena.ofConfined(); Buffers bufs = new Buffers()) {
            DeviceBuffer dR = upload(bufs, rewards);
            DeviceBuffer dStart = upload(bufs, groups.offsets());
            DeviceBuffer dMember = upload(bufs, groups.members());
            DeviceBuffer dAdv = bufs.alloc(4L * rewards.length);
            launch(advantages, (groups.count() + BLOCK - 1) / BLOCK, dR, dStart, dMember, groups.count(), code, dAdv);
            MemorySegment out = arena.allocate(ValueLayout.JAVA_FLOAT, rewards.length);
            download(dAdv, out);
            JCudaDriver.cuStreamSynchronize(stream);
            return out.toArray(ValueLayout.JAVA_FLOAT);
        }
    }

    // One block of BLOCK threads per row (the kernels' block merge takes any multiple of 32 up to 1024).
    @Override
    protected LogitsLogProbs.Forward deviceLogitsForward(int rows, float[] logits, int[] tokens, boolean[] mask,
                                                        int vocab, float temperature) {
        current();
        try (Arena arena = Arena.ofConfined(); Buffers bufs = new Buffers()) {
            DeviceBuffer dLogits = upload(bufs, logits);
            DeviceBuffer dTokens = upload(bufs, tokens);
            DeviceBuffer dMask = mask == null ? null : upload(bufs, arena, LossStruct.bytes(arena, mask));
            DeviceBuffer dLogp = bufs.alloc(4L * rows);
            DeviceBuffer dLse = bufs.alloc(8L * rows);
            launch(logitsForward, rows, dLogits, null, dTokens, dMask, vocab, 1.0 / temperature, dLogp, dLse);
            return new LogitsLogProbs.Forward(floats(dLogp, rows), doubles(dLse, rows));
        }
    }

    @Override
    protected float[] deviceLogitsBackward(int rows, float[] logits, int[] tokens, boolean[] mask, int vocab,
                                           float temperature, double[] logSumExp, float[] gradLogp) {
        current();
        try (Arena arena = Arena.ofConfined(); Buffers bufs = new Buffers()) {
            DeviceBuffer dLogits = upload(bufs, logits);
            DeviceBuffer dTokens = upload(bufs, tokens);
            DeviceBuffer dMask = mask == null ? null : upload(bufs, arena, LossStruct.bytes(arena, mask));
            DeviceBuffer dLse = upload(bufs, logSumExp);
            DeviceBuffer dGradLogp = upload(bufs, gradLogp);
            // the gradient is written over the device copy of the logits (the kernel allows it)
            launch(logitsBackward, rows, dLogits, null, dTokens, dMask, vocab, 1.0 / temperature, dLse, dGradLogp,
                    dLogits);
            return floats(dLogits, logits.length);
        }
    }

    // ---- the fused linear log-prob with JCublas (the twin of PanamaBackend's FFM path; docs/grpo.md §15) ----------

    private static final String JCUBLAS_ERROR = loadJCublas();

    private static String loadJCublas() {
        try {
            JCublas2.setExceptionsEnabled(true);
            JCublas2.initialize(); // loads libJCublas2, which needs libcublas.so.12 (a CUDA 12 runtime)
            return null;
        } catch (Throwable e) { // UnsatisfiedLinkError where libcublas.so.12 is absent: reported, never thrown here
            return "JCublas unavailable: " + e;
        }
    }

    /** The bytes of this process's live device buffers ({@link DeviceBuffer#liveBytes()}). */
    @Override
    public long deviceMemoryInUse() {
        return DeviceBuffer.liveBytes();
    }

    /** "JCublas2 (libcublas.so.12)" when the fused linear path can run here, else why not. */
    public static String cublas() {
        return JCUBLAS_ERROR == null ? "JCublas2 (libcublas.so.12)" : JCUBLAS_ERROR;
    }

    /**
     * A {@link FusedLinearStep} on the device with JCublas (the inputs uploaded here, once for the forward and the
     * backward); on the CPU for an empty batch.
     *
     * @throws IllegalArgumentException naming the argument at fault, before anything native runs
     * @throws IllegalStateException    where JCublas cannot load, or this backend is closed
     */
    @Override
    public synchronized FusedLinearStep openFusedLinearStep(float[] hidden, float[] weight, float[] bias,
                                                            int hiddenSize, int[] tokens, boolean[] mask,
                                                            float temperature, int chunkRows) {
        int vocab = FusedLinearLogProbs.checkInputs(hidden, weight, bias, hiddenSize, tokens, mask, temperature,
                chunkRows);
        if (tokens.length == 0) {
            return FusedLinearStep.onCpu(hidden, weight, bias, hiddenSize, tokens, mask, temperature, chunkRows);
        }
        if (JCUBLAS_ERROR != null) {
            throw new IllegalStateException(JCUBLAS_ERROR);
        }
        requireOpen();
        current();
        if (blas == null) { // one handle per context, not per call (PyTorch keeps one per thread and device)
            cublasHandle made = new cublasHandle();
            JCublas2.cublasCreate(made);
            try {
                JCublas2.cublasSetStream(made, new cudaStream_t(stream));
            } catch (RuntimeException e) {
                JCublas2.cublasDestroy(made);
                throw e;
            }
            blas = made;
        }
        return opened(new Step(hidden, weight, bias, hiddenSize, vocab, tokens, mask, temperature, chunkRows));
    }

    /**
     * A step's device copies of its inputs and its chunk of logits, as PanamaBackend's FusedLinearDevice holds them:
     * row-major arrays are column-major transposes to cuBLAS, masked rows of hidden are zeroed before the upload.
     * Its calls hold this backend's lock (one context, one stream, one handle).
     */
    private final class Step implements FusedLinearStep {
        private Buffers inputs = new Buffers(); // null once closed
        private final int n;
        private final int h;
        private final int vocab;
        private final int chunk;
        private final double invT;
        private final DeviceBuffer dX;
        private final DeviceBuffer dW;
        private final DeviceBuffer dB;
        private final DeviceBuffer dTokens;
        private final DeviceBuffer dMask;
        private final DeviceBuffer dLogits;

        Step(float[] hidden, float[] weight, float[] bias, int h, int vocab, int[] tokens, boolean[] mask,
             float temperature, int chunkRows) {
            this.n = tokens.length;
            this.h = h;
            this.vocab = vocab;
            this.chunk = Math.min(chunkRows, n);
            this.invT = 1.0 / temperature;
            try (Arena arena = Arena.ofConfined()) {
                dX = upload(inputs, MaskedHidden.of(hidden, mask, h));
                dW = upload(inputs, weight);
                dB = upload(inputs, bias);
                dTokens = upload(inputs, tokens);
                dMask = mask == null ? null : upload(inputs, arena, LossStruct.bytes(arena, mask));
                dLogits = inputs.alloc(4L * chunk * vocab);
                JCudaDriver.cuStreamSynchronize(stream); // the mask's copy reads the arena
            } catch (RuntimeException e) {
                inputs.close();
                throw e;
            }
        }

        private void requireStepOpen() {
            requireOpen();
            if (inputs == null) {
                throw new IllegalStateException("this fused linear step is closed");
            }
            current();
        }

        /** logits of rows [r0, r0 + c) into the chunk buffer */
        private void logits(int r0, int c, Pointer one, Pointer zero) {
            JCublas2.cublasSgemm(blas, cublasOperation.CUBLAS_OP_T, cublasOperation.CUBLAS_OP_N, vocab, c, h, one,
                    dW.ptr, h, dX.ptr.withByteOffset(4L * r0 * h), h, zero, dLogits.ptr, vocab);
        }

        @Override
        public LogitsLogProbs.Forward forward() {
            synchronized (JCudaBackend.this) {
                requireStepOpen();
                Pointer one = Pointer.to(new float[] {1f});
                Pointer zero = Pointer.to(new float[] {0f});
                try (Buffers call = new Buffers()) {
                    DeviceBuffer dLogp = call.alloc(4L * n);
                    DeviceBuffer dLse = call.alloc(8L * n);
                    for (int r0 = 0; r0 < n; r0 += chunk) {
                        int c = Math.min(chunk, n - r0);
                        logits(r0, c, one, zero);
                        launch(logitsForward, c, dLogits, dB, dTokens.ptr.withByteOffset(4L * r0),
                                dMask == null ? null : dMask.ptr.withByteOffset(r0), vocab, invT,
                                dLogp.ptr.withByteOffset(4L * r0), dLse.ptr.withByteOffset(8L * r0));
                    }
                    return new LogitsLogProbs.Forward(floats(dLogp, n), doubles(dLse, n));
                }
            }
        }

        @Override
        public FusedLinearLogProbs.Gradients backward(LogitsLogProbs.Forward forward, float[] gradLogp) {
            LogitsLogProbs.checkBackward(n, forward, gradLogp);
            synchronized (JCudaBackend.this) {
                requireStepOpen();
                Pointer one = Pointer.to(new float[] {1f});
                Pointer zero = Pointer.to(new float[] {0f});
                try (Buffers call = new Buffers()) {
                    DeviceBuffer dLse = upload(call, forward.logSumExp());
                    DeviceBuffer dGradLogp = upload(call, gradLogp);
                    DeviceBuffer dGradX = call.alloc(4L * n * h);
                    DeviceBuffer dGradW = call.alloc(4L * vocab * h);
                    DeviceBuffer dGradB = dB == null ? null : call.alloc(4L * vocab);
                    float[] ones = new float[chunk];
                    java.util.Arrays.fill(ones, 1f);
                    DeviceBuffer dOnes = dB == null ? null : upload(call, ones);
                    for (int r0 = 0; r0 < n; r0 += chunk) {
                        int c = Math.min(chunk, n - r0);
                        Pointer beta = r0 > 0 ? one : zero; // ∂W and ∂b accumulate after the first chunk
                        CUdeviceptr xr = dX.ptr.withByteOffset(4L * r0 * h);
                        logits(r0, c, one, zero);
                        launch(logitsBackward, c, dLogits, dB, dTokens.ptr.withByteOffset(4L * r0),
                                dMask == null ? null : dMask.ptr.withByteOffset(r0), vocab, invT,
                                dLse.ptr.withByteOffset(8L * r0), dGradLogp.ptr.withByteOffset(4L * r0), dLogits);
                        JCublas2.cublasSgemm(blas, cublasOperation.CUBLAS_OP_N, cublasOperation.CUBLAS_OP_N, h, c,
                                vocab, one, dW.ptr, h, dLogits.ptr, vocab, zero, dGradX.ptr.withByteOffset(4L * r0 * h),
                                h);
                        JCublas2.cublasSgemm(blas, cublasOperation.CUBLAS_OP_N, cublasOperation.CUBLAS_OP_T, h, vocab,
                                c, one, xr, h, dLogits.ptr, vocab, beta, dGradW.ptr, h);
                        if (dGradB != null) {
                            JCublas2.cublasSgemv(blas, cublasOperation.CUBLAS_OP_N, vocab, c, one, dLogits.ptr, vocab,
                                    dOnes.ptr, 1, beta, dGradB.ptr, 1);
                        }
                    }
                    return new FusedLinearLogProbs.Gradients(floats(dGradX, n * h), floats(dGradW, vocab * h),
                            dGradB == null ? null : floats(dGradB, vocab));
                }
            }
        }

        @Override
        public void close() {
            synchronized (JCudaBackend.this) {
                if (inputs != null) {
                    stepClosed(this);
                    current();
                    Buffers b = inputs;
                    inputs = null;
                    b.close();
                }
            }
        }
    }

    @Override
    protected void release() {
        JCudaDriver.cuCtxSetCurrent(context);
        if (blas != null) {
            JCublas2.cublasDestroy(blas);
        }
        JCudaDriver.cuModuleUnload(module);
        JCudaDriver.cuStreamDestroy(stream);
        JCudaDriver.cuCtxDestroy(context);
    }
}
