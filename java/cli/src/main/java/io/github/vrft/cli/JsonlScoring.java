package io.github.vrft.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.vrft.backend.Backend;
import io.github.vrft.reward.Component;
import io.github.vrft.reward.RecModel;
import io.github.vrft.reward.VlmR1Inputs;
import io.github.vrft.reward.VlmR1Method;
import io.github.vrft.reward.RewardBatch;
import io.github.vrft.reward.RewardRequest;
import io.github.vrft.reward.RewardScore;
import io.github.vrft.reward.RewardScorer;
import io.github.vrft.reward.Task;

import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.IntStream;

/**
 * Scores a JSON Lines file of rollouts (the schema is in the README): one completion per line in, the same line plus
 * {@code rewards}, {@code advantage} and {@code diagnostics} out, in input order.
 *
 * <p>Two passes over the file: the first counts the lines of each {@code prompt_id}; the second scores in
 * parallel chunks and releases a group's lines, in input order, as soon as its last line has been scored.
 * With each group's lines contiguous (the usual layout) at most one group waits in memory; groups spread
 * over the file still work, by holding lines until their group is complete. A bad line (not JSON, a
 * missing or mistyped field, an unknown task) is reported with its line number and left out; the others
 * are scored.
 */
public final class JsonlScoring {
    static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder()
            .enable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION).build())
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS); // a line is exactly one JSON value

    private static final int CHUNK = 4096;

    private final RewardScorer scorer;
    private final Backend backend;
    private final Function<float[], float[]> groupAdvantage;
    private final PrintStream err;
    private final Progress progress;

    /**
     * @param scorer         the reward options (the text phase)
     * @param backend        where the numeric phase runs
     * @param groupAdvantage the advantages of one group from its float32 totals
     * @param err            where bad lines are reported
     * @param progress       progress display (or {@link Progress#NONE})
     */
    public JsonlScoring(RewardScorer scorer, Backend backend, Function<float[], float[]> groupAdvantage, PrintStream err,
                        Progress progress) {
        this.scorer = scorer;
        this.backend = backend;
        this.groupAdvantage = groupAdvantage;
        this.err = err;
        this.progress = progress;
    }

    /** What a run did. */
    public record Summary(long lines, long scored, long badLines, long groups, Map<Task, TaskStats> byTask,
                          long nanos) {}

    /** Per-task sums for the summary table. */
    public static final class TaskStats {
        final List<String> names;
        final double[] sums;
        final long[] zeroWithReason;
        long count;
        double totalSum;

        TaskStats(List<String> names) {
            this.names = names;
            sums = new double[names.size()];
            zeroWithReason = new long[names.size()];
        }

        void add(RewardScore s) {
            count++;
            totalSum += s.totalF32();
            List<Component> cs = s.components();
            for (int i = 0; i < cs.size(); i++) {
                sums[i] += cs.get(i).value();
                if (cs.get(i).reason() != null) {
                    zeroWithReason[i]++;
                }
            }
        }

        public long count() {
            return count;
        }

        public List<String> names() {
            return names;
        }

        public double mean(int component) {
            return sums[component] / count;
        }

        public long zeroWithReason(int component) {
            return zeroWithReason[component];
        }

        public double meanTotal() {
            return totalSum / count;
        }
    }

    /** One line on its way through: the parsed object and, once scored, its score. */
    private static final class Row {
        final long lineNo;
        final String text;
        ObjectNode node;
        RewardRequest request;
        RewardScore score;
        Group group;
        float advantage = Float.NaN;
        String error;

        Row(long lineNo, String text) {
            this.lineNo = lineNo;
            this.text = text;
        }
    }

    private static final class Group {
        int remaining;
        final List<Row> rows = new ArrayList<>();
        boolean done;
    }

    /**
     * Scores {@code input} into {@code out}.
     *
     * @throws IOException on a read or write failure (the output is then incomplete, and the caller says so)
     */
    public Summary run(Path input, Writer out) throws IOException {
        long t0 = System.nanoTime();
        Pass1 pass1 = countGroups(input);
        Map<String, Group> open = new HashMap<>();
        ArrayDeque<Row> pending = new ArrayDeque<>();
        Map<Task, TaskStats> stats = new java.util.EnumMap<>(Task.class);
        long[] tally = new long[3]; // lines, scored, bad
        long groupsDone = 0;
        progress.start(pass1.lines());
        JsonGenerator gen = JSON.getFactory().createGenerator(out);
        gen.setRootValueSeparator(null);
        try (LineReader r = open(input)) {
            List<Row> chunk = new ArrayList<>(CHUNK);
            while (true) {
                LineReader.Line line = r.next();
                if (line != null) {
                    if (line.text() != null && line.text().isBlank()) {
                        continue;
                    }
                    Row row = new Row(line.number(), line.text());
                    row.error = line.error();
                    chunk.add(row);
                }
                if (chunk.size() == CHUNK || (line == null && !chunk.isEmpty())) {
                    scoreChunk(chunk);
                    for (Row row : chunk) {
                        tally[0]++;
                        if (row.error != null) {
                            tally[2]++;
                            err.println("line " + row.lineNo + ": " + row.error);
                            continue;
                        }
                        tally[1]++;
                        RewardScore sc = row.score;
                        stats.computeIfAbsent(sc.task(), t -> new TaskStats(sc.components().stream().map(Component::name).toList()))
                                .add(sc);
                        String id = row.node.get("prompt_id").asText();
                        Group g = open.computeIfAbsent(id, k -> {
                            Group ng = new Group();
                            Integer c = pass1.perGroup().get(k);
                            ng.remaining = c == null ? 1 : c;
                            return ng;
                        });
                        row.group = g;
                        g.rows.add(row);
                        pending.add(row);
                        if (--g.remaining == 0) {
                            finish(g);
                            open.remove(id);
                            pass1.perGroup().remove(id);
                            groupsDone++;
                        }
                    }
                    progress.advance(chunk.size());
                    chunk.clear();
                    flushReady(pending, gen);
                }
                if (line == null) {
                    break;
                }
            }
        }
        // Lines that were counted in pass 1 but failed in pass 2 leave groups short: close them now.
        for (Group g : open.values()) {
            finish(g);
            groupsDone++;
        }
        open.clear();
        flushReady(pending, gen);
        gen.flush();
        progress.done();
        return new Summary(tally[0], tally[1], tally[2], groupsDone, stats, System.nanoTime() - t0);
    }

    private void finish(Group g) {
        float[] totals = new float[g.rows.size()];
        for (int i = 0; i < totals.length; i++) {
            totals[i] = g.rows.get(i).score.totalF32();
        }
        float[] adv = groupAdvantage.apply(totals);
        for (int i = 0; i < totals.length; i++) {
            g.rows.get(i).advantage = adv[i];
        }
        g.done = true;
    }

    private void flushReady(ArrayDeque<Row> pending, JsonGenerator gen) throws IOException {
        while (!pending.isEmpty() && pending.peekFirst().group.done) {
            Row row = pending.pollFirst();
            writeRow(row, gen);
        }
    }

    private static void writeRow(Row row, JsonGenerator gen) throws IOException {
        ObjectNode n = row.node;
        ObjectNode rewards = n.putObject("rewards");
        ObjectNode diag = JSON.createObjectNode();
        for (Component c : row.score.components()) {
            rewards.put(c.name(), c.value());
            if (c.reason() != null) {
                diag.put(c.name(), c.reason());
            }
        }
        rewards.put("total", row.score.total());
        rewards.put("total_f32", row.score.totalF32());
        n.put("advantage", row.advantage);
        if (row.score.gateFired()) {
            diag.put("math_verify_gate", "fired: accuracy set to 1.0 without task scoring (upstream pre-gate)");
        }
        n.set("diagnostics", diag);
        JSON.writeTree(gen, n);
        gen.writeRaw('\n');
    }

    /**
     * A chunk through the pipeline: each line read (in parallel), then the batch's text phase and its numeric
     * phase on the backend ({@link RewardBatch}); a row that is bad input keeps its message.
     */
    private void scoreChunk(List<Row> chunk) {
        IntStream range = IntStream.range(0, chunk.size());
        (chunk.size() >= 256 ? range.parallel() : range).forEach(i -> readRow(chunk.get(i)));
        List<Row> valid = new ArrayList<>(chunk.size());
        List<RewardRequest> requests = new ArrayList<>(chunk.size());
        for (Row row : chunk) {
            if (row.error == null) {
                valid.add(row);
                requests.add(row.request);
            }
        }
        RewardBatch batch = RewardBatch.prepare(scorer, requests);
        List<RewardScore> scores = batch.compute(backend);
        for (int i = 0; i < valid.size(); i++) {
            Row row = valid.get(i);
            row.request = null;
            if (batch.error(i) != null) {
                row.error = batch.error(i); // a task the profile does not score, a method of the wrong kind
            } else {
                row.score = scores.get(i);
            }
        }
    }

    private void readRow(Row row) {
        if (row.error != null) {
            return; // unreadable line (bad UTF-8, too long)
        }
        JsonNode node;
        try {
            node = JSON.readTree(row.text);
        } catch (com.fasterxml.jackson.databind.exc.MismatchedInputException e) {
            // FAIL_ON_TRAILING_TOKENS: {...}{...} or {...} xyz, where only the first object used to be read
            boolean trailing = e.getOriginalMessage() != null && e.getOriginalMessage().startsWith("Trailing token");
            row.error = !trailing ? "not valid JSON: " + e.getOriginalMessage()
                    : "more than one JSON value on the line (a JSON Lines line is exactly one object)"
                    + (row.text.indexOf('\r') >= 0 ? "; it holds carriage returns: lines ending in CR alone are not "
                    + "JSON Lines, end them with LF or CRLF" : "");
            return;
        } catch (JsonProcessingException e) {
            row.error = "not valid JSON: " + e.getOriginalMessage();
            return;
        } catch (RuntimeException e) {
            // Jackson's BigDecimal for a number such as 1e9999999999 (an exponent past the int range)
            row.error = "a number in this line cannot be read: " + e.getMessage();
            return;
        }
        if (!(node instanceof ObjectNode obj)) {
            row.error = "expected a JSON object, got " + node.getNodeType().toString().toLowerCase(java.util.Locale.ROOT);
            return;
        }
        row.node = obj;
        for (String f : new String[] {"prompt_id", "task", "completion", "solution"}) {
            if (!obj.hasNonNull(f)) {
                row.error = "missing required field '" + f + "'";
                return;
            }
        }
        JsonNode pid = obj.get("prompt_id");
        if (!pid.isTextual() && !pid.isNumber()) {
            row.error = "field 'prompt_id' must be a string or a number";
            return;
        }
        String completion = completionText(obj.get("completion"));
        if (completion == null) {
            row.error = "field 'completion' must be a string or a list of messages whose first has a string 'content'";
            return;
        }
        if (!obj.get("solution").isTextual()) {
            row.error = "field 'solution' must be a string";
            return;
        }
        if (!obj.get("task").isTextual()) {
            row.error = "field 'task' must be a string";
            return;
        }
        Task task;
        try {
            task = Task.parse(obj.get("task").asText());
        } catch (IllegalArgumentException e) {
            row.error = e.getMessage();
            return;
        }
        VlmR1Inputs inputs;
        try {
            inputs = task.vlmR1() ? vlmR1Inputs(obj, task) : VlmR1Inputs.defaults();
        } catch (IllegalArgumentException e) {
            row.error = e.getMessage();
            return;
        }
        row.request = new RewardRequest(task, completion, obj.get("solution").asText(), inputs);
    }

    /**
     * The VLM-R1 fields of a line: {@code model} (rec), {@code reward_method} (also {@code accu_reward_method},
     * upstream's column), {@code image_size_wh}, {@code image_grid_thw}, {@code completion_tokens} and
     * {@code format} ({@code fullmatch} or {@code ovd-legacy}).
     *
     * @throws IllegalArgumentException naming the field
     */
    static VlmR1Inputs vlmR1Inputs(ObjectNode obj, Task task) {
        RecModel model = RecModel.QWEN;
        if (obj.hasNonNull("model")) {
            if (!obj.get("model").isTextual()) {
                throw new IllegalArgumentException("field 'model' must be a string");
            }
            model = RecModel.parse(obj.get("model").asText());
        }
        VlmR1Method method = null;
        JsonNode m = obj.hasNonNull("reward_method") ? obj.get("reward_method") : obj.get("accu_reward_method");
        if (m != null && !m.isNull()) {
            if (!m.isTextual()) {
                throw new IllegalArgumentException("field 'reward_method' must be a string");
            }
            method = VlmR1Method.parse(m.asText());
        }
        Integer tokens = null;
        if (obj.hasNonNull("completion_tokens")) {
            JsonNode t = obj.get("completion_tokens");
            if (!t.canConvertToInt() || !t.isIntegralNumber() || t.asInt() < 0) {
                throw new IllegalArgumentException("field 'completion_tokens' must be a non-negative integer");
            }
            tokens = t.asInt();
        }
        boolean ovdLegacy = false;
        if (obj.hasNonNull("format")) {
            String f = obj.get("format").asText();
            ovdLegacy = switch (f.replace('_', '-')) {
                case "fullmatch", "default" -> false;
                case "ovd-legacy" -> true;
                default -> throw new IllegalArgumentException("field 'format': unknown format reward '" + f
                        + "'; expected fullmatch or ovd-legacy");
            };
        }
        return new VlmR1Inputs(model, method, intArray(obj, "image_size_wh", 2), intArray(obj, "image_grid_thw", 3),
                tokens, ovdLegacy);
    }

    private static int[] intArray(ObjectNode obj, String field, int n) {
        if (!obj.hasNonNull(field)) {
            return null;
        }
        JsonNode a = obj.get(field);
        if (!a.isArray() || a.size() != n) {
            throw new IllegalArgumentException("field '" + field + "' must be an array of " + n + " positive integers");
        }
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            JsonNode v = a.get(i);
            if (!v.isIntegralNumber() || !v.canConvertToInt() || v.asInt() <= 0) {
                throw new IllegalArgumentException("field '" + field + "' must be an array of " + n + " positive integers");
            }
            out[i] = v.asInt();
        }
        return out;
    }

    /** A string, or TRL's conversational form {@code [{"role": "assistant", "content": "..."}]}. */
    static String completionText(JsonNode c) {
        if (c.isTextual()) {
            return c.asText();
        }
        if (c.isArray() && !c.isEmpty() && c.get(0).path("content").isTextual()) {
            return c.get(0).get("content").asText();
        }
        return null;
    }

    /** Pass 1's findings: non-blank lines, and lines per prompt_id. */
    private record Pass1(long lines, Map<String, Integer> perGroup) {}

    private Pass1 countGroups(Path input) throws IOException {
        Map<String, Integer> perGroup = new HashMap<>();
        long lines = 0;
        try (LineReader r = open(input)) {
            LineReader.Line line;
            while ((line = r.next()) != null) {
                if (line.text() == null || line.text().isBlank()) {
                    continue;
                }
                lines++;
                String id = promptId(line.text());
                if (id != null) {
                    perGroup.merge(id, 1, Integer::sum);
                }
            }
        }
        return new Pass1(lines, perGroup);
    }

    /** The top-level prompt_id of a line, read with the streaming parser; null when absent or not JSON. */
    private static String promptId(String line) {
        try (JsonParser p = JSON.getFactory().createParser(line)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                if (name.equals("prompt_id") && (v == JsonToken.VALUE_STRING || v.isNumeric())) {
                    return p.getText();
                }
                p.skipChildren();
            }
        } catch (IOException e) {
            return null;
        }
        return null;
    }

    /** Lines longer than this (bytes) are reported and skipped rather than read into memory. */
    static final int MAX_LINE_BYTES = 64 << 20;

    private static LineReader open(Path p) throws IOException {
        return new LineReader(Compression.open(p), MAX_LINE_BYTES);
    }
}
