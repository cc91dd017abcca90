package io.github.vrft.answer;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The character data of the Python that upstream ran, pinned: decimal digits ({@code \d}, {@code isdecimal},
 * {@code int()}, {@code float()}), {@code isdigit}, {@code isalpha}, {@code isalnum}, {@code isspace}, and {@code str.lower()} /
 * {@code str.upper()} with CPython's Final_Sigma rule.
 *
 * <p>The JDK answers with its own Unicode version (Unicode 16 in JDK 25), and characters that became digits
 * or gained a case mapping since Python 3.11's Unicode 14 would otherwise score differently. The tables are
 * read from {@code unicode-data.txt} beside this class, written by {@code tools/unicode-tables.py} from the
 * interpreter's own {@code str} methods; to reproduce another Python version, run that script with it.
 *
 * <p>Everything works on code points: a surrogate pair is one character, a lone surrogate is one character
 * with no properties, as in Python.
 */
public final class PyUnicode {
    private PyUnicode() {}

    private static final String RESOURCE = "unicode-data.txt";

    /** The Unicode version of the tables (CPython 3.11: 14.0.0). */
    public static final String VERSION;
    /** The Python version the tables were read from. */
    public static final String PYTHON_VERSION;

    // Sorted, disjoint [start, end] ranges; decimal and digit ranges carry the value of their start.
    private static final int[] DECIMAL_START;
    private static final int[] DECIMAL_END;
    private static final int[] DECIMAL_VALUE;
    private static final int[] DIGIT_START;
    private static final int[] DIGIT_END;
    private static final int[] DIGIT_VALUE;
    private static final int[] CASED_START;
    private static final int[] CASED_END;
    private static final int[] IGNORABLE_START;
    private static final int[] IGNORABLE_END;
    private static final int[] ALPHA_START;
    private static final int[] ALPHA_END;
    private static final int[] NUMERIC_START;
    private static final int[] NUMERIC_END;
    private static final int[] SPACE_START;
    private static final int[] SPACE_END;
    private static final int[] LOWER_KEY;
    private static final String[] LOWER_VALUE;
    private static final int[] UPPER_KEY;
    private static final String[] UPPER_VALUE;

    static {
        List<int[]> dec = new ArrayList<>();
        List<int[]> dig = new ArrayList<>();
        List<int[]> cased = new ArrayList<>();
        List<int[]> ign = new ArrayList<>();
        List<int[]> space = new ArrayList<>();
        List<int[]> alpha = new ArrayList<>();
        List<int[]> numeric = new ArrayList<>();
        List<int[]> lowerKeys = new ArrayList<>();
        List<String> lowerValues = new ArrayList<>();
        List<int[]> upperKeys = new ArrayList<>();
        List<String> upperValues = new ArrayList<>();
        String version = null;
        String python = null;
        try (InputStream in = PyUnicode.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the jar");
            }
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII));
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                String[] f = line.split(" ");
                switch (f[0]) {
                    case "version" -> {
                        version = f[1];
                        python = f[2];
                    }
                    case "decimal" -> dec.add(new int[] {hex(f[1]), hex(f[2]), Integer.parseInt(f[3])});
                    case "digit" -> dig.add(new int[] {hex(f[1]), hex(f[2]), Integer.parseInt(f[3])});
                    case "cased" -> cased.add(new int[] {hex(f[1]), hex(f[2])});
                    case "ignorable" -> ign.add(new int[] {hex(f[1]), hex(f[2])});
                    case "space" -> space.add(new int[] {hex(f[1]), hex(f[2])});
                    case "alpha" -> alpha.add(new int[] {hex(f[1]), hex(f[2])});
                    case "numeric" -> numeric.add(new int[] {hex(f[1]), hex(f[2])});
                    case "lower", "upper" -> {
                        StringBuilder b = new StringBuilder();
                        for (int k = 2; k < f.length; k++) {
                            b.appendCodePoint(hex(f[k]));
                        }
                        (f[0].equals("lower") ? lowerKeys : upperKeys).add(new int[] {hex(f[1])});
                        (f[0].equals("lower") ? lowerValues : upperValues).add(b.toString());
                    }
                    default -> throw new IllegalStateException(RESOURCE + ": unknown record " + f[0]);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (version == null) {
            throw new IllegalStateException(RESOURCE + " has no version line");
        }
        VERSION = version;
        PYTHON_VERSION = python;
        DECIMAL_START = column(dec, 0);
        DECIMAL_END = column(dec, 1);
        DECIMAL_VALUE = column(dec, 2);
        DIGIT_START = column(dig, 0);
        DIGIT_END = column(dig, 1);
        DIGIT_VALUE = column(dig, 2);
        CASED_START = column(cased, 0);
        CASED_END = column(cased, 1);
        IGNORABLE_START = column(ign, 0);
        IGNORABLE_END = column(ign, 1);
        ALPHA_START = column(alpha, 0);
        ALPHA_END = column(alpha, 1);
        NUMERIC_START = column(numeric, 0);
        NUMERIC_END = column(numeric, 1);
        SPACE_START = column(space, 0);
        SPACE_END = column(space, 1);
        LOWER_KEY = column(lowerKeys, 0);
        LOWER_VALUE = lowerValues.toArray(new String[0]);
        UPPER_KEY = column(upperKeys, 0);
        UPPER_VALUE = upperValues.toArray(new String[0]);
    }

    private static int hex(String s) {
        return Integer.parseInt(s, 16);
    }

    private static int[] column(List<int[]> rows, int k) {
        int[] out = new int[rows.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = rows.get(i)[k];
        }
        return out;
    }

    /** The index of the range holding {@code cp}, or -1. */
    private static int range(int[] start, int[] end, int cp) {
        int i = Arrays.binarySearch(start, cp);
        if (i >= 0) {
            return i;
        }
        i = -i - 2;
        return i >= 0 && cp <= end[i] ? i : -1;
    }

    /** {@code chr(cp).isdecimal()}: Unicode category Nd, what {@code re}'s {@code \d} matches. */
    public static boolean isDecimal(int cp) {
        return cp < 128 ? cp >= '0' && cp <= '9' : range(DECIMAL_START, DECIMAL_END, cp) >= 0;
    }

    /** {@code unicodedata.decimal(chr(cp))}, or -1 when {@code cp} is not a decimal digit. */
    public static int decimalValue(int cp) {
        if (cp < 128) {
            return cp >= '0' && cp <= '9' ? cp - '0' : -1;
        }
        int i = range(DECIMAL_START, DECIMAL_END, cp);
        return i < 0 ? -1 : DECIMAL_VALUE[i] + (cp - DECIMAL_START[i]);
    }

    /** {@code chr(cp).isdigit()}: the decimal digits and the other digits (superscripts, circled digits, ...). */
    public static boolean isDigit(int cp) {
        return isDecimal(cp) || (cp >= 128 && range(DIGIT_START, DIGIT_END, cp) >= 0);
    }

    /** {@code chr(cp).isalpha()}: the letters (categories Lu, Ll, Lt, Lm, Lo). */
    public static boolean isAlpha(int cp) {
        if (cp < 128) {
            return (cp | 32) >= 'a' && (cp | 32) <= 'z';
        }
        return range(ALPHA_START, ALPHA_END, cp) >= 0;
    }

    /** {@code chr(cp).isalnum()}: a letter, or a character with a numeric value. */
    public static boolean isAlnum(int cp) {
        if (cp < 128) {
            return isAlpha(cp) || (cp >= '0' && cp <= '9');
        }
        return isAlpha(cp) || range(NUMERIC_START, NUMERIC_END, cp) >= 0;
    }

    /** {@code chr(cp).isspace()}, also what {@code re}'s {@code \s} matches. */
    public static boolean isSpace(int cp) {
        return range(SPACE_START, SPACE_END, cp) >= 0;
    }

    /** Whether {@code cp} is Cased (Lowercase, Uppercase or Lt). */
    public static boolean isCased(int cp) {
        return range(CASED_START, CASED_END, cp) >= 0;
    }

    /** Whether {@code cp} is Case_Ignorable. */
    public static boolean isCaseIgnorable(int cp) {
        return range(IGNORABLE_START, IGNORABLE_END, cp) >= 0;
    }

    /** {@code s.lower()}, CPython's full lower-case mapping with the Final_Sigma rule for U+03A3. */
    public static String lower(String s) {
        int n = s.length();
        int i = 0;
        while (i < n) { // ASCII prefix that is already lower-case stays shared
            char c = s.charAt(i);
            if (c >= 128 || (c >= 'A' && c <= 'Z')) {
                break;
            }
            i++;
        }
        if (i == n) {
            return s;
        }
        StringBuilder b = new StringBuilder(n);
        b.append(s, 0, i);
        while (i < n) {
            int cp = s.codePointAt(i);
            int len = Character.charCount(cp);
            if (cp < 128) {
                b.append((char) (cp >= 'A' && cp <= 'Z' ? cp + 32 : cp));
            } else if (cp == 0x3A3) {
                b.append(finalSigma(s, i, i + len) ? '\u03c2' : '\u03c3');
            } else {
                int k = Arrays.binarySearch(LOWER_KEY, cp);
                if (k >= 0) {
                    b.append(LOWER_VALUE[k]);
                } else {
                    b.appendCodePoint(cp);
                }
            }
            i += len;
        }
        return b.toString();
    }

    /** {@code s.upper()}, CPython's full upper-case mapping. */
    public static String upper(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            if (cp < 128) {
                b.append((char) (cp >= 'a' && cp <= 'z' ? cp - 32 : cp));
            } else {
                int k = Arrays.binarySearch(UPPER_KEY, cp);
                if (k >= 0) {
                    b.append(UPPER_VALUE[k]);
                } else {
                    b.appendCodePoint(cp);
                }
            }
            i += Character.charCount(cp);
        }
        return b.toString();
    }

    /**
     * CPython's {@code handle_capital_sigma}: final when a cased character precedes it (case-ignorable ones
     * skipped) and none follows it (case-ignorable ones skipped).
     */
    private static boolean finalSigma(String s, int at, int after) {
        int j = at;
        int c = -1;
        while (j > 0) {
            c = s.codePointBefore(j);
            j -= Character.charCount(c);
            if (!isCaseIgnorable(c)) {
                break;
            }
            c = -1;
        }
        if (c < 0 || !isCased(c)) {
            return false;
        }
        j = after;
        while (j < s.length()) {
            c = s.codePointAt(j);
            if (!isCaseIgnorable(c)) {
                return !isCased(c);
            }
            j += Character.charCount(c);
        }
        return true;
    }
}
