package io.github.vrft.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import io.github.vrft.reward.Component;
import io.github.vrft.reward.RewardScore;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The output of a scored line: the input line's own bytes up to its closing brace, less any {@code rewards},
 * {@code advantage} or {@code diagnostics} member it had (they are replaced, so a scored file can be scored
 * again), then {@code "rewards"}, {@code "advantage"} and {@code "diagnostics"}. Everything else of the line,
 * its spacing, field order, numbers and escapes, is written back as it was read. The diagnostics' strings are
 * written by Jackson's generator, the rewards' names and numbers as that generator writes them; the advantage,
 * known only when the group is complete, is written between the two pieces by {@link #advantage}.
 */
final class ScoredLine {
    private ScoredLine() {}

    private static final byte[] REWARDS = "\"rewards\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ADVANTAGE = ",\"advantage\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DIAGNOSTICS = ",\"diagnostics\":".getBytes(StandardCharsets.US_ASCII);

    private static final byte[] TOTAL = "\"total\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] TOTAL_F32 = ",\"total_f32\":".getBytes(StandardCharsets.US_ASCII);
    /** The tail of a line with nothing to diagnose; shared, never written to. */
    private static final byte[] NO_DIAGNOSTICS = ",\"diagnostics\":{}}".getBytes(StandardCharsets.US_ASCII);
    /** A component's name as a JSON member name with its colon, by name (a handful of names in all). */
    private static final ConcurrentHashMap<String, byte[]> NAMES = new ConcurrentHashMap<>();

    private static final ThreadLocal<ByteArrayBuilder> BUFFER = ThreadLocal.withInitial(() -> new ByteArrayBuilder(512));

    /** The two pieces of line {@code lineNo}, whose bytes start at {@code data[from]}. */
    static HeldLines.Held render(byte[] data, int from, RolloutLine line, RewardScore score, long lineNo) {
        ByteArrayBuilder out = BUFFER.get();
        out.reset();
        if (needsComma(data, from, line)) {
            out.write(',');
        }
        out.write(REWARDS);
        // The rewards object is names and numbers only: the names' bytes are Jackson's, made once per name,
        // and each number is written as the generator writes it (Double.toString, Float.toString; a
        // non-finite value as a string). A generator per line cost more than the rest of the line's output.
        out.write('{');
        List<Component> cs = score.components();
        for (int i = 0; i < cs.size(); i++) {
            Component c = cs.get(i);
            out.write(name(c.name()));
            number(out, c.value());
            out.write(',');
        }
        out.write(TOTAL);
        number(out, score.total());
        out.write(TOTAL_F32);
        number(out, score.totalF32());
        out.write('}');
        out.write(ADVANTAGE);
        byte[] added = out.toByteArray();
        // the line up to its closing brace, less the replaced members, then what was added: copied once into
        // an array of the exact size (the line's bytes are most of it)
        int[] drop = line.dropped;
        int kept = line.objectEnd - from;
        if (drop != null) {
            for (int k = 0; k < drop.length; k += 2) {
                kept -= drop[k + 1] - drop[k];
            }
        }
        byte[] head = new byte[kept + added.length];
        int n = 0;
        int at = from;
        if (drop != null) {
            for (int k = 0; k < drop.length; k += 2) {
                System.arraycopy(data, at, head, n, drop[k] - at);
                n += drop[k] - at;
                at = drop[k + 1];
            }
        }
        System.arraycopy(data, at, head, n, line.objectEnd - at);
        n += line.objectEnd - at;
        System.arraycopy(added, 0, head, n, added.length);
        boolean diagnosed = score.gateFired();
        for (int i = 0; i < cs.size() && !diagnosed; i++) {
            diagnosed = cs.get(i).reason() != null;
        }
        if (!diagnosed) {
            return new HeldLines.Held(lineNo, head, NO_DIAGNOSTICS);
        }
        out.reset();
        out.write(DIAGNOSTICS);
        try (JsonGenerator g = RolloutLine.LINES.createGenerator(out)) {
            g.writeStartObject();
            for (Component c : cs) {
                if (c.reason() != null) {
                    g.writeStringField(c.name(), c.reason());
                }
            }
            if (score.gateFired()) {
                g.writeStringField(RewardScore.GATE_DIAGNOSTIC_KEY, RewardScore.GATE_FIRED);
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.write('}');
        return new HeldLines.Held(lineNo, head, out.toByteArray());
    }

    private static byte[] name(String name) {
        return NAMES.computeIfAbsent(name, n -> {
            byte[] quoted = JsonStringEncoder.getInstance().quoteAsUTF8(n);
            byte[] b = new byte[quoted.length + 3];
            b[0] = '"';
            System.arraycopy(quoted, 0, b, 1, quoted.length);
            b[quoted.length + 1] = '"';
            b[quoted.length + 2] = ':';
            return b;
        });
    }

    /** A double as Jackson's generator writes it by default. */
    private static void number(ByteArrayBuilder out, double v) {
        ascii(out, Double.isFinite(v) ? Double.toString(v) : "\"" + v + "\"");
    }

    /** A float as Jackson's generator writes it by default. */
    private static void number(ByteArrayBuilder out, float v) {
        ascii(out, Float.isFinite(v) ? Float.toString(v) : "\"" + v + "\"");
    }

    /** A number's characters (ASCII, so a Latin-1 string: getBytes is a copy of its bytes). */
    private static void ascii(ByteArrayBuilder out, String s) {
        out.write(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** Whether the kept members need a comma before the new ones: not after the opening brace or a comma. */
    private static boolean needsComma(byte[] data, int from, RolloutLine line) {
        int[] drop = line.dropped;
        int piece = drop == null ? 0 : drop.length / 2; // pieces kept: [from, drop[0]), [drop[1], drop[2]), ...
        int end = line.objectEnd;
        while (true) {
            int start = piece == 0 ? from : drop[2 * piece - 1];
            for (int i = end - 1; i >= start; i--) {
                byte c = data[i];
                if (c != ' ' && c != '\t' && c != '\r' && c != '\n') {
                    return c != '{' && c != ',';
                }
            }
            if (piece == 0) {
                return false; // cannot happen: the line starts with '{'
            }
            end = drop[2 * piece - 2];
            piece--;
        }
    }

    /** An advantage as Jackson writes a float: Java's shortest form; NaN and the infinities as strings. */
    static String advantage(float a) {
        return Float.isFinite(a) ? Float.toString(a) : "\"" + a + "\"";
    }
}
