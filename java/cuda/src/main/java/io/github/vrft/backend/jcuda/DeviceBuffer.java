package io.github.vrft.backend.jcuda;

import jcuda.driver.CUdeviceptr;
import jcuda.driver.JCudaDriver;

import java.lang.ref.Cleaner;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Device memory, freed by {@link #close()}. Live buffers and bytes are counted so that tests can check
 * that a workload leaves device memory where it found it ({@link #liveBuffers()}); a buffer that becomes
 * unreachable without being closed is reported on the {@code io.github.vrft} logger (its memory is freed
 * with its context).
 */
public final class DeviceBuffer implements AutoCloseable {
    private static final AtomicLong LIVE = new AtomicLong();
    private static final AtomicLong LIVE_BYTES = new AtomicLong();
    private static final Cleaner CLEANER = Cleaner.create();
    private static final System.Logger LOG = System.getLogger("io.github.vrft");

    final CUdeviceptr ptr;
    final long bytes;
    private final State state;
    private final Cleaner.Cleanable cleanable;

    private static final class State implements Runnable {
        volatile boolean closed;
        final long bytes;

        State(long bytes) {
            this.bytes = bytes;
        }

        @Override
        public void run() {
            if (!closed) {
                LOG.log(System.Logger.Level.WARNING, "leak: a DeviceBuffer of " + bytes + " bytes was not closed");
            }
        }
    }

    private DeviceBuffer(CUdeviceptr ptr, long bytes) {
        this.ptr = ptr;
        this.bytes = bytes;
        this.state = new State(bytes);
        this.cleanable = CLEANER.register(this, state);
    }

    /** Allocates {@code bytes} (at least 1) in the current context. @throws IllegalArgumentException if negative */
    static DeviceBuffer allocate(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("bytes must be >= 0, got " + bytes);
        }
        CUdeviceptr p = new CUdeviceptr();
        JCudaDriver.cuMemAlloc(p, Math.max(bytes, 1));
        LIVE.incrementAndGet();
        LIVE_BYTES.addAndGet(bytes);
        return new DeviceBuffer(p, bytes);
    }

    @Override
    public void close() {
        if (!state.closed) {
            state.closed = true;
            JCudaDriver.cuMemFree(ptr);
            LIVE.decrementAndGet();
            LIVE_BYTES.addAndGet(-bytes);
            cleanable.clean();
        }
    }

    /** Buffers allocated and not yet closed, over all backends. */
    public static long liveBuffers() {
        return LIVE.get();
    }

    /** Bytes of the live buffers. */
    public static long liveBytes() {
        return LIVE_BYTES.get();
    }
}
