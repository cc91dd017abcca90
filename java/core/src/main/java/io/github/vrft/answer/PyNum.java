package io.github.vrft.answer;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * Python arithmetic on decoded JSON numbers ({@link Boolean}, {@link Long}, {@link BigInteger},
 * {@link Double}), so that the rewards match upstream bit for bit:
 * <ul>
 *   <li>int op int is exact; an int meeting a float is converted with {@code float(int)} (round half even,
 *       {@code OverflowError} past the double range) and the operation is IEEE double;</li>
 *   <li>int/int true division is correctly rounded; division by zero raises {@code ZeroDivisionError},
 *       for floats too;</li>
 *   <li>comparisons between ints and floats are exact; NaN compares false;</li>
 *   <li>{@code bool} is an int (True == 1).</li>
 * </ul>
 * Anything else (str, None, list, dict) raises {@code TypeError}, as Python does for these operators.
 */
public final class PyNum {
    private PyNum() {}

    /** |v| at or below this converts to double exactly. */
    private static final long EXACT_DOUBLE = 1L << 53;
    private static final MathContext DIV_CONTEXT = new MathContext(60, RoundingMode.HALF_EVEN);

    /** CPython's limit on the digits {@code int(str)} converts (sys.get_int_max_str_digits()). */
    public static final int MAX_INT_DIGITS = 4300;

    /** Raises CPython's {@code ValueError} when a decimal integer of {@code digits} digits exceeds the limit. */
    public static void checkIntDigits(int digits) {
        if (digits > MAX_INT_DIGITS) {
            throw PyException.valueError("Exceeds the limit (4300 digits) for integer string conversion: value has "
                    + digits + " digits");
        }
    }

    /** True for Python int, float and bool values. */
    public static boolean isNumber(Object v) {
        return v instanceof Double || v instanceof Long || v instanceof Boolean || v instanceof BigInteger;
    }

    /**
     * True when {@code v} is a float, a bool, or an int with |v| &le; 2^25. Arithmetic on such values in IEEE
     * double (differences, products of two differences, sums of two products, one division) is exactly
     * Python's, so callers may take a primitive fast path.
     */
    public static boolean isSmall(Object v) {
        if (v instanceof Double || v instanceof Boolean) {
            return true;
        }
        if (v instanceof Long l) {
            long x = l;
            return x >= -(1L << 25) && x <= (1L << 25);
        }
        return false;
    }

    /** The value as a double, for a value known to be {@link #isSmall}. */
    public static double smallValue(Object v) {
        if (v instanceof Double d) {
            return d;
        }
        if (v instanceof Long l) {
            return l;
        }
        return ((Boolean) v) ? 1.0 : 0.0;
    }

    private static Object normalize(Object v, String op, Object other, boolean left) {
        if (v instanceof Boolean b) {
            return b ? 1L : 0L;
        }
        if (v instanceof Long || v instanceof Double || v instanceof BigInteger) {
            return v;
        }
        Object a = left ? v : other;
        Object b = left ? other : v;
        throw PyException.typeError("unsupported operand type(s) for " + op + ": '" + PyJson.typeName(a)
                + "' and '" + PyJson.typeName(b) + "'");
    }

    private static BigInteger big(Object v) {
        return v instanceof BigInteger b ? b : BigInteger.valueOf((Long) v);
    }

    private static Object shrink(BigInteger b) {
        return b.bitLength() < 64 ? (Object) b.longValue() : b;
    }

    /** {@code float(v)} for an int or float (bool included). */
    public static double toFloat(Object v) {
        if (v instanceof Double d) {
            return d;
        }
        if (v instanceof Long l) {
            return (double) l; // round half even, as Python
        }
        if (v instanceof Boolean b) {
            return b ? 1.0 : 0.0;
        }
        if (v instanceof BigInteger b) {
            double d = b.doubleValue(); // correctly rounded
            if (Double.isInfinite(d)) {
                throw new PyException("OverflowError", "int too large to convert to float");
            }
            return d;
        }
        throw PyException.typeError("must be real number, not " + PyJson.typeName(v));
    }

    public static Object add(Object a, Object b) {
        a = normalize(a, "+", b, true);
        b = normalize(b, "+", a, false);
        if (a instanceof Double || b instanceof Double) {
            return toFloat(a) + toFloat(b);
        }
        if (a instanceof Long x && b instanceof Long y) {
            long r = x + y;
            if (((x ^ r) & (y ^ r)) >= 0) {
                return r;
            }
        }
        return shrink(big(a).add(big(b)));
    }

    public static Object sub(Object a, Object b) {
        a = normalize(a, "-", b, true);
        b = normalize(b, "-", a, false);
        if (a instanceof Double || b instanceof Double) {
            return toFloat(a) - toFloat(b);
        }
        if (a instanceof Long x && b instanceof Long y) {
            long r = x - y;
            if (((x ^ y) & (x ^ r)) >= 0) {
                return r;
            }
        }
        return shrink(big(a).subtract(big(b)));
    }

    public static Object mul(Object a, Object b) {
        a = normalize(a, "*", b, true);
        b = normalize(b, "*", a, false);
        if (a instanceof Double || b instanceof Double) {
            return toFloat(a) * toFloat(b);
        }
        if (a instanceof Long x && b instanceof Long y) {
            long hi = Math.multiplyHigh(x, y);
            long lo = x * y;
            if ((hi == 0 && lo >= 0) || (hi == -1 && lo < 0)) {
                return lo;
            }
        }
        return shrink(big(a).multiply(big(b)));
    }

    /** {@code a / b} (true division). */
    public static double truediv(Object a, Object b) {
        a = normalize(a, "/", b, true);
        b = normalize(b, "/", a, false);
        if (a instanceof Double || b instanceof Double) {
            double y = toFloat(b);
            double x = toFloat(a);
            if (y == 0.0) {
                throw new PyException("ZeroDivisionError", "float division by zero");
            }
            return x / y;
        }
        if (a instanceof Long x && b instanceof Long y && Math.abs(x) <= EXACT_DOUBLE && Math.abs(y) <= EXACT_DOUBLE) {
            if (y == 0) {
                throw new PyException("ZeroDivisionError", "division by zero");
            }
            return (double) x / (double) y; // both exact, so the quotient is correctly rounded
        }
        BigInteger x = big(a);
        BigInteger y = big(b);
        if (y.signum() == 0) {
            throw new PyException("ZeroDivisionError", "division by zero");
        }
        // 60 significant digits, then one rounding to double; Python rounds the exact quotient once. The
        // two agree unless the quotient lies within 1e-60 (relative) of a rounding boundary.
        double q = new BigDecimal(x).divide(new BigDecimal(y), DIV_CONTEXT).doubleValue();
        if (Double.isInfinite(q)) {
            throw new PyException("OverflowError", "integer division result too large for a float");
        }
        return q;
    }

    /**
     * Three-way comparison with Python semantics, or {@code null} when unordered (a NaN is involved).
     * Raises TypeError for non-numbers.
     */
    private static Integer compare(Object a, Object b, String op) {
        a = normalize(a, op, b, true);
        b = normalize(b, op, a, false);
        if (a instanceof Long x && b instanceof Long y) {
            return Long.compare(x, y);
        }
        if (a instanceof Double x && b instanceof Double y) {
            if (Double.isNaN(x) || Double.isNaN(y)) {
                return null;
            }
            return x < y ? -1 : (x > y ? 1 : 0);
        }
        if (!(a instanceof Double) && !(b instanceof Double)) {
            return big(a).compareTo(big(b));
        }
        // int against float: exact, as CPython's float_richcompare
        boolean floatLeft = a instanceof Double;
        double f = floatLeft ? (Double) a : (Double) b;
        Object i = floatLeft ? b : a;
        if (Double.isNaN(f)) {
            return null;
        }
        int c;
        if (Double.isInfinite(f)) {
            c = f > 0 ? 1 : -1; // float vs int
        } else if (i instanceof Long l && Math.abs(l) <= EXACT_DOUBLE) {
            c = Double.compare(f == 0.0 ? 0.0 : f, (double) l); // -0.0 == 0
        } else {
            c = new BigDecimal(f).compareTo(new BigDecimal(big(i)));
        }
        return floatLeft ? c : -c;
    }

    public static boolean lt(Object a, Object b) {
        Integer c = compare(a, b, "<");
        return c != null && c < 0;
    }

    public static boolean le(Object a, Object b) {
        Integer c = compare(a, b, "<=");
        return c != null && c <= 0;
    }

    public static boolean gt(Object a, Object b) {
        Integer c = compare(a, b, ">");
        return c != null && c > 0;
    }

    /** {@code max(a, b)}: {@code a} unless {@code b > a}, so {@code max(nan, 5)} is nan and {@code max(5, nan)} 5. */
    public static Object max(Object a, Object b) {
        return gt(b, a) ? b : a;
    }

    /** {@code min(a, b)}: {@code a} unless {@code b < a}. */
    public static Object min(Object a, Object b) {
        return lt(b, a) ? b : a;
    }

    /**
     * Python's {@code int(s)} for a string of decimal digits as {@code \\d+} matches them (any Unicode digit
     * of category Nd, as of the pinned {@link PyUnicode} version): a {@link Long}, or a {@link BigInteger}
     * past 64 bits. Digits outside the Basic Multilingual Plane count as one digit each.
     *
     * @throws PyException {@code ValueError} past CPython's 4300-digit limit, or for a non-digit
     */
    public static Object intFromDigits(CharSequence digits) {
        StringBuilder ascii = new StringBuilder(digits.length());
        for (int i = 0; i < digits.length(); ) {
            int cp = Character.codePointAt(digits, i);
            int d = PyUnicode.decimalValue(cp);
            if (d < 0) {
                throw PyException.valueError("invalid literal for int() with base 10");
            }
            ascii.append((char) ('0' + d));
            i += Character.charCount(cp);
        }
        int n = ascii.length();
        checkIntDigits(n);
        if (n == 0) {
            throw PyException.valueError("invalid literal for int() with base 10: ''");
        }
        if (n <= 18) {
            long v = 0;
            for (int i = 0; i < n; i++) {
                v = v * 10 + (ascii.charAt(i) - '0');
            }
            return v;
        }
        return shrink(new BigInteger(ascii.toString()));
    }

    /**
     * Python's {@code float(s)} for a str: surrounding Unicode whitespace is ignored, any Unicode decimal
     * digit counts (code points, pinned to {@link PyUnicode}'s version), {@code _} may separate digits, and
     * {@code inf}, {@code infinity} and {@code nan} are accepted in any case with an optional sign. Java's
     * {@code Double.parseDouble} differs (it takes {@code 1d}, hex floats and {@code NaN} only in that case),
     * so the grammar is checked here first, by a scanner that is linear in the input and does not recurse.
     *
     * @throws PyException {@code ValueError} where Python raises it
     */
    public static double floatFromString(String s) {
        String t = PyText.strip(s);
        StringBuilder b = new StringBuilder(t.length());
        for (int i = 0; i < t.length(); ) {
            int cp = t.codePointAt(i);
            if (cp >= 128) {
                int d = PyUnicode.decimalValue(cp);
                if (d < 0) {
                    throw PyException.valueError("could not convert string to float: '" + s + "'");
                }
                b.append((char) ('0' + d));
            } else {
                b.append((char) cp);
            }
            i += Character.charCount(cp);
        }
        String a = b.toString();
        String lower = a.toLowerCase(java.util.Locale.ROOT); // ASCII only by now
        String body = lower.startsWith("+") || lower.startsWith("-") ? lower.substring(1) : lower;
        boolean negative = lower.startsWith("-");
        if (body.equals("inf") || body.equals("infinity")) {
            return negative ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        }
        if (body.equals("nan")) {
            return Double.NaN;
        }
        if (!isFloatSyntax(a)) {
            throw PyException.valueError("could not convert string to float: '" + s + "'");
        }
        return Double.parseDouble(a.replace("_", "")); // decimal input: correctly rounded, as Python
    }

    /**
     * {@code [+-]?(digits '.' digits? | '.' digits | digits) ([eE][+-]? digits)?} where
     * {@code digits = [0-9] ('_'? [0-9])*}, on an ASCII string.
     */
    static boolean isFloatSyntax(String a) {
        int n = a.length();
        int i = 0;
        if (i < n && (a.charAt(i) == '+' || a.charAt(i) == '-')) {
            i++;
        }
        int intEnd = digitPart(a, i);
        boolean intDigits = intEnd > i;
        i = intEnd;
        if (i < n && a.charAt(i) == '.') {
            int fracEnd = digitPart(a, i + 1);
            if (!intDigits && fracEnd == i + 1) {
                return false; // "." alone
            }
            i = fracEnd;
        } else if (!intDigits) {
            return false;
        }
        if (i < n && (a.charAt(i) == 'e' || a.charAt(i) == 'E')) {
            int j = i + 1;
            if (j < n && (a.charAt(j) == '+' || a.charAt(j) == '-')) {
                j++;
            }
            int expEnd = digitPart(a, j);
            if (expEnd == j) {
                return false;
            }
            i = expEnd;
        }
        return i == n;
    }

    /** The end of {@code [0-9] ('_'? [0-9])*} from {@code i}, or {@code i} when there is no digit there. */
    private static int digitPart(String a, int i) {
        int n = a.length();
        if (i >= n || !isAsciiDigit(a.charAt(i))) {
            return i;
        }
        i++;
        while (i < n) {
            if (isAsciiDigit(a.charAt(i))) {
                i++;
            } else if (a.charAt(i) == '_' && i + 1 < n && isAsciiDigit(a.charAt(i + 1))) {
                i += 2;
            } else {
                break;
            }
        }
        return i;
    }

    private static boolean isAsciiDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
