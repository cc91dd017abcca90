package io.github.vrft;

import java.util.function.Consumer;

/** Runs a check on the Vector API path and on the scalar path ({@code -Dvrft.vector}), then restores the property. */
public final class VectorPaths {
    private VectorPaths() {}

    /** {@code check} with {@code vrft.vector} set to "true", then to "false"; it is given that value. */
    public static void each(Consumer<String> check) {
        String saved = System.getProperty("vrft.vector");
        try {
            for (String vector : new String[] {"true", "false"}) {
                System.setProperty("vrft.vector", vector);
                check.accept(vector);
            }
        } finally {
            if (saved == null) {
                System.clearProperty("vrft.vector");
            } else {
                System.setProperty("vrft.vector", saved);
            }
        }
    }
}
