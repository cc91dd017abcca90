package io.github.vrft.answer;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link PyUnicode} against values printed by CPython 3.11.7 (unicodedata 14.0.0): {@code str.lower()} and
 * {@code str.upper()} with Final_Sigma, and the character classes of characters whose properties changed
 * after Unicode 14 (the JDK 25 answers with Unicode 16).
 */
class PyUnicodeTest {
    @Test
    void tablesAreCPython311s() {
        assertEquals("14.0.0", PyUnicode.VERSION);
        assertEquals("3.11.7", PyUnicode.PYTHON_VERSION);
    }

    @Test
    void lowerAppliesFinalSigmaAsCPythonDoes() {
        String[][] cases = {
            {"x1\u03a3", "x1\u03c3"}, // a digit before: not final
            {"x\u03a31y", "x\u03c21y"}, // a digit after does not stop it being final
            {"\u0391\u00b7\u03a3", "\u03b1\u00b7\u03c2"}, // U+00B7 is case-ignorable (MidLetter)
            {"x\uD835\uDC00\u03a3", "x\uD835\uDC00\u03c2"}, // a cased letter outside the BMP
            {"\u03a3\u03a3", "\u03c3\u03c2"},
            {"A\u03a3", "a\u03c2"},
            {"A\u03a3b", "a\u03c3b"},
            {"\u03a3", "\u03c3"},
            {"a\u03a3\u0301", "a\u03c2\u0301"}, // a combining mark after is skipped
            {"\u0130", "i\u0307"},
            {"\u00df", "\u00df"},
            {"\u01c4", "\u01c6"},
            {"\u01c5", "\u01c6"},
            {"\u1c89", "\u1c89"}, // Unicode 16 gave it a lower case (U+1C8A); Python 3.11 has none
            {"\ua7cc", "\ua7cc"},
            {"\ua7da", "\ua7da"},
        };
        for (String[] c : cases) {
            assertEquals(c[1], PyUnicode.lower(c[0]), c[0]);
        }
    }

    @Test
    void upperIsTheFullMapping() {
        assertEquals("SS", PyUnicode.upper("\u00df"));
        assertEquals("FI", PyUnicode.upper("\ufb01"));
        assertEquals("\u01c4", PyUnicode.upper("\u01c5"));
        assertEquals("X\uD835\uDC00\u03a3", PyUnicode.upper("x\uD835\uDC00\u03a3"));
        assertEquals("\u1c89", PyUnicode.upper("\u1c89"));
    }

    @Test
    void characterClassesOfUnicode14() {
        // U+11F50 KAWI DIGIT ZERO is a digit since Unicode 15; not in Python 3.11
        assertFalse(PyUnicode.isDecimal(0x11f50));
        assertFalse(PyUnicode.isDigit(0x11f50));
        assertFalse(PyUnicode.isAlnum(0x11f50));
        assertTrue(PyUnicode.isDecimal(0x1d7cf)); // MATHEMATICAL BOLD DIGIT ONE
        assertEquals(1, PyUnicode.decimalValue(0x1d7cf));
        assertEquals(1, PyUnicode.decimalValue(0x661));
        assertFalse(PyUnicode.isDecimal(0xb2)); // superscript two: isdigit, not isdecimal
        assertTrue(PyUnicode.isDigit(0xb2));
        assertFalse(PyUnicode.isDigit(0xbd)); // one half: isnumeric only
        assertTrue(PyUnicode.isAlnum(0xbd));
        assertTrue(PyUnicode.isAlpha(0x4e00));
        assertFalse(PyUnicode.isAlpha(0x1c89));
        assertEquals(10.0, PyNum.floatFromString("\uD835\uDFCF\uD835\uDFCE"));
        assertEquals(10L, PyNum.intFromDigits("\uD835\uDFCF\uD835\uDFCE"));
    }

    @Test
    void pyTextSpaceIsTheTablesSpace() {
        for (char c = 0; c < Character.MAX_VALUE; c++) {
            assertEquals(PyUnicode.isSpace(c), PyText.isSpace(c), Integer.toHexString(c));
        }
    }

    @Test
    void floatSyntaxIsPythons() {
        String[] ok = {"1", "1.", ".5", "1_000", "1e1_0", "-1.5E-3", "+.5e+2", "0_1"};
        for (String s : ok) {
            assertTrue(PyNum.isFloatSyntax(s), s);
        }
        String[] bad = {"", ".", "_1", "1_", "1__0", "1_.5", "1e", "1e_1", "e5", "--1", "1.2.3", "0x1", "1d"};
        for (String s : bad) {
            assertFalse(PyNum.isFloatSyntax(s), s);
        }
    }
}
