package io.github.vrft.backend.device;

import io.github.vrft.grpo.DeviceLossConfig;
import io.github.vrft.grpo.TokenBatch;

import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;

/**
 * The native form of the loss inputs both bindings pass to the kernels: the C struct {@code vrft_loss_cfg} of
 * {@code cuda/include/vrft_abi.h} (its field order is checked against the header by {@code AbiConstantsTest})
 * and the mask as one byte per token. Internal to vrft-cuda (the package is not exported).
 */
public final class LossStruct {
    private LossStruct() {}

    /** {@code vrft_loss_cfg}: 7 ints, padding to 8 bytes, 13 doubles. */
    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
            ValueLayout.JAVA_INT.withName("impl"), ValueLayout.JAVA_INT.withName("loss_type"),
            ValueLayout.JAVA_INT.withName("sequence"), ValueLayout.JAVA_INT.withName("bias_kl"),
            ValueLayout.JAVA_INT.withName("kl_type"), ValueLayout.JAVA_INT.withName("rows"),
            ValueLayout.JAVA_INT.withName("cols"), MemoryLayout.paddingLayout(4),
            ValueLayout.JAVA_DOUBLE.withName("eps_low"), ValueLayout.JAVA_DOUBLE.withName("eps_high"),
            ValueLayout.JAVA_DOUBLE.withName("delta"), ValueLayout.JAVA_DOUBLE.withName("beta"),
            ValueLayout.JAVA_DOUBLE.withName("clip_c"), ValueLayout.JAVA_DOUBLE.withName("ga"),
            ValueLayout.JAVA_DOUBLE.withName("num_items"), ValueLayout.JAVA_DOUBLE.withName("num_processes"),
            ValueLayout.JAVA_DOUBLE.withName("max_completion_length"), ValueLayout.JAVA_DOUBLE.withName("dp_size"),
            ValueLayout.JAVA_DOUBLE.withName("batch_num_tokens"), ValueLayout.JAVA_DOUBLE.withName("global_batch_size"),
            ValueLayout.JAVA_DOUBLE.withName("loss_scale_factor"));

    private static final long DOUBLES_AT = 32; // 7 ints and 4 bytes of padding

    /** The struct of {@code cfg}, in {@code arena}, native order. */
    public static MemorySegment of(Arena arena, DeviceLossConfig cfg) {
        MemorySegment seg = arena.allocate(LAYOUT);
        int[] ints = cfg.intFields();
        double[] doubles = cfg.doubleFields();
        for (int i = 0; i < ints.length; i++) {
            seg.set(ValueLayout.JAVA_INT, 4L * i, ints[i]);
        }
        for (int i = 0; i < doubles.length; i++) {
            seg.set(ValueLayout.JAVA_DOUBLE, DOUBLES_AT + 8L * i, doubles[i]);
        }
        return seg;
    }

    /** The batch's mask as the kernels read it: one byte per token, 1 for a masked-in token, in {@code arena}. */
    public static MemorySegment maskBytes(Arena arena, TokenBatch b) {
        return bytes(arena, b.mask());
    }

    /** A boolean mask as one byte per element (0 or 1), at least one byte long; NULL for a null mask. */
    public static MemorySegment bytes(Arena arena, boolean[] m) {
        if (m == null) {
            return MemorySegment.NULL;
        }
        MemorySegment mask = arena.allocate(Math.max(m.length, 1));
        for (int k = 0; k < m.length; k++) {
            mask.set(ValueLayout.JAVA_BYTE, k, (byte) (m[k] ? 1 : 0));
        }
        return mask;
    }
}
