package io.github.vrft;

/**
 * Whether the Vector API fast path may run: the {@code jdk.incubator.vector} module must be resolved (run
 * with {@code --add-modules jdk.incubator.vector}) and the system property {@code vrft.vector} must not be
 * {@code false}. Without the module no class of the fast path is ever loaded, so the library runs on a
 * plain JDK 25+. Internal (its package is not exported to users): the loss, the IoU rows and the matching
 * read it.
 */
public final class VectorSupport {
    private VectorSupport() {}

    private static final boolean MODULE = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();

    /** Read on every call, so tests and benchmarks can switch paths in one JVM. */
    public static boolean enabled() {
        return MODULE && !"false".equalsIgnoreCase(System.getProperty("vrft.vector"));
    }

    /** For {@code vrft info} and logs: which path the loss takes, and why. */
    public static String describe() {
        if (!MODULE) {
            return "scalar (jdk.incubator.vector not resolved; run with --add-modules jdk.incubator.vector)";
        }
        return enabled() ? "Vector API (jdk.incubator.vector)" : "scalar (-Dvrft.vector=false)";
    }
}
