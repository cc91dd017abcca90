package io.github.vrft.backend.panama;

import io.github.vrft.grpo.DeviceLossConfig;
import io.github.vrft.grpo.Groups;
import io.github.vrft.grpo.LossOptions;
import io.github.vrft.grpo.LossResult;
import io.github.vrft.grpo.PolicyLoss;
import io.github.vrft.grpo.TokenBatch;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Optional;

/**
 * The panama backend: the kernels through libvrft's C ABI ({@code cuda/include/vrft.h}), bound with FFM
 * ({@link vrft_h}). One downcall per op; arrays go in and out as off-heap {@link MemorySegment}s of a
 * confined arena that lives for the call; a non-zero status becomes a {@link VrftNativeException} with the
 * shim's message. Arguments are checked here, in Java, before the downcall (the shim checks them again).
 * One instance holds one context (device and stream); its calls are serialized, so it is thread-safe.
 */
public final class PanamaBackend implements AutoCloseable {
    private final MemorySegment ctx;
    private boolean closed;

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

    private MemorySegment context() {
        if (closed) {
            throw new IllegalStateException("this PanamaBackend is closed");
        }
        return ctx;
    }

    private static MemorySegment floats(Arena a, float[] v) {
        return v == null ? MemorySegment.NULL : a.allocateFrom(ValueLayout.JAVA_FLOAT, v);
    }

    /** The policy loss on the device for the modes the kernels cover, else on the CPU. */
    public synchronized LossResult policyLoss(TokenBatch b, LossOptions options) {
        if (b == null || options == null) {
            throw new IllegalArgumentException((b == null ? "batch" : "options") + " must not be null");
        }
        Optional<DeviceLossConfig> cfg = DeviceLossConfig.of(options, b.rows(), b.cols());
        if (cfg.isEmpty() || b.size() == 0) {
            return PolicyLoss.compute(b, options);
        }
        int n = (int) b.size();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment cs = a.allocate(DeviceLossConfig.LAYOUT);
            cfg.get().writeTo(cs);
            MemorySegment mask = a.allocate(n);
            boolean[] m = b.mask();
            for (int k = 0; k < n; k++) {
                mask.set(ValueLayout.JAVA_BYTE, k, (byte) (m[k] ? 1 : 0));
            }
            MemorySegment grad = a.allocate(ValueLayout.JAVA_FLOAT, n);
            MemorySegment ptl = a.allocate(ValueLayout.JAVA_FLOAT, n);
            MemorySegment kl = cfg.get().hasKl() ? a.allocate(ValueLayout.JAVA_FLOAT, n) : MemorySegment.NULL;
            MemorySegment sums = a.allocate(ValueLayout.JAVA_DOUBLE, DeviceLossConfig.PARTIALS);
            MemorySegment rowLh = a.allocate(ValueLayout.JAVA_INT, 2L * b.rows());
            check(vrft_h.vrft_policy_loss(context(), cs, floats(a, b.logp()), floats(a, b.oldLogp()), floats(a, b.refLogp()),
                    floats(a, b.isWeightsPerToken()), mask, floats(a, b.advantages()), grad, ptl, kl, sums, rowLh));
            return cfg.get().result(b, sums.toArray(ValueLayout.JAVA_DOUBLE), rowLh.toArray(ValueLayout.JAVA_INT),
                    grad.toArray(ValueLayout.JAVA_FLOAT), ptl.toArray(ValueLayout.JAVA_FLOAT),
                    kl.equals(MemorySegment.NULL) ? null : kl.toArray(ValueLayout.JAVA_FLOAT));
        }
    }

    /** The fused reward step's outputs. */
    public record RewardStep(double[] iouReward, double[] confidenceReward, float[] total, float[] advantage) {}

    /**
     * The detection reward step in one downcall: matching and rewards per completion, float32 totals with
     * {@code format}, and group advantages ({@code flavor} as in vrft_math.h VRFT_ADV_*).
     *
     * @throws IllegalArgumentException naming the argument whose shape does not fit
     */
    public synchronized RewardStep rewardStep(float[] pred, float[] conf, long[] predOff, float[] gt, long[] gtOff, float[] format,
                                 Groups groups, int flavor) {
        if (pred == null || conf == null || predOff == null || gt == null || gtOff == null || format == null || groups == null) {
            throw new IllegalArgumentException("pred, conf, predOff, gt, gtOff, format and groups must not be null");
        }
        int batch = predOff.length - 1;
        if (batch < 0 || gtOff.length != predOff.length) {
            throw new IllegalArgumentException("predOff and gtOff must have batch + 1 entries each, got "
                    + predOff.length + " and " + gtOff.length);
        }
        if (format.length != batch || groups.size() != batch) {
            throw new IllegalArgumentException("format has " + format.length + " entries and groups cover " + groups.size()
                    + " items; expected the batch size " + batch);
        }
        if (pred.length % 4 != 0 || gt.length % 4 != 0 || conf.length != pred.length / 4) {
            throw new IllegalArgumentException("pred and gt must hold 4 floats a box and conf one per predicted box");
        }
        try (Arena a = Arena.ofConfined()) {
            MemorySegment iou = a.allocate(ValueLayout.JAVA_DOUBLE, Math.max(batch, 1));
            MemorySegment cr = a.allocate(ValueLayout.JAVA_DOUBLE, Math.max(batch, 1));
            MemorySegment total = a.allocate(ValueLayout.JAVA_FLOAT, Math.max(batch, 1));
            MemorySegment adv = a.allocate(ValueLayout.JAVA_FLOAT, Math.max(batch, 1));
            check(vrft_h.vrft_reward_step(context(), batch, floats(a, pred), floats(a, conf),
                    a.allocateFrom(ValueLayout.JAVA_LONG, predOff), floats(a, gt), a.allocateFrom(ValueLayout.JAVA_LONG, gtOff),
                    floats(a, format), groups.count(), a.allocateFrom(ValueLayout.JAVA_INT, groups.offsets()),
                    a.allocateFrom(ValueLayout.JAVA_INT, groups.members()), flavor, iou, cr, total, adv));
            return new RewardStep(
                    java.util.Arrays.copyOf(iou.toArray(ValueLayout.JAVA_DOUBLE), batch),
                    java.util.Arrays.copyOf(cr.toArray(ValueLayout.JAVA_DOUBLE), batch),
                    java.util.Arrays.copyOf(total.toArray(ValueLayout.JAVA_FLOAT), batch),
                    java.util.Arrays.copyOf(adv.toArray(ValueLayout.JAVA_FLOAT), batch));
        }
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            check(vrft_h.vrft_context_destroy(ctx));
        }
    }
}
