package io.github.vrft.reward;

import io.github.vrft.Checks;

/**
 * One row of a batch to score: the task, the model's completion, the solution and the VLM-R1 per-line inputs
 * ({@link VlmR1Inputs#defaults()} for the Visual-RFT tasks).
 */
public record RewardRequest(Task task, String completion, String solution, VlmR1Inputs inputs) {
    /** @throws IllegalArgumentException naming a null argument */
    public RewardRequest {
        Checks.notNull(task, "task");
        Checks.notNull(completion, "completion");
        Checks.notNull(solution, "solution");
        Checks.notNull(inputs, "inputs");
    }

    /** A row with the default VLM-R1 inputs. */
    public RewardRequest(Task task, String completion, String solution) {
        this(task, completion, solution, VlmR1Inputs.defaults());
    }
}
