// vrft_shim.cu: the C ABI of include/vrft.h over the kernels (built into libvrft.so with cudart linked
// statically). Arguments are checked on the host before any CUDA call; messages name the argument.
#include "include/vrft.h"
#include "vrft_kernels.cu"

#include <cuda_runtime.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

struct vrft_context {
    int device;
    cudaStream_t stream;
    cudaEvent_t kernels_start, kernels_end; /* created by vrft_context_set_timing */
    int timing;                             /* record the two events around each op's kernels */
    int timed;                              /* an op has recorded both since timing was turned on */
    int keep_start;                         /* vrft_reward_step: its second op keeps the first op's start */
};

static thread_local char g_last_error[512];

static int fail(int code, const char* fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(g_last_error, sizeof g_last_error, fmt, ap);
    va_end(ap);
    return code;
}

#define VRFT_CHECK(cond, ...) \
    do { if (!(cond)) return fail(VRFT_ERR_INVALID_ARGUMENT, __VA_ARGS__); } while (0)

#define VRFT_CUDA(call) \
    do { \
        cudaError_t e_ = (call); \
        if (e_ != cudaSuccess) { \
            status = fail(e_ == cudaErrorMemoryAllocation ? VRFT_ERR_OUT_OF_MEMORY : VRFT_ERR_CUDA, "%s: %s (%s)", \
                          #call, cudaGetErrorName(e_), cudaGetErrorString(e_)); \
            goto done; \
        } \
    } while (0)

static const int VRFT_BLOCK = 256;

/* Around the kernels of an op (inside a function with `status` and a `done:` label). */
#define VRFT_KERNELS_BEGIN() \
    do { if (ctx->timing && !ctx->keep_start) VRFT_CUDA(cudaEventRecord(ctx->kernels_start, ctx->stream)); } while (0)
#define VRFT_KERNELS_END() \
    do { if (ctx->timing) { VRFT_CUDA(cudaEventRecord(ctx->kernels_end, ctx->stream)); ctx->timed = 1; } } while (0)

extern "C" const char* vrft_error_string(int code) {
    switch (code) {
    case VRFT_OK: return "VRFT_OK";
    case VRFT_ERR_INVALID_ARGUMENT: return "VRFT_ERR_INVALID_ARGUMENT";
    case VRFT_ERR_NO_DEVICE: return "VRFT_ERR_NO_DEVICE";
    case VRFT_ERR_CUDA: return "VRFT_ERR_CUDA";
    case VRFT_ERR_OUT_OF_MEMORY: return "VRFT_ERR_OUT_OF_MEMORY";
    case VRFT_ERR_UNSUPPORTED: return "VRFT_ERR_UNSUPPORTED";
    default: return "VRFT_ERR_UNKNOWN";
    }
}

extern "C" const char* vrft_last_error(void) { return g_last_error; }

extern "C" int vrft_version(void) { return 300; }

extern "C" int vrft_device_count(int* h_count) {
    VRFT_CHECK(h_count != NULL, "h_count is NULL");
    int n = 0;
    if (cudaGetDeviceCount(&n) != cudaSuccess) n = 0; // no driver: zero devices, not an error
    cudaGetLastError();
    *h_count = n;
    g_last_error[0] = 0;
    return VRFT_OK;
}

extern "C" int vrft_context_create(int device, vrft_context** h_out) {
    VRFT_CHECK(h_out != NULL, "h_out is NULL");
    VRFT_CHECK(device >= 0, "device must be >= 0, got %d", device);
    *h_out = NULL;
    int n = 0;
    cudaError_t e = cudaGetDeviceCount(&n);
    if (e != cudaSuccess || device >= n) {
        cudaGetLastError();
        return fail(VRFT_ERR_NO_DEVICE, "no CUDA device %d (%d found%s%s)", device, e == cudaSuccess ? n : 0,
                    e == cudaSuccess ? "" : ": ", e == cudaSuccess ? "" : cudaGetErrorString(e));
    }
    vrft_context* ctx = (vrft_context*)calloc(1, sizeof(vrft_context));
    if (!ctx) return fail(VRFT_ERR_OUT_OF_MEMORY, "no host memory for a context");
    int status = VRFT_OK;
    ctx->device = device;
    VRFT_CUDA(cudaSetDevice(device));
    VRFT_CUDA(cudaStreamCreateWithFlags(&ctx->stream, cudaStreamNonBlocking));
    *h_out = ctx;
    g_last_error[0] = 0;
    return VRFT_OK;
done:
    free(ctx);
    return status;
}

extern "C" int vrft_context_destroy(vrft_context* ctx) {
    VRFT_CHECK(ctx != NULL, "ctx is NULL");
    cudaSetDevice(ctx->device);
    if (ctx->kernels_start) cudaEventDestroy(ctx->kernels_start);
    if (ctx->kernels_end) cudaEventDestroy(ctx->kernels_end);
    cudaStreamDestroy(ctx->stream);
    free(ctx);
    g_last_error[0] = 0;
    return VRFT_OK;
}

extern "C" int vrft_memory_info(vrft_context* ctx, long long* h_free, long long* h_total) {
    VRFT_CHECK(h_free != NULL, "h_free is NULL");
    VRFT_CHECK(h_total != NULL, "h_total is NULL");
    VRFT_CHECK(ctx != NULL, "ctx is NULL");
    int status = VRFT_OK;
    size_t f = 0, t = 0;
    VRFT_CUDA(cudaSetDevice(ctx->device));
    VRFT_CUDA(cudaMemGetInfo(&f, &t));
    *h_free = (long long)f;
    *h_total = (long long)t;
    g_last_error[0] = 0;
done:
    return status;
}

/* Checks a ragged offsets array: off[0] == 0 and non-decreasing. Returns the total, or -1. */
static long long check_offsets(const long long* off, int batch, const char* name) {
    if (!off) {
        fail(VRFT_ERR_INVALID_ARGUMENT, "%s is NULL", name);
        return -1;
    }
    if (off[0] != 0) {
        fail(VRFT_ERR_INVALID_ARGUMENT, "%s[0] must be 0, got %lld", name, off[0]);
        return -1;
    }
    for (int i = 1; i <= batch; i++) {
        if (off[i] < off[i - 1]) {
            fail(VRFT_ERR_INVALID_ARGUMENT, "%s must not decrease (at %d: %lld < %lld)", name, i, off[i], off[i - 1]);
            return -1;
        }
    }
    return off[batch];
}

static unsigned grid_for(long long n) {
    long long g = (n + VRFT_BLOCK - 1) / VRFT_BLOCK;
    return (unsigned)(g < 1 ? 1 : (g > 1048576 ? 1048576 : g));
}

template <typename T>
static cudaError_t upload(T** d, const T* h, long long count, cudaStream_t s) {
    cudaError_t e = cudaMallocAsync((void**)d, (size_t)(count > 0 ? count : 1) * sizeof(T), s);
    if (e != cudaSuccess || count <= 0 || h == NULL) return e;
    return cudaMemcpyAsync(*d, h, (size_t)count * sizeof(T), cudaMemcpyHostToDevice, s);
}

template <typename T>
static cudaError_t scratch(T** d, long long count, cudaStream_t s) {
    return cudaMallocAsync((void**)d, (size_t)(count > 0 ? count : 1) * sizeof(T), s);
}

template <typename T>
static cudaError_t download(T* h, const T* d, long long count, cudaStream_t s) {
    if (count <= 0 || h == NULL) return cudaSuccess;
    return cudaMemcpyAsync(h, d, (size_t)count * sizeof(T), cudaMemcpyDeviceToHost, s);
}

#define VRFT_FREE(p) do { if (p) cudaFreeAsync((p), ctx->stream); } while (0)

extern "C" int vrft_pairwise_iou(vrft_context* ctx, int batch, const float* h_a, const long long* h_a_off,
                                 const float* h_b, const long long* h_b_off, float* h_out) {
    VRFT_CHECK(batch >= 0, "batch must be >= 0, got %d", batch);
    long long na = check_offsets(h_a_off, batch, "h_a_off");
    if (na < 0) return VRFT_ERR_INVALID_ARGUMENT;
    long long nb = check_offsets(h_b_off, batch, "h_b_off");
    if (nb < 0) return VRFT_ERR_INVALID_ARGUMENT;
    VRFT_CHECK(h_a != NULL || na == 0, "h_a is NULL");
    VRFT_CHECK(h_b != NULL || nb == 0, "h_b is NULL");
    VRFT_CHECK(h_out != NULL || na == 0 || nb == 0, "h_out is NULL");
    VRFT_CHECK(ctx != NULL, "ctx is NULL");
    long long* out_off = (long long*)malloc(sizeof(long long) * (batch + 1));
    if (!out_off) return fail(VRFT_ERR_OUT_OF_MEMORY, "no host memory for %d offsets", batch + 1);
    out_off[0] = 0;
    for (int i = 0; i < batch; i++) {
        out_off[i + 1] = out_off[i] + (h_a_off[i + 1] - h_a_off[i]) * (h_b_off[i + 1] - h_b_off[i]);
    }
    int status = VRFT_OK;
    float *d_a = NULL, *d_b = NULL, *d_out = NULL;
    long long *d_aoff = NULL, *d_boff = NULL, *d_ooff = NULL;
    VRFT_CUDA(cudaSetDevice(ctx->device));
    VRFT_CUDA(upload(&d_a, h_a, 4 * na, ctx->stream));
    VRFT_CUDA(upload(&d_b, h_b, 4 * nb, ctx->stream));
    VRFT_CUDA(upload(&d_aoff, h_a_off, (long long)batch + 1, ctx->stream));
    VRFT_CUDA(upload(&d_boff, h_b_off, (long long)batch + 1, ctx->stream));
    VRFT_CUDA(upload(&d_ooff, out_off, (long long)batch + 1, ctx->stream));
    VRFT_CUDA(scratch(&d_out, out_off[batch], ctx->stream));
    if (out_off[batch] > 0) {
        VRFT_KERNELS_BEGIN();
        vrft_pairwise_iou_kernel<<<grid_for(out_off[batch]), VRFT_BLOCK, 0, ctx->stream>>>(
            (const float4*)d_a, d_aoff, (const float4*)d_b, d_boff, d_ooff, batch, d_out);
        VRFT_CUDA(cudaGetLastError());
        VRFT_KERNELS_END();
    }
    VRFT_CUDA(download(h_out, d_out, out_off[batch], ctx->stream));
    VRFT_CUDA(cudaStreamSynchronize(ctx->stream));
done:
    VRFT_FREE(d_a); VRFT_FREE(d_b); VRFT_FREE(d_out); VRFT_FREE(d_aoff); VRFT_FREE(d_boff); VRFT_FREE(d_ooff);
    free(out_off);
    if (status == VRFT_OK) g_last_error[0] = 0;
    return status;
}

/* The detection kernel on device buffers the caller owns; shared by detection_rewards and reward_step. */
static int detection_on_device(vrft_context* ctx, int batch, const float* h_pred, const double* h_conf,
                               const long long* h_pred_off, const float* h_gt, const long long* h_gt_off,
                               long long np, long long ng, int* h_match_gt, double* h_iou_reward,
                               double* h_conf_reward) {
    int status = VRFT_OK;
    float *d_pred = NULL, *d_gt = NULL;
    double* d_conf = NULL;
    long long *d_poff = NULL, *d_goff = NULL;
    unsigned char* d_used = NULL;
    int* d_match = NULL;
    double *d_iou = NULL, *d_cr = NULL;
    VRFT_CUDA(cudaSetDevice(ctx->device));
    VRFT_CUDA(upload(&d_pred, h_pred, 4 * np, ctx->stream));
    VRFT_CUDA(upload(&d_conf, h_conf, np, ctx->stream));
    VRFT_CUDA(upload(&d_gt, h_gt, 4 * ng, ctx->stream));
    VRFT_CUDA(upload(&d_poff, h_pred_off, (long long)batch + 1, ctx->stream));
    VRFT_CUDA(upload(&d_goff, h_gt_off, (long long)batch + 1, ctx->stream));
    VRFT_CUDA(scratch(&d_used, ng, ctx->stream));
    VRFT_CUDA(scratch(&d_match, np, ctx->stream));
    VRFT_CUDA(scratch(&d_iou, batch, ctx->stream));
    VRFT_CUDA(scratch(&d_cr, batch, ctx->stream));
    if (batch > 0) {
        VRFT_KERNELS_BEGIN();
        vrft_detection_rewards_kernel<<<grid_for(batch), VRFT_BLOCK, 0, ctx->stream>>>(d_pred, d_conf, d_poff, d_gt, d_goff,
                                                                                batch, d_used, d_match, d_iou, d_cr);
        VRFT_CUDA(cudaGetLastError());
        VRFT_KERNELS_END();
    }
    VRFT_CUDA(download(h_match_gt, d_match, np, ctx->stream));
    VRFT_CUDA(download(h_iou_reward, d_iou, batch, ctx->stream));
    VRFT_CUDA(download(h_conf_reward, d_cr, batch, ctx->stream));
    VRFT_CUDA(cudaStreamSynchronize(ctx->stream));
done:
    VRFT_FREE(d_pred); VRFT_FREE(d_conf); VRFT_FREE(d_gt); VRFT_FREE(d_poff); VRFT_FREE(d_goff);
    VRFT_FREE(d_used); VRFT_FREE(d_match); VRFT_FREE(d_iou); VRFT_FREE(d_cr);
    return status;
}

#define VRFT_CHECK_DETECTION_ARGS() \
    VRFT_CHECK(batch >= 0, "batch must be >= 0, got %d", batch); \
    long long np = check_offsets(h_pred_off, batch, "h_pred_off"); \
    if (np < 0) return VRFT_ERR_INVALID_ARGUMENT; \
    long long ng = check_offsets(h_gt_off, batch, "h_gt_off"); \
    if (ng < 0) return VRFT_ERR_INVALID_ARGUMENT; \
    VRFT_CHECK(h_pred != NULL || np == 0, "h_pred is NULL"); \
    VRFT_CHECK(h_conf != NULL || np == 0, "h_conf is NULL"); \
    VRFT_CHECK(h_gt != NULL || ng == 0, "h_gt is NULL"); \
    VRFT_CHECK(h_iou_reward != NULL || batch == 0, "h_iou_reward is NULL"); \
    VRFT_CHECK(h_conf_reward != NULL || batch == 0, "h_conf_reward is NULL")

extern "C" int vrft_detection_rewards(vrft_context* ctx, int batch, const float* h_pred, const double* h_conf,
                                      const long long* h_pred_off, const float* h_gt, const long long* h_gt_off,
                                      int* h_match_gt, double* h_iou_reward, double* h_conf_reward) {
    VRFT_CHECK_DETECTION_ARGS();
    VRFT_CHECK(h_match_gt != NULL || np == 0, "h_match_gt is NULL");
    VRFT_CHECK(ctx != NULL, "ctx is NULL");
    int status = detection_on_device(ctx, batch, h_pred, h_conf, h_pred_off, h_gt, h_gt_off, np, ng, h_match_gt,
                                     h_iou_reward, h_conf_reward);
    if (status == VRFT_OK) g_last_error[0] = 0;
    return status;
}

static int check_groups(int n, int groups, const int* h_start, const int* h_member, int flavor) {
    VRFT_CHECK(n >= 0, "n must be >= 0, got %d", n);
    VRFT_CHECK(groups >= 0, "groups must be >= 0, got %d", groups);
    VRFT_CHECK(h_start != NULL, "h_start is NULL");
    VRFT_CHECK(h_member != NULL || n == 0, "h_member is NULL");
    VRFT_CHECK(h_start[0] == 0 && h_start[groups] == n, "h_start must run from 0 to n = %d", n);
    for (int g = 0; g < groups; g++) {
        VRFT_CHECK(h_start[g + 1] >= h_start[g], "h_start must not decrease (at %d)", g + 1);
    }
    for (int k = 0; k < n; k++) {
        VRFT_CHECK(h_member[k] >= 0 && h_member[k] < n, "h_member[%d] = %d is not an index below n = %d", k, h_member[k], n);
    }
    VRFT_CHECK(flavor == VRFT_ADV_TRL_GROUP || flavor == VRFT_ADV_TRL_NONE || flavor == VRFT_ADV_VERL ||
                   flavor == VRFT_ADV_VERL_NO_STD || flavor == VRFT_ADV_OPENRLHF || flavor == VRFT_ADV_OPENRLHF_DR_GRPO,
               "flavor %d is not a VRFT_ADV_* value the kernel has", flavor);
    return VRFT_OK;
}

static int advantages_on_device(vrft_context* ctx, int n, int groups, const float* h_rewards, const int* h_start,
                                const int* h_member, int flavor, float* h_adv) {
    int status = VRFT_OK;
    float *d_r = NULL, *d_adv = NULL;
    int *d_start = NULL, *d_member = NULL;
    VRFT_CUDA(cudaSetDevice(ctx->device));
    VRFT_CUDA(upload(&d_r, h_rewards, n, ctx->stream));
    VRFT_CUDA(upload(&d_start, h_start, (long long)groups + 1, ctx->stream));
    VRFT_CUDA(upload(&d_member, h_member, n, ctx->stream));
    VRFT_CUDA(scratch(&d_adv, n, ctx->stream));
    if (groups > 0) {
        VRFT_KERNELS_BEGIN();
        vrft_group_advantages_kernel<<<grid_for(groups), VRFT_BLOCK, 0, ctx->stream>>>(d_r, d_start, d_member, groups, flavor, d_adv);
        VRFT_CUDA(cudaGetLastError());
        VRFT_KERNELS_END();
    }
    VRFT_CUDA(download(h_adv, d_adv, n, ctx->stream));
    VRFT_CUDA(cudaStreamSynchronize(ctx->stream));
done:
    VRFT_FREE(d_r); VRFT_FREE(d_adv); VRFT_FREE(d_start); VRFT_FREE(d_member);
    return status;
}

extern "C" int vrft_group_advantages(vrft_context* ctx, int n, int groups, const float* h_rewards, const int* h_start,
                                     const int* h_member, int flavor, float* h_adv) {
    int s = check_groups(n, groups, h_start, h_member, flavor);
    if (s != VRFT_OK) return s;
    VRFT_CHECK(h_rewards != NULL || n == 0, "h_rewards is NULL");
    VRFT_CHECK(h_adv != NULL || n == 0, "h_adv is NULL");
    VRFT_CHECK(ctx != NULL, "ctx is NULL");
    s = advantages_on_device(ctx, n, groups, h_rewards, h_start, h_member, flavor, h_adv);
    if (s == VRFT_OK) g_last_error[0] = 0;
    return s;
}

extern "C" int vrft_policy_loss(vrft_context* ctx, const vrft_loss_cfg* h_cfg, const float* h_logp, const float* h_old,
                                const float* h_ref, const float* h_is_w, const unsigned char* h_mask, const float* h_adv,
                                float* h_grad, float* h_per_token, float* h_per_kl, double* h_sums, int* h_row_low_high) {
    VRFT_CHECK(h_cfg != NULL, "h_cfg is NULL");
    VRFT_CHECK(h_cfg->rows >= 0 && h_cfg->cols >= 0, "h_cfg->rows and h_cfg->cols must be >= 0, got %d x %d",
               h_cfg->rows, h_cfg->cols);
    VRFT_CHECK(h_cfg->impl == VRFT_LOSS_TRL_CLIPPED || h_cfg->impl == VRFT_LOSS_VERL_VANILLA,
               "h_cfg->impl must be VRFT_LOSS_TRL_CLIPPED or VRFT_LOSS_VERL_VANILLA, got %d",
               h_cfg->impl);
    const long long n = (long long)h_cfg->rows * h_cfg->cols;
    const int rows = h_cfg->rows;
    VRFT_CHECK(h_logp != NULL || n == 0, "h_logp is NULL");
    VRFT_CHECK(h_mask != NULL || n == 0, "h_mask is NULL");
    VRFT_CHECK(h_adv != NULL || rows == 0, "h_adv is NULL");
    VRFT_CHECK(h_grad != NULL || n == 0, "h_grad is NULL");
    VRFT_CHECK(h_per_token != NULL || n == 0, "h_per_token is NULL");
    VRFT_CHECK(h_sums != NULL, "h_sums is NULL");
    VRFT_CHECK(h_row_low_high != NULL || rows == 0, "h_row_low_high is NULL");
    VRFT_CHECK(!(h_cfg->impl == VRFT_LOSS_TRL_CLIPPED && h_cfg->beta != 0.0) || h_ref != NULL, "h_ref is NULL but beta != 0");
    VRFT_CHECK(!(h_cfg->impl == VRFT_LOSS_VERL_VANILLA && h_cfg->kl_type >= 0) || h_ref != NULL, "h_ref is NULL but a KL loss is on");
    VRFT_CHECK(ctx != NULL, "ctx is NULL");
    const long long blocks = (n + VRFT_BLOCK - 1) / VRFT_BLOCK;
    int status = VRFT_OK;
    float *d_logp = NULL, *d_old = NULL, *d_ref = NULL, *d_isw = NULL, *d_adv = NULL, *d_grad = NULL, *d_ptl = NULL,
          *d_kl = NULL;
    unsigned char* d_mask = NULL;
    int *d_len = NULL, *d_lh = NULL;
    double *d_rs = NULL, *d_counts = NULL, *d_part = NULL, *h_part = NULL;
    for (int j = 0; j < VRFT_SUMS; j++) h_sums[j] = 0;
    VRFT_CUDA(cudaSetDevice(ctx->device));
    VRFT_CUDA(upload(&d_logp, h_logp, n, ctx->stream));
    if (h_old) VRFT_CUDA(upload(&d_old, h_old, n, ctx->stream));
    if (h_ref) VRFT_CUDA(upload(&d_ref, h_ref, n, ctx->stream));
    if (h_is_w) VRFT_CUDA(upload(&d_isw, h_is_w, n, ctx->stream));
    VRFT_CUDA(upload(&d_mask, h_mask, n, ctx->stream));
    VRFT_CUDA(upload(&d_adv, h_adv, rows, ctx->stream));
    VRFT_CUDA(scratch(&d_grad, n, ctx->stream));
    VRFT_CUDA(scratch(&d_ptl, n, ctx->stream));
    if (h_per_kl) VRFT_CUDA(scratch(&d_kl, n, ctx->stream));
    VRFT_CUDA(scratch(&d_len, rows, ctx->stream));
    VRFT_CUDA(scratch(&d_lh, 2LL * rows, ctx->stream));
    VRFT_CUDA(scratch(&d_rs, 3LL * rows, ctx->stream));
    VRFT_CUDA(scratch(&d_counts, 2, ctx->stream));
    VRFT_CUDA(scratch(&d_part, VRFT_SUMS * (blocks > 0 ? blocks : 1), ctx->stream));
    VRFT_CUDA(cudaMemsetAsync(d_lh, 0, sizeof(int) * 2 * (size_t)(rows > 0 ? rows : 1), ctx->stream));
    if (n > 0) {
        VRFT_KERNELS_BEGIN();
        vrft_loss_rows<<<rows, VRFT_BLOCK, 0, ctx->stream>>>(*h_cfg, d_logp, d_old, d_ref, d_isw, d_mask, d_len, d_rs);
        vrft_loss_counts<<<1, VRFT_BLOCK, 0, ctx->stream>>>(d_len, rows, d_counts);
        vrft_loss_tokens<<<(unsigned)blocks, VRFT_BLOCK, 0, ctx->stream>>>(*h_cfg, d_logp, d_old, d_ref, d_isw, d_mask, d_adv,
                                                                           d_len, d_rs, d_counts, d_grad, d_ptl, d_kl,
                                                                           d_part, d_lh);
        VRFT_CUDA(cudaGetLastError());
        VRFT_KERNELS_END();
        h_part = (double*)malloc(sizeof(double) * VRFT_SUMS * (size_t)blocks);
        if (!h_part) { status = fail(VRFT_ERR_OUT_OF_MEMORY, "no host memory for %lld partials", VRFT_SUMS * blocks); goto done; }
        VRFT_CUDA(download(h_part, d_part, VRFT_SUMS * blocks, ctx->stream));
        VRFT_CUDA(download(h_grad, d_grad, n, ctx->stream));
        VRFT_CUDA(download(h_per_token, d_ptl, n, ctx->stream));
        if (h_per_kl) VRFT_CUDA(download(h_per_kl, d_kl, n, ctx->stream));
        VRFT_CUDA(download(h_row_low_high, d_lh, 2LL * rows, ctx->stream));
        VRFT_CUDA(cudaStreamSynchronize(ctx->stream));
        for (long long b = 0; b < blocks; b++) { // block order: deterministic
            for (int j = 0; j < VRFT_SUMS; j++) h_sums[j] += h_part[VRFT_SUMS * b + j];
        }
    }
done:
    VRFT_FREE(d_logp); VRFT_FREE(d_old); VRFT_FREE(d_ref); VRFT_FREE(d_isw); VRFT_FREE(d_adv); VRFT_FREE(d_grad);
    VRFT_FREE(d_ptl); VRFT_FREE(d_kl); VRFT_FREE(d_mask); VRFT_FREE(d_len); VRFT_FREE(d_lh); VRFT_FREE(d_rs);
    VRFT_FREE(d_counts); VRFT_FREE(d_part);
    free(h_part);
    if (status == VRFT_OK) g_last_error[0] = 0;
    return status;
}

extern "C" int vrft_reward_step(vrft_context* ctx, int batch, const float* h_pred, const double* h_conf,
                                const long long* h_pred_off, const float* h_gt, const long long* h_gt_off,
                                const float* h_format, int groups, const int* h_group_start, const int* h_group_member,
                                int flavor, double* h_iou_reward, double* h_conf_reward, float* h_total, float* h_adv) {
    VRFT_CHECK_DETECTION_ARGS();
    VRFT_CHECK(h_format != NULL || batch == 0, "h_format is NULL");
    VRFT_CHECK(h_total != NULL || batch == 0, "h_total is NULL");
    VRFT_CHECK(h_adv != NULL || batch == 0, "h_adv is NULL");
    int s = check_groups(batch, groups, h_group_start, h_group_member, flavor);
    if (s != VRFT_OK) return s;
    VRFT_CHECK(ctx != NULL, "ctx is NULL");
    int* match = (int*)malloc(sizeof(int) * (size_t)(np > 0 ? np : 1));
    if (!match) return fail(VRFT_ERR_OUT_OF_MEMORY, "no host memory for %lld matches", np);
    ctx->keep_start = 0;
    s = detection_on_device(ctx, batch, h_pred, h_conf, h_pred_off, h_gt, h_gt_off, np, ng, match, h_iou_reward,
                            h_conf_reward);
    free(match);
    if (s != VRFT_OK) return s;
    ctx->keep_start = ctx->timed; /* the kernel time spans both ops (and the copies between them) */
    for (int i = 0; i < batch; i++) { // float32 sum of float32 components, as rewards_per_func.sum(dim=1)
        h_total[i] = ((float)h_iou_reward[i] + (float)h_conf_reward[i]) + h_format[i];
    }
    s = advantages_on_device(ctx, batch, groups, h_total, h_group_start, h_group_member, flavor, h_adv);
    ctx->keep_start = 0;
    if (s == VRFT_OK) g_last_error[0] = 0;
    return s;
}

static int check_logits_args(long long rows, int vocab, double temperature) {
    VRFT_CHECK(rows >= 0 && rows <= 2147483647LL, "rows must be in [0, 2^31), got %lld", rows);
    VRFT_CHECK(vocab >= 1, "vocab must be >= 1, got %d", vocab);
    VRFT_CHECK(temperature > 0 && temperature < INFINITY, "temperature must be positive and finite, got %g", temperature);
    return VRFT_OK;
}

/* Host-side token check (the device variants trust their caller, which checked the same on the host). */
static int check_tokens(long long rows, int vocab, const int* h_tokens, const unsigned char* h_mask) {
    for (long long r = 0; r < rows; r++) {
        if (h_mask && !h_mask[r]) continue;
        VRFT_CHECK(h_tokens[r] >= 0 && h_tokens[r] < vocab, "h_tokens[%lld] = %d is not in [0, %d)", r, h_tokens[r], vocab);
    }
    return VRFT_OK;
}

extern "C" int vrft_logits_forward(vrft_context* ctx, long long rows, int vocab, double temperature, const float* h_logits,
                                   const int* h_tokens, const unsigned char* h_mask, float* h_logp, double* h_lse) {
    int s = check_logits_args(rows, vocab, temperature);
    if (s != VRFT_OK) return s;
    VRFT_CHECK(h_logits != NULL || rows == 0, "h_logits is NULL");
    VRFT_CHECK(h_tokens != NULL || rows == 0, "h_tokens is NULL");
    VRFT_CHECK(h_logp != NULL || rows == 0, "h_logp is NULL");
    VRFT_CHECK(h_lse != NULL || rows == 0, "h_lse is NULL");
    s = check_tokens(rows, vocab, h_tokens, h_mask);
    if (s != VRFT_OK) return s;
    VRFT_CHECK(ctx != NULL, "ctx is NULL");
    int status = VRFT_OK;
    float *d_logits = NULL, *d_logp = NULL;
    int* d_tokens = NULL;
    unsigned char* d_mask = NULL;
    double* d_lse = NULL;
    VRFT_CUDA(cudaSetDevice(ctx->device));
    VRFT_CUDA(upload(&d_logits, h_logits, rows * vocab, ctx->stream));
    VRFT_CUDA(upload(&d_tokens, h_tokens, rows, ctx->stream));
    if (h_mask) VRFT_CUDA(upload(&d_mask, h_mask, rows, ctx->stream));
    VRFT_CUDA(scratch(&d_logp, rows, ctx->stream));
    VRFT_CUDA(scratch(&d_lse, rows, ctx->stream));
    status = vrft_logits_forward_device(ctx, rows, vocab, temperature, d_logits, NULL, d_tokens, d_mask, d_logp, d_lse);
    if (status != VRFT_OK) goto done;
    VRFT_CUDA(download(h_logp, d_logp, rows, ctx->stream));
    VRFT_CUDA(download(h_lse, d_lse, rows, ctx->stream));
    VRFT_CUDA(cudaStreamSynchronize(ctx->stream));
done:
    VRFT_FREE(d_logits); VRFT_FREE(d_tokens); VRFT_FREE(d_mask); VRFT_FREE(d_logp); VRFT_FREE(d_lse);
    if (status == VRFT_OK) g_last_error[0] = 0;
    return status;
}

extern "C" int vrft_logits_backward(vrft_context* ctx, long long rows, int vocab, double temperature,
                                    const float* h_logits, const int* h_tokens, const unsigned char* h_mask,
                                    const double* h_lse, const float* h_grad_logp, float* h_grad) {
    int s = check_logits_args(rows, vocab, temperature);
    if (s != VRFT_OK) return s;
    VRFT_CHECK(h_logits != NULL || rows == 0, "h_logits is NULL");
    VRFT_CHECK(h_tokens != NULL || rows == 0, "h_tokens is NULL");
    VRFT_CHECK(h_lse != NULL || rows == 0, "h_lse is NULL");
    VRFT_CHECK(h_grad_logp != NULL || rows == 0, "h_grad_logp is NULL");
    VRFT_CHECK(h_grad != NULL || rows == 0, "h_grad is NULL");
    s = check_tokens(rows, vocab, h_tokens, h_mask);
    if (s != VRFT_OK) return s;
    VRFT_CHECK(ctx != NULL, "ctx is NULL");
    int status = VRFT_OK;
    float *d_logits = NULL, *d_glogp = NULL;
    int* d_tokens = NULL;
    unsigned char* d_mask = NULL;
    double* d_lse = NULL;
    VRFT_CUDA(cudaSetDevice(ctx->device));
    VRFT_CUDA(upload(&d_logits, h_logits, rows * vocab, ctx->stream));
    VRFT_CUDA(upload(&d_tokens, h_tokens, rows, ctx->stream));
    if (h_mask) VRFT_CUDA(upload(&d_mask, h_mask, rows, ctx->stream));
    VRFT_CUDA(upload(&d_lse, h_lse, rows, ctx->stream));
    VRFT_CUDA(upload(&d_glogp, h_grad_logp, rows, ctx->stream));
    /* the gradient is written over the device copy of the logits: one [rows, vocab] buffer on the device, not two */
    status = vrft_logits_backward_device(ctx, rows, vocab, temperature, d_logits, NULL, d_tokens, d_mask, d_lse, d_glogp,
                                         d_logits);
    if (status != VRFT_OK) goto done;
    VRFT_CUDA(download(h_grad, d_logits, rows * vocab, ctx->stream));
    VRFT_CUDA(cudaStreamSynchronize(ctx->stream));
done:
    VRFT_FREE(d_logits); VRFT_FREE(d_tokens); VRFT_FREE(d_mask); VRFT_FREE(d_lse); VRFT_FREE(d_glogp);
    if (status == VRFT_OK) g_last_error[0] = 0;
    return status;
}

extern "C" int vrft_logits_forward_device(vrft_context* ctx, long long rows, int vocab, double temperature,
                                          const float* d_logits, const float* d_bias, const int* d_tokens,
                                          const unsigned char* d_mask, float* d_logp, double* d_lse) {
    int s = check_logits_args(rows, vocab, temperature);
    if (s != VRFT_OK) return s;
    VRFT_CHECK(rows == 0 || (d_logits && d_tokens && d_logp && d_lse), "d_logits, d_tokens, d_logp and d_lse must not be NULL");
    VRFT_CHECK(ctx != NULL, "ctx is NULL");
    int status = VRFT_OK;
    VRFT_CUDA(cudaSetDevice(ctx->device));
    if (rows > 0) {
        VRFT_KERNELS_BEGIN();
        vrft_logits_forward_kernel<<<(unsigned)rows, VRFT_LOGITS_THREADS, 0, ctx->stream>>>(
            d_logits, d_bias, d_tokens, d_mask, vocab, 1.0 / temperature, d_logp, d_lse);
        VRFT_CUDA(cudaGetLastError());
        VRFT_KERNELS_END();
    }
    g_last_error[0] = 0;
done:
    return status;
}

extern "C" int vrft_logits_backward_device(vrft_context* ctx, long long rows, int vocab, double temperature,
                                           const float* d_logits, const float* d_bias, const int* d_tokens,
                                           const unsigned char* d_mask, const double* d_lse, const float* d_grad_logp,
                                           float* d_grad) {
    int s = check_logits_args(rows, vocab, temperature);
    if (s != VRFT_OK) return s;
    VRFT_CHECK(rows == 0 || (d_logits && d_tokens && d_lse && d_grad_logp && d_grad),
               "d_logits, d_tokens, d_lse, d_grad_logp and d_grad must not be NULL");
    VRFT_CHECK(ctx != NULL, "ctx is NULL");
    int status = VRFT_OK;
    VRFT_CUDA(cudaSetDevice(ctx->device));
    if (rows > 0) {
        VRFT_KERNELS_BEGIN();
        vrft_logits_backward_kernel<<<(unsigned)rows, VRFT_LOGITS_THREADS, 0, ctx->stream>>>(
            d_logits, d_bias, d_tokens, d_mask, vocab, 1.0 / temperature, d_lse, d_grad_logp, d_grad);
        VRFT_CUDA(cudaGetLastError());
        VRFT_KERNELS_END();
    }
    g_last_error[0] = 0;
done:
    return status;
}

extern "C" int vrft_device_alloc(vrft_context* ctx, long long bytes, void** h_ptr) {
    VRFT_CHECK(h_ptr != NULL, "h_ptr is NULL");
    VRFT_CHECK(bytes >= 0, "bytes must be >= 0, got %lld", bytes);
    VRFT_CHECK(ctx != NULL, "ctx is NULL");
    *h_ptr = NULL;
    int status = VRFT_OK;
    VRFT_CUDA(cudaSetDevice(ctx->device));
    VRFT_CUDA(scratch((unsigned char**)h_ptr, bytes, ctx->stream));
    g_last_error[0] = 0;
done:
    return status;
}

extern "C" int vrft_device_free(vrft_context* ctx, void* d_ptr) {
    VRFT_CHECK(ctx != NULL, "ctx is NULL");
    int status = VRFT_OK;
    if (d_ptr) {
        VRFT_CUDA(cudaSetDevice(ctx->device));
        VRFT_CUDA(cudaFreeAsync(d_ptr, ctx->stream));
    }
    g_last_error[0] = 0;
done:
    return status;
}

/* A copy on the context's stream that waits for it (and so for everything queued before it). */
static int copy(vrft_context* ctx, void* dst, const void* src, long long bytes, cudaMemcpyKind kind, const char* what) {
    VRFT_CHECK(bytes >= 0, "bytes must be >= 0, got %lld", bytes);
    VRFT_CHECK(bytes == 0 || (dst && src), "%s must not be NULL", what);
    VRFT_CHECK(ctx != NULL, "ctx is NULL");
    int status = VRFT_OK;
    VRFT_CUDA(cudaSetDevice(ctx->device));
    if (bytes > 0) VRFT_CUDA(cudaMemcpyAsync(dst, src, (size_t)bytes, kind, ctx->stream));
    VRFT_CUDA(cudaStreamSynchronize(ctx->stream));
    g_last_error[0] = 0;
done:
    return status;
}

extern "C" int vrft_copy_to_device(vrft_context* ctx, void* d_dst, const void* h_src, long long bytes) {
    return copy(ctx, d_dst, h_src, bytes, cudaMemcpyHostToDevice, "d_dst and h_src");
}

extern "C" int vrft_copy_to_host(vrft_context* ctx, void* h_dst, const void* d_src, long long bytes) {
    return copy(ctx, h_dst, d_src, bytes, cudaMemcpyDeviceToHost, "h_dst and d_src");
}

extern "C" int vrft_context_stream(vrft_context* ctx, void** h_stream) {
    VRFT_CHECK(h_stream != NULL, "h_stream is NULL");
    VRFT_CHECK(ctx != NULL, "ctx is NULL");
    *h_stream = (void*)ctx->stream;
    g_last_error[0] = 0;
    return VRFT_OK;
}

extern "C" int vrft_synchronize(vrft_context* ctx) {
    VRFT_CHECK(ctx != NULL, "ctx is NULL");
    int status = VRFT_OK;
    VRFT_CUDA(cudaSetDevice(ctx->device));
    VRFT_CUDA(cudaStreamSynchronize(ctx->stream));
    g_last_error[0] = 0;
done:
    return status;
}

extern "C" int vrft_context_set_timing(vrft_context* ctx, int enabled) {
    VRFT_CHECK(ctx != NULL, "ctx is NULL");
    int status = VRFT_OK;
    VRFT_CUDA(cudaSetDevice(ctx->device));
    if (enabled && !ctx->kernels_start) {
        VRFT_CUDA(cudaEventCreate(&ctx->kernels_start));
        VRFT_CUDA(cudaEventCreate(&ctx->kernels_end));
    }
    ctx->timing = enabled != 0;
    ctx->timed = 0;
    g_last_error[0] = 0;
done:
    return status;
}

extern "C" int vrft_last_kernel_ms(vrft_context* ctx, float* h_ms) {
    VRFT_CHECK(h_ms != NULL, "h_ms is NULL");
    VRFT_CHECK(ctx != NULL, "ctx is NULL");
    VRFT_CHECK(ctx->timing && ctx->timed, "no op has launched a kernel since vrft_context_set_timing(ctx, 1)");
    int status = VRFT_OK;
    VRFT_CUDA(cudaSetDevice(ctx->device));
    VRFT_CUDA(cudaEventSynchronize(ctx->kernels_end));
    VRFT_CUDA(cudaEventElapsedTime(h_ms, ctx->kernels_start, ctx->kernels_end));
    g_last_error[0] = 0;
done:
    return status;
}
