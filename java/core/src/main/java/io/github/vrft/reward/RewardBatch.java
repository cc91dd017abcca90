package io.github.vrft.reward;

import io.github.vrft.Checks;
import io.github.vrft.backend.Backend;
import io.github.vrft.box.DetectionMatch;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The scoring pipeline of a batch, in its two phases. {@link #prepare} is the text phase, on the CPU: each
 * row's completion and solution are parsed as upstream parses them; rows whose result depends on Python
 * objects (non-numeric or non-float32 coordinates, boxes that make upstream raise, a firing math_verify gate)
 * and the tasks without kernels are scored completely here, and each detection row with plain numeric boxes
 * leaves ragged arrays (predictions de-duplicated and in confidence order, confidences, ground truth).
 * {@link #compute} is the numeric phase: those arrays, packed, in one {@link Backend#detectionRewards} call,
 * and every row's score assembled. A row that is bad input (a task its profile does not score, a reward
 * method of the wrong kind) is not scored and keeps its message in {@link #error}; the others are.
 *
 * <p>The scores equal {@link RewardScorer#score} row by row, on every backend: the numeric rows are exactly
 * those whose upstream arithmetic is the float64 arithmetic every backend does on them.
 */
public final class RewardBatch {
    /** From this many rows, the text phase runs on the common pool. */
    static final int PARALLEL_FROM = 256;

    private final RewardScorer.Prepared[] prepared;
    private final String[] errors;
    private final int numeric;

    private RewardBatch(RewardScorer.Prepared[] prepared, String[] errors) {
        this.prepared = prepared;
        this.errors = errors;
        int n = 0;
        for (RewardScorer.Prepared p : prepared) {
            n += p != null && p.numeric != null ? 1 : 0;
        }
        this.numeric = n;
    }

    /**
     * The text phase of {@code rows} with {@code scorer}'s options.
     *
     * @throws IllegalArgumentException for a null scorer, list or row (naming it)
     */
    public static RewardBatch prepare(RewardScorer scorer, List<RewardRequest> rows) {
        return prepare(scorer, rows, true);
    }

    /**
     * The text phase of {@code rows}; with {@code parallel} false on the calling thread only, whatever the size
     * (a Spark task owns one core; the common pool would take them all).
     *
     * @throws IllegalArgumentException for a null scorer, list or row (naming it)
     */
    public static RewardBatch prepare(RewardScorer scorer, List<RewardRequest> rows, boolean parallel) {
        Checks.notNull(scorer, "scorer");
        Checks.notNull(rows, "rows");
        RewardRequest[] r = rows.toArray(new RewardRequest[0]);
        for (int i = 0; i < r.length; i++) {
            if (r[i] == null) {
                throw new IllegalArgumentException("rows[" + i + "] must not be null");
            }
        }
        RewardScorer.Prepared[] prepared = new RewardScorer.Prepared[r.length];
        String[] errors = new String[r.length];
        IntStream range = IntStream.range(0, r.length);
        (parallel && r.length >= PARALLEL_FROM ? range.parallel() : range).forEach(i -> {
            try {
                prepared[i] = scorer.prepare(r[i].task(), r[i].completion(), r[i].solution(), r[i].inputs());
            } catch (IllegalArgumentException e) {
                errors[i] = e.getMessage();
            } catch (RuntimeException | StackOverflowError e) {
                // every reward function is guarded; this is a fault around them, kept to its row
                errors[i] = "internal error while scoring: " + e;
            }
        });
        return new RewardBatch(prepared, errors);
    }

    /** The number of rows. */
    public int size() {
        return prepared.length;
    }

    /** Why row {@code i} is not scored (bad input), or null when it is. */
    public String error(int i) {
        return errors[i];
    }

    /** How many rows the numeric phase sends to the backend. */
    public int numericRows() {
        return numeric;
    }

    /**
     * The numeric phase on {@code backend}, then every row's score (null for a row with an {@link #error}).
     * A backend failure (a CUDA error) propagates; no row is then scored.
     */
    public List<RewardScore> compute(Backend backend) {
        Checks.notNull(backend, "backend");
        RewardScore[] out = new RewardScore[prepared.length];
        int[] rows = new int[numeric];
        long[] predOff = new long[numeric + 1];
        long[] gtOff = new long[numeric + 1];
        int m = 0;
        for (int i = 0; i < prepared.length; i++) {
            RewardScorer.Prepared p = prepared[i];
            if (p == null) {
                continue;
            }
            if (p.numeric == null) {
                out[i] = p.score;
            } else {
                rows[m] = i;
                predOff[m + 1] = predOff[m] + p.numeric.conf().length;
                gtOff[m + 1] = gtOff[m] + p.numeric.gt().length / 4;
                m++;
            }
        }
        if (numeric > 0) {
            float[] pred = new float[Math.toIntExact(4 * predOff[numeric])];
            double[] conf = new double[Math.toIntExact(predOff[numeric])];
            float[] gt = new float[Math.toIntExact(4 * gtOff[numeric])];
            for (int k = 0; k < numeric; k++) {
                DetectionReward.Numeric n = prepared[rows[k]].numeric;
                System.arraycopy(n.pred(), 0, pred, (int) (4 * predOff[k]), n.pred().length);
                System.arraycopy(n.conf(), 0, conf, (int) predOff[k], n.conf().length);
                System.arraycopy(n.gt(), 0, gt, (int) (4 * gtOff[k]), n.gt().length);
            }
            DetectionMatch.Result r = backend.detectionRewards(pred, conf, predOff, gt, gtOff);
            for (int k = 0; k < numeric; k++) {
                RewardScorer.Prepared p = prepared[rows[k]];
                DetectionReward.Result d = p.numeric.components(r, k, (int) predOff[k]);
                out[rows[k]] = p.finish(List.of(d.iou(), d.confidence()));
            }
        }
        return Arrays.asList(out);
    }

    @Override
    public String toString() {
        List<Integer> bad = new ArrayList<>();
        for (int i = 0; i < errors.length; i++) {
            if (errors[i] != null) {
                bad.add(i);
            }
        }
        return "RewardBatch[" + prepared.length + " rows, " + numeric + " numeric, bad rows " + bad + "]";
    }
}
