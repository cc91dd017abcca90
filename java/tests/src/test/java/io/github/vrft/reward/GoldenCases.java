package io.github.vrft.reward;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Loads the golden JSON Lines files copied from ../shared/golden into the test resources. */
public final class GoldenCases {
    private GoldenCases() {}

    public static final ObjectMapper JSON = new ObjectMapper();

    public static List<JsonNode> load(String resource) {
        List<JsonNode> out = new ArrayList<>();
        try (InputStream in = GoldenCases.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + resource);
            }
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String line;
            while ((line = r.readLine()) != null) {
                if (!line.isBlank()) {
                    JsonNode n = JSON.readTree(line);
                    if (!"meta".equals(n.path("task").asText())) {
                        out.add(n);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    public static List<JsonNode> visualRft() {
        return load("/golden/visual_rft_rewards.jsonl");
    }

    /** A golden number: a JSON number or the strings "NaN", "Infinity", "-Infinity". */
    public static double number(JsonNode n) {
        if (n.isTextual()) {
            return Double.parseDouble(n.asText());
        }
        return n.doubleValue();
    }
}
