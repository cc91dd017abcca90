package io.github.vrft.reward;

import io.github.vrft.answer.PyText;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * The hand-written scanners of {@link VlmR1Text} and {@link OdReward} against java.util.regex running
 * upstream's patterns (with Python's {@code \s} and {@code \d}) on random strings built from the patterns'
 * own pieces, so that matches, near misses and backtracking all occur.
 */
class VlmR1TextTest {
    private static final String S = PyText.SPACE_CLASS;
    private static final String D = "\\p{Nd}";
    private static final String BOX = "\\[" + D + "+," + S + "*" + D + "+," + S + "*" + D + "+," + S + "*" + D + "+\\]";
    private static final Pattern QWEN = Pattern.compile("<think>.*?</think>" + S + "*<answer>.*?\\{.*" + BOX + ".*\\}.*?</answer>", Pattern.DOTALL);
    private static final Pattern INTERNVL = Pattern.compile("<think>.*?</think>" + S + "*<answer>.*?" + BOX + ".*?</answer>", Pattern.DOTALL);
    private static final Pattern GLM = Pattern.compile("<think>(.*?)<answer>(.*?)</answer>", Pattern.DOTALL);
    private static final Pattern OVD = Pattern.compile("<think>.*?</think>" + S + "*<answer>.*?\\[.*?\\{\"bbox_2d\":" + S + "*\\[" + S + "*"
            + D + "+," + S + "*" + D + "+," + S + "*" + D + "+," + S + "*" + D + "+" + S + "*\\]" + S + "*," + S + "*\"label\":" + S
            + "*\".*?\"" + S + "*\\}.*?\\].*?</answer>", Pattern.DOTALL);
    private static final Pattern INT_BOX = Pattern.compile("\\[(" + D + "+)," + S + "*(" + D + "+)," + S + "*(" + D + "+)," + S + "*(" + D + "+)]");
    private static final Pattern BBOX_ARRAY = Pattern.compile("\\[" + S + "*\\{.*?\"bbox_2d\".*?\"label\".*?\\}" + S + "*\\]", Pattern.DOTALL);
    private static final Pattern ANSWERS = Pattern.compile("<answer>(.*?)</answer>", Pattern.DOTALL);

    private static final String[] PIECES = {
        "<think>", "</think>", "<answer>", "</answer>", " ", "\n", "\u00a0", "{", "}", "[", "]", ",", ", ", "1", "23",
        "\u0663", "x", "\"bbox_2d\":", "{\"bbox_2d\":", "\"label\":", "\"", "[1, 2, 3, 4]", "[5,6, 7 ,8]", "-1", ".5",
        "\"label\": \"cat\"}", "]", "```json", "```",
    };

    /** Well-formed answers of each kind, which the generator then mutates. */
    private static final String[][] TEMPLATES = {
        {"<think>", "x", "</think>", " ", "<answer>", "{", "\"bbox_2d\":", " ", "[1, 2, 3, 4]", "}", "</answer>"},
        {"<think>", "</think>", "\n", "<answer>", "```json", "[", "{\"bbox_2d\":", "[5,6, 7 ,8]", ", ", "\"label\": \"cat\"}", "]", "```", "</answer>"},
        {"<think>", "x", "</think>", "<answer>", "[", "{\"bbox_2d\":", " [1, 2, 3, 4]", ",", "\"label\":", "\"", "x", "\"", "}", "]", "</answer>"},
    };

    private static String random(SplittableRandom r) {
        java.util.List<String> parts = new java.util.ArrayList<>();
        if (r.nextBoolean()) {
            parts.addAll(java.util.List.of(TEMPLATES[r.nextInt(TEMPLATES.length)]));
            int edits = r.nextInt(0, 4);
            for (int e = 0; e < edits; e++) {
                int at = r.nextInt(parts.size() + 1);
                switch (r.nextInt(3)) {
                    case 0 -> parts.add(at, PIECES[r.nextInt(PIECES.length)]);
                    case 1 -> { if (at < parts.size()) { parts.remove(at); } }
                    default -> { if (at < parts.size()) { parts.set(at, PIECES[r.nextInt(PIECES.length)]); } }
                }
            }
        } else {
            int n = r.nextInt(0, 18);
            for (int i = 0; i < n; i++) {
                parts.add(PIECES[r.nextInt(PIECES.length)]);
            }
        }
        return String.join("", parts);
    }

    @Test
    void formatScannersAgreeWithTheRegexes() {
        SplittableRandom r = new SplittableRandom(11);
        int matched = 0;
        int ovd = 0;
        for (int n = 0; n < 200_000; n++) {
            String s = random(r);
            boolean q = QWEN.matcher(s).find();
            matched += q ? 1 : 0;
            assertEquals(q, VlmR1Text.qwenRecFormat(s, false), "qwen: " + s);
            assertEquals(QWEN.matcher(s).matches(), VlmR1Text.qwenRecFormat(s, true), "qwen fullmatch: " + s);
            assertEquals(INTERNVL.matcher(s).find(), VlmR1Text.internVlRecFormat(s), "internvl: " + s);
            assertEquals(GLM.matcher(s).find(), VlmR1Text.glmRecFormat(s), "glm: " + s);
            boolean o = OVD.matcher(s).find();
            ovd += o ? 1 : 0;
            assertEquals(o, VlmR1Text.legacyOvdFormat(s), "ovd: " + s);
        }
        assertEquals(true, matched > 1000 && ovd > 1000, "the generator must produce matches too: " + matched + ", " + ovd);
    }

    @Test
    void extractionScannersAgreeWithTheRegexes() {
        SplittableRandom r = new SplittableRandom(12);
        for (int n = 0; n < 100_000; n++) {
            String s = random(r);
            Matcher m = INT_BOX.matcher(s);
            VlmR1Text.IntBox b = VlmR1Text.findIntBox(s, 0);
            if (m.find()) {
                assertEquals(m.start(), b.start(), s);
                assertEquals(m.end(), b.end(), s);
                for (int k = 0; k < 4; k++) {
                    assertEquals(m.group(k + 1), b.digits()[k], s);
                }
            } else {
                assertNull(b, s);
            }
            Matcher a = BBOX_ARRAY.matcher(s);
            assertEquals(a.find() ? a.group() : null, OdReward.bboxArrayText(s), "bbox array: " + s);
            Matcher all = ANSWERS.matcher(s);
            String last = null;
            while (all.find()) {
                last = all.group(1);
            }
            assertEquals(last, VlmR1Text.lastAnswerDotall(s), "last answer: " + s);
        }
    }

    @Test
    void cleanTextFollowsUpstream() {
        assertEquals("garden phlox", VlmR1Text.cleanText("<answer>Garden Phlox.</answer>"));
        assertEquals("a b", VlmR1Text.cleanText("a\n\nb"));      // the second \n follows whitespace: deleted
        assertEquals("a b", VlmR1Text.cleanText("a \nb"));
        assertEquals("x", VlmR1Text.cleanText("<answer>no</answer> <answer> X.. </answer>"));
        assertEquals("none", VlmR1Text.cleanText("<answer> None </answer>"));
    }

    /** clean_text's two re.sub per newline character, run by java.util.regex, on random text of spaces and newlines. */
    @Test
    void cleanTextNewlinesMatchUpstreamsSubstitutions() {
        SplittableRandom r = new SplittableRandom(29);
        String alphabet = "ab. \t\n\r\u000b\u000c\u00a0\u2028";
        for (int t = 0; t < 20_000; t++) {
            StringBuilder b = new StringBuilder();
            for (int i = r.nextInt(12); i > 0; i--) {
                b.append(alphabet.charAt(r.nextInt(alphabet.length())));
            }
            String text = b.toString();
            String want = text;
            for (String ch : new String[] {"\n", "\r"}) {
                want = Pattern.compile("(?<=" + S + ")" + ch).matcher(want).replaceAll("");
                want = Pattern.compile("(?<!" + S + ")" + ch).matcher(want).replaceAll(" ");
            }
            want = PyText.strip(want);
            int end = want.length();
            while (end > 0 && want.charAt(end - 1) == '.') {
                end--;
            }
            want = want.substring(0, end).toLowerCase(java.util.Locale.ROOT); // ASCII letters only here
            assertEquals(want, VlmR1Text.cleanText(text), () -> "clean_text of " + text.chars().mapToObj(c -> String.format("\\u%04x", c)).toList());
        }
    }

    @Test
    void extractChoiceFollowsUpstream() {
        assertEquals("C", VlmR1Text.extractChoice("C"));
        assertNull(VlmR1Text.extractChoice("I choose (C)."));       // ')' is not in the follow set
        assertEquals("C", VlmR1Text.extractChoice("i choose c"));   // upper-cased first
        // Values from upstream's function under CPython 3.11. Each candidate is scored at the first occurrence
        // of its letter anywhere: B's is the B of MAYBE, so A and B tie at 1 and the first (A) wins.
        assertEquals("A", VlmR1Text.extractChoice("A, maybe; but the answer is B."));
        assertEquals("D", VlmR1Text.extractChoice("Options: A, B, or C? I think D."));
        assertEquals("C", VlmR1Text.extractChoice("A. no. B. yes: C."));
        assertEquals("", VlmR1Text.firstYesNo("maybe"));
        assertEquals("no", VlmR1Text.firstYesNo("i know the answer: yes"));
    }
}
