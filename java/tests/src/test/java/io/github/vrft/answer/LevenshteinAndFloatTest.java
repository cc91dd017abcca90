package io.github.vrft.answer;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * {@link Levenshtein#ratio}, {@link PyNum#floatFromString} and {@link PyRepr} against values printed by
 * python-Levenshtein 0.12.2 and CPython 3.11, and the ratio against the plain dynamic program.
 */
class LevenshteinAndFloatTest {
    /** The reference: edit distance with insert 1, delete 1, substitute 2, over code points. */
    static double referenceRatio(String a, String b) {
        int[] x = a.codePoints().toArray();
        int[] y = b.codePoints().toArray();
        int sum = x.length + y.length;
        if (sum == 0) {
            return 1.0;
        }
        int[][] d = new int[x.length + 1][y.length + 1];
        for (int i = 0; i <= x.length; i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= y.length; j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= x.length; i++) {
            for (int j = 1; j <= y.length; j++) {
                int sub = d[i - 1][j - 1] + (x[i - 1] == y[j - 1] ? 0 : 2);
                d[i][j] = Math.min(sub, Math.min(d[i - 1][j], d[i][j - 1]) + 1);
            }
        }
        return (double) (sum - d[x.length][y.length]) / sum;
    }

    @Test
    void ratioMatchesPythonLevenshtein0122() {
        Object[][] cases = {
            {"rose", "garden phlox", 0.25}, {"phlox", "garden phlox", 0.5882352941176471}, {"", "", 1.0},
            {"a", "", 0.0}, {"kitten", "sitting", 0.6153846153846154}, {"café", "cafe", 0.75},
            {"日本語", "日本", 0.8}, {"😀a", "a😀", 0.5},
            {"abc".repeat(30), "cab".repeat(31), 0.9836065573770492},
        };
        for (Object[] c : cases) {
            assertEquals((double) c[2], Levenshtein.ratio((String) c[0], (String) c[1]), 0.0, c[0] + " / " + c[1]);
        }
    }

    @Test
    void ratioEqualsTheDynamicProgramOnRandomStrings() {
        SplittableRandom r = new SplittableRandom(7);
        String alphabet = "abcab \u00e9\u65e5";
        for (int n = 0; n < 3000; n++) {
            String a = random(r, alphabet, r.nextInt(0, n % 7 == 0 ? 200 : 20));
            String b = random(r, alphabet, r.nextInt(0, n % 5 == 0 ? 150 : 20));
            assertEquals(referenceRatio(a, b), Levenshtein.ratio(a, b), 0.0, a + " / " + b);
        }
    }

    private static String random(SplittableRandom r, String alphabet, int n) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < n; i++) {
            b.append(alphabet.charAt(r.nextInt(alphabet.length())));
        }
        return b.toString();
    }

    @Test
    void floatFromStringIsPythonFloat() {
        Map<String, Double> ok = Map.ofEntries(Map.entry(" 3 ", 3.0), Map.entry("1_000.5", 1000.5), Map.entry(".5", 0.5),
                Map.entry("5.", 5.0), Map.entry("1e5", 100000.0), Map.entry("+inf", Double.POSITIVE_INFINITY),
                Map.entry("-Infinity", Double.NEGATIVE_INFINITY), Map.entry("nAn", Double.NaN),
                Map.entry("\u0663\u0661", 31.0), Map.entry("1e400", Double.POSITIVE_INFINITY), Map.entry("-0", -0.0));
        ok.forEach((s, v) -> assertEquals(v, PyNum.floatFromString(s), s));
        for (String bad : List.of("1__0", "_1", "1e", "0x10", "1d", "NaNx", "")) {
            PyException e = assertThrows(PyException.class, () -> PyNum.floatFromString(bad), bad);
            assertEquals("ValueError", e.pyType());
        }
    }

    @Test
    void reprIsPythonRepr() {
        double[] v = {100.0, 1e16, 1.5e-05, 0.0001, 123456789012345.6, -0.0, Double.NaN, Double.POSITIVE_INFINITY,
            2.5, 1e22, 0.1 + 0.2, 12345678901234567890.0};
        String[] e = {"100.0", "1e+16", "1.5e-05", "0.0001", "123456789012345.6", "-0.0", "nan", "inf", "2.5",
            "1e+22", "0.30000000000000004", "1.2345678901234567e+19"};
        for (int i = 0; i < v.length; i++) {
            assertEquals(e[i], PyRepr.floatRepr(v[i]));
        }
        List<Object> list = List.of(100L, 2.5, true, PyJson.NONE, "a'b", "x\"y", "tab\t", "\u00e9", "\u007f", "\u200b");
        assertEquals("[100, 2.5, True, None, \"a'b\", 'x\"y', 'tab\\t', '\u00e9', '\\x7f', '\\u200b']", PyRepr.str(list));
        assertEquals("{'k': [1.0, 'v']}", PyRepr.str(PyJson.loads("{\"k\": [1.0, \"v\"]}")));
        assertEquals("cat", PyRepr.str("cat"));
    }

    /** Values printed by json_repair 0.41.1: {@code str(json.loads(repair_json(text)))}. */
    @Test
    void jsonRepairClosesTruncatedAndSingleQuotedLists() {
        assertEquals("[{'bbox_2d': [100, 100, 200, 200], 'label': 'cat'}]",
                PyRepr.str(JsonRepair.parse("[{\"bbox_2d\": [100, 100, 200, 200], \"label\": \"cat\"\n")));
        assertEquals("[{'bbox_2d': [1, 2, 3, 4], 'label': 'dog'}]",
                PyRepr.str(JsonRepair.parse("[{'bbox_2d': [1, 2, 3, 4], 'label': 'dog'},]")));
        assertEquals("[{'bbox_2d': [1, 2]}]", // a key without ':' at the end is dropped
                PyRepr.str(JsonRepair.parse("text [{\"bbox_2d\": [1, 2], \"label\"")));
        assertEquals("[{'bbox_2d': [1, 2], 'label': ''}]",
                PyRepr.str(JsonRepair.parse("[{\"bbox_2d\": [1, 2], \"label\":")));
        assertEquals("[True, None, 'word']", PyRepr.str(JsonRepair.parse("[True, null, word]")));
        assertEquals("", JsonRepair.parse("no json here")); // json.dumps("") round-trips to the empty str
    }
}
