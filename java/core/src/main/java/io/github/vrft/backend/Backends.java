package io.github.vrft.backend;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.ServiceLoader;

/**
 * Opens a {@link Backend} by name: {@code cpu}, {@code jcuda}, {@code panama} or {@code auto}. The GPU
 * backends are found through {@link ServiceLoader} ({@link BackendProvider}); one that is not usable here
 * (or not on the class path) is an {@link IllegalStateException} with its probe's reason; {@code auto} never
 * fails for want of a GPU. For {@code auto} with a usable GPU (panama preferred: it has the least cost per
 * call), the crossover comes from the file named by the system property {@value #CROSSOVER_PROPERTY} when it
 * is set (read when auto opens), else it is measured once per JVM ({@link Crossover#measure}, a few seconds)
 * and logged, on the first call of at least {@link Crossover#SMALLEST_MEASURED} items: smaller calls run on the
 * CPU without it.
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
            case "jcuda", "panama" -> provider(name.trim().toLowerCase(Locale.ROOT)).open();
            case "auto" -> auto();
            default -> throw new IllegalArgumentException("backend must be one of " + NAMES + ", got '" + name + "'");
        };
    }

    /** The GPU backend providers on the class path, auto's preference first (loaded once). */
    private static List<BackendProvider> providers;

    static synchronized List<BackendProvider> providers() {
        if (providers == null) {
            List<BackendProvider> found = new ArrayList<>();
            ServiceLoader.load(BackendProvider.class, Backends.class.getClassLoader()).forEach(found::add);
            found.sort(Comparator.comparingInt(BackendProvider::preference));
            providers = List.copyOf(found);
        }
        return providers;
    }

    private static BackendProvider provider(String name) {
        for (BackendProvider p : providers()) {
            if (p.name().equals(name)) {
                return p;
            }
        }
        throw new IllegalStateException(name + " backend unavailable: its binding is not on the class path");
    }

    /** The GPU backend auto would use, opened, or null; {@code why} gets the reason either way. */
    private static Backend openGpu(StringBuilder why) {
        StringBuilder none = new StringBuilder("no GPU backend is usable:");
        for (BackendProvider p : providers()) {
            if (p.available()) {
                why.append(p.name()).append(" is usable: ").append(p.status());
                return p.open();
            }
            none.append(' ').append(p.name()).append(' ').append(p.status()).append(';');
        }
        why.append(providers().isEmpty() ? "no GPU binding is on the class path"
                : none.substring(0, none.length() - 1));
        return null;
    }

    private static AutoBackend auto() {
        StringBuilder why = new StringBuilder();
        Backend gpu = openGpu(why);
        if (gpu == null) {
            return new AutoBackend(null, null, why.toString());
        }
        try {
            String file = System.getProperty(CROSSOVER_PROPERTY);
            // a crossover file is read now (a bad one is an error at open); a measurement waits for its first need
            return file != null ? new AutoBackend(gpu, load(file), why.toString())
                    : AutoBackend.measuredOnFirstNeed(gpu, () -> measuredFor(gpu), why.toString());
        } catch (RuntimeException e) {
            gpu.close();
            throw e;
        }
    }

    private static Crossover load(String file) {
        try {
            return Crossover.load(Path.of(file));
        } catch (IOException e) {
            throw new UncheckedIOException(CROSSOVER_PROPERTY + "=" + file + " could not be read", e);
        }
    }

    /** The crossover measured once per JVM (a few seconds, logged). */
    private static synchronized Crossover measuredFor(Backend gpu) {
        if (measured == null) {
            LOG.log(System.Logger.Level.INFO, "auto: measuring the CPU/GPU crossover on " + gpu.name() + " (a few seconds)");
            measured = Crossover.measure(new CpuBackend(), gpu, gpuDevice(gpu));
            LOG.log(System.Logger.Level.INFO, "auto: " + measured.summary());
        }
        return measured;
    }

    private static String gpuDevice(Backend gpu) {
        for (BackendProvider p : providers()) {
            if (p.name().equals(gpu.name())) {
                return p.device();
            }
        }
        return "CUDA device 0";
    }

    /** One line per backend: whether it is usable here and why (for {@code vrft info}). */
    public static List<String> report() {
        List<String> lines = new ArrayList<>();
        lines.add("cpu        available (pure Java; the reference every other backend is checked against)");
        for (String name : List.of("jcuda", "panama")) {
            String status = "unavailable: its binding is not on the class path";
            for (BackendProvider p : providers()) {
                if (p.name().equals(name)) {
                    status = p.status();
                }
            }
            lines.add(String.format(Locale.ROOT, "%-10s %s", name, status));
        }
        return lines;
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
