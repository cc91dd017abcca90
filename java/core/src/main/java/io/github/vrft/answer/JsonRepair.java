package io.github.vrft.answer;

import java.math.BigInteger;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * {@code json.loads(repair_json(text))} with json_repair 0.41.1, which VLM-R1's repetition reward falls back to
 * when {@code json.loads} fails: a port of its {@code JSONParser} (json_parser.py), statement for statement,
 * with its heuristics for missing or doubled quotes, missing commas and colons, comments, truncated documents,
 * duplicate keys inside arrays (the object is closed there and a new one opened), stray {@code -} and the
 * number rules ({@code 01} is 1, {@code 4.} is 4.0, {@code 1/2} and {@code 3,4} stay strings). The
 * {@code json.dumps}/{@code json.loads} round trip upstream applies to the result changes nothing, so the
 * parsed value is returned as it is.
 *
 * <p>Text is handled by code point with Python's character classes ({@link PyUnicode}), as the parser indexes
 * a str. Where the Python parser would recurse past CPython's limit (about 490 nested arrays or objects, two
 * frames each under the reward's own frames) this raises {@code RecursionError}, which upstream's bare
 * {@code except} turns into "no data"; the exact threshold upstream depends on the caller's stack.
 *
 * <p>json_repair's own look-aheads rescan the rest of the text for every comma or quote in some contexts,
 * which is quadratic; the scans here are memoised (the first unescaped occurrence of a character at or after
 * a position), so degenerate model output repairs in linear time with the same result.
 */
public final class JsonRepair {
    private static final int NONE = -1;
    private static final int MAX_DEPTH = 490;

    private enum Ctx { OBJECT_KEY, OBJECT_VALUE, ARRAY }

    // The text as code points in a gap buffer: upstream inserts a '{' where a duplicate key closes an object,
    // always at or just after the parse position, so the gap follows the parser and an insertion costs the
    // distance moved since the last one, not the length of the text.
    private int[] text;
    private int gapStart;
    private int gapEnd;
    private int length;
    private int index;
    private int depth;
    private final ArrayDeque<Ctx> context = new ArrayDeque<>(); // the stack; peekLast is "current"
    private final int[] contextCount = new int[Ctx.values().length];
    private final NextOccurrence[] nextCache = new NextOccurrence[8];

    private JsonRepair(String s) {
        text = s.codePoints().toArray();
        length = text.length;
        gapStart = length;
        gapEnd = length;
    }

    /**
     * {@code json.loads(repair_json(text))} for a text that {@code json.loads} rejected: the repaired value
     * (a list, a dict, a str, a number, a bool or {@link PyJson#NONE}).
     *
     * @throws PyException {@code RecursionError} where upstream's parser would exceed the recursion limit
     */
    public static Object parse(String text) {
        return new JsonRepair(text).parseTop();
    }

    // ---- the JSONParser methods ------------------------------------------------------------------------

    private Object parseTop() {
        Object json = parseJson();
        if (index < length) {
            List<Object> list = new ArrayList<>();
            list.add(json);
            int lastIndex = index;
            while (index < length) {
                Object j = parseJson();
                if (!"".equals(j)) {
                    if (sameObject(list.get(list.size() - 1), j)) {
                        list.remove(list.size() - 1); // the new one seems an update of the last
                    }
                    list.add(j);
                }
                if (index == lastIndex) {
                    index++;
                }
                lastIndex = index;
            }
            return list.size() == 1 ? list.get(0) : list;
        }
        return json;
    }

    private Object parseJson() {
        while (true) {
            int c = at(0);
            if (c == NONE) {
                return "";
            } else if (c == '{') {
                index++;
                return parseObject();
            } else if (c == '[') {
                index++;
                return parseArray();
            } else if (current() == Ctx.OBJECT_VALUE && c == '}') {
                return ""; // a key with a missing value at the end of an object
            } else if (!context.isEmpty() && (isStringDelimiter(c) || PyUnicode.isAlpha(c))) {
                return parseString();
            } else if (!context.isEmpty() && (PyUnicode.isDigit(c) || c == '-' || c == '.')) {
                return parseNumber();
            } else if (c == '#' || c == '/') {
                return parseComment();
            } else {
                index++;
            }
        }
    }

    private Map<String, Object> parseObject() {
        enter();
        PyDict obj = new PyDict();
        while (orClose(at(0)) != '}') {
            skipWhitespace();
            if (at(0) == ':') {
                index++; // a ':' before a key
            }
            setContext(Ctx.OBJECT_KEY);
            int rollbackIndex = index;
            String key = "";
            while (at(0) != NONE) {
                rollbackIndex = index;
                key = PyRepr.str(parseString());
                if (key.isEmpty()) {
                    skipWhitespace();
                }
                if (!key.isEmpty() || at(0) == ':' || at(0) == '}') {
                    break;
                }
            }
            if (contextCount[Ctx.ARRAY.ordinal()] > 0 && obj.containsKey(key)) {
                // a duplicate key inside an array: close this object and open a new one there
                index = rollbackIndex - 1;
                insert(index + 1, '{');
                break;
            }
            skipWhitespace();
            if (orClose(at(0)) == '}') {
                continue; // (upstream leaves OBJECT_KEY on the context here)
            }
            skipWhitespace();
            index++; // the ':' (or whatever stands in its place)
            resetContext();
            setContext(Ctx.OBJECT_VALUE);
            Object value = parseJson();
            resetContext();
            obj.put(key, value);
            int c = at(0);
            if (c == ',' || c == '\'' || c == '"') {
                index++;
            }
            skipWhitespace();
        }
        index++;
        depth--;
        return obj;
    }

    private List<Object> parseArray() {
        enter();
        List<Object> arr = new ArrayList<>();
        setContext(Ctx.ARRAY);
        int c = at(0);
        while (c != NONE && c != ']' && c != '}') {
            skipWhitespace();
            Object value = parseJson();
            if ("".equals(value)) {
                index++;
            } else if (!("...".equals(value) && at(-1) == '.')) {
                arr.add(value);
            }
            c = at(0);
            while (c != NONE && (PyUnicode.isSpace(c) || c == ',')) {
                index++;
                c = at(0);
            }
        }
        index++;
        resetContext();
        depth--;
        return arr;
    }

    private Object parseString() {
        boolean missingQuotes = false;
        boolean doubledQuotes = false;
        int lDelim = '"';
        int rDelim = '"';
        int c = at(0);
        if (c == '#' || c == '/') {
            return parseComment();
        }
        while (c != NONE && !isStringDelimiter(c) && !PyUnicode.isAlnum(c)) {
            index++;
            c = at(0);
        }
        if (c == NONE) {
            return "";
        }
        if (c == '\'') {
            lDelim = '\'';
            rDelim = '\'';
        } else if (c == '\u201c') {
            lDelim = '\u201c';
            rDelim = '\u201d';
        } else if (PyUnicode.isAlnum(c)) {
            int lower = c < 128 ? (c | 32) : c;
            if ((lower == 't' || lower == 'f' || lower == 'n') && current() != Ctx.OBJECT_KEY) {
                Object value = parseBooleanOrNull();
                if (!"".equals(value)) {
                    return value;
                }
            }
            missingQuotes = true;
        }
        if (!missingQuotes) {
            index++;
        }
        if (isStringDelimiter(at(0))) {
            if (at(0) == lDelim) {
                if (current() == Ctx.OBJECT_KEY && at(1) == ':') {
                    index++;
                    return "";
                }
                if (at(1) == lDelim) {
                    return ""; // a doubled quote and then a quote again
                }
                int i = skipToCharacter(rDelim, 1);
                int next = at(i);
                if (next != NONE && at(i + 1) == rDelim) {
                    doubledQuotes = true; // a valid starting doubled quote
                    index++;
                } else {
                    i = skipWhitespaceAt(1);
                    next = at(i);
                    if (isStringDelimiter(next) || next == '{' || next == '[') {
                        index++;
                        return "";
                    } else if (next != ',' && next != ']' && next != '}') {
                        index++; // a doubled quote by mistake: one is dropped
                    }
                }
            } else {
                int i = skipToCharacter(rDelim, 1);
                if (at(i) == NONE) {
                    return ""; // that delimiter never appears again: a mistake
                }
            }
        }
        StringBuilder acc = new StringBuilder();
        c = at(0);
        boolean unmatchedDelimiter = false;
        while (c != NONE && c != rDelim) {
            if (missingQuotes && current() == Ctx.OBJECT_KEY && (c == ':' || PyUnicode.isSpace(c))) {
                break;
            }
            if (current() == Ctx.OBJECT_VALUE && (c == ',' || c == '}')) {
                boolean rDelimMissing = true;
                int i = skipToCharacter(rDelim, 1);
                int next = at(i);
                if (next != NONE) {
                    i++;
                    i = skipWhitespaceAt(i);
                    next = at(i);
                    if (next == NONE || next == ',' || next == '}') {
                        rDelimMissing = false;
                    } else {
                        i = skipToCharacter(lDelim, i);
                        if (doubledQuotes) {
                            i = skipToCharacter(lDelim, i);
                        }
                        next = at(i);
                        if (next == NONE) {
                            rDelimMissing = false;
                        } else {
                            i = skipWhitespaceAt(i + 1);
                            next = at(i);
                            if (next != NONE && next != ':') {
                                rDelimMissing = false;
                            }
                        }
                    }
                } else {
                    i = skipToCharacter(':', 1);
                    next = at(i);
                    if (next != NONE) {
                        break; // a systemic lack of delimiters
                    } else {
                        i = skipWhitespaceAt(1);
                        int j = skipToCharacter('}', i);
                        if (j - i > 1) {
                            rDelimMissing = false;
                        } else if (at(j) != NONE) {
                            for (int k = acc.length() - 1; k >= 0; k--) {
                                char a = acc.charAt(k);
                                if (a == '{') {
                                    rDelimMissing = false;
                                    break;
                                } else if (a == '}') {
                                    break;
                                }
                            }
                        }
                    }
                }
                if (rDelimMissing) {
                    break;
                }
            }
            if (c == ']' && contextCount[Ctx.ARRAY.ordinal()] > 0) {
                int i = skipToCharacter(rDelim, 0);
                if (at(i) == NONE) {
                    break; // the end of an array and no closing quote ahead
                }
            }
            acc.appendCodePoint(c);
            index++;
            c = at(0);
            if (c != NONE && acc.charAt(acc.length() - 1) == '\\') {
                if (c == rDelim || c == 't' || c == 'n' || c == 'r' || c == 'b' || c == '\\') {
                    acc.setLength(acc.length() - 1);
                    switch (c) {
                        case 't' -> acc.append('\t');
                        case 'n' -> acc.append('\n');
                        case 'r' -> acc.append('\r');
                        case 'b' -> acc.append('\b');
                        default -> acc.appendCodePoint(c);
                    }
                    index++;
                    c = at(0);
                }
            }
            if (c == ':' && !missingQuotes && current() == Ctx.OBJECT_KEY) {
                int i = skipToCharacter(lDelim, 1);
                int next = at(i);
                if (next != NONE) {
                    i++;
                    i = skipToCharacter(rDelim, i);
                    next = at(i);
                    if (next != NONE) {
                        i++;
                        i = skipWhitespaceAt(i);
                        next = at(i);
                        if (next != NONE && (next == ',' || next == '}')) {
                            break; // a missing right quote in a key
                        }
                    }
                } else {
                    break;
                }
            }
            if (c == rDelim) {
                if (doubledQuotes && at(1) == rDelim) {
                    index++;
                } else if (missingQuotes && current() == Ctx.OBJECT_VALUE) {
                    int i = 1;
                    int next = at(i);
                    while (next != NONE && next != rDelim && next != lDelim) {
                        i++;
                        next = at(i);
                    }
                    if (next != NONE) {
                        i++;
                        i = skipWhitespaceAt(i);
                        next = at(i);
                        if (next != NONE && next == ':') {
                            index--; // the quote begins the next key
                            c = at(0);
                            break;
                        }
                    }
                } else if (unmatchedDelimiter) {
                    unmatchedDelimiter = false;
                    acc.appendCodePoint(c);
                    index++;
                    c = at(0);
                } else {
                    int i = 1;
                    int next = at(i);
                    boolean checkCommaInObjectValue = true;
                    while (next != NONE && next != rDelim && next != lDelim) {
                        if (checkCommaInObjectValue && PyUnicode.isAlpha(next)) {
                            checkCommaInObjectValue = false;
                        }
                        if ((contextCount[Ctx.OBJECT_KEY.ordinal()] > 0 && (next == ':' || next == '}'))
                                || (contextCount[Ctx.OBJECT_VALUE.ordinal()] > 0 && next == '}')
                                || (contextCount[Ctx.ARRAY.ordinal()] > 0 && (next == ']' || next == ','))
                                || (checkCommaInObjectValue && current() == Ctx.OBJECT_VALUE && next == ',')) {
                            break;
                        }
                        i++;
                        next = at(i);
                    }
                    if (next == ',' && current() == Ctx.OBJECT_VALUE) {
                        i++;
                        i = skipToCharacter(rDelim, i);
                        i++;
                        i = skipWhitespaceAt(i);
                        next = at(i);
                        if (next == '}') {
                            unmatchedDelimiter = !unmatchedDelimiter;
                            acc.appendCodePoint(c);
                            index++;
                            c = at(0);
                        }
                    } else if (next == rDelim && at(i - 1) != '\\') {
                        boolean onlySpace = true;
                        for (int j = 1; j < i && onlySpace; j++) {
                            int cj = at(j);
                            onlySpace = cj == NONE || PyUnicode.isSpace(cj);
                        }
                        if (onlySpace) {
                            break;
                        }
                        if (current() == Ctx.OBJECT_VALUE) {
                            i = skipToCharacter(rDelim, i + 1);
                            i++;
                            next = at(i);
                            while (next != NONE && next != ':') {
                                if (next == ',' || next == ']' || next == '}' || (next == rDelim && at(i - 1) != '\\')) {
                                    break;
                                }
                                i++;
                                next = at(i);
                            }
                            if (next != ':') {
                                unmatchedDelimiter = !unmatchedDelimiter;
                                acc.appendCodePoint(c);
                                index++;
                                c = at(0);
                            }
                        } else if (current() == Ctx.ARRAY) {
                            unmatchedDelimiter = !unmatchedDelimiter;
                            acc.appendCodePoint(c);
                            index++;
                            c = at(0);
                        } else if (current() == Ctx.OBJECT_KEY) {
                            acc.appendCodePoint(c);
                            index++;
                            c = at(0);
                        }
                    }
                }
            }
        }
        if (c != NONE && missingQuotes && current() == Ctx.OBJECT_KEY && PyUnicode.isSpace(c)) {
            skipWhitespace(); // a comment in place of a key
            if (at(0) != ':' && at(0) != ',') {
                return "";
            }
        }
        String s;
        if (c != rDelim) {
            s = rstrip(acc); // the closing quote is missing
        } else {
            index++;
            s = acc.toString();
        }
        if (missingQuotes || (!s.isEmpty() && s.charAt(s.length() - 1) == '\n')) {
            s = rstrip(s);
        }
        return s;
    }

    private Object parseNumber() {
        StringBuilder num = new StringBuilder();
        int c = at(0);
        boolean isArray = current() == Ctx.ARRAY;
        while (c != NONE && isNumberChar(c) && (!isArray || c != ',')) {
            num.append((char) c);
            index++;
            c = at(0);
        }
        if (num.length() > 0 && "-eE/,".indexOf(num.charAt(num.length() - 1)) >= 0) {
            num.setLength(num.length() - 1); // a number cannot end so: roll back one
            index--;
        }
        String s = num.toString();
        if (s.indexOf(',') >= 0) {
            return s;
        }
        if (s.indexOf('.') >= 0 || s.indexOf('e') >= 0 || s.indexOf('E') >= 0) {
            try {
                return PyNum.floatFromString(s);
            } catch (PyException e) {
                return s; // ValueError
            }
        }
        if (s.equals("-")) {
            return parseJson(); // a stray '-' is thrown away
        }
        return intOrString(s);
    }

    /** {@code int(s)} for a string of number characters, or {@code s} where it raises ValueError. */
    private static Object intOrString(String s) {
        boolean negative = s.startsWith("-");
        String digits = negative ? s.substring(1) : s;
        if (digits.isEmpty()) {
            return s;
        }
        for (int k = 0; k < digits.length(); k++) {
            if (digits.charAt(k) < '0' || digits.charAt(k) > '9') {
                return s;
            }
        }
        Object v;
        try {
            v = PyNum.intFromDigits(digits);
        } catch (PyException e) {
            return s; // past the 4300-digit limit
        }
        if (!negative) {
            return v;
        }
        BigInteger b = (v instanceof Long l ? BigInteger.valueOf(l) : (BigInteger) v).negate();
        return b.bitLength() < 64 ? (Object) b.longValue() : b;
    }

    private Object parseBooleanOrNull() {
        int start = index;
        int c = lowerAscii(at(0));
        String word = c == 't' ? "true" : c == 'f' ? "false" : "null";
        int i = 0;
        while (c != NONE && i < word.length() && c == word.charAt(i)) {
            i++;
            index++;
            c = lowerAscii(at(0));
        }
        if (i == word.length()) {
            return word.equals("true") ? Boolean.TRUE : word.equals("false") ? Boolean.FALSE : PyJson.NONE;
        }
        index = start;
        return "";
    }

    private String parseComment() {
        int c = at(0);
        boolean stopBracket = contextCount[Ctx.ARRAY.ordinal()] > 0;
        boolean stopBrace = contextCount[Ctx.OBJECT_VALUE.ordinal()] > 0;
        boolean stopColon = contextCount[Ctx.OBJECT_KEY.ordinal()] > 0;
        if (c == '#') {
            while (c != NONE && !isCommentEnd(c, stopBracket, stopBrace, stopColon)) {
                index++;
                c = at(0);
            }
            return "";
        } else if (c == '/') {
            int next = at(1);
            if (next == '/') {
                index += 2;
                c = at(0);
                while (c != NONE && !isCommentEnd(c, stopBracket, stopBrace, stopColon)) {
                    index++;
                    c = at(0);
                }
                return "";
            } else if (next == '*') {
                index += 2;
                int prev = '*'; // upstream tests the accumulated "/*..." for a "*/" ending, so "/*/" closes
                while (true) {
                    c = at(0);
                    if (c == NONE) {
                        break;
                    }
                    index++;
                    if (prev == '*' && c == '/') {
                        break;
                    }
                    prev = c;
                }
                return "";
            } else {
                index++;
                return "";
            }
        }
        index++;
        return "";
    }

    private static boolean isCommentEnd(int c, boolean bracket, boolean brace, boolean colon) {
        return c == '\n' || c == '\r' || (bracket && c == ']') || (brace && c == '}') || (colon && c == ':');
    }

    // ---- helpers ---------------------------------------------------------------------------------------

    /** {@code get_char_at(k)}: the character at {@code index + k} (negative positions wrap, as in Python), or NONE. */
    private int at(int k) {
        int p = index + k;
        if (p < 0) {
            p += length;
        }
        return p >= 0 && p < length ? cp(p) : NONE;
    }

    /** The code point at position {@code p} of the text (0 <= p < length). */
    private int cp(int p) {
        return p < gapStart ? text[p] : text[p + (gapEnd - gapStart)];
    }

    /** {@code (c or "}")}. */
    private static int orClose(int c) {
        return c == NONE ? '}' : c;
    }

    private void skipWhitespace() {
        while (index < length && PyUnicode.isSpace(cp(index))) {
            index++;
        }
    }

    /** {@code skip_whitespaces_at(idx, move_main_index=False)}. */
    private int skipWhitespaceAt(int idx) {
        while (index + idx < length && index + idx >= 0 && PyUnicode.isSpace(cp(index + idx))) {
            idx++;
        }
        return idx;
    }

    /**
     * {@code skip_to_character(character, idx)}: the offset of the first {@code character} at or after
     * {@code index + idx} that is not preceded by a backslash, or the offset of the end.
     */
    private int skipToCharacter(int character, int idx) {
        int from = index + idx;
        if (from >= length) {
            return idx;
        }
        return nextUnescaped(character, from) - index;
    }

    /** The first unescaped {@code ch} at or after {@code from}, or {@code length}; memoised per character. */
    private int nextUnescaped(int ch, int from) {
        NextOccurrence n = null;
        int free = -1;
        for (int k = 0; k < nextCache.length; k++) {
            if (nextCache[k] == null) {
                free = free < 0 ? k : free;
            } else if (nextCache[k].ch == ch) {
                n = nextCache[k];
                break;
            }
        }
        if (n == null) {
            n = new NextOccurrence(ch);
            nextCache[free >= 0 ? free : 0] = n;
        }
        if (from >= n.from && from <= n.at) {
            return n.at; // still the first one
        }
        int q = from;
        while (q < length && (cp(q) != ch || (q > 0 && cp(q - 1) == '\\'))) {
            q++;
        }
        n.from = from;
        n.at = q;
        return q;
    }

    private static final class NextOccurrence {
        final int ch;
        int from = Integer.MAX_VALUE;
        int at = -1;

        NextOccurrence(int ch) {
            this.ch = ch;
        }
    }

    private void insert(int pos, int c) {
        if (gapStart == gapEnd) { // grow: a new gap at the end of the buffer
            int[] grown = Arrays.copyOf(text, Math.max(16, text.length * 2));
            gapStart = text.length;
            gapEnd = grown.length;
            text = grown;
        }
        if (pos < gapStart) { // move the gap left: the characters in between go to its right
            int n = gapStart - pos;
            System.arraycopy(text, pos, text, gapEnd - n, n);
            gapStart -= n;
            gapEnd -= n;
        } else if (pos > gapStart) {
            int n = pos - gapStart;
            System.arraycopy(text, gapEnd, text, gapStart, n);
            gapStart += n;
            gapEnd += n;
        }
        text[gapStart++] = c;
        length++;
        Arrays.fill(nextCache, null);
    }

    private void enter() {
        if (++depth > MAX_DEPTH) {
            throw new PyException("RecursionError", "maximum recursion depth exceeded while repairing JSON");
        }
    }

    private Ctx current() {
        return context.peekLast();
    }

    private void setContext(Ctx c) {
        context.addLast(c);
        contextCount[c.ordinal()]++;
    }

    private void resetContext() {
        Ctx c = context.pollLast();
        if (c != null) {
            contextCount[c.ordinal()]--;
        }
    }

    private static boolean isStringDelimiter(int c) {
        return c == '"' || c == '\'' || c == '\u201c' || c == '\u201d';
    }

    private static boolean isNumberChar(int c) {
        return (c >= '0' && c <= '9') || c == '-' || c == '.' || c == 'e' || c == 'E' || c == '/' || c == ',';
    }

    private static int lowerAscii(int c) {
        return c >= 'A' && c <= 'Z' ? c + 32 : c;
    }

    private static String rstrip(CharSequence s) {
        int e = s.length();
        while (e > 0) {
            int cp = Character.codePointBefore(s, e);
            if (!PyUnicode.isSpace(cp)) {
                break;
            }
            e -= Character.charCount(cp);
        }
        return s.subSequence(0, e).toString();
    }

    /** {@code ObjectComparer.is_same_object}: the same Python types, the same dict keys, the same list lengths. */
    static boolean sameObject(Object a, Object b) {
        if (!pyType(a).equals(pyType(b))) {
            return false;
        }
        if (a instanceof Map<?, ?> x && b instanceof Map<?, ?> y) {
            if (!x.keySet().equals(y.keySet())) {
                return false;
            }
            for (Object k : x.keySet()) {
                if (!sameObject(x.get(k), y.get(k))) {
                    return false;
                }
            }
        } else if (a instanceof List<?> x && b instanceof List<?> y) {
            if (x.size() != y.size()) {
                return false;
            }
            for (int i = 0; i < x.size(); i++) {
                if (!sameObject(x.get(i), y.get(i))) {
                    return false;
                }
            }
        }
        return true;
    }

    private static String pyType(Object v) {
        return PyJson.typeName(v);
    }
}
