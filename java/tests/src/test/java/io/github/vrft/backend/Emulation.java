package io.github.vrft.backend;

/**
 * Whether the GPU tests run on the CUDA host emulation (Maven's {@code emulated-gpu} execution) rather than
 * on a GPU. The emulation runs every thread of a block as a fiber on one core, so the largest cases are
 * scaled down there; on a GPU every test runs at its full size.
 */
public final class Emulation {
    private Emulation() {}

    public static boolean active() {
        return Boolean.getBoolean("vrft.emulation");
    }

    /** {@code full} on a GPU, {@code emulated} on the emulation. */
    public static int size(int full, int emulated) {
        return active() ? emulated : full;
    }

    /** How a GPU test names where it ran, for its output. */
    public static String where(String device) {
        return active() ? "the CUDA host emulation (not a GPU)" : device;
    }
}
