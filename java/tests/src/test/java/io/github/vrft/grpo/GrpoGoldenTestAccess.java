package io.github.vrft.grpo;

import com.fasterxml.jackson.databind.JsonNode;

/** Lets tests in other packages use the docs/grpo.md §13 array comparison. */
public final class GrpoGoldenTestAccess {
    private GrpoGoldenTestAccess() {}

    public static void assertArray(JsonNode expected, float[] actual, String what) {
        GrpoGoldenTest.assertArray(expected, actual, what);
    }

    /** [B][T][V] as [B·T][V]. */
    public static JsonNode rowsOfVocab(JsonNode btv) {
        return GrpoGoldenTest.rowsOfVocab(btv);
    }
}
