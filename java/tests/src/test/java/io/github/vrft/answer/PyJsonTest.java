package io.github.vrft.answer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.math.BigInteger;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Expected values are CPython 3.11.7's {@code json.loads} on the same strings. */
class PyJsonTest {

    @Test
    void acceptsPythonsConstantsAndKeepsIntsExact() {
        List<?> v = (List<?>) PyJson.loads("[1, 2.5, -0.0, NaN, Infinity, -Infinity, 1e400, true, false, null]");
        assertEquals(1L, v.get(0));
        assertEquals(2.5, v.get(1));
        assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits((Double) v.get(2)));
        assertTrue(((Double) v.get(3)).isNaN());
        assertEquals(Double.POSITIVE_INFINITY, v.get(4));
        assertEquals(Double.NEGATIVE_INFINITY, v.get(5));
        assertEquals(Double.POSITIVE_INFINITY, v.get(6));
        assertEquals(Boolean.TRUE, v.get(7));
        assertEquals(Boolean.FALSE, v.get(8));
        assertSame(PyJson.NONE, v.get(9));
        assertEquals(new BigInteger("123456789012345678901234567890"),
                ((List<?>) PyJson.loads("[123456789012345678901234567890]")).get(0));
        assertEquals(new BigInteger("9223372036854775808"), PyJson.loads("9223372036854775808"));
        assertEquals(new BigInteger("-9223372036854775809"), PyJson.loads("-9223372036854775809"));
        assertEquals(0L, ((List<?>) PyJson.loads("[-0]")).get(0));
        assertEquals(100.0, PyJson.loads("1E+2"));
        assertEquals(0.0025, PyJson.loads("2.5e-3"));
        assertEquals(-12L, PyJson.loads("-12"));
        // the long fast path ends at 18 digits, BigInteger's path starts at 19 (still a long where it fits)
        assertEquals(999_999_999_999_999_999L, PyJson.loads("999999999999999999"));
        assertEquals(-999_999_999_999_999_999L, PyJson.loads("-999999999999999999"));
        assertEquals(1_000_000_000_000_000_000L, PyJson.loads("1000000000000000000"));
        assertEquals(Long.MAX_VALUE, PyJson.loads("9223372036854775807"));
        assertEquals(Long.MIN_VALUE, PyJson.loads("-9223372036854775808"));
        assertEquals(List.of(0L, 7L, -7L, 1234567L), PyJson.loads("[0, 7, -7, 1234567]"));
        assertEquals("é😀", PyJson.loads("\"\\u00e9\\ud83d\\ude00\""));
        assertEquals("/", PyJson.loads("\"\\/\""));
        assertEquals(List.of(1L, 2L), PyJson.loads("[1,\n2]"));
        assertEquals(List.of(1L), PyJson.loads(" \n[1]\r\t"));
    }

    @Test
    void duplicateKeysKeepTheLastValue() {
        Map<?, ?> m = (Map<?, ?>) PyJson.loads("{\"a\": 1, \"a\": 2, \"b\": 3}");
        assertEquals(Map.of("a", 2L, "b", 3L), m);
        assertEquals(List.of("a", "b"), List.copyOf(m.keySet()));
    }

    @ParameterizedTest(name = "{0} -> {1} at {2}")
    @CsvSource(delimiter = '|', value = {
        "[1,]|Expecting value|3",
        "01|Extra data|1",
        "[.5]|Expecting value|1",
        "1.|Extra data|1",
        "1e|Extra data|1",
        "'a'|Expecting value|0",
        "[1] x|Extra data|4",
        "\"\\x\"|Invalid \\escape|1",
        "-|Expecting value|0",
        "{\"a\" 1}|Expecting ':' delimiter|5",
        "{1: 2}|Expecting property name enclosed in double quotes|1",
        "[1 2]|Expecting ',' delimiter|3",
        "\"abc|Unterminated string starting at|0",
        "nan|Expecting value|0",
    })
    void rejectsWhatPythonRejectsAtTheSameOffset(String text, String message, int pos) {
        PyJson.DecodeError e = assertThrows(PyJson.DecodeError.class, () -> PyJson.loads(text));
        assertEquals(pos, e.pos(), e.getMessage());
        assertTrue(e.getMessage().startsWith(message), e.getMessage());
    }

    @Test
    void controlCharactersAndNonAsciiSpaceAreErrors() {
        assertEquals(2, assertThrows(PyJson.DecodeError.class, () -> PyJson.loads("\"a\tb\"")).pos());
        assertEquals(1, assertThrows(PyJson.DecodeError.class, () -> PyJson.loads("[\u00a01]")).pos());
    }

    @Test
    void tooManyDigitsIsAValueErrorNotADecodeError() {
        PyException e = assertThrows(PyException.class, () -> PyJson.loads("[" + "1".repeat(4301) + "]"));
        assertEquals("ValueError", e.pyType());
        assertEquals(4300, ((BigInteger) ((List<?>) PyJson.loads("[" + "7".repeat(4300) + "]")).get(0)).toString().length());
    }

    @Test
    void deepNestingIsARecursionErrorNotAStackOverflow() {
        PyException e = assertThrows(PyException.class, () -> PyJson.loads("[".repeat(100_000)));
        assertEquals("RecursionError", e.pyType());
        String ok = "[".repeat(PyJson.MAX_DEPTH) + "]".repeat(PyJson.MAX_DEPTH);
        assertTrue(PyJson.loads(ok) instanceof List);
    }

    @Test
    void manyKeysStayLinearAndKeepDictSemantics() {
        StringBuilder sb = new StringBuilder("{");
        for (int i = 0; i < 100_000; i++) {
            sb.append(i == 0 ? "" : ",").append("\"k").append(i % 50_000).append("\": ").append(i);
        }
        Map<?, ?> m = (Map<?, ?>) PyJson.loads(sb.append('}').toString());
        assertEquals(50_000, m.size());
        assertEquals(99_999L, m.get("k49999")); // last value wins
        assertEquals("k0", m.keySet().iterator().next()); // first position kept
        assertTrue(((PyDict) m).isLarge());
        Map<?, ?> small = (Map<?, ?>) PyJson.loads("{\"b\": 1, \"a\": 2, \"b\": 3}");
        assertEquals(List.of("b", "a"), List.copyOf(small.keySet()));
        assertEquals(Map.of("a", 2L, "b", 3L), small);
    }
}
