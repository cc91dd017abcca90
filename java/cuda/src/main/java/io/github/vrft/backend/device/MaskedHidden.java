package io.github.vrft.backend.device;

import java.util.Arrays;

/**
 * The hidden states both bindings' fused linear paths put on the device: the caller's array itself when no row is
 * masked, else a copy with the masked rows zeroed, so that a masked position adds nothing to ∂W whatever its hidden
 * state holds (its gradient row is exactly 0, and its ∂hidden row then too; docs/grpo.md §15). Internal to vrft-cuda.
 */
public final class MaskedHidden {
    private MaskedHidden() {}

    /** hidden [rows, h] with the rows whose mask is false zeroed; hidden itself when there are none (or no mask). */
    public static float[] of(float[] hidden, boolean[] mask, int h) {
        if (mask == null) {
            return hidden;
        }
        float[] x = null;
        for (int r = 0; r < mask.length; r++) {
            if (!mask[r]) {
                if (x == null) {
                    x = hidden.clone();
                }
                Arrays.fill(x, r * h, (r + 1) * h, 0f);
            }
        }
        return x == null ? hidden : x;
    }
}
