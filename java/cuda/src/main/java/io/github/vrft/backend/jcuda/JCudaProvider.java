package io.github.vrft.backend.jcuda;

import io.github.vrft.backend.Backend;
import io.github.vrft.backend.BackendProvider;

/** The jcuda binding as a {@link BackendProvider} (registered in {@code META-INF/services}). */
public final class JCudaProvider implements BackendProvider {
    /** For {@link java.util.ServiceLoader}. */
    public JCudaProvider() {}

    @Override
    public String name() {
        return "jcuda";
    }

    @Override
    public boolean available() {
        return JCudaProbe.status().available();
    }

    @Override
    public String status() {
        return JCudaProbe.status().toString();
    }

    @Override
    public String device() {
        JCudaProbe.Status s = JCudaProbe.status();
        return s.available() ? s.device() : "CUDA device 0";
    }

    @Override
    public int preference() {
        return 2;
    }

    @Override
    public Backend open() {
        return JCudaBackend.open();
    }
}
