package io.github.vrft.backend;

import io.github.vrft.grpo.FusedLinearLogProbs;
import io.github.vrft.grpo.LogitsLogProbs;

/**
 * One training step of the fused linear log-prob on a device: hidden states, the lm_head weight (and bias), the
 * tokens and the mask are copied to the device once, when the step is opened, and its {@link #forward()} and
 * {@link #backward} both read those copies; a trainer runs both on the same W, so W (1.24 GB at Qwen2.5-VL-3B's
 * lm_head) crosses to the device once per step rather than once per call, as the stateless methods of
 * {@link FusedLinearBackend} must. Opened by {@link FusedLinearBackend#openFusedLinearStep}; holds device memory
 * until {@link #close()} (or until its backend is closed, which closes it). Calls are serialized with the backend's
 * other calls. Not for use after close: a call then throws {@link IllegalStateException}.
 */
public interface FusedLinearStep extends AutoCloseable {
    /**
     * {@link FusedLinearLogProbs#forward} of the step's inputs.
     *
     * @throws IllegalStateException when the step or its backend is closed
     */
    LogitsLogProbs.Forward forward();

    /**
     * {@link FusedLinearLogProbs#backward} of the step's inputs from {@code forward} (this step's, or one computed
     * elsewhere from the same inputs) and ∂L/∂logp.
     *
     * @throws IllegalArgumentException naming {@code forward} or {@code gradLogp} where they do not fit the tokens
     * @throws IllegalStateException    when the step or its backend is closed
     */
    FusedLinearLogProbs.Gradients backward(LogitsLogProbs.Forward forward, float[] gradLogp);

    /** Frees the step's device memory; closing twice is harmless. */
    @Override
    void close();

    /**
     * A step on the CPU ({@link FusedLinearLogProbs} on copies of the arrays, taken now): the same contract without
     * a device, for callers that want one code path (and the device backends' answer to an empty batch).
     *
     * @throws IllegalArgumentException naming the argument at fault
     */
    static FusedLinearStep onCpu(float[] hidden, float[] weight, float[] bias, int hiddenSize, int[] tokens,
                                 boolean[] mask, float temperature, int chunkRows) {
        FusedLinearLogProbs.checkInputs(hidden, weight, bias, hiddenSize, tokens, mask, temperature, chunkRows);
        float[] x = hidden.clone();
        float[] w = weight.clone();
        float[] b = bias == null ? null : bias.clone();
        int[] t = tokens.clone();
        boolean[] m = mask == null ? null : mask.clone();
        return new FusedLinearStep() {
            private boolean closed;

            private void requireOpen() {
                if (closed) {
                    throw new IllegalStateException("this fused linear step is closed");
                }
            }

            @Override
            public synchronized LogitsLogProbs.Forward forward() {
                requireOpen();
                return FusedLinearLogProbs.forward(x, w, b, hiddenSize, t, m, temperature, chunkRows);
            }

            @Override
            public synchronized FusedLinearLogProbs.Gradients backward(LogitsLogProbs.Forward forward,
                                                                       float[] gradLogp) {
                requireOpen();
                return FusedLinearLogProbs.backward(x, w, b, hiddenSize, t, m, temperature, chunkRows, forward,
                        gradLogp);
            }

            @Override
            public synchronized void close() {
                closed = true;
            }
        };
    }
}
