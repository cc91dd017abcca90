package io.github.vrft.grpo;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** Finite differences, masked garbage and determinism again on the scalar path ({@code -Dvrft.vector=false}). */
class ScalarPathGradientTest extends PolicyLossGradientTest {
    @BeforeAll
    static void scalarPath() {
        System.setProperty("vrft.vector", "false");
    }

    @AfterAll
    static void restore() {
        System.clearProperty("vrft.vector");
    }
}
