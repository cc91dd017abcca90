package io.github.vrft.answer;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;

/**
 * Python's {@code str()} and {@code repr()} of decoded JSON values ({@link PyJson}'s types), for reward code
 * that builds strings from parsed answers (VLM-R1's repetition reward de-duplicates {@code f"{bbox}_{label}"}).
 * Floats use Python's shortest round-trip form ({@code 100.0}, {@code 1e+16}, {@code 1.5e-05}, {@code inf},
 * {@code nan}); strings inside containers are quoted and escaped as {@code repr} does.
 */
public final class PyRepr {
    private PyRepr() {}

    /** {@code str(v)}: a str is itself, everything else its repr. */
    public static String str(Object v) {
        return v instanceof String s ? s : repr(v);
    }

    public static String repr(Object v) {
        StringBuilder b = new StringBuilder();
        append(b, v);
        return b.toString();
    }

    private static void append(StringBuilder b, Object v) {
        if (v == PyJson.NONE || v == null) {
            b.append("None");
        } else if (v instanceof Boolean x) {
            b.append(x ? "True" : "False");
        } else if (v instanceof Long || v instanceof BigInteger) {
            b.append(v);
        } else if (v instanceof Double d) {
            b.append(floatRepr(d));
        } else if (v instanceof String s) {
            stringRepr(b, s);
        } else if (v instanceof List<?> list) {
            b.append('[');
            for (int i = 0; i < list.size(); i++) {
                if (i > 0) {
                    b.append(", ");
                }
                append(b, list.get(i));
            }
            b.append(']');
        } else if (v instanceof Map<?, ?> map) {
            b.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (!first) {
                    b.append(", ");
                }
                first = false;
                append(b, e.getKey());
                b.append(": ");
                append(b, e.getValue());
            }
            b.append('}');
        } else {
            b.append(v);
        }
    }

    /** {@code repr(float)}: the shortest digits that round-trip, fixed for 1e-4 &le; |x| &lt; 1e16, else exponent. */
    public static String floatRepr(double d) {
        if (Double.isNaN(d)) {
            return "nan";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "inf" : "-inf";
        }
        if (d == 0) {
            return (1 / d < 0) ? "-0.0" : "0.0";
        }
        // Java's Double.toString gives the shortest round-trip digits since JDK 19; only the layout differs.
        BigDecimal x = new BigDecimal(Double.toString(Math.abs(d))).stripTrailingZeros();
        String digits = x.unscaledValue().toString();
        int exp = digits.length() - 1 - x.scale(); // decimal exponent of the first digit
        StringBuilder b = new StringBuilder();
        if (d < 0) {
            b.append('-');
        }
        if (exp >= -4 && exp < 16) {
            if (exp < 0) {
                b.append("0.");
                b.append("0".repeat(-exp - 1)).append(digits);
            } else if (digits.length() <= exp + 1) {
                b.append(digits).append("0".repeat(exp + 1 - digits.length())).append(".0");
            } else {
                b.append(digits, 0, exp + 1).append('.').append(digits, exp + 1, digits.length());
            }
        } else {
            b.append(digits.charAt(0));
            if (digits.length() > 1) {
                b.append('.').append(digits, 1, digits.length());
            }
            b.append('e').append(exp < 0 ? '-' : '+');
            int a = Math.abs(exp);
            if (a < 10) {
                b.append('0');
            }
            b.append(a);
        }
        return b.toString();
    }

    /** {@code repr(str)}: single quotes unless the text has a single quote and no double quote. */
    private static void stringRepr(StringBuilder b, String s) {
        char quote = s.indexOf('\'') >= 0 && s.indexOf('"') < 0 ? '"' : '\'';
        b.append(quote);
        for (int i = 0; i < s.length(); ) {
            int c = s.codePointAt(i);
            i += Character.charCount(c);
            if (c == quote || c == '\\') {
                b.append('\\').appendCodePoint(c);
            } else if (c == '\t') {
                b.append("\\t");
            } else if (c == '\n') {
                b.append("\\n");
            } else if (c == '\r') {
                b.append("\\r");
            } else if (c < 0x20 || c == 0x7f) {
                b.append(String.format("\\x%02x", c));
            } else if (c < 0x7f || isPrintable(c)) {
                b.appendCodePoint(c);
            } else if (c <= 0xff) {
                b.append(String.format("\\x%02x", c));
            } else if (c <= 0xffff) {
                b.append(String.format("\\u%04x", c));
            } else {
                b.append(String.format("\\U%08x", c));
            }
        }
        b.append(quote);
    }

    /** {@code str.isprintable()} for one non-ASCII code point: not a control, format, separator or unassigned. */
    private static boolean isPrintable(int c) {
        return switch (Character.getType(c)) {
            case Character.CONTROL, Character.FORMAT, Character.SURROGATE, Character.PRIVATE_USE,
                 Character.UNASSIGNED, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR,
                 Character.SPACE_SEPARATOR -> false;
            default -> true;
        };
    }
}
