package io.github.vrft.reward;

import io.github.vrft.answer.PyText;
import io.github.vrft.answer.PyUnicode;


/**
 * Visual-RFT classification {@code accuracy_reward} ({@code grpo_classification.py}, docs/rewards.md §1.4).
 *
 * <p>Faithful: the first single-line {@code <answer>} of each text (else the whole stripped text), spaces and
 * underscores removed, lower-cased, and 1 when either contains the other: a blank answer or a hedge scores
 * 1. Strict: the same normalisation, then exact equality, and a blank answer scores 0.
 */
final class ClassificationReward {
    private ClassificationReward() {}

    static Component score(String completion, String solution, Profile profile) {
        String gtBody = PyText.firstAnswerNoDotall(solution);
        String gt = normalise(PyText.strip(gtBody != null ? gtBody : solution));
        String stBody = PyText.firstAnswerNoDotall(completion);
        String st = normalise(PyText.strip(stBody != null ? stBody : completion));
        String where = stBody == null ? " (no single-line <answer>…</answer>, so the whole completion was compared)" : "";
        if (profile == Profile.STRICT) {
            if (st.isEmpty()) {
                return new Component("accuracy", 0.0, "blank answer");
            }
            return st.equals(gt) ? new Component("accuracy", 1.0, null)
                    : new Component("accuracy", 0.0, "normalised answer '" + clip(st) + "' is not '" + clip(gt) + "'" + where);
        }
        if (PyText.contains(gt, st) || PyText.contains(st, gt)) {
            return new Component("accuracy", 1.0, null);
        }
        return new Component("accuracy", 0.0,
                "neither '" + clip(st) + "' nor '" + clip(gt) + "' contains the other" + where);
    }

    /** {@code x.replace(' ', '').replace('_', '').lower()}: only ASCII space goes; tabs and newlines stay. */
    static String normalise(String s) {
        return PyUnicode.lower(PyText.replace(PyText.replace(s, " ", ""), "_", ""));
    }

    private static String clip(String s) {
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }
}
