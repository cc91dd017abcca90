package io.github.vrft.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A closed-loop HTTP load generator for the reward-service benchmark, on loopback only: {@code connections}
 * clients, each sending the next request when its last one is answered, for {@code seconds} after a warm-up,
 * cycling through the request bodies of a file (one JSON body a line). Prints one JSON object: requests,
 * requests/s, errors (non-200 or failed), and latency percentiles in ms.
 *
 * <p>usage: LoadGenerator URL BODIES_FILE CONNECTIONS SECONDS [WARMUP_SECONDS]
 */
public final class LoadGenerator {
    private LoadGenerator() {}

    public static void main(String[] args) throws Exception {
        URI uri = URI.create(args[0]);
        if (!List.of("127.0.0.1", "localhost", "[::1]").contains(uri.getHost())) {
            throw new IllegalArgumentException("loopback only: " + uri.getHost());
        }
        List<String> bodies = Files.readAllLines(Path.of(args[1]));
        int connections = Integer.parseInt(args[2]);
        double seconds = Double.parseDouble(args[3]);
        double warmup = args.length > 4 ? Double.parseDouble(args[4]) : 2.0;
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
        long start = System.nanoTime();
        long measureFrom = start + (long) (warmup * 1e9);
        long end = measureFrom + (long) (seconds * 1e9);
        AtomicLong errors = new AtomicLong();
        List<long[]> perThread = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < connections; c++) {
            long[][] mine = {new long[1 << 16]};
            int[] n = {0};
            int offset = c;
            Thread t = Thread.ofPlatform().daemon().start(() -> {
                int i = offset;
                while (true) {
                    long t0 = System.nanoTime();
                    if (t0 >= end) {
                        break;
                    }
                    String body = bodies.get(i++ % bodies.size());
                    HttpRequest req = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(body)).build();
                    boolean ok;
                    try {
                        ok = http.send(req, HttpResponse.BodyHandlers.ofByteArray()).statusCode() == 200;
                    } catch (Exception e) {
                        ok = false;
                    }
                    long t1 = System.nanoTime();
                    if (t0 >= measureFrom) {
                        if (!ok) {
                            errors.incrementAndGet();
                        }
                        if (n[0] == mine[0].length) {
                            mine[0] = Arrays.copyOf(mine[0], n[0] * 2);
                        }
                        mine[0][n[0]++] = t1 - t0;
                    }
                }
                synchronized (perThread) {
                    perThread.add(Arrays.copyOf(mine[0], n[0]));
                }
            });
            threads.add(t);
        }
        for (Thread t : threads) {
            t.join();
        }
        long[] all = perThread.stream().flatMapToLong(Arrays::stream).sorted().toArray();
        double measured = (Math.max(end, System.nanoTime()) - measureFrom) / 1e9;
        System.out.printf(Locale.ROOT, "{\"requests\": %d, \"seconds\": %.3f, \"requests_per_s\": %.1f, \"errors\": %d, "
                        + "\"p50_ms\": %.3f, \"p90_ms\": %.3f, \"p99_ms\": %.3f, \"max_ms\": %.3f}%n", all.length, measured,
                all.length / measured, errors.get(), pct(all, 0.50), pct(all, 0.90), pct(all, 0.99),
                all.length == 0 ? 0.0 : all[all.length - 1] / 1e6);
    }

    private static double pct(long[] sorted, double q) {
        if (sorted.length == 0) {
            return 0;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)] / 1e6;
    }
}
