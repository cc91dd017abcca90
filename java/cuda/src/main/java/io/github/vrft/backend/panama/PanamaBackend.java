package io.github.vrft.backend.panama;

import io.github.vrft.Checks;
import io.github.vrft.backend.Backend;
import io.github.vrft.backend.DeviceBackend;
import io.github.vrft.backend.FusedLinearBackend;
import io.github.vrft.backend.FusedLinearStep;
import io.github.vrft.backend.device.LossStruct;
import io.github.vrft.backend.RewardStep;
import io.github.vrft.box.DetectionMatch;
import io.github.vrft.grpo.AdvantageFlavor;
import io.github.vrft.grpo.DeviceLossConfig;
import io.github.vrft.grpo.FusedLinearLogProbs;
import io.github.vrft.grpo.Groups;
import io.github.vrft.grpo.LogitsLogProbs;
import io.github.vrft.grpo.LossResult;
import io.github.vrft.grpo.TokenBatch;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The panama backend: the kernels through libvrft's C ABI ({@code cuda/include/vrft.h}), bound with FFM
 * ({@link vrft_h}). One downcall per op. The {@link MemorySegment} methods pass the caller's off-heap
 * segments to the shim as they are (no copy on the Java side); the array methods of {@link Backend} copy
 * into a confined arena that lives for the call, except the logits and fused linear paths, whose arrays (logits,
 * lm_head weights and their gradients) are large: those go between the Java heap and the device directly
 * ({@link DeviceBuffers}). A non-zero status becomes a {@link VrftNativeException}
 * with the shim's message. Arguments are checked here, in Java, before the downcall (the shim checks them
 * again). One instance holds one context (device and stream); its calls are serialized, so it is
 * thread-safe.
 */
public final class PanamaBackend extends DeviceBackend implements FusedLinearBackend {
    private final MemorySegment ctx;
    private Cublas blas;

    private PanamaBackend(MemorySegment ctx) {
        this.ctx = ctx;
    }

    /**
     * Opens a context on device 0.
     *
     * @throws IllegalStateException with the probe's reason when the backend is unavailable
     */
    public static PanamaBackend open() {
        PanamaProbe.Status s = PanamaProbe.status();
        if (!s.available()) {
            throw new IllegalStateException("panama backend " + s);
        }
        return openUnchecked();
    }

    static PanamaBackend openUnchecked() {
        if (NativeLibrary.error() != null) {
            throw new IllegalStateException(NativeLibrary.error());
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(vrft_h.C_POINTER);
            check(vrft_h.vrft_context_create(0, out));
            return new PanamaBackend(out.get(vrft_h.C_POINTER, 0));
        }
    }

    static void check(int status) {
        if (status != vrft_h.VRFT_OK()) {
            String name = vrft_h.vrft_error_string(status).getString(0);
            String msg = vrft_h.vrft_last_error().getString(0);
            if (status == vrft_h.VRFT_ERR_INVALID_ARGUMENT()) {
                throw new IllegalArgumentException(msg + " (" + name + ")");
            }
            throw new VrftNativeException(status, name + ": " + msg);
        }
    }

    int deviceCount() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment n = arena.allocate(vrft_h.C_INT);
            check(vrft_h.vrft_device_count(n));
            return n.get(vrft_h.C_INT, 0);
        }
    }

    /** The device's free and total memory in bytes, {@code {free, total}} (cudaMemGetInfo). */
    public synchronized long[] memoryInfo() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment free = arena.allocate(vrft_h.C_LONG_LONG);
            MemorySegment total = arena.allocate(vrft_h.C_LONG_LONG);
            check(vrft_h.vrft_memory_info(context(), free, total));
            return new long[] {free.get(vrft_h.C_LONG_LONG, 0), total.get(vrft_h.C_LONG_LONG, 0)};
        }
    }

    /**
     * The fused linear path's cuBLAS handle on this context's stream: made at the first fused call (where cuBLAS is
     * loaded), used under this instance's lock, destroyed with the context. One handle per context, not per call (PyTorch
     * keeps one per thread and device): creating one allocates and initialises cuBLAS's state each time.
     */
    private Cublas blas() {
        if (blas == null) {
            try (Arena a = Arena.ofConfined()) {
                MemorySegment out = a.allocate(ValueLayout.ADDRESS);
                check(vrft_h.vrft_context_stream(context(), out));
                blas = new Cublas(out.get(ValueLayout.ADDRESS, 0));
            }
        }
        return blas;
    }

    private MemorySegment context() {
        requireOpen();
        return ctx;
    }

    /** An off-heap copy of v (at least one element, so that an empty array is never a NULL pointer); NULL for null. */
    private static MemorySegment floats(Arena a, float[] v) {
        return v == null ? MemorySegment.NULL : v.length == 0 ? a.allocate(ValueLayout.JAVA_FLOAT) : a.allocateFrom(ValueLayout.JAVA_FLOAT, v);
    }

    /** An off-heap copy of v (at least one element, so that an empty array is never a NULL pointer). */
    private static MemorySegment doubles(Arena a, double[] v) {
        return v.length == 0 ? a.allocate(ValueLayout.JAVA_DOUBLE) : a.allocateFrom(ValueLayout.JAVA_DOUBLE, v);
    }

    @Override
    public String name() {
        return "panama";
    }

    @Override
    public String describe() {
        return "panama: libvrft ABI " + vrft_h.vrft_version() + " on CUDA device 0; policy-loss modes without kernels, and"
                + " advantage flavours visual-rft, trl-batch and verl-vectorized, run on the CPU";
    }

    /** Checks that {@code seg} holds at least {@code bytes} bytes (null only when {@code bytes} is 0). */
    private static MemorySegment sized(MemorySegment seg, long bytes, String name) {
        if (seg == null) {
            if (bytes == 0) {
                return MemorySegment.NULL;
            }
            throw new IllegalArgumentException(name + " must not be null");
        }
        if (seg.byteSize() < bytes) {
            throw new IllegalArgumentException(name + " holds " + seg.byteSize() + " bytes, needs " + bytes);
        }
        return seg;
    }

    /**
     * All-pairs IoU on off-heap data, passed to the shim as it is: {@code batch} samples, offsets as int64,
     * boxes as float32 xyxy; {@code out} receives the packed results ({@code outCount} floats, the sum of
     * n_i·m_i, which the caller computes to size it).
     *
     * @throws IllegalArgumentException naming a segment that is null or too small
     */
    public synchronized void pairwiseIou(int batch, MemorySegment a, MemorySegment aOff, MemorySegment b, MemorySegment bOff,
                                         MemorySegment out, long outCount) {
        if (batch < 0) {
            throw new IllegalArgumentException("batch must be >= 0, got " + batch);
        }
        sized(aOff, 8L * (batch + 1), "aOff");
        sized(bOff, 8L * (batch + 1), "bOff");
        long na = aOff.getAtIndex(ValueLayout.JAVA_LONG, batch);
        long nb = bOff.getAtIndex(ValueLayout.JAVA_LONG, batch);
        long pairs = 0;
        for (int i = 0; i < batch; i++) {
            pairs += (aOff.getAtIndex(ValueLayout.JAVA_LONG, i + 1) - aOff.getAtIndex(ValueLayout.JAVA_LONG, i))
                    * (bOff.getAtIndex(ValueLayout.JAVA_LONG, i + 1) - bOff.getAtIndex(ValueLayout.JAVA_LONG, i));
        }
        if (pairs != outCount) {
            throw new IllegalArgumentException("outCount is " + outCount + " but the offsets make " + pairs + " pairs");
        }
        check(vrft_h.vrft_pairwise_iou(context(), batch, sized(a, 16L * Math.max(na, 0), "a"), aOff,
                sized(b, 16L * Math.max(nb, 0), "b"), bOff, sized(out, 4L * outCount, "out")));
    }

    @Override
    protected float[] devicePairwiseIou(int batch, float[] a, long[] aOff, float[] b, long[] bOff, long[] outOff) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ValueLayout.JAVA_FLOAT, Math.max(outOff[batch], 1));
            pairwiseIou(batch, floats(arena, a), arena.allocateFrom(ValueLayout.JAVA_LONG, aOff), floats(arena, b),
                    arena.allocateFrom(ValueLayout.JAVA_LONG, bOff), out, outOff[batch]);
            return out.asSlice(0, 4L * outOff[batch]).toArray(ValueLayout.JAVA_FLOAT);
        }
    }

    @Override
    protected DetectionMatch.Result deviceDetectionRewards(int batch, float[] pred, double[] conf, long[] predOff,
                                                           float[] gt, long[] gtOff) {
        int np = pred.length / 4;
        try (Arena a = Arena.ofConfined()) {
            MemorySegment match = a.allocate(ValueLayout.JAVA_INT, Math.max(np, 1));
            MemorySegment iou = a.allocate(ValueLayout.JAVA_DOUBLE, Math.max(batch, 1));
            MemorySegment cr = a.allocate(ValueLayout.JAVA_DOUBLE, Math.max(batch, 1));
            check(vrft_h.vrft_detection_rewards(context(), batch, floats(a, pred), doubles(a, conf),
                    a.allocateFrom(ValueLayout.JAVA_LONG, predOff), floats(a, gt), a.allocateFrom(ValueLayout.JAVA_LONG, gtOff),
                    match, iou, cr));
            return new DetectionMatch.Result(iou.asSlice(0, 8L * batch).toArray(ValueLayout.JAVA_DOUBLE),
                    cr.asSlice(0, 8L * batch).toArray(ValueLayout.JAVA_DOUBLE), match.asSlice(0, 4L * np).toArray(ValueLayout.JAVA_INT));
        }
    }

    /**
     * Group advantages on off-heap data, passed to the shim as it is: {@code n} float32 rewards in, {@code n}
     * float32 advantages out, for a flavour the kernel has.
     *
     * @throws IllegalArgumentException naming a segment that is null or too small, or a flavour without a kernel
     */
    public synchronized void groupAdvantages(MemorySegment rewards, Groups groups, AdvantageFlavor flavor, MemorySegment adv) {
        Checks.notNull(groups, "groups");
        Checks.notNull(flavor, "flavor");
        if (flavor.deviceCode() < 0) {
            throw new IllegalArgumentException("flavor " + flavor.id() + " has no kernel; use the array method, which runs it on the CPU");
        }
        groupAdvantages(rewards, groups.size(), groups, flavor.deviceCode(), adv);
    }

    private void groupAdvantages(MemorySegment rewards, long n, Groups groups, int code, MemorySegment adv) {
        try (Arena a = Arena.ofConfined()) {
            check(vrft_h.vrft_group_advantages(context(), (int) n, groups.count(), sized(rewards, 4 * n, "rewards"),
                    a.allocateFrom(ValueLayout.JAVA_INT, groups.offsets()), a.allocateFrom(ValueLayout.JAVA_INT, groups.members()),
                    code, sized(adv, 4 * n, "adv")));
        }
    }

    @Override
    protected float[] deviceGroupAdvantages(float[] rewards, Groups groups, int code) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment adv = a.allocate(ValueLayout.JAVA_FLOAT, rewards.length);
            groupAdvantages(floats(a, rewards), groups.size(), groups, code, adv);
            return adv.toArray(ValueLayout.JAVA_FLOAT);
        }
    }

    @Override
    protected LossResult devicePolicyLoss(TokenBatch b, DeviceLossConfig cfg) {
        int n = (int) b.size();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment cs = LossStruct.of(a, cfg);
            MemorySegment mask = LossStruct.maskBytes(a, b);
            MemorySegment grad = a.allocate(ValueLayout.JAVA_FLOAT, n);
            MemorySegment ptl = a.allocate(ValueLayout.JAVA_FLOAT, n);
            MemorySegment kl = cfg.hasKl() ? a.allocate(ValueLayout.JAVA_FLOAT, n) : MemorySegment.NULL;
            MemorySegment sums = a.allocate(ValueLayout.JAVA_DOUBLE, DeviceLossConfig.PARTIALS);
            MemorySegment rowLh = a.allocate(ValueLayout.JAVA_INT, 2L * b.rows());
            check(vrft_h.vrft_policy_loss(context(), cs, floats(a, b.logp()), floats(a, b.oldLogp()), floats(a, b.refLogp()),
                    floats(a, b.isWeightsPerToken()), mask, floats(a, b.advantages()), grad, ptl, kl, sums, rowLh));
            return cfg.result(b, sums.toArray(ValueLayout.JAVA_DOUBLE), rowLh.toArray(ValueLayout.JAVA_INT),
                    grad.toArray(ValueLayout.JAVA_FLOAT), ptl.toArray(ValueLayout.JAVA_FLOAT),
                    kl.equals(MemorySegment.NULL) ? null : kl.toArray(ValueLayout.JAVA_FLOAT));
        }
    }

    /** The detection reward step in one downcall (matching and rewards, float32 totals, group advantages). */
    @Override
    protected RewardStep deviceRewardStep(int batch, float[] pred, double[] conf, long[] predOff, float[] gt, long[] gtOff,
                                          float[] format, Groups groups, int code) {
        try (Arena a = Arena.ofConfined()) {
            int m = Math.max(batch, 1);
            MemorySegment iou = a.allocate(ValueLayout.JAVA_DOUBLE, m);
            MemorySegment cr = a.allocate(ValueLayout.JAVA_DOUBLE, m);
            MemorySegment total = a.allocate(ValueLayout.JAVA_FLOAT, m);
            MemorySegment adv = a.allocate(ValueLayout.JAVA_FLOAT, m);
            check(vrft_h.vrft_reward_step(context(), batch, floats(a, pred), doubles(a, conf),
                    a.allocateFrom(ValueLayout.JAVA_LONG, predOff), floats(a, gt), a.allocateFrom(ValueLayout.JAVA_LONG, gtOff),
                    floats(a, format), groups.count(), a.allocateFrom(ValueLayout.JAVA_INT, groups.offsets()),
                    a.allocateFrom(ValueLayout.JAVA_INT, groups.members()), code, iou, cr, total, adv));
            return new RewardStep(iou.asSlice(0, 8L * batch).toArray(ValueLayout.JAVA_DOUBLE),
                    cr.asSlice(0, 8L * batch).toArray(ValueLayout.JAVA_DOUBLE),
                    total.asSlice(0, 4L * batch).toArray(ValueLayout.JAVA_FLOAT), adv.asSlice(0, 4L * batch).toArray(ValueLayout.JAVA_FLOAT));
        }
    }

    /**
     * The logits forward on off-heap data, passed to the shim as it is ({@code vrft_logits_forward}): {@code rows ×
     * vocab} float32 logits, {@code rows} int32 tokens, a mask of one byte per row (0 = masked) or
     * {@link MemorySegment#NULL} for none; {@code logp} (float32) and {@code lse} (float64, for the backward)
     * receive {@code rows} values each. The same results as the array method.
     *
     * @throws IllegalArgumentException naming the argument at fault (a segment that is null or too small, vocab,
     *                                  the temperature, an unmasked token outside [0, vocab)), before the downcall
     */
    public synchronized void logitsForward(long rows, int vocab, float temperature, MemorySegment logits,
                                           MemorySegment tokens, MemorySegment mask, MemorySegment logp,
                                           MemorySegment lse) {
        LogitsArgs a = LogitsArgs.of(rows, vocab, temperature, logits, tokens, mask);
        check(vrft_h.vrft_logits_forward(context(), rows, vocab, temperature, a.logits(), a.tokens(), a.mask(),
                sized(logp, 4 * rows, "logp"), sized(lse, 8 * rows, "lse")));
    }

    /**
     * The logits backward on off-heap data, passed to the shim as it is ({@code vrft_logits_backward}): the forward's
     * inputs, its {@code lse}, {@code rows} float32 values of dL/dlogp; {@code grad} receives {@code rows × vocab}
     * float32 values and may be {@code logits} itself (the gradient then overwrites them, as the CPU's in-place
     * backward does).
     *
     * @throws IllegalArgumentException as {@link #logitsForward(long, int, float, MemorySegment, MemorySegment,
     *                                  MemorySegment, MemorySegment, MemorySegment)}, and for lse, gradLogp or grad
     */
    public synchronized void logitsBackward(long rows, int vocab, float temperature, MemorySegment logits,
                                            MemorySegment tokens, MemorySegment mask, MemorySegment lse,
                                            MemorySegment gradLogp, MemorySegment grad) {
        LogitsArgs a = LogitsArgs.of(rows, vocab, temperature, logits, tokens, mask);
        check(vrft_h.vrft_logits_backward(context(), rows, vocab, temperature, a.logits(), a.tokens(), a.mask(),
                sized(lse, 8 * rows, "lse"), sized(gradLogp, 4 * rows, "gradLogp"),
                sized(grad, 4 * rows * vocab, "grad")));
    }

    /** The logits methods' common segments, checked as LogitsLogProbs checks its arrays (NULL where absent). */
    private record LogitsArgs(MemorySegment logits, MemorySegment tokens, MemorySegment mask) {
        static LogitsArgs of(long rows, int vocab, float temperature, MemorySegment logits, MemorySegment tokens,
                             MemorySegment mask) {
            if (rows < 0) {
                throw new IllegalArgumentException("rows: must be >= 0, got " + rows);
            }
            if (vocab < 1) {
                throw new IllegalArgumentException("vocab: must be at least 1, got " + vocab);
            }
            if (!(temperature > 0) || Float.isInfinite(temperature)) {
                throw new IllegalArgumentException("temperature: must be positive and finite, got " + temperature);
            }
            MemorySegment lg = sized(logits, Math.multiplyExact(4 * rows, (long) vocab), "logits");
            MemorySegment tk = sized(tokens, 4 * rows, "tokens");
            MemorySegment m = mask == null || mask.equals(MemorySegment.NULL) ? MemorySegment.NULL
                    : sized(mask, rows, "mask");
            for (long r = 0; r < rows; r++) {
                int t = tk.getAtIndex(ValueLayout.JAVA_INT, r);
                boolean on = m.equals(MemorySegment.NULL) || m.get(ValueLayout.JAVA_BYTE, r) != 0;
                if (on && (t < 0 || t >= vocab)) {
                    throw new IllegalArgumentException("tokens[" + r + "]: " + t + " is not in [0, " + vocab + ")");
                }
            }
            return new LogitsArgs(lg, tk, m);
        }
    }

    /**
     * {@code vrft_logits_forward_device} on a device copy of the logits made straight from the array (no off-heap copy
     * of it: {@link DeviceBuffers}).
     */
    @Override
    protected LogitsLogProbs.Forward deviceLogitsForward(int rows, float[] logits, int[] tokens, boolean[] mask,
                                                        int vocab, float temperature) {
        MemorySegment c = context();
        try (Arena a = Arena.ofConfined(); DeviceBuffers d = new DeviceBuffers(c)) {
            MemorySegment dLogits = d.upload(logits);
            MemorySegment dTokens = d.upload(tokens);
            MemorySegment dMask = mask == null ? MemorySegment.NULL : d.upload(LossStruct.bytes(a, mask));
            MemorySegment dLogp = d.alloc(4L * rows);
            MemorySegment dLse = d.alloc(8L * rows);
            check(vrft_h.vrft_logits_forward_device(c, rows, vocab, temperature, dLogits, MemorySegment.NULL, dTokens,
                    dMask, dLogp, dLse));
            check(vrft_h.vrft_synchronize(c));
            return new LogitsLogProbs.Forward(d.floats(dLogp, rows), d.doubles(dLse, rows));
        }
    }

    /**
     * {@code vrft_logits_backward_device}, the gradient written over the device copy of the logits and copied into a
     * new array (no off-heap copies: {@link DeviceBuffers}).
     */
    @Override
    protected float[] deviceLogitsBackward(int rows, float[] logits, int[] tokens, boolean[] mask, int vocab,
                                           float temperature, double[] logSumExp, float[] gradLogp) {
        MemorySegment c = context();
        try (Arena a = Arena.ofConfined(); DeviceBuffers d = new DeviceBuffers(c)) {
            MemorySegment dLogits = d.upload(logits);
            MemorySegment dTokens = d.upload(tokens);
            MemorySegment dMask = mask == null ? MemorySegment.NULL : d.upload(LossStruct.bytes(a, mask));
            MemorySegment dLse = d.upload(logSumExp);
            MemorySegment dGradLogp = d.upload(gradLogp);
            check(vrft_h.vrft_logits_backward_device(c, rows, vocab, temperature, dLogits, MemorySegment.NULL, dTokens,
                    dMask, dLse, dGradLogp, dLogits));
            check(vrft_h.vrft_synchronize(c));
            return d.floats(dLogits, logits.length);
        }
    }

    /**
     * A {@link FusedLinearStep} on the device ({@link FusedLinearDevice}: the inputs uploaded here, once for the
     * forward and the backward); on the CPU for an empty batch.
     *
     * @throws IllegalArgumentException naming the argument at fault, before anything native runs
     * @throws IllegalStateException    when cuBLAS cannot be loaded, or this backend is closed
     */
    @Override
    public synchronized FusedLinearStep openFusedLinearStep(float[] hidden, float[] weight, float[] bias,
                                                            int hiddenSize, int[] tokens, boolean[] mask,
                                                            float temperature, int chunkRows) {
        FusedLinearLogProbs.checkInputs(hidden, weight, bias, hiddenSize, tokens, mask, temperature, chunkRows);
        if (tokens.length == 0) {
            return FusedLinearStep.onCpu(hidden, weight, bias, hiddenSize, tokens, mask, temperature, chunkRows);
        }
        return opened(new Step(new FusedLinearDevice(context(), blas(), hidden, weight, bias, hiddenSize, tokens, mask,
                chunkRows), tokens.length, temperature, bias != null));
    }

    /** An open step's device state; its calls hold this backend's lock (one context, one stream, one handle). */
    private final class Step implements FusedLinearStep {
        private FusedLinearDevice device; // null once closed
        private final int rows;
        private final float temperature;
        private final boolean withBias;

        Step(FusedLinearDevice device, int rows, float temperature, boolean withBias) {
            this.device = device;
            this.rows = rows;
            this.temperature = temperature;
            this.withBias = withBias;
        }

        private FusedLinearDevice open() {
            requireOpen();
            if (device == null) {
                throw new IllegalStateException("this fused linear step is closed");
            }
            return device;
        }

        @Override
        public LogitsLogProbs.Forward forward() {
            synchronized (PanamaBackend.this) {
                return open().forward(temperature);
            }
        }

        @Override
        public FusedLinearLogProbs.Gradients backward(LogitsLogProbs.Forward forward, float[] gradLogp) {
            LogitsLogProbs.checkBackward(rows, forward, gradLogp);
            synchronized (PanamaBackend.this) {
                return open().backward(temperature, forward.logSumExp(), gradLogp, withBias);
            }
        }

        @Override
        public void close() {
            synchronized (PanamaBackend.this) {
                if (device != null) {
                    stepClosed(this);
                    FusedLinearDevice d = device;
                    device = null;
                    d.close();
                }
            }
        }
    }

    /** Total less free memory of the device ({@link #memoryInfo()}). */
    @Override
    public long deviceMemoryInUse() {
        long[] freeTotal = memoryInfo();
        return freeTotal[1] - freeTotal[0];
    }

    /** The cuBLAS library the fused linear path uses, or why it has none. */
    public static String cublas() {
        return Cublas.error() == null ? Cublas.library() : Cublas.error();
    }

    @Override
    protected void release() {
        try {
            if (blas != null) {
                blas.close();
            }
        } finally {
            check(vrft_h.vrft_context_destroy(ctx));
        }
    }
}
