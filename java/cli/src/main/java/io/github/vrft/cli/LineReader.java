package io.github.vrft.cli;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Reads {@code \n}-terminated lines of bytes and decodes each as strict UTF-8 on its own, so that one bad
 * line (invalid UTF-8, or longer than the cap) is reported and skipped instead of ending the file.
 */
final class LineReader implements Closeable {
    /** A line: its 1-based number, and either its text or why it could not be read. */
    record Line(long number, String text, String error) {}

    private final InputStream in;
    private final int maxBytes;
    private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    private final byte[] buf = new byte[1 << 16];
    private int pos;
    private int lim;
    private long number;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream(256);

    LineReader(InputStream in, int maxBytes) {
        this.in = in;
        this.maxBytes = maxBytes;
    }

    /** The next line, or null at the end of input. A final line without {@code \n} is still a line. */
    Line next() throws IOException {
        line.reset();
        boolean any = false;
        boolean tooLong = false;
        while (true) {
            if (pos == lim) {
                lim = in.read(buf, 0, buf.length);
                pos = 0;
                if (lim <= 0) {
                    lim = 0;
                    if (!any) {
                        return null;
                    }
                    break;
                }
            }
            any = true;
            int start = pos;
            while (pos < lim && buf[pos] != '\n') {
                pos++;
            }
            if (!tooLong) {
                if (line.size() + (pos - start) > maxBytes) {
                    tooLong = true;
                } else {
                    line.write(buf, start, pos - start);
                }
            }
            if (pos < lim) {
                pos++; // the '\n'
                break;
            }
        }
        number++;
        if (tooLong) {
            return new Line(number, null, "line is longer than " + maxBytes + " bytes; skipped");
        }
        byte[] b = line.toByteArray();
        int len = b.length;
        if (len > 0 && b[len - 1] == '\r') {
            len--;
        }
        // a UTF-8 byte order mark (some Windows tools write one) opens the file, not the first line's JSON
        int from = number == 1 && len >= 3 && (b[0] & 0xff) == 0xef && (b[1] & 0xff) == 0xbb && (b[2] & 0xff) == 0xbf
                ? 3 : 0;
        try {
            return new Line(number, utf8.decode(ByteBuffer.wrap(b, from, len - from)).toString(), null);
        } catch (CharacterCodingException e) {
            return new Line(number, null, "not valid UTF-8");
        }
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
