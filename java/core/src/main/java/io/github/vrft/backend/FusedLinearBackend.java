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
     * {@link FusedLinearLogProbs#forward} on the device.
     *
     * @throws IllegalArgumentException naming the argument at fault
     * @throws IllegalStateException    where the BLAS library cannot be loaded (the backend's {@code cublas()} says why)
     */
    LogitsLogProbs.Forward fusedLinearForward(float[] hidden, float[] weight, float[] bias, int hiddenSize, int[] tokens,
                                              boolean[] mask, float temperature, int chunkRows);

    /**
     * {@link FusedLinearLogProbs#backward} on the device.
     *
     * @throws IllegalArgumentException naming the argument at fault
     * @throws IllegalStateException    where the BLAS library cannot be loaded
     */
    FusedLinearLogProbs.Gradients fusedLinearBackward(float[] hidden, float[] weight, float[] bias, int hiddenSize,
                                                      int[] tokens, boolean[] mask, float temperature, int chunkRows,
                                                      LogitsLogProbs.Forward forward, float[] gradLogp);

    /** Device memory in use, in bytes, by this backend's own account (a leak check compares it over calls). */
    long deviceMemoryInUse();
}
