package io.github.vrft.grpo;

import io.github.vrft.Checks;
import io.github.vrft.VectorSupport;

/**
 * The clipped-ratio policy loss, forward and backward fused: one call gives the scalar loss, d loss / d logp
 * for every token, the per-token loss and KL, and the trainer's metrics (docs/grpo.md §3-§8), with the
 * semantics of the trainer whose options are passed.
 *
 * <p>CPU reference implementation: per-token arithmetic in double from float32 inputs, reductions accumulated
 * in double, per-token outputs rounded once to float32. Rows run in fixed chunks on the common pool, so a
 * result does not depend on the thread count. The common TRL case (token level, clipped family, no delta, no
 * IS weights, plain k3 KL) has a Vector API path (see {@link #implementation()}): the same double formulas
 * lane by lane, agreeing with the scalar path to an ulp per token. Stateless and thread-safe.
 */
public final class PolicyLoss {
    private PolicyLoss() {}

    /**
     * Which implementation the common TRL case takes here: the Vector API path (when the JVM runs with
     * {@code --add-modules jdk.incubator.vector} and {@code -Dvrft.vector} is not false) or the scalar one,
     * and why.
     */
    public static String implementation() {
        return VectorSupport.describe();
    }

    /**
     * @throws IllegalArgumentException if an argument is null, or an input the options need is missing (e.g.
     *                                  {@code refLogp} with a KL term)
     */
    public static LossResult compute(TokenBatch batch, LossOptions options) {
        Checks.notNull(batch, "batch");
        Checks.notNull(options, "options");
        return switch (options) {
            case TrlLossOptions o -> TrlPolicyLoss.compute(batch, o);
            case VerlLossOptions o -> VerlFamilyLoss.compute(batch, VerlFamilyLoss.of(o));
            case OpenRlhfLossOptions o -> VerlFamilyLoss.compute(batch, VerlFamilyLoss.of(o));
        };
    }
}
