package io.github.vrft.cli;

import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How many scoring requests {@code vrft serve} takes at once: {@code working} are scored concurrently, up to
 * {@code waiting} more wait their turn, and a request beyond those is refused at once (503 with Retry-After), so
 * that memory stays bounded (each admitted request holds at most one body of {@code --max-body}) whatever the
 * load. A request is admitted before its body is read.
 */
final class Admission {
    private final Semaphore work;
    private final int working;
    private final int limit;
    private final AtomicInteger admitted = new AtomicInteger();

    Admission(int working, int waiting) {
        if (working < 1 || waiting < 0) {
            throw new IllegalArgumentException("working must be at least 1 and waiting at least 0, got " + working
                    + " and " + waiting);
        }
        this.work = new Semaphore(working, true);
        this.working = working;
        this.limit = working + waiting;
    }

    /** Admits a request and waits for its turn to work; false (at once) when the queue is full. */
    boolean enter() throws InterruptedException {
        if (admitted.incrementAndGet() > limit) {
            admitted.decrementAndGet();
            return false;
        }
        try {
            work.acquire();
        } catch (InterruptedException e) {
            admitted.decrementAndGet();
            throw e;
        }
        return true;
    }

    /** The end of an admitted request's work. */
    void exit() {
        work.release();
        admitted.decrementAndGet();
    }

    /** Requests admitted and not yet done (working and waiting). */
    int inFlight() {
        return admitted.get();
    }

    /** Of those, the ones waiting for their turn. */
    int waiting() {
        return Math.max(0, admitted.get() - (working - work.availablePermits()));
    }
}
