package io.github.vrft.backend.panama;

import io.github.vrft.backend.Emulation;
import io.github.vrft.backend.FusedLinearBackend;
import io.github.vrft.backend.FusedLinearContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.condition.EnabledIf;

/**
 * {@link FusedLinearContract} for the panama backend (cuBLAS through FFM). Runs where a GPU and cuBLAS are usable, or
 * on the CUDA host emulation with its emulated cuBLAS.
 */
@EnabledIf("usable")
class PanamaFusedLinearGpuTest extends FusedLinearContract {
    static boolean usable() {
        PanamaProbe.Status s = PanamaProbe.status();
        String why = !s.available() ? "panama backend " + s : Cublas.error();
        System.out.println(why == null ? "PanamaFusedLinearGpuTest runs on " + Emulation.where("CUDA device 0")
                + " with " + PanamaBackend.cublas() : "PanamaFusedLinearGpuTest skipped: " + why);
        return why == null;
    }

    private static PanamaBackend backend;

    @BeforeAll
    static void open() {
        backend = PanamaBackend.open();
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
