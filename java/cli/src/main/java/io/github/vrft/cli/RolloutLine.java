package io.github.vrft.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import io.github.vrft.reward.RewardRequest;
import io.github.vrft.reward.Task;
import io.github.vrft.reward.VlmR1Inputs;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

/**
 * One JSON Lines line of {@code vrft score}, read from its bytes with Jackson's streaming parser: its group key,
 * and either the request to score or why the line is bad. Only the fields the scorer reads are decoded; every
 * other value is skipped by the tokenizer (still checked as JSON, never converted), because the output is the
 * input line itself with the new fields appended ({@link #objectEnd}, {@link #dropped}), so extra fields,
 * numbers and escapes come back exactly as written.
 *
 * <p><b>Group key.</b> A line's group is its {@code prompt_id} value, compared as Python compares what
 * {@code json.loads} returns (as a dict key): a string is its decoded text; a number is its value, with
 * integers exact and other numbers as the float64 Python reads them, and a float that holds an integer equal
 * to that integer ({@code 1e2}, {@code 100.0} and {@code 100} are one group, so are {@code -0.0} and
 * {@code 0}); a string and a number are never equal ({@code "1"} and {@code 1} are two groups). The key is
 * computed by this one method in both passes of a run, so the two always agree.
 *
 * <p>A line is bad when it is not valid UTF-8, not exactly one JSON object, names a field the scorer reads
 * twice (Python would keep the last silently; here it is ambiguous, so reported), or has a missing or mistyped
 * field. The first pass counts each line under {@link #keyOf}, which reads only up to the first
 * {@code prompt_id}; the second pass counts the same line under the same key, as a member when it is valid
 * and as a known non-member when it is bad, so a bad line never leaves its group waiting.
 */
final class RolloutLine {
    /** Lines longer than this (bytes) are reported and skipped rather than read into memory. */
    static final int MAX_LINE_BYTES = 64 << 20;

    /**
     * The factory for lines: strings, numbers and names as long as a line may be (Jackson's defaults stop at
     * 20M characters and 1,000 digits); nesting stays at Jackson's 1,000, about as deep as Python's json goes.
     */
    static final JsonFactory LINES = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(MAX_LINE_BYTES)
                    .maxNumberLength(MAX_LINE_BYTES).maxNameLength(MAX_LINE_BYTES).build())
            .build();

    /** The top-level members the output replaces: dropped from the copy of the line, then written anew. */
    static final String[] REPLACED = {"rewards", "advantage", "diagnostics"};

    /** The group key, or null when the line has no readable prompt_id. */
    String key;
    /** Why the line is not scored, or null. */
    String error;
    /** What to score (when {@link #error} is null and the line was read in full). */
    RewardRequest request;
    /** The offset of the top-level object's closing brace. */
    int objectEnd;
    /** {@code [from, to)} pairs of offsets of replaced members (with what follows them up to the next token), or null. */
    int[] dropped;

    private RolloutLine() {}

    /** The value of a field the scorer reads, as the tokenizer saw it. */
    private static final class Field {
        JsonToken token;
        String text;   // a string's text or a number's characters
        int count;     // how often the name occurs
        long[] ints;   // an array of integers (null when not all elements are integers in the long range)
        int length;    // the array's length
        boolean conversational; // completion: [{..."content": "..."}] with a string content in the first message
    }

    private static final String[] READ = {"prompt_id", "task", "completion", "solution", "model", "reward_method",
            "accu_reward_method", "completion_tokens", "format", "image_size_wh", "image_grid_thw"};
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

    private static int fieldIndex(String name) {
        return switch (name) {
            case "prompt_id" -> PROMPT_ID;
            case "task" -> TASK;
            case "completion" -> COMPLETION;
            case "solution" -> SOLUTION;
            case "model" -> MODEL;
            case "reward_method" -> REWARD_METHOD;
            case "accu_reward_method" -> ACCU_REWARD_METHOD;
            case "completion_tokens" -> COMPLETION_TOKENS;
            case "format" -> FORMAT;
            case "image_size_wh" -> IMAGE_SIZE;
            case "image_grid_thw" -> IMAGE_GRID;
            case "rewards", "advantage", "diagnostics" -> -2;
            default -> -1;
        };
    }

    /**
     * The group key of {@code data[from .. to)}: that of the first top-level {@code prompt_id}, read up to it and
     * no further (null when it is not a string or a number, or the line is not a JSON object up to there). Both
     * passes count a line under this key; for a line that {@link #read} finds valid it is the key {@code read}
     * gives, since its one {@code prompt_id} is the first.
     */
    static String keyOf(byte[] data, int from, int to) {
        try (JsonParser p = LINES.createParser(data, from, to - from)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                boolean pid = p.currentName().equals("prompt_id");
                JsonToken v = p.nextToken();
                if (pid) {
                    return v == JsonToken.VALUE_STRING || v.isNumeric() ? groupKey(v, p.getText()) : null;
                }
                p.skipChildren();
            }
        } catch (IOException e) {
            return null; // not JSON before a prompt_id
        }
        return null;
    }

    /** The line {@code data[from .. to)} in full (the second pass). */
    static RolloutLine read(byte[] data, int from, int to) {
        RolloutLine line = new RolloutLine();
        if (!validUtf8(data, from, to)) {
            line.error = "not valid UTF-8";
            return line;
        }
        Field[] fields = new Field[READ.length];
        int[] dropped = null;
        int drops = 0;
        boolean closeDrop = false;
        try (JsonParser p = LINES.createParser(data, from, to - from)) {
            JsonToken first = p.nextToken();
            if (first != JsonToken.START_OBJECT) {
                line.error = "expected a JSON object, got " + kind(first);
                return line;
            }
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                int f = fieldIndex(name);
                // the name's offset only where a replaced member starts or ends here (a location per member
                // was a twentieth of what a run allocated)
                int at = closeDrop || f == -2 ? from + (int) p.currentTokenLocation().getByteOffset() : -1;
                if (closeDrop) {
                    dropped[drops++] = at;
                    closeDrop = false;
                }
                JsonToken v = p.nextToken();
                if (f == -2) {
                    if (dropped == null) {
                        dropped = new int[6];
                    } else if (drops == dropped.length) {
                        dropped = Arrays.copyOf(dropped, drops * 2);
                    }
                    dropped[drops++] = at;
                    closeDrop = true;
                    p.skipChildren();
                } else if (f >= 0) {
                    Field field = fields[f] == null ? (fields[f] = new Field()) : fields[f];
                    field.count++;
                    capture(p, v, field, f);
                } else {
                    p.skipChildren();
                }
            }
            // t is END_OBJECT here: the tokenizer throws on anything else inside an object
            line.objectEnd = from + (int) p.currentTokenLocation().getByteOffset();
            if (closeDrop) {
                dropped[drops++] = line.objectEnd;
            }
            if (p.nextToken() != null) {
                line.error = "more than one JSON value on the line (a JSON Lines line is exactly one object)"
                        + (indexOf(data, from, to, (byte) '\r') >= 0 ? "; it holds carriage returns: lines ending in "
                        + "CR alone are not JSON Lines, end them with LF or CRLF" : "");
                return line;
            }
        } catch (JsonProcessingException e) {
            line.error = "not valid JSON: " + e.getOriginalMessage();
            return line;
        } catch (IOException e) {
            line.error = "not valid JSON: " + e.getMessage(); // reading a byte array does no I/O
            return line;
        }
        line.dropped = dropped == null ? null : Arrays.copyOf(dropped, drops);
        Field pid = fields[PROMPT_ID];
        if (pid != null && pid.count == 1) {
            line.key = groupKey(pid.token, pid.text);
        }
        line.error = check(fields);
        if (line.error == null) {
            try {
                line.request = request(fields);
            } catch (IllegalArgumentException e) {
                line.error = e.getMessage();
            }
        }
        return line;
    }

    private static void capture(JsonParser p, JsonToken v, Field field, int f) throws IOException {
        field.token = v;
        field.text = null;
        field.ints = null;
        field.conversational = false;
        if (v == JsonToken.VALUE_STRING || v.isNumeric()) {
            field.text = p.getText();
        } else if (v == JsonToken.START_ARRAY && (f == IMAGE_SIZE || f == IMAGE_GRID)) {
            long[] ints = new long[4];
            int n = 0;
            boolean allInts = true;
            JsonToken e;
            while ((e = p.nextToken()) != JsonToken.END_ARRAY) {
                if (e == JsonToken.VALUE_NUMBER_INT && allInts) {
                    String s = p.getText();
                    if (s.length() <= 18) {
                        if (n == ints.length) {
                            ints = Arrays.copyOf(ints, n * 2);
                        }
                        ints[n] = Long.parseLong(s);
                    } else {
                        allInts = false;
                    }
                } else {
                    allInts = false;
                    p.skipChildren();
                }
                n++;
            }
            field.ints = allInts ? Arrays.copyOf(ints, n) : null;
            field.length = n;
        } else if (v == JsonToken.START_ARRAY && f == COMPLETION) {
            // TRL's conversational form: the first message's content
            JsonToken e = p.nextToken();
            if (e == JsonToken.START_OBJECT) {
                JsonToken k;
                while ((k = p.nextToken()) == JsonToken.FIELD_NAME) {
                    boolean content = p.currentName().equals("content");
                    JsonToken cv = p.nextToken();
                    if (content) {
                        field.conversational = cv == JsonToken.VALUE_STRING;
                        field.text = field.conversational ? p.getText() : null;
                    }
                    p.skipChildren();
                }
                e = p.nextToken();
            }
            while (e != JsonToken.END_ARRAY) {
                p.skipChildren();
                e = p.nextToken();
            }
        } else {
            p.skipChildren();
        }
    }

    /** The checks on the fields, in the order a user fixes them; null when the line can be scored. */
    private static String check(Field[] fields) {
        for (int i = 0; i < READ.length; i++) {
            if (fields[i] != null && fields[i].count > 1) {
                return "field '" + READ[i] + "' appears more than once on the line";
            }
        }
        for (int f : new int[] {PROMPT_ID, TASK, COMPLETION, SOLUTION}) {
            if (absent(fields[f])) {
                return "missing required field '" + READ[f] + "'";
            }
        }
        JsonToken pid = fields[PROMPT_ID].token;
        if (pid != JsonToken.VALUE_STRING && !pid.isNumeric()) {
            return "field 'prompt_id' must be a string or a number";
        }
        Field c = fields[COMPLETION];
        if (c.token != JsonToken.VALUE_STRING && !c.conversational) {
            return "field 'completion' must be a string or a list of messages whose first has a string 'content'";
        }
        if (fields[SOLUTION].token != JsonToken.VALUE_STRING) {
            return "field 'solution' must be a string";
        }
        if (fields[TASK].token != JsonToken.VALUE_STRING) {
            return "field 'task' must be a string";
        }
        return null;
    }

    private static boolean absent(Field f) {
        return f == null || f.token == JsonToken.VALUE_NULL;
    }

    /**
     * The request of a checked line.
     *
     * @throws IllegalArgumentException naming the field (an unknown task, model or method, a bad VLM-R1 field)
     */
    private static RewardRequest request(Field[] fields) {
        Task task = Task.parse(fields[TASK].text);
        VlmR1Inputs inputs = task.vlmR1() ? vlmR1Inputs(fields) : VlmR1Inputs.defaults();
        return new RewardRequest(task, fields[COMPLETION].text, fields[SOLUTION].text, inputs);
    }

    /**
     * The VLM-R1 fields of a line: {@code model} (rec), {@code reward_method} (also {@code accu_reward_method},
     * upstream's column), {@code image_size_wh}, {@code image_grid_thw}, {@code completion_tokens} and
     * {@code format} ({@code fullmatch} or {@code ovd-legacy}); null values count as absent.
     */
    private static VlmR1Inputs vlmR1Inputs(Field[] fields) {
        String model = absent(fields[MODEL]) ? null : string(fields[MODEL], "model");
        Field m = !absent(fields[REWARD_METHOD]) ? fields[REWARD_METHOD] : fields[ACCU_REWARD_METHOD];
        String method = absent(m) ? null : string(m, "reward_method");
        Field t = fields[COMPLETION_TOKENS];
        Long tokens = absent(t) ? null
                : t.token == JsonToken.VALUE_NUMBER_INT && t.text.length() <= 11 ? Long.parseLong(t.text) : -1L;
        String format = absent(fields[FORMAT]) ? null : string(fields[FORMAT], "format");
        return VlmR1Inputs.ofFields(model, method, tokens, format, ints(fields[IMAGE_SIZE]), ints(fields[IMAGE_GRID]));
    }

    private static String string(Field f, String name) {
        if (f.token != JsonToken.VALUE_STRING) {
            throw new IllegalArgumentException("field '" + name + "' must be a string");
        }
        return f.text;
    }

    /** An integer array's values; null when absent, empty when it is not an array of integers (rejected then). */
    private static long[] ints(Field f) {
        if (absent(f)) {
            return null;
        }
        return f.token == JsonToken.START_ARRAY && f.ints != null ? f.ints : new long[0];
    }

    /**
     * The group key of a {@code prompt_id} token (see the class comment): {@code s} + the text of a string,
     * {@code n} + the decimal digits of an integer value, {@code f} + the float64 of any other number.
     */
    static String groupKey(JsonToken token, String text) {
        if (token == JsonToken.VALUE_STRING) {
            return "s" + text;
        }
        if (token == JsonToken.VALUE_NUMBER_INT) {
            return text.equals("-0") ? "n0" : "n" + text; // JSON integers have no leading zeros or '+'
        }
        if (token == JsonToken.VALUE_NUMBER_FLOAT) {
            double d = Double.parseDouble(text); // correctly rounded, as Python's float(); 1e400 is inf
            if (Double.isFinite(d) && d == Math.rint(d)) {
                return "n" + new BigDecimal(d).toBigInteger(); // exact: Python's 1e2 == 100
            }
            return "f" + d;
        }
        return null;
    }

    /** A group key as a message shows it: {@code prompt_id "a"} for a string, {@code prompt_id 7} for a number. */
    static String describeKey(String key) {
        return key.startsWith("s") ? "prompt_id \"" + key.substring(1) + "\"" : "prompt_id " + key.substring(1);
    }

    private static String kind(JsonToken t) {
        if (t == null) {
            return "nothing";
        }
        return switch (t) {
            case START_ARRAY -> "array";
            case VALUE_STRING -> "string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "number";
            case VALUE_TRUE, VALUE_FALSE -> "boolean";
            case VALUE_NULL -> "null";
            default -> t.name().toLowerCase(Locale.ROOT);
        };
    }

    private static int indexOf(byte[] data, int from, int to, byte b) {
        for (int i = from; i < to; i++) {
            if (data[i] == b) {
                return i;
            }
        }
        return -1;
    }

    /** Strict UTF-8 (no overlong forms, no encoded surrogates), with a fast path for ASCII. */
    static boolean validUtf8(byte[] data, int from, int to) {
        int i = from;
        for (; i + 8 <= to; i += 8) {
            if (((long) LONGS.get(data, i) & 0x8080808080808080L) != 0) {
                break;
            }
        }
        for (; i < to; i++) {
            if (data[i] < 0) {
                return decodes(data, i, to);
            }
        }
        return true;
    }

    private static final java.lang.invoke.VarHandle LONGS = java.lang.invoke.MethodHandles.byteArrayViewVarHandle(
            long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);

    private static final ThreadLocal<CharsetDecoder> UTF8 = ThreadLocal.withInitial(() -> StandardCharsets.UTF_8
            .newDecoder().onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT));
    private static final ThreadLocal<CharBuffer> SCRATCH = ThreadLocal.withInitial(() -> CharBuffer.allocate(8192));

    private static boolean decodes(byte[] data, int from, int to) {
        CharsetDecoder d = UTF8.get().reset();
        ByteBuffer in = ByteBuffer.wrap(data, from, to - from);
        CharBuffer out = SCRATCH.get();
        while (true) {
            out.clear();
            CoderResult r = d.decode(in, out, true);
            if (r.isError()) {
                return false;
            }
            if (r.isUnderflow()) {
                out.clear();
                return !d.flush(out).isError();
            }
        }
    }
}
