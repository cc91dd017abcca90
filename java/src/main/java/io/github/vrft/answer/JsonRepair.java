package io.github.vrft.answer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A lenient JSON reader standing in for {@code json.loads(repair_json(text))} (json_repair 0.41), which
 * VLM-R1's repetition reward falls back to when {@code json.loads} fails. It performs the repairs that
 * model output needs in practice, with json_repair's results for them:
 * <ul>
 *   <li>text before the first {@code [} or <code>{</code> is skipped;</li>
 *   <li>a document cut off anywhere is closed: an open string ends, open arrays and objects close, a key
 *       with no value gets {@code ""};</li>
 *   <li>single-quoted strings, Python literals ({@code True}, {@code False}, {@code None}), trailing and
 *       missing commas;</li>
 *   <li>a bare word where a value belongs is read as a string up to the next delimiter.</li>
 * </ul>
 * json_repair has many more heuristics (comments, doubled quotes inside strings, schema guesses); on such
 * inputs this reader may build a different value. It is only used where upstream's reward would call
 * json_repair, and returns null where json_repair would give no list or object.
 */
public final class JsonRepair {
    private final String s;
    private int i;
    private int depth;

    private JsonRepair(String s) {
        this.s = s;
    }

    /** The repaired value, or null when the text holds no array or object. */
    public static Object parse(String text) {
        JsonRepair r = new JsonRepair(text);
        while (r.i < text.length() && text.charAt(r.i) != '[' && text.charAt(r.i) != '{') {
            r.i++;
        }
        if (r.i >= text.length()) {
            return null;
        }
        return r.value();
    }

    private void skipWs() {
        i = PyText.skipSpace(s, i);
    }

    private Object value() {
        skipWs();
        if (i >= s.length()) {
            return "";
        }
        char c = s.charAt(i);
        if (depth >= PyJson.MAX_DEPTH) {
            throw new PyException("RecursionError", "maximum recursion depth exceeded");
        }
        return switch (c) {
            case '[' -> array();
            case '{' -> object();
            case '"', '\'', '\u201c' -> string();
            default -> {
                if (c == '-' || (c >= '0' && c <= '9') || c == '.') {
                    yield number();
                }
                yield bareWord();
            }
        };
    }

    private List<Object> array() {
        depth++;
        i++; // [
        List<Object> out = new ArrayList<>();
        while (true) {
            skipWs();
            if (i >= s.length()) {
                break;
            }
            char c = s.charAt(i);
            if (c == ']') {
                i++;
                break;
            }
            if (c == ',') {
                i++;
                continue;
            }
            if (c == '}') {
                i++; // a stray closer inside an array is dropped
                continue;
            }
            int before = i;
            out.add(value());
            if (i == before) {
                i++;
            }
        }
        depth--;
        return out;
    }

    private Map<String, Object> object() {
        depth++;
        i++; // {
        PyDict out = new PyDict();
        while (true) {
            skipWs();
            if (i >= s.length()) {
                break;
            }
            char c = s.charAt(i);
            if (c == '}') {
                i++;
                break;
            }
            if (c == ',') {
                i++;
                continue;
            }
            if (c == ']') {
                i++;
                continue;
            }
            int before = i;
            String key = c == '"' || c == '\'' || c == '\u201c' ? string() : keyWord();
            skipWs();
            Object v = "";
            if (i < s.length() && s.charAt(i) == ':') {
                i++;
                skipWs();
                if (i < s.length() && s.charAt(i) != ',' && s.charAt(i) != '}') {
                    v = value();
                }
            }
            out.put(key, v);
            if (i == before) {
                i++;
            }
        }
        depth--;
        return out;
    }

    private String string() {
        char open = s.charAt(i++);
        char close = open == '\u201c' ? '\u201d' : open;
        StringBuilder b = new StringBuilder();
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == close) {
                i++;
                return b.toString();
            }
            if (c == '\\' && i + 1 < s.length()) {
                char e = s.charAt(i + 1);
                i += 2;
                switch (e) {
                    case 'n' -> b.append('\n');
                    case 't' -> b.append('\t');
                    case 'r' -> b.append('\r');
                    case 'b' -> b.append('\b');
                    case 'f' -> b.append('\f');
                    case 'u' -> {
                        if (i + 4 <= s.length() && isHex(s, i, 4)) {
                            b.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                            i += 4;
                        } else {
                            b.append('u');
                        }
                    }
                    default -> b.append(e);
                }
                continue;
            }
            b.append(c);
            i++;
        }
        return b.toString(); // cut off inside the string: it ends here
    }

    private static boolean isHex(String s, int from, int n) {
        for (int k = from; k < from + n; k++) {
            if (Character.digit(s.charAt(k), 16) < 0) {
                return false;
            }
        }
        return true;
    }

    private Object number() {
        int start = i;
        while (i < s.length() && "0123456789+-.eE_".indexOf(s.charAt(i)) >= 0) {
            i++;
        }
        String t = s.substring(start, i);
        try {
            return PyJson.loads(t);
        } catch (PyException e) {
            int end = t.length();
            while (end > 0 && "+-.eE_".indexOf(t.charAt(end - 1)) >= 0) {
                end--;
            }
            String trimmed = t.substring(0, end);
            try {
                return trimmed.isEmpty() ? t : PyJson.loads(trimmed);
            } catch (PyException e2) {
                return t;
            }
        }
    }

    private Object bareWord() {
        String w = keyWord();
        return switch (w) {
            case "true", "True" -> Boolean.TRUE;
            case "false", "False" -> Boolean.FALSE;
            case "null", "None" -> PyJson.NONE;
            default -> w;
        };
    }

    private String keyWord() {
        int start = i;
        while (i < s.length() && ",:]}\n".indexOf(s.charAt(i)) < 0) {
            i++;
        }
        return PyText.strip(s.substring(start, i));
    }
}
