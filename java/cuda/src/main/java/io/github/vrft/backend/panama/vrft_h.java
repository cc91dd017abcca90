// Bindings of cuda/include/vrft.h in the shape jextract 22 generates (one header class; per function a
// holder class with DESC, ADDR and HANDLE; static wrappers, $descriptor/$handle/$address accessors and
// enum constants as static methods). jextract is not available where this was written, so it was written
// by hand in that shape; native-build/jextract.sh regenerates it where jextract is installed, and
// VrftBindingsTest checks every function of vrft.h against it (name, arity, argument and return kinds).
package io.github.vrft.backend.panama;

import java.lang.foreign.AddressLayout;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

@SuppressWarnings("unused")
public class vrft_h {

    vrft_h() {
        // Should not be called directly
    }

    static final Arena LIBRARY_ARENA = Arena.ofAuto();

    static final SymbolLookup SYMBOL_LOOKUP = SymbolLookup.loaderLookup()
            .or(Linker.nativeLinker().defaultLookup());

    static MemorySegment findOrThrow(String symbol) {
        return SYMBOL_LOOKUP.find(symbol)
                .orElseThrow(() -> new UnsatisfiedLinkError("unresolved symbol: " + symbol));
    }

    public static final ValueLayout.OfBoolean C_BOOL = ValueLayout.JAVA_BOOLEAN;
    public static final ValueLayout.OfByte C_CHAR = ValueLayout.JAVA_BYTE;
    public static final ValueLayout.OfInt C_INT = ValueLayout.JAVA_INT;
    public static final ValueLayout.OfLong C_LONG_LONG = ValueLayout.JAVA_LONG;
    public static final ValueLayout.OfFloat C_FLOAT = ValueLayout.JAVA_FLOAT;
    public static final ValueLayout.OfDouble C_DOUBLE = ValueLayout.JAVA_DOUBLE;
    public static final AddressLayout C_POINTER = ValueLayout.ADDRESS
            .withTargetLayout(MemoryLayout.sequenceLayout(java.lang.Long.MAX_VALUE, ValueLayout.JAVA_BYTE));

    private static final int VRFT_OK = (int)0L;

    /**
     * {@snippet lang=c :
     * enum <anonymous>.VRFT_OK = 0
     * }
     */
    public static int VRFT_OK() {
        return VRFT_OK;
    }

    private static final int VRFT_ERR_INVALID_ARGUMENT = (int)1L;

    /**
     * {@snippet lang=c :
     * enum <anonymous>.VRFT_ERR_INVALID_ARGUMENT = 1
     * }
     */
    public static int VRFT_ERR_INVALID_ARGUMENT() {
        return VRFT_ERR_INVALID_ARGUMENT;
    }

    private static final int VRFT_ERR_NO_DEVICE = (int)2L;

    /**
     * {@snippet lang=c :
     * enum <anonymous>.VRFT_ERR_NO_DEVICE = 2
     * }
     */
    public static int VRFT_ERR_NO_DEVICE() {
        return VRFT_ERR_NO_DEVICE;
    }

    private static final int VRFT_ERR_CUDA = (int)3L;

    /**
     * {@snippet lang=c :
     * enum <anonymous>.VRFT_ERR_CUDA = 3
     * }
     */
    public static int VRFT_ERR_CUDA() {
        return VRFT_ERR_CUDA;
    }

    private static final int VRFT_ERR_OUT_OF_MEMORY = (int)4L;

    /**
     * {@snippet lang=c :
     * enum <anonymous>.VRFT_ERR_OUT_OF_MEMORY = 4
     * }
     */
    public static int VRFT_ERR_OUT_OF_MEMORY() {
        return VRFT_ERR_OUT_OF_MEMORY;
    }

    private static final int VRFT_ERR_UNSUPPORTED = (int)5L;

    /**
     * {@snippet lang=c :
     * enum <anonymous>.VRFT_ERR_UNSUPPORTED = 5
     * }
     */
    public static int VRFT_ERR_UNSUPPORTED() {
        return VRFT_ERR_UNSUPPORTED;
    }

    private static class vrft_error_string {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(vrft_h.C_POINTER, vrft_h.C_INT);

        public static final MemorySegment ADDR = vrft_h.findOrThrow("vrft_error_string");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * const char* vrft_error_string(int code)
     * }
     */
    public static FunctionDescriptor vrft_error_string$descriptor() {
        return vrft_error_string.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * const char* vrft_error_string(int code)
     * }
     */
    public static MethodHandle vrft_error_string$handle() {
        return vrft_error_string.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * const char* vrft_error_string(int code)
     * }
     */
    public static MemorySegment vrft_error_string$address() {
        return vrft_error_string.ADDR;
    }

    /**
     * {@snippet lang=c :
     * const char* vrft_error_string(int code)
     * }
     */
    public static MemorySegment vrft_error_string(int code) {
        var mh$ = vrft_error_string.HANDLE;
        try {
            return (MemorySegment) mh$.invokeExact(code);
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class vrft_last_error {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(vrft_h.C_POINTER);

        public static final MemorySegment ADDR = vrft_h.findOrThrow("vrft_last_error");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * const char* vrft_last_error(void)
     * }
     */
    public static FunctionDescriptor vrft_last_error$descriptor() {
        return vrft_last_error.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * const char* vrft_last_error(void)
     * }
     */
    public static MethodHandle vrft_last_error$handle() {
        return vrft_last_error.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * const char* vrft_last_error(void)
     * }
     */
    public static MemorySegment vrft_last_error$address() {
        return vrft_last_error.ADDR;
    }

    /**
     * {@snippet lang=c :
     * const char* vrft_last_error(void)
     * }
     */
    public static MemorySegment vrft_last_error() {
        var mh$ = vrft_last_error.HANDLE;
        try {
            return (MemorySegment) mh$.invokeExact();
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class vrft_version {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(vrft_h.C_INT);

        public static final MemorySegment ADDR = vrft_h.findOrThrow("vrft_version");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * int vrft_version(void)
     * }
     */
    public static FunctionDescriptor vrft_version$descriptor() {
        return vrft_version.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * int vrft_version(void)
     * }
     */
    public static MethodHandle vrft_version$handle() {
        return vrft_version.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * int vrft_version(void)
     * }
     */
    public static MemorySegment vrft_version$address() {
        return vrft_version.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int vrft_version(void)
     * }
     */
    public static int vrft_version() {
        var mh$ = vrft_version.HANDLE;
        try {
            return (int) mh$.invokeExact();
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class vrft_device_count {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(vrft_h.C_INT, vrft_h.C_POINTER);

        public static final MemorySegment ADDR = vrft_h.findOrThrow("vrft_device_count");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * int vrft_device_count(int* h_count)
     * }
     */
    public static FunctionDescriptor vrft_device_count$descriptor() {
        return vrft_device_count.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * int vrft_device_count(int* h_count)
     * }
     */
    public static MethodHandle vrft_device_count$handle() {
        return vrft_device_count.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * int vrft_device_count(int* h_count)
     * }
     */
    public static MemorySegment vrft_device_count$address() {
        return vrft_device_count.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int vrft_device_count(int* h_count)
     * }
     */
    public static int vrft_device_count(MemorySegment h_count) {
        var mh$ = vrft_device_count.HANDLE;
        try {
            return (int) mh$.invokeExact(h_count);
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class vrft_memory_info {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(vrft_h.C_INT, vrft_h.C_POINTER, vrft_h.C_POINTER, vrft_h.C_POINTER);

        public static final MemorySegment ADDR = vrft_h.findOrThrow("vrft_memory_info");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * int vrft_memory_info(vrft_context* ctx, long long* h_free, long long* h_total)
     * }
     */
    public static FunctionDescriptor vrft_memory_info$descriptor() {
        return vrft_memory_info.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * int vrft_memory_info(vrft_context* ctx, long long* h_free, long long* h_total)
     * }
     */
    public static MethodHandle vrft_memory_info$handle() {
        return vrft_memory_info.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * int vrft_memory_info(vrft_context* ctx, long long* h_free, long long* h_total)
     * }
     */
    public static MemorySegment vrft_memory_info$address() {
        return vrft_memory_info.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int vrft_memory_info(vrft_context* ctx, long long* h_free, long long* h_total)
     * }
     */
    public static int vrft_memory_info(MemorySegment ctx, MemorySegment h_free, MemorySegment h_total) {
        var mh$ = vrft_memory_info.HANDLE;
        try {
            return (int) mh$.invokeExact(ctx, h_free, h_total);
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class vrft_context_create {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(vrft_h.C_INT, vrft_h.C_INT, vrft_h.C_POINTER);

        public static final MemorySegment ADDR = vrft_h.findOrThrow("vrft_context_create");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * int vrft_context_create(int device, vrft_context** h_out)
     * }
     */
    public static FunctionDescriptor vrft_context_create$descriptor() {
        return vrft_context_create.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * int vrft_context_create(int device, vrft_context** h_out)
     * }
     */
    public static MethodHandle vrft_context_create$handle() {
        return vrft_context_create.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * int vrft_context_create(int device, vrft_context** h_out)
     * }
     */
    public static MemorySegment vrft_context_create$address() {
        return vrft_context_create.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int vrft_context_create(int device, vrft_context** h_out)
     * }
     */
    public static int vrft_context_create(int device, MemorySegment h_out) {
        var mh$ = vrft_context_create.HANDLE;
        try {
            return (int) mh$.invokeExact(device, h_out);
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class vrft_context_destroy {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(vrft_h.C_INT, vrft_h.C_POINTER);

        public static final MemorySegment ADDR = vrft_h.findOrThrow("vrft_context_destroy");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * int vrft_context_destroy(vrft_context* ctx)
     * }
     */
    public static FunctionDescriptor vrft_context_destroy$descriptor() {
        return vrft_context_destroy.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * int vrft_context_destroy(vrft_context* ctx)
     * }
     */
    public static MethodHandle vrft_context_destroy$handle() {
        return vrft_context_destroy.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * int vrft_context_destroy(vrft_context* ctx)
     * }
     */
    public static MemorySegment vrft_context_destroy$address() {
        return vrft_context_destroy.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int vrft_context_destroy(vrft_context* ctx)
     * }
     */
    public static int vrft_context_destroy(MemorySegment ctx) {
        var mh$ = vrft_context_destroy.HANDLE;
        try {
            return (int) mh$.invokeExact(ctx);
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class vrft_pairwise_iou {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(vrft_h.C_INT, vrft_h.C_POINTER, vrft_h.C_INT, vrft_h.C_POINTER, vrft_h.C_POINTER, vrft_h.C_POINTER, vrft_h.C_POINTER, vrft_h.C_POINTER);

        public static final MemorySegment ADDR = vrft_h.findOrThrow("vrft_pairwise_iou");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * int vrft_pairwise_iou(...)
     * }
     */
    public static FunctionDescriptor vrft_pairwise_iou$descriptor() {
        return vrft_pairwise_iou.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * int vrft_pairwise_iou(...)
     * }
     */
    public static MethodHandle vrft_pairwise_iou$handle() {
        return vrft_pairwise_iou.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * int vrft_pairwise_iou(...)
     * }
     */
    public static MemorySegment vrft_pairwise_iou$address() {
        return vrft_pairwise_iou.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int vrft_pairwise_iou(...)
     * }
     */
    public static int vrft_pairwise_iou(MemorySegment ctx, int batch, MemorySegment h_a, MemorySegment h_a_off, MemorySegment h_b, MemorySegment h_b_off, MemorySegment h_out) {
        var mh$ = vrft_pairwise_iou.HANDLE;
        try {
            return (int) mh$.invokeExact(ctx, batch, h_a, h_a_off, h_b, h_b_off, h_out);
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class vrft_detection_rewards {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(vrft_h.C_INT, vrft_h.C_POINTER, vrft_h.C_INT, vrft_h.C_POINTER, vrft_h.C_POINTER, vrft_h.C_POINTER, vrft_h.C_POINTER, vrft_h.C_POINTER, vrft_h.C_POINTER, vrft_h.C_POINTER, vrft_h.C_POINTER);

        public static final MemorySegment ADDR = vrft_h.findOrThrow("vrft_detection_rewards");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * int vrft_detection_rewards(...)
     * }
     */
    public static FunctionDescriptor vrft_detection_rewards$descriptor() {
        return vrft_detection_rewards.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * int vrft_detection_rewards(...)
     * }
     */
    public static MethodHandle vrft_detection_rewards$handle() {
        return vrft_detection_rewards.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * int vrft_detection_rewards(...)
     * }
     */
    public static MemorySegment vrft_detection_rewards$address() {
        return vrft_detection_rewards.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int vrft_detection_rewards(...)
     * }
     */
    public static int vrft_detection_rewards(MemorySegment ctx, int batch, MemorySegment h_pred, MemorySegment h_conf, MemorySegment h_pred_off, MemorySegment h_gt, MemorySegment h_gt_off, MemorySegment h_match_gt, MemorySegment h_iou_reward, MemorySegment h_conf_reward) {
        var mh$ = vrft_detection_rewards.HANDLE;
        try {
            return (int) mh$.invokeExact(ctx, batch, h_pred, h_conf, h_pred_off, h_gt, h_gt_off, h_match_gt, h_iou_reward, h_conf_reward);
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class vrft_group_advantages {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(vrft_h.C_INT, vrft_h.C_POINTER, vrft_h.C_INT, vrft_h.C_INT, vrft_h.C_POINTER, vrft_h.C_POINTER, vrft_h.C_POINTER, vrft_h.C_INT, vrft_h.C_POINTER);

        public static final MemorySegment ADDR = vrft_h.findOrThrow("vrft_group_advantages");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * int vrft_group_advantages(...)
     * }
     */
    public static FunctionDescriptor vrft_group_advantages$descriptor() {
        return vrft_group_advantages.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * int vrft_group_advantages(...)
     * }
     */
    public static MethodHandle vrft_group_advantages$handle() {
        return vrft_group_advantages.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * int vrft_group_advantages(...)
     * }
     */
    public static MemorySegment vrft_group_advantages$address() {
        return vrft_group_advantages.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int vrft_group_advantages(...)
     * }
     */
    public static int vrft_group_advantages(MemorySegment ctx, int n, int groups, MemorySegment h_rewards, MemorySegment h_start, MemorySegment h_member, int flavor, MemorySegment h_adv) {
        var mh$ = vrft_group_advantages.HANDLE;
        try {
            return (int) mh$.invokeExact(ctx, n, groups, h_rewards, h_start, h_member, flavor, h_adv);
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class vrft_policy_loss {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(vrft_h.C_INT, vrft_h.C_POINTER, vrft_h.C_POINTER, vrft_h.C_POINTER, vrft_h.C_POINTER, vrft_h.C_POINTER, vrft_h.C_POINTER, vrft_h.C_POINTER, vrft_h.C_POINTER, vrft_h.C_POINTER, vrft_h.C_POINTER, vrft_h.C_POINTER, vrft_h.C_POINTER, vrft_h.C_POINTER);

        public static final MemorySegment ADDR = vrft_h.findOrThrow("vrft_policy_loss");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * int vrft_policy_loss(...)
     * }
     */
    public static FunctionDescriptor vrft_policy_loss$descriptor() {
        return vrft_policy_loss.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * int vrft_policy_loss(...)
     * }
     */
    public static MethodHandle vrft_policy_loss$handle() {
        return vrft_policy_loss.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * int vrft_policy_loss(...)
     * }
     */
    public static MemorySegment vrft_policy_loss$address() {
        return vrft_policy_loss.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int vrft_policy_loss(...)
     * }
     */
    public static int vrft_policy_loss(MemorySegment ctx, MemorySegment h_cfg, MemorySegment h_logp, MemorySegment h_old, MemorySegment h_ref, MemorySegment h_is_w, MemorySegment h_mask, MemorySegment h_adv, MemorySegment h_grad, MemorySegment h_per_token, MemorySegment h_per_kl, MemorySegment h_sums, MemorySegment h_row_low_high) {
        var mh$ = vrft_policy_loss.HANDLE;
        try {
            return (int) mh$.invokeExact(ctx, h_cfg, h_logp, h_old, h_ref, h_is_w, h_mask, h_adv, h_grad, h_per_token, h_per_kl, h_sums, h_row_low_high);
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class vrft_reward_step {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(vrft_h.C_INT, vrft_h.C_POINTER, vrft_h.C_INT, vrft_h.C_POINTER, vrft_h.C_POINTER, vrft_h.C_POINTER, vrft_h.C_POINTER, vrft_h.C_POINTER, vrft_h.C_POINTER, vrft_h.C_INT, vrft_h.C_POINTER, vrft_h.C_POINTER, vrft_h.C_INT, vrft_h.C_POINTER, vrft_h.C_POINTER, vrft_h.C_POINTER, vrft_h.C_POINTER);

        public static final MemorySegment ADDR = vrft_h.findOrThrow("vrft_reward_step");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * int vrft_reward_step(...)
     * }
     */
    public static FunctionDescriptor vrft_reward_step$descriptor() {
        return vrft_reward_step.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * int vrft_reward_step(...)
     * }
     */
    public static MethodHandle vrft_reward_step$handle() {
        return vrft_reward_step.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * int vrft_reward_step(...)
     * }
     */
    public static MemorySegment vrft_reward_step$address() {
        return vrft_reward_step.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int vrft_reward_step(...)
     * }
     */
    public static int vrft_reward_step(MemorySegment ctx, int batch, MemorySegment h_pred, MemorySegment h_conf, MemorySegment h_pred_off, MemorySegment h_gt, MemorySegment h_gt_off, MemorySegment h_format, int groups, MemorySegment h_group_start, MemorySegment h_group_member, int flavor, MemorySegment h_iou_reward, MemorySegment h_conf_reward, MemorySegment h_total, MemorySegment h_adv) {
        var mh$ = vrft_reward_step.HANDLE;
        try {
            return (int) mh$.invokeExact(ctx, batch, h_pred, h_conf, h_pred_off, h_gt, h_gt_off, h_format, groups, h_group_start, h_group_member, flavor, h_iou_reward, h_conf_reward, h_total, h_adv);
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class vrft_logits_forward {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(vrft_h.C_INT, vrft_h.C_POINTER, vrft_h.C_LONG_LONG, vrft_h.C_INT, vrft_h.C_DOUBLE, vrft_h.C_POINTER, vrft_h.C_POINTER, vrft_h.C_POINTER, vrft_h.C_POINTER, vrft_h.C_POINTER);

        public static final MemorySegment ADDR = vrft_h.findOrThrow("vrft_logits_forward");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * int vrft_logits_forward(...)
     * }
     */
    public static FunctionDescriptor vrft_logits_forward$descriptor() {
        return vrft_logits_forward.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * int vrft_logits_forward(...)
     * }
     */
    public static MethodHandle vrft_logits_forward$handle() {
        return vrft_logits_forward.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * int vrft_logits_forward(...)
     * }
     */
    public static MemorySegment vrft_logits_forward$address() {
        return vrft_logits_forward.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int vrft_logits_forward(...)
     * }
     */
    public static int vrft_logits_forward(MemorySegment ctx, long rows, int vocab, double temperature, MemorySegment h_logits, MemorySegment h_tokens, MemorySegment h_mask, MemorySegment h_logp, MemorySegment h_lse) {
        var mh$ = vrft_logits_forward.HANDLE;
        try {
            return (int) mh$.invokeExact(ctx, rows, vocab, temperature, h_logits, h_tokens, h_mask, h_logp, h_lse);
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class vrft_logits_backward {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(vrft_h.C_INT, vrft_h.C_POINTER, vrft_h.C_LONG_LONG, vrft_h.C_INT, vrft_h.C_DOUBLE, vrft_h.C_POINTER, vrft_h.C_POINTER, vrft_h.C_POINTER, vrft_h.C_POINTER, vrft_h.C_POINTER, vrft_h.C_POINTER);

        public static final MemorySegment ADDR = vrft_h.findOrThrow("vrft_logits_backward");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * int vrft_logits_backward(...)
     * }
     */
    public static FunctionDescriptor vrft_logits_backward$descriptor() {
        return vrft_logits_backward.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * int vrft_logits_backward(...)
     * }
     */
    public static MethodHandle vrft_logits_backward$handle() {
        return vrft_logits_backward.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * int vrft_logits_backward(...)
     * }
     */
    public static MemorySegment vrft_logits_backward$address() {
        return vrft_logits_backward.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int vrft_logits_backward(...)
     * }
     */
    public static int vrft_logits_backward(MemorySegment ctx, long rows, int vocab, double temperature, MemorySegment h_logits, MemorySegment h_tokens, MemorySegment h_mask, MemorySegment h_lse, MemorySegment h_grad_logp, MemorySegment h_grad) {
        var mh$ = vrft_logits_backward.HANDLE;
        try {
            return (int) mh$.invokeExact(ctx, rows, vocab, temperature, h_logits, h_tokens, h_mask, h_lse, h_grad_logp, h_grad);
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class vrft_logits_forward_device {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(vrft_h.C_INT, vrft_h.C_POINTER, vrft_h.C_LONG_LONG, vrft_h.C_INT, vrft_h.C_DOUBLE, vrft_h.C_POINTER, vrft_h.C_POINTER, vrft_h.C_POINTER, vrft_h.C_POINTER, vrft_h.C_POINTER, vrft_h.C_POINTER);

        public static final MemorySegment ADDR = vrft_h.findOrThrow("vrft_logits_forward_device");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * int vrft_logits_forward_device(...)
     * }
     */
    public static FunctionDescriptor vrft_logits_forward_device$descriptor() {
        return vrft_logits_forward_device.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * int vrft_logits_forward_device(...)
     * }
     */
    public static MethodHandle vrft_logits_forward_device$handle() {
        return vrft_logits_forward_device.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * int vrft_logits_forward_device(...)
     * }
     */
    public static MemorySegment vrft_logits_forward_device$address() {
        return vrft_logits_forward_device.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int vrft_logits_forward_device(...)
     * }
     */
    public static int vrft_logits_forward_device(MemorySegment ctx, long rows, int vocab, double temperature, MemorySegment d_logits, MemorySegment d_bias, MemorySegment d_tokens, MemorySegment d_mask, MemorySegment d_logp, MemorySegment d_lse) {
        var mh$ = vrft_logits_forward_device.HANDLE;
        try {
            return (int) mh$.invokeExact(ctx, rows, vocab, temperature, d_logits, d_bias, d_tokens, d_mask, d_logp, d_lse);
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class vrft_logits_backward_device {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(vrft_h.C_INT, vrft_h.C_POINTER, vrft_h.C_LONG_LONG, vrft_h.C_INT, vrft_h.C_DOUBLE, vrft_h.C_POINTER, vrft_h.C_POINTER, vrft_h.C_POINTER, vrft_h.C_POINTER, vrft_h.C_POINTER, vrft_h.C_POINTER, vrft_h.C_POINTER);

        public static final MemorySegment ADDR = vrft_h.findOrThrow("vrft_logits_backward_device");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * int vrft_logits_backward_device(...)
     * }
     */
    public static FunctionDescriptor vrft_logits_backward_device$descriptor() {
        return vrft_logits_backward_device.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * int vrft_logits_backward_device(...)
     * }
     */
    public static MethodHandle vrft_logits_backward_device$handle() {
        return vrft_logits_backward_device.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * int vrft_logits_backward_device(...)
     * }
     */
    public static MemorySegment vrft_logits_backward_device$address() {
        return vrft_logits_backward_device.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int vrft_logits_backward_device(...)
     * }
     */
    public static int vrft_logits_backward_device(MemorySegment ctx, long rows, int vocab, double temperature, MemorySegment d_logits, MemorySegment d_bias, MemorySegment d_tokens, MemorySegment d_mask, MemorySegment d_lse, MemorySegment d_grad_logp, MemorySegment d_grad) {
        var mh$ = vrft_logits_backward_device.HANDLE;
        try {
            return (int) mh$.invokeExact(ctx, rows, vocab, temperature, d_logits, d_bias, d_tokens, d_mask, d_lse, d_grad_logp, d_grad);
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class vrft_device_alloc {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(vrft_h.C_INT, vrft_h.C_POINTER, vrft_h.C_LONG_LONG, vrft_h.C_POINTER);

        public static final MemorySegment ADDR = vrft_h.findOrThrow("vrft_device_alloc");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * int vrft_device_alloc(...)
     * }
     */
    public static FunctionDescriptor vrft_device_alloc$descriptor() {
        return vrft_device_alloc.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * int vrft_device_alloc(...)
     * }
     */
    public static MethodHandle vrft_device_alloc$handle() {
        return vrft_device_alloc.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * int vrft_device_alloc(...)
     * }
     */
    public static MemorySegment vrft_device_alloc$address() {
        return vrft_device_alloc.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int vrft_device_alloc(...)
     * }
     */
    public static int vrft_device_alloc(MemorySegment ctx, long bytes, MemorySegment h_ptr) {
        var mh$ = vrft_device_alloc.HANDLE;
        try {
            return (int) mh$.invokeExact(ctx, bytes, h_ptr);
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class vrft_device_free {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(vrft_h.C_INT, vrft_h.C_POINTER, vrft_h.C_POINTER);

        public static final MemorySegment ADDR = vrft_h.findOrThrow("vrft_device_free");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * int vrft_device_free(...)
     * }
     */
    public static FunctionDescriptor vrft_device_free$descriptor() {
        return vrft_device_free.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * int vrft_device_free(...)
     * }
     */
    public static MethodHandle vrft_device_free$handle() {
        return vrft_device_free.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * int vrft_device_free(...)
     * }
     */
    public static MemorySegment vrft_device_free$address() {
        return vrft_device_free.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int vrft_device_free(...)
     * }
     */
    public static int vrft_device_free(MemorySegment ctx, MemorySegment d_ptr) {
        var mh$ = vrft_device_free.HANDLE;
        try {
            return (int) mh$.invokeExact(ctx, d_ptr);
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class vrft_copy_to_device {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(vrft_h.C_INT, vrft_h.C_POINTER, vrft_h.C_POINTER, vrft_h.C_POINTER, vrft_h.C_LONG_LONG);

        public static final MemorySegment ADDR = vrft_h.findOrThrow("vrft_copy_to_device");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * int vrft_copy_to_device(...)
     * }
     */
    public static FunctionDescriptor vrft_copy_to_device$descriptor() {
        return vrft_copy_to_device.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * int vrft_copy_to_device(...)
     * }
     */
    public static MethodHandle vrft_copy_to_device$handle() {
        return vrft_copy_to_device.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * int vrft_copy_to_device(...)
     * }
     */
    public static MemorySegment vrft_copy_to_device$address() {
        return vrft_copy_to_device.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int vrft_copy_to_device(...)
     * }
     */
    public static int vrft_copy_to_device(MemorySegment ctx, MemorySegment d_dst, MemorySegment h_src, long bytes) {
        var mh$ = vrft_copy_to_device.HANDLE;
        try {
            return (int) mh$.invokeExact(ctx, d_dst, h_src, bytes);
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class vrft_copy_to_host {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(vrft_h.C_INT, vrft_h.C_POINTER, vrft_h.C_POINTER, vrft_h.C_POINTER, vrft_h.C_LONG_LONG);

        public static final MemorySegment ADDR = vrft_h.findOrThrow("vrft_copy_to_host");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * int vrft_copy_to_host(...)
     * }
     */
    public static FunctionDescriptor vrft_copy_to_host$descriptor() {
        return vrft_copy_to_host.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * int vrft_copy_to_host(...)
     * }
     */
    public static MethodHandle vrft_copy_to_host$handle() {
        return vrft_copy_to_host.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * int vrft_copy_to_host(...)
     * }
     */
    public static MemorySegment vrft_copy_to_host$address() {
        return vrft_copy_to_host.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int vrft_copy_to_host(...)
     * }
     */
    public static int vrft_copy_to_host(MemorySegment ctx, MemorySegment h_dst, MemorySegment d_src, long bytes) {
        var mh$ = vrft_copy_to_host.HANDLE;
        try {
            return (int) mh$.invokeExact(ctx, h_dst, d_src, bytes);
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class vrft_context_stream {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(vrft_h.C_INT, vrft_h.C_POINTER, vrft_h.C_POINTER);

        public static final MemorySegment ADDR = vrft_h.findOrThrow("vrft_context_stream");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * int vrft_context_stream(...)
     * }
     */
    public static FunctionDescriptor vrft_context_stream$descriptor() {
        return vrft_context_stream.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * int vrft_context_stream(...)
     * }
     */
    public static MethodHandle vrft_context_stream$handle() {
        return vrft_context_stream.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * int vrft_context_stream(...)
     * }
     */
    public static MemorySegment vrft_context_stream$address() {
        return vrft_context_stream.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int vrft_context_stream(...)
     * }
     */
    public static int vrft_context_stream(MemorySegment ctx, MemorySegment h_stream) {
        var mh$ = vrft_context_stream.HANDLE;
        try {
            return (int) mh$.invokeExact(ctx, h_stream);
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class vrft_synchronize {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(vrft_h.C_INT, vrft_h.C_POINTER);

        public static final MemorySegment ADDR = vrft_h.findOrThrow("vrft_synchronize");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * int vrft_synchronize(...)
     * }
     */
    public static FunctionDescriptor vrft_synchronize$descriptor() {
        return vrft_synchronize.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * int vrft_synchronize(...)
     * }
     */
    public static MethodHandle vrft_synchronize$handle() {
        return vrft_synchronize.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * int vrft_synchronize(...)
     * }
     */
    public static MemorySegment vrft_synchronize$address() {
        return vrft_synchronize.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int vrft_synchronize(...)
     * }
     */
    public static int vrft_synchronize(MemorySegment ctx) {
        var mh$ = vrft_synchronize.HANDLE;
        try {
            return (int) mh$.invokeExact(ctx);
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class vrft_context_set_timing {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(vrft_h.C_INT, vrft_h.C_POINTER, vrft_h.C_INT);

        public static final MemorySegment ADDR = vrft_h.findOrThrow("vrft_context_set_timing");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * int vrft_context_set_timing(...)
     * }
     */
    public static FunctionDescriptor vrft_context_set_timing$descriptor() {
        return vrft_context_set_timing.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * int vrft_context_set_timing(...)
     * }
     */
    public static MethodHandle vrft_context_set_timing$handle() {
        return vrft_context_set_timing.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * int vrft_context_set_timing(...)
     * }
     */
    public static MemorySegment vrft_context_set_timing$address() {
        return vrft_context_set_timing.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int vrft_context_set_timing(...)
     * }
     */
    public static int vrft_context_set_timing(MemorySegment ctx, int enabled) {
        var mh$ = vrft_context_set_timing.HANDLE;
        try {
            return (int) mh$.invokeExact(ctx, enabled);
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class vrft_last_kernel_ms {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(vrft_h.C_INT, vrft_h.C_POINTER, vrft_h.C_POINTER);

        public static final MemorySegment ADDR = vrft_h.findOrThrow("vrft_last_kernel_ms");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * int vrft_last_kernel_ms(...)
     * }
     */
    public static FunctionDescriptor vrft_last_kernel_ms$descriptor() {
        return vrft_last_kernel_ms.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * int vrft_last_kernel_ms(...)
     * }
     */
    public static MethodHandle vrft_last_kernel_ms$handle() {
        return vrft_last_kernel_ms.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * int vrft_last_kernel_ms(...)
     * }
     */
    public static MemorySegment vrft_last_kernel_ms$address() {
        return vrft_last_kernel_ms.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int vrft_last_kernel_ms(...)
     * }
     */
    public static int vrft_last_kernel_ms(MemorySegment ctx, MemorySegment h_ms) {
        var mh$ = vrft_last_kernel_ms.HANDLE;
        try {
            return (int) mh$.invokeExact(ctx, h_ms);
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }
}
