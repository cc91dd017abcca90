package io.github.vrft.answer;

/**
 * An exception the upstream Python code would raise at the same point ({@code KeyError}, {@code TypeError},
 * {@code ValueError}, {@code ZeroDivisionError}, ...). The reward functions catch it, as upstream does, and
 * turn it into a zero score whose diagnostic names the Python exception. It never escapes the scorer.
 */
public class PyException extends RuntimeException {
    private final String pyType;

    public PyException(String pyType, String message) {
        super(message, null, false, false); // no stack trace: these are control flow on hot paths
        this.pyType = pyType;
    }

    /** The Python exception class name, e.g. {@code "TypeError"}. */
    public String pyType() {
        return pyType;
    }

    @Override
    public String toString() {
        return pyType + ": " + getMessage();
    }

    public static PyException typeError(String message) {
        return new PyException("TypeError", message);
    }

    public static PyException keyError(String key) {
        return new PyException("KeyError", "'" + key + "'");
    }

    public static PyException valueError(String message) {
        return new PyException("ValueError", message);
    }
}
