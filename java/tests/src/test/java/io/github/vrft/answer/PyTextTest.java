package io.github.vrft.answer;

import org.junit.jupiter.api.Test;

import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The two forms of Python's whitespace set agree, and both are CPython 3.11's {@code str.isspace()}. */
class PyTextTest {

    @Test
    void spaceClassAndIsSpaceAreTheSameSet() {
        Pattern p = Pattern.compile(PyText.SPACE_CLASS);
        int n = 0;
        for (int c = 0; c <= 0xFFFF; c++) {
            boolean regex = p.matcher(String.valueOf((char) c)).matches();
            assertEquals(PyText.isSpace((char) c), regex, "U+" + Integer.toHexString(c));
            n += regex ? 1 : 0;
        }
        // CPython 3.11: [c for c in range(0x110000) if chr(c).isspace()] has 29 entries, all in the BMP
        assertEquals(29, n);
    }
}
