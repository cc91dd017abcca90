package io.github.vrft.spark;

import io.github.vrft.reward.RewardRequest;
import io.github.vrft.reward.Task;
import io.github.vrft.reward.VlmR1Inputs;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

import java.io.Serializable;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.List;

/**
 * Reads a row into a reward request as {@code vrft score} reads a line: the same required fields, checked in the
 * same order with the same messages, the same VLM-R1 fields ({@link VlmR1Inputs#ofFields}), and the same group key
 * for {@code prompt_id}: a string column's value is a string key, a numeric column's a number key, and a number
 * with an integral value is the same key whatever its type ({@code 100}, {@code 100.0} and {@code 1e2} are one
 * group; {@code "1"} and {@code 1} are two). Null counts as absent, as JSON's null does on a line.
 */
final class RowRequests implements Serializable {
    private static final long serialVersionUID = 1L;

    /** One row as read: its group key (null where it has none), and its request or why it has none. */
    record Read(String key, RewardRequest request, String error) {}

    private static final int PROMPT_ID = 0;
    private static final int TASK = 1;
    private static final int COMPLETION = 2;
    private static final int SOLUTION = 3;
    private static final int MODEL = 4;
    private static final int REWARD_METHOD = 5;
    private static final int ACCU_REWARD_METHOD = 6;
    private static final int COMPLETION_TOKENS = 7;
    private static final int FORMAT = 8;
    private static final int IMAGE_SIZE = 9;
    private static final int IMAGE_GRID = 10;

    /** Spark's JSON reader puts a line it cannot parse here (PERMISSIVE mode), every other column null. */
    static final String CORRUPT_RECORD = "_corrupt_record";

    private final int[] index = new int[ScoringOptions.FIELDS.size()];
    private final int corrupt;
    private final Task defaultTask;

    /**
     * @throws IllegalArgumentException when a required column is not in {@code schema}, naming it
     */
    RowRequests(StructType schema, ScoringOptions options) {
        List<String> names = Arrays.asList(schema.fieldNames());
        for (int f = 0; f < index.length; f++) {
            index[f] = names.indexOf(options.column(ScoringOptions.FIELDS.get(f)));
        }
        this.defaultTask = options.defaultTask();
        for (int f : new int[] {PROMPT_ID, TASK, COMPLETION, SOLUTION}) {
            if (index[f] < 0 && !(f == TASK && defaultTask != null)) {
                String field = ScoringOptions.FIELDS.get(f);
                throw new IllegalArgumentException("input: no column '" + options.column(field) + "' (field " + field
                        + (f == TASK ? "; or set a default task" : "") + "); the columns are " + names
                        + ". ScoringOptions.Builder.column(\"" + field + "\", name) reads it from another column");
            }
        }
        this.corrupt = names.indexOf(CORRUPT_RECORD);
    }

    private Object value(Row row, int field) {
        int i = index[field];
        return i < 0 || row.isNullAt(i) ? null : row.get(i);
    }

    Read read(Row row) {
        if (corrupt >= 0 && !row.isNullAt(corrupt)) {
            return new Read(null, null, "not valid JSON (Spark's JSON reader could not read the line)");
        }
        Object pid = value(row, PROMPT_ID);
        String key = pid == null ? null : groupKey(pid);
        Object task = index[TASK] < 0 ? defaultTask.id() : value(row, TASK);
        Object completion = value(row, COMPLETION);
        Object solution = value(row, SOLUTION);
        Object[] required = {pid, task, completion, solution};
        for (int f = 0; f < required.length; f++) {
            if (required[f] == null) {
                return new Read(key, null, "missing required field '" + ScoringOptions.FIELDS.get(f) + "'");
            }
        }
        if (key == null) {
            return new Read(null, null, "field 'prompt_id' must be a string or a number");
        }
        String text = completionText(completion);
        if (text == null) {
            return new Read(key, null,
                    "field 'completion' must be a string or a list of messages whose first has a string 'content'");
        }
        if (!(solution instanceof String s)) {
            return new Read(key, null, "field 'solution' must be a string");
        }
        if (!(task instanceof String t)) {
            return new Read(key, null, "field 'task' must be a string");
        }
        try {
            Task parsed = Task.parse(t);
            VlmR1Inputs inputs = parsed.vlmR1() ? vlmR1Inputs(row) : VlmR1Inputs.defaults();
            return new Read(key, new RewardRequest(parsed, text, s, inputs), null);
        } catch (IllegalArgumentException e) {
            return new Read(key, null, e.getMessage());
        }
    }

    /** A string, or TRL's conversational form: the first message's string {@code content}; else null. */
    private static String completionText(Object completion) {
        if (completion instanceof String s) {
            return s;
        }
        if (completion instanceof scala.collection.Seq<?> seq && !seq.isEmpty() && seq.head() instanceof Row first) {
            int c = Arrays.asList(first.schema().fieldNames()).indexOf("content");
            if (c >= 0 && !first.isNullAt(c) && first.get(c) instanceof String content) {
                return content;
            }
        }
        return null;
    }

    private VlmR1Inputs vlmR1Inputs(Row row) {
        Object method = value(row, REWARD_METHOD) != null ? value(row, REWARD_METHOD) : value(row, ACCU_REWARD_METHOD);
        Object tokens = value(row, COMPLETION_TOKENS);
        Long count = tokens == null ? null
                : tokens instanceof Long || tokens instanceof Integer || tokens instanceof Short || tokens instanceof Byte
                ? Long.valueOf(((Number) tokens).longValue()) : Long.valueOf(-1);
        return VlmR1Inputs.ofFields(string(value(row, MODEL), "model"), string(method, "reward_method"), count,
                string(value(row, FORMAT), "format"), ints(value(row, IMAGE_SIZE)), ints(value(row, IMAGE_GRID)));
    }

    private static String string(Object v, String name) {
        if (v != null && !(v instanceof String)) {
            throw new IllegalArgumentException("field '" + name + "' must be a string");
        }
        return (String) v;
    }

    /** An integer array's values; null when absent, empty when it is not an array of integers (rejected then). */
    private static long[] ints(Object v) {
        if (v == null) {
            return null;
        }
        if (!(v instanceof scala.collection.Seq<?> seq)) {
            return new long[0];
        }
        long[] out = new long[seq.size()];
        for (int i = 0; i < out.length; i++) {
            Object e = seq.apply(i);
            if (!(e instanceof Long || e instanceof Integer || e instanceof Short || e instanceof Byte)) {
                return new long[0];
            }
            out[i] = ((Number) e).longValue();
        }
        return out;
    }

    /**
     * The group key of a {@code prompt_id} value, as {@code vrft score} forms it from JSON: {@code s} + a string,
     * {@code n} + the decimal digits of an integral number, {@code f} + the float64 of any other; null for a value
     * that is neither a string nor a number.
     */
    static String groupKey(Object v) {
        if (v instanceof String s) {
            return "s" + s;
        }
        if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
            return "n" + v;
        }
        if (v instanceof BigDecimal d) {
            BigDecimal t = d.stripTrailingZeros();
            return t.scale() <= 0 ? "n" + t.toBigInteger() : "f" + d.doubleValue();
        }
        if (v instanceof Double || v instanceof Float) {
            double d = ((Number) v).doubleValue();
            if (Double.isFinite(d) && d == Math.rint(d)) {
                return "n" + new BigDecimal(d).toBigInteger(); // exact: Python's 1e2 == 100
            }
            return "f" + d;
        }
        return null;
    }
}
