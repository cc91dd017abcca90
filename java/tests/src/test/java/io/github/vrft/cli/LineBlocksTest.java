package io.github.vrft.cli;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The line splitter of {@code vrft score} against a plain reading of the same bytes. */
class LineBlocksTest {
    /** "TOO LONG" for a line over the cap, else the line's text. */
    private static List<String> lines(byte[] bytes, int maxLine, int chunk) throws IOException {
        List<String> out = new ArrayList<>();
        InputStream in = new ByteArrayInputStream(bytes) { // short reads, as pipes and decompressors give
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, chunk));
            }
        };
        long expectNumber = 1;
        try (LineBlocks blocks = new LineBlocks(in, maxLine)) {
            LineBlocks.Block b;
            while ((b = blocks.next()) != null) {
                assertEquals(expectNumber, b.firstNumber);
                for (int i = 0; i < b.count; i++) {
                    out.add(b.tooLong(i) ? "TOO LONG" : new String(b.data, b.start[i], b.end[i] - b.start[i], StandardCharsets.UTF_8));
                }
                expectNumber += b.count;
                blocks.release(b);
            }
        }
        return out;
    }

    @Test
    void linesAcrossBuffersLongLinesAndTheEdges() throws IOException {
        String big = "x".repeat(3 * LineBlocks.BLOCK_BYTES / 2);      // longer than a buffer, under the cap
        String huge = "y".repeat(5 * LineBlocks.BLOCK_BYTES / 2);     // over the cap
        int cap = 2 * LineBlocks.BLOCK_BYTES;
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(new byte[] {(byte) 0xef, (byte) 0xbb, (byte) 0xbf});
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 40_000; i++) { // many lines: several buffers, lines cut at buffer ends
            String l = "{\"n\": " + i + "}" + " ".repeat(i % 97);
            b.writeBytes((l + (i % 3 == 0 ? "\r\n" : "\n")).getBytes(StandardCharsets.UTF_8));
            expected.add(l);
        }
        for (String l : new String[] {big, "", huge, "a\rb", "é"}) {
            b.writeBytes((l + "\n").getBytes(StandardCharsets.UTF_8));
            expected.add(l.length() > cap ? "TOO LONG" : l);
        }
        b.writeBytes("last".getBytes(StandardCharsets.UTF_8)); // no final newline
        expected.add("last");
        for (int chunk : new int[] {1 << 16, 7919}) {
            assertEquals(expected, lines(b.toByteArray(), cap, chunk));
        }
        assertEquals(List.of("TOO LONG"), lines(huge.getBytes(StandardCharsets.UTF_8), cap, 1 << 16));
        assertEquals(List.of(), lines(new byte[0], cap, 1 << 16));
        assertEquals(List.of("", "a"), lines("\na\n".getBytes(StandardCharsets.UTF_8), cap, 1 << 16));
        assertEquals(List.of("TOO LONG", "ok"), lines("0123456789\nok".getBytes(StandardCharsets.UTF_8), 5, 3));
    }
}
