package io.github.vrft.backend.panama;

import io.github.vrft.backend.Backend;
import io.github.vrft.backend.BackendProvider;

/** The panama binding as a {@link BackendProvider} (registered in {@code META-INF/services}); auto's first choice. */
public final class PanamaProvider implements BackendProvider {
    /** For {@link java.util.ServiceLoader}. */
    public PanamaProvider() {}

    @Override
    public String name() {
        return "panama";
    }

    @Override
    public boolean available() {
        return PanamaProbe.status().available();
    }

    @Override
    public String status() {
        return PanamaProbe.status().toString();
    }

    @Override
    public String device() {
        return "CUDA device 0";
    }

    @Override
    public int preference() {
        return 1; // the least cost per call
    }

    @Override
    public Backend open() {
        return PanamaBackend.open();
    }
}
