package io.github.vrft.reward;

import io.github.vrft.answer.PyText;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An emulation of the part of math_verify 0.7's default extraction that decides the Visual-RFT gate on
 * reward-style text (spec §1.2). Its regexes are tried in priority order and, within one priority, the match
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

    private static final String WS = PyText.SPACE_CLASS;
    private static final String NUM = "(-?[0-9]++(?:\\.[0-9]++)?)";
    // Possessive runs: whitespace is followed by a letter, ':', '=', '-' or a digit, none of which it can match,
    // and "WS* [:=]? WS*" before a number is "WS*+ ([:=] WS*+)?" (the same matches, each found in one pass
    // rather than by trying every split of a long run of spaces between the two WS*).
    private static final Pattern[] PRIORITIES = {
        Pattern.compile("(?i)final" + WS + "++answer" + WS + "++is" + WS + "*+(?:[:=]" + WS + "*+)?" + NUM),
        Pattern.compile("(?i)answer" + WS + "*+:" + WS + "*+" + NUM),
        Pattern.compile("(?i)answer[^\\n]{0,50}?(?:" + WS + "|=)" + NUM),
        Pattern.compile("(?:" + WS + "|=)" + NUM),
    };

    /** The number math_verify would extract from {@code text}, or null. */
    public static Double extract(String text) {
        for (Pattern p : PRIORITIES) {
            Matcher m = p.matcher(text);
            String last = null;
            while (m.find()) {
                last = m.group(1);
            }
            if (last != null) {
                return Double.valueOf(last);
            }
        }
        return null;
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
