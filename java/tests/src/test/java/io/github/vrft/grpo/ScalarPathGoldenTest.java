package io.github.vrft.grpo;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The golden cases again with the Vector API path switched off ({@code -Dvrft.vector=false}): the scalar path. */
class ScalarPathGoldenTest extends GrpoGoldenTest {
    @BeforeAll
    static void scalarPath() {
        System.setProperty("vrft.vector", "false");
    }

    @AfterAll
    static void restore() {
        System.clearProperty("vrft.vector");
    }
}
