package io.github.vrft;

/** Argument checks at the API boundary: bad input is an IllegalArgumentException that names the argument. */
public final class Checks {
    private Checks() {}

    /** {@code value}, or an IllegalArgumentException "{@code name} must not be null". */
    public static <T> T notNull(T value, String name) {
        if (value == null) {
            throw new IllegalArgumentException(name + " must not be null");
        }
        return value;
    }
}
