package io.github.vrft.spark;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code vrft score} run as its own process (the command-line artifact, built before this module), the reference the
 * Spark results are compared with; and the reading of its output with every number's digits kept.
 */
final class VrftScoreProcess {
    private VrftScoreProcess() {}

    /** Numbers as BigDecimal: a double or float is then re-read from its own digits, exactly. */
    static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    static Path repo() {
        return Path.of(System.getProperty("vrft.repo.dir", "../..")).toAbsolutePath().normalize();
    }

    /** Runs {@code vrft score -q -i in -o out args...}; returns its output lines (it leaves bad lines out). */
    static List<String> score(Path in, Path out, String... args) throws IOException, InterruptedException {
        Path cli = Path.of(System.getProperty("vrft.cli.dir", "../cli/target")).toAbsolutePath();
        File[] jars = cli.toFile().listFiles((d, n) -> n.startsWith("vrft-cli-") && n.endsWith(".jar")
                && !n.endsWith("-sources.jar") && !n.endsWith("-javadoc.jar"));
        assertTrue(jars != null && jars.length == 1, "the vrft-cli jar in " + cli);
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
                "-cp", jars[0] + File.pathSeparator + cli.resolve("lib") + File.separator + "*",
                "io.github.vrft.cli.VrftCommand", "score", "-q", "-i", in.toString(), "-o", out.toString()));
        cmd.addAll(List.of(args));
        Path err = Files.createTempFile("vrft-score", ".err");
        Process p = new ProcessBuilder(cmd).redirectError(err.toFile()).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), "vrft score did not finish");
        String stderr = Files.readString(err);
        assertTrue(p.exitValue() == 0 || p.exitValue() == 1, "vrft score exit " + p.exitValue() + ": " + stderr);
        return Files.readAllLines(out, StandardCharsets.UTF_8);
    }

    /**
     * The numbers of an output line as written, by name: {@code advantage} and each member of {@code rewards}, the
     * characters vrft score wrote (a streaming parser's text of a number is its input text, so -0.0 stays -0.0 and
     * a float is re-read from its own shortest digits, not through a double).
     */
    static java.util.Map<String, String> numbers(String line) throws IOException {
        java.util.Map<String, String> out = new java.util.HashMap<>();
        try (com.fasterxml.jackson.core.JsonParser p = JSON.getFactory().createParser(line)) {
            p.nextToken();
            while (p.nextToken() == com.fasterxml.jackson.core.JsonToken.FIELD_NAME) {
                String name = p.currentName();
                com.fasterxml.jackson.core.JsonToken v = p.nextToken();
                if (name.equals("rewards")) {
                    while (p.nextToken() == com.fasterxml.jackson.core.JsonToken.FIELD_NAME) {
                        String c = p.currentName();
                        p.nextToken();
                        out.put(c, p.getText());
                    }
                } else if (name.equals("advantage")) {
                    out.put("advantage", p.getText());
                } else {
                    p.skipChildren();
                }
            }
        }
        return out;
    }
}
