package io.github.vrft.grpo;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.util.Optional;

/**
 * The loss options as the CUDA kernels take them: the C struct {@code vrft_loss_cfg} of
 * {@code cuda/include/vrft_abi.h}, laid out by {@link #LAYOUT}. The device path covers TRL's clipped family
 * (grpo, bnpo, dr_grpo, dapo; token and sequence level; delta; k3 KL with and without bias correction; IS
 * weights) and verl vanilla (dual clip, the four aggregation modes, every KL estimator); other modes run on
 * the CPU backend, and {@link #of} says so by returning empty.
 */
public final class DeviceLossConfig {
    /** {@code vrft_loss_cfg}: 7 ints, padding to 8 bytes, 13 doubles. */
    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
            ValueLayout.JAVA_INT.withName("impl"), ValueLayout.JAVA_INT.withName("loss_type"),
            ValueLayout.JAVA_INT.withName("sequence"), ValueLayout.JAVA_INT.withName("bias_kl"),
            ValueLayout.JAVA_INT.withName("kl_type"), ValueLayout.JAVA_INT.withName("rows"),
            ValueLayout.JAVA_INT.withName("cols"), MemoryLayout.paddingLayout(4),
            ValueLayout.JAVA_DOUBLE.withName("eps_low"), ValueLayout.JAVA_DOUBLE.withName("eps_high"),
            ValueLayout.JAVA_DOUBLE.withName("delta"), ValueLayout.JAVA_DOUBLE.withName("beta"),
            ValueLayout.JAVA_DOUBLE.withName("clip_c"), ValueLayout.JAVA_DOUBLE.withName("ga"),
            ValueLayout.JAVA_DOUBLE.withName("num_items"), ValueLayout.JAVA_DOUBLE.withName("num_processes"),
            ValueLayout.JAVA_DOUBLE.withName("max_completion_length"), ValueLayout.JAVA_DOUBLE.withName("dp_size"),
            ValueLayout.JAVA_DOUBLE.withName("batch_num_tokens"), ValueLayout.JAVA_DOUBLE.withName("global_batch_size"),
            ValueLayout.JAVA_DOUBLE.withName("loss_scale_factor"));

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

    /** The batch's mask as the kernels read it: one byte per token, 1 for a masked-in token, in {@code arena}. */
    public static MemorySegment maskBytes(java.lang.foreign.Arena arena, TokenBatch b) {
        boolean[] m = b.mask();
        MemorySegment mask = arena.allocate(Math.max(m.length, 1));
        for (int k = 0; k < m.length; k++) {
            mask.set(ValueLayout.JAVA_BYTE, k, (byte) (m[k] ? 1 : 0));
        }
        return mask;
    }

    /** Writes the struct into {@code seg} (at least {@code LAYOUT.byteSize()} bytes, native order). */
    public void writeTo(MemorySegment seg) {
        for (int i = 0; i < ints.length; i++) {
            seg.set(ValueLayout.JAVA_INT, 4L * i, ints[i]);
        }
        for (int i = 0; i < doubles.length; i++) {
            seg.set(ValueLayout.JAVA_DOUBLE, 32L + 8L * i, doubles[i]);
        }
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
