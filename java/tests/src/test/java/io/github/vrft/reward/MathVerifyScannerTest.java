package io.github.vrft.reward;

import io.github.vrft.answer.PyText;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The math_verify emulation's scanners against the regexes they replace (the plain reference, below). */
class MathVerifyScannerTest {
    private static final String WS = PyText.SPACE_CLASS;
    private static final String NUM = "(-?[0-9]+(?:\\.[0-9]+)?)";
    private static final Pattern[] REFERENCE = {
        Pattern.compile("(?i)final" + WS + "+answer" + WS + "+is" + WS + "*[:=]?" + WS + "*" + NUM),
        Pattern.compile("(?i)answer" + WS + "*:" + WS + "*" + NUM),
        Pattern.compile("(?i)answer[^\\n]{0,50}?(?:" + WS + "|=)" + NUM),
        Pattern.compile("(?:" + WS + "|=)" + NUM),
    };

    static Double reference(String text) {
        for (Pattern p : REFERENCE) {
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

    @Test
    void sameNumbersAsTheRegexes() {
        String[] parts = {"final", "FINAL", "answer", "Answer", "is", "IS", " ", "  ", "\t", "\n", "\u3000", ":", "=",
            "-", "1", "23", ".", "4.5", "x", "\u017f", "\u0131", "fina", "nswer", "answe", "r"};
        SplittableRandom rnd = new SplittableRandom(14);
        for (int trial = 0; trial < 60_000; trial++) {
            StringBuilder b = new StringBuilder();
            int n = rnd.nextInt(1, 24);
            for (int i = 0; i < n; i++) {
                b.append(parts[rnd.nextInt(parts.length)]);
            }
            if (rnd.nextInt(10) == 0) {
                b.insert(rnd.nextInt(b.length() + 1), " ".repeat(rnd.nextInt(40, 70)));
            }
            String t = b.toString();
            assertEquals(reference(t), MathVerifyEmulation.extract(t), t);
        }
    }
}
