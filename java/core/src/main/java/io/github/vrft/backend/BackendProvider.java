package io.github.vrft.backend;

/**
 * A GPU backend binding, found through {@link java.util.ServiceLoader} (the jcuda and panama bindings
 * provide one each), so that {@link Backends} does not depend on any binding: one that is absent from the
 * class path is reported as absent, not as a linkage error.
 */
public interface BackendProvider {
    /** The backend's name for {@link Backends#open} ({@code jcuda}, {@code panama}). */
    String name();

    /** Whether the backend is usable here; never throws (a failed probe is {@code false}). */
    boolean available();

    /** The probe's finding in words: the device and driver, or why the backend is unusable. */
    String status();

    /** The device the backend runs on, for the crossover's record ({@code "CUDA device 0"} when unknown). */
    String device();

    /** Preference for {@code auto} among usable providers: the lowest first (panama, then jcuda). */
    int preference();

    /**
     * Opens the backend.
     *
     * @throws IllegalStateException with the probe's reason when it is not usable here
     */
    Backend open();
}
