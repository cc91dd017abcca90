package io.github.vrft.backend;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;

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

    /**
     * The handles the emulated cuBLAS {@code library} (a path, or a name the loader finds) has created and not
     * destroyed: {@code vrft_emu_cublas_live_handles} of {@code java/tests/src/test/cuda-emu/libcublas_emu.cpp}.
     */
    public static long cublasLiveHandles(String library) {
        SymbolLookup lib = library.startsWith("/") ? SymbolLookup.libraryLookup(java.nio.file.Path.of(library),
                Arena.global()) : SymbolLookup.libraryLookup(library, Arena.global());
        try {
            return (long) Linker.nativeLinker().downcallHandle(lib.find("vrft_emu_cublas_live_handles").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.JAVA_LONG)).invokeExact();
        } catch (Throwable e) {
            throw new IllegalStateException("cannot read the emulated cuBLAS's live handles from " + library, e);
        }
    }

    /** How a GPU test names where it ran, for its output. */
    public static String where(String device) {
        return active() ? "the CUDA host emulation (not a GPU)" : device;
    }
}
