package io.github.vrft.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * A closed-loop HTTP/1.1 load generator for the reward-service benchmark, on loopback only: {@code connections}
 * keep-alive connections, each sending its next request when its last one is answered, for {@code seconds} after a
 * warm-up, cycling through the request bodies of a file (one JSON body a line, POSTed as application/json). Prints
 * one JSON object: requests, requests/s, errors (non-200, a closed connection or a timeout), and latency percentiles
 * in ms of the requests sent in the measured window.
 *
 * <p>Built as wrk is, so that the client costs little of the machine it shares with the server: one thread, one
 * selector, requests encoded once before the run, responses parsed only for their status and Content-Length
 * (a chunked response is counted as an error: neither server under test sends one). An earlier version on the JDK's
 * HttpClient spent about three times the server's CPU time on the client side at 64 connections.
 *
 * <p>usage: LoadGenerator URL BODIES_FILE CONNECTIONS SECONDS [WARMUP_SECONDS]
 */
public final class LoadGenerator {
    private static final long TIMEOUT_NANOS = 30_000_000_000L;

    private final ByteBuffer[] requests;
    private final long measureFrom;
    private final long end;
    private long[] latencies = new long[1 << 16];
    private int measured;
    private long errors;

    private LoadGenerator(ByteBuffer[] requests, long measureFrom, long end) {
        this.requests = requests;
        this.measureFrom = measureFrom;
        this.end = end;
    }

    /** One connection's state: the request being written, the response being read, when it was sent. */
    private final class Connection {
        SocketChannel channel;
        SelectionKey key;
        int next;
        ByteBuffer out;
        ByteBuffer in = ByteBuffer.allocate(16 * 1024);
        long sentAt;
        int headerEnd = -1;
        int status;
        long contentLength;

        Connection(int first) {
            next = first;
        }

        void send(long now) {
            out = requests[next++ % requests.length].duplicate();
            sentAt = now;
            in.clear();
            headerEnd = -1;
            key.interestOps(SelectionKey.OP_WRITE);
        }

        /** Reads what arrived; true when a whole response is in. */
        boolean read() throws IOException {
            if (!in.hasRemaining()) {
                in = ByteBuffer.allocate(in.capacity() * 2).put(in.flip());
            }
            if (channel.read(in) < 0) {
                throw new IOException("the server closed the connection");
            }
            if (headerEnd < 0) {
                headerEnd = headerEnd(in.array(), in.position());
                if (headerEnd < 0) {
                    return false;
                }
                String head = new String(in.array(), 0, headerEnd, StandardCharsets.ISO_8859_1);
                status = Integer.parseInt(head.substring(9, 12));
                contentLength = -1;
                for (String line : head.split("\r\n")) {
                    int colon = line.indexOf(':');
                    if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase("Content-Length")) {
                        contentLength = Long.parseLong(line.substring(colon + 1).trim());
                    }
                }
                if (contentLength < 0) {
                    throw new IOException("a response without Content-Length: " + head.lines().findFirst().orElse(""));
                }
            }
            return in.position() >= headerEnd + contentLength;
        }
    }

    private static int headerEnd(byte[] b, int n) {
        for (int i = 3; i < n; i++) {
            if (b[i] == '\n' && b[i - 1] == '\r' && b[i - 2] == '\n' && b[i - 3] == '\r') {
                return i + 1;
            }
        }
        return -1;
    }

    private void record(Connection c, long now, boolean ok) {
        if (c.sentAt < measureFrom) {
            return;
        }
        if (!ok) {
            errors++;
        }
        if (measured == latencies.length) {
            latencies = Arrays.copyOf(latencies, measured * 2);
        }
        latencies[measured++] = now - c.sentAt;
    }

    private void run(InetSocketAddress address, int connections) throws IOException {
        try (Selector selector = Selector.open()) {
            List<Connection> all = new ArrayList<>();
            for (int i = 0; i < connections; i++) {
                Connection c = new Connection(i);
                open(c, address, selector);
                all.add(c);
                c.send(System.nanoTime());
            }
            int open = connections;
            while (open > 0) {
                selector.select(100);
                long now = System.nanoTime();
                for (var it = selector.selectedKeys().iterator(); it.hasNext(); ) {
                    SelectionKey k = it.next();
                    it.remove();
                    Connection c = (Connection) k.attachment();
                    boolean done;
                    try {
                        if (k.isWritable()) {
                            c.channel.write(c.out);
                            if (!c.out.hasRemaining()) {
                                k.interestOps(SelectionKey.OP_READ);
                            }
                            continue;
                        }
                        done = c.read();
                    } catch (IOException | RuntimeException e) {
                        record(c, now, false);
                        c.channel.close();
                        if (now >= end) {
                            open--;
                        } else {
                            open(c, address, selector);
                            c.send(now);
                        }
                        continue;
                    }
                    if (done) {
                        record(c, now, c.status == 200);
                        if (now >= end) {
                            k.cancel();
                            c.channel.close();
                            open--;
                        } else {
                            c.send(now);
                        }
                    }
                }
                for (Connection c : all) {
                    if (c.channel.isOpen() && now - c.sentAt > TIMEOUT_NANOS) {
                        record(c, now, false);
                        c.channel.close();
                        open--;
                    }
                }
            }
        }
    }

    private static void open(Connection c, InetSocketAddress address, Selector selector) throws IOException {
        c.channel = SocketChannel.open(address);
        c.channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
        c.channel.configureBlocking(false);
        c.key = c.channel.register(selector, SelectionKey.OP_WRITE, c);
    }

    public static void main(String[] args) throws Exception {
        URI uri = URI.create(args[0]);
        if (!List.of("127.0.0.1", "localhost", "[::1]").contains(uri.getHost())) {
            throw new IllegalArgumentException("loopback only: " + uri.getHost());
        }
        List<String> bodies = Files.readAllLines(Path.of(args[1]));
        int connections = Integer.parseInt(args[2]);
        double seconds = Double.parseDouble(args[3]);
        double warmup = args.length > 4 ? Double.parseDouble(args[4]) : 2.0;
        String hostHeader = uri.getHost() + ":" + uri.getPort();
        ByteBuffer[] requests = new ByteBuffer[bodies.size()];
        for (int i = 0; i < requests.length; i++) {
            byte[] body = bodies.get(i).getBytes(StandardCharsets.UTF_8);
            byte[] head = ("POST " + uri.getRawPath() + " HTTP/1.1\r\nHost: " + hostHeader
                    + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1);
            requests[i] = ByteBuffer.allocateDirect(head.length + body.length).put(head).put(body).flip();
        }
        long start = System.nanoTime();
        long measureFrom = start + (long) (warmup * 1e9);
        long end = measureFrom + (long) (seconds * 1e9);
        LoadGenerator g = new LoadGenerator(requests, measureFrom, end);
        g.run(new InetSocketAddress(uri.getHost().replace("[", "").replace("]", ""), uri.getPort()), connections);
        long[] all = Arrays.copyOf(g.latencies, g.measured);
        Arrays.sort(all);
        double window = (Math.max(end, System.nanoTime()) - measureFrom) / 1e9;
        System.out.printf(Locale.ROOT, "{\"requests\": %d, \"seconds\": %.3f, \"requests_per_s\": %.1f, \"errors\": %d, "
                        + "\"p50_ms\": %.3f, \"p90_ms\": %.3f, \"p99_ms\": %.3f, \"max_ms\": %.3f}%n", all.length, window,
                all.length / window, g.errors, pct(all, 0.50), pct(all, 0.90), pct(all, 0.99),
                all.length == 0 ? 0.0 : all[all.length - 1] / 1e6);
    }

    private static double pct(long[] sorted, double q) {
        if (sorted.length == 0) {
            return 0;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)] / 1e6;
    }
}
