package io.github.vrft.reward;

import io.github.vrft.answer.Levenshtein;
import io.github.vrft.answer.PyException;
import io.github.vrft.answer.PyNum;
import io.github.vrft.answer.PyText;
import io.github.vrft.answer.PyUnicode;


/**
 * VLM-R1's text accuracy methods (grpo_jsonl.py, docs/rewards.md §2.4): {@code default}, {@code all_match},
 * {@code yes_no} and {@code mcq}.
 */
final class VlmR1Accuracy {
    private VlmR1Accuracy() {}

    static Component score(String content, String sol, VlmR1Method method, boolean mathVerify) {
        return switch (method) {
            case DEFAULT -> defaultAccuracy(content, sol, mathVerify);
            case ALL_MATCH -> {
                String a = VlmR1Text.cleanText(content);
                String b = VlmR1Text.cleanText(sol);
                yield a.equals(b) ? one() : zero("cleaned answer '" + clip(a) + "' is not '" + clip(b) + "'");
            }
            case YES_NO -> yesNo(content, sol);
            case MCQ -> mcq(content, sol);
            default -> throw new InvalidInput("reward_method: " + method.id()
                    + " scores boxes; task accuracy takes default, all_match, yes_no or mcq");
        };
    }

    /** The solution's answer: the first single-line {@code <answer>} (no DOTALL), else the whole text; stripped. */
    private static String groundTruth(String sol) {
        String g = PyText.firstAnswerNoDotall(sol);
        return PyText.strip(g != null ? g : sol);
    }

    static Component defaultAccuracy(String content, String sol, boolean mathVerify) {
        String gt = groundTruth(sol);
        String last = VlmR1Text.lastAnswerDotall(content);
        String student = PyText.strip(last != null ? last : content);
        if (mathVerify && MathVerifyEmulation.fires(student, gt)) {
            return one();
        }
        if (VlmR1Text.hasDigit(gt)) {
            String a = VlmR1Text.cleanText(student);
            String b = VlmR1Text.cleanText(gt);
            try {
                double x = PyNum.floatFromString(a);
                double y = PyNum.floatFromString(b);
                return x == y ? one() : zero("numeric answer " + x + " is not " + y);
            } catch (PyException e) {
                return ratio(a, b, " (not numbers, so the Levenshtein ratio)");
            }
        }
        String choice = VlmR1Text.extractChoice(gt);
        if (choice != null) {
            String student0 = VlmR1Text.extractChoice(student);
            if (student0 == null) {
                return zero("no choice letter in the answer");
            }
            return student0.equals(choice) ? one() : zero("choice " + student0 + " is not " + choice);
        }
        return ratio(VlmR1Text.cleanText(student), VlmR1Text.cleanText(gt), "");
    }

    private static Component ratio(String a, String b, String how) {
        double r = Levenshtein.ratio(a, b);
        return new Component("accuracy", r, r == 0 ? "no characters in common" + how : null);
    }

    /** The student's answer for yes_no and mcq: the first {@code <answer>} (DOTALL), else the whole text; stripped. */
    private static String firstAnswerOrAll(String content) {
        String body = PyText.firstAnswerDotall(content);
        return PyText.strip(body != null ? body : content);
    }

    static Component yesNo(String content, String sol) {
        String c = PyUnicode.lower(content);
        String s = PyUnicode.lower(sol);
        String gt = groundTruth(s);
        String student = firstAnswerOrAll(c);
        String g = VlmR1Text.firstYesNo(gt);
        String a = VlmR1Text.firstYesNo(student);
        return g.equals(a) ? one() : zero("answer says '" + a + "', the solution '" + g + "'");
    }

    static Component mcq(String content, String sol) {
        String gt = groundTruth(sol);
        String has = VlmR1Text.extractChoice(gt);
        String correct = has != null ? PyUnicode.upper(has) : PyText.strip(sol);
        String choice = VlmR1Text.extractChoice(firstAnswerOrAll(content));
        if (choice == null) {
            return zero("no choice letter followed by punctuation or the end of the answer");
        }
        return choice.equals(correct) ? one() : zero("choice " + choice + " is not " + clip(correct));
    }

    private static Component one() {
        return new Component("accuracy", 1.0, null);
    }

    private static Component zero(String why) {
        return new Component("accuracy", 0.0, why);
    }

    private static String clip(String s) {
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }
}
