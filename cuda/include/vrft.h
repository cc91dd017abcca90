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

#ifdef __cplusplus
}
#endif

#endif /* VRFT_H */
