package io.github.vrft.answer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.vrft.WarmTiming;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link JsonRepair} against json_repair 0.41.1 itself: {@code str(json.loads(repair_json(text)))} for 3,000
 * mutated bbox lists that {@code json.loads} rejects, and for 14 long degenerate inputs (compared by hash), as
 * written by {@code tools/json-repair-cases.py}; the degenerate ones also within the scoring budget (upstream
 * takes 51 s on one of them).
 */
class JsonRepairTest {
    private static final String CASES = "json_repair_0.41.1.jsonl";

    /** The same inputs as tools/json-repair-cases.py's DEGENERATE. */
    static Map<String, String> degenerate() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("dashes", "[" + "-".repeat(60000));
        m.put("commas_in_value", "{\"a\": \"" + ",".repeat(30000));
        m.put("commas_in_str", "[\"" + ",".repeat(30000));
        m.put("dup_keys", "[{" + "\"a\": 1, ".repeat(6000) + "}]");
        m.put("quotes", "\"".repeat(30000));
        m.put("open_brackets", "[".repeat(2000));
        m.put("open_braces", "{\"a\":".repeat(3000));
        m.put("quote_comma", "[" + "\"a\", ".repeat(10000));
        m.put("colons", "{" + ":".repeat(30000));
        m.put("unclosed_labels", "[" + "{\"bbox_2d\": [1, 2, 3, 4], \"label\": \"x".repeat(1200));
        m.put("sq_mix", "[{'a': 'b" + "', 'c".repeat(8000));
        m.put("backslashes", "[\"" + "\\".repeat(30000));
        m.put("spaces_key", "{\"a " + " ".repeat(30000));
        m.put("objs_no_comma", "[" + "{\"bbox_2d\": [1,2,3,4] \"label\": \"a\"}".repeat(1500));
        return m;
    }

    private static String repaired(String text) {
        try {
            return PyRepr.str(JsonRepair.parse(text));
        } catch (PyException e) {
            return "RAISE " + e.pyType();
        }
    }

    private static String sha256(String s) throws NoSuchAlgorithmException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void sameValuesAsJsonRepair0411() throws IOException, NoSuchAlgorithmException {
        ObjectMapper json = new ObjectMapper();
        Map<String, String> degenerate = degenerate();
        int texts = 0;
        int hashed = 0;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(
                JsonRepairTest.class.getResourceAsStream(CASES), StandardCharsets.UTF_8))) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                JsonNode c = json.readTree(line);
                if (c.has("degenerate")) {
                    String name = c.get("degenerate").asText();
                    String text = degenerate.get(name);
                    assertEquals(c.get("sha256").asText(), sha256(repaired(text)), name);
                    WarmTiming.within("json_repair " + name, WarmTiming.BUDGET_NANOS, () -> repaired(text));
                    hashed++;
                } else {
                    String text = c.get("text").asText();
                    assertEquals(c.get("expected").asText(), repaired(text), text);
                    texts++;
                }
            }
        }
        assertEquals(3000, texts);
        assertEquals(degenerate.size(), hashed);
    }

    @Test
    void numbersAsJsonRepairReadsThem() {
        assertEquals("[1, 2]", repaired("[01, 2"));
        assertEquals("[4.0]", repaired("[4."));
        assertEquals("['1/2', 3]", repaired("[1/2, 3"));
        assertEquals("{'a': '3,4'}", repaired("{\"a\": 3,4"));
        assertEquals("['abc']", repaired("[\"abc"));
        assertTrue(repaired("[" + "[".repeat(600)).startsWith("RAISE RecursionError"));
    }
}
