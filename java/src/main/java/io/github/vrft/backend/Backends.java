package io.github.vrft.backend;

import io.github.vrft.backend.jcuda.JCudaBackend;
import io.github.vrft.backend.jcuda.JCudaProbe;
import io.github.vrft.backend.panama.PanamaBackend;
import io.github.vrft.backend.panama.PanamaProbe;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Opens a {@link Backend} by name: {@code cpu}, {@code jcuda}, {@code panama} or {@code auto}. A GPU backend
 * that is not usable here is an {@link IllegalStateException} with its probe's reason; {@code auto} never
 * fails for want of a GPU. For {@code auto} with a usable GPU (panama preferred: it has the least cost per
 * call), the crossover comes from the file named by the system property {@value #CROSSOVER_PROPERTY} when it
 * is set, else it is measured once per JVM on first use ({@link Crossover#measure}, a few seconds) and
 * logged.
 */
public final class Backends {
    private Backends() {}

    /** The names {@link #open} accepts. */
    public static final List<String> NAMES = List.of("cpu", "jcuda", "panama", "auto");
    /** A crossover file written by {@code vrft calibrate --output FILE}. */
    public static final String CROSSOVER_PROPERTY = "vrft.crossover";

    private static final System.Logger LOG = System.getLogger("io.github.vrft");
    private static Crossover measured;

    /**
     * Opens the backend named {@code name} (case-insensitive).
     *
     * @throws IllegalArgumentException for a name that is not one of {@link #NAMES}
     * @throws IllegalStateException with the probe's reason for a GPU backend that is not usable here
     */
    public static Backend open(String name) {
        if (name == null) {
            throw new IllegalArgumentException("backend must not be null; one of " + NAMES);
        }
        return switch (name.trim().toLowerCase(Locale.ROOT)) {
            case "cpu" -> new CpuBackend();
            case "jcuda" -> JCudaBackend.open();
            case "panama" -> PanamaBackend.open();
            case "auto" -> auto();
            default -> throw new IllegalArgumentException("backend must be one of " + NAMES + ", got '" + name + "'");
        };
    }

    /** The GPU backend auto would use, opened, or null; {@code why} gets the reason either way. */
    private static Backend openGpu(StringBuilder why) {
        if (PanamaProbe.status().available()) {
            why.append("panama is usable: ").append(PanamaProbe.status());
            return PanamaBackend.open();
        }
        if (JCudaProbe.status().available()) {
            why.append("jcuda is usable: ").append(JCudaProbe.status()).append("; panama ").append(PanamaProbe.status());
            return JCudaBackend.open();
        }
        why.append("no GPU backend is usable: jcuda ").append(JCudaProbe.status()).append("; panama ").append(PanamaProbe.status());
        return null;
    }

    private static AutoBackend auto() {
        StringBuilder why = new StringBuilder();
        Backend gpu = openGpu(why);
        if (gpu == null) {
            return new AutoBackend(null, null, why.toString());
        }
        try {
            return new AutoBackend(gpu, crossoverFor(gpu), why.toString());
        } catch (RuntimeException e) {
            gpu.close();
            throw e;
        }
    }

    private static synchronized Crossover crossoverFor(Backend gpu) {
        String file = System.getProperty(CROSSOVER_PROPERTY);
        if (file != null) {
            try {
                return Crossover.load(Path.of(file));
            } catch (IOException e) {
                throw new UncheckedIOException(CROSSOVER_PROPERTY + "=" + file + " could not be read", e);
            }
        }
        if (measured == null) {
            LOG.log(System.Logger.Level.INFO, "auto: measuring the CPU/GPU crossover on " + gpu.name() + " (a few seconds)");
            measured = Crossover.measure(new CpuBackend(), gpu, gpuDevice(gpu));
            LOG.log(System.Logger.Level.INFO, "auto: " + measured.summary());
        }
        return measured;
    }

    private static String gpuDevice(Backend gpu) {
        return gpu.name().equals("jcuda") || JCudaProbe.status().available() ? String.valueOf(JCudaProbe.status().device())
                : "CUDA device 0";
    }

    /** One line per backend: whether it is usable here and why (for {@code vrft info}). */
    public static List<String> report() {
        return List.of("cpu        available (pure Java; the reference every other backend is checked against)",
                "jcuda      " + JCudaProbe.status(), "panama     " + PanamaProbe.status());
    }

    /** Writes a measured crossover of the GPU backend auto would use to {@code file}; returns it. */
    public static Crossover calibrate(Path file) throws IOException {
        StringBuilder why = new StringBuilder();
        try (Backend gpu = openGpu(why)) {
            if (gpu == null) {
                throw new IllegalStateException("nothing to calibrate: " + why);
            }
            Crossover c = Crossover.measure(new CpuBackend(), gpu, gpuDevice(gpu));
            if (file != null) {
                Path parent = file.toAbsolutePath().getParent();
                if (parent != null) {
                    Files.createDirectories(parent);
                }
                c.save(file);
            }
            return c;
        }
    }
}
