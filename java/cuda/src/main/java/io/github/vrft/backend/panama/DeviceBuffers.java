package io.github.vrft.backend.panama;

import java.lang.foreign.Arena;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.List;

/**
 * The device buffers of one call of {@link PanamaBackend}, freed together at {@link #close()}, and the copies between
 * them and Java arrays. An array is copied straight from or into the Java heap, without an off-heap copy of it: the
 * copies call {@code vrft_copy_to_device} / {@code vrft_copy_to_host} through downcall handles linked with
 * {@link Linker.Option#critical(boolean) critical(true)}, which may be passed heap segments. At the size of an lm_head
 * (W of Qwen2.5-VL-3B is 1.24 GB) the off-heap copy and its fresh pages cost more than the transfer.
 *
 * <p>A critical call keeps its thread from reaching a safepoint (so the GC and every other thread's safepoint wait
 * for it), and the JDK asks that critical functions be short, which is why arrays go in slices of
 * {@link #SLICE_BYTES}: each slice is one synchronous copy of a few hundred microseconds at pageable-memory rates.
 * The copies wait for the context's stream, so they are made while nothing else is queued on it (before the kernels
 * of a call, after its last synchronization).
 */
final class DeviceBuffers implements AutoCloseable {
    /** The largest copy made in one critical downcall. */
    static final long SLICE_BYTES = 4L << 20;

    private static final MethodHandle TO_DEVICE = Linker.nativeLinker().downcallHandle(
            vrft_h.vrft_copy_to_device$address(), vrft_h.vrft_copy_to_device$descriptor(), Linker.Option.critical(true));
    private static final MethodHandle TO_HOST = Linker.nativeLinker().downcallHandle(
            vrft_h.vrft_copy_to_host$address(), vrft_h.vrft_copy_to_host$descriptor(), Linker.Option.critical(true));

    private final MemorySegment ctx;
    private final Arena scratch = Arena.ofConfined();
    private final List<MemorySegment> buffers = new ArrayList<>();

    DeviceBuffers(MemorySegment ctx) {
        this.ctx = ctx;
    }

    /** A device buffer of {@code bytes} (at least one byte), freed at close. */
    MemorySegment alloc(long bytes) {
        MemorySegment out = scratch.allocate(ValueLayout.ADDRESS);
        PanamaBackend.check(vrft_h.vrft_device_alloc(ctx, bytes, out));
        MemorySegment d = out.get(ValueLayout.ADDRESS, 0);
        buffers.add(d);
        return d;
    }

    /** A device copy of {@code host} (a heap or an off-heap segment). */
    MemorySegment upload(MemorySegment host) {
        MemorySegment d = alloc(host.byteSize());
        copy(TO_DEVICE, d, host, true);
        return d;
    }

    /** A device copy of v; {@link MemorySegment#NULL} for null. */
    MemorySegment upload(float[] v) {
        return v == null ? MemorySegment.NULL : upload(MemorySegment.ofArray(v));
    }

    /** A device copy of v. */
    MemorySegment upload(double[] v) {
        return upload(MemorySegment.ofArray(v));
    }

    /** A device copy of v. */
    MemorySegment upload(int[] v) {
        return upload(MemorySegment.ofArray(v));
    }

    /** The first {@code count} floats of device buffer d, in a new array. */
    float[] floats(MemorySegment d, int count) {
        float[] out = new float[count];
        copy(TO_HOST, d, MemorySegment.ofArray(out), false);
        return out;
    }

    /** The first {@code count} doubles of device buffer d, in a new array. */
    double[] doubles(MemorySegment d, int count) {
        double[] out = new double[count];
        copy(TO_HOST, d, MemorySegment.ofArray(out), false);
        return out;
    }

    /** Copies host.byteSize() bytes between device address d and host, slice by slice. */
    private void copy(MethodHandle handle, MemorySegment d, MemorySegment host, boolean toDevice) {
        long size = host.byteSize();
        for (long off = 0; off < size; off += SLICE_BYTES) {
            long n = Math.min(SLICE_BYTES, size - off);
            MemorySegment dev = MemorySegment.ofAddress(d.address() + off);
            MemorySegment h = host.asSlice(off, n);
            int status;
            try {
                status = toDevice ? (int) handle.invokeExact(ctx, dev, h, n) : (int) handle.invokeExact(ctx, h, dev, n);
            } catch (Throwable e) {
                throw new AssertionError("should not reach here", e);
            }
            PanamaBackend.check(status);
        }
    }

    /** Frees every buffer (after the stream has drained) and the scratch arena. */
    @Override
    public void close() {
        try {
            for (MemorySegment d : buffers) {
                vrft_h.vrft_device_free(ctx, d);
            }
            vrft_h.vrft_synchronize(ctx);
        } finally {
            scratch.close();
        }
    }
}
