package io.github.vrft.grpo;

import java.util.Optional;

/**
 * The loss options as the CUDA kernels take them: the fields of the C struct {@code vrft_loss_cfg} of
 * {@code cuda/include/vrft_abi.h} (the bindings lay them out in native memory), and the loss and metrics
 * assembled from what the kernels return. The device path covers TRL's clipped family
 * (grpo, bnpo, dr_grpo, dapo; token and sequence level; delta; k3 KL with and without bias correction; IS
 * weights) and verl vanilla (dual clip, the four aggregation modes, every KL estimator); other modes run on
 * the CPU backend, and {@link #of} says so by returning empty.
 */
public final class DeviceLossConfig {
    /** {@code VRFT_LOSS_TRL_CLIPPED}, {@code VRFT_LOSS_VERL_VANILLA}, {@code VRFT_KL_NONE} of vrft_abi.h. */
    static final int ABI_LOSS_TRL_CLIPPED = 0;
    static final int ABI_LOSS_VERL_VANILLA = 1;
    static final int ABI_KL_NONE = -1;

    private final int[] ints;
    private final double[] doubles;
    /** The options it came from (the metrics are assembled on the host from the kernel's sums). */
    final LossOptions options;

    private DeviceLossConfig(int[] ints, double[] doubles, LossOptions options) {
        this.ints = ints;
        this.doubles = doubles;
        this.options = options;
    }

    /** The device form of {@code options} for a rows × cols batch, or empty when the kernels do not cover the mode. */
    public static Optional<DeviceLossConfig> of(LossOptions options, int rows, int cols) {
        if (options instanceof TrlLossOptions o) {
            int lt = o.lossType.abiCode();
            if (lt < 0) {
                return Optional.empty();
            }
            boolean seq = o.importanceSamplingLevel == TrlLossOptions.ImportanceSamplingLevel.SEQUENCE;
            return Optional.of(new DeviceLossConfig(
                    new int[] {ABI_LOSS_TRL_CLIPPED, lt, seq ? 1 : 0, o.useBiasCorrectionKl ? 1 : 0, ABI_KL_NONE, rows, cols},
                    new double[] {o.epsilon, o.epsilonHigh, o.delta == null ? -1 : o.delta, o.beta, 0,
                        o.gradientAccumulationSteps, o.numItemsInBatch == null ? -1 : o.numItemsInBatch,
                        o.numProcesses, o.maxCompletionLength, 1, -1, -1, -1}, options));
        }
        if (options instanceof VerlLossOptions o && o.policyLoss == VerlLossOptions.PolicyLoss.VANILLA) {
            int kl = o.klLossType == null ? ABI_KL_NONE : o.klLossType.code();
            return Optional.of(new DeviceLossConfig(
                    new int[] {ABI_LOSS_VERL_VANILLA, o.lossAggMode.abiCode(), 0, 0, kl, rows, cols},
                    new double[] {o.clipRatioLow, o.clipRatioHigh, -1, o.klLossCoef, o.clipRatioC, 1, -1, 1, 1,
                        o.dpSize, o.batchNumTokens == null ? -1 : o.batchNumTokens,
                        o.globalBatchSize == null ? -1 : o.globalBatchSize,
                        o.lossScaleFactor == null ? -1 : o.lossScaleFactor}, options));
        }
        return Optional.empty();
    }

    /** The struct's int fields in declaration order ({@code impl} .. {@code cols}); a copy. */
    public int[] intFields() {
        return ints.clone();
    }

    /** The struct's double fields in declaration order ({@code eps_low} .. {@code loss_scale_factor}); a copy. */
    public double[] doubleFields() {
        return doubles.clone();
    }

    /** Number of partial sums the token kernel writes per block ({@code VRFT_SUMS}). */
    public static final int PARTIALS = LossPartial.COUNT;

    /**
     * The loss and the trainer's metrics from the kernel's summed partials and per-row clip counts, through
     * the same assembly as the CPU path ({@link LossMetrics}).
     *
     * @param sums        the {@link LossPartial}s summed over blocks in block order
     * @param rowLowHigh  per row: tokens counted low, tokens counted high (2 ints per row)
     */
    public LossResult result(TokenBatch b, double[] sums, int[] rowLowHigh, float[] grad, float[] perToken,
                             float[] perKl) {
        int[] len = b.rowLengths();
        double tokens = TokenBatch.sum(len);
        double loss = LossPartial.LOSS.of(sums);
        double lossAbs = LossPartial.ABS_LOSS.of(sums);
        if (ints[0] == ABI_LOSS_TRL_CLIPPED) {
            boolean seq = ints[2] == 1;
            double low = 0;
            double high = 0;
            double lowMin = Double.NaN;
            double highMax = Double.NaN;
            for (int i = 0; i < b.rows; i++) {
                int l = rowLowHigh[2 * i];
                int h = rowLowHigh[2 * i + 1];
                if (seq) { // one c1 per row: a row is low or high as a whole; empty rows count, as in TRL
                    double lo = l > 0 ? 1 : 0;
                    double hi = h > 0 ? 1 : 0;
                    low += lo;
                    high += hi;
                    lowMin = LossMath.nanMin(lowMin, lo);
                    highMax = LossMath.nanMax(highMax, hi);
                } else if (len[i] > 0) {
                    lowMin = LossMath.nanMin(lowMin, (double) l / len[i]);
                    highMax = LossMath.nanMax(highMax, (double) h / len[i]);
                }
            }
            if (!seq) {
                low = LossPartial.LOW.of(sums);
                high = LossPartial.HIGH.of(sums);
            }
            // low and high exclude each other per token (their advantages have opposite signs)
            return new LossResult(loss, lossAbs, grad, perToken, perKl, LossMetrics.trl(doubles[3] != 0.0,
                    LossPartial.KL.of(sums), tokens, true, seq, b.rows, low, high, low + high, lowMin, highMax));
        }
        boolean klOn = ints[4] != ABI_KL_NONE;
        double klLoss = LossPartial.WEIGHTED_KL.of(sums);
        double pg = klOn ? loss - doubles[3] * klLoss : loss;
        return new LossResult(loss, lossAbs, grad, perToken, perKl, LossMetrics.verlFamily(true, true, false, true, klOn,
                pg, klLoss, LossPartial.CLIPFRAC.of(sums), LossPartial.PPO_KL.of(sums), LossPartial.LOWER.of(sums), tokens));
    }

    /** Whether the KL output is produced (TRL beta != 0, verl use_kl_loss). */
    public boolean hasKl() {
        return ints[0] == ABI_LOSS_TRL_CLIPPED ? doubles[3] != 0.0 : ints[4] != ABI_KL_NONE;
    }
}
