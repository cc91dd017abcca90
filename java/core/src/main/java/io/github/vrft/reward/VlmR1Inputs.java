package io.github.vrft.reward;

import io.github.vrft.Checks;

import java.util.Arrays;

/**
 * The per-completion inputs of the VLM-R1 rewards beyond completion and solution.
 *
 * @param model            the REC module (task rec); {@link RecModel#QWEN} by default
 * @param method           the accuracy method (tasks od and accuracy); od_ap for od and default for accuracy
 *                         when null
 * @param imageSizeWh      the original image's (width, height), which the Qwen REC reward reads with
 *                         {@code PIL.Image.open}; null where not needed
 * @param imageGridThw     the Qwen processor's {@code image_grid_thw} (t, h, w): the model saw
 *                         {@code (14·w) × (14·h)} pixels; null where not needed
 * @param completionTokens the completion's length in tokens for the cosine length reward; null counts
 *                         whitespace-separated words (the golden files' stand-in for the tokenizer)
 * @param ovdLegacyFormat  score {@code format} of an od line with the legacy OVD pattern (qwen_module.py at
 *                         5faf4b1) instead of the generic fullmatch
 */
public record VlmR1Inputs(RecModel model, VlmR1Method method, int[] imageSizeWh, int[] imageGridThw,
                          Integer completionTokens, boolean ovdLegacyFormat) {
    public VlmR1Inputs {
        Checks.notNull(model, "model");
        if (imageSizeWh != null) {
            if (imageSizeWh.length != 2 || imageSizeWh[0] <= 0 || imageSizeWh[1] <= 0) {
                throw new IllegalArgumentException("imageSizeWh: expected two positive ints (width, height), got "
                        + Arrays.toString(imageSizeWh));
            }
            imageSizeWh = imageSizeWh.clone();
        }
        if (imageGridThw != null) {
            if (imageGridThw.length != 3 || imageGridThw[0] <= 0 || imageGridThw[1] <= 0 || imageGridThw[2] <= 0) {
                throw new IllegalArgumentException("imageGridThw: expected three positive ints (t, h, w), got "
                        + Arrays.toString(imageGridThw));
            }
            imageGridThw = imageGridThw.clone();
        }
        if (completionTokens != null && completionTokens < 0) {
            throw new IllegalArgumentException("completionTokens: must be >= 0, got " + completionTokens);
        }
    }

    /**
     * The inputs of a rollout record's VLM-R1 fields as read from it ({@code vrft score}'s lines, a Spark row):
     * {@code model} (rec; qwen when null), {@code reward_method} (od and accuracy), {@code completion_tokens},
     * {@code format} ({@code fullmatch} or {@code default}, or {@code ovd-legacy}), {@code image_size_wh} and
     * {@code image_grid_thw}; null means absent. A reader passes a value of the wrong kind as one that fails
     * here: a non-integer token count as -1, an array that is not all integers as an empty array.
     *
     * @throws IllegalArgumentException naming the field as the record spells it
     */
    public static VlmR1Inputs ofFields(String model, String rewardMethod, Long completionTokens, String format,
                                       long[] imageSizeWh, long[] imageGridThw) {
        RecModel m = model == null ? RecModel.QWEN : RecModel.parse(model);
        VlmR1Method method = rewardMethod == null ? null : VlmR1Method.parse(rewardMethod);
        if (completionTokens != null && (completionTokens < 0 || completionTokens > Integer.MAX_VALUE)) {
            throw new IllegalArgumentException("field 'completion_tokens' must be a non-negative integer");
        }
        boolean ovdLegacy = false;
        if (format != null) {
            ovdLegacy = switch (format.replace('_', '-')) {
                case "fullmatch", "default" -> false;
                case "ovd-legacy" -> true;
                default -> throw new IllegalArgumentException("field 'format': unknown format reward '" + format
                        + "'; expected fullmatch or ovd-legacy");
            };
        }
        return new VlmR1Inputs(m, method, positiveInts(imageSizeWh, "image_size_wh", 2),
                positiveInts(imageGridThw, "image_grid_thw", 3),
                completionTokens == null ? null : (int) (long) completionTokens, ovdLegacy);
    }

    private static int[] positiveInts(long[] values, String name, int n) {
        if (values == null) {
            return null;
        }
        boolean ok = values.length == n;
        for (int i = 0; i < values.length && ok; i++) {
            ok = values[i] > 0 && values[i] <= Integer.MAX_VALUE;
        }
        if (!ok) {
            throw new IllegalArgumentException("field '" + name + "' must be an array of " + n + " positive integers");
        }
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = (int) values[i];
        }
        return out;
    }

    /** Qwen model, default methods, no image, whitespace token count, generic format. */
    public static VlmR1Inputs defaults() {
        return new VlmR1Inputs(RecModel.QWEN, null, null, null, null, false);
    }

    public static VlmR1Inputs rec(RecModel model, int[] imageSizeWh, int[] imageGridThw) {
        return new VlmR1Inputs(model, null, imageSizeWh, imageGridThw, null, false);
    }

    public static VlmR1Inputs method(VlmR1Method method) {
        Checks.notNull(method, "method");
        return new VlmR1Inputs(RecModel.QWEN, method, null, null, null, false);
    }

    public VlmR1Inputs withCompletionTokens(Integer tokens) {
        return new VlmR1Inputs(model, method, imageSizeWh, imageGridThw, tokens, ovdLegacyFormat);
    }

    public VlmR1Inputs withOvdLegacyFormat(boolean legacy) {
        return new VlmR1Inputs(model, method, imageSizeWh, imageGridThw, completionTokens, legacy);
    }

    @Override
    public int[] imageSizeWh() {
        return imageSizeWh == null ? null : imageSizeWh.clone();
    }

    @Override
    public int[] imageGridThw() {
        return imageGridThw == null ? null : imageGridThw.clone();
    }

    /** Equal when every field is, the arrays by content (a record would compare them by identity). */
    @Override
    public boolean equals(Object o) {
        return o instanceof VlmR1Inputs v && model == v.model && method == v.method
                && Arrays.equals(imageSizeWh, v.imageSizeWh) && Arrays.equals(imageGridThw, v.imageGridThw)
                && java.util.Objects.equals(completionTokens, v.completionTokens) && ovdLegacyFormat == v.ovdLegacyFormat;
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(model, method, Arrays.hashCode(imageSizeWh), Arrays.hashCode(imageGridThw),
                completionTokens, ovdLegacyFormat);
    }

    @Override
    public String toString() {
        return "VlmR1Inputs[model=" + model + ", method=" + method + ", imageSizeWh=" + Arrays.toString(imageSizeWh)
                + ", imageGridThw=" + Arrays.toString(imageGridThw) + ", completionTokens=" + completionTokens
                + ", ovdLegacyFormat=" + ovdLegacyFormat + "]";
    }
}
