package io.github.vrft.reward;

import io.github.vrft.answer.PyText;


/**
 * An emulation of the part of math_verify 0.7's default extraction that decides the Visual-RFT gate on
 * reward-style text (docs/rewards.md §1.2). Its regexes are tried in priority order and, within one priority, the match
 * that ends rightmost wins:
 * <ol>
 *   <li>{@code final answer is} and a number;</li>
 *   <li>{@code answer:} and a number;</li>
 *   <li>{@code answer}, at most 50 characters on the same line (lazily), and a number preceded by
 *       whitespace or {@code =};</li>
 *   <li>any number preceded by whitespace or {@code =}.</li>
 * </ol>
 * Two texts "verify" when both yield a number and the numbers are equal. This is not math_verify (no LaTeX,
 * no sets, no symbolic equality); it reproduces the gate on the canonical detection format and on plain
 * numeric answers, which is where upstream's gate fires in practice.
 */
public final class MathVerifyEmulation {
    private MathVerifyEmulation() {}

    /** The number math_verify would extract from {@code text}, or null. */
    public static Double extract(String text) {
        for (int priority = 1; priority <= 4; priority++) {
            String last = null;
            int[] m = new int[3]; // match end, number start, number end
            for (int from = 0; find(priority, text, from, m); from = m[0]) {
                last = text.substring(m[1], m[2]);
            }
            if (last != null) {
                return Double.valueOf(last);
            }
        }
        return null;
    }

    /**
     * The leftmost match of the given priority's pattern starting at or after {@code from}, as
     * {@code re.finditer} finds them (each search resumes at the previous match's end):
     * <ol>
     *   <li>{@code (?i)final\s+answer\s+is\s*[:=]?\s*NUM};</li>
     *   <li>{@code (?i)answer\s*:\s*NUM};</li>
     *   <li>{@code (?i)answer[^\n]{0,50}?(?:\s|=)NUM} (the fewest characters in between);</li>
     *   <li>{@code (?:\s|=)NUM};</li>
     * </ol>
     * with {@code NUM = -?[0-9]+(?:\.[0-9]+)?} and Python's whitespace. Every run is followed by a character
     * it cannot match (whitespace by a letter, colon, sign or digit), so each pattern can match from a start
     * in one way only and these scanners decide it in one pass: linear in the text, no backtracking.
     */
    static boolean find(int priority, String t, int from, int[] m) {
        if (priority == 4) {
            for (int q = from; q < t.length(); q++) {
                char c = t.charAt(q);
                if ((c == '=' || PyText.isSpace(c)) && number(t, q + 1, m)) {
                    return true;
                }
            }
            return false;
        }
        String word = priority == 1 ? "final" : "answer";
        for (int s = indexOfIgnoreCase(t, word, from); s >= 0; s = indexOfIgnoreCase(t, word, s + 1)) {
            int i = s + word.length();
            boolean found = switch (priority) {
                case 1 -> {
                    int j = PyText.skipSpace(t, i);
                    if (j == i || !asciiMatchesIgnoreCase(t, j, "answer")) {
                        yield false;
                    }
                    i = j + 6;
                    j = PyText.skipSpace(t, i);
                    if (j == i || !asciiMatchesIgnoreCase(t, j, "is")) {
                        yield false;
                    }
                    i = PyText.skipSpace(t, j + 2);
                    if (i < t.length() && (t.charAt(i) == ':' || t.charAt(i) == '=')) {
                        i = PyText.skipSpace(t, i + 1);
                    }
                    yield number(t, i, m);
                }
                case 2 -> {
                    int j = PyText.skipSpace(t, i);
                    yield j < t.length() && t.charAt(j) == ':' && number(t, PyText.skipSpace(t, j + 1), m);
                }
                default -> {
                    boolean ok = false;
                    for (int k = 0; k <= 50 && i + k < t.length(); k++) {
                        char c = t.charAt(i + k);
                        if ((c == '=' || PyText.isSpace(c)) && number(t, i + k + 1, m)) {
                            ok = true;
                            break;
                        }
                        if (c == '\n') {
                            break; // [^\n] cannot take it, and \s followed by no number failed above
                        }
                    }
                    yield ok;
                }
            };
            if (found) {
                return true;
            }
        }
        return false;
    }

    /** {@code -?[0-9]+(?:\.[0-9]+)?} at {@code i}: its bounds and the match end into {@code m}. */
    private static boolean number(String t, int i, int[] m) {
        int j = i;
        if (j < t.length() && t.charAt(j) == '-') {
            j++;
        }
        int digits = j;
        while (j < t.length() && t.charAt(j) >= '0' && t.charAt(j) <= '9') {
            j++;
        }
        if (j == digits) {
            return false;
        }
        if (j + 1 < t.length() && t.charAt(j) == '.' && t.charAt(j + 1) >= '0' && t.charAt(j + 1) <= '9') {
            j += 2;
            while (j < t.length() && t.charAt(j) >= '0' && t.charAt(j) <= '9') {
                j++;
            }
        }
        m[0] = j;
        m[1] = i;
        m[2] = j;
        return true;
    }

    /**
     * Whether {@code word} (ASCII lower case) stands at {@code i} in any ASCII case: Java's and Python's
     * case-insensitive patterns without Unicode case folding ({@code String.regionMatches} would also take
     * U+017F for 's' and U+0131 for 'i').
     */
    private static boolean asciiMatchesIgnoreCase(String t, int i, String word) {
        if (i < 0 || i + word.length() > t.length()) {
            return false;
        }
        for (int k = 0; k < word.length(); k++) {
            char c = t.charAt(i + k);
            if (c != word.charAt(k) && c != word.charAt(k) - 32) {
                return false;
            }
        }
        return true;
    }

    /** The first index at or after {@code from} where {@code word} (ASCII, lower case) occurs in any case. */
    private static int indexOfIgnoreCase(String t, String word, int from) {
        char first = word.charAt(0);
        for (int i = from; i + word.length() <= t.length(); i++) {
            char c = t.charAt(i);
            if ((c == first || c == first - 32) && asciiMatchesIgnoreCase(t, i, word)) {
                return i;
            }
        }
        return -1;
    }

    /** Whether the gate fires for this completion and solution. */
    public static boolean fires(String completion, String solution) {
        Double a = extract(completion);
        if (a == null) {
            return false;
        }
        Double b = extract(solution);
        return b != null && a.doubleValue() == b.doubleValue();
    }
}
