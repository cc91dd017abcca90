package io.github.vrft.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Files a run creates and must not leave behind (a partial output, a temporary copy of the input): they are
 * deleted when the run ends, normally or by SIGINT/SIGTERM (the JVM's shutdown hooks run on both). A run
 * unregisters a file once it has been moved into place.
 */
final class ExitCleanup {
    private ExitCleanup() {}

    private static final Set<Path> PATHS = new LinkedHashSet<>();
    private static boolean hooked;

    static synchronized void register(Path p) {
        if (!hooked) {
            Runtime.getRuntime().addShutdownHook(new Thread(ExitCleanup::deleteAll, "vrft-exit-cleanup"));
            hooked = true;
        }
        PATHS.add(p);
    }

    static synchronized void unregister(Path p) {
        PATHS.remove(p);
    }

    /** Deletes {@code p} now and forgets it. */
    static void delete(Path p) throws IOException {
        try {
            Files.deleteIfExists(p);
        } finally {
            unregister(p);
        }
    }

    private static synchronized void deleteAll() {
        for (Path p : PATHS) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException e) {
                System.err.println("vrft: could not delete " + p + ": " + e.getMessage());
            }
        }
        PATHS.clear();
    }
}
