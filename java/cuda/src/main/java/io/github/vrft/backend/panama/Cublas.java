package io.github.vrft.backend.panama;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.List;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * The few cuBLAS calls of the fused linear path, through FFM (column-major, as cuBLAS is): {@code cublasSgemm_v2} and
 * {@code cublasSgemv_v2} on a handle bound to the vrft context's stream, so that the GEMMs and the log-softmax kernels
 * run in order on one stream. The library is {@code -Dvrft.cublas.library=FILE} where given, else
 * {@code libcublas.so.13} or {@code libcublas.so.12}, whichever the loader finds first (PyTorch's CUDA wheels ship
 * one; it is not on the default path there, see {@code gpu/validate}). Loading never throws: {@link #error()} says
 * why it is unavailable. A handle is used under its backend's lock.
 */
final class Cublas implements AutoCloseable {
    static final int OP_N = 0;
    static final int OP_T = 1;

    private static final MethodHandle CREATE;
    private static final MethodHandle DESTROY;
    private static final MethodHandle SET_STREAM;
    private static final MethodHandle SGEMM;
    private static final MethodHandle SGEMV;
    private static final String ERROR;
    private static final String LOADED;

    static {
        Linker linker = Linker.nativeLinker();
        List<String> names = new ArrayList<>();
        String property = System.getProperty("vrft.cublas.library");
        if (property != null) {
            names.add(property);
        } else {
            names.add("libcublas.so.13");
            names.add("libcublas.so.12");
        }
        SymbolLookup lib = null;
        String loaded = null;
        StringBuilder why = new StringBuilder();
        for (String name : names) {
            try {
                lib = property != null ? SymbolLookup.libraryLookup(java.nio.file.Path.of(name), Arena.global())
                        : SymbolLookup.libraryLookup(name, Arena.global());
                loaded = name;
                break;
            } catch (IllegalArgumentException e) {
                why.append(why.isEmpty() ? "" : "; ").append(name).append(": not found");
            }
        }
        MethodHandle create = null;
        MethodHandle destroy = null;
        MethodHandle setStream = null;
        MethodHandle sgemm = null;
        MethodHandle sgemv = null;
        if (lib != null) {
            try {
                create = linker.downcallHandle(lib.find("cublasCreate_v2").orElseThrow(),
                        FunctionDescriptor.of(JAVA_INT, ADDRESS));
                destroy = linker.downcallHandle(lib.find("cublasDestroy_v2").orElseThrow(),
                        FunctionDescriptor.of(JAVA_INT, ADDRESS));
                setStream = linker.downcallHandle(lib.find("cublasSetStream_v2").orElseThrow(),
                        FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
                sgemm = linker.downcallHandle(lib.find("cublasSgemm_v2").orElseThrow(), FunctionDescriptor.of(JAVA_INT,
                        ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, ADDRESS,
                        JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
                sgemv = linker.downcallHandle(lib.find("cublasSgemv_v2").orElseThrow(), FunctionDescriptor.of(JAVA_INT,
                        ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS,
                        ADDRESS, JAVA_INT));
            } catch (RuntimeException e) {
                why.append(loaded).append(": ").append(e.getMessage());
                loaded = null;
            }
        }
        CREATE = create;
        DESTROY = destroy;
        SET_STREAM = setStream;
        SGEMM = sgemm;
        SGEMV = sgemv;
        LOADED = loaded;
        ERROR = loaded != null ? null : "cuBLAS not loaded (" + why + ")";
    }

    /** Null when cuBLAS is loaded, else why not. */
    static String error() {
        return ERROR;
    }

    /** The library that was loaded, or null. */
    static String library() {
        return LOADED;
    }

    private final MemorySegment handle;
    private final Arena scalars = Arena.ofShared();
    private final MemorySegment one;
    private final MemorySegment zero;

    /** A handle on {@code stream} (a CUstream, from vrft_context_stream). */
    Cublas(MemorySegment stream) {
        if (ERROR != null) {
            throw new IllegalStateException(ERROR);
        }
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(ADDRESS);
            check((int) CREATE.invokeExact(out), "cublasCreate_v2");
            handle = out.get(ADDRESS, 0);
            int status = (int) SET_STREAM.invokeExact(handle, stream);
            if (status != 0) {
                int ignored = (int) DESTROY.invokeExact(handle); // the handle is not kept: the error below is the news
                check(status, "cublasSetStream_v2");
            }
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
        one = scalars.allocateFrom(ValueLayout.JAVA_FLOAT, 1f);
        zero = scalars.allocateFrom(ValueLayout.JAVA_FLOAT, 0f);
    }

    private static void check(int status, String call) {
        if (status != 0) {
            throw new IllegalStateException(call + " failed with cuBLAS status " + status);
        }
    }

    /** {@code C = op(A)·op(B) + (accumulate ? C : 0)}, column-major m × n, inner dimension k. */
    void sgemm(int opA, int opB, int m, int n, int k, MemorySegment a, int lda, MemorySegment b, int ldb,
               boolean accumulate, MemorySegment c, int ldc) {
        MemorySegment beta = accumulate ? one : zero; // invokeExact needs the exact static type
        try {
            check((int) SGEMM.invokeExact(handle, opA, opB, m, n, k, one, a, lda, b, ldb, beta, c, ldc),
                    "cublasSgemm_v2");
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code y = op(A)·x + (accumulate ? y : 0)}, A column-major m × n. */
    void sgemv(int op, int m, int n, MemorySegment a, int lda, MemorySegment x, boolean accumulate, MemorySegment y) {
        MemorySegment beta = accumulate ? one : zero;
        try {
            check((int) SGEMV.invokeExact(handle, op, m, n, one, a, lda, x, 1, beta, y, 1), "cublasSgemv_v2");
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        try {
            int status = (int) DESTROY.invokeExact(handle);
            scalars.close();
            check(status, "cublasDestroy_v2");
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }
}
