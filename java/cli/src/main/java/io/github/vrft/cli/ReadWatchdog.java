package io.github.vrft.cli;

import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.http1.Http1ConnectionListener;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Cuts off request heads and bodies that take too long to arrive. Helidon's WebServer closes idle keep-alive
 * connections (and one stalled in a request's first line), but a client that stops in its headers or mid-body holds
 * its thread (and, in a body, an admission slot) for as long as the connection lives: the server sets no socket read
 * timeout (Helidon 4.5). A read
 * is registered while it runs; a daemon thread looks every quarter of the timeout and interrupts a reader that
 * started longer ago than the timeout. A virtual thread interrupted in a socket read gets a
 * {@link java.net.SocketException} and its socket is closed, so the connection ends there.
 */
final class ReadWatchdog implements AutoCloseable {
    private final long timeoutNanos;
    private final long periodMillis;
    private final Set<Reading> readings = ConcurrentHashMap.newKeySet();
    private final Thread checker;
    private volatile boolean closed;

    /** A body read in progress. {@link #close()} it when the read returns; it is then never interrupted. */
    final class Reading implements AutoCloseable {
        private final Thread reader = Thread.currentThread();
        private final long started = System.nanoTime();
        private boolean done;
        private boolean cut;

        /** Interrupts the reader if it is late; true when it did (the read is then forgotten). */
        private synchronized boolean cutIfLate(long now) {
            if (!done && now - started > timeoutNanos) {
                cut = true;
                reader.interrupt();
                return true;
            }
            return false;
        }

        /** Whether the watchdog interrupted this read (its exception is then the timeout's). */
        synchronized boolean wasCut() {
            return cut;
        }

        @Override
        public void close() {
            synchronized (this) {
                done = true;
                if (cut) {
                    Thread.interrupted(); // the interrupt was for the read, not for what the handler does next
                }
            }
            readings.remove(this);
        }
    }

    ReadWatchdog(Duration timeout) {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("the timeout must be positive, got " + timeout);
        }
        this.timeoutNanos = timeout.toNanos();
        this.periodMillis = Math.max(10, Math.min(60_000, timeout.toMillis() / 4));
        this.checker = Thread.ofPlatform().daemon().name("vrft-read-watchdog").start(() -> {
            while (!closed) {
                try {
                    Thread.sleep(periodMillis);
                } catch (InterruptedException e) {
                    return;
                }
                long now = System.nanoTime();
                readings.removeIf(r -> r.cutIfLate(now)); // a cut read may never be closed: its thread failed
            }
        });
    }

    /**
     * A listener for Helidon's HTTP/1 connections that watches the request head: from its first line (the
     * prologue, which Helidon itself guards while it waits for it) to the end of its headers, which Helidon
     * reads without a timeout.
     */
    Http1ConnectionListener headGuard() {
        ThreadLocal<Reading> head = new ThreadLocal<>();
        return new Http1ConnectionListener() {
            @Override
            public void prologue(ConnectionContext ctx, HttpPrologue prologue) {
                head.set(start());
            }

            @Override
            public void headers(ConnectionContext ctx, Headers headers) {
                Reading r = head.get();
                if (r != null) {
                    head.remove();
                    r.close();
                }
            }
        };
    }

    /** Registers a read on the calling thread. */
    Reading start() {
        Reading r = new Reading();
        readings.add(r);
        return r;
    }

    /** How often it looks: a quarter of the timeout, within 10 ms to a minute. */
    Duration period() {
        return Duration.ofMillis(periodMillis);
    }

    /** The timeout, for messages. */
    Duration timeout() {
        return Duration.ofNanos(timeoutNanos);
    }

    @Override
    public void close() {
        closed = true;
        checker.interrupt();
    }
}
