package io.github.vrft.backend.jcuda;

import io.github.vrft.backend.Emulation;
import io.github.vrft.backend.FusedLinearBackend;
import io.github.vrft.backend.FusedLinearContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.condition.EnabledIf;

/**
 * {@link FusedLinearContract} for the jcuda backend (cuBLAS through JCublas, which needs libcublas.so.12). Runs where a
 * GPU and JCublas are usable, or on the CUDA host emulation with its emulated libcublas.so.12.
 */
@EnabledIf("usable")
class JCudaFusedLinearGpuTest extends FusedLinearContract {
    static boolean usable() {
        JCudaProbe.Status s = JCudaProbe.status();
        String why = !s.available() ? "jcuda backend " + s : JCudaBackend.cublas().startsWith("JCublas2") ? null
                : JCudaBackend.cublas();
        System.out.println(why == null ? "JCudaFusedLinearGpuTest runs on " + Emulation.where("CUDA device 0")
                + " with " + JCudaBackend.cublas() : "JCudaFusedLinearGpuTest skipped: " + why);
        return why == null;
    }

    private static JCudaBackend backend;

    @BeforeAll
    static void open() {
        backend = JCudaBackend.open();
    }

    @AfterAll
    static void close() {
        backend.close();
    }

    @Override
    protected FusedLinearBackend device() {
        return backend;
    }
}
