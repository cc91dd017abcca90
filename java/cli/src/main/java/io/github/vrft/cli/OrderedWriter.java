package io.github.vrft.cli;

import java.io.Closeable;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Output lines, in the order given, assembled and written by a thread of its own, so that formatting the
 * advantage, copying the pieces, writing and compressing all overlap the scoring: the caller only collects
 * references to each line's pieces into a chunk that is handed over whole. A write failure is thrown by the
 * next call, or by {@link #close}, which flushes the stream and waits for the last chunk.
 */
final class OrderedWriter implements Closeable {
    /** A chunk is handed over at this many bytes of lines, or {@link #LINES} lines, whichever comes first. */
    private static final int HAND_OVER = 1 << 20;
    private static final int LINES = 4096;
    private static final Chunk END = new Chunk();

    /** The pieces of up to {@link #LINES} lines. */
    private static final class Chunk {
        final byte[][] heads = new byte[LINES][];
        final int[] headLengths = new int[LINES];
        final float[] advantages = new float[LINES];
        final byte[][] tails = new byte[LINES][];
        final int[] tailLengths = new int[LINES];
        int count;
        long bytes;
    }

    private final OutputStream out;
    private final BlockingQueue<Chunk> queue = new ArrayBlockingQueue<>(4);
    private final Thread thread;
    private volatile IOException failure;
    private Chunk chunk = new Chunk();
    private boolean closed;

    OrderedWriter(OutputStream out) {
        this.out = out;
        this.thread = Thread.ofPlatform().daemon().name("vrft-write").start(this::writeAll);
    }

    /** Appends {@code head}, the advantage, {@code tail} and a newline as one line (the arrays are not copied). */
    void line(byte[] head, int headLength, float advantage, byte[] tail, int tailLength) throws IOException {
        Chunk c = chunk;
        int i = c.count++;
        c.heads[i] = head;
        c.headLengths[i] = headLength;
        c.advantages[i] = advantage;
        c.tails[i] = tail;
        c.tailLengths[i] = tailLength;
        c.bytes += headLength + tailLength;
        if (c.count == LINES || c.bytes >= HAND_OVER) {
            handOver();
        }
    }

    /** The end of a block's lines: nothing to do unless a failure is to be reported. */
    void endOfBatch() throws IOException {
        check();
    }

    private void handOver() throws IOException {
        check();
        Chunk c = chunk;
        chunk = new Chunk();
        put(c);
    }

    private void put(Chunk c) throws IOException {
        try {
            while (!queue.offer(c, 100, TimeUnit.MILLISECONDS)) {
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
        byte[] buf = new byte[HAND_OVER + (HAND_OVER >> 2)];
        try {
            while (true) {
                Chunk c = queue.take();
                if (c == END) {
                    out.flush();
                    return;
                }
                if (failure != null) {
                    continue;
                }
                int len = 0;
                for (int i = 0; i < c.count; i++) {
                    byte[] adv = ScoredLine.advantage(c.advantages[i]).getBytes(StandardCharsets.US_ASCII);
                    int n = c.headLengths[i] + adv.length + c.tailLengths[i] + 1;
                    if (len + n > buf.length) {
                        out.write(buf, 0, len);
                        len = 0;
                        if (n > buf.length) {
                            buf = new byte[n];
                        }
                    }
                    System.arraycopy(c.heads[i], 0, buf, len, c.headLengths[i]);
                    len += c.headLengths[i];
                    System.arraycopy(adv, 0, buf, len, adv.length);
                    len += adv.length;
                    System.arraycopy(c.tails[i], 0, buf, len, c.tailLengths[i]);
                    len += c.tailLengths[i];
                    buf[len++] = '\n';
                }
                out.write(buf, 0, len);
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
                if (chunk.count > 0) {
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
