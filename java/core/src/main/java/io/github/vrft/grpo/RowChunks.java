package io.github.vrft.grpo;

import java.util.function.BinaryOperator;
import java.util.function.Supplier;
import java.util.stream.IntStream;

/**
 * Runs a row loop in fixed chunks of rows, in parallel on the common pool when the batch is large enough to
 * pay for it. The chunking depends only on the shape, and the chunks' partial sums are combined in chunk
 * order, so a result is the same bit for bit whatever the number of threads.
 */
final class RowChunks {
    private RowChunks() {}

    /** Tokens per chunk: large enough to amortise the task, small enough to balance two to a few dozen cores. */
    static final int CHUNK_TOKENS = 1 << 15;

    @FunctionalInterface
    interface RowRange<P> {
        void run(P partial, int fromRow, int toRow);
    }

    static <P> P run(int rows, int cols, Supplier<P> empty, RowRange<P> body, BinaryOperator<P> combine) {
        int rowsPerChunk = Math.max(1, CHUNK_TOKENS / Math.max(cols, 1));
        int chunks = (rows + rowsPerChunk - 1) / rowsPerChunk;
        if (chunks <= 1) {
            P p = empty.get();
            body.run(p, 0, rows);
            return p;
        }
        @SuppressWarnings("unchecked")
        P[] parts = (P[]) new Object[chunks];
        IntStream.range(0, chunks).parallel().forEach(c -> {
            P p = empty.get();
            body.run(p, c * rowsPerChunk, Math.min(rows, (c + 1) * rowsPerChunk));
            parts[c] = p;
        });
        P acc = parts[0];
        for (int c = 1; c < chunks; c++) {
            acc = combine.apply(acc, parts[c]);
        }
        return acc;
    }
}
