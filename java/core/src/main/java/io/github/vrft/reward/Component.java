package io.github.vrft.reward;

/**
 * One reward component of one completion.
 *
 * @param name   the upstream reward function's name ({@code accuracy_iou}, {@code format}, ...)
 * @param value  the reward in double, as upstream computes it (NaN where upstream gives NaN)
 * @param reason why the value is 0 or not finite (no answer tag, JSON error at offset N, ...); null otherwise
 */
public record Component(String name, double value, String reason) {}
