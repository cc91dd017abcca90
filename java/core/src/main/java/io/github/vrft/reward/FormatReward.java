package io.github.vrft.reward;

import io.github.vrft.answer.PyText;

/** Visual-RFT's {@code format_reward}: {@code re.fullmatch(r"<think>.*?</think>\s*<answer>.*?</answer>", text, re.DOTALL)}. */
final class FormatReward {
    private FormatReward() {}

    static Component score(String completion) {
        if (PyText.thinkAnswerFullmatch(completion)) {
            return new Component("format", 1.0, null);
        }
        String why;
        if (!completion.startsWith("<think>")) {
            why = "does not start with <think> (text or whitespace before it fails the fullmatch)";
        } else if (!completion.endsWith(PyText.ANSWER_CLOSE)) {
            why = "does not end with </answer> (trailing text, or a truncated generation)";
        } else {
            why = "no </think> followed by only whitespace and then <answer>…</answer>";
        }
        return new Component("format", 0.0, why);
    }
}
