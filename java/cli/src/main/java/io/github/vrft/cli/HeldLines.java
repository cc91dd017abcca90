package io.github.vrft.cli;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;

/**
 * The scored lines that wait to be written, in input order: a line waits until its own group and every earlier
 * line's group are complete. While their bytes fit in {@code memoryLimit} they are held in memory; beyond it
 * the bytes of further lines go to a temporary file, read back in the same order (a queue on disk), so that
 * groups spread widely over a big file cost disk, not heap. The per-line bookkeeping stays in memory; past
 * {@code maxLines} waiting lines the run stops with {@link TooScatteredException} rather than run out of heap.
 */
final class HeldLines implements Closeable {
    /** A line on its way out: its output bytes around the advantage, which is known once its group is complete. */
    static final class Held {
        final long lineNo;
        byte[] head;   // the input line (less replaced members) and "rewards", up to "advantage":
        byte[] tail;   // "diagnostics" and the closing brace
        int headLength;
        int tailLength;
        float advantage = Float.NaN;
        boolean ready; // its group is complete
        String key;    // its group

        Held(long lineNo, byte[] head, byte[] tail) {
            this.lineNo = lineNo;
            this.head = head;
            this.tail = tail;
            this.headLength = head.length;
            this.tailLength = tail.length;
        }
    }

    /** Too many lines wait for groups that are not complete: the message says what to do. */
    static final class TooScatteredException extends RuntimeException {
        TooScatteredException(String message) {
            super(message);
        }
    }

    private final ArrayDeque<Held> queue = new ArrayDeque<>();
    private final long memoryLimit;
    private final long maxLines;
    private long memoryBytes;
    private Path spill;
    private FileChannel spillRead;
    private OutputStream spillWrite;
    private long written;  // bytes handed to spillWrite
    private long flushed;  // bytes of those known to be in the file
    private long readPos;
    private final ByteBuffer readBuf = ByteBuffer.allocate(1 << 20);
    private long readBufStart = -1;
    private long spilledLines;

    /**
     * @param memoryLimit bytes of waiting lines held in memory before the rest goes to a temporary file
     * @param maxLines    waiting lines (in memory or on disk) beyond which the run stops
     */
    HeldLines(long memoryLimit, long maxLines) {
        this.memoryLimit = memoryLimit;
        this.maxLines = maxLines;
    }

    boolean isEmpty() {
        return queue.isEmpty();
    }

    /** The oldest waiting line, or null. */
    Held first() {
        return queue.peekFirst();
    }

    /** Lines whose bytes went to the temporary file so far. */
    long spilledLines() {
        return spilledLines;
    }

    /** Queues {@code h}, of the group {@code key}; its bytes go to disk when memory is full. */
    void add(Held h, String key) throws IOException {
        h.key = key;
        if (queue.size() >= maxLines) {
            throw new TooScatteredException(queue.size() + " scored lines are waiting for their groups to complete ("
                    + "the first waiting is line " + queue.peekFirst().lineNo + ", " + RolloutLine.describeKey(queue.peekFirst().key) + "): the "
                    + "groups of this file are spread too widely for this heap. Sort the file by prompt_id (for "
                    + "contiguous groups one group is held at a time), or give the JVM more memory "
                    + "(VRFT_JAVA_OPTS=-Xmx...)");
        }
        long size = h.headLength + h.tailLength;
        if (memoryBytes + size > memoryLimit && !queue.isEmpty()) {
            if (spillWrite == null) {
                spill = Files.createTempFile("vrft-score-held-", ".bin");
                ExitCleanup.register(spill);
                spillWrite = new BufferedOutputStream(Files.newOutputStream(spill, StandardOpenOption.APPEND), 1 << 20);
                spillRead = FileChannel.open(spill, StandardOpenOption.READ);
            }
            spillWrite.write(h.head, 0, h.headLength);
            spillWrite.write(h.tail, 0, h.tailLength);
            written += size;
            h.head = null;
            h.tail = null;
            spilledLines++;
        } else {
            memoryBytes += size;
        }
        queue.addLast(h);
    }

    /** Removes the oldest line, its bytes in memory again. */
    Held poll() throws IOException {
        Held h = queue.pollFirst();
        if (h.head == null) {
            h.head = readBack(h.headLength);
            h.tail = readBack(h.tailLength);
        } else {
            memoryBytes -= h.headLength + h.tailLength;
        }
        return h;
    }

    private byte[] readBack(int n) throws IOException {
        if (readPos + n > flushed) {
            spillWrite.flush();
            flushed = written;
        }
        byte[] out = new byte[n];
        int done = 0;
        while (done < n) {
            long at = readPos + done;
            if (readBufStart < 0 || at < readBufStart || at >= readBufStart + readBuf.limit()) {
                readBuf.clear();
                readBufStart = at;
                while (readBuf.hasRemaining() && readBufStart + readBuf.position() < flushed) {
                    if (spillRead.read(readBuf, readBufStart + readBuf.position()) < 0) {
                        break;
                    }
                }
                readBuf.flip();
            }
            int from = (int) (at - readBufStart);
            int k = Math.min(n - done, readBuf.limit() - from);
            readBuf.get(from, out, done, k);
            done += k;
        }
        readPos += n;
        return out;
    }

    @Override
    public void close() throws IOException {
        if (spill != null) {
            try {
                spillWrite.close();
                spillRead.close();
            } finally {
                ExitCleanup.delete(spill);
            }
        }
    }
}
