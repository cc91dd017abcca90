package io.github.vrft.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.vrft.backend.Backend;
import io.github.vrft.grpo.AdvantageFlavor;
import io.github.vrft.reward.Component;
import io.github.vrft.reward.RewardBatch;
import io.github.vrft.reward.RewardRequest;
import io.github.vrft.reward.RewardScore;
import io.github.vrft.reward.RewardScorer;
import io.github.vrft.reward.Task;
import io.helidon.http.HeaderNames;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.helidon.http.Status;
import io.helidon.http.encoding.ContentEncodingContext;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The reward service behind {@code vrft serve}, on Helidon SE's WebServer: {@code POST /get_reward}
 * (OpenRLHF's remote reward protocol), {@code POST /score} (a batch in the {@code vrft score} line schema),
 * {@code GET /healthz}, {@code /readyz}, {@code /info} and {@code /metrics} (Prometheus text: requests by endpoint and
 * status with a latency histogram, completions scored, requests in flight and waiting). Every scored
 * item goes through the library's batch pipeline ({@link RewardBatch}) on the configured backend.
 *
 * <p>Bad input is answered, never thrown: a body that is not JSON or not the protocol's shape is a 400 whose
 * JSON names the item and the field; an item that cannot be scored (an unknown task in its label, say) gets a
 * null reward and its reason under {@code "errors"}, and the other items are scored. Over the body limit the
 * server answers 413; with a token, a request without it gets 401.
 */
final class RewardService {
    private final RewardScorer scorer;
    private final Backend backend;
    private final Task defaultTask;
    private final String profile;
    private final byte[] token;
    private final AdvantageFlavor flavor;
    private final Admission admission;
    private final int maxItems;
    private final PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Counter completions;
    private final ConcurrentHashMap<String, Timer> timers = new ConcurrentHashMap<>();
    private volatile boolean ready;
    private ReadWatchdog watchdog; // made by start, with the server's idle timeout

    /**
     * @param defaultTask the task of an item whose label is a plain solution string, or null (such labels are
     *                    then an item error)
     * @param token       the bearer token requests must carry, or null for none
     * @param flavor      the group advantage of {@code POST /score}
     * @param admission   how many scoring requests are taken at once (beyond: 503)
     * @param maxItems    the most items (completions, lines) a request may carry (beyond: 413)
     */
    RewardService(RewardScorer scorer, Backend backend, Task defaultTask, String profile, String token,
                  AdvantageFlavor flavor, Admission admission, int maxItems) {
        if (maxItems < 1) {
            throw new IllegalArgumentException("maxItems must be at least 1, got " + maxItems);
        }
        this.maxItems = maxItems;
        this.flavor = flavor;
        this.admission = admission;
        this.completions = Counter.builder("vrft_completions_scored").description("completions scored").register(metrics);
        Gauge.builder("vrft_requests_in_flight", admission, Admission::inFlight)
                .description("scoring requests admitted: working and waiting").register(metrics);
        Gauge.builder("vrft_requests_waiting", admission, Admission::waiting)
                .description("scoring requests waiting for their turn (the queue depth)").register(metrics);
        this.scorer = scorer;
        this.backend = backend;
        this.defaultTask = defaultTask;
        this.profile = profile;
        this.token = token == null ? null : ("Bearer " + token).getBytes(StandardCharsets.UTF_8);
    }

    /** How long a connection may stay without a request, or with a request that has not completed, by default. */
    static final java.time.Duration DEFAULT_IDLE_TIMEOUT = java.time.Duration.ofSeconds(30);

    /** {@link #start(String, int, long, java.time.Duration)} with the default idle timeout. */
    WebServer start(String host, int port, long maxBody) {
        return start(host, port, maxBody, DEFAULT_IDLE_TIMEOUT);
    }

    /**
     * Starts a server on {@code host:port} (0: any free port) with a body limit of {@code maxBody} bytes. A
     * connection is closed when its last request began {@code idleTimeout} ago (checked a few times per timeout):
     * a stalled or very slow client holds no admission slot and no thread beyond that. (Helidon's socket read
     * timeout is for its client only; the server's guard is this idle-connection check.)
     */
    WebServer start(String host, int port, long maxBody, java.time.Duration idleTimeout) {
        if (watchdog != null) {
            throw new IllegalStateException("this service is already started");
        }
        watchdog = new ReadWatchdog(idleTimeout);
        WebServer server = WebServer.builder()
                .host(host)
                .port(port)
                .maxPayloadSize(maxBody)
                .idleConnectionTimeout(idleTimeout)
                .idleConnectionPeriod(watchdog.period())
                .addProtocol(io.helidon.webserver.http1.Http1Config.builder()
                        .addReceiveListener(watchdog.headGuard()).build())
                // TCP_NODELAY: with Nagle's algorithm a response written in pieces waited for the client's delayed
                // ACK, about 40 ms a request whatever its size
                .connectionOptions(o -> o.tcpNoDelay(true))
                .contentEncoding(ContentEncodingContext.builder().contentEncodingsDiscoverServices(false)
                        .addContentEncoding(new GzipEncoding()).build())
                .routing(this::routes)
                .build()
                .start();
        ready = true;
        return server;
    }

    void routes(HttpRouting.Builder r) {
        r.addFeature(new io.helidon.webserver.http.HttpFeature() {
            @Override
            public void setup(HttpRouting.Builder routing) {
            }

            @Override
            public void afterStop() {
                watchdog.close(); // its thread lives as long as the server
            }
        });
        r.get("/healthz", (req, res) -> res.send("ok\n"))
                .get("/readyz", (req, res) -> {
                    res.status(ready ? Status.OK_200 : Status.SERVICE_UNAVAILABLE_503).send(ready ? "ready\n" : "starting\n");
                })
                .get("/info", (req, res) -> json(res, Status.OK_200, info()))
                .get("/metrics", (req, res) -> res.header(HeaderNames.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")
                        .send(metrics.scrape()))
                .post("/get_reward", (req, res) -> admitted("/get_reward", req, res, this::getReward))
                .post("/score", (req, res) -> admitted("/score", req, res, this::score));
    }

    private ObjectNode info() {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("version", VrftCommand.version());
        o.put("profile", profile);
        o.put("task", defaultTask == null ? null : defaultTask.id());
        o.put("backend", backend.describe());
        o.put("in_flight", admission.inFlight());
        o.put("waiting", admission.waiting());
        return o;
    }

    /** A 4xx answer: the error, and where it is (the item's index and the field), as JSON. */
    private static final class BadRequest extends Exception {
        final Status status;
        final Integer item;
        final String field;

        BadRequest(Status status, String message, Integer item, String field) {
            super(message, null, false, false);
            this.status = status;
            this.item = item;
            this.field = field;
        }
    }

    /**
     * Runs {@code handler} once the request is admitted; a full queue is answered 503 with Retry-After at once,
     * before the body is read.
     */
    private void admitted(String endpoint, ServerRequest req, ServerResponse res, io.helidon.webserver.http.Handler handler)
            throws Exception {
        long t0 = System.nanoTime();
        if (!admission.enter()) {
            ObjectNode o = JsonNodeFactory.instance.objectNode();
            o.put("error", "the server is at its limit of queued requests; retry later");
            res.header(HeaderNames.RETRY_AFTER, "1");
            json(res, Status.SERVICE_UNAVAILABLE_503, o);
            record(endpoint, res, t0);
            return;
        }
        try {
            handler.handle(req, res);
        } finally {
            admission.exit();
            record(endpoint, res, t0);
        }
    }

    /** A request's latency by endpoint and status (a histogram: Prometheus computes the percentiles). */
    private void record(String endpoint, ServerResponse res, long t0) {
        int status = res.status().code();
        // one timer per endpoint and status, built once: the builder and the registry's lookup cost more than the
        // recording on the one-completion path
        timers.computeIfAbsent(endpoint + ' ' + status, k -> Timer.builder("vrft_requests")
                        .description("scoring requests by endpoint and status")
                        .tag("endpoint", endpoint).tag("status", Integer.toString(status))
                        .publishPercentileHistogram().register(metrics))
                .record(System.nanoTime() - t0, java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    private void getReward(ServerRequest req, ServerResponse res) {
        try {
            authorize(req);
            JsonNode body = body(req);
            json(res, Status.OK_200, openRlhfRewards(body));
        } catch (BadRequest e) {
            fail(res, e);
        }
    }

    private static void fail(ServerResponse res, BadRequest e) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("error", e.getMessage());
        if (e.item != null) {
            o.put("item", e.item);
        }
        if (e.field != null) {
            o.put("field", e.field);
        }
        json(res, e.status, o);
    }

    /**
     * {@code POST /score}: lines in the {@code vrft score} schema, as JSON Lines or as a JSON array of objects;
     * the answer is the same lines, in order and in the same form, each with {@code rewards}, {@code advantage}
     * (over the lines of the request that share its prompt_id) and {@code diagnostics}, written as
     * {@code vrft score} writes them (a JSON Lines line's own bytes, extra fields as they were). A line that
     * cannot be scored is answered in its place by {@code {"line": N, "error": "..."}} (N counts from 1).
     */
    private void score(ServerRequest req, ServerResponse res) {
        try {
            authorize(req);
            byte[] body = bytes(req);
            int first = 0;
            while (first < body.length && (body[first] == ' ' || body[first] == '\t' || body[first] == '\r'
                    || body[first] == '\n')) {
                first++;
            }
            boolean array = first < body.length && body[first] == '[';
            byte[] lines = array ? arrayAsLines(body) : body;
            byte[] out = scoreLines(lines, array);
            res.status(Status.OK_200).header(HeaderNames.CONTENT_TYPE, array ? "application/json" : "application/x-ndjson")
                    .send(out);
        } catch (BadRequest e) {
            fail(res, e);
        }
    }

    /** A JSON array of objects as JSON Lines (each element re-serialised: its numbers as Jackson writes them). */
    private static byte[] arrayAsLines(byte[] body) throws BadRequest {
        JsonNode a;
        try {
            a = GrpoCommand.JSON.readTree(body);
        } catch (IOException e) {
            throw new BadRequest(Status.BAD_REQUEST_400, "the body is not JSON: "
                    + e.getMessage().lines().findFirst().orElse(""), null, null);
        }
        java.io.ByteArrayOutputStream lines = new java.io.ByteArrayOutputStream(body.length + 16);
        for (int i = 0; i < a.size(); i++) {
            if (!a.get(i).isObject()) {
                throw new BadRequest(Status.BAD_REQUEST_400, "item " + i + " must be an object, got "
                        + a.get(i).getNodeType().name().toLowerCase(java.util.Locale.ROOT), i, null);
            }
            try {
                lines.write(GrpoCommand.JSON.writeValueAsBytes(a.get(i)));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            lines.write('\n');
        }
        return lines.toByteArray();
    }

    /** Scores JSON Lines bytes; the answer as JSON Lines, or as a JSON array of the same lines. */
    private byte[] scoreLines(byte[] body, boolean array) throws BadRequest {
        List<int[]> ranges = new ArrayList<>();
        for (int at = 0; at < body.length; ) {
            int nl = LineBlocks.nextNewline(body, at, body.length);
            int end = nl < 0 ? body.length : nl;
            int stop = end > at && body[end - 1] == '\r' ? end - 1 : end;
            boolean blank = true;
            for (int k = at; k < stop && blank; k++) {
                blank = body[k] == ' ' || body[k] == '\t';
            }
            if (!blank) {
                ranges.add(new int[] {at, stop});
            }
            at = end + 1;
        }
        int n = ranges.size();
        tooMany(n, null);
        RolloutLine[] read = new RolloutLine[n];
        String[] errors = new String[n];
        List<RewardRequest> requests = new ArrayList<>(n);
        int[] rowOf = new int[n];
        for (int i = 0; i < n; i++) {
            read[i] = RolloutLine.read(body, ranges.get(i)[0], ranges.get(i)[1]);
            rowOf[i] = -1;
            if (read[i].error != null) {
                errors[i] = read[i].error;
            } else {
                rowOf[i] = requests.size();
                requests.add(read[i].request);
                read[i].request = null;
            }
        }
        RewardBatch batch = RewardBatch.prepare(scorer, requests);
        List<RewardScore> scores = JsonlScoring.compute(batch, backend);
        HeldLines.Held[] held = new HeldLines.Held[n];
        Map<String, List<Integer>> groups = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            if (rowOf[i] < 0) {
                continue;
            }
            if (batch.error(rowOf[i]) != null) {
                errors[i] = batch.error(rowOf[i]);
                continue;
            }
            held[i] = ScoredLine.render(body, ranges.get(i)[0], read[i], scores.get(rowOf[i]), i + 1);
            completions.increment();
            groups.computeIfAbsent(read[i].key, k -> new ArrayList<>()).add(i);
        }
        for (List<Integer> g : groups.values()) {
            float[] totals = new float[g.size()];
            for (int k = 0; k < totals.length; k++) {
                totals[k] = scores.get(rowOf[g.get(k)]).totalF32();
            }
            float[] adv = ScoreCommand.groupAdvantages(totals, flavor);
            for (int k = 0; k < totals.length; k++) {
                held[g.get(k)].advantage = adv[k];
            }
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(body.length + 256 * n + 2);
        if (array) {
            out.write('[');
        }
        for (int i = 0; i < n; i++) {
            if (array && i > 0) {
                out.write(',');
            }
            if (held[i] != null) {
                out.write(held[i].head, 0, held[i].headLength);
                out.writeBytes(ScoredLine.advantage(held[i].advantage).getBytes(StandardCharsets.US_ASCII));
                out.write(held[i].tail, 0, held[i].tailLength);
            } else {
                ObjectNode e = JsonNodeFactory.instance.objectNode();
                e.put("line", i + 1);
                e.put("error", errors[i]);
                try {
                    out.writeBytes(GrpoCommand.JSON.writeValueAsBytes(e));
                } catch (IOException x) {
                    throw new java.io.UncheckedIOException(x);
                }
            }
            if (!array) {
                out.write('\n');
            }
        }
        if (array) {
            out.write(']');
        }
        return out.toByteArray();
    }

    /** Over the item limit: 413, naming the limit and the option that sets it. */
    private void tooMany(int n, String field) throws BadRequest {
        if (n > maxItems) {
            throw new BadRequest(Status.REQUEST_ENTITY_TOO_LARGE_413, "the request has " + n + " items; the limit is "
                    + maxItems + " (vrft serve --max-items)", null, field);
        }
    }

    /** With a token, the Authorization header must be exactly {@code Bearer <token>} (compared in constant time). */
    private void authorize(ServerRequest req) throws BadRequest {
        if (token == null) {
            return;
        }
        String h = req.headers().first(HeaderNames.AUTHORIZATION).orElse("");
        if (!MessageDigest.isEqual(token, h.getBytes(StandardCharsets.UTF_8))) {
            throw new BadRequest(Status.UNAUTHORIZED_401, "missing or wrong bearer token", null, "Authorization");
        }
    }

    /**
     * The request body's bytes, decoded from gzip where its Content-Encoding says so. A body that has not arrived
     * within the idle timeout is cut off by the watchdog: its connection is closed (a 408 is attempted).
     */
    private byte[] bytes(ServerRequest req) throws BadRequest {
        ReadWatchdog.Reading reading = watchdog.start();
        try (reading) {
            return req.content().as(byte[].class);
        } catch (RuntimeException e) {
            if (reading.wasCut()) {
                throw new BadRequest(Status.REQUEST_TIMEOUT_408, "the body did not arrive within "
                        + watchdog.timeout().toMillis() + " ms", null, null);
            }
            if (!(e instanceof java.io.UncheckedIOException)) {
                throw e;
            }
            throw new BadRequest(Status.BAD_REQUEST_400, "the body cannot be read: " + e.getMessage()
                    + (e.getCause() != null && e.getCause().getMessage() != null ? " (" + e.getCause().getMessage() + ")" : ""),
                    null, "Content-Encoding");
        }
    }

    /** The request body as JSON. */
    private JsonNode body(ServerRequest req) throws BadRequest {
        byte[] bytes = bytes(req);
        try {
            return GrpoCommand.JSON.readTree(bytes);
        } catch (IOException e) {
            throw new BadRequest(Status.BAD_REQUEST_400, "the body is not JSON: "
                    + e.getMessage().lines().findFirst().orElse(""), null, null);
        }
    }

    /**
     * OpenRLHF's remote reward call: {@code {"query": [...], "prompts": [...], "labels": [...]}}, where a query is
     * the prompt followed by the response. The completion scored is the query less its prompt when the prompt is
     * a prefix of it, else the whole query (a chat template may render the prompt differently; the reward rules
     * search the completion for their tags, so the rest of the query only matters when it holds them too). A
     * label is the solution string (the task is {@code --task}), or a JSON object, or a string holding one, with
     * the members of a {@code vrft score} line: {@code task} (else {@code --task}), {@code solution}, and the
     * VLM-R1 fields ({@code model}, {@code reward_method}, {@code image_size_wh}, {@code image_grid_thw}, ...).
     */
    ObjectNode openRlhfRewards(JsonNode body) throws BadRequest {
        if (body == null || !body.isObject()) {
            throw new BadRequest(Status.BAD_REQUEST_400, "the body must be a JSON object with query, prompts and labels",
                    null, null);
        }
        JsonNode queries = array(body, "query", true);
        JsonNode prompts = array(body, "prompts", false);
        JsonNode labels = array(body, "labels", true);
        int n = queries.size();
        tooMany(n, "query");
        if (labels.size() != n || (prompts != null && prompts.size() != n)) {
            throw new BadRequest(Status.BAD_REQUEST_400, "query has " + n + " items, labels " + labels.size()
                    + (prompts != null ? ", prompts " + prompts.size() : "") + ": they must have as many",
                    Math.min(n, Math.min(labels.size(), prompts != null ? prompts.size() : n)),
                    labels.size() != n ? "labels" : "prompts");
        }
        List<RewardRequest> requests = new ArrayList<>(n);
        int[] rowOf = new int[n];
        String[] errors = new String[n];
        for (int i = 0; i < n; i++) {
            String query = text(queries.get(i), i, "query");
            String prompt = prompts == null ? "" : text(prompts.get(i), i, "prompts");
            String completion = query.startsWith(prompt) ? query.substring(prompt.length()) : query;
            try {
                requests.add(request(labels.get(i), completion, i));
                rowOf[i] = requests.size() - 1;
            } catch (IllegalArgumentException e) {
                rowOf[i] = -1;
                errors[i] = "labels[" + i + "]: " + e.getMessage();
            }
        }
        RewardBatch batch = RewardBatch.prepare(scorer, requests);
        List<RewardScore> scores = JsonlScoring.compute(batch, backend);
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        ArrayNode rewards = out.putArray("rewards");
        Map<String, ArrayNode> logs = new LinkedHashMap<>();
        ObjectNode errorNode = JsonNodeFactory.instance.objectNode();
        for (int i = 0; i < n; i++) {
            int row = rowOf[i];
            if (row >= 0 && batch.error(row) != null) {
                errors[i] = "labels[" + i + "]: " + batch.error(row);
            }
            if (errors[i] != null) {
                rewards.addNull();
                errorNode.put(Integer.toString(i), errors[i]);
                continue;
            }
            RewardScore s = scores.get(row);
            completions.increment();
            rewards.add(s.totalF32());
            for (Component c : s.components()) {
                ArrayNode col = logs.computeIfAbsent(c.name(), k -> JsonNodeFactory.instance.arrayNode());
                while (col.size() < i) {
                    col.addNull(); // items before this one without the component
                }
                col.add(c.value());
            }
        }
        out.set("scores", rewards.deepCopy());
        ObjectNode extra = out.putObject("extra_logs");
        for (Map.Entry<String, ArrayNode> e : logs.entrySet()) {
            ArrayNode col = e.getValue();
            while (col.size() < n) {
                col.addNull();
            }
            extra.set(e.getKey(), col);
        }
        if (!errorNode.isEmpty()) {
            out.set("errors", errorNode);
        }
        return out;
    }

    private static JsonNode array(JsonNode body, String field, boolean required) throws BadRequest {
        JsonNode a = body.get(field);
        if (a == null || a.isNull()) {
            if (required) {
                throw new BadRequest(Status.BAD_REQUEST_400, field + " is missing", null, field);
            }
            return null;
        }
        if (!a.isArray()) {
            throw new BadRequest(Status.BAD_REQUEST_400, field + " must be an array, got " + a.getNodeType().name()
                    .toLowerCase(java.util.Locale.ROOT), null, field);
        }
        return a;
    }

    private static String text(JsonNode v, int i, String field) throws BadRequest {
        if (v == null || !v.isTextual()) {
            throw new BadRequest(Status.BAD_REQUEST_400, field + "[" + i + "] must be a string", i, field);
        }
        return v.textValue();
    }

    /** The request of item {@code i}; an IllegalArgumentException says what is wrong with its label. */
    private RewardRequest request(JsonNode label, String completion, int i) {
        JsonNode obj = label;
        if (label != null && label.isTextual()) {
            String t = label.textValue().strip();
            if (t.startsWith("{")) {
                try {
                    obj = GrpoCommand.JSON.readTree(t);
                } catch (IOException e) {
                    obj = label; // a solution that merely starts with a brace
                }
            }
        }
        if (obj != null && obj.isObject()) {
            // read as a vrft score line (the label's members, the completion, and a prompt_id the line schema
            // needs), so that a label object takes every field a line does, VLM-R1's included, checked alike
            ObjectNode line = ((ObjectNode) obj).deepCopy();
            if (!line.has("task") && defaultTask != null) {
                line.put("task", defaultTask.id());
            }
            if (!line.has("task")) {
                throw new IllegalArgumentException("task: the label names no task and the server has no --task");
            }
            line.put("prompt_id", i);
            line.put("completion", completion);
            byte[] bytes;
            try {
                bytes = GrpoCommand.JSON.writeValueAsBytes(line);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e); // a tree of plain values always serialises
            }
            RolloutLine read = RolloutLine.read(bytes, 0, bytes.length);
            if (read.error != null) {
                throw new IllegalArgumentException(read.error);
            }
            return read.request;
        }
        if (label == null || !label.isTextual()) {
            throw new IllegalArgumentException("must be a solution string or an object with task and solution");
        }
        if (defaultTask == null) {
            throw new IllegalArgumentException("task: a plain solution string needs the server's --task");
        }
        return new RewardRequest(defaultTask, completion, label.textValue());
    }

    private static void json(ServerResponse res, Status status, JsonNode body) {
        byte[] bytes;
        try {
            bytes = GrpoCommand.JSON.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e); // a tree of plain values always serialises
        }
        res.status(status).header(HeaderNames.CONTENT_TYPE, "application/json").send(bytes);
    }
}
