package io.github.vrft.cli;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The queue of lines waiting for their groups: order, the spill to disk, and the limit on waiting lines. */
class HeldLinesTest {
    private static HeldLines.Held held(long lineNo) {
        return new HeldLines.Held(lineNo, ("head " + lineNo).getBytes(StandardCharsets.US_ASCII),
                ("tail " + lineNo + "x".repeat((int) lineNo)).getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void linesComeBackInOrderWithTheirBytesWhetherHeldInMemoryOrOnDisk() throws IOException {
        try (HeldLines q = new HeldLines(40, 1000)) { // 40 bytes: the first two lines in memory, the rest on disk
            for (long n = 1; n <= 50; n++) {
                q.add(held(n), "sgroup" + (n % 3));
            }
            assertEquals(48, q.spilledLines());
            for (long n = 1; n <= 50; n++) {
                HeldLines.Held h = q.poll();
                HeldLines.Held want = held(n);
                assertEquals(n, h.lineNo);
                assertArrayEquals(want.head, java.util.Arrays.copyOf(h.head, h.headLength));
                assertArrayEquals(want.tail, java.util.Arrays.copyOf(h.tail, h.tailLength));
            }
            assertTrue(q.isEmpty());
        }
    }

    @Test
    void pastTheLimitOfWaitingLinesTheRunStopsNamingTheFirstWaitingLineAndItsGroup() throws IOException {
        try (HeldLines q = new HeldLines(1 << 20, 3)) {
            q.add(held(7), "sa");
            q.add(held(8), "n42");
            q.add(held(9), "sb");
            HeldLines.TooScatteredException e = assertThrows(HeldLines.TooScatteredException.class,
                    () -> q.add(held(10), "sc"));
            assertTrue(e.getMessage().startsWith("3 scored lines are waiting for their groups to complete (the first "
                    + "waiting is line 7, prompt_id \"a\")"), e.getMessage());
            assertTrue(e.getMessage().contains("Sort the file by prompt_id"), e.getMessage());
        }
    }
}
