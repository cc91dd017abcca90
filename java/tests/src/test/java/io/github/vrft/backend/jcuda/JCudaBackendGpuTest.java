package io.github.vrft.backend.jcuda;

import io.github.vrft.backend.Backend;
import io.github.vrft.backend.BackendContract;
import io.github.vrft.backend.Emulation;
import io.github.vrft.backend.FusedLinearBackend;
import io.github.vrft.backend.FusedLinearContract;
import io.github.vrft.grpo.LossOptions;
import io.github.vrft.grpo.TokenBatch;
import io.github.vrft.grpo.TrlLossOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The jcuda backend against the CPU backend (the oracle): {@link BackendContract}, {@link FusedLinearContract}
 * (cuBLAS through JCublas, where libcublas.so.12 loads), plus its device-memory accounting. Runs only where {@link JCudaProbe} finds a usable GPU, or on the CUDA host emulation (Maven's
 * emulated-gpu run); elsewhere JUnit reports every test here as skipped, with the reason in the output.
 */
@EnabledIf("gpu")
class JCudaBackendGpuTest extends BackendContract implements FusedLinearContract {
    static boolean gpu() {
        JCudaProbe.Status s = JCudaProbe.status();
        System.out.println(s.available() ? "JCudaBackendGpuTest runs on " + Emulation.where(s.device())
                : "JCudaBackendGpuTest skipped: jcuda backend " + s);
        return s.available();
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
    protected Backend backend() {
        return backend;
    }

    @Override
    public FusedLinearBackend device() {
        return backend;
    }

    @Override
    public String blasUnavailable() {
        return JCudaBackend.cublas().startsWith("JCublas2") ? null : JCudaBackend.cublas();
    }

    @Override
    public Backend openAnother() {
        return JCudaBackend.open();
    }

    @Override
    public String cublasLibrary() {
        return "libcublas.so.12"; // JCublas's JNI library links it by this name
    }

    @Test
    void manyCallsLeaveDeviceMemoryWhereTheyFoundIt() {
        TokenBatch b = io.github.vrft.grpo.RandomTokens.batch(4, 33, 9, 0.2);
        LossOptions o = TrlLossOptions.builder().beta(0.04).build();
        backend.policyLoss(b, o); // warm-up: the module's first use may allocate
        long before = DeviceBuffer.liveBuffers();
        long[] free0 = {0};
        long[] total = {0};
        jcuda.driver.JCudaDriver.cuMemGetInfo(free0, total);
        int calls = Emulation.size(100_000, 2_000);
        for (int i = 0; i < calls; i++) {
            backend.policyLoss(b, o);
        }
        long[] free1 = {0};
        jcuda.driver.JCudaDriver.cuMemGetInfo(free1, total);
        System.out.println("device memory after " + calls + " calls on " + Emulation.where(JCudaProbe.status().device())
                + ": free " + free0[0] + " before, " + free1[0] + " after, of " + total[0]);
        assertEquals(before, DeviceBuffer.liveBuffers(), "live DeviceBuffers");
        assertEquals(free0[0], free1[0], "free device memory");
    }
}
