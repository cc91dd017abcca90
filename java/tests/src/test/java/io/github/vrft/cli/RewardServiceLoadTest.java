package io.github.vrft.cli;

import io.github.vrft.backend.CpuBackend;
import io.github.vrft.grpo.AdvantageFlavor;
import io.github.vrft.reward.RewardOptions;
import io.github.vrft.reward.RewardScorer;
import io.github.vrft.reward.Task;
import io.helidon.webserver.WebServer;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * vrft serve under load, on loopback only, bounded (4,000 requests, 64 at a time, at most 60 s) and stopping by
 * itself: a mix of good batches, bad bodies and oversized bodies against a server with a small queue. Every
 * request is answered (200, 400, 413 or 503 with Retry-After), none is dropped, and the server is still up and
 * scores correctly afterwards.
 */
class RewardServiceLoadTest {
    private static final String GT = "<answer>garden phlox</answer>";
    private static final String RIGHT = "<think>x</think><answer>garden phlox</answer>";

    @Test
    void everyRequestIsAnsweredAndTheServerStaysUp() throws Exception {
        WebServer server = new RewardService(new RewardScorer(RewardOptions.defaults()), new CpuBackend(), Task.CLASSIFICATION,
                "visual-rft", null, AdvantageFlavor.VISUAL_RFT, new Admission(2, 4), 1 << 20).start("127.0.0.1", 0, 64 << 10);
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        URI uri = URI.create("http://127.0.0.1:" + server.port() + "/get_reward");
        StringBuilder batch = new StringBuilder("{\"query\": [");
        StringBuilder labels = new StringBuilder("], \"labels\": [");
        for (int i = 0; i < 200; i++) {
            batch.append(i == 0 ? "" : ", ").append(GrpoCommand.JSON.writeValueAsString(RIGHT));
            labels.append(i == 0 ? "" : ", ").append(GrpoCommand.JSON.writeValueAsString(GT));
        }
        String good = batch + labels.toString() + "]}";
        String bad = "{\"query\": [1], \"labels\": [\"x\"]}";
        String huge = "{\"query\": [\"" + "x".repeat(70_000) + "\"], \"labels\": [\"x\"]}";
        Map<Integer, AtomicInteger> byStatus = new ConcurrentHashMap<>();
        AtomicInteger failures = new AtomicInteger();
        AtomicInteger wrongRewards = new AtomicInteger();
        Semaphore inFlight = new Semaphore(64);
        List<CompletableFuture<?>> all = new ArrayList<>();
        long deadline = System.nanoTime() + 60_000_000_000L;
        for (int i = 0; i < 4000 && System.nanoTime() < deadline; i++) {
            String body = i % 10 == 3 ? bad : i % 50 == 7 ? huge : good;
            inFlight.acquire();
            HttpRequest req = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build();
            all.add(http.sendAsync(req, HttpResponse.BodyHandlers.ofString()).whenComplete((r, e) -> {
                inFlight.release();
                if (e != null) {
                    failures.incrementAndGet();
                    return;
                }
                byStatus.computeIfAbsent(r.statusCode(), k -> new AtomicInteger()).incrementAndGet();
                if (r.statusCode() == 200 && !r.body().startsWith("{\"rewards\":[2.0,2.0,")) {
                    wrongRewards.incrementAndGet();
                }
                if (r.statusCode() == 503 && r.headers().firstValue("Retry-After").isEmpty()) {
                    wrongRewards.incrementAndGet();
                }
            }));
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).handle((v, e) -> null).join();
        System.out.println("RewardServiceLoadTest: " + all.size() + " requests, statuses " + byStatus);
        try {
            assertEquals(0, failures.get(), "requests with no answer; statuses " + byStatus);
            assertEquals(0, wrongRewards.get(), "answers with the wrong content; statuses " + byStatus);
            int answered = byStatus.values().stream().mapToInt(AtomicInteger::get).sum();
            assertEquals(all.size(), answered, "statuses " + byStatus);
            assertTrue(byStatus.keySet().stream().allMatch(s -> s == 200 || s == 400 || s == 413 || s == 503),
                    "statuses " + byStatus);
            assertTrue(byStatus.getOrDefault(200, new AtomicInteger()).get() > 0, "statuses " + byStatus);
            assertTrue(byStatus.getOrDefault(400, new AtomicInteger()).get() > 0, "statuses " + byStatus);
            HttpResponse<String> after = http.send(HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofString(good)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, after.statusCode());
        } finally {
            server.stop();
        }
    }
}
