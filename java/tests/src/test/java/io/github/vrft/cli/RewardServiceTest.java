package io.github.vrft.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.vrft.backend.CpuBackend;
import io.github.vrft.reward.RewardOptions;
import io.github.vrft.reward.RewardScore;
import io.github.vrft.reward.RewardScorer;
import io.github.vrft.reward.Task;
import io.helidon.webserver.WebServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code vrft serve}'s reward service on a real server on loopback, called as OpenRLHF calls it: the rewards are
 * the library's own scores of the same completions; bad bodies are 400s naming the item and field; a bad item is
 * a null reward with its reason while the others are scored; over the body limit 413; with a token, 401.
 */
class RewardServiceTest {
    private static final RewardScorer SCORER = new RewardScorer(RewardOptions.defaults());
    private static final String GT = "<answer>garden phlox</answer>";
    private static final String RIGHT = "<think>it is pink</think><answer>garden phlox</answer>";
    private static final String WRONG = "<think>x</think> <answer>rose</answer>";
    /** The tests' item limit: small, so that a request over it is cheap to build. */
    private static final int MAX_ITEMS = 64;
    private static WebServer open;
    private static WebServer locked;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        open = service(null, new Admission(2, 64)).start("127.0.0.1", 0, 4096);
        locked = service("s3cret", new Admission(2, 64)).start("127.0.0.1", 0, 1 << 20);
    }

    /** The service as the tests run it: classification by default, Visual-RFT advantages. */
    private static RewardService service(String token, Admission admission) {
        return new RewardService(SCORER, new CpuBackend(), Task.CLASSIFICATION, "visual-rft", token,
                io.github.vrft.grpo.AdvantageFlavor.VISUAL_RFT, admission, MAX_ITEMS);
    }

    @AfterAll
    static void stop() {
        open.stop();
        locked.stop();
    }

    private static HttpResponse<String> post(WebServer s, String path, byte[] body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + path))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> post(WebServer s, String body, String... headers) throws Exception {
        return post(s, "/get_reward", body.getBytes(StandardCharsets.UTF_8), headers);
    }

    private static JsonNode json(HttpResponse<String> r) throws IOException {
        return GrpoCommand.JSON.readTree(r.body());
    }

    private static String quote(String s) throws IOException {
        return GrpoCommand.JSON.writeValueAsString(s);
    }

    @Test
    void healthReadinessAndInfo() throws Exception {
        for (String path : new String[] {"/healthz", "/readyz", "/info"}) {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + open.port() + path)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), path);
        }
        JsonNode info = json(HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + open.port() + "/info")).build(),
                HttpResponse.BodyHandlers.ofString()));
        assertEquals("visual-rft", info.get("profile").asText());
        assertEquals("classification", info.get("task").asText());
        assertEquals(VrftCommand.version(), info.get("version").asText());
    }

    @Test
    void openRlhfCallGetsTheLibrarysScoresOfTheResponses() throws Exception {
        String prompt = "<|im_start|>user\nWhat flower is this?<|im_end|>\n<|im_start|>assistant\n";
        String body = "{\"query\": [" + quote(prompt + RIGHT) + ", " + quote(prompt + WRONG) + ", " + quote("other " + RIGHT)
                + "], \"prompts\": [" + quote(prompt) + ", " + quote(prompt) + ", " + quote(prompt) + "], \"labels\": ["
                + quote(GT) + ", " + quote(GT) + ", " + quote("{\"task\": \"classification\", \"solution\": " + quote(GT).replace("\"", "\"")
                + "}") + "]}";
        HttpResponse<String> r = post(open, body);
        assertEquals(200, r.statusCode(), r.body());
        JsonNode out = json(r);
        RewardScore right = SCORER.score(Task.CLASSIFICATION, RIGHT, GT);
        RewardScore wrong = SCORER.score(Task.CLASSIFICATION, WRONG, GT);
        // the third prompt is not a prefix of its query: the whole query is scored
        RewardScore whole = SCORER.score(Task.CLASSIFICATION, "other " + RIGHT, GT);
        float[] want = {right.totalF32(), wrong.totalF32(), whole.totalF32()};
        for (int i = 0; i < 3; i++) {
            assertEquals(want[i], out.get("rewards").get(i).floatValue(), 0.0f, "item " + i);
            assertEquals(want[i], out.get("scores").get(i).floatValue(), 0.0f, "item " + i);
        }
        assertEquals(2.0f, want[0], 0.0f); // accuracy 1 + format 1: the prompt was cut off
        assertEquals(right.value("accuracy"), out.get("extra_logs").get("accuracy").get(0).doubleValue(), 0.0);
        assertEquals(wrong.value("format"), out.get("extra_logs").get("format").get(1).doubleValue(), 0.0);
        assertEquals(whole.value("format"), out.get("extra_logs").get("format").get(2).doubleValue(), 0.0);
    }

    @Test
    void aBadItemIsANullRewardWithItsReasonAndTheOthersAreScored() throws Exception {
        String body = "{\"query\": [" + quote(RIGHT) + ", " + quote(RIGHT) + "], \"labels\": [" + quote(GT) + ", "
                + quote("{\"task\": \"nope\", \"solution\": \"x\"}") + "]}";
        HttpResponse<String> r = post(open, body);
        assertEquals(200, r.statusCode(), r.body());
        JsonNode out = json(r);
        assertEquals(2.0f, out.get("rewards").get(0).floatValue(), 0.0f);
        assertTrue(out.get("rewards").get(1).isNull(), r.body());
        assertTrue(out.get("errors").get("1").asText().startsWith("labels[1]: task: unknown task 'nope'"), r.body());
        assertTrue(out.get("extra_logs").get("accuracy").get(1).isNull(), r.body());
    }

    @Test
    void badBodiesAre400sNamingTheItemAndTheField() throws Exception {
        String[][] cases = {
            {"not json", null, null},
            {"[1, 2]", null, null},
            {"{\"labels\": []}", null, "query"},
            {"{\"query\": \"x\", \"labels\": []}", null, "query"},
            {"{\"query\": [\"a\", 7], \"labels\": [\"x\", \"y\"]}", "1", "query"},
            {"{\"query\": [\"a\", \"b\"], \"labels\": [\"x\"]}", "1", "labels"},
            {"{\"query\": [\"a\"], \"prompts\": [5], \"labels\": [\"x\"]}", "0", "prompts"},
        };
        for (String[] c : cases) {
            HttpResponse<String> r = post(open, c[0]);
            assertEquals(400, r.statusCode(), c[0] + " -> " + r.body());
            JsonNode e = json(r);
            assertTrue(e.get("error").asText().length() > 5, r.body());
            assertEquals(c[1], e.has("item") ? e.get("item").asText() : null, r.body());
            assertEquals(c[2], e.has("field") ? e.get("field").asText() : null, r.body());
        }
        // and the server is still up
        assertEquals(200, post(open, "{\"query\": [" + quote(RIGHT) + "], \"labels\": [" + quote(GT) + "]}").statusCode());
    }

    @Test
    void anOversizedBodyIs413AndTheServerStaysUp() throws Exception {
        String body = "{\"query\": [" + quote(RIGHT) + "], \"labels\": [" + quote(GT) + "]}";
        String big = "{\"query\": [" + quote("x".repeat(8000)) + "], \"labels\": [" + quote(GT) + "]}";
        assertEquals(413, post(open, big).statusCode());
        assertEquals(200, post(open, body).statusCode());
    }

    @Test
    void tooManyItemsIs413NamingTheLimit() throws Exception {
        StringBuilder q = new StringBuilder();
        StringBuilder l = new StringBuilder();
        for (int i = 0; i <= MAX_ITEMS; i++) {
            q.append(i == 0 ? "" : ",").append("\"x\"");
            l.append(i == 0 ? "" : ",").append("\"y\"");
        }
        HttpResponse<String> r = post(open, "{\"query\": [" + q + "], \"labels\": [" + l + "]}");
        assertEquals(413, r.statusCode(), r.body());
        assertEquals("query", json(r).get("field").asText());
        assertTrue(json(r).get("error").asText().contains("the request has " + (MAX_ITEMS + 1) + " items; the limit is "
                + MAX_ITEMS + " (vrft serve --max-items)"), r.body());
        WebServer s = server(new Admission(2, 8));
        try {
            StringBuilder lines = new StringBuilder();
            for (int i = 0; i <= MAX_ITEMS; i++) {
                lines.append(line("\"a\"", RIGHT, "")).append('\n');
            }
            HttpResponse<String> batch = post(s, "/score", lines.toString().getBytes(StandardCharsets.UTF_8));
            assertEquals(413, batch.statusCode(), batch.body());
            assertEquals(200, post(s, "/score", (line("\"a\"", RIGHT, "") + "\n").getBytes(StandardCharsets.UTF_8))
                    .statusCode());
        } finally {
            s.stop();
        }
    }

    @Test
    void withATokenARequestWithoutItIs401() throws Exception {
        String body = "{\"query\": [" + quote(RIGHT) + "], \"labels\": [" + quote(GT) + "]}";
        assertEquals(401, post(locked, body).statusCode());
        assertEquals(401, post(locked, body, "Authorization", "Bearer wrong").statusCode());
        HttpResponse<String> ok = post(locked, body, "Authorization", "Bearer s3cret");
        assertEquals(200, ok.statusCode(), ok.body());
        assertEquals(2.0f, json(ok).get("rewards").get(0).floatValue(), 0.0f);
    }

    /** vrft score's own output for {@code lines} (two passes, Visual-RFT advantages). */
    private static String vrftScore(java.nio.file.Path dir, String lines) throws IOException {
        java.nio.file.Path in = java.nio.file.Files.writeString(dir.resolve("in.jsonl"), lines);
        JsonlScoring s = new JsonlScoring(SCORER, new CpuBackend(),
                r -> io.github.vrft.grpo.GroupAdvantages.visualRft(r, io.github.vrft.grpo.Groups.contiguous(r.length, r.length)),
                new java.io.PrintStream(java.io.OutputStream.nullOutputStream()), Progress.NONE);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        s.run(in, out, JsonlScoring.defaultHoldBytes());
        return out.toString(StandardCharsets.UTF_8);
    }

    private static String line(String pid, String completion, String extra) throws IOException {
        return "{\"prompt_id\": " + pid + ", \"task\": \"classification\", \"completion\": " + quote(completion)
                + ", \"solution\": " + quote(GT) + extra + "}";
    }

    @Test
    void scoreAnswersJsonLinesAsVrftScoreWritesThem(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        String good = String.join("\n", line("\"a\"", RIGHT, ", \"step\": 1.10"), line("\"a\"", WRONG, ""),
                line("7", RIGHT, ", \"x\": -0.0"), line("\"a\"", RIGHT, ""), line("7e0", WRONG, "")) + "\n";
        HttpResponse<String> r = post(open, "/score", good.getBytes(StandardCharsets.UTF_8));
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("application/x-ndjson", r.headers().firstValue("Content-Type").orElse(""));
        assertEquals(vrftScore(dir, good), r.body()); // the same bytes, groups "a" (3 lines) and 7 (2 lines)
        // a bad line is answered in its place; the others are scored as without it
        String withBad = line("\"a\"", RIGHT, "") + "\n{\"prompt_id\": \"b\", \"task\": \"nope\"}\n"
                + line("\"a\"", WRONG, "") + "\n";
        String[] got = post(open, "/score", withBad.getBytes(StandardCharsets.UTF_8)).body().split("\n");
        assertEquals(3, got.length);
        assertEquals(2, GrpoCommand.JSON.readTree(got[1]).get("line").asInt());
        assertTrue(GrpoCommand.JSON.readTree(got[1]).get("error").asText().length() > 0, got[1]);
        String[] want = vrftScore(dir, line("\"a\"", RIGHT, "") + "\n" + line("\"a\"", WRONG, "") + "\n").split("\n");
        assertEquals(want[0], got[0]);
        assertEquals(want[1], got[2]);
    }

    @Test
    void scoreAnswersAJsonArrayAsAnArray() throws Exception {
        String body = "[" + line("\"a\"", RIGHT, "") + ", " + line("\"a\"", WRONG, "") + "]";
        HttpResponse<String> r = post(open, "/score", body.getBytes(StandardCharsets.UTF_8));
        assertEquals(200, r.statusCode(), r.body());
        JsonNode a = json(r);
        assertEquals(2, a.size());
        float[] totals = {a.get(0).get("rewards").get("total_f32").floatValue(), a.get(1).get("rewards").get("total_f32").floatValue()};
        float[] adv = io.github.vrft.grpo.GroupAdvantages.visualRft(totals, io.github.vrft.grpo.Groups.contiguous(2, 2));
        assertEquals(adv[0], a.get(0).get("advantage").floatValue(), 0.0f);
        assertEquals(adv[1], a.get(1).get("advantage").floatValue(), 0.0f);
        assertEquals(2.0f, totals[0], 0.0f);
        assertEquals(400, post(open, "/score", "[1, 2]".getBytes(StandardCharsets.UTF_8)).statusCode());
        assertEquals(400, post(open, "/score", "[{".getBytes(StandardCharsets.UTF_8)).statusCode());
    }

    /** A server of its own with {@code admission}, for the tests that look at the queue. */
    private static WebServer server(Admission admission) {
        return service(null, admission).start("127.0.0.1", 0, 1 << 20);
    }

    /**
     * A client that stops halfway through its body is cut off after the read timeout, and the admission slot it held
     * is free again: with one slot and no queue, the next request is served, not answered 503.
     */
    @Test
    void aStalledClientIsCutOffAndItsSlotFreed() throws Exception {
        Admission admission = new Admission(1, 0);
        WebServer s = service(null, admission).start("127.0.0.1", 0, 1 << 20, java.time.Duration.ofMillis(300));
        try (java.net.Socket slow = new java.net.Socket("127.0.0.1", s.port())) {
            slow.getOutputStream().write(("POST /get_reward HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 100\r\n\r\n{\"query\": [").getBytes(StandardCharsets.US_ASCII));
            slow.getOutputStream().flush();
            slow.setSoTimeout(10_000);
            long t0 = System.nanoTime();
            byte[] rest = slow.getInputStream().readAllBytes(); // until the server closes the connection
            double seconds = (System.nanoTime() - t0) / 1e9;
            assertTrue(seconds >= 0.2 && seconds < 8, "closed after " + seconds + " s");
            assertTrue(rest.length == 0 || !new String(rest, StandardCharsets.US_ASCII).startsWith("HTTP/1.1 200"),
                    new String(rest, StandardCharsets.US_ASCII));
            long deadline = System.nanoTime() + 5_000_000_000L; // the handler's finally may run just after the close
            while (admission.inFlight() != 0 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertEquals(0, admission.inFlight());
            String body = "{\"query\": [" + quote(RIGHT) + "], \"labels\": [" + quote(GT) + "]}";
            assertEquals(200, post(s, body).statusCode());
        } finally {
            s.stop();
        }
    }

    /**
     * A client that stops in its request headers is cut off too (Helidon reads headers without a timeout; the
     * watchdog's head guard covers them), and the server goes on serving.
     */
    @Test
    void aStalledHeadIsCutOff() throws Exception {
        WebServer s = service(null, new Admission(1, 0)).start("127.0.0.1", 0, 1 << 20, java.time.Duration.ofMillis(300));
        try (java.net.Socket head = new java.net.Socket("127.0.0.1", s.port())) {
            head.getOutputStream().write("POST /get_reward HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
            head.getOutputStream().flush();
            head.setSoTimeout(10_000);
            long t0 = System.nanoTime();
            try {
                head.getInputStream().readAllBytes();
            } catch (java.net.SocketTimeoutException e) {
                throw new AssertionError("a stalled head was still open after 10 s", e);
            }
            assertTrue((System.nanoTime() - t0) / 1e9 >= 0.2, "cut before its timeout");
            String body = "{\"query\": [" + quote(RIGHT) + "], \"labels\": [" + quote(GT) + "]}";
            assertEquals(200, post(s, body).statusCode());
        } finally {
            s.stop();
        }
    }

    @Test
    void aFullQueueIs503WithRetryAfter() throws Exception {
        Admission admission = new Admission(1, 0);
        WebServer busy = server(admission);
        try {
            String body = "{\"query\": [" + quote(RIGHT) + "], \"labels\": [" + quote(GT) + "]}";
            assertTrue(admission.enter()); // the one working slot is taken (by this test)
            HttpResponse<String> r = post(busy, body);
            assertEquals(503, r.statusCode(), r.body());
            assertEquals("1", r.headers().firstValue("Retry-After").orElse(""));
            admission.exit();
            assertEquals(200, post(busy, body).statusCode());
        } finally {
            busy.stop();
        }
    }

    @Test
    void metricsCountRequestsByEndpointAndStatusAndTheCompletionsScored() throws Exception {
        WebServer s = server(new Admission(2, 4));
        try {
            String body = "{\"query\": [" + quote(RIGHT) + ", " + quote(WRONG) + "], \"labels\": [" + quote(GT) + ", " + quote(GT) + "]}";
            for (int i = 0; i < 3; i++) {
                assertEquals(200, post(s, body).statusCode());
            }
            assertEquals(400, post(s, "[]").statusCode());
            HttpResponse<String> m = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, m.statusCode());
            assertTrue(m.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"), m.headers().toString());
            String text = m.body();
            assertTrue(text.contains("vrft_requests_seconds_count{endpoint=\"/get_reward\",status=\"200\"} 3"), text);
            assertTrue(text.contains("vrft_requests_seconds_count{endpoint=\"/get_reward\",status=\"400\"} 1"), text);
            assertTrue(text.contains("vrft_requests_seconds_bucket{endpoint=\"/get_reward\",status=\"200\",le="), text);
            assertTrue(text.contains("vrft_completions_scored_total 6.0"), text);
            assertTrue(text.contains("vrft_requests_waiting 0.0"), text);
        } finally {
            s.stop();
        }
    }

    @Test
    void gzipBodiesBothWays() throws Exception {
        String body = "{\"query\": [" + quote(RIGHT) + "], \"labels\": [" + quote(GT) + "]}";
        java.io.ByteArrayOutputStream z = new java.io.ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream g = new java.util.zip.GZIPOutputStream(z)) {
            g.write(body.getBytes(StandardCharsets.UTF_8));
        }
        HttpResponse<String> r = post(locked, "/get_reward", z.toByteArray(), "Content-Encoding", "gzip",
                "Authorization", "Bearer s3cret");
        assertEquals(200, r.statusCode(), r.body());
        assertEquals(2.0f, json(r).get("rewards").get(0).floatValue(), 0.0f);
        HttpResponse<byte[]> zr = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + locked.port() + "/get_reward"))
                .headers("Accept-Encoding", "gzip", "Authorization", "Bearer s3cret")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, zr.statusCode());
        assertEquals("gzip", zr.headers().firstValue("Content-Encoding").orElse(""));
        byte[] plain = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(zr.body())).readAllBytes();
        assertEquals(2.0f, GrpoCommand.JSON.readTree(plain).get("rewards").get(0).floatValue(), 0.0f);
        HttpResponse<String> bad = post(locked, "/get_reward", "not gzip".getBytes(StandardCharsets.UTF_8),
                "Content-Encoding", "gzip", "Authorization", "Bearer s3cret");
        assertEquals(400, bad.statusCode(), bad.body());
        assertEquals("Content-Encoding", json(bad).get("field").asText());
    }
}
