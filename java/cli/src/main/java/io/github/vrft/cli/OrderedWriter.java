package io.github.vrft.cli;

import java.io.Closeable;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Output lines, in the order given, written by a thread of its own (so that writing and compressing overlap
 * the scoring): lines collect in a buffer that is handed over whole. A write failure is thrown by the next
 * call, or by {@link #close}, which flushes the stream and waits for the last buffer.
 */
final class OrderedWriter implements Closeable {
    private static final int HAND_OVER = 1 << 20;
    private static final byte[] END = new byte[0];

    private final OutputStream out;
    private final BlockingQueue<byte[]> queue = new ArrayBlockingQueue<>(4);
    private final Thread thread;
    private volatile IOException failure;
    private byte[] buf = new byte[HAND_OVER + (HAND_OVER >> 2)];
    private int len;
    private boolean closed;

    OrderedWriter(OutputStream out) {
        this.out = out;
        this.thread = Thread.ofPlatform().daemon().name("vrft-write").start(this::writeAll);
    }

    /** Appends {@code head}, the advantage, {@code tail} and a newline as one line. */
    void line(byte[] head, int headLength, float advantage, byte[] tail, int tailLength) throws IOException {
        byte[] adv = ScoredLine.advantage(advantage).getBytes(StandardCharsets.US_ASCII);
        int n = headLength + adv.length + tailLength + 1;
        if (len + n > buf.length) {
            if (len > 0) {
                handOver();
            }
            if (n > buf.length) {
                buf = new byte[n];
            }
        }
        System.arraycopy(head, 0, buf, len, headLength);
        len += headLength;
        System.arraycopy(adv, 0, buf, len, adv.length);
        len += adv.length;
        System.arraycopy(tail, 0, buf, len, tailLength);
        len += tailLength;
        buf[len++] = '\n';
        if (len >= HAND_OVER) {
            handOver();
        }
    }

    /** The end of a block's lines: nothing to do unless a failure is to be reported. */
    void endOfBatch() throws IOException {
        check();
    }

    private void handOver() throws IOException {
        check();
        byte[] b = java.util.Arrays.copyOf(buf, len);
        len = 0;
        put(b);
    }

    private void put(byte[] b) throws IOException {
        try {
            while (!queue.offer(b, 100, java.util.concurrent.TimeUnit.MILLISECONDS)) {
                check();
                if (!thread.isAlive()) {
                    throw new IOException("the output writer stopped");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while writing");
        }
    }

    private void check() throws IOException {
        IOException f = failure;
        if (f != null) {
            throw f;
        }
    }

    private void writeAll() {
        try {
            while (true) {
                byte[] b = queue.take();
                if (b == END) {
                    out.flush();
                    return;
                }
                if (failure == null) {
                    out.write(b);
                }
            }
        } catch (IOException e) {
            failure = e;
            queue.clear();
        } catch (InterruptedException e) {
            // closed after a failure elsewhere
        }
    }

    /** Writes what is left, flushes, and waits for the writer; throws the first write failure. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (failure == null) {
                if (len > 0) {
                    handOver();
                }
                put(END);
                thread.join();
            } else {
                thread.interrupt();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while writing");
        }
        check();
    }
}
