package io.github.vrft.grpo;

import io.github.vrft.nativehost.HostLib;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Ties the two owners of the log-softmax math together: {@link LogitsLogProbs}'s push, merge, lse and grad against
 * vrft_math.h's vrft_lse_push, vrft_lse_merge, vrft_lse_value and vrft_logits_grad (which the CUDA kernels run),
 * built for the host. The branches must agree exactly (which value becomes the maximum, what −∞ and NaN do); the
 * values within a few double ulps, since the C library's exp and Java's may differ in the last bit, and the float
 * gradient within one float ulp.
 */
class LogitsMathHostTest {
    private static final double[] SPECIAL = {Double.NEGATIVE_INFINITY, Double.NaN, 0.0, -0.0, 1e300, -1e300, 700, -700};

    @Test
    void onlineStepsAgreeWithTheHeader() throws Throwable {
        assumeTrue(HostLib.available(), HostLib::why);
        SplittableRandom rnd = new SplittableRandom(11);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ms = arena.allocate(ValueLayout.JAVA_DOUBLE, 2);
            for (int run = 0; run < 400; run++) {
                double[] java = {Double.NEGATIVE_INFINITY, 0.0};
                ms.setAtIndex(ValueLayout.JAVA_DOUBLE, 0, Double.NEGATIVE_INFINITY);
                ms.setAtIndex(ValueLayout.JAVA_DOUBLE, 1, 0.0);
                int n = rnd.nextInt(1, 60);
                for (int k = 0; k < n; k++) {
                    double z = rnd.nextInt(10) == 0 ? SPECIAL[rnd.nextInt(SPECIAL.length)] : rnd.nextGaussian() * 20;
                    if (rnd.nextInt(4) == 0) {
                        // a state that saw only NaN (and −∞) is (−∞, NaN): the merge must keep its NaN
                        double s2 = z == Double.NEGATIVE_INFINITY && rnd.nextBoolean() ? Double.NaN
                                : rnd.nextDouble(0.5, 50);
                        LogitsLogProbs.merge(z, s2, java);
                        HostLib.LSE_MERGE.invokeExact(z, s2, ms);
                    } else {
                        LogitsLogProbs.push(z, java);
                        HostLib.LSE_PUSH.invokeExact(z, ms);
                    }
                    String what = "run " + run + " step " + k + " z " + z;
                    assertEquals(java[0], ms.getAtIndex(ValueLayout.JAVA_DOUBLE, 0), 0.0, what + ": the maximum");
                    assertClose(java[1], ms.getAtIndex(ValueLayout.JAVA_DOUBLE, 1), what + ": the sum");
                }
                double c = (double) HostLib.LSE_VALUE.invokeExact(java[0], java[1]);
                assertClose(LogitsLogProbs.lse(java[0], java[1]), c, "run " + run + ": lse");
            }
        }
    }

    @Test
    void gradientEntriesAgreeWithTheHeader() throws Throwable {
        assumeTrue(HostLib.available(), HostLib::why);
        SplittableRandom rnd = new SplittableRandom(12);
        for (int k = 0; k < 20_000; k++) {
            double lse = rnd.nextGaussian() * 5;
            double z = k % 97 == 0 ? SPECIAL[k % SPECIAL.length] : lse - rnd.nextDouble(0, 30);
            double g = rnd.nextGaussian();
            int token = k & 1;
            float java = LogitsLogProbs.grad(z, lse, g, token == 1);
            float c = (float) HostLib.LOGITS_GRAD.invokeExact(z, lse, g, token);
            if (Float.isNaN(java) || Float.isInfinite(java)) {
                assertEquals(java, c, 0f, "z " + z + " lse " + lse);
            } else {
                assertEquals(java, c, Math.ulp(java), "z " + z + " lse " + lse + " g " + g + " token " + token);
            }
        }
    }

    private static void assertClose(double java, double c, String what) {
        if (Double.isNaN(java) || Double.isInfinite(java)) {
            assertEquals(java, c, 0.0, what);
        } else {
            assertEquals(java, c, 4 * Math.ulp(java), what);
        }
    }
}
