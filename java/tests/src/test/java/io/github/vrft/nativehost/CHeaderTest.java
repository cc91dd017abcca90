package io.github.vrft.nativehost;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code cuda/include/vrft.h} as a C or C++ caller sees it: {@code src/test/c/vrft_c_client.c} is compiled
 * with {@code -std=c11 -pedantic -Werror} and again as C++17, linked against each libvrft.so this build made
 * (nvcc's, where nvcc exists, and the host emulation's), and run: every argument check must answer
 * VRFT_ERR_INVALID_ARGUMENT naming the argument, with no device and no context.
 */
class CHeaderTest {
    private static final Path CLIENT = Path.of("src/test/c/vrft_c_client.c");

    private static String compiler(String... names) {
        for (String n : names) {
            for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
                if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, n))) {
                    return Path.of(dir, n).toString();
                }
            }
        }
        return null;
    }

    private static List<Path> libraries() {
        List<Path> libs = new ArrayList<>();
        for (Path p : List.of(Path.of("../cuda/target/natives/native/libvrft.so"), Path.of("target/native-host/emu/libvrft.so"))) {
            if (Files.isRegularFile(p)) {
                libs.add(p.toAbsolutePath());
            }
        }
        return libs;
    }

    private static String run(List<String> cmd, Path dir) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().remove("LD_LIBRARY_PATH"); // the nvcc build needs no libcuda for its checks
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "timed out: " + cmd);
        assertEquals(0, p.exitValue(), String.join(" ", cmd) + "\n" + out);
        return out;
    }

    private void compileAndRun(String compiler, List<String> language, Path tmp) throws Exception {
        List<Path> libs = libraries();
        assumeTrue(!libs.isEmpty(), "no libvrft.so was built (no nvcc and no g++ on x86-64)");
        for (Path lib : libs) {
            Path exe = tmp.resolve("client-" + Math.abs(lib.hashCode()) + "-" + language.get(0).replace('=', '-'));
            List<String> cmd = new ArrayList<>(List.of(compiler));
            cmd.addAll(language);
            cmd.addAll(List.of("-Wall", "-Wextra", "-Werror", "-pedantic", "-I" + Path.of("../../cuda/include").toAbsolutePath(),
                    "-o", exe.toString(), CLIENT.toAbsolutePath().toString(), "-x", "none", lib.toString(),
                    "-Wl,-rpath," + lib.getParent()));
            run(cmd, tmp);
            String out = run(List.of(exe.toString()), tmp);
            assertTrue(out.contains("all checks hold"), lib + ":\n" + out);
            assertFalse(out.contains("FAIL"), out);
            assertEquals(8, out.lines().count(), out);
        }
    }

    @Test
    void compilesAsC11AndItsArgumentChecksAnswer(@TempDir Path tmp) throws Exception {
        String cc = compiler("cc", "gcc", "clang");
        assumeTrue(cc != null, "no C compiler");
        compileAndRun(cc, List.of("-std=c11"), tmp);
    }

    @Test
    void compilesAsCxx17(@TempDir Path tmp) throws Exception {
        String cxx = compiler("c++", "g++", "clang++");
        assumeTrue(cxx != null, "no C++ compiler");
        compileAndRun(cxx, List.of("-std=c++17", "-x", "c++"), tmp);
    }

    /**
     * {@code src/test/c/vrft_selftest.c} (what gpu/validate runs on a GPU, under compute-sanitizer) against the CUDA
     * host emulation's libvrft.so: every function of vrft.h on awkward shapes, checked against the host build of the
     * kernels' math. Here it shows the indexing and the argument handling; on a GPU, the device itself.
     */
    @Test
    void theSelfTestPassesOnTheHostEmulation(@TempDir Path tmp) throws Exception {
        String cc = compiler("cc", "gcc", "clang");
        assumeTrue(cc != null, "no C compiler");
        Path lib = Path.of("target/native-host/emu/libvrft.so").toAbsolutePath();
        assumeTrue(Files.isRegularFile(lib), "the host emulation was not built (no g++ on x86-64)");
        Path exe = tmp.resolve("vrft_selftest");
        run(List.of(cc, "-std=c11", "-O1", "-Wall", "-Wextra", "-Werror", "-pedantic",
                "-I" + Path.of("../../cuda/include").toAbsolutePath(), "-o", exe.toString(),
                Path.of("src/test/c/vrft_selftest.c").toAbsolutePath().toString(),
                Path.of("src/test/c/vrft_host.c").toAbsolutePath().toString(), "-x", "none", lib.toString(),
                "-Wl,-rpath," + lib.getParent(), "-lm"), tmp);
        String out = run(List.of(exe.toString()), tmp);
        assertFalse(out.contains("FAIL"), out);
        assertTrue(out.contains("vrft_selftest: 84 checks, 0 failed"), out);
    }
}
