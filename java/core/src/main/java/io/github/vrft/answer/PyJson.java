package io.github.vrft.answer;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A JSON decoder with exactly the behaviour of CPython 3.11's {@code json.loads} (the C scanner, strict
 * mode), because the rewards depend on what it accepts and rejects:
 * <ul>
 *   <li>{@code NaN}, {@code Infinity} and {@code -Infinity} are accepted; {@code 1e400} is +inf.</li>
 *   <li>Integers are exact ({@link Long}, or {@link BigInteger} past 64 bits); more than 4300 digits raise
 *       {@code ValueError} (CPython's int/str limit), which is <em>not</em> a {@code JSONDecodeError}.</li>
 *   <li>Duplicate keys keep the last value at the first key's position; trailing commas, single quotes,
 *       control characters inside strings, leading zeros and bare {@code .5} are errors.</li>
 *   <li>Only space, tab, LF and CR count as whitespace around tokens.</li>
 *   <li>Nesting deeper than {@link #MAX_DEPTH} raises {@code RecursionError}, as CPython's recursion limit
 *       does (at about this depth under the upstream call stack).</li>
 * </ul>
 * Values decode to {@code Map<String,Object>} (insertion ordered, Python dict semantics), {@code List<Object>}, {@link String},
 * {@link Long}, {@link BigInteger}, {@link Double}, {@link Boolean} and {@link #NONE} for {@code null}.
 */
public final class PyJson {
    /** Python's {@code None}, the decoded {@code null}. */
    public static final Object NONE = new Object() {
        @Override
        public String toString() {
            return "None";
        }
    };

    /** The nesting depth at which decoding raises {@code RecursionError}. */
    public static final int MAX_DEPTH = 990;


    /** {@code json.JSONDecodeError}: the document is not JSON. */
    public static final class DecodeError extends PyException {
        private final int pos;

        DecodeError(String msg, int pos) {
            super("JSONDecodeError", msg + " (char " + pos + ")");
            this.pos = pos;
        }

        /** Character offset of the error, as Python's {@code e.pos}. */
        public int pos() {
            return pos;
        }
    }

    private final String s;
    private final int n;
    /** Read every {@code '} as {@code "}: {@code json.loads(text.replace("'", '"'))} without the copy. */
    private final boolean singleIsDouble;
    private int depth;

    private PyJson(String s, boolean singleIsDouble) {
        this.s = s;
        this.n = s.length();
        this.singleIsDouble = singleIsDouble;
    }

    private char ch(int i) {
        char c = s.charAt(i);
        return singleIsDouble && c == '\'' ? '"' : c;
    }

    /**
     * {@code json.loads(text)}.
     *
     * @throws DecodeError where Python raises {@code JSONDecodeError}
     * @throws PyException {@code ValueError} (integer too long) or {@code RecursionError} (too deep)
     */
    public static Object loads(String text) {
        return decode(text, false);
    }

    /**
     * {@code json.loads(text.replace("'", '"'))}, the Visual-RFT repair, without building the replaced copy.
     * Decoded strings hold {@code "} where the text had {@code '}.
     */
    public static Object loadsWithSingleQuotesAsDouble(String text) {
        return decode(text, true);
    }

    private static Object decode(String text, boolean singleIsDouble) {
        PyJson p = new PyJson(text, singleIsDouble);
        int i = p.skipWs(0);
        p.value(i);
        i = p.skipWs(p.end);
        if (i != p.n) {
            throw new DecodeError("Extra data", i);
        }
        return p.result;
    }

    // value() leaves its result and end index in these fields to avoid allocating a pair per value.
    private Object result;
    private int end;

    private int skipWs(int i) {
        while (i < n) {
            char c = ch(i);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                break;
            }
            i++;
        }
        return i;
    }

    private void value(int i) {
        if (i >= n) {
            throw new DecodeError("Expecting value", i);
        }
        char c = ch(i);
        switch (c) {
            case '"' -> string(i + 1);
            case '{' -> {
                enter();
                object(i + 1);
                depth--;
            }
            case '[' -> {
                enter();
                array(i + 1);
                depth--;
            }
            case 'n' -> constant(i, "null", NONE);
            case 't' -> constant(i, "true", Boolean.TRUE);
            case 'f' -> constant(i, "false", Boolean.FALSE);
            case 'N' -> constant(i, "NaN", Double.NaN);
            case 'I' -> constant(i, "Infinity", Double.POSITIVE_INFINITY);
            default -> {
                if (c == '-' && s.startsWith("-Infinity", i)) {
                    result = Double.NEGATIVE_INFINITY;
                    end = i + 9;
                } else {
                    number(i);
                }
            }
        }
    }

    private void enter() {
        if (++depth > MAX_DEPTH) {
            throw new PyException("RecursionError", "maximum recursion depth exceeded while decoding a JSON array");
        }
    }

    private void constant(int i, String word, Object v) {
        if (!s.startsWith(word, i)) {
            throw new DecodeError("Expecting value", i);
        }
        result = v;
        end = i + word.length();
    }

    private void number(int start) {
        int i = start;
        if (i < n && ch(i) == '-') {
            i++;
        }
        if (i >= n) {
            throw new DecodeError("Expecting value", start);
        }
        char c = ch(i);
        if (c >= '1' && c <= '9') {
            i++;
            while (i < n && isDigit(ch(i))) {
                i++;
            }
        } else if (c == '0') {
            i++;
        } else {
            throw new DecodeError("Expecting value", start);
        }
        int intEnd = i;
        boolean isFloat = false;
        if (i + 1 < n && ch(i) == '.' && isDigit(ch(i + 1))) {
            i += 2;
            while (i < n && isDigit(ch(i))) {
                i++;
            }
            isFloat = true;
        }
        if (i < n && (ch(i) == 'e' || ch(i) == 'E')) {
            int e = i + 1;
            if (e < n && (ch(e) == '+' || ch(e) == '-')) {
                e++;
            }
            int digits = e;
            while (e < n && isDigit(ch(e))) {
                e++;
            }
            if (e > digits) {
                i = e;
                isFloat = true;
            }
        }
        end = i;
        if (isFloat) {
            result = parseFloat(start, intEnd, i);
            return;
        }
        int ndigits = intEnd - start - (ch(start) == '-' ? 1 : 0);
        PyNum.checkIntDigits(ndigits);
        if (ndigits <= 18) {
            // ASCII digits only (checked above), fewer than 19: the magnitude fits a long. Accumulated here
            // rather than by Long.parseLong(CharSequence, …), whose Character.digit per char was 4% of a run.
            boolean neg = ch(start) == '-';
            long v = 0;
            for (int k = neg ? start + 1 : start; k < intEnd; k++) {
                v = v * 10 + (ch(k) - '0');
            }
            result = neg ? -v : v;
        } else {
            BigInteger b = new BigInteger(s.substring(start, intEnd));
            result = b.bitLength() < 64 ? (Object) b.longValue() : b;
        }
    }

    private static final double[] POW10 = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13,
        1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

    /**
     * {@code float(text)} for a matched JSON number. A plain decimal of at most 15 digits is an exact integer
     * over an exact power of ten, so one IEEE division gives the correctly rounded value (Clinger's fast
     * path), which is what {@code Double.parseDouble} and Python's {@code float} return; anything else goes to
     * {@code Double.parseDouble}.
     */
    private double parseFloat(int start, int intEnd, int end) {
        boolean neg = s.charAt(start) == '-';
        int i = neg ? start + 1 : start;
        if (end - i <= 16 && intEnd < end && s.charAt(intEnd) == '.') {
            long m = 0;
            int digits = 0;
            boolean plain = true;
            for (int k = i; k < end; k++) {
                char c = s.charAt(k);
                if (c >= '0' && c <= '9') {
                    m = m * 10 + (c - '0');
                    digits++;
                } else if (k != intEnd) {
                    plain = false; // an exponent
                    break;
                }
            }
            if (plain && digits <= 15) {
                double v = (double) m / POW10[end - intEnd - 1];
                return neg ? -v : v;
            }
        }
        return Double.parseDouble(s.substring(start, end));
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private void string(int i) {
        StringBuilder sb = null;
        int chunk = i;
        while (true) {
            if (i >= n) {
                throw new DecodeError("Unterminated string starting at", chunk - 1);
            }
            char c = ch(i);
            if (c == '"') {
                if (sb == null) {
                    result = intern(chunk, i);
                } else {
                    sb.append(s, chunk, i);
                    result = sb.toString();
                }
                end = i + 1;
                return;
            }
            if (c < 0x20) {
                throw new DecodeError("Invalid control character at", i);
            }
            if (c != '\\') {
                i++;
                continue;
            }
            if (sb == null) {
                sb = new StringBuilder();
            }
            sb.append(s, chunk, i);
            i++;
            if (i >= n) {
                throw new DecodeError("Unterminated string starting at", chunk - 1);
            }
            char e = ch(i);
            switch (e) {
                case '"' -> sb.append('"');
                case '\\' -> sb.append('\\');
                case '/' -> sb.append('/');
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                case 'n' -> sb.append('\n');
                case 'r' -> sb.append('\r');
                case 't' -> sb.append('\t');
                case 'u' -> {
                    sb.append((char) hex4(i + 1));
                    i += 4;
                }
                default -> throw new DecodeError("Invalid \\escape", i - 1);
            }
            i++;
            chunk = i;
        }
    }

    /** The common keys come back as constants: no copy, and their hash is cached. */
    private String intern(int from, int to) {
        int len = to - from;
        if (len == 8 && s.startsWith("Position", from)) {
            return "Position";
        }
        if (len == 10 && s.startsWith("Confidence", from)) {
            return "Confidence";
        }
        return s.substring(from, to);
    }

    private int hex4(int i) {
        if (i + 4 > n) {
            throw new DecodeError("Invalid \\uXXXX escape", i - 2);
        }
        int v = 0;
        for (int k = i; k < i + 4; k++) {
            char h = ch(k);
            int d = h >= '0' && h <= '9' ? h - '0'
                    : h >= 'a' && h <= 'f' ? h - 'a' + 10
                    : h >= 'A' && h <= 'F' ? h - 'A' + 10 : -1;
            if (d < 0) {
                throw new DecodeError("Invalid \\uXXXX escape", i - 2);
            }
            v = v * 16 + d;
        }
        return v;
    }

    private void array(int i) {
        List<Object> list = new ArrayList<>(4);
        i = skipWs(i);
        if (i < n && ch(i) == ']') {
            result = list;
            end = i + 1;
            return;
        }
        while (true) {
            value(i);
            list.add(result);
            i = skipWs(end);
            if (i < n && ch(i) == ']') {
                result = list;
                end = i + 1;
                return;
            }
            if (i >= n || ch(i) != ',') {
                throw new DecodeError("Expecting ',' delimiter", i);
            }
            i = skipWs(i + 1);
        }
    }

    private void object(int i) {
        Map<String, Object> map = PyDict.create();
        i = skipWs(i);
        if (i < n && ch(i) == '}') {
            result = map;
            end = i + 1;
            return;
        }
        while (true) {
            if (i >= n || ch(i) != '"') {
                throw new DecodeError("Expecting property name enclosed in double quotes", i);
            }
            string(i + 1);
            String key = (String) result;
            i = skipWs(end);
            if (i >= n || ch(i) != ':') {
                throw new DecodeError("Expecting ':' delimiter", i);
            }
            i = skipWs(i + 1);
            value(i);
            map.put(key, result);
            i = skipWs(end);
            if (i < n && ch(i) == '}') {
                result = map;
                end = i + 1;
                return;
            }
            if (i >= n || ch(i) != ',') {
                throw new DecodeError("Expecting ',' delimiter", i);
            }
            i = skipWs(i + 1);
        }
    }

    /** Python's {@code type(v).__name__} for a decoded value, for diagnostics. */
    public static String typeName(Object v) {
        if (v == NONE || v == null) {
            return "NoneType";
        }
        if (v instanceof Boolean) {
            return "bool";
        }
        if (v instanceof Long || v instanceof BigInteger) {
            return "int";
        }
        if (v instanceof Double) {
            return "float";
        }
        if (v instanceof String) {
            return "str";
        }
        if (v instanceof List) {
            return "list";
        }
        if (v instanceof Map) {
            return "dict";
        }
        return v.getClass().getSimpleName();
    }
}
