package io.github.vrft.backend.panama;

/**
 * Whether the panama backend can run here: libvrft.so is in the jar and loads, and a context can be
 * created on device 0. Runs once, is cached, never throws.
 */
public final class PanamaProbe {
    private PanamaProbe() {}

    /** The probe's finding: whether the library loaded (host-side calls work) and whether a GPU is usable. */
    public record Status(boolean libraryLoaded, boolean available, String reason, int devices) {
        @Override
        public String toString() {
            if (available) {
                return "available: " + devices + " CUDA device(s), libvrft ABI " + vrft_h.vrft_version();
            }
            return "unavailable: " + reason;
        }
    }

    private static volatile Status cached;

    public static Status status() {
        Status s = cached;
        if (s == null) {
            synchronized (PanamaProbe.class) {
                if (cached == null) {
                    cached = probe();
                }
                s = cached;
            }
        }
        return s;
    }

    private static Status probe() {
        String err = NativeLibrary.error();
        if (err != null) {
            return new Status(false, false, err, 0);
        }
        try (PanamaBackend b = PanamaBackend.openUnchecked()) {
            return new Status(true, true, null, b.deviceCount());
        } catch (VrftNativeException e) {
            return new Status(true, false, e.getMessage(), 0);
        } catch (Throwable t) {
            return new Status(true, false, t.toString(), 0);
        }
    }
}
