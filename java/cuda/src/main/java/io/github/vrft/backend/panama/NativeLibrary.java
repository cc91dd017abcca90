package io.github.vrft.backend.panama;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Loads {@code libvrft.so} from this jar's resources (extracted once to a temporary file, deleted at exit)
 * with {@link System#load}, so that {@link vrft_h}'s loader lookup finds its symbols. The system property
 * {@value #PATH_PROPERTY} names a library file to load instead (a locally built shim, or the host emulation
 * of native-build that the tests use). Never throws: the outcome is {@link #error()} (null when loaded).
 */
final class NativeLibrary {
    private NativeLibrary() {}

    static final String RESOURCE = "/native/libvrft.so";
    static final String PATH_PROPERTY = "vrft.panama.library";
    private static final String ERROR = load();

    private static String load() {
        String path = System.getProperty(PATH_PROPERTY);
        if (path != null) {
            try {
                System.load(Path.of(path).toAbsolutePath().toString());
                return null;
            } catch (UnsatisfiedLinkError | SecurityException e) {
                return PATH_PROPERTY + "=" + path + " did not load: " + e.getMessage();
            }
        }
        try (InputStream in = NativeLibrary.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                return "not built: this jar has no " + RESOURCE + " (nvcc was absent at build time)";
            }
            Path tmp = Files.createTempFile("libvrft-", ".so");
            tmp.toFile().deleteOnExit();
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            System.load(tmp.toAbsolutePath().toString());
            return null;
        } catch (IOException | UnsatisfiedLinkError | SecurityException e) {
            return "libvrft.so did not load: " + e.getMessage();
        }
    }

    /** Null when the library is loaded, else why not. */
    static String error() {
        return ERROR;
    }
}
