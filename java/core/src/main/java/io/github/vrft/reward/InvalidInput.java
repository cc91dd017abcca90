package io.github.vrft.reward;

/**
 * Bad API input found inside a reward function (a qwen rec line without its image size, a reward method of
 * the wrong kind): an {@link IllegalArgumentException} naming the argument, which the scorer's fault guard
 * lets through, unlike faults in the reward code itself.
 */
final class InvalidInput extends IllegalArgumentException {
    InvalidInput(String message) {
        super(message);
    }
}
