/*
 * vrft.h: the C ABI of libvrft.so, a small shim over the vrft-kernels CUDA kernels, for callers that
 * are not Java/JCuda (the Java panama backend binds it through FFM; see io.github.vrft.backend.panama).
 *
 * Conventions
 *  - Every function returns a vrft_status; 0 (VRFT_OK) is success. vrft_error_string(code) names a code
 *    and vrft_last_error() gives this thread's last message, which names the argument at fault.
 *  - Parameters prefixed h_ are HOST pointers (the shim copies them to or from the device); parameters
 *    prefixed d_ are DEVICE pointers (used in place). Every op here takes host pointers; the context
 *    holds the stream and the device scratch the copies go through.
 *  - Arguments are checked on the host before any CUDA call, so bad input never reaches the device.
 *  - A context is not thread-safe: use one per thread.
 */
#ifndef VRFT_H
#define VRFT_H

#include "vrft_abi.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    VRFT_OK = 0,
    VRFT_ERR_INVALID_ARGUMENT = 1, /* a NULL, negative or inconsistent argument (see vrft_last_error) */
    VRFT_ERR_NO_DEVICE = 2,        /* no usable CUDA device or driver */
    VRFT_ERR_CUDA = 3,             /* a CUDA call failed (vrft_last_error has the CUDA error) */
    VRFT_ERR_OUT_OF_MEMORY = 4,    /* host or device allocation failed */
    VRFT_ERR_UNSUPPORTED = 5       /* a mode the kernels do not cover */
} vrft_status;

typedef struct vrft_context vrft_context;

/* The name of a status code ("VRFT_ERR_INVALID_ARGUMENT"); never NULL. */
const char* vrft_error_string(int code);
/* This thread's last error message (empty after success); never NULL. */
const char* vrft_last_error(void);
/* The ABI version: major * 10000 + minor * 100 + patch. */
int vrft_version(void);
/* Number of CUDA devices into *h_count (0 when there is no driver: the call still returns VRFT_OK). */
int vrft_device_count(int* h_count);

/* Free and total memory of the context's device, in bytes (cudaMemGetInfo), for leak checks and sizing. */
int vrft_memory_info(vrft_context* ctx, long long* h_free, long long* h_total);

/* A context on device `device` with its own stream. */
int vrft_context_create(int device, vrft_context** h_out);
int vrft_context_destroy(vrft_context* ctx);

/* Batched ragged all-pairs IoU: sample i pairs h_a[h_a_off[i]..h_a_off[i+1]) with h_b[h_b_off[i]..); xyxy
 * boxes, 4 floats each; h_out receives sum_i n_i*m_i floats, packed row-major per sample. */
int vrft_pairwise_iou(vrft_context* ctx, int batch, const float* h_a, const long long* h_a_off, const float* h_b,
                      const long long* h_b_off, float* h_out);

/* Fused detection matching and rewards, per completion: predictions (de-duplicated, in confidence order)
 * against ground truth, confidences as float64 (the Python floats they came from). Outputs: h_match_gt (one int per prediction), h_iou_reward, h_conf_reward (one
 * double per completion). */
int vrft_detection_rewards(vrft_context* ctx, int batch, const float* h_pred, const double* h_conf,
                           const long long* h_pred_off, const float* h_gt, const long long* h_gt_off,
                           int* h_match_gt, double* h_iou_reward, double* h_conf_reward);

/* Group advantages: n rewards in `groups` groups, members h_member[h_start[g]..h_start[g+1]); flavor as
 * VRFT_ADV_* of vrft_abi.h. */
int vrft_group_advantages(vrft_context* ctx, int n, int groups, const float* h_rewards, const int* h_start,
                          const int* h_member, int flavor, float* h_adv);

/* The policy loss forward and backward (h_cfg->rows x h_cfg->cols tokens). h_old, h_ref, h_is_w and h_per_kl
 * may be NULL. h_sums receives the VRFT_SUMS partial sums (VRFT_SUM_* of vrft_abi.h), h_row_low_high 2 ints per row. */
int vrft_policy_loss(vrft_context* ctx, const vrft_loss_cfg* h_cfg, const float* h_logp, const float* h_old,
                     const float* h_ref, const float* h_is_w, const unsigned char* h_mask, const float* h_adv,
                     float* h_grad, float* h_per_token, float* h_per_kl, double* h_sums, int* h_row_low_high);

/* The whole detection reward step in one call: matching and rewards per completion, the float32 total
 * (accuracy_iou + accuracy_confidence + h_format[i], summed in float32 as the trainers do) and the group
 * advantages of the totals. */
int vrft_reward_step(vrft_context* ctx, int batch, const float* h_pred, const double* h_conf,
                     const long long* h_pred_off, const float* h_gt, const long long* h_gt_off, const float* h_format,
                     int groups, const int* h_group_start, const int* h_group_member, int flavor,
                     double* h_iou_reward, double* h_conf_reward, float* h_total, float* h_adv);


/* The chosen tokens' log-probabilities from logits [rows, vocab] (one position a row) at temperature tau:
 * h_logp[r] = log_softmax(h_logits[r] / tau)[h_tokens[r]] and h_lse[r] = log sum exp(h_logits[r] / tau), both 0 where
 * h_mask[r] is 0 (h_mask may be NULL: every row). Tokens of masked rows are not read. */
int vrft_logits_forward(vrft_context* ctx, long long rows, int vocab, double temperature, const float* h_logits,
                        const int* h_tokens, const unsigned char* h_mask, float* h_logp, double* h_lse);

/* The gradient with respect to the logits from vrft_logits_forward's h_lse and dL/dlogp:
 * h_grad[r, v] = (onehot(h_tokens[r])[v] - softmax(h_logits[r] / tau)[v]) * h_grad_logp[r] / tau; exactly 0 on masked
 * rows. */
int vrft_logits_backward(vrft_context* ctx, long long rows, int vocab, double temperature, const float* h_logits,
                         const int* h_tokens, const unsigned char* h_mask, const double* h_lse,
                         const float* h_grad_logp, float* h_grad);

/* The same two steps on DEVICE buffers, queued on the context's stream without a synchronization, for callers that
 * run their own GEMMs between them (the fused linear log-prob: cuBLAS on vrft_context_stream). d_bias (vocab floats)
 * may be NULL; it is added to each logit in float32. d_grad may be d_logits (the gradient is written over them). */
int vrft_logits_forward_device(vrft_context* ctx, long long rows, int vocab, double temperature, const float* d_logits,
                               const float* d_bias, const int* d_tokens, const unsigned char* d_mask, float* d_logp,
                               double* d_lse);
int vrft_logits_backward_device(vrft_context* ctx, long long rows, int vocab, double temperature, const float* d_logits,
                                const float* d_bias, const int* d_tokens, const unsigned char* d_mask,
                                const double* d_lse, const float* d_grad_logp, float* d_grad);

/* Device memory on the context's device, owned by the caller (for the _device functions), and copies that wait for
 * the context's stream. vrft_device_alloc of 0 bytes gives a 1-byte allocation. */
int vrft_device_alloc(vrft_context* ctx, long long bytes, void** h_ptr);
int vrft_device_free(vrft_context* ctx, void* d_ptr);
int vrft_copy_to_device(vrft_context* ctx, void* d_dst, const void* h_src, long long bytes);
int vrft_copy_to_host(vrft_context* ctx, void* h_dst, const void* d_src, long long bytes);
/* The context's cudaStream_t (a CUstream), for cublasSetStream; and a wait for everything queued on it. */
int vrft_context_stream(vrft_context* ctx, void** h_stream);
int vrft_synchronize(vrft_context* ctx);

/* Kernel time, measured with CUDA events on the context's stream: once vrft_context_set_timing(ctx, 1) is called,
 * each op records an event before its first kernel and one after its last (host copies fall outside them), and
 * vrft_last_kernel_ms gives the milliseconds between the two for the context's last op that launched a kernel
 * (it waits for that op's end). Off by default: the events cost a little per call. No op timed yet:
 * VRFT_ERR_INVALID_ARGUMENT. */
int vrft_context_set_timing(vrft_context* ctx, int enabled);
int vrft_last_kernel_ms(vrft_context* ctx, float* h_ms);

#ifdef __cplusplus
}
#endif

#endif /* VRFT_H */
