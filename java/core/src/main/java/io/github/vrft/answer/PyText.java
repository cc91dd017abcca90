package io.github.vrft.answer;

/**
 * Python {@code str} semantics that the upstream reward code relies on and that Java does differently.
 *
 * <p>Python's {@code str.isspace()}, {@code str.strip()} and the regex class {@code \s} (on str patterns)
 * all use the same Unicode set, which includes U+001C..U+001F and U+0085 and which Java's
 * {@code Character.isWhitespace} and {@code String.strip()} do not match (Java misses U+00A0 and
 * U+001C..U+001F, or includes others). The set below was read off CPython 3.11.7.
 *
 * <p>Strings are handled as UTF-16 code units where only BMP characters matter (tags, whitespace), so
 * indices agree with Python's code-point indices up to surrogate pairs, which never match a tag; digits
 * and case mapping go by code point through {@link PyUnicode}.
 */
public final class PyText {
    private PyText() {}

    public static final String ANSWER_OPEN = "<answer>";
    public static final String ANSWER_CLOSE = "</answer>";

    /**
     * Python's {@code \s} as a {@link java.util.regex.Pattern} character class: the same set as
     * {@link #isSpace} (Java's own {@code \s} lacks U+001C..U+001F and the Unicode spaces).
     */
    public static final String SPACE_CLASS =
            "[\\t\\n\\x0B\\f\\r\\x1C-\\x1F \\x85\\xA0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000]";

    /** {@code chr(c).isspace()} in CPython 3.11, which is also what {@code \s} matches in {@code re}. */
    public static boolean isSpace(char c) {
        if (c <= 0x20) {
            return c == 0x20 || (c >= 0x09 && c <= 0x0d) || (c >= 0x1c && c <= 0x1f);
        }
        if (c < 0x85) {
            return false;
        }
        return c == 0x85 || c == 0xa0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200a)
                || c == 0x2028 || c == 0x2029 || c == 0x202f || c == 0x205f || c == 0x3000;
    }

    /** {@code s.strip()}. */
    public static String strip(String s) {
        int b = 0;
        int e = s.length();
        while (b < e && isSpace(s.charAt(b))) {
            b++;
        }
        while (e > b && isSpace(s.charAt(e - 1))) {
            e--;
        }
        return (b == 0 && e == s.length()) ? s : s.substring(b, e);
    }

    /** The first index at or after {@code i} that is not Python whitespace ({@code s.length()} if none). */
    public static int skipSpace(CharSequence s, int i) {
        while (i < s.length() && isSpace(s.charAt(i))) {
            i++;
        }
        return i;
    }

    /** True when every character of {@code s[from:to]} is Python whitespace (vacuously true when empty). */
    public static boolean allSpace(CharSequence s, int from, int to) {
        for (int i = from; i < to; i++) {
            if (!isSpace(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /**
     * The group of {@code re.search(r'<answer>(.*?)</answer>', s)} without DOTALL, or null when it does not
     * match. Python's {@code .} excludes only {@code \n}, so the body may hold {@code \r} but not {@code \n};
     * the search tries each {@code <answer>} in turn, and the lazy body ends at the first close tag.
     */
    public static String firstAnswerNoDotall(String s) {
        int open = s.indexOf(ANSWER_OPEN);
        int close = -2; // the first close tag at or after the current body: found once, moved forward only
        int newline = -2; // likewise the first newline
        while (open >= 0) {
            int bodyStart = open + ANSWER_OPEN.length();
            if (close != -1 && close < bodyStart) {
                close = s.indexOf(ANSWER_CLOSE, bodyStart);
            }
            if (close < 0) {
                return null; // no close tag after this open, so none after any later open either
            }
            if (newline != -1 && newline < bodyStart) {
                newline = s.indexOf('\n', bodyStart);
            }
            if (newline < 0 || newline >= close) {
                return s.substring(bodyStart, close);
            }
            open = s.indexOf(ANSWER_OPEN, open + 1);
        }
        return null;
    }

    /**
     * The group of {@code re.search(r'<answer>(.*?)</answer>', s, re.DOTALL)}: the first open tag that has a
     * close tag anywhere after it, up to the nearest such close tag; null when none.
     */
    public static String firstAnswerDotall(String s) {
        int open = s.indexOf(ANSWER_OPEN);
        if (open < 0) {
            return null;
        }
        int bodyStart = open + ANSWER_OPEN.length();
        int close = s.indexOf(ANSWER_CLOSE, bodyStart);
        return close < 0 ? null : s.substring(bodyStart, close);
    }

    /**
     * {@code re.fullmatch(r"<think>.*?</think>\s*<answer>.*?</answer>", s, re.DOTALL) is not None}.
     *
     * <p>With backtracking, the pattern matches when the text starts with {@code <think>}, ends with
     * {@code </answer>}, and some {@code </think>} after the opening tag is followed by whitespace only and
     * then an {@code <answer>} that ends before the final close tag. {@code \s} cannot match {@code <}, so the
     * position of {@code <answer>} is fixed by the choice of {@code </think>}.
     */
    public static boolean thinkAnswerFullmatch(String s) {
        final String think = "<think>";
        final String thinkClose = "</think>";
        if (!s.startsWith(think) || !s.endsWith(ANSWER_CLOSE)) {
            return false;
        }
        int finalClose = s.length() - ANSWER_CLOSE.length();
        int p = s.indexOf(thinkClose, think.length());
        while (p >= 0) {
            int q = skipSpace(s, p + thinkClose.length());
            if (s.startsWith(ANSWER_OPEN, q) && q + ANSWER_OPEN.length() <= finalClose) {
                return true;
            }
            p = s.indexOf(thinkClose, p + 1);
        }
        return false;
    }

    /**
     * {@code needle in hay}, in time linear in both (Knuth-Morris-Pratt for long needles): Java's
     * {@code String.contains} is quadratic on near-identical long strings.
     */
    public static boolean contains(String hay, String needle) {
        int m = needle.length();
        if (m <= 16 || hay.length() < 4096) {
            return hay.contains(needle);
        }
        if (m > hay.length()) {
            return false;
        }
        int[] fail = new int[m];
        for (int i = 1, k = 0; i < m; i++) {
            while (k > 0 && needle.charAt(i) != needle.charAt(k)) {
                k = fail[k - 1];
            }
            if (needle.charAt(i) == needle.charAt(k)) {
                k++;
            }
            fail[i] = k;
        }
        for (int i = 0, k = 0; i < hay.length(); i++) {
            char c = hay.charAt(i);
            while (k > 0 && c != needle.charAt(k)) {
                k = fail[k - 1];
            }
            if (c == needle.charAt(k) && ++k == m) {
                return true;
            }
        }
        return false;
    }

    /** The index after the run of Python decimal digits ({@code \\d}, code points) that starts at {@code i}. */
    public static int skipDecimal(CharSequence s, int i) {
        while (i < s.length()) {
            int cp = Character.codePointAt(s, i);
            if (!PyUnicode.isDecimal(cp)) {
                break;
            }
            i += Character.charCount(cp);
        }
        return i;
    }

    /** {@code s.replace(target, replacement)}: Python and Java agree (left to right, non-overlapping). */
    public static String replace(String s, String target, String replacement) {
        return s.indexOf(target) < 0 ? s : s.replace(target, replacement);
    }
}
