package io.github.vrft.backend.jcuda;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The probe runs on every machine: it never throws, caches its finding, and says why when unavailable. */
class JCudaProbeTest {

    @Test
    void probeNeverThrowsAndExplainsItself() {
        JCudaProbe.Status s = JCudaProbe.status();
        assertNotNull(s);
        assertSame(s, JCudaProbe.status(), "cached");
        if (s.available()) {
            assertNotNull(s.device());
        } else {
            assertNotNull(s.reason());
            assertTrue(!s.reason().isBlank());
            IllegalStateException e = assertThrows(IllegalStateException.class, JCudaBackend::open);
            assertTrue(e.getMessage().contains(s.reason()), e.getMessage());
        }
        System.out.println("jcuda probe: " + s);
    }

    @Test
    void theBuildPackedTheFatbinWhereNvccExists() {
        boolean nvcc = java.nio.file.Files.isExecutable(java.nio.file.Path.of("/usr/local/bin/nvcc"))
                || java.nio.file.Files.isExecutable(java.nio.file.Path.of("/usr/local/cuda/bin/nvcc"));
        nvcc &= !"1".equals(System.getenv("VRFT_SKIP_NVCC")); // native-build's deliberate no-nvcc path
        assertEquals(nvcc, JCudaProbe.fatbin() != null, "fatbin in the jar resources iff nvcc was found");
        if (!nvcc) {
            assertTrue(JCudaProbe.status().reason().startsWith("not built"), JCudaProbe.status().reason());
        }
    }
}
