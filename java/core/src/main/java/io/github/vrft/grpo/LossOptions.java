package io.github.vrft.grpo;

/** The options of one trainer's policy loss: {@link TrlLossOptions}, {@link VerlLossOptions} or {@link OpenRlhfLossOptions}. */
public sealed interface LossOptions permits TrlLossOptions, VerlLossOptions, OpenRlhfLossOptions {
    /** {@code trl}, {@code verl} or {@code openrlhf}. */
    String impl();
}
