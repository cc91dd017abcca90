package io.github.vrft.backend;

import io.github.vrft.grpo.FusedLinearLogProbs;
import io.github.vrft.grpo.LogitsLogProbs;

/**
 * A device path of the fused linear log-prob ({@link FusedLinearLogProbs} is the CPU's and the oracle): hidden states
 * and the lm_head weight to the chosen tokens' log-probabilities and back, chunk by chunk, with cuBLAS GEMMs around
 * the log-softmax kernels. The jcuda backend implements it with JCublas, the panama backend with cuBLAS through FFM.
 * Arguments are checked as {@link FusedLinearLogProbs} checks them, before anything native runs.
 */
public interface FusedLinearBackend {
    /**
     * {@link FusedLinearLogProbs#forward} on the device: a {@link FusedLinearStep} opened, run and closed (the inputs
     * are copied to the device for this call alone; a training step that runs the backward too should open a step).
     *
     * @throws IllegalArgumentException naming the argument at fault
     * @throws IllegalStateException    where the BLAS library cannot be loaded (the backend's {@code cublas()} says why)
     */
    default LogitsLogProbs.Forward fusedLinearForward(float[] hidden, float[] weight, float[] bias, int hiddenSize,
                                                      int[] tokens, boolean[] mask, float temperature, int chunkRows) {
        try (FusedLinearStep step = openFusedLinearStep(hidden, weight, bias, hiddenSize, tokens, mask, temperature,
                chunkRows)) {
            return step.forward();
        }
    }

    /**
     * {@link FusedLinearLogProbs#backward} on the device: a {@link FusedLinearStep} opened, run and closed.
     *
     * @throws IllegalArgumentException naming the argument at fault, before anything is copied
     * @throws IllegalStateException    where the BLAS library cannot be loaded
     */
    default FusedLinearLogProbs.Gradients fusedLinearBackward(float[] hidden, float[] weight, float[] bias,
                                                              int hiddenSize, int[] tokens, boolean[] mask,
                                                              float temperature, int chunkRows,
                                                              LogitsLogProbs.Forward forward, float[] gradLogp) {
        FusedLinearLogProbs.checkInputs(hidden, weight, bias, hiddenSize, tokens, mask, temperature, chunkRows);
        LogitsLogProbs.checkBackward(tokens.length, forward, gradLogp);
        try (FusedLinearStep step = openFusedLinearStep(hidden, weight, bias, hiddenSize, tokens, mask, temperature,
                chunkRows)) {
            return step.backward(forward, gradLogp);
        }
    }

    /**
     * Opens a {@link FusedLinearStep} on these inputs: they are checked (as {@link FusedLinearLogProbs} checks them)
     * and copied to the device now, and the step's forward and backward use the copies, so a training step copies
     * hidden and W once instead of once per call. The arrays are not read again: changing them does not change the
     * step.
     *
     * @throws IllegalArgumentException naming the argument at fault, before anything native runs
     * @throws IllegalStateException    where the BLAS library cannot be loaded, or the backend is closed
     */
    FusedLinearStep openFusedLinearStep(float[] hidden, float[] weight, float[] bias, int hiddenSize, int[] tokens,
                                        boolean[] mask, float temperature, int chunkRows);

    /** Device memory in use, in bytes, by this backend's own account (a leak check compares it over calls). */
    long deviceMemoryInUse();
}
