package io.github.vrft.cli;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * The lines of a stream as blocks of bytes, read ahead on a thread of their own so that reading (and
 * decompressing) overlaps the scoring. A block is one buffer of whole {@code \n}-terminated lines, each known
 * by its offsets, with a {@code \r} before the {@code \n} left out (CRLF files) and a UTF-8 byte order mark
 * opening the stream left out; nothing is decoded or copied per line. A line longer than the cap is not held:
 * its bytes are skipped and it comes back as a line marked too long, so that it is reported, not read into
 * memory. A final line without {@code \n} is still a line.
 */
final class LineBlocks implements Closeable {
    /** Buffers of this size are read and recycled; a block grows past it only to hold one long line. */
    static final int BLOCK_BYTES = 1 << 21;

    /** Whole lines in one buffer: line {@code i} is {@code data[start[i] .. end[i])}, or too long when start is -1. */
    static final class Block {
        final byte[] data;
        final int count;
        final int[] start;
        final int[] end;
        /** The 1-based number of line 0 in the stream. */
        final long firstNumber;

        Block(byte[] data, int count, int[] start, int[] end, long firstNumber) {
            this.data = data;
            this.count = count;
            this.start = start;
            this.end = end;
            this.firstNumber = firstNumber;
        }

        boolean tooLong(int i) {
            return start[i] < 0;
        }

        /** Whether line {@code i} holds only JSON whitespace (blank lines are skipped, not reported). */
        boolean blank(int i) {
            for (int k = start[i]; k < end[i]; k++) {
                byte b = data[k];
                if (b != ' ' && b != '\t' && b != '\r') {
                    return false;
                }
            }
            return start[i] >= 0;
        }
    }

    private static final Object END = new Object();

    private final InputStream in;
    private final int maxLineBytes;
    private final BlockingQueue<Object> ready = new ArrayBlockingQueue<>(2);
    private final BlockingQueue<byte[]> free = new ArrayBlockingQueue<>(4);
    private final Thread reader;
    private volatile boolean closed;
    private boolean ended;

    /**
     * Starts reading {@code in} (which this object closes).
     *
     * @param maxLineBytes the longest line held, in bytes before the {@code \n}
     */
    LineBlocks(InputStream in, int maxLineBytes) {
        this.in = in;
        this.maxLineBytes = maxLineBytes;
        this.reader = Thread.ofPlatform().daemon().name("vrft-read").start(this::readAll);
    }

    /** The next block, or null at the end of the stream. */
    Block next() throws IOException {
        if (ended) {
            return null;
        }
        Object o;
        try {
            o = ready.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while reading");
        }
        if (o == END) {
            ended = true;
            return null;
        }
        if (o instanceof IOException e) {
            ended = true;
            throw e;
        }
        if (o instanceof RuntimeException e) {
            ended = true;
            throw e;
        }
        return (Block) o;
    }

    /** Hands a block's buffer back for reuse once nothing refers to its bytes any more. */
    void release(Block b) {
        if (b.data.length == BLOCK_BYTES) {
            free.offer(b.data);
        }
    }

    private byte[] buffer() {
        byte[] b = free.poll();
        return b != null ? b : new byte[BLOCK_BYTES];
    }

    private void readAll() {
        Object last = END;
        try {
            split();
        } catch (IOException | RuntimeException e) {
            last = e;
        } catch (InterruptedException e) {
            return; // closed
        }
        try {
            ready.put(last);
        } catch (InterruptedException e) {
            // closed
        }
    }

    private void split() throws IOException, InterruptedException {
        byte[] buf = buffer();
        int len = 0;
        long number = 0; // lines handed out so far
        boolean skipping = false; // inside a line longer than the cap
        boolean eof = false;
        while (!eof) {
            while (len < buf.length) {
                int n = in.read(buf, len, buf.length - len);
                if (n < 0) {
                    eof = true;
                    break;
                }
                len += n;
            }
            if (closed) {
                return;
            }
            int count = 0;
            int[] start = new int[256];
            int[] end = new int[256];
            int from = 0;
            for (int k = nextNewline(buf, 0, len); k < len; k = nextNewline(buf, k + 1, len)) {
                if (count == start.length) {
                    start = Arrays.copyOf(start, count * 2);
                    end = Arrays.copyOf(end, count * 2);
                }
                if (skipping || k - from > maxLineBytes) {
                    start[count] = -1;
                    end[count] = -1;
                    skipping = false;
                } else {
                    start[count] = from;
                    end[count] = k > from && buf[k - 1] == '\r' ? k - 1 : k;
                }
                count++;
                from = k + 1;
            }
            if (eof && from < len) { // the final line, without '\n'
                if (count == start.length) {
                    start = Arrays.copyOf(start, count + 1);
                    end = Arrays.copyOf(end, count + 1);
                }
                skipping |= len - from > maxLineBytes;
                start[count] = skipping ? -1 : from;
                end[count] = skipping ? -1 : len > from && buf[len - 1] == '\r' ? len - 1 : len;
                count++;
                from = len;
                skipping = false;
            } else if (eof && skipping) {
                start[0] = -1;
                end[0] = -1;
                count = 1;
                skipping = false;
            }
            if (count > 0 && number == 0 && start[0] >= 0 && end[0] - start[0] >= 3 && (buf[start[0]] & 0xff) == 0xef
                    && (buf[start[0] + 1] & 0xff) == 0xbb && (buf[start[0] + 2] & 0xff) == 0xbf) {
                start[0] += 3; // a UTF-8 byte order mark (some Windows tools write one) opens the file, not the JSON
            }
            int carry = len - from;
            byte[] next = buf;
            if (count > 0) {
                ready.put(new Block(buf, count, start, end, number + 1));
                number += count;
                next = buffer();
            } else if (skipping) {
                carry = 0; // still inside the long line: drop what was read of it
            } else if (carry == buf.length) { // one line fills the buffer
                if (carry > maxLineBytes) {
                    skipping = true;
                    carry = 0;
                } else {
                    next = new byte[(int) Math.min((long) buf.length * 2, maxLineBytes + 1L)];
                }
            }
            if (next.length < carry) { // the pooled buffer is smaller than a long line's start
                next = new byte[carry * 2];
            }
            System.arraycopy(buf, from, next, 0, carry);
            buf = next;
            len = carry;
        }
    }

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;
    private static final long NEWLINES = ONES * '\n';

    /**
     * The index of the first {@code '\n'} in {@code b[from .. to)}, or {@code to}: eight bytes at a time (a byte
     * of {@code x ^ NEWLINES} is zero exactly where {@code x} has a newline; the lowest flagged byte is exact).
     */
    static int nextNewline(byte[] b, int from, int to) {
        int i = from;
        for (; i + 8 <= to; i += 8) {
            long x = (long) LONGS.get(b, i) ^ NEWLINES;
            long found = (x - ONES) & ~x & HIGHS;
            if (found != 0) {
                return i + (Long.numberOfTrailingZeros(found) >>> 3);
            }
        }
        for (; i < to; i++) {
            if (b[i] == '\n') {
                return i;
            }
        }
        return to;
    }

    /** Stops the reader and closes the stream. */
    @Override
    public void close() throws IOException {
        closed = true;
        reader.interrupt();
        ready.clear();
        try {
            reader.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        in.close();
    }
}
