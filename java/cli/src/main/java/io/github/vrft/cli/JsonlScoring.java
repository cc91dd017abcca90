package io.github.vrft.cli;

import io.github.vrft.backend.Backend;
import io.github.vrft.backend.CpuBackend;
import io.github.vrft.reward.Component;
import io.github.vrft.reward.RewardBatch;
import io.github.vrft.reward.RewardRequest;
import io.github.vrft.reward.RewardScore;
import io.github.vrft.reward.RewardScorer;
import io.github.vrft.reward.Task;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.function.Function;
import java.util.stream.IntStream;

/**
 * Scores a JSON Lines file of rollouts (the schema is in the README): one completion per line in, the same line plus
 * {@code rewards}, {@code advantage} and {@code diagnostics} out, in input order.
 *
 * <p>Two passes over the file, each reading blocks of bytes ahead on a thread of its own ({@link LineBlocks}):
 * the first counts the lines of each group key ({@link RolloutLine}); the second reads, scores and renders
 * each block's lines in parallel and releases a group's lines, in input order, as soon as its last line has
 * been seen, to a writer thread ({@link OrderedWriter}). An output line is its input line, less any
 * {@code rewards}, {@code advantage} or {@code diagnostics} member it had, with the new ones appended
 * ({@link ScoredLine}). With each group's lines contiguous (the usual layout) about one group waits in
 * memory; groups spread over the file still work, by holding lines until their group is complete, on disk
 * beyond a memory limit ({@link HeldLines}). A bad line (not JSON, a missing or mistyped field, an unknown
 * task) is reported with its line number and left out; the others are scored.
 */
public final class JsonlScoring {
    private final RewardScorer scorer;
    private final Backend backend;
    private final Function<float[], float[]> groupAdvantage;
    private final PrintStream err;
    private final Progress progress;

    /**
     * @param scorer         the reward options (the text phase)
     * @param backend        where the numeric phase runs
     * @param groupAdvantage the advantages of one group from its float32 totals
     * @param err            where bad lines are reported
     * @param progress       progress display (or {@link Progress#NONE})
     */
    public JsonlScoring(RewardScorer scorer, Backend backend, Function<float[], float[]> groupAdvantage, PrintStream err,
                        Progress progress) {
        this.scorer = scorer;
        this.backend = backend;
        this.groupAdvantage = groupAdvantage;
        this.err = err;
        this.progress = progress;
    }

    /** What a run did. */
    public record Summary(long lines, long scored, long badLines, long groups, Map<Task, TaskStats> byTask,
                          long nanos) {}

    /** Per-task sums for the summary table. */
    public static final class TaskStats {
        final List<String> names;
        final double[] sums;
        final long[] zeroWithReason;
        long count;
        double totalSum;

        TaskStats(List<String> names) {
            this.names = names;
            sums = new double[names.size()];
            zeroWithReason = new long[names.size()];
        }

        void add(RewardScore s) {
            count++;
            totalSum += s.totalF32();
            List<Component> cs = s.components();
            for (int i = 0; i < cs.size(); i++) {
                sums[i] += cs.get(i).value();
                if (cs.get(i).reason() != null) {
                    zeroWithReason[i]++;
                }
            }
        }

        /** Adds {@code o}'s sums to these (the same task, so the same components); returns this. */
        TaskStats plus(TaskStats o) {
            count += o.count;
            totalSum += o.totalSum;
            for (int i = 0; i < sums.length; i++) {
                sums[i] += o.sums[i];
                zeroWithReason[i] += o.zeroWithReason[i];
            }
            return this;
        }

        public long count() {
            return count;
        }

        public List<String> names() {
            return names;
        }

        public double mean(int component) {
            return sums[component] / count;
        }

        public long zeroWithReason(int component) {
            return zeroWithReason[component];
        }

        public double meanTotal() {
            return totalSum / count;
        }
    }

    /** A group: how many lines of it are still to come, and its scored lines in input order. */
    private static final class Group {
        int remaining;
        List<HeldLines.Held> rows;
        float[] totals;
        int scored;
    }

    /** What the parallel phase makes of one line. */
    private static final class Outcome {
        RolloutLine line;
        String error;
        RewardScore score;
        HeldLines.Held held;
    }

    /**
     * Where the scored lines go, for a run that may start over: {@link #restart} empties what was written and
     * gives a stream to write the run again, where {@link #restartable} says it can (a file; not stdout or a
     * pipe).
     */
    public interface Output {
        /** The stream to write to now. */
        OutputStream stream();

        /** Whether {@link #restart} can empty the output. */
        boolean restartable();

        /** Empties the output and returns the stream to write it again (the old one is closed). */
        OutputStream restart() throws IOException;
    }

    /** A run in one pass found a group key again after its group had ended: it starts over in two passes. */
    private static final class NotContiguous extends Exception {
        final long lineNo;
        final String key;

        NotContiguous(long lineNo, String key) {
            super(null, null, false, false);
            this.lineNo = lineNo;
            this.key = key;
        }
    }

    /**
     * Scores {@code input} into {@code out}. Groups are first taken to be contiguous (each prompt_id's lines one
     * after another, as trainers write them): one pass, a group ends where the key changes. Should a key come
     * back after its group ended, and {@code out} can start over, the run starts over in two passes (the
     * first counts each group's lines), which is right for any layout; bad lines already reported are not
     * reported again. Where {@code out} cannot start over, the run is in two passes from the start.
     *
     * @throws IOException on a read or write failure (the output is then incomplete, and the caller says so)
     * @throws HeldLines.TooScatteredException when more lines wait for incomplete groups than the heap can track
     */
    public Summary run(Path input, Output out, long holdBytes) throws IOException {
        long t0 = System.nanoTime();
        if (out.restartable()) {
            try {
                return score(input, out.stream(), holdBytes, null, -1, t0);
            } catch (NotContiguous e) {
                err.println("vrft score: line " + e.lineNo + ": " + RolloutLine.describeKey(e.key) + " comes again after "
                        + "its group ended; scoring again in two passes (sorting the file by prompt_id avoids this)");
                reportedThrough = e.lineNo - 1;
                OutputStream again = out.restart();
                try {
                    return twoPasses(input, again, holdBytes, t0);
                } finally {
                    reportedThrough = 0;
                }
            }
        }
        return twoPasses(input, out.stream(), holdBytes, t0);
    }

    /**
     * Scores {@code input} into {@code out} (bytes, UTF-8) in two passes, holding at most {@code holdBytes} of
     * waiting lines in memory (the rest goes to a temporary file).
     *
     * @throws IOException on a read or write failure (the output is then incomplete, and the caller says so)
     * @throws HeldLines.TooScatteredException when more lines wait for incomplete groups than the heap can track
     */
    public Summary run(Path input, OutputStream out, long holdBytes) throws IOException {
        return twoPasses(input, out, holdBytes, System.nanoTime());
    }

    /** Lines up to this number were reported by a run that started over: not again. */
    private long reportedThrough;

    private Summary twoPasses(Path input, OutputStream out, long holdBytes, long t0) throws IOException {
        Map<String, Group> groups = new HashMap<>();
        long lines = countGroups(input, groups);
        try {
            return score(input, out, holdBytes, groups, lines, t0);
        } catch (NotContiguous e) {
            throw new AssertionError("two passes know every group", e);
        }
    }

    /**
     * The scoring pass. With {@code counted} (the first pass's lines per key, and its {@code lines}), a group is
     * complete when all its lines are in; without, groups are taken to be contiguous, and a key seen again after its group ended
     * throws {@link NotContiguous} (the keys of ended groups are kept as 64-bit hashes: a collision only
     * costs a needless second run).
     */
    private Summary score(Path input, OutputStream out, long holdBytes, Map<String, Group> counted, long lines,
                          long t0) throws IOException, NotContiguous {
        boolean contiguous = counted == null;
        Map<String, Group> groups = contiguous ? new HashMap<>() : counted;
        EndedKeys ended = contiguous ? new EndedKeys() : null;
        String currentKey = null;
        Map<Task, TaskStats> stats = new EnumMap<>(Task.class);
        long[] tally = new long[3]; // lines, scored, bad
        long groupsDone = 0;
        progress.start(lines); // -1 in one pass: not known
        long maxWaiting = Math.max(1 << 16, Runtime.getRuntime().maxMemory() / 4 / 96);
        try (LineBlocks blocks = new LineBlocks(Compression.open(input), RolloutLine.MAX_LINE_BYTES);
             HeldLines held = new HeldLines(holdBytes, maxWaiting);
             OrderedWriter writer = new OrderedWriter(out)) {
            // One block is scored (on every core) while the lines of the one before are put in order here.
            LineBlocks.Block next = blocks.next();
            ForkJoinTask<Outcome[]> pending = next == null ? null : submit(next, stats);
            while (pending != null) {
                Outcome[] outs = pending.join();
                LineBlocks.Block b = next;
                blocks.release(b);
                next = blocks.next();
                pending = next == null ? null : submit(next, stats);
                long advanced = 0;
                for (int i = 0; i < outs.length; i++) {
                    Outcome o = outs[i];
                    if (o == null) {
                        continue; // blank
                    }
                    advanced++;
                    tally[0]++;
                    long lineNo = b.firstNumber + i;
                    String key = o.line == null ? null : o.line.key;
                    if (contiguous && key != null && !key.equals(currentKey)) {
                        if (currentKey != null) {
                            if (finish(groups.remove(currentKey))) {
                                groupsDone++;
                                writeReady(held, writer);
                            }
                            ended.add(currentKey);
                        }
                        if (ended.contains(key)) {
                            if (pending != null) {
                                pending.join(); // the block in flight finishes before the run starts over
                            }
                            throw new NotContiguous(lineNo, key);
                        }
                        currentKey = key;
                        groups.put(key, new Group());
                    }
                    Group g = key == null ? null : groups.get(key);
                    if (o.error != null) {
                        tally[2]++;
                        if (lineNo > reportedThrough) {
                            err.println("line " + lineNo + ": " + o.error);
                        }
                    } else {
                        tally[1]++;
                        RewardScore sc = o.score;
                        if (g == null) { // not seen by the first pass (the file changed): a group of its own
                            g = new Group();
                            g.remaining = 1;
                            groups.put(key, g);
                        }
                        if (g.rows == null) {
                            g.rows = new ArrayList<>(Math.max(8, g.remaining));
                            g.totals = new float[Math.max(8, g.remaining)];
                        }
                        if (g.scored == g.totals.length) {
                            g.totals = java.util.Arrays.copyOf(g.totals, g.scored * 2);
                        }
                        g.totals[g.scored++] = sc.totalF32();
                        g.rows.add(o.held);
                        held.add(o.held, key);
                    }
                    if (!contiguous && g != null && --g.remaining == 0) {
                        if (finish(g)) {
                            groupsDone++;
                            writeReady(held, writer); // before later lines of the block are held
                        }
                        groups.remove(key);
                    }
                }
                progress.advance(advanced);
                writeReady(held, writer);
            }
            // The last group of a contiguous run; in two passes, groups short of lines the first pass counted
            // (the file changed between the passes).
            for (Group g : groups.values()) {
                if (finish(g)) {
                    groupsDone++;
                }
            }
            groups.clear();
            writeReady(held, writer);
            if (held.spilledLines() > 0) {
                err.println("vrft score: " + held.spilledLines() + " lines waited on disk for their groups (the groups "
                        + "are spread over the file; sorting it by prompt_id avoids this)");
            }
        }
        progress.done();
        return new Summary(tally[0], tally[1], tally[2], groupsDone, stats, System.nanoTime() - t0);
    }

    /**
     * The keys of the groups that have ended in a one-pass run, as 64-bit hashes in an open-addressing table
     * (16 bytes a group at most; a String set would hold every key's text).
     */
    private static final class EndedKeys {
        private long[] table = new long[1 << 12];
        private int size;
        private boolean hasZero;

        private static long hash(String key) {
            long h = 0xcbf29ce484222325L; // FNV-1a over the chars, then a finaliser (splitmix64's)
            for (int i = 0; i < key.length(); i++) {
                h = (h ^ key.charAt(i)) * 0x100000001b3L;
            }
            h = (h ^ (h >>> 30)) * 0xbf58476d1ce4e5b9L;
            h = (h ^ (h >>> 27)) * 0x94d049bb133111ebL;
            return h ^ (h >>> 31);
        }

        void add(String key) {
            long h = hash(key);
            if (h == 0) {
                hasZero = true;
                return;
            }
            if (2 * (size + 1) > table.length) {
                long[] old = table;
                table = new long[old.length * 2];
                for (long v : old) {
                    if (v != 0) {
                        insert(v);
                    }
                }
            }
            if (insert(h)) {
                size++;
            }
        }

        private boolean insert(long h) {
            int mask = table.length - 1;
            for (int i = (int) h & mask; ; i = (i + 1) & mask) {
                if (table[i] == h) {
                    return false;
                }
                if (table[i] == 0) {
                    table[i] = h;
                    return true;
                }
            }
        }

        boolean contains(String key) {
            long h = hash(key);
            if (h == 0) {
                return hasZero;
            }
            int mask = table.length - 1;
            for (int i = (int) h & mask; table[i] != 0; i = (i + 1) & mask) {
                if (table[i] == h) {
                    return true;
                }
            }
            return false;
        }
    }

    /** Scores {@code input} into {@code out}, holding waiting lines in memory up to an eighth of the heap. */
    public Summary run(Path input, OutputStream out) throws IOException {
        return run(input, out, defaultHoldBytes());
    }

    /** An eighth of the heap: the memory for lines that wait for their groups before they go to disk. */
    public static long defaultHoldBytes() {
        return Runtime.getRuntime().maxMemory() / 8;
    }

    /** The advantages of a complete group; false when it has no scored line. */
    private boolean finish(Group g) {
        if (g.rows == null || g.rows.isEmpty()) {
            return false;
        }
        float[] adv = groupAdvantage.apply(java.util.Arrays.copyOf(g.totals, g.scored));
        for (int i = 0; i < g.scored; i++) {
            HeldLines.Held h = g.rows.get(i);
            h.advantage = adv[i];
            h.ready = true;
        }
        g.rows = null;
        g.totals = null;
        return true;
    }

    private static void writeReady(HeldLines held, OrderedWriter writer) throws IOException {
        while (!held.isEmpty() && held.first().ready) {
            HeldLines.Held h = held.poll();
            writer.line(h.head, h.headLength, h.advantage, h.tail, h.tailLength);
        }
        writer.endOfBatch();
    }

    /**
     * Scores {@code b} on the scoring pool; its per-task sums join {@code stats} when it is done (one block
     * at a time is in flight, so they never join concurrently).
     */
    private ForkJoinTask<Outcome[]> submit(LineBlocks.Block b, Map<Task, TaskStats> stats) {
        return POOL.submit(() -> scoreBlock(b, stats));
    }

    private static final java.util.concurrent.atomic.AtomicInteger WORKERS = new java.util.concurrent.atomic.AtomicInteger();

    /** The scoring threads, one per core: the common pool has one fewer, and this thread is busy ordering lines. */
    private static final ForkJoinPool POOL = new ForkJoinPool(Math.max(1, Runtime.getRuntime().availableProcessors()),
            pool -> {
                ForkJoinWorkerThread t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(pool);
                t.setName("vrft-score-" + WORKERS.incrementAndGet());
                t.setDaemon(true);
                return t;
            }, null, false);

    /**
     * A block through the pipeline, in slices that run in parallel: each slice's lines read, then the text phase
     * and the numeric phase of the slice's batch ({@link RewardBatch}), then each scored line's output bytes. A
     * slice does all of it, so that both cores stay busy through every phase; the backend is called by one slice
     * at a time unless it is the CPU's, which keeps no state.
     */
    private Outcome[] scoreBlock(LineBlocks.Block b, Map<Task, TaskStats> stats) {
        Outcome[] outs = new Outcome[b.count];
        int slices = Math.max(1, Math.min(SLICES, b.count / 64));
        @SuppressWarnings("unchecked")
        Map<Task, TaskStats>[] sliceStats = new Map[slices];
        IntStream.range(0, slices).parallel().forEach(s -> {
            int from = (int) ((long) b.count * s / slices);
            int to = (int) ((long) b.count * (s + 1) / slices);
            sliceStats[s] = scoreSlice(b, from, to, outs);
        });
        for (Map<Task, TaskStats> m : sliceStats) {
            m.forEach((task, t) -> stats.merge(task, t, TaskStats::plus));
        }
        return outs;
    }

    /** Slices per block: a few per core, so that an uneven slice does not leave a core idle. */
    private static final int SLICES = 4 * Math.max(1, Runtime.getRuntime().availableProcessors());

    /** Scores lines {@code [from, to)} of {@code b} into {@code outs}; returns the slice's per-task sums. */
    private Map<Task, TaskStats> scoreSlice(LineBlocks.Block b, int from, int to, Outcome[] outs) {
        Map<Task, TaskStats> stats = new EnumMap<>(Task.class);
        List<RewardRequest> requests = new ArrayList<>(to - from);
        int[] index = new int[to - from];
        for (int i = from; i < to; i++) {
            if (b.blank(i)) {
                continue;
            }
            Outcome o = new Outcome();
            outs[i] = o;
            if (b.tooLong(i)) {
                o.error = "line is longer than " + RolloutLine.MAX_LINE_BYTES + " bytes; skipped";
                continue;
            }
            o.line = RolloutLine.read(b.data, b.start[i], b.end[i]);
            if (o.line.error != null) {
                o.error = o.line.error;
                // a bad line still counts in its group when the first pass found its prompt_id
                o.line.key = RolloutLine.keyOf(b.data, b.start[i], b.end[i]);
                continue;
            }
            index[requests.size()] = i;
            requests.add(o.line.request);
            o.line.request = null;
        }
        RewardBatch batch = RewardBatch.prepare(scorer, requests);
        List<RewardScore> scores = compute(batch, backend);
        for (int k = 0; k < requests.size(); k++) {
            Outcome o = outs[index[k]];
            if (batch.error(k) != null) {
                o.error = batch.error(k); // a task the profile does not score, a method of the wrong kind
                continue;
            }
            RewardScore sc = scores.get(k);
            o.score = sc;
            stats.computeIfAbsent(sc.task(), t -> new TaskStats(sc.components().stream().map(Component::name)
                    .toList())).add(sc);
            int i = index[k];
            o.held = ScoredLine.render(b.data, b.start[i], o.line, sc, b.firstNumber + i);
        }
        return stats;
    }

    /**
     * The numeric phase of {@code batch} on {@code backend}: the CPU backend keeps no state and is called from
     * any number of threads at once; a device backend by one thread at a time.
     */
    static List<RewardScore> compute(RewardBatch batch, Backend backend) {
        if (backend instanceof CpuBackend) {
            return batch.compute(backend);
        }
        synchronized (backend) {
            return batch.compute(backend);
        }
    }

    /** Pass 1: the lines (non-blank) and, per group key, how many lines it has. */
    private static long countGroups(Path input, Map<String, Group> groups) throws IOException {
        long lines = 0;
        try (LineBlocks blocks = new LineBlocks(Compression.open(input), RolloutLine.MAX_LINE_BYTES)) {
            LineBlocks.Block b;
            while ((b = blocks.next()) != null) {
                LineBlocks.Block block = b;
                String[] keys = new String[b.count];
                boolean[] counted = new boolean[b.count];
                IntStream.range(0, b.count).parallel().forEach(i -> {
                    if (!block.blank(i)) {
                        counted[i] = true;
                        keys[i] = block.tooLong(i) ? null : RolloutLine.keyOf(block.data, block.start[i], block.end[i]);
                    }
                });
                blocks.release(b);
                for (int i = 0; i < keys.length; i++) {
                    lines += counted[i] ? 1 : 0;
                    if (keys[i] != null) {
                        groups.computeIfAbsent(keys[i], k -> new Group()).remaining++;
                    }
                }
            }
        }
        return lines;
    }
}
