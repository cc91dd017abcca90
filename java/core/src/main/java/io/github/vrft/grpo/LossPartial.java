package io.github.vrft.grpo;

/**
 * The partial sums the loss kernels return, in the order of {@code VRFT_SUM_*} in
 * {@code cuda/include/vrft_abi.h} ({@code AbiConstantsTest} checks each index against the header).
 */
public enum LossPartial {
    /** Σ W·ℓ: the loss. */
    LOSS(0),
    /** Σ |W·ℓ|. */
    ABS_LOSS(1),
    /** Σ kl (TRL: the KL actually added). */
    KL(2),
    /** TRL: tokens clipped low with a negative advantage. */
    LOW(3),
    /** TRL: tokens clipped high with a positive advantage. */
    HIGH(4),
    /** verl: tokens where the clipped branch is taken. */
    CLIPFRAC(5),
    /** verl: Σ −(x − old), clamped. */
    PPO_KL(6),
    /** verl: tokens on the dual-clip lower bound. */
    LOWER(7),
    /** verl: Σ W·kl, the aggregated KL loss. */
    WEIGHTED_KL(8);

    /** The number of partial sums ({@code VRFT_SUMS}). */
    public static final int COUNT = 9;

    private final int index;

    LossPartial(int index) {
        this.index = index;
    }

    /** The index in the kernels' sums array ({@code VRFT_SUM_<name>}). */
    public int index() {
        return index;
    }

    /** This partial's value in {@code sums}. */
    public double of(double[] sums) {
        return sums[index];
    }
}
