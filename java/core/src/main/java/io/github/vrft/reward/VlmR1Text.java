package io.github.vrft.reward;

import io.github.vrft.answer.PyNum;
import io.github.vrft.answer.PyText;
import io.github.vrft.answer.PyUnicode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The text handling of VLM-R1's reward code (docs/rewards.md §2), as hand-written scanners rather than regexes: each
 * upstream pattern is a search with lazy {@code .*?} groups, which a backtracking engine can take cubic time
 * on; each scanner below decides the same match in one or two passes. The property tests compare them with
 * {@link java.util.regex} on random strings.
 */
final class VlmR1Text {
    private VlmR1Text() {}

    private static final String THINK = "<think>";
    private static final String THINK_CLOSE = "</think>";
    private static final String OPEN = PyText.ANSWER_OPEN;
    private static final String CLOSE = PyText.ANSWER_CLOSE;

    /** The group of the last match of {@code re.findall(r'<answer>(.*?)</answer>', s, re.DOTALL)}, or null. */
    static String lastAnswerDotall(String s) {
        return lastBlock(s, OPEN, CLOSE);
    }

    /**
     * The group of the last match of {@code re.findall(open + '(.*?)' + close, s, re.DOTALL)} for literal
     * delimiters, or null: findall's matches do not overlap, so each search resumes after the last close.
     */
    static String lastBlock(String s, String open, String close) {
        String last = null;
        int pos = 0;
        while (true) {
            int o = s.indexOf(open, pos);
            if (o < 0) {
                return last;
            }
            int c = s.indexOf(close, o + open.length());
            if (c < 0) {
                return last;
            }
            last = s.substring(o + open.length(), c);
            pos = c + close.length();
        }
    }

    /**
     * {@code grpo_jsonl.clean_text}: the last answer block if any; a {@code \n} (then a {@code \r}) after
     * whitespace is deleted and any other becomes a space; then {@code strip()}, {@code rstrip('.')},
     * {@code lower()}.
     */
    static String cleanText(String text) {
        String a = lastAnswerDotall(text);
        if (a != null) {
            text = a;
        }
        for (char ch : new char[] {'\n', '\r'}) {
            if (text.indexOf(ch) >= 0) {
                text = newlines(text, ch);
            }
        }
        String t = PyText.strip(text);
        int end = t.length();
        while (end > 0 && t.charAt(end - 1) == '.') {
            end--;
        }
        return PyUnicode.lower(t.substring(0, end));
    }

    /**
     * {@code re.sub(r'(?<=\s)' + ch, '', text)} then {@code re.sub(r'(?<!\s)' + ch, ' ', text)}, in one pass: the
     * first deletes each {@code ch} whose predecessor in the text is whitespace (its lookbehind reads the
     * original); every {@code ch} left had a predecessor that is not whitespace, so not a deleted {@code ch}, or
     * none, and the second turns each of them into a space.
     */
    private static String newlines(String text, char ch) {
        char[] a = text.toCharArray();
        char[] out = new char[a.length];
        int k = 0;
        for (int i = 0; i < a.length; i++) {
            char c = a[i];
            if (c != ch) {
                out[k++] = c;
            } else if (i == 0 || !PyText.isSpace(a[i - 1])) {
                out[k++] = ' ';
            }
        }
        return new String(out, 0, k);
    }

    // ---- boxes -----------------------------------------------------------------------------------------

    /** The four integer groups of a {@code \[(\d+),\s*(\d+),\s*(\d+),\s*(\d+)]} match, and where it ends. */
    record IntBox(String[] digits, int start, int end) {}

    /**
     * The first match of {@code \[(\d+),\s*(\d+),\s*(\d+),\s*(\d+)]} at or after {@code from}, or null.
     * {@code \d} and {@code \s} are Unicode, as in Python. From a given {@code [} the pattern can match only
     * one way, and a match holds no other {@code [}, so trying each {@code [} in turn is linear.
     */
    static IntBox findIntBox(String s, int from) {
        int p = s.indexOf('[', from);
        while (p >= 0) {
            IntBox b = intBoxAt(s, p);
            if (b != null) {
                return b;
            }
            p = s.indexOf('[', p + 1);
        }
        return null;
    }

    private static IntBox intBoxAt(String s, int p) {
        String[] groups = new String[4];
        int i = p + 1;
        for (int k = 0; k < 4; k++) {
            if (k > 0) {
                if (i >= s.length() || s.charAt(i) != ',') {
                    return null;
                }
                i = PyText.skipSpace(s, i + 1);
            }
            int start = i;
            i = PyText.skipDecimal(s, i);
            if (i == start) {
                return null;
            }
            groups[k] = s.substring(start, i);
        }
        if (i >= s.length() || s.charAt(i) != ']') {
            return null;
        }
        return new IntBox(groups, p, i + 1);
    }

    /** {@code bool(re.search(r'\d', s))}: any decimal digit (category Nd, code points, pinned version). */
    static boolean hasDigit(String s) {
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            if (PyUnicode.isDecimal(cp)) {
                return true;
            }
            i += Character.charCount(cp);
        }
        return false;
    }

    /** The REC prediction box's ints: {@code int()} of each group (Long or BigInteger). */
    static Object[] ints(IntBox b) {
        Object[] out = new Object[4];
        for (int k = 0; k < 4; k++) {
            out[k] = PyNum.intFromDigits(b.digits()[k]);
        }
        return out;
    }

    // ---- format rewards ---------------------------------------------------------------------------------

    /**
     * Where the body of the earliest {@code <answer>} reachable by {@code <think>.*?</think>\s*<answer>}
     * begins (searching from {@code <think>} at {@code thinkAt}), or -1. Later {@code </think>} give later
     * answers, and every part after it only needs "some text after", so the earliest is the one to test.
     */
    private static int answerBody(String s) {
        int think = s.indexOf(THINK);
        return think < 0 ? -1 : answerBodyAfterThink(s, think);
    }

    private static int answerBodyAfterThink(String s, int thinkAt) {
        int j = s.indexOf(THINK_CLOSE, thinkAt + THINK.length());
        while (j >= 0) {
            int k = PyText.skipSpace(s, j + THINK_CLOSE.length());
            if (s.startsWith(OPEN, k)) {
                return k + OPEN.length();
            }
            j = s.indexOf(THINK_CLOSE, j + 1);
        }
        return -1;
    }

    /**
     * Qwen2VLModule.format_reward_rec: {@code re.search(r"<think>.*?</think>\s*<answer>.*?\{.*\[\d+,\s*\d+,\s*\d+,\s*\d+\].*\}.*?</answer>", s, re.DOTALL)}.
     * With {@code fullmatch} (the legacy REC reward) the text must also start with {@code <think>} and end
     * with {@code </answer>}.
     */
    static boolean qwenRecFormat(String s, boolean fullmatch) {
        int think = s.indexOf(THINK);
        if (think < 0 || (fullmatch && think != 0)) {
            return false;
        }
        int body = answerBodyAfterThink(s, think);
        if (body < 0) {
            return false;
        }
        int brace = s.indexOf('{', body);
        if (brace < 0) {
            return false;
        }
        IntBox box = findIntBox(s, brace + 1);
        if (box == null) {
            return false;
        }
        int closeBrace = s.indexOf('}', box.end());
        if (closeBrace < 0) {
            return false;
        }
        if (fullmatch) {
            return s.endsWith(CLOSE) && closeBrace + 1 <= s.length() - CLOSE.length();
        }
        return s.lastIndexOf(CLOSE) >= closeBrace + 1;
    }

    /** InvernVLModule.format_reward_rec: the Qwen pattern without the braces. */
    static boolean internVlRecFormat(String s) {
        int body = answerBody(s);
        if (body < 0) {
            return false;
        }
        IntBox box = findIntBox(s, body);
        return box != null && s.lastIndexOf(CLOSE) >= box.end();
    }

    /** GLMVModule.format_reward_rec: {@code re.search(r"<think>(.*?)<answer>(.*?)</answer>", s, re.DOTALL)}. */
    static boolean glmRecFormat(String s) {
        int think = s.indexOf(THINK);
        if (think < 0) {
            return false;
        }
        int open = s.indexOf(OPEN, think + THINK.length());
        return open >= 0 && s.indexOf(CLOSE, open + OPEN.length()) >= 0;
    }

    /**
     * The legacy OVD format (qwen_module.py at 5faf4b1): a search for
     * {@code <think>.*?</think>\s*<answer>.*?\[.*?{"bbox_2d":\s*\[\s*\d+,\s*\d+,\s*\d+,\s*\d+\s*\]\s*,\s*"label":\s*".*?"\s*}.*?\].*?</answer>}
     * with DOTALL.
     */
    static boolean legacyOvdFormat(String s) {
        int body = answerBody(s);
        if (body < 0) {
            return false;
        }
        int bracket = s.indexOf('[', body);
        if (bracket < 0) {
            return false;
        }
        final String head = "{\"bbox_2d\":";
        int q = s.indexOf(head, bracket + 1);
        QuoteBrace labelEnd = new QuoteBrace();
        while (q >= 0) {
            int end = ovdObjectEnd(s, q + head.length(), labelEnd);
            if (end >= 0) {
                int closeBracket = s.indexOf(']', end);
                return closeBracket >= 0 && s.lastIndexOf(CLOSE) >= closeBracket + 1;
            }
            q = s.indexOf(head, q + 1);
        }
        return false;
    }

    /**
     * The end of {@code \s*\[\s*\d+,\s*\d+,\s*\d+,\s*\d+\s*\]\s*,\s*"label":\s*".*?"\s*}} from {@code i}, the
     * lazy label taking the earliest {@code "} followed by optional whitespace and a brace; -1 if none.
     */
    private static int ovdObjectEnd(String s, int i, QuoteBrace labelEnd) {
        i = PyText.skipSpace(s, i);
        if (!s.startsWith("[", i)) {
            return -1;
        }
        i = PyText.skipSpace(s, i + 1);
        for (int k = 0; k < 4; k++) {
            if (k > 0) {
                if (!s.startsWith(",", i)) {
                    return -1;
                }
                i = PyText.skipSpace(s, i + 1);
            }
            int start = i;
            i = PyText.skipDecimal(s, i);
            if (i == start) {
                return -1;
            }
            if (k == 3) {
                i = PyText.skipSpace(s, i);
            }
        }
        if (!s.startsWith("]", i)) {
            return -1;
        }
        i = PyText.skipSpace(s, i + 1);
        if (!s.startsWith(",", i)) {
            return -1;
        }
        i = PyText.skipSpace(s, i + 1);
        if (!s.startsWith("\"label\":", i)) {
            return -1;
        }
        i = PyText.skipSpace(s, i + "\"label\":".length());
        if (!s.startsWith("\"", i)) {
            return -1;
        }
        return labelEnd.after(s, i + 1);
    }

    /**
     * The end of the earliest {@code "\s*}} at or after a position, for positions that only grow: the answer
     * for a later position is the cached one while that lies at or after it, so a text of many unclosed labels
     * is scanned once, not once per label.
     */
    private static final class QuoteBrace {
        private int from = Integer.MAX_VALUE; // the position the cached answer was computed for
        private int quoteAt = -1;
        private int end = -1;

        int after(String s, int pos) {
            if (pos >= from && (end < 0 || quoteAt >= pos)) {
                return end; // still the first one (or still none)
            }
            from = pos;
            end = -1;
            int quote = s.indexOf('"', pos);
            while (quote >= 0) {
                int afterQuote = PyText.skipSpace(s, quote + 1);
                if (s.startsWith("}", afterQuote)) {
                    quoteAt = quote;
                    end = afterQuote + 1;
                    break;
                }
                quote = s.indexOf('"', Math.max(quote + 1, afterQuote));
            }
            return end;
        }
    }

    // ---- choices ----------------------------------------------------------------------------------------

    private static final String[] CHOICE_KEYWORDS = {
        "答案", "选择", "正确", "是", "对",
        "answer", "correct", "choose", "select", "right",
        "认为", "应该", "觉得", "think", "believe", "should",
    };

    /** {@code keyword.upper()} of each, as upstream compares them, computed once. */
    private static final String[] CHOICE_KEYWORDS_UPPER =
            java.util.Arrays.stream(CHOICE_KEYWORDS).map(PyUnicode::upper).toArray(String[]::new);

    /**
     * {@code grpo_jsonl.extract_choice}: upper-case, collapse whitespace runs to one space, take the letters
     * A-Z not preceded by a letter A-Z and followed by {@code .,?!:;} or the end; with several, score each by
     * keywords within 20 characters of its first occurrence, +2 past 70% of the text, +1 when followed by
     * {@code 。.!！,，}, and take the first best. Positions count code points, as Python's do.
     */
    static String extractChoice(String text) {
        String up = PyUnicode.upper(text);
        StringBuilder b = new StringBuilder(up.length());
        for (int i = 0; i < up.length(); ) {
            if (PyText.isSpace(up.charAt(i))) {
                i = PyText.skipSpace(up, i);
                b.append(' ');
            } else {
                b.append(up.charAt(i++));
            }
        }
        int[] t = b.toString().codePoints().toArray();
        List<Integer> choices = new ArrayList<>();
        for (int i = 0; i < t.length; i++) {
            if (isAsciiUpper(t[i]) && (i == 0 || !isAsciiUpper(t[i - 1]))
                    && (i + 1 == t.length || ".,?!:;".indexOf(t[i + 1]) >= 0)) {
                choices.add(t[i]);
            }
        }
        if (choices.isEmpty()) {
            return null;
        }
        if (choices.size() == 1) {
            return Character.toString(choices.get(0));
        }
        // Every occurrence of a letter adds the same points (they depend on its first position only), so
        // score each distinct letter once and multiply: a text of a million "A." stays linear.
        Map<Integer, Integer> counts = new LinkedHashMap<>();
        for (int c : choices) {
            counts.merge(c, 1, Integer::sum);
        }
        Map<Integer, Integer> scores = new LinkedHashMap<>();
        for (Map.Entry<Integer, Integer> e : counts.entrySet()) {
            int c = e.getKey();
            int pos = indexOf(t, c);
            int from = Math.max(0, pos - 20);
            int to = Math.min(t.length, pos + 20);
            String context = new String(t, from, to - from);
            int add = 0;
            for (String kw : CHOICE_KEYWORDS_UPPER) {
                if (context.contains(kw)) {
                    add++;
                }
            }
            if (pos > t.length * 0.7) {
                add += 2;
            }
            if (pos < t.length - 1 && "。.!！,，".indexOf(t[pos + 1]) >= 0) {
                add++;
            }
            scores.put(c, add * e.getValue());
        }
        int best = -1;
        int bestScore = Integer.MIN_VALUE;
        for (Map.Entry<Integer, Integer> e : scores.entrySet()) {
            if (e.getValue() > bestScore) {
                best = e.getKey();
                bestScore = e.getValue();
            }
        }
        return Character.toString(best);
    }

    private static boolean isAsciiUpper(int c) {
        return c >= 'A' && c <= 'Z';
    }

    private static int indexOf(int[] t, int c) {
        for (int i = 0; i < t.length; i++) {
            if (t[i] == c) {
                return i;
            }
        }
        return -1;
    }

    /** The first {@code yes} or {@code no} substring of {@code s} (already lower-cased), or "". */
    static String firstYesNo(String s) {
        int yes = s.indexOf("yes");
        int no = s.indexOf("no");
        if (yes < 0 && no < 0) {
            return "";
        }
        if (yes < 0) {
            return "no";
        }
        if (no < 0) {
            return "yes";
        }
        return yes < no ? "yes" : "no";
    }
}
