package io.github.vrft.cli;

import org.junit.jupiter.api.Test;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** vrft serve's admission: so many work, so many wait, the rest are refused at once. */
class AdmissionTest {
    @Test
    void workingThenWaitingThenRefused() throws Exception {
        Admission a = new Admission(1, 1);
        assertTrue(a.enter()); // works
        CountDownLatch entered = new CountDownLatch(1);
        AtomicBoolean second = new AtomicBoolean();
        Thread waiter = Thread.ofVirtual().start(() -> {
            try {
                second.set(a.enter()); // admitted, waits for the one working
                entered.countDown();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (a.inFlight() < 2 && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        assertEquals(2, a.inFlight());
        assertEquals(1, a.waiting());
        assertFalse(a.enter()); // the queue is full: refused at once
        assertEquals(2, a.inFlight());
        a.exit(); // the first is done: the waiter works
        assertTrue(entered.await(10, TimeUnit.SECONDS));
        assertTrue(second.get());
        assertEquals(0, a.waiting());
        a.exit();
        waiter.join();
        assertEquals(0, a.inFlight());
        assertTrue(a.enter());
        a.exit();
    }

    @Test
    void badLimitsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Admission(0, 4));
        assertThrows(IllegalArgumentException.class, () -> new Admission(2, -1));
    }
}
