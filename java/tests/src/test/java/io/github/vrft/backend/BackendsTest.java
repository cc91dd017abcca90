package io.github.vrft.backend;

import io.github.vrft.backend.jcuda.JCudaProbe;
import io.github.vrft.backend.panama.PanamaProbe;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

class BackendsTest {
    @Test
    void opensByName() {
        try (Backend b = Backends.open(" CPU ")) {
            assertInstanceOf(CpuBackend.class, b);
            assertEquals("cpu", b.name());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Backends.open("cuda"));
        assertEquals("backend must be one of [cpu, jcuda, panama, auto], got 'cuda'", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Backends.open(null));
    }

    @Test
    void theGpuBindingsAreFoundThroughTheServiceLoader() {
        assertEquals(java.util.List.of("panama", "jcuda"), Backends.providers().stream().map(BackendProvider::name).toList());
        assertEquals(3, Backends.report().size());
        assertTrue(Backends.report().get(1).startsWith("jcuda      "), Backends.report().get(1));
    }

    @Test
    void withoutAGpuAutoIsTheCpuAndAGpuBackendSaysWhyNot() {
        assumeFalse(JCudaProbe.status().available() || PanamaProbe.status().available(), "a GPU backend is usable here");
        try (Backend auto = Backends.open("auto")) {
            // the providers in auto's order of preference, each with its probe's reason
            assertTrue(auto.describe().startsWith("auto: cpu for every call (no GPU backend is usable: panama unavailable: "),
                    auto.describe());
            assertTrue(auto.describe().contains("; jcuda unavailable: "), auto.describe());
        }
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Backends.open("jcuda"));
        assertTrue(e.getMessage().startsWith("jcuda backend unavailable: "), e.getMessage());
        e = assertThrows(IllegalStateException.class, () -> Backends.open("panama"));
        assertTrue(e.getMessage().startsWith("panama backend unavailable: "), e.getMessage());
    }
}
