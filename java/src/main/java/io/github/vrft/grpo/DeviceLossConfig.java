package io.github.vrft.grpo;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.util.Optional;

/**
 * The loss options as the CUDA kernels take them: the C struct {@code vrft_loss_cfg} of
 * {@code cuda/include/vrft_math.h}, laid out by {@link #LAYOUT}. The device path covers TRL's clipped family
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
            int lt = switch (o.lossType) {
                case GRPO -> 0;
                case BNPO -> 1;
                case DR_GRPO -> 2;
                case DAPO -> 3;
                default -> -1;
            };
            if (lt < 0) {
                return Optional.empty();
            }
            boolean seq = o.importanceSamplingLevel == TrlLossOptions.ImportanceSamplingLevel.SEQUENCE;
            return Optional.of(new DeviceLossConfig(
                    new int[] {0, lt, seq ? 1 : 0, o.useBiasCorrectionKl ? 1 : 0, -1, rows, cols},
                    new double[] {o.epsilon, o.epsilonHigh, o.delta == null ? -1 : o.delta, o.beta, 0,
                        o.gradientAccumulationSteps, o.numItemsInBatch == null ? -1 : o.numItemsInBatch,
                        o.numProcesses, o.maxCompletionLength, 1, -1, -1, -1}, options));
        }
        if (options instanceof VerlLossOptions o && o.policyLoss == VerlLossOptions.PolicyLoss.VANILLA) {
            int kl = -1;
            if (o.klLossType != null) {
                kl = switch (o.klLossType) {
                    case K1 -> 0;
                    case ABS -> 1;
                    case MSE -> 2;
                    case LOW_VAR_KL -> 3;
                    case K1_PLUS -> 4;
                    case ABS_PLUS -> 5;
                    case MSE_PLUS -> 6;
                    case LOW_VAR_KL_PLUS -> 7;
                };
            }
            return Optional.of(new DeviceLossConfig(
                    new int[] {1, o.lossAggMode.ordinal(), 0, 0, kl, rows, cols},
                    new double[] {o.clipRatioLow, o.clipRatioHigh, -1, o.klLossCoef, o.clipRatioC, 1, -1, 1, 1,
                        o.dpSize, o.batchNumTokens == null ? -1 : o.batchNumTokens,
                        o.globalBatchSize == null ? -1 : o.globalBatchSize,
                        o.lossScaleFactor == null ? -1 : o.lossScaleFactor}, options));
        }
        return Optional.empty();
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

    /** Whether the KL output is produced (TRL beta != 0, verl use_kl_loss). */
    public boolean hasKl() {
        return ints[0] == 0 ? doubles[3] != 0.0 : ints[4] >= 0;
    }
}
