package io.github.vrft.cli;

import java.io.PrintStream;

/** A progress bar on stderr for long runs; redrawn at most every 200 ms, cleared at the end. */
public class Progress {
    /** Shows nothing. */
    public static final Progress NONE = new Progress(null, "");

    private final PrintStream out;
    private final String label;
    private long total;
    private long done;
    private long startNanos;
    private long lastDraw;

    public Progress(PrintStream out, String label) {
        this.out = out;
        this.label = label;
    }

    /** Starts counting towards {@code total} lines; a negative total is not known (no bar, no eta). */
    public void start(long total) {
        this.total = total;
        this.done = 0;
        this.startNanos = System.nanoTime();
        this.lastDraw = 0;
    }

    public void advance(long n) {
        done += n;
        if (out == null) {
            return;
        }
        long now = System.nanoTime();
        if (now - lastDraw < 200_000_000L && (done < total || total < 0)) {
            return;
        }
        lastDraw = now;
        double secs = (now - startNanos) / 1e9;
        double rate = secs > 0 ? done / secs : 0;
        if (total < 0) { // not known in advance (a one-pass run): lines and rate only
            out.printf("\r%s %d lines %,.0f lines/s   ", label, done, rate);
            out.flush();
            return;
        }
        double frac = total == 0 ? 1 : Math.min(1.0, (double) done / total);
        int width = 30;
        int filled = (int) Math.round(frac * width);
        String eta = rate > 0 && done < total ? String.format(" eta %.0fs", (total - done) / rate) : "";
        out.printf("\r%s [%s%s] %d/%d lines %5.1f%% %,.0f lines/s%s   ", label, "#".repeat(filled),
                " ".repeat(width - filled), done, total, 100 * frac, rate, eta);
        out.flush();
    }

    public void done() {
        if (out != null) {
            out.print("\r" + " ".repeat(110) + "\r");
            out.flush();
        }
    }
}
